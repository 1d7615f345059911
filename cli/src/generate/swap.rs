//! Regenerating a folder `generate` owns, keeping what the user added to it.

use super::folder::{self, Lock};
use super::marker::{self, MARKER};
use super::write::{remove_below, write_file, write_files};
use anyhow::{bail, Context, Result};
use mas_health::io as output;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How a file or folder is moved (see [`Move`]); tests give one that fails where they want.
pub type Rename<'a> = &'a dyn Fn(&Path, &Path, Move) -> std::io::Result<()>;

/// A move of [`Rename`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// `from` takes the name `to`.
    Rename,
    /// `from` and `to` exchange names in one step (`renameat2` with `RENAME_EXCHANGE`): at no
    /// moment is either name missing.
    Exchange,
}

/// The moves of the file system.
pub fn real_move(from: &Path, to: &Path, how: Move) -> std::io::Result<()> {
    match how {
        Move::Rename => std::fs::rename(from, to),
        Move::Exchange => exchange(from, to),
    }
}

/// Exchanges the names `a` and `b` atomically; `Unsupported` where the system cannot.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            std::ffi::CString::new(p.as_os_str().as_bytes())
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        };
        let (a, b) = (c(a)?, c(b)?);
        // SAFETY: two NUL-terminated paths that outlive the call; the syscall reads them only.
        let done = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if done == 0 {
            return Ok(());
        }
        Err(std::io::Error::last_os_error())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// Regenerates a folder this command owns (see [`replace_with`]).
pub fn replace_generated_dir(out: &Path, files: &[output::File]) -> Result<()> {
    replace_with(out, files, &real_move)
}

/// The new files and their list are written to a new sibling folder; what the previous
/// `generate` did not write (`.git`, a README) is moved into it; then it takes the old folder's
/// place, and of the old folder only the files the previous `generate` wrote are removed. A
/// failure leaves the folder as it was. A folder that cannot be renamed is regenerated in place.
pub fn replace_with(out: &Path, files: &[output::File], rename: Rename) -> Result<()> {
    let _lock = Lock::take(out)?;
    let fresh = folder::sibling(out, "generate-new")?;
    let old = folder::sibling(out, "generate-old")?;
    recover(out, &fresh, &old, rename)?;
    let before = marker::written_before(out)?;
    if let Some(ours) = &before {
        if folder::must_stay(out) {
            return in_place(out, files, ours);
        }
    }
    std::fs::create_dir(&fresh).with_context(|| format!("cannot create {}", fresh.display()))?;
    let paths: Vec<&PathBuf> = files.iter().map(|f| &f.path).collect();
    let written = write_files(&fresh, files)
        .and_then(|()| write_file(&fresh, Path::new(MARKER), &marker::text(paths)));
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e);
    }
    let Some(ours) = before else {
        let renamed = rename(&fresh, out, Move::Rename);
        if renamed.is_err() {
            let _ = std::fs::remove_dir_all(&fresh);
        }
        return renamed
            .with_context(|| format!("cannot rename {} to {}", fresh.display(), out.display()));
    };
    match swap_in(out, &fresh, &old, &ours, rename)? {
        Swapped::Yes => Ok(()),
        Swapped::CannotMove => in_place(out, files, &ours),
    }
}

/// How [`swap_in`] ended, when not with an error.
enum Swapped {
    Yes,
    /// `out` cannot be moved (a mount point): nothing was changed.
    CannotMove,
}

