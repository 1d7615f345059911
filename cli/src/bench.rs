//! `mas-health bench`: how fast rules evaluate on a user's objects, engine by engine.

use super::{read_inputs, EXIT_OK, EXIT_USAGE};
use crate::gopher::{Case, Harness};
use anyhow::{bail, Context, Result};
use mas_health::argocd::harness as fixtures;
use mas_health::argocd::runtime::{self, Runtime};
use mas_health::{assess, emit, EvalContext};
use mas_health::{Catalog, Entry};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

/// The hand-written first-match Ready/Failure check the generated scripts are compared with.
pub const BASELINE_READY: &str = include_str!("../../benches/baseline/ready_first_match.lua");

/// Measure rule evaluation on objects (yours, or the built-in fixture corpus).
///
/// Reports nanoseconds per object (median of --iterations rounds, each round one pass over all
/// objects), objects per second and this process's peak memory. Engines: native (Rust), lua
/// (Argo CD up to 3.5: fresh state, compile, convert, run for every object), lua-cached (Argo CD
/// 3.6: compiled once, fresh state per object), gopher (gopher-lua through the conformance
/// harness, fresh state and compile per call; needs Go), gopher-cached (gopher-lua, compiled
/// once as Argo CD 3.6 does).
#[derive(clap::Args)]
pub struct Args {
    /// Files of objects (`oc get -o yaml`, JSON Lines); none: the fixtures under health/.
    paths: Vec<PathBuf>,
    /// native: the compiled rules; lua / lua-cached: the generated scripts in the Argo CD
    /// runtime, compiled per evaluation or once; gopher / gopher-cached: the same in gopher-lua
    /// (needs Go).
    #[arg(long, value_enum, default_value = "native")]
    engine: Engine,
    /// Rounds to measure; the median is reported.
    #[arg(long, default_value_t = 10)]
    iterations: u32,
    /// text: a few labelled lines; json: one JSON object with the same figures.
    #[arg(long, value_enum, default_value = "text")]
    output: super::eval::OutputKind,
    /// generated: our scripts; baseline: the hand-written first-match Ready/Failure script
    /// (implies --kinds ready-family; not for the native engine).
    #[arg(long, value_enum, default_value = "generated")]
    script: ScriptKind,
    /// all: every object with a rule; ready-family: only kinds of the MAS Ready family.
    #[arg(long, value_enum, default_value = "all")]
    kinds: Kinds,
    /// Measure every engine in one run and print ratios: native against each Lua path, and the
    /// generated Ready-family script against the hand-written baseline on each Lua path (gopher
    /// paths only when Go and gopher-lua are installed).
    #[arg(long, conflicts_with_all = ["engine", "script"])]
    compare: bool,
    /// Measure the whole path eval takes, from bytes to verdict (native engine): the objects
    /// written in this form in memory, read back by eval's reader and assessed, every round.
    #[arg(long, value_enum, conflicts_with_all = ["compare", "script", "kinds"])]
    input_form: Option<super::bench_input::InputForm>,
    /// With --input-form: the objects repeated (or cut) to this many.
    #[arg(long, requires = "input_form")]
    objects: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    Native,
    Lua,
    LuaCached,
    Gopher,
    GopherCached,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Lua => "lua",
            Engine::LuaCached => "lua-cached",
            Engine::Gopher => "gopher",
            Engine::GopherCached => "gopher-cached",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScriptKind {
    Generated,
    Baseline,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kinds {
    All,
    ReadyFamily,
}

fn corpus(paths: &[PathBuf]) -> Result<(Vec<Value>, bool)> {
    if paths.is_empty() {
        let root = ["health", concat!(env!("CARGO_MANIFEST_DIR"), "/../health")]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .context("no objects given and no health/ folder to use as the corpus")?;
        let mut out = Vec::new();
        for dir in fixtures::discover(&root)? {
            for t in &dir.tests {
                out.push(dir.input(t)?);
            }
        }
        return Ok((out, false));
    }
    let mut bad = false;
    let mut out = Vec::new();
    for item in read_inputs(paths) {
        match item {
            Ok(o) => out.push(o.value),
            Err(e) => {
                eprintln!("error: {e}");
                bad = true;
            }
        }
    }
    Ok((out, bad))
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    *v.get(v.len() / 2)
        .expect("at least one round is measured (--iterations is raised to 1)")
}

pub fn run(args: Args) -> Result<u8> {
    if args.compare {
        return compare(&args);
    }
    if args.script == ScriptKind::Baseline && args.engine == Engine::Native {
        bail!("the baseline is a Lua script: use --engine lua, lua-cached or gopher");
    }
    let (objects, bad_input) = corpus(&args.paths)?;
    let catalog = Catalog::standard();
    if let Some(form) = args.input_form {
        return input_form(&args, form, &objects, bad_input);
    }
    let ready_only = args.kinds == Kinds::ReadyFamily || args.script == ScriptKind::Baseline;
    let work = select_work(&catalog, &objects, ready_only);
    if work.is_empty() && bad_input {
        // The read errors are already said, one line each.
        return Ok(super::EXIT_USAGE);
    }
    if work.is_empty() {
        bail!("no object has a health rule here (see `mas-health list`)");
    }
    let scripts: Vec<String> = work
        .iter()
        .map(|(e, _)| match args.script {
            ScriptKind::Generated => emit::emit(&e.rule),
            ScriptKind::Baseline => BASELINE_READY.to_owned(),
        })
        .collect();
    let rounds = args.iterations.max(1);
    let ns = median(measure(args.engine, &catalog, &work, &scripts, rounds)?);
    report(&args, work.len(), ns, rounds);
    Ok(if bad_input { EXIT_USAGE } else { EXIT_OK })
}

/// `bench --input-form`: reading and assessing, per object, median of the rounds.
fn input_form(
    args: &Args,
    form: super::bench_input::InputForm,
    objects: &[Value],
    bad_input: bool,
) -> Result<u8> {
    use super::bench_input::{measure, repeat, write};
    if args.engine != Engine::Native {
        bail!("--input-form measures what eval runs: the native engine");
    }
    let objects = repeat(objects, args.objects.unwrap_or(objects.len()));
    let text = write(form, &objects)?;
    let rounds = args.iterations.max(1);
    let (read, times) = measure(&text, &Catalog::standard(), rounds)?;
    let ns = median(times);
    match args.output {
        super::eval::OutputKind::Json => println!(
            "{}",
            json!({"engine": "native", "input_form": form.name(), "objects": read,
                   "bytes": text.len(), "ns_per_object": ns.round() as u64})
        ),
        super::eval::OutputKind::Text => {
            println!("input form:         {} ({} bytes)", form.name(), text.len());
            println!("objects:            {read}");
            let noun = if rounds == 1 { "round" } else { "rounds" };
            println!("ns per object:      {ns:.0} (bytes to verdict, median of {rounds} {noun})");
        }
    }
    Ok(if bad_input { EXIT_USAGE } else { EXIT_OK })
}

/// Each object with the entry that applies to it (only Ready-family kinds if `ready_only`).
fn select_work<'a>(
    catalog: &'a Catalog,
    objects: &'a [Value],
    ready_only: bool,
) -> Vec<(&'a Entry, &'a Value)> {
    let ready = mas_health::ready();
    objects
        .iter()
        .filter_map(|o| {
            let gk = mas_health::argocd::group_kind_of(o);
            catalog.lookup(&gk.group, &gk.kind).map(|e| (e, o))
        })
        .filter(|(e, _)| !ready_only || e.rule == ready)
        .collect()
}

/// Nanoseconds per object of each round: `scripts[i]` is what runs on `work[i]` in Lua.
fn measure(
    engine: Engine,
    catalog: &Catalog,
    work: &[(&Entry, &Value)],
    scripts: &[String],
    rounds: u32,
) -> Result<Vec<f64>> {
    let n = work.len() as f64;
    let timed = |pass: &mut dyn FnMut() -> Result<()>| -> Result<Vec<f64>> {
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                pass()?;
                Ok(t.elapsed().as_nanos() as f64 / n)
            })
            .collect()
    };
    match engine {
        Engine::Native => {
            // Exactly the call `eval` makes for each object (`assess`: Argo CD's pre-check, the
            // catalog lookup, the entry's plan, compiled on first use and kept), so the plans
            // are compiled before the rounds are timed.
            let ctx = EvalContext::now();
            for (_, o) in work {
                assess(catalog, o, &ctx);
            }
            timed(&mut || {
                for (_, o) in work {
                    black_box(assess(catalog, o, &ctx));
                }
                Ok(())
            })
        }
        Engine::Lua => {
            let rt = Runtime::default();
            timed(&mut || {
                for ((_, o), s) in work.iter().zip(scripts) {
                    black_box(rt.run(s, o)?);
                }
                Ok(())
            })
        }
        Engine::LuaCached => {
            let rt = Runtime::default();
            let mut cache: std::collections::HashMap<&str, Vec<u8>> = Default::default();
            for s in scripts {
                if !cache.contains_key(s.as_str()) {
                    let code = runtime::compile(s).map_err(anyhow::Error::msg)?;
                    cache.insert(s, code);
                }
            }
            timed(&mut || {
                for ((_, o), s) in work.iter().zip(scripts) {
                    black_box(rt.run_compiled(&cache[s.as_str()], o)?);
                }
                Ok(())
            })
        }
        Engine::Gopher | Engine::GopherCached => measure_gopher(engine, work, scripts, rounds),
    }
}

