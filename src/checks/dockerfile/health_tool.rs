//! `dockerfile.healthcheck_tool`: the program a HEALTHCHECK runs must exist in the final
//! image. Judged from the image's layers when it is built, else statically: base images known
//! to lack curl/wget, and the RUN lines and environment file that would install it. Where the
//! image starts the project's MCP server, the route the HEALTHCHECK asks must be one the server
//! serves.

use super::rules::{Bases, Served};
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{Dockerfile, Instruction};

/// The program a healthcheck runs and whether it runs through `/bin/sh -c` (shell form), from
/// a HEALTHCHECK's arguments as written (`--interval=30s CMD curl …`).
fn program(args: &str) -> Option<(String, bool)> {
    let args = args.trim();
    let cmd_at = args.find("CMD")?;
    let rest = args[cmd_at + 3..].trim();
    if rest.starts_with('[') {
        let argv: Vec<String> = serde_json::from_str(rest).ok()?;
        return argv.first().map(|p| (p.clone(), false));
    }
    rest.split_whitespace()
        .next()
        .map(|p| (p.to_string(), true))
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// Base images known to ship neither curl nor wget (and, for scratch/distroless, no shell).
fn lacks(base: &str, program: &str) -> bool {
    let repo = base.split(['@', ':']).next().unwrap_or(base);
    let tag = base.split_once(':').map_or("", |(_, t)| t);
    let no_http_client = repo.ends_with("mambaorg/micromamba")
        || (repo.ends_with("python") && tag.contains("slim"))
        || (repo.ends_with("debian") && tag.contains("slim"))
        || repo.ends_with("ubuntu")
        || repo.starts_with("gcr.io/distroless/")
        || base == "scratch";
    let alpine = repo.ends_with("alpine") || tag.contains("alpine");
    let node = repo == "node" || repo.ends_with("/node");
    match program {
        // The full node image (buildpack-deps) has python3 for node-gyp; slim and alpine do
        // not, nor Alpine itself, busybox, scratch or a distroless image but the python one.
        "python" | "python3" => {
            (node && (tag.contains("slim") || tag.contains("alpine")))
                || repo == "alpine"
                || repo.ends_with("/alpine")
                || repo == "busybox"
                || base == "scratch"
                || (repo.starts_with("gcr.io/distroless/") && !repo.contains("python"))
        }
        "curl" => no_http_client || alpine,
        // Alpine's busybox has a wget applet.
        "wget" => no_http_client,
        "sh" => base == "scratch" || repo.starts_with("gcr.io/distroless/"),
        _ => false,
    }
}

/// Whether the final stage builds on mambaorg/micromamba without putting an environment on
/// PATH itself (`ENV PATH=/opt/conda/bin:$PATH`). That image activates its environment in its
/// entrypoint only; a HEALTHCHECK, like `docker exec`, does not run the entrypoint, so a bare
/// `python` is not found there.
fn micromamba_without_path(df: &Dockerfile, stage: usize) -> bool {
    let lineage = df.lineage(stage);
    let base = lineage.last().map_or("", |s| s.base.as_str());
    let repo = base.split(['@', ':']).next().unwrap_or(base);
    repo.ends_with("mambaorg/micromamba")
        && !lineage.iter().any(|s| {
            s.body(df).iter().any(|i| {
                i.keyword == "ENV"
                    && crate::probes::dockerfile::key_values("ENV", &i.args, df.escape)
                        .iter()
                        .any(|(k, _)| k == "PATH")
            })
        })
}

/// The Python a healthcheck of `df`'s image runs: `python`, or where the final stage builds on
/// mambaorg/micromamba and sets no PATH, the environment's by its full path
/// (`/opt/conda/bin/python`; `/opt/conda/envs/NAME/bin/python` for an environment the image
/// creates by name).
///
/// On the official node image (a Node front end beside the Python app, CDCgov/Mira's
/// `node:22.11-slim` stage) it is `node`: the slim and alpine variants ship no Python, and the
/// suggested checks are written for Node there (see [`crate::checks::dockerfile::http_healthcheck`]).
pub(crate) fn image_python(df: Option<&Dockerfile>) -> String {
    let Some((df, fin)) = df.and_then(|df| Some((df, df.final_stage()?.index))) else {
        return "python".into();
    };
    let base = df.lineage(fin).last().and_then(|s| s.image());
    if base.is_some_and(|b| b.repository == "node" || b.repository.ends_with("/node")) {
        return "node".into();
    }
    if !micromamba_without_path(df, fin) {
        return "python".into();
    }
    let named = df.lineage(fin).iter().find_map(|s| {
        s.body(df)
            .iter()
            .filter(|i| i.keyword == "RUN")
            .find_map(|i| {
                let words: Vec<&str> = i.args.split_whitespace().collect();
                let env = words
                    .windows(2)
                    .find_map(|w| (["-n", "--name"].contains(&w[0])).then_some(w[1]))?;
                let ok = words.contains(&"micromamba")
                    && (words.contains(&"create") || words.contains(&"install"))
                    && env != "base"
                    && crate::policy::names::valid_env_name(env);
                ok.then(|| env.to_string())
            })
    });
    match named {
        Some(env) => format!("/opt/conda/envs/{env}/bin/python"),
        None => "/opt/conda/bin/python".into(),
    }
}

/// A RUN of the final stage's lineage that installs `program` (apt/apk/dnf/micromamba/conda/
/// mamba), or a COPY that brings it in.
fn installed_by_run(df: &Dockerfile, stage: usize, program: &str) -> Option<usize> {
    df.lineage(stage).iter().find_map(|s| {
        s.body(df).iter().find_map(|i| {
            let words: Vec<&str> = i.args.split_whitespace().collect();
            let installs = i.keyword == "RUN"
                && words
                    .iter()
                    .any(|w| matches!(*w, "install" | "add" | "create"))
                && words
                    .iter()
                    .any(|w| base_name(w.trim_matches(['"', '\''])) == program);
            let copies = matches!(i.keyword.as_str(), "COPY" | "ADD")
                && words.iter().any(|w| base_name(w) == program);
            (installs || copies).then_some(i.line)
        })
    })
}

/// Whether a stage installs an environment file (`micromamba install -f …`): the final
/// stage's lineage, or a builder whose prefix the final stage copies (`COPY --from=builder
/// /opt/conda /opt/conda`).
fn installs_env_file(df: &Dockerfile, stage: usize) -> bool {
    let copies_from_stage = df.lineage(stage).iter().any(|s| {
        s.body(df)
            .iter()
            .any(|i| i.keyword == "COPY" && i.flags.iter().any(|f| f.name == "from"))
    });
    let stages: Vec<&crate::probes::dockerfile::Stage> = if copies_from_stage {
        df.stages.iter().collect()
    } else {
        df.lineage(stage)
    };
    stages.iter().any(|s| {
        s.body(df).iter().any(|i| {
            i.keyword == "RUN"
                && ["micromamba", "mamba", "conda"]
                    .iter()
                    .any(|t| i.args.contains(t))
                && (i.args.contains(" -f ") || i.args.contains(" --file"))
        })
    })
}

/// The path and port of the URL a HEALTHCHECK asks, where an HTTP error fails it: curl with
/// `-f`/`--fail`, wget, or Python's `urlopen` (curl without `-f` passes on a 404). `args` are
/// the HEALTHCHECK's arguments as written (`--interval=30s CMD curl …`); a compose test is
/// given in that form too.
pub(crate) fn asked_route(args: &str) -> Option<(String, Option<u16>)> {
    let (prog, _) = program(args)?;
    let name = base_name(&prog);
    let fails = match name {
        "curl" => args
            .split(|c: char| c.is_whitespace() || c == '"' || c == ',')
            .any(curl_fail_flag),
        "wget" => true,
        _ => name.starts_with("python") && args.contains("urlopen"),
    };
    let start = args.find("http://").or_else(|| args.find("https://"))?;
    let end = args[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ')' | ']' | ','))
        .map_or(args.len(), |n| start + n);
    let url = url::Url::parse(&args[start..end]).ok()?;
    fails.then(|| (url.path().to_string(), url.port_or_known_default()))
}

