//! Rule evaluation, side by side: native, the generated Lua in mlua as Argo CD up to 3.5 runs
//! it (fresh state and compile per object) and as 3.6 runs it (compiled once), the hand-written
//! first-match baseline, a corpus of 1k to 100k mixed objects to show linear growth, and the
//! same objects read from bytes in every input form eval takes (`input_forms`).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use mas_health::argocd::harness as fixtures;
use mas_health::argocd::runtime::{self, Runtime};
use mas_health::Entry;
use mas_health::{emit, evaluate_rule, EvalContext};
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// The writer and reader loop `mas-health bench --input-form` uses, so both measure alike.
#[path = "../cli/src/bench_input.rs"]
#[allow(dead_code)]
mod bench_input;

const BASELINE_READY: &str = include_str!("baseline/ready_first_match.lua");

/// Kinds standing for each family of rules.
const REPRESENTATIVES: &[&str] = &[
    "core.mas.ibm.com/Suite",
    "apps.mas.ibm.com/ManageWorkspace",
    "config.mas.ibm.com/AppCfg",
    "operators.coreos.com/Subscription",
    "db2u.databases.ibm.com/Db2uInstance",
    "cpd.ibm.com/Ibmcpd",
    "argoproj.io/Application",
];

fn fixture_objects() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("health");
    let mut out = Vec::new();
    for dir in fixtures::discover(&root).expect("health/ is readable") {
        for t in &dir.tests {
            let key = format!("{}/{}", dir.group, dir.kind);
            out.push((key, dir.input(t).expect("fixture parses")));
        }
    }
    out
}

fn entry<'a>(entries: &'a [Entry], key: &str) -> &'a Entry {
    entries
        .iter()
        .find(|e| e.key() == key)
        .expect("representative kind is in the catalog")
}

