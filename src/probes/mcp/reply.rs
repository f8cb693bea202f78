//! Reading MCP replies: JSON bodies (objects or 2025-03-26 batches), SSE streams (until the
//! reply to our request id, skipping priming events, keep-alives and notifications), and
//! non-2xx answers with the JSON-RPC error they carry.

use super::sse;
use super::{FailKind, RpcError};
use crate::probes::http::{self, HttpError, Response};
use serde_json::Value;
use std::io::Read;

/// `result` or `error` of a JSON-RPC response object.
pub(super) fn split(v: &Value) -> Result<Value, RpcError> {
    match v.get("error") {
        Some(e) => Err(rpc_error(e)),
        None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
    }
}

pub(super) fn rpc_error(e: &Value) -> RpcError {
    RpcError {
        code: e.get("code").and_then(Value::as_i64).unwrap_or(0),
        message: e
            .get("message")
            .and_then(Value::as_str)
            .map(|m| crate::policy::text::excerpt(m.as_bytes(), 200))
            .unwrap_or_default(),
    }
}

fn id_matches(v: &Value, id: i64) -> bool {
    match v.get("id") {
        Some(Value::Number(n)) => n.as_i64() == Some(id),
        Some(Value::String(s)) => s == &id.to_string(),
        _ => false,
    }
}

fn is_response(v: &Value, id: i64) -> bool {
    id_matches(v, id) && (v.get("result").is_some() || v.get("error").is_some())
}

/// The response to `id` in a JSON body (an object, or a 2025-03-26 batch array).
pub(super) fn find_response(v: &Value, id: i64) -> Option<Value> {
    match v {
        Value::Array(items) => items.iter().find(|m| is_response(m, id)).cloned(),
        m if is_response(m, id) => Some(m.clone()),
        _ => None,
    }
}

pub(super) fn describe_media(media: Option<&str>) -> String {
    match media {
        Some(m) => format!("`{m}`"),
        None => "no Content-Type".to_string(),
    }
}

/// Why no reply was read: a failure, or a stream the server closed after naming an event id,
/// which the client may resume with `GET` + `Last-Event-ID` (2025-11-25).
#[derive(Debug)]
pub(super) enum NoReply {
    Fail(FailKind),
    Resumable { last_id: String, retry: Option<u64> },
}

impl From<FailKind> for NoReply {
    fn from(k: FailKind) -> NoReply {
        NoReply::Fail(k)
    }
}

pub(super) fn read_reply(resp: Response, id: i64) -> Result<Value, NoReply> {
    let status = resp.status;
    if !(200..300).contains(&status) {
        return Err(status_failure(resp).into());
    }
    if status == 202 {
        return Err(FailKind::NotMcp(
            "the server answered 202 Accepted to a request instead of replying".into(),
        )
        .into());
    }
    let media = resp.media_type();
    match media.as_deref() {
        Some("application/json") => {
            let body = resp.read_capped(http::BODY_CAP).map_err(FailKind::Http)?;
            if body.truncated {
                return Err(FailKind::Http(HttpError::TooLarge(http::BODY_CAP)).into());
            }
            let v: Value = serde_json::from_slice(&body.bytes).map_err(|e| {
                FailKind::NotMcp(format!(
                    "the JSON reply does not parse ({e}): {}",
                    crate::policy::text::excerpt(&body.bytes, 120)
                ))
            })?;
            find_response(&v, id).ok_or_else(|| {
                FailKind::NotMcp(format!(
                    "the JSON reply is not a JSON-RPC response to request {id}: {}",
                    crate::policy::text::excerpt(&body.bytes, 120)
                ))
                .into()
            })
        }
        Some("text/event-stream") => read_sse_reply(&mut resp.into_reader(), id),
        other => {
            let what = describe_media(other);
            let body = resp.read_capped(4096).ok();
            let sample = body
                .map(|b| http::body_excerpt(&b.bytes, other, 100))
                .unwrap_or_default();
            Err(FailKind::NotMcp(format!(
                "answered {status} with {what} instead of JSON or an event stream{}",
                if sample.is_empty() {
                    String::new()
                } else {
                    format!(": {sample}")
                }
            ))
            .into())
        }
    }
}

