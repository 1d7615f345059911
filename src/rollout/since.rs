//! Since when a blocker has held its rollout, read from what the cluster recorded (the blocking
//! condition's `lastTransitionTime`, a hook's `startTime`, the sync's `startedAt`), so a watch
//! started late still says how long the wave has waited.

use super::Blocker;
use crate::argocd::windows::parse_utc;
use serde_json::Value;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// The group of an object's `apiVersion` (`""` for the core group).
fn group_of(obj: &Value) -> &str {
    text(obj, "apiVersion")
        .rsplit_once('/')
        .map_or("", |(g, _)| g)
}

/// The object `objects` holds with this group, kind, namespace and name.
fn find<'a>(
    objects: &'a [Value],
    group: &str,
    kind: &str,
    ns: &str,
    name: &str,
) -> Option<&'a Value> {
    objects.iter().find(|o| {
        let meta = &o["metadata"];
        text(o, "kind") == kind
            && group_of(o) == group
            && text(meta, "name") == name
            && (ns.is_empty() || text(meta, "namespace") == ns)
    })
}

/// When the live object began to hold: the earliest `lastTransitionTime` of the conditions the
/// blocker's message quotes (the verdict was read from them), else of a `Ready` condition that
/// is not True, else its `status.startTime` (a hook's Job or Pod).
fn object_since(obj: &Value, message: &str) -> Option<i64> {
    let conditions = obj["status"]["conditions"].as_array();
    let time = |c: &Value| parse_utc(text(c, "lastTransitionTime"));
    let quoted = conditions
        .into_iter()
        .flatten()
        .filter(|c| !text(c, "message").is_empty() && message.contains(text(c, "message")))
        .filter_map(time)
        .min();
    let ready = || {
        conditions
            .into_iter()
            .flatten()
            .find(|c| text(c, "type") == "Ready" && text(c, "status") != "True")
            .and_then(time)
    };
    quoted
        .or_else(ready)
        .or_else(|| parse_utc(text(&obj["status"], "startTime")))
}

/// Since when (seconds since the Unix epoch, UTC) `blocker` has held its Application's sync:
/// from the live object when it dates its state, never before the sync's `startedAt` (a wave
/// cannot wait before its sync reached it), else from `startedAt` alone. `None` when nothing
/// in `objects` dates it.
pub fn blocked_since(objects: &[Value], blocker: &Blocker) -> Option<i64> {
    let (app_ns, app_name) = blocker.app.split_once('/').unwrap_or(("", &blocker.app));
    let app = find(objects, "argoproj.io", "Application", app_ns, app_name);
    let started = app.and_then(|a| parse_utc(text(&a["status"]["operationState"], "startedAt")));
    let object = blocker.resource.as_ref().and_then(|r| {
        let live = find(objects, &r.group, &r.kind, &r.namespace, &r.name)?;
        object_since(live, &blocker.message)
    });
    match (object, started) {
        (Some(o), Some(s)) => Some(o.max(s)),
        (o, s) => o.or(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollout::{BlockerKind, ResourceRef, SyncPhase};
    use serde_json::json;

    fn blocker(resource: Option<ResourceRef>, message: &str) -> Blocker {
        Blocker {
            kind: BlockerKind::Waits,
            app: "openshift-gitops/ibm-mas-suite".to_owned(),
            phase: SyncPhase::Sync,
            wave: Some(130),
            resource,
            hook: false,
            status: "Progressing".to_owned(),
            message: message.to_owned(),
            reason: String::new(),
            need: None,
            unknown: false,
        }
    }

    fn suite_ref() -> ResourceRef {
        ResourceRef {
            group: "core.mas.ibm.com".to_owned(),
            kind: "Suite".to_owned(),
            namespace: "mas-inst1-core".to_owned(),
            name: "inst1".to_owned(),
        }
    }

    fn app(started: &str) -> Value {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "ibm-mas-suite", "namespace": "openshift-gitops"},
            "status": {"operationState": {"phase": "Running", "startedAt": started}}})
    }

    fn suite(conditions: Value) -> Value {
        json!({"apiVersion": "core.mas.ibm.com/v1", "kind": "Suite",
            "metadata": {"name": "inst1", "namespace": "mas-inst1-core"},
            "status": {"conditions": conditions}})
    }

    const MESSAGE: &str = "waiting for Ready: SystemDatabaseReady is not True: waiting for \
        MongoCfg inst1-system to report Ready";

    #[test]
    fn the_quoted_condition_dates_the_blocker() {
        let objects = [
            app("2026-11-30T09:02:10Z"),
            suite(json!([
                {"type": "Ready", "status": "False", "lastTransitionTime": "2026-11-30T09:30:00Z",
                 "message": "SystemDatabaseReady is not True: waiting for MongoCfg inst1-system to report Ready"},
                {"type": "SystemDatabaseReady", "status": "False",
                 "lastTransitionTime": "2026-11-30T09:31:00Z",
                 "message": "waiting for MongoCfg inst1-system to report Ready"},
                {"type": "Failure", "status": "False", "lastTransitionTime": "2026-11-30T08:00:00Z",
                 "message": ""}])),
        ];
        let b = blocker(Some(suite_ref()), MESSAGE);
        assert_eq!(
            blocked_since(&objects, &b),
            parse_utc("2026-11-30T09:30:00Z")
        );
    }

    #[test]
    fn a_condition_older_than_the_sync_counts_from_the_sync() {
        let objects = [
            app("2026-11-30T09:02:10Z"),
            suite(json!([{"type": "Ready", "status": "False",
                "lastTransitionTime": "2026-11-29T17:00:00Z", "message": "not yet"}])),
        ];
        let b = blocker(Some(suite_ref()), "waiting for Ready: not yet");
        assert_eq!(
            blocked_since(&objects, &b),
            parse_utc("2026-11-30T09:02:10Z")
        );
    }

    #[test]
    fn a_ready_condition_dates_a_message_that_quotes_none() {
        let objects = [
            app("2026-11-30T09:02:10Z"),
            suite(json!([{"type": "Ready", "status": "False",
                "lastTransitionTime": "2026-11-30T09:10:00Z", "message": "installing"}])),
        ];
        let b = blocker(Some(suite_ref()), "waiting for the operator");
        assert_eq!(
            blocked_since(&objects, &b),
            parse_utc("2026-11-30T09:10:00Z")
        );
    }

    #[test]
    fn without_a_dated_object_the_sync_start_dates_it() {
        let objects = [app("2026-11-30T09:02:10Z")];
        let b = blocker(Some(suite_ref()), MESSAGE);
        assert_eq!(
            blocked_since(&objects, &b),
            parse_utc("2026-11-30T09:02:10Z")
        );
        assert_eq!(blocked_since(&[], &b), None);
        let own = blocker(None, "waiting");
        assert_eq!(
            blocked_since(&objects, &own),
            parse_utc("2026-11-30T09:02:10Z")
        );
    }
}
