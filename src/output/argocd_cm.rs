//! argocd-cm patches: split keys per kind, or everything in the nested form.

use super::{nested_blob, object_yaml, valid_configmap_key, OutputError, Target};
use crate::argocd::keys::NESTED_KEY;
use crate::catalog::{Catalog, Entry};
use k8s_openapi::api::core::v1::ConfigMap;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

fn configmap(data: BTreeMap<String, String>, target: &Target) -> Result<String, OutputError> {
    for key in data.keys() {
        if !valid_configmap_key(key) {
            return Err(OutputError::Invalid(format!(
                "`{key}` is not a valid ConfigMap key"
            )));
        }
    }
    let cm = ConfigMap {
        metadata: ObjectMeta {
            name: Some("argocd-cm".to_owned()),
            // An empty namespace is left out, for kustomize bases that set it themselves.
            namespace: Some(target.namespace.clone()).filter(|n| !n.is_empty()),
            labels: Some(BTreeMap::from([(
                "app.kubernetes.io/part-of".to_owned(),
                "argocd".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        data: Some(data),
        ..ConfigMap::default()
    };
    object_yaml(&cm, "argocd-cm")
}

/// argocd-cm data: one split key per exact kind and the wildcard rules in the nested key (also
/// what the Helm chart's `configs.cm` holds).
pub fn split_data(catalog: &Catalog) -> Result<BTreeMap<String, String>, OutputError> {
    let entries = catalog.entries();
    let mut data = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.is_wildcard()) {
        data.insert(e.group_kind().split_key(), crate::rule::emit(&e.rule));
    }
    let wild: Vec<&Entry> = entries.iter().filter(|e| e.is_wildcard()).collect();
    if !wild.is_empty() {
        data.insert(NESTED_KEY.to_owned(), nested_blob(wild)?);
    }
    Ok(data)
}

/// argocd-cm with one split key per exact kind and the wildcard rules in the nested key.
pub fn argocd_cm(catalog: &Catalog, target: &Target) -> Result<String, OutputError> {
    configmap(split_data(catalog)?, target)
}

/// argocd-cm with every rule in the nested `resource.customizations` key.
pub fn nested_configmap(catalog: &Catalog, target: &Target) -> Result<String, OutputError> {
    let data = BTreeMap::from([(NESTED_KEY.to_owned(), nested_blob(catalog.entries())?)]);
    configmap(data, target)
}
