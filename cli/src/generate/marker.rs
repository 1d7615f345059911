//! The marker `generate` leaves in a folder: which files it wrote there.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// Marks a folder as written by `generate`, and lists the files it wrote there (the only
/// files a later `generate` replaces or removes).
pub const MARKER: &str = ".mas-health-generated";

/// The marker's first line; the files written follow, one relative path a line.
const MARKER_HEAD: &str =
    "Written by `mas-health generate`, which replaces the files listed below and keeps any other.";

/// The single-file formats versions before the file list wrote at the top of the folder. Kept
/// here as they were then (not taken from today's formats), since they describe those versions.
const OLD_FILES: [&str; 4] = [
    "argocd-cm.yaml",
    "argocd-cm-nested.yaml",
    "argocd-cr.yaml",
    "helm-values.yaml",
];

/// The marker's text for a folder holding `files`.
pub fn text<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> String {
    let mut list = format!("{MARKER_HEAD}\n");
    for f in files {
        list.push_str(&format!("{}\n", f.display()));
    }
    list
}

/// The files a previous `generate` wrote in `out` (from its marker), the marker included;
/// `None` when `out` does not exist. A folder with other things and no marker is refused.
pub fn written_before(out: &Path) -> Result<Option<BTreeSet<PathBuf>>> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(None);
    };
    if !meta.is_dir() {
        bail!("{} is not a folder", out.display());
    }
    let mut entries =
        std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
    if entries.next().is_none() {
        return Ok(Some(BTreeSet::new()));
    }
    let marker = out.join(MARKER);
    let text = match std::fs::symlink_metadata(&marker) {
        Ok(m) if m.is_file() => read_marker(out, &marker)?,
        _ => bail!(
            "{} is not a folder mas-health generated (no {MARKER}): refusing to write in it; \
             give an empty or new folder",
            out.display()
        ),
    };
    let mut listed = match text.strip_prefix(MARKER_HEAD) {
        Some(_) => listed(out, &marker, &text)?,
        None => old_outputs(out)?,
    };
    listed.insert(PathBuf::from(MARKER));
    Ok(Some(listed))
}

/// The most bytes a marker may have: a list of paths, some thousands of lines at most.
const MAX_MARKER_BYTES: u64 = 16 << 20;

/// The marker's text: a regular file inside `out`, at most [`MAX_MARKER_BYTES`].
fn read_marker(out: &Path, marker: &Path) -> Result<String> {
    let bytes = mas_health::io::read_inside(out, marker, MAX_MARKER_BYTES)
        .with_context(|| format!("{}", marker.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8 text", marker.display()))
}

/// The paths the marker lists. Each is removed from `out` later, so one that could lead out of
/// it (`..`, an absolute path, an empty line) makes the whole list untrusted: nothing is touched.
fn listed(out: &Path, marker: &Path, text: &str) -> Result<BTreeSet<PathBuf>> {
    let mut paths = BTreeSet::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        let path = Path::new(line);
        let inside = path.components().next().is_some()
            && path.components().all(|c| matches!(c, Component::Normal(_)));
        if !inside {
            bail!(
                "{}: line {} (`{line}`) is not a path inside {}: refusing to replace or remove \
                 anything; correct the line or remove it",
                marker.display(),
                n + 1,
                out.display()
            );
        }
        paths.insert(path.to_owned());
    }
    Ok(paths)
}

/// What versions whose marker had no file list wrote in `out`: `GROUP/Kind/health.lua` and the
/// single-file formats. Those versions cleared the folder, so these files are theirs; anything
/// else was added since and is kept. Only real folders are looked into, never a link, and no
/// hidden folder (`.git`): the groups those versions wrote are DNS names or `_`.
fn old_outputs(out: &Path) -> Result<BTreeSet<PathBuf>> {
    let mut paths: BTreeSet<PathBuf> = OLD_FILES.iter().map(PathBuf::from).collect();
    for group in folders(out)? {
        for kind in folders(&out.join(&group))? {
            let rel = Path::new(&group).join(kind).join("health.lua");
            if std::fs::symlink_metadata(out.join(&rel)).is_ok_and(|m| m.is_file()) {
                paths.insert(rel);
            }
        }
    }
    Ok(paths)
}

/// The names of the folders (not links, not hidden) in `dir`.
fn folders(dir: &Path) -> Result<Vec<std::ffi::OsString>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if !hidden && entry.file_type().is_ok_and(|t| t.is_dir()) {
            names.push(entry.file_name());
        }
    }
    Ok(names)
}
