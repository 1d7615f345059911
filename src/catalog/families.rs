//! Families shared by many kinds: a kind names its family in one line of its catalog file.
//!
//! A family is a value with named parts ([`ConditionFamily`], [`StateFamily`]); a special kind
//! changes parts by name, never by position.

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

/// The verdict a rule gives when none of its clauses holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Otherwise {
    /// The status.
    pub status: Status,
    /// The message.
    pub message: Message,
}

impl Otherwise {
    /// The default verdict of a condition family: the operator has not reported `ok` at all.
    pub fn awaiting(ok: &str) -> Otherwise {
        Otherwise {
            status: Status::Progressing,
            message: Message::text(&format!("waiting for the operator to report {ok}")),
        }
    }
}

/// A family driven by one condition `ok`, as named parts; [`ConditionFamily::rule`] puts them in
/// priority order: `failure`, `overrides`, `stale`, `holds`, `ok`, `rerun`, `waiting`, then
/// `otherwise`. Special kinds change parts by name ([`ConditionFamily::with_override`], ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionFamily {
    /// The rule's name.
    pub name: String,
    /// Failure=True -> Degraded.
    pub failure: Clause,
    /// Kind-specific verdicts that outrank everything but `failure` (none in the family).
    pub overrides: Vec<Clause>,
    /// `ok` succeeded for an earlier operator version -> Progressing (`None` where the kind
    /// skips the check: [`ConditionFamily::without_version_check`]).
    pub stale: Option<Clause>,
    /// Kind-specific reasons to keep waiting although `ok` succeeded (none in the family).
    pub holds: Vec<Clause>,
    /// `ok` is True -> Healthy.
    pub ok: Clause,
    /// Successful only: a new reconcile after a success -> still Healthy.
    pub rerun: Option<Clause>,
    /// `ok` is present but not True -> Progressing.
    pub waiting: Clause,
    /// `ok` is not reported at all.
    pub otherwise: Otherwise,
}

impl ConditionFamily {
    /// The family for condition `ok`: Failure -> Degraded; `ok` True but stale -> Progressing;
    /// `ok` True -> Healthy; otherwise Progressing, saying what is awaited.
    pub fn of(name: &str, ok: &str) -> ConditionFamily {
        ConditionFamily {
            name: name.to_owned(),
            failure: failure(),
            overrides: Vec::new(),
            stale: Some(stale(ok)),
            holds: Vec::new(),
            ok: condition_true(ok),
            rerun: (ok == "Successful").then(rerun_after_success_clause),
            waiting: waiting_for(ok),
            otherwise: Otherwise::awaiting(ok),
        }
    }

    /// Adds a verdict that outranks everything but `failure` (after earlier overrides).
    pub fn with_override(mut self, clause: Clause) -> ConditionFamily {
        self.overrides.push(clause);
        self
    }

    /// Adds a reason to keep waiting although `ok` succeeded (after earlier ones).
    pub fn with_hold(mut self, clause: Clause) -> ConditionFamily {
        self.holds.push(clause);
        self
    }

    /// Drops the operator-version check (`stale`), for kinds whose upgrades show elsewhere.
    pub fn without_version_check(mut self) -> ConditionFamily {
        self.stale = None;
        self
    }

    /// Replaces the verdict given when `ok` is not reported.
    pub fn otherwise(mut self, status: Status, message: Message) -> ConditionFamily {
        self.otherwise = Otherwise { status, message };
        self
    }

    /// The rule: the parts in priority order.
    pub fn rule(self) -> Rule {
        Rule::named(&self.name)
            .clause(self.failure)
            .clauses(self.overrides)
            .clauses(self.stale)
            .clauses(self.holds)
            .clause(self.ok)
            .clauses(self.rerun)
            .clause(self.waiting)
            .otherwise(self.otherwise.status, self.otherwise.message)
    }
}

/// A family driven by one condition: see [`ConditionFamily::of`].
pub fn condition_family(name: &str, ok: &str) -> Rule {
    ConditionFamily::of(name, ok).rule()
}

