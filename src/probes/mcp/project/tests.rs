use super::*;
use crate::core::Settings;
use std::fs;

fn decide_in(files: &[(&str, &str)], tweak: impl FnOnce(&mut Settings)) -> McpProject {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    let mut settings = Settings {
        project_dir: dir.path().to_path_buf(),
        server_dir: dir.path().to_path_buf(),
        env_file: dir.path().join("environment.yml"),
        ..Settings::default()
    };
    tweak(&mut settings);
    let ctx = Context::with_vars(settings, Vec::new());
    let p = decide(&ctx);
    drop(dir);
    p
}

const ENV_MCP: &str =
    "name: srv\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - mcp>=1.9\n";

#[test]
fn an_empty_folder_serves_nothing() {
    let p = decide_in(&[], |_| {});
    assert_eq!(p.serves, Serves::Nothing);
    assert!(p.why.contains("no mcp"), "{}", p.why);
    assert_eq!(p.start, None);
}

/// The script the Dockerfile starts is the server, whatever sorts before it: a leftover
/// experiment in `first-mcp.py` on another port does not decide for the `server.py` the
/// image runs.
#[test]
fn the_script_the_image_starts_is_the_server() {
    let on = |port: u16| {
        format!("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', port={port})\nmcp.run(transport=\"streamable-http\")\n")
    };
    let (leftover, server) = (on(9125), on(9124));
    let files = [
        ("environment.yml", ENV_MCP),
        ("first-mcp.py", leftover.as_str()),
        ("server.py", server.as_str()),
    ];
    let without = decide_in(&files, |_| {});
    assert_eq!(
        without.mcp_url, "http://127.0.0.1:9125/mcp",
        "{}",
        without.why
    );
    let dockerfile = (
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"./server.py\"]\n",
    );
    let with = decide_in(&[files[0], files[1], files[2], dockerfile], |_| {});
    assert_eq!(with.mcp_url, "http://127.0.0.1:9124/mcp", "{}", with.why);
    assert!(with.why.contains("at server.py:3"), "{}", with.why);
}

/// A web app that uses MCP as a client (LlamaIndex's BasicMCPClient), with `mcp` among its
/// dependencies and its own port published, serves no MCP.
#[test]
fn a_project_that_only_uses_an_mcp_client_serves_nothing() {
    let api = "from fastapi import FastAPI\r\nfrom llama_index.tools.mcp import McpToolSpec, BasicMCPClient\r\napp = FastAPI()\r\n@app.post(\"/mcp\")\r\nasync def mcp(url: str):\r\n    client = BasicMCPClient(url)\r\n";
    let compose = "services:\n  api:\n    build: .\n    ports:\n      - \"6400:6400\"\n";
    let files = [
        ("environment.yml", ENV_MCP),
        ("compose.yaml", compose),
        ("docker/api.py", api),
    ];
    let f = super::code::file_facts(api);
    assert!(f.client.is_some(), "{f:?}");
    let p = decide_in(&files, |_| {});
    assert_eq!(p.serves, Serves::Nothing, "{}", p.why);
    assert!(
        p.why.contains("McpToolSpec at docker/api.py:2"),
        "{}",
        p.why
    );
    // A server in the same project still decides.
    let server =
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nmcp.run(transport=\"sse\")\n";
    let both = decide_in(
        &[files[0], files[1], files[2], ("server.py", server)],
        |_| {},
    );
    assert_eq!(both.serves, Serves::Http, "{}", both.why);
}

#[test]
fn a_stdio_server_is_told_apart_from_an_http_one() {
    let stdio = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("server.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nif __name__ == '__main__':\n    mcp.run()\n"),
        ],
        |_| {},
    );
    assert_eq!(stdio.serves, Serves::Stdio, "{}", stdio.why);
    assert!(stdio.why.contains("server.py:4"), "{}", stdio.why);

    let http = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("app/server.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', port=9123)\nif __name__ == \"__main__\":\n    mcp.run(transport=\"streamable-http\")\n"),
        ],
        |_| {},
    );
    assert_eq!(http.serves, Serves::Http, "{}", http.why);
    assert!(http.why.contains("mcp in environment.yml"), "{}", http.why);
    assert!(http.why.contains("app/server.py:4"), "{}", http.why);
    assert_eq!(http.mcp_url, "http://127.0.0.1:9123/mcp");
    assert_eq!(http.health_url, "http://127.0.0.1:9123/health");
    assert!(
        http.address_from.contains("app/server.py:2"),
        "{}",
        http.address_from
    );
    let start = http.start.expect("a start command");
    assert_eq!(start.argv, ["python", "app/server.py"]);
}

#[test]
fn an_http_marker_without_an_mcp_dependency_or_import_is_not_an_mcp_server() {
    let p = decide_in(
        &[("web.py", "uvicorn.run(app, transport='http', port=5000)\n")],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Nothing);
}

