//! Realistic states: objects as an API server stores them, serialized as Go serializes an
//! operator's types. `status` is absent or an object the operator wrote (never `{}`: a first
//! status write sets something); `status.conditions` is absent or a non-empty list (the list is
//! `omitempty` in every operator's Go type we know, so `[]` is never stored) of
//! `metav1.Condition`s, whose `type`, `status`, `lastTransitionTime`, `reason` and `message` are
//! always serialized; one condition per type, status `True`, `False` or `Unknown`, and two
//! conditions that the operator's own vocabulary says never hold together ([`CoTruth`]) never
//! both `True`. Other lists and maps are absent or non-empty (`omitempty`, the default of
//! operators' Go types when the type is not known); the fields the API server fills itself
//! (`metadata.creationTimestamp`, `uid`, `resourceVersion`, `generation`, and a
//! CustomResourceDefinition's `status.acceptedNames` and `status.storedVersions`) are present; a
//! field is absent rather than of another type, and its values are those the fixtures, the
//! script's own literals, this crate's rule or the kind's CRD schema suggest. A finding shown on
//! such a state is one an operator can produce.

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
    /// Which conditions hold together.
    pub co: CoTruth,
    /// Whether objects of the kind live in a namespace (a CRD's `scope` says when they do not;
    /// an object of a cluster-scoped kind has no `metadata.namespace`).
    pub namespaced: bool,
}

/// Condition types never tried: the statuses Argo CD itself knows are not condition types
/// worth generating, and the condition statuses are values, not types.
const NOT_TYPES: &[&str] = &["True", "False", "Unknown"];

/// The statuses a health script returns.
const ARGO_STATUSES: &[&str] = &["Healthy", "Progressing", "Degraded", "Suspended", "Missing"];

/// Most condition types a state draws from: more only dilute the ones the script names first.
pub(crate) const MAX_TYPES: usize = 16;

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
    // kstatus: `Reconciling` True means the object is not Ready yet (Flux, Pulumi).
    let kstatus = |x: &str, y: &str| x == "Ready" && y == "Reconciling";
    a == b
        || negates(a, b)
        || negates(b, a)
        || opposite_outcomes
        || opposite_verdicts
        || kstatus(a, b)
        || kstatus(b, a)
}

/// Which conditions the operator writes `True` together, learnt from its own vocabulary: the
/// script's branches (what it says on each condition alone), the fixtures of the kind, and the
/// names ([`exclusive`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoTruth {
    /// Types whose `True` decides the script's verdict on its own, with that verdict: the
    /// script returns it on the condition alone, and something else when it is `False`.
    pub decisive: Vec<(String, String)>,
    /// Types the script reads the same way whatever their status (`InvalidSpec`): the operator
    /// writes them only while they hold, as Argo Rollouts removes `InvalidSpec` once the spec
    /// is valid, so they are only ever `True`.
    pub presence_only: Vec<String>,
    /// Pairs of types a fixture of the kind holds `True` together: what an operator was seen
    /// to write beats any rule.
    pub seen_together: Vec<(String, String)>,
    /// Whether the kind is Ansible-based (the vocabulary has two of `Running`, `Successful`
    /// and `Failure`, the types the operator SDK writes): the
    /// operator SDK writes `Failure` after a failed run of the playbook, beside whatever the
    /// playbook wrote itself (`Ready` from an earlier run).
    pub ansible: bool,
}

/// The part of the resource a condition type is about: what precedes a trailing `Available`,
/// `Degraded`, `Progressing` or `Ready` (`kserve` in `kserveReady`), empty for the resource
/// itself (`Ready`, `Orphan`).
fn subject(t: &str) -> &str {
    ["Available", "Degraded", "Progressing", "Ready"]
        .iter()
        .find_map(|aspect| t.strip_suffix(aspect))
        .unwrap_or("")
}

/// Runs the script on an object whose only condition has this type and status: its status and
/// message, or `None` for an error or an empty status.
pub type Probe<'a> = dyn Fn(&str, &str) -> Option<(String, String)> + 'a;

