//! Argo CD's key grammar for health customizations, in one place.
//!
//! - a resource's key is `group/Kind`, or just `Kind` for the core group;
//! - argocd-cm split keys are `resource.customizations.health.<group>_<Kind>` (the first `_`
//!   separates group and kind, since groups never contain one);
//! - the nested `resource.customizations` value is keyed `group/Kind`, wildcards allowed;
//! - folders of the resource_customizations layout are `<group>/<Kind>` with `_` for `*`;
//! - wildcard keys match as a glob where `*` also crosses `/`.

use std::fmt;

/// The argocd-cm key holding the nested YAML map of customizations.
pub const NESTED_KEY: &str = "resource.customizations";
/// The prefix of a split health key; the group and kind follow.
pub const HEALTH_PREFIX: &str = "resource.customizations.health.";
/// The prefix of a split `useOpenLibs` key; the group and kind follow.
pub const OPEN_LIBS_PREFIX: &str = "resource.customizations.useOpenLibs.";
/// The field of a nested entry holding the health script.
pub const HEALTH_LUA: &str = "health.lua";
/// The field of a nested entry that opens the standard libraries.
pub const HEALTH_LUA_OPEN_LIBS: &str = "health.lua.useOpenLibs";

/// An API group and kind, either of which may be a glob (`*.mas.ibm.com`, `*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind {
    /// The API group, `""` for the core group.
    pub group: String,
    /// The kind.
    pub kind: String,
}

impl GroupKind {
    /// Builds a group and kind.
    pub fn new(group: &str, kind: &str) -> GroupKind {
        GroupKind {
            group: group.to_owned(),
            kind: kind.to_owned(),
        }
    }

    /// The group and kind of an apiVersion (`apps/v1` -> `apps`, `v1` -> core) and kind.
    pub fn of_api_version(api_version: &str, kind: &str) -> GroupKind {
        GroupKind::new(group_of(api_version), kind)
    }

    /// Parses a nested key, `group/Kind` or `Kind` (the group is everything before the last `/`).
    pub fn parse_key(key: &str) -> GroupKind {
        match key.rsplit_once('/') {
            Some((g, k)) => GroupKind::new(g, k),
            None => GroupKind::new("", key),
        }
    }

    /// Parses the part of a split key after its prefix: `<group>_<Kind>`, or `<Kind>` for the
    /// core group. `None` when it holds more than one `_` (Argo CD rejects such keys).
    pub fn parse_split_suffix(suffix: &str) -> Option<GroupKind> {
        match suffix.split_once('_') {
            Some((_, k)) if k.contains('_') => None,
            Some((g, k)) => Some(GroupKind::new(g, k)),
            None => Some(GroupKind::new("", suffix)),
        }
    }

    /// Argo CD's key: `group/Kind`, just `Kind` for the core group.
    pub fn key(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}/{}", self.group, self.kind)
        }
    }

    /// The argocd-cm split health key (`resource.customizations.health.<group>_<Kind>`).
    pub fn split_key(&self) -> String {
        format!("{HEALTH_PREFIX}{}", self.split_suffix())
    }

    /// The argocd-cm split `useOpenLibs` key.
    pub fn open_libs_key(&self) -> String {
        format!("{OPEN_LIBS_PREFIX}{}", self.split_suffix())
    }

    fn split_suffix(&self) -> String {
        if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}_{}", self.group, self.kind)
        }
    }

    /// The folder in Argo CD's resource_customizations layout, `*` written as `_`.
    pub fn folder(&self) -> std::path::PathBuf {
        std::path::Path::new(&self.group.replace('*', "_")).join(self.kind.replace('*', "_"))
    }

    /// The group and kind a resource_customizations folder stands for (`_` read as `*`).
    pub fn from_folder(group: &str, kind: &str) -> GroupKind {
        let unfold = |s: &str| {
            if s.contains('_') {
                s.replace('_', "*")
            } else {
                s.to_owned()
            }
        };
        GroupKind::new(&unfold(group), &unfold(kind))
    }

    /// Whether the key is a wildcard (usable only in the nested form).
    pub fn is_wildcard(&self) -> bool {
        self.group.contains('*') || self.kind.contains('*')
    }

    /// Whether this key (possibly a wildcard) applies to a resource of `other`'s group and kind.
    pub fn matches(&self, other: &GroupKind) -> bool {
        if self.is_wildcard() {
            key_matches(&self.key(), &other.group, &other.kind)
        } else {
            self == other
        }
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// The group and kind of an object, from its `apiVersion` and `kind`.
pub fn group_kind_of(obj: &serde_json::Value) -> GroupKind {
    let field = |k: &str| {
        obj.get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
    };
    GroupKind::of_api_version(field("apiVersion"), field("kind"))
}

/// doublestar's `PathMatch` for the patterns folder names make: `*` matches any run of
/// characters within one path segment; everything else matches itself. Each segment is matched
/// by [`glob`], in time linear in the pattern times the name (a folder name of many `_` cannot
/// make it backtrack exponentially).
pub fn path_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), name.split('/').collect());
    p.len() == n.len() && p.iter().zip(&n).all(|(p, n)| glob(p, n))
}

