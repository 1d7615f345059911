//! `mas-health explain`: which clause decided, and the values it read.

use super::{for_each_input, EXIT_OK, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::GroupKind;
use mas_health::rule::eval;
use mas_health::{Catalog, Source};
use std::path::PathBuf;

/// Explain the verdict for each object: every clause tried in priority order, the one that
/// decided, and the fields and conditions the rule read.
#[derive(clap::Args)]
pub struct Args {
    /// Files to read; `-` for standard input.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
}

fn compact(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(v) => v.to_string(),
    }
}

/// For a kind the catalog has no rule for: Argo CD's own check, or none.
fn explain_without_rule(catalog: &Catalog, obj: &serde_json::Value) {
    let a = mas_health::assess(catalog, obj);
    match (&a.source, &a.verdict) {
        (Source::NoCheck, _) | (_, None) => {
            say!("  no health check for this kind: Argo CD records no health, and a sync wave treats it as healthy at once");
            println!();
        }
        (source, Some(v)) => {
            say!("  {}: {} {:?}", source.label(), v.status_str(), v.message);
            println!();
        }
    }
}

pub fn run(args: Args) -> Result<u8> {
    let catalog = args.argocd.catalog(Catalog::standard())?;
    let mut code = EXIT_OK;
    // One object at a time, as `eval` reads them: a large dump is never held whole.
    for_each_input(&args.paths, &mut |item| match item {
        Ok(obj) => explain_object(&catalog, &obj),
        Err(e) => {
            complain!("error: {e}");
            code = EXIT_USAGE;
        }
    });
    Ok(code)
}

/// Prints how `obj`'s verdict is reached: the rule, the clause that decided, what was read.
fn explain_object(catalog: &Catalog, obj: &mas_health::input::Object) {
    let gk = GroupKind::new(&obj.group, &obj.kind).key();
    say!("{gk} {}/{}", obj.namespace, obj.name);
    let Some(entry) = catalog.lookup(&obj.group, &obj.kind) else {
        explain_without_rule(catalog, &obj.value);
        return;
    };
    say!("  rule {} ({})", entry.key(), entry.rule.name);
    if let Some(h) = mas_health::argocd::pre_check(&obj.value) {
        say!(
            "  metadata.deletionTimestamp is set: Argo CD reports {} \"{}\" before any check runs",
            h.status,
            h.message
        );
        println!();
        return;
    }
    let decision = eval::decide(&entry.rule, &obj.value);
    for (i, clause) in entry.rule.clauses.iter().enumerate() {
        let decided = decision.clause.is_some_and(|c| std::ptr::eq(c, clause));
        let mark = if decided { "=>" } else { "  " };
        say!("  {mark} {}. {} -> {}", i + 1, clause.name, clause.status);
        if decided {
            break;
        }
    }
    if decision.clause.is_none() {
        say!("  => otherwise -> {}", entry.rule.default_status);
    }
    say!(
        "  verdict: {} \"{}\"",
        decision.health.status,
        decision.health.message
    );
    let paths = entry.rule.paths_read();
    if !paths.is_empty() {
        say!("  fields read:");
        for p in paths {
            say!("    {p} = {}", compact(eval::get(&obj.value, p)));
        }
    }
    let sels = entry.rule.condition_selectors();
    if !sels.is_empty() {
        say!("  conditions (in the order the object lists them):");
        let mut any = false;
        for c in eval::conditions(&obj.value) {
            any = true;
            let f = |k: &str| compact(eval::field(c, k));
            say!(
                "    type={} status={} reason={} message={}",
                f("type"),
                f("status"),
                f("reason"),
                f("message")
            );
        }
        if !any {
            say!("    (none)");
        }
    }
    println!();
}
