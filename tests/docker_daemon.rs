//! `docker.cli` and `docker.daemon` against sockets the test controls: no engine needed.
//! Down, hung, permission-denied and garbage engines, contexts, and the CLI route.
mod support;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::Sandbox;

/// A project that uses Docker (so a dead engine is a failure, not a skip).
fn docker_project() -> Sandbox {
    let sb = Sandbox::new();
    sb.write("project/Dockerfile", "FROM scratch\n");
    sb
}

/// Serves every connection on `path` with `answer(request path)` until the test ends.
fn serve(path: &Path, answer: fn(&str) -> String) {
    support::fake_engine_at(path, answer);
}

fn ok_json(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    )
}

fn rootless_podman(path: &str) -> String {
    match path {
        "/_ping" => "HTTP/1.1 200 OK\r\nApi-Version: 1.43\r\nLibpod-Api-Version: 4.9.3\r\nContent-Length: 2\r\n\r\nOK".into(),
        "/v1.43/version" => ok_json(r#"{"Components":[{"Name":"Podman Engine","Version":"4.9.3"}],"Version":"4.9.3","ApiVersion":"1.43","Os":"linux","Arch":"amd64"}"#),
        "/v1.43/info" => ok_json(r#"{"ServerVersion":"4.9.3","OSType":"linux","Architecture":"x86_64","SecurityOptions":["name=seccomp,profile=default","name=rootless"]}"#),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
    }
}

#[test]
fn engine_over_a_socket_reports_version_podman_and_rootless() {
    let mut sb = docker_project();
    let sock = sb.root().join("podman.sock");
    serve(&sock, rootless_podman);
    sb.var("DOCKER_HOST", format!("unix://{}", sock.display()));
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("Podman 4.9.3 (API 1.43)"),
        "{c:#}"
    );
    assert_eq!(c["data"]["rootless"], true);
    assert_eq!(c["data"]["podman"], true);
    assert_eq!(c["data"]["endpoint_source"], "DOCKER_HOST");
}

#[test]
fn daemon_down_is_a_failure_with_the_not_running_cause() {
    let mut sb = docker_project();
    sb.var("DOCKER_HOST", "unix:///nonexistent.sock");
    let (report, code) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "not_running");
    assert!(c["summary"].as_str().unwrap().contains("/nonexistent.sock"));
    let fix = c["fix"]["commands"][0].as_array().unwrap();
    assert_eq!(fix.len(), 4);
    assert_eq!(fix[1], "systemctl");
    assert!(c["fix"]["manual"].to_string().contains("DOCKER_HOST"));
    assert_eq!(code, 1);
}

#[test]
fn daemon_down_without_docker_files_is_skipped() {
    let mut sb = Sandbox::new();
    sb.var("DOCKER_HOST", "unix:///nonexistent.sock");
    let (report, code) = sb.json(&["docker.daemon"]);
    assert_eq!(support::status(&report, "docker.daemon"), "skip");
    assert_eq!(
        code, 3,
        "a check named on the command line that skipped was not checked"
    );
}

#[test]
fn silent_socket_is_unknown_within_the_timeout() {
    let mut sb = docker_project();
    let sock = sb.root().join("silent.sock");
    let listener = UnixListener::bind(&sock).unwrap();
    std::thread::spawn(move || {
        // Accept and hold every connection, never answering.
        let held: Vec<UnixStream> = listener.incoming().filter_map(Result::ok).take(8).collect();
        std::thread::sleep(Duration::from_secs(60));
        drop(held);
    });
    sb.var("DOCKER_HOST", format!("unix://{}", sock.display()));
    let start = Instant::now();
    let (report, code) = sb.json(&["--timeout", "3", "docker.daemon"]);
    let took = start.elapsed();
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().contains("did not answer"),
        "{c:#}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(code, 3);
}

#[test]
fn garbage_on_the_socket_is_unknown_not_ok() {
    let mut sb = docker_project();
    let sock = sb.root().join("garbage.sock");
    serve(&sock, |_| "SSH-2.0-OpenSSH_9.2\r\n".into());
    sb.var("DOCKER_HOST", format!("unix://{}", sock.display()));
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("not as a Docker engine"));
}