fn per_rule(c: &mut Criterion) {
    let entries = mas_health::Catalog::standard().entries().to_vec();
    let objects = fixture_objects();
    let rt = Runtime::default();
    let mut group = c.benchmark_group("per_rule");
    for key in REPRESENTATIVES {
        let e = entry(&entries, key);
        let objs: Vec<&Value> = objects
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, o)| o)
            .collect();
        let script = emit(&e.rule);
        let code = runtime::compile(&script).expect("compiles");
        group.throughput(Throughput::Elements(objs.len() as u64));
        let ctx = EvalContext::now();
        group.bench_with_input(BenchmarkId::new("native", key), &objs, |b, objs| {
            b.iter(|| {
                for o in objs {
                    black_box(e.plan().evaluate(o, &ctx));
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("lua_fresh", key), &objs, |b, objs| {
            b.iter(|| {
                for o in objs {
                    black_box(rt.run(&script, o).expect("runs"));
                }
            })
        });
        group.bench_with_input(BenchmarkId::new("lua_cached", key), &objs, |b, objs| {
            b.iter(|| {
                for o in objs {
                    black_box(rt.run_compiled(&code, o).expect("runs"));
                }
            })
        });
    }
    group.finish();
}

/// The whole fixture corpus through the native engine: the interpreter (plans built on the fly)
/// and plans compiled once per rule, as a caller evaluating many objects would hold them.
fn native_corpus(c: &mut Criterion) {
    let catalog = mas_health::Catalog::standard();
    let objects = fixture_objects();
    let work: Vec<(&Entry, &Value)> = objects
        .iter()
        .filter_map(|(k, o)| {
            catalog
                .entries()
                .iter()
                .find(|e| e.key() == *k)
                .map(|e| (e, o))
        })
        .collect();
    let ctx = EvalContext::now();
    let mut group = c.benchmark_group("native_corpus");
    group.throughput(Throughput::Elements(work.len() as u64));
    group.bench_function("interpreted", |b| {
        b.iter(|| {
            for (e, o) in &work {
                black_box(evaluate_rule(&e.rule, o));
            }
        })
    });
    group.bench_function("plan", |b| {
        b.iter(|| {
            for (e, o) in &work {
                black_box(e.plan().evaluate(o, &ctx));
            }
        })
    });
    group.finish();
}

fn generated_vs_hand_written(c: &mut Criterion) {
    let entries = mas_health::Catalog::standard().entries().to_vec();
    let ready = mas_health::ready();
    let objs: Vec<Value> = fixture_objects()
        .into_iter()
        .filter(|(k, _)| entries.iter().any(|e| e.key() == *k && e.rule == ready))
        .map(|(_, o)| o)
        .collect();
    let rt = Runtime::default();
    let generated = emit(&ready);
    let mut group = c.benchmark_group("ready_family");
    group.throughput(Throughput::Elements(objs.len() as u64));
    for (name, script) in [
        ("generated", generated.as_str()),
        ("hand_written", BASELINE_READY),
    ] {
        let code = runtime::compile(script).expect("compiles");
        group.bench_function(BenchmarkId::new("lua_fresh", name), |b| {
            b.iter(|| {
                for o in &objs {
                    black_box(rt.run(script, o).expect("runs"));
                }
            })
        });
        group.bench_function(BenchmarkId::new("lua_cached", name), |b| {
            b.iter(|| {
                for o in &objs {
                    black_box(rt.run_compiled(&code, o).expect("runs"));
                }
            })
        });
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let catalog = mas_health::Catalog::standard();
    let ctx = EvalContext::now();
    let base = fixture_objects();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    for size in [1_000usize, 10_000, 100_000] {
        let objs: Vec<&Value> = base.iter().cycle().take(size).map(|(_, o)| o).collect();
        group.throughput(Throughput::Elements(size as u64));
        // Lookup by group and kind is part of the work, as in Argo CD.
        let lookup = |o: &Value| {
            let api = o["apiVersion"].as_str().unwrap_or_default();
            let kind = o["kind"].as_str().unwrap_or_default();
            catalog.lookup(mas_health::argocd::group_of(api), kind)
        };
        group.bench_with_input(BenchmarkId::new("interpreted", size), &objs, |b, objs| {
            b.iter(|| {
                for o in objs {
                    if let Some(e) = lookup(o) {
                        black_box(evaluate_rule(&e.rule, o));
                    }
                }
            })
        });
        // What `mas-health eval` calls for each object.
        group.bench_with_input(BenchmarkId::new("native", size), &objs, |b, objs| {
            b.iter(|| {
                for o in objs {
                    black_box(mas_health::assess(&catalog, o, &ctx));
                }
            })
        });
    }
    group.finish();
}

/// Bytes to verdict, the path eval takes, for every input form at 1k, 10k and 100k objects: a
/// step that is not linear in the input shows as ns per object growing with the size.
fn input_forms(c: &mut Criterion) {
    use bench_input::{repeat, write, InputForm};
    use criterion::SamplingMode;
    let catalog = mas_health::Catalog::standard();
    let base: Vec<Value> = fixture_objects().into_iter().map(|(_, o)| o).collect();
    let mut group = c.benchmark_group("input_forms");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let forms = [
        InputForm::Jsonl,
        InputForm::Concatenated,
        InputForm::JsonList,
        InputForm::YamlList,
        InputForm::YamlMulti,
    ];
    for form in forms {
        for size in [1_000usize, 10_000, 100_000] {
            let text = write(form, &repeat(&base, size)).expect("the corpus writes");
            group.throughput(Throughput::Elements(size as u64));
            group.bench_with_input(BenchmarkId::new(form.name(), size), &text, |b, text| {
                b.iter(|| {
                    let mut input = std::io::Cursor::new(text.as_bytes());
                    mas_health::io::for_each_object_in("bench", &mut input, &mut |o| {
                        if let Ok(o) = o {
                            black_box(mas_health::assess(
                                &catalog,
                                &o.value,
                                &mas_health::EvalContext::now(),
                            ));
                        }
                    });
                })
            });
        }
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = per_rule, native_corpus, generated_vs_hand_written, corpus, input_forms
}
criterion_main!(benches);
