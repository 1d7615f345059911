//! Which Application manages which: children are the Applications another lists in
//! `status.resources[]`, roots are those nobody lists. Each Application is expanded once; a
//! cycle, a child missing from the input or a chain deeper than [`MAX_DEPTH`] is reported.

use super::{blockers, resources, AppNode, Problem, ResourceRef};
use crate::argocd::group_kind_of;
use crate::argocd::sync::DEFAULT_WAVE;
use crate::catalog::Catalog;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Argo CD's API group and kind for Applications.
pub(super) const APP_GROUP: &str = "argoproj.io";
/// See [`APP_GROUP`].
pub(super) const APP_KIND: &str = "Application";
/// Deeper app-of-apps chains are not followed: a real one is a few levels deep, and recursion
/// must stay bounded whatever the input.
const MAX_DEPTH: usize = 64;

/// An Application's `(namespace, name)`.
pub(super) type AppKey = (String, String);

/// Argo CD's kind for projects, whose `spec.syncWindows` may hold a sync.
const PROJECT_KIND: &str = "AppProject";

/// The input, indexed: Applications by namespace and name (sorted, so roots come out in a
/// stable order), AppProjects by name, every object by group, kind, namespace and name. Of an
/// object given twice the newer copy ([`newer`]) is kept, else the first; an Application
/// without a name is left out (the CLI reports it).
pub(super) struct Index<'a> {
    pub(super) apps: BTreeMap<AppKey, &'a Value>,
    pub(super) projects: BTreeMap<AppKey, &'a Value>,
    pub(super) live: HashMap<ResourceRef, &'a Value>,
}

fn number(obj: &Value, path: &str) -> Option<i64> {
    obj.pointer(path).and_then(Value::as_i64)
}

fn stamp<'a>(obj: &'a Value, path: &str) -> Option<&'a str> {
    obj.pointer(path).and_then(Value::as_str)
}

/// Which of two copies of one object is newer, when their content says so: the higher
/// `metadata.generation` (bumped by every spec change), then the higher
/// `status.observedGeneration`, then the later `status.reconciledAt` and
/// `status.operationState.finishedAt`/`startedAt` (Argo CD writes them as RFC 3339 UTC, which
/// sort as text). `resourceVersion` is opaque by the Kubernetes API contract and is not compared.
/// `None` when nothing tells them apart.
pub fn newer(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering::Equal;
    let numbers = ["/metadata/generation", "/status/observedGeneration"];
    for path in numbers {
        if let (Some(x), Some(y)) = (number(a, path), number(b, path)) {
            if x != y {
                return Some(x.cmp(&y));
            }
        }
    }
    let stamps = [
        "/status/reconciledAt",
        "/status/operationState/finishedAt",
        "/status/operationState/startedAt",
    ];
    for path in stamps {
        if let (Some(x), Some(y)) = (stamp(a, path), stamp(b, path)) {
            if x != y {
                return Some(x.cmp(y));
            }
        }
    }
    (a == b).then_some(Equal)
}

/// Keeps the newer of the copy in `slot` and `obj`.
fn keep_newer<'a>(slot: &mut &'a Value, obj: &'a Value) {
    if newer(slot, obj) == Some(std::cmp::Ordering::Less) {
        *slot = obj;
    }
}

fn meta<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.get("metadata")
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl<'a> Index<'a> {
    /// Indexes `objects`.
    pub(super) fn new(objects: &'a [Value]) -> Index<'a> {
        let mut index = Index {
            apps: BTreeMap::new(),
            projects: BTreeMap::new(),
            live: HashMap::new(),
        };
        for obj in objects {
            let gk = group_kind_of(obj);
            let (namespace, name) = (meta(obj, "namespace"), meta(obj, "name"));
            let key = (namespace.to_owned(), name.to_owned());
            if gk.group == APP_GROUP && gk.kind == APP_KIND && !name.is_empty() {
                let slot = index.apps.entry(key.clone()).or_insert(obj);
                keep_newer(slot, obj);
            }
            if gk.group == APP_GROUP && gk.kind == PROJECT_KIND {
                let slot = index.projects.entry(key).or_insert(obj);
                keep_newer(slot, obj);
            }
            let key = ResourceRef {
                group: gk.group,
                kind: gk.kind,
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            };
            let slot = index.live.entry(key).or_insert(obj);
            keep_newer(slot, obj);
        }
        index
    }

    /// The Application a resource entry names, if it is one and it is in the input. An entry
    /// without a namespace matches the first Application of that name.
    fn app_of(&self, r: &ResourceRef) -> Option<AppKey> {
        let key = (r.namespace.clone(), r.name.clone());
        if self.apps.contains_key(&key) {
            return Some(key);
        }
        if !r.namespace.is_empty() {
            return None;
        }
        self.apps.keys().find(|(_, n)| *n == r.name).cloned()
    }

    /// The AppProject named by `spec.project` (`default` when unset), preferring the one in the
    /// Application's namespace (Argo CD's control plane).
    pub(super) fn project_of(&self, app: &Value) -> Option<&'a Value> {
        let name = match app.pointer("/spec/project").and_then(Value::as_str) {
            None | Some("") => "default",
            Some(name) => name,
        };
        let own = (meta(app, "namespace").to_owned(), name.to_owned());
        self.projects.get(&own).copied().or_else(|| {
            let mut same_name = self.projects.iter().filter(|((_, n), _)| n == name);
            same_name.next().map(|(_, p)| *p)
        })
    }
}

