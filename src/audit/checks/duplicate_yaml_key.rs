//! `duplicate-yaml-key`: a key given twice in argocd-cm's nested `resource.customizations`
//! value. Argo CD reads the value with sigs.k8s.io/yaml (go-yaml v2), which accepts it and keeps
//! the last entry, so every script is still audited (the last of the two); the earlier entry is
//! never used. Reading the configuration makes this finding.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// A key given twice in a nested value.
pub struct DuplicateYamlKey;

impl Check for DuplicateYamlKey {
    fn code(&self) -> &'static str {
        "duplicate-yaml-key"
    }
    fn level(&self) -> Level {
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "a key given twice in the nested resource.customizations value: Argo CD keeps the last, the earlier entry never runs"
    }
    fn check(&self, _input: &Input<'_>) -> Vec<Finding> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::unreadable_key::UnreadableKey;
    use super::*;
    use crate::audit::read_config;

    fn cm(blob: &str) -> String {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm}}\ndata:\n  \
             resource.customizations: |\n{blob}"
        )
    }

    #[test]
    fn a_duplicated_key_is_a_warning_naming_both_lines_and_every_script_is_audited() {
        let text = cm(
            "    a.example.com/A:\n      health.lua: return {status = \"Degraded\"}\n    \
            b.example.com/B:\n      health.lua: return {}\n    \
            a.example.com/A:\n      health.lua: return {status = \"Healthy\"}\n",
        );
        let config = read_config("cm.yaml", &text);
        let scripts: Vec<(String, String)> = config
            .scripts
            .iter()
            .map(|s| (s.key(), s.script.clone()))
            .collect();
        assert_eq!(
            scripts,
            [
                (
                    "a.example.com/A".to_owned(),
                    "return {status = \"Healthy\"}".to_owned()
                ),
                ("b.example.com/B".to_owned(), "return {}".to_owned()),
            ]
        );
        let reports: Vec<_> = config
            .unreadable
            .iter()
            .map(UnreadableKey::report_for)
            .collect();
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(
            reports[0].findings,
            [DuplicateYamlKey.finding(
                "\"a.example.com/A\" is given twice in this value (lines 6 and 10): Argo CD \
                 reads it with sigs.k8s.io/yaml, which keeps the last, so the entry at line 6 \
                 is never used"
                    .to_owned(),
                None
            )]
        );
        assert!(!reports[0].has_errors());
    }

    #[test]
    fn the_same_kind_in_two_groups_is_not_a_duplicate() {
        let text = cm("    a.example.com/A:\n      health.lua: return {}\n    \
            b.example.com/A:\n      health.lua: return {}\n");
        let config = read_config("cm.yaml", &text);
        assert_eq!(config.scripts.len(), 2);
        assert!(config.unreadable.is_empty(), "{:?}", config.unreadable);
    }
}