#[test]
fn the_address_comes_from_compose_before_the_code_and_the_default_last() {
    let files = [
        (
            "pyproject.toml",
            "[project]\nname='x'\ndependencies=['fastmcp>=2', 'httpx']\n",
        ),
        (
            "main.py",
            "import fastmcp\nmcp = fastmcp.FastMCP('x')\nmcp.run(transport='sse', port=7000)\n",
        ),
        (
            "compose.yaml",
            "services:\n  mcp:\n    build: .\n    ports:\n      - \"8088:7000\"\n",
        ),
    ];
    let p = decide_in(&files, |_| {});
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert!(p.why.contains("fastmcp in pyproject.toml"), "{}", p.why);
    assert_eq!(p.mcp_url, "http://127.0.0.1:8088/sse");
    assert!(
        p.address_from.contains("compose.yaml:5"),
        "{}",
        p.address_from
    );

    let p = decide_in(&files[..2], |_| {});
    assert_eq!(p.mcp_url, "http://127.0.0.1:7000/sse");

    let p = decide_in(
        &[
            ("requirements.txt", "mcp[cli]==1.9.0\n"),
            ("srv.py", "app = mcp.streamable_http_app()\n"),
        ],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert_eq!(p.mcp_url, "http://127.0.0.1:8000/mcp");
    assert!(p.address_from.contains("default"));
    assert_eq!(
        p.start, None,
        "no main.py and no __main__: no made-up command"
    );
}

/// The low-level SDK's SSE transport mounted in Starlette and served by uvicorn (as
/// aidecentralized/nanda-servers' mcp-geolocation does) is an HTTP server on uvicorn's port.
#[test]
fn a_low_level_sse_transport_served_by_uvicorn_is_http() {
    let main = "from mcp.server import Server\nfrom mcp.server.sse import SseServerTransport\nimport uvicorn\n\n\
                def create_app(server):\n    sse = SseServerTransport(\"/messages/\")\n    return app\n\n\
                if __name__ == \"__main__\":\n    uvicorn.run(create_app(s), host=\"0.0.0.0\", port=8080)\n";
    let p = decide_in(
        &[("requirements.txt", "mcp==1.9.0\n"), ("main.py", main)],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert!(
        p.why.contains("SseServerTransport( at main.py:6"),
        "{}",
        p.why
    );
    assert_eq!(p.mcp_url, "http://127.0.0.1:8080/sse");
    let streamable =
        "from mcp.server.streamable_http_manager import StreamableHTTPSessionManager\n\
         manager = StreamableHTTPSessionManager(app=server)\nuvicorn.run(app, port=9000)\n";
    let p = decide_in(
        &[("requirements.txt", "mcp==1.9.0\n"), ("srv.py", streamable)],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert_eq!(p.mcp_url, "http://127.0.0.1:9000/mcp");
    // It runs the server at module level: the script is its start command
    // (TOSTRING-Z/transagent's server.py), as one with a `__main__` guard is.
    assert_eq!(p.start.expect("a start command").argv, ["python", "srv.py"]);
    // A tool that wires the transport for a port it is given at run time (mcp-proxy's
    // `--port`, 0 by default) names no server of its own.
    let tool = "from mcp.server.sse import SseServerTransport\n\
                def serve(settings):\n    sse = SseServerTransport(\"/messages/\")\n    uvicorn.run(app, port=settings.port)\n";
    let p = decide_in(
        &[("requirements.txt", "mcp==1.9.0\n"), ("srv.py", tool)],
        |_| {},
    );
    assert_ne!(p.serves, Serves::Http, "{}", p.why);
}

#[test]
fn a_published_or_exposed_port_makes_an_mcp_project_an_http_server() {
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("Dockerfile", "FROM scratch\nEXPOSE 8765/tcp\nCOPY main.py /app/\nCMD [\"/opt/conda/bin/python\", \"main.py\"]\n"),
            ("main.py", "print('hi')\n"),
        ],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert_eq!(p.mcp_url, "http://127.0.0.1:8765/mcp");
    let start = p.start.expect("the Dockerfile's CMD");
    assert_eq!(start.argv, ["python", "main.py"]);
    assert_eq!(start.from, "Dockerfile CMD");
}

#[test]
fn flags_and_config_declare_the_server_and_derive_the_other_url() {
    let p = decide_in(&[], |s| {
        s.mcp_declared = Some("--mcp-url was given".into());
        s.mcp_url = "http://[::1]:9000/mcp/".into();
        s.mcp_url_explicit = true;
    });
    assert_eq!(p.serves, Serves::Http);
    assert_eq!(p.health_url, "http://[::1]:9000/health");
    let p = decide_in(&[("main.py", "")], |s| {
        s.mcp_declared = Some("devdoctor.toml has an [mcp] table".into());
        s.server_command = vec!["uvicorn".into(), "app:app".into()];
        s.server_command_explicit = true;
    });
    assert_eq!(p.start.unwrap().argv, ["uvicorn", "app:app"]);
}

#[test]
fn micromamba_run_in_a_cmd_is_unwrapped() {
    let args: Vec<String> = ["-n", "base", "--cwd", "/app", "python", "x.py"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(skip_run_options(&args), 4);
}

#[test]
fn the_server_is_known_as_the_projects_by_the_names_it_may_announce() {
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("pyproject.toml", "[project]\nname = 'weather_tools'\n"),
            ("app.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"Weather Station\")\nmcp.run(transport='sse')\n"),
        ],
        |_| {},
    );
    assert!(p.is_own("weather-station"), "{:?}", p.names);
    assert!(p.is_own("weather-tools 1.0"), "{:?}", p.names);
    assert!(p.is_own("srv"), "the environment's name: {:?}", p.names);
    assert!(!p.is_own("fake-finance"), "{:?}", p.names);
    assert!(!p.is_own(""), "{:?}", p.names);
}

#[test]
fn a_transport_default_is_found_near_its_option_or_in_a_variable() {
    let click = "@click.option(\"--transport\", type=click.Choice([\"stdio\", \"sse\"]), default=\"sse\")\ndef main(): ...";
    let (t, at) = code::default_transport(click).unwrap();
    assert_eq!((t, &click[at..at + 3]), ("sse", "sse"));
    let argparse = "p.add_argument('--transport', choices=['stdio', 'http'], default='stdio')";
    assert_eq!(code::default_transport(argparse).unwrap().0, "stdio");
    let env = "transport = os.environ.get(\"MCP_TRANSPORT\", \"streamable-http\")";
    assert_eq!(code::default_transport(env).unwrap().0, "streamable-http");
    // The earliest of the two wins.
    let both = format!("{env}\n{argparse}");
    assert_eq!(code::default_transport(&both).unwrap().0, "streamable-http");
    // A client's transport (mcp-proxy's: the transport it uses to reach another server) is
    // not the server's; a server option that only mentions clients still is.
    let proxy = "client_group.add_argument(\n    \"--transport\",\n    choices=[\"sse\", \"streamablehttp\"],\n    default=\"sse\",\n)";
    assert_eq!(code::default_transport(proxy), None);
    let helped =
        "p.add_argument('--transport', default='sse', help='The transport to use for the client.')";
    assert_eq!(code::default_transport(helped), None);
    let server =
        "p.add_argument('--transport', default='sse', help='how clients reach this server')";
    assert_eq!(code::default_transport(server).unwrap().0, "sse");
    // The next option's help is not this option's.
    let then_client = "p.add_argument('--transport', default='sse')\np.add_argument('--client-id', help='OAuth2 client ID')";
    assert_eq!(code::default_transport(then_client).unwrap().0, "sse");
    // Not past the next decorator's `@`, and not further than 300 characters.
    let next_option = "@click.option('--transport')\n@click.option('--port', default='http')";
    assert_eq!(code::default_transport(next_option), None);
    let far = format!("'--transport', {} default='http'", "x".repeat(300));
    assert_eq!(code::default_transport(&far), None);
    let near = format!("'--transport', {} default='http'", "é".repeat(280));
    assert_eq!(code::default_transport(&near).unwrap().0, "http");
}

const SERVER: &str = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('ledger', port=9123)\nif __name__ == '__main__':\n    mcp.run(transport='streamable-http')\n";

/// A project with `server.py`, and a context whose cache folder is `cache`.
fn cached_project(cache: &std::path::Path, server: &str) -> (tempfile::TempDir, Context) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("environment.yml"), ENV_MCP).unwrap();
    fs::write(dir.path().join("server.py"), server).unwrap();
    let settings = Settings {
        project_dir: dir.path().to_path_buf(),
        server_dir: dir.path().to_path_buf(),
        env_file: dir.path().join("environment.yml"),
        ..Settings::default()
    };
    let vars = vec![("XDG_CACHE_HOME".into(), cache.as_os_str().to_owned())];
    (dir, Context::with_vars(settings, vars))
}

