//! Object paths Argo CD and the operators give meaning to. The conditions path is defined with
//! the rule model, which reads it: the rule layer never reaches up into `argocd`.

pub use crate::rule::CONDITIONS;

/// Set on an object being deleted; Argo CD then reports it before any check runs.
pub const DELETION_TIMESTAMP: [&str; 2] = ["metadata", "deletionTimestamp"];

/// The finalizer Argo CD puts on sync hooks; a hook being deleted keeps its health check.
pub const HOOK_FINALIZER: &str = "argocd.argoproj.io/hook-finalizer";
