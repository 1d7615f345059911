//! When only a person can move a rollout on, what they must do: an Application that cannot
//! render, whose sync failed for good, that is OutOfSync with no automated sync, or whose sync a
//! sync window holds; a Subscription or InstallPlan waiting for manual approval; a hook that
//! failed. Read from the fields Argo CD (`Application`, `AppProject`) and OLM (`Subscription`,
//! `InstallPlan`) write, never guessed from health messages.

use super::{AppNode, Blocker, BlockerKind, Need, SyncPhase};
use crate::argocd::group_kind_of;
use crate::argocd::windows::{self, Verdict, Window};
use serde_json::Value;

/// OLM's API group.
const OLM: &str = "operators.coreos.com";
/// What Argo CD's controller writes into a running operation a sync window holds
/// (controller/sync.go).
const WINDOW_MESSAGE: &str = "Sync operation blocked by sync window";

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `word` as one shell word: as is when it holds only characters a Kubernetes name may, else in
/// single quotes, so a pasted command never runs what a hostile name carries.
pub(super) fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/');
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The `argocd` command that starts a sync of `namespace/name`.
fn sync_command(app: &str) -> String {
    format!("argocd app sync {}", shell_word(app))
}

/// The `oc patch` that approves an InstallPlan.
fn approve_command(namespace: &str, name: &str) -> String {
    format!(
        "oc patch installplan {} -n {} --type merge -p '{{\"spec\":{{\"approved\":true}}}}'",
        shell_word(name),
        shell_word(namespace)
    )
}

/// The InstallPlan a Subscription waits on for manual approval (`InstallPlanPending` True with
/// reason `RequiresApproval`), as `(namespace, name)`; the name is empty when OLM recorded none.
fn subscription_approval(obj: &Value) -> Option<(String, String)> {
    let conditions = obj
        .pointer("/status/conditions")
        .and_then(Value::as_array)?;
    let pending = conditions.iter().any(|c| {
        text(c, &["type"]) == "InstallPlanPending"
            && text(c, &["status"]) == "True"
            && text(c, &["reason"]) == "RequiresApproval"
    });
    if !pending {
        return None;
    }
    let own = text(obj, &["metadata", "namespace"]);
    let by_ref = text(obj, &["status", "installPlanRef", "name"]);
    let name = if by_ref.is_empty() {
        text(obj, &["status", "installplan", "name"])
    } else {
        by_ref
    };
    let namespace = match text(obj, &["status", "installPlanRef", "namespace"]) {
        "" => own,
        ns => ns,
    };
    Some((namespace.to_owned(), name.to_owned()))
}

/// Whether an InstallPlan waits for a person: `spec.approval: Manual`, not yet approved, and not
/// finished (OLM sets `status.phase: RequiresApproval` then).
fn install_plan_waits(obj: &Value) -> bool {
    let approved = obj.pointer("/spec/approved").and_then(Value::as_bool) == Some(true);
    let phase = text(obj, &["status", "phase"]);
    text(obj, &["spec", "approval"]) == "Manual"
        && !approved
        && !matches!(phase, "Complete" | "Failed")
}

/// What a person must do for a live object that waits on them: approve an InstallPlan.
pub(super) fn of_resource(obj: &Value) -> Option<Need> {
    let gk = group_kind_of(obj);
    if gk.group != OLM {
        return None;
    }
    let (namespace, name, problem) = match gk.kind.as_str() {
        "Subscription" => {
            let (ns, name) = subscription_approval(obj)?;
            let problem = if name.is_empty() {
                "waits for manual approval of its InstallPlan".to_owned()
            } else {
                format!("waits for manual approval of InstallPlan {ns}/{name}")
            };
            (ns, name, problem)
        }
        "InstallPlan" if install_plan_waits(obj) => {
            let ns = text(obj, &["metadata", "namespace"]).to_owned();
            let name = text(obj, &["metadata", "name"]).to_owned();
            (ns, name, "waits for manual approval".to_owned())
        }
        _ => return None,
    };
    let action = if name.is_empty() {
        format!(
            "find it with `oc get installplan -n {}` and approve it: {}",
            shell_word(&namespace),
            approve_command(&namespace, "NAME")
        )
    } else {
        format!("approve it: {}", approve_command(&namespace, &name))
    };
    Some(Need { problem, action })
}

/// What a person must do after a hook failed in `app` (`namespace/name`).
pub(super) fn hook_failed(app: &str) -> Need {
    Need {
        problem: "failed".to_owned(),
        action: format!(
            "fix what the hook reports, then sync again: {}",
            sync_command(app)
        ),
    }
}

/// How early an Application's own need shows: before everything its resources do, or only
/// before what merely waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rank {
    /// Nothing else matters until it is fixed (it cannot render).
    First,
    /// A resource that failed says more; one that waits says less.
    BeforeWaits,
}

