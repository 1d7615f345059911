//! WATCH streams: one JSON event per line, read as they arrive (memory: one event at a time).

use super::discovery::Resource;
use super::read::{Call, ReadOnly, Verb};
use super::{encode, typed, Error};
use http_body_util::BodyExt;
use serde_json::Value;
use std::time::Duration;

/// The longest event line accepted: far above any real object, a bound on memory.
const LONGEST_EVENT: usize = 64 << 20;

/// One change a watch reported.
#[derive(Debug, Clone)]
pub enum Event {
    /// ADDED or MODIFIED: the object as it is now.
    Applied(Value),
    /// DELETED: the object as it was.
    Deleted(Value),
}

/// How a watch connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The server closed the stream, or it went quiet after changes: watch again from the
    /// last resourceVersion.
    Closed,
    /// 410: the resourceVersion is too old; list again.
    Expired,
}

/// Watches `resource` from `rv` (updated as events and bookmarks arrive) for at most `wait`.
/// After a change, the connection is left once `settle` passes without another, so the caller
/// acts on a burst of changes at once.
pub async fn watch_each(
    reader: &ReadOnly,
    resource: &Resource,
    namespace: Option<&str>,
    rv: &mut String,
    wait: Duration,
    settle: Duration,
    each: &mut dyn FnMut(Event),
) -> Result<End, Error> {
    let seconds = wait.as_secs().max(1);
    let path = format!(
        "{}?watch=true&allowWatchBookmarks=true&resourceVersion={}&timeoutSeconds={seconds}",
        resource.path(namespace),
        encode(rv)
    );
    let call = Call {
        verb: Verb::Watch,
        group: &resource.group,
        resource: &resource.plural,
        namespace,
    };
    let mut body = match reader.send(&path, "application/json", &call).await {
        Err(Error::Gone(_)) => return Ok(End::Expired),
        other => other?.body,
    };
    let mut pending: Vec<u8> = Vec::new();
    let mut changed = false;
    loop {
        let next = if changed {
            match tokio::time::timeout(settle, body.frame()).await {
                Ok(frame) => frame,
                Err(_) => return Ok(End::Closed),
            }
        } else {
            body.frame().await
        };
        let Some(frame) = next else { break };
        let frame = frame.map_err(|e| Error::Request(format!("reading a watch: {e}")))?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        pending.extend_from_slice(&data);
        while let Some(at) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=at).collect();
            match event(&line, resource, rv, each)? {
                Some(End::Expired) => return Ok(End::Expired),
                Some(End::Closed) => changed = true,
                None => {}
            }
        }
        if pending.len() > LONGEST_EVENT {
            return Err(Error::Request(
                "a watch event longer than 64 MiB".to_owned(),
            ));
        }
    }
    match event(&pending, resource, rv, each)? {
        Some(End::Expired) => Ok(End::Expired),
        _ => Ok(End::Closed),
    }
}

/// Handles one event line: `Some(Closed)` for a change, `Some(Expired)` for a 410.
fn event(
    line: &[u8],
    resource: &Resource,
    rv: &mut String,
    each: &mut dyn FnMut(Event),
) -> Result<Option<End>, Error> {
    let text = String::from_utf8_lossy(line);
    if text.trim().is_empty() {
        return Ok(None);
    }
    let mut doc: Value = serde_json::from_str(text.trim())
        .map_err(|e| Error::Request(format!("a watch event is not JSON: {e}")))?;
    let object = doc["object"].take();
    if let Some(v) = object["metadata"]["resourceVersion"].as_str() {
        if doc["type"] != "ERROR" {
            *rv = v.to_owned();
        }
    }
    match doc["type"].as_str().unwrap_or("") {
        "ADDED" | "MODIFIED" => each(Event::Applied(typed(object, resource))),
        "DELETED" => each(Event::Deleted(typed(object, resource))),
        "BOOKMARK" => return Ok(None),
        "ERROR" if object["code"] == 410 => return Ok(Some(End::Expired)),
        "ERROR" => {
            return Err(Error::Api {
                code: object["code"].as_u64().unwrap_or(0).try_into().unwrap_or(0),
                message: object["message"].as_str().unwrap_or("").to_owned(),
            })
        }
        other => {
            return Err(Error::Request(format!(
                "unknown watch event type {other:?}"
            )))
        }
    }
    Ok(Some(End::Closed))
}
