//! A stand-in Kubernetes API server for tests: HTTPS on 127.0.0.1 with a self-signed CA,
//! bearer-token auth, legacy (and optionally aggregated) discovery, GET, LIST with
//! limit/continue, WATCH streams and Status error bodies, serving recorded objects. It records
//! every request's method and path, so a test can prove the client only reads.

#![allow(dead_code)]

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The token the server accepts.
pub const TOKEN: &str = "sha256~stand-in-token";

/// A kind the server serves.
#[derive(Clone, Debug)]
pub struct Kind {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

/// One watch answer: events, written one per line, after which the server closes the stream.
pub type WatchBatch = Vec<Value>;

/// What the server serves and how it misbehaves; tests change it between runs.
#[derive(Default)]
pub struct State {
    pub kinds: Vec<Kind>,
    pub objects: Vec<Value>,
    /// Every request: (method, path and query).
    pub log: Vec<(String, String)>,
    pub aggregated: bool,
    /// Answer 401 to everything.
    pub expired_token: bool,
    /// Plurals every read of which is 403.
    pub forbidden: Vec<String>,
    /// How many next requests answer 429 with `Retry-After: 1`.
    pub throttle: u32,
    /// How many next continue tokens answer 410 Expired.
    pub expire_continue: u32,
    /// The largest page served, whatever `limit` asks (0: as asked).
    pub max_page: usize,
    /// Per plural: watch answers, served in order (each a connection); after the last, an
    /// empty stream.
    pub watches: BTreeMap<String, VecDeque<WatchBatch>>,
    /// The resourceVersion lists report.
    pub resource_version: String,
    /// A recorded rollout: each watch of Applications makes the next snapshot (every object)
    /// the cluster's state and sends a MODIFIED event per Application, then a BOOKMARK; after
    /// the last, watches close at once with no event.
    pub timeline: VecDeque<Vec<Value>>,
    /// How many next watches answer with an ERROR event of code 410 (resourceVersion too old).
    pub expire_watch: u32,
    /// Snapshots served so far (the resourceVersion of their events is 2000 + this).
    pub served: u32,
    /// Changes no Application shows (Argo CD 3.x stores no health in status.resources): once
    /// the timeline is spent, each watch of Applications makes the next of these snapshots the
    /// cluster's state and sends no event at all.
    pub quiet: VecDeque<Vec<Value>>,
}

/// A running server; stops when dropped.
pub struct Server {
    pub addr: SocketAddr,
    pub ca_pem: String,
    pub state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// The plural the stand-in serves for a kind. Deliberately not always kind+"s", so a client
/// that guessed plurals instead of reading discovery would fail.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_lowercase();
    if let Some(stem) = lower.strip_suffix('y') {
        format!("{stem}ies")
    } else if lower.ends_with('s') {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

fn split_api_version(api_version: &str) -> (String, String) {
    match api_version.split_once('/') {
        Some((g, v)) => (g.to_owned(), v.to_owned()),
        None => (String::new(), api_version.to_owned()),
    }
}

impl State {
    /// Serves `kind` (no-op when served already).
    pub fn serve(&mut self, group: &str, version: &str, kind: &str, namespaced: bool) {
        if self
            .kinds
            .iter()
            .any(|k| k.group == group && k.kind == kind)
        {
            return;
        }
        self.kinds.push(Kind {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
            plural: plural(kind),
            namespaced,
        });
    }

    /// Adds objects and serves their kinds, and the kinds their Applications name.
    pub fn add(&mut self, objects: Vec<Value>) {
        for o in &objects {
            let (g, v) = split_api_version(o["apiVersion"].as_str().unwrap_or(""));
            let kind = o["kind"].as_str().unwrap_or("").to_owned();
            let namespaced = o["metadata"]["namespace"].is_string();
            self.serve(&g, &v, &kind, namespaced);
            let status = &o["status"];
            let entries = status["resources"].as_array().into_iter().flatten().chain(
                status["operationState"]["syncResult"]["resources"]
                    .as_array()
                    .into_iter()
                    .flatten(),
            );
            for e in entries {
                let s = |k: &str| e[k].as_str().unwrap_or("").to_owned();
                self.serve(
                    &s("group"),
                    &s("version"),
                    &s("kind"),
                    e["namespace"].is_string(),
                );
            }
        }
        self.objects.extend(objects);
    }

    /// Stops serving a kind (as when its CRD is not installed).
    pub fn unserve(&mut self, kind: &str) {
        self.kinds.retain(|k| k.kind != kind);
    }

    /// The methods of every request so far.
    pub fn methods(&self) -> Vec<String> {
        self.log.iter().map(|(m, _)| m.clone()).collect()
    }
}

/// Reads every object of the YAML files under `dir` (or the file `dir`).
pub fn load(path: &Path) -> Vec<Value> {
    let mut files = Vec::new();
    if path.is_dir() {
        for e in std::fs::read_dir(path).expect("fixture dir") {
            files.push(e.expect("entry").path());
        }
        files.sort();
    } else {
        files.push(path.to_owned());
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("fixture");
        for o in mas_health::io::read_objects(&f.display().to_string(), &text) {
            out.push(o.expect("fixture parses").value);
        }
    }
    out
}

impl Server {
    /// Starts a server with `state` on 127.0.0.1 (a free port).
    pub fn start(state: State) -> Server {
        let ca_key = rcgen::KeyPair::generate().expect("key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "stand-in CA");
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA");
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_owned()]).expect("params");
        let cert = params.signed_by(&key, &issuer).expect("cert");
        let config = tokio_rustls::rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("server TLS");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(state));
        let shared = state.clone();
        runtime.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    break;
                };
                let acceptor = acceptor.clone();
                let state = shared.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(&state, req)) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Server {
            addr,
            ca_pem: ca_cert.pem(),
            state,
            runtime: Some(runtime),
        }
    }

    /// `https://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// Writes a kubeconfig naming this server, its CA and `token`; returns its path.
    pub fn kubeconfig(&self, dir: &Path, token: &str) -> std::path::PathBuf {
        let ca = base64(self.ca_pem.as_bytes());
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: stand-in\n  cluster:\n    server: {}\n    \
             certificate-authority-data: {ca}\nusers:\n- name: tester\n  user:\n    token: {token}\n\
             contexts:\n- name: stand-in\n  context:\n    cluster: stand-in\n    user: tester\n    \
             namespace: default\ncurrent-context: stand-in\n",
            self.url()
        );
        let path = dir.join("kubeconfig");
        std::fs::write(&path, text).expect("kubeconfig");
        path
    }

    /// The requests so far.
    pub fn log(&self) -> Vec<(String, String)> {
        self.state.lock().expect("state").log.clone()
    }
}

pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

type Answer = Response<Full<Bytes>>;

fn answer(code: StatusCode, content_type: &str, body: String) -> Answer {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = code;
    r.headers_mut()
        .insert("content-type", content_type.parse().expect("header"));
    r
}

fn ok(doc: Value) -> Answer {
    answer(StatusCode::OK, "application/json", doc.to_string())
}

/// A `kind: Status` error body, as the API server writes it.
fn status(code: u16, reason: &str, message: &str) -> Answer {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code});
    answer(
        StatusCode::from_u16(code).expect("code"),
        "application/json",
        body.to_string(),
    )
}

fn handle(state: &Mutex<State>, req: Request<Incoming>) -> Answer {
    let mut st = state.lock().expect("state");
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let full = if query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{query}")
    };
    st.log.push((req.method().to_string(), full));
    if req.method() != hyper::Method::GET {
        return status(405, "MethodNotAllowed", "the stand-in serves reads only");
    }
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    if st.expired_token || auth != Some(&format!("Bearer {TOKEN}")) {
        return status(401, "Unauthorized", "Unauthorized");
    }
    if st.throttle > 0 {
        st.throttle -= 1;
        let mut r = status(
            429,
            "TooManyRequests",
            "the server has received too many requests",
        );
        r.headers_mut()
            .insert("retry-after", "1".parse().expect("header"));
        return r;
    }
    let accept = req
        .headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let params: BTreeMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect();
    route(
        &mut st,
        &path,
        &params,
        accept.contains("apidiscovery.k8s.io"),
    )
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn route(st: &mut State, path: &str, params: &BTreeMap<String, String>, agg: bool) -> Answer {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["api"] if agg && st.aggregated => aggregated(st, true),
        ["apis"] if agg && st.aggregated => aggregated(st, false),
        ["api"] => ok(json!({"kind": "APIVersions", "versions": ["v1"]})),
        ["apis"] => ok(group_list(st)),
        ["api", v] => resource_list(st, "", v),
        ["apis", g, v] => resource_list(st, g, v),
        ["api", v, rest @ ..] => objects(st, "", v, rest, params),
        ["apis", g, v, rest @ ..] => objects(st, g, v, rest, params),
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}

