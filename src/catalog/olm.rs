//! Operator Lifecycle Manager (operators.coreos.com): how every operator MAS needs is installed.

use super::Entry;
use crate::rule::{all, cond, equals, exists, not, one_of, Clause, Message, Rule, Status};

const OLM: &str = "operators.coreos.com";

pub(super) fn entries() -> Vec<Entry> {
    vec![
        Entry::new("olm", OLM, "Subscription", subscription()),
        Entry::new("olm", OLM, "InstallPlan", install_plan()),
        Entry::new("olm", OLM, "CatalogSource", catalog_source()),
    ]
}

fn subscription() -> Rule {
    Rule::named("OLM Subscription")
        .clauses(subscription_failed())
        .clauses(subscription_installed())
        .clause(subscription_awaiting_approval())
        .clauses(subscription_retrying())
        .when(
            "upgrade failed",
            equals("status.state", "UpgradeFailed"),
            Status::Degraded,
            Message::field_after("status.currentCSV", "upgrade failed: ", "upgrade failed"),
        )
        .when(
            "no status yet",
            not(exists("status")),
            Status::Progressing,
            Message::text("waiting for OLM to resolve the subscription"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after(
                "status.state",
                "state ",
                "waiting for OLM to install the operator",
            ),
        )
}

/// The install plan failed, or resolution failed for a reason no retry fixes -> Degraded.
fn subscription_failed() -> [Clause; 2] {
    let install_failed = cond("InstallPlanFailed", "True");
    // ErrorPreventedResolution: OLM could not reach a catalog (a catalog pod being replaced) and
    // retries; ConstraintsNotSatisfiable and the like need a person.
    let resolution_failed =
        cond("ResolutionFailed", "True").with_reason_not("ErrorPreventedResolution");
    [
        Clause::new(
            "InstallPlanFailed is True",
            install_failed.holds(),
            Status::Degraded,
            Message::condition(&install_failed, "the install plan failed"),
        ),
        Clause::new(
            "ResolutionFailed is True",
            resolution_failed.holds(),
            Status::Degraded,
            Message::condition(&resolution_failed, "dependency resolution failed"),
        ),
    ]
}

/// An installed operator: at the latest version, or with an upgrade waiting or running.
fn subscription_installed() -> [Clause; 3] {
    let installed = exists("status.installedCSV");
    let upgrade_waiting = one_of("status.state", &["UpgradePending", "UpgradeAvailable"]);
    [
        Clause::new(
            "installed and at the latest known version",
            all(vec![
                installed.clone(),
                equals("status.state", "AtLatestKnown"),
            ]),
            Status::Healthy,
            Message::field_after("status.installedCSV", "installed ", "installed"),
        ),
        Clause::new(
            "installed, upgrade waiting for manual approval",
            all(vec![
                installed.clone(),
                upgrade_waiting.clone(),
                equals("spec.installPlanApproval", "Manual"),
            ]),
            Status::Healthy,
            Message::field_after(
                "status.installedCSV",
                "upgrade waiting for approval; running ",
                "upgrade waiting for approval",
            ),
        ),
        Clause::new(
            "installed, upgrade in progress",
            all(vec![installed, upgrade_waiting]),
            Status::Progressing,
            Message::field_after("status.currentCSV", "upgrading to ", "upgrade pending"),
        ),
    ]
}

/// A first install whose InstallPlan waits for manual approval (`InstallPlanPending` True with
/// reason `RequiresApproval`, OLM's subscription sync) -> Progressing, naming the InstallPlan so
/// the person who must approve it knows which one. Nothing installs until then.
fn subscription_awaiting_approval() -> Clause {
    let pending = cond("InstallPlanPending", "True").with_reason("RequiresApproval");
    Clause::new(
        "install plan waiting for manual approval",
        pending.holds(),
        Status::Progressing,
        Message::field_after(
            "status.installPlanRef.name",
            "install plan ",
            "the install plan",
        )
        .then_text(" waits for manual approval"),
    )
}

/// OLM retries: resolution blocked by an unreachable catalog, or catalogs unhealthy.
fn subscription_retrying() -> [Clause; 2] {
    let resolution_retrying =
        cond("ResolutionFailed", "True").with_reason("ErrorPreventedResolution");
    let catalog_unhealthy = cond("CatalogSourcesUnhealthy", "True");
    [
        Clause::new(
            "resolution failed and is retried",
            resolution_retrying.holds(),
            Status::Progressing,
            Message::condition(&resolution_retrying, "dependency resolution is retried"),
        ),
        Clause::new(
            "catalog sources unhealthy",
            catalog_unhealthy.holds(),
            Status::Progressing,
            Message::condition(&catalog_unhealthy, "catalog sources are unhealthy"),
        ),
    ]
}

fn install_plan() -> Rule {
    Rule::named("OLM InstallPlan")
        .when(
            "phase Complete",
            equals("status.phase", "Complete"),
            Status::Healthy,
            Message::text("install plan complete"),
        )
        .when(
            "phase Failed",
            equals("status.phase", "Failed"),
            Status::Degraded,
            Message::condition(&cond("Installed", "False"), "the install plan failed"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after("status.phase", "phase ", "waiting for the install plan"),
        )
}

fn catalog_source() -> Rule {
    let state = "status.connectionState.lastObservedState";
    Rule::named("OLM CatalogSource")
        .when(
            "connection READY",
            equals(state, "READY"),
            Status::Healthy,
            Message::text("catalog source is READY"),
        )
        // gRPC drops an unused connection to IDLE; once the catalog has connected, IDLE is a
        // working catalog (OLM reports it so for healthy catalogs), and waiting on it would
        // hold the wave for ever.
        .when(
            "connection IDLE after a connection",
            all(vec![
                equals(state, "IDLE"),
                exists("status.connectionState.lastConnect"),
            ]),
            Status::Healthy,
            Message::text("catalog source connection IDLE after connecting"),
        )
        .when(
            "connection TRANSIENT_FAILURE",
            equals(state, "TRANSIENT_FAILURE"),
            Status::Degraded,
            Message::text("catalog source connection TRANSIENT_FAILURE")
                .then(Message::field_after("status.message", ": ", "")),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after(
                state,
                "catalog source connection ",
                "waiting for the catalog source to connect",
            ),
        )
}