/// The JSON-RPC message in an SSE `message` event, if it is the reply to `id`.
pub(super) fn match_event(ev: &sse::Event, id: i64) -> Result<Option<Value>, FailKind> {
    if ev.event != "message" || ev.data.trim().is_empty() {
        return Ok(None); // priming events, keep-alives, other event types
    }
    let v: Value = serde_json::from_str(&ev.data).map_err(|e| {
        FailKind::NotMcp(format!(
            "an SSE message event is not JSON ({e}): {}",
            crate::policy::text::excerpt(ev.data.as_bytes(), 100)
        ))
    })?;
    Ok(find_response(&v, id))
}

/// Reads an SSE reply until the response to `id` arrives, the stream ends, or the deadline.
pub(super) fn read_sse_reply(reader: &mut dyn Read, id: i64) -> Result<Value, NoReply> {
    let mut parser = sse::Parser::new(http::BODY_CAP);
    let mut buf = [0u8; 8192];
    let mut total = 0usize;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FailKind::Http(http::io_error(&e)).into()),
        };
        total += n;
        if total > http::BODY_CAP {
            return Err(FailKind::Http(HttpError::TooLarge(http::BODY_CAP)).into());
        }
        let events = parser
            .feed(&buf[..n])
            .map_err(|_| FailKind::Http(HttpError::TooLarge(http::BODY_CAP)))?;
        for ev in &events {
            if let Some(v) = match_event(ev, id)? {
                return Ok(v);
            }
        }
    }
    if let Some(ev) = parser.finish() {
        if let Some(v) = match_event(&ev, id)? {
            return Ok(v);
        }
    }
    match parser.last_event_id() {
        Some(last) => Err(NoReply::Resumable {
            last_id: last.to_string(),
            retry: parser.retry_ms(),
        }),
        None => Err(FailKind::Http(HttpError::Closed(format!(
            "the event stream ended without a reply to request {id}"
        )))
        .into()),
    }
}

/// A non-2xx answer: status, bounded excerpt, and the JSON-RPC error inside if any.
pub(super) fn status_failure(resp: Response) -> FailKind {
    let status = resp.status;
    let www_authenticate = resp
        .header("www-authenticate")
        .map(|h| crate::policy::text::excerpt(h.as_bytes(), 120));
    let media = resp.media_type();
    let body = resp.read_capped(4096).map(|b| b.bytes).unwrap_or_default();
    let rpc = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("error").map(rpc_error));
    FailKind::Status {
        status,
        excerpt: http::body_excerpt(&body, media.as_deref(), 160),
        rpc,
        www_authenticate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn responses_are_matched_by_id() {
        let v = json!({"jsonrpc": "2.0", "id": 3, "result": {}});
        assert!(find_response(&v, 3).is_some());
        assert!(find_response(&v, 4).is_none());
        let batch = json!([{"jsonrpc":"2.0","method":"notifications/message"}, {"id":"5","error":{"code":-32601,"message":"nope"}}]);
        let r = find_response(&batch, 5).unwrap();
        assert_eq!(
            split(&r),
            Err(RpcError {
                code: -32601,
                message: "nope".into()
            })
        );
        assert!(
            find_response(&json!({"id": 1}), 1).is_none(),
            "neither result nor error"
        );
    }

    #[test]
    fn sse_reply_skips_noise_and_finds_the_answer() {
        let stream = b": keep-alive\r\n\r\nid: 1\r\ndata:\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\r\ndata: \"result\":{}}\r\n\r\n";
        let v = read_sse_reply(&mut &stream[..], 2).unwrap();
        assert_eq!(v["result"], json!({}));
    }

    #[test]
    fn sse_reply_without_answer_is_closed() {
        let stream = b"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}\n\n";
        assert!(matches!(
            read_sse_reply(&mut &stream[..], 2),
            Err(NoReply::Fail(FailKind::Http(HttpError::Closed(_))))
        ));
        let garbage = b"event: message\ndata: <html>\n\n";
        assert!(matches!(
            read_sse_reply(&mut &garbage[..], 2),
            Err(NoReply::Fail(FailKind::NotMcp(_)))
        ));
        let primed = b"id: e1\nretry: 100\ndata:\n\n";
        assert!(matches!(
            read_sse_reply(&mut &primed[..], 2),
            Err(NoReply::Resumable { last_id, retry: Some(100) }) if last_id == "e1"
        ));
    }
}
