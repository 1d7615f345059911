//! Rules as data: the model and its builders, the native evaluator, and the Lua emitter.
//!
//! Everything here is pure: no IO, no Lua interpreter, only serde and serde_json.

pub mod emit;
pub mod eval;
mod model;
pub mod plan;

pub use emit::emit;
pub use eval::evaluate_rule;
pub use model::*;
pub use plan::Plan;
