//! `image.*` on real images built by a real engine: `FROM scratch` with a static busybox
//! (no registry is reachable), built with `--network none`. One image runs as root, one as
//! uid 1000 with a HEALTHCHECK, one with a read-only-capable layout run through compose's
//! `read_only: true`. Gated like every engine test; images and containers are removed.
mod support;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::Sandbox;

const BUSYBOX: &str = "/bin/busybox";
const APPLETS: [&str; 7] = ["sh", "id", "ls", "touch", "true", "cat", "mkdir"];

fn engine() -> Option<PathBuf> {
    let docker = which::which("docker").ok()?;
    let mut s = UnixStream::connect("/var/run/docker.sock").ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    s.write_all(b"GET /_ping HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    s.read_to_string(&mut answer).ok()?;
    (answer.starts_with("HTTP/1.") && answer.ends_with("OK") && Path::new(BUSYBOX).is_file())
        .then_some(docker)
}

fn available() -> Option<PathBuf> {
    let docker = engine();
    support::e2e_available(
        "a Docker engine and a static busybox (/bin/busybox)",
        docker.is_some(),
    )
    .then_some(docker?)
}

/// Removes the image (and any container left from it) when the test ends, pass or fail.
struct ImageGuard {
    docker: PathBuf,
    tag: String,
}

impl Drop for ImageGuard {
    fn drop(&mut self) {
        let _ = Command::new(&self.docker)
            .args(["rmi", "-f", &self.tag])
            .output();
    }
}

/// Lays out a build context in the sandbox project: root/ (busybox and applet links),
/// app/main.py, and the given Dockerfile; builds it as `tag`.
fn build(sb: &Sandbox, docker: &Path, name: &str, dockerfile: &str) -> ImageGuard {
    let root = sb.project.join("root");
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::copy(BUSYBOX, root.join("bin/busybox")).unwrap();
    for applet in APPLETS {
        let link = root.join("bin").join(applet);
        if !link.exists() {
            std::os::unix::fs::symlink("busybox", link).unwrap();
        }
    }
    std::fs::create_dir_all(sb.project.join("app")).unwrap();
    std::fs::write(sb.project.join("app/main.py"), "print('hello')\n").unwrap();
    std::fs::write(sb.project.join("Dockerfile"), dockerfile).unwrap();
    let tag = format!("devdoctor-e2e-{name}:{}", std::process::id());
    let guard = ImageGuard {
        docker: docker.to_path_buf(),
        tag: tag.clone(),
    };
    // No cache: the tests build at once, and the legacy builder would share the busybox
    // layer between them, which one test's `rmi` then removes under another's build ("unable
    // to find image sha256:…").
    let out = Command::new(docker)
        .args([
            "build",
            "--no-cache",
            "--network",
            "none",
            "-q",
            "-t",
            &tag,
            ".",
        ])
        .env("DOCKER_BUILDKIT", "0")
        .current_dir(&sb.project)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "docker build of {tag} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    guard
}

fn path_with(sb: &Sandbox, docker: &Path) -> OsString {
    let mut p = sb.bin.as_os_str().to_os_string();
    if let Some(dir) = docker.parent() {
        p.push(":");
        p.push(dir);
    }
    p.push(":/usr/bin:/bin");
    p
}

fn sandbox(docker: &Path) -> Sandbox {
    let mut sb = Sandbox::new();
    let path = path_with(&sb, docker);
    sb.var("PATH", path);
    sb
}

/// The container names devdoctor reported running, from `ran: docker run … --name NAME`.
fn containers_run(check: &serde_json::Value) -> Vec<String> {
    check["details"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .filter(|d| d.starts_with("ran: "))
        .filter_map(|d| {
            let words: Vec<&str> = d.split_whitespace().collect();
            let i = words.iter().position(|w| *w == "--name")?;
            words.get(i + 1).map(|s| s.to_string())
        })
        .collect()
}

fn assert_removed(docker: &Path, check: &serde_json::Value) {
    let names = containers_run(check);
    assert!(!names.is_empty(), "no container was run: {check:#}");
    for name in names {
        let out = Command::new(docker)
            .args(["ps", "-a", "-q", "--filter", &format!("name={name}")])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).trim().is_empty(),
            "container {name} still exists"
        );
    }
    assert_eq!(check["data"]["containers_left"], serde_json::json!([]));
}

