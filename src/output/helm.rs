//! Values for the argo-cd Helm chart: argocd-cm entries go under `configs.cm`.

use super::{nested_blob, split_key, to_yaml, OutputError};
use crate::catalog::Entry;
use std::collections::BTreeMap;

/// `configs.cm` with a split key per exact kind and the wildcard rules in the nested key.
pub fn helm_values(entries: &[Entry]) -> Result<String, OutputError> {
    let mut cm = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.is_wildcard()) {
        cm.insert(split_key(e), crate::emit::emit(&e.rule));
    }
    let wild: Vec<&Entry> = entries.iter().filter(|e| e.is_wildcard()).collect();
    if !wild.is_empty() {
        cm.insert(super::argocd_cm::NESTED_KEY.to_owned(), nested_blob(wild)?);
    }
    let values = BTreeMap::from([("configs", BTreeMap::from([("cm", cm)]))]);
    to_yaml(&values)
}
