//! A rule compiled once into an evaluation plan, for callers that evaluate many objects with one
//! rule: every field the rule reads is looked up once, `status.conditions` is scanned once
//! recording the first match of every selector (the emitted Lua's shape), and the clauses are
//! then decided over those results. Nothing is allocated until the verdict's message is rendered
//! (a rule with more reads than fit on the stack keeps them in one allocation).
//!
//! This is the one native evaluator: [`crate::evaluate`], [`crate::assess`], [`crate::explain`]
//! and every command run a plan. The interpreter in `eval.rs` is its test oracle: the
//! differential tests hold their verdicts equal.

use super::context::EvalContext;
use super::eval::{is_zero, scalar_eq, scalars_equal};
use super::model::{
    ConditionSelector, Health, Lookup, Message, Part, Path, Predicate, Rule, Scalar, Status,
    TextMatch,
};
use super::strings::same;
use crate::rule::CONDITIONS;
use serde_json::Value;

/// Reads a plan keeps on the stack (the object itself, every table on the way to a field, the
/// fields, and the matched conditions); a rule that needs more keeps them on the heap.
const SLOTS: usize = 24;

/// Distinct strings per condition field (type, status, reason) a selector's set holds as the
/// bits of a `u64`; a larger set is a sorted list of word numbers.
const WORDS: usize = 64;

/// A compiled test over the reads.
#[derive(Debug, Clone)]
enum Test {
    Always,
    Exists(usize),
    OneOf(usize, Vec<Scalar>),
    Condition(usize),
    Equal(usize, usize),
    Differ(usize, usize),
    Observed { desired: usize, observed: usize },
    All(Vec<Test>),
    Any(Vec<Test>),
    Not(Box<Test>),
}

/// Where a message part reads from.
#[derive(Debug, Clone)]
enum Slot {
    Field(usize),
    Condition(usize, Box<str>),
}

/// A compiled message part.
#[derive(Debug, Clone)]
enum Piece {
    Text(Box<str>),
    Read {
        slot: Slot,
        prefix: Box<str>,
        fallback: Box<str>,
    },
}

/// A compiled verdict: status and message pieces.
#[derive(Debug, Clone)]
struct Verdict {
    status: Status,
    pieces: Vec<Piece>,
}

/// One field read: `key` of the table in slot `parent` (slot 0 is the object), into the slot
/// after every earlier read. Paths share their prefixes, so `status` is looked up once.
#[derive(Debug, Clone)]
struct Step {
    parent: usize,
    key: Box<str>,
}

/// A set of interned strings: bit `i` stands for the `i`th word of its field, or, past
/// [`WORDS`] words, the sorted word numbers.
#[derive(Debug, Clone)]
enum Words {
    Bits(u64),
    Listed(Box<[u32]>),
}

/// A [`TextMatch`] over interned strings.
#[derive(Debug, Clone)]
enum Mask {
    Any,
    OneOf(Words),
    NoneOf(Words),
}

/// A condition selector over interned strings, in type, status, reason order.
#[derive(Debug, Clone)]
struct Matcher([Mask; 3]);

/// A rule compiled for evaluation: what every native verdict comes from.
#[derive(Debug, Clone)]
pub struct Plan {
    steps: Vec<Step>,
    /// The slot of `status.conditions`, when the rule tests conditions.
    conditions: Option<usize>,
    /// The strings the selectors test, per condition field (type, status, reason).
    words: [Vec<Box<str>>; 3],
    matchers: Vec<Matcher>,
    clauses: Vec<(Test, Verdict)>,
    default: Verdict,
    /// Every path the rule reads ([`Rule::paths_read`]'s order) and its slot, for explanations.
    paths: Vec<(Path, usize)>,
    /// Whether the reads fit in [`SLOTS`] on the stack.
    fits: bool,
}

