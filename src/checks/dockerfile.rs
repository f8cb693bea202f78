//! Built-in `dockerfile.*` checks: the container policy applied to every
//! Dockerfile of the project. Rules live in `rules.rs` as pure functions; this module holds
//! the registry, the pragma handling, and the fixes.

mod eol;
mod health_tool;
pub(crate) use health_tool::{lenient, verdicts_for_image, Of, Verdict};
mod rules;
mod secret_names;
mod shell;
#[cfg(test)]
mod tests;

pub(crate) use super::Finding;
pub(crate) use eol::{oldest_supported_python_today, python_ended};
pub(crate) use rules::{drops_root, jupyter_stack, known_healthcheck_base};
pub(crate) use rules::{known_non_root_base, FinalUser};
pub(crate) use secret_names::{is_literal_value, is_secret_name};

use crate::core::{Check, CheckResult, Context, Early, Fix, Location, Outcome, Phase, Status};
use crate::probes::dockerfile::{dockerfiles, Dockerfile, IgnoreFile};
use crate::probes::env::CopiedEnvFile;
use rules::{BaseImage, Bases, Served};
use std::path::Path;
use std::sync::Arc;

/// One rule: its check id, code, hadolint/trivy equivalents, judge and fix.
pub(crate) struct Rule {
    pub id: &'static str,
    pub code: &'static str,
    pub title: &'static str,
    /// hadolint codes whose `# hadolint ignore=` also silences this rule.
    pub hadolint: &'static [&'static str],
    pub explain: &'static str,
    pub ok: &'static str,
    pub judge: fn(&Dockerfile, &dyn Bases) -> Vec<Finding>,
    pub fix: fn(&FixInput) -> Fix,
    /// Whether the rule judges a dev container's Dockerfile (under `.devcontainer/`) too. An
    /// editor builds and runs it for development, as the user its devcontainer.json names
    /// (often with sudo), never as a service: the rules about how a service runs leave it out.
    pub dev_containers: bool,
    /// Whether the rule asks for the mamba-first policy itself (Python from conda-forge, not
    /// pip or a python:* base) rather than container hygiene: it then judges only a project
    /// that sets up a conda environment, as the pip checks do.
    pub mamba_policy: bool,
    /// What the rule judges, when not every Dockerfile has it (a HEALTHCHECK, a conda
    /// install): where no readable Dockerfile has it, the rule skips with the reason.
    pub subject: Option<Subject>,
}

/// See [`Rule::subject`].
pub(crate) struct Subject {
    pub has: fn(&Dockerfile) -> bool,
    /// The skip's summary: "no Dockerfile declares a HEALTHCHECK (see dockerfile.healthcheck)".
    pub absent: &'static str,
    /// When the rule applies, for the check reference.
    pub applies: &'static str,
}

impl Rule {
    fn short(&self) -> &'static str {
        self.id.strip_prefix("dockerfile.").unwrap_or(self.id)
    }

    /// Codes that silence this rule in a pragma: id, short name, DD code, hadolint codes.
    fn ignore_codes(&self) -> Vec<&'static str> {
        let mut v = vec![self.id, self.short(), self.code];
        v.extend_from_slice(self.hadolint);
        v
    }
}

/// The micromamba image the fixes move a Dockerfile to, and its CUDA variant for GPU bases.
const PLAIN_MICROMAMBA: &str = "mambaorg/micromamba:<pinned tag>";
const CUDA_MICROMAMBA: &str = "mambaorg/micromamba:<version>-cuda<CUDA version>-ubuntu<release>";

/// What a fix is written from.
#[derive(Default)]
pub(crate) struct FixInput<'a> {
    /// Dockerfiles with findings, and their problem lines.
    pub files: Vec<(&'a Dockerfile, Vec<usize>)>,
    pub tag: String,
    pub health_url: String,
    /// The port of the project's MCP server when the first Dockerfile's image starts it and
    /// its code declares no health route (or of a web app whose code declares none): a
    /// health URL would answer 404, or is a guess, so the check asks whether the port
    /// accepts a connection.
    pub socket_port: Option<u16>,
    /// [`FixInput::socket_port`] is a web app's, not the MCP server's.
    pub app_without_route: bool,
    /// The first Dockerfile's HEALTHCHECK asks a route the project's MCP server does not
    /// serve, on this port.
    pub unserved_route: Option<u16>,
    /// How a Celery worker built from the first Dockerfile is asked whether it is alive
    /// (`celery -A APP inspect ping …`): it serves no HTTP for a health URL.
    pub worker_probe: Option<String>,
    /// The first Dockerfile's HEALTHCHECK passes when the app is broken (`|| exit 0`, curl
    /// without `-f`): the fix makes it fail, instead of adding one.
    pub lenient_healthcheck: bool,
    /// The first Dockerfile's image starts the project's stdio MCP server: a HEALTHCHECK that
    /// asks a port is removed, not mended.
    pub stdio_image: bool,
    /// The project sets up a conda environment, so the mamba policy applies to its images
    /// (see [`Rule::mamba_policy`]).
    pub mamba_project: bool,
    /// The Python a suggested HEALTHCHECK of the first Dockerfile's image runs (`python`, or
    /// `/opt/conda/bin/python` on mambaorg/micromamba).
    pub python: String,
    /// The project's environment file, as a COPY in the build context names it.
    pub env_file: String,
    /// The same file as the fix text names it: a file to make in the build context when the
    /// project's is outside it.
    pub env_file_shown: String,
    /// The ignore file line that leaves [`FixInput::env_file`] out of the build context, as
    /// "`.dockerignore:17` (`environment.yml`)": a fix that COPYs it must bring it back.
    pub env_file_ignored: Option<String>,
    /// The environment file's first `pip:` entry that installs a local path (`-e .`): pip
    /// resolves it from the file's folder, so a copy of the file alone in /tmp finds nothing.
    pub env_local_pip: Option<String>,
    /// The first Dockerfile and its build context (a compose service's `build.context`, else
    /// the Dockerfile's folder) as the rebuild command names them: relative to the project
    /// when devdoctor runs there, absolute otherwise. `None`: as the report shows them.
    pub build_paths: Option<(String, String)>,
    /// The file the first Dockerfile already installs with the package manager, before its
    /// first finding and in the same stage (`micromamba install -n base -f
    /// /tmp/conda-linux-64.lock`), as its RUN names it, and that RUN's line.
    pub installs_env: Option<(String, usize)>,
    /// The packages the reported RUNs of the first Dockerfile pip-install, by name.
    pub pip_packages: Vec<String>,
    /// dockerfile.python_base reports the base of the stage with the first finding: its step
    /// rebuilds that stage on micromamba.
    pub rebased: bool,
}

