//! Running a [`Suite`]: each test's script on its object in an interpreter, compared with the
//! verdict the test expects, as Argo CD's `TestLuaHealthScript` compares them (status and
//! message both equal).

use super::suite::{Answer, Case, Folder, Suite};
use super::{FixtureError, HealthTest};
use crate::argocd::builtin::{self, ArgoCd};
use crate::argocd::runtime::{Libraries, Outcome};
use crate::argocd::Verdict;
use crate::rule::Status;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// One evaluation: a script on an object.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The Lua script.
    pub script: &'a str,
    /// The object, set as the global `obj`.
    pub object: &'a Value,
}

/// What an interpreter made of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ran {
    /// What Argo CD makes of the evaluation.
    Outcome(Outcome),
    /// This interpreter cannot parse a script that gopher-lua 1.1 accepts (an older build
    /// without `goto`): no verdict, and not a disagreement either.
    CannotParse(String),
    /// Not run: the whole run's time was up before this job's turn (or during it), with why.
    NotRun(String),
}

/// A Lua interpreter that runs jobs in order.
pub trait Interpreter {
    /// Runs every job with the given libraries, one result per job, in order.
    fn run(&self, jobs: &[Job<'_>], libraries: Libraries) -> Result<Vec<Ran>, String>;
}

/// Any function that evaluates one script on one object is an interpreter: the audit's sandbox
/// (`|s, o, l| Sandbox::new(l).run(s, o)`), for one.
impl<F> Interpreter for F
where
    F: Fn(&str, &Value, Libraries) -> Result<Outcome, String>,
{
    fn run(&self, jobs: &[Job<'_>], libraries: Libraries) -> Result<Vec<Ran>, String> {
        jobs.iter()
            .map(|j| self(j.script, j.object, libraries).map(Ran::Outcome))
            .collect()
    }
}

/// Our own rule answering a folder that has no health.lua: its script and the native verdict.
#[derive(Debug, Clone)]
pub struct Emitted {
    /// The emitted Lua.
    pub script: String,
    /// What the native evaluator says for the object.
    pub native: Verdict,
}

/// A test's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Passed.
    Pass,
    /// Failed, with why.
    Fail(String),
    /// Not run, with why (the whole run's time was up).
    NotRun(String),
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The test (`group/Kind inputPath`) or the file that could not be read.
    pub name: String,
    /// Its result.
    pub result: Settled,
}

/// A line is one line of the report: a line break inside a test's name (its inputPath) or its
/// failure is written as `\n`, so it cannot start a line that reads as another test's result.
impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let one_line = |s: &str| s.replace('\r', "\\r").replace('\n', "\\n");
        match &self.result {
            Settled::Pass => write!(f, "PASS {}", one_line(&self.name)),
            Settled::Fail(why) => write!(f, "FAIL {}: {}", one_line(&self.name), one_line(why)),
            Settled::NotRun(why) => {
                write!(f, "NOT RUN {}: {}", one_line(&self.name), one_line(why))
            }
        }
    }
}

/// What a run of a suite found.
#[derive(Debug, Clone, Default)]
pub struct TestLog {
    /// One line per test, and one per folder whose tests could not be read.
    pub lines: Vec<Line>,
    /// Scripts the interpreter could not parse (sorted, once each).
    pub unparsed: Vec<PathBuf>,
}

impl TestLog {
    /// Tests that passed.
    pub fn passed(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| l.result == Settled::Pass)
            .count()
    }

    /// Tests (and unreadable folders) that failed.
    pub fn failed(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.result, Settled::Fail(_)))
            .count()
    }

    /// Tests that were not run (the whole run's time was up).
    pub fn not_run(&self) -> usize {
        self.lines.len() - self.passed() - self.failed()
    }

    /// The closing line: `N passed, N failed`, and `, N not run` when some were not.
    pub fn summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.not_run() > 0 {
            line.push_str(&format!(", {} not run", self.not_run()));
        }
        line
    }
}

impl fmt::Display for TestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        if !self.unparsed.is_empty() {
            writeln!(
                f,
                "this interpreter cannot parse {} script(s) (gopher-lua 1.1 can):",
                self.unparsed.len()
            )?;
            for p in &self.unparsed {
                writeln!(f, "  {}", p.display())?;
            }
        }
        writeln!(f, "{}", self.summary())
    }
}

