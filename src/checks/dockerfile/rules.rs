//! The Dockerfile rules as pure functions over a parsed file: each returns findings
//! (line, status, message). Messages never contain ENV/ARG/LABEL values.

use super::secret_names::{is_literal_value, is_secret_file, is_secret_name};
use super::shell;
use crate::core::Status;
use crate::probes::dockerfile::{
    key_values, words, Dockerfile, IgnoreFile, ImageRef, Instruction, Stage,
};
use crate::probes::env::CopiedEnvFile;
use std::collections::HashMap;

use crate::checks::{finding, Finding};

/// What the engine knows about a local base image.
#[derive(Debug, Clone, Default)]
pub(crate) struct BaseImage {
    pub user: String,
    pub has_healthcheck: bool,
}

/// The HTTP routes of the project's MCP server that an image starts: whether its code declares
/// a health route (the SDKs serve none of their own), and its MCP endpoint's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Served {
    pub declares_health: bool,
    pub endpoint: String,
}

/// Looks up local images (the engine in a real run; nothing in unit tests).
pub(crate) trait Bases {
    fn local(&self, image: &str) -> Option<BaseImage>;
    /// Whether the project's built image has `program` (an absolute path, or a name found
    /// in a bin folder); `None` when there is no built image to look in.
    fn image_has(&self, _program: &str) -> Option<bool> {
        None
    }
    /// Whether the project's environment file lists `package`; `None` without one.
    fn env_has(&self, _package: &str) -> Option<bool> {
        None
    }
    /// The environment file `source` (a COPY source of `df`, relative to its build context);
    /// `None` when it cannot be read.
    fn env_file(&self, _df: &Dockerfile, _source: &str) -> Option<CopiedEnvFile> {
        None
    }
    /// The ignore file Docker applies when it builds `df`; `None` when there is none.
    fn ignore_file(&self, _df: &Dockerfile) -> std::sync::Arc<Option<IgnoreFile>> {
        std::sync::Arc::new(None)
    }
    /// The routes the MCP server that the image built from `df` starts serves over HTTP;
    /// `None` where the image starts no MCP server of the project's over HTTP.
    fn served_routes(&self, _df: &Dockerfile) -> Option<Served> {
        None
    }
    /// Whether the project is an MCP server that speaks stdio only: its image is started by a
    /// client (`docker run -i`) and serves no port.
    fn stdio_server(&self) -> bool {
        false
    }
    /// Whether the image built from `dockerfile` starts that stdio server itself (its CMD runs
    /// the server's script): a port it EXPOSEs is served by nothing.
    fn starts_stdio_server(&self, _dockerfile: &std::path::Path) -> bool {
        false
    }
    /// Whether something besides its own EXPOSE says the image built from `dockerfile` runs
    /// as a long-lived service: a compose service builds it (a worker without ports can hang
    /// too), or the project serves MCP over HTTP. `true` when not known, so that only a sure
    /// "no" spares a HEALTHCHECK.
    fn runs_as_a_service(&self, _dockerfile: &std::path::Path) -> bool {
        true
    }
    /// Whether the project's Python script the image starts (its path in the image) serves
    /// anything; `None` when it is not known (see `probes::pyscript::script_serves`).
    fn script_serves(&self, _started: &str) -> Option<bool> {
        None
    }
}

/// Words of a CMD or ENTRYPOINT that start a server: its HEALTHCHECK has something to probe.
const SERVER_WORDS: &[&str] = &[
    "serve",
    "--port",
    "-p",
    "uvicorn",
    "gunicorn",
    "hypercorn",
    "daphne",
    "waitress",
    "granian",
    "streamlit",
    "jupyter",
    "voila",
    "panel",
    "flask",
    "runserver",
    "http.server",
    "nginx",
    "httpd",
    "caddy",
    "mlflow",
    "dash",
    "fastapi",
    "manage.py",
];

/// Words that may start a server or may not (`python main.py` is how the policy's own example
/// starts its server; a worker's loop is started the same way): where the command starts the
/// project's Python scripts, their text decides.
const MAYBE_SERVER_WORDS: &[&str] = &["app.py", "api", "web", "main.py", "main"];

/// Whether the final stage's CMD and ENTRYPOINT name nothing that starts a server.
fn command_starts_no_server(df: &Dockerfile, lineage: &[&Stage], bases: &dyn Bases) -> bool {
    let text: String = lineage
        .iter()
        .flat_map(|s| s.body(df))
        .filter(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT"))
        .map(|i| i.args.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || "-._".contains(c)))
        .collect();
    if words
        .iter()
        .any(|w| SERVER_WORDS.contains(w) || w.contains("serve"))
    {
        return false;
    }
    if !words.iter().any(|w| MAYBE_SERVER_WORDS.contains(w)) {
        return true;
    }
    // Only words that may start a server: the project's scripts the command starts decide,
    // where each is found and none serves (a worker's `python3 worker/main.py` loop).
    let scripts: Vec<String> = df
        .start_words()
        .into_iter()
        .filter(|w| w.ends_with(".py"))
        .collect();
    !scripts.is_empty()
        && scripts
            .iter()
            .all(|s| bases.script_serves(s) == Some(false))
}

#[cfg(test)]
pub(super) struct NoBases;
#[cfg(test)]
impl Bases for NoBases {
    fn local(&self, _image: &str) -> Option<BaseImage> {
        None
    }
}

/// Whether a user spec (`name[:group]`, uid) is root.
pub(super) fn is_root_user(spec: &str) -> bool {
    let user = spec.split(':').next().unwrap_or("").trim();
    user == "root" || (!user.is_empty() && user.chars().all(|c| c == '0'))
}

/// The images of the Jupyter Docker Stacks.
const JUPYTER_STACKS: &[&str] = &[
    "docker-stacks-foundation",
    "base-notebook",
    "minimal-notebook",
    "scipy-notebook",
    "r-notebook",
    "julia-notebook",
    "tensorflow-notebook",
    "pytorch-notebook",
    "datascience-notebook",
    "pyspark-notebook",
    "all-spark-notebook",
];

