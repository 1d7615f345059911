//! Commands of `mas-health`: each reads its arguments, calls the library, and returns an exit code.

mod audit;
mod bench;
mod eval;
mod explain;
mod generate;
mod list;
mod rollout;
mod test;

use clap::{Parser, Subcommand};

/// Everything went as asked.
pub const EXIT_OK: u8 = 0;
/// `--fail-on` was reached, or a test failed.
pub const EXIT_THRESHOLD: u8 = 1;
/// A usage or input error.
pub const EXIT_USAGE: u8 = 2;
/// The native and Lua engines disagreed.
pub const EXIT_DISAGREE: u8 = 3;

/// Tested Argo CD health checks for IBM Maximo Application Suite and app of apps.
///
/// Generate what you apply to Argo CD (argocd-cm, the OpenShift GitOps ArgoCD resource, Helm
/// values), and evaluate, test and explain health for objects saved with `oc get -o yaml`.
#[derive(Parser)]
#[command(version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Generate(generate::Args),
    Eval(eval::Args),
    Test(test::Args),
    Explain(explain::Args),
    List(list::Args),
    Bench(bench::Args),
    Audit(audit::Args),
    Rollout(rollout::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Generate(a) => generate::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Test(a) => test::run(a),
        Command::Explain(a) => explain::run(a),
        Command::List(a) => list::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Rollout(a) => rollout::run(a),
    }
}

/// Reads every input (paths, or `-` / nothing for standard input) into objects and errors.
pub fn read_inputs(
    paths: &[std::path::PathBuf],
) -> Vec<Result<mas_health::input::Object, mas_health::input::InputError>> {
    use std::io::Read;
    let mut out = Vec::new();
    let stdin_only = [std::path::PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    for p in paths {
        let name = p.display().to_string();
        let text = if name == "-" {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        } else {
            std::fs::read_to_string(p)
        };
        match text {
            Ok(text) => out.extend(mas_health::input::read_objects(&name, &text)),
            Err(e) => out.push(Err(mas_health::input::InputError {
                source_name: name,
                line: 0,
                message: format!("cannot read: {e}"),
            })),
        }
    }
    out
}