/// Moves what `out` holds beyond `ours` into `fresh`, puts `fresh` in the place of `out` (in
/// one exchange where the system can, so `out` is never missing), and removes the files listed
/// in `ours` from the old folder, then the old folder once empty. On every failure the user's
/// files are moved back first.
fn swap_in(
    out: &Path,
    fresh: &Path,
    old: &Path,
    ours: &BTreeSet<PathBuf>,
    rename: Rename,
) -> Result<Swapped> {
    let mut moved = Vec::new();
    if let Err(e) = keep_foreign(out, fresh, Path::new(""), ours, &mut moved, rename) {
        return undo(out, fresh, &moved, rename, e);
    }
    let left = match rename(fresh, out, Move::Exchange) {
        // The old folder now has the new one's name.
        Ok(()) => fresh,
        Err(e) if unsupported(&e) => match two_renames(out, fresh, old, rename)? {
            Some(e) => return undo(out, fresh, &moved, rename, e),
            None => old,
        },
        Err(e) => {
            let e = anyhow::Error::new(e).context(format!(
                "cannot rename {} to {}",
                fresh.display(),
                out.display()
            ));
            return undo(out, fresh, &moved, rename, e);
        }
    };
    for rel in ours {
        remove_below(left, rel);
    }
    remove_empty_dirs(left);
    if std::fs::symlink_metadata(left).is_ok() {
        // Under the name the next run looks at and leaves to the user.
        let kept = if left == old || rename(left, old, Move::Rename).is_ok() {
            old
        } else {
            left
        };
        eprintln!(
            "warning: {} still holds files: look at them",
            kept.display()
        );
    }
    Ok(Swapped::Yes)
}

/// Whether an exchange failed only because the system cannot exchange names.
fn unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP)
        )
}

/// Where names cannot be exchanged: `out` to `old`, then `fresh` to `out` (a stop between the
/// two is recovered by the next run, see [`recover`]). The error to undo with, if any.
fn two_renames(
    out: &Path,
    fresh: &Path,
    old: &Path,
    rename: Rename,
) -> Result<Option<anyhow::Error>> {
    if let Err(e) = rename(out, old, Move::Rename) {
        return Ok(Some(
            anyhow::Error::new(e).context(format!("cannot move {}", out.display())),
        ));
    }
    let Err(e) = rename(fresh, out, Move::Rename) else {
        return Ok(None);
    };
    let e = anyhow::Error::new(e).context(format!("cannot rename {}", fresh.display()));
    if let Err(back) = rename(old, out, Move::Rename) {
        // Nothing more can be done safely: say where everything is.
        bail!(
            "{e:#}, nor {} back: {back}; your folder is now {} and your own files in it \
             are in {}",
            old.display(),
            old.display(),
            fresh.display()
        );
    }
    Ok(Some(e))
}

/// Puts right what a `generate` stopped halfway (Ctrl-C, a kill) left beside `out`. A new
/// folder without its marker was still being written: it holds only generated files and is
/// removed. A new or old folder with its marker may hold the user's files (`.git`, a README)
/// on their way: they go back into `out`, then the generated files listed go. When `out`
/// itself is missing (a stop between two renames), the complete new folder, else the old one,
/// takes its place first.
fn recover(out: &Path, fresh: &Path, old: &Path, rename: Rename) -> Result<()> {
    let exists = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let marked = |p: &Path| exists(&p.join(MARKER));
    if !exists(out) {
        let back = [fresh, old].into_iter().find(|p| marked(p));
        if let Some(back) = back {
            rename(back, out, Move::Rename).with_context(|| {
                format!("cannot rename {} to {}", back.display(), out.display())
            })?;
            eprintln!("{}: put back from {}", out.display(), back.display());
        }
    }
    for leftover in [fresh, old] {
        if !exists(leftover) {
            continue;
        }
        if !marked(leftover) && leftover == fresh {
            std::fs::remove_dir_all(leftover)
                .with_context(|| format!("cannot remove {}", leftover.display()))?;
        } else if marked(leftover) {
            let listed = marker::written_before(leftover)?.unwrap_or_default();
            let mut moved = Vec::new();
            keep_foreign(leftover, out, Path::new(""), &listed, &mut moved, rename)?;
            for rel in &listed {
                remove_below(leftover, rel);
            }
            remove_empty_dirs(leftover);
        }
        if exists(leftover) {
            bail!(
                "{} is left from a stopped `mas-health generate` and holds files it did not \
                 write: look at it and remove it",
                leftover.display()
            );
        }
        eprintln!(
            "{}: left by a stopped `mas-health generate`: cleaned up",
            leftover.display()
        );
    }
    Ok(())
}

