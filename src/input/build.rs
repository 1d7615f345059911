//! A YAML document built into a JSON value straight from the parser's events, for the
//! documents a cluster dump is made of: plain mappings, lists, quoted and plain scalars. Going
//! through serde-saphyr's deserializer costs more than parsing itself (callgrind: 572.7k
//! instructions a document against 265.4k for the events alone), so the common case skips it.
//!
//! Everything this builder does not resolve exactly as serde-saphyr does is handed back
//! (`None`) and the document is read by serde-saphyr: anchors, aliases, tags, merge keys,
//! non-string keys, duplicate keys, nesting near the depth limit, every parse error (so every
//! message and line a user sees comes from the same reader as before), and every plain scalar
//! other than null, `true`, `false`, decimal integers without a leading zero and words that no
//! YAML schema reads as anything but a string.

use super::strict::MAX_DEPTH;
use serde_json::map::Entry;
use serde_json::{Map, Value};
use serde_saphyr::granit_parser::{BorrowedInput, Event, Options, Parser, ScalarStyle, Span};
use std::borrow::Cow;
use std::cell::Cell;
use std::io::BufRead;
use std::rc::Rc;

/// Nesting beyond this is left to serde-saphyr, which owns the depth limit and its message.
const DEEPEST: usize = MAX_DEPTH - 8;

/// Texts this long are left to serde-saphyr, which owns the size budgets (1 GiB of scalars,
/// 500 million nodes) and their messages; below it no budget can be reached.
const LARGEST: usize = 256 << 20;

/// The value of the single document in `text`, or `None` when serde-saphyr must read it.
pub(super) fn build(text: &str) -> Option<Value> {
    if text.len() >= LARGEST {
        return None;
    }
    let mut events = Events::new(Parser::new_from_str_with_options(text, parser_options()));
    if !matches!(events.next()?, Event::StreamStart) {
        return None;
    }
    // A `%YAML` directive may change how the document reads: left to serde-saphyr.
    if !matches!(events.next()?, Event::DocumentStart(_, None)) {
        return None;
    }
    let first = events.next()?;
    let value = events.node(first, 0)?;
    match (events.next()?, events.next()?, events.next()) {
        (Event::DocumentEnd, Event::StreamEnd, None) => Some(value),
        _ => None,
    }
}

/// The largest List read here: serde-saphyr's reader stops at 256 MiB with its own message.
pub(super) const LARGEST_READ: u64 = 256 << 20;

/// Reads the `kind: List` document of `size` bytes in `input`, handing each item after the
/// first `skip` (handed on by an earlier reading) to `each` as soon as it is built. Returns how
/// many items were handed on, by this reading or the earlier one, and whether the whole document
/// was read; when not, serde-saphyr must read it again, skipping the items already handed on (it
/// reads them as this builder did) and reporting whatever stopped the builder.
pub(super) fn build_list(
    input: &mut dyn BufRead,
    size: u64,
    skip: usize,
    each: &mut dyn FnMut(Value),
) -> (usize, bool) {
    let mut read = 0;
    if size >= LARGEST_READ {
        return (skip, false);
    }
    let broken = Rc::new(Cell::new(false));
    let chars = Chars {
        input,
        broken: Rc::clone(&broken),
    };
    let parser = Parser::new_from_iter_with_options(chars, parser_options());
    let mut events = Events::new(parser);
    let whole = list_members(&mut events, &broken, &mut |item| {
        read += 1;
        if read > skip {
            each(item);
        }
    })
    .is_some();
    (read.max(skip), whole && !broken.get())
}

/// Whether the document of `size` bytes in `input` is a `kind: List` (`apiVersion` `v1` or
/// none, one `items`) by its parser's events, without building any value: how a large document
/// the line header cannot read (flow style, quoted keys) is found to be a List that can be
/// read item by item. `false` wherever the builder would stop (anchors, tags, errors).
pub(super) fn is_list(input: &mut dyn BufRead, size: u64) -> bool {
    if size >= LARGEST_READ {
        return false;
    }
    let broken = Rc::new(Cell::new(false));
    let chars = Chars {
        input,
        broken: Rc::clone(&broken),
    };
    let mut events = Events::new(Parser::new_from_iter_with_options(chars, parser_options()));
    top_level_list(&mut events) == Some(true) && !broken.get()
}

