//! The project's Dockerfiles: found, read and parsed once per run, with build stages
//! resolved (global ARGs substituted into FROM, `AS name`, stages based on stages).
//!
//! Files come from `docker.dockerfiles` in the config, else `Dockerfile`, `*.Dockerfile` and
//! `Dockerfile.*`, `Dockerfile_*` and `Dockerfile-*` anywhere in the project, as the shared walk finds them (see `probes::files`).

mod ignore;
mod parse;

pub(crate) use ignore::{clean as clean_context_path, DockerIgnore, IgnoreRule};
pub use parse::{expand, key_values, parse, words, Instruction, Problem};

use crate::core::Context;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are not parsed (a Dockerfile is a few KiB).
pub(crate) const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageRef {
    pub registry: Option<String>,
    /// Repository path, lower-cased, without `docker.io/` and `library/`.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// The repository path as written has an uppercase letter, which Docker refuses
    /// ("invalid reference format: repository name must be lowercase"); the registry host and
    /// the tag may have them.
    pub uppercase: bool,
}

impl ImageRef {
    pub fn parse(reference: &str) -> ImageRef {
        let reference = reference.trim();
        let (rest, digest) = match reference.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |p| p + 1);
        let (name, tag) = match rest.get(last_slash..).and_then(|tail| tail.rfind(':')) {
            Some(colon) => {
                let at = last_slash + colon;
                (
                    rest.get(..at).unwrap_or(rest),
                    rest.get(at + 1..).map(str::to_string),
                )
            }
            None => (rest, None),
        };
        let mut parts: Vec<&str> = name.split('/').collect();
        let registry = match parts.first() {
            Some(first)
                if parts.len() > 1
                    && (first.contains('.') || first.contains(':') || *first == "localhost") =>
            {
                Some(parts.remove(0).to_ascii_lowercase())
            }
            _ => None,
        };
        let written = parts.join("/");
        let uppercase = written.chars().any(|c| c.is_ascii_uppercase());
        let mut repository = written.to_ascii_lowercase();
        // Docker Hub's official images through the public mirrors of AWS and Google
        // (`public.ecr.aws/docker/library/python:3.10-slim`, tandemai-inc/rdkit-mcp-server's
        // base) are the same images: judged as Docker Hub's.
        let mirror = match registry.as_deref() {
            Some("public.ecr.aws") => repository.strip_prefix("docker/").map(str::to_string),
            Some("mirror.gcr.io") => Some(repository.clone()),
            _ => None,
        }
        .filter(|r| r.starts_with("library/"));
        if let Some(r) = mirror {
            repository = r;
        }
        let hub = mirror_or_hub(registry.as_deref(), &repository);
        if hub {
            if let Some(r) = repository.strip_prefix("library/") {
                repository = r.to_string();
            }
        }
        ImageRef {
            registry: registry.filter(|_| !hub),
            repository,
            tag: tag.filter(|t| !t.is_empty()),
            digest,
            uppercase,
        }
    }

    /// The last path component (`python` for `docker.io/library/python`).
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }
}

/// One build stage: a FROM and the instructions up to the next FROM.
#[derive(Debug, Clone, Default)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// The image as written.
    pub base_raw: String,
    /// The image with global ARGs substituted.
    pub base: String,
    /// Some variable in the image had no value.
    pub base_unresolved: bool,
    /// The stage this one is built on (`FROM builder`).
    pub base_stage: Option<usize>,
    /// Index of the FROM instruction in `Dockerfile::instructions`.
    pub from: usize,
    /// Index one past the stage's last instruction.
    pub end: usize,
}

impl Stage {
    pub fn line(&self, df: &Dockerfile) -> usize {
        df.instructions.get(self.from).map_or(0, |i| i.line)
    }

    /// The stage's instructions after its FROM.
    pub fn body<'a>(&self, df: &'a Dockerfile) -> &'a [Instruction] {
        df.instructions
            .get(self.from + 1..self.end)
            .unwrap_or_default()
    }

    /// The base image (not a stage, not `scratch`), parsed; `None` for a reference Docker
    /// refuses (dockerfile.syntax reports it).
    pub fn image(&self) -> Option<ImageRef> {
        if self.base_stage.is_some() || self.base.is_empty() {
            return None;
        }
        Some(ImageRef::parse(&self.base)).filter(|r| !r.uppercase)
    }
}

