//! `healthy-without-status`: the script says Healthy for an object that has no status at all,
//! as every custom resource is between its creation and its operator's first reconcile. A sync
//! wave then moves on before the operator has even looked at the resource.
//!
//! Error: that is a wrong verdict on a state every resource goes through.

use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::{Finding, Level, Script};
use crate::rule::Status;
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
        match input.runs.run(&obj).outcome {
            Outcome::Health(h) if h.status == Status::Healthy => vec![self.finding(
                format!(
                    "returns Healthy {} for an object with no status (not reconciled yet): \
                     a sync wave moves on before the operator has looked at it",
                    crate::audit::present::quoted(&h.message)
                ),
                Some(obj),
            )],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn an_unconditional_healthy_is_found() {
        assert_eq!(
            findings(
                &HealthyWithoutStatus,
                "return { status = \"Healthy\", message = \"ok\" }",
                false
            ),
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
    fn waiting_for_a_status_is_not() {
        let script = "if type(obj.status) ~= \"table\" then return { status = \"Progressing\", message = \"waiting\" } end\n\
            return { status = \"Healthy\", message = \"ok\" }";
        assert!(findings(&HealthyWithoutStatus, script, false).is_empty());
    }
}
