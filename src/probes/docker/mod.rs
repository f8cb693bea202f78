//! Probes of the Docker engine: socket first (`/_ping`, `/version`, `/info`,
//! `/images/{name}/json`), the docker CLI as fallback.
//!
//! Interface used by other areas (keep these signatures): `local_image`, `ImageConfig`
//! (`user`, `has_healthcheck`, `created`).

pub mod api;
pub mod cli;
pub mod endpoint;
pub(crate) mod files;
pub mod http;
pub(crate) mod image;
pub(crate) mod layers;
pub mod run;
pub mod trivy;

pub(crate) use api::{ImageConfig, ServerInfo};
pub(crate) use cli::{CliInfo, DownCause};
pub use endpoint::{Resolved, Source, Target};
pub(crate) use files::{is_file, modified};
pub(crate) use files::{project_files, ProjectFiles};
pub use image::valid_reference;
pub(crate) use image::{image, local_image, ImageLookup};

use crate::core::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Cap on one engine answer (`/info` is a few KB; image JSON rarely over 100 KB).
pub(crate) const BODY_CAP: usize = 4 * 1024 * 1024;

/// How the engine was (or would be) reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Via {
    Socket,
    Cli(PathBuf),
    /// Not contacted (bad endpoint, remote without --allow-remote, no CLI for ssh/TLS).
    Nothing,
}

#[derive(Debug, Clone)]
pub(crate) enum EngineState {
    Up(ServerInfo),
    Down {
        cause: DownCause,
        message: String,
    },
    /// Could not be checked (timeout, not an engine, remote without permission).
    Unknown(String),
}

/// The engine as this run sees it.
#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub endpoint: Resolved,
    pub via: Via,
    pub state: EngineState,
    /// Things worth saying next to the verdict (a podman socket that exists, /info unreadable).
    pub notes: Vec<String>,
    /// `/v1.41` from the `/_ping` Api-Version header (empty: unversioned paths).
    pub api_prefix: String,
    /// The explicit endpoint (DOCKER_HOST, a context) is down while the default socket has an
    /// engine that answers: that socket and the engine's label.
    pub default_answers: Option<(PathBuf, String)>,
    /// What the engine says of itself was kept from an earlier run (see [`FACTS_TTL`]).
    pub(crate) facts_cached: bool,
    /// The socket and what its `/_ping` said, which key the kept facts.
    ping_key: Option<String>,
}

impl Engine {
    /// The endpoint is a unix socket path with nothing there (no engine was ever started on
    /// it, or none is installed), as opposed to a socket that refuses.
    pub(crate) fn socket_missing(&self) -> bool {
        matches!(&self.endpoint.target, Ok(Target::Unix(p)) if !p.exists())
    }

    pub(crate) fn info(&self) -> Option<&ServerInfo> {
        match &self.state {
            EngineState::Up(i) => Some(i),
            _ => None,
        }
    }
}

/// The per-request timeout: a third of the check timeout, between 0.5 s and 5 s.
pub(crate) fn request_timeout(ctx: &Context) -> Duration {
    (ctx.settings.timeout / 3).clamp(Duration::from_millis(500), Duration::from_secs(5))
}

/// The docker-compatible CLI, found once per run (no process: a PATH lookup).
pub(crate) fn cli(ctx: &Context) -> Arc<Option<CliInfo>> {
    ctx.probe(cli::find)
}

/// The CLI with its version (`docker --version`, cached per binary), once per run: asked only
/// where the engine cannot say what matters itself.
pub(crate) fn cli_version(ctx: &Context) -> Arc<Option<CliInfo>> {
    struct Versioned(Arc<Option<CliInfo>>);
    ctx.probe(|ctx| Versioned(Arc::new(cli::with_version(ctx))))
        .0
        .clone()
}

/// The engine, probed once per run.
pub(crate) fn engine(ctx: &Context) -> Arc<Engine> {
    ctx.probe(probe_engine)
}

/// The engine as far as its `/_ping` tells: reachable or not, by which way, and the API
/// prefix (over the CLI, the whole probe). An image lookup needs no more, so it does not
/// wait for `/version` and `/info` (the latter takes the engine several milliseconds).
pub(crate) fn reach(ctx: &Context) -> Arc<Engine> {
    struct Reach(Arc<Engine>);
    ctx.probe(|ctx| Reach(Arc::new(probe_reach(ctx)))).0.clone()
}

