//! The command line, end to end: every command and format, bad input, exit codes.

mod support;

use assert_cmd::Command;
use std::path::Path;

use support::cmd;

/// Runs `c`, asserts it exits with `code`, and returns its standard output.
fn exits_with(c: &mut Command, code: i32) -> String {
    let out = c.output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{c:?}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs `mas-health ARGS`, asserts it succeeds (exit 0), and returns its standard output.
fn stdout(args: &[&str]) -> String {
    exits_with(cmd().args(args), 0)
}

/// Writes the Suite rule in Argo CD's upstream layout into `dir`.
fn generate_upstream_suite(dir: &Path) {
    cmd()
        .args([
            "generate",
            "--format",
            "upstream",
            "--only",
            "core.mas.ibm.com/Suite",
            "--out",
        ])
        .arg(dir)
        .assert()
        .success();
}

const SUITE: &str = "health/core.mas.ibm.com/Suite/testdata/healthy.yaml";

#[test]
fn generate_check_passes_on_the_committed_lua_out() {
    cmd().args(["generate", "--check"]).assert().success();
}

#[test]
fn generate_check_fails_when_lua_out_drifts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    cmd()
        .args(["generate", "--out"])
        .arg(&out)
        .assert()
        .success();
    std::fs::write(out.join("core.mas.ibm.com/Suite/health.lua"), "-- edited").expect("write");
    cmd()
        .args(["generate", "--check", "--out"])
        .arg(&out)
        .assert()
        .code(1);
}

#[test]
fn argocd_cm_has_split_keys_and_wildcards_in_the_nested_key() {
    let text = stdout(&[
        "generate",
        "--format",
        "argocd-cm",
        "--namespace",
        "openshift-gitops",
    ]);
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    assert_eq!(cm["kind"], "ConfigMap");
    assert_eq!(cm["metadata"]["name"], "argocd-cm");
    assert_eq!(cm["metadata"]["namespace"], "openshift-gitops");
    let data = cm["data"].as_object().expect("data");
    assert!(data.contains_key("resource.customizations.health.core.mas.ibm.com_Suite"));
    assert!(data.contains_key("resource.customizations.health.argoproj.io_Application"));
    let nested: serde_json::Value =
        serde_saphyr::from_str(data["resource.customizations"].as_str().expect("string"))
            .expect("nested YAML");
    assert!(nested["*.mas.ibm.com/*"]["health.lua"].as_str().is_some());
    assert!(data.keys().all(|k| !k.contains('*')));
}

#[test]
fn nested_format_holds_every_rule_in_one_key() {
    let text = stdout(&["generate", "--format", "nested"]);
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    let data = cm["data"].as_object().expect("data");
    assert_eq!(data.len(), 1);
    let nested: serde_json::Value =
        serde_saphyr::from_str(data["resource.customizations"].as_str().expect("string"))
            .expect("nested YAML");
    assert!(nested["core.mas.ibm.com/Suite"]["health.lua"]
        .as_str()
        .is_some());
}

#[test]
fn argocd_cr_puts_exact_kinds_in_resource_health_checks() {
    let text = stdout(&[
        "generate",
        "--format",
        "argocd-cr",
        "--only",
        "core.mas.ibm.com/*",
        "--only",
        "*.mas.ibm.com/*",
    ]);
    let cr: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    assert_eq!(cr["apiVersion"], "argoproj.io/v1beta1");
    assert_eq!(cr["kind"], "ArgoCD");
    let checks = cr["spec"]["resourceHealthChecks"]
        .as_array()
        .expect("checks");
    assert!(checks
        .iter()
        .any(|c| c["group"] == "core.mas.ibm.com" && c["kind"] == "Suite"));
    assert!(cr["spec"]["extraConfig"]["resource.customizations"]
        .as_str()
        .is_some());
}

#[test]
fn helm_values_go_under_configs_cm() {
    let text = stdout(&[
        "generate",
        "--format",
        "helm-values",
        "--only",
        "operators.coreos.com/*",
    ]);
    let v: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    let cm = v["configs"]["cm"].as_object().expect("configs.cm");
    assert_eq!(cm.len(), 5);
    assert!(cm.contains_key("resource.customizations.health.operators.coreos.com_Subscription"));
}