/// Docker Hub, by its names, or one of its mirrors once the repository is read as Hub's.
fn mirror_or_hub(registry: Option<&str>, repository: &str) -> bool {
    match registry {
        None | Some("docker.io" | "index.docker.io") => true,
        Some("public.ecr.aws" | "mirror.gcr.io") => repository.starts_with("library/"),
        Some(_) => false,
    }
}

/// One Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub path: PathBuf,
    /// The path shown to users (relative to the project when inside it).
    pub display: String,
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub global_ignores: Vec<String>,
    /// ARGs declared before the first FROM, with their defaults.
    pub global_args: HashMap<String, String>,
    pub problems: Vec<Problem>,
}

impl Dockerfile {
    /// Whether this is a dev container's Dockerfile: under a `.devcontainer` folder, where
    /// VS Code, Codespaces and the devcontainer CLI look for it.
    pub(crate) fn dev_container(&self) -> bool {
        super::files::in_dev_container(&self.display)
    }

    /// Parses `text` as the Dockerfile at `path`.
    pub fn from_text(path: PathBuf, display: String, text: &str) -> Dockerfile {
        let parsed = parse(text);
        let mut df = Dockerfile {
            path,
            display,
            escape: parsed.escape,
            instructions: parsed.instructions,
            global_ignores: parsed.global_ignores,
            problems: parsed.problems,
            ..Dockerfile::default()
        };
        df.build_stages();
        df
    }

    fn build_stages(&mut self) {
        let mut names: Vec<(String, usize)> = Vec::new();
        let mut stages: Vec<Stage> = Vec::new();
        for (idx, ins) in self.instructions.iter().enumerate() {
            match ins.keyword.as_str() {
                "ARG" if stages.is_empty() => {
                    for (k, v) in key_values("ARG", &ins.args, self.escape) {
                        // A default may use the ARGs declared before it, as BuildKit expands
                        // it (`ARG BASE` then `ARG BASE=${BASE:-ubuntu:24.04}`); one that
                        // names an unknown variable stays as written.
                        let Some(v) = v else {
                            self.global_args.entry(k).or_default();
                            continue;
                        };
                        let (expanded, complete) = expand(&v, &self.global_args);
                        self.global_args
                            .insert(k, if complete { expanded } else { v });
                    }
                }
                "FROM" => {
                    let ws = words(&ins.args, self.escape);
                    let base_raw = ws.first().cloned().unwrap_or_default();
                    let name = match (ws.get(1), ws.get(2)) {
                        (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => {
                            Some(n.to_ascii_lowercase())
                        }
                        (Some(_), _) => {
                            self.problems.push(Problem {
                                line: ins.line,
                                message: "FROM takes an image and an optional `AS name`"
                                    .to_string(),
                            });
                            None
                        }
                        _ => None,
                    };
                    let (base, complete) = expand(&base_raw, &self.global_args);
                    // An ARG whose own default names an unknown variable leaves it in.
                    let complete = complete && !base.contains('$');
                    if base.is_empty() {
                        self.problems.push(Problem {
                            line: ins.line,
                            message: "FROM names no image".to_string(),
                        });
                    }
                    let base_stage = names
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(&base))
                        .map(|&(_, i)| i);
                    if base_stage.is_none() && complete && ImageRef::parse(&base).uppercase {
                        self.problems.push(Problem {
                            line: ins.line,
                            message: invalid_reference(&base, &self.global_args),
                        });
                    }
                    if let Some(last) = stages.last_mut() {
                        last.end = idx;
                    }
                    let index = stages.len();
                    if let Some(n) = &name {
                        if names.iter().any(|(m, _)| m == n) {
                            self.problems.push(Problem {
                                line: ins.line,
                                message: format!("stage name `{n}` is used twice"),
                            });
                        }
                        names.push((n.clone(), index));
                    }
                    stages.push(Stage {
                        index,
                        name,
                        base_raw,
                        base,
                        base_unresolved: !complete,
                        base_stage,
                        from: idx,
                        end: self.instructions.len(),
                    });
                }
                _ => {}
            }
        }
        self.stages = stages;
    }

