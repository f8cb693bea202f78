//! `image.*` against a fake engine on a unix socket and stand-in docker/trivy executables:
//! the judgements, the fixes, and that every throw-away container is removed.
mod support;

use std::time::{Duration, Instant};
use support::Sandbox;

fn reply(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

const ROOT_IMAGE: &str = r#"{"Id":"sha256:0123456789abcdef0123","RepoTags":["app:1"],"Created":"2020-01-01T00:00:00Z","Config":{"User":"","WorkingDir":"","Healthcheck":null}}"#;
const GOOD_IMAGE: &str = r#"{"Id":"sha256:fedcba9876543210fedc","RepoTags":["app:1"],"Created":"2999-01-01T00:00:00Z","Config":{"User":"1000","WorkingDir":"/app","Healthcheck":{"Test":["CMD","/bin/true"]}}}"#;
const LOW_UID_IMAGE: &str = r#"{"Id":"sha256:1","Created":"2999-01-01T00:00:00Z","Config":{"User":"100:100","Healthcheck":{"Test":["NONE"]}}}"#;

/// A fake engine that knows one image, `app:1` (and `project-api`), with `image_json`.
fn fake_engine(sb: &mut Sandbox, image_json: &'static str) {
    let path = sb.root().join("docker.sock");
    support::fake_engine_at(&path, move |p| match p {
        "/_ping" => reply("200 OK", "OK"),
        "/v1.41/version" => reply("200 OK", r#"{"Version":"20.10.24","ApiVersion":"1.41"}"#),
        "/v1.41/info" => reply(
            "200 OK",
            r#"{"ServerVersion":"20.10.24","SecurityOptions":[]}"#,
        ),
        "/v1.41/images/app:1/json" | "/v1.41/images/project-api/json" => {
            reply("200 OK", image_json)
        }
        _ => reply("404 Not Found", r#"{"message":"No such image"}"#),
    });
    sb.var("DOCKER_HOST", format!("unix://{}", path.display()));
}

/// A stand-in docker CLI that logs its arguments and answers `run` by entrypoint.
fn stand_in_docker(sb: &mut Sandbox, run_body: &str) {
    let log = sb.root().join("docker.log");
    sb.var("DD_LOG", log.as_os_str());
    sb.stand_in(
        "docker",
        &format!(
            r#"echo "$*" >> "$DD_LOG"
case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4" ;;
  run)
    ep=""; prev=""
    for a in "$@"; do [ "$prev" = "--entrypoint" ] && ep="$a"; prev="$a"; done
    {run_body} ;;
  rm) exit 0 ;;
  *) exit 1 ;;
esac"#
        ),
    );
}

fn log_lines(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sb.root().join("docker.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Every `run --name N` in the log was followed by `rm -f N`.
fn assert_all_removed(sb: &Sandbox) {
    let lines = log_lines(sb);
    let names: Vec<String> = lines
        .iter()
        .filter(|l| l.starts_with("run "))
        .filter_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let i = words.iter().position(|w| *w == "--name")?;
            words.get(i + 1).map(|s| s.to_string())
        })
        .collect();
    assert!(!names.is_empty(), "no container was run: {lines:?}");
    for n in names {
        assert!(
            lines.iter().any(|l| l == &format!("rm -f {n}")),
            "container {n} was not removed: {lines:?}"
        );
    }
}

fn project_with_dockerfile(sb: &Sandbox) {
    sb.write("project/Dockerfile", "FROM scratch\nCMD [\"sh\"]\n");
}

#[test]
fn no_image_configured_skips() {
    let sb = Sandbox::new();
    let (report, _) = sb.json(&["image.*"]);
    for id in [
        "image.exists",
        "image.user",
        "image.healthcheck",
        "image.fresh",
    ] {
        assert_eq!(support::status(&report, id), "skip", "{id}");
    }
    assert!(support::check(&report, "image.exists")["summary"]
        .as_str()
        .unwrap()
        .contains("--image"));
}

