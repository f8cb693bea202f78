//! The MCP checks speak only where the project serves MCP over HTTP, take the address from the
//! project's files, and report one failure when nothing listens. Every address here is a
//! loopback port that was just free; nothing listens on it.

mod support;

use std::net::TcpListener;
use support::{check, status, Sandbox};

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

const ENV_MCP: &str =
    "name: srv\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - mcp>=1.9\n";

#[test]
fn an_empty_folder_and_a_stdio_server_skip_with_the_reason() {
    let sb = Sandbox::new();
    let (report, code) = sb.json(&["mcp.*"]);
    for id in ["mcp.health", "mcp.handshake", "mcp.port"] {
        assert_eq!(status(&report, id), "skip", "{id}: {report:#}");
        let s = check(&report, id)["summary"].as_str().unwrap();
        assert!(s.contains("does not serve MCP"), "{id}: {s}");
    }
    assert_eq!(code, 3, "checks named on the command line that all skipped");

    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/server.py",
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('s')\nif __name__ == '__main__':\n    mcp.run(transport='stdio')\n",
    );
    let (report, _) = sb.json(&["mcp.*"]);
    for id in ["mcp.health", "mcp.handshake", "mcp.port"] {
        assert_eq!(status(&report, id), "skip", "{id}");
        let c = check(&report, id);
        assert!(
            c["summary"].as_str().unwrap().contains("speaks stdio"),
            "{c:#}"
        );
        assert!(c["details"].to_string().contains("server.py:4"), "{c:#}");
    }

    // The whole run on an empty folder: no mcp failure among the problems.
    let (report, _) = Sandbox::new().json(&[]);
    let mcp_problems: Vec<_> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("mcp."))
        .filter(|c| c["status"] != "skip")
        .collect();
    assert!(mcp_problems.is_empty(), "{mcp_problems:#?}");
}

#[test]
fn an_http_server_is_probed_at_the_port_its_code_names_and_fails_once() {
    let port = free_port();
    let sb = Sandbox::new();
    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/app/serve.py",
        &format!("import mcp\nserver = mcp.server.fastmcp.FastMCP('s', port={port})\nif __name__ == \"__main__\":\n    server.run(transport=\"streamable-http\")\n"),
    );
    let (report, code) = sb.json(&["mcp.*"]);
    assert_eq!(code, 1);
    let port_check = check(&report, "mcp.port");
    assert_eq!(port_check["status"], "fail", "{port_check:#}");
    assert!(
        port_check["summary"]
            .as_str()
            .unwrap()
            .contains(&format!("127.0.0.1:{port}")),
        "{port_check:#}"
    );
    let details = port_check["details"].to_string();
    assert!(
        details.contains("app/serve.py:2"),
        "where the port came from: {details}"
    );
    let manual = port_check["fix"]["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with("micromamba run -n srv --cwd ")
            && manual.ends_with(" python app/serve.py"),
        "{manual}"
    );
    for id in ["mcp.health", "mcp.handshake"] {
        assert_eq!(status(&report, id), "skip", "{id}");
    }
    // A project that sets up no conda environment (Poetry, a venv) is not asked to name one:
    // the server starts with the project's own Python, from its folder.
    std::fs::remove_file(sb.project.join("environment.yml")).unwrap();
    sb.write("project/pyproject.toml", "[tool.poetry]\nname = \"srv\"\n");
    let (report, _) = sb.json(&["mcp.port"]);
    let fix = &check(&report, "mcp.port")["fix"];
    let manual = fix["manual"][0].as_str().unwrap();
    assert_eq!(
        manual,
        format!(
            "cd {} && python app/serve.py",
            shlex::try_quote(&sb.project.display().to_string()).unwrap()
        ),
        "{fix:#}"
    );
    assert!(
        fix["why"]
            .as_str()
            .unwrap()
            .contains("sets up no conda environment"),
        "{fix:#}"
    );
    // A requirements.txt and no environment file: the server starts in the environment that
    // env.file's proposal names (`name: project`), not in one the user is asked to name.
    std::fs::remove_file(sb.project.join("pyproject.toml")).unwrap();
    sb.write("project/requirements.txt", "mcp>=1.9\n");
    let (report, _) = sb.json(&["env.file", "mcp.port"]);
    let proposal = check(&report, "env.file")["fix"].to_string();
    assert!(proposal.contains("name: project"), "{proposal}");
    let manual = check(&report, "mcp.port")["fix"]["manual"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        manual.starts_with("micromamba run -n project --cwd ")
            && manual.ends_with(" python app/serve.py"),
        "{manual}"
    );
}