#[test]
fn upstream_writes_argo_cd_layout_with_fixtures() {
    let dir = tempfile::tempdir().expect("tempdir");
    generate_upstream_suite(dir.path());
    let suite = dir.path().join("core.mas.ibm.com/Suite");
    assert!(suite.join("health.lua").is_file());
    assert!(suite.join("health_test.yaml").is_file());
    assert!(suite.join("testdata/healthy.yaml").is_file());
    // The layout it writes is one `mas-health test` runs as foreign scripts, closed libraries.
    cmd().arg("test").arg(dir.path()).assert().success();
}

#[test]
fn unknown_only_pattern_is_a_usage_error() {
    cmd()
        .args(["generate", "--only", "nope.example.com/Nothing"])
        .assert()
        .code(2);
}

#[test]
fn eval_prints_json_lines_with_exactly_the_documented_keys() {
    let out = stdout(&["eval", "--output", "json", "tests/inputs/list.yaml"]);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        let mut keys: Vec<&String> = l.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "group",
                "kind",
                "message",
                "name",
                "namespace",
                "rule",
                "source",
                "status"
            ]
        );
    }
    assert_eq!(lines[0]["status"], "Degraded");
    assert_eq!(lines[0]["message"], "SLS registration failed");
    assert_eq!(lines[0]["rule"], "core.mas.ibm.com/Suite");
    assert_eq!(lines[0]["source"], "rule");
    // A Deployment has no rule here, but Argo CD's own check: no replicas asked, none missing.
    assert_eq!(lines[1]["status"], "Healthy");
    assert!(lines[1]["rule"].is_null());
    assert_eq!(lines[1]["source"], "built-in");
}

#[test]
fn eval_reads_standard_input_and_json_lines() {
    let jsonl = r#"{"apiVersion":"core.mas.ibm.com/v1","kind":"Suite","metadata":{"name":"a"},"status":{"conditions":[{"type":"Ready","status":"True","message":"ok"}]}}
{"apiVersion":"operators.coreos.com/v1alpha1","kind":"InstallPlan","metadata":{"name":"b"},"status":{"phase":"Complete"}}
"#;
    let out = cmd()
        .args(["eval", "--engine", "both", "-"])
        .write_stdin(jsonl)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Healthy      core.mas.ibm.com/Suite a: ok"),
        "{text}"
    );
    assert!(
        text.contains("operators.coreos.com/InstallPlan b"),
        "{text}"
    );
}

