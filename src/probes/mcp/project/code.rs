//! What the project's Python sources say about MCP: imports, transports, address literals,
//! server names and a start script. Each file is read as text and judged by patterns, never
//! run. What one file says ([`FileFacts`]) depends only on its text, so it is kept in the
//! cache folder keyed by the text's SHA-256: a warm run reads the files but does not compile
//! the patterns, and a changed file is judged anew however quickly it changed.

use super::{shown, MAX_SOURCES, MAX_SOURCE_BYTES};
use crate::core::Context;
use crate::probes::{cache, files};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The map of per-file facts in the cache folder. The version is part of each key: another
/// devdoctor may read a text differently.
const MAP: &str = "mcp-code.json";

/// The revision of [`file_facts`]' reading, also part of each key: raised whenever the same
/// text would now be read differently, so that a build between two versions does not keep
/// facts an older reading cached. 2: comments are not evidence; 3: a bare `.run()` counts
/// as stdio only on the server variable; 4: the low-level SDK's `SseServerTransport(` and
/// `StreamableHTTPSessionManager(` are HTTP transports; 5: `run_sse_async()` and
/// `run_streamable_http_async()`, a `--port` option's default and the health route; 8: the
/// `path=` of a run or mount call; 9: a host set from a variable, an option or the
/// environment; 10: the environment variable an HTTP start is gated on; 11: a script that
/// starts the server at module level (`uvicorn.run(app, …)` unindented, no `__main__` guard);
/// 12: the literal default of a `--host` option; 13: the SDK major its imports need; 14: a
/// streamable HTTP app mounted without the session manager's lifespan; 15: the `…PORT`
/// variables it reads; 16: the low-level server's decorators of SDK 1; 17: a method named
/// like an HTTP app is no HTTP start; 18: an import's line, not the blank line before it;
/// 19: the path an app mounted under a prefix sets for itself; 20: SDK 1's `run()` given a
/// host or port; 21: the argparse flag an HTTP start is gated on, and low-level decorators
/// on an attribute; 22: a read whose default is the compared value is no gate; 23: SDK 1's
/// `run()` given fastmcp's transport name `"http"`.
const READING: u32 = 23;

/// What the Python sources say, the first file of each marker winning.
#[derive(Debug, Default)]
pub(super) struct Code {
    /// An import of `mcp` or `fastmcp` ("main.py:3").
    pub(super) import: Option<String>,
    /// The first import of the official SDK's server API as its major version 1 has it
    /// (`from mcp.server.fastmcp import FastMCP`), and as 2 has it (`MCPServer`): "main.py:3".
    pub(super) sdk1: Option<String>,
    pub(super) sdk2: Option<String>,
    /// [`Code::sdk1`] is the low-level server's decorators (`@server.list_tools()`), not
    /// FastMCP.
    pub(super) sdk1_lowlevel: bool,
    /// The first file that imports both (a `try:` that falls back from one to the other).
    pub(super) sdk_either: Option<String>,
    /// Where SDK 1's FastMCP is run with a host or port (`mcp.run(transport=…, host=…)`),
    /// which its `run()` does not take.
    pub(super) sdk1_run_address: Option<String>,
    /// That run names the standalone fastmcp's transport `"http"`, SDK 1's `"streamable-http"`.
    pub(super) sdk1_run_http: bool,
    /// Where `X.streamable_http_app()` is mounted in an app with no lifespan, and `X`.
    pub(super) unmanaged_mount: Option<(String, String)>,
    /// Environment variables ending in `PORT` that the code reads (`GIS_MCP_PORT`).
    pub(super) port_vars: Vec<String>,
    /// An HTTP transport (the marker and "file:line").
    pub(super) http: Option<(String, String)>,
    /// The environment variable that HTTP start is gated on, in the same file.
    pub(super) http_gate: Option<Gate>,
    /// The flag that HTTP start is gated on (`--http`), in the same file.
    pub(super) http_flag: Option<String>,
    /// The variable that holds the server (`mcp = FastMCP(…)`) and the file that creates it:
    /// the file of the HTTP transport, else the first file that creates one.
    pub(super) server_var: Option<(String, String)>,
    pub(super) sse: bool,
    pub(super) stdio: Option<String>,
    /// The default of a transport option or variable (`--transport` with `default="stdio"`,
    /// `os.environ.get("MCP_TRANSPORT", "stdio")`): the transport and "file:line". Where the
    /// code can speak both, this says what a plain start speaks.
    pub(super) default_transport: Option<(String, String)>,
    /// The environment variable the transport is read from (`MCP_TRANSPORT`), where the
    /// code reads it with a default.
    pub(super) transport_var: Option<String>,
    pub(super) port: Option<(u16, String)>,
    pub(super) host: Option<String>,
    /// Where a file sets a host from a variable, an option or the environment, or a file that
    /// does not configure the server names one ("main.py:43"): the address is chosen there.
    pub(super) host_from: Option<String>,
    /// Environment variables ending in `HOST` that the code reads (`MCP_HOST`), each with the
    /// default its read gives.
    pub(super) host_vars: Vec<(String, Option<String>)>,
    /// The literal default of the server's `--host` option and where it is ("__main__.py:54").
    pub(super) host_option: Option<(String, String)>,
    pub(super) path: Option<String>,
    /// The path of a health route the code declares (`@mcp.custom_route("/health"`,
    /// `Route("/healthz"`, `@app.get("/api/health")`).
    pub(super) health: Option<String>,
    /// The path of a health route any file declares, a web app's that serves no MCP too
    /// (`@app.get("/health")` of a FastAPI app).
    pub(super) app_health: Option<String>,
    /// A script that starts the server (`if __name__ == "__main__"` and a `.run(` call): the
    /// first that starts it over HTTP, else the first.
    pub(super) main: Option<PathBuf>,
    /// [`Code::main`] starts the server over HTTP.
    pub(super) main_http: bool,
    /// Server names given in the code (`FastMCP("name")`, `NAME = "name"`).
    pub(super) names: Vec<String>,
    /// Some file configures or runs a server (see [`FileFacts::configures`]).
    pub(super) server: bool,
    /// Where the code uses MCP as a client ("api.py:36: BasicMCPClient"): a project that only
    /// connects to servers serves none.
    pub(super) client: Option<String>,
}

