//! What Argo CD would say about any object, and where the answer comes from: the pre-check for
//! objects being deleted, then a catalog rule (what argocd-cm would hold), then Argo CD's own
//! built-in checks, else no check at all.

use crate::argocd::{self, builtin, GroupKind, Verdict};
use crate::catalog::Catalog;
use crate::rule::EvalContext;
use serde_json::Value;
use std::sync::Arc;

/// Where a verdict comes from, in Argo CD's order of precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Argo CD decided before any check ran (an object being deleted).
    PreCheck,
    /// A rule of the catalog, as argocd-cm would hold it.
    Catalog {
        /// The key it is held under (`group/Kind` or a wildcard).
        key: Arc<str>,
        /// The rule's name.
        rule: Arc<str>,
    },
    /// A check built into Argo CD (Go code in gitops-engine, or a Lua script it ships).
    BuiltIn {
        /// What Argo CD's check is, e.g. "gitops-engine (Go)" or the script's folder.
        name: String,
    },
    /// Argo CD has a built-in Lua check for the kind that this crate does not evaluate without
    /// the scripts (`--argocd-builtins DIR`): the verdict is Unknown.
    NotEvaluated {
        /// The resource_customizations folder (`group/Kind`, `_` for `*`).
        folder: &'static str,
    },
    /// No check at all: Argo CD records no health, and a sync wave treats it as healthy at once.
    NoCheck,
}

impl Source {
    /// A short label for text output: `rule KEY`, `built-in NAME`, `pre-check`, `no check`.
    pub fn label(&self) -> String {
        match self {
            Source::PreCheck => "pre-check".to_owned(),
            Source::Catalog { key, .. } => format!("rule {key}"),
            Source::BuiltIn { name } => format!("built-in {name}"),
            Source::NotEvaluated { folder } => {
                format!("built-in resource_customizations/{folder}, not evaluated")
            }
            Source::NoCheck => "no check".to_owned(),
        }
    }
}

/// A verdict and where it comes from; `verdict` is `None` exactly when `source` is
/// [`Source::NoCheck`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// What Argo CD records, if it has a check for the object.
    pub verdict: Option<Verdict>,
    /// Where the verdict comes from.
    pub source: Source,
}

/// What Argo CD would record for `obj`, with `catalog` as the checks in argocd-cm. As in
/// gitops-engine, an object being deleted is "Pending deletion" whether or not it has a check.
/// A catalog rule is evaluated through its entry's cached [`Plan`](crate::Plan).
pub fn assess(catalog: &Catalog, obj: &Value, ctx: &EvalContext) -> Assessment {
    let found = |verdict: Verdict, source: Source| Assessment {
        verdict: Some(verdict),
        source,
    };
    if let Some(h) = argocd::pre_check(obj) {
        return found(h.into(), Source::PreCheck);
    }
    // Read in place: nothing is allocated to find the entry.
    let text = |k: &str| {
        crate::rule::plan::member(obj, k)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (group, kind) = (argocd::group_of(text("apiVersion")), text("kind"));
    if let Some((entry, labels)) = catalog.lookup_labelled(group, kind) {
        let source = Source::Catalog {
            key: Arc::clone(&labels.key),
            rule: Arc::clone(&labels.rule),
        };
        return found(entry.plan().evaluate(obj, ctx).into(), source);
    }
    let gk = GroupKind::new(group, kind);
    match catalog.argocd().answer(&gk, obj) {
        builtin::Answer::Verdict(v, name) => found(v, Source::BuiltIn { name }),
        builtin::Answer::NotEvaluated(folder) => {
            found(not_evaluated(&gk), Source::NotEvaluated { folder })
        }
        builtin::Answer::None => Assessment {
            verdict: None,
            source: Source::NoCheck,
        },
    }
}

/// The Unknown verdict for a kind whose built-in Lua check is not evaluated here.
pub fn not_evaluated(gk: &GroupKind) -> Verdict {
    let message = format!(
        "Argo CD has a built-in check for {gk} (not evaluated: give --argocd-builtins DIR)"
    );
    crate::rule::Health::new(crate::rule::Status::Unknown, message).into()
}