/// What a rule's steps asked of [`FixInput`], which adds the notes those asks need: each rule
/// starts with its own, so one rule's asks never reach the next rule's fix.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Asks {
    /// A step moves the build to [`FixInput::micromamba`]: on a GPU base the fix explains
    /// its CUDA variant.
    micromamba: bool,
    /// A step COPYs the environment file ([`FixInput::copy_env`]): the fix brings a file the
    /// ignore file leaves out back.
    copy_env: bool,
}

impl FixInput<'_> {
    /// The mambaorg/micromamba image a step moves the build to: on a GPU base one of its CUDA
    /// variants (built on nvidia/cuda's base images), not the plain one.
    fn micromamba(&self, asks: &mut Asks) -> &'static str {
        asks.micromamba = true;
        if self.gpu_base() {
            CUDA_MICROMAMBA
        } else {
            PLAIN_MICROMAMBA
        }
    }

    /// The COPY of the project's environment file into the image.
    fn copy_env(&self, asks: &mut Asks) -> String {
        asks.copy_env = true;
        format!(
            "COPY --chown=$MAMBA_USER:$MAMBA_USER {} /tmp/environment.yml",
            self.env_file
        )
    }

    fn where_(&self) -> String {
        let parts: Vec<String> = self
            .files
            .iter()
            .map(|(df, lines)| {
                let mut lines: Vec<usize> = lines.iter().copied().filter(|&l| l > 0).collect();
                lines.sort_unstable();
                lines.dedup();
                let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                match lines.len() {
                    0 => df.display.clone(),
                    1 => format!("{} (line {})", df.display, lines.join(", ")),
                    _ => format!("{} (lines {})", df.display, lines.join(", ")),
                }
            })
            .collect();
        parts.join("; ")
    }

    /// `docker build -t TAG -f FILE CONTEXT` for the first affected Dockerfile.
    fn build(&self) -> Option<Vec<String>> {
        let (df, _) = self.files.first()?;
        let (file, context) = self.build_paths.clone().unwrap_or_else(|| {
            let folder = Path::new(&df.display)
                .parent()
                .map(|p| p.display().to_string())
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| ".".to_string());
            (df.display.clone(), folder)
        });
        Some(
            ["docker", "build", "-t", &self.tag, "-f", &file, &context]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        )
    }

    /// The fix of a rule: the action first, then in a few words why, then the steps.
    /// Whether the first reported Dockerfile's final stage is on a GPU base (nvidia/cuda,
    /// NGC, a `*cuda*` or TensorFlow `*gpu*` tag): moving it to plain micromamba loses CUDA.
    fn gpu_base(&self) -> bool {
        let Some(image) = self
            .files
            .first()
            .and_then(|(df, _)| df.final_stage())
            .and_then(|s| s.image())
        else {
            return false;
        };
        let tag = image.tag.as_deref().unwrap_or_default();
        image.repository == "nvidia/cuda"
            || image.registry.as_deref() == Some("nvcr.io")
            || tag.contains("cuda")
            || (image.repository == "tensorflow/tensorflow" && tag.contains("gpu"))
    }

    /// Whether the first reported Dockerfile's final stage is built on a Jupyter Docker
    /// Stack: its user (jovyan) exists, and `USER ${NB_UID}` is how the stacks end.
    fn jupyter_stack(&self) -> bool {
        self.files.first().is_some_and(|(df, _)| {
            df.final_stage()
                .map(|fin| df.lineage(fin.index))
                .and_then(|l| l.last().and_then(|s| s.image()))
                .is_some_and(|i| jupyter_stack(&i))
        })
    }

    /// Whether the first reported Dockerfile gets its packages with conda: a conda or
    /// micromamba base, or a RUN that installs with the mamba family. Another image's
    /// choice of how it gets Python is its own (dockerfile.python_base says so), and a fix
    /// keeps to that.
    fn conda_image(&self) -> bool {
        self.files.first().is_some_and(|(df, _)| {
            let conda_base = df.stages.iter().any(|s| {
                s.image().is_some_and(|i| {
                    env_name::CONDA_BASES
                        .iter()
                        .any(|c| i.repository.ends_with(c))
                })
            });
            conda_base
                || df.instructions.iter().any(|i| {
                    i.keyword == "RUN"
                        && shell::commands(&i.command_text())
                            .iter()
                            .any(|c| shell::is_mamba_install(c))
                })
        })
    }

    /// The call a suggested check makes to ask `url`, in the image's language.
    fn http_call(&self, url: &str) -> String {
        if self.python == "node" {
            format!("require('http').get('{url}', …)")
        } else {
            format!("urllib.request.urlopen('{url}')")
        }
    }

    /// Whether the first reported Dockerfile's final stage is built on mambaorg/micromamba,
    /// whose user (mambauser, `$MAMBA_USER`) exists already.
    fn micromamba_base(&self) -> bool {
        self.files.first().is_some_and(|(df, _)| {
            df.final_stage()
                .map(|fin| df.lineage(fin.index))
                .and_then(|l| l.last().and_then(|s| s.image()))
                .is_some_and(|i| i.repository.ends_with("mambaorg/micromamba"))
        })
    }

    fn fix(&self, action: &str, why: &str, steps: &[String]) -> Fix {
        self.fix_asking(action, why, steps, Asks::default())
    }

    /// [`FixInput::fix`] for steps that asked for the micromamba image or the COPY of the
    /// environment file, with the notes those need.
    fn fix_asking(&self, action: &str, why: &str, steps: &[String], asks: Asks) -> Fix {
        let mut fix = Fix::new(format!("{action} — {}.", lower_first(why))).phase(Phase::Runtime);
        for s in steps {
            fix = fix.manual(s.clone());
        }
        if asks.micromamba && self.gpu_base() {
            fix = fix.manual("on this GPU base, take the CUDA variant of mambaorg/micromamba that matches the CUDA version the image uses now; CUDA libraries and compilers the app needs at run time (cuDNN, `cuda-nvcc`) come from conda-forge in the environment file, not from the base image");
        }
        // A COPY of the environment file that the .dockerignore leaves out finds nothing.
        if let Some(ignored) = self.env_file_ignored.as_ref().filter(|_| asks.copy_env) {
            fix = fix.manual(format!(
                "{ignored} leaves {} out of the build context: add `!{}` after that line, or the COPY finds nothing",
                self.env_file, self.env_file
            ));
        }
        if let Some(entry) = self.env_local_pip.as_ref().filter(|_| asks.copy_env) {
            fix = fix.manual(format!(
                "{}'s entry `{entry}` installs a local path, found from the environment file's folder: copy the project first (`COPY --chown=$MAMBA_USER:$MAMBA_USER . /app`) and install from `/app/{}` in place of /tmp/environment.yml",
                self.env_file, self.env_file
            ));
        }
        // The rebuild comes after the edit it needs, so it is the last step, not a command
        // listed (and shown) before the manual edit.
        // A dev container is built by the editor from its devcontainer.json, not tagged as
        // the project's image.
        if self.files.first().is_some_and(|(df, _)| df.dev_container()) {
            fix = fix.manual("then rebuild the dev container from its devcontainer.json (VS Code: \"Dev Containers: Rebuild Container\")");
        } else if let Some(b) = self.build() {
            fix = fix.manual(format!("then rebuild: {}", crate::fix::quote_argv(&b)));
        }
        fix
    }
}

