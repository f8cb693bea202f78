//! Built-in `image.*` checks: the project's built image as the engine sees it, opt-in runtime
//! verification in throw-away containers, and the trivy scanner.

use crate::core::{Builtin, Check, CheckResult, Context, Early, Fix, Outcome, Phase, Spec, Status};
use crate::probes::compose::{self, ComposeService};
use crate::probes::docker::{self, api, run, trivy, ImageConfig, ImageLookup};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

mod layers;

/// The registry entries of this area, one per check.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    let mut all: Vec<Arc<dyn Check>> = vec![
        Arc::new(Builtin::new(Spec {
            id: "image.exists",
            title: "Project image built",
            can_fix: true,
            applies: "When an image is named (--image, [docker] image, or a compose service's image) and the engine answers; skips otherwise.",
            explain: "Asks the engine (GET /images/{name}/json, or `docker image inspect`) whether the \
project's image exists locally. The image is --image or [docker] image in devdoctor.toml, else \
the image of a compose service (a service with build: first; without image: compose names it \
PROJECT-SERVICE). Without any, the check is skipped. A missing image fails with the \
`docker build -t IMAGE .` that builds it (or `docker pull` when the project has no Dockerfile).",
            run: check_exists,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.user",
            title: "Image runs as non-root",
            can_fix: true,
            applies: "When the project image exists locally; skips otherwise.",
            explain: "Reads the image's Config.User (CIS Docker 4.1). Empty, `0` or `root` means the \
container's processes run as root, which the policy forbids: a process that escapes runs as \
root on the host unless the engine is rootless. A numeric uid below 1000 warns (the policy asks \
for UID 1000 or above). Fix: base the final stage on mambaorg/micromamba (runs as mambauser, \
UID 1000) or create a user and set USER before CMD, then rebuild.",
            run: check_user,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.healthcheck",
            title: "Image declares a HEALTHCHECK",
            can_fix: true,
            applies: "When the project image exists locally; skips otherwise.",
            explain: "Reads the image's Config.Healthcheck (CIS Docker 4.6). Absent, or a test of NONE, \
warns: without it the engine and orchestrators cannot tell a hung server from a healthy one. \
Fix: add a HEALTHCHECK to the Dockerfile, e.g. with the environment's Python (mambaorg/micromamba \
ships no curl), and rebuild.",
            run: check_healthcheck,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.fresh",
            title: "Image built after the last Dockerfile change",
            can_fix: true,
            applies: "When the project image exists locally and is built from a Dockerfile of the project; skips otherwise.",
            explain: "Compares the image's Created time with the Dockerfile's modification time. A \
Dockerfile changed after the image was built means the image does not contain that change: \
warn, with the `docker build` command that rebuilds it. Images with a fixed reproducible \
timestamp (1970/SOURCE_DATE_EPOCH) cannot be compared and are skipped.",
            run: check_fresh,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.runtime",
            title: "Image verified in a container",
            can_fix: false,
            applies: "Only with --run-containers and a local project image; skips otherwise.",
            explain: "Only with --run-containers (never by default). Starts throw-away containers of the \
image with `docker run --rm --network none --name devdoctor-check-… --entrypoint PROGRAM`, \
and always removes them afterwards with `docker rm -f` (also on timeout). It checks the \
policy's own tests: `id -u` is not 0 (the effective user), `ls -lan WORKDIR` shows the \
workdir and its files owned by that user, not root, and — when the compose service says \
read_only: true — that the image runs with --read-only and `touch /devdoctor-test` fails. \
Programs missing from the image (distroless) make that part unknown. The runs share the \
check's --timeout; raise it for large images.",
            run: check_runtime,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.scanner",
            title: "Image vulnerability scanner",
            can_fix: true,
            applies: "Only with --scan (or [docker] scan); skips otherwise.",
            explain: "Only with --scan (tools.trivy says whether trivy is installed). Looks for trivy \
on PATH (warn when absent; the fix installs it from conda-forge with micromamba/mamba into \
base), then runs `trivy image --format json --severity HIGH,CRITICAL IMAGE`, bounded by \
--timeout (trivy downloads its vulnerability database on first use, so give it time, e.g. \
--timeout 300), and reports the counts: CRITICAL fails, HIGH warns.",
            run: check_scanner,
        })),
    ];
    all.extend(layers::checks());
    all
}

/// The image these checks look at, and where its name came from.
#[derive(Debug, Clone)]
pub(crate) struct TargetImage {
    pub name: String,
    pub source: String,
    /// The compose service that runs it, when there is one.
    pub service: Option<ComposeService>,
}

