//! Built-in `docker.*` checks: the docker CLI and the engine behind it.

use crate::core::{Builtin, Check, CheckResult, Context, Early, Fix, Outcome, Phase, Spec};
use crate::probes::docker::{self, DownCause, EngineState, Source, Target, Via};
use std::sync::Arc;

/// The registry entries of this area, one per check.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(Spec {
            id: "docker.cli",
            title: "Docker CLI",
            can_fix: false,
            applies: "When the project has a Dockerfile or compose file, or configures an image; skips otherwise.",
            explain: "Looks for the `docker` command on PATH (or Podman's docker-compatible CLI: the \
podman-docker shim named docker, else `podman` itself) and reads its version with `--version`, \
without contacting the engine. Building and running the project's images needs it. When the \
project has no Dockerfile and no compose file and no image is configured, a missing CLI is not \
a problem and the check is skipped; otherwise it warns, with where to get Docker Engine (or \
Podman with podman-docker). With no engine socket either, Docker is not installed at all: it \
fails, and docker.daemon points at it rather than failing on its own.",
            run: check_cli,
        })),
        Arc::new(Builtin::new(Spec {
            id: "docker.daemon",
            title: "Docker engine reachable",
            can_fix: true,
            applies: "When the project has a Dockerfile or compose file, or configures an image; skips otherwise.",
            explain: "Talks to the engine the docker CLI would use: DOCKER_HOST, else DOCKER_CONTEXT, else \
currentContext in $DOCKER_CONFIG/config.json (~/.docker) and that context's \
contexts/meta/<sha256>/meta.json, else unix:///var/run/docker.sock. It sends GET /_ping and \
/info over the socket (/version only where /info is refused; plain tcp:// works too; ssh:// and \
TLS endpoints go through `docker version`), each bounded by a timeout; what a local engine's \
/info says is kept for a minute in the cache folder, keyed by the socket and its /_ping. It reports the server version, the API \
version, Podman, and rootless/userns from SecurityOptions. When the engine cannot be reached it \
names the cause: Docker not installed at all (no docker or podman command and no socket: the \
failure points at docker.cli, whose fix installs it), not running (fix: `sudo systemctl start \
docker`, or rootless Docker), permission denied on the socket (fix: the docker group, which is root-equivalent, or rootless \
Docker), or DOCKER_HOST/the context pointing nowhere. A socket that accepts but never answers \
is unknown, never a hang. Engines on other machines are only contacted with --allow-remote.",
            run: check_daemon,
        })),
    ]
}

fn check_cli(ctx: &Context) -> Outcome {
    let files = docker::project_files(ctx);
    let needed = files.uses_docker() || ctx.settings.image.is_some();
    let cli = docker::cli(ctx);
    let Some(cli) = cli.as_ref() else {
        if !needed {
            return Err(Early::skip(
                "no docker CLI, and the project has no Dockerfile, compose file or image",
            ));
        }
        let mut fix = Fix::new("Install Docker Engine (or Podman with its docker-compatible CLI).")
            .manual("install Docker Engine: https://docs.docker.com/engine/install/ (Debian/Ubuntu: sudo apt-get install docker.io)")
            .manual("or Podman with the docker shim: sudo apt-get install podman podman-docker")
            .phase(Phase::InstallTool);
        if ctx.which("podman").is_some() {
            fix = fix.manual(
                "podman is installed: add its docker shim (podman-docker) or alias docker=podman",
            );
        }
        let r = match not_installed(ctx, &docker::engine(ctx)) {
            Some(message) => CheckResult::fail(format!(
                "Docker is not installed: no `docker` command, and {message}"
            )),
            None => CheckResult::warn("docker is not installed (not on PATH)"),
        };
        return Ok(r.detail(uses_detail(&files, ctx)).with_fix(fix));
    };
    let shown = ctx.settings.display_path(&cli.path);
    // With the engine answering on its socket, the client's version decides nothing: no
    // `docker --version` is started.
    let engine = docker::engine(ctx);
    if let (docker::Via::Socket, Some(info)) = (&engine.via, engine.info()) {
        let kind = if info.podman || cli.podman {
            "Podman"
        } else {
            "Docker"
        };
        return Ok(CheckResult::ok(format!(
            "{} ({kind} CLI); the engine answers on its socket",
            cli.name
        ))
        .detail(format!("at {shown}"))
        .data("program", cli.path.display().to_string())
        .data("podman", info.podman || cli.podman));
    }
    let versioned = docker::cli_version(ctx);
    let cli = versioned.as_ref().as_ref().unwrap_or(cli);
    let kind = if cli.podman { "Podman" } else { "Docker" };
    match &cli.version {
        Some(v) => {
            let mut r = CheckResult::ok(format!("{} {v} ({kind} CLI)", cli.name))
                .detail(format!("at {shown}"))
                .data("program", cli.path.display().to_string())
                .data("version", v.clone())
                .data("podman", cli.podman);
            if cli.name == "podman" {
                r = r.detail(
                    "there is no `docker` command; devdoctor uses podman with the same arguments",
                );
            }
            Ok(r)
        }
        None => Ok(CheckResult::warn(format!(
            "{} found but its version could not be read",
            cli.name
        ))
        .detail(format!("at {shown}"))
        .details(cli.problem.clone())
        .data("program", cli.path.display().to_string())),
    }
}

