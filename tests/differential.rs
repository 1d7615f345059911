//! Native verdict == Lua verdict (status and message) for every catalog rule on generated
//! states, the Lua never errors, and the Lua's status does not depend on the order of
//! `status.conditions`. `MAS_HEALTH_PROPTEST_CASES` raises the case count.

mod support;

use mas_health::argocd::runtime::{Outcome, Runtime};
use mas_health::{emit, EvalContext, Rule, Status};
use proptest::strategy::{Just, Strategy};
use proptest::test_runner::TestCaseError;
use support::{cases, runner};

#[test]
fn native_and_lua_agree_on_generated_states_for_every_rule() {
    let rt = Runtime::default();
    let mut compared = 0u64;
    for entry in mas_health::Catalog::standard().entries().to_vec() {
        let script = emit(&entry.rule);
        let code =
            mas_health::argocd::runtime::compile(&script).expect("generated script compiles");
        let mut runner = runner(cases());
        let hits = std::cell::RefCell::new(vec![0u32; entry.rule.clauses.len() + 1]);
        let result = runner.run(&mas_health::states_for(&entry.rule), |obj| {
            let decision = entry.plan().decide(&obj, &EvalContext::now());
            let at = decision.clause.unwrap_or(entry.rule.clauses.len());
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

/// The status the Lua gives, or the reason it gave none.
fn lua_status(rt: &Runtime, code: &[u8], obj: &serde_json::Value) -> Result<Status, TestCaseError> {
    match rt.run_compiled(code, obj) {
        Ok(Outcome::Health(h)) => Ok(h.status),
        other => Err(TestCaseError::fail(format!("no verdict: {other:?}"))),
    }
}

/// Generated states, each with its `status.conditions` shuffled.
fn shuffled_states(
    rule: &Rule,
) -> impl Strategy<Value = (serde_json::Value, Vec<serde_json::Value>)> {
    mas_health::states_for(rule).prop_flat_map(|obj| {
        let list = obj
            .get("status")
            .and_then(|s| s.get("conditions"))
            .and_then(|c| c.as_array())
            .cloned()
            .unwrap_or_default();
        (Just(obj), Just(list).prop_shuffle())
    })
}

#[test]
fn lua_status_never_depends_on_condition_order() {
    let rt = Runtime::default();
    for entry in mas_health::Catalog::standard().entries().to_vec() {
        let script = emit(&entry.rule);
        let code =
            mas_health::argocd::runtime::compile(&script).expect("generated script compiles");
        let mut runner = runner(cases() / 4);
        let result = runner.run(&shuffled_states(&entry.rule), |(obj, shuffled)| {
            let has_list = obj
                .get("status")
                .and_then(|s| s.get("conditions"))
                .is_some_and(serde_json::Value::is_array);
            if !has_list {
                return Ok(());
            }
            let base = lua_status(&rt, &code, &obj)?;
            let mut permuted = obj.clone();
            permuted["status"]["conditions"] = serde_json::Value::Array(shuffled);
            let status = lua_status(&rt, &code, &permuted)?;
            if status != base {
                return Err(TestCaseError::fail(format!(
                    "{base} became {status} after reordering conditions"
                )));
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{}: {e}", entry.key());
        }
    }
}
