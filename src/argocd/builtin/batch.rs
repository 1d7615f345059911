//! batch: gitops-engine's Go check for Job, and an equivalent of Argo CD's built-in CronJob
//! script.

use super::fields::{at, boolean, conditions, list, string, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

/// Job: no Failed, Complete or Suspended condition yet is Progressing; Failed is Degraded;
/// Suspended True is Suspended; otherwise Healthy. The last condition of each type wins.
pub fn job(j: &Value) -> Result<Health, Mistyped> {
    let (mut failed, mut complete, mut suspended) = (false, false, false);
    let (mut fail_message, mut message) = ("", "");
    for c in conditions(j, &CONDITIONS)? {
        match c.type_ {
            "Failed" => (failed, complete, fail_message) = (true, true, c.message),
            "Complete" => (complete, message) = (true, c.message),
            "Suspended" => {
                (complete, message) = (true, c.message);
                suspended |= c.status == "True";
            }
            _ => {}
        }
    }
    Ok(if !complete {
        Health::new(Status::Progressing, message)
    } else if failed {
        Health::new(Status::Degraded, fail_message)
    } else if suspended {
        Health::new(Status::Suspended, message)
    } else {
        Health::new(Status::Healthy, message)
    })
}

/// CronJob: suspended is Healthy (Argo CD avoids Suspended here on purpose); never scheduled is
/// Healthy; a last run that did not succeed is Degraded once no job is active.
pub fn cron_job(c: &Value) -> Result<Health, Mistyped> {
    if boolean(c, &["spec", "suspend"])? {
        return Ok(Health::new(Status::Healthy, "CronJob is Suspended"));
    }
    if at(c, &["status"]).is_none() {
        return Ok(Health::new(Status::Progressing, "Waiting for CronJob"));
    }
    if at(c, &["status", "lastScheduleTime"]).is_none() {
        let msg = "CronJob has not been scheduled yet";
        return Ok(Health::new(Status::Healthy, msg));
    }
    if at(c, &["status", "lastSuccessfulTime"]).is_none() {
        let msg = "The CronJob never completed successfully. It may not be healthy";
        return Ok(Health::new(Status::Healthy, msg));
    }
    if !list(c, &["status", "active"])?.is_empty() {
        let msg = "The job is running. Its last execution may not have been successful";
        return Ok(Health::new(Status::Healthy, msg));
    }
    // RFC 3339 times in UTC compare as strings, as the Lua check compares them.
    let scheduled = string(c, &["status", "lastScheduleTime"])?;
    if string(c, &["status", "lastSuccessfulTime"])? < scheduled {
        let msg = "CronJob has not completed its last execution successfully";
        return Ok(Health::new(Status::Degraded, msg));
    }
    let msg = "CronJob has completed its last execution successfully";
    Ok(Health::new(Status::Healthy, msg))
}
