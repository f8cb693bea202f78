//! What a check produces: a result with an optional fix, and where in a file the fault is.

use crate::core::context::Context;
use crate::core::status::Status;
use serde::Serialize;
use std::path::PathBuf;

/// When in a repair sequence a fix belongs: `devdoctor fix` runs lower phases first
/// (install micromamba before creating environments, create before installing Python).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Install the package manager or another tool.
    InstallTool,
    /// Shell init, channels and other configuration of the tool.
    Configure,
    /// Create or rebuild an environment.
    CreateEnv,
    /// Install or update packages inside an existing environment.
    #[default]
    UpdateEnv,
    /// Regenerate lock files.
    Lock,
    /// Build images, start daemons or servers.
    Runtime,
}

/// A repair: a sentence of why, and commands as argv (never a shell string).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Fix {
    pub why: String,
    /// Commands in order, each as program + arguments.
    pub commands: Vec<Vec<String>>,
    /// Steps that cannot be expressed as argv (an installer one-liner, an edit to a file).
    /// They are printed for a person and never run by `devdoctor fix`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<String>,
    pub phase: Phase,
    /// Programs the fix puts on PATH by other means than its commands (a system package
    /// manager's curl): a later fix that only installs one of them is this step already.
    #[serde(skip)]
    pub provides: Vec<String>,
    /// Files the fix creates before its commands run (a proposed environment.yml); never
    /// one that exists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_files: Vec<NewFile>,
}

/// A file a fix creates: its path in the project, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewFile {
    pub path: PathBuf,
    pub content: String,
}

impl Fix {
    pub fn new(why: impl Into<String>) -> Fix {
        Fix {
            why: why.into(),
            ..Fix::default()
        }
    }

    /// Adds one command given as argv.
    pub fn cmd<S: AsRef<str>>(mut self, argv: impl IntoIterator<Item = S>) -> Fix {
        self.commands
            .push(argv.into_iter().map(|s| s.as_ref().to_string()).collect());
        self
    }

    pub fn manual(mut self, step: impl Into<String>) -> Fix {
        self.manual.push(step.into());
        self
    }

    pub fn phase(mut self, phase: Phase) -> Fix {
        self.phase = phase;
        self
    }

    /// Creates `path` (relative to the project) with `content` before the commands run.
    pub fn new_file(mut self, path: impl Into<PathBuf>, content: impl Into<String>) -> Fix {
        self.new_files.push(NewFile {
            path: path.into(),
            content: content.into(),
        });
        self
    }

    pub fn provides(mut self, program: impl Into<String>) -> Fix {
        self.provides.push(program.into());
        self
    }
}

/// A place in a file that a finding is about (used by SARIF and printed as file:line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: PathBuf,
    /// 1-based; 0 when the whole file is meant.
    pub line: usize,
    /// A rule id within the check (e.g. `DD001` or `no-user`) for SARIF, when the check has several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// What is wrong at this place.
    pub message: String,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Location {
        Location {
            path: path.into(),
            line,
            rule: None,
            message: message.into(),
        }
    }

    pub fn rule(mut self, rule: impl Into<String>) -> Location {
        self.rule = Some(rule.into());
        self
    }
}

