//! gitops-engine's Go checks for core v1 Pod, PersistentVolumeClaim and Service.

use super::fields::{at, conditions, int, list, string, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

const HOOK: &str = "argocd.argoproj.io/hook";
const HELM_HOOK: &str = "helm.sh/hook";
const IGNORE_RESTART_POLICY: &str = "argocd.argoproj.io/ignore-restart-policy";

fn annotation<'v>(obj: &'v Value, key: &str) -> Option<&'v str> {
    at(obj, &["metadata", "annotations", key]).and_then(Value::as_str)
}

/// Whether Argo CD treats the object as a sync hook (a hook annotation other than `Skip` alone,
/// or a Helm hook).
fn is_hook(obj: &Value) -> bool {
    match annotation(obj, HOOK) {
        Some(types) => types.split(',').map(str::trim).ne(["Skip"]),
        None => annotation(obj, HELM_HOOK).is_some(),
    }
}

/// Pod: with restart policy Always (or the ignore-restart-policy annotation on a non-hook), a
/// container waiting in an error or back-off state is Degraded; then the phase decides.
pub fn pod(p: &Value) -> Result<Health, Mistyped> {
    let policy = string(p, &["spec", "restartPolicy"])?;
    let ignore = annotation(p, IGNORE_RESTART_POLICY) == Some("true") && !is_hook(p);
    let restarts = policy == "Always" || ignore;
    let message = string(p, &["status", "message"])?;
    if restarts {
        if let Some(h) = crashing(p)? {
            return Ok(h);
        }
    }
    let health = |s: Status| Ok(Health::new(s, message));
    match string(p, &["status", "phase"])? {
        "Pending" => health(Status::Progressing),
        "Succeeded" => health(Status::Healthy),
        "Failed" if !message.is_empty() => health(Status::Degraded),
        "Failed" => Ok(Health::new(Status::Degraded, failure_of(p)?)),
        "Running" if restarts => running(p, message),
        "Running" if matches!(policy, "OnFailure" | "Never") => health(Status::Progressing),
        _ => health(Status::Unknown),
    }
}

/// Degraded with every waiting container's message, when any waits on an error or back-off.
fn crashing(p: &Value) -> Result<Option<Health>, Mistyped> {
    let mut messages = Vec::new();
    for c in list(p, &["status", "containerStatuses"])? {
        if at(c, &["state", "waiting"]).is_none() {
            continue;
        }
        let reason = string(c, &["state", "waiting", "reason"])?;
        if reason.starts_with("Err") || reason.ends_with("Error") || reason.ends_with("BackOff") {
            messages.push(string(c, &["state", "waiting", "message"])?);
        }
    }
    Ok((!messages.is_empty()).then(|| Health::new(Status::Degraded, messages.join(", "))))
}

/// The first terminated container's reason for a failed pod, init containers first.
fn failure_of(p: &Value) -> Result<String, Mistyped> {
    let init = list(p, &["status", "initContainerStatuses"])?;
    let main = list(p, &["status", "containerStatuses"])?;
    for c in init.iter().chain(main) {
        if at(c, &["state", "terminated"]).is_none() {
            continue;
        }
        let t = |k: &'static str| ["state", "terminated", k];
        let message = string(c, &t("message"))?;
        let reason = string(c, &t("reason"))?;
        let code = int(c, &t("exitCode"))?;
        if !message.is_empty() {
            return Ok(message.to_owned());
        }
        if reason == "OOMKilled" {
            return Ok(reason.to_owned());
        }
        if code != 0 {
            let name = string(c, &["name"])?;
            return Ok(format!("container {name:?} failed with exit code {code}"));
        }
    }
    Ok(String::new())
}

/// A running pod that restarts: Ready is Healthy, a container that terminated before is
/// Degraded, otherwise Progressing.
fn running(p: &Value, message: &str) -> Result<Health, Mistyped> {
    let conds = conditions(p, &CONDITIONS)?;
    if conds
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
    {
        return Ok(Health::new(Status::Healthy, message));
    }
    for c in list(p, &["status", "containerStatuses"])? {
        if at(c, &["lastState", "terminated"]).is_some() {
            return Ok(Health::new(Status::Degraded, message));
        }
    }
    Ok(Health::new(Status::Progressing, message))
}

/// PersistentVolumeClaim: Bound is Healthy, Pending Progressing, Lost Degraded, else Unknown.
pub fn persistent_volume_claim(c: &Value) -> Result<Health, Mistyped> {
    let status = match string(c, &["status", "phase"])? {
        "Bound" => Status::Healthy,
        "Pending" => Status::Progressing,
        "Lost" => Status::Degraded,
        _ => Status::Unknown,
    };
    Ok(Health::new(status, ""))
}

/// Service: a LoadBalancer waits for an ingress address; every other type is Healthy.
pub fn service(s: &Value) -> Result<Health, Mistyped> {
    let balanced = string(s, &["spec", "type"])? == "LoadBalancer";
    let ingress = list(s, &["status", "loadBalancer", "ingress"])?;
    let status = if balanced && ingress.is_empty() {
        Status::Progressing
    } else {
        Status::Healthy
    };
    Ok(Health::new(status, ""))
}
