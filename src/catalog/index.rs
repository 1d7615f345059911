//! How a catalog finds the entry for a resource: every object `eval` reads is looked up once,
//! so the exact keys are hashed (a probe or two instead of a binary search comparing strings),
//! and the wildcards are kept apart so that a kind without an exact key tries only them.

use super::Entry;
use crate::argocd::keys::key_matches;
use crate::rule::strings::{same, sketch};
use std::sync::Arc;

/// A free slot of [`Index::exact`].
const FREE: u32 = u32::MAX;

/// The catalog's lookup tables, built again whenever its entries change.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Index {
    /// Open addressing over the exact keys: entry numbers, or [`FREE`]; the length is a power of
    /// two at least twice the number of keys, so a probe sequence always ends at a free slot.
    exact: Box<[u32]>,
    /// The wildcard entries, in key order (Argo CD's choice among several is random; the first
    /// in key order is ours).
    wild: Vec<usize>,
    /// Per entry: its key and its rule's name, built once and shared with every assessment
    /// that names them (cloning an `Arc` instead of two strings an object).
    labels: Vec<Labels>,
}

/// An entry's key and its rule's name, as an assessment names them.
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    /// The key (`group/Kind`, `Kind` for the core group, or a wildcard).
    pub key: Arc<str>,
    /// The rule's name.
    pub rule: Arc<str>,
}

impl Index {
    /// The tables for `entries`.
    pub(super) fn new(entries: &[Entry]) -> Index {
        let exact_count = entries.iter().filter(|e| !e.is_wildcard()).count();
        let mut exact = vec![FREE; (exact_count * 2).next_power_of_two().max(1)];
        let mask = exact.len() - 1;
        let mut wild = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            if e.is_wildcard() {
                wild.push(i);
                continue;
            }
            let mut at = slot(hash(&e.kind, &e.group), exact.len());
            while exact[at] != FREE {
                at = (at + 1) & mask;
            }
            exact[at] = i as u32;
        }
        let labels = entries
            .iter()
            .map(|e| Labels {
                key: e.key().into(),
                rule: e.rule.name.as_str().into(),
            })
            .collect();
        Index {
            exact: exact.into(),
            wild,
            labels,
        }
    }

    /// The number of the entry Argo CD would use for `group` and `kind`: the exact key first,
    /// then the first matching wildcard.
    pub(super) fn find(&self, entries: &[Entry], group: &str, kind: &str) -> Option<usize> {
        self.exact(entries, group, kind).or_else(|| {
            self.wild.iter().copied().find(|i| {
                self.labels
                    .get(*i)
                    .is_some_and(|l| key_matches(&l.key, group, kind))
            })
        })
    }

    /// The number of the entry whose exact key is `group/kind`.
    fn exact(&self, entries: &[Entry], group: &str, kind: &str) -> Option<usize> {
        let mask = self.exact.len().checked_sub(1)?;
        let mut at = slot(hash(kind, group), self.exact.len());
        loop {
            let i = *self.exact.get(at)?;
            if i == FREE {
                return None;
            }
            let e = entries.get(i as usize)?;
            if same(&e.kind, kind) && same(&e.group, group) {
                return Some(i as usize);
            }
            at = (at + 1) & mask;
        }
    }

    /// How many slots a lookup of `group/kind` reads, for the test of the hash's spread.
    #[cfg(test)]
    fn probes(&self, group: &str, kind: &str) -> usize {
        let mask = self.exact.len() - 1;
        let mut at = slot(hash(kind, group), self.exact.len());
        let mut n = 1;
        while self.exact[at] != FREE {
            at = (at + 1) & mask;
            n += 1;
        }
        n
    }

    /// The labels of entry `i`.
    pub(super) fn labels(&self, i: usize) -> Option<&Labels> {
        self.labels.get(i)
    }
}

/// A hash of a kind and a group from their ends and lengths ([`sketch`]), mixed by one
/// multiply whose top bits choose the slot (they depend on every bit of the sketches): a lookup
/// hashes one key, so reading every byte (or a keyed hash such as SipHash) would cost more than
/// the rest of the lookup; the exact key is compared after, and nothing here is hashed from a
/// table a user can grow to attack it.
fn hash(kind: &str, group: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    (sketch(kind) ^ sketch(group).rotate_left(23)).wrapping_mul(K)
}

/// The slot of hash `h` in a table of `len` slots (a power of two): its top bits.
fn slot(h: u64, len: usize) -> usize {
    h.checked_shr(64 - len.trailing_zeros()).unwrap_or(0) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Message, Rule, Status};

    fn entry(group: &str, kind: &str) -> Entry {
        let rule =
            Rule::named(&format!("{group} {kind}")).otherwise(Status::Healthy, Message::text("ok"));
        Entry::new("test", group, kind, rule)
    }

    #[test]
    fn every_exact_key_is_found_among_many_colliding_ones() {
        // More keys than slots' worth of distinct hashes in the low bits: probes must continue.
        let entries: Vec<Entry> = (0..300)
            .map(|i| entry(&format!("g{}.example.com", i % 7), &format!("Kind{i}")))
            .collect();
        let index = Index::new(&entries);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(index.find(&entries, &e.group, &e.kind), Some(i));
        }
        assert_eq!(index.find(&entries, "g0.example.com", "Kind1"), None);
        // Keys alike but for one byte or their length spread over the table: a miss reads a
        // few slots, not a run (the slot is the hash's top bits, which every input bit moves).
        let misses: usize = (0..300)
            .map(|i| {
                index.probes(
                    &format!("g{}.example.com", i % 7),
                    &format!("Kind{}", i + 1000),
                )
            })
            .sum();
        assert!(misses <= 2 * 300, "{misses} slots read for 300 misses");
        assert_eq!(index.find(&entries, "", "Kind0"), None);
    }

    #[test]
    fn an_empty_catalog_finds_nothing() {
        assert_eq!(Index::new(&[]).find(&[], "apps", "Deployment"), None);
    }

    #[test]
    fn a_wildcard_answers_only_where_no_exact_key_does() {
        let entries = vec![
            entry("*.mas.ibm.com", "*"),
            entry("core.mas.ibm.com", "Suite"),
        ];
        let index = Index::new(&entries);
        assert_eq!(index.find(&entries, "core.mas.ibm.com", "Suite"), Some(1));
        assert_eq!(
            index.find(&entries, "apps.mas.ibm.com", "ManageApp"),
            Some(0)
        );
        assert_eq!(index.find(&entries, "apps", "Deployment"), None);
    }

    #[test]
    fn labels_name_each_entry_by_key_and_rule() {
        let entries = vec![entry("", "Pod"), entry("apps", "Deployment")];
        let index = Index::new(&entries);
        let labels = index.labels(1).expect("two entries");
        assert_eq!(
            (&*labels.key, &*labels.rule),
            ("apps/Deployment", "apps Deployment")
        );
        assert_eq!(&*index.labels(0).expect("two entries").key, "Pod");
    }
}
