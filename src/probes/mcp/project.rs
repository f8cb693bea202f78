//! Whether the project serves MCP over HTTP, at which address, and how it is started, decided
//! from what the project holds: devdoctor.toml, the environment file, pyproject.toml,
//! requirements files, its Python sources, compose files and Dockerfiles. All of it is read as
//! data (bounded), never run.

use crate::core::Context;
use crate::probes::{compose, dockerfile, env};
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod code;
mod image;
pub(crate) use code::Gate;
use code::{scan_code, Code};
use image::image_start;
pub(crate) use image::ImageStart;

/// Bytes of one Python file looked at; larger files are skipped.
pub(super) const MAX_SOURCE_BYTES: u64 = 256 * 1024;
/// Python files looked at (shallowest first).
const MAX_SOURCES: usize = 300;
/// The fallback address, for a project that clearly serves MCP over HTTP but names none.
const DEFAULT_AUTHORITY: &str = "127.0.0.1:8000";

/// What the project serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Serves {
    /// MCP over HTTP (Streamable HTTP or the older HTTP+SSE): the mcp checks apply.
    Http,
    /// An MCP server that speaks stdio: nothing to probe over HTTP.
    Stdio,
    /// No sign of an MCP server.
    Nothing,
}

/// The project's MCP server as its files describe it.
#[derive(Debug, Clone)]
pub(crate) struct McpProject {
    pub(crate) serves: Serves,
    /// The evidence in a few words ("mcp in environment.yml; transport=\"streamable-http\" at
    /// main.py:131").
    pub(crate) why: String,
    pub(crate) mcp_url: String,
    pub(crate) health_url: String,
    /// Where the address came from ("devdoctor.toml", "compose.yaml: ports 8080:8000", …).
    pub(crate) address_from: String,
    /// The address is the port compose publishes for the server.
    pub(crate) from_published: bool,
    /// How the server is started, when the project says.
    pub(crate) start: Option<Start>,
    /// The port a compose service publishes for the server, when one does.
    pub(crate) published: Option<Published>,
    /// The port the server's own code listens on (`uvicorn.run(…, port=3001)`), when it says.
    pub(crate) code_port: Option<u16>,
    /// How the server's code chooses the address it listens on.
    pub(crate) code_host: CodeHost,
    /// The HTTP transport in the code, as "marker at file:line".
    pub(crate) transport_at: Option<String>,
    /// The code declares a health route (`@mcp.custom_route("/health"`, `Route("/healthz"`).
    pub(crate) health_route: bool,
    /// The path of a health route any file of the project declares, a web app's that serves
    /// no MCP too (`@app.get("/health")`): what a suggested HEALTHCHECK may ask.
    pub(crate) app_health: Option<String>,
    /// The environment variable the code's HTTP start is gated on, when it is.
    pub(crate) http_gate: Option<Gate>,
    /// The variable that holds the server (`mcp`) and the file that creates it, when the code
    /// says.
    pub(crate) server_var: Option<(String, String)>,
    /// A Dockerfile whose image starts the server's script, when one does.
    pub(crate) image_start: Option<ImageStart>,
    /// Names this project's server may announce in `initialize` (normalized): the names in
    /// its code, its environment's name, its pyproject name and its folder's name.
    pub(crate) names: Vec<String>,
    /// Where the code first imports the official SDK's server API as SDK 1 has it
    /// (`mcp.server.fastmcp`) and as SDK 2 has it (`MCPServer`): "main.py:3".
    pub(crate) sdk1_import: Option<String>,
    pub(crate) sdk2_import: Option<String>,
    /// The first file that imports both APIs (a fallback), when one does.
    pub(crate) sdk_either: Option<String>,
    /// [`McpProject::sdk1_import`] is the low-level server's decorators, not FastMCP.
    pub(crate) sdk1_lowlevel: bool,
    /// Where SDK 1's FastMCP is run with a host or port, which its `run()` does not take.
    pub(crate) sdk1_run_address: Option<String>,
    /// That run names the transport `"http"` (the standalone fastmcp's), which SDK 1 calls
    /// `"streamable-http"`.
    pub(crate) sdk1_run_http: bool,
    /// Where the code mounts `X.streamable_http_app()` in an app that sets no lifespan, and
    /// `X` (see `code::unmanaged_mount`).
    pub(crate) unmanaged_mount: Option<(String, String)>,
    /// Where the address is the port a Dockerfile EXPOSEs and the same image sets it in a
    /// variable the code reads (`ENV GIS_MCP_PORT=9010`): the variable, its value and where
    /// ("Dockerfile:57"). Run by hand, the server listens there only with it set.
    pub(crate) port_var: Option<(String, String, String)>,
    /// Environment variables ending in `PORT` that the code reads (`MCP_PORT`): how it is
    /// started on another port.
    pub(crate) port_vars: Vec<String>,
}

