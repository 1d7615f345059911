//! Realistic states: objects as an API server stores them. `status` is an object or absent,
//! `status.conditions` a list of objects whose `type`, `status`, `reason` and `message` are
//! strings, one condition per type, status `True`, `False` or `Unknown`, and two conditions that
//! exclude each other (`Ready` and `NotReady`) never both `True`. A field is absent rather than of
//! another type, and its values are those the fixtures, the script's own literals, this crate's
//! rule or the kind's CRD schema suggest. A finding shown on such a state is one an operator can
//! produce.

use crate::testkit::lua_check::{enum_like, Reads, Usage};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// What kind of value a field holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Leaf {
    /// A string, mostly one of these words.
    Text(Vec<String>),
    /// A string, always one of these (a schema's enum).
    Enum(Vec<String>),
    /// A small non-negative integer.
    Number,
    /// `true` or `false`.
    Bool,
    /// A list of small objects.
    List,
    /// A map of names to small objects.
    Map,
    /// One of the values fixtures hold there.
    Seen(Vec<Value>),
    /// Never present (a schema without the field: the API server prunes it).
    Pruned,
}

/// A field a state may set.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Where, from the top of the object (`status.phase`).
    pub path: Vec<String>,
    /// What it holds.
    pub leaf: Leaf,
    /// Present whenever its parent is (a schema's required field).
    pub required: bool,
}

/// What the realistic states of one script are built from.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// `apiVersion` of every state.
    pub api_version: String,
    /// `kind` of every state.
    pub kind: String,
    /// Condition types a state may carry, at most one condition of each.
    pub condition_types: Vec<String>,
    /// Reasons a condition may give.
    pub reasons: Vec<String>,
    /// Strings the script, rule or fixtures mention.
    pub words: Vec<String>,
    /// Fields other than the conditions.
    pub fields: Vec<Field>,
    /// What the script reads, for the field a literal is compared with.
    pub reads: Reads,
}

/// Condition types never tried: the statuses Argo CD itself knows are not condition types
/// worth generating, and the condition statuses are values, not types.
const NOT_TYPES: &[&str] = &["True", "False", "Unknown"];

/// The statuses a health script returns.
const ARGO_STATUSES: &[&str] = &["Healthy", "Progressing", "Degraded", "Suspended", "Missing"];

/// Most condition types a state draws from: more only dilute the ones the script names first.
const MAX_TYPES: usize = 16;

/// Paths whose last key names a count or generation, which Kubernetes stores as integers.
fn numeric_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["replicas", "generation", "count", "restarts", "number"]
        .iter()
        .any(|s| k.ends_with(s))
}

/// The leaf of a field Kubernetes defines under this name, whatever the script does with it.
fn known_field(path: &[String]) -> Option<Leaf> {
    match path.last().map(String::as_str) {
        Some("finalizers") => Some(Leaf::Seen(vec![
            serde_json::json!(["example.com/finalizer"]),
            serde_json::json!([]),
        ])),
        Some("labels" | "annotations") => Some(Leaf::Seen(vec![
            serde_json::json!({"app": "example"}),
            serde_json::json!({}),
        ])),
        Some("ownerReferences") => Some(Leaf::List),
        _ => None,
    }
}

/// The words a field at `path` may hold. An enum-like field holds none the script compares
/// only with fields of other names: an operator writes a reason in `reason` and a phase in
/// `phase`, so a literal the script looks for as a reason is not a phase.
fn words_for(path: &[String], words: &[String], reads: &Reads) -> Vec<String> {
    match path.last() {
        Some(k) if enum_like(k) => words
            .iter()
            .filter(|w| reads.may_be_value_of(k, w))
            .cloned()
            .collect(),
        _ => words.to_vec(),
    }
}

