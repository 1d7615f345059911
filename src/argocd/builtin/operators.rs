//! Equivalents of the Lua checks Argo CD ships for operator kinds a MAS rollout deploys:
//! cert-manager Certificate, Issuer and ClusterIssuer, OpenShift IngressController,
//! Prometheus Operator's Prometheus and Argo CD's own ApplicationSet. Like Argo CD's scripts, each reads conditions in array order.

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

/// Prometheus (prometheus-operator): the last `Available` condition in array order decides:
/// True -> Healthy; otherwise Progressing while SomePodsNotReady, else Degraded, with its
/// message (its reason when it has none). Agrees with Argo CD's script (unchanged v3.0.0 to
/// master) on every test of its testdata.
pub fn prometheus(p: &Value) -> Result<Health, Mistyped> {
    let mut health = Health::new(Status::Progressing, "Waiting for initialization");
    let entries = super::fields::list(p, &CONDITIONS)?;
    // Argo CD's conversion drops nulls from arrays.
    for c in entries.iter().filter(|c| !c.is_null()) {
        let text = |k: &str| super::fields::string(c, &[k]);
        if text("type")? != "Available" {
            continue;
        }
        health = if text("status")? == "True" {
            Health::new(Status::Healthy, "All instances are available")
        } else {
            let status = if text("reason")? == "SomePodsNotReady" {
                Status::Progressing
            } else {
                Status::Degraded
            };
            // `condition.message or condition.reason`: only an absent message falls back.
            let message = match super::fields::at(c, &["message"]) {
                Some(_) => text("message")?,
                None => text("reason")?,
            };
            Health::new(status, message)
        };
    }
    Ok(health)
}

/// Argo CD's ApplicationSet, as its script reads it since v3.2.0 (3.0 and 3.1 read only
/// ErrorOccurred and ResourcesUpToDate=True): `ErrorOccurred=True`, then
/// `ResourcesUpToDate=False` -> Degraded; `RolloutProgressing=True` (a progressive sync under
/// way) -> Progressing; `ResourcesUpToDate=True` -> Healthy; each with the condition's message,
/// tried in that order over all conditions. Agrees with Argo CD's script on every test of its
/// testdata (v3.2.0 to master).
pub fn application_set(a: &Value) -> Result<Health, Mistyped> {
    let conds = super::fields::lua_conditions(a, &CONDITIONS)?;
    let order = [
        ("ErrorOccurred", "True", Status::Degraded),
        ("ResourcesUpToDate", "False", Status::Degraded),
        ("RolloutProgressing", "True", Status::Progressing),
        ("ResourcesUpToDate", "True", Status::Healthy),
    ];
    for (type_, status, verdict) in order {
        if let Some(c) = conds
            .iter()
            .find(|c| c.type_ == type_ && c.status == status)
        {
            return Ok(Health::new(verdict, c.message));
        }
    }
    let msg = "Waiting for the status to be reported";
    Ok(Health::new(Status::Progressing, msg))
}
