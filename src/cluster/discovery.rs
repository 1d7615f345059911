//! Which resource serves a kind: aggregated discovery when the server offers it, else the
//! legacy documents, read only for the groups a caller asks about. Plurals are never guessed.

use super::read::{Call, ReadOnly, Verb};
use super::Error;
use serde_json::Value;
use std::collections::HashMap;

/// What aggregated discovery (apidiscovery.k8s.io/v2) is asked for; servers that do not know it
/// answer with plain `application/json`, the legacy documents.
const AGGREGATED: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

/// A served resource: where objects of one kind are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// API group, `""` for the core group.
    pub group: String,
    /// The version objects are read at.
    pub version: String,
    /// The kind.
    pub kind: String,
    /// The plural resource name, from discovery.
    pub plural: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
}

impl Resource {
    /// `apiVersion` of the objects read (`v1`, `apps/v1`).
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The collection path, in `namespace` when given (and the resource is namespaced).
    pub fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }
}

/// One API group: its versions (preferred first) and the resources of the versions read.
#[derive(Default)]
struct Group {
    versions: Vec<String>,
    /// Versions whose resources are known (all of them after aggregated discovery).
    read: Vec<String>,
    /// (version, kind) -> resource.
    resources: HashMap<(String, String), Resource>,
}

/// The cluster's groups and kinds, read on first use.
#[derive(Default)]
pub struct Discovery {
    groups: Option<HashMap<String, Group>>,
}

impl Discovery {
    /// The resource serving `group`/`kind`, at `version` when served, else at the group's
    /// preferred version, else at its other versions in the order the server lists them;
    /// `None` when the cluster does not serve the kind. Legacy documents are read only until
    /// the kind is found.
    pub async fn resolve(
        &mut self,
        reader: &ReadOnly,
        group: &str,
        kind: &str,
        version: Option<&str>,
    ) -> Result<Option<Resource>, Error> {
        if self.groups.is_none() {
            self.groups = Some(groups(reader).await?);
        }
        let Some(entry) = self.groups.as_mut().and_then(|g| g.get_mut(group)) else {
            return Ok(None);
        };
        let mut order: Vec<String> = version
            .filter(|v| entry.versions.iter().any(|s| s == v))
            .map(str::to_owned)
            .into_iter()
            .collect();
        // Then the preferred version, then the others: a group's kinds need not share one
        // version (argoproj.io prefers v1beta1 for ArgoCD; Applications are v1alpha1 only).
        order.extend(entry.versions.iter().cloned());
        for v in order {
            if !entry.read.contains(&v) {
                for r in legacy_resources(reader, group, &v).await? {
                    entry.resources.insert((v.clone(), r.kind.clone()), r);
                }
                entry.read.push(v.clone());
            }
            if let Some(r) = entry.resources.get(&(v, kind.to_owned())) {
                return Ok(Some(r.clone()));
            }
        }
        Ok(None)
    }
}