/// The verdict of a plan and the clause that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The verdict.
    pub health: Health,
    /// The index in the rule's clauses of the clause that decided; `None` when the rule's
    /// default applied.
    pub clause: Option<usize>,
}

/// What one object offers the clauses: the fields and the first matching conditions, in
/// arrays on the stack or, for a rule with more reads, vectors.
struct Reads<S> {
    fields: S,
    matched: S,
}

/// Storage for the reads of one evaluation.
trait Slots<'v>: AsRef<[Option<&'v Value>]> + AsMut<[Option<&'v Value>]> {}
impl<'v, S: AsRef<[Option<&'v Value>]> + AsMut<[Option<&'v Value>]>> Slots<'v> for S {}

impl<'v, S: Slots<'v>> Reads<S> {
    #[inline]
    fn field(&self, i: usize) -> Option<&'v Value> {
        self.fields.as_ref()[i]
    }

    #[inline]
    fn matched(&self, i: usize) -> Option<&'v Value> {
        self.matched.as_ref()[i]
    }
}

impl Plan {
    /// Compiles `rule`.
    pub fn new(rule: &Rule) -> Plan {
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
        let c = Compiler {
            paths: &paths,
            slots: &slots,
            selectors: &selectors,
        };
        let clauses = rule
            .clauses
            .iter()
            .map(|cl| (c.test(&cl.when), c.verdict(cl.status, &cl.message)))
            .collect();
        let default = c.verdict(rule.default_status, &rule.default_message);
        Plan {
            fits: steps.len() < SLOTS && selectors.len() <= SLOTS,
            steps,
            conditions,
            words,
            matchers,
            clauses,
            default,
            paths: paths.into_iter().cloned().zip(slots).collect(),
        }
    }

    /// The verdict of the rule on `obj` (without Argo CD's pre-check for objects being deleted,
    /// which [`crate::evaluate`] adds): what the emitted script returns.
    #[inline]
    pub fn evaluate(&self, obj: &Value, ctx: &EvalContext) -> Health {
        self.decide(obj, ctx).health
    }

    /// The verdict on `obj` and the clause that decided it. The context is not read yet: it is
    /// here so that predicates on time will add no parameter.
    pub fn decide(&self, obj: &Value, _ctx: &EvalContext) -> Decision {
        if self.fits {
            self.decide_on(&self.read(obj, [None; SLOTS]))
        } else {
            self.decide_on(&self.read(obj, self.heap()))
        }
    }

    /// [`Plan::decide`], with every path the rule reads and its value on `obj` (`None`: absent
    /// or null), in [`Rule::paths_read`]'s order: what `mas-health explain` shows.
    pub fn decide_reading<'p, 'v>(
        &'p self,
        obj: &'v Value,
        _ctx: &EvalContext,
    ) -> (Decision, Vec<(&'p Path, Option<&'v Value>)>) {
        let r = self.read(obj, self.heap());
        let read = self.paths.iter().map(|(p, i)| (p, r.field(*i))).collect();
        (self.decide_on(&r), read)
    }

    /// Whether the rule tests `status.conditions`.
    pub fn reads_conditions(&self) -> bool {
        self.conditions.is_some()
    }

    /// Empty reads on the heap, for a rule whose reads do not fit in [`SLOTS`].
    fn heap<'v>(&self) -> Vec<Option<&'v Value>> {
        vec![None; (self.steps.len() + 1).max(self.matchers.len())]
    }

    #[inline]
    fn decide_on<'v, S: Slots<'v>>(&self, r: &Reads<S>) -> Decision {
        let (clause, verdict) = match self.clauses.iter().position(|(t, _)| holds(t, r)) {
            Some(i) => (Some(i), &self.clauses[i].1),
            None => (None, &self.default),
        };
        Decision {
            health: Health::new(verdict.status, render(&verdict.pieces, r)),
            clause,
        }
    }

