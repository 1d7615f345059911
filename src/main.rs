//! The `mas-health` command line.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use mas_health::{catalog, output};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Argo CD health checks for IBM Maximo Application Suite, generated from tested rules.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the generated health scripts (and, with --check, verify they are up to date).
    Generate {
        /// The folder to write into.
        #[arg(long, default_value = "lua-out")]
        out: PathBuf,
        /// Do not write: fail if the folder differs from what would be written.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Generate { out, check } => {
            let files = output::scripts(&catalog::entries());
            if check {
                check_files(&out, &files)?;
                println!("{}: {} files up to date", out.display(), files.len());
            } else {
                write_files(&out, &files)?;
                println!("{}: wrote {} files", out.display(), files.len());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write_files(out: &Path, files: &[output::File]) -> Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    for f in files {
        let path = out.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, &f.contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn check_files(out: &Path, files: &[output::File]) -> Result<()> {
    let mut problems = Vec::new();
    for f in files {
        let path = out.join(&f.path);
        match std::fs::read_to_string(&path) {
            Ok(text) if text == f.contents => {}
            Ok(_) => problems.push(format!("{} differs", path.display())),
            Err(_) => problems.push(format!("{} is missing", path.display())),
        }
    }
    let expected: std::collections::BTreeSet<PathBuf> =
        files.iter().map(|f| out.join(&f.path)).collect();
    let mut stack = vec![out.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if !expected.contains(&p) {
                problems.push(format!("{} is not generated", p.display()));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort();
        bail!(
            "{} is out of date (run `mas-health generate`):\n  {}",
            out.display(),
            problems.join("\n  ")
        );
    }
    Ok(())
}