/// How a healthcheck passes when the app is broken: whatever the app does (`|| exit 0`,
/// `true`, a Python that only exits), or on any HTTP answer (curl without `-f`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Lenient {
    /// It passes whatever the app does; else only an HTTP error gets past it.
    pub whatever: bool,
    /// Why, in words: "it ends in `|| exit 0`".
    pub why: String,
}

impl Lenient {
    /// `who` (the HEALTHCHECK, a service's healthcheck) in a sentence.
    pub(crate) fn message(&self, who: &str) -> String {
        let when = if self.whatever {
            "whatever the app does"
        } else {
            "when the app answers an error (500, 404)"
        };
        format!(
            "{who} passes {when}: {}, so Docker reports a broken app as healthy",
            self.why
        )
    }
}

/// Whether a healthcheck (`args` as written: `--interval=30s CMD …`, or a compose test in
/// that form) passes when the app is broken. Docker takes exit 0 for healthy, so a check
/// that ends in `|| exit 0` or `|| true`, runs only `true`, or a Python that only exits,
/// always passes; curl without `-f` exits 0 on a 500 (only a refused connection fails it),
/// unless its output goes on to a pipe that judges it.
pub(crate) fn lenient(args: &str) -> Option<Lenient> {
    let rest = args.trim();
    let rest = rest[rest.find("CMD")? + 3..].trim();
    let script = if rest.starts_with('[') {
        let argv: Vec<String> = serde_json::from_str(rest).ok()?;
        let shell = argv
            .first()
            .is_some_and(|p| matches!(base_name(p), "sh" | "bash" | "dash" | "ash"))
            && argv
                .get(1)
                .is_some_and(|f| f.starts_with('-') && f.contains('c'));
        if shell {
            argv.get(2)?.clone()
        } else {
            shlex::try_join(argv.iter().map(String::as_str)).ok()?
        }
    } else {
        rest.to_string()
    };
    lenient_script(&script)
}

