//! mcp.sdk against constructed projects and environments: a server written for the MCP SDK's
//! major version 1 (`from mcp.server.fastmcp import FastMCP`) or 2 (`MCPServer`), the `mcp`
//! package installed by conda or by pip, a lock, and requirements with and without a bound.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use std::path::PathBuf;
use support::{check, status, Sandbox};

const SDK1: &str = "from mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"notes\")\n\nif __name__ == \"__main__\":\n    mcp.run()\n";
const SDK2: &str = "from mcp.server.mcpserver import MCPServer\n\nmcp = MCPServer(\"notes\")\n\nif __name__ == \"__main__\":\n    mcp.run()\n";

/// A project with `server.py` and an environment.yml that asks for `mcp` as `deps` says (a
/// conda dependency line, or a `pip:` block), and a micromamba root whose environment `proj`
/// holds the given conda packages. Gives the sandbox and the environment's site-packages.
fn project(server: &str, deps: &str, conda: &[(&str, &str)]) -> (Sandbox, PathBuf) {
    let (sb, root) = mm_sandbox(&format!(
        "name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n{deps}"
    ));
    sb.write("project/server.py", server);
    let site = project_env(&root.join("envs/proj"), conda);
    (sb, site)
}

/// A command as argv, from words split at spaces.
fn words(command: &str) -> Vec<String> {
    command.split(' ').map(String::from).collect()
}

fn summary(r: &serde_json::Value) -> String {
    check(r, "mcp.sdk")["summary"].as_str().unwrap().to_string()
}

/// SDK 1 code, conda's mcp 2.3.0 in the environment: the server stops at its import. The fix
/// installs `mcp<2` with micromamba (never pip) and bounds the requirement for the next
/// environment; `devdoctor fix` runs the install.
#[test]
fn sdk_1_code_in_an_environment_with_mcp_2_fails_and_fix_installs_mcp_below_2() {
    let (sb, _) = project(SDK1, "  - mcp>=1.9\n", &[("mcp", "2.3.0")]);
    let (r, code) = sb.json(&["mcp.sdk"]);
    assert_eq!(code, 1);
    let c = check(&r, "mcp.sdk");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(
        summary(&r),
        "`proj` has mcp 2.3.0, which lacks SDK 1's FastMCP (server.py:1 imports it; SDK 2 renamed it MCPServer): the server stops at that import"
    );
    assert_eq!(
        fix_commands(&r, "mcp.sdk"),
        vec![words("micromamba install -y -n proj -c conda-forge mcp<2")]
    );
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("In environment.yml line 7, write `mcp>=1.9,<2` in place of `mcp>=1.9`"),
        "{texts}"
    );
    assert_eq!(c["locations"][0]["line"], 7, "{c:#}");
    let out = sb.run(&["fix", "--yes", "mcp.sdk"]);
    assert!(out.status.code().is_some(), "{out:?}");
    let log = fs::read_to_string(sb.root().join("argv.log")).unwrap_or_default();
    assert!(
        log.lines()
            .any(|l| l == "install -y -n proj -c conda-forge mcp<2"),
        "{log}"
    );
}

/// pip put mcp 2.3.0 there, through the file's `pip:` block: installing conda's mcp over it
/// would leave pip's files behind, so the step is the bounded file and an update from it.
#[test]
fn a_pip_installed_mcp_2_is_brought_back_through_the_file() {
    let (sb, site) = project(SDK1, "  - pip:\n      - mcp[cli]>=1.10\n", &[]);
    dist(&site, "mcp", "2.3.0", Some("pip"), &[]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "fail", "{r:#}");
    assert!(fix_commands(&r, "mcp.sdk").is_empty(), "{r:#}");
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains(
            "In environment.yml line 8, write `mcp[cli]>=1.10,<2` in place of `mcp[cli]>=1.10`"
        ),
        "{texts}"
    );
    assert!(
        texts.contains("`micromamba env update -n proj -f environment.yml --prune`"),
        "{texts}"
    );
    assert!(!texts.contains("pip install"), "{texts}");
    // Bounded already: the update is a command `fix` runs.
    sb.write(
        "project/environment.yml",
        "name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - mcp[cli]>=1.10,<2\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "fail");
    assert_eq!(
        fix_commands(&r, "mcp.sdk"),
        vec![words(
            "micromamba env update -n proj -f environment.yml --prune"
        )]
    );
}

