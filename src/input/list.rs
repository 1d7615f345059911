//! Reading a large `kind: List` (a cluster dump of hundreds of MB) one item at a time: once
//! framing its bytes showed it is a List, this pass hands each item on as soon as it is read,
//! so memory holds one item, not every object at once.

use super::strict::{duplicate, Strict};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

/// The second pass: every item of `items`, read with the rules of every document (duplicates,
/// depth) and handed to `each` at once; the other members are checked and skipped.
pub(super) struct Items<'f> {
    pub(super) each: &'f mut dyn FnMut(Value),
    /// Items read but not handed on: those an earlier reading of the same text handed on.
    pub(super) skip: usize,
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
                    skip: self.skip,
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
    skip: usize,
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
        let mut skip = self.skip;
        while let Some(item) = seq.next_element_seed(Strict { depth: 2 })? {
            match skip {
                0 => (self.each)(item),
                _ => skip -= 1,
            }
        }
        Ok(())
    }
}
