//! What `--output junit` and `--output sarif` write validates against the schemas CI systems
//! read: the JUnit XML schema Jenkins' xUnit plugin ships (`junit-10.xsd`), checked with
//! `xmllint --schema` (no pure-Rust crate validates XML Schema; the `libxml` crate binds the same
//! libxml2), and the OASIS SARIF 2.1.0 JSON schema, checked with the `jsonschema` crate.
//!
//! The schemas are other projects' files, so they are not kept in this repository: the tests
//! read them from `tests/schemas/` (ignored by git) or from the folder `MAS_HEALTH_SCHEMAS`
//! names. `.ci/schemas` fetches them there from package registries (the SARIF schema from the
//! crates.io crate serde-sarif, the XSD from pytest's source distribution on PyPI); `.ci/run`
//! runs it and sets `MAS_HEALTH_REQUIRE_SCHEMAS=1`, which turns a missing schema or a missing
//! xmllint into a failure instead of a skipped test.

mod support;

use std::path::{Path, PathBuf};
use support::root;

/// The schema file `name`, or None (after saying why) when it is absent and not required.
fn schema(name: &str) -> Option<PathBuf> {
    let dirs = [
        Some(root().join("tests/schemas")),
        std::env::var_os("MAS_HEALTH_SCHEMAS").map(PathBuf::from),
    ];
    let found = dirs
        .into_iter()
        .flatten()
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        let required = std::env::var("MAS_HEALTH_REQUIRE_SCHEMAS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{name} not found in tests/schemas or MAS_HEALTH_SCHEMAS"
        );
        eprintln!("skipped: {name} not found in tests/schemas or MAS_HEALTH_SCHEMAS");
    }
    found
}

fn stdout(args: &[&str]) -> String {
    let out = support::cmd().args(args).output().expect("runs");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// A configuration whose Suite check is broken, so reports hold failures.
fn broken_config(dir: &Path) -> String {
    let text = std::fs::read_to_string(root().join("lua-out/argocd-cm.yaml")).expect("config");
    let broken = text.replacen(
        "verdict, message = \"Healthy\", text(ready_message) or \"Ready\"",
        "verdict, message = \"Degraded\", text(ready_message) or \"<Ready> & \\\"ok\\\"\"",
        1,
    );
    assert_ne!(broken, text);
    let path = dir.join("argocd-cm.yaml");
    std::fs::write(&path, broken).expect("write");
    path.display().to_string()
}

fn xmllint_valid(xsd: &Path, xml: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, xml).expect("write");
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(&file)
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            let required = std::env::var("MAS_HEALTH_REQUIRE_SCHEMAS").is_ok_and(|v| v == "1");
            assert!(!required, "xmllint cannot run: {e}");
            eprintln!("skipped: xmllint cannot run: {e}");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_reports_of_test_and_audit_validate_against_jenkins_junit_xsd() {
    let Some(xsd) = schema("junit-10.xsd") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let config = broken_config(dir.path());
    let tests = stdout(&["test", "--config", &config, "health", "--output", "junit"]);
    assert!(
        tests.contains("<failure message=\"expected Healthy"),
        "{tests}"
    );
    xmllint_valid(&xsd, &tests);
    let audit = stdout(&[
        "audit",
        "--no-fixtures",
        "--cases",
        "5",
        "--output",
        "junit",
        "tests/audit/config-forms/never-run.yaml",
    ]);
    assert!(audit.contains("<failure "), "{audit}");
    xmllint_valid(&xsd, &audit);
}

/// The schema as serde-sarif ships it gives the `language` properties (of `run`,
/// `toolComponent`, ...) the pattern `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, whose stray `]`
/// is not a valid ECMA-262 regex in Unicode mode, so draft-07's meta-schema (which asserts
/// `format: regex`) rejects the whole schema. A non-Unicode ECMA-262 engine reads that `]` as a
/// literal; escaping it keeps that meaning. Reports of ours hold no `language`.
fn escape_stray_bracket(schema: &mut serde_json::Value) {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match schema {
        serde_json::Value::String(s) if s == STRAY => {
            *s = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$".to_owned();
        }
        serde_json::Value::Object(map) => map.values_mut().for_each(escape_stray_bracket),
        serde_json::Value::Array(items) => items.iter_mut().for_each(escape_stray_bracket),
        _ => {}
    }
}

#[test]
fn sarif_report_validates_against_the_sarif_2_1_0_schema() {
    let Some(path) = schema("sarif-schema-2.1.0.json") else {
        return;
    };
    let mut schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("JSON");
    escape_stray_bracket(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let out = stdout(&[
        "audit",
        "--no-fixtures",
        "--cases",
        "20",
        "--output",
        "sarif",
        "tests/audit/broken-checks.yaml",
        "tests/audit/config-forms/never-run.yaml",
    ]);
    let sarif: serde_json::Value = serde_json::from_str(&out).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results
        .iter()
        .any(|r| r["properties"]["example"].is_object()));
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
