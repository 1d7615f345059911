//! Argo CD's built-in health (gitops-engine's Go checks and equivalents of the Lua checks it
//! ships) on the fixtures under tests/builtin/, whose verdicts are what Argo CD gives for each
//! state. The check is found from each fixture object's apiVersion and kind, as Argo CD finds it.

use mas_health::argocd::builtin::{self, Origin};
use mas_health::argocd::harness as fixtures;
use mas_health::health::group_kind_of;
use mas_health::{assess, Catalog, Source, Status};
use std::path::Path;

fn dirs() -> Vec<fixtures::FixtureDir> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/builtin");
    fixtures::discover(&root).expect("tests/builtin is readable")
}

#[test]
fn every_built_in_fixture_gets_argo_cds_verdict() {
    let empty = Catalog::empty();
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in dirs() {
        for t in &dir.tests {
            count += 1;
            let obj = dir.input(t).expect("fixture parses");
            let a = assess(&empty, &obj);
            let where_ = format!("{}/{}", dir.dir.display(), t.input_path);
            if !matches!(a.source, Source::BuiltIn { .. }) {
                failures.push(format!("{where_}: answered by {:?}", a.source));
                continue;
            }
            let v = a.verdict.expect("a built-in check gives a verdict");
            let want = (&t.health_status.status, &t.health_status.message);
            if (v.status_str(), &v.message) != (want.0.as_str(), want.1) {
                failures.push(format!("{where_}: got {v}, want {} {:?}", want.0, want.1));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= 50, "only {count} fixtures");
}

#[test]
fn every_built_in_has_healthy_progressing_and_degraded_fixtures() {
    let dirs = dirs();
    let mut missing = Vec::new();
    for b in &builtin::ALL {
        let gk = b.group_kind();
        let statuses: Vec<String> = dirs
            .iter()
            .flat_map(|d| d.tests.iter().map(move |t| (d, t)))
            .filter(|(d, t)| d.input(t).is_ok_and(|o| group_kind_of(&o) == gk))
            .map(|(_, t)| t.health_status.status.clone())
            .collect();
        // These checks of Argo CD's have no Degraded outcome at all.
        let never_degrades = [
            "Service",
            "APIService",
            "DaemonSet",
            "StatefulSet",
            "Ingress",
        ];
        let mut wanted = vec![Status::Healthy, Status::Progressing];
        if !never_degrades.contains(&b.kind) {
            wanted.push(Status::Degraded);
        }
        for w in wanted {
            if !statuses.iter().any(|s| s == w.as_str()) {
                missing.push(format!("{gk}: no {w} fixture"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn a_catalog_rule_wins_over_a_built_in() {
    let suite_like = mas_health::Entry::new(
        "test",
        "batch",
        "Job",
        mas_health::Rule::named("mine")
            .otherwise(Status::Suspended, mas_health::rule::Message::text("mine")),
    );
    let catalog = Catalog::empty().with([suite_like]);
    let job = serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "status": {}});
    let a = assess(&catalog, &job);
    assert_eq!(a.verdict.map(|v| v.status), Some(Some(Status::Suspended)));
    assert!(matches!(a.source, Source::Catalog { .. }));
}

#[test]
fn go_checks_and_lua_equivalents_are_told_apart() {
    let origin = |g: &str, k: &str| {
        builtin::check_for(&mas_health::argocd::GroupKind::new(g, k)).map(|b| b.origin)
    };
    assert!(matches!(
        origin("apps", "Deployment"),
        Some(Origin::Go { .. })
    ));
    assert_eq!(
        origin("cert-manager.io", "Certificate"),
        Some(Origin::Lua {
            since: builtin::ArgoVersion::V3_0
        })
    );
    assert_eq!(origin("", "ConfigMap"), None);
}

#[test]
fn the_test_command_runs_the_built_in_fixtures() {
    let out = assert_cmd::Command::cargo_bin("mas-health")
        .expect("binary builds")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["test", "tests/builtin"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().last(), Some("63 passed, 0 failed"));
}

#[test]
fn the_test_command_fails_a_built_in_fixture_with_the_wrong_verdict() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("batch/Job");
    std::fs::create_dir_all(folder.join("testdata")).expect("folders");
    std::fs::write(
        folder.join("health_test.yaml"),
        "tests:\n- healthStatus:\n    status: Healthy\n  inputPath: testdata/failed.yaml\n",
    )
    .expect("test file");
    std::fs::write(
        folder.join("testdata/failed.yaml"),
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus:\n  conditions:\n  - {type: Failed, status: \"True\", message: boom}\n",
    )
    .expect("fixture");
    let out = assert_cmd::Command::cargo_bin("mas-health")
        .expect("binary builds")
        .args(["test"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "FAIL batch/Job testdata/failed.yaml: expected Healthy \"\", got Degraded \"boom\" (Argo CD built-in, gitops-engine (Go))"
        ),
        "{text}"
    );
}
