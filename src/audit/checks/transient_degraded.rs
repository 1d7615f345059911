//! `transient-degraded`: the script says Degraded for a state every install passes through: no
//! status yet, an empty status, `Ready` False or Unknown while the operator is still working, an
//! Ansible-based operator's `Running` reconcile, a CatalogSource still `CONNECTING`. A Degraded
//! resource fails a multi-wave sync, and automated sync does not retry a failed revision, so
//! the install stops on a state that would have passed by itself.
//!
//! Where this crate has a rule for the kind, the rule tells transient (it says Progressing)
//! from terminal (it says Degraded); otherwise a reason reads as in progress by its words.

use super::healthy_without_status::bare;
use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::runs::ours;
use crate::audit::{Finding, Level, Script};
use crate::catalog::Entry;
use crate::rule::{EvalContext, Status};
use crate::testkit::lua_check;
use serde_json::{json, Value};

/// Degraded on a state every install passes through.
pub struct TransientDegraded;

/// Words of a reason an operator gives while it is still working towards ready.
const IN_PROGRESS: &[&str] = &[
    "progress",
    "pending",
    "reconcil",
    "install",
    "init",
    "wait",
    "creat",
    "deploy",
    "start",
    "provision",
    "connect",
    "running",
    "updat",
    "upgrad",
];

/// Words of a reason that tell a failure, whatever else it says (`UpdateFailed`).
const FAILED: &[&str] = &["fail", "error", "invalid", "denied", "timeout", "backoff"];

/// Whether `reason` reads as work in progress: not a failure, and not done (`Reconciled`,
/// `Initialized` are past).
fn in_progress(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    IN_PROGRESS.iter().any(|w| r.contains(w))
        && !FAILED.iter().any(|w| r.contains(w))
        && !r.ends_with("ed")
}

/// Words that are condition statuses or Argo CD statuses, not reasons.
fn reasons_known(w: &str) -> bool {
    [
        "True",
        "False",
        "Unknown",
        "Healthy",
        "Progressing",
        "Degraded",
        "Suspended",
        "Missing",
    ]
    .contains(&w)
}

/// `obj` with `status` set to `status`.
fn with_status(obj: &Value, status: Value) -> Value {
    let mut o = obj.clone();
    o["status"] = status;
    o
}

/// A status of one condition.
fn one_condition(t: &str, s: &str, reason: &str, message: &str) -> Value {
    json!({"conditions": [{"type": t, "status": s, "reason": reason, "message": message}]})
}

/// The states every install passes through, smallest first, each with how to say it. Reasons
/// the script names are tried too when they read as in progress, or when our rule for the
/// kind says Progressing on them. A condition only of a type the kind has: one the script
/// looks for (`types`, as in `c.type == "Ready"`), or any where our rule knows the kind. An
/// operator that never writes `Ready` (a CRD, with `Established`) does not pass through Ready
/// Unknown, nor one that is not Ansible-based (no `Running`, `Successful` or `Failure`)
/// through `Running` True.
fn passing_states(
    script: &Script,
    words: &[String],
    rule: Option<&Entry>,
    types: &[String],
    writes_unknown: bool,
) -> Vec<(Value, String)> {
    let has = |t: &str| rule.is_some() || types.iter().any(|k| k == t);
    let has_ready = has("Ready");
    let ansible = ["Running", "Successful", "Failure"].into_iter().any(has);
    let obj = bare(script);
    let mut out = vec![
        (
            obj.clone(),
            "no status yet (before the operator's first reconcile)".to_owned(),
        ),
        (with_status(&obj, json!({})), "an empty status".to_owned()),
    ];
    let ready_false = |r: &str| with_status(&obj, one_condition("Ready", "False", r, ""));
    let transient = |r: &str| match rule {
        Some(e) => {
            e.plan()
                .evaluate(&ready_false(r), &EvalContext::now())
                .status
                == Status::Progressing
        }
        None => in_progress(r),
    };
    // Ready Unknown while working, for an operator whose vocabulary has it. Ready False is
    // transient only for a reason this kind is known to give while working: one the script
    // names that reads as in progress, or, where our rule for the kind says Progressing, a
    // generic one too.
    let mut ready = Vec::new();
    if writes_unknown || rule.is_some() {
        ready.push(("Unknown", "Reconciling"));
    }
    if rule.is_some() && transient("Reconciling") {
        ready.push(("False", "Reconciling"));
    }
    for w in words.iter().filter(|_| has_ready) {
        let reason_like = !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric());
        if reason_like && !reasons_known(w) && transient(w) {
            ready.push(("False", w.as_str()));
        }
    }
    for (s, r) in ready.into_iter().filter(|_| has_ready) {
        out.push((
            with_status(
                &obj,
                one_condition("Ready", s, r, "the operator is working"),
            ),
            format!("Ready {s} with reason {r} while the operator is working"),
        ));
    }
    if ansible {
        out.push((
            with_status(
                &obj,
                one_condition("Running", "True", "Running", "Running reconciliation"),
            ),
            "an Ansible-based operator's first reconcile (Running True)".to_owned(),
        ));
    }
    out.push((
        with_status(
            &obj,
            json!({"connectionState": {"lastObservedState": "CONNECTING"}}),
        ),
        "a catalog source still CONNECTING to its registry".to_owned(),
    ));
    for phase in ["Pending", "Installing"] {
        out.push((
            with_status(&obj, json!({"phase": phase})),
            format!("phase {phase}"),
        ));
    }
    out
}

