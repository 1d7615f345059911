//! `disagrees`: the script's status differs from mas-health's rule for the same kind on some
//! states. Not an error in itself (either may be wrong), so a warning with the best example: a
//! fixture when one disagrees.

use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::present::quoted;
use crate::audit::runs::{ours, State};
use crate::audit::{Finding, Level};
use crate::rule::EvalContext;

/// A verdict that differs from this crate's rule.
pub struct Disagrees;

impl Check for Disagrees {
    fn code(&self) -> &'static str {
        "disagrees"
    }
    fn level(&self) -> Level {
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "the status differs from mas-health's rule for the same kind on some states"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let Some(entry) = ours(input.script, input.ctx) else {
            return Vec::new();
        };
        let mut count = 0usize;
        let mut example: Option<(&State, String)> = None;
        let ctx = EvalContext::now();
        for (state, r) in input.runs.ran() {
            let Outcome::Health(h) = &r.outcome else {
                continue;
            };
            let native = entry.plan().evaluate(&state.value, &ctx);
            if native.status == h.status {
                continue;
            }
            count += 1;
            // A fixture makes the better example.
            if example
                .as_ref()
                .is_none_or(|(s, _)| s.fixture.is_none() && state.fixture.is_some())
            {
                let at = state
                    .fixture
                    .as_deref()
                    .map(|n| format!(" (fixture {n})"))
                    .unwrap_or_default();
                let text = format!(
                    "mas-health says {} {}, this script {} {}{at}",
                    native.status,
                    quoted(&native.message),
                    h.status,
                    quoted(&h.message)
                );
                example = Some((state, text));
            }
        }
        let Some((state, text)) = example else {
            return Vec::new();
        };
        vec![self.finding(
            format!(
                "differs from mas-health's rule for {} on {count} of {} states: {text}",
                entry.key(),
                input.runs.gathered()
            ),
            Some(state.value.clone()),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings_with, script};
    use super::*;

    #[test]
    fn an_always_healthy_suite_is_found() {
        let s = script(
            "core.mas.ibm.com",
            "Suite",
            "return { status = \"Healthy\", message = \"looks fine\" }",
            false,
        );
        let f = findings_with(&Disagrees, &s, 20, None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].level),
            ("disagrees", Level::Warning)
        );
        assert!(
            f[0].message
                .starts_with("differs from mas-health's rule for core.mas.ibm.com/Suite on ")
                && f[0].message.contains(" of 20 states: mas-health says ")
                && f[0]
                    .message
                    .ends_with(", this script Healthy \"looks fine\""),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_kind_without_a_rule_or_a_wildcard_key_is_not_compared() {
        let always = "return { status = \"Healthy\", message = \"looks fine\" }";
        let s = script("example.com", "Inline", always, false);
        assert!(findings_with(&Disagrees, &s, 20, None).is_empty());
        let s = script("*.mas.ibm.com", "*", always, false);
        assert!(findings_with(&Disagrees, &s, 20, None).is_empty());
    }
}
