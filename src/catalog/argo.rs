//! Argo CD itself (argoproj.io): child Applications of an app of apps.
//!
//! Argo CD ships no check for Applications; its documented snippet copies `status.health`. That
//! lets a parent's wave finish on a child's stale health (argo-cd#4577) and reports an invalid
//! status when the child has none. This rule waits for syncs in flight and for status computed
//! against the current spec, and never requires `Synced` (that hangs parents during sync
//! windows, argo-cd#10550).

use super::Entry;
use crate::model::{
    any, equals, exists, not, one_of, ConditionSelector, Message, Path, Predicate, Rule, Status,
    TextMatch,
};

/// The fields that identify what a source renders.
const SOURCE_IDENTITY: [&str; 4] = ["repoURL", "path", "chart", "targetRevision"];

pub(super) fn entries() -> Vec<Entry> {
    vec![Entry::new(
        "argo",
        "argoproj.io",
        "Application",
        application(),
    )]
}

fn identity_differs(left: &str, right: &str, list: bool) -> Predicate {
    Predicate::IdentityDiffers {
        left: Path::parse(left),
        right: Path::parse(right),
        keys: SOURCE_IDENTITY.iter().map(|k| (*k).to_owned()).collect(),
        list,
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
            any(vec![
                identity_differs("spec.source", "status.sync.comparedTo.source", false),
                identity_differs("spec.sources", "status.sync.comparedTo.sources", true),
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