/// One of the Jupyter Docker Stacks, on Docker Hub or on quay.io (where they have been
/// published since 2023).
pub(crate) fn jupyter_stack(image: &ImageRef) -> bool {
    image
        .repository
        .strip_prefix("jupyter/")
        .is_some_and(|name| JUPYTER_STACKS.contains(&name))
        && matches!(image.registry.as_deref(), None | Some("quay.io"))
}

/// A base image known to declare a HEALTHCHECK without being pulled: the Jupyter Docker
/// Stacks from base-notebook on (`/etc/jupyter/docker_healthcheck.py`, which asks the
/// server's own API); their foundation image serves nothing and has none.
pub(crate) fn known_healthcheck_base(image: &ImageRef) -> bool {
    jupyter_stack(image) && image.repository != "jupyter/docker-stacks-foundation"
}

/// A base image whose default user is not root, and that user.
pub(crate) fn known_non_root_base(image: &ImageRef) -> Option<&'static str> {
    if image.repository == "mambaorg/micromamba" {
        return Some("mambauser");
    }
    // The Jupyter Docker Stacks end with `USER ${NB_UID}` (jovyan, 1000).
    if jupyter_stack(image) {
        return Some("jovyan (uid 1000)");
    }
    // Monitoring images whose Dockerfiles end with a USER of their own.
    match image.repository.as_str() {
        "prom/prometheus" | "prom/alertmanager" | "prom/node-exporter"
            if image.registry.is_none() =>
        {
            return Some("nobody");
        }
        "grafana/grafana" | "grafana/grafana-oss" if image.registry.is_none() => {
            return Some("grafana (uid 472)");
        }
        "grafana/loki" if image.registry.is_none() => return Some("loki (uid 10001)"),
        _ => {}
    }
    let tag = image.tag.as_deref().unwrap_or("");
    let distroless =
        image.registry.as_deref() == Some("gcr.io") && image.repository.starts_with("distroless/");
    if distroless && (tag == "nonroot" || tag.starts_with("nonroot-") || tag.ends_with("-nonroot"))
    {
        return Some("nonroot (uid 65532)");
    }
    None
}

/// Docker's official database and broker images (and images built on them that keep their
/// entrypoint), whose entrypoint starts as root to set up
/// the data volume and then runs the server as its own user (`gosu postgres`): the server
/// runs non-root, and a `USER` (or compose `user:`) would leave it unable to initialise a
/// fresh volume. Returns the server the entrypoint runs.
pub(crate) fn drops_root(image: &ImageRef) -> Option<&'static str> {
    if image.registry.is_some() {
        return None;
    }
    match image.repository.as_str() {
        // Built on the official image, with its entrypoint (pgvector's for an MCP server's
        // vector store, PostGIS, TimescaleDB).
        "postgres" | "pgvector/pgvector" | "postgis/postgis" | "timescale/timescaledb" => {
            Some("postgres")
        }
        "mysql" => Some("mysqld"),
        "mariadb" => Some("mariadbd"),
        "redis" => Some("redis-server"),
        "mongo" => Some("mongod"),
        "rabbitmq" => Some("rabbitmq-server"),
        _ => None,
    }
}

/// The image's entrypoint still drops root: no stage of the lineage sets ENTRYPOINT, and
/// the last CMD, if any, is the exec form starting with the server or an option for it (the
/// entrypoint drops root only for its own server; a shell-form CMD runs `/bin/sh` as root).
fn keeps_dropping_root(df: &Dockerfile, lineage: &[&Stage], server: &str) -> bool {
    let last = |keyword: &str| {
        // The lineage runs from the final stage back to its root.
        lineage
            .iter()
            .find_map(|stage| stage.body(df).iter().rev().find(|i| i.keyword == keyword))
    };
    if last("ENTRYPOINT").is_some() {
        return false;
    }
    let Some(cmd) = last("CMD") else {
        return true;
    };
    cmd.exec
        .as_ref()
        .and_then(|argv| argv.first())
        .is_some_and(|first| first == server || first.starts_with('-'))
}

/// The final stage is built on a Jupyter Docker Stack and keeps its entrypoint (`tini -g --
/// start.sh`), which, started as root, switches to `NB_USER` before it runs the command.
fn on_stack_entrypoint(df: &Dockerfile) -> bool {
    let Some(fin) = df.final_stage() else {
        return false;
    };
    let lineage = df.lineage(fin.index);
    let root = lineage.last().copied().unwrap_or(fin);
    root.image().is_some_and(|i| jupyter_stack(&i))
        && !lineage
            .iter()
            .any(|s| s.body(df).iter().any(|i| i.keyword == "ENTRYPOINT"))
}

/// Base images that run as root unless a Dockerfile says otherwise: Docker's official images
/// (`python`, `debian`, `ubuntu`, `node`, … on Docker Hub) and the conda and CUDA bases
/// projects build on.
fn root_by_default(image: &ImageRef) -> bool {
    const ROOT: &[&str] = &[
        "continuumio/miniconda3",
        "continuumio/anaconda3",
        "condaforge/miniforge3",
        "condaforge/mambaforge",
        "condaforge/miniforge-pypy3",
        "nvidia/cuda",
        "pytorch/pytorch",
        "tensorflow/tensorflow",
    ];
    // A Docker Hub reference parses with no registry and without `library/`.
    let official = !image.repository.contains('/');
    image.registry.is_none() && (official || ROOT.contains(&image.repository.as_str()))
}

/// Who the final image runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FinalUser {
    /// The last USER in the final stage (or a stage it is built on).
    Explicit {
        user: String,
        line: usize,
        root: bool,
    },
    /// No USER: the base image's default, when known.
    Base {
        image: String,
        user: Option<String>,
        root: bool,
        line: usize,
    },
    /// No USER and the base's default is unknown (treated as root, like trivy DS-0002).
    Unknown { image: String, line: usize },
    /// No USER on an official database image whose entrypoint runs `server` as its own user.
    DropsRoot {
        image: String,
        server: &'static str,
        line: usize,
    },
}