#[test]
fn eval_reports_bad_documents_and_still_evaluates_the_rest() {
    let out = cmd()
        .args(["eval", "tests/inputs/multi.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("config.mas.ibm.com/MongoCfg"), "{stdout}");
    assert!(
        stdout.contains("operators.coreos.com/Subscription"),
        "{stdout}"
    );
    assert!(
        stderr.contains("tests/inputs/multi.yaml:12: invalid YAML"),
        "{stderr}"
    );
    assert!(stderr.contains("not an object"), "{stderr}");
    assert!(stderr.contains("has no kind"), "{stderr}");
}

#[test]
fn eval_fails_cleanly_on_missing_file_and_empty_input() {
    let out = cmd()
        .args(["eval", "no/such/file.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.yaml"));
    cmd().args(["eval", "-"]).write_stdin("").assert().code(2);
    cmd()
        .args(["eval", "-"])
        .write_stdin("{not json")
        .assert()
        .code(2);
}

#[test]
fn fail_on_sets_exit_code_one() {
    let failed = "health/core.mas.ibm.com/Suite/testdata/failure-listed-after-ready.yaml";
    cmd()
        .args(["eval", "--fail-on", "degraded", SUITE])
        .assert()
        .success();
    cmd()
        .args(["eval", "--fail-on", "degraded", failed])
        .assert()
        .code(1);
    let installing = "health/core.mas.ibm.com/Suite/testdata/installing.yaml";
    cmd()
        .args(["eval", "--fail-on", "degraded", installing])
        .assert()
        .success();
    cmd()
        .args(["eval", "--fail-on", "progressing", installing])
        .assert()
        .code(1);
}

#[test]
fn eval_with_lua_engine_matches_native() {
    let native = stdout(&["eval", "--output", "json", "--engine", "native", SUITE]);
    let lua = stdout(&["eval", "--output", "json", "--engine", "lua", SUITE]);
    assert_eq!(native, lua);
}

#[test]
fn test_command_runs_our_fixtures_and_counts() {
    let text = exits_with(cmd().args(["test", "health"]), 0);
    assert!(
        text.contains("PASS core.mas.ibm.com/Suite testdata/healthy.yaml"),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.ends_with(" passed, 0 failed")),
        "{text}"
    );
}

/// Writes `example.com/Widget` in Argo CD's layout under `dir`: `script` as its health.lua and
/// one test expecting Healthy "" on `input`.
fn write_foreign_check(dir: &Path, script: &str, input: &str) {
    let kind = dir.join("example.com/Widget");
    std::fs::create_dir_all(kind.join("testdata")).expect("mkdir");
    std::fs::write(kind.join("health.lua"), script).expect("write");
    std::fs::write(
        kind.join("health_test.yaml"),
        "tests:\n- healthStatus:\n    status: Healthy\n    message: \"\"\n  inputPath: testdata/input.yaml\n",
    )
    .expect("write");
    std::fs::write(kind.join("testdata/input.yaml"), input).expect("write");
}

#[test]
fn test_command_flags_scripts_that_need_open_libraries() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_foreign_check(
        dir.path(),
        "local hs = {}\nif string.lower(obj.status.phase) == \"ready\" then hs.status = \"Healthy\" else hs.status = \"Progressing\" end\nhs.message = \"\"\nreturn hs\n",
        "apiVersion: example.com/v1\nkind: Widget\nstatus:\n  phase: READY\n",
    );
    let out = cmd().arg("test").arg(dir.path()).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("passes only with open libraries"), "{text}");
    assert!(text.contains("0 passed, 1 failed"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explain_names_the_deciding_clause_and_the_values_read() {
    let text = stdout(&[
        "explain",
        "health/core.mas.ibm.com/Suite/testdata/stale-ready-after-operator-upgrade.yaml",
    ]);
    assert!(
        text.contains("=> 2. Ready is True from an earlier operator version -> Progressing"),
        "{text}"
    );
    assert!(
        text.contains("status.versions.controller = \"9.1.1\""),
        "{text}"
    );
}

#[test]
fn list_shows_every_rule() {
    let text = stdout(&["list"]);
    let n = mas_health::Catalog::standard().entries().to_vec().len();
    assert!(text.contains(&format!("{n} rules")));
    assert!(text.contains("*.mas.ibm.com/*"));
    assert!(support::root().join("lua-out").is_dir());
}

#[test]
fn help_explains_each_command() {
    let text = stdout(&["--help"]);
    for c in ["generate", "eval", "test", "explain", "list"] {
        assert!(text.contains(c), "{text}");
    }
}

#[test]
#[cfg_attr(not(gopher), ignore = "needs Go and gopher-lua (see CONTRIBUTING.md)")]
fn test_command_runs_in_gopher_lua_when_go_is_present() {
    let text = exits_with(
        cmd()
            .args(["test", "--interpreter", "gopher", "health/core.mas.ibm.com"])
            .env("XDG_CACHE_HOME", env!("CARGO_TARGET_TMPDIR")),
        0,
    );
    assert!(
        text.contains("PASS core.mas.ibm.com/Suite testdata/healthy.yaml"),
        "{text}"
    );
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.ends_with(" passed, 0 failed")),
        "{text}"
    );
}

#[test]
fn bench_reports_json_with_the_documented_keys_on_a_users_dump() {
    for engine in ["native", "lua", "lua-cached"] {
        let out = stdout(&[
            "bench",
            "--engine",
            engine,
            "--iterations",
            "2",
            "--output",
            "json",
            "tests/inputs/list.yaml",
        ]);
        let v: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON object");
        let mut keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            ["engine", "ns_per_object", "objects", "objects_per_second"]
        );
        assert_eq!(v["engine"], engine);
        assert_eq!(v["objects"], 1, "only the Suite has a rule");
        assert!(v["ns_per_object"].as_u64().is_some_and(|n| n > 0));
    }
}

#[test]
fn bench_refuses_the_lua_baseline_on_the_native_engine() {
    cmd()
        .args(["bench", "--script", "baseline"])
        .assert()
        .code(2);
}

