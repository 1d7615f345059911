//! Reading a large `kind: List` (a cluster dump of hundreds of MB) one item at a time: a first
//! pass skips the items to learn the list's kind, a second hands each item on as soon as it is
//! read, so memory holds the text and one item, not every object at once.

use super::strict::{duplicate, Strict};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

/// What the first pass learns of the top-level object.
#[derive(Default)]
pub(super) struct Header {
    /// `kind`, when a string.
    pub(super) kind: Option<String>,
    /// `apiVersion`, when a string.
    pub(super) api_version: Option<String>,
    /// Whether `items` is a list.
    pub(super) items_listed: bool,
}

impl Header {
    /// Whether the object is the core `v1` List with a list of items.
    pub(super) fn is_list(&self) -> bool {
        self.kind.as_deref() == Some("List")
            && self.api_version.as_deref().is_none_or(|v| v == "v1")
            && self.items_listed
    }
}

/// The first pass: the top-level object's kind, apiVersion and whether `items` is a list,
/// skipping everything else without keeping it. What it learns stays in `header` even when the
/// pass fails further on (a bad item late in a dump: the items before it are still read).
pub(super) struct HeaderSeed<'h> {
    pub(super) header: &'h mut Header,
}

impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HeaderSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let header = self.header;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => header.kind = map.next_value::<Value>()?.as_str().map(str::to_owned),
                "apiVersion" => {
                    header.api_version = map.next_value::<Value>()?.as_str().map(str::to_owned)
                }
                "items" => map.next_value_seed(IsList {
                    listed: &mut header.items_listed,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Whether a value is a list (noted as soon as it starts), skipping it.
struct IsList<'h> {
    listed: &'h mut bool,
}

impl<'de> DeserializeSeed<'de> for IsList<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IsList<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        *self.listed = true;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The second pass: every item of `items`, read with the rules of every document (duplicates,
/// depth) and handed to `each` at once; the other members are checked and skipped.
pub(super) struct Items<'f> {
    pub(super) each: &'f mut dyn FnMut(Value),
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a List")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(de::Error::custom(duplicate(&key)));
            }
            if key == "items" {
                map.next_value_seed(Each {
                    each: &mut *self.each,
                })?;
            } else {
                map.next_value_seed(Strict { depth: 1 })?;
            }
        }
        Ok(())
    }
}

/// The items themselves.
struct Each<'f> {
    each: &'f mut dyn FnMut(Value),
}

impl<'de> DeserializeSeed<'de> for Each<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Each<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // The list is the first level, `items` the second.
        while let Some(item) = seq.next_element_seed(Strict { depth: 2 })? {
            (self.each)(item);
        }
        Ok(())
    }
}
