//! `mas-health rollout`: the app-of-apps tree, waves, and what holds the rollout.

use super::{read_inputs, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::GroupKind;
use mas_health::io::Object;
use mas_health::rollout::{malformed, newer, render_text, rollout, rollout_at, Progress};
use mas_health::Catalog;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::PathBuf;

/// Why is my rollout stuck? The app-of-apps tree by sync wave, and what holds it.
///
/// Reads Applications (`oc get applications -A -o yaml`) and, when given, the live objects they
/// manage, from each FILE, DIR (read recursively for *.yaml, *.yml and *.json, not following
/// directory symlinks) or `-`. Prints one summary line per root Application (the first blocker
/// on the path from it), then the tree. Exit codes: 0 done, 1 --fail-on reached, 2 usage or
/// input error (the good documents are still used).
///
/// With `--cluster`, reads the Applications and the objects they manage from the cluster
/// (read-only) instead; the positional arguments then name root Applications (`NAME` or
/// `NAMESPACE/NAME`; none for every root).
#[derive(clap::Args)]
pub struct Args {
    /// Files or directories to read; `-` (or nothing) for standard input. With `--cluster`:
    /// root Applications to follow.
    paths: Vec<PathBuf>,
    /// text: the summary and the tree; json: one JSON document (keys documented in
    /// `mas_health::rollout`).
    #[arg(long, value_enum, default_value = "text")]
    output: OutputKind,
    /// Exit 1 when the rollout cannot finish without a person: something failed or needs a
    /// person (degraded); or when it is not finished (blocked).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Judge AppProject sync windows at this time (RFC 3339 UTC, `2026-12-01T09:41:02Z`)
    /// instead of now: whether a window holds an automated sync; with --watch, also the
    /// clock "blocked for" is measured on.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<i64>,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
    #[command(flatten)]
    live: super::live::Flags,
    #[command(flatten)]
    live_rollout: super::live::RolloutFlags,
}

fn parse_time(text: &str) -> Result<i64, String> {
    mas_health::argocd::windows::parse_utc(text)
        .ok_or_else(|| format!("{text:?} is not an RFC 3339 UTC time like 2026-12-01T09:41:02Z"))
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputKind {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Degraded,
    Blocked,
}

fn expand(paths: &[PathBuf], errors: &mut Vec<String>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() != "-" && p.is_dir() {
            // Folders as `eval` reads them: recursively, links to folders not followed.
            match super::expand_path(p) {
                Ok(files) => out.extend(files),
                Err(e) => errors.push(format!("{}:0: cannot read: {e}", p.display())),
            }
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn place(o: &Object) -> String {
    format!("{}:{}", o.source_name, o.line)
}

/// What the rollout view leaves out or chooses, said with where it stands: parts of an
/// Application it cannot use (errors), and objects given twice: the newer copy is used (a note),
/// and two different copies that nothing dates are an error naming both.
fn check(objects: &[Object], errors: &mut Vec<String>, notes: &mut Vec<String>) {
    for o in objects {
        for m in malformed(&o.value) {
            let id = mas_health::object_id(&o.namespace, &o.name);
            let sep = if id.is_empty() { "" } else { " " };
            errors.push(format!(
                "{}: argoproj.io/Application{sep}{id}: {m}",
                place(o)
            ));
        }
    }
    let mut first: HashMap<(&str, &str, &str, &str), &Object> = HashMap::new();
    for o in objects.iter().filter(|o| !o.name.is_empty()) {
        let key = (&*o.group, &*o.kind, &*o.namespace, &*o.name);
        let Some(seen) = first.get_mut(&key) else {
            first.insert(key, o);
            continue;
        };
        let gk = GroupKind::new(&o.group, &o.kind).key();
        let id = mas_health::object_id(&o.namespace, &o.name);
        let (a, b) = (place(seen), place(o));
        match newer(&seen.value, &o.value) {
            Some(Ordering::Equal) => {}
            Some(order) => {
                let (used, other) = if order == Ordering::Less {
                    (b, a)
                } else {
                    (a, b)
                };
                notes.push(format!(
                    "{gk} {id} is given twice ({used} and {other}); the newer copy, {used}, is used"
                ));
                if order == Ordering::Less {
                    *seen = o;
                }
            }
            None => errors.push(format!(
                "{gk} {id} is given twice ({a} and {b}) with different content and nothing \
                 that dates them (metadata.generation, status.observedGeneration, \
                 status.reconciledAt, operationState times); {a} is used: remove the copy you \
                 do not mean"
            )),
        }
    }
}

/// Reads the inputs, prints the rollout view, and decides the exit code.
pub fn run(args: Args) -> Result<u8> {
    let mut errors = Vec::new();
    if args.live_rollout.watch {
        return super::watch::run(
            &args.live,
            &args.live_rollout,
            &args.paths,
            args.output == OutputKind::Json,
            args.at,
        );
    }
    if args.live.cluster {
        let read =
            super::live::rollout_objects(&args.live, &args.live_rollout, &args.paths, &mut errors);
        return match read {
            Ok(objects) => finish(&args, &objects, errors, Vec::new()),
            Err(e) => {
                complain!("error: {e}");
                Ok(EXIT_USAGE)
            }
        };
    }
    let paths = expand(&args.paths, &mut errors);
    let mut read = Vec::new();
    if paths.is_empty() && !args.paths.is_empty() {
        errors
            .push("no *.yaml, *.yml, *.json or *.jsonl files in the given directories".to_owned());
    } else {
        for item in read_inputs(&paths) {
            match item {
                Ok(obj) => read.push(obj),
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    let mut notes = Vec::new();
    check(&read, &mut errors, &mut notes);
    let objects: Vec<_> = read.into_iter().map(|o| o.value).collect();
    finish(&args, &objects, errors, notes)
}

/// Prints the view of `objects` (from files or a cluster alike) and decides the exit code.
fn finish(
    args: &Args,
    objects: &[serde_json::Value],
    mut errors: Vec<String>,
    notes: Vec<String>,
) -> Result<u8> {
    let catalog = args.argocd.catalog(Catalog::standard())?;
    let view = match args.at {
        Some(at) => rollout_at(objects, &catalog, at),
        None => rollout(objects, &catalog),
    };
    // Said only when every input was read: after a read error it would be a second line for
    // one mistake.
    if view.roots.is_empty() && errors.is_empty() {
        errors.push("no Argo CD Applications (argoproj.io/Application) in the input".to_owned());
    }
    for n in &notes {
        complain!("note: {n}");
    }
    for e in &errors {
        complain!("error: {e}");
    }
    match args.output {
        OutputKind::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        OutputKind::Text => super::print_lines(&render_text(&view)),
    }
    if !errors.is_empty() {
        return Ok(EXIT_USAGE);
    }
    let reached = match args.fail_on {
        Some(FailOn::Degraded) => view.state >= Progress::NeedsPerson,
        Some(FailOn::Blocked) => view.state != Progress::Finished,
        None => false,
    };
    Ok(if reached { EXIT_THRESHOLD } else { EXIT_OK })
}
