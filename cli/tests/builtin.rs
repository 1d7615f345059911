//! Argo CD's built-in health (gitops-engine's Go checks and equivalents of the Lua checks it
//! ships) on the fixtures under tests/builtin/, whose verdicts are what Argo CD gives for each
//! state. The check is found from each fixture object's apiVersion and kind, as Argo CD finds it.

mod support;

use mas_health::argocd::builtin::{self, Origin};
use mas_health::argocd::group_kind_of;
use mas_health::argocd::harness as fixtures;
use mas_health::{assess, Catalog, EvalContext, Source, Status};

fn dirs() -> Vec<fixtures::FixtureDir> {
    let root = support::root().join("tests/builtin");
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
            let a = assess(&empty, &obj, &EvalContext::now());
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
            .otherwise(Status::Suspended, mas_health::Message::text("mine")),
    );
    let catalog = Catalog::empty().with([suite_like]);
    let job = serde_json::json!({"apiVersion": "batch/v1", "kind": "Job", "status": {}});
    let a = assess(&catalog, &job, &EvalContext::now());
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
    let out = support::cmd()
        .args(["test", "tests/builtin"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().last(), Some("108 passed, 0 failed"));
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
    let out = support::cmd()
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

fn mas_health(args: &[&str]) -> (Option<i32>, String, String) {
    let out = support::cmd().args(args).output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

const ROUTES: &str = "tests/builtin/route.openshift.io/Route/testdata";
const USERS: &str = "tests/builtin/kafka.strimzi.io/KafkaUser/testdata";

#[test]
fn eval_calls_a_route_the_router_refused_degraded_as_argo_cd_does() {
    let claimed = format!("{ROUTES}/host-already-claimed.yaml");
    let (code, out, err) = mas_health(&["eval", &claimed]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "Degraded     route.openshift.io/Route mas-inst1-core/inst1-home: Route is degraded  \
         [built-in resource_customizations (Lua)]\n"
    );
}

#[test]
fn eval_gives_argo_cds_verdicts_for_kafka_user_states() {
    let files = ["not-ready", "ready"].map(|f| format!("{USERS}/{f}.yaml"));
    let (code, out, err) = mas_health(&["eval", "--output", "json", &files[0], &files[1]]);
    assert_eq!(code, Some(0), "{err}");
    let got: Vec<(String, String)> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            (v["status"].to_string(), v["message"].to_string())
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "\"Degraded\"".to_owned(),
                "\"Authorization needs to be enabled in the Kafka custom resource\"".to_owned()
            ),
            ("\"Healthy\"".to_owned(), "\"\"".to_owned()),
        ]
    );
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("has a folder")).expect("folders");
    std::fs::write(path, text).expect("written");
}

const SCALED_OBJECT: &str =
    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: s, namespace: keda}\n";

#[test]
fn a_built_in_not_modelled_natively_is_unknown_and_names_the_flag() {
    let dir = tempfile::tempdir().expect("temp dir");
    let obj = dir.path().join("so.yaml");
    write(&obj, SCALED_OBJECT);
    let (code, out, err) = mas_health(&["eval", obj.to_str().expect("utf-8")]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "Unknown      keda.sh/ScaledObject keda/s: Argo CD has a built-in check for \
         keda.sh/ScaledObject (not evaluated: give --argocd-builtins DIR)  \
         [built-in resource_customizations/keda.sh/ScaledObject, not evaluated]\n"
    );
}

