//! Parsed compose files: each service's security-relevant settings with the line they are on,
//! in both the short and long syntaxes, after `x-` anchors, aliases and `<<` merges.
//!
//! Interface used by other areas (keep these names): `compose(ctx)`, `ComposeFacts::services`,
//! and the `ComposeService` fields name/file/line/image/builds/read_only.

mod interp;
mod load;

pub(crate) use crate::probes::yaml::tree::{load as load_yaml, Node, Value};

use crate::core::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A value and the line it is set on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub line: usize,
}

fn setting<T>(value: T, line: usize) -> Setting<T> {
    Setting { value, line }
}

/// A published port. `host` is `None` when only a container port is given (Docker picks a
/// random host port) or the host port is a variable without a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    pub raw: String,
    pub host: Option<(u32, u32)>,
    pub host_ip: Option<String>,
    pub line: usize,
}

/// An `env_file:` entry of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvFileRef {
    /// As written, relative to the compose file's folder.
    pub path: String,
    pub line: usize,
    /// `required: false` (compose 2.24) lets a missing file pass.
    pub required: bool,
    /// The folder of the compose file that names it.
    pub dir: PathBuf,
    /// Whether the file is there: `None` when not looked at (a path out of the project, or
    /// through a variable).
    pub exists: Option<bool>,
    /// An example next to it to copy from (`.env.example`), as the report shows it.
    pub example: Option<String>,
}

/// A volume or bind mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// Host path or volume name; `None` for an anonymous volume.
    pub source: Option<String>,
    pub target: String,
    pub line: usize,
}

/// A service's `healthcheck:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Health {
    /// `disable: true`, or a test of `NONE`.
    pub disabled: bool,
    /// The `test:` as a Dockerfile HEALTHCHECK's arguments (`CMD curl -f …`, or the exec form
    /// `CMD ["curl", "-f", …]`), so that one reading serves both; `None` without a test.
    pub test: Option<String>,
}

/// A `healthcheck:` mapping: a `test:` list (`["CMD", argv…]`, `["CMD-SHELL", "cmd"]`) or
/// string (run by the shell), in the form a Dockerfile HEALTHCHECK writes it.
fn health(v: &Node) -> Health {
    let test = v.get("test");
    let items: Vec<String> = test
        .map(|t| t.items().iter().filter_map(Node::text).collect())
        .unwrap_or_default();
    let form = match items.split_first() {
        Some((kind, argv)) if kind == "CMD" => serde_json::to_string(argv)
            .ok()
            .map(|json| format!("CMD {json}")),
        Some((kind, shell)) if kind == "CMD-SHELL" => Some(format!("CMD {}", shell.join(" "))),
        Some(_) => None,
        None => test.and_then(Node::text).map(|t| format!("CMD {t}")),
    };
    let none = items.first().map(String::as_str) == Some("NONE")
        || test.and_then(Node::text).as_deref() == Some("NONE");
    Health {
        disabled: v.get("disable").and_then(Node::boolean) == Some(true) || none,
        test: form.filter(|_| !none),
    }
}

/// An `environment:` (or `build.args`) entry. The value may be a secret: never print it.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// `None` for a pass-through (`- NAME` or `NAME:` with no value).
    pub value: Option<String>,
    pub line: usize,
}

