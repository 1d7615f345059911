//! `mas-health test --config`: the repository's fixtures run against the scripts of each
//! configuration form it generates, each test's script found as Argo CD finds it; `audit`
//! reads configurations as Argo CD and its operator do; JUnit and SARIF outputs.

mod support;

use std::path::Path;
use support::root;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = support::cmd().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FORMS: [&str; 3] = [
    "lua-out/argocd-cm.yaml",
    "lua-out/argocd-cr.yaml",
    "lua-out/helm-values.yaml",
];

#[test]
fn every_fixture_passes_with_the_scripts_of_each_configuration_form() {
    let (_, plain, _) = run(&["test", "health"]);
    let total = plain.lines().filter(|l| l.starts_with("PASS ")).count();
    assert!(total > 300, "{plain}");
    for form in FORMS {
        let (code, out, err) = run(&["test", "--config", form, "health"]);
        assert_eq!(code, 0, "{form}: {out}{err}");
        assert!(
            out.ends_with(&format!("{total} passed, 0 failed\n")),
            "{form}: {out}"
        );
    }
}

/// `text` with the Suite script's Healthy branch made Degraded (the first one after `marker`).
/// The Healthy branch of the generated Suite script, as the emitter writes it.
const SUITE_HEALTHY: &str = "verdict, message = \"Healthy\", text(ready_message) or \"Ready\"";

/// `text` with the Suite script (the first after `marker`) saying Degraded where it says
/// Healthy.
fn break_suite(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("the Suite script");
    let offset = text[at..].find(SUITE_HEALTHY).expect("its Healthy branch") + at;
    let mut out = text.to_owned();
    out.replace_range(
        offset..offset + SUITE_HEALTHY.len(),
        "verdict, message = \"Degraded\", text(ready_message) or \"Ready\"",
    );
    out
}

/// The 1-based line of `text` where `marker` starts.
fn line_of(text: &str, marker: &str) -> usize {
    let at = text.find(marker).expect("marker");
    text[..at].matches('\n').count() + 1
}

/// The 1-based line of the list item (`- `) that holds `marker`.
fn item_line_of(text: &str, marker: &str) -> usize {
    let at = line_of(text, marker);
    let lines: Vec<&str> = text.lines().collect();
    (1..=at)
        .rev()
        .find(|&n| lines[n - 1].trim_start().starts_with("- "))
        .expect("a list item")
}

/// The origin a failure names for a script, from the configuration's text.
type Origin = fn(&str) -> String;

#[test]
fn one_changed_script_fails_its_tests_with_expected_and_actual_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = "resource.customizations.health.core.mas.ibm.com_Suite";
    let cases: [(&str, &str, Origin); 3] = [
        ("lua-out/argocd-cm.yaml", key, |t| {
            format!(
                "line {} ConfigMap data[resource.customizations.health.core.mas.ibm.com_Suite]",
                line_of(t, "resource.customizations.health.core.mas.ibm.com_Suite:")
            )
        }),
        ("lua-out/argocd-cr.yaml", "kind: Suite\n", |t| {
            format!(
                "line {} ArgoCD spec.resourceHealthChecks[",
                item_line_of(t, "kind: Suite\n")
            )
        }),
        ("lua-out/helm-values.yaml", key, |t| {
            format!(
                "line {} Helm values configs.cm[resource.customizations.health.core.mas.ibm.com_Suite]",
                line_of(t, "resource.customizations.health.core.mas.ibm.com_Suite:")
            )
        }),
    ];
    for (form, marker, origin) in cases {
        let text = std::fs::read_to_string(root().join(form)).expect("generated config");
        let origin = origin(&text);
        let changed = dir.path().join(Path::new(form).file_name().expect("name"));
        std::fs::write(&changed, break_suite(&text, marker)).expect("write");
        let changed = changed.display().to_string();
        let (code, out, _) = run(&["test", "--config", &changed, "health"]);
        assert_eq!(code, 1, "{form}: {out}");
        let fails: Vec<&str> = out.lines().filter(|l| l.starts_with("FAIL")).collect();
        let want = format!(
            "FAIL core.mas.ibm.com/Suite testdata/healthy.yaml: expected Healthy \"MAS is ready \
             to use\", got Degraded \"MAS is ready to use\" (script: {changed} {origin}"
        );
        assert_eq!(fails.len(), 1, "{form}: {out}");
        assert!(
            fails[0].starts_with(&want),
            "{form}: {}\nwant {want}",
            fails[0]
        );
    }
}

#[test]
fn a_test_whose_kind_has_no_script_and_no_built_in_fails_saying_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cm = dir.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.health.core.mas.ibm.com_Workspace: |\n    \
         return {status = \"Healthy\", message = \"ok\"}\n",
    )
    .expect("write");
    let (code, out, _) = run(&[
        "test",
        "--config",
        &cm.display().to_string(),
        "health/core.mas.ibm.com",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "FAIL core.mas.ibm.com/Suite testdata/healthy.yaml: no script of the configuration \
             answers \"core.mas.ibm.com/Suite\" (exact key, then wildcards) and Argo CD has no \
             built-in check for it\n"
        ),
        "{out}"
    );
}

