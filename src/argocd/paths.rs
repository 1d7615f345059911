//! Object paths Argo CD and the operators give meaning to. A leaf: it uses nothing of ours, so
//! the rule layer can read it without reaching up into the rest of `argocd`.

/// The conditions array most operators write, `status.conditions`.
pub const CONDITIONS: [&str; 2] = ["status", "conditions"];

/// Set on an object being deleted; Argo CD then reports it before any check runs.
pub const DELETION_TIMESTAMP: [&str; 2] = ["metadata", "deletionTimestamp"];

/// The finalizer Argo CD puts on sync hooks; a hook being deleted keeps its health check.
pub const HOOK_FINALIZER: &str = "argocd.argoproj.io/hook-finalizer";
