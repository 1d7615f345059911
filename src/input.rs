//! Reading the objects a user saved: single YAML or JSON documents, multi-document YAML,
//! `kind: List` (as `oc get -o yaml` prints it) and JSON Lines. A bad document is reported with
//! its line and does not stop the others.

mod file;
mod list;
mod strict;

use crate::argocd::group_of;
pub use file::{file_kind, open_regular, read_inside, read_limited, resolve_inside, FileError};
use serde::de::DeserializeSeed;
use serde_json::Value;
use strict::StrictValue;
pub use strict::MAX_DEPTH;
use thiserror::Error;

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
    let err = |line: usize, message: String| InputError {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return vec![Err(err(1, "empty input: no documents".to_owned()))];
    }
    documents(text)
        .into_iter()
        .filter(|d| !matches!(d.value, Ok(Value::Null)))
        .map(|d| d.value.map(|v| (d.line, v)).map_err(|(l, m)| err(l, m)))
        .collect()
}

/// Reads every object of `text`, in order; errors stand where their documents stood.
pub fn read_objects(source_name: &str, text: &str) -> Vec<Result<Object, InputError>> {
    let err = |line: usize, message: String| InputError {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    let mut out = Vec::new();
    let docs = read_documents(source_name, text);
    let any_document = !docs.is_empty();
    for doc in docs {
        match doc {
            Err(e) => out.push(Err(e)),
            Ok((line, value)) => objects_of(value, line, &err, source_name, &mut out),
        }
    }
    // An empty `kind: List` (what `oc get` prints when nothing matches) is zero objects.
    if out.is_empty() && !any_document {
        out.push(Err(err(
            1,
            "no documents: the input holds only comments".to_owned(),
        )));
    }
    out
}

/// Hands every object of `text` to `each`, in order, as [`read_objects`] reads them. A large
/// `kind: List` (at least [`STREAM_FROM`] bytes, one document) is read one item at a time, so
/// memory holds the text and one object instead of all of them.
pub fn for_each_object(
    source_name: &str,
    text: &str,
    each: &mut dyn FnMut(Result<Object, InputError>),
) {
    if text.len() < STREAM_FROM || !stream_list(source_name, text, each) {
        read_objects(source_name, text).into_iter().for_each(each);
    }
}

/// The size from which a `kind: List` is read one item at a time (smaller inputs are read
/// whole: one pass, and the same errors at the same lines).
pub const STREAM_FROM: usize = 8 << 20;

/// Streams the items of `text` when it is one `kind: List` document; `false` (nothing handed
/// on) when it is anything else.
fn stream_list(
    source_name: &str,
    text: &str,
    each: &mut dyn FnMut(Result<Object, InputError>),
) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json = text.trim_start().starts_with('{');
    let one_yaml_document = !text.lines().any(|l| is_separator(l) || is_end_marker(l));
    if !json && (text.trim_start().starts_with('[') || !one_yaml_document) {
        return false;
    }
    let mut header = list::Header::default();
    let seed = list::HeaderSeed {
        header: &mut header,
    };
    // A failure here is found again, at its line, by the second pass or the whole reading.
    let _ = match json {
        true => {
            let mut de = serde_json::Deserializer::from_str(text);
            let read = seed.deserialize(&mut de).map_err(|e| e.to_string());
            // More after the first value (JSON Lines, concatenated objects): not one List, so
            // the whole reading takes it, and no document after the List is lost.
            if read.is_ok() && de.end().is_err() {
                return false;
            }
            read
        }
        false => serde_saphyr::with_deserializer_from_str_with_options(text, yaml_options(), |d| {
            seed.deserialize(d)
        })
        .map_err(|e| e.to_string()),
    };
    if !header.is_list() {
        return false;
    }
    let err = |line: usize, message: String| InputError {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    let mut hand_on = |item: Value| {
        let mut out = Vec::new();
        objects_of(item, 1, &err, source_name, &mut out);
        out.into_iter().for_each(&mut *each);
    };
    let items = list::Items { each: &mut hand_on };
    let failed = match json {
        true => items
            .deserialize(&mut serde_json::Deserializer::from_str(text))
            .err()
            .map(|e| json_error(&e, 0)),
        false => serde_saphyr::with_deserializer_from_str_with_options(text, yaml_options(), |d| {
            items.deserialize(d)
        })
        .err()
        .map(|e| yaml_error(&e.to_string(), 1)),
    };
    if let Some((line, message)) = failed {
        each(Err(err(line, message)));
    }
    true
}

fn objects_of(
    value: Value,
    line: usize,
    err: &dyn Fn(usize, String) -> InputError,
    source_name: &str,
    out: &mut Vec<Result<Object, InputError>>,
) {
    let Value::Object(mut map) = value else {
        out.push(Err(err(
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
                    objects_of(item, line, err, source_name, out);
                }
            }
            None | Some(Value::Null) => {}
            Some(other) => out.push(Err(err(
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
        out.push(Err(err(line, format!("the object has no {missing}"))));
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
    out.push(Ok(Object {
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

struct Document {
    line: usize,
    value: Result<Value, (usize, String)>,
}

fn documents(text: &str) -> Vec<Document> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
        return yaml_documents(text);
    }
    let json_error = match json_documents(text) {
        Ok(docs) => return docs,
        Err(e) => e,
    };
    // YAML's flow style reads much that JSON does not (comments, trailing commas); when YAML
    // cannot read it either, the text was meant as JSON and JSON's error is the one to give.
    let docs = yaml_documents(text);
    if docs.iter().all(|d| d.value.is_ok()) {
        return docs;
    }
    vec![Document {
        line: json_error.0,
        value: Err(json_error),
    }]
}

/// Reads `text` as one JSON value, a stream of values, or JSON Lines; otherwise the error of
/// reading it as one value (it may still be YAML, whose flow style looks like JSON).
fn json_documents(text: &str) -> Result<Vec<Document>, (usize, String)> {
    let error = match serde_json::from_str::<StrictValue>(text) {
        Ok(v) => {
            return Ok(vec![Document {
                line: 1,
                value: Ok(v.0),
            }])
        }
        Err(e) => json_error(&e, 0),
    };
    json_stream(text)
        .filter(|values| values.len() > 1)
        .or_else(|| json_lines(text))
        .ok_or(error)
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

/// A stream of JSON values, one after another (what `jq '.items[]'` prints); `None` when a
/// value in it is invalid.
fn json_stream(text: &str) -> Option<Vec<Document>> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<StrictValue>();
    let mut values = Vec::new();
    loop {
        let offset = stream.byte_offset();
        let v = match stream.next() {
            None => return Some(values),
            Some(Ok(v)) => v.0,
            Some(Err(_)) => return None,
        };
        let skipped = text.get(..offset).unwrap_or_default();
        let lead = text
            .get(offset..)
            .map_or(0, |rest| rest.len() - rest.trim_start().len());
        let line = skipped.lines().count().max(1)
            + text
                .get(offset..offset + lead)
                .map_or(0, |ws| ws.matches('\n').count());
        values.push(Document { line, value: Ok(v) });
    }
}

/// JSON Lines: one JSON value per line, most of them readable; `None` otherwise.
fn json_lines(text: &str) -> Option<Vec<Document>> {
    let parsed: Vec<(usize, Result<Value, String>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                serde_json::from_str::<StrictValue>(l)
                    .map(|v| v.0)
                    .map_err(|e| json_error(&e, i).1),
            )
        })
        .collect();
    if parsed.iter().filter(|(_, r)| r.is_ok()).count() * 2 <= parsed.len() {
        return None;
    }
    Some(
        parsed
            .into_iter()
            .map(|(line, r)| Document {
                line,
                value: r.map_err(|m| (line, m)),
            })
            .collect(),
    )
}

fn is_separator(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

fn is_end_marker(line: &str) -> bool {
    let line = line.trim_end_matches('\r');
    line == "..." || line.starts_with("... ")
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

fn yaml_documents(text: &str) -> Vec<Document> {
    let mut docs = Vec::new();
    let mut start = 1usize;
    let mut chunk = String::new();
    let flush = |chunk: &mut String, start: usize, docs: &mut Vec<Document>| {
        if chunk.lines().all(|l| {
            let t = l.trim();
            t.is_empty() || t.starts_with('#') || t == "..."
        }) {
            chunk.clear();
            return;
        }
        let value = serde_saphyr::from_str_with_options::<Value>(chunk, yaml_options())
            .map_err(|e| yaml_error(&e.to_string(), start));
        docs.push(Document { line: start, value });
        chunk.clear();
    };
    for (i, line) in text.lines().enumerate() {
        if is_end_marker(line) {
            flush(&mut chunk, start, &mut docs);
            start = i + 2;
        } else if is_separator(line) {
            flush(&mut chunk, start, &mut docs);
            start = i + 2;
            let rest = line.trim_start_matches("---").trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                chunk.push_str(rest);
                chunk.push('\n');
                start = i + 1;
            }
        } else {
            chunk.push_str(line);
            chunk.push('\n');
        }
    }
    flush(&mut chunk, start, &mut docs);
    docs
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

    /// A document's value, or the line and text of its error.
    type Read = Result<Value, (usize, String)>;

    fn lines_and_values(text: &str) -> Vec<(usize, Read)> {
        documents(text)
            .into_iter()
            .map(|d| (d.line, d.value))
            .collect()
    }

    #[test]
    fn yaml_documents_start_after_separators_and_end_markers() {
        let text = "# head\na: 1\n---\nb: 2\n...\n--- {c: 3}\n---\n# only a comment\n";
        assert_eq!(
            lines_and_values(text),
            vec![
                (1, Ok(json!({"a": 1}))),
                (4, Ok(json!({"b": 2}))),
                (6, Ok(json!({"c": 3}))),
            ]
        );
    }

    #[test]
    fn separators_need_the_dashes_alone_or_followed_by_a_blank() {
        assert!(is_separator("---"));
        assert!(is_separator("---\r"));
        assert!(is_separator("--- # doc"));
        assert!(is_separator("---\tx"));
        assert!(!is_separator("----"));
        assert!(!is_separator(" ---"));
        assert!(is_end_marker("..."));
        assert!(!is_end_marker("...x"));
    }

    #[test]
    fn yaml_error_lines_count_from_the_start_of_the_file() {
        let text = "a: 1\n---\nb: 2\nc: [\n";
        let docs = lines_and_values(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0], (1, Ok(json!({"a": 1}))));
        // The document starts on line 3; the unclosed bracket stands on its line 2, file line 4.
        assert_eq!(
            docs[1],
            (3, Err((4, "invalid YAML: unclosed bracket '['".to_owned())))
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
            vec![(1, Ok(json!({"a": 1}))), (3, Ok(json!({"b": 2})))]
        );
        let lines = lines_and_values("{\"a\": 1}\n{broken\n{\"c\": 3}\n");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], (1, Ok(json!({"a": 1}))));
        assert!(matches!(&lines[1], (2, Err((2, m))) if m.starts_with("invalid JSON: ")));
        assert_eq!(lines[2], (3, Ok(json!({"c": 3}))));
    }
}
