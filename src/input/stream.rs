//! The two streams an input can be: JSON values one after another (one value, concatenated
//! values, JSON Lines) and YAML documents between `---` lines. Each document is parsed on its
//! own as soon as its end is found, so a broken one is one error, and memory holds one
//! document; a document of at least the `large` size is only framed, then its items are read
//! one at a time when it is a `kind: List`.

use super::scan::{Framed, Header, Scanner};
use super::strict::StrictValue;
use super::{json_error, list, yaml_error, yaml_options, Found, Source};
use serde::de::DeserializeSeed;
use serde_json::Value;
use std::io::{self, Read, SeekFrom};

/// Hands on a parsed document, leaving out empty ones (`null`, a YAML document of nothing).
fn hand_on(line: usize, read: Result<Value, (usize, String)>, each: &mut dyn FnMut(Found)) {
    match read {
        Ok(Value::Null) => {}
        Ok(value) => each(Found::Document(line, value)),
        Err((line, message)) => each(Found::Error(line, message)),
    }
}

/// `bytes` as text, or where it stops being UTF-8 (`offset`: where the bytes start).
fn utf8(bytes: &[u8], offset: u64) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = offset + e.valid_up_to() as u64;
        format!("not UTF-8 text: invalid byte at offset {at}")
    })
}

#[cfg(test)]
thread_local! {
    /// Bytes handed to the parsers on this thread (the tests' measure of work).
    pub(super) static PARSED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts `bytes` handed to a parser, for the tests that hold reading linear.
fn parsing(bytes: &[u8]) {
    #[cfg(test)]
    PARSED.with(|p| p.set(p.get() + bytes.len()));
    let _ = bytes;
}

/// One JSON value, with the rules of every format (duplicates, depth).
fn parse_json(bytes: &[u8], line: usize, offset: u64) -> Result<Value, (usize, String)> {
    parsing(bytes);
    let text = utf8(bytes, offset).map_err(|m| (line, m))?;
    serde_json::from_str::<StrictValue>(text)
        .map(|v| v.0)
        .map_err(|e| json_error(&e, line - 1))
}

/// The first JSON value of `bytes` and the bytes it took, when it reads without error under
/// the rules of every format; `None` otherwise (the value is then framed and parsed again,
/// which gives the error its words and line). Strings are checked as UTF-8 as they are read,
/// so a value read here is the value [`parse_json`] gives for the same bytes.
fn parse_in_place(bytes: &[u8]) -> Option<(Value, usize)> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<StrictValue>();
    let value = values.next()?.ok()?.0;
    let end = values.byte_offset();
    parsing(&bytes[..end]);
    Some((value, end))
}

/// Reads JSON values until the end of the input. When the first value is not JSON, the
/// input may be YAML in flow style (comments, trailing commas): a small input is then read
/// as YAML if YAML reads all of it, and JSON's errors are given otherwise.
pub(super) fn json_stream(
    mut scan: Scanner<'_>,
    large: usize,
    each: &mut dyn FnMut(Found),
) -> io::Result<()> {
    let start_offset = scan.offset;
    let mut buf = Vec::new();
    let mut first = true;
    while scan.skip_blank()? {
        let (line, offset) = (scan.line, scan.offset);
        if let Some(value) = scan.parse_buffered(large, parse_in_place)? {
            hand_on(line, Ok(value), each);
            continue;
        }
        let mut header = Header::default();
        let read = match scan.frame(&mut buf, large, &mut header)? {
            Framed::Whole => parse_json(&buf, line, offset),
            Framed::Large { start, end } => {
                large_json(&mut scan, (start, end), line, &header, each)?;
                first = false;
                continue;
            }
        };
        if first && read.is_err() && flow_yaml(&mut scan, start_offset, large, each)? {
            return Ok(());
        }
        first = false;
        hand_on(line, read, each);
    }
    Ok(())
}

/// Reads the whole input as YAML when it is small and YAML reads every document of it;
/// `false` (nothing handed on, the scanner where it was) otherwise.
fn flow_yaml(
    scan: &mut Scanner<'_>,
    start_offset: u64,
    large: usize,
    each: &mut dyn FnMut(Found),
) -> io::Result<bool> {
    let here = scan.offset;
    let input = scan.input();
    let size = input.seek(SeekFrom::End(0))?;
    if size > large.max(super::FLOW_YAML_MAX) as u64 {
        input.seek(SeekFrom::Start(here))?;
        return Ok(false);
    }
    input.seek(SeekFrom::Start(start_offset))?;
    let mut found = Vec::new();
    yaml_stream(input, start_offset, large, &mut |f| found.push(f))?;
    input.seek(SeekFrom::Start(here))?;
    if found.iter().any(|f| matches!(f, Found::Error(..))) {
        return Ok(false);
    }
    found.into_iter().for_each(each);
    Ok(true)
}