impl McpProject {
    /// Whether a server that announces `server_name` is this project's, by name.
    pub(crate) fn is_own(&self, server_name: &str) -> bool {
        let n = normalize(server_name);
        !n.is_empty()
            && self
                .names
                .iter()
                .any(|own| n == *own || n.contains(own.as_str()))
    }
}

/// Lower case, without `-`, `_`, `.` and spaces: "MCP Finance_Backend" → "mcpfinancebackend".
fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How the server's code chooses the address it listens on.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeHost {
    /// A literal host in a file that configures the server (`host="0.0.0.0"`).
    pub(crate) literal: Option<String>,
    /// Where the host is chosen in a way not read here ("main.py:43"): from a variable, a
    /// `--host` option or the environment, or a literal in a file that does not configure the
    /// server (a `cli.py` handing the app to `uvicorn.run`).
    pub(crate) from: Option<String>,
    /// The `…HOST` environment variables the code reads (`MCP_HOST`), each with the default
    /// its read gives (`os.getenv("MCP_HOST", "0.0.0.0")`).
    pub(crate) vars: Vec<(String, Option<String>)>,
    /// The literal default of the server's `--host` option, and where it is.
    pub(crate) option: Option<(String, String)>,
}

/// A start command and the folder it runs from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Start {
    pub(crate) argv: Vec<String>,
    pub(crate) dir: PathBuf,
    /// Where it came from ("[mcp] server_command", "Dockerfile CMD", "main.py").
    pub(crate) from: String,
}

fn shown(ctx: &Context, p: &Path) -> String {
    p.strip_prefix(&ctx.settings.project_dir)
        .unwrap_or(p)
        .display()
        .to_string()
}

/// Whether a distribution name is an MCP server SDK.
fn is_mcp_package(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "-");
    n == "mcp" || n == "fastmcp" || n.starts_with("mcp[") || n.starts_with("mcp-server")
}

/// Whether a distribution name is an MCP SDK (not a server built on one).
fn is_sdk(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().replace('_', "-").as_str(),
        "mcp" | "fastmcp"
    )
}

/// "mcp in environment.yml", from the environment file, pyproject.toml or requirements.
fn dependency(ctx: &Context) -> Option<String> {
    let file = env::project_file(ctx);
    if let Some(parsed) = file.parsed() {
        let conda = parsed.dependencies.iter().filter_map(|d| d.name());
        let pip = parsed.pip.iter().flat_map(|p| p.names()).map(|(n, _)| n);
        let names: Vec<String> = conda.map(str::to_string).chain(pip).collect();
        if let Some(n) = names.iter().find(|n| is_mcp_package(n)) {
            return Some(format!("{n} in {}", shown(ctx, &parsed.path)));
        }
    }
    let root = &ctx.settings.project_dir;
    for name in ["pyproject.toml", "requirements.txt", "requirements.in"] {
        let p = root.join(name);
        if std::fs::metadata(&p).map_or(true, |m| !m.is_file() || m.len() > MAX_SOURCE_BYTES) {
            continue;
        }
        let text = crate::disk::read_capped_utf8(&p, MAX_SOURCE_BYTES, "a source file")
            .unwrap_or_default();
        if let Some(n) = requirement_names(name, &text)
            .into_iter()
            .find(|n| is_mcp_package(n))
        {
            return Some(format!("{n} in {name}"));
        }
    }
    None
}