/// What a test expects; a status Argo CD does not know can never be returned.
pub fn expected(t: &HealthTest) -> Result<Verdict, String> {
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

/// A test whose script is to run.
struct Pending<'c> {
    name: String,
    want: Verdict,
    script: String,
    /// The health.lua that answers, when it is a file (not our rule).
    path: Option<PathBuf>,
    object: &'c Value,
    /// For our own rule: what the native evaluator says.
    native: Option<Verdict>,
    /// A configuration's script: its libraries (whatever the run's) and where it is.
    configured: Option<(Libraries, String)>,
}

/// A test settled without running anything, or waiting for its run.
enum Slot<'c> {
    Done(Line),
    Run(Box<Pending<'c>>),
}

fn fail(name: impl Into<String>, why: impl Into<String>) -> Line {
    Line {
        name: name.into(),
        result: Settled::Fail(why.into()),
    }
}

/// The one failure of a folder whose file cannot be read: named by the file and line.
fn broken(e: &FixtureError) -> Line {
    match e {
        FixtureError::Io { path, source } => fail(path.display().to_string(), source.to_string()),
        FixtureError::NoInput { dir } => fail(
            dir.join("health_test.yaml").display().to_string(),
            "a test has no inputPath",
        ),
        FixtureError::Outside { path, input } => fail(
            path.display().to_string(),
            format!("inputPath {input:?} is outside the test folder"),
        ),
        FixtureError::Refused { path, source } => {
            fail(path.display().to_string(), source.to_string())
        }
        FixtureError::Parse {
            path,
            line,
            message,
        } => fail(format!("{}:{line}", path.display()), message.clone()),
    }
}

/// The caller's rule for folders without a health.lua of their own.
pub type EmittedFor<'r> = &'r dyn Fn(&Folder, &Value) -> Option<Emitted>;

impl Suite {
    /// Runs every test in `interp` with `libraries`, and reports each. With closed libraries
    /// a failing test of a health.lua is run again with open libraries in `sandbox` (which must
    /// keep scripts from running commands or touching files), to say whether `useOpenLibs`
    /// would make it pass. Folders without a health.lua are answered by `rule` (ours), checked
    /// on the native engine and in Lua.
    pub fn run(
        &self,
        interp: &dyn Interpreter,
        sandbox: &dyn Interpreter,
        libraries: Libraries,
        rule: EmittedFor<'_>,
    ) -> Result<TestLog, String> {
        self.run_answered(interp, sandbox, libraries, rule, None)
    }

    /// As [`Suite::run`], each object answered by `resolve` when given (`test --config`): a
    /// configuration's script runs with the libraries the configuration gives it.
    pub fn run_answered(
        &self,
        interp: &dyn Interpreter,
        sandbox: &dyn Interpreter,
        libraries: Libraries,
        rule: EmittedFor<'_>,
        resolve: Option<super::suite::Resolve<'_>>,
    ) -> Result<TestLog, String> {
        let mut report = TestLog::default();
        report.lines.extend(self.unreadable.iter().map(broken));
        report.lines.extend(
            self.folders
                .iter()
                .filter_map(|f| f.tests.as_ref().err().map(broken)),
        );
        let cases = self.cases_answered(resolve);
        let mut texts = HashMap::new();
        let slots: Vec<Slot<'_>> = cases
            .iter()
            .map(|c| prepare(c, &self.root, &mut texts, rule, &self.argocd))
            .collect();
        let pending: Vec<&Pending<'_>> = slots
            .iter()
            .filter_map(|s| match s {
                Slot::Run(p) => Some(p.as_ref()),
                Slot::Done(_) => None,
            })
            .collect();
        let ran = run_checked(interp, &pending, libraries)?;
        let open = retry_open(sandbox, &pending, &ran, libraries)?;
        let mut results = pending.iter().zip(ran).zip(open);
        for slot in &slots {
            match slot {
                Slot::Done(line) => report.lines.push(line.clone()),
                Slot::Run(_) => {
                    let Some(((p, ran), open)) = results.next() else {
                        return Err("fewer results than tests".to_owned());
                    };
                    if let (Ran::CannotParse(_), Some(path)) = (&ran, &p.path) {
                        report.unparsed.push(path.clone());
                    }
                    report.lines.push(settle(p, &ran, open.as_ref()));
                }
            }
        }
        report.unparsed.sort();
        report.unparsed.dedup();
        Ok(report)
    }
}