/// The leaf of a field whose use says nothing: a count is a number, a phase-like field one of
/// the script's literals that is a single word, anything else a string.
fn unknown_field(path: &[String], words: &[String]) -> Leaf {
    match path.last().map(String::as_str) {
        Some(k) if numeric_name(k) => Leaf::Number,
        Some(k) if enum_like(k) => Leaf::Text(
            words
                .iter()
                .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
                .cloned()
                .collect(),
        ),
        _ => Leaf::Text(Vec::new()),
    }
}

/// Whether `s` reads like a condition type (`Ready`, `ReconcileSuccess`).
fn looks_like_type(s: &str) -> bool {
    s.len() <= 40
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
        && !NOT_TYPES.contains(&s)
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|w| w == s) {
        v.push(s.to_owned());
    }
}

/// Whether conditions of types `a` and `b` cannot both be `True`: the same type (a list holds
/// one condition per type), one the negation of the other (`NotReady`, `Unavailable`), or the
/// two outcomes of one reconcile (an Ansible-based operator writes `Successful` after a
/// success and `Failure` after a failure, never both, as operator-sdk documents the status of
/// Ansible-based operators), or the verdict of one reconcile and its failure: a Go operator
/// derives both from the same error in one status write (3scale's sets `Synced` True when the
/// sync returned no error and `Failed` True when it did; kstatus' `Stalled`, as Pulumi's operator
/// writes it, comes with `Ready` False). `Ready` and `Failure` are not: the Ansible operator SDK
/// writes `Failure` on its own, beside the `Ready` an earlier run of the playbook wrote.
pub fn exclusive(a: &str, b: &str) -> bool {
    let negates = |neg: &str, base: &str| {
        ["Not", "Un"].iter().any(|p| {
            neg.strip_prefix(p)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(base))
        })
    };
    let outcome = |t: &str| match t {
        "Successful" | "Succeeded" => Some(true),
        "Failure" | "Failed" => Some(false),
        _ => None,
    };
    let opposite_outcomes = matches!((outcome(a), outcome(b)), (Some(x), Some(y)) if x != y);
    let verdict = |t: &str| match t {
        "Ready" | "Synced" => Some(true),
        "Failed" | "Stalled" => Some(false),
        _ => None,
    };
    let opposite_verdicts = matches!((verdict(a), verdict(b)), (Some(x), Some(y)) if x != y);
    a == b || negates(a, b) || negates(b, a) || opposite_outcomes || opposite_verdicts
}

/// Whether `conditions` could be stored by an operator: one per type, and no two exclusive
/// types both `True`.
pub fn producible(conditions: &[Value]) -> bool {
    let types: Vec<(&str, bool)> = conditions
        .iter()
        .filter_map(|c| {
            let t = c.get("type")?.as_str()?;
            Some((t, c.get("status").and_then(Value::as_str) == Some("True")))
        })
        .collect();
    types.iter().enumerate().all(|(i, (a, a_true))| {
        types[i + 1..]
            .iter()
            .all(|(b, b_true)| a != b && !(*a_true && *b_true && exclusive(a, b)))
    })
}

impl Shape {
    /// A shape for objects of `api_version` and `kind` with nothing learnt yet.
    pub fn new(api_version: &str, kind: &str) -> Shape {
        Shape {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            condition_types: Vec::new(),
            reasons: Vec::new(),
            words: Vec::new(),
            fields: Vec::new(),
            reads: Reads::default(),
        }
    }

    /// Learns from what the script reads: its literals, its paths, and the type its use of
    /// each path implies.
    pub fn learn_script(&mut self, reads: &Reads) {
        // Types the script compares `.type` with first; then other literals that read like
        // types, but not Argo CD's own statuses, which scripts return rather than look for.
        for s in &reads.compared_with_type {
            push_unique(&mut self.condition_types, s);
        }
        for s in &reads.strings {
            push_unique(&mut self.words, s);
            if looks_like_type(s) && !ARGO_STATUSES.contains(&s.as_str()) {
                push_unique(&mut self.condition_types, s);
            }
        }
        for path in &reads.paths {
            let usage = reads.usage.iter().find(|(p, _)| p == path).map(|(_, u)| *u);
            let leaf = known_field(path).unwrap_or_else(|| match usage {
                Some(Usage::Number) => Leaf::Number,
                Some(Usage::Bool) => Leaf::Bool,
                Some(Usage::List) => Leaf::List,
                Some(Usage::Map) => Leaf::Map,
                None => unknown_field(path, &words_for(path, &self.words, reads)),
            });
            self.add_field(path, leaf);
        }
        self.reads = reads.clone();
    }

