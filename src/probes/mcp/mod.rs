//! MCP probes: a real client handshake against the configured endpoint (Streamable HTTP,
//! legacy HTTP+SSE, or the stateless 2026-07-28 revision), a GET of the health URL, and who
//! holds the server's port.
//!
//! Probes here only observe; the `mcp.*` checks judge. Results are cached per run.

mod client;
mod legacy;
pub(crate) mod origin;
pub(crate) mod pin;
mod project;
mod reply;
pub(crate) mod requirement;
pub mod sockets;
pub mod sse;

use crate::core::Context;
use crate::probes::http::{self, Client, HttpError, Request, Target};
use std::sync::Arc;
use std::time::Duration;

pub use client::run_handshake;
pub(crate) use project::{
    every_interface, example_command, project, CodeHost, ImageStart, McpProject, Published, Serves,
};

/// Revisions reachable with `initialize`, newest first. devdoctor offers the first.
pub(crate) const HANDSHAKE_VERSIONS: &[&str] =
    &["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
/// The stateless revision (no initialize, no session), reached with `server/discover`.
pub(crate) const MODERN_VERSION: &str = "2026-07-28";
/// tools/list pages followed at most.
pub const MAX_TOOL_PAGES: usize = 20;

/// Which transport the server spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Streamable HTTP with the initialize handshake (2025-03-26 … 2025-11-25).
    StreamableHttp,
    /// The deprecated HTTP+SSE transport (2024-11-05): GET /sse + POST to the endpoint.
    LegacySse,
    /// Streamable HTTP, stateless 2026-07-28 (server/discover).
    Stateless,
}

impl Transport {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Transport::StreamableHttp => "streamable-http",
            Transport::LegacySse => "http+sse",
            Transport::Stateless => "streamable-http (stateless)",
        }
    }
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JSON-RPC error {} \"{}\"", self.code, self.message)
    }
}

/// What happened to the session at the end.
#[derive(Debug, Clone, PartialEq)]
pub enum Ended {
    /// DELETE answered 2xx.
    Deleted,
    /// DELETE answered 405: the server keeps sessions until they expire (allowed).
    NotSupported,
    /// No session to end (stateless server, legacy transport).
    NoSession,
    /// DELETE answered something else, or failed.
    Failed(String),
}

/// A completed handshake.
#[derive(Debug, Clone)]
pub struct Handshake {
    /// The endpoint, safe to show.
    pub url: String,
    pub transport: Transport,
    pub protocol_version: String,
    pub server_name: String,
    pub server_version: String,
    pub server_title: Option<String>,
    /// Capability names the server declared (tools, resources, prompts, logging, …).
    pub capabilities: Vec<String>,
    /// What the server tells the model in `initialize` (`instructions`), when it says anything.
    pub instructions: Option<String>,
    /// Tool names over all pages; `None` when the server declares no tools capability.
    pub tools: Option<Vec<String>>,
    /// The tools as tools/list described them (name, description, input schema).
    pub tool_defs: Vec<ToolDef>,
    pub tool_pages: usize,
    pub session: bool,
    pub ended: Ended,
    /// Round trip of `initialize` (or `server/discover`).
    pub initialize_rtt: Duration,
    /// Round trip of `ping`, when it answered.
    pub ping_rtt: Option<Duration>,
    pub total: Duration,
    /// The legacy endpoint the server announced, safe to show.
    pub sse_endpoint: Option<String>,
    /// Things that worked but are worth a line (ping refused, DELETE failed, paging stopped).
    pub notes: Vec<String>,
}

impl Handshake {
    /// The round-trip latency to report: ping when it answered, else initialize.
    pub(crate) fn latency(&self) -> Duration {
        self.ping_rtt.unwrap_or(self.initialize_rtt)
    }
}

/// One tool as the server describes it to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDef {
    pub name: String,
    pub description: String,
    /// `inputSchema` (JSON Schema), `null` when the server gave none.
    pub input_schema: serde_json::Value,
}

/// Why the handshake did not complete.
#[derive(Debug, Clone, PartialEq)]
pub enum FailKind {
    Http(HttpError),
    /// A non-2xx answer, with a bounded excerpt and the JSON-RPC error it carried, if any.
    Status {
        status: u16,
        excerpt: String,
        rpc: Option<RpcError>,
        www_authenticate: Option<String>,
    },
    Rpc(RpcError),
    /// The answer is not MCP: HTML, plain text, JSON of the wrong shape.
    NotMcp(String),
    /// The server chose a protocol revision devdoctor does not know.
    Version(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The endpoint, safe to show.
    pub url: String,
    /// The step that failed: `initialize`, `notifications/initialized`, `ping`, `tools/list`, …
    pub step: String,
    /// Boxed: a failure travels through every `?` of the exchange.
    pub kind: Box<FailKind>,
    /// `name version` of the server, when initialize got that far.
    pub server: Option<String>,
    /// Other attempts made on the way (legacy SSE fallback), for the details.
    pub tried: Vec<String>,
}

impl Failure {
    pub(crate) fn new(url: &str, step: &str, kind: FailKind) -> Failure {
        Failure {
            url: url.to_string(),
            step: step.to_string(),
            kind: Box::new(kind),
            server: None,
            tried: Vec::new(),
        }
    }

