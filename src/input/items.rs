//! A large YAML `kind: List` read from the text of each of its items. The parser reads a string
//! at about half the cost of characters from a reader (callgrind, BENCHMARKS.md "YAML from
//! parser events"), so the `items:` list of a dump (`oc get -o yaml`: `items:` alone on a line
//! of the first column, each item a line `- ` at one indentation and lines indented deeper) is
//! cut at the lines that start an item, and each item's text is parsed from a string as a
//! document of its own, a list of that one item; memory holds one item's text and value.
//!
//! Why that is the value the whole document gives: at a line that starts with content at the
//! list's indentation or less, the parser has closed every block collection and scalar of the
//! item before it (they are indented deeper), unless that item left a quoted scalar or a flow
//! collection open or broke a line where this cut does not see it (a lone `\r`); such a text
//! is not a list of one item on its own, and the reading stops there. Comment and blank lines
//! stay with the item before them, as the parser reads them. The List's other members are
//! parsed with one item `0` written in place of the items, checked to be read where it was
//! written (the key `items` on its line, the `0` on the next, at the items' indentation).
//!
//! The reading stops wherever it cannot answer (another layout, a tab or a lone `\r` where an
//! item may start, text that is not UTF-8, anything [`super::build`] leaves to serde-saphyr), and
//! [`super::build::build_list`] reads the document again past the items handed on. An item is
//! handed on only once the next one is read and [`HOLD`] bytes past it are read and checked to
//! be UTF-8 (or the whole List is read): a reading of the whole document has then handed it on
//! too, whatever it decodes ahead. Comments between `items:` and the first item stop it (the
//! whole document's reader holds them while it looks for the value, and stops past 32).

use super::build::{self, Events};
use serde_json::Value;
use serde_saphyr::granit_parser::{Event, Marker, Options, Parser, ScalarStyle, StructureStyle};
use std::collections::HashSet;
use std::io::BufRead;

/// Text kept of the List's members other than its items; a List with more is read whole by the
/// builder instead.
const AROUND_MAX: usize = 1 << 20;

/// Text read and checked past an item's end before it is handed on. A reading of the whole
/// document hands an item on only once its parser has gone past it, and its input decodes
/// characters ahead of the parser (16 in granit-parser): text that is not UTF-8 just after an
/// item stops that reading before the item. Held this far, an item is one it would hand on too;
/// an item held when this reading stops is left to the next reader, which hands on exactly what
/// the whole document gives.
const HOLD: u64 = 4 << 10;

/// Reads the `kind: List` document of `size` bytes in `input` item by item, handing each item
/// to `each`. Returns how many items were handed on and whether the whole document was read;
/// when not, [`build::build_list`] must read it again, skipping the items already handed on.
pub(super) fn read_items(
    input: &mut dyn BufRead,
    size: u64,
    each: &mut dyn FnMut(Value),
) -> (usize, bool) {
    let mut list = Items {
        input,
        line: Vec::new(),
        options: build::parser_options(),
        comments: build::comment_limit(),
        held: std::collections::VecDeque::new(),
        read: 0,
        handed: 0,
        each,
    };
    let whole = size < build::LARGEST_READ && list.read().is_some();
    (list.handed, whole)
}

/// A List being read.
struct Items<'r, 'f> {
    input: &'r mut dyn BufRead,
    /// The line just read, with its line feed.
    line: Vec<u8>,
    options: Options,
    /// Bytes of comment text the document may still hold (one budget for the whole document).
    comments: usize,
    /// Items read and not yet handed on, each with the offset where its text ends.
    held: std::collections::VecDeque<(Value, u64)>,
    /// Bytes taken from `input` so far, every one of them checked to be UTF-8.
    read: u64,
    /// Items handed on so far.
    handed: usize,
    each: &'f mut dyn FnMut(Value),
}

/// Appends the next line of `input` to `buf`, reading at most [`AROUND_MAX`] bytes and one
/// more: how many were read, `None` at a read error or when the line goes on past that.
fn capped_line(input: &mut dyn BufRead, buf: &mut Vec<u8>) -> Option<usize> {
    let read = std::io::Read::take(input, AROUND_MAX as u64 + 1)
        .read_until(b'\n', buf)
        .ok()?;
    (read <= AROUND_MAX).then_some(read)
}

