//! Parses and validates one pack file. Every problem is collected with the file, line,
//! column and key it is about, so one run shows all of a pack's mistakes at once.

use super::model::*;
use super::placeholders;
use super::schema::{
    OneOrMany, RawCheck, RawFix, RawOverride, RawPack, RawProbe, RawWhen, KIND_KEYS,
};
use crate::config::line_col;
use crate::core::Diagnostic;
use crate::core::{CheckMeta, Origin, Phase, Status};
use crate::policy::MatchFilters;
use rattler_conda_types::{ParseStrictness, VersionSpec};
use std::ops::Range;
use std::time::Duration;
use toml::Spanned;

/// One configuration problem in a pack, already placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// `file:line:col`
    pub place: String,
    pub key: String,
    pub message: String,
    pub hint: String,
}

impl From<&Diag> for Diagnostic {
    fn from(d: &Diag) -> Diagnostic {
        let message = if d.key.is_empty() {
            d.message.clone()
        } else {
            format!("key `{}`: {}", d.key, d.message)
        };
        Diagnostic::usage(message)
            .at(d.place.clone())
            .hint(d.hint.clone())
    }
}

impl std::fmt::Display for Diag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Diagnostic::from(self).fmt(f)
    }
}

/// Joins diagnostics into one error (exit 2).
pub(crate) fn diags_error(diags: &[Diag]) -> anyhow::Error {
    let body = diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let n = diags.len();
    Diagnostic::usage(format!(
        "{n} problem{} in check packs:\n{body}",
        if n == 1 { "" } else { "s" }
    ))
    .into()
}

const MAX_TIMEOUT_SECS: f64 = 3600.0;
const PHASES: &[(&str, Phase)] = &[
    ("install_tool", Phase::InstallTool),
    ("configure", Phase::Configure),
    ("create_env", Phase::CreateEnv),
    ("update_env", Phase::UpdateEnv),
    ("lock", Phase::Lock),
    ("runtime", Phase::Runtime),
];

struct Ctx<'a> {
    name: &'a str,
    text: &'a str,
    /// Problems with the byte offset they are about (reported in file order).
    diags: Vec<(usize, Diag)>,
    /// The id of the check being validated, for messages.
    check: String,
    /// A bundled pack: its regexes are compiled on first use (see [`Pattern`]).
    bundled: bool,
    /// Byte offsets where lines start: placing is a binary search, not a scan of the file
    /// per check and per problem (quadratic on a pack of thousands of checks).
    line_starts: Vec<usize>,
}

