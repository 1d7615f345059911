//! An Application's resources as Argo CD records them (`status.resources[]`, the running or last
//! `operationState.syncResult.resources[]`), each with its wave, phase and health: from the live
//! object when given, else from what Argo CD stored, else unknown.

use super::tree::{AppKey, Index};
use super::{
    AppNode, HealthFrom, HealthView, Operation, ResourceNode, ResourceRef, ResultView, WaveGroup,
};
use crate::argocd::sync::{self, SyncPhase, DEFAULT_WAVE};
use crate::argocd::Verdict;
use crate::catalog::Catalog;
use crate::health::{assess, Source};
use crate::rule::EvalContext;
use crate::rule::Status;
use serde_json::Value;
use std::collections::HashMap;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, k| v.get(k))
}

fn list<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn reference(entry: &Value) -> ResourceRef {
    ResourceRef {
        group: text(entry, "group").to_owned(),
        kind: text(entry, "kind").to_owned(),
        namespace: text(entry, "namespace").to_owned(),
        name: text(entry, "name").to_owned(),
    }
}

/// Whether a `status.resources[]` entry names a resource: an object with a kind and a name.
fn is_entry(e: &Value) -> bool {
    let named = |key: &str| {
        e.get(key)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    named("kind") && named("name")
}

/// The entries of `status.resources[]` that name a resource, with their identity.
pub(super) fn entries(app: &Value) -> Vec<(ResourceRef, &Value)> {
    list(app, &["status", "resources"])
        .iter()
        .filter(|e| is_entry(e))
        .map(|e| (reference(e), e))
        .collect()
}

/// What in an Application the rollout view cannot use and leaves out, one line each: no
/// `metadata.name`, a `status.resources` that is not a list, entries that name no resource.
/// Empty for anything that is not an Application.
pub fn malformed(obj: &Value) -> Vec<String> {
    let gk = crate::argocd::group_kind_of(obj);
    if !super::tree::is_app_kind(&gk.group, &gk.kind) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let name = at(obj, &["metadata", "name"]).and_then(Value::as_str);
    if name.is_none_or(str::is_empty) {
        out.push("an Application without metadata.name: left out".to_owned());
        return out;
    }
    match at(obj, &["status", "resources"]) {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, e) in items.iter().enumerate().filter(|(_, e)| !is_entry(e)) {
                let shown = crate::show::summarize(e);
                out.push(format!(
                    "status.resources[{i}] names no resource (needs kind and name): {shown}: \
                     left out"
                ));
            }
        }
        Some(_) => out.push("status.resources is not a list: left out".to_owned()),
    }
    out
}

