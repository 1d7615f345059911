//! Finding the health scripts in a configuration: argocd-cm (split keys, the nested
//! `resource.customizations` blob, `useOpenLibs` keys), OpenShift GitOps `ArgoCD` resources,
//! and argo-cd Helm values, in any mix of YAML documents.

use crate::argocd::keys::{
    GroupKind, HEALTH_LUA, HEALTH_LUA_OPEN_LIBS, HEALTH_PREFIX, NESTED_KEY, OPEN_LIBS_PREFIX,
};
use crate::input::{read_documents, InputError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An entry of a configuration Argo CD cannot read, so none of the checks it meant to hold run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The file it came from.
    pub file: String,
    /// Where in the file, as for a script.
    pub origin: String,
    /// The key as written.
    pub key: String,
    /// Why Argo CD cannot read it.
    pub message: String,
}

/// What a configuration holds: its scripts, the entries Argo CD cannot read, and the documents
/// that could not be read at all.
#[derive(Debug, Default)]
pub struct Config {
    /// Every health script.
    pub scripts: Vec<Script>,
    /// Entries Argo CD cannot read (a nested value that does not parse, a bad split key).
    pub unreadable: Vec<Unreadable>,
    /// Documents that are not YAML or JSON.
    pub errors: Vec<InputError>,
}

/// One health script found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Script {
    /// The file it came from.
    pub file: String,
    /// Where in the file: the document's line and the key or field holding the script.
    pub origin: String,
    /// The API group it is keyed under (a glob for wildcard keys).
    pub group: String,
    /// The kind it is keyed under (`*` for wildcard keys).
    pub kind: String,
    /// The Lua text.
    pub script: String,
    /// Whether the configuration sets `useOpenLibs` for it.
    pub open_libs: bool,
}

impl Script {
    /// The group and kind it is keyed under.
    pub fn group_kind(&self) -> GroupKind {
        GroupKind::new(&self.group, &self.kind)
    }

    /// `group/Kind` as Argo CD keys it.
    pub fn key(&self) -> String {
        self.group_kind().key()
    }

