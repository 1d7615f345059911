//! Where each Application stands and what holds it, by Argo CD's rules (`argocd::sync`): while a
//! sync runs, the last wave it applied; after a failed sync, what failed; otherwise the lowest
//! wave whose resources are not all Healthy. Then the summary: the first blocker on the path
//! from a root, followed into child Applications.

use super::person::{self, Rank};
use super::tree::is_app;
use super::{
    AppNode, Blocker, BlockerKind, Current, HealthFrom, Progress, ResourceNode, ResourceRef,
    WaveGroup,
};
use crate::argocd::sync::{self, SyncPhase, TaskEffect};
use crate::argocd::GroupKind;
use crate::rule::Status;
use serde_json::Value;
use std::collections::BTreeSet;

/// What the Application's own operation is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Running,
    Failed,
    Settled,
}

fn op_of(node: &AppNode, app: &Value) -> Op {
    let phase = node.operation.as_ref().map_or("", |o| o.phase.as_str());
    // A requested operation (`operation` set) starts a new sync whatever the last one did.
    let requested = app.get("operation").is_some_and(|o| !o.is_null());
    if sync::operation_running(phase) || requested {
        Op::Running
    } else if sync::operation_failed(phase) {
        Op::Failed
    } else {
        Op::Settled
    }
}

/// Sets the Application's current wave and first blocker: what keeps it from rendering, then a
/// resource that failed or needs a person, then what the Application itself needs from a person
/// (a failed sync, a sync window, no automated sync), then what merely waits.
pub(super) fn decide(node: &mut AppNode, app: &Value, project: Option<&Value>, now: i64) {
    let op = op_of(node, app);
    let ctx = Ctx {
        app: format!("{}/{}", node.namespace, node.name),
        multi_step: multi_step(&node.waves),
        trust_app: node.health.status == Some(Status::Healthy.as_str()),
    };
    let current = match op {
        Op::Running => running(&ctx, &node.waves),
        Op::Failed => failed(&ctx, &node.waves),
        Op::Settled => settled(&ctx, &node.waves),
    };
    let held = current.as_ref().and_then(|c| {
        let stop = c.waits_on.iter().find(|b| b.kind != BlockerKind::Waits);
        stop.or(c.waits_on.first()).cloned()
    });
    let own = person::of_application(node, app, project, now);
    node.blocker = match (own, held) {
        (Some((Rank::First, b)), _) => Some(b),
        (_, Some(h)) if h.kind != BlockerKind::Waits => Some(h),
        (Some((_, b)), _) => Some(b),
        (None, Some(h)) => Some(h),
        (None, None) => app_level(&ctx, node, op),
    };
    node.current = current.filter(|c| !c.waits_on.is_empty() || node.blocker.is_some());
}

struct Ctx {
    app: String,
    multi_step: bool,
    /// The Application itself is Healthy by its rule, so a resource whose health is unknown
    /// (Argo CD 3.x does not store it) was Healthy when Argo CD last aggregated.
    trust_app: bool,
}

fn multi_step(waves: &[WaveGroup]) -> bool {
    let sync_waves: BTreeSet<i64> = waves
        .iter()
        .filter(|g| g.phase == SyncPhase::Sync)
        .map(|g| g.wave)
        .collect();
    let hooks = waves.iter().flat_map(|g| &g.resources).any(|r| r.hook);
    sync::is_multi_step(sync_waves.len(), hooks)
}

fn current(g: &WaveGroup, waits_on: Vec<Blocker>) -> Current {
    Current {
        phase: g.phase,
        wave: g.wave,
        waits_on,
    }
}

/// The last phase and wave the running sync applied something in (the first before anything).
fn running(ctx: &Ctx, waves: &[WaveGroup]) -> Option<Current> {
    let applied = |g: &&WaveGroup| g.resources.iter().any(|r| r.result.is_some());
    let g = waves.iter().rfind(applied).or(waves.first())?;
    let waits_on = g.resources.iter().filter_map(|r| holds(ctx, r)).collect();
    Some(current(g, waits_on))
}

