//! Output formats: what users apply to Argo CD, built from the catalog and the emitter.
//!
//! Every format is deterministic and sorted by key. Exact kinds become split keys
//! (`resource.customizations.health.<group>_<Kind>`) wherever the format allows; wildcard rules
//! can only live in the nested `resource.customizations` blob, since `*` is not a valid
//! ConfigMap key character.

mod argocd_cm;
mod argocd_cr;
mod helm;
mod merge;
mod upstream;

pub use argocd_cm::{argocd_cm, nested_configmap};
pub use argocd_cr::argocd_cr;
pub use helm::helm_values;
pub use merge::{argocd_cr_patch, merge_argocd_cm, merge_argocd_cr, Both, Keep, Merged};
pub use upstream::upstream;

use crate::catalog::{Catalog, Entry};
use crate::rule::emit;
use serde::Serialize;
use std::path::PathBuf;
use thiserror::Error;

/// Errors building an output.
#[derive(Debug, Error)]
pub enum OutputError {
    /// A YAML document could not be written.
    #[error("cannot write YAML: {0}")]
    Yaml(String),
    /// A generated ConfigMap breaks a Kubernetes limit.
    #[error("{0}")]
    Invalid(String),
    /// A fixture folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// The largest object the Kubernetes API server stores.
pub const MAX_OBJECT_BYTES: usize = 1 << 20;

/// A file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The path relative to the output folder.
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// The formats `mas-health generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A ConfigMap patch for argocd-cm: split keys per kind, wildcards in the nested key.
    ArgocdCm,
    /// A ConfigMap patch with everything in the nested `resource.customizations` key.
    Nested,
    /// An `ArgoCD` resource fragment for OpenShift GitOps / argocd-operator.
    ArgocdCr,
    /// A JSON patch (RFC 6902) that adds our checks to an `ArgoCD` resource the user has
    /// (`--merge FILE` only).
    ArgocdCrPatch,
    /// Values for the argo-cd Helm chart (`configs.cm`).
    HelmValues,
    /// A folder in Argo CD's resource_customizations layout.
    Upstream,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::ArgocdCm,
        Format::Nested,
        Format::ArgocdCr,
        Format::ArgocdCrPatch,
        Format::HelmValues,
        Format::Upstream,
    ];

    /// The format's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::ArgocdCm => "argocd-cm",
            Format::Nested => "nested",
            Format::ArgocdCr => "argocd-cr",
            Format::ArgocdCrPatch => "argocd-cr-patch",
            Format::HelmValues => "helm-values",
            Format::Upstream => "upstream",
        }
    }

    /// The format named `name` on the command line.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether `--merge FILE` can merge this format into the user's own configuration.
    pub fn merges(self) -> bool {
        matches!(
            self,
            Format::ArgocdCm | Format::ArgocdCr | Format::ArgocdCrPatch
        )
    }

    /// The file a single-file format is written to inside lua-out/.
    pub fn file_name(self) -> Option<&'static str> {
        match self {
            Format::ArgocdCm => Some("argocd-cm.yaml"),
            Format::Nested => Some("argocd-cm-nested.yaml"),
            Format::ArgocdCr => Some("argocd-cr.yaml"),
            Format::ArgocdCrPatch => None,
            Format::HelmValues => Some("helm-values.yaml"),
            Format::Upstream => None,
        }
    }
}

/// Where generated objects go in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The namespace of argocd-cm.
    pub namespace: String,
    /// The name of the `ArgoCD` resource (OpenShift GitOps: `openshift-gitops`).
    pub argocd_name: String,
    /// The namespace of the `ArgoCD` resource.
    pub argocd_namespace: String,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            namespace: "argocd".to_owned(),
            argocd_name: "openshift-gitops".to_owned(),
            argocd_namespace: "openshift-gitops".to_owned(),
        }
    }
}

/// The generated script of every entry, at `<group>/<Kind>/health.lua`.
pub fn scripts(catalog: &Catalog) -> Vec<File> {
    catalog
        .entries()
        .iter()
        .map(|e| File {
            path: e
                .group_kind()
                .folder()
                .join(crate::argocd::keys::HEALTH_LUA),
            contents: emit::emit(&e.rule),
        })
        .collect()
}

