//! `runtime-error`: some state makes the script raise an error, which Argo CD shows as Unknown
//! with the error text.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::{Finding, Level, Recorded, Runs};
use serde_json::Value;

/// An error raised on some state.
pub struct RuntimeError;

impl Check for RuntimeError {
    fn code(&self) -> &'static str {
        "runtime-error"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "raises an error on some state: Argo CD shows Unknown with the error text"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let shows = |_: &Runs, _: &Value, r: &Recorded| match &r.outcome {
            Outcome::Error(e) => Some(e.clone()),
            _ => None,
        };
        on_first_state(self, input.runs, &shows, &|s| {
            format!("raises an error: {}{}", s.what, s.at())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unguarded_index_is_found_with_the_smallest_state() {
        let script = "if obj.status.phase == \"Ready\" then return { status = \"Healthy\" } end\n\
                      return { status = \"Progressing\" }";
        assert_eq!(
            findings(&RuntimeError, script, false),
            [RuntimeError.finding(
                "raises an error: runtime error: health.lua:1: attempt to index field 'status' (a nil value)"
                    .to_owned(),
                // Shrinking reaches the smallest object: only the identity every state gets.
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline"}))
            )]
        );
    }

    #[test]
    fn a_guarded_index_is_not() {
        let script = "if type(obj.status) == \"table\" and obj.status.phase == \"Ready\" then\n\
                      return { status = \"Healthy\" } end\nreturn { status = \"Progressing\" }";
        assert!(findings(&RuntimeError, script, false).is_empty());
    }
}
