//! `mcp.container_bind`: whether the MCP server an image starts listens where a published port
//! can reach it. Judged from the files alone (the code, the Dockerfile), nothing is run.

use super::over_http;
use crate::core::{CheckResult, Context, Early, Fix, Outcome, Phase};
use crate::probes::mcp::{self, CodeHost, ImageStart};

pub(super) const EXPLAIN: &str = "
Looks at: the Dockerfile whose image starts the project's MCP server (its CMD or ENTRYPOINT
runs the server's script with Python, directly, through `micromamba run`, a shell chain or an
entrypoint script of the project's, or runs uvicorn with the server's app, whose `--host` or
`UVICORN_HOST` then decides), the address the
script's code gives the server (`host=` where the server is created or run, a `--host` option,
a `…HOST` environment variable it reads), the image's ENV, and what the compose services that
run the image set at start (`environment:`, a `--host` in `command:`), which wins.
Why: the MCP Python SDK (FastMCP, MCPServer) and uvicorn listen on 127.0.0.1 unless told
otherwise. Inside a container that is the container's own loopback: `docker run -p 8000:8000`
and compose's `ports:` forward to the container's network interface, where nothing listens, and
every client gets `connection reset`.
When: the project serves MCP over HTTP and a Dockerfile starts its server script; skips
otherwise. The host is judged when the code names none (the default), names every interface,
or reads a `…HOST` variable that compose or the image sets or that has a default; a host
chosen another way, passed on from the shell or an env_file, or given to `--host` as a shell
variable of the start script (`--host \"$HOST\"`), is not guessed at. Code that gives SDK 1's
FastMCP `run()` the address stops before it listens: mcp.sdk fails on that, and this check
skips and points there.
Fix: give the server `host=\"0.0.0.0\"` inside the container only, e.g. from a variable the
Dockerfile sets (`ENV MCP_HOST=0.0.0.0` and `host=os.environ.get(\"MCP_HOST\", \"127.0.0.1\")`),
keep the published port on loopback (`127.0.0.1:8000:8000`), then rebuild.";

/// The image's ENV of one of `names`, with its value and place.
fn image_sets<'a>(start: &'a ImageStart, names: &[&str]) -> Option<&'a (String, String, String)> {
    start
        .env
        .iter()
        .find(|(n, _, _)| names.contains(&n.as_str()))
}

/// `--host 0.0.0.0` / `--host=0.0.0.0` in the start command; an early skip where the value
/// is a shell variable (`--host "$HOST"` in an entrypoint script), which is not read.
fn host_argument(argv: &[String]) -> Result<Option<&str>, Early> {
    let host = argv.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--host=").or_else(|| {
            (w == "--host")
                .then(|| argv.get(i + 1).map(String::as_str))
                .flatten()
        })
    });
    match host {
        Some(h) if h.contains('$') => Err(Early::skip(format!(
            "the start command passes --host {}, a variable its script sets: not judged",
            crate::policy::text::printable(h)
        ))),
        _ => Ok(host),
    }
}

/// How [`chosen_host`] says the host is its `--host` option's default, which the fix then
/// overrides in the start command.
const OPTION_DEFAULT: &str = "so the option's default";

/// `mcp.container_bind`.
pub(super) fn check(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let Some(start) = &p.image_start else {
        return Err(Early::skip(
            "no Dockerfile starts the MCP server (a CMD or ENTRYPOINT that runs its script with Python, or uvicorn with its app)",
        ));
    };
    // One cause, one failure: SDK 1's `run()` refuses the address, so the server never
    // listens anywhere; mcp.sdk reports that.
    if let Some(at) = &p.sdk1_run_address {
        return Err(Early::skip(format!(
            "not judged: {at} gives SDK 1's FastMCP `run()` a host or port, which it does not take, so the server stops before it listens (see mcp.sdk)"
        )));
    }
    let (host, how) = chosen_host(start, &p.code_host)?;
    let runs = format!(
        "{}:{} starts {}",
        start.dockerfile, start.line, start.script
    );
    if mcp::every_interface(&host) {
        return Ok(CheckResult::ok(format!(
            "listens on every interface in the container: {runs}; {how}"
        )));
    }
    let mut r = CheckResult::warn(format!(
        "the MCP server the image starts listens on {host} inside the container: a published port reaches nothing"
    ))
    .detail(format!("{runs}; {how}"));
    if let Some(t) = p
        .transport_at
        .as_ref()
        .filter(|_| p.code_host.literal.is_none())
    {
        r = r.detail(format!("it serves HTTP ({t})"));
    }
    // fastmcp's CLI takes `--host` itself: the start command is where the address goes.
    let option = how.contains(OPTION_DEFAULT) || start.fastmcp_cli;
    Ok(r.with_fix(fix(start, option)))
}

