//! Merging our checks into the configuration a user already has (`generate --merge FILE`):
//! their `ArgoCD` resource (argoproj.io v1beta1 or v1alpha1) or their argocd-cm ConfigMap.
//!
//! Nothing of theirs is dropped: every setting, every list entry and every key stays where it
//! is. A check of ours goes where their definition of the same kind takes effect (so the result
//! never holds two definitions Argo CD resolves to one key), else it is added. Which definition
//! takes effect is judged on the argocd-cm key the operator writes: it turns
//! `spec.resourceHealthChecks[]` into `resource.customizations.health.<group>_<kind>` (a later
//! entry overwriting an earlier one) and then copies `spec.extraConfig` over those keys; Argo CD
//! then takes a kind's `health.lua` from its split key before the nested
//! `resource.customizations` entry.

use super::{object_yaml, to_yaml, OutputError};
use crate::argocd::keys::{GroupKind, HEALTH_LUA, HEALTH_PREFIX, NESTED_KEY};
use crate::catalog::{Catalog, Entry};
use crate::input::read_documents;
use serde_json::{json, Map, Value};

/// Which check stays when both the user and we define one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Ours replaces theirs (the default).
    Ours,
    /// Theirs stays and ours is left out (`--keep-theirs`).
    Theirs,
}

/// A kind both the user and we define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Both {
    /// `group/Kind` (or a wildcard key).
    pub key: String,
    /// The argocd-cm key (and nested entry) both resolve to.
    pub cm_key: String,
    /// Where theirs stands in their file.
    pub theirs_at: String,
}

/// The merged configuration and what the merge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The text to apply (a whole resource, or a JSON patch).
    pub text: String,
    /// The kinds both define, sorted by key.
    pub both: Vec<Both>,
    /// How many checks of ours were added beside theirs.
    pub added: usize,
    /// Which side won where both define a kind.
    pub keep: Keep,
}

impl Merged {
    /// One line per kind both define, saying which check stays (for standard error).
    pub fn both_lines(&self) -> Vec<String> {
        let verdict = match self.keep {
            Keep::Ours => "ours replaces yours (--keep-theirs keeps yours)",
            Keep::Theirs => "yours is kept (--keep-theirs), ours left out",
        };
        self.both
            .iter()
            .map(|b| {
                format!(
                    "both define {} (argocd-cm {}; yours at {}): {verdict}",
                    b.key, b.cm_key, b.theirs_at
                )
            })
            .collect()
    }
}

fn invalid(source: &str, what: impl std::fmt::Display) -> OutputError {
    OutputError::Invalid(format!("{source}: {what}"))
}

/// The one object of `kind` in `text` (a single document, or a `kind: List` holding one), as
/// `oc get KIND NAME -o yaml` prints it.
fn read_one(source: &str, text: &str, kind: &str) -> Result<Value, OutputError> {
    let mut found = Vec::new();
    for doc in read_documents(source, text) {
        let (_, value) = doc.map_err(|e| OutputError::Invalid(e.to_string()))?;
        match value.get("kind").and_then(Value::as_str) {
            Some("List") => found.extend(
                value
                    .get("items")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .cloned(),
            ),
            _ => found.push(value),
        }
    }
    let mut of_kind: Vec<Value> = found
        .into_iter()
        .filter(|v| v.get("kind").and_then(Value::as_str) == Some(kind))
        .collect();
    match of_kind.len() {
        1 => Ok(of_kind.remove(0)),
        0 => Err(invalid(source, format!("holds no {kind} to merge into"))),
        n => Err(invalid(
            source,
            format!("holds {n} {kind} objects: give one (oc get ... NAME -o yaml)"),
        )),
    }
}

/// Leaves out what the API server writes and nobody applies: `status` and
/// `metadata.managedFields`. `metadata.resourceVersion` stays, so `oc replace` refuses the file
/// if the object changed since it was read.
fn without_server_fields(doc: &mut Value) {
    if let Some(obj) = doc.as_object_mut() {
        obj.remove("status");
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
    }
}

/// Our checks sorted by key, each with its script.
fn ours(catalog: &Catalog) -> Vec<(&Entry, String)> {
    let mut entries: Vec<&Entry> = catalog.entries().iter().collect();
    entries.sort_by_key(|e| e.key());
    entries
        .into_iter()
        .map(|e| (e, crate::rule::emit(&e.rule)))
        .collect()
}

