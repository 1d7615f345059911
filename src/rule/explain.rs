//! How a rule reached its verdict on one object: the clause that decided and every value the
//! rule read, as `mas-health explain` prints them. The plan decides and reports its reads, so
//! what is explained is what every command evaluates.

use super::context::EvalContext;
use super::eval;
use super::model::{Health, Path};
use super::plan::Plan;
use serde_json::Value;

/// How a rule reached its verdict on one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation<'p, 'v> {
    /// The verdict.
    pub health: Health,
    /// The index in the rule's clauses of the clause that decided; `None` when the default
    /// applied.
    pub clause: Option<usize>,
    /// Every field the rule reads, with its value as a script sees it (`None`: absent or null).
    pub fields: Vec<(&'p Path, Option<&'v Value>)>,
    /// The conditions in the order the object lists them, as a script iterates them: each one's
    /// `type`, `status`, `reason` and `message`. Empty when the rule reads no condition.
    pub conditions: Vec<[Option<&'v Value>; 4]>,
}

/// Explains `plan` on `obj` (without Argo CD's pre-check for objects being deleted, as
/// [`Plan::evaluate`]).
pub fn explain<'p, 'v>(plan: &'p Plan, obj: &'v Value, ctx: &EvalContext) -> Explanation<'p, 'v> {
    let (decision, fields) = plan.decide_reading(obj, ctx);
    let conditions = if plan.reads_conditions() {
        let f = |c: &'v Value, k: &str| eval::field(c, k);
        eval::conditions(obj)
            .map(|c| {
                [
                    f(c, "type"),
                    f(c, "status"),
                    f(c, "reason"),
                    f(c, "message"),
                ]
            })
            .collect()
    } else {
        Vec::new()
    };
    Explanation {
        health: decision.health,
        clause: decision.clause,
        fields,
        conditions,
    }
}