/// Why Docker is not installed at all, when nothing of it is here: no docker (or podman)
/// command, and no socket where the engine's would be. One cause: docker.cli fails with the
/// install step and docker.daemon points at it; starting a daemon that is not there is no
/// step. (A TCP endpoint may be a remote engine, which needs no local command.)
fn not_installed<'e>(ctx: &Context, engine: &'e docker::Engine) -> Option<&'e str> {
    let EngineState::Down {
        cause: DownCause::NotRunning,
        message,
    } = &engine.state
    else {
        return None;
    };
    let absent = engine.socket_missing()
        && engine.default_answers.is_none()
        && ctx.which("docker").is_none()
        && ctx.which("podman").is_none();
    absent.then_some(message.as_str())
}

fn uses_detail(files: &docker::ProjectFiles, ctx: &Context) -> String {
    let mut what: Vec<String> = files
        .dockerfiles
        .iter()
        .chain(&files.compose_files)
        .map(|p| ctx.settings.display_path(p))
        .collect();
    if let Some(img) = &ctx.settings.image {
        what.push(format!("image {img}"));
    }
    format!("the project uses Docker: {}", what.join(", "))
}

/// docker.daemon's verdict on an engine that answers: what it is, where, and how it runs.
fn engine_up(engine: &docker::Engine, info: &docker::api::ServerInfo, from: &str) -> CheckResult {
    let mut r = CheckResult::ok(format!("{} at {}", info.label(), engine.endpoint.host));
    r = r.detail(format!("endpoint from {from}"));
    if let Via::Cli(p) = &engine.via {
        r = r.detail(format!("reached through {}", p.display()));
    }
    let mut mode = Vec::new();
    if info.rootless {
        mode.push("rootless");
    }
    if info.userns {
        mode.push("user-namespace remapping");
    }
    if engine.facts_cached {
        r = r.detail(format!(
            "version and security options as the engine gave them less than {} s ago (devdoctor's cache folder)",
            docker::FACTS_TTL.as_secs()
        ));
    }
    if info.info_read {
        if mode.is_empty() {
            r = r.detail("rootful (SecurityOptions show neither rootless nor userns): root in a container is root on the host unless the image sets a user");
        } else {
            r = r.detail(format!("runs {}", mode.join(" with ")));
        }
    }
    if !info.os.is_empty() || !info.arch.is_empty() {
        r = r.detail(format!(
            "server {}/{} kernel {}",
            info.os, info.arch, info.kernel
        ));
    }
    r.data("server_version", info.version.clone())
        .data("api_version", info.api_version.clone())
        .data("podman", info.podman)
        .data("rootless", info.rootless)
        .data("userns", info.userns)
        .data("security_options", info.security_options.clone())
}

