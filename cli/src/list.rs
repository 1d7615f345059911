//! `mas-health list`: every rule, its family, and the formats it appears in; with `--all`, also
//! Argo CD's built-in checks and the kinds a MAS rollout deploys with no check at all.

use super::EXIT_OK;
use anyhow::Result;
use mas_health::argocd::builtin::{self, Origin};
use mas_health::argocd::GroupKind;
use mas_health::{Catalog, Entry};

/// List every rule: group/kind (or wildcard), family, and the formats it appears in.
///
/// With --all, every kind a MAS GitOps rollout deploys, with where its verdict comes from: a
/// rule of this catalog, a check built into Argo CD, or none (and why).
#[derive(clap::Args)]
pub struct Args {
    /// Also list Argo CD's built-in checks and the kinds that have no check.
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
}

fn formats(e: &Entry) -> &'static str {
    if e.is_wildcard() {
        "argocd-cm (nested key), nested, argocd-cr (extraConfig), helm-values (nested key), upstream"
    } else {
        "argocd-cm (split key), nested, argocd-cr (resourceHealthChecks), helm-values, upstream"
    }
}

/// Prints a table whose columns are exactly as wide as their widest cell (the header
/// included), two spaces apart; the last column is not padded.
fn print_table<const N: usize>(header: [&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; N]| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == N {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out
    };
    say!("{}", line(header));
    for row in rows {
        say!("{}", line(row.each_ref().map(String::as_str)));
    }
}

pub fn run(args: Args) -> Result<u8> {
    let catalog = args.argocd.catalog(Catalog::standard())?;
    if args.all {
        return list_all(&catalog);
    }
    let entries = catalog.entries();
    let rows: Vec<[String; 4]> = entries
        .iter()
        .map(|e| {
            let cells = [&*e.key(), e.module, &e.rule.name, formats(e)];
            cells.map(str::to_owned)
        })
        .collect();
    print_table(["KEY", "MODULE", "RULE", "FORMATS"], &rows);
    println!("{} rules", entries.len());
    Ok(EXIT_OK)
}

/// One row per kind: catalog rules, then Argo CD's built-ins the catalog does not override (its
/// Go checks, then the Lua checks of the chosen version or of the given scripts), then kinds
/// with no check.
fn list_all(catalog: &Catalog) -> Result<u8> {
    let mut rows: Vec<(String, &str, String)> = Vec::new();
    for e in catalog.entries() {
        rows.push((e.key(), "rule", format!("{} ({})", e.rule.name, e.module)));
    }
    let argocd = catalog.argocd();
    let covered = |gk: &GroupKind| {
        if gk.is_wildcard() {
            catalog.entries().iter().any(|e| e.group_kind() == *gk)
        } else {
            catalog.lookup(&gk.group, &gk.kind).is_some()
        }
    };
    for b in builtin::ALL
        .iter()
        .filter(|b| matches!(b.origin, Origin::Go { .. }))
    {
        let gk = b.group_kind();
        if !covered(&gk) {
            rows.push((gk.key(), "built-in", format!("Argo CD {}", b.name())));
        }
    }
    for (gk, detail) in lua_built_ins(argocd) {
        if !covered(&gk) {
            rows.push((gk.key(), "built-in", detail));
        }
    }
    for u in &mas_health::UNCHECKED {
        let gk = GroupKind::new(u.group, u.kind);
        let has_built_in = match &argocd.scripts {
            Some(_) => !matches!(
                argocd.answer(&gk, &builtin::probe(&gk)),
                builtin::Answer::None
            ),
            None => builtin::index::find(argocd.version, &gk).is_some(),
        };
        if !covered(&gk) && !has_built_in && builtin::check_for(&gk).is_none() {
            rows.push((gk.key(), "none", u.why.to_owned()));
        }
    }
    let table: Vec<[String; 3]> = rows
        .iter()
        .map(|(key, source, detail)| [key.clone(), (*source).to_owned(), detail.clone()])
        .collect();
    print_table(["KEY", "SOURCE", "DETAIL"], &table);
    let count = |s: &str| rows.iter().filter(|r| r.1 == s).count();
    println!(
        "{} rules, {} Argo CD built-ins ({}), {} kinds with no check",
        count("rule"),
        count("built-in"),
        match &argocd.scripts {
            Some(_) => "Go checks and the given resource_customizations".to_owned(),
            None => format!("Argo CD {}", argocd.version),
        },
        count("none")
    );
    Ok(EXIT_OK)
}

/// The Lua built-ins of the chosen Argo CD, each with how it is evaluated here.
fn lua_built_ins(argocd: &builtin::ArgoCd) -> Vec<(GroupKind, String)> {
    if let Some(scripts) = &argocd.scripts {
        return scripts
            .folders()
            .into_iter()
            .map(|f| {
                let (g, k) = f.rsplit_once('/').unwrap_or(("", &f));
                let detail = format!("resource_customizations/{f}/health.lua (given)");
                (GroupKind::from_folder(g, k), detail)
            })
            .collect();
    }
    builtin::index::shipped_in(argocd.version)
        .map(|l| {
            let gk = l.group_kind();
            let native = builtin::check_for(&gk).is_some_and(
                |b| matches!(b.origin, Origin::Lua { since } if since <= argocd.version),
            );
            let how = if native {
                "evaluated natively"
            } else {
                "evaluated with --argocd-builtins DIR"
            };
            let detail = format!(
                "Argo CD resource_customizations (Lua), since {}: {how}",
                l.since
            );
            (gk, detail)
        })
        .collect()
}
