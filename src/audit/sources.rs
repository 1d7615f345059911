//! Finding the health scripts in a configuration: argocd-cm (split keys, the nested
//! `resource.customizations` blob, `useOpenLibs` keys), OpenShift GitOps `ArgoCD` resources,
//! and argo-cd Helm values, in any mix of YAML documents.

use crate::argocd::keys::{
    GroupKind, HEALTH_LUA, HEALTH_LUA_OPEN_LIBS, HEALTH_PREFIX, NESTED_KEY, OPEN_LIBS_PREFIX,
};
use crate::input::{read_documents, InputError};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An entry of a configuration that is not a script to run: one Argo CD cannot read
/// (`unreadable-key`), one the operator never writes to argocd-cm (`dropped-by-operator`), or a
/// key given twice in a nested value, of which Argo CD keeps the last (`duplicate-yaml-key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The code of the finding it makes.
    pub code: &'static str,
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
    /// Entries that are not scripts to run (a nested value that does not parse, a bad split
    /// key, a field the operator drops, a duplicated key of a nested value).
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
/// The code of an entry Argo CD cannot read.
const UNREADABLE: &str = "unreadable-key";
/// The code of a key given twice in a nested value.
const DUPLICATE: &str = "duplicate-yaml-key";
/// The code of a check the operator never writes to argocd-cm.
const DROPPED: &str = "dropped-by-operator";

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
            // Argo CD rejects a split key with a second `_`: it holds no script. `all` is its
            // name for every kind (`*/*`).
            let parsed = match suffix {
                "all" => Some(GroupKind::new("*", "*")),
                _ => GroupKind::parse_split_suffix(suffix),
            };
            let Some(GroupKind { group, kind }) = parsed else {
                out.unreadable.push(Unreadable {
                    code: UNREADABLE,
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

/// Scripts in the nested form: a YAML map of `group/Kind` to `health.lua`, read as Argo CD reads
/// it (sigs.k8s.io/yaml: a duplicated key keeps its last value, with a warning here).
fn from_nested(file: &str, where_: &str, blob: &str, form: Form, out: &mut Config) {
    let why = match super::goyaml::read(blob) {
        Ok(read) => {
            for d in read.duplicates {
                out.unreadable.push(Unreadable {
                    code: DUPLICATE,
                    file: file.to_owned(),
                    origin: where_.to_owned(),
                    key: d.key.clone(),
                    message: format!(
                        "{:?} is given twice in this value (its lines {} and {}): Argo CD reads \
                         it with sigs.k8s.io/yaml, which keeps the last, so the entry at its \
                         line {} is never used",
                        d.key, d.first, d.last, d.first
                    ),
                });
            }
            match read.value {
                Value::Object(map) => return from_nested_map(file, where_, &map, form, out),
                Value::Null => return,
                _ => "it is not a map of group/Kind to checks".to_owned(),
            }
        }
        Err((line, message)) => format!("line {line} of the value: invalid YAML: {message}"),
    };
    out.unreadable.push(Unreadable {
        code: UNREADABLE,
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

/// Scripts in an OpenShift GitOps `ArgoCD` resource's spec, as `operator` writes them to
/// argocd-cm: `resourceHealthChecks` become split keys (from v0.5.0), `extraConfig` is copied
/// over them (from v0.4.0), and the old `resourceCustomizations` blob becomes the nested key up
/// to v0.7.x and is dropped from v0.8.0, when v1beta1 replaced v1alpha1.
fn from_argocd(file: &str, at: &str, spec: Option<&Value>, op: OperatorVersion, out: &mut Config) {
    let field = |name: &str| spec.and_then(|s| s.get(name));
    let mut written = Config::default();
    for (i, check) in field("resourceHealthChecks")
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
            written.push(script, Form::HealthCheck(i));
        }
    }
    operator_writes(op, "resourceHealthChecks", written, out);
    let mut written = Config::default();
    if let Some(extra) = field("extraConfig").and_then(Value::as_object) {
        from_cm_data(
            file,
            &format!("{at} ArgoCD spec.extraConfig"),
            extra,
            &mut written,
        );
    }
    operator_writes(op, "extraConfig", written, out);
    let mut written = Config::default();
    if let Some(blob) = field("resourceCustomizations").and_then(Value::as_str) {
        let where_ = format!("{at} ArgoCD spec.resourceCustomizations");
        from_nested(file, &where_, blob, Form::LegacyNested, &mut written);
    }
    operator_writes(op, "resourceCustomizations", written, out);
}

/// Adds what the operator writes to argocd-cm from one field of the spec, or, when `op` drops
/// that field, one `dropped-by-operator` entry per script it held.
fn operator_writes(op: OperatorVersion, field: &str, written: Config, out: &mut Config) {
    let Some(why) = op.drops(field) else {
        out.scripts.extend(written.scripts);
        out.forms.extend(written.forms);
        out.unreadable.extend(written.unreadable);
        return;
    };
    for s in written.scripts {
        let instead = s.group_kind().split_key();
        out.unreadable.push(Unreadable {
            code: DROPPED,
            key: s.key(),
            message: format!(
                "{why}: this check never reaches argocd-cm, and Argo CD looks up {:?} in \
                 argocd-cm ({instead}, then wildcards, then its built-in checks) instead; \
                 move it to spec.resourceHealthChecks (group {:?}, kind {:?})",
                s.key(),
                s.group,
                s.kind
            ),
            file: s.file,
            origin: s.origin,
        });
    }
}

/// An argocd-operator version (`--argocd-operator-version`), which decides which fields of an
/// `ArgoCD` resource reach argocd-cm. The default is the newest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperatorVersion(pub u32, pub u32, pub u32);

impl Default for OperatorVersion {
    fn default() -> Self {
        OperatorVersion::NEWEST
    }
}

impl OperatorVersion {
    /// The newest version this reader knows the conversion of (the fields read are unchanged
    /// since v0.8.0).
    pub const NEWEST: OperatorVersion = OperatorVersion(0, 19, 0);

    /// Reads `v0.8.0`, `0.8.0` or `0.8`.
    pub fn parse(text: &str) -> Option<OperatorVersion> {
        let t = text.trim().trim_start_matches('v');
        let mut parts = t.split('.').map(|p| p.parse::<u32>().ok());
        let major = parts.next()??;
        let minor = parts.next()??;
        let patch = parts.next().unwrap_or(Some(0))?;
        parts
            .next()
            .is_none()
            .then_some(OperatorVersion(major, minor, patch))
    }

    /// Why this version does not write `field` of the spec to argocd-cm, if it does not.
    pub fn drops(self, field: &str) -> Option<String> {
        let (since, until) = match field {
            "extraConfig" => (OperatorVersion(0, 4, 0), None),
            "resourceHealthChecks" => (OperatorVersion(0, 5, 0), None),
            "resourceCustomizations" => (OperatorVersion(0, 0, 0), Some(OperatorVersion(0, 8, 0))),
            _ => return None,
        };
        if self < since {
            return Some(format!(
                "argocd-operator {self} does not know spec.{field} (read from {since})"
            ));
        }
        match until {
            Some(until) if self >= until => Some(format!(
                "argocd-operator {until} and later (here {self}) drop spec.{field} when \
                 converting the ArgoCD resource to v1beta1, and never write it to argocd-cm"
            )),
            _ => None,
        }
    }
}

impl std::fmt::Display for OperatorVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "v{}.{}.{}", self.0, self.1, self.2)
    }
}

/// How to read a configuration: which operator version converts `ArgoCD` resources.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// The argocd-operator version.
    pub operator: OperatorVersion,
}

