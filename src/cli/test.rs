//! `mas-health test`: run health_test.yaml files in Argo CD's layout.

use super::{EXIT_OK, EXIT_THRESHOLD};
use anyhow::{Context, Result};
use mas_health::catalog;
use mas_health::fixtures::{self, FixtureDir, HealthTest};
use mas_health::runtime::{Libraries, Runtime};
use mas_health::{emit, eval};
use std::path::PathBuf;

/// Run every health_test.yaml under DIR (Argo CD's resource_customizations layout).
///
/// A folder with its own health.lua (for example a checkout of Argo CD's
/// resource_customizations) has that script run in the Argo CD runtime with libraries CLOSED, as
/// argocd-cm runs it; a test that passes only with open libraries is reported as such. Other
/// folders test our rule for that group and kind on both engines.
#[derive(clap::Args)]
pub struct Args {
    /// The folder to search.
    #[arg(default_value = "health")]
    dir: PathBuf,
}

enum Result1 {
    Pass,
    Fail(String),
}

fn expected(t: &HealthTest) -> (String, String) {
    (
        t.health_status.status.clone(),
        t.health_status.message.clone(),
    )
}

fn run_foreign(dir: &FixtureDir, script: &str, t: &HealthTest) -> Result<Result1> {
    let obj = dir.input(t)?;
    let want = expected(t);
    let closed = Runtime::default().run(script, &obj)?.as_argocd();
    if closed == want {
        return Ok(Result1::Pass);
    }
    let open = Runtime::with_libraries(Libraries::Open)
        .run(script, &obj)?
        .as_argocd();
    if open == want {
        return Ok(Result1::Fail(format!(
            "passes only with open libraries (useOpenLibs); closed: {} {:?}",
            closed.0, closed.1
        )));
    }
    Ok(Result1::Fail(format!(
        "expected {} {:?}, got {} {:?}",
        want.0, want.1, closed.0, closed.1
    )))
}

fn run_ours(dir: &FixtureDir, t: &HealthTest) -> Result<Result1> {
    let all = catalog::entries();
    let Some(entry) = all
        .iter()
        .find(|e| e.group == dir.group && e.kind == dir.kind)
    else {
        return Ok(Result1::Fail(format!(
            "no health.lua here and no rule for {}/{}",
            dir.group, dir.kind
        )));
    };
    let obj = dir.input(t)?;
    let want = expected(t);
    let native = eval::evaluate(&entry.rule, &obj);
    let native = (native.status.to_string(), native.message);
    let script = emit::emit(&entry.key(), &entry.rule);
    let lua = Runtime::default().run(&script, &obj)?.as_argocd();
    let mut problems = Vec::new();
    if native != want {
        problems.push(format!("native {} {:?}", native.0, native.1));
    }
    if lua != want {
        problems.push(format!("lua {} {:?}", lua.0, lua.1));
    }
    if problems.is_empty() {
        Ok(Result1::Pass)
    } else {
        Ok(Result1::Fail(format!(
            "expected {} {:?}, got {}",
            want.0,
            want.1,
            problems.join(", ")
        )))
    }
}

pub fn run(args: Args) -> Result<u8> {
    let dirs = fixtures::discover(&args.dir)
        .with_context(|| format!("cannot read tests under {}", args.dir.display()))?;
    let (mut passed, mut failed) = (0usize, 0usize);
    for dir in &dirs {
        let own = dir.dir.join("health.lua");
        let script = std::fs::read_to_string(&own).ok();
        for t in &dir.tests {
            let name = format!("{}/{} {}", dir.group, dir.kind, t.input_path);
            let result = match &script {
                Some(s) => run_foreign(dir, s, t),
                None => run_ours(dir, t),
            };
            match result {
                Ok(Result1::Pass) => {
                    passed += 1;
                    println!("PASS {name}");
                }
                Ok(Result1::Fail(why)) => {
                    failed += 1;
                    println!("FAIL {name}: {why}");
                }
                Err(e) => {
                    failed += 1;
                    println!("FAIL {name}: {e:#}");
                }
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { EXIT_OK } else { EXIT_THRESHOLD })
}
