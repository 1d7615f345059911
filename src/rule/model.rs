//! The rule model: a health rule is data, an ordered list of clauses plus a default.
//!
//! Clause order is the documented priority: the first clause whose predicate holds decides. Every
//! predicate is evaluated over the whole object (all of `status.conditions`), so a verdict never
//! depends on the order in which an operator wrote its conditions; only the clause order does.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The six health statuses Argo CD accepts (case-sensitive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    /// The resource is fully reconciled and usable.
    Healthy,
    /// The resource is still being reconciled; a sync wave waits.
    Progressing,
    /// The resource failed; a sync wave stops.
    Degraded,
    /// The resource is paused on purpose.
    Suspended,
    /// The resource does not exist.
    Missing,
    /// The health cannot be determined.
    Unknown,
}

impl Status {
    /// Every status, in Argo CD's documentation order.
    pub const ALL: [Status; 6] = [
        Status::Healthy,
        Status::Progressing,
        Status::Degraded,
        Status::Suspended,
        Status::Missing,
        Status::Unknown,
    ];

    /// The exact string Argo CD uses for this status.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Healthy => "Healthy",
            Status::Progressing => "Progressing",
            Status::Degraded => "Degraded",
            Status::Suspended => "Suspended",
            Status::Missing => "Missing",
            Status::Unknown => "Unknown",
        }
    }

    /// Parses Argo CD's case-sensitive status string.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A verdict: a status and a message, as Argo CD stores it for a resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Health {
    /// The health status.
    pub status: Status,
    /// The human-readable message (may be empty).
    pub message: String,
}

impl Health {
    /// Builds a verdict from a status and a message.
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Health {
            status,
            message: message.into(),
        }
    }
}

/// A path of object keys from the root of the resource, e.g. `status.versions.reconciled`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Path(pub Vec<String>);

impl Path {
    /// Splits a dotted path (`"status.versions.reconciled"`); keys cannot contain dots this way,
    /// use [`Path::from_keys`] for those.
    pub fn parse(dotted: &str) -> Path {
        Path(dotted.split('.').map(str::to_owned).collect())
    }

    /// Builds a path from individual keys.
    pub fn from_keys<I: IntoIterator<Item = S>, S: Into<String>>(keys: I) -> Path {
        Path(keys.into_iter().map(Into::into).collect())
    }

    /// The keys of the path.
    pub fn keys(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

/// A scalar a field can be compared with. Numbers compare as f64, as every number does in Argo CD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    /// A string, compared byte for byte.
    Str(String),
    /// A number, compared as f64.
    Num(f64),
    /// A boolean.
    Bool(bool),
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Scalar::Str(s.to_owned())
    }
}
impl From<String> for Scalar {
    fn from(s: String) -> Self {
        Scalar::Str(s)
    }
}
impl From<f64> for Scalar {
    fn from(n: f64) -> Self {
        Scalar::Num(n)
    }
}
impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Scalar::Bool(b)
    }
}

/// How a string-valued field (a condition's status or reason) must look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextMatch {
    /// Any value, present or not.
    Any,
    /// A string equal to one of these.
    OneOf(Vec<String>),
    /// Anything (absent, another type, another string) except a string equal to one of these.
    NoneOf(Vec<String>),
}

impl TextMatch {
    /// A string equal to `s`.
    pub fn is(s: &str) -> TextMatch {
        TextMatch::OneOf(vec![s.to_owned()])
    }
}

/// Selects conditions in `status.conditions`: entries that are objects whose `type`, `status`
/// and `reason` match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionSelector {
    /// What the condition's `type` must be (exact types may contain spaces).
    #[serde(rename = "type")]
    pub type_: TextMatch,
    /// What the condition's `status` must be.
    pub status: TextMatch,
    /// What the condition's `reason` must be.
    pub reason: TextMatch,
}

/// A test on the object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Predicate {
    /// Always holds.
    Always,
    /// The field is present and not null (any type, including an empty table).
    Exists(Path),
    /// The field is a scalar equal to one of the values (same type, numbers as f64).
    OneOf(Path, Vec<Scalar>),
    /// Some entry of `status.conditions` matches the selector, wherever it stands in the array.
    Condition(ConditionSelector),
    /// Both fields are present scalars (string, number or bool) of the same type and equal.
    FieldsEqual(Path, Path),
    /// Both fields are present scalars (string, number or bool) and not equal (a type
    /// difference counts as a difference).
    FieldsDiffer(Path, Path),
    /// The observed field is present and differs from the desired one as a tree, where absent,
    /// null, `""`, `false`, `0` and a table holding only such values all count as the same
    /// (Kubernetes drops zero values it serializes with omitempty). Lists compare entry by entry
    /// in order. Used for "was this status computed against the current spec".
    ObservedDiffers {
        /// The desired state, e.g. `spec.source`.
        desired: Path,
        /// The observed copy, e.g. `status.sync.comparedTo.source`.
        observed: Path,
    },
    /// All of these hold (true when empty).
    All(Vec<Predicate>),
    /// At least one of these holds (false when empty).
    Any(Vec<Predicate>),
    /// This does not hold.
    Not(Box<Predicate>),
}