/// Counts `text` as read into `read`; `None` when it is not UTF-8 (the readers of the whole
/// document report it).
fn counted(read: &mut u64, text: &[u8]) -> Option<()> {
    std::str::from_utf8(text).ok()?;
    *read += text.len() as u64;
    Some(())
}

/// What a line after the first item is to the cut.
enum Line {
    /// Blank or a comment (or a scalar's text): it stays with the item before it.
    Filler,
    /// `- ` at the items' indentation: the start of an item.
    Item,
    /// Content indented deeper than the items: the item goes on.
    Deeper,
    /// Content at the items' indentation or less: the list is over.
    After,
}

impl Items<'_, '_> {
    /// Reads the next line outside the items into `line`: `Some(false)` at the end, `None` at
    /// a read error or a line longer than [`AROUND_MAX`] (a List on one line is no dump's
    /// layout, and memory holds no more of it than that).
    fn next_line(&mut self) -> Option<bool> {
        self.line.clear();
        let read = capped_line(&mut *self.input, &mut self.line)?;
        counted(&mut self.read, &self.line)?;
        Some(read > 0)
    }

    /// Reads the whole List, handing on its items; `None` where the reading stops.
    fn read(&mut self) -> Option<()> {
        let mut head = Vec::new();
        loop {
            if !self.next_line()? {
                return None;
            }
            if is_items_key(&self.line) {
                break;
            }
            head.extend_from_slice(&self.line);
            if head.len() > AROUND_MAX {
                return None;
            }
        }
        // Blank and comment lines, then the first item's line, which gives the indentation.
        let mut piece = Vec::new();
        let indent = loop {
            if !self.next_line()? {
                return None;
            }
            piece.extend_from_slice(&self.line);
            let body = body(&self.line);
            if memchr::memchr(b'\r', body).is_some() || piece.len() > AROUND_MAX {
                return None;
            }
            // Comments between the key and its list: a reading of the whole document holds them
            // while it looks for the value (at most 32, then it stops), one item's text does not.
            if is_filler(body) && !body.contains(&b'#') {
                continue;
            }
            if is_filler(body) {
                return None;
            }
            let indent = spaces(body);
            match is_entry(&body[indent..]) {
                true => break indent,
                false => return None,
            }
        };
        // The members before the items are checked before any item is handed on.
        let before = self.comments;
        self.around(&head, indent, b"")?;
        let head_comments = before - self.comments;
        let after = self.pieces(piece, indent)?;
        self.comments += head_comments;
        self.around(&head, indent, &after)?;
        while !self.held.is_empty() {
            self.hand_first();
        }
        Some(())
    }

    /// Reads the items from the first one's text in `piece` on; returns the text after them.
    /// Lines are read into `piece` itself: the line that ends an item starts the next text.
    fn pieces(&mut self, mut piece: Vec<u8>, indent: usize) -> Option<Vec<u8>> {
        loop {
            let start = piece.len();
            let line = match self.input.read_until(b'\n', &mut piece).ok()? {
                0 => Line::After,
                _ => classify(&piece[start..], indent)?,
            };
            counted(&mut self.read, &piece[start..])?;
            if matches!(line, Line::Filler | Line::Deeper) {
                continue;
            }
            let end = self.read - (piece.len() - start) as u64;
            self.item(&piece[..start], end)?;
            piece.drain(..start);
            if matches!(line, Line::After) {
                break;
            }
        }
        loop {
            let start = piece.len();
            if capped_line(&mut *self.input, &mut piece)? == 0 {
                break;
            }
            counted(&mut self.read, &piece[start..])?;
            if piece.len() > AROUND_MAX {
                return None;
            }
        }
        Some(piece)
    }

