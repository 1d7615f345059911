//! Equivalents of Argo CD's built-in Lua checks for OpenShift's Route and DeploymentConfig.
//!
//! Each was run against Argo CD's own script on its testdata (v3.0.0 to master: the script is
//! unchanged) and agrees on every test there; the fixtures under tests/builtin/ are ours.

use super::fields::{at, lua_conditions, opt_int, Mistyped};
use crate::rule::{Health, Status};
use serde_json::Value;

const ADMITTING: &str = "Route is still getting admitted";

/// Route: every router's entry in `status.ingress` has `Admitted=True` -> Healthy; any
/// `Admitted=False` (HostAlreadyClaimed, an invalid host) -> Degraded; else Progressing. No
/// `status.ingress` yet (or an empty list, which counts as all admitted) as Argo CD counts it.
pub fn route(r: &Value) -> Result<Health, Mistyped> {
    let Some(ingress) = at(r, &["status", "ingress"]) else {
        return Ok(Health::new(Status::Progressing, ADMITTING));
    };
    let entries = ingress
        .as_array()
        .ok_or_else(|| Mistyped("status.ingress is not a list".to_owned()))?;
    let (mut routers, mut admitted, mut refused) = (0, 0, 0);
    // Argo CD's conversion drops nulls from arrays, so a null entry is no router.
    for entry in entries.iter().filter(|e| !e.is_null()) {
        routers += 1;
        if at(entry, &["conditions"]).is_none() {
            // The script calls pairs() on it and stops with a Lua error.
            let why = "a status.ingress entry has no conditions (the script fails on it)";
            return Err(Mistyped(why.to_owned()));
        }
        for c in lua_conditions(entry, &["conditions"])? {
            match (c.type_, c.status) {
                ("Admitted", "True") => admitted += 1,
                ("Admitted", "False") => refused += 1,
                _ => {}
            }
        }
    }
    Ok(if admitted == routers {
        Health::new(Status::Healthy, "Route is healthy")
    } else if refused > 0 {
        Health::new(Status::Degraded, "Route is degraded")
    } else {
        Health::new(Status::Progressing, ADMITTING)
    })
}

const WAITING_FOR_PODS: &str = "replication controller is waiting for pods to run";

/// DeploymentConfig: once `status.conditions` and `status.replicas` are set, `Available=True`
/// and `Progressing=True` with reason NewReplicationControllerAvailable (both, or zero replicas)
/// -> Healthy, one of them -> Progressing, neither -> Degraded.
pub fn deployment_config(d: &Value) -> Result<Health, Mistyped> {
    let replicas = opt_int(d, &["status", "replicas"])?;
    let (Some(replicas), Some(_)) = (replicas, at(d, &["status", "conditions"])) else {
        return Ok(Health::new(Status::Progressing, WAITING_FOR_PODS));
    };
    let counted = lua_conditions(d, &["status", "conditions"])?
        .iter()
        .filter(|c| {
            let rolled_out =
                c.type_ == "Progressing" && c.reason == "NewReplicationControllerAvailable";
            (c.type_ == "Available" || rolled_out) && c.status == "True"
        })
        .count();
    Ok(if counted == 2 || replicas == 0 {
        let msg = "replication controller successfully rolled out";
        Health::new(Status::Healthy, msg)
    } else if counted == 1 {
        Health::new(Status::Progressing, WAITING_FOR_PODS)
    } else {
        Health::new(Status::Degraded, "Deployment config is degraded")
    })
}
