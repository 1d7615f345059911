//! How a finding's example reads to a user: an object as `oc get -o yaml` prints it, with a
//! name a real object of its kind might have, only the fields that matter, and every string
//! escaped so that no value can start a line of its own or hide what it holds.

use serde_json::{Map, Value};

/// `text` in double quotes as a finding's message quotes what a script said: quotes,
/// backslashes and control characters escaped (as JSON escapes them), so a message can neither
/// close its quotes early nor break the line.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Names the audit gives states it makes up; an example shows a plausible name instead.
const PLACEHOLDER_NAMES: &[&str] = &["new", "generated"];

/// A name a real object of `kind` might have: the kind in lower-case words joined by `-`
/// (`DataScienceCluster` is `data-science-cluster`), as operators' samples name them.
pub fn plausible_name(kind: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = kind.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        // A capital starts a word after a small letter or digit (`dataScience`, `Db2uCluster`)
        // or, after capitals, when a small letter follows (`IDPCfg`); never as the last letter
        // (`IoT` is one word).
        let next_small = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        let starts_word = c.is_ascii_uppercase()
            && i > 0
            && i + 1 < chars.len()
            && (chars[i - 1].is_ascii_lowercase()
                || chars[i - 1].is_ascii_digit()
                || next_small && chars[i - 1].is_ascii_uppercase());
        if starts_word {
            out.push('-');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
    }
    match out.trim_matches('-') {
        "" => "example".to_owned(),
        name => name.to_owned(),
    }
}

/// The example as a user should see it: a made-up name replaced by one derived from the kind,
/// and an empty `spec` (which says nothing about health) left out.
pub fn example(mut obj: Value) -> Value {
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .map(plausible_name)
        .unwrap_or_else(|| "example".to_owned());
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        let placeholder = meta
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| PLACEHOLDER_NAMES.contains(&n));
        if placeholder {
            meta.insert("name".to_owned(), Value::String(kind));
        }
    }
    if let Some(o) = obj.as_object_mut() {
        if o.get("spec")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
        {
            o.remove("spec");
        }
    }
    obj
}

/// `obj` as YAML the way `oc get -o yaml` prints it: keys sorted, two spaces per level, list
/// items at their key's indentation; every line ends with `\n`.
pub fn yaml(obj: &Value) -> String {
    let mut out = String::new();
    match obj {
        Value::Object(m) if !m.is_empty() => map_lines(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => list_lines(a, 0, &mut out),
        v => {
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
    out
}

fn map_lines(m: &Map<String, Value>, indent: usize, out: &mut String) {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        out.push_str(&" ".repeat(indent));
        entry(&text(k), &m[k.as_str()], indent, out);
    }
}

/// `key: value` on the current line, a nested map or list on the lines after it.
fn entry(key: &str, v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str(&format!("{key}:\n"));
            map_lines(m, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str(&format!("{key}:\n"));
            list_lines(a, indent, out);
        }
        v => out.push_str(&format!("{key}: {}\n", scalar(v))),
    }
}

fn list_lines(a: &[Value], indent: usize, out: &mut String) {
    for item in a {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                for (i, k) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    entry(&text(k), &m[k.as_str()], indent + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                list_lines(inner, indent + 2, out);
            }
            v => {
                out.push_str(&scalar(v));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => text(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// Words YAML reads as something other than a string (YAML 1.1 and 1.2).
const NOT_STRINGS: &[&str] = &[
    "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
];

/// A string plain when YAML reads it back as the same string, else double-quoted with every
/// character that could break a line, hide text or turn the terminal escaped.
fn text(s: &str) -> String {
    let plain_char = |c: char| c.is_ascii_alphanumeric() || "-_./ ".contains(c);
    let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let looks_like_number = s.parse::<f64>().is_ok();
    let plain = first_ok
        && !looks_like_number
        && !s.ends_with(' ')
        && s.chars().all(plain_char)
        && !NOT_STRINGS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_owned();
    }
    quoted(s)
}

/// Control characters, line and paragraph separators, and bidirectional overrides.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_quoted_message_cannot_close_its_quotes_or_break_the_line() {
        assert_eq!(quoted("ok"), "\"ok\"");
        assert_eq!(
            quoted("say \"hi\"\\\nnext\u{1b}[2J\u{2028}ünï"),
            "\"say \\\"hi\\\"\\\\\\nnext\\u001B[2J\\u2028ünï\""
        );
    }

    #[test]
    fn a_kind_gives_a_name_in_lower_case_words() {
        assert_eq!(plausible_name("DataScienceCluster"), "data-science-cluster");
        assert_eq!(plausible_name("IoT"), "iot");
        assert_eq!(plausible_name("IDPCfg"), "idp-cfg");
        assert_eq!(plausible_name("Db2uCluster"), "db2u-cluster");
        assert_eq!(plausible_name("*"), "example");
    }

    #[test]
    fn a_made_up_name_and_an_empty_spec_are_replaced_or_left_out() {
        let made_up = json!({"apiVersion": "nvidia.com/v1", "kind": "ClusterPolicy",
            "metadata": {"name": "generated", "namespace": "test"}, "spec": {},
            "status": {"state": "notReady"}});
        assert_eq!(
            example(made_up),
            json!({"apiVersion": "nvidia.com/v1", "kind": "ClusterPolicy",
                "metadata": {"name": "cluster-policy", "namespace": "test"},
                "status": {"state": "notReady"}})
        );
        // A fixture's own name and a spec with fields stay.
        let fixture = json!({"kind": "Suite", "metadata": {"name": "inst1"}, "spec": {"a": 1}});
        assert_eq!(example(fixture.clone()), fixture);
    }

    #[test]
    fn an_object_prints_as_oc_get_prints_it() {
        let obj = json!({"status": {"conditions": [
                {"type": "Ready", "status": "False", "reason": "NotReady", "message": ""},
                {"type": "Available", "status": "True", "reason": "Available", "message": "ok"}],
                "observedGeneration": 2, "paused": false, "replicas": []},
            "metadata": {"name": "data-science-cluster", "namespace": "test"},
            "kind": "DataScienceCluster",
            "apiVersion": "datasciencecluster.opendatahub.io/v1"});
        assert_eq!(
            yaml(&obj),
            "apiVersion: datasciencecluster.opendatahub.io/v1\n\
             kind: DataScienceCluster\n\
             metadata:\n  name: data-science-cluster\n  namespace: test\n\
             status:\n  conditions:\n  - message: \"\"\n    reason: NotReady\n    status: \"False\"\n    \
             type: Ready\n  - message: ok\n    reason: Available\n    status: \"True\"\n    \
             type: Available\n  observedGeneration: 2\n  paused: false\n  replicas: []\n"
        );
    }

    #[test]
    fn strings_that_would_read_as_something_else_or_break_lines_are_quoted_and_escaped() {
        let obj = json!({"a": "line one\nkind: Forged", "b": "10", "c": "ok: no",
            "d": "bell\u{7}\u{1b}[31m", "e": "right\u{202E}to left", "f": "say \"hi\"",
            "g": " padded", "h": "Yes", "i": "-1"});
        assert_eq!(
            yaml(&obj),
            "a: \"line one\\nkind: Forged\"\nb: \"10\"\nc: \"ok: no\"\n\
             d: \"bell\\u0007\\u001B[31m\"\ne: \"right\\u202Eto left\"\nf: \"say \\\"hi\\\"\"\n\
             g: \" padded\"\nh: \"Yes\"\ni: \"-1\"\n"
        );
        assert!(yaml(&obj).lines().all(|l| !l.starts_with("kind")));
    }
}