/// An unbounded requirement warns even while the environment still has SDK 1: the next
/// environment gets SDK 2. A bound, a pin or a lock that pins 1.x pass.
#[test]
fn an_unbounded_requirement_warns_and_a_bound_or_a_lock_passes() {
    let (sb, _) = project(SDK1, "  - mcp\n", &[("mcp", "1.27.0")]);
    let (r, code) = sb.json(&["mcp.sdk"]);
    assert_eq!((status(&r, "mcp.sdk"), code), ("warn", 0), "{r:#}");
    assert_eq!(
        summary(&r),
        "`mcp` (environment.yml:7) lets a new environment get mcp 2, which lacks SDK 1's FastMCP (server.py:1 imports it; SDK 2 renamed it MCPServer); the environment has mcp 1.27.0 for now"
    );
    for bounded in ["mcp>=1.9,<2", "mcp=1.26", "mcp 1.12.*"] {
        sb.write(
            "project/environment.yml",
            &format!("name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - pip\n  - {bounded}\n"),
        );
        let (r, _) = sb.json(&["mcp.sdk"]);
        assert_eq!(status(&r, "mcp.sdk"), "ok", "{bounded}: {r:#}");
    }
    // An explicit lock that pins mcp 1.26.0 makes the environment: it passes, with a note on
    // the open requirement.
    sb.write(
        "project/environment.yml",
        "name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - mcp>=1.9\n",
    );
    sb.write(
        "project/conda-linux-64.lock",
        "# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/noarch/mcp-1.26.0-pyhd8ed1ab_0.conda\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    let c = check(&r, "mcp.sdk");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        summary(&r).starts_with("conda-linux-64.lock pins mcp 1.26.0"),
        "{c:#}"
    );
    assert!(c["details"].to_string().contains("`mcp>=1.9,<2`"), "{c:#}");
}

/// SDK 2 code needs `MCPServer`: a requirement bounded below 2 allows no SDK 2 (a fail whose
/// step is `mcp>=2`), an environment with mcp 1.x fails.
#[test]
fn sdk_2_code_needs_mcp_2() {
    let (sb, _) = project(SDK2, "  - mcp<2\n", &[]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "fail", "{r:#}");
    assert!(fix_texts(&r)
        .join("\n")
        .contains("write `mcp>=2` in place of `mcp<2`"));
    let (sb, _) = project(SDK2, "  - mcp\n", &[("mcp", "1.27.0")]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "fail", "{r:#}");
    assert!(
        summary(&r).contains("which lacks SDK 2's MCPServer"),
        "{r:#}"
    );
}

/// Code that imports both APIs (a `try:` that falls back) runs on either; code that imports
/// neither, or only a comment that names one, is not judged; pyproject.toml's requirement
/// counts where no environment file names mcp.
#[test]
fn either_api_passes_and_no_api_skips() {
    let both = "try:\n    from mcp.server import MCPServer as Server\nexcept ImportError:\n    from mcp.server.fastmcp import FastMCP as Server\n";
    let (sb, _) = project(both, "  - mcp\n", &[("mcp", "2.3.0")]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "ok", "{r:#}");
    let (sb, _) = project(
        "# from mcp.server.fastmcp import FastMCP\nimport fastmcp\n",
        "  - mcp\n",
        &[],
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "skip", "{r:#}");
    let (sb, _) = project(SDK1, "", &[]);
    sb.write(
        "project/pyproject.toml",
        "[project]\nname = \"notes\"\ndependencies = [\n  \"anyio\",\n  \"mcp[cli]>=1.9.4\",\n]\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert!(
        summary(&r).starts_with("`mcp[cli]>=1.9.4` (pyproject.toml:5)"),
        "{r:#}"
    );
}

