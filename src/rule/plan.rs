//! A rule compiled once into an evaluation plan, for callers that evaluate many objects with one
//! rule: every field the rule reads is looked up once, `status.conditions` is scanned once
//! recording the first match of every selector (the emitted Lua's shape), and the clauses are
//! then decided over those results. Nothing is allocated until the verdict's message is rendered.
//! Verdicts are those of [`super::eval::evaluate_rule`]; the differential tests hold them equal.

use super::eval::{same_tree, scalar_eq, scalars_equal};
use super::model::{
    ConditionSelector, Health, Message, Part, Path, Predicate, Rule, Scalar, Source, Status,
    TextMatch,
};
use crate::argocd::paths::CONDITIONS;
use serde_json::Value;

/// Reads a plan keeps on the stack; a rule that reads more falls back to the interpreter.
const SLOTS: usize = 24;

/// A compiled test over the reads.
#[derive(Debug, Clone)]
enum Test<'r> {
    Always,
    Exists(usize),
    OneOf(usize, &'r [Scalar]),
    Condition(usize),
    Equal(usize, usize),
    Differ(usize, usize),
    Observed { desired: usize, observed: usize },
    All(Vec<Test<'r>>),
    Any(Vec<Test<'r>>),
    Not(Box<Test<'r>>),
}

/// Where a message part reads from.
#[derive(Debug, Clone)]
enum Slot<'r> {
    Field(usize),
    Condition(usize, &'r str),
}

/// A compiled message part.
#[derive(Debug, Clone)]
enum Piece<'r> {
    Text(&'r str),
    Read {
        slot: Slot<'r>,
        prefix: &'r str,
        fallback: &'r str,
    },
}

/// A compiled verdict: status and message pieces.
#[derive(Debug, Clone)]
struct Outcome<'r> {
    status: Status,
    pieces: Vec<Piece<'r>>,
}

/// A rule compiled for repeated evaluation.
#[derive(Debug, Clone)]
pub struct Plan<'r> {
    rule: &'r Rule,
    paths: Vec<&'r Path>,
    selectors: Vec<&'r ConditionSelector>,
    clauses: Vec<(Test<'r>, Outcome<'r>)>,
    default: Outcome<'r>,
    fits: bool,
}

/// What one object offers the clauses: the fields and the first matching conditions.
struct Reads<'v> {
    fields: [Option<&'v Value>; SLOTS],
    matched: [Option<&'v Value>; SLOTS],
}

impl<'r> Plan<'r> {
    /// Compiles `rule`.
    pub fn new(rule: &'r Rule) -> Plan<'r> {
        let paths = rule.paths_read();
        let selectors = rule.condition_selectors();
        let fits = paths.len() <= SLOTS && selectors.len() <= SLOTS;
        let c = Compiler {
            paths: &paths,
            selectors: &selectors,
        };
        let clauses = rule
            .clauses
            .iter()
            .map(|cl| (c.test(&cl.when), c.outcome(cl.status, &cl.message)))
            .collect();
        let default = c.outcome(rule.default_status, &rule.default_message);
        Plan {
            rule,
            paths,
            selectors,
            clauses,
            default,
            fits,
        }
    }

    /// The rule this plan was compiled from.
    pub fn rule(&self) -> &'r Rule {
        self.rule
    }

    /// Evaluates the plan on `obj`: the verdict [`super::eval::evaluate_rule`] gives.
    pub fn evaluate(&self, obj: &Value) -> Health {
        if !self.fits {
            return super::eval::evaluate_rule(self.rule, obj);
        }
        let reads = self.read(obj);
        let outcome = self
            .clauses
            .iter()
            .find(|(t, _)| holds(t, &reads))
            .map_or(&self.default, |(_, o)| o);
        Health::new(outcome.status, render(&outcome.pieces, &reads))
    }

    fn read<'v>(&self, obj: &'v Value) -> Reads<'v> {
        let mut reads = Reads {
            fields: [None; SLOTS],
            matched: [None; SLOTS],
        };
        for (slot, path) in reads.fields.iter_mut().zip(&self.paths) {
            *slot = get(obj, path);
        }
        if self.selectors.is_empty() {
            return reads;
        }
        let mut open = self.selectors.len();
        let [status, list] = CONDITIONS;
        let entries = field(obj, status)
            .and_then(|s| field(s, list))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        // As a script iterates them: tables only (objects, and arrays without string keys).
        for c in entries.iter().filter(|c| c.is_object() || c.is_array()) {
            // One walk over the condition's keys reads all three fields a selector tests.
            let seen = Seen::of(c);
            for (i, sel) in self.selectors.iter().enumerate() {
                if reads.matched[i].is_none() && seen.matches(sel) {
                    reads.matched[i] = Some(c);
                    open -= 1;
                }
            }
            if open == 0 {
                break;
            }
        }
        reads
    }
}

/// The fields of one condition a selector tests.
struct Seen<'v> {
    type_: Option<&'v Value>,
    status: Option<&'v Value>,
    reason: Option<&'v Value>,
}