#[test]
fn generate_refuses_to_clear_a_folder_it_did_not_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("NOTES.md"), "mine").expect("write");
    cmd()
        .args(["generate", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert!(
        dir.path().join("NOTES.md").is_file(),
        "the user's file survives"
    );
    // Upstream output adds files into an existing checkout and deletes nothing.
    generate_upstream_suite(dir.path());
    assert!(dir.path().join("NOTES.md").is_file());
    assert!(dir
        .path()
        .join("core.mas.ibm.com/Suite/health.lua")
        .is_file());
}

#[test]
fn test_command_never_lets_a_script_run_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let canary = dir.path().join("canary");
    write_foreign_check(
        dir.path(),
        &format!(
            "os.execute(\"touch {}\")\nreturn {{ status = \"Healthy\", message = \"\" }}\n",
            canary.display()
        ),
        "apiVersion: example.com/v1\nkind: Widget\n",
    );
    // Closed libraries have no os: the script fails, and passes only with open libraries.
    let text = exits_with(cmd().arg("test").arg(dir.path()), 1);
    assert!(text.contains("passes only with open libraries"), "{text}");
    assert!(!canary.exists(), "os.execute ran during mas-health test");
}

#[test]
fn eval_reads_empty_lists_json_streams_byte_order_marks_and_end_markers() {
    cmd()
        .args(["eval", "--fail-on", "degraded", "-"])
        .write_stdin("apiVersion: v1\nkind: List\nitems: []\n")
        .assert()
        .success();
    let pretty = "{\n \"apiVersion\": \"core.mas.ibm.com/v1\",\n \"kind\": \"Suite\",\n \"metadata\": {\"name\": \"a\"}\n}\n{\n \"apiVersion\": \"core.mas.ibm.com/v1\", \"kind\": \"Workspace\", \"metadata\": {\"name\": \"b\"}\n}\n";
    let bom = "\u{feff}{\"apiVersion\":\"core.mas.ibm.com/v1\",\"kind\":\"Suite\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"core.mas.ibm.com/v1\",\"kind\":\"Suite\",\"metadata\":{\"name\":\"b\"}}\n";
    let ended = "apiVersion: core.mas.ibm.com/v1\nkind: Suite\nmetadata: {name: a}\n...\napiVersion: core.mas.ibm.com/v1\nkind: Suite\nmetadata: {name: b}\n";
    for input in [pretty, bom, ended] {
        let out = cmd()
            .args(["eval", "-"])
            .write_stdin(input)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{input}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).lines().count(),
            2,
            "{input}"
        );
    }
}

#[test]
fn explain_and_eval_agree_on_objects_being_deleted() {
    let obj = "apiVersion: core.mas.ibm.com/v1\nkind: Suite\nmetadata:\n  name: a\n  deletionTimestamp: \"2025-01-01T00:00:00Z\"\n";
    let eval = exits_with(cmd().args(["eval", "-"]).write_stdin(obj), 0);
    assert!(eval.contains("Pending deletion"), "{eval}");
    let explain = exits_with(cmd().args(["explain", "-"]).write_stdin(obj), 0);
    assert_eq!(
        explain,
        "core.mas.ibm.com/Suite a\n  rule core.mas.ibm.com/Suite (MAS Ready family)\n  \
         metadata.deletionTimestamp is set: Argo CD reports Progressing: Pending deletion \
         before any check runs\n\n"
    );
}

#[test]
fn an_empty_namespace_is_left_out_of_argocd_cm() {
    let text = stdout(&[
        "generate",
        "--format",
        "argocd-cm",
        "--namespace",
        "",
        "--only",
        "core.mas.ibm.com/Suite",
    ]);
    let cm: serde_json::Value = serde_saphyr::from_str(&text).expect("valid YAML");
    assert!(cm["metadata"].get("namespace").is_none(), "{text}");
}

