//! Reading Argo CD Applications and the objects they manage from a cluster, read-only.
//!
//! The layer does IO and nothing else: it hands `serde_json` objects to the layers above (the
//! rollout view, the evaluator), which do not know where objects came from. Every request is a
//! GET (see [`read`]); configuration is found as kubectl and oc find it.

pub mod discovery;
mod gather;
mod installed;
pub mod read;
pub mod watch;

pub use discovery::Resource;
pub use gather::{Gathered, Next, RolloutQuery};
pub use installed::Installed;
pub use read::Verb;

use discovery::Discovery;
use read::{Call, ReadOnly};
use serde_json::Value;
use std::path::PathBuf;

/// Objects asked for per page of a LIST: bounds the memory one answer takes.
pub const PAGE: usize = 500;
/// How many times an expired continue token (410) restarts a list.
const RESTARTS: u32 = 3;

/// Why a read failed, worded so a person can act on it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No kubeconfig, or one that cannot be used.
    #[error("no usable cluster configuration: {0}")]
    Config(String),
    /// The credentials could not be obtained (exec plugin, token file).
    #[error("cannot get credentials for the cluster: {0}")]
    Credentials(String),
    /// The server did not answer.
    #[error("cannot reach the cluster at {server}: {detail}")]
    Unreachable {
        /// The server URL.
        server: String,
        /// What failed.
        detail: String,
    },
    /// 401: the token expired or was never valid.
    #[error(
        "the cluster at {server} did not accept your credentials (401 Unauthorized): log in \
         again: oc login {server} (or kubectl: refresh the kubeconfig's user)"
    )]
    Unauthorized {
        /// The server URL.
        server: String,
    },
    /// 403: the user lacks a read permission.
    #[error("{}", forbidden(*verb, group, resource, namespace.as_deref(), message))]
    Forbidden {
        /// The verb that was refused.
        verb: Verb,
        /// The API group.
        group: String,
        /// The plural resource.
        resource: String,
        /// The namespace, `None` for cluster-wide.
        namespace: Option<String>,
        /// The server's message.
        message: String,
    },
    /// The cluster does not serve a kind (its CRD is not installed).
    #[error("{kind} is not served by this cluster (is its CRD installed?)")]
    NotServed {
        /// `group/Kind`.
        kind: String,
    },
    /// 404 on a path.
    #[error("not found: {0}")]
    NotFound(String),
    /// 410: a continue token or resourceVersion too old.
    #[error("gone: {0}")]
    Gone(String),
    /// 429 after waiting as asked, several times.
    #[error("the cluster at {server} kept answering 429 Too Many Requests; try again later")]
    TooManyRequests {
        /// The server URL.
        server: String,
    },
    /// Any other error answer.
    #[error("the API server answered {code}: {message}")]
    Api {
        /// HTTP status.
        code: u16,
        /// The Status message.
        message: String,
    },
    /// A request could not be built or its answer read.
    #[error("{0}")]
    Request(String),
}

fn forbidden(verb: Verb, group: &str, resource: &str, ns: Option<&str>, msg: &str) -> String {
    let where_ = ns.map_or("cluster-wide".to_owned(), |n| format!("in namespace {n}"));
    let dotted = if group.is_empty() {
        resource.to_owned()
    } else {
        format!("{resource}.{group}")
    };
    format!(
        "not allowed to {} {dotted} {where_} (403 Forbidden: {msg}); a ClusterRole (or Role in \
         the namespace) with the rule {{apiGroups: [\"{group}\"], resources: [\"{resource}\"], \
         verbs: [\"get\", \"list\", \"watch\"]}} bound to you grants it",
        verb.as_str()
    )
}

impl Error {
    /// Whether every further read would fail the same way (stop at once).
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            Error::Config(_)
                | Error::Credentials(_)
                | Error::Unreachable { .. }
                | Error::Unauthorized { .. }
                | Error::TooManyRequests { .. }
        )
    }
}

/// Where the cluster configuration comes from, as kubectl and oc find it.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `--kubeconfig FILE`; else `KUBECONFIG` (a colon-separated list), `~/.kube/config`, or the
    /// in-cluster service account.
    pub kubeconfig: Option<PathBuf>,
    /// `--context NAME`; else the kubeconfig's current context.
    pub context: Option<String>,
}

/// A read-only connection to one cluster, with its own runtime: callers stay synchronous.
pub struct Cluster {
    runtime: tokio::runtime::Runtime,
    reader: ReadOnly,
    discovery: Discovery,
    default_namespace: String,
}