/// The group part of an apiVersion (`apps/v1` -> `apps`, `v1` -> ``).
pub fn group_of(api_version: &str) -> &str {
    // Scanned from the end byte by byte: the version after the `/` is a few bytes, shorter
    // than `memrchr`'s set-up (every object evaluated comes through here).
    match api_version.bytes().rposition(|b| b == b'/') {
        Some(i) => api_version.get(..i).unwrap_or_default(),
        None => "",
    }
}

/// Glob match where `*` matches any run of characters, `/` included (Argo CD's wildcard keys).
pub fn glob(pattern: &str, text: &str) -> bool {
    // Bytes match as characters do: a literal run of the pattern starts with a character's
    // first byte, which no continuation byte equals, so it can only match at a character.
    glob_bytes(pattern.as_bytes(), text.as_bytes())
}

/// Whether the key `pattern` (possibly a wildcard) applies to a resource of `group` and
/// `kind`: [`glob`] against the resource's key, built on the stack (every object of a kind
/// without an exact key is matched against the wildcards).
pub fn key_matches(pattern: &str, group: &str, kind: &str) -> bool {
    let mut buf = [0u8; 256];
    let parts: [&[u8]; 3] = match group.is_empty() {
        true => [b"", b"", kind.as_bytes()],
        false => [group.as_bytes(), b"/", kind.as_bytes()],
    };
    let len: usize = parts.iter().map(|p| p.len()).sum();
    if len > buf.len() {
        return glob(pattern, &GroupKind::new(group, kind).key());
    }
    let mut at = 0;
    for p in parts {
        buf[at..at + p.len()].copy_from_slice(p);
        at += p.len();
    }
    glob_bytes(pattern.as_bytes(), &buf[..len])
}

/// [`glob`] over bytes, in time linear in the pattern times the text.
fn glob_bytes(p: &[u8], t: &[u8]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if p.get(pi) == Some(&b'*') {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p.get(pi) == t.get(ti) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == b'*')
}

/// Whether some real resource matches both keys: two such wildcard keys make Argo CD pick one of
/// them at random for that kind. A real key has exactly one `/` (groups and kinds have none), so
/// the groups and the kinds must meet separately.
pub fn wildcards_overlap(a: &GroupKind, b: &GroupKind) -> bool {
    globs_meet(&a.group, &b.group) && globs_meet(&a.kind, &b.kind)
}

