//! `dropped-by-operator`: a check in a field of an `ArgoCD` resource that the argocd-operator
//! version given (`--argocd-operator-version`, default the newest) never writes to argocd-cm:
//! `spec.resourceCustomizations` from v0.8.0 (dropped when v1alpha1 is converted to v1beta1),
//! `spec.resourceHealthChecks` before v0.5.0. Reading the configuration makes this finding.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// A check the operator never writes to argocd-cm.
pub struct DroppedByOperator;

impl Check for DroppedByOperator {
    fn code(&self) -> &'static str {
        "dropped-by-operator"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "the argocd-operator never writes this field of the ArgoCD resource to argocd-cm, so the check never runs"
    }
    fn check(&self, _input: &Input<'_>) -> Vec<Finding> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::unreadable_key::UnreadableKey;
    use super::*;
    use crate::audit::{read_config_with, OperatorVersion, ReadOptions, Report};

    const CR: &str = "apiVersion: argoproj.io/v1alpha1\nkind: ArgoCD\nmetadata: {name: gitops}\n\
        spec:\n  resourceCustomizations: |\n    apps.example.com/Thing:\n      health.lua: |\n        \
        return {status = \"Healthy\"}\n  resourceHealthChecks:\n  - group: apps.example.com\n    \
        kind: Other\n    check: return {status = \"Healthy\"}\n";

    fn read(version: OperatorVersion) -> (Vec<String>, Vec<Report>) {
        let config = read_config_with("cr.yaml", CR, &ReadOptions { operator: version });
        let keys = config.scripts.iter().map(|s| s.key()).collect();
        let reports = config
            .unreadable
            .iter()
            .map(UnreadableKey::report_for)
            .collect();
        (keys, reports)
    }

    #[test]
    fn resource_customizations_are_dropped_by_the_newest_operator_at_their_line() {
        let (keys, reports) = read(OperatorVersion::default());
        assert_eq!(keys, ["apps.example.com/Other"]);
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(
            reports[0].origin,
            "line 6 ArgoCD spec.resourceCustomizations.\"apps.example.com/Thing\""
        );
        assert_eq!(
            reports[0].findings,
            [DroppedByOperator.finding(
                "argocd-operator v0.8.0 and later (here v0.19.0) drop spec.resourceCustomizations \
                 when converting the ArgoCD resource to v1beta1, and never write it to argocd-cm: \
                 this check never reaches argocd-cm, and Argo CD looks up \
                 \"apps.example.com/Thing\" in argocd-cm \
                 (resource.customizations.health.apps.example.com_Thing, then wildcards, then its \
                 built-in checks) instead; move it to spec.resourceHealthChecks (group \
                 \"apps.example.com\", kind \"Thing\")"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn an_operator_before_0_8_writes_them_and_before_0_5_drops_health_checks() {
        let (keys, reports) = read(OperatorVersion(0, 7, 3));
        assert_eq!(keys, ["apps.example.com/Other", "apps.example.com/Thing"]);
        assert!(reports.is_empty(), "{reports:?}");
        let (keys, reports) = read(OperatorVersion(0, 4, 1));
        assert_eq!(keys, ["apps.example.com/Thing"]);
        assert_eq!(reports.len(), 1);
        assert!(reports[0].findings[0].message.starts_with(
            "argocd-operator v0.4.1 does not know spec.resourceHealthChecks (read from v0.5.0)"
        ));
    }

    #[test]
    fn versions_are_read_with_or_without_v_and_patch() {
        assert_eq!(
            OperatorVersion::parse("v0.8.0"),
            Some(OperatorVersion(0, 8, 0))
        );
        assert_eq!(
            OperatorVersion::parse("0.7"),
            Some(OperatorVersion(0, 7, 0))
        );
        assert_eq!(OperatorVersion::parse("0.7.x"), None);
        assert_eq!(OperatorVersion::parse("1.2.3.4"), None);
    }
}
