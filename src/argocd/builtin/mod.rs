//! Argo CD's built-in health, as a layer of its own: the checks gitops-engine computes in Go for
//! core kinds, and equivalents of the Lua checks Argo CD ships for kinds a MAS rollout uses.
//! Written from Argo CD's documented behaviour and its test fixtures' verdicts. Never emitted:
//! Argo CD already has them. An argocd-cm check (this crate's catalog) wins over all of them.
//!
//! Which Lua checks exist depends on the Argo CD version ([`index`]); [`ArgoCd`] names the
//! version (and optionally the user's own resource_customizations scripts) a verdict is for.

mod apps;
mod batch;
mod core;
mod fields;
pub mod index;
mod openshift;
mod operators;
mod platform;
mod serving;
mod strimzi;

pub use index::{ArgoVersion, Listed};

use super::{GroupKind, Verdict};
use crate::rule::{Health, Status};
use fields::Mistyped;
use serde_json::Value;
use std::sync::Arc;

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
    Lua {
        /// The first version whose script this equivalent agrees with (checked on that
        /// version's testdata); older versions ran a different script.
        since: ArgoVersion,
    },
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
            Origin::Lua { .. } => "resource_customizations (Lua)",
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
            let msg = match self.origin {
                Origin::Go { .. } => {
                    format!(
                        "failed to convert unstructured {} to typed: {why}",
                        self.kind
                    )
                }
                // Argo CD reports the Lua error's text, which names a line of its script.
                Origin::Lua { .. } => format!("the {} script fails: {why}", self.kind),
            };
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

/// A native equivalent of the Lua check Argo CD ships for `group/kind` since version 3.0.
const fn lua(
    group: &'static str,
    kind: &'static str,
    check: fn(&Value) -> Result<Health, Mistyped>,
) -> BuiltIn {
    lua_since(group, kind, ArgoVersion::V3_0, check)
}

/// A native equivalent of the Lua check Argo CD ships for `group/kind`, as its script reads
/// from version `since` on.
const fn lua_since(
    group: &'static str,
    kind: &'static str,
    since: ArgoVersion,
    check: fn(&Value) -> Result<Health, Mistyped>,
) -> BuiltIn {
    BuiltIn {
        group,
        kind,
        origin: Origin::Lua { since },
        check,
    }
}

/// Every built-in check this crate knows, sorted by key.
pub const ALL: [BuiltIn; 30] = [
    go(
        "",
        "PersistentVolumeClaim",
        V1,
        core::persistent_volume_claim,
    ),
    go("", "Pod", V1, core::pod),
    go("", "Service", V1, core::service),
    lua_since(
        "apiextensions.k8s.io",
        "CustomResourceDefinition",
        ArgoVersion::V3_5,
        platform::custom_resource_definition,
    ),
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
    lua(
        "apps.openshift.io",
        "DeploymentConfig",
        openshift::deployment_config,
    ),
    go("apps", "DaemonSet", APPS, apps::daemon_set),
    go("apps", "Deployment", APPS, apps::deployment),
    go("apps", "ReplicaSet", APPS, apps::replica_set),
    go("apps", "StatefulSet", APPS, apps::stateful_set),
    lua_since(
        "argoproj.io",
        "ApplicationSet",
        ArgoVersion::V3_2,
        operators::application_set,
    ),
    go(
        "autoscaling",
        "HorizontalPodAutoscaler",
        Origin::Go {
            versions: &["autoscaling/v1", "autoscaling/v2"],
        },
        platform::hpa,
    ),
    // Argo CD ships a CronJob script since 3.2; this is its wording since 3.4.
    lua_since("batch", "CronJob", ArgoVersion::V3_4, batch::cron_job),
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
    lua("kafka.strimzi.io", "Kafka", strimzi::kafka),
    lua("kafka.strimzi.io", "KafkaBridge", strimzi::kafka_bridge),
    lua("kafka.strimzi.io", "KafkaConnect", strimzi::kafka_connect),
    lua(
        "kafka.strimzi.io",
        "KafkaConnector",
        strimzi::kafka_connector,
    ),
    lua("kafka.strimzi.io", "KafkaTopic", strimzi::kafka_topic),
    lua("kafka.strimzi.io", "KafkaUser", strimzi::kafka_user),
    lua("monitoring.coreos.com", "Prometheus", operators::prometheus),
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
    lua("route.openshift.io", "Route", openshift::route),
    lua("serving.knative.dev", "Service", serving::knative_service),
    lua_since(
        "serving.kserve.io",
        "InferenceService",
        ArgoVersion::V3_3,
        serving::inference_service,
    ),
];

