//! The objects a rollout view needs: the Applications, and the live objects their
//! `status.resources` and last sync's results name, read in as few requests as the API allows.

use super::watch::{End, Event};
use super::{Cluster, Error, Resource};
use crate::rollout::ResourceRef;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// Which rollout to read.
#[derive(Clone, Debug, Default)]
pub struct RolloutQuery {
    /// Root Applications to follow (`name` or `namespace/name`); empty for every one.
    pub apps: Vec<String>,
    /// The namespace Applications are listed in; `None` for every namespace the user may list.
    pub argocd_namespace: Option<String>,
}

/// What was read: objects for the rollout view, and reads that failed without stopping the
/// others (a kind not served, a kind the user may not read).
#[derive(Debug, Default)]
pub struct Gathered {
    /// Applications, then live objects.
    pub objects: Vec<Value>,
    /// One error per kind (or namespace) that could not be read.
    pub problems: Vec<Error>,
}

type Key = (String, String);

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

fn key_of(obj: &Value) -> Key {
    let meta = &obj["metadata"];
    (
        text(meta, "namespace").to_owned(),
        text(meta, "name").to_owned(),
    )
}

/// The entries an Application names: `status.resources` and its last sync's results (hooks
/// appear only there).
fn entries(app: &Value) -> impl Iterator<Item = &Value> {
    let status = &app["status"];
    let resources = status["resources"].as_array().into_iter().flatten();
    let results = status["operationState"]["syncResult"]["resources"]
        .as_array()
        .into_iter()
        .flatten();
    resources.chain(results)
}

fn is_application(entry: &Value) -> bool {
    text(entry, "group") == "argoproj.io" && text(entry, "kind") == "Application"
}

/// The Applications named in `wanted` and every Application under them.
fn select(apps: &BTreeMap<Key, Value>, wanted: &[String], problems: &mut Vec<Error>) -> Vec<Key> {
    if wanted.is_empty() {
        return apps.keys().cloned().collect();
    }
    let mut todo: Vec<Key> = Vec::new();
    for w in wanted {
        let found: Vec<&Key> = apps
            .keys()
            .filter(|(ns, name)| name == w || format!("{ns}/{name}") == *w)
            .collect();
        if found.is_empty() {
            problems.push(Error::NotFound(format!("no Application named {w}")));
        }
        todo.extend(found.into_iter().cloned());
    }
    let mut seen = BTreeSet::new();
    while let Some(k) = todo.pop() {
        if !seen.insert(k.clone()) {
            continue;
        }
        let Some(app) = apps.get(&k) else { continue };
        for e in entries(app).filter(|e| is_application(e)) {
            todo.push((text(e, "namespace").to_owned(), text(e, "name").to_owned()));
        }
    }
    seen.into_iter().collect()
}

/// (group, kind) -> (the version Argo CD recorded, namespace -> names).
type Wanted = BTreeMap<Key, (String, BTreeMap<String, BTreeSet<String>>)>;

fn wanted(apps: &BTreeMap<Key, Value>, selected: &[Key]) -> Wanted {
    let mut out: Wanted = BTreeMap::new();
    for app in selected.iter().filter_map(|k| apps.get(k)) {
        for e in entries(app) {
            let (ns, name) = (text(e, "namespace"), text(e, "name"));
            if name.is_empty()
                || is_application(e) && apps.contains_key(&(ns.to_owned(), name.to_owned()))
            {
                continue;
            }
            let slot = out
                .entry((text(e, "group").to_owned(), text(e, "kind").to_owned()))
                .or_insert_with(|| (text(e, "version").to_owned(), BTreeMap::new()));
            slot.1
                .entry(ns.to_owned())
                .or_default()
                .insert(name.to_owned());
        }
    }
    out
}

