//! `mas-health test`: run health_test.yaml files in Argo CD's layout.

use super::{EXIT_OK, EXIT_THRESHOLD};
use crate::gopher::{Case, Harness};
use anyhow::{Context, Result};
use mas_health::argocd::harness::{self as fixtures, HealthTest};
use mas_health::argocd::runtime::{Libraries, Outcome};
use mas_health::argocd::Verdict;
use mas_health::audit::Sandbox;
use mas_health::rule::Status;
use mas_health::{emit, Catalog};
use std::path::PathBuf;

/// Run every health_test.yaml under DIR (Argo CD's resource_customizations layout).
///
/// A folder with its own health.lua (for example a checkout of Argo CD's
/// resource_customizations) has that script run as argocd-cm runs it, libraries CLOSED; a test
/// that passes only with open libraries is reported as such. Other folders test our rule for
/// that group and kind on the native engine and in Lua. Prints a line per test and a closing
/// `N passed, N failed`; exit 1 when any test fails.
#[derive(clap::Args)]
pub struct Args {
    /// The folder to search.
    #[arg(default_value = "health")]
    dir: PathBuf,
    /// The Lua interpreter: mlua (PUC Lua 5.1, built in) or gopher (gopher-lua, the one Argo CD
    /// embeds; needs the golang-go and golang-github-yuin-gopher-lua-dev packages).
    #[arg(long, value_enum, default_value = "mlua")]
    interpreter: Interpreter,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Interpreter {
    Mlua,
    Gopher,
}

/// One test to run: the script, the object, what is expected, and whether the script is ours.
struct Job {
    name: String,
    script: String,
    object: Result<serde_json::Value, String>,
    want: Verdict,
    ours: Option<Verdict>,
}

/// What a test expects; a status Argo CD does not know can never be returned, so it is kept as
/// written and fails the comparison.
fn expected(t: &HealthTest) -> Result<Verdict, String> {
    let status = match t.health_status.status.as_str() {
        "" => None,
        s => Some(
            Status::parse(s).ok_or_else(|| format!("the test expects an invalid status {s:?}"))?,
        ),
    };
    Ok(Verdict {
        status,
        message: t.health_status.message.clone(),
    })
}

/// Runs scripts on objects in the chosen interpreter.
fn run_all(
    interp: Interpreter,
    harness: Option<&Harness>,
    jobs: &[(&str, &serde_json::Value)],
    libs: Libraries,
) -> Result<Vec<Verdict>> {
    match (interp, harness) {
        (Interpreter::Gopher, Some(h)) => {
            let cases: Vec<Case<'_>> = jobs
                .iter()
                .map(|(script, object)| Case {
                    script,
                    object,
                    open_libs: libs == Libraries::Open,
                })
                .collect();
            Ok(h.run(&cases)?.iter().map(Outcome::verdict).collect())
        }
        _ => {
            // Scripts we did not write run with recorders in place of os.execute, io.* and
            // file loading: testing a folder must not let its scripts touch the machine.
            let sandbox = Sandbox::new(libs);
            jobs.iter()
                .map(|(s, o)| Ok(sandbox.run(s, o)?.outcome.verdict()))
                .collect()
        }
    }
}

pub fn run(args: Args) -> Result<u8> {
    let harness = match args.interpreter {
        Interpreter::Gopher => Some(Harness::build_cached()?),
        Interpreter::Mlua => None,
    };
    let dirs = fixtures::discover(&args.dir)
        .with_context(|| format!("cannot read tests under {}", args.dir.display()))?;
    if dirs.is_empty() {
        anyhow::bail!("no health_test.yaml under {}", args.dir.display());
    }
    let (jobs, missing) = collect_jobs(&dirs, &Catalog::standard());
    let null = serde_json::Value::Null;
    let pairs: Vec<(&str, &serde_json::Value)> = jobs
        .iter()
        .map(|j| (j.script.as_str(), j.object.as_ref().unwrap_or(&null)))
        .collect();
    let closed = run_all(
        args.interpreter,
        harness.as_ref(),
        &pairs,
        Libraries::Closed,
    )?;
    let open = retry_with_open_libraries(&jobs, &pairs, &closed)?;
    let (mut passed, mut failed) = (0usize, missing.len());
    for line in &missing {
        println!("{line}");
    }
    for ((job, got), open) in jobs.iter().zip(&closed).zip(&open) {
        match judge(job, got, open.as_ref()) {
            Ok(()) => {
                passed += 1;
                println!("PASS {}", job.name);
            }
            Err(why) => {
                failed += 1;
                println!("FAIL {}: {why}", job.name);
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { EXIT_OK } else { EXIT_THRESHOLD })
}

/// Every test under `dirs` as a job, and the `FAIL` lines of tests that cannot run.
fn collect_jobs(dirs: &[fixtures::FixtureDir], catalog: &Catalog) -> (Vec<Job>, Vec<String>) {
    let mut jobs: Vec<Job> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for dir in dirs {
        let own = std::fs::read_to_string(dir.dir.join("health.lua")).ok();
        let entry = catalog
            .entries()
            .iter()
            .find(|e| e.group == dir.group && e.kind == dir.kind);
        for t in &dir.tests {
            match job(dir, t, own.as_deref(), entry) {
                Ok(j) => jobs.push(j),
                Err(line) => missing.push(line),
            }
        }
    }
    (jobs, missing)
}

/// One test as a job: the folder's own health.lua, else our rule; a `FAIL` line when neither.
fn job(
    dir: &fixtures::FixtureDir,
    t: &HealthTest,
    own: Option<&str>,
    entry: Option<&mas_health::catalog::Entry>,
) -> Result<Job, String> {
    let name = format!("{}/{} {}", dir.group, dir.kind, t.input_path);
    let object = dir.input(t).map_err(|e| e.to_string());
    let want = expected(t).map_err(|why| format!("FAIL {name}: {why}"))?;
    let (script, ours) = match (own, entry) {
        (Some(s), _) => (s.to_owned(), None),
        (None, Some(e)) => {
            let native = object
                .as_ref()
                .map(|o| Verdict::from(mas_health::evaluate(&e.rule, o)))
                .unwrap_or_else(|_| Verdict::empty());
            (emit(&e.rule), Some(native))
        }
        (None, None) => {
            return Err(format!(
                "FAIL {name}: no health.lua here and no rule for {}/{}",
                dir.group, dir.kind
            ))
        }
    };
    Ok(Job {
        name,
        script,
        object,
        want,
        ours,
    })
}

/// Re-runs only failing foreign tests with open libraries, to say whether useOpenLibs would
/// make them pass; always in the recording mlua runtime, never with real os and io.
fn retry_with_open_libraries(
    jobs: &[Job],
    pairs: &[(&str, &serde_json::Value)],
    closed: &[Verdict],
) -> Result<Vec<Option<Verdict>>> {
    let failing: Vec<usize> = jobs
        .iter()
        .zip(closed)
        .enumerate()
        .filter(|(_, (j, got))| j.ours.is_none() && j.object.is_ok() && **got != j.want)
        .map(|(i, _)| i)
        .collect();
    let retried: Vec<(&str, &serde_json::Value)> = failing.iter().map(|i| pairs[*i]).collect();
    let open_results = run_all(Interpreter::Mlua, None, &retried, Libraries::Open)?;
    let mut open: Vec<Option<Verdict>> = vec![None; jobs.len()];
    for (i, r) in failing.into_iter().zip(open_results) {
        open[i] = Some(r);
    }
    Ok(open)
}

/// Whether a job passed: `got` is the closed-library Lua verdict, `open` the open-library one
/// for a failing foreign script.
fn judge(job: &Job, got: &Verdict, open: Option<&Verdict>) -> Result<(), String> {
    match (&job.object, &job.ours) {
        (Err(e), _) => Err(e.clone()),
        (Ok(_), Some(native)) => {
            let mut problems = Vec::new();
            if *native != job.want {
                problems.push(format!("native {native}"));
            }
            if *got != job.want {
                problems.push(format!("lua {got}"));
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "expected {}, got {}",
                    job.want,
                    problems.join(", ")
                ))
            }
        }
        (Ok(_), None) if *got == job.want => Ok(()),
        (Ok(_), None) if open == Some(&job.want) => Err(format!(
            "passes only with open libraries (useOpenLibs); closed: {got}"
        )),
        (Ok(_), None) => Err(format!("expected {}, got {got}", job.want)),
    }
}
