//! `mas-health audit` finds every class of broken health check, never lets a script touch the
//! machine, reads every configuration format, and passes the checks this crate generates.

mod support;

use mas_health::argocd::harness as fixtures;
use mas_health::audit::{self, Context, Level, Report};

use support::root;

fn audit_file(path: &str, manifests: bool) -> Vec<Report> {
    let text = std::fs::read_to_string(root().join(path)).expect("test input");
    let (scripts, errors) = audit::scripts_in(path, &text);
    assert!(errors.is_empty(), "{errors:?}");
    let fixture_dirs = fixtures::discover(&root().join("health")).expect("fixtures");
    let deployed = manifests.then(|| {
        let text = std::fs::read_to_string(root().join("tests/audit/manifests/instance.yaml"))
            .expect("manifests");
        audit::deployed_kinds("instance.yaml", &text)
    });
    let entries = mas_health::Catalog::standard();
    let ctx = Context {
        fixtures: &fixture_dirs,
        deployed: deployed.as_deref(),
        cases: 150,
        catalog: &entries,
        keys: &[],
        malformed: false,
        schemas: None,
        live: None,
    };
    scripts.iter().map(|s| audit::audit(s, &ctx)).collect()
}

/// The report of the script keyed `key`.
fn report<'a>(reports: &'a [Report], key: &str) -> &'a Report {
    reports
        .iter()
        .find(|r| r.key == key)
        .unwrap_or_else(|| panic!("no script keyed {key}"))
}

fn codes<'a>(reports: &'a [Report], key: &str) -> Vec<&'a str> {
    report(reports, key)
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect()
}

#[test]
fn every_broken_check_is_found_with_its_finding() {
    let reports = audit_file("tests/audit/broken-checks.yaml", true);
    let expect = [
        ("example.com/ParseError", "parse-error"),
        ("example.com/NeedsOpenLibs", "needs-open-libs"),
        ("example.com/Unsafe", "open-libs-unsafe"),
        ("example.com/Unsafe", "touches-machine"),
        ("example.com/RuntimeError", "runtime-error"),
        ("example.com/InvalidStatus", "invalid-status"),
        ("example.com/EmptyStatus", "empty-status"),
        ("example.com/OrderDependent", "order-dependent"),
        ("core.mas.ibm.com/Suite", "disagrees"),
        ("apps.mas.ibm.com/AIServiceApp", "wrong-group"),
        ("example.com/Precedence", "precedence"),
        ("example.com/UndefinedGlobal", "undefined-global"),
        ("example.com/NeverMatches", "never-matches"),
        ("example.com/ArrayAsMap", "array-as-map"),
        ("example.com/UnorderedMessage", "unordered-message"),
        ("example.com/HealthyWithoutStatus", "healthy-without-status"),
        ("example.com/TransientDegraded", "transient-degraded"),
    ];
    for (key, code) in expect {
        assert!(
            codes(&reports, key).contains(&code),
            "{key}: want {code}, got {:?}",
            codes(&reports, key)
        );
    }
}

#[test]
fn a_runtime_error_comes_with_the_smallest_state_that_raises_it() {
    let reports = audit_file("tests/audit/broken-checks.yaml", false);
    let r = reports
        .iter()
        .find(|r| r.key == "example.com/RuntimeError")
        .expect("script");
    let f = r
        .findings
        .iter()
        .find(|f| f.code == "runtime-error")
        .expect("finding");
    let example = f.example.as_ref().expect("an example state");
    // The script indexes obj.status unguarded: an object with no status is the minimal case.
    assert!(example.get("status").is_none(), "{example}");
}

#[test]
fn correct_checks_have_no_findings() {
    let reports = audit_file("tests/audit/broken-checks.yaml", false);
    for key in [
        "*.example.org/*",
        "example.com/FromOperator",
        "example.com/FromExtraConfig",
        "example.com/FromHelm",
    ] {
        assert!(
            codes(&reports, key).is_empty(),
            "{key}: {:?}",
            codes(&reports, key)
        );
    }
}

