//! `runtime-error`: some state makes the script raise an error, which Argo CD shows as Unknown
//! with the error text.
//!
//! An error that needs a `spec` field absent is only a warning without the kind's CRD: a CRD's
//! schema default (or a defaulting webhook) makes the API server store the field in every
//! object, so the state may be one no user can create. With `--crds` the states follow the
//! schema, and the error stays an error.
//!
//! So is an error that needs a field absent inside an object the operator wrote (its `status`,
//! an entry of a list in it), unless the field is a list or map (which Go omits when empty,
//! so its absence is a state the operator stores): a scalar or a struct field is serialized
//! whenever its Go type has no `omitempty` (a struct always), which the CRD marks `required`
//! (Flagger's `canaryWeight`, Percona's `size`, Spark's `applicationState`). The error is found
//! by adding, one at a time, each field the script reads to each object of the example: if
//! one makes the error go, the error needs it absent. An object with no status at all (before
//! the operator's first reconcile) is a state every object passes through: an error there stays
//! an error.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::crd::Slot;
use crate::audit::{Finding, Level, Recorded, Runs};
use crate::testkit::lua_check;
use serde_json::{json, Value};

/// An error raised on some state.
pub struct RuntimeError;

/// The `spec` path the error needs absent: the script reads `obj.spec...X` and no
/// `obj.status...X`, the error names field `X` as nil, and `example` has nothing there.
fn absent_spec_field(script: &str, error: &str, example: &Value) -> Option<Vec<String>> {
    let (_, rest) = error.split_once("field '")?;
    let (name, rest) = rest.split_once('\'')?;
    if !rest.starts_with(" (a nil value)") {
        return None;
    }
    let paths = lua_check::reads(script).paths;
    let under = |root: &str| {
        paths
            .iter()
            .filter(|p| p.first().is_some_and(|r| r == root))
            .find_map(|p| {
                let at = p.iter().skip(1).position(|k| k == name)? + 2;
                Some(p[..at].to_vec())
            })
    };
    if under("status").is_some() {
        return None;
    }
    let path = under("spec")?;
    let pointer: String = path.iter().map(|k| format!("/{k}")).collect();
    example.pointer(&pointer).is_none().then_some(path)
}

/// Values a field added to an example may hold: a string, a number, a boolean, a struct.
fn candidates() -> [Value; 4] {
    [json!("x"), json!(1), json!(true), json!({})]
}

/// The objects of `v` below `at` (itself included), with their paths (`[]` for a list entry).
fn objects<'v>(v: &'v Value, at: Vec<String>, out: &mut Vec<(Vec<String>, &'v Value)>) {
    match v {
        Value::Object(m) => {
            out.push((at.clone(), v));
            for (k, child) in m {
                let mut p = at.clone();
                p.push(k.clone());
                objects(child, p, out);
            }
        }
        Value::Array(l) => {
            for child in l {
                let mut p = at.clone();
                p.push("[]".to_owned());
                objects(child, p, out);
            }
        }
        _ => {}
    }
}

/// Most runs spent looking for the field an error needs absent.
const COMPLETION_RUNS: usize = 600;

/// The field the error on `example` needs absent, inside its `spec` or its `status`: the first
/// field the script reads (not a list or map directly in the status) whose addition to an
/// object of the example makes this error go (see the module's documentation).
fn needs_absent(runs: &Runs, script: &str, example: &Value) -> Option<Vec<String>> {
    let (names, collections) = lua_check::field_names(script);
    let mut nodes = Vec::new();
    for part in ["spec", "status"] {
        if let Some(v) = example.get(part) {
            objects(v, vec![part.to_owned()], &mut nodes);
        }
    }
    let mut left = COMPLETION_RUNS;
    let before = match runs.run(example).outcome {
        Outcome::Error(e) => e,
        _ => return None,
    };
    for (path, node) in &nodes {
        // A list or map directly in the status is `omitempty`, so absent is a stored state;
        // one in the user's spec may be required by the CRD, and an entry of a status list
        // is written whole, with its own conditions.
        let omitted = |n: &String| {
            path.len() == 1 && path[0] == "status" && (n == "conditions" || collections.contains(n))
        };
        let missing = names
            .iter()
            .filter(|n| node.get(n.as_str()).is_none() && !omitted(n));
        for name in missing {
            for value in candidates() {
                if left == 0 {
                    return None;
                }
                left -= 1;
                let mut completed = example.clone();
                add_at(&mut completed, path, name, &value);
                // The error goes (another may come later: that is a finding of its own).
                let gone = match runs.run(&completed).outcome {
                    Outcome::Error(e) => e != before,
                    _ => true,
                };
                if gone {
                    let mut found = path.clone();
                    found.push(name.clone());
                    return Some(found);
                }
            }
        }
    }
    None
}

