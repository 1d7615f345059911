//! IBM foundational services (operator.ibm.com) beyond OperandRequest: the registry and the
//! configuration that the operand deployment lifecycle manager (ODLM) reads. IBMLicensing and
//! NamespaceScope carry no readiness in their status: see `unchecked.rs`.

use super::Entry;
use crate::rule::{equals, one_of, Message, Rule, Status};

pub(super) fn entries() -> Vec<Entry> {
    let e = |kind: &str, rule: Rule| Entry::new("ibm_foundation", "operator.ibm.com", kind, rule);
    vec![
        e("OperandRegistry", operand_registry()),
        e("OperandConfig", operand_config()),
    ]
}

/// ODLM writes the registry's phase once it has read the registry: "Ready for Deployment" while
/// no OperandRequest uses it, "Running" once one does. Nothing else is ever written (the Failed,
/// Pending and Waiting phases of the type are unused), so the rule cannot degrade.
// Source: IBM/operand-deployment-lifecycle-manager controllers/operandregistry/operandregistry_controller.go.
fn operand_registry() -> Rule {
    Rule::named("OperandRegistry (phase)")
        .when(
            "registry read by ODLM",
            one_of("status.phase", &["Ready for Deployment", "Running"]),
            Status::Healthy,
            Message::field_after("status.phase", "phase ", "registry ready"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after(
                "status.phase",
                "phase ",
                "waiting for ODLM to read the registry",
            ),
        )
}

/// ODLM sums the state of every operand the configuration covers: Creating while one is still
/// missing, Running once all exist, Initialized when nothing is requested yet (ODLM itself treats
/// Initialized and Running as done). Failed means reading an operand returned an error other than
/// "not found" (an API or RBAC error, or a kind whose CRD is not installed yet); ODLM recomputes it
/// on every reconcile, so it waits with its phase rather than failing the sync.
// Source: IBM/operand-deployment-lifecycle-manager controllers/operandconfig/operandconfig_controller.go.
fn operand_config() -> Rule {
    Rule::named("OperandConfig (phase)")
        .when(
            "phase Running",
            equals("status.phase", "Running"),
            Status::Healthy,
            Message::text("every configured operand exists"),
        )
        .when(
            "phase Initialized",
            equals("status.phase", "Initialized"),
            Status::Healthy,
            Message::text("no configured operand is requested yet"),
        )
        .otherwise(
            Status::Progressing,
            Message::field_after(
                "status.phase",
                "phase ",
                "waiting for ODLM to read the configuration",
            ),
        )
}
