//! Which engine the docker CLI would talk to, resolved the way docker/cli does
//!: `DOCKER_HOST`, then
//! `DOCKER_CONTEXT`, then `currentContext` in `$DOCKER_CONFIG/config.json` (default
//! `~/.docker`), then the default socket. Only files are read here; nothing is contacted.

use crate::core::Context;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub(crate) const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// Where the endpoint came from, for messages and fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    DockerHost,
    /// `DOCKER_CONTEXT=name`.
    ContextVar(String),
    /// `currentContext` in this config file.
    ConfigContext(String, PathBuf),
    Default,
}

impl Source {
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::DockerHost => "DOCKER_HOST".to_string(),
            Source::ContextVar(name) => format!("DOCKER_CONTEXT={name}"),
            Source::ConfigContext(name, file) => {
                format!(
                    "docker context `{name}` (currentContext in {})",
                    file.display()
                )
            }
            Source::Default => "the default socket".to_string(),
        }
    }

    /// Whether the user chose the endpoint (so a dead one may be a wrong setting).
    pub(crate) fn is_explicit(&self) -> bool {
        !matches!(self, Source::Default)
    }
}

/// How devdoctor can reach the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Unix(PathBuf),
    Tcp {
        host: String,
        port: u16,
    },
    /// Only the docker CLI can use it (ssh://, TLS); the string says why.
    CliOnly(String),
}

/// The resolved endpoint: the host string, where it came from, and how to reach it, or why
/// it cannot be used (a context that does not exist, a malformed host).
#[derive(Debug, Clone)]
pub struct Resolved {
    pub host: String,
    pub source: Source,
    pub target: Result<Target, EndpointError>,
    /// The endpoint is on another machine (not loopback, not a local socket).
    pub remote: bool,
}

/// Why the endpoint cannot be used: the engine is then down for want of one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("docker context `{0}` is selected but HOME and DOCKER_CONFIG are unset, so its store cannot be found")]
    NoStore(String),
    #[error("docker context `{name}` does not exist (no {})", .meta.display())]
    NoContext { name: String, meta: PathBuf },
    #[error("cannot read {}: {why}", .meta.display())]
    Unreadable { meta: PathBuf, why: String },
    #[error("{} is not valid JSON: {why}", .meta.display())]
    NotJson { meta: PathBuf, why: String },
    #[error("docker context `{name}` has no docker endpoint (Endpoints.docker.Host in {})", .meta.display())]
    NoDockerEndpoint { name: String, meta: PathBuf },
    #[error("`{0}` names no socket path")]
    NoSocketPath(String),
    #[error("`{0}` is not a valid tcp://HOST:PORT address")]
    BadTcp(String),
    #[error("`{0}` is a Windows named pipe; it cannot be used here")]
    NamedPipe(String),
    #[error("`{0}` has no scheme; write it as unix://{0}")]
    NoScheme(String),
    #[error("`{0}` is not a docker host devdoctor understands (unix://PATH, tcp://HOST:PORT or ssh://HOST)")]
    Unknown(String),
}

/// The docker config directory: `$DOCKER_CONFIG`, else `~/.docker`.
pub(crate) fn config_dir(ctx: &Context) -> Option<PathBuf> {
    ctx.var_path("DOCKER_CONFIG")
        .or_else(|| ctx.home().map(|h| h.join(".docker")))
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The context store directory of context `name`: `contexts/meta/<sha256(name)>`.
pub(crate) fn context_meta_dir(config_dir: &Path, name: &str) -> PathBuf {
    config_dir
        .join("contexts")
        .join("meta")
        .join(sha256_hex(name))
}

fn tls_dir(config_dir: &Path, name: &str) -> PathBuf {
    config_dir
        .join("contexts")
        .join("tls")
        .join(sha256_hex(name))
        .join("docker")
}

/// `currentContext` from config.json; `None` when the file or key is absent or unreadable.
fn current_context(config_dir: &Path) -> Option<(String, PathBuf)> {
    let file = config_dir.join("config.json");
    let text = std::fs::read_to_string(&file).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let name = value.get("currentContext")?.as_str()?.trim();
    (!name.is_empty()).then(|| (name.to_string(), file))
}

/// Reads a context's docker endpoint: `(Host, uses TLS)`.
fn context_endpoint(config_dir: &Path, name: &str) -> Result<(String, bool), EndpointError> {
    let meta = context_meta_dir(config_dir, name).join("meta.json");
    let text = std::fs::read_to_string(&meta).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            EndpointError::NoContext {
                name: name.to_string(),
                meta: meta.clone(),
            }
        } else {
            EndpointError::Unreadable {
                meta: meta.clone(),
                why: e.to_string(),
            }
        }
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| EndpointError::NotJson {
            meta: meta.clone(),
            why: e.to_string(),
        })?;
    let docker = value.get("Endpoints").and_then(|e| e.get("docker"));
    let host = docker
        .and_then(|d| d.get("Host"))
        .and_then(|h| h.as_str())
        .filter(|h| !h.is_empty())
        .ok_or_else(|| EndpointError::NoDockerEndpoint {
            name: name.to_string(),
            meta: meta.clone(),
        })?;
    let skip_verify = docker
        .and_then(|d| d.get("SkipTLSVerify"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let tls = skip_verify || tls_dir(config_dir, name).is_dir();
    Ok((host.to_string(), tls))
}

/// Whether a host name is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    if h.eq_ignore_ascii_case("localhost") {
        return true;
    }
    h.parse::<std::net::IpAddr>()
        .map(|ip| ip.is_loopback())
        .unwrap_or(false)
}

