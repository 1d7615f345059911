//! Auditing health checks a cluster already has: every script of a configuration is parsed,
//! run in the Argo CD runtime with the libraries that configuration gives it (dangerous
//! functions replaced by recorders), on fixtures and generated states, and compared with this
//! crate's rule for the same kind.

pub mod lua_check;
mod sources;
pub mod states;

pub use sources::{deployed_kinds, scripts_in, Script};

use crate::argocd::harness::FixtureDir;
use crate::argocd::keys::GroupKind;
use crate::argocd::runtime::{Libraries, Outcome, Recorded, Runtime, INVALID_STATUS};
use crate::catalog::Catalog;
use crate::rule::eval;
use crate::rule::{cond, cond_any, Message, Path, Predicate, Rule, Scalar, Status};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How bad a finding is; `Error` makes `mas-health audit` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The check misbehaves in Argo CD.
    Error,
    /// Worth a look.
    Warning,
    /// For information.
    Info,
}

/// One problem with one script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How bad it is.
    pub level: Level,
    /// A stable name for the kind of problem (`runtime-error`, `order-dependent`, ...).
    pub code: String,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The smallest state found that shows it, when a state does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// The audit of one script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The file the script came from.
    pub file: String,
    /// Where in the file.
    pub origin: String,
    /// `group/Kind` it is keyed under.
    pub key: String,
    /// Whether it runs with `useOpenLibs`.
    pub open_libs: bool,
    /// How many states it was run on.
    pub states: usize,
    /// What was found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Error)
    }
}

/// What an audit runs against.
pub struct Context<'a> {
    /// Fixtures (Argo CD layout) whose group and kind match a script's key.
    pub fixtures: &'a [FixtureDir],
    /// The (group, kind) of deployed resources, when the user gave manifests.
    pub deployed: Option<&'a [(String, String)]>,
    /// How many generated states each script runs on.
    pub cases: u32,
    /// This crate's rules, to compare with.
    pub catalog: &'a Catalog,
}

/// Wall-clock time one script may take across all its states.
const SCRIPT_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// An evaluation slower than this is reported: Argo CD's limit is 1 s on its own machine.
const SLOW: std::time::Duration = std::time::Duration::from_millis(500);

/// A problem seen while running a script on one state.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    RuntimeError,
    InvalidStatus,
    EmptyStatus,
    OrderDependent,
}

impl Problem {
    const ALL: [Problem; 4] = [
        Problem::RuntimeError,
        Problem::InvalidStatus,
        Problem::EmptyStatus,
        Problem::OrderDependent,
    ];
}

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

struct Runner<'s> {
    rt: Runtime,
    script: &'s str,
}

impl Runner<'_> {
    fn run(&self, obj: &Value) -> Recorded {
        self.rt
            .run_recorded(self.script, obj)
            .unwrap_or_else(|e| Recorded {
                outcome: Outcome::Error(e.to_string()),
                calls: Vec::new(),
                empty_reason: None,
            })
    }

    /// The problem `obj` shows for `p`, with a description.
    fn shows(&self, p: Problem, obj: &Value) -> Option<String> {
        let r = self.run(obj);
        self.shows_in(p, obj, &r)
    }

    /// The problem an evaluation already run (`r`, on `obj`) shows for `p`.
    fn shows_in(&self, p: Problem, obj: &Value, r: &Recorded) -> Option<String> {
        match (p, &r.outcome) {
            (Problem::RuntimeError, Outcome::Error(e)) => Some(e.clone()),
            (Problem::InvalidStatus, Outcome::Health(h))
                if h.status == Status::Unknown && h.message == INVALID_STATUS =>
            {
                Some(INVALID_STATUS.to_owned())
            }
            (Problem::EmptyStatus, Outcome::Empty) => r.empty_reason.clone(),
            (Problem::OrderDependent, Outcome::Health(h)) => permutations(obj)
                .into_iter()
                .find_map(|o| match self.run(&o).outcome {
                    Outcome::Health(h2) if h2.status != h.status => Some(format!(
                        "{} becomes {} when status.conditions is reordered",
                        h.status, h2.status
                    )),
                    _ => None,
                }),
            _ => None,
        }
    }
}

