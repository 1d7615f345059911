//! `mas-health list`: every rule, its family, and the formats it appears in.

use super::EXIT_OK;
use anyhow::Result;
use mas_health::Catalog;

/// List every rule: group/kind (or wildcard), family, and the formats it appears in.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<u8> {
    let catalog = Catalog::standard();
    let entries = catalog.entries();
    let width = entries.iter().map(|e| e.key().len()).max().unwrap_or(0);
    println!(
        "{:<width$}  {:<12}  {:<48}  FORMATS",
        "KEY", "MODULE", "RULE"
    );
    for e in entries {
        let formats = if e.is_wildcard() {
            "argocd-cm (nested key), nested, argocd-cr (extraConfig), helm-values (nested key), upstream"
        } else {
            "argocd-cm (split key), nested, argocd-cr (resourceHealthChecks), helm-values, upstream"
        };
        println!(
            "{:<width$}  {:<12}  {:<48}  {formats}",
            e.key(),
            e.module,
            e.rule.name
        );
    }
    println!("{} rules", entries.len());
    Ok(EXIT_OK)
}