impl Ctx<'_> {
    fn place(&self, span: &Range<usize>) -> String {
        let at = span.start.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let col = at - self.line_starts.get(line - 1).copied().unwrap_or(0) + 1;
        format!("{}:{line}:{col}", self.name)
    }

    fn err(&mut self, span: &Range<usize>, key: &str, message: String, hint: &str) {
        let message = if self.check.is_empty() {
            message
        } else {
            format!("{message} (in check `{}`)", self.check)
        };
        let diag = Diag {
            place: self.place(span),
            key: key.to_string(),
            message,
            hint: hint.to_string(),
        };
        self.diags.push((span.start, diag));
    }

    fn regex(&mut self, v: &Option<Spanned<String>>, key: &str) -> Option<Pattern> {
        let s = v.as_ref()?;
        if self.bundled && !cfg!(test) {
            return Some(Pattern::lazy(s.get_ref().clone()));
        }
        match compile(s.get_ref()) {
            Ok(re) => Some(Pattern::compiled(re)),
            Err(e) => {
                let msg = e.to_string().replace('\n', "\n    ");
                self.err(
                    &s.span(),
                    key,
                    format!("bad regular expression:\n    {msg}"),
                    "the syntax is Rust's `regex` crate (no look-around or back-references); use a TOML literal string '…' so backslashes stay as written",
                );
                None
            }
        }
    }

    /// A named line matcher (`matcher = "…"`) in place of a `not_contains` regex.
    fn matcher(&mut self, m: &Spanned<String>, regex_too: bool) -> (Option<Pattern>, MatchFilters) {
        if regex_too {
            self.err(
                &m.span(),
                "probe.matcher",
                "`matcher` and `not_contains` both given".to_string(),
                "a named matcher takes the place of a `not_contains` regex: keep one",
            );
            return (None, MatchFilters::default());
        }
        if let Some(named) = crate::policy::matcher(m.get_ref()) {
            return (Some(Pattern::lazy(named.pattern)), named.filters);
        }
        let known: Vec<&str> = crate::policy::MATCHERS.iter().map(|(n, _)| *n).collect();
        self.err(
            &m.span(),
            "probe.matcher",
            format!("unknown matcher `{}`", m.get_ref()),
            &format!("the named matchers are: {}", known.join(", ")),
        );
        (None, MatchFilters::default())
    }

    fn timeout(&mut self, v: &Option<Spanned<f64>>, key: &str) -> Option<Duration> {
        let s = v.as_ref()?;
        let secs = *s.get_ref();
        if !secs.is_finite() || secs <= 0.0 || secs > MAX_TIMEOUT_SECS {
            self.err(
                &s.span(),
                key,
                format!("timeout {secs} is out of range"),
                "give seconds between 0 and 3600 (a check is also bounded by --timeout)",
            );
            return None;
        }
        Some(Duration::from_secs_f64(secs))
    }

    fn globs(&mut self, v: &Spanned<OneOrMany>, key: &str) -> Vec<String> {
        let list = v.get_ref().clone().into_vec();
        if list.is_empty() {
            self.err(
                &v.span(),
                key,
                "the list is empty".into(),
                "give at least one path or glob",
            );
        }
        for p in &list {
            if let Err(e) = globset::Glob::new(p) {
                self.err(
                    &v.span(),
                    key,
                    format!("bad path pattern `{p}`: {e}"),
                    "globs use *, ?, [..], {a,b} and **",
                );
            } else if (p.starts_with('/') || p.starts_with("~/"))
                && p.contains(['*', '?', '[', '{'])
            {
                self.err(
                    &v.span(),
                    key,
                    format!("`{p}`: globs are only supported in project-relative paths"),
                    "name absolute files literally, or use a path relative to the project",
                );
            }
            self.placeholders(p, &v.span(), key);
        }
        list
    }

    fn placeholders(&mut self, s: &str, span: &Range<usize>, key: &str) {
        for bad in placeholders::unknown(s) {
            self.err(
                span,
                key,
                format!("unknown placeholder `{{{bad}}}`"),
                &format!("known placeholders: {}", placeholders::KNOWN.join(", ")),
            );
        }
    }

    fn severity(&mut self, v: &Spanned<String>, key: &str) -> Option<Status> {
        match Status::parse(v.get_ref()) {
            Some(st @ (Status::Warn | Status::Fail)) => Some(st),
            _ => {
                self.err(
                    &v.span(),
                    key,
                    format!("severity `{}` is not allowed", v.get_ref()),
                    "use \"warn\" or \"fail\" (to turn a check off, use [[override]] with disabled = true)",
                );
                None
            }
        }
    }
}

/// Parses and validates a pack. `name` is how errors and `list` show the file.
pub fn parse(name: &str, text: &str, origin: &Origin) -> Result<Pack, Vec<Diag>> {
    let raw: RawPack = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let place = match e.span() {
                Some(span) => {
                    let (line, col) = line_col(text, span.start);
                    format!("{name}:{line}:{col}")
                }
                None => name.to_string(),
            };
            return Err(vec![Diag {
                place,
                key: String::new(),
                message: e.message().trim().to_string(),
                hint: "see docs/packs-and-plugins.md (\"Writing a pack\") for the schema: [[check]] with id, title, category, severity, when, probe, fix, explain; [[override]] with id, severity or disabled".into(),
            }]);
        }
    };
    let mut cx = Ctx {
        name,
        text,
        diags: Vec::new(),
        check: String::new(),
        bundled: matches!(origin, Origin::Bundled(_)),
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    };
    let mut checks = Vec::new();
    for c in raw.check {
        let c = c.into_inner();
        let offset = c.id.span().start;
        if let Some(def) = check(&mut cx, c, origin) {
            checks.push((def, offset));
        }
    }
    cx.check.clear();
    let mut overrides = Vec::new();
    for o in raw.overrides {
        if let Some(ov) = override_(&mut cx, o.into_inner()) {
            overrides.push(ov);
        }
    }
    // Duplicates inside this file (across files the registry checks).
    for (i, (c, offset)) in checks.iter().enumerate() {
        if let Some((first, _)) = checks[..i].iter().find(|(p, _)| p.meta.id == c.meta.id) {
            let diag = Diag {
                place: c.place.clone(),
                key: "id".into(),
                message: format!(
                    "duplicate check id `{}`; already defined at {}",
                    c.meta.id, first.place
                ),
                hint: "every check id must be unique; rename one of them".into(),
            };
            cx.diags.push((*offset, diag));
        }
    }
    if cx.diags.is_empty() {
        Ok(Pack {
            name: name.to_string(),
            checks: checks.into_iter().map(|(c, _)| c).collect(),
            overrides,
        })
    } else {
        cx.diags.sort_by_key(|(offset, _)| *offset);
        Err(cx.diags.into_iter().map(|(_, d)| d).collect())
    }
}

