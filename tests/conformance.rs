//! Conformance with the interpreter Argo CD embeds: every generated script gives the same
//! verdict in gopher-lua as in mlua and as the native evaluator, on every fixture and on a large
//! generated corpus. Listed as ignored where build.rs found no Go or gopher-lua; with
//! MAS_HEALTH_REQUIRE_GOPHER=1 the build fails instead.

#[path = "../src/gopher.rs"]
#[allow(dead_code)]
mod gopher;
use gopher::{Case, Harness};
use mas_health::argocd::harness as fixtures;
use mas_health::argocd::harness::Ran;
use mas_health::argocd::runtime::{Outcome, Runtime};
use mas_health::audit::states;
use mas_health::catalog;
use mas_health::rule::{emit, eval};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;
use std::path::Path;

/// The harness; only called where build.rs found Go and gopher-lua (cfg `gopher`).
fn harness() -> Harness {
    Harness::build(Path::new(env!("CARGO_TARGET_TMPDIR")))
        .expect("build.rs found Go and gopher-lua, so the harness builds")
}

fn corpus_size() -> usize {
    std::env::var("MAS_HEALTH_GOPHER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

/// Every fixture of a catalog kind and `corpus_size()` generated states, each with the index of
/// its entry; and how many of them are fixtures.
fn corpus(entries: &[catalog::Entry]) -> (Vec<(usize, Value)>, usize) {
    let mut objects: Vec<(usize, Value)> = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("health");
    for dir in fixtures::discover(&root).expect("health/ is readable") {
        let Some(i) = entries
            .iter()
            .position(|e| e.group == dir.group && e.kind == dir.kind)
        else {
            continue;
        };
        for t in &dir.tests {
            objects.push((i, dir.input(t).expect("fixture parses")));
        }
    }
    let fixture_count = objects.len();
    let per_rule = corpus_size().div_ceil(entries.len());
    let mut runner = TestRunner::default();
    for (i, e) in entries.iter().enumerate() {
        let strategy = states::states_for(&e.rule);
        for _ in 0..per_rule {
            let tree = strategy.new_tree(&mut runner).expect("a state generates");
            objects.push((i, tree.current()));
        }
    }
    (objects, fixture_count)
}

#[test]
#[cfg_attr(not(gopher), ignore = "needs Go and gopher-lua (see CONTRIBUTING.md)")]
fn gopher_lua_mlua_and_native_agree_on_fixtures_and_generated_states() {
    let harness = harness();
    let entries = catalog::Catalog::standard().entries().to_vec();
    let scripts: Vec<String> = entries.iter().map(|e| emit::emit(&e.rule)).collect();
    let (objects, fixture_count) = corpus(&entries);
    let cases: Vec<Case<'_>> = objects
        .iter()
        .map(|(i, o)| Case {
            script: &scripts[*i],
            object: o,
            open_libs: false,
        })
        .collect();
    let gopher = harness.run(&cases).expect("the harness runs");
    let rt = Runtime::default();
    let mut failures = Vec::new();
    for ((i, obj), g) in objects.iter().zip(&gopher) {
        let native = eval::evaluate_rule(&entries[*i].rule, obj);
        let mlua = rt.run(&scripts[*i], obj).expect("mlua runs");
        let native = Outcome::Health(native);
        if *g != native || mlua != native {
            failures.push(format!(
                "{}: native {native:?}, mlua {mlua:?}, gopher {g:?} on {obj}",
                entries[*i].key()
            ));
        }
    }
    println!(
        "compared {} cases ({} fixtures, {} generated) in gopher-lua, mlua and native",
        objects.len(),
        fixture_count,
        objects.len() - fixture_count
    );
    assert!(
        failures.is_empty(),
        "{} disagreements, first: {}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
#[cfg_attr(not(gopher), ignore = "needs Go and gopher-lua (see CONTRIBUTING.md)")]
fn harness_reproduces_argo_cd_result_handling() {
    let harness = harness();
    let obj = serde_json::json!({"status": {"conditions": [null, {"type": "Ready"}]}});
    let scripts = [
        r#"return { status = "Healthy", message = obj.status.conditions[1].type }"#,
        r#"return { status = "healthy" }"#,
        "return {}",
        r#"return { status = "Healthy", message = 5 }"#,
        r#"return "Healthy""#,
        r#"return { status = string.lower("X") }"#,
        r#"local os = require("os") return { status = "Healthy", message = type(os.time) .. type(os.execute) }"#,
        r#"return { status = "Healthy", message = type(table.time) .. type(os) .. type(newproxy) }"#,
        r#"local t = {} return { status = "Healthy", a = t, b = t }"#,
        // gopher-lua 1.1 (Argo CD's) runs goto; Debian's 2017 build cannot parse it.
        r#"for i = 1, 2 do if i == 1 then goto continue end ::continue:: end return { status = "Healthy" }"#,
    ];
    let cases: Vec<Case<'_>> = scripts
        .iter()
        .map(|s| Case {
            script: s,
            object: &obj,
            open_libs: false,
        })
        .collect();
    let gopher = harness.run_parsed(&cases).expect("the harness runs");
    let rt = Runtime::default();
    for (s, g) in scripts.iter().zip(gopher) {
        let m = rt.run(s, &obj).expect("mlua runs");
        let g = match g {
            Ran::Outcome(g) => g,
            Ran::CannotParse(e) => {
                // Not a disagreement: this gopher-lua predates goto. Say so and go on.
                println!("this gopher-lua cannot parse (gopher-lua 1.1 can): {s}: {e}");
                assert!(
                    s.contains("goto"),
                    "only goto is expected to be unparsable: {s}"
                );
                continue;
            }
        };
        match (&m, &g) {
            // Error texts differ between interpreters; both must be errors.
            (Outcome::Error(_), Outcome::Error(_)) => {}
            _ => assert_eq!(m, g, "{s}"),
        }
    }
}
