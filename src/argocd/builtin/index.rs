//! Which kinds Argo CD ships a Lua health check for, by version: every folder of its
//! resource_customizations that holds a health.lua, with the first release that ships it and
//! the first that no longer does. Facts taken from folder names only (see
//! tools/argocd-builtins-index.sh); the scripts themselves are Argo CD's and not copied here.

#[path = "index_table.rs"]
mod table;

use crate::argocd::keys::{path_match, GroupKind};
use std::fmt;

/// An Argo CD version the index knows: each 3.x release line, and the development branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArgoVersion {
    /// 3.0.x.
    V3_0,
    /// 3.1.x.
    V3_1,
    /// 3.2.x.
    V3_2,
    /// 3.3.x.
    V3_3,
    /// 3.4.x.
    V3_4,
    /// 3.5.x.
    V3_5,
    /// The master branch, not yet released.
    Main,
}

impl ArgoVersion {
    /// Every version, oldest first.
    pub const ALL: [ArgoVersion; 7] = [
        ArgoVersion::V3_0,
        ArgoVersion::V3_1,
        ArgoVersion::V3_2,
        ArgoVersion::V3_3,
        ArgoVersion::V3_4,
        ArgoVersion::V3_5,
        ArgoVersion::Main,
    ];

    /// The newest release, the default.
    pub const NEWEST_RELEASE: ArgoVersion = ArgoVersion::V3_5;

    /// `3.4`, or `main`.
    pub fn name(self) -> &'static str {
        match self {
            ArgoVersion::V3_0 => "3.0",
            ArgoVersion::V3_1 => "3.1",
            ArgoVersion::V3_2 => "3.2",
            ArgoVersion::V3_3 => "3.3",
            ArgoVersion::V3_4 => "3.4",
            ArgoVersion::V3_5 => "3.5",
            ArgoVersion::Main => "main",
        }
    }

    /// Reads `3.4`, `3.4.7`, `v3.4.7` (patch releases never changed the set of checks) or
    /// `main` / `master`; anything else is an error saying what is known.
    pub fn parse(text: &str) -> Result<ArgoVersion, String> {
        let t = text.trim();
        if matches!(t, "main" | "master") {
            return Ok(ArgoVersion::Main);
        }
        let bare = t.strip_prefix('v').unwrap_or(t);
        let mut parts = bare.splitn(3, '.');
        let (major, minor) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let patch_ok = parts
            .next()
            .is_none_or(|p| !p.is_empty() && p.split('-').next().is_some_and(is_number));
        let known = format!(
            "the index knows {} to {} and main; for another version give --argocd-builtins DIR \
             (its resource_customizations folder)",
            ArgoVersion::V3_0.name(),
            ArgoVersion::NEWEST_RELEASE.name()
        );
        if !is_number(major) || !is_number(minor) || !patch_ok {
            return Err(format!(
                "{text:?} is not an Argo CD version (3.4, 3.4.7 or main)"
            ));
        }
        ArgoVersion::ALL
            .into_iter()
            .find(|v| *v != ArgoVersion::Main && v.name() == format!("{major}.{minor}"))
            .ok_or_else(|| format!("Argo CD {major}.{minor} is not in the index: {known}"))
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for ArgoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One folder of resource_customizations that holds a health.lua.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// The folder, `group/Kind` (`_` standing for `*`).
    pub folder: &'static str,
    /// The first version that ships it.
    pub since: ArgoVersion,
    /// The first version that no longer ships it.
    pub until: Option<ArgoVersion>,
}

impl Listed {
    /// The key it answers (`*` for `_`).
    pub fn group_kind(&self) -> GroupKind {
        let (group, kind) = self.folder.rsplit_once('/').unwrap_or(("", self.folder));
        GroupKind::from_folder(group, kind)
    }

    /// Whether `version` ships it.
    pub fn ships_in(&self, version: ArgoVersion) -> bool {
        self.since <= version && self.until.is_none_or(|u| version < u)
    }