/// Requirements outside the environment file are found where they are written: a file that
/// requirements.txt includes, the requirements file an environment file's `pip:` block
/// includes (the step names that file, not the include), Poetry's table, and a Dockerfile's
/// `RUN pip install` where nothing else names mcp.
#[test]
fn requirements_are_found_where_they_are_written() {
    let (sb, _) = project(SDK1, "  - pip:\n      - -r requirements.txt\n", &[]);
    sb.write("project/requirements.txt", "httpx\nmcp[cli]>=1.8.0\n");
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert!(
        summary(&r).starts_with("`mcp[cli]>=1.8.0` (requirements.txt:2)"),
        "{r:#}"
    );
    assert!(
        fix_texts(&r)
            .join("\n")
            .contains("In requirements.txt line 2, write `mcp[cli]>=1.8.0,<2`"),
        "{r:#}"
    );

    let (sb, _) = project(SDK1, "", &[]);
    sb.write(
        "project/requirements.txt",
        "-r requirements/base.txt\nhttpx\n",
    );
    sb.write(
        "project/requirements/base.txt",
        "mcp==1.26.0 \\\n    --hash=sha256:00\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "ok", "{r:#}");
    assert!(
        summary(&r).starts_with("`mcp==1.26.0` (requirements/base.txt:1) keeps"),
        "{r:#}"
    );

    let (sb, _) = project(SDK1, "", &[]);
    sb.write(
        "project/pyproject.toml",
        "[tool.poetry]\nname = \"notes\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\nmcp = \">=1.8\"\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert!(
        fix_texts(&r)
            .join("\n")
            .contains("In pyproject.toml line 6, write `mcp = \">=1.8,<2\"`"),
        "{r:#}"
    );
    sb.write(
        "project/pyproject.toml",
        "[tool.poetry.dependencies]\nmcp = { version = \"^1.8\", extras = [\"cli\"] }\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "ok", "{r:#}");

    let (sb, _) = project(SDK1, "", &[]);
    sb.write(
        "project/Dockerfile",
        "FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir \"mcp[cli]>=1.8.0\" httpx\nCMD [\"python\", \"/app/server.py\"]\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert!(
        summary(&r).starts_with("`mcp[cli]>=1.8.0` (Dockerfile:3)"),
        "{r:#}"
    );
}

/// A uv.lock that pins mcp 2 makes the server's environment (`uv sync --frozen`): it fails
/// as a conda lock would. An environment that drifted from a requirement that fits is
/// env.packages' to fix: mcp.sdk fails, points there and adds no step of its own.
#[test]
fn a_uv_lock_pin_and_a_drifted_environment() {
    let (sb, _) = project(SDK1, "", &[]);
    sb.write(
        "project/pyproject.toml",
        "[project]\nname = \"notes\"\ndependencies = [\"mcp>=1.9\"]\n",
    );
    sb.write(
        "project/uv.lock",
        "version = 1\n\n[[package]]\nname = \"mcp\"\nversion = \"2.0.0\"\n\n[[package]]\nname = \"notes\"\nversion = \"0.1.0\"\n",
    );
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "fail", "{r:#}");
    assert!(
        summary(&r).starts_with("uv.lock pins mcp 2.0.0, which lacks SDK 1's FastMCP"),
        "{r:#}"
    );

    let (sb, _) = project(SDK1, "  - mcp=1.9\n", &[("mcp", "2.3.0")]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    let c = check(&r, "mcp.sdk");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        summary(&r).ends_with("so the environment drifted (see env.packages)"),
        "{c:#}"
    );
    assert!(c["fix"].is_null(), "{c:#}");
}

/// Two files that import one API each, with no fallback: one of them fails whichever SDK is
/// installed.
#[test]
fn files_that_import_different_apis_warn() {
    let (sb, _) = project(SDK1, "  - mcp<2\n", &[]);
    sb.write("project/server2.py", SDK2);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert!(
        summary(&r).ends_with("with no fallback: one of them fails whichever mcp is installed"),
        "{r:#}"
    );
}

/// blazickjp/arxiv-mcp-server's shape: the low-level `Server` with `@server.list_tools()`
/// decorators, which SDK 2's `Server` no longer has (its handlers go to the constructor),
/// and `mcp>=1.27.0`: the next environment's server stops at the first decorator.
#[test]
fn a_low_level_server_with_decorators_needs_sdk_1() {
    let server = "from mcp.server import Server\n\nserver = Server(\"arxiv\")\n\n\n@server.list_tools()\nasync def tools():\n    return []\n";
    let (sb, _) = project(server, "  - mcp>=1.27.0\n", &[]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "warn", "{r:#}");
    assert_eq!(
        summary(&r),
        "`mcp>=1.27.0` (environment.yml:7) lets a new environment get mcp 2, which lacks SDK 1's low-level decorators (`@server.list_tools()`) (server.py:6 uses them; SDK 2's `Server` takes its handlers as constructor arguments (`on_list_tools=`))"
    );
    assert!(fix_texts(&r).join("\n").contains("on_call_tool=…"), "{r:#}");
    // With no requirement anywhere, the skip names the decorator's line as used, not imported
    // (davidroman1914/vmware-mcp-server).
    let (sb, _) = project(server, "", &[]);
    let (r, _) = sb.json(&["mcp.sdk"]);
    assert_eq!(status(&r, "mcp.sdk"), "skip", "{r:#}");
    assert!(
        summary(&r).ends_with("the `mcp` package that server.py:6 uses"),
        "{r:#}"
    );
}

/// oraclearmcp001's shape: SDK 1's FastMCP run the standalone fastmcp package's way,
/// `mcp.run(transport="streamable-http", host="0.0.0.0", port=port)`. SDK 1's `run()` takes
/// only the transport and a mount path (mcp 1.30.0: TypeError), so the server fails as it
/// starts whatever SDK 1 release is installed; the step moves the address to `FastMCP(…)`,
/// and bounds the requirement too where it lets SDK 2 in. The same call on SDK 2 code, or
/// with the address given to the constructor, is no such failure.
#[test]
fn sdk_1_run_with_an_address_fails() {
    let server = "import os\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"oracle\")\n\nif __name__ == \"__main__\":\n    port = int(os.getenv(\"PORT\", \"8000\"))\n    mcp.run(transport=\"streamable-http\", host=\"0.0.0.0\", port=port)\n";
    let dockerfile = "FROM mambaorg/micromamba:2.0.5\nCOPY server.py /app/server.py\nCMD [\"python\", \"/app/server.py\"]\n";
    let (sb, _) = project(server, "  - mcp>=1.8\n", &[]);
    sb.write("project/Dockerfile", dockerfile);
    let (r, _) = sb.json(&["mcp.sdk", "mcp.container_bind"]);
    let c = check(&r, "mcp.sdk");
    assert_eq!(c["status"], "fail", "{c:#}");
    // The image's bind is not judged on an address the server never gets to use.
    let bind = check(&r, "mcp.container_bind");
    assert_eq!(bind["status"], "skip", "{bind:#}");
    assert!(
        bind["summary"].as_str().unwrap().ends_with("(see mcp.sdk)"),
        "{bind:#}"
    );
    assert_eq!(
        summary(&r),
        "server.py:8 runs SDK 1's FastMCP with a host or port, which its `run()` does not take: the server stops with a TypeError as it starts"
    );
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("pass `host=` and `port=` to `FastMCP(…)`"),
        "{texts}"
    );
    assert!(texts.contains("write `mcp>=1.8,<2`"), "{texts}");
    assert!(!texts.contains("streamable-http"), "{texts}");
    // The standalone fastmcp's transport name is one SDK 1 refuses too (marketing-miner-mcp).
    let http = server.replace("\"streamable-http\"", "\"http\"");
    let (sb2, _) = project(&http, "  - mcp>=1.8,<2\n", &[]);
    let (r2, _) = sb2.json(&["mcp.sdk"]);
    let texts2 = fix_texts(&r2).join("\n");
    assert!(
        texts2.contains("`transport=\"streamable-http\"` where it says `\"http\"`"),
        "{texts2}"
    );
    let fixed = server
        .replace(
            "FastMCP(\"oracle\")",
            "FastMCP(\"oracle\", host=\"0.0.0.0\", port=8000)",
        )
        .replace(", host=\"0.0.0.0\", port=port)", ")");
    let (sb, _) = project(&fixed, "  - mcp>=1.8,<2\n", &[]);
    sb.write("project/Dockerfile", dockerfile);
    let (r, _) = sb.json(&["mcp.sdk", "mcp.container_bind"]);
    assert_eq!(status(&r, "mcp.sdk"), "ok", "{r:#}");
    assert_eq!(status(&r, "mcp.container_bind"), "ok", "{r:#}");
}
