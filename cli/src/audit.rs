//! `mas-health audit`: what is wrong with the health checks a cluster already has.

use super::pool::{self, Ended, Piped};
use super::{EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::{Context as _, Result};
use mas_health::argocd::harness as fixtures;
use mas_health::audit::checks::duplicate_key::DuplicateKey;
use mas_health::audit::checks::timeout::Timeout;
use mas_health::audit::checks::unreadable_key::UnreadableKey;
use mas_health::audit::{self, ci, Context, Level};
use mas_health::Catalog;
use std::path::{Path, PathBuf};

use super::audit_cluster::Live;

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
    /// Configuration files to audit; `-` for standard input (each is read once, so a pipe
    /// such as `<(oc get cm argocd-cm -o yaml)` works).
    #[arg(required_unless_present_any = ["worker", "cluster"])]
    files: Vec<PathBuf>,
    /// Fixtures in Argo CD's layout to run the scripts on, besides the generated states (none
    /// unless given: the same files give the same result in any folder).
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Also print the scripts with no findings (`ok: no findings on N states`), and with
    /// --cluster the number of requests sent to the API server (on standard error).
    #[arg(long)]
    verbose: bool,
    /// A folder (or file) of the manifests you deploy, to find checks keyed under a wrong group.
    #[arg(long)]
    manifests: Option<PathBuf>,
    /// Generated states per script (at most 100000: they are made before the first run; 100
    /// find on Argo CD's 241 checks all that 200 find, in two thirds of the time).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=MAX_CASES))]
    cases: u32,
    /// CustomResourceDefinitions (`oc get crd -o yaml`): states of their kinds satisfy the
    /// served version's openAPIV3Schema (types, enums, required fields).
    #[arg(long)]
    crds: Option<PathBuf>,
    /// Also run states with wrong-typed fields no API server stores; what only they show is a
    /// warning.
    #[arg(long)]
    malformed: bool,
    /// The argocd-operator version that converts ArgoCD resources (`v0.8.0`, `0.7`): from
    /// v0.8.0 spec.resourceCustomizations is dropped. Default: the newest.
    #[arg(long, value_parser = parse_operator_version)]
    argocd_operator_version: Option<audit::OperatorVersion>,
    /// text: findings grouped by script and a summary line; json: a JSON line per script, then
    /// a summary object; junit: JUnit XML, one testcase per script; sarif: SARIF 2.1.0, each
    /// finding at the line of its script's key.
    #[arg(long, value_enum, default_value = "text")]
    output: AuditOutput,
    /// Seconds one script's audit may take before it is stopped and reported (1 to 86400).
    #[arg(long, default_value_t = 60, value_parser = super::timeout_seconds())]
    timeout: u64,
    /// Internal: audit only script number N and print its report (run by the command itself).
    #[arg(long, hide = true)]
    worker: Option<usize>,
    /// Use no fixtures (the default now; kept for scripts written when health/ was read).
    #[arg(long, hide = true)]
    no_fixtures: bool,
    #[command(flatten)]
    argocd: super::argocd::ArgoCdArgs,
    #[command(flatten)]
    live: super::audit_cluster::Flags,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuditOutput {
    Text,
    Json,
    Junit,
    Sarif,
}

/// Reads `--argocd-operator-version`.
pub(super) fn parse_operator_version(
    text: &str,
) -> std::result::Result<audit::OperatorVersion, String> {
    audit::OperatorVersion::parse(text)
        .ok_or_else(|| format!("{text:?} is not a version such as v0.8.0 or 0.7"))
}

/// The most generated states a script may be given: every state is made before the first run,
/// so a huge count would fill memory instead of auditing.
const MAX_CASES: i64 = 100_000;

/// The manifest files under `root` (links to folders are not followed); an unreadable folder
/// contributes nothing, as before.
fn yaml_files(root: &Path, out: &mut Vec<PathBuf>) {
    out.extend(super::expand_path(root).unwrap_or_default());
}

/// What the parent hands every worker on its standard input, as one JSON line: what it read
/// once (the input may be a pipe that cannot be read twice).
#[derive(serde::Serialize, serde::Deserialize)]
struct WorkerInput {
    scripts: Vec<audit::Script>,
    deployed: Option<Vec<(String, String)>>,
    /// `--crds`: the file's name and the CustomResourceDefinitions of this worker's kind alone
    /// (a JSON List), so no worker parses a whole cluster's CRDs.
    crds: Option<(String, String)>,
    /// `--cluster`: the live objects of this worker's kind, to compare on.
    #[serde(default)]
    live: Option<Vec<serde_json::Value>>,
}

/// [`WorkerInput`] as the parent writes it, borrowing what every worker shares.
#[derive(serde::Serialize)]
struct WorkerInputOut<'a> {
    scripts: &'a [audit::Script],
    deployed: Option<&'a [(String, String)]>,
    crds: Option<(String, String)>,
    live: Option<&'a [serde_json::Value]>,
}

