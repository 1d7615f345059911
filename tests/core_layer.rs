//! The light core an embedder gets with the library's default features: none of the Lua
//! runtime, the YAML reader, the command line or the test tools is compiled, and the example
//! that embeds it builds and runs.

use std::collections::BTreeSet;
use std::process::Command;

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        // A target folder of its own: the outer `cargo test` may still hold the default one.
        .env(
            "CARGO_TARGET_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/target/core-layer"),
        )
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Crate names in `cargo tree --prefix none` output.
fn crates(tree: &str) -> BTreeSet<String> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The library's normal dependencies with its default features (the binary package, a
/// workspace member, is left out by `-p`).
fn core_tree() -> BTreeSet<String> {
    crates(&cargo(&[
        "tree",
        "-p",
        "mas-health",
        "-e",
        "normal",
        "--prefix",
        "none",
    ]))
}

#[test]
fn the_default_features_depend_on_serde_and_serde_json_alone() {
    let ours = core_tree();
    let mut allowed = BTreeSet::from(["mas-health".to_owned()]);
    for dep in ["serde", "serde_json"] {
        allowed.extend(crates(&cargo(&[
            "tree", "-e", "normal", "--prefix", "none", "-p", dep,
        ])));
    }
    let extra: Vec<&String> = ours.difference(&allowed).collect();
    assert!(extra.is_empty(), "the core also pulls in {extra:?}");
    assert!(ours.contains("serde_json"), "{ours:?}");
}

#[test]
fn the_default_features_compile_no_interpreter_parser_or_command_line() {
    let ours = core_tree();
    let heavy = [
        "mlua",
        "clap",
        "proptest",
        "full_moon",
        "anyhow",
        "libc",
        "criterion",
        "serde-saphyr",
        "serde_yaml",
        "saphyr-parser",
        "k8s-openapi",
    ];
    let found: Vec<&str> = heavy.into_iter().filter(|c| ours.contains(*c)).collect();
    assert!(found.is_empty(), "the default features compile {found:?}");
}

#[test]
fn the_embedding_example_builds_and_runs_with_the_default_features() {
    let out = cargo(&["run", "--quiet", "-p", "mas-health", "--example", "embed"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        &lines[..3],
        &[
            "Healthy      Suite: MAS is ready to use",
            "Progressing  Widget: waiting for Ready",
            "Progressing  Widget: Pending deletion",
        ]
    );
}