/// Whether the document's first level says `kind: List`, read past every other value.
fn top_level_list<'a, T: BorrowedInput<'a>>(events: &mut Events<'a, T>) -> Option<bool> {
    let start = (events.next()?, events.next()?, events.next()?);
    let (Event::StreamStart, Event::DocumentStart(_, None), Event::MappingStart(_, 0, None)) =
        start
    else {
        return None;
    };
    let (mut kind, mut api, mut items) = (None, None, 0);
    loop {
        let key = match events.next()? {
            Event::MappingEnd => break,
            Event::Scalar(text, style, 0, None) => key(text, style)?,
            _ => return None,
        };
        let value = events.next()?;
        let slot = match key.as_str() {
            "kind" => &mut kind,
            "apiVersion" => &mut api,
            other => {
                items += usize::from(other == "items");
                skip(events, value)?;
                continue;
            }
        };
        let Event::Scalar(text, style, 0, None) = value else {
            return None;
        };
        // A key twice is serde-saphyr's error to report: read whole.
        if slot.replace(scalar(text, style)?).is_some() {
            return None;
        }
    }
    let list = kind.is_some_and(|k| k == "List");
    Some(list && api.is_none_or(|v| v == "v1") && items == 1)
}

/// Reads past the value that starts with `first` (no anchors, aliases or tags).
fn skip<'a, T: BorrowedInput<'a>>(events: &mut Events<'a, T>, first: Event<'a>) -> Option<()> {
    let mut depth = 0usize;
    let mut event = first;
    loop {
        match event {
            Event::SequenceStart(_, 0, None) | Event::MappingStart(_, 0, None) => depth += 1,
            Event::SequenceEnd | Event::MappingEnd => depth = depth.checked_sub(1)?,
            Event::Scalar(_, _, 0, None) => {}
            _ => return None,
        }
        if depth == 0 {
            return Some(());
        }
        if depth >= DEEPEST {
            return None;
        }
        event = events.next()?;
    }
}

/// The members of a List document: its items handed on, the rest built (so that they are
/// checked) and dropped; `None` where serde-saphyr must take over.
fn list_members<'a, T: BorrowedInput<'a>>(
    events: &mut Events<'a, T>,
    broken: &Cell<bool>,
    each: &mut dyn FnMut(Value),
) -> Option<()> {
    let start = (events.next()?, events.next()?, events.next()?);
    let (Event::StreamStart, Event::DocumentStart(_, None), Event::MappingStart(_, 0, None)) =
        start
    else {
        return None;
    };
    let mut seen = std::collections::HashSet::new();
    loop {
        let key = match events.next()? {
            Event::MappingEnd => break,
            Event::Scalar(text, style, 0, None) => key(text, style)?,
            _ => return None,
        };
        if !seen.insert(key.clone()) {
            return None;
        }
        match (key.as_str(), events.next()?) {
            ("items", Event::SequenceStart(_, 0, None)) => loop {
                let item = match events.next()? {
                    Event::SequenceEnd => break,
                    event => events.node(event, 2)?,
                };
                // An item read up to text that is not UTF-8 may be cut short: not handed on.
                if broken.get() {
                    return None;
                }
                each(item);
            },
            // Items that are not a list are serde-saphyr's error.
            ("items", _) => return None,
            (_, event) => {
                events.node(event, 1)?;
            }
        }
    }
    match (events.next()?, events.next()?, events.next()) {
        (Event::DocumentEnd, Event::StreamEnd, None) => Some(()),
        _ => None,
    }
}

/// The characters of a reader for the parser; at text that is not UTF-8 or a read error it
/// ends and says so in `broken` (serde-saphyr then reads the document and reports it).
struct Chars<'r> {
    input: &'r mut dyn BufRead,
    broken: Rc<Cell<bool>>,
}

