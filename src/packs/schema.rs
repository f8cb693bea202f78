//! The pack file format as written on disk (`checks/*.toml`, `.devdoctor/checks/*.toml`).
//! Every value that validation may complain about is `Spanned`, so errors can name the file,
//! line and key. Unknown keys are rejected by serde (`deny_unknown_fields`).

use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// One pack file: checks and overrides of other checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    #[serde(default)]
    pub check: Vec<Spanned<RawCheck>>,
    #[serde(default, rename = "override")]
    pub overrides: Vec<Spanned<RawOverride>>,
}

/// A string or a list of strings (`file = "Dockerfile"` or `file = ["a", "b"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCheck {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    /// Report group; defaults to the id's area prefix.
    pub category: Option<Spanned<String>>,
    /// Status when the expectation does not hold: "warn" or "fail" (default "fail").
    pub severity: Option<Spanned<String>>,
    pub when: Option<Spanned<RawWhen>>,
    pub probe: Spanned<RawProbe>,
    pub fix: Option<Spanned<RawFix>>,
    /// Summary when the expectation does not hold (the probe's own words become a detail).
    pub message: Option<Spanned<String>>,
    pub explain: Spanned<String>,
}

/// Applicability: every key given must hold, otherwise the check is skipped.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWhen {
    /// Any of these paths or globs exists in the project.
    pub file: Option<Spanned<OneOrMany>>,
    /// Each of these paths or globs matches something in the project.
    pub file_all: Option<Spanned<OneOrMany>>,
    /// The OS is one of these (`linux`, `macos`, …: Rust's `std::env::consts::OS`).
    pub os: Option<Spanned<OneOrMany>>,
    /// All of these environment variables are set (non-empty).
    pub env: Option<Spanned<OneOrMany>>,
    /// All of these programs are on PATH.
    pub command: Option<Spanned<OneOrMany>>,
    /// The project is (`true`) or is not (`false`) inside a git work tree.
    pub git: Option<Spanned<bool>>,
    /// The project does (`true`) or does not (`false`) set up a conda environment: it has an
    /// environment file devdoctor finds (or names one in its config), or a requirements.txt
    /// that `env.file` proposes to replace with one.
    pub env_file: Option<Spanned<bool>>,
    /// One of these names exists in a Docker build context of the project (a compose
    /// service's `build.context`, else a Dockerfile's folder). The probe then runs once per
    /// such context, with `{build_context}` standing for it.
    pub build_context: Option<Spanned<OneOrMany>>,
}

/// One probe with its expectations. `kind` decides which keys apply.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProbe {
    pub kind: Spanned<String>,
    pub timeout: Option<Spanned<f64>>,
    // command
    pub argv: Option<Spanned<Vec<String>>>,
    pub exit: Option<Spanned<i64>>,
    pub stdout_regex: Option<Spanned<String>>,
    pub stderr_regex: Option<Spanned<String>>,
    pub version_regex: Option<Spanned<String>>,
    pub version: Option<Spanned<String>>,
    // file
    pub path: Option<Spanned<OneOrMany>>,
    pub exclude: Option<Spanned<OneOrMany>>,
    pub exists: Option<Spanned<bool>>,
    pub absent: Option<Spanned<bool>>,
    pub contains: Option<Spanned<String>>,
    pub not_contains: Option<Spanned<String>>,
    /// A named built-in line matcher used in place of a `not_contains` regex: each line it
    /// matches is a finding. `pip-install` (shell scripts, CI files), `pip-install-make`
    /// (Makefiles and justfiles: also `@`/`-` recipe prefixes and `$(PIP) install`),
    /// `pip-install-doc` (commands in documentation code blocks), which share devdoctor's own
    /// pip detector, and `secret-assignment` (`NAME=literal` lines whose name the secret-name
    /// classifier flags; the variable is the `name` group), so packs need not paste regexes
    /// that drift apart.
    pub matcher: Option<Spanned<String>>,
    pub mode: Option<Spanned<String>>,
    pub max_mode: Option<Spanned<String>>,
    pub tracked: Option<Spanned<bool>>,
    pub code_blocks: Option<Spanned<bool>>,
    pub redact: Option<Spanned<bool>>,
    // http
    pub url: Option<Spanned<String>>,
    pub status: Option<Spanned<i64>>,
    pub body_regex: Option<Spanned<String>>,
    pub json_field: Option<Spanned<String>>,
    pub json_value: Option<Spanned<toml::Value>>,
    // tcp
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<i64>>,
    pub open: Option<Spanned<bool>>,
    // env
    pub var: Option<Spanned<String>>,
    pub set: Option<Spanned<bool>>,
    pub matches: Option<Spanned<String>>,
}