/// `name:latest` for an untagged reference, as a build would resolve it (a bare `b` would
/// otherwise match an image id starting with "b").
pub(crate) fn with_tag(image: &str) -> String {
    let r = crate::probes::dockerfile::ImageRef::parse(image);
    if r.tag.is_none() && r.digest.is_none() {
        format!("{image}:latest")
    } else {
        image.to_string()
    }
}

/// The engine's view of local base images (`None` until the engine probe has it).
struct EngineBases<'a>(&'a Context);
impl Bases for EngineBases<'_> {
    fn local(&self, image: &str) -> Option<BaseImage> {
        crate::probes::docker::local_image(self.0, &with_tag(image)).map(|c| BaseImage {
            user: c.user,
            has_healthcheck: c.has_healthcheck,
        })
    }

    fn image_has(&self, program: &str) -> Option<bool> {
        let target = crate::checks::image::target_image(self.0)?;
        let cfg = crate::probes::docker::local_image(self.0, &target.name)?;
        let contents = crate::probes::docker::layers::contents(self.0, &target.name, &cfg.id);
        let c = contents.as_ref().as_ref().ok()?;
        let want = program.trim_start_matches('/');
        Some(c.bins.iter().any(|b| {
            if program.starts_with('/') {
                b == want
            } else {
                b.rsplit('/').next() == Some(program)
            }
        }))
    }

    fn stdio_server(&self) -> bool {
        crate::probes::mcp::project(self.0).serves == crate::probes::mcp::Serves::Stdio
    }

    fn served_routes(&self, df: &Dockerfile) -> Option<Served> {
        served_routes(self.0, df)
    }

    fn runs_as_a_service(&self, dockerfile: &Path) -> bool {
        // A shell someone attaches to, or a job another service waits on, serves nothing
        // unless it publishes a port (compose.healthcheck leaves them out alike).
        let built = crate::probes::compose::compose(self.0)
            .services
            .iter()
            .filter(|s| s.dockerfile.as_deref() == Some(dockerfile))
            .any(|s| !(s.interactive || s.one_shot) || !s.ports.is_empty());
        // The project's MCP server over HTTP: the image that starts it, or any image where
        // none is known to.
        let mcp = crate::probes::mcp::project(self.0);
        let shown = self.0.settings.display_path(dockerfile);
        built
            || (mcp.serves == crate::probes::mcp::Serves::Http
                && mcp
                    .image_start
                    .as_ref()
                    .is_none_or(|s| s.dockerfile == shown))
    }

    fn starts_stdio_server(&self, dockerfile: &Path) -> bool {
        let mcp = crate::probes::mcp::project(self.0);
        let shown = self.0.settings.display_path(dockerfile);
        mcp.serves == crate::probes::mcp::Serves::Stdio
            && mcp
                .image_start
                .as_ref()
                .is_some_and(|s| s.dockerfile == shown)
    }

    fn script_serves(&self, started: &str) -> Option<bool> {
        crate::probes::pyscript::script_serves(self.0, started)
    }

    fn env_file(&self, df: &Dockerfile, source: &str) -> Option<CopiedEnvFile> {
        let root = &self.0.settings.project_dir;
        let path = crate::probes::dockerfile::context_of(self.0, df).join(source);
        // Only a plain file of the project (the walk's confinement holds for reads too).
        if !path.starts_with(root) || source.contains("..") {
            return None;
        }
        crate::probes::env::copied_env_file(self.0, &path)
    }

    fn ignore_file(&self, df: &Dockerfile) -> Arc<Option<IgnoreFile>> {
        crate::probes::dockerfile::ignore_file(self.0, df)
    }

    fn env_has(&self, package: &str) -> Option<bool> {
        match &crate::probes::env::project_file(self.0).state {
            crate::probes::env::FileState::Parsed(f) => Some(f.dep(package).is_some()),
            _ => None,
        }
    }
}

/// The routes of the project's MCP server, where the image built from `df` starts it and it
/// serves HTTP (see [`Bases::served_routes`]).
fn served_routes(ctx: &Context, df: &Dockerfile) -> Option<Served> {
    let project = crate::probes::mcp::project(ctx);
    let starts = project
        .image_start
        .as_ref()
        .is_some_and(|s| s.dockerfile == df.display);
    if !starts || project.serves != crate::probes::mcp::Serves::Http {
        return None;
    }
    Some(Served {
        declares_health: project.health_route,
        endpoint: url::Url::parse(&project.mcp_url)
            .map(|u| u.path().to_string())
            .unwrap_or_default(),
    })
}

/// Where the final HEALTHCHECK of `df` asks a route the project's MCP server does not serve:
/// the port it asks, for the fix.
fn unserved_route(ctx: &Context, df: &Dockerfile) -> Option<u16> {
    let hc = health_tool::final_healthcheck(df)?;
    let verdicts = health_tool::verdicts(df, &hc.args, &EngineBases(ctx));
    verdicts
        .iter()
        .find(|v| matches!(v, health_tool::Verdict::Unserved { .. }))?;
    let (_, port) = health_tool::asked_route(&hc.args)?;
    Some(port.unwrap_or(80))
}

/// [`Verdict`]s of a healthcheck `test` in `df`, for the tests of other areas: the image
/// starts an MCP server at `endpoint` that declares no health route, and nothing is built.
#[cfg(test)]
pub(crate) fn verdicts_for_test(df: &Dockerfile, test: &str, endpoint: &str) -> Vec<Verdict> {
    struct Server(String);
    impl Bases for Server {
        fn local(&self, _: &str) -> Option<rules::BaseImage> {
            None
        }
        fn served_routes(&self, _: &Dockerfile) -> Option<Served> {
            Some(Served {
                declares_health: false,
                endpoint: self.0.clone(),
            })
        }
    }
    health_tool::verdicts(df, test, &Server(endpoint.into()))
}

