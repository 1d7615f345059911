//! `live-disagrees`: on a live object of the script's kind (`audit --cluster`), the installed
//! script and mas-health's rule give different verdicts. Each such object is named with both
//! verdicts: these are real states, so the operator running them can tell which one is right.

use super::{Check, Input};
use crate::argocd::pre_check;
use crate::audit::runs::ours;
use crate::audit::{Finding, Level};
use crate::rule::EvalContext;
use serde_json::Value;

/// The most objects named one by one per script; the rest are counted in one more finding.
pub const NAMED: usize = 20;

/// A live object on which the installed script and this crate's rule disagree.
pub struct LiveDisagrees;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// `namespace/name`, or `name` for a cluster-scoped object.
fn name_of(obj: &Value) -> String {
    let meta = &obj["metadata"];
    match text(meta, "namespace") {
        "" => text(meta, "name").to_owned(),
        ns => format!("{ns}/{}", text(meta, "name")),
    }
}

impl Check for LiveDisagrees {
    fn code(&self) -> &'static str {
        "live-disagrees"
    }
    fn level(&self) -> Level {
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "on a live object (audit --cluster) the script's status differs from mas-health's rule"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let (Some(live), Some(entry)) = (input.ctx.live, ours(input.script, input.ctx)) else {
            return Vec::new();
        };
        let ctx = EvalContext::now();
        let mut out = Vec::new();
        let mut more = 0usize;
        for obj in live {
            // Argo CD answers an object being deleted before any script runs: both agree.
            if pre_check(obj).is_some() {
                continue;
            }
            let script = input.runs.run(obj).outcome.verdict();
            let native = entry.plan().evaluate(obj, &ctx);
            if script.status == Some(native.status) {
                continue;
            }
            if out.len() == NAMED {
                more += 1;
                continue;
            }
            out.push(self.finding(
                format!(
                    "live {} {}: mas-health says {} \"{}\", this script {} \"{}\"",
                    entry.key(),
                    name_of(obj),
                    native.status,
                    native.message,
                    script.status_str(),
                    script.message
                ),
                None,
            ));
        }
        if more > 0 {
            out.push(self.finding(
                format!("{more} more live objects of {} disagree", entry.key()),
                None,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::script;
    use super::*;
    use crate::audit::{run_checks, Context};
    use crate::catalog::Catalog;
    use serde_json::json;

    /// The check's findings on a Suite script, with `live` objects (`None`: not --cluster).
    fn findings_on(text: &str, live: Option<&[Value]>) -> Vec<Finding> {
        let catalog = Catalog::standard();
        let ctx = Context {
            fixtures: &[],
            deployed: None,
            cases: 1,
            catalog: &catalog,
            keys: &[],
            malformed: false,
            schemas: None,
            live,
        };
        let s = script("core.mas.ibm.com", "Suite", text, false);
        run_checks(&s, &ctx, &[&LiveDisagrees]).0
    }

    fn live_findings(text: &str, live: &[Value]) -> Vec<Finding> {
        findings_on(text, Some(live))
    }

    /// A check that only looks for a Ready condition set to True.
    const READY_ONLY: &str = "if obj.status ~= nil and obj.status.conditions ~= nil then\n\
        for _, c in ipairs(obj.status.conditions) do\n\
        if c.type == 'Ready' and c.status == 'True' then\n\
        return { status = 'Healthy', message = c.message } end end end\n\
        return { status = 'Progressing', message = 'waiting' }";

    fn suite(name: &str, conditions: Value) -> Value {
        json!({"apiVersion": "core.mas.ibm.com/v1", "kind": "Suite",
            "metadata": {"name": name, "namespace": "mas-inst1-core"},
            "status": {"conditions": conditions}})
    }

    #[test]
    fn a_failure_listed_after_ready_is_named_with_both_verdicts() {
        // The MAS operator keeps Ready=True from an earlier reconcile and adds Failure=True when
        // a later one fails: the suite is failing, which a first-match check on Ready misses.
        let failing = suite(
            "inst1",
            json!([{"type": "Ready", "status": "True", "message": "MAS is ready to use"},
                {"type": "Failure", "status": "True", "reason": "Failed",
                 "message": "Failed to verify MongoDB configuration"}]),
        );
        let ready = suite(
            "inst2",
            json!([{"type": "Ready", "status": "True", "message": "MAS is ready to use"}]),
        );
        let f = live_findings(READY_ONLY, &[failing, ready]);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].code.as_str(), f[0].level),
            ("live-disagrees", Level::Warning)
        );
        assert_eq!(
            f[0].message,
            "live core.mas.ibm.com/Suite mas-inst1-core/inst1: mas-health says Degraded \
             \"Failed to verify MongoDB configuration\", this script Healthy \"MAS is ready to use\""
        );
    }

    #[test]
    fn objects_being_deleted_and_agreeing_objects_are_not_named() {
        let mut deleting = suite("gone", json!([]));
        deleting["metadata"]["deletionTimestamp"] = json!("2026-12-01T00:00:00Z");
        let ready = suite(
            "inst2",
            json!([{"type": "Ready", "status": "True", "message": "MAS is ready to use"}]),
        );
        assert!(live_findings(READY_ONLY, &[deleting, ready]).is_empty());
    }

    #[test]
    fn beyond_the_named_objects_the_rest_are_counted() {
        let always = "return { status = 'Healthy', message = 'fine' }";
        let live: Vec<Value> = (0..NAMED + 3)
            .map(|i| suite(&format!("s{i}"), json!([])))
            .collect();
        let f = live_findings(always, &live);
        assert_eq!(f.len(), NAMED + 1);
        assert_eq!(
            f[NAMED].message,
            "3 more live objects of core.mas.ibm.com/Suite disagree"
        );
    }

    #[test]
    fn without_live_objects_nothing_is_said() {
        let always = "return { status = 'Healthy', message = 'fine' }";
        assert!(findings_on(always, None).is_empty());
        assert!(!live_findings(always, &[suite("s", json!([]))]).is_empty());
    }
}