/// Requirement names in pyproject.toml (`[project] dependencies`, Poetry's table) or a
/// requirements file.
fn requirement_names(file: &str, text: &str) -> Vec<String> {
    if file != "pyproject.toml" {
        return text
            .lines()
            .filter_map(env::envfile::requirement_name)
            .collect();
    }
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    super::requirement::pyproject_dependencies(&doc)
        .into_iter()
        .map(|(name, _, _)| name)
        .collect()
}

/// A port compose publishes for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Published {
    /// The host address it is published on (`None`: every interface).
    pub(crate) host_ip: Option<String>,
    pub(crate) port: u16,
    /// As written (`8000:8000`).
    pub(crate) raw: String,
    /// "compose.yaml:12".
    pub(crate) at: String,
    /// The compose file, as shown ("compose.yaml").
    pub(crate) file: String,
    /// The port it maps to inside the container (`47131:8000` → 8000), when written plainly.
    pub(crate) inside: Option<u16>,
    pub(crate) service: String,
}

fn published_port(ctx: &Context) -> Option<Published> {
    let facts = compose::compose(ctx);
    let services = facts.services.iter();
    let mut ordered: Vec<&compose::ComposeService> = services
        .clone()
        .filter(|s| s.name.to_lowercase().contains("mcp"))
        .collect();
    ordered.extend(services.clone().filter(|s| s.builds));
    ordered.extend(services);
    ordered.into_iter().find_map(|s| {
        let port = s.ports.iter().find(|p| p.host.is_some())?;
        let (file, line) = s.locate(port.line);
        let inside = port
            .raw
            .rsplit(':')
            .next()
            .and_then(|c| c.split('/').next())
            .and_then(|c| c.trim().parse().ok());
        Some(Published {
            host_ip: port.host_ip.clone(),
            port: u16::try_from(port.host?.0).ok()?,
            raw: port.raw.clone(),
            at: format!("{file}:{line}"),
            file: file.to_string(),
            inside,
            service: s.name.clone(),
        })
    })
}

/// The final stage's first `EXPOSE`d port: ("8000", "Dockerfile:21").
fn exposed_port(ctx: &Context) -> Option<(u16, String)> {
    let facts = dockerfile::dockerfiles(ctx);
    facts.files.iter().find_map(|df| {
        df.exposed_port()
            .map(|(port, line)| (port, format!("{}:{line}", df.display)))
    })
}

/// The variable of the code's (`GIS_MCP_PORT`) that the Dockerfile whose EXPOSE gives the
/// address sets to that same port, with its value and "Dockerfile:57".
fn exposed_port_var(ctx: &Context, code: &Code) -> Option<(String, String, String)> {
    let facts = dockerfile::dockerfiles(ctx);
    let df = facts.files.iter().find(|df| df.exposed_port().is_some())?;
    let (port, _) = df.exposed_port()?;
    df.final_env().into_iter().find_map(|(name, value, line)| {
        (code.port_vars.contains(&name) && value.trim().parse::<u16>().ok() == Some(port)).then(
            || {
                (
                    name,
                    value.trim().to_string(),
                    format!("{}:{line}", df.display),
                )
            },
        )
    })
}

/// A command to show in "runs inside the environment" hints: the server's start command, or
/// `python --version` when the project names none (never a file that does not exist).
pub(crate) fn example_command(ctx: &Context) -> Vec<String> {
    project(ctx)
        .start
        .as_ref()
        .map(|s| s.argv.clone())
        .unwrap_or_else(|| vec!["python".into(), "--version".into()])
}

/// The project's MCP server, decided once per run.
pub(crate) fn project(ctx: &Context) -> Arc<McpProject> {
    ctx.probe(decide)
}

