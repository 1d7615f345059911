//! `generate --merge`: merging into the user's own ArgoCD resource or argocd-cm keeps every
//! setting and every check of theirs, key by key, adds ours, and says which wins where both
//! define a kind. The inputs (tests/inputs/merge/) were written for these tests.

use mas_health::audit::read_config;
use mas_health::output::{self, Keep, Merged};
use mas_health::Catalog;
use serde_json::Value;
use std::collections::BTreeMap;

const CR: &str = include_str!("inputs/merge/argocd-cr.yaml");
const CM: &str = include_str!("inputs/merge/argocd-cm-60.yaml");

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML")
}

/// Every leaf of `v` by JSON pointer; a string that is itself a YAML map of customizations
/// (the nested `resource.customizations` value) is opened, so its entries count one by one.
fn leaves(path: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                leaves(&format!("{path}/{}", k.replace('/', "~1")), v, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                leaves(&format!("{path}/{i}"), v, out);
            }
        }
        Value::String(s) if path.ends_with("resource.customizations") => {
            leaves(path, &yaml(s), out)
        }
        other => {
            out.insert(path.to_owned(), other.clone());
        }
    }
}

fn all_leaves(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    leaves("", v, &mut out);
    out
}

/// The health checks a configuration holds, by `group/Kind`.
fn checks(text: &str) -> BTreeMap<String, String> {
    let config = read_config("input.yaml", text);
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    let mut out = BTreeMap::new();
    for s in config.scripts {
        let key = s.key();
        assert!(out.insert(key.clone(), s.script).is_none(), "{key} twice");
    }
    out
}

fn ours() -> BTreeMap<String, String> {
    Catalog::standard()
        .entries()
        .iter()
        .map(|e| (e.key(), mas_health::emit(&e.rule)))
        .collect()
}

/// Asserts that every leaf of theirs stands unchanged in the merge, except a script ours
/// replaced, and that the merge holds exactly their checks and ours, with the winner's script.
fn keeps_everything(theirs_text: &str, merged: &Merged, server_fields: &[&str]) {
    let both: Vec<&str> = merged.both.iter().map(|b| b.key.as_str()).collect();
    let (theirs_checks, after_checks) = (checks(theirs_text), checks(&merged.text));
    let replaced: Vec<&String> = theirs_checks
        .iter()
        .filter(|(k, s)| after_checks.get(*k) != Some(s))
        .map(|(_, s)| s)
        .collect();
    let after = all_leaves(&yaml(&merged.text));
    for (path, value) in all_leaves(&yaml(theirs_text)) {
        if server_fields.iter().any(|f| path.starts_with(f)) {
            assert!(!after.contains_key(&path), "{path} is the server's");
            continue;
        }
        if value
            .as_str()
            .is_some_and(|s| replaced.iter().any(|r| *r == s))
        {
            continue;
        }
        assert_eq!(after.get(&path), Some(&value), "{path} changed or dropped");
    }
    let ours = ours();
    for (key, script) in &theirs_checks {
        let expected = match merged.keep {
            Keep::Ours if both.contains(&key.as_str()) => &ours[key],
            _ => script,
        };
        assert_eq!(after_checks.get(key), Some(expected), "{key}");
    }
    for (key, script) in &ours {
        if merged.keep == Keep::Ours || !theirs_checks.contains_key(key) {
            assert_eq!(after_checks.get(key), Some(script), "{key}");
        }
    }
    assert_eq!(
        after_checks.len(),
        theirs_checks.len() + ours.len() - both.len()
    );
    assert_eq!(merged.added, ours.len() - both.len());
    // Nothing of ours sits beside a definition of theirs that would override it, or under it.
    assert_eq!(read_config("merged.yaml", &merged.text).duplicates, []);
}