#[test]
fn code_facts_are_kept_and_read_back_by_the_text() {
    let cache = tempfile::tempdir().unwrap();
    let (_dir, ctx) = cached_project(cache.path(), SERVER);
    let cold = decide(&ctx);
    assert_eq!(cold.mcp_url, "http://127.0.0.1:9123/mcp");
    let map = crate::probes::cache::Map::open(&ctx, "mcp-code.json").unwrap();
    let mut kept = map.load::<code::FileFacts>();
    assert_eq!(kept.len(), 1, "one entry per file text");
    assert_eq!(kept.values().next(), Some(&code::file_facts(SERVER)));

    // A warm run takes the kept facts instead of reading the text anew: a doctored entry for
    // the same text shows through.
    let (key, mut facts) = kept.pop_first().unwrap();
    facts = code::FileFacts {
        port: Some((7001, 2)),
        ..facts
    };
    map.store([(key, facts)]);
    let (_dir2, ctx2) = cached_project(cache.path(), SERVER);
    assert_eq!(decide(&ctx2).mcp_url, "http://127.0.0.1:7001/mcp");
}

#[test]
fn a_changed_file_is_read_anew() {
    let cache = tempfile::tempdir().unwrap();
    let (dir, ctx) = cached_project(cache.path(), SERVER);
    assert_eq!(decide(&ctx).mcp_url, "http://127.0.0.1:9123/mcp");
    // Same size, same inode, written at once: only the text tells the change.
    fs::write(dir.path().join("server.py"), SERVER.replace("9123", "9124")).unwrap();
    let ctx = Context::with_vars(
        ctx.settings.clone(),
        ctx.vars()
            .iter()
            .map(|(k, v)| (k.into(), v.clone()))
            .collect::<Vec<_>>(),
    );
    assert_eq!(decide(&ctx).mcp_url, "http://127.0.0.1:9124/mcp");
}

/// A commented-out HTTP start next to the real stdio one (rupeelab17/mcp_pymdu's server.py)
/// is not evidence: the server speaks stdio.
#[test]
fn commented_out_code_is_not_evidence() {
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("server.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')  # port=9000\n# import fastmcp\nif __name__ == '__main__':\n    # mcp.run(transport=\"streamable-http\")\n    mcp.run(transport=\"stdio\")\n"),
        ],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Stdio, "{}", p.why);
    assert!(p.why.contains("server.py:6"), "{}", p.why);
    assert!(!p.why.contains("streamable"), "{}", p.why);
}

#[test]
fn comments_are_blanked_where_python_has_them_and_nowhere_else() {
    let text =
        "a = '#no' # yes\nb = \"\\\"#no\" #yes\nc = '''\n# no\n''' # yes\nd = \"#é\" # é ✓\n";
    let blanked = code::blank_comments(text);
    assert_eq!(blanked.len(), text.len());
    assert_eq!(
        blanked.lines().map(str::trim_end).collect::<Vec<_>>(),
        [
            "a = '#no'",
            "b = \"\\\"#no\"",
            "c = '''",
            "# no",
            "'''",
            "d = \"#é\"",
        ]
    );
    // An unterminated one-line string ends at the line's end.
    assert_eq!(code::blank_comments("x = 'a\n# c\n").trim_end(), "x = 'a");
}

/// The stdio evidence is the server's own `.run()`, not another object's (`buildings.run()`
/// in a tool body before it).
#[test]
fn the_stdio_evidence_is_the_servers_own_run() {
    let text = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\ndef tool():\n    return buildings.run()\nif __name__ == '__main__':\n    mcp.run()\n";
    assert_eq!(code::file_facts(text).stdio, Some(6));
    // Which variable holds the server is not said here: any `.run()` counts.
    assert_eq!(code::file_facts("server.run()\n").stdio, Some(1));
    // An explicit stdio transport wins over a bare run before it.
    let explicit = "mcp = FastMCP('x')\nother.run()\nmcp.run(transport='stdio')\n";
    assert_eq!(code::file_facts(explicit).stdio, Some(3));
}

