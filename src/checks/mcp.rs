//! Built-in `mcp.*` checks: the health route, a real MCP handshake, and who holds the port.
//! All are in category "mcp", which `--wait` retries until they pass.

use crate::core::{Builtin, Check, CheckResult, Context, Early, Fix, Outcome, Phase, Spec};
use crate::probes::http::{self, HostKind, HttpError, Target, UrlError};
use crate::probes::mcp::{
    self, sockets, Ended, FailKind, Failure, Handshake, McpProject, Serves, Transport,
};
use std::sync::Arc;
use std::time::Duration;

mod auth;
mod container;
mod defence;
mod pin;
mod sdk;
pub(crate) use sdk::{bound_step as sdk_bound_step, need as sdk_need, Needs as SdkNeeds};

/// The registry entries of this area, one per check.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(Spec {
            id: "mcp.sdk",
            title: "MCP SDK fits the server's code",
            can_fix: true,
            applies: "When the project's code imports the official MCP SDK's server API (`mcp.server.fastmcp`, `MCPServer`, or the low-level `Server` with its `@server.list_tools()` decorators), over any transport; skips otherwise.",
            explain: sdk::EXPLAIN,
            run: sdk::check,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.health",
            title: "MCP server health route",
            can_fix: false,
            applies: "When the project serves MCP over HTTP, or --health-url/--mcp-url is given; skips otherwise.",
            explain: HEALTH_EXPLAIN,
            run: health,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.handshake",
            title: "MCP protocol handshake",
            can_fix: false,
            applies: "When the project serves MCP over HTTP, or --mcp-url is given; skips otherwise.",
            explain: HANDSHAKE_EXPLAIN,
            run: handshake,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.port",
            title: "MCP server port",
            can_fix: false,
            applies: "When the project serves MCP over HTTP, or --mcp-url is given; skips otherwise.",
            explain: PORT_EXPLAIN,
            run: port,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.origin",
            title: "MCP server rejects foreign origins (DNS rebinding)",
            can_fix: false,
            applies: "When the project serves MCP over HTTP on this machine and the handshake works; skips otherwise.",
            explain: defence::ORIGIN_EXPLAIN,
            run: defence::origin,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.bind",
            title: "MCP server listens on loopback only",
            can_fix: false,
            applies: "When the project serves MCP over HTTP at a local URL; skips otherwise (inside a container only compose's published port is judged).",
            explain: defence::BIND_EXPLAIN,
            run: defence::bind,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.container_bind",
            title: "MCP server in the image listens where its port reaches it",
            can_fix: false,
            applies: "When the project serves MCP over HTTP and a Dockerfile starts its server script; skips otherwise.",
            explain: container::EXPLAIN,
            run: container::check,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.tools_pin",
            title: "MCP tools match the reviewed pin",
            can_fix: false,
            applies: "When the project serves MCP over HTTP, the handshake works and .devdoctor/mcp-tools.lock exists; skips otherwise.",
            explain: pin::EXPLAIN,
            run: pin::check,
        })),
        Arc::new(Builtin::new(Spec {
            id: "mcp.auth",
            title: "Remote MCP server requires authorization",
            can_fix: false,
            applies: "Only for a remote MCP URL probed with --allow-remote; skips otherwise.",
            explain: auth::EXPLAIN,
            run: auth::check,
        })),
    ]
}

/// When the three checks apply, shared by their explain texts.
macro_rules! applies_explain {
    () => {
        "
When: the three mcp checks run only for a project that serves MCP over HTTP: --mcp-url or
--health-url, an [mcp] table in devdoctor.toml, or an mcp/fastmcp dependency (environment
file, pyproject.toml, requirements) or import together with an HTTP transport in its code
(transport=\"streamable-http\"/\"sse\"/\"http\", streamable_http_app, sse_app, run_sse_async,
run_streamable_http_async, or the low-level
SseServerTransport and StreamableHTTPSessionManager next to a port literal) or a port its
compose file publishes or its Dockerfile exposes. A server whose transport option or
variable defaults to stdio (`--transport` with `default=\"stdio\"`) counts as stdio unless a
port is published for it; a variable (`os.getenv(\"MCP_TRANSPORT\", \"stdio\")`) that a
Dockerfile's ENV or a compose service's environment sets to http, streamable-http or sse makes
it an HTTP server, and the start command sets the variable too. A Dockerfile that serves the
server with fastmcp's CLI (`fastmcp run server.py --transport streamable-http`) makes it one
too, whatever its `__main__` block runs. A stdio server and a project without MCP skip, with the evidence. The address comes from the flags and config, else compose's published
port, a port=/host= literal or a `--port` option's default in the server code, EXPOSE, and
only then 127.0.0.1:8000; the path is /sse for a server whose transport is (or defaults to)
SSE, else /mcp, and the health route is the one the code declares (`custom_route(\"/healthz\"`,
`Route(\"/health\"`, `@app.get(\"/api/health\")`, or a route whose handler is named for health:
`@mcp.custom_route(\"/\")` over `async def health_check`), else /health.
When nothing listens, mcp.port fails and the other two skip (see mcp.port)."
    };
}