    /// The final stage's first `EXPOSE`d port and its line (`EXPOSE 8501/tcp` → 8501), SSH's
    /// 22 only where nothing else is exposed: the app serves the other (`EXPOSE 22 3001`).
    pub(crate) fn exposed_port(&self) -> Option<(u16, usize)> {
        let stage = self.final_stage()?;
        let ports: Vec<(u16, usize)> = stage
            .body(self)
            .iter()
            .filter(|i| i.keyword == "EXPOSE")
            .flat_map(|i| {
                i.args
                    .split_whitespace()
                    .filter_map(|w| w.split('/').next()?.parse().ok())
                    .map(move |port| (port, i.line))
            })
            .collect();
        ports
            .iter()
            .find(|(port, _)| *port != 22)
            .or_else(|| ports.first())
            .copied()
    }

    /// The environment the final image starts with, as its ENV instructions set it (the
    /// final stage and the stages it is built on): each name with its last value and line.
    pub(crate) fn final_env(&self) -> Vec<(String, String, usize)> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return Vec::new();
        };
        let mut env: Vec<(String, String, usize)> = Vec::new();
        for stage in self.lineage(last).iter().rev() {
            for ins in stage.body(self).iter().filter(|i| i.keyword == "ENV") {
                for (name, value) in key_values("ENV", &ins.args, self.escape) {
                    env.retain(|(n, _, _)| *n != name);
                    env.push((name, value.unwrap_or_default(), ins.line));
                }
            }
        }
        env
    }

    /// The final image's start command: its ENTRYPOINT's words, then its CMD's (the last of
    /// each in the final stage or a stage it is built on), exec form as written, shell form
    /// split as `sh` would split plain words. As in Docker, an ENTRYPOINT drops the CMD a
    /// stage inherits from the one it is built on.
    pub(crate) fn start_words(&self) -> Vec<String> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return Vec::new();
        };
        let lineage = self.lineage(last);
        let find = |keyword: &str, stages: &[&Stage]| {
            stages.iter().enumerate().find_map(|(at, s)| {
                let i = s.body(self).iter().rev().find(|i| i.keyword == keyword)?;
                let words = i.exec.clone().unwrap_or_else(|| {
                    shlex::split(&i.args)
                        .unwrap_or_else(|| i.args.split_whitespace().map(str::to_string).collect())
                });
                Some((at, words))
            })
        };
        let entry = find("ENTRYPOINT", &lineage);
        let reach = entry.as_ref().map_or(lineage.len(), |(at, _)| at + 1);
        let mut words = entry.map(|(_, w)| w).unwrap_or_default();
        words.extend(
            find("CMD", &lineage[..reach])
                .map(|(_, w)| w)
                .unwrap_or_default(),
        );
        words
    }

    /// The build context this Dockerfile is written for when no compose service names one:
    /// its own folder, unless what its COPY/ADD take from the context is found only from the
    /// project root (`COPY deploy/predictor/environment.yml …` in deploy/predictor/Dockerfile,
    /// built with `-f deploy/predictor/Dockerfile .`). Only plain relative paths are looked
    /// up, and only inside the project.
    pub(crate) fn default_context(&self, root: &Path) -> PathBuf {
        let dir = self.path.parent().unwrap_or(root).to_path_buf();
        if dir == root {
            return dir;
        }
        let (mut here, mut at_root) = (0, 0);
        for src in self.context_sources() {
            match (present(&dir, &src), present(root, &src)) {
                (true, _) => here += 1,
                (false, true) => at_root += 1,
                (false, false) => {}
            }
        }
        if at_root > 0 && here == 0 {
            root.to_path_buf()
        } else {
            dir
        }
    }

    /// The plain relative paths COPY and ADD take from the build context (not `--from`, URLs,
    /// variables or globs).
    pub(crate) fn context_sources(&self) -> Vec<PathBuf> {
        let plain = |s: &str| {
            !s.is_empty()
                && !s.contains(['$', '*', '?', '['])
                && !s.contains("://")
                && Path::new(s).components().all(|c| {
                    matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::CurDir
                    )
                })
        };
        self.instructions
            .iter()
            .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
            .flat_map(|i| {
                let words: Vec<String> = i
                    .exec
                    .clone()
                    .unwrap_or_else(|| i.args.split_whitespace().map(str::to_string).collect());
                let n = words.len().saturating_sub(1);
                words.into_iter().take(n).collect::<Vec<_>>()
            })
            .filter(|s| plain(s) && s != ".")
            .map(PathBuf::from)
            .collect()
    }

    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The Dockerfile as `docker build --target NAME` builds it: the stages up to the one
    /// named NAME, which is then the final one (lines unchanged). `None` where no stage has
    /// that name (the build stops there).
    pub(crate) fn up_to(&self, target: &str) -> Option<Dockerfile> {
        let target = target.to_ascii_lowercase();
        let at = self
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(target.as_str()))?;
        let mut df = self.clone();
        df.instructions.truncate(df.stages[at].end);
        df.stages.truncate(at + 1);
        Some(df)
    }

    /// Stages `stage` is built on, itself first (bounded, so a cycle cannot loop).
    pub fn lineage(&self, stage: usize) -> Vec<&Stage> {
        let mut out = Vec::new();
        let mut cur = self.stages.get(stage);
        while let Some(s) = cur {
            if out.len() > self.stages.len() {
                break;
            }
            out.push(s);
            cur = s.base_stage.and_then(|b| self.stages.get(b));
        }
        out
    }

    /// Whether a finding at the instruction on `line` is silenced for any of `codes`.
    pub(crate) fn ignored_at(&self, line: usize, codes: &[&str]) -> bool {
        let global = self
            .global_ignores
            .iter()
            .any(|g| codes.iter().any(|c| g.eq_ignore_ascii_case(c)));
        global
            || self
                .instructions
                .iter()
                .find(|i| i.line == line)
                .is_some_and(|i| i.ignored(codes))
    }
}