impl ResourceNode {
    /// The resource's identity.
    pub fn reference(&self) -> ResourceRef {
        ResourceRef {
            group: self.group.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

impl HealthView {
    /// The verdict, when there is one (live or stored); `None` for no check and unknown.
    pub fn verdict(&self) -> Option<Verdict> {
        let status = self.status?;
        Some(Verdict {
            status: Status::parse(status),
            message: self.message.clone(),
        })
    }

    /// The status as text: Argo CD's, `empty status`, `no check` or `unknown`.
    pub fn label(&self) -> &'static str {
        match (self.from, self.status) {
            (HealthFrom::NoCheck, _) => "no check",
            (HealthFrom::Unknown, _) | (_, None) => "unknown",
            (_, Some("")) => "empty status",
            (_, Some(s)) => s,
        }
    }
}

/// What Argo CD would record for a live object.
pub(super) fn live_health(catalog: &Catalog, obj: &Value) -> HealthView {
    let a = assess(catalog, obj, &EvalContext::now());
    if let Source::NotEvaluated { .. } = a.source {
        // Argo CD checks the kind, but not here: unknown (never "no check"), as when the live
        // object is not given.
        return HealthView {
            status: None,
            message: a.verdict.map(|v| v.message).unwrap_or_default(),
            from: HealthFrom::Unknown,
            check: Some(a.source.label()),
        };
    }
    match a.verdict {
        Some(v) => HealthView {
            status: Some(v.status_str()),
            message: v.message,
            from: HealthFrom::Live,
            check: Some(a.source.label()),
        },
        None => HealthView {
            status: None,
            message: String::new(),
            from: HealthFrom::NoCheck,
            check: None,
        },
    }
}

/// `status.resources[].health` as Argo CD stored it; a status it would not write reads Unknown.
fn stored_health(entry: &Value) -> Option<HealthView> {
    let health = entry.get("health").filter(|h| h.is_object())?;
    let status = Status::parse(text(health, "status")).unwrap_or(Status::Unknown);
    Some(HealthView {
        status: Some(status.as_str()),
        message: text(health, "message").to_owned(),
        from: HealthFrom::Stored,
        check: None,
    })
}

fn unknown_health() -> HealthView {
    HealthView {
        status: None,
        message: "give the live object".to_owned(),
        from: HealthFrom::Unknown,
        check: None,
    }
}

fn result_view(r: &Value) -> ResultView {
    ResultView {
        status: text(r, "status").to_owned(),
        message: text(r, "message").to_owned(),
        hook_phase: text(r, "hookPhase").to_owned(),
        sync_phase: text(r, "syncPhase").to_owned(),
    }
}

/// The recorded results of the running or last sync, by resource; the last entry of a resource
/// wins (a hook run in two phases is recorded twice).
fn results(app: &Value) -> Vec<(ResourceRef, &Value)> {
    let path = ["status", "operationState", "syncResult", "resources"];
    let mut out: Vec<(ResourceRef, &Value)> = Vec::new();
    let mut at_index: HashMap<ResourceRef, usize> = HashMap::new();
    for r in list(app, &path).iter().filter(|r| r.is_object()) {
        let key = reference(r);
        match at_index.get(&key) {
            Some(&i) => {
                if let Some(slot) = out.get_mut(i) {
                    slot.1 = r;
                }
            }
            None => {
                at_index.insert(key.clone(), out.len());
                out.push((key, r));
            }
        }
    }
    out
}

/// The phase a resource runs in: a hook's from its annotation, else from what the sync recorded.
fn phase_of(hook: bool, live: Option<&Value>, result: Option<&Value>) -> SyncPhase {
    if !hook {
        return SyncPhase::Sync;
    }
    let recorded = result.and_then(|r| {
        SyncPhase::parse(text(r, "hookType")).or_else(|| SyncPhase::parse(text(r, "syncPhase")))
    });
    live.and_then(sync::hook_phase_of)
        .or(recorded)
        .unwrap_or(SyncPhase::Sync)
}

fn resource(
    r: ResourceRef,
    entry: Option<&Value>,
    result: Option<&Value>,
    index: &Index,
    catalog: &Catalog,
) -> ResourceNode {
    let live = index.live.get(&r).copied();
    let stored = entry.and_then(stored_health);
    let health = live
        .map(|obj| live_health(catalog, obj))
        .or_else(|| stored.clone())
        .unwrap_or_else(unknown_health);
    let stored = stored
        .and_then(|s| s.status)
        .filter(|s| live.is_some() && Some(*s) != health.status);
    let recorded_hook = result.is_some_and(|r| !text(r, "hookType").is_empty());
    let hook = entry.and_then(|e| e.get("hook")).and_then(Value::as_bool) == Some(true)
        || live.and_then(sync::hook_phase_of).is_some()
        || recorded_hook;
    let wave = entry
        .and_then(|e| e.get("syncWave"))
        .and_then(Value::as_i64)
        .or_else(|| live.map(sync::wave_of))
        .unwrap_or(DEFAULT_WAVE);
    ResourceNode {
        phase: phase_of(hook, live, result),
        sync: entry
            .map(|e| text(e, "status"))
            .unwrap_or_default()
            .to_owned(),
        hook,
        wave,
        health,
        stored,
        result: result.map(result_view),
        need: live.and_then(super::person::of_resource),
        group: r.group,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
    }
}

/// Every resource of `app`: those `status.resources[]` lists, then those only the sync recorded
/// (hooks deleted after they ran), grouped by phase and wave in the order Argo CD runs them.
fn waves(app: &Value, index: &Index, catalog: &Catalog) -> Vec<WaveGroup> {
    let results = results(app);
    let mut unused: HashMap<&ResourceRef, &Value> = results.iter().map(|(k, v)| (k, *v)).collect();
    let mut nodes = Vec::new();
    for (r, entry) in entries(app) {
        let result = unused.remove(&r);
        nodes.push(resource(r, Some(entry), result, index, catalog));
    }
    for (r, result) in &results {
        if unused.contains_key(r) {
            nodes.push(resource(r.clone(), None, Some(result), index, catalog));
        }
    }
    // Stable: within a wave, resources keep the order the Application lists them in.
    nodes.sort_by_key(|n| (n.phase, n.wave));
    let mut groups: Vec<WaveGroup> = Vec::new();
    for n in nodes {
        match groups.last_mut() {
            Some(g) if (g.phase, g.wave) == (n.phase, n.wave) => g.resources.push(n),
            _ => groups.push(WaveGroup {
                phase: n.phase,
                wave: n.wave,
                resources: vec![n],
            }),
        }
    }
    groups
}

fn operation(app: &Value) -> Option<Operation> {
    let state = at(app, &["status", "operationState"]).filter(|s| s.is_object())?;
    Some(Operation {
        phase: text(state, "phase").to_owned(),
        message: text(state, "message").to_owned(),
    })
}

/// An Application's node, without children or blockers yet.
pub(super) fn app_node(
    (namespace, name): &AppKey,
    wave: i64,
    app: &Value,
    index: &Index,
    catalog: &Catalog,
) -> AppNode {
    let mut node = AppNode {
        namespace: namespace.clone(),
        name: name.clone(),
        wave,
        sync: at(app, &["status", "sync", "status"])
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        operation: operation(app),
        health: live_health(catalog, app),
        current: None,
        blocker: None,
        waves: waves(app, index, catalog),
        children: Vec::new(),
        hazard: None,
    };
    node.hazard = super::hazard::missing_while_healthy(&node, app, catalog);
    node
}