/// What failed the last sync: failed results and hooks anywhere, Degraded resources in the waves
/// it reached.
fn failed(ctx: &Ctx, waves: &[WaveGroup]) -> Option<Current> {
    let applied = |g: &&WaveGroup| g.resources.iter().any(|r| r.result.is_some());
    let last = waves.iter().rfind(applied).or(waves.first())?;
    let reached = waves
        .iter()
        .take_while(|g| (g.phase, g.wave) <= (last.phase, last.wave));
    let mut stops = reached.flat_map(|g| g.resources.iter().map(move |r| (g, r)));
    let found = stops.find_map(|(g, r)| {
        let b = holds(ctx, r).filter(|b| b.kind != BlockerKind::Waits)?;
        Some((g, b))
    });
    match found {
        Some((g, b)) => {
            let mut rest: Vec<Blocker> = g.resources.iter().filter_map(|r| holds(ctx, r)).collect();
            rest.retain(|x| x.kind != BlockerKind::Waits);
            Some(current(g, if rest.is_empty() { vec![b] } else { rest }))
        }
        None => Some(current(last, Vec::new())),
    }
}

/// With no sync in flight: the lowest Sync wave whose resources are not all done.
fn settled(ctx: &Ctx, waves: &[WaveGroup]) -> Option<Current> {
    waves
        .iter()
        .filter(|g| g.phase == SyncPhase::Sync)
        .find_map(|g| {
            let waits_on: Vec<Blocker> = g
                .resources
                .iter()
                .filter(|r| !r.hook)
                .filter_map(|r| holds(ctx, r))
                .collect();
            (!waits_on.is_empty()).then(|| current(g, waits_on))
        })
}

/// What a resource does to its wave, with the status and message to show for it.
fn effect_of(ctx: &Ctx, r: &ResourceNode) -> (TaskEffect, String, String) {
    if let Some(res) = r.result.as_ref() {
        if sync::result_failed(&res.status) {
            return (TaskEffect::Fails, res.status.clone(), res.message.clone());
        }
        if r.hook && !res.hook_phase.is_empty() {
            let message = if res.message.is_empty() {
                r.health.message.clone()
            } else {
                res.message.clone()
            };
            let outcome = sync::hook_result_effect(&res.hook_phase);
            return (outcome, res.hook_phase.clone(), message);
        }
    }
    let outcome = match r.health.from {
        HealthFrom::NoCheck => TaskEffect::Done,
        // Argo CD leaves Missing and Unknown child Applications out of its aggregate, so a
        // Healthy parent says nothing about a child that is not in the input.
        HealthFrom::Unknown if ctx.trust_app && !is_app(&r.reference()) => TaskEffect::Done,
        HealthFrom::Unknown => TaskEffect::Waits,
        HealthFrom::Live | HealthFrom::Stored => {
            sync::task_effect(r.health.verdict().as_ref(), r.hook)
        }
    };
    let label = r.health.label().to_owned();
    (outcome, label, r.health.message.clone())
}

fn failed_apply(r: &ResourceNode) -> bool {
    r.result
        .as_ref()
        .is_some_and(|x| sync::result_failed(&x.status))
}

fn reason(ctx: &Ctx, r: &ResourceNode, outcome: TaskEffect, status: &str) -> String {
    match outcome {
        TaskEffect::Fails if failed_apply(r) => {
            "it failed to apply, which fails the sync".to_owned()
        }
        TaskEffect::Fails if r.hook => {
            "a hook that failed fails the sync; automated sync does not retry the same revision"
                .to_owned()
        }
        TaskEffect::Fails if ctx.multi_step => "Degraded fails the sync operation; automated sync \
             does not retry the same revision"
            .to_owned(),
        TaskEffect::Fails => {
            "Degraded: the Application is Degraded, which fails its parent's wave".to_owned()
        }
        _ if r.health.from == HealthFrom::Unknown && r.health.check.is_some() => {
            "Argo CD checks this kind with a built-in script not evaluated here: give \
             --argocd-builtins DIR"
                .to_owned()
        }
        _ if r.health.from == HealthFrom::Unknown => {
            "Argo CD 3.x does not store resource health: without the live object it is unknown"
                .to_owned()
        }
        _ if r.hook => "the hook has not finished".to_owned(),
        _ if r.need.is_some() => {
            format!("{status} keeps the wave waiting until a person acts: OLM installs nothing before the InstallPlan is approved")
        }
        _ => format!("{status} keeps the wave waiting: only Healthy moves it on"),
    }
}

