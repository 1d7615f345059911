//! What an evaluation may read besides the object.

use std::time::SystemTime;

/// What an evaluation may read besides the object: the current time, for the predicates on
/// ages and deadlines to come (a field older than N minutes). Passing one to every evaluation
/// now means such a predicate adds no parameter later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalContext {
    /// The time the evaluation takes as now.
    pub now: SystemTime,
}

impl EvalContext {
    /// A context whose time is the system clock's now.
    pub fn now() -> EvalContext {
        EvalContext::at(SystemTime::now())
    }

    /// A context whose time is `now`: tests and replays of saved objects fix it.
    pub fn at(now: SystemTime) -> EvalContext {
        EvalContext { now }
    }
}

impl Default for EvalContext {
    fn default() -> EvalContext {
        EvalContext::now()
    }
}