/// [`reach`], then what the engine says of itself, and where it is down, what else answers.
fn probe_engine(ctx: &Context) -> Engine {
    let mut engine = (*reach(ctx)).clone();
    if let (Via::Socket, Ok(target), EngineState::Up(_)) =
        (&engine.via, engine.endpoint.target.clone(), &engine.state)
    {
        socket_details(ctx, &target, request_timeout(ctx), &mut engine);
    }
    if let (
        EngineState::Down {
            cause: DownCause::NotRunning,
            ..
        },
        Ok(target),
    ) = (&engine.state, engine.endpoint.target.clone())
    {
        let timeout = request_timeout(ctx);
        engine.default_answers = default_socket_answers(ctx, &engine.endpoint, &target, timeout);
        if let Some(sock) = podman_socket(ctx) {
            if Some(sock.as_path()) != unix_path(&target) {
                engine.notes.push(format!(
                    "a Podman socket exists at {}; to use it: export DOCKER_HOST=unix://{}",
                    sock.display(),
                    sock.display()
                ));
            }
        }
    }
    engine
}

fn probe_reach(ctx: &Context) -> Engine {
    let endpoint = endpoint::resolve(ctx);
    let mut engine = Engine {
        endpoint: endpoint.clone(),
        via: Via::Nothing,
        state: EngineState::Unknown(String::new()),
        notes: Vec::new(),
        api_prefix: String::new(),
        default_answers: None,
        facts_cached: false,
        ping_key: None,
    };
    let target = match &endpoint.target {
        Err(e) => {
            engine.state = EngineState::Down {
                cause: DownCause::NoEndpoint,
                message: e.to_string(),
            };
            return engine;
        }
        Ok(t) => t.clone(),
    };
    if endpoint.remote && !ctx.settings.allow_remote {
        engine.state = EngineState::Unknown(format!(
            "{} ({}) is on another machine; devdoctor only talks to this machine unless you pass --allow-remote",
            endpoint.host,
            endpoint.source.describe()
        ));
        return engine;
    }
    let timeout = request_timeout(ctx);
    match &target {
        Target::CliOnly(why) => {
            let cli = cli(ctx);
            let Some(cli) = cli.as_ref() else {
                engine.state = EngineState::Unknown(format!(
                    "{why}; devdoctor reaches such endpoints through the docker CLI, which is not installed"
                ));
                return engine;
            };
            engine.via = Via::Cli(cli.path.clone());
            engine.state = match cli::probe_engine(ctx, cli, timeout) {
                cli::CliEngine::Up(i) => EngineState::Up(i),
                cli::CliEngine::Down(cause, message) => EngineState::Down { cause, message },
                cli::CliEngine::Unknown(m) => EngineState::Unknown(m),
            };
        }
        _ => {
            engine.via = Via::Socket;
            ping_socket(&target, timeout, &mut engine);
        }
    }
    engine
}

/// When an explicit endpoint is down: whether an engine answers on the default socket, which
/// is what the user most likely meant.
fn default_socket_answers(
    ctx: &Context,
    endpoint: &Resolved,
    target: &Target,
    timeout: Duration,
) -> Option<(PathBuf, String)> {
    // DEVDOCTOR_DOCKER_DEFAULT_SOCKET moves the socket compared against, so a test can stage
    // "no engine anywhere" on a machine where one runs.
    let default = ctx
        .var_path("DEVDOCTOR_DOCKER_DEFAULT_SOCKET")
        .unwrap_or_else(|| PathBuf::from(endpoint::DEFAULT_HOST.trim_start_matches("unix://")));
    if !endpoint.source.is_explicit() || unix_path(target) == Some(default.as_path()) {
        return None;
    }
    if !is_socket(&default) {
        return None;
    }
    let mut scratch = Engine {
        endpoint: endpoint::Resolved {
            host: endpoint::DEFAULT_HOST.to_string(),
            source: endpoint::Source::Default,
            target: Ok(Target::Unix(default.clone())),
            remote: false,
        },
        via: Via::Socket,
        state: EngineState::Unknown(String::new()),
        notes: Vec::new(),
        api_prefix: String::new(),
        default_answers: None,
        facts_cached: false,
        ping_key: None,
    };
    let default_target = Target::Unix(default.clone());
    ping_socket(&default_target, timeout, &mut scratch);
    if matches!(scratch.state, EngineState::Up(_)) {
        socket_details(ctx, &default_target, timeout, &mut scratch);
    }
    match &scratch.state {
        EngineState::Up(info) => Some((default, info.label())),
        _ => None,
    }
}

