//! Argo CD's built-in health, as a layer of its own: the checks gitops-engine computes in Go for
//! core kinds, and equivalents of the Lua checks Argo CD ships for kinds a MAS rollout uses.
//! Written from Argo CD's documented behaviour and its test fixtures' verdicts. Never emitted:
//! Argo CD already has them. An argocd-cm check (this crate's catalog) wins over all of them.

mod apps;
mod batch;
mod core;
mod fields;
mod operators;
mod platform;

use super::GroupKind;
use crate::rule::{Health, Status};
use fields::Mistyped;
use serde_json::Value;

/// How a built-in check is implemented in Argo CD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Go code in gitops-engine, which converts the object to its typed struct first.
    Go {
        /// The apiVersions the Go check accepts; any other is Unknown ("unsupported GVK").
        /// Empty: the check reads the object untyped and accepts every version.
        versions: &'static [&'static str],
    },
    /// A Lua script under Argo CD's resource_customizations (any apiVersion).
    Lua,
}

/// One built-in check.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn {
    /// The API group (`""` for core).
    pub group: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// How Argo CD implements it.
    pub origin: Origin,
    check: fn(&Value) -> Result<Health, Mistyped>,
}

impl BuiltIn {
    /// What Argo CD's check is, for people: "gitops-engine (Go)" or "resource_customizations (Lua)".
    pub fn name(&self) -> &'static str {
        match self.origin {
            Origin::Go { .. } => "gitops-engine (Go)",
            Origin::Lua => "resource_customizations (Lua)",
        }
    }

    /// The group and kind it applies to.
    pub fn group_kind(&self) -> GroupKind {
        GroupKind::new(self.group, self.kind)
    }

    /// The health Argo CD computes for `obj` with this check.
    pub fn health(&self, obj: &Value) -> Health {
        if let Origin::Go { versions } = self.origin {
            let version = fields::api_version(obj);
            if !versions.is_empty() && !versions.contains(&version) {
                let msg = format!(
                    "unsupported {} GVK: {version}, Kind={}",
                    self.kind, self.kind
                );
                return Health::new(Status::Unknown, msg);
            }
        }
        (self.check)(obj).unwrap_or_else(|Mistyped(why)| {
            let msg = format!(
                "failed to convert unstructured {} to typed: {why}",
                self.kind
            );
            Health::new(Status::Unknown, msg)
        })
    }
}

const APPS: Origin = Origin::Go {
    versions: &["apps/v1"],
};
const V1: Origin = Origin::Go { versions: &["v1"] };
const ANY_VERSION: Origin = Origin::Go { versions: &[] };

const fn go(
    group: &'static str,
    kind: &'static str,
    origin: Origin,
    check: fn(&Value) -> Result<Health, Mistyped>,
) -> BuiltIn {
    BuiltIn {
        group,
        kind,
        origin,
        check,
    }
}

const fn lua(
    group: &'static str,
    kind: &'static str,
    check: fn(&Value) -> Result<Health, Mistyped>,
) -> BuiltIn {
    BuiltIn {
        group,
        kind,
        origin: Origin::Lua,
        check,
    }
}

/// Every built-in check this crate knows, sorted by key.
pub const ALL: [BuiltIn; 18] = [
    go(
        "",
        "PersistentVolumeClaim",
        V1,
        core::persistent_volume_claim,
    ),
    go("", "Pod", V1, core::pod),
    go("", "Service", V1, core::service),
    go(
        "apiregistration.k8s.io",
        "APIService",
        Origin::Go {
            versions: &[
                "apiregistration.k8s.io/v1",
                "apiregistration.k8s.io/v1beta1",
            ],
        },
        platform::api_service,
    ),
    go("apps", "DaemonSet", APPS, apps::daemon_set),
    go("apps", "Deployment", APPS, apps::deployment),
    go("apps", "ReplicaSet", APPS, apps::replica_set),
    go("apps", "StatefulSet", APPS, apps::stateful_set),
    go(
        "autoscaling",
        "HorizontalPodAutoscaler",
        Origin::Go {
            versions: &["autoscaling/v1", "autoscaling/v2"],
        },
        platform::hpa,
    ),
    lua("batch", "CronJob", batch::cron_job),
    go(
        "batch",
        "Job",
        Origin::Go {
            versions: &["batch/v1"],
        },
        batch::job,
    ),
    lua("cert-manager.io", "Certificate", operators::certificate),
    lua(
        "cert-manager.io",
        "ClusterIssuer",
        operators::cluster_issuer,
    ),
    lua("cert-manager.io", "Issuer", operators::issuer),
    // gitops-engine reads Ingress without converting it, so every apiVersion is accepted.
    go("extensions", "Ingress", ANY_VERSION, platform::ingress),
    lua("kafka.strimzi.io", "Kafka", operators::kafka),
    go(
        "networking.k8s.io",
        "Ingress",
        ANY_VERSION,
        platform::ingress,
    ),
    lua(
        "operator.openshift.io",
        "IngressController",
        operators::ingress_controller,
    ),
];

/// The built-in check Argo CD would use for a group and kind, if any.
pub fn check_for(gk: &GroupKind) -> Option<&'static BuiltIn> {
    ALL.iter()
        .find(|b| b.group == gk.group && b.kind == gk.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_sorted_by_key_and_unique() {
        let keys: Vec<String> = ALL.iter().map(|b| b.group_kind().key()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn go_checks_refuse_versions_they_do_not_convert() {
        let d = serde_json::json!({"apiVersion": "apps/v1beta1", "kind": "Deployment"});
        let check = check_for(&GroupKind::new("apps", "Deployment")).expect("built in");
        assert_eq!(
            check.health(&d),
            Health::new(
                Status::Unknown,
                "unsupported Deployment GVK: apps/v1beta1, Kind=Deployment"
            )
        );
    }

    #[test]
    fn a_mistyped_field_is_unknown_as_a_failed_conversion() {
        let pvc = serde_json::json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                     "status": {"phase": 3}});
        let check = check_for(&GroupKind::new("", "PersistentVolumeClaim")).expect("built in");
        assert_eq!(
            check.health(&pvc),
            Health::new(
                Status::Unknown,
                "failed to convert unstructured PersistentVolumeClaim to typed: status.phase is not a string"
            )
        );
    }
}