fn span_of<T>(v: &Option<Spanned<T>>) -> Option<Range<usize>> {
    v.as_ref().map(|s| s.span())
}

impl RawProbe {
    /// Every key present apart from `kind`, with the span of its value.
    pub(crate) fn present_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        let all = [
            ("timeout", span_of(&self.timeout)),
            ("argv", span_of(&self.argv)),
            ("exit", span_of(&self.exit)),
            ("stdout_regex", span_of(&self.stdout_regex)),
            ("stderr_regex", span_of(&self.stderr_regex)),
            ("version_regex", span_of(&self.version_regex)),
            ("version", span_of(&self.version)),
            ("path", span_of(&self.path)),
            ("exclude", span_of(&self.exclude)),
            ("exists", span_of(&self.exists)),
            ("absent", span_of(&self.absent)),
            ("contains", span_of(&self.contains)),
            ("not_contains", span_of(&self.not_contains)),
            ("matcher", span_of(&self.matcher)),
            ("mode", span_of(&self.mode)),
            ("max_mode", span_of(&self.max_mode)),
            ("tracked", span_of(&self.tracked)),
            ("code_blocks", span_of(&self.code_blocks)),
            ("redact", span_of(&self.redact)),
            ("url", span_of(&self.url)),
            ("status", span_of(&self.status)),
            ("body_regex", span_of(&self.body_regex)),
            ("json_field", span_of(&self.json_field)),
            ("json_value", span_of(&self.json_value)),
            ("host", span_of(&self.host)),
            ("port", span_of(&self.port)),
            ("open", span_of(&self.open)),
            ("var", span_of(&self.var)),
            ("set", span_of(&self.set)),
            ("matches", span_of(&self.matches)),
        ];
        all.into_iter()
            .filter_map(|(k, s)| s.map(|s| (k, s)))
            .collect()
    }
}

/// The keys each probe kind accepts (besides `kind`).
pub(crate) const KIND_KEYS: &[(&str, &[&str])] = &[
    (
        "command",
        &[
            "argv",
            "timeout",
            "exit",
            "stdout_regex",
            "stderr_regex",
            "version_regex",
            "version",
        ],
    ),
    (
        "file",
        &[
            "path",
            "exclude",
            "exists",
            "absent",
            "contains",
            "not_contains",
            "matcher",
            "mode",
            "max_mode",
            "tracked",
            "code_blocks",
            "redact",
            "timeout",
        ],
    ),
    (
        "http",
        &[
            "url",
            "timeout",
            "status",
            "body_regex",
            "json_field",
            "json_value",
        ],
    ),
    ("tcp", &["host", "port", "open", "timeout"]),
    ("env", &["var", "set", "matches", "redact"]),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFix {
    pub why: Spanned<String>,
    #[serde(default)]
    pub commands: Vec<Spanned<Vec<String>>>,
    /// Steps for a person (edits, installer one-liners); never run by `devdoctor fix`.
    #[serde(default)]
    pub manual: Vec<Spanned<String>>,
    pub phase: Option<Spanned<String>>,
}

/// Changes another check (usually a built-in): its severity, or turns it off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOverride {
    pub id: Spanned<String>,
    pub severity: Option<Spanned<String>>,
    pub disabled: Option<Spanned<bool>>,
}