/// `area.name[.more]`: two or more dot-separated parts of `[a-z0-9_-]`, each starting with a
/// letter or digit.
fn id_ok(id: &str) -> bool {
    let part_ok = |p: &str| {
        p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    };
    id.split('.').count() >= 2 && id.split('.').all(part_ok)
}

fn check(cx: &mut Ctx, c: RawCheck, origin: &Origin) -> Option<PackCheckDef> {
    let id = c.id.get_ref().clone();
    cx.check = id.clone();
    let before = cx.diags.len();
    if !id_ok(&id) {
        cx.err(&c.id.span(), "id", format!("check id `{id}` is not of the form `area.name`"), "use lowercase letters, digits, `-` and `_`, with a dot after the area, e.g. tools.trivy");
    } else if id.starts_with("plugin.") {
        cx.err(
            &c.id.span(),
            "id",
            format!("check id `{id}` uses the `plugin.` prefix"),
            "`plugin.*` ids belong to external plugins; pick another area prefix",
        );
    }
    for (key, v) in [("title", &c.title), ("explain", &c.explain)] {
        if v.get_ref().trim().is_empty() {
            cx.err(
                &v.span(),
                key,
                format!("`{key}` is empty"),
                "say what the check looks at, why it matters and how to fix it",
            );
        }
    }
    let category = match &c.category {
        Some(cat) if cat.get_ref().trim().is_empty() => {
            cx.err(
                &cat.span(),
                "category",
                "`category` is empty".into(),
                "e.g. tools, docker, env",
            );
            String::new()
        }
        Some(cat) => cat.get_ref().clone(),
        None => id.split('.').next().unwrap_or("pack").to_string(),
    };
    let severity = match &c.severity {
        Some(s) => cx.severity(s, "severity").unwrap_or(Status::Fail),
        None => Status::Fail,
    };
    let when = c.when.map(|w| when(cx, w.into_inner())).unwrap_or_default();
    let probe = probe(cx, c.probe);
    let fix = c.fix.and_then(|f| fix(cx, f));
    let message = c.message.map(|m| {
        if m.get_ref().trim().is_empty() {
            cx.err(
                &m.span(),
                "message",
                "`message` is empty".into(),
                "one line saying what is wrong, e.g. \".env is not ignored by .gitignore\"",
            );
        }
        cx.placeholders(m.get_ref(), &m.span(), "message");
        m.into_inner().trim().to_string()
    });
    if cx.diags.len() > before {
        return None;
    }
    let can_fix = fix.as_ref().is_some_and(|f| !f.commands.is_empty());
    Some(PackCheckDef {
        meta: CheckMeta {
            id,
            category,
            title: c.title.into_inner().trim().to_string(),
            can_fix,
            explain: c.explain.into_inner().trim().to_string(),
            origin: origin.clone(),
        },
        severity,
        when,
        probe: probe?,
        fix,
        message,
        place: cx.place(&c.id.span()),
    })
}