/// [`lenient`] of the shell text a healthcheck runs.
fn lenient_script(script: &str) -> Option<Lenient> {
    let always = |why: String| {
        Some(Lenient {
            whatever: true,
            why,
        })
    };
    let text = script.trim().trim_end_matches(';').trim();
    let passes = |t: &str| {
        let t = t.trim().trim_matches(['"', '\'']);
        // A bare `exit` keeps the status of the check before it: not here.
        matches!(t, "true" | ":" | "/bin/true" | "exit 0")
    };
    if passes(text) {
        return always(format!("it runs only `{}`", text.trim_matches(['"', '\''])));
    }
    for sep in ["||", ";"] {
        if let Some((_, last)) = text.rsplit_once(sep) {
            if passes(last) {
                let last = last.trim().trim_matches(['"', '\'']);
                return always(format!(
                    "it ends in `{sep} {last}`, which passes when the check before it fails"
                ));
            }
        }
    }
    let pipelines = super::shell::pipelines(text);
    let judged = |p: &Vec<Vec<String>>| !p.iter().all(|c| c.first().is_some_and(|w| w == "exit"));
    let mut checks = pipelines.iter().filter(|p| judged(p));
    let (Some(only), None) = (checks.next(), checks.next()) else {
        return None;
    };
    let [words] = only.as_slice() else {
        return None;
    };
    let program = base_name(words.first()?);
    if program.starts_with("python") && only_exits(words) {
        return always("its Python only exits".into());
    }
    let fails_on_error = words.iter().skip(1).any(|w| curl_fail_flag(w));
    (program == "curl" && !fails_on_error).then(|| Lenient {
        whatever: false,
        why: "curl without `-f` exits 0 on any HTTP answer".into(),
    })
}

