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

/// Two entries of one configuration that Argo CD (or the operator before it) resolves to the
/// health check of one kind, so only one of them ever runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// The file they came from.
    pub file: String,
    /// `group/Kind` both define.
    pub key: String,
    /// Where the entry that never runs stands (the origin of its script).
    pub origin: String,
    /// Where the entry that wins stands.
    pub winner: String,
    /// The argocd-cm key (or keys) both become.
    pub cm_key: String,
    /// Why that one wins.
    pub why: &'static str,
}

/// What a configuration holds: its scripts, the entries Argo CD cannot read, and the documents
/// that could not be read at all.
#[derive(Debug, Default)]
pub struct Config {
    /// Every health script.
    pub scripts: Vec<Script>,
    /// Entries Argo CD cannot read (a nested value that does not parse, a bad split key).
    pub unreadable: Vec<Unreadable>,
    /// Pairs of entries that resolve to one kind's check.
    pub duplicates: Vec<Duplicate>,
    /// Documents that are not YAML or JSON.
    pub errors: Vec<InputError>,
    /// How each script is written, beside `scripts`.
    forms: Vec<Form>,
    /// (never runs, wins): indices into `scripts`.
    pairs: Vec<(usize, usize)>,
}

/// How an entry names its kind. The order is Argo CD's precedence between two entries of one
/// kind in one resource: the operator writes `spec.resourceCustomizations`, then the keys of
/// `spec.resourceHealthChecks` in list order (a later entry overwriting an earlier one), then
/// `spec.extraConfig` over them all; Argo CD takes a kind's `health.lua` from its split key
/// before the nested `resource.customizations` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// An entry of an `ArgoCD` resource's older `spec.resourceCustomizations` value.
    LegacyNested,
    /// An entry of a nested `resource.customizations` value.
    Nested,
    /// Entry number N of an `ArgoCD` resource's `spec.resourceHealthChecks`.
    HealthCheck(usize),
    /// A split key (argocd-cm data, `spec.extraConfig`, Helm `configs.cm`).
    Split,
}

impl Config {
    fn push(&mut self, script: Script, form: Form) {
        self.scripts.push(script);
        self.forms.push(form);
    }
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

    /// Whether it was read from a resource_customizations folder, where Argo CD always opens
    /// the libraries (no configuration chooses it).
    pub fn from_folder(&self) -> bool {
        self.origin.starts_with(FOLDER_ORIGIN)
    }
}

/// How the origin of a script read from a resource_customizations folder begins.
const FOLDER_ORIGIN: &str = "folder ";

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
            let script = Script {
                file: file.to_owned(),
                origin: format!("{where_}[{k}]"),
                group,
                kind,
                script: script.to_owned(),
                open_libs: open.get(suffix).copied().unwrap_or(false),
            };
            out.push(script, Form::Split);
        }
    }
    if let Some(blob) = data.get(NESTED_KEY).and_then(Value::as_str) {
        let where_ = format!("{where_}[{NESTED_KEY}]");
        from_nested(file, &where_, blob, Form::Nested, out);
    }
}

