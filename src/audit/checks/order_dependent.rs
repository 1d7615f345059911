//! `order-dependent`: the verdict changes when `status.conditions` is reordered. Operators do
//! not promise an order, so the same object can flip between verdicts.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::realistic::producible;
use crate::audit::runs::Runs;
use crate::audit::sandbox::Recorded;
use crate::audit::{Finding, Level, Order};
use serde_json::Value;

/// A verdict that depends on the order of conditions.
pub struct OrderDependent;

/// The state's conditions reordered: reversed, and rotated by one.
fn permutations(obj: &Value) -> Vec<Value> {
    let Some(list) = obj
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    if list.len() < 2 {
        return Vec::new();
    }
    let mut reversed = list.clone();
    reversed.reverse();
    let mut rotated = list.clone();
    rotated.rotate_left(1);
    [reversed, rotated]
        .into_iter()
        .map(|l| {
            let mut o = obj.clone();
            o["status"]["conditions"] = Value::Array(l);
            o
        })
        .collect()
}

/// How the status of `r` (the run on `obj`) changes under a reordering, if it does.
fn flips(runs: &Runs, obj: &Value, r: &Recorded) -> Option<String> {
    let Outcome::Health(h) = &r.outcome else {
        return None;
    };
    // Conditions no operator stores together (two of one type, `Ready` and `NotReady` both
    // True) make no order an operator can produce.
    let list = obj
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)?;
    if !producible(list) {
        return None;
    }
    permutations(obj)
        .into_iter()
        .find_map(|o| match runs.run(&o).outcome {
            Outcome::Health(h2) if h2.status != h.status => Some(format!(
                "{} becomes {} when status.conditions is reordered",
                h.status, h2.status
            )),
            _ => None,
        })
}

impl Check for OrderDependent {
    fn code(&self) -> &'static str {
        "order-dependent"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "the verdict changes when status.conditions is reordered"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let mut found = on_first_state(self, input.runs, &flips, &|s| {
            format!("{}{}", s.what, s.at())
        });
        for f in &mut found {
            if let Some(e) = &f.example {
                f.orders = both_orders(input.runs, e);
            }
        }
        found
    }
}

