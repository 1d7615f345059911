//! Hostile and careless input (issue #17): scripts and fixtures written to hang, exhaust or
//! escape `mas-health test` and `audit` end with a clear answer instead.

use assert_cmd::Command;
use mas_health::argocd::runtime::{Libraries, Outcome, Runtime};
use mas_health::audit::Sandbox;
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

fn deadline(out: &Outcome) -> bool {
    matches!(out, Outcome::Error(e) if e.contains("context deadline exceeded"))
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("mas-health").expect("binary builds");
    c.timeout(Duration::from_secs(60));
    c
}

/// `mas-health test DIR`.
fn mas_test(dir: &Path) -> std::process::Output {
    cmd().arg("test").arg(dir).output().expect("runs")
}

/// One folder of Argo CD's layout holding `health.lua` (raw bytes) and one test.
fn suite(root: &Path, script: &[u8], expected: &str) {
    let dir = root.join("example.com/Thing");
    std::fs::create_dir_all(dir.join("testdata")).expect("mkdir");
    std::fs::write(dir.join("health.lua"), script).expect("write");
    std::fs::write(
        dir.join("health_test.yaml"),
        format!("tests:\n- healthStatus:\n    status: {expected}\n  inputPath: testdata/a.yaml\n"),
    )
    .expect("write");
    std::fs::write(
        dir.join("testdata/a.yaml"),
        "apiVersion: example.com/v1\nkind: Thing\n",
    )
    .expect("write");
}

// Item 1: every run ends, and the limit cannot be caught.

#[test]
fn the_time_limit_cannot_be_caught_by_pcall() {
    let script = "while true do pcall(function() while true do end end) end";
    for libs in [Libraries::Closed, Libraries::Open] {
        let start = Instant::now();
        let out = Runtime::with_libraries(libs)
            .run(script, &json!({}))
            .expect("state");
        assert!(deadline(&out), "{out:?}");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        let rec = Sandbox::new(libs).run(script, &json!({})).expect("state");
        assert!(deadline(&rec.outcome), "{:?}", rec.outcome);
    }
}

#[test]
fn a_caught_limit_does_not_let_the_script_return_a_verdict() {
    let script = "local ok = pcall(function() while true do end end)\n\
                  return { status = 'Healthy', message = tostring(ok) }";
    let out = Runtime::default().run(script, &json!({})).expect("state");
    assert!(deadline(&out), "{out:?}");
}

#[test]
fn the_wall_clock_limit_stops_slow_instructions() {
    // Few instructions, each slow: the instruction count alone would allow this for minutes.
    let script = "local s = string.rep('x', 1000000) \
                  while true do local t = s:upper() end";
    let rt = Runtime {
        instruction_limit: u64::MAX,
        ..Runtime::with_libraries(Libraries::Open)
    };
    let start = Instant::now();
    let out = rt.run(script, &json!({})).expect("state");
    assert!(deadline(&out), "{out:?}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn test_stops_a_pattern_bomb_under_open_libraries() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(
        tmp.path(),
        br#"local x = ("a"):rep(28):match(("a*"):rep(28) .. "b")
return { status = "Healthy" }"#,
        "Healthy",
    );
    let start = Instant::now();
    let out = cmd()
        .args(["test", "--libraries", "open"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "FAIL example.com/Thing testdata/a.yaml: expected Healthy \"\", got Unknown \
         \"context deadline exceeded\"\n0 passed, 1 failed\n"
    );
}

#[test]
fn test_stops_a_pcall_loop() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(
        tmp.path(),
        b"while true do pcall(function() while true do end end) end",
        "Healthy",
    );
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("context deadline exceeded"), "{stdout}");
}

// Item 2: what `load` collects from a reader counts against the memory limit.

#[test]
fn load_with_a_reader_stops_at_the_memory_limit() {
    // 16 MiB built with closed libraries, handed to load 100,000 times (1.6 TB).
    let script = r#"
        local s = "x"
        for _ = 1, 24 do s = s .. s end
        local n = 0
        local f, err = load(function()
          n = n + 1
          if n > 100000 then return nil end
          return s
        end)
        return { status = "Degraded", message = tostring(f) .. " " .. tostring(err) }
    "#;
    let rec = Sandbox::new(Libraries::Closed)
        .run(script, &json!({}))
        .expect("state");
    assert_eq!(
        rec.outcome,
        Outcome::Health(mas_health::rule::Health::new(
            mas_health::rule::Status::Degraded,
            "nil not enough memory"
        ))
    );
}

// Item 3: a script is text; precompiled bytecode is a parse error, as in Argo CD.

#[test]
fn bytecode_scripts_are_parse_errors_everywhere() {
    use mas_health::argocd::runtime::{check_syntax, compile};
    const BINARY: &str = "syntax error: attempt to load a binary chunk (mode is 't')";
    for script in ["\x1bLJ\x02\x0a", "\x1bLua\x51\x00", "\x1bLJ"] {
        let err = check_syntax(script).expect_err("bytecode is not a script");
        assert_eq!(err, BINARY);
        assert!(compile(script).is_err());
        let out = Runtime::default().run(script, &json!({})).expect("state");
        assert_eq!(out, Outcome::Error(BINARY.to_owned()));
        let rec = Sandbox::new(Libraries::Open)
            .run(script, &json!({}))
            .expect("state");
        assert_eq!(rec.outcome, Outcome::Error(BINARY.to_owned()));
    }
}

