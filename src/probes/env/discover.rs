//! Environment discovery from files: the root prefix, the
//! children of every envs dir and the lines of `~/.conda/environments.txt`; a directory is an
//! environment iff `conda-meta/history` exists. Nothing here runs a program; the CLI
//! fallback's JSON is parsed here but run by the caller.

use crate::disk::ReadError;
use crate::probes::yaml::TextError;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How an environment was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The root prefix (`base`).
    Root,
    /// A child of this envs dir.
    EnvsDir(PathBuf),
    /// A line of environments.txt.
    Registry,
    /// `<tool> env list --json`.
    Cli,
    /// Under another root the toolchain probe knows of (e.g. `~/miniforge3/envs/x`).
    OtherRoot,
}

/// One environment prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundEnv {
    pub prefix: PathBuf,
    /// `base`, the directory name under an envs dir, or `None` for an env known only by path.
    pub name: Option<String>,
    /// Its parent is one of the tool's envs dirs (so `-n NAME` finds it).
    pub in_envs_dirs: bool,
    pub origins: Vec<Origin>,
}

/// Something discovery could not read. Checks decide by the kind, never by the wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An envs dir that exists but cannot be listed: any environment in it is unseen.
    UnreadableEnvsDir { dir: PathBuf, reason: ReadError },
    /// A folder that may be an environment but cannot be read; `line` is the
    /// environments.txt line that named it, when it came from there.
    UnreadableEnv {
        prefix: PathBuf,
        reason: ReadError,
        line: Option<(PathBuf, usize)>,
    },
    /// A line of environments.txt that is not an absolute path.
    BadRegistryLine {
        registry: PathBuf,
        line: usize,
        text: String,
    },
    UnreadableRegistry {
        registry: PathBuf,
        reason: TextError,
    },
    /// `<tool> env list --json` failed or printed something unexpected.
    Cli(String),
}

impl Problem {
    /// Whether an environment called `name` could be behind this problem (so "not found"
    /// would be a guess).
    pub(crate) fn may_hide(&self, name: &str) -> bool {
        match self {
            Problem::UnreadableEnvsDir { .. } => true,
            Problem::UnreadableEnv { prefix, .. } => prefix.file_name().is_some_and(|n| n == name),
            _ => false,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::UnreadableEnvsDir { dir, reason } => {
                write!(f, "cannot read envs dir {}: {reason}", dir.display())
            }
            Problem::UnreadableEnv {
                prefix,
                reason,
                line,
            } => {
                if let Some((registry, n)) = line {
                    write!(f, "{}:{n}: ", registry.display())?;
                }
                write!(f, "cannot read environment {}: {reason}", prefix.display())
            }
            Problem::BadRegistryLine {
                registry,
                line,
                text,
            } => write!(
                f,
                "{}:{line}: not an absolute path, ignored: {text:?}",
                registry.display()
            ),
            Problem::UnreadableRegistry { registry, reason } => {
                write!(f, "cannot read {}: {reason}", registry.display())
            }
            Problem::Cli(what) => f.write_str(what),
        }
    }
}

/// Everything found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    pub root_prefix: Option<PathBuf>,
    pub envs_dirs: Vec<PathBuf>,
    pub envs: Vec<FoundEnv>,
    /// Things that could not be read, with path and reason (an unreadable envs dir, a
    /// garbage line in environments.txt, a symlink loop).
    pub problems: Vec<Problem>,
    /// The registry file, when it exists.
    pub registry: Option<PathBuf>,
    /// The program whose `env list --json` was used, when the files were not enough.
    pub via_cli: Option<String>,
}

/// Where to look.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub root_prefix: Option<PathBuf>,
    /// In the tool's order; `<root>/envs` is appended when missing.
    pub envs_dirs: Vec<PathBuf>,
    pub home: Option<PathBuf>,
    /// Further prefixes known to be environments (other roots' envs).
    pub extra: Vec<PathBuf>,
}