/// Whether the operator writes `Ready` `Unknown` while it works, by its own vocabulary: the
/// script compares a status with `Unknown` (KEDA's), names kstatus' `Reconciling` or `Stalled`
/// condition (Flux's, which go with Ready Unknown during a reconcile), or a fixture holds
/// Ready Unknown. Crossplane, for one, writes Ready False `Creating`, never Unknown.
fn writes_unknown(reads: &lua_check::Reads, runs: &crate::audit::Runs) -> bool {
    let compared = reads
        .compared_with
        .iter()
        .any(|(f, l)| f == "status" && l == "Unknown");
    let kstatus = reads
        .compared_with_type
        .iter()
        .any(|t| t == "Reconciling" || t == "Stalled");
    let seen = runs.ran().any(|(s, _)| {
        s.fixture.is_some()
            && crate::rule::eval::conditions(&s.value).any(|c| {
                c.get("type").and_then(Value::as_str) == Some("Ready")
                    && c.get("status").and_then(Value::as_str) == Some("Unknown")
            })
    });
    compared || kstatus || seen
}

impl Check for TransientDegraded {
    fn code(&self) -> &'static str {
        "transient-degraded"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "returns Degraded for a state every install passes through, which fails a multi-wave sync"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let rule = ours(input.script, input.ctx);
        // A literal the script only compares with another field (`phase == "Running"`) is
        // not a reason this operator gives.
        let reads = lua_check::reads(&input.script.script);
        let words: Vec<String> = reads
            .strings
            .iter()
            .filter(|w| reads.may_be_value_of("reason", w))
            .cloned()
            .collect();
        let unknown = writes_unknown(&reads, input.runs);
        let passing = passing_states(
            input.script,
            &words,
            rule,
            &reads.compared_with_type,
            unknown,
        );
        for (state, what) in passing {
            // Our rule, when there is one, says whether the state is terminal.
            if rule.is_some_and(|e| {
                e.plan().evaluate(&state, &EvalContext::now()).status == Status::Degraded
            }) {
                continue;
            }
            if let Outcome::Health(h) = input.runs.run(&state).outcome {
                if h.status == Status::Degraded {
                    return vec![self.finding(
                        format!(
                            "returns Degraded \"{}\" on {what}, a state every install passes \
                             through: a Degraded resource fails a multi-wave sync and automated \
                             sync does not retry it",
                            h.message
                        ),
                        Some(state),
                    )];
                }
            }
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, findings_with, levels, script};
    use super::*;

