//! What Argo CD records as a resource's health, how it ranks health, and what it decides before
//! any check runs.

use crate::rule::{EvalContext, Health, Plan, Rule, Status};
use serde_json::Value;
use std::fmt;

/// The health Argo CD stores for a resource: a status, or none at all (the "empty status" a
/// script gets by returning nil, `{}` or a wrongly typed field), and a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Verdict {
    /// The status; `None` is the empty status.
    pub status: Option<Status>,
    /// The message (may be empty).
    pub message: String,
}

impl Verdict {
    /// The empty status Argo CD records when a script returns no usable health.
    pub fn empty() -> Verdict {
        Verdict {
            status: None,
            message: String::new(),
        }
    }

    /// The status as Argo CD writes it (`""` for the empty status).
    pub fn status_str(&self) -> &'static str {
        self.status.map_or("", Status::as_str)
    }

    /// How bad the verdict is, in Argo CD's order (see [`severity`]).
    pub fn severity(&self) -> Severity {
        severity(self.status)
    }
}

impl From<Health> for Verdict {
    fn from(h: Health) -> Verdict {
        Verdict {
            status: Some(h.status),
            message: h.message,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.status_str(), self.message)
    }
}

/// Argo CD's ranking of health (gitops-engine `IsWorse`), best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Healthy.
    Healthy,
    /// Suspended.
    Suspended,
    /// Progressing, or the empty status: both keep a sync wave waiting.
    Waiting,
    /// Missing.
    Missing,
    /// Degraded: fails a sync.
    Degraded,
    /// Unknown: the check could not decide.
    Unknown,
}

/// Ranks a status as Argo CD does. The empty status never makes an application look worse than
/// Healthy in Argo CD's aggregate, but it holds a sync wave for ever, so for a person (and a CI
/// gate) it ranks with Progressing.
pub fn severity(status: Option<Status>) -> Severity {
    match status {
        Some(Status::Healthy) => Severity::Healthy,
        Some(Status::Suspended) => Severity::Suspended,
        Some(Status::Progressing) | None => Severity::Waiting,
        Some(Status::Missing) => Severity::Missing,
        Some(Status::Degraded) => Severity::Degraded,
        Some(Status::Unknown) => Severity::Unknown,
    }
}

/// What Argo CD reports before any health check runs: an object being deleted is Progressing,
/// "Pending deletion", unless a sync hook's finalizer holds it (then its check still runs).
pub fn pre_check(obj: &Value) -> Option<Health> {
    use crate::rule::plan::member;
    let [meta, stamp] = super::paths::DELETION_TIMESTAMP;
    // Every object goes through here first: small maps are scanned, not hashed.
    let metadata = member(obj, meta)?;
    member(metadata, stamp).filter(|v| !v.is_null())?;
    let held_by_hook = member(metadata, "finalizers")
        .and_then(Value::as_array)
        .is_some_and(|f| {
            f.iter()
                .any(|x| x.as_str() == Some(super::paths::HOOK_FINALIZER))
        });
    (!held_by_hook).then(|| Health::new(Status::Progressing, "Pending deletion"))
}

/// The health Argo CD would record for `obj` with `rule` as its check: the pre-check first, then
/// the rule (what the emitted script returns). It compiles the rule for this one call; for many
/// objects, evaluate a catalog [`Entry`](crate::Entry)'s cached [`Entry::plan`](crate::Entry::plan)
/// or a [`Plan`] of your own.
pub fn evaluate(rule: &Rule, obj: &Value, ctx: &EvalContext) -> Health {
    pre_check(obj).unwrap_or_else(|| Plan::new(rule).evaluate(obj, ctx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deletion_is_pending_before_any_rule_runs() {
        let rule = Rule::named("always healthy")
            .otherwise(Status::Healthy, crate::rule::Message::text("fine"));
        let deleting = json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z"}});
        assert_eq!(
            evaluate(&rule, &deleting, &EvalContext::now()),
            Health::new(Status::Progressing, "Pending deletion")
        );
        let null_stamp = json!({"metadata": {"deletionTimestamp": null}});
        assert_eq!(
            evaluate(&rule, &null_stamp, &EvalContext::now()).status,
            Status::Healthy
        );
        let hook = json!({"metadata": {"deletionTimestamp": "2026-01-01T00:00:00Z",
                                       "finalizers": ["argocd.argoproj.io/hook-finalizer"]}});
        assert_eq!(
            evaluate(&rule, &hook, &EvalContext::now()).status,
            Status::Healthy
        );
    }

    #[test]
    fn severity_follows_argo_cd_and_empty_waits() {
        let order = [
            Some(Status::Healthy),
            Some(Status::Suspended),
            Some(Status::Progressing),
            Some(Status::Missing),
            Some(Status::Degraded),
            Some(Status::Unknown),
        ];
        for pair in order.windows(2) {
            assert!(severity(pair[0]) < severity(pair[1]), "{pair:?}");
        }
        assert_eq!(severity(None), severity(Some(Status::Progressing)));
    }
}
