//! `wrong-group`: with `--manifests`, the script is keyed under a group no deployed resource
//! uses while the same kind is deployed under another group: the check never runs.

use super::{Check, Input};
use crate::audit::{Finding, Level, Script};

/// A key whose kind is deployed under another group.
pub struct WrongGroup;

/// `group/Kind` of every deployed resource of the script's kind under another group, once each;
/// `None` when no manifests were given, the key is a wildcard or the key is deployed. A kind
/// named under another group outweighs a Helm template that may deploy some kind of the key's
/// group (`(group, "*")`): only with no such name is the key taken as perhaps deployed by it.
pub(super) fn deployed_elsewhere(
    script: &Script,
    deployed: Option<&[(String, String)]>,
) -> Option<Vec<String>> {
    let deployed = deployed?;
    // `*` stands for a group a Helm template leaves to its values: it may be this one.
    let named = deployed
        .iter()
        .any(|(g, k)| (g == &script.group || g == "*") && *k == script.kind);
    if script.is_wildcard() || named {
        return None;
    }
    let mut elsewhere: Vec<String> = Vec::new();
    for (g, k) in deployed
        .iter()
        .filter(|(g, k)| *k == script.kind && g != "*")
    {
        let key = format!("{g}/{k}");
        if !elsewhere.contains(&key) {
            elsewhere.push(key);
        }
    }
    let open = deployed
        .iter()
        .any(|(g, k)| (g == &script.group || g == "*") && k == "*");
    if elsewhere.is_empty() && open {
        return None;
    }
    Some(elsewhere)
}

impl Check for WrongGroup {
    fn code(&self) -> &'static str {
        "wrong-group"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "keyed under a group, but the manifests deploy the kind under another: the check never runs"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        match deployed_elsewhere(input.script, input.ctx.deployed) {
            Some(elsewhere) if !elsewhere.is_empty() => vec![self.finding(
                format!(
                    "keyed under {}, but the manifests deploy {}: this check never runs",
                    input.script.group,
                    elsewhere.join(", ")
                ),
                None,
            )],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::test_support::{findings_with, script};
    use super::*;

    /// Manifests deploying aiservice.ibm.com/AIServiceApp and core.mas.ibm.com/Suite.
    pub fn deployed() -> Vec<(String, String)> {
        [
            ("aiservice.ibm.com", "AIServiceApp"),
            ("core.mas.ibm.com", "Suite"),
        ]
        .map(|(g, k)| (g.to_owned(), k.to_owned()))
        .to_vec()
    }

    const OK: &str = "return { status = \"Healthy\", message = \"ok\" }";

    #[test]
    fn a_kind_deployed_under_another_group_is_found_even_unparsable() {
        let d = deployed();
        for text in [OK, "return {"] {
            let s = script("apps.mas.ibm.com", "AIServiceApp", text, false);
            assert_eq!(
                findings_with(&WrongGroup, &s, 0, Some(&d)),
                [WrongGroup.finding(
                    "keyed under apps.mas.ibm.com, but the manifests deploy aiservice.ibm.com/AIServiceApp: this check never runs"
                        .to_owned(),
                    None
                )]
            );
        }
    }

    #[test]
    fn the_right_group_a_wildcard_or_no_manifests_is_not() {
        let d = deployed();
        let right = script("aiservice.ibm.com", "AIServiceApp", OK, false);
        assert!(findings_with(&WrongGroup, &right, 0, Some(&d)).is_empty());
        let wildcard = script("*.ibm.com", "*", OK, false);
        assert!(findings_with(&WrongGroup, &wildcard, 0, Some(&d)).is_empty());
        let wrong = script("apps.mas.ibm.com", "AIServiceApp", OK, false);
        assert!(findings_with(&WrongGroup, &wrong, 0, None).is_empty());
    }

    #[test]
    fn a_star_from_a_template_may_be_the_key_so_is_not() {
        let d = [("apps.example.com", "*"), ("*", "Other")]
            .map(|(g, k)| (g.to_owned(), k.to_owned()))
            .to_vec();
        let some_kind = script("apps.example.com", "ManageApp", OK, false);
        assert!(findings_with(&WrongGroup, &some_kind, 0, Some(&d)).is_empty());
        let some_group = script("x.example.com", "Other", OK, false);
        assert!(findings_with(&WrongGroup, &some_group, 0, Some(&d)).is_empty());
    }

    #[test]
    fn a_kind_named_under_another_group_outweighs_a_template_of_the_key_s_group() {
        // A template may deploy some kind of apps.mas.ibm.com, but AIServiceApp is named under
        // aiservice.ibm.com: the key under apps.mas.ibm.com is still the wrong group.
        let mut d = deployed();
        d.push(("apps.mas.ibm.com".to_owned(), "*".to_owned()));
        let s = script("apps.mas.ibm.com", "AIServiceApp", OK, false);
        assert_eq!(
            findings_with(&WrongGroup, &s, 0, Some(&d))
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>(),
            ["keyed under apps.mas.ibm.com, but the manifests deploy aiservice.ibm.com/AIServiceApp: this check never runs"]
        );
    }
}
