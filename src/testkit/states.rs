//! Generated resource states for property tests and audits: objects built to hit the fields a
//! rule reads, with every shape Argo CD can hand a script (missing, null, wrong types, arrays
//! with nulls, conditions in any order, unicode).

use crate::rule::{Path, Predicate, Rule, Scalar, TextMatch};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The words a rule reads: paths, string literals and condition types.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Every field path the rule reads.
    pub paths: Vec<Path>,
    /// String literals the rule compares with (values, condition statuses and reasons).
    pub words: Vec<String>,
    /// Condition types the rule looks for.
    pub condition_types: Vec<String>,
    /// Values the rule tests a path for (from `OneOf` and `Exists`).
    pub choices: Vec<(Path, Vec<Value>)>,
    /// Pairs of (desired, observed) paths the rule compares as trees.
    pub mirrors: Vec<(Path, Path)>,
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn text_words(m: &TextMatch, out: &mut Vec<String>) {
    match m {
        TextMatch::Any => {}
        TextMatch::OneOf(s) | TextMatch::NoneOf(s) => {
            s.iter().for_each(|w| push_unique(out, w.clone()))
        }
    }
}

impl Vocabulary {
    /// Collects what `rule` reads. The paths are the rule's own list ([`Rule::paths_read`]),
    /// so a path a new predicate reads is generated without a change here.
    pub fn of(rule: &Rule) -> Vocabulary {
        let mut v = Vocabulary {
            paths: rule.paths_read().into_iter().cloned().collect(),
            ..Vocabulary::default()
        };
        for c in &rule.clauses {
            c.when.visit(&mut |p| v.add_predicate(p));
        }
        for sel in rule.condition_selectors() {
            let mut types = Vec::new();
            text_words(&sel.type_, &mut types);
            types
                .into_iter()
                .for_each(|t| push_unique(&mut v.condition_types, t));
            text_words(&sel.status, &mut v.words);
            text_words(&sel.reason, &mut v.words);
        }
        for w in ["True", "False", "Unknown", "OK"] {
            push_unique(&mut v.words, w.to_owned());
        }
        push_unique(&mut v.condition_types, "Running".to_owned());
        v
    }

    /// Records the values one predicate tests (its paths are in `paths` already). Every variant
    /// is named: a new predicate makes the compiler ask what states it needs.
    fn add_predicate(&mut self, p: &Predicate) {
        match p {
            Predicate::Exists(path) => {
                self.choices.push((path.clone(), vec![Value::from("x")]));
            }
            Predicate::OneOf(path, values) => {
                let literal = |s: &Scalar| match s {
                    Scalar::Str(s) => Value::from(s.as_str()),
                    Scalar::Num(n) => Value::from(*n),
                    Scalar::Bool(b) => Value::from(*b),
                };
                self.choices
                    .push((path.clone(), values.iter().map(literal).collect()));
                for s in values {
                    if let Scalar::Str(s) = s {
                        push_unique(&mut self.words, s.clone());
                    }
                }
            }
            Predicate::ObservedDiffers { desired, observed } => {
                push_unique(&mut self.mirrors, (desired.clone(), observed.clone()));
            }
            // Two fields compared with each other: any values of the vocabulary's words.
            Predicate::FieldsEqual(..) | Predicate::FieldsDiffer(..) => {}
            // Conditions come from the rule's selectors; `visit` reaches the nested predicates.
            Predicate::Always
            | Predicate::Condition(_)
            | Predicate::All(_)
            | Predicate::Any(_)
            | Predicate::Not(_) => {}
        }
    }
}

/// Strings that break naive scripts: empty, quotes, brackets, NUL, multi-byte text.
const AWKWARD: &[&str] = &[
    "",
    "x",
    "9.1.0",
    "9.2.0",
    "quote \" and backslash \\",
    "]] long bracket [[",
    "nul\u{0}byte",
    "ünïcødé ✓ 日本",
    "line\nbreak",
];

fn any_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => proptest::sample::select(AWKWARD).prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        (-3i64..10).prop_map(Value::from),
        Just(Value::from(9007199254740993u64)),
        Just(Value::from(0.5)),
        Just(Value::from(9.1)),
        Just(Value::from(-1e300)),
    ]
    .boxed()
}

/// Any JSON value, nested a few levels.
pub fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn word(words: Vec<String>) -> BoxedStrategy<Value> {
    if words.is_empty() {
        return any_string().prop_map(Value::String).boxed();
    }
    prop_oneof![
        4 => proptest::sample::select(words).prop_map(Value::String),
        1 => any_string().prop_map(Value::String),
    ]
    .boxed()
}

