//! `mas-health eval`: the health Argo CD would give each saved object.

use super::{for_each_input, EXIT_DISAGREE, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::runtime::Runtime;
use mas_health::argocd::{GroupKind, Severity, Verdict};
use mas_health::io::Object;
use mas_health::{assess, emit, Assessment, Catalog, Entry, EvalContext, Source};
use serde_json::json;
use std::collections::HashMap;
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
        Source::Catalog { key, .. } => ("rule", Some(key.as_str())),
        Source::BuiltIn { .. } | Source::NotEvaluated { .. } => ("built-in", None),
        Source::PreCheck => ("pre-check", None),
        Source::NoCheck => ("none", None),
    }
}

const NO_CHECK: &str = "no health check: Argo CD treats it as healthy for sync waves";

/// Prints one object's line; returns its severity (no check counts as Healthy, as Argo CD's
/// sync waves treat it), or `None` for a disagreement.
fn print(
    obj: &Object,
    source: &Source,
    answer: Option<Answer>,
    output: OutputKind,
) -> Option<Severity> {
    let id = if obj.namespace.is_empty() {
        obj.name.clone()
    } else {
        format!("{}/{}", obj.namespace, obj.name)
    };
    let gk = GroupKind::new(&obj.group, &obj.kind).key();
    let (kind, rule) = source_fields(source);
    let label = source.label();
    let line = |status: Option<&str>, message: &str| {
        json!({"group": obj.group, "kind": obj.kind, "namespace": obj.namespace, "name": obj.name,
               "status": status, "message": message, "source": kind, "rule": rule})
    };
    let v = match answer {
        None => {
            match output {
                OutputKind::Json => println!("{}", line(None, NO_CHECK)),
                OutputKind::Text => say!("{:<12} {gk} {id}: {NO_CHECK}  [{label}]", "-"),
            }
            return Some(Severity::Healthy);
        }
        Some(Answer::Disagreed { native, lua }) => {
            match output {
                OutputKind::Json => {
                    println!("{}", line(Some(native.status_str()), &native.message));
                    complain!("disagreement: {gk} {id}: native {native}, lua {lua}");
                }
                OutputKind::Text => {
                    say!("DISAGREE     {gk} {id}: native {native}, lua {lua}  [{label}]")
                }
            }
            return None;
        }
        Some(Answer::Agreed(v)) => v,
    };
    match output {
        OutputKind::Json => println!("{}", line(Some(v.status_str()), &v.message)),
        OutputKind::Text => {
            let message = v.message.replace('\n', "\\n");
            say!("{:<12} {gk} {id}: {message}  [{label}]", v.status_str())
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
    let mut code = EXIT_OK;
    let mut worst = Severity::Healthy;
    let mut each = |item: super::Input| {
        let obj = match item {
            Ok(o) => o,
            Err(e) => {
                complain!("error: {e}");
                code = code.max(EXIT_USAGE);
                return;
            }
        };
        match ev.verdict(&obj, args.engine) {
            Ok((_, Some(Answer::Agreed(v))))
                if args.problems && v.severity() == Severity::Healthy => {}
            Ok((_, None)) if args.problems => {}
            Ok((source, answer)) => match print(&obj, &source, answer, args.output) {
                Some(severity) => worst = worst.max(severity),
                None => code = EXIT_DISAGREE,
            },
            Err(e) => {
                // One object the runtime cannot take (too large, say) does not stop the others.
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
