//! Detects Go and gopher-lua for the conformance tests, so `cargo test` lists those tests as
//! ignored instead of passing them silently where the interpreter Argo CD embeds is missing.
//!
//! It only sets the `gopher` cfg, which nothing outside this crate's gopher-lua tests reads: an
//! embedder's build is unchanged. It looks at PATH and one directory, and runs nothing.

use std::path::Path;

/// Where Debian's golang-github-yuin-gopher-lua-dev installs gopher-lua (as src/gopher.rs reads).
const GOPHER_LUA: &str = "/usr/share/gocode/src/github.com/yuin/gopher-lua";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(gopher)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    // Setting (or changing) it re-runs the detection, e.g. after installing Go.
    println!("cargo::rerun-if-env-changed=MAS_HEALTH_REQUIRE_GOPHER");
    let go = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("go").is_file()));
    let library = Path::new(GOPHER_LUA).is_dir();
    if go && library {
        println!("cargo::rustc-cfg=gopher");
        return;
    }
    if std::env::var("MAS_HEALTH_REQUIRE_GOPHER").is_ok_and(|v| v == "1") {
        panic!(
            "MAS_HEALTH_REQUIRE_GOPHER=1 but {}",
            if go {
                "gopher-lua is not installed (apt-get install -y golang-github-yuin-gopher-lua-dev)"
            } else {
                "the go command is not on PATH (apt-get install -y golang-go)"
            }
        );
    }
}
