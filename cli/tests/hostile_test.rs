//! Hostile and careless input to `mas-health test` (issue #17): scripts and fixtures written to hang,
//! exhaust or escape it end with a clear answer instead.

mod support;

use std::time::Duration;
use std::time::Instant;
use support::{bounded_cmd as cmd, mas_test, names_in, no_raw_controls, suite};

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
            "FAIL example.com/Thing testdata/a.yaml: cannot read {}: not a regular file (a \
             folder)\n0 passed, 1 failed\n",
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
    let hash = include_str!("../../tests/gopher/main.go")
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
