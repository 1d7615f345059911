//! The catalog: every rule, keyed by API group and kind, one file per vendor.
//!
//! Lookup follows Argo CD's precedence: an exact `group/Kind` key first, then the first wildcard
//! key that matches (a glob where `*` also crosses `/`). Embedders add or replace entries with
//! [`Catalog::with`].

pub mod families;

mod argo;
mod atlas;
mod config;
mod cp4d;
mod db2u;
mod ibm_foundation;
mod index;
mod mas;
mod olm;
mod opendatahub;
mod openshift;
mod partners;
mod platform;
mod sls;
mod unchecked;

pub use index::Labels;
pub use unchecked::{Unchecked, UNCHECKED};

use crate::argocd::keys::{wildcards_overlap, GroupKind};
use crate::argocd::pre_check;
use crate::rule::{EvalContext, Health, Plan, Rule};
use serde_json::Value;
use std::sync::OnceLock;

/// One catalog entry: the resources a rule applies to, and the rule, compiled into a [`Plan`]
/// the first time it is evaluated.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The API group, or a glob such as `*.mas.ibm.com`.
    pub group: String,
    /// The kind, or `*`.
    pub kind: String,
    /// The catalog module (vendor) the entry belongs to, e.g. "mas" or "olm".
    pub module: &'static str,
    /// The rule. Build a new entry to change it: the plan is compiled from the rule once.
    pub rule: Rule,
    plan: OnceLock<Plan>,
    /// Values the operator writes at a status path on its way to ready (its source says so),
    /// which the rule need not name because its `otherwise` covers them: what an audit tries.
    passing: Vec<(String, Vec<String>)>,
    /// [`Entry::key`] as last built: `assess` names the key of every object it evaluates.
    key: OnceLock<String>,
}

/// Entries are equal when they hold the same rule for the same resources (compiled or not).
impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        (&self.group, &self.kind, self.module, &self.rule)
            == (&other.group, &other.kind, other.module, &other.rule)
    }
}

impl Entry {
    /// Builds an entry.
    pub fn new(module: &'static str, group: &str, kind: &str, rule: Rule) -> Entry {
        Entry {
            group: group.to_owned(),
            kind: kind.to_owned(),
            module,
            rule,
            plan: OnceLock::new(),
            passing: Vec::new(),
            key: OnceLock::new(),
        }
    }

    /// The entry, knowing that the operator writes `values` at `path` (dotted, such as
    /// `status.state`) while it works towards ready.
    pub fn passing_through(mut self, path: &str, values: &[&str]) -> Entry {
        let values = values.iter().map(|v| (*v).to_owned()).collect();
        self.passing.push((path.to_owned(), values));
        self
    }

    /// The values the operator is known to write at `path` (dotted) on its way to ready.
    pub fn passing_values(&self, path: &str) -> &[String] {
        self.passing
            .iter()
            .find(|(p, _)| p == path)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// The rule compiled for evaluation: compiled on first use, then kept.
    pub fn plan(&self) -> &Plan {
        self.plan.get_or_init(|| Plan::new(&self.rule))
    }

    /// The health Argo CD would record for `obj` with this entry's rule as its check: Argo CD's
    /// pre-check for objects being deleted, then the cached plan.
    pub fn evaluate(&self, obj: &Value, ctx: &EvalContext) -> Health {
        pre_check(obj).unwrap_or_else(|| self.plan().evaluate(obj, ctx))
    }

    /// The entry's group and kind in Argo CD's key grammar.
    pub fn group_kind(&self) -> GroupKind {
        GroupKind::new(&self.group, &self.kind)
    }

    /// Argo CD's key for the entry: `group/Kind` (just `Kind` for the core group).
    pub fn key(&self) -> String {
        let kept = self.key.get_or_init(|| self.group_kind().key());
        // `group` and `kind` are public: a key built before they changed is built again.
        let (g, k) = (self.group.as_str(), self.kind.as_str());
        let current = match g.is_empty() {
            true => kept == k,
            false => {
                kept.len() == g.len() + 1 + k.len()
                    && kept.starts_with(g)
                    && kept[g.len()..].starts_with('/')
                    && kept.ends_with(k)
            }
        };
        match current {
            true => kept.clone(),
            false => self.group_kind().key(),
        }
    }

    /// Whether the key is a wildcard (usable only in Argo CD's nested form).
    pub fn is_wildcard(&self) -> bool {
        // GroupKind::is_wildcard without building one: lookups test every entry.
        self.group.contains('*') || self.kind.contains('*')
    }

    /// Whether this entry applies to a resource of `group` and `kind`.
    pub fn matches(&self, group: &str, kind: &str) -> bool {
        match self.is_wildcard() {
            true => crate::argocd::keys::key_matches(&self.key(), group, kind),
            false => self.group == group && self.kind == kind,
        }
    }
}

/// A set of rules keyed by group and kind, sorted by key, with at most one entry per key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    /// How entries are found (every object evaluated is looked up).
    index: index::Index,
    /// The Argo CD these rules are installed into, whose built-in checks answer the kinds the
    /// rules leave out.
    argocd: crate::argocd::builtin::ArgoCd,
}

