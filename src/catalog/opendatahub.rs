//! OpenDataHub (the AI stack under MAS AI Service).

use super::families::{condition_true, waiting_for};
use super::Entry;
use crate::rule::{cond, ConditionSelector, Message, Rule, RuleBuilder, Status, TextMatch};

pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry::new(
            "opendatahub",
            "dscinitialization.opendatahub.io",
            "DSCInitialization",
            dsc_initialization(),
        ),
        Entry::new(
            "opendatahub",
            "datasciencecluster.opendatahub.io",
            "DataScienceCluster",
            data_science_cluster(),
        ),
        Entry::new(
            "opendatahub",
            "datasciencepipelinesapplications.opendatahub.io",
            "DataSciencePipelinesApplication",
            pipelines(),
        ),
    ]
}

/// A condition of any type that is False with this reason.
fn false_with_reason(reasons: &[&str]) -> ConditionSelector {
    ConditionSelector {
        type_: TextMatch::Any,
        status: TextMatch::is("False"),
        reason: TextMatch::OneOf(reasons.iter().map(|r| (*r).to_owned()).collect()),
    }
}

fn degraded_clause(b: RuleBuilder) -> RuleBuilder {
    let degraded = cond("Degraded", "True");
    b.when(
        "Degraded is True",
        degraded.holds(),
        Status::Degraded,
        Message::condition(&degraded, "the operator reports Degraded"),
    )
}

fn dsc_initialization() -> Rule {
    degraded_clause(Rule::named("DSCInitialization (Degraded, then Available)"))
        .clause(condition_true("Available"))
        .clause(waiting_for("Available"))
        .otherwise(Status::Progressing, Message::text("waiting for Available"))
}

/// From ODH 2.16 `Ready` is the operator's verdict and `Available` only says a reconcile loop
/// finished; older releases write no `Ready` and report failed components as `Available=True`
/// with reason ReconcileCompletedWithComponentErrors, which never heals by itself.
fn data_science_cluster() -> Rule {
    let with_errors =
        cond("Available", "True").with_reason("ReconcileCompletedWithComponentErrors");
    let failed_component = false_with_reason(&["ReconcileFailed"]);
    degraded_clause(Rule::named("DataScienceCluster (Ready, else Available)"))
        .when(
            "reconciled with component errors",
            with_errors.holds(),
            Status::Degraded,
            Message::condition(
                &failed_component,
                "the operator reconciled with component errors",
            ),
        )
        .clause(condition_true("Ready"))
        .clause(waiting_for("Ready"))
        .when(
            "Available is True and no Ready is reported",
            cond("Available", "True").holds(),
            Status::Healthy,
            Message::condition(&cond("Available", "True"), "Available"),
        )
        .clause(waiting_for("Available"))
        .otherwise(Status::Progressing, Message::text("waiting for Ready"))
}

/// DataSciencePipelinesApplication: Ready=False while components start is normal; a component
/// failing to deploy is not.
fn pipelines() -> Rule {
    let failing = false_with_reason(&["FailingToDeploy"]);
    Rule::named("DataSciencePipelinesApplication (Ready)")
        .when(
            "a component is failing to deploy",
            failing.holds(),
            Status::Degraded,
            Message::condition(&failing, "a pipelines component is failing to deploy"),
        )
        .clause(condition_true("Ready"))
        .clause(waiting_for("Ready"))
        .otherwise(Status::Progressing, Message::text("waiting for Ready"))
}
