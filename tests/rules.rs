//! Behaviour of the rule model and the native evaluator, named by what they guarantee.

use mas_health::{cond, EvalContext, Health, Message, Plan, Rule, Status};
use serde_json::json;

/// The verdict of `rule` on `obj`, as every command evaluates it: through a compiled plan.
fn evaluate(rule: &Rule, obj: &serde_json::Value) -> Health {
    Plan::new(rule).evaluate(obj, &EvalContext::now())
}

fn suite(conditions: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "core.mas.ibm.com/v1", "kind": "Suite", "status": {"conditions": conditions}})
}

#[test]
fn failure_beats_ready_regardless_of_order() {
    let ready = json!({"type": "Ready", "status": "True", "message": "ok"});
    let failure = json!({"type": "Failure", "status": "True", "message": "boom"});
    let rule = mas_health::ready();
    for c in [json!([ready, failure]), json!([failure, ready])] {
        assert_eq!(
            evaluate(&rule, &suite(c)),
            Health::new(Status::Degraded, "boom")
        );
    }
}

#[test]
fn a_false_failure_condition_does_not_degrade() {
    let c = json!([{"type": "Failure", "status": "False", "message": ""}, {"type": "Ready", "status": "True", "message": "MAS is ready to use"}]);
    assert_eq!(
        evaluate(&mas_health::ready(), &suite(c)),
        Health::new(Status::Healthy, "MAS is ready to use")
    );
}

#[test]
fn the_running_condition_never_changes_the_verdict() {
    let rule = mas_health::ready();
    let ready = json!({"type": "Ready", "status": "True", "message": "ok"});
    let a = evaluate(
        &rule,
        &suite(json!([ready, {"type": "Running", "status": "True", "reason": "Running"}])),
    );
    let b = evaluate(
        &rule,
        &suite(json!([ready, {"type": "Running", "status": "True", "reason": "Successful"}])),
    );
    assert_eq!(a, b);
}

#[test]
fn stale_ready_waits_for_the_new_operator_version() {
    let mut obj = suite(json!([{"type": "Ready", "status": "True"}]));
    obj["status"]["versions"] = json!({"controller": "9.1.1", "reconciled": "9.1.0"});
    assert_eq!(
        evaluate(&mas_health::ready(), &obj),
        Health::new(
            Status::Progressing,
            "reconciling 9.1.1, last reconciled 9.1.0"
        )
    );
    obj["status"]["versions"]["reconciled"] = json!("9.1.1");
    assert_eq!(evaluate(&mas_health::ready(), &obj).status, Status::Healthy);
}

#[test]
fn non_string_or_empty_messages_fall_back_to_the_literal() {
    let rule = Rule::named("t").otherwise(
        Status::Degraded,
        Message::field("status.message", "fallback"),
    );
    for m in [
        json!(5),
        json!({"a": 1}),
        json!(""),
        json!(null),
        json!(["x"]),
    ] {
        assert_eq!(
            evaluate(&rule, &json!({"status": {"message": m}})),
            Health::new(Status::Degraded, "fallback")
        );
    }
}

#[test]
fn null_entries_and_non_tables_in_conditions_are_skipped() {
    let obj = suite(json!([null, "Ready", 3, {"type": "Ready", "status": "True", "message": "m"}]));
    assert_eq!(
        evaluate(&mas_health::ready(), &obj),
        Health::new(Status::Healthy, "m")
    );
}

#[test]
fn evaluator_never_panics_on_odd_top_level_values() {
    for v in [
        json!(null),
        json!([]),
        json!("x"),
        json!(1),
        json!({"status": "Ready"}),
        json!({"status": []}),
    ] {
        let h = evaluate(&mas_health::ready(), &v);
        assert_eq!(h.status, Status::Progressing);
    }
}

#[test]
fn numbers_compare_as_floats() {
    let rule = Rule::named("n")
        .when(
            "two",
            mas_health::equals("spec.n", 2.0),
            Status::Healthy,
            Message::text("two"),
        )
        .otherwise(Status::Progressing, Message::text("other"));
    assert_eq!(
        evaluate(&rule, &json!({"spec": {"n": 2}})).status,
        Status::Healthy
    );
    assert_eq!(
        evaluate(&rule, &json!({"spec": {"n": "2"}})).status,
        Status::Progressing
    );
}

#[test]
fn rules_round_trip_through_serde() {
    let rule = mas_health::ready();
    let text = serde_json::to_string(&rule).expect("serializes");
    let back: Rule = serde_json::from_str(&text).expect("deserializes");
    assert_eq!(back, rule);
    let _ = cond("Ready", "True");
}
