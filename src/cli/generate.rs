//! `mas-health generate`: what users apply to Argo CD.

use super::{EXIT_OK, EXIT_USAGE};
use anyhow::{bail, Context, Result};
use mas_health::argocd::glob;
use mas_health::output::{self, Format, Target};
use mas_health::Catalog;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Write health checks in the form you apply to Argo CD.
///
/// Without --format, regenerates the whole lua-out/ folder (or --out DIR): every script as
/// <group>/<Kind>/health.lua and every single-file format. With --format, writes that one format
/// to standard output or to --out.
#[derive(clap::Args)]
pub struct Args {
    /// The format to write: argocd-cm (split keys, wildcards nested), nested, argocd-cr
    /// (OpenShift GitOps ArgoCD resource), helm-values (argo-cd chart), upstream (a folder).
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Only these kinds: GROUP/KIND, `*` allowed (repeatable). A pattern that is a rule's own key
    /// (`*.mas.ibm.com/*`) names that rule alone.
    #[arg(long, value_name = "GROUP/KIND")]
    only: Vec<String>,
    /// Leave out these kinds: GROUP/KIND, `*` allowed (repeatable). A pattern that is a rule's
    /// own key (`*.mas.ibm.com/*`) names that rule alone.
    #[arg(long, value_name = "GROUP/KIND")]
    exclude: Vec<String>,
    /// Where to write: a file for single-file formats, a folder for upstream (required) and for
    /// lua-out. In a lua-out folder mas-health generated, only the files it wrote are replaced.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Namespace of argocd-cm.
    #[arg(long, default_value = "argocd")]
    namespace: String,
    /// Name of the ArgoCD resource (argocd-cr).
    #[arg(long, default_value = "openshift-gitops")]
    argocd_name: String,
    /// Namespace of the ArgoCD resource (argocd-cr).
    #[arg(long, default_value = "openshift-gitops")]
    argocd_namespace: String,
    /// Fixture folder copied by the upstream format.
    #[arg(long, default_value = "health")]
    fixtures: PathBuf,
    /// Write nothing; exit 1 when the output on disk differs from what would be written.
    #[arg(long)]
    check: bool,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("possible values: {}", names.join(", "))
    })
}

/// Whether a `--only`/`--exclude` pattern names an entry: a pattern that is itself a key of the
/// catalog (a wildcard rule's key included) names that entry alone; any other is a glob.
fn names(catalog: &Catalog, pattern: &str, key: &str) -> bool {
    if catalog.entries().iter().any(|e| e.key() == pattern) {
        return pattern == key;
    }
    glob(pattern, key)
}

fn select(args: &Args) -> Result<Catalog> {
    let all = Catalog::standard();
    for pattern in args.only.iter().chain(&args.exclude) {
        if !all.entries().iter().any(|e| names(&all, pattern, &e.key())) {
            bail!("`{pattern}` matches no rule (see `mas-health list`)");
        }
    }
    let picked = |e: &mas_health::Entry, patterns: &[String]| {
        patterns.iter().any(|p| names(&all, p, &e.key()))
    };
    let keep: Vec<String> = all
        .entries()
        .iter()
        .filter(|e| (args.only.is_empty() || picked(e, &args.only)) && !picked(e, &args.exclude))
        .map(|e| e.key())
        .collect();
    Ok(all.clone().filtered(|e| keep.contains(&e.key())))
}

pub fn run(args: Args) -> Result<u8> {
    let entries = select(&args)?;
    if entries.entries().is_empty() {
        bail!("--only and --exclude leave no rule to generate");
    }
    let target = Target {
        namespace: args.namespace.clone(),
        argocd_name: args.argocd_name.clone(),
        argocd_namespace: args.argocd_namespace.clone(),
    };
    match args.format {
        None => {
            let files = output::lua_out(&entries, &target)?;
            let dir = args.out.clone().unwrap_or_else(|| PathBuf::from("lua-out"));
            if args.check {
                return check_dir(&dir, &files);
            }
            replace_generated_dir(&dir, &files)?;
            eprintln!("{}: wrote {} files", dir.display(), files.len());
            Ok(EXIT_OK)
        }
        Some(Format::Upstream) => {
            let Some(dir) = args.out.clone() else {
                bail!("the upstream format is a folder: give --out DIR");
            };
            let files = output::upstream(&entries, &args.fixtures)?;
            if args.check {
                return check_dir(&dir, &files);
            }
            // Into an existing resource_customizations checkout: add and overwrite our files,
            // never delete anything.
            let _lock = Lock::take(&dir)?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write_files(&dir, &files)?;
            eprintln!("{}: wrote {} files", dir.display(), files.len());
            Ok(EXIT_OK)
        }
        Some(format) => single_file(format, &entries, &target, &args),
    }
}

