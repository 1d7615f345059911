//! `wildcard-overlap`: two wildcard keys of the configurations audited can match one kind. Argo CD
//! keeps wildcard customizations in a Go map and takes the first that matches, so for such a
//! kind it picks one of the scripts at random on every evaluation and the verdict can flap.

use super::{Check, Input};
use crate::argocd::keys::wildcards_overlap;
use crate::audit::{Finding, Level};

/// Wildcard keys that meet.
pub struct WildcardOverlap;

impl Check for WildcardOverlap {
    fn code(&self) -> &'static str {
        "wildcard-overlap"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "another wildcard key matches some of the same kinds: Argo CD picks one at random"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let mine = input.script.group_kind();
        if !mine.is_wildcard() {
            return Vec::new();
        }
        let mut others: Vec<String> = input
            .ctx
            .keys
            .iter()
            .filter(|k| k.is_wildcard() && **k != mine && wildcards_overlap(&mine, k))
            .map(|k| k.key())
            .collect();
        others.sort();
        others.dedup();
        others
            .into_iter()
            .map(|other| {
                let message = format!(
                    "`{}` and `{other}` both match some kinds: Argo CD uses either script for them, at random",
                    mine.key()
                );
                self.finding(message, None)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::script;
    use super::*;
    use crate::argocd::GroupKind;
    use crate::audit::Context;
    use crate::catalog::Catalog;

    const OK: &str = "return { status = \"Healthy\", message = \"ok\" }";

    fn findings(group: &str, kind: &str, keys: &[GroupKind]) -> Vec<Finding> {
        let catalog = Catalog::standard();
        let ctx = Context {
            fixtures: &[],
            deployed: None,
            cases: 0,
            catalog: &catalog,
            keys,
            malformed: false,
            schemas: None,
            live: None,
        };
        let s = script(group, kind, OK, false);
        crate::audit::run_checks(&s, &ctx, &[&WildcardOverlap]).0
    }

    #[test]
    fn two_wildcards_that_meet_are_found() {
        let keys = [
            GroupKind::new("*.mas.ibm.com", "*"),
            GroupKind::new("*.ibm.com", "*"),
        ];
        assert_eq!(
            findings("*.mas.ibm.com", "*", &keys),
            [WildcardOverlap.finding(
                "`*.mas.ibm.com/*` and `*.ibm.com/*` both match some kinds: Argo CD uses either script for them, at random"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn wildcards_of_other_groups_and_exact_keys_are_not() {
        let keys = [
            GroupKind::new("*.mas.ibm.com", "*"),
            GroupKind::new("*.redhat.com", "*"),
            GroupKind::new("core.mas.ibm.com", "Suite"),
        ];
        assert_eq!(findings("*.mas.ibm.com", "*", &keys), []);
        assert_eq!(findings("core.mas.ibm.com", "Suite", &keys), []);
    }
}
