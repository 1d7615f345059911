//! mas-health: Argo CD health checks for IBM Maximo Application Suite and app of apps, written
//! once as data, evaluated natively, and emitted as Lua 5.1 for Argo CD.
//!
//! Data flows one way: [`catalog`] rules are [`model`] values; [`eval`] runs them natively,
//! [`emit`] turns them into Lua; [`runtime`] runs any Lua as Argo CD does; [`fixtures`] reads
//! Argo CD's test layout.

pub mod audit;
pub mod catalog;
pub mod emit;
pub mod eval;
pub mod fixtures;
pub mod gopher;
pub mod input;
pub mod lua_check;
pub mod model;
pub mod output;
pub mod runtime;
pub mod states;
