//! `unused-key`: with `--manifests`, no deployed resource has the script's kind at all: the
//! check is dead weight in argocd-cm (or the manifests given are not all of them).

use super::wrong_group::deployed_elsewhere;
use super::{Check, Input};
use crate::audit::{Finding, Level};

/// A key no deployed resource uses.
pub struct UnusedKey;

impl Check for UnusedKey {
    fn code(&self) -> &'static str {
        "unused-key"
    }
    fn level(&self) -> Level {
        // The manifests given may not be every manifest the cluster gets.
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "no deployed resource has the kind the script is keyed under"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        match deployed_elsewhere(input.script, input.ctx.deployed) {
            Some(elsewhere) if elsewhere.is_empty() => vec![self.finding(
                format!("no deployed resource is {}", input.script.key()),
                None,
            )],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings_with, script};
    use super::super::wrong_group::tests::deployed;
    use super::*;

    const OK: &str = "return { status = \"Healthy\", message = \"ok\" }";

    #[test]
    fn a_kind_nobody_deploys_is_found() {
        let d = deployed();
        let s = script("example.com", "Nobody", OK, false);
        assert_eq!(
            findings_with(&UnusedKey, &s, 0, Some(&d)),
            [UnusedKey.finding(
                "no deployed resource is example.com/Nobody".to_owned(),
                None
            )]
        );
    }

    #[test]
    fn a_deployed_kind_even_under_another_group_is_not() {
        let d = deployed();
        let right = script("core.mas.ibm.com", "Suite", OK, false);
        assert!(findings_with(&UnusedKey, &right, 0, Some(&d)).is_empty());
        let elsewhere = script("apps.mas.ibm.com", "AIServiceApp", OK, false);
        assert!(findings_with(&UnusedKey, &elsewhere, 0, Some(&d)).is_empty());
    }
}