/// What one file says, with 1-based line numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct FileFacts {
    pub(super) import: Option<usize>,
    /// The line of an import of SDK 1's `mcp.server.fastmcp`, and of SDK 2's `MCPServer`.
    #[serde(default)]
    pub(super) sdk1: Option<usize>,
    #[serde(default)]
    pub(super) sdk2: Option<usize>,
    /// The SDK 1 line is a low-level decorator (`@server.list_tools()`), not FastMCP.
    #[serde(default)]
    pub(super) sdk1_lowlevel: bool,
    /// The line of a `.run(` with `host=` or `port=` in a file that imports SDK 1's FastMCP
    /// and not SDK 2's API.
    #[serde(default)]
    pub(super) sdk1_run_address: Option<usize>,
    /// That `.run(` says `transport="http"`.
    #[serde(default)]
    pub(super) sdk1_run_http: bool,
    /// The line where `X.streamable_http_app()` is mounted in an app and the file sets no
    /// lifespan (nothing enters `X.session_manager.run()`), and `X`.
    #[serde(default)]
    pub(super) unmanaged_mount: Option<(usize, String)>,
    /// Environment variables ending in `PORT` that the file reads, the first four.
    #[serde(default)]
    pub(super) port_vars: Vec<String>,
    /// The HTTP marker, its line and whether it names SSE.
    pub(super) http: Option<(String, usize, bool)>,
    /// The environment variable the HTTP start is gated on, with the `if` line as `at`.
    #[serde(default)]
    pub(super) http_gate: Option<Gate>,
    /// The command-line flag the HTTP start is gated on (`--http`, an argparse `store_true`
    /// option tested by `if args.http:`).
    #[serde(default)]
    pub(super) http_flag: Option<String>,
    /// The variable that holds the server (`mcp = FastMCP(…)`).
    #[serde(default)]
    pub(super) server_var: Option<String>,
    pub(super) stdio: Option<usize>,
    pub(super) default_transport: Option<(String, usize)>,
    pub(super) transport_var: Option<String>,
    /// The file configures or runs a server (`FastMCP(`, `MCPServer(` or an HTTP marker):
    /// only then do its address literals count.
    pub(super) configures: bool,
    pub(super) port: Option<(u16, usize)>,
    pub(super) host: Option<String>,
    /// The line of a host set from a variable, an option or the environment (in a file that
    /// does not configure the server, a literal host too).
    #[serde(default)]
    pub(super) host_from: Option<usize>,
    /// Environment variables ending in `HOST` that the file reads, each with the default the
    /// read gives (`os.getenv("MCP_HOST", "0.0.0.0")`).
    #[serde(default)]
    pub(super) host_vars: Vec<(String, Option<String>)>,
    /// The literal default of the server's `--host` option
    /// (`add_argument("--host", default="localhost")`) and its line.
    #[serde(default)]
    pub(super) host_option: Option<(String, usize)>,
    pub(super) path: Option<String>,
    #[serde(default)]
    pub(super) health: Option<String>,
    /// Names in `FastMCP("…")`/`NAME = "…"`, the first four.
    pub(super) names: Vec<String>,
    /// `if __name__ == "__main__"` and a `.run(` call, or a `.run(` at module level.
    pub(super) main: bool,
    /// An MCP client in use: its name and line.
    #[serde(default)]
    pub(super) client: Option<(String, usize)>,
}

/// An HTTP start that runs only when an environment variable is set (`if
/// os.environ.get("PORT"):` around `mcp.run(transport="streamable-http")`, with a stdio
/// `mcp.run()` in the `else:`): a plain start speaks something else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Gate {
    pub(crate) var: String,
    /// The value the condition compares the variable with (`== "http"`), when it does.
    pub(crate) value: Option<String>,
    /// Where the condition is: "file:line" (a line number alone in [`FileFacts`]).
    pub(crate) at: String,
}

/// An environment variable read by name: `os.getenv("PORT"`, `os.environ.get("PORT"`,
/// `os.environ["PORT"]`, `"PORT" in os.environ`.
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:getenv|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']|environ\[\s*["']([A-Z][A-Z0-9_]*)["']|["']([A-Z][A-Z0-9_]*)["']\s+in\s+os\.environ"#).unwrap()
});
/// `== "value"` in a condition.
static COMPARED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"==\s*["']([\w.\-]+)["']"#).unwrap());

static IMPORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^[ \t]*(?:from|import)[ \t]+(?:mcp|fastmcp)\b").unwrap());
/// SDK 1's high-level server: `mcp.server.fastmcp`, gone in mcp 2 (renamed `MCPServer`).
static SDK1: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:(?:from|import)[ \t]+mcp\.server\.fastmcp\b|from[ \t]+mcp\.server[ \t]+import[ \t]+[^\n]*\bFastMCP\b)").unwrap()
});
/// SDK 2's: `mcp.server.mcpserver` and the `MCPServer` that `mcp.server` exports, and the
/// low-level `Server`'s handlers given to its constructor (`on_list_tools=`).
static SDK2: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:(?:from|import)[ \t]+mcp\.server\.mcpserver\b|from[ \t]+mcp(?:\.server)?[ \t]+import[ \t]+[^\n]*\bMCPServer\b)|\bon_(?:list_tools|call_tool)[ \t]*=").unwrap()
});
/// SDK 1's low-level server: its handlers registered with decorators, which SDK 2's `Server`
/// no longer has (`@server.list_tools()`, or on an attribute: `@self.server.list_tools()`),
/// in a file that imports the SDK's `Server`.
static SDK1_LOWLEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*@\w+(?:\.\w+)*\.(?:list_tools|call_tool|list_resources|read_resource|list_prompts|get_prompt)\(\)").unwrap()
});
/// A server run with an address (`mcp.run(transport="streamable-http", host="0.0.0.0")`):
/// the standalone fastmcp package's form, not SDK 1's `run(transport, mount_path)`.
static RUN_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\w+)\.run\([^()]*\b(?:host|port)\s*=").unwrap());
static LOWLEVEL_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*from[ \t]+mcp\.server(?:\.lowlevel)?[ \t]+import[ \t]+[^\n]*\bServer\b")
        .unwrap()
});

