//! Reading the objects a user saved: single YAML or JSON documents, multi-document YAML,
//! `kind: List` (as `oc get -o yaml` prints it) and JSON Lines. A bad document is reported with
//! its line and does not stop the others.

mod aliases;
mod build;
mod file;
mod items;
mod list;
mod scan;
mod stream;
mod strict;

use crate::argocd::group_of;
pub use file::{file_kind, open_regular, read_inside, read_limited, resolve_inside, FileError};
use serde_json::Value;
use std::io::{self, BufRead, Seek, SeekFrom};
pub use strict::MAX_DEPTH;
use thiserror::Error;

/// An input the readers can go back in: the items of a large `kind: List` are read in a
/// second pass over its bytes once its first level says it is one. A file in a
/// [`std::io::BufReader`] or text in a [`std::io::Cursor`].
pub trait Source: BufRead + Seek {}

impl<T: BufRead + Seek> Source for T {}

/// A document that could not be used, with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{source_name}{}: {message}", if *line == 0 { String::new() } else { format!(":{line}") })]
pub struct InputError {
    /// The file name (or `-` for standard input).
    pub source_name: String,
    /// The 1-based line where the document (or the parser's error) stands; 0 for the whole
    /// file (it could not be read at all), which is then shown without a line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A Kubernetes object read from an input.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// The file it came from.
    pub source_name: String,
    /// The line its document starts on.
    pub line: usize,
    /// The API group (`""` for the core group).
    pub group: String,
    /// The kind.
    pub kind: String,
    /// The namespace (`""` when cluster-scoped or absent).
    pub namespace: String,
    /// The name (`""` when absent).
    pub name: String,
    /// The whole object.
    pub value: Value,
}

/// Reads every document of `text` as a JSON value with the line it starts on, without requiring
/// Kubernetes objects (Helm values, nested blobs); errors stand where their documents stood.
pub fn read_documents(source_name: &str, text: &str) -> Vec<Result<(usize, Value), InputError>> {
    let mut out = Vec::new();
    let mut input = io::Cursor::new(text.as_bytes());
    // Never streamed: a document is handed on whole, whatever its kind.
    read_stream(&mut input, usize::MAX, &mut |found| match found {
        Found::Document(line, value) | Found::Item(line, value) => out.push(Ok((line, value))),
        Found::Error(line, message) => out.push(Err(error(source_name, line, message))),
        Found::Comments => {}
    });
    out
}

/// Reads every object of `text`, in order; errors stand where their documents stood.
pub fn read_objects(source_name: &str, text: &str) -> Vec<Result<Object, InputError>> {
    let mut out = Vec::new();
    for_each_object(source_name, text, &mut |o| out.push(o));
    out
}

/// Hands every object of `text` to `each`, in order, as [`for_each_object_in`] does.
pub fn for_each_object(
    source_name: &str,
    text: &str,
    each: &mut dyn FnMut(Result<Object, InputError>),
) {
    for_each_object_in(source_name, &mut io::Cursor::new(text.as_bytes()), each);
}

/// Hands every object of `input` to `each`, in order, as it is read: JSON Lines, concatenated
/// JSON and multi-document YAML one document at a time, and a `kind: List` of at least
/// [`STREAM_FROM`] bytes one item at a time, so memory holds one document (or item), never
/// the input. Each byte is read once, twice for such a List. A bad document is one error at
/// its line and the documents after it are still read.
pub fn for_each_object_in(
    source_name: &str,
    input: &mut dyn Source,
    each: &mut dyn FnMut(Result<Object, InputError>),
) {
    let err = |line: usize, message: String| error(source_name, line, message);
    let mut any_document = false;
    read_stream(input, STREAM_FROM, &mut |found| match found {
        Found::Document(line, value) => {
            any_document = true;
            objects_of(value, line, &err, source_name, each);
        }
        Found::Item(line, value) => objects_of(value, line, &err, source_name, each),
        Found::Error(line, message) => {
            any_document = true;
            each(Err(err(line, message)));
        }
        Found::Comments => {
            if !any_document {
                each(Err(err(
                    1,
                    "no documents: the input holds only comments".to_owned(),
                )));
            }
        }
    });
}

fn error(source_name: &str, line: usize, message: String) -> InputError {
    InputError {
        source_name: source_name.to_owned(),
        line,
        message,
    }
}

/// The size from which a document is not kept whole while it is framed: a `kind: List` that
/// large is read one item at a time in a second pass (anything else is then read whole). Read
/// whole, a List takes about eleven times its size in memory (84 MB for 7.6 MB of JSON), so
/// the bound is low; the second pass costs less than building the whole List.
pub const STREAM_FROM: usize = 1 << 20;