fn when(cx: &mut Ctx, w: RawWhen) -> When {
    let mut out = When::default();
    if let Some(f) = &w.file {
        out.files = cx.globs(f, "when.file");
    }
    if let Some(f) = &w.file_all {
        out.files_all = cx.globs(f, "when.file_all");
    }
    let mut list = |v: &Option<Spanned<OneOrMany>>, key: &str| -> Vec<String> {
        let Some(v) = v else { return Vec::new() };
        let items = v.get_ref().clone().into_vec();
        if items.is_empty() || items.iter().any(|s| s.trim().is_empty()) {
            cx.err(
                &v.span(),
                key,
                "empty value".into(),
                "give a non-empty string or list of strings",
            );
        }
        items
    };
    out.os = list(&w.os, "when.os");
    out.env = list(&w.env, "when.env");
    out.commands = list(&w.command, "when.command");
    out.build_context = list(&w.build_context, "when.build_context");
    const OSES: &[&str] = &[
        "linux", "macos", "windows", "freebsd", "netbsd", "openbsd", "unix",
    ];
    if let Some(v) = &w.os {
        for os in &out.os {
            if !OSES.contains(&os.as_str()) {
                cx.err(
                    &v.span(),
                    "when.os",
                    format!("unknown OS `{os}`"),
                    &format!("use one of: {}", OSES.join(", ")),
                );
            }
        }
    }
    out.git = w.git.map(|g| g.into_inner());
    out.env_file = w.env_file.map(|g| g.into_inner());
    out
}

fn probe(cx: &mut Ctx, p: Spanned<RawProbe>) -> Option<Probe> {
    let span = p.span();
    let p = p.into_inner();
    let kind = p.kind.get_ref().as_str();
    let allowed = kind_keys(cx, &p.kind)?;
    let before = cx.diags.len();
    for (key, kspan) in p.present_keys() {
        if !allowed.contains(&key) {
            cx.err(
                &kspan,
                &format!("probe.{key}"),
                format!("`{key}` does not apply to a `{kind}` probe"),
                &format!("a `{kind}` probe accepts: {}", allowed.join(", ")),
            );
        }
    }
    let timeout = cx.timeout(&p.timeout, "probe.timeout");
    let probe = match kind {
        "command" => command_probe(cx, &p, &span, timeout),
        "file" => file_probe(cx, &p, &span, timeout),
        "http" => http_probe(cx, &p, &span, timeout),
        "tcp" => tcp_probe(cx, &p, &span, timeout),
        _ => env_probe(cx, &p, &span),
    };
    (cx.diags.len() == before).then_some(probe)
}

/// The keys a probe kind accepts; an unknown kind is reported and gives `None`.
fn kind_keys(cx: &mut Ctx, kind: &Spanned<String>) -> Option<&'static [&'static str]> {
    let name = kind.get_ref().as_str();
    if let Some((_, allowed)) = KIND_KEYS.iter().find(|(k, _)| *k == name) {
        return Some(*allowed);
    }
    let kinds: Vec<&str> = KIND_KEYS.iter().map(|(k, _)| *k).collect();
    cx.err(
        &kind.span(),
        "probe.kind",
        format!("unknown probe kind `{name}`"),
        &format!("use one of: {}", kinds.join(", ")),
    );
    None
}

/// Reports `key` as missing from the `kind` probe at `span` unless it is `present`.
fn need(cx: &mut Ctx, span: &Range<usize>, kind: &str, present: bool, key: &str) {
    if !present {
        cx.err(
            span,
            &format!("probe.{key}"),
            format!("a `{kind}` probe needs `{key}`"),
            "see docs/packs-and-plugins.md (\"Writing a pack\") for each probe kind's keys",
        );
    }
}

/// Validates a `command` probe: argv, exit code, regexes and version constraint.
fn command_probe(
    cx: &mut Ctx,
    p: &RawProbe,
    span: &Range<usize>,
    timeout: Option<Duration>,
) -> Probe {
    need(cx, span, "command", p.argv.is_some(), "argv");
    let argv = p
        .argv
        .as_ref()
        .map(|a| a.get_ref().clone())
        .unwrap_or_default();
    if let Some(a) = &p.argv {
        if argv.first().is_none_or(|s| s.trim().is_empty()) {
            cx.err(
                &a.span(),
                "probe.argv",
                "argv is empty".into(),
                "argv = [\"program\", \"arg\", …]; no shell is used",
            );
        }
        for s in &argv {
            cx.placeholders(s, &a.span(), "probe.argv");
        }
    }
    let exit = match &p.exit {
        Some(e) if !(0..=255).contains(e.get_ref()) => {
            cx.err(
                &e.span(),
                "probe.exit",
                format!("exit code {} is out of range", e.get_ref()),
                "exit codes are 0-255",
            );
            0
        }
        Some(e) => *e.get_ref() as i32,
        None => 0,
    };
    let version = command_version(cx, p);
    Probe::Command(CommandProbe {
        argv,
        timeout,
        exit,
        stdout_regex: cx.regex(&p.stdout_regex, "probe.stdout_regex"),
        stderr_regex: cx.regex(&p.stderr_regex, "probe.stderr_regex"),
        version_regex: cx.regex(&p.version_regex, "probe.version_regex"),
        version,
    })
}

