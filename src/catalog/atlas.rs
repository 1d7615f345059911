//! MongoDB Atlas (atlas.mongodb.com), an alternative to an in-cluster MongoDB for MAS.

use super::families::waiting_for;
use super::Entry;
use crate::rule::{all_true, any, cond, ConditionSelector, Message, Rule, Status, TextMatch};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry::new(
            "atlas",
            "atlas.mongodb.com",
            "AtlasDeployment",
            atlas("AtlasDeployment", "DeploymentReady"),
        ),
        Entry::new(
            "atlas",
            "atlas.mongodb.com",
            "AtlasDatabaseUser",
            atlas("AtlasDatabaseUser", "DatabaseUserReady"),
        ),
    ]
}

/// A resource the Atlas operator has rejected is Degraded (its spec is invalid or its version
/// unsupported: no retry will fix it); Healthy once all readiness conditions are True.
fn atlas(kind: &str, ready: &str) -> Rule {
    let invalid = cond("ValidationSucceeded", "False");
    let bad_version = cond("ResourceVersionIsValid", "False");
    // Reasons after which the operator stops retrying: Atlas refused the change, or the user
    // has expired. Creating/Updating reasons are progress.
    let terminal = ConditionSelector {
        type_: TextMatch::Any,
        status: TextMatch::is("False"),
        reason: TextMatch::OneOf(
            [
                "DeploymentNotCreatedInAtlas",
                "DeploymentNotUpdatedInAtlas",
                "DatabaseUserNotCreatedInAtlas",
                "DatabaseUserNotUpdatedInAtlas",
                "DatabaseUserExpired",
            ]
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
        ),
    };
    let types = [
        "Ready",
        "ResourceVersionIsValid",
        "ValidationSucceeded",
        ready,
    ];
    Rule::named(&format!("{kind} (Atlas readiness)"))
        .when(
            "validation failed",
            any(vec![invalid.holds(), bad_version.holds()]),
            Status::Degraded,
            Message::text("rejected by the Atlas operator")
                .then(Message::condition_after(&invalid, ": ", ""))
                .then(Message::condition_after(&bad_version, ": ", "")),
        )
        .when(
            "Atlas refused the change",
            terminal.holds(),
            Status::Degraded,
            Message::condition(&terminal, "rejected by Atlas"),
        )
        .when(
            "all readiness conditions are True",
            all_true(&types),
            Status::Healthy,
            Message::condition(&cond("Ready", "True"), "ready"),
        )
        .clause(waiting_for("Ready"))
        .otherwise(
            Status::Progressing,
            Message::text(&format!("waiting for Ready and {ready}")),
        )
}