/// The host the server in the image listens on, and how that is known; an early skip where
/// the code chooses it in a way not read here.
fn chosen_host(start: &ImageStart, code: &CodeHost) -> Result<(String, String), Early> {
    if start.uvicorn {
        return uvicorn_host(start);
    }
    let CodeHost {
        literal,
        from,
        vars,
        option,
    } = code;
    let run = &start.compose;
    // fastmcp's CLI: its `--host` wins over what the code gives the server.
    if start.fastmcp_cli {
        if let Some(host) = host_argument(&start.argv)? {
            return Ok((
                host.to_string(),
                format!("its command passes --host {host} to fastmcp's CLI"),
            ));
        }
    }
    if from.is_some() {
        if let Some((host, at)) = &run.host_flag {
            return Ok((
                host.clone(),
                format!("compose's command passes --host {host} ({at})"),
            ));
        }
        if let Some(host) = host_argument(&start.argv)? {
            return Ok((
                host.to_string(),
                format!("its command passes --host {host}"),
            ));
        }
        // No --host given: the option's own default holds (davidf9999/gx-mcp-server's
        // `--host` defaults to localhost, which the published port cannot reach).
        if let Some((host, at)) = option {
            return Ok((
                host.clone(),
                format!("its command passes no --host, {OPTION_DEFAULT} \"{host}\" ({at}) holds"),
            ));
        }
    }
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    if let Some(found) = set_at_start(start, &names, ", which the code reads")? {
        return Ok(found);
    }
    if let Some((name, Some(default))) = vars.first() {
        unset_unless_env_file(start, name)?;
        return Ok((
            default.clone(),
            format!("nothing sets {name}, so the code's default \"{default}\" holds"),
        ));
    }
    // The SDKs' own variables (fastmcp's settings, mcp 1.x's FastMCP) when the code names no host.
    if literal.is_none() && from.is_none() {
        if let Some(found) = set_at_start(start, &["FASTMCP_HOST", "FASTMCP_SERVER_HOST"], "")? {
            return Ok(found);
        }
    }
    if literal.is_none() && from.is_none() {
        unset_unless_env_file(start, "FASTMCP_HOST")?;
    }
    if let Some(at) = from {
        return Err(Early::skip(format!(
            "the code sets a host at {at} in a way not read here (from a variable, an option, or in another call), and nothing sets the variables the code reads: not judged"
        )));
    }
    match literal {
        Some(host) if mcp::every_interface(host) => Ok((host.clone(), format!("its code gives host \"{host}\""))),
        // A literal may be another client's (a database on localhost): which call it is for
        // is not read.
        Some(host) => Err(Early::skip(format!(
            "the server's code names host \"{host}\", and which call it is for is not read: not judged"
        ))),
        None => Ok(("127.0.0.1".into(), "its code names no host, so the default of the MCP SDK and of uvicorn, 127.0.0.1, holds".into())),
    }
}

/// The host uvicorn listens on: its `--host`, else `UVICORN_HOST`, else its 127.0.0.1.
fn uvicorn_host(start: &ImageStart) -> Result<(String, String), Early> {
    if let Some((host, at)) = &start.compose.host_flag {
        return Ok((
            host.clone(),
            format!("compose's command passes --host {host} ({at})"),
        ));
    }
    if let Some(host) = host_argument(&start.argv)? {
        return Ok((host.to_string(), format!("uvicorn is given --host {host}")));
    }
    if let Some(found) = set_at_start(start, &["UVICORN_HOST"], "")? {
        return Ok(found);
    }
    unset_unless_env_file(start, "UVICORN_HOST")?;
    Ok((
        "127.0.0.1".into(),
        "uvicorn is given no --host, so its default, 127.0.0.1, holds".into(),
    ))
}