/// A nested `resource.customizations` value: a YAML map of `group/Kind` to customizations
/// (health, ignoreDifferences, actions...), of which only `health.lua` is ever replaced.
struct Nested {
    /// Where it stands in the user's file, for messages.
    at: String,
    map: Map<String, Value>,
    changed: bool,
}

impl Nested {
    fn read(source: &str, at: String, blob: Option<&str>) -> Result<Nested, OutputError> {
        let map = match blob.map(|b| read_documents(at.as_str(), b).into_iter().next()) {
            None | Some(None) => Map::new(),
            Some(Some(Ok((_, Value::Object(map))))) => map,
            Some(Some(Ok((_, Value::Null)))) => Map::new(),
            Some(Some(Ok(_))) => {
                return Err(invalid(source, format!("{at} is not a map of group/Kind")))
            }
            Some(Some(Err(e))) => return Err(invalid(source, e)),
        };
        Ok(Nested {
            at,
            map,
            changed: false,
        })
    }

    fn has_health(&self, key: &str) -> bool {
        self.map
            .get(key)
            .is_some_and(|e| e.get(HEALTH_LUA).is_some())
    }

    /// Sets `key`'s `health.lua`, keeping every other field of its entry.
    fn set_health(&mut self, key: &str, script: &str) {
        let entry = self.map.entry(key.to_owned()).or_insert_with(|| json!({}));
        if let Some(obj) = entry.as_object_mut() {
            obj.insert(HEALTH_LUA.to_owned(), Value::String(script.to_owned()));
        } else {
            *entry = json!({ HEALTH_LUA: script });
        }
        self.changed = true;
    }

    fn text(&self) -> Result<String, OutputError> {
        to_yaml(&self.map)
    }
}

/// The outcome of placing one check of ours.
struct Tally {
    both: Vec<Both>,
    added: usize,
    keep: Keep,
}

impl Tally {
    /// Records that theirs at `at` defines `key` too; whether ours should replace it.
    fn both(&mut self, key: &str, cm_key: String, at: String) -> bool {
        self.both.push(Both {
            key: key.to_owned(),
            cm_key,
            theirs_at: at,
        });
        self.keep == Keep::Ours
    }
}

/// Places a wildcard rule (or any nested entry of ours) in the nested value.
fn place_nested(nested: &mut Nested, tally: &mut Tally, key: &str, script: &str) {
    if nested.has_health(key) {
        let at = format!("{}.\"{key}\"", nested.at);
        if tally.both(key, format!("{NESTED_KEY} entry \"{key}\""), at) {
            nested.set_health(key, script);
        }
    } else {
        nested.set_health(key, script);
        tally.added += 1;
    }
}

/// The argocd-cm key the operator writes for `spec.resourceHealthChecks[]` entry group/kind.
fn operator_key(group: &str, kind: &str) -> String {
    format!("{HEALTH_PREFIX}{group}_{kind}")
}

fn string_at<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// The user's `ArgoCD` resource with our checks merged in (see the module's documentation).
pub fn merge_argocd_cr(
    catalog: &Catalog,
    source: &str,
    text: &str,
    keep: Keep,
) -> Result<Merged, OutputError> {
    merge_cr(catalog, source, text, keep).map(|(_, _, merged)| merged)
}

/// The parts of an `ArgoCD` spec a merge changes, copied out of it.
struct CrParts {
    checks: Vec<Value>,
    extra: Map<String, Value>,
    /// Whether the nested value in effect is the older `spec.resourceCustomizations`.
    legacy: bool,
    nested: Nested,
}