/// After a failed swap with `out` back in its place: moves the user's files back from `fresh`
/// and removes `fresh` (only when all are back, or it would take them along). A folder that
/// cannot be moved is no error: the caller regenerates it in place.
fn undo(
    out: &Path,
    fresh: &Path,
    moved: &[PathBuf],
    rename: Rename,
    e: anyhow::Error,
) -> Result<Swapped> {
    let stuck: Vec<String> = moved
        .iter()
        .rev()
        .filter(|rel| rename(&fresh.join(rel), &out.join(rel), Move::Rename).is_err())
        .map(|rel| rel.display().to_string())
        .collect();
    if !stuck.is_empty() {
        bail!(
            "{e:#}; and these files of yours could not be moved back from {}: {}",
            fresh.display(),
            stuck.join(", ")
        );
    }
    let _ = std::fs::remove_dir_all(fresh);
    let code = e
        .chain()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .and_then(std::io::Error::raw_os_error);
    match code {
        Some(libc::EBUSY | libc::EXDEV) => Ok(Swapped::CannotMove),
        _ => Err(e),
    }
}

/// Moves every entry under `out/rel` that `ours` does not list into the same place under
/// `fresh`, recording each move; a folder with none of ours in it moves whole.
fn keep_foreign(
    out: &Path,
    fresh: &Path,
    rel: &Path,
    ours: &BTreeSet<PathBuf>,
    moved: &mut Vec<PathBuf>,
    rename: Rename,
) -> Result<()> {
    let dir = out.join(rel);
    let entries =
        std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let path = rel.join(entry.file_name());
        if ours.contains(&path) {
            continue;
        }
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && ours.iter().any(|o| o.starts_with(&path)) {
            keep_foreign(out, fresh, &path, ours, moved, rename)?;
            continue;
        }
        let target = fresh.join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if std::fs::symlink_metadata(&target).is_ok() {
            bail!(
                "{} is not one of the files mas-health wrote, and generate writes a file there \
                 now: move it away first",
                out.join(&path).display()
            );
        }
        rename(&out.join(&path), &target, Move::Rename)
            .with_context(|| format!("cannot move {}", out.join(&path).display()))?;
        moved.push(path);
    }
    Ok(())
}

/// Regenerates `out` where it is: checks that no file of the user's is where a new file goes,
/// lists old and new files in the marker (so a stop halfway leaves a folder the next run can
/// clean), writes the new files, removes the old ones not written again, then lists the new.
fn in_place(out: &Path, files: &[output::File], ours: &BTreeSet<PathBuf>) -> Result<()> {
    for f in files {
        let path = out.join(&f.path);
        if !ours.contains(&f.path) && std::fs::symlink_metadata(&path).is_ok() {
            bail!(
                "{} is not one of the files mas-health wrote, and generate writes a file there \
                 now: move it away first",
                path.display()
            );
        }
    }
    let new: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let marker = Path::new(MARKER);
    let both = ours.union(&new).filter(|p| p.as_path() != marker);
    write_file(out, marker, &marker::text(both))?;
    write_files(out, files)?;
    for rel in ours.difference(&new).filter(|p| p.as_path() != marker) {
        remove_below(out, rel);
    }
    write_file(out, marker, &marker::text(&new))
}