// Item 4: audit's workers report through pipes: nothing under $TMPDIR to plant, follow or leave.

#[test]
fn audit_writes_nothing_under_tmpdir() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("argocd-cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         return { status = \"Healthy\", message = \"\" }\n",
    )
    .expect("write");
    let audit = |tmpdir: &Path| {
        cmd()
            .env("TMPDIR", tmpdir)
            .current_dir(tmp.path())
            .args([
                "audit",
                "argocd-cm.yaml",
                "--cases",
                "5",
                "--output",
                "json",
            ])
            .output()
            .expect("runs")
    };
    // (The check returns Healthy without a status: one error-level finding, exit 1.)
    // A private, empty folder stays empty...
    let private = tmp.path().join("private");
    std::fs::create_dir(&private).expect("mkdir");
    let normal = audit(&private);
    assert_eq!(normal.status.code(), Some(1), "{normal:?}");
    assert_eq!(std::fs::read_dir(&private).expect("ls").count(), 0);
    // ... and a TMPDIR where no folder can be made (a file) changes nothing.
    let not_a_dir = tmp.path().join("file");
    std::fs::write(&not_a_dir, "").expect("write");
    let out = audit(&not_a_dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.stdout, normal.stdout);
}

// Item 5: a health.lua that cannot be read fails, naming itself; Lua source is bytes.

#[test]
fn test_fails_a_health_lua_that_is_a_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(tmp.path(), b"", "Healthy");
    let dir = tmp.path().join("example.com/Thing");
    std::fs::remove_file(dir.join("health.lua")).expect("rm");
    std::fs::create_dir(dir.join("health.lua")).expect("mkdir");
    // An object Argo CD's built-in Service check calls Healthy: without the folder's script
    // in the way, the test would pass on that check.
    std::fs::write(
        dir.join("testdata/a.yaml"),
        "apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n",
    )
    .expect("write");
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "FAIL example.com/Thing testdata/a.yaml: cannot read {}: Is a directory (os error 21)\n\
             0 passed, 1 failed\n",
            dir.join("health.lua").display()
        )
    );
}

#[test]
fn test_runs_a_health_lua_with_a_latin1_comment() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(
        tmp.path(),
        b"-- caf\xe9 cr\xe8me\nreturn { status = \"Healthy\", message = \"\" }\n",
        "Healthy",
    );
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "PASS example.com/Thing testdata/a.yaml\n1 passed, 0 failed\n"
    );
}

// Item 6: a fixture's inputPath stays inside its test folder.

#[test]
fn test_refuses_inputs_outside_the_test_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(tmp.path(), b"return { status = 'Healthy' }", "Healthy");
    let dir = tmp.path().join("example.com/Thing");
    let secret = tmp.path().join("secret.yaml");
    std::fs::write(&secret, "password: hunter2\n").expect("write");
    std::os::unix::fs::symlink(&secret, dir.join("testdata/link.yaml")).expect("symlink");
    std::fs::write(
        dir.join("health_test.yaml"),
        format!(
            "tests:\n\
             - {{healthStatus: {{status: Healthy}}, inputPath: {}}}\n\
             - {{healthStatus: {{status: Healthy}}, inputPath: ../../secret.yaml}}\n\
             - {{healthStatus: {{status: Healthy}}, inputPath: testdata/link.yaml}}\n\
             - {{healthStatus: {{status: Healthy}}, inputPath: testdata/a.yaml}}\n",
            secret.display()
        ),
    )
    .expect("write");
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let yaml = dir.join("health_test.yaml");
    let refused = |input: &str| {
        format!(
            "FAIL {}: inputPath {input:?} is outside the test folder\n",
            yaml.display()
        )
    };
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{}{}{}PASS example.com/Thing testdata/a.yaml\n1 passed, 3 failed\n",
            refused(&secret.display().to_string()),
            refused("../../secret.yaml"),
            refused("testdata/link.yaml"),
        )
    );
}

// Item 11: links to `.` in a folder that is walked.

/// Two links to the folder itself at every level would make a walk that follows links
/// exponential: test, audit --manifests and eval must each see the one real folder once.
#[cfg(unix)]
#[test]
fn folder_walks_do_not_follow_links_to_folders() {
    let root = tempfile::tempdir().expect("temp dir");
    suite(
        root.path(),
        b"return { status = \"Healthy\", message = \"\" }",
        "Healthy",
    );
    let thing = root.path().join("example.com/Thing");
    for dir in [root.path(), thing.as_path()] {
        std::os::unix::fs::symlink(".", dir.join("again")).expect("link");
        std::os::unix::fs::symlink(".", dir.join("and-again")).expect("link");
    }
    let out = mas_test(root.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 0 failed"));

    let eval = cmd().arg("eval").arg(&thing).output().expect("runs");
    let text = String::from_utf8_lossy(&eval.stdout);
    assert_eq!(text.matches("example.com/Thing").count(), 1, "{text}");

    let cm = root.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  resource.customizations.health.example.com_Thing: |\n    return { status = \"Healthy\", message = \"ok\" }\n",
    )
    .expect("config");
    let audit = cmd()
        .args(["audit", "--no-fixtures", "--cases", "5", "--manifests"])
        .arg(root.path())
        .arg(&cm)
        .output()
        .expect("runs");
    assert!(audit.status.code().is_some(), "audit ends");
}

// Item 19: read errors and output errors are one line and exit 2.

#[test]
fn a_utf16_file_and_a_missing_file_are_one_line_each_without_a_line_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let u16 = dir.path().join("dump.yaml");
    std::fs::write(&u16, b"\xff\xfea\x00p\x00").expect("write");
    let out = cmd()
        .arg("eval")
        .arg(&u16)
        .arg(dir.path().join("missing.yaml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].ends_with(
        "dump.yaml: the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"
    ));
    assert!(lines[1].contains("missing.yaml: cannot read: "), "{err}");
    assert!(!err.contains(":0:"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_a_one_line_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("mas-health"))
        .args(["generate", "--format", "nested"])
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: cannot write the output: No space left on device (os error 28)"
    );
}