/// A command probe's `version` constraint, parsed; it needs `version_regex` beside it.
fn command_version(cx: &mut Ctx, p: &RawProbe) -> Option<(String, VersionSpec)> {
    let version = p.version.as_ref().and_then(|v| {
        match VersionSpec::from_str(v.get_ref(), ParseStrictness::Lenient) {
            Ok(spec) => Some((v.get_ref().clone(), spec)),
            Err(e) => {
                cx.err(
                    &v.span(),
                    "probe.version",
                    format!("bad version constraint `{}`: {e}", v.get_ref()),
                    "use conda version specs such as \">=0.50\", \">=1.2,<2\" or \"1.5.*\"",
                );
                None
            }
        }
    });
    if let (Some(v), None) = (&p.version, &p.version_regex) {
        cx.err(
            &v.span(),
            "probe.version",
            "`version` needs `version_regex` to find the version in the output".into(),
            "e.g. version_regex = 'Version: (\\S+)'",
        );
    }
    version
}

/// Validates a `file` probe: paths, exclusions, expectations, modes and matchers.
fn file_probe(cx: &mut Ctx, p: &RawProbe, span: &Range<usize>, timeout: Option<Duration>) -> Probe {
    need(cx, span, "file", p.path.is_some(), "path");
    let paths = p
        .path
        .as_ref()
        .map(|v| cx.globs(v, "probe.path"))
        .unwrap_or_default();
    let exclude = p.exclude.as_ref().and_then(|v| {
        let list = cx.globs(v, "probe.exclude");
        let mut b = globset::GlobSetBuilder::new();
        for g in list.iter().filter_map(|g| globset::Glob::new(g).ok()) {
            b.add(g);
        }
        b.build().ok()
    });
    let flag = |v: &Option<Spanned<bool>>| v.as_ref().map(|b| *b.get_ref());
    let mut exists = flag(&p.exists);
    if let Some(a) = &p.absent {
        if exists == Some(*a.get_ref()) {
            cx.err(
                &a.span(),
                "probe.absent",
                "`exists` and `absent` contradict each other".into(),
                "give only one of them",
            );
        }
        exists = Some(!*a.get_ref());
    }
    let mode_v = file_mode(cx, &p.mode, "probe.mode");
    let max_mode = file_mode(cx, &p.max_mode, "probe.max_mode");
    let contains = cx.regex(&p.contains, "probe.contains");
    let (not_contains, filters) = match &p.matcher {
        Some(m) => cx.matcher(m, p.not_contains.is_some()),
        None => (
            cx.regex(&p.not_contains, "probe.not_contains"),
            MatchFilters::default(),
        ),
    };
    if exists.is_none()
        && contains.is_none()
        && not_contains.is_none()
        && mode_v.is_none()
        && max_mode.is_none()
    {
        exists = Some(true);
    }
    Probe::File(FileProbe {
        paths,
        exclude,
        exists,
        contains,
        not_contains,
        filters,
        mode: mode_v,
        max_mode,
        tracked: flag(&p.tracked).unwrap_or(false),
        code_blocks: flag(&p.code_blocks).unwrap_or(false),
        redact: flag(&p.redact).unwrap_or(false),
        timeout,
    })
}

/// Octal permission bits written as a string ("0600"); a bad one is reported.
fn file_mode(cx: &mut Ctx, v: &Option<Spanned<String>>, key: &str) -> Option<u32> {
    let v = v.as_ref()?;
    let s = v.get_ref().trim_start_matches("0o");
    match u32::from_str_radix(s, 8) {
        Ok(m) if m <= 0o7777 => Some(m),
        _ => {
            cx.err(
                &v.span(),
                key,
                format!("bad file mode `{}`", v.get_ref()),
                "write the octal permission bits as a string, e.g. \"0600\"",
            );
            None
        }
    }
}

