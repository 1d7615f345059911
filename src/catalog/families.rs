//! Families shared by many kinds: a kind names its family in one line of its catalog file.

use crate::rule::{
    all, any, cond, cond_any, differ, one_of, Clause, ConditionSelector, Message, Predicate, Rule,
    Status,
};

/// Clause: any `Failure` condition with status True makes the resource Degraded, wherever it
/// stands among the conditions.
pub fn failure() -> Clause {
    let failed = cond("Failure", "True");
    Clause {
        name: "Failure is True".to_owned(),
        when: failed.holds(),
        status: Status::Degraded,
        message: Message::condition(&failed, "the operator reported a failed reconcile"),
    }
}

/// Predicate: `ok` says the last completed reconcile succeeded. For `Successful` this includes
/// `Successful=False` with reason `Successful`: the Ansible operator runner flips Successful to
/// False, keeping reason and message, at the start of every reconcile (periodic ones too), so
/// reading only True would make health flap on every resync.
pub fn succeeded(ok: &str) -> Predicate {
    if ok == "Successful" {
        any(vec![
            cond(ok, "True").holds(),
            rerun_after_success().holds(),
        ])
    } else {
        cond(ok, "True").holds()
    }
}

fn rerun_after_success() -> ConditionSelector {
    cond("Successful", "False").with_reason("Successful")
}

/// Clause: `ok` succeeded but the operator has not yet reconciled its current version, so the
/// success is left over from the previous operator (the upgrade is still running).
pub fn stale(ok: &str) -> Clause {
    Clause {
        name: format!("{ok} is True from an earlier operator version"),
        // The version comparison is cheaper than a scan of the conditions: test it first.
        when: all(vec![
            differ("status.versions.reconciled", "status.versions.controller"),
            succeeded(ok),
        ]),
        status: Status::Progressing,
        message: Message::text("reconciling ")
            .then(Message::field(
                "status.versions.controller",
                "a new operator version",
            ))
            .then_text(", last reconciled ")
            .then(Message::field(
                "status.versions.reconciled",
                "an earlier version",
            )),
    }
}

/// Clause: a new reconcile started after a successful one (`Successful=False`, reason
/// `Successful`) -> still Healthy, with the last run's message.
pub fn rerun_after_success_clause() -> Clause {
    let sel = rerun_after_success();
    Clause {
        name: "Successful reset by a new reconcile after a success".to_owned(),
        when: sel.holds(),
        status: Status::Healthy,
        message: Message::condition(&sel, "Last reconciliation succeeded"),
    }
}

/// Clause: condition `ok` is True -> Healthy with its message.
pub fn condition_true(ok: &str) -> Clause {
    let sel = cond(ok, "True");
    Clause {
        name: format!("{ok} is True"),
        when: sel.holds(),
        status: Status::Healthy,
        message: Message::condition(&sel, ok),
    }
}

/// Clause: condition `ok` is present but not True -> Progressing, saying what the operator says.
pub fn waiting_for(ok: &str) -> Clause {
    let sel = cond_any(ok);
    Clause {
        name: format!("{ok} is present but not True"),
        when: sel.holds(),
        status: Status::Progressing,
        message: Message::condition_after(
            &sel,
            &format!("waiting for {ok}: "),
            &format!("waiting for {ok}"),
        ),
    }
}

/// The clauses of a condition family, without its default.
pub fn condition_clauses(ok: &str) -> Vec<Clause> {
    let mut out = vec![failure(), stale(ok), condition_true(ok)];
    if ok == "Successful" {
        out.push(rerun_after_success_clause());
    }
    out.push(waiting_for(ok));
    out
}

/// The default verdict of a condition family: the operator has not reported `ok` at all.
fn awaiting(ok: &str) -> (Status, Message) {
    (
        Status::Progressing,
        Message::text(&format!("waiting for the operator to report {ok}")),
    )
}