fn decide(ctx: &Context) -> McpProject {
    let code = scan_code(ctx);
    let published = published_port(ctx);
    let exposed = exposed_port(ctx);
    let set_transport = code
        .default_transport
        .as_ref()
        .filter(|(t, _)| t == "stdio")
        .and(code.transport_var.as_deref())
        .and_then(|var| {
            transport_set_at_start(ctx, var).map(|(value, at)| (var.to_string(), value, at))
        });
    let (serves, why) = applicability(
        ctx,
        &code,
        published.is_some() || exposed.is_some(),
        set_transport.as_ref(),
    );
    let (mcp_url, health_url, address_from, from_published) =
        address(ctx, &code, published.as_ref(), exposed);
    let start = start_command(ctx, &code);
    let names = own_names(ctx, &code);
    let port_var = address_from
        .starts_with("EXPOSE at ")
        .then(|| exposed_port_var(ctx, &code))
        .flatten();
    McpProject {
        serves,
        why,
        mcp_url,
        health_url,
        address_from,
        from_published,
        start,
        published,
        code_port: code.port.as_ref().map(|(port, _)| *port),
        code_host: CodeHost {
            literal: code.host.clone(),
            from: code.host_from.clone(),
            vars: code.host_vars.clone(),
            option: code.host_option.clone(),
        },
        transport_at: code.http.as_ref().map(|(m, at)| format!("`{m}` at {at}")),
        health_route: code.health.is_some(),
        app_health: code.app_health.clone(),
        // Run by hand, the server speaks HTTP only with the variable its image sets.
        http_gate: code.http_gate.clone().or_else(|| {
            let (var, value, _) = set_transport?;
            let at = code.default_transport.as_ref()?.1.clone();
            Some(Gate {
                var,
                value: Some(value),
                at,
            })
        }),
        server_var: code.server_var.clone(),
        image_start: image_start(ctx, &code),
        names,
        sdk1_import: code.sdk1.clone(),
        sdk2_import: code.sdk2.clone(),
        sdk_either: code.sdk_either.clone(),
        sdk1_lowlevel: code.sdk1_lowlevel,
        sdk1_run_address: code.sdk1_run_address.clone(),
        sdk1_run_http: code.sdk1_run_http,
        unmanaged_mount: code.unmanaged_mount.clone(),
        port_var,
        port_vars: code.port_vars.clone(),
    }
}

