//! An `ArgoCD` resource fragment (argoproj.io/v1beta1) for OpenShift GitOps / argocd-operator,
//! which owns argocd-cm and overwrites hand edits of it.

use super::{nested_blob, object_yaml, OutputError, Target};
use crate::catalog::{Catalog, Entry};
use serde_json::json;

/// Exact kinds in `spec.resourceHealthChecks`; wildcard rules, which the operator cannot map to
/// split keys, as the raw nested key in `spec.extraConfig`.
pub fn argocd_cr(catalog: &Catalog, target: &Target) -> Result<String, OutputError> {
    let entries = catalog.entries();
    let checks: Vec<serde_json::Value> = entries
        .iter()
        .filter(|e| !e.is_wildcard())
        .map(|e| {
            json!({
                "group": e.group,
                "kind": e.kind,
                "check": crate::rule::emit(&e.rule),
            })
        })
        .collect();
    let mut spec = serde_json::Map::new();
    spec.insert("resourceHealthChecks".to_owned(), json!(checks));
    let wild: Vec<&Entry> = entries.iter().filter(|e| e.is_wildcard()).collect();
    if !wild.is_empty() {
        spec.insert(
            "extraConfig".to_owned(),
            json!({ crate::argocd::keys::NESTED_KEY: nested_blob(wild)? }),
        );
    }
    let doc = json!({
        "apiVersion": "argoproj.io/v1beta1",
        "kind": "ArgoCD",
        "metadata": {"name": target.argocd_name, "namespace": target.argocd_namespace},
        "spec": spec,
    });
    object_yaml(&doc, "the ArgoCD resource")
}