impl FinalUser {
    pub(crate) fn is_root(&self) -> bool {
        match self {
            FinalUser::Explicit { root, .. } | FinalUser::Base { root, .. } => *root,
            FinalUser::Unknown { .. } => true,
            FinalUser::DropsRoot { .. } => false,
        }
    }
}

/// ARG/ENV defaults visible in a stage (global ARGs first), for `USER $NAME`.
fn stage_vars(df: &Dockerfile, lineage: &[&Stage]) -> HashMap<String, String> {
    let mut vars = df.global_args.clone();
    for stage in lineage.iter().rev() {
        for ins in stage.body(df) {
            if ins.keyword == "ENV" || ins.keyword == "ARG" {
                for (k, v) in key_values(&ins.keyword, &ins.args, df.escape) {
                    if let Some(v) = v {
                        vars.insert(k, v);
                    }
                }
            }
        }
    }
    vars
}

pub(super) fn final_user(df: &Dockerfile, bases: &dyn Bases) -> Option<FinalUser> {
    let fin = df.final_stage()?;
    let lineage = df.lineage(fin.index);
    for stage in &lineage {
        if let Some(ins) = stage.body(df).iter().rev().find(|i| i.keyword == "USER") {
            let spec = words(&ins.args, df.escape)
                .into_iter()
                .next()
                .unwrap_or_default();
            let vars = stage_vars(df, &lineage);
            let (expanded, complete) = crate::probes::dockerfile::expand(&spec, &vars);
            // An unresolved `$MAMBA_USER` comes from the base image: not root by itself.
            let root = (complete && is_root_user(&expanded)) || spec.is_empty();
            return Some(FinalUser::Explicit {
                user: spec,
                line: ins.line,
                root,
            });
        }
    }
    let root_stage = lineage.last().copied().unwrap_or(fin);
    // A base Docker refuses builds nothing to judge (dockerfile.syntax reports it).
    if root_stage.image().is_none() && !root_stage.base.eq_ignore_ascii_case("scratch") {
        return None;
    }
    let line = fin.line(df);
    let image = root_stage.base.clone();
    if image.eq_ignore_ascii_case("scratch") {
        return Some(FinalUser::Base {
            image,
            user: None,
            root: true,
            line,
        });
    }
    let parsed = ImageRef::parse(&image);
    if let Some(user) = known_non_root_base(&parsed) {
        return Some(FinalUser::Base {
            image,
            user: Some(user.to_string()),
            root: false,
            line,
        });
    }
    if let Some(server) = drops_root(&parsed).filter(|s| keeps_dropping_root(df, &lineage, s)) {
        return Some(FinalUser::DropsRoot {
            image,
            server,
            line,
        });
    }
    if let Some(local) = bases.local(&image) {
        let root = local.user.is_empty() || is_root_user(&local.user);
        return Some(FinalUser::Base {
            image,
            user: Some(local.user).filter(|u| !u.is_empty()),
            root,
            line,
        });
    }
    Some(FinalUser::Unknown { image, line })
}

pub(super) fn user(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let Some(state) = final_user(df, bases) else {
        return Vec::new();
    };
    let f = match state {
        FinalUser::Explicit { user, line, root: true } if on_stack_entrypoint(df) => finding(
            line,
            Status::Warn,
            format!("the final stage's last USER is `{user}`: the Jupyter stack's start.sh still starts the server as jovyan, but `docker exec` and anything run past it act as root"),
        ),
        FinalUser::Explicit { user, line, root: true } => finding(
            line,
            Status::Fail,
            format!("the final stage's last USER is `{user}`: the container runs as root"),
        ),
        FinalUser::Explicit { user, line, .. } => {
            finding(line, Status::Ok, format!("the final stage runs as USER `{user}`"))
        }
        FinalUser::Base { image, user: Some(u), root: false, line } => finding(
            line,
            Status::Ok,
            format!("no USER, but the base image {image} runs as `{u}`"),
        ),
        FinalUser::Base { image, user, line, .. } => finding(
            line,
            Status::Fail,
            format!(
                "no USER in the final stage and the base image {image} runs as {}",
                user.map_or("root".to_string(), |u| format!("`{u}`"))
            ),
        ),
        FinalUser::Unknown { image, line } if root_by_default(&ImageRef::parse(&image)) => {
            finding(
                line,
                Status::Fail,
                format!(
                    "no USER in the final stage: the container runs as root, as the base image {image} does unless a Dockerfile sets a user"
                ),
            )
        }
        FinalUser::DropsRoot { image, server, line } => finding(
            line,
            Status::Ok,
            format!(
                "no USER: {image}'s entrypoint starts as root only to run {server} as its own user (a USER would break its first start on a fresh volume)"
            ),
        ),
        // A publisher's image (prom/prometheus, grafana/grafana) often sets its own user:
        // without it locally, that cannot be told, and a warning says so.
        FinalUser::Unknown { image, line } => finding(
            line,
            Status::Warn,
            format!(
                "no USER in the final stage, and whether the base image {image} sets a user cannot be told: it is not available locally (`docker pull {image}`, then run again)"
            ),
        ),
    };
    vec![f]
}

fn runs(df: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    df.instructions.iter().filter(|i| i.keyword == "RUN")
}

