//! The MCP client exchange, following the wire format of the MCP specification:
//! Streamable HTTP (initialize → notifications/initialized → ping → tools/list pages → DELETE),
//! with fallbacks to the legacy HTTP+SSE transport (400/404/405 on POST) and to the stateless
//! 2026-07-28 revision (a 400 carrying -32020…-32022). Every call shares one deadline.

use super::legacy::{open_legacy, read_legacy_reply, Legacy};
use super::reply::{read_reply, read_sse_reply, split, status_failure, NoReply};
use super::{
    Ended, FailKind, Failure, Handshake, RpcError, ToolDef, Transport, HANDSHAKE_VERSIONS,
    MAX_TOOL_PAGES, MODERN_VERSION,
};
use crate::probes::http::{self, Client, HttpError, Request, Response, Target};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const CLIENT_NAME: &str = "devdoctor";
const CLIENT_VERSION: &str = env!("CARGO_PKG_VERSION");

type Reply = (Result<Value, RpcError>, Duration);

fn client_info() -> Value {
    json!({"name": CLIENT_NAME, "version": CLIENT_VERSION})
}

/// Runs the whole exchange against `url` within `budget`.
pub fn run_handshake(
    url: &str,
    budget: Duration,
    allow_remote: bool,
) -> Result<Handshake, Failure> {
    let target = Target::parse_allowed(url, allow_remote).map_err(|e| {
        Failure::new(
            &http::redact(url),
            "connect",
            FailKind::Http(HttpError::Url(e)),
        )
    })?;
    let client = Client::new(budget, allow_remote);
    let started = Instant::now();
    let mut conn = Conn::streamable(&client, &target);
    let init = conn.call(
        "initialize",
        Some(json!({
            "protocolVersion": HANDSHAKE_VERSIONS[0],
            "capabilities": {},
            "clientInfo": client_info(),
        })),
    );
    match init {
        Ok(reply) => complete(conn, reply, started),
        Err(mut failure) => {
            let modern_error = matches!(
                failure.kind.as_ref(),
                FailKind::Status { status: 400, rpc: Some(e), .. } if (-32022..=-32020).contains(&e.code)
            );
            if modern_error {
                return stateless(&client, &target, started);
            }
            if matches!(
                *failure.kind,
                FailKind::Status {
                    status: 400 | 404 | 405,
                    ..
                }
            ) {
                match open_legacy(&client, &target) {
                    Ok(conn) => return complete_legacy(conn, started),
                    Err(tried) => failure.tried = tried,
                }
            }
            Err(failure)
        }
    }
}

/// After a successful initialize over Streamable HTTP.
fn complete(mut conn: Conn, init: Reply, started: Instant) -> Result<Handshake, Failure> {
    let (result, rtt) = init;
    let result = result.map_err(|e| conn.fail("initialize", FailKind::Rpc(e)))?;
    let info = parse_init(&result).map_err(|k| conn.fail("initialize", k))?;
    if info.version == MODERN_VERSION {
        return stateless(conn.client, &conn.target, started);
    }
    conn.version = Some(info.version.clone());
    conn.server = Some(info.label());
    let mut hs = info.into_handshake(&conn.target.display(), Transport::StreamableHttp, rtt);
    hs.session = conn.session.is_some();
    conn.notify("notifications/initialized")?;
    hs.ping_rtt = conn.ping(&mut hs.notes)?;
    list_tools(&mut conn, &mut hs)?;
    hs.ended = conn.end_session();
    if let Ended::Failed(why) = &hs.ended {
        hs.notes.push(format!("ending the session failed: {why}"));
    }
    hs.total = started.elapsed();
    Ok(hs)
}

/// The 2026-07-28 exchange: server/discover, then tools/list, each self-describing.
fn stateless(client: &Client, target: &Target, started: Instant) -> Result<Handshake, Failure> {
    let mut conn = Conn::streamable(client, target);
    conn.version = Some(MODERN_VERSION.to_string());
    conn.modern = true;
    let (result, rtt) = conn.call("server/discover", None)?;
    let result = result.map_err(|e| conn.fail("server/discover", FailKind::Rpc(e)))?;
    let supported: Vec<String> = result
        .get("supportedVersions")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if !supported.iter().any(|v| v == MODERN_VERSION) {
        return Err(conn.fail("server/discover", FailKind::Version(supported.join(", "))));
    }
    let server_info = result
        .get("_meta")
        .and_then(|m| m.get("io.modelcontextprotocol/serverInfo"))
        .or_else(|| result.get("serverInfo"))
        .cloned()
        .unwrap_or(Value::Null);
    let info = InitInfo {
        version: MODERN_VERSION.to_string(),
        name: str_field(&server_info, "name"),
        server_version: str_field(&server_info, "version"),
        title: server_info
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string),
        capabilities: capability_names(&result),
        instructions: instructions(&result),
    };
    conn.server = Some(info.label());
    let mut hs = info.into_handshake(&target.display(), Transport::Stateless, rtt);
    list_tools(&mut conn, &mut hs)?;
    hs.ended = Ended::NoSession;
    hs.total = started.elapsed();
    Ok(hs)
}