/// Tests start servers of every transport: where the project's own sources name one, the
/// tests' transports and ports are not how the project serves; where they name none, the
/// tests are still evidence.
#[test]
fn tests_are_evidence_only_where_the_sources_say_nothing() {
    let test_file = "from mcp.server.fastmcp import FastMCP\ndef test_sse():\n    FastMCP('t', port=9555).run(transport='sse')\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("src/srv/server.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n\ndef main():\n    mcp.run()\n"),
            ("tests/test_transports.py", test_file),
            ("src/srv/conftest.py", test_file),
        ],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Stdio, "{}", p.why);
    assert!(p.why.contains("src/srv/server.py:5"), "{}", p.why);
    let only_tests = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            (
                "src/srv/server.py",
                "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n",
            ),
            ("tests/test_transports.py", test_file),
        ],
        |_| {},
    );
    assert_eq!(only_tests.serves, Serves::Http, "{}", only_tests.why);
    assert!(
        only_tests.why.contains("tests/test_transports.py:3"),
        "{}",
        only_tests.why
    );
}

/// The SDK's own repository (fastmcp's sdist: servers of every transport in its scripts,
/// examples and tests) is a library that serves nothing itself.
#[test]
fn the_sdk_itself_serves_nothing() {
    let p = decide_in(
        &[
            ("pyproject.toml", "[project]\nname = \"fastmcp\"\ndependencies = [\"httpx\"]\n"),
            ("scripts/bench.py", "from mcp.server.fastmcp import FastMCP\nFastMCP('b').run(transport='streamable-http')\n"),
        ],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Nothing, "{}", p.why);
    assert!(p.why.contains("the fastmcp SDK itself"), "{}", p.why);
}

#[test]
fn an_sse_default_a_port_option_and_a_health_route_shape_the_urls() {
    // tandemai-inc/rdkit-mcp-server: argparse `--port` (8000) and `--transport` (sse), then
    // `mcp.run_sse_async()`.
    let server = "import argparse\nfrom mcp.server.fastmcp import FastMCP\n\
                  parser = argparse.ArgumentParser()\n\
                  parser.add_argument(\"--port\", type=int, help=\"Port\", default=8123)\n\
                  parser.add_argument(\"--transport\", choices=[\"sse\", \"stdio\"], default=\"sse\")\n\
                  mcp = FastMCP(\"x\")\n\
                  @mcp.custom_route(\"/healthz\", methods=[\"GET\"])\nasync def h(r): ...\n\
                  async def main():\n    await mcp.run_sse_async()\n";
    let p = decide_in(
        &[("environment.yml", ENV_MCP), ("run_server.py", server)],
        |_| {},
    );
    assert_eq!(p.serves, Serves::Http, "{}", p.why);
    assert_eq!(p.mcp_url, "http://127.0.0.1:8123/sse");
    assert_eq!(p.health_url, "http://127.0.0.1:8123/healthz");
    assert_eq!(p.address_from, "port 8123 at run_server.py:4");
    let facts = code::file_facts("async def main():\n    await mcp.run_sse_async()\n");
    assert_eq!(facts.http.map(|h| h.2), Some(true));
    // A client's `--port` is not the server's.
    let client = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n\
                  client_group.add_argument(\"--port\", default=9999, help=\"port of the client\")\n";
    assert_eq!(code::file_facts(client).port, None);
    for (text, want) in [
        ("app.add_route(\"/api/health\", h)", Some("/api/health")),
        ("Route(\"/healthz\", endpoint=h)", Some("/healthz")),
        ("@app.get('/health')", Some("/health")),
        ("@app.get('/users')", None),
        ("url = \"/health\"", None),
        // A handler named for health serves it, whatever its path.
        (
            "@mcp.custom_route(\"/\", methods=[\"GET\"])\nasync def health_check(request):\n    ...",
            Some("/"),
        ),
        (
            "@mcp.custom_route(\n    \"/status\", methods=[\"GET\"]\n)\nasync def health(request): ...",
            Some("/status"),
        ),
        ("Route(\"/\", endpoint=health_check)", Some("/")),
        ("@app.get(\"/\")\nasync def index(): ...", None),
    ] {
        let text = format!("from mcp.server.fastmcp import FastMCP\n{text}\n");
        assert_eq!(code::file_facts(&text).health.as_deref(), want, "{text}");
    }
}

#[test]
fn a_python_entrypoint_takes_the_cmd_as_arguments_and_listens_on_loopback() {
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("Dockerfile", "FROM scratch\nEXPOSE 8348\nENTRYPOINT [\"python\", \"-m\", \"srv\", \"--host\", \"0.0.0.0\"]\nCMD [\"--transport\", \"http\"]\n"),
        ],
        |_| {},
    );
    let start = p.start.expect("the Dockerfile's ENTRYPOINT");
    assert_eq!(
        start.argv,
        [
            "python",
            "-m",
            "srv",
            "--host",
            "127.0.0.1",
            "--transport",
            "http"
        ]
    );
    assert_eq!(start.from, "Dockerfile ENTRYPOINT");
    // A CMD's `--host=0.0.0.0` too; a shell-script ENTRYPOINT leaves the CMD as it was.
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("main.py", "print('hi')\n"),
            ("Dockerfile", "FROM scratch\nENTRYPOINT [\"./entrypoint.sh\"]\nCMD [\"python\", \"main.py\", \"--host=0.0.0.0\"]\n"),
        ],
        |_| {},
    );
    let start = p.start.expect("the Dockerfile's CMD");
    assert_eq!(start.argv, ["python", "main.py", "--host=127.0.0.1"]);
    assert_eq!(start.from, "Dockerfile CMD");
    // `uv run` is a runner like `micromamba run`: the command is what follows it, with its
    // flag (davidf9999/gx-mcp-server starts HTTP only with `--http`).
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("Dockerfile", "FROM python:3.11-slim\nCMD [\"uv\", \"run\", \"--frozen\", \"python\", \"-m\", \"srv\", \"--http\"]\n"),
        ],
        |_| {},
    );
    let start = p.start.expect("the Dockerfile's CMD");
    assert_eq!(start.argv, ["python", "-m", "srv", "--http"]);
}

