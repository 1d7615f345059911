//! `mas-health audit`: what is wrong with the health checks a cluster already has.

use super::{EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::{Context as _, Result};
use mas_health::argocd::harness as fixtures;
use mas_health::audit::{self, Context, Level};
use mas_health::Catalog;
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
    /// Seconds one script's audit may take before it is stopped and reported.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Internal: audit only script number N and print its report (run by the command itself).
    #[arg(long, hide = true)]
    worker: Option<usize>,
    /// Internal: use no fixtures at all.
    #[arg(long, hide = true)]
    no_fixtures: bool,
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

/// Audits every script in a child process of its own, as many at once as there are cores, each
/// stopped after `--timeout` seconds: a C function the instruction limit cannot interrupt (a
/// pathological string pattern under useOpenLibs) cannot hold the audit, and a crash in one
/// script's audit cannot take the others with it.
fn audit_isolated(
    args: &Args,
    fixture_root: Option<&Path>,
    scripts: &[audit::Script],
) -> Result<Vec<audit::Report>> {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let exe = std::env::current_exe().context("cannot find the mas-health executable")?;
    let slots = std::thread::available_parallelism().map_or(1, |n| n.get());
    let scratch = std::env::temp_dir().join(format!("mas-health-audit-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let mut results: Vec<Option<audit::Report>> = vec![None; scripts.len()];
    let mut next = 0usize;
    let mut running: Vec<(usize, std::process::Child, Instant, PathBuf)> = Vec::new();
    let limit = Duration::from_secs(args.timeout.max(1));
    while next < scripts.len() || !running.is_empty() {
        while running.len() < slots && next < scripts.len() {
            let out_path = scratch.join(format!("{next}.json"));
            let out_file = std::fs::File::create(&out_path)
                .with_context(|| format!("cannot create {}", out_path.display()))?;
            let mut cmd = Command::new(&exe);
            cmd.arg("audit")
                .args(&args.files)
                .args(["--cases", &args.cases.to_string()])
                .args(["--worker", &next.to_string()]);
            // The worker must not look for health/ itself when the parent found none.
            match fixture_root {
                Some(root) => cmd.arg("--fixtures").arg(root),
                None => cmd.arg("--no-fixtures"),
            };
            if let Some(m) = &args.manifests {
                cmd.arg("--manifests").arg(m);
            }
            let child = cmd
                .stdout(Stdio::from(out_file))
                .stderr(Stdio::null())
                .stdin(Stdio::null())
                .spawn()
                .context("cannot start an audit worker")?;
            running.push((next, child, Instant::now(), out_path));
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(10));
        let mut still = Vec::new();
        for (i, mut child, started, out_path) in running.drain(..) {
            let s = &scripts[i];
            let failed = |message: String| audit::Report {
                file: s.file.clone(),
                origin: s.origin.clone(),
                key: s.key(),
                open_libs: s.open_libs,
                states: 0,
                findings: vec![audit::Finding {
                    level: Level::Error,
                    code: "timeout".to_owned(),
                    message,
                    example: None,
                }],
            };
            match child.try_wait()? {
                Some(_) => {
                    let text = std::fs::read_to_string(&out_path).unwrap_or_default();
                    results[i] = Some(serde_json::from_str(text.trim()).unwrap_or_else(|_| {
                        failed("the audit of this script ended without a report".to_owned())
                    }));
                }
                None if started.elapsed() > limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    results[i] = Some(failed(format!(
                        "its audit did not finish in {} s: some evaluation runs a call the \
                         instruction limit cannot stop (Argo CD would stop it at 1 s)",
                        limit.as_secs()
                    )));
                }
                None => still.push((i, child, started, out_path)),
            }
        }
        running = still;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(results.into_iter().flatten().collect())
}

pub fn run(args: Args) -> Result<u8> {
    let fixture_root = if args.no_fixtures {
        None
    } else {
        args.fixtures
            .clone()
            .or_else(|| Some(PathBuf::from("health")).filter(|p| p.is_dir()))
    };
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
    let catalog = Catalog::standard();
    let ctx = Context {
        fixtures: &fixture_dirs,
        deployed: deployed.as_deref(),
        cases: args.cases,
        catalog: &catalog,
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
    if let Some(i) = args.worker {
        let Some(script) = scripts.get(i) else {
            anyhow::bail!("no script number {i}");
        };
        println!("{}", serde_json::to_string(&audit::audit(script, &ctx))?);
        return Ok(EXIT_OK);
    }
    let reports = audit_isolated(&args, fixture_root.as_deref(), &scripts)?;
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