impl Catalog {
    /// This crate's rules for MAS, its dependencies and child Applications.
    pub fn standard() -> Catalog {
        Catalog::empty().with(
            [
                mas::entries(),
                config::entries(),
                sls::entries(),
                db2u::entries(),
                olm::entries(),
                cp4d::entries(),
                opendatahub::entries(),
                atlas::entries(),
                openshift::entries(),
                ibm_foundation::entries(),
                platform::entries(),
                partners::entries(),
                argo::entries(),
            ]
            .into_iter()
            .flatten(),
        )
    }

    /// A catalog with no rules.
    pub fn empty() -> Catalog {
        Catalog::default()
    }

    /// The same rules installed into `argocd` (a version, optionally its own built-in scripts)
    /// instead of the newest Argo CD release.
    pub fn in_argocd(mut self, argocd: crate::argocd::builtin::ArgoCd) -> Catalog {
        self.argocd = argocd;
        self
    }

    /// The Argo CD whose built-in checks answer kinds without a rule.
    pub fn argocd(&self) -> &crate::argocd::builtin::ArgoCd {
        &self.argocd
    }

    /// The catalog with `extra` added; an entry with a key already present replaces it.
    pub fn with(mut self, extra: impl IntoIterator<Item = Entry>) -> Catalog {
        for e in extra {
            let key = e.key();
            self.entries.retain(|old| old.key() != key);
            self.entries.push(e);
        }
        self.entries.sort_by_key(Entry::key);
        self.reindexed()
    }

    /// The catalog keeping only the entries `keep` accepts.
    pub fn filtered(mut self, keep: impl Fn(&Entry) -> bool) -> Catalog {
        self.entries.retain(|e| keep(e));
        self.reindexed()
    }

    /// Builds the lookup tables again after the entries changed.
    fn reindexed(mut self) -> Catalog {
        self.index = index::Index::new(&self.entries);
        self
    }

    /// Every entry, sorted by key (exact keys and wildcards alike).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry Argo CD would use for a resource: the exact key first, then the first wildcard
    /// in key order (Argo CD's own choice among several matching wildcards is random; see
    /// [`Catalog::overlapping_wildcards`]).
    pub fn lookup(&self, group: &str, kind: &str) -> Option<&Entry> {
        self.lookup_labelled(group, kind).map(|(e, _)| e)
    }

    /// [`Catalog::lookup`], with the entry's key and rule name as an assessment names them.
    pub fn lookup_labelled(&self, group: &str, kind: &str) -> Option<(&Entry, &Labels)> {
        let i = self.index.find(&self.entries, group, kind)?;
        Some((self.entries.get(i)?, self.index.labels(i)?))
    }