/// Scripts in the nested form: a YAML map of `group/Kind` to `health.lua`.
fn from_nested(file: &str, where_: &str, blob: &str, form: Form, out: &mut Config) {
    let why = match read_documents(where_, blob).into_iter().next() {
        Some(Ok((_, Value::Object(map)))) => return from_nested_map(file, where_, &map, form, out),
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

fn from_nested_map(
    file: &str,
    where_: &str,
    map: &Map<String, Value>,
    form: Form,
    out: &mut Config,
) {
    for (key, entry) in map {
        if let Some(script) = entry.get(HEALTH_LUA).and_then(Value::as_str) {
            let GroupKind { group, kind } = GroupKind::parse_key(key);
            let script = Script {
                file: file.to_owned(),
                origin: format!("{where_}.\"{key}\""),
                group,
                kind,
                script: script.to_owned(),
                open_libs: truthy(entry.get(HEALTH_LUA_OPEN_LIBS)),
            };
            out.push(script, form);
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
            let script = Script {
                file: file.to_owned(),
                origin: format!("{at} ArgoCD spec.resourceHealthChecks[{i}]"),
                group: text("group").to_owned(),
                kind: text("kind").to_owned(),
                script: text("check").to_owned(),
                open_libs: false,
            };
            out.push(script, Form::HealthCheck(i));
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
        let where_ = format!("{at} ArgoCD spec.resourceCustomizations");
        from_nested(file, &where_, blob, Form::LegacyNested, out);
    }
}

fn from_document(file: &str, line: usize, doc: &Value, out: &mut Config) {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or_default();
    let at = format!("line {line}");
    let start = out.scripts.len();
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
    // A List's items were paired each as a document of its own.
    if kind != "List" {
        pair_duplicates(out, start);
    }
}

/// Pairs every entry of one document (scripts `start..`) that another entry of the same kind
/// overrides with the entry that wins.
fn pair_duplicates(out: &mut Config, start: usize) {
    let mut by_kind: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, s) in out.scripts.iter().enumerate().skip(start) {
        by_kind
            .entry((s.group.as_str(), s.kind.as_str()))
            .or_default()
            .push(i);
    }
    let mut pairs = Vec::new();
    for indices in by_kind.values().filter(|v| v.len() > 1) {
        let Some(&winner) = indices.iter().max_by_key(|&&i| out.forms[i]) else {
            continue;
        };
        pairs.extend(
            indices
                .iter()
                .filter(|&&i| i != winner)
                .map(|&i| (i, winner)),
        );
    }
    pairs.sort_unstable();
    out.pairs.extend(pairs);
}

/// Why the entry written as `winner` wins over the one written as `loser`, and the argocd-cm
/// key (or keys) both become.
fn precedence(loser: Form, winner: Form, gk: &GroupKind) -> (String, &'static str) {
    let split = format!("{HEALTH_PREFIX}{}_{}", gk.group, gk.kind);
    let nested = format!("the {NESTED_KEY} entry \"{}\"", gk.key());
    match (loser, winner) {
        (Form::HealthCheck(_), Form::HealthCheck(_)) => (
            split,
            "the operator writes the entries in order, the later over the earlier",
        ),
        (Form::HealthCheck(_), _) => (
            split,
            "the operator copies spec.extraConfig over the keys it makes of spec.resourceHealthChecks",
        ),
        (Form::LegacyNested, Form::Nested) => (
            NESTED_KEY.to_owned(),
            "the operator writes spec.extraConfig's resource.customizations over spec.resourceCustomizations",
        ),
        _ => (
            format!("{} and {nested}", gk.split_key()),
            "Argo CD takes a kind's health.lua from its split key before the nested entry",
        ),
    }
}

/// The folders directly under `dir`, sorted; links to folders are not followed.
fn subfolders(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// The most bytes a health.lua may have: Argo CD keeps scripts in a ConfigMap, whose limit is
/// 1 MiB, so anything larger is not a script Argo CD could run.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// The bytes of the regular file at `path` when it is at most [`MAX_SCRIPT_BYTES`]; `None` for a
/// FIFO, a device or a socket (reading them could block for ever or never end), a folder, or a
/// larger file.
fn read_script_file(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SCRIPT_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_SCRIPT_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_SCRIPT_BYTES).then_some(bytes)
}

/// Every `<group>/<kind>/health.lua` under `root`, Argo CD's resource_customizations layout
/// (`_` standing for `*`), each with open libraries as Argo CD runs its built-in checks. A
/// script that is not UTF-8 is read with U+FFFD for the bad bytes, as Lua reads it as bytes.
pub fn scripts_in_folder(root: &std::path::Path) -> std::io::Result<Vec<Script>> {
    let mut out = Vec::new();
    for group in subfolders(root)? {
        for kind in subfolders(&group)? {
            let path = kind.join(HEALTH_LUA);
            let Some(bytes) = read_script_file(&path) else {
                continue;
            };
            let name = |p: &std::path::Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let gk = GroupKind::from_folder(&name(&group), &name(&kind));
            out.push(Script {
                file: path.display().to_string(),
                origin: format!("{FOLDER_ORIGIN}{}", gk.folder().display()),
                group: gk.group,
                kind: gk.kind,
                script: String::from_utf8_lossy(&bytes).into_owned(),
                open_libs: true,
            });
        }
    }
    Ok(out)
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
    for (script, form) in config.scripts.iter_mut().zip(&config.forms) {
        point_at_entry(text, script, *form);
    }
    for entry in &mut config.unreadable {
        point_at_bracket_key(text, &mut entry.origin);
    }
    let duplicates: Vec<Duplicate> = config
        .pairs
        .iter()
        .map(|&(loser, winner)| {
            let (l, w) = (&config.scripts[loser], &config.scripts[winner]);
            let (cm_key, why) =
                precedence(config.forms[loser], config.forms[winner], &l.group_kind());
            Duplicate {
                file: l.file.clone(),
                key: l.key(),
                origin: l.origin.clone(),
                winner: w.origin.clone(),
                cm_key,
                why,
            }
        })
        .collect();
    config.duplicates = duplicates;
    config
}

/// Moves a script's origin from its document's first line to the line of its own entry: its
/// split key, its `group/Kind:` entry in the nested value it stands in, or its item of
/// `resourceHealthChecks`. In a large argocd-cm or `ArgoCD` resource the document's line says
/// little. Left as it is when the entry is not found as written (JSON on one line).
fn point_at_entry(text: &str, script: &mut Script, form: Form) {
    let Some(rest) = script.origin.strip_prefix("line ") else {
        return;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(start) = rest[..digits].parse::<usize>() else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let from = start.saturating_sub(1);
    let found = match form {
        Form::Split => {
            // The key as written, between the brackets of the origin.
            let key = script
                .origin
                .rsplit_once('[')
                .map(|(_, k)| k.trim_end_matches(']'));
            key.and_then(|k| key_line(&lines, from, k))
        }
        Form::Nested | Form::LegacyNested => {
            let container = if form == Form::Nested {
                NESTED_KEY
            } else {
                "resourceCustomizations"
            };
            key_line(&lines, from, container).and_then(|at| key_line(&lines, at + 1, &script.key()))
        }
        Form::HealthCheck(i) => key_line(&lines, from, "resourceHealthChecks")
            .and_then(|at| list_item_line(&lines, at, i)),
    };
    if let Some(i) = found {
        script.origin = format!("line {}{}", i + 1, &rest[digits..]);
    }
}

/// Moves an unreadable entry's origin (`line N ... [KEY]`) to the line of `KEY`, as
/// [`point_at_entry`] does for a split key.
fn point_at_bracket_key(text: &str, origin: &mut String) {
    let Some(rest) = origin.strip_prefix("line ") else {
        return;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (Ok(start), Some((_, key))) = (rest[..digits].parse::<usize>(), rest.rsplit_once('['))
    else {
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    if let Some(i) = key_line(&lines, start.saturating_sub(1), key.trim_end_matches(']')) {
        *origin = format!("line {}{}", i + 1, &rest[digits..]);
    }
}

/// The index of the first line at or after `from` that is the mapping key `key` (plain or
/// quoted) followed by `:`.
fn key_line(lines: &[&str], from: usize, key: &str) -> Option<usize> {
    let is_key = |line: &str| {
        let line = line.trim_start().trim_start_matches(['"', '\'']);
        line.strip_prefix(key)
            .is_some_and(|r| r.trim_start_matches(['"', '\'']).starts_with(':'))
    };
    (from..lines.len()).find(|&i| is_key(lines[i]))
}

/// The index of the line that starts item `index` of the block list under the key at line `at`.
fn list_item_line(lines: &[&str], at: usize, index: usize) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_indent = indent(lines[at]);
    let mut item_indent = None;
    let mut count = 0;
    for (i, line) in lines.iter().enumerate().skip(at + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let dash = trimmed == "-" || trimmed.starts_with("- ");
        let item = *item_indent.get_or_insert(indent(line));
        if !dash && indent(line) <= item || indent(line) < item || item < key_indent {
            return None;
        }
        if dash && indent(line) == item {
            if count == index {
                return Some(i);
            }
            count += 1;
        }
    }
    None
}

/// The (group, kind) of every object in manifests: YAML or JSON documents, Kustomize trees
/// (plain YAML), and Helm templates, which are read without rendering them.
pub fn deployed_kinds(file: &str, text: &str) -> Vec<(String, String)> {
    deployed_kinds_in(&[(file.to_owned(), text.to_owned())])
}

/// The (group, kind) of every object in a set of manifest files (`(name, text)`). A Helm
/// template's literal `apiVersion:` and `kind:` lines are read without rendering it; when they
/// are a plain `{{ .Values.x }}`, the literal values given for `x` in any file of the set
/// (values files, a config repository's files) stand for them, paired within each file. When
/// one side stays unknown, `*` stands for it (`(group, "*")`: some kind of that group).
pub fn deployed_kinds_in(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut refs: Vec<(Ref, Ref)> = Vec::new();
    for (name, text) in files {
        // A dump or manifest that parses as plain objects is read as such even when some value
        // holds `{{` (a Prometheus rule's `{{ $labels.pod }}`); only what does not parse, or
        // names its apiVersion or kind by a template, is scanned as a Helm template.
        let objects = crate::input::read_objects(name, text);
        let plain = !objects.is_empty()
            && objects.iter().all(|o| {
                o.as_ref()
                    .is_ok_and(|o| !o.group.contains("{{") && !o.kind.contains("{{"))
            });
        if text.contains("{{") && !plain {
            for (api, kind) in template_documents(text) {
                match (&api, &kind) {
                    (Ref::Literal(a), Ref::Literal(k)) => {
                        out.push((crate::argocd::group_of(a).to_owned(), k.clone()))
                    }
                    (Ref::Unknown, Ref::Unknown) => {}
                    _ => refs.push((api, kind)),
                }
            }
            continue;
        }
        for obj in objects.into_iter().flatten() {
            out.push((obj.group, obj.kind));
        }
    }
    // Values come from files that are not themselves objects (values files, a config
    // repository's files): an object's own `apiVersion:` is not a value.
    let values: Vec<&str> = files
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.lines().any(|l| l.starts_with("kind:")))
        .collect();
    for (api, kind) in refs {
        let found: Vec<(String, String)> = values
            .iter()
            .flat_map(|text| pairs(&api, &kind, text))
            .map(|(a, k)| (crate::argocd::group_of(&a).to_owned(), k))
            .collect();
        if !found.is_empty() {
            out.extend(found);
            continue;
        }
        // Half known: some kind of this group, or this kind of some group, is deployed.
        match (api, kind) {
            (Ref::Literal(a), _) => {
                out.push((crate::argocd::group_of(&a).to_owned(), "*".to_owned()))
            }
            (_, Ref::Literal(k)) => out.push(("*".to_owned(), k)),
            _ => {}
        }
    }
    out
}

/// The (apiVersion, kind) pairs `text` gives a templated document: a literal side stands with
/// every value of the other, two references pair their values in order.
fn pairs(api: &Ref, kind: &Ref, text: &str) -> Vec<(String, String)> {
    match (api, kind) {
        (Ref::Literal(a), k) => k
            .values_in(text)
            .into_iter()
            .map(|k| (a.clone(), k))
            .collect(),
        (a, Ref::Literal(k)) => a
            .values_in(text)
            .into_iter()
            .map(|a| (a, k.clone()))
            .collect(),
        (a, k) => a
            .values_in(text)
            .into_iter()
            .zip(k.values_in(text))
            .collect(),
    }
}

/// The value of a template's `apiVersion:` or `kind:` line.
#[derive(Debug, Clone, PartialEq)]
enum Ref {
    /// Written out.
    Literal(String),
    /// `{{ .Values.a.b }}`: the last key, `b`.
    Value(String),
    /// Any other template expression.
    Unknown,
}

impl Ref {
    fn of(v: &str) -> Ref {
        let v = scalar(v);
        if !v.contains("{{") {
            return Ref::Literal(v.to_owned());
        }
        let inner = v
            .trim_start_matches("{{")
            .trim_end_matches("}}")
            .trim_matches(|c: char| c == '-' || c.is_whitespace());
        match inner.strip_prefix(".Values.") {
            Some(path)
                if path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
            {
                Ref::Value(path.rsplit('.').next().unwrap_or(path).to_owned())
            }
            _ => Ref::Unknown,
        }
    }

    /// The literal values `text` gives this reference's key, in order.
    fn values_in(&self, text: &str) -> Vec<String> {
        match self {
            Ref::Value(key) => key_values(text, key),
            Ref::Literal(_) | Ref::Unknown => Vec::new(),
        }
    }
}

/// Literal values of `key:` lines at any depth of `text`.
fn key_values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (k, v) = line.trim_start().split_once(':')?;
            let v = scalar(v);
            (k == key && !v.is_empty() && !v.contains("{{")).then(|| v.to_owned())
        })
        .collect()
}