#[test]
fn root_image_without_healthcheck_built_before_the_dockerfile() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    fake_engine(&mut sb, ROOT_IMAGE);
    let (report, code) = sb.json(&["--image", "app:1", "image.*"]);
    let exists = support::check(&report, "image.exists");
    assert_eq!(exists["status"], "ok", "{exists:#}");
    assert!(exists["summary"].as_str().unwrap().contains("0123456789ab"));
    let user = support::check(&report, "image.user");
    assert_eq!(user["status"], "fail", "{user:#}");
    assert!(user["summary"].as_str().unwrap().contains("root"));
    assert_eq!(
        user["fix"]["commands"][0],
        serde_json::json!(["docker", "build", "-t", "app:1", "."])
    );
    assert_eq!(support::status(&report, "image.healthcheck"), "warn");
    let fresh = support::check(&report, "image.fresh");
    assert_eq!(fresh["status"], "warn", "{fresh:#}");
    assert!(fresh["summary"].as_str().unwrap().contains("stale"));
    assert_eq!(code, 1);

    // Run from elsewhere with -C, the step names the project's folder, not `.`, which would
    // build whatever folder the user stands in.
    let out = sb
        .cmd()
        .current_dir(sb.root())
        .args(["--json", "-C", "project", "--image", "app:1", "image.user"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let argv = &support::check(&report, "image.user")["fix"]["commands"][0];
    let context = argv[4].as_str().unwrap();
    assert!(
        std::path::Path::new(context).is_absolute() && context.ends_with("/project"),
        "{argv}"
    );
}

/// The HEALTHCHECK image.healthcheck suggests is the one dockerfile.healthcheck suggests for
/// the image's Dockerfile: on the port its start command names, not the default 8000, and
/// the route the app's code declares.
#[test]
fn the_suggested_healthcheck_asks_the_port_the_image_serves() {
    let mut sb = Sandbox::new();
    sb.write(
        "project/Dockerfile",
        "FROM scratch\nEXPOSE 8000\nCMD uvicorn app:app --host 0.0.0.0 --port 3333\n",
    );
    sb.write(
        "project/app.py",
        "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {\"ok\": True}\n",
    );
    fake_engine(&mut sb, ROOT_IMAGE);
    let (report, _) = sb.json(&[
        "--image",
        "app:1",
        "image.healthcheck",
        "dockerfile.healthcheck",
    ]);
    for id in ["image.healthcheck", "dockerfile.healthcheck"] {
        let hc = support::check(&report, id);
        assert_eq!(hc["status"], "warn", "{hc:#}");
        let manual = hc["fix"]["manual"].to_string();
        assert!(
            manual.contains("urlopen('http://127.0.0.1:3333/health')"),
            "{id}: {manual}"
        );
    }
}

#[test]
fn non_root_image_with_healthcheck_is_ok() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    fake_engine(&mut sb, GOOD_IMAGE);
    let (report, _) = sb.json(&["--image", "app:1", "image.*"]);
    for id in [
        "image.exists",
        "image.user",
        "image.healthcheck",
        "image.fresh",
    ] {
        assert_eq!(support::status(&report, id), "ok", "{id}: {report:#}");
    }
    assert_eq!(support::status(&report, "image.runtime"), "skip");
    assert!(support::check(&report, "image.runtime")["summary"]
        .as_str()
        .unwrap()
        .contains("--run-containers"));
}

#[test]
fn low_uid_warns_and_disabled_healthcheck_warns() {
    let mut sb = Sandbox::new();
    fake_engine(&mut sb, LOW_UID_IMAGE);
    let (report, _) = sb.json(&[
        "--image",
        "app:1",
        "image.user",
        "image.healthcheck",
        "image.fresh",
    ]);
    let user = support::check(&report, "image.user");
    assert_eq!(user["status"], "warn", "{user:#}");
    assert!(user["summary"].as_str().unwrap().contains("uid 100"));
    let hc = support::check(&report, "image.healthcheck");
    assert_eq!(hc["status"], "warn");
    assert!(hc["summary"].as_str().unwrap().contains("NONE"));
    // No Dockerfile in the project: nothing to compare the image with.
    assert_eq!(support::status(&report, "image.fresh"), "skip");
}

