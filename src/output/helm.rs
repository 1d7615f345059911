//! Values for the argo-cd Helm chart: argocd-cm entries go under `configs.cm`.

use super::{argocd_cm::split_data, to_yaml, OutputError};
use crate::catalog::Catalog;
use std::collections::BTreeMap;

/// `configs.cm` with a split key per exact kind and the wildcard rules in the nested key.
pub fn helm_values(catalog: &Catalog) -> Result<String, OutputError> {
    let values = BTreeMap::from([("configs", BTreeMap::from([("cm", split_data(catalog)?)]))]);
    to_yaml(&values)
}