#[test]
fn compose_published_port_wins_over_the_code() {
    let (published, in_code) = (free_port(), free_port());
    let sb = Sandbox::new();
    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/main.py",
        &format!("from fastmcp import FastMCP\nm = FastMCP('s')\nm.run(transport='http', port={in_code})\n"),
    );
    sb.write(
        "project/compose.yaml",
        &format!(
            "services:\n  api:\n    build: .\n    ports:\n      - \"{published}:{in_code}\"\n"
        ),
    );
    let (report, _) = sb.json(&["mcp.port", "mcp.bind", "mcp.origin"]);
    let s = check(&report, "mcp.port")["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(s.contains(&format!(":{published}")), "{s}");
    // Published without `127.0.0.1:`: on every interface, whether or not it runs yet.
    let bind = check(&report, "mcp.bind");
    assert_eq!(bind["status"], "warn", "{bind:#}");
    assert!(
        bind["summary"].as_str().unwrap().contains("compose.yaml:5"),
        "{bind:#}"
    );
    assert!(
        bind["fix"]
            .to_string()
            .contains(&format!("127.0.0.1:{published}:{in_code}")),
        "{bind:#}"
    );
    // Nothing answers, so there is nothing to send a foreign Origin to.
    let origin = check(&report, "mcp.origin");
    assert_eq!(origin["status"], "skip", "{origin:#}");
    // An entry written with variables (nickzren/opentargets-mcp) gets the address in front of
    // it; the step quotes what compose reads, not text the file does not hold.
    sb.write(
        "project/compose.yaml",
        &format!(
            "services:\n  api:\n    build: .\n    ports:\n      - \"${{PORT:-{published}}}:{in_code}\"\n"
        ),
    );
    let (report, _) = sb.json(&["mcp.bind"]);
    let fix = check(&report, "mcp.bind")["fix"].to_string();
    assert!(
        fix.contains("put `127.0.0.1:` in front of the published port"),
        "{fix}"
    );
    assert!(!fix.contains("in place of"), "{fix}");
    // On loopback only: no finding, and with nothing listening the check skips.
    sb.write(
        "project/compose.yaml",
        &format!(
            "services:\n  api:\n    build: .\n    ports:\n      - \"127.0.0.1:{published}:{in_code}\"\n"
        ),
    );
    let (report, _) = sb.json(&["mcp.bind"]);
    assert_eq!(status(&report, "mcp.bind"), "skip", "{report:#}");
}

#[test]
fn a_transport_option_that_defaults_to_stdio_is_a_stdio_server_until_a_port_is_published() {
    // After clearbluejar/pyghidra-mcp: both branches are in the code; a plain start speaks
    // stdio, so there is nothing to probe over HTTP.
    let port = free_port();
    let sb = Sandbox::new();
    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/srv/server.py",
        &format!(
            "import click\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('s')\n\n@click.command()\n@click.option(\n    \"-t\",\n    \"--transport\",\n    type=click.Choice([\"stdio\", \"streamable-http\"]),\n    default=\"stdio\",\n)\n@click.option(\"--port\", default={port})\ndef main(transport, port):\n    if transport == \"stdio\":\n        mcp.run(transport=\"stdio\")\n    else:\n        mcp.run(transport=\"streamable-http\")\n"
        ),
    );
    // mcp.sdk, which reads the files, judges the unbounded `mcp>=1.9` (tests/mcp_sdk.rs).
    let (report, code) = sb.json(&["mcp.*", "--skip", "mcp.sdk"]);
    for id in ["mcp.health", "mcp.handshake", "mcp.port"] {
        let c = check(&report, id);
        assert_eq!(c["status"], "skip", "{c:#}");
        assert!(
            c["summary"].as_str().unwrap().contains("speaks stdio"),
            "{c:#}"
        );
        assert!(
            c["details"]
                .to_string()
                .contains("defaults to stdio at srv/server.py:10"),
            "{c:#}"
        );
    }
    assert_eq!(code, 3);
    // An environment variable with an HTTP default decides the other way.
    sb.write(
        "project/srv/server.py",
        &format!("import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('s', port={port})\nmcp.run(transport=os.environ.get(\"MCP_TRANSPORT\", \"streamable-http\"))\n"),
    );
    let (report, _) = sb.json(&["mcp.*"]);
    assert_eq!(status(&report, "mcp.port"), "fail", "{report:#}");
}