    /// Reads one item's text, which ends at offset `end`, as a list of that one item, and hands
    /// on the items held far enough behind it.
    fn item(&mut self, piece: &[u8], end: u64) -> Option<()> {
        let text = std::str::from_utf8(piece).ok()?;
        let parser = Parser::new_from_str_with_options(text, self.options.clone());
        let mut events = Events::with_budget(parser, self.comments);
        let start = (events.next()?, events.next()?, events.next()?);
        let (Event::StreamStart, Event::DocumentStart(_, None), Event::SequenceStart(_, 0, None)) =
            start
        else {
            return None;
        };
        let first = events.next()?;
        // The depth the item has in the List: in `items`, in the document's mapping.
        let value = events.node(first, 2)?;
        let last = (
            events.next()?,
            events.next()?,
            events.next()?,
            events.next(),
        );
        let (Event::SequenceEnd, Event::DocumentEnd, Event::StreamEnd, None) = last else {
            return None;
        };
        self.comments = events.comments;
        self.held.push_back((value, end));
        // Items far enough behind what has been read and checked (see [`HOLD`]).
        while let Some((_, at)) = self.held.front() {
            if at + HOLD > self.read {
                break;
            }
            self.hand_first();
        }
        Some(())
    }

    /// Hands on the first item held.
    fn hand_first(&mut self) {
        if let Some((item, _)) = self.held.pop_front() {
            self.handed += 1;
            (self.each)(item);
        }
    }

    /// Checks the List's members other than its items (`head` before them, `after` after
    /// them), as the builder of the whole document does, with one item `0` in place of the items.
    fn around(&mut self, head: &[u8], indent: usize, after: &[u8]) -> Option<()> {
        let mut text = Vec::with_capacity(head.len() + after.len() + indent + 16);
        text.extend_from_slice(head);
        text.extend_from_slice(b"items:\n");
        text.resize(text.len() + indent, b' ');
        text.extend_from_slice(b"- 0\n");
        text.extend_from_slice(after);
        let text = std::str::from_utf8(&text).ok()?;
        let line = head.iter().filter(|b| **b == b'\n').count() + 1;
        let parser = Parser::new_from_str_with_options(text, self.options.clone());
        let mut events = Events::with_budget(parser, self.comments);
        let start = (events.next()?, events.next()?, events.next()?);
        let (Event::StreamStart, Event::DocumentStart(_, None), Event::MappingStart(_, 0, None)) =
            start
        else {
            return None;
        };
        let mut seen = HashSet::new();
        loop {
            let (key, at) = match events.next_at()? {
                (Event::MappingEnd, _) => break,
                (Event::Scalar(text, style, 0, None), span) => (build::key(text, style)?, span),
                _ => return None,
            };
            if !seen.insert(key.clone()) {
                return None;
            }
            let event = events.next()?;
            match key.as_str() {
                "items" => stand_in(&mut events, event, at.start, (line, indent))?,
                _ => drop(events.node(event, 1)?),
            }
        }
        let end = (events.next()?, events.next()?, events.next());
        let (Event::DocumentEnd, Event::StreamEnd, None) = end else {
            return None;
        };
        self.comments = events.comments;
        seen.contains("items").then_some(())
    }
}

/// The `items` member as written in place of the items: the key at `line`, in the first column,
/// and a block list of one plain `0` on the next line at the items' `indent`.
fn stand_in<'a, T: serde_saphyr::granit_parser::BorrowedInput<'a>>(
    events: &mut Events<'a, T>,
    event: Event<'a>,
    key: Marker,
    (line, indent): (usize, usize),
) -> Option<()> {
    let list = matches!(event, Event::SequenceStart(StructureStyle::Block, 0, None));
    if !list || (key.line(), key.col()) != (line, 0) {
        return None;
    }
    match events.next_at()? {
        (Event::Scalar(text, ScalarStyle::Plain, 0, None), span)
            if text == "0" && (span.start.line(), span.start.col()) == (line + 1, indent + 2) => {}
        _ => return None,
    }
    matches!(events.next()?, Event::SequenceEnd).then_some(())
}