    /// Whether it is a wildcard folder.
    pub fn is_wildcard(&self) -> bool {
        self.folder.contains('_')
    }
}

/// Every folder any indexed version ships, sorted by folder name (byte order).
pub fn all() -> impl Iterator<Item = Listed> {
    table::TABLE.iter().map(|&(folder, since, until)| Listed {
        folder,
        since,
        until,
    })
}

/// The folders `version` ships, sorted by folder name.
pub fn shipped_in(version: ArgoVersion) -> impl Iterator<Item = Listed> {
    all().filter(move |l| l.ships_in(version))
}

/// The folder whose health.lua Argo CD `version` runs for `gk`, found as its VM finds a
/// built-in script: the exact `group/Kind` folder, else the first wildcard folder in sorted
/// order that matches.
pub fn find(version: ArgoVersion, gk: &GroupKind) -> Option<Listed> {
    let key = gk.key();
    shipped_in(version)
        .find(|l| !l.is_wildcard() && l.folder == key)
        .or_else(|| {
            shipped_in(version)
                .filter(Listed::is_wildcard)
                .find(|l| path_match(&l.folder.replace('_', "*"), &key))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_unique_and_consistent() {
        let folders: Vec<&str> = all().map(|l| l.folder).collect();
        let mut sorted = folders.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(folders, sorted);
        assert!(all().all(|l| l.until.is_none_or(|u| l.since < u)));
    }

    #[test]
    fn counts_per_version_are_argo_cds() {
        // Counted from the tags with `find resource_customizations -name health.lua | wc -l`.
        let count = |v| shipped_in(v).count();
        let counts: Vec<usize> = ArgoVersion::ALL.into_iter().map(count).collect();
        assert_eq!(counts, [183, 207, 233, 226, 227, 238, 241]);
    }

    #[test]
    fn versions_parse_as_users_write_them() {
        assert_eq!(ArgoVersion::parse("3.4"), Ok(ArgoVersion::V3_4));
        assert_eq!(ArgoVersion::parse("v3.4.7"), Ok(ArgoVersion::V3_4));
        assert_eq!(ArgoVersion::parse("3.5.0-rc1"), Ok(ArgoVersion::V3_5));
        assert_eq!(ArgoVersion::parse("master"), Ok(ArgoVersion::Main));
        let old = ArgoVersion::parse("2.14").expect_err("not indexed");
        assert!(old.starts_with("Argo CD 2.14 is not in the index"), "{old}");
        assert!(ArgoVersion::parse("3").is_err());
        assert!(ArgoVersion::parse("3.x").is_err());
    }

    #[test]
    fn exact_folders_win_and_wildcards_match_within_segments() {
        let gk = |k: &str| GroupKind::parse_key(k);
        let provider = find(ArgoVersion::V3_5, &gk("pkg.crossplane.io/Provider"));
        assert_eq!(
            provider.map(|l| l.folder),
            Some("pkg.crossplane.io/Provider")
        );
        let other = find(ArgoVersion::V3_5, &gk("aws.upbound.io/Bucket"));
        assert_eq!(other.map(|l| l.folder), Some("_.upbound.io/_"));
        assert_eq!(find(ArgoVersion::V3_0, &gk("aws.upbound.io/Bucket")), None);
        assert_eq!(find(ArgoVersion::V3_5, &gk("ConfigMap")), None);
    }

    #[test]
    fn removed_folders_stop_answering() {
        let gk = GroupKind::new("iam.cnrm.cloud.google.com", "IAMPolicy");
        let exact = find(ArgoVersion::V3_2, &gk).map(|l| l.folder);
        assert_eq!(exact, Some("iam.cnrm.cloud.google.com/IAMPolicy"));
        let wild = find(ArgoVersion::V3_3, &gk).map(|l| l.folder);
        assert_eq!(wild, Some("_.cnrm.cloud.google.com/_"));
    }
}
