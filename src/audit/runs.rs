//! The evidence a script's checks look at: the states it is run on (matching fixtures first,
//! then generated ones), what each run gave in the sandbox, and the means to run it again on a
//! smaller state when a check wants the smallest example of a problem.

use super::checks::Shows;
use super::realistic::{CoTruth, Shape};
use super::sandbox::{Recorded, Sandbox};
use super::{Context, Script};
use crate::argocd::keys::GroupKind;
use crate::argocd::runtime::Libraries;
use crate::catalog::Entry;
use crate::rule::{cond, cond_any, Message, Path, Predicate, Rule, Scalar, Status};
use crate::testkit::{lua_check, states};
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
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
    /// Whether it has wrong-typed fields no API server stores (`--malformed` only).
    pub malformed: bool,
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
    /// Whether only malformed states (wrong types) show it.
    pub malformed: bool,
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
    /// Realistic states, and with `--malformed` wrong-typed ones.
    strategy: BoxedStrategy<Value>,
    malformed: Option<BoxedStrategy<Value>>,
    states: Vec<State>,
    /// For each generated state, the generator's state just before it was drawn: drawing
    /// again from it gives the same value with its shrinking tree (`None` for fixtures).
    seeds: Vec<Option<TestRng>>,
    results: Vec<Recorded>,
    slowest: Duration,
    /// When gathering began: running and shrinking share [`SCRIPT_BUDGET`] from here.
    started: Instant,
    /// The kind's schema (`--crds`): an example is never shrunk below its required fields.
    schema: Option<Value>,
    /// Which conditions the operator writes `True` together.
    co: CoTruth,
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
        let mut states = fixture_states(script, ctx);
        let fixtures: Vec<Value> = states.iter().map(|s| s.value.clone()).collect();
        let mut seeds: Vec<Option<TestRng>> = vec![None; states.len()];
        let sandbox = Sandbox::new(libraries);
        let (strategy, co) = realistic(script, ctx, &fixtures, &sandbox);
        let malformed = ctx.malformed.then(|| malformed(script, ctx));
        let mut add = |strategy: &BoxedStrategy<Value>, malformed: bool| {
            for (value, seed) in generate(strategy, ctx.cases) {
                states.push(State {
                    fixture: None,
                    value,
                    malformed,
                });
                seeds.push(Some(seed));
            }
        };
        add(&strategy, false);
        if let Some(m) = &malformed {
            add(m, true);
        }
        Runs {
            script: script.script.clone(),
            sandbox,
            strategy,
            malformed,
            states,
            seeds,
            results: Vec::new(),
            slowest: Duration::ZERO,
            started,
            schema: ctx
                .schemas
                .filter(|_| !script.is_wildcard())
                .and_then(|s| s.lookup(&script.group, &script.kind))
                .map(|s| s.schema.clone()),
            co,
        }
    }

    /// Which conditions the operator writes `True` together, as learnt for the realistic states.
    pub fn co_truth(&self) -> &CoTruth {
        &self.co
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
        let (index, (state, what)) = self
            .ran()
            .enumerate()
            .find_map(|(i, (s, r))| shows(self, &s.value, r).map(|what| (i, (s, what))))?;
        if state.fixture.is_some() {
            return Some(Shown {
                what,
                example: state.value.clone(),
                fixture: state.fixture.clone(),
                malformed: false,
            });
        }
        // A realistic example stays one while it shrinks: stored as an API server stores it,
        // with the schema's required fields.
        let stored = |v: &Value| {
            (state.malformed || super::realistic::stored(v, &self.co))
                && self
                    .schema
                    .as_ref()
                    .is_none_or(|s| super::crd::keeps_required(s, v))
        };
        let still = |v: &Value| match self.spent() || !stored(v) {
            true => None,
            false => shows(self, v, &self.run(v)),
        };
        let strategy = match (&self.malformed, state.malformed) {
            (Some(m), true) => m,
            _ => &self.strategy,
        };
        let small = match self.seeds.get(index).cloned().flatten() {
            Some(seed) => shrink(strategy, seed, &still).unwrap_or_else(|| state.value.clone()),
            None => state.value.clone(),
        };
        let small = super::shrink::minimize(small, &|v| still(v).is_some());
        Some(Shown {
            what: still(&small).unwrap_or(what),
            example: small,
            fixture: None,
            malformed: state.malformed,
        })
    }
}

/// Most runs one shrinking may take: enough to reach a small state, bounded so that a script
/// slow on every state does not hold the audit.
const SHRINK_STEPS: usize = 256;

/// The smallest state that still shows the problem, by proptest's shrinking of the tree drawn
/// from `seed` (the state that showed it): simplify while the problem shows, complicate back
/// when it stops showing, as proptest's own runner does, without drawing new states.
fn shrink(
    strategy: &BoxedStrategy<Value>,
    seed: TestRng,
    still: &dyn Fn(&Value) -> Option<String>,
) -> Option<Value> {
    let mut runner = TestRunner::new_with_rng(Config::default(), seed);
    let mut tree = strategy.new_tree(&mut runner).ok()?;
    let mut best = tree.current();
    still(&best)?;
    if !tree.simplify() {
        return Some(best);
    }
    for _ in 0..SHRINK_STEPS {
        let v = tree.current();
        let more = if still(&v).is_some() {
            best = v;
            tree.simplify()
        } else {
            tree.complicate()
        };
        if !more {
            break;
        }
    }
    Some(best)
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
                    malformed: false,
                });
            }
        }
    }
    out
}