/// gopher-lua times each call itself (process start and JSON excluded).
fn measure_gopher(
    engine: Engine,
    work: &[(&Entry, &Value)],
    scripts: &[String],
    rounds: u32,
) -> Result<Vec<f64>> {
    let harness = Harness::build_cached()?;
    let cases: Vec<Case<'_>> = work
        .iter()
        .zip(scripts)
        .map(|((_, o), s)| Case {
            script: s,
            object: o,
            open_libs: false,
        })
        .collect();
    let cached = engine == Engine::GopherCached;
    (0..rounds)
        .map(|_| {
            let total: u64 = harness
                .bench(&cases, 1, cached)?
                .iter()
                .map(|(_, ns)| ns)
                .sum();
            Ok(total as f64 / work.len() as f64)
        })
        .collect()
}

/// Prints the figures as text or one JSON object.
fn report(args: &Args, objects: usize, ns: f64, rounds: u32) {
    let per_second = if ns > 0.0 { 1e9 / ns } else { 0.0 };
    match args.output {
        super::eval::OutputKind::Json => println!(
            "{}",
            json!({
                "engine": args.engine.name(),
                "objects": objects,
                "ns_per_object": ns.round() as u64,
                "objects_per_second": per_second.round() as u64,
            })
        ),
        super::eval::OutputKind::Text => {
            println!("engine:             {}", args.engine.name());
            println!(
                "script:             {}",
                match args.script {
                    ScriptKind::Generated => "generated",
                    ScriptKind::Baseline => "hand-written first-match baseline",
                }
            );
            println!("objects:            {objects}");
            let noun = if rounds == 1 { "round" } else { "rounds" };
            println!("ns per object:      {ns:.0} (median of {rounds} {noun})");
            println!("objects per second: {per_second:.0}");
            match peak_memory_kib() {
                Some(k) => println!(
                    "peak memory:        {:.1} MiB (this process)",
                    k as f64 / 1024.0
                ),
                None => println!("peak memory:        unavailable on this system"),
            }
        }
    }
}