/// The largest input that is tried as YAML in flow style when its first value is not JSON.
const FLOW_YAML_MAX: usize = 8 << 20;

/// What reading found, in order.
enum Found {
    /// A document (not empty) and the line it starts on.
    Document(usize, Value),
    /// One item of a `kind: List` read one item at a time, and the List's line.
    Item(usize, Value),
    /// A document that could not be read: the line and what is wrong.
    Error(usize, String),
    /// The end of an input that held no document, only comments or empty documents (said
    /// after everything else was handed on).
    Comments,
}

/// Reads `input` as JSON (it starts with `{` or `[`: one value, a stream of values or JSON
/// Lines) or as YAML (documents between `---`), handing on what it finds; documents of at
/// least `large` bytes are framed without being kept, and read again if they are a List.
fn read_stream(input: &mut dyn Source, large: usize, each: &mut dyn FnMut(Found)) {
    if let Err(e) = read_stream_io(input, large, each) {
        each(Found::Error(0, format!("cannot read: {e}")));
    }
}

fn read_stream_io(
    input: &mut dyn Source,
    large: usize,
    each: &mut dyn FnMut(Found),
) -> io::Result<()> {
    let head = input.fill_buf()?;
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        let message = "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as \
                       UTF-8";
        each(Found::Error(0, message.to_owned()));
        return Ok(());
    }
    let bom = if head.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    input.consume(bom);
    let mut scan = scan::Scanner::new(input, bom as u64, 1);
    if !scan.skip_blank()? {
        each(Found::Error(1, "empty input: no documents".to_owned()));
        return Ok(());
    }
    match scan.peek()? {
        Some(b'{' | b'[') => stream::json_stream(scan, large, each),
        // YAML is split by lines: from the start again (only blanks were passed).
        _ => {
            input.seek(SeekFrom::Start(bom as u64))?;
            stream::yaml_stream(input, bom as u64, large, each)
        }
    }
}

fn objects_of(
    value: Value,
    line: usize,
    err: &dyn Fn(usize, String) -> InputError,
    source_name: &str,
    each: &mut dyn FnMut(Result<Object, InputError>),
) {
    let Value::Object(mut map) = value else {
        each(Err(err(
            line,
            format!("the document is {}, not an object", kind_of(&value)),
        )));
        return;
    };
    let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
    let (kind, api_version) = (text("kind").unwrap_or_default(), text("apiVersion"));
    // Only the core `v1` List is a list of objects (`oc get -o yaml`); `FooList` with `items`
    // is an object of its own kind, as Argo CD sees it.
    if kind == "List" && api_version.as_deref().is_none_or(|v| v == "v1") {
        match map.remove("items") {
            Some(Value::Array(items)) => {
                for item in items {
                    objects_of(item, line, err, source_name, each);
                }
            }
            None | Some(Value::Null) => {}
            Some(other) => each(Err(err(
                line,
                format!(
                    "kind: List has items that are {}, not a list",
                    kind_of(&other)
                ),
            ))),
        }
        return;
    }
    let (Some(api_version), false) = (api_version.as_deref(), kind.is_empty()) else {
        let missing = match (&api_version, kind.is_empty()) {
            (None, true) => "apiVersion and kind",
            (None, false) => "apiVersion",
            _ => "kind",
        };
        each(Err(err(line, format!("the object has no {missing}"))));
        return;
    };
    let meta = |k: &str| {
        map.get("metadata")
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (namespace, name) = (meta("namespace"), meta("name"));
    each(Ok(Object {
        source_name: source_name.to_owned(),
        line,
        group: group_of(api_version).to_owned(),
        kind,
        namespace,
        name,
        value: Value::Object(map),
    }));
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// serde_json's error as a line and a message: "invalid JSON: WHAT" without its position,
/// which the line already says. `before` is the number of lines before the text parsed.
fn json_error(e: &serde_json::Error, before: usize) -> (usize, String) {
    let text = e.to_string();
    let what = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i]);
    (before + e.line().max(1), format!("invalid JSON: {what}"))
}

/// Whether a line (without its line feed) is a YAML document separator.
fn is_separator(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line == b"---" || line.starts_with(b"--- ") || line.starts_with(b"---\t")
}

/// Whether a line (without its line feed) is a YAML document end marker.
fn is_end_marker(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line == b"..." || line.starts_with(b"... ")
}

