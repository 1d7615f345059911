//! Finding where each JSON value of a stream starts and ends, one pass over the bytes without
//! parsing them: every value is then parsed on its own, so a broken line is one error and the
//! values after it are still read, and the work is linear in the input (each byte is looked at
//! once here and once by the parser).

use super::Source;
use std::io;

/// What framing one top-level value found.
pub(super) enum Framed {
    /// The value's bytes are in the buffer (possibly cut short: the parser says why).
    Whole,
    /// The value outgrew the buffer limit: it stands at `start..end` in the input, and what
    /// its first level says is in the [`Header`].
    Large { start: u64, end: u64 },
}

/// The first level of a large top-level object, noted while framing it: enough to know
/// whether it is a `kind: List` whose items can be read one at a time.
#[derive(Default)]
pub(super) struct Header {
    kind: Option<Vec<u8>>,
    api_version: Option<Vec<u8>>,
    items: usize,
    items_listed: bool,
    keys: Vec<Vec<u8>>,
    /// A key given twice on the first level, or nesting too deep: the object is then read
    /// whole, and the parser says what is wrong at its line.
    pub(super) irregular: bool,
}

impl Header {
    /// Whether the object is the core `v1` List with one list of items (keys spelled without
    /// escapes; anything else is read whole and judged by the parser).
    pub(super) fn is_list(&self) -> bool {
        self.kind.as_deref() == Some(b"List")
            && self.api_version.as_deref().is_none_or(|v| v == b"v1")
            && self.items == 1
            && self.items_listed
            && !self.irregular
    }
}

/// The longest first-level string kept while framing (keys and the values of `kind` and
/// `apiVersion`); longer ones are never `kind`, `apiVersion`, `items`, `List` or `v1`, and
/// keys longer than this are not checked for duplicates here (the parser of the items pass
/// checks them).
const TOKEN: usize = 256;

