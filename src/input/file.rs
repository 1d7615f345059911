//! Reading files a user handed us (a colleague's repository, a CI checkout): only regular
//! files, never past a size limit, and for files of a tree (a test folder, a
//! resource_customizations folder, `lua-out/`) only files whose real path stays inside it.
//! A named pipe could block a read for ever, a device (`/dev/zero`) never ends, and a link
//! may lead to a secret outside the tree or to a descriptor (`/proc/self/fd/0`).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a file was not read.
#[derive(Debug, Error)]
pub enum FileError {
    /// The operating system refused (missing file, no permission).
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    /// Not a regular file: a folder, a named pipe, a device or a socket.
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// Larger than the limit for this kind of file.
    #[error("larger than {}: refused", size(*.0))]
    TooLarge(u64),
    /// A link whose target cannot be resolved to a file (a dangling link, or a descriptor such
    /// as `/proc/self/fd/0`, which would read our own standard input).
    #[error("a link whose target cannot be resolved inside {}: refused", .0.display())]
    Unresolved(PathBuf),
    /// A link (or a path) leading out of the tree.
    #[error("a link to {} outside {}: refused", .target.display(), .root.display())]
    Outside {
        /// Where it leads.
        target: PathBuf,
        /// The tree it must stay in.
        root: PathBuf,
    },
}

/// `limit` bytes in the unit people read: `1 MiB`, `16 MiB`, `1024 bytes`.
fn size(limit: u64) -> String {
    match limit {
        l if l >= 1 << 20 && l % (1 << 20) == 0 => format!("{} MiB", l >> 20),
        l => format!("{l} bytes"),
    }
}

/// Opens `path` for reading without waiting: a named pipe with no writer cannot hold the open,
/// nor can a terminal become ours. What was opened is judged by its own type afterwards (a file
/// swapped for a pipe between a look at the path and the open is still caught). With
/// `pipe_allowed`, a pipe is accepted and set back to blocking (a pipe named explicitly on the
/// command line, `<(cmd)`); anything else that is not a regular file is refused.
pub fn open_regular(path: &Path, pipe_allowed: bool) -> Result<File, FileError> {
    open_with(path, pipe_allowed, 0)
}

fn open_with(path: &Path, pipe_allowed: bool, extra: i32) -> Result<File, FileError> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | extra)
        .open(path)?;
    let meta = file.metadata()?;
    let pipe = meta.file_type().is_fifo();
    let accepted = meta.is_file() || (pipe && pipe_allowed);
    if !accepted {
        return Err(FileError::NotRegular(file_kind(&meta)));
    }
    if pipe {
        blocking(&file)?;
    }
    Ok(file)
}

/// Reads at most `limit` bytes of `file` (one more is tried, to tell a file of exactly `limit`
/// bytes from a larger one), so nothing read can exhaust memory.
pub fn read_limited(file: impl Read, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Reads the regular file `path`, which must stay inside the folder `root` once every link is
/// followed, and be at most `limit` bytes. A link whose target cannot be resolved
/// (`/proc/self/fd/0` when standard input is a pipe, a dangling link), a link out of `root`, a
/// named pipe, a device and a larger file are refused before anything is read from them.
pub fn read_inside(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let real = resolve_inside(root, path)?;
    // The real path has no links left; O_NOFOLLOW keeps its last part from becoming one.
    let file = open_with(&real, false, libc::O_NOFOLLOW)?;
    if file.metadata()?.len() > limit {
        return Err(FileError::TooLarge(limit));
    }
    read_limited(file, limit)
}

/// Whether the entry at `path` is inside `root` once every link is followed; its real path.
pub fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, FileError> {
    let base = root.canonicalize()?;
    let real = match path.canonicalize() {
        Ok(real) => real,
        // The entry exists, but where it leads cannot be found: a dangling or magic link.
        Err(_) if std::fs::symlink_metadata(path).is_ok() => {
            return Err(FileError::Unresolved(root.to_owned()))
        }
        Err(e) => return Err(FileError::Io(e)),
    };
    if !real.starts_with(&base) {
        return Err(FileError::Outside {
            target: real,
            root: root.to_owned(),
        });
    }
    Ok(real)
}

/// Clears `O_NONBLOCK` again: a pipe given explicitly is read until its writer is done.
fn blocking(file: &File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` owns and keeps open for the call.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: as above; only the O_NONBLOCK bit changes.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// What a file that is not regular is, for the error that refuses it.
pub fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    match () {
        _ if t.is_dir() => "a folder",
        _ if t.is_fifo() => "a named pipe, which may never be written",
        _ if t.is_char_device() => "a character device",
        _ if t.is_block_device() => "a block device",
        _ if t.is_socket() => "a socket",
        _ => "not a file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("mas-health-file-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("folder");
        dir
    }

    #[test]
    fn a_file_inside_is_read_and_a_link_out_refused() {
        let root = tree("inside");
        std::fs::write(root.join("a.yaml"), "a: 1\n").expect("write");
        std::os::unix::fs::symlink("/etc/hostname", root.join("out.yaml")).expect("link");
        std::os::unix::fs::symlink("a.yaml", root.join("in.yaml")).expect("link");
        assert_eq!(
            read_inside(&root, &root.join("in.yaml"), 100).expect("read"),
            b"a: 1\n"
        );
        let out = read_inside(&root, &root.join("out.yaml"), 100);
        assert!(matches!(out, Err(FileError::Outside { .. })), "{out:?}");
        let big = read_inside(&root, &root.join("a.yaml"), 4);
        assert_eq!(
            big.expect_err("too large").to_string(),
            "larger than 4 bytes: refused"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_link_to_a_descriptor_or_nowhere_is_unresolved() {
        let root = tree("unresolved");
        std::os::unix::fs::symlink(root.join("missing"), root.join("gone.yaml")).expect("link");
        let gone = read_inside(&root, &root.join("gone.yaml"), 100);
        assert!(matches!(gone, Err(FileError::Unresolved(_))), "{gone:?}");
        let missing = read_inside(&root, &root.join("none.yaml"), 100);
        assert!(matches!(missing, Err(FileError::Io(_))), "{missing:?}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
