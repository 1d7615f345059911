//! Argo CD's vocabulary and behaviour: keys and their precedence, config keys, the conditions
//! path, the verdict Argo CD records and how it ranks health, and the pre-check for objects
//! being deleted. With the `runtime` feature, the Lua runtime and the health_test.yaml harness.

pub mod builtin;
mod health;
pub mod keys;
pub mod paths;
pub mod sync;
pub mod windows;

#[cfg(feature = "yaml")]
pub mod harness;
#[cfg(feature = "runtime")]
pub mod runtime;

pub use health::{evaluate, pre_check, severity, Severity, Verdict};
pub use keys::{glob, group_kind_of, group_of, GroupKind};
pub use paths::CONDITIONS;
