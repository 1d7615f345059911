//! Which health.lua of a resource_customizations tree answers an object, found as Argo CD's VM
//! finds a built-in one (`GetHealthScript`): the folder named by the object's `group/Kind`
//! (just `Kind` for the core group) first, then the folders whose path holds `_` (standing for
//! `*`), tried in sorted order, the first that matches winning.

use crate::argocd::group_of;
pub use crate::argocd::keys::path_match;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The health scripts under one root.
#[derive(Debug, Clone, Default)]
pub struct Scripts {
    root: PathBuf,
    /// Folders (relative, `/`-separated) holding a health.lua whose path holds `_`, sorted.
    wildcards: Vec<String>,
}

/// The file name Argo CD gives a health script.
pub const HEALTH_LUA: &str = "health.lua";

impl Scripts {
    /// Indexes the wildcard folders among `folders` (each relative to `root`, `/`-separated,
    /// holding a health.lua).
    pub fn new(root: &Path, folders: &[String]) -> Self {
        let mut wildcards: Vec<String> = folders
            .iter()
            .filter(|f| f.contains('_'))
            .cloned()
            .collect();
        // Go's slices.Sort on strings: byte order.
        wildcards.sort();
        Scripts {
            root: root.to_owned(),
            wildcards,
        }
    }

    /// The health.lua answering `obj`, or None when Argo CD has no built-in script for it.
    pub fn find(&self, obj: &Value) -> Option<PathBuf> {
        let key = config_map_key(obj);
        // An apiVersion with `..` could name a file outside the tree; Argo CD's embedded file
        // system refuses such paths too.
        let safe = !key.is_empty() && key.split('/').all(|s| !s.is_empty() && s != "..");
        if safe {
            let exact = self.root.join(&key).join(HEALTH_LUA);
            if present(&exact) {
                return Some(exact);
            }
        }
        self.wildcards
            .iter()
            .find(|w| path_match(&w.replace('_', "*"), &key))
            .map(|w| self.root.join(w).join(HEALTH_LUA))
    }
}

/// Argo CD's `GetConfigMapKey`: `group/Kind`, or `Kind` for the core group. An apiVersion that
/// is not `version` or `group/version` gives an empty key, as Go's ParseGroupVersion fails.
pub fn config_map_key(obj: &Value) -> String {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    if api_version.matches('/').count() > 1 {
        return String::new();
    }
    match group_of(api_version) {
        "" => kind.to_owned(),
        group => format!("{group}/{kind}"),
    }
}

/// Whether a health.lua stands at `path`, readable or not: a folder, a dangling link or a file
/// without permission still answers its objects (and fails, naming itself, when read), rather
/// than leaving them to another check.
pub(crate) fn present(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_follow_argo_cds_config_map_key() {
        let k = |v: Value| config_map_key(&v);
        assert_eq!(k(json!({"apiVersion": "v1", "kind": "Pod"})), "Pod");
        assert_eq!(
            k(json!({"apiVersion": "pkg.crossplane.io/v1", "kind": "Provider"})),
            "pkg.crossplane.io/Provider"
        );
        assert_eq!(k(json!({"apiVersion": "a/b/c", "kind": "X"})), "");
    }

    #[test]
    fn star_stays_within_a_segment() {
        assert!(path_match(
            "*.crossplane.io/*",
            "pkg.crossplane.io/Provider"
        ));
        assert!(!path_match("*.crossplane.io/*", "crossplane.io/Provider"));
        assert!(path_match("*.io/*", "a.b.io/K"));
        assert!(!path_match("*", "a/K"));
        assert!(path_match("a*b*c/K", "axxbyyc/K"));
        assert!(!path_match("a*b*c/K", "axxbyy/K"));
    }

    #[test]
    fn many_stars_match_without_backtracking_for_ever() {
        // 40 stars against a 200-character group that fails at its last character: a
        // backtracking matcher tries every split (200^40); this one answers at once.
        let pattern = format!("{}b/*", "*a".repeat(40));
        let name = format!("{}/K", "a".repeat(200));
        assert!(!path_match(&pattern, &name));
        assert!(path_match(&pattern, &format!("{}b/K", "a".repeat(200))));
    }
}
