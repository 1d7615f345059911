//! The generated outputs carry exactly the generated scripts, and the renderer refuses what
//! Kubernetes would refuse (objects over 1 MiB, invalid ConfigMap keys).

use mas_health::io::{self as output, Format, OutputError, Target};
use mas_health::{emit, Message, Rule, Status};

fn nested_of(configmap_yaml: &str) -> serde_json::Value {
    let cm: serde_json::Value = serde_saphyr::from_str(configmap_yaml).expect("ConfigMap YAML");
    let blob = cm["data"]["resource.customizations"]
        .as_str()
        .expect("nested key is a string");
    serde_saphyr::from_str(blob).expect("nested YAML")
}

#[test]
fn nested_blob_expands_to_every_rules_script_despite_shared_anchors() {
    let catalog = mas_health::Catalog::standard();
    let entries = catalog.entries();
    let text = output::render(Format::Nested, &catalog, &Target::default()).expect("renders");
    let nested = nested_of(&text);
    for e in entries {
        assert_eq!(
            nested[e.key()]["health.lua"].as_str(),
            Some(emit(&e.rule).as_str()),
            "{}",
            e.key()
        );
    }
    assert!(text.contains("&s1"), "identical scripts are written once");
}

#[test]
fn argocd_cm_split_keys_carry_each_script_and_wildcards_stay_nested() {
    let catalog = mas_health::Catalog::standard();
    let entries = catalog.entries();
    let text = output::render(Format::ArgocdCm, &catalog, &Target::default()).expect("renders");
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    for e in entries.iter().filter(|e| !e.is_wildcard()) {
        assert_eq!(
            cm["data"][e.group_kind().split_key()].as_str(),
            Some(emit(&e.rule).as_str())
        );
    }
    let nested = nested_of(&text);
    for e in entries.iter().filter(|e| e.is_wildcard()) {
        assert_eq!(
            nested[e.key()]["health.lua"].as_str(),
            Some(emit(&e.rule).as_str())
        );
    }
}

/// A catalog of one `example.com/<kind>` rule whose default message is `message`.
fn one_rule(kind: &str, message: &str) -> mas_health::Catalog {
    let rule = Rule::named("test").otherwise(Status::Healthy, Message::text(message));
    mas_health::Catalog::empty().with([mas_health::Entry::new("test", "example.com", kind, rule)])
}

#[test]
fn objects_over_one_mebibyte_are_refused() {
    let giant = one_rule("Widget", &"x".repeat(output::MAX_OBJECT_BYTES));
    for (format, what) in [
        (Format::ArgocdCm, "argocd-cm"),
        (Format::Nested, "argocd-cm"),
        (Format::ArgocdCr, "the ArgoCD resource"),
    ] {
        let err = output::render(format, &giant, &Target::default())
            .expect_err("a script over 1 MiB cannot fit in one object");
        let OutputError::Invalid(message) = &err else {
            panic!(
                "{}: expected OutputError::Invalid, got {err:?}",
                format.name()
            );
        };
        let bytes: usize = message
            .strip_prefix(&format!("{what} would be "))
            .and_then(|m| m.strip_suffix(" bytes, over the 1 MiB object limit"))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}: unexpected message {message:?}", format.name()));
        assert!(bytes > output::MAX_OBJECT_BYTES, "{message}");
    }
    // The same rule with a short message renders: the size alone was refused.
    let small = one_rule("Widget", "x");
    output::render(Format::ArgocdCm, &small, &Target::default()).expect("renders");
}

#[test]
fn a_kind_that_makes_an_invalid_configmap_key_is_refused() {
    let bad = one_rule("Wid get", "x");
    let err = output::render(Format::ArgocdCm, &bad, &Target::default())
        .expect_err("a space cannot stand in a ConfigMap key");
    let OutputError::Invalid(message) = &err else {
        panic!("expected OutputError::Invalid, got {err:?}");
    };
    assert_eq!(
        message,
        "`resource.customizations.health.example.com_Wid get` is not a valid ConfigMap key"
    );
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