pub(super) fn pip(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    // An environment micromamba (or conda) made from a file earlier in the build: a `pip
    // install .` then finds the project's dependencies there instead of fetching them from
    // PyPI. Packages installed by name do not say they are all there (FESOM/tripyview installs
    // four, then its setup.py's thirty-odd come from PyPI).
    let mut env_made = false;
    // Where the stage put the whole build context (`COPY . /home/ops/app`, or `COPY . .`
    // under a WORKDIR): a pip install of that folder is the project's own code, like `.`.
    let mut workdir = String::from("/");
    let mut project_dirs: Vec<String> = Vec::new();
    for ins in &df.instructions {
        match ins.keyword.as_str() {
            "FROM" => {
                workdir = "/".into();
                project_dirs.clear();
            }
            "WORKDIR" => workdir = in_image(&workdir, ins.args.trim()),
            "COPY" | "ADD" if ins.flag("from").is_none() => {
                let words = words(&ins.args, df.escape);
                if let [source, dest] = words.as_slice() {
                    if matches!(source.as_str(), "." | "./") {
                        project_dirs.push(in_image(&workdir, dest));
                    }
                }
            }
            "RUN" => {
                for cmd in shell::commands(&ins.command_text()) {
                    let cmd = as_dot(cmd, &project_dirs);
                    let env_before = env_made;
                    let own_code =
                        installs_itself(&cmd) && (env_made || cmd.iter().any(|w| w == "--no-deps"));
                    env_made |= shell::is_mamba_install_from_file(&cmd);
                    match shell::pip_install(&cmd) {
                        Some(_) if own_code => out.push(finding(
                            ins.line,
                            Status::Ok,
                            if env_before {
                                "installs only the project itself; its dependencies come from the environment made before it"
                            } else {
                                "installs only the project itself, with `--no-deps`"
                            },
                        )),
                        Some(what) => {
                            out.push(finding(
                                ins.line,
                                Status::Fail,
                                format!("RUN uses `{what}`: Python packages must come from conda-forge through micromamba"),
                            ));
                            break;
                        }
                        None => {}
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A path of the image, from `dir` (the WORKDIR): absolute, without a trailing `/`.
fn in_image(dir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        std::path::PathBuf::from(path)
    } else {
        std::path::Path::new(dir).join(path)
    };
    crate::disk::lexical(&joined).to_string_lossy().into_owned()
}

/// `cmd` with each word naming one of `dirs` (with extras: `/app[dev]`) written as `.`.
fn as_dot(cmd: Vec<String>, dirs: &[String]) -> Vec<String> {
    if dirs.is_empty() {
        return cmd;
    }
    cmd.into_iter()
        .map(|w| {
            let (path, extras) = w.split_at(w.find('[').unwrap_or(w.len()));
            let path = path.trim_end_matches('/');
            if path.starts_with('/') && dirs.iter().any(|d| d == path) {
                format!(".{extras}")
            } else {
                w
            }
        })
        .collect()
}

/// `pip install -e .` or `pip install --no-deps .`: the project's own code, which conda-forge
/// cannot provide (the pip checks of packs set the same aside as a note). Without `--no-deps`
/// it counts only after the build made a conda environment, which holds the dependencies; on a
/// bare python image the same command fetches them all from PyPI.
fn installs_itself(words: &[String]) -> bool {
    let Some(at) = words.iter().position(|w| w == "install") else {
        return false;
    };
    let pip = words[..at]
        .iter()
        .any(|w| shell::basename(w).starts_with("pip") || w == "pip");
    pip && crate::policy::no_pip::installs_only_the_project(&words[at + 1..].join(" "), None)
}

/// Whether the final image has a HEALTHCHECK: the last one of its stages (not `NONE`), or else
/// its base image's. Not the same as the rule passing: a tool image needs none and has none.
pub(super) fn final_healthcheck(df: &Dockerfile, bases: &dyn Bases) -> bool {
    let Some(fin) = df.final_stage() else {
        return false;
    };
    let lineage = df.lineage(fin.index);
    let last = lineage
        .iter()
        .find_map(|s| s.body(df).iter().rev().find(|i| i.keyword == "HEALTHCHECK"));
    match last {
        Some(hc) => !hc.args.trim().eq_ignore_ascii_case("NONE"),
        None => {
            let base = lineage.last().map(|s| s.base.clone()).unwrap_or_default();
            !base.is_empty()
                && (known_healthcheck_base(&ImageRef::parse(&base))
                    || bases.local(&base).is_some_and(|b| b.has_healthcheck))
        }
    }
}

pub(super) fn healthcheck(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for stage in &df.stages {
        let hcs: Vec<&Instruction> = stage
            .body(df)
            .iter()
            .filter(|i| i.keyword == "HEALTHCHECK")
            .collect();
        if let Some(second) = hcs.get(1) {
            out.push(finding(
                second.line,
                Status::Fail,
                format!(
                    "{} HEALTHCHECK instructions in one stage: only the last one takes effect",
                    hcs.len()
                ),
            ));
        }
    }
    let Some(fin) = df.final_stage() else {
        return out;
    };
    let lineage = df.lineage(fin.index);
    let last = lineage
        .iter()
        .find_map(|s| s.body(df).iter().rev().find(|i| i.keyword == "HEALTHCHECK"));
    match last {
        Some(hc) if hc.args.trim().eq_ignore_ascii_case("NONE") => out.push(finding(
            hc.line,
            Status::Warn,
            "HEALTHCHECK NONE disables health checking of the final image",
        )),
        Some(hc) => out.push(match super::health_tool::lenient(&hc.args) {
            Some(lenient) => finding(
                hc.line,
                Status::Warn,
                lenient.message("the final stage's HEALTHCHECK"),
            ),
            None => finding(
                hc.line,
                Status::Ok,
                "the final stage declares a HEALTHCHECK",
            ),
        }),
        None => {
            let base = lineage.last().map(|s| s.base.clone()).unwrap_or_default();
            let inherited = !base.is_empty()
                && (known_healthcheck_base(&ImageRef::parse(&base))
                    || bases.local(&base).is_some_and(|b| b.has_healthcheck));
            let has = |words: &[&str]| {
                lineage.iter().any(|s| {
                    s.body(df)
                        .iter()
                        .any(|i| words.contains(&i.keyword.as_str()))
                })
            };
            let runs_nothing = !has(&["CMD", "ENTRYPOINT", "EXPOSE"]);
            let stdio =
                bases.stdio_server() && (!has(&["EXPOSE"]) || bases.starts_stdio_server(&df.path));
            // A batch job or a command-line tool: no port, and nothing that serves one.
            let batch = !has(&["EXPOSE"])
                && !bases.runs_as_a_service(&df.path)
                && command_starts_no_server(df, &lineage, bases);
            if inherited {
                out.push(finding(
                    fin.line(df),
                    Status::Ok,
                    format!("no HEALTHCHECK, but the base image {base} declares one"),
                ));
            } else if runs_nothing {
                // A tool image (Seqera/Wave, BioContainers): whoever runs it names the command,
                // and there is no service for a HEALTHCHECK to watch.
                out.push(finding(
                    fin.line(df),
                    Status::Ok,
                    "no HEALTHCHECK, and none needed: the image sets no CMD, ENTRYPOINT or EXPOSE, so it runs no service of its own (a tool image)",
                ));
            } else if batch {
                out.push(finding(
                    fin.line(df),
                    Status::Ok,
                    "no HEALTHCHECK, and none needed: the image exposes no port, no compose service runs it, and its command starts no server (a batch job or a command-line tool)",
                ));
            } else if stdio {
                out.push(finding(
                    fin.line(df),
                    Status::Ok,
                    "no HEALTHCHECK, and none needed: the project's MCP server speaks stdio, so a client starts the image (`docker run -i`) and it serves no port to probe",
                ));
            } else {
                out.push(finding(
                    fin.line(df),
                    Status::Warn,
                    "no HEALTHCHECK in the final stage: nothing tells Docker or compose whether the app is healthy",
                ));
            }
        }
    }
    out
}

/// Whether the final stage (or a stage it is built on) copies files from the build context,
/// for dockerfile.chown to judge.
pub(super) fn copies_into_final_stage(df: &Dockerfile) -> bool {
    df.final_stage().is_some_and(|fin| {
        df.lineage(fin.index).iter().any(|stage| {
            stage.body(df).iter().any(|ins| {
                matches!(ins.keyword.as_str(), "COPY" | "ADD") && ins.flag("from").is_none()
            })
        })
    })
}

/// Whether the Dockerfile EXPOSEs anything, for dockerfile.expose to judge.
pub(super) fn exposes(df: &Dockerfile) -> bool {
    df.instructions.iter().any(|i| i.keyword == "EXPOSE")
}

pub(super) fn chown(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let Some(state) = final_user(df, bases) else {
        return Vec::new();
    };
    if state.is_root() {
        // Not that the files are copied with --chown: who owns them matters once the image
        // runs as a user, which dockerfile.user asks for.
        let line = df.final_stage().map_or(1, |s| s.line(df));
        return vec![finding(
            line,
            Status::Ok,
            "the image runs as root (see dockerfile.user): who owns the copied files matters once it runs as a user",
        )];
    }
    let user = match &state {
        FinalUser::Explicit { user, .. } => user.clone(),
        FinalUser::Base { user, .. } => user.clone().unwrap_or_default(),
        FinalUser::Unknown { .. } => String::new(),
        // The entrypoint, as root, prepares what the server needs; copied files stay readable.
        FinalUser::DropsRoot { .. } => return Vec::new(),
    };
    let Some(fin) = df.final_stage() else {
        return Vec::new();
    };
    // A later `RUN chown -R user …` hands what was copied before it to the user
    // (FusRoman/fink-tom: `COPY . $HOME` then `RUN chown -R app:app $HOME`).
    let last_recursive_chown = df
        .lineage(fin.index)
        .iter()
        .flat_map(|stage| stage.body(df))
        .filter(|ins| ins.keyword == "RUN")
        .filter(|ins| {
            shell::commands(&ins.command_text()).iter().any(|c| {
                c.first().is_some_and(|w| shell::basename(w) == "chown")
                    && c.iter().any(|w| w == "-R" || w == "--recursive")
            })
        })
        .map(|ins| ins.line)
        .max()
        .unwrap_or(0);
    // Before a RUN of the Dockerfile creates the user, no --chown can name it (the build
    // stops: "unable to find user"); what is copied then is read by the root steps that follow
    // (Swarm-DISC/dashboards copies its lock and wheels, then adds `panel-user`).
    let created = user_created_at(df, fin.index, &user).unwrap_or(0);
    let mut out = Vec::new();
    for stage in df.lineage(fin.index) {
        for ins in stage.body(df) {
            let copies = (ins.keyword == "COPY" || ins.keyword == "ADD") && ins.line > created;
            let chowned_later = ins.line < last_recursive_chown;
            if copies && !chowned_later && ins.flag("chown").is_none() && ins.flag("from").is_none()
            {
                out.push(finding(
                    ins.line,
                    Status::Warn,
                    format!(
                        "{} without --chown: the files are owned by root, not the app user `{user}`",
                        ins.keyword
                    ),
                ));
            }
        }
    }
    out.sort_by_key(|f| f.line);
    out
}

/// The line of the RUN, in the final stage or a stage it is built on, that creates `user`
/// (`useradd … app`, `adduser -D -u 1000 app`; a numeric user by its `-u`/`--uid`).
fn user_created_at(df: &Dockerfile, fin: usize, user: &str) -> Option<usize> {
    let name = user.split(':').next().unwrap_or(user);
    if name.is_empty() || name.starts_with('$') {
        return None;
    }
    let creates = |c: &Vec<String>| {
        let c = shell::strip_wrappers(c);
        let tool = c.first().map(|w| shell::basename(w));
        matches!(tool, Some("useradd" | "adduser"))
            && c.iter().enumerate().skip(1).any(|(i, w)| {
                let uid = i > 1 && matches!(c[i - 1].as_str(), "-u" | "--uid");
                w == name && (uid || !w.starts_with('-'))
            })
    };
    df.lineage(fin)
        .iter()
        .flat_map(|stage| stage.body(df))
        .filter(|ins| ins.keyword == "RUN")
        .find(|ins| shell::commands(&ins.command_text()).iter().any(creates))
        .map(|ins| ins.line)
}

/// A tag that names a variant but no version (`python:alpine`, `node:slim`, `nginx:stable`,
/// `postgres:alpine`, `python:slim-bookworm`): it follows every release, major ones
/// included. A tag without digits that names a release (`ubuntu:jammy`, `ros:humble`) is
/// fine, and so is a Debian or Ubuntu image's codename with a variant (`debian:bookworm-slim`).
fn floating_tag(repository: &str, tag: &str) -> bool {
    const VARIANTS: &[&str] = &[
        "alpine", "slim", "stable", "mainline", "lts", "current", "edge", "rolling", "nightly",
    ];
    let distro = matches!(repository, "debian" | "ubuntu");
    !distro
        && !tag.chars().any(|c| c.is_ascii_digit())
        && tag.split('-').any(|part| VARIANTS.contains(&part))
}

pub(super) fn base_pin(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for stage in &df.stages {
        if stage.base_stage.is_some() || stage.base.eq_ignore_ascii_case("scratch") {
            continue;
        }
        let line = stage.line(df);
        if stage.base_unresolved {
            out.push(finding(
                line,
                Status::Ok,
                format!(
                    "FROM {} depends on a build argument without a default",
                    stage.base_raw
                ),
            ));
            continue;
        }
        let Some(image) = stage.image() else { continue };
        if image.digest.is_some() {
            continue;
        }
        match image.tag.as_deref() {
            None => out.push(finding(
                line,
                Status::Warn,
                format!(
                    "FROM {} has no tag: it means `latest`, which changes under you",
                    stage.base
                ),
            )),
            Some("latest") => out.push(finding(
                line,
                Status::Warn,
                format!(
                    "FROM {} uses the `latest` tag: builds are not reproducible",
                    stage.base
                ),
            )),
            Some(tag) if floating_tag(&image.repository, tag) => out.push(finding(
                line,
                Status::Warn,
                format!(
                    "FROM {}: the tag `{tag}` names no version, so it moves to each new release (like `latest`)",
                    stage.base
                ),
            )),
            Some(_) => {}
        }
    }
    out.extend(copied_images(df).filter_map(|(line, image)| {
        let r = ImageRef::parse(&image);
        let latest = r.digest.is_none() && r.tag.as_deref().is_none_or(|t| t == "latest");
        latest.then(|| {
            finding(
                line,
                Status::Warn,
                format!("COPY --from={image} takes files from an image that is not pinned: they change under you"),
            )
        })
    }));
    out
}

/// The images (not stages) that `COPY --from=` takes files from, with the COPY's line
/// (`COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`).
fn copied_images(df: &Dockerfile) -> impl Iterator<Item = (usize, String)> + '_ {
    df.instructions
        .iter()
        .filter(|i| i.keyword == "COPY")
        .filter_map(|i| Some((i.line, i.flag_value("from")?.to_string())))
        .filter(|(_, from)| {
            let stage = df
                .stages
                .iter()
                .any(|s| s.name.as_deref() == Some(from.to_ascii_lowercase().as_str()));
            !stage && from.parse::<usize>().is_err() && !from.contains('$') && !from.is_empty()
        })
}

/// A Python image that does not bring micromamba.
pub(super) fn is_python_base(image: &ImageRef) -> bool {
    let short = image.short_name();
    short == "python" || short == "pypy" || short.starts_with("python3")
}

pub(super) fn python_base(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    df.stages
        .iter()
        .filter_map(|s| s.image().map(|i| (s, i)))
        .filter(|(_, i)| is_python_base(i))
        .map(|(s, _)| {
            finding(
                s.line(df),
                Status::Warn,
                format!(
                    "FROM {}: a Python base image without micromamba; the policy builds on mambaorg/micromamba",
                    s.base
                ),
            )
        })
        .collect()
}

pub(super) fn multistage(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    // The final stage and the stages it is built on (`FROM base AS final`): what they install
    // ships, however many stages the file has (Ouranosinc/analogues_spatiaux's final stage is
    // `FROM base`, which installed the compilers).
    let Some(fin) = df.final_stage() else {
        return Vec::new();
    };
    let single = df.stages.len() == 1;
    let mut out = Vec::new();
    // In a multi-stage build, what the final stage itself installs is a choice made with a
    // build stage at hand (mcp-server-git needs git at run time): only the stages it
    // inherits are judged.
    for stage in df
        .lineage(fin.index)
        .into_iter()
        .filter(|s| single || s.index != fin.index)
    {
        for ins in stage.body(df).iter().filter(|i| i.keyword == "RUN") {
            let mut tools: Vec<String> = shell::commands(&ins.command_text())
                .iter()
                .flat_map(|c| shell::build_tools(c))
                .collect();
            tools.dedup();
            if tools.is_empty() {
                continue;
            }
            let what = if single {
                "a single-stage build installs build tooling"
            } else {
                "a stage the final image is built on installs build tooling"
            };
            let runtime: Vec<String> = tools
                .iter()
                .filter_map(|t| shell::runtime_of(t).map(|r| format!("{r} for {t}")))
                .collect();
            let keep = if runtime.is_empty() {
                String::new()
            } else {
                format!(
                    "; the final image needs only the libraries at run time ({})",
                    runtime.join(", ")
                )
            };
            out.push(finding(
                ins.line,
                Status::Warn,
                format!(
                    "{what} ({}): it ships in the final image{keep}",
                    tools.join(", ")
                ),
            ));
        }
    }
    out.sort_by_key(|f| f.line);
    if out.is_empty() && !single {
        out.push(finding(
            df.stages.first().map_or(0, |s| s.line(df)),
            Status::Ok,
            format!("{} build stages", df.stages.len()),
        ));
    }
    out
}

pub(super) fn secrets(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for ins in &df.instructions {
        match ins.keyword.as_str() {
            "ENV" | "ARG" | "LABEL" => {
                for (name, value) in key_values(&ins.keyword, &ins.args, df.escape) {
                    if !is_secret_name(&name) {
                        continue;
                    }
                    let kw = &ins.keyword;
                    match value {
                        Some(v) if is_literal_value(&v) => out.push(finding(
                            ins.line,
                            Status::Fail,
                            format!("{kw} {name} has a literal value (redacted): it is stored in the image and in version control"),
                        )),
                        Some(v) if v.contains('$') && kw == "ENV" => out.push(finding(
                            ins.line,
                            Status::Warn,
                            format!("ENV {name} copies a value into the image's environment, where `docker inspect` shows it"),
                        )),
                        None if kw == "ARG" => out.push(finding(
                            ins.line,
                            Status::Warn,
                            format!("ARG {name}: build arguments are recorded in the image history; use a build secret"),
                        )),
                        _ => {}
                    }
                }
            }
            "RUN" => {
                if let Some(user) = chpasswd_literal(&ins.command_text()) {
                    out.push(finding(
                        ins.line,
                        Status::Fail,
                        format!("RUN sets a literal password for `{user}` with chpasswd (redacted): it is stored in the image history and in version control"),
                    ));
                }
            }
            "COPY" | "ADD" if ins.flag("from").is_none() => {
                let ws = words(&ins.args, df.escape);
                let sources = ws.len().saturating_sub(1);
                for src in ws.iter().take(sources).filter(|s| is_secret_file(s)) {
                    let what = if src.contains(['*', '?', '[']) {
                        "a pattern that takes `.env` files, which usually hold credentials,"
                    } else {
                        "a file that usually holds credentials,"
                    };
                    out.push(finding(
                        ins.line,
                        Status::Warn,
                        format!(
                            "{} copies `{}`, {what} into the image",
                            ins.keyword,
                            shell::basename(src)
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// The user whose password a RUN sets from a literal (`echo 'root:password' | chpasswd`,
/// TOSTRING-Z/transmagent's SSH image); not one read from a variable or a file.
fn chpasswd_literal(command: &str) -> Option<String> {
    static SET: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\b(?:echo|printf)\s+(?:-[a-z]+\s+)*["']?([A-Za-z_][\w.-]*):([^"'\s|;&]+)["']?\s*\|\s*(?:sudo\s+)?chpasswd\b"#,
        )
        .expect("static regex")
    });
    let c = SET.captures(command)?;
    (!c[2].starts_with('$')).then(|| c[1].to_string())
}

pub(super) fn expose(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for ins in df.instructions.iter().filter(|i| i.keyword == "EXPOSE") {
        for spec in words(&ins.args, df.escape) {
            let port = spec.split('/').next().unwrap_or("");
            if port.contains('$') {
                continue;
            }
            let (lo, hi) = match port.split_once('-') {
                Some((a, b)) => (a.parse::<u64>(), b.parse::<u64>()),
                None => (port.parse::<u64>(), port.parse::<u64>()),
            };
            let (Ok(lo), Ok(hi)) = (lo, hi) else {
                out.push(finding(
                    ins.line,
                    Status::Fail,
                    format!("EXPOSE `{spec}` is not a port"),
                ));
                continue;
            };
            if lo == 0 || hi > 65535 || lo > hi {
                out.push(finding(
                    ins.line,
                    Status::Fail,
                    format!("EXPOSE {spec} is outside the port range 1-65535"),
                ));
            } else if lo <= 22 && 22 <= hi {
                out.push(finding(
                    ins.line,
                    Status::Warn,
                    format!("EXPOSE {spec} exposes SSH; containers should not run sshd"),
                ));
            } else if lo <= 1024 {
                out.push(finding(
                    ins.line,
                    Status::Warn,
                    format!("EXPOSE {spec} is a privileged port; the policy uses ports above 1024"),
                ));
            }
        }
    }
    out
}

fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://")
        || l.starts_with("https://")
        || l.starts_with("ftp://")
        || l.starts_with("git@")
}

pub(super) fn remote_fetch(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for ins in &df.instructions {
        match ins.keyword.as_str() {
            "ADD" if ins.flag("checksum").is_none() => {
                let ws = match &ins.exec {
                    Some(v) => v.clone(),
                    None => words(&ins.args, df.escape),
                };
                let sources = ws.len().saturating_sub(1);
                if ws.iter().take(sources).any(|s| is_url(s)) {
                    out.push(finding(
                        ins.line,
                        Status::Warn,
                        "ADD downloads a URL without --checksum: the content is not verified",
                    ));
                }
            }
            "RUN" if shell::pipes_download_to_shell(&ins.command_text()) => out.push(finding(
                ins.line,
                Status::Warn,
                "RUN pipes a downloaded script into a shell: what runs is not verified",
            )),
            "RUN" => {
                if let Some(file) = shell::runs_a_download_unverified(&ins.command_text()) {
                    out.push(finding(
                        ins.line,
                        Status::Warn,
                        format!("RUN downloads {file} and runs it without a checksum or signature check: what runs is not verified"),
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

pub(super) fn sudo(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    runs(df)
        .filter(|ins| {
            shell::commands(&ins.command_text())
                .iter()
                .any(|c| shell::uses_sudo(c))
        })
        .map(|ins| finding(ins.line, Status::Fail, "RUN uses sudo"))
        .collect()
}

/// The package manager and sub-command a RUN installs with (`("conda", "update")`).
fn mamba_install(ins: &Instruction) -> Option<(String, String)> {
    shell::commands(&ins.command_text()).iter().find_map(|c| {
        shell::is_mamba_install(c)
            .then(|| shell::mamba_subcommand(c))
            .flatten()
            .map(|(p, s)| {
                // `conda env create` is what the RUN says, not `conda create`.
                let env = c.windows(2).any(|w| w[0] == "env" && w[1] == s);
                (
                    p.to_string(),
                    if env {
                        format!("env {s}")
                    } else {
                        s.to_string()
                    },
                )
            })
    })
}

/// The package managers the RUNs at `lines` install with, each once: what their clean
/// command is spelled with.
pub(super) fn installers_at(df: &Dockerfile, lines: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ins in runs(df).filter(|i| lines.contains(&i.line)) {
        if let Some((program, _)) = mamba_install(ins) {
            if !out.contains(&program) {
                out.push(program);
            }
        }
    }
    out
}

/// Whether a RUN installs with micromamba, mamba or conda, for [`micromamba_clean`] to judge.
pub(super) fn installs_with_mamba(df: &Dockerfile) -> bool {
    runs(df).any(|ins| mamba_install(ins).is_some())
}

pub(super) fn micromamba_clean(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    // The final image keeps every layer of its stage and the stages it is built on; of a
    // builder stage only what a `COPY --from` takes of its last state ships, so a clean later
    // in that stage is enough (TOSTRING-Z/transagent's conda stage: fifteen installs, then one
    // clean, then `COPY --from=conda /opt/conda …`).
    let shipped: Vec<usize> = df
        .final_stage()
        .map(|f| df.lineage(f.index).iter().map(|s| s.index).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for stage in &df.stages {
        let body: Vec<&Instruction> = stage
            .body(df)
            .iter()
            .filter(|i| i.keyword == "RUN")
            .collect();
        for (at, ins) in body.iter().enumerate() {
            let Some((program, sub)) = mamba_install(ins) else {
                continue;
            };
            let message = if shipped.contains(&stage.index) {
                (!cleans_all(ins)).then(|| format!("`{program} {sub}` without `{program} clean --all --yes` in the same RUN: the package cache stays in the layer"))
            } else {
                (!body[at..].iter().any(|i| cleans_all(i)) && cache_copied(df, stage)).then(|| format!("`{program} {sub}` and no `{program} clean --all --yes` after it in its stage: the package cache stays in what a later stage copies from it"))
            };
            out.extend(message.map(|m| finding(ins.line, Status::Warn, m)));
        }
    }
    out
}

/// Whether what later stages copy from the builder `stage` can hold its package cache
/// (`ROOT/pkgs`, ROOT being its `MAMBA_ROOT_PREFIX`, else `/opt/conda` on the conda and
/// micromamba images): a `COPY --from` of the stage whose source is that folder or one above
/// it. `true` where the cache's folder is not known. poprox-recommender's build stage creates
/// `-p /opt/poprox` with its cache in /opt/micromamba/pkgs, and the final stage copies
/// `/opt/poprox` only.
fn cache_copied(df: &Dockerfile, stage: &Stage) -> bool {
    let lineage = df.lineage(stage.index);
    let set = lineage
        .iter()
        .rev()
        .flat_map(|s| s.body(df))
        .filter(|i| i.keyword == "ENV");
    let root = set
        .flat_map(|i| crate::probes::dockerfile::key_values("ENV", &i.args, df.escape))
        .filter(|(k, _)| k == "MAMBA_ROOT_PREFIX")
        .filter_map(|(_, v)| v)
        .next_back()
        .or_else(|| {
            let base = ImageRef::parse(&lineage.last()?.base);
            matches!(
                base.repository.as_str(),
                "mambaorg/micromamba"
                    | "continuumio/miniconda3"
                    | "continuumio/anaconda3"
                    | "condaforge/miniforge3"
                    | "condaforge/mambaforge"
            )
            .then(|| "/opt/conda".to_string())
        });
    let Some(root) = root.filter(|r| r.starts_with('/') && !r.contains('$')) else {
        return true;
    };
    let cache = format!("{}/pkgs", root.trim_end_matches('/'));
    let names = [Some(stage.index.to_string()), stage.name.clone()];
    df.instructions[stage.end..]
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD"))
        .filter(|i| {
            i.flag("from")
                .and_then(|f| f.value.as_deref())
                .is_some_and(|from| names.iter().flatten().any(|n| n.eq_ignore_ascii_case(from)))
        })
        .any(|i| {
            let ws = words(&i.args, df.escape);
            let sources = ws.len().saturating_sub(1);
            ws.iter().take(sources).any(|src| {
                let src = src.trim_end_matches('/');
                src.contains(['$', '*', '?', '['])
                    || src.is_empty()
                    || cache == src
                    || cache.starts_with(&format!("{src}/"))
            })
        })
}

/// Whether a RUN leaves no package cache in its layer: it cleans the package manager's caches
/// (`micromamba clean --all --yes`, or `rm -rf /opt/conda/pkgs`), or keeps them in a BuildKit
/// cache mount (`--mount=type=cache,target=/opt/conda/pkgs`), which no layer holds.
fn cleans_all(ins: &Instruction) -> bool {
    let cache_mounted = ins.flags.iter().any(|f| {
        f.name == "mount"
            && f.value.as_deref().is_some_and(|v| {
                v.split(',').any(|kv| kv == "type=cache")
                    && v.split(',').any(|kv| {
                        let target = kv
                            .strip_prefix("target=")
                            .or_else(|| kv.strip_prefix("dst="))
                            .or_else(|| kv.strip_prefix("destination="));
                        target.is_some_and(|t| t.trim_end_matches('/').ends_with("/pkgs"))
                    })
            })
    });
    cache_mounted
        || shell::commands(&ins.command_text())
            .iter()
            .any(|c| shell::is_mamba_clean_all(c) || shell::removes_package_cache(c))
}

/// Parse problems (fail) for `dockerfile.syntax`.
pub(super) fn syntax(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    df.problems
        .iter()
        .map(|p| finding(p.line, Status::Fail, p.message.clone()))
        .collect()
}