static HTTP: LazyLock<Regex> = LazyLock::new(|| {
    // The low-level SDK's transports, mounted in an ASGI app by hand, count too.
    Regex::new(r#"transport\s*=\s*["'](streamable-http|streamable_http|http|sse)["']|\.run\(\s*["'](streamable-http|http|sse)["']|\b(streamable_http_app|sse_app|http_app|SseServerTransport|StreamableHTTPSessionManager|run_sse_async|run_streamable_http_async)\s*\("#).unwrap()
});
/// An MCP client: the SDKs' sessions and transports' client ends, fastmcp's `Client`, and
/// the clients agent frameworks wrap them in (LlamaIndex, LangChain's adapters).
static CLIENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(ClientSession|streamablehttp_client|sse_client|stdio_client|StdioServerParameters|BasicMCPClient|McpToolSpec|MultiServerMCPClient|MCPClient)\b|\bfrom\s+fastmcp\s+import\s+[^\n]*\bClient\b").unwrap()
});
/// A stdio transport named as such.
static STDIO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"transport\s*=\s*["']stdio["']|\bstdio_server\b|\.run\(\s*["']stdio["']"#).unwrap()
});
/// A `.run()` with no transport: stdio, the SDKs' default, when it is the server's run.
static BARE_RUN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.run\(\s*\)").unwrap());
/// `name = FastMCP(` / `MCPServer(`: the variable that holds the server.
static SERVER_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(\w+)[ \t]*=[ \t]*(?:\w+\.)?(?:FastMCP|MCPServer)\(").unwrap()
});
/// `"--transport"` in an argparse/click option; its default follows within [`OPTION_REACH`].
static TRANSPORT_OPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"["']--transport["']"#).unwrap());
static OPTION_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"default\s*=\s*["'](stdio|streamable-http|http|sse)["']"#).unwrap()
});
/// `os.environ.get("MCP_TRANSPORT", "stdio")`.
static ENV_DEFAULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']([A-Z0-9_]*TRANSPORT)["']\s*,\s*["'](stdio|streamable-http|http|sse)["']"#)
        .unwrap()
});
/// How far after `"--transport"` its `default=` may start: 300 characters, and not past a
/// decorator's `@` (the next option). Searched in code rather than as `[^@]{0,300}` in one
/// regex, whose compiled form is 300 copies of a Unicode class (milliseconds per run).
const OPTION_REACH: usize = 300;
static PORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\bport\s*=\s*(\d{2,5})\b|PORT["']\s*\)?\s*(?:,|or)\s*["']?(\d{2,5})\b"#).unwrap()
});
/// `"--port"` in an argparse/click option; its `default=` is read within the option's call.
static PORT_OPTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']--port["']"#).unwrap());
static PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bdefault\s*=\s*(\d{2,5})\b").unwrap());
/// A route whose path names health, declared with a decorator or a Starlette `Route`.
static HEALTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:custom_route|route|get|api_route|add_route|Route)\(\s*["'](/(?:[\w\-]+/)*health[\w\-]*)["']"#)
        .unwrap()
});
/// A route whose handler names health, whatever its path: `@mcp.custom_route("/", …)` over
/// `async def health_check(request)`, or `Route("/", endpoint=health)`.
static HEALTH_HANDLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(?:custom_route|route|get|api_route)\(\s*["'](/[\w\-/]*)["'][^)]*\)[ \t]*\r?\n(?:[ \t]*@[^\n]*\n)*[ \t]*(?:async[ \t]+)?def[ \t]+\w*health\w*|\bRoute\(\s*["'](/[\w\-/]*)["']\s*,\s*(?:endpoint\s*=\s*)?\w*health\w*\b"#)
        .unwrap()
});
static HOST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bhost\s*=\s*["']([0-9A-Za-z.:\-]+)["']"#).unwrap());
/// A host set from something other than a literal: `host=args.host`, `settings.host =
/// os.getenv(…)`, `host=HOST`. Reading the SDK's own setting (`host=mcp.settings.host`) is
/// not choosing one, and is told apart by the caller.
static HOST_EXPR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bhost\s*=\s*([A-Za-z_][\w.]*)").unwrap());
/// A `--host` option of the script's own command line.
static HOST_OPTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']--host["']"#).unwrap());
static HOST_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bdefault\s*=\s*["']([0-9A-Za-z.:\-]+)["']"#).unwrap());
/// An environment variable ending in `HOST`, read: `os.getenv("MCP_HOST"`, `environ.get(`,
/// `environ["HOST"]`.
static HOST_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:getenv|\.get|environ\[)\(?\s*["']([A-Z0-9_]*HOST)["'](?:\s*,\s*["']([0-9A-Za-z.:\-]*)["'])?"#).unwrap()
});
/// The MCP endpoint's path: the SDK's settings, or the `path=` of the call that runs or
/// mounts the server (`mcp.run(transport="http", path="/azebal/mcp")`, fastmcp's
/// `http_app(path=…)`), within that call's parentheses.
static PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:\b(?:streamable_http_path|sse_path)|(?:\.run|\.run_async|\bhttp_app|\bstreamable_http_app|\bsse_app)\([^()]*?\bpath)\s*=\s*["'](/[^"'\s]*)["']"#).unwrap()
});
/// The SDK's app mounted under a prefix (`Mount("/mcp", app=mcp.streamable_http_app())`,
/// ypotheto/compchem-mcp): the endpoint is the app's own path below the prefix, /mcp/mcp.
static MOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"Mount\(\s*["'](/[^"'\s]*)["']\s*,\s*app\s*=\s*[A-Za-z_][\w.]*\.(streamable_http_app|sse_app)\([^()]*\)"#).unwrap()
});
static NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:FastMCP|MCPServer)\(\s*["']([^"']+)["']|(?m)^[A-Z_]*NAME\s*=\s*["']([^"']+)["']"#,
    )
    .unwrap()
});
static MAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"if\s+__name__\s*==\s*["']__main__["']"#).unwrap());
/// A server run at module level, unindented: the file is a script that starts it
/// (TOSTRING-Z/transagent's `uvicorn.run(starlette_app, host="0.0.0.0", port=3001)`).
static TOP_LEVEL_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?m)^(?:uvicorn|[A-Za-z_][A-Za-z0-9_]*)\.run\(").unwrap());

/// The transport a server's option or environment variable defaults to: the value and its
/// byte offset, the earliest in the text.
pub(super) fn default_transport(text: &str) -> Option<(&str, usize)> {
    let option = TRANSPORT_OPTION.find_iter(text).find_map(|o| {
        let rest = &text[o.end()..];
        let (reach, call) = option_reach(rest);
        let c = OPTION_DEFAULT
            .captures(rest)
            .filter(|c| c.get(0).expect("match").start() <= reach)?;
        if client_option(&text[..o.start()], &rest[..call]) {
            return None;
        }
        let m = c.get(1).expect("group 1");
        Some((o.start(), (m.as_str(), o.end() + m.start())))
    });
    let env = ENV_DEFAULT.captures(text).map(|c| {
        let (all, m) = (c.get(0).expect("match"), c.get(2).expect("group 2"));
        (all.start(), (m.as_str(), m.start()))
    });
    [option, env]
        .into_iter()
        .flatten()
        .min_by_key(|(start, _)| *start)
        .map(|(_, found)| found)
}

/// The environment variable the code reads its transport from, with a default
/// (`os.getenv("GIS_MCP_TRANSPORT", "stdio")`): an image or compose service that sets it
/// chooses the transport there.
pub(super) fn transport_var(text: &str) -> Option<String> {
    ENV_DEFAULT.captures(text).map(|c| c[1].to_string())
}

/// The endpoint of the SDK's app mounted under a prefix: the prefix, then the app's own
/// path (/mcp for Streamable HTTP, /sse for SSE). `None` at the root, where the default holds.
/// `own` is the app's path where the code sets it (`mcp.settings.streamable_http_path = "/"`,
/// as obot's example does under `Mount("/mcp", …)`: the endpoint is /mcp/).
fn mounted_path(text: &str, own: Option<&str>) -> Option<String> {
    let (prefix, kind) = match MOUNT.captures(text) {
        Some(c) => (c[1].to_string(), c[2].to_string()),
        None => mounted_variable(text)?,
    };
    let prefix = prefix.trim_end_matches('/');
    let default = if kind == "sse_app" { "/sse" } else { "/mcp" };
    let own = own.unwrap_or(default);
    (!prefix.is_empty()).then(|| format!("{prefix}{own}"))
}

/// `Mount("/mcp", app=inner)` where the file sets `inner = mcp.streamable_http_app(…)`: the
/// prefix and the kind of app.
fn mounted_variable(text: &str) -> Option<(String, String)> {
    static MOUNT_VAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"Mount\(\s*["'](/[^"'\s]*)["']\s*,\s*app\s*=\s*(\w+)\s*[,)]"#).unwrap()
    });
    static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*(\w+)[ \t]*=[ \t]*[A-Za-z_][\w.]*\.(streamable_http_app|sse_app)\(")
            .unwrap()
    });
    MOUNT_VAR.captures_iter(text).find_map(|m| {
        let kind = ASSIGNED
            .captures_iter(text)
            .find(|a| a[1] == m[2])
            .map(|a| a[2].to_string())?;
        Some((m[1].to_string(), kind))
    })
}