/// fastmcp's `run(transport="http", path=…)` serves MCP at that path (HyunjunGil/CTC4-AZEBAL:
/// `/azebal/mcp`); a `path=` of another call is no MCP endpoint.
#[test]
fn the_path_of_the_run_call_is_the_endpoint() {
    let text = "from fastmcp import FastMCP\nmcp = FastMCP(\"azebal\")\nif __name__ == \"__main__\":\n    mcp.run(\n        transport=\"streamable-http\",\n        host=\"0.0.0.0\",\n        port=8000,\n        path=\"/azebal/mcp\",\n    )\n";
    assert_eq!(code::file_facts(text).path.as_deref(), Some("/azebal/mcp"));
    let app = "from fastmcp import FastMCP\nmcp = FastMCP(\"x\")\napp = mcp.http_app(path=\"/api/mcp\")\n";
    assert_eq!(code::file_facts(app).path.as_deref(), Some("/api/mcp"));
    let other = "from fastmcp import FastMCP\nmcp = FastMCP(\"x\")\ndata = load(path=\"/data/x\")\nmcp.run(transport=\"http\")\n";
    assert_eq!(code::file_facts(other).path, None);
}

/// How the code chooses the host: a literal in the server's setup, an expression, an option, a
/// `…HOST` variable of the server's (with its default), never another service's variable.
#[test]
fn the_host_facts_of_a_server_file() {
    let f = code::file_facts("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', host='0.0.0.0')\nmcp.run(transport='sse')\n");
    assert_eq!(f.host.as_deref(), Some("0.0.0.0"));
    assert_eq!(f.host_from, None);
    let f = code::file_facts("import os\nfrom mcp.server.fastmcp import FastMCP\ncache = os.getenv('REDIS_HOST', 'localhost')\nmcp = FastMCP('x')\nmcp.run(transport='sse', host=os.environ.get('MCP_HOST', '0.0.0.0'))\n");
    assert_eq!(
        f.host_vars,
        vec![("MCP_HOST".to_string(), Some("0.0.0.0".to_string()))]
    );
    assert_eq!(f.host_from, Some(3), "the REDIS_HOST read comes first");
    let f = code::file_facts("import uvicorn\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\napp = mcp.sse_app()\n# host='0.0.0.0'\nuvicorn.run(app, host=mcp.settings.host)\n");
    assert_eq!(
        (f.host, f.host_from),
        (None, None),
        "the SDK's own setting read back chooses nothing"
    );
    let f = code::file_facts(
        "import argparse\np = argparse.ArgumentParser()\np.add_argument('--host')\n",
    );
    assert_eq!(
        f.host_from,
        Some(3),
        "a --host option, even in a file that does not configure"
    );
    let f = code::file_facts("import uvicorn\nuvicorn.run('pkg.app:app', host='0.0.0.0')\n");
    assert_eq!(
        (f.host, f.host_from),
        (None, Some(2)),
        "a literal outside the server's setup"
    );
}

/// The SDK's app mounted under a prefix serves its endpoint below it: ypotheto/compchem-mcp's
/// `Mount("/mcp", app=mcp.streamable_http_app())` answers at /mcp/mcp, and the README's /mcp
/// gets a redirect and a 404.
#[test]
fn a_mounted_app_serves_below_its_prefix() {
    let f = code::file_facts("from starlette.routing import Mount\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\napp = Starlette(routes=[Mount(\"/mcp\", app=mcp.streamable_http_app())])\n");
    assert_eq!(f.path.as_deref(), Some("/mcp/mcp"));
    let f = code::file_facts(
        "mcp = FastMCP('x')\napp = Starlette(routes=[Mount('/', app=mcp.streamable_http_app())])\n",
    );
    assert_eq!(f.path, None, "at the root the default holds");
    let f =
        code::file_facts("mcp = FastMCP('x')\nroutes = [Mount('/legacy/', app=mcp.sse_app())]\n");
    assert_eq!(f.path.as_deref(), Some("/legacy/sse"));
}

proptest::proptest! {
    #![proptest_config(crate::proptest_config())]
    /// Any Python-shaped text (quotes, comments, `host=`, unfinished strings, non-ASCII) is read
    /// without a panic, and every line the facts name is a line of the text.
    #[test]
    fn file_facts_survive_any_text(
        lines in proptest::collection::vec(
            "( {0,4})(#|'|\"|\"\"\"|host ?= ?|mcp\\.run\\(|FastMCP\\(|os\\.getenv\\(|--host|é|\\\\|[a-zA-Z_.=(), :'\"0-9])*",
            0..20,
        )
    ) {
        let text = lines.join("\n");
        let f = code::file_facts(&text);
        let count = text.lines().count().max(1);
        for line in [f.host_from, f.import, f.stdio, f.main.then_some(1)].into_iter().flatten() {
            proptest::prop_assert!(line >= 1 && line <= count, "line {line} of {count}");
        }
    }
}

/// An image that starts through an entrypoint script of the project's starts what the script
/// runs last (matsunagalab/mcp-md's `ENTRYPOINT ["/app/entrypoint.sh"]`), or, where the
/// script hands over with `exec "$@"`, the CMD after it.
#[test]
fn an_entrypoint_script_is_followed_to_the_server() {
    let server = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nif __name__ == '__main__':\n    mcp.run(transport='streamable-http')\n";
    let dockerfile =
        "FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nENTRYPOINT [\"/app/docker/entrypoint.sh\"]\n";
    let script = "#!/bin/bash\nset -e\n# python old_server.py\nsource /opt/conda/etc/profile.d/conda.sh\nexec micromamba run -n base python /app/src/server.py --port 8000\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("src/server.py", server),
            ("Dockerfile", dockerfile),
            ("docker/entrypoint.sh", script),
        ],
        |_| {},
    );
    let start = p
        .image_start
        .as_ref()
        .expect("the entrypoint starts src/server.py");
    assert_eq!(start.script, "src/server.py");
    assert_eq!(start.line, 3);
    // `exec "$@"`: the CMD after the script is what starts.
    let handover = "#!/bin/sh\nset -e\nexec \"$@\"\n";
    let dockerfile = "FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nENTRYPOINT [\"/app/docker/entrypoint.sh\"]\nCMD [\"python\", \"/app/src/server.py\"]\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("src/server.py", server),
            ("Dockerfile", dockerfile),
            ("docker/entrypoint.sh", handover),
        ],
        |_| {},
    );
    assert_eq!(
        p.image_start.map(|s| s.script),
        Some("src/server.py".into())
    );
    // A script that starts something else is not the server.
    let other = "#!/bin/sh\nexec nginx -g 'daemon off;'\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("src/server.py", server),
            ("Dockerfile", "FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nENTRYPOINT [\"/app/docker/entrypoint.sh\"]\n"),
            ("docker/entrypoint.sh", other),
        ],
        |_| {},
    );
    assert_eq!(p.image_start, None);
}

