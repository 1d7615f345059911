//! `mas-health eval`: the health Argo CD would give each saved object.

use super::{read_inputs, EXIT_DISAGREE, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::runtime::Runtime;
use mas_health::argocd::{GroupKind, Severity, Verdict};
use mas_health::input::Object;
use mas_health::{emit, Catalog, Entry};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;

/// Evaluate the health of objects saved with `oc get -o yaml` (or JSON, or JSON Lines).
///
/// Reads single objects, multi-document YAML, `kind: List` and JSON Lines from each PATH
/// (`-` or nothing: standard input). Exit codes: 0 done, 1 --fail-on reached, 2 usage or input
/// error (the other documents are still evaluated), 3 the engines disagree.
#[derive(clap::Args)]
pub struct Args {
    /// Files to read; `-` for standard input.
    paths: Vec<PathBuf>,
    /// text: one line per object; json: JSON Lines with group, kind, namespace, name, status,
    /// message, rule.
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
}

impl Evaluator {
    pub fn new(catalog: Catalog) -> Self {
        Evaluator {
            catalog,
            scripts: HashMap::new(),
            runtime: Runtime::default(),
        }
    }

    pub fn entry(&self, obj: &Object) -> Option<&Entry> {
        self.catalog.lookup(&obj.group, &obj.kind)
    }

    fn lua(&mut self, entry: &Entry, obj: &Object) -> Result<Verdict> {
        let script = self
            .scripts
            .entry(entry.key())
            .or_insert_with(|| emit(&entry.rule));
        Ok(self.runtime.run(script, &obj.value)?.verdict())
    }

    /// The verdict for `obj` under `engine`, or `None` when no rule applies.
    pub fn verdict(&mut self, obj: &Object, engine: Engine) -> Result<Option<(String, Answer)>> {
        let Some(entry) = self.entry(obj).cloned() else {
            return Ok(None);
        };
        // Argo CD reports a resource being deleted before any health script runs.
        if let Some(h) = mas_health::argocd::pre_check(&obj.value) {
            return Ok(Some((entry.key(), Answer::Agreed(h.into()))));
        }
        let native = || Verdict::from(mas_health::evaluate(&entry.rule, &obj.value));
        let answer = match engine {
            Engine::Native => Answer::Agreed(native()),
            Engine::Lua => Answer::Agreed(self.lua(&entry, obj)?),
            Engine::Both => {
                let (n, l) = (native(), self.lua(&entry, obj)?);
                if n == l {
                    Answer::Agreed(n)
                } else {
                    Answer::Disagreed { native: n, lua: l }
                }
            }
        };
        Ok(Some((entry.key(), answer)))
    }
}

pub fn run(args: Args) -> Result<u8> {
    let mut ev = Evaluator::new(Catalog::standard());
    let mut code = EXIT_OK;
    let mut worst = Severity::Healthy;
    for item in read_inputs(&args.paths) {
        let obj = match item {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                code = code.max(EXIT_USAGE);
                continue;
            }
        };
        let id = if obj.namespace.is_empty() {
            obj.name.clone()
        } else {
            format!("{}/{}", obj.namespace, obj.name)
        };
        let gk = GroupKind::new(&obj.group, &obj.kind).key();
        let verdict = match ev.verdict(&obj, args.engine) {
            Ok(v) => v,
            Err(e) => {
                // One object the runtime cannot take (too large, say) does not stop the others.
                eprintln!("error: {}:{}: {gk} {id}: {e:#}", obj.source_name, obj.line);
                code = code.max(EXIT_USAGE);
                continue;
            }
        };
        match verdict {
            None => match args.output {
                OutputKind::Json => println!(
                    "{}",
                    json!({"group": obj.group, "kind": obj.kind, "namespace": obj.namespace,
                           "name": obj.name, "status": null, "message": "no health rule for this kind", "rule": null})
                ),
                OutputKind::Text => println!("{:<12} {gk} {id}: no health rule for this kind", "-"),
            },
            Some((rule, Answer::Agreed(v))) => {
                worst = worst.max(v.severity());
                let (status, message) = (v.status_str(), v.message);
                match args.output {
                    OutputKind::Json => println!(
                        "{}",
                        json!({"group": obj.group, "kind": obj.kind, "namespace": obj.namespace,
                               "name": obj.name, "status": status, "message": message, "rule": rule})
                    ),
                    OutputKind::Text => {
                        let message = message.replace('\n', "\\n");
                        println!("{status:<12} {gk} {id}: {message}  [rule {rule}]")
                    }
                }
            }
            Some((rule, Answer::Disagreed { native, lua })) => {
                code = EXIT_DISAGREE;
                match args.output {
                    OutputKind::Json => {
                        println!(
                            "{}",
                            json!({"group": obj.group, "kind": obj.kind, "namespace": obj.namespace,
                                   "name": obj.name, "status": native.status_str(), "message": &native.message, "rule": rule})
                        );
                        eprintln!("disagreement: {gk} {id}: native {native}, lua {lua}");
                    }
                    OutputKind::Text => println!(
                        "DISAGREE     {gk} {id}: native {native}, lua {lua}  [rule {rule}]"
                    ),
                }
            }
        }
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
