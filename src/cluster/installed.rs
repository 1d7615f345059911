//! The health checks a cluster runs now: the `argocd-cm` ConfigMap in Argo CD's namespaces and
//! OpenShift GitOps' `ArgoCD` resources (from which its operator writes `argocd-cm`).

use super::{Cluster, Error, ListOptions};
use serde_json::Value;

/// The ConfigMap Argo CD reads its resource customizations from.
const ARGOCD_CM: &str = "argocd-cm";

/// What holds the checks a cluster runs, as read from it.
#[derive(Debug, Default)]
pub struct Installed {
    /// `argocd-cm` ConfigMaps, then `ArgoCD` resources, each as the API server stores it.
    pub objects: Vec<Value>,
    /// Reads that failed without stopping the others (the `ArgoCD` kind not readable).
    pub problems: Vec<Error>,
}

/// Drops what only the API server needs (`managedFields`): the object as `oc get -o yaml`
/// shows it, and less to hold.
fn trimmed(mut obj: Value) -> Value {
    if let Some(meta) = obj["metadata"].as_object_mut() {
        meta.remove("managedFields");
    }
    obj
}

/// Reads `argocd-cm` and the `ArgoCD` resources in `namespace`, or in every namespace the user
/// may list (one LIST each, the ConfigMaps selected by name on the server).
pub(super) fn installed(
    cluster: &mut Cluster,
    namespace: Option<&str>,
) -> Result<Installed, Error> {
    let mut found = Installed::default();
    let configmaps = cluster.resource("", "ConfigMap", Some("v1"))?;
    match namespace {
        Some(ns) => {
            let cm = cluster.get(&configmaps, Some(ns), ARGOCD_CM)?;
            found.objects.extend(cm.map(trimmed));
        }
        None => {
            let selector = format!("metadata.name={ARGOCD_CM}");
            let options = ListOptions {
                field_selector: Some(&selector),
                max: None,
            };
            cluster.list_with(&configmaps, None, options, &mut |o| {
                found.objects.push(trimmed(o));
            })?;
        }
    }
    // Without the operator the kind is not served: only argocd-cm holds checks then.
    let resources = match cluster.resource("argoproj.io", "ArgoCD", None) {
        Ok(r) => r,
        Err(Error::NotServed { .. }) => return Ok(found),
        Err(e) => return Err(e),
    };
    let mut argocds = Vec::new();
    match cluster.list_each(&resources, namespace, &mut |o| argocds.push(trimmed(o))) {
        Ok(_) => found.objects.extend(argocds),
        Err(e) if e.is_fatal() => return Err(e),
        Err(e) => found.problems.push(e),
    }
    Ok(found)
}
