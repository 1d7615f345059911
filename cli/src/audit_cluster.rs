//! `audit --cluster`: the checks the cluster runs now (argocd-cm, ArgoCD resources), read with
//! the same readers as files, and the live objects of each checked kind as real states.

use super::audit::Read;
use super::live::Flags as Connection;
use mas_health::audit::{self, Script};
use mas_health::io::{Cluster, ClusterError, ListOptions};
use mas_health::Catalog;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Live objects compared per kind when `--live-objects` is not given: one page of a LIST.
pub const DEFAULT_LIVE_OBJECTS: usize = 500;

/// `audit --cluster` and what it reads.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Flags {
    /// Audit the checks the cluster runs now (argocd-cm and OpenShift GitOps ArgoCD resources,
    /// read-only), and compare each checked kind's live objects under the script and
    /// mas-health's rule; no FILE is read.
    #[arg(long, conflicts_with = "files")]
    pub cluster: bool,
    /// The kubeconfig file (default: KUBECONFIG, a colon-separated list, then ~/.kube/config,
    /// then the in-cluster service account).
    #[arg(long, value_name = "FILE", requires = "cluster")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context (default: its current-context).
    #[arg(long, value_name = "NAME", requires = "cluster")]
    pub context: Option<String>,
    /// Read argocd-cm and ArgoCD resources only in this namespace (default: every namespace
    /// you may list that holds them).
    #[arg(long, value_name = "NS", requires = "cluster")]
    pub argocd_namespace: Option<String>,
    /// The most live objects of each checked kind read and compared (default 500).
    #[arg(long, value_name = "N", requires = "cluster",
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub live_objects: Option<u32>,
}

/// Live objects per checked (group, kind).
pub type Live = BTreeMap<(String, String), Vec<Value>>;

/// The live objects a worker compares for `script`: `None` for a wildcard key or a kind the
/// cluster does not serve.
pub fn for_script<'a>(live: &'a Live, script: &Script) -> Option<&'a [Value]> {
    if script.is_wildcard() {
        return None;
    }
    live.get(&(script.group.clone(), script.kind.clone()))
        .map(Vec::as_slice)
}

/// What the cluster gave: the scripts (as `Read` from files), the live objects, and whether
/// some read failed (exit 2, the rest still audited).
pub struct FromCluster {
    /// The scripts, as files give them.
    pub read: Read,
    /// Live objects per checked kind.
    pub live: Live,
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

/// The name a configuration object is reported under: `cluster:NS/Kind/NAME`.
fn source_name(obj: &Value) -> String {
    let meta = &obj["metadata"];
    format!(
        "cluster:{}/{}/{}",
        text(meta, "namespace"),
        text(obj, "kind"),
        text(meta, "name")
    )
}

/// Reads the installed checks and the live objects of their kinds; `Err` when nothing could be
/// read (the message says what to do).
pub fn read(
    flags: &Flags,
    opts: &audit::ReadOptions,
    catalog: &Catalog,
    verbose: bool,
) -> Result<FromCluster, ClusterError> {
    let connection = Connection {
        cluster: true,
        kubeconfig: flags.kubeconfig.clone(),
        context: flags.context.clone(),
        verbose,
    };
    let mut cluster = connection.connect()?;
    let ns = flags.argocd_namespace.as_deref();
    let installed = match cluster.installed_checks(ns) {
        Ok(found) => found,
        Err(e @ ClusterError::Forbidden { .. }) if ns.is_none() => {
            return Err(ClusterError::Request(format!(
                "{e}; or name Argo CD's namespace with --argocd-namespace NS"
            )))
        }
        Err(e) => return Err(e),
    };
    let mut read = Read::default();
    for p in &installed.problems {
        complain!("error: {p}");
        read.trouble = true;
    }
    if installed.objects.is_empty() {
        let place = ns.map_or("any namespace you may list".to_owned(), |n| {
            format!("namespace {n}")
        });
        return Err(ClusterError::Request(format!(
            "no argocd-cm ConfigMap or ArgoCD resource found in {place}"
        )));
    }
    for obj in &installed.objects {
        let name = source_name(obj);
        // Pretty JSON is YAML: the same reader as files, each key on a line of its own.
        let text = serde_json::to_string_pretty(obj)
            .map_err(|e| ClusterError::Request(format!("{name}: {e}")))?;
        super::audit::read_one(&mut read, &name, &text, opts);
    }
    let cap = flags
        .live_objects
        .map_or(DEFAULT_LIVE_OBJECTS, |n| n as usize);
    let live = live_objects(&mut cluster, &read.scripts, catalog, cap, &mut read.trouble)?;
    connection.report(&cluster);
    Ok(FromCluster { read, live })
}

/// One LIST (all namespaces, at most `cap` objects) per kind keyed by a script that names one
/// kind with a rule of ours; a kind not served has nothing to compare.
fn live_objects(
    cluster: &mut Cluster,
    scripts: &[Script],
    catalog: &Catalog,
    cap: usize,
    trouble: &mut bool,
) -> Result<Live, ClusterError> {
    let mut live = Live::new();
    for s in scripts.iter().filter(|s| !s.is_wildcard()) {
        let key = (s.group.clone(), s.kind.clone());
        if live.contains_key(&key) || catalog.lookup(&s.group, &s.kind).is_none() {
            continue;
        }
        let resource = match cluster.resource(&s.group, &s.kind, None) {
            Ok(r) => r,
            Err(ClusterError::NotServed { .. }) => continue,
            Err(e) if e.is_fatal() => return Err(e),
            Err(e) => {
                complain!("error: {e}");
                *trouble = true;
                continue;
            }
        };
        // Keyed by namespace/name: a list restarted after an expired token repeats objects.
        let mut objects: BTreeMap<(String, String), Value> = BTreeMap::new();
        let options = ListOptions {
            field_selector: None,
            max: Some(cap),
        };
        let listed = cluster.list_with(&resource, None, options, &mut |mut o| {
            if let Some(meta) = o["metadata"].as_object_mut() {
                meta.remove("managedFields");
            }
            let id = (
                text(&o["metadata"], "namespace").to_owned(),
                text(&o["metadata"], "name").to_owned(),
            );
            objects.insert(id, o);
        });
        match listed {
            Ok(l) if l.truncated => complain!(
                "note: {}/{}: compared the first {cap} live objects only (--live-objects)",
                s.group,
                s.kind
            ),
            Ok(_) => {}
            Err(e) if e.is_fatal() => return Err(e),
            Err(e) => {
                complain!("error: {e}");
                *trouble = true;
                continue;
            }
        }
        live.insert(key, objects.into_values().collect());
    }
    Ok(live)
}
