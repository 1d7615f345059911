//! `too-slow`: an evaluation took more than half of Argo CD's one-second limit here; on a busy
//! controller it may hit the limit and be reported Unknown.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use std::time::Duration;

/// An evaluation slower than this is reported: Argo CD's limit is 1 s on its own machine.
const SLOW: Duration = Duration::from_millis(500);

/// An evaluation close to Argo CD's time limit.
pub struct TooSlow;

impl TooSlow {
    /// The finding for the slowest evaluation seen, if it is too slow.
    fn for_slowest(&self, slowest: Duration) -> Option<Finding> {
        (slowest > SLOW).then(|| {
            self.finding(
                format!(
                    "an evaluation took {} ms here; Argo CD stops a check after 1 s and reports Unknown",
                    slowest.as_millis()
                ),
                None,
            )
        })
    }
}

impl Check for TooSlow {
    fn code(&self) -> &'static str {
        "too-slow"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "an evaluation takes over 500 ms, close to Argo CD's 1 s limit"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        self.for_slowest(input.runs.slowest()).into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn over_half_a_second_is_found() {
        assert_eq!(
            TooSlow.for_slowest(Duration::from_millis(730)),
            Some(TooSlow.finding(
                "an evaluation took 730 ms here; Argo CD stops a check after 1 s and reports Unknown"
                    .to_owned(),
                None
            ))
        );
        assert_eq!(TooSlow.level(), Level::Error);
    }

    #[test]
    fn a_quick_script_is_not() {
        assert_eq!(TooSlow.for_slowest(SLOW), None);
        assert!(findings(&TooSlow, "return { status = \"Healthy\" }", false).is_empty());
    }
}
