//! The compiled plan gives the interpreted evaluator's verdict (status and message) for every
//! catalog rule, on fixtures and on generated states, including rules too large for its slots
//! or its word sets: the interpreter is the oracle of the one evaluator every command runs.

mod support;

use mas_health::argocd::harness as fixtures;
use mas_health::Catalog;
use mas_health::{cond, evaluate_rule, exists, EvalContext, Message, Plan, Rule, Status};
use proptest::test_runner::TestCaseError;

#[test]
fn plan_and_interpreter_agree_on_generated_states_for_every_rule() {
    for entry in Catalog::standard().entries() {
        let plan = Plan::new(&entry.rule);
        let result = support::runner(2000).run(&mas_health::states_for(&entry.rule), |obj| {
            let (want, got) = (
                evaluate_rule(&entry.rule, &obj),
                plan.evaluate(&obj, &EvalContext::now()),
            );
            if want == got {
                Ok(())
            } else {
                Err(TestCaseError::fail(format!(
                    "interpreter {want:?}, plan {got:?}"
                )))
            }
        });
        if let Err(e) = result {
            panic!("{}: {e}", entry.key());
        }
    }
}

#[test]
fn plan_and_interpreter_agree_on_every_fixture() {
    let catalog = Catalog::standard();
    let root = support::health_dir();
    let mut n = 0;
    for dir in fixtures::discover(&root).expect("health/ is readable") {
        let Some(entry) = catalog.lookup(&dir.group, &dir.kind) else {
            continue;
        };
        let plan = Plan::new(&entry.rule);
        for t in &dir.tests {
            let obj = dir.input(t).expect("fixture parses");
            assert_eq!(
                plan.evaluate(&obj, &EvalContext::now()),
                evaluate_rule(&entry.rule, &obj),
                "{}",
                t.input_path
            );
            n += 1;
        }
    }
    assert!(n > 300, "only {n} fixtures");
}

#[test]
fn a_rule_reading_more_fields_than_the_plan_holds_still_gets_the_right_verdict() {
    let mut b = Rule::named("wide");
    for i in 0..40 {
        let path = format!("status.f{i}");
        b = b.when(
            &path,
            exists(&path),
            Status::Degraded,
            Message::field(&path, "x"),
        );
    }
    let ready = cond("Ready", "True");
    let rule = b
        .when(
            "ready",
            ready.holds(),
            Status::Healthy,
            Message::condition(&ready, "ok"),
        )
        .otherwise(Status::Progressing, Message::text("waiting"));
    let plan = Plan::new(&rule);
    let obj = serde_json::json!({"status": {"f39": "boom",
        "conditions": [{"type": "Ready", "status": "True"}]}});
    assert_eq!(plan.evaluate(&obj, &EvalContext::now()).message, "boom");
    assert_eq!(
        plan.evaluate(&obj, &EvalContext::now()),
        evaluate_rule(&rule, &obj)
    );
}

#[test]
fn a_rule_testing_more_condition_types_than_a_word_set_holds_still_gets_the_right_verdict() {
    // 70 distinct types: more than the 64 a selector's set keeps as bits.
    let types: Vec<String> = (0..70).map(|i| format!("T{i}")).collect();
    let mut b = Rule::named("many types");
    for t in &types {
        let sel = cond(t, "True");
        b = b.when(
            t,
            sel.holds(),
            Status::Degraded,
            Message::condition(&sel, t),
        );
    }
    let rule = b.otherwise(Status::Healthy, Message::text("none"));
    let plan = Plan::new(&rule);
    let ctx = EvalContext::now();
    for (t, want) in [
        ("T69", Status::Degraded),
        ("T3", Status::Degraded),
        ("X", Status::Healthy),
    ] {
        let obj = serde_json::json!({"status": {"conditions": [
            {"type": "T5", "status": "False"},
            {"type": t, "status": "True", "message": format!("{t} is on")}]}});
        let got = plan.decide(&obj, &ctx);
        assert_eq!(got.health.status, want, "{t}");
        assert_eq!(got.health, evaluate_rule(&rule, &obj), "{t}");
        let clause = types.iter().position(|x| x == t);
        assert_eq!(got.clause, clause, "{t}");
    }
}