impl Chars<'_> {
    fn byte(&mut self) -> Option<u8> {
        match self.input.fill_buf() {
            Ok([first, ..]) => {
                let b = *first;
                self.input.consume(1);
                Some(b)
            }
            Ok([]) => None,
            Err(_) => {
                self.broken.set(true);
                None
            }
        }
    }
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if self.broken.get() {
            return None;
        }
        let first = self.byte()?;
        if first.is_ascii() {
            return Some(char::from(first));
        }
        let width = match first {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 0,
        };
        let mut bytes = [first, 0, 0, 0];
        for slot in bytes.iter_mut().take(width).skip(1) {
            *slot = self.byte().unwrap_or(0);
        }
        let decoded = (width > 0)
            .then(|| std::str::from_utf8(&bytes[..width]).ok())
            .flatten()
            .and_then(|s| s.chars().next());
        if decoded.is_none() {
            self.broken.set(true);
        }
        decoded
    }
}

/// The parser's limits as serde-saphyr sets them from [`super::yaml_options`], so a text this
/// builder parses is one serde-saphyr parses too.
pub(super) fn parser_options() -> Options {
    let mut options = Options::default();
    if let Some(budget) = super::yaml_options().budget {
        options.simple_key_max_lookahead = budget.simple_key_max_lookahead;
        options.flow_nesting_limit = budget.flow_nesting_limit;
        options.block_nesting_limit = options
            .block_nesting_limit
            .max(budget.max_depth.saturating_add(1));
    }
    // Comments are read as serde-saphyr reads them (it counts their bytes against a budget).
    options.emit_comments = true;
    if let Some(budget) = super::yaml_options().budget {
        options.max_buffered_comment_events = budget.max_buffered_comment_events;
    }
    options
}

/// Half of serde-saphyr's budget for comment text: a document with more is left to it.
pub(super) fn comment_limit() -> usize {
    super::yaml_options()
        .budget
        .map_or(0, |b| b.max_total_comment_bytes / 2)
}

/// The parser's events without comments, `None` at an error (which serde-saphyr then reports)
/// or when the comments hold more text than [`comment_limit`].
pub(super) struct Events<'a, T: BorrowedInput<'a>> {
    parser: Parser<'a, T>,
    /// Bytes of comment text still allowed.
    pub(super) comments: usize,
}

impl<'a, T: BorrowedInput<'a>> Events<'a, T> {
    fn new(parser: Parser<'a, T>) -> Self {
        Self::with_budget(parser, comment_limit())
    }

    /// Events allowed `comments` bytes of comment text (what an earlier part of the same
    /// document left of [`comment_limit`]).
    pub(super) fn with_budget(parser: Parser<'a, T>, comments: usize) -> Self {
        Events { parser, comments }
    }

    pub(super) fn next(&mut self) -> Option<Event<'a>> {
        Some(self.next_at()?.0)
    }

    /// The next event and where it is in the text.
    pub(super) fn next_at(&mut self) -> Option<(Event<'a>, Span)> {
        loop {
            match self.parser.next()?.ok()? {
                (Event::Comment(text, _), _) => {
                    self.comments = self.comments.checked_sub(text.len())?;
                }
                found => return Some(found),
            }
        }
    }

    /// The node that starts with `event`, `depth` collections down.
    pub(super) fn node(&mut self, event: Event<'a>, depth: usize) -> Option<Value> {
        match event {
            Event::Scalar(text, style, 0, None) => scalar(text, style),
            Event::SequenceStart(_, 0, None) if depth < DEEPEST => self.sequence(depth + 1),
            Event::MappingStart(_, 0, None) if depth < DEEPEST => self.mapping(depth + 1),
            // Anchors, aliases, tags, and anything else.
            _ => None,
        }
    }

    fn sequence(&mut self, depth: usize) -> Option<Value> {
        let mut items = Vec::new();
        loop {
            match self.next()? {
                Event::SequenceEnd => return Some(Value::Array(items)),
                event => items.push(self.node(event, depth)?),
            }
        }
    }

    fn mapping(&mut self, depth: usize) -> Option<Value> {
        let mut map = Map::new();
        loop {
            let key = match self.next()? {
                Event::MappingEnd => return Some(Value::Object(map)),
                Event::Scalar(text, style, 0, None) => key(text, style)?,
                _ => return None,
            };
            let event = self.next()?;
            let value = self.node(event, depth)?;
            // A duplicate is serde-saphyr's error to report, in its words and at its line.
            match map.entry(key) {
                Entry::Occupied(_) => return None,
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
    }
}

/// A key that is a string whatever the schema; `<<` (a merge) and keys that read as null,
/// booleans or numbers (serde-saphyr compares `0xB` and `11` as the same key) are not.
pub(super) fn key(text: Cow<'_, str>, style: ScalarStyle) -> Option<String> {
    if text == "<<" {
        return None;
    }
    match style {
        ScalarStyle::Plain => match plain(&text)? {
            None => Some(text.into_owned()),
            Some(_) => None,
        },
        _ => Some(text.into_owned()),
    }
}

/// A scalar's value: quoted and block scalars are strings, plain ones resolved by [`plain`].
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(text.into_owned()));
    }
    Some(plain(&text)?.unwrap_or_else(|| Value::String(text.into_owned())))
}

