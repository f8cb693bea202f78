//! Validated pack checks: what the loader produces and the runtime evaluates. Version
//! constraints are parsed at load; a user's regex is compiled at load, a bundled pack's on
//! first use (see [`Pattern`]).

use crate::core::{CheckMeta, Phase, Status};
use globset::GlobSet;
use rattler_conda_types::VersionSpec;
use regex::Regex;
use std::sync::OnceLock;
use std::time::Duration;

/// Regexes in packs are bounded so a pack cannot make a run slow or huge.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Compiles a pack regex within the size bound.
pub(crate) fn compile(source: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// A pack's regex. A user's pack is compiled when it is loaded, so a bad pattern is a load
/// error with its place; the bundled packs' patterns (and the named matchers') are compiled
/// on first use, so a run pays only for the checks it runs. That they all compile is a unit
/// test (the loader compiles everything eagerly under `cfg(test)`).
pub struct Pattern {
    source: String,
    compiled: OnceLock<Regex>,
}

impl Pattern {
    pub(crate) fn lazy(source: String) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    pub(crate) fn compiled(re: Regex) -> Self {
        Self {
            source: re.as_str().to_string(),
            compiled: OnceLock::from(re),
        }
    }
}

impl std::ops::Deref for Pattern {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled
            .get_or_init(|| compile(&self.source).expect("bundled patterns compile (unit test)"))
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

/// A loaded pack: its checks and its overrides of other checks.
#[derive(Debug)]
pub struct Pack {
    /// How errors and `list` name the file (`checks/tools.toml`, a path).
    pub name: String,
    pub checks: Vec<PackCheckDef>,
    pub overrides: Vec<Override>,
}

#[derive(Debug)]
pub struct PackCheckDef {
    pub meta: CheckMeta,
    /// Status when an expectation does not hold.
    pub severity: Status,
    pub when: When,
    pub probe: Probe,
    pub fix: Option<FixTemplate>,
    /// Summary to show when the expectation does not hold.
    pub message: Option<String>,
    /// `file:line:col` of the id, for duplicate-id errors.
    pub place: String,
}

/// Applicability; every non-empty part must hold.
#[derive(Debug, Default)]
pub struct When {
    /// Any of these paths/globs exists.
    pub files: Vec<String>,
    /// Each of these paths/globs exists.
    pub files_all: Vec<String>,
    pub os: Vec<String>,
    pub env: Vec<String>,
    pub commands: Vec<String>,
    pub git: Option<bool>,
    /// The project sets up a conda environment (`true`) or does not (`false`).
    pub env_file: Option<bool>,
    /// Names of which one must exist in a Docker build context.
    pub build_context: Vec<String>,
}

#[derive(Debug)]
pub enum Probe {
    Command(CommandProbe),
    File(FileProbe),
    Http(HttpProbe),
    Tcp(TcpProbe),
    Env(EnvProbe),
}

#[derive(Debug)]
pub struct CommandProbe {
    pub argv: Vec<String>,
    pub timeout: Option<Duration>,
    pub exit: i32,
    pub stdout_regex: Option<Pattern>,
    pub stderr_regex: Option<Pattern>,
    /// Extracts the version (first capture group, or the whole match) from stdout + stderr.
    pub version_regex: Option<Pattern>,
    pub version: Option<(String, VersionSpec)>,
}

#[derive(Debug)]
pub struct FileProbe {
    /// Paths or globs relative to the project (absolute and `~/` paths are taken literally).
    pub paths: Vec<String>,
    pub exclude: Option<GlobSet>,
    pub exists: Option<bool>,
    pub contains: Option<Pattern>,
    pub not_contains: Option<Pattern>,
    /// Set by a named matcher: a `name` test (e.g. the secret-name classifier), matches its
    /// policy tolerates (a library's `pip install -e .`), and a prefilter.
    pub filters: crate::policy::MatchFilters,
    pub mode: Option<u32>,
    pub max_mode: Option<u32>,
    /// Only files tracked by git count.
    pub tracked: bool,
    /// Only Markdown code is searched: fenced blocks, and the inline spans of other lines.
    pub code_blocks: bool,
    /// Never print matched text (only a `name` capture group, if the regex has one).
    pub redact: bool,
    pub timeout: Option<Duration>,
}

#[derive(Debug)]
pub struct HttpProbe {
    pub url: String,
    pub timeout: Option<Duration>,
    pub status: Option<u16>,
    pub body_regex: Option<Pattern>,
    /// Dotted path into a JSON body (`status`, `checks.db.ok`, `items.0.name`).
    pub json_field: Option<String>,
    pub json_value: Option<serde_json::Value>,
}

#[derive(Debug)]
pub struct TcpProbe {
    pub host: String,
    pub port: u16,
    /// `true`: something must listen; `false`: the port must be free.
    pub open: bool,
    pub timeout: Option<Duration>,
}

#[derive(Debug)]
pub struct EnvProbe {
    pub var: String,
    pub set: Option<bool>,
    pub matches: Option<Pattern>,
    pub redact: bool,
}

/// A fix with placeholders (`{mamba}`, `{env}`, `{env_file}`, `{project}`) still in it.
#[derive(Debug, Clone)]
pub struct FixTemplate {
    pub why: String,
    pub commands: Vec<Vec<String>>,
    pub manual: Vec<String>,
    pub phase: Phase,
}

/// What a project pack does to another check.
#[derive(Debug, Clone)]
pub struct Override {
    pub id: String,
    pub action: OverrideAction,
    /// `file:line:col` of the override's id.
    pub place: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideAction {
    Severity(Status),
    Disable,
}