/// Writes (or with --check compares) one single-file format.
fn single_file(format: Format, entries: &Catalog, target: &Target, args: &Args) -> Result<u8> {
    let text = output::render(format, entries, target)?;
    match (&args.out, args.check) {
        (Some(path), true) => {
            let on_disk = std::fs::read_to_string(path).unwrap_or_default();
            if on_disk == text {
                Ok(EXIT_OK)
            } else {
                eprintln!(
                    "{} differs from what {} produces",
                    path.display(),
                    format.name()
                );
                Ok(super::EXIT_THRESHOLD)
            }
        }
        (None, true) => {
            eprintln!("--check with --format needs --out FILE");
            Ok(EXIT_USAGE)
        }
        (Some(path), false) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(EXIT_OK)
        }
        (None, false) => {
            print!("{text}");
            Ok(EXIT_OK)
        }
    }
}

/// Marks a folder as written by `generate`, and lists the files it wrote there (the only
/// files a later `generate` replaces or removes).
const MARKER: &str = ".mas-health-generated";

/// The marker's first line; the files written follow, one relative path a line.
const MARKER_HEAD: &str =
    "Written by `mas-health generate`, which replaces the files listed below and keeps any other.";

/// A sibling of `out` named after it: `.NAME.WHAT`.
fn sibling(out: &Path, what: &str) -> Result<PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{}: not a folder name", out.display()))?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    let mut file = std::ffi::OsString::from(".");
    file.push(name);
    file.push(format!(".{what}"));
    Ok(parent.map_or_else(|| PathBuf::from(&file), |p| p.join(&file)))
}

/// One `generate` at a time on a folder: a lock file beside it, made with O_EXCL, removed when
/// this value is dropped.
struct Lock(PathBuf);