/// A transport read from a variable that defaults to stdio is stdio, until the project's image
/// (or a compose service) sets the variable to HTTP, as mahdin75/gis-mcp's Dockerfiles set
/// `GIS_MCP_TRANSPORT=http`: then the server speaks HTTP, and the start command sets it too.
#[test]
fn a_transport_variable_the_image_sets_to_http_is_http() {
    let port = free_port();
    let sb = Sandbox::new();
    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/main.py",
        &format!("import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('gis', port={port})\n\nif __name__ == '__main__':\n    transport = os.getenv('GIS_MCP_TRANSPORT', 'stdio').lower()\n    if transport == 'stdio':\n        mcp.run()\n    else:\n        mcp.run(transport=transport)\n"),
    );
    let c = http_once_the_image_says(
        &sb,
        &format!("FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nENV GIS_MCP_TRANSPORT=http\nEXPOSE {port}\nCMD [\"python\", \"/app/main.py\"]\n"),
        "its transport defaults to stdio at main.py:6, and Dockerfile:3 sets GIS_MCP_TRANSPORT=http",
    );
    let manual = c["fix"]["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with("GIS_MCP_TRANSPORT=http micromamba run -n srv --cwd ")
            && manual.ends_with(" python main.py"),
        "{manual}"
    );
    // The port read from a variable the image sets too (`ENV GIS_MCP_PORT`, as gis-mcp's
    // Dockerfiles do): devdoctor asks the EXPOSEd port, where the server run by hand listens
    // only with that variable set, so the command sets both.
    sb.write(
        "project/server.py",
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('gis')\n",
    );
    sb.write(
        "project/main.py",
        "import os\nfrom server import mcp\n\nif __name__ == '__main__':\n    transport = os.getenv('GIS_MCP_TRANSPORT', 'stdio').lower()\n    if transport == 'stdio':\n        mcp.run()\n    else:\n        port = int(os.getenv('GIS_MCP_PORT', '8080'))\n        mcp.settings.port = port\n        mcp.run(transport=transport)\n",
    );
    let dockerfile = format!("FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nENV GIS_MCP_TRANSPORT=http\nENV GIS_MCP_PORT={port}\nEXPOSE {port}\nCMD [\"python\", \"/app/main.py\"]\n");
    sb.write("project/Dockerfile", &dockerfile);
    let (report, _) = sb.json(&["mcp.port"]);
    let fix = &check(&report, "mcp.port")["fix"];
    let manual = fix["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with(&format!(
            "GIS_MCP_TRANSPORT=http GIS_MCP_PORT={port} micromamba run -n srv --cwd "
        )),
        "{fix:#}"
    );
    assert!(
        fix["why"].as_str().unwrap().contains(&format!(
            "The image sets `GIS_MCP_PORT={port}` (Dockerfile:4)"
        )),
        "{fix:#}"
    );
    // A variable the code does not read is not set.
    sb.write(
        "project/Dockerfile",
        &dockerfile.replace("GIS_MCP_PORT", "OTHER_PORT"),
    );
    let (report, _) = sb.json(&["mcp.port"]);
    let manual = check(&report, "mcp.port")["fix"]["manual"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        manual.starts_with("GIS_MCP_TRANSPORT=http micromamba run"),
        "{manual}"
    );
}

