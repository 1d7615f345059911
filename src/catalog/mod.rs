//! The catalog: every rule, keyed by API group and kind, one file per family of kinds.
//!
//! Lookup follows Argo CD's precedence: an exact `group/Kind` key first, then the first wildcard
//! key that matches (a glob where `*` also crosses `/`).

pub mod families;

mod argo;
mod atlas;
mod config;
mod cp4d;
mod db2u;
mod mas;
mod olm;
mod opendatahub;
mod openshift;
mod sls;

use crate::model::Rule;

/// One catalog entry: the resources a rule applies to, and the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The API group, or a glob such as `*.mas.ibm.com`.
    pub group: String,
    /// The kind, or `*`.
    pub kind: String,
    /// The catalog module (family of kinds) the entry belongs to, e.g. "mas" or "olm".
    pub module: &'static str,
    /// The rule.
    pub rule: Rule,
}

impl Entry {
    /// Builds an entry.
    pub fn new(module: &'static str, group: &str, kind: &str, rule: Rule) -> Entry {
        Entry {
            group: group.to_owned(),
            kind: kind.to_owned(),
            module,
            rule,
        }
    }

    /// Argo CD's key for the entry: `group/Kind` (just `Kind` for the core group).
    pub fn key(&self) -> String {
        key_of(&self.group, &self.kind)
    }

    /// Whether the key is a wildcard (usable only in Argo CD's nested form).
    pub fn is_wildcard(&self) -> bool {
        is_wildcard(&self.group, &self.kind)
    }

    /// Whether this entry applies to a resource of `group` and `kind`.
    pub fn matches(&self, group: &str, kind: &str) -> bool {
        glob(&self.key(), &key_of(group, kind))
    }
}

/// Argo CD's key for a group and kind: `group/Kind`, just `Kind` for the core group.
pub fn key_of(group: &str, kind: &str) -> String {
    if group.is_empty() {
        kind.to_owned()
    } else {
        format!("{group}/{kind}")
    }
}

/// Whether a group and kind form a wildcard key.
pub fn is_wildcard(group: &str, kind: &str) -> bool {
    group.contains('*') || kind.contains('*')
}

/// Every rule of the catalog, sorted by key (exact keys and wildcards alike).
pub fn entries() -> Vec<Entry> {
    let mut out = Vec::new();
    out.extend(mas::entries());
    out.extend(config::entries());
    out.extend(sls::entries());
    out.extend(db2u::entries());
    out.extend(olm::entries());
    out.extend(cp4d::entries());
    out.extend(opendatahub::entries());
    out.extend(atlas::entries());
    out.extend(openshift::entries());
    out.extend(argo::entries());
    out.sort_by_key(Entry::key);
    out
}

/// The entry Argo CD would use for a resource: the exact key first, then the first wildcard in
/// key order (Argo CD's own choice among several matching wildcards is random, so the catalog
/// never lets two wildcards overlap).
pub fn lookup<'a>(entries: &'a [Entry], group: &str, kind: &str) -> Option<&'a Entry> {
    entries
        .iter()
        .find(|e| !e.is_wildcard() && e.group == group && e.kind == kind)
        .or_else(|| {
            entries
                .iter()
                .find(|e| e.is_wildcard() && e.matches(group, kind))
        })
}

/// Glob match where `*` matches any run of characters, `/` included.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_star_crosses_slashes() {
        assert!(glob("*.mas.ibm.com/*", "apps.mas.ibm.com/ManageApp"));
        assert!(glob("*", "a/b/c"));
        assert!(!glob("*.mas.ibm.com/*", "sls.ibm.com/LicenseService"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b", "aXXbY"));
    }

    #[test]
    fn exact_key_beats_wildcard() {
        let all = entries();
        let suite = lookup(&all, "core.mas.ibm.com", "Suite").expect("Suite has a rule");
        assert_eq!(suite.key(), "core.mas.ibm.com/Suite");
        let other = lookup(&all, "newapp.mas.ibm.com", "SomethingNew").expect("wildcard applies");
        assert!(other.is_wildcard());
        assert!(lookup(&all, "apps", "Deployment").is_none());
    }

    #[test]
    fn keys_are_unique_and_wildcards_do_not_overlap() {
        let all = entries();
        let mut keys: Vec<String> = all.iter().map(Entry::key).collect();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
        let wild: Vec<&Entry> = all.iter().filter(|e| e.is_wildcard()).collect();
        for (i, a) in wild.iter().enumerate() {
            for b in &wild[i + 1..] {
                assert!(!glob(&a.key(), &b.key()) && !glob(&b.key(), &a.key()));
            }
        }
    }
}
