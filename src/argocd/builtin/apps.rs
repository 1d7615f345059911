//! gitops-engine's Go checks for apps/v1 Deployment, StatefulSet, DaemonSet and ReplicaSet.

use super::fields::{conditions, int, name, opt_int, string, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

/// Deployment: paused is Suspended; ProgressDeadlineExceeded is Degraded; otherwise the rollout
/// must be observed, every replica updated, old ones gone and the updated ones available.
pub fn deployment(d: &Value) -> Result<Health, Mistyped> {
    if super::fields::boolean(d, &["spec", "paused"])? {
        return Ok(Health::new(Status::Suspended, "Deployment is paused"));
    }
    if int(d, &["metadata", "generation"])? > int(d, &["status", "observedGeneration"])? {
        return Ok(waiting(
            "observed deployment generation less than desired generation",
        ));
    }
    let conds = conditions(d, &CONDITIONS)?;
    let progressing = conds.iter().find(|c| c.type_ == "Progressing");
    if progressing.is_some_and(|c| c.reason == "ProgressDeadlineExceeded") {
        let msg = format!("Deployment {:?} exceeded its progress deadline", name(d));
        return Ok(Health::new(Status::Degraded, msg));
    }
    let wanted = opt_int(d, &["spec", "replicas"])?;
    let updated = int(d, &["status", "updatedReplicas"])?;
    let replicas = int(d, &["status", "replicas"])?;
    let available = int(d, &["status", "availableReplicas"])?;
    Ok(match wanted {
        Some(w) if updated < w => waiting(&format!(
            "{updated} out of {w} new replicas have been updated..."
        )),
        _ if replicas > updated => waiting(&format!(
            "{} old replicas are pending termination...",
            replicas - updated
        )),
        _ if available < updated => waiting(&format!(
            "{available} of {updated} updated replicas are available..."
        )),
        _ => Health::new(Status::Healthy, ""),
    })
}

fn waiting(what: &str) -> Health {
    Health::new(
        Status::Progressing,
        format!("Waiting for rollout to finish: {what}"),
    )
}

/// StatefulSet: the spec must be observed and every replica ready; then the update strategy
/// decides (partitioned rolling update, OnDelete, or revisions equal).
pub fn stateful_set(s: &Value) -> Result<Health, Mistyped> {
    let observed = int(s, &["status", "observedGeneration"])?;
    if observed == 0 || int(s, &["metadata", "generation"])? > observed {
        let msg = "Waiting for statefulset spec update to be observed...";
        return Ok(Health::new(Status::Progressing, msg));
    }
    let wanted = opt_int(s, &["spec", "replicas"])?;
    let ready = int(s, &["status", "readyReplicas"])?;
    if let Some(w) = wanted.filter(|w| ready < *w) {
        let msg = format!("Waiting for {} pods to be ready...", w - ready);
        return Ok(Health::new(Status::Progressing, msg));
    }
    let strategy = string(s, &["spec", "updateStrategy", "type"])?;
    let updated = int(s, &["status", "updatedReplicas"])?;
    let rolling = super::fields::at(s, &["spec", "updateStrategy", "rollingUpdate"]);
    if strategy == "RollingUpdate" && rolling.is_some() {
        return partitioned(s, wanted, updated);
    }
    if strategy == "OnDelete" {
        let msg = format!("statefulset has {ready} ready pods");
        return Ok(Health::new(Status::Healthy, msg));
    }
    revisions(s, updated)
}

fn partitioned(s: &Value, wanted: Option<i64>, updated: i64) -> Result<Health, Mistyped> {
    let path = ["spec", "updateStrategy", "rollingUpdate", "partition"];
    if let (Some(w), Some(p)) = (wanted, opt_int(s, &path)?) {
        if updated < w - p {
            let msg = format!(
                "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...",
                w - p
            );
            return Ok(Health::new(Status::Progressing, msg));
        }
    }
    let msg = format!("partitioned roll out complete: {updated} new pods have been updated...");
    Ok(Health::new(Status::Healthy, msg))
}

fn revisions(s: &Value, updated: i64) -> Result<Health, Mistyped> {
    let update = string(s, &["status", "updateRevision"])?;
    let current = string(s, &["status", "currentRevision"])?;
    if update != current {
        let msg = format!(
            "waiting for statefulset rolling update to complete {updated} pods at revision {update}..."
        );
        return Ok(Health::new(Status::Progressing, msg));
    }
    let pods = int(s, &["status", "currentReplicas"])?;
    let msg = format!("statefulset rolling update complete {pods} pods at revision {current}...");
    Ok(Health::new(Status::Healthy, msg))
}

/// DaemonSet: the spec must be observed; OnDelete is Healthy; otherwise every scheduled pod
/// updated and available.
pub fn daemon_set(d: &Value) -> Result<Health, Mistyped> {
    if int(d, &["metadata", "generation"])? > int(d, &["status", "observedGeneration"])? {
        return Ok(waiting(
            "observed daemon set generation less than desired generation",
        ));
    }
    let updated = int(d, &["status", "updatedNumberScheduled"])?;
    let desired = int(d, &["status", "desiredNumberScheduled"])?;
    if string(d, &["spec", "updateStrategy", "type"])? == "OnDelete" {
        let msg = format!("daemon set {updated} out of {desired} new pods have been updated");
        return Ok(Health::new(Status::Healthy, msg));
    }
    let available = int(d, &["status", "numberAvailable"])?;
    let rollout = format!("Waiting for daemon set {:?} rollout to finish: ", name(d));
    Ok(if updated < desired {
        Health::new(
            Status::Progressing,
            format!("{rollout}{updated} out of {desired} new pods have been updated..."),
        )
    } else if available < desired {
        Health::new(
            Status::Progressing,
            format!("{rollout}{available} of {desired} updated pods are available..."),
        )
    } else {
        Health::new(Status::Healthy, "")
    })
}

/// ReplicaSet: the spec must be observed; ReplicaFailure True is Degraded; otherwise every
/// replica available.
pub fn replica_set(r: &Value) -> Result<Health, Mistyped> {
    if int(r, &["metadata", "generation"])? > int(r, &["status", "observedGeneration"])? {
        return Ok(waiting(
            "observed replica set generation less than desired generation",
        ));
    }
    let conds = conditions(r, &CONDITIONS)?;
    if let Some(c) = conds.iter().find(|c| c.type_ == "ReplicaFailure") {
        if c.status == "True" {
            return Ok(Health::new(Status::Degraded, c.message));
        }
    }
    let available = int(r, &["status", "availableReplicas"])?;
    Ok(match opt_int(r, &["spec", "replicas"])? {
        Some(w) if available < w => waiting(&format!(
            "{available} out of {w} new replicas are available..."
        )),
        _ => Health::new(Status::Healthy, ""),
    })
}