#[test]
fn scripts_are_read_from_configmaps_argocd_resources_and_helm_values() {
    let text =
        std::fs::read_to_string(root().join("tests/audit/broken-checks.yaml")).expect("input");
    let (scripts, _) = audit::scripts_in("broken-checks.yaml", &text);
    let keys: Vec<String> = scripts.iter().map(|s| s.key()).collect();
    for key in [
        "example.com/ParseError",
        "apps.mas.ibm.com/AIServiceApp",
        "*.example.org/*",
        "example.com/FromOperator",
        "example.com/FromExtraConfig",
        "example.com/FromHelm",
    ] {
        assert!(
            keys.contains(&key.to_owned()),
            "{key} missing from {keys:?}"
        );
    }
    let unsafe_script = scripts.iter().find(|s| s.kind == "Unsafe").expect("Unsafe");
    assert!(
        unsafe_script.open_libs,
        "useOpenLibs key applies to its kind"
    );
}

#[test]
fn audited_scripts_never_touch_the_machine() {
    let canary = std::env::temp_dir().join("mas-health-audit-canary");
    let _ = std::fs::remove_file(&canary);
    let script = format!(
        "os.execute(\"touch {0}\")\nlocal f = io.open(\"{0}\", \"w\")\nos.remove(\"{0}\")\nreturn {{ status = \"Healthy\" }}",
        canary.display()
    );
    let s = audit::Script {
        file: "inline".to_owned(),
        origin: "test".to_owned(),
        group: "example.com".to_owned(),
        kind: "Canary".to_owned(),
        script,
        open_libs: true,
    };
    let entries = mas_health::Catalog::standard();
    let ctx = Context {
        fixtures: &[],
        deployed: None,
        cases: 5,
        catalog: &entries,
        keys: &[],
        malformed: false,
        schemas: None,
        live: None,
    };
    let report = audit::audit(&s, &ctx);
    assert!(!canary.exists(), "a script under audit created a file");
    let calls: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.code == "touches-machine")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert!(report.findings.iter().all(|f| f.code != "runtime-error"));
}

#[test]
fn the_generated_configuration_passes_its_own_audit() {
    let reports = audit_file("lua-out/argocd-cm.yaml", false);
    assert!(
        reports.len() >= 60,
        "a real-size configuration: {}",
        reports.len()
    );
    for r in &reports {
        let errors: Vec<_> = r
            .findings
            .iter()
            // `too-slow` is the wall clock of this machine at this moment (a loaded CI runner, a
            // debug build), not a property of the script: its own tests cover it.
            .filter(|f| f.level == Level::Error && f.code != "too-slow")
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", r.key);
        assert!(
            r.findings.iter().all(|f| f.code != "disagrees"),
            "{}",
            r.key
        );
    }
}

#[test]
fn audit_cli_exits_one_on_errors_and_prints_json() {
    let out = support::cmd()
        .args([
            "audit",
            "tests/audit/broken-checks.yaml",
            "--output",
            "json",
            "--cases",
            "50",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.starts_with("{\"summary\""))
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 20);
    assert!(lines
        .iter()
        .all(|l| l["findings"].is_array() && l["key"].is_string()));
}

fn audit_inline(script: &str, open_libs: bool) -> Report {
    let s = audit::Script {
        file: "inline".to_owned(),
        origin: "test".to_owned(),
        group: "example.com".to_owned(),
        kind: "Inline".to_owned(),
        script: script.to_owned(),
        open_libs,
    };
    let entries = mas_health::Catalog::standard();
    let ctx = Context {
        fixtures: &[],
        deployed: None,
        cases: 3,
        catalog: &entries,
        keys: &[],
        malformed: false,
        schemas: None,
        live: None,
    };
    audit::audit(&s, &ctx)
}

#[test]
fn modules_cannot_be_loaded_from_files_and_bytecode_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let module = dir.path().join("payload.lua");
    let canary = dir.path().join("ran");
    std::fs::write(
        &module,
        format!(
            "local f = io.open(\"{}\", \"w\") return true",
            canary.display()
        ),
    )
    .expect("write");
    let script = format!(
        "package.path = \"{}/?.lua\"\nlocal loader = package.loaders[2]\nif loader then local m = loader(\"payload\") if type(m) == \"function\" then m() end end\nlocal f = loadstring(\"\\027Lua\\081\\000\")\nreturn {{ status = \"Healthy\", message = type(f) }}",
        dir.path().display()
    );
    let report = audit_inline(&script, true);
    assert!(!canary.exists(), "a module was loaded from disk");
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.message.contains("precompiled bytecode")),
        "{:?}",
        report.findings
    );
}

