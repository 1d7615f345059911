//! Kinds a MAS GitOps rollout deploys (the ibm-mas/gitops charts) that get no health check from
//! this catalog or from Argo CD, and why. `mas-health list --all` shows them, so an operator can
//! see which objects a sync wave passes at once.

/// A kind deployed with no health check, and the reason it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unchecked {
    /// The API group (`""` for core).
    pub group: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// Why no check applies.
    pub why: &'static str,
}

const NO_STATUS: &str = "configuration only: no status, nothing to wait for";

const fn u(group: &'static str, kind: &'static str, why: &'static str) -> Unchecked {
    Unchecked { group, kind, why }
}

/// Every such kind, sorted by key. None of them has a built-in check in any Argo CD version
/// the index knows (a test says so).
pub const UNCHECKED: [Unchecked; 19] = [
    u("", "ConfigMap", NO_STATUS),
    u(
        "",
        "Namespace",
        "Argo CD creates it before the wave; its phase is Active at once",
    ),
    u("", "ResourceQuota", NO_STATUS),
    u("", "Secret", NO_STATUS),
    u("", "ServiceAccount", NO_STATUS),
    u("config.openshift.io", "ImageDigestMirrorSet", NO_STATUS),
    u("config.openshift.io", "ImageTagMirrorSet", NO_STATUS),
    u(
        "marketplace.redhat.com",
        "DataReporterConfig",
        "status holds only failure conditions (NoLicense, DataFilterInvalid, UploadFailed): \
         an empty status means both not yet reconciled and fine",
    ),
    u("networking.istio.io", "DestinationRule", NO_STATUS),
    u("networking.k8s.io", "NetworkPolicy", NO_STATUS),
    u(
        "operator.ibm.com",
        "IBMLicensing",
        "status.state only marks which instance is active (ACTIVE/INACTIVE, set before any \
         reconcile); readiness is only in the list of pod statuses, which a rule cannot index",
    ),
    u(
        "operator.ibm.com",
        "NamespaceScope",
        "status lists the validated namespaces and patched CSVs; it never says ready or failed",
    ),
    u("rbac.authorization.k8s.io", "ClusterRole", NO_STATUS),
    u("rbac.authorization.k8s.io", "ClusterRoleBinding", NO_STATUS),
    u("rbac.authorization.k8s.io", "Role", NO_STATUS),
    u("rbac.authorization.k8s.io", "RoleBinding", NO_STATUS),
    u("security.istio.io", "PeerAuthentication", NO_STATUS),
    u(
        "security.openshift.io",
        "SecurityContextConstraints",
        NO_STATUS,
    ),
    u("storage.k8s.io", "StorageClass", NO_STATUS),
];

#[cfg(test)]
mod tests {
    use super::UNCHECKED;
    use crate::argocd::builtin::{check_for, index, ArgoVersion};
    use crate::argocd::GroupKind;

    #[test]
    fn no_unchecked_kind_has_a_built_in_check_in_any_version() {
        for u in &UNCHECKED {
            let gk = GroupKind::new(u.group, u.kind);
            assert!(check_for(&gk).is_none(), "{gk} has a native check");
            for v in ArgoVersion::ALL {
                assert_eq!(index::find(v, &gk), None, "Argo CD {v} checks {gk}");
            }
        }
    }
}
