//! The health_test.yaml harness follows Argo CD's own (util/lua/health_test.go): files read as
//! sigs.k8s.io/yaml reads them, the script found from the fixture object's group and kind,
//! libraries open or closed, and a broken file failing only its folder.

mod support;

use mas_health::argocd::harness::{Answer, Interpreter, Job, Ran, Suite};
use mas_health::argocd::runtime::{Libraries, Outcome};
use mas_health::audit::Sandbox;
use serde_json::Value;

/// The audit's sandbox: scripts under test never run commands or touch files.
fn sandboxed(script: &str, obj: &Value, libraries: Libraries) -> Result<Outcome, String> {
    let recorded = Sandbox::new(libraries).run(script, obj);
    recorded.map(|r| r.outcome).map_err(|e| e.to_string())
}
use std::path::Path;

/// Writes `files` (path, text) under `root`.
fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn object(api_version: &str, kind: &str, phase: &str) -> String {
    format!("apiVersion: {api_version}\nkind: {kind}\nstatus:\n  phase: {phase}\n")
}

const ECHO: &str = r#"return { status = "Healthy", message = obj.status.phase }"#;

/// Runs the suite under `root` in the sandboxed runtime and returns its printed report.
fn report(root: &Path, libraries: Libraries) -> String {
    let suite = Suite::discover(root).expect("root readable");
    suite
        .run(&sandboxed, &sandboxed, libraries, &|_, _| None)
        .expect("runs")
        .to_string()
}

#[test]
fn field_names_match_without_case_and_the_last_repeated_key_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tests = "TESTS:\n- HealthStatus:\n    Status: Healthy\n    MESSAGE: first\n    message: Running\n  inputpath: testdata/a.yaml\n---\nnot: [read\n";
    write(
        dir.path(),
        &[
            ("example.com/Widget/health.lua", ECHO),
            ("example.com/Widget/health_test.yaml", tests),
            (
                "example.com/Widget/testdata/a.yaml",
                &object("example.com/v1", "Widget", "Running"),
            ),
        ],
    );
    let text = report(dir.path(), Libraries::Closed);
    assert_eq!(
        text,
        "PASS example.com/Widget testdata/a.yaml\n1 passed, 0 failed\n"
    );
}

#[test]
fn a_repeated_key_in_a_fixture_keeps_its_last_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("example.com/Widget/health.lua", ECHO),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: Second}\n  inputPath: a.yaml\n",
            ),
            (
                "example.com/Widget/a.yaml",
                "apiVersion: example.com/v1\nkind: Widget\nstatus:\n  phase: First\n  phase: Second\n",
            ),
        ],
    );
    assert!(report(dir.path(), Libraries::Closed).ends_with("1 passed, 0 failed\n"));
}

#[test]
fn the_script_comes_from_the_objects_group_and_kind_exact_folder_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tests = "tests:\n- healthStatus: {status: Healthy, message: exact}\n  inputPath: p.yaml\n- healthStatus: {status: Degraded, message: first wildcard}\n  inputPath: q.yaml\n";
    write(
        dir.path(),
        &[
            (
                "_.example.io/_/health.lua",
                r#"return { status = "Degraded", message = "first wildcard" }"#,
            ),
            ("_.example.io/_/health_test.yaml", tests),
            (
                "_.example.io/_/p.yaml",
                &object("pkg.example.io/v1", "Provider", "x"),
            ),
            (
                "_.example.io/_/q.yaml",
                &object("a.example.io/v1", "Other", "x"),
            ),
            (
                "pkg.example.io/Provider/health.lua",
                r#"return { status = "Healthy", message = "exact" }"#,
            ),
            (
                "_.io/_/health.lua",
                r#"return { status = "Suspended", message = "later wildcard" }"#,
            ),
        ],
    );
    let suite = Suite::discover(dir.path()).expect("readable");
    let answers: Vec<Answer> = suite.cases().into_iter().map(|c| c.answer).collect();
    assert_eq!(
        answers,
        [
            Answer::Script(dir.path().join("pkg.example.io/Provider/health.lua")),
            Answer::Script(dir.path().join("_.example.io/_/health.lua")),
        ]
    );
    // _.io/_ and pkg.example.io/Provider have health.lua but no health_test.yaml: as in Argo
    // CD's harness, each is one failure.
    let text = report(dir.path(), Libraries::Closed);
    assert!(text.contains("PASS *.example.io/* p.yaml\n"), "{text}");
    assert!(text.contains("PASS *.example.io/* q.yaml\n"), "{text}");
    assert!(text.ends_with("2 passed, 2 failed\n"), "{text}");
}

