//! `replaces-builtin`: the key replaces a check Argo CD has built in (for the version chosen
//! with `--argocd-version`, or in the scripts given with `--argocd-builtins`): argocd-cm wins
//! over every built-in, so Argo CD's own script for the kind no longer runs. Often meant (a
//! better check); worth knowing when the built-in was fine, or when an upgrade improves it.

use super::{Check, Input};
use crate::argocd::builtin::{index, probe, Answer};
use crate::argocd::GroupKind;
use crate::audit::{Finding, Level};

/// A key that takes the place of one or more of Argo CD's built-in checks.
pub struct ReplacesBuiltin;

impl Check for ReplacesBuiltin {
    fn code(&self) -> &'static str {
        "replaces-builtin"
    }
    fn level(&self) -> Level {
        Level::Info
    }
    fn description(&self) -> &'static str {
        "the key replaces a check Argo CD has built in"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let argocd = input.ctx.catalog.argocd();
        let mine = input.script.group_kind();
        let replaced: Vec<String> = if mine.is_wildcard() {
            // The exact built-in folders the wildcard matches.
            let folders: Vec<String> = match &argocd.scripts {
                Some(scripts) => scripts.folders(),
                None => index::shipped_in(argocd.version)
                    .map(|l| l.folder.to_owned())
                    .collect(),
            };
            folders
                .into_iter()
                .filter(|f| !f.contains('_') && mine.matches(&GroupKind::parse_key(f)))
                .collect()
        } else {
            match argocd.answer(&mine, &probe(&mine)) {
                Answer::None => Vec::new(),
                _ => vec![mine.key()],
            }
        };
        if replaced.is_empty() {
            return Vec::new();
        }
        let whose = match &argocd.scripts {
            Some(_) => "the given resource_customizations".to_owned(),
            None => format!("Argo CD {}", argocd.version),
        };
        let shown = replaced
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let more = match replaced.len() {
            n if n > 5 => format!(" and {} more", n - 5),
            _ => String::new(),
        };
        let message = format!(
            "`{}` replaces the built-in check of {whose} for {shown}{more}: argocd-cm wins over it",
            mine.key()
        );
        vec![self.finding(message, None)]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::script;
    use super::*;
    use crate::argocd::builtin::{ArgoCd, ArgoVersion};
    use crate::audit::Context;
    use crate::catalog::Catalog;

    const OK: &str = "return { status = \"Healthy\", message = \"ok\" }";

    fn findings(group: &str, kind: &str, version: ArgoVersion) -> Vec<String> {
        let catalog = Catalog::standard().in_argocd(ArgoCd::version(version));
        let ctx = Context {
            fixtures: &[],
            deployed: None,
            cases: 0,
            catalog: &catalog,
            keys: &[],
            malformed: false,
            schemas: None,
            live: None,
        };
        let s = script(group, kind, OK, false);
        let found = crate::audit::run_checks(&s, &ctx, &[&ReplacesBuiltin]).0;
        found.into_iter().map(|f| f.message).collect()
    }

    #[test]
    fn a_key_for_a_kind_argo_cd_checks_is_found_in_the_versions_that_check_it() {
        assert_eq!(
            findings("batch", "CronJob", ArgoVersion::V3_2),
            [
                "`batch/CronJob` replaces the built-in check of Argo CD 3.2 for batch/CronJob: \
              argocd-cm wins over it"
            ]
        );
        // 3.1 has no CronJob check.
        assert_eq!(
            findings("batch", "CronJob", ArgoVersion::V3_1),
            [] as [String; 0]
        );
        // Go checks are built in too.
        assert_eq!(findings("apps", "Deployment", ArgoVersion::V3_0).len(), 1);
    }

    #[test]
    fn a_wildcard_names_the_built_in_folders_it_matches() {
        assert_eq!(
            findings("kafka.strimzi.io", "*", ArgoVersion::V3_5),
            [
                "`kafka.strimzi.io/*` replaces the built-in check of Argo CD 3.5 for \
              kafka.strimzi.io/Kafka, kafka.strimzi.io/KafkaBridge, \
              kafka.strimzi.io/KafkaConnect, kafka.strimzi.io/KafkaConnector, \
              kafka.strimzi.io/KafkaTopic and 1 more: argocd-cm wins over it"
            ]
        );
        assert_eq!(
            findings("*.mas.ibm.com", "*", ArgoVersion::Main),
            [] as [String; 0]
        );
    }
}
