//! OpenShift add-ons a MAS cluster installs: Red Hat Marketplace, the NVIDIA GPU operator,
//! the Compliance operator, cert-manager, and IBM's operand requests.

use super::families::{self, condition_true, progress_of, waiting_for, ConditionFamily};
use super::Entry;
use crate::rule::{all_true, cond, equals, Clause, Message, Rule, Status};

pub(super) fn entries() -> Vec<Entry> {
    let e = |group: &str, kind: &str, rule: Rule| Entry::new("openshift", group, kind, rule);
    vec![
        e("marketplace.redhat.com", "MarketplaceConfig", marketplace()),
        // gpu-operator api/nvidia/v1 clusterpolicy_types.go: the State is notReady until
        // every operand is ready (driver builds take minutes).
        e("nvidia.com", "ClusterPolicy", gpu_cluster_policy())
            .passing_through("status.state", &["notReady"]),
        e(
            "compliance.openshift.io",
            "ScanSettingBinding",
            scan_setting_binding(),
        ),
        // compliance-operator tailoredprofile_types.go: a new TailoredProfile is PENDING until
        // the operator has validated it and written its ConfigMap.
        e(
            "compliance.openshift.io",
            "TailoredProfile",
            tailored_profile(),
        )
        .passing_through("status.state", &["PENDING"]),
        e("operator.openshift.io", "CertManager", cert_manager()),
        e("operator.ibm.com", "OperandRequest", operand_request()),
    ]
}

fn marketplace() -> Rule {
    let no_license = cond("NoLicense", "True");
    Rule::named("MarketplaceConfig (Complete)")
        // The operator stops until someone accepts the license: no retry heals this.
        .when(
            "the license is not accepted",
            no_license.holds(),
            Status::Degraded,
            Message::condition(
                &no_license,
                "the Red Hat Marketplace license is not accepted",
            ),
        )
        .clause(condition_true("Complete"))
        .clause(waiting_for("Complete"))
        .otherwise(Status::Progressing, Message::text("waiting for Complete"))
}

/// The GPU operator's `notReady` is normal while drivers build; only its Error condition is a
/// failure, and its message is kept.
fn gpu_cluster_policy() -> Rule {
    // Error=True with reason OperandNotReady is written during every normal driver build and
    // retried every few seconds; other reasons (ReconcileFailed) are failures.
    let error = cond("Error", "True").with_reason_not("OperandNotReady");
    Rule::named("NVIDIA ClusterPolicy (state)")
        .when(
            "Error is True",
            error.holds(),
            Status::Degraded,
            Message::condition(&error, "the GPU operator reports an error"),
        )
        .when(
            "state ready",
            equals("status.state", "ready"),
            Status::Healthy,
            Message::text("GPU operator ready"),
        )
        .when(
            "state ignored",
            equals("status.state", "ignored"),
            Status::Degraded,
            Message::text("state ignored: another ClusterPolicy is already active"),
        )
        .otherwise(Status::Progressing, progress_of("status.state"))
}

/// ScanSettingBinding: the Ready family, plus the two Ready=False reasons that are not progress:
/// Invalid (the operator gives up: "nothing we can do") and Suspended (on purpose).
fn scan_setting_binding() -> Rule {
    let invalid = cond("Ready", "False").with_reason("Invalid");
    let suspended = cond("Ready", "False").with_reason("Suspended");
    ConditionFamily::of("ScanSettingBinding (Ready family)", "Ready")
        .with_override(Clause::new(
            "Ready is False: Invalid",
            invalid.holds(),
            Status::Degraded,
            Message::condition(&invalid, "the binding is invalid"),
        ))
        .with_override(Clause::new(
            "Ready is False: Suspended",
            suspended.holds(),
            Status::Suspended,
            Message::condition(&suspended, "scans are suspended"),
        ))
        .rule()
}

fn tailored_profile() -> Rule {
    families::state_family(
        "TailoredProfile (state)",
        "status.state",
        families::StateValues {
            healthy: &["READY"],
            degraded: &["ERROR"],
        },
        Message::field_after("status.errorMessage", ": ", ""),
    )
}

/// cert-manager is ready when its three deployments are available.
fn cert_manager() -> Rule {
    let parts = ["controller", "cainjector", "webhook"];
    let mut b = Rule::named("CertManager (deployments available)");
    for p in parts {
        let degraded = cond(&format!("cert-manager-{p}-deploymentDegraded"), "True");
        b = b.when(
            &format!("{p} degraded"),
            degraded.holds(),
            Status::Degraded,
            Message::condition(&degraded, &format!("cert-manager {p} is degraded")),
        );
    }
    let available: Vec<String> = parts
        .iter()
        .map(|p| format!("cert-manager-{p}-deploymentAvailable"))
        .collect();
    let available: Vec<&str> = available.iter().map(String::as_str).collect();
    b.when(
        "all deployments available",
        all_true(&available),
        Status::Healthy,
        Message::text("cert-manager controller, cainjector and webhook are available"),
    )
    .otherwise(
        Status::Progressing,
        Message::text("waiting for the cert-manager deployments to be available"),
    )
}

/// IBM's operand deployment lifecycle manager: phase Running once every operand is installed.
fn operand_request() -> Rule {
    Rule::named("OperandRequest (phase)")
        .when(
            "phase Failed",
            equals("status.phase", "Failed"),
            Status::Degraded,
            Message::text("operand request Failed").then(Message::condition_after(
                &cond("Ready", "False"),
                ": ",
                "",
            )),
        )
        .when(
            "phase Running",
            equals("status.phase", "Running"),
            Status::Healthy,
            Message::text("operands are running"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after("status.phase", "phase ", "waiting for the operands"),
        )
}