/// The project name compose gives `file`'s project, as compose normalises it (lowercase
/// letters, digits, `-` and `_`): COMPOSE_PROJECT_NAME, else the file's top-level `name:`,
/// else its folder's name.
fn compose_project_name(ctx: &Context, file: &Path) -> String {
    let named = || {
        crate::probes::compose::compose(ctx)
            .files
            .iter()
            .find(|f| f.path == file)
            .and_then(|f| f.project_name.clone())
    };
    let raw = ctx
        .var("COMPOSE_PROJECT_NAME")
        .map(str::to_string)
        .or_else(named)
        .unwrap_or_else(|| {
            file.parent()
                .and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    raw.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect::<String>()
        .trim_start_matches(['-', '_'])
        .to_string()
}

pub(crate) fn service_image(ctx: &Context, s: &ComposeService) -> Option<String> {
    match &s.image {
        Some(img) if !img.trim().is_empty() => Some(img.trim().to_string()),
        _ if s.builds => {
            let project = compose_project_name(ctx, &s.file);
            (!project.is_empty()).then(|| format!("{project}-{}", s.name.to_lowercase()))
        }
        _ => None,
    }
}

/// Words of a service that say whether it is the project's own: its name's and its image's
/// (`mercury:latest` → mercury), without the generic ones every project has.
fn own_words(s: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "app", "api", "web", "svc", "service", "server", "main", "docker", "compose", "project",
        "dev", "prod", "latest", "image",
    ];
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .filter(|w| w.len() >= 3 && !GENERIC.contains(&w.as_str()))
        .collect()
}

/// How much a compose service looks like the project's own image: it builds, it is named
/// like the project (a word of the project folder's name in its name or image), and it
/// publishes a port (it serves). Ties go to the first in the file.
fn own_score(ctx: &Context, s: &ComposeService) -> (bool, bool, bool) {
    let project = own_words(
        &ctx.settings
            .project_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    let image = s
        .image
        .as_deref()
        .map(|i| crate::probes::dockerfile::ImageRef::parse(i).repository)
        .unwrap_or_default();
    let repo = image.rsplit('/').next().unwrap_or_default().to_string();
    let named = own_words(&format!("{} {repo}", s.name))
        .iter()
        .any(|w| project.contains(w));
    (s.builds, named, !s.ports.is_empty())
}

/// Whether a compose service is named like the project (see [`own_score`]).
pub(crate) fn named_like_project(ctx: &Context, s: &ComposeService) -> bool {
    own_score(ctx, s).1
}

/// `--image`/config first, then compose: the service most like the project's own image (see
/// [`own_score`]), a dev container's and a test run's left out.
pub(crate) fn target_image(ctx: &Context) -> Option<TargetImage> {
    let facts = compose::compose(ctx);
    if let Some(name) = ctx.settings.image.as_ref().filter(|n| !n.trim().is_empty()) {
        let name = name.trim().to_string();
        let service = facts
            .services
            .iter()
            .find(|s| s.image.as_deref().map(str::trim) == Some(name.as_str()))
            .cloned();
        return Some(TargetImage {
            name,
            source: "--image / [docker] image".into(),
            service,
        });
    }
    // A dev container's services (under .devcontainer/) are the developer's workspace, and a
    // test run's throw-away services: neither is an image the project ships.
    let services = || {
        facts
            .services
            .iter()
            .filter(|s| crate::probes::files::not_deployed(&s.display).is_none())
    };
    // `max_by_key` keeps the last of equals: over the services reversed, the first.
    let pick = services()
        .filter(|s| service_image(ctx, s).is_some())
        .rev()
        .max_by_key(|s| own_score(ctx, s))?;
    let name = service_image(ctx, pick)?;
    let how = if pick.image.is_some() {
        "names"
    } else {
        "builds"
    };
    // A service merged from overrides or a variant may take its image from one of them
    // (compose.dev.yml's `image: org/app:dev`): they are named too.
    let merged: Vec<&str> = pick
        .sources
        .iter()
        .skip(1)
        .map(|(_, shown)| shown.as_str())
        .collect();
    let with = if merged.is_empty() {
        String::new()
    } else {
        format!(" with {}", merged.join(", "))
    };
    Some(TargetImage {
        name,
        source: format!(
            "compose service `{}` ({}:{}{with}), which {how} it",
            pick.name,
            ctx.settings.display_path(&pick.file),
            pick.line
        ),
        service: Some(pick.clone()),
    })
}

const NO_IMAGE: &str = "no image configured: pass --image IMAGE, set [docker] image in devdoctor.toml, or give a compose service an image:";

/// The target and its lookup, or the result to return when there is nothing to judge.
fn with_image(ctx: &Context) -> Result<(TargetImage, ImageConfig), Early> {
    let Some(target) = target_image(ctx) else {
        return Err(Early::skip(NO_IMAGE));
    };
    match docker::image(ctx, &target.name).as_ref() {
        ImageLookup::Found(cfg) => Ok((target, cfg.clone())),
        ImageLookup::Missing => Err(Early::skip(format!(
            "image {} is not built yet (see image.exists)",
            target.name
        ))),
        ImageLookup::NoEngine(why) => Err(Early::from(no_engine(&target, why))),
        ImageLookup::Error(e) => Err(Early::unknown(format!(
            "cannot inspect image {}: {e}",
            target.name
        ))),
    }
}

fn no_engine(target: &TargetImage, why: &str) -> CheckResult {
    CheckResult::unknown(format!(
        "cannot inspect image {}: the Docker engine is not reachable (see docker.daemon)",
        target.name
    ))
    .detail(why.to_string())
}

/// The Dockerfile that builds the image: the compose service's `build:` one when the image
/// comes from compose, else the first configured or found one.
fn dockerfile(ctx: &Context, target: &TargetImage) -> Option<std::path::PathBuf> {
    target
        .service
        .as_ref()
        .and_then(|s| s.dockerfile.clone())
        .filter(|p| docker::is_file(p))
        .or_else(|| docker::project_files(ctx).dockerfiles.first().cloned())
}

/// The HEALTHCHECK to suggest for the image: the one `dockerfile.healthcheck` suggests for
/// its Dockerfile (the port its start command names, a Celery worker's ping).
fn suggested_healthcheck(ctx: &Context, target: &TargetImage) -> String {
    let path = dockerfile(ctx, target);
    let loaded = path.map(|p| crate::probes::dockerfile::load_once(ctx, &p));
    let df = loaded.as_deref().and_then(|r| r.as_ref().ok());
    super::dockerfile::suggested_healthcheck(ctx, df)
}

/// `docker build -t IMAGE [-f FILE] CONTEXT` for the image's Dockerfile: the context is the
/// compose service's, else the one the Dockerfile is written for (its folder, or the root
/// when its COPYs name files from there); paths are relative to the project when
/// devdoctor runs there, absolute otherwise.
fn build_fix(ctx: &Context, target: &TargetImage, why: &str) -> Fix {
    let project = &ctx.settings.project_dir;
    let df = dockerfile(ctx, target);
    let parsed = crate::probes::dockerfile::dockerfiles(ctx);
    let context = target
        .service
        .as_ref()
        .and_then(|s| s.build_context.clone())
        .or_else(|| {
            let df = df.as_ref()?;
            let parsed = parsed.files.iter().find(|d| &d.path == df);
            Some(parsed.map_or_else(
                || df.parent().unwrap_or(project).to_path_buf(),
                |d| d.default_context(project),
            ))
        })
        .unwrap_or_else(|| project.clone());
    let mut argv = vec![
        "docker".to_string(),
        "build".into(),
        "-t".into(),
        target.name.clone(),
    ];
    if let Some(df) = df.filter(|d| *d != context.join("Dockerfile")) {
        argv.push("-f".into());
        argv.push(super::path_arg(ctx, &df));
    }
    argv.push(super::path_arg(ctx, &context));
    Fix::new(why).cmd(argv).phase(Phase::Runtime)
}

fn short_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex.chars().take(12).collect()
}

/// "3 days", "5 hours", "12 minutes", "40 seconds".
pub(crate) fn span(d: Duration) -> String {
    let s = d.as_secs();
    let (n, unit) = if s >= 2 * 86_400 {
        (s / 86_400, "day")
    } else if s >= 2 * 3600 {
        (s / 3600, "hour")
    } else if s >= 120 {
        (s / 60, "minute")
    } else {
        (s, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

fn check_exists(ctx: &Context) -> Outcome {
    let Some(target) = target_image(ctx) else {
        return Err(Early::skip(NO_IMAGE));
    };
    let r = match docker::image(ctx, &target.name).as_ref() {
        ImageLookup::Found(cfg) => {
            let mut summary = format!("{} is built ({})", target.name, short_id(&cfg.id));
            if let Some(age) = cfg
                .created
                .and_then(|c| SystemTime::now().duration_since(c).ok())
            {
                summary = format!(
                    "{} is built ({}, {} old)",
                    target.name,
                    short_id(&cfg.id),
                    span(age)
                );
            }
            CheckResult::ok(summary)
                .data("id", cfg.id.clone())
                .data("created", cfg.created_text.clone())
        }
        ImageLookup::Missing => {
            let r = CheckResult::fail(format!("image {} does not exist locally", target.name));
            if dockerfile(ctx, &target).is_some() {
                r.with_fix(build_fix(ctx, &target, "Build the project's image."))
            } else {
                r.with_fix(
                    Fix::new("Pull the image (this needs its registry).")
                        .cmd(["docker", "pull", target.name.as_str()])
                        .phase(Phase::Runtime),
                )
            }
        }
        ImageLookup::NoEngine(why) => no_engine(&target, why),
        ImageLookup::Error(e) => {
            CheckResult::unknown(format!("cannot inspect image {}: {e}", target.name))
        }
    };
    Ok(r.detail(format!("image from {}", target.source))
        .data("image", target.name))
}

fn check_user(ctx: &Context) -> Outcome {
    let (target, cfg) = with_image(ctx)?;
    let user = cfg.user.trim();
    let rebuild = |why: &str| {
        build_fix(ctx, &target, why)
            .manual("in the Dockerfile's final stage: base it on mambaorg/micromamba (runs as mambauser, UID 1000), or `RUN useradd -m -u 1000 app` and `USER app` before CMD")
            .phase(Phase::Runtime)
    };
    let r = if api::user_is_root(user) {
        let shown = if user.is_empty() {
            "Config.User is empty".to_string()
        } else {
            format!("Config.User is `{user}`")
        };
        CheckResult::fail(format!("{} runs as root ({shown})", target.name)).with_fix(rebuild(
            "Set a non-root USER in the final stage, then rebuild the image.",
        ))
    } else {
        let uid = user.split(':').next().unwrap_or("").trim();
        match uid.parse::<u32>() {
            Ok(n) if n < 1000 => CheckResult::warn(format!(
                "{} runs as uid {n}, below the policy's 1000",
                target.name
            ))
            .with_fix(rebuild(
                "Use a user with UID 1000 or above, then rebuild the image.",
            )),
            Ok(_) => CheckResult::ok(format!("{} runs as uid {user}", target.name)),
            Err(_) => CheckResult::ok(format!("{} runs as user `{user}`", target.name))
                .detail("a named user: --run-containers verifies the uid it maps to"),
        }
    };
    Ok(r.data("user", user.to_string()).data("image", target.name))
}

fn check_healthcheck(ctx: &Context) -> Outcome {
    let (target, cfg) = with_image(ctx)?;
    let fix = || {
        build_fix(
            ctx,
            &target,
            "Declare a HEALTHCHECK in the Dockerfile, then rebuild the image.",
        )
        .manual(format!("e.g. {}", suggested_healthcheck(ctx, &target)))
    };
    let r = if cfg.has_healthcheck {
        let shown: Vec<&str> = cfg.healthcheck_test.iter().map(String::as_str).collect();
        CheckResult::ok(format!(
            "{} has a HEALTHCHECK: {}",
            target.name,
            shown.join(" ")
        ))
    } else if cfg.healthcheck_test.first().is_some_and(|t| t == "NONE") {
        CheckResult::warn(format!("{}'s HEALTHCHECK is disabled (NONE)", target.name))
            .with_fix(fix())
    } else {
        CheckResult::warn(format!("{} declares no HEALTHCHECK", target.name)).with_fix(fix())
    };
    Ok(r.data("healthcheck", cfg.healthcheck_test.clone())
        .data("image", target.name))
}

fn check_fresh(ctx: &Context) -> Outcome {
    let (target, cfg) = with_image(ctx)?;
    let Some(df) = dockerfile(ctx, &target) else {
        return Err(Early::skip(format!(
            "no Dockerfile in the project to compare {} with",
            target.name
        )));
    };
    let shown = ctx.settings.display_path(&df);
    let Some(created) = cfg.created else {
        return Err(Early::unknown(format!(
            "{} has no readable creation time (`{}`)",
            target.name, cfg.created_text
        )));
    };
    // Reproducible builds pin Created to the epoch or SOURCE_DATE_EPOCH; nothing to compare.
    if created < SystemTime::UNIX_EPOCH + Duration::from_secs(315_532_800) {
        return Err(Early::skip(format!(
            "{}'s creation time is fixed ({}), as reproducible builds do; its age cannot be compared",
            target.name, cfg.created_text
        )));
    }
    let modified = match docker::modified(&df) {
        Ok(t) => t,
        Err(e) => {
            return Err(Early::unknown(format!(
                "cannot read the modification time of {shown}: {e}"
            )))
        }
    };
    let r = match modified.duration_since(created) {
        Ok(gap) if gap > Duration::from_secs(1) => CheckResult::warn(format!(
            "{} is stale: {shown} changed {} after it was built",
            target.name,
            span(gap)
        ))
        .with_fix(build_fix(
            ctx,
            &target,
            "Rebuild the image so it contains the Dockerfile's changes.",
        )),
        _ => CheckResult::ok(format!(
            "{} was built after {shown} last changed",
            target.name
        )),
    };
    Ok(r.detail(format!("image created {}", cfg.created_text))
        .data("dockerfile", shown)
        .data("image", target.name))
}

/// One verdict of the runtime check.
struct Part {
    status: Status,
    line: String,
}

fn part(status: Status, line: impl Into<String>) -> Part {
    Part {
        status,
        line: line.into(),
    }
}

fn check_runtime(ctx: &Context) -> Outcome {
    if !ctx.settings.run_containers {
        return Err(Early::skip(
            "containers are not started by default: pass --run-containers to verify the image's user, workdir ownership and read-only root in throw-away containers (--network none, removed afterwards)",
        ));
    }
    let started = Instant::now();
    let (target, cfg) = with_image(ctx)?;
    let cli = docker::cli(ctx);
    let Some(cli) = cli.as_ref() else {
        return Err(Early::unknown(
            "--run-containers needs the docker CLI, which is not installed (see docker.cli)",
        ));
    };
    let read_only = target.service.as_ref().is_some_and(|s| s.read_only);
    // Run as compose would: with the service's `user:` (unless it needs interpolation).
    let user: Option<String> = target
        .service
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .map(|u| u.value.trim().to_string())
        .filter(|u| !u.is_empty() && !u.contains('$'));
    let workdir_set = !cfg.working_dir.trim().is_empty();
    let workdir = if workdir_set {
        cfg.working_dir.trim()
    } else {
        "/app"
    };
    let plan = run::Plan {
        image: &target.name,
        user: user.as_deref(),
        read_only,
        workdir: (workdir != "/").then_some(workdir),
        // The runs share the check's time, keeping a reserve for the `docker rm -f`s.
        deadline: started
            + ctx
                .settings
                .timeout
                .saturating_sub(Duration::from_secs(2))
                .max(Duration::from_millis(500)),
    };
    let v = run::verify(ctx, cli, &plan);

    let (uid_part, uid) = judge_uid(&v.id);
    let parts = [
        uid_part,
        judge_workdir(&v.ls, workdir, workdir_set, uid.as_deref()),
        judge_read_only(&v.touch, &target),
    ];
    let status = parts
        .iter()
        .map(|p| p.status)
        .filter(|s| *s != Status::Skip)
        .max()
        .unwrap_or(Status::Skip);
    let shown: Vec<&str> = parts
        .iter()
        .filter(|p| p.status == status)
        .map(|p| p.line.as_str())
        .collect();
    let mut r = CheckResult::new(status, format!("{}: {}", target.name, shown.join("; ")));
    for p in &parts {
        r = r.detail(format!("{}: {}", p.status, p.line));
    }
    if let (Some(u), Some(s)) = (&user, &target.service) {
        r = r.detail(format!(
            "ran with --user {u}, as compose service `{}` does",
            s.name
        ));
    }
    let mut left = Vec::new();
    for run in v.runs() {
        r = r.detail(format!("ran: {}", run.display()));
        if !run.cleaned {
            left.push(run.name.clone());
        }
    }
    if !left.is_empty() {
        r = r.detail(format!(
            "could not confirm removal of {}; remove with: docker rm -f NAME",
            left.join(", ")
        ));
    }
    Ok(r.data("image", target.name.clone())
        .data("uid", uid.unwrap_or_default())
        .data("read_only_tested", read_only)
        .data("containers_left", left)
        .data(
            "parts",
            parts
                .iter()
                .map(|p| serde_json::json!({"status": p.status.as_str(), "message": p.line}))
                .collect::<Vec<_>>(),
        ))
}

fn out_of_time(what: &str) -> Part {
    part(
        Status::Unknown,
        format!("{what}: no time left; raise --timeout"),
    )
}

/// `id -u`: 0 fails, another number is the uid.
fn judge_uid(step: &run::Step) -> (Part, Option<String>) {
    let run = match step {
        run::Step::Ran(r) => r,
        _ => return (out_of_time("uid"), None),
    };
    if let Some(p) = run.problem("id") {
        return (part(Status::Unknown, format!("uid: {p}")), None);
    }
    let text = run
        .output
        .as_ref()
        .map(|o| o.stdout_text().trim().to_string())
        .unwrap_or_default();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit()) {
        return (
            part(
                Status::Unknown,
                format!("`id -u` printed {text:?}, not a uid"),
            ),
            None,
        );
    }
    let p = if text == "0" {
        part(Status::Fail, "`id -u` prints 0: the container runs as root")
    } else {
        part(Status::Ok, format!("runs as uid {text}"))
    };
    (p, Some(text))
}

/// `ls -lan WORKDIR`: the directory and its files belong to the container's user.
fn judge_workdir(step: &run::Step, dir: &str, configured: bool, uid: Option<&str>) -> Part {
    let run = match step {
        run::Step::NotPlanned => {
            return part(
                Status::Skip,
                "workdir is / (no WORKDIR set), ownership not checked",
            )
        }
        run::Step::OutOfTime => return out_of_time("workdir"),
        run::Step::Ran(r) => r,
    };
    if let Some(p) = run.problem("ls") {
        return part(Status::Unknown, format!("workdir: {p}"));
    }
    let Some(out) = &run.output else {
        return part(Status::Unknown, "workdir: no output");
    };
    let why = docker::cli::first_line(&out.stderr_text());
    match out.code {
        Some(0) => judge_ownership(dir, &out.stdout_text(), uid),
        _ if !configured => part(
            Status::Skip,
            format!("no WORKDIR set and /app cannot be listed ({why}), ownership not checked"),
        ),
        _ => part(Status::Unknown, format!("cannot list {dir}: {why}")),
    }
}

/// `touch /devdoctor-test` under `--read-only` must fail.
fn judge_read_only(step: &run::Step, target: &TargetImage) -> Part {
    let run = match step {
        run::Step::NotPlanned => {
            return part(
                Status::Skip,
                match &target.service {
                    Some(s) => format!("compose service `{}` does not set read_only: true, so the read-only root was not tested (see compose.read_only)", s.name),
                    None => "no compose service runs this image with read_only: true, so the read-only root was not tested".to_string(),
                },
            )
        }
        run::Step::OutOfTime => return out_of_time("read-only root"),
        run::Step::Ran(r) => r,
    };
    if let Some(p) = run.problem("touch") {
        return part(Status::Unknown, format!("read-only root: {p}"));
    }
    match run.output.as_ref().and_then(|o| o.code) {
        Some(0) => part(
            Status::Fail,
            "`touch /devdoctor-test` succeeded under --read-only: the root filesystem is writable",
        ),
        _ => {
            let err = run
                .output
                .as_ref()
                .map(|o| o.stderr_text())
                .unwrap_or_default();
            part(
                Status::Ok,
                format!(
                    "root filesystem is read-only: touch /devdoctor-test fails ({})",
                    docker::cli::first_line(&err)
                ),
            )
        }
    }
}

/// Judges `ls -lan DIR` output: the directory and its entries should belong to `uid` (the
/// container's user), or at least not to root.
fn judge_ownership(dir: &str, ls: &str, uid: Option<&str>) -> Part {
    let entries = run::parse_ls(ls);
    let Some(own) = entries.iter().find(|e| e.name == ".") else {
        return part(
            Status::Unknown,
            format!("`ls -lan {dir}` printed no entry for the directory itself"),
        );
    };
    let want = uid.filter(|u| *u != "0");
    let bad = |owner: &str| match want {
        Some(u) => owner != u,
        None => owner == "0",
    };
    let files: Vec<&run::LsEntry> = entries
        .iter()
        .filter(|e| e.name != "." && e.name != "..")
        .collect();
    let wrong: Vec<String> = files
        .iter()
        .filter(|e| bad(&e.uid))
        .map(|e| format!("{} (uid {})", e.name, e.uid))
        .collect();
    let whom = match want {
        Some(u) => format!("uid {u}"),
        None => "a non-root user".to_string(),
    };
    if bad(&own.uid) || !wrong.is_empty() {
        let mut msg = Vec::new();
        if bad(&own.uid) {
            msg.push(format!("{dir} is owned by uid {}", own.uid));
        }
        if !wrong.is_empty() {
            let n = wrong.len();
            let shown: Vec<String> = wrong.into_iter().take(5).collect();
            msg.push(format!(
                "{n} of {} entries are not owned by {whom}: {}",
                files.len(),
                shown.join(", ")
            ));
        }
        part(
            Status::Warn,
            format!(
                "{}; copy files with COPY --chown=USER:GROUP and create the workdir as that user",
                msg.join("; ")
            ),
        )
    } else {
        part(
            Status::Ok,
            format!("{dir} and its {} entries are owned by {whom}", files.len()),
        )
    }
}

fn check_scanner(ctx: &Context) -> Outcome {
    let started = Instant::now();
    if !ctx.settings.scan {
        // Whether trivy is installed is tools.trivy's question; one cause, one finding.
        return Err(Early::skip(
            "pass --scan to scan the image (tools.trivy checks that trivy is installed)",
        ));
    }
    let Some(tool) = trivy::find(ctx) else {
        let commands = crate::probes::mamba::toolchain(ctx).commands();
        let r =
            CheckResult::warn("trivy is not installed: images are not scanned for vulnerabilities")
                .with_fix(
                    Fix::new("Install trivy from conda-forge.")
                        .cmd(commands.install("base", &["trivy"]))
                        .phase(Phase::InstallTool),
                );
        return Ok(r.detail("--scan was given, but there is no trivy to run"));
    };
    let version = tool
        .version
        .clone()
        .unwrap_or_else(|| "(version unknown)".into());
    let found = CheckResult::ok(format!("trivy {version}"))
        .detail(format!("at {}", tool.path.display()))
        .data("trivy", version.clone());
    let (target, _) = match with_image(ctx) {
        Ok(v) => v,
        Err(r) => {
            let r = CheckResult::from(r);
            return Ok(CheckResult {
                details: [found.details.clone(), r.details.clone()].concat(),
                ..r
            });
        }
    };
    let timeout = ctx
        .settings
        .timeout
        .saturating_sub(started.elapsed() + Duration::from_millis(500))
        .max(Duration::from_secs(1));
    let (outcome, shown) = trivy::scan(ctx, &tool, &target.name, timeout);
    let ran = format!("ran: {}", crate::fix::quote_argv(&shown));
    let c = match outcome {
        trivy::ScanOutcome::Counts(c) => c,
        trivy::ScanOutcome::TimedOut(how) => {
            return Err(Early::unknown(format!("trivy {how} while scanning {}", target.name))
                .detail("trivy downloads its vulnerability database on first use; raise --timeout (e.g. --timeout 300)")
                .detail(ran));
        }
        trivy::ScanOutcome::Failed(why) => {
            return Err(
                Early::unknown(format!("scanning {} failed: {why}", target.name)).detail(ran),
            );
        }
    };
    let summary = format!(
        "{}: {} CRITICAL, {} HIGH vulnerabilities (trivy {version})",
        target.name, c.critical, c.high
    );
    let r = if c.critical > 0 {
        CheckResult::fail(summary)
    } else if c.high > 0 {
        CheckResult::warn(summary)
    } else {
        CheckResult::ok(summary)
    };
    let r = if c.critical + c.high > 0 {
        r.detail(format!("e.g. {}", c.ids.join(", "))).with_fix(build_fix(
            ctx,
            &target,
            "Update the base image and packages (a newer pinned base tag, micromamba update in the build), then rebuild and scan again.",
        ))
    } else {
        r
    };
    Ok(r.detail(ran)
        .data("critical", c.critical)
        .data("high", c.high)
        .data("image", target.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;

    #[test]
    fn spans_read_naturally() {
        assert_eq!(span(Duration::from_secs(1)), "1 second");
        assert_eq!(span(Duration::from_secs(600)), "10 minutes");
        assert_eq!(span(Duration::from_secs(3 * 3600)), "3 hours");
        assert_eq!(span(Duration::from_secs(5 * 86400)), "5 days");
    }

    #[test]
    fn the_projects_own_service_is_told_from_its_databases_and_workers() {
        let settings = Settings {
            project_dir: "/x/black-06__mercury".into(),
            ..Settings::default()
        };
        let ctx = Context::with_vars(settings, Vec::new());
        let svc = |name: &str, image: Option<&str>, builds: bool, ports: bool| ComposeService {
            name: name.into(),
            image: image.map(String::from),
            builds,
            ports: if ports {
                vec![crate::probes::compose::parse_port("8000:80", 1)]
            } else {
                Vec::new()
            },
            ..ComposeService::default()
        };
        // mercury: nothing builds; the service named like the project, not the database.
        let db = svc("db", Some("mysql:5.7"), false, false);
        let own = svc("mercury", Some("mercury:latest"), false, false);
        assert!(own_score(&ctx, &own) > own_score(&ctx, &db));
        // A built service beats any image; among built ones, the one that serves.
        let worker = svc("celery_worker", None, true, false);
        let web = svc("frontend", None, true, true);
        assert!(own_score(&ctx, &worker) > own_score(&ctx, &own));
        assert!(own_score(&ctx, &web) > own_score(&ctx, &worker));
        // Generic words name nothing: `app` is every project's.
        let app = svc("app", Some("app:latest"), false, false);
        assert!(!own_score(&ctx, &app).1);
    }

    #[test]
    fn compose_names_built_images_project_service() {
        let ctx = Context::with_vars(Settings::default(), Vec::new());
        let s = ComposeService {
            name: "Api".into(),
            file: "/x/My_Proj/compose.yaml".into(),
            builds: true,
            ..ComposeService::default()
        };
        assert_eq!(service_image(&ctx, &s).as_deref(), Some("my_proj-api"));
        let s = ComposeService {
            image: Some("postgres:16".into()),
            ..s
        };
        assert_eq!(service_image(&ctx, &s).as_deref(), Some("postgres:16"));
        let ctx = Context::with_vars(
            Settings::default(),
            vec![("COMPOSE_PROJECT_NAME".into(), "Other".into())],
        );
        let s = ComposeService {
            name: "web".into(),
            file: "/x/p/compose.yaml".into(),
            builds: true,
            ..ComposeService::default()
        };
        assert_eq!(service_image(&ctx, &s).as_deref(), Some("other-web"));
    }

    /// A top-level `name:` is the compose project's name (AstraBert/zapgit checked out into
    /// any folder builds `zapgit-zapbackend`); COMPOSE_PROJECT_NAME still wins.
    #[test]
    fn the_compose_files_own_name_names_built_images() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("compose.yaml");
        std::fs::write(
            &file,
            "name: ZapGit\nservices:\n  zapbackend:\n    build: .\n",
        )
        .unwrap();
        let settings = || Settings {
            project_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let s = ComposeService {
            name: "zapbackend".into(),
            file: file.clone(),
            builds: true,
            ..ComposeService::default()
        };
        let ctx = Context::with_vars(settings(), Vec::new());
        assert_eq!(
            service_image(&ctx, &s).as_deref(),
            Some("zapgit-zapbackend")
        );
        let ctx = Context::with_vars(
            settings(),
            vec![("COMPOSE_PROJECT_NAME".into(), "other".into())],
        );
        assert_eq!(service_image(&ctx, &s).as_deref(), Some("other-zapbackend"));
    }

    #[test]
    fn configured_image_wins() {
        let settings = Settings {
            image: Some("app:1".into()),
            ..Settings::default()
        };
        let t = target_image(&Context::with_vars(settings, Vec::new())).unwrap();
        assert_eq!(t.name, "app:1");
        // An empty project (compose discovery walks the project, so not the crate itself).
        let empty = tempfile::tempdir().unwrap();
        let settings = Settings {
            project_dir: empty.path().to_path_buf(),
            ..Settings::default()
        };
        assert!(target_image(&Context::with_vars(settings, Vec::new())).is_none());
    }

    #[test]
    fn ownership_judgement() {
        let good = "total 12\ndrwxr-xr-x    2 1000     1000          4096 Nov 28 17:43 .\ndrwxr-xr-x    9 0        0             4096 Nov 28 17:43 ..\n-rw-r--r--    1 1000     1000             3 Nov 28 17:43 main.py\n";
        assert_eq!(
            judge_ownership("/app", good, Some("1000")).status,
            Status::Ok
        );
        let root_dir = good.replacen(
            "1000     1000          4096 Nov 28 17:43 .\n",
            "0        0             4096 Nov 28 17:43 .\n",
            1,
        );
        let p = judge_ownership("/app", &root_dir, Some("1000"));
        assert_eq!(p.status, Status::Warn);
        assert!(p.line.contains("/app is owned by uid 0"), "{}", p.line);
        let root_file = good.replace("1000     1000             3", "0        0                3");
        let p = judge_ownership("/app", &root_file, None);
        assert_eq!(p.status, Status::Warn);
        assert!(p.line.contains("main.py (uid 0)"), "{}", p.line);
        assert_eq!(
            judge_ownership("/app", "garbage", Some("1000")).status,
            Status::Unknown
        );
    }
}
