//! `transient-degraded`: the script says Degraded for a state every install passes through: no
//! status yet, an empty status, `Ready` False or Unknown while the operator is still working, an
//! Ansible-based operator's `Running` reconcile, a CatalogSource still `CONNECTING`. A Degraded
//! resource fails a multi-wave sync, and automated sync does not retry a failed revision, so
//! the install stops on a state that would have passed by itself.
//!
//! A status string (`status.state`, `status.phase`) is tried with every value the kind is known
//! to hold: the CRD's enum (`--crds`), the values this crate's rule for the kind names or knows
//! the operator passes through, the fixtures' values, and the script's own literals.
//!
//! Where this crate has a rule for the kind, the rule tells transient (it says Progressing)
//! from terminal (it says Degraded); otherwise a reason or value reads as in progress by its
//! words.

use super::healthy_without_status::bare;
use super::{Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::present::quoted;
use crate::audit::runs::ours;
use crate::audit::{Finding, Level, Script};
use crate::catalog::Entry;
use crate::rule::{EvalContext, Status};
use crate::testkit::{lua_check, states};
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
    // Ready Unknown is not known yet, for any operator. Ready False is transient only for a
    // reason this kind is known to give while working: one the script names that reads as
    // in progress, or, where our rule for the kind says Progressing, a generic one too.
    let mut ready = vec![("Unknown", "Reconciling")];
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
            with_status(&obj, one_condition("Ready", s, r, "")),
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

/// The status strings the script compares with a literal (`obj.status.state ~= "ready"`):
/// paths under `status`, outside the conditions, whose last field it compares.
fn compared_strings(reads: &lua_check::Reads) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for p in &reads.paths {
        let compared = p
            .last()
            .is_some_and(|f| reads.compared_with.iter().any(|(c, _)| c == f));
        let under_status = p.len() >= 2 && p[0] == "status" && !p.contains(&"conditions".into());
        if compared && under_status && !out.contains(p) {
            out.push(p.clone());
        }
    }
    out
}

/// Every value the kind is known to hold at `path`, each with where it was learnt: the CRD's
/// enum, our rule (the values it names and those it knows the operator passes through), the
/// fixtures, and the literals the script compares the field with.
fn known_values(input: &Input<'_>, rule: Option<&Entry>, path: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |v: &str, from: &str| {
        if !v.is_empty() && !out.iter().any(|(w, _)| w == v) {
            out.push((v.to_owned(), from.to_owned()));
        }
    };
    let schema = input
        .ctx
        .schemas
        .filter(|_| !input.script.is_wildcard())
        .and_then(|s| s.lookup(&input.script.group, &input.script.kind));
    if let Some(s) = schema {
        if let crate::audit::crd::Slot::Declared(node, _) = crate::audit::crd::at(&s.schema, path) {
            for v in node["enum"].as_array().into_iter().flatten() {
                add(v.as_str().unwrap_or_default(), "the CRD's enum");
            }
        }
    }
    if let Some(e) = rule {
        for v in e.passing_values(&path.join(".")) {
            add(v, "mas-health's rule for the kind");
        }
        let vocab = states::Vocabulary::of(&e.rule);
        for (_, values) in vocab.choices.iter().filter(|(p, _)| p.0 == path) {
            for v in values {
                add(v.as_str().unwrap_or_default(), "this crate's rule");
            }
        }
    }
    for (state, _) in input.runs.ran().filter(|(s, _)| s.fixture.is_some()) {
        let at = path.iter().try_fold(&state.value, |v, k| v.get(k));
        if let Some(v) = at.and_then(Value::as_str) {
            add(v, "a fixture");
        }
    }
    let field = path.last().map(String::as_str).unwrap_or_default();
    let reads = lua_check::reads(&input.script.script);
    for (_, v) in reads.compared_with.iter().filter(|(f, _)| f == field) {
        add(v, "the script");
    }
    out
}

/// `obj` with the string `value` at `path` under it.
fn with_value(obj: &Value, path: &[String], value: &str) -> Value {
    let mut o = obj.clone();
    let mut slot = &mut o;
    for k in path {
        if !slot.get(k).is_some_and(Value::is_object) {
            slot[k.as_str()] = json!({});
        }
        slot = &mut slot[k.as_str()];
    }
    *slot = Value::String(value.to_owned());
    o
}

