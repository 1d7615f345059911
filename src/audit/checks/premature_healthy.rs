//! `premature-healthy`: the script says Healthy while the kind's own readiness condition is
//! False, because another condition it looks for is True (a component's `...Ready`, an
//! `Available` that only says a reconcile loop finished). A sync wave moves on as soon as a
//! resource is Healthy, so the next wave starts against a resource that is not ready.
//!
//! Only where this crate has a rule for the kind itself (not a wildcard): the rule's first
//! Healthy clause on one condition being True names the kind's readiness condition, and the
//! rule must say the state is not Healthy.

use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::checks::healthy_without_status::bare;
use crate::audit::present::quoted;
use crate::audit::runs::ours;
use crate::audit::{Finding, Level};
use crate::catalog::Entry;
use crate::rule::{EvalContext, Predicate, Status, TextMatch};
use crate::testkit::lua_check;
use serde_json::json;

/// Healthy while the kind's readiness condition is False.
pub struct PrematureHealthy;

/// The condition type whose being True is the kind's readiness by `entry`'s rule: the first
/// Healthy clause that holds on one condition of one type being True.
fn readiness(entry: &Entry) -> Option<&str> {
    entry
        .rule
        .clauses
        .iter()
        .filter(|c| c.status == Status::Healthy)
        .find_map(|c| match &c.when {
            Predicate::Condition(sel) => match (&sel.type_, &sel.status) {
                (TextMatch::OneOf(t), TextMatch::OneOf(s)) if t.len() == 1 && s == &["True"] => {
                    Some(t[0].as_str())
                }
                _ => None,
            },
            _ => None,
        })
}

/// A reason for the readiness condition being False that the rule calls progress (the
/// operator still working), from the reasons the script and the rule name for it;
/// `NotReady` otherwise.
fn progress_reason(entry: &Entry, ready: &str, script_words: &[String]) -> Option<String> {
    let mut candidates: Vec<String> = script_words.to_vec();
    for sel in entry.rule.condition_selectors() {
        if let (TextMatch::OneOf(t), TextMatch::OneOf(r)) = (&sel.type_, &sel.reason) {
            if t.iter().any(|t| t == ready) {
                candidates.extend(r.iter().cloned());
            }
        }
    }
    candidates.push("NotReady".to_owned());
    candidates.into_iter().find(|r| {
        let reason_like = !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric());
        let state = json!({"status": {"conditions": [
            {"type": ready, "status": "False", "reason": r, "message": ""}]}});
        reason_like
            && !["True", "False", "Unknown"].contains(&r.as_str())
            && entry.plan().evaluate(&state, &EvalContext::now()).status == Status::Progressing
    })
}

impl Check for PrematureHealthy {
    fn code(&self) -> &'static str {
        "premature-healthy"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "returns Healthy while the kind's own readiness condition is False, so the next sync wave starts too early"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let Some(entry) = ours(input.script, input.ctx).filter(|e| !e.is_wildcard()) else {
            return Vec::new();
        };
        let Some(ready) = readiness(entry) else {
            return Vec::new();
        };
        let reads = lua_check::reads(&input.script.script);
        let reasons: Vec<String> = reads
            .compared_with
            .iter()
            .filter(|(f, _)| f == "reason")
            .map(|(_, r)| r.clone())
            .collect();
        let Some(reason) = progress_reason(entry, ready, &reasons) else {
            return Vec::new();
        };
        // Messages are left empty: an operator's own words are not known here.
        let not_ready = json!({"type": ready, "status": "False", "reason": reason, "message": ""});
        for other in reads.compared_with_type.iter().filter(|t| *t != ready) {
            let also = json!({"type": other, "status": "True", "reason": other, "message": ""});
            // Both orders: an operator may write them either way round.
            for conditions in [[&not_ready, &also], [&also, &not_ready]] {
                let mut state = bare(input.script);
                state["status"] = json!({"conditions": conditions});
                let ours = entry.plan().evaluate(&state, &EvalContext::now());
                if ours.status == Status::Healthy {
                    continue;
                }
                let Outcome::Health(h) = input.runs.run(&state).outcome else {
                    continue;
                };
                if h.status == Status::Healthy {
                    return vec![self.finding(
                        format!(
                            "returns Healthy {} while {ready} is False ({other} is True): \
                             {ready} is this kind's readiness (mas-health's rule for {} says {} \
                             {}), so the next sync wave starts before it is ready",
                            quoted(&h.message),
                            entry.key(),
                            ours.status,
                            quoted(&ours.message)
                        ),
                        Some(state),
                    )];
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings_with, script};
    use super::*;

    /// Healthy as soon as Ready or a component's condition is True, as an AI-stack check might
    /// be written; Degraded on Degraded.
    const ANY_READY: &str = "if obj.status ~= nil and obj.status.conditions ~= nil then\n\
        for _, c in ipairs(obj.status.conditions) do\n\
        if (c.type == \"Ready\" or c.type == \"ComponentsDeployed\") and c.status == \"True\" then\n\
        return { status = \"Healthy\", message = c.message } end\n\
        if c.type == \"Degraded\" and c.status == \"True\" then\n\
        return { status = \"Degraded\", message = c.message } end end end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn healthy_on_a_component_condition_while_ready_is_false_is_found() {
        let s = script(
            "datasciencecluster.opendatahub.io",
            "DataScienceCluster",
            ANY_READY,
            false,
        );
        let f = findings_with(&PrematureHealthy, &s, 0, None);
        assert_eq!(
            f,
            [PrematureHealthy.finding(
                "returns Healthy \"\" while Ready is False \
                 (ComponentsDeployed is True): Ready is this kind's readiness (mas-health's rule \
                 for datasciencecluster.opendatahub.io/DataScienceCluster says Progressing \
                 \"waiting for Ready\"), so the next sync wave starts before it \
                 is ready"
                    .to_owned(),
                Some(json!({"apiVersion": "datasciencecluster.opendatahub.io/v1",
                    "kind": "DataScienceCluster",
                    "metadata": {"name": "new", "namespace": "test"},
                    "status": {"conditions": [
                        {"type": "Ready", "status": "False", "reason": "NotReady", "message": ""},
                        {"type": "ComponentsDeployed", "status": "True",
                         "reason": "ComponentsDeployed", "message": ""}]}}))
            )]
        );
        assert_eq!(PrematureHealthy.level(), Level::Error);
    }

    #[test]
    fn healthy_only_on_ready_is_not() {
        let text = ANY_READY.replace(" or c.type == \"ComponentsDeployed\"", "");
        let s = script(
            "datasciencecluster.opendatahub.io",
            "DataScienceCluster",
            &text,
            false,
        );
        assert!(findings_with(&PrematureHealthy, &s, 0, None).is_empty());
    }

    #[test]
    fn a_kind_without_a_rule_of_its_own_is_not_judged() {
        // No rule knows example.com/Gadget; a wildcard rule does not know the kind either.
        let s = script("example.com", "Gadget", ANY_READY, false);
        assert!(findings_with(&PrematureHealthy, &s, 0, None).is_empty());
        let s = script("apps.mas.ibm.com", "SomeNewApp", ANY_READY, false);
        assert!(findings_with(&PrematureHealthy, &s, 0, None).is_empty());
    }
}
