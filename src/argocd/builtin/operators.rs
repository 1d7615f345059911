//! Equivalents of the Lua checks Argo CD ships for operator kinds a MAS rollout deploys:
//! cert-manager Certificate, Issuer and ClusterIssuer, OpenShift IngressController and Strimzi
//! Kafka. Like Argo CD's scripts, each takes the first matching condition in array order.

use super::fields::{conditions, Condition, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

fn status_conditions(obj: &Value) -> Result<Vec<Condition<'_>>, Mistyped> {
    conditions(obj, &CONDITIONS)
}

/// Ready False is Degraded, Ready True Healthy (first Ready in array order), else `waiting`.
fn ready(obj: &Value, waiting: &str) -> Result<Health, Mistyped> {
    for c in status_conditions(obj)? {
        match (c.type_, c.status) {
            ("Ready", "False") => return Ok(Health::new(Status::Degraded, c.message)),
            ("Ready", "True") => return Ok(Health::new(Status::Healthy, c.message)),
            _ => {}
        }
    }
    Ok(Health::new(Status::Progressing, waiting))
}

/// cert-manager Certificate: Issuing True first (a renewal in flight), then Ready.
pub fn certificate(c: &Value) -> Result<Health, Mistyped> {
    let conds = status_conditions(c)?;
    if let Some(i) = conds
        .iter()
        .find(|x| x.type_ == "Issuing" && x.status == "True")
    {
        return Ok(Health::new(Status::Progressing, i.message));
    }
    ready(c, "Waiting for certificate")
}

/// cert-manager Issuer.
pub fn issuer(i: &Value) -> Result<Health, Mistyped> {
    ready(i, "Initializing issuer")
}

/// cert-manager ClusterIssuer.
pub fn cluster_issuer(i: &Value) -> Result<Health, Mistyped> {
    ready(i, "Initializing ClusterIssuer")
}

/// OpenShift IngressController: the first condition in array order that says something decides.
pub fn ingress_controller(i: &Value) -> Result<Health, Mistyped> {
    for c in status_conditions(i)? {
        let found = match (c.type_, c.status) {
            ("Degraded", "True") => Some(Health::new(Status::Degraded, c.message)),
            ("DeploymentReplicasAllAvailable", "False") => {
                Some(Health::new(Status::Progressing, c.message))
            }
            ("Progressing", "True") => Some(Health::new(Status::Progressing, c.reason)),
            ("Available", "True") => Some(Health::new(
                Status::Healthy,
                "IngressController is available",
            )),
            _ => None,
        };
        if let Some(h) = found {
            return Ok(h);
        }
    }
    let msg = "Status of IngressController is not known yet";
    Ok(Health::new(Status::Progressing, msg))
}

/// Strimzi Kafka: NotReady True (other than while Creating) is Degraded, Ready True Healthy.
pub fn kafka(k: &Value) -> Result<Health, Mistyped> {
    for c in status_conditions(k)? {
        if c.type_ == "NotReady" && c.status == "True" && c.reason != "Creating" {
            return Ok(Health::new(Status::Degraded, c.message));
        }
        if c.type_ == "Ready" && c.status == "True" {
            return Ok(Health::new(Status::Healthy, ""));
        }
    }
    Ok(Health::new(
        Status::Progressing,
        "Waiting for Kafka Cluster",
    ))
}