/// The blocker a resource is, or `None` when it lets its wave move on.
fn holds(ctx: &Ctx, r: &ResourceNode) -> Option<Blocker> {
    let (outcome, status, message) = effect_of(ctx, r);
    let (kind, need) = match outcome {
        TaskEffect::Done => return None,
        TaskEffect::Waits if r.need.is_some() => (BlockerKind::NeedsPerson, r.need.clone()),
        TaskEffect::Waits => (BlockerKind::Waits, None),
        TaskEffect::Fails if r.hook && !failed_apply(r) => (
            BlockerKind::NeedsPerson,
            Some(person::hook_failed(&ctx.app)),
        ),
        TaskEffect::Fails => (BlockerKind::Stops, None),
    };
    Some(Blocker {
        kind,
        need,
        app: ctx.app.clone(),
        phase: r.phase,
        wave: Some(r.wave),
        resource: Some(r.reference()),
        hook: r.hook,
        reason: reason(ctx, r, outcome, &status),
        status,
        message,
        unknown: r.health.from == HealthFrom::Unknown && r.result.is_none(),
    })
}

/// When no resource holds the Application: its operation, else its own health.
fn app_level(ctx: &Ctx, node: &AppNode, op: Op) -> Option<Blocker> {
    let op_message = node.operation.as_ref().map_or("", |o| o.message.as_str());
    let (kind, status, message, reason) = match op {
        // person::of_application names a failed sync; this is only reached when it is not a
        // failure it recognises.
        Op::Failed => (
            BlockerKind::Stops,
            "sync Failed".to_owned(),
            op_message.to_owned(),
            "the last sync failed; automated sync does not retry the same revision",
        ),
        Op::Running => (
            BlockerKind::Waits,
            "sync Running".to_owned(),
            op_message.to_owned(),
            "the sync is running",
        ),
        Op::Settled => {
            let status = node.health.status.and_then(Status::parse);
            let kind = match status {
                Some(Status::Healthy) => return None,
                Some(Status::Degraded) => BlockerKind::Stops,
                _ => BlockerKind::Waits,
            };
            let why = "the Application is not Healthy by its rule";
            (
                kind,
                node.health.label().to_owned(),
                node.health.message.clone(),
                why,
            )
        }
    };
    Some(Blocker {
        kind,
        app: ctx.app.clone(),
        phase: SyncPhase::Sync,
        wave: None,
        resource: None,
        hook: false,
        status,
        message,
        reason: reason.to_owned(),
        need: None,
        unknown: false,
    })
}

fn is_child(r: &ResourceRef, c: &AppNode) -> bool {
    c.name == r.name && (r.namespace.is_empty() || c.namespace == r.namespace)
}

/// The first blocker on the path from `node`: its own, or, when that is a child Application, the
/// child's (unless all that is known of the child's is "give the live object" for a resource its
/// sync has not reached: then the child itself says more); when nothing
/// holds `node` itself, the first held child's in wave order (its health may look fine to Argo
/// CD while something below it holds).
pub(super) fn deepest(node: &AppNode) -> Option<&Blocker> {
    let Some(b) = node.blocker.as_ref() else {
        return node.children.iter().find_map(deepest);
    };
    let child = b
        .resource
        .as_ref()
        .filter(|r| is_app(r))
        .and_then(|r| node.children.iter().find(|c| is_child(r, c)));
    match child.and_then(deepest) {
        Some(cb) if !cb.unknown => Some(cb),
        _ => Some(b),
    }
}