/// A default holds only where nothing may set `name`: an `env_file:` of compose may.
fn unset_unless_env_file(start: &ImageStart, name: &str) -> Result<(), Early> {
    if start.compose.env_file {
        return Err(Early::skip(format!(
            "compose gives the container an env_file, which may set {name}: not judged"
        )));
    }
    Ok(())
}

/// The value the container starts with for the first of `names` that is set: compose's
/// `environment:` (which wins), else the image's ENV. One compose passes on from the shell
/// or `.env` is not known.
fn set_at_start(
    start: &ImageStart,
    names: &[&str],
    reads: &str,
) -> Result<Option<(String, String)>, Early> {
    let in_compose = start
        .compose
        .env
        .iter()
        .find(|(n, _, _)| names.contains(&n.as_str()));
    if let Some((name, value, at)) = in_compose {
        return match value {
            Some(v) => Ok(Some((
                v.clone(),
                format!("compose sets {name}={v} ({at}){reads}"),
            ))),
            None => Err(Early::skip(format!(
                "compose passes {name} on from the shell or .env ({at}): not judged"
            ))),
        };
    }
    Ok(image_sets(start, names).map(|(name, value, at)| {
        (
            value.clone(),
            format!("the image sets {name}={value} ({at}){reads}"),
        )
    }))
}

