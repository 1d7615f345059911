//! `--cluster`: the commands that read from a cluster instead of files (read-only: GET, LIST
//! and WATCH). The library's `cluster` layer does the IO; the views are the file forms' own.

use mas_health::cluster::{Cluster, Error, RolloutQuery, Target};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// Where to read from: a cluster instead of files.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Flags {
    /// Read from the cluster the kubeconfig names (read-only: get, list, watch) instead of
    /// files; the positional arguments name what to read instead of paths.
    #[arg(long)]
    pub cluster: bool,
    /// The kubeconfig file (default: KUBECONFIG, a colon-separated list, then ~/.kube/config,
    /// then the in-cluster service account).
    #[arg(long, value_name = "FILE", requires = "cluster")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current-context).
    #[arg(long, value_name = "NAME", requires = "cluster")]
    pub context: Option<String>,
    /// Print the number of requests sent to the API server (on standard error).
    #[arg(long, requires = "cluster")]
    pub verbose: bool,
}

/// `rollout --cluster` only.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct RolloutFlags {
    /// List Applications only in this namespace (default: every namespace you may list).
    #[arg(long, value_name = "NS", requires = "cluster")]
    pub argocd_namespace: Option<String>,
    /// Follow the rollout until it finishes, stops (a person must act) or --timeout passes:
    /// a status line on a terminal, one line per change when piped, then each wave's duration
    /// and what held it longest. Exit 0 finished, 1 stopped or timed out, 2 errors.
    #[arg(long, requires = "cluster")]
    pub watch: bool,
    /// How long --watch follows: seconds, or a number with s, m or h (default 30m).
    #[arg(long, value_name = "DURATION", requires = "watch", value_parser = duration)]
    pub timeout: Option<Duration>,
}

/// `90`, `90s`, `15m`, `2h`.
fn duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 90s, 15m or 2h"))?;
    let seconds = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("{text:?} is not a duration like 90s, 15m or 2h")),
    };
    Ok(Duration::from_secs(seconds))
}

impl Flags {
    /// Connects, or says why not.
    pub fn connect(&self) -> Result<Cluster, Error> {
        Cluster::connect(&Target {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
        })
    }

    /// Prints the request count when `--verbose` asks for it.
    pub fn report(&self, cluster: &Cluster) {
        if self.verbose {
            complain!("{} requests to the API server", cluster.requests());
        }
    }
}

/// Reads the rollout's Applications and live objects; `errors` gets what could not be read
/// (the view is still built from the rest). `Err` when nothing could be read.
pub fn rollout_objects(
    flags: &Flags,
    rollout: &RolloutFlags,
    names: &[PathBuf],
    errors: &mut Vec<String>,
) -> Result<Vec<Value>, Error> {
    let mut cluster = flags.connect()?;
    let query = query(rollout, names);
    let read = cluster.rollout_objects(&query);
    flags.report(&cluster);
    let gathered = read?;
    errors.extend(gathered.problems.iter().map(ToString::to_string));
    Ok(gathered.objects)
}

/// The rollout `--cluster` reads: the named roots, in `--argocd-namespace`.
pub fn query(rollout: &RolloutFlags, names: &[PathBuf]) -> RolloutQuery {
    RolloutQuery {
        apps: names
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect(),
        argocd_namespace: rollout.argocd_namespace.clone(),
    }
}