/// The nested `resource.customizations` value: a YAML map of `group/Kind` to `health.lua`.
///
/// Kinds that share a rule share one script text: it is written once with a YAML anchor and
/// referred to by alias elsewhere (Argo CD reads this value with a YAML parser that expands
/// aliases), which keeps the ConfigMap small.
pub fn nested_blob<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
) -> Result<String, OutputError> {
    let mut sorted: Vec<&Entry> = entries.into_iter().collect();
    sorted.sort_by_key(|e| e.key());
    let scripts: Vec<String> = sorted.iter().map(|e| emit::emit(&e.rule)).collect();
    let mut out = String::new();
    let mut anchors: Vec<(&str, String)> = Vec::new();
    for (e, script) in sorted.iter().zip(&scripts) {
        let shared = scripts.iter().filter(|s| *s == script).count() > 1;
        out.push_str(&yaml_key(&e.key()));
        out.push_str(":\n  health.lua: ");
        if let Some((_, name)) = anchors.iter().find(|(s, _)| *s == script.as_str()) {
            out.push('*');
            out.push_str(name);
            out.push('\n');
            continue;
        }
        if shared {
            let name = format!("s{}", anchors.len() + 1);
            out.push('&');
            out.push_str(&name);
            out.push(' ');
            anchors.push((script.as_str(), name));
        }
        out.push_str(&block_literal(script, 4)?);
    }
    Ok(out)
}

/// A double-quoted YAML key (keys hold `*`, `/` and dots).
fn yaml_key(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""))
}

/// A `|` block literal of `text` indented by `indent` spaces; `text` must be printable lines.
fn block_literal(text: &str, indent: usize) -> Result<String, OutputError> {
    if text.chars().any(|c| c.is_control() && c != '\n')
        || text.starts_with(' ')
        || !text.ends_with('\n')
        || text.ends_with("\n\n")
    {
        return Err(OutputError::Yaml(
            "a script cannot be written as a YAML block literal".to_owned(),
        ));
    }
    let pad = " ".repeat(indent);
    let mut out = String::from("|\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
}

/// Serializes to YAML (multi-line strings as block literals).
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, OutputError> {
    serde_saphyr::to_string(value).map_err(|e| OutputError::Yaml(e.to_string()))
}

/// A Kubernetes object as YAML, refused when it would exceed the API server's 1 MiB limit.
pub fn object_yaml<T: Serialize>(value: &T, what: &str) -> Result<String, OutputError> {
    let text = to_yaml(value)?;
    if text.len() >= MAX_OBJECT_BYTES {
        return Err(OutputError::Invalid(format!(
            "{what} would be {} bytes, over the 1 MiB object limit",
            text.len()
        )));
    }
    Ok(text)
}

/// Whether `key` is a valid ConfigMap data key.
pub fn valid_configmap_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 253
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

/// Renders one single-file format (every format but `upstream` and `argocd-cr-patch`).
pub fn render(format: Format, catalog: &Catalog, target: &Target) -> Result<String, OutputError> {
    match format {
        Format::ArgocdCm => argocd_cm(catalog, target),
        Format::Nested => nested_configmap(catalog, target),
        Format::ArgocdCr => argocd_cr(catalog, target),
        Format::HelmValues => helm_values(catalog),
        Format::ArgocdCrPatch => Err(OutputError::Invalid(
            "the argocd-cr-patch format patches your ArgoCD resource: give --merge FILE".to_owned(),
        )),
        Format::Upstream => Err(OutputError::Invalid(
            "the upstream format is a folder: give --out DIR".to_owned(),
        )),
    }
}

/// Everything lua-out/ holds: every script and every single-file format.
pub fn lua_out(catalog: &Catalog, target: &Target) -> Result<Vec<File>, OutputError> {
    let mut files = scripts(catalog);
    for format in Format::ALL {
        if let Some(name) = format.file_name() {
            files.push(File {
                path: PathBuf::from(name),
                contents: render(format, catalog, target)?,
            });
        }
    }
    Ok(files)
}
