//! Native verdict == Lua verdict (status and message) for every catalog rule on generated
//! states, and the Lua never errors. `MAS_HEALTH_PROPTEST_CASES` raises the case count.

use mas_health::argocd::runtime::{Outcome, Runtime};
use mas_health::audit::states;
use mas_health::catalog;
use mas_health::rule::{emit, eval};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// A runner with a fixed seed, so the clause-coverage check cannot flake in CI;
/// `MAS_HEALTH_PROPTEST_RANDOM=1` draws fresh states instead.
fn runner(cases: u32) -> TestRunner {
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

fn cases() -> u32 {
    std::env::var("MAS_HEALTH_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

#[test]
fn native_and_lua_agree_on_generated_states_for_every_rule() {
    let rt = Runtime::default();
    let mut compared = 0u64;
    for entry in catalog::Catalog::standard().entries().to_vec() {
        let script = emit::emit(&entry.rule);
        let code =
            mas_health::argocd::runtime::compile(&script).expect("generated script compiles");
        let mut runner = runner(cases());
        let hits = std::cell::RefCell::new(vec![0u32; entry.rule.clauses.len() + 1]);
        let result = runner.run(&states::states_for(&entry.rule), |obj| {
            let decision = eval::decide(&entry.rule, &obj);
            let at = decision
                .clause
                .and_then(|c| entry.rule.clauses.iter().position(|x| std::ptr::eq(x, c)))
                .unwrap_or(entry.rule.clauses.len());
            hits.borrow_mut()[at] += 1;
            let native = decision.health;
            let lua = rt
                .run_compiled(&code, &obj)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            match lua {
                Outcome::Health(h) if h == native => Ok(()),
                other => Err(TestCaseError::fail(format!(
                    "native {native:?} but Lua {other:?}"
                ))),
            }
        });
        if let Err(e) = result {
            panic!("{}: {e}", entry.key());
        }
        // A generator that never reaches a clause proves nothing about it.
        let hits = hits.into_inner();
        println!("{}: clause hits {hits:?}", entry.key());
        for (i, n) in hits.iter().enumerate() {
            let name = entry
                .rule
                .clauses
                .get(i)
                .map_or("default", |c| c.name.as_str());
            assert!(
                *n > 0,
                "{}: no generated state reached `{name}`",
                entry.key()
            );
        }
        compared += u64::from(cases());
    }
    println!("compared {compared} generated states");
}

#[test]
fn status_never_depends_on_condition_order() {
    for entry in catalog::Catalog::standard().entries().to_vec() {
        let mut runner = runner(cases() / 4);
        let result = runner.run(&states::states_for(&entry.rule), |obj| {
            let base = eval::evaluate_rule(&entry.rule, &obj).status;
            let Some(list) = obj
                .get("status")
                .and_then(|s| s.get("conditions"))
                .and_then(|c| c.as_array())
            else {
                return Ok(());
            };
            for rotation in 0..list.len() {
                let mut permuted = obj.clone();
                let mut l = list.clone();
                l.rotate_left(rotation);
                if rotation % 2 == 1 {
                    l.reverse();
                }
                permuted["status"]["conditions"] = serde_json::Value::Array(l);
                let status = eval::evaluate_rule(&entry.rule, &permuted).status;
                if status != base {
                    return Err(TestCaseError::fail(format!(
                        "{base} became {status} after reordering conditions"
                    )));
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{}: {e}", entry.key());
        }
    }
}