/// A plain scalar that starts with a digit: a decimal without a leading zero short enough for
/// u64 is that number; text that neither of serde-saphyr's number readers can take (integers:
/// digits and `_`, or a `0x`/`0o`/`0b` prefix; floats: Rust's `f64` grammar, digits with one
/// `.` and an exponent `e±N`) is a string: versions `9.1.0`, sizes `10Gi`, UUIDs, dates, cron
/// lines. The rest (octal, hex, underscores, floats) is serde-saphyr's to read.
fn digits_first(text: &str) -> Option<Option<Value>> {
    let bytes = text.as_bytes();
    if bytes.iter().all(u8::is_ascii_digit) {
        let decimal = (bytes[0] != b'0' || bytes.len() == 1) && bytes.len() <= 18;
        return match decimal {
            true => text.parse::<u64>().ok().map(|n| Some(Value::from(n))),
            false => None,
        };
    }
    if matches!(bytes, [b'0', b'x' | b'X' | b'o' | b'O' | b'b' | b'B', ..]) {
        return None;
    }
    let foreign = bytes
        .iter()
        .any(|b| !matches!(b, b'0'..=b'9' | b'.' | b'_' | b'e' | b'E' | b'+' | b'-'));
    let dots = bytes.iter().filter(|b| **b == b'.').count();
    // A sign anywhere but right after the exponent's `e`.
    let loose_sign = bytes
        .windows(2)
        .any(|w| matches!(w[1], b'+' | b'-') && !matches!(w[0], b'e' | b'E'));
    match foreign || dots > 1 || loose_sign {
        true => Some(None),
        false => None,
    }
}

/// Words YAML 1.1 reads as booleans or null in some spelling; only the lower-case `true` and
/// `false` and the null spellings are resolved here, the rest left to serde-saphyr.
const SCHEMA_WORDS: [&str; 9] = ["y", "yes", "n", "no", "on", "off", "true", "false", "null"];