    /// Reads `obj` into `empty` (cloned for the matched conditions): the fields, then the
    /// first condition each selector matches.
    #[inline]
    fn read<'v, S: Slots<'v> + Clone>(&self, obj: &'v Value, empty: S) -> Reads<S> {
        let mut reads = Reads {
            fields: empty.clone(),
            matched: empty,
        };
        let fields = reads.fields.as_mut();
        fields[0] = Some(obj);
        for (i, s) in self.steps.iter().enumerate() {
            fields[i + 1] = fields[s.parent].and_then(|t| field(t, &s.key));
        }
        let Some(list) = self.conditions else {
            return reads;
        };
        let entries = fields[list]
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let matched = reads.matched.as_mut();
        let mut open = self.matchers.len();
        // As a script iterates them: tables only (objects, and arrays without string keys).
        for c in entries.iter().filter(|c| c.is_object() || c.is_array()) {
            let ids = self.ids(c);
            for (i, m) in self.matchers.iter().enumerate() {
                if matched[i].is_none() && m.matches(ids) {
                    matched[i] = Some(c);
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
        let mut seen = 0;
        for (k, v) in c.as_object().into_iter().flatten() {
            // Most keys of a condition differ from all three in length.
            let i = match k.len() {
                4 if same(k, "type") => 0,
                6 if same(k, "status") => 1,
                6 if same(k, "reason") => 2,
                _ => continue,
            };
            ids[i] = v.as_str().and_then(|s| self.word(i, s));
            seen += 1;
            // The rest (times, messages) is read by no selector.
            if seen == 3 {
                break;
            }
        }
        ids
    }

    /// The number of `s` among the words of condition field `field`: a scan, as a rule tests a
    /// few words of each field (a hash table of them measured slower).
    #[inline]
    fn word(&self, field: usize, s: &str) -> Option<u32> {
        self.words[field]
            .iter()
            .position(|w| same(w, s))
            .map(|p| p as u32)
    }
}

/// The slot of the last read of `keys`, adding the reads no earlier path made.
fn step<'r>(steps: &mut Vec<Step>, keys: impl Iterator<Item = &'r str>) -> usize {
    let mut slot = 0;
    for key in keys {
        slot = match steps
            .iter()
            .position(|s| s.parent == slot && &*s.key == key)
        {
            Some(i) => i + 1,
            None => {
                steps.push(Step {
                    parent: slot,
                    key: key.into(),
                });
                steps.len()
            }
        };
    }
    slot
}

/// A selector's set for one field before its form is chosen: whether it is `OneOf` (else
/// `NoneOf`), and the numbers of its words.
type WordSet = (bool, Vec<u32>);

/// The strings the selectors test, per condition field, and each selector as masks over them.
fn intern(selectors: &[&ConditionSelector]) -> ([Vec<Box<str>>; 3], Vec<Matcher>) {
    let mut words: [Vec<Box<str>>; 3] = Default::default();
    let mut numbers = |field: usize, set: &[String]| -> Vec<u32> {
        let list = &mut words[field];
        set.iter()
            .map(|s| {
                let i = list.iter().position(|w| **w == **s).unwrap_or_else(|| {
                    list.push(s.as_str().into());
                    list.len() - 1
                });
                i as u32
            })
            .collect()
    };
    let sets: Vec<[Option<WordSet>; 3]> = selectors
        .iter()
        .map(|sel| {
            let fields = [&sel.type_, &sel.status, &sel.reason];
            std::array::from_fn(|f| match fields[f] {
                TextMatch::Any => None,
                TextMatch::OneOf(set) => Some((true, numbers(f, set))),
                TextMatch::NoneOf(set) => Some((false, numbers(f, set))),
            })
        })
        .collect();
    // Bits only once every word of the field is known: its count decides the form.
    let counts = [words[0].len(), words[1].len(), words[2].len()];
    let matchers = sets
        .into_iter()
        .map(|fields| {
            let mut f = 0;
            Matcher(fields.map(|set| {
                let wide = counts[f] > WORDS;
                f += 1;
                match set {
                    None => Mask::Any,
                    Some((true, n)) => Mask::OneOf(Words::of(n, wide)),
                    Some((false, n)) => Mask::NoneOf(Words::of(n, wide)),
                }
            }))
        })
        .collect();
    (words, matchers)
}

impl Words {
    fn of(mut numbers: Vec<u32>, wide: bool) -> Words {
        if wide {
            numbers.sort_unstable();
            Words::Listed(numbers.into())
        } else {
            Words::Bits(numbers.iter().fold(0, |bits, i| bits | 1 << i))
        }
    }

    #[inline]
    fn contains(&self, id: Option<u32>) -> bool {
        id.is_some_and(|i| match self {
            Words::Bits(bits) => bits & (1 << i) != 0,
            Words::Listed(list) => list.binary_search(&i).is_ok(),
        })
    }
}

impl Matcher {
    /// [`super::eval::text_matches`] for each field: a string is in a set when it is one of
    /// the words and the set holds that word.
    #[inline]
    fn matches(&self, ids: [Option<u32>; 3]) -> bool {
        self.0.iter().zip(ids).all(|(m, id)| match m {
            Mask::Any => true,
            Mask::OneOf(words) => words.contains(id),
            Mask::NoneOf(words) => !words.contains(id),
        })
    }
}

fn holds<'v, S: Slots<'v>>(t: &Test, r: &Reads<S>) -> bool {
    match t {
        Test::Always => true,
        Test::Exists(i) => r.field(*i).is_some(),
        Test::OneOf(i, values) => r
            .field(*i)
            .is_some_and(|v| values.iter().any(|s| scalar_eq(v, s))),
        Test::Condition(i) => r.matched(*i).is_some(),
        Test::Equal(a, b) => {
            both(r, *a, *b).is_some_and(|(x, y)| scalars_equal(x, y) == Some(true))
        }
        Test::Differ(a, b) => {
            both(r, *a, *b).is_some_and(|(x, y)| scalars_equal(x, y) == Some(false))
        }
        Test::Observed { desired, observed } => {
            let seen = r.field(*observed);
            seen.is_some() && !same_tree(r.field(*desired), seen)
        }
        Test::All(ts) => ts.iter().all(|t| holds(t, r)),
        Test::Any(ts) => ts.iter().any(|t| holds(t, r)),
        Test::Not(t) => !holds(t, r),
    }
}

/// A string-keyed field, as `t.key` reads it in Lua. Kubernetes status objects are small, and a
/// scan comparing keys costs far less than hashing the key (serde_json's map hashes with SipHash).
fn field<'v>(table: &'v Value, key: &str) -> Option<&'v Value> {
    member(table, key).filter(|v| !v.is_null())
}