/// A top-level JSON value too large to keep: its items one at a time when it is a List,
/// otherwise the value read whole. The scanner is left after it.
fn large_json(
    scan: &mut Scanner<'_>,
    (start, end): (u64, u64),
    line: usize,
    header: &Header,
    each: &mut dyn FnMut(Found),
) -> io::Result<()> {
    let input = scan.input();
    input.seek(SeekFrom::Start(start))?;
    let mut part = Read::take(&mut *input, end - start);
    if header.is_list() {
        let mut hand = |item: Value| each(Found::Item(line, item));
        let items = list::Items {
            each: &mut hand,
            skip: 0,
        };
        let mut de = serde_json::Deserializer::from_reader(io::BufReader::new(&mut part));
        if let Err(e) = items.deserialize(&mut de) {
            let (line, message) = json_error(&e, line - 1);
            each(Found::Error(line, message));
        }
    } else {
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes)?;
        hand_on(line, parse_json(&bytes, line, start), each);
    }
    input.seek(SeekFrom::Start(end))?;
    Ok(())
}

/// What the first level of a large YAML document says, from its lines that start in the
/// first column (`kind: List`, `apiVersion: v1`, `items:`); a document written otherwise
/// (flow style, quoted keys) is asked of its parser's events ([`events_say_list`]).
#[derive(Default)]
struct YamlHeader {
    kind: Option<String>,
    api_version: Option<String>,
    items: usize,
    repeated: bool,
}

impl YamlHeader {
    fn note(&mut self, line: &[u8]) {
        let Ok(line) = std::str::from_utf8(line) else {
            return;
        };
        let line = line.trim_end();
        let Some((key, value)) = line.split_once(':') else {
            return;
        };
        let value = value.split(" #").next().unwrap_or_default().trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value)
            .to_owned();
        let slot = match key {
            "kind" => &mut self.kind,
            "apiVersion" => &mut self.api_version,
            "items" => {
                self.items += 1;
                return;
            }
            _ => return,
        };
        self.repeated |= slot.is_some();
        *slot = Some(value);
    }

    fn is_list(&self) -> bool {
        self.kind.as_deref() == Some("List")
            && self.api_version.as_deref().is_none_or(|v| v == "v1")
            && self.items == 1
            && !self.repeated
    }
}

/// The YAML document being collected.
struct Chunk {
    /// Its bytes, until it reaches the `large` size.
    bytes: Vec<u8>,
    /// Where it starts: line and offset.
    line: usize,
    offset: u64,
    /// Whether it outgrew the `large` size (its bytes are then not kept).
    large: bool,
    header: YamlHeader,
}

impl Chunk {
    fn new(line: usize, offset: u64) -> Self {
        Chunk {
            bytes: Vec::new(),
            line,
            offset,
            large: false,
            header: YamlHeader::default(),
        }
    }

    fn push(&mut self, line: &[u8], large: usize) {
        if line.first().is_some_and(u8::is_ascii_alphabetic) {
            self.header.note(line);
        }
        if self.large {
            return;
        }
        self.bytes.extend_from_slice(line);
        if self.bytes.len() >= large {
            self.large = true;
            self.bytes = Vec::new();
        }
    }

    /// Whether the document holds nothing but blanks, comments and end markers.
    fn is_blank(&self) -> bool {
        !self.large
            && self.bytes.split(|b| *b == b'\n').all(|l| {
                let t = l.trim_ascii();
                t.is_empty() || t.starts_with(b"#") || t == b"..."
            })
    }
}

/// Reads YAML documents, split at `---` and `...` lines, from `offset` to the end.
pub(super) fn yaml_stream(
    input: &mut dyn Source,
    mut offset: u64,
    large: usize,
    each: &mut dyn FnMut(Found),
) -> io::Result<()> {
    let mut line = Vec::new();
    let mut number = 0usize;
    let mut chunk = Chunk::new(1, offset);
    let mut any = false;
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let at = offset;
        offset += n as u64;
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let marker = super::is_end_marker(text);
        if !marker && !super::is_separator(text) {
            chunk.push(&line, large);
            continue;
        }
        let next = Chunk::new(number + 1, offset);
        let done = std::mem::replace(&mut chunk, next);
        any |= yaml_document(input, done, at, each)?;
        let rest = text[3..].trim_ascii();
        if !marker && !rest.is_empty() && !rest.starts_with(b"#") {
            // `--- {c: 3}`: the document starts on the separator's line.
            let from = text.len() - text[3..].trim_ascii_start().len();
            chunk = Chunk::new(number, at + from as u64);
            chunk.push(&line[from..], large);
        }
    }
    any |= yaml_document(input, chunk, offset, each)?;
    if !any {
        each(Found::Comments);
    }
    Ok(())
}

