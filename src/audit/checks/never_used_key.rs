//! `never-used-key`: a key no object can match, so the check never runs: a `core` group (Argo CD
//! keys core kinds by the bare kind: a Service is looked up as `Service`, never `core/Service`),
//! a kind part that is not a Kubernetes kind name (`obj.sta`), or, when `--manifests` or
//! `--crds` say which groups exist, a group that is a typo of one of them.

use super::{Check, Input};
use crate::audit::{Finding, Level, Script};

/// A key no object can match.
pub struct NeverUsedKey;

/// Whether `kind` can be a Kubernetes kind: the API server requires a CRD's kind to be a
/// DNS-1035 label once lower-cased (a letter, then letters, digits or `-`, at most 63).
fn is_kind_name(kind: &str) -> bool {
    let mut chars = kind.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && kind.len() <= 63
        && !kind.ends_with('-')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Levenshtein distance, for group names (short).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Whether two groups differ only in a short first label under one parent domain
/// (`ws.cpd.ibm.com` and `wos.cpd.ibm.com`): vendors name sibling products by short
/// abbreviations a letter or two apart, so neither is a typo of the other.
fn sibling(a: &str, b: &str) -> bool {
    match (a.split_once('.'), b.split_once('.')) {
        (Some((la, pa)), Some((lb, pb))) => {
            let short = la.len().max(lb.len()) <= 3;
            pa == pb && short && !la.starts_with(lb) && !lb.starts_with(la)
        }
        _ => false,
    }
}

/// The groups `--manifests` and `--crds` say exist, once each; `None` when neither was given.
fn known_groups(input: &Input<'_>) -> Option<Vec<String>> {
    let ctx = input.ctx;
    if ctx.deployed.is_none() && ctx.schemas.is_none() {
        return None;
    }
    let mut groups: Vec<String> = ctx
        .deployed
        .into_iter()
        .flatten()
        .map(|(g, _)| g.clone())
        .chain(
            ctx.schemas
                .into_iter()
                .flat_map(|s| s.0.iter().map(|k| k.group.clone())),
        )
        .filter(|g| !g.contains('*'))
        .collect();
    groups.sort();
    groups.dedup();
    Some(groups)
}

/// Why no object can match `script`'s key, if none can.
fn never_used(script: &Script, input: &Input<'_>) -> Option<String> {
    if script.group == "core" {
        return Some(format!(
            "keyed under a group named core, which Argo CD never looks up: it keys core kinds \
             by the bare kind, so a {kind} is looked up as {kind:?} \
             (resource.customizations.health.{kind}), never \"core/{kind}\"",
            kind = script.kind
        ));
    }
    if !script.kind.contains('*') && !is_kind_name(&script.kind) {
        let prefix = match script.group.as_str() {
            "" => String::new(),
            g => format!("{g}/"),
        };
        return Some(format!(
            "{:?} is not a Kubernetes kind name (a letter, then letters, digits or `-`), so no \
             object has it: Argo CD looks each object up as \"{prefix}<Kind>\", which this key \
             never equals",
            script.kind
        ));
    }
    let groups = known_groups(input)?;
    if script.is_wildcard() || script.group.is_empty() || groups.contains(&script.group) {
        return None;
    }
    // A kind deployed under another group is `wrong-group`'s finding.
    let elsewhere = super::wrong_group::deployed_elsewhere(script, input.ctx.deployed);
    if elsewhere.is_some_and(|e| !e.is_empty()) {
        return None;
    }
    let near = groups
        .iter()
        .filter(|g| g.len() > 3 && distance(g, &script.group) <= 2 && !sibling(g, &script.group))
        .min_by_key(|g| distance(g, &script.group))?;
    Some(format!(
        "keyed under {}, which no manifest or CRD serves: a typo of {near}? Argo CD looks up \
         \"{near}/{}\" for those objects, so this check never runs",
        script.group, script.kind
    ))
}

impl Check for NeverUsedKey {
    fn code(&self) -> &'static str {
        "never-used-key"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "no object can match the key (a core group, a kind that is not a Kubernetes name, a typo of a served group): the check never runs"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        never_used(input.script, input)
            .map(|m| vec![self.finding(m, None)])
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings_with, script};
    use super::*;

    const OK: &str = "return { status = \"Healthy\", message = \"ok\" }";

    fn found(group: &str, kind: &str, deployed: Option<&[(String, String)]>) -> Vec<String> {
        let s = script(group, kind, OK, false);
        findings_with(&NeverUsedKey, &s, 0, deployed)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn deployed() -> Vec<(String, String)> {
        vec![("machine.openshift.io".to_owned(), "Machine".to_owned())]
    }

    #[test]
    fn a_core_group_is_found_and_says_what_argo_cd_looks_up() {
        assert_eq!(
            found("core", "Service", None),
            [
                "keyed under a group named core, which Argo CD never looks up: it keys core kinds \
              by the bare kind, so a Service is looked up as \"Service\" \
              (resource.customizations.health.Service), never \"core/Service\""
            ]
        );
    }

    #[test]
    fn a_kind_that_is_not_a_kubernetes_name_is_found() {
        assert_eq!(
            found("machine.openshift.io", "obj.sta", None),
            [
                "\"obj.sta\" is not a Kubernetes kind name (a letter, then letters, digits or \
              `-`), so no object has it: Argo CD looks each object up as \
              \"machine.openshift.io/<Kind>\", which this key never equals"
            ]
        );
    }

    #[test]
    fn a_typo_of_a_deployed_group_is_found() {
        let d = deployed();
        assert_eq!(
            found("machine.opensift.io", "MachineSet", Some(&d)),
            [
                "keyed under machine.opensift.io, which no manifest or CRD serves: a typo of \
              machine.openshift.io? Argo CD looks up \"machine.openshift.io/MachineSet\" for \
              those objects, so this check never runs"
            ]
        );
    }

    #[test]
    fn near_misses_are_not() {
        let d = deployed();
        // Bare core kinds, a real group, wildcards, and a far group are all fine.
        assert!(found("", "Service", None).is_empty());
        assert!(found("machine.openshift.io", "Machine", Some(&d)).is_empty());
        assert!(found("*.openshift.io", "*", Some(&d)).is_empty());
        assert!(found("apps.example.com", "Thing", Some(&d)).is_empty());
        assert!(found("corefoo.example.com", "My-Kind2", None).is_empty());
        // Without manifests or CRDs a group cannot be called a typo.
        assert!(found("machine.opensift.io", "MachineSet", None).is_empty());
        // Sibling products under one domain with short names are not typos of each other.
        let cpd = vec![("ws.cpd.ibm.com".to_owned(), "WS".to_owned())];
        assert!(found("wos.cpd.ibm.com", "WOService", Some(&cpd)).is_empty());
        assert!(found("zen.cpd.ibm.com", "ZenService", Some(&cpd)).is_empty());
        // A short label one letter from a longer one is still a typo (`app` for `apps`).
        let apps = vec![("apps.mas.ibm.com".to_owned(), "ManageApp".to_owned())];
        assert_eq!(
            found("app.mas.ibm.com", "ManageWorkspace", Some(&apps)).len(),
            1
        );
        // The same kind under another group is wrong-group's finding, not this one's.
        assert!(found("machine.opensift.io", "Machine", Some(&d)).is_empty());
    }
}
