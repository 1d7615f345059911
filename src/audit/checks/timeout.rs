//! `timeout`: the audit of a script did not finish in time (a C call the instruction limit
//! cannot interrupt) or ended without a report. The process that runs each audit in a child of
//! its own makes this finding; looking at runs never does, since a run that hangs gives none.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// The audit of a script did not finish.
pub struct Timeout;

impl Timeout {
    /// The finding, with what happened to the audit.
    pub fn finding_for(message: String) -> Finding {
        Timeout.finding(message, None)
    }
}

impl Check for Timeout {
    fn code(&self) -> &'static str {
        "timeout"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "the script's audit did not finish in time or ended without a report"
    }
    fn check(&self, _input: &Input<'_>) -> Vec<Finding> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn the_finding_is_an_error_with_its_code() {
        let f = Timeout::finding_for("did not finish in 3 s".to_owned());
        assert_eq!(
            (f.code.as_str(), f.level, f.message.as_str()),
            ("timeout", Level::Error, "did not finish in 3 s")
        );
    }

    #[test]
    fn runs_never_give_it() {
        let f = findings(&Timeout, "while true do end", false);
        assert!(f.is_empty(), "{f:?}");
    }
}