/// Reads one YAML document that ends at `end`; `false` when it was blank or empty. The input
/// is left at `end`'s line's end (where it was).
fn yaml_document(
    input: &mut dyn Source,
    chunk: Chunk,
    end: u64,
    each: &mut dyn FnMut(Found),
) -> io::Result<bool> {
    if chunk.is_blank() {
        return Ok(false);
    }
    let line = chunk.line;
    if !chunk.large {
        let read = parse_yaml(&chunk.bytes, line, chunk.offset);
        let empty = matches!(read, Ok(Value::Null));
        hand_on(line, read, each);
        return Ok(!empty);
    }
    let here = input.stream_position()?;
    let size = end - chunk.offset;
    if chunk.header.is_list() || events_say_list(input, (chunk.offset, size))? {
        large_yaml_list(input, (chunk.offset, size), line, each)?;
    } else {
        input.seek(SeekFrom::Start(chunk.offset))?;
        let mut bytes = Vec::new();
        Read::take(&mut *input, size).read_to_end(&mut bytes)?;
        hand_on(line, parse_yaml(&bytes, line, chunk.offset), each);
    }
    input.seek(SeekFrom::Start(here))?;
    Ok(true)
}

/// Whether the large YAML document of `size` bytes at `offset`, which its lines in the first
/// column do not show to be a List (flow style, quoted keys), is one by its parser's events.
fn events_say_list(input: &mut dyn Source, (offset, size): (u64, u64)) -> io::Result<bool> {
    input.seek(SeekFrom::Start(offset))?;
    Ok(super::build::is_list(
        &mut Read::take(&mut *input, size),
        size,
    ))
}

/// Reads a large YAML `kind: List` of `size` bytes at `offset` item by item, by the first of
/// three readings that reads it whole: each item's text on its own ([`super::items`]), the
/// builder on the whole document ([`super::build::build_list`]), serde-saphyr. Each goes on
/// past the items an earlier one handed on, and only serde-saphyr reports errors.
fn large_yaml_list(
    input: &mut dyn Source,
    (offset, size): (u64, u64),
    line: usize,
    each: &mut dyn FnMut(Found),
) -> io::Result<()> {
    let mut hand = |item: Value| each(Found::Item(line, item));
    input.seek(SeekFrom::Start(offset))?;
    let (skip, whole) =
        super::items::read_items(&mut Read::take(&mut *input, size), size, &mut hand);
    if whole {
        return Ok(());
    }
    input.seek(SeekFrom::Start(offset))?;
    let mut part = Read::take(&mut *input, size);
    let (skip, whole) = super::build::build_list(&mut part, size, skip, &mut hand);
    if whole {
        return Ok(());
    }
    input.seek(SeekFrom::Start(offset))?;
    let items = list::Items {
        each: &mut hand,
        skip,
    };
    let read = serde_saphyr::with_deserializer_from_reader_with_options(
        Read::take(&mut *input, size),
        yaml_options(),
        |d| items.deserialize(d),
    );
    if let Err(e) = read {
        let (line, message) = yaml_error(&e.to_string(), line);
        each(Found::Error(line, message));
    }
    Ok(())
}

/// One YAML document, with the rules of every format; aliases that would copy more than the
/// document's size (see [`super::aliases`]) are refused before the parser copies them. The
/// value is built from the parser's events where [`super::build`] can, by serde-saphyr otherwise.
fn parse_yaml(bytes: &[u8], line: usize, offset: u64) -> Result<Value, (usize, String)> {
    parsing(bytes);
    let text = utf8(bytes, offset).map_err(|m| (line, m))?;
    if text.contains('*') {
        super::aliases::within(text, text.len().max(super::aliases::FLOOR))
            .map_err(|(at, message)| (line + at.max(1) - 1, message))?;
    }
    if let Some(value) = super::build::build(text) {
        return Ok(value);
    }
    serde_saphyr::from_str_with_options::<Value>(text, yaml_options())
        .map_err(|e| yaml_error(&e.to_string(), line))
}