/// One figure of a comparison run.
struct Figure {
    name: String,
    ns: f64,
}

/// Every engine on the same corpus, then generated vs hand-written on the Ready family.
fn compare(args: &Args) -> Result<u8> {
    let (objects, bad_input) = corpus(&args.paths)?;
    let catalog = Catalog::standard();
    let rounds = args.iterations.max(1);
    let gopher = Harness::available().is_ok();
    let mut lua_engines = vec![Engine::Lua, Engine::LuaCached];
    if gopher {
        lua_engines.extend([Engine::Gopher, Engine::GopherCached]);
    }
    let all = select_work(&catalog, &objects, false);
    let ready = select_work(&catalog, &objects, true);
    if all.is_empty() || ready.is_empty() {
        bail!("--compare needs objects with rules, Ready-family kinds among them");
    }
    let generated: Vec<String> = all.iter().map(|(e, _)| emit::emit(&e.rule)).collect();
    let native = median(measure(Engine::Native, &catalog, &all, &generated, rounds)?);
    let mut figures = vec![Figure {
        name: "native".to_owned(),
        ns: native,
    }];
    let mut ratios = Vec::new();
    for engine in &lua_engines {
        let ns = median(measure(*engine, &catalog, &all, &generated, rounds)?);
        ratios.push((format!("{} / native", engine.name()), ns / native));
        figures.push(Figure {
            name: engine.name().to_owned(),
            ns,
        });
    }
    let ours: Vec<String> = ready.iter().map(|(e, _)| emit::emit(&e.rule)).collect();
    let theirs = vec![BASELINE_READY.to_owned(); ready.len()];
    for engine in &lua_engines {
        let g = median(measure(*engine, &catalog, &ready, &ours, rounds)?);
        let h = median(measure(*engine, &catalog, &ready, &theirs, rounds)?);
        ratios.push((
            format!("generated / hand-written, {}", engine.name()),
            g / h,
        ));
    }
    print_comparison(args, all.len(), ready.len(), &figures, &ratios, gopher);
    Ok(if bad_input { EXIT_USAGE } else { EXIT_OK })
}

fn print_comparison(
    args: &Args,
    objects: usize,
    ready: usize,
    figures: &[Figure],
    ratios: &[(String, f64)],
    gopher: bool,
) {
    match args.output {
        super::eval::OutputKind::Json => {
            let ns: serde_json::Map<String, Value> = figures
                .iter()
                .map(|f| (f.name.clone(), json!(f.ns.round() as u64)))
                .collect();
            let r: serde_json::Map<String, Value> = ratios
                .iter()
                .map(|(k, v)| (k.clone(), json!((v * 100.0).round() / 100.0)))
                .collect();
            println!(
                "{}",
                json!({"objects": objects, "ready_family_objects": ready,
                       "ns_per_object": ns, "ratios": r})
            );
        }
        super::eval::OutputKind::Text => {
            println!("objects: {objects} ({ready} of the Ready family)");
            for f in figures {
                println!("{:<28} {:>10.0} ns per object", f.name, f.ns);
            }
            for (name, r) in ratios {
                println!("{name:<44} {r:>8.2}");
            }
            if !gopher {
                println!("(gopher-lua paths skipped: Go and gopher-lua are not installed)");
            }
        }
    }
}
