//! `healthy-without-status`: the script says Healthy for an object that has no status at all,
//! as every custom resource is between its creation and its operator's first reconcile. A sync
//! wave then moves on before the operator has even looked at the resource.
//!
//! Error: that is a wrong verdict on a state every resource goes through, when the script
//! knows a waiting state for the kind (it says Progressing or Suspended on some state): then
//! Healthy before any status skips a wait the script itself has. A script that never waits on
//! any state (an Argo Workflows CronWorkflow, a schedule, a kind a wildcard key passes as
//! healthy) treats the kind as having nothing to wait for, by design: a warning.

use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::runs::ours;
use crate::audit::{Finding, Level, Script};
use crate::rule::{EvalContext, Status};
use serde_json::{json, Value};

/// Healthy before the operator has written any status.
pub struct HealthyWithoutStatus;

/// The object as it is just after `kubectl apply`: identity only.
pub(crate) fn bare(script: &Script) -> Value {
    let (api, kind) = if script.is_wildcard() {
        ("example.ibm.com/v1".to_owned(), "Example".to_owned())
    } else if script.group.is_empty() {
        ("v1".to_owned(), script.kind.clone())
    } else {
        (format!("{}/v1", script.group), script.kind.clone())
    };
    json!({"apiVersion": api, "kind": kind, "metadata": {"name": "new", "namespace": "test"}})
}

impl Check for HealthyWithoutStatus {
    fn code(&self) -> &'static str {
        "healthy-without-status"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "returns Healthy for an object with no status yet, so a sync wave does not wait for it"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let obj = bare(input.script);
        let Outcome::Health(h) = input.runs.run(&obj).outcome else {
            return Vec::new();
        };
        if h.status != Status::Healthy {
            return Vec::new();
        }
        let mut f = self.finding(
            format!(
                "returns Healthy {} for an object with no status (not reconciled yet): \
                 a sync wave moves on before the operator has looked at it",
                crate::audit::present::quoted(&h.message)
            ),
            Some(obj.clone()),
        );
        let waits = input.runs.ran().any(|(_, r)| {
            matches!(&r.outcome, Outcome::Health(h)
                if matches!(h.status, Status::Progressing | Status::Suspended))
        });
        // Where mas-health's rule knows the kind and waits on a new object, the operator has
        // something to wait for, whatever this script thinks.
        let rule_waits = ours(input.script, input.ctx).is_some_and(|e| {
            e.plan().evaluate(&obj, &EvalContext::now()).status != Status::Healthy
        });
        if !waits && !rule_waits {
            f.level = Level::Warning;
            f.message.push_str(
                " (the script never says Progressing or Suspended on any state: it treats the \
                 kind as having nothing to wait for, by design)",
            );
        }
        vec![f]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, levels};
    use super::*;

    /// Healthy unless Ready is False, which it reads as still working: a precedence slip
    /// makes the missing status fall through to Healthy.
    const SKIPS_ITS_OWN_WAIT: &str = "if obj.status == nil or next(obj.status) == nil and obj.kind == \"Nothing\" then\n\
        return { status = \"Healthy\", message = \"ok\" } end\n\
        for _, c in ipairs(obj.status.conditions or {}) do\n\
        if c.type == \"Ready\" and c.status == \"False\" then return { status = \"Progressing\", message = \"\" } end end\n\
        return { status = \"Healthy\", message = \"ok\" }";

    #[test]
    fn healthy_without_status_while_the_script_waits_elsewhere_is_an_error() {
        assert_eq!(
            findings(&HealthyWithoutStatus, SKIPS_ITS_OWN_WAIT, true),
            [HealthyWithoutStatus.finding(
                "returns Healthy \"ok\" for an object with no status (not reconciled yet): a sync \
                 wave moves on before the operator has looked at it"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "new", "namespace": "test"}}))
            )]
        );
    }

    #[test]
    fn a_script_that_never_waits_is_healthy_by_design_a_warning() {
        // A schedule: Degraded on an error, Healthy otherwise, never Progressing.
        let script = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"SpecError\" and c.status == \"True\" then return { status = \"Degraded\", message = \"\" } end end\n\
            return { status = \"Healthy\", message = \"scheduled\" }";
        let f = findings(&HealthyWithoutStatus, script, false);
        assert_eq!(levels(&f), [("healthy-without-status", Level::Warning)]);
        assert!(f[0].message.ends_with("by design)"), "{}", f[0].message);
    }

    #[test]
    fn waiting_for_a_status_is_not() {
        let script = "if type(obj.status) ~= \"table\" then return { status = \"Progressing\", message = \"waiting\" } end\n\
            return { status = \"Healthy\", message = \"ok\" }";
        assert!(findings(&HealthyWithoutStatus, script, false).is_empty());
    }
}