/// Parses a docker host string into a target. `tls` selects the CLI for tcp endpoints.
/// Returns the target and whether it is remote.
pub fn parse_host(host: &str, tls: bool) -> Result<(Target, bool), EndpointError> {
    let host = host.trim();
    if let Some(path) = host.strip_prefix("unix://") {
        if path.is_empty() {
            return Err(EndpointError::NoSocketPath(host.to_string()));
        }
        return Ok((Target::Unix(PathBuf::from(path)), false));
    }
    if let Some(rest) = host.strip_prefix("tcp://") {
        let authority = rest.split('/').next().unwrap_or("");
        let (name, port) =
            split_host_port(authority).ok_or_else(|| EndpointError::BadTcp(host.to_string()))?;
        let port = port.unwrap_or(if tls { 2376 } else { 2375 });
        let remote = !is_loopback(&name);
        if tls {
            return Ok((Target::CliOnly(format!("{host} uses TLS")), remote));
        }
        return Ok((Target::Tcp { host: name, port }, remote));
    }
    if let Some(rest) = host.strip_prefix("ssh://") {
        let authority = rest.split('/').next().unwrap_or("");
        let name = authority.rsplit('@').next().unwrap_or("");
        let name = split_host_port(name).map(|(h, _)| h).unwrap_or_default();
        return Ok((
            Target::CliOnly(format!("{host} is an ssh endpoint")),
            !is_loopback(&name),
        ));
    }
    if host.starts_with("npipe://") {
        return Err(EndpointError::NamedPipe(host.to_string()));
    }
    if host.starts_with('/') {
        return Err(EndpointError::NoScheme(host.to_string()));
    }
    Err(EndpointError::Unknown(host.to_string()))
}