/// A rule that reads what the script reads, used only to generate states for it.
fn vocabulary_rule(script: &str) -> Rule {
    let reads = lua_check::reads(script);
    let words: Vec<Scalar> = reads
        .strings
        .iter()
        .map(|s| Scalar::from(s.as_str()))
        .collect();
    let mut b = Rule::named("vocabulary");
    for p in &reads.paths {
        if p.len() == 2 && p[0] == "status" && p[1] == "conditions" {
            continue;
        }
        b = b.when(
            "field",
            Predicate::OneOf(Path(p.clone()), words.clone()),
            Status::Healthy,
            Message::text(""),
        );
    }
    for w in reads.strings.iter().take(24) {
        b = b
            .when(
                "condition",
                cond(w, "True").holds(),
                Status::Healthy,
                Message::text(""),
            )
            .when(
                "condition",
                cond_any(w).holds(),
                Status::Healthy,
                Message::text(""),
            );
    }
    b.otherwise(Status::Progressing, Message::text(""))
}

fn deterministic(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    )
}

/// Audits one script.
pub fn audit(script: &Script, ctx: &Context<'_>) -> Report {
    let mut report = Report {
        file: script.file.clone(),
        origin: script.origin.clone(),
        key: script.key(),
        open_libs: script.open_libs,
        states: 0,
        findings: Vec::new(),
    };
    let mut findings: Vec<Finding> = Vec::new();
    let mut find = |level, code: &str, message: String, example: Option<Value>| {
        findings.push(Finding {
            level,
            code: code.to_owned(),
            message,
            example,
        })
    };
    wrong_group(script, ctx, &mut find);
    if let Err(e) = crate::argocd::runtime::check_syntax(&script.script) {
        find(
            Level::Error,
            "parse-error",
            format!("does not parse: {e}"),
            None,
        );
        report.findings = findings;
        return report;
    }
    if let Err(errors) = lua_check::parse_lua51(&script.script) {
        let first = errors.into_iter().next().unwrap_or_default();
        find(
            Level::Warning,
            "not-lua51",
            format!("is not strict Lua 5.1: {first}"),
            None,
        );
    }
    let reads = lua_check::reads(&script.script);
    // Method calls (`x:f()`) are left to the runs: on a table they are fine, on a string they
    // fail, and a run shows which.
    let uses: Vec<String> = lua_check::closed_library_uses(&script.script)
        .into_iter()
        .filter(|u| u != ":")
        .collect();
    if !script.open_libs && !uses.is_empty() {
        find(
            Level::Error,
            "needs-open-libs",
            format!(
                "uses {} without useOpenLibs: Argo CD leaves those closed, so each use raises an error",
                uses.join(", ")
            ),
            None,
        );
    }
    if script.open_libs {
        let risky: Vec<&String> = reads
            .library_functions
            .iter()
            .filter(|f| {
                f.starts_with("io.")
                    || crate::argocd::runtime::DANGEROUS
                        .iter()
                        .any(|(l, n)| *l == "os" && **f == format!("os.{n}"))
            })
            .collect();
        if !risky.is_empty() {
            find(
                Level::Error,
                "open-libs-unsafe",
                format!(
                    "runs with useOpenLibs (unrestricted os and io) and names {}",
                    risky
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            );
        } else if uses.is_empty() {
            find(
                Level::Info,
                "open-libs-unneeded",
                "has useOpenLibs but uses no library that needs it: drop it".to_owned(),
                None,
            );
        }
    }

    let runner = Runner {
        rt: Runtime::with_libraries(if script.open_libs {
            Libraries::Open
        } else {
            Libraries::Closed
        }),
        script: &script.script,
    };
    // States: matching fixtures first (named in findings), then generated ones.
    let mut fixture_states: Vec<(String, Value)> = Vec::new();
    for dir in ctx.fixtures {
        if script
            .group_kind()
            .matches(&GroupKind::new(&dir.group, &dir.kind))
            || (dir.group == script.group && dir.kind == script.kind)
        {
            for t in &dir.tests {
                if let Ok(v) = dir.input(t) {
                    fixture_states.push((format!("{}/{}", dir.dir.display(), t.input_path), v));
                }
            }
        }
    }
    let ours = if script.is_wildcard() {
        None
    } else {
        ctx.catalog.lookup(&script.group, &script.kind)
    };
    let vocab = ours
        .map(|e| e.rule.clone())
        .unwrap_or_else(|| vocabulary_rule(&script.script));
    // Generated states claim to be the kind the script is keyed under, as real objects would.
    let identity = (!script.is_wildcard()).then(|| {
        let api = if script.group.is_empty() {
            "v1".to_owned()
        } else {
            format!("{}/v1", script.group)
        };
        (api, script.kind.clone())
    });
    let strategy = states::objects_for(&vocab).prop_map(move |mut v| {
        if let (Some((api, kind)), Some(m)) = (&identity, v.as_object_mut()) {
            m.insert("apiVersion".to_owned(), Value::String(api.clone()));
            m.insert("kind".to_owned(), Value::String(kind.clone()));
        }
        v
    });
    let mut runner_rng = deterministic(ctx.cases);
    let mut generated: Vec<Value> = Vec::new();
    for _ in 0..ctx.cases {
        if let Ok(tree) = strategy.new_tree(&mut runner_rng) {
            generated.push(tree.current());
        }
    }

    let state_count = fixture_states.len() + generated.len();

    let mut calls: Vec<String> = Vec::new();
    let mut seen: Vec<(Problem, String, Value, Option<String>)> = Vec::new();
    let mut disagreements = 0usize;
    // (from a fixture, text, state): a fixture makes the better example.
    let mut disagreement_example: Option<(bool, String, Value)> = None;
    let all_states = fixture_states
        .iter()
        .map(|(n, v)| (Some(n.clone()), v))
        .chain(generated.iter().map(|v| (None, v)));
    let started = std::time::Instant::now();
    let mut slowest = std::time::Duration::ZERO;
    let mut run_count = 0usize;
    for (name, state) in all_states {
        // A script that is slow on every state would keep the audit busy for minutes.
        if started.elapsed() > SCRIPT_BUDGET {
            break;
        }
        run_count += 1;
        let t = std::time::Instant::now();
        let r = runner.run(state);
        slowest = slowest.max(t.elapsed());
        for c in &r.calls {
            if !calls.contains(c) {
                calls.push(c.clone());
            }
        }
        for p in Problem::ALL {
            if seen.iter().any(|(q, ..)| *q == p) {
                continue;
            }
            if let Some(what) = runner.shows_in(p, state, &r) {
                seen.push((p, what, state.clone(), name.clone()));
            }
        }
        if let (Some(entry), Outcome::Health(h)) = (ours, &r.outcome) {
            let native = eval::evaluate_rule(&entry.rule, state);
            if native.status != h.status {
                disagreements += 1;
                let better = match &disagreement_example {
                    None => true,
                    Some((from_fixture, ..)) => !from_fixture && name.is_some(),
                };
                if better {
                    let text = format!(
                        "mas-health says {} \"{}\", this script {} \"{}\"{}",
                        native.status,
                        native.message,
                        h.status,
                        h.message,
                        name.as_deref()
                            .map(|n| format!(" (fixture {n})"))
                            .unwrap_or_default()
                    );
                    disagreement_example = Some((name.is_some(), text, state.clone()));
                }
            }
        }
    }
    if slowest > SLOW {
        find(
            Level::Error,
            "too-slow",
            format!(
                "an evaluation took {} ms here; Argo CD stops a check after 1 s and reports Unknown",
                slowest.as_millis()
            ),
            None,
        );
    }
    if run_count < state_count {
        find(
            Level::Info,
            "time-budget",
            format!(
                "stopped after {run_count} of {state_count} states ({} s budget per script)",
                SCRIPT_BUDGET.as_secs()
            ),
            None,
        );
    }
    for c in &calls {
        find(
            Level::Error,
            "touches-machine",
            format!("called {c} while evaluating health (recorded, not run)"),
            None,
        );
    }
    for (p, what, state, fixture) in seen {
        // Show the smallest generated state with the problem; a fixture is shown as it is.
        let (what, example) = match fixture {
            Some(_) => (what, state),
            None => {
                let small = shrink(&strategy, &runner, p).unwrap_or(state);
                let small = minimize(small, &|v| runner.shows(p, v).is_some());
                (runner.shows(p, &small).unwrap_or(what), small)
            }
        };
        let at = fixture
            .map(|f| format!(" (fixture {f})"))
            .unwrap_or_default();
        let (code, message) = match p {
            Problem::RuntimeError => ("runtime-error", format!("raises an error: {what}{at}")),
            Problem::InvalidStatus => (
                "invalid-status",
                format!("returns a status Argo CD rejects, shown as Unknown \"{what}\"{at}"),
            ),
            Problem::EmptyStatus => (
                "empty-status",
                format!(
                    "gives Argo CD an empty status, which holds a sync wave for ever: {what}{at}"
                ),
            ),
            Problem::OrderDependent => ("order-dependent", format!("{what}{at}")),
        };
        find(Level::Error, code, message, Some(example));
    }
    if let (Some(entry), Some((_, text, state))) = (ours, disagreement_example) {
        find(
            Level::Warning,
            "disagrees",
            format!(
                "differs from mas-health's rule for {} on {disagreements} of {state_count} states: {text}",
                entry.key(),
            ),
            Some(state),
        );
    }
    findings.sort_by_key(|f| f.level);
    report.states = run_count;
    report.findings = findings;
    report
}

/// The smallest generated state that shows `p`, by proptest's shrinking.
fn shrink(
    strategy: &impl Strategy<Value = Value>,
    runner: &Runner<'_>,
    p: Problem,
) -> Option<Value> {
    let mut tr = deterministic(512);
    match tr.run(strategy, |obj| match runner.shows(p, &obj) {
        Some(what) => Err(TestCaseError::fail(what)),
        None => Ok(()),
    }) {
        Err(proptest::test_runner::TestError::Fail(_, v)) => Some(v),
        _ => None,
    }
}

/// Removes conditions and fields one at a time while `still` holds, for a readable example.
fn minimize(mut v: Value, still: &dyn Fn(&Value) -> bool) -> Value {
    loop {
        let mut candidates: Vec<Value> = Vec::new();
        if let Some(list) = v
            .get("status")
            .and_then(|s| s.get("conditions"))
            .and_then(Value::as_array)
        {
            for i in 0..list.len() {
                let mut c = v.clone();
                if let Some(l) = c["status"]["conditions"].as_array_mut() {
                    l.remove(i);
                }
                candidates.push(c);
            }
        }
        for parent in [None, Some("status"), Some("spec")] {
            let keys: Vec<String> = match parent {
                None => v.as_object().map(|m| m.keys().cloned().collect()),
                Some(p) => v
                    .get(p)
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect()),
            }
            .unwrap_or_default();
            for k in keys {
                if parent.is_none() && ["apiVersion", "kind", "metadata"].contains(&k.as_str()) {
                    continue;
                }
                let mut c = v.clone();
                let target = match parent {
                    None => c.as_object_mut(),
                    Some(p) => c.get_mut(p).and_then(Value::as_object_mut),
                };
                if let Some(m) = target {
                    m.remove(&k);
                }
                candidates.push(c);
            }
        }
        match candidates.into_iter().find(|c| still(c)) {
            Some(smaller) => v = smaller,
            None => return v,
        }
    }
}

fn wrong_group(
    script: &Script,
    ctx: &Context<'_>,
    find: &mut impl FnMut(Level, &str, String, Option<Value>),
) {
    let Some(deployed) = ctx.deployed else {
        return;
    };
    if script.is_wildcard() {
        return;
    }
    if deployed
        .iter()
        .any(|(g, k)| *g == script.group && *k == script.kind)
    {
        return;
    }
    let elsewhere: Vec<String> = deployed
        .iter()
        .filter(|(_, k)| *k == script.kind)
        .map(|(g, k)| format!("{g}/{k}"))
        .fold(Vec::new(), |mut acc, x| {
            if !acc.contains(&x) {
                acc.push(x);
            }
            acc
        });
    if elsewhere.is_empty() {
        find(
            Level::Warning,
            "unused-key",
            format!("no deployed resource is {}", script.key()),
            None,
        );
    } else {
        find(
            Level::Error,
            "wrong-group",
            format!(
                "keyed under {}, but the manifests deploy {}: this check never runs",
                script.group,
                elsewhere.join(", ")
            ),
            None,
        );
    }
}