impl std::fmt::Debug for EnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvVar")
            .field("name", &self.name)
            .field("value", &self.value.as_ref().map(|_| "<redacted>"))
            .field("line", &self.line)
            .finish()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ComposeService {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    pub image: Option<String>,
    /// The service has a `build:` section.
    pub builds: bool,
    pub read_only: bool,
    /// The file as shown to users (relative to the project).
    pub display: String,
    /// `build:` context + dockerfile, when it is a local path.
    pub dockerfile: Option<PathBuf>,
    pub user: Option<Setting<String>>,
    /// What compose runs `user:` as when variables in it are unset where it runs (blanked),
    /// and their names; `None` when every variable in it is set or has a default.
    pub user_blanked: Option<(String, Vec<String>)>,
    pub read_only_line: Option<usize>,
    pub privileged: Option<Setting<bool>>,
    pub network_mode: Option<Setting<String>>,
    /// `pid`, `ipc`, `uts` and `userns_mode` settings: (key, value, line).
    pub namespaces: Vec<(String, Setting<String>)>,
    pub cap_add: Vec<Setting<String>>,
    pub cap_drop: Vec<Setting<String>>,
    pub security_opt: Vec<Setting<String>>,
    pub memory_limit: Option<usize>,
    pub cpu_limit: Option<usize>,
    pub pids_limit: Option<usize>,
    /// `healthcheck:` present, at the line of its key.
    pub healthcheck: Option<Setting<Health>>,
    pub ports: Vec<Port>,
    pub volumes: Vec<Mount>,
    pub environment: Vec<EnvVar>,
    pub build_args: Vec<EnvVar>,
    /// The `--flag value` / `--flag=value` options of `command:` (`--requirepass s3cret`), as
    /// name (`requirepass`) and value; `None` when the service sets no `command:`.
    pub command_flags: Option<Vec<EnvVar>>,
    /// The files this service was merged from (`display` first, then overrides and
    /// `extends:` sources). A line of a setting that came from `sources[k]` with k > 0 is
    /// stored as `k * LINE_STRIDE + line`; `ComposeService::locate` turns it back.
    pub sources: Vec<(PathBuf, String)>,
    /// `extends:`: (file, service) — `None` file means this file.
    pub extends: Option<(Option<String>, String)>,
    /// `build.context` resolved against the file's folder, when local.
    pub build_context: Option<PathBuf>,
    /// The services this one waits on to finish (`depends_on: NAME: condition:
    /// service_completed_successfully`).
    pub awaits_completion: Vec<String>,
    /// Another service waits on this one to finish: a one-shot job (a migration, a volume
    /// preparation), not a server.
    pub one_shot: bool,
    /// `env_file:` entries.
    pub env_files: Vec<EnvFileRef>,
    /// `tty: true` or `stdin_open: true`: a shell or a REPL someone attaches to.
    pub interactive: bool,
    /// For a service that runs an image it does not build: the Dockerfile another service of
    /// the project builds that image (the same repository, any tag) from. compose.yml runs
    /// `org/app:1.2` from a registry, compose.dev.yml builds `org/app:dev`.
    pub built_elsewhere: Option<PathBuf>,
    /// The line of `build:`, for a service that builds.
    pub build_line: Option<usize>,
    /// `build:`'s context as written (else it is the compose file's folder, or in an
    /// override the base file's context).
    pub build_context_text: Option<String>,
    /// `build.dockerfile` as written (else `Dockerfile`).
    pub dockerfile_name: Option<String>,
    /// `build.dockerfile_inline`: the Dockerfile is written in the compose file itself.
    pub inline_dockerfile: bool,
    /// `build.target`: the stage the image is built up to (`docker build --target NAME`),
    /// which is its final stage.
    pub build_target: Option<String>,
    /// What the service's local `build:` does not find in the project; `None` when all is
    /// there, or when it was not looked at (a variable, a path out of the project or through
    /// a linked folder).
    pub build_missing: Option<BuildMissing>,
}

/// What a local `build:` does not find, so that `docker compose build` stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildMissing {
    /// The context folder, as the report shows it, is not there.
    Context { shown: String },
    /// The Dockerfile, as the report shows it, is not there; the Dockerfile-like files of the
    /// context that it may mean.
    Dockerfile {
        shown: String,
        candidates: Vec<String>,
    },
}

/// See [`ComposeService::sources`].
pub(crate) const LINE_STRIDE: usize = 1_000_000;

impl ComposeService {
    /// The file (as shown to users) and line a setting's stored line came from.
    pub(crate) fn locate(&self, line: usize) -> (&str, usize) {
        let k = line / LINE_STRIDE;
        match self.sources.get(k) {
            Some((_, d)) if k > 0 => (d.as_str(), line % LINE_STRIDE),
            _ => (self.display.as_str(), line % LINE_STRIDE),
        }
    }
}

/// Something wrong in a compose file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ComposeFile {
    pub path: PathBuf,
    pub display: String,
    /// The file could not be used at all (unreadable, not YAML, no services mapping).
    pub error: Option<Problem>,
    /// Not read: it lies outside an untrusted project (see `crate::disk::confine_to`).
    pub withheld: bool,
    /// Parts that were skipped (a service that is not a mapping, …).
    pub problems: Vec<Problem>,
    /// How the file was found: `compose.yaml`, `override of compose.yaml`, `include:` …
    pub role: String,
    /// `include:` paths, interpolated, as written.
    pub includes: Vec<String>,
    /// `${VAR:?message}` with VAR unset here: compose needs it set when it runs (not an
    /// error of the file; CI or the deploy sets it).
    pub required: Vec<Problem>,
    /// The top-level `name:`: the project name compose prefixes built images and containers
    /// with, unless COMPOSE_PROJECT_NAME or `-p` says otherwise.
    pub project_name: Option<String>,
    /// A template that a script fills in before compose reads it: a service is named by a
    /// variable (`$TAG:`), which compose never interpolates in a key and refuses as a name.
    /// Its services are left out of every rule; this says why (`service `$TAG``).
    pub template: Option<String>,
}