fn complete_legacy(mut conn: Conn, started: Instant) -> Result<Handshake, Failure> {
    let (result, rtt) = conn.call(
        "initialize",
        Some(json!({
            "protocolVersion": HANDSHAKE_VERSIONS[0],
            "capabilities": {},
            "clientInfo": client_info(),
        })),
    )?;
    let result = result.map_err(|e| conn.fail("initialize", FailKind::Rpc(e)))?;
    let info = parse_init(&result).map_err(|k| conn.fail("initialize", k))?;
    conn.server = Some(info.label());
    let mut hs = info.into_handshake(&conn.target.display(), Transport::LegacySse, rtt);
    hs.sse_endpoint = conn.legacy.as_ref().map(|l| l.endpoint.display());
    conn.notify("notifications/initialized")?;
    hs.ping_rtt = conn.ping(&mut hs.notes)?;
    list_tools(&mut conn, &mut hs)?;
    hs.ended = Ended::NoSession;
    hs.total = started.elapsed();
    Ok(hs)
}

fn list_tools(conn: &mut Conn, hs: &mut Handshake) -> Result<(), Failure> {
    if !hs.capabilities.iter().any(|c| c == "tools") {
        hs.notes
            .push("the server declares no tools capability, so tools/list was not called".into());
        return Ok(());
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        hs.tool_pages += 1;
        let params = cursor.as_ref().map(|c| json!({ "cursor": c }));
        let (result, _) = conn.call("tools/list", params)?;
        let result = result.map_err(|e| conn.fail("tools/list", FailKind::Rpc(e)))?;
        let Some(tools) = result.get("tools").and_then(Value::as_array) else {
            return Err(conn.fail(
                "tools/list",
                FailKind::NotMcp("the tools/list result has no `tools` array".into()),
            ));
        };
        for t in tools {
            let name = t
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("(unnamed)")
                .to_string();
            if hs.tool_defs.len() < MAX_TOOL_DEFS {
                hs.tool_defs.push(ToolDef {
                    name: name.clone(),
                    description: t
                        .get("description")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    input_schema: t.get("inputSchema").cloned().unwrap_or(Value::Null),
                });
            }
            names.push(name);
        }
        match result.get("nextCursor").and_then(Value::as_str) {
            Some(next) if !next.is_empty() => {
                if !seen.insert(next.to_string()) {
                    hs.notes.push(format!(
                        "tools/list repeated the cursor `{}`; stopped paging",
                        crate::policy::text::excerpt(next.as_bytes(), 40)
                    ));
                    break;
                }
                if hs.tool_pages >= MAX_TOOL_PAGES {
                    hs.notes.push(format!(
                        "tools/list has more than {MAX_TOOL_PAGES} pages; counted the first {MAX_TOOL_PAGES}"
                    ));
                    break;
                }
                cursor = Some(next.to_string());
            }
            _ => break,
        }
    }
    hs.tools = Some(names);
    Ok(())
}

struct InitInfo {
    version: String,
    name: String,
    server_version: String,
    title: Option<String>,
    capabilities: Vec<String>,
    instructions: Option<String>,
}

/// Tool definitions kept for the pin (`mcp.tools_pin`); names are counted beyond it.
const MAX_TOOL_DEFS: usize = 2000;

/// The server's `instructions` (what it tells the model), when it gives some.
fn instructions(result: &Value) -> Option<String> {
    result
        .get("instructions")
        .and_then(Value::as_str)
        .map(str::to_string)
}

impl InitInfo {
    fn label(&self) -> String {
        format!("{} {}", self.name, self.server_version)
            .trim()
            .to_string()
    }