/// The conditions array most operators write, `status.conditions`.
pub const CONDITIONS: [&str; 2] = ["status", "conditions"];

/// Where a message part reads its text from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lookup {
    /// A field of the object.
    Field(Path),
    /// A field (usually `message`) of the first condition, in array order, that the selector
    /// matches.
    Condition(ConditionSelector, String),
}

/// One piece of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Literal text.
    Text(String),
    /// Text read from the object; `fallback` is used when the value is absent, not a string, or
    /// the empty string (numbers are never interpolated: their text differs between Lua
    /// interpreters).
    Read {
        /// Where the text comes from.
        source: Lookup,
        /// Text put before the value when the value is used (not before the fallback).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        prefix: String,
        /// The literal used when the value is not a non-empty string.
        fallback: String,
    },
}

/// A message: parts concatenated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Message(pub Vec<Part>);

impl Message {
    /// A literal message.
    pub fn text(s: &str) -> Message {
        Message(vec![Part::Text(s.to_owned())])
    }

    /// The text of a field, or `fallback`.
    pub fn field(path: &str, fallback: &str) -> Message {
        Message(vec![Part::Read {
            source: Lookup::Field(Path::parse(path)),
            prefix: String::new(),
            fallback: fallback.to_owned(),
        }])
    }

    /// The `message` of the first condition that `sel` matches, or `fallback`.
    pub fn condition(sel: &ConditionSelector, fallback: &str) -> Message {
        Message(vec![Part::Read {
            source: Lookup::Condition(sel.clone(), "message".to_owned()),
            prefix: String::new(),
            fallback: fallback.to_owned(),
        }])
    }

    /// `prefix` and the `message` of the first condition `sel` matches, or `fallback` alone.
    pub fn condition_after(sel: &ConditionSelector, prefix: &str, fallback: &str) -> Message {
        Message(vec![Part::Read {
            source: Lookup::Condition(sel.clone(), "message".to_owned()),
            prefix: prefix.to_owned(),
            fallback: fallback.to_owned(),
        }])
    }

    /// `prefix` and the text of a field, or `fallback` alone.
    pub fn field_after(path: &str, prefix: &str, fallback: &str) -> Message {
        Message(vec![Part::Read {
            source: Lookup::Field(Path::parse(path)),
            prefix: prefix.to_owned(),
            fallback: fallback.to_owned(),
        }])
    }

    /// Appends literal text.
    pub fn then_text(mut self, s: &str) -> Message {
        self.0.push(Part::Text(s.to_owned()));
        self
    }

    /// Appends another message.
    pub fn then(mut self, other: Message) -> Message {
        self.0.extend(other.0);
        self
    }
}

/// "When `when` holds, the resource is `status` with `message`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    /// A short name for explanations ("failure", "stale readiness", ...).
    pub name: String,
    /// The test.
    pub when: Predicate,
    /// The verdict's status.
    pub status: Status,
    /// The verdict's message.
    pub message: Message,
}

impl Clause {
    /// A clause named `name`: when `when` holds, `status` with `message`.
    pub fn new(name: &str, when: Predicate, status: Status, message: Message) -> Clause {
        Clause {
            name: name.to_owned(),
            when,
            status,
            message,
        }
    }
}

/// A health rule: clauses in priority order, then a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// The rule's name, e.g. "MAS Ready family".
    pub name: String,
    /// The clauses; the first that holds decides.
    pub clauses: Vec<Clause>,
    /// The verdict when no clause holds.
    pub default_status: Status,
    /// The message when no clause holds.
    pub default_message: Message,
}

impl Rule {
    /// Starts a rule with a name; add clauses with [`RuleBuilder::when`], finish with [`RuleBuilder::otherwise`].
    pub fn named(name: &str) -> RuleBuilder {
        RuleBuilder {
            name: name.to_owned(),
            clauses: Vec::new(),
        }
    }