#[test]
fn missing_image_fails_with_a_build_fix_and_the_rest_skip() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    fake_engine(&mut sb, GOOD_IMAGE);
    let (report, code) = sb.json(&["--image", "other:2", "image.*"]);
    let exists = support::check(&report, "image.exists");
    assert_eq!(exists["status"], "fail", "{exists:#}");
    assert_eq!(
        exists["fix"]["commands"][0],
        serde_json::json!(["docker", "build", "-t", "other:2", "."])
    );
    assert_eq!(support::status(&report, "image.user"), "skip");
    assert_eq!(code, 1);
}

#[test]
fn engine_down_makes_image_checks_unknown() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.var("DOCKER_HOST", "unix:///nonexistent.sock");
    let (report, _) = sb.json(&["--image", "app:1", "image.exists", "image.user"]);
    for id in ["image.exists", "image.user"] {
        let c = support::check(&report, id);
        assert_eq!(c["status"], "unknown", "{c:#}");
        assert!(c["summary"].as_str().unwrap().contains("docker.daemon"));
    }
}

#[test]
fn image_comes_from_the_compose_service_that_builds() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.write(
        "project/compose.yaml",
        "services:\n  db:\n    image: postgres:16\n  api:\n    build: .\n",
    );
    fake_engine(&mut sb, GOOD_IMAGE);
    let (report, _) = sb.json(&["image.exists"]);
    let c = support::check(&report, "image.exists");
    assert_eq!(c["data"]["image"], "project-api", "{c:#}");
    assert_eq!(c["status"], "ok");
    assert!(c["details"].to_string().contains("compose service `api`"));
}

/// The image named by a dev variant's `image:` is credited to the variant too.
#[test]
fn an_image_from_a_merged_variant_names_the_variant() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.write(
        "project/compose.yaml",
        "services:\n  api:\n    image: app:2\n",
    );
    sb.write(
        "project/compose.dev.yaml",
        "services:\n  api:\n    image: app:1\n    build: .\n",
    );
    fake_engine(&mut sb, GOOD_IMAGE);
    let (report, _) = sb.json(&["image.exists"]);
    let c = support::check(&report, "image.exists");
    assert_eq!(c["data"]["image"], "app:1", "{c:#}");
    assert!(
        c["details"].to_string().contains(
            "compose service `api` (compose.yaml:2 with compose.dev.yaml), which names it"
        ),
        "{c:#}"
    );
}

#[test]
fn runtime_as_root_fails_and_every_container_is_removed() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    fake_engine(&mut sb, ROOT_IMAGE);
    stand_in_docker(
        &mut sb,
        r#"case "$ep" in
      id) echo 0 ;;
      ls) printf 'total 4\ndrwxr-xr-x 2 0 0 4096 Jan 1 00:00 .\ndrwxr-xr-x 1 0 0 4096 Jan 1 00:00 ..\n-rw-r--r-- 1 0 0 3 Jan 1 00:00 main.py\n' ;;
      *) exit 127 ;;
    esac"#,
    );
    let (report, _) = sb.json(&["--image", "app:1", "--run-containers", "image.runtime"]);
    let c = support::check(&report, "image.runtime");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["uid"], "0");
    assert!(c["summary"].as_str().unwrap().contains("runs as root"));
    let runs: Vec<String> = log_lines(&sb)
        .into_iter()
        .filter(|l| l.starts_with("run "))
        .collect();
    assert!(
        runs[0].starts_with("run --rm --network none --name devdoctor-check-"),
        "{runs:?}"
    );
    assert!(runs[0].ends_with("--entrypoint id app:1 -u"), "{runs:?}");
    // No WORKDIR: /app is listed, and root-owned files there are reported.
    assert!(
        runs[1].ends_with("--entrypoint ls app:1 -lan /app"),
        "{runs:?}"
    );
    assert!(
        c["details"].to_string().contains("main.py (uid 0)"),
        "{c:#}"
    );
    assert_all_removed(&sb);
}

