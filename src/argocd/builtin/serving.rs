//! Equivalents of Argo CD's built-in Lua checks for model and app serving: KServe's
//! InferenceService (OpenShift AI, which MAS AI Service uses) and Knative Serving's Service.
//!
//! Each was run against Argo CD's own script on its testdata and agrees on every test there
//! (InferenceService: the script of v3.3.0 to master; Knative Service: v3.0.0 to master); the
//! fixtures under tests/builtin/ are ours.

use super::fields::{at, lua_conditions, string, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

/// InferenceService: a Stopped=True condition -> Suspended; a model transition other than
/// UpToDate or InProgress -> Degraded; no False or Unknown condition and no transition in
/// flight -> Healthy; anything else Progressing (Argo CD's script never goes Degraded on a
/// condition alone). The message lists the model transition and every condition that is not
/// True, numbered from 1, as the script writes it.
pub fn inference_service(s: &Value) -> Result<Health, Mistyped> {
    const WAITING: &str = "Waiting for InferenceService to report status...";
    if at(s, &["status"]).is_none() {
        return Ok(Health::new(Status::Progressing, WAITING));
    }
    let (mut progressing, mut degraded, mut msg) = (false, false, String::new());
    if at(s, &["status", "modelStatus"]).is_some() {
        let transition = match at(s, &["status", "modelStatus", "transitionStatus"]) {
            // The script concatenates it into its message: nil stops it with a Lua error.
            None => {
                let why = "status.modelStatus has no transitionStatus (the script fails on it)";
                return Err(Mistyped(why.to_owned()));
            }
            Some(_) => string(s, &["status", "modelStatus", "transitionStatus"])?,
        };
        if transition != "UpToDate" {
            progressing = transition == "InProgress";
            degraded = !progressing;
            msg.push_str(&format!("0: transitionStatus | {transition}"));
        }
    }
    if at(s, &CONDITIONS).is_none() {
        return Ok(Health::new(Status::Progressing, WAITING));
    }
    let (mut unknown, mut false_) = (0, 0);
    for (i, c) in lua_conditions(s, &CONDITIONS)?.iter().enumerate() {
        if c.type_ == "Stopped" && c.status == "True" {
            return Ok(Health::new(
                Status::Suspended,
                "InferenceService is Stopped",
            ));
        }
        match c.status {
            "Unknown" => unknown += 1,
            "False" if c.type_ != "Stopped" => false_ += 1,
            _ => {}
        }
        if c.status != "True" && c.type_ != "Stopped" {
            msg.push_str(&format!(" | {}: {} | {}", i + 1, c.type_, c.status));
            for extra in [c.reason, c.message] {
                if !extra.is_empty() {
                    msg.push_str(&format!(" | {extra}"));
                }
            }
        }
    }
    Ok(
        if !progressing && !degraded && unknown == 0 && false_ == 0 {
            Health::new(Status::Healthy, "InferenceService is healthy.")
        } else if !degraded {
            Health::new(Status::Progressing, msg)
        } else {
            Health::new(Status::Degraded, msg)
        },
    )
}

/// Knative Service: ConfigurationsReady, RoutesReady and Ready all True and nothing False or
/// Unknown -> Healthy; any False -> Degraded; else Progressing. The message lists every False
/// or Unknown condition, one a line, as the script writes it.
pub fn knative_service(s: &Value) -> Result<Health, Mistyped> {
    if at(s, &["status"]).is_none() || at(s, &CONDITIONS).is_none() {
        return Ok(Health::new(
            Status::Progressing,
            "Waiting for status update.",
        ));
    }
    let (mut ready, mut false_, mut unknown, mut msg) = (0, 0, 0, String::new());
    for c in lua_conditions(s, &CONDITIONS)? {
        let counted = matches!(c.type_, "ConfigurationsReady" | "RoutesReady" | "Ready");
        if c.status == "True" && counted {
            ready += 1;
        } else if matches!(c.status, "False" | "Unknown") {
            msg.push_str(&format!("{} is {}", c.type_, c.status));
            if !c.reason.is_empty() {
                msg.push_str(&format!(", since {}.", c.reason));
            }
            if !c.message.is_empty() {
                msg.push_str(&format!(" {}", c.message));
            }
            msg.push('\n');
            if c.status == "False" {
                false_ += 1;
            } else {
                unknown += 1;
            }
        }
    }
    Ok(if ready == 3 && false_ == 0 && unknown == 0 {
        Health::new(Status::Healthy, "Knative Service is healthy.")
    } else if false_ > 0 {
        Health::new(Status::Degraded, msg)
    } else {
        Health::new(Status::Progressing, msg)
    })
}