    fn into_handshake(self, url: &str, transport: Transport, rtt: Duration) -> Handshake {
        Handshake {
            url: url.to_string(),
            transport,
            protocol_version: self.version,
            server_name: self.name,
            server_version: self.server_version,
            server_title: self.title,
            capabilities: self.capabilities,
            instructions: self.instructions,
            tools: None,
            tool_defs: Vec::new(),
            tool_pages: 0,
            session: false,
            ended: Ended::NoSession,
            initialize_rtt: rtt,
            ping_rtt: None,
            total: Duration::ZERO,
            sse_endpoint: None,
            notes: Vec::new(),
        }
    }
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| crate::policy::text::excerpt(s.as_bytes(), 120))
        .unwrap_or_default()
}

fn capability_names(result: &Value) -> Vec<String> {
    result
        .get("capabilities")
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn parse_init(result: &Value) -> Result<InitInfo, FailKind> {
    let Some(version) = result.get("protocolVersion").and_then(Value::as_str) else {
        return Err(FailKind::NotMcp(
            "the initialize result has no protocolVersion".into(),
        ));
    };
    if version != MODERN_VERSION && !HANDSHAKE_VERSIONS.contains(&version) {
        return Err(FailKind::Version(crate::policy::text::excerpt(
            version.as_bytes(),
            40,
        )));
    }
    let server = result.get("serverInfo").cloned().unwrap_or(Value::Null);
    let mut name = str_field(&server, "name");
    if name.is_empty() {
        name = "(unnamed server)".into();
    }
    Ok(InitInfo {
        version: version.to_string(),
        name,
        server_version: str_field(&server, "version"),
        title: server
            .get("title")
            .and_then(Value::as_str)
            .map(|t| crate::policy::text::excerpt(t.as_bytes(), 120)),
        capabilities: capability_names(result),
        instructions: instructions(result),
    })
}

/// One client connection state: where to POST, which headers to add, how replies arrive.
pub(super) struct Conn<'a> {
    client: &'a Client,
    target: Target,
    session: Option<String>,
    version: Option<String>,
    /// 2026-07-28: `Mcp-Method` header and `_meta` in params.
    modern: bool,
    pub(super) legacy: Option<Legacy>,
    next_id: i64,
    server: Option<String>,
}

impl<'a> Conn<'a> {
    pub(super) fn streamable(client: &'a Client, target: &Target) -> Conn<'a> {
        Conn {
            client,
            target: target.clone(),
            session: None,
            version: None,
            modern: false,
            legacy: None,
            next_id: 1,
            server: None,
        }
    }

    fn fail(&self, step: &str, kind: FailKind) -> Failure {
        let mut f = Failure::new(&self.target.display(), step, kind);
        f.server = self.server.clone();
        f
    }

    fn post_target(&self) -> &Target {
        self.legacy.as_ref().map_or(&self.target, |l| &l.endpoint)
    }

    fn request(&self, method: &str, body: &Value) -> Request {
        let mut req = Request::new("POST", self.post_target())
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(serde_json::to_vec(body).unwrap_or_default());
        if let Some(s) = &self.session {
            req = req.header("mcp-session-id", s.clone());
        }
        if let Some(v) = &self.version {
            req = req.header("mcp-protocol-version", v.clone());
        }
        if self.modern {
            req = req.header("mcp-method", method);
        }
        req
    }

    fn send(&self, step: &str, req: Request) -> Result<Response, Failure> {
        self.client
            .send(req)
            .map_err(|e| self.fail(step, FailKind::Http(e)))
    }

    /// A request and its reply (result or JSON-RPC error) with the round-trip time.
    fn call(&mut self, method: &str, params: Option<Value>) -> Result<Reply, Failure> {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({"jsonrpc": "2.0", "id": id, "method": method});
        let mut params = params;
        if self.modern {
            let mut p = params.take().unwrap_or_else(|| json!({}));
            p["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
                "io.modelcontextprotocol/clientInfo": client_info(),
                "io.modelcontextprotocol/clientCapabilities": {},
            });
            params = Some(p);
        }
        if let Some(p) = params {
            msg["params"] = p;
        }
        let started = Instant::now();
        let resp = self.send(method, self.request(method, &msg))?;
        if method == "initialize" && self.legacy.is_none() {
            self.take_session(&resp).map_err(|k| self.fail(method, k))?;
        }
        let value = match &self.legacy {
            None => self.reply_or_resume(method, resp, id)?,
            Some(legacy) => read_legacy_reply(resp, id, legacy, self.client)
                .map_err(|k| self.fail(method, k))?,
        };
        Ok((split(&value), started.elapsed()))
    }