#[test]
fn an_object_no_script_answers_gets_the_empty_status() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("example.com/Widget/health.lua", ECHO),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy}\n  inputPath: a.yaml\n",
            ),
            (
                "example.com/Widget/a.yaml",
                &object("other.com/v1", "Gadget", "x"),
            ),
        ],
    );
    let text = report(dir.path(), Libraries::Closed);
    assert_eq!(
        text,
        "FAIL example.com/Widget a.yaml: expected Healthy \"\", got  \"\": no health.lua answers \"other.com/Gadget\"\n0 passed, 1 failed\n"
    );
}

#[test]
fn open_libraries_run_string_methods_and_closed_ones_say_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "example.com/Widget/health.lua",
                r#"return { status = "Healthy", message = string.lower(obj.status.phase) }"#,
            ),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: running}\n  inputPath: a.yaml\n",
            ),
            ("example.com/Widget/a.yaml", &object("example.com/v1", "Widget", "Running")),
        ],
    );
    assert_eq!(
        report(dir.path(), Libraries::Open),
        "PASS example.com/Widget a.yaml\n1 passed, 0 failed\n"
    );
    let closed = report(dir.path(), Libraries::Closed);
    assert!(
        closed.starts_with("FAIL example.com/Widget a.yaml: passes only with open libraries"),
        "{closed}"
    );
    assert!(closed.ends_with("0 passed, 1 failed\n"), "{closed}");
}

#[test]
fn open_libraries_never_run_commands_or_touch_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let canary = dir.path().join("canary");
    let script = format!(
        r#"os.execute("touch {0}") local f = io.open("{0}", "w") os.remove("{1}")
           return {{ status = "Healthy", message = type(f) }}"#,
        canary.display(),
        dir.path().join("example.com/Widget/a.yaml").display()
    );
    write(
        dir.path(),
        &[
            ("example.com/Widget/health.lua", &script),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: nil}\n  inputPath: a.yaml\n",
            ),
            (
                "example.com/Widget/a.yaml",
                &object("example.com/v1", "Widget", "x"),
            ),
        ],
    );
    assert_eq!(
        report(dir.path(), Libraries::Open),
        "PASS example.com/Widget a.yaml\n1 passed, 0 failed\n"
    );
    assert!(!canary.exists(), "a command ran");
    assert!(dir.path().join("example.com/Widget/a.yaml").exists());
}

#[test]
fn an_unreadable_file_is_one_failure_of_its_folder_with_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("a.example.com/Broken/health.lua", ECHO),
            (
                "a.example.com/Broken/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy}\n  inputPath: [unclosed\n",
            ),
            ("b.example.com/Typed/health.lua", ECHO),
            (
                "b.example.com/Typed/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy}\n  inputPath: a.yaml\n- healthStatus: {status: 5}\n  inputPath: a.yaml\n",
            ),
            ("c.example.com/Fine/health.lua", ECHO),
            (
                "c.example.com/Fine/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: x}\n  inputPath: a.yaml\n- healthStatus: {status: Healthy, message: x}\n  inputPath: missing.yaml\n",
            ),
            ("c.example.com/Fine/a.yaml", &object("c.example.com/v1", "Fine", "x")),
        ],
    );
    let text = report(dir.path(), Libraries::Closed);
    let lines: Vec<&str> = text.lines().collect();
    let broken = dir.path().join("a.example.com/Broken/health_test.yaml");
    let typed = dir.path().join("b.example.com/Typed/health_test.yaml");
    assert!(
        lines[0].starts_with(&format!("FAIL {}:3: invalid YAML", broken.display())),
        "{text}"
    );
    assert_eq!(
        lines[1],
        format!(
            "FAIL {}:4: `status` is a number, not a string",
            typed.display()
        ),
        "{text}"
    );
    assert_eq!(lines[2], "PASS c.example.com/Fine a.yaml", "{text}");
    assert!(
        lines[3].starts_with(&format!(
            "FAIL {}: ",
            dir.path().join("c.example.com/Fine/missing.yaml").display()
        )),
        "{text}"
    );
    assert_eq!(lines.last().copied(), Some("1 passed, 3 failed"), "{text}");
}