impl Cluster {
    /// Loads the configuration `target` names and builds a client (no request is sent yet).
    pub fn connect(target: &Target) -> Result<Cluster, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start the IO runtime: {e}")))?;
        let config = runtime.block_on(config(target))?;
        let server = config.cluster_url.to_string();
        let server = server.trim_end_matches('/').to_owned();
        let default_namespace = config.default_namespace.clone();
        let client = {
            // kube-rs builds its connection pool on the runtime it runs in.
            let _guard = runtime.enter();
            kube::Client::try_from(config).map_err(client_error)?
        };
        Ok(Cluster {
            runtime,
            reader: ReadOnly::new(client, server),
            discovery: Discovery::default(),
            default_namespace,
        })
    }

    /// Requests sent so far (discovery, gets, list pages, watches, retries).
    pub fn requests(&self) -> usize {
        self.reader.requests()
    }

    /// The namespace of the kubeconfig's context (`default` when it names none).
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }

    /// The resource serving `group`/`kind` (at `version` when served), or `NotServed`.
    pub fn resource(
        &mut self,
        group: &str,
        kind: &str,
        version: Option<&str>,
    ) -> Result<Resource, Error> {
        let found =
            self.runtime
                .block_on(self.discovery.resolve(&self.reader, group, kind, version))?;
        found.ok_or_else(|| Error::NotServed {
            kind: if group.is_empty() {
                kind.to_owned()
            } else {
                format!("{group}/{kind}")
            },
        })
    }

    /// Every object of `resource` in `namespace` (all namespaces when `None`), page by page;
    /// `each` may see an object twice when an expired list restarts. Returns the list's
    /// resourceVersion.
    pub fn list_each(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        each: &mut dyn FnMut(Value),
    ) -> Result<String, Error> {
        let options = ListOptions::default();
        self.list_with(resource, namespace, options, each)
            .map(|l| l.resource_version)
    }

    /// As [`Cluster::list_each`], with a field selector and at most `options.max` objects
    /// (the list's pages never ask for more), saying whether more remained.
    pub fn list_with(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        options: ListOptions<'_>,
        each: &mut dyn FnMut(Value),
    ) -> Result<Listed, Error> {
        self.runtime
            .block_on(list_each(&self.reader, resource, namespace, options, each))
    }

    /// One object, `None` when it does not exist.
    pub fn get(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<Value>, Error> {
        self.runtime
            .block_on(get(&self.reader, resource, namespace, name))
    }

    /// Watches `resource` from `rv` for at most `wait` (a `410 Gone` ends it, for the caller to list again).
    pub fn watch_each(
        &self,
        resource: &Resource,
        namespace: Option<&str>,
        rv: &mut String,
        wait: std::time::Duration,
        each: &mut dyn FnMut(watch::Event),
    ) -> Result<watch::End, Error> {
        let settle = std::time::Duration::from_millis(500);
        self.runtime.block_on(async {
            let stream =
                watch::watch_each(&self.reader, resource, namespace, rv, wait, settle, each);
            tokio::time::timeout(wait, stream)
                .await
                .unwrap_or(Ok(watch::End::Closed))
        })
    }

    /// Follows a rollout until `on_change` returns [`Next::Stop`] (then `Ok(true)`) or
    /// `timeout` passes (`Ok(false)`); `on_change` sees the objects after every change (of an
    /// Application, or of a blocker it named).
    pub fn follow(
        &mut self,
        query: &RolloutQuery,
        timeout: std::time::Duration,
        on_change: &mut dyn FnMut(&Gathered) -> Next,
    ) -> Result<bool, Error> {
        gather::follow(self, query, timeout, on_change)
    }

    /// The `argocd-cm` ConfigMaps and `ArgoCD` resources in `namespace`, or in every namespace
    /// the user may list.
    pub fn installed_checks(&mut self, namespace: Option<&str>) -> Result<Installed, Error> {
        installed::installed(self, namespace)
    }

    /// The Applications of a rollout and the live objects its view needs.
    pub fn rollout_objects(&mut self, query: &RolloutQuery) -> Result<Gathered, Error> {
        gather::rollout_objects(self, query)
    }
}

/// A client that cannot be built: credentials (an exec plugin that failed) or configuration.
fn client_error(e: kube::Error) -> Error {
    use kube::client::AuthError;
    match e {
        // The plugin's own words (its standard error) say what to do, e.g. log in first.
        kube::Error::Auth(AuthError::AuthExecRun { out, .. }) => {
            let said = String::from_utf8_lossy(&out.stderr);
            let said = said.trim();
            let status = out.status;
            Error::Credentials(match said.is_empty() {
                true => format!("the exec credential plugin failed ({status})"),
                false => format!("the exec credential plugin failed ({status}): {said}"),
            })
        }
        kube::Error::Auth(a) => Error::Credentials(a.to_string()),
        other => Error::Config(other.to_string()),
    }
}