    /// Learns condition types, reasons and words from this crate's rule for the kind.
    pub fn learn_words(&mut self, types: &[String], words: &[String]) {
        for t in types.iter().filter(|t| looks_like_type(t)) {
            push_unique(&mut self.condition_types, t);
        }
        // A condition's status words are not reasons or messages: an example reading
        // `"reason":"False","message":"True"` is a state no operator writes.
        for w in words
            .iter()
            .filter(|w| !matches!(w.as_str(), "True" | "False" | "Unknown"))
        {
            push_unique(&mut self.words, w);
            push_unique(&mut self.reasons, w);
        }
    }

    /// Adds a field unless it is there already, a container of the conditions, or the identity.
    fn add_field(&mut self, path: &[String], leaf: Leaf) {
        let skip = path.len() < 2
            || path[0] == "apiVersion"
            || path[0] == "kind"
            || (path[0] == "status" && path[1] == "conditions")
            || (path[0] == "metadata" && (path[1] == "name" || path[1] == "namespace"));
        if skip || self.fields.iter().any(|f| f.path == path) {
            return;
        }
        self.fields.push(Field {
            path: path.to_vec(),
            leaf,
            required: false,
        });
    }

    /// Learns from fixtures of the kind: their condition types and reasons, and the values
    /// they hold at the paths the script reads (which then only take values like those).
    pub fn learn_fixtures(&mut self, objects: &[Value]) {
        for obj in objects {
            for c in crate::rule::eval::conditions(obj) {
                if let Some(t) = c.get("type").and_then(Value::as_str) {
                    push_unique(&mut self.condition_types, t);
                }
                if let Some(r) = c.get("reason").and_then(Value::as_str) {
                    push_unique(&mut self.reasons, r);
                }
            }
        }
        for f in &mut self.fields {
            let mut seen: Vec<Value> = Vec::new();
            for obj in objects {
                let at = crate::rule::eval::get(obj, &crate::rule::Path(f.path.clone()));
                if let Some(v) = at.filter(|v| !seen.contains(v)) {
                    seen.push(v.clone());
                }
            }
            if !seen.is_empty() {
                if let Leaf::Text(_) = f.leaf {
                    for s in seen.iter().filter_map(Value::as_str) {
                        push_unique(&mut self.words, s);
                    }
                }
                f.leaf = Leaf::Seen(seen);
            }
        }
    }

    /// Learns from the kind's openAPIV3Schema: each field the script reads takes the type and
    /// enum the schema gives it, a field the schema prunes is never set, a required one always
    /// is, and condition types come from the schema's enum when it has one.
    pub fn learn_schema(&mut self, schema: &Value) {
        use super::crd::{at, Slot};
        for f in &mut self.fields {
            match at(schema, &f.path) {
                Slot::Pruned => f.leaf = Leaf::Pruned,
                Slot::Free => {}
                Slot::Declared(node, required) => {
                    f.required = required;
                    if let Some(leaf) = schema_leaf(node) {
                        f.leaf = leaf;
                    }
                }
            }
        }
        let types = schema
            .pointer("/properties/status/properties/conditions/items/properties/type/enum")
            .and_then(Value::as_array);
        for t in types.into_iter().flatten().filter_map(Value::as_str) {
            push_unique(&mut self.condition_types, t);
        }
    }