/// The names this project's server may go by, normalized (see [`McpProject::is_own`]).
fn own_names(ctx: &Context, code: &Code) -> Vec<String> {
    let s = &ctx.settings;
    let mut names: Vec<String> = code.names.clone();
    if let Some(env) = env::env_name(ctx) {
        names.push(env.name);
    }
    let dir = ctx.project_real().unwrap_or(&s.project_dir);
    if let Some(base) = dir.file_name() {
        names.push(base.to_string_lossy().into_owned());
    }
    names.extend(env::distribution_name(ctx));
    let mut out: Vec<String> = names
        .iter()
        .map(|n| normalize(n))
        .filter(|n| n.len() >= 3)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// An HTTP transport a Dockerfile gives fastmcp's CLI (`fastmcp run server.py --transport
/// streamable-http --port 8000`, also `python -m fastmcp run` and `uv run fastmcp run`), and
/// where ("Dockerfile:12").
fn cli_transport(ctx: &Context) -> Option<(String, String)> {
    dockerfile::dockerfiles(ctx).files.iter().find_map(|df| {
        let words = df.start_words();
        let cli = image::fastmcp_cli_at(&words)?;
        let rest = &words[cli + 2..];
        let transport = rest.iter().enumerate().find_map(|(i, w)| {
            w.strip_prefix("--transport=")
                .map(str::to_string)
                .or_else(|| {
                    matches!(w.as_str(), "--transport" | "-t").then(|| rest.get(i + 1).cloned())?
                })
        })?;
        let http = matches!(transport.as_str(), "http" | "streamable-http" | "sse");
        let line = image::start_line(df)?;
        http.then(|| (transport, format!("{}:{line}", df.display)))
    })
}

/// `set_transport`: the variable the code reads its stdio-by-default transport from, the HTTP
/// value an image or compose service gives it, and where.
fn applicability(
    ctx: &Context,
    code: &Code,
    publishes: bool,
    set_transport: Option<&(String, String, String)>,
) -> (Serves, String) {
    if let Some(declared) = &ctx.settings.mcp_declared {
        return (Serves::Http, declared.clone());
    }
    // The SDK's own repository holds servers of every transport in its examples, tests and
    // scripts: it is a library, and serves nothing itself.
    if let Some(sdk) = env::distribution_name(ctx).filter(|n| is_sdk(n)) {
        return (
            Serves::Nothing,
            format!("the project is the {sdk} SDK itself, a library: it serves nothing of its own"),
        );
    }
    let uses = dependency(ctx).or_else(|| {
        code.import
            .as_ref()
            .map(|at| format!("an mcp import at {at}"))
    });
    let Some(uses) = uses else {
        return (
            Serves::Nothing,
            "no mcp or fastmcp dependency or import, no [mcp] table in devdoctor.toml, no --mcp-url"
                .to_string(),
        );
    };
    if let Some((transport, at)) = &code.default_transport {
        // The image or compose service sets the variable the transport is read from.
        if let Some((var, value, set_at)) = set_transport {
            return (
                Serves::Http,
                format!("{uses}; its transport defaults to stdio at {at}, and {set_at} sets {var}={value}"),
            );
        }
        if transport == "stdio" && !publishes {
            return (
                Serves::Stdio,
                format!("{uses}; its transport option defaults to stdio at {at} (HTTP only when asked for)"),
            );
        }
        if transport != "stdio" {
            return (
                Serves::Http,
                format!("{uses}; its transport defaults to {transport} at {at}"),
            );
        }
    }
    if let Some((marker, at)) = &code.http {
        return (Serves::Http, format!("{uses}; {marker} at {at}"));
    }
    // The image serves the server with fastmcp's CLI, which imports the server object and
    // runs it itself: the `__main__` block's stdio never runs there.
    if let Some((transport, at)) = cli_transport(ctx) {
        return (
            Serves::Http,
            format!("{uses}; `fastmcp run … --transport {transport}` at {at}"),
        );
    }
    if let Some(at) = &code.stdio {
        return (Serves::Stdio, format!("{uses}; stdio transport at {at}"));
    }
    // A project that connects to MCP servers (an agent, a web app with an MCP client) and
    // starts none: its published port is its own web app's.
    if let (Some(client), false) = (&code.client, code.server) {
        return (
            Serves::Nothing,
            format!("{uses}, but its code uses MCP as a client ({client}) and starts no server"),
        );
    }
    if publishes {
        return (
            Serves::Http,
            format!("{uses}; a port is published or exposed for it"),
        );
    }
    (
        Serves::Stdio,
        format!("{uses}, but no HTTP transport in its code (the SDKs default to stdio)"),
    )
}

/// Where a compose service's `environment:` or a project Dockerfile's ENV sets `var` to an
/// HTTP transport (gis-mcp's images set `GIS_MCP_TRANSPORT=http` over the code's stdio
/// default): the value and "Dockerfile:55".
fn transport_set_at_start(ctx: &Context, var: &str) -> Option<(String, String)> {
    let http = |v: &str| {
        let v = v
            .trim_matches(|c| c == '"' || c == '\'')
            .to_ascii_lowercase();
        matches!(
            v.as_str(),
            "http" | "streamable-http" | "streamable_http" | "sse"
        )
        .then_some(v)
    };
    let composed = crate::probes::compose::compose(ctx);
    for s in &composed.services {
        if let Some(e) = s.environment.iter().find(|e| e.name == var) {
            if let Some(v) = e.value.as_deref().and_then(http) {
                return Some((v, format!("{}:{}", s.display, e.line)));
            }
        }
    }
    let facts = crate::probes::dockerfile::dockerfiles(ctx);
    facts.files.iter().find_map(|df| {
        df.instructions
            .iter()
            .filter(|i| i.keyword == "ENV")
            .find_map(|i| {
                crate::probes::dockerfile::key_values("ENV", &i.args, df.escape)
                    .into_iter()
                    .find(|(k, _)| k == var)
                    .and_then(|(_, v)| http(v.as_deref()?))
                    .map(|v| (v, format!("{}:{}", df.display, i.line)))
            })
    })
}

/// The MCP and health URLs: flags and config first, then compose's published port, the code's
/// literals, the Dockerfile's EXPOSE, and only then the default.
fn address(
    ctx: &Context,
    code: &Code,
    published: Option<&Published>,
    exposed: Option<(u16, String)>,
) -> (String, String, String, bool) {
    let s = &ctx.settings;
    // A transport that defaults to SSE (`--transport` with `default="sse"`) is served at /sse
    // whatever other transport the code can also speak.
    let sse = match &code.default_transport {
        Some((t, _)) if t != "stdio" => t == "sse",
        _ => code.sse,
    };
    let path = code
        .path
        .clone()
        .unwrap_or_else(|| if sse { "/sse" } else { "/mcp" }.to_string());
    let health = code.health.as_deref().unwrap_or("/health");
    let local = |h: Option<&str>| match h {
        Some(h) if !h.is_empty() && !every_interface(h) => {
            if h.contains(':') && !h.starts_with('[') {
                format!("[{h}]")
            } else {
                h.to_string()
            }
        }
        _ => "127.0.0.1".to_string(),
    };
    let explicit = s.mcp_url_explicit || s.health_url_explicit;
    let from_published = !explicit && published.is_some();
    let (authority, from) = if explicit {
        (String::new(), "the flags or devdoctor.toml".to_string())
    } else if let Some(p) = published {
        (
            format!("{}:{}", local(p.host_ip.as_deref()), p.port),
            format!("published at {}", p.at),
        )
    } else if let Some((port, at)) = &code.port {
        (
            format!("{}:{port}", local(code.host.as_deref())),
            format!("port {port} at {at}"),
        )
    } else if let Some((port, at)) = exposed {
        (format!("127.0.0.1:{port}"), format!("EXPOSE at {at}"))
    } else {
        (
            DEFAULT_AUTHORITY.to_string(),
            "the default (the project names no port)".into(),
        )
    };
    let derive = |url: &str, p: &str| {
        url::Url::parse(url)
            .ok()
            .and_then(|u| Some(format!("{}://{}{p}", u.scheme(), authority_of(&u)?)))
    };
    let (mcp_url, health_url) = match (s.mcp_url_explicit, s.health_url_explicit) {
        (true, true) => (s.mcp_url.clone(), s.health_url.clone()),
        (true, false) => {
            let h = derive(&s.mcp_url, health).unwrap_or_else(|| s.health_url.clone());
            (s.mcp_url.clone(), h)
        }
        (false, true) => {
            let m = derive(&s.health_url, &path).unwrap_or_else(|| s.mcp_url.clone());
            (m, s.health_url.clone())
        }
        (false, false) => (
            format!("http://{authority}{path}"),
            format!("http://{authority}{health}"),
        ),
    };
    (mcp_url, health_url, from, from_published)
}

fn authority_of(u: &url::Url) -> Option<String> {
    let host = match u.host()? {
        url::Host::Ipv6(a) => format!("[{a}]"),
        h => h.to_string(),
    };
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// `gateway.server` for the project's gateway/server.py where it imports what only the root
/// holds (see `pyscript::imports_from_root`), and every part of its path is a Python name.
fn as_module(ctx: &Context, script: &Path) -> Option<String> {
    if !crate::probes::pyscript::imports_from_root(ctx, script) {
        return None;
    }
    let rel = script
        .strip_prefix(&ctx.settings.project_dir)
        .ok()?
        .with_extension("");
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    let name = |p: &&str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    parts.iter().all(name).then(|| parts.join("."))
}

/// The server's start command: `[mcp] server_command`, the Dockerfile's CMD when it names a
/// file of the project, a script with `if __name__ == "__main__"`, or `main.py` when it exists.
fn start_command(ctx: &Context, code: &Code) -> Option<Start> {
    let s = &ctx.settings;
    if s.server_command_explicit {
        return Some(Start {
            argv: s.server_command.clone(),
            dir: s.server_dir.clone(),
            from: "[mcp] server_command".into(),
        });
    }
    if let Some(start) = dockerfile_cmd(ctx) {
        return Some(start);
    }
    let script = code
        .main
        .clone()
        .or_else(|| Some(s.project_dir.join("main.py")).filter(|p| p.is_file()))?;
    let mut argv = vec!["python".into(), shown(ctx, &script)];
    // A script in a subfolder that imports the root's modules runs as a module from the
    // root, which puts the root on `sys.path` (denis-kornilov/mcp-rag's gateway).
    if let Some(module) = as_module(ctx, &script) {
        argv = vec!["python".into(), "-m".into(), module];
    }
    // The flag the script serves HTTP with (`--http`); without it, it speaks stdio.
    if code.main_http {
        argv.extend(code.http_flag.clone());
    }
    Some(Start {
        argv,
        dir: s.project_dir.clone(),
        from: shown(ctx, &script),
    })
}

/// `CMD ["python", "main.py"]` (exec form) when its script is a file of the project, or
/// `ENTRYPOINT ["python", "-m", "pkg"]` with the CMD's words as its arguments. An address
/// the container listens on everywhere (`--host=0.0.0.0`) becomes loopback: run by hand,
/// the server is for this machine, and devdoctor asks it there.
fn dockerfile_cmd(ctx: &Context) -> Option<Start> {
    let facts = dockerfile::dockerfiles(ctx);
    facts.files.iter().find_map(|df| {
        let stage = df.final_stage()?;
        let body = stage.body(df);
        let last = |keyword: &str| body.iter().rev().find(|i| i.keyword == keyword);
        let cmd = last("CMD").and_then(|i| i.exec.clone());
        let entry = last("ENTRYPOINT").and_then(|i| i.exec.clone()).filter(|e| {
            e.iter().any(|w| {
                w.rsplit('/')
                    .next()
                    .is_some_and(|p| p.starts_with("python"))
            })
        });
        let (mut argv, keyword) = match entry {
            Some(mut e) => {
                e.extend(cmd.unwrap_or_default());
                (e, "ENTRYPOINT")
            }
            None => (cmd?, "CMD"),
        };
        // `micromamba run -n ENV python main.py` inside the image: the command is the rest.
        // So it is for `uv run python -m pkg` (davidf9999/gx-mcp-server), whose environment
        // is uv's; the command is what the server needs.
        if let Some(i) = argv.iter().position(|a| a == "run") {
            if argv[..i].iter().any(|a| {
                a.ends_with("mamba") || a.ends_with("conda") || a.rsplit('/').next() == Some("uv")
            }) {
                let rest: Vec<String> = argv[i + 1..].to_vec();
                let skip = skip_run_options(&rest);
                argv = rest[skip..].to_vec();
            }
        }
        let program = argv.first()?.rsplit('/').next()?.to_string();
        if !program.starts_with("python") {
            return None;
        }
        let dir = df.path.parent()?.to_path_buf();
        let script = argv.get(1)?;
        let exists = script == "-m" || dir.join(script).is_file();
        exists.then(|| {
            argv[0] = "python".into();
            loopback_host(&mut argv);
            Start {
                argv,
                dir,
                from: format!("{} {keyword}", df.display),
            }
        })
    })
}

/// Whether a host a server listens on is every interface: `0.0.0.0`, `::` (also written `[::]`
/// in a URL) or another spelling of an unspecified address.
pub(crate) fn every_interface(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_unspecified())
}

/// `--host=0.0.0.0` / `--host ::` (every interface, which a container needs) → 127.0.0.1.
fn loopback_host(argv: &mut [String]) {
    for i in 0..argv.len() {
        if argv[i].strip_prefix("--host=").is_some_and(every_interface) {
            argv[i] = "--host=127.0.0.1".into();
        } else if argv[i] == "--host" && argv.get(i + 1).is_some_and(|h| every_interface(h)) {
            argv[i + 1] = "127.0.0.1".into();
        }
    }
}

/// How many leading `-n ENV` / `-p PREFIX` / `--flag` words a `micromamba run` takes.
fn skip_run_options(rest: &[String]) -> usize {
    let mut i = 0;
    while i < rest.len() && rest[i].starts_with('-') {
        let takes_value = matches!(
            rest[i].as_str(),
            "-n" | "--name"
                | "-p"
                | "--prefix"
                | "--cwd"
                | "--with"
                | "--python"
                | "--project"
                | "--directory"
                | "--env-file"
                | "--extra"
                | "--group"
        );
        i += if takes_value { 2 } else { 1 };
    }
    i.min(rest.len())
}

#[cfg(test)]
mod tests;