#[test]
fn goto_continue_runs_as_in_gopher_lua() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = r#"
        local n = 0
        for _, c in ipairs(obj.status.conditions) do
          if c.type ~= "Ready" then goto continue end
          n = n + 1
          ::continue::
        end
        return { status = "Healthy", message = tostring(n) }
    "#;
    let fixture = "apiVersion: example.com/v1\nkind: Widget\nstatus:\n  conditions:\n  - type: Ready\n  - type: Other\n  - type: Ready\n";
    write(
        dir.path(),
        &[
            ("example.com/Widget/health.lua", script),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: \"2\"}\n  inputPath: a.yaml\n",
            ),
            ("example.com/Widget/a.yaml", fixture),
        ],
    );
    assert_eq!(
        report(dir.path(), Libraries::Closed),
        "PASS example.com/Widget a.yaml\n1 passed, 0 failed\n"
    );
}

/// An interpreter that cannot parse scripts using goto, as Debian's 2017 gopher-lua.
struct NoGoto;

impl Interpreter for NoGoto {
    fn run(&self, jobs: &[Job<'_>], libraries: Libraries) -> Result<Vec<Ran>, String> {
        let ran = Interpreter::run(&sandboxed, jobs, libraries)?;
        Ok(jobs
            .iter()
            .zip(ran)
            .map(|(j, r)| {
                if j.script.contains("goto") {
                    Ran::CannotParse("near 'continue': parse error".to_owned())
                } else {
                    r
                }
            })
            .collect())
    }
}

#[test]
fn a_script_the_interpreter_cannot_parse_is_named_not_counted_as_a_verdict() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "a.example.com/Loop/health.lua",
                "goto continue ::continue:: return { status = \"Healthy\" }",
            ),
            (
                "a.example.com/Loop/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy}\n  inputPath: a.yaml\n",
            ),
            (
                "a.example.com/Loop/a.yaml",
                &object("a.example.com/v1", "Loop", "x"),
            ),
            ("b.example.com/Plain/health.lua", ECHO),
            (
                "b.example.com/Plain/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: x}\n  inputPath: a.yaml\n",
            ),
            (
                "b.example.com/Plain/a.yaml",
                &object("b.example.com/v1", "Plain", "x"),
            ),
        ],
    );
    let suite = Suite::discover(dir.path()).expect("readable");
    let report = suite
        .run(&NoGoto, &sandboxed, Libraries::Open, &|_, _| None)
        .expect("runs");
    let script = dir.path().join("a.example.com/Loop/health.lua");
    assert_eq!(report.unparsed, std::slice::from_ref(&script));
    assert_eq!(
        report.to_string(),
        format!(
            "FAIL a.example.com/Loop a.yaml: this interpreter cannot parse {0}: near 'continue': parse error\n\
             PASS b.example.com/Plain a.yaml\n\
             this interpreter cannot parse 1 script(s) (gopher-lua 1.1 can):\n  {0}\n\
             1 passed, 1 failed\n",
            script.display()
        )
    );
    // The same suite in the built-in runtime: goto runs.
    let ours = suite
        .run(&sandboxed, &sandboxed, Libraries::Open, &|_, _| None)
        .expect("runs");
    assert_eq!(ours.summary(), "2 passed, 0 failed");
}

#[test]
fn the_test_command_takes_libraries_and_exits_by_the_result() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "example.com/Widget/health.lua",
                r#"return { status = "Healthy", message = string.upper(obj.status.phase) }"#,
            ),
            (
                "example.com/Widget/health_test.yaml",
                "tests:\n- healthStatus: {status: Healthy, message: UP}\n  inputPath: a.yaml\n",
            ),
            (
                "example.com/Widget/a.yaml",
                &object("example.com/v1", "Widget", "up"),
            ),
        ],
    );
    let run = |libraries: &str| {
        support::cmd()
            .args(["test", "--libraries", libraries])
            .arg(dir.path())
            .output()
            .expect("runs")
    };
    let open = run("open");
    assert_eq!(
        String::from_utf8_lossy(&open.stdout),
        "PASS example.com/Widget a.yaml\n1 passed, 0 failed\n"
    );
    assert_eq!(open.status.code(), Some(0));
    let closed = run("closed");
    assert!(String::from_utf8_lossy(&closed.stdout).ends_with("0 passed, 1 failed\n"));
    assert_eq!(closed.status.code(), Some(1));
}