/// A value for a field the rule reads: mostly words it compares with, sometimes anything.
fn field_value(v: &Vocabulary) -> BoxedStrategy<Value> {
    prop_oneof![
        6 => word(v.words.clone()),
        1 => Just(Value::Null),
        1 => number(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any_json(),
        2 => source_list(v),
    ]
    .boxed()
}

/// Small trees (objects and lists) drawn from few keys and values, zero values included, so
/// that two of them are often equal, or equal but for unset fields.
fn source_list(_v: &Vocabulary) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        4 => proptest::sample::select(vec!["a", "b", ""]).prop_map(|s| Value::String(s.to_owned())),
        1 => Just(Value::Null),
        1 => Just(Value::from(0)),
        1 => Just(Value::from(1)),
        1 => any::<bool>().prop_map(Value::Bool),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        let keys = proptest::sample::select(vec!["repoURL", "path", "targetRevision", "env"]);
        prop_oneof![
            proptest::collection::vec((keys, inner.clone()), 0..4).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
            proptest::collection::vec(inner, 0..3).prop_map(Value::Array),
        ]
    })
    .boxed()
}

/// One entry of `status.conditions`.
fn condition(v: &Vocabulary) -> BoxedStrategy<Value> {
    let opt = |s: BoxedStrategy<Value>| -> BoxedStrategy<Option<Value>> {
        prop_oneof![6 => s.prop_map(Some), 1 => Just(None), 1 => Just(Some(Value::Null))].boxed()
    };
    let types = v.condition_types.clone();
    let ty = prop_oneof![
        8 => proptest::sample::select(types).prop_map(Value::String),
        1 => any_string().prop_map(Value::String),
        1 => number(),
    ]
    .boxed();
    let status = prop_oneof![
        8 => proptest::sample::select(vec!["True", "False", "Unknown", "OK"])
            .prop_map(|s| Value::String(s.to_owned())),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any_json(),
    ]
    .boxed();
    let reason = word(v.words.clone());
    let message = prop_oneof![
        5 => any_string().prop_map(Value::String),
        1 => number(),
        1 => any_json(),
    ]
    .boxed();
    let entry = (
        opt(ty),
        opt(status),
        opt(reason),
        opt(message),
        any::<bool>(),
    )
        .prop_map(|(t, s, r, m, ansible)| {
            let mut c = Map::new();
            for (k, v) in [("type", t), ("status", s), ("reason", r), ("message", m)] {
                if let Some(v) = v {
                    c.insert(k.to_owned(), v);
                }
            }
            if ansible {
                c.insert(
                    "ansibleResult".to_owned(),
                    serde_json::json!({"changed": 0, "failures": 1, "ok": 5}),
                );
            }
            Value::Object(c)
        });
    prop_oneof![
        10 => entry,
        1 => Just(Value::Null),
        1 => any_json(),
    ]
    .boxed()
}

pub(crate) fn set(obj: &mut Value, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *obj = value;
        return;
    };
    if !obj.is_object() {
        *obj = Value::Object(Map::new());
    }
    if let Value::Object(m) = obj {
        let slot = m.entry(first.clone()).or_insert(Value::Null);
        set(slot, rest, value);
    }
}

/// States for `rule` that Argo CD could hand a script: always an object at the top (a
/// Kubernetes object is), with anything inside.
pub fn objects_for(rule: &Rule) -> BoxedStrategy<Value> {
    states_for(rule)
        .prop_filter("a Kubernetes object is a map", Value::is_object)
        .boxed()
}

/// One condition of every type the rule reads, mostly True, in random order: the states where
/// several conditions hold at once and only priority (never order) may decide.
fn consistent_conditions(v: &Vocabulary) -> BoxedStrategy<Vec<Value>> {
    let mut reasons = vec![String::new()];
    reasons.extend(v.words.iter().cloned());
    let types = v.condition_types.clone();
    proptest::collection::vec(
        (
            prop_oneof![3 => Just("True"), 2 => Just("False"), 1 => Just("Unknown"), 2 => Just("")],
            proptest::sample::select(reasons),
            0u8..9,
        ),
        v.condition_types.len(),
    )
    .prop_map(move |statuses| {
        types
            .iter()
            .zip(statuses)
            .filter(|(_, (s, _, _))| !s.is_empty())
            .map(|(t, (s, r, m))| {
                // Mostly a text message; now and then one of another type, as a broken
                // operator or a hand-edited object may carry.
                let message = match m {
                    7 => Value::from(5),
                    8 => serde_json::json!({"text": t}),
                    _ => Value::String(format!("{t} is {s}")),
                };
                let mut c = serde_json::json!({"type": t, "status": s, "message": message});
                if !r.is_empty() {
                    c["reason"] = Value::String(r);
                }
                c
            })
            .collect::<Vec<Value>>()
    })
    .prop_shuffle()
    .boxed()
}