/// Whether some string matches both globs.
fn globs_meet(a: &str, b: &str) -> bool {
    let (p, q): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // reach[i][j]: some string takes p[..i] and q[..j] to the same point.
    let mut reach = vec![vec![false; q.len() + 1]; p.len() + 1];
    reach[0][0] = true;
    for i in 0..=p.len() {
        for j in 0..=q.len() {
            if !reach[i][j] {
                continue;
            }
            let (pc, qc) = (p.get(i), q.get(j));
            if pc == Some(&'*') {
                reach[i + 1][j] = true;
            }
            if qc == Some(&'*') {
                reach[i][j + 1] = true;
            }
            match (pc, qc) {
                (Some(x), Some(y)) if x == y || *x == '*' || *y == '*' => {
                    // A star may also take the other side's next character (or its star's text).
                    if *x == '*' && *y != '*' {
                        reach[i][j + 1] = true;
                    } else if *y == '*' && *x != '*' {
                        reach[i + 1][j] = true;
                    } else {
                        reach[i + 1][j + 1] = true;
                    }
                }
                _ => {}
            }
        }
    }
    reach[p.len()][q.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_star_crosses_slashes() {
        assert!(glob("*.mas.ibm.com/*", "apps.mas.ibm.com/ManageApp"));
        assert!(glob("*", "a/b/c"));
        assert!(!glob("*.mas.ibm.com/*", "sls.ibm.com/LicenseService"));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b", "aXXbY"));
    }

    #[test]
    fn core_group_keys_have_no_group_part() {
        let pvc = GroupKind::new("", "PersistentVolumeClaim");
        assert_eq!(pvc.key(), "PersistentVolumeClaim");
        assert_eq!(
            pvc.split_key(),
            "resource.customizations.health.PersistentVolumeClaim"
        );
        assert_eq!(GroupKind::parse_key("PersistentVolumeClaim"), pvc);
    }

    #[test]
    fn split_keys_round_trip_through_their_suffix() {
        let suite = GroupKind::new("core.mas.ibm.com", "Suite");
        assert_eq!(
            suite.split_key(),
            "resource.customizations.health.core.mas.ibm.com_Suite"
        );
        assert_eq!(
            suite.open_libs_key(),
            "resource.customizations.useOpenLibs.core.mas.ibm.com_Suite"
        );
        assert_eq!(
            GroupKind::parse_split_suffix("core.mas.ibm.com_Suite"),
            Some(suite)
        );
        assert_eq!(GroupKind::parse_split_suffix("a_b_C"), None);
    }

    #[test]
    fn folders_write_wildcards_as_underscores_and_read_them_back() {
        let wild = GroupKind::new("*.mas.ibm.com", "*");
        assert_eq!(wild.folder(), std::path::Path::new("_.mas.ibm.com/_"));
        assert_eq!(GroupKind::from_folder("_.mas.ibm.com", "_"), wild);
        assert_eq!(
            GroupKind::from_folder("apps", "Deployment"),
            GroupKind::new("apps", "Deployment")
        );
    }

    #[test]
    fn nested_keys_split_at_the_last_slash() {
        assert_eq!(
            GroupKind::parse_key("*.mas.ibm.com/*"),
            GroupKind::new("*.mas.ibm.com", "*")
        );
    }

    #[test]
    fn wildcard_matches_and_exact_keys_match_only_themselves() {
        let wild = GroupKind::new("*.mas.ibm.com", "*");
        let suite = GroupKind::new("core.mas.ibm.com", "Suite");
        assert!(wild.matches(&suite));
        assert!(suite.matches(&suite));
        assert!(!suite.matches(&GroupKind::new("core.mas.ibm.com", "Workspace")));
        assert!(wildcards_overlap(&wild, &GroupKind::new("*", "*")));
        // x.mas.ibm.com/Other matches both.
        assert!(wildcards_overlap(
            &wild,
            &GroupKind::new("*.ibm.com", "Other")
        ));
        assert!(!wildcards_overlap(
            &GroupKind::new("*.ibm.com", "A*"),
            &GroupKind::new("*.ibm.com", "B*")
        ));
        assert!(wildcards_overlap(
            &GroupKind::new("*.ibm.com", "*Set"),
            &GroupKind::new("apps.*", "Stateful*")
        ));
        assert!(!wildcards_overlap(
            &GroupKind::new("*.ibm.com", "A"),
            &GroupKind::new("*.ibm.com", "B")
        ));
        assert!(!wildcards_overlap(
            &wild,
            &GroupKind::new("*.redhat.com", "*")
        ));
    }
}
