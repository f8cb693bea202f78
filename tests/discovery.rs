//! The discovery trees under tests/realworld/ run through the built binary: every check's
//! status matches the tree's `.expected` table (the MCP servers among them listen nowhere, at
//! ports chosen to be unused), and the facts that discovery promises
//! show in the JSON report. HOME is an empty folder, PATH holds no package manager, docker,
//! git or trivy, and DOCKER_HOST points at nothing, so no real tool is asked.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TREES: &[&str] = &[
    "compose-stage-targets",
    "fastmcp-cli-worker",
    "miniconda-installer-cuda",
    "envyml-requirements",
    "exported-lock",
    "compose-overrides",
    "monorepo",
    "stdio-mcp-server",
    "http-mcp-port",
    "webapp-no-mcp",
    "library-pip-e",
    "binder-env",
    "micromamba-docker",
    "sse-mcp-compose",
    "sse-mcp-loopback-image",
    "env-and-dev-env",
    "conda-yml-micromamba-docker",
    "makefile-pip-e",
    "cli-transport-mcp",
    "mcp-compose-dotenv-port",
    "pixi-workspace",
    "devcontainer-miniconda",
    "pypi-library",
    "requirements-as-metadata",
    "conda-library-release",
    "binder-docs-library",
    "stdio-mcp-commented-http",
    "devcontainer-compose",
    "envs-folder-exports",
    "makefile-named-env",
    "compose-test-db",
    "readme-named-env",
    "lowlevel-sse-mcp",
    "script-named-unnamed-env",
    "subfolder-dockerfiles",
    "mcp-client-webapp",
    "env-update-addition",
    "windows-export",
    "readme-create-requirements",
    "mcp-entrypoint-healthcheck",
    "readme-pip-extras",
    "prefix-env-by-hand",
    "library-ci-env",
    "requirements-include",
    "micromamba-base-lock",
];

fn tree(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/realworld")
        .join(name)
}