#[test]
fn merging_into_an_argocd_resource_keeps_every_setting_and_check_of_theirs() {
    let catalog = Catalog::standard();
    for keep in [Keep::Ours, Keep::Theirs] {
        let merged = output::merge_argocd_cr(&catalog, "cr.yaml", CR, keep).expect("merges");
        keeps_everything(CR, &merged, &["/status", "/metadata/managedFields"]);
        assert_eq!(
            merged.both_lines(),
            [format!(
                "both define operators.coreos.com/CatalogSource (argocd-cm \
                 resource.customizations.health.operators.coreos.com_CatalogSource; yours at \
                 spec.resourceHealthChecks[1]): {}",
                match keep {
                    Keep::Ours => "ours replaces yours (--keep-theirs keeps yours)",
                    Keep::Theirs => "yours is kept (--keep-theirs), ours left out",
                }
            )]
        );
    }
    // Theirs keep their places; ours follow in key order.
    let merged = output::merge_argocd_cr(&catalog, "cr.yaml", CR, Keep::Ours).expect("merges");
    let list = &yaml(&merged.text)["spec"]["resourceHealthChecks"];
    assert_eq!(list[0]["kind"], "Widget");
    assert_eq!(list[1]["kind"], "CatalogSource");
    assert_eq!(list[2]["kind"], "GenericAddon");
}

#[test]
fn merging_into_an_argocd_cm_with_sixty_checks_keeps_every_one() {
    let catalog = Catalog::standard();
    assert_eq!(checks(CM).len(), 60);
    for keep in [Keep::Ours, Keep::Theirs] {
        let merged = output::merge_argocd_cm(&catalog, "cm.yaml", CM, keep).expect("merges");
        keeps_everything(CM, &merged, &[]);
        let both: Vec<(&str, &str)> = merged
            .both
            .iter()
            .map(|b| (b.key.as_str(), b.theirs_at.as_str()))
            .collect();
        assert_eq!(
            both,
            [
                (
                    "*.mas.ibm.com/*",
                    "data[resource.customizations].\"*.mas.ibm.com/*\""
                ),
                (
                    "argoproj.io/Application",
                    "data[resource.customizations].\"argoproj.io/Application\""
                ),
                (
                    "core.mas.ibm.com/Suite",
                    "data[resource.customizations.health.core.mas.ibm.com_Suite]"
                ),
                (
                    "operators.coreos.com/CatalogSource",
                    "data[resource.customizations.health.operators.coreos.com_CatalogSource]"
                ),
                (
                    "operators.coreos.com/Subscription",
                    "data[resource.customizations.health.operators.coreos.com_Subscription]"
                ),
            ]
        );
    }
}

/// Applies an RFC 6902 patch of add, replace and test operations, as the API server does.
fn apply_patch(doc: &mut Value, ops: &[Value]) -> Result<(), String> {
    for op in ops {
        let path = op["path"].as_str().ok_or("no path")?;
        let (parent, last) = path.rsplit_once('/').ok_or("bad path")?;
        let last = last.replace("~1", "/").replace("~0", "~");
        let value = op["value"].clone();
        match op["op"].as_str() {
            Some("test") if doc.pointer(path) == Some(&value) => {}
            Some("test") => return Err(format!("test failed at {path}")),
            Some(kind @ ("add" | "replace")) => {
                match doc.pointer_mut(parent).ok_or("no parent")? {
                    Value::Object(m) if kind == "add" || m.contains_key(&last) => {
                        m.insert(last, value);
                    }
                    Value::Array(a) if last == "-" && kind == "add" => a.push(value),
                    Value::Array(a) => {
                        let i: usize = last.parse().map_err(|_| "bad index")?;
                        *a.get_mut(i).ok_or("no such index")? = value;
                    }
                    _ => return Err(format!("cannot {kind} at {path}")),
                }
            }
            other => return Err(format!("unexpected op {other:?}")),
        }
    }
    Ok(())
}

#[test]
fn the_json_patch_turns_their_resource_into_the_merged_one_and_drops_nothing() {
    let catalog = Catalog::standard();
    for keep in [Keep::Ours, Keep::Theirs] {
        let patch = output::argocd_cr_patch(&catalog, "cr.yaml", CR, keep).expect("patch");
        let ops: Vec<Value> = serde_json::from_str(&patch.text).expect("JSON patch");
        assert!(ops
            .iter()
            .all(|op| matches!(op["op"].as_str(), Some("add" | "replace" | "test"))));
        let mut live = yaml(CR);
        apply_patch(&mut live, &ops).expect("applies");
        let merged = output::merge_argocd_cr(&catalog, "cr.yaml", CR, keep).expect("merges");
        assert_eq!(live["spec"], yaml(&merged.text)["spec"]);
        // Read again after someone else changed the resource, the patch is refused whole.
        let mut changed = yaml(CR);
        changed["metadata"]["resourceVersion"] = "4418231".into();
        assert_eq!(
            apply_patch(&mut changed, &ops),
            Err("test failed at /metadata/resourceVersion".to_owned())
        );
    }
}

