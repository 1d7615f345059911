//! Cloud Pak for Data (cpd.ibm.com and its services) and Zen: the data platform under
//! Predict, Health and Watson Studio.

use super::families::{progress_of, ConditionFamily};
use super::Entry;
use crate::rule::{equals, Clause, Message, Rule, Status};

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
    let state = |value: &str, status: Status| {
        Clause::new(
            &format!("{field} {value}"),
            equals(&path, value),
            status,
            Message::text(&format!("{field} {value}")),
        )
    };
    // No operator-version check: an upgrade shows as InProgress in the status string.
    ConditionFamily::of(&format!("CP4D service ({field})"), "Successful")
        .without_version_check()
        .with_override(state("Failed", Status::Degraded))
        .with_override(state("InProgress", Status::Progressing))
        .with_override(state("Completed", Status::Healthy))
        .otherwise(Status::Progressing, progress_of(&path))
        .rule()
}