#[test]
fn missing_context_points_nowhere() {
    let sb = docker_project();
    sb.write("home/.docker/config.json", r#"{"currentContext":"colima"}"#);
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "no_endpoint");
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("`colima` does not exist"));
    assert_eq!(
        c["fix"]["commands"][0],
        serde_json::json!(["docker", "context", "use", "default"])
    );
}

/// DOCKER_CONTEXT naming a context that does not exist: the fix is to unset it or create the
/// context, both for a person. Listing the contexts is a hint, not a command `fix` would run and
/// call done.
#[test]
fn missing_context_from_the_variable_is_a_manual_fix() {
    let mut sb = docker_project();
    sb.var("DOCKER_CONTEXT", "colima");
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "no_endpoint");
    assert_eq!(c["fix"]["commands"], serde_json::json!([]), "{c:#}");
    let manual = c["fix"]["manual"].to_string();
    assert!(manual.contains("unset DOCKER_CONTEXT"), "{manual}");
    assert!(manual.contains("docker context ls"), "{manual}");
}

#[test]
fn context_endpoint_is_followed() {
    let sb = docker_project();
    let sock = sb.root().join("ctx.sock");
    serve(&sock, rootless_podman);
    sb.write("home/.docker/config.json", r#"{"currentContext":"mine"}"#);
    // The context store directory is sha256 of the name, as docker/cli lays it out.
    let hash = sha256_hex("mine");
    sb.write(
        format!("home/.docker/contexts/meta/{hash}/meta.json"),
        &format!(
            r#"{{"Name":"mine","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"unix://{}","SkipTLSVerify":false}}}}}}"#,
            sock.display()
        ),
    );
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(c["data"]["endpoint_source"]
        .as_str()
        .unwrap()
        .contains("docker context `mine`"));
}

/// sha256 via the system tool, so the test does not trust the code under test.
fn sha256_hex(s: &str) -> String {
    let out = std::process::Command::new("sh")
        .args(["-c", "printf %s \"$1\" | sha256sum", "sh", s])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

fn can_run_as_nobody() -> Option<PathBuf> {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())?;
    Some(setpriv)
}

#[test]
fn permission_denied_on_the_socket() {
    let sb = docker_project();
    // The socket lives in a directory anyone may enter; only the socket itself is closed.
    std::fs::set_permissions(sb.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for d in [&sb.home, &sb.project, &sb.bin] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let sock = sb.root().join("root-only.sock");
    serve(&sock, rootless_podman);
    std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o600)).unwrap();
    // SAFETY: geteuid has no preconditions.
    let is_root = rustix::process::geteuid().is_root();
    let bin = assert_cmd::cargo::cargo_bin("devdoctor");
    let mut cmd = if is_root {
        let Some(setpriv) = can_run_as_nobody() else {
            support::skipped("running as root without setpriv; the classification is unit-tested (checks::docker)");
            return;
        };
        // A copy nobody can run, wherever the checkout lives.
        let copy = copy_for_everyone(&bin, sb.root());
        let mut c = assert_cmd::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&copy);
        c
    } else {
        std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o000)).unwrap();
        assert_cmd::Command::new(&bin)
    };
    let out = cmd
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", sb.path_var())
        .env("USER", "nobody")
        .env("DOCKER_HOST", format!("unix://{}", sock.display()))
        .current_dir(&sb.project)
        .timeout(Duration::from_secs(60))
        .args(["--json", "docker.daemon"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", support::stdout(&out), support::stderr(&out)));
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "permission_denied");
    assert_eq!(
        c["fix"]["commands"][0],
        serde_json::json!(["sudo", "usermod", "-aG", "docker", "nobody"])
    );
    assert!(c["fix"]["why"]
        .as_str()
        .unwrap()
        .contains("root-equivalent"));
}