/// Whether `prefix` is an environment; `Err` with a reason when that cannot be told.
pub(crate) fn is_env(prefix: &Path) -> Result<bool, ReadError> {
    match std::fs::metadata(prefix.join("conda-meta").join("history")) {
        Ok(m) => Ok(m.is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        // ENOTDIR: a file where a directory is expected — simply not an env.
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::NOTDIR.raw_os_error()) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn trim_slash(p: &str) -> PathBuf {
    let t = p.trim_end_matches('/');
    PathBuf::from(if t.is_empty() { "/" } else { t })
}

fn add(d: &mut Discovery, index: &mut HashMap<PathBuf, usize>, prefix: PathBuf, origin: Origin) {
    if let Some(&i) = index.get(&prefix) {
        if !d.envs[i].origins.contains(&origin) {
            d.envs[i].origins.push(origin);
        }
        return;
    }
    index.insert(prefix.clone(), d.envs.len());
    d.envs.push(FoundEnv {
        prefix,
        name: None,
        in_envs_dirs: false,
        origins: vec![origin],
    });
}

/// Builds the discovery from files only.
pub fn discover(inputs: &Inputs) -> Discovery {
    let mut d = Discovery {
        root_prefix: inputs.root_prefix.clone(),
        ..Discovery::default()
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    for dir in &inputs.envs_dirs {
        let dir = trim_slash(&dir.to_string_lossy());
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    if let Some(root) = &inputs.root_prefix {
        let envs = root.join("envs");
        if !dirs.contains(&envs) {
            dirs.push(envs);
        }
    }
    d.envs_dirs = dirs;

    let mut index: HashMap<PathBuf, usize> = HashMap::new();

    if let Some(root) = &inputs.root_prefix {
        // The root is always listed by `env list`; count it when it is a prefix at all.
        if root.join("conda-meta").is_dir() {
            add(&mut d, &mut index, root.clone(), Origin::Root);
        }
    }
    for dir in d.envs_dirs.clone() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                d.problems.push(Problem::UnreadableEnvsDir {
                    dir: dir.clone(),
                    reason: e.into(),
                });
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for child in children {
            match is_env(&child) {
                Ok(true) => add(&mut d, &mut index, child, Origin::EnvsDir(dir.clone())),
                Ok(false) => {}
                Err(reason) => d.problems.push(Problem::UnreadableEnv {
                    prefix: child,
                    reason,
                    line: None,
                }),
            }
        }
    }
    if let Some(home) = &inputs.home {
        read_registry(
            &mut d,
            &mut index,
            &home.join(".conda").join("environments.txt"),
        );
    }
    for prefix in &inputs.extra {
        let prefix = trim_slash(&prefix.to_string_lossy());
        if index.contains_key(&prefix) {
            continue;
        }
        if let Ok(true) = is_env(&prefix) {
            add(&mut d, &mut index, prefix, Origin::OtherRoot);
        }
    }
    name_envs(&mut d);
    d
}

/// The environments ~/.conda/environments.txt lists (stale lines are skipped, unreadable ones
/// are problems).
fn read_registry(d: &mut Discovery, index: &mut HashMap<PathBuf, usize>, registry: &Path) {
    match crate::probes::yaml::read_text(registry) {
        Ok(text) => {
            d.registry = Some(registry.to_path_buf());
            for (i, line) in text.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if !line.starts_with('/') || line.chars().any(char::is_control) {
                    d.problems.push(Problem::BadRegistryLine {
                        registry: registry.to_path_buf(),
                        line: i + 1,
                        text: line.chars().take(80).collect(),
                    });
                    continue;
                }
                let prefix = trim_slash(line);
                if index.contains_key(&prefix) {
                    add(d, index, prefix, Origin::Registry);
                    continue;
                }
                match is_env(&prefix) {
                    Ok(true) => add(d, index, prefix, Origin::Registry),
                    // Stale lines are normal: the tools drop them lazily.
                    Ok(false) => {}
                    Err(reason) => d.problems.push(Problem::UnreadableEnv {
                        prefix,
                        reason,
                        line: Some((registry.to_path_buf(), i + 1)),
                    }),
                }
            }
        }
        Err(reason) if reason.io_kind() == Some(std::io::ErrorKind::NotFound) => {}
        Err(reason) => d.problems.push(Problem::UnreadableRegistry {
            registry: registry.to_path_buf(),
            reason,
        }),
    }
}

/// Names each env the way `env list` does: `base` for the root, the directory name under an
/// envs dir; an env under another root's `envs/` also gets its directory name (not resolvable
/// by `-n`, but that is what a person calls it).
fn name_envs(d: &mut Discovery) {
    let root = d.root_prefix.clone();
    let dirs = d.envs_dirs.clone();
    for env in &mut d.envs {
        let parent = env.prefix.parent().map(Path::to_path_buf);
        let base = env
            .prefix
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        if root.as_deref() == Some(env.prefix.as_path()) {
            env.name = Some("base".to_string());
            env.in_envs_dirs = true;
        } else if parent.as_ref().is_some_and(|p| dirs.contains(p)) {
            env.name = base;
            env.in_envs_dirs = true;
        } else if parent
            .as_ref()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == "envs")
        {
            env.name = base;
        }
    }
}

/// What a name resolves to.
#[derive(Debug, Clone, Default)]
pub struct Resolution {
    /// The env `-n NAME` uses (or, when none is under an envs dir, the first by that name).
    pub chosen: Option<FoundEnv>,
    /// Other envs with the same name (in other roots or envs dirs).
    pub others: Vec<FoundEnv>,
    /// Where `create -n NAME` would put it.
    pub would_create_at: Option<PathBuf>,
}

impl Discovery {
    /// Resolves an env name (or an absolute prefix) like micromamba's `compute_prefix_from_name`.
    pub(crate) fn resolve(&self, name: &str) -> Resolution {
        if name.contains('/') {
            let prefix = trim_slash(name);
            let found = self
                .envs
                .iter()
                .find(|e| e.prefix == prefix)
                .cloned()
                .or_else(|| {
                    matches!(is_env(&prefix), Ok(true)).then(|| FoundEnv {
                        prefix: prefix.clone(),
                        name: None,
                        in_envs_dirs: false,
                        origins: Vec::new(),
                    })
                });
            return Resolution {
                chosen: found,
                others: Vec::new(),
                would_create_at: Some(prefix),
            };
        }
        let rank = |e: &FoundEnv| -> usize {
            if e.origins.contains(&Origin::Root) {
                return 0;
            }
            match e.prefix.parent() {
                Some(p) if e.in_envs_dirs => {
                    1 + self.envs_dirs.iter().position(|d| d == p).unwrap_or(0)
                }
                _ => usize::MAX,
            }
        };
        let mut matches: Vec<&FoundEnv> = self
            .envs
            .iter()
            .filter(|e| e.name.as_deref() == Some(name))
            .collect();
        matches.sort_by_key(|e| rank(e));
        let mut it = matches.into_iter().cloned();
        let chosen = it.next();
        let would_create_at = if name == "base" {
            self.root_prefix.clone()
        } else {
            self.envs_dirs.first().map(|d| d.join(name))
        };
        Resolution {
            chosen,
            others: it.collect(),
            would_create_at,
        }
    }
}

/// The prefixes and (when the shape carries it) the root prefix from `env list --json`, in
/// every shape the CLIs print: `{"envs": [...]}`, with `log_history`/`success`, the whole
/// `conda info --json` dict, and conda ≥ 25.11's `envs_details`.
pub fn parse_env_list_json(text: &str) -> Result<(Vec<PathBuf>, Option<PathBuf>), String> {
    let v: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| format!("not JSON: {e}"))?;
    let envs = v
        .get("envs")
        .and_then(|e| e.as_array())
        .ok_or("no `envs` list in the output")?;
    let prefixes = envs
        .iter()
        .filter_map(|e| e.as_str())
        .filter(|s| s.starts_with('/'))
        .map(trim_slash)
        .collect();
    let mut root = v
        .get("root_prefix")
        .and_then(|r| r.as_str())
        .map(trim_slash);
    if root.is_none() {
        if let Some(details) = v.get("envs_details").and_then(|d| d.as_object()) {
            root = details
                .iter()
                .find(|(_, d)| d.get("base").and_then(|b| b.as_bool()) == Some(true))
                .map(|(p, _)| trim_slash(p));
        }
    }
    Ok((prefixes, root))
}