#[test]
fn runtime_honours_compose_read_only_and_user() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.write(
        "project/compose.yaml",
        "services:\n  api:\n    build: .\n    user: \"1000:1000\"\n    read_only: true\n",
    );
    fake_engine(&mut sb, GOOD_IMAGE);
    stand_in_docker(
        &mut sb,
        r#"case "$ep" in
      id) echo 1000 ;;
      ls) printf 'total 4\ndrwxr-xr-x 2 1000 1000 4096 Jan 1 00:00 .\ndrwxr-xr-x 1 0 0 4096 Jan 1 00:00 ..\n-rw-r--r-- 1 1000 1000 3 Jan 1 00:00 main.py\n' ;;
      touch) echo "touch: /devdoctor-test: Read-only file system" >&2; exit 1 ;;
    esac"#,
    );
    let (report, _) = sb.json(&["--run-containers", "image.runtime"]);
    let c = support::check(&report, "image.runtime");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["data"]["read_only_tested"], true);
    let runs: Vec<String> = log_lines(&sb)
        .into_iter()
        .filter(|l| l.starts_with("run "))
        .collect();
    assert_eq!(runs.len(), 3, "{runs:?}");
    for r in &runs {
        assert!(r.contains("--read-only --user 1000:1000"), "{r}");
    }
    assert!(runs[2].ends_with("--entrypoint touch project-api /devdoctor-test"));
    assert_all_removed(&sb);
}

#[test]
fn writable_root_under_read_only_fails() {
    let mut sb = Sandbox::new();
    sb.write(
        "project/compose.yaml",
        "services:\n  api:\n    image: app:1\n    read_only: true\n",
    );
    fake_engine(&mut sb, GOOD_IMAGE);
    stand_in_docker(
        &mut sb,
        r#"case "$ep" in
      id) echo 1000 ;;
      ls) printf 'drwxr-xr-x 2 1000 1000 4096 Jan 1 00:00 .\n' ;;
      touch) exit 0 ;;
    esac"#,
    );
    let (report, _) = sb.json(&["--run-containers", "image.runtime"]);
    let c = support::check(&report, "image.runtime");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("writable"));
    assert_all_removed(&sb);
}

#[test]
fn hung_container_is_unknown_and_still_removed() {
    let mut sb = Sandbox::new();
    fake_engine(&mut sb, GOOD_IMAGE);
    stand_in_docker(&mut sb, "sleep 30");
    let start = Instant::now();
    let (report, code) = sb.json(&[
        "--timeout",
        "4",
        "--image",
        "app:1",
        "--run-containers",
        "image.runtime",
    ]);
    let took = start.elapsed();
    let c = support::check(&report, "image.runtime");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().contains("timed out"),
        "{c:#}"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
    assert_all_removed(&sb);
    assert_eq!(code, 3);
}

#[test]
fn image_without_id_program_is_unknown_not_ok() {
    let mut sb = Sandbox::new();
    fake_engine(&mut sb, GOOD_IMAGE);
    stand_in_docker(
        &mut sb,
        r#"echo 'docker: Error response from daemon: failed to create task: exec: "id": executable file not found in $PATH: unknown.' >&2; exit 127"#,
    );
    let (report, _) = sb.json(&["--image", "app:1", "--run-containers", "image.runtime"]);
    let c = support::check(&report, "image.runtime");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("no usable `id`"));
}

