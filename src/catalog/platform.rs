//! OpenShift platform operators a MAS cluster configures: node feature discovery (which the NVIDIA
//! ClusterPolicy needs), cluster logging (5.x logging.openshift.io and 6.x
//! observability.openshift.io), optional CSI drivers, and OLM's OperatorGroup and
//! ClusterServiceVersion (Argo CD has no built-in check for either).

use super::families::{condition_true, waiting_for};
use super::Entry;
use crate::rule::{
    all, all_true, cond, cond_any, equals, exists, not, one_of, Message, Rule, Status,
};
use crate::rule::{Clause, RuleBuilder};

pub(super) fn entries() -> Vec<Entry> {
    let e = |group: &str, kind: &str, rule: Rule| Entry::new("platform", group, kind, rule);
    vec![
        e(
            "nfd.openshift.io",
            "NodeFeatureDiscovery",
            node_feature_discovery(),
        ),
        e("logging.openshift.io", "ClusterLogging", cluster_logging()),
        e(
            "logging.openshift.io",
            "ClusterLogForwarder",
            log_forwarder_v5(),
        ),
        e(
            "observability.openshift.io",
            "ClusterLogForwarder",
            log_forwarder_v6(),
        ),
        e("operator.openshift.io", "ClusterCSIDriver", csi_driver()),
        e("operators.coreos.com", "OperatorGroup", operator_group()),
        e(
            "operators.coreos.com",
            "ClusterServiceVersion",
            cluster_service_version(),
        ),
    ]
}

/// Condition `ok` is True -> Healthy with its message, or `fallback` (these operators leave the
/// message of a True condition empty).
fn true_with(ok: &str, fallback: &str) -> Clause {
    let mut c = condition_true(ok);
    c.message = Message::condition(&cond(ok, "True"), fallback);
    c
}

/// The NFD operator replaces its conditions as a set on every reconcile: Available=True once the
/// worker DaemonSet and the master and gc Deployments are up, otherwise Progressing=True or
/// Degraded=True. Its Degraded is written during every normal start (a Deployment with 0 available
/// pods, a DaemonSet not scheduled yet) and recomputed each reconcile, so it is not terminal: the
/// wave waits with its message.
// Source: openshift/cluster-nfd-operator internal/status/status.go.
fn node_feature_discovery() -> Rule {
    let degraded = cond("Degraded", "True");
    let progressing = cond("Progressing", "True");
    Rule::named("NodeFeatureDiscovery (Available)")
        .when(
            "Degraded is True",
            degraded.holds(),
            Status::Progressing,
            Message::condition_after(&degraded, "not available yet: ", "not available yet"),
        )
        .clause(true_with(
            "Available",
            "node feature discovery is available",
        ))
        .when(
            "Progressing is True",
            progressing.holds(),
            Status::Progressing,
            Message::condition_after(&progressing, "progressing: ", "progressing"),
        )
        .otherwise(
            Status::Progressing,
            Message::text("waiting for the NFD operator to report Available"),
        )
}

/// The shape the logging operator's kinds share: Ready=True is Healthy; then `special`, the
/// Ready states that need a person or are deliberate; any other Ready=False is a reconcile error
/// the operator retries, and any other Ready (Unknown while in transition) waits.
fn logging_ready(name: &str, ready: &str, special: RuleBuilder) -> Rule {
    let unready = cond("Ready", "False");
    Rule::named(name)
        .clause(true_with("Ready", ready))
        // Only the special clauses are kept; this default is dropped.
        .clauses(special.otherwise(Status::Unknown, Message::text("")).clauses)
        .when(
            "Ready is False, retried",
            unready.holds(),
            Status::Progressing,
            Message::condition_after(&unready, "not ready: ", "not ready"),
        )
        .clause(waiting_for("Ready"))
        .otherwise(
            Status::Progressing,
            Message::text("waiting for the logging operator to report Ready"),
        )
}

/// Logging 5.x: Ready=True once the ClusterLogging instance is reconciled. The operator writes
/// Ready=False with reason Invalid both for a spec that fails validation and for an API error
/// it retries ("error reconciling clusterlogging instance"), so Ready=False cannot tell a person's
/// fix from a retry: it holds the wave with the operator's message instead of failing the sync.
// Source: openshift/cluster-logging-operator@release-5.9 internal/controller/clusterlogging/clusterlogging_controller.go.
fn cluster_logging() -> Rule {
    logging_ready(
        "ClusterLogging (Ready)",
        "logging is ready",
        Rule::named(""),
    )
}