/// The example and the first reordering of it that changes the verdict, each labelled with
/// what the script says on it.
fn both_orders(runs: &Runs, example: &Value) -> Vec<Order> {
    let said = |o: &Value| match runs.run(o).outcome {
        Outcome::Health(h) => Some(h),
        _ => None,
    };
    let Some(first) = said(example) else {
        return Vec::new();
    };
    let label = |h: &crate::rule::Health, which: &str| {
        let message = crate::audit::present::quoted(&h.message);
        format!("{} {message} with the conditions {which}", h.status)
    };
    permutations(example)
        .into_iter()
        .find_map(|o| {
            let h = said(&o).filter(|h| h.status != first.status)?;
            Some(vec![
                Order {
                    label: label(&first, "in this order"),
                    example: example.clone(),
                },
                Order {
                    label: label(&h, "reordered"),
                    example: o,
                },
            ])
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, findings_with, levels, script};
    use super::*;

    const FIRST_WINS: &str = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
        if type(c) == \"table\" and c.type == \"Failure\" and c.status == \"True\" then return { status = \"Degraded\" } end\n\
        if type(c) == \"table\" and c.type == \"Ready\" and c.status == \"True\" then return { status = \"Healthy\" } end\n\
        end\nreturn { status = \"Progressing\" }";

    #[test]
    fn the_first_matching_condition_deciding_is_found() {
        let s = script("example.com", "Inline", FIRST_WINS, false);
        let f = findings_with(&OrderDependent, &s, 100, None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].level),
            ("order-dependent", Level::Error)
        );
        assert!(
            f[0].message == "Degraded becomes Healthy when status.conditions is reordered"
                || f[0].message == "Healthy becomes Degraded when status.conditions is reordered",
            "{}",
            f[0].message
        );
        let example = f[0].example.as_ref().expect("example");
        assert_eq!(
            example["status"]["conditions"].as_array().map(Vec::len),
            Some(2)
        );
        // Both orders are shown, each with its verdict, the first being the example.
        let orders = &f[0].orders;
        assert_eq!(orders.len(), 2, "{orders:?}");
        assert_eq!(&orders[0].example, example);
        let mut reversed = example.clone();
        if let Some(c) = reversed["status"]["conditions"].as_array_mut() {
            c.reverse();
        }
        assert_eq!(orders[1].example, reversed);
        let labels: Vec<&str> = orders.iter().map(|o| o.label.as_str()).collect();
        assert!(
            labels
                == [
                    "Degraded \"\" with the conditions in this order",
                    "Healthy \"\" with the conditions reordered"
                ]
                || labels
                    == [
                        "Healthy \"\" with the conditions in this order",
                        "Degraded \"\" with the conditions reordered"
                    ],
            "{labels:?}"
        );
    }

    #[test]
    fn a_priority_that_ignores_order_is_not() {
        let script = "local failed, ready = false, false\n\
            for _, c in ipairs(type(obj.status) == \"table\" and type(obj.status.conditions) == \"table\" and obj.status.conditions or {}) do\n\
            if type(c) == \"table\" and c.type == \"Failure\" and c.status == \"True\" then failed = true end\n\
            if type(c) == \"table\" and c.type == \"Ready\" and c.status == \"True\" then ready = true end\n\
            end\nif failed then return { status = \"Degraded\" } end\n\
            if ready then return { status = \"Healthy\" } end\nreturn { status = \"Progressing\" }";
        assert!(findings(&OrderDependent, script, false).is_empty());
    }

    #[test]
    fn reorderings_are_the_reverse_and_a_rotation() {
        let obj = serde_json::json!({"status": {"conditions": [1, 2, 3]}});
        let orders: Vec<Value> = permutations(&obj)
            .into_iter()
            .map(|o| o["status"]["conditions"].clone())
            .collect();
        assert_eq!(
            orders,
            [serde_json::json!([3, 2, 1]), serde_json::json!([2, 3, 1])]
        );
        assert!(permutations(&serde_json::json!({"status": {"conditions": [1]}})).is_empty());
    }

    #[test]
    fn an_exclusive_pair_is_not() {
        // Ready and NotReady are never both True, so the first one found is the only one True.
        let script = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"NotReady\" and c.status == \"True\" then return { status = \"Degraded\" } end\n\
            if c.type == \"Ready\" and c.status == \"True\" then return { status = \"Healthy\" } end\n\
            end\nreturn { status = \"Progressing\" }";
        let s = super::super::test_support::script("example.com", "Inline", script, false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    /// The first True condition decides, between a reconcile's verdict (`Synced`) and the
    /// condition `other`.
    fn first_true_of(other: &str) -> String {
        format!(
            "for _, c in ipairs(obj.status and obj.status.conditions or {{}}) do\n\
             if c.type == \"{other}\" and c.status == \"True\" then return {{ status = \"Degraded\" }} end\n\
             if c.type == \"Synced\" and c.status == \"True\" then return {{ status = \"Healthy\" }} end\n\
             end\nreturn {{ status = \"Progressing\" }}"
        )
    }

    #[test]
    fn a_verdict_and_the_failure_of_the_same_reconcile_are_not() {
        // One status write sets Synced from a nil error and Failed from a non-nil one.
        let s = script("example.com", "Inline", &first_true_of("Failed"), false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    #[test]
    fn a_verdict_and_a_condition_of_its_own_are_found() {
        // `Orphan` is not the failure of the reconcile: it can be True beside Synced.
        let s = script("example.com", "Inline", &first_true_of("Orphan"), false);
        let f = findings_with(&OrderDependent, &s, 200, None);
        assert_eq!(levels(&f), [("order-dependent", Level::Error)]);
    }
}