fn run(name: &str) -> Value {
    let home = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_devdoctor"))
        .args(["--format", "json", "-C"])
        .arg(tree(name))
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", bin.path())
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env(
            "DEVDOCTOR_DOCKER_DEFAULT_SOCKET",
            "/nonexistent/docker.sock",
        )
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn checks(report: &Value) -> &Vec<Value> {
    report["checks"].as_array().expect("a checks list")
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    checks(report)
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

fn text(v: &Value) -> String {
    v.to_string()
}

/// Every tree in tests/realworld/ is in [`TREES`], so its table is compared: a tree added
/// without it would pass whatever devdoctor says of it (sse-mcp-loopback-image did).
#[test]
fn every_tree_on_disk_is_listed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = TREES.iter().map(|t| t.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn every_tree_matches_its_expected_table() {
    for name in TREES {
        let expected = std::fs::read_to_string(tree(name).with_extension("expected")).unwrap();
        let report = run(name);
        let mut compared = 0;
        for line in expected
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (id, status) = line.split_once(' ').unwrap();
            let c = check(&report, id);
            assert_eq!(c["status"], status, "{name}: {id}: {}", c["summary"]);
            compared += 1;
        }
        assert_eq!(compared, checks(&report).len(), "{name}: table is complete");
    }
}

#[test]
fn env_yml_is_picked_with_a_reason_and_binder_copy_is_linted() {
    let r = run("envyml-requirements");
    let file = check(&r, "env.file");
    assert!(file["summary"].as_str().unwrap().starts_with("env.yml:"));
    let details = text(&file["details"]);
    assert!(
        details.contains("picked env.yml: the conventional name"),
        "{details}"
    );
    assert!(
        details.contains("also linted binder/environment.yml"),
        "{details}"
    );
    // The requirements-only proposal does not fire: there is an environment file.
    assert!(!text(file).contains("requirements.txt but no environment.yml"));
}

#[test]
fn exported_env_under_a_lock_name_is_not_a_broken_lock_and_is_not_overwritten() {
    let r = run("exported-lock");
    let lock = check(&r, "env.lock");
    assert_eq!(lock["status"], "warn");
    assert!(!text(lock).contains("not a conda-lock file"), "{lock}");
    let fix = text(&lock["fix"]);
    assert!(fix.contains("environment.conda-lock.yml"), "{fix}");
    assert!(!fix.contains("\"exported-lock/conda-lock.yml\""), "{fix}");
    let file = check(&r, "env.file");
    // A snapshot is regenerated, not edited: its findings would repeat environment.yml's.
    assert!(
        text(&file["details"]).contains("not linted conda-lock.yml: an exported environment"),
        "{file}"
    );
}

#[test]
fn compose_overrides_merge_and_image_tags_interpolate_from_dotenv() {
    let r = run("compose-overrides");
    assert!(check(&r, "compose.syntax")["summary"]
        .as_str()
        .unwrap()
        .starts_with("3 compose files parse"));
    let image = check(&r, "image.exists");
    // ${TAG:-latest} with TAG=1.4.2 in .env: the real tag, not `unknown` over a raw `${…}`.
    assert!(text(image).contains("ghcr.io/example/web:1.4.2"), "{image}");
    assert!(!text(&r).contains("${TAG"), "an uninterpolated tag leaked");
    // A setting from the override is judged on the merged service and located in the
    // override file, on its own line.
    let ports = check(&r, "compose.ports");
    assert_eq!(ports["status"], "warn");
    assert_eq!(ports["locations"][0]["path"], "docker-compose.override.yml");
    assert_eq!(ports["locations"][0]["line"], 7);
    // trivy is judged on the same discovery as the Dockerfile rules (app/Dockerfile).
    assert_eq!(check(&r, "tools.trivy")["status"], "warn");
    assert_eq!(check(&r, "dockerfile.syntax")["status"], "ok");
}

#[test]
fn monorepo_services_in_subfolders_are_found_and_decoys_are_not() {
    let r = run("monorepo");
    let all = text(&r);
    assert!(all.contains("services/api/compose.yaml"));
    assert!(all.contains("services/worker/docker-compose.yml"));
    assert!(all.contains("services/worker/Dockerfile"));
    assert!(
        !all.contains("node_modules"),
        "a dependency's files were judged"
    );
    assert!(
        !all.contains("generated/Dockerfile"),
        ".gitignore was not honoured"
    );
    // The rebuild uses the tag compose runs and the service's build context, named in full:
    // the run is `-C` from another folder.
    let pip = check(&r, "dockerfile.pip")["fix"]["manual"].clone();
    let last = pip.as_array().unwrap().last().unwrap().as_str().unwrap();
    let worker = tree("monorepo").join("services/worker");
    assert_eq!(
        last,
        format!(
            "then rebuild: docker build -t example/worker:dev -f {}/Dockerfile {}",
            worker.display(),
            worker.display()
        )
    );
    let privileged = check(&r, "compose.privileged");
    assert_eq!(privileged["status"], "fail");
    assert!(text(&privileged["locations"]).contains("services/api/compose.yaml"));
}

#[test]
fn mcp_servers_are_told_apart_and_probed_where_their_files_say() {
    let stdio = run("stdio-mcp-server");
    for id in ["mcp.health", "mcp.handshake", "mcp.port"] {
        assert!(
            text(&check(&stdio, id)["summary"]).contains("speaks stdio"),
            "{id}"
        );
    }
    let http = run("http-mcp-port");
    assert!(text(&check(&http, "mcp.port")["summary"]).contains("127.0.0.1:47931"));
    assert!(text(&check(&http, "mcp.port")["details"]).contains("server.py"));
    for id in ["mcp.health", "mcp.handshake"] {
        let c = check(&http, id);
        assert_eq!(c["status"], "skip", "{id}: {c}");
        assert!(text(&c["summary"]).contains("(see mcp.port)"), "{id}: {c}");
    }
    let sse = run("sse-mcp-compose");
    assert!(text(&check(&sse, "mcp.port")["summary"]).contains("127.0.0.1:47100"));
    for id in ["mcp.health", "mcp.handshake"] {
        assert!(
            text(&check(&sse, id)["summary"]).contains("(see mcp.port)"),
            "{id}"
        );
    }
    let lib = run("library-pip-e");
    for id in ["pip.readme", "pip.ci"] {
        let c = check(&lib, id);
        assert_eq!(c["status"], "ok", "{id}: {c}");
        assert!(
            text(&c["summary"]).contains("installs only the project itself"),
            "{id}"
        );
    }
    let binder = run("binder-env");
    assert!(text(&check(&binder, "env.file")["locations"]).contains("[execute]"));
    let exports = run("envs-folder-exports");
    let file = check(&exports, "env.file");
    assert_eq!(
        file["summary"], "environments/development.yml: 1 warning",
        "{file}"
    );
    assert!(
        text(&file["details"]).contains("not linted environments/development.lock-linux-64.yml"),
        "{file}"
    );
    // The low-level SDK's SSE transport, served by uvicorn at the port its code names.
    let low = run("lowlevel-sse-mcp");
    let port = check(&low, "mcp.port");
    assert!(text(&port["summary"]).contains("127.0.0.1:47180"), "{port}");
    assert!(
        text(&port["details"]).contains("SseServerTransport( at main.py:180"),
        "{port}"
    );
    // The evidence is the real start, not the commented-out one nor a tool's `.run()`.
    let commented = run("stdio-mcp-commented-http");
    let port = check(&commented, "mcp.port");
    assert!(
        text(&port["details"]).contains("stdio transport at geo_mcp/server.py:23"),
        "{port}"
    );
}

#[test]
fn published_port_interpolates_from_the_committed_dotenv() {
    let r = run("mcp-compose-dotenv-port");
    let port = check(&r, "mcp.port");
    // ${MCP_PORT:-47130} with MCP_PORT=47131 in .env: the .env value, not the default.
    assert!(text(&port["summary"]).contains("127.0.0.1:47131"), "{port}");
    // Run by hand, the server would listen on 8000, its port inside the container: the fix
    // starts the compose service, which publishes it on 47131.
    assert_eq!(
        port["fix"]["manual"],
        serde_json::json!(["docker compose up -d notes-mcp"]),
        "{port}"
    );
    assert!(
        text(&port["details"]).contains("published at compose.yaml:11"),
        "{port}"
    );
    for id in ["mcp.health", "mcp.handshake"] {
        assert!(
            text(&check(&r, id)["summary"]).contains("(see mcp.port)"),
            "{id}"
        );
    }
    assert_eq!(check(&r, "dotenv.dockerignore")["status"], "ok");
}

#[test]
fn seqera_style_conda_yml_image_is_found_and_judged() {
    let r = run("conda-yml-micromamba-docker");
    let file = check(&r, "env.file");
    assert!(
        file["summary"].as_str().unwrap().starts_with("conda.yml:"),
        "{file}"
    );
    // `micromamba clean -a -y`: the short flags count as a clean.
    assert_eq!(check(&r, "dockerfile.micromamba_clean")["status"], "ok");
    // The generated image ends with `USER root`.
    let user = check(&r, "dockerfile.user");
    assert_eq!(user["status"], "fail");
    assert_eq!(user["locations"][0]["path"], "Dockerfile");
    assert_eq!(user["locations"][0]["line"], 11);
    assert_eq!(check(&r, "dockerfile.base_eol")["status"], "warn");
    // conda.yml goes into the image's base (Dockerfile line 4): no name or Python is asked
    // of it, and there is no host environment to look for.
    let exists = check(&r, "env.exists");
    assert_eq!(exists["status"], "skip", "{exists}");
    assert!(
        text(&exists["details"]).contains("Dockerfile:4 installs it"),
        "{exists}"
    );
    assert!(
        text(&exists["details"]).contains("create -y -n "),
        "{exists}"
    );
    assert!(!text(file).contains("no `name:`"), "{file}");
    // A tool image: no CMD, ENTRYPOINT or EXPOSE, so no HEALTHCHECK is needed.
    let hc = check(&r, "dockerfile.healthcheck");
    assert!(text(&hc["summary"]).contains("tool image"), "{hc}");
}

#[test]
fn an_env_file_named_base_is_for_the_image() {
    let r = run("micromamba-docker");
    let exists = check(&r, "env.exists");
    assert_eq!(exists["status"], "skip", "{exists}");
    assert!(
        text(&exists["summary"]).contains("names `base`"),
        "{exists}"
    );
    // No fix would run `create -n base`, which the tools refuse.
    assert!(!text(&r).contains("create -y -n base"), "{r}");
}

#[test]
fn makefile_self_install_is_a_note_and_the_dev_overlay_is_linted() {
    let r = run("makefile-pip-e");
    let pip = check(&r, "pip.makefile");
    assert_eq!(pip["status"], "ok", "{pip}");
    assert!(
        text(&pip["summary"]).contains("installs only the project itself"),
        "{pip}"
    );
    let file = check(&r, "env.file");
    assert!(
        text(&file["details"]).contains("also linted environment-dev.yml"),
        "{file}"
    );
    assert!(file["summary"]
        .as_str()
        .unwrap()
        .starts_with("environment.yml:"));
    // The overlay is applied with `env update -n`: it needs no name and no Python of its own.
    // The main file's only finding is its end-of-life `python=3.9`.
    let rules: Vec<&str> = file["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rule"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(rules, ["python-eol"], "{file}");
    assert!(
        !text(&file["locations"]).contains("environment-dev.yml"),
        "{file}"
    );
}

/// Environment files that only the project's Makefile or README names, and a compose file
/// that only a test run uses.
#[test]
fn files_found_by_what_the_project_says_of_them() {
    // No file by name or place: the one the Makefile creates the environment from, and why.
    let named = run("makefile-named-env");
    let file = check(&named, "env.file");
    assert!(
        text(&file["summary"]).starts_with("\"scripts/env_model.yaml:"),
        "{file}"
    );
    assert!(
        text(&file["details"]).contains(
            "picked scripts/env_model.yaml: named by Makefile:8 (`conda env create -f ./scripts/env_model.yaml`)"
        ),
        "{file}"
    );
    assert!(
        text(&file["details"]).contains("also linted scripts/env_backend.yaml"),
        "{file}"
    );
    assert!(text(&check(&named, "env.exists")["summary"]).contains("`syn-ml`"));
    // The README names the file and the environment: `--name rmsfkit`, not the file's name.
    let readme = run("readme-named-env");
    let file = check(&readme, "env.file");
    assert!(
        text(&file["details"])
            .contains("picked devtools/conda-envs/test_env.yaml: named by README.md:37"),
        "{file}"
    );
    // `env update`: the file adds to an environment; its Python is not asked of the file.
    assert!(
        text(&file["details"]).contains("that command updates an existing environment from it"),
        "{file}"
    );
    let exists = check(&readme, "env.exists");
    assert_eq!(
        exists["summary"], "environment `rmsfkit` does not exist",
        "{exists}"
    );
    let create = text(&exists["fix"]["commands"][0]);
    assert!(create.contains(r#""-n","rmsfkit","-f""#), "{exists}");
    assert!(
        create.ends_with(r#"devtools/conda-envs/test_env.yaml"]"#),
        "{exists}"
    );
    // A file without `name:` that a script creates with `--name`: that is its name.
    let unnamed = run("script-named-unnamed-env");
    let file = check(&unnamed, "env.file");
    assert!(
        text(&file["details"])
            .contains("the environment is named `burgwyn_data601_final` by env.sh:10"),
        "{file}"
    );
    assert!(!text(file).contains("no `name:`:"), "{file}");
    assert_eq!(
        check(&unnamed, "env.exists")["summary"],
        "environment `burgwyn_data601_final` does not exist"
    );
    // A test run's compose file: left out by the hardening rules, with the reason.
    let test_db = run("compose-test-db");
    let user = check(&test_db, "compose.user");
    assert!(
        !text(&user["locations"]).contains("docker-compose.test.yml"),
        "{user}"
    );
    assert!(
        text(&user["details"])
            .contains("left out, as a test run's services: test-db (docker-compose.test.yml)"),
        "{user}"
    );
}

#[test]
fn a_dockerfile_that_copies_from_the_root_is_built_from_there() {
    // deploy/predictor/Dockerfile COPYs deploy/predictor/environment.yml: the root is its
    // context, its own environment file is the one to list packages in, and its image is not
    // tagged as the project's (the root Dockerfile's).
    let r = run("subfolder-dockerfiles");
    let pip = check(&r, "dockerfile.pip");
    let manual = text(&pip["fix"]["manual"]);
    let root = tree("subfolder-dockerfiles");
    let rebuild = format!(
        "then rebuild: docker build -t subfolder-dockerfiles-predictor -f {}/deploy/predictor/Dockerfile {}",
        root.display(),
        root.display()
    );
    assert!(manual.contains(&rebuild), "{manual}");
    assert!(
        manual.contains("in deploy/predictor/environment.yml, with `conda-forge`"),
        "{manual}"
    );
    // deploy/sdo/Dockerfile's exec-form CMD hands uvicorn `${PORT:-8000}` unexpanded.
    let vars = check(&r, "dockerfile.exec_vars");
    assert_eq!(vars["status"], "warn", "{vars}");
    assert_eq!(vars["locations"][0]["path"], "deploy/sdo/Dockerfile");
    assert_eq!(vars["locations"][0]["line"], 14);
    let ignore = check(&r, "dotenv.dockerignore");
    assert!(!text(ignore).contains("deploy/predictor"), "{ignore}");
}

#[test]
fn an_mcp_client_is_no_mcp_server_and_compose_names_its_image() {
    let r = run("mcp-client-webapp");
    let port = check(&r, "mcp.port");
    assert_eq!(port["status"], "skip", "{port}");
    assert!(
        text(port).contains("uses MCP as a client (McpToolSpec at docker/api.py:2)"),
        "{port}"
    );
    // compose.yaml's `name: zapgit` names the image its zapbackend service builds.
    let exists = check(&r, "image.exists");
    assert!(
        exists["summary"]
            .as_str()
            .unwrap()
            .contains("zapgit-zapbackend"),
        "{exists}"
    );
}

#[test]
fn a_file_applied_with_env_update_is_not_the_project_environment() {
    let r = run("env-update-addition");
    let file = check(&r, "env.file");
    assert!(
        file["summary"]
            .as_str()
            .unwrap()
            .starts_with("envs/environment.yml: 1 error"),
        "{file}"
    );
    let first = file["locations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rule"] == "pip-syntax")
        .expect("a pip-syntax finding");
    assert_eq!(first["path"], "envs/environment.yml", "{file}");
    assert_eq!(first["line"], 13, "{file}");
    assert!(
        text(&first["message"]).contains("pip pins with `==`"),
        "{file}"
    );
    let create = text(&check(&r, "env.exists")["fix"]["commands"]);
    assert!(create.contains("envs/environment.yml"), "{create}");
    assert!(!create.contains("environment-dev.yml"), "{create}");
}

/// A Windows export (bach-mcp) lists packages only Windows has: env.file fails at the first of
/// them, that line leads the report, and the step exports it again from the history.
#[test]
fn a_windows_export_fails_where_its_own_packages_start() {
    let report = run("windows-export");
    let file = check(&report, "env.file");
    assert_eq!(file["status"], "fail");
    let first = &file["locations"][0];
    assert_eq!(first["rule"], "platform");
    assert_eq!(first["line"], 22);
    assert!(
        text(&first["message"]).contains(
            "exported on Windows: `ucrt`, `vc`, `vc14_runtime`, `vcomp14` and `pywin32` exist only there"
        ),
        "{first}"
    );
    let manual = text(&file["fix"]["manual"]);
    assert!(
        manual.contains("micromamba env export -n bach-mcp --from-history"),
        "{manual}"
    );
    assert!(!manual.contains("build strings"), "{manual}");
}

/// MCPBench's README makes its environment by hand (`conda create -n mcpbench python=3.11`)
/// and pip-installs requirements.txt: the proposed environment.yml and the plan's create
/// command are that environment, with that Python.
#[test]
fn a_readme_create_command_names_the_proposed_environment() {
    let report = run("readme-create-requirements");
    let file = check(&report, "env.file");
    let details = text(&file["details"]);
    assert!(details.contains("name: mcpbench"), "{details}");
    assert!(
        details.contains("- python=3.11        # as README.md:10 creates it"),
        "{details}"
    );
    assert!(details.contains("- requests"), "{details}");
    let commands = text(&file["fix"]["commands"]);
    assert_eq!(
        commands, r#"[["micromamba","create","-y","-n","mcpbench","-f","environment.yml"]]"#,
        "{file}"
    );
    let content = &file["fix"]["new_files"][0]["content"];
    assert!(text(content).contains("python=3.11"), "{file}");
}

/// mcp-md's image starts its FastMCP server through an entrypoint script and asks `/health`
/// with `curl -f`; the server declares no such route (its "health check" is an MCP tool):
/// the HEALTHCHECK fails at its line, and the fix checks the port the script passes. Its
/// compose file's healthcheck asks the same route and points there.
#[test]
fn a_healthcheck_of_a_route_the_entrypoint_server_lacks_fails() {
    let report = run("mcp-entrypoint-healthcheck");
    let hc = check(&report, "dockerfile.healthcheck_tool");
    assert_eq!(hc["status"], "fail", "{hc}");
    assert_eq!(hc["locations"][0]["line"], 13, "{hc}");
    assert!(
        text(&hc["summary"]).contains(
            "HEALTHCHECK asks `/health`, which the MCP server the image starts does not serve"
        ),
        "{hc}"
    );
    let manual = text(&hc["fix"]["manual"]);
    assert!(
        manual.contains("socket.create_connection(('127.0.0.1', 3000), 3)"),
        "{manual}"
    );
    // compose's healthcheck asks the same route: one cause, reported at the Dockerfile.
    let compose = check(&report, "compose.healthcheck_tool");
    assert_eq!(compose["status"], "skip", "{compose}");
    assert!(
        text(&compose["summary"]).contains("(see dockerfile.healthcheck_tool)"),
        "{compose}"
    );
    // The script passes `--host "$HOST"`, a variable it sets: not judged, not "listens on $HOST".
    let bind = check(&report, "mcp.container_bind");
    assert_eq!(bind["status"], "skip", "{bind}");
    assert!(
        text(&bind["summary"]).contains("a variable its script sets"),
        "{bind}"
    );
}

/// A pixi project on a machine with no micromamba, mamba or conda: nothing in the plan
/// installs one, so installing a missing tool is a line that says to install micromamba
/// first, not a command `devdoctor fix` would run and fail on.
#[test]
fn a_pixi_projects_tool_fix_does_not_run_a_missing_manager() {
    let report = run("pixi-workspace");
    let git = check(&report, "tools.git");
    assert_eq!(git["status"], "warn", "{git}");
    assert_eq!(text(&git["fix"]["commands"]), "[]", "{git}");
    let manual = text(&git["fix"]["manual"]);
    assert!(
        manual.contains("micromamba install -y -n base -c conda-forge git")
            && manual.contains("install micromamba first"),
        "{manual}"
    );
}

/// astro_mcp's requirements.txt names only `mcp`; its README pip-installs the survey
/// libraries into the environment it makes by hand. The proposal takes both, and the
/// environment's name and Python from the README.
#[test]
fn the_proposal_takes_the_readmes_pip_installs_too() {
    let report = run("readme-pip-extras");
    let file = check(&report, "env.file");
    assert_eq!(file["status"], "fail", "{file}");
    let content = text(&file["fix"]["new_files"][0]["content"]);
    for want in [
        "name: mcp",
        "python=3.11",
        "- mcp",
        "- astropy",
        "- astroquery",
    ] {
        assert!(content.contains(want), "{want}: {content}");
    }
    let commands = text(&file["fix"]["commands"]);
    assert_eq!(
        commands, r#"[["micromamba","create","-y","-n","mcp","-f","environment.yml"]]"#,
        "{file}"
    );
}

/// highfold_med_mcp's setup script makes the environment in the project's ./env by hand and
/// installs into it with its own pip and `mamba run -p ./env`: the proposal names no
/// environment, holds what went into it, and is created with `-p ./env`; the pip checks'
/// steps address the same folder.
#[test]
fn an_environment_made_in_a_folder_gets_a_proposal_for_it() {
    let report = run("prefix-env-by-hand");
    let file = check(&report, "env.file");
    assert_eq!(file["status"], "fail", "{file}");
    let content = text(&file["fix"]["new_files"][0]["content"]);
    assert!(!content.contains("name:"), "{content}");
    for want in ["python=3.10", "- rdkit", "- fastmcp", "- loguru"] {
        assert!(content.contains(want), "{want}: {content}");
    }
    assert_eq!(
        text(&file["fix"]["commands"]),
        r#"[["micromamba","create","-y","-p","./env","-f","environment.yml"]]"#,
        "{file}"
    );
    let shell = text(&check(&report, "pip.shell")["fix"]["manual"]);
    assert!(
        shell.contains("micromamba env update -p ./env -f environment.yml"),
        "{shell}"
    );
    assert!(!shell.contains("-n ./env"), "{shell}");
}

/// cf-xarray's environment is the one its test jobs set up, not Binder's: env.* judge it by
/// the name CI gives it, leave its Python to CI's matrix, and pip.ci finds the typing job's
/// own pip install (a docs job's file is not the project's environment).
#[test]
fn a_librarys_test_environment_from_ci_is_its_environment() {
    let report = run("library-ci-env");
    let file = check(&report, "env.file");
    let details = text(&file["details"]);
    assert!(
        details.contains("picked ci/environment.yml: named by .github/workflows/tests.yml:16"),
        "{details}"
    );
    assert!(
        details.contains("also linted .binder/environment.yml"),
        "{details}"
    );
    assert!(!details.contains("ci/environment.yml:5"), "{details}");
    assert_eq!(
        check(&report, "env.exists")["summary"],
        "environment `cfx_lib_test` does not exist"
    );
    let ci = check(&report, "pip.ci");
    assert!(
        text(&ci["summary"]).contains("tests.yml:34: - run: python -m pip install mypy"),
        "{ci}"
    );
    assert!(
        text(&ci["fix"]["manual"])
            .starts_with(r#"["add what each listed line installs to ci/environment.yml"#),
        "{ci}"
    );
}

/// cysectool's environment.yml lists its PyPI packages through `-r file:requirements.txt`:
/// env.file looks each up like a pip entry of its own, at the include's line, and the
/// HEALTHCHECK it suggests for the Bokeh server asks its port, not a /health it does not serve.
#[test]
fn a_requirements_file_the_pip_block_includes_is_read() {
    let report = run("requirements-include");
    let file = check(&report, "env.file");
    let at_include: Vec<&str> = file["locations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["line"] == 10)
        .filter_map(|l| l["message"].as_str())
        .collect();
    for want in ["bokeh==3.4.1", "tornado==6.4", "networkx==3.3"] {
        assert!(
            at_include
                .iter()
                .any(|m| m.starts_with(&format!("pip: `{want}`"))),
            "{want}: {file:#}"
        );
    }
    let hc = text(&check(&report, "dockerfile.healthcheck")["fix"]["manual"]);
    assert!(
        hc.contains("socket.create_connection(('127.0.0.1', 5006), 3)"),
        "{hc}"
    );
}

/// app-inventor-api installs the explicit lock made from its unnamed environment.yml into
/// the image's base, by an ARG and after copying the whole project: the file is the image's,
/// so env.exists skips and names the Dockerfile's line, and the suggested HEALTHCHECK runs
/// the base environment's Python by its full path.
#[test]
fn a_lock_installed_into_an_images_base_makes_the_file_the_images() {
    let report = run("micromamba-base-lock");
    let exists = check(&report, "env.exists");
    assert_eq!(exists["status"], "skip", "{exists:#}");
    assert!(
        text(&exists["details"])
            .contains("Dockerfile:7 installs it into the image's base environment"),
        "{exists:#}"
    );
    let hc = text(&check(&report, "dockerfile.healthcheck")["fix"]["manual"]);
    assert!(
        hc.contains(r#"[\"/opt/conda/bin/python\", \"-c\", \"import socket"#),
        "{hc}"
    );
}