    /// Fields set before longer ones, and none that only contains another (its container is
    /// made when the longer one is set).
    fn settled_fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = self
            .fields
            .iter()
            .filter(|f| {
                matches!(f.leaf, Leaf::List | Leaf::Map | Leaf::Seen(_))
                    || !self
                        .fields
                        .iter()
                        .any(|g| g.path.len() > f.path.len() && g.path.starts_with(&f.path))
            })
            .cloned()
            .collect();
        fields.sort_by_key(|f| f.path.len());
        fields
    }

    /// Realistic states of this shape.
    pub fn strategy(&self) -> BoxedStrategy<Value> {
        let mut types = self.condition_types.clone();
        types.truncate(MAX_TYPES);
        if types.is_empty() {
            types.push("Ready".to_owned());
        }
        let fields = self.settled_fields();
        let values: Vec<BoxedStrategy<Option<Value>>> = fields
            .iter()
            .map(|f| leaf_value(f, &words_for(&f.path, &self.words, &self.reads)))
            .collect();
        let api = self.api_version.clone();
        let kind = self.kind.clone();
        // A status with required fields is never empty.
        // Left out rather than given no weight: shrinking would still step back to it.
        let status_mode = match fields.iter().any(|f| f.required && f.path[0] == "status") {
            true => prop_oneof![1 => Just(Mode::Absent), 8 => Just(Mode::Set)].boxed(),
            false => prop_oneof![
                1 => Just(Mode::Absent),
                1 => Just(Mode::Empty),
                8 => Just(Mode::Set)
            ]
            .boxed(),
        };
        (
            status_mode,
            conditions(types, self.reasons.clone(), self.words.clone()),
            values,
        )
            .prop_map(move |(mode, conditions, values)| {
                build(&api, &kind, mode, conditions, &fields, values)
            })
            .boxed()
    }
}

/// The leaf a field's schema gives: its enum, or its type.
fn schema_leaf(node: &Value) -> Option<Leaf> {
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        let words: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        return Some(Leaf::Enum(words));
    }
    match node.get("type")?.as_str()? {
        "integer" | "number" => Some(Leaf::Number),
        "boolean" => Some(Leaf::Bool),
        "array" => Some(Leaf::List),
        "object" => Some(Leaf::Map),
        "string" => Some(Leaf::Text(Vec::new())),
        _ => None,
    }
}

/// Whether a state has a status, an empty one, or one with fields.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Absent,
    Empty,
    Set,
}

/// The object for one draw.
fn build(
    api: &str,
    kind: &str,
    mode: Mode,
    conditions: Option<Vec<Value>>,
    fields: &[Field],
    values: Vec<Option<Value>>,
) -> Value {
    let mut obj = serde_json::json!({
        "apiVersion": api,
        "kind": kind,
        "metadata": {"name": "generated", "namespace": "test"},
    });
    if mode == Mode::Empty {
        obj["status"] = Value::Object(Map::new());
    }
    for (f, v) in fields.iter().zip(values) {
        if f.path[0] == "status" && mode != Mode::Set {
            continue;
        }
        if let Some(v) = v {
            crate::testkit::states::set(&mut obj, &f.path, v);
        }
    }
    if let (Mode::Set, Some(c)) = (mode, conditions) {
        crate::testkit::states::set(
            &mut obj,
            &["status".to_owned(), "conditions".to_owned()],
            Value::Array(c),
        );
    }
    // A deployed custom resource comes from a manifest, which gives it a spec.
    if obj.get("spec").is_none() {
        obj["spec"] = Value::Object(Map::new());
    }
    if mode == Mode::Set && obj.get("status").is_none() {
        obj["status"] = Value::Object(Map::new());
    }
    obj
}

/// Printable strings an operator may write in a message: empty, quotes, brackets, other
/// scripts, a line break.
const MESSAGES: &[&str] = &[
    "",
    "x",
    "quote \" and backslash \\",
    "]] long bracket [[",
    "ünïcødé ✓ 日本",
    "line\nbreak",
];

/// A string: mostly one of `words`, sometimes a message-like one.
fn text(words: &[String]) -> BoxedStrategy<String> {
    let messages = proptest::sample::select(MESSAGES).prop_map(str::to_owned);
    if words.is_empty() {
        return messages.boxed();
    }
    prop_oneof![4 => proptest::sample::select(words.to_vec()), 1 => messages].boxed()
}