#[test]
fn argocd_builtins_runs_the_users_scripts_after_our_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("resource_customizations");
    // Scripts of our own in Argo CD's layout: one exact, one wildcard, one our rule overrides.
    write(
        &root.join("keda.sh/ScaledObject/health.lua"),
        "return {status = 'Suspended', message = string.upper('exact')}\n",
    );
    write(
        &root.join("keda._/_/health.lua"),
        "return {status = 'Degraded', message = 'wildcard'}\n",
    );
    write(
        &root.join("operators.coreos.com/Subscription/health.lua"),
        "return {status = 'Degraded', message = 'built-in'}\n",
    );
    let obj = dir.path().join("objects.yaml");
    let job = "apiVersion: keda.sh/v1alpha1\nkind: ScaledJob\nmetadata: {name: j}\n";
    let sub =
        "apiVersion: operators.coreos.com/v1alpha1\nkind: Subscription\nmetadata: {name: o}\n";
    write(&obj, &format!("{SCALED_OBJECT}---\n{job}---\n{sub}"));
    let root_arg = root.to_str().expect("utf-8");
    let (code, out, err) = mas_health(&[
        "eval",
        "--output",
        "json",
        "--argocd-builtins",
        root_arg,
        obj.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let got: Vec<String> = out
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            format!("{} {} {}", v["status"], v["message"], v["source"])
        })
        .collect();
    assert_eq!(
        got,
        [
            // `string` is there: built-ins run with open libraries.
            "\"Suspended\" \"EXACT\" \"built-in\"",
            "\"Degraded\" \"wildcard\" \"built-in\"",
            "\"Progressing\" \"waiting for OLM to resolve the subscription\" \"rule\"",
        ]
    );
}

#[test]
fn argocd_version_picks_the_set_of_checks() {
    let cron = "tests/builtin/batch/CronJob/testdata/failed-last.yaml";
    let verdict = |version: &str| {
        let (code, out, err) = mas_health(&["eval", "--argocd-version", version, cron]);
        assert_eq!(code, Some(0), "{err}");
        out.split(':').nth(1).unwrap_or_default().trim().to_owned()
    };
    // 3.1 has no CronJob script; 3.2 and 3.3 have one worded differently; 3.4 on is native.
    assert!(verdict("3.1").starts_with("no health check"));
    assert!(verdict("3.2").starts_with("Argo CD has a built-in check for batch/CronJob"));
    let native = "CronJob has not completed its last execution successfully";
    assert!(verdict("3.4.7").starts_with(native));
    assert!(verdict("main").starts_with(native));
}

#[test]
fn an_argocd_version_outside_the_index_is_a_usage_error() {
    let (code, out, err) = mas_health(&["eval", "--argocd-version", "2.14", "-"]);
    assert_eq!(code, Some(2));
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: --argocd-version: Argo CD 2.14 is not in the index: the index knows 3.0 to 3.5 \
         and main; for another version give --argocd-builtins DIR (its resource_customizations \
         folder)\n"
    );
}

/// The keys `list --all` shows as Argo CD built-ins.
fn built_in_rows(version: &str) -> std::collections::BTreeSet<String> {
    let (code, out, err) = mas_health(&["list", "--all", "--argocd-version", version]);
    assert_eq!(code, Some(0), "{err}");
    out.lines()
        .filter_map(|l| {
            let mut cols = l.split_whitespace();
            let key = cols.next()?;
            (cols.next()? == "built-in").then(|| key.to_owned())
        })
        .collect()
}

#[test]
fn list_all_for_3_0_and_3_5_differs_by_the_checks_added_and_removed_between() {
    use builtin::{index, ArgoVersion};
    let (old, new) = (built_in_rows("3.0"), built_in_rows("3.5"));
    let catalog = Catalog::standard();
    let listed = |v: ArgoVersion| -> std::collections::BTreeSet<String> {
        index::shipped_in(v)
            .map(|l| l.group_kind())
            .filter(|gk| gk.is_wildcard() || catalog.lookup(&gk.group, &gk.kind).is_none())
            .map(|gk| gk.key())
            .collect()
    };
    let (in_old, in_new) = (listed(ArgoVersion::V3_0), listed(ArgoVersion::V3_5));
    let added: Vec<&String> = new.difference(&old).collect();
    let removed: Vec<&String> = old.difference(&new).collect();
    assert_eq!(added, in_new.difference(&in_old).collect::<Vec<_>>());
    assert_eq!(removed, in_old.difference(&in_new).collect::<Vec<_>>());
    // Argo CD's own counts: 70 keys added and 15 removed between 3.0.0 and 3.5.0.
    assert_eq!((added.len(), removed.len()), (70, 15));
    assert!(new.contains("route.openshift.io/Route") && old.contains("route.openshift.io/Route"));
}
