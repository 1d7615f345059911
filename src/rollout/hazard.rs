//! Argo CD 3.4's missing-resource hazard: since #25962 an Application's health skips resources
//! that have no live object (unless all are missing), so a child whose custom resource failed
//! to apply can read Healthy and open its parent's wave gate early (#27917; the fix, #28066, is
//! not merged). Up to 3.3 such a resource made the Application Missing when its kind has a
//! health check; kinds without one never counted, so only those with a check are named.

use super::{AppNode, HealthFrom, ResourceNode};
use crate::argocd::builtin::{probe, ArgoVersion};
use crate::argocd::GroupKind;
use crate::catalog::Catalog;
use crate::health::{assess, Source};
use crate::rule::Status;
use serde_json::Value;

/// The first version whose Application health ignores missing resources.
const FIRST_AFFECTED: ArgoVersion = ArgoVersion::V3_4;

/// The warning for `node` (read from `app`) when Argo CD reports it Healthy
/// (`status.health.status`, what any Application check reads) while a resource with a health
/// check is missing: `status.resources` says OutOfSync and no live object stands for it (Argo CD
/// stored Missing, or live objects of the Application were given without it), or the last sync
/// failed on it.
pub(super) fn missing_while_healthy(
    node: &AppNode,
    app: &Value,
    catalog: &Catalog,
) -> Option<String> {
    let version = catalog.argocd().version;
    let reported = app.pointer("/status/health/status").and_then(Value::as_str);
    if version < FIRST_AFFECTED || reported != Some(Status::Healthy.as_str()) {
        return None;
    }
    let resources: Vec<&ResourceNode> = node.waves.iter().flat_map(|w| &w.resources).collect();
    let live_given = resources.iter().any(|r| r.health.from == HealthFrom::Live);
    let missing = resources
        .iter()
        .filter(|r| !r.hook && is_missing(r, live_given) && has_check(r, catalog))
        .map(|r| format!("{}/{} {}", r.group, r.kind, name_of(r)))
        .collect::<Vec<_>>();
    let first = missing.first()?;
    let more = match missing.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let affected: Vec<&str> = ArgoVersion::ALL
        .iter()
        .filter(|v| **v >= FIRST_AFFECTED)
        .map(|v| v.name())
        .collect();
    Some(format!(
        "Argo CD reports it Healthy although {first}{more} is missing: Argo CD {} leave missing \
         resources out of an Application's health (argo-cd #27917), so its parent's wave may \
         move on early",
        affected.join(", ")
    ))
}

fn name_of(r: &ResourceNode) -> String {
    if r.namespace.is_empty() {
        r.name.clone()
    } else {
        format!("{}/{}", r.namespace, r.name)
    }
}

fn is_missing(r: &ResourceNode, live_given: bool) -> bool {
    let failed = r
        .result
        .as_ref()
        .is_some_and(|x| crate::argocd::sync::result_failed(&x.status));
    let no_live = r.health.from != HealthFrom::Live;
    let stored_missing =
        r.health.from == HealthFrom::Stored && r.health.status == Some(Status::Missing.as_str());
    failed || (r.sync == "OutOfSync" && no_live && (stored_missing || live_given))
}

/// Whether Argo CD has a check for the resource's kind (a rule or a built-in): only then did a
/// missing one make the Application Missing before 3.4.
fn has_check(r: &ResourceNode, catalog: &Catalog) -> bool {
    let probe = probe(&GroupKind::new(&r.group, &r.kind));
    assess(catalog, &probe, &crate::rule::EvalContext::now()).source != Source::NoCheck
}