/// argocd-cm's data as the argo-cd chart writes it from `configs.cm`: `create` and
/// `annotations` left out, every value through `toString` (so `true` becomes `"true"`), empty
/// ones left out. A map or list under a script key becomes Go's `map[...]` text, which Argo CD
/// cannot read: reported as such.
fn helm_cm(file: &str, where_: &str, cm: &Map<String, Value>, out: &mut Config) {
    let mut data = Map::new();
    for (k, v) in cm {
        if k == "create" || k == "annotations" {
            continue;
        }
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            Value::Array(_) | Value::Object(_) => {
                if k == NESTED_KEY || k.starts_with(HEALTH_PREFIX) {
                    out.unreadable.push(Unreadable {
                        code: UNREADABLE,
                        file: file.to_owned(),
                        origin: format!("{where_}[{k}]"),
                        key: k.clone(),
                        message: "the argo-cd chart writes this value with toString, so a map \
                                  or list reaches argocd-cm as Go's `map[...]` text, which Argo \
                                  CD cannot read: write it as a block string (`key: |`)"
                            .to_owned(),
                    });
                }
                continue;
            }
        };
        if !text.is_empty() {
            data.insert(k.clone(), Value::String(text));
        }
    }
    from_cm_data(file, where_, &data, out);
}

fn from_document(file: &str, line: usize, doc: &Value, opts: &ReadOptions, out: &mut Config) {
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
                from_document(file, line, item, opts, out);
            }
        }
        "ConfigMap" => {
            if let Some(data) = doc.get("data").and_then(Value::as_object) {
                from_cm_data(file, &format!("{at} ConfigMap data"), data, out);
            }
        }
        "ArgoCD" => from_argocd(file, &at, doc.get("spec"), opts.operator, out),
        _ => {
            // Helm values for the argo-cd chart; with `create: false` the chart writes no
            // argocd-cm at all.
            let cm = doc.get("configs").and_then(|c| c.get("cm"));
            let created = cm.and_then(|c| c.get("create")) != Some(&Value::Bool(false));
            if let (Some(cm), true) = (cm.and_then(Value::as_object), created) {
                helm_cm(file, &format!("{at} Helm values configs.cm"), cm, out);
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

/// Every `<group>/<kind>/health.lua` under `root`, Argo CD's resource_customizations layout
/// (`_` standing for `*`), each with open libraries as Argo CD runs its built-in checks. A
/// script that is not UTF-8 is read with U+FFFD for the bad bytes, as Lua reads it as bytes.
/// A health.lua that is not a regular file inside `root` of at most 1 MiB (a link out of the
/// folder, a named pipe, a device) is not read: it is among the refusals returned, each a line
/// naming the file and why.
pub fn scripts_in_folder(root: &std::path::Path) -> std::io::Result<(Vec<Script>, Vec<String>)> {
    use crate::argocd::harness::MAX_SCRIPT_BYTES;
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for group in subfolders(root)? {
        for kind in subfolders(&group)? {
            let path = kind.join(HEALTH_LUA);
            if std::fs::symlink_metadata(&path).is_err() {
                continue;
            }
            let bytes = match crate::input::read_inside(root, &path, MAX_SCRIPT_BYTES) {
                Ok(bytes) => bytes,
                Err(e) => {
                    refused.push(format!("{}: {e}", path.display()));
                    continue;
                }
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
    Ok((out, refused))
}

/// Every health script in `text` (the contents of `file`), with the documents that could not
/// be read.
pub fn scripts_in(file: &str, text: &str) -> (Vec<Script>, Vec<InputError>) {
    let config = read_config(file, text);
    (config.scripts, config.errors)
}

/// Everything in `text` (the contents of `file`): scripts, unreadable entries, bad documents,
/// `ArgoCD` resources read as the newest operator converts them.
pub fn read_config(file: &str, text: &str) -> Config {
    read_config_with(file, text, &ReadOptions::default())
}

/// As [`read_config`], with `ArgoCD` resources read as `opts.operator` converts them.
pub fn read_config_with(file: &str, text: &str, opts: &ReadOptions) -> Config {
    let mut config = Config::default();
    for doc in read_documents(file, text) {
        match doc {
            Ok((line, value)) => from_document(file, line, &value, opts, &mut config),
            Err(e) => config.errors.push(e),
        }
    }
    for (script, form) in config.scripts.iter_mut().zip(&config.forms) {
        point_at_entry(text, script, *form);
    }
    for entry in &mut config.unreadable {
        point_entry(text, entry);
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

/// Moves an entry's origin to the line of its key (see [`point_at_key`]); a
/// duplicated key's lines within its value become lines of the file.
fn point_entry(text: &str, entry: &mut Unreadable) {
    let gk = GroupKind::parse_key(&entry.key);
    let mut probe = Script {
        file: String::new(),
        origin: entry.origin.clone(),
        group: gk.group,
        kind: gk.kind,
        script: String::new(),
        open_libs: false,
    };
    if entry.code == DUPLICATE {
        // The value's lines start after the `resource.customizations: |` line.
        probe.group = String::new();
        probe.kind = match entry.origin.contains("spec.resourceCustomizations") {
            true => "resourceCustomizations".to_owned(),
            false => NESTED_KEY.to_owned(),
        };
        point_at_key(text, &mut probe);
        if let Some(at) = line_of_origin(&probe.origin) {
            entry.message = shift_lines(&entry.message, at);
        }
        return;
    }
    point_at_key(text, &mut probe);
    entry.origin = probe.origin;
}

/// The line an origin starts with (`line N ...`).
fn line_of_origin(origin: &str) -> Option<usize> {
    let rest = origin.strip_prefix("line ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    rest[..digits].parse().ok()
}

/// Rewrites a duplicate's message, whose lines count from its value's first line, to name
/// lines of the file, the value starting after line `at`.
fn shift_lines(message: &str, at: usize) -> String {
    let Some(start) = message.find("(its lines ") else {
        return message.to_owned();
    };
    let rest = &message[start + "(its lines ".len()..];
    let nums: Vec<usize> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(3)
        .collect();
    let [first, last, _] = nums[..] else {
        return message.to_owned();
    };
    let (f, l) = (first + at, last + at);
    let key = &message[..start];
    format!(
        "{key}(lines {f} and {l}): Argo CD reads it with sigs.k8s.io/yaml, which keeps the \
         last, so the entry at line {f} is never used"
    )
}

/// Moves an unreadable entry's origin from its document's first line to the first line that
/// is its key as a split key, a nested `group/Kind` entry or the key written in `[...]`.
fn point_at_key(text: &str, script: &mut Script) {
    let Some(rest) = script.origin.strip_prefix("line ") else {
        return;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(start) = rest[..digits].parse::<usize>() else {
        return;
    };
    let gk = script.group_kind();
    // The key as written in `data[...]` too: `resource.customizations.health.all` is `*/*`.
    let written = Some(&script.origin)
        .filter(|o| o.ends_with(']'))
        .and_then(|o| o.split_once('['))
        .and_then(|(_, r)| r.split_once(']'))
        .map_or_else(String::new, |(k, _)| k.to_owned());
    let keys = [gk.split_key(), gk.key(), written];
    let is_key_line = |line: &str| {
        let line = line.trim_start().trim_start_matches(['"', '\'']);
        keys.iter().filter(|k| !k.is_empty()).any(|k| {
            line.strip_prefix(k.as_str())
                .is_some_and(|r| r.trim_start_matches(['"', '\'']).starts_with(':'))
        })
    };
    let found = text
        .lines()
        .enumerate()
        .skip(start.saturating_sub(1))
        .find(|(_, l)| is_key_line(l));
    if let Some((i, _)) = found {
        script.origin = format!("line {}{}", i + 1, &rest[digits..]);
    }
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
/// are a plain `{{ .Values.x }}`, the values the chart's own values files (`values.yaml` and its
/// siblings beside the chart's `templates/` folder) give `x` stand for them. Values found only
/// elsewhere (a config repository's files) or only in a values file's commented illustration
/// (`# x: ManageApp`) are examples: they stand for themselves, and the template may deploy
/// other kinds too, so `*` stands for its kind within the groups known for it
/// (`(group, "*")`: some kind of that group). A document whose group and kind both stay
/// unknown is left out: it would stand for every key and silence every finding about keys.
pub fn deployed_kinds_in(files: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut refs: Vec<(Ref, Ref, &str)> = Vec::new();
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
                    _ => refs.push((api, kind, name.as_str())),
                }
            }
            continue;
        }
        for obj in objects.into_iter().flatten() {
            out.push((obj.group, obj.kind));
        }
    }
    for (api, kind, template) in refs {
        out.extend(templated_kinds(files, &api, &kind, template));
    }
    out
}

/// The folder of the chart a template belongs to (what comes before `templates/`).
fn chart_of(template: &str) -> Option<&str> {
    template
        .rfind("/templates/")
        .map(|i| &template[..=i])
        .or_else(|| template.starts_with("templates/").then_some(""))
}

/// Whether `file` is one of the values files of the chart in folder `chart`.
fn values_file_of(file: &str, chart: &str) -> bool {
    file.strip_prefix(chart).is_some_and(|rest| {
        !rest.contains('/')
            && rest.starts_with("values")
            && (rest.ends_with(".yaml") || rest.ends_with(".yml"))
    })
}

/// The (group, kind) pairs one templated document may deploy: the chart's defaults when its
/// values files give the kind; otherwise every example found for it and `*` within the known
/// groups.
fn templated_kinds(
    files: &[(String, String)],
    api: &Ref,
    kind: &Ref,
    template: &str,
) -> Vec<(String, String)> {
    let chart = chart_of(template);
    let in_chart = |f: &str| chart.is_some_and(|c| values_file_of(f, c));
    let chart_values: Vec<&str> = files
        .iter()
        .filter(|(f, _)| in_chart(f))
        .map(|(_, t)| t.as_str())
        .collect();
    let group = |a: &str| crate::argocd::group_of(a).to_owned();
    let defaults: Vec<(String, String)> = chart_values
        .iter()
        .flat_map(|text| pairs(api, kind, text))
        .map(|(a, k)| (group(&a), k))
        .collect();
    if !defaults.is_empty() {
        return defaults;
    }
    // Examples: a config repository's values (files that are not themselves objects: an
    // object's own `apiVersion:` is not a value) and the chart's commented illustrations.
    let mut examples: Vec<String> = files
        .iter()
        .filter(|(f, t)| !in_chart(f) && !t.lines().any(|l| l.starts_with("kind:")))
        .map(|(_, t)| t.clone())
        .collect();
    examples.extend(chart_values.iter().map(|t| uncommented(t)));
    let mut out: Vec<(String, String)> = examples
        .iter()
        .flat_map(|text| pairs(api, kind, text))
        .map(|(a, k)| (group(&a), k))
        .collect();
    let groups: Vec<String> = match api {
        Ref::Literal(a) => vec![group(a)],
        _ => examples
            .iter()
            .flat_map(|t| api.values_in(t))
            .map(|a| group(&a))
            .collect(),
    };
    match kind {
        Ref::Literal(k) if groups.is_empty() => out.push(("*".to_owned(), k.clone())),
        Ref::Literal(_) => {}
        _ if groups.is_empty() => {}
        _ => out.extend(groups.into_iter().map(|g| (g, "*".to_owned()))),
    }
    out.sort();
    out.dedup();
    out
}

/// A values file with its commented `# key: value` illustrations as plain lines.
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            t.strip_prefix("# ")
                .or_else(|| t.strip_prefix('#'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n")
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
    fn a_templated_kind_valued_only_elsewhere_is_an_example_of_an_open_kind() {
        let template = "apiVersion: {{ .Values.app_api }}\nkind: {{ .Values.app_kind }}\n";
        let config = "manage:\n  app_api: apps.example.com/v1\n  app_kind: ManageApp\n\
            monitor:\n  app_api: apps.example.com/v1\n  app_kind: MonitorApp\n";
        // An object's own apiVersion line is not a value.
        let object = "apiVersion: other.example.com/v1\nkind: ConfigMap\napp_kind: Nope\n";
        assert_eq!(
            kinds(&[("t.yaml", template), ("c.yaml", config), ("o.yaml", object)]),
            [
                pair("other.example.com", "ConfigMap"),
                pair("apps.example.com", "*"),
                pair("apps.example.com", "ManageApp"),
                pair("apps.example.com", "MonitorApp"),
            ]
        );
    }

    #[test]
    fn a_templated_kind_is_the_default_of_its_chart_s_values_files() {
        let template = "apiVersion: {{ .Values.app_api }}\nkind: {{ .Values.app_kind }}\n";
        let values = "app_api: apps.example.com/v1\napp_kind: ManageApp\n";
        let other_chart = "app_api: other.example.com/v1\napp_kind: Elsewhere\n";
        assert_eq!(
            kinds(&[
                ("charts/app/templates/app.yaml", template),
                ("charts/app/values.yaml", values),
                ("charts/other/values.yaml", other_chart),
            ]),
            [pair("apps.example.com", "ManageApp")]
        );
    }

    #[test]
    fn a_chart_s_commented_illustration_is_an_example_not_a_default() {
        let template = "---\napiVersion: {{ .Values.app_api }}\nkind: {{ .Values.app_kind }}\n";
        let values = "on: true\n# Required values, shown for illustration only\n\
            # app_api: \"apps.example.com/v1\"\n# app_kind: \"ManageApp\"\n";
        assert_eq!(
            kinds(&[
                ("charts/app/templates/app.yaml", template),
                ("charts/app/values.yaml", values),
            ]),
            [
                pair("apps.example.com", "*"),
                pair("apps.example.com", "ManageApp")
            ]
        );
        // With no value anywhere, nothing is known of what it deploys.
        assert!(kinds(&[("charts/app/templates/app.yaml", template)]).is_empty());
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
        let (scripts, refused) = scripts_in_folder(&root).expect("read");
        assert!(refused.is_empty(), "{refused:?}");
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