#[test]
fn excluding_the_wildcard_rule_by_its_key_keeps_every_exact_kind() {
    let out = cmd()
        .args([
            "generate",
            "--format",
            "argocd-cm",
            "--exclude",
            "*.mas.ibm.com/*",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let exact = mas_health::Catalog::standard()
        .entries()
        .iter()
        .filter(|e| !e.is_wildcard())
        .count();
    assert_eq!(
        text.matches("resource.customizations.health.").count(),
        exact
    );
    assert!(text.contains("core.mas.ibm.com_Suite"));
    assert!(!text.contains("resource.customizations: "));
}

#[test]
fn test_on_a_missing_folder_says_why_once_and_exits_2() {
    let out = cmd()
        .args(["test", "/no/such/folder"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot read tests under /no/such/folder: /no/such/folder: \
         No such file or directory (os error 2)\n"
    );
}

#[test]
fn audit_with_a_missing_fixture_folder_says_why_once_and_exits_2() {
    let out = cmd()
        .args([
            "audit",
            "--fixtures",
            "/no/such/folder",
            "lua-out/argocd-cm.yaml",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cannot read fixtures under /no/such/folder: /no/such/folder: \
         No such file or directory (os error 2)\n"
    );
}

#[test]
fn eval_on_a_folder_without_objects_is_an_error_not_a_pass() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = cmd()
        .args(["eval", "--fail-on", "degraded"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}: no *.yaml, *.yml, *.json or *.jsonl files in this folder\n",
            tmp.path().display()
        )
    );
}

#[test]
fn eval_reads_json_lines_files_in_a_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("objects.jsonl"),
        r#"{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","namespace":"n"},"status":{"failed":1,"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"boom"}]}}
"#,
    )
    .expect("write");
    let out = cmd()
        .args(["eval", "--fail-on", "degraded"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Degraded     batch/Job n/j: boom  [built-in gitops-engine (Go)]\n"
    );
}

#[test]
fn test_names_a_test_without_input_path() {
    let (_tmp, folder, out) = widget_suite("tests:\n- healthStatus:\n    status: Healthy\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "FAIL {}: a test has no inputPath\n0 passed, 1 failed\n",
            folder.join("health_test.yaml").display()
        )
    );
}

#[test]
fn rollout_and_bench_say_a_missing_file_once() {
    for command in ["rollout", "bench"] {
        let out = cmd()
            .args([command, "/no/such/dump.yaml"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: /no/such/dump.yaml: cannot read: No such file or directory (os error 2)\n",
            "{command}"
        );
    }
}

#[test]
fn a_line_break_in_an_input_path_cannot_forge_a_passing_test() {
    let (_tmp, folder, out) = widget_suite(
        "tests:\n- healthStatus:\n    status: Healthy\n  inputPath: \"missing.yaml\\nPASS example.com/Widget ok.yaml\"\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let first = format!(
        "FAIL {}\\nPASS example.com/Widget ok.yaml: No such file or directory (os error 2)",
        folder.join("missing.yaml").display()
    );
    assert_eq!(stdout.lines().next(), Some(first.as_str()), "{stdout}");
    assert!(stdout.ends_with("\n0 passed, 1 failed\n"), "{stdout}");
}

/// A Suite whose Failure message holds quotes, backslashes and a line break, and an
/// Application that manages it.
const QUOTED_SUITE: &str = "apiVersion: core.mas.ibm.com/v1\nkind: Suite\nmetadata:\n  name: s\n  \
    namespace: mas\nstatus:\n  conditions:\n  - type: Failure\n    status: \"True\"\n    \
    message: \"say \\\"hi\\\" to C:\\\\mas\\nthen stop\"\n---\napiVersion: argoproj.io/v1alpha1\n\
    kind: Application\nmetadata:\n  name: app\n  namespace: argocd\nstatus:\n  resources:\n  - \
    group: core.mas.ibm.com\n    kind: Suite\n    namespace: mas\n    name: s\n    status: \
    Synced\n";

#[test]
fn a_message_reads_the_same_in_eval_explain_and_rollout() {
    // Quotes and backslashes as they are; the line break as \n, so each stays one line.
    let shown = r#"say "hi" to C:\mas\nthen stop"#;
    let eval = exits_with(cmd().args(["eval", "-"]).write_stdin(QUOTED_SUITE), 0);
    assert!(
        eval.contains(&format!("core.mas.ibm.com/Suite mas/s: {shown}  [rule")),
        "{eval}"
    );
    let explain = exits_with(cmd().args(["explain", "-"]).write_stdin(QUOTED_SUITE), 0);
    assert!(
        explain.contains(&format!("  verdict: Degraded: {shown}\n")),
        "{explain}"
    );
    let rollout = exits_with(cmd().args(["rollout", "-"]).write_stdin(QUOTED_SUITE), 0);
    assert!(
        rollout.starts_with(&format!(
            "app: wave 0 app stopped by core.mas.ibm.com/Suite mas/s (Degraded: {shown})\n"
        )),
        "{rollout}"
    );
}

#[test]
fn an_object_without_a_namespace_is_shown_by_its_name_everywhere() {
    let obj = "apiVersion: core.mas.ibm.com/v1\nkind: Suite\nmetadata:\n  name: s\n";
    let eval = exits_with(cmd().args(["eval", "-"]).write_stdin(obj), 0);
    assert!(eval.contains(" core.mas.ibm.com/Suite s: "), "{eval}");
    let explain = exits_with(cmd().args(["explain", "-"]).write_stdin(obj), 0);
    assert!(
        explain.starts_with("core.mas.ibm.com/Suite s\n"),
        "{explain}"
    );
}

#[test]
fn explain_summarises_large_values_unless_full() {
    let values = "x".repeat(1500);
    let app = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  \
         source:\n    repoURL: https://example.com/r.git\n    path: p\n    targetRevision: main\n    \
         helm:\n      values: {values}\nstatus:\n  health:\n    status: Healthy\n"
    );
    let short = exits_with(cmd().args(["explain", "-"]).write_stdin(app.clone()), 0);
    assert!(
        short.contains("    spec.source = {…} 4 keys, 1.6 KB\n"),
        "{short}"
    );
    assert!(!short.contains(&values), "{short}");
    let full = exits_with(cmd().args(["explain", "--full", "-"]).write_stdin(app), 0);
    assert!(full.contains(&format!("\"values\":\"{values}\"")), "{full}");
}