/// A Dockerfile that could not be read.
#[derive(Debug, Clone)]
pub(crate) struct Unreadable {
    pub display: String,
    pub reason: String,
    /// Not read: a link out of an untrusted project (see [`crate::disk::confine_to`]).
    pub withheld: bool,
}

/// All Dockerfiles of the project.
#[derive(Debug, Clone, Default)]
pub(crate) struct DockerfileFacts {
    pub files: Vec<Dockerfile>,
    pub unreadable: Vec<Unreadable>,
}

impl DockerfileFacts {
    /// No Dockerfile at all: every dockerfile check skips.
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty() && self.unreadable.is_empty()
    }
}

/// What `FROM base` with an uppercase repository is told: a bare uppercase word is most
/// likely a build argument written without `${…}` (`FROM SRC_IMAGE`).
fn invalid_reference(base: &str, args: &HashMap<String, String>) -> String {
    let looks_like_an_arg = base
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let hint = if looks_like_an_arg && args.contains_key(base) {
        format!(": to use the build argument, write `FROM ${{{base}}}`")
    } else if looks_like_an_arg {
        format!(": to use a build argument, declare `ARG {base}` before the first FROM and write `FROM ${{{base}}}`")
    } else {
        String::new()
    };
    format!(
        "FROM `{base}` is not a valid image reference (repository names are lowercase; the build stops with \"invalid reference format\"){hint}"
    )
}

/// Whether a file name is a Dockerfile by convention.
/// The port a server's command line (an image's [`Dockerfile::start_words`]) says it listens
/// on: `--port 3333`, `--port=3333`, Streamlit's `--server.port`, gunicorn's `--bind
/// 0.0.0.0:80` (or `-b`), waitress's `--listen=*:8080`; a `${PORT:-8000}` there gives its
/// fallback.
pub(crate) fn listen_port(words: &[String]) -> Option<u16> {
    let port_of = |v: &str| -> Option<u16> {
        let v = crate::policy::secrets::literal_default(v).unwrap_or(v);
        v.rsplit(':').next()?.trim_matches(['"', '\'']).parse().ok()
    };
    words.iter().enumerate().find_map(|(i, w)| {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v)),
            _ => (w.as_str(), None),
        };
        let takes = matches!(
            flag,
            "--port" | "--server.port" | "--bind" | "-b" | "--listen"
        ) || flag.ends_with("App.port");
        if !takes {
            return None;
        }
        port_of(inline.or_else(|| words.get(i + 1).map(String::as_str))?)
    })
}