/// What a healthcheck comes to in the image the Dockerfile at `path` builds: `test` is a
/// compose healthcheck's, as a HEALTHCHECK's arguments; `None` judges the Dockerfile's own
/// final HEALTHCHECK. Empty where the file cannot be read or has no such healthcheck.
pub(crate) fn healthcheck_verdicts(ctx: &Context, path: &Path, test: Option<&str>) -> Vec<Verdict> {
    let loaded = crate::probes::dockerfile::load_once(ctx, path);
    let Ok(df) = loaded.as_ref().as_ref() else {
        return Vec::new();
    };
    let args = match test {
        Some(t) => t,
        None => match health_tool::final_healthcheck(df) {
            Some(hc) => &hc.args,
            None => return Vec::new(),
        },
    };
    health_tool::verdicts(df, args, &EngineBases(ctx))
}

/// The final user of the Dockerfile at `path` (for compose services that build it):
/// `(is_root, description)`; `None` when it cannot be read or has no stage.
pub(crate) fn built_user(
    ctx: &Context,
    path: &Path,
    target: Option<&str>,
) -> Option<(bool, String)> {
    let loaded = crate::probes::dockerfile::load_once(ctx, path);
    let df = up_to(loaded.as_ref().as_ref().ok()?, target)?;
    let state = rules::final_user(&df, &EngineBases(ctx))?;
    let what = match &state {
        FinalUser::Explicit { user, .. } => format!("sets USER `{user}`"),
        FinalUser::Base { image, user, .. } => format!(
            "runs as {} (base image {image})",
            user.as_deref()
                .map_or("root".to_string(), |u| format!("`{u}`"))
        ),
        FinalUser::Unknown { image, .. } => format!("has no USER (base image {image})"),
        FinalUser::DropsRoot { image, server, .. } => {
            format!("runs {server} as its own user (base image {image})")
        }
    };
    Some((state.is_root(), what))
}

/// The Dockerfile at `path` as the report shows it, when the rule `id` judges it and reports a
/// problem there that no pragma silences (for a compose rule that would say the same).
pub(crate) fn flagged(ctx: &Context, path: &Path, id: &str) -> Option<String> {
    let facts = dockerfiles(ctx);
    let df = facts.files.iter().find(|d| d.path == path)?;
    (!flagged_lines(ctx, df, id).is_empty()).then(|| df.display.clone())
}

/// The lines of `df` where the rule `id` reports a problem, as the rule's own run would
/// (dev containers, the mamba policy's applicability and ignore comments included).
fn flagged_lines(ctx: &Context, df: &Dockerfile, id: &str) -> Vec<usize> {
    let Some(rule) = RULES.iter().find(|r| r.id == id) else {
        return Vec::new();
    };
    if (df.dev_container() && !rule.dev_containers)
        || (rule.mamba_policy && !crate::probes::env::sets_up_an_environment(ctx))
    {
        return Vec::new();
    }
    let codes = rule.ignore_codes();
    (rule.judge)(df, &EngineBases(ctx))
        .iter()
        .filter(|f| f.status.is_problem() && !df.ignored_at(f.line, &codes))
        .map(|f| f.line)
        .collect()
}

/// Whether dockerfile.python_base reports the FROM of the stage that holds `line`: its step
/// rebuilds that stage on micromamba from the environment file.
fn stage_rebased(ctx: &Context, df: &Dockerfile, line: usize) -> bool {
    let Some(stage) = df.stages.iter().find(|s| {
        df.instructions[s.from..s.end]
            .iter()
            .any(|i| i.line == line)
    }) else {
        return false;
    };
    let root = df
        .lineage(stage.index)
        .last()
        .map_or(stage.line(df), |s| s.line(df));
    flagged_lines(ctx, df, "dockerfile.python_base").contains(&root)
}

/// Whether the Dockerfile at `path` gives its final image an active HEALTHCHECK.
pub(crate) fn built_healthcheck(ctx: &Context, path: &Path, target: Option<&str>) -> Option<bool> {
    let loaded = crate::probes::dockerfile::load_once(ctx, path);
    let df = up_to(loaded.as_ref().as_ref().ok()?, target)?;
    df.final_stage()?;
    Some(rules::final_healthcheck(&df, &EngineBases(ctx)))
}

/// `df` as a build with `--target` builds it (a compose service's `build.target`); `None`
/// where no stage has that name.
fn up_to<'a>(df: &'a Dockerfile, target: Option<&str>) -> Option<std::borrow::Cow<'a, Dockerfile>> {
    match target {
        Some(t) => df.up_to(t).map(std::borrow::Cow::Owned),
        None => Some(std::borrow::Cow::Borrowed(df)),
    }
}

use crate::policy::text::printable;

/// The tag a Dockerfile no compose service builds is rebuilt as: the configured image, else
/// the tag the project's own Makefile, scripts or README build it under (`docker build -t
/// topsapp_img .`), else the project's image for the one image.* inspects (the first found),
/// else the project's name and the Dockerfile's folder (`solarsense-predictor` for
/// deploy/predictor/Dockerfile), so that a side image is never tagged as the project's.
fn tag_for(ctx: &Context, df: &Dockerfile) -> String {
    let documented = crate::probes::files::documented_builds(ctx);
    if let Some(b) = documented
        .iter()
        .find(|b| b.dockerfile == df.path)
        .filter(|_| ctx.settings.image.is_none())
    {
        return printable(&b.tag);
    }
    let files = crate::probes::docker::project_files(ctx);
    let first = files.dockerfiles.first().cloned();
    let folder = df.path.parent().filter(|d| *d != ctx.settings.project_dir);
    let by_folder = |dir: &Path| {
        format!(
            "{}-{}",
            crate::policy::text::project_slug(&ctx.settings.project_dir, "app"),
            crate::policy::text::project_slug(dir, "image")
        )
    };
    match folder {
        Some(dir) if first.as_deref() != Some(df.path.as_path()) => by_folder(dir),
        // Of several Dockerfiles, the image a compose service runs without building it is
        // this one's only where its name says so (`org/cwt_wps` for docker/wps/): tagging
        // another build with it would replace that image with a different one.
        Some(dir)
            if files.dockerfiles.len() > 1
                && ctx.settings.image.is_none()
                && service_image(ctx).is_some_and(|name| !names_folder(&name, dir)) =>
        {
            by_folder(dir)
        }
        // The root's Dockerfile, where the image a compose service runs names the folder of
        // another of the project's Dockerfiles (bio-compose-server's `…-gateway` image is
        // gateway/Dockerfile-gateway's): the root one builds something else.
        None if ctx.settings.image.is_none()
            && service_image(ctx).is_some_and(|name| {
                files.dockerfiles.iter().any(|d| {
                    *d != df.path
                        && d.parent()
                            .filter(|p| *p != ctx.settings.project_dir)
                            .is_some_and(|dir| names_folder(&name, dir))
                })
            }) =>
        {
            crate::policy::text::project_slug(&ctx.settings.project_dir, "app")
        }
        _ => tag(ctx),
    }
}