    /// Reads the reply; when the server closes the stream after an event id, resumes it with
    /// `GET` + `Last-Event-ID` (at most `MAX_RESUMES` times, waiting its `retry`, capped).
    fn reply_or_resume(&self, method: &str, resp: Response, id: i64) -> Result<Value, Failure> {
        const MAX_RESUMES: usize = 3;
        let mut outcome = read_reply(resp, id);
        for _ in 0..MAX_RESUMES {
            let (last_id, retry) = match outcome {
                Ok(v) => return Ok(v),
                Err(NoReply::Fail(k)) => return Err(self.fail(method, k)),
                Err(NoReply::Resumable { last_id, retry }) => (last_id, retry),
            };
            let pause = Duration::from_millis(retry.unwrap_or(0).min(1000));
            std::thread::sleep(pause.min(self.client.remaining()));
            let mut req = Request::new("GET", &self.target)
                .header("accept", "text/event-stream")
                .header("last-event-id", last_id);
            if let Some(s) = &self.session {
                req = req.header("mcp-session-id", s.clone());
            }
            if let Some(v) = &self.version {
                req = req.header("mcp-protocol-version", v.clone());
            }
            let resp = self.send(method, req)?;
            if resp.media_type().as_deref() != Some("text/event-stream")
                || !(200..300).contains(&resp.status)
            {
                let status = resp.status;
                return Err(self.fail(
                    method,
                    FailKind::NotMcp(format!(
                        "the server closed the reply stream, and resuming it (GET with Last-Event-ID) answered {status} {}",
                        http::reason(status)
                    )),
                ));
            }
            outcome = read_sse_reply(&mut resp.into_reader(), id);
        }
        match outcome {
            Ok(v) => Ok(v),
            Err(NoReply::Fail(k)) => Err(self.fail(method, k)),
            Err(NoReply::Resumable { .. }) => Err(self.fail(
                method,
                FailKind::Http(HttpError::Closed(format!(
                    "the server closed the reply stream {} times without replying",
                    MAX_RESUMES + 1
                ))),
            )),
        }
    }

    fn take_session(&mut self, resp: &Response) -> Result<(), FailKind> {
        if let Some(id) = resp.header("mcp-session-id") {
            if id.is_empty() || !id.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                return Err(FailKind::NotMcp(
                    "the Mcp-Session-Id header holds characters outside visible ASCII".into(),
                ));
            }
            self.session = Some(id.to_string());
        }
        Ok(())
    }

    fn notify(&self, method: &str) -> Result<(), Failure> {
        let msg = json!({"jsonrpc": "2.0", "method": method});
        let resp = self.send(method, self.request(method, &msg))?;
        if (200..300).contains(&resp.status) {
            Ok(())
        } else {
            Err(self.fail(method, status_failure(resp)))
        }
    }

    /// Ping: a JSON-RPC error is a note (the server works), a transport failure is fatal.
    fn ping(&mut self, notes: &mut Vec<String>) -> Result<Option<Duration>, Failure> {
        let (result, rtt) = self.call("ping", None)?;
        match result {
            Ok(_) => Ok(Some(rtt)),
            Err(e) => {
                notes.push(format!("ping answered {e}"));
                Ok(None)
            }
        }
    }

    fn end_session(&self) -> Ended {
        let Some(session) = &self.session else {
            return Ended::NoSession;
        };
        let mut req =
            Request::new("DELETE", &self.target).header("mcp-session-id", session.clone());
        if let Some(v) = &self.version {
            req = req.header("mcp-protocol-version", v.clone());
        }
        match self.client.send(req) {
            Ok(r) if (200..300).contains(&r.status) => Ended::Deleted,
            Ok(r) if r.status == 405 => Ended::NotSupported,
            Ok(r) => Ended::Failed(format!(
                "DELETE answered {} {}",
                r.status,
                http::reason(r.status)
            )),
            Err(e) => Ended::Failed(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_versions() {
        let ok = json!({"protocolVersion": "2025-06-18", "serverInfo": {"name": "x", "version": "1"}, "capabilities": {"tools": {}}});
        let info = parse_init(&ok).unwrap();
        assert_eq!(info.label(), "x 1");
        assert_eq!(info.capabilities, vec!["tools"]);
        assert!(matches!(
            parse_init(&json!({"protocolVersion": "1999-01-01"})),
            Err(FailKind::Version(v)) if v == "1999-01-01"
        ));
        assert!(matches!(parse_init(&json!({})), Err(FailKind::NotMcp(_))));
        assert_eq!(
            parse_init(&json!({"protocolVersion": "2024-11-05"}))
                .unwrap()
                .name,
            "(unnamed server)"
        );
    }
}