/// A line without its line break (`\n` or `\r\n`).
fn body(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether `b` is a YAML blank (space or tab).
fn is_blank(b: &u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// `items:` alone on its line, in the first column.
fn is_items_key(line: &[u8]) -> bool {
    let body = body(line);
    let end = body.len() - body.iter().rev().take_while(|b| is_blank(b)).count();
    &body[..end] == b"items:"
}

/// A line of blanks, or of blanks and a comment.
fn is_filler(body: &[u8]) -> bool {
    matches!(body.iter().find(|b| !is_blank(b)), None | Some(b'#'))
}

/// Leading spaces.
fn spaces(body: &[u8]) -> usize {
    body.iter().take_while(|b| **b == b' ').count()
}

/// `-` followed by a blank or the end of the line: a list entry.
fn is_entry(rest: &[u8]) -> bool {
    matches!(rest, [b'-'] | [b'-', b' ' | b'\t', ..])
}

/// What `line` (after the first item) is to the cut; `None` where the cut cannot tell: a lone
/// `\r` (a line break to YAML), a tab where an item or the next member may start.
fn classify(line: &[u8], indent: usize) -> Option<Line> {
    let body = body(line);
    if memchr::memchr(b'\r', body).is_some() {
        return None;
    }
    if is_filler(body) {
        return Some(Line::Filler);
    }
    let at = spaces(body);
    Some(match body[at] {
        _ if at > indent => Line::Deeper,
        b'\t' => return None,
        _ if at == indent && is_entry(&body[at..]) => Line::Item,
        _ => Line::After,
    })
}

#[cfg(test)]
mod tests {
    use super::super::build::tests::{documents, serde_saphyr_alone, streamed, Handed};
    use super::*;
    use std::io::{BufReader, Cursor};
    use std::path::Path;

    /// The items [`read_items`] hands on from `text` read through a buffer of `capacity`
    /// bytes, and whether it read the whole List.
    fn by_items(text: &[u8], capacity: usize) -> (Vec<Value>, bool) {
        let mut items = Vec::new();
        let mut input = BufReader::with_capacity(capacity, Cursor::new(text));
        let (handed, whole) = read_items(&mut input, text.len() as u64, &mut |v| items.push(v));
        assert_eq!(handed, items.len());
        (items, whole)
    }

    /// Bytes taken from the reader inside.
    struct Counting<R>(R, std::rc::Rc<std::cell::Cell<usize>>);

    impl<R: std::io::Read> std::io::Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn a_list_on_one_long_line_is_left_to_the_builder_having_read_a_bounded_part() {
        // Flow style on one line, 4 MiB: not a dump's layout; the reader stops at the cap
        // rather than holding the whole line (the builder then streams the document).
        for head in ["", "apiVersion: v1\nkind: List\nitems:\n"] {
            let text = format!("{head}{{a: \"{}\"}}", "x".repeat(4 << 20));
            let taken = std::rc::Rc::new(std::cell::Cell::new(0));
            let inner = Counting(Cursor::new(text.as_bytes()), std::rc::Rc::clone(&taken));
            let mut input = BufReader::with_capacity(8 << 10, inner);
            let (handed, whole) = read_items(&mut input, text.len() as u64, &mut |_| {});
            assert_eq!((handed, whole), (0, false));
            assert!(
                taken.get() <= AROUND_MAX + (16 << 10),
                "{} bytes read",
                taken.get()
            );
        }
    }

    /// Asserts that the stream reader hands on from `text` what serde-saphyr alone does, and
    /// returns how many items the items' texts gave and whether they gave the whole List.
    fn agrees(text: &str) -> (usize, bool) {
        let read = streamed(text.as_bytes());
        assert_eq!(read, serde_saphyr_alone(text.as_bytes()), "{text}");
        let (items, whole) = by_items(text.as_bytes(), 8 << 10);
        let expected: Vec<&Value> = read.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert!(items.len() <= expected.len(), "{text}");
        assert_eq!(
            items.iter().collect::<Vec<_>>(),
            expected[..items.len()],
            "{text}"
        );
        (items.len(), whole)
    }

    /// A List of `items` (each one's text as written at the first column) at `indent`.
    fn list(items: &[&str], indent: usize) -> String {
        let mut out = String::from("apiVersion: v1\nitems:\n");
        for item in items {
            for (n, line) in item.lines().enumerate() {
                let lead = if n == 0 { "- " } else { "  " };
                match line.is_empty() {
                    true => out.push('\n'),
                    false => out.push_str(&format!("{}{lead}{line}\n", " ".repeat(indent))),
                }
            }
        }
        out + "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
    }

    const A: &str = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n";
    const B: &str = "kind: B\nstatus:\n  conditions:\n  - type: Ready\n    status: 'True'\n";

    #[test]
    fn the_layouts_of_a_dump_are_read_item_by_item_as_serde_saphyr_reads_them() {
        let block =
            "kind: C\nnote: |+\n  kept\n\n\ntext: 'folded\n  over lines'\nplain: one\n  two\n";
        let head_last = "kind: List\nitems:\n- {a: 1}\n- b: 2\n  c: [x,\n    z]\n";
        let commented = "apiVersion: v1\n# before\nitems:\n\n- a: 1\n# between\n  # deeper\n\n- b: 2\n   # after\nkind: List\n";
        let empty_item = "kind: List\nitems:\n-\n- a\n-   \n";
        let cases = [
            (list(&[A, B, block], 0), 3),
            (list(&[A, B, block], 2), 3),
            (list(&[A, B, block], 0).replace('\n', "\r\n"), 3),
            (head_last.to_owned(), 2),
            (commented.to_owned(), 2),
            (empty_item.to_owned(), 3),
        ];
        for (text, items) in cases {
            assert_eq!(agrees(&text), (items, true), "{text}");
        }
    }

    #[test]
    fn where_the_cut_cannot_tell_the_list_is_left_to_the_builder_after_the_items_handed_on() {
        let quoted_open = list(&[A, "a: \"x\n- y\"\n", B], 0).replace("\n  - y", "\n- y");
        let flow_open = list(&[A, B, "a: [x,\n]\n", A], 0).replace("\n  ]", "\n]");
        let lone_cr = list(&[A, B, "a: 1\rb: 2\n", A], 0);
        // Before the items, the parser finds `items` on another line than the one counted.
        let lone_cr_before = list(&[A, B], 0).replacen("apiVersion: v1", "a: 1\rb: 2", 1);
        let tab = list(&[A, B], 0) + "\t- c: 3\n";
        let anchored = list(&[A, B, "&x {k: v}", "*x"], 0);
        let anchor_before = "note: &v v1\nkind: List\nitems:\n- a: *v\n- b: 1\n";
        let indented = "kind: List\nitems:\n  a: {}\n";
        let flow = "kind: List\nitems: [{a: 1}, {b: 2}]\n";
        // Comments between `items:` and the first item: the whole document's reader holds
        // them while it looks for the value (at most 32), an item's text alone does not.
        let comment_first = format!("kind: List\nitems:\n{}- a\n- b\n", "# c\n".repeat(33));
        // Items are held until 4 KiB past them are read (see `HOLD`): in these short Lists,
        // none is handed on before the reading stops.
        let cases = [
            (quoted_open, 0),
            (flow_open, 0),
            (lone_cr, 0),
            (lone_cr_before, 0),
            (tab, 0),
            (anchored, 0),
            (anchor_before.to_owned(), 0),
            (indented.to_owned(), 0),
            (flow.to_owned(), 0),
            (comment_first, 0),
        ];
        for (text, items) in cases {
            assert_eq!(agrees(&text), (items, false), "{text}");
        }
        // The first `items:` line is in a quoted scalar (the stream reader, seeing two, reads
        // such a List whole).
        let items_quoted = "note: \"a\nitems:\n- b\"\nkind: List\nitems:\n- a: 1\n- b: 2\n";
        assert_eq!(by_items(items_quoted.as_bytes(), 64), (vec![], false));
    }

    #[test]
    fn errors_and_other_text_around_the_items_are_left_to_the_readers_of_the_whole_list() {
        let plain = list(&[A, B, A], 0);
        // Keys the stream reader's look at the first column does not count.
        let twice = plain.clone() + "\"items\": []\n";
        let duplicate = plain.clone() + "metadata: {}\n";
        let duplicate_around = plain.replacen("items:", "extra: 1\nitems:", 1) + "extra: 2\n";
        let broken_after = plain.clone() + "extra: [\n";
        let broken_item = list(&[A, "a: {b\n", B], 0);
        let deep = list(&[A, &"[".repeat(200), B], 0);
        // A byte that is not UTF-8 at the end of `needle` (its first or `last` occurrence).
        let spoiled = |needle: &str, last: bool| {
            let text = list(&[A, B, A], 0);
            let found = if last {
                text.rfind(needle)
            } else {
                text.find(needle)
            };
            let mut bytes = text.into_bytes();
            bytes[found.unwrap() + needle.len() - 1] = 0xff;
            bytes
        };
        // In the first item, the second, the last, and after the items.
        // Short Lists: every item is still held (see `HOLD`) when the reading stops.
        let not_utf8 = [
            (spoiled("name: a", false), 0),
            (spoiled("kind: B", false), 0),
            (spoiled("name: a", true), 0),
            (spoiled("resourceVersion: \"", true), 0),
            (b"kind: List\nitems:\n- a\n- b\n\xff\n".to_vec(), 0),
            (b"kind: List\nitems:\n- a\n- b\n- c\n\xff\n".to_vec(), 0),
        ];
        let cases = [
            (twice.into_bytes(), 0),
            (duplicate.into_bytes(), 0),
            (duplicate_around.into_bytes(), 0),
            (broken_after.into_bytes(), 0),
            (broken_item.into_bytes(), 0),
            (deep.into_bytes(), 0),
        ];
        for (text, items) in cases.into_iter().chain(not_utf8) {
            let shown = String::from_utf8_lossy(&text).into_owned();
            let read: Handed = streamed(&text);
            assert_eq!(read, serde_saphyr_alone(&text), "{shown}");
            assert!(read.last().is_some_and(Result::is_err), "{shown}");
            let (handed, whole) = by_items(&text, 8 << 10);
            assert_eq!((handed.len(), whole), (items, false), "{shown}");
        }
    }

    #[test]
    fn an_item_is_handed_on_only_once_the_text_far_past_it_reads() {
        // Items of about 3 KiB; text that is not UTF-8 in the last one, on its first line or
        // 2,000 bytes into it.
        let big = |name: &str| format!("name: {name}\npad: {}\n", "x".repeat(3 << 10));
        let (a, b, c, d) = (big("a"), big("b"), big("c"), big("d"));
        for (spoil, handed) in [(0, 0), (2000, 1)] {
            let text = list(&[&a, &b, &c, &d], 0);
            let at = text.find("- name: d").expect("d") + spoil;
            let mut bytes = text.into_bytes();
            bytes[at] = 0xff;
            let read = streamed(&bytes);
            assert_eq!(
                read,
                serde_saphyr_alone(&bytes),
                "spoiled {spoil} bytes into d"
            );
            // When `c` is read (at `d`'s first line), `a` is 6 KiB behind and handed on, `b`
            // 3 KiB and held; a first line that is not UTF-8 stops the reading before `c`.
            let (items, whole) = by_items(&bytes, 8 << 10);
            assert_eq!((items.len(), whole), (handed, false), "{spoil}");
        }
    }

    #[test]
    fn items_cut_by_the_reader_s_buffer_read_the_same() {
        let text = list(&[A, B, "a: 'x\n  y'\nb: |\n  z\n", A], 2).replace('\n', "\r\n");
        let whole = by_items(text.as_bytes(), 64 << 10);
        assert_eq!(whole.0.len(), 4);
        assert!(whole.1);
        for capacity in [1, 2, 3, 5, 7, 16] {
            assert_eq!(by_items(text.as_bytes(), capacity), whole, "{capacity}");
        }
    }

    #[test]
    fn every_yaml_document_of_the_repository_as_an_item_reads_as_serde_saphyr_reads_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut all = Vec::new();
        for dir in ["health", "tests", "cli/tests", "examples"] {
            documents(&root.join(dir), &mut all);
        }
        let all: Vec<&str> = all.iter().map(|(_, text)| text.as_str()).collect();
        let (mut read, mut whole) = (0, 0);
        for text in &all {
            for indent in [0, 2] {
                let (items, all_read) = agrees(&list(&[text, text], indent));
                read += 1;
                whole += usize::from(all_read && items == 2);
            }
        }
        // Nearly all of them are read from their own text.
        assert!(all.len() > 500, "{} documents", all.len());
        assert!(
            whole * 100 >= read * 95,
            "{whole} of {read} read item by item"
        );
    }
}
