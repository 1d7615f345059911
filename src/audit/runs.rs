//! The evidence a script's checks look at: the states it is run on (matching fixtures first,
//! then generated ones), what each run gave in the sandbox, and the means to run it again on a
//! smaller state when a check wants the smallest example of a problem.

use super::checks::Shows;
use super::sandbox::{Recorded, Sandbox};
use super::{lua_check, states, Context, Script};
use crate::argocd::keys::GroupKind;
use crate::argocd::runtime::Libraries;
use crate::catalog::Entry;
use crate::rule::{cond, cond_any, Message, Path, Predicate, Rule, Scalar, Status};
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::Value;
use std::time::{Duration, Instant};

/// Wall-clock time one script may take across all its states.
pub(crate) const SCRIPT_BUDGET: Duration = Duration::from_secs(20);

/// A state a script is run on.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The fixture it was read from (`dir/input.yaml`), or `None` for a generated state.
    pub fixture: Option<String>,
    /// The object.
    pub value: Value,
}

/// A problem shown by some state, with the example to report.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// What the problem looks like on the example.
    pub what: String,
    /// The fixture as it is, or the smallest generated state found that shows the problem.
    pub example: Value,
    /// The fixture the example comes from.
    pub fixture: Option<String>,
}

impl Shown {
    /// ` (fixture <name>)` when the example is a fixture, for the end of a message.
    pub fn at(&self) -> String {
        self.fixture
            .as_deref()
            .map(|f| format!(" (fixture {f})"))
            .unwrap_or_default()
    }
}

/// A script's states and what running it on each gave.
pub struct Runs {
    script: String,
    sandbox: Sandbox,
    strategy: BoxedStrategy<Value>,
    states: Vec<State>,
    results: Vec<Recorded>,
    slowest: Duration,
    /// When gathering began: running and shrinking share [`SCRIPT_BUDGET`] from here.
    started: Instant,
}

/// This crate's rule for the script's key (none for wildcard keys).
pub(crate) fn ours<'c>(script: &Script, ctx: &Context<'c>) -> Option<&'c Entry> {
    if script.is_wildcard() {
        None
    } else {
        ctx.catalog.lookup(&script.group, &script.kind)
    }
}

impl Runs {
    /// Gathers the states for `script` (no run yet).
    pub fn gather(script: &Script, ctx: &Context<'_>) -> Runs {
        let started = Instant::now();
        let libraries = if script.open_libs {
            Libraries::Open
        } else {
            Libraries::Closed
        };
        let strategy = strategy(script, ctx);
        let mut states = fixture_states(script, ctx);
        states.extend(
            generate(&strategy, ctx.cases)
                .into_iter()
                .map(|value| State {
                    fixture: None,
                    value,
                }),
        );
        Runs {
            script: script.script.clone(),
            sandbox: Sandbox::new(libraries),
            strategy,
            states,
            results: Vec::new(),
            slowest: Duration::ZERO,
            started,
        }
    }

    /// Whether the script's time budget is spent.
    fn spent(&self) -> bool {
        self.started.elapsed() > SCRIPT_BUDGET
    }

    /// Runs the script once per state, in order, until the time budget is spent.
    pub fn run_all(&mut self) {
        for i in 0..self.states.len() {
            // A script that is slow on every state would keep the audit busy for minutes.
            if self.spent() {
                break;
            }
            let t = Instant::now();
            let r = self.run(&self.states[i].value);
            self.slowest = self.slowest.max(t.elapsed());
            self.results.push(r);
        }
    }

    /// Runs the script on `obj` in the sandbox; a state that cannot be prepared is an error.
    pub fn run(&self, obj: &Value) -> Recorded {
        self.sandbox
            .run(&self.script, obj)
            .unwrap_or_else(|e| Recorded::failed(e.to_string()))
    }

    /// Every state run, with what it gave, in order.
    pub fn ran(&self) -> impl Iterator<Item = (&State, &Recorded)> {
        self.states.iter().zip(&self.results)
    }

    /// How many states were run.
    pub fn count(&self) -> usize {
        self.results.len()
    }

    /// How many states were gathered.
    pub fn gathered(&self) -> usize {
        self.states.len()
    }

    /// The longest single evaluation.
    pub fn slowest(&self) -> Duration {
        self.slowest
    }

