//! Writing and removing files below a folder without following a link.

use anyhow::{bail, Context, Result};
use mas_health::io as output;
use std::path::{Path, PathBuf};

pub fn write_files(out: &Path, files: &[output::File]) -> Result<()> {
    for f in files {
        write_file(out, &f.path, &f.contents)?;
    }
    Ok(())
}

/// Writes `out/rel` without following a link: no folder on the way below `out` and not the
/// file itself may be a link (one would send the bytes anywhere on the machine).
pub fn write_file(out: &Path, rel: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut at = out.to_owned();
    let parts: Vec<_> = rel.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => bail!(
                "{}: a link or a file where a folder goes: not written through",
                at.display()
            ),
            Err(_) => std::fs::create_dir(&at)
                .with_context(|| format!("cannot create {}", at.display()))?,
        }
    }
    let path = out.join(rel);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(|e| match e.raw_os_error() {
            Some(libc::ELOOP) => anyhow::anyhow!("{}: a link: not written through", path.display()),
            _ => anyhow::Error::new(e).context(format!("cannot write {}", path.display())),
        })?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Writes the file `path` the user named (`--out FILE`) whole or not at all: the text goes to
/// a new sibling file, is flushed to disk, and then takes `path`'s name, so a failed write (a
/// full disk) leaves the old file as it was. The folders on the way are the user's own choice;
/// `path` itself is replaced only if it is a regular file (never a link, a named pipe that
/// would block the write, or a device), and keeps its permissions.
pub fn write_named_file(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let mode = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            bail!("{}: a link: not written through", path.display())
        }
        Ok(m) if !m.is_file() => bail!(
            "{}: not a regular file ({}): give a file to write",
            path.display(),
            mas_health::io::file_kind(&m)
        ),
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&temp)?;
        if let Some(p) = &mode {
            file.set_permissions(p.clone())?;
        }
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Removes `root/rel` if every folder on the way is a real folder below `root` (a link there
/// could lead anywhere on the machine), then the folders on the way that it leaves empty.
pub fn remove_below(root: &Path, rel: &Path) {
    let mut at = root.to_owned();
    let parts: Vec<_> = rel.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(part);
        if !std::fs::symlink_metadata(&at).is_ok_and(|m| m.is_dir()) {
            return;
        }
    }
    // A listed path that is now a folder is left alone: only files were written.
    if std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_dir()) {
        return;
    }
    let _ = std::fs::remove_file(root.join(rel));
    let mut dir: PathBuf = rel.to_owned();
    while dir.pop() && !dir.as_os_str().is_empty() {
        if std::fs::remove_dir(root.join(&dir)).is_err() {
            break;
        }
    }
}