    /// The target refused the connection (nothing listens).
    pub(crate) fn is_refused(&self) -> bool {
        matches!(*self.kind, FailKind::Http(HttpError::Refused))
    }
}

/// The handshake result, probed once per run.
pub(crate) struct HandshakeProbe(pub Result<Handshake, Failure>);

/// The share of the check timeout the handshake may use, so that its own finding (with the
/// step that hung) arrives before the runner's generic timeout.
pub(crate) fn budget(ctx: &Context) -> Duration {
    ctx.settings.timeout.mul_f64(0.8)
}

/// The MCP URL the flags or devdoctor.toml give (`--mcp-url`, `[mcp] url`): the project
/// then serves MCP over HTTP at it whatever its files say, and the handshake need not wait
/// for them to be read.
pub(crate) fn declared_url(ctx: &Context) -> Option<&str> {
    let s = &ctx.settings;
    (s.mcp_declared.is_some() && s.mcp_url_explicit).then_some(s.mcp_url.as_str())
}

/// The MCP handshake at the project's MCP URL ([`project`]), once per run.
pub(crate) fn handshake(ctx: &Context) -> Arc<HandshakeProbe> {
    ctx.probe(|ctx| {
        let url = match declared_url(ctx) {
            Some(url) => url.to_string(),
            None => project(ctx).mcp_url.clone(),
        };
        HandshakeProbe(run_handshake(&url, budget(ctx), ctx.settings.allow_remote))
    })
}

/// What GET on the health URL gave.
#[derive(Debug, Clone)]
pub(crate) struct Health {
    pub url: String,
    pub status: u16,
    pub media_type: Option<String>,
    pub body: http::Body,
    pub elapsed: Duration,
}

/// GET `url` with half the check budget (the rest is for the handshake a 404 may need).
pub(crate) fn health(ctx: &Context, url: &str) -> Result<Health, HttpError> {
    let target = Target::parse_allowed(url, ctx.settings.allow_remote).map_err(HttpError::Url)?;
    let client = Client::new(
        ctx.settings.timeout.mul_f64(0.45),
        ctx.settings.allow_remote,
    );
    let resp = client.send(
        Request::new("GET", &target)
            .header("accept", "application/json, text/plain;q=0.9, */*;q=0.5"),
    )?;
    let status = resp.status;
    let media_type = resp.media_type();
    let elapsed = resp.elapsed;
    let url = resp.target.display();
    let body = resp.read_capped(http::BODY_CAP)?;
    Ok(Health {
        url,
        status,
        media_type,
        body,
        elapsed,
    })
}

/// GET the protected-resource metadata (RFC 9728) of a remote server at `meta`, once per run
/// and URL: its status and up to 256 KiB of its body, with 40% of the check budget.
pub(crate) fn resource_metadata(
    ctx: &Context,
    meta: &Target,
) -> Arc<Result<(u16, http::Body), HttpError>> {
    ctx.probe_keyed(meta.display(), |ctx| {
        let client = Client::new(ctx.settings.timeout.mul_f64(0.4), ctx.settings.allow_remote);
        client
            .send(Request::new("GET", meta).header("accept", "application/json"))
            .and_then(|r| {
                let status = r.status;
                r.read_capped(256 * 1024).map(|b| (status, b))
            })
    })
}

/// Whether a process runs from inside the project's folder (its working directory).
pub(crate) fn runs_in_project(ctx: &Context, owner: &sockets::Owner) -> bool {
    matches!((&owner.cwd, ctx.project_real()), (Some(c), Some(p)) if c.starts_with(p))
}
/// Whether devdoctor runs inside a container (Docker's /.dockerenv, podman's
/// /run/.containerenv, or the `container` variable systemd-nspawn and podman set).
/// `DEVDOCTOR_ASSUME_HOST=1` says it does not (tests on CI machines that are containers).
pub(crate) fn in_container(ctx: &Context) -> bool {
    if ctx.var("DEVDOCTOR_ASSUME_HOST") == Some("1") {
        return false;
    }
    ctx.var("container").is_some_and(|v| !v.is_empty())
        || ["/.dockerenv", "/run/.containerenv"]
            .iter()
            .any(|m| std::path::Path::new(m).exists())
}