/// Reads and parses one file.
pub(crate) fn load(path: &Path, display: String) -> Result<Dockerfile, Unreadable> {
    let unreadable = |reason: String| Unreadable {
        display: display.clone(),
        reason,
        withheld: false,
    };
    if let Err(e) = crate::disk::confined(path) {
        return Err(Unreadable {
            withheld: true,
            ..unreadable(e.to_string())
        });
    }
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(unreadable(format!(
            "{} bytes is larger than the {} MiB limit for a Dockerfile",
            meta.len(),
            MAX_BYTES / 1024 / 1024
        )));
    }
    let bytes = crate::disk::read_capped(path, MAX_BYTES, "the limit for a Dockerfile")
        .map_err(|e| unreadable(e.to_string()))?;
    if bytes.contains(&0) {
        return Err(unreadable(
            "binary content (NUL bytes): this is not a Dockerfile".to_string(),
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(Dockerfile::from_text(path.to_path_buf(), display, &text))
}

/// The Dockerfile at `path` (a compose service's, an image's), read and parsed at most once
/// per run however many services and checks ask for it; one outside the project is not read
/// until the user trusts it.
pub(crate) fn load_once(ctx: &Context, path: &Path) -> Arc<Result<Dockerfile, Unreadable>> {
    ctx.probe_keyed(path.to_path_buf(), |ctx| {
        let display = ctx.settings.display_path(path);
        if let Err(e) = crate::disk::named_outside(path) {
            return Err(Unreadable {
                display,
                reason: e.to_string(),
                withheld: true,
            });
        }
        load(path, display)
    })
}

/// The Dockerfiles of the project, parsed once per run.
pub(crate) fn dockerfiles(ctx: &Context) -> Arc<DockerfileFacts> {
    ctx.probe(|ctx| {
        let s = &ctx.settings;
        let configured = !s.dockerfiles.is_empty();
        let paths: Vec<PathBuf> = if configured {
            s.dockerfiles.iter().map(|p| s.project_path(p)).collect()
        } else {
            crate::probes::files::project_files(ctx).dockerfiles.clone()
        };
        let mut facts = DockerfileFacts {
            ..DockerfileFacts::default()
        };
        for path in paths {
            match load(&path, s.display_path(&path)) {
                Ok(df) => facts.files.push(df),
                Err(u) => facts.unreadable.push(u),
            }
        }
        facts
    })
}

/// The project's Docker build contexts, each once, in a stable order: a compose service's
/// `build.context`, and for every Dockerfile no service builds, its
/// [`Dockerfile::default_context`].
/// Only folders inside the project count: a context that a compose file points outside it
/// is not read.
pub(crate) fn build_contexts(ctx: &Context) -> Vec<PathBuf> {
    let project = &ctx.settings.project_dir;
    let root = ctx.project_real().unwrap_or(project);
    let inside_project = |p: &Path| {
        let real = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        real.starts_with(root) && real.is_dir()
    };
    let compose = crate::probes::compose::compose(ctx);
    let mut out: Vec<PathBuf> = Vec::new();
    let mut push = |p: PathBuf| {
        if inside_project(&p) && !out.iter().any(|o| same_dir(o, &p)) {
            out.push(p);
        }
    };
    for s in &compose.services {
        if let Some(c) = &s.build_context {
            push(c.clone());
        }
    }
    for df in &dockerfiles(ctx).files {
        let built = compose
            .services
            .iter()
            .any(|s| s.dockerfile.as_deref() == Some(df.path.as_path()));
        if !built {
            push(df.default_context(project));
        }
    }
    out
}

/// The build context `df` is built with: the one the first compose service that builds it
/// names, else [`Dockerfile::default_context`].
///
/// A compose context outside the project (`context: ../../etc`) is not looked into until
/// the user trusts the project: the Dockerfile's own context stands in for it.
pub(crate) fn context_of(ctx: &Context, df: &Dockerfile) -> PathBuf {
    crate::probes::compose::compose(ctx)
        .services
        .iter()
        .filter(|s| s.dockerfile.as_deref() == Some(df.path.as_path()))
        .find_map(|s| s.build_context.clone())
        .filter(|c| crate::disk::named_outside(c).is_ok())
        .unwrap_or_else(|| df.default_context(&ctx.settings.project_dir))
}

/// The ignore file Docker applies when it builds a Dockerfile, parsed.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreFile {
    /// Where it is, as the report shows it.
    pub(crate) display: String,
    /// The build context its patterns are relative to.
    pub(crate) context: PathBuf,
    pub(crate) patterns: DockerIgnore,
}

impl IgnoreFile {
    /// The pattern that leaves the COPY source `source` out of the build context, so that the
    /// COPY finds nothing; `None` when it is sent, or cannot be told: a variable or a glob, a
    /// path out of the context, or a folder an exception may bring part of back.
    pub(crate) fn leaves_out(&self, source: &str) -> Option<&IgnoreRule> {
        if source.contains(['$', '*', '?', '['])
            || source.contains("://")
            || source.starts_with("<<")
        {
            return None;
        }
        let path = clean_context_path(source).filter(|p| !p.is_empty())?;
        let rule = self.patterns.excluded_by(&path)?;
        let file = regular_file_under(&self.context, Path::new(&path));
        (file || !self.patterns.may_include_below(&path)).then_some(rule)
    }
}

/// The ignore file of `df`'s build: `<Dockerfile name>.dockerignore` beside it (BuildKit
/// prefers it), else `.dockerignore` at the root of its build context; `None` when there is
/// neither (or it cannot be read). Read once per Dockerfile.
pub(crate) fn ignore_file(ctx: &Context, df: &Dockerfile) -> Arc<Option<IgnoreFile>> {
    ctx.probe_keyed(df.path.clone(), |ctx| {
        let context = context_of(ctx, df);
        let path = ignore_path(df, &context);
        let text = crate::disk::read_capped_utf8(&path, 1024 * 1024, "a .dockerignore").ok()?;
        Some(IgnoreFile {
            display: ctx.settings.display_path(&path),
            context,
            patterns: DockerIgnore::parse(&text),
        })
    })
}

/// The ignore file a build of `df` with `context` reads, whether it is there or not:
/// `<Dockerfile name>.dockerignore` beside the Dockerfile where that is a file, else the
/// context's `.dockerignore`.
fn ignore_path(df: &Dockerfile, context: &Path) -> PathBuf {
    let own = df.path.file_name().map(|n| {
        df.path
            .with_file_name(format!("{}.dockerignore", n.to_string_lossy()))
    });
    own.filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
        .unwrap_or_else(|| context.join(".dockerignore"))
}

/// The ignore files the builds with the build context `context` read (see
/// [`build_contexts`]): one per Dockerfile built there, the same file once; the context's
/// `.dockerignore` where no Dockerfile of the project is built there.
pub(crate) fn context_ignore_files(ctx: &Context, context: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for df in &dockerfiles(ctx).files {
        if same_dir(&context_of(ctx, df), context) {
            let p = ignore_path(df, context);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    if out.is_empty() {
        out.push(context.join(".dockerignore"));
    }
    out
}

/// Whether `rel` names something under `base`, through no linked folder (see
/// [`crate::disk::lookup_under`]).
fn present(base: &Path, rel: &Path) -> bool {
    crate::disk::lookup_under(base, rel) == Some(true)
}

/// Whether `rel` is a regular file under `base`, looked up as [`present`] looks: through no
/// linked folder.
fn regular_file_under(base: &Path, rel: &Path) -> bool {
    present(base, rel) && std::fs::symlink_metadata(base.join(rel)).is_ok_and(|m| m.is_file())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .is_some_and(|x| b.canonicalize().ok() == Some(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app's port, not SSH's, where an image exposes both (TOSTRING-Z/transmagent's
    /// `EXPOSE 22 3001`).
    #[test]
    fn the_exposed_port_is_the_apps() {
        let port = |text: &str| {
            Dockerfile::from_text("/p/Dockerfile".into(), "d".into(), text)
                .exposed_port()
                .map(|(p, _)| p)
        };
        assert_eq!(port("FROM x\nEXPOSE 22 3001\n"), Some(3001));
        assert_eq!(port("FROM x\nEXPOSE 22\nEXPOSE 8000/tcp\n"), Some(8000));
        assert_eq!(port("FROM x\nEXPOSE 8000 9000\n"), Some(8000));
        assert_eq!(port("FROM x\nEXPOSE 22\n"), Some(22));
        assert_eq!(port("FROM x\nEXPOSE $PORT\n"), None);
    }

    #[test]
    fn the_served_port_is_the_one_the_start_command_names() {
        let port = |text: &str| {
            listen_port(
                &Dockerfile::from_text("/p/Dockerfile".into(), "d".into(), text).start_words(),
            )
        };
        assert_eq!(
            port("FROM x\nCMD [\"uvicorn\", \"a:app\", \"--port\", \"3333\"]\n"),
            Some(3333)
        );
        assert_eq!(
            port("FROM x\nCMD gunicorn -b 0.0.0.0:80 app:app\n"),
            Some(80)
        );
        assert_eq!(
            port("FROM x\nCMD gunicorn --bind=[::]:8080 app:app\n"),
            Some(8080)
        );
        assert_eq!(
            port("FROM x\nCMD streamlit run app.py --server.port=8502\n"),
            Some(8502)
        );
        assert_eq!(
            port("FROM x\nCMD waitress-serve --listen=*:8081 app:app\n"),
            Some(8081)
        );
        assert_eq!(
            port("FROM x\nCMD jupyter lab --ServerApp.port=8890\n"),
            Some(8890)
        );
        assert_eq!(
            port("FROM x\nCMD uvicorn a:app --port ${PORT:-8001}\n"),
            Some(8001)
        );
        // ENTRYPOINT and CMD together, and a CMD inherited from the stage built on.
        let inherited = "FROM x AS base\nCMD [\"--port\", \"9000\"]\nFROM base\nUSER app\n";
        assert_eq!(port(inherited), Some(9000));
        let both = "FROM x\nCMD [\"--port\", \"9001\"]\nENTRYPOINT [\"python\", \"-m\", \"srv\"]\n";
        assert_eq!(port(both), Some(9001));
        // An ENTRYPOINT set in a later stage drops the CMD it would inherit.
        let reset = "FROM x AS base\nCMD [\"--port\", \"9000\"]\nFROM base\nENTRYPOINT [\"python\", \"-m\", \"srv\"]\n";
        assert_eq!(port(reset), None);
        for none in [
            "FROM x\nCMD [\"python\", \"main.py\"]\n",
            "FROM x\nCMD uvicorn a:app --port $PORT\n",
            "FROM x\nCMD gunicorn --bind unix:/tmp/s.sock app:app\n",
            "FROM x\nEXPOSE 8000\n",
        ] {
            assert_eq!(port(none), None, "{none}");
        }
    }

    #[test]
    fn a_dockerfile_is_built_from_where_its_copies_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("deploy/api")).unwrap();
        std::fs::write(
            root.join("deploy/api/environment.yml"),
            "dependencies: []\n",
        )
        .unwrap();
        std::fs::write(root.join("deploy/api/app.py"), "").unwrap();
        let df = |text: &str| {
            Dockerfile::from_text(root.join("deploy/api/Dockerfile"), "d".into(), text)
        };
        let from_root =
            df("FROM scratch\nCOPY deploy/api/environment.yml /tmp/e.yml\nCOPY . /app\n");
        assert_eq!(from_root.default_context(root), root);
        // Its own folder: a file there, no file copied, a file nowhere, a stage's output, or
        // a path out of the project (not looked up).
        for text in [
            "FROM scratch\nCOPY app.py /app/\n",
            "FROM scratch\nCOPY . /app\n",
            "FROM scratch\nCOPY missing.txt /app/\n",
            "FROM scratch\nCOPY --from=build deploy/api/app.py /app/\n",
            "FROM scratch\nCOPY ../api/app.py /app/\n",
        ] {
            assert_eq!(
                df(text).default_context(root),
                root.join("deploy/api"),
                "{text}"
            );
        }
        // A folder that is a link is not entered, even to see whether a name is there.
        std::fs::create_dir_all(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("elsewhere/file"), "").unwrap();
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("deploy/api/ln")).unwrap();
        assert!(present(root, Path::new("elsewhere/file")));
        assert!(present(root, Path::new("deploy/api/ln")));
        assert!(!present(root, Path::new("deploy/api/ln/file")));
    }

    #[test]
    fn image_references() {
        let r = ImageRef::parse("python:3.11-slim");
        assert_eq!(
            (r.repository.as_str(), r.tag.as_deref()),
            ("python", Some("3.11-slim"))
        );
        let r = ImageRef::parse("docker.io/library/python");
        assert_eq!(
            (r.repository.as_str(), r.tag, r.registry),
            ("python", None, None)
        );
        let r = ImageRef::parse("public.ecr.aws/docker/library/python:3.10-slim");
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag.as_deref()),
            (None, "python", Some("3.10-slim"))
        );
        let r = ImageRef::parse("mirror.gcr.io/library/debian:12");
        assert_eq!((r.registry, r.repository.as_str()), (None, "debian"));
        let r = ImageRef::parse("public.ecr.aws/lambda/python:3.12");
        assert_eq!(
            (r.registry.as_deref(), r.repository.as_str()),
            (Some("public.ecr.aws"), "lambda/python")
        );
        let r = ImageRef::parse("localhost:5000/team/app:1@sha256:abc");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("gcr.io/distroless/python3-debian12:nonroot");
        assert_eq!(r.short_name(), "python3-debian12");
        assert_eq!(ImageRef::parse("mambaorg/micromamba").tag, None);
    }

    /// `FROM SRC_IMAGE` (pwwang/immunopipe's Dockerfile.full, a build argument written without
    /// `${…}`) is no image Docker accepts: the build stops, and the message says how to write
    /// it. Uppercase registry hosts and tags, stage names and variables are fine.
    #[test]
    fn an_uppercase_repository_is_not_an_image() {
        let problems = |text: &str| {
            Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), text)
                .problems
                .into_iter()
                .map(|p| (p.line, p.message))
                .collect::<Vec<_>>()
        };
        let p = problems("FROM SRC_IMAGE\nRUN true\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, 1);
        assert!(
            p[0].1.ends_with(
                "declare `ARG SRC_IMAGE` before the first FROM and write `FROM ${SRC_IMAGE}`"
            ),
            "{p:?}"
        );
        // A default built from an earlier ARG is expanded as BuildKit does (CDCgov/Mira's
        // `ARG UBUNTU_IMAGE` then `ARG UBUNTU_IMAGE=${UBUNTU_IMAGE:-ubuntu:24.04}`).
        for text in [
            "ARG BASE\nARG BASE=${BASE:-ubuntu:24.04}\nFROM ${BASE}\n",
            "ARG TAG=24.04\nARG BASE=ubuntu:${TAG}\nFROM $BASE\n",
        ] {
            assert!(problems(text).is_empty(), "{text}");
            let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
            assert_eq!(df.stages[0].base, "ubuntu:24.04", "{text}");
            assert!(!df.stages[0].base_unresolved, "{text}");
        }
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            "ARG BASE=ubuntu:${TAG}\nFROM ${BASE}\n",
        );
        assert!(df.stages[0].base_unresolved, "{:?}", df.stages[0]);
        let p = problems("ARG BASE=python:3.12\nFROM BASE\n");
        assert!(p[0].1.ends_with("write `FROM ${BASE}`"), "{p:?}");
        assert!(problems("FROM Org/App:1\n")[0]
            .1
            .starts_with("FROM `Org/App:1` is not a valid image reference"));
        for fine in [
            "FROM python:3.12 AS Build\nFROM BUILD\n",
            "FROM Registry.Example.com:5000/org/app:V1.2\n",
            "ARG BASE=python:3.12\nFROM ${BASE}\n",
            "FROM scratch\n",
        ] {
            assert_eq!(problems(fine), [], "{fine}");
        }
    }

    #[test]
    fn stages_resolve_args_names_and_parents() {
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            "ARG TAG=1.5.6\nFROM mambaorg/micromamba:${TAG} AS Builder\nRUN true\nFROM builder\nUSER 1000\n",
        );
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].name.as_deref(), Some("builder"));
        assert_eq!(df.stages[0].base, "mambaorg/micromamba:1.5.6");
        assert_eq!(df.stages[1].base_stage, Some(0));
        assert_eq!(df.stages[1].body(&df).len(), 1);
        assert_eq!(df.lineage(1).len(), 2);
        assert!(df.problems.is_empty(), "{:?}", df.problems);
    }

    #[test]
    fn dockerfile_names() {
        for ok in [
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "dockerfile",
            "Dockerfile_streamlit",
            "Dockerfile-dev",
            "dockerfile.base",
            "service.dockerfile",
            "DOCKERFILE",
        ] {
            assert!(crate::probes::files::is_dockerfile_name(ok), "{ok}");
        }
        for no in [
            ".Dockerfile",
            "Dockerfile-old",
            "Dockerfile_bak",
            "Dockerfile-",
            "compose.yaml",
            "Dockerfiles",
            "Dockerfile.dockerignore",
            "Dockerfile.md",
            "dockerfile-old",
        ] {
            assert!(!crate::probes::files::is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn discovery_goes_deep_and_skips_noise() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        for f in [
            "Dockerfile",
            "svc/api.Dockerfile",
            "a/b/Dockerfile.prod",
            "a/b/c/Dockerfile",
            "node_modules/x/Dockerfile",
            ".git/Dockerfile",
            "target/Dockerfile",
        ] {
            let path = p.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "FROM a:1\n").unwrap();
        }
        let found = crate::probes::files::scan(p).dockerfiles;
        let rel: Vec<String> = found
            .iter()
            .map(|f| f.strip_prefix(p).unwrap().display().to_string())
            .collect();
        assert_eq!(
            rel,
            vec![
                "Dockerfile",
                "a/b/Dockerfile.prod",
                "a/b/c/Dockerfile",
                "svc/api.Dockerfile"
            ]
        );
    }
}