    /// Pairs of wildcard keys that can match one kind, where Argo CD would pick at random.
    pub fn overlapping_wildcards(&self) -> Vec<(String, String)> {
        let wild: Vec<&Entry> = self.entries.iter().filter(|e| e.is_wildcard()).collect();
        let mut out = Vec::new();
        for (i, a) in wild.iter().enumerate() {
            for b in &wild[i + 1..] {
                if wildcards_overlap(&a.group_kind(), &b.group_kind()) {
                    out.push((a.key(), b.key()));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_entry_matches_its_group_and_kind_not_a_key_spelled_alike() {
        let rule =
            crate::Rule::named("r").otherwise(crate::Status::Healthy, crate::Message::text("ok"));
        let odd = Entry::new("test", "", "apps/Deployment", rule.clone());
        assert!(!odd.matches("apps", "Deployment"));
        assert!(odd.matches("", "apps/Deployment"));
        let wild = Entry::new("test", "*.mas.ibm.com", "*", rule);
        assert!(wild.matches("core.mas.ibm.com", "Suite"));
        assert!(!wild.matches("apps", "Deployment"));
    }
    use crate::rule::{Message, Status};

    #[test]
    fn exact_key_beats_wildcard() {
        let all = Catalog::standard();
        let suite = all
            .lookup("core.mas.ibm.com", "Suite")
            .expect("Suite has a rule");
        assert_eq!(suite.key(), "core.mas.ibm.com/Suite");
        let other = all
            .lookup("newapp.mas.ibm.com", "SomethingNew")
            .expect("wildcard applies");
        assert!(other.is_wildcard());
        assert!(all.lookup("apps", "Deployment").is_none());
    }

    #[test]
    fn every_exact_key_is_found_by_its_group_and_kind_also_after_filtering() {
        let all = Catalog::standard();
        let exact = |c: &Catalog| -> Vec<String> {
            c.entries()
                .iter()
                .filter(|e| !e.is_wildcard())
                .map(Entry::key)
                .collect()
        };
        let found = |c: &Catalog| -> Vec<String> {
            c.entries()
                .iter()
                .filter(|e| !e.is_wildcard())
                .filter_map(|e| c.lookup(&e.group, &e.kind).map(Entry::key))
                .collect()
        };
        assert!(exact(&all).len() > 70);
        assert_eq!(found(&all), exact(&all));
        let some = all.filtered(|e| e.module == "olm" || e.module == "mas");
        assert_eq!(found(&some), exact(&some));
        assert!(some.lookup("apps", "Deployment").is_none());
    }

    #[test]
    fn a_key_follows_its_group_and_kind_when_they_change() {
        let rule = Rule::named("r").otherwise(Status::Healthy, Message::text(""));
        let mut e = Entry::new("a", "example.com", "Widget", rule);
        assert_eq!(e.key(), "example.com/Widget");
        e.group = "other.io".to_owned();
        assert_eq!(e.key(), "other.io/Widget");
        e.group = String::new();
        assert_eq!(e.key(), "Widget");
        e.kind = "Gadget".to_owned();
        assert_eq!(e.key(), "Gadget");
        e.group = "example.com".to_owned();
        e.kind = "Widget".to_owned();
        assert_eq!(e.key(), "example.com/Widget");
    }

    #[test]
    fn keys_are_unique_and_wildcards_do_not_overlap() {
        let all = Catalog::standard();
        let mut keys: Vec<String> = all.entries().iter().map(Entry::key).collect();
        keys.dedup();
        assert_eq!(keys.len(), all.entries().len());
        assert_eq!(all.overlapping_wildcards(), Vec::<(String, String)>::new());
    }

    #[test]
    fn with_replaces_an_entry_of_the_same_key_and_adds_new_ones() {
        let rule = |name: &str| Rule::named(name).otherwise(Status::Healthy, Message::text(name));
        let standard = Catalog::standard();
        let n = standard.entries().len();
        let mine = standard.with([
            Entry::new("mine", "core.mas.ibm.com", "Suite", rule("my suite")),
            Entry::new("mine", "example.com", "Widget", rule("widget")),
        ]);
        assert_eq!(mine.entries().len(), n + 1);
        let suite = mine.lookup("core.mas.ibm.com", "Suite").expect("replaced");
        assert_eq!(suite.rule.name, "my suite");
        assert_eq!(
            mine.lookup("example.com", "Widget").map(|e| e.module),
            Some("mine")
        );
    }

    #[test]
    fn overlapping_wildcards_are_reported() {
        let rule = Rule::named("r").otherwise(Status::Healthy, Message::text(""));
        let c = Catalog::empty().with([
            Entry::new("a", "*.example.com", "*", rule.clone()),
            Entry::new("a", "*", "Widget", rule),
        ]);
        assert_eq!(c.overlapping_wildcards().len(), 1);
    }
}