/// The MAS Ready family, used by every Ansible-based MAS operator's resources.
pub fn ready() -> Rule {
    condition_family("MAS Ready family", "Ready")
}

/// The Successful family, for kinds whose operator reports `Successful` instead of `Ready`.
/// Where such an operator also reports `Ready` (AI service tenants do), a Ready that is not True
/// still holds the wave: a reconcile can succeed while the workload is still starting.
pub fn successful() -> Rule {
    ConditionFamily::of("Successful family", "Successful")
        .with_hold(not_ready_yet())
        .rule()
}

/// Clause: a `Ready` condition is reported and is not True -> Progressing with its message.
fn not_ready_yet() -> Clause {
    Clause {
        name: "Ready is reported and not True".to_owned(),
        when: all(vec![
            cond_any("Ready").holds(),
            crate::rule::not(cond("Ready", "True").holds()),
        ]),
        ..waiting_for("Ready")
    }
}

/// For MAS kinds not in the catalog (the `*.mas.ibm.com/*` wildcard): the Ready family, and for
/// an operator that never reports Ready, the Successful family, so a new kind that only writes
/// Successful does not hold its wave for ever.
pub fn ready_or_successful() -> Rule {
    // Only the parts of these two families are used, not their names or defaults.
    let ready = ConditionFamily::of("Ready", "Ready");
    let successful = ConditionFamily::of("Successful", "Successful");
    Rule::named("MAS Ready family, else Successful")
        .clause(ready.failure)
        // Either success may be left over from the previous operator version.
        .clauses(ready.stale)
        .clauses(successful.stale)
        .clause(ready.ok)
        .clause(ready.waiting)
        .clause(successful.ok)
        .clauses(successful.rerun)
        .clause(successful.waiting)
        .otherwise(
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

/// A family driven by one status string, as named parts in priority order: `failed`, `ready`,
/// then `otherwise`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateFamily {
    /// The rule's name.
    pub name: String,
    /// A degraded value -> Degraded (`None` when no value means failure).
    pub failed: Option<Clause>,
    /// A healthy value -> Healthy (`None` when no value means ready).
    pub ready: Option<Clause>,
    /// Any other value, or none: Progressing naming the state.
    pub otherwise: Otherwise,
}

impl StateFamily {
    /// The family reading `path`: degraded values -> Degraded (with `detail` after the state),
    /// healthy values -> Healthy, anything else Progressing naming the state.
    pub fn of(name: &str, path: &str, values: &StateValues<'_>, detail: Message) -> StateFamily {
        let failed = (!values.degraded.is_empty()).then(|| {
            Clause::new(
                &format!("{path} reports a failure"),
                one_of(path, values.degraded),
                Status::Degraded,
                Message::field_after(path, "state ", "failed").then(detail),
            )
        });
        let ready = (!values.healthy.is_empty()).then(|| {
            Clause::new(
                &format!("{path} reports ready"),
                one_of(path, values.healthy),
                Status::Healthy,
                Message::field_after(path, "state ", "ready"),
            )
        });
        StateFamily {
            name: name.to_owned(),
            failed,
            ready,
            otherwise: Otherwise {
                status: Status::Progressing,
                message: progress_of(path),
            },
        }
    }

    /// The rule: the parts in priority order.
    pub fn rule(self) -> Rule {
        Rule::named(&self.name)
            .clauses(self.failed)
            .clauses(self.ready)
            .otherwise(self.otherwise.status, self.otherwise.message)
    }
}

/// A family driven by one status string: see [`StateFamily::of`].
pub fn state_family(name: &str, path: &str, values: StateValues<'_>, detail: Message) -> Rule {
    StateFamily::of(name, path, &values, detail).rule()
}

/// "state <value>", or "waiting for <path>" when the field is absent.
pub fn progress_of(path: &str) -> Message {
    Message::field_after(path, "state ", &format!("waiting for {path}"))
}