/// The CustomResourceDefinitions given with `--crds`, read and checked once in the parent.
struct Crds {
    name: String,
    docs: Vec<serde_json::Value>,
}

impl Crds {
    /// The CRDs of `script`'s group and kind as one JSON List (what the worker reads), if any.
    fn for_script(&self, script: &audit::Script) -> Option<(String, String)> {
        let of = |d: &serde_json::Value, path: &[&str]| {
            path.iter()
                .try_fold(d, |v, k| v.get(k))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned)
        };
        let items: Vec<&serde_json::Value> = self
            .docs
            .iter()
            .filter(|d| of(d, &["spec", "group"]).as_deref() == Some(script.group.as_str()))
            .filter(|d| of(d, &["spec", "names", "kind"]).as_deref() == Some(script.kind.as_str()))
            .collect();
        if items.is_empty() {
            return None;
        }
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
        Some((self.name.clone(), list.to_string()))
    }
}

/// The JSON line worker `index` reads: the shared input, and the CRDs and live objects of its
/// script's kind.
fn worker_line(
    input: &WorkerInput,
    crds: Option<&Crds>,
    live: Option<&Live>,
    index: usize,
) -> Result<Vec<u8>> {
    let script = input.scripts.get(index);
    let out = WorkerInputOut {
        scripts: &input.scripts,
        deployed: input.deployed.as_deref(),
        crds: crds.and_then(|c| c.for_script(script?)),
        live: live.and_then(|l| super::audit_cluster::for_script(l, script?)),
    };
    let mut line = serde_json::to_vec(&out)?;
    line.push(b'\n');
    Ok(line)
}

/// Starts the worker that audits script number `index`: its input is `input`, its report a line
/// on its standard output (a pipe: no file on disk another user could plant, read or leave
/// behind). Its input is held open: the worker ends when it reads the end of it, so it ends with
/// its parent however the parent ends.
fn spawn_worker(
    exe: &Path,
    args: &Args,
    fixture_root: Option<&Path>,
    input: Vec<u8>,
    index: usize,
) -> Result<Piped> {
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("audit")
        .args(["--cases", &args.cases.to_string()])
        .args(["--timeout", &args.timeout.to_string()])
        .args(["--worker", &index.to_string()]);
    if args.malformed {
        cmd.arg("--malformed");
    }
    if let Some(v) = &args.argocd.argocd_version {
        cmd.args(["--argocd-version", v]);
    }
    if let Some(dir) = &args.argocd.argocd_builtins {
        cmd.arg("--argocd-builtins").arg(dir);
    }
    // The worker must not look for health/ itself when the parent found none.
    match fixture_root {
        Some(root) => cmd.arg("--fixtures").arg(root),
        None => cmd.arg("--no-fixtures"),
    };
    Piped::spawn(cmd, input, pool::Input::HoldOpen).context("cannot start an audit worker")
}

/// A report for a script whose audit gave none, with the `timeout` finding.
fn failed(s: &audit::Script, message: String) -> audit::Report {
    audit::Report {
        file: s.file.clone(),
        origin: s.origin.clone(),
        key: s.key(),
        open_libs: s.open_libs,
        states: 0,
        findings: vec![Timeout::finding_for(message)],
    }
}

/// The report of a worker that ended as `how`.
fn report_of(how: Ended, script: &audit::Script, limit: std::time::Duration) -> audit::Report {
    let silent = || {
        failed(
            script,
            "the audit of this script ended without a report".to_owned(),
        )
    };
    match how {
        Ended::Answered(line) => serde_json::from_str(line.trim()).unwrap_or_else(|_| silent()),
        Ended::Silent => silent(),
        Ended::OutOfTime => failed(
            script,
            format!(
                "its audit did not finish in {} s: some evaluation runs a call the \
                 instruction limit cannot stop (Argo CD would stop it at 1 s)",
                limit.as_secs()
            ),
        ),
    }
}