/// Removes `dir` and the folders below it that are empty (after their own empty folders go).
fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder a previous `generate` wrote (`a/A/health.lua`, `gone/G/health.lua`), with the
    /// user's `README` and `.git/HEAD` added; and what this run writes.
    fn generated(root: &Path) -> (PathBuf, Vec<output::File>) {
        let out = root.join("g");
        for (rel, text) in [
            ("a/A/health.lua", "old\n"),
            ("gone/G/health.lua", "old\n"),
            ("README", "mine\n"),
            (".git/HEAD", "ref\n"),
        ] {
            std::fs::create_dir_all(out.join(rel).parent().expect("parent")).expect("mkdir");
            std::fs::write(out.join(rel), text).expect("write");
        }
        let listed = [PathBuf::from("a/A/health.lua"), "gone/G/health.lua".into()];
        std::fs::write(out.join(MARKER), marker::text(&listed)).expect("write");
        let files = vec![output::File {
            path: "a/A/health.lua".into(),
            contents: "new\n".into(),
        }];
        (out, files)
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).expect("read")
    }

    /// The folder [`generated`] made, regenerated: the user's files kept, the gone rule's file
    /// removed, no sibling left.
    fn assert_regenerated(root: &Path, out: &Path) {
        assert_eq!(read(&out.join("a/A/health.lua")), "new\n");
        assert_eq!(read(&out.join("README")), "mine\n");
        assert_eq!(read(&out.join(".git/HEAD")), "ref\n");
        assert!(!out.join("gone").exists());
        assert_eq!(
            read(&out.join(MARKER)),
            marker::text(&["a/A/health.lua".into()])
        );
        assert_eq!(entries_in(root), 1, "no lock or sibling left");
    }

    /// How many entries `root` holds: 1 when only the folder `g` is there.
    fn entries_in(root: &Path) -> usize {
        std::fs::read_dir(root).expect("ls").count()
    }

    fn failing(code: i32) -> std::io::Error {
        std::io::Error::from_raw_os_error(code)
    }

    #[test]
    fn a_folder_that_cannot_be_moved_is_regenerated_in_place() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, files) = generated(tmp.path());
        // What renaming a mount point does.
        let rename = |from: &Path, to: &Path, how: Move| match from == out || to == out {
            true => Err(failing(libc::EBUSY)),
            false => real_move(from, to, how),
        };
        replace_with(&out, &files, &rename).expect("regenerated");
        assert_regenerated(tmp.path(), &out);
        assert_eq!(
            read(&out.join(MARKER)),
            marker::text(&["a/A/health.lua".into()])
        );
        assert_eq!(entries_in(tmp.path()), 1, "no lock or sibling left");
    }

    #[test]
    fn a_failed_swap_puts_the_users_files_back() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, files) = generated(tmp.path());
        let before = read(&out.join(MARKER));
        // The new folder cannot take the old one's place, after the user's files moved into it.
        let rename = |from: &Path, to: &Path, how: Move| match to == out
            && from.ends_with(".g.generate-new")
        {
            true => Err(failing(libc::EIO)),
            false => real_move(from, to, how),
        };
        let e = replace_with(&out, &files, &rename).expect_err("fails");
        assert!(format!("{e:#}").starts_with("cannot rename "), "{e:#}");
        assert_eq!(read(&out.join("a/A/health.lua")), "old\n");
        assert_eq!(read(&out.join("gone/G/health.lua")), "old\n");
        assert_eq!(read(&out.join("README")), "mine\n");
        assert_eq!(read(&out.join(".git/HEAD")), "ref\n");
        assert_eq!(read(&out.join(MARKER)), before);
        assert_eq!(entries_in(tmp.path()), 1, "no lock or sibling left");
    }

    #[test]
    fn a_folder_whose_files_cannot_leave_it_is_regenerated_in_place() {
        let tmp = tempfile::tempdir().expect("tmp");
        let (out, files) = generated(tmp.path());
        // A mount point's files cannot be renamed into another file system; README moves first
        // or second, either way what moved is put back before regenerating in place.
        let rename = |from: &Path, to: &Path, how: Move| match from.ends_with(".git") {
            true => Err(failing(libc::EXDEV)),
            false => real_move(from, to, how),
        };
        replace_with(&out, &files, &rename).expect("regenerated");
        assert_regenerated(tmp.path(), &out);
        assert_eq!(entries_in(tmp.path()), 1, "no lock or sibling left");
    }
}