/// A condition's message: one of the sentences among `words` (a script's or fixture's
/// literal with a space in it), else a message-like string, empty first, so that an example
/// never reads a condition type or reason as its message (`message: Failure` on a Ready
/// condition is filler no operator writes).
fn message_text(words: &[String]) -> BoxedStrategy<String> {
    let mut sentences: Vec<String> = MESSAGES.iter().map(|m| (*m).to_owned()).collect();
    sentences.extend(words.iter().filter(|w| w.trim().contains(' ')).cloned());
    proptest::sample::select(sentences).boxed()
}

/// A small object as lists and maps of a status hold (components, replicas, members).
fn small_object(words: &[String]) -> BoxedStrategy<Value> {
    let keys =
        proptest::sample::select(vec!["name", "type", "status", "state", "reason", "message"]);
    proptest::collection::btree_map(keys, text(words), 0..4)
        .prop_map(|m| {
            Value::Object(
                m.into_iter()
                    .map(|(k, v)| (k.to_owned(), Value::String(v)))
                    .collect(),
            )
        })
        .boxed()
}

/// A string for a field that holds one word of a fixed set: one of the single words in `words`
/// (an operator writes `Running` there, never a sentence or nothing), or [`text`] when there
/// is none.
fn one_word(words: &[String]) -> BoxedStrategy<String> {
    let single: Vec<String> = words
        .iter()
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .cloned()
        .collect();
    if single.is_empty() {
        return text(words);
    }
    proptest::sample::select(single).boxed()
}

/// The value of one field, or `None` for absent (a required field is always there).
fn leaf_value(f: &Field, words: &[String]) -> BoxedStrategy<Option<Value>> {
    let text = |w: &[String]| match f.path.last() {
        Some(k) if enum_like(k) => one_word(w),
        _ => text(w),
    };
    let value: BoxedStrategy<Value> = match &f.leaf {
        Leaf::Pruned => return Just(None).boxed(),
        Leaf::Text(own) if !own.is_empty() => text(own).prop_map(Value::String).boxed(),
        Leaf::Text(_) => text(words).prop_map(Value::String).boxed(),
        Leaf::Enum(values) if !values.is_empty() => proptest::sample::select(values.clone())
            .prop_map(Value::String)
            .boxed(),
        Leaf::Enum(_) => text(words).prop_map(Value::String).boxed(),
        Leaf::Number => (0i64..4).prop_map(Value::from).boxed(),
        Leaf::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Leaf::List => proptest::collection::vec(small_object(words), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        Leaf::Map => proptest::collection::btree_map("[a-z]{1,6}", small_object(words), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect()))
            .boxed(),
        Leaf::Seen(values) if !values.is_empty() => {
            let seen = proptest::sample::select(values.clone());
            if values.iter().all(Value::is_string) {
                prop_oneof![3 => seen, 1 => text(words).prop_map(Value::String)].boxed()
            } else {
                seen.boxed()
            }
        }
        Leaf::Seen(_) => text(words).prop_map(Value::String).boxed(),
    };
    if f.required {
        value.prop_map(Some).boxed()
    } else {
        prop_oneof![2 => value.prop_map(Some), 1 => Just(None)].boxed()
    }
}