/// Validates an `http` probe: URL, expected status, body regex and JSON field.
fn http_probe(cx: &mut Ctx, p: &RawProbe, span: &Range<usize>, timeout: Option<Duration>) -> Probe {
    need(cx, span, "http", p.url.is_some(), "url");
    let url = p
        .url
        .as_ref()
        .map(|u| u.get_ref().clone())
        .unwrap_or_default();
    if let Some(u) = &p.url {
        cx.placeholders(&url, &u.span(), "probe.url");
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            cx.err(
                &u.span(),
                "probe.url",
                format!("`{url}` is not an http(s) URL"),
                "e.g. url = \"http://127.0.0.1:8000/health\"",
            );
        }
    }
    let status = p
        .status
        .as_ref()
        .and_then(|s| match u16::try_from(*s.get_ref()) {
            Ok(code) if (100..=599).contains(&code) => Some(code),
            _ => {
                cx.err(
                    &s.span(),
                    "probe.status",
                    format!("HTTP status {} is out of range", s.get_ref()),
                    "use 100-599",
                );
                None
            }
        });
    let json_value = http_json_value(cx, p);
    Probe::Http(HttpProbe {
        url,
        timeout,
        status,
        body_regex: cx.regex(&p.body_regex, "probe.body_regex"),
        json_field: p.json_field.as_ref().map(|f| f.get_ref().clone()),
        json_value,
    })
}

/// An http probe's `json_value` as JSON; it needs `json_field` beside it.
fn http_json_value(cx: &mut Ctx, p: &RawProbe) -> Option<serde_json::Value> {
    let json_value = p
        .json_value
        .as_ref()
        .and_then(|v| match serde_json::to_value(v.get_ref()) {
            Ok(j) => Some(j),
            Err(e) => {
                cx.err(
                    &v.span(),
                    "probe.json_value",
                    format!("cannot compare with this value: {e}"),
                    "use a string, number or boolean",
                );
                None
            }
        });
    if let (Some(v), None) = (&p.json_value, &p.json_field) {
        cx.err(
            &v.span(),
            "probe.json_value",
            "`json_value` needs `json_field`".into(),
            "e.g. json_field = \"status\", json_value = \"ok\"",
        );
    }
    json_value
}

/// Validates a `tcp` probe: host and port.
fn tcp_probe(cx: &mut Ctx, p: &RawProbe, span: &Range<usize>, timeout: Option<Duration>) -> Probe {
    need(cx, span, "tcp", p.port.is_some(), "port");
    let port = p
        .port
        .as_ref()
        .map_or(0, |v| match u16::try_from(*v.get_ref()) {
            Ok(port) if port > 0 => port,
            _ => {
                cx.err(
                    &v.span(),
                    "probe.port",
                    format!("port {} is out of range", v.get_ref()),
                    "use 1-65535",
                );
                0
            }
        });
    Probe::Tcp(TcpProbe {
        host: p
            .host
            .as_ref()
            .map_or_else(|| "127.0.0.1".to_string(), |h| h.get_ref().clone()),
        port,
        open: p.open.as_ref().is_none_or(|o| *o.get_ref()),
        timeout,
    })
}

/// Validates an `env` probe: the variable name and what its value must be.
fn env_probe(cx: &mut Ctx, p: &RawProbe, span: &Range<usize>) -> Probe {
    need(cx, span, "env", p.var.is_some(), "var");
    let var = p
        .var
        .as_ref()
        .map(|v| v.get_ref().clone())
        .unwrap_or_default();
    if let Some(v) = &p.var {
        if var.is_empty() || var.contains(['=', '\0']) {
            cx.err(
                &v.span(),
                "probe.var",
                format!("`{var}` is not a variable name"),
                "e.g. var = \"MAMBA_ROOT_PREFIX\"",
            );
        }
    }
    let matches = cx.regex(&p.matches, "probe.matches");
    let set = p.set.as_ref().map(|s| *s.get_ref());
    Probe::Env(EnvProbe {
        var,
        set: if set.is_none() && matches.is_none() {
            Some(true)
        } else {
            set
        },
        matches,
        redact: p.redact.as_ref().is_some_and(|r| *r.get_ref()),
    })
}