/// Adds the CLI's prefixes to a discovery .
pub(crate) fn merge_cli(
    d: &mut Discovery,
    prefixes: Vec<PathBuf>,
    root: Option<PathBuf>,
    tool: &str,
) {
    d.via_cli = Some(tool.to_string());
    if d.root_prefix.as_ref().is_some_and(|r| !r.is_dir()) && root.is_some() {
        // The root from files was only a default that does not exist; the tool knows better.
        d.root_prefix = None;
    }
    if d.root_prefix.is_none() {
        // The root is the prefix whose `envs/` holds others, when the shape does not say.
        d.root_prefix = root.or_else(|| {
            prefixes
                .iter()
                .find(|p| prefixes.iter().any(|q| q.parent() == Some(&p.join("envs"))))
                .cloned()
        });
        if let Some(r) = &d.root_prefix {
            let envs = r.join("envs");
            if !d.envs_dirs.contains(&envs) {
                d.envs_dirs.push(envs);
            }
        }
    }
    for p in prefixes {
        if let Some(e) = d.envs.iter_mut().find(|e| e.prefix == p) {
            if !e.origins.contains(&Origin::Cli) {
                e.origins.push(Origin::Cli);
            }
            continue;
        }
        let origin = if d.root_prefix.as_ref() == Some(&p) {
            Origin::Root
        } else {
            Origin::Cli
        };
        d.envs.push(FoundEnv {
            prefix: p,
            name: None,
            in_envs_dirs: false,
            origins: vec![origin],
        });
    }
    name_envs(d);
}

/// Environment-file names in the order they are preferred (`environment-*.yml` after these).
const ENV_NAMES: &[&str] = &[
    "environment.yml",
    "environment.yaml",
    "env.yml",
    "env.yaml",
    "conda.yml",
    "conda.yaml",
];
/// Bytes of a candidate read to look at its content.
const HEAD_BYTES: u64 = 256 * 1024;