/// A message on one line, shown as every command shows one (`crate::printable`: line breaks
/// and other control characters as escapes, nothing else changed).
fn one_line(s: &str) -> String {
    crate::show::printable(s).into_owned()
}

/// A resource as the summary names it: `group/Kind namespace/name`.
pub(super) fn name_of(r: &ResourceRef) -> String {
    let gk = GroupKind::new(&r.group, &r.kind).key();
    if r.namespace.is_empty() {
        format!("{gk} {}", r.name)
    } else {
        format!("{gk} {}/{}", r.namespace, r.name)
    }
}

/// A blocker in one line, e.g. `wave 130 ibm-mas-suite waits on core.mas.ibm.com/Suite
/// mas-inst1-core/inst1 (Progressing: waiting for Ready: ...)`.
pub(super) fn describe(b: &Blocker) -> String {
    let app = b.app.rsplit_once('/').map_or(b.app.as_str(), |(_, n)| n);
    let place = match (&b.resource, b.phase, b.wave) {
        (None, _, _) => String::new(),
        (Some(_), SyncPhase::Sync, Some(w)) => format!("wave {w} "),
        (Some(_), phase, Some(w)) => format!("{} wave {w} ", phase.as_str()),
        (Some(_), phase, None) => format!("{} ", phase.as_str()),
    };
    format!("{place}{app} {}", what(b))
}

/// What holds, without where: `waits on KIND NAME (STATUS: MESSAGE)`, `is stopped (...)`.
pub(super) fn what(b: &Blocker) -> String {
    let detail = if b.message.is_empty() {
        one_line(&b.status)
    } else {
        format!("{}: {}", one_line(&b.status), one_line(&b.message))
    };
    let hook = if b.hook { "hook " } else { "" };
    if let Some(need) = &b.need {
        let subject = b
            .resource
            .as_ref()
            .map_or(String::new(), |r| format!("{hook}{} ", name_of(r)));
        return format!("{subject}{} ({detail})", one_line(&need.problem));
    }
    let Some(r) = &b.resource else {
        let verb = match b.kind {
            BlockerKind::Waits => "is waiting",
            BlockerKind::NeedsPerson => "needs a person",
            BlockerKind::Stops => "is stopped",
        };
        return format!("{verb} ({detail})");
    };
    let verb = match b.kind {
        BlockerKind::Waits => "waits on",
        BlockerKind::NeedsPerson => "needs a person for",
        BlockerKind::Stops => "stopped by",
    };
    format!("{verb} {hook}{} ({detail})", name_of(r))
}

fn count(node: &AppNode) -> usize {
    1 + node.children.iter().map(count).sum::<usize>()
}

/// The summary line of a root.
pub(super) fn summary(root: &AppNode) -> String {
    match deepest(root) {
        Some(b) => match &b.need {
            Some(need) => format!(
                "{}: needs a person: {}; {}",
                root.name,
                describe(b),
                one_line(&need.action)
            ),
            None => format!("{}: {}", root.name, describe(b)),
        },
        None => {
            let n = count(root);
            let apps = if n == 1 {
                "Application"
            } else {
                "Applications"
            };
            format!("{}: finished: {n} {apps} Healthy", root.name)
        }
    }
}

/// How far the rollout under `root` got: stopped if anything in it stops, needs a person if
/// anything waits on one, waiting if anything holds, else finished.
pub(super) fn state(root: &AppNode) -> Progress {
    let own = match &root.blocker {
        None => Progress::Finished,
        Some(b) => match b.kind {
            BlockerKind::Stops => Progress::Stopped,
            BlockerKind::NeedsPerson => Progress::NeedsPerson,
            BlockerKind::Waits => Progress::Waiting,
        },
    };
    root.children.iter().map(state).fold(own, Progress::max)
}
