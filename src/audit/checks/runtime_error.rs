//! `runtime-error`: some state makes the script raise an error, which Argo CD shows as Unknown
//! with the error text.
//!
//! An error that needs a `spec` field absent is only a warning without the kind's CRD: a CRD's
//! schema default (or a defaulting webhook) makes the API server store the field in every
//! object, so the state may be one no user can create. With `--crds` the states follow the
//! schema, and the error stays an error.

use super::{on_first_state, Check, Input};
use crate::argocd::runtime::Outcome;
use crate::audit::{Finding, Level, Recorded, Runs};
use crate::testkit::lua_check;
use serde_json::Value;

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
            let Some(path) = absent_spec_field(&input.script.script, &f.message, example) else {
                continue;
            };
            if schema.is_none() {
                f.level = Level::Warning;
                f.message.push_str(&format!(
                    " (only while `{}` is absent: if the CRD defaults it, the API server stores \
                     it in every object; give the CRD with --crds to know)",
                    path.join(".")
                ));
            }
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
                    "metadata": {"name": "generated", "namespace": "test"}, "spec": {}}))
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
    fn an_unguarded_status_field_of_the_same_name_stays_an_error() {
        // `strategy` is also read under status, which the operator may not have written yet.
        let script = "local s = obj.status and obj.status.strategy\n\
                      if obj.spec.strategy.paused == true then return { status = \"Suspended\" } end\n\
                      return { status = \"Progressing\" }";
        let f = findings(&RuntimeError, script, false);
        assert_eq!(levels(&f), [("runtime-error", Level::Error)]);
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
        // Db2u writes `status.state` and no conditions: ipairs(nil) raises.
        let text = "if obj.status == nil then return { status = \"Progressing\", message = \"\" } end\n\
            if obj.status.state == \"Ready\" then return { status = \"Healthy\", message = \"\" } end\n\
            for _, c in ipairs(obj.status.conditions) do end\n\
            return { status = \"Progressing\", message = \"\" }";
        assert_eq!(
            findings(&RuntimeError, text, false),
            [RuntimeError.finding(
                "raises an error: runtime error: health.lua:3: bad argument #1 to 'ipairs' (table expected, got nil)"
                    .to_owned(),
                Some(json!({"apiVersion": "example.com/v1", "kind": "Inline",
                    "metadata": {"name": "generated", "namespace": "test"}, "spec": {},
                    "status": {}}))
            )]
        );
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
