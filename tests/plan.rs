//! The compiled plan gives the interpreted evaluator's verdict (status and message) for every
//! catalog rule, on fixtures and on generated states, including rules too large for its slots.

use mas_health::argocd::harness as fixtures;
use mas_health::audit::states;
use mas_health::rule::{cond, eval, exists, Message, Plan, Rule, Status};
use mas_health::Catalog;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

fn runner() -> TestRunner {
    let config = Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

#[test]
fn plan_and_interpreter_agree_on_generated_states_for_every_rule() {
    for entry in Catalog::standard().entries() {
        let plan = Plan::new(&entry.rule);
        let result = runner().run(&states::states_for(&entry.rule), |obj| {
            let (want, got) = (eval::evaluate_rule(&entry.rule, &obj), plan.evaluate(&obj));
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
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("health");
    let mut n = 0;
    for dir in fixtures::discover(&root).expect("health/ is readable") {
        let Some(entry) = catalog.lookup(&dir.group, &dir.kind) else {
            continue;
        };
        let plan = Plan::new(&entry.rule);
        for t in &dir.tests {
            let obj = dir.input(t).expect("fixture parses");
            assert_eq!(
                plan.evaluate(&obj),
                eval::evaluate_rule(&entry.rule, &obj),
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
    assert_eq!(plan.evaluate(&obj).message, "boom");
    assert_eq!(plan.evaluate(&obj), eval::evaluate_rule(&rule, &obj));
}