    /// Every condition selector the rule reads (predicates in clause order, then messages),
    /// without duplicates.
    pub fn condition_selectors(&self) -> Vec<&ConditionSelector> {
        unique(|f| {
            self.clauses
                .iter()
                .for_each(|c| c.when.for_each_selector(f));
            self.messages().for_each(|m| m.for_each_selector(f));
        })
    }

    /// Every field path the rule reads (predicates, then messages), without duplicates.
    pub fn paths_read(&self) -> Vec<&Path> {
        unique(|f| {
            self.clauses.iter().for_each(|c| c.when.for_each_path(f));
            self.messages().for_each(|m| m.for_each_path(f));
        })
    }

    /// Every message of the rule: clause messages in order, then the default.
    pub fn messages(&self) -> impl Iterator<Item = &Message> {
        self.clauses
            .iter()
            .map(|c| &c.message)
            .chain(std::iter::once(&self.default_message))
    }
}

/// What `visit` reports, in first-seen order without duplicates.
fn unique<'a, T: PartialEq>(visit: impl FnOnce(&mut dyn FnMut(&'a T))) -> Vec<&'a T> {
    let mut out: Vec<&'a T> = Vec::new();
    visit(&mut |x| {
        if !out.contains(&x) {
            out.push(x);
        }
    });
    out
}

// The visitors below match every variant by name, without `_` arms: a new variant of
// `Predicate`, `Part` or `Lookup` makes the compiler point at each of them.
impl Predicate {
    /// Calls `f` on this predicate and every predicate nested in it, depth first.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Predicate)) {
        f(self);
        match self {
            Predicate::All(ps) | Predicate::Any(ps) => ps.iter().for_each(|p| p.visit(f)),
            Predicate::Not(p) => p.visit(f),
            Predicate::Always
            | Predicate::Exists(_)
            | Predicate::OneOf(..)
            | Predicate::Condition(_)
            | Predicate::FieldsEqual(..)
            | Predicate::FieldsDiffer(..)
            | Predicate::ObservedDiffers { .. } => {}
        }
    }

    /// Calls `f` on every field path this predicate reads, depth first, left to right.
    /// Condition selectors read `status.conditions`, which is not reported here.
    pub fn for_each_path<'a>(&'a self, f: &mut dyn FnMut(&'a Path)) {
        match self {
            Predicate::Always | Predicate::Condition(_) => {}
            Predicate::Exists(a) | Predicate::OneOf(a, _) => f(a),
            Predicate::FieldsEqual(a, b) | Predicate::FieldsDiffer(a, b) => {
                f(a);
                f(b);
            }
            Predicate::ObservedDiffers { desired, observed } => {
                f(desired);
                f(observed);
            }
            Predicate::All(ps) | Predicate::Any(ps) => {
                ps.iter().for_each(|p| p.for_each_path(f));
            }
            Predicate::Not(p) => p.for_each_path(f),
        }
    }

    /// Calls `f` on every condition selector this predicate tests, depth first, left to right.
    pub fn for_each_selector<'a>(&'a self, f: &mut dyn FnMut(&'a ConditionSelector)) {
        match self {
            Predicate::Condition(sel) => f(sel),
            Predicate::Always
            | Predicate::Exists(_)
            | Predicate::OneOf(..)
            | Predicate::FieldsEqual(..)
            | Predicate::FieldsDiffer(..)
            | Predicate::ObservedDiffers { .. } => {}
            Predicate::All(ps) | Predicate::Any(ps) => {
                ps.iter().for_each(|p| p.for_each_selector(f));
            }
            Predicate::Not(p) => p.for_each_selector(f),
        }
    }
}

impl Message {
    /// Calls `f` on every field path the message reads, in part order.
    pub fn for_each_path<'a>(&'a self, f: &mut dyn FnMut(&'a Path)) {
        for part in &self.0 {
            match part {
                Part::Text(_) => {}
                Part::Read { source, .. } => match source {
                    Lookup::Field(path) => f(path),
                    Lookup::Condition(..) => {}
                },
            }
        }
    }

    /// Calls `f` on every condition selector the message reads from, in part order.
    pub fn for_each_selector<'a>(&'a self, f: &mut dyn FnMut(&'a ConditionSelector)) {
        for part in &self.0 {
            match part {
                Part::Text(_) => {}
                Part::Read { source, .. } => match source {
                    Lookup::Field(_) => {}
                    Lookup::Condition(sel, _) => f(sel),
                },
            }
        }
    }
}

