//! Auditing health checks a cluster already has: every script of a configuration is parsed,
//! run in the Argo CD runtime with the libraries that configuration gives it (in a [`Sandbox`]
//! where dangerous functions are recorders), on fixtures and generated states, and looked at by
//! every check of [`checks::ALL`], one per finding code.

pub mod checks;
pub mod ci;
pub mod crd;
mod goyaml;
pub mod present;
mod realistic;
pub mod resolve;
mod runs;
mod sandbox;
mod shrink;
pub mod sources;

pub use checks::{Check, Input};
pub use runs::{Runs, Shown, State};
pub use sandbox::{Recorded, Sandbox, DANGEROUS};
pub use sources::{
    deployed_kinds, read_config, read_config_with, scripts_in, scripts_in_folder, Config,
    Duplicate, OperatorVersion, ReadOptions, Script, Unreadable,
};

use crate::argocd::harness::FixtureDir;
use crate::catalog::Catalog;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How bad a finding is; `Error` makes `mas-health audit` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The check misbehaves in Argo CD.
    Error,
    /// Worth a look.
    Warning,
    /// For information.
    Info,
}

/// One problem with one script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// How bad it is.
    pub level: Level,
    /// A stable name for the kind of problem (`runtime-error`, `order-dependent`, ...).
    pub code: String,
    /// What is wrong, in a sentence.
    pub message: String,
    /// The smallest state found that shows it, when a state does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
    /// When the verdict depends on the order of the example's conditions: the example in each
    /// order that gives a different verdict, each with what the script says then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<Order>,
}

/// The example with its conditions in one order, and what the script says on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// What the script says on this order, and whether the operator writes it so
    /// (`Healthy "ready", in the order the operator appends them`).
    pub label: String,
    /// The object in this order.
    pub example: Value,
}

/// The audit of one script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The file the script came from.
    pub file: String,
    /// Where in the file.
    pub origin: String,
    /// `group/Kind` it is keyed under.
    pub key: String,
    /// Whether it runs with `useOpenLibs`.
    pub open_libs: bool,
    /// How many states it was run on.
    pub states: usize,
    /// What was found.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.level == Level::Error)
    }
}

/// What an audit runs against.
pub struct Context<'a> {
    /// Fixtures (Argo CD layout) whose group and kind match a script's key.
    pub fixtures: &'a [FixtureDir],
    /// The (group, kind) of deployed resources, when the user gave manifests.
    pub deployed: Option<&'a [(String, String)]>,
    /// How many generated states each script runs on.
    pub cases: u32,
    /// This crate's rules, to compare with.
    pub catalog: &'a Catalog,
    /// The keys of every script audited together (checks across scripts, such as overlapping
    /// wildcards, read them).
    pub keys: &'a [crate::argocd::GroupKind],
    /// Whether to run wrong-typed states too (`--malformed`); what they show is a warning.
    pub malformed: bool,
    /// The schemas of custom resources (`--crds`), so states satisfy them.
    pub schemas: Option<&'a crd::Schemas>,
    /// Live objects of the script's kind read from a cluster (`audit --cluster`), to compare
    /// the script with this crate's rule on real states.
    pub live: Option<&'a [Value]>,
}

/// Audits one script: gathers its states (matching fixtures, then generated ones), runs it once
/// per state in the sandbox when it compiles, and lets every check look at the results.
pub fn audit(script: &Script, ctx: &Context<'_>) -> Report {
    let (mut findings, states) = run_checks(script, ctx, checks::ALL);
    // Examples as a user reads them: a plausible name, no empty spec.
    for f in &mut findings {
        f.example = f.example.take().map(present::example);
        for o in &mut f.orders {
            o.example = present::example(std::mem::take(&mut o.example));
        }
    }
    Report {
        file: script.file.clone(),
        origin: script.origin.clone(),
        key: script.key(),
        open_libs: script.open_libs,
        states,
        findings,
    }
}

/// The findings of `checks` on `script`, sorted by level, and how many states it ran on.
pub(crate) fn run_checks(
    script: &Script,
    ctx: &Context<'_>,
    checks: &[&dyn Check],
) -> (Vec<Finding>, usize) {
    let syntax = crate::argocd::runtime::check_syntax(&script.script);
    let mut runs = Runs::gather(script, ctx);
    if syntax.is_ok() {
        runs.run_all();
    }
    let input = Input {
        script,
        ctx,
        syntax: &syntax,
        runs: &runs,
    };
    let mut findings: Vec<Finding> = checks
        .iter()
        .filter(|c| syntax.is_ok() || c.on_unparsable())
        .flat_map(|c| c.check(&input))
        .collect();
    findings.sort_by_key(|f| f.level);
    (findings, runs.count())
}
