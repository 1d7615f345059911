//! `mas-health explain`: which clause decided, and the values it read.

use super::{for_each_input, EXIT_OK, EXIT_USAGE};
use anyhow::Result;
use mas_health::argocd::GroupKind;
use mas_health::{Catalog, EvalContext, Source};
use std::path::PathBuf;

/// Explain the verdict for each object: every clause tried in priority order, the one that
/// decided, and the fields and conditions the rule read.
#[derive(clap::Args)]
pub struct Args {
    /// Files to read; `-` for standard input. With `--cluster`: one `GROUP/KIND/NAME`
    /// (`KIND/NAME` for core kinds), read from `-n NS` or the context's namespace.
    paths: Vec<PathBuf>,
    /// Show every field value whole; by default a value longer than 80 characters is
    /// summarised (`{…} 4 keys, 1.7 KB`).
    #[arg(long)]
    full: bool,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
    #[command(flatten)]
    live: super::live::Flags,
    #[command(flatten)]
    scope: super::live::Scope,
}

/// A field value as JSON: whole with `--full`, else summarised when large.
fn compact(v: Option<&serde_json::Value>, full: bool) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(v) if full => v.to_string(),
        Some(v) => mas_health::summarize(v),
    }
}

/// A status and its message as every command shows them: `STATUS: message`, unquoted (control
/// characters are escaped when printed), or `STATUS` alone.
fn with_message(status: &str, message: &str) -> String {
    if message.is_empty() {
        status.to_owned()
    } else {
        format!("{status}: {message}")
    }
}

/// For a kind the catalog has no rule for: Argo CD's own check, or none.
fn explain_without_rule(catalog: &Catalog, obj: &serde_json::Value) {
    let a = mas_health::assess(catalog, obj, &EvalContext::now());
    match (&a.source, &a.verdict) {
        (Source::NoCheck, _) | (_, None) => {
            say!("  no health check for this kind: Argo CD records no health, and a sync wave treats it as healthy at once");
            println!();
        }
        (source, Some(v)) => {
            say!(
                "  {}: {}",
                source.label(),
                with_message(v.status_str(), &v.message)
            );
            println!();
        }
    }
}

pub fn run(args: Args) -> Result<u8> {
    let catalog = args.argocd.catalog(Catalog::standard())?;
    if args.live.cluster {
        return explain_live(&catalog, &args);
    }
    let mut code = EXIT_OK;
    // One object at a time, as `eval` reads them: a large dump is never held whole.
    for_each_input(&args.paths, &mut |item| match item {
        Ok(obj) => explain_object(&catalog, &obj, args.full),
        Err(e) => {
            complain!("error: {e}");
            code = EXIT_USAGE;
        }
    });
    Ok(code)
}

/// `explain --cluster GROUP/KIND/NAME`: the same explanation for one live object.
fn explain_live(catalog: &Catalog, args: &Args) -> Result<u8> {
    let [id] = args.paths.as_slice() else {
        complain!("error: explain --cluster takes one GROUP/KIND/NAME");
        return Ok(EXIT_USAGE);
    };
    let id = id.to_string_lossy();
    match super::live::one_object(&args.live, &id, &args.scope) {
        Ok(Some(obj)) => {
            explain_object(catalog, &obj, args.full);
            Ok(EXIT_OK)
        }
        Ok(None) => {
            complain!("error: {id} not found");
            Ok(EXIT_USAGE)
        }
        Err(e) => {
            complain!("error: {e}");
            Ok(EXIT_USAGE)
        }
    }
}

/// Prints how `obj`'s verdict is reached: the rule, the clause that decided, what was read.
fn explain_object(catalog: &Catalog, obj: &mas_health::io::Object, full: bool) {
    let gk = GroupKind::new(&obj.group, &obj.kind).key();
    say!("{gk} {}", mas_health::object_id(&obj.namespace, &obj.name));
    let Some(entry) = catalog.lookup(&obj.group, &obj.kind) else {
        explain_without_rule(catalog, &obj.value);
        return;
    };
    say!("  rule {} ({})", entry.key(), entry.rule.name);
    if let Some(h) = mas_health::argocd::pre_check(&obj.value) {
        say!(
            "  metadata.deletionTimestamp is set: Argo CD reports {} before any check runs",
            with_message(h.status.as_str(), &h.message)
        );
        println!();
        return;
    }
    let why = mas_health::explain(entry.plan(), &obj.value, &EvalContext::now());
    for (i, clause) in entry.rule.clauses.iter().enumerate() {
        let decided = why.clause == Some(i);
        let mark = if decided { "=>" } else { "  " };
        say!("  {mark} {}. {} -> {}", i + 1, clause.name, clause.status);
        if decided {
            break;
        }
    }
    if why.clause.is_none() {
        say!("  => otherwise -> {}", entry.rule.default_status);
    }
    say!(
        "  verdict: {}",
        with_message(why.health.status.as_str(), &why.health.message)
    );
    if !why.fields.is_empty() {
        say!("  fields read:");
        for (p, v) in &why.fields {
            say!("    {p} = {}", compact(*v, full));
        }
    }
    if !entry.rule.condition_selectors().is_empty() {
        say!("  conditions (in the order the object lists them):");
        // Conditions are what a person reads first: never summarised.
        for [t, s, r, m] in &why.conditions {
            say!(
                "    type={} status={} reason={} message={}",
                compact(*t, true),
                compact(*s, true),
                compact(*r, true),
                compact(*m, true)
            );
        }
        if why.conditions.is_empty() {
            say!("    (none)");
        }
    }
    println!();
}