/// A family driven by one condition: Failure -> Degraded; `ok` True but stale -> Progressing;
/// `ok` True -> Healthy; otherwise Progressing, saying what is awaited.
pub fn condition_family(name: &str, ok: &str) -> Rule {
    let (status, message) = awaiting(ok);
    let mut b = Rule::named(name);
    for c in condition_clauses(ok) {
        b = b.clause(c);
    }
    b.otherwise(status, message)
}

/// The MAS Ready family, used by every Ansible-based MAS operator's resources.
pub fn ready() -> Rule {
    condition_family("MAS Ready family", "Ready")
}

/// The Successful family, for kinds whose operator reports `Successful` instead of `Ready`.
/// Where such an operator also reports `Ready` (AI service tenants do), a Ready that is not True
/// still holds the wave: a reconcile can succeed while the workload is still starting.
pub fn successful() -> Rule {
    let mut b = Rule::named("Successful family")
        .clause(failure())
        .clause(stale("Successful"));
    b = b.clause(not_ready_yet());
    for c in condition_clauses("Successful").into_iter().skip(2) {
        b = b.clause(c);
    }
    let (status, message) = awaiting("Successful");
    b.otherwise(status, message)
}

/// Clause: a `Ready` condition is reported and is not True -> Progressing with its message.
fn not_ready_yet() -> Clause {
    let mut c = waiting_for("Ready");
    c.when = all(vec![
        cond_any("Ready").holds(),
        crate::rule::not(cond("Ready", "True").holds()),
    ]);
    c.name = "Ready is reported and not True".to_owned();
    c
}

/// For MAS kinds not in the catalog (the `*.mas.ibm.com/*` wildcard): the Ready family, and for
/// an operator that never reports Ready, the Successful family, so a new kind that only writes
/// Successful does not hold its wave for ever.
pub fn ready_or_successful() -> Rule {
    let b = Rule::named("MAS Ready family, else Successful")
        .clause(failure())
        .clause(stale("Ready"))
        .clause(stale("Successful"))
        .clause(condition_true("Ready"))
        .clause(waiting_for("Ready"))
        .clause(condition_true("Successful"))
        .clause(rerun_after_success_clause())
        .clause(waiting_for("Successful"));
    b.otherwise(
        Status::Progressing,
        Message::text("waiting for the operator to report Ready or Successful"),
    )
}

/// Which values of a status string mean what.
pub struct StateValues<'a> {
    /// Values that mean the resource is ready.
    pub healthy: &'a [&'a str],
    /// Values that mean it failed.
    pub degraded: &'a [&'a str],
}

/// Clauses reading one status string: a degraded value -> Degraded, a healthy value -> Healthy.
pub fn state_clauses(path: &str, values: &StateValues<'_>, detail: Message) -> Vec<Clause> {
    let mut out = Vec::new();
    if !values.degraded.is_empty() {
        out.push(Clause {
            name: format!("{path} reports a failure"),
            when: one_of(path, values.degraded),
            status: Status::Degraded,
            message: Message::field_after(path, "state ", "failed").then(detail),
        });
    }
    if !values.healthy.is_empty() {
        out.push(Clause {
            name: format!("{path} reports ready"),
            when: one_of(path, values.healthy),
            status: Status::Healthy,
            message: Message::field_after(path, "state ", "ready"),
        });
    }
    out
}

/// A family driven by one status string: degraded values -> Degraded (with `detail` after the
/// state), healthy values -> Healthy, anything else Progressing naming the state.
pub fn state_family(name: &str, path: &str, values: StateValues<'_>, detail: Message) -> Rule {
    let mut b = Rule::named(name);
    for c in state_clauses(path, &values, detail) {
        b = b.clause(c);
    }
    b.otherwise(Status::Progressing, progress_of(path))
}

/// "state <value>", or "waiting for <path>" when the field is absent.
pub fn progress_of(path: &str) -> Message {
    Message::field_after(path, "state ", &format!("waiting for {path}"))
}

/// Predicate: the condition matches, for readability in catalog files.
pub fn has(sel: &ConditionSelector) -> Predicate {
    sel.holds()
}