impl CoTruth {
    /// Whether conditions of types `a` and `b` can both be `True`. Two types each of which
    /// decides the verdict alone, differently, are states of one reconcile (3scale's `Ready`
    /// and `Orphan`, ACK's `Ready` and `ACK.Terminal`, nmstate's `Available` and `Ignored`):
    /// the operator derives one from the other, as the script's own branches say. A
    /// condition the script reads only when `False` (`DeploymentReplicasAllAvailable`) is
    /// no verdict of its own and holds beside any.
    pub fn co_true(&self, a: &str, b: &str) -> bool {
        let seen = self
            .seen_together
            .iter()
            .any(|(x, y)| (x == a && y == b) || (x == b && y == a));
        if seen {
            return a != b;
        }
        if exclusive(a, b) {
            return false;
        }
        if self.ansible && (a == "Failure" || b == "Failure") {
            return true;
        }
        // Conditions of two parts of the resource (`kserveReady` and `Degraded`, one
        // deployment's `...Degraded` and another's `...Progressing`) hold independently.
        if subject(a) != subject(b) {
            return true;
        }
        let verdict = |t: &str| {
            self.decisive
                .iter()
                .find(|(k, _)| k == t)
                .map(|(_, v)| v.as_str())
        };
        !matches!((verdict(a), verdict(b)), (Some(x), Some(y)) if x != y)
    }

    /// Whether `conditions` could be stored by this operator: one per type, presence-only
    /// types `True`, and every two `True` ones able to hold together.
    pub fn producible(&self, conditions: &[Value]) -> bool {
        let types: Vec<(&str, Option<&str>)> = conditions
            .iter()
            .filter_map(|c| {
                let t = c.get("type")?.as_str()?;
                Some((t, c.get("status").and_then(Value::as_str)))
            })
            .collect();
        let present_ok = types
            .iter()
            .all(|(t, s)| *s == Some("True") || !self.presence_only.iter().any(|p| p == t));
        present_ok
            && types.iter().enumerate().all(|(i, (a, sa))| {
                types[i + 1..].iter().all(|(b, sb)| {
                    a != b && !(*sa == Some("True") && *sb == Some("True") && !self.co_true(a, b))
                })
            })
    }

    /// Learns the pairs fixtures hold `True` together.
    pub fn learn_fixtures(&mut self, objects: &[Value]) {
        for obj in objects {
            let on: Vec<&str> = crate::rule::eval::conditions(obj)
                .filter(|c| c.get("status").and_then(Value::as_str) == Some("True"))
                .filter_map(|c| c.get("type").and_then(Value::as_str))
                .collect();
            for (i, a) in on.iter().enumerate() {
                for b in &on[i + 1..] {
                    let pair = ((*a).to_owned(), (*b).to_owned());
                    if !self.seen_together.contains(&pair) {
                        self.seen_together.push(pair);
                    }
                }
            }
        }
    }

    /// Learns what the script's branches say about each of `types`: `verdict` runs the script
    /// on an object whose only condition is of the given type and status and gives its status
    /// and message (`None` for an error or an empty status). A type whose `True` gives another
    /// verdict than its `False` (status or message: a branch returned on it) decides alone.
    pub fn learn_branches(&mut self, types: &[String], verdict: &Probe<'_>) {
        let other = verdict("ProbeUnrelatedType", "True");
        for t in types {
            let [on, off, unknown] = ["True", "False", "Unknown"].map(|s| verdict(t, s));
            let Some((status, _)) = &on else { continue };
            let presence = on == off && off == unknown && on != other;
            if presence {
                push_unique(&mut self.presence_only, t);
            }
            if (presence || on != off) && !self.decisive.iter().any(|(k, _)| k == t) {
                self.decisive.push((t.clone(), status.clone()));
            }
        }
        // Two of the SDK's three types: `Failure` alone is a word many Go operators use too
        // (the compliance operator's ScanSettingBinding writes only `Ready`).
        let sdk = ["Running", "Successful", "Failure"];
        self.ansible |= sdk.iter().filter(|t| types.iter().any(|k| k == *t)).count() >= 2;
    }
}

