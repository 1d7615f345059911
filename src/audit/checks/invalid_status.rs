//! `invalid-status`: the script returns a status Argo CD does not know (`healthy`, `OK`, ...),
//! which it shows as Unknown "Lua returned an invalid health status".

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::{Outcome, INVALID_STATUS};
use crate::audit::{Finding, Level, Recorded, Runs};
use crate::rule::Status;
use serde_json::Value;

/// A status Argo CD rejects.
pub struct InvalidStatus;

impl Check for InvalidStatus {
    fn code(&self) -> &'static str {
        "invalid-status"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "returns a status Argo CD does not know, shown as Unknown"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let shows = |_: &Runs, _: &Value, r: &Recorded| match &r.outcome {
            Outcome::Health(h) if h.status == Status::Unknown && h.message == INVALID_STATUS => {
                Some(INVALID_STATUS.to_owned())
            }
            _ => None,
        };
        on_first_state(self, input.runs, &shows, &|s| {
            format!(
                "returns a status Argo CD rejects, shown as Unknown \"{}\"{}",
                s.what,
                s.at()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;
    use serde_json::json;

    #[test]
    fn a_lower_case_status_is_found() {
        let f = findings(
            &InvalidStatus,
            "return { status = \"healthy\", message = \"\" }",
            false,
        );
        assert_eq!(
            f,
            [InvalidStatus.finding(
                "returns a status Argo CD rejects, shown as Unknown \"Lua returned an invalid health status\""
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "generated", "namespace": "test",
                        "creationTimestamp": "2026-01-01T00:00:00Z",
                        "uid": "7c4d2a10-0000-4000-8000-000000000001",
                        "resourceVersion": "1001", "generation": 1}, "spec": {}}))
            )]
        );
    }

    /// Surfaces `status.phase` as the health status, and looks for the reason `literal`.
    fn surfaces_phase(compared: &str) -> String {
        format!(
            "if obj.status ~= nil and obj.status.phase ~= nil then return {{ status = obj.status.phase, message = \"\" }} end\n\
             for _, c in ipairs(obj.status and obj.status.conditions or {{}}) do\n\
             if {compared} == \"Aborted\" then return {{ status = \"Degraded\", message = \"\" }} end end\n\
             return {{ status = \"Progressing\", message = \"\" }}"
        )
    }

    #[test]
    fn a_reason_the_script_looks_for_is_not_a_phase() {
        // `Aborted` is compared with `reason`: no operator writes it as a phase, and a phase
        // is one word, never empty or a sentence.
        assert!(findings(&InvalidStatus, &surfaces_phase("c.reason"), false).is_empty());
    }

    #[test]
    fn a_phase_the_script_looks_for_that_argo_cd_rejects_is_found() {
        let f = findings(&InvalidStatus, &surfaces_phase("obj.status.phase"), false);
        assert_eq!(
            f,
            [InvalidStatus.finding(
                "returns a status Argo CD rejects, shown as Unknown \"Lua returned an invalid health status\""
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "generated", "namespace": "test",
                        "creationTimestamp": "2026-01-01T00:00:00Z",
                        "uid": "7c4d2a10-0000-4000-8000-000000000001",
                        "resourceVersion": "1001", "generation": 1}, "spec": {},
                    "status": {"phase": "Aborted"}}))
            )]
        );
    }

    #[test]
    fn an_unknown_status_the_script_means_is_not() {
        let f = findings(
            &InvalidStatus,
            "return { status = \"Unknown\", message = \"?\" }",
            false,
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