    /// Whether the key is a wildcard.
    pub fn is_wildcard(&self) -> bool {
        self.group_kind().is_wildcard()
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        // Argo CD parses the value with Go's strconv.ParseBool.
        Some(Value::String(s)) => matches!(s.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True"),
        _ => false,
    }
}

/// Scripts in an argocd-cm style map (ConfigMap data, ArgoCD extraConfig, Helm configs.cm).
fn from_cm_data(file: &str, where_: &str, data: &Map<String, Value>, out: &mut Config) {
    let mut open: BTreeMap<String, bool> = BTreeMap::new();
    for (k, v) in data {
        if let Some(suffix) = k.strip_prefix(OPEN_LIBS_PREFIX) {
            open.insert(suffix.to_owned(), truthy(Some(v)));
        }
    }
    for (k, v) in data {
        if let (Some(suffix), Some(script)) = (k.strip_prefix(HEALTH_PREFIX), v.as_str()) {
            // Argo CD rejects a split key with a second `_`: it holds no script.
            let Some(GroupKind { group, kind }) = GroupKind::parse_split_suffix(suffix) else {
                out.unreadable.push(Unreadable {
                    file: file.to_owned(),
                    origin: format!("{where_}[{k}]"),
                    key: suffix.to_owned(),
                    message: format!(
                        "Argo CD does not read this key: a split key has one `_`, between the \
                         group and the kind, and {suffix:?} has {}; use the nested \
                         resource.customizations form for this kind",
                        suffix.matches('_').count()
                    ),
                });
                continue;
            };
            out.scripts.push(Script {
                file: file.to_owned(),
                origin: format!("{where_}[{k}]"),
                group,
                kind,
                script: script.to_owned(),
                open_libs: open.get(suffix).copied().unwrap_or(false),
            });
        }
    }
    if let Some(blob) = data.get(NESTED_KEY).and_then(Value::as_str) {
        from_nested(file, &format!("{where_}[{NESTED_KEY}]"), blob, out);
    }
}

/// Scripts in the nested form: a YAML map of `group/Kind` to `health.lua`.
fn from_nested(file: &str, where_: &str, blob: &str, out: &mut Config) {
    let why = match read_documents(where_, blob).into_iter().next() {
        Some(Ok((_, Value::Object(map)))) => return from_nested_map(file, where_, &map, out),
        Some(Ok((_, other))) if other.is_null() => return,
        Some(Ok(_)) => "it is not a map of group/Kind to checks".to_owned(),
        Some(Err(e)) => format!("line {} of the value: {}", e.line, e.message),
        None => return,
    };
    out.unreadable.push(Unreadable {
        file: file.to_owned(),
        origin: where_.to_owned(),
        key: NESTED_KEY.to_owned(),
        message: format!("Argo CD cannot read this value, so none of its checks run: {why}"),
    });
}

fn from_nested_map(file: &str, where_: &str, map: &Map<String, Value>, out: &mut Config) {
    for (key, entry) in map {
        if let Some(script) = entry.get(HEALTH_LUA).and_then(Value::as_str) {
            let GroupKind { group, kind } = GroupKind::parse_key(key);
            out.scripts.push(Script {
                file: file.to_owned(),
                origin: format!("{where_}.\"{key}\""),
                group,
                kind,
                script: script.to_owned(),
                open_libs: truthy(entry.get(HEALTH_LUA_OPEN_LIBS)),
            });
        }
    }
}

/// Scripts in an OpenShift GitOps `ArgoCD` resource's spec: `resourceHealthChecks`,
/// `extraConfig` (argocd-cm keys) and the older `resourceCustomizations` blob.
fn from_argocd(file: &str, at: &str, spec: Option<&Value>, out: &mut Config) {
    for (i, check) in spec
        .and_then(|s| s.get("resourceHealthChecks"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let text = |k: &str| check.get(k).and_then(Value::as_str).unwrap_or_default();
        if check.get("check").and_then(Value::as_str).is_some() {
            out.scripts.push(Script {
                file: file.to_owned(),
                origin: format!("{at} ArgoCD spec.resourceHealthChecks[{i}]"),
                group: text("group").to_owned(),
                kind: text("kind").to_owned(),
                script: text("check").to_owned(),
                open_libs: false,
            });
        }
    }
    if let Some(extra) = spec
        .and_then(|s| s.get("extraConfig"))
        .and_then(Value::as_object)
    {
        from_cm_data(file, &format!("{at} ArgoCD spec.extraConfig"), extra, out);
    }
    if let Some(blob) = spec
        .and_then(|s| s.get("resourceCustomizations"))
        .and_then(Value::as_str)
    {
        from_nested(
            file,
            &format!("{at} ArgoCD spec.resourceCustomizations"),
            blob,
            out,
        );
    }
}

fn from_document(file: &str, line: usize, doc: &Value, out: &mut Config) {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
    let at = format!("line {line}");
    match kind {
        "List" => {
            for item in doc
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                from_document(file, line, item, out);
            }
        }
        "ConfigMap" => {
            if let Some(data) = doc.get("data").and_then(Value::as_object) {
                from_cm_data(file, &format!("{at} ConfigMap data"), data, out);
            }
        }
        "ArgoCD" => from_argocd(file, &at, doc.get("spec"), out),
        _ => {
            // Helm values for the argo-cd chart.
            if let Some(cm) = doc
                .get("configs")
                .and_then(|c| c.get("cm"))
                .and_then(Value::as_object)
            {
                from_cm_data(file, &format!("{at} Helm values configs.cm"), cm, out);
            }
        }
    }
}

/// Every health script in `text` (the contents of `file`), with the documents that could not
/// be read.
pub fn scripts_in(file: &str, text: &str) -> (Vec<Script>, Vec<InputError>) {
    let config = read_config(file, text);
    (config.scripts, config.errors)
}

/// Everything in `text` (the contents of `file`): scripts, unreadable entries, bad documents.
pub fn read_config(file: &str, text: &str) -> Config {
    let mut config = Config::default();
    for doc in read_documents(file, text) {
        match doc {
            Ok((line, value)) => from_document(file, line, &value, &mut config),
            Err(e) => config.errors.push(e),
        }
    }
    config
}

/// The (group, kind) of every object in manifests (any YAML or JSON documents).
pub fn deployed_kinds(file: &str, text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for obj in crate::input::read_objects(file, text).into_iter().flatten() {
        out.push((obj.group, obj.kind));
    }
    out
}