/// A server whose code serves HTTP only when `PORT` is set (a platform sets it; a plain start
/// speaks stdio) is started with `PORT` set to the port devdoctor probes: without it, the
/// start command the fix gives would never listen. The health route's fix names the file
/// and the variable that create the server.
#[test]
fn a_start_gated_on_a_variable_sets_it() {
    let port = free_port();
    let sb = Sandbox::new();
    sb.write("project/environment.yml", ENV_MCP);
    sb.write(
        "project/Dockerfile",
        &format!("FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nEXPOSE {port}\nCMD [\"python\", \"weather.py\"]\n"),
    );
    sb.write(
        "project/weather.py",
        "import os\nfrom mcp.server.fastmcp import FastMCP\n\nserver = FastMCP('weather')\n\nif __name__ == '__main__':\n    port = os.environ.get('PORT')\n    if port:\n        server.run(transport='streamable-http', host='0.0.0.0', port=int(port))\n    else:\n        server.run()\n",
    );
    let (report, _) = sb.json(&["mcp.port"]);
    let fix = &check(&report, "mcp.port")["fix"];
    let manual = fix["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with(&format!("PORT={port} micromamba run -n srv --cwd "))
            && manual.ends_with(" python weather.py"),
        "{fix:#}"
    );
    let why = fix["why"].as_str().unwrap();
    assert!(
        why.contains("serves HTTP only when `PORT` is set (weather.py:8)"),
        "{why}"
    );
    // A command the user configured says what it needs itself: nothing is added.
    sb.write(
        "project/devdoctor.toml",
        &format!("[mcp]\nurl = \"http://127.0.0.1:{port}/mcp\"\nserver_command = [\"python\", \"weather.py\"]\n"),
    );
    let (report, _) = sb.json(&["mcp.port"]);
    let manual = check(&report, "mcp.port")["fix"]["manual"][0].to_string();
    assert!(!manual.contains("PORT="), "{manual}");
}

/// The start step runs the server in the project's environment; where that environment's
/// file lists no MCP SDK (TOSTRING-Z/transmagent: the server's own pyproject.toml sits in
/// its folder, the root environment.yml is for something else), the step says so first.
#[test]
fn a_start_in_an_environment_without_the_sdk_says_so() {
    let port = free_port();
    let sb = Sandbox::new();
    sb.write(
        "project/biotools/server.py",
        &format!("from fastmcp import FastMCP\nmcp = FastMCP('b')\nif __name__ == '__main__':\n    mcp.run(transport='streamable-http', port={port})\n"),
    );
    let env = |deps: &str| {
        format!("name: train\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n{deps}")
    };
    sb.write("project/environment.yml", &env("  - pytorch\n"));
    let (report, _) = sb.json(&["mcp.port"]);
    let fix = check(&report, "mcp.port")["fix"]["manual"].to_string();
    assert!(
        fix.contains("environment.yml lists neither `mcp` nor `fastmcp`"),
        "{fix}"
    );
    sb.write("project/environment.yml", &env("  - fastmcp\n"));
    let (report, _) = sb.json(&["mcp.port"]);
    let fix = check(&report, "mcp.port")["fix"]["manual"].to_string();
    assert!(!fix.contains("lists neither"), "{fix}");
}

/// An image that serves the server with fastmcp's CLI (`fastmcp run server.py --transport
/// streamable-http`, NimbleBrainInc/mcp-registry's servers) serves HTTP, whatever the
/// `__main__` block (stdio) says: that block never runs there.
#[test]
fn fastmcps_cli_in_the_image_is_the_transport() {
    let port = free_port();
    let sb = Sandbox::new();
    sb.write("project/requirements.txt", "fastmcp\n");
    sb.write(
        "project/server.py",
        "from fastmcp import FastMCP\nmcp = FastMCP('asana')\nif __name__ == '__main__':\n    mcp.run()\n",
    );
    http_once_the_image_says(
        &sb,
        &format!("FROM python:3.12-slim\nCOPY . /app\nEXPOSE {port}\nCMD [\"python\", \"-m\", \"fastmcp\", \"run\", \"server.py\", \"--transport\", \"streamable-http\", \"--port\", \"{port}\"]\n"),
        "`fastmcp run … --transport streamable-http` at Dockerfile:4",
    );
}

/// mcp.port skips (the code speaks stdio); once `dockerfile` is written the project serves
/// HTTP and mcp.port fails (nothing listens), its details holding `detail`. Gives the check.
fn http_once_the_image_says(sb: &Sandbox, dockerfile: &str, detail: &str) -> serde_json::Value {
    let (report, _) = sb.json(&["mcp.port"]);
    assert_eq!(status(&report, "mcp.port"), "skip", "{report:#}");
    sb.write("project/Dockerfile", dockerfile);
    let (report, _) = sb.json(&["mcp.port"]);
    let c = check(&report, "mcp.port").clone();
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["details"].to_string().contains(detail), "{c:#}");
    c
}
