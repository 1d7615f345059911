//! Helpers shared by the library's integration tests: where the repository's fixtures are, and
//! the seeded property-test runner every generated-state test uses.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::{Path, PathBuf};

/// The repository root (this package's folder), whose `health/` and `tests/` the tests read.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures folder: Argo CD's resource_customizations layout, one folder per rule.
pub fn health_dir() -> PathBuf {
    root().join("health")
}

/// How many generated states a property test draws: `MAS_HEALTH_PROPTEST_CASES`, else 2,000.
pub fn cases() -> u32 {
    std::env::var("MAS_HEALTH_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// A runner drawing `cases` states with a fixed seed, so a coverage check cannot flake in CI;
/// `MAS_HEALTH_PROPTEST_RANDOM=1` draws fresh states instead.
pub fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var("MAS_HEALTH_PROPTEST_RANDOM").is_ok_and(|v| v == "1") {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
    }
}