/// Audits every script in a child process of its own, as many at once as there are cores, each
/// stopped after `--timeout` seconds: a C function the instruction limit cannot interrupt (a
/// pathological string pattern under useOpenLibs) cannot hold the audit, and a crash in one
/// script's audit cannot take the others with it.
fn audit_isolated(
    args: &Args,
    fixture_root: Option<&Path>,
    input: &WorkerInput,
    crds: Option<&Crds>,
    live: Option<&Live>,
) -> Result<Vec<audit::Report>> {
    let scripts = &input.scripts;
    let exe = std::env::current_exe().context("cannot find the mas-health executable")?;
    let slots = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut results: Vec<Option<audit::Report>> = vec![None; scripts.len()];
    let limit = std::time::Duration::from_secs(args.timeout.max(1));
    let mut progress = Progress::new(scripts.len());
    pool::each_in_a_child(
        scripts.len(),
        slots,
        limit,
        |i| {
            spawn_worker(
                &exe,
                args,
                fixture_root,
                worker_line(input, crds, live, i)?,
                i,
            )
        },
        |i, how| {
            results[i] = Some(report_of(how, &scripts[i], limit));
            progress.done();
        },
    )?;
    progress.finish();
    Ok(results.into_iter().flatten().collect())
}

/// A progress line on standard error, only when it is a terminal (never in pipes or tests).
struct Progress {
    done: usize,
    total: usize,
    shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        Progress {
            done: 0,
            total,
            shown: std::io::stderr().is_terminal(),
        }
    }

    /// One more script audited: rewrites the line in place.
    fn done(&mut self) {
        self.done += 1;
        if self.shown {
            eprint!("\raudited {}/{} scripts", self.done, self.total);
        }
    }

    /// Clears the line, so the report starts on a clean one.
    fn finish(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

/// The (group, kind) of every resource in the manifests under `root`.
fn read_deployed(root: &Path) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    yaml_files(root, &mut files);
    if files.is_empty() {
        anyhow::bail!("{}: no manifests found", root.display());
    }
    let mut texts = Vec::new();
    for f in files {
        // The CLI's reader: regular files, `-` and explicit pipes only, at most 1 GiB.
        let text = super::read_text(&f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
        texts.push((f.display().to_string(), text));
    }
    // All files at once: a Helm template's templated kind is resolved from values elsewhere.
    Ok(audit::sources::deployed_kinds_in(&texts))
}

/// The CustomResourceDefinitions in `path`, read once here (it may be a pipe) and checked, so a
/// bad file is one error in the parent rather than one per worker.
fn read_crds(path: &Path) -> Result<Crds> {
    let name = path.display().to_string();
    let text = super::read_text(path).map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    audit::crd::Schemas::read(&name, &text)?;
    let docs = mas_health::io::read_objects(&name, &text)
        .into_iter()
        .flatten()
        .filter(|o| o.kind == "CustomResourceDefinition")
        .map(|o| o.value)
        .collect();
    Ok(Crds { name, docs })
}

/// What the files audited hold.
#[derive(Default)]
pub(super) struct Read {
    /// Every script found.
    pub scripts: Vec<audit::Script>,
    /// Entries Argo CD cannot read.
    pub unreadable: Vec<audit::Unreadable>,
    /// Entries of one kind that override each other.
    pub duplicates: Vec<audit::Duplicate>,
    /// Whether some file could not be read or understood or holds no script.
    pub trouble: bool,
}

/// Every script in `files`, the entries Argo CD cannot read, entries of one kind that override
/// each other, and whether some file could not be read or understood or holds no script
/// (reported on stderr as it goes, as `eval` does).
fn read_scripts(files: &[PathBuf], opts: &audit::ReadOptions) -> Read {
    let mut read = Read::default();
    for file in files {
        let name = file.display().to_string();
        // A folder is Argo CD's resource_customizations layout (<group>/<kind>/health.lua).
        if file.is_dir() {
            match audit::scripts_in_folder(file) {
                Ok((found, refused)) if !refused.is_empty() => {
                    for why in refused {
                        complain!("error: {why}");
                    }
                    read.trouble = true;
                    read.scripts.extend(found);
                }
                Ok((found, _)) if found.is_empty() => {
                    complain!("error: {name}: no <group>/<kind>/health.lua found");
                    read.trouble = true;
                }
                Ok((found, _)) => read.scripts.extend(found),
                Err(e) => {
                    complain!("error: {name}: cannot read: {e}");
                    read.trouble = true;
                }
            }
            continue;
        }
        let text = match super::read_text(file) {
            Ok(t) => t,
            Err(e) => {
                complain!("error: {name}: {e}");
                read.trouble = true;
                continue;
            }
        };
        read_one(&mut read, &name, &text, opts);
    }
    read
}

/// Adds the scripts of one configuration document set (a file, or an object read from a
/// cluster) to `read`; what cannot be read, or no script at all, is said on stderr.
pub(super) fn read_one(read: &mut Read, name: &str, text: &str, opts: &audit::ReadOptions) {
    let config = audit::read_config_with(name, text, opts);
    for e in &config.errors {
        complain!("error: {e}");
        read.trouble = true;
    }
    if config.scripts.is_empty() && config.unreadable.is_empty() && config.errors.is_empty() {
        complain!("error: {name}: no health scripts found");
        read.trouble = true;
    }
    read.scripts.extend(config.scripts);
    read.unreadable.extend(config.unreadable);
    read.duplicates.extend(config.duplicates);
}

/// Prints the reports as text, one block per script with findings (every script with
/// `verbose`), then a count.
fn print_text(reports: &[audit::Report], unreadable: usize, errors: usize, verbose: bool) {
    for r in reports.iter().filter(|r| verbose || !r.findings.is_empty()) {
        let libs = if r.open_libs { ", useOpenLibs" } else { "" };
        say!("{} ({}{libs}) - {}", r.key, r.origin, r.file);
        if r.findings.is_empty() {
            say!("  ok: no findings on {} states", r.states);
        }
        for f in &r.findings {
            let level = match f.level {
                Level::Error => "ERROR",
                Level::Warning => "WARN",
                Level::Info => "INFO",
            };
            say!("  {level:<5} {:<19} {}", f.code, f.message);
            print_examples(f);
        }
        println!();
    }
    let scripts = reports.len() - unreadable;
    match unreadable {
        0 => say!("{scripts} scripts audited, {errors} with errors"),
        n => say!("{scripts} scripts audited, {errors} with errors ({n} of them entries Argo CD cannot read)"),
    }
}

/// A finding's example as `oc get -o yaml` prints it, under the finding; when the verdict
/// depends on the order of conditions, the object in each order with what the script says.
fn print_examples(f: &audit::Finding) {
    let block = |label: &str, obj: &serde_json::Value| {
        say!("        {label}:");
        // `yaml` escapes every string, so each value stays on its own line.
        for line in audit::present::yaml(obj).lines() {
            say!("          {line}");
        }
    };
    if f.orders.is_empty() {
        if let Some(ex) = &f.example {
            block("example", ex);
        }
    }
    for o in &f.orders {
        block(&format!("example, {}", o.label), &o.example);
    }
}

/// A worker: audits script number `index` of what its parent hands it on standard input and
/// prints the report. It ends itself when its parent closes that input (the parent ended) or
/// `--timeout` and some slack have passed, whichever comes first.
fn worker(args: &Args, index: usize) -> Result<u8> {
    use std::io::BufRead;
    // The input first, before anything slow: the parent waits until it is read.
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the worker's input")?;
    let input: WorkerInput =
        serde_json::from_str(&line).context("the worker's input is not valid")?;
    let fixture_dirs = &fixture_dirs(args)?;
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(EXIT_USAGE.into());
    });
    let limit = std::time::Duration::from_secs(args.timeout.max(1)) + pool::SLACK;
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        std::process::exit(EXIT_USAGE.into());
    });
    let Some(script) = input.scripts.get(index) else {
        anyhow::bail!("no script number {index}");
    };
    let schemas = match &input.crds {
        // The parent checked the whole file; a kind whose CRD has no schema gets none here.
        Some((name, text)) => audit::crd::Schemas::read(name, text).ok(),
        None => None,
    };
    let catalog = args.argocd.catalog(Catalog::standard())?;
    let keys: Vec<_> = input.scripts.iter().map(|s| s.group_kind()).collect();
    let ctx = Context {
        fixtures: fixture_dirs,
        deployed: input.deployed.as_deref(),
        cases: args.cases,
        catalog: &catalog,
        keys: &keys,
        malformed: args.malformed,
        schemas: schemas.as_ref(),
        live: input.live.as_deref(),
    };
    println!("{}", serde_json::to_string(&audit::audit(script, &ctx))?);
    Ok(EXIT_OK)
}