// Item 16: control characters from objects and scripts are escaped in text output.

/// No byte of `out` is a control character but the line feed.
fn no_raw_controls(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

#[test]
fn control_characters_from_objects_are_escaped_in_eval_explain_and_rollout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"cm\\r\\e[2K\\u009b\"}\n",
    )
    .expect("write");
    let eval = cmd().arg("eval").arg(&cm).output().expect("runs");
    assert_eq!(eval.status.code(), Some(0), "{eval:?}");
    no_raw_controls(&eval.stdout);
    assert_eq!(
        String::from_utf8_lossy(&eval.stdout),
        "-            ConfigMap cm\\r\\u{1b}[2K\\u{9b}: no health check: Argo CD treats it as \
         healthy for sync waves  [no check]\n"
    );
    let explain = cmd().arg("explain").arg(&cm).output().expect("runs");
    assert_eq!(explain.status.code(), Some(0), "{explain:?}");
    no_raw_controls(&explain.stdout);
    assert!(
        String::from_utf8_lossy(&explain.stdout).starts_with("ConfigMap /cm\\r\\u{1b}[2K\\u{9b}\n")
    );

    let app = tmp.path().join("app.yaml");
    std::fs::write(
        &app,
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\
         metadata: {name: app, namespace: argocd}\n\
         status: {health: {status: Degraded, message: \"x\\r\\e[2KHealthy\"}}\n",
    )
    .expect("write");
    let rollout = cmd().arg("rollout").arg(&app).output().expect("runs");
    no_raw_controls(&rollout.stdout);
    assert!(
        String::from_utf8_lossy(&rollout.stdout)
            .contains("health Degraded: x \\u{1b}[2KHealthy  [rule"),
        "{rollout:?}"
    );
}

#[test]
fn control_characters_from_scripts_are_escaped_in_test_and_audit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let script = b"return { status = \"Degraded\", message = \"\\r\\27[2KPASS\" }";
    suite(tmp.path(), script, "Healthy");
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    no_raw_controls(&out.stdout);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "FAIL example.com/Thing testdata/a.yaml: expected Healthy \"\", got Degraded \
         \"\\r\\u{1b}[2KPASS\"\n0 passed, 1 failed\n"
    );

    // A file name is input too.
    let cm = tmp.path().join("cm\r\x1b[2K.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.health.example.com_Thing: \"return {status = 1}\"\n",
    )
    .expect("write");
    let audit = cmd()
        .args(["audit", "--no-fixtures", "--cases", "5"])
        .arg(&cm)
        .output()
        .expect("runs");
    assert_eq!(audit.status.code(), Some(1), "{audit:?}");
    no_raw_controls(&audit.stdout);
    assert!(
        String::from_utf8_lossy(&audit.stdout).contains("cm\\r\\u{1b}[2K.yaml\n"),
        "{audit:?}"
    );
}

// Items 18 and 19: one rule for YAML and JSON, said in this tool's words.

/// `eval` on files written in `dir`: the exit code, stdout, and stderr's lines with the
/// folder's path taken out.
fn eval_files(files: &[(&str, &str)]) -> (Option<i32>, String, Vec<String>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut c = cmd();
    c.arg("eval");
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).expect("write");
        c.arg(tmp.path().join(name));
    }
    let out = c.output().expect("runs");
    let prefix = format!("{}/", tmp.path().display());
    let err = String::from_utf8_lossy(&out.stderr).replace(&prefix, "");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err.lines().map(str::to_owned).collect(),
    )
}

