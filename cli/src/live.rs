//! `--cluster`: the commands that read from a cluster instead of files (read-only: GET, LIST
//! and WATCH). The library's `cluster` layer does the IO; the views are the file forms' own.

use mas_health::io::Object;
use mas_health::io::{Cluster, ClusterError as Error, ClusterTarget as Target, RolloutQuery};
use mas_health::Catalog;
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

/// Which namespaces `eval --cluster` and `explain --cluster` read.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Scope {
    /// The namespace to read (default: the kubeconfig context's namespace).
    #[arg(short = 'n', long, value_name = "NS", requires = "cluster")]
    pub namespace: Option<String>,
    /// Every namespace.
    #[arg(short = 'A', long, requires = "cluster", conflicts_with = "namespace")]
    pub all_namespaces: bool,
}

/// `KIND` or `GROUP/KIND` as the user wrote it: a bare kind is the catalog's kind of that name
/// (any case), else a core kind.
fn group_kind(catalog: &Catalog, text: &str) -> (String, String) {
    if let Some((g, k)) = text.rsplit_once('/') {
        return (g.to_owned(), k.to_owned());
    }
    let known = catalog
        .entries()
        .iter()
        .find(|e| !e.is_wildcard() && e.kind.eq_ignore_ascii_case(text));
    match known {
        Some(e) => (e.group.clone(), e.kind.clone()),
        None => (String::new(), text.to_owned()),
    }
}

/// Hands every live object of `kinds` (none: every kind the catalog names, those the cluster
/// does not serve skipped) in the scope to `each`, page by page. Returns the reads that
/// failed; `Err` when nothing could be read.
pub fn each_object(
    flags: &Flags,
    kinds: &[String],
    scope: &Scope,
    each: &mut dyn FnMut(Object),
) -> Result<Vec<String>, Error> {
    let catalog = Catalog::standard();
    let mut cluster = flags.connect()?;
    let named = !kinds.is_empty();
    let wanted: Vec<(String, String)> = if named {
        kinds.iter().map(|k| group_kind(&catalog, k)).collect()
    } else {
        let mut all: Vec<(String, String)> = catalog
            .entries()
            .iter()
            .filter(|e| !e.is_wildcard())
            .map(|e| (e.group.clone(), e.kind.clone()))
            .collect();
        all.dedup();
        all
    };
    let namespace = match (&scope.namespace, scope.all_namespaces) {
        (_, true) => None,
        (Some(ns), false) => Some(ns.clone()),
        (None, false) => Some(cluster.default_namespace().to_owned()),
    };
    let mut errors = Vec::new();
    for (group, kind) in wanted {
        let read = cluster.resource(&group, &kind, None).and_then(|r| {
            cluster.list_each(&r, namespace.as_deref(), &mut |value| each(object(value)))
        });
        match read {
            Ok(_) => {}
            Err(e) if e.is_fatal() => return Err(e),
            Err(Error::NotServed { .. }) if !named => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    flags.report(&cluster);
    Ok(errors)
}

/// The object `GROUP/KIND/NAME` in the scope's namespace, `Ok(None)` when it does not exist.
pub fn one_object(flags: &Flags, id: &str, scope: &Scope) -> Result<Option<Object>, Error> {
    let catalog = Catalog::standard();
    let (gk, name) = id.rsplit_once('/').ok_or_else(|| {
        Error::Request(format!("{id:?}: give GROUP/KIND/NAME (KIND/NAME for core)"))
    })?;
    let (group, kind) = group_kind(&catalog, gk);
    let mut cluster = flags.connect()?;
    let resource = cluster.resource(&group, &kind, None)?;
    let ns = scope
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_owned());
    let found = cluster.get(&resource, Some(&ns), name)?;
    flags.report(&cluster);
    Ok(found.map(object))
}

fn object(value: Value) -> Object {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let api_version = text(&value["apiVersion"]);
    let group = api_version
        .rsplit_once('/')
        .map_or("", |(g, _)| g)
        .to_owned();
    Object {
        source_name: "cluster".to_owned(),
        line: 0,
        group,
        kind: text(&value["kind"]),
        namespace: text(&value["metadata"]["namespace"]),
        name: text(&value["metadata"]["name"]),
        value,
    }
}