/// An image that starts the project's console script (`[project.scripts]`, run bare or
/// through `uv run`) starts the module its entry point names; another program does not.
#[test]
fn a_console_script_starts_its_entry_points_module() {
    let server = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\ndef main():\n    mcp.run(transport='streamable-http')\nif __name__ == '__main__':\n    main()\n";
    let pyproject = "[project]\nname = \"notes\"\ndependencies = [\"mcp>=1.9,<2\"]\n[project.scripts]\nnotes-server = \"notes.server:main\"\n";
    for (cmd, argv) in [
        (
            "CMD [\"notes-server\", \"--port\", \"8000\"]",
            &["notes-server", "--port", "8000"][..],
        ),
        ("CMD [\"uv\", \"run\", \"notes-server\"]", &["notes-server"]),
        (
            "ENTRYPOINT [\"/opt/venv/bin/notes-server\"]",
            &["/opt/venv/bin/notes-server"],
        ),
    ] {
        let p = decide_in(
            &[
                ("pyproject.toml", pyproject),
                ("src/notes/server.py", server),
                (
                    "Dockerfile",
                    &format!("FROM python:3.12-slim\nCOPY . /app\n{cmd}\n"),
                ),
            ],
            |_| {},
        );
        let start = p.image_start.as_ref().unwrap_or_else(|| panic!("{cmd}"));
        assert_eq!(start.script, "src/notes/server.py", "{cmd}");
        // The words as written, for the `--host` they may pass.
        assert_eq!(start.argv, argv, "{cmd}");
    }
    let p = decide_in(
        &[
            ("pyproject.toml", pyproject),
            ("src/notes/server.py", server),
            (
                "Dockerfile",
                "FROM python:3.12-slim\nCOPY . /app\nCMD [\"other-tool\"]\n",
            ),
        ],
        |_| {},
    );
    assert_eq!(p.image_start, None);
}

/// What the image and compose set at start is kept only for variables that name an address:
/// no other value (a password) is held, so none can reach Debug output.
#[test]
fn only_host_variables_of_the_image_and_compose_are_kept() {
    let server = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\nif __name__ == '__main__':\n    mcp.run(transport='sse')\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("server.py", server),
            ("Dockerfile", "FROM mambaorg/micromamba:2.0.5\nENV DB_PASSWORD=hunter2 MCP_HOST=0.0.0.0\nCMD [\"python\", \"server.py\"]\n"),
            ("compose.yaml", "services:\n  s:\n    build: .\n    environment:\n      API_TOKEN: s3cret\n      UVICORN_HOST: 0.0.0.0\n"),
        ],
        |_| {},
    );
    let start = p.image_start.as_ref().expect("the image starts server.py");
    let names: Vec<&str> = start.env.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, ["MCP_HOST"]);
    let names: Vec<&str> = start
        .compose
        .env
        .iter()
        .map(|(n, _, _)| n.as_str())
        .collect();
    assert_eq!(names, ["UVICORN_HOST"]);
    let shown = format!("{p:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("s3cret"),
        "{shown}"
    );
}

/// Every interface in each spelling a URL, a flag or compose gives it; loopback and names are not.
#[test]
fn every_interface_in_its_spellings() {
    for h in ["0.0.0.0", "::", "[::]", "::0", "0:0:0:0:0:0:0:0"] {
        assert!(every_interface(h), "{h}");
    }
    for h in ["127.0.0.1", "localhost", "::1", "[::1]", "", "0.0.0.0.0"] {
        assert!(!every_interface(h), "{h}");
    }
}

/// An HTTP start under an `if` that reads an environment variable (directly, through a name
/// assigned from it, or compared with a value) is gated on that variable; a negated test, an
/// `else:` branch and an HTTP start at the top level are not gates.
#[test]
fn an_http_start_gated_on_a_variable_names_it() {
    let gate = |body: &str| {
        let text = format!(
            "import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('w')\n{body}"
        );
        code::file_facts(&text)
            .http_gate
            .map(|g| (g.var, g.value, g.at))
    };
    let run = "mcp.run(transport=\"streamable-http\")";
    let at = |var: &str, value: Option<&str>, line: &str| {
        Some((var.to_string(), value.map(String::from), line.to_string()))
    };
    assert_eq!(
        gate(&format!(
            "if os.environ.get(\"PORT\"):\n    {run}\nelse:\n    mcp.run()\n"
        )),
        at("PORT", None, "4")
    );
    assert_eq!(
        gate(&format!("def main():\n    port = os.getenv(\"PORT\")\n\n    if port:\n        # HTTP for the platform\n        {run}\n    else:\n        mcp.run()\n")),
        at("PORT", None, "7")
    );
    assert_eq!(
        gate("if os.getenv('MCP_TRANSPORT') == 'http':\n    mcp.run(transport='http')\n"),
        at("MCP_TRANSPORT", Some("http"), "4")
    );
    assert_eq!(
        gate(&format!("if \"PORT\" in os.environ:\n    {run}\n")),
        at("PORT", None, "4")
    );
    // A read whose default is the value compared with serves HTTP without the variable
    // (lukaskostka99/marketing-miner-mcp); another default gates it.
    assert_eq!(
        gate("transport = os.getenv(\"MCP_TRANSPORT\", \"http\").lower()\nif transport == \"http\":\n    mcp.run(transport='http')\n"),
        None
    );
    assert_eq!(
        gate("transport = os.getenv(\"MCP_TRANSPORT\", \"stdio\").lower()\nif transport == \"http\":\n    mcp.run(transport='http')\n"),
        at("MCP_TRANSPORT", Some("http"), "5")
    );
    assert_eq!(
        gate(&format!("if not os.getenv(\"STDIO\"):\n    {run}\n")),
        None
    );
    assert_eq!(
        gate(&format!(
            "if os.getenv(\"STDIO\"):\n    mcp.run()\nelse:\n    {run}\n"
        )),
        None
    );
    assert_eq!(
        gate(&format!("if __name__ == \"__main__\":\n    {run}\n")),
        None
    );
    assert_eq!(gate(&format!("{run}\n")), None);
}