#[test]
fn a_list_whose_items_are_not_a_list_is_an_error_in_yaml_and_json() {
    let (code, stdout, err) = eval_files(&[
        ("a.yaml", "apiVersion: v1\nkind: List\nitems: oops\n"),
        (
            "b.json",
            r#"{"apiVersion": "v1", "kind": "List", "items": {"a": 1}}"#,
        ),
        (
            "c.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n",
        ),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        [
            "error: a.yaml:1: kind: List has items that are a string, not a list",
            "error: b.json:1: kind: List has items that are an object, not a list",
        ]
    );
    assert!(stdout.contains("ConfigMap good"), "{stdout}");
}

#[test]
fn only_the_core_list_is_flattened() {
    let item = "{apiVersion: v1, kind: ConfigMap, metadata: {name: inner}}";
    let (code, stdout, err) = eval_files(&[(
        "a.yaml",
        &format!(
            "apiVersion: example.com/v1\nkind: ThingList\nmetadata: {{name: outer}}\n\
             items: [{item}]\n---\napiVersion: v1\nkind: List\nitems: [{item}]\n"
        ),
    )]);
    assert_eq!(code, Some(0), "{err:?}");
    assert_eq!(
        stdout,
        "-            example.com/ThingList outer: no health check: Argo CD treats it as healthy \
         for sync waves  [no check]\n\
         -            ConfigMap inner: no health check: Argo CD treats it as healthy for sync \
         waves  [no check]\n"
    );
}

#[test]
fn duplicate_keys_and_deep_nesting_are_errors_in_yaml_and_json_alike() {
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    let cm = "\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"";
    let (code, _, err) = eval_files(&[
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n"),
        ("b.json", &format!("{{{cm},\n \"kind\": \"Secret\"}}")),
        // The object is the first level, so 63 more are the most either format reads.
        (
            "c.yaml",
            &format!("apiVersion: v1\nkind: ConfigMap\ndata: {}\n", deep(64)),
        ),
        ("d.json", &format!("{{{cm}, \"data\": {}}}", deep(64))),
        ("e.json", &format!("{{{cm}, \"data\": {}}}", deep(63))),
        (
            "f.yaml",
            &format!("apiVersion: v1\nkind: ConfigMap\ndata: {}\n", deep(63)),
        ),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        [
            "error: a.yaml:3: invalid YAML: duplicate key \"kind\"",
            "error: b.json:2: invalid JSON: duplicate key \"kind\"",
            "error: c.yaml:3: invalid YAML: nested deeper than 64 levels",
            "error: d.json:1: invalid JSON: nested deeper than 64 levels",
        ]
    );
}

#[test]
fn json_that_does_not_parse_is_called_invalid_json() {
    let (code, _, err) = eval_files(&[(
        "a.json",
        "{\"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\"\n \"metadata\": {}}\n",
    )]);
    assert_eq!(code, Some(2));
    assert_eq!(err, ["error: a.json:3: invalid JSON: expected `,` or `}`"]);
}

// Items 14 and 20: what audit says of configurations it cannot use.

/// `audit` on one argocd-cm holding `data` (indented under `data:`), with `extra` arguments.
fn audit_cm(data: &str, extra: &[&str]) -> std::process::Output {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(
        &cm,
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm}}\ndata:\n{data}"),
    )
    .expect("write");
    cmd()
        .args(["audit", "--no-fixtures"])
        .args(extra)
        .arg(&cm)
        .current_dir(tmp.path())
        .output()
        .expect("runs")
}

#[test]
fn audit_reports_a_nested_value_that_does_not_parse() {
    let out = audit_cm(
        "  resource.customizations: |\n    a/B:\n      health.lua: [\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR unreadable-key      Argo CD cannot read this value, so none of its checks \
             run: line 2 of the value: invalid YAML: unclosed bracket '['\n"
        ),
        "{text}"
    );
}

#[test]
fn audit_reports_a_split_key_with_two_underscores_instead_of_auditing_it() {
    let out = audit_cm(
        "  resource.customizations.health.a_b_C: |\n    return { status = 'Healthy' }\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR unreadable-key      Argo CD does not read this key: a split key has one \
             `_`, between the group and the kind, and \"a_b_C\" has 2; use the nested \
             resource.customizations form for this kind\n\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 scripts audited, 1 with errors (1 of them entries Argo CD cannot read)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("a/b_C"), "{text}");
}

#[test]
fn audit_of_a_file_without_scripts_exits_2_as_eval_does() {
    let out = audit_cm("  other: x\n", &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.ends_with("cm.yaml: no health scripts found\n"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn audit_refuses_a_case_count_it_cannot_generate() {
    let out = audit_cm(
        "  resource.customizations.health.a_B: return {}\n",
        &["--cases", "4000000000"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "error: invalid value '4000000000' for '--cases <CASES>': 4000000000 is not in \
             1..=100000\n"
        ),
        "{out:?}"
    );
}

// Item 9: killing audit ends its workers too.

/// The processes whose parent is `pid`.
#[cfg(target_os = "linux")]
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid ...: the comm may hold spaces, so read after its last ')'.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let ppid = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}

/// Whether `pid` still runs (a zombie waiting for a reaper does not).
#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
    state.is_some_and(|s| !s.starts_with('Z') && !s.starts_with('X'))
}

#[cfg(target_os = "linux")]
#[test]
fn killing_audit_ends_its_worker() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    // Under open libraries a pattern bomb is one C call: only the process boundary stops it.
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.useOpenLibs.example.com_Thing: \"true\"\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         local x = (\"a\"):rep(28):match((\"a*\"):rep(28) .. \"b\")\n    \
         return { status = \"Healthy\" }\n",
    )
    .expect("write");
    let mut audit = std::process::Command::new(assert_cmd::cargo::cargo_bin("mas-health"))
        .args(["audit", "--no-fixtures", "--cases", "3", "--timeout", "600"])
        .arg(&cm)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let started = Instant::now();
    let workers = loop {
        let w = children_of(audit.id());
        if !w.is_empty() || started.elapsed() > Duration::from_secs(20) {
            break w;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(workers.len(), 1, "one worker starts");
    audit.kill().expect("kill");
    audit.wait().expect("reaped");
    let killed = Instant::now();
    while workers.iter().any(|w| running(*w)) && killed.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left: Vec<_> = workers.iter().filter(|w| running(**w)).collect();
    for w in &left {
        // Leave nothing behind even when the test fails.
        let _ = std::process::Command::new("kill")
            .arg("-9")
            .arg(w.to_string())
            .status();
    }
    assert!(left.is_empty(), "the worker outlived audit: {left:?}");
}

// Item 10: audit reads a pipe or standard input once.

#[test]
fn audit_reads_a_pipe_and_standard_input() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
                resource.customizations.health.example.com_Thing: |\n    \
                return { status = \"Progressing\", message = \"x\" }\n";
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(&cm, text).expect("write");
    let expected = |name: &str| {
        format!(
            "example.com/Thing (line 5 ConfigMap data[resource.customizations.health.\
             example.com_Thing]) - {name}\n  ok: no findings on 3 states\n\n\
             1 scripts audited, 0 with errors\n"
        )
    };
    let stdin = cmd()
        .args(["audit", "--verbose", "--cases", "3", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(stdin.status.code(), Some(0), "{stdin:?}");
    assert_eq!(String::from_utf8_lossy(&stdin.stdout), expected("-"));
    let exe = assert_cmd::cargo::cargo_bin("mas-health");
    let piped = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "exec {:?} audit --verbose --cases 3 <(cat {:?})",
            exe, cm
        ))
        .output()
        .expect("bash runs");
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    let stdout = String::from_utf8_lossy(&piped.stdout);
    assert!(
        stdout.starts_with("example.com/Thing (line 5 ConfigMap")
            && stdout
                .ends_with("  ok: no findings on 3 states\n\n1 scripts audited, 0 with errors\n"),
        "{stdout}"
    );
}

// Item 20: a device or a FIFO is refused, not read for ever.

#[cfg(unix)]
#[test]
fn eval_refuses_devices_and_named_pipes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fifo = tmp.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = cmd()
        .arg("eval")
        .arg("/dev/zero")
        .arg(&fifo)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: /dev/zero: not a regular file (a character device): give a file, or `-` \
             and pipe it in\n\
             error: {}: not a regular file (a named pipe, which may never be written): give a \
             file, or `-` and pipe it in\n",
            fifo.display()
        )
    );
}