/// Copies the binary into `dir` (which must be 0755) with mode 0755.
fn copy_for_everyone(bin: &Path, dir: &Path) -> PathBuf {
    let copy = dir.join("devdoctor");
    std::fs::copy(bin, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

#[test]
fn ssh_endpoint_goes_through_the_cli() {
    let mut sb = docker_project();
    sb.stand_in(
        "docker",
        r#"case "$1" in
  --version) echo "Docker version 27.1.1, build 6312585" ;;
  version) echo '{"Client":{"Version":"27.1.1"},"Server":{"Version":"27.1.1","ApiVersion":"1.46","Os":"linux","Arch":"arm64"}}' ;;
  info) echo '["name=seccomp,profile=builtin","name=userns"]' ;;
  *) exit 1 ;;
esac"#,
    );
    sb.var("DOCKER_HOST", "ssh://me@localhost");
    let (report, _) = sb.json(&["docker.*"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["data"]["server_version"], "27.1.1");
    assert_eq!(c["data"]["userns"], true);
    assert!(c["details"].to_string().contains("reached through"));
    let cli = support::check(&report, "docker.cli");
    assert_eq!(cli["status"], "ok");
    assert_eq!(cli["data"]["version"], "27.1.1");
}

#[test]
fn cli_route_classifies_permission_denied_from_stderr() {
    let mut sb = docker_project();
    sb.stand_in(
        "docker",
        r#"case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4" ;;
  version) echo '{"Client":{"Version":"28.2.2"},"Server":null}'
    echo 'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version": dial unix /var/run/docker.sock: connect: permission denied' >&2
    exit 1 ;;
  *) exit 1 ;;
esac"#,
    );
    sb.var("DOCKER_HOST", "ssh://localhost");
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["cause"], "permission_denied");
}

#[test]
fn remote_engine_needs_allow_remote() {
    let mut sb = docker_project();
    sb.var("DOCKER_HOST", "tcp://docker.example.com:2375");
    let (report, _) = sb.json(&["docker.daemon"]);
    let c = support::check(&report, "docker.daemon");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("--allow-remote"));
}

#[test]
fn missing_cli_warns_only_for_docker_projects() {
    // PATH is only the sandbox's empty bin dir, which hides any real docker.
    let mut sb = Sandbox::new();
    let bin = sb.bin.clone();
    sb.var("PATH", bin);
    let (report, _) = sb.json(&["docker.cli"]);
    assert_eq!(support::status(&report, "docker.cli"), "skip");
    let mut sb = docker_project();
    let bin = sb.bin.clone();
    sb.var("PATH", bin);
    let (report, _) = sb.json(&["docker.cli"]);
    let c = support::check(&report, "docker.cli");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["details"].to_string().contains("Dockerfile"));
    let fix = c["fix"].to_string();
    assert!(!fix.contains("pip"), "{fix}");
}

#[test]
fn the_docker_cli_never_sees_a_remote_endpoint_without_allow_remote() {
    // A stand-in docker that records the endpoint it was given; a real CLI would dial it (or
    // start ssh) even for --version. Nothing here can reach the network: the stand-in only
    // writes a file, and the engine probe stops at "another machine".
    let mut sb = docker_project();
    let log = sb.root().join("docker-env.log");
    sb.stand_in(
        "docker",
        &format!(
            "echo \"host=${{DOCKER_HOST:-}} context=${{DOCKER_CONTEXT:-}} args=$*\" >> '{}'\necho 'Docker version 27.3.1, build ce12230'",
            log.display()
        ),
    );
    sb.var("DOCKER_HOST", "ssh://builder@build.example.com");
    let (report, _) = sb.json(&["docker.*"]);
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(!calls.contains("example.com"), "{calls}");
    assert!(
        calls.contains("host= context=default args=--version"),
        "{calls}"
    );
    assert_eq!(support::status(&report, "docker.cli"), "ok");
    let daemon = support::check(&report, "docker.daemon");
    assert!(
        daemon["summary"]
            .as_str()
            .unwrap()
            .contains("another machine"),
        "{daemon:#}"
    );
}