impl CrParts {
    fn read(source: &str, spec: &Map<String, Value>) -> Result<CrParts, OutputError> {
        let checks = match spec.get("resourceHealthChecks") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(invalid(source, "spec.resourceHealthChecks is not a list")),
        };
        let extra = match spec.get("extraConfig") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err(invalid(source, "spec.extraConfig is not a map")),
        };
        // The operator writes extraConfig's resource.customizations over the older
        // spec.resourceCustomizations, so the nested value in effect is the former when present.
        let old = spec.get("resourceCustomizations").and_then(Value::as_str);
        let legacy = extra.get(NESTED_KEY).is_none() && old.is_some_and(|s| !s.trim().is_empty());
        let nested = if legacy {
            Nested::read(source, "spec.resourceCustomizations".to_owned(), old)?
        } else {
            let blob = extra.get(NESTED_KEY).and_then(Value::as_str);
            Nested::read(source, format!("spec.extraConfig[{NESTED_KEY}]"), blob)?
        };
        Ok(CrParts {
            checks,
            extra,
            legacy,
            nested,
        })
    }

    /// Places one exact kind of ours where their definition of it takes effect, else appends
    /// it to `resourceHealthChecks`.
    fn place(&mut self, tally: &mut Tally, e: &Entry, script: String) {
        let key = e.key();
        let cm_key = operator_key(&e.group, &e.kind);
        if let Some(v) = self.extra.get_mut(&cm_key) {
            let at = format!("spec.extraConfig[{cm_key}]");
            if tally.both(&key, cm_key, at) {
                *v = Value::String(script);
            }
            return;
        }
        // The operator writes the entries in order, so the last one for a kind is in effect.
        let same = |c: &Value| string_at(c, "group") == e.group && string_at(c, "kind") == e.kind;
        if let Some(i) = self.checks.iter().rposition(same) {
            let at = format!("spec.resourceHealthChecks[{i}]");
            if tally.both(&key, cm_key, at) {
                self.checks[i]["check"] = Value::String(script);
            }
        } else if self.nested.has_health(&key) {
            place_nested(&mut self.nested, tally, &key, &script);
        } else {
            self.checks
                .push(json!({"group": e.group, "kind": e.kind, "check": script}));
            tally.added += 1;
        }
    }

    /// Writes the changed parts back into `spec`, in place (a key keeps its position).
    fn write(self, spec: &mut Map<String, Value>, before: &CrParts) -> Result<(), OutputError> {
        let mut extra = self.extra;
        if self.nested.changed {
            let text = Value::String(self.nested.text()?);
            if self.legacy {
                spec.insert("resourceCustomizations".to_owned(), text);
            } else {
                extra.insert(NESTED_KEY.to_owned(), text);
            }
        }
        if self.checks != before.checks {
            spec.insert("resourceHealthChecks".to_owned(), Value::Array(self.checks));
        }
        if extra != before.extra {
            spec.insert("extraConfig".to_owned(), Value::Object(extra));
        }
        Ok(())
    }
}

/// The user's resource as read, the merged resource, and what the merge did.
fn merge_cr(
    catalog: &Catalog,
    source: &str,
    text: &str,
    keep: Keep,
) -> Result<(Value, Value, Merged), OutputError> {
    let theirs = read_one(source, text, "ArgoCD")?;
    let api = string_at(&theirs, "apiVersion");
    if !matches!(api, "argoproj.io/v1beta1" | "argoproj.io/v1alpha1") {
        return Err(invalid(
            source,
            format!("apiVersion {api:?}: expected argoproj.io/v1beta1 or v1alpha1"),
        ));
    }
    let mut doc = theirs.clone();
    without_server_fields(&mut doc);
    let spec = doc
        .as_object_mut()
        .ok_or_else(|| invalid(source, "not an object"))?
        .entry("spec")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| invalid(source, "spec is not a map"))?;
    let mut parts = CrParts::read(source, spec)?;
    let before = CrParts::read(source, spec)?;
    let mut tally = Tally {
        both: Vec::new(),
        added: 0,
        keep,
    };
    for (e, script) in ours(catalog) {
        if e.is_wildcard() {
            place_nested(&mut parts.nested, &mut tally, &e.key(), &script);
        } else {
            parts.place(&mut tally, e, script);
        }
    }
    parts.write(spec, &before)?;
    let text = object_yaml(&doc, "the merged ArgoCD resource")?;
    let merged = Merged {
        text,
        both: tally.both,
        added: tally.added,
        keep,
    };
    Ok((theirs, doc, merged))
}