/// The fixtures folder: `--fixtures` only, never one found in the current folder, so an audit
/// gives the same result wherever it runs.
fn fixture_root(args: &Args) -> Option<PathBuf> {
    if args.no_fixtures {
        return None;
    }
    args.fixtures.clone()
}

/// The fixture folders under [`fixture_root`].
fn fixture_dirs(args: &Args) -> Result<Vec<fixtures::FixtureDir>> {
    match fixture_root(args) {
        Some(root) => fixtures::discover(&root)
            .with_context(|| format!("cannot read fixtures under {}", root.display())),
        None => Ok(Vec::new()),
    }
}

/// Says on standard error which fixtures were refused before reading (a path out of its test
/// folder, a link out of it or to nowhere, a pipe or device, a file too large); whether any was.
fn refused_fixtures(dirs: &[fixtures::FixtureDir]) -> bool {
    let mut any = false;
    for dir in dirs {
        for t in &dir.tests {
            if let Err(
                e @ (fixtures::FixtureError::Outside { .. }
                | fixtures::FixtureError::Refused { .. }),
            ) = dir.input(t)
            {
                complain!("error: {e}: this fixture is not used");
                any = true;
            }
        }
    }
    any
}

pub fn run(args: Args) -> Result<u8> {
    if let Some(i) = args.worker {
        return worker(&args, i);
    }
    // Checked here, so a bad flag is one error before any worker starts.
    args.argocd.argocd()?;
    let fixture_root = fixture_root(&args);
    // Read once here so a bad folder is one error before any worker starts, and a fixture
    // refused (outside its folder, not a regular file, too large) is said, not silently unused.
    let refused = refused_fixtures(&fixture_dirs(&args)?);
    let deployed = args.manifests.as_deref().map(read_deployed).transpose()?;
    let crds = args.crds.as_deref().map(read_crds).transpose()?;
    let opts = audit::ReadOptions {
        operator: args.argocd_operator_version.unwrap_or_default(),
    };
    let (read, live) = if args.live.cluster {
        let catalog = args.argocd.catalog(Catalog::standard())?;
        match super::audit_cluster::read(&args.live, &opts, &catalog, args.verbose) {
            Ok(found) => (found.read, Some(found.live)),
            Err(e) => {
                complain!("error: {e}");
                return Ok(EXIT_USAGE);
            }
        }
    } else {
        (read_scripts(&args.files, &opts), None)
    };
    let (unreadable, trouble) = (read.unreadable, read.trouble);
    let input = WorkerInput {
        scripts: read.scripts,
        deployed,
        crds: None,
        live: None,
    };
    let mut reports = audit_isolated(
        &args,
        fixture_root.as_deref(),
        &input,
        crds.as_ref(),
        live.as_ref(),
    )?;
    DuplicateKey::attach(&mut reports, &read.duplicates);
    reports.extend(unreadable.iter().map(UnreadableKey::report_for));
    let errors = reports.iter().filter(|r| r.has_errors()).count();
    match args.output {
        AuditOutput::Json => {
            for r in &reports {
                println!("{}", serde_json::to_string(r)?);
            }
            println!("{}", serde_json::to_string(&ci::audit_summary(&reports))?);
        }
        AuditOutput::Junit => {
            let cases = ci::audit_cases(&reports);
            super::print_lines(&ci::junit("mas-health audit", &cases));
        }
        AuditOutput::Sarif => {
            let sarif = ci::sarif(&reports, audit::checks::ALL);
            println!("{}", serde_json::to_string_pretty(&sarif)?);
        }
        AuditOutput::Text => print_text(&reports, unreadable.len(), errors, args.verbose),
    }
    Ok(if trouble || refused {
        EXIT_USAGE
    } else if errors > 0 {
        EXIT_THRESHOLD
    } else {
        EXIT_OK
    })
}