impl ComposeFile {
    /// Why the file is left out of the rules, for a detail or a skip.
    pub(crate) fn left_out(&self) -> Option<String> {
        self.template.as_ref().map(|t| {
            format!(
                "left out {}: a template that a script fills in before compose reads it ({t})",
                self.display
            )
        })
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ComposeFacts {
    pub services: Vec<ComposeService>,
    pub files: Vec<ComposeFile>,
}

impl ComposeFacts {
    pub(crate) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Replaces `${VAR:-default}` / `${VAR-default}` with the default; `None` when a variable
/// has no default (its value is only known at `docker compose` time).
pub fn interpolate_defaults(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(rest.get(..pos)?);
        let after = rest.get(pos + 1..)?;
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('{') {
            let close = inner.find('}')?;
            let body = inner.get(..close)?;
            let default = body.split_once(":-").or_else(|| body.split_once('-'))?.1;
            out.push_str(default);
            rest = inner.get(close + 1..)?;
        } else {
            return None;
        }
    }
    out.push_str(rest);
    Some(out)
}

fn port_range(text: &str) -> Option<(u32, u32)> {
    let t = interpolate_defaults(text.trim())?;
    match t.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => t.parse().ok().map(|p| (p, p)),
    }
}

/// Parses a short-syntax port: `"8000"`, `"80:8000"`, `"127.0.0.1:80:80"`,
/// `"[::1]:80:80"`, `"9090-9091:8080-8081/udp"`, `"127.0.0.1::5000"`.
impl Port {
    /// The container side of the mapping (`443:5000` → 5000, `8000/tcp` → 8000), when it is
    /// one port.
    pub(crate) fn container(&self) -> Option<u32> {
        let resolved = interpolate_defaults(&self.raw)?;
        let spec = resolved.split('/').next().unwrap_or(&resolved).trim();
        spec.rsplit(':').next()?.trim().parse().ok()
    }
}

pub fn parse_port(raw: &str, line: usize) -> Port {
    // Variables first (their `:-` would split wrongly); one without a default stays unknown.
    let resolved = interpolate_defaults(raw).unwrap_or_else(|| raw.replace('$', "?"));
    let spec = resolved.split('/').next().unwrap_or(&resolved).trim();
    let (ip, rest) = match spec.strip_prefix('[').and_then(|s| s.split_once("]:")) {
        Some((ip, rest)) => (Some(ip.to_string()), rest),
        None => (None, spec),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (host_ip, host) = match (ip, parts.len()) {
        (Some(ip), 2) => (Some(ip), parts.first().copied()),
        (Some(ip), _) => (Some(ip), None),
        (None, 0 | 1) => (None, None),
        (None, 2) => (None, parts.first().copied()),
        (None, n) => (
            Some(parts.get(..n - 2).unwrap_or_default().join(":")),
            parts.get(n - 2).copied(),
        ),
    };
    Port {
        raw: raw.to_string(),
        host: host.filter(|h| !h.is_empty()).and_then(port_range),
        host_ip: host_ip.filter(|i| !i.is_empty()),
        line,
    }
}

fn ports(node: &Node) -> Vec<Port> {
    let mut out = Vec::new();
    for item in node.items() {
        if item.is_map() {
            let published = item.get("published").and_then(Node::text);
            out.push(Port {
                raw: format!(
                    "{}:{}",
                    published.clone().unwrap_or_default(),
                    item.get("target").and_then(Node::text).unwrap_or_default()
                ),
                host: published.as_deref().and_then(port_range),
                host_ip: item.get("host_ip").and_then(Node::text),
                line: item.line,
            });
        } else if let Value::Int(_) = item.value {
            // A bare container port: Docker publishes it on a random host port.
            out.push(Port {
                raw: item.text().unwrap_or_default(),
                host: None,
                host_ip: None,
                line: item.line,
            });
        } else if let Some(text) = item.text() {
            out.push(parse_port(&text, item.line));
        }
    }
    out
}

fn mounts(node: &Node) -> Vec<Mount> {
    let mut out = Vec::new();
    for item in node.items() {
        if item.is_map() {
            out.push(Mount {
                source: item.get("source").and_then(Node::text),
                target: item.get("target").and_then(Node::text).unwrap_or_default(),
                line: item.line,
            });
        } else if let Some(text) = item.text() {
            let parts: Vec<&str> = text.split(':').collect();
            let (source, target) = match parts.as_slice() {
                [target] => (None, target.to_string()),
                [source, target, ..] => (Some(source.to_string()), target.to_string()),
                [] => (None, String::new()),
            };
            out.push(Mount {
                source,
                target,
                line: item.line,
            });
        }
    }
    out
}

/// The long options of a `command:` (a string, split as a shell would, or a list), each with
/// its value: `--requirepass s3cret` and `--requirepass=s3cret` give (`requirepass`, s3cret).
fn command_flags(node: &Node) -> Vec<EnvVar> {
    let words: Vec<(String, usize)> = match node.text() {
        Some(text) => shlex::split(&text)
            .unwrap_or_else(|| text.split_whitespace().map(str::to_string).collect())
            .into_iter()
            .map(|w| (w, node.line))
            .collect(),
        None => node
            .items()
            .iter()
            .filter_map(|i| i.text().map(|t| (t, i.line)))
            .collect(),
    };
    let mut out = Vec::new();
    for (i, (word, line)) in words.iter().enumerate() {
        let Some(flag) = word.strip_prefix("--").filter(|f| !f.is_empty()) else {
            continue;
        };
        let (name, value) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (
                flag,
                words
                    .get(i + 1)
                    .map(|(w, _)| w.clone())
                    .filter(|w| !w.starts_with('-')),
            ),
        };
        out.push(EnvVar {
            name: name.to_string(),
            value,
            line: *line,
        });
    }
    out
}

/// `environment:` / `args:` in map or list form.
fn env_vars(node: &Node) -> Vec<EnvVar> {
    let mut out = Vec::new();
    for (k, v) in node.entries() {
        if let Some(name) = k.text() {
            out.push(EnvVar {
                name,
                value: v.text(),
                line: k.line,
            });
        }
    }
    for item in node.items() {
        if let Some(text) = item.text() {
            let (name, value) = match text.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (text.clone(), None),
            };
            out.push(EnvVar {
                name: name.trim().to_string(),
                value,
                line: item.line,
            });
        }
    }
    out
}