/// Lists the Applications; returns them with the list's resourceVersion.
fn list_apps(
    cluster: &mut Cluster,
    query: &RolloutQuery,
) -> Result<(Resource, BTreeMap<Key, Value>, String), Error> {
    let resource = cluster.resource("argoproj.io", "Application", Some("v1alpha1"))?;
    let mut apps: BTreeMap<Key, Value> = BTreeMap::new();
    let rv = cluster.list_each(&resource, query.argocd_namespace.as_deref(), &mut |o| {
        apps.insert(key_of(&o), o);
    })?;
    Ok((resource, apps, rv))
}

/// Reads the Applications, then the live objects they name: one GET for a lone object, one
/// LIST for several of one kind in one namespace.
pub(super) fn rollout_objects(
    cluster: &mut Cluster,
    query: &RolloutQuery,
) -> Result<Gathered, Error> {
    let (_, apps, _) = list_apps(cluster, query)?;
    read_live(cluster, &apps, query)
}

/// The selected Applications and the live objects they name.
fn read_live(
    cluster: &mut Cluster,
    apps: &BTreeMap<Key, Value>,
    query: &RolloutQuery,
) -> Result<Gathered, Error> {
    let mut problems = Vec::new();
    let selected = select(apps, &query.apps, &mut problems);
    let mut live = Vec::new();
    for ((group, kind), (version, by_namespace)) in wanted(apps, &selected) {
        let version = (!version.is_empty()).then_some(version.as_str());
        let resource = match cluster.resource(&group, &kind, version) {
            Ok(r) => r,
            Err(e) if e.is_fatal() => return Err(e),
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        for (ns, names) in by_namespace {
            let ns = (resource.namespaced && !ns.is_empty()).then_some(ns.as_str());
            match read_names(cluster, &resource, ns, &names, &mut live) {
                Ok(()) => {}
                Err(e) if e.is_fatal() => return Err(e),
                Err(e) => problems.push(e),
            }
        }
    }
    let mut objects: Vec<Value> = selected
        .iter()
        .filter_map(|k| apps.get(k).cloned())
        .collect();
    dedup(&mut live);
    objects.extend(live);
    Ok(Gathered { objects, problems })
}

/// One GET for a lone name, else one LIST of the namespace kept to the names.
fn read_names(
    cluster: &Cluster,
    resource: &Resource,
    ns: Option<&str>,
    names: &BTreeSet<String>,
    live: &mut Vec<Value>,
) -> Result<(), Error> {
    if names.len() == 1 {
        let name = names.first().map_or("", String::as_str);
        return cluster.get(resource, ns, name).map(|o| live.extend(o));
    }
    cluster
        .list_each(resource, ns, &mut |o| {
            if names.contains(text(&o["metadata"], "name")) {
                live.push(o);
            }
        })
        .map(|_| ())
}

/// How long a watch connection is held before it is opened again.
const WATCH_WINDOW: Duration = Duration::from_secs(300);
/// The pause before watching again after a stream that closed with no change.
const QUIET_PAUSE: Duration = Duration::from_secs(1);
/// How often the blockers are read again while Applications do not change: Argo CD 3.x keeps
/// no health in `status.resources`, so a blocker's own change need not change its Application.
pub const BLOCKER_PERIOD: Duration = Duration::from_secs(5);

/// What the follower does after a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// The rollout ended: stop following.
    Stop,
    /// Go on, and read these objects (the blockers) again every 5 s.
    Continue(Vec<ResourceRef>),
}

/// The blockers being re-read and the resourceVersion each was last seen at (`None`: absent).
#[derive(Default)]
struct Blockers {
    seen: Vec<(ResourceRef, Option<String>)>,
    last_read: Option<Instant>,
}

fn resource_version(obj: &Value) -> Option<String> {
    obj["metadata"]["resourceVersion"]
        .as_str()
        .map(str::to_owned)
}

impl Blockers {
    /// Remembers `refs` (Applications excluded: their watch sees them) as `gathered` has them.
    fn track(&mut self, refs: Vec<ResourceRef>, gathered: &Gathered) {
        self.seen = refs
            .into_iter()
            .filter(|r| !(r.group == "argoproj.io" && r.kind == "Application"))
            .map(|r| {
                let found = gathered.objects.iter().find(|o| is_object(o, &r));
                let rv = found.and_then(resource_version);
                (r, rv)
            })
            .collect();
        self.last_read = Some(Instant::now());
    }