#[test]
fn list_columns_are_as_wide_as_their_content() {
    let text = stdout(&["list"]);
    let catalog = mas_health::Catalog::standard();
    let entries = catalog.entries();
    let key = entries.iter().map(|e| e.key().len()).max().unwrap_or(0);
    let module = entries.iter().map(|e| e.module.len()).max().unwrap_or(0);
    let rule = entries.iter().map(|e| e.rule.name.len()).max().unwrap_or(0);
    let header = format!(
        "{:<key$}  {:<module$}  {:<rule$}  FORMATS",
        "KEY", "MODULE", "RULE"
    );
    assert_eq!(text.lines().next(), Some(header.as_str()));
    assert!(text.lines().all(|l| !l.ends_with(' ')), "{text}");
    let all = stdout(&["list", "--all"]);
    let first = all.lines().next().unwrap_or_default();
    assert!(first.ends_with("  SOURCE    DETAIL"), "{first}");
}

/// #29: `generate --merge` names each kind both define on standard error, and refuses formats
/// it cannot merge into.
#[test]
fn generate_merge_says_which_check_wins_and_refuses_other_formats() {
    let out = cmd()
        .args(["generate", "--format", "argocd-cr", "--keep-theirs"])
        .args(["--merge", "tests/inputs/merge/argocd-cr.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "both define operators.coreos.com/CatalogSource (argocd-cm \
         resource.customizations.health.operators.coreos.com_CatalogSource; yours at \
         spec.resourceHealthChecks[1]): yours is kept (--keep-theirs), ours left out\n\
         merged into tests/inputs/merge/argocd-cr.yaml: 79 checks of ours added, 1 defined by \
         both (yours kept), every other entry of yours kept\n"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("  resourceVersion: \"4418230\"\n"));
    let refused = cmd()
        .args(["generate", "--format", "nested", "--merge", "Cargo.toml"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "error: --merge works with --format argocd-cm, argocd-cr or argocd-cr-patch\n"
    );
    let patch = cmd()
        .args(["generate", "--format", "argocd-cr-patch"])
        .output()
        .expect("runs");
    assert_eq!(patch.status.code(), Some(2));
}

/// `mas-health test` on a temporary folder holding one `example.com/Widget` suite: a Healthy
/// health.lua and `tests` as its health_test.yaml. Returns the folder (kept alive), the suite's
/// folder and the run.
fn widget_suite(tests: &str) -> (tempfile::TempDir, std::path::PathBuf, std::process::Output) {
    let tmp = tempfile::tempdir().expect("tmp");
    let folder = tmp.path().join("example.com/Widget");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("health_test.yaml"), tests).expect("write");
    std::fs::write(folder.join("health.lua"), "return {status = \"Healthy\"}\n").expect("write");
    let out = cmd().arg("test").arg(tmp.path()).output().expect("runs");
    (tmp, folder, out)
}
