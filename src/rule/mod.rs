//! Rules as data: the model and its builders, the native evaluator, and the Lua emitter.
//!
//! Everything here is pure: no IO, no Lua interpreter, only serde and serde_json.

mod context;
pub mod emit;
pub mod eval;
mod explain;
mod model;
pub mod plan;
pub(crate) mod strings;

pub use context::EvalContext;
pub use emit::emit;
#[cfg(any(test, feature = "testkit"))]
pub use eval::evaluate_rule;
pub use explain::{explain, Explanation};
pub use model::*;
pub use plan::{Decision, Plan};