/// Parser limits for large dumps: `oc get -A -o yaml` of a big cluster runs to millions of
/// nodes and hundreds of MB of text (the parser's default stops at 64 MiB of scalars); the
/// limits scale with the text, which the caller bounds, while alias expansion keeps the
/// parser's own limits and depth stays bounded against hostile nesting.
fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 1_000_000_000;
    budget.max_nodes = 500_000_000;
    budget.max_total_scalar_bytes = 1 << 30;
    // The same bound as JSON's; the breach is said in our words (`without_hints`).
    budget.max_depth = MAX_DEPTH;
    options.budget = Some(budget);
    options
}

/// Turns the parser's "line L column C: message" into an absolute line and a one-line message.
fn yaml_error(text: &str, start: usize) -> (usize, String) {
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    if let Some(rest) = first.strip_prefix("line ") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<usize>() {
            let message = without_hints(rest.split_once(": ").map_or(rest, |(_, m)| m));
            return (
                (start + n).saturating_sub(1).max(1),
                format!("invalid YAML: {message}"),
            );
        }
    }
    (start, format!("invalid YAML: {}", without_hints(first)))
}

/// The parser's own message without advice addressed to programmers using the library, and
/// in this tool's words where JSON says the same thing (a duplicate key, nesting too deep).
fn without_hints(message: &str) -> String {
    let message = ["; use ", " (use ", "; set ", " (set ", ", set "]
        .iter()
        .filter_map(|h| message.find(h))
        .min()
        .map_or(message, |i| &message[..i]);
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        return strict::duplicate(key);
    }
    if let Some(limit) = message.strip_prefix("budget breached: ") {
        return budget_breached(limit);
    }
    if let Some(rest) = message.strip_prefix("non-finite float ") {
        let value = rest.split(' ').next().unwrap_or(rest);
        return format!(
            "{value} is infinity or not a number, which JSON and Kubernetes cannot store: \
             quote it to make it a string"
        );
    }
    message.to_owned()
}

