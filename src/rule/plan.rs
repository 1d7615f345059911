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

/// Reads a plan keeps on the stack (the object itself, every table on the way to a field, the
/// fields, and the matched conditions); a rule that needs more falls back to the interpreter.
const SLOTS: usize = 24;

/// Distinct strings per condition field (type, status, reason) the selectors of one rule may
/// test: each string is a bit of a `u64`.
const WORDS: usize = 64;

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

/// One field read: `key` of the table in slot `parent` (slot 0 is the object), into the slot
/// after every earlier read. Paths share their prefixes, so `status` is looked up once.
#[derive(Debug, Clone)]
struct Step<'r> {
    parent: usize,
    key: &'r str,
}

/// A [`TextMatch`] over interned strings: bit `i` stands for the `i`th word of its field.
#[derive(Debug, Clone, Copy)]
enum Mask {
    Any,
    OneOf(u64),
    NoneOf(u64),
}

/// A condition selector over interned strings, in type, status, reason order.
#[derive(Debug, Clone)]
struct Matcher([Mask; 3]);

/// A rule compiled for repeated evaluation.
#[derive(Debug, Clone)]
pub struct Plan<'r> {
    rule: &'r Rule,
    steps: Vec<Step<'r>>,
    /// The slot of `status.conditions`, when the rule tests conditions.
    conditions: Option<usize>,
    /// The strings the selectors test, per condition field (type, status, reason).
    words: [Vec<&'r str>; 3],
    matchers: Vec<Matcher>,
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
        let mut steps = Vec::new();
        let slots: Vec<usize> = paths
            .iter()
            .map(|p| step(&mut steps, p.keys().iter().map(String::as_str)))
            .collect();
        let conditions =
            (!selectors.is_empty()).then(|| step(&mut steps, CONDITIONS.iter().copied()));
        let (words, matchers) = intern(&selectors);
        let fits = steps.len() < SLOTS
            && selectors.len() <= SLOTS
            && words.iter().all(|w| w.len() <= WORDS);
        let c = Compiler {
            paths: &paths,
            slots: &slots,
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
            steps,
            conditions,
            words,
            matchers,
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
        reads.fields[0] = Some(obj);
        for (i, s) in self.steps.iter().enumerate() {
            reads.fields[i + 1] = reads.fields[s.parent].and_then(|t| field(t, s.key));
        }
        let Some(list) = self.conditions else {
            return reads;
        };
        let entries = reads.fields[list]
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut open = self.matchers.len();
        // As a script iterates them: tables only (objects, and arrays without string keys).
        for c in entries.iter().filter(|c| c.is_object() || c.is_array()) {
            let ids = self.ids(c);
            for (i, m) in self.matchers.iter().enumerate() {
                if reads.matched[i].is_none() && m.matches(ids) {
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

    /// The word each of a condition's type, status and reason is (`None`: absent, not a
    /// string, or a string no selector tests), from one walk over its keys.
    fn ids(&self, c: &Value) -> [Option<u32>; 3] {
        let mut ids = [None; 3];
        for (k, v) in c.as_object().into_iter().flatten() {
            // Most keys of a condition differ from all three in length.
            let i = match k.len() {
                4 if same(k, "type") => 0,
                6 if same(k, "status") => 1,
                6 if same(k, "reason") => 2,
                _ => continue,
            };
            ids[i] = v
                .as_str()
                .and_then(|s| self.words[i].iter().position(|w| same(w, s)))
                .map(|p| p as u32);
        }
        ids
    }
}

/// The slot of the last read of `keys`, adding the reads no earlier path made.
fn step<'r>(steps: &mut Vec<Step<'r>>, keys: impl Iterator<Item = &'r str>) -> usize {
    let mut slot = 0;
    for key in keys {
        slot = match steps.iter().position(|s| s.parent == slot && s.key == key) {
            Some(i) => i + 1,
            None => {
                steps.push(Step { parent: slot, key });
                steps.len()
            }
        };
    }
    slot
}

/// The strings the selectors test, per condition field, and each selector as masks over them.
fn intern<'r>(selectors: &[&'r ConditionSelector]) -> ([Vec<&'r str>; 3], Vec<Matcher>) {
    let mut words: [Vec<&'r str>; 3] = Default::default();
    let mut mask = |field: usize, set: &'r [String]| -> u64 {
        let mut bits = 0u64;
        for s in set {
            let list = &mut words[field];
            let i = list.iter().position(|w| *w == s).unwrap_or_else(|| {
                list.push(s);
                list.len() - 1
            });
            // Over WORDS strings the plan does not fit and is never run.
            bits |= 1u64.checked_shl(i as u32).unwrap_or(0);
        }
        bits
    };
    let matchers = selectors
        .iter()
        .map(|sel| {
            let fields = [&sel.type_, &sel.status, &sel.reason];
            Matcher(std::array::from_fn(|f| match fields[f] {
                TextMatch::Any => Mask::Any,
                TextMatch::OneOf(set) => Mask::OneOf(mask(f, set)),
                TextMatch::NoneOf(set) => Mask::NoneOf(mask(f, set)),
            }))
        })
        .collect();
    (words, matchers)
}

impl Matcher {
    /// [`super::eval::text_matches`] for each field: a string is in a set when it is one of
    /// the words and the set's bit for that word is on.
    #[inline]
    fn matches(&self, ids: [Option<u32>; 3]) -> bool {
        self.0.iter().zip(ids).all(|(m, id)| {
            let hit = |bits: u64| id.is_some_and(|i| bits & (1 << i) != 0);
            match *m {
                Mask::Any => true,
                Mask::OneOf(bits) => hit(bits),
                Mask::NoneOf(bits) => !hit(bits),
            }
        })
    }
}

/// String equality that rejects most different keys by length and first byte before comparing
/// the rest: object keys and condition strings are short, and most comparisons fail.
/// Compared eight bytes at a time, inline: a call to `memcmp` costs more than these keys.
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.first() != b.first() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        if u64::from_ne_bytes(word(p)) != u64::from_ne_bytes(word(q)) {
            return false;
        }
    }
    let (p, q) = (x.remainder(), y.remainder());
    p.iter().zip(q).all(|(c, d)| c == d)
}