/// Whether `obj` is stored as an API server stores objects of these Go types, with `co`'s
/// conditions: `status` absent or a non-empty object, no empty list or map inside it
/// (`omitempty`), conditions that hold together, and a CustomResourceDefinition's status with
/// what the API server writes. Shrinking an example keeps to such states.
pub fn stored(obj: &Value, co: &CoTruth) -> bool {
    fn no_empty_collection(v: &Value) -> bool {
        match v {
            Value::Array(l) => !l.is_empty() && l.iter().all(no_empty_collection),
            Value::Object(m) => !m.is_empty() && m.values().all(no_empty_collection),
            _ => true,
        }
    }
    let Some(status) = obj.get("status") else {
        return obj.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition");
    };
    let crd_ok = obj.get("kind").and_then(Value::as_str) != Some("CustomResourceDefinition")
        || status.get("storedVersions").is_some();
    let conditions_ok = status
        .get("conditions")
        .and_then(Value::as_array)
        .is_none_or(|l| co.producible(l));
    status.is_object() && no_empty_collection(status) && crd_ok && conditions_ok
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
            co: CoTruth::default(),
            namespaced: true,
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
        // A literal the script compares with another field (`phase == "Running"`) is a value
        // of that field, not a condition type.
        for s in &reads.strings {
            push_unique(&mut self.words, s);
            if looks_like_type(s)
                && !ARGO_STATUSES.contains(&s.as_str())
                && reads.may_be_value_of("type", s)
            {
                push_unique(&mut self.condition_types, s);
            }
        }
        for path in &reads.paths {
            let usage = reads.usage.iter().find(|(p, _)| p == path).map(|(_, u)| *u);
            let leaf = known_field(path).unwrap_or_else(|| match usage {
                Some(Usage::Number) => Leaf::Number,
                Some(Usage::Bool) => Leaf::Bool,
                // `pairs()` walks a list as well as a map, and a status collection is a Go
                // slice far more often than a map: a map only where `x["key"]` says so.
                Some(Usage::List | Usage::Pairs) => Leaf::List,
                Some(Usage::Map) => Leaf::Map,
                None => unknown_field(path, &words_for(path, &self.words, reads)),
            });
            self.add_field(path, leaf);
            self.dispatched(path, reads);
        }
        self.reads = reads.clone();
    }

    /// A field of the status that names the resource's state (`phase`, `state`) and that the
    /// script dispatches on (compares with two or more literals) is written with every status
    /// the operator writes, holding one of those values: the field an operator's first status
    /// write sets (`Phase AnalysisPhase \`json:"phase"\``), not one a script should expect absent
    /// beside others. A schema or fixtures, when given, say more.
    fn dispatched(&mut self, path: &[String], reads: &Reads) {
        let [root, key] = path else { return };
        if root != "status" || !enum_like(key) {
            return;
        }
        let values: Vec<String> = reads
            .compared_with
            .iter()
            .filter(|(f, _)| f.eq_ignore_ascii_case(key))
            .map(|(_, l)| l.clone())
            .collect();
        if values.len() < 2 {
            return;
        }
        if let Some(f) = self.fields.iter_mut().find(|f| f.path == path) {
            if matches!(f.leaf, Leaf::Text(_)) {
                f.leaf = Leaf::Enum(values);
                f.required = true;
            }
        }
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

    /// Adds a field unless it is there already, a container of the conditions, the identity,
    /// or a field the API server fills itself.
    fn add_field(&mut self, path: &[String], leaf: Leaf) {
        let skip = path.len() < 2
            || path[0] == "apiVersion"
            || path[0] == "kind"
            || (path[0] == "status" && path[1] == "conditions")
            || (path[0] == "metadata"
                && (["name", "namespace"].contains(&path[1].as_str())
                    || SERVER_METADATA.contains(&path[1].as_str())))
            || (self.server_status()
                && path[0] == "status"
                && SERVER_CRD_STATUS.contains(&path[1].as_str()));
        if skip || self.fields.iter().any(|f| f.path == path) {
            return;
        }
        self.fields.push(Field {
            path: path.to_vec(),
            leaf,
            required: false,
        });
    }

    /// Whether the API server writes this kind's status itself on create: a
    /// CustomResourceDefinition's `acceptedNames` and `storedVersions`.
    fn server_status(&self) -> bool {
        self.kind == "CustomResourceDefinition"
            && self.api_version.starts_with("apiextensions.k8s.io/")
    }

    /// Learns from fixtures of the kind: their condition types and reasons, the pairs of
    /// conditions they hold `True` together, and the values they hold at the paths the script
    /// reads (which then only take values like those).
    pub fn learn_fixtures(&mut self, objects: &[Value]) {
        self.co.learn_fixtures(objects);
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
        let identity = Identity {
            api: self.api_version.clone(),
            kind: self.kind.clone(),
            server_status: self.server_status(),
            namespaced: self.namespaced,
        };
        // The API server writes a CRD's status on create: it is never absent.
        let status_mode = match identity.server_status {
            true => Just(Mode::Set).boxed(),
            false => prop_oneof![1 => Just(Mode::Absent), 8 => Just(Mode::Set)].boxed(),
        };
        (
            status_mode,
            conditions(
                types,
                self.reasons.clone(),
                self.words.clone(),
                self.co.clone(),
            ),
            values,
            1i64..4,
        )
            .prop_map(move |(mode, conditions, values, generation)| {
                build(&identity, mode, conditions, &fields, values, generation)
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

/// Whether a state has a status (written by the operator) or not yet.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Absent,
    Set,
}

/// Metadata the API server sets on every object it stores.
const SERVER_METADATA: &[&str] = &["creationTimestamp", "uid", "resourceVersion", "generation"];

/// Status fields the API server writes for a CustomResourceDefinition on create.
const SERVER_CRD_STATUS: &[&str] = &["acceptedNames", "storedVersions"];

/// What every state of a shape claims to be.
struct Identity {
    api: String,
    kind: String,
    /// Whether the API server writes the status itself (a CRD).
    server_status: bool,
    /// Whether the object has a namespace.
    namespaced: bool,
}

/// The object for one draw.
fn build(
    id: &Identity,
    mode: Mode,
    conditions: Option<Vec<Value>>,
    fields: &[Field],
    values: Vec<Option<Value>>,
    generation: i64,
) -> Value {
    let mut obj = serde_json::json!({
        "apiVersion": id.api,
        "kind": id.kind,
        "metadata": {"name": "generated", "namespace": "test",
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "uid": "7c4d2a10-0000-4000-8000-000000000001",
            "resourceVersion": "1001", "generation": generation},
    });
    if !id.namespaced {
        if let Some(meta) = obj["metadata"].as_object_mut() {
            meta.remove("namespace");
        }
    }
    if id.server_status {
        let version = id.api.rsplit('/').next().unwrap_or("v1");
        let plural = format!("{}s", id.kind.to_ascii_lowercase());
        obj["status"] = serde_json::json!({
            "acceptedNames": {"kind": id.kind, "plural": plural},
            "storedVersions": [version],
        });
    }
    for (f, v) in fields.iter().zip(values) {
        if f.path[0] == "status" && mode != Mode::Set {
            continue;
        }
        if let Some(v) = v {
            crate::testkit::states::set(&mut obj, &f.path, v);
        }
    }
    // A `Terminating` condition mirrors the deletion the API server records.
    let terminating = conditions
        .iter()
        .flatten()
        .any(|c| c["type"] == "Terminating" && c["status"] == "True");
    if terminating && mode == Mode::Set {
        obj["metadata"]["deletionTimestamp"] = Value::String("2026-01-03T00:00:00Z".to_owned());
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
    // An operator's first status write sets something: `status: {}` is a status not written.
    if obj
        .get("status")
        .and_then(Value::as_object)
        .is_some_and(Map::is_empty)
    {
        if let Some(m) = obj.as_object_mut() {
            m.remove("status");
        }
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
    // An entry the operator appends has something in it.
    proptest::collection::btree_map(keys, text(words), 1..4)
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
        // `omitempty`: an empty list or map is not serialized, so it is absent, never `[]`.
        Leaf::List => proptest::collection::vec(small_object(words), 1..3)
            .prop_map(Value::Array)
            .boxed(),
        Leaf::Map => proptest::collection::btree_map("[a-z]{1,6}", small_object(words), 1..3)
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

/// `status.conditions`: absent, or one to four conditions of distinct types in any order, each
/// with a reason, a message and its own `lastTransitionTime`, only pairs that `co` lets hold
/// together both `True`.
fn conditions(
    types: Vec<String>,
    reasons: Vec<String>,
    words: Vec<String>,
    co: CoTruth,
) -> BoxedStrategy<Option<Vec<Value>>> {
    let most = types.len().min(4);
    let mut reasons = reasons;
    if reasons.is_empty() {
        reasons.push("Reconciling".to_owned());
    }
    // metav1.Condition, what operators write, always has a reason and a message (maybe "")
    // and a lastTransitionTime (a script may sort by it).
    let condition = (
        proptest::sample::select(vec!["True", "False", "Unknown"]),
        proptest::sample::select(reasons),
        message_text(&words),
        0u32..24,
    );
    let list = proptest::sample::subsequence(types, 1..=most.max(1))
        .prop_flat_map(move |types| {
            let n = types.len();
            (Just(types), proptest::collection::vec(condition.clone(), n))
        })
        .prop_map(move |(types, drawn)| {
            let list: Vec<Value> = types
                .into_iter()
                .zip(drawn)
                .enumerate()
                .map(|(i, (t, (s, r, m, hour)))| {
                    let s = match co.presence_only.contains(&t) {
                        true => "True",
                        false => s,
                    };
                    let mut c = Map::new();
                    c.insert("type".to_owned(), Value::String(t));
                    c.insert("status".to_owned(), Value::String(s.to_owned()));
                    // Distinct times: hour drawn, minute the position.
                    let time = format!("2026-01-02T{hour:02}:{i:02}:00Z");
                    c.insert("lastTransitionTime".to_owned(), Value::String(time));
                    c.insert("reason".to_owned(), Value::String(r));
                    c.insert("message".to_owned(), Value::String(m));
                    Value::Object(c)
                })
                .collect();
            without_exclusive_pairs(list, &co)
        })
        .prop_shuffle();
    prop_oneof![1 => Just(None), 4 => list.prop_map(Some)].boxed()
}

/// `list` without the later of two conditions `co` says never hold `True` together (the later
/// one made `False`, or left out when its type is only ever `True`).
fn without_exclusive_pairs(list: Vec<Value>, co: &CoTruth) -> Vec<Value> {
    let mut kept: Vec<Value> = Vec::with_capacity(list.len());
    for mut c in list {
        let t = c["type"].as_str().unwrap_or_default().to_owned();
        let clash = c["status"] == "True"
            && kept.iter().any(|b| {
                b["status"] == "True" && !co.co_true(b["type"].as_str().unwrap_or_default(), &t)
            });
        if clash {
            if co.presence_only.contains(&t) {
                continue;
            }
            c["status"] = Value::String("False".to_owned());
        }
        kept.push(c);
    }
    kept
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
    fn a_state_of_a_cluster_scoped_kind_has_no_namespace() {
        let mut cluster = shape();
        cluster.namespaced = false;
        for obj in sample(&cluster, 50) {
            assert_eq!(obj["metadata"].get("namespace"), None, "{obj}");
            assert_eq!(obj["metadata"]["name"], "generated");
        }
        for obj in sample(&shape(), 50) {
            assert_eq!(obj["metadata"]["namespace"], "test", "{obj}");
        }
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
            assert!(CoTruth::default().producible(list), "{obj}");
            let replicas = &obj["status"]["readyReplicas"];
            assert!(replicas.is_null() || replicas.is_i64(), "{obj}");
            let phase = &obj["status"]["phase"];
            assert!(phase.is_null() || phase.is_string(), "{obj}");
            // Walked with pairs(): a Go slice, never empty.
            let comps = &obj["status"]["components"];
            assert!(
                comps.is_null() || comps.as_array().is_some_and(|l| !l.is_empty()),
                "{obj}"
            );
        }
    }

    #[test]
    fn the_script_literals_and_every_status_mode_occur() {
        let states = sample(&shape(), 400);
        assert!(states.iter().any(|o| o["status"]["phase"] == "Running"));
        assert!(states.iter().any(|o| o.get("status").is_none()));
        // An operator's first status write sets something.
        assert!(states.iter().all(|o| o["status"] != serde_json::json!({})));
        assert!(states
            .iter()
            .any(|o| o["status"]["conditions"].as_array().is_some_and(|l| l
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True"))));
    }

    #[test]
    fn lists_and_maps_are_absent_never_empty_and_conditions_carry_their_time() {
        for obj in sample(&shape(), 400) {
            assert!(stored(&obj, &CoTruth::default()), "{obj}");
            for c in obj["status"]["conditions"].as_array().into_iter().flatten() {
                assert!(c["lastTransitionTime"].is_string(), "{obj}");
            }
            let meta = &obj["metadata"];
            for k in ["creationTimestamp", "uid", "resourceVersion"] {
                assert!(meta[k].is_string(), "{obj}");
            }
            assert!(meta["generation"].as_i64().is_some_and(|g| g >= 1), "{obj}");
        }
        assert!(!stored(
            &serde_json::json!({"status": {"conditions": []}}),
            &CoTruth::default()
        ));
        assert!(!stored(
            &serde_json::json!({"status": {}}),
            &CoTruth::default()
        ));
    }

    #[test]
    fn a_crd_always_has_the_status_the_api_server_writes() {
        let mut s = Shape::new("apiextensions.k8s.io/v1", "CustomResourceDefinition");
        s.learn_script(&crate::testkit::lua_check::reads(
            "if obj.status.storedVersions[1] == \"v1\" then end",
        ));
        for obj in sample(&s, 100) {
            assert_eq!(
                obj["status"]["storedVersions"],
                serde_json::json!(["v1"]),
                "{obj}"
            );
            assert_eq!(
                obj["status"]["acceptedNames"]["kind"],
                "CustomResourceDefinition"
            );
        }
    }

    #[test]
    fn a_terminating_condition_comes_with_the_deletion() {
        let mut s = Shape::new("example.com/v1", "Thing");
        s.learn_script(&crate::testkit::lua_check::reads(
            "for _, c in ipairs(obj.status.conditions) do if c.type == \"Terminating\" then end end",
        ));
        let terminating: Vec<Value> = sample(&s, 200)
            .into_iter()
            .filter(|o| {
                o["status"]["conditions"].as_array().is_some_and(|l| {
                    l.iter()
                        .any(|c| c["type"] == "Terminating" && c["status"] == "True")
                })
            })
            .collect();
        assert!(!terminating.is_empty());
        assert!(terminating
            .iter()
            .all(|o| o["metadata"]["deletionTimestamp"].is_string()));
    }

    #[test]
    fn a_phase_the_script_dispatches_on_is_written_with_every_status() {
        let mut s = Shape::new("example.com/v1", "Thing");
        s.learn_script(&crate::testkit::lua_check::reads(
            "if obj.status ~= nil then if obj.status.phase == \"Running\" then end\n\
             if obj.status.phase == \"Failed\" then end\nlocal m = obj.status.message end",
        ));
        for obj in sample(&s, 200) {
            if let Some(status) = obj.get("status") {
                let phase = status["phase"].as_str();
                assert!(matches!(phase, Some("Running" | "Failed")), "{obj}");
            }
        }
    }

    #[test]
    fn co_truth_comes_from_the_script_s_branches_fixtures_and_names() {
        let mut co = CoTruth::default();
        // What a first-match script says on each condition alone.
        let verdict = |t: &str, s: &str| -> Option<(String, String)> {
            let v = match (t, s) {
                ("Ready", "True") => "Healthy",
                ("Orphan", "True") => "Degraded",
                ("InvalidSpec", _) => "Degraded",
                _ => "Progressing",
            };
            Some((v.to_owned(), String::new()))
        };
        let types: Vec<String> = ["Ready", "Orphan", "InvalidSpec", "DeploymentAvailable"]
            .map(str::to_owned)
            .to_vec();
        co.learn_branches(&types, &verdict);
        assert!(!co.co_true("Ready", "Orphan"));
        assert!(!co.co_true("InvalidSpec", "Ready"));
        assert_eq!(co.presence_only, ["InvalidSpec"]);
        // A part of the resource is about something else than the resource's verdict.
        assert!(co.co_true("DeploymentAvailable", "Orphan"));
        // A fixture that holds both beats the branches.
        co.learn_fixtures(&[serde_json::json!({"status": {"conditions": [
            {"type": "Ready", "status": "True"}, {"type": "Orphan", "status": "True"}]}})]);
        assert!(co.co_true("Ready", "Orphan"));
        let only_false = serde_json::json!([{"type": "InvalidSpec", "status": "False"}]);
        assert!(!co.producible(only_false.as_array().expect("list")));
        assert!(!CoTruth::default().co_true("Ready", "Reconciling"));
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
        assert!(CoTruth::default().producible(failed_after_ready.as_array().expect("list")));
        let both = serde_json::json!([
            {"type": "Ready", "status": "True"}, {"type": "NotReady", "status": "True"}]);
        assert!(!CoTruth::default().producible(both.as_array().expect("list")));
        let twice = serde_json::json!([
            {"type": "Ready", "status": "True"}, {"type": "Ready", "status": "False"}]);
        assert!(!CoTruth::default().producible(twice.as_array().expect("list")));
    }
}
