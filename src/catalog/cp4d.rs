//! Cloud Pak for Data (cpd.ibm.com and its services) and Zen: the data platform under
//! Predict, Health and Watson Studio.

use super::families::{
    condition_true, failure, progress_of, rerun_after_success_clause, waiting_for,
};
use super::Entry;
use crate::rule::{equals, Message, Rule, Status};

/// Each CP4D kind with the status string its operator writes.
const SERVICES: &[(&str, &str, &str)] = &[
    ("cpd.ibm.com", "Ibmcpd", "controlPlaneStatus"),
    ("wml.cpd.ibm.com", "WmlBase", "wmlStatus"),
    ("ws.cpd.ibm.com", "WS", "wsStatus"),
    ("ae.cpd.ibm.com", "AnalyticsEngine", "analyticsengineStatus"),
    ("spssmodeler.cpd.ibm.com", "Spss", "spssmodelerStatus"),
    ("wos.cpd.ibm.com", "WOService", "wosStatus"),
    ("zen.cpd.ibm.com", "ZenService", "zenStatus"),
];

pub(super) fn entries() -> Vec<Entry> {
    SERVICES
        .iter()
        .map(|(group, kind, field)| Entry::new("cp4d", group, kind, cp4d(field)))
        .collect()
}

/// CP4D operators report both a status string and Ansible conditions. A failure on either is
/// Degraded; an explicit InProgress outranks a Successful left from the previous reconcile (an
/// upgrade is running); Completed or Successful is Healthy.
fn cp4d(field: &str) -> Rule {
    let path = format!("status.{field}");
    Rule::named(&format!("CP4D service ({field})"))
        .clause(failure())
        .when(
            &format!("{field} Failed"),
            equals(&path, "Failed"),
            Status::Degraded,
            Message::text(&format!("{field} Failed")),
        )
        .when(
            &format!("{field} InProgress"),
            equals(&path, "InProgress"),
            Status::Progressing,
            Message::text(&format!("{field} InProgress")),
        )
        .when(
            &format!("{field} Completed"),
            equals(&path, "Completed"),
            Status::Healthy,
            Message::text(&format!("{field} Completed")),
        )
        .clause(condition_true("Successful"))
        .clause(rerun_after_success_clause())
        .clause(waiting_for("Successful"))
        .otherwise(Status::Progressing, progress_of(&path))
}