fn head(path: &Path) -> String {
    // A FIFO or device is never opened: opening a FIFO waits for a writer.
    let buf = crate::disk::read_head(path, HEAD_BYTES).unwrap_or_default();
    String::from_utf8_lossy(&buf).into_owned()
}

fn top_key(text: &str, key: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })
}

/// What kind of environment description a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvFileKind {
    /// A hand-written environment file (`dependencies:` with loose or no pins).
    Spec,
    /// `conda env export` / `micromamba env export` output: every package pinned, often with
    /// build strings and a `prefix:` line.
    Export,
    /// `conda list --export` output (`name=version=build` lines, no YAML).
    ListExport,
    /// An `@EXPLICIT` URL list (`conda list --explicit`).
    Explicit,
    /// conda-lock's own format (`metadata:` and `package:`).
    CondaLock,
    /// None of these.
    Other,
}

/// Tells the kind of an environment description from its text.
/// Packages an export lists because they are installed, which a person writing the file names
/// only rarely: their presence among exact pins marks an export.
const EXPORT_ONLY: &[&str] = &[
    "_libgcc_mutex",
    "_openmp_mutex",
    "ca-certificates",
    "libgcc-ng",
    "libgcc",
    "libstdcxx-ng",
    "ld_impl_linux-64",
    "libffi",
    "libzlib",
    "zlib",
    "openssl",
    "ncurses",
    "readline",
    "tk",
    "xz",
    "bzip2",
    "libuuid",
    "libsqlite",
    "sqlite",
    "tzdata",
    "vc",
    "vs2015_runtime",
    "ucrt",
    "libcxx",
];

pub(crate) fn env_file_kind(text: &str) -> EnvFileKind {
    if text.lines().any(|l| l.trim() == "@EXPLICIT") {
        return EnvFileKind::Explicit;
    }
    if top_key(text, "package") && top_key(text, "metadata") {
        return EnvFileKind::CondaLock;
    }
    if top_key(text, "dependencies") {
        let deps: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .map(str::trim)
            .filter(|d| !d.ends_with(':') && !d.contains("://") && !d.contains("=="))
            .collect();
        let pinned = deps
            .iter()
            .filter(|d| {
                // `name=1.2.3` (maybe `=build`): not `>=`, `!=`, `~=` or `<=`.
                d.split_once('=').is_some_and(|(name, v)| {
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                        && !v.contains('*')
                        && v.chars().next().is_some_and(|c| c.is_ascii_digit())
                })
            })
            .count();
        // `prefix:` alone is no sign: `conda env export --from-history` and hand-written
        // files keep it with loose specs (Azmadax/Self-righting-boat's `python=3.10`).
        // Exact versions alone are no sign either: an application pins what it names
        // (vsisl/dash-chatgpt-challenge's `dash=2.11.1`). An export also has build strings, or
        // (with `--no-builds`) the packages no one names by hand (`zlib`, `openssl`), or many.
        let builds = deps.iter().filter(|d| d.matches('=').count() >= 2).count();
        let low_level = deps.iter().any(|d| {
            let name = d.split('=').next().unwrap_or(d);
            EXPORT_ONLY.contains(&name)
        });
        let mostly_pinned = deps.len() >= 3
            && pinned * 10 >= deps.len() * 9
            && (builds > 0 || low_level || deps.len() >= 30);
        let exported = mostly_pinned || (top_key(text, "prefix") && pinned * 2 > deps.len());
        return if exported {
            EnvFileKind::Export
        } else {
            EnvFileKind::Spec
        };
    }
    let body: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if !body.is_empty()
        && body
            .iter()
            .all(|l| l.split('=').count() == 3 && !l.contains(' ') && !l.contains(':'))
    {
        return EnvFileKind::ListExport;
    }
    EnvFileKind::Other
}

/// Whether a file is an exported environment (env export or `conda list --export`) rather
/// than a conda-lock file, whatever its name says.
pub(crate) fn is_exported_env(path: &Path) -> bool {
    is_export_text(&head(path))
}

/// [`is_exported_env`] for a file's text already read: judged on the same head.
pub(crate) fn is_export_text(text: &str) -> bool {
    let mut end = text.len().min(HEAD_BYTES as usize);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    matches!(
        env_file_kind(&text[..end]),
        EnvFileKind::Export | EnvFileKind::ListExport
    )
}

/// What a file holds, judged on its head (see [`env_file_kind`]).
pub(crate) fn file_kind(path: &Path) -> EnvFileKind {
    env_file_kind(&head(path))
}

/// Whether a file is in conda-lock's own format.
pub(crate) fn is_conda_lock_file(path: &Path) -> bool {
    file_kind(path) == EnvFileKind::CondaLock
}