/// In `rest`, the text after an option's name: how far its `default=` may start (the byte
/// offset of the first `@`, or of the character after [`OPTION_REACH`]), and where the
/// option's own call ends (the next option's declaration, or that reach).
fn option_reach(rest: &str) -> (usize, usize) {
    let reach = rest
        .char_indices()
        .enumerate()
        .find(|&(n, (_, c))| c == '@' || n == OPTION_REACH)
        .map_or(rest.len(), |(_, (i, _))| i);
    let call = ["add_argument", ".option("]
        .iter()
        .filter_map(|n| rest[..reach].find(n))
        .min()
        .unwrap_or(reach);
    (reach, call)
}

/// The default of a server's `--port` option (`parser.add_argument("--port", type=int,
/// default=8000)`) and its byte offset; not a client's option.
fn port_option_default(text: &str) -> Option<(u16, usize)> {
    PORT_OPTION.find_iter(text).find_map(|o| {
        let rest = &text[o.end()..];
        let (_, call) = option_reach(rest);
        let m = PORT_DEFAULT.captures(&rest[..call])?.get(1)?;
        if client_option(&text[..o.start()], &rest[..call]) {
            return None;
        }
        Some((m.as_str().parse().ok()?, o.end() + m.start()))
    })
}

/// The literal default of a server's `--host` option (`parser.add_argument("--host",
/// default="localhost")`) and its byte offset; not a client's option, nor a default computed
/// at run time (`default=os.getenv("HOST", …)`).
fn host_option_default(text: &str) -> Option<(String, usize)> {
    HOST_OPTION.find_iter(text).find_map(|o| {
        let rest = &text[o.end()..];
        let (_, call) = option_reach(rest);
        let m = HOST_DEFAULT.captures(&rest[..call])?.get(1)?;
        if client_option(&text[..o.start()], &rest[..call]) {
            return None;
        }
        Some((m.as_str().to_string(), o.end() + m.start()))
    })
}

