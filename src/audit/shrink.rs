//! Making an example readable: removing conditions and fields while the problem still shows.

use serde_json::Value;

/// Fields every deployed Kubernetes object has (a spec comes from its manifest): an example
/// keeps them so it still reads as one, and stays a state an API server can hold.
const IDENTITY: [&str; 4] = ["apiVersion", "kind", "metadata", "spec"];

/// Removes conditions and fields one at a time while `still` holds, for a readable example.
pub(crate) fn minimize(mut v: Value, still: &dyn Fn(&Value) -> bool) -> Value {
    loop {
        let mut candidates = without_each_condition(&v);
        for parent in [None, Some("status"), Some("spec")] {
            candidates.extend(without_each_field(&v, parent));
        }
        match candidates.into_iter().find(|c| still(c)) {
            Some(smaller) => v = smaller,
            None => return v,
        }
    }
}

/// `v` once per condition in `status.conditions`, without that condition.
fn without_each_condition(v: &Value) -> Vec<Value> {
    let len = v
        .get("status")
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..len)
        .map(|i| {
            let mut c = v.clone();
            if let Some(l) = c["status"]["conditions"].as_array_mut() {
                l.remove(i);
            }
            c
        })
        .collect()
}

/// `v` once per field of the top level (`parent` None) or of `parent`, without that field.
fn without_each_field(v: &Value, parent: Option<&str>) -> Vec<Value> {
    let keys: Vec<String> = match parent {
        None => v.as_object().map(|m| m.keys().cloned().collect()),
        Some(p) => v
            .get(p)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect()),
    }
    .unwrap_or_default();
    keys.into_iter()
        .filter(|k| parent.is_some() || !IDENTITY.contains(&k.as_str()))
        .map(|k| {
            let mut c = v.clone();
            let target = match parent {
                None => c.as_object_mut(),
                Some(p) => c.get_mut(p).and_then(Value::as_object_mut),
            };
            if let Some(m) = target {
                m.remove(&k);
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_only_what_the_problem_needs_and_the_identity() {
        let v = json!({"apiVersion": "v1", "kind": "K", "metadata": {}, "spec": {"a": 1},
            "status": {"phase": "x", "conditions": [{"type": "A"}, {"type": "B"}]}});
        let needs_b = |v: &Value| {
            v["status"]["conditions"]
                .as_array()
                .is_some_and(|l| l.iter().any(|c| c["type"] == "B"))
        };
        assert_eq!(
            minimize(v, &needs_b),
            json!({"apiVersion": "v1", "kind": "K", "metadata": {}, "spec": {},
                "status": {"conditions": [{"type": "B"}]}})
        );
    }
}
