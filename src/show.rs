//! How every command shows what it read, so one object and one message look the same in `eval`,
//! `explain`, `rollout` and the rest: text with its control characters written as escapes
//! ([`printable`]), an object as `namespace/name` or `name` ([`object_id`]), and a large value
//! in a few words ([`summarize`]).

use serde_json::Value;
use std::borrow::Cow;

/// Values whose JSON text is longer than this are summarised.
pub const SUMMARY_LIMIT: usize = 80;

/// `text` with every control character (line feed, CR, tab, ESC, backspace, C1 codes) and every
/// bidirectional override written as Rust's escape (`\n`, `\r`, `\t`, `\u{1b}`); quotes and
/// backslashes are left as they are. A message is shown this way, unquoted, by every command,
/// so it is one line of its own and cannot add or rewrite lines on a terminal.
pub fn printable(text: &str) -> Cow<'_, str> {
    let hostile = |c: char| {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if hostile(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// An object as every command names it: `namespace/name`, or `name` alone when it has no
/// namespace (cluster-scoped, or saved without one).
pub fn object_id(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else {
        format!("{namespace}/{name}")
    }
}

fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A value as compact JSON, or, when that is longer than 80 characters, what it is and how
/// big: `{…} 4 keys, 1.7 KB`, `[…] 3 items, 812 B`, `"…" 2.0 KB`.
pub fn summarize(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= SUMMARY_LIMIT {
        return text;
    }
    let what = match value {
        Value::Object(m) => format!("{{…}} {}", plural(m.len(), "key", "keys")),
        Value::Array(a) => format!("[…] {}", plural(a.len(), "item", "items")),
        Value::String(_) => "\"…\"".to_owned(),
        // Numbers, booleans and null are never that long; shown whole all the same.
        _ => return text,
    };
    format!("{what}, {}", size(text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_values_are_shown_whole_and_large_ones_in_a_few_words() {
        assert_eq!(summarize(&json!({"a": 1})), r#"{"a":1}"#);
        let big: serde_json::Map<String, Value> = (0..4)
            .map(|i| (format!("k{i}"), json!("x".repeat(400))))
            .collect();
        assert_eq!(summarize(&Value::Object(big)), "{…} 4 keys, 1.6 KB");
        assert_eq!(summarize(&json!(vec![1; 100])), "[…] 100 items, 201 B");
        assert_eq!(summarize(&json!("y".repeat(100))), "\"…\", 102 B");
    }

    #[test]
    fn controls_are_escaped_and_quotes_and_backslashes_kept() {
        assert_eq!(printable("a \"b\" \\ c"), "a \"b\" \\ c");
        assert_eq!(printable("x\r\n\u{1b}[2K"), "x\\r\\n\\u{1b}[2K");
    }

    #[test]
    fn an_object_without_a_namespace_is_its_name() {
        assert_eq!(object_id("", "cm"), "cm");
        assert_eq!(object_id("ns", "cm"), "ns/cm");
    }
}
