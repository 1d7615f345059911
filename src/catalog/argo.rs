//! Argo CD itself (argoproj.io): child Applications of an app of apps.
//!
//! Argo CD ships no check for Applications; its documented snippet copies `status.health`. That
//! lets a parent's wave finish on a child's stale health (argo-cd#4577) and reports an invalid
//! status when the child has none. This rule waits for syncs in flight and for status computed
//! against the current spec, and never requires `Synced` (that hangs parents during sync
//! windows, argo-cd#10550).

use super::Entry;
use crate::rule::{
    any, equals, exists, not, one_of, ConditionSelector, Message, Path, Predicate, Rule, Status,
    TextMatch,
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

fn application() -> Rule {
    let cannot_render = ConditionSelector {
        type_: TextMatch::OneOf(vec![
            "ComparisonError".to_owned(),
            "InvalidSpecError".to_owned(),
        ]),
        // Application conditions usually carry no status at all: only an explicit False clears.
        status: TextMatch::NoneOf(vec!["False".to_owned()]),
        reason: TextMatch::Any,
    };
    let phase = "status.operationState.phase";
    let health = "status.health.status";
    let mut b = Rule::named("Argo CD Application (app of apps)")
        .when(
            "the child cannot render its manifests",
            cannot_render.holds(),
            Status::Degraded,
            Message::condition(
                &cannot_render,
                "the application cannot render its manifests",
            ),
        )
        .when(
            "a sync is running",
            equals(phase, "Running"),
            Status::Progressing,
            Message::text("sync running").then(Message::field_after(
                "status.operationState.message",
                ": ",
                "",
            )),
        )
        .when(
            "a sync is terminating",
            equals(phase, "Terminating"),
            Status::Progressing,
            Message::text("sync terminating").then(Message::field_after(
                "status.operationState.message",
                ": ",
                "",
            )),
        )
        .when(
            "a sync is requested",
            exists("operation"),
            Status::Progressing,
            Message::text("sync requested"),
        )
        .when(
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
        .when(
            "the last sync failed and the child is not synced",
            Predicate::All(vec![
                one_of(phase, &["Failed", "Error"]),
                not(equals("status.sync.status", "Synced")),
            ]),
            Status::Degraded,
            Message::field_after(
                "status.operationState.message",
                "sync failed: ",
                "sync failed",
            ),
        );
    for status in Status::ALL {
        b = b.when(
            &format!("the child reports {status}"),
            equals(health, status.as_str()),
            status,
            Message::field(
                "status.health.message",
                &format!("child application is {status}"),
            ),
        );
    }
    b.when(
        "the child has no health yet",
        any(vec![not(exists(health)), equals(health, "")]),
        Status::Progressing,
        Message::text("waiting for health"),
    )
    .otherwise(
        Status::Unknown,
        Message::text("child application has an invalid health status: ")
            .then(Message::field(health, "a value that is not a string")),
    )
}