/// The user's argocd-cm with our checks merged in: exact kinds as split keys (or in place of
/// their definition of the kind, split or nested), wildcard rules in the nested value.
pub fn merge_argocd_cm(
    catalog: &Catalog,
    source: &str,
    text: &str,
    keep: Keep,
) -> Result<Merged, OutputError> {
    let mut doc = read_one(source, text, "ConfigMap")?;
    without_server_fields(&mut doc);
    let root = doc
        .as_object_mut()
        .ok_or_else(|| invalid(source, "not an object"))?;
    let data = root
        .entry("data")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| invalid(source, "data is not a map"))?;
    let blob = data.get(NESTED_KEY).and_then(Value::as_str);
    let mut nested = Nested::read(source, format!("data[{NESTED_KEY}]"), blob)?;
    let mut tally = Tally {
        both: Vec::new(),
        added: 0,
        keep,
    };
    for (e, script) in ours(catalog) {
        let key = e.key();
        let split = GroupKind::new(&e.group, &e.kind).split_key();
        if e.is_wildcard() || (!data.contains_key(&split) && nested.has_health(&key)) {
            place_nested(&mut nested, &mut tally, &key, &script);
        } else if let Some(v) = data.get_mut(&split) {
            if tally.both(&key, split.clone(), format!("data[{split}]")) {
                *v = Value::String(script);
            }
        } else {
            data.insert(split, Value::String(script));
            tally.added += 1;
        }
    }
    if nested.changed {
        data.insert(NESTED_KEY.to_owned(), Value::String(nested.text()?));
    }
    let text = object_yaml(&doc, "the merged argocd-cm")?;
    Ok(Merged {
        text,
        both: tally.both,
        added: tally.added,
        keep,
    })
}

/// A JSON patch (RFC 6902) that turns the user's `ArgoCD` resource into the merged one, for
/// `oc patch --type json`. A custom resource takes no strategic merge patch, and a merge patch
/// (RFC 7386) replaces `spec.resourceHealthChecks` whole, dropping their entries; this patch
/// instead replaces entries by index and appends ours, each replaced entry or value preceded by
/// a `test` of what it held (and of `metadata.resourceVersion` when the file has one), so the
/// API server refuses the whole patch if the resource changed since it was read.
pub fn argocd_cr_patch(
    catalog: &Catalog,
    source: &str,
    text: &str,
    keep: Keep,
) -> Result<Merged, OutputError> {
    let (theirs, merged_doc, merged) = merge_cr(catalog, source, text, keep)?;
    let mut ops = Vec::new();
    if let Some(rv) = theirs.pointer("/metadata/resourceVersion") {
        ops.push(json!({"op": "test", "path": "/metadata/resourceVersion", "value": rv}));
    }
    let empty = json!({});
    let old = theirs.get("spec").unwrap_or(&empty);
    match merged_doc.get("spec") {
        Some(new) if theirs.get("spec").is_none() => {
            ops.push(json!({"op": "add", "path": "/spec", "value": new}))
        }
        Some(new) => diff("/spec", old, new, &mut ops),
        None => {}
    }
    let text =
        serde_json::to_string_pretty(&ops).map_err(|e| OutputError::Yaml(e.to_string()))? + "\n";
    Ok(Merged { text, ..merged })
}

/// A JSON pointer token: `~` as `~0`, `/` as `~1`.
fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The operations turning `old` into `new` where `new` only adds to `old` (map members, list
/// entries at the end) or replaces values: a replaced value is tested first.
fn diff(path: &str, old: &Value, new: &Value, ops: &mut Vec<Value>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (k, v) in n {
                let at = format!("{path}/{}", token(k));
                match o.get(k) {
                    Some(before) => diff(&at, before, v, ops),
                    None => ops.push(json!({"op": "add", "path": at, "value": v})),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if n.len() >= o.len() => {
            for (i, (before, after)) in o.iter().zip(n).enumerate() {
                if before != after {
                    let at = format!("{path}/{i}");
                    ops.push(json!({"op": "test", "path": at, "value": before}));
                    ops.push(json!({"op": "replace", "path": at, "value": after}));
                }
            }
            for v in &n[o.len()..] {
                ops.push(json!({"op": "add", "path": format!("{path}/-"), "value": v}));
            }
        }
        _ => {
            ops.push(json!({"op": "test", "path": path, "value": old}));
            ops.push(json!({"op": "replace", "path": path, "value": new}));
        }
    }
}