/// Whether an image name (`jasonb87/cwt_wps:latest`) names a Dockerfile's folder (`wps`) in
/// its repository's last part.
fn names_folder(image: &str, dir: &Path) -> bool {
    let Some(folder) = dir.file_name().and_then(|f| f.to_str()) else {
        return false;
    };
    let repo = image.split(['@', ':']).next().unwrap_or(image);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    last == folder || last.split(['-', '_', '.']).any(|w| w == folder)
}

/// The image tag used in `docker build` fixes: the configured image, else the project name.
/// A compose service that runs the project's image by name without building it
/// (black-06/mercury's `image: mercury:latest`, built by its Makefile) gives that name.
fn tag(ctx: &Context) -> String {
    if let Some(image) = &ctx.settings.image {
        return image.clone();
    }
    service_image(ctx)
        .unwrap_or_else(|| crate::policy::text::project_slug(&ctx.settings.project_dir, "app"))
}

/// The project's image that a compose service runs by name without building it. One pinned
/// by digest (`org/app@sha256:…`) is a published image, and no build can take its name
/// (`docker build -t` refuses a digest).
fn service_image(ctx: &Context) -> Option<String> {
    crate::checks::image::target_image(ctx)
        .filter(|t| {
            t.service.as_ref().is_some_and(|s| {
                !s.builds && s.image.is_some() && crate::checks::image::named_like_project(ctx, s)
            })
        })
        .map(|t| t.name)
        .filter(|name| !name.contains('@'))
}

/// What `rule` found over every Dockerfile: problems, notes of what passed, and how many
/// findings an inline pragma silenced.
struct Judged<'a> {
    problems: Vec<(&'a Dockerfile, Finding)>,
    notes: Vec<String>,
    suppressed: usize,
    /// Dev containers' Dockerfiles the rule leaves out.
    left_out: Vec<&'a str>,
}

fn judge<'a>(ctx: &Context, rule: &Rule, files: &'a [Dockerfile]) -> Judged<'a> {
    let bases = EngineBases(ctx);
    let is_syntax = rule.id == "dockerfile.syntax";
    let codes = rule.ignore_codes();
    let mut out = Judged {
        problems: Vec::new(),
        notes: Vec::new(),
        suppressed: 0,
        left_out: Vec::new(),
    };
    for df in files {
        if df.stages.is_empty() && !is_syntax {
            continue;
        }
        if !rule.dev_containers && df.dev_container() {
            out.left_out.push(&df.display);
            continue;
        }
        let mut found = (rule.judge)(df, &bases);
        found.sort_by_key(|f| f.line);
        for f in found {
            let f = Finding {
                message: printable(&f.message),
                ..f
            };
            if f.status == Status::Ok {
                out.notes.push(format!("{}: {}", df.display, f.message));
            } else if !is_syntax && df.ignored_at(f.line, &codes) {
                out.suppressed += 1;
            } else {
                out.problems.push((df, f));
            }
        }
    }
    out
}

/// The fix of a rule with problems: for each affected Dockerfile in turn, its edits, then its
/// rebuild. Each Dockerfile's steps are worked out for it alone: its own HEALTHCHECK command
/// and port, its own image tag and build context (a Celery worker's image and the web app's
/// beside it need different ones).
fn fix_for(ctx: &Context, rule: &Rule, problems: &[(&Dockerfile, Finding)]) -> Fix {
    let mut files: Vec<(&Dockerfile, Vec<usize>)> = Vec::new();
    for (df, f) in problems {
        match files.iter_mut().find(|(d, _)| std::ptr::eq(*d, *df)) {
            Some((_, lines)) => lines.push(f.line),
            None => files.push((df, vec![f.line])),
        }
    }
    let mut each = files
        .into_iter()
        .map(|file| fix_for_file(ctx, rule, vec![file]));
    let mut fix = each
        .next()
        .unwrap_or_else(|| fix_for_file(ctx, rule, Vec::new()));
    for more in each {
        fix.commands.extend(more.commands);
        fix.manual.extend(more.manual);
        fix.new_files.extend(more.new_files);
    }
    fix
}

/// The fix of a rule for the Dockerfiles in `files` (one, or none): the edits, then a rebuild
/// with the real build context and the tag compose will run when a compose service builds it.
fn fix_for_file(ctx: &Context, rule: &Rule, files: Vec<(&Dockerfile, Vec<usize>)>) -> Fix {
    // The service that builds this Dockerfile's final stage, which the rules judge: one that
    // builds another stage with `build.target` runs another image (CDCgov/Mira's backend
    // and frontend stages of one Dockerfile), whose tag the rebuild must not take.
    let service = files.first().and_then(|(df, _)| {
        let last = df.final_stage().and_then(|s| s.name.clone());
        crate::probes::compose::compose(ctx)
            .services
            .iter()
            .find(|s| {
                s.dockerfile.as_deref() == Some(df.path.as_path())
                    && s.build_target
                        .as_ref()
                        .is_none_or(|t| Some(t.to_ascii_lowercase()) == last)
            })
            .cloned()
    });
    let context = files
        .first()
        .map(|(df, _)| crate::probes::dockerfile::context_of(ctx, df));
    let build_paths = files
        .first()
        .zip(context.as_ref())
        .map(|((df, _), context)| {
            (
                super::path_arg(ctx, &df.path),
                super::path_arg(ctx, context),
            )
        });
    let (env_file, env_file_shown) =
        env_file_for(ctx, context.as_deref(), files.first().map(|(df, _)| *df));
    let env_file_ignored = files.first().and_then(|(df, _)| {
        let ignore = crate::probes::dockerfile::ignore_file(ctx, df);
        let file = ignore.as_ref().as_ref()?;
        let rule = file.leaves_out(&env_file)?;
        Some(format!(
            "`{}:{}` (`{}`)",
            file.display, rule.line, rule.text
        ))
    });
    let tag = service
        .as_ref()
        .and_then(|s| crate::checks::image::service_image(ctx, s))
        .filter(|_| ctx.settings.image.is_none())
        .or_else(|| files.first().map(|(df, _)| tag_for(ctx, df)))
        .unwrap_or_else(|| tag(ctx));
    let first = files.first().map(|(df, _)| *df);
    let health_url = health_url(ctx, first);
    let worker_probe = first.and_then(celery_worker_probe);
    let socket_port = first.and_then(|df| no_health_route(ctx, df, &health_url));
    let app_without_route =
        socket_port.is_some() && first.is_some_and(|df| served_routes(ctx, df).is_none());
    let unserved_route = first.and_then(|df| unserved_route(ctx, df));
    let stdio_image = first.is_some_and(|df| EngineBases(ctx).starts_stdio_server(&df.path));
    let lenient_healthcheck = first
        .and_then(health_tool::final_healthcheck)
        .is_some_and(|hc| lenient(&hc.args).is_some());
    let python = health_tool::image_python(first);
    let installs_env = files
        .first()
        .and_then(|(df, lines)| installs_env_before(df, lines.first().copied()?));
    let pip_packages = files
        .first()
        .map(|(df, lines)| pip_packages_at(df, lines))
        .unwrap_or_default();
    let rebased = rule.id == "dockerfile.pip"
        && files
            .first()
            .is_some_and(|(df, lines)| lines.first().is_some_and(|l| stage_rebased(ctx, df, *l)));
    let env_local_pip = crate::probes::env::project_file(ctx)
        .parsed()
        .and_then(|f| f.pip.as_ref())
        .and_then(|pip| {
            pip.entries
                .iter()
                .find(|e| crate::probes::env::envfile::is_local_path_entry(&e.text))
                .map(|e| crate::policy::text::printable(e.text.trim()))
        });
    let input = FixInput {
        python,
        env_file,
        env_file_shown,
        env_file_ignored,
        env_local_pip,
        files,
        tag,
        build_paths,
        health_url,
        worker_probe,
        socket_port,
        app_without_route,
        unserved_route,
        lenient_healthcheck,
        stdio_image,
        mamba_project: crate::probes::env::sets_up_an_environment(ctx),
        installs_env,
        pip_packages,
        rebased,
    };
    (rule.fix)(&input)
}