fn trivy_stand_in(sb: &mut Sandbox, report: &str) {
    let log = sb.root().join("trivy.log");
    sb.var("TRIVY_LOG", log.as_os_str());
    sb.stand_in(
        "trivy",
        &format!(
            "echo \"$*\" >> \"$TRIVY_LOG\"\ncase \"$1\" in\n  --version) echo 'Version: 0.58.1' ;;\n  image) cat <<'EOF'\n{report}\nEOF\n ;;\nesac"
        ),
    );
}

#[test]
fn scanner_missing_warns_with_a_conda_forge_install() {
    let sb = Sandbox::new();
    // Without --scan the check leaves trivy's presence to tools.trivy: one finding, not two.
    let (report, _) = sb.json(&["image.scanner", "tools.trivy"]);
    assert_eq!(support::status(&report, "image.scanner"), "skip");
    let (report, _) = sb.json(&["--scan", "image.scanner"]);
    let c = support::check(&report, "image.scanner");
    assert_eq!(c["status"], "warn", "{c:#}");
    let argv: Vec<String> = serde_json::from_value(c["fix"]["commands"][0].clone()).unwrap();
    assert!(
        ["micromamba", "mamba", "conda"].contains(&argv[0].as_str()),
        "{argv:?}"
    );
    assert_eq!(
        &argv[1..],
        ["install", "-y", "-n", "base", "-c", "conda-forge", "trivy"]
    );
}

#[test]
fn scan_reports_high_and_critical_counts() {
    let mut sb = Sandbox::new();
    fake_engine(&mut sb, GOOD_IMAGE);
    trivy_stand_in(
        &mut sb,
        r#"{"SchemaVersion":2,"ArtifactName":"app:1","Results":[{"Target":"app:1","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","Severity":"CRITICAL"},{"VulnerabilityID":"CVE-2024-0002","Severity":"HIGH"},{"VulnerabilityID":"CVE-2024-0003","Severity":"HIGH"}]}]}"#,
    );
    let (report, _) = sb.json(&["--image", "app:1", "--scan", "image.scanner"]);
    let c = support::check(&report, "image.scanner");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["data"]["critical"], 1);
    assert_eq!(c["data"]["high"], 2);
    let log = std::fs::read_to_string(sb.root().join("trivy.log")).unwrap();
    assert!(
        log.contains("image --format json --severity HIGH,CRITICAL"),
        "{log}"
    );
    assert!(log.trim_end().ends_with("app:1"), "{log}");

    // Without --scan nothing is scanned, and the check says how to ask for it.
    let before = std::fs::read_to_string(sb.root().join("trivy.log")).unwrap();
    let (report, _) = sb.json(&["--image", "app:1", "image.scanner"]);
    let c = support::check(&report, "image.scanner");
    assert_eq!(c["status"], "skip");
    assert!(c["summary"].as_str().unwrap().contains("--scan"));
    let after = std::fs::read_to_string(sb.root().join("trivy.log")).unwrap();
    assert_eq!(before, after, "trivy ran without --scan");
}

#[test]
fn scan_with_garbage_output_is_unknown() {
    let mut sb = Sandbox::new();
    fake_engine(&mut sb, GOOD_IMAGE);
    trivy_stand_in(&mut sb, "FATAL not json");
    let (report, _) = sb.json(&["--image", "app:1", "--scan", "image.scanner"]);
    assert_eq!(support::status(&report, "image.scanner"), "unknown");
}

/// A `docker save` archive (legacy layout) with one layer holding `files` (path, mode, body).
fn saved_image(files: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let tar_of = |entries: &[(&str, u32, &[u8])]| {
        let mut b = tar::Builder::new(Vec::new());
        for (path, mode, body) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_mode(*mode);
            h.set_size(body.len() as u64);
            b.append_data(&mut h, path, *body).unwrap();
        }
        b.into_inner().unwrap()
    };
    let layer = tar_of(files);
    let manifest = r#"[{"Config":"c.json","Layers":["l0/layer.tar"]}]"#;
    tar_of(&[
        ("l0/layer.tar", 0o644, &layer),
        ("manifest.json", 0o644, manifest.as_bytes()),
    ])
}