/// The environment file picked among the candidates, and why.
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvFileChoice {
    pub picked: Option<PathBuf>,
    /// One line: why this one (and not the others).
    pub why: String,
    /// The other environment files found, in order of preference (linted too).
    pub others: Vec<PathBuf>,
    /// Found because a Makefile or script of the project creates an environment from it, not
    /// by its name or place: the report says where, as a person would not look there.
    pub by_script: bool,
    /// The environment name that script's command gives (`-n NAME`), if any.
    pub script_env: Option<String>,
    /// That command updates an existing environment from the file (`env update -n NAME -f`).
    pub script_updates: bool,
}

/// The create and update commands in a file's own comments.
fn commented_commands(text: &str) -> Vec<crate::probes::env::named::Named> {
    let comments: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix('#'))
        .map(|l| l.trim_start_matches('#'))
        .collect();
    if comments.is_empty() {
        return Vec::new();
    }
    crate::probes::env::named::named_in(&comments.join("\n"))
}

/// Whether `named`, as a command in the file at `path` names it, is `path` itself: a path
/// with a folder must lead there from the project root or from the file's own folder.
fn names_itself(named: &str, path: &Path, root: &Path) -> bool {
    let named = Path::new(named);
    if named.parent().is_some_and(|p| !p.as_os_str().is_empty()) {
        let dir = path.parent().unwrap_or(root);
        root.join(named) == path || dir.join(named) == path
    } else {
        named.file_name() == path.file_name()
    }
}

/// Whether a file's own comments say it is applied to an existing environment
/// (`## conda env update -n HBVouroboros --file environment-dev.yml`): an addition for
/// development, not the environment the project is created from. A comment that updates
/// from another file (`conda env update -f binder/environment.yml` in the root
/// environment.yml) says nothing of this one.
pub(crate) fn says_it_updates(text: &str, path: &Path, root: &Path) -> bool {
    commented_commands(text)
        .iter()
        .any(|n| n.updates && names_itself(&n.file, path, root))
}

/// Whether a file's name says it is an example or a template to copy
/// (`environment-tel-example.yml`, `environment.sample.yml`), not the project's environment.
fn is_an_example(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .any(|w| matches!(w, "example" | "examples" | "sample" | "template" | "tmpl"))
}

/// Whether a file's own comments create the environment from another of the `candidates`
/// (jzhan476/Low2005's root environment.yml: "Create environment: conda env create -f
/// binder/environment.yml", kept "for backward compatibility"): it defers to that file.
fn defers_to_another(text: &str, path: &Path, root: &Path, candidates: &[PathBuf]) -> bool {
    let dir = path.parent().unwrap_or(root);
    commented_commands(text).iter().any(|n| {
        !n.updates
            && !names_itself(&n.file, path, root)
            && [root.join(&n.file), dir.join(&n.file)]
                .iter()
                .any(|p| candidates.contains(p))
    })
}

