//! The docker CLI: finding it (or Podman's), its version, and the CLI route to the engine
//! when the socket cannot be used (ssh://, TLS). Output shapes and error strings:
//! the CLI's own output and error strings.

use super::api::{self, ServerInfo};
use crate::core::Context;
use crate::exec::Cmd;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// A docker-compatible CLI found on PATH.
#[derive(Debug, Clone)]
pub(crate) struct CliInfo {
    pub path: PathBuf,
    /// `docker`, or `podman` when only Podman is installed.
    pub name: String,
    /// The client version, when `--version` could be read.
    pub version: Option<String>,
    /// The CLI is Podman (itself, or podman-docker's `docker` shim).
    pub podman: bool,
    /// Why the version could not be read.
    pub problem: Option<String>,
}

/// Parses `docker --version` / `podman --version`: `(version, is_podman)`.
pub fn parse_version_line(text: &str) -> Option<(String, bool)> {
    let re = regex::Regex::new(
        r"(?i)\b(docker|podman)(?:\s+\S+)?\s+version\s+v?([0-9][0-9A-Za-z.+~-]*)",
    )
    .expect("static regex");
    let caps = re.captures(text)?;
    let podman = caps.get(1)?.as_str().eq_ignore_ascii_case("podman");
    Some((caps.get(2)?.as_str().to_string(), podman))
}

/// Finds `docker`, else `podman`, on the context's PATH; starts nothing.
pub(crate) fn find(ctx: &Context) -> Option<CliInfo> {
    let (path, name) = match ctx.which("docker") {
        Some(p) => (p, "docker"),
        None => (ctx.which("podman")?, "podman"),
    };
    Some(CliInfo {
        path,
        name: name.to_string(),
        version: None,
        podman: name == "podman",
        problem: None,
    })
}

/// The CLI found by [`find`], with its version read (bounded, cached per binary).
pub(crate) fn with_version(ctx: &Context) -> Option<CliInfo> {
    let mut info = find(ctx)?;
    let (path, name) = (info.path.clone(), info.name.clone());
    // `docker --version` needs no engine, yet a CLI may set up its connection to a remote
    // endpoint (and start `ssh` for ssh://) first: without --allow-remote it sees only the
    // local default.
    let mut vars = ctx.vars().clone();
    if !ctx.settings.allow_remote && super::endpoint::resolve(ctx).remote {
        vars.remove("DOCKER_HOST");
        vars.insert("DOCKER_CONTEXT".into(), "default".into());
    }
    let cmd = Cmd::new(&path)
        .arg("--version")
        .env_exact(&vars)
        .timeout(Duration::from_secs(5))
        .cap(64 * 1024);
    let out = crate::probes::versions::run(ctx, &cmd);
    match out {
        Ok(out) if out.timed_out => {
            info.problem = Some(format!("`{name} --version` {}", out.describe_end()))
        }
        Ok(out) => {
            let text = format!("{}\n{}", out.stdout_text(), out.stderr_text());
            match parse_version_line(&text) {
                Some((v, podman)) => {
                    info.version = Some(v);
                    info.podman |= podman;
                }
                None => {
                    info.problem = Some(format!(
                        "`{name} --version` {} and printed no version: {}",
                        out.describe_end(),
                        first_line(&text)
                    ))
                }
            }
        }
        Err(e) => info.problem = Some(format!("{e:#}")),
    }
    Some(info)
}

/// Why the engine cannot be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownCause {
    /// Nothing listens: no socket, connection refused.
    NotRunning,
    /// The socket exists but this user may not open it.
    PermissionDenied,
    /// The configured host or context does not lead to an engine (no such context, not a
    /// socket, unknown host, malformed DOCKER_HOST).
    NoEndpoint,
}

impl DownCause {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DownCause::NotRunning => "not_running",
            DownCause::PermissionDenied => "permission_denied",
            DownCause::NoEndpoint => "no_endpoint",
        }
    }
}