fn strings(node: &Node) -> Vec<Setting<String>> {
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.text().map(|t| setting(t, i.line)))
            .collect(),
        _ => node
            .text()
            .map(|t| setting(t, node.line))
            .into_iter()
            .collect(),
    }
}

/// A limit that is set and not "unlimited" (`0`, `-1`, empty).
fn limit_line(node: Option<&Node>) -> Option<usize> {
    let node = node?;
    let text = node.text()?;
    let t = text.trim();
    (!t.is_empty() && t != "0" && t != "-1" && t != "0.0").then_some(node.line)
}

fn service(
    name: String,
    key_line: usize,
    node: &Node,
    file: &Path,
    display: &str,
) -> ComposeService {
    let text_setting = |key: &str| {
        node.entry(key)
            .and_then(|(k, v)| v.text().map(|t| setting(t, k.line)))
    };
    let limits = node.path(&["deploy", "resources", "limits"]);
    let build = node.get("build");
    let dir = file.parent().unwrap_or(Path::new("."));
    let extends = node.get("extends").and_then(|e| match &e.value {
        Value::Map(_) => Some((
            e.get("file").and_then(Node::text),
            e.get("service").and_then(Node::text)?,
        )),
        _ => e.text().map(|t| (None, t)),
    });
    let read_only = node.entry("read_only");
    let mut service = ComposeService {
        name,
        file: file.to_path_buf(),
        line: key_line,
        display: display.to_string(),
        image: node.get("image").and_then(Node::text),
        builds: build.is_some(),
        read_only: read_only.and_then(|(_, v)| v.boolean()) == Some(true),
        read_only_line: read_only.map(|(k, _)| k.line),
        user: text_setting("user"),
        privileged: node
            .entry("privileged")
            .and_then(|(k, v)| v.boolean().map(|b| setting(b, k.line))),
        network_mode: text_setting("network_mode"),
        namespaces: ["pid", "ipc", "uts", "userns_mode"]
            .iter()
            .filter_map(|k| text_setting(k).map(|s| (k.to_string(), s)))
            .collect(),
        cap_add: node.get("cap_add").map(strings).unwrap_or_default(),
        cap_drop: node.get("cap_drop").map(strings).unwrap_or_default(),
        security_opt: node.get("security_opt").map(strings).unwrap_or_default(),
        memory_limit: limit_line(node.get("mem_limit"))
            .or_else(|| limit_line(limits.and_then(|l| l.get("memory")))),
        cpu_limit: limit_line(node.get("cpus"))
            .or_else(|| limit_line(node.get("cpu_quota")))
            .or_else(|| limit_line(node.get("cpu_shares")))
            .or_else(|| limit_line(limits.and_then(|l| l.get("cpus")))),
        pids_limit: limit_line(node.get("pids_limit"))
            .or_else(|| limit_line(limits.and_then(|l| l.get("pids")))),
        healthcheck: node
            .entry("healthcheck")
            .map(|(k, v)| setting(health(v), k.line)),
        ports: node.get("ports").map(ports).unwrap_or_default(),
        volumes: node.get("volumes").map(mounts).unwrap_or_default(),
        environment: node.get("environment").map(env_vars).unwrap_or_default(),
        build_args: build
            .and_then(|b| b.get("args"))
            .map(env_vars)
            .unwrap_or_default(),
        command_flags: node.get("command").map(command_flags),
        sources: vec![(file.to_path_buf(), display.to_string())],
        extends,
        awaits_completion: node.get("depends_on").map(awaited).unwrap_or_default(),
        one_shot: false,
        env_files: node
            .get("env_file")
            .map(|n| env_file_refs(n, dir))
            .unwrap_or_default(),
        interactive: ["tty", "stdin_open"]
            .iter()
            .any(|k| node.get(k).and_then(Node::boolean) == Some(true)),
        built_elsewhere: None,
        ..ComposeService::default()
    };
    set_build(&mut service, node, dir);
    service
}