/// `table[key]` (`null` included) when `table` is an object, found as [`field`] finds it: by a
/// scan of a small map, by its hash in a large one.
#[inline]
pub(crate) fn member<'v>(table: &'v Value, key: &str) -> Option<&'v Value> {
    member_in(table.as_object()?, key)
}

/// [`member`] of a map: set or `null`.
#[inline]
fn member_in<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= 16 {
        map.iter().find(|(k, _)| same(k, key)).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// [`super::eval::same_tree`] (the oracle, which collects each table's entries as Lua pairs
/// them) without allocating: objects are paired by key, arrays by position after their nulls.
fn same_tree(a: Option<&Value>, b: Option<&Value>) -> bool {
    if is_zero(a) && is_zero(b) {
        return true;
    }
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            // Lua's pairs skip nulls: a null value is an absent key.
            let set = |m, k| member_in(m, k).filter(|v| !v.is_null());
            x.iter()
                .filter(|(_, v)| !v.is_null())
                .all(|(k, v)| same_tree(Some(v), set(y, k)))
                && y.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| set(x, k).is_some() || is_zero(Some(v)))
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            let set = |v: &&Value| !v.is_null();
            let (mut x, mut y) = (x.iter().filter(set), y.iter().filter(set));
            loop {
                match (x.next(), y.next()) {
                    (None, None) => return true,
                    (p, q) if !same_tree(p, q) => return false,
                    _ => {}
                }
            }
        }
        // An array against an object: no key is in both, so only zero tables would be the same,
        // and those were answered above.
        (Some(Value::Array(_) | Value::Object(_)), Some(Value::Array(_) | Value::Object(_))) => {
            false
        }
        (Some(x), Some(y)) => scalars_equal(x, y) == Some(true),
        _ => false,
    }
}

