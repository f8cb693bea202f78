//! The deprecated HTTP+SSE transport (2024-11-05): `GET /sse` opens a stream whose first
//! event names the endpoint to POST to; every reply arrives on that stream, which is read on
//! its own thread until the handshake is over.

use super::client::Conn;
use super::reply::{describe_media, find_response, match_event, status_failure};
use super::sse;
use super::FailKind;
use crate::probes::http::{self, Client, HttpError, Request, Response, Target};
use serde_json::Value;
use std::io::Read;
use std::sync::mpsc;

/// A legacy SSE stream may carry several replies; it is read up to this many bytes.
const STREAM_CAP: usize = 4 * http::BODY_CAP;

/// The legacy transport's open event stream and the endpoint to POST to.
pub(super) struct Legacy {
    pub(super) endpoint: Target,
    pub(super) events: mpsc::Receiver<StreamItem>,
}

pub(super) enum StreamItem {
    Event(sse::Event),
    End(Option<HttpError>),
}

/// GETs the URL (and `/sse` beside it) expecting the legacy `endpoint` event.
/// `Err` lists what was tried, for the failure's details.
pub(super) fn open_legacy<'a>(
    client: &'a Client,
    target: &Target,
) -> Result<Conn<'a>, Vec<String>> {
    let mut candidates = vec![target.clone()];
    let path = target.path.split('?').next().unwrap_or("/");
    if !path.trim_end_matches('/').ends_with("/sse") {
        let dir = &path[..path.trim_end_matches('/').rfind('/').map_or(0, |i| i + 1)];
        candidates
            .push(target.with_path(&format!("{}sse", if dir.is_empty() { "/" } else { dir })));
        candidates.push(target.with_path("/sse"));
    }
    candidates.dedup_by(|a, b| a.path == b.path);
    let mut tried = Vec::new();
    for sse_url in candidates {
        let shown = sse_url.display();
        let resp = match client
            .send(Request::new("GET", &sse_url).header("accept", "text/event-stream"))
        {
            Ok(r) => r,
            Err(e) => {
                tried.push(format!("GET {shown} (legacy SSE): {e}"));
                if matches!(e, HttpError::Timeout) {
                    break;
                }
                continue;
            }
        };
        if resp.status != 200 || resp.media_type().as_deref() != Some("text/event-stream") {
            tried.push(format!(
                "GET {shown} (legacy SSE): {} {} with {}",
                resp.status,
                http::reason(resp.status),
                describe_media(resp.media_type().as_deref())
            ));
            continue;
        }
        let events = spawn_reader(resp);
        let first = loop {
            match events.recv_timeout(client.remaining()) {
                Ok(StreamItem::Event(ev)) if ev.data.trim().is_empty() => continue,
                Ok(StreamItem::Event(ev)) => break Ok(ev),
                Ok(StreamItem::End(e)) => {
                    break Err(e.map_or("the stream ended".to_string(), |e| e.to_string()))
                }
                Err(_) => break Err("no event before the timeout".to_string()),
            }
        };
        match first {
            Ok(ev) if ev.event == "endpoint" => match sse_url.join(ev.data.trim()) {
                Ok(endpoint) if endpoint.same_origin(&sse_url) => {
                    let mut conn = Conn::streamable(client, &sse_url);
                    conn.legacy = Some(Legacy { endpoint, events });
                    return Ok(conn);
                }
                Ok(endpoint) => tried.push(format!(
                    "GET {shown}: the endpoint event points at another host ({}); not followed",
                    endpoint.display()
                )),
                Err(e) => tried.push(format!("GET {shown}: bad endpoint event: {e}")),
            },
            Ok(ev) => tried.push(format!(
                "GET {shown}: the first event is `{}`, not the legacy `endpoint` event",
                crate::policy::text::excerpt(ev.event.as_bytes(), 40)
            )),
            Err(why) => tried.push(format!("GET {shown}: {why}")),
        }
    }
    Err(tried)
}

/// Reads the legacy stream on its own thread; the thread ends with the stream, at the
/// call deadline (the reader's timeout), or after `STREAM_CAP` bytes.
fn spawn_reader(resp: Response) -> mpsc::Receiver<StreamItem> {
    let (tx, rx) = mpsc::channel();
    let mut reader = resp.into_reader();
    let spawned = std::thread::Builder::new()
        .name("mcp-sse-reader".into())
        .spawn(move || {
            let mut parser = sse::Parser::new(http::BODY_CAP);
            let mut buf = [0u8; 8192];
            let mut total = 0usize;
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => {
                        let _ = tx.send(StreamItem::End(None));
                        return;
                    }
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.send(StreamItem::End(Some(http::io_error(&e))));
                        return;
                    }
                };
                total += n;
                let events = match parser.feed(&buf[..n]) {
                    Ok(ev) if total <= STREAM_CAP => ev,
                    _ => {
                        let _ = tx.send(StreamItem::End(Some(HttpError::TooLarge(STREAM_CAP))));
                        return;
                    }
                };
                for ev in events {
                    if tx.send(StreamItem::Event(ev)).is_err() {
                        return; // the handshake is over
                    }
                }
            }
        });
    if let Err(e) = spawned {
        let (tx2, rx2) = mpsc::channel();
        let _ = tx2.send(StreamItem::End(Some(HttpError::Other(format!(
            "cannot start a reader thread: {e}"
        )))));
        return rx2;
    }
    rx
}

/// A legacy POST answers 202; the reply arrives on the event stream.
pub(super) fn read_legacy_reply(
    resp: Response,
    id: i64,
    legacy: &Legacy,
    client: &Client,
) -> Result<Value, FailKind> {
    if !(200..300).contains(&resp.status) {
        return Err(status_failure(resp));
    }
    // Lenient: a server that answers the POST directly with JSON is taken at its word.
    if resp.status == 200 && resp.media_type().as_deref() == Some("application/json") {
        if let Ok(body) = resp.read_capped(http::BODY_CAP) {
            if let Some(v) = serde_json::from_slice::<Value>(&body.bytes)
                .ok()
                .and_then(|v| find_response(&v, id))
            {
                return Ok(v);
            }
        }
    }
    loop {
        match legacy.events.recv_timeout(client.remaining()) {
            Ok(StreamItem::Event(ev)) => {
                if let Some(v) = match_event(&ev, id)? {
                    return Ok(v);
                }
            }
            Ok(StreamItem::End(Some(e))) => return Err(FailKind::Http(e)),
            Ok(StreamItem::End(None)) => {
                return Err(FailKind::Http(HttpError::Closed(format!(
                    "the SSE stream ended before the reply to request {id}"
                ))))
            }
            Err(_) => return Err(FailKind::Http(HttpError::Timeout)),
        }
    }
}
