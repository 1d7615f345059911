//! Argo CD itself (argoproj.io): child Applications of an app of apps.
//!
//! Argo CD ships no check for Applications; its documented snippet copies `status.health`. That
//! lets a parent's wave finish on a child's stale health (argo-cd#4577) and reports an invalid
//! status when the child has none. This rule waits for syncs in flight and for status computed
//! against the current spec, and never requires `Synced` (that hangs parents during sync
//! windows, argo-cd#10550).

use super::Entry;
use crate::rule::{
    any, equals, exists, not, one_of, Clause, ConditionSelector, Message, Path, Predicate, Rule,
    Status, TextMatch,
};

pub(super) fn entries() -> Vec<Entry> {
    vec![Entry::new(
        "argo",
        "argoproj.io",
        "Application",
        application(),
    )]
}

fn observed_differs(desired: &str, observed: &str) -> Predicate {
    Predicate::ObservedDiffers {
        desired: Path::parse(desired),
        observed: Path::parse(observed),
    }
}

const PHASE: &str = "status.operationState.phase";
const HEALTH: &str = "status.health.status";

fn application() -> Rule {
    Rule::named("Argo CD Application (app of apps)")
        .clause(cannot_render())
        .clauses(sync_in_flight())
        .clause(compared_with_another_spec())
        .clause(sync_failed())
        .clauses(Status::ALL.map(child_reports))
        .when(
            "the child has no health yet",
            any(vec![not(exists(HEALTH)), equals(HEALTH, "")]),
            Status::Progressing,
            Message::text("waiting for health"),
        )
        .otherwise(
            Status::Unknown,
            Message::text("child application has an invalid health status: ")
                .then(Message::field(HEALTH, "a value that is not a string")),
        )
}

/// ComparisonError or InvalidSpecError -> Degraded: the child cannot render.
fn cannot_render() -> Clause {
    let cannot_render = ConditionSelector {
        type_: TextMatch::OneOf(vec![
            "ComparisonError".to_owned(),
            "InvalidSpecError".to_owned(),
        ]),
        // Application conditions usually carry no status at all: only an explicit False clears.
        status: TextMatch::NoneOf(vec!["False".to_owned()]),
        reason: TextMatch::Any,
    };
    Clause::new(
        "the child cannot render its manifests",
        cannot_render.holds(),
        Status::Degraded,
        Message::condition(
            &cannot_render,
            "the application cannot render its manifests",
        ),
    )
}

/// A sync running, terminating or requested -> Progressing: the health predates it.
fn sync_in_flight() -> [Clause; 3] {
    let with_operation_message = |text: &str| {
        Message::text(text).then(Message::field_after(
            "status.operationState.message",
            ": ",
            "",
        ))
    };
    [
        Clause::new(
            "a sync is running",
            equals(PHASE, "Running"),
            Status::Progressing,
            with_operation_message("sync running"),
        ),
        Clause::new(
            "a sync is terminating",
            equals(PHASE, "Terminating"),
            Status::Progressing,
            with_operation_message("sync terminating"),
        ),
        Clause::new(
            "a sync is requested",
            exists("operation"),
            Status::Progressing,
            Message::text("sync requested"),
        ),
    ]
}

/// Status compared with another spec than the current one -> Progressing.
fn compared_with_another_spec() -> Clause {
    Clause::new(
        "status was compared with another spec",
        // The whole source counts, not only repoURL/path/chart/targetRevision: MAS GitOps
        // changes a child by re-rendering its plugin values at the same revision. For a
        // multi-source app Argo CD writes an empty (or first-source) comparedTo.source, so
        // the single-source comparison applies only where spec.source is set.
        any(vec![
            Predicate::All(vec![
                exists("spec.source"),
                observed_differs("spec.source", "status.sync.comparedTo.source"),
            ]),
            observed_differs("spec.sources", "status.sync.comparedTo.sources"),
        ]),
        Status::Progressing,
        Message::text("health not yet refreshed for the current spec"),
    )
}

/// The last sync Failed or Errored and the child is not Synced -> Degraded.
fn sync_failed() -> Clause {
    Clause::new(
        "the last sync failed and the child is not synced",
        Predicate::All(vec![
            one_of(PHASE, &["Failed", "Error"]),
            not(equals("status.sync.status", "Synced")),
        ]),
        Status::Degraded,
        Message::field_after(
            "status.operationState.message",
            "sync failed: ",
            "sync failed",
        ),
    )
}

/// The child reports `status` -> that status, with the child's message.
fn child_reports(status: Status) -> Clause {
    Clause::new(
        &format!("the child reports {status}"),
        equals(HEALTH, status.as_str()),
        status,
        Message::field(
            "status.health.message",
            &format!("child application is {status}"),
        ),
    )
}
