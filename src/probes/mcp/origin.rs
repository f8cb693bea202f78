//! What the MCP server does with the request a web page makes through DNS rebinding: an
//! `initialize` whose `Host` and `Origin` name a foreign site. The MCP specification asks
//! servers to validate `Origin`; the official Python SDK does it (and checks `Host`) only when
//! it binds to 127.0.0.1, localhost or ::1, or is given transport security settings.

use super::HANDSHAKE_VERSIONS;
use crate::probes::http::{self, Client, HttpError, Request, Target};
use serde_json::json;
use std::time::Duration;

/// The site the request claims to come from (`.invalid` never resolves: RFC 2606).
pub(crate) const FOREIGN_ORIGIN: &str = "http://attacker.invalid";

/// The server's answer to the foreign request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginAnswer {
    pub status: u16,
    /// A bounded excerpt of the body ("Invalid Origin header").
    pub excerpt: String,
    /// A 2xx answer that is an `initialize` result: the server let the page in.
    pub initialized: bool,
}

/// Sends the foreign `initialize` to `target` within `budget`; a session it opened is closed
/// again with a DELETE (with the server's own host, as a real client would).
pub(crate) fn foreign_initialize(
    target: &Target,
    budget: Duration,
    allow_remote: bool,
) -> Result<OriginAnswer, HttpError> {
    let client = Client::new(budget, allow_remote);
    let body = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": HANDSHAKE_VERSIONS[0],
            "capabilities": {},
            "clientInfo": {"name": "devdoctor-origin-check", "version": env!("CARGO_PKG_VERSION")},
        },
    });
    let resp = client.send(
        Request::new("POST", target)
            .header("host", format!("attacker.invalid:{}", target.port))
            .header("origin", FOREIGN_ORIGIN)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body.to_string().into_bytes()),
    )?;
    let status = resp.status;
    let session = resp.header("mcp-session-id").map(str::to_string);
    let media = resp.media_type();
    let body = resp.read_capped(64 * 1024)?;
    let text = String::from_utf8_lossy(&body.bytes);
    let initialized = (200..300).contains(&status)
        && text.contains("\"result\"")
        && text.contains("protocolVersion");
    if let Some(id) = session {
        let _ = client.send(
            Request::new("DELETE", target)
                .header("mcp-session-id", id)
                .header("mcp-protocol-version", HANDSHAKE_VERSIONS[0]),
        );
    }
    Ok(OriginAnswer {
        status,
        excerpt: http::body_excerpt(&body.bytes, media.as_deref(), 120),
        initialized,
    })
}
