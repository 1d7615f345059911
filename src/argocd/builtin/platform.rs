//! gitops-engine's Go checks for Ingress, APIService and HorizontalPodAutoscaler, and an
//! equivalent of Argo CD's built-in Lua check for CustomResourceDefinition.

use super::fields::{api_version, at, conditions, lua_conditions, Condition, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

/// Ingress (networking.k8s.io and extensions): Healthy once it has a load-balancer address.
pub fn ingress(i: &Value) -> Result<Health, Mistyped> {
    // gitops-engine reads this list without converting the object: a wrong type is no list.
    let addresses = at(i, &["status", "loadBalancer", "ingress"])
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let status = if addresses {
        Status::Healthy
    } else {
        Status::Progressing
    };
    Ok(Health::new(status, ""))
}

/// APIService: the first Available condition decides (True is Healthy, else Progressing).
pub fn api_service(a: &Value) -> Result<Health, Mistyped> {
    let conds = conditions(a, &CONDITIONS)?;
    Ok(match conds.iter().find(|c| c.type_ == "Available") {
        Some(c) => {
            let status = if c.status == "True" {
                Status::Healthy
            } else {
                Status::Progressing
            };
            Health::new(status, format!("{}: {}", c.reason, c.message))
        }
        None => Health::new(Status::Progressing, "Waiting to be processed"),
    })
}

const WAITING_TO_AUTOSCALE: &str = "Waiting to Autoscale";

/// Reasons that make an HPA Degraded, by condition type.
const HPA_FAILURES: [(&str, &str); 8] = [
    ("AbleToScale", "FailedGetScale"),
    ("AbleToScale", "FailedUpdateScale"),
    ("ScalingActive", "FailedGetResourceMetric"),
    ("ScalingActive", "FailedGetObjectMetric"),
    ("ScalingActive", "FailedGetPodsMetric"),
    ("ScalingActive", "FailedGetExternalMetric"),
    ("ScalingActive", "FailedComputeMetricsReplicas"),
    ("ScalingActive", "InvalidSelector"),
];

/// HorizontalPodAutoscaler: v2 reads `status.conditions`, v1 the conditions annotation; a
/// failure reason is Degraded, AbleToScale or ScalingLimited True is Healthy.
pub fn hpa(h: &Value) -> Result<Health, Mistyped> {
    if api_version(h) == "autoscaling/v1" {
        let key = "autoscaling.alpha.kubernetes.io/conditions";
        let Some(text) = at(h, &["metadata", "annotations", key]).and_then(Value::as_str) else {
            return Ok(Health::new(Status::Progressing, WAITING_TO_AUTOSCALE));
        };
        let parsed: Value = serde_json::from_str(text).map_err(|e| {
            Mistyped(format!(
                "failed to convert conditions annotation to typed: {e}"
            ))
        })?;
        let wrapped = serde_json::json!({ "c": parsed });
        return Ok(hpa_conditions(&conditions(&wrapped, &["c"])?));
    }
    Ok(hpa_conditions(&conditions(h, &CONDITIONS)?))
}

fn hpa_conditions(conds: &[Condition<'_>]) -> Health {
    let failed = |c: &&Condition<'_>| HPA_FAILURES.contains(&(c.type_, c.reason));
    if let Some(c) = conds.iter().find(failed) {
        return Health::new(Status::Degraded, c.message);
    }
    let scaling = |c: &&Condition<'_>| {
        matches!(c.type_, "AbleToScale" | "ScalingLimited") && c.status == "True"
    };
    match conds.iter().find(scaling) {
        Some(c) => Health::new(Status::Healthy, c.message),
        None => Health::new(Status::Progressing, WAITING_TO_AUTOSCALE),
    }
}

/// CustomResourceDefinition, as Argo CD's script reads it since v3.5.0 (earlier versions lack
/// the Installing branch): being deleted or `Terminating=True` -> Progressing;
/// `NamesAccepted=False` or `NonStructuralSchema=True` -> Degraded; `Established=True`
/// -> Healthy, Established False with reason Installing -> Progressing, else Degraded "CRD is
/// not established". The first deciding condition in array order wins. Agrees with Argo CD's
/// script on every test of its testdata (v3.5.0 and master).
pub fn custom_resource_definition(crd: &Value) -> Result<Health, Mistyped> {
    if at(crd, &["metadata", "deletionTimestamp"]).is_some() {
        return Ok(Health::new(Status::Progressing, "CRD is terminating"));
    }
    if at(crd, &["status"]).is_none() {
        // The script indexes obj.status.conditions and stops with a Lua error.
        return Err(Mistyped(
            "status is absent (the script fails on it)".to_owned(),
        ));
    }
    let conds = lua_conditions(crd, &CONDITIONS)?;
    if conds.is_empty() {
        return Ok(Health::new(
            Status::Progressing,
            "Status conditions not found",
        ));
    }
    let mut established = false;
    for c in conds {
        let said = |prefix: &str| format!("{prefix}: {}", c.message);
        match (c.type_, c.status) {
            ("Terminating", "True") => {
                let msg = said("CRD is terminating");
                return Ok(Health::new(Status::Progressing, msg));
            }
            ("NamesAccepted", "False") => {
                let msg = said("CRD names have not been accepted");
                return Ok(Health::new(Status::Degraded, msg));
            }
            ("NonStructuralSchema", "True") => {
                let msg = said("Schema violations found");
                return Ok(Health::new(Status::Degraded, msg));
            }
            ("Established", "True") => established = true,
            ("Established", _) if c.reason == "Installing" => {
                return Ok(Health::new(Status::Progressing, "CRD is being installed"));
            }
            _ => {}
        }
    }
    Ok(if established {
        Health::new(Status::Healthy, "CRD is healthy")
    } else {
        Health::new(Status::Degraded, "CRD is not established")
    })
}
