//! Partner and community operators a MAS cluster installs: Red Hat CoP group sync, the Instana
//! agent, the CrowdStrike Falcon node sensor, and MongoDB Community (how MAS installs MongoDB
//! CE; Argo CD has no built-in check for it). DataReporterConfig carries no readiness in its
//! status: see `unchecked.rs`.

use super::Entry;
use crate::rule::{
    all, all_true, cond, cond_any, differ, equals, Message, Rule, Status, TextMatch,
};

pub(super) fn entries() -> Vec<Entry> {
    let e = |group: &str, kind: &str, rule: Rule| Entry::new("partners", group, kind, rule);
    vec![
        e("redhatcop.redhat.io", "GroupSync", group_sync()),
        e("instana.io", "InstanaAgent", instana_agent()),
        e(
            "falcon.crowdstrike.com",
            "FalconNodeSensor",
            falcon_node_sensor(),
        ),
        e(
            "mongodbcommunity.mongodb.com",
            "MongoDBCommunity",
            mongodb_community(),
        ),
    ]
}

/// operator-utils records the outcome of a sync as ReconcileSuccess=True or ReconcileError=True
/// and never removes either, so which came last is only in their timestamps. ReconcileSuccess
/// means the groups were synchronized at least once (what the next wave needs); a sync error
/// with no success yet is retried by the operator (an identity provider unreachable, a secret not
/// there yet, or wrong credentials: the reason is the same for all), so it waits with its message.
// Source: redhat-cop/group-sync-operator internal/controller/groupsync_controller.go (operator-utils v1.3.8).
fn group_sync() -> Rule {
    let success = cond("ReconcileSuccess", "True");
    let error = cond("ReconcileError", "True");
    Rule::named("GroupSync (ReconcileSuccess)")
        .when(
            "ReconcileSuccess is True",
            success.holds(),
            Status::Healthy,
            Message::text("groups synchronized").then(Message::condition_after(
                &error,
                "; a sync also failed: ",
                "",
            )),
        )
        .when(
            "ReconcileError is True, never synchronized",
            error.holds(),
            Status::Progressing,
            Message::condition_after(&error, "sync failing, retried: ", "sync failing, retried"),
        )
        .otherwise(
            Status::Progressing,
            Message::text("waiting for the first group sync"),
        )
}

/// Condition `type_` present with a status other than True.
fn not_true(type_: &str) -> crate::rule::ConditionSelector {
    cond_any(type_).with_status(TextMatch::NoneOf(vec!["True".to_owned()]))
}

/// The Instana operator writes `status.observedGeneration` and three conditions on every
/// reconcile: ReconcileSucceeded, AllAgentsAvailable (the agent DaemonSets are available and
/// updated) and, when the k8sensor is enabled, AllK8sSensorsAvailable. A failed reconcile is an
/// apply error it retries, so nothing here is terminal: the rule cannot degrade.
// Source: instana/instana-agent-operator pkg/k8s/operator/status/agent_status_manager.go.
fn instana_agent() -> Rule {
    let failed = cond("ReconcileSucceeded", "False");
    let agents = not_true("AllAgentsAvailable");
    let sensors = not_true("AllK8sSensorsAvailable");
    Rule::named("InstanaAgent (agents available)")
        .when(
            "status older than the spec",
            differ("status.observedGeneration", "metadata.generation"),
            Status::Progressing,
            Message::text("waiting for the operator to reconcile the latest spec"),
        )
        .when(
            "ReconcileSucceeded is False",
            failed.holds(),
            Status::Progressing,
            Message::condition_after(&failed, "reconcile failed, retried: ", "reconcile failed"),
        )
        .when(
            "agents not available",
            agents.holds(),
            Status::Progressing,
            Message::condition(&agents, "waiting for the agents"),
        )
        .when(
            "k8sensors not available",
            sensors.holds(),
            Status::Progressing,
            Message::condition(&sensors, "waiting for the k8sensors"),
        )
        .when(
            "reconciled and all agents available",
            all_true(&["ReconcileSucceeded", "AllAgentsAvailable"]),
            Status::Healthy,
            Message::condition(
                &cond("AllAgentsAvailable", "True"),
                "all Instana agents are available",
            ),
        )
        .otherwise(
            Status::Progressing,
            Message::text("waiting for the operator to report AllAgentsAvailable"),
        )
}

/// The Falcon operator adds conditions by type and never removes them: Pending while it
/// installs, Success=True ("installation completed") at the end of a reconcile, Failed (with
/// status False) when a step fails. Failed with reason RequirementsNotMet means the install
/// namespace already runs other workloads: the operator stops without retrying until the CR
/// names another namespace. Other Failed reasons are API errors it retries.
// Source: CrowdStrike/falcon-operator internal/controller/falcon_node/falconnodesensor_controller.go.
fn falcon_node_sensor() -> Rule {
    let success = cond("Success", "True");
    let refused = cond_any("Failed").with_reason("RequirementsNotMet");
    let failed = cond_any("Failed");
    Rule::named("FalconNodeSensor (Success)")
        .when(
            "Success is True",
            success.holds(),
            Status::Healthy,
            Message::condition(&success, "FalconNodeSensor installation completed"),
        )
        .when(
            "Failed: RequirementsNotMet",
            refused.holds(),
            Status::Degraded,
            Message::condition(
                &refused,
                "the install namespace does not meet the requirements",
            ),
        )
        .when(
            "Failed, retried",
            failed.holds(),
            Status::Progressing,
            Message::condition_after(&failed, "retrying: ", "a step failed, retrying"),
        )
        .otherwise(
            Status::Progressing,
            Message::condition(&cond_any("Pending"), "waiting for the Falcon operator"),
        )
}

/// MongoDB Community: phase Running once the replica set is ready, Pending while it waits (TLS
/// not valid yet, members not ready, scaling). Failed is written for spec validation errors and
/// for API errors alike and retried at once (`Retry(0)`), so it waits with the operator's
/// message. `status.version` and `status.currentMongoDBMembers` are written only when Running:
/// a Running status whose version or member count differs from the spec is left over from
/// before the change.
// Source: mongodb/mongodb-kubernetes-operator controllers/replica_set_controller.go.
fn mongodb_community() -> Rule {
    let running = equals("status.phase", "Running");
    Rule::named("MongoDBCommunity (phase)")
        .when(
            "Running an older version",
            all(vec![
                running.clone(),
                differ("spec.version", "status.version"),
            ]),
            Status::Progressing,
            Message::field_after("spec.version", "upgrading to MongoDB ", "upgrading MongoDB"),
        )
        .when(
            "Running with another member count",
            all(vec![
                running.clone(),
                differ("spec.members", "status.currentMongoDBMembers"),
            ]),
            Status::Progressing,
            Message::text("scaling the replica set"),
        )
        .when(
            "phase Running",
            running,
            Status::Healthy,
            Message::field_after("status.version", "MongoDB ", "MongoDB").then_text(" is running"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after("status.phase", "phase ", "waiting for the MongoDB operator")
                .then(Message::field_after("status.message", ": ", "")),
        )
}