// Items 7, 8 and 20: generate touches only its own files, never through a link.

/// `mas-health generate ARGS` run in `dir`.
fn generate(dir: &Path, args: &[&str]) -> std::process::Output {
    cmd()
        .arg("generate")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn generate_replaces_only_the_files_it_wrote() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("g");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    std::fs::create_dir(out.join(".git")).expect("mkdir");
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    std::fs::write(out.join("README"), "mine\n").expect("write");
    std::fs::write(out.join("apps.mas.ibm.com/notes.txt"), "mine\n").expect("write");
    // A file the last run wrote for a rule that is gone since.
    std::fs::create_dir_all(out.join("gone.example.com/Gone")).expect("mkdir");
    std::fs::write(out.join("gone.example.com/Gone/health.lua"), "return {}\n").expect("write");
    let marker = out.join(".mas-health-generated");
    let list = std::fs::read_to_string(&marker).expect("marker");
    std::fs::write(&marker, format!("{list}gone.example.com/Gone/health.lua\n")).expect("write");

    let again = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(out.join(".git/HEAD")).expect("kept"),
        "ref: refs/heads/main\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README")).expect("kept"),
        "mine\n"
    );
    assert!(out.join("apps.mas.ibm.com/notes.txt").is_file());
    assert!(!out.join("gone.example.com").exists());
    assert!(out.join("core.mas.ibm.com/Suite/health.lua").is_file());
    assert_eq!(
        names_in(tmp.path()),
        ["g"],
        "no lock or sibling folder is left"
    );
}

#[test]
fn two_generates_on_one_folder_do_not_mix() {
    let tmp = tempfile::tempdir().expect("tmp");
    // The lock another generate holds while it writes.
    std::fs::write(tmp.path().join(".g.generate-lock"), "").expect("write");
    let out = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: another `mas-health generate` is writing g (if none is running, one was \
         stopped: remove .g.generate-lock)\n"
    );
    assert!(!tmp.path().join("g").exists());
}

/// `generate` arguments for the upstream format of one rule, with fixtures from `fx`.
const UPSTREAM_SUITE: [&str; 6] = [
    "--format",
    "upstream",
    "--only",
    "core.mas.ibm.com/Suite",
    "--fixtures",
    "fx",
];

#[cfg(unix)]
#[test]
fn upstream_never_writes_or_copies_through_links() {
    let tmp = tempfile::tempdir().expect("tmp");
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::create_dir(tmp.path().join("up")).expect("mkdir");
    std::os::unix::fs::symlink(&outside, tmp.path().join("up/core.mas.ibm.com")).expect("link");
    let fixtures = tmp.path().join("fx");
    std::fs::create_dir(&fixtures).expect("mkdir");
    let only = UPSTREAM_SUITE;
    let out = generate(tmp.path(), &[&only[..], &["--out", "up"]].concat());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: up/core.mas.ibm.com: a link or a file where a folder goes: not written through\n"
    );
    assert!(names_in(&outside).is_empty());

    let suite = fixtures.join("core.mas.ibm.com/Suite");
    std::fs::create_dir_all(suite.join("testdata")).expect("mkdir");
    std::fs::write(suite.join("health_test.yaml"), "tests: []\n").expect("write");
    std::fs::write(tmp.path().join("secret"), "hunter2\n").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("secret"), suite.join("testdata/a.yaml"))
        .expect("link");
    let out = generate(tmp.path(), &[&only[..], &["--out", "fresh"]].concat());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: fx/core.mas.ibm.com/Suite/testdata/a.yaml: a link; fixtures are copied only \
         from files inside fx\n"
    );
}