/// `python -c "import sys; sys.exit(0)"`: a script that does nothing but exit 0.
fn only_exits(words: &[String]) -> bool {
    let Some(code) = words
        .iter()
        .position(|w| w == "-c")
        .and_then(|i| words.get(i + 1))
    else {
        return false;
    };
    code.split([';', '\n']).map(str::trim).all(|s| {
        matches!(
            s,
            "" | "pass"
                | "import sys"
                | "sys.exit(0)"
                | "sys.exit()"
                | "exit(0)"
                | "exit()"
                | "quit()"
        )
    })
}

/// A curl option that makes an HTTP error fail it: `--fail`, `--fail-with-body`, or `f` in a
/// group of short options (`-fsS`).
fn curl_fail_flag(w: &str) -> bool {
    w == "--fail"
        || w == "--fail-with-body"
        || (w.starts_with('-') && !w.starts_with("--") && w.contains('f'))
}

/// What a healthcheck's program and route come to in the final image of a Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It asks a route the project's MCP server does not serve: a 404 forever.
    Unserved { path: String },
    /// The shell form, on a base with no /bin/sh.
    NoShell { base: String, program: String },
    /// The built image's layers have the program, or do not.
    InImage { program: String, has: bool },
    /// A RUN or COPY at `line` installs it.
    Installed { program: String, line: usize },
    /// The environment file the image installs lists it.
    FromEnv { program: String },
    /// The base does not ship it and nothing installs it.
    NotShipped { program: String, base: String },
    /// A bare `python` on mambaorg/micromamba, whose environment is on PATH only through the
    /// entrypoint a healthcheck does not run; `full` is its full path.
    NotOnPath { program: String, full: String },
    /// It asks a port of an image that starts the project's stdio MCP server, which listens
    /// on none.
    StdioServer,
}

impl Verdict {
    pub(crate) fn status(&self) -> Status {
        match self {
            Verdict::InImage { has: true, .. }
            | Verdict::Installed { .. }
            | Verdict::FromEnv { .. } => Status::Ok,
            _ => Status::Fail,
        }
    }

    /// The verdict in words, about the Dockerfile's HEALTHCHECK or a compose service's.
    pub(crate) fn message(&self, of: Of) -> String {
        let service;
        let (what, who, never, at) = match of {
            Of::Dockerfile => (
                "HEALTHCHECK",
                "the HEALTHCHECK",
                "the container never becomes healthy",
                "",
            ),
            Of::Service(name) => {
                service = format!("service `{name}`'s healthcheck");
                (
                    service.as_str(),
                    service.as_str(),
                    "the service never becomes healthy",
                    " of the Dockerfile it builds",
                )
            }
        };
        match self {
            Verdict::Unserved { path } => format!("{what} asks `{path}`, which the MCP server the image starts does not serve (its code declares no health route, and the SDKs serve none): it answers 404, and {never}"),
            Verdict::NoShell { base, program } => format!("{what} uses the shell form, but {base} has no /bin/sh: the check can never run; use the exec form `CMD [\"{program}\", …]`"),
            Verdict::InImage { program, has: true } => format!("the built image has `{program}`, which {who} runs"),
            Verdict::InImage { program, has: false } => format!("{what} runs `{program}`, which the built image does not have: {never}"),
            Verdict::Installed { program, line } => format!("`{program}` is installed at line {line}{at} for {who}"),
            Verdict::FromEnv { program } => format!("`{program}` comes from the environment file the image installs"),
            Verdict::NotShipped { program, base } => format!("{what} runs `{program}`, which {base} does not ship and nothing here installs: {never}"),
            Verdict::StdioServer => format!("{what} asks a port, but the image starts the project's MCP server over stdio, which listens on none: {never} (its client starts the image with `docker run -i`, and a stdio image needs no HEALTHCHECK)"),
            Verdict::NotOnPath { program, full } => format!("{what} runs `{program}`, but mambaorg/micromamba puts its environment on PATH only in its entrypoint, which a healthcheck does not run: `{program}` is not found and {never}; run `{full}`"),
        }
    }
}

