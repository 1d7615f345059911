//! `order-dependent`: the verdict changes when `status.conditions` is reordered. Operators do
//! not promise an order, so the same object can flip between verdicts.
//!
//! Only for conditions the operator writes together: the state's conditions must be ones its
//! own vocabulary lets hold at once ([`crate::audit::realistic::CoTruth`]: two conditions
//! each of which decides the script's verdict alone, differently, are one reconcile's
//! alternatives, never both `True`). A script that reads the condition at a fixed position
//! (`conditions[#conditions]`, the newest one appended) relies on the operator's order on
//! purpose: a warning.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::runs::Runs;
use crate::audit::sandbox::Recorded;
use crate::audit::{Finding, Level, Order};
use crate::testkit::lua_check;
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
    // Conditions this operator never stores together (two of one type, `Ready` and
    // `NotReady` both True, 3scale's `Ready` and `Orphan`) make no order it can produce.
    let list = obj
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)?;
    if !runs.co_truth().producible(list) {
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
        if lua_check::indexes_by_position(&input.script.script, "conditions") {
            for f in &mut found {
                f.level = f.level.max(Level::Warning);
                f.message.push_str(
                    " (the script reads a condition at a fixed position, so it relies on the \
                     order the operator writes them in: right only if the operator keeps it)",
                );
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
    let label = |h: &crate::rule::Health, o: &Value, unknown: &str| {
        let message = crate::audit::present::quoted(&h.message);
        let which = match written_so(runs, o) {
            Some(true) => "in the order the operator writes them (a fixture of the kind shows it)",
            Some(false) => "in an order the operator does not write (a fixture shows the other)",
            None => unknown,
        };
        format!("{} {message} with the conditions {which}", h.status)
    };
    permutations(example)
        .into_iter()
        .find_map(|o| {
            let h = said(&o).filter(|h| h.status != first.status)?;
            Some(vec![
                Order {
                    label: label(&first, example, "in this order"),
                    example: example.clone(),
                },
                Order {
                    label: label(&h, &o, "reordered"),
                    example: o,
                },
            ])
        })
        .unwrap_or_default()
}

/// The condition types of `obj`, in the order they stand.
fn types_of(obj: &Value) -> Vec<&str> {
    crate::rule::eval::conditions(obj)
        .filter_map(|c| c.get("type")?.as_str())
        .collect()
}

/// Whether the operator writes `a` before `b`, as a fixture of the kind that holds both shows;
/// `None` when none does. A fixture is an object as the operator stored it.
fn fixture_order(runs: &Runs, a: &str, b: &str) -> Option<bool> {
    runs.ran()
        .filter(|(s, _)| s.fixture.is_some())
        .find_map(|(s, _)| {
            let types = types_of(&s.value);
            let at = |t: &str| types.iter().position(|x| *x == t);
            Some(at(a)? < at(b)?)
        })
}

/// Whether `obj`'s conditions stand in the order the operator writes them, by the fixtures:
/// `None` when no fixture orders any two of its condition types.
fn written_so(runs: &Runs, obj: &Value) -> Option<bool> {
    let types = types_of(obj);
    let mut known = None;
    for (i, a) in types.iter().enumerate() {
        for b in &types[i + 1..] {
            match fixture_order(runs, a, b) {
                Some(false) => return Some(false),
                Some(true) => known = Some(true),
                None => {}
            }
        }
    }
    known
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
    fn the_order_a_fixture_of_the_kind_shows_is_named_as_the_operators() {
        // Every Suite fixture in health/ lists Ready before Failure, as the Ansible SDK appends
        // Failure to the conditions the playbook wrote.
        let health = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("health");
        let dirs: Vec<_> = crate::argocd::harness::discover(&health)
            .expect("health/ reads")
            .into_iter()
            .filter(|d| d.group == "core.mas.ibm.com" && d.kind == "Suite")
            .collect();
        assert_eq!(dirs.len(), 1);
        let catalog = crate::Catalog::standard();
        let ctx = crate::audit::Context {
            fixtures: &dirs,
            deployed: None,
            cases: 50,
            catalog: &catalog,
            keys: &[],
            malformed: false,
            schemas: None,
            live: None,
        };
        let s = script("core.mas.ibm.com", "Suite", FIRST_WINS, false);
        let f = crate::audit::run_checks(&s, &ctx, &[&OrderDependent]).0;
        assert_eq!(f.len(), 1, "{f:?}");
        let mut labels: Vec<&str> = f[0].orders.iter().map(|o| o.label.as_str()).collect();
        labels.sort();
        assert_eq!(
            labels,
            [
                "Degraded \"\" with the conditions in an order the operator does not write (a \
                 fixture shows the other)",
                "Healthy \"\" with the conditions in the order the operator writes them (a \
                 fixture of the kind shows it)",
            ]
        );
    }

    #[test]
    fn the_first_matching_condition_deciding_is_found() {
        // An Ansible-based kind: the SDK writes Failure beside the playbook's Ready.
        let s = script("core.mas.ibm.com", "Suite", FIRST_WINS, false);
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
    fn two_conditions_that_each_decide_alone_are_one_reconcile_s_alternatives() {
        // `Orphan` True decides Degraded and `Synced` True Healthy, each alone: the operator
        // derives one from the other (3scale sets Synced only when nothing is orphaned, ACK
        // Ready never beside ACK.Terminal), so they are never both True.
        let s = script("example.com", "Inline", &first_true_of("Orphan"), false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    /// The first True condition decides among four states, as nmstate's one-of-four reads.
    const ONE_OF_FOUR: &str = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
        if c.status == \"True\" then\n\
        if c.type == \"Available\" then return { status = \"Healthy\", message = \"\" } end\n\
        if c.type == \"Degraded\" then return { status = \"Degraded\", message = \"\" } end\n\
        if c.type == \"Progressing\" then return { status = \"Progressing\", message = \"\" } end\n\
        if c.type == \"Ignored\" then return { status = \"Suspended\", message = \"\" } end\n\
        end end\nreturn { status = \"Progressing\", message = \"waiting\" }";

    #[test]
    fn a_one_of_four_state_read_from_true_conditions_is_not() {
        let s = script("example.com", "Inline", ONE_OF_FOUR, false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    #[test]
    fn a_condition_read_only_when_false_beside_a_verdict_is_found() {
        // `DeploymentReplicasAllAvailable` False (some replicas down) holds beside Available
        // True: the first one listed decides.
        let text = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"DeploymentReplicasAllAvailable\" and c.status == \"False\" then return { status = \"Progressing\", message = \"\" } end\n\
            if c.type == \"Available\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
            end\nreturn { status = \"Progressing\", message = \"\" }";
        let s = script("example.com", "Inline", text, false);
        let f = findings_with(&OrderDependent, &s, 200, None);
        assert_eq!(levels(&f), [("order-dependent", Level::Error)]);
    }

    #[test]
    fn conditions_of_two_parts_of_the_resource_are_found() {
        // One deployment degraded while another progresses: both True, first listed decides.
        let text = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"webhook-deploymentDegraded\" and c.status == \"True\" then return { status = \"Degraded\", message = \"\" } end\n\
            if c.type == \"controller-deploymentProgressing\" and c.status == \"True\" then return { status = \"Progressing\", message = \"\" } end\n\
            end\nreturn { status = \"Healthy\", message = \"\" }";
        let s = script("example.com", "Inline", text, false);
        let f = findings_with(&OrderDependent, &s, 200, None);
        assert_eq!(levels(&f), [("order-dependent", Level::Error)]);
    }

    #[test]
    fn a_condition_present_only_while_it_holds_is_never_false() {
        // `InvalidSpec` of any status decides Degraded: the operator removes it when the spec
        // is valid, so it is only ever True, and True it excludes `Paused`.
        let text = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"InvalidSpec\" then return { status = \"Degraded\", message = \"\" } end\n\
            if c.type == \"Paused\" and c.status == \"True\" then return { status = \"Suspended\", message = \"\" } end\n\
            end\nreturn { status = \"Healthy\", message = \"\" }";
        let s = script("example.com", "Inline", text, false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    #[test]
    fn a_failure_beside_ready_on_a_kind_not_ansible_based_is_not() {
        // FIRST_WINS on a kind whose fixtures show no Ansible SDK (the compliance operator
        // writes only Ready): Failure True and Ready True are alternatives.
        let s = script(
            "compliance.openshift.io",
            "ScanSettingBinding",
            FIRST_WINS,
            false,
        );
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
        let ansible = script("core.mas.ibm.com", "Suite", FIRST_WINS, false);
        let f = findings_with(&OrderDependent, &ansible, 200, None);
        assert_eq!(levels(&f), [("order-dependent", Level::Error)]);
    }

    #[test]
    fn ready_and_reconciling_of_kstatus_are_not() {
        let s = script(
            "example.com",
            "Inline",
            &first_true_of("Reconciling").replace("Synced", "Ready"),
            false,
        );
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    #[test]
    fn conditions_sorted_by_their_transition_time_are_not() {
        // Every stored condition has a lastTransitionTime: sorted by it, the list order does
        // not matter.
        let text = format!(
            "table.sort(obj.status.conditions, function(a, b) return a.lastTransitionTime < b.lastTransitionTime end)\n{}",
            "for _, c in ipairs(obj.status.conditions) do\n\
             if c.type == \"Failure\" and c.status == \"True\" then return { status = \"Degraded\", message = \"\" } end\n\
             if c.type == \"Ready\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
             end\nreturn { status = \"Progressing\", message = \"\" }"
        );
        let guarded = format!("if obj.status == nil or obj.status.conditions == nil then return {{ status = \"Progressing\", message = \"\" }} end\n{text}");
        let s = script("core.mas.ibm.com", "Suite", &guarded, false);
        assert!(findings_with(&OrderDependent, &s, 200, None).is_empty());
    }

    #[test]
    fn reading_the_newest_condition_on_purpose_is_a_warning() {
        let text = "if obj.status == nil or obj.status.conditions == nil then return { status = \"Progressing\", message = \"\" } end\n\
            local last = obj.status.conditions[#obj.status.conditions]\n\
            if last.type == \"Ready\" and last.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
            if last.type == \"databaseDegraded\" and last.status == \"True\" then return { status = \"Degraded\", message = \"\" } end\n\
            return { status = \"Progressing\", message = \"\" }";
        let s = script("example.com", "Inline", text, false);
        let f = findings_with(&OrderDependent, &s, 200, None);
        assert_eq!(levels(&f), [("order-dependent", Level::Warning)]);
        assert!(
            f[0].message
                .ends_with("right only if the operator keeps it)"),
            "{}",
            f[0].message
        );
    }
}
