//! `unreadable-key`: an entry of the configuration Argo CD cannot read (a nested
//! `resource.customizations` value that does not parse, a split key with a second `_`), so
//! none of the checks it was meant to hold run. Reading the configuration makes this finding
//! (there is no script to run); looking at runs never does.

use super::{Check, Input};
use crate::audit::{Finding, Level, Report, Unreadable};

/// An entry Argo CD cannot read.
pub struct UnreadableKey;

impl UnreadableKey {
    /// The report for an unreadable entry: no states, this one finding.
    pub fn report_for(entry: &Unreadable) -> Report {
        Report {
            file: entry.file.clone(),
            origin: entry.origin.clone(),
            key: entry.key.clone(),
            open_libs: false,
            states: 0,
            findings: vec![UnreadableKey.finding(entry.message.clone(), None)],
        }
    }
}

impl Check for UnreadableKey {
    fn code(&self) -> &'static str {
        "unreadable-key"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "Argo CD cannot read this entry of the configuration, so the checks it holds never run"
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

    fn config(data: &str) -> Vec<Report> {
        let text = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm}}\ndata:\n{data}"
        );
        read_config("cm.yaml", &text)
            .unreadable
            .iter()
            .map(UnreadableKey::report_for)
            .collect()
    }

    #[test]
    fn a_nested_value_that_does_not_parse_is_found() {
        let reports = config("  resource.customizations: |\n    a/B:\n      health.lua: [\n");
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(reports[0].key, "resource.customizations");
        assert_eq!(
            reports[0].origin,
            "line 5 ConfigMap data[resource.customizations]"
        );
        assert_eq!(reports[0].findings[0].level, Level::Error);
        assert!(
            reports[0].findings[0]
                .message
                .starts_with("Argo CD cannot read this value, so none of its checks run: line 2 of the value: invalid YAML: "),
            "{reports:?}"
        );
    }

    #[test]
    fn a_split_key_with_two_underscores_is_found() {
        let reports = config("  resource.customizations.health.a_b_C: return {}\n");
        assert_eq!(reports.len(), 1, "{reports:?}");
        assert_eq!(
            reports[0].origin,
            "line 5 ConfigMap data[resource.customizations.health.a_b_C]"
        );
        assert_eq!(
            reports[0].findings,
            [UnreadableKey.finding(
                "Argo CD does not read this key: a split key has one `_`, between the group \
                 and the kind, and \"a_b_C\" has 2; use the nested resource.customizations \
                 form for this kind"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn readable_keys_and_nested_values_are_not() {
        let data = "  resource.customizations.health.a.b_C: return {}\n  \
                    resource.customizations: |\n    a/B:\n      health.lua: return {}\n";
        assert!(config(data).is_empty());
        assert!(findings(&UnreadableKey, "return {}", false).is_empty());
    }
}
