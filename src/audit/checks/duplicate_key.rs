//! `duplicate-key`: two entries of one configuration resolve to the health check of one kind
//! (two `resourceHealthChecks` for one group/kind, one there and one in `extraConfig`, a split
//! key and a nested entry), so one of them silently never runs. Reading the configuration
//! finds it (see [`crate::audit::sources`]); the finding goes on the entry that never runs and
//! names the line of the one that wins.

use super::{Check, Input};
use crate::audit::{Duplicate, Finding, Level, Report};

/// Two entries for one kind's check.
pub struct DuplicateKey;

impl DuplicateKey {
    /// The finding for the entry of `d` that never runs.
    pub fn finding_for(d: &Duplicate) -> Finding {
        DuplicateKey.finding(
            format!(
                "{} is also defined at {}: both become {}; {}, so that one is used and this one \
                 never runs",
                d.key, d.winner, d.cm_key, d.why
            ),
            None,
        )
    }

    /// Adds each duplicate's finding to the report of the script that never runs (a report of
    /// its own when that script has none), keeping errors first.
    pub fn attach(reports: &mut Vec<Report>, duplicates: &[Duplicate]) {
        for d in duplicates {
            let finding = DuplicateKey::finding_for(d);
            match reports
                .iter_mut()
                .find(|r| r.file == d.file && r.origin == d.origin)
            {
                Some(r) => {
                    r.findings.push(finding);
                    r.findings.sort_by_key(|f| f.level);
                }
                None => reports.push(Report {
                    file: d.file.clone(),
                    origin: d.origin.clone(),
                    key: d.key.clone(),
                    open_libs: false,
                    states: 0,
                    findings: vec![finding],
                }),
            }
        }
    }
}

impl Check for DuplicateKey {
    fn code(&self) -> &'static str {
        "duplicate-key"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "two entries resolve to one kind's health check in argocd-cm, so one of them never runs"
    }
    fn check(&self, _input: &Input<'_>) -> Vec<Finding> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;
    use crate::audit::read_config;

    const CHECK: &str = "      return {status = \"Healthy\", message = \"ok\"}\n";

    fn messages(text: &str) -> Vec<(String, String)> {
        read_config("in.yaml", text)
            .duplicates
            .iter()
            .map(|d| (d.origin.clone(), DuplicateKey::finding_for(d).message))
            .collect()
    }

    fn argocd(spec: &str) -> String {
        format!("apiVersion: argoproj.io/v1beta1\nkind: ArgoCD\nmetadata:\n  name: gitops\nspec:\n{spec}")
    }

    fn health_check(group: &str, kind: &str) -> String {
        format!("  - group: {group}\n    kind: {kind}\n    check: |\n{CHECK}")
    }

    #[test]
    fn two_resource_health_checks_for_one_kind_are_found_at_both_lines() {
        let text = argocd(&format!(
            "  resourceHealthChecks:\n{}{}{}",
            health_check("operators.coreos.com", "CatalogSource"),
            health_check("example.com", "Widget"),
            health_check("operators.coreos.com", "CatalogSource"),
        ));
        assert_eq!(
            messages(&text),
            [(
                "line 7 ArgoCD spec.resourceHealthChecks[0]".to_owned(),
                "operators.coreos.com/CatalogSource is also defined at line 15 ArgoCD \
                 spec.resourceHealthChecks[2]: both become \
                 resource.customizations.health.operators.coreos.com_CatalogSource; the \
                 operator writes the entries in order, the later over the earlier, so that one \
                 is used and this one never runs"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn a_resource_health_check_and_an_extra_config_key_are_found() {
        let text = argocd(&format!(
            "  extraConfig:\n    resource.customizations.health.example.com_Widget: |\n  {CHECK}  \
             resourceHealthChecks:\n{}",
            health_check("example.com", "Widget"),
        ));
        let found = messages(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "line 10 ArgoCD spec.resourceHealthChecks[0]");
        assert!(found[0].1.starts_with(
            "example.com/Widget is also defined at line 7 ArgoCD \
             spec.extraConfig[resource.customizations.health.example.com_Widget]: both become \
             resource.customizations.health.example.com_Widget; the operator copies \
             spec.extraConfig over"
        ));
    }

    #[test]
    fn a_split_key_and_a_nested_entry_for_one_kind_are_found() {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  \
             resource.customizations: |\n    example.com/Widget:\n      health.lua: |\n  {CHECK}  \
             resource.customizations.health.example.com_Widget: |\n  {CHECK}"
        );
        assert_eq!(
            messages(&text),
            [(
                "line 7 ConfigMap data[resource.customizations].\"example.com/Widget\"".to_owned(),
                "example.com/Widget is also defined at line 10 ConfigMap \
                 data[resource.customizations.health.example.com_Widget]: both become \
                 resource.customizations.health.example.com_Widget and the \
                 resource.customizations entry \"example.com/Widget\"; Argo CD takes a \
                 kind's health.lua from its split key before the nested entry, so that one is \
                 used and this one never runs"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn near_misses_are_not_duplicates() {
        // Same kind in another group; a nested entry of the same kind without a health check
        // (ignoreDifferences only); the same kind in two ArgoCD resources of one file.
        let one = argocd(&format!(
            "  extraConfig:\n    resource.customizations: |\n      example.com/Widget:\n        \
             ignoreDifferences: |\n          jsonPointers: [/spec/size]\n  \
             resourceHealthChecks:\n{}{}",
            health_check("example.com", "Widget"),
            health_check("example.org", "Widget"),
        ));
        let two = format!("{one}---\n{one}");
        assert_eq!(messages(&two), []);
        assert!(findings(&DuplicateKey, "return {}", false).is_empty());
    }

    #[test]
    fn the_finding_joins_the_report_of_the_entry_that_never_runs() {
        let d = Duplicate {
            file: "f".to_owned(),
            key: "a/B".to_owned(),
            origin: "line 3 x".to_owned(),
            winner: "line 9 y".to_owned(),
            cm_key: "k".to_owned(),
            why: "w",
        };
        let mut reports = vec![Report {
            file: "f".to_owned(),
            origin: "line 3 x".to_owned(),
            key: "a/B".to_owned(),
            open_libs: false,
            states: 5,
            findings: Vec::new(),
        }];
        DuplicateKey::attach(&mut reports, &[d]);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].findings[0].code, "duplicate-key");
        assert_eq!(reports[0].findings[0].level, Level::Error);
    }
}