/// `status.conditions`: any entries, the consistent set plus a few, absent, or not a list.
fn conditions(v: &Vocabulary) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        5 => proptest::collection::vec(condition(v), 0..9).prop_map(Value::Array).prop_map(Some),
        5 => (consistent_conditions(v), proptest::collection::vec(condition(v), 0..3)).prop_map(|(mut a, b)| {
            a.extend(b);
            Some(Value::Array(a))
        }),
        1 => Just(None),
        1 => any_json().prop_map(Some),
    ]
    .boxed()
}

/// For every tested path, maybe one of the values the rule looks for, so clauses that need
/// several fields at once are reached too.
fn choices(v: &Vocabulary) -> Vec<BoxedStrategy<Option<(Path, Value)>>> {
    v.choices
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(path, values)| {
            let path = path.clone();
            proptest::option::of(proptest::sample::select(values.clone()))
                .prop_map(move |v| v.map(|v| (path.clone(), v)))
                .boxed()
        })
        .collect()
}

/// How drawn values become an object: the paths fields are set at, and the mirrored pairs.
struct Plan {
    paths: Vec<Path>,
    mirrors: Vec<(Path, Path)>,
}

impl Plan {
    /// The object for one draw of fields, conditions, chosen values and mirror flags.
    fn build(
        &self,
        fields: &[(usize, Value)],
        conditions: Option<&Value>,
        chosen: Vec<Option<(Path, Value)>>,
        flags: &[u8],
    ) -> Value {
        let mut obj = serde_json::json!({
            "apiVersion": "example.ibm.com/v1",
            "kind": "Example",
            "metadata": {"name": "generated", "namespace": "test"},
        });
        // Fields before or after the conditions: either may overwrite the other's container.
        let fields_first = fields.len().is_multiple_of(2);
        if fields_first {
            self.apply_fields(&mut obj, fields);
        }
        if let Some(c) = conditions {
            set(
                &mut obj,
                &["status".to_owned(), "conditions".to_owned()],
                c.clone(),
            );
        }
        if !fields_first {
            self.apply_fields(&mut obj, fields);
        }
        if fields.len().is_multiple_of(3) {
            for (path, value) in chosen.into_iter().flatten() {
                set(&mut obj, path.keys(), value);
            }
        }
        self.apply_mirrors(&mut obj, flags);
        obj
    }

    fn apply_fields(&self, obj: &mut Value, fields: &[(usize, Value)]) {
        for (i, value) in fields {
            set(obj, self.paths[*i].keys(), value.clone());
        }
    }

    /// Sometimes the observed copy equals the desired tree, give or take unset fields.
    fn apply_mirrors(&self, obj: &mut Value, flags: &[u8]) {
        for ((desired, observed), flag) in self.mirrors.iter().zip(flags) {
            if *flag == 0 {
                continue;
            }
            let mut copy = crate::rule::eval::get(obj, desired)
                .cloned()
                .unwrap_or(Value::Null);
            if *flag == 2 {
                if let Value::Object(m) = &mut copy {
                    m.insert("unset".to_owned(), Value::String(String::new()));
                }
            }
            set(obj, observed.keys(), copy);
        }
    }
}

/// States for `rule`: objects whose fields are set from what the rule reads (and, rarely, a
/// top-level value that is not an object, to prove generated scripts guard even that).
pub fn states_for(rule: &Rule) -> BoxedStrategy<Value> {
    let v = Vocabulary::of(rule);
    let mut paths = v.paths.clone();
    // The containers themselves sometimes get a wrong type.
    for p in ["status", "status.conditions"] {
        push_unique(&mut paths, Path::parse(p));
    }
    let n = paths.len();
    let fields = proptest::collection::vec((0..n, field_value(&v)), 0..(n * 2 + 1));
    let shape = prop_oneof![20 => Just(true), 1 => Just(false)];
    let mirror_flags = proptest::collection::vec(0u8..4, v.mirrors.len());
    let plan = Plan {
        paths,
        mirrors: v.mirrors.clone(),
    };
    (
        fields,
        conditions(&v),
        shape,
        any_json(),
        choices(&v),
        mirror_flags,
    )
        .prop_map(
            move |(fields, conditions, is_object, other, chosen, flags)| {
                if !is_object {
                    return other;
                }
                plan.build(&fields, conditions.as_ref(), chosen, &flags)
            },
        )
        .boxed()
}
