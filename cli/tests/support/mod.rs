//! Helpers shared by the binary's integration tests: the repository root (the fixtures of
//! `health/` and `tests/` live there, above this package) and the command run from it.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

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