/// Reads `/api` and `/apis`, aggregated when the server answers so.
async fn groups(reader: &ReadOnly) -> Result<HashMap<String, Group>, Error> {
    let mut out = HashMap::new();
    for path in ["/api", "/apis"] {
        let call = Call {
            verb: Verb::Get,
            group: "",
            resource: path,
            namespace: None,
        };
        let answer = reader.send(path, AGGREGATED, &call).await?;
        let aggregated = answer.content_type.contains("apidiscovery.k8s.io");
        let doc = super::read::json(answer.body, path).await?;
        if aggregated {
            aggregated_groups(&doc, &mut out);
        } else if path == "/api" {
            let versions = strings(&doc["versions"]);
            let group = Group {
                versions,
                ..Group::default()
            };
            out.insert(String::new(), group);
        } else {
            legacy_groups(&doc, &mut out);
        }
    }
    Ok(out)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// An APIGroupList: each group's versions, the preferred one first.
fn legacy_groups(doc: &Value, out: &mut HashMap<String, Group>) {
    for g in doc["groups"].as_array().into_iter().flatten() {
        let Some(name) = g["name"].as_str() else {
            continue;
        };
        let preferred = g["preferredVersion"]["version"].as_str().unwrap_or("");
        let mut versions: Vec<String> = g["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v["version"].as_str().map(str::to_owned))
            .collect();
        versions.sort_by_key(|v| v != preferred);
        let group = Group {
            versions,
            ..Group::default()
        };
        out.insert(name.to_owned(), group);
    }
}

/// An APIGroupDiscoveryList: groups, versions (preferred first) and resources in one document.
fn aggregated_groups(doc: &Value, out: &mut HashMap<String, Group>) {
    for g in doc["items"].as_array().into_iter().flatten() {
        let name = g["metadata"]["name"].as_str().unwrap_or("").to_owned();
        let mut group = Group::default();
        for v in g["versions"].as_array().into_iter().flatten() {
            let Some(version) = v["version"].as_str() else {
                continue;
            };
            group.versions.push(version.to_owned());
            group.read.push(version.to_owned());
            for r in v["resources"].as_array().into_iter().flatten() {
                let (Some(plural), Some(kind)) =
                    (r["resource"].as_str(), r["responseKind"]["kind"].as_str())
                else {
                    continue;
                };
                let resource = Resource {
                    group: name.clone(),
                    version: version.to_owned(),
                    kind: kind.to_owned(),
                    plural: plural.to_owned(),
                    namespaced: r["scope"] == "Namespaced",
                };
                group
                    .resources
                    .insert((version.to_owned(), kind.to_owned()), resource);
            }
        }
        out.insert(name, group);
    }
}

/// An APIResourceList (`/api/v1`, `/apis/{group}/{version}`), subresources left out.
async fn legacy_resources(
    reader: &ReadOnly,
    group: &str,
    version: &str,
) -> Result<Vec<Resource>, Error> {
    let path = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let call = Call {
        verb: Verb::Get,
        group: "",
        resource: &path,
        namespace: None,
    };
    let doc = match reader.get_json(&path, &call).await {
        // A version listed in /apis whose own document is gone (an aggregated API server
        // down) serves nothing this time.
        Err(Error::NotFound(_)) => return Ok(Vec::new()),
        other => other?,
    };
    Ok(doc["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let plural = r["name"].as_str()?;
            if plural.contains('/') {
                return None;
            }
            Some(Resource {
                group: group.to_owned(),
                version: version.to_owned(),
                kind: r["kind"].as_str()?.to_owned(),
                plural: plural.to_owned(),
                namespaced: r["namespaced"].as_bool().unwrap_or(false),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn legacy_groups_put_the_preferred_version_first() {
        let doc = json!({"groups": [{"name": "argoproj.io",
            "versions": [{"version": "v1alpha1"}, {"version": "v1beta1"}],
            "preferredVersion": {"version": "v1beta1"}}]});
        let mut out = HashMap::new();
        legacy_groups(&doc, &mut out);
        assert_eq!(out["argoproj.io"].versions, ["v1beta1", "v1alpha1"]);
        assert!(out["argoproj.io"].read.is_empty());
    }

    #[test]
    fn aggregated_discovery_gives_plurals_and_scope() {
        let doc = json!({"items": [{"metadata": {"name": "core.mas.ibm.com"}, "versions": [
            {"version": "v1", "resources": [{"resource": "suites", "scope": "Namespaced",
                "responseKind": {"group": "core.mas.ibm.com", "version": "v1", "kind": "Suite"}}]}]}]});
        let mut out = HashMap::new();
        aggregated_groups(&doc, &mut out);
        let g = &out["core.mas.ibm.com"];
        let r = &g.resources[&("v1".to_owned(), "Suite".to_owned())];
        assert_eq!(r.plural, "suites");
        assert!(r.namespaced);
        assert_eq!(
            r.path(Some("mas")),
            "/apis/core.mas.ibm.com/v1/namespaces/mas/suites"
        );
        assert_eq!(g.read, ["v1"]);
    }

    #[test]
    fn core_paths_have_no_group_and_cluster_scoped_paths_no_namespace() {
        let r = Resource {
            group: String::new(),
            version: "v1".to_owned(),
            kind: "Namespace".to_owned(),
            plural: "namespaces".to_owned(),
            namespaced: false,
        };
        assert_eq!(r.path(Some("ignored")), "/api/v1/namespaces");
        assert_eq!(r.api_version(), "v1");
    }
}
