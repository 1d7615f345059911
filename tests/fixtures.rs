//! Every fixture under health/ (Argo CD's resource_customizations layout) passes on both
//! engines: the native evaluator and the generated Lua in the Argo CD runtime.

mod support;

use mas_health::argocd::harness::{self as fixtures, FixtureDir};
use mas_health::argocd::runtime::{self, Outcome};
use mas_health::Entry;
use mas_health::{emit, EvalContext};

fn entry_for<'a>(all: &'a [Entry], dir: &FixtureDir) -> &'a Entry {
    all.iter()
        .find(|e| e.group == dir.group && e.kind == dir.kind)
        .unwrap_or_else(|| {
            panic!(
                "{}: no catalog entry for {}/{}",
                dir.dir.display(),
                dir.group,
                dir.kind
            )
        })
}

#[test]
fn every_fixture_passes_on_both_engines() {
    let all = mas_health::Catalog::standard().entries().to_vec();
    let dirs = fixtures::discover(&support::health_dir()).expect("health/ is readable");
    let mut failures = Vec::new();
    let mut count = 0;
    for dir in &dirs {
        let entry = entry_for(&all, dir);
        let script = emit(&entry.rule);
        for test in &dir.tests {
            count += 1;
            let obj = dir.input(test).expect("fixture input parses");
            let expected = (
                test.health_status.status.clone(),
                test.health_status.message.clone(),
            );
            let native = entry.plan().evaluate(&obj, &EvalContext::now());
            let native = (native.status.to_string(), native.message);
            let lua = runtime::run(&script, &obj).expect("runtime starts");
            let where_ = format!("{}/{}", dir.dir.display(), test.input_path);
            if native != expected {
                failures.push(format!(
                    "{where_}: native {native:?}, expected {expected:?}"
                ));
            }
            if !matches!(lua, Outcome::Health(_))
                || lua.verdict().status_str() != expected.0
                || lua.verdict().message != expected.1
            {
                failures.push(format!("{where_}: lua {lua:?}, expected {expected:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count > 0, "no fixtures found under health/");
    println!("{count} fixtures passed on both engines");
}

#[test]
fn every_rule_has_healthy_progressing_and_degraded_fixtures() {
    let dirs = fixtures::discover(&support::health_dir()).expect("health/ is readable");
    let mut missing = Vec::new();
    for entry in mas_health::Catalog::standard().entries().to_vec() {
        let Some(dir) = dirs
            .iter()
            .find(|d| d.group == entry.group && d.kind == entry.kind)
        else {
            missing.push(format!("{}: no fixture folder", entry.key()));
            continue;
        };
        let statuses: Vec<&str> = dir
            .tests
            .iter()
            .map(|t| t.health_status.status.as_str())
            .collect();
        if statuses.len() < 3 {
            missing.push(format!(
                "{}: {} tests, want 3 or more",
                entry.key(),
                statuses.len()
            ));
        }
        let can_degrade = entry
            .rule
            .clauses
            .iter()
            .any(|c| c.status == mas_health::Status::Degraded);
        let mut wanted = vec!["Healthy", "Progressing"];
        if can_degrade {
            wanted.push("Degraded");
        }
        for w in wanted {
            if !statuses.contains(&w) {
                missing.push(format!("{}: no {w} fixture", entry.key()));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// A value a catalog entry says its operator passes through on the way to ready (what the audit
/// tries a status-string check on) is one a fixture of the kind holds, and the rule calls it
/// progress on that fixture.
#[test]
fn every_passing_value_is_a_fixture_s_and_progress_by_the_rule() {
    let all = mas_health::Catalog::standard().entries().to_vec();
    let dirs = fixtures::discover(&support::health_dir()).expect("health/ is readable");
    let mut checked = 0;
    for entry in &all {
        for path in ["status.state", "status.phase"] {
            for value in entry.passing_values(path) {
                let dir = dirs
                    .iter()
                    .find(|d| d.group == entry.group && d.kind == entry.kind)
                    .unwrap_or_else(|| panic!("no fixtures for {}", entry.key()));
                let holds = dir.tests.iter().any(|t| {
                    let obj = dir.input(t).expect("fixture input parses");
                    let at = path.split('.').try_fold(&obj, |v, k| v.get(k));
                    at.and_then(|v| v.as_str()) == Some(value.as_str())
                        && entry.plan().evaluate(&obj, &EvalContext::now()).status
                            == mas_health::Status::Progressing
                });
                assert!(
                    holds,
                    "{}: no Progressing fixture with {path} {value}",
                    entry.key()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked, 2,
        "ClusterPolicy notReady and TailoredProfile PENDING"
    );
}
