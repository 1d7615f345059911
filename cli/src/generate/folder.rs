//! Where `generate` writes a folder: the name it is known by, its siblings, the lock.

use anyhow::{bail, Context, Result};
use std::path::{Component, Path, PathBuf};

/// `--out` as a path that ends in the folder's own name. The lock and the new folder are
/// siblings named after it, so `.`, `..` and `x/..` (which name no folder by themselves) are
/// resolved by the file system: lexically `x/..` would be wrong when `x` is a link.
pub fn resolve(out: &Path) -> Result<PathBuf> {
    if matches!(out.components().next_back(), Some(Component::Normal(_))) {
        // Kept as given, so messages show the path the user typed.
        return Ok(out.to_owned());
    }
    let real = std::fs::canonicalize(out)
        .with_context(|| format!("cannot find the folder {}", out.display()))?;
    if real.file_name().is_none() {
        bail!(
            "{}: the root folder cannot be generated into (the new folder is made beside it): \
             give a folder below it",
            out.display()
        );
    }
    Ok(real)
}

/// A sibling of `out` named after it: `.NAME.WHAT`.
pub fn sibling(out: &Path, what: &str) -> Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{}: not a folder name", out.display()))?;
    let mut file = std::ffi::OsString::from(".");
    file.push(name);
    file.push(format!(".{what}"));
    Ok(parent(out).map_or_else(|| PathBuf::from(&file), |p| p.join(&file)))
}

/// The folder `out` is in, `None` for a bare name (the current folder).
fn parent(out: &Path) -> Option<&Path> {
    out.parent().filter(|p| !p.as_os_str().is_empty())
}

/// One `generate` at a time on a folder: a lock file beside it, locked with `flock`, which the
/// kernel releases however the holder ends (Ctrl-C, a kill), so a stopped run leaves no lock
/// that holds the next one. The file is removed when this value is dropped.
pub struct Lock {
    path: PathBuf,
    _file: std::fs::File,
}

impl Lock {
    /// Takes the lock of `out`, first making the folders `out` goes in (the lock file is made
    /// beside `out`, so they must exist before it; `out` itself is made later).
    pub fn take(out: &Path) -> Result<Lock> {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
        if let Some(dir) = parent(out) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let path = sibling(out, "generate-lock")?;
        loop {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            // SAFETY: flock on a descriptor `file` owns; it is released when `file` closes.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
                let e = std::io::Error::last_os_error();
                if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                    bail!("another `mas-health generate` is writing {}", out.display());
                }
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
            // A run ending just now removes the file it locked: only a lock on the file the
            // name still stands for keeps another run out.
            let (held, named) = (file.metadata()?, std::fs::symlink_metadata(&path));
            if named.is_ok_and(|n| n.ino() == held.ino() && n.dev() == held.dev()) {
                return Ok(Lock { path, _file: file });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so no other run can lock this file and then lose it.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the folder `out` must be regenerated where it is instead of being swapped for a new
/// one: a mount point cannot be renamed, and a folder holding the current folder (`--out .`)
/// would leave this process and the user's shell in the removed old folder.
pub fn must_stay(out: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let beside = parent(out).unwrap_or(Path::new("."));
    let mounted = match (std::fs::symlink_metadata(out), std::fs::metadata(beside)) {
        (Ok(o), Ok(p)) => o.dev() != p.dev(),
        _ => false,
    };
    let holds_cwd = match (std::fs::canonicalize(out), std::env::current_dir()) {
        (Ok(o), Ok(cwd)) => cwd.starts_with(o),
        _ => false,
    };
    mounted || holds_cwd
}
