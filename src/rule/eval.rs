//! How a Lua script in Argo CD sees an object, and the rule interpreter built on it.
//!
//! The readers here (`get`, `conditions`, `field`, the scalar and table comparisons) are shared
//! with [`super::Plan`], the evaluator every command runs. The interpreter (`evaluate_rule`) walks
//! the rule on each object; it is compiled only for tests, as the plan's oracle.
//!
//! What the object looks like to a Lua script in Argo CD is what both see: null is the
//! same as absent, a null inside an array is skipped (Argo CD's conversion drops it), every number
//! is an f64, and a field of the wrong type is treated as absent. It never panics.

use super::model::{
    ConditionSelector, Health, Lookup, Message, Part, Path, Predicate, Rule, Scalar, TextMatch,
};
use crate::rule::CONDITIONS;
use serde_json::Value;

/// Evaluates `rule` on `obj` by walking the rule: the test oracle of [`super::Plan`], which
/// every command and embedder runs. Argo CD's pre-check for objects being deleted is not
/// applied here.
#[cfg(any(test, feature = "testkit"))]
pub fn evaluate_rule(rule: &Rule, obj: &Value) -> Health {
    let (status, message) = rule
        .clauses
        .iter()
        .find(|c| holds(&c.when, obj))
        .map_or((rule.default_status, &rule.default_message), |c| {
            (c.status, &c.message)
        });
    Health::new(status, render(message, obj))
}

/// Reads the field at `path`; `None` when absent, null, or below a non-object.
pub fn get<'v>(obj: &'v Value, path: &Path) -> Option<&'v Value> {
    let mut cur = obj;
    for key in path.keys() {
        cur = cur.as_object()?.get(key)?;
    }
    (!cur.is_null()).then_some(cur)
}

/// The entries of `status.conditions` as a Lua script iterates them: the tables (objects, and
/// arrays, which a script sees as tables without string keys), nulls skipped.
pub fn conditions(obj: &Value) -> impl Iterator<Item = &Value> {
    let [status, conditions] = CONDITIONS;
    obj.get(status)
        .and_then(|s| s.get(conditions))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.is_object() || c.is_array())
}

/// A string-keyed field of a table, as `t.key` reads it in Lua.
pub fn field<'v>(table: &'v Value, key: &str) -> Option<&'v Value> {
    table.as_object()?.get(key).filter(|v| !v.is_null())
}

/// The first condition, in array order, that `sel` matches.
#[cfg(any(test, feature = "testkit"))]
pub fn find_condition<'v>(obj: &'v Value, sel: &ConditionSelector) -> Option<&'v Value> {
    conditions(obj).find(|c| {
        text_matches(&sel.type_, field(c, "type"))
            && text_matches(&sel.status, field(c, "status"))
            && text_matches(&sel.reason, field(c, "reason"))
    })
}

/// Whether a field value satisfies a [`TextMatch`].
#[cfg(any(test, feature = "testkit"))]
pub fn text_matches(m: &TextMatch, v: Option<&Value>) -> bool {
    let s = v.and_then(Value::as_str);
    match m {
        TextMatch::Any => true,
        TextMatch::OneOf(set) => s.is_some_and(|s| set.iter().any(|x| x == s)),
        TextMatch::NoneOf(set) => !s.is_some_and(|s| set.iter().any(|x| x == s)),
    }
}

/// Whether `v` is a scalar of the same type as `s` and equal to it (numbers as f64).
pub(crate) fn scalar_eq(v: &Value, s: &Scalar) -> bool {
    match s {
        Scalar::Str(b) => v.as_str() == Some(b.as_str()),
        Scalar::Num(b) => v.as_f64() == Some(*b),
        Scalar::Bool(b) => v.as_bool() == Some(*b),
    }
}

/// Equality of two present scalars as Lua's `==` sees them; `None` when either is not a scalar.
pub(crate) fn scalars_equal(a: &Value, b: &Value) -> Option<bool> {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    if !scalar(a) || !scalar(b) {
        return None;
    }
    Some(match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => false,
    })
}

/// Whether a value counts as unset: absent, null, `""`, `false`, `0`, or a table of such values.
pub fn is_zero(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::Array(a)) => a.iter().all(|x| is_zero(Some(x))),
        Some(Value::Object(m)) => m.values().all(|x| is_zero(Some(x))),
    }
}

/// A key of a table as Lua sees it: arrays have integer keys (after nulls are dropped), objects
/// string keys.
#[derive(PartialEq)]
enum Key<'v> {
    Int(usize),
    Str(&'v str),
}

fn table_entries(v: &Value) -> Vec<(Key<'_>, &Value)> {
    match v {
        Value::Array(a) => a
            .iter()
            .filter(|x| !x.is_null())
            .enumerate()
            .map(|(i, x)| (Key::Int(i + 1), x))
            .collect(),
        Value::Object(m) => m
            .iter()
            .filter(|(_, x)| !x.is_null())
            .map(|(k, x)| (Key::Str(k.as_str()), x))
            .collect(),
        _ => Vec::new(),
    }
}