/// How serde-saphyr reads a plain scalar: `Some(Some(value))` for null, a boolean or a
/// number, `Some(None)` for a string, `None` when this builder does not decide.
fn plain(text: &str) -> Option<Option<Value>> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Some(Value::Null)),
        "true" => return Some(Some(Value::Bool(true))),
        "false" => return Some(Some(Value::Bool(false))),
        _ => {}
    }
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first.is_ascii_digit() {
        return digits_first(text);
    }
    // Signed numbers, `.inf`, `.nan` and the like.
    if matches!(first, b'+' | b'-' | b'.') {
        return None;
    }
    if SCHEMA_WORDS.iter().any(|w| w.eq_ignore_ascii_case(text)) {
        return None;
    }
    Some(None)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::path::Path;

    /// serde-saphyr's reading of one document, as [`super::super::stream`] calls it.
    fn saphyr(text: &str) -> Result<Value, String> {
        serde_saphyr::from_str_with_options::<Value>(text, super::super::yaml_options())
            .map_err(|e| e.to_string())
    }

    /// The builder agrees with serde-saphyr wherever it answers, and answers no error case.
    fn agrees(text: &str) -> bool {
        let built = build(text);
        match (&built, saphyr(text)) {
            (Some(value), Ok(read)) => assert_eq!(value, &read, "{text:?}"),
            (Some(value), Err(e)) => panic!("{text:?}: built {value} where serde-saphyr says {e}"),
            (None, _) => {}
        }
        built.is_some()
    }

    #[test]
    fn tricky_documents_are_built_as_serde_saphyr_reads_them_or_left_to_it() {
        let built = [
            "a: 1\nb: [x, 'y', \"z\"]\nc: {d: e}\n",
            "zero: 0\nbig: 123456789012345678\nt: true\nf: false\nz: ~\ne:\nnn: NULL\nm: Null\n",
            "s: 'true'\nq: \"123\"\nlit: |\n  line one\n  line two\nfold: >\n  a\n  b\n",
            "multi: this plain\n  scalar folds\nurl: http://x/y?a=b&c=d\nwild: a*b!c\n",
            "- a\n- - b\n  - {}\n- []\n",
            "inf: inf\nnan: nan\nInfinity: word\n\"11\": quoted\n\"0xB\": also quoted\n",
            "k: \"esc\\u00e9\\n\\t\"\nu: ünïcode\nempty: ''\n",
            "v: [9.1.0, 3.x, 10Gi, 15d, 3f0c2b8e-7d0a-4b35, 9b8a7c6d, 2024-01-01, 0 1 * * *]\n",
            "w: [7.20.0-17306, 1234567-abcd, 1.2.3e4, 1e5x, 12:30, 1-5]\n",
            "plain",
            "# comment\na: b # trailing\n",
        ];
        for text in built {
            assert!(agrees(text), "not built: {text:?}");
        }
        let left = [
            "a: &x 1\nb: *x\n",
            "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
            "a: !!str 1\n",
            "a: !custom x\n",
            "a: 1\na: 2\n",
            "11: a\n0xB: b\n",
            "yes: y\n",
            "a: [yes, No, ON, off, Y, n, True, FALSE]\n",
            "a: [0o17, 0x1F, 017, 1_000, 1e3, 1.5, -3, +4, .inf, -.inf, .nan, -.nan, 0.]\n",
            "a: 12345678901234567890123\n",
            "a: [1.5]\n",
            "a: [1e5]\n",
            "a: [1E+5]\n",
            "a: [1_000]\n",
            "a: [0127]\n",
            "a: [0x1F]\n",
            "a: [0B1]\n",
            "a: [1e999]\n",
            "a: [1.]\n",
            "a: [2e-3]\n",
            "%YAML 1.1\n---\na: yes\n",
            "a: [\n",
            "a: b\n c: d\n",
            "? [a]\n: b\n",
            "a: 1\n---\nb: 2\n",
            "",
        ];
        for text in left {
            assert!(!agrees(text), "built: {text:?}");
        }
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(agrees(&deep(DEEPEST)));
        assert!(!agrees(&deep(DEEPEST + 1)));
        assert!(!agrees(&deep(MAX_DEPTH + 1)));
    }

    /// Every document of every YAML file under `dir`, split as the stream reader splits them.
    pub(in crate::input) fn documents(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                documents(&path, out);
                continue;
            }
            let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            let Some(text) = yaml.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
                continue;
            };
            let mut document = String::new();
            for line in text.split_inclusive('\n') {
                let bare = line.trim_end_matches('\n').as_bytes();
                if super::super::is_separator(bare) || super::super::is_end_marker(bare) {
                    out.push((path.display().to_string(), std::mem::take(&mut document)));
                    if super::super::is_separator(bare) {
                        document.push_str(line[3..].trim_start());
                    }
                } else {
                    document.push_str(line);
                }
            }
            out.push((path.display().to_string(), document));
        }
    }

    #[test]
    fn every_yaml_file_of_the_repository_is_built_as_serde_saphyr_reads_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for dir in ["health", "tests", "cli/tests", "examples"] {
            documents(&root.join(dir), &mut all);
        }
        let mut built = 0;
        for (_, text) in &all {
            built += usize::from(agrees(text));
            if !agrees(text) && std::env::var("SHOWLEFT").is_ok() {
                eprintln!("LEFT {:?}", &text[..text.len().min(300)]);
            }
        }
        // The fixtures are what clusters hold: nearly all of them take the fast path.
        assert!(all.len() > 500, "{} documents", all.len());
        assert!(
            built * 10 >= all.len() * 8,
            "{built} of {} built",
            all.len()
        );
    }

    /// A document's items and error as one reading hands them on.
    pub(in crate::input) type Handed = Vec<Result<Value, (usize, String)>>;

    /// `text` read as a large `kind: List` (streamed item by item) by the stream reader.
    pub(in crate::input) fn streamed(text: &[u8]) -> Handed {
        let mut out = Vec::new();
        let mut input = std::io::Cursor::new(text);
        super::super::read_stream(&mut input, 1, &mut |found| match found {
            super::super::Found::Item(_, v) | super::super::Found::Document(_, v) => {
                out.push(Ok(v))
            }
            super::super::Found::Error(l, m) => out.push(Err((l, m))),
            super::super::Found::Comments => {}
        });
        out
    }

    /// `text` read as a List by serde-saphyr alone, as before this builder.
    pub(in crate::input) fn serde_saphyr_alone(text: &[u8]) -> Handed {
        use serde::de::DeserializeSeed;
        let mut out = Vec::new();
        let mut hand = |v: Value| out.push(Ok(v));
        let items = super::super::list::Items {
            each: &mut hand,
            skip: 0,
        };
        let read = serde_saphyr::with_deserializer_from_reader_with_options(
            text,
            super::super::yaml_options(),
            |d| items.deserialize(d),
        );
        if let Err(e) = read {
            out.push(Err(super::super::yaml_error(&e.to_string(), 1)));
        }
        out
    }

    #[test]
    fn a_streamed_list_hands_on_each_item_once_as_serde_saphyr_alone_does() {
        let head = "apiVersion: v1\nkind: List\nitems:\n";
        let item = |k: &str| format!("- apiVersion: v1\n  kind: {k}\n  metadata:\n    name: nm\n");
        let plain = format!("{head}{}{}{}", item("A"), item("B"), item("C"));
        let anchored = format!(
            "{head}{}- &x {{apiVersion: v1, kind: B}}\n- *x\n{}",
            item("A"),
            item("C")
        );
        let duplicate_after = format!("{head}{}{}metadata: {{a: 1, a: 2}}\n", item("A"), item("B"));
        let duplicate_in_item = format!("{head}{}- {{kind: B, kind: C}}\n{}", item("A"), item("C"));
        let broken_syntax = format!("{head}{}- {{kind: [B}}\n{}", item("A"), item("C"));
        let mut not_utf8 = format!("{head}{}{}", item("A"), item("B")).into_bytes();
        let at = not_utf8.len() - 3;
        not_utf8[at] = 0xff;
        let built = |text: &str| {
            let mut count = 0;
            let mut input = std::io::Cursor::new(text.as_bytes());
            let (handed, whole) = build_list(&mut input, text.len() as u64, 0, &mut |_| count += 1);
            assert_eq!(handed, count);
            (handed, whole)
        };
        // The builder reads the plain List whole and stops at the anchor after the first item.
        assert_eq!(built(&plain), (3, true));
        assert_eq!(built(&anchored), (1, false));
        let items_not_a_list = format!("{head}  a: {{}}\n");
        assert_eq!(built(&items_not_a_list), (0, false));
        let cases = [
            (items_not_a_list.into_bytes(), 0, true),
            (plain.into_bytes(), 3, false),
            (anchored.into_bytes(), 4, false),
            (duplicate_after.into_bytes(), 2, true),
            (duplicate_in_item.into_bytes(), 1, true),
            (broken_syntax.into_bytes(), 1, true),
            (not_utf8, 1, true),
        ];
        for (text, items, error) in cases {
            let read = streamed(&text);
            let shown = String::from_utf8_lossy(&text).into_owned();
            assert_eq!(read, serde_saphyr_alone(&text), "{shown}");
            assert_eq!(read.iter().filter(|r| r.is_ok()).count(), items, "{shown}");
            assert_eq!(read.last().is_some_and(Result::is_err), error, "{shown}");
        }
    }
}