fn groups(st: &State) -> BTreeMap<String, Vec<&Kind>> {
    let mut out: BTreeMap<String, Vec<&Kind>> = BTreeMap::new();
    for k in &st.kinds {
        out.entry(k.group.clone()).or_default().push(k);
    }
    out
}

fn group_list(st: &State) -> Value {
    let groups: Vec<Value> = groups(st)
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, kinds)| {
            // Every version any kind is served at; the first kind's is the preferred one.
            let gvs: Vec<Value> = versions(&kinds)
                .into_iter()
                .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                .collect();
            json!({"name": g, "versions": gvs, "preferredVersion": gvs[0]})
        })
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// The versions `kinds` are served at, the first kind's first.
fn versions(kinds: &[&Kind]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in kinds {
        if !out.contains(&k.version) {
            out.push(k.version.clone());
        }
    }
    out
}

fn resource_list(st: &State, group: &str, version: &str) -> Answer {
    let resources: Vec<Value> = st
        .kinds
        .iter()
        .filter(|k| k.group == group && k.version == version)
        .flat_map(|k| {
            let verbs = json!(["get", "list", "watch", "create", "delete", "patch", "update"]);
            [
                json!({"name": k.plural, "singularName": k.kind.to_lowercase(),
                    "namespaced": k.namespaced, "kind": k.kind, "verbs": verbs}),
                json!({"name": format!("{}/status", k.plural), "singularName": "",
                    "namespaced": k.namespaced, "kind": k.kind, "verbs": ["get", "patch"]}),
            ]
        })
        .collect();
    if resources.is_empty() {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    let gv = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    ok(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
        "resources": resources}),
    )
}

fn aggregated(st: &State, core: bool) -> Answer {
    let items: Vec<Value> = groups(st)
        .into_iter()
        .filter(|(g, _)| g.is_empty() == core)
        .map(|(g, kinds)| {
            let per_version: Vec<Value> = versions(&kinds)
                .into_iter()
                .map(|v| {
                    let resources: Vec<Value> = kinds
                        .iter()
                        .filter(|k| k.version == v)
                        .map(|k| {
                            json!({"resource": k.plural, "responseKind": {"group": k.group,
                        "version": k.version, "kind": k.kind},
                        "scope": if k.namespaced { "Namespaced" } else { "Cluster" },
                        "verbs": ["get", "list", "watch"],
                        "subresources": [{"subresource": "status", "verbs": ["get"]}]})
                        })
                        .collect();
                    json!({"version": v, "resources": resources, "freshness": "Current"})
                })
                .collect();
            json!({"metadata": {"name": g}, "versions": per_version})
        })
        .collect();
    let body = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {}, "items": items});
    answer(
        StatusCode::OK,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        body.to_string(),
    )
}

