//! The dockerfile.* checks through the real binary: statuses, locations, exit codes, skips,
//! configured paths, malformed files, and secrets that never reach any output.
mod support;

use serde_json::Value;
use support::{check, status, Sandbox};

const INSECURE: &str = include_str!("fixtures/docker/dockerfile/policy_insecure.Dockerfile");
const SECURE: &str = include_str!("fixtures/docker/dockerfile/policy_secure.Dockerfile");
const SECRETS: &str = include_str!("fixtures/docker/dockerfile/secrets.Dockerfile");
const MALFORMED: &str = include_str!("fixtures/docker/dockerfile/malformed.Dockerfile");

const IDS: &[&str] = &[
    "dockerfile.syntax",
    "dockerfile.user",
    "dockerfile.pip",
    "dockerfile.healthcheck",
    "dockerfile.chown",
    "dockerfile.base_pin",
    "dockerfile.python_base",
    "dockerfile.multistage",
    "dockerfile.secrets",
    "dockerfile.expose",
    "dockerfile.remote_fetch",
    "dockerfile.sudo",
    "dockerfile.micromamba_clean",
];

/// A mamba project (it has an environment file, so the policy rules judge its Dockerfiles)
/// with `files`.
fn project(files: &[(&str, &str)]) -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: app\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    for (path, text) in files {
        sb.write(format!("project/{path}"), text);
    }
    sb
}