fn both<'v, S: Slots<'v>>(r: &Reads<S>, a: usize, b: usize) -> Option<(&'v Value, &'v Value)> {
    Some((r.field(a)?, r.field(b)?))
}

fn render<'v, S: Slots<'v>>(pieces: &[Piece], r: &Reads<S>) -> String {
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
fn resolve<'a, 'v: 'a, S: Slots<'v>>(p: &'a Piece, r: &Reads<S>) -> impl Iterator<Item = &'a str> {
    let (first, second) = match p {
        Piece::Text(t) => (&**t, ""),
        Piece::Read {
            slot,
            prefix,
            fallback,
        } => {
            let v = match slot {
                Slot::Field(i) => r.field(*i),
                Slot::Condition(i, key) => r.matched(*i).and_then(|c| field(c, key)),
            };
            match v.and_then(Value::as_str).filter(|s| !s.is_empty()) {
                Some(s) => (&**prefix, s),
                None => (&**fallback, ""),
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

impl Compiler<'_, '_> {
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

    fn test(&self, p: &Predicate) -> Test {
        match p {
            Predicate::Always => Test::Always,
            Predicate::Exists(path) => Test::Exists(self.path(path)),
            Predicate::OneOf(path, values) => Test::OneOf(self.path(path), values.clone()),
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

    fn verdict(&self, status: Status, m: &Message) -> Verdict {
        let pieces =
            m.0.iter()
                .map(|part| match part {
                    Part::Text(t) => Piece::Text(t.as_str().into()),
                    Part::Read {
                        source,
                        prefix,
                        fallback,
                    } => Piece::Read {
                        slot: match source {
                            Lookup::Field(path) => Slot::Field(self.path(path)),
                            Lookup::Condition(sel, key) => {
                                Slot::Condition(self.selector(sel), key.as_str().into())
                            }
                        },
                        prefix: prefix.as_str().into(),
                        fallback: fallback.as_str().into(),
                    },
                })
                .collect();
        Verdict { status, pieces }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trees_compare_as_the_oracle_compares_them_without_allocating() {
        let values = [
            json!(null),
            json!(0),
            json!(1),
            json!(1.0),
            json!("1"),
            json!(""),
            json!(false),
            json!(true),
            json!([]),
            json!({}),
            json!([null, 0]),
            json!([1, 2]),
            json!([1, null, 2]),
            json!([2, 1]),
            json!([1, 2, 0]),
            json!([1, 2, 3]),
            json!({"a": 1}),
            json!({"a": 1, "b": null}),
            json!({"a": 1, "b": ""}),
            json!({"a": 1, "b": 2}),
            json!({"a": {"x": [1, {"y": null}]}}),
            json!({"a": {"x": [1, {"y": 0}]}}),
            json!({"a": {"x": [1, {"y": 3}]}}),
            json!([{"a": 1}]),
            json!({"1": 1}),
        ];
        let cases = values.iter().map(Some).chain([None]);
        for a in cases.clone() {
            for b in cases.clone() {
                assert_eq!(
                    same_tree(a, b),
                    super::super::eval::same_tree(a, b),
                    "{a:?} against {b:?}"
                );
            }
        }
    }
}