/// The `build:` of a service: its line, context and Dockerfile as written and as resolved
/// against the compose file's folder `dir` (local contexts only).
fn set_build(s: &mut ComposeService, node: &Node, dir: &Path) {
    let build = node.get("build");
    s.build_line = node.entry("build").map(|(k, _)| k.line);
    s.inline_dockerfile = build.is_some_and(|b| b.get("dockerfile_inline").is_some());
    s.build_target = build
        .and_then(|b| b.get("target"))
        .and_then(Node::text)
        .filter(|t| !t.trim().is_empty() && !t.contains('$'));
    let (given, dockerfile_name) = match build.map(|b| &b.value) {
        Some(Value::Map(_)) => (
            build.and_then(|b| b.get("context")).and_then(Node::text),
            build.and_then(|b| b.get("dockerfile")).and_then(Node::text),
        ),
        Some(_) => (build.and_then(Node::text), None),
        None => (None, None),
    };
    let built = build.and_then(|_| {
        let context = given.clone().unwrap_or_else(|| ".".into());
        if remote_context(&context) {
            return None;
        }
        let context = dir.join(context);
        let dockerfile = context.join(dockerfile_name.as_deref().unwrap_or("Dockerfile"));
        Some((context, dockerfile))
    });
    // The context is the folder compose sends to the engine, not the Dockerfile's folder
    // (`context: .` with `dockerfile: services/api/Dockerfile` sends the whole project).
    if let Some((c, d)) = built {
        s.build_context = Some(crate::disk::lexical(&c));
        s.dockerfile = Some(crate::disk::lexical(&d));
    }
    s.build_context_text = given;
    s.dockerfile_name = dockerfile_name;
}

/// A build context the engine fetches rather than a folder: a URL, `git@host:repo`, or a
/// git repository named as Docker reads one without a scheme (`github.com/org/repo`,
/// `…/repo.git#branch:folder`).
pub(crate) fn remote_context(context: &str) -> bool {
    context.contains("://")
        || context.starts_with("git@")
        || context.starts_with("github.com/")
        || context.contains(".git#")
        || context.ends_with(".git")
}