/// `host`, `host:port`, `[v6]`, `[v6]:port` → (host, port).
fn split_host_port(s: &str) -> Option<(String, Option<u16>)> {
    if s.is_empty() {
        return None;
    }
    if let Some(rest) = s.strip_prefix('[') {
        let end = rest.find(']')?;
        let host = rest.get(..end)?.to_string();
        let after = rest.get(end + 1..)?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((host, port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => {
            if h.is_empty() {
                return None;
            }
            Some((h.to_string(), Some(p.parse().ok()?)))
        }
        Some(_) => None,
        None => Some((s.to_string(), None)),
    }
}

/// Resolves the endpoint from the context's variables and files.
pub(crate) fn resolve(ctx: &Context) -> Resolved {
    let tls_env = ctx.var_os("DOCKER_TLS_VERIFY").is_some() || ctx.var_os("DOCKER_TLS").is_some();
    if let Some(host) = ctx.var("DOCKER_HOST") {
        return from_host(host.to_string(), Source::DockerHost, tls_env);
    }
    let config_dir = config_dir(ctx);
    let named = match ctx.var("DOCKER_CONTEXT") {
        Some(name) => Some((name.to_string(), Source::ContextVar(name.to_string()))),
        None => config_dir
            .as_deref()
            .and_then(current_context)
            .map(|(name, file)| (name.clone(), Source::ConfigContext(name, file))),
    };
    match named {
        Some((name, source)) if name != "default" => {
            let Some(dir) = config_dir else {
                return Resolved {
                    host: String::new(),
                    source,
                    target: Err(EndpointError::NoStore(name)),
                    remote: false,
                };
            };
            match context_endpoint(&dir, &name) {
                Ok((host, tls)) => from_host(host, source, tls),
                Err(e) => Resolved {
                    host: String::new(),
                    source,
                    target: Err(e),
                    remote: false,
                },
            }
        }
        _ => from_host(DEFAULT_HOST.to_string(), Source::Default, tls_env),
    }
}

fn from_host(host: String, source: Source, tls: bool) -> Resolved {
    match parse_host(&host, tls) {
        Ok((target, remote)) => Resolved {
            host,
            source,
            target: Ok(target),
            remote,
        },
        Err(e) => Resolved {
            host,
            source,
            target: Err(e),
            remote: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;
    use std::ffi::OsString;

    fn ctx(vars: &[(&str, &str)]) -> Context {
        Context::with_vars(
            Settings::default(),
            vars.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    fn write_context(config: &Path, name: &str, host: &str) {
        let dir = context_meta_dir(config, name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("meta.json"),
            format!(
                r#"{{"Name":"{name}","Metadata":{{}},"Endpoints":{{"docker":{{"Host":"{host}","SkipTLSVerify":false}}}}}}"#
            ),
        )
        .unwrap();
    }

    #[test]
    fn context_dir_is_sha256_of_the_name() {
        // sha256("default"), as docker/cli names the store directory.
        assert_eq!(
            sha256_hex("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
    }

    #[test]
    fn default_is_the_system_socket() {
        let r = resolve(&ctx(&[("HOME", "/nonexistent-home")]));
        assert_eq!(r.source, Source::Default);
        assert_eq!(
            r.target,
            Ok(Target::Unix(PathBuf::from("/var/run/docker.sock")))
        );
    }

    #[test]
    fn docker_host_wins_over_context() {
        let r = resolve(&ctx(&[
            ("DOCKER_HOST", "unix:///tmp/x.sock"),
            ("DOCKER_CONTEXT", "other"),
        ]));
        assert_eq!(r.source, Source::DockerHost);
        assert_eq!(r.target, Ok(Target::Unix(PathBuf::from("/tmp/x.sock"))));
    }

    #[test]
    fn current_context_from_config_json() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join(".docker");
        std::fs::create_dir_all(&cfg).unwrap();
        std::fs::write(cfg.join("config.json"), r#"{"currentContext":"rootless"}"#).unwrap();
        write_context(&cfg, "rootless", "unix:///run/user/1000/docker.sock");
        let r = resolve(&ctx(&[("HOME", dir.path().to_str().unwrap())]));
        assert!(matches!(r.source, Source::ConfigContext(ref n, _) if n == "rootless"));
        assert_eq!(
            r.target,
            Ok(Target::Unix(PathBuf::from("/run/user/1000/docker.sock")))
        );
    }

    #[test]
    fn docker_context_var_beats_config_and_missing_context_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), r#"{"currentContext":"a"}"#).unwrap();
        write_context(dir.path(), "a", "unix:///a.sock");
        let r = resolve(&ctx(&[
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("DOCKER_CONTEXT", "ghost"),
        ]));
        assert_eq!(r.source, Source::ContextVar("ghost".into()));
        let err = r.target.unwrap_err();
        assert!(
            matches!(&err, EndpointError::NoContext { name, .. } if name == "ghost"),
            "{err}"
        );
        assert!(err.to_string().contains("`ghost` does not exist"), "{err}");
    }

    #[test]
    fn context_default_means_the_default_socket() {
        let r = resolve(&ctx(&[("DOCKER_CONTEXT", "default")]));
        assert_eq!(r.source, Source::Default);
    }

    #[test]
    fn garbage_config_json_falls_back_to_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{not json").unwrap();
        let r = resolve(&ctx(&[("DOCKER_CONFIG", dir.path().to_str().unwrap())]));
        assert_eq!(r.source, Source::Default);
    }

    #[test]
    fn hosts_parse() {
        assert_eq!(
            parse_host("tcp://127.0.0.1:2375", false),
            Ok((
                Target::Tcp {
                    host: "127.0.0.1".into(),
                    port: 2375
                },
                false
            ))
        );
        assert_eq!(
            parse_host("tcp://[::1]", false),
            Ok((
                Target::Tcp {
                    host: "::1".into(),
                    port: 2375
                },
                false
            ))
        );
        let (t, remote) = parse_host("tcp://build.example.com:2376", true).unwrap();
        assert!(matches!(t, Target::CliOnly(_)));
        assert!(remote);
        let (t, remote) = parse_host("ssh://me@box.example.com", false).unwrap();
        assert!(matches!(t, Target::CliOnly(_)));
        assert!(remote);
        assert_eq!(
            parse_host("/var/run/docker.sock", false)
                .unwrap_err()
                .to_string(),
            "`/var/run/docker.sock` has no scheme; write it as unix:///var/run/docker.sock"
        );
        assert!(parse_host("tcp://", false).is_err());
        assert!(parse_host("tcp://host:notaport", false).is_err());
        assert!(parse_host("unix://", false).is_err());
        assert!(parse_host("npipe:////./pipe/docker_engine", false).is_err());
        assert!(parse_host("bogus", false).is_err());
    }

    #[test]
    fn loopback_names() {
        assert!(is_loopback("localhost"));
        assert!(is_loopback("127.0.0.2"));
        assert!(is_loopback("[::1]"));
        assert!(!is_loopback("10.0.0.1"));
        assert!(!is_loopback("docker.example.com"));
    }
}