impl Lock {
    fn take(out: &Path) -> Result<Lock> {
        let path = sibling(out, "generate-lock")?;
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => Ok(Lock(path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "another `mas-health generate` is writing {} (if none is running, one was \
                 stopped: remove {})",
                out.display(),
                path.display()
            ),
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The files a previous `generate` wrote in `out` (from its marker); `None` when `out` does not
/// exist. A folder with other things and no marker is refused; an older marker without a list
/// stands for `files`.
fn written_before(out: &Path, files: &[output::File]) -> Result<Option<BTreeSet<PathBuf>>> {
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
        Ok(m) if m.is_file() => std::fs::read_to_string(&marker)
            .with_context(|| format!("cannot read {}", marker.display()))?,
        _ => bail!(
            "{} is not a folder mas-health generated (no {MARKER}): refusing to write in it; \
             give an empty or new folder",
            out.display()
        ),
    };
    let mut listed: BTreeSet<PathBuf> = text.lines().skip(1).map(PathBuf::from).collect();
    if !text.starts_with(MARKER_HEAD) {
        listed = files.iter().map(|f| f.path.clone()).collect();
    }
    listed.insert(PathBuf::from(MARKER));
    Ok(Some(listed))
}

/// Regenerates a folder this command owns. The new files and their list are written to a new
/// sibling folder; what the previous `generate` did not write (`.git`, a README) is moved
/// into it; then it takes the old folder's place, and of the old folder only the files the
/// previous `generate` wrote are removed. A failure before the swap leaves the folder as it was.
fn replace_generated_dir(out: &Path, files: &[output::File]) -> Result<()> {
    let _lock = Lock::take(out)?;
    let before = written_before(out, files)?;
    let fresh = sibling(out, "generate-new")?;
    let old = sibling(out, "generate-old")?;
    for leftover in [&fresh, &old] {
        if std::fs::symlink_metadata(leftover).is_ok() {
            bail!(
                "{} is left from a stopped `mas-health generate`: look at it and remove it",
                leftover.display()
            );
        }
    }
    std::fs::create_dir(&fresh).with_context(|| format!("cannot create {}", fresh.display()))?;
    let written = write_files(&fresh, files).and_then(|()| {
        let mut list = format!("{MARKER_HEAD}\n");
        for f in files {
            list.push_str(&format!("{}\n", f.path.display()));
        }
        write_file(&fresh, Path::new(MARKER), &list)
    });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(e);
    }
    let Some(before) = before else {
        return std::fs::rename(&fresh, out)
            .with_context(|| format!("cannot rename {} to {}", fresh.display(), out.display()));
    };
    swap_in(out, &fresh, &old, &before)
}

/// Moves what `out` holds beyond `ours` into `fresh`, puts `fresh` in the place of `out`, and
/// removes the files listed in `ours` from the old folder, then the old folder once empty.
fn swap_in(out: &Path, fresh: &Path, old: &Path, ours: &BTreeSet<PathBuf>) -> Result<()> {
    let mut moved = Vec::new();
    let kept = keep_foreign(out, fresh, Path::new(""), ours, &mut moved);
    let swapped = kept.and_then(|()| {
        std::fs::rename(out, old).with_context(|| format!("cannot move {}", out.display()))
    });
    if let Err(e) = swapped {
        // Put back what was moved; the folder is as it was.
        for rel in moved.iter().rev() {
            let _ = std::fs::rename(fresh.join(rel), out.join(rel));
        }
        let _ = std::fs::remove_dir_all(fresh);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(fresh, out) {
        let _ = std::fs::rename(old, out);
        return Err(e).with_context(|| format!("cannot rename {}", fresh.display()));
    }
    for rel in ours {
        let _ = std::fs::remove_file(old.join(rel));
    }
    remove_empty_dirs(old);
    if std::fs::symlink_metadata(old).is_ok() {
        eprintln!("warning: {} still holds files: look at them", old.display());
    }
    Ok(())
}

/// Moves every entry under `out/rel` that `ours` does not list into the same place under
/// `fresh`, recording each move; a folder with none of ours in it moves whole.
fn keep_foreign(
    out: &Path,
    fresh: &Path,
    rel: &Path,
    ours: &BTreeSet<PathBuf>,
    moved: &mut Vec<PathBuf>,
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
            keep_foreign(out, fresh, &path, ours, moved)?;
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
        std::fs::rename(out.join(&path), &target)
            .with_context(|| format!("cannot move {}", out.join(&path).display()))?;
        moved.push(path);
    }
    Ok(())
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

fn write_files(out: &Path, files: &[output::File]) -> Result<()> {
    for f in files {
        write_file(out, &f.path, &f.contents)?;
    }
    Ok(())
}

/// Writes `out/rel` without following a link: no folder on the way below `out` and not the
/// file itself may be a link (one would send the bytes anywhere on the machine).
fn write_file(out: &Path, rel: &Path, contents: &str) -> Result<()> {
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

fn check_dir(out: &Path, files: &[output::File]) -> Result<u8> {
    let mut problems = Vec::new();
    for f in files {
        let path = out.join(&f.path);
        let link = std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file());
        match std::fs::read_to_string(&path) {
            _ if link => problems.push(format!("{} is not a file (a link?)", path.display())),
            Ok(text) if text == f.contents => {}
            Ok(_) => problems.push(format!("{} differs", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| out.join(&f.path)).collect();
    let mut stack = vec![out.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            // Never into a link: it may lead anywhere on the machine.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            } else if !expected.contains(&p) && p.file_name().is_none_or(|n| n != MARKER) {
                problems.push(format!("{} is not generated", p.display()));
            }
        }
    }
    if problems.is_empty() {
        eprintln!("{}: {} files up to date", out.display(), files.len());
        return Ok(EXIT_OK);
    }
    problems.sort();
    eprintln!(
        "{} is out of date (run `mas-health generate`):\n  {}",
        out.display(),
        problems.join("\n  ")
    );
    Ok(super::EXIT_THRESHOLD)
}
