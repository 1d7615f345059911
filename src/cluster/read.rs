//! The only way the cluster layer talks to an API server: GET requests for get, list and watch.
//!
//! Nothing here can build another method: [`get_request`] is the one request builder, and
//! [`ReadOnly`] exposes reads only, so a write cannot be sent by mistake.

use super::Error;
use http::header::{ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use kube::client::Body;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The RBAC verbs a read needs (every one of them is an HTTP GET).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// One object by name.
    Get,
    /// A collection, page by page.
    List,
    /// A stream of changes.
    Watch,
}

impl Verb {
    /// The verb as RBAC rules spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::List => "list",
            Verb::Watch => "watch",
        }
    }
}

/// What a read is about, for error messages a person can act on.
#[derive(Clone, Debug)]
pub struct Call<'a> {
    /// The RBAC verb.
    pub verb: Verb,
    /// API group, `""` for the core group.
    pub group: &'a str,
    /// Plural resource name (`applications`), or the discovery path.
    pub resource: &'a str,
    /// Namespace, `None` for cluster-scoped or all-namespaces reads.
    pub namespace: Option<&'a str>,
}

/// How many times a 429 answer is waited out before giving up.
const RETRIES_ON_429: u32 = 5;
/// The longest wait honoured from a `Retry-After` header.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Builds the one kind of request the cluster layer sends: a GET of `path_and_query`.
pub fn get_request(path_and_query: &str, accept: &str) -> Result<Request<Body>, Error> {
    Request::get(path_and_query)
        .header(ACCEPT, accept)
        .body(Body::empty())
        .map_err(|e| Error::Request(format!("{path_and_query}: {e}")))
}

/// A client that can only read: GET, LIST and WATCH, each sent as an HTTP GET.
pub struct ReadOnly {
    client: kube::Client,
    server: String,
    requests: AtomicUsize,
}

/// A successful answer: its content type and the response body, not yet read.
pub struct Answer {
    /// The `Content-Type` header.
    pub content_type: String,
    /// The body, read by the caller (streamed for watches).
    pub body: Body,
}

impl ReadOnly {
    /// Wraps a kube-rs client for the server at `server` (used in messages).
    pub fn new(client: kube::Client, server: String) -> Self {
        ReadOnly {
            client,
            server,
            requests: AtomicUsize::new(0),
        }
    }

    /// How many requests were sent so far (retries included).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Sends a GET, waiting out 429 answers as `Retry-After` asks; any other non-2xx answer
    /// becomes an [`Error`] naming `call`.
    pub async fn send(&self, path: &str, accept: &str, call: &Call<'_>) -> Result<Answer, Error> {
        let mut attempt = 0;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let response = self
                .client
                .send(get_request(path, accept)?)
                .await
                .map_err(|e| self.transport(e))?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS && attempt < RETRIES_ON_429 {
                attempt += 1;
                let wait = retry_after(response.headers()).unwrap_or(Duration::from_secs(1));
                tokio::time::sleep(wait.min(LONGEST_WAIT)).await;
                continue;
            }
            let content_type = response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let body = response.into_body();
            if status.is_success() {
                return Ok(Answer { content_type, body });
            }
            let text = collect(body).await.unwrap_or_default();
            return Err(self.status_error(status, &text, call));
        }
    }

    /// Sends a GET and parses the JSON answer.
    pub async fn get_json(&self, path: &str, call: &Call<'_>) -> Result<Value, Error> {
        let answer = self.send(path, "application/json", call).await?;
        json(answer.body, path).await
    }

    fn transport(&self, e: kube::Error) -> Error {
        match e {
            kube::Error::Auth(e) => Error::Credentials(e.to_string()),
            other => Error::Unreachable {
                server: self.server.clone(),
                detail: chain(&other),
            },
        }
    }

    fn status_error(&self, status: StatusCode, body: &str, call: &Call<'_>) -> Error {
        let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let message = parsed["message"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| body.trim().chars().take(200).collect());
        match status.as_u16() {
            401 => Error::Unauthorized {
                server: self.server.clone(),
            },
            403 => Error::Forbidden {
                verb: call.verb,
                group: call.group.to_owned(),
                resource: call.resource.to_owned(),
                namespace: call.namespace.map(str::to_owned),
                message,
            },
            404 => Error::NotFound(message),
            410 => Error::Gone(message),
            429 => Error::TooManyRequests {
                server: self.server.clone(),
            },
            code => Error::Api { code, message },
        }
    }
}

/// The error and its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// `Retry-After` in seconds (the form API servers send).
fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Reads a whole (bounded: one page, one object or one discovery document) body as text.
pub async fn collect(body: Body) -> Result<String, Error> {
    let bytes = body
        .collect()
        .await
        .map_err(|e| Error::Request(format!("reading the answer: {e}")))?
        .to_bytes();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads a body as one JSON document.
pub async fn json(body: Body, path: &str) -> Result<Value, Error> {
    let text = collect(body).await?;
    serde_json::from_str(&text).map_err(|e| Error::Request(format!("{path}: not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_request_builder_sends_get_with_the_asked_accept_header() {
        let r = get_request(
            "/apis/argoproj.io/v1alpha1/applications?limit=500",
            "application/json",
        )
        .expect("builds");
        assert_eq!(r.method(), http::Method::GET);
        assert_eq!(r.uri().path(), "/apis/argoproj.io/v1alpha1/applications");
        assert_eq!(r.headers()[ACCEPT], "application/json");
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        let mut h = http::HeaderMap::new();
        assert_eq!(retry_after(&h), None);
        h.insert(RETRY_AFTER, "7".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    }

    #[test]
    fn verbs_are_spelled_as_rbac_rules_spell_them() {
        let all = [Verb::Get, Verb::List, Verb::Watch].map(Verb::as_str);
        assert_eq!(all, ["get", "list", "watch"]);
    }
}