    const READY_OR_DEGRADED: &str = "if type(obj.status) ~= \"table\" then return { status = \"Progressing\", message = \"\" } end\n\
        for _, c in ipairs(obj.status.conditions or {}) do\n\
        if c.type == \"Ready\" then\n\
        if c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
        return { status = \"Degraded\", message = c.message } end\n\
        end\nreturn { status = \"Progressing\", message = \"\" }";

    /// READY_OR_DEGRADED, by a script that knows its operator writes Ready Unknown (KEDA's).
    fn knows_unknown() -> String {
        READY_OR_DEGRADED.replace(
            "return { status = \"Degraded\", message = c.message } end",
            "if c.status == \"Unknown\" then return { status = \"Degraded\", message = c.message } end\n\
             return { status = \"Degraded\", message = c.message } end",
        )
    }

    #[test]
    fn ready_unknown_is_not_tried_where_the_operator_never_writes_it() {
        // Crossplane writes Ready False `Creating` while it works, never Ready Unknown: a
        // script with no word of Unknown (no comparison, no kstatus `Reconciling`, no fixture)
        // is not found on it.
        assert!(findings(&TransientDegraded, READY_OR_DEGRADED, false).is_empty());
    }

    #[test]
    fn degraded_while_ready_is_unknown_during_install_is_found() {
        assert_eq!(
            findings(&TransientDegraded, &knows_unknown(), false),
            [TransientDegraded.finding(
                "returns Degraded \"the operator is working\" on Ready Unknown with reason \
                 Reconciling while the operator is working, a state every install passes \
                 through: a Degraded resource fails a multi-wave sync and automated sync does \
                 not retry it"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "new", "namespace": "test"},
                    "status": {"conditions": [{"type": "Ready", "status": "Unknown",
                        "reason": "Reconciling", "message": "the operator is working"}]}}))
            )]
        );
    }

    /// Degraded on Ready False, whatever the reason; `Installing` is a reason it names.
    const READY_FALSE: &str = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
        if c.type == \"Ready\" and c.status == \"False\" then return { status = \"Degraded\", message = c.reason } end\n\
        if c.type == \"Ready\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn ready_false_without_a_known_in_progress_reason_is_not() {
        // Whether this operator ever sets Ready False while working is not known.
        assert!(findings(&TransientDegraded, READY_FALSE, false).is_empty());
    }

    #[test]
    fn ready_false_with_an_in_progress_reason_the_script_names_is_found() {
        let text = format!("local installing = \"Installing\"\n{READY_FALSE}");
        let f = findings(&TransientDegraded, &text, false);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.starts_with(
                "returns Degraded \"Installing\" on Ready False with reason Installing"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn a_phase_the_script_names_is_not_tried_as_a_reason() {
        // `Installing` is a phase here: Ready False with that reason is not this operator's.
        let text = format!(
            "if obj.status and obj.status.phase == \"Installing\" then return {{ status = \"Progressing\", message = \"\" }} end\n{READY_FALSE}"
        );
        assert!(findings(&TransientDegraded, &text, false).is_empty());
    }

    #[test]
    fn a_phase_held_in_a_local_named_phase_is_not_tried_as_a_reason() {
        let text = format!(
            "local phase = obj.status and obj.status.phase\n\
             if phase == \"Installing\" then return {{ status = \"Progressing\", message = \"\" }} end\n{READY_FALSE}"
        );
        assert!(findings(&TransientDegraded, &text, false).is_empty());
    }

    #[test]
    fn a_phase_default_is_not_tried_as_a_reason() {
        let text = format!(
            "local phase = obj.status and obj.status.phase or \"Installing\"\n{READY_FALSE}"
        );
        assert!(findings(&TransientDegraded, &text, false).is_empty());
    }

    #[test]
    fn a_reason_the_script_compares_with_reason_is_tried() {
        let text = format!(
            "for _, c in ipairs(obj.status and obj.status.conditions or {{}}) do\n\
             if c.reason == \"Installing\" then end end\n{READY_FALSE}"
        );
        let f = findings(&TransientDegraded, &text, false);
        assert_eq!(levels(&f), [("transient-degraded", Level::Error)]);
    }

    #[test]
    fn ready_unknown_is_not_tried_on_a_kind_without_ready() {
        // Degraded on any condition not True; the kind has no Ready condition.
        let text = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
            if c.type == \"Established\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
            if c.status ~= \"True\" then return { status = \"Degraded\", message = c.type } end end\n\
            return { status = \"Progressing\", message = \"\" }";
        assert!(findings(&TransientDegraded, text, false).is_empty());
        // The same script once it looks for Ready (and knows Unknown) is found on Ready Unknown.
        let with_ready = text.replace("\"Established\"", "\"Ready\"").replace(
            "if c.status ~= \"True\"",
            "if c.status == \"Unknown\" or c.status ~= \"True\"",
        );
        let f = findings(&TransientDegraded, &with_ready, false);
        assert_eq!(levels(&f), [("transient-degraded", Level::Error)]);
        assert!(
            f[0].message.contains("on Ready Unknown"),
            "{}",
            f[0].message
        );
    }

    /// Degraded unless `Successful` is True; `kind` is the type it names beside.
    fn ansible_like(kind: &str) -> String {
        format!(
            "for _, c in ipairs(obj.status and obj.status.conditions or {{}}) do\n\
             if c.type == \"{kind}\" and c.status == \"True\" then return {{ status = \"Healthy\", message = \"\" }} end end\n\
             if obj.status and obj.status.conditions then return {{ status = \"Degraded\", message = \"\" }} end\n\
             return {{ status = \"Progressing\", message = \"\" }}"
        )
    }

    #[test]
    fn running_is_tried_on_a_kind_with_the_ansible_types() {
        let f = findings(&TransientDegraded, &ansible_like("Successful"), false);
        assert_eq!(levels(&f), [("transient-degraded", Level::Error)]);
        assert!(f[0].message.contains("(Running True)"), "{}", f[0].message);
    }

    #[test]
    fn running_is_not_tried_on_a_kind_without_them() {
        assert!(findings(&TransientDegraded, &ansible_like("InstallSucceeded"), false).is_empty());
    }

    #[test]
    fn degraded_while_connecting_is_found() {
        let text = "if obj.status ~= nil and obj.status.connectionState ~= nil then\n\
            if obj.status.connectionState.lastObservedState == \"READY\" then return { status = \"Healthy\", message = \"\" } end\n\
            return { status = \"Degraded\", message = obj.status.connectionState.lastObservedState } end\n\
            return { status = \"Progressing\", message = \"\" }";
        let f = findings(&TransientDegraded, text, false);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].example.as_ref().map(|e| e["status"].clone()),
            Some(json!({"connectionState": {"lastObservedState": "CONNECTING"}}))
        );
    }

    #[test]
    fn degraded_only_on_a_failure_is_not() {
        let text = "if type(obj.status) ~= \"table\" then return { status = \"Progressing\", message = \"\" } end\n\
            for _, c in ipairs(obj.status.conditions or {}) do\n\
            if c.type == \"Failure\" and c.status == \"True\" then return { status = \"Degraded\", message = c.message } end\n\
            if c.type == \"Ready\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end\n\
            end\nreturn { status = \"Progressing\", message = \"\" }";
        assert!(findings(&TransientDegraded, text, false).is_empty());
    }

    /// Degraded when Ready is False for a reason named `Failed`.
    const FAILED_REASON: &str = "for _, c in ipairs(obj.status and obj.status.conditions or {}) do\n\
        if c.type == \"Ready\" and c.status == \"False\" and c.reason == \"Failed\" then return { status = \"Degraded\", message = \"\" } end end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn without_a_rule_a_failed_reason_is_terminal() {
        assert!(findings(&TransientDegraded, FAILED_REASON, false).is_empty());
    }

    #[test]
    fn where_our_rule_says_progressing_the_reason_is_transient() {
        // Our Suite rule keeps Ready False Progressing whatever the reason: only a Failure
        // condition is terminal for it.
        let s = script("core.mas.ibm.com", "Suite", FAILED_REASON, false);
        let f = findings_with(&TransientDegraded, &s, 0, None);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("Ready False with reason Failed"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn reasons_read_as_in_progress_by_their_words() {
        assert!(in_progress("InstallInProgress"));
        assert!(in_progress("Reconciling"));
        assert!(!in_progress("Failed"));
        assert!(!in_progress("InvalidSpec"));
        assert!(!in_progress("FailedCreateOrUpdate"));
        assert!(!in_progress("Reconciled"));
        assert!(!in_progress("Initialized"));
    }
}
