//! `mas-health rollout`: the app-of-apps tree, waves, and what holds the rollout.

use super::{read_inputs, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::rollout::{render_text, rollout, State};
use mas_health::Catalog;
use std::path::PathBuf;

/// Why is my rollout stuck? The app-of-apps tree by sync wave, and what holds it.
///
/// Reads Applications (`oc get applications -A -o yaml`) and, when given, the live objects they
/// manage, from each FILE, DIR (read recursively for *.yaml, *.yml and *.json, not following
/// directory symlinks) or `-`. Prints one summary line per root Application (the first blocker
/// on the path from it), then the tree. Exit codes: 0 done, 1 --fail-on reached, 2 usage or
/// input error (the good documents are still used).
#[derive(clap::Args)]
pub struct Args {
    /// Files or directories to read; `-` (or nothing) for standard input.
    paths: Vec<PathBuf>,
    /// text: the summary and the tree; json: one JSON document (keys documented in
    /// `mas_health::rollout`).
    #[arg(long, value_enum, default_value = "text")]
    output: OutputKind,
    /// Exit 1 when the rollout cannot finish without a person (degraded), or is not finished
    /// (blocked).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
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

/// Reads the inputs, prints the rollout view, and decides the exit code.
pub fn run(args: Args) -> Result<u8> {
    let catalog = args.argocd.catalog(Catalog::standard())?;
    let mut errors = Vec::new();
    let paths = expand(&args.paths, &mut errors);
    let mut objects = Vec::new();
    if paths.is_empty() && !args.paths.is_empty() {
        errors
            .push("no *.yaml, *.yml, *.json or *.jsonl files in the given directories".to_owned());
    } else {
        for item in read_inputs(&paths) {
            match item {
                Ok(obj) => objects.push(obj.value),
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    let view = rollout(&objects, &catalog);
    // Said only when every input was read: after a read error it would be a second line for
    // one mistake.
    if view.roots.is_empty() && errors.is_empty() {
        errors.push("no Argo CD Applications (argoproj.io/Application) in the input".to_owned());
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
        Some(FailOn::Degraded) => view.state == State::Stopped,
        Some(FailOn::Blocked) => view.state != State::Finished,
        None => false,
    };
    Ok(if reached { EXIT_THRESHOLD } else { EXIT_OK })
}
