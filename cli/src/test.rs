//! `mas-health test`: run health_test.yaml files in Argo CD's layout.

use super::pool::{self, Next, Piped};
use super::{EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use crate::gopher::Harness;
use anyhow::{Context, Result};
use mas_health::argocd::harness::{
    Answer, Emitted, Folder, Interpreter, Job, Ran, Resolve, Settled, Suite, TestLog,
};
use mas_health::argocd::runtime::{Libraries, Outcome, Runtime, DEADLINE};
use mas_health::argocd::Verdict;
use mas_health::audit::ci;
use mas_health::audit::resolve::Overrides;
use mas_health::audit::Sandbox;
use mas_health::{emit, Catalog};
use mas_health::{EvalContext, Health, Status};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Run every health_test.yaml under DIR (Argo CD's resource_customizations layout).
///
/// As Argo CD's own harness does, the script for each test is found from the fixture object's
/// group and kind (exact folder first, then `_` wildcard folders in sorted order). Scripts run
/// as argocd-cm runs them, libraries CLOSED, unless `--libraries open` (how Argo CD's suite runs
/// its built-ins); a test that passes only with open libraries is reported as such. Commands
/// and file access are never run; each evaluation stops after 1 s (a child process is killed
/// 5 s into an evaluation when a single C call outlasts the 1 s, in either interpreter), and the
/// whole run after `--timeout` seconds. Folders without a health.lua test our rule for that group
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
    /// Take the scripts from this configuration instead of DIR's health.lua files: an
    /// argocd-cm (split keys, nested, wildcards), a kustomize patch of it, an ArgoCD resource
    /// or argo-cd Helm values. Each test's script is found as Argo CD finds a live object's
    /// (exact key, then wildcards, then its built-in checks) and runs with the libraries the
    /// configuration gives it; a test nothing answers fails.
    #[arg(long)]
    config: Option<PathBuf>,
    /// With --config: the argocd-operator version that converts an ArgoCD resource.
    #[arg(long, value_parser = super::audit::parse_operator_version)]
    argocd_operator_version: Option<mas_health::audit::OperatorVersion>,
    /// text: a line per test; json: a JSON line per test, then a summary object; junit: JUnit
    /// XML, one testcase per test.
    #[arg(long, value_enum, default_value = "text")]
    output: OutputArg,
    /// Seconds the whole run may take (1 to 86400): tests whose turn has not come when it is up
    /// are reported NOT RUN, and the exit code is 2 unless some test failed (1).
    #[arg(long, default_value_t = 600, value_parser = super::timeout_seconds())]
    timeout: u64,
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
pub enum OutputArg {
    Text,
    Json,
    Junit,
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

/// A program evaluating jobs in a child process: one job a JSON line on its standard input, one
/// answer a line on its standard output, each answered before the next is read.
trait Worker {
    /// The child to start.
    fn command(&self) -> Command;
    /// The line handing it `job`.
    fn job_line(&self, job: &Job<'_>, libraries: Libraries) -> std::result::Result<String, String>;
    /// What its answer `line` to `job` says.
    fn answer(&self, line: &str, job: &Job<'_>) -> Ran;
}

/// Our own worker (`mas-health test --worker`): scripts run in the audit's sandbox.
struct Sandboxed {
    exe: PathBuf,
}

impl Worker for Sandboxed {
    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.exe);
        cmd.args(["test", "--worker"]);
        cmd
    }

    fn job_line(&self, job: &Job<'_>, libraries: Libraries) -> std::result::Result<String, String> {
        let job = WorkerJob {
            script: job.script.to_owned(),
            object: job.object.clone(),
            open: libraries == Libraries::Open,
        };
        serde_json::to_string(&job).map_err(|e| e.to_string())
    }

    fn answer(&self, line: &str, _: &Job<'_>) -> Ran {
        Ran::Outcome(match serde_json::from_str::<WorkerAnswer>(line) {
            Ok(a) => a.outcome(),
            Err(e) => Outcome::Error(format!("a test worker answered badly: {e}")),
        })
    }
}

/// gopher-lua, the interpreter Argo CD embeds, in its harness.
struct Gopher(Harness);

impl Worker for Gopher {
    fn command(&self) -> Command {
        self.0.command()
    }

    fn job_line(&self, job: &Job<'_>, libraries: Libraries) -> std::result::Result<String, String> {
        let case = crate::gopher::Case {
            script: job.script,
            object: job.object,
            open_libs: libraries == Libraries::Open,
        };
        serde_json::to_string(&case).map_err(|e| e.to_string())
    }

    fn answer(&self, line: &str, job: &Job<'_>) -> Ran {
        Harness::answer(line, job.script)
    }
}

/// Runs a [`Worker`]'s jobs in child processes, so a C call the runtime's own limit cannot
/// interrupt (a pathological string pattern under open libraries, in either interpreter) is
/// stopped by killing the child: the job is answered Unknown "context deadline exceeded", as
/// Argo CD's timeout would answer it, and a new child takes the remaining jobs. Once the whole
/// run's `deadline` has passed, the job running is stopped and no other is started: they are
/// [`Ran::NotRun`].
struct Supervised<W> {
    worker: W,
    deadline: Option<Instant>,
    /// The `--timeout` the deadline comes from, for the not-run lines.
    timeout: u64,
}

impl<W: Worker> Interpreter for Supervised<W> {
    fn run(&self, jobs: &[Job<'_>], libraries: Libraries) -> std::result::Result<Vec<Ran>, String> {
        let mut results = Vec::with_capacity(jobs.len());
        while results.len() < jobs.len() {
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                results.resize(jobs.len(), self.not_run());
                break;
            }
            self.batch(&jobs[results.len()..], libraries, &mut results)?;
        }
        Ok(results)
    }
}

impl<W: Worker> Supervised<W> {
    fn not_run(&self) -> Ran {
        Ran::NotRun(format!("the run's --timeout of {} s was up", self.timeout))
    }

    /// How long to wait for the next answer: the per-job limit, or less when the whole run's
    /// deadline comes first; and whether it is the deadline that will end the wait.
    fn wait(&self, limit: Duration) -> (Duration, bool) {
        match self.deadline {
            Some(d) if d.saturating_duration_since(Instant::now()) < limit => {
                (d.saturating_duration_since(Instant::now()), true)
            }
            _ => (limit, false),
        }
    }

    /// Runs `jobs` in one child until they are done or one of them is stopped.
    fn batch(
        &self,
        jobs: &[Job<'_>],
        libraries: Libraries,
        results: &mut Vec<Ran>,
    ) -> std::result::Result<(), String> {
        let mut input = Vec::new();
        for j in jobs {
            input.extend(self.worker.job_line(j, libraries)?.into_bytes());
            input.push(b'\n');
        }
        let child = Piped::spawn(self.worker.command(), input, pool::Input::Close)
            .map_err(|e| format!("cannot start a test worker: {e}"))?;
        let limit = Runtime::default().time_limit + pool::SLACK;
        for job in jobs {
            let (wait, run_over) = self.wait(limit);
            let ran = match child.next(wait) {
                Next::Line(line) => self.worker.answer(&line, job),
                Next::Ended => Ran::Outcome(Outcome::Error(ENDED.to_owned())),
                Next::Waiting if run_over => self.not_run(),
                Next::Waiting => Ran::Outcome(Outcome::Error(DEADLINE.to_owned())),
            };
            let stop = matches!(&ran, Ran::NotRun(_))
                || matches!(&ran, Ran::Outcome(Outcome::Error(e)) if e == DEADLINE || e == ENDED);
            results.push(ran);
            if stop {
                break;
            }
        }
        Ok(())
    }
}

/// The answer to a job whose worker ended before answering it.
const ENDED: &str = "the evaluation ended without a result";

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
        Some(Emitted {
            script: emit(&e.rule),
            native: Verdict::from(e.evaluate(obj, &EvalContext::now())),
        })
    };
    let deadline = Instant::now().checked_add(Duration::from_secs(args.timeout));
    let isolated = Supervised {
        worker: Sandboxed {
            exe: std::env::current_exe().context("cannot find the mas-health executable")?,
        },
        deadline,
        timeout: args.timeout,
    };
    let overrides = args
        .config
        .as_deref()
        .map(|c| read_overrides(c, &args))
        .transpose()?;
    let answer = |obj: &serde_json::Value| overrides.as_ref().map(|o| o.answer(obj));
    let resolve = |obj: &serde_json::Value| answer(obj).unwrap_or(Answer::Nothing);
    let resolve: Option<Resolve<'_>> = overrides.as_ref().map(|_| &resolve as Resolve<'_>);
    let report = match args.interpreter {
        InterpreterArg::Gopher => {
            let gopher = Supervised {
                worker: Gopher(Harness::build_cached()?),
                deadline,
                timeout: args.timeout,
            };
            suite.run_answered(&gopher, &isolated, libraries, &rule, resolve)
        }
        InterpreterArg::Mlua => suite.run_answered(&isolated, &isolated, libraries, &rule, resolve),
    }
    .map_err(anyhow::Error::msg)?;
    print_report(&report, args.output, &args.dir)?;
    Ok(match (report.failed(), report.not_run()) {
        (0, 0) => EXIT_OK,
        (0, _) => EXIT_USAGE,
        _ => EXIT_THRESHOLD,
    })
}

/// The scripts of `--config` as Argo CD merges them; a file that cannot be read, a document
/// that is not YAML or JSON, or a file without any script is an error (exit 2).
fn read_overrides(path: &std::path::Path, args: &Args) -> Result<Overrides> {
    let name = path.display().to_string();
    let text = super::read_text(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    let opts = mas_health::audit::ReadOptions {
        operator: args.argocd_operator_version.unwrap_or_default(),
    };
    let config = mas_health::audit::read_config_with(&name, &text, &opts);
    if let Some(e) = config.errors.first() {
        anyhow::bail!("{e}");
    }
    for entry in &config.unreadable {
        complain!(
            "warning: {} {}: {}: {}",
            entry.file,
            entry.origin,
            entry.code,
            entry.message
        );
    }
    if config.scripts.is_empty() {
        anyhow::bail!("{name}: no health scripts found");
    }
    Ok(Overrides::new(&config.scripts))
}

/// Prints the report in the chosen form.
fn print_report(report: &TestLog, output: OutputArg, dir: &std::path::Path) -> Result<()> {
    match output {
        OutputArg::Text => super::print_lines(&report.to_string()),
        OutputArg::Json => {
            let mut out = String::new();
            for line in &report.lines {
                let (result, message) = match &line.result {
                    Settled::Pass => ("pass", None),
                    Settled::Fail(why) => ("fail", Some(why)),
                    Settled::NotRun(why) => ("not run", Some(why)),
                };
                let v =
                    serde_json::json!({"test": line.name, "result": result, "message": message});
                out.push_str(&serde_json::to_string(&v)?);
                out.push('\n');
            }
            let summary = serde_json::json!({"summary": {
                "passed": report.passed(),
                "failed": report.failed(),
                "not_run": report.not_run(),
                "unparsed": report.unparsed,
            }});
            out.push_str(&serde_json::to_string(&summary)?);
            out.push('\n');
            super::print_lines(&out);
        }
        OutputArg::Junit => {
            let cases: Vec<ci::Case> = report
                .lines
                .iter()
                .map(|l| ci::Case {
                    name: l.name.clone(),
                    class: l.name.split(' ').next().unwrap_or_default().to_owned(),
                    failure: match &l.result {
                        Settled::Fail(why) => Some((
                            why.split(" (script: ").next().unwrap_or(why).to_owned(),
                            why.clone(),
                        )),
                        Settled::Pass | Settled::NotRun(_) => None,
                    },
                    skipped: match &l.result {
                        Settled::NotRun(why) => Some(why.clone()),
                        Settled::Pass | Settled::Fail(_) => None,
                    },
                })
                .collect();
            super::print_lines(&ci::junit(
                &format!("mas-health test {}", dir.display()),
                &cases,
            ));
        }
    }
    Ok(())
}