/// Logging 5.x forwarder: Ready=False with reason Invalid (the spec has errors: an unknown output
/// type, a missing secret key) or ValidationFailure (the loader rejected it) is written after
/// validation, which only a change of the spec or its secrets can pass; the operator documents
/// Ready=False as "cannot recover without some external change".
// Source: openshift/cluster-logging-operator@release-5.9 internal/controller/forwarding/forwarding_controller.go.
fn log_forwarder_v5() -> Rule {
    let invalid = cond("Ready", "False").with_reason("Invalid");
    let rejected = cond("Ready", "False").with_reason("ValidationFailure");
    let validation = cond("Validation", "True");
    let special = Rule::named("")
        .when(
            "Ready is False: Invalid",
            invalid.holds(),
            Status::Degraded,
            Message::condition_after(&invalid, "invalid forwarder: ", "invalid forwarder"),
        )
        .when(
            "Ready is False: ValidationFailure",
            rejected.holds(),
            Status::Degraded,
            Message::condition_after(
                &validation,
                "validation failed: ",
                "the forwarder failed validation",
            ),
        );
    logging_ready(
        "ClusterLogForwarder 5.x (Ready)",
        "the forwarder is ready",
        special,
    )
}

/// Logging 6.x forwarder: every reconcile rewrites Ready. Ready=False with reason
/// ValidationFailure means the spec or the collector's service account failed validation (the
/// operator then removes the collector): only a person changing the spec or granting the roles
/// clears it. Its own message is a fixed "collector not ready", so the message of the failing
/// Authorized or Valid condition is shown. Other Ready=False reasons (DeploymentError,
/// InitializationFailed) are reconcile errors the operator retries; an Unmanaged forwarder is
/// ignored by the operator on purpose.
// Source: openshift/cluster-logging-operator internal/controller/observability/clusterlogforwarder_controller.go.
fn log_forwarder_v6() -> Rule {
    let rejected = cond("Ready", "False").with_reason("ValidationFailure");
    let unauthorized = cond("observability.openshift.io/Authorized", "False");
    let invalid = cond("observability.openshift.io/Valid", "False");
    let unmanaged = cond_any("Ready").with_reason("ManagementStateUnmanaged");
    let special = Rule::named("")
        .when(
            "Ready is False: ValidationFailure, not authorized",
            all(vec![rejected.holds(), unauthorized.holds()]),
            Status::Degraded,
            Message::condition_after(
                &unauthorized,
                "not authorized: ",
                "the collector service account is not authorized",
            ),
        )
        .when(
            "Ready is False: ValidationFailure",
            rejected.holds(),
            Status::Degraded,
            Message::condition(&invalid, "the forwarder failed validation"),
        )
        .when(
            "managementState Unmanaged",
            unmanaged.holds(),
            Status::Suspended,
            Message::condition(&unmanaged, "the forwarder is Unmanaged"),
        );
    logging_ready(
        "ClusterLogForwarder 6.x (Ready)",
        "the forwarder is ready",
        special,
    )
}

/// Condition prefixes of the optional CSI driver operators, by driver name: library-go names
/// each condition after the controller that writes it, so the types differ per driver.
const CSI_DRIVERS: [(&str, &str); 2] = [
    ("efs.csi.aws.com", "AWSEFSDriver"),
    ("filestore.csi.storage.gke.io", "GCPFilestoreDriver"),
];

