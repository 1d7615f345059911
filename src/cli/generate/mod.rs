//! `mas-health generate`: what users apply to Argo CD.

use super::{EXIT_OK, EXIT_USAGE};
use anyhow::{bail, Context, Result};
use mas_health::argocd::glob;
use mas_health::output::{self, Format, Target};
use mas_health::Catalog;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

mod folder;
mod marker;
mod swap;
mod write;

/// Write health checks in the form you apply to Argo CD.
///
/// Without --format, regenerates the whole lua-out/ folder (or --out DIR): every script as
/// <group>/<Kind>/health.lua and every single-file format. With --format, writes that one format
/// to standard output or to --out.
#[derive(clap::Args)]
pub struct Args {
    /// The format to write: argocd-cm (split keys, wildcards nested), nested, argocd-cr
    /// (OpenShift GitOps ArgoCD resource), argocd-cr-patch (a JSON patch of your ArgoCD
    /// resource, with --merge), helm-values (argo-cd chart), upstream (a folder).
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
    /// Your own configuration to merge into (argocd-cm, argocd-cr, argocd-cr-patch):
    /// `oc get argocd NAME -o yaml` or `oc get cm argocd-cm -o yaml`. Every setting and check
    /// of yours stays; a kind both define is named on standard error.
    #[arg(long, value_name = "FILE")]
    merge: Option<PathBuf>,
    /// With --merge: where you and we both define a kind, keep yours instead of ours.
    #[arg(long, requires = "merge")]
    keep_theirs: bool,
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
    if args.merge.is_some() && !args.format.is_some_and(Format::merges) {
        bail!("--merge works with --format argocd-cm, argocd-cr or argocd-cr-patch");
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
                return check_dir(&dir, &files, true);
            }
            swap::replace_generated_dir(&folder::resolve(&dir)?, &files)?;
            eprintln!("{}: wrote {} files", dir.display(), files.len());
            Ok(EXIT_OK)
        }
        Some(Format::Upstream) => {
            let Some(dir) = args.out.clone() else {
                bail!("the upstream format is a folder: give --out DIR");
            };
            let files = output::upstream(&entries, &args.fixtures)?;
            if args.check {
                // Added into a resource_customizations checkout: its other files are not ours.
                return check_dir(&dir, &files, false);
            }
            // Into an existing resource_customizations checkout: add and overwrite our files,
            // never delete anything.
            let dir = folder::resolve(&dir)?;
            let _lock = folder::Lock::take(&dir)?;
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            write::write_files(&dir, &files)?;
            eprintln!("{}: wrote {} files", dir.display(), files.len());
            Ok(EXIT_OK)
        }
        Some(format) => {
            let text = match &args.merge {
                Some(path) => merged(format, &entries, path, &args)?,
                None => output::render(format, &entries, &target)?,
            };
            single_file(format, &text, &args)
        }
    }
}

/// `format` merged into the user's configuration at `path`; says on standard error which kinds
/// both define and which check stays.
fn merged(format: Format, entries: &Catalog, path: &Path, args: &Args) -> Result<String> {
    let name = path.display().to_string();
    let text = super::read_text(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let keep = if args.keep_theirs {
        output::Keep::Theirs
    } else {
        output::Keep::Ours
    };
    let merged = match format {
        Format::ArgocdCm => output::merge_argocd_cm(entries, &name, &text, keep)?,
        Format::ArgocdCr => output::merge_argocd_cr(entries, &name, &text, keep)?,
        _ => output::argocd_cr_patch(entries, &name, &text, keep)?,
    };
    for line in merged.both_lines() {
        complain!("{line}");
    }
    complain!(
        "merged into {name}: {} checks of ours added, {} defined by both ({}), every other entry of yours kept",
        merged.added,
        merged.both.len(),
        match keep {
            output::Keep::Ours => "ours kept",
            output::Keep::Theirs => "yours kept",
        }
    );
    Ok(merged.text)
}

/// Writes (or with --check compares) one single-file format.
fn single_file(format: Format, text: &str, args: &Args) -> Result<u8> {
    match (&args.out, args.check) {
        (Some(path), true) => {
            let on_disk = std::fs::read_to_string(path).unwrap_or_default();
            if on_disk == text {
                Ok(EXIT_OK)
            } else {
                eprintln!(
                    "{} differs from what `generate --format {}` produces",
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
            write::write_named_file(path, text)?;
            Ok(EXIT_OK)
        }
        (None, false) => {
            print!("{text}");
            Ok(EXIT_OK)
        }
    }
}

fn check_dir(out: &Path, files: &[output::File], marked: bool) -> Result<u8> {
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
    if marked {
        stale_files(out, files, &mut problems)?;
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

/// What `generate` would still change in a folder it keeps a marker in: the marker's list, and
/// files it wrote before that no rule writes now (it removes them). Files it did not write (a
/// README, `.git`) stay, as `generate` leaves them.
fn stale_files(out: &Path, files: &[output::File], problems: &mut Vec<String>) -> Result<()> {
    let Some(before) = marker::written_before(out)? else {
        return Ok(());
    };
    let now: BTreeSet<&PathBuf> = files.iter().map(|f| &f.path).collect();
    let marker_path = out.join(marker::MARKER);
    match std::fs::read_to_string(&marker_path) {
        Ok(text) if text == marker::text(files.iter().map(|f| &f.path)) => {}
        Ok(_) => problems.push(format!("{} differs", marker_path.display())),
        Err(_) => problems.push(format!("{} is missing", marker_path.display())),
    }
    for rel in before
        .iter()
        .filter(|p| !now.contains(p) && p.as_os_str() != marker::MARKER)
    {
        let path = out.join(rel);
        if std::fs::symlink_metadata(&path).is_ok() {
            problems.push(format!("{} is no longer generated", path.display()));
        }
    }
    Ok(())
}