fn unix_path(t: &Target) -> Option<&Path> {
    match t {
        Target::Unix(p) => Some(p),
        _ => None,
    }
}

/// Podman's user (then system) API socket, when it exists.
fn podman_socket(ctx: &Context) -> Option<PathBuf> {
    let user = ctx
        .var_path("XDG_RUNTIME_DIR")
        .map(|d| d.join("podman").join("podman.sock"));
    user.into_iter()
        .chain([PathBuf::from("/run/podman/podman.sock")])
        .find(|p| is_socket(p))
}

fn is_socket(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(p).is_ok_and(|m| m.file_type().is_socket())
}

/// Where the engine is, as messages name it.
fn where_of(target: &Target, engine: &Engine) -> String {
    match target {
        Target::Unix(p) => p.display().to_string(),
        _ => engine.endpoint.host.clone(),
    }
}

/// `/_ping`: whether an engine answers on the socket, and its API version. Up leaves a
/// `ServerInfo` with only what the ping says; [`socket_details`] fills in the rest.
fn ping_socket(target: &Target, timeout: Duration, engine: &mut Engine) {
    let where_ = where_of(target, engine);
    let ping = match http::get(target, "/_ping", timeout, 64 * 1024) {
        Ok(r) => r,
        Err(e) => {
            engine.state = classify_http_error(target, &where_, e, timeout);
            return;
        }
    };
    if ping.status != 200 {
        engine.state = EngineState::Unknown(format!(
            "{where_} answered /_ping with {} instead of OK; is it a Docker engine?",
            ping.error_message()
        ));
        return;
    }
    let api = ping.header("Api-Version").unwrap_or("").to_string();
    if let Target::Unix(socket) = target {
        engine.ping_key = Some(format!(
            "{} {} api {api} server {} libpod {}",
            env!("CARGO_PKG_VERSION"),
            crate::probes::cache::identity(socket),
            ping.header("Server").unwrap_or(""),
            ping.header("Libpod-Api-Version").unwrap_or("")
        ));
    }
    if !api.is_empty() && api.chars().all(|c| c.is_ascii_digit() || c == '.') {
        engine.api_prefix = format!("/v{api}");
    }
    engine.state = EngineState::Up(ServerInfo {
        podman: ping.header("Libpod-Api-Version").is_some(),
        api_version: api,
        ..ServerInfo::default()
    });
}

/// What the engine says of itself after its ping: `/info` (version, platform and the
/// security options), and `/version` only when `/info` cannot be read (a socket proxy may
/// allow one and not the other). Each costs the engine a few milliseconds (it asks runc and
/// containerd for their versions), so a healthy engine is asked once.
fn socket_details(ctx: &Context, target: &Target, timeout: Duration, engine: &mut Engine) {
    let kept = engine
        .ping_key
        .clone()
        .zip(crate::probes::cache::Map::open(ctx, FACTS_MAP));
    if let Some((key, map)) = &kept {
        if let Some(facts) = map.load::<KeptFacts>().get(key).filter(|f| f.fresh()) {
            engine.state = EngineState::Up(facts.info.clone());
            engine.facts_cached = true;
            return;
        }
    }
    let budget_end = Instant::now() + ctx.settings.timeout.mul_f64(0.6).max(timeout);
    let (podman_header, api) = match &engine.state {
        EngineState::Up(pinged) => (pinged.podman, pinged.api_version.clone()),
        _ => return,
    };
    let remaining = || {
        budget_end
            .saturating_duration_since(Instant::now())
            .min(timeout)
            .max(Duration::from_millis(100))
    };
    let mut ask = |what: &str| -> Option<serde_json::Value> {
        let path = format!("{}/{what}", engine.api_prefix);
        let note = match http::get(target, &path, remaining(), BODY_CAP) {
            Ok(r) if r.status == 200 => match serde_json::from_slice(&r.body) {
                Ok(v) => return Some(v),
                Err(e) => format!("/{what} is not JSON ({e})"),
            },
            Ok(r) => format!("/{what} answered {}", r.error_message()),
            Err(e) => format!("/{what}: {e}"),
        };
        engine.notes.push(note);
        None
    };
    let from_info = ask("info").map(|v| api::parse_info(&v));
    let answered = from_info.is_some();
    let mut info = from_info
        .or_else(|| ask("version").map(|v| api::parse_version(&v)))
        .unwrap_or_default();
    info.podman |= podman_header;
    if info.api_version.is_empty() {
        info.api_version = api;
    }
    if let (Some((key, map)), true) = (kept, answered) {
        let at = unix_secs();
        map.store([(
            key,
            KeptFacts {
                info: info.clone(),
                at,
            },
        )]);
    }
    engine.state = EngineState::Up(info);
}

