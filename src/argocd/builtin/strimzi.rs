//! Equivalents of Argo CD's built-in Lua checks for Strimzi (AMQ Streams) kinds: Kafka,
//! KafkaUser, KafkaTopic, KafkaConnect, KafkaBridge and KafkaConnector. Strimzi's operators set
//! `Ready=True` once reconciled and `NotReady=True` (with the operator's error as message) when
//! a reconcile fails; each script takes the first of those in array order.
//!
//! Each was run against Argo CD's own script on its testdata (v3.0.0 to master: the scripts are
//! unchanged) and agrees on every test there; the fixtures under tests/builtin/ are ours.
//! Argo CD has no check for core.strimzi.io/StrimziPodSet.

use super::fields::{lua_conditions, Mistyped};
use crate::argocd::paths::CONDITIONS;
use crate::rule::{Health, Status};
use serde_json::Value;

/// The first `NotReady=True` (Degraded, its message) or `Ready=True` (Healthy) in array order;
/// `creating_waits`: Kafka's NotReady with reason Creating is not a failure.
fn first_verdict(obj: &Value, creating_waits: bool, waiting: &str) -> Result<Health, Mistyped> {
    for c in lua_conditions(obj, &CONDITIONS)? {
        let creating = creating_waits && c.reason == "Creating";
        if c.type_ == "NotReady" && c.status == "True" && !creating {
            return Ok(Health::new(Status::Degraded, c.message));
        }
        if c.type_ == "Ready" && c.status == "True" {
            return Ok(Health::new(Status::Healthy, ""));
        }
    }
    Ok(Health::new(Status::Progressing, waiting))
}

/// Kafka: NotReady True (other than while Creating) is Degraded, Ready True Healthy.
pub fn kafka(k: &Value) -> Result<Health, Mistyped> {
    first_verdict(k, true, "Waiting for Kafka Cluster")
}

/// KafkaUser: NotReady True (for example ACLs given while the cluster has no authorization) is
/// Degraded, Ready True Healthy.
pub fn kafka_user(u: &Value) -> Result<Health, Mistyped> {
    first_verdict(u, false, "Waiting for Kafka User")
}

/// KafkaTopic.
pub fn kafka_topic(t: &Value) -> Result<Health, Mistyped> {
    first_verdict(t, false, "Waiting for Kafka Topic")
}

/// KafkaConnect.
pub fn kafka_connect(c: &Value) -> Result<Health, Mistyped> {
    first_verdict(c, false, "Waiting for Kafka Connect")
}

/// KafkaBridge.
pub fn kafka_bridge(b: &Value) -> Result<Health, Mistyped> {
    first_verdict(b, false, "Waiting for KafkaBridge")
}

/// KafkaConnector.
pub fn kafka_connector(c: &Value) -> Result<Health, Mistyped> {
    first_verdict(c, false, "Waiting for KafkaConnector")
}
