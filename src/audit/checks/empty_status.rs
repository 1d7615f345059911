//! `empty-status`: the script gives Argo CD an empty status (nil, an empty table, a message that
//! is not a string). An empty status never finishes a sync wave, so the wave waits for ever.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::{Finding, Level, Recorded, Runs};
use serde_json::Value;

/// An empty status on some state.
pub struct EmptyStatus;

impl Check for EmptyStatus {
    fn code(&self) -> &'static str {
        "empty-status"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "gives Argo CD an empty status on some state, which holds a sync wave for ever"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let shows = |_: &Runs, _: &Value, r: &Recorded| match r.outcome {
            Outcome::Empty => r.empty_reason.clone(),
            _ => None,
        };
        on_first_state(self, input.runs, &shows, &|s| {
            format!(
                "gives Argo CD an empty status, which holds a sync wave for ever: {}{}",
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
    fn a_number_as_message_is_found() {
        let f = findings(
            &EmptyStatus,
            "return { status = \"Healthy\", message = 5 }",
            false,
        );
        assert_eq!(
            f,
            [EmptyStatus.finding(
                "gives Argo CD an empty status, which holds a sync wave for ever: `message` is not a string (a Lua integer)"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "generated", "namespace": "test",
                        "creationTimestamp": "2026-01-01T00:00:00Z",
                        "uid": "7c4d2a10-0000-4000-8000-000000000001",
                        "resourceVersion": "1001", "generation": 1}, "spec": {}}))
            )]
        );
    }

    #[test]
    fn a_script_that_always_returns_a_status_is_not() {
        let f = findings(
            &EmptyStatus,
            "return { status = \"Progressing\", message = \"\" }",
            false,
        );
        assert!(f.is_empty(), "{f:?}");
    }
}