/// `status.conditions`: absent, or up to four conditions of distinct types in any order, each
/// with a reason and a message.
fn conditions(
    types: Vec<String>,
    reasons: Vec<String>,
    words: Vec<String>,
) -> BoxedStrategy<Option<Vec<Value>>> {
    let most = types.len().min(4);
    let mut reasons = reasons;
    if reasons.is_empty() {
        reasons.push("Reconciling".to_owned());
    }
    // metav1.Condition, what operators write, always has a reason and a message (maybe "").
    let condition = (
        proptest::sample::select(vec!["True", "False", "Unknown"]),
        proptest::sample::select(reasons),
        message_text(&words),
    );
    let list = proptest::sample::subsequence(types, 0..=most)
        .prop_flat_map(move |types| {
            let n = types.len();
            (Just(types), proptest::collection::vec(condition.clone(), n))
        })
        .prop_map(|(types, drawn)| {
            let list: Vec<Value> = types
                .into_iter()
                .zip(drawn)
                .map(|(t, (s, r, m))| {
                    let mut c = Map::new();
                    c.insert("type".to_owned(), Value::String(t));
                    c.insert("status".to_owned(), Value::String(s.to_owned()));
                    c.insert("reason".to_owned(), Value::String(r));
                    c.insert("message".to_owned(), Value::String(m));
                    Value::Object(c)
                })
                .collect();
            without_exclusive_pairs(list)
        })
        .prop_shuffle();
    prop_oneof![1 => Just(None), 4 => list.prop_map(Some)].boxed()
}