/// The outcome of running one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub status: Status,
    /// One line, shown next to the check's title.
    pub summary: String,
    pub details: Vec<String>,
    pub fix: Option<Fix>,
    pub locations: Vec<Location>,
    /// Optional machine-readable facts (versions, counts, perfdata) kept in JSON output.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl CheckResult {
    pub fn new(status: Status, summary: impl Into<String>) -> CheckResult {
        CheckResult {
            status,
            summary: summary.into(),
            details: Vec::new(),
            fix: None,
            locations: Vec::new(),
            data: serde_json::Map::new(),
        }
    }
    pub fn ok(summary: impl Into<String>) -> CheckResult {
        CheckResult::new(Status::Ok, summary)
    }
    pub fn warn(summary: impl Into<String>) -> CheckResult {
        CheckResult::new(Status::Warn, summary)
    }
    pub fn fail(summary: impl Into<String>) -> CheckResult {
        CheckResult::new(Status::Fail, summary)
    }
    pub fn unknown(summary: impl Into<String>) -> CheckResult {
        CheckResult::new(Status::Unknown, summary)
    }
    pub fn skip(summary: impl Into<String>) -> CheckResult {
        CheckResult::new(Status::Skip, summary)
    }
    pub fn detail(mut self, line: impl Into<String>) -> CheckResult {
        self.details.push(line.into());
        self
    }
    pub fn details<S: Into<String>>(mut self, lines: impl IntoIterator<Item = S>) -> CheckResult {
        self.details.extend(lines.into_iter().map(Into::into));
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> CheckResult {
        self.fix = Some(fix);
        self
    }
    pub fn location(mut self, loc: Location) -> CheckResult {
        self.locations.push(loc);
        self
    }
    pub fn data(mut self, key: &str, value: impl Into<serde_json::Value>) -> CheckResult {
        self.data.insert(key.to_string(), value.into());
        self
    }
}

/// A result decided before a check reaches its judgement: a precondition that does not hold
/// (no environment file, no engine, no server). Helpers return it as an error, so a check
/// states its preconditions with `?` and its body holds only the judgement.
///
/// Most early results skip or are unknown; a helper may also stop with a full result (a
/// failure with its fix) through `From<CheckResult>`. Boxed: it is rarely taken and large.
#[derive(Debug, Clone, PartialEq)]
pub struct Early(Box<CheckResult>);

impl Early {
    /// The check does not apply here; `why` says what it needed.
    pub fn skip(why: impl Into<String>) -> Early {
        Early(Box::new(CheckResult::skip(why)))
    }
    /// The check applies but cannot tell (a file or a tool could not be read).
    pub fn unknown(why: impl Into<String>) -> Early {
        Early(Box::new(CheckResult::unknown(why)))
    }
    pub fn detail(mut self, line: impl Into<String>) -> Early {
        self.0.details.push(line.into());
        self
    }
}

impl From<CheckResult> for Early {
    fn from(r: CheckResult) -> Early {
        Early(Box::new(r))
    }
}

impl From<Early> for CheckResult {
    fn from(e: Early) -> CheckResult {
        *e.0
    }
}

/// What a check's `run` returns: its result, or the early result of a precondition.
pub(crate) type Outcome = Result<CheckResult, Early>;

/// The result a check reports, early or not.
pub(crate) trait Settle {
    fn settle(self) -> CheckResult;
}

impl Settle for Outcome {
    fn settle(self) -> CheckResult {
        self.unwrap_or_else(CheckResult::from)
    }
}

/// Where a check comes from, shown by `devdoctor list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "path", rename_all = "lowercase")]
pub enum Origin {
    Builtin,
    /// A pack compiled into the binary (`checks/NAME.toml` in the repo).
    Bundled(String),
    /// A pack file loaded at run time.
    Pack(PathBuf),
    /// An external executable (Nagios plugin convention).
    Plugin(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::Bundled(name) => write!(f, "pack {name} (bundled)"),
            Origin::Pack(p) => write!(f, "pack {}", p.display()),
            Origin::Plugin(p) => write!(f, "plugin {}", p.display()),
        }
    }
}

/// A check's identity and documentation.
#[derive(Debug, Clone, Serialize)]
pub struct CheckMeta {
    /// Stable id, `area.name`.
    pub id: String,
    /// Group in the human report: `mamba`, `env`, `docker`, `dockerfile`, `compose`, `image`, `mcp`, …
    pub category: String,
    pub title: String,
    pub can_fix: bool,
    /// What the check looks at, why it matters, how to fix it.
    pub explain: String,
    pub origin: Origin,
}