const HEALTH_EXPLAIN: &str = concat!(
    "
Looks at: GET on the health URL (default http://127.0.0.1:8000/health, set with --health-url or
[mcp] health_url), with a timeout and a 1 MiB cap on the body. A 2xx answer is ok and its
latency is reported; a JSON body's `status` field is shown, and a status other than ok/healthy/up
is a warning. Any other status fails with a short excerpt of the body. Connection refused fails
(mcp.port says why nothing listens); no answer in time is unknown.
Why: the policy's old check was `curl -f http://localhost:8000/health`; container HEALTHCHECKs and
load balancers use the same route. A server without a /health route (404) that still answers MCP
is only a warning: add the route.
Fix: add a health route to the server, e.g. with the official SDK:
  @mcp.custom_route(\"/health\", methods=[\"GET\"])
  async def health(request): return JSONResponse({\"status\": \"ok\"})
Only loopback hosts are contacted unless --allow-remote is given (a project's devdoctor.toml cannot switch that on).",
    applies_explain!()
);

const HANDSHAKE_EXPLAIN: &str = concat!(
    "
Looks at: the MCP endpoint (default http://127.0.0.1:8000/mcp, set with --mcp-url or [mcp] url),
as a real client: initialize (offering protocol 2025-11-25 and accepting 2024-11-05 … 2025-11-25),
replies read as JSON or as an SSE stream, the Mcp-Session-Id kept, MCP-Protocol-Version sent
afterwards, notifications/initialized, ping, tools/list with every nextCursor page (at most 20),
then DELETE of the session. A server of the stateless 2026-07-28 revision (it answers initialize
with error -32020…-32022) is asked with server/discover instead. A server of the deprecated
HTTP+SSE transport (GET /sse announcing an `endpoint` event) is detected when POST answers
400/404/405; the handshake is completed over it and reported as a warning.
Reports: server name and version, negotiated protocol, tool count and round-trip latency; JSON-RPC
errors with their code and message; HTML, garbage, endless streams and huge bodies as failures
or unknown, never a hang (every step shares one deadline, 80% of --timeout). A 500 from a server
whose code mounts the SDK's `streamable_http_app()` in an app that sets no lifespan names that
cause: the mounted app's lifespan never runs, so the SDK's session manager is never started.
Why: a server can answer /health while its MCP endpoint is broken, on the wrong path, or speaks
a transport clients no longer use.
Fix: start the server with transport=\"streamable-http\" at the configured path, or point --mcp-url
at the right endpoint; for the mount, `lifespan=lambda app: mcp.session_manager.run()` on the app
that mounts it.",
    applies_explain!()
);

const PORT_EXPLAIN: &str = concat!(
    "
Looks at: when the MCP server does not answer, who listens on its port: the kernel socket tables
(/proc/net/tcp, /proc/net/tcp6) and /proc/<pid>/fd map the listening socket to a process, whose
pid and command line are reported.
Why: \"connection refused\" means the server is not running (or listens on another address or
port); a port held by another program means the server could not bind it. A holder that
answered `initialize` with its name is an MCP server that fails later in the exchange: a
warning that points to mcp.handshake, never a step to stop it. For a port held by another
program, the step stops it, or starts the server on a port nothing listens on through the
variable its code reads the port from (`MCP_PORT=8001`).
Fix: start the server inside the project environment without activation:
  micromamba run -n ENV --cwd DIR COMMAND
The command is the project's own: [mcp] server_command, the Dockerfile's CMD when it names a
file of the project, or the script with `if __name__ == \"__main__\"` that runs the server (as a
module, `python -m gateway.server`, where a script in a subfolder imports a package only the
project's root holds, which `python gateway/server.py` would not find); when the project names none, the fix says so instead of guessing. Variables the server needs to
listen where devdoctor asks are set before the command: the one its code gates HTTP on, and the
`…PORT` variable the code reads when the image that EXPOSEs the port sets it to that port
(`ENV GIS_MCP_PORT=9010`). When the address is a port compose
publishes and the server run by hand would not answer there (the port maps to another one in
the container, or there is no environment to run it in), the fix starts the compose service
instead: docker compose up -d SERVICE.
`micromamba activate ENV` works only in a shell set up with `micromamba shell init`; `run` needs
no activation. If another program holds the port, stop it or move the server to a free port.",
    applies_explain!()
);

/// The precondition of every MCP check: the project serves MCP over HTTP. Otherwise the
/// check says why and stops.
fn over_http(p: &McpProject) -> Result<(), Early> {
    match p.serves {
        Serves::Http => Ok(()),
        Serves::Stdio => Err(
            Early::skip("the MCP server speaks stdio; nothing to probe over HTTP")
                .detail(format!("evidence: {}", p.why))
                .detail("hint: a server that also serves HTTP is probed after --mcp-url URL, or with an [mcp] table in devdoctor.toml"),
        ),
        Serves::Nothing => Err(
            Early::skip("not applicable: the project does not serve MCP")
                .detail(format!("looked for: {}", p.why))
                .detail("hint: --mcp-url URL (or an [mcp] table in devdoctor.toml) checks a server anyway"),
        ),
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn ms_value(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn remote_skip(what: &str, host: &str, url: &str) -> Early {
    Early::from(CheckResult::skip(format!(
        "not checked: {host} is not a loopback host (pass --allow-remote to contact it)"
    ))
    .detail(format!(
        "{what} {url}: devdoctor only talks to 127.0.0.1, [::1] and localhost by default"
    ))
    .detail("hint: pass --allow-remote to contact it (a project's devdoctor.toml cannot switch that on)")
    .data("url", url))
}

fn authority_of(url: &str) -> String {
    Target::parse(url)
        .map(|t| t.authority())
        .unwrap_or_else(|_| http::redact(url))
}

const HEALTHY_WORDS: &[&str] = &[
    "ok", "healthy", "up", "pass", "passing", "green", "alive", "ready",
];

fn health(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let url = http::redact(&p.health_url);
    let h = match mcp::health(ctx, &p.health_url) {
        Ok(h) => h,
        Err(HttpError::Url(UrlError::Remote(host))) => {
            return Err(remote_skip("health URL", &host, &url))
        }
        Err(HttpError::Url(e)) => {
            return Ok(CheckResult::fail(format!("the health URL is not usable: {e}"))
                .detail("hint: set a URL like http://127.0.0.1:8000/health with --health-url or [mcp] health_url"));
        }
        // One cause, one failure: mcp.port says why nothing listens and how to start it.
        Err(HttpError::Refused) => {
            return Err(Early::from(
                CheckResult::skip(format!(
                    "connection refused at {}: nothing is listening (see mcp.port)",
                    authority_of(&p.health_url)
                ))
                .detail(format!("GET {url}"))
                .data("url", url),
            ));
        }
        Err(HttpError::Timeout) => {
            return Err(Early::from(CheckResult::unknown(format!(
                "no answer from {url} within {:.1} s",
                ctx.settings.timeout.mul_f64(0.45).as_secs_f64()
            ))
            .detail("the port accepts connections but the server does not answer: it may be starting, blocked or hung")
            .detail("hint: raise --timeout, or use --wait 30s while the server starts")
            .data("url", url)));
        }
        Err(e) => return Ok(CheckResult::fail(format!("GET {url}: {e}")).data("url", url)),
    };
    let mut r = judge_health(ctx, &h);
    r = r
        .data("url", h.url.clone())
        .data("http_status", h.status)
        .data("latency_ms", ms_value(h.elapsed));
    Ok(r)
}

fn judge_health(ctx: &Context, h: &mcp::Health) -> CheckResult {
    let code = format!("{} {}", h.status, http::reason(h.status))
        .trim()
        .to_string();
    if (200..300).contains(&h.status) {
        if h.body.truncated {
            return CheckResult::fail(format!(
                "{code}, but the body is larger than {} KiB (not read further)",
                http::BODY_CAP / 1024
            ))
            .detail(
                "a health route should answer a few bytes; something else may be serving this URL",
            );
        }
        if h.media_type.as_deref() == Some("text/html") {
            return CheckResult::warn(format!(
                "{code} in {}, but the answer is an HTML page, not a health response",
                ms(h.elapsed)
            ))
            .detail(format!(
                "body: {}",
                crate::policy::text::excerpt(&h.body.bytes, 120)
            ))
            .detail("another web server or a catch-all route may be answering on this port");
        }
        let json: Option<serde_json::Value> = serde_json::from_slice(&h.body.bytes).ok();
        let status = json
            .as_ref()
            .and_then(|v| v.get("status"))
            .map(|s| match s {
                serde_json::Value::String(s) => crate::policy::text::excerpt(s.as_bytes(), 40),
                other => crate::policy::text::excerpt(other.to_string().as_bytes(), 40),
            });
        return match status {
            Some(s) if HEALTHY_WORDS.contains(&s.to_ascii_lowercase().as_str()) => {
                CheckResult::ok(format!("{code} in {} · status \"{s}\"", ms(h.elapsed)))
                    .data("status", s)
            }
            Some(s) => CheckResult::warn(format!(
                "{code} in {}, but the server reports status \"{s}\"",
                ms(h.elapsed)
            ))
            .detail(format!(
                "body: {}",
                crate::policy::text::excerpt(&h.body.bytes, 200)
            ))
            .data("status", s),
            None => CheckResult::ok(format!("{code} in {}", ms(h.elapsed))),
        };
    }
    let excerpt = http::body_excerpt(&h.body.bytes, h.media_type.as_deref(), 160);
    if h.status == 404 {
        if let Ok(hs) = &mcp::handshake(ctx).0 {
            return CheckResult::warn(format!(
                "no health route: {} answers 404, but the MCP endpoint answers ({})",
                h.url, hs.server_name
            ))
            .detail("container HEALTHCHECKs and the old `curl -f …/health` check need a route that answers 200")
            .with_fix(
                Fix::new("Add a /health route to the MCP server (a custom route, unauthenticated by design).")
                    .manual({
                        let p = mcp::project(ctx);
                        format!("{}, with the official SDK: @{}.custom_route(\"/health\", methods=[\"GET\"]) on an async function returning JSONResponse({{\"status\": \"ok\"}})", server_file(&p), server_var(&p))
                    })
                    .phase(Phase::Runtime),
            );
        }
    }
    let mut r = CheckResult::fail(format!("{} answered {code}", h.url));
    if !excerpt.is_empty() {
        r = r.detail(format!("body: {excerpt}"));
    }
    if h.status == 404 {
        r = r.detail("the MCP endpoint does not answer either (see mcp.handshake); is this the right server and port?");
    }
    r
}

fn handshake(ctx: &Context) -> Outcome {
    // A declared URL is served over HTTP: the exchange starts without waiting for the
    // project's files to be read.
    if mcp::declared_url(ctx).is_none() {
        over_http(&mcp::project(ctx))?;
    }
    let probe = mcp::handshake(ctx);
    match &probe.0 {
        Ok(hs) => Ok(judge_handshake(ctx, hs)),
        Err(f) => Ok(handshake_failure(ctx, f)),
    }
}

/// Where the server is created, for a fix that edits it: "in server.py", or "in the file
/// that creates the server" when the code does not say.
fn server_file(p: &McpProject) -> String {
    p.server_var.as_ref().map_or_else(
        || "in the file that creates the server".to_string(),
        |(_, file)| format!("in {file}"),
    )
}

/// The variable that holds the server (`mcp`, the SDK's examples' name, when the code does
/// not say).
fn server_var(p: &McpProject) -> &str {
    p.server_var.as_ref().map_or("mcp", |(var, _)| var.as_str())
}

/// The edit that moves a server from HTTP+SSE to Streamable HTTP, in the form its code starts
/// it: `run_sse_async()` awaited in the code's own event loop (tandemai-inc/rdkit-mcp-server),
/// where `run(…)` would start a second loop and fail, an `sse_app()` mounted in an app, or
/// `run(transport="sse")`.
fn streamable_step(p: &McpProject) -> String {
    let (file, var) = (server_file(p), server_var(p));
    let marker = p.transport_at.as_deref().unwrap_or_default();
    let edit = if marker.contains("run_sse_async") {
        format!("replace `await {var}.run_sse_async()` with `await {var}.run_streamable_http_async()` (a `{var}.run(…)` there would start a second event loop and fail)")
    } else if marker.contains("sse_app") {
        format!("mount `{var}.streamable_http_app()` at the root in place of `{var}.sse_app()` (its endpoint is /mcp already; mounted at /mcp it would answer at /mcp/mcp), and enter `{var}.session_manager.run()` in the app's lifespan")
    } else {
        format!("{var}.run(transport=\"streamable-http\")")
    };
    format!("{file}: {edit}, and point clients (and --mcp-url) at /mcp")
}

fn judge_handshake(ctx: &Context, hs: &Handshake) -> CheckResult {
    let name = format!("{} {}", hs.server_name, hs.server_version);
    let tools = match &hs.tools {
        Some(t) if t.len() == 1 => "1 tool".to_string(),
        Some(t) => format!("{} tools", t.len()),
        None => "no tools capability".to_string(),
    };
    let summary = format!(
        "{} · protocol {} · {tools} · {} round trip",
        name.trim(),
        hs.protocol_version,
        ms(hs.latency())
    );
    let ping_refused = hs.notes.iter().any(|n| n.starts_with("ping answered"));
    let mut r = match hs.transport {
        Transport::LegacySse => CheckResult::warn(format!("deprecated transport (HTTP+SSE): {summary}"))
            .detail(format!(
                "the server speaks the HTTP+SSE transport of 2024-11-05 (stream at {}, messages to {}), deprecated since 2025-03-26",
                hs.url,
                hs.sse_endpoint.as_deref().unwrap_or("?")
            ))
            .with_fix(
                Fix::new("Serve Streamable HTTP, which current MCP clients expect.")
                    .manual(streamable_step(&mcp::project(ctx)))
                    .phase(Phase::Runtime),
            ),
        _ if ping_refused => CheckResult::warn(format!("{summary} (ping refused)")),
        _ => CheckResult::ok(summary),
    };
    r = r.detail(format!("endpoint {} ({})", hs.url, hs.transport.as_str()));
    if let Some(title) = &hs.server_title {
        r = r.detail(format!("server title: {title}"));
    }
    if let Some(tools) = hs.tools.as_ref().filter(|t| !t.is_empty()) {
        let shown: Vec<&str> = tools.iter().take(12).map(String::as_str).collect();
        let more = tools.len().saturating_sub(shown.len());
        r = r.detail(format!(
            "tools: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if hs.tool_pages > 1 {
        r = r.detail(format!(
            "tools/list: {} pages (nextCursor followed)",
            hs.tool_pages
        ));
    }
    r = r.detail(format!(
        "initialize {}, total {} for the whole exchange",
        ms(hs.initialize_rtt),
        ms(hs.total)
    ));
    r = r.details(hs.notes.iter().cloned());
    let ended = match &hs.ended {
        Ended::Deleted => "deleted",
        Ended::NotSupported => "kept (DELETE not supported)",
        Ended::NoSession => "none",
        Ended::Failed(_) => "delete failed",
    };
    r.data("url", hs.url.clone())
        .data("server_name", hs.server_name.clone())
        .data("server_version", hs.server_version.clone())
        .data("protocol_version", hs.protocol_version.clone())
        .data("transport", hs.transport.as_str())
        .data("tools", hs.tools.as_ref().map_or(0, Vec::len))
        .data("tool_names", hs.tools.clone().unwrap_or_default())
        .data("tool_pages", hs.tool_pages)
        .data("capabilities", hs.capabilities.clone())
        .data("session", ended)
        .data("latency_ms", ms_value(hs.latency()))
        .data("initialize_ms", ms_value(hs.initialize_rtt))
        .data("total_ms", ms_value(hs.total))
}

fn handshake_failure(ctx: &Context, f: &Failure) -> CheckResult {
    let url = &f.url;
    let at = if f.step == "connect" {
        String::new()
    } else {
        format!("{}: ", f.step)
    };
    let mut r = match f.kind.as_ref() {
        FailKind::Http(HttpError::Url(UrlError::Remote(host))) => return remote_skip("MCP URL", host, url).into(),
        FailKind::Http(HttpError::Url(e)) => CheckResult::fail(format!("the MCP URL is not usable: {e}"))
            .detail("hint: set a URL like http://127.0.0.1:8000/mcp with --mcp-url or [mcp] url"),
        FailKind::Http(HttpError::Refused) => CheckResult::skip(format!(
            "connection refused at {}: nothing is listening (see mcp.port)",
            authority_of(&mcp::project(ctx).mcp_url)
        )),
        FailKind::Http(HttpError::Timeout) => CheckResult::unknown(format!(
            "{at}no reply from {url} within {:.1} s",
            mcp::budget(ctx).as_secs_f64()
        ))
        .detail("the server accepted the connection but did not finish answering: it may be starting, blocked, or streaming without replying")
        .detail("hint: raise --timeout, or use --wait 30s while the server starts"),
        FailKind::Http(e) => CheckResult::fail(format!("{at}{e}")).detail(format!("endpoint {url}")),
        FailKind::Status {
            status,
            excerpt,
            rpc,
            www_authenticate,
        } => {
            let code = format!("{status} {}", http::reason(*status)).trim().to_string();
            let mut r = match status {
                401 => CheckResult::unknown(format!(
                    "{at}{url} requires authorization ({code}); devdoctor cannot log in"
                )),
                421 => CheckResult::fail(format!("{at}{url} rejected the Host header ({code})"))
                    .detail("the server's DNS-rebinding protection allows only some Host values; use 127.0.0.1 or localhost in the URL, or add this host to the server's allowed hosts"),
                404 if f.step == "initialize" => CheckResult::fail(format!(
                    "no MCP endpoint at {url} ({code})"
                ))
                .detail("hint: is the server's streamable HTTP path different (e.g. /mcp/ or /)? set --mcp-url or [mcp] url"),
                _ => CheckResult::fail(format!("{at}{url} answered {code}")),
            };
            if let Some(e) = rpc {
                r = r.detail(e.to_string());
            } else if !excerpt.is_empty() {
                r = r.detail(format!("body: {excerpt}"));
            }
            if let Some(w) = www_authenticate {
                r = r.detail(format!("WWW-Authenticate: {w}"));
            }
            match (status, &mcp::project(ctx).unmanaged_mount) {
                (500, Some((at, var))) => r.detail(unmanaged_mount_cause(at, var)).with_fix(
                    Fix::new("Start the SDK's session manager with the app — a mounted app's own lifespan never runs.")
                        .manual(format!("at {at}: give the app that mounts `{var}.streamable_http_app()` `lifespan=lambda app: {var}.session_manager.run()` (or enter `{var}.session_manager.run()` in the lifespan it has), then restart the server"))
                        .phase(Phase::Configure),
                ),
                _ => r,
            }
        }
        FailKind::Rpc(e) => CheckResult::fail(format!("{at}{e}")),
        FailKind::NotMcp(why) => CheckResult::fail(format!("{url} does not speak MCP: {why}")),
        FailKind::Version(v) => CheckResult::fail(format!(
            "{at}the server chose protocol version {v}, which devdoctor does not know"
        ))
        .detail(format!(
            "known: {} and {}",
            mcp::HANDSHAKE_VERSIONS.join(", "),
            mcp::MODERN_VERSION
        )),
    };
    if let Some(server) = &f.server {
        r = r.detail(format!("server: {server}"));
    }
    r.details(f.tried.iter().cloned())
        .data("url", url.clone())
        .data("step", f.step.clone())
}

/// Why a mounted streamable HTTP app answers 500.
fn unmanaged_mount_cause(at: &str, var: &str) -> String {
    format!(
        "cause: {at} mounts `{var}.streamable_http_app()` in an app that sets no lifespan, so `{var}.session_manager.run()` is never entered and the SDK fails every request (its log: \"Task group is not initialized\")"
    )
}

/// Loopback targets of the configured URLs, by port.
fn local_targets(p: &McpProject) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    for url in [&p.mcp_url, &p.health_url] {
        if let Ok(t) = Target::parse(url) {
            if t.kind() != HostKind::Remote
                && !out.iter().any(|o| o.port == t.port && o.host == t.host)
            {
                out.push(t);
            }
        }
    }
    out
}

/// Whether a process looks like the configured server command (`main.py`, `uvicorn`, …).
fn looks_like_server(owner: &sockets::Owner, command: &[String]) -> bool {
    let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
    let words: Vec<String> = command
        .iter()
        .filter(|w| !w.starts_with('-'))
        .map(|w| base(w))
        .filter(|w| !(w == "python" || w.starts_with("python3") || w == "env"))
        .collect();
    !words.is_empty() && owner.cmdline.iter().any(|arg| words.contains(&base(arg)))
}

fn describe_listener(l: &sockets::Listener) -> String {
    match &l.owner {
        Some(o) => format!("{} held by pid {} ({})", l.endpoint(), o.pid, o.command()),
        None => format!(
            "{} held by a process of uid {} that this user cannot see",
            l.endpoint(),
            l.uid
        ),
    }
}

fn port(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let targets = local_targets(&p);
    if targets.is_empty() {
        return Err(Early::skip(
            "the MCP URLs are not on this machine; only local ports can be inspected",
        ));
    }
    // The kernel's socket tables are read while the handshake runs; the costly walk that
    // names a socket's process only when an owner must be named.
    let (probe, tables) = std::thread::scope(|scope| {
        let scan = scope.spawn(sockets::tables);
        let probe = mcp::handshake(ctx);
        let tables = scan
            .join()
            .unwrap_or_else(|_| Err("the socket table reader crashed".to_string()));
        (probe, tables)
    });
    if let Ok(hs) = &probe.0 {
        return Ok(served(ctx, &p, &targets[0], hs, tables));
    }
    let t = &targets[0];
    let all = match tables {
        Ok(mut all) => {
            // The port's holders, and the sockets of this user, where a server started on
            // another port would be.
            let me = rustix::process::geteuid().as_raw();
            sockets::name_owners(&mut all, |l| l.port == t.port || l.uid == me);
            all
        }
        Err(why) => {
            return Err(Early::unknown(format!(
                "cannot see who listens on the port: {why}"
            )))
        }
    };
    let command = server_command(&p);
    // The MCP URL's host and port first (the health URL only when the MCP URL is not local):
    // a listener the URL's host does not reach is a near miss, not the server.
    let ips: Vec<_> = t.loopback_addrs().iter().map(|a| a.ip()).collect();
    let holders: Vec<&sockets::Listener> = all
        .iter()
        .filter(|l| l.port == t.port && ips.iter().any(|ip| l.accepts(*ip)))
        .collect();
    if holders.is_empty() {
        return Ok(nothing_listens(ctx, &p, t.clone(), &all));
    }
    let holder = holders[0];
    let data = |r: CheckResult| {
        let r = r.data("port", t.port).data("address", holder.endpoint());
        match &holder.owner {
            Some(o) => r.data("pid", o.pid).data("command", o.command()),
            None => r,
        }
    };
    // A server that answered `initialize` with its name is an MCP server, whatever its
    // command line: it fails later in the exchange (a tool list that raises), which
    // mcp.handshake reports, and stopping it is no fix.
    let announced = probe.0.as_ref().err().and_then(|f| f.server.clone());
    if let Some(server) = announced {
        return Ok(data(
            CheckResult::warn(format!(
                "{} is held by the MCP server {server}, which fails later in the exchange (see mcp.handshake)",
                t.authority()
            ))
            .detail(describe_listener(holder)),
        ));
    }
    Ok(match &holder.owner {
        Some(o) if looks_like_server(o, &command) || mcp::runs_in_project(ctx, o) => data(CheckResult::warn(format!(
            "{} is held by the server (pid {}), but it does not complete the MCP handshake (see mcp.handshake)",
            t.authority(),
            o.pid
        ))
        .detail(describe_listener(holder))),
        Some(o) => data(
            CheckResult::fail(format!(
                "{} is held by another program: pid {} ({})",
                t.authority(),
                o.pid,
                o.command()
            ))
            .detail(format!(
                "it does not answer MCP, and it is not the configured server command `{}`",
                crate::fix::quote_argv(&command)
            ))
            .with_fix(
                Fix::new("Free the port for the MCP server, or run the server on another port.")
                    .manual(format!("stop the other program (pid {}) if it is yours, e.g. `kill {}`", o.pid, o.pid))
                    .manual(free_port_step(&p, t.port, &all))
                    .phase(Phase::Runtime),
            ),
        ),
        None => data(
            CheckResult::fail(format!(
                "{} is held by a process this user cannot see (uid {}), and it does not answer MCP",
                t.authority(),
                holder.uid
            ))
            .detail(format!("as root, `ss -ltnp 'sport = :{}'` names it", t.port)),
        ),
    })
}

/// The step that starts the server on a port nothing listens on (the first above `taken`):
/// through the variable the code reads its port from (mcp-rag's `MCP_PORT`), where it reads
/// one, rather than a guessed `PORT`.
fn free_port_step(p: &McpProject, taken: u16, all: &[sockets::Listener]) -> String {
    let free = (taken.saturating_add(1)..u16::MAX)
        .find(|port| !all.iter().any(|l| l.port == *port))
        .unwrap_or(taken);
    match p.port_vars.as_slice() {
        [var, ..] => format!("or start the server on a free port with `{var}={free}` set (the variable its code reads the port from), and pass --mcp-url/--health-url with that port"),
        [] => format!("or start the server on a free port ({free}: `PORT={free}` or `--port {free}`, as it takes one) and pass --mcp-url/--health-url with that port"),
    }
}

/// The port answers MCP: ok when the server is this project's (by the name it announces, or
/// else by the folder its process runs in); a warning when another project's server holds it.
fn served(
    ctx: &Context,
    p: &McpProject,
    t: &Target,
    hs: &Handshake,
    tables: Result<Vec<sockets::Listener>, String>,
) -> CheckResult {
    let r = CheckResult::ok(format!("{} is served by {}", t.authority(), hs.server_name))
        .data("port", t.port);
    let mut all = tables.unwrap_or_default();
    let reaches = |l: &sockets::Listener| {
        l.port == t.port && t.loopback_addrs().iter().any(|a| l.accepts(a.ip()))
    };
    if p.is_own(&hs.server_name) {
        return match all.iter().find(|l| reaches(l)) {
            Some(l) => r.detail(format!("listening on {}", l.endpoint())),
            None => r,
        };
    }
    // The name does not say: the process behind the port and the folder it runs in do.
    sockets::name_owners(&mut all, reaches);
    let Some(l) = all.iter().find(|l| reaches(l)) else {
        return r;
    };
    let r = r.detail(describe_listener(l));
    let Some(o) = &l.owner else { return r };
    let r = r.data("pid", o.pid);
    match &o.cwd {
        Some(cwd) if !mcp::runs_in_project(ctx, o) => CheckResult {
            status: crate::core::Status::Warn,
            summary: format!(
                "{} is served by {}, which runs from {}: another project's server, not this one",
                t.authority(),
                hs.server_name,
                cwd.display()
            ),
            ..r
        }
        .with_fix(
            Fix::new("Stop the other server, or run this project's server on another port.")
                .manual(format!("stop pid {} if it is yours (`kill {}`), then start this project's server", o.pid, o.pid))
                .manual("or give this project's server a free port and pass --mcp-url with it (or set url under [mcp])")
                .phase(Phase::Runtime),
        ),
        _ => r,
    }
}

fn nothing_listens(
    ctx: &Context,
    p: &McpProject,
    t: Target,
    all: &[sockets::Listener],
) -> CheckResult {
    // A near miss on the same port: the server listens, on an address the URL does not reach
    // (e.g. bound to 127.0.0.1 while the URL says [::1]).
    if let Some(l) = all.iter().find(|l| l.port == t.port) {
        let reachable = match l.addr {
            a if a.is_unspecified() && a.is_ipv4() => "127.0.0.1".to_string(),
            a if a.is_unspecified() => "[::1]".to_string(),
            std::net::IpAddr::V6(a) => format!("[{a}]"),
            a => a.to_string(),
        };
        let url = Target::parse(&p.mcp_url)
            .map(|m| {
                format!(
                    "{}://{reachable}:{}{}",
                    if m.https { "https" } else { "http" },
                    m.port,
                    m.path
                )
            })
            .unwrap_or_else(|_| format!("http://{reachable}:{}/mcp", t.port));
        return CheckResult::fail(format!(
            "nothing listens on {}, but {}: the URL's host does not reach it",
            t.authority(),
            describe_listener(l)
        ))
        .with_fix(
            Fix::new("Point devdoctor (and clients) at the address the server listens on, or bind the server to the URL's address.")
                .manual(format!("use --mcp-url {} (or `url` under [mcp] in devdoctor.toml)", http::redact(&url)))
                .manual(format!("or start the server listening on {}", t.host))
                .phase(Phase::Runtime),
        )
        .data("port", t.port)
        .data("address", l.endpoint());
    }
    let mut r = CheckResult::fail(format!(
        "nothing listens on {}: the MCP server is not running",
        t.authority()
    ));
    r = r
        .detail(format!("MCP over HTTP: {}", p.why))
        .detail(format!("address {} from {}", t.authority(), p.address_from));
    // A near miss elsewhere: the server command listening on another port.
    let command = server_command(p);
    for l in all.iter().filter(|l| l.port != t.port) {
        if let Some(o) = l.owner.as_ref().filter(|o| looks_like_server(o, &command)) {
            r = r.detail(format!(
                "pid {} ({}) listens on {} — is the server configured for another port?",
                o.pid,
                o.command(),
                l.endpoint()
            ));
        }
    }
    r.with_fix(start_fix(ctx, p)).data("port", t.port)
}

/// The server's start command as the project gives it (empty when it gives none).
fn server_command(p: &McpProject) -> Vec<String> {
    p.start.as_ref().map(|s| s.argv.clone()).unwrap_or_default()
}

/// The command that starts the server inside the project environment, from its directory,
/// as a manual step: `devdoctor fix` must not block on a process that runs until stopped.
fn start_fix(ctx: &Context, p: &McpProject) -> Fix {
    let s = &ctx.settings;
    let cmds = crate::probes::mamba::toolchain(ctx).commands();
    let tool = cmds.program.clone();
    let Some(start) = &p.start else {
        // No conda environment to run it in: the project's own Python, not `run -n ENV`.
        let run = if crate::probes::env::env_name(ctx).is_none()
            && !crate::probes::env::sets_up_an_environment(ctx)
        {
            "start it with the Python the project uses".to_string()
        } else {
            format!(
                "run it with `{}`",
                crate::fix::quote_argv(&cmds.run_in("ENV", &["COMMAND".to_string()]))
            )
        };
        return Fix::new("Start the MCP server inside the project's environment.")
            .manual(format!(
                "devdoctor found no start command in the project: set `server_command` under [mcp] in devdoctor.toml, then {run}"
            ))
            .phase(Phase::Runtime);
    };
    let dir = if start.dir == s.project_dir {
        "the project directory".to_string()
    } else {
        s.display_path(&start.dir)
    };
    // `--cwd DIR`, so the command works from wherever it is pasted.
    let cwd: std::path::PathBuf = start
        .dir
        .components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    let mut program: Vec<String> = vec!["--cwd".into(), cwd.display().to_string()];
    program.extend(start.argv.iter().cloned());
    let (gate, why_gate) = gated(ctx, p);
    let activation = |env: &str| {
        format!(
            "`{tool} run` needs no activation; `{tool} activate {env}` followed by `{gate}{}` works only in a shell set up with `{tool} shell init`",
            crate::fix::quote_argv(&start.argv)
        )
    };
    // With no environment file yet, the environment env.file's step creates.
    let env = crate::probes::env::env_name(ctx).or_else(|| crate::probes::env::proposed_env(ctx));
    if let Some(fix) = compose_start_fix(p, env.is_some()) {
        return fix;
    }
    if env.is_none() && !crate::probes::env::sets_up_an_environment(ctx) {
        // No conda environment to run it in: the project's own Python (Poetry's, a venv's).
        return Fix::new(format!(
            "Start the MCP server ({}: the project's own code, review it first) from {dir}, with the Python the project uses: {} (it keeps running: use a second terminal or a service manager).{why_gate}",
            start.from,
            crate::probes::env::no_environment(ctx)
        ))
        .manual(format!(
            "cd {} && {gate}{}",
            crate::fix::quote(&cwd.display().to_string()),
            crate::fix::quote_argv(&start.argv)
        ))
        .phase(Phase::Runtime);
    }
    let Some(env) = env else {
        return Fix::new(format!(
            "Start the MCP server ({}: the project's own code, review it first) inside the project's environment, from {dir}.{why_gate} {}.",
            start.from,
            activation("ENV")
        ))
        .manual(format!(
            "name the environment (--env NAME, [env] name in devdoctor.toml, or `name:` in environment.yml), then run `{gate}{}`",
            crate::fix::quote_argv(&cmds.run_in("ENV", &program))
        ))
        .phase(Phase::Runtime);
    };
    let argv = if env.source == crate::probes::env::NameSource::Prefix {
        let mut v = vec![tool.clone(), "run".into(), "-p".into(), env.name.clone()];
        v.extend(program);
        v
    } else {
        cmds.run_in(&env.name, &program)
    };
    let mut fix = Fix::new(format!(
        "Start the MCP server ({}: the project's own code, review it first) inside the `{}` environment, from {dir} (it keeps running: use a second terminal or a service manager).{why_gate} {}.",
        start.from,
        env.name,
        activation(&env.name)
    ));
    if let Some(note) = sdk_missing_note(ctx, p, &env.name) {
        fix = fix.manual(note);
    }
    // A server never exits: printed for a person (or a service manager), never run by
    // `devdoctor fix`, which waits for each command it runs.
    fix.manual(format!("{gate}{}", crate::fix::quote_argv(&argv)))
        .phase(Phase::Runtime)
}

/// Where the environment file the server is started with lists no MCP SDK (neither `mcp` nor
/// `fastmcp`, in dependencies or `pip:`, and installs no local project that could bring one):
/// the server stops at its import there (TOSTRING-Z/transmagent's server keeps its own
/// pyproject.toml in biotools/mcp_server, beside a root environment.yml for something else).
fn sdk_missing_note(ctx: &Context, p: &McpProject, env: &str) -> Option<String> {
    // Only where the code itself serves MCP (an HTTP transport or the SDK's server API).
    if p.transport_at.is_none() && p.sdk1_import.is_none() && p.sdk2_import.is_none() {
        return None;
    }
    let pf = crate::probes::env::project_file(ctx);
    let file = pf.parsed()?;
    let sdks = ["mcp", "fastmcp"];
    let pip = file.pip.as_ref();
    let listed = sdks.iter().any(|n| file.dep(n).is_some())
        || pip.is_some_and(|p| p.names().iter().any(|(n, _)| sdks.contains(&n.as_str())));
    let local = pip.is_some_and(|p| {
        p.entries
            .iter()
            .any(|e| crate::probes::env::envfile::is_local_path_entry(&e.text))
    });
    (!listed && !local).then(|| format!(
        "first make sure `{env}` has the MCP SDK the server imports: {} lists neither `mcp` nor `fastmcp` (conda-forge has both); add the one the code imports under `dependencies:` and update the environment, or start the server in the environment its own project files describe",
        ctx.settings.display_path(&pf.path)
    ))
}

/// Where the code serves HTTP only when a variable is set (`if os.environ.get("PORT"):`), or
/// listens on the port devdoctor asks only with the variable its image sets: the assignments
/// to put before the start command (`PORT=8000 `) and sentences that say why. Empty for a
/// command the user configured, which says what it needs itself.
fn gated(ctx: &Context, p: &McpProject) -> (String, String) {
    if ctx.settings.server_command_explicit {
        return (String::new(), String::new());
    }
    let (mut prefix, mut why) = (String::new(), String::new());
    if let Some(g) = &p.http_gate {
        let url = url::Url::parse(&p.mcp_url).ok();
        let value = g.value.clone().unwrap_or_else(|| {
            if g.var.ends_with("PORT") {
                url.as_ref()
                    .and_then(url::Url::port_or_known_default)
                    .map_or("8000".into(), |n| n.to_string())
            } else if g.var.contains("TRANSPORT") {
                let sse = url.is_some_and(|u| u.path().ends_with("/sse"));
                (if sse { "sse" } else { "streamable-http" }).to_string()
            } else {
                "1".to_string()
            }
        });
        prefix = format!("{}={} ", g.var, crate::fix::quote(&value));
        why = format!(
            " Its code serves HTTP only when `{}` is set ({}): without it, a plain start speaks another transport, so the command sets it.",
            g.var, g.at
        );
    }
    if let Some((var, value, at)) = p
        .port_var
        .as_ref()
        .filter(|(var, ..)| p.http_gate.as_ref().is_none_or(|g| g.var != *var))
    {
        prefix.push_str(&format!("{var}={} ", crate::fix::quote(value)));
        why.push_str(&format!(
            " The image sets `{var}={value}` ({at}), the port devdoctor asks: run by hand, the server listens there only with it set, so the command sets it."
        ));
    }
    (prefix, why)
}

/// Starting the compose service that publishes the server's port, when that port is where the
/// address came from and the server run by hand would not answer there: no environment to run
/// it in, or the host port maps to another port in the container (`47131:8000`: run by hand,
/// the server listens on 8000). `docker compose up -d SERVICE`, with `-f FILE` for a file
/// compose does not read by default.
fn compose_start_fix(p: &McpProject, has_env: bool) -> Option<Fix> {
    let published = p.published.as_ref().filter(|_| p.from_published)?;
    if has_env && published.inside.is_none_or(|c| c == published.port) {
        return None;
    }
    let file = published.file.as_str();
    let mut argv: Vec<String> = vec!["docker".into(), "compose".into()];
    if !crate::probes::files::COMPOSE_NAMES.contains(&file) {
        argv.extend(["-f".to_string(), file.to_string()]);
    }
    argv.extend(["up", "-d", published.service.as_str()].map(String::from));
    Some(
        Fix::new(format!(
            "Start the compose service `{}` that publishes the MCP port ({}), from the project directory (it keeps running in the background; the project's own code, review it first).",
            published.service, published.at
        ))
        // A server never exits: printed for a person, never run by `devdoctor fix`.
        .manual(crate::fix::quote_argv(&argv))
        .phase(Phase::Runtime),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An HTTP server that the project gives no start command for, published as `published`.
    fn project_with(published: Option<mcp::Published>, from_published: bool) -> McpProject {
        McpProject {
            serves: Serves::Http,
            why: String::new(),
            mcp_url: String::new(),
            health_url: String::new(),
            address_from: String::new(),
            from_published,
            start: None,
            published,
            code_port: None,
            code_host: mcp::CodeHost::default(),
            transport_at: None,
            health_route: false,
            app_health: None,
            http_gate: None,
            server_var: None,
            image_start: None,
            names: Vec::new(),
            sdk1_import: None,
            sdk2_import: None,
            sdk_either: None,
            sdk1_lowlevel: false,
            sdk1_run_address: None,
            sdk1_run_http: false,
            unmanaged_mount: None,
            port_var: None,
            port_vars: Vec::new(),
        }
    }

    /// The move to Streamable HTTP keeps the form the code starts the server in: an awaited
    /// `run_sse_async()` (tandemai-inc/rdkit-mcp-server runs it in its own event loop, where
    /// `run(…)` fails) becomes `run_streamable_http_async()`, a mounted `sse_app()` the app of
    /// the new transport at the root.
    #[test]
    fn the_streamable_step_follows_how_the_code_starts_the_server() {
        let mut p = project_with(None, false);
        p.server_var = Some(("mcp".into(), "run_server.py".into()));
        p.transport_at = Some("`run_sse_async` at run_server.py:40".into());
        let step = streamable_step(&p);
        assert!(
            step.starts_with("in run_server.py: replace `await mcp.run_sse_async()` with `await mcp.run_streamable_http_async()`"),
            "{step}"
        );
        p.transport_at = Some("`sse_app` at app.py:12".into());
        assert!(streamable_step(&p).contains("mount `mcp.streamable_http_app()` at the root"));
        p.transport_at = Some("`transport=\"sse\"` at server.py:9".into());
        assert!(streamable_step(&p).contains("mcp.run(transport=\"streamable-http\")"));
    }

    /// With no start command and no conda environment, the step does not send the user to
    /// `micromamba run -n ENV`: there is no environment to name.
    #[test]
    fn no_start_command_and_no_environment() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n",
        )
        .unwrap();
        let ctx = || Context::offline_in(dir.path());
        let manual = start_fix(&ctx(), &project_with(None, false))
            .manual
            .join(" | ");
        assert!(
            manual.ends_with("then start it with the Python the project uses"),
            "{manual}"
        );
        std::fs::write(
            dir.path().join("environment.yml"),
            "name: x\ndependencies:\n  - python=3.12\n",
        )
        .unwrap();
        let manual = start_fix(&ctx(), &project_with(None, false))
            .manual
            .join(" | ");
        assert!(manual.contains("then run it with `"), "{manual}");
        assert!(manual.contains("run -n ENV COMMAND"), "{manual}");
    }

    #[test]
    fn a_server_published_on_another_port_is_started_with_compose() {
        // (port, inside, compose file, whether the address is that published port)
        let project = |port: u16, inside: u16, file: &str, from_published: bool| {
            project_with(
                Some(mcp::Published {
                    host_ip: None,
                    port,
                    raw: format!("{port}:{inside}"),
                    at: format!("{file}:4"),
                    file: file.into(),
                    inside: Some(inside),
                    service: "mcp".into(),
                }),
                from_published,
            )
        };
        let manual =
            |p: &McpProject, env: bool| compose_start_fix(p, env).map(|f| f.manual.join(" | "));
        let mapped = project(47131, 8000, "compose.yaml", true);
        assert_eq!(
            manual(&mapped, true).as_deref(),
            Some("docker compose up -d mcp")
        );
        // The same port inside and out: run by hand in the environment, it answers there too.
        let same = project(8001, 8001, "deploy/compose.mcp.yml", true);
        assert_eq!(manual(&same, true), None);
        // No environment to run it in: compose, with the file it is not in by default.
        assert_eq!(
            manual(&same, false).as_deref(),
            Some("docker compose -f deploy/compose.mcp.yml up -d mcp")
        );
        // The address came from elsewhere (the code's port): not compose's to start.
        let code = project(47131, 8000, "compose.yaml", false);
        assert_eq!(manual(&code, false), None);
    }

    #[test]
    fn server_lookalikes() {
        let owner = |cmd: &[&str]| sockets::Owner {
            pid: 1,
            name: "python".into(),
            cmdline: cmd.iter().map(|s| s.to_string()).collect(),
            cwd: None,
        };
        let cmd = vec!["python".to_string(), "main.py".to_string()];
        assert!(looks_like_server(
            &owner(&["/env/bin/python3.11", "/app/main.py"]),
            &cmd
        ));
        assert!(!looks_like_server(
            &owner(&["python3", "-m", "http.server", "8000"]),
            &cmd
        ));
        assert!(!looks_like_server(&owner(&["nginx: master process"]), &cmd));
        let uv = vec!["uvicorn".to_string(), "app:app".to_string()];
        assert!(looks_like_server(
            &owner(&["/usr/bin/uvicorn", "app:app", "--port", "8000"]),
            &uv
        ));
        assert!(!looks_like_server(
            &owner(&["python"]),
            &["python".to_string()]
        ));
    }

    #[test]
    fn latency_formatting() {
        assert_eq!(ms(Duration::from_micros(2345)), "2.3 ms");
        assert_eq!(ms(Duration::from_millis(123)), "123 ms");
        assert_eq!(ms_value(Duration::from_micros(2345)), 2.345);
    }
}