/// The native check this crate has for a group and kind (Go or Lua equivalent), in any version.
pub fn check_for(gk: &GroupKind) -> Option<&'static BuiltIn> {
    ALL.iter()
        .find(|b| b.group == gk.group && b.kind == gk.kind)
}

/// An object of kind `gk` with nothing but its apiVersion and kind: enough to find which check
/// answers the kind.
pub fn probe(gk: &GroupKind) -> Value {
    let api_version = match gk.group.as_str() {
        "" => "v1".to_owned(),
        g => format!("{g}/v1"),
    };
    serde_json::json!({"apiVersion": api_version, "kind": gk.kind})
}

/// The health scripts of one Argo CD's resource_customizations folder, run as Argo CD runs its
/// built-ins (libraries open, the 1 s budget).
pub trait Scripts: std::fmt::Debug + Send + Sync {
    /// The verdict of the health.lua answering `obj` (exact folder, then wildcard folders), and
    /// its folder; `None` when no script answers.
    fn evaluate(&self, obj: &Value) -> Option<(Verdict, String)>;

    /// Every folder holding a health.lua (`group/Kind`, `_` for `*`), sorted.
    fn folders(&self) -> Vec<String>;
}

/// The Argo CD whose built-in checks answer: its version, and optionally its own scripts.
#[derive(Debug, Clone)]
pub struct ArgoCd {
    /// The version whose set of checks applies.
    pub version: ArgoVersion,
    /// The user's resource_customizations scripts; when given they answer every kind they
    /// have a script for, and the index is not consulted.
    pub scripts: Option<Arc<dyn Scripts>>,
}

impl Default for ArgoCd {
    fn default() -> Self {
        ArgoCd::version(ArgoVersion::NEWEST_RELEASE)
    }
}

impl PartialEq for ArgoCd {
    fn eq(&self, other: &Self) -> bool {
        let same_scripts = match (&self.scripts, &other.scripts) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        self.version == other.version && same_scripts
    }
}

/// What Argo CD's built-in layer says about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A verdict, and the check that gave it (`resource_customizations (Lua)`, a script folder).
    Verdict(Verdict, String),
    /// Argo CD has a Lua check for the kind (this folder) that this crate does not model natively
    /// for the version: the caller has to give the scripts.
    NotEvaluated(&'static str),
    /// Argo CD has no check for the kind.
    None,
}

impl ArgoCd {
    /// Argo CD `version` without its scripts.
    pub fn version(version: ArgoVersion) -> ArgoCd {
        ArgoCd {
            version,
            scripts: None,
        }
    }

    /// The same Argo CD with the user's own scripts.
    pub fn with_scripts(mut self, scripts: Arc<dyn Scripts>) -> ArgoCd {
        self.scripts = Some(scripts);
        self
    }

    /// The built-in answer for `obj` of `gk`, in Argo CD's order: a Lua script (exact folder,
    /// then wildcard), then gitops-engine's Go check.
    pub fn answer(&self, gk: &GroupKind, obj: &Value) -> Answer {
        match &self.scripts {
            Some(scripts) => {
                if let Some((v, folder)) = scripts.evaluate(obj) {
                    return Answer::Verdict(v, format!("resource_customizations/{folder}"));
                }
            }
            None => {
                if let Some(listed) = index::find(self.version, gk) {
                    return self.native_lua(&listed, obj);
                }
            }
        }
        match check_for(gk) {
            Some(
                go @ BuiltIn {
                    origin: Origin::Go { .. },
                    ..
                },
            ) => Answer::Verdict(go.health(obj).into(), go.name().to_owned()),
            _ => Answer::None,
        }
    }

    /// The native equivalent of the listed script, when one models this version's script.
    fn native_lua(&self, listed: &Listed, obj: &Value) -> Answer {
        let modelled = ALL.iter().find(|b| {
            matches!(b.origin, Origin::Lua { since } if since <= self.version)
                && b.group_kind().key() == listed.folder
        });
        match modelled {
            Some(b) => Answer::Verdict(b.health(obj).into(), b.name().to_owned()),
            None => Answer::NotEvaluated(listed.folder),
        }
    }
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