/// States where a status string holds a value the operator writes on its way to ready, each
/// with how to say it: a value our rule says Progressing on, or, with no rule, one whose words
/// read as in progress (`PENDING`, `Installing`).
fn passing_values(input: &Input<'_>, rule: Option<&Entry>) -> Vec<(Value, String)> {
    let obj = bare(input.script);
    let reads = lua_check::reads(&input.script.script);
    let mut out = Vec::new();
    for path in compared_strings(&reads) {
        for (v, from) in known_values(input, rule, &path) {
            let state = with_value(&obj, &path, &v);
            let transient = match rule {
                Some(e) => {
                    e.plan().evaluate(&state, &EvalContext::now()).status == Status::Progressing
                }
                None => in_progress(&v),
            };
            if transient {
                let what = format!(
                    "{} {}, a value the operator writes on its way to ready (known from {from})",
                    path.join("."),
                    quoted(&v)
                );
                out.push((state, what));
            }
        }
    }
    out
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
        let mut tried = passing_states(input.script, &words, rule, &reads.compared_with_type);
        tried.extend(passing_values(input, rule));
        for (state, what) in tried {
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
                            "returns Degraded {} on {what}, a state every install passes \
                             through: a Degraded resource fails a multi-wave sync and automated \
                             sync does not retry it",
                            quoted(&h.message)
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

    #[test]
    fn degraded_while_ready_is_unknown_during_install_is_found() {
        assert_eq!(
            findings(&TransientDegraded, READY_OR_DEGRADED, false),
            [TransientDegraded.finding(
                "returns Degraded \"\" on Ready Unknown with reason \
                 Reconciling while the operator is working, a state every install passes \
                 through: a Degraded resource fails a multi-wave sync and automated sync does \
                 not retry it"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "new", "namespace": "test"},
                    "status": {"conditions": [{"type": "Ready", "status": "Unknown",
                        "reason": "Reconciling", "message": ""}]}}))
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
        // The same script once it looks for Ready is found on Ready Unknown.
        let with_ready = text.replace("\"Established\"", "\"Ready\"");
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

    /// Degraded on any `status.stage` but `Done`, Healthy on `Done`.
    const STAGE_NOT_DONE: &str = "if obj.status ~= nil and obj.status.stage ~= nil then\n\
        if obj.status.stage ~= \"Done\" then return { status = \"Degraded\", message = \"Error\" } end\n\
        return { status = \"Healthy\", message = obj.status.stage } end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn a_state_string_check_is_found_on_a_value_named_beside_it_that_reads_as_in_progress() {
        let text = format!(
            "local waiting = obj.status and obj.status.stage == \"Queued\"\n{STAGE_NOT_DONE}"
        );
        assert!(findings(&TransientDegraded, &text, false).is_empty());
        let text = format!(
            "local waiting = obj.status and obj.status.stage == \"Provisioning\"\n{STAGE_NOT_DONE}"
        );
        assert_eq!(
            findings(&TransientDegraded, &text, false),
            [TransientDegraded.finding(
                "returns Degraded \"Error\" on status.stage \"Provisioning\", a value the \
                 operator writes on its way to ready (known from the script), a state every \
                 install passes through: a Degraded resource fails a multi-wave sync and \
                 automated sync does not retry it"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "new", "namespace": "test"},
                    "status": {"stage": "Provisioning"}}))
            )]
        );
    }

    /// Degraded on any `status.state` but `ready`, as a GPU operator check might be written.
    const STATE_NOT_READY: &str = "if obj.status ~= nil and obj.status.state ~= nil then\n\
        if obj.status.state ~= \"ready\" then return { status = \"Degraded\", message = \"Error\" } end\n\
        return { status = \"Healthy\", message = obj.status.state } end\n\
        return { status = \"Progressing\", message = \"waiting\" }";

    #[test]
    fn a_state_string_check_is_found_on_the_value_our_rule_knows_the_operator_passes_through() {
        let s = script("nvidia.com", "ClusterPolicy", STATE_NOT_READY, false);
        let f = findings_with(&TransientDegraded, &s, 0, None);
        assert_eq!(levels(&f), [("transient-degraded", Level::Error)]);
        assert!(
            f[0].message.starts_with(
                "returns Degraded \"Error\" on status.state \"notReady\", a value the operator \
                 writes on its way to ready (known from mas-health's rule for the kind)"
            ),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[0].example.as_ref().map(|e| e["status"].clone()),
            Some(json!({"state": "notReady"}))
        );
    }

    #[test]
    fn a_state_string_check_that_waits_on_other_values_is_not() {
        // Degraded only on the value our rule calls terminal: no finding.
        let text = "if obj.status ~= nil and obj.status.state == \"ignored\" then\n\
            return { status = \"Degraded\", message = \"ignored\" } end\n\
            if obj.status ~= nil and obj.status.state == \"ready\" then\n\
            return { status = \"Healthy\", message = \"\" } end\n\
            return { status = \"Progressing\", message = \"\" }";
        let s = script("nvidia.com", "ClusterPolicy", text, false);
        assert!(findings_with(&TransientDegraded, &s, 0, None).is_empty());
        // Without a rule, a value whose words do not read as in progress is not tried.
        let s = script("example.com", "Gadget", STATE_NOT_READY, false);
        assert!(findings_with(&TransientDegraded, &s, 0, None).is_empty());
    }

    #[test]
    fn a_value_of_the_crd_s_enum_is_tried() {
        let crds = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n\
            metadata: {name: gadgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Gadget}\n  \
            versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        \
            type: object\n        properties:\n          status:\n            type: object\n            \
            properties:\n              state: {type: string, enum: [ready, Initializing, broken]}\n";
        let schemas = crate::audit::crd::Schemas::read("crds.yaml", crds).expect("a CRD");
        let catalog = crate::catalog::Catalog::standard();
        let ctx = crate::audit::Context {
            fixtures: &[],
            deployed: None,
            cases: 0,
            catalog: &catalog,
            keys: &[],
            malformed: false,
            schemas: Some(&schemas),
            live: None,
        };
        let s = script("example.com", "Gadget", STATE_NOT_READY, false);
        let f = crate::audit::run_checks(&s, &ctx, &[&TransientDegraded]).0;
        assert_eq!(levels(&f), [("transient-degraded", Level::Error)]);
        assert!(
            f[0].message.contains(
                "on status.state \"Initializing\", a value the operator writes \
                 on its way to ready (known from the CRD's enum)"
            ),
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