#[test]
fn require_os_and_method_calls_on_tables_are_not_closed_library_uses() {
    let report = audit_inline(
        "local os = require(\"os\")\nlocal H = {}\nfunction H:verdict() if obj.status == nil then return { status = \"Progressing\", message = \"\" } end return { status = \"Healthy\", message = type(os.time) } end\nreturn H:verdict()",
        false,
    );
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn an_audit_that_cannot_be_interrupted_is_stopped_by_its_timeout() {
    let started = std::time::Instant::now();
    let out = support::cmd()
        .args([
            "audit",
            "tests/audit/uninterruptible.yaml",
            "--timeout",
            "3",
            "--output",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or_default()).expect("one JSON line");
    assert_eq!(report["findings"][0]["code"], "timeout", "{text}");
}

#[test]
fn overlapping_wildcard_keys_are_an_error_of_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cm = dir.path().join("argocd-cm.yaml");
    let ok = "return { status = \\\"Healthy\\\", message = \\\"ok\\\" }";
    std::fs::write(
        &cm,
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm}}\ndata:\n  resource.customizations: |\n    \"*.mas.ibm.com/*\":\n      health.lua: \"{ok}\"\n    \"*.ibm.com/*\":\n      health.lua: \"{ok}\"\n"
        ),
    )
    .expect("config");
    let out = support::cmd()
        .args(["audit", "--no-fixtures", "--cases", "5"])
        .arg(&cm)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(text.matches("ERROR wildcard-overlap").count(), 2, "{text}");
    assert!(text.contains("`*.ibm.com/*` and `*.mas.ibm.com/*` both match some kinds"));
}

/// Item 4 of #13: Helm templates and Kustomize trees under --manifests, read without rendering.
#[test]
fn helm_charts_and_kustomize_trees_give_wrong_group_and_no_false_unused_key() {
    let out = support::cmd()
        .args([
            "audit",
            "tests/audit/charts-config.yaml",
            "--manifests",
            "tests/audit/manifests",
            "--no-fixtures",
            "--cases",
            "5",
            "--output",
            "json",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    // Standard error is a pipe here: no progress line.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let reports: Vec<Report> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("{\"summary\""))
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let expect: [(&str, &[&str]); 7] = [
        ("widgets.example.com/Widget", &[]),
        ("example.com/Widget", &["wrong-group"]),
        ("gizmos.example.com/Gizmo", &[]),
        ("gadgets.example.com/Gadget", &[]),
        // Only a template whose kind its values leave open may deploy it: information.
        ("widgets.example.com/Sprocket", &["unused-key"]),
        ("example.com/Gizmo", &["wrong-group"]),
        ("example.com/Sprocket", &["unused-key"]),
    ];
    for (key, want) in expect {
        assert_eq!(codes(&reports, key), want, "{key}");
    }
    let level = |key: &str| {
        reports
            .iter()
            .find(|r| r.key == key)
            .and_then(|r| r.findings.first())
            .map(|f| f.level)
    };
    assert_eq!(level("widgets.example.com/Sprocket"), Some(Level::Info));
    assert_eq!(level("example.com/Sprocket"), Some(Level::Warning));
}

/// Item 1 of #13: with --crds, states satisfy the kind's schema (here: a status always has a
/// phase, Pending or Ready), so a check correct for that schema has no finding; without it, a
/// phase the schema forbids shows a crash.
#[test]
fn states_follow_the_crd_schema_given() {
    let run = |extra: &[&str]| {
        let out = support::cmd()
            .args(["audit", "tests/audit/crds-config.yaml", "--no-fixtures"])
            .args(["--cases", "60", "--output", "json"])
            .args(extra)
            .output()
            .expect("runs");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let reports: Vec<Report> = text
            .lines()
            .filter(|l| !l.starts_with("{\"summary\""))
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect();
        (out.status.code(), reports)
    };
    let (code, reports) = run(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&reports, "example.com/Gauge"), ["runtime-error"]);
    let (code, reports) = run(&["--crds", "tests/audit/crds.yaml"]);
    assert_eq!(code, Some(0));
    assert_eq!(codes(&reports, "example.com/Gauge"), Vec::<&str>::new());
}

/// Item 1 of #13: wrong-typed states only with --malformed, and what they show is a warning.
#[test]
fn malformed_states_give_warnings_only() {
    let run = |extra: &[&str]| {
        support::cmd()
            .args(["audit", "tests/audit/crds-config.yaml", "--no-fixtures"])
            .args([
                "--crds",
                "tests/audit/crds.yaml",
                "--cases",
                "60",
                "--output",
                "json",
            ])
            .args(extra)
            .output()
            .expect("runs")
    };
    let out = run(&["--malformed"]);
    assert_eq!(out.status.code(), Some(0));
    let report: Report = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default(),
    )
    .expect("JSON");
    assert_eq!(
        report
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.level))
            .collect::<Vec<_>>(),
        [("runtime-error", Level::Warning)]
    );
}

