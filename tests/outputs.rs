//! The generated outputs carry exactly the generated scripts, and stay within Kubernetes limits.

use mas_health::catalog;
use mas_health::output::{self, Format, Target};
use mas_health::rule::emit;

fn nested_of(configmap_yaml: &str) -> serde_json::Value {
    let cm: serde_json::Value = serde_saphyr::from_str(configmap_yaml).expect("ConfigMap YAML");
    let blob = cm["data"]["resource.customizations"]
        .as_str()
        .expect("nested key is a string");
    serde_saphyr::from_str(blob).expect("nested YAML")
}

#[test]
fn nested_blob_expands_to_every_rules_script_despite_shared_anchors() {
    let catalog = catalog::Catalog::standard();
    let entries = catalog.entries();
    let text = output::render(Format::Nested, &catalog, &Target::default()).expect("renders");
    let nested = nested_of(&text);
    for e in entries {
        assert_eq!(
            nested[e.key()]["health.lua"].as_str(),
            Some(emit::emit(&e.rule).as_str()),
            "{}",
            e.key()
        );
    }
    assert!(text.contains("&s1"), "identical scripts are written once");
}

#[test]
fn argocd_cm_split_keys_carry_each_script_and_wildcards_stay_nested() {
    let catalog = catalog::Catalog::standard();
    let entries = catalog.entries();
    let text = output::render(Format::ArgocdCm, &catalog, &Target::default()).expect("renders");
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    for e in entries.iter().filter(|e| !e.is_wildcard()) {
        assert_eq!(
            cm["data"][e.group_kind().split_key()].as_str(),
            Some(emit::emit(&e.rule).as_str())
        );
    }
    let nested = nested_of(&text);
    for e in entries.iter().filter(|e| e.is_wildcard()) {
        assert_eq!(
            nested[e.key()]["health.lua"].as_str(),
            Some(emit::emit(&e.rule).as_str())
        );
    }
}

#[test]
fn every_configmap_is_under_one_mebibyte_with_valid_keys() {
    let catalog = catalog::Catalog::standard();
    for format in [Format::ArgocdCm, Format::Nested, Format::ArgocdCr] {
        let text = output::render(format, &catalog, &Target::default()).expect("renders");
        assert!(text.len() < output::MAX_OBJECT_BYTES, "{}", format.name());
    }
    let text = output::render(Format::ArgocdCm, &catalog, &Target::default()).expect("renders");
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    for key in cm["data"].as_object().expect("data").keys() {
        assert!(output::valid_configmap_key(key), "{key}");
    }
}

#[test]
fn configmap_key_validation_rejects_wildcards_and_slashes() {
    assert!(output::valid_configmap_key(
        "resource.customizations.health.core.mas.ibm.com_Suite"
    ));
    assert!(!output::valid_configmap_key(
        "resource.customizations.health.*.mas.ibm.com_*"
    ));
    assert!(!output::valid_configmap_key("a/b"));
    assert!(!output::valid_configmap_key(""));
}
