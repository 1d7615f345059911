//! `mas-health eval`: the health Argo CD would give each saved object.

use super::{read_inputs, EXIT_DISAGREE, EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::catalog::{self, Entry};
use mas_health::input::Object;
use mas_health::runtime::Runtime;
use mas_health::{emit, eval};
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

/// Argo CD's ranking of health, worst last.
fn rank(status: &str) -> u8 {
    match status {
        "Healthy" => 0,
        "Suspended" => 1,
        "Progressing" => 2,
        "Missing" => 3,
        "Degraded" => 4,
        "Unknown" => 5,
        _ => 2,
    }
}

/// The (status, message) Argo CD would show, or the engines' two answers when they differ.
pub enum Verdict {
    Agreed(String, String),
    Disagreed {
        native: (String, String),
        lua: (String, String),
    },
}

/// Evaluates objects with an engine, caching the generated script of each rule.
pub struct Evaluator {
    entries: Vec<Entry>,
    scripts: HashMap<String, String>,
    runtime: Runtime,
}

impl Evaluator {
    pub fn new() -> Self {
        Evaluator {
            entries: catalog::entries(),
            scripts: HashMap::new(),
            runtime: Runtime::default(),
        }
    }

    pub fn entry(&self, obj: &Object) -> Option<&Entry> {
        catalog::lookup(&self.entries, &obj.group, &obj.kind)
    }

    fn lua(&mut self, key: &str, obj: &Object) -> Result<(String, String)> {
        let Some(entry) = catalog::lookup(&self.entries, &obj.group, &obj.kind) else {
            anyhow::bail!("no rule for {key}");
        };
        let script = self
            .scripts
            .entry(key.to_owned())
            .or_insert_with(|| emit::emit(&entry.rule));
        Ok(self.runtime.run(script, &obj.value)?.as_argocd())
    }

    /// The verdict for `obj` under `engine`, or `None` when no rule applies.
    pub fn verdict(&mut self, obj: &Object, engine: Engine) -> Result<Option<(String, Verdict)>> {
        let Some(entry) = self.entry(obj) else {
            return Ok(None);
        };
        let key = entry.key();
        // Argo CD reports a resource being deleted before any health script runs.
        if let Some(h) = eval::pending_deletion(&obj.value) {
            return Ok(Some((
                key,
                Verdict::Agreed(h.status.to_string(), h.message),
            )));
        }
        let native = || {
            let h = eval::evaluate(&entry.rule, &obj.value);
            (h.status.to_string(), h.message)
        };
        let verdict = match engine {
            Engine::Native => {
                let (s, m) = native();
                Verdict::Agreed(s, m)
            }
            Engine::Lua => {
                let (s, m) = self.lua(&key, obj)?;
                Verdict::Agreed(s, m)
            }
            Engine::Both => {
                let n = native();
                let l = self.lua(&key, obj)?;
                if n == l {
                    Verdict::Agreed(n.0, n.1)
                } else {
                    Verdict::Disagreed { native: n, lua: l }
                }
            }
        };
        Ok(Some((key, verdict)))
    }
}

pub fn run(args: Args) -> Result<u8> {
    let mut ev = Evaluator::new();
    let mut code = EXIT_OK;
    let mut worst = 0u8;
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
        let gk = catalog::key_of(&obj.group, &obj.kind);
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
            Some((rule, Verdict::Agreed(status, message))) => {
                worst = worst.max(rank(&status));
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
            Some((rule, Verdict::Disagreed { native, lua })) => {
                code = EXIT_DISAGREE;
                match args.output {
                    OutputKind::Json => {
                        println!(
                            "{}",
                            json!({"group": obj.group, "kind": obj.kind, "namespace": obj.namespace,
                                   "name": obj.name, "status": native.0, "message": native.1, "rule": rule})
                        );
                        eprintln!(
                            "disagreement: {gk} {id}: native {} \"{}\", lua {} \"{}\"",
                            native.0, native.1, lua.0, lua.1
                        );
                    }
                    OutputKind::Text => println!(
                        "DISAGREE     {gk} {id}: native {} \"{}\", lua {} \"{}\"  [rule {rule}]",
                        native.0, native.1, lua.0, lua.1
                    ),
                }
            }
        }
    }
    if code != EXIT_OK {
        return Ok(code);
    }
    let threshold = match args.fail_on {
        Some(FailOn::Degraded) => Some(rank("Degraded")),
        Some(FailOn::Progressing) => Some(rank("Progressing")),
        None => None,
    };
    if threshold.is_some_and(|t| worst >= t) {
        return Ok(EXIT_THRESHOLD);
    }
    Ok(EXIT_OK)
}