/// Runs every pending test, each with its configuration's libraries or else `libraries`: one
/// batch per set of libraries, results put back in order.
fn run_checked(
    interp: &dyn Interpreter,
    pending: &[&Pending<'_>],
    libraries: Libraries,
) -> Result<Vec<Ran>, String> {
    let libs_of = |p: &Pending<'_>| p.configured.as_ref().map_or(libraries, |c| c.0);
    let mut out: Vec<Option<Ran>> = vec![None; pending.len()];
    for libs in [Libraries::Closed, Libraries::Open] {
        let index: Vec<usize> = (0..pending.len())
            .filter(|&i| libs_of(pending[i]) == libs)
            .collect();
        if index.is_empty() {
            continue;
        }
        let jobs: Vec<Job<'_>> = index
            .iter()
            .map(|&i| Job {
                script: &pending[i].script,
                object: pending[i].object,
            })
            .collect();
        let ran = interp.run(&jobs, libs)?;
        if ran.len() != jobs.len() {
            return Err(format!("{} results for {} tests", ran.len(), jobs.len()));
        }
        for (i, r) in index.into_iter().zip(ran) {
            out[i] = Some(r);
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// With closed libraries, runs the failing tests of health.lua files again with open ones,
/// always in the sandbox (never with a real `os` or `io`).
fn retry_open(
    sandbox: &dyn Interpreter,
    pending: &[&Pending<'_>],
    ran: &[Ran],
    libraries: Libraries,
) -> Result<Vec<Option<Verdict>>, String> {
    let mut open = vec![None; pending.len()];
    if libraries == Libraries::Open {
        return Ok(open);
    }
    let failing: Vec<usize> = (0..pending.len())
        .filter(|&i| pending[i].native.is_none())
        .filter(|&i| !matches!(pending[i].configured, Some((Libraries::Open, _))))
        .filter(|&i| matches!(&ran[i], Ran::Outcome(o) if o.verdict() != pending[i].want))
        .collect();
    let retried: Vec<&Pending<'_>> = failing.iter().map(|&i| pending[i]).collect();
    let again = run_checked(sandbox, &retried, Libraries::Open)?;
    for (i, r) in failing.into_iter().zip(again) {
        if let Ran::Outcome(o) = r {
            open[i] = Some(o.verdict());
        }
    }
    Ok(open)
}

/// Reads what a case needs, or settles it at once when nothing is to run.
fn prepare<'c>(
    case: &'c Case<'_>,
    root: &Path,
    texts: &mut HashMap<PathBuf, Result<String, String>>,
    rule: EmittedFor<'_>,
    argocd: &ArgoCd,
) -> Slot<'c> {
    let name = case.name.clone();
    let want = match expected(case.test) {
        Ok(w) => w,
        Err(why) => return Slot::Done(fail(name, why)),
    };
    let object = match &case.object {
        Ok(o) => o,
        Err(e) => return Slot::Done(broken(e)),
    };
    // A health.lua that cannot be read fails every test of its folder, whatever answers them.
    if let Some(own) = &case.folder.script {
        if let Err(why) = script_text(texts, root, own) {
            return Slot::Done(fail(name, why));
        }
    }
    let mut configured = None;
    let (script, path, native) = match &case.answer {
        Answer::Nothing => return Slot::Done(nothing(name, &want, object)),
        Answer::Unanswered(why) => return Slot::Done(fail(name, why.clone())),
        Answer::Configured(c) => {
            let libs = match c.open_libs {
                true => Libraries::Open,
                false => Libraries::Closed,
            };
            configured = Some((libs, c.origin.clone()));
            (c.script.clone(), None, None)
        }
        Answer::Rule => match rule(case.folder, object) {
            Some(r) => (r.script, None, Some(r.native)),
            None => return Slot::Done(built_in(name, &want, object, case.folder, argocd)),
        },
        Answer::Script(path) => match script_text(texts, root, path) {
            Ok(s) => (s, Some(path.clone()), None),
            Err(why) => return Slot::Done(fail(name, why)),
        },
    };
    Slot::Run(Box::new(Pending {
        name,
        want,
        script,
        path,
        object,
        native,
        configured,
    }))
}

fn script_text(
    texts: &mut HashMap<PathBuf, Result<String, String>>,
    root: &Path,
    path: &Path,
) -> Result<String, String> {
    texts
        .entry(path.to_owned())
        .or_insert_with(|| read_script(root, path))
        .clone()
}

/// Reads a script as the bytes it is: Lua source need not be UTF-8 (a Latin-1 comment is valid
/// Lua, and valid in Argo CD). Bytes that are not UTF-8 reach the interpreter as U+FFFD, as Go's
/// JSON encoding shows them in a message anyway; in a comment they change nothing. The script
/// must be a regular file inside `root` of at most [`super::MAX_SCRIPT_BYTES`].
pub(crate) fn read_script(root: &Path, path: &Path) -> Result<String, String> {
    let bytes = crate::input::read_inside(root, path, super::MAX_SCRIPT_BYTES).map_err(|e| {
        let e = e.to_string();
        let e = e.strip_prefix("cannot read: ").unwrap_or(&e);
        format!("cannot read {}: {e}", path.display())
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// No health.lua here and no rule of ours: Argo CD's own check for the object's kind decides
/// (it has no script to run here, so only its native equivalent is compared).
fn built_in(
    name: String,
    want: &Verdict,
    object: &Value,
    folder: &Folder,
    argocd: &ArgoCd,
) -> Line {
    let gk = crate::argocd::group_kind_of(object);
    let (got, check) = match argocd.answer(&gk, object) {
        builtin::Answer::Verdict(v, check) => (v, check),
        builtin::Answer::NotEvaluated(_) => {
            return fail(name, crate::health::not_evaluated(&gk).message);
        }
        builtin::Answer::None => {
            let why = format!(
                "no health.lua here, no rule and no Argo CD {} built-in check for {}/{}",
                argocd.version, folder.group, folder.kind
            );
            return fail(name, why);
        }
    };
    if got == *want {
        return Line {
            name,
            result: Settled::Pass,
        };
    }
    fail(
        name,
        format!("expected {want}, got {got} (Argo CD built-in, {check})"),
    )
}

/// No health.lua answers the object: Argo CD runs an empty script, an empty status.
fn nothing(name: String, want: &Verdict, object: &Value) -> Line {
    if *want == Verdict::empty() {
        return Line {
            name,
            result: Settled::Pass,
        };
    }
    let key = super::config_map_key(object);
    let why = format!(
        "expected {want}, got {}: no health.lua answers {key:?}",
        Verdict::empty()
    );
    fail(name, why)
}

/// Compares a run with what the test expects.
fn settle(p: &Pending<'_>, ran: &Ran, open: Option<&Verdict>) -> Line {
    let got = match ran {
        Ran::Outcome(o) => o.verdict(),
        Ran::CannotParse(e) => {
            let what = p
                .path
                .as_ref()
                .map_or("the script".to_owned(), |s| s.display().to_string());
            return fail(
                p.name.clone(),
                format!("this interpreter cannot parse {what}: {e}"),
            );
        }
        Ran::NotRun(why) => {
            return Line {
                name: p.name.clone(),
                result: Settled::NotRun(why.clone()),
            }
        }
    };
    let why = match &p.native {
        Some(native) => {
            let mut problems = Vec::new();
            if *native != p.want {
                problems.push(format!("native {native}"));
            }
            if got != p.want {
                problems.push(format!("lua {got}"));
            }
            (!problems.is_empty())
                .then(|| format!("expected {}, got {}", p.want, problems.join(", ")))
        }
        None if got == p.want => None,
        None if open == Some(&p.want) => Some(format!(
            "passes only with open libraries (useOpenLibs); closed: {got}"
        )),
        None => Some(format!("expected {}, got {got}", p.want)),
    };
    // A configuration's script is named, so the failure points at the key to fix.
    let why = match (why, &p.configured) {
        (Some(why), Some((_, origin))) => Some(format!("{why} (script: {origin})")),
        (why, _) => why,
    };
    match why {
        None => Line {
            name: p.name.clone(),
            result: Settled::Pass,
        },
        Some(why) => fail(p.name.clone(), why),
    }
}
