//! Shared helpers for integration tests: a sandbox with its own HOME, a bin dir for stand-in
//! executables, a project dir, and the real devdoctor binary run with a controlled environment.
#![allow(dead_code, unreachable_pub)] // shared by many test crates, each using a part

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub bin: PathBuf,
    pub project: PathBuf,
    /// Extra variables for the devdoctor process.
    pub vars: Vec<(OsString, OsString)>,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        let bin = dir.path().join("bin");
        let project = dir.path().join("project");
        for d in [&home, &bin, &project] {
            fs::create_dir_all(d).unwrap();
        }
        Sandbox {
            dir,
            home,
            bin,
            project,
            vars: Vec::new(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes an executable `/bin/sh` script named `name` into the sandbox's bin dir.
    pub fn stand_in(&self, name: &str, script: &str) -> PathBuf {
        let path = self.bin.join(name);
        fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    /// Writes a file (creating parent dirs) and returns its path.
    pub fn write(&self, path: impl AsRef<Path>, content: &str) -> PathBuf {
        let path = self.root().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    pub fn var(&mut self, k: &str, v: impl Into<OsString>) -> &mut Sandbox {
        self.vars.push((k.into(), v.into()));
        self
    }

    /// PATH seen by devdoctor: the sandbox bin dir first, then the system's basic dirs
    /// (so stand-in scripts can use sleep, cat, …).
    pub fn path_var(&self) -> OsString {
        let mut p = self.bin.as_os_str().to_os_string();
        p.push(":/usr/bin:/bin");
        p
    }

    /// The devdoctor binary with a clean environment: HOME, PATH and the sandbox's vars only,
    /// run in the project dir. The sandbox's project is one the test wrote itself, so it is
    /// trusted (`DEVDOCTOR_TRUST=1`) unless the test sets `DEVDOCTOR_TRUST=0` (tests/trust.rs).
    /// A test that points DOCKER_HOST at nothing means "no engine anywhere", so the default
    /// socket docker.daemon compares against is moved to nothing too (an engine may run on this
    /// machine); tests/docker_e2e.rs sets it back where it needs the real one.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("devdoctor").expect("binary built");
        c.env_clear()
            .env("HOME", &self.home)
            .env("PATH", self.path_var())
            .env("DEVDOCTOR_TRUST", "1")
            .env(
                "DEVDOCTOR_DOCKER_DEFAULT_SOCKET",
                "/nonexistent/docker.sock",
            )
            .current_dir(&self.project)
            .timeout(std::time::Duration::from_secs(60));
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("devdoctor runs")
    }

    /// Runs with `--json` and parses stdout; panics with stderr on invalid JSON.
    pub fn json(&self, args: &[&str]) -> (serde_json::Value, i32) {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "invalid JSON ({e}): stdout={} stderr={}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (v, out.status.code().unwrap_or(-1))
    }
}

/// The result object of check `id` in a JSON report.
/// Asserts that each check of `ids` skipped, saying `why` in its summary.
pub fn assert_skipped(report: &serde_json::Value, ids: &[&str], why: &str) {
    for id in ids {
        let c = check(report, id);
        assert_eq!(c["status"], "skip", "{c:#}");
        assert!(
            c["summary"].as_str().unwrap_or_default().contains(why),
            "{c:#}"
        );
    }
}

pub fn check<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in report: {report:#}"))
}

/// The status string of check `id`.
pub fn status<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    check(report, id)["status"].as_str().expect("status")
}

/// Whether end-to-end tests needing `what` should run. Without DEVDOCTOR_E2E=1 and without
/// the facility, prints `skipped: …` and returns false; with DEVDOCTOR_E2E=1 a missing
/// facility is a test failure.
pub fn e2e_available(what: &str, available: bool) -> bool {
    let required = std::env::var("DEVDOCTOR_E2E").is_ok_and(|v| v == "1");
    if available {
        return true;
    }
    if required {
        panic!("DEVDOCTOR_E2E=1 but {what} is not available");
    }
    skipped(&format!(
        "{what} is not available (set DEVDOCTOR_E2E=1 to require it)"
    ));
    false
}

/// Says that a test skipped itself, where `cargo test` shows it: libtest captures `eprintln!`
/// (and shows it only for failing tests), not a direct write to the process's stderr.
pub fn skipped(why: &str) {
    use std::io::Write;
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr(), "skipped: {test}: {why}");
}

/// Copies the devdoctor binary to `to`, mode 0755, through `cp` in a child process: a copy
/// written by this (multi-threaded) test process would hold a writable descriptor that a
/// child another test forks at that moment inherits, and running the copy then fails with
/// "Text file busy" (ETXTBSY).
pub fn copy_binary(to: &Path) {
    let status = std::process::Command::new("cp")
        .arg(env!("CARGO_BIN_EXE_devdoctor"))
        .arg(to)
        .status()
        .expect("cp runs");
    assert!(status.success(), "cp of the binary to {}", to.display());
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).unwrap();
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Reads an HTTP request head (up to the blank line) from a socket.
pub fn read_head(s: &mut impl std::io::Read) -> String {
    let mut buf = Vec::new();
    let mut b = [0u8; 2048];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut b) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&b[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// A fake Docker engine on the unix socket `path`: every connection, until the test ends, gets
/// `answer(request path)` as the raw HTTP response.
pub fn fake_engine_at(path: &Path, answer: impl Fn(&str) -> String + Send + 'static) {
    use std::io::Write;
    let listener = std::os::unix::net::UnixListener::bind(path).unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { break };
            let head = read_head(&mut s);
            let p = head.split_whitespace().nth(1).unwrap_or("").to_string();
            let _ = s.write_all(answer(&p).as_bytes());
        }
    });
}
