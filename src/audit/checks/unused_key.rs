//! `unused-key`: with `--manifests`, no deployed resource has the script's kind at all: the
//! check is dead weight in argocd-cm (or the manifests given are not all of them).
//!
//! A Helm template whose kind its values decide (`kind: {{ .Values.app_kind }}`), with values
//! only from outside its chart, may deploy any kind of its group: a key of that group named by
//! no manifest is then said for information, not as a warning.

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
        let s = input.script;
        let Some(deployed) = input.ctx.deployed else {
            return Vec::new();
        };
        if let Some(elsewhere) = deployed_elsewhere(s, Some(deployed)) {
            return match elsewhere.is_empty() {
                true => vec![self.finding(format!("no deployed resource is {}", s.key()), None)],
                false => Vec::new(),
            };
        }
        // Deployed, as far as the manifests say: literally, or only by an open templated kind.
        let literal = s.is_wildcard()
            || deployed
                .iter()
                .any(|(g, k)| (g == &s.group || g == "*") && k == &s.kind);
        if literal {
            return Vec::new();
        }
        let mut f = self.finding(
            format!(
                "no manifest names {}, but a Helm template deploys a kind of {} its values \
                 decide (values from outside its chart): it may be this one",
                s.key(),
                s.group
            ),
            None,
        );
        f.level = Level::Info;
        vec![f]
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
    fn a_kind_only_an_open_templated_kind_may_be_is_said_for_information() {
        let d = vec![
            ("apps.example.com".to_owned(), "*".to_owned()),
            ("apps.example.com".to_owned(), "ManageApp".to_owned()),
        ];
        let s = script("apps.example.com", "MonitorApp", OK, false);
        let mut want = UnusedKey.finding(
            "no manifest names apps.example.com/MonitorApp, but a Helm template deploys a kind \
             of apps.example.com its values decide (values from outside its chart): it may be \
             this one"
                .to_owned(),
            None,
        );
        want.level = Level::Info;
        assert_eq!(findings_with(&UnusedKey, &s, 0, Some(&d)), [want]);
        // A kind a manifest names is not; one of another group is a warning as before.
        let s = script("apps.example.com", "ManageApp", OK, false);
        assert!(findings_with(&UnusedKey, &s, 0, Some(&d)).is_empty());
        let s = script("other.example.com", "Thing", OK, false);
        assert_eq!(
            findings_with(&UnusedKey, &s, 0, Some(&d))
                .iter()
                .map(|f| f.level)
                .collect::<Vec<_>>(),
            [Level::Warning]
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
