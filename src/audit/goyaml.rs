//! Reading a YAML value the way Argo CD reads argocd-cm's nested `resource.customizations` (and
//! Helm reads values): `sigs.k8s.io/yaml`, which parses with go-yaml v2 and converts to JSON. A
//! key given twice in one map is not an error there: the last one wins, so this reader keeps the
//! last one too and records both lines, for a warning. Map keys that are not strings (`on:`,
//! `1:`) become strings as sigs.k8s.io/yaml makes them; YAML 1.1 booleans are booleans.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// A key given twice in one map of a value: the later one is the one Argo CD keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The key.
    pub key: String,
    /// The line (1-based, within the value) of the earlier key, which Argo CD ignores.
    pub first: usize,
    /// The line of the later key, which Argo CD keeps.
    pub last: usize,
}

/// A value read with go-yaml's rules, and the duplicated keys it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The value, each duplicated key holding its last value.
    pub value: Value,
    /// Every key given twice, in the order met.
    pub duplicates: Vec<Duplicate>,
}

/// Reads `text` (one YAML document) as sigs.k8s.io/yaml reads it; the error is the line (within
/// `text`) and what is wrong.
pub fn read(text: &str) -> Result<Read, (usize, String)> {
    let dups = RefCell::new(Vec::new());
    let mut options = serde_saphyr::Options::default();
    // The parser bounds nesting, as the strict reader does.
    // Forward every entry to our visitor, which keeps the last and notes the first.
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = crate::input::MAX_DEPTH;
    options.budget = Some(budget);
    let value = serde_saphyr::with_deserializer_from_str_with_options(text, options, |d| {
        Lenient { dups: &dups }.deserialize(d)
    })
    .map_err(|e| {
        let msg = e.to_string();
        (line_of(&msg).unwrap_or(1), first_line(&msg))
    })?;
    Ok(Read {
        value,
        duplicates: dups.into_inner(),
    })
}

/// The first line of an error message (the parser appends a snippet of the input), without
/// the parser's `error: line N column M: ` lead (the line is given apart).
fn first_line(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or(msg);
    let rest = first.strip_prefix("error: ").unwrap_or(first);
    match rest.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((_, what)) => what.to_owned(),
        None => rest.to_owned(),
    }
}

/// The line an error message of the parser names (`... at line N ...`).
fn line_of(msg: &str) -> Option<usize> {
    let rest = &msg[msg.find("line ")? + 5..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// go-yaml v2's YAML 1.1 booleans that YAML 1.2 parsers read as strings.
fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" => Some(true),
        "n" | "N" => Some(false),
        _ => None,
    }
}

#[derive(Clone, Copy)]
struct Lenient<'d> {
    dups: &'d RefCell<Vec<Duplicate>>,
}

impl<'de> DeserializeSeed<'de> for Lenient<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A map key with its line, as a string (sigs.k8s.io/yaml writes `true` for `on:`).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = (String, usize);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let spanned: serde_saphyr::Spanned<Value> = de::Deserialize::deserialize(d)?;
        let line = usize::try_from(spanned.referenced.line()).unwrap_or(0);
        let key = match spanned.value {
            Value::String(s) => s,
            Value::Null => "null".to_owned(),
            other => other.to_string(),
        };
        Ok((key, line))
    }
}

impl<'de> Visitor<'de> for Lenient<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(yaml11_bool(v).map_or_else(|| Value::String(v.to_owned()), Value::Bool))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(yaml11_bool(&v).map_or(Value::String(v), Value::Bool))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let inner = self;
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self;
        let mut out = Map::new();
        let mut lines: HashMap<String, usize> = HashMap::new();
        while let Some((key, line)) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(inner)?;
            if let Some(first) = lines.insert(key.clone(), line) {
                self.dups.borrow_mut().push(Duplicate {
                    key: key.clone(),
                    first,
                    last: line,
                });
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_duplicated_key_keeps_the_last_value_and_names_both_lines() {
        let text =
            "a/B:\n  health.lua: first\nc/D:\n  health.lua: other\na/B:\n  health.lua: last\n";
        let read = read(text).expect("reads");
        assert_eq!(
            read.value,
            json!({"a/B": {"health.lua": "last"}, "c/D": {"health.lua": "other"}})
        );
        assert_eq!(
            read.duplicates,
            [Duplicate {
                key: "a/B".to_owned(),
                first: 1,
                last: 5
            }]
        );
    }

    #[test]
    fn yaml_1_1_booleans_are_booleans_and_quoted_ones_strings() {
        let text = "a: yes\nb: off\nc: y\nd: N\ne: \"yes\"\nf: true\n";
        let v = read(text).expect("reads").value;
        assert_eq!(v["a"], json!(true));
        assert_eq!(v["b"], json!(false));
        assert_eq!(v["c"], json!(true));
        assert_eq!(v["d"], json!(false));
        assert_eq!(v["f"], json!(true));
        assert_eq!(v["e"], json!("yes"));
    }

    #[test]
    fn bad_yaml_is_an_error_with_its_line() {
        let err = read("a: 1\nb: [\n").expect_err("not YAML");
        assert_eq!(err, (2, "unclosed bracket '['".to_owned()));
    }

    #[test]
    fn unique_keys_give_no_duplicates() {
        let read = read("a: 1\nb: {a: 1}\n").expect("reads");
        assert!(read.duplicates.is_empty());
    }
}
