//! `mas-health test`: run health_test.yaml files in Argo CD's layout.

use super::{EXIT_OK, EXIT_THRESHOLD};
use crate::gopher::Harness;
use anyhow::{Context, Result};
use mas_health::argocd::harness::{Folder, Interpreter, Job, Ran, Rule, Suite};
use mas_health::argocd::runtime::{Libraries, Outcome, Runtime, DEADLINE};
use mas_health::argocd::Verdict;
use mas_health::audit::Sandbox;
use mas_health::rule::{Health, Status};
use mas_health::{emit, Catalog};
use std::path::PathBuf;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

/// Run every health_test.yaml under DIR (Argo CD's resource_customizations layout).
///
/// As Argo CD's own harness does, the script for each test is found from the fixture object's
/// group and kind (exact folder first, then `_` wildcard folders in sorted order). Scripts run
/// as argocd-cm runs them, libraries CLOSED, unless `--libraries open` (how Argo CD's suite runs
/// its built-ins); a test that passes only with open libraries is reported as such. Commands
/// and file access are never run; each evaluation stops after 1 s (a child process is killed
/// 5 s into an evaluation when a single C call outlasts the 1 s). Folders without a health.lua test our rule for that group
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
    interpreter: InterpreterArg,
    /// closed: as argocd-cm runs scripts by default; open: every standard library, as Argo CD
    /// runs its built-ins and its own test suite.
    #[arg(long, value_enum, default_value = "closed")]
    libraries: LibrariesArg,
    /// Internal: evaluate the jobs read from standard input, one JSON line each, and print one
    /// outcome a line (run by the command itself, in a child process it can stop).
    #[arg(long, hide = true)]
    worker: bool,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InterpreterArg {
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

/// One job for a worker, one JSON line on its standard input.
#[derive(serde::Serialize, serde::Deserialize)]
struct WorkerJob {
    script: String,
    object: serde_json::Value,
    open: bool,
}

/// What a worker answers for a job, one JSON line on its standard output.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum WorkerAnswer {
    Health { status: String, message: String },
    Empty,
    Error(String),
}

impl From<Outcome> for WorkerAnswer {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Health(h) => WorkerAnswer::Health {
                status: h.status.as_str().to_owned(),
                message: h.message,
            },
            Outcome::Empty => WorkerAnswer::Empty,
            Outcome::Error(e) => WorkerAnswer::Error(e),
        }
    }
}

impl WorkerAnswer {
    fn outcome(self) -> Outcome {
        match self {
            WorkerAnswer::Health { status, message } => match Status::parse(&status) {
                Some(st) => Outcome::Health(Health::new(st, message)),
                None => Outcome::Error(format!("a worker answered an invalid status {status:?}")),
            },
            WorkerAnswer::Empty => Outcome::Empty,
            WorkerAnswer::Error(e) => Outcome::Error(e),
        }
    }
}

/// The worker: evaluates each job of standard input in the sandbox, answers on standard output.
fn worker() -> Result<u8> {
    use std::io::{BufRead, Write};
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.context("cannot read a job")?;
        let job: WorkerJob = serde_json::from_str(&line).context("a job is not valid")?;
        let libs = if job.open {
            Libraries::Open
        } else {
            Libraries::Closed
        };
        let outcome = sandboxed(&job.script, &job.object, libs).unwrap_or_else(Outcome::Error);
        serde_json::to_writer(&mut out, &WorkerAnswer::from(outcome))?;
        writeln!(out)?;
        out.flush()?;
    }
    Ok(EXIT_OK)
}

/// How long a worker may take over one job beyond the runtime's own one-second limit (a job's
/// state is prepared before the limit starts, and the first waits for the worker to start).
const WORKER_SLACK: Duration = Duration::from_secs(4);

/// Runs scripts in the sandbox in a child process, so a C call the runtime's hook cannot
/// interrupt (a pathological string pattern under open libraries) is stopped by killing the
/// child: the job is answered Unknown "context deadline exceeded", as Argo CD's timeout would
/// answer it, and a new child takes the remaining jobs.
struct Isolated {
    exe: PathBuf,
}

impl Interpreter for Isolated {
    fn run(&self, jobs: &[Job<'_>], libraries: Libraries) -> std::result::Result<Vec<Ran>, String> {
        let mut results = Vec::with_capacity(jobs.len());
        while results.len() < jobs.len() {
            self.batch(&jobs[results.len()..], libraries, &mut results)?;
        }
        Ok(results)
    }
}

impl Isolated {
    /// Runs `jobs` in one child until they are done or one of them is stopped.
    fn batch(
        &self,
        jobs: &[Job<'_>],
        libraries: Libraries,
        results: &mut Vec<Ran>,
    ) -> std::result::Result<(), String> {
        use std::io::{BufRead, Write};
        use std::process::{Command, Stdio};
        let mut input = Vec::new();
        for j in jobs {
            let job = WorkerJob {
                script: j.script.to_owned(),
                object: j.object.clone(),
                open: libraries == Libraries::Open,
            };
            serde_json::to_writer(&mut input, &job).map_err(|e| e.to_string())?;
            input.push(b'\n');
        }
        let mut command = Command::new(&self.exe);
        super::die_with_parent(&mut command);
        let mut child = command
            .args(["test", "--worker"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start a test worker: {e}"))?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("cannot talk to a test worker".to_owned());
        };
        // Written and read on threads of their own: either pipe may fill while we wait.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let limit = Runtime::default().time_limit + WORKER_SLACK;
        for _ in jobs {
            let outcome = match rx.recv_timeout(limit) {
                Ok(Ok(line)) => match serde_json::from_str::<WorkerAnswer>(&line) {
                    Ok(a) => a.outcome(),
                    Err(e) => Outcome::Error(format!("a test worker answered badly: {e}")),
                },
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => {
                    Outcome::Error("the evaluation ended without a result".to_owned())
                }
                Err(RecvTimeoutError::Timeout) => Outcome::Error(DEADLINE.to_owned()),
            };
            let stop = matches!(outcome, Outcome::Error(ref e)
                if e == DEADLINE || e == "the evaluation ended without a result");
            results.push(Ran::Outcome(outcome));
            if stop {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        Ok(())
    }
}

pub fn run(args: Args) -> Result<u8> {
    if args.worker {
        return worker();
    }
    let mut suite = Suite::discover(&args.dir)
        .with_context(|| format!("cannot read tests under {}", args.dir.display()))?;
    suite.argocd = args.argocd.argocd()?;
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
    let isolated = Isolated {
        exe: std::env::current_exe().context("cannot find the mas-health executable")?,
    };
    let report = match args.interpreter {
        InterpreterArg::Gopher => suite.run(&Harness::build_cached()?, &isolated, libraries, &rule),
        InterpreterArg::Mlua => suite.run(&isolated, &isolated, libraries, &rule),
    }
    .map_err(anyhow::Error::msg)?;
    super::print_lines(&report.to_string());
    Ok(if report.failed() == 0 {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}