/// `env_file:` as one path, a list of paths, or a list of `{path, required}` maps.
fn env_file_refs(node: &Node, dir: &Path) -> Vec<EnvFileRef> {
    let one = |n: &Node| -> Option<EnvFileRef> {
        let (path, required) = if n.is_map() {
            let required = n.get("required").and_then(Node::boolean) != Some(false);
            (n.get("path").and_then(Node::text)?, required)
        } else {
            (n.text()?, true)
        };
        Some(EnvFileRef {
            path,
            line: n.line,
            required,
            dir: dir.to_path_buf(),
            exists: None,
            example: None,
        })
    };
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(one).collect(),
        _ => one(node).into_iter().collect(),
    }
}

impl ComposeService {
    /// The Dockerfile the image this service runs is built from: its own `build:`, else
    /// [`ComposeService::built_elsewhere`].
    pub(crate) fn image_dockerfile(&self) -> Option<&Path> {
        self.dockerfile
            .as_deref()
            .or(self.built_elsewhere.as_deref())
    }
}

/// The services of a `depends_on:` map waited on with `condition:
/// service_completed_successfully` (the list form waits for a start only).
fn awaited(depends_on: &Node) -> Vec<String> {
    let Value::Map(entries) = &depends_on.value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|(_, v)| {
            v.get("condition").and_then(Node::text).as_deref()
                == Some("service_completed_successfully")
        })
        .filter_map(|(k, _)| k.text())
        .collect()
}

/// Parses one compose file's text; variables interpolate to their defaults only.
pub fn parse_file(path: &Path, display: &str, text: &str) -> (ComposeFile, Vec<ComposeService>) {
    parse_file_with(path, display, text, &|_| None)
}