/// The `apiVersion` and `kind` generated states claim, as real objects of the key would.
fn identity(script: &Script, ctx: &Context<'_>) -> (String, String) {
    if script.is_wildcard() {
        return ("example.ibm.com/v1".to_owned(), "Example".to_owned());
    }
    let version = ctx
        .schemas
        .and_then(|s| s.lookup(&script.group, &script.kind))
        .map_or("v1", |s| s.version.as_str());
    let api = if script.group.is_empty() {
        version.to_owned()
    } else {
        format!("{}/{version}", script.group)
    };
    (api, script.kind.clone())
}

/// Realistic states for the script, learnt from what it reads, this crate's rule for its kind,
/// the kind's schema (with `--crds`), the fixtures of its kind and what the script says on each
/// condition alone (run in `sandbox`).
fn realistic(
    script: &Script,
    ctx: &Context<'_>,
    fixtures: &[Value],
    sandbox: &Sandbox,
) -> (BoxedStrategy<Value>, CoTruth) {
    let (api, kind) = identity(script, ctx);
    let mut shape = Shape::new(&api, &kind);
    shape.learn_script(&lua_check::reads(&script.script));
    if let Some(e) = ours(script, ctx) {
        let v = states::Vocabulary::of(&e.rule);
        // The types the rule's selectors name: the property tests' vocabulary adds `Running`
        // to every rule, which only an Ansible-based operator writes.
        let mut named = Vec::new();
        for sel in e.rule.condition_selectors() {
            if let crate::rule::TextMatch::OneOf(ts) | crate::rule::TextMatch::NoneOf(ts) =
                &sel.type_
            {
                named.extend(ts.iter().cloned());
            }
        }
        let types: Vec<String> = v
            .condition_types
            .into_iter()
            .filter(|t| named.contains(t))
            .collect();
        shape.learn_words(&types, &v.words);
    }
    if let Some(schema) = ctx
        .schemas
        .filter(|_| !script.is_wildcard())
        .and_then(|s| s.lookup(&script.group, &script.kind))
    {
        shape.learn_schema(&schema.schema);
        shape.namespaced = schema.namespaced;
    }
    shape.learn_fixtures(fixtures);
    learn_branches(&mut shape, script, sandbox, &api, &kind);
    (shape.strategy(), shape.co)
}

/// Teaches `shape` what the script says on each condition type alone (see
/// [`super::realistic::CoTruth::learn_branches`]).
fn learn_branches(shape: &mut Shape, script: &Script, sandbox: &Sandbox, api: &str, kind: &str) {
    let verdict = |t: &str, s: &str| -> Option<(String, String)> {
        let obj = serde_json::json!({
            "apiVersion": api, "kind": kind,
            "metadata": {"name": "probe", "namespace": "test", "generation": 1},
            "spec": {},
            // The operator has seen the latest spec: a script that waits for that first
            // reads the conditions.
            "status": {"observedGeneration": 1,
                "conditions": [{"type": t, "status": s, "reason": "Probe",
                "message": "", "lastTransitionTime": "2026-01-02T00:00:00Z"}]},
        });
        match sandbox.run(&script.script, &obj).ok()?.outcome {
            crate::argocd::runtime::Outcome::Health(h) => Some((h.status.to_string(), h.message)),
            _ => None,
        }
    };
    let mut types = shape.condition_types.clone();
    types.truncate(super::realistic::MAX_TYPES);
    shape.co.learn_branches(&types, &verdict);
    // A wildcard key (`*.mas.ibm.com/*`) is judged by its group.
    let keyed = if script.is_wildcard() {
        "*"
    } else {
        script.kind.as_str()
    };
    shape.co.ansible |= super::vocabulary::ansible_based(&script.group, keyed);
}

/// Malformed states (`--malformed`): from our rule for its kind when there is one, from what
/// the script reads otherwise, with any type anywhere, claiming to be the kind the script is
/// keyed under.
fn malformed(script: &Script, ctx: &Context<'_>) -> BoxedStrategy<Value> {
    let vocab = ours(script, ctx)
        .map(|e| e.rule.clone())
        .unwrap_or_else(|| vocabulary_rule(&script.script));
    let (api, kind) = identity(script, ctx);
    states::objects_for(&vocab)
        .prop_map(move |mut v| {
            if let Some(m) = v.as_object_mut() {
                m.insert("apiVersion".to_owned(), Value::String(api.clone()));
                m.insert("kind".to_owned(), Value::String(kind.clone()));
            }
            v
        })
        .boxed()
}

fn generate(strategy: &BoxedStrategy<Value>, cases: u32) -> Vec<(Value, TestRng)> {
    let mut runner = deterministic(cases);
    (0..cases)
        .filter_map(|_| {
            let seed = runner.rng().clone();
            let value = strategy.new_tree(&mut runner).ok()?.current();
            Some((value, seed))
        })
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
            malformed: false,
            schemas: None,
            live: None,
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