/// Whether a `--transport` option is a client's (the transport a proxy or client uses to
/// reach another server, not the one this server offers): the start of its call, after the
/// previous call's `)`, names a client (`client_group.add_argument(`), or its text says
/// `client` as a word ("The transport to use for the client").
fn client_option(before: &str, after: &str) -> bool {
    let mut from = before.len().saturating_sub(120);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let window = &before[from..];
    let line = window.rsplit(')').next().unwrap_or(window);
    let word = |t: &str| {
        t.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "client")
    };
    line.to_ascii_lowercase().contains("client") || word(after)
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Where the server is started on stdio: a transport named `stdio`, else the server
/// variable's own `.run()` (`mcp.run()`, not `buildings.run()`), else any `.run()` when the
/// file does not say which variable holds the server.
fn stdio_at(text: &str) -> Option<usize> {
    if let Some(m) = STDIO.find(text) {
        return Some(line_of(text, m.start()));
    }
    let vars: Vec<&str> = SERVER_VAR
        .captures_iter(text)
        .map(|c| c.get(1).expect("group 1").as_str())
        .collect();
    BARE_RUN
        .find_iter(text)
        .find(|m| {
            let before = text[..m.start()].trim_end();
            vars.is_empty()
                || vars.iter().any(|v| {
                    before.strip_suffix(v).is_some_and(|rest| {
                        !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
                    })
                })
        })
        .map(|m| line_of(text, m.start()))
}

/// The variable read in `expr`, by name.
fn env_var(expr: &str) -> Option<String> {
    let c = ENV_READ.captures(expr)?;
    (1..=3)
        .find_map(|i| c.get(i))
        .map(|m| m.as_str().to_string())
}

/// Where the HTTP start at byte `at` of `text` runs only when an environment variable is set:
/// the `if`/`elif` right above it, less indented, reads the variable (`if
/// os.environ.get("PORT"):`), or tests a name assigned from one just before (`port =
/// os.environ.get("PORT")` … `if port:`). A negated test, or a start in an `else:`, is not a
/// gate read here.
fn http_gate(text: &str, at: usize) -> Option<(String, Option<String>, usize)> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let lines: Vec<&str> = text[..start].lines().collect();
    let own = indent(&text[start..]);
    let (n, line) = lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty() && indent(l) < own)?;
    let cond = line.trim();
    let cond = cond
        .strip_prefix("if ")
        .or_else(|| cond.strip_prefix("elif "))?
        .trim_end_matches(':')
        .trim();
    if cond.starts_with("not ") || cond.contains("!=") || cond.contains(" is None") {
        return None;
    }
    let value = COMPARED.captures(cond).map(|c| c[1].to_string());
    let (var, read) = match env_var(cond) {
        Some(v) => (v, cond.to_string()),
        None => {
            // `if port:` / `if port is not None:` / `if transport == "http":`: the name's
            // assignment.
            let name: String = cond
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let assigned = format!("{name} =");
            let line = lines[..n]
                .iter()
                .rev()
                .find(|l| !name.is_empty() && l.trim_start().starts_with(&assigned))?;
            (env_var(line)?, (*line).to_string())
        }
    };
    // A read whose default is the value compared with (`os.getenv("MCP_TRANSPORT", "http")`
    // then `== "http"`) serves HTTP without the variable: no gate.
    let default = DEFAULT_OF_READ
        .captures(&read)
        .filter(|c| c[1] == var)
        .map(|c| c[2].to_ascii_lowercase());
    if value.is_some() && default == value.as_ref().map(|v| v.to_ascii_lowercase()) {
        return None;
    }
    Some((var, value, n + 1))
}

/// The default of an environment read: `getenv("VAR", "default")`, `environ.get("VAR",
/// "default")`.
static DEFAULT_OF_READ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:getenv|environ\.get)\(\s*["']([A-Z][A-Z0-9_]*)["']\s*,\s*["']([^"']*)["']"#)
        .unwrap()
});

/// What the HTTP start at byte `at` of `text` is gated on: an environment variable, and a
/// command-line flag.
fn gates(text: &str, at: Option<usize>) -> (Option<Gate>, Option<String>) {
    let Some(at) = at else {
        return (None, None);
    };
    let gate = http_gate(text, at).map(|(var, value, line)| Gate {
        var,
        value,
        at: line.to_string(),
    });
    (gate, http_flag(text, at))
}

/// `--NAME` where the HTTP start at byte `at` of `text` runs only under `if ARGS.NAME:` (or
/// `elif`), right above it and less indented, and the file declares `--NAME` an argparse
/// `store_true` option: run by hand without it, the server speaks stdio (mcp-md's
/// `unified_server.py --http`).
fn http_flag(text: &str, at: usize) -> Option<String> {
    static COND: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:el)?if\s+\w+\.(\w+)\s*:$").unwrap());
    let indent = |l: &str| l.len() - l.trim_start().len();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let own = indent(&text[start..]);
    let line = text[..start]
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && indent(l) < own)?;
    let name = COND.captures(line.trim())?[1].to_string();
    let flag = format!("--{}", name.replace('_', "-"));
    let declared = Regex::new(&format!(
        r#"add_argument\(\s*(?:["']-\w["']\s*,\s*)?["']{}["'][^)]*store_true"#,
        regex::escape(&flag)
    ))
    .ok()?;
    declared.is_match(text).then_some(flag)
}