/// `list` with the later of two exclusive `True` conditions made `False`.
fn without_exclusive_pairs(mut list: Vec<Value>) -> Vec<Value> {
    for i in 1..list.len() {
        let clash = {
            let (before, rest) = list.split_at(i);
            let c = &rest[0];
            let t = c["type"].as_str().unwrap_or_default();
            c["status"] == "True"
                && before.iter().any(|b| {
                    b["status"] == "True" && exclusive(b["type"].as_str().unwrap_or_default(), t)
                })
        };
        if clash {
            list[i]["status"] = Value::String("False".to_owned());
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::test_runner::{Config, TestRunner};

    fn sample(shape: &Shape, n: usize) -> Vec<Value> {
        let mut runner = TestRunner::new(Config::default());
        let s = shape.strategy();
        (0..n)
            .filter_map(|_| s.new_tree(&mut runner).ok().map(|t| t.current()))
            .collect()
    }

    fn shape() -> Shape {
        let mut s = Shape::new("example.com/v1", "Thing");
        let reads = crate::testkit::lua_check::reads(
            "if obj.status.phase == \"Running\" and obj.status.readyReplicas > 0 then end\n\
             for _, c in ipairs(obj.status.conditions) do if c.type == \"Ready\" then end end\n\
             for k, v in pairs(obj.status.components) do end",
        );
        s.learn_script(&reads);
        s
    }

    #[test]
    fn every_state_is_stored_as_an_api_server_stores_objects() {
        for obj in sample(&shape(), 400) {
            let status = obj.get("status");
            assert!(status.is_none_or(Value::is_object), "{obj}");
            let Some(list) = status.and_then(|s| s.get("conditions")) else {
                continue;
            };
            let list = list.as_array().expect("conditions are a list");
            for c in list {
                for k in ["type", "status"] {
                    assert!(c[k].is_string(), "{obj}");
                }
                for k in ["reason", "message"] {
                    assert!(c[k].is_string(), "{obj}");
                }
                assert!(["True", "False", "Unknown"].contains(&c["status"].as_str().unwrap_or("")));
            }
            assert!(producible(list), "{obj}");
            let replicas = &obj["status"]["readyReplicas"];
            assert!(replicas.is_null() || replicas.is_i64(), "{obj}");
            let phase = &obj["status"]["phase"];
            assert!(phase.is_null() || phase.is_string(), "{obj}");
            let comps = &obj["status"]["components"];
            assert!(comps.is_null() || comps.is_object(), "{obj}");
        }
    }

    #[test]
    fn the_script_literals_and_every_status_mode_occur() {
        let states = sample(&shape(), 400);
        assert!(states.iter().any(|o| o["status"]["phase"] == "Running"));
        assert!(states.iter().any(|o| o.get("status").is_none()));
        assert!(states.iter().any(|o| o["status"] == serde_json::json!({})));
        assert!(states
            .iter()
            .any(|o| o["status"]["conditions"].as_array().is_some_and(|l| l
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True"))));
    }

    #[test]
    fn condition_status_words_are_never_reasons_or_messages() {
        let mut s = Shape::new("example.com/v1", "Thing");
        let words: Vec<String> = ["True", "False", "Unknown", "Reconciling"]
            .map(str::to_owned)
            .to_vec();
        s.learn_words(&["Ready".to_owned()], &words);
        assert_eq!(s.reasons, ["Reconciling"]);
        assert_eq!(s.words, ["Reconciling"]);
    }

    #[test]
    fn a_phase_is_one_word_and_annotations_a_map() {
        let mut s = Shape::new("example.com/v1", "Thing");
        s.learn_script(&crate::testkit::lua_check::reads(
            "local m = \"waiting for the rollout\"\n\
             if obj.status.phase == \"Paused\" then end\n\
             local g = obj.metadata.annotations[\"a/b\"]",
        ));
        let leaf = |p: &[&str]| {
            s.fields
                .iter()
                .find(|f| f.path == p)
                .map(|f| f.leaf.clone())
        };
        assert_eq!(
            leaf(&["status", "phase"]),
            Some(Leaf::Text(vec!["Paused".to_owned()]))
        );
        assert!(
            matches!(leaf(&["metadata", "annotations"]), Some(Leaf::Seen(v)) if v.iter().all(Value::is_object))
        );
    }

    #[test]
    fn a_phase_is_never_a_reason_the_script_looks_for() {
        let mut s = Shape::new("example.com/v1", "Thing");
        s.learn_script(&crate::testkit::lua_check::reads(
            "if obj.status.phase == \"Paused\" then end\n\
             for _, c in ipairs(obj.status.conditions) do if c.reason == \"Aborted\" then end end",
        ));
        let phases: Vec<Value> = sample(&s, 200)
            .iter()
            .filter_map(|o| o.pointer("/status/phase").cloned())
            .collect();
        assert!(phases.contains(&Value::from("Paused")), "{phases:?}");
        assert!(phases.iter().all(|p| p == "Paused"), "{phases:?}");
    }

    #[test]
    fn fixture_values_replace_guesses() {
        let mut s = shape();
        s.learn_fixtures(&[serde_json::json!({"status": {"phase": "Deployed",
            "conditions": [{"type": "Available", "status": "True", "reason": "Done"}]}})]);
        assert!(s.condition_types.contains(&"Available".to_owned()));
        assert!(s.reasons.contains(&"Done".to_owned()));
        let phase = s
            .fields
            .iter()
            .find(|f| f.path == ["status", "phase"])
            .map(|f| &f.leaf);
        assert_eq!(phase, Some(&Leaf::Seen(vec![Value::from("Deployed")])));
    }

    #[test]
    fn exclusive_types_are_negations_or_the_same_type() {
        assert!(exclusive("Ready", "NotReady"));
        assert!(exclusive("Unavailable", "Available"));
        assert!(exclusive("Ready", "Ready"));
        assert!(!exclusive("Ready", "Failure"));
        assert!(!exclusive("Running", "Successful"));
        assert!(exclusive("Successful", "Failure"));
        assert!(exclusive("Failed", "Succeeded"));
        assert!(exclusive("Ready", "Failed"));
        assert!(exclusive("Stalled", "Ready"));
        assert!(exclusive("Synced", "Failed"));
        assert!(!exclusive("Failed", "Waiting"));
        assert!(!exclusive("Stalled", "Reconciling"));
        let failed_after_ready = serde_json::json!([
            {"type": "Ready", "status": "True"}, {"type": "Failure", "status": "True"}]);
        assert!(producible(failed_after_ready.as_array().expect("list")));
        let both = serde_json::json!([
            {"type": "Ready", "status": "True"}, {"type": "NotReady", "status": "True"}]);
        assert!(!producible(both.as_array().expect("list")));
        let twice = serde_json::json!([
            {"type": "Ready", "status": "True"}, {"type": "Ready", "status": "False"}]);
        assert!(!producible(twice.as_array().expect("list")));
    }
}
