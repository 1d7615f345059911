//! One reading of a JSON value for every format: a key twice in one object and nesting deeper
//! than [`MAX_DEPTH`] are errors, said in this tool's words (serde_json alone keeps the last
//! duplicate silently and allows 128 levels, the YAML parser 64).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::fmt;

/// The deepest nesting of lists and objects read, in YAML and JSON alike; a Kubernetes object
/// is far shallower, and the bound keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 64;

/// The message for nesting beyond [`MAX_DEPTH`].
pub fn too_deep() -> String {
    format!("nested deeper than {MAX_DEPTH} levels")
}

/// The message for a key given twice in one object.
pub fn duplicate(key: &str) -> String {
    format!("duplicate key {key:?}")
}

/// A JSON value read with the rules above.
pub struct StrictValue(pub Value);

impl<'de> de::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Strict { depth: 0 }.deserialize(d).map(StrictValue)
    }
}

/// Reads one value `depth` levels down.
#[derive(Clone, Copy)]
pub(super) struct Strict {
    pub(super) depth: usize,
}

impl Strict {
    fn deeper<E: de::Error>(self) -> Result<Strict, E> {
        match self.depth < MAX_DEPTH {
            true => Ok(Strict {
                depth: self.depth + 1,
            }),
            false => Err(E::custom(too_deep())),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
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
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
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
        let inner = self.deeper()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(v) = seq.next_element_seed(inner)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inner = self.deeper()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // One lookup for the check and the insertion.
            match out.entry(key) {
                Entry::Occupied(o) => return Err(de::Error::custom(duplicate(o.key()))),
                Entry::Vacant(v) => {
                    v.insert(map.next_value_seed(inner)?);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Value, String> {
        serde_json::from_str::<StrictValue>(text)
            .map(|v| v.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn duplicates_and_depth_are_errors_and_the_rest_reads_as_serde_json_does() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}]}"#;
        assert_eq!(read(text), Ok(serde_json::from_str(text).expect("json")));
        assert_eq!(
            read(r#"{"a": 1, "a": 2}"#),
            Err("duplicate key \"a\" at line 1 column 12".to_owned())
        );
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(read(&deep(MAX_DEPTH)).is_ok());
        assert_eq!(
            read(&deep(MAX_DEPTH + 1)),
            Err(format!(
                "nested deeper than 64 levels at line 1 column {}",
                MAX_DEPTH + 2
            ))
        );
    }
}
