//! Output formats: what users apply to Argo CD, built from the catalog and the emitter.

use crate::catalog::Entry;
use crate::emit;
use std::path::{Path, PathBuf};

/// A file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The path relative to the output folder.
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// The folder of an entry in Argo CD's resource_customizations layout (`*` written as `_`).
pub fn folder(entry: &Entry) -> PathBuf {
    Path::new(&entry.group.replace('*', "_")).join(entry.kind.replace('*', "_"))
}

/// The generated script of every entry, at `<group>/<Kind>/health.lua`.
pub fn scripts(entries: &[Entry]) -> Vec<File> {
    entries
        .iter()
        .map(|e| File {
            path: folder(e).join("health.lua"),
            contents: emit::emit(&e.key(), &e.rule),
        })
        .collect()
}