#[test]
fn a_file_without_scripts_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cm = dir.path().join("cm.yaml");
    std::fs::write(&cm, "apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n").expect("write");
    let (code, _, err) = run(&["test", "--config", &cm.display().to_string(), "health"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no health scripts found"), "{err}");
}

/// A configuration with one finding of each configuration-level rule and a clean check.
fn audited(output: &str) -> (i32, String) {
    let (code, out, err) = run(&[
        "audit",
        "--no-fixtures",
        "--cases",
        "5",
        "--output",
        output,
        "tests/audit/config-forms/never-run.yaml",
    ]);
    assert!(err.is_empty() || !err.contains("error:"), "{err}");
    (code, out)
}

#[test]
fn audit_json_ends_with_a_summary_object() {
    let (code, out) = audited("json");
    assert_eq!(code, 1, "{out}");
    let last: serde_json::Value =
        serde_json::from_str(out.lines().last().expect("lines")).expect("JSON");
    assert_eq!(
        last,
        // The info: the `Service` key takes the place of Argo CD's built-in Service check.
        serde_json::json!({"summary": {"scripts": 4, "with_errors": 2, "errors": 2,
            "warnings": 0, "infos": 1, "by_code": {"error": {"never-used-key": 2},
            "warning": {}, "info": {"replaces-builtin": 1}}}})
    );
}

#[test]
fn audit_sarif_puts_each_finding_at_the_line_of_its_key() {
    let (_, out) = audited("sarif");
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let at: Vec<(String, u64)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or_default().to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("never-used-key".to_owned(), 5),
            ("never-used-key".to_owned(), 8),
            ("replaces-builtin".to_owned(), 11)
        ]
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "tests/audit/config-forms/never-run.yaml"
    );
}

#[test]
fn audit_junit_has_one_testcase_per_script_and_fails_those_with_errors() {
    let (_, out) = audited("junit");
    assert_eq!(out.matches("<testcase ").count(), 4, "{out}");
    assert_eq!(out.matches("<failure ").count(), 2, "{out}");
    assert!(out.contains("<failure message=\"never-used-key\" type=\"failure\">ERROR never-used-key: keyed under a group named core"), "{out}");
}

/// `(key, finding codes)` of each report of `audit --output json` on `args`, and the exit code.
fn codes_of(args: &[&str]) -> (i32, Vec<(String, Vec<String>)>) {
    let mut all = vec![
        "audit",
        "--no-fixtures",
        "--cases",
        "10",
        "--output",
        "json",
    ];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    let reports = out
        .lines()
        .filter(|l| !l.starts_with("{\"summary\""))
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            let codes = r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["code"].as_str().unwrap_or_default().to_owned())
                .collect();
            (r["key"].as_str().unwrap_or_default().to_owned(), codes)
        })
        .collect();
    assert!(!err.contains("error:"), "{err}");
    (code, reports)
}

fn pairs(p: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    p.iter()
        .map(|(k, c)| (k.to_string(), c.iter().map(|c| c.to_string()).collect()))
        .collect()
}

const CORPUS: &str = "tests/audit/config-forms/";

#[test]
fn corpus_a_duplicated_nested_key_is_a_warning_and_every_script_is_audited() {
    let (code, found) = codes_of(&[&format!("{CORPUS}duplicate-nested.yaml")]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        pairs(&[
            ("example.com/Widget", &[]),
            ("example.com/Gadget", &[]),
            ("example.com/Widget", &["duplicate-yaml-key"]),
        ])
    );
    let (code, found) = codes_of(&[&format!("{CORPUS}one-kind-two-groups.yaml")]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        pairs(&[
            ("example.com/Widget", &[]),
            ("other.example.com/Widget", &[])
        ])
    );
}

#[test]
fn corpus_core_and_non_kind_keys_are_never_used() {
    let (code, found) = codes_of(&[&format!("{CORPUS}never-run.yaml")]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        pairs(&[
            ("core/Service", &["never-used-key"]),
            ("machine.openshift.io/obj.sta", &["never-used-key"]),
            // The right key for a core kind: it runs, in place of Argo CD's built-in check.
            ("Service", &["replaces-builtin"]),
            ("machine.openshift.io/MachineSet", &[]),
        ])
    );
}

#[test]
fn corpus_a_typo_of_a_deployed_group_is_never_used() {
    let manifests = format!("{CORPUS}typo-group-manifests.yaml");
    let (code, found) = codes_of(&[
        "--manifests",
        &manifests,
        &format!("{CORPUS}typo-group.yaml"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        pairs(&[
            (
                "machine.opensift.io/MachineHealthCheck",
                &["never-used-key", "unused-key"]
            ),
            ("machine.openshift.io/MachineSet", &[]),
        ])
    );
}

#[test]
fn corpus_resource_customizations_are_dropped_by_the_operator_from_0_8() {
    let old = format!("{CORPUS}argocd-old-field.yaml");
    let (code, found) = codes_of(&[&old]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        pairs(&[("example.com/Widget", &["dropped-by-operator"])])
    );
    let (code, found) = codes_of(&["--argocd-operator-version", "0.7.0", &old]);
    assert_eq!(code, 0);
    assert_eq!(found, pairs(&[("example.com/Widget", &[])]));
    let (code, found) = codes_of(&[&format!("{CORPUS}argocd-health-checks.yaml")]);
    assert_eq!(code, 0);
    assert_eq!(found, pairs(&[("example.com/Widget", &[])]));
}

#[test]
fn corpus_helm_values_are_read_as_the_chart_writes_them() {
    let (code, found) = codes_of(&[&format!("{CORPUS}helm-map-value.yaml")]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        pairs(&[
            ("example.com/Gadget", &[]),
            ("resource.customizations", &["unreadable-key"]),
        ])
    );
}