/// Whether a resource entry is an Application.
pub(super) fn is_app(r: &ResourceRef) -> bool {
    is_app_kind(&r.group, &r.kind)
}

/// Whether a group and kind are Argo CD's Application.
pub(super) fn is_app_kind(group: &str, kind: &str) -> bool {
    group == APP_GROUP && kind == APP_KIND
}

fn child_refs(app: &Value) -> Vec<ResourceRef> {
    resources::entries(app)
        .into_iter()
        .map(|(r, _)| r)
        .filter(is_app)
        .collect()
}

/// Builds one tree per root, and the problems met on the way. Applications that no root reaches
/// (all of them inside cycles) become roots of their own, so every Application is shown.
pub(super) fn build(index: &Index, catalog: &Catalog, now: i64) -> (Vec<AppNode>, Vec<Problem>) {
    let listed: BTreeSet<AppKey> = index
        .apps
        .values()
        .flat_map(|app| child_refs(app))
        .filter_map(|r| index.app_of(&r))
        .collect();
    let mut b = Builder {
        index,
        catalog,
        now,
        expanded: BTreeSet::new(),
        problems: Vec::new(),
    };
    let mut roots = Vec::new();
    for key in index.apps.keys().filter(|k| !listed.contains(*k)) {
        roots.push(b.node(key, DEFAULT_WAVE, &mut Vec::new()));
    }
    while let Some(key) = index.apps.keys().find(|k| !b.expanded.contains(*k)) {
        roots.push(b.node(key, DEFAULT_WAVE, &mut Vec::new()));
    }
    (roots, b.problems)
}

struct Builder<'i, 'a> {
    index: &'i Index<'a>,
    catalog: &'i Catalog,
    /// When sync windows are judged, in seconds since the epoch.
    now: i64,
    expanded: BTreeSet<AppKey>,
    problems: Vec<Problem>,
}

fn id((namespace, name): &AppKey) -> String {
    format!("{namespace}/{name}")
}

impl Builder<'_, '_> {
    fn node(&mut self, key: &AppKey, wave: i64, path: &mut Vec<AppKey>) -> AppNode {
        self.expanded.insert(key.clone());
        let app = self.index.apps.get(key).copied().unwrap_or(&Value::Null);
        let mut node = resources::app_node(key, wave, app, self.index, self.catalog);
        path.push(key.clone());
        let children: Vec<(ResourceRef, i64)> = node
            .waves
            .iter()
            .flat_map(|g| g.resources.iter())
            .map(|r| (r.reference(), r.wave))
            .filter(|(r, _)| is_app(r))
            .collect();
        for (child, wave) in children {
            if let Some(n) = self.child(key, &child, wave, path) {
                node.children.push(n);
            }
        }
        path.pop();
        blockers::decide(&mut node, app, self.index.project_of(app), self.now);
        node
    }

    /// Marks `key` and every Application below it as shown, without expanding them: they sit
    /// under the chain cut at [`MAX_DEPTH`], and are not roots. A loop, not recursion, so any
    /// depth is safe.
    fn mark_below(&mut self, key: AppKey) {
        let mut todo = vec![key];
        while let Some(key) = todo.pop() {
            if !self.expanded.insert(key.clone()) {
                continue;
            }
            let Some(app) = self.index.apps.get(&key) else {
                continue;
            };
            let below = child_refs(app).into_iter();
            todo.extend(below.filter_map(|r| self.index.app_of(&r)));
        }
    }

    /// The child node to expand under `parent`, or `None` (reported when it is a problem).
    fn child(
        &mut self,
        parent: &AppKey,
        child: &ResourceRef,
        wave: i64,
        path: &mut Vec<AppKey>,
    ) -> Option<AppNode> {
        let mut report = |kind: &'static str, message: String| {
            self.problems.push(Problem {
                kind,
                app: id(parent),
                message,
            })
        };
        let Some(key) = self.index.app_of(child) else {
            report(
                "missing-child",
                format!(
                    "lists Application {}/{}, which is not in the input",
                    child.namespace, child.name
                ),
            );
            return None;
        };
        if let Some(start) = path.iter().position(|k| *k == key) {
            let mut ring: Vec<String> = path[start..].iter().map(id).collect();
            ring.push(id(&key));
            report(
                "cycle",
                format!("cycle {}: not followed", ring.join(" -> ")),
            );
            return None;
        }
        if self.expanded.contains(&key) {
            return None;
        }
        if path.len() >= MAX_DEPTH {
            report(
                "too-deep",
                format!(
                    "more than {MAX_DEPTH} levels of Applications: {} not followed",
                    id(&key)
                ),
            );
            self.mark_below(key);
            return None;
        }
        Some(self.node(&key, wave, path))
    }
}