/// `text` with each Python comment blanked out (its bytes made spaces, so offsets and line
/// numbers stay): a commented-out `# mcp.run(transport="streamable-http")` next to the real
/// `mcp.run(transport="stdio")` is not evidence. A `#` inside a string literal (single,
/// double or triple quoted, escapes honoured) is not a comment.
pub(super) fn blank_comments(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('#') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    // The open string literal: its quote and whether it is triple-quoted.
    let mut open: Option<(u8, bool)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match open {
            None if b == b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    bytes[i] = b' ';
                    i += 1;
                }
                continue;
            }
            None if b == b'"' || b == b'\'' => {
                let triple = bytes[i..].starts_with(&[b, b, b]);
                open = Some((b, triple));
                i += if triple { 3 } else { 1 };
                continue;
            }
            Some(_) if b == b'\\' => i += 1,
            Some((q, true)) if bytes[i..].starts_with(&[q, q, q]) => {
                open = None;
                i += 3;
                continue;
            }
            // A one-line string ends at its quote, or (unterminated) at the line's end.
            Some((q, false)) if b == q || b == b'\n' => open = None,
            _ => {}
        }
        i += 1;
    }
    // Only whole characters (ASCII `#` to the line's end) were replaced by ASCII spaces.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// What one file's text says; comments say nothing.
pub(super) fn file_facts(text: &str) -> FileFacts {
    let text = &*blank_comments(text);
    let line = |m: regex::Match| line_of(text, m.start());
    // A method that overrides the SDK's (`def streamable_http_app(self):`, and the
    // `super().streamable_http_app()` in its body) starts nothing.
    let call = HTTP.captures_iter(text).find(|c| {
        let start = c.get(0).map_or(0, |m| m.start());
        let before = text[..start].trim_end();
        !before.ends_with("def") && !before.ends_with("super().")
    });
    let http = call.and_then(|c| {
        let whole = c.get(0).expect("group 0");
        let kind = (1..=3).find_map(|i| c.get(i)).map_or("", |m| m.as_str());
        // The low-level transports are also what a tool wires up for a port it is given at
        // run time (mcp-proxy's `--port`, 0 by default): evidence of a server only next to a
        // port of its own.
        let low_level = matches!(kind, "SseServerTransport" | "StreamableHTTPSessionManager");
        if low_level && !PORT.is_match(text) {
            return None;
        }
        let sse = matches!(
            kind,
            "sse" | "sse_app" | "SseServerTransport" | "run_sse_async"
        );
        Some((whole.as_str().to_string(), whole.start(), sse))
    });
    let (http_gate, http_flag) = gates(text, http.as_ref().map(|(_, at, _)| *at));
    let http = http.map(|(marker, at, sse)| (marker, line_of(text, at), sse));
    let configures = http.is_some() || text.contains("FastMCP(") || text.contains("MCPServer(");
    let sdk1 = sdk1_at(text);
    let address = |re: &Regex| {
        configures
            .then(|| re.captures(text).map(|c| c[1].to_string()))
            .flatten()
    };
    let sdk1_run = sdk1
        .filter(|(_, low)| !low && !SDK2.is_match(text))
        .and_then(|_| run_address_at(text));
    FileFacts {
        import: IMPORT.find(text).map(line),
        sdk1: sdk1.map(|(at, _)| at),
        sdk1_lowlevel: sdk1.is_some_and(|(_, low)| low),
        sdk1_run_address: sdk1_run.map(|(line, _)| line),
        sdk1_run_http: sdk1_run.is_some_and(|(_, http)| http),
        sdk2: SDK2.find(text).map(line),
        unmanaged_mount: unmanaged_mount(text).map(|(at, var)| (line_of(text, at), var)),
        port_vars: port_vars(text),
        stdio: stdio_at(text),
        default_transport: default_transport(text)
            .map(|(t, offset)| (t.to_string(), line_of(text, offset))),
        transport_var: transport_var(text),
        port: configures
            .then(|| {
                PORT.captures(text)
                    .and_then(|c| {
                        let m = c.get(1).or_else(|| c.get(2))?;
                        Some((m.as_str().parse().ok()?, line(m)))
                    })
                    .or_else(|| port_option_default(text).map(|(p, at)| (p, line_of(text, at))))
            })
            .flatten(),
        health: HEALTH
            .captures(text)
            .or_else(|| HEALTH_HANDLER.captures(text))
            .and_then(|c| c.get(1).or_else(|| c.get(2)))
            .map(|m| m.as_str().to_string()),
        host: address(&HOST),
        host_from: host_from(text, !configures),
        host_option: host_option_default(text).map(|(h, at)| (h, line_of(text, at))),
        host_vars: if configures {
            let mut vars: Vec<(String, Option<String>)> = HOST_VAR
                .captures_iter(text)
                .filter(|c| server_var(&c[1]))
                .map(|c| (c[1].to_string(), c.get(2).map(|d| d.as_str().to_string())))
                .collect();
            vars.dedup();
            vars.truncate(8);
            vars
        } else {
            Vec::new()
        },
        path: {
            let set = address(&PATH);
            mounted_path(text, set.as_deref()).or(set)
        },
        names: NAME
            .captures_iter(text)
            .take(4)
            .filter_map(|c| {
                c.get(1)
                    .or_else(|| c.get(2))
                    .map(|m| m.as_str().to_string())
            })
            .collect(),
        main: (MAIN.is_match(text) && text.contains(".run(")) || TOP_LEVEL_RUN.is_match(text),
        client: CLIENT.captures(text).map(|c| {
            let whole = c.get(0).expect("group 0");
            let name = c.get(1).map_or("Client", |m| m.as_str());
            (name.to_string(), line(whole))
        }),
        http,
        http_gate,
        http_flag,
        server_var: SERVER_VAR.captures(text).map(|c| c[1].to_string()),
        configures,
    }
}