/// Builds a [`Rule`] clause by clause.
#[derive(Debug, Clone)]
pub struct RuleBuilder {
    name: String,
    clauses: Vec<Clause>,
}

impl RuleBuilder {
    /// Adds a clause named `name`: when `when` holds, `status` with `message`.
    pub fn when(mut self, name: &str, when: Predicate, status: Status, message: Message) -> Self {
        self.clauses.push(Clause::new(name, when, status, message));
        self
    }

    /// Adds a clause built elsewhere (a family's shared clause).
    pub fn clause(mut self, clause: Clause) -> Self {
        self.clauses.push(clause);
        self
    }

    /// Adds clauses built elsewhere, in order (a family's optional or repeated parts).
    pub fn clauses(mut self, clauses: impl IntoIterator<Item = Clause>) -> Self {
        self.clauses.extend(clauses);
        self
    }

    /// Finishes the rule with the verdict used when no clause holds.
    pub fn otherwise(self, status: Status, message: Message) -> Rule {
        Rule {
            name: self.name,
            clauses: self.clauses,
            default_status: status,
            default_message: message,
        }
    }
}

/// Selector: a condition of type `type_` whose status is `status`.
pub fn cond(type_: &str, status: &str) -> ConditionSelector {
    ConditionSelector {
        type_: TextMatch::is(type_),
        status: TextMatch::is(status),
        reason: TextMatch::Any,
    }
}

/// Selector: a condition of type `type_`, whatever its status.
pub fn cond_any(type_: &str) -> ConditionSelector {
    ConditionSelector {
        type_: TextMatch::is(type_),
        status: TextMatch::Any,
        reason: TextMatch::Any,
    }
}

impl ConditionSelector {
    /// The same selector, also requiring the reason to be anything but `reason` (absent counts).
    pub fn with_reason_not(mut self, reason: &str) -> Self {
        self.reason = TextMatch::NoneOf(vec![reason.to_owned()]);
        self
    }

    /// The same selector, with the status test replaced.
    pub fn with_status(mut self, status: TextMatch) -> Self {
        self.status = status;
        self
    }

    /// The same selector, also requiring the condition's reason to be `reason`.
    pub fn with_reason(mut self, reason: &str) -> Self {
        self.reason = TextMatch::is(reason);
        self
    }

    /// The predicate "some condition matches this selector".
    pub fn holds(&self) -> Predicate {
        Predicate::Condition(self.clone())
    }
}

/// Predicate: the field at the dotted path exists.
pub fn exists(path: &str) -> Predicate {
    Predicate::Exists(Path::parse(path))
}

/// Predicate: the field at the dotted path equals `value`.
pub fn equals(path: &str, value: impl Into<Scalar>) -> Predicate {
    Predicate::OneOf(Path::parse(path), vec![value.into()])
}

/// Predicate: the field at the dotted path is a string equal to one of `values`.
pub fn one_of(path: &str, values: &[&str]) -> Predicate {
    Predicate::OneOf(
        Path::parse(path),
        values.iter().map(|v| Scalar::from(*v)).collect(),
    )
}

/// Predicate: both fields present and different.
pub fn differ(left: &str, right: &str) -> Predicate {
    Predicate::FieldsDiffer(Path::parse(left), Path::parse(right))
}

/// Predicate: every one of these condition types has status `"True"`.
pub fn all_true(types: &[&str]) -> Predicate {
    Predicate::All(types.iter().map(|t| cond(t, "True").holds()).collect())
}

/// Predicate: all of these hold.
pub fn all(ps: Vec<Predicate>) -> Predicate {
    Predicate::All(ps)
}

/// Predicate: any of these holds.
pub fn any(ps: Vec<Predicate>) -> Predicate {
    Predicate::Any(ps)
}

/// Predicate: `p` does not hold.
pub fn not(p: Predicate) -> Predicate {
    Predicate::Not(Box::new(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_selectors_are_listed_once_predicates_first_in_reading_order() {
        let ready = cond("Ready", "True");
        let other = cond_any("Other");
        let rule = Rule::named("r")
            .when(
                "a",
                all(vec![exists("a.b"), not(differ("c", "a.b")), ready.holds()]),
                Status::Healthy,
                Message::field("d", "").then(Message::condition(&other, "")),
            )
            .otherwise(
                Status::Progressing,
                Message::field("a.b", "").then(Message::condition(&ready, "")),
            );
        assert_eq!(
            rule.paths_read(),
            [&Path::parse("a.b"), &Path::parse("c"), &Path::parse("d")]
        );
        assert_eq!(rule.condition_selectors(), [&ready, &other]);
    }
}
