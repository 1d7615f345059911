//! `mas-health bench --input-form F`: the whole path eval takes, from bytes to verdict. The
//! objects are written once in the form (in memory), then every round reads them back with the
//! reader eval uses and assesses each as eval does.

use anyhow::{Context, Result};
use mas_health::io::for_each_object_in;
use mas_health::{assess, Catalog};
use serde_json::{json, Value};
use std::hint::black_box;
use std::time::Instant;

/// How the objects are written for the reader.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputForm {
    /// One compact JSON object a line.
    Jsonl,
    /// Pretty-printed JSON objects one after another (`jq '.items[]'`).
    Concatenated,
    /// One JSON `kind: List` (`oc get -o json`).
    JsonList,
    /// One YAML `kind: List` (`oc get -o yaml`).
    YamlList,
    /// One YAML document an object, separated by `---`.
    YamlMulti,
}

impl InputForm {
    /// The form's name as the flag spells it.
    pub fn name(self) -> &'static str {
        match self {
            InputForm::Jsonl => "jsonl",
            InputForm::Concatenated => "concatenated",
            InputForm::JsonList => "json-list",
            InputForm::YamlList => "yaml-list",
            InputForm::YamlMulti => "yaml-multi",
        }
    }
}

/// `objects` written in `form`.
pub fn write(form: InputForm, objects: &[Value]) -> Result<String> {
    let list = || json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {}});
    let mut out = String::new();
    match form {
        InputForm::Jsonl => {
            for o in objects {
                out.push_str(&serde_json::to_string(o)?);
                out.push('\n');
            }
        }
        InputForm::Concatenated => {
            for o in objects {
                out.push_str(&serde_json::to_string_pretty(o)?);
                out.push('\n');
            }
        }
        InputForm::JsonList => out = serde_json::to_string(&list())?,
        InputForm::YamlList => out = serde_saphyr::to_string(&list()).context("YAML")?,
        InputForm::YamlMulti => {
            for o in objects {
                out.push_str("---\n");
                out.push_str(&serde_saphyr::to_string(o).context("YAML")?);
            }
        }
    }
    Ok(out)
}

/// Nanoseconds per object of each round: read `text` back and assess every object.
pub fn measure(text: &str, catalog: &Catalog, rounds: u32) -> Result<(usize, Vec<f64>)> {
    let mut times = Vec::new();
    let mut objects = 0;
    for _ in 0..rounds {
        let mut input = std::io::Cursor::new(text.as_bytes());
        let (mut read, mut bad) = (0usize, None);
        let start = Instant::now();
        for_each_object_in("bench", &mut input, &mut |item| match item {
            Ok(obj) => {
                black_box(assess(
                    catalog,
                    black_box(&obj.value),
                    &mas_health::EvalContext::now(),
                ));
                read += 1;
            }
            Err(e) => bad = Some(e),
        });
        let elapsed = start.elapsed().as_nanos() as f64;
        if let Some(e) = bad {
            anyhow::bail!("the written form does not read back: {e}");
        }
        objects = read;
        times.push(elapsed / read.max(1) as f64);
    }
    Ok((objects, times))
}

/// `objects` repeated until there are `count` of them.
pub fn repeat(objects: &[Value], count: usize) -> Vec<Value> {
    objects.iter().cycle().take(count).cloned().collect()
}