async fn config(target: &Target) -> Result<kube::Config, Error> {
    use kube::config::{KubeConfigOptions, Kubeconfig};
    let options = KubeConfigOptions {
        context: target.context.clone(),
        ..KubeConfigOptions::default()
    };
    let found = match (&target.kubeconfig, &target.context) {
        (Some(file), _) => {
            let kc = Kubeconfig::read_from(file)
                .map_err(|e| Error::Config(format!("{}: {e}", file.display())))?;
            kube::Config::from_custom_kubeconfig(kc, &options).await
        }
        (None, Some(_)) => kube::Config::from_kubeconfig(&options).await,
        (None, None) => {
            return kube::Config::infer().await.map_err(|e| {
                Error::Config(format!("{e} (set KUBECONFIG, or pass --kubeconfig FILE)"))
            });
        }
    };
    found.map_err(|e| Error::Config(e.to_string()))
}

/// Puts back `apiVersion` and `kind`, which list items of built-in kinds leave out.
fn typed(mut obj: Value, resource: &Resource) -> Value {
    if let Some(map) = obj.as_object_mut() {
        map.entry("apiVersion")
            .or_insert_with(|| resource.api_version().into());
        map.entry("kind")
            .or_insert_with(|| resource.kind.clone().into());
    }
    obj
}

/// What a LIST asks for besides its path: a field selector, and the most objects wanted.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListOptions<'a> {
    /// `fieldSelector` (`metadata.name=argocd-cm`).
    pub field_selector: Option<&'a str>,
    /// Stop after this many objects (`None`: every one).
    pub max: Option<usize>,
}

/// How a LIST ended: the list's resourceVersion, and whether `max` stopped it early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    /// The point to watch from.
    pub resource_version: String,
    /// Whether more objects remained when `max` was reached.
    pub truncated: bool,
}

async fn list_each(
    reader: &ReadOnly,
    resource: &Resource,
    namespace: Option<&str>,
    options: ListOptions<'_>,
    each: &mut dyn FnMut(Value),
) -> Result<Listed, Error> {
    let path = resource.path(namespace);
    let call = Call {
        verb: read::Verb::List,
        group: &resource.group,
        resource: &resource.plural,
        namespace,
    };
    let selector = options
        .field_selector
        .map(|s| format!("&fieldSelector={}", encode(s)))
        .unwrap_or_default();
    let mut token: Option<String> = None;
    let mut restarts = 0;
    let mut seen = 0usize;
    loop {
        // Never ask for more than is wanted: the page bounds the memory one answer takes.
        let left = options
            .max
            .map_or(PAGE, |m| m.saturating_sub(seen).clamp(1, PAGE));
        let mut query = format!("{path}?limit={left}{selector}");
        if let Some(t) = &token {
            query.push_str("&continue=");
            query.push_str(&encode(t));
        }
        let mut page = match reader.get_json(&query, &call).await {
            Err(Error::Gone(_)) if token.is_some() && restarts < RESTARTS => {
                // The continue token expired: the list starts again, as the API asks.
                restarts += 1;
                token = None;
                seen = 0;
                continue;
            }
            other => other?,
        };
        for item in page["items"]
            .as_array_mut()
            .map(std::mem::take)
            .unwrap_or_default()
        {
            if options.max.is_some_and(|m| seen >= m) {
                break;
            }
            seen += 1;
            each(typed(item, resource));
        }
        let more = page["metadata"]["continue"]
            .as_str()
            .filter(|t| !t.is_empty());
        let rv = page["metadata"]["resourceVersion"].as_str().unwrap_or("");
        match more {
            Some(_) if options.max.is_some_and(|m| seen >= m) => {
                return Ok(Listed {
                    resource_version: rv.to_owned(),
                    truncated: true,
                })
            }
            Some(t) => token = Some(t.to_owned()),
            None => {
                return Ok(Listed {
                    resource_version: rv.to_owned(),
                    truncated: false,
                })
            }
        }
    }
}

async fn get(
    reader: &ReadOnly,
    resource: &Resource,
    namespace: Option<&str>,
    name: &str,
) -> Result<Option<Value>, Error> {
    let path = format!("{}/{}", resource.path(namespace), encode(name));
    let call = Call {
        verb: read::Verb::Get,
        group: &resource.group,
        resource: &resource.plural,
        namespace,
    };
    match reader.get_json(&path, &call).await {
        Ok(obj) => Ok(Some(typed(obj, resource))),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Percent-encodes a path segment or query value (names and continue tokens).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
