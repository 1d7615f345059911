//! Reading an object the way gitops-engine's typed conversion does: absent fields are zero
//! values, and a field of the wrong type is a conversion error (the check reports Unknown).

use serde_json::Value;

/// A conversion error: the object does not fit the typed struct Argo CD converts it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistyped(pub String);

/// The value at `path`, `None` when absent or null.
pub fn at<'v>(obj: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut cur = obj;
    for key in path {
        cur = cur.as_object()?.get(*key)?;
    }
    (!cur.is_null()).then_some(cur)
}

fn wrong(path: &[&str], want: &str) -> Mistyped {
    Mistyped(format!("{} is not {want}", path.join(".")))
}

/// A string field: `""` when absent.
pub fn string<'v>(obj: &'v Value, path: &[&str]) -> Result<&'v str, Mistyped> {
    match at(obj, path) {
        None => Ok(""),
        Some(v) => v.as_str().ok_or_else(|| wrong(path, "a string")),
    }
}

/// An integer field: 0 when absent (a whole float, as JSON from YAML may hold, counts).
pub fn int(obj: &Value, path: &[&str]) -> Result<i64, Mistyped> {
    Ok(opt_int(obj, path)?.unwrap_or(0))
}

/// An optional integer field (a pointer in the typed struct).
pub fn opt_int(obj: &Value, path: &[&str]) -> Result<Option<i64>, Mistyped> {
    match at(obj, path) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| wrong(path, "an integer")),
        Some(_) => Err(wrong(path, "an integer")),
    }
}

/// A boolean field: false when absent.
pub fn boolean(obj: &Value, path: &[&str]) -> Result<bool, Mistyped> {
    match at(obj, path) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| wrong(path, "a boolean")),
    }
}

/// A list field: empty when absent.
pub fn list<'v>(obj: &'v Value, path: &[&str]) -> Result<&'v [Value], Mistyped> {
    match at(obj, path) {
        None => Ok(&[]),
        Some(v) => v
            .as_array()
            .map(Vec::as_slice)
            .ok_or_else(|| wrong(path, "a list")),
    }
}

/// A typed condition (`type`, `status`, `reason`, `message`), every field a string.
pub struct Condition<'v> {
    /// The condition's type.
    pub type_: &'v str,
    /// True, False or Unknown.
    pub status: &'v str,
    /// The machine-readable reason.
    pub reason: &'v str,
    /// The human-readable message.
    pub message: &'v str,
}

/// The typed conditions at `path` (usually `status.conditions`).
pub fn conditions<'v>(obj: &'v Value, path: &[&str]) -> Result<Vec<Condition<'v>>, Mistyped> {
    list(obj, path)?.iter().map(condition).collect()
}

/// The conditions at `path` as a Lua script sees them: Argo CD's conversion drops nulls from
/// arrays, so a null entry is no condition (and later ones move up).
pub fn lua_conditions<'v>(obj: &'v Value, path: &[&str]) -> Result<Vec<Condition<'v>>, Mistyped> {
    list(obj, path)?
        .iter()
        .filter(|c| !c.is_null())
        .map(condition)
        .collect()
}

fn condition(c: &Value) -> Result<Condition<'_>, Mistyped> {
    Ok(Condition {
        type_: string(c, &["type"])?,
        status: string(c, &["status"])?,
        reason: string(c, &["reason"])?,
        message: string(c, &["message"])?,
    })
}

/// The API version of the object (`apps/v1`).
pub fn api_version(obj: &Value) -> &str {
    obj.get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The object's name.
pub fn name(obj: &Value) -> &str {
    at(obj, &["metadata", "name"])
        .and_then(Value::as_str)
        .unwrap_or_default()
}