/// A check: metadata plus a judgement over the shared context.
pub(crate) trait Check: Send + Sync {
    fn meta(&self) -> &CheckMeta;
    fn run(&self, ctx: &Context) -> Outcome;
    /// `--wait` retries this check while it fails or is unknown: it asks a server over the
    /// network that may still be starting.
    fn waits_for_server(&self) -> bool {
        false
    }
    /// Whether the check spends its time waiting on another process (the MCP server, the
    /// Docker engine) rather than reading files: the runner starts these first, so that
    /// their waits overlap the local checks instead of following them.
    fn waits_on_peer(&self) -> bool {
        self.waits_for_server()
    }
    /// Whether a failure of this check may only mean that the server is still starting, so
    /// `--wait` retries it. A verdict on a running server (an unprotected `Origin`, a changed
    /// tool) is final; such a check is still re-run when it skipped for a server check that
    /// is retried.
    fn retries_failures(&self) -> bool {
        self.waits_for_server()
    }
    /// Whether this check may run: `false` for a project's pack check or plugin that the user
    /// has not trusted (it is listed, and skipped).
    fn trusted(&self) -> bool {
        true
    }
    /// When the check applies and when it skips, for the check reference (`None`: not
    /// documented, as for packs and plugins, whose files say it).
    fn applies(&self) -> Option<&str> {
        None
    }
}

/// How a built-in check is declared: every field named, the category taken from the id's
/// prefix (`env.pip` is in `env`), so the two cannot disagree.
pub(crate) struct Spec {
    /// Stable id, `area.name`.
    pub id: &'static str,
    pub title: &'static str,
    /// Whether its fix is something `devdoctor fix` can act on.
    pub can_fix: bool,
    /// One sentence for the check reference: when the check applies, and when it skips.
    pub applies: &'static str,
    /// What the check looks at, why it matters, how to fix it (`devdoctor explain`).
    pub explain: &'static str,
    pub run: fn(&Context) -> Outcome,
}

/// The area of a check id: the part before the first dot.
pub(crate) fn area_of(id: &str) -> &str {
    id.split_once('.').map_or(id, |(area, _)| area)
}

/// A built-in check: static metadata and a plain function.
pub(crate) struct Builtin {
    pub meta: CheckMeta,
    pub applies: &'static str,
    pub run: fn(&Context) -> Outcome,
}

impl CheckMeta {
    /// The metadata of a check compiled into devdoctor; its category is the id's area.
    pub fn builtin(id: &str, title: &str, can_fix: bool, explain: &str) -> CheckMeta {
        CheckMeta {
            id: id.to_string(),
            category: area_of(id).to_string(),
            title: title.to_string(),
            can_fix,
            explain: explain.trim().to_string(),
            origin: Origin::Builtin,
        }
    }
}

impl Builtin {
    pub(crate) fn new(spec: Spec) -> Builtin {
        Builtin {
            meta: CheckMeta::builtin(spec.id, spec.title, spec.can_fix, spec.explain),
            applies: spec.applies,
            run: spec.run,
        }
    }
}

impl Check for Builtin {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }
    fn run(&self, ctx: &Context) -> Outcome {
        (self.run)(ctx)
    }
    fn applies(&self) -> Option<&str> {
        Some(self.applies)
    }
    /// Every built-in MCP check talks to the running server, but mcp.sdk, which reads files.
    fn waits_for_server(&self) -> bool {
        self.meta.category == "mcp" && self.meta.id != "mcp.sdk"
    }
    /// The MCP checks and those that ask the Docker engine.
    fn waits_on_peer(&self) -> bool {
        matches!(self.meta.category.as_str(), "mcp" | "docker" | "image")
    }
    /// Only the checks that find out whether the server is up fail because it is not.
    fn retries_failures(&self) -> bool {
        matches!(
            self.meta.id.as_str(),
            "mcp.health" | "mcp.handshake" | "mcp.port"
        )
    }
}
