//! Helpers shared by the binary's integration tests: the repository root (the fixtures of
//! `health/` and `tests/` live there, above this package) and the command run from it.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use assert_cmd::Command;
use mas_health::argocd::runtime::Outcome;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The repository root: the workspace, whose `health/` and `tests/` folders the tests read.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// [`ROOT`] as a path.
pub fn root() -> &'static Path {
    Path::new(ROOT)
}

/// The `mas-health` binary built for these tests.
pub fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mas-health"))
}

/// `mas-health`, run from the repository root as a user runs it from a checkout.
pub fn cmd() -> Command {
    let mut c = Command::new(exe());
    c.current_dir(ROOT);
    c
}

/// Whether a run ended at Argo CD's time limit.
pub fn deadline(out: &Outcome) -> bool {
    matches!(out, Outcome::Error(e) if e.contains("context deadline exceeded"))
}

/// [`cmd`], stopped after a minute: a hostile input must not hang the test run.
pub fn bounded_cmd() -> Command {
    let mut c = cmd();
    c.timeout(Duration::from_secs(60));
    c
}

/// `mas-health test DIR`.
pub fn mas_test(dir: &Path) -> std::process::Output {
    bounded_cmd().arg("test").arg(dir).output().expect("runs")
}

/// One folder of Argo CD's layout holding `health.lua` (raw bytes) and one test.
pub fn suite(root: &Path, script: &[u8], expected: &str) {
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

/// No byte of `out` is a control character but the line feed.
pub fn no_raw_controls(out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
}

/// The names in `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