/// An engine reached only through the CLI (a TLS endpoint, here on loopback): the stand-in
/// answers `version`, `info`, `image inspect` and `save`; `save_body` is the shell for `save`.
fn cli_only_engine(sb: &mut Sandbox, save_body: &str) {
    let log = sb.root().join("docker.log");
    sb.var("DD_LOG", log.as_os_str());
    sb.var("DOCKER_HOST", "tcp://127.0.0.1:2376");
    sb.var("DOCKER_TLS_VERIFY", "1");
    let version =
        r#"{"Client":{"Version":"28.2.2"},"Server":{"Version":"28.2.2","ApiVersion":"1.50"}}"#;
    sb.stand_in(
        "docker",
        &format!(
            r#"echo "$*" >> "$DD_LOG"
case "$1" in
  --version) echo "Docker version 28.2.2, build e6534b4" ;;
  version) echo '{version}' ;;
  info) echo '[]' ;;
  image) echo '[{GOOD_IMAGE}]' ;;
  save) {save_body} ;;
  *) exit 1 ;;
esac"#
        ),
    );
}

#[test]
fn image_layers_come_from_docker_save_when_only_the_cli_reaches_the_engine() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    let archive = sb.root().join("saved.tar");
    std::fs::write(
        &archive,
        saved_image(&[
            ("app/.env", 0o600, b"TOKEN=never-shown"),
            ("usr/local/bin/helper", 0o4755, b"x"),
        ]),
    )
    .unwrap();
    cli_only_engine(&mut sb, &format!("cat '{}'", archive.display()));
    let (report, _) = sb.json(&["--image", "app:1", "image.secrets", "image.setuid"]);
    let secrets = support::check(&report, "image.secrets");
    assert_eq!(secrets["status"], "fail", "{secrets:#}");
    assert!(
        secrets["summary"].as_str().unwrap().contains("/app/.env"),
        "{secrets:#}"
    );
    assert!(!report.to_string().contains("never-shown"));
    assert_eq!(
        support::status(&report, "image.setuid"),
        "warn",
        "{report:#}"
    );
    assert!(
        log_lines(&sb).iter().any(|l| l == "save -- app:1"),
        "{:?}",
        log_lines(&sb)
    );
}

/// `image.pip` of a project named `My_Proj` whose image holds these pip-installed dists.
fn image_pip_of_my_proj(dists: &[&str]) -> serde_json::Value {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.write("project/pyproject.toml", "[project]\nname = \"My_Proj\"\n");
    let files: Vec<String> = dists
        .iter()
        .map(|d| format!("opt/conda/lib/python3.12/site-packages/{d}.dist-info/INSTALLER"))
        .collect();
    let entries: Vec<(&str, u32, &[u8])> = files
        .iter()
        .map(|f| (f.as_str(), 0o644, &b"pip\n"[..]))
        .collect();
    let archive = sb.root().join("image.tar");
    std::fs::write(&archive, saved_image(&entries)).unwrap();
    cli_only_engine(&mut sb, &format!("cat '{}'", archive.display()));
    let (report, _) = sb.json(&["--image", "app:1", "image.pip"]);
    support::check(&report, "image.pip").clone()
}

/// The project's own distribution, pip-installed into the environment micromamba made, is
/// not a dependency bypassing conda-forge; another pip-installed package next to it is.
#[test]
fn the_project_installed_with_pip_is_not_a_pip_package() {
    let c = image_pip_of_my_proj(&["my_proj-0.1.0"]);
    assert_eq!(c["status"], "ok", "{c:#}");
    let own = "my_proj 0.1.0, the project itself, is installed with pip: not a dependency";
    assert!(c["details"].to_string().contains(own), "{c:#}");
    let c = image_pip_of_my_proj(&["my_proj-0.1.0", "requests-2.32.3"]);
    assert_eq!(c["status"], "fail", "{c:#}");
    let summary = c["summary"].as_str().unwrap();
    assert!(
        summary.ends_with("1 package in image app:1 installed by pip: requests 2.32.3"),
        "{c:#}"
    );
}