    /// The first state whose run `shows` a problem (given this, the state and its run), with the
    /// smallest generated state that shows it when that state was generated; shrinking stops
    /// when the script's time budget is spent (the state found so far is the example).
    pub fn first_shown(&self, shows: &Shows) -> Option<Shown> {
        let (state, what) = self
            .ran()
            .find_map(|(s, r)| shows(self, &s.value, r).map(|what| (s, what)))?;
        if state.fixture.is_some() {
            return Some(Shown {
                what,
                example: state.value.clone(),
                fixture: state.fixture.clone(),
            });
        }
        let still = |v: &Value| match self.spent() {
            true => None,
            false => shows(self, v, &self.run(v)),
        };
        let small = self.shrink(&still).unwrap_or_else(|| state.value.clone());
        let small = super::shrink::minimize(small, &|v| still(v).is_some());
        Some(Shown {
            what: still(&small).unwrap_or(what),
            example: small,
            fixture: None,
        })
    }

    /// The smallest generated state that still shows the problem, by proptest's shrinking.
    fn shrink(&self, still: &dyn Fn(&Value) -> Option<String>) -> Option<Value> {
        let mut tr = deterministic(512);
        match tr.run(&self.strategy, |obj| match still(&obj) {
            Some(what) => Err(TestCaseError::fail(what)),
            None => Ok(()),
        }) {
            Err(TestError::Fail(_, v)) => Some(v),
            _ => None,
        }
    }
}

/// The fixtures whose group and kind match the script's key, named by folder and file.
fn fixture_states(script: &Script, ctx: &Context<'_>) -> Vec<State> {
    let mut out = Vec::new();
    for dir in ctx.fixtures {
        let matches = script
            .group_kind()
            .matches(&GroupKind::new(&dir.group, &dir.kind))
            || (dir.group == script.group && dir.kind == script.kind);
        if !matches {
            continue;
        }
        for t in &dir.tests {
            if let Ok(value) = dir.input(t) {
                out.push(State {
                    fixture: Some(format!("{}/{}", dir.dir.display(), t.input_path)),
                    value,
                });
            }
        }
    }
    out
}

/// Generated states for the script: from our rule for its kind when there is one, from what
/// the script reads otherwise, claiming to be the kind the script is keyed under as real
/// objects would.
fn strategy(script: &Script, ctx: &Context<'_>) -> BoxedStrategy<Value> {
    let vocab = ours(script, ctx)
        .map(|e| e.rule.clone())
        .unwrap_or_else(|| vocabulary_rule(&script.script));
    let identity = (!script.is_wildcard()).then(|| {
        let api = if script.group.is_empty() {
            "v1".to_owned()
        } else {
            format!("{}/v1", script.group)
        };
        (api, script.kind.clone())
    });
    states::objects_for(&vocab)
        .prop_map(move |mut v| {
            if let (Some((api, kind)), Some(m)) = (&identity, v.as_object_mut()) {
                m.insert("apiVersion".to_owned(), Value::String(api.clone()));
                m.insert("kind".to_owned(), Value::String(kind.clone()));
            }
            v
        })
        .boxed()
}

fn generate(strategy: &BoxedStrategy<Value>, cases: u32) -> Vec<Value> {
    let mut rng = deterministic(cases);
    (0..cases)
        .filter_map(|_| strategy.new_tree(&mut rng).ok().map(|t| t.current()))
        .collect()
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

/// A test runner with a fixed seed: the same script gets the same states and examples.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::checks::test_support::script;
    use crate::catalog::Catalog;

    /// A state's example, shrunk with the budget whole and with it spent.
    #[test]
    fn shrinking_stops_when_the_budget_is_spent() {
        let catalog = Catalog::standard();
        let ctx = Context {
            fixtures: &[],
            deployed: None,
            cases: 20,
            catalog: &catalog,
            keys: &[],
        };
        let s = script(
            "example.com",
            "Thing",
            "return { status = 'Degraded' }",
            false,
        );
        let mut runs = Runs::gather(&s, &ctx);
        runs.run_all();
        let shows: &Shows = &|_, v, _| v.get("status").map(|_| "has a status".to_owned());
        let first = runs
            .ran()
            .find(|(st, _)| st.value.get("status").is_some())
            .map(|(st, _)| st.value.clone())
            .expect("a generated state has a status");
        let whole = runs.first_shown(shows).expect("shown");
        assert_ne!(whole.example, first, "shrinking makes it smaller");
        runs.started = Instant::now()
            .checked_sub(SCRIPT_BUDGET + Duration::from_secs(1))
            .expect("an instant in the past");
        let spent = runs.first_shown(shows).expect("shown");
        assert_eq!(spent.example, first);
    }
}