/// A limit of the YAML reader (`Depth`, `RecordedAnchorEvents { .. }`) in people's words.
fn budget_breached(limit: &str) -> String {
    let name = limit.split([' ', '{']).next().unwrap_or(limit);
    match name {
        "Depth" => strict::too_deep(),
        "RecordedAnchorEvents" | "Aliases" | "Anchors" | "AliasAnchorRatio" => {
            "too many aliases (`*name`) to expand: write the values out instead".to_owned()
        }
        "TotalScalarBytes" => "the values hold more than 1 GiB of text: split the input".to_owned(),
        _ => "the document is larger than this tool reads at once: split the input".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document's line and value, or the line and text of its error.
    type Read = Result<(usize, Value), (usize, String)>;

    fn lines_and_values(text: &str) -> Vec<Read> {
        let mut out = Vec::new();
        read_stream(
            &mut io::Cursor::new(text.as_bytes()),
            STREAM_FROM,
            &mut |f| match f {
                Found::Document(l, v) | Found::Item(l, v) => out.push(Ok((l, v))),
                Found::Error(l, m) => out.push(Err((l, m))),
                Found::Comments => {}
            },
        );
        out
    }

    /// Whether each value was handed on as a List's item (`true`) or a whole document.
    fn items_or_documents(text: &str) -> Vec<bool> {
        let mut out = Vec::new();
        read_stream(
            &mut io::Cursor::new(text.as_bytes()),
            STREAM_FROM,
            &mut |f| match f {
                Found::Item(..) => out.push(true),
                Found::Document(..) => out.push(false),
                Found::Error(l, m) => panic!("line {l}: {m}"),
                Found::Comments => {}
            },
        );
        out
    }

    #[test]
    fn a_large_yaml_list_in_flow_style_is_read_item_by_item() {
        let item = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#;
        let items = vec![item; 20_000].join(", ");
        // `kind` after the items, as `oc get -o json` orders them, and flow style on one line:
        // the lines of the first column do not show a List, its events do.
        let list = format!(
            "# flow\n{{\"apiVersion\": \"v1\", \"items\": [{items}], \"kind\": \"List\"}}\n"
        );
        assert!(list.len() > STREAM_FROM);
        assert_eq!(items_or_documents(&list), vec![true; 20_000]);
        // Not a List: the same size read whole, as one document.
        let other = list.replace("\"kind\": \"List\"", "\"kind\": \"ConfigMap\"");
        assert_eq!(items_or_documents(&other), vec![false]);
        let twice = list.replace("\"kind\": \"List\"", "\"kind\": \"List\", \"items\": []");
        assert_eq!(
            lines_and_values(&twice).len(),
            1,
            "a key twice is one error, read whole"
        );
    }

    #[test]
    fn yaml_documents_start_after_separators_and_end_markers() {
        let text = "# head\na: 1\n---\nb: 2\n...\n--- {c: 3}\n---\n# only a comment\n";
        assert_eq!(
            lines_and_values(text),
            vec![
                Ok((1, json!({"a": 1}))),
                Ok((4, json!({"b": 2}))),
                Ok((6, json!({"c": 3}))),
            ]
        );
    }

    #[test]
    fn separators_need_the_dashes_alone_or_followed_by_a_blank() {
        assert!(is_separator(b"---"));
        assert!(is_separator(b"---\r"));
        assert!(is_separator(b"--- # doc"));
        assert!(is_separator(b"---\tx"));
        assert!(!is_separator(b"----"));
        assert!(!is_separator(b" ---"));
        assert!(is_end_marker(b"..."));
        assert!(!is_end_marker(b"...x"));
    }

    #[test]
    fn yaml_error_lines_count_from_the_start_of_the_file() {
        let text = "a: 1\n---\nb: 2\nc: [\n";
        let docs = lines_and_values(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0], Ok((1, json!({"a": 1}))));
        // The document starts on line 3; the unclosed bracket stands on its line 2, file line 4.
        assert_eq!(
            docs[1],
            Err((4, "invalid YAML: unclosed bracket '['".to_owned()))
        );
    }

    #[test]
    fn parser_messages_become_absolute_lines_without_hints() {
        assert_eq!(
            yaml_error("line 2 column 3: bad thing; use Options to allow it", 10),
            (11, "invalid YAML: bad thing".to_owned())
        );
        assert_eq!(
            yaml_error("error: line 1 column 1: oops (set x)\nmore", 1),
            (1, "invalid YAML: oops".to_owned())
        );
        assert_eq!(
            yaml_error("no position here", 7),
            (7, "invalid YAML: no position here".to_owned())
        );
    }

    #[test]
    fn json_streams_and_json_lines_keep_the_line_of_each_value() {
        assert_eq!(
            lines_and_values("{\"a\": 1}\n\n{\n \"b\": 2\n}\n"),
            vec![Ok((1, json!({"a": 1}))), Ok((3, json!({"b": 2})))]
        );
        let lines = lines_and_values("{\"a\": 1}\n{broken\n{\"c\": 3}\n");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], Ok((1, json!({"a": 1}))));
        assert!(matches!(&lines[1], Err((2, m)) if m.starts_with("invalid JSON: ")));
        assert_eq!(lines[2], Ok((3, json!({"c": 3}))));
    }

    /// A source that counts the bytes taken from it and the times it is rewound.
    struct Counting<'a> {
        inner: io::Cursor<&'a [u8]>,
        taken: usize,
        seeks: usize,
    }

    impl io::Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.taken += n;
            Ok(n)
        }
    }

    impl BufRead for Counting<'_> {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            self.inner.fill_buf()
        }
        fn consume(&mut self, n: usize) {
            self.taken += n;
            self.inner.consume(n);
        }
    }

    impl Seek for Counting<'_> {
        fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
            self.seeks += 1;
            self.inner.seek(to)
        }
    }

    #[test]
    fn json_lines_and_other_streams_are_read_in_work_linear_in_their_size() {
        let object = r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}"#;
        let pretty = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\"\n}\n";
        let yaml = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";
        let forms = [
            (format!("{object}\n"), 0),
            (pretty.to_owned(), 0),
            (yaml.to_owned(), 1),
        ];
        // Whole in memory (every value parsed where it stands) and, for JSON, behind a small
        // buffer (the values the buffer cuts are framed first), as a file is read.
        let json_small = forms.iter().filter(|f| f.1 == 0).map(|f| (f, true));
        for ((document, rewinds), small) in forms.iter().map(|f| (f, false)).chain(json_small) {
            for n in [1_000, 10_000] {
                let text = document.repeat(n);
                stream::PARSED.with(|p| p.set(0));
                let mut input = Counting {
                    inner: io::Cursor::new(text.as_bytes()),
                    taken: 0,
                    seeks: 0,
                };
                let mut documents = 0;
                let mut count = |f: Found| {
                    documents += usize::from(matches!(f, Found::Document(..)));
                };
                match small {
                    false => read_stream(&mut input, STREAM_FROM, &mut count),
                    true => {
                        let mut buffered = io::BufReader::with_capacity(1000, &mut input);
                        read_stream(&mut buffered, STREAM_FROM, &mut count)
                    }
                }
                assert_eq!(documents, n, "{document}");
                // Every byte is taken from the input once (YAML: after one rewind to its
                // start, past nothing), and handed to a parser at most once.
                assert_eq!(input.taken, text.len(), "{document}");
                assert_eq!(input.seeks, *rewinds, "{document}");
                assert!(stream::PARSED.with(|p| p.get()) <= text.len(), "{document}");
            }
        }
    }
}