#[test]
fn a_docker_save_that_hangs_is_unknown_at_the_timeout_and_killed() {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    cli_only_engine(&mut sb, "exec sleep 29.137");
    let started = Instant::now();
    let (report, _) = sb.json(&["--image", "app:1", "--timeout", "5", "image.pip"]);
    assert!(
        started.elapsed() < Duration::from_secs(14),
        "{:?}",
        started.elapsed()
    );
    let c = support::check(&report, "image.pip");
    assert_eq!(c["status"], "unknown", "{c:#}");
    assert!(c["summary"].as_str().unwrap().contains("timeout"), "{c:#}");
    assert!(
        started.elapsed() >= Duration::from_millis(3500),
        "{:?}",
        started.elapsed()
    );
    // No `sleep` of ours outlives the run.
    std::thread::sleep(Duration::from_millis(200));
    let alive = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .any(|c| String::from_utf8_lossy(&c).contains("sleep\u{0}29.137"));
    assert!(!alive, "the hung docker save is still running");
}

/// image.mcp_sdk of a project whose server imports SDK 1's FastMCP, with `requirement` in its
/// environment.yml and an image whose environment holds mcp `version` (a conda record).
fn image_mcp_sdk(requirement: &str, version: &str) -> serde_json::Value {
    let mut sb = Sandbox::new();
    project_with_dockerfile(&sb);
    sb.write(
        "project/server.py",
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP(\"notes\")\n",
    );
    sb.write(
        "project/environment.yml",
        &format!("name: notes\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - {requirement}\n"),
    );
    let record = format!("opt/conda/conda-meta/mcp-{version}-pyhd8ed1ab_0.json");
    let archive = sb.root().join("image.tar");
    std::fs::write(&archive, saved_image(&[(record.as_str(), 0o644, b"{}")])).unwrap();
    cli_only_engine(&mut sb, &format!("cat '{}'", archive.display()));
    let (report, _) = sb.json(&["--image", "app:1", "image.mcp_sdk"]);
    support::check(&report, "image.mcp_sdk").clone()
}

/// An image built from an unbounded `mcp` after SDK 2 came out holds a server that stops at
/// `from mcp.server.fastmcp import FastMCP`: it fails, and the fix bounds the requirement
/// before the rebuild (a rebuild alone would get SDK 2 again). With the bound in place, the
/// rebuild is the command; an image with SDK 1 passes.
#[test]
fn an_image_with_the_other_mcp_sdk_fails() {
    let c = image_mcp_sdk("mcp>=1.9", "2.3.0");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(
        c["summary"],
        "image app:1 has mcp 2.3.0 in /opt/conda, which lacks SDK 1's FastMCP (server.py:1 imports it; SDK 2 renamed it MCPServer): the server in it stops at that import"
    );
    let fix = &c["fix"];
    assert!(fix["commands"].as_array().unwrap().is_empty(), "{fix:#}");
    let manual: Vec<&str> = fix["manual"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        manual[0]
            .starts_with("First (see mcp.sdk): In environment.yml line 5, write `mcp>=1.9,<2`"),
        "{manual:?}"
    );
    assert!(
        manual[1].starts_with("Then rebuild the image: `docker build -t app:1 "),
        "{manual:?}"
    );
    let c = image_mcp_sdk("mcp>=1.9,<2", "2.3.0");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["fix"]["commands"][0][0], "docker", "{c:#}");
    let c = image_mcp_sdk("mcp>=1.9,<2", "1.27.0");
    assert_eq!(c["status"], "ok", "{c:#}");
}