#[test]
fn root_image_fails_user_healthcheck_and_runtime() {
    let Some(docker) = available() else { return };
    let sb = sandbox(&docker);
    let img = build(
        &sb,
        &docker,
        "root",
        "FROM scratch\nCOPY root/ /\nCMD [\"sh\"]\n",
    );
    let (report, code) = sb.json(&[
        "--timeout",
        "60",
        "--image",
        &img.tag,
        "--run-containers",
        "image.*",
    ]);
    assert_eq!(support::status(&report, "image.exists"), "ok", "{report:#}");
    let user = support::check(&report, "image.user");
    assert_eq!(user["status"], "fail", "{user:#}");
    assert_eq!(user["data"]["user"], "");
    assert_eq!(support::status(&report, "image.healthcheck"), "warn");
    assert_eq!(support::status(&report, "image.fresh"), "ok");
    let rt = support::check(&report, "image.runtime");
    assert_eq!(rt["status"], "fail", "{rt:#}");
    assert_eq!(rt["data"]["uid"], "0");
    assert_removed(&docker, rt);
    assert_eq!(code, 1);
}

#[test]
fn non_root_image_with_healthcheck_passes_and_goes_stale() {
    let Some(docker) = available() else { return };
    let sb = sandbox(&docker);
    let img = build(
        &sb,
        &docker,
        "user",
        "FROM scratch\nCOPY root/ /\nCOPY --chown=1000:1000 app/ /app/\nUSER 1000\nWORKDIR /app\nHEALTHCHECK CMD [\"/bin/true\"]\nCMD [\"sh\"]\n",
    );
    let (report, _) = sb.json(&[
        "--timeout",
        "60",
        "--image",
        &img.tag,
        "--run-containers",
        "image.*",
    ]);
    for id in [
        "image.exists",
        "image.user",
        "image.healthcheck",
        "image.fresh",
    ] {
        assert_eq!(support::status(&report, id), "ok", "{id}: {report:#}");
    }
    assert_eq!(
        support::check(&report, "image.user")["data"]["user"],
        "1000"
    );
    let rt = support::check(&report, "image.runtime");
    assert_eq!(rt["status"], "ok", "{rt:#}");
    assert_eq!(rt["data"]["uid"], "1000");
    assert!(
        rt["summary"]
            .as_str()
            .unwrap()
            .contains("/app and its 1 entries are owned by uid 1000"),
        "{rt:#}"
    );
    assert_eq!(rt["data"]["read_only_tested"], false);
    assert_removed(&docker, rt);

    // Edit the Dockerfile after the build: the image is stale.
    let later = std::time::SystemTime::now() + Duration::from_secs(120);
    std::fs::File::options()
        .write(true)
        .open(sb.project.join("Dockerfile"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let (report, _) = sb.json(&["--image", &img.tag, "image.fresh"]);
    let fresh = support::check(&report, "image.fresh");
    assert_eq!(fresh["status"], "warn", "{fresh:#}");
    assert_eq!(
        fresh["fix"]["commands"][0],
        serde_json::json!(["docker", "build", "-t", img.tag.as_str(), "."])
    );
}

#[test]
fn read_only_layout_runs_read_only_through_compose() {
    let Some(docker) = available() else { return };
    let sb = sandbox(&docker);
    // Built with RUN steps (busybox installs its own links) and --network none.
    let img = build(
        &sb,
        &docker,
        "ro",
        "FROM scratch\nCOPY root/bin/busybox /bin/busybox\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\nRUN [\"/bin/busybox\", \"mkdir\", \"-p\", \"/app\", \"/tmp\"]\nCOPY app/ /app/\nRUN [\"/bin/busybox\", \"chown\", \"-R\", \"1000:1000\", \"/app\"]\nWORKDIR /app\nHEALTHCHECK CMD [\"/bin/true\"]\nCMD [\"sh\"]\n",
    );
    sb.write(
        "project/compose.yaml",
        &format!(
            "services:\n  app:\n    image: {}\n    user: \"1000:1000\"\n    read_only: true\n",
            img.tag
        ),
    );
    let (report, _) = sb.json(&["--timeout", "60", "--run-containers", "image.*"]);
    let exists = support::check(&report, "image.exists");
    assert_eq!(exists["status"], "ok", "{exists:#}");
    assert_eq!(exists["data"]["image"], img.tag.as_str());
    // The image itself sets no USER: compose's user: is what makes it non-root.
    assert_eq!(support::status(&report, "image.user"), "fail");
    let rt = support::check(&report, "image.runtime");
    assert_eq!(rt["status"], "ok", "{rt:#}");
    assert_eq!(rt["data"]["read_only_tested"], true);
    assert_eq!(rt["data"]["uid"], "1000");
    let details = rt["details"].to_string();
    assert!(details.contains("Read-only file system"), "{details}");
    assert!(
        details.contains("--read-only --user 1000:1000"),
        "{details}"
    );
    assert_removed(&docker, rt);
}

/// Writes `files` (path → text) under the sandbox project.
fn lay_out(sb: &Sandbox, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = sb.project.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

const SITE: &str = "root/opt/conda/lib/python3.12/site-packages";

/// A hand-made conda environment in the image: conda-meta records for python and idna, and
/// requests whose dist-info says `installer` (pip, or conda with a record of its own).
fn conda_env(sb: &Sandbox, requests_by: &str) {
    let mut files = vec![
        ("root/opt/conda/conda-meta/history", ""),
        (
            "root/opt/conda/conda-meta/python-3.12.4-h2_0_cpython.json",
            "{}",
        ),
        ("root/opt/conda/conda-meta/idna-3.7-pyhd8ed1ab_0.json", "{}"),
    ];
    if requests_by == "conda" {
        files.push((
            "root/opt/conda/conda-meta/requests-2.32.3-pyhd8ed1ab_0.json",
            "{}",
        ));
    }
    lay_out(sb, &files);
    let installer = format!("{SITE}/requests-2.32.3.dist-info/INSTALLER");
    lay_out(sb, &[(installer.as_str(), &format!("{requests_by}\n"))]);
    // The project locks python, idna and requests from conda-forge.
    lay_out(
        sb,
        &[(
            "conda-linux-64.lock",
            "# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/python-3.12.4-h2_0_cpython.conda\nhttps://conda.anaconda.org/conda-forge/noarch/idna-3.7-pyhd8ed1ab_0.conda\nhttps://conda.anaconda.org/conda-forge/noarch/requests-2.32.3-pyhd8ed1ab_0.conda\n",
        )],
    );
}

/// The image checks and the HEALTHCHECK-program rule on the image `tag`.
fn layer_checks(sb: &Sandbox, tag: &str) -> (serde_json::Value, i32) {
    sb.json(&[
        "--timeout",
        "60",
        "--image",
        tag,
        "image.*",
        "dockerfile.healthcheck_tool",
    ])
}

/// The image's layers, read through the engine without running it: a pip-installed package,
/// a `.env` deleted in a later layer, a setuid program and an environment that disagrees with
/// the lock are each found; a clean image passes all four.
#[test]
fn image_layers_show_pip_secrets_setuid_and_lock_drift() {
    let Some(docker) = available() else { return };
    let sb = sandbox(&docker);
    conda_env(&sb, "pip");
    lay_out(&sb, &[("secrets/.env", "API_TOKEN=do-not-print-me\n")]);
    let img = build(
        &sb,
        &docker,
        "layers-dirty",
        "FROM scratch\nCOPY root/ /\nCOPY secrets/.env /app/.env\nRUN [\"/bin/busybox\", \"rm\", \"/app/.env\"]\nRUN [\"/bin/busybox\", \"chmod\", \"u+s\", \"/bin/busybox\"]\nUSER 1000\nHEALTHCHECK CMD [\"wget\", \"-q\", \"-O-\", \"http://127.0.0.1:8000/health\"]\nCMD [\"sh\"]\n",
    );
    let (report, code) = layer_checks(&sb, &img.tag);
    // The image's layers have no wget (busybox's applet links are sh, id, ls, …).
    let tool = support::check(&report, "dockerfile.healthcheck_tool");
    assert_eq!(tool["status"], "fail", "{tool:#}");
    assert!(
        tool["summary"]
            .as_str()
            .unwrap()
            .contains("the built image does not have"),
        "{tool:#}"
    );
    let text = report.to_string();
    assert!(
        !text.contains("do-not-print-me"),
        "a secret value was printed"
    );
    let pip = support::check(&report, "image.pip");
    assert_eq!(pip["status"], "fail", "{pip:#}");
    assert!(
        pip["summary"].as_str().unwrap().contains("requests 2.32.3"),
        "{pip:#}"
    );
    let secrets = support::check(&report, "image.secrets");
    assert_eq!(secrets["status"], "fail", "{secrets:#}");
    let s = secrets["summary"].as_str().unwrap();
    assert!(
        s.contains("/app/.env") && s.contains("deleted by a later layer"),
        "{secrets:#}"
    );
    let setuid = support::check(&report, "image.setuid");
    assert_eq!(setuid["status"], "warn", "{setuid:#}");
    assert!(
        setuid["summary"].as_str().unwrap().contains("/bin/busybox"),
        "{setuid:#}"
    );
    let lock = support::check(&report, "image.lock");
    assert_eq!(lock["status"], "fail", "{lock:#}");
    assert!(
        lock["summary"]
            .as_str()
            .unwrap()
            .contains("requests 2.32.3 is locked but not in the image"),
        "{lock:#}"
    );
    assert_eq!(code, 1);
    // The second run reads the cache (keyed by the image id), not the engine: same verdicts.
    let (again, _) = sb.json(&["--timeout", "60", "--image", &img.tag, "image.pip"]);
    assert_eq!(support::status(&again, "image.pip"), "fail");
    let cached = std::fs::read_dir(sb.home.join(".cache/devdoctor/images"))
        .unwrap()
        .count();
    assert_eq!(cached, 1);
    drop(img);

    let sb = sandbox(&docker);
    conda_env(&sb, "conda");
    let img = build(
        &sb,
        &docker,
        "layers-clean",
        "FROM scratch\nCOPY root/ /\nUSER 1000\nHEALTHCHECK CMD [\"true\"]\nCMD [\"sh\"]\n",
    );
    let (report, _) = layer_checks(&sb, &img.tag);
    for id in [
        "image.pip",
        "image.secrets",
        "image.setuid",
        "image.lock",
        "dockerfile.healthcheck_tool",
    ] {
        assert_eq!(support::status(&report, id), "ok", "{id}: {report:#}");
    }
}

/// A real image whose environment holds conda's mcp 2.3.0, for a server that imports SDK 1's
/// `mcp.server.fastmcp`: image.mcp_sdk reads the record from the engine's layers and fails;
/// the same code with SDK 2's `MCPServer` passes on the same image.
#[test]
fn an_image_with_mcp_2_fails_an_sdk_1_server() {
    let Some(docker) = available() else { return };
    let sb = sandbox(&docker);
    lay_out(
        &sb,
        &[
            ("root/opt/conda/conda-meta/history", ""),
            (
                "root/opt/conda/conda-meta/mcp-2.3.0-pyhd8ed1ab_0.json",
                "{}",
            ),
            ("server.py", "from mcp.server.fastmcp import FastMCP\n"),
            (
                "environment.yml",
                "name: notes\nchannels: [conda-forge]\ndependencies:\n  - mcp\n",
            ),
        ],
    );
    let img = build(
        &sb,
        &docker,
        "mcp-sdk",
        "FROM scratch\nCOPY root/ /\nCMD [\"sh\"]\n",
    );
    let run = || {
        sb.json(&["--timeout", "60", "--image", &img.tag, "image.mcp_sdk"])
            .0
    };
    let report = run();
    let c = support::check(&report, "image.mcp_sdk");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .ends_with("has mcp 2.3.0 in /opt/conda, which lacks SDK 1's FastMCP (server.py:1 imports it; SDK 2 renamed it MCPServer): the server in it stops at that import"),
        "{c:#}"
    );
    lay_out(
        &sb,
        &[("server.py", "from mcp.server.mcpserver import MCPServer\n")],
    );
    assert_eq!(support::status(&run(), "image.mcp_sdk"), "ok");
}