/// Parses one compose file's text, interpolating `${…}` with `get`.
pub(crate) fn parse_file_with(
    path: &Path,
    display: &str,
    text: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> (ComposeFile, Vec<ComposeService>) {
    let mut file = ComposeFile {
        path: path.to_path_buf(),
        display: display.to_string(),
        ..ComposeFile::default()
    };
    let mut root = match load_yaml(text) {
        Ok(root) => root,
        Err(e) => {
            file.error = Some(Problem {
                line: e.line,
                reason: format!("not valid YAML: {}", e.message),
            });
            return (file, Vec::new());
        }
    };
    if !root.is_map() {
        file.error = Some(Problem {
            line: root.line,
            reason: "the top level is not a mapping".to_string(),
        });
        return (file, Vec::new());
    }
    let mut required = Vec::new();
    interp::interpolate_tree(&mut root, get, &mut required);
    file.required = required
        .into_iter()
        .map(|(line, reason)| Problem { line, reason })
        .collect();
    file.includes = root
        .get("include")
        .map(|inc| {
            inc.items()
                .iter()
                .flat_map(|i| match &i.value {
                    Value::Map(_) => match i.get("path") {
                        Some(p) if matches!(p.value, Value::Seq(_)) => {
                            p.items().iter().filter_map(Node::text).collect()
                        }
                        Some(p) => p.text().into_iter().collect(),
                        None => Vec::new(),
                    },
                    _ => i.text().into_iter().collect::<Vec<_>>(),
                })
                .collect()
        })
        .unwrap_or_default();
    file.project_name = root
        .get("name")
        .and_then(Node::text)
        .filter(|n| !n.trim().is_empty() && !n.contains('$'));
    let Some((skey, services)) = root.entry("services") else {
        if !file.includes.is_empty() {
            return (file, Vec::new());
        }
        file.error = Some(Problem {
            line: 0,
            reason: "no `services:` section".to_string(),
        });
        return (file, Vec::new());
    };
    if !services.is_map() && services.value != Value::Null {
        file.error = Some(Problem {
            line: skey.line,
            reason: "`services:` is not a mapping of service names".to_string(),
        });
        return (file, Vec::new());
    }
    if let Some(k) = services
        .entries()
        .iter()
        .map(|(k, _)| k)
        .find(|k| k.text().is_some_and(|n| n.contains('$')))
    {
        let name = crate::policy::text::printable(&k.text().unwrap_or_default());
        file.template = Some(format!("service `{name}`, line {}", k.line));
        return (file, Vec::new());
    }
    let mut out = Vec::new();
    for (k, v) in services.entries() {
        let name = k.text().unwrap_or_default();
        if v.reset {
            // `nginx: !reset`: an override that removes the service (compose's merge tags).
            continue;
        }
        if !v.is_map() {
            file.problems.push(Problem {
                line: k.line,
                reason: format!("service `{name}` is not a mapping"),
            });
            continue;
        }
        let mut s = service(name, k.line, v, path, display);
        s.user_blanked = s
            .user
            .as_ref()
            .and_then(|u| interp::blank_unset(&u.value, get));
        out.push(s);
    }
    (file, out)
}

/// The project's compose files, found, parsed, interpolated and merged once per run.
pub(crate) fn compose(ctx: &Context) -> Arc<ComposeFacts> {
    ctx.probe(load::load)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(text: &str) -> ComposeService {
        let (file, mut services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", text);
        assert!(file.error.is_none(), "{:?}", file.error);
        services.remove(0)
    }

    /// Each form of a `test:` reads as the HEALTHCHECK arguments a Dockerfile would write.
    #[test]
    fn a_healthcheck_test_in_each_form() {
        let health = |hc: &str| {
            let text = format!("services:\n  a:\n    image: x\n    healthcheck:\n{hc}");
            svc(&text).healthcheck.map(|h| (h.value, h.line))
        };
        let test = |t: &str| Health {
            disabled: false,
            test: Some(t.into()),
        };
        assert_eq!(
            health("      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:3000/health\"]\n"),
            Some((
                test(r#"CMD ["curl","-f","http://localhost:3000/health"]"#),
                4
            ))
        );
        assert_eq!(
            health("      test: [\"CMD-SHELL\", \"curl -f http://x/ || exit 1\"]\n"),
            Some((test("CMD curl -f http://x/ || exit 1"), 4))
        );
        assert_eq!(
            health("      test: wget -qO- http://x/health\n      interval: 30s\n"),
            Some((test("CMD wget -qO- http://x/health"), 4))
        );
        let off = |hc: &str| health(hc).map(|(h, _)| (h.disabled, h.test));
        assert_eq!(off("      test: [\"NONE\"]\n"), Some((true, None)));
        assert_eq!(off("      disable: true\n"), Some((true, None)));
        assert_eq!(off("      interval: 30s\n"), Some((false, None)));
        assert_eq!(off("      test: [\"BOGUS\", \"x\"]\n"), Some((false, None)));
    }

    #[test]
    fn command_options_with_their_values() {
        let flags = |text: &str| {
            svc(text)
                .command_flags
                .unwrap_or_default()
                .into_iter()
                .map(|f| (f.name, f.value, f.line))
                .collect::<Vec<_>>()
        };
        let v = |s: &str| Some(s.to_string());
        assert_eq!(
            flags("services:\n  a:\n    image: redis\n    command: redis-server --save 20 1 --requirepass 'a b' --appendonly\n"),
            [
                ("save".to_string(), v("20"), 4),
                ("requirepass".to_string(), v("a b"), 4),
                ("appendonly".to_string(), None, 4)
            ]
        );
        assert_eq!(
            flags("services:\n  a:\n    image: x\n    command:\n      - serve\n      - --token=abc\n      - --port\n      - \"8000\"\n"),
            [
                ("token".to_string(), v("abc"), 6),
                ("port".to_string(), v("8000"), 7)
            ]
        );
        assert_eq!(svc("services:\n  a:\n    image: x\n").command_flags, None);
        // Values never reach Debug output.
        let s = svc("services:\n  a:\n    image: x\n    command: run --password hunter2\n");
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn short_and_long_ports() {
        let p = |s: &str| parse_port(s, 1);
        assert_eq!(p("443:5000").container(), Some(5000));
        assert_eq!(p("127.0.0.1:8080:8000/tcp").container(), Some(8000));
        assert_eq!(p("${PORT:-80}:8501").container(), Some(8501));
        assert_eq!(p("8000-8001:8000-8001").container(), None);
        assert_eq!(p("${PORT}").container(), None);
        assert_eq!(p("80:8000").host, Some((80, 80)));
        assert_eq!(p("8000").host, None);
        assert_eq!(p("127.0.0.1:443:8443/tcp").host, Some((443, 443)));
        assert_eq!(
            p("127.0.0.1:443:8443").host_ip.as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(p("[::1]:53:53/udp").host, Some((53, 53)));
        assert_eq!(p("9090-9091:8080-8081").host, Some((9090, 9091)));
        assert_eq!(p("127.0.0.1::5000").host, None);
        assert_eq!(p("${PORT:-80}:8000").host, Some((80, 80)));
        assert_eq!(p("${PORT}:8000").host, None);
        let s = svc("services:\n  a:\n    image: x\n    ports:\n      - 8000\n      - target: 8000\n        published: \"443\"\n        host_ip: 127.0.0.1\n");
        assert_eq!(s.ports.len(), 2);
        assert_eq!(s.ports[0].host, None);
        assert_eq!(s.ports[1].host, Some((443, 443)));
        assert_eq!(s.ports[1].line, 6);
    }

    #[test]
    fn build_dockerfile_and_limits() {
        let s = svc("services:\n  a:\n    build:\n      context: ./svc\n      dockerfile: api.Dockerfile\n    mem_limit: 512m\n    pids_limit: -1\n    deploy:\n      resources:\n        limits:\n          cpus: '0.5'\n");
        assert_eq!(s.dockerfile, Some(PathBuf::from("/p/svc/api.Dockerfile")));
        assert_eq!(s.build_context, Some(PathBuf::from("/p/svc")));
        assert_eq!(s.memory_limit, Some(6));
        assert_eq!(s.pids_limit, None);
        assert_eq!(s.cpu_limit, Some(11));
        // The context is what compose sends to the engine, wherever the Dockerfile lives.
        let s = svc("services:\n  a:\n    build:\n      context: .\n      dockerfile: services/api/Dockerfile\n");
        assert_eq!(s.build_context, Some(PathBuf::from("/p")));
        assert_eq!(
            s.dockerfile,
            Some(PathBuf::from("/p/services/api/Dockerfile"))
        );
        let s = svc("services:\n  a:\n    build: ../up/./app\n");
        assert_eq!(s.build_context, Some(PathBuf::from("/up/app")));
        // A git repository the engine fetches, named as dask/dask-docker names it: no folder.
        for remote in [
            "github.com/jupyter/docker-stacks.git#master:base-notebook",
            "https://github.com/org/repo.git",
            "git@github.com:org/repo.git",
            "gitlab.com/org/repo.git#main",
        ] {
            let s = svc(&format!(
                "services:\n  a:\n    build:\n      context: {remote}\n"
            ));
            assert_eq!((s.build_context, s.dockerfile), (None, None), "{remote}");
        }
    }

    #[test]
    fn environment_forms_and_redacted_debug() {
        let s = svc("services:\n  a:\n    image: x\n    environment:\n      - DB_PASSWORD=hunter2\n      - PASSTHROUGH\n");
        assert_eq!(s.environment[0].name, "DB_PASSWORD");
        assert_eq!(s.environment[0].line, 5);
        assert_eq!(s.environment[1].value, None);
        assert!(!format!("{s:?}").contains("hunter2"));
        let s = svc(
            "services:\n  a:\n    image: x\n    environment:\n      API_TOKEN: abc\n      EMPTY:\n",
        );
        assert_eq!(s.environment[0].line, 5);
        assert_eq!(s.environment[1].value, None);
    }

    #[test]
    fn malformed_files() {
        let bad = |t: &str| {
            parse_file(Path::new("c.yaml"), "c.yaml", t)
                .0
                .error
                .unwrap()
        };
        assert!(bad("services: [\n").reason.contains("not valid YAML"));
        assert_eq!(bad("- a\n- b\n").reason, "the top level is not a mapping");
        assert_eq!(bad("version: '3'\n").reason, "no `services:` section");
        assert!(bad("services: 3\n").reason.contains("not a mapping"));
        let (f, s) = parse_file(
            Path::new("c.yaml"),
            "c.yaml",
            "services:\n  a: nope\n  b:\n    image: x\n",
        );
        assert_eq!(f.problems.len(), 1);
        assert_eq!(s.len(), 1);
    }

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        /// Service extraction survives arbitrary compose-shaped YAML.
        #[test]
        fn parse_file_never_panics(
            lines in proptest::collection::vec(
                "( {0,6})(- )?(services|user|ports|volumes|environment|build|deploy|healthcheck|cap_add|security_opt|[a-z<]{1,5})?(: )?(\\[|\\{|\"|[0-9:.\\-/$]{1,12}|[a-z ]{0,8}|&a|\\*a)?",
                0..25,
            )
        ) {
            let text = format!("services:\n{}", lines.join("\n"));
            let _ = parse_file(Path::new("c.yaml"), "c.yaml", &text);
        }
    }
}