proptest::proptest! {
    #![proptest_config(crate::proptest_config())]

    /// Reading a source never panics, whatever its indentation, conditions, quotes and
    /// non-ASCII text around the markers (the gate reading walks lines back from one).
    #[test]
    fn reading_a_source_never_panics(
        lines in proptest::collection::vec(
            "(\t| {0,8})(if |elif |else:|# |port = )?(os\\.getenv\\(\"PORT\"\\)|os\\.environ\\[\"X\"\\]|not |é|mcp\\.run\\(transport=\"(sse|http)\"\\)|mcp\\.run\\(\\)|FastMCP\\('x'\\)|[\"'#:=]|[a-z ]{0,6}){0,4}",
            0..20,
        )
    ) {
        let _ = code::file_facts(&lines.join("\n"));
    }
}

/// The file that creates the server and its variable, for fixes that edit it: the HTTP
/// transport's file where it creates one, else the first file that does.
#[test]
fn the_server_is_named_by_the_file_that_creates_it() {
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("main.py", "from server import tools\nif __name__ == '__main__':\n    tools.run(transport=\"streamable-http\")\n"),
            ("server.py", "from mcp.server.fastmcp import FastMCP\ntools = FastMCP('t')\n"),
        ],
        |_| {},
    );
    assert_eq!(p.server_var, Some(("tools".into(), "server.py".into())));
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("a.py", "from mcp.server.fastmcp import FastMCP\nother = FastMCP('o')\n"),
            ("srv.py", "from mcp.server.fastmcp import FastMCP\nmine = FastMCP('m')\nmine.run(transport='sse')\n"),
        ],
        |_| {},
    );
    assert_eq!(p.server_var, Some(("mine".into(), "srv.py".into())));
}

/// The SDK major an import needs: SDK 1's `mcp.server.fastmcp` (and the `FastMCP` that
/// `mcp.server` re-exported), SDK 2's `MCPServer`; a comment or the standalone `fastmcp`
/// package is neither.
#[test]
fn the_sdk_api_an_import_needs() {
    let sdk = |text: &str| {
        let f = code::file_facts(text);
        (f.sdk1, f.sdk2)
    };
    assert_eq!(
        sdk("import os\nfrom mcp.server.fastmcp import FastMCP, Context\n"),
        (Some(2), None)
    );
    assert_eq!(sdk("import mcp.server.fastmcp as fm\n"), (Some(1), None));
    assert_eq!(sdk("from mcp.server import FastMCP\n"), (Some(1), None));
    assert_eq!(
        sdk("from mcp.server.fastmcp.prompts import base\n"),
        (Some(1), None)
    );
    assert_eq!(
        sdk("from mcp.server.mcpserver import MCPServer\n"),
        (None, Some(1))
    );
    assert_eq!(
        sdk("\nfrom mcp.server import MCPServer as Server\n"),
        (None, Some(2))
    );
    assert_eq!(
        sdk("try:\n    from mcp.server import MCPServer\nexcept ImportError:\n    from mcp.server.fastmcp import FastMCP as MCPServer\n"),
        (Some(4), Some(2))
    );
    assert_eq!(
        sdk("# from mcp.server.fastmcp import FastMCP\nfrom fastmcp import FastMCP\n"),
        (None, None)
    );
    assert_eq!(
        sdk("from mcp.server.lowlevel import Server\n"),
        (None, None)
    );
}

/// A streamable HTTP app mounted in an app that sets no lifespan, inline or through a
/// variable; a lifespan anywhere in the file (or the session manager entered by hand), or the
/// SDK's app served as it is, is no such mount.
#[test]
fn a_mount_without_the_session_managers_lifespan() {
    let mount = |text: &str| code::file_facts(text).unmanaged_mount;
    assert_eq!(
        mount("app = Starlette(\n    routes=[\n        Mount(\"/\", app=mcp.streamable_http_app()),\n    ]\n)\n"),
        Some((3, "mcp".to_string()))
    );
    assert_eq!(
        mount("server = FastMCP('x')\nmcp_app = server.streamable_http_app()\napp = FastAPI()\napp.mount(\"/mcp\", mcp_app)\n"),
        Some((4, "server".to_string()))
    );
    let managed = [
        "app = Starlette(routes=[Mount(\"/\", app=mcp.streamable_http_app())], lifespan=lifespan)\n",
        "async with mcp.session_manager.run():\n    app.mount(\"/\", mcp.streamable_http_app())\n",
        "app = mcp.streamable_http_app()\nuvicorn.run(app)\n",
        "mcp_app = mcp.streamable_http_app()\napp.mount(\"/other\", other_app)\n",
    ];
    for text in managed {
        assert_eq!(mount(text), None, "{text}");
    }
}

/// SDK 1's low-level server registers its handlers with decorators that SDK 2's `Server`
/// no longer has; SDK 2 gives them to the constructor. A decorator without the SDK's
/// `Server` imported (another framework's) is neither.
#[test]
fn the_low_level_servers_sdk() {
    let f = code::file_facts(
        "from mcp.server import Server\n\nserver = Server(\"arxiv\")\n\n\n@server.list_tools()\nasync def tools():\n    return []\n",
    );
    assert_eq!((f.sdk1, f.sdk1_lowlevel, f.sdk2), (Some(6), true, None));
    let f = code::file_facts(
        "from mcp.server.lowlevel import Server\n\nserver = Server(\"x\", on_list_tools=tools)\n",
    );
    assert_eq!((f.sdk1, f.sdk2), (None, Some(3)));
    let f = code::file_facts("from other import Server\n@app.list_tools()\ndef t(): ...\n");
    assert_eq!((f.sdk1, f.sdk2), (None, None));
    // A server kept on an object, its handlers registered in a method (nickzren/mychem-mcp).
    let f = code::file_facts(
        "from mcp.server import Server\n\nclass App:\n    def __init__(self):\n        self.mcp_server = Server(\"mychem\")\n\n        @self.mcp_server.list_tools()\n        async def tools():\n            return []\n",
    );
    assert_eq!((f.sdk1, f.sdk1_lowlevel, f.sdk2), (Some(7), true, None));
}

