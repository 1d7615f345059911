//! How Argo CD orders a sync and what health lets it move on (gitops-engine `sync_context.go`,
//! `syncwaves`, `hook`): the annotations, the default wave, the phase order, and which health
//! finishes, holds or fails a sync task.

use crate::argocd::Verdict;
use crate::rule::Status;
use serde_json::Value;

/// The annotation holding a resource's sync wave (an integer, as text).
pub const SYNC_WAVE_ANNOTATION: &str = "argocd.argoproj.io/sync-wave";
/// The annotation making a resource a hook, naming its phases (`PreSync,PostSync`).
pub const HOOK_ANNOTATION: &str = "argocd.argoproj.io/hook";
/// Helm's hook annotation, which Argo CD also honours.
pub const HELM_HOOK_ANNOTATION: &str = "helm.sh/hook";
/// Helm's hook weight: the wave of a Helm hook without a sync-wave annotation.
pub const HELM_HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
/// The wave of a resource with no (readable) wave annotation.
pub const DEFAULT_WAVE: i64 = 0;

/// The phases of a sync, in the order Argo CD runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum SyncPhase {
    /// Hooks run before anything is applied.
    PreSync,
    /// The application's own resources, wave by wave.
    Sync,
    /// Hooks run once every Sync wave is Healthy.
    PostSync,
    /// Hooks run when the sync failed.
    SyncFail,
}

impl SyncPhase {
    /// Argo CD's spelling of the phase.
    pub fn as_str(self) -> &'static str {
        match self {
            SyncPhase::PreSync => "PreSync",
            SyncPhase::Sync => "Sync",
            SyncPhase::PostSync => "PostSync",
            SyncPhase::SyncFail => "SyncFail",
        }
    }

    /// Parses a phase or hook type as Argo CD writes it (`hookType`, `syncPhase`, the hook
    /// annotation); Helm's `pre-install`/`post-install` style names map as Argo CD maps them.
    pub fn parse(s: &str) -> Option<SyncPhase> {
        match s.trim() {
            "PreSync" | "pre-install" | "pre-upgrade" => Some(SyncPhase::PreSync),
            "Sync" => Some(SyncPhase::Sync),
            "PostSync" | "post-install" | "post-upgrade" => Some(SyncPhase::PostSync),
            "SyncFail" => Some(SyncPhase::SyncFail),
            _ => None,
        }
    }
}

fn annotation<'a>(obj: &'a Value, name: &str) -> Option<&'a str> {
    obj.get("metadata")?.get("annotations")?.get(name)?.as_str()
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits, nothing else (no spaces).
fn atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The wave of a live object: its sync-wave annotation, else (for Helm hooks) its hook weight,
/// else the default; an unreadable annotation counts as absent, as in gitops-engine.
pub fn wave_of(obj: &Value) -> i64 {
    annotation(obj, SYNC_WAVE_ANNOTATION)
        .and_then(atoi)
        .or_else(|| annotation(obj, HELM_HOOK_WEIGHT_ANNOTATION).and_then(atoi))
        .unwrap_or(DEFAULT_WAVE)
}

/// The first phase a live object is a hook of, if it is one (`Skip` is not a phase).
pub fn hook_phase_of(obj: &Value) -> Option<SyncPhase> {
    let text =
        annotation(obj, HOOK_ANNOTATION).or_else(|| annotation(obj, HELM_HOOK_ANNOTATION))?;
    text.split(',').filter_map(SyncPhase::parse).min()
}

/// What a sync task's health does to the wave it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskEffect {
    /// The task is finished: the wave may move on.
    Done,
    /// The wave waits for this task.
    Waits,
    /// The task failed, and with it the sync operation.
    Fails,
}