/// The example of the crash a Gauge check shows (it reads a word for every phase but
/// `Pending`), audited with `crds` as the kind's CRDs.
fn gauge_crash_example(crds: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tmp");
    let config = dir.path().join("cm.yaml");
    std::fs::write(
        &config,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  \
         resource.customizations.health.example.com_Gauge: |\n    \
         if obj.status == nil then return { status = \"Progressing\", message = \"\" } end\n    \
         local words = { Ready = \"ready\" }\n    \
         return { status = \"Healthy\", message = \"the gauge is \" .. words[obj.status.phase] }\n",
    )
    .expect("write");
    let crd_file = dir.path().join("crds.yaml");
    std::fs::write(&crd_file, crds).expect("write");
    let out = support::cmd()
        .args([
            "audit",
            "--no-fixtures",
            "--cases",
            "60",
            "--output",
            "json",
            "--crds",
        ])
        .arg(&crd_file)
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: Report = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default(),
    )
    .expect("one report");
    let crash = report
        .findings
        .iter()
        .find(|f| f.code == "runtime-error")
        .expect("the crash is found");
    crash.example.clone().expect("an example")
}

/// Review of #13: an example shrunk from a state of a kind whose CRD requires `status.phase`
/// keeps the phase (an empty status is a state the API server would refuse).
#[test]
fn an_example_keeps_the_fields_its_crd_requires() {
    let crds = std::fs::read_to_string(root().join("tests/audit/crds.yaml")).expect("crds");
    let example = gauge_crash_example(&crds);
    assert_eq!(example["status"]["phase"], "Pending", "{example}");
    assert_eq!(example["metadata"]["namespace"], "test", "{example}");
}

/// An example of a kind whose CRD says `scope: Cluster` has no namespace, as the API server
/// stores such objects.
#[test]
fn an_example_of_a_cluster_scoped_kind_has_no_namespace() {
    let crds = std::fs::read_to_string(root().join("tests/audit/crds.yaml")).expect("crds");
    let example = gauge_crash_example(&crds.replace("scope: Namespaced", "scope: Cluster"));
    assert_eq!(example["metadata"].get("namespace"), None, "{example}");
    assert_eq!(example["status"]["phase"], "Pending", "{example}");
}