fn blocker(node: &AppNode, status: String, message: String, reason: &str, need: Need) -> Blocker {
    Blocker {
        kind: BlockerKind::NeedsPerson,
        app: format!("{}/{}", node.namespace, node.name),
        phase: SyncPhase::Sync,
        wave: None,
        resource: None,
        hook: false,
        status,
        message,
        reason: reason.to_owned(),
        need: Some(need),
        unknown: false,
    }
}

/// The first `ComparisonError` or `InvalidSpecError` condition not explicitly False (Argo CD
/// writes Application conditions without a status).
fn render_error(app: &Value) -> Option<&Value> {
    let conditions = app
        .pointer("/status/conditions")
        .and_then(Value::as_array)?;
    conditions.iter().find(|c| {
        matches!(text(c, &["type"]), "ComparisonError" | "InvalidSpecError")
            && text(c, &["status"]) != "False"
    })
}

/// Whether `spec.syncPolicy.automated` is set and not disabled (`enabled: false`, Argo CD 3.x),
/// as `SyncPolicy.IsAutomatedSyncEnabled` decides.
fn automated(app: &Value) -> Result<(), &'static str> {
    match app.pointer("/spec/syncPolicy/automated") {
        None | Some(Value::Null) => Err("it has no automated sync policy"),
        Some(a) if a.get("enabled").and_then(Value::as_bool) == Some(false) => {
            Err("its automated sync is disabled (automated.enabled: false)")
        }
        Some(_) => Ok(()),
    }
}

/// What the Application itself needs from a person, if anything, and how early it shows.
pub(super) fn of_application(
    node: &AppNode,
    app: &Value,
    project: Option<&Value>,
    now: i64,
) -> Option<(Rank, Blocker)> {
    let id = format!("{}/{}", node.namespace, node.name);
    if let Some(c) = render_error(app) {
        let kind = text(c, &["type"]);
        let problem = if kind == "InvalidSpecError" {
            "has an invalid spec"
        } else {
            "cannot render its manifests"
        };
        let need = Need {
            problem: problem.to_owned(),
            action: format!(
                "fix its source or spec as the message says, then refresh it: oc annotate \
                 application {} -n {} argocd.argoproj.io/refresh=hard --overwrite",
                shell_word(&node.name),
                shell_word(&node.namespace)
            ),
        };
        let reason = "Argo CD cannot compare or sync it until its manifests render";
        let b = blocker(
            node,
            kind.to_owned(),
            text(c, &["message"]).to_owned(),
            reason,
            need,
        );
        return Some((Rank::First, b));
    }
    let b = failed_sync(node, app, &id)
        .or_else(|| held_by_window(node, app, project, &id))
        .or_else(|| window_holds_automated(node, app, project, now))
        .or_else(|| out_of_sync(node, app, &id))?;
    Some((Rank::BeforeWaits, b))
}

/// A sync that ended Failed or Error: Argo CD retried it as often as `retry.limit` allows (a
/// retry shows as Running), and automated sync does not retry the same revision.
fn failed_sync(node: &AppNode, app: &Value, id: &str) -> Option<Blocker> {
    let op = node.operation.as_ref()?;
    let requested = app.get("operation").is_some_and(|o| !o.is_null());
    if !crate::argocd::sync::operation_failed(&op.phase) || requested {
        return None;
    }
    let retries = app
        .pointer("/status/operationState/retryCount")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let problem = match retries {
        0 => "failed to sync and is not retried".to_owned(),
        1 => "failed to sync after 1 retry".to_owned(),
        n => format!("failed to sync after {n} retries"),
    };
    let need = Need {
        problem,
        action: format!(
            "fix the cause the message names, then sync again: {}",
            sync_command(id)
        ),
    };
    let reason = "a failed sync is not retried once its retries are spent, and automated sync \
                  does not retry the same revision";
    Some(blocker(
        node,
        format!("sync {}", op.phase),
        op.message.clone(),
        reason,
        need,
    ))
}

/// Argo CD's glob (`*`, `?`) as sync windows use it for applications, namespaces and clusters.
fn glob(pattern: &str, name: &str) -> bool {
    crate::argocd::keys::glob(pattern, name)
}

/// The windows of `project` that name `app` (by application name, destination namespace or
/// cluster; Argo CD's `SyncWindows.Matches`, without `andOperator`).
fn matching<'a>(project: Option<&'a Value>, app: &Value) -> Vec<&'a Value> {
    let Some(list) = project
        .and_then(|p| p.pointer("/spec/syncWindows"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let name = text(app, &["metadata", "name"]);
    let namespace = text(app, &["spec", "destination", "namespace"]);
    let server = text(app, &["spec", "destination", "server"]);
    let cluster = text(app, &["spec", "destination", "name"]);
    let names = |w: &Value, key: &str, values: &[&str]| {
        w.get(key).and_then(Value::as_array).is_some_and(|ps| {
            ps.iter()
                .filter_map(Value::as_str)
                .any(|p| values.iter().any(|v| !v.is_empty() && glob(p, v)))
        })
    };
    list.iter()
        .filter(|w| {
            names(w, "applications", &[name])
                || names(w, "namespaces", &[namespace])
                || names(w, "clusters", &[server, cluster])
        })
        .collect()
}

fn window(w: &Value) -> Window<'_> {
    Window {
        kind: text(w, &["kind"]),
        schedule: text(w, &["schedule"]),
        duration: text(w, &["duration"]),
        time_zone: text(w, &["timeZone"]),
    }
}