/// An eight-byte chunk as an array (`chunks_exact(8)` gives only such chunks).
#[inline]
fn word(chunk: &[u8]) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(chunk);
    w
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
        map.iter().find(|(k, _)| same(k, key)).map(|(_, v)| v)
    } else {
        map.get(key)
    };
    found.filter(|v| !v.is_null())
}

fn both<'v>(r: &Reads<'v>, a: usize, b: usize) -> Option<(&'v Value, &'v Value)> {
    Some((r.fields[a]?, r.fields[b]?))
}

fn render(pieces: &[Piece<'_>], r: &Reads<'_>) -> String {
    // Two passes over the pieces: the message is allocated once, at its final length.
    let len: usize = pieces
        .iter()
        .map(|p| resolve(p, r).map(str::len).sum::<usize>())
        .sum();
    let mut out = String::with_capacity(len);
    for p in pieces {
        for part in resolve(p, r) {
            out.push_str(part);
        }
    }
    out
}

/// The text of one piece: a literal, or a read's prefix and value, or its fallback.
fn resolve<'a>(p: &'a Piece<'_>, r: &Reads<'a>) -> impl Iterator<Item = &'a str> {
    let (first, second) = match p {
        Piece::Text(t) => (*t, ""),
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
                Some(s) => (*prefix, s),
                None => (*fallback, ""),
            }
        }
    };
    [first, second].into_iter()
}

/// Turns predicates and messages into tests and pieces over read slots.
struct Compiler<'a, 'r> {
    paths: &'a [&'r Path],
    /// The slot each path is read into.
    slots: &'a [usize],
    selectors: &'a [&'r ConditionSelector],
}

impl<'r> Compiler<'_, 'r> {
    fn path(&self, p: &Path) -> usize {
        let i = self
            .paths
            .iter()
            .position(|q| *q == p)
            .expect("Rule::paths_read lists every path a predicate or message reads");
        self.slots[i]
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