/// Picks the project's environment file among `candidates` (the `*.yml`/`*.yaml` files of
/// the root and of `env/`, `envs/`, `conda/`, `binder/`, `.binder/`): conventional names
/// first, then `environment-*.yml`, then any file with a top-level `dependencies:`; the
/// root before those folders; a hand-written file before an exported one.
pub(crate) fn choose_env_file(root: &Path, candidates: &[PathBuf]) -> EnvFileChoice {
    // (an addition or a leftover by its own word, exported, in a subfolder, name, which
    // folder): lower is
    // preferred. Among subfolders a conventional name counts before the folder's place: a
    // Snakemake rule's envs/workflow.yml is no binder/environment.yml.
    type Rank = (bool, bool, bool, usize, usize);
    let mut ranked: Vec<(Rank, PathBuf, &'static str)> = Vec::new();
    for p in candidates {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = head(p);
        let kind = env_file_kind(&text);
        let has_deps = top_key(&text, "dependencies");
        let (name_rank, what) = match ENV_NAMES.iter().position(|n| *n == name) {
            Some(i) => (i, "the conventional name"),
            None if (name.starts_with("environment-") || name.starts_with("environment_"))
                && has_deps =>
            {
                let what = if name.starts_with("environment_") {
                    "an `environment_*.yml` file"
                } else {
                    "an `environment-*.yml` file"
                };
                (ENV_NAMES.len(), what)
            }
            None if has_deps && !matches!(kind, EnvFileKind::CondaLock) => {
                (ENV_NAMES.len() + 1, "a `*.yml` with `dependencies:`")
            }
            None => continue,
        };
        let loc = match p.parent() {
            Some(d) if d == root => 0,
            Some(d) => {
                let dn = d.file_name().map(|n| n.to_string_lossy().into_owned());
                1 + crate::probes::files::ENV_DIRS
                    .iter()
                    .position(|e| Some(*e) == dn.as_deref())
                    .unwrap_or(9)
            }
            None => 10,
        };
        let exported = matches!(kind, EnvFileKind::Export);
        let addition = says_it_updates(&text, p, root)
            || defers_to_another(&text, p, root, candidates)
            || is_an_example(&name);
        ranked.push((
            (addition, exported, loc > 0, name_rank, loc),
            p.clone(),
            what,
        ));
    }
    ranked.sort();
    let mut it = ranked.into_iter();
    let Some(((_, exported, _, _, loc), picked, what)) = it.next() else {
        return EnvFileChoice::default();
    };
    let others: Vec<PathBuf> = it.map(|(_, p, _)| p).collect();
    let shown = picked
        .strip_prefix(root)
        .unwrap_or(&picked)
        .display()
        .to_string();
    let mut why = format!(
        "{shown}: {what}{}",
        if loc == 0 {
            ", in the project root"
        } else {
            ""
        }
    );
    if exported {
        why.push_str("; an exported environment (every package pinned)");
    }
    if !others.is_empty() {
        why.push_str(" (preferred: the root before subfolders; conventional names before other files; then env/, envs/, environment(s)/, conda/, devtools/, requirements/, binder/; hand-written before exported; an example, or a file that says it is applied with `env update` or that its environment is created from another file, last)");
    }
    EnvFileChoice {
        picked: Some(picked),
        why,
        others,
        by_script: false,
        script_env: None,
        script_updates: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn env_at(p: &Path) {
        fs::create_dir_all(p.join("conda-meta")).unwrap();
        fs::write(p.join("conda-meta/history"), "").unwrap();
    }

    #[test]
    fn finds_envs_from_dirs_and_registry_and_resolves_names() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        let mm = home.join("micromamba");
        let mf = home.join("miniforge3");
        env_at(&mm);
        env_at(&mm.join("envs/proj"));
        fs::create_dir_all(mm.join("envs/not-an-env")).unwrap();
        env_at(&mf.join("envs/proj"));
        env_at(&mf.join("envs/old"));
        env_at(&mf.join("envs/unlisted"));
        fs::create_dir_all(home.join(".conda")).unwrap();
        fs::write(
            home.join(".conda/environments.txt"),
            format!(
                "{}/\n{}\nrelative/garbage\n\u{1}\u{2}\n{}\n\n",
                mf.join("envs/proj").display(),
                mf.join("envs/old").display(),
                home.join("gone").display()
            ),
        )
        .unwrap();
        let d = discover(&Inputs {
            root_prefix: Some(mm.clone()),
            envs_dirs: vec![],
            home: Some(home.clone()),
            extra: vec![mf.join("envs/unlisted")],
        });
        assert_eq!(d.envs_dirs, [mm.join("envs")]);
        let names: Vec<_> = d
            .envs
            .iter()
            .map(|e| e.name.clone().unwrap_or_default())
            .collect();
        assert_eq!(names, ["base", "proj", "proj", "old", "unlisted"]);
        assert_eq!(d.problems.len(), 2, "{:?}", d.problems);
        assert!(d.problems[0].to_string().contains("environments.txt:3"));
        let r = d.resolve("proj");
        assert_eq!(r.chosen.unwrap().prefix, mm.join("envs/proj"));
        assert_eq!(r.others.len(), 1);
        assert_eq!(r.others[0].prefix, mf.join("envs/proj"));
        let old = d.resolve("old");
        assert!(!old.chosen.unwrap().in_envs_dirs);
        let none = d.resolve("nope");
        assert!(none.chosen.is_none());
        assert_eq!(none.would_create_at, Some(mm.join("envs/nope")));
        assert_eq!(d.resolve("base").chosen.unwrap().prefix, mm);
    }

    #[test]
    fn unreadable_dirs_and_symlink_loops_are_problems_not_hangs() {
        use std::os::unix::fs::symlink;
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("root");
        env_at(&root);
        let envs = root.join("envs");
        fs::create_dir_all(&envs).unwrap();
        symlink(envs.join("b"), envs.join("a")).unwrap();
        symlink(envs.join("a"), envs.join("b")).unwrap();
        // A file where an envs dir should be cannot be listed (root can read any directory,
        // so this is the unreadable case a test running as root can build).
        let not_dir = t.path().join("envs-file");
        fs::write(&not_dir, "x").unwrap();
        let d = discover(&Inputs {
            root_prefix: Some(root.clone()),
            envs_dirs: vec![not_dir.clone()],
            home: None,
            extra: Vec::new(),
        });
        let all: Vec<String> = d.problems.iter().map(ToString::to_string).collect();
        let all = all.join("\n");
        assert!(d
            .problems
            .iter()
            .any(|p| matches!(p, Problem::UnreadableEnvsDir { .. })));
        assert!(all.contains("symlink loop"), "{all}");
        assert!(
            all.contains("cannot read envs dir") && all.contains("envs-file"),
            "{all}"
        );
        assert_eq!(d.envs.len(), 1);
    }

    #[test]
    fn env_list_json_in_every_shape() {
        let shapes = [
            r#"{"envs": ["/home/u/micromamba", "/home/u/micromamba/envs/myproj"]}"#,
            r#"{"envs": ["/home/u/micromamba", "/home/u/micromamba/envs/myproj"], "log_history": []}"#,
            r#"{"active_prefix": null, "envs": ["/home/u/micromamba", "/home/u/micromamba/envs/myproj"], "root_prefix": "/home/u/micromamba", "platform": "linux-64"}"#,
            r#"{"envs": ["/home/u/micromamba", "/home/u/micromamba/envs/myproj"], "envs_details": {"/home/u/micromamba": {"name": "base", "base": true}, "/home/u/micromamba/envs/myproj": {"name": "myproj", "base": false}}}"#,
        ];
        for s in shapes {
            let (p, root) = parse_env_list_json(s).unwrap();
            assert_eq!(p.len(), 2, "{s}");
            let mut d = Discovery::default();
            merge_cli(&mut d, p, root, "micromamba");
            assert_eq!(
                d.root_prefix.as_deref(),
                Some(Path::new("/home/u/micromamba")),
                "{s}"
            );
            assert_eq!(
                d.resolve("myproj").chosen.unwrap().prefix,
                Path::new("/home/u/micromamba/envs/myproj")
            );
        }
        assert!(parse_env_list_json("[]").is_err());
        assert!(parse_env_list_json("oops").is_err());
    }

    #[test]
    fn version_ranges_are_not_pins() {
        let text = "name: nb\ndependencies:\n  - python=3.11\n  - nbconvert[execute]!=6.0.0\n  - jupyterlab>=3\n  - numpy<=2\n";
        assert_eq!(env_file_kind(text), EnvFileKind::Spec);
        let pinned = "name: x\ndependencies:\n  - python=3.11.9=h1_0\n  - numpy=2.0.1=py311_0\n  - pip=24.0=pyhd8ed1ab_0\n";
        assert_eq!(env_file_kind(pinned), EnvFileKind::Export);
    }

    #[test]
    fn env_file_kinds() {
        assert_eq!(
            env_file_kind(
                "name: x\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy\n"
            ),
            EnvFileKind::Spec
        );
        assert_eq!(
            env_file_kind("name: x\ndependencies:\n  - python=3.11.9=h1_0\n  - numpy=1.26.4=py311_0\n  - zlib=1.3.1=h2_1\nprefix: /opt/env\n"),
            EnvFileKind::Export
        );
        assert_eq!(
            env_file_kind("name: x\ndependencies:\n  - python=3.11.9\n  - numpy=1.26.4\n  - pip:\n    - rich==13.0\n  - zlib=1.3.1\n"),
            EnvFileKind::Export
        );
        // An application that pins what it names, by hand: no build strings, no package only
        // an export lists.
        assert_eq!(
            env_file_kind("name: app\nchannels:\n  - conda-forge\ndependencies:\n  # the web app\n  - python=3.9.16\n  - dash=2.11.1\n  - gunicorn=20.1.0\n  - celery=5.3.1\n"),
            EnvFileKind::Spec
        );
        assert_eq!(
            env_file_kind("# This file may be used to create an environment using:\n# platform: linux-64\npython=3.11.9=h1_0\nzlib=1.3.1=h2_1\n"),
            EnvFileKind::ListExport
        );
        assert_eq!(
            env_file_kind("# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/x.conda\n"),
            EnvFileKind::Explicit
        );
        assert_eq!(
            env_file_kind("version: 1\nmetadata:\n  platforms: []\npackage: []\n"),
            EnvFileKind::CondaLock
        );
        assert_eq!(env_file_kind("site_name: docs\n"), EnvFileKind::Other);
        // A machine's prefix next to loose specs (`--from-history`, or written by hand).
        assert_eq!(
            env_file_kind("name: boat\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n  - poetry\n  - conda-lock\nprefix: /home/u/miniconda3/envs/boat\n"),
            EnvFileKind::Spec
        );
    }

    /// Writes `text` at `rel` under `root`, folders and all.
    fn put(root: &Path, rel: &str, text: &str) -> PathBuf {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn env_file_choice_rules() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        let w = |rel: &str, text: &str| put(r, rel, text);
        let spec = "dependencies:\n  - python=3.11\n";
        let export = "dependencies:\n  - a=1.0=h_0\n  - b=2.0=h_0\n  - c=3.0=h_0\n";
        let choose = |v: &[PathBuf]| choose_env_file(r, v);
        // A lone *.yml with dependencies in binder/ counts; one without does not.
        let b = w("binder/deps.yml", spec);
        let docs = w("mkdocs.yml", "site_name: x\n");
        let c = choose(&[b.clone(), docs.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&b));
        assert!(c.others.is_empty());
        assert!(c.why.contains("`dependencies:`"), "{}", c.why);
        // env.yml in the root beats it, and a root conda.yml ranks after env.yml.
        let e = w("env.yml", spec);
        let k = w("conda.yml", spec);
        let c = choose(&[b.clone(), k.clone(), e.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&e));
        assert_eq!(c.others, [k.clone(), b.clone()]);
        assert!(c
            .why
            .starts_with("env.yml: the conventional name, in the project root"));
        // environment-*.yml counts; an exported environment.yml loses to a hand-written one.
        let dash = w("environment-dev.yml", spec);
        let ex = w("environment.yml", export);
        let c = choose(&[ex.clone(), dash.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&dash));
        let c = choose(std::slice::from_ref(&ex));
        assert!(c.why.contains("exported environment"), "{}", c.why);
        // A conda-lock file is never an environment file.
        let lock = w(
            "envs/conda-lock.yml",
            "version: 1\nmetadata:\n  x: 1\npackage:\n  - name: a\ndependencies: {}\n",
        );
        assert!(choose(&[lock]).picked.is_none());
        assert!(is_exported_env(&ex) && !is_exported_env(&e));
    }

    #[test]
    fn in_subfolders_a_conventional_name_beats_the_folder_order() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        let spec = "name: x\ndependencies:\n  - python=3.12\n";
        let w = |rel: &str| put(r, rel, spec);
        // data-fun/3d-genome-builder: a Snakemake rule's envs/workflow.yml, and the
        // binder/environment.yml the README creates the project's environment from.
        let rule = w("envs/workflow.yml");
        let binder = w("binder/environment.yml");
        let c = choose_env_file(r, &[rule.clone(), binder.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&binder), "{}", c.why);
        // Between conventional names, the folder order still decides; the root comes first.
        let envs = w("envs/environment.yml");
        let c = choose_env_file(r, &[binder.clone(), envs.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&envs));
        let root_any = w("deps.yml");
        let c = choose_env_file(r, &[binder.clone(), root_any.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&root_any));
    }

    #[test]
    fn a_comment_updating_from_another_file_says_nothing_of_this_one() {
        let r = Path::new("/p");
        let own = "# conda env update -n dev --file environment-dev.yml\n";
        assert!(says_it_updates(own, &r.join("environment-dev.yml"), r));
        assert!(says_it_updates(own, &r.join("envs/environment-dev.yml"), r));
        // jzhan476/Low2005's root environment.yml points at binder/environment.yml.
        let other = "# Update environment: conda env update -f binder/environment.yml --prune\n";
        assert!(!says_it_updates(other, &r.join("environment.yml"), r));
        assert!(says_it_updates(other, &r.join("binder/environment.yml"), r));
        assert!(!says_it_updates(
            "# conda env create -f environment.yml\n",
            &r.join("environment.yml"),
            r
        ));
    }

    #[test]
    fn an_example_ranks_last() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        let spec = "name: x\ndependencies:\n  - python=3.12\n";
        // anaconda/anaconda-client: the example sorted before the file it illustrates.
        let example = put(r, "environment-tel-example.yml", spec);
        let tel = put(r, "environment-tel.yml", spec);
        let c = choose_env_file(r, &[example.clone(), tel.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&tel), "{}", c.why);
        assert!(is_an_example("environment.sample.yml") && is_an_example("env_template.yaml"));
        assert!(!is_an_example("environment-examplary.yml") && !is_an_example("environment.yml"));
        // devtools/ is a place for the development environment (BAMWelDX/weldx).
        let dev = put(r, "devtools/environment.yml", spec);
        let binder = put(r, "binder/environment.yml", spec);
        let c = choose_env_file(r, &[binder, dev.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&dev), "{}", c.why);
    }

    #[test]
    fn a_file_whose_comments_create_from_another_ranks_last() {
        let t = tempfile::tempdir().unwrap();
        let r = t.path();
        let w = |rel: &str, text: &str| put(r, rel, text);
        let binder = w(
            "binder/environment.yml",
            "name: low2005\ndependencies:\n  - python=3.11\n",
        );
        let root = w(
            "environment.yml",
            "# kept for backward compatibility\n# Create environment: conda env create -f binder/environment.yml\nname: low2005\ndependencies:\n  - python=3.9\n",
        );
        let c = choose_env_file(r, &[root.clone(), binder.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&binder), "{}", c.why);
        // Naming itself, or a file that is not there, defers to nothing.
        let own = w("environment.yml", "# conda env create -f environment.yml\n# conda env create -f gone/env.yml\nname: x\ndependencies:\n  - python=3.12\n");
        let c = choose_env_file(r, &[own.clone(), binder.clone()]);
        assert_eq!(c.picked.as_ref(), Some(&own), "{}", c.why);
    }
}