#[test]
fn upstream_with_a_missing_fixture_folder_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = generate(
        tmp.path(),
        &["--format", "upstream", "--fixtures", "/typo", "--out", "up"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: /typo: no such fixture folder (give --fixtures DIR)\n"
    );
}

#[cfg(unix)]
#[test]
fn generate_check_does_not_follow_links_out_of_the_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("private.txt"), "x").expect("write");
    std::os::unix::fs::symlink(&outside, tmp.path().join("g/escape")).expect("link");
    // Not listed in the marker, so not ours: `generate` keeps it and `--check` does not look.
    let out = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("files up to date\n"));
    // A file the marker lists is checked, and a link there is never read through.
    std::fs::remove_file(tmp.path().join("g/core.mas.ibm.com/Suite/health.lua")).expect("rm");
    std::os::unix::fs::symlink(
        outside.join("private.txt"),
        tmp.path().join("g/core.mas.ibm.com/Suite/health.lua"),
    )
    .expect("link");
    let out = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "g is out of date (run `mas-health generate`):\n  \
         g/core.mas.ibm.com/Suite/health.lua is not a file (a link?)\n"
    );
}

#[test]
fn generate_check_keeps_foreign_files_and_finds_stale_generated_ones() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    std::fs::write(tmp.path().join("g/README.md"), "mine\n").expect("write");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let kept = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(kept.status.code(), Some(0), "{kept:?}");
    // A rule removed since: its file is listed in the marker and would be removed.
    let gone = tmp.path().join("g/gone.example.com/Gone");
    std::fs::create_dir_all(&gone).expect("mkdir");
    std::fs::write(gone.join("health.lua"), "return {}\n").expect("write");
    let marker = tmp.path().join("g/.mas-health-generated");
    let mut text = std::fs::read_to_string(&marker).expect("marker");
    text.push_str("gone.example.com/Gone/health.lua\n");
    std::fs::write(&marker, text).expect("write");
    let stale = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(stale.status.code(), Some(1), "{stale:?}");
    assert_eq!(
        String::from_utf8_lossy(&stale.stderr),
        "g is out of date (run `mas-health generate`):\n  g/.mas-health-generated differs\n  \
         g/gone.example.com/Gone/health.lua is no longer generated\n"
    );
}

// Review of generate: the marker's list, where --out is, a failed swap, old markers, links.

#[test]
fn generate_refuses_a_marker_listing_paths_outside_the_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep\n").expect("write");
    let marker = tmp.path().join("g/.mas-health-generated");
    let list = std::fs::read_to_string(&marker).expect("marker");
    let lines = list.lines().count();
    let absolute = victim.display().to_string();
    for line in ["../victim.txt", absolute.as_str(), "a/../../victim.txt", ""] {
        std::fs::write(&marker, format!("{list}{line}\nREADME\n")).expect("write");
        let out = generate(tmp.path(), &["--out", "g"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: g/.mas-health-generated: line {} (`{line}`) is not a path inside g: \
                 refusing to replace or remove anything; correct the line or remove it\n",
                lines + 1
            )
        );
        assert_eq!(std::fs::read_to_string(&victim).expect("kept"), "keep\n");
        assert_eq!(names_in(tmp.path()), ["g", "victim.txt"]);
        assert_eq!(
            std::fs::read_to_string(&marker).expect("marker"),
            format!("{list}{line}\nREADME\n")
        );
    }
}