/// Sets `name` to `value` in every object at `path` of `v` (every entry of a list on the way).
fn add_at(v: &mut Value, path: &[String], name: &str, value: &Value) {
    match (path.split_first(), v) {
        (None, Value::Object(m)) => {
            m.insert(name.to_owned(), value.clone());
        }
        (Some((k, rest)), Value::Array(l)) if k == "[]" => {
            l.iter_mut().for_each(|e| add_at(e, rest, name, value));
        }
        (Some((k, rest)), Value::Object(m)) => {
            if let Some(child) = m.get_mut(k) {
                add_at(child, rest, name, value);
            }
        }
        _ => {}
    }
}

impl Check for RuntimeError {
    fn code(&self) -> &'static str {
        "runtime-error"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "raises an error on some state: Argo CD shows Unknown with the error text"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let shows = |_: &Runs, _: &Value, r: &Recorded| match &r.outcome {
            Outcome::Error(e) => Some(e.clone()),
            _ => None,
        };
        let mut found = on_first_state(self, input.runs, &shows, &|s| {
            format!("raises an error: {}{}", s.what, s.at())
        });
        let (group, kind) = (&input.script.group, &input.script.kind);
        let schema = input.ctx.schemas.and_then(|s| s.lookup(group, kind));
        for f in found.iter_mut().filter(|f| f.level == Level::Error) {
            let Some(example) = &f.example else { continue };
            let script = &input.script.script;
            let absent = absent_spec_field(script, &f.message, example)
                .or_else(|| needs_absent(input.runs, script, example));
            let Some(path) = absent else { continue };
            let required = schema.map(|s| {
                matches!(
                    crate::audit::crd::at(&s.schema, &path),
                    Slot::Declared(_, true)
                )
            });
            if required == Some(false) {
                continue;
            }
            f.level = Level::Warning;
            let field = path.join(".").replace(".[]", "[]");
            let why = match (path[0].as_str(), required) {
                (_, Some(true)) => "the CRD requires it, so the API server stores it in every object".to_owned(),
                ("spec", _) => "if the CRD defaults it, the API server stores it in every object; give the CRD with --crds to know".to_owned(),
                _ => "the operator's Go type serializes it in every status it writes unless it is `omitempty`, which the CRD tells: give it with --crds to know".to_owned(),
            };
            f.message
                .push_str(&format!(" (only while `{field}` is absent: {why})"));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, findings_in, levels, script};
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unguarded_index_is_found_with_the_smallest_state() {
        let script = "if obj.status.phase == \"Ready\" then return { status = \"Healthy\" } end\n\
                      return { status = \"Progressing\" }";
        assert_eq!(
            findings(&RuntimeError, script, false),
            [RuntimeError.finding(
                "raises an error: runtime error: health.lua:1: attempt to index field 'status' (a nil value)"
                    .to_owned(),
                // Shrinking reaches the smallest object: no status, as before the operator's
                // first reconcile, with the identity and spec every deployed object has.
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "generated", "namespace": "test",
                        "creationTimestamp": "2026-01-01T00:00:00Z",
                        "uid": "7c4d2a10-0000-4000-8000-000000000001",
                        "resourceVersion": "1001", "generation": 1},
                    "spec": {}}))
            )]
        );
    }

    #[test]
    fn an_unguarded_spec_field_a_crd_may_default_is_a_warning() {
        let script =
            "if obj.spec.strategy.paused == true then return { status = \"Suspended\" } end\n\
                      return { status = \"Progressing\" }";
        let f = findings(&RuntimeError, script, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Warning)]);
        assert!(
            f[0].message.ends_with(
                "(only while `spec.strategy` is absent: if the CRD defaults it, the API server \
                 stores it in every object; give the CRD with --crds to know)"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn an_unguarded_spec_field_also_read_under_status_is_a_warning() {
        // The error needs `spec.strategy` absent (adding it makes the error go), which the CRD
        // may default: the name also being read under status changes nothing.
        let script = "local s = obj.status and obj.status.strategy\n\
                      if obj.spec.strategy.paused == true then return { status = \"Suspended\" } end\n\
                      return { status = \"Progressing\" }";
        let f = findings(&RuntimeError, script, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Warning)]);
    }

    #[test]
    fn a_list_measured_with_table_getn_is_never_a_string() {
        // `table.getn` wants a list, which is what the operator stores there.
        let script = "if obj.status ~= nil and obj.status.active ~= nil and table.getn(obj.status.active) > 0 then\n\
                      return { status = \"Progressing\" } end\nreturn { status = \"Healthy\" }";
        assert!(findings(&RuntimeError, script, true).is_empty());
        let unguarded = script.replace("obj.status ~= nil and ", "");
        assert_eq!(
            levels(&findings(&RuntimeError, &unguarded, true)),
            [("runtime-error", Level::Error)]
        );
    }

    #[test]
    fn a_guarded_index_is_not() {
        let script = "if type(obj.status) == \"table\" and obj.status.phase == \"Ready\" then\n\
                      return { status = \"Healthy\" } end\nreturn { status = \"Progressing\" }";
        assert!(findings(&RuntimeError, script, false).is_empty());
    }

    #[test]
    fn a_status_with_a_state_and_no_conditions_is_found() {
        // Db2u writes `status.state` and no conditions (the list is omitempty): ipairs(nil)
        // raises, on a state the operator stores.
        let text = "if obj.status == nil then return { status = \"Progressing\", message = \"\" } end\n\
            if obj.status.state == \"Ready\" then return { status = \"Healthy\", message = \"\" } end\n\
            for _, c in ipairs(obj.status.conditions) do end\n\
            return { status = \"Progressing\", message = \"\" }";
        let f = findings(&RuntimeError, text, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Error)]);
        assert_eq!(
            f[0].message,
            "raises an error: runtime error: health.lua:3: bad argument #1 to 'ipairs' (table expected, got nil)"
        );
        let status = f[0].example.as_ref().and_then(|e| e.get("status"));
        assert!(
            status.is_some_and(|s| s.get("conditions").is_none() && s.get("state").is_some()),
            "{f:?}"
        );
    }

    #[test]
    fn an_empty_conditions_list_is_never_a_state() {
        // `conditions: []` is not stored (omitempty): the last entry of a present list exists.
        let text = "if obj.status ~= nil and obj.status.conditions ~= nil then\n\
            local last = obj.status.conditions[#obj.status.conditions]\n\
            if last.type == \"Ready\" then return { status = \"Healthy\", message = \"\" } end end\n\
            return { status = \"Progressing\", message = \"\" }";
        assert!(findings(&RuntimeError, text, false).is_empty());
    }

    /// Reads a number the operator's status type may always serialize (Flagger's
    /// `canaryWeight`), once the status exists.
    const WEIGHT: &str = "if obj.status ~= nil then\n\
        if obj.status.phase == \"Failed\" then return { status = \"Degraded\", message = \"\" } end\n\
        if obj.status.weight > 0 then return { status = \"Progressing\", message = \"\" } end\n\
        return { status = \"Healthy\", message = \"\" } end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn a_status_scalar_the_type_may_always_serialize_is_a_warning() {
        let f = findings(&RuntimeError, WEIGHT, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Warning)]);
        assert!(
            f[0].message.contains(
                "(only while `status.weight` is absent: the operator's Go type serializes it"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn the_same_read_before_any_status_is_an_error() {
        // Without the `obj.status ~= nil` guard a new object (no status yet) crashes.
        let unguarded = "if obj.status.weight > 0 then return { status = \"Progressing\", message = \"\" } end\n\
            return { status = \"Healthy\", message = \"\" }";
        let f = findings(&RuntimeError, unguarded, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Error)]);
    }

    #[test]
    fn an_entry_of_a_status_list_walked_with_pairs_is_a_list_entry_written_whole() {
        // Route-like: `pairs` over status.ingress (a Go slice, never a map of names), each
        // entry read for its own conditions, which the router writes with the entry.
        let text = "if obj.status ~= nil and obj.status.ingress ~= nil then\n\
            for _, i in pairs(obj.status.ingress) do for _, c in pairs(i.conditions) do\n\
            if c.type == \"Admitted\" and c.status == \"True\" then return { status = \"Healthy\", message = \"\" } end end end end\n\
            return { status = \"Progressing\", message = \"\" }";
        let f = findings(&RuntimeError, text, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Warning)]);
        let ingress = f[0]
            .example
            .as_ref()
            .and_then(|e| e.pointer("/status/ingress"));
        assert!(ingress.is_some_and(Value::is_array), "{f:?}");
    }

    /// Reads what the API server writes in a CRD's status on create.
    const STORED_VERSIONS: &str = "if obj.status.storedVersions[1] == \"v1\" then return { status = \"Healthy\", message = \"\" } end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn a_crd_s_status_the_api_server_writes_is_always_there() {
        let crd = script(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            STORED_VERSIONS,
            false,
        );
        assert!(findings_in(&RuntimeError, &crd, 50, None, false).is_empty());
        // A custom resource's status is written by its operator, later.
        let cr = script("example.com", "Thing", STORED_VERSIONS, false);
        let f = findings_in(&RuntimeError, &cr, 50, None, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Error)]);
    }

    /// Raises only when `status` is not a table, which no API server stores.
    const ONLY_MALFORMED: &str = "local s = obj.status\n\
        if s ~= nil and s.phase == \"Running\" then return { status = \"Healthy\", message = \"\" } end\n\
        return { status = \"Progressing\", message = \"\" }";

    #[test]
    fn a_crash_only_a_malformed_state_shows_is_not_found_by_default() {
        assert!(findings(&RuntimeError, ONLY_MALFORMED, false).is_empty());
    }

    #[test]
    fn with_malformed_states_it_is_a_warning() {
        let s = script("example.com", "Inline", ONLY_MALFORMED, false);
        let f = findings_in(&RuntimeError, &s, 100, None, true);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].level),
            ("runtime-error", Level::Warning)
        );
        assert!(
            f[0].message
                .ends_with("(only on a malformed state: a field of a type no API server stores)"),
            "{}",
            f[0].message
        );
    }
}