fn check_daemon(ctx: &Context) -> Outcome {
    let engine = docker::engine(ctx);
    let files = docker::project_files(ctx);
    let needed = files.uses_docker() || ctx.settings.image.is_some();
    let endpoint = &engine.endpoint;
    let from = endpoint.source.describe();
    let mut r = match &engine.state {
        EngineState::Up(info) => engine_up(&engine, info, &from),
        EngineState::Down { cause, message } => {
            let not_installed = not_installed(ctx, &engine).is_some();
            let summary = match cause {
                _ if not_installed => {
                    format!("Docker is not installed: no `docker` command, and {message} (see docker.cli)")
                }
                _ if engine.default_answers.is_some() => {
                    let (sock, label) = engine.default_answers.as_ref().expect("checked");
                    format!(
                        "{from} points at {}, where no engine answers ({message}), but {label} answers on the default socket {}",
                        show_host(&endpoint.host),
                        sock.display()
                    )
                }
                DownCause::NotRunning => format!("the Docker engine is not running: {message}"),
                DownCause::PermissionDenied => {
                    format!("permission denied on the Docker socket: {message}")
                }
                DownCause::NoEndpoint => format!("{from} points nowhere: {message}"),
            };
            // One cause, one failure: without Docker installed, docker.cli reports it.
            let r = if needed && not_installed {
                CheckResult::skip(summary)
            } else if needed {
                CheckResult::fail(summary)
            } else {
                CheckResult::skip(format!(
                    "{summary} (not needed: the project has no Dockerfile, compose file or image)"
                ))
            };
            let r = r
                .detail(format!(
                    "endpoint {} from {from}",
                    show_host(&endpoint.host)
                ))
                .data("cause", cause.as_str());
            let r = match cause {
                _ if not_installed => r,
                _ if engine.default_answers.is_some() => wrong_endpoint_help(&endpoint.source, r),
                DownCause::NotRunning => not_running_help(ctx, &engine, r),
                DownCause::PermissionDenied => permission_help(ctx, r),
                DownCause::NoEndpoint => endpoint_help(&endpoint.source, r),
            };
            if needed {
                r
            } else {
                // A skip carries no fix: nothing here needs the engine.
                CheckResult { fix: None, ..r }
            }
        }
        EngineState::Unknown(reason) if needed => CheckResult::unknown(reason.clone())
            .detail(format!(
                "endpoint {} from {from}",
                show_host(&endpoint.host)
            ))
            .data("cause", "unknown"),
        EngineState::Unknown(reason) => CheckResult::skip(format!(
            "{reason} (not needed: the project has no Dockerfile, compose file or image)"
        ))
        .data("cause", "unknown"),
    };
    for note in &engine.notes {
        r = r.detail(note.clone());
    }
    Ok(r.data("endpoint", endpoint.host.clone())
        .data("endpoint_source", from))
}

fn show_host(host: &str) -> &str {
    if host.is_empty() {
        "(none)"
    } else {
        host
    }
}

/// The explicit endpoint is wrong and the default socket works: point back at it, rather
/// than start an engine that already runs.
fn wrong_endpoint_help(source: &docker::endpoint::Source, r: CheckResult) -> CheckResult {
    use docker::endpoint::Source;
    let fix = match source {
        Source::DockerHost => Fix::new("Use the engine on the default socket: DOCKER_HOST points elsewhere.")
            .manual("unset DOCKER_HOST (and remove the line that sets it from your shell's startup file)"),
        Source::ContextVar(name) => Fix::new(format!("Use the engine on the default socket: DOCKER_CONTEXT selects `{name}`."))
            .manual("unset DOCKER_CONTEXT (and remove the line that sets it from your shell's startup file)"),
        _ => Fix::new("Switch to the default docker context, whose socket has a running engine.")
            .cmd(["docker", "context", "use", "default"]),
    };
    r.with_fix(fix.phase(Phase::Runtime))
}

fn not_running_help(ctx: &Context, engine: &docker::Engine, r: CheckResult) -> CheckResult {
    let endpoint = &engine.endpoint;
    let socket = match &endpoint.target {
        Ok(Target::Unix(p)) => Some(p.display().to_string()),
        _ => None,
    };
    let runtime_dir = ctx.var("XDG_RUNTIME_DIR").unwrap_or("/run/user/UID");
    let rootless_socket = socket.as_deref().is_some_and(|s| {
        s.starts_with("/run/user/") || ctx.var("XDG_RUNTIME_DIR").is_some_and(|d| s.starts_with(d))
    });
    let podman_socket = socket.as_deref().is_some_and(|s| s.contains("podman"));
    let mut fix = if podman_socket {
        Fix::new("Start Podman's Docker-compatible API service.").cmd([
            "systemctl",
            "--user",
            "enable",
            "--now",
            "podman.socket",
        ])
    } else if rootless_socket {
        Fix::new("Start the rootless Docker daemon of this user.")
            .cmd(["systemctl", "--user", "start", "docker"])
            .manual("if rootless Docker is not set up yet: dockerd-rootless-setuptool.sh install")
    } else {
        Fix::new("Start the Docker daemon.")
            .cmd(["sudo", "systemctl", "start", "docker"])
            .manual("without systemd: sudo service docker start (or run dockerd)")
            .manual(format!(
                "or use rootless Docker: dockerd-rootless-setuptool.sh install, then export DOCKER_HOST=unix://{runtime_dir}/docker.sock"
            ))
    };
    if endpoint.source.is_explicit() {
        fix = fix.manual(format!(
            "if the engine runs elsewhere, the endpoint is wrong: it comes from {}; unset DOCKER_HOST / run `docker context use default`, or point it at the running engine",
            endpoint.source.describe()
        ));
    }
    r.with_fix(fix.phase(Phase::Runtime))
}