#[test]
fn generate_makes_the_folders_out_goes_in() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = generate(tmp.path(), &["--out", "a/b/c"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(tmp
        .path()
        .join("a/b/c/core.mas.ibm.com/Suite/health.lua")
        .is_file());
    assert_eq!(names_in(&tmp.path().join("a/b")), ["c"]);
    std::fs::create_dir(tmp.path().join("fx")).expect("mkdir");
    let up = [&UPSTREAM_SUITE[..], &["--out", "x/y/up"]].concat();
    assert_eq!(generate(tmp.path(), &up).status.code(), Some(0));
    assert!(tmp
        .path()
        .join("x/y/up/core.mas.ibm.com/Suite/health.lua")
        .is_file());
    assert_eq!(names_in(&tmp.path().join("x/y")), ["up"]);
}

#[test]
fn generate_out_dot_and_other_spellings_of_a_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let g = tmp.path().join("g");
    assert_eq!(
        generate(tmp.path(), &["--out", "./g/"]).status.code(),
        Some(0)
    );
    std::fs::write(g.join("README"), "mine\n").expect("write");
    std::fs::create_dir(g.join("sub")).expect("mkdir");
    for (cwd, out) in [
        (&g, "."),
        (&g, "./"),
        (&g.join("sub"), ".."),
        (&tmp.path().to_owned(), "g/sub/.."),
    ] {
        let run = generate(cwd, &["--out", out]);
        assert_eq!(run.status.code(), Some(0), "--out {out}: {run:?}");
        assert_eq!(
            std::fs::read_to_string(g.join("README")).expect("kept"),
            "mine\n"
        );
        assert!(g.join("sub").is_dir());
        assert!(g.join("core.mas.ibm.com/Suite/health.lua").is_file());
        assert_eq!(
            names_in(tmp.path()),
            ["g"],
            "--out {out}: no lock or sibling left"
        );
    }
    // The README is not ours: kept by generate, so not a difference either.
    let check = generate(&g, &["--check", "--out", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let root = generate(tmp.path(), &["--out", "/"]);
    assert_eq!(root.status.code(), Some(2), "{root:?}");
    assert_eq!(
        String::from_utf8_lossy(&root.stderr),
        "error: /: the root folder cannot be generated into (the new folder is made beside \
         it): give a folder below it\n"
    );
}

#[test]
fn generate_with_an_old_marker_removes_what_old_versions_wrote() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("g");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    // The marker versions before the file list wrote; those versions cleared the folder.
    std::fs::write(
        out.join(".mas-health-generated"),
        "Written by `mas-health generate`; the command clears and rewrites this folder.\n",
    )
    .expect("write");
    let gone = out.join("gone.example.com/Gone");
    std::fs::create_dir_all(&gone).expect("mkdir");
    std::fs::write(gone.join("health.lua"), "return {}\n").expect("write");
    std::fs::write(gone.join("notes.txt"), "mine\n").expect("write");
    std::fs::write(out.join("README"), "mine\n").expect("write");
    std::fs::create_dir_all(out.join(".git/x")).expect("mkdir");
    std::fs::write(out.join(".git/x/health.lua"), "mine\n").expect("write");

    let again = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(!gone.join("health.lua").exists());
    for kept in [
        gone.join("notes.txt"),
        out.join("README"),
        out.join(".git/x/health.lua"),
    ] {
        assert_eq!(
            std::fs::read_to_string(&kept).ok().as_deref(),
            Some("mine\n")
        );
    }
    // What is left is the user's: up to date.
    let check = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[cfg(unix)]
#[test]
fn generate_one_file_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("secret"), "hunter2\n").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("secret"), tmp.path().join("cm.yaml"))
        .expect("link");
    let out = generate(tmp.path(), &["--format", "nested", "--out", "cm.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cm.yaml: a link: not written through\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("secret")).expect("kept"),
        "hunter2\n"
    );
    let plain = generate(tmp.path(), &["--format", "nested", "--out", "plain.yaml"]);
    assert_eq!(plain.status.code(), Some(0), "{plain:?}");
    assert!(std::fs::read_to_string(tmp.path().join("plain.yaml"))
        .expect("written")
        .contains("health.lua"));
}

// Item 17: without HOME, the gopher-lua harness is built in a private folder, never run from
// a predictable place in the temporary folder.

#[cfg_attr(not(gopher), ignore = "needs Go and gopher-lua (see CONTRIBUTING.md)")]
#[test]
fn a_harness_planted_in_the_temporary_folder_is_never_run() {
    let tmp = tempfile::tempdir().expect("tmp");
    let suites = tmp.path().join("suites");
    suite(
        &suites,
        b"return { status = \"Healthy\", message = \"\" }",
        "Healthy",
    );
    // The name the harness had there: FNV-1a of its source.
    let hash = include_str!("gopher/main.go")
        .bytes()
        .fold(0xcbf29ce484222325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        });
    let planted_dir = tmp.path().join("mas-health");
    std::fs::create_dir(&planted_dir).expect("mkdir");
    let planted = planted_dir.join(format!("gopher-harness-{hash:016x}"));
    let ran = tmp.path().join("planted-ran");
    std::fs::write(&planted, format!("#!/bin/sh\ntouch {:?}\n", ran)).expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = cmd()
        .timeout(Duration::from_secs(300))
        .env_remove("HOME")
        .env_remove("XDG_CACHE_HOME")
        .env("TMPDIR", tmp.path())
        .args(["test", "--interpreter", "gopher"])
        .arg(&suites)
        .output()
        .expect("runs");
    assert!(!ran.exists(), "the planted harness ran");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "PASS example.com/Thing testdata/a.yaml\n1 passed, 0 failed\n"
    );
    // The private folder it was built in is gone.
    let mut left = names_in(tmp.path());
    left.retain(|n| n.starts_with("mas-health-gopher"));
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn audit_does_not_call_a_two_gib_string_rep_clean() {
    let out = audit_cm(
        "  resource.customizations.useOpenLibs.example.com_Thing: \"true\"\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         local pad = string.rep(\" \", 2^31)\n    \
         return { status = \"Progressing\", message = \"waiting\" .. pad }\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR huge-allocation     asks for string.rep of 1 byte(s) 2147483648 times \
             (2048 MiB): gopher-lua in Argo CD allocates all of it"
        ),
        "{text}"
    );
}

// Item 15: encoding a returned table is linear, and deep nesting is an error, not a stack
// overflow.