/// What a resource's health does in a multi-step sync (waves or hooks). `None` is a resource
/// with no health check: it succeeds at once. Only Healthy finishes a task, Degraded fails it;
/// for a hook Unknown fails too; everything else (the empty status included) holds the wave.
pub fn task_effect(health: Option<&Verdict>, hook: bool) -> TaskEffect {
    let Some(verdict) = health else {
        return TaskEffect::Done;
    };
    match verdict.status {
        Some(Status::Healthy) => TaskEffect::Done,
        Some(Status::Degraded) => TaskEffect::Fails,
        Some(Status::Unknown) if hook => TaskEffect::Fails,
        _ => TaskEffect::Waits,
    }
}

/// What a hook's recorded `hookPhase` says: Succeeded is done, Failed and Error fail the sync,
/// anything else (Running, Pending, not yet recorded) holds it.
pub fn hook_result_effect(hook_phase: &str) -> TaskEffect {
    match hook_phase {
        "Succeeded" => TaskEffect::Done,
        "Failed" | "Error" => TaskEffect::Fails,
        _ => TaskEffect::Waits,
    }
}

/// Whether a recorded resource result (`syncResult.resources[].status`) failed the sync.
pub fn result_failed(status: &str) -> bool {
    status == "SyncFailed"
}

/// Whether an operation phase means a sync is still in flight.
pub fn operation_running(phase: &str) -> bool {
    matches!(phase, "Running" | "Terminating")
}

/// Whether an operation phase means the last sync failed; automated sync does not retry the same
/// revision after that (unless `retry` is set), so a person has to act.
pub fn operation_failed(phase: &str) -> bool {
    matches!(phase, "Failed" | "Error")
}

/// Whether a sync waits on health at all: only a sync with more than one wave, or with hooks, is
/// "multi-step"; a single-step sync applies everything and finishes without waiting.
pub fn is_multi_step(distinct_waves: usize, has_hooks: bool) -> bool {
    distinct_waves > 1 || has_hooks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wave_reads_the_annotation_like_atoi() {
        let with = |v: &str| json!({"metadata": {"annotations": {SYNC_WAVE_ANNOTATION: v}}});
        assert_eq!(wave_of(&with("130")), 130);
        assert_eq!(wave_of(&with("-5")), -5);
        assert_eq!(wave_of(&with("+2")), 2);
        assert_eq!(wave_of(&with(" 2")), DEFAULT_WAVE);
        assert_eq!(wave_of(&with("two")), DEFAULT_WAVE);
        assert_eq!(wave_of(&json!({})), DEFAULT_WAVE);
        let helm = json!({"metadata": {"annotations": {HELM_HOOK_WEIGHT_ANNOTATION: "7"}}});
        assert_eq!(wave_of(&helm), 7);
    }

    #[test]
    fn hooks_and_their_first_phase() {
        let hook = |v: &str| json!({"metadata": {"annotations": {HOOK_ANNOTATION: v}}});
        assert_eq!(
            hook_phase_of(&hook("PostSync,PreSync")),
            Some(SyncPhase::PreSync)
        );
        assert_eq!(hook_phase_of(&hook("Skip")), None);
        assert_eq!(hook_phase_of(&json!({})), None);
    }

    #[test]
    fn only_healthy_finishes_and_degraded_fails() {
        let v = |s: Option<Status>| Verdict {
            status: s,
            message: String::new(),
        };
        assert_eq!(task_effect(None, false), TaskEffect::Done);
        assert_eq!(
            task_effect(Some(&v(Some(Status::Healthy))), false),
            TaskEffect::Done
        );
        assert_eq!(
            task_effect(Some(&v(Some(Status::Degraded))), false),
            TaskEffect::Fails
        );
        assert_eq!(task_effect(Some(&v(None)), false), TaskEffect::Waits);
        for s in [
            Status::Progressing,
            Status::Suspended,
            Status::Missing,
            Status::Unknown,
        ] {
            assert_eq!(
                task_effect(Some(&v(Some(s))), false),
                TaskEffect::Waits,
                "{s}"
            );
        }
        assert_eq!(
            task_effect(Some(&v(Some(Status::Unknown))), true),
            TaskEffect::Fails
        );
    }
}