    /// Whether the period since the last read has passed (and there is something to read).
    fn due(&self) -> bool {
        !self.seen.is_empty() && self.last_read.is_none_or(|t| t.elapsed() >= BLOCKER_PERIOD)
    }

    /// Reads each blocker again (one GET each); whether one changed (its resourceVersion,
    /// compared for equality only, or whether it exists).
    fn changed(&mut self, cluster: &mut Cluster) -> Result<bool, Error> {
        self.last_read = Some(Instant::now());
        for (r, rv) in &self.seen {
            let resource = match cluster.resource(&r.group, &r.kind, None) {
                Ok(res) => res,
                Err(e) if e.is_fatal() => return Err(e),
                Err(_) => continue,
            };
            let ns =
                (resource.namespaced && !r.namespace.is_empty()).then_some(r.namespace.as_str());
            let now = match cluster.get(&resource, ns, &r.name) {
                Ok(o) => o.as_ref().and_then(resource_version),
                Err(e) if e.is_fatal() => return Err(e),
                Err(_) => continue,
            };
            if &now != rv {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn is_object(obj: &Value, r: &ResourceRef) -> bool {
    let group = text(obj, "apiVersion")
        .rsplit_once('/')
        .map_or("", |(g, _)| g);
    let (ns, name) = key_of(obj);
    text(obj, "kind") == r.kind
        && group == r.group
        && name == r.name
        && (r.namespace.is_empty() || ns == r.namespace)
}

/// Follows the rollout: the Applications are watched, and the blockers `on_change` names are
/// read again every [`BLOCKER_PERIOD`] (their own changes need not change an Application);
/// after each change the live objects are read again and `on_change` called. Returns `true`
/// when `on_change` said [`Next::Stop`], `false` when `timeout` passed first.
pub(super) fn follow(
    cluster: &mut Cluster,
    query: &RolloutQuery,
    timeout: Duration,
    on_change: &mut dyn FnMut(&Gathered) -> Next,
) -> Result<bool, Error> {
    let deadline = Instant::now() + timeout;
    let (resource, mut apps, mut rv) = list_apps(cluster, query)?;
    let mut blockers = Blockers::default();
    let mut changed = true;
    loop {
        if changed {
            let gathered = read_live(cluster, &apps, query)?;
            match on_change(&gathered) {
                Next::Stop => return Ok(true),
                Next::Continue(refs) => blockers.track(refs, &gathered),
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        changed = false;
        let window = match blockers.seen.is_empty() {
            true => left.min(WATCH_WINDOW),
            false => left.min(BLOCKER_PERIOD),
        };
        let ns = query.argocd_namespace.as_deref();
        let end = cluster.watch_each(&resource, ns, &mut rv, window, &mut |e| {
            changed = true;
            match e {
                Event::Applied(o) => apps.insert(key_of(&o), o),
                Event::Deleted(o) => apps.remove(&key_of(&o)),
            };
        })?;
        if end == End::Expired {
            // The resourceVersion is too old: a fresh list, and watch from its version.
            (_, apps, rv) = list_apps(cluster, query)?;
            changed = true;
        }
        if !changed && blockers.due() {
            changed = blockers.changed(cluster)?;
        }
        if !changed {
            std::thread::sleep(QUIET_PAUSE.min(deadline.saturating_duration_since(Instant::now())));
        }
    }
}

/// Drops objects a restarted list delivered twice (the later copy is kept).
fn dedup(live: &mut Vec<Value>) {
    let mut seen = BTreeSet::new();
    let mut keep = vec![false; live.len()];
    for (i, o) in live.iter().enumerate().rev() {
        let id = (
            text(o, "apiVersion").to_owned(),
            text(o, "kind").to_owned(),
            key_of(o),
        );
        keep[i] = seen.insert(id);
    }
    let mut flags = keep.into_iter();
    live.retain(|_| flags.next().unwrap_or(false));
}