/// The windows of `project` that name `app`, each as `deny '0 22 * * *' for 8h`, and whether
/// it allows a sync by hand.
fn windows(project: Option<&Value>, app: &Value) -> Vec<(String, bool)> {
    matching(project, app)
        .into_iter()
        .map(|w| {
            let manual = w.get("manualSync").and_then(Value::as_bool) == Some(true);
            let line = format!(
                "{} '{}' for {}{}",
                text(w, &["kind"]),
                text(w, &["schedule"]),
                text(w, &["duration"]),
                if manual { " (manual sync allowed)" } else { "" }
            );
            (line, manual)
        })
        .collect()
}

/// The action for a sync a window holds: a sync by hand where a window allows one.
fn window_action(found: &[(String, bool)], id: &str) -> String {
    if found.iter().any(|(_, manual)| *manual) {
        format!(
            "wait until the window allows syncs, or sync by hand (the window allows manual \
             syncs): {}",
            sync_command(id)
        )
    } else {
        "wait until the window allows syncs, or ask the AppProject's owner to change its \
         syncWindows"
            .to_owned()
    }
}

/// An automated sync that a sync window of the project holds at `now`: Argo CD only logs
/// "Sync prevented by sync window", so this is read from the AppProject, when given.
fn window_holds_automated(
    node: &AppNode,
    app: &Value,
    project: Option<&Value>,
    now: i64,
) -> Option<Blocker> {
    let found = matching(project, app);
    if node.sync != "OutOfSync"
        || found.is_empty()
        || automated(app).is_err()
        || in_flight(node, app)
    {
        return None;
    }
    let list: Vec<Window> = found.into_iter().map(window).collect();
    let Verdict::Blocked(which) = windows::automated_sync(&list, now) else {
        return None;
    };
    let id = format!("{}/{}", node.namespace, node.name);
    let need = Need {
        problem: "is OutOfSync and a sync window holds its automated sync".to_owned(),
        action: window_action(&windows(project, app), &id),
    };
    let reason = "Argo CD does not start an automated sync while a sync window denies it";
    Some(blocker(
        node,
        "OutOfSync".to_owned(),
        format!("sync windows: {}", which.join(", ")),
        reason,
        need,
    ))
}

/// Whether a sync is running or requested.
fn in_flight(node: &AppNode, app: &Value) -> bool {
    let requested = app.get("operation").is_some_and(|o| !o.is_null());
    let running = node
        .operation
        .as_ref()
        .is_some_and(|o| crate::argocd::sync::operation_running(&o.phase));
    requested || running
}

/// A sync that Argo CD holds because a sync window forbids it now (the controller keeps the
/// operation Running with [`WINDOW_MESSAGE`]).
fn held_by_window(
    node: &AppNode,
    app: &Value,
    project: Option<&Value>,
    id: &str,
) -> Option<Blocker> {
    let op = node.operation.as_ref()?;
    if !op.message.starts_with(WINDOW_MESSAGE) {
        return None;
    }
    let found = windows(project, app);
    let mut message = op.message.clone();
    if !found.is_empty() {
        let list: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        message = format!("{message}; windows of its project: {}", list.join(", "));
    }
    let need = Need {
        problem: "is held by a sync window".to_owned(),
        action: window_action(&found, id),
    };
    let reason = "Argo CD does not sync while a sync window denies it";
    Some(blocker(
        node,
        format!("sync {}", op.phase),
        message,
        reason,
        need,
    ))
}

/// OutOfSync with nothing that would sync it: no automated policy (or a disabled one) and no
/// operation running or requested.
fn out_of_sync(node: &AppNode, app: &Value, id: &str) -> Option<Blocker> {
    if node.sync != "OutOfSync" || in_flight(node, app) {
        return None;
    }
    let why = automated(app).err()?;
    let problem = if node.operation.is_none() {
        format!("is OutOfSync and was never synced: {why}")
    } else {
        format!("is OutOfSync: {why}")
    };
    let need = Need {
        problem,
        action: format!("sync it: {}", sync_command(id)),
    };
    let reason = "without automated sync, Argo CD only syncs when a person asks";
    Some(blocker(
        node,
        "OutOfSync".to_owned(),
        String::new(),
        reason,
        need,
    ))
}