fn lookup<'v>(entries: &[(Key<'_>, &'v Value)], key: &Key<'_>) -> Option<&'v Value> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

/// Tree equality with zero values counting as unset (see [`Predicate::ObservedDiffers`]).
pub fn same_tree(a: Option<&Value>, b: Option<&Value>) -> bool {
    let table = |v: Option<&Value>| matches!(v, Some(Value::Array(_) | Value::Object(_)));
    if is_zero(a) && is_zero(b) {
        return true;
    }
    match (a, b) {
        (Some(x), Some(y)) if table(a) && table(b) => {
            let (ea, eb) = (table_entries(x), table_entries(y));
            ea.iter().all(|(k, v)| same_tree(Some(v), lookup(&eb, k)))
                && eb
                    .iter()
                    .all(|(k, v)| lookup(&ea, k).is_some() || is_zero(Some(v)))
        }
        (Some(x), Some(y)) => scalars_equal(x, y) == Some(true),
        _ => false,
    }
}

/// Whether `p` holds on `obj`.
#[cfg(any(test, feature = "testkit"))]
pub fn holds(p: &Predicate, obj: &Value) -> bool {
    match p {
        Predicate::Always => true,
        Predicate::Exists(path) => get(obj, path).is_some(),
        Predicate::OneOf(path, values) => {
            get(obj, path).is_some_and(|v| values.iter().any(|s| scalar_eq(v, s)))
        }
        Predicate::Condition(sel) => find_condition(obj, sel).is_some(),
        Predicate::FieldsEqual(a, b) => match (get(obj, a), get(obj, b)) {
            (Some(x), Some(y)) => scalars_equal(x, y) == Some(true),
            _ => false,
        },
        Predicate::FieldsDiffer(a, b) => match (get(obj, a), get(obj, b)) {
            (Some(x), Some(y)) => scalars_equal(x, y) == Some(false),
            _ => false,
        },
        Predicate::ObservedDiffers { desired, observed } => {
            let seen = get(obj, observed);
            seen.is_some() && !same_tree(get(obj, desired), seen)
        }
        Predicate::All(ps) => ps.iter().all(|p| holds(p, obj)),
        Predicate::Any(ps) => ps.iter().any(|p| holds(p, obj)),
        Predicate::Not(p) => !holds(p, obj),
    }
}

/// The value a message part reads, before the fallback.
#[cfg(any(test, feature = "testkit"))]
pub fn read<'v>(source: &Lookup, obj: &'v Value) -> Option<&'v Value> {
    match source {
        Lookup::Field(path) => get(obj, path),
        Lookup::Condition(sel, key) => find_condition(obj, sel).and_then(|c| field(c, key)),
    }
}

/// Renders a message on `obj`.
#[cfg(any(test, feature = "testkit"))]
pub fn render(m: &Message, obj: &Value) -> String {
    let mut out = String::new();
    for part in &m.0 {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Read {
                source,
                prefix,
                fallback,
            } => match read(source, obj)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                Some(s) => {
                    out.push_str(prefix);
                    out.push_str(s);
                }
                None => out.push_str(fallback),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn is_zero_counts_absent_null_empty_false_zero_and_tables_of_them_as_unset() {
        for v in [
            json!(null),
            json!(""),
            json!(false),
            json!(0),
            json!(0.0),
            json!([]),
            json!({}),
            json!({"a": "", "b": [0, false, null], "c": {"d": null}}),
        ] {
            assert!(is_zero(Some(&v)), "{v} counts as unset");
        }
        assert!(is_zero(None));
        for v in [
            json!("x"),
            json!(true),
            json!(1),
            json!(-0.5),
            json!([0, 1]),
            json!({"a": {"b": "x"}}),
        ] {
            assert!(!is_zero(Some(&v)), "{v} is set");
        }
    }

    #[test]
    fn same_tree_ignores_zero_values_and_compares_scalars_like_lua() {
        let same = |a: Value, b: Value| same_tree(Some(&a), Some(&b));
        assert!(same(json!({"a": 1, "b": ""}), json!({"a": 1.0})));
        assert!(same(json!({"a": {"x": null}}), json!({})));
        assert!(same(json!(null), json!({"a": false})));
        assert!(same_tree(None, Some(&json!({"a": 0}))));
        assert!(same(json!([1, null, 2]), json!([1, 2])));
        assert!(!same(json!({"a": 1}), json!({"a": 2})));
        assert!(!same(json!({"a": "1"}), json!({"a": 1})));
        assert!(!same(json!({"a": 1}), json!({})));
        assert!(!same(json!({}), json!({"a": 1})));
        assert!(!same(json!([1, 2]), json!([2, 1])));
        assert!(!same(json!({"a": [1]}), json!({"a": "x"})));
        assert!(!same_tree(None, Some(&json!("x"))));
    }
}
