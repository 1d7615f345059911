//! `mas-health test`: run health_test.yaml files in Argo CD's layout.

use super::{EXIT_OK, EXIT_THRESHOLD};
use crate::gopher::Harness;
use anyhow::{Context, Result};
use mas_health::argocd::harness::{Folder, Rule, Suite};
use mas_health::argocd::runtime::{Libraries, Outcome};
use mas_health::argocd::Verdict;
use mas_health::audit::Sandbox;
use mas_health::{emit, Catalog};
use std::path::PathBuf;

/// Run every health_test.yaml under DIR (Argo CD's resource_customizations layout).
///
/// As Argo CD's own harness does, the script for each test is found from the fixture object's
/// group and kind (exact folder first, then `_` wildcard folders in sorted order). Scripts run
/// as argocd-cm runs them, libraries CLOSED, unless `--libraries open` (how Argo CD's suite runs
/// its built-ins); a test that passes only with open libraries is reported as such. Commands
/// and file access are never run. Folders without a health.lua test our rule for that group
/// and kind on the native engine and in Lua. Prints a line per test and a closing
/// `N passed, N failed`; exit 1 when any test fails.
#[derive(clap::Args)]
pub struct Args {
    /// The folder to search.
    #[arg(default_value = "health")]
    dir: PathBuf,
    /// The Lua interpreter: mlua (LuaJIT with the JIT off: Lua 5.1 plus goto, built in) or
    /// gopher (gopher-lua, the one Argo CD embeds; needs the golang-go and
    /// golang-github-yuin-gopher-lua-dev packages).
    #[arg(long, value_enum, default_value = "mlua")]
    interpreter: Interpreter,
    /// closed: as argocd-cm runs scripts by default; open: every standard library, as Argo CD
    /// runs its built-ins and its own test suite.
    #[arg(long, value_enum, default_value = "closed")]
    libraries: LibrariesArg,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Interpreter {
    Mlua,
    Gopher,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LibrariesArg {
    Closed,
    Open,
}

/// Scripts we did not write run in the audit's sandbox: recorders in place of os.execute, io.*
/// and file loading, so testing a folder never lets its scripts touch the machine.
fn sandboxed(script: &str, obj: &serde_json::Value, libs: Libraries) -> Result<Outcome, String> {
    let recorded = Sandbox::new(libs).run(script, obj);
    recorded.map(|r| r.outcome).map_err(|e| e.to_string())
}

pub fn run(args: Args) -> Result<u8> {
    let suite = Suite::discover(&args.dir)
        .with_context(|| format!("cannot read tests under {}", args.dir.display()))?;
    if suite.folders.is_empty() && suite.unreadable.is_empty() {
        anyhow::bail!("no health_test.yaml under {}", args.dir.display());
    }
    let libraries = match args.libraries {
        LibrariesArg::Closed => Libraries::Closed,
        LibrariesArg::Open => Libraries::Open,
    };
    let catalog = Catalog::standard();
    let rule = |f: &Folder, obj: &serde_json::Value| {
        let e = catalog
            .entries()
            .iter()
            .find(|e| e.group == f.group && e.kind == f.kind)?;
        Some(Rule {
            script: emit(&e.rule),
            native: Verdict::from(mas_health::evaluate(&e.rule, obj)),
        })
    };
    let report = match args.interpreter {
        Interpreter::Gopher => suite.run(&Harness::build_cached()?, &sandboxed, libraries, &rule),
        Interpreter::Mlua => suite.run(&sandboxed, &sandboxed, libraries, &rule),
    }
    .map_err(anyhow::Error::msg)?;
    print!("{report}");
    Ok(if report.failed() == 0 {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}
