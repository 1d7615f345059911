//! `mas-health audit`: what is wrong with the health checks a cluster already has.

use super::{EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::{Context as _, Result};
use mas_health::audit::{self, Context, Level};
use mas_health::{catalog, fixtures};
use std::path::{Path, PathBuf};

/// Audit the health checks in argocd-cm, an ArgoCD resource or Helm values.
///
/// Reads every health script in each FILE (split keys, the nested resource.customizations
/// blob with wildcards, useOpenLibs keys, OpenShift GitOps ArgoCD resources, Helm values,
/// multi-document YAML), runs each in the Argo CD runtime with the libraries its configuration
/// gives it (dangerous functions such as os.execute and io.* are recorded, never run) on
/// fixtures and generated states, and reports: parse errors, closed-library use, unsafe
/// useOpenLibs, runtime errors, invalid or empty statuses, verdicts that change when conditions
/// are reordered, disagreement with mas-health's rule, and (with --manifests) keys under a group
/// no deployed resource uses. Exit 1 when any error-level finding exists.
#[derive(clap::Args)]
pub struct Args {
    /// Configuration files to audit.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Fixtures in Argo CD's layout to run the scripts on (default: health/ when present).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// A folder (or file) of the manifests you deploy, to find checks keyed under a wrong group.
    #[arg(long)]
    manifests: Option<PathBuf>,
    /// Generated states per script.
    #[arg(long, default_value_t = 200)]
    cases: u32,
    #[arg(long, value_enum, default_value = "text")]
    output: super::eval::OutputKind,
}

fn yaml_files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_file() {
        out.push(root.to_owned());
        return;
    }
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

pub fn run(args: Args) -> Result<u8> {
    let fixture_root = args
        .fixtures
        .clone()
        .or_else(|| Some(PathBuf::from("health")).filter(|p| p.is_dir()));
    let fixture_dirs = match &fixture_root {
        Some(root) => fixtures::discover(root)
            .with_context(|| format!("cannot read fixtures under {}", root.display()))?,
        None => Vec::new(),
    };
    let deployed = match &args.manifests {
        Some(root) => {
            let mut files = Vec::new();
            yaml_files(root, &mut files);
            if files.is_empty() {
                anyhow::bail!("{}: no manifests found", root.display());
            }
            let mut kinds = Vec::new();
            for f in files {
                let text = std::fs::read_to_string(&f)
                    .with_context(|| format!("cannot read {}", f.display()))?;
                kinds.extend(audit::deployed_kinds(&f.display().to_string(), &text));
            }
            Some(kinds)
        }
        None => None,
    };
    let entries = catalog::entries();
    let ctx = Context {
        fixtures: &fixture_dirs,
        deployed: deployed.as_deref(),
        cases: args.cases,
        catalog: &entries,
    };
    let mut code = EXIT_OK;
    let mut scripts = Vec::new();
    for file in &args.files {
        let name = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {name}: cannot read: {e}");
                code = EXIT_USAGE;
                continue;
            }
        };
        let (found, errors) = audit::scripts_in(&name, &text);
        for e in errors {
            eprintln!("error: {e}");
            code = EXIT_USAGE;
        }
        if found.is_empty() {
            eprintln!("warning: {name}: no health scripts found");
        }
        scripts.extend(found);
    }
    // Scripts are independent: audit them on every core, each thread with its own Lua states.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = scripts.len().div_ceil(threads).max(1);
    let reports: Vec<audit::Report> = std::thread::scope(|scope| {
        let handles: Vec<_> = scripts
            .chunks(chunk)
            .map(|part| {
                let ctx = &ctx;
                scope.spawn(move || {
                    part.iter()
                        .map(|s| audit::audit(s, ctx))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            match h.join() {
                Ok(part) => all.extend(part),
                Err(_) => return Err(anyhow::anyhow!("an audit thread failed")),
            }
        }
        Ok(all)
    })?;
    let errors = reports.iter().filter(|r| r.has_errors()).count();
    match args.output {
        super::eval::OutputKind::Json => {
            for r in &reports {
                println!("{}", serde_json::to_string(r)?);
            }
        }
        super::eval::OutputKind::Text => {
            for r in &reports {
                let libs = if r.open_libs { ", useOpenLibs" } else { "" };
                println!("{} ({}{libs}) - {}", r.key, r.origin, r.file);
                if r.findings.is_empty() {
                    println!("  ok: no findings on {} states", r.states);
                }
                for f in &r.findings {
                    let level = match f.level {
                        Level::Error => "ERROR",
                        Level::Warning => "WARN",
                        Level::Info => "INFO",
                    };
                    println!("  {level:<5} {:<19} {}", f.code, f.message);
                    if let Some(ex) = &f.example {
                        println!("        example: {ex}");
                    }
                }
                println!();
            }
            println!("{} scripts audited, {} with errors", reports.len(), errors);
        }
    }
    if code != EXIT_OK {
        return Ok(code);
    }
    Ok(if errors > 0 { EXIT_THRESHOLD } else { EXIT_OK })
}
