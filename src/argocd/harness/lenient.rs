//! YAML read the way sigs.k8s.io/yaml reads it for Argo CD's test harness: only the first
//! document of a file, the last value of a repeated mapping key, YAML 1.1 octal numbers, and
//! struct fields matched without regard to case (Go's encoding/json).
//!
//! `crate::input` stays strict (a repeated key there is a user's mistake worth reporting); this
//! reader exists so a health_test.yaml that Argo CD's own suite accepts is accepted here too.

use serde_json::{Map, Value};

/// Parses the first YAML document of `text`; an error is `(line, message)`, the line 1-based in
/// `text`.
pub fn parse(text: &str) -> Result<Value, (usize, String)> {
    let doc = first_document(text);
    let mut options = serde_saphyr::Options::default();
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    // go-yaml v2 reads `0755` as the octal number 493 (YAML 1.1).
    options.legacy_octal_numbers = true;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<Option<Value>>(&doc, options)
        .map(|v| v.unwrap_or(Value::Null))
        .map_err(|e| locate(&e.to_string()))
}

/// The first document of a YAML stream, one output line per input line so the parser's line
/// numbers are the file's: go-yaml v2's `Unmarshal` never looks past the first document, so
/// later documents (even broken ones) do not matter.
fn first_document(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut doc = String::new();
    let (mut opened, mut content) = (false, false);
    for line in text.lines() {
        let bare = line.trim_end_matches('\r');
        let separator = bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t");
        let end = bare == "..." || bare.starts_with("... ");
        if (separator || end) && (opened || content) {
            break;
        }
        if separator {
            opened = true;
            doc.push_str(bare.trim_start_matches('-'));
        } else if !opened && !content && bare.starts_with('%') {
            // A directive before the document is not content; keep the line count.
        } else {
            let t = bare.trim();
            content |= !t.is_empty() && !t.starts_with('#');
            doc.push_str(bare);
        }
        doc.push('\n');
    }
    doc
}

/// Turns the parser's error (which names "line L" somewhere in its first line) into
/// `(line, message)`.
fn locate(text: &str) -> (usize, String) {
    let first = text.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let line = first.match_indices("line ").find_map(|(i, m)| {
        let digits: String = first[i + m.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<usize>().ok()
    });
    // "line L column C: message" reads better as just the message once the line is known.
    let message = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, m)) => m,
        None => first,
    };
    (line.unwrap_or(1).max(1), format!("invalid YAML: {message}"))
}

/// The value of struct field `name` as Go's encoding/json finds it in a YAML-made object: keys
/// match without regard to case and, as sigs.k8s.io/yaml hands encoding/json the keys sorted,
/// the last match in sorted order wins.
pub fn field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    let folded = fold(name);
    map.iter()
        .filter(|(k, _)| fold(k) == folded)
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, v)| v)
}

fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Which line of `text` holds `key:` (matched without regard to case) in the `item`th (0-based)
/// entry of the file's list, or that entry's first line; with `item` None, anywhere. 1 when
/// nothing matches. Used to point at a field whose value has the wrong type: the parsed value
/// no longer knows its line.
pub fn line_of(text: &str, key: &str, item: Option<usize>) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let t = lines[i].trim_start();
            t == "-" || t.starts_with("- ")
        })
        .collect();
    let (from, to) = match item {
        None => (0, lines.len()),
        Some(n) => match starts.get(n) {
            Some(&s) => (s, starts.get(n + 1).copied().unwrap_or(lines.len())),
            None => return 1,
        },
    };
    let wanted = format!("{}:", fold(key));
    (from..to)
        .find(|&i| has_key(&fold(lines[i]), &wanted))
        .unwrap_or(from)
        + 1
}

/// Whether `line` holds `key` (ending in `:`) not as the tail of a longer name.
fn has_key(line: &str, key: &str) -> bool {
    line.match_indices(key).any(|(i, _)| {
        line[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_only_the_first_document() {
        let v = parse("a: 1\n---\nb: [unclosed\n").expect("first document parses");
        assert_eq!(v, json!({"a": 1}));
        let v = parse("# c\n---\na: 2\n---\nb: 3\n").expect("parses");
        assert_eq!(v, json!({"a": 2}));
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        assert_eq!(parse("a: 1\na: 2\n").expect("parses"), json!({"a": 2}));
    }

    #[test]
    fn yaml_1_1_booleans_and_keys_that_are_numbers() {
        let v = parse("a: yes\nb: off\nc: \"yes\"\n1: one\n").map_err(|e| e.1);
        assert_eq!(
            v,
            Ok(json!({"a": true, "b": false, "c": "yes", "1": "one"}))
        );
    }

    #[test]
    fn legacy_octal_is_a_number() {
        assert_eq!(parse("m: 0755\n").expect("parses"), json!({"m": 493}));
    }

    #[test]
    fn errors_carry_the_line_in_the_file() {
        let (line, message) = parse("---\na: 1\nb: [\n").expect_err("broken");
        assert_eq!(line, 3, "{message}");
        assert!(message.starts_with("invalid YAML"), "{message}");
    }

    #[test]
    fn fields_match_without_case_and_the_last_sorted_match_wins() {
        let map = json!({"inputpath": "b", "inputPath": "a"});
        let map = map.as_object().expect("object");
        assert_eq!(field(map, "InputPath"), Some(&json!("b")));
        assert_eq!(field(map, "other"), None);
    }

    #[test]
    fn line_of_finds_a_key_within_a_list_entry() {
        let text = "tests:\n- inputPath: a\n- healthStatus: {Status: 5}\n  InputPath: b\n";
        assert_eq!(line_of(text, "inputpath", Some(1)), 4);
        assert_eq!(line_of(text, "status", Some(1)), 3);
        assert_eq!(line_of(text, "nope", Some(0)), 2);
        assert_eq!(line_of(text, "tests", None), 1);
        assert_eq!(line_of(text, "nope", Some(5)), 1);
    }
}