/// The packages the RUNs at `lines` of `df` pip-install, by name, each once. The installer's
/// own tooling (`pip install --upgrade pip setuptools wheel`) is none to move: the
/// environment's Python brings it.
fn pip_packages_at(df: &Dockerfile, lines: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ins in df
        .instructions
        .iter()
        .filter(|i| i.keyword == "RUN" && lines.contains(&i.line))
    {
        for cmd in shell::commands(&ins.command_text()) {
            for name in shell::pip_packages(&cmd) {
                let tooling = matches!(
                    name.to_ascii_lowercase().as_str(),
                    "pip" | "setuptools" | "wheel"
                );
                if !tooling && !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    out
}

/// The file a RUN of `df` installs with micromamba, mamba or conda (`install`, `create`, `env
/// create`, `env update`, `-f FILE`) before `line`, in that line's stage: the file as the RUN
/// names it, and the RUN's line.
fn installs_env_before(df: &Dockerfile, line: usize) -> Option<(String, usize)> {
    let stage = df.stages.iter().find(|s| {
        df.instructions[s.from..s.end]
            .iter()
            .any(|i| i.line == line)
    })?;
    df.instructions[stage.from..stage.end]
        .iter()
        .filter(|i| i.keyword == "RUN" && i.line < line)
        .find_map(|i| {
            shell::commands(&i.command_text()).iter().find_map(|words| {
                if !shell::is_mamba_install(words) {
                    return None;
                }
                let file = words.windows(2).find_map(|w| match w[0].as_str() {
                    "-f" | "--file" => Some(w[1].clone()),
                    _ => w[0].strip_prefix("--file=").map(str::to_string),
                })?;
                Some((file, i.line))
            })
        })
}

/// The environment file the image is built from, as a COPY in the build names it, and as the
/// fix text names it: the one the Dockerfile already COPYs from the context
/// (deploy/predictor/Dockerfile's own `deploy/predictor/environment.yml`), else the project's,
/// relative to the build context when it is inside, else to the project; `environment.yml`
/// when there is none. A project file outside the build context cannot be COPYed: the fix
/// then names a copy of it inside the context (azure/Dockerfile, built from azure/, and the
/// project's root environment.yml).
fn env_file_for(
    ctx: &Context,
    context: Option<&Path>,
    df: Option<&Dockerfile>,
) -> (String, String) {
    let shown = |p: &Path| crate::policy::text::printable(&p.to_string_lossy());
    let copied = context.zip(df).and_then(|(context, df)| {
        df.context_sources().into_iter().find(|src| {
            src.extension().is_some_and(|e| e == "yml" || e == "yaml")
                && crate::probes::env::discover::file_kind(&context.join(src))
                    == crate::probes::env::discover::EnvFileKind::Spec
        })
    });
    if let Some(src) = copied {
        let src = shown(src.strip_prefix(".").unwrap_or(&src));
        return (src.clone(), src);
    }
    let pf = crate::probes::env::project_file(ctx);
    if matches!(pf.state, crate::probes::env::FileState::Absent) {
        return ("environment.yml".into(), "environment.yml".into());
    }
    let root = &ctx.settings.project_dir;
    if let Some(within) = context.and_then(|c| pf.path.strip_prefix(c).ok()) {
        return (shown(within), shown(within));
    }
    let from_root = shown(pf.path.strip_prefix(root).unwrap_or(&pf.path));
    let context_shown = context
        .and_then(|c| c.strip_prefix(root).ok())
        .filter(|c| !c.as_os_str().is_empty());
    match (context_shown, pf.path.file_name()) {
        (Some(c), Some(name)) => {
            let name = shown(Path::new(name));
            let copy = shown(&c.join(&name));
            let c = shown(c);
            (
                name,
                format!(
                    "{copy} (a copy of {from_root}, which the build context {c}/ cannot reach)"
                ),
            )
        }
        _ => (from_root.clone(), from_root),
    }
}

/// A HEALTHCHECK to suggest for the image `df` builds: a Celery worker's asks the worker
/// over its broker; an MCP server with no health route is asked whether its port accepts a
/// connection; any other's asks its health URL (see [`health_url`]) with Python, which slim
/// images have where they have no curl.
pub(crate) fn suggested_healthcheck(ctx: &Context, df: Option<&Dockerfile>) -> String {
    if let Some(probe) = df.and_then(celery_worker_probe) {
        return format!("HEALTHCHECK --interval=30s --timeout=10s --retries=3 CMD {probe}");
    }
    let url = health_url(ctx, df);
    let python = health_tool::image_python(df);
    match df.and_then(|df| no_health_route(ctx, df, &url)) {
        Some(port) => socket_healthcheck(&python, port),
        None => http_healthcheck(&python, &url),
    }
}

/// The port to ask when `df`'s image starts the project's MCP server and its code declares
/// no health route (the SDKs serve none of their own): GET on `url` would answer 404. For
/// another image, the port when no file of the project declares a health route and the app
/// is not Streamlit (which serves its own): a /health URL would be a guess. `None` where the
/// health URL is configured.
fn no_health_route(ctx: &Context, df: &Dockerfile, url: &str) -> Option<u16> {
    if ctx.settings.health_url_explicit {
        return None;
    }
    let known = match served_routes(ctx, df) {
        Some(served) => served.declares_health,
        None => starts_streamlit(df) || crate::probes::mcp::project(ctx).app_health.is_some(),
    };
    if known {
        return None;
    }
    url::Url::parse(url).ok()?.port_or_known_default()
}

/// The port a known app server listens on when its start command names none: Streamlit's
/// 8501, `panel serve`'s and `bokeh serve`'s 5006 (Lnk2past/anaconda-data-app-contest-2023),
/// Voilà's 8866, `flask run`'s 5000.
fn server_default_port(words: &[String]) -> Option<u16> {
    words.iter().enumerate().find_map(|(i, w)| {
        let next = words.get(i + 1).map(String::as_str);
        match w.rsplit('/').next()? {
            "streamlit" => Some(8501),
            "panel" | "bokeh" if next == Some("serve") => Some(5006),
            "voila" => Some(8866),
            "flask" if next == Some("run") => Some(5000),
            _ => None,
        }
    })
}

/// Whether the image `df` builds starts Streamlit, which serves `/_stcore/health` itself.
fn starts_streamlit(df: &Dockerfile) -> bool {
    df.start_words()
        .iter()
        .any(|w| w.rsplit('/').next() == Some("streamlit"))
}

/// `HEALTHCHECK … CMD ["python", "-c", "…create_connection(…)"]`: the port accepts a
/// connection. `python` is the image's (see [`health_tool::image_python`]); `node` writes it
/// for Node.
pub(crate) fn socket_healthcheck(python: &str, port: u16) -> String {
    if python == "node" {
        return format!("HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"node\", \"-e\", \"require('net').connect({port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))\"]");
    }
    format!("HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"{python}\", \"-c\", \"import socket; socket.create_connection(('127.0.0.1', {port}), 3)\"]")
}

/// `HEALTHCHECK … CMD ["python", "-c", "…urlopen('URL')"]` (for `node`, Node's `http.get`,
/// failing on an error status as urlopen does).
pub(crate) fn http_healthcheck(python: &str, url: &str) -> String {
    if python == "node" {
        return format!("HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"node\", \"-e\", \"require('http').get('{url}', r => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))\"]");
    }
    format!("HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD [\"{python}\", \"-c\", \"import urllib.request; urllib.request.urlopen('{url}')\"]")
}

/// `celery -A APP inspect ping -d celery@$HOSTNAME` when the image starts a Celery worker
/// (`celery -A APP worker …`, also through `micromamba run`): the worker answers over the
/// broker, so the check needs no port.
fn celery_worker_probe(df: &Dockerfile) -> Option<String> {
    let words = df.start_words();
    let celery = words
        .iter()
        .position(|w| w.rsplit('/').next() == Some("celery"))?;
    let rest = &words[celery + 1..];
    if !rest.iter().any(|w| w == "worker") {
        return None;
    }
    let app = rest
        .iter()
        .enumerate()
        .find_map(|(i, w)| match w.as_str() {
            "-A" | "--app" => rest.get(i + 1).cloned(),
            _ => w.strip_prefix("--app=").map(str::to_string),
        })?;
    Some(format!(
        "celery -A {} inspect ping -d celery@$HOSTNAME",
        printable(&shlex::try_quote(&app).ok()?)
    ))
}

/// The URL a suggested HEALTHCHECK asks, from inside the container: the route of the
/// configured health URL, else the one the project's code declares (`/health` when none), on
/// the port the image's start command names (`--port 3333`, `--bind 0.0.0.0:80`), else the one
/// its final stage EXPOSEs or a compose service publishes it on, else the configured URL as it
/// is. A Streamlit app is asked at its own `/_stcore/health`, on 8501 unless its start command
/// names a port (an EXPOSE does not move it). Never with the URL's userinfo or secret query.
fn health_url(ctx: &Context, df: Option<&Dockerfile>) -> String {
    let configured = || crate::probes::http::redact(&ctx.settings.health_url);
    let Some(df) = df else {
        return configured();
    };
    let words = df.start_words();
    let streamlit = starts_streamlit(df);
    // Streamlit listens on 8501 unless told otherwise, whatever the Dockerfile EXPOSEs (so do
    // Panel and the other servers of `server_default_port`).
    // Else the port a compose service that builds it publishes (`443:5000`), the app's own.
    let published = || {
        crate::probes::compose::compose(ctx)
            .services
            .iter()
            .filter(|s| s.dockerfile.as_deref() == Some(df.path.as_path()))
            .flat_map(|s| &s.ports)
            .find_map(|p| p.container().and_then(|c| u16::try_from(c).ok()))
    };
    let port = crate::probes::dockerfile::listen_port(&words).or_else(|| {
        server_default_port(&words)
            .or_else(|| df.exposed_port().map(|(port, _)| port))
            .or_else(published)
    });
    // Nothing in the image says: the port the project's MCP server code listens on
    // (chatx's `uvicorn.run(…, port=3001)`), else the configured address.
    let project = crate::probes::mcp::project(ctx);
    let port = port.or_else(|| {
        project
            .code_port
            .filter(|_| project.serves == crate::probes::mcp::Serves::Http)
    });
    let Some(port) = port else {
        return configured();
    };
    let path = if ctx.settings.health_url_explicit {
        // A configured URL says the route; its port is where the host reaches the server
        // (a published port), not where the server listens inside the container.
        url::Url::parse(&configured()).map_or_else(
            |_| "/health".to_string(),
            |u| u[url::Position::BeforePath..url::Position::AfterQuery].to_string(),
        )
    } else if streamlit {
        format!("{}/_stcore/health", streamlit_base_path(df, &words))
    } else if let (false, Some(route)) = (project.health_route, &project.app_health) {
        // A web app's own health route (`@app.get("/api/health")`).
        route.clone()
    } else {
        // The health route the project's MCP code declares (`/healthz`), else /health.
        url::Url::parse(&project.health_url)
            .map_or_else(|_| "/health".to_string(), |u| u.path().to_string())
    };
    format!("http://127.0.0.1:{port}{path}")
}

/// The URL prefix a Streamlit app serves under (`--server.baseUrlPath=/tsadar`, or the image's
/// `STREAMLIT_SERVER_BASE_URL_PATH`), its health route too: `/tsadar`, or empty.
fn streamlit_base_path(df: &Dockerfile, words: &[String]) -> String {
    let flag = words.iter().enumerate().find_map(|(i, w)| {
        w.strip_prefix("--server.baseUrlPath=")
            .map(str::to_string)
            .or_else(|| (w == "--server.baseUrlPath").then(|| words.get(i + 1).cloned())?)
    });
    let path = flag.or_else(|| {
        df.final_env()
            .into_iter()
            .find(|(n, _, _)| n == "STREAMLIT_SERVER_BASE_URL_PATH")
            .map(|(_, v, _)| v)
    });
    match path.as_deref().map(|p| p.trim_matches(['"', '\'', '/'])) {
        Some(p) if !p.is_empty() && !p.contains('$') => format!("/{p}"),
        _ => String::new(),
    }
}

/// When the one thing said of every one of the `n` Dockerfiles is the same, that is the
/// summary (tool images that "need no HEALTHCHECK" rather than the rule's generic "declare
/// one"); else the rule's.
fn ok_summary<'a>(rule: &'a Rule, notes: &'a [String], n: usize) -> &'a str {
    let said: Vec<&str> = notes
        .iter()
        .filter_map(|note| note.split_once(": ").map(|(_, m)| m))
        .collect();
    match said.as_slice() {
        [first, rest @ ..] if said.len() == n && rest.iter().all(|m| m == first) => first,
        _ => rule.ok,
    }
}

/// Runs `rule` over every Dockerfile and folds the findings into one result.
pub(crate) fn lint(ctx: &Context, rule: &Rule) -> Outcome {
    let facts = dockerfiles(ctx);
    if facts.is_empty() {
        return Err(Early::skip(
            "no Dockerfile in the project (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included but not examples/)",
        ));
    }
    if rule.mamba_policy && !crate::probes::env::sets_up_an_environment(ctx) {
        return Err(Early::skip(format!(
            "{}: how its image gets Python is its own choice",
            crate::probes::env::no_environment(ctx)
        )));
    }
    let is_syntax = rule.id == "dockerfile.syntax";
    let Judged {
        problems,
        notes,
        suppressed,
        left_out,
    } = judge(ctx, rule, &facts.files);
    let checked = facts.files.iter().filter(|d| !d.stages.is_empty()).count();
    let dev_only = !left_out.is_empty() && left_out.len() == checked;
    if dev_only && facts.unreadable.is_empty() {
        return Err(Early::skip(format!(
            "only a dev container's Dockerfile ({}): an editor runs it for development, as the user its devcontainer.json names, not as a service",
            left_out.join(", ")
        )));
    }
    if let Some(subject) = &rule.subject {
        let parsed = facts.files.iter().filter(|d| !d.stages.is_empty());
        if facts.unreadable.is_empty() && !parsed.clone().any(|d| (subject.has)(d)) {
            return Err(Early::skip(subject.absent));
        }
    }
    let mut unreadable: Vec<String> = facts
        .unreadable
        .iter()
        .map(|u| format!("cannot read {}: {}", u.display, u.reason))
        .collect();
    if !is_syntax {
        for df in facts.files.iter().filter(|d| d.stages.is_empty()) {
            unreadable.push(format!("{}: no build stage could be parsed", df.display));
        }
    }

    let mut result = if is_syntax && !facts.unreadable.is_empty() {
        let first = unreadable.first().cloned().unwrap_or_default();
        // Files withheld from an untrusted run are not known to be broken.
        let mut r = if facts.unreadable.iter().all(|u| u.withheld) {
            CheckResult::unknown(first)
        } else {
            CheckResult::fail(first)
        };
        for u in &facts.unreadable {
            r = r.location(
                Location::new(&u.display, 0, format!("cannot read: {}", u.reason)).rule(rule.code),
            );
        }
        r.details(unreadable.iter().skip(1).cloned())
    } else if let Some(r) = crate::checks::fold(problems.iter().map(|(_, f)| f)) {
        r.details(unreadable.clone())
    } else if !unreadable.is_empty() {
        CheckResult::unknown(format!(
            "could not check {} of {} Dockerfiles (see dockerfile.syntax)",
            unreadable.len(),
            unreadable.len() + checked
        ))
        .details(unreadable.clone())
    } else {
        let n = facts.files.len();
        let said = ok_summary(rule, &notes, n);
        CheckResult::ok(format!(
            "{said} ({n} Dockerfile{})",
            if n == 1 { "" } else { "s" }
        ))
    };
    if result.status.is_problem() && !problems.is_empty() {
        for (df, f) in &problems {
            result = result
                .location(Location::new(&df.display, f.line, f.message.clone()).rule(rule.code));
        }
        result = result.with_fix(fix_for(ctx, rule, &problems));
    }
    if !result.status.is_problem() {
        result = result.details(notes);
    }
    if !left_out.is_empty() {
        result = result.detail(format!(
            "left out, as a dev container's Dockerfile: {}",
            left_out.join(", ")
        ));
    }
    if suppressed > 0 {
        result = result.detail(format!(
            "{suppressed} finding{} silenced by an inline ignore pragma",
            if suppressed == 1 { "" } else { "s" }
        ));
    }
    Ok(result)
}

mod conda_tos;
mod copy_ignored;
mod env_name;
mod exec_vars;
mod pkg_manager;
mod table;
pub(crate) use table::RULES;

impl super::TableRule for Rule {
    fn names(&self) -> [&'static str; 3] {
        [self.id, self.title, self.explain]
    }
    fn lint(&'static self, ctx: &Context) -> Outcome {
        lint(ctx, self)
    }
    fn applies(&self, table: &'static str) -> &'static str {
        if let Some(subject) = &self.subject {
            subject.applies
        } else if self.mamba_policy {
            "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included), when the project sets up a conda environment (an environment file, or a requirements.txt env.file proposes to replace); skips otherwise."
        } else if self.dev_containers {
            table
        } else {
            "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) but a dev container's (under .devcontainer/, which an editor runs for development, not as a service); skips when there is no other."
        }
    }
}

/// The registry entries of this area: one per rule of the table.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    super::table(
        RULES,
        "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included); skips when there is none.",
    )
}

/// "Docker cannot …" → "docker cannot …", for a reason that follows an action.
pub(crate) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // An acronym ("ENV and ARG …") keeps its case.
        Some(f) if !c.clone().next().is_some_and(char::is_uppercase) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}