#[test]
fn a_result_of_many_tables_encodes_in_linear_time() {
    let script = "local items = {}\n\
                  for i = 1, 400000 do items[i] = {} end\n\
                  return { status = 'Healthy', message = 'many', items = items }";
    let rt = Runtime::with_libraries(Libraries::Closed);
    let start = Instant::now();
    let out = rt.run(script, &json!({})).expect("state");
    assert_eq!(
        out,
        Outcome::Health(mas_health::rule::Health::new(
            mas_health::rule::Status::Healthy,
            "many"
        ))
    );
    // Quadratic, this took 40 s here; linear, a fraction of a second.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_result_nested_too_deep_is_an_error_not_a_stack_overflow() {
    let nested = |levels: usize| {
        format!(
            "local t = {{}}\nfor i = 2, {levels} do t = {{ t }} end\n\
             return {{ status = 'Healthy', message = 'deep', x = t }}"
        )
    };
    let rt = Runtime::with_libraries(Libraries::Closed);
    // The result object is one level, `x` the rest.
    let out = rt.run(&nested(999), &json!({})).expect("state");
    assert!(matches!(out, Outcome::Health(_)), "{out:?}");
    let too_deep =
        Outcome::Error("cannot encode a result nested deeper than 1000 levels".to_owned());
    for levels in [1_000, 100_000] {
        let out = rt.run(&nested(levels), &json!({})).expect("state");
        assert_eq!(out, too_deep);
    }
}

// Item 12: a large kind: List is read one item at a time.

/// A `kind: List` of `n` Deployments, as `oc get -o json` prints it (items before kind).
fn big_list(n: usize) -> String {
    let item = |i: usize| {
        format!(
            r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "app-{i}",
 "namespace": "ns", "labels": {{"app": "app-{i}", "team": "platform"}},
 "annotations": {{"note": "{pad}"}}}}, "spec": {{"replicas": 3}},
 "status": {{"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
 "availableReplicas": 3, "readyReplicas": 3, "conditions": [{{"type": "Available",
 "status": "True", "reason": "MinimumReplicasAvailable"}}]}}}}"#,
            pad = "x".repeat(300)
        )
    };
    let items: Vec<String> = (0..n).map(item).collect();
    format!(
        "{{\"apiVersion\": \"v1\", \"items\": [\n{}\n], \"kind\": \"List\", \"metadata\": {{}}}}\n",
        items.join(",\n")
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_list_is_evaluated_in_little_memory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.json");
    let n = 80_000;
    let text = big_list(n);
    assert!(text.len() > 48 << 20, "{} bytes", text.len());
    std::fs::write(&file, &text).expect("write");
    drop(text);
    // 512 MiB of address space: read whole, the objects alone took over 1 GB.
    let exe = assert_cmd::cargo::cargo_bin("mas-health");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 524288; exec {exe:?} eval {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n);
    assert_eq!(
        stdout.lines().last(),
        Some(
            format!(
                "Healthy      apps/Deployment ns/app-{}:   [built-in gitops-engine (Go)]",
                n - 1
            )
            .as_str()
        )
    );
    // explain reads one object at a time too.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 524288; exec {exe:?} explain {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    let headers = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("apps/Deployment ns/app-"))
        .count();
    assert_eq!(headers, n);
}

#[test]
fn a_document_after_a_large_json_list_is_not_lost() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.json");
    let n = 20_000;
    let mut text = big_list(n);
    assert!(text.len() > 8 << 20, "{} bytes: not streamed", text.len());
    text.push_str(
        r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
 "metadata": {"name": "after", "namespace": "ns"}, "status": {"phase": "Lost"}}"#,
    );
    std::fs::write(&file, &text).expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n + 1);
    assert_eq!(
        stdout.lines().last(),
        Some("Degraded     PersistentVolumeClaim ns/after:   [built-in gitops-engine (Go)]")
    );
}

#[test]
fn a_large_yaml_list_with_a_bad_item_keeps_the_items_before_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.yaml");
    let n = 20_000;
    let item = |i: usize| {
        format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: cm-{i}, annotations: \
             {{note: {}}}}}}}\n",
            "y".repeat(400)
        )
    };
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        text.push_str(&item(i));
    }
    text.push_str("- {apiVersion: v1, kind: ConfigMap, kind: Secret}\n");
    assert!(text.len() > 8 << 20, "{} bytes", text.len());
    std::fs::write(&file, &text).expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "error: {}:{}: invalid YAML: duplicate key \"kind\"\n",
            file.display(),
            n + 4
        )
    );
}

#[test]
fn control_characters_in_error_lines_are_escaped() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join("bad\r\x1b[2K.yaml");
    std::fs::write(&bad, "apiVersion: v1\n").expect("write");
    let out = cmd().arg("eval").arg(&bad).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    no_raw_controls(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}/bad\\r\\u{{1b}}[2K.yaml:1: the object has no kind\n",
            tmp.path().display()
        )
    );
}

#[test]
fn a_newline_in_a_name_cannot_add_a_line_to_eval_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("evil.json");
    std::fs::write(
        &file,
        r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
 "metadata": {"name": "evil\nHealthy      PersistentVolumeClaim ns/data", "namespace": "ns"},
 "status": {"phase": "Lost"}}"#,
    )
    .expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Degraded     PersistentVolumeClaim ns/evil\\nHealthy      PersistentVolumeClaim ns/data:   \
         [built-in gitops-engine (Go)]\n"
    );
}
