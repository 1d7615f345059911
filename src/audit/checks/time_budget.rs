//! `time-budget`: the audit of this script stopped before running every state, because all its
//! runs together took longer than the per-script budget. Fewer states were checked.

use super::{Check, Input};
use crate::audit::runs::SCRIPT_BUDGET;
use crate::audit::{Finding, Level};

/// Not every state was run.
pub struct TimeBudget;

impl TimeBudget {
    /// The finding when only `ran` of `gathered` states were run.
    fn for_counts(&self, ran: usize, gathered: usize) -> Option<Finding> {
        (ran < gathered).then(|| {
            self.finding(
                format!(
                    "stopped after {ran} of {gathered} states ({} s budget per script)",
                    SCRIPT_BUDGET.as_secs()
                ),
                None,
            )
        })
    }
}

impl Check for TimeBudget {
    fn code(&self) -> &'static str {
        "time-budget"
    }
    fn level(&self) -> Level {
        Level::Info
    }
    fn description(&self) -> &'static str {
        "the script's runs used up the audit's time budget before every state was tried"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        self.for_counts(input.runs.count(), input.runs.gathered())
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn states_left_unrun_are_found() {
        assert_eq!(
            TimeBudget.for_counts(37, 200),
            Some(TimeBudget.finding(
                "stopped after 37 of 200 states (20 s budget per script)".to_owned(),
                None
            ))
        );
        assert_eq!(TimeBudget.level(), Level::Info);
    }

    #[test]
    fn every_state_run_is_not() {
        assert_eq!(TimeBudget.for_counts(200, 200), None);
        assert!(findings(&TimeBudget, "return { status = \"Healthy\" }", false).is_empty());
    }
}
