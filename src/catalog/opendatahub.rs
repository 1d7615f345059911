//! OpenDataHub (the AI stack under MAS AI Service).

use super::families::{condition_true, waiting_for};
use super::Entry;
use crate::model::{any, cond, Message, Rule, Status};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry::new(
            "opendatahub",
            "dscinitialization.opendatahub.io",
            "DSCInitialization",
            degraded_then_ready("DSCInitialization", &["Available"]),
        ),
        Entry::new(
            "opendatahub",
            "datasciencecluster.opendatahub.io",
            "DataScienceCluster",
            degraded_then_ready("DataScienceCluster", &["Ready", "Available", "kserveReady"]),
        ),
        Entry::new(
            "opendatahub",
            "datasciencepipelinesapplications.opendatahub.io",
            "DataSciencePipelinesApplication",
            pipelines(),
        ),
    ]
}

/// `Degraded` True -> Degraded; any of `ready` True -> Healthy; else Progressing.
fn degraded_then_ready(kind: &str, ready: &[&str]) -> Rule {
    let degraded = cond("Degraded", "True");
    let mut b = Rule::named(&format!("{kind} (Degraded, then {})", ready.join(" or "))).when(
        "Degraded is True",
        degraded.holds(),
        Status::Degraded,
        Message::condition(&degraded, "the operator reports Degraded"),
    );
    if let [only] = ready {
        b = b.clause(condition_true(only));
    } else {
        let first = cond(ready[0], "True");
        b = b.when(
            &format!("one of {} is True", ready.join(", ")),
            any(ready.iter().map(|t| cond(t, "True").holds()).collect()),
            Status::Healthy,
            Message::condition(&first, "ready"),
        );
    }
    b.clause(waiting_for(ready[0])).otherwise(
        Status::Progressing,
        Message::text(&format!("waiting for {}", ready.join(" or "))),
    )
}

/// DataSciencePipelinesApplication: Ready True -> Healthy, Ready False -> Degraded.
fn pipelines() -> Rule {
    let not_ready = cond("Ready", "False");
    Rule::named("DataSciencePipelinesApplication (Ready)")
        .clause(condition_true("Ready"))
        .when(
            "Ready is False",
            not_ready.holds(),
            Status::Degraded,
            Message::condition(&not_ready, "the pipelines application is not ready"),
        )
        .otherwise(Status::Progressing, Message::text("waiting for Ready"))
}