fn permission_help(ctx: &Context, r: CheckResult) -> CheckResult {
    let user = ctx
        .var("USER")
        .or_else(|| ctx.var("LOGNAME"))
        .map(str::to_string);
    let mut fix = Fix::new(
        "Give this user access to the socket. Warning: the docker group is root-equivalent (its members can mount / into a container); rootless Docker avoids that.",
    );
    fix = match &user {
        Some(u) => fix.cmd(["sudo", "usermod", "-aG", "docker", u.as_str()]),
        None => fix.manual("sudo usermod -aG docker YOUR_USER"),
    };
    r.with_fix(
        fix.manual("then log out and in again (or run `newgrp docker`)")
            .manual("safer alternative: rootless Docker (dockerd-rootless-setuptool.sh install) or Podman")
            .phase(Phase::Configure),
    )
    .detail("the socket is usually srw-rw---- root:docker")
}

fn endpoint_help(source: &Source, r: CheckResult) -> CheckResult {
    let fix = match source {
        Source::DockerHost => Fix::new("DOCKER_HOST names no usable engine.")
            .manual("unset DOCKER_HOST (to use the default socket), or set it to a running engine such as unix:///var/run/docker.sock"),
        Source::ContextVar(name) => Fix::new(format!("DOCKER_CONTEXT names `{name}`, which leads to no engine."))
            .manual("unset DOCKER_CONTEXT, or create the context: docker context create NAME --docker host=unix:///var/run/docker.sock")
            // Listing the contexts changes nothing: a hint, not a command for `fix` to run.
            .manual("`docker context ls` lists the contexts there are"),
        Source::ConfigContext(name, _) => {
            Fix::new(format!("The current docker context `{name}` leads to no engine."))
                .cmd(["docker", "context", "use", "default"])
        }
        Source::Default => Fix::new("The default socket path is not a socket.")
            .manual("check what is at /var/run/docker.sock and restart the Docker daemon"),
    };
    r.with_fix(fix.phase(Phase::Configure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;
    use crate::core::{Settle, Status};
    use std::ffi::OsString;
    use std::path::Path;

    fn ctx(dir: &Path, vars: &[(&str, &str)]) -> Context {
        let settings = Settings {
            project_dir: dir.to_path_buf(),
            timeout: std::time::Duration::from_secs(2),
            ..Settings::default()
        };
        Context::with_vars(
            settings,
            vars.iter()
                .map(|(k, v)| (OsString::from(k), OsString::from(v)))
                .chain([(OsString::from("PATH"), OsString::from(dir.join("bin")))]),
        )
    }

    /// A folder outside the project with a `docker` command in it: the CLI is installed.
    fn docker_cli() -> tempfile::TempDir {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        let docker = bin.path().join("docker");
        std::fs::write(&docker, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
        bin
    }

    #[test]
    fn daemon_down_fails_with_the_cause_when_the_project_uses_docker() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let bin = docker_cli();
        let c = Context::with_vars(
            Settings {
                project_dir: dir.path().to_path_buf(),
                timeout: std::time::Duration::from_secs(2),
                ..Settings::default()
            },
            [
                ("DOCKER_HOST", "unix:///nonexistent/dd.sock"),
                (
                    "DEVDOCTOR_DOCKER_DEFAULT_SOCKET",
                    "/nonexistent/default.sock",
                ),
                ("USER", "ann"),
                ("PATH", bin.path().to_str().unwrap()),
            ]
            .map(|(k, v)| (OsString::from(k), OsString::from(v))),
        );
        let r = check_daemon(&c).settle();
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert!(r.summary.contains("not running"), "{}", r.summary);
        assert_eq!(r.data["cause"], "not_running");
        let fix = r.fix.unwrap();
        assert_eq!(fix.commands[0], ["sudo", "systemctl", "start", "docker"]);
        assert!(fix.manual.iter().any(|m| m.contains("DOCKER_HOST")));
    }

    /// No docker command and no socket: Docker is not installed, which docker.cli says with
    /// its fix; the daemon's failure points there instead of asking to start what is not there.
    #[test]
    fn no_docker_at_all_points_at_docker_cli() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let c = ctx(
            dir.path(),
            &[
                ("DOCKER_HOST", "unix:///nonexistent/dd.sock"),
                (
                    "DEVDOCTOR_DOCKER_DEFAULT_SOCKET",
                    "/nonexistent/default.sock",
                ),
            ],
        );
        let r = check_daemon(&c).settle();
        assert_eq!(r.status, Status::Skip, "{r:?}");
        assert!(
            r.summary.contains("Docker is not installed") && r.summary.contains("(see docker.cli)"),
            "{}",
            r.summary
        );
        assert!(r.fix.is_none(), "{:?}", r.fix);
    }

    #[test]
    fn daemon_down_is_a_skip_without_docker_files() {
        let dir = tempfile::tempdir().unwrap();
        let c = ctx(
            dir.path(),
            &[("DOCKER_HOST", "unix:///nonexistent/dd.sock")],
        );
        let r = check_daemon(&c).settle();
        assert_eq!(r.status, Status::Skip);
        assert!(r.fix.is_none());
    }

    #[test]
    fn missing_context_points_nowhere() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("compose.yaml"), "services: {}\n").unwrap();
        let c = ctx(
            dir.path(),
            &[
                ("DOCKER_CONTEXT", "ghost"),
                ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ],
        );
        let r = check_daemon(&c).settle();
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.data["cause"], "no_endpoint");
        assert!(r.summary.contains("DOCKER_CONTEXT=ghost"), "{}", r.summary);
    }

    #[test]
    fn permission_fix_names_the_user_and_warns_about_root_equivalence() {
        let r = permission_help(
            &ctx(Path::new("/tmp"), &[("USER", "ann")]),
            CheckResult::fail("x"),
        );
        let fix = r.fix.unwrap();
        assert_eq!(fix.commands[0], ["sudo", "usermod", "-aG", "docker", "ann"]);
        assert!(fix.why.contains("root-equivalent"));
        assert!(fix.manual.iter().any(|m| m.contains("rootless")));
    }

    #[test]
    fn cli_missing_warns_only_when_docker_is_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let c = ctx(dir.path(), &[]);
        assert_eq!(check_cli(&c).settle().status, Status::Skip);
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        // An engine socket is there (dead or not): Docker is installed, only the CLI is not.
        let sock = dir.path().join("docker.sock");
        std::fs::write(&sock, "").unwrap();
        let host = format!("unix://{}", sock.display());
        let c = ctx(dir.path(), &[("DOCKER_HOST", &host)]);
        let r = check_cli(&c).settle();
        assert_eq!(r.status, Status::Warn, "{r:?}");
        assert!(r.details[0].contains("Dockerfile"));
    }

    /// No docker command and no engine socket: docker.cli carries the one failure (with the
    /// install step), and docker.daemon's failure points at it, so the report folds the two.
    #[test]
    fn no_docker_at_all_fails_once_in_docker_cli() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let vars = [
            ("DOCKER_HOST", "unix:///nonexistent/dd.sock"),
            (
                "DEVDOCTOR_DOCKER_DEFAULT_SOCKET",
                "/nonexistent/default.sock",
            ),
        ];
        let c = ctx(dir.path(), &vars);
        let cli = check_cli(&c).settle();
        assert_eq!(cli.status, Status::Fail, "{cli:?}");
        assert!(
            cli.summary
                .starts_with("Docker is not installed: no `docker` command, and ")
                && cli.summary.contains("/nonexistent/dd.sock"),
            "{}",
            cli.summary
        );
        assert!(cli.fix.is_some());
        let daemon = check_daemon(&c).settle();
        assert!(daemon.summary.ends_with("(see docker.cli)"), "{daemon:?}");
        assert!(daemon.fix.is_none());
    }
}