/// A reader of JSON values one after another, keeping the line and offset it stands at.
pub(super) struct Scanner<'a> {
    input: &'a mut dyn Source,
    /// Bytes consumed from the input.
    pub(super) offset: u64,
    /// The 1-based line of the next byte.
    pub(super) line: usize,
    /// Whether the next byte starts a line.
    column0: bool,
    /// Set once the first value was framed: whether it was one line of its own (JSON Lines,
    /// where a line that starts with `{` or `[` starts a new value).
    pub(super) lines_mode: Option<bool>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(input: &'a mut dyn Source, offset: u64, line: usize) -> Self {
        Scanner {
            input,
            offset,
            line,
            column0: true,
            lines_mode: None,
        }
    }

    /// The input, to go back in (the scanner's place is then set again by the caller).
    pub(super) fn input(&mut self) -> &mut dyn Source {
        &mut *self.input
    }

    /// The next byte without consuming it; `None` at the end.
    pub(super) fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.input.fill_buf()?.first().copied())
    }

    /// Skips blanks and line breaks; `false` at the end of the input.
    pub(super) fn skip_blank(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let blanks = buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            let lines = buf[..blanks].iter().filter(|b| **b == b'\n').count();
            if blanks > 0 {
                self.column0 = buf[blanks - 1] == b'\n';
            }
            let more = blanks == buf.len();
            self.input.consume(blanks);
            self.offset += blanks as u64;
            self.line += lines;
            if !more {
                return Ok(true);
            }
        }
    }

    /// Frames the value that starts at the next byte (not a blank) into `buf`, up to `limit`
    /// bytes; a larger object is framed without being kept (see [`Framed::Large`]).
    pub(super) fn frame(
        &mut self,
        buf: &mut Vec<u8>,
        limit: usize,
        header: &mut Header,
    ) -> io::Result<Framed> {
        buf.clear();
        let start = self.offset;
        let start_line = self.line;
        match self.peek()? {
            Some(b'{' | b'[') => {}
            // Anything else stands alone on its line (a scalar, or a stray byte the parser
            // names).
            _ => return self.rest_of_line(buf).map(|()| Framed::Whole),
        }
        let mut state = State::default();
        let mut keep = true;
        let mut done = false;
        while !done {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let mut used = 0;
            while let Some(&b) = chunk.get(used) {
                let run = match keep {
                    true if buf.len() + chunk.len() - used >= limit => 0,
                    keep => skip_run(&chunk[used..], &mut state, !keep),
                };
                if run > 0 {
                    if keep {
                        buf.extend_from_slice(&chunk[used..used + run]);
                    }
                    used += run;
                    self.column0 = false;
                    continue;
                }
                if cut_before(b, self.column0, self.lines_mode, &state) {
                    done = true;
                    break;
                }
                used += 1;
                self.column0 = b == b'\n';
                self.line += usize::from(b == b'\n');
                if !keep {
                    state.step(b, Some(&mut *header));
                } else if buf.len() < limit || buf[0] != b'{' {
                    buf.push(b);
                    state.step(b, None);
                } else {
                    // Too large to keep: the first level so far is noted again, with this
                    // byte, and the rest is only framed.
                    keep = false;
                    buf.push(b);
                    state.replay(&buf[..], header);
                    buf.clear();
                }
                if state.depth == 0 {
                    done = true;
                    break;
                }
            }
            self.input.consume(used);
            self.offset += used as u64;
        }
        if keep && state.depth == 0 && self.garbage_follows()? {
            // `{...}}` or `{...} x`: the line is one error, not a value and a stray byte.
            self.rest_of_line(buf)?;
        }
        if self.lines_mode.is_none() {
            self.lines_mode = Some(self.line == start_line && self.at_line_end()?);
        }
        match keep {
            true => Ok(Framed::Whole),
            false => Ok(Framed::Large {
                start,
                end: self.offset,
            }),
        }
    }

    /// Parses the value that starts at the next byte where it stands in the input's buffer,
    /// without framing or copying it: `parse` returns the value and the bytes it took, or `None`
    /// (an error, or a value that goes on past the buffer). The value is taken only when
    /// framing would have given exactly these bytes: after the first value (which sets the
    /// mode), followed on its line by blanks and a line break or another value, and, in JSON
    /// Lines, on one line. Otherwise nothing is consumed and the caller frames the value, so
    /// errors and their lines are framing's. Only the first `limit` bytes are offered: a larger
    /// value (a List to stream) is framed, even when the whole text is in memory.
    pub(super) fn parse_buffered<T>(
        &mut self,
        limit: usize,
        parse: impl FnOnce(&[u8]) -> Option<(T, usize)>,
    ) -> io::Result<Option<T>> {
        let Some(lines) = self.lines_mode else {
            return Ok(None);
        };
        let buf = self.input.fill_buf()?;
        if !matches!(buf.first(), Some(b'{' | b'[')) {
            return Ok(None);
        }
        let Some((value, end)) = parse(&buf[..buf.len().min(limit)]) else {
            return Ok(None);
        };
        let (body, rest) = buf.split_at(end);
        let next = rest.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        if !matches!(next, Some(b'\n' | b'{' | b'[')) || (lines && body.contains(&b'\n')) {
            return Ok(None);
        }
        let breaks = body.iter().filter(|b| **b == b'\n').count();
        self.input.consume(end);
        self.offset += end as u64;
        self.line += breaks;
        self.column0 = false;
        Ok(Some(value))
    }

    /// Whether only blanks stand between the next byte and the next line break (or the end).
    fn at_line_end(&mut self) -> io::Result<bool> {
        let buf = self.input.fill_buf()?;
        Ok(buf
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            .is_none_or(|b| *b == b'\n'))
    }

    /// Whether something other than blanks, a line break or the start of another value
    /// follows on this line.
    fn garbage_follows(&mut self) -> io::Result<bool> {
        let buf = self.input.fill_buf()?;
        Ok(buf
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
            .is_some_and(|b| !matches!(b, b'\n' | b'{' | b'[')))
    }

    /// Takes the bytes up to the next line break (not included).
    fn rest_of_line(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            let n = chunk.iter().position(|b| *b == b'\n');
            let take = n.unwrap_or(chunk.len());
            buf.extend_from_slice(&chunk[..take]);
            self.input.consume(take);
            self.offset += take as u64;
            self.column0 = false;
            if n.is_some() {
                return Ok(());
            }
        }
    }
}

/// Whether the value being framed ends before `b` without it: a line break inside a string
/// (never valid JSON), or a `{` or `[` at the start of a line right after a complete value or,
/// in JSON Lines, after any line break (a new value: the one before was cut short).
fn cut_before(b: u8, column0: bool, lines_mode: Option<bool>, state: &State) -> bool {
    match b {
        b'\n' => state.in_string,
        b'{' | b'[' => {
            column0
                && state.depth > 0
                && !state.in_string
                && (state.after_value || state.before_key || lines_mode == Some(true))
        }
        _ => false,
    }
}

