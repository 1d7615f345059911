//! `touches-machine`: while evaluating health the script called a function that touches the
//! machine (`os.execute`, `io.open`, `dofile`, `require` of a file, loading bytecode). The
//! sandbox recorded the call instead of running it.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// A call that touches the machine.
pub struct TouchesMachine;

impl Check for TouchesMachine {
    fn code(&self) -> &'static str {
        "touches-machine"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "calls os.execute, io.*, dofile, require of a file or loads bytecode while evaluating health"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let mut calls: Vec<&str> = Vec::new();
        for (_, r) in input.runs.ran() {
            for c in &r.calls {
                if !calls.contains(&c.as_str()) {
                    calls.push(c);
                }
            }
        }
        calls
            .into_iter()
            .map(|c| {
                self.finding(
                    format!("called {c} while evaluating health (recorded, not run)"),
                    None,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn each_distinct_call_is_one_finding_in_order() {
        let script = "os.execute(\"true\")\nos.execute(\"true\")\nlocal m = require(\"payload\")\n\
                      return { status = \"Healthy\" }";
        let messages: Vec<String> = findings(&TouchesMachine, script, true)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            [
                "called os.execute while evaluating health (recorded, not run)",
                "called require(\"payload\") while evaluating health (recorded, not run)",
            ]
        );
    }

    #[test]
    fn a_call_on_a_branch_no_state_reaches_is_not_found() {
        let script = "if obj.never_there_at_all == 42 then os.execute(\"true\") end\n\
                      return { status = \"Healthy\" }";
        assert!(findings(&TouchesMachine, script, true).is_empty());
    }
}