fn fix(cx: &mut Ctx, f: Spanned<RawFix>) -> Option<FixTemplate> {
    let span = f.span();
    let f = f.into_inner();
    let before = cx.diags.len();
    if f.why.get_ref().trim().is_empty() {
        cx.err(
            &f.why.span(),
            "fix.why",
            "`why` is empty".into(),
            "one sentence: what the commands do and why",
        );
    }
    if f.commands.is_empty() && f.manual.is_empty() {
        cx.err(&span, "fix", "a fix needs `commands` or `manual` steps".into(), "commands = [[\"{mamba}\", \"install\", \"-y\", \"-n\", \"{env}\", \"-c\", \"conda-forge\", \"PKG\"]]");
    }
    const PIP_HINT: &str = "devdoctor fixes never use pip: install from conda-forge with [\"{mamba}\", \"install\", \"-y\", \"-n\", \"{env}\", \"-c\", \"conda-forge\", \"PKG\"], or list the package in environment.yml and use [\"{update_env}\"]";
    for (i, c) in f.commands.iter().enumerate() {
        let key = format!("fix.commands[{i}]");
        let argv = c.get_ref();
        if argv.first().is_none_or(|p| p.trim().is_empty()) {
            cx.err(
                &c.span(),
                &key,
                "empty command".into(),
                "each command is argv: [\"program\", \"arg\", …]",
            );
            continue;
        }
        if crate::policy::no_pip::argv_calls_pip(argv) {
            cx.err(
                &c.span(),
                &key,
                format!("this fix invokes pip: {}", crate::fix::quote_argv(argv)),
                PIP_HINT,
            );
        }
        for s in argv {
            cx.placeholders(s, &c.span(), &key);
        }
        if argv.len() > 1 && argv.iter().any(|s| placeholders::is_macro(s)) {
            cx.err(
                &c.span(),
                &key,
                "`{create_env}` and `{update_env}` must be the whole command".into(),
                "write the command as [\"{update_env}\"]",
            );
        }
    }
    for (i, m) in f.manual.iter().enumerate() {
        let key = format!("fix.manual[{i}]");
        if crate::policy::no_pip::text_calls_pip(m.get_ref()) {
            cx.err(
                &m.span(),
                &key,
                "this manual step invokes pip".into(),
                PIP_HINT,
            );
        }
        cx.placeholders(m.get_ref(), &m.span(), &key);
    }
    let phase = match &f.phase {
        Some(p) => match PHASES.iter().find(|(n, _)| n == p.get_ref()) {
            Some((_, ph)) => *ph,
            None => {
                let names: Vec<&str> = PHASES.iter().map(|(n, _)| *n).collect();
                cx.err(
                    &p.span(),
                    "fix.phase",
                    format!("unknown phase `{}`", p.get_ref()),
                    &format!("use one of: {}", names.join(", ")),
                );
                Phase::default()
            }
        },
        None => Phase::default(),
    };
    (cx.diags.len() == before).then(|| FixTemplate {
        why: f.why.into_inner().trim().to_string(),
        commands: f.commands.into_iter().map(|c| c.into_inner()).collect(),
        manual: f.manual.into_iter().map(|m| m.into_inner()).collect(),
        phase,
    })
}

fn override_(cx: &mut Ctx, o: RawOverride) -> Option<Override> {
    let place = cx.place(&o.id.span());
    let before = cx.diags.len();
    let action = match (&o.severity, &o.disabled) {
        (Some(_), Some(d)) => {
            cx.err(
                &d.span(),
                "override.disabled",
                "give either `severity` or `disabled`, not both".into(),
                "a disabled check does not run, so its severity does not matter",
            );
            None
        }
        (Some(s), None) => cx
            .severity(s, "override.severity")
            .map(OverrideAction::Severity),
        (None, Some(d)) if *d.get_ref() => Some(OverrideAction::Disable),
        (None, Some(d)) => {
            cx.err(
                &d.span(),
                "override.disabled",
                "`disabled = false` changes nothing".into(),
                "remove the override, or set disabled = true",
            );
            None
        }
        (None, None) => {
            cx.err(
                &o.id.span(),
                "override",
                format!("override of `{}` changes nothing", o.id.get_ref()),
                "add severity = \"warn\" (or \"fail\"), or disabled = true",
            );
            None
        }
    };
    if cx.diags.len() > before {
        return None;
    }
    Some(Override {
        id: o.id.into_inner(),
        action: action?,
        place,
    })
}
