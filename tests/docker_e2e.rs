//! `docker.*` against a real Docker engine (Debian's docker.io in CI). Gated: without an
//! engine these print `skipped: …`, and fail under DEVDOCTOR_E2E=1.
mod support;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;
use support::Sandbox;

const SOCKET: &str = "/var/run/docker.sock";

/// The engine answers `/_ping` on the default socket, and a docker CLI is on PATH.
fn engine() -> Option<PathBuf> {
    let docker = which::which("docker").ok()?;
    let mut s = UnixStream::connect(SOCKET).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /_ping HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    (answer.starts_with("HTTP/1.") && answer.ends_with("OK")).then_some(docker)
}

fn available() -> Option<PathBuf> {
    let docker = engine();
    support::e2e_available("a Docker engine", docker.is_some()).then_some(docker?)
}

/// PATH for devdoctor: the sandbox bin, the real docker's folder, then the system's.
fn path_with(sb: &Sandbox, docker: &Path) -> OsString {
    let mut p = sb.bin.as_os_str().to_os_string();
    if let Some(dir) = docker.parent() {
        p.push(":");
        p.push(dir);
    }
    p.push(":/usr/bin:/bin");
    p
}

fn docker_output(docker: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(docker)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn daemon_ok_with_server_and_api_version() {
    let Some(docker) = available() else { return };
    let mut sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM scratch\n");
    let path = path_with(&sb, &docker);
    sb.var("PATH", path);
    let (report, _) = sb.json(&["docker.*"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "ok", "{c:#}");
    let want = docker_output(&docker, &["version", "--format", "{{.Server.Version}}"]);
    assert!(!want.is_empty());
    assert_eq!(c["data"]["server_version"], want.as_str(), "{c:#}");
    let api = docker_output(&docker, &["version", "--format", "{{.Server.APIVersion}}"]);
    assert_eq!(c["data"]["api_version"], api.as_str());
    assert_eq!(c["data"]["endpoint"], "unix:///var/run/docker.sock");
    assert!(c["data"]["security_options"].is_array());

    // The engine answers on its socket: the CLI is found on PATH and not started.
    let cli = support::check(&report, "docker.cli");
    assert_eq!(cli["status"], "ok", "{cli:#}");
    assert!(
        cli["summary"]
            .as_str()
            .unwrap()
            .contains("the engine answers"),
        "{cli:#}"
    );
    assert!(cli["data"]["version"].is_null(), "{cli:#}");
    assert!(
        !sb.home.join(".cache/devdoctor/versions.json").exists()
            || !std::fs::read_to_string(sb.home.join(".cache/devdoctor/versions.json"))
                .unwrap()
                .contains("docker --version")
    );
}

#[test]
fn a_docker_host_pointing_at_nothing_is_named_as_the_cause_when_the_default_socket_answers() {
    let Some(docker) = available() else { return };
    let mut sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM scratch\n");
    let path = path_with(&sb, &docker);
    let gone = sb.root().join("gone.sock");
    sb.var("PATH", path)
        .var("DOCKER_HOST", format!("unix://{}", gone.display()))
        .var("DEVDOCTOR_DOCKER_DEFAULT_SOCKET", SOCKET);
    let (report, code) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(code, 1);
    let summary = c["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("DOCKER_HOST points at")
            && summary.contains("default socket /var/run/docker.sock"),
        "{summary}"
    );
    let fix = &c["fix"];
    assert!(
        fix["manual"][0]
            .as_str()
            .unwrap()
            .starts_with("unset DOCKER_HOST"),
        "the first fix points back at the running engine, not 'start the engine': {fix:#}"
    );
    assert!(!fix.to_string().contains("systemctl"), "{fix:#}");
}

#[test]
fn real_socket_refuses_an_unprivileged_user() {
    let Some(docker) = available() else { return };
    // SAFETY: geteuid has no preconditions.
    if !rustix::process::geteuid().is_root() {
        support::skipped("needs root to run devdoctor as nobody (tests/docker_daemon.rs covers it with a test socket)");
        return;
    }
    let mode = std::fs::metadata(SOCKET).unwrap().permissions().mode();
    if mode & 0o006 != 0 {
        support::skipped(&format!("{SOCKET} is open to everyone (mode {mode:o})"));
        return;
    }
    let Some(setpriv) = ["/usr/bin/setpriv", "/bin/setpriv"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
    else {
        support::skipped("setpriv is not installed");
        return;
    };
    let sb = Sandbox::new();
    for d in [sb.root(), &sb.home, &sb.project] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // A copy nobody can run, wherever the checkout lives.
    let bin = sb.root().join("devdoctor");
    support::copy_binary(&bin);
    sb.write("project/Dockerfile", "FROM scratch\n");
    let out = assert_cmd::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&bin)
        .args(["--json", "docker.daemon"])
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", path_with(&sb, &docker))
        .current_dir(&sb.project)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", support::stderr(&out)));
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "permission_denied");
    assert!(c["fix"]["manual"].to_string().contains("newgrp docker"));
}

/// `dockerfile.copy_ignored` says a COPY fails exactly where the engine's build does: each
/// case is a `.dockerignore` and a COPY source, built FROM scratch.
#[test]
fn copy_ignored_agrees_with_the_engines_build() {
    let Some(docker) = available() else { return };
    let cases = [
        ("*.yml\n!environment.yml\n", "conda-lock.yml"),
        ("*.yml\n!environment.yml\n", "environment.yml"),
        ("*.yml\n", "envs/dev.yml"),
        ("*\n!src\n", "src/"),
        ("*\n!src/app\n", "src/"),
        ("*\n!environment.yml\n", "src/"),
        ("data\n!data/keep.csv\n", "data/"),
        ("data\n!data/keep.csv\n", "data/drop.csv"),
        ("**/main.py\n", "src/app/main.py"),
        ("/data/\n", "data/keep.csv"),
        ("./src/app/\n", "src/app/main.py"),
        ("# *.yml\n", "environment.yml"),
    ];
    for (ignore, source) in cases {
        let mut sb = Sandbox::new();
        for (f, text) in [
            ("environment.yml", "name: x\n"),
            ("conda-lock.yml", "x\n"),
            ("envs/dev.yml", "x\n"),
            ("src/app/main.py", "x\n"),
            ("data/keep.csv", "x\n"),
            ("data/drop.csv", "x\n"),
        ] {
            sb.write(format!("project/{f}"), text);
        }
        sb.write("project/.dockerignore", ignore);
        sb.write(
            "project/Dockerfile",
            &format!("FROM scratch\nCOPY {source} /x/\n"),
        );
        let built = std::process::Command::new(&docker)
            .args([
                "build",
                "-q",
                "--no-cache",
                "-t",
                "devdoctor-e2e-ignore",
                ".",
            ])
            .env("DOCKER_BUILDKIT", "0")
            .current_dir(sb.root().join("project"))
            .output()
            .unwrap();
        let path = path_with(&sb, &docker);
        sb.var("PATH", path);
        let (report, _) = sb.json(&["dockerfile.copy_ignored"]);
        let c = support::check(&report, "dockerfile.copy_ignored");
        let want = if built.status.success() { "ok" } else { "fail" };
        assert_eq!(
            c["status"],
            want,
            "{ignore:?} COPY {source}: docker build said {}\n{c:#}",
            String::from_utf8_lossy(&built.stderr)
        );
    }
    let _ = std::process::Command::new(&docker)
        .args(["rmi", "-f", "devdoctor-e2e-ignore"])
        .output();
}