/// The `apiVersion:` and `kind:` of every document of a Helm template, from its top-level lines:
/// a template is not YAML until rendered, but those two lines are literal in nearly every
/// chart. The other lines, templated or not, are not read.
fn template_documents(text: &str) -> Vec<(Ref, Ref)> {
    let mut out = Vec::new();
    let (mut api, mut kind): (Option<&str>, Option<&str>) = (None, None);
    let mut flush = |api: &mut Option<&str>, kind: &mut Option<&str>| {
        if let (Some(a), Some(k)) = (api.take(), kind.take()) {
            if !scalar(a).is_empty() && !scalar(k).is_empty() {
                out.push((Ref::of(a), Ref::of(k)));
            }
        }
    };
    for line in text.lines() {
        if line.starts_with("---") {
            flush(&mut api, &mut kind);
            continue;
        }
        if let Some(v) = line.strip_prefix("apiVersion:") {
            api = Some(v);
        } else if let Some(v) = line.strip_prefix("kind:") {
            kind = Some(v);
        }
    }
    flush(&mut api, &mut kind);
    out
}

/// A plain YAML scalar written after a key: comment cut, quotes removed.
fn scalar(v: &str) -> &str {
    let v = match v.find(" #") {
        Some(i) => &v[..i],
        None => v,
    };
    v.trim().trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let files: Vec<(String, String)> = files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        deployed_kinds_in(&files)
    }

    fn pair(g: &str, k: &str) -> (String, String) {
        (g.to_owned(), k.to_owned())
    }

    #[test]
    fn a_template_s_literal_lines_are_read_and_its_templated_values_skipped() {
        let template = "{{- if .Values.on }}\n---\napiVersion: \"a.example.com/v1\"\nkind: A # main\n\
            metadata:\n  name: {{ .Values.name }}\n{{- end }}\n---\napiVersion: {{ include \"x\" . }}\n\
            kind: {{ .Values.k | lower }}\n---\n  apiVersion: nested.example.com/v1\n  kind: Nested\n";
        assert_eq!(kinds(&[("t.yaml", template)]), [pair("a.example.com", "A")]);
    }

    #[test]
    fn a_templated_kind_is_read_from_the_values_of_other_files() {
        let template = "apiVersion: {{ .Values.app_api }}\nkind: {{ .Values.app_kind }}\n";
        let config = "manage:\n  app_api: apps.example.com/v1\n  app_kind: ManageApp\n\
            monitor:\n  app_api: apps.example.com/v1\n  app_kind: MonitorApp\n";
        // An object's own apiVersion line is not a value.
        let object = "apiVersion: other.example.com/v1\nkind: ConfigMap\napp_kind: Nope\n";
        assert_eq!(
            kinds(&[("t.yaml", template), ("c.yaml", config), ("o.yaml", object)]),
            [
                pair("other.example.com", "ConfigMap"),
                pair("apps.example.com", "ManageApp"),
                pair("apps.example.com", "MonitorApp"),
            ]
        );
    }

    #[test]
    fn a_script_s_origin_is_the_line_of_its_key() {
        let cm = "apiVersion: v1\nkind: ConfigMap\ndata:\n  resource.customizations: |\n    \
            \"a.example.com/A\":\n      health.lua: |\n        return {}\n  \
            resource.customizations.health.b.example.com_B: |\n    return {}\n";
        let origins: Vec<String> = read_config("cm.yaml", cm)
            .scripts
            .into_iter()
            .map(|s| s.origin)
            .collect();
        assert_eq!(
            origins,
            [
                "line 8 ConfigMap data[resource.customizations.health.b.example.com_B]",
                "line 5 ConfigMap data[resource.customizations].\"a.example.com/A\"",
            ]
        );
    }

    #[test]
    fn scripts_of_an_argocd_resource_and_helm_values_stand_at_their_own_entries() {
        let cr = "apiVersion: argoproj.io/v1beta1\nkind: ArgoCD\nmetadata:\n  name: a\nspec:\n  \
            extraConfig:\n    resource.customizations: |\n      c.example.com/C:\n        \
            health.lua: return {}\n  resourceHealthChecks:\n  # theirs\n  - group: a.example.com\n    \
            kind: A\n    check: |\n      -- a list inside the script\n      return {}\n\n  \
            - kind: B\n    group: b.example.com\n    check: return {}\n---\nconfigs:\n  cm:\n    \
            resource.customizations.health.d.example.com_D: return {}\n";
        let origins: Vec<String> = read_config("cr.yaml", cr)
            .scripts
            .into_iter()
            .map(|s| s.origin)
            .collect();
        assert_eq!(
            origins,
            [
                "line 12 ArgoCD spec.resourceHealthChecks[0]",
                "line 18 ArgoCD spec.resourceHealthChecks[1]",
                "line 8 ArgoCD spec.extraConfig[resource.customizations].\"c.example.com/C\"",
                "line 24 Helm values configs.cm[resource.customizations.health.d.example.com_D]",
            ]
        );
    }

    #[test]
    fn a_dump_with_braces_in_a_value_is_read_as_objects() {
        let dump = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: core.mas.ibm.com/v1\n  \
            kind: Suite\n  metadata: {name: inst1}\n- apiVersion: v1\n  kind: ConfigMap\n  \
            metadata: {name: rules}\n  data:\n    alert: \"pod {{ $labels.pod }} is down\"\n";
        assert_eq!(
            kinds(&[("dump.yaml", dump)]),
            [pair("core.mas.ibm.com", "Suite"), pair("", "ConfigMap")]
        );
    }

    #[test]
    fn a_side_no_file_gives_is_a_star() {
        let api_only = "apiVersion: a.example.com/v1\nkind: {{ .Values.k }}\n";
        let kind_only = "apiVersion: {{ .Values.api }}\nkind: B\n";
        assert_eq!(
            kinds(&[("a.yaml", api_only), ("b.yaml", kind_only)]),
            [pair("a.example.com", "*"), pair("*", "B")]
        );
    }

    #[test]
    fn a_resource_customizations_folder_is_read_with_open_libraries() {
        let root = std::env::temp_dir().join(format!("mas-health-folder-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (g, k) in [("_.example.com", "_"), ("apps.example.com", "Thing")] {
            let dir = root.join(g).join(k);
            std::fs::create_dir_all(&dir).expect("folder");
            std::fs::write(
                dir.join("health.lua"),
                b"return { status = \"Healthy\" } -- \xe9",
            )
            .expect("script");
        }
        std::fs::create_dir_all(root.join("apps.example.com/NoScript")).expect("folder");
        let scripts = scripts_in_folder(&root).expect("read");
        let _ = std::fs::remove_dir_all(&root);
        let keys: Vec<(String, bool)> = scripts.iter().map(|s| (s.key(), s.open_libs)).collect();
        assert_eq!(
            keys,
            [
                ("*.example.com/*".to_owned(), true),
                ("apps.example.com/Thing".to_owned(), true)
            ]
        );
        assert!(scripts[0].script.ends_with("-- \u{fffd}"));
        assert!(scripts.iter().all(Script::from_folder));
    }

    #[test]
    fn plain_manifests_are_read_as_objects() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: c.example.com/v1\n  kind: C\n  metadata: {name: c}\n";
        assert_eq!(kinds(&[("l.yaml", text)]), [pair("c.example.com", "C")]);
    }
}
