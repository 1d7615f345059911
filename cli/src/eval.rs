//! `mas-health eval`: the health Argo CD would give each saved object.

use super::{for_each_input, EXIT_DISAGREE, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::runtime::Runtime;
use mas_health::argocd::{GroupKind, Severity, Verdict};
use mas_health::io::Object;
use mas_health::{assess, emit, Assessment, Catalog, Entry, EvalContext, Source};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

/// Evaluate the health of objects saved with `oc get -o yaml` (or JSON, or JSON Lines).
///
/// Reads single objects, multi-document YAML, `kind: List` and JSON Lines from each PATH
/// (`-` or nothing: standard input). Exit codes: 0 done, 1 --fail-on reached, 2 usage or input
/// error (the other documents are still evaluated), 3 the engines disagree.
///
/// With `--cluster`, reads the live objects instead (read-only): the positional arguments name
/// kinds (`KIND` or `GROUP/KIND`; none: every kind the catalog names that the cluster serves),
/// in the context's namespace, `-n NS`, or `-A` for all.
#[derive(clap::Args)]
pub struct Args {
    /// Files to read; `-` for standard input. With `--cluster`: kinds to read.
    paths: Vec<PathBuf>,
    /// text: one line per object; json: JSON Lines with group, kind, namespace, name, status,
    /// message, source (rule, built-in, pre-check, none) and rule (the catalog key or null).
    #[arg(long, value_enum, default_value = "text")]
    output: OutputKind,
    /// native: the Rust evaluator; lua: the generated script in the Argo CD runtime; both: run
    /// both and fail (exit 3) if they disagree.
    #[arg(long, value_enum, default_value = "native")]
    engine: Engine,
    /// Exit 1 when any object is at least this unhealthy (degraded: Degraded or Unknown;
    /// progressing: also Progressing and Missing).
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Print only objects that are not Healthy (objects without a check count as Healthy).
    #[arg(long)]
    problems: bool,
    #[command(flatten)]
    live: super::live::Flags,
    #[command(flatten)]
    scope: super::live::Scope,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputKind {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    Native,
    Lua,
    Both,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Degraded,
    Progressing,
}

/// The verdict Argo CD would store, or the engines' two answers when they differ.
pub enum Answer {
    Agreed(Verdict),
    Disagreed { native: Verdict, lua: Verdict },
}

/// Evaluates objects with an engine, caching the generated script of each rule.
pub struct Evaluator {
    catalog: Catalog,
    scripts: HashMap<String, String>,
    runtime: Runtime,
    /// One time for the whole run: every object is judged at the same moment.
    ctx: EvalContext,
}

impl Evaluator {
    pub fn new(catalog: Catalog) -> Self {
        Evaluator {
            catalog,
            scripts: HashMap::new(),
            runtime: Runtime::default(),
            ctx: EvalContext::now(),
        }
    }

    fn lua(&mut self, entry: &Entry, obj: &Object) -> Result<Verdict> {
        let script = self
            .scripts
            .entry(entry.key())
            .or_insert_with(|| emit(&entry.rule));
        Ok(self.runtime.run(script, &obj.value)?.verdict())
    }

    /// Where the verdict for `obj` comes from and what it is under `engine` (`None`: Argo CD
    /// has no check for the kind). Only catalog rules have a script to run in Lua; Argo CD's
    /// built-ins and its pre-check are the same under every engine.
    pub fn verdict(&mut self, obj: &Object, engine: Engine) -> Result<(Source, Option<Answer>)> {
        let Assessment { verdict, source } = assess(&self.catalog, &obj.value, &self.ctx);
        let Some(native) = verdict else {
            return Ok((source, None));
        };
        let entry = match (&source, engine) {
            (Source::Catalog { .. }, Engine::Lua | Engine::Both) => {
                self.catalog.lookup(&obj.group, &obj.kind).cloned()
            }
            _ => None,
        };
        let Some(entry) = entry else {
            return Ok((source, Some(Answer::Agreed(native))));
        };
        let lua = self.lua(&entry, obj)?;
        let answer = match engine {
            Engine::Both if lua != native => Answer::Disagreed { native, lua },
            _ => Answer::Agreed(lua),
        };
        Ok((source, Some(answer)))
    }
}

/// The JSON fields that say where a verdict comes from: `source` (rule, built-in, pre-check,
/// none) and `rule` (the catalog key, or null).
fn source_fields(source: &Source) -> (&'static str, Option<&str>) {
    match source {
        Source::Catalog { key, .. } => ("rule", Some(&**key)),
        Source::BuiltIn { .. } | Source::NotEvaluated { .. } => ("built-in", None),
        Source::PreCheck => ("pre-check", None),
        Source::NoCheck => ("none", None),
    }
}

const NO_CHECK: &str = "no health check: Argo CD treats it as healthy for sync waves";

/// One object's line in `--output json`, its fields in the order users have seen.
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    group: &'a str,
    kind: &'a str,
    namespace: &'a str,
    name: &'a str,
    status: Option<&'a str>,
    message: &'a str,
    source: &'static str,
    rule: Option<&'a str>,
}

/// Standard output for the lines of a run: buffered (one write for many lines, not a write a
/// line, which cost as much as reading a dump's JSON), except on a terminal, where each line
/// shows at once. Flushed before anything is said on standard error, so that the two streams
/// keep their order when they go to one place. The first error writing is kept for the end.
pub struct Out {
    writer: std::io::BufWriter<std::io::Stdout>,
    terminal: bool,
    failed: Option<std::io::Error>,
}

impl Out {
    pub fn new() -> Self {
        use std::io::IsTerminal;
        let stdout = std::io::stdout();
        Out {
            terminal: stdout.is_terminal(),
            writer: std::io::BufWriter::with_capacity(1 << 16, stdout),
            failed: None,
        }
    }

    /// Writes one line (the text has no line break of its own).
    fn line(&mut self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
        if self.failed.is_some() {
            return;
        }
        let mut done = write(&mut self.writer).and_then(|()| self.writer.write_all(b"\n"));
        if self.terminal {
            done = done.and_then(|()| self.writer.flush());
        }
        self.failed = done.err();
    }

    /// Writes `text` as a line, escaped as `say!` escapes it.
    fn say(&mut self, text: &str) {
        self.line(|w| w.write_all(super::printable(text).as_bytes()));
    }

    /// Writes what is buffered, before a line on standard error.
    pub fn flush(&mut self) {
        if self.failed.is_none() {
            self.failed = self.writer.flush().err();
        }
    }

    /// Writes what is buffered; the first error of the run, if any.
    fn finish(mut self) -> Result<()> {
        self.flush();
        match self.failed {
            Some(e) => Err(anyhow::Error::new(e).context("writing the results")),
            None => Ok(()),
        }
    }
}

/// Prints one object's line; returns its severity (no check counts as Healthy, as Argo CD's
/// sync waves treat it), or `None` for a disagreement.
fn print(
    out: &mut Out,
    obj: &Object,
    source: &Source,
    answer: Option<Answer>,
    output: OutputKind,
) -> Option<Severity> {
    let id = || match obj.namespace.is_empty() {
        true => obj.name.clone(),
        false => format!("{}/{}", obj.namespace, obj.name),
    };
    let gk = || GroupKind::new(&obj.group, &obj.kind).key();
    let (kind, rule) = source_fields(source);
    let json = |out: &mut Out, status: Option<&str>, message: &str| {
        let line = JsonLine {
            group: &obj.group,
            kind: &obj.kind,
            namespace: &obj.namespace,
            name: &obj.name,
            status,
            message,
            source: kind,
            rule,
        };
        out.line(|w| serde_json::to_writer(w, &line).map_err(std::io::Error::from));
    };
    let v = match answer {
        None => {
            match output {
                OutputKind::Json => json(out, None, NO_CHECK),
                OutputKind::Text => out.say(&format!(
                    "{:<12} {} {}: {NO_CHECK}  [{}]",
                    "-",
                    gk(),
                    id(),
                    source.label()
                )),
            }
            return Some(Severity::Healthy);
        }
        Some(Answer::Disagreed { native, lua }) => {
            let (gk, id) = (gk(), id());
            match output {
                OutputKind::Json => {
                    json(out, Some(native.status_str()), &native.message);
                    out.flush();
                    complain!("disagreement: {gk} {id}: native {native}, lua {lua}");
                }
                OutputKind::Text => out.say(&format!(
                    "DISAGREE     {gk} {id}: native {native}, lua {lua}  [{}]",
                    source.label()
                )),
            }
            return None;
        }
        Some(Answer::Agreed(v)) => v,
    };
    match output {
        OutputKind::Json => json(out, Some(v.status_str()), &v.message),
        OutputKind::Text => {
            let message = v.message.replace('\n', "\\n");
            out.say(&format!(
                "{:<12} {} {}: {message}  [{}]",
                v.status_str(),
                gk(),
                id(),
                source.label()
            ))
        }
    }
    Some(v.severity())
}

pub fn run(args: Args) -> Result<u8> {
    use std::io::IsTerminal;
    super::stdout_open()?;
    if args.paths.is_empty() && std::io::stdin().is_terminal() {
        // Otherwise the command would seem to hang: it waits for objects typed or pasted.
        eprintln!(
            "reading objects from standard input (end with Ctrl-D); give a file to read it instead"
        );
    }
    let mut ev = Evaluator::new(args.argocd.catalog(Catalog::standard())?);
    let mut out = Out::new();
    let mut code = EXIT_OK;
    let mut worst = Severity::Healthy;
    let mut each = |item: super::Input| {
        let obj = match item {
            Ok(o) => o,
            Err(e) => {
                out.flush();
                complain!("error: {e}");
                code = code.max(EXIT_USAGE);
                return;
            }
        };
        match ev.verdict(&obj, args.engine) {
            Ok((_, Some(Answer::Agreed(v))))
                if args.problems && v.severity() == Severity::Healthy => {}
            Ok((_, None)) if args.problems => {}
            Ok((source, answer)) => match print(&mut out, &obj, &source, answer, args.output) {
                Some(severity) => worst = worst.max(severity),
                None => code = EXIT_DISAGREE,
            },
            Err(e) => {
                // One object the runtime cannot take (too large, say) does not stop the others.
                out.flush();
                let gk = GroupKind::new(&obj.group, &obj.kind);
                complain!(
                    "error: {}:{}: {gk} {}: {e:#}",
                    obj.source_name,
                    obj.line,
                    obj.name
                );
                code = code.max(EXIT_USAGE);
            }
        }
    };
    if args.live.cluster {
        let kinds: Vec<String> = args
            .paths
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let read = super::live::each_object(&args.live, &kinds, &args.scope, &mut |o| each(Ok(o)));
        let errors = read.unwrap_or_else(|e| vec![e.to_string()]);
        out.flush();
        for e in &errors {
            complain!("error: {e}");
        }
        if !errors.is_empty() {
            code = code.max(EXIT_USAGE);
        }
    } else {
        // Each object is evaluated as it is read: a dump of hundreds of MB is never held whole.
        for_each_input(&args.paths, &mut each);
    }
    out.finish()?;
    if code != EXIT_OK {
        return Ok(code);
    }
    let threshold = match args.fail_on {
        Some(FailOn::Degraded) => Some(Severity::Degraded),
        Some(FailOn::Progressing) => Some(Severity::Waiting),
        None => None,
    };
    if threshold.is_some_and(|t| worst >= t) {
        return Ok(EXIT_THRESHOLD);
    }
    Ok(EXIT_OK)
}