/// Classifies the CLI's stderr when it cannot reach the engine.
pub fn classify_error(stderr: &str) -> Option<DownCause> {
    let s = stderr.to_ascii_lowercase();
    let no_context =
        s.contains("context") && (s.contains("not found") || s.contains("does not exist"));
    let bad_host = s.contains("no such host")
        || s.contains("unable to parse docker host")
        || s.contains("invalid bind address");
    if s.contains("permission denied") {
        Some(DownCause::PermissionDenied)
    } else if no_context || bad_host {
        Some(DownCause::NoEndpoint)
    } else if s.contains("cannot connect to the docker daemon")
        || s.contains("is the docker daemon running")
        || s.contains("failed to connect to the docker api")
        || s.contains("connection refused")
        || s.contains("no such file or directory")
        || s.contains("error during connect")
    {
        Some(DownCause::NotRunning)
    } else {
        None
    }
}

pub fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    line.chars().take(300).collect()
}

/// What the CLI route found.
#[derive(Debug, Clone)]
pub(crate) enum CliEngine {
    Up(ServerInfo),
    Down(DownCause, String),
    Unknown(String),
}

/// `docker version --format '{{json .}}'` (then `docker info` for security options).
pub(crate) fn probe_engine(ctx: &Context, cli: &CliInfo, timeout: Duration) -> CliEngine {
    let out = Cmd::new(&cli.path)
        .args(["version", "--format", "{{json .}}"])
        .env_exact(ctx.vars())
        .timeout(timeout)
        .cap(1024 * 1024)
        .run();
    let out = match out {
        Ok(o) => o,
        Err(e) => return CliEngine::Unknown(format!("{e:#}")),
    };
    if out.timed_out {
        return CliEngine::Unknown(format!(
            "`{} version` {}; the engine did not answer",
            cli.name,
            out.describe_end()
        ));
    }
    let json: Option<Value> = serde_json::from_slice(&out.stdout).ok();
    let server = json
        .as_ref()
        .and_then(|v| v.get("Server"))
        .filter(|s| s.is_object());
    match server {
        Some(server) if out.success() => {
            let mut info = api::parse_version(server);
            let info_out = Cmd::new(&cli.path)
                .args(["info", "--format", "{{json .SecurityOptions}}"])
                .env_exact(ctx.vars())
                .timeout(timeout)
                .cap(256 * 1024)
                .run();
            if let Ok(o) = info_out {
                if o.success() {
                    if let Ok(Value::Array(opts)) = serde_json::from_slice::<Value>(&o.stdout) {
                        let opts = opts
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect();
                        api::apply_security_options(&mut info, opts);
                    }
                }
            }
            CliEngine::Up(info)
        }
        _ => {
            let err = out.stderr_text();
            let line = first_line(&err);
            match classify_error(&err) {
                Some(cause) => CliEngine::Down(cause, line),
                None if line.is_empty() => CliEngine::Unknown(format!(
                    "`{} version` {} without saying why",
                    cli.name,
                    out.describe_end()
                )),
                None => CliEngine::Unknown(line),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_lines() {
        assert_eq!(
            parse_version_line("Docker version 28.2.2, build e6534b4"),
            Some(("28.2.2".into(), false))
        );
        assert_eq!(
            parse_version_line("Docker version 20.10.24+dfsg1, build 297e128"),
            Some(("20.10.24+dfsg1".into(), false))
        );
        assert_eq!(
            parse_version_line("Emulate Docker CLI using podman.\npodman version 4.3.1"),
            Some(("4.3.1".into(), true))
        );
        assert_eq!(parse_version_line("garbage"), None);
        assert_eq!(parse_version_line(""), None);
    }

    #[test]
    fn error_strings() {
        use DownCause::*;
        let cases = [
            ("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?", Some(NotRunning)),
            ("failed to connect to the docker API at unix:///x.sock; check if the path is correct and if the daemon is running: dial unix /x.sock: connect: no such file or directory", Some(NotRunning)),
            ("permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version\": dial unix /var/run/docker.sock: connect: permission denied", Some(PermissionDenied)),
            ("Got permission denied while trying to connect to the Docker daemon socket", Some(PermissionDenied)),
            ("context \"ghost\": context not found: open /root/.docker/contexts/meta/abc/meta.json: no such file or directory", Some(NoEndpoint)),
            ("error during connect: Get \"http://build.example:2375/v1.41/version\": dial tcp: lookup build.example: no such host", Some(NoEndpoint)),
            ("Error response from daemon: client version 1.41 is too old. Minimum supported API version is 1.44", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(classify_error(text), want, "{text}");
        }
    }
}