/// The environment variables ending in `PORT` that `text` reads by name, the first four.
fn port_vars(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in ENV_READ.captures_iter(text) {
        let Some(name) = (1..=3).find_map(|i| c.get(i)) else {
            continue;
        };
        let name = name.as_str();
        if name.ends_with("PORT") && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
        if out.len() == 4 {
            break;
        }
    }
    out
}

/// `X.streamable_http_app()` mounted in an app (`Mount("/", app=mcp.streamable_http_app())`,
/// `app.mount("/mcp", mcp_app)` after `mcp_app = mcp.streamable_http_app()`) by a file that
/// sets no lifespan: a mounted app's own lifespan never runs, so the SDK's session manager is
/// never started and every request fails with 500 ("Task group is not initialized").
/// Gives the mount's offset and `X`.
fn unmanaged_mount(text: &str) -> Option<(usize, String)> {
    static MOUNTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:\bMount\(|\.mount\()[^)]*?\b(\w+)\.streamable_http_app\([^()]*\)").unwrap()
    });
    static HELD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^[ \t]*(\w+)[ \t]*=[ \t]*(\w+)\.streamable_http_app\([^()]*\)").unwrap()
    });
    if !text.contains("streamable_http_app(")
        || text.contains("lifespan")
        || text.contains("session_manager.run(")
    {
        return None;
    }
    if let Some(c) = MOUNTED.captures(text) {
        return Some((c.get(0)?.start(), c[1].to_string()));
    }
    HELD.captures_iter(text).find_map(|c| {
        let held = &c[1];
        let mounts = text
            .match_indices("Mount(")
            .chain(text.match_indices(".mount("));
        mounts
            .filter(|(at, _)| {
                let args = &text[at + 1..];
                let args = &args[..args.find(')').unwrap_or(args.len())];
                args.split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .any(|w| w == held)
            })
            .map(|(at, _)| (at, c[2].to_string()))
            .next()
    })
}