impl<'v> Seen<'v> {
    fn of(c: &'v Value) -> Seen<'v> {
        let mut seen = Seen {
            type_: None,
            status: None,
            reason: None,
        };
        for (k, v) in c.as_object().into_iter().flatten() {
            let slot = match k.as_str() {
                "type" => &mut seen.type_,
                "status" => &mut seen.status,
                "reason" => &mut seen.reason,
                _ => continue,
            };
            *slot = (!v.is_null()).then_some(v);
        }
        seen
    }

    fn matches(&self, sel: &ConditionSelector) -> bool {
        text(&sel.type_, self.type_)
            && text(&sel.status, self.status)
            && text(&sel.reason, self.reason)
    }
}

/// [`super::eval::text_matches`], inlined into the scan: it runs for every condition and
/// selector.
#[inline]
fn text(m: &TextMatch, v: Option<&Value>) -> bool {
    let s = v.and_then(Value::as_str);
    match m {
        TextMatch::Any => true,
        TextMatch::OneOf(set) => s.is_some_and(|s| set.iter().any(|x| x == s)),
        TextMatch::NoneOf(set) => !s.is_some_and(|s| set.iter().any(|x| x == s)),
    }
}

fn holds(t: &Test<'_>, r: &Reads<'_>) -> bool {
    match t {
        Test::Always => true,
        Test::Exists(i) => r.fields[*i].is_some(),
        Test::OneOf(i, values) => {
            r.fields[*i].is_some_and(|v| values.iter().any(|s| scalar_eq(v, s)))
        }
        Test::Condition(i) => r.matched[*i].is_some(),
        Test::Equal(a, b) => {
            both(r, *a, *b).is_some_and(|(x, y)| scalars_equal(x, y) == Some(true))
        }
        Test::Differ(a, b) => {
            both(r, *a, *b).is_some_and(|(x, y)| scalars_equal(x, y) == Some(false))
        }
        Test::Observed { desired, observed } => {
            let seen = r.fields[*observed];
            seen.is_some() && !same_tree(r.fields[*desired], seen)
        }
        Test::All(ts) => ts.iter().all(|t| holds(t, r)),
        Test::Any(ts) => ts.iter().any(|t| holds(t, r)),
        Test::Not(t) => !holds(t, r),
    }
}

/// A string-keyed field, as `t.key` reads it in Lua. Kubernetes status objects are small, and a
/// scan comparing keys costs far less than hashing the key (serde_json's map hashes with SipHash).
fn field<'v>(table: &'v Value, key: &str) -> Option<&'v Value> {
    let map = table.as_object()?;
    let found = if map.len() <= 16 {
        map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        map.get(key)
    };
    found.filter(|v| !v.is_null())
}

/// The field at `path`, `None` when absent, null, or below a non-object.
fn get<'v>(obj: &'v Value, path: &Path) -> Option<&'v Value> {
    let mut cur = obj;
    for key in path.keys() {
        cur = field(cur, key)?;
    }
    Some(cur)
}

fn both<'v>(r: &Reads<'v>, a: usize, b: usize) -> Option<(&'v Value, &'v Value)> {
    Some((r.fields[a]?, r.fields[b]?))
}

fn render(pieces: &[Piece<'_>], r: &Reads<'_>) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Read {
                slot,
                prefix,
                fallback,
            } => {
                let v = match slot {
                    Slot::Field(i) => r.fields[*i],
                    Slot::Condition(i, key) => r.matched[*i].and_then(|c| field(c, key)),
                };
                match v.and_then(Value::as_str).filter(|s| !s.is_empty()) {
                    Some(s) => {
                        out.push_str(prefix);
                        out.push_str(s);
                    }
                    None => out.push_str(fallback),
                }
            }
        }
    }
    out
}

/// Turns predicates and messages into tests and pieces over read slots.
struct Compiler<'a, 'r> {
    paths: &'a [&'r Path],
    selectors: &'a [&'r ConditionSelector],
}

impl<'r> Compiler<'_, 'r> {
    fn path(&self, p: &Path) -> usize {
        self.paths
            .iter()
            .position(|q| *q == p)
            .expect("Rule::paths_read lists every path a predicate or message reads")
    }

    fn selector(&self, s: &ConditionSelector) -> usize {
        self.selectors
            .iter()
            .position(|q| *q == s)
            .expect("Rule::condition_selectors lists every selector the rule reads")
    }

    fn test(&self, p: &'r Predicate) -> Test<'r> {
        match p {
            Predicate::Always => Test::Always,
            Predicate::Exists(path) => Test::Exists(self.path(path)),
            Predicate::OneOf(path, values) => Test::OneOf(self.path(path), values),
            Predicate::Condition(sel) => Test::Condition(self.selector(sel)),
            Predicate::FieldsEqual(a, b) => Test::Equal(self.path(a), self.path(b)),
            Predicate::FieldsDiffer(a, b) => Test::Differ(self.path(a), self.path(b)),
            Predicate::ObservedDiffers { desired, observed } => Test::Observed {
                desired: self.path(desired),
                observed: self.path(observed),
            },
            Predicate::All(ps) => Test::All(ps.iter().map(|p| self.test(p)).collect()),
            Predicate::Any(ps) => Test::Any(ps.iter().map(|p| self.test(p)).collect()),
            Predicate::Not(p) => Test::Not(Box::new(self.test(p))),
        }
    }

    fn outcome(&self, status: Status, m: &'r Message) -> Outcome<'r> {
        let pieces =
            m.0.iter()
                .map(|part| match part {
                    Part::Text(t) => Piece::Text(t),
                    Part::Read {
                        source,
                        prefix,
                        fallback,
                    } => Piece::Read {
                        slot: match source {
                            Source::Field(path) => Slot::Field(self.path(path)),
                            Source::Condition(sel, key) => Slot::Condition(self.selector(sel), key),
                        },
                        prefix,
                        fallback,
                    },
                })
                .collect();
        Outcome { status, pieces }
    }
}