/// The fix; `option`: the host is the default of the server's own `--host` option.
fn fix(start: &ImageStart, option: bool) -> Fix {
    let edit = if start.uvicorn {
        format!("Edit {} (line {}): pass `--host 0.0.0.0` to uvicorn; its default, 127.0.0.1, is the container's own loopback.", start.dockerfile, start.line)
    } else if option {
        format!("Edit {} (line {}): pass `--host 0.0.0.0` to the server; the option's default is the container's own loopback (a run by hand keeps it).", start.dockerfile, start.line)
    } else {
        format!("Edit {}: give the server host=\"0.0.0.0\" in the container only, from a variable the Dockerfile sets: `host=os.environ.get(\"MCP_HOST\", \"127.0.0.1\")` where the server is created or run, and `ENV MCP_HOST=0.0.0.0` in {} (a run by hand stays on loopback).", start.script, start.dockerfile)
    };
    Fix::new("Let the server in the container listen on every interface — its own loopback is out of reach of a published port.")
        .phase(Phase::Runtime)
        .manual(edit)
        .manual("Off loopback the SDK no longer checks Host and Origin itself: keep the port published on loopback only (`127.0.0.1:PORT:PORT`; mcp.bind names a compose port that is not) and see mcp.origin.")
        .manual("then rebuild the image and start the container again")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::Settle;
    use crate::core::{Settings, Status};

    const ENV: &str =
        "name: srv\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - mcp>=1.9\n";

    /// The check's result over a project of `files` (path, text) and an environment file.
    fn run_in(files: &[(&str, &str)]) -> CheckResult {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [("environment.yml", ENV)].iter().chain(files) {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let settings = Settings {
            project_dir: dir.path().to_path_buf(),
            server_dir: dir.path().to_path_buf(),
            env_file: dir.path().join("environment.yml"),
            ..Settings::default()
        };
        check(&Context::with_vars(settings, Vec::new())).settle()
    }

    /// The check's status and summary over a project of `server` (src/server.py) and
    /// `dockerfile`.
    fn judge(server: &str, dockerfile: &str) -> (Status, String) {
        judge_with(server, dockerfile, None)
    }

    /// [`judge`] with a compose.yaml too.
    fn judge_with(server: &str, dockerfile: &str, compose: Option<&str>) -> (Status, String) {
        let mut files = vec![("src/server.py", server), ("Dockerfile", dockerfile)];
        files.extend(compose.map(|c| ("compose.yaml", c)));
        let r = run_in(&files);
        (r.status, r.summary)
    }

    const SDK_DEFAULT: &str = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('notes')\nif __name__ == '__main__':\n    # mcp.settings.host = '0.0.0.0'\n    mcp.run(transport='sse')\n";
    const CMD: &str = "FROM mambaorg/micromamba:2.0.5\nCOPY src/ /app/src/\nEXPOSE 8000\nCMD [\"python\", \"/app/src/server.py\"]\n";

    /// A server that names no host listens on the SDK's 127.0.0.1 in the image (a host in a
    /// comment says nothing); the image's own variable or the code's default decides otherwise.
    #[test]
    fn the_sdk_default_in_an_image_is_loopback() {
        let (status, summary) = judge(SDK_DEFAULT, CMD);
        assert_eq!(status, Status::Warn, "{summary}");
        assert!(
            summary.contains("listens on 127.0.0.1 inside the container"),
            "{summary}"
        );
        let via = CMD.replace("CMD", "ENV FASTMCP_HOST=0.0.0.0\nCMD");
        assert_eq!(judge(SDK_DEFAULT, &via).0, Status::Ok);
        let module = CMD.replace("\"/app/src/server.py\"", "\"-m\", \"src.server\"");
        assert_eq!(judge(SDK_DEFAULT, &module).0, Status::Warn);
        let wrapped = CMD.replace(
            "[\"python\"",
            "[\"micromamba\", \"run\", \"-n\", \"base\", \"python\", \"-u\"",
        );
        assert_eq!(judge(SDK_DEFAULT, &wrapped).0, Status::Warn);
        let other = CMD.replace("src/server.py", "src/worker.py");
        assert_eq!(judge(SDK_DEFAULT, &other).0, Status::Skip);
        let chain = "FROM mambaorg/micromamba:2.0.5\nCOPY src/ /app/\nENTRYPOINT . /opt/conda/etc/profile.d/conda.sh && conda activate && exec /opt/conda/bin/python /app/server.py\n";
        assert_eq!(
            judge(SDK_DEFAULT, chain).0,
            Status::Warn,
            "the last command of a shell chain"
        );
    }

    /// An image that starts uvicorn with the server's app listens where uvicorn's `--host`
    /// (or `UVICORN_HOST`) says, 127.0.0.1 without one, whatever the code.
    #[test]
    fn uvicorn_with_the_servers_app_decides_the_host() {
        let app = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('notes')\napp = mcp.streamable_http_app()\n";
        let image = |cmd: &str| {
            format!("FROM mambaorg/micromamba:2.0.5\nWORKDIR /app\nCOPY . /app\n{cmd}\n")
        };
        let (status, summary) = judge(
            app,
            &image("CMD [\"uvicorn\", \"src.server:app\", \"--port\", \"8000\"]"),
        );
        assert_eq!(status, Status::Warn, "{summary}");
        let ok = [
            "CMD [\"uvicorn\", \"src.server:app\", \"--host\", \"0.0.0.0\"]",
            "CMD [\"micromamba\", \"run\", \"-n\", \"base\", \"python\", \"-m\", \"uvicorn\", \"src.server:app\", \"--host=0.0.0.0\"]",
            "ENV UVICORN_HOST=0.0.0.0\nCMD uvicorn src.server:app --port 8000",
        ];
        for cmd in ok {
            let (status, summary) = judge(app, &image(cmd));
            assert_eq!(status, Status::Ok, "{cmd}: {summary}");
        }
        let other = image("CMD [\"uvicorn\", \"src.other:app\"]");
        assert_eq!(judge(app, &other).0, Status::Skip, "another module's app");
        let bare = image("CMD [\"uvicorn\", \"src.server:app\"]");
        let env_file = "services:\n  notes:\n    build: .\n    env_file: .env\n";
        let (status, summary) = judge_with(app, &bare, Some(env_file));
        assert_eq!(
            status,
            Status::Skip,
            "an env_file may set UVICORN_HOST: {summary}"
        );
    }

    /// A Dockerfile in the server's folder copies that folder: src/Dockerfile's image runs
    /// src/server.py as /app/server.py.
    #[test]
    fn a_dockerfile_beside_the_server_starts_it_from_its_context() {
        let r = run_in(&[
            ("src/server.py", SDK_DEFAULT),
            ("src/Dockerfile", "FROM mambaorg/micromamba:2.0.5\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"/app/server.py\"]\n"),
        ]);
        assert_eq!(r.status, Status::Warn, "{}", r.summary);
        assert!(
            r.details[0].starts_with("src/Dockerfile:4 starts src/server.py"),
            "{:?}",
            r.details
        );
    }

    /// `python -m pkg` starts the server script inside the package; a host that script hands
    /// to uvicorn is not the SDK's default, so it is not judged as one.
    #[test]
    fn a_package_run_as_a_module_starts_its_server_script() {
        let judge = |run: &str| {
            let cli = format!(
                "import uvicorn\ndef main():\n    {run}\nif __name__ == '__main__':\n    main()\n"
            );
            let r = run_in(&[
                ("src/notes/__main__.py", "from notes.cli import main\nif __name__ == '__main__':\n    main()\n"),
                ("src/notes/app.py", "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('notes')\napp = mcp.streamable_http_app()\n"),
                ("src/notes/cli.py", &cli),
                ("Dockerfile", "FROM mambaorg/micromamba:2.0.5\nCOPY src/ /app/\nENTRYPOINT [\"python\", \"-m\", \"notes\"]\n"),
            ]);
            (r.status, r.summary)
        };
        let (status, summary) = judge("uvicorn.run('notes.app:app', port=8000)");
        assert_eq!(status, Status::Warn, "{summary}");
        assert!(summary.contains("127.0.0.1"), "{summary}");
        let (status, summary) = judge("uvicorn.run('notes.app:app', host='0.0.0.0', port=8000)");
        assert_eq!(status, Status::Skip, "{summary}");
        assert!(summary.contains("src/notes/cli.py:3"), "{summary}");
    }

    /// An image that serves the server with fastmcp's CLI (`fastmcp run src/server.py
    /// --transport streamable-http`) starts that file; with no `--host` it listens on the
    /// code's host or loopback, and the step passes `--host 0.0.0.0` to the CLI.
    #[test]
    fn fastmcps_cli_starts_the_file_it_names() {
        let code = "from fastmcp import FastMCP\nmcp = FastMCP('notes')\nif __name__ == '__main__':\n    mcp.run()\n";
        let cli = |host: &str| {
            format!("FROM python:3.12-slim\nCOPY src/ /app/src/\nEXPOSE 8000\nCMD [\"fastmcp\", \"run\", \"/app/src/server.py\", \"--transport\", \"streamable-http\"{host}]\n")
        };
        let r = run_in(&[("src/server.py", code), ("Dockerfile", &cli(""))]);
        assert_eq!(r.status, Status::Warn, "{}", r.summary);
        let step = &r.fix.expect("a fix").manual[0];
        assert!(
            step.contains("pass `--host 0.0.0.0` to the server"),
            "{step}"
        );
        let (status, summary) = judge(code, &cli(", \"--host\", \"0.0.0.0\""));
        assert_eq!(status, Status::Ok, "{summary}");
        assert!(
            summary.contains("passes --host 0.0.0.0 to fastmcp's CLI"),
            "{summary}"
        );
    }

    /// A host read from the environment is judged by what the image sets, else by the read's
    /// default; another service's variable and a bare literal are not the server's host. (The
    /// standalone fastmcp's `run()` takes the address; SDK 1's does not, see mcp.sdk.)
    #[test]
    fn a_host_from_the_environment_follows_the_image() {
        let read = |default: &str| {
            format!("import os\nfrom fastmcp import FastMCP\nmcp = FastMCP('notes')\nif __name__ == '__main__':\n    mcp.run(transport='sse', host=os.getenv('MCP_HOST'{default}))\n")
        };
        assert_eq!(judge(&read(""), CMD).0, Status::Skip);
        let set = CMD.replace("CMD", "ENV MCP_HOST=0.0.0.0\nCMD");
        assert_eq!(judge(&read(""), &set).0, Status::Ok);
        assert_eq!(judge(&read(", '0.0.0.0'"), CMD).0, Status::Ok);
        let (status, summary) = judge(&read(", '127.0.0.1'"), CMD);
        assert_eq!(status, Status::Warn, "{summary}");
        let redis = SDK_DEFAULT.replace(
            "mcp = ",
            "cache = os.getenv('REDIS_HOST', 'localhost')\nmcp = ",
        );
        assert_eq!(
            judge(&redis, CMD).0,
            Status::Skip,
            "a *HOST read makes the host not judged"
        );
        let literal = SDK_DEFAULT.replace(
            "mcp.run(transport='sse')",
            "mcp.run(transport='sse', host='localhost')",
        );
        assert_eq!(judge(&literal, CMD).0, Status::Skip);
        let everywhere =
            SDK_DEFAULT.replace("FastMCP('notes')", "FastMCP('notes', host='0.0.0.0')");
        assert_eq!(judge(&everywhere, CMD).0, Status::Ok);
    }

    /// A `--host` option whose default is loopback, and a CMD that passes none
    /// (davidf9999/gx-mcp-server): the default holds, and the fix passes `--host 0.0.0.0`. A
    /// CMD that passes one overrides it.
    #[test]
    fn a_host_options_default_holds_where_the_command_passes_none() {
        let server = |default: &str| {
            format!("import argparse\nfrom fastmcp import FastMCP\nmcp = FastMCP('notes')\nif __name__ == '__main__':\n    p = argparse.ArgumentParser()\n    p.add_argument(\n        \"--host\",\n        default={default},\n        help=\"Host for HTTP server\",\n    )\n    a = p.parse_args()\n    mcp.run(transport='sse', host=a.host)\n")
        };
        let (status, summary) = judge(&server("\"localhost\""), CMD);
        assert_eq!(status, Status::Warn, "{summary}");
        assert!(summary.contains("listens on localhost"), "{summary}");
        let r = run_in(&[
            ("src/server.py", &server("\"localhost\"")),
            ("Dockerfile", CMD),
        ]);
        let step = &r.fix.expect("a fix").manual[0];
        assert!(
            step.starts_with("Edit Dockerfile (line 4): pass `--host 0.0.0.0` to the server"),
            "{step}"
        );
        let passed = CMD.replace("server.py\"]", "server.py\", \"--host\", \"0.0.0.0\"]");
        assert_eq!(judge(&server("\"localhost\""), &passed).0, Status::Ok);
        assert_eq!(judge(&server("\"0.0.0.0\""), CMD).0, Status::Ok);
        // A default read from the environment is the variable's: judged by what sets it.
        let from_env = server("os.getenv(\"HOST\", \"127.0.0.1\")");
        let r = run_in(&[("src/server.py", &from_env), ("Dockerfile", CMD)]);
        assert_eq!(r.status, Status::Warn);
        assert!(
            r.details[0].contains("nothing sets HOST"),
            "{:?}",
            r.details
        );
    }

    /// What compose gives the container wins over the image and over the code's default; a
    /// value passed on from the shell or an env_file is not known.
    #[test]
    fn compose_sets_the_host_at_start() {
        let code = "import os\nfrom fastmcp import FastMCP\nmcp = FastMCP('notes')\nif __name__ == '__main__':\n    mcp.run(transport='sse', host=os.getenv('MCP_HOST', '127.0.0.1'))\n";
        let service = |extra: &str| {
            format!("services:\n  notes:\n    build: .\n    ports:\n      - \"127.0.0.1:8000:8000\"\n{extra}")
        };
        let (status, summary) = judge_with(code, CMD, Some(&service("")));
        assert_eq!(status, Status::Warn, "{summary}");
        let set = service("    environment:\n      MCP_HOST: 0.0.0.0\n");
        let (status, summary) = judge_with(code, CMD, Some(&set));
        assert_eq!(status, Status::Ok, "{summary}");
        assert!(
            summary.contains("compose sets MCP_HOST=0.0.0.0 (compose.yaml:7)"),
            "{summary}"
        );
        let passed = service("    environment:\n      - MCP_HOST\n");
        assert_eq!(judge_with(code, CMD, Some(&passed)).0, Status::Skip);
        let file = service("    env_file: .env\n");
        assert_eq!(judge_with(code, CMD, Some(&file)).0, Status::Skip);
        let image = CMD.replace("CMD", "ENV MCP_HOST=0.0.0.0\nCMD");
        let back = service("    environment:\n      MCP_HOST: 127.0.0.1\n");
        assert_eq!(judge_with(code, &image, Some(&back)).0, Status::Warn);
    }
}