/// The line where the server variable's own `run()` is given a host or port (not uvicorn's
/// `uvicorn.run(app, host=…)`).
fn run_address_at(text: &str) -> Option<(usize, bool)> {
    static HTTP_TRANSPORT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\btransport\s*=\s*["']http["']"#).unwrap());
    let server = SERVER_VAR.captures(text)?.get(1)?.as_str().to_string();
    let call = RUN_ADDRESS
        .captures_iter(text)
        .find(|c| c[1] == server)?
        .get(0)?;
    // The call's arguments, to its closing parenthesis.
    let args = &text[call.start()..];
    let args = &args[..args.find(')').unwrap_or(args.len())];
    Some((line_of(text, call.start()), HTTP_TRANSPORT.is_match(args)))
}

/// The line of SDK 1's server API: a FastMCP import, else the low-level server's first
/// decorator (then `true`) in a file that imports the SDK's `Server`.
fn sdk1_at(text: &str) -> Option<(usize, bool)> {
    let line = |m: regex::Match| line_of(text, m.start());
    SDK1.find(text).map(|m| (line(m), false)).or_else(|| {
        LOWLEVEL_IMPORT
            .is_match(text)
            .then(|| SDK1_LOWLEVEL.find(text).map(|m| (line(m), true)))
            .flatten()
    })
}

/// Whether a `…HOST` variable names the server's own address (`HOST`, `MCP_HOST`,
/// `SERVER_HOST`, `FASTMCP_HOST`), not another service's (`REDIS_HOST`, `DB_HOST`).
fn server_var(name: &str) -> bool {
    name == "HOST"
        || name.contains("MCP")
        || [
            "SERVER_", "APP_", "BIND_", "LISTEN_", "UVICORN_", "HTTP_", "WEB_",
        ]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The line of the first host set at run time: an expression (not the SDK's own setting
/// read back), a `--host` option or a `…HOST` variable read from the environment. In a file
/// that does not configure the server (a `cli.py` that hands the app to `uvicorn.run`), a
/// literal host counts too: which server it is for is not known.
fn host_from(text: &str, literal_too: bool) -> Option<usize> {
    let expr = HOST_EXPR
        .captures_iter(text)
        .filter(|c| !c[1].ends_with("settings.host"))
        .map(|c| c.get(0).expect("group 0").start());
    let option = HOST_OPTION.find(text).map(|m| m.start());
    let var = HOST_VAR.find(text).map(|m| m.start());
    let literal = HOST.find(text).filter(|_| literal_too).map(|m| m.start());
    expr.chain(option)
        .chain(var)
        .chain(literal)
        .min()
        .map(|at| line_of(text, at))
}

/// Adds one file's facts to what the files before it said: the first of each marker wins.
fn merge(code: &mut Code, name: &str, path: &Path, f: FileFacts) {
    let at = |line: usize| format!("{name}:{line}");
    let serves_http = f.http.is_some();
    code.import = code.import.take().or(f.import.map(at));
    if f.sdk1.is_some() && f.sdk2.is_some() && code.sdk_either.is_none() {
        code.sdk_either = Some(name.to_string());
    }
    if code.sdk1.is_none() {
        code.sdk1_lowlevel = f.sdk1_lowlevel;
    }
    if code.sdk1_run_address.is_none() {
        code.sdk1_run_http = f.sdk1_run_http;
    }
    code.sdk1_run_address = code.sdk1_run_address.take().or(f.sdk1_run_address.map(at));
    code.sdk1 = code.sdk1.take().or(f.sdk1.map(at));
    code.sdk2 = code.sdk2.take().or(f.sdk2.map(at));
    code.unmanaged_mount = code
        .unmanaged_mount
        .take()
        .or(f.unmanaged_mount.map(|(line, var)| (at(line), var)));
    for v in f.port_vars {
        if !code.port_vars.contains(&v) {
            code.port_vars.push(v);
        }
    }
    if let Some((marker, line, sse)) = f.http {
        if code.http.is_none() {
            code.sse |= sse;
            code.http = Some((marker, at(line)));
            code.http_flag = f.http_flag;
            code.http_gate = f.http_gate.map(|g| Gate {
                at: format!("{name}:{}", g.at),
                ..g
            });
            let here = f.server_var.clone().map(|v| (v, name.to_string()));
            code.server_var = here.or(code.server_var.take());
        }
    }
    if code.server_var.is_none() {
        code.server_var = f.server_var.map(|v| (v, name.to_string()));
    }
    code.stdio = code.stdio.take().or(f.stdio.map(at));
    code.default_transport = code
        .default_transport
        .take()
        .or(f.default_transport.map(|(t, line)| (t, at(line))));
    code.transport_var = code.transport_var.take().or(f.transport_var);
    if f.configures {
        code.port = code.port.take().or(f.port.map(|(p, line)| (p, at(line))));
        code.host = code.host.take().or(f.host);
        for v in f.host_vars {
            if !code.host_vars.iter().any(|(name, _)| *name == v.0) {
                code.host_vars.push(v);
            }
        }
        code.path = code.path.take().or(f.path);
    }
    code.host_from = code.host_from.take().or(f.host_from.map(at));
    code.host_option = code
        .host_option
        .take()
        .or(f.host_option.map(|(h, line)| (h, at(line))));
    code.app_health = code.app_health.take().or(f.health.clone());
    if f.configures || f.import.is_some() {
        code.health = code.health.take().or(f.health);
    }
    if code.import.is_some() && code.names.len() < 8 {
        code.names.extend(f.names);
    }
    // A project with several servers (mcp-md's stdio research_server.py and HTTP
    // unified_server.py): the one that serves HTTP is the one a port belongs to.
    if f.main && (code.main.is_none() || (!code.main_http && serves_http)) {
        code.main = Some(path.to_path_buf());
        code.main_http = serves_http;
    }
    code.server |= f.configures;
    if code.client.is_none() {
        code.client = f
            .client
            .map(|(what, line)| format!("{what} at {}", at(line)));
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// Whether a source is a test's (under `tests/`/`test/`, `test_*.py`, `*_test.py`,
/// `conftest.py`): a test starts servers of every transport to try them, so what it says of
/// transports and addresses is not how the project serves.
fn is_test_source(shown: &str) -> bool {
    let path = Path::new(shown);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.starts_with("test_")
        || name.ends_with("_test.py")
        || name == "conftest.py"
        || path
            .components()
            .any(|c| matches!(c.as_os_str().to_str(), Some("tests" | "test" | "testing")))
}

/// Reads what the Python sources say about MCP, through the cache where a file is unchanged.
/// The project's own sources come first; tests count only where those name no transport.
pub(super) fn scan_code(ctx: &Context) -> Code {
    let map = cache::Map::open(ctx, MAP);
    let known: BTreeMap<String, FileFacts> = map.as_ref().map(cache::Map::load).unwrap_or_default();
    let mut learnt = Vec::new();
    let mut code = Code::default();
    let found = files::project_files(ctx);
    let (tests, mut sources): (Vec<_>, Vec<_>) = found
        .python
        .iter()
        .take(MAX_SOURCES)
        .map(|p| (shown(ctx, p), p))
        .partition(|(name, _)| is_test_source(name));
    // The script an image starts is the server: its evidence comes first (a leftover
    // `first-mcp.py` sorts before the `server.py` the Dockerfile runs).
    let started = started_scripts(ctx);
    sources.sort_by_key(|(_, path)| !started.iter().any(|s| s == *path));
    let mut facts_of = |path: &Path| {
        let text = read_source(path)?;
        let key = format!(
            "{} r{READING} {}",
            env!("CARGO_PKG_VERSION"),
            sha256_hex(&text)
        );
        Some(known.get(&key).cloned().unwrap_or_else(|| {
            let f = file_facts(&text);
            learnt.push((key, f.clone()));
            f
        }))
    };
    for (name, path) in &sources {
        if let Some(facts) = facts_of(path) {
            merge(&mut code, name, path, facts);
        }
    }
    if code.http.is_none() && code.stdio.is_none() && code.default_transport.is_none() {
        for (name, path) in &tests {
            if let Some(facts) = facts_of(path) {
                merge(&mut code, name, path, facts);
            }
        }
    }
    if let (Some(map), false) = (map, learnt.is_empty()) {
        map.store(learnt);
    }
    code
}

/// The Python scripts the project's Dockerfiles start (`CMD ["python", "server.py"]`), as
/// paths in the project: relative words of the start command that end in `.py`, taken from
/// the Dockerfile's folder.
fn started_scripts(ctx: &Context) -> Vec<std::path::PathBuf> {
    let facts = crate::probes::dockerfile::dockerfiles(ctx);
    facts
        .files
        .iter()
        .flat_map(|df| {
            let dir = df.path.parent().map(Path::to_path_buf).unwrap_or_default();
            df.start_words()
                .into_iter()
                .filter(|w| w.ends_with(".py") && !w.starts_with('/') && !w.contains(".."))
                .map(move |w| {
                    dir.components()
                        .chain(Path::new(&w).components())
                        .filter(|c| *c != std::path::Component::CurDir)
                        .collect()
                })
        })
        .collect()
}

/// A Python source's text: a regular file of at most [`MAX_SOURCE_BYTES`].
fn read_source(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_SOURCE_BYTES {
        return None;
    }
    crate::disk::read_capped_utf8(path, MAX_SOURCE_BYTES, "a source file").ok()
}