/// datalayer/jupyter-mcp-server overrides the SDK's method (`def streamable_http_app(self)`)
/// and starts stdio by default: the definition, and the `super()` call in it, are no HTTP
/// start; a call of the app elsewhere is.
#[test]
fn a_method_named_like_an_http_app_is_no_http_start() {
    let f = code::file_facts(
        "from mcp.server.fastmcp import FastMCP\n\nclass Server(FastMCP):\n    def streamable_http_app(self):\n        return super().streamable_http_app()\n",
    );
    assert_eq!(f.http, None);
    let f = code::file_facts(
        "from mcp.server.fastmcp import FastMCP\n\nclass Server(FastMCP):\n    def streamable_http_app(self):\n        return self._app\n\napp = Server('x').streamable_http_app()\n",
    );
    assert_eq!(f.http.map(|(_, line, _)| line), Some(7));
}

/// The line of an import is its own, not that of the blank lines or comments above it.
#[test]
fn an_import_is_placed_on_its_own_line() {
    let f = code::file_facts("\"\"\"Notes.\"\"\"\n\n# the server\n\nimport os\nfrom mcp.server.fastmcp import FastMCP\n\n\nmcp = FastMCP(\"n\")\n");
    assert_eq!(f.import, Some(6));
    assert_eq!(f.sdk1, Some(6));
    assert_eq!(f.server_var.as_deref(), Some("mcp"));
}

/// obot-platform's example mounts the SDK's app under /mcp and sets its own path to "/":
/// the endpoint is /mcp/, not / (the app's path alone) nor /mcp/mcp (the default below it).
#[test]
fn a_mounted_app_with_its_own_path() {
    let text = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"x\")\nmcp.settings.streamable_http_path = \"/\"\napp = Starlette(routes=[Mount(\"/mcp\", app=mcp.streamable_http_app())])\n";
    assert_eq!(code::file_facts(text).path.as_deref(), Some("/mcp/"));
    let text = text.replace("mcp.settings.streamable_http_path = \"/\"\n", "");
    assert_eq!(code::file_facts(&text).path.as_deref(), Some("/mcp/mcp"));
    // SDK 2 takes the path as the app's argument.
    let text = text.replace(
        "streamable_http_app()",
        "streamable_http_app(streamable_http_path=\"/\")",
    );
    assert_eq!(code::file_facts(&text).path.as_deref(), Some("/mcp/"));
}

/// SDK 1's FastMCP run with an address is the server variable's `run()`, not uvicorn's.
#[test]
fn sdk_1_run_with_an_address_is_the_servers_own() {
    let f = code::file_facts("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"x\")\nmcp.run(transport=\"sse\", port=8001)\n");
    assert_eq!(f.sdk1_run_address, Some(3));
    let f = code::file_facts("from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"x\")\nuvicorn.run(app, host=\"0.0.0.0\", port=8000)\n");
    assert_eq!(f.sdk1_run_address, None);
}

/// Of several server scripts, the one that serves HTTP is started, with the argparse flag its
/// HTTP start is gated on (matsunagalab/mcp-md: a stdio `research_server.py` and
/// `unified_server.py --http`); a flag that is not a `store_true` option is not passed.
#[test]
fn the_http_server_script_starts_with_its_flag() {
    let stdio = "from fastmcp import FastMCP\nmcp = FastMCP('research')\nif __name__ == '__main__':\n    mcp.run()\n";
    let http = |action: &str| {
        format!("import argparse\nfrom fastmcp import FastMCP\nmcp = FastMCP('unified')\n\ndef main():\n    parser = argparse.ArgumentParser()\n    parser.add_argument(\"--http\", action=\"{action}\", help=\"HTTP\")\n    args = parser.parse_args()\n    if args.http:\n        mcp.run(transport=\"http\", port=3000)\n    else:\n        mcp.run()\n\nif __name__ == '__main__':\n    main()\n")
    };
    let start = |server: &str| {
        decide_in(
            &[
                ("environment.yml", ENV_MCP),
                ("servers/research_server.py", stdio),
                ("servers/unified_server.py", server),
            ],
            |_| {},
        )
        .start
        .expect("a start")
        .argv
    };
    assert_eq!(
        start(&http("store_true")),
        ["python", "servers/unified_server.py", "--http"]
    );
    assert_eq!(
        start(&http("count")),
        ["python", "servers/unified_server.py"]
    );
}

/// A server in a subfolder that imports a package only the root holds starts as a module from
/// the root (denis-kornilov/mcp-rag's gateway imports `core.settings`): `python
/// gateway/server.py` would put gateway/ on `sys.path` and stop at the import.
#[test]
fn a_subfolder_server_importing_the_root_starts_as_a_module() {
    let server = "from mcp.server.fastmcp import FastMCP\nfrom core.settings import PORT\nmcp = FastMCP('gw', port=PORT)\nif __name__ == '__main__':\n    mcp.run(transport='streamable-http')\n";
    let p = decide_in(
        &[
            ("environment.yml", ENV_MCP),
            ("gateway/server.py", server),
            ("core/__init__.py", ""),
            ("core/settings.py", "PORT = 8000\n"),
        ],
        |_| {},
    );
    assert_eq!(
        p.start.expect("the script").argv,
        ["python", "-m", "gateway.server"]
    );
    let p = decide_in(
        &[("environment.yml", ENV_MCP), ("gateway/server.py", server)],
        |_| {},
    );
    assert_eq!(
        p.start.expect("the script").argv,
        ["python", "gateway/server.py"]
    );
}