fn objects(
    st: &mut State,
    group: &str,
    version: &str,
    rest: &[&str],
    params: &BTreeMap<String, String>,
) -> Answer {
    let (ns, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    };
    let Some(kind) = st
        .kinds
        .iter()
        .find(|k| k.group == group && k.version == version && k.plural == plural)
        .cloned()
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    if st.forbidden.iter().any(|p| p == plural) {
        return forbidden(group, plural, ns, name.is_some(), params);
    }
    let api_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    let selected = match field_selector(params) {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let matches = |o: &Value| {
        o["kind"] == kind.kind.as_str()
            && o["apiVersion"] == api_version.as_str()
            && ns.is_none_or(|n| o["metadata"]["namespace"] == n)
            && selected.iter().all(|(k, v)| {
                let field = k.trim_start_matches("metadata.");
                o["metadata"][field] == v.as_str()
            })
    };
    if let Some(name) = name {
        return match st
            .objects
            .iter()
            .find(|o| matches(o) && o["metadata"]["name"] == name)
        {
            Some(o) => ok(o.clone()),
            None => status(
                404,
                "NotFound",
                &format!("{plural}.{group} \"{name}\" not found"),
            ),
        };
    }
    if params.get("watch").is_some_and(|w| w == "true" || w == "1") {
        if kind.kind == "Application" {
            return watch_timeline(st);
        }
        return watch(st, plural);
    }
    list(st, &kind, params, matches)
}

/// The `fieldSelector` of a LIST as (field, value) pairs: only metadata.name and
/// metadata.namespace, as for custom resources; any other field is a 400.
fn field_selector(params: &BTreeMap<String, String>) -> Result<Vec<(String, String)>, Answer> {
    let selected: Vec<(String, String)> = params
        .get("fieldSelector")
        .map(|s| {
            s.split(',')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    match selected
        .iter()
        .find(|(k, _)| k != "metadata.name" && k != "metadata.namespace")
    {
        Some((field, _)) => Err(status(
            400,
            "BadRequest",
            &format!("field label not supported: {field}"),
        )),
        None => Ok(selected),
    }
}

/// The 403 the API server gives a user without the verb on `plural`, its message as the API
/// server words it.
fn forbidden(
    group: &str,
    plural: &str,
    ns: Option<&str>,
    by_name: bool,
    params: &BTreeMap<String, String>,
) -> Answer {
    let verb = if by_name {
        "get"
    } else if params.contains_key("watch") {
        "watch"
    } else {
        "list"
    };
    let scope = ns.map_or("at the cluster scope".to_owned(), |n| {
        format!("in the namespace \"{n}\"")
    });
    // The API server names core resources without a trailing dot.
    let dotted = if group.is_empty() {
        plural.to_owned()
    } else {
        format!("{plural}.{group}")
    };
    let msg = format!(
        "{dotted} is forbidden: User \"tester\" cannot {verb} resource \"{plural}\" in \
         API group \"{group}\" {scope}"
    );
    status(403, "Forbidden", &msg)
}

fn list(
    st: &mut State,
    kind: &Kind,
    params: &BTreeMap<String, String>,
    matches: impl Fn(&Value) -> bool,
) -> Answer {
    let offset = match params.get("continue") {
        Some(token) => {
            if st.expire_continue > 0 {
                st.expire_continue -= 1;
                return status(410, "Expired", "The provided continue parameter is too old");
            }
            token.trim_start_matches('o').parse::<usize>().unwrap_or(0)
        }
        None => 0,
    };
    let mut limit = params
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    if st.max_page > 0 {
        limit = limit.min(st.max_page);
    }
    let all: Vec<&Value> = st.objects.iter().filter(|o| matches(o)).collect();
    let page: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|o| {
            // Lists of built-in kinds leave each item's apiVersion and kind out.
            let mut o = (*o).clone();
            if let Some(m) = o.as_object_mut() {
                m.remove("apiVersion");
                m.remove("kind");
            }
            o
        })
        .collect();
    let mut meta = json!({"resourceVersion": st.resource_version});
    if offset + page.len() < all.len() {
        meta["continue"] = json!(format!("o{}", offset + page.len()));
    }
    let api_version = if kind.group.is_empty() {
        kind.version.clone()
    } else {
        format!("{}/{}", kind.group, kind.version)
    };
    ok(
        json!({"kind": format!("{}List", kind.kind), "apiVersion": api_version,
        "metadata": meta, "items": page}),
    )
}

fn watch(st: &mut State, plural: &str) -> Answer {
    let batch = st
        .watches
        .get_mut(plural)
        .and_then(VecDeque::pop_front)
        .unwrap_or_default();
    let mut body = String::new();
    for event in batch {
        body.push_str(&event.to_string());
        body.push('\n');
    }
    answer(StatusCode::OK, "application/json", body)
}

fn watch_timeline(st: &mut State) -> Answer {
    if st.expire_watch > 0 {
        st.expire_watch -= 1;
        let gone = json!({"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1",
            "status": "Failure", "message": "too old resource version", "reason": "Expired",
            "code": 410}});
        return answer(StatusCode::OK, "application/json", format!("{gone}\n"));
    }
    let Some(snapshot) = st.timeline.pop_front() else {
        if let Some(quiet) = st.quiet.pop_front() {
            st.objects = quiet;
        }
        return answer(StatusCode::OK, "application/json", String::new());
    };
    st.served += 1;
    let rv = format!("{}", 2000 + st.served);
    st.resource_version = rv.clone();
    st.objects = snapshot;
    let mut body = String::new();
    for o in st.objects.iter().filter(|o| o["kind"] == "Application") {
        let mut o = o.clone();
        o["metadata"]["resourceVersion"] = json!(rv);
        body.push_str(&json!({"type": "MODIFIED", "object": o}).to_string());
        body.push('\n');
    }
    let bookmark = json!({"type": "BOOKMARK", "object": {"kind": "Application",
        "apiVersion": "argoproj.io/v1alpha1", "metadata": {"resourceVersion": rv}}});
    body.push_str(&bookmark.to_string());
    body.push('\n');
    answer(StatusCode::OK, "application/json", body)
}