/// The map of engines' `/info` facts in the cache folder.
const FACTS_MAP: &str = "engines.json";
/// How long what a local engine said of itself (`/info`: version, platform, rootless, userns)
/// is taken again without asking: asking costs the engine a few milliseconds of CPU (it runs
/// runc and docker-init for their versions), which slows every other probe of a run on a small
/// machine. The key is the socket (path, inode, mtime) and what its `/_ping` says (API and
/// engine version), so an upgraded or re-created engine is asked at once; a restart behind a
/// systemd-activated socket with new security options shows within this time.
pub(crate) const FACTS_TTL: Duration = Duration::from_secs(60);

/// One engine's facts and when (Unix seconds) they were asked.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct KeptFacts {
    info: ServerInfo,
    at: u64,
}

impl KeptFacts {
    fn fresh(&self) -> bool {
        let now = unix_secs();
        now >= self.at && now - self.at < FACTS_TTL.as_secs()
    }
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn classify_http_error(
    target: &Target,
    where_: &str,
    e: http::HttpError,
    timeout: Duration,
) -> EngineState {
    use std::io::ErrorKind;
    match e {
        http::HttpError::Connect { kind, why } => match (kind, target) {
            (ErrorKind::NotFound, Target::Unix(p)) => EngineState::Down {
                cause: DownCause::NotRunning,
                message: format!("no socket at {}", p.display()),
            },
            (ErrorKind::ConnectionRefused, Target::Unix(p)) if p.exists() && !is_socket(p) => {
                EngineState::Down {
                    cause: DownCause::NoEndpoint,
                    message: format!("{} exists but is not a socket", p.display()),
                }
            }
            (ErrorKind::ConnectionRefused, _) => EngineState::Down {
                cause: DownCause::NotRunning,
                message: format!("nothing is listening at {where_} (connection refused)"),
            },
            (ErrorKind::PermissionDenied, _) => EngineState::Down {
                cause: DownCause::PermissionDenied,
                message: format!("permission denied opening {where_}"),
            },
            (_, Target::Tcp { host, .. }) if kind != ErrorKind::TimedOut => EngineState::Down {
                cause: DownCause::NoEndpoint,
                message: format!("cannot reach {host}: {why}"),
            },
            _ => EngineState::Unknown(format!("cannot connect to {where_}: {why}")),
        },
        http::HttpError::Timeout => EngineState::Unknown(format!(
            "{where_} accepted the connection but did not answer /_ping within {:.1} s",
            timeout.as_secs_f64()
        )),
        http::HttpError::Protocol(m) => EngineState::Unknown(format!(
            "something at {where_} answers, but not as a Docker engine ({m})"
        )),
        other => EngineState::Unknown(format!("{where_}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;
    use std::ffi::OsString;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixListener;

    fn ctx_with(vars: &[(&str, &str)], settings: Settings) -> Context {
        Context::with_vars(
            settings,
            vars.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        )
    }

    /// Reads one request head from `s` and writes `answer(request path)`.
    fn answer_one(s: &mut (impl Read + Write), answer: &dyn Fn(&str) -> Vec<u8>) {
        let mut buf = Vec::new();
        let mut b = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&b[..n]),
            }
        }
        let req = String::from_utf8_lossy(&buf).into_owned();
        let path = req.split_whitespace().nth(1).unwrap_or("").to_string();
        let _ = s.write_all(&answer(&path));
    }

    /// A fake engine on a unix socket answering each request by path.
    fn fake_engine(dir: &Path, answer: impl Fn(&str) -> Vec<u8> + Send + 'static) -> PathBuf {
        let path = dir.join("docker.sock");
        let listener = UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(mut s) = s else { break };
                answer_one(&mut s, &answer);
            }
        });
        path
    }

    /// [`engine_answers`] on a fake engine in `dir`, with the paths it was asked, in order.
    fn logged_engine(dir: &Path) -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let sock = fake_engine(dir, move |path| {
            log.lock().unwrap().push(path.to_string());
            engine_answers(path)
        });
        (format!("unix://{}", sock.display()), asked)
    }

    fn json_reply(status: &str, body: &str) -> Vec<u8> {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    fn engine_answers(path: &str) -> Vec<u8> {
        match path {
            "/_ping" => json_reply("200 OK", "OK"),
            "/v1.41/version" => json_reply(
                "200 OK",
                r#"{"Version":"20.10.24+dfsg1","ApiVersion":"1.41","Os":"linux","Arch":"amd64"}"#,
            ),
            "/v1.41/info" => json_reply(
                "200 OK",
                r#"{"ServerVersion":"20.10.24+dfsg1","OSType":"linux","Architecture":"x86_64","KernelVersion":"6.1.0","SecurityOptions":["name=seccomp,profile=default","name=rootless"]}"#,
            ),
            "/v1.41/images/app:1/json" => json_reply(
                "200 OK",
                r#"{"Id":"sha256:1","Created":"2024-01-01T00:00:00Z","Config":{"User":"1000","Healthcheck":{"Test":["CMD","true"]}}}"#,
            ),
            _ => json_reply("404 Not Found", r#"{"message":"No such image"}"#),
        }
    }

    /// An image lookup waits for the engine's ping only: it asks `/_ping` and the image, not
    /// `/version` or `/info` (which the docker.* checks read).
    #[test]
    fn an_image_lookup_needs_only_the_ping() {
        let dir = tempfile::tempdir().unwrap();
        let (host, asked) = logged_engine(dir.path());
        let ctx = ctx_with(&[("DOCKER_HOST", &host)], Settings::default());
        assert_eq!(local_image(&ctx, "app:1").unwrap().user, "1000");
        assert_eq!(
            *asked.lock().unwrap(),
            ["/_ping", "/v1.41/images/app:1/json"]
        );
        // The full probe reuses the ping and adds what the engine says of itself: /info,
        // which holds the version too, so /version is not asked.
        let info = engine(&ctx).info().unwrap().clone();
        assert_eq!(info.version, "20.10.24+dfsg1");
        assert_eq!((info.os.as_str(), info.arch.as_str()), ("linux", "amd64"));
        assert!(info.rootless);
        assert_eq!(
            *asked.lock().unwrap(),
            ["/_ping", "/v1.41/images/app:1/json", "/v1.41/info"]
        );
    }

    /// What the engine says of itself is kept for a minute: a second run asks only `/_ping`,
    /// and an answer older than [`FACTS_TTL`] is asked again.
    #[test]
    fn engine_facts_are_kept_for_a_minute() {
        let dir = tempfile::tempdir().unwrap();
        let (host, asked) = logged_engine(dir.path());
        let cache = dir.path().join("cache");
        let cache_var = cache.display().to_string();
        let vars = [
            ("DOCKER_HOST", host.as_str()),
            ("XDG_CACHE_HOME", cache_var.as_str()),
        ];
        let first = engine(&ctx_with(&vars, Settings::default()));
        assert!(!first.facts_cached);
        let second = engine(&ctx_with(&vars, Settings::default()));
        assert!(second.facts_cached);
        assert_eq!(second.info(), first.info());
        assert_eq!(*asked.lock().unwrap(), ["/_ping", "/v1.41/info", "/_ping"]);

        // An answer older than a minute is asked again.
        let ctx = ctx_with(&vars, Settings::default());
        let map = crate::probes::cache::Map::open(&ctx, FACTS_MAP).unwrap();
        let aged = map.load::<KeptFacts>().into_iter().map(|(k, mut f)| {
            f.at -= FACTS_TTL.as_secs();
            (k, f)
        });
        map.store(aged.collect::<Vec<_>>());
        assert!(!engine(&ctx).facts_cached);
        assert_eq!(
            asked.lock().unwrap().last().map(String::as_str),
            Some("/v1.41/info")
        );
    }

    /// A socket proxy that allows `/version` and refuses `/info`: the version still comes
    /// from the engine, and the refusal is a note (rootless/userns stay unknown).
    #[test]
    fn version_is_asked_when_info_is_refused() {
        fn proxy(path: &str) -> Vec<u8> {
            match path {
                "/v1.41/info" => json_reply("403 Forbidden", r#"{"message":"forbidden"}"#),
                _ => engine_answers(path),
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let sock = fake_engine(dir.path(), proxy);
        let host = format!("unix://{}", sock.display());
        let ctx = ctx_with(&[("DOCKER_HOST", &host)], Settings::default());
        let e = engine(&ctx);
        let info = e.info().expect("up");
        assert_eq!(info.version, "20.10.24+dfsg1");
        assert!(!info.info_read && !info.rootless);
        assert!(
            e.notes
                .iter()
                .any(|n| n.starts_with("/info answered HTTP 403")),
            "{:?}",
            e.notes
        );
    }

    #[test]
    fn engine_over_a_socket() {
        let dir = tempfile::tempdir().unwrap();
        let sock = fake_engine(dir.path(), engine_answers);
        let host = format!("unix://{}", sock.display());
        let ctx = ctx_with(&[("DOCKER_HOST", &host)], Settings::default());
        let e = engine(&ctx);
        let info = e.info().expect("up");
        assert_eq!(info.version, "20.10.24+dfsg1");
        assert_eq!(info.api_version, "1.41");
        assert!(info.rootless);
        assert_eq!(e.via, Via::Socket);
        let img = local_image(&ctx, "app:1").unwrap();
        assert_eq!(img.user, "1000");
        assert!(img.has_healthcheck);
        assert!(img.created.is_some());
        assert!(matches!(*image(&ctx, "other:2"), ImageLookup::Missing));
        assert!(matches!(*image(&ctx, "-rm"), ImageLookup::Error(_)));
    }

    #[test]
    fn missing_socket_is_not_running() {
        let ctx = ctx_with(
            &[("DOCKER_HOST", "unix:///nonexistent/devdoctor.sock")],
            Settings::default(),
        );
        let e = engine(&ctx);
        match &e.state {
            EngineState::Down { cause, message } => {
                assert_eq!(*cause, DownCause::NotRunning);
                assert!(message.contains("/nonexistent/devdoctor.sock"));
            }
            other => panic!("{other:?}"),
        }
        assert!(local_image(&ctx, "x").is_none());
    }

    #[test]
    fn regular_file_is_not_an_endpoint() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("docker.sock");
        std::fs::write(&f, "").unwrap();
        let ctx = ctx_with(
            &[("DOCKER_HOST", &format!("unix://{}", f.display()))],
            Settings::default(),
        );
        assert!(matches!(
            engine(&ctx).state,
            EngineState::Down {
                cause: DownCause::NoEndpoint,
                ..
            }
        ));
    }

    #[test]
    fn silent_socket_is_unknown_within_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("silent.sock");
        let listener = UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            let _held: Vec<_> = listener.incoming().take(3).collect();
            std::thread::sleep(Duration::from_secs(10));
        });
        let settings = Settings {
            timeout: Duration::from_secs(1),
            ..Settings::default()
        };
        let ctx = ctx_with(
            &[("DOCKER_HOST", &format!("unix://{}", path.display()))],
            settings,
        );
        let start = Instant::now();
        let e = engine(&ctx);
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        assert!(
            matches!(&e.state, EngineState::Unknown(m) if m.contains("did not answer")),
            "{:?}",
            e.state
        );
    }

    #[test]
    fn engine_over_loopback_tcp() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(mut s) = s else { break };
                answer_one(&mut s, &engine_answers);
            }
        });
        let host = format!("tcp://127.0.0.1:{port}");
        let ctx = ctx_with(&[("DOCKER_HOST", &host)], Settings::default());
        let e = engine(&ctx);
        assert_eq!(e.info().expect("up").version, "20.10.24+dfsg1");
        assert!(local_image(&ctx, "app:1").is_some());
    }

    #[test]
    fn refused_tcp_is_not_running() {
        // Bind and drop to find a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let host = format!("tcp://127.0.0.1:{port}");
        let ctx = ctx_with(&[("DOCKER_HOST", &host)], Settings::default());
        assert!(matches!(
            engine(&ctx).state,
            EngineState::Down {
                cause: DownCause::NotRunning,
                ..
            }
        ));
    }

    #[test]
    fn remote_needs_allow_remote() {
        let ctx = ctx_with(
            &[("DOCKER_HOST", "tcp://docker.example.com:2375")],
            Settings::default(),
        );
        assert!(
            matches!(&engine(&ctx).state, EngineState::Unknown(m) if m.contains("--allow-remote"))
        );
    }

    #[test]
    fn project_files_discovery() {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "Dockerfile.dev",
            "Dockerfile",
            "api.Dockerfile",
            "compose.yaml",
            "README.md",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let settings = Settings {
            project_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let ctx = ctx_with(&[], settings);
        let files = project_files(&ctx);
        let names: Vec<_> = files
            .dockerfiles
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["Dockerfile", "Dockerfile.dev", "api.Dockerfile"]);
        assert_eq!(files.compose_files.len(), 1);
        assert!(files.uses_docker());
    }
}