/// Runs `mas-health audit ARGS` in `dir` and returns its exit code and standard output.
fn audit_in(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let out = support::cmd()
        .current_dir(dir)
        .arg("audit")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// #29: a check of ours appended by hand beside the user's own for the same kind.
#[test]
fn a_hand_merged_argocd_resource_s_duplicate_is_an_error_naming_both_lines() {
    let file = root().join("tests/audit/hand-merged.yaml");
    let (code, text) = audit_in(root(), &["--cases", "5", file.to_str().expect("path")]);
    assert_eq!(code, Some(1), "{text}");
    let header = format!(
        "operators.coreos.com/CatalogSource (line 78 ArgoCD spec.resourceHealthChecks[1]) - {}\n",
        file.display()
    );
    assert!(text.starts_with(&header), "{text}");
    assert!(text.contains(
        "  ERROR duplicate-key       operators.coreos.com/CatalogSource is also defined at line \
         86 ArgoCD spec.resourceHealthChecks[2]: both become \
         resource.customizations.health.operators.coreos.com_CatalogSource; the operator writes \
         the entries in order, the later over the earlier, so that one is used and this one never \
         runs\n"
    ));
    assert!(
        text.ends_with("\n4 scripts audited, 1 with errors\n"),
        "{text}"
    );
}

/// #29: fixtures come from --fixtures alone, never from a health/ folder where audit runs.
#[test]
fn audit_gives_the_same_result_in_any_folder() {
    let file = root().join("tests/audit/hand-merged.yaml");
    let file = file.to_str().expect("path");
    let elsewhere = tempfile::tempdir().expect("tmp");
    let args = ["--verbose", "--cases", "5", file];
    let (code, here) = audit_in(root(), &args);
    assert_eq!(code, Some(1));
    assert_eq!(audit_in(elsewhere.path(), &args), (Some(1), here.clone()));
    assert!(here.contains("example.com/Widget (line 69 ArgoCD spec.resourceHealthChecks[0])"));
    assert!(here.contains("  ok: no findings on 5 states\n"), "{here}");
    // Given, the fixtures of the kind add their states.
    let with = ["--verbose", "--cases", "5", "--fixtures", "health", file];
    let (_, fixtures) = audit_in(root(), &with);
    assert_ne!(fixtures, here);
}

/// #29: a clean configuration prints its summary alone; `ok` lines need --verbose.
#[test]
fn ok_lines_only_with_verbose_and_a_summary_always() {
    let file = root().join("tests/inputs/merge/argocd-cr.yaml");
    let file = file.to_str().expect("path");
    let (code, quiet) = audit_in(root(), &["--cases", "5", file]);
    assert_eq!(
        (code, quiet.as_str()),
        (Some(0), "3 scripts audited, 0 with errors\n")
    );
    let (code, verbose) = audit_in(root(), &["--cases", "5", "--verbose", file]);
    assert_eq!(code, Some(0));
    assert_eq!(
        verbose.matches("  ok: no findings on 5 states\n").count(),
        3
    );
    assert!(verbose.ends_with("\n3 scripts audited, 0 with errors\n"));
}

/// Each script's findings but the comparison with our rules (`disagrees`) and information.
fn defects(reports: &[Report]) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    for r in reports {
        for f in r.findings.iter().filter(|f| f.code != "disagrees") {
            let level = match f.level {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Info => continue,
            };
            out.push((r.key.clone(), level, f.code.clone()));
        }
    }
    out
}

#[test]
fn the_findings_corpus_finds_each_defect_and_none_in_its_near_misses() {
    let found = defects(&audit_file("tests/audit/findings/must-find.yaml", false));
    let want = |k: &str, l: &'static str, c: &str| (k.to_owned(), l, c.to_owned());
    assert_eq!(
        found,
        [
            want("nvidia.com/ClusterPolicy", "error", "transient-degraded"),
            want("example.com/Provisioner", "error", "transient-degraded"),
            want(
                "datasciencecluster.opendatahub.io/DataScienceCluster",
                "error",
                "premature-healthy"
            ),
            want("example.com/Replicas", "warning", "unordered-message"),
        ]
    );
    let near = defects(&audit_file("tests/audit/findings/near-miss.yaml", false));
    assert!(near.is_empty(), "{near:?}");
}

/// The error findings of each script of `tests/audit/stored-states.yaml`, whose must-finds
/// and near-misses pair up by class (see the file's comments).
#[test]
fn stored_states_keep_must_finds_and_drop_near_misses() {
    let reports = audit_file("tests/audit/stored-states.yaml", false);
    let errors = |key: &str| -> Vec<String> {
        report(&reports, key)
            .findings
            .iter()
            .filter(|f| f.level == Level::Error)
            .map(|f| f.code.clone())
            .collect()
    };
    let none: Vec<String> = Vec::new();
    let one = |c: &str| vec![c.to_owned()];
    assert_eq!(errors("example.com/LastCondition"), none);
    assert_eq!(
        errors("example.com/StateWithoutConditions"),
        one("runtime-error")
    );
    assert_eq!(
        errors("apiextensions.k8s.io/CustomResourceDefinition"),
        none
    );
    assert_eq!(errors("example.com/StoredVersions"), one("runtime-error"));
    assert_eq!(errors("example.com/Weight"), none);
    assert_eq!(errors("example.com/Alternatives"), none);
    assert_eq!(errors("example.com/PartDegraded"), one("order-dependent"));
    assert_eq!(errors("example.com/NoUnknown"), none);
    assert_eq!(
        errors("example.com/KnowsUnknown"),
        one("transient-degraded")
    );
    // The always-serialized number is still said, as a warning.
    let weight = reports
        .iter()
        .find(|r| r.key == "example.com/Weight")
        .expect("Weight");
    assert!(weight
        .findings
        .iter()
        .any(|f| f.code == "runtime-error" && f.level == Level::Warning));
}