#[test]
fn a_replaced_entry_is_tested_before_it_is_replaced() {
    let text = CR.replace("  resourceVersion: \"4418230\"\n", "");
    let patch =
        output::argocd_cr_patch(&Catalog::standard(), "cr.yaml", &text, Keep::Ours).expect("patch");
    let ops: Vec<Value> = serde_json::from_str(&patch.text).expect("JSON patch");
    let at = |path: &str| -> Vec<&str> {
        ops.iter()
            .filter(|o| o["path"] == path)
            .map(|o| o["op"].as_str().unwrap_or_default())
            .collect()
    };
    assert_eq!(at("/spec/resourceHealthChecks/1"), ["test", "replace"]);
    assert_eq!(at("/spec/resourceHealthChecks/0"), Vec::<&str>::new());
    assert_eq!(
        at("/spec/extraConfig/resource.customizations"),
        ["test", "replace"]
    );
    // 80 rules, one of them CatalogSource (replaced) and one a wildcard (in the nested value).
    assert_eq!(at("/spec/resourceHealthChecks/-").len(), 78);
    let mut moved = yaml(&text);
    moved["spec"]["resourceHealthChecks"]
        .as_array_mut()
        .expect("list")
        .swap(0, 1);
    assert_eq!(
        apply_patch(&mut moved, &ops),
        Err("test failed at /spec/resourceHealthChecks/1".to_owned())
    );
}

#[test]
fn a_check_of_theirs_in_extra_config_is_replaced_where_the_operator_reads_it() {
    // The operator copies extraConfig over the keys it makes of resourceHealthChecks, so a split
    // key there is the CatalogSource check in effect: ours goes there, not in a second entry.
    let text = CR.replace(
        "    timeout.reconciliation: 300s\n",
        "    timeout.reconciliation: 300s\n    \
         resource.customizations.health.operators.coreos.com_Subscription: |\n      \
         return {status = \"Healthy\", message = \"mine\"}\n",
    );
    let merged = output::merge_argocd_cr(&Catalog::standard(), "cr.yaml", &text, Keep::Ours)
        .expect("merges");
    keeps_everything(&text, &merged, &["/status", "/metadata/managedFields"]);
    let at: Vec<&str> = merged.both.iter().map(|b| b.theirs_at.as_str()).collect();
    assert_eq!(
        at,
        [
            "spec.resourceHealthChecks[1]",
            "spec.extraConfig[resource.customizations.health.operators.coreos.com_Subscription]"
        ]
    );
    let doc = yaml(&merged.text);
    let kinds: Vec<&str> = doc["spec"]["resourceHealthChecks"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert!(!kinds.contains(&"Subscription"), "{kinds:?}");
}

#[test]
fn what_is_not_one_argocd_resource_is_refused_with_a_reason() {
    let catalog = Catalog::standard();
    let err = |text: &str| {
        output::merge_argocd_cr(&catalog, "x.yaml", text, Keep::Ours)
            .expect_err("refused")
            .to_string()
    };
    assert_eq!(
        err("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\n"),
        "x.yaml: holds no ArgoCD to merge into"
    );
    assert_eq!(
        err("apiVersion: argoproj.io/v2\nkind: ArgoCD\nmetadata: {name: a}\n"),
        "x.yaml: apiVersion \"argoproj.io/v2\": expected argoproj.io/v1beta1 or v1alpha1"
    );
    assert_eq!(
        err("apiVersion: argoproj.io/v1beta1\nkind: ArgoCD\nspec:\n  resourceHealthChecks: {}\n"),
        "x.yaml: spec.resourceHealthChecks is not a list"
    );
    let two = format!("{CR}---\n{CR}");
    assert_eq!(
        err(&two),
        "x.yaml: holds 2 ArgoCD objects: give one (oc get ... NAME -o yaml)"
    );
}