/// Where framing stands inside a value.
#[derive(Default)]
struct State {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The last byte that was not a blank ended a value (`}`, `]`, `"`, a digit, a letter).
    after_value: bool,
    /// On the first level: the next string is a key (after `{` or `,`).
    expect_key: bool,
    /// Whether each open container is an object (up to [`super::MAX_DEPTH`] levels).
    objects: Vec<bool>,
    /// The next thing is a key, at any level: a value cannot start here.
    before_key: bool,
    /// On the first level: the string being read, when short enough to keep.
    token: Option<Vec<u8>>,
    /// On the first level: the key whose value comes next.
    key: Vec<u8>,
}

impl State {
    /// Steps over `buf` again with a header (the start of a value that turned out large).
    fn replay(&mut self, buf: &[u8], header: &mut Header) {
        *self = State::default();
        let mut at = 0;
        while let Some(b) = buf.get(at) {
            match skip_run(&buf[at..], self, true) {
                0 => {
                    self.step(*b, Some(&mut *header));
                    at += 1;
                }
                run => at += run,
            }
        }
    }

    /// Steps over one byte; with a header, notes what the first level says.
    fn step(&mut self, b: u8, mut header: Option<&mut Header>) {
        if self.in_string {
            if let (Some(t), 1) = (self.token.as_mut(), self.depth) {
                match t.len() < TOKEN {
                    true => t.push(b),
                    false => self.token = None,
                }
            }
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => {
                    self.in_string = false;
                    self.after_value = true;
                    self.before_key = false;
                    if let (Some(h), 1) = (header, self.depth) {
                        self.string_done(h);
                    }
                }
                _ => {}
            }
            return;
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => return,
            b'"' => {
                self.in_string = true;
                self.token = header.is_some().then(Vec::new);
            }
            b'{' | b'[' => {
                if let (Some(h), 1, false, b'[') =
                    (header.as_deref_mut(), self.depth, self.expect_key, b)
                {
                    h.items_listed |= self.key == b"items";
                }
                self.depth += 1;
                self.expect_key = b == b'{';
                if self.objects.len() < super::MAX_DEPTH {
                    self.objects.push(b == b'{');
                }
                if let Some(h) = header {
                    h.irregular |= self.depth > super::MAX_DEPTH;
                }
            }
            b'}' | b']' => {
                self.depth = self.depth.saturating_sub(1);
                self.objects.pop();
            }
            b',' => self.expect_key = self.depth == 1,
            b':' => self.expect_key = false,
            _ => {}
        }
        self.after_value = matches!(b, b'}' | b']') || b.is_ascii_alphanumeric();
        self.before_key = match b {
            b'{' => true,
            b',' => self.objects.last() == Some(&true),
            _ => false,
        };
    }

    /// A first-level string ended: a key (checked for duplicates), or the value of `kind`
    /// or `apiVersion`.
    fn string_done(&mut self, h: &mut Header) {
        let Some(mut token) = self.token.take() else {
            // Too long to keep: never one of the keys looked for.
            if self.expect_key {
                self.key.clear();
            }
            return;
        };
        token.pop(); // the closing quote
        if self.expect_key {
            h.irregular |= h.keys.contains(&token);
            h.items += usize::from(token == b"items");
            h.keys.push(token.clone());
            self.key = token;
        } else if self.key == b"kind" {
            h.kind = Some(token);
        } else if self.key == b"apiVersion" {
            h.api_version = Some(token);
        }
    }
}

/// How many bytes at the start of `rest` framing passes in one step: the plain bytes of a
/// string (no quote, backslash or line break; with `noting`, the first level's strings are
/// noted byte by byte), or, outside strings, a run of bytes that are not structural (blanks,
/// numbers, literals), of which the last that is not a blank sets what [`State::step`] would
/// have set; else 0. None of them changes the line or the nesting.
fn skip_run(rest: &[u8], state: &mut State, noting: bool) -> usize {
    if state.in_string {
        if state.escaped || (noting && state.depth == 1) {
            return 0;
        }
        return memchr::memchr3(b'"', b'\\', b'\n', rest).unwrap_or(rest.len());
    }
    let run = rest
        .iter()
        .position(|c| matches!(c, b'"' | b'{' | b'}' | b'[' | b']' | b',' | b':' | b'\n'))
        .unwrap_or(rest.len());
    if let Some(last) = rest[..run]
        .iter()
        .rev()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\r'))
    {
        state.after_value = last.is_ascii_alphanumeric();
        state.before_key = false;
    }
    run
}
