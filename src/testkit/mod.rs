//! Helpers for testing rules and scripts, below every layer that uses them: the resource states
//! generated for a rule (what the API server could hand a script) and a strict Lua 5.1 reader.
//! The audit builds on both; core tests use them with the `testkit` feature.

pub mod lua_check;
pub mod states;

pub use lua_check::{closed_library_uses, parse_lua51, CLOSED_LIBRARIES};
pub use states::{any_json, objects_for, states_for, Vocabulary};