/// An optional CSI driver is ready when its node and controller services are Available, the
/// conditions Red Hat's documentation says to wait for. Degraded conditions are recomputed by
/// library-go controllers on every sync (a Deployment with no available pod during start-up), so
/// they wait. For a driver not listed here (its conditions are not known), the check says so and
/// passes, as Argo CD does without a check.
// Source: openshift/aws-efs-csi-driver-operator pkg/operator/starter.go; openshift/library-go pkg/operator/csi.
fn csi_driver() -> Rule {
    let mut b = Rule::named("ClusterCSIDriver (services Available)");
    for (name, prefix) in CSI_DRIVERS {
        let node = format!("{prefix}NodeServiceControllerAvailable");
        let controller = format!("{prefix}ControllerServiceControllerAvailable");
        let this = equals("metadata.name", name);
        b = b
            .when(
                &format!("{name}: node and controller services Available"),
                all(vec![this.clone(), all_true(&[&node, &controller])]),
                Status::Healthy,
                Message::text(&format!(
                    "{name}: node and controller services are available"
                )),
            )
            .when(
                &format!("{name}: node service not Available"),
                all(vec![this.clone(), not(cond(&node, "True").holds())]),
                Status::Progressing,
                Message::condition_after(
                    &cond_any(&node),
                    "node service: ",
                    "waiting for the node service",
                ),
            )
            .when(
                &format!("{name}: controller service not Available"),
                this,
                Status::Progressing,
                Message::condition_after(
                    &cond_any(&controller),
                    "controller service: ",
                    "waiting for the controller service",
                ),
            );
    }
    // Any other driver: its conditions are not known here.
    b.otherwise(
        Status::Healthy,
        Message::text("no readiness conditions known for this driver"),
    )
}

/// OLM sets `status.lastUpdated` when it has resolved the group's target namespaces. A
/// MultipleOperatorGroup condition means OLM will not install any operator in the namespace
/// (its CSVs fail with TooManyOperatorGroups) until a person deletes the extra group. A missing
/// service account is waited for: OLM clears the condition when the account appears.
// Source: operator-framework/operator-lifecycle-manager pkg/controller/operators/olm/operatorgroup.go.
fn operator_group() -> Rule {
    let multiple = cond("MultipleOperatorGroup", "True");
    let no_account = cond("OperatorGroupServiceAccount", "True");
    Rule::named("OLM OperatorGroup")
        .when(
            "several OperatorGroups in the namespace",
            multiple.holds(),
            Status::Degraded,
            Message::condition(&multiple, "several OperatorGroups in the namespace"),
        )
        .when(
            "service account not found",
            no_account.holds(),
            Status::Progressing,
            Message::condition(&no_account, "waiting for the service account"),
        )
        .when(
            "target namespaces resolved",
            exists("status.lastUpdated"),
            Status::Healthy,
            Message::text("target namespaces resolved"),
        )
        .otherwise(
            Status::Progressing,
            Message::text("waiting for OLM to resolve the target namespaces"),
        )
}

/// CSV reasons after which OLM waits for a person: an invalid bundle, or OperatorGroups that do
/// not fit it (OLM re-checks only when the groups change). Other Failed reasons (install check
/// failed, component unhealthy) are re-checked by OLM on every sync and may heal.
const CSV_TERMINAL: [&str; 11] = [
    "InstallComponentFailedNoRetry",
    "InvalidInstallStrategy",
    "InvalidInstallModes",
    "InvalidWebhookDescription",
    "OwnerConflict",
    "InterOperatorGroupOwnerConflict",
    "CannotModifyStaticOperatorGroupProvidedAPIs",
    "TooManyOperatorGroups",
    "NoOperatorGroup",
    "UnsupportedOperatorGroup",
    "NoTargetNamespaces",
];

/// The CSV's phase: Succeeded is installed; Failed with a reason from [`CSV_TERMINAL`] needs a
/// person; everything else (Pending, InstallReady, Installing, Replacing, a retried Failed) waits.
// Source: operator-framework/operator-lifecycle-manager pkg/controller/operators/olm/operator.go.
fn cluster_service_version() -> Rule {
    let message = Message::field_after("status.message", ": ", "");
    Rule::named("OLM ClusterServiceVersion (phase)")
        .when(
            "phase Succeeded",
            equals("status.phase", "Succeeded"),
            Status::Healthy,
            Message::field_after("spec.version", "installed ", "installed"),
        )
        .when(
            "phase Failed, needs a person",
            all(vec![
                equals("status.phase", "Failed"),
                one_of("status.reason", &CSV_TERMINAL),
            ]),
            Status::Degraded,
            Message::field_after("status.reason", "Failed ", "Failed").then(message.clone()),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after("status.phase", "phase ", "waiting for OLM")
                .then(Message::field_after("status.reason", " ", ""))
                .then(message),
        )
}