fn locations(report: &Value, id: &str) -> Vec<(String, u64, String)> {
    check(report, id)["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap_or_default().to_string(),
                l["line"].as_u64().unwrap_or_default(),
                l["rule"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn policy_insecure_example_reports_what_the_policy_demands() {
    let sb = project(&[("Dockerfile", INSECURE)]);
    let (report, code) = sb.json(&["dockerfile.*"]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(status(&report, "dockerfile.user"), "fail");
    assert_eq!(status(&report, "dockerfile.pip"), "fail");
    assert_eq!(status(&report, "dockerfile.healthcheck"), "warn");
    assert_eq!(status(&report, "dockerfile.python_base"), "warn");
    assert_eq!(status(&report, "dockerfile.syntax"), "ok");
    assert_eq!(
        locations(&report, "dockerfile.pip"),
        vec![("Dockerfile".to_string(), 4, "DD002".to_string())]
    );
    assert_eq!(
        locations(&report, "dockerfile.user"),
        vec![("Dockerfile".to_string(), 1, "DD001".to_string())]
    );
    // The image is rebuilt on micromamba once, by python_base's step; pip's step moves the
    // packages into the environment file that base installs.
    let rebuild = check(&report, "dockerfile.python_base")["fix"]["manual"].to_string();
    assert!(
        rebuild.contains("micromamba install -y -n base -c conda-forge -f"),
        "{rebuild}"
    );
    assert!(
        rebuild.contains("micromamba clean --all --yes"),
        "{rebuild}"
    );
    let fix = &check(&report, "dockerfile.pip")["fix"];
    let manual = fix["manual"].to_string();
    assert!(
        manual.contains("the micromamba base that dockerfile.python_base's step builds on installs environment.yml"),
        "{manual}"
    );
    // The rebuild is the last step, after the edit it needs.
    let last = fix["manual"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    assert!(last.starts_with("then rebuild: docker build -t "), "{last}");
}

#[test]
fn policy_secure_example_has_no_failure_but_its_healthcheck_program() {
    let sb = project(&[("Dockerfile", SECURE)]);
    let (report, code) = sb.json(&["dockerfile.*"]);
    for id in IDS {
        assert_ne!(status(&report, id), "fail", "{id}: {report:#}");
    }
    assert_eq!(status(&report, "dockerfile.user"), "ok");
    assert_eq!(status(&report, "dockerfile.healthcheck"), "ok");
    // Its HEALTHCHECK runs curl, which mambaorg/micromamba does not ship.
    let tool = check(&report, "dockerfile.healthcheck_tool");
    assert_eq!(tool["status"], "fail", "{tool:#}");
    assert!(
        tool["fix"].to_string().contains("urllib.request"),
        "{tool:#}"
    );
    assert_eq!(code, 1);
    // curl in the environment the image installs (copied from the builder stage) is enough.
    sb.write(
        "project/environment.yml",
        "name: app\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - curl\n",
    );
    let (report, code) = sb.json(&["dockerfile.*"]);
    assert_eq!(
        status(&report, "dockerfile.healthcheck_tool"),
        "ok",
        "{report:#}"
    );
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn without_a_dockerfile_every_check_skips() {
    let sb = project(&[("README.md", "# nothing here\n")]);
    let (report, code) = sb.json(&["dockerfile.*"]);
    for id in IDS {
        assert_eq!(status(&report, id), "skip", "{id}");
    }
    assert_eq!(code, 3, "nothing was checked: not healthy");
}

#[test]
fn rules_about_what_no_dockerfile_has_skip_and_say_why() {
    // Two batch images: no HEALTHCHECK, no conda install. The HEALTHCHECK's program and the
    // package cache are not judged (nothing to judge), and "none needed" is the summary.
    let batch = "FROM mambaorg/micromamba:2.0.5\nCOPY --chown=1000:1000 job.py /app/\nUSER 1000\nCMD [\"python\", \"/app/job.py\"]\n";
    let sb = project(&[("Dockerfile", batch), ("tools/Dockerfile", batch)]);
    let (report, _) = sb.json(&["dockerfile.*"]);
    let tool = check(&report, "dockerfile.healthcheck_tool");
    assert_eq!(tool["status"], "skip", "{tool}");
    assert!(
        tool["summary"]
            .as_str()
            .unwrap()
            .contains("declares a HEALTHCHECK (see dockerfile.healthcheck)"),
        "{tool}"
    );
    assert_eq!(status(&report, "dockerfile.micromamba_clean"), "skip");
    let hc = check(&report, "dockerfile.healthcheck");
    assert_eq!(hc["status"], "ok", "{hc}");
    assert!(
        hc["summary"]
            .as_str()
            .unwrap()
            .starts_with("no HEALTHCHECK, and none needed"),
        "{hc}"
    );
    // With a HEALTHCHECK and an install, both rules judge again.
    let served = "FROM mambaorg/micromamba:2.0.5\nRUN micromamba install -y -n base python && micromamba clean --all --yes\nHEALTHCHECK CMD [\"/opt/conda/bin/python\", \"-c\", \"print(1)\"]\nUSER 1000\nCMD [\"python\", \"-m\", \"http.server\"]\n";
    sb.write("project/Dockerfile", served);
    let (report, _) = sb.json(&["dockerfile.*"]);
    assert_eq!(status(&report, "dockerfile.healthcheck_tool"), "ok");
    assert_eq!(status(&report, "dockerfile.micromamba_clean"), "ok");
}

#[test]
fn secrets_are_redacted_in_every_output_format() {
    let sb = project(&[("Dockerfile", SECRETS)]);
    let (report, code) = sb.json(&["dockerfile.*"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "dockerfile.secrets"), "fail");
    let lines: Vec<u64> = locations(&report, "dockerfile.secrets")
        .iter()
        .map(|l| l.1)
        .collect();
    assert_eq!(lines, vec![2, 4, 5, 7, 8, 10, 11]);
    for format in [
        "human",
        "json",
        "junit",
        "sarif",
        "tap",
        "prometheus",
        "nagios",
    ] {
        for verbose in [&[][..], &["-v"][..]] {
            let mut args = vec!["--format", format, "dockerfile.*"];
            args.extend_from_slice(verbose);
            let out = sb.run(&args);
            let all = format!("{}{}", support::stdout(&out), support::stderr(&out));
            assert!(
                !all.contains("LEAKCANARY"),
                "{format} leaked a secret:\n{all}"
            );
            assert!(!all.contains("panicked"), "{format}:\n{all}");
        }
    }
}

#[test]
fn configured_dockerfiles_and_a_missing_one() {
    let sb = project(&[
        ("docker/api.Dockerfile", INSECURE),
        (
            "devdoctor.toml",
            "[docker]\ndockerfiles = [\"docker/api.Dockerfile\", \"missing.Dockerfile\"]\n",
        ),
    ]);
    let (report, code) = sb.json(&["dockerfile.*"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "dockerfile.syntax"), "fail");
    let syntax = locations(&report, "dockerfile.syntax");
    assert_eq!(syntax[0].0, "missing.Dockerfile");
    assert_eq!(status(&report, "dockerfile.pip"), "fail");
    assert_eq!(
        locations(&report, "dockerfile.pip")[0].0,
        "docker/api.Dockerfile"
    );
    // A rule with no finding in the readable file cannot vouch for the missing one.
    assert_eq!(status(&report, "dockerfile.sudo"), "unknown");
}

#[test]
fn discovery_finds_named_dockerfiles_below_the_project() {
    let sb = project(&[
        ("svc/api.Dockerfile", INSECURE),
        ("Dockerfile.prod", SECURE),
        ("node_modules/pkg/Dockerfile", INSECURE),
    ]);
    let (report, _) = sb.json(&["dockerfile.pip", "dockerfile.syntax"]);
    assert_eq!(
        locations(&report, "dockerfile.pip"),
        vec![("svc/api.Dockerfile".to_string(), 4, "DD002".to_string())]
    );
    assert!(check(&report, "dockerfile.syntax")["summary"]
        .as_str()
        .unwrap()
        .contains("2 Dockerfiles"));
}

#[test]
fn malformed_and_binary_files_fail_syntax_without_crashing() {
    let sb = project(&[("Dockerfile", MALFORMED)]);
    std::fs::write(
        sb.project.join("bin.Dockerfile"),
        [0u8, 159, 146, 150, 255, b'\n', b'R', b'U', b'N', b' ', b'['],
    )
    .unwrap();
    let (report, code) = sb.json(&["dockerfile.*"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "dockerfile.syntax"), "fail");
    let locs = locations(&report, "dockerfile.syntax");
    assert!(
        locs.iter().any(|l| l.0 == "Dockerfile" && l.1 == 1),
        "{locs:?}"
    );
    assert!(locs.iter().any(|l| l.0 == "bin.Dockerfile"), "{locs:?}");
    for id in IDS {
        let summary = check(&report, id)["summary"].as_str().unwrap_or_default();
        assert!(!summary.contains("crashed"), "{id}: {summary}");
    }
}

#[test]
fn inline_ignores_silence_findings() {
    let text = "FROM mambaorg/micromamba:1.5.6\n# devdoctor ignore=pip\nRUN pip install x\n# hadolint ignore=DL3004\nRUN sudo true\nHEALTHCHECK CMD [\"true\"]\n";
    let sb = project(&[("Dockerfile", text)]);
    let (report, code) = sb.json(&["dockerfile.pip", "dockerfile.sudo"]);
    assert_eq!(status(&report, "dockerfile.pip"), "ok");
    assert_eq!(status(&report, "dockerfile.sudo"), "ok");
    let details = check(&report, "dockerfile.pip")["details"].to_string();
    assert!(details.contains("silenced"), "{details}");
    assert_eq!(code, 0);
}

#[test]
fn explain_names_the_hadolint_and_trivy_equivalents() {
    let sb = Sandbox::new();
    let out = sb.run(&["explain", "dockerfile.user"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    assert!(
        text.contains("DL3002") && text.contains("DS-0002"),
        "{text}"
    );
}

#[test]
fn no_dockerfile_fix_calls_pip() {
    let sb = project(&[
        ("Dockerfile", INSECURE),
        ("a.Dockerfile", SECRETS),
        (
            "b.Dockerfile",
            include_str!("fixtures/docker/dockerfile/sudo.Dockerfile"),
        ),
        (
            "c.Dockerfile",
            include_str!("fixtures/docker/dockerfile/multistage_tools.Dockerfile"),
        ),
        (
            "d.Dockerfile",
            include_str!("fixtures/docker/dockerfile/remote_fetch.Dockerfile"),
        ),
        (
            "e.Dockerfile",
            include_str!("fixtures/docker/dockerfile/micromamba_noclean.Dockerfile"),
        ),
        (
            "f.Dockerfile",
            include_str!("fixtures/docker/dockerfile/expose.Dockerfile"),
        ),
        (
            "g.Dockerfile",
            include_str!("fixtures/docker/dockerfile/base_unpinned.Dockerfile"),
        ),
        (
            "h.Dockerfile",
            include_str!("fixtures/docker/dockerfile/chown_missing.Dockerfile"),
        ),
        (
            "i.Dockerfile",
            include_str!("fixtures/docker/dockerfile/healthcheck_twice.Dockerfile"),
        ),
        ("j.Dockerfile", MALFORMED),
    ]);
    let (report, _) = sb.json(&["dockerfile.*"]);
    let word = regex::Regex::new(r"(?i)\bpip[0-9.]*\b|easy_install").unwrap();
    let mut fixes = 0;
    for id in IDS {
        let fix = &check(&report, id)["fix"];
        if fix.is_null() {
            continue;
        }
        fixes += 1;
        for cmd in fix["commands"].as_array().unwrap() {
            let argv: Vec<&str> = cmd
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a.as_str())
                .collect();
            assert!(
                !devdoctor::policy::no_pip::argv_calls_pip(&argv),
                "{id}: {argv:?}"
            );
        }
        let text = format!("{} {}", fix["why"], fix["manual"]);
        assert!(!word.is_match(&text), "{id}: {text}");
    }
    assert_eq!(
        fixes,
        IDS.len(),
        "every rule should have fired on this project"
    );
}

fn docker_engine_up() -> bool {
    std::process::Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// With a real engine: a base image's Config.User and Healthcheck are used when the
/// Dockerfile (or a compose service) sets neither.
#[test]
fn local_base_image_config_is_used_with_a_real_engine() {
    if !support::e2e_available("a Docker engine", docker_engine_up()) {
        return;
    }
    let tag = format!("devdoctor-lint-base:e2e-{}", std::process::id());
    let sb = Sandbox::new();
    let ctx = sb.root().join("base");
    std::fs::create_dir_all(&ctx).unwrap();
    std::fs::write(
        ctx.join("Dockerfile"),
        "FROM scratch\nUSER 1000:1000\nHEALTHCHECK CMD [\"/x\"]\nCMD [\"/x\"]\n",
    )
    .unwrap();
    let built = std::process::Command::new("docker")
        .args(["build", "-q", "-t", &tag])
        .arg(&ctx)
        .output()
        .expect("docker build runs");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    sb.write("project/Dockerfile", &format!("FROM {tag}\nCMD [\"/x\"]\n"));
    sb.write(
        "project/compose.yaml",
        &format!("services:\n  app:\n    image: {tag}\n    read_only: true\n"),
    );
    let (report, _) = sb.json(&[
        "dockerfile.user",
        "dockerfile.healthcheck",
        "compose.user",
        "compose.healthcheck",
    ]);
    let _ = std::process::Command::new("docker")
        .args(["image", "rm", "-f", &tag])
        .output();
    for id in [
        "dockerfile.user",
        "dockerfile.healthcheck",
        "compose.user",
        "compose.healthcheck",
    ] {
        assert_eq!(status(&report, id), "ok", "{id}: {:#}", check(&report, id));
    }
}

/// pip in a Dockerfile, or a python:* base, is the mamba-first policy's concern only in a project
/// that sets up a conda environment; elsewhere (a pip-only web app) those rules skip and say
/// why, while container hygiene (user, pins, secrets) is still judged. Dockerfiles under
/// examples/ are samples for users, not the project's images.
#[test]
fn the_python_policy_rules_judge_only_a_conda_project() {
    let sb = Sandbox::new();
    sb.write("project/Dockerfile", INSECURE);
    sb.write(
        "project/examples/demo/Dockerfile",
        "FROM python\nRUN pip install x\n",
    );
    let (report, _) = sb.json(&["dockerfile.*"]);
    support::assert_skipped(
        &report,
        &["dockerfile.pip", "dockerfile.python_base"],
        "sets up no conda environment",
    );
    assert_eq!(status(&report, "dockerfile.user"), "fail", "{report:#}");
    let pins = locations(&report, "dockerfile.base_pin");
    assert!(
        pins.iter().all(|(path, _, _)| path == "Dockerfile"),
        "{pins:?}"
    );
    sb.write("project/requirements.txt", "flask\n");
    let (report, _) = sb.json(&["dockerfile.pip"]);
    assert_eq!(status(&report, "dockerfile.pip"), "fail", "{report:#}");
    let pip = locations(&report, "dockerfile.pip");
    assert!(
        pip.iter().all(|(path, _, _)| path == "Dockerfile"),
        "{pip:?}"
    );
}

/// A dev container's Dockerfile (VS Code, Codespaces: `.devcontainer/`) is built and run for
/// development, as the user devcontainer.json names and often with sudo: the rules about how a
/// service runs leave it out and say so; the mamba and secret rules still judge it. Next to a
/// service's Dockerfile, those rules judge the service's only.
#[test]
fn a_dev_container_is_not_judged_as_a_service() {
    let dev = "FROM mcr.microsoft.com/devcontainers/miniconda:1-3\nRUN sudo apt-get update && pip install black\n";
    let sb = project(&[(".devcontainer/Dockerfile", dev)]);
    let (report, _) = sb.json(&["dockerfile.*"]);
    support::assert_skipped(
        &report,
        &[
            "dockerfile.user",
            "dockerfile.sudo",
            "dockerfile.healthcheck",
            "dockerfile.multistage",
        ],
        ".devcontainer/Dockerfile",
    );
    assert_eq!(status(&report, "dockerfile.pip"), "fail", "{report:#}");
    assert_eq!(status(&report, "dockerfile.base_pin"), "ok", "{report:#}");

    sb.write("project/Dockerfile", INSECURE);
    let (report, _) = sb.json(&["dockerfile.sudo", "dockerfile.user"]);
    let user = check(&report, "dockerfile.user");
    assert_eq!(user["status"], "fail", "{user:#}");
    assert!(
        locations(&report, "dockerfile.user")
            .iter()
            .all(|(path, _, _)| path == "Dockerfile"),
        "{user:#}"
    );
    assert!(
        user["details"]
            .to_string()
            .contains("left out, as a dev container"),
        "{user:#}"
    );
    assert!(locations(&report, "dockerfile.sudo")
        .iter()
        .all(|(path, _, _)| path == "Dockerfile"));
}

/// The Dockerfile fixes name the project's own environment file (found in envs/ here), as the
/// build's COPY reaches it, not a made-up `environment.yml`.
#[test]
fn dockerfile_fixes_copy_the_projects_own_environment_file() {
    let sb = Sandbox::new();
    sb.write(
        "project/envs/dev.yml",
        "name: app\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    sb.write(
        "project/Dockerfile",
        "FROM python:3.12-slim\nRUN pip install flask\nUSER 1000\nCMD [\"python\", \"main.py\"]\n",
    );
    let (report, _) = sb.json(&["dockerfile.pip", "dockerfile.python_base"]);
    let pip = check(&report, "dockerfile.pip")["fix"]["manual"].to_string();
    assert!(pip.contains("builds on installs envs/dev.yml"), "{pip}");
    let manual = check(&report, "dockerfile.python_base")["fix"]["manual"].to_string();
    assert!(
        manual.contains("COPY --chown=$MAMBA_USER:$MAMBA_USER envs/dev.yml /tmp/environment.yml"),
        "{manual}"
    );
    assert!(!manual.contains(" environment.yml /tmp"), "{manual}");
}

#[test]
fn the_rebuild_is_tagged_as_the_image_compose_runs_by_name() {
    // black-06/mercury: compose runs `image: mercury:latest` (its Makefile builds it from the
    // root Dockerfile) beside a MySQL service. The rebuild tags that name; image.* inspect it.
    let sb = Sandbox::new();
    sb.write(
        "project/mercury/Dockerfile",
        "FROM python:3.12.4\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n",
    );
    sb.write(
        "project/mercury/docker-compose.yml",
        "services:\n  db:\n    image: mysql:5.7\n  mercury:\n    image: mercury:latest\n",
    );
    let dir = sb.project.join("mercury");
    let (report, _) = sb.json(&[
        "-C",
        dir.to_str().unwrap(),
        "dockerfile.user",
        "image.exists",
    ]);
    let user = check(&report, "dockerfile.user");
    assert!(
        user["fix"]["manual"]
            .to_string()
            .contains("then rebuild: docker build -t mercury:latest"),
        "{user}"
    );
    let image = check(&report, "image.exists");
    assert!(image.to_string().contains("mercury:latest"), "{image}");
    assert!(!image.to_string().contains("mysql"), "{image}");
    // A published image pinned by digest is no tag a build can take (`docker build -t`
    // refuses it): the rebuild keeps the project's name (stoyq/heart-disease-predictor).
    let digest = format!("mercury@sha256:{}", "a9".repeat(32));
    sb.write(
        "project/mercury/docker-compose.yml",
        &format!("services:\n  mercury:\n    image: {digest}\n"),
    );
    let (report, _) = sb.json(&["-C", dir.to_str().unwrap(), "dockerfile.user"]);
    let manual = check(&report, "dockerfile.user")["fix"]["manual"].to_string();
    assert!(
        manual.contains("then rebuild: docker build -t mercury -f"),
        "{manual}"
    );
    assert!(!manual.contains("sha256"), "{manual}");
}

/// ESGF/esgf-compute-wps: several Dockerfiles under docker/, and a compose service that runs
/// `jasonb87/cwt_wps:latest` without building it. That name is the rebuild's tag only for
/// the Dockerfile its name points at (docker/wps/); the first Dockerfile (docker/celery/)
/// tagged with it would replace the wps image with the celery one.
#[test]
fn a_service_image_tags_only_the_dockerfile_its_name_points_at() {
    let sb = Sandbox::new();
    for part in ["celery", "wps"] {
        sb.write(
            format!("project/compute-wps/docker/{part}/Dockerfile"),
            "FROM python:3.12.4\nCMD [\"python\"]\n",
        );
    }
    sb.write(
        "project/compute-wps/docker/docker-compose.yml",
        "services:\n  wps:\n    image: jasonb87/cwt_wps:latest\n",
    );
    let dir = sb.project.join("compute-wps");
    let (report, _) = sb.json(&[
        "-C",
        dir.to_str().unwrap(),
        "dockerfile.user",
        "image.exists",
    ]);
    // The service's image is the project's (image.* inspect it) ...
    let image = check(&report, "image.exists");
    assert!(
        image.to_string().contains("jasonb87/cwt_wps:latest"),
        "{image}"
    );
    // ... but the celery Dockerfile's rebuild does not take its name.
    let manual = check(&report, "dockerfile.user")["fix"]["manual"].to_string();
    assert!(
        manual.contains("docker build -t compute-wps-celery -f "),
        "{manual}"
    );
    assert!(!manual.contains("cwt_wps:latest -f "), "{manual}");
}

/// Dockerfiles that pass for different reasons (one declares a HEALTHCHECK, one is a batch
/// job) are summed up as such, not as if each declared one (klay-music/klay-beam).
#[test]
fn a_mixed_pass_of_healthchecks_says_so() {
    let sb = Sandbox::new();
    sb.write(
        "project/Dockerfile",
        "FROM python:3.11-slim\nCMD [\"python3\", \"job.py\"]\n",
    );
    sb.write(
        "project/svc/Dockerfile",
        "FROM python:3.11-slim\nHEALTHCHECK CMD [\"python3\", \"-c\", \"import os; os.stat('/tmp/alive')\"]\nCMD [\"python3\", \"job.py\"]\n",
    );
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    let c = check(&report, "dockerfile.healthcheck");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(
        c["summary"], "each final stage declares a HEALTHCHECK or needs none (2 Dockerfiles)",
        "{c:#}"
    );
}

/// biosimulators/bio-compose-server: a base image built from the root Dockerfile, and
/// gateway/Dockerfile-gateway whose image compose runs as
/// `ghcr.io/biosimulators/bio-compose-server-gateway`. The root Dockerfile's rebuild is not
/// tagged with the gateway's name (it would replace the image compose runs with the base).
#[test]
fn the_root_dockerfile_is_not_tagged_with_another_folders_image() {
    let sb = Sandbox::new();
    sb.write(
        "project/Dockerfile",
        "FROM condaforge/miniforge3:latest\nCMD [\"python\"]\n",
    );
    sb.write(
        "project/gateway/Dockerfile-gateway",
        "FROM ghcr.io/biosimulators/bio-compose-server-base:0.0.1-dev\nCMD [\"python\"]\n",
    );
    sb.write(
        "project/docker-compose.yaml",
        "services:\n  gateway:\n    image: ghcr.io/biosimulators/bio-compose-server-gateway:0.0.11-dev\n",
    );
    let (report, _) = sb.json(&["dockerfile.user"]);
    let manual = check(&report, "dockerfile.user")["fix"]["manual"].to_string();
    assert!(
        manual.contains("docker build -t project -f Dockerfile ."),
        "{manual}"
    );
    assert!(
        !manual.contains("gateway:0.0.11-dev -f Dockerfile "),
        "{manual}"
    );
}

/// With no port in the image (no EXPOSE, no listen option), the HEALTHCHECK the fix proposes
/// asks the port the project's server code gives (TOSTRING-Z/chatx: `uvicorn.run(…,
/// port=3001)`), not the configured default 8000. The server declares no health route, so
/// the check connects to that port rather than GET a /health it does not serve; with a
/// route, it asks the route.
#[test]
fn a_healthcheck_fix_takes_the_servers_port_from_its_code() {
    let sb = project(&[
        (
            "server.py",
            "from mcp.server.fastmcp import FastMCP\nimport uvicorn\nmcp = FastMCP(\"x\")\napp = mcp.sse_app()\nif __name__ == \"__main__\":\n    uvicorn.run(app, host=\"0.0.0.0\", port=3001)\n",
        ),
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nCOPY server.py /app/\nCMD [\"python\", \"/app/server.py\"]\n",
        ),
        (
            "environment.yml",
            "name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - mcp\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    let hc = check(&report, "dockerfile.healthcheck");
    let manual = hc["fix"]["manual"].to_string();
    assert!(
        manual.contains("socket.create_connection(('127.0.0.1', 3001), 3)"),
        "{hc:#}"
    );
    assert!(!manual.contains("8000"), "{hc:#}");
    sb.write(
        "project/server.py",
        "from mcp.server.fastmcp import FastMCP\nimport uvicorn\nmcp = FastMCP(\"x\")\n@mcp.custom_route(\"/health\", methods=[\"GET\"])\nasync def health(request):\n    return None\napp = mcp.sse_app()\nif __name__ == \"__main__\":\n    uvicorn.run(app, host=\"0.0.0.0\", port=3001)\n",
    );
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    let manual = check(&report, "dockerfile.healthcheck")["fix"]["manual"].to_string();
    assert!(manual.contains("http://127.0.0.1:3001/health"), "{manual}");
}

/// The image of an MCP server whose code declares no health route, with a HEALTHCHECK that
/// asks `/health` and fails on a 404 (matsunagalab/mcp-md: `curl -f`, the server started by
/// an entrypoint script): the container never becomes healthy. The fix checks the port, or
/// adds the route; with the route declared, the same HEALTHCHECK passes.
#[test]
fn a_healthcheck_asking_a_route_the_server_does_not_serve_fails() {
    let server = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"md\", host=\"0.0.0.0\", port=8000)\nif __name__ == \"__main__\":\n    mcp.run(transport=\"streamable-http\")\n";
    let sb = project(&[
        ("src/mcp_md/server.py", server),
        (
            "docker/entrypoint.sh",
            "#!/bin/bash\nset -e\nexec micromamba run -n base python /app/src/mcp_md/server.py\n",
        ),
        (
            "Dockerfile",
            "FROM python:3.12\nCOPY . /app\nEXPOSE 8000\nHEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1\nENTRYPOINT [\"/app/docker/entrypoint.sh\"]\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck_tool"]);
    let hc = check(&report, "dockerfile.healthcheck_tool");
    assert_eq!(hc["status"], "fail", "{hc:#}");
    assert_eq!(
        locations(&report, "dockerfile.healthcheck_tool"),
        [("Dockerfile".to_string(), 4, "DD014".to_string())],
        "{hc:#}"
    );
    assert!(
        hc["summary"].as_str().unwrap().contains(
            "HEALTHCHECK asks `/health`, which the MCP server the image starts does not serve"
        ),
        "{hc:#}"
    );
    let manual = hc["fix"]["manual"].to_string();
    assert!(
        manual.contains("socket.create_connection(('127.0.0.1', 8000), 3)")
            && manual.contains("custom_route"),
        "{manual}"
    );
    // With the route declared, the HEALTHCHECK asks what the server serves.
    sb.write(
        "project/src/mcp_md/server.py",
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"md\", host=\"0.0.0.0\", port=8000)\n@mcp.custom_route(\"/health\", methods=[\"GET\"])\nasync def health(request):\n    return None\nif __name__ == \"__main__\":\n    mcp.run(transport=\"streamable-http\")\n",
    );
    let (report, _) = sb.json(&["dockerfile.healthcheck_tool"]);
    assert_eq!(
        check(&report, "dockerfile.healthcheck_tool")["status"],
        "ok",
        "{report:#}"
    );
}