/// Whose healthcheck a [`Verdict`] is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Of<'a> {
    /// The Dockerfile's own HEALTHCHECK.
    Dockerfile,
    /// The `healthcheck:` of the compose service so named.
    Service(&'a str),
}

/// The path a healthcheck (`args` as in [`asked_route`]) asks of a server that serves
/// `served`, where the server is sure to answer it with a 404.
fn unserved(served: &Served, args: &str) -> Option<String> {
    let (path, _) = asked_route(args)?;
    let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    // A server with a health route may declare more than the one read, and a GET of the MCP
    // endpoint is not judged: only a server with no route of its own is sure to answer 404.
    (!served.declares_health && !same(&path, &served.endpoint)).then_some(path)
}

/// The HEALTHCHECK the final stage runs (its own, or one it inherits from a stage it builds on).
pub(super) fn final_healthcheck(df: &Dockerfile) -> Option<&Instruction> {
    let fin = df.final_stage()?;
    df.lineage(fin.index)
        .iter()
        .find_map(|s| s.body(df).iter().rev().find(|i| i.keyword == "HEALTHCHECK"))
}

/// Whether the final stage has a HEALTHCHECK for [`healthcheck_tool`] to judge.
pub(super) fn declares_healthcheck(df: &Dockerfile) -> bool {
    final_healthcheck(df).is_some()
}

pub(super) fn healthcheck_tool(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let Some(hc) = final_healthcheck(df) else {
        return Vec::new();
    };
    verdicts(df, &hc.args, bases)
        .iter()
        .map(|v| finding(hc.line, v.status(), v.message(Of::Dockerfile)))
        .collect()
}

/// What a compose healthcheck with `args` comes to in an image the project does not build
/// (`image: python:3.12-slim`), judged from the image's name alone: only what that name is
/// known to lack (a shell, curl or wget) is said.
pub(crate) fn verdicts_for_image(image: &str, args: &str) -> Vec<Verdict> {
    let Some((prog, shell_form)) = program(args) else {
        return Vec::new();
    };
    let name = base_name(&prog).to_string();
    let mut out = Vec::new();
    if shell_form && lacks(image, "sh") {
        out.push(Verdict::NoShell {
            base: image.to_string(),
            program: prog.clone(),
        });
    }
    if lacks(image, &name) {
        out.push(Verdict::NotShipped {
            program: name,
            base: image.to_string(),
        });
    }
    out
}

/// What a healthcheck with `args` (a HEALTHCHECK's arguments as written, or a compose test in
/// that form) comes to in the final image of `df`: the route it asks, then its program.
pub(crate) fn verdicts(df: &Dockerfile, args: &str, bases: &dyn Bases) -> Vec<Verdict> {
    let (Some(fin), Some((prog, shell_form))) = (df.final_stage(), program(args)) else {
        return Vec::new();
    };
    // A stdio server listens on nothing a check could reach (manasp21/PsiAnimator-MCP's
    // MCP-Test-Run: `curl -f http://localhost:8000/…` of an image whose CMD runs `mcp.run()`).
    let asks_network = ["://", "create_connection", "socket", "nc ", "netcat"]
        .iter()
        .any(|w| args.contains(w));
    if asks_network && bases.starts_stdio_server(&df.path) {
        return vec![Verdict::StdioServer];
    }
    let lineage = df.lineage(fin.index);
    let base = lineage.last().map(|s| s.base.clone()).unwrap_or_default();
    let name = base_name(&prog).to_string();
    let mut out: Vec<Verdict> = bases
        .served_routes(df)
        .and_then(|served| unserved(&served, args))
        .map(|path| Verdict::Unserved { path })
        .into_iter()
        .collect();
    if shell_form && lacks(&base, "sh") {
        out.push(Verdict::NoShell {
            base: base.clone(),
            program: prog.clone(),
        });
    }
    // The built image's layers have it, but not on the PATH a healthcheck runs with.
    if matches!(prog.as_str(), "python" | "python3") && micromamba_without_path(df, fin.index) {
        let full = image_python(Some(df));
        out.push(Verdict::NotOnPath {
            program: prog,
            full,
        });
        return out;
    }
    if let Some(has) = bases.image_has(&prog) {
        out.push(Verdict::InImage { program: prog, has });
        return out;
    }
    if !lacks(&base, &name) {
        return out;
    }
    out.push(if let Some(line) = installed_by_run(df, fin.index, &name) {
        Verdict::Installed {
            program: name,
            line,
        }
    } else if installs_env_file(df, fin.index) && bases.env_has(&name) == Some(true) {
        Verdict::FromEnv { program: name }
    } else {
        Verdict::NotShipped {
            program: name,
            base,
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::dockerfile::rules::BaseImage;

    struct Facts {
        image: Option<bool>,
        env: Option<bool>,
    }
    impl Bases for Facts {
        fn local(&self, _: &str) -> Option<BaseImage> {
            None
        }
        fn image_has(&self, _: &str) -> Option<bool> {
            self.image
        }
        fn env_has(&self, _: &str) -> Option<bool> {
            self.env
        }
    }

    /// The image of an MCP server whose code declares `health` (or none).
    struct Server(Option<&'static str>);
    impl Bases for Server {
        fn local(&self, _: &str) -> Option<BaseImage> {
            None
        }
        fn image_has(&self, _: &str) -> Option<bool> {
            Some(true)
        }
        fn served_routes(&self, _: &Dockerfile) -> Option<Served> {
            Some(Served {
                declares_health: self.0.is_some(),
                endpoint: "/mcp".into(),
            })
        }
    }

    /// A HEALTHCHECK that fails on an HTTP error and asks a route of an MCP server that
    /// declares none fails (matsunagalab/mcp-md: `curl -f …/health` of a FastMCP server whose
    /// "health check" is a tool); one of a server with a health route, one that asks the
    /// endpoint, and one that passes on any answer (curl without -f) do not.
    #[test]
    fn a_route_the_server_does_not_serve_fails() {
        let route = |hc: &str, health: Option<&'static str>| -> Vec<Status> {
            let text = format!(
                "FROM mambaorg/micromamba:2.0.5\nENV PATH=/opt/conda/bin:$PATH\nHEALTHCHECK {hc}\n"
            );
            let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), &text);
            healthcheck_tool(&df, &Server(health))
                .into_iter()
                .map(|f| f.status)
                .collect()
        };
        let curl_f = "CMD curl -f http://localhost:8000/health || exit 1";
        assert_eq!(route(curl_f, None), [Status::Fail, Status::Ok]);
        assert_eq!(route(curl_f, Some("/health")), [Status::Ok]);
        // Another route than the one read may be declared too: not judged.
        assert_eq!(route(curl_f, Some("/healthz")), [Status::Ok]);
        assert_eq!(
            route("CMD curl -fsS http://127.0.0.1:8000/mcp/", None),
            [Status::Ok]
        );
        assert_eq!(
            route("CMD curl http://localhost:8000/health", None),
            [Status::Ok]
        );
        assert_eq!(
            route("CMD wget -qO- http://localhost:8000/health", None),
            [Status::Fail, Status::Ok]
        );
        let python = r#"CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]"#;
        assert_eq!(route(python, None), [Status::Fail, Status::Ok]);
        let socket = r#"CMD ["python", "-c", "import socket; socket.create_connection(('127.0.0.1', 8000), 3)"]"#;
        assert_eq!(route(socket, None), [Status::Ok]);
    }

    fn judge(text: &str, image: Option<bool>, env: Option<bool>) -> Vec<(usize, Status)> {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        healthcheck_tool(&df, &Facts { image, env })
            .into_iter()
            .map(|f| (f.line, f.status))
            .collect()
    }

    const MM: &str = "FROM mambaorg/micromamba:2.0.5\nCOPY environment.yml /tmp/env.yml\nRUN micromamba install -y -n base -f /tmp/env.yml\n";

    #[test]
    fn curl_on_micromamba_is_missing_unless_installed() {
        let hc = "HEALTHCHECK --interval=30s CMD curl -f http://localhost:8000/health || exit 1\n";
        assert_eq!(judge(&format!("{MM}{hc}"), None, None), [(4, Status::Fail)]);
        assert_eq!(
            judge(&format!("{MM}{hc}"), None, Some(true)),
            [(4, Status::Ok)]
        );
        let apt = "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\n";
        assert_eq!(judge(&format!("{apt}{hc}"), None, None), [(3, Status::Ok)]);
        // The built image decides when there is one.
        assert_eq!(
            judge(&format!("{MM}{hc}"), Some(true), None),
            [(4, Status::Ok)]
        );
        assert_eq!(
            judge(&format!("FROM python:3.12\n{hc}"), Some(false), None),
            [(2, Status::Fail)]
        );
        // A base that ships curl, or one we know nothing of: no finding.
        assert!(judge(&format!("FROM python:3.12\n{hc}"), None, None).is_empty());
        assert!(judge(&format!("FROM corp/base:1\n{hc}"), None, None).is_empty());
        // A bare python on mambaorg/micromamba is not on the PATH a healthcheck runs with
        // (the image activates its environment in the entrypoint only), even where the built
        // image has it; by its full path, or with the Dockerfile's own PATH, it is not judged.
        let py = "HEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request\"]\n";
        assert_eq!(
            judge(&format!("{MM}{py}"), Some(true), None),
            [(4, Status::Fail)]
        );
        let text = format!("{MM}{py}");
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), &text);
        assert!(healthcheck_tool(
            &df,
            &Facts {
                image: None,
                env: None
            }
        )[0]
        .message
        .ends_with("run `/opt/conda/bin/python`"));
        let full = py.replace("[\"python\"", "[\"/opt/conda/bin/python\"");
        assert!(judge(&format!("{MM}{full}"), None, None).is_empty());
        let path = "ENV PATH=/opt/conda/bin:$PATH\n";
        assert!(judge(&format!("{MM}{path}{py}"), None, None).is_empty());
        assert!(judge(&format!("FROM python:3.12-slim\n{py}"), None, None).is_empty());
        // node:*-slim ships no Python (CDCgov/Mira's front end): `python` fails there, the
        // full node image has python3, and the suggestion is written for Node.
        let node = "FROM node:22.11-slim\nUSER node\nEXPOSE 3000\n";
        assert_eq!(
            judge(&format!("{node}{py}"), None, None),
            [(4, Status::Fail)]
        );
        assert!(judge(&format!("FROM node:22.11\n{py}"), None, None).is_empty());
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), node);
        assert_eq!(image_python(Some(&df)), "node");
        let hc = crate::checks::dockerfile::http_healthcheck("node", "http://127.0.0.1:3000/");
        assert!(
            hc.contains("CMD [\"node\", \"-e\", \"require('http').get("),
            "{hc}"
        );
        assert!(!hc.contains("urllib"), "{hc}");
        // The suggestion runs the environment's Python by its full path there.
        let named =
            "FROM mambaorg/micromamba:2.0.5\nRUN micromamba create -y -n app -f /tmp/env.yml\n";
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), named);
        assert_eq!(image_python(Some(&df)), "/opt/conda/envs/app/bin/python");
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), MM);
        assert_eq!(image_python(Some(&df)), "/opt/conda/bin/python");
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            "FROM python:3.12\n",
        );
        assert_eq!(image_python(Some(&df)), "python");
        // wget is in alpine's busybox; the shell form on scratch cannot run at all.
        assert!(judge(
            "FROM alpine:3.20\nHEALTHCHECK CMD wget -q -O- http://x/\n",
            None,
            None
        )
        .is_empty());
        assert_eq!(
            judge(
                "FROM scratch\nCOPY app /app\nHEALTHCHECK CMD /app --ping\n",
                None,
                None
            ),
            [(3, Status::Fail)]
        );
    }

    /// The image of a stdio MCP server listens on no port: a HEALTHCHECK that asks one fails
    /// (MCP-Test-Run's `curl -f http://localhost:8000/…` of `mcp.run()`); one that asks
    /// nothing of the network is judged as any other.
    #[test]
    fn a_port_asked_of_a_stdio_server_image_fails() {
        struct Stdio;
        impl Bases for Stdio {
            fn local(&self, _: &str) -> Option<BaseImage> {
                None
            }
            fn image_has(&self, _: &str) -> Option<bool> {
                Some(true)
            }
            fn starts_stdio_server(&self, _: &std::path::Path) -> bool {
                true
            }
        }
        let judge = |hc: &str| {
            let text = format!("FROM python:3.12-slim\nEXPOSE 8000\nHEALTHCHECK {hc}\nCMD [\"python\", \"server.py\"]\n");
            let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), &text);
            verdicts(&df, hc, &Stdio)
        };
        assert_eq!(
            judge("CMD curl -f http://localhost:8000/health || exit 1"),
            [Verdict::StdioServer]
        );
        assert_eq!(
            judge("CMD [\"python\", \"-c\", \"import socket; socket.create_connection(('127.0.0.1', 8000))\"]"),
            [Verdict::StdioServer]
        );
        assert_eq!(
            judge("CMD [\"python\", \"-c\", \"import server\"]"),
            [Verdict::InImage {
                program: "python".into(),
                has: true
            }]
        );
    }

    /// A healthcheck that passes whatever the app does, or on an HTTP error, is told apart
    /// from one that fails when it should: Docker takes exit 0 for healthy.
    #[test]
    fn a_healthcheck_that_passes_on_a_broken_app_is_lenient() {
        let whatever = |hc: &str| lenient(hc).map(|l| l.whatever);
        for always in [
            "CMD curl -f http://localhost:8000/health || exit 0",
            "--interval=30s CMD curl -fsS http://localhost:8000/ || true",
            "CMD [\"sh\", \"-c\", \"wget -qO- http://localhost/ || :\"]",
            "CMD python -c \"import sys; sys.exit(0)\"",
            "CMD [\"true\"]",
            "CMD exit 0",
            "CMD pg_isready; exit 0",
        ] {
            assert_eq!(whatever(always), Some(true), "{always}");
        }
        for on_error in [
            "CMD curl http://localhost:8000/health || exit 1",
            "CMD [\"curl\", \"http://localhost:8000/health\"]",
            "CMD curl -s -o /dev/null -w '%{http_code}' http://localhost:8000/",
        ] {
            assert_eq!(whatever(on_error), Some(false), "{on_error}");
        }
        for strict in [
            "CMD curl -f http://localhost:8000/health || exit 1",
            "CMD curl --fail http://localhost:8000/health",
            "CMD curl -s http://localhost:8000/health | grep -q ok",
            "CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\"]",
            "CMD python -c \"import sys, socket; socket.create_connection(('127.0.0.1', 8000)); sys.exit(0)\"",
            "CMD wget -qO- http://localhost:8000/health || exit 1",
            "CMD wget -qO- http://localhost:8000/health || exit",
            "CMD celery -A app inspect ping && curl http://localhost:5555/",
            "NONE",
        ] {
            assert_eq!(lenient(strict), None, "{strict}");
        }
    }
}
