//! Rendering of a finished run. No other module knows that output formats exist.

pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod nagios;
pub(crate) mod output;
pub(crate) mod pointers;
pub(crate) mod prometheus;
pub(crate) mod sarif;
pub(crate) mod short;
pub(crate) mod tap;

use crate::cli::Format;
use crate::core::{CheckMeta, CheckResult, Counts, Status};
use crate::fix::quote_argv;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// JSON schema version; bump on incompatible changes.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// One check in a report.
#[derive(Debug, Clone)]
pub struct Entry {
    pub meta: CheckMeta,
    pub result: CheckResult,
    pub duration: Duration,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Report {
    pub entries: Vec<Entry>,
    pub started: SystemTime,
    pub duration: Duration,
    pub counts: Counts,
    pub exit_code: i32,
    pub strict: bool,
    /// How long `--wait` retried failing network checks.
    pub waited: Option<Duration>,
}

impl Report {
    pub fn new(
        entries: Vec<Entry>,
        started: SystemTime,
        duration: Duration,
        strict: bool,
        waited: Option<Duration>,
    ) -> Report {
        let counts = Counts::from_statuses(entries.iter().map(|e| e.result.status));
        Report {
            exit_code: counts.exit_code(strict),
            entries,
            started,
            duration,
            counts,
            strict,
            waited,
        }
    }
}

/// Options that shape human output.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub quiet: u8,
    pub verbose: u8,
}

/// Everything a renderer may need beyond the report itself.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub human: HumanOptions,
    /// The project directory: SARIF artifact URIs are made relative to it.
    pub project_dir: Option<PathBuf>,
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(report, opts.human),
        Format::Json => json::render(report),
        Format::Junit => junit::render(report, opts),
        Format::Sarif => sarif::render(report, opts),
        Format::Tap => tap::render(report, opts),
        Format::Prometheus => prometheus::render(report),
        Format::Nagios => nagios::render(report, opts),
    }
}

/// The process exit code for `report` in `format`. Every format uses the one exit-code model
/// (0/1/3) except nagios, whose consumers read 0/1/2/3 as OK/WARNING/CRITICAL/UNKNOWN.
pub fn exit_code(report: &Report, format: Format) -> i32 {
    match format {
        Format::Nagios => nagios::state(report).code(),
        _ => report.exit_code,
    }
}

/// A check's findings as plain text (no colour): summary, details, locations and fix.
/// Used where a format has one free-text body per check (JUnit, Nagios long output).
pub(crate) fn plain_body(entry: &Entry, project_dir: Option<&Path>) -> String {
    let r = &entry.result;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", r.status, r.summary);
    for d in &r.details {
        let _ = writeln!(out, "  {d}");
    }
    for loc in &r.locations {
        // Many checks repeat the summary as the location's message: say it once.
        if loc.message == r.summary || loc.message.is_empty() {
            let _ = writeln!(out, "  at {}", place(loc, project_dir));
        } else {
            let _ = writeln!(out, "  at {}: {}", place(loc, project_dir), loc.message);
        }
    }
    if let Some(fix) = &r.fix {
        if r.status.is_problem() {
            let _ = writeln!(out, "fix: {}", fix.why);
            for cmd in &fix.commands {
                let _ = writeln!(out, "  $ {}", quote_argv(cmd));
            }
            for step in &fix.manual {
                let _ = writeln!(out, "  manual: {step}");
            }
        }
    }
    out
}

/// A location's path, relative to the project when inside it.
pub(crate) fn shown_path<'a>(path: &'a Path, project_dir: Option<&Path>) -> &'a Path {
    project_dir
        .and_then(|dir| path.strip_prefix(dir).ok())
        .unwrap_or(path)
}

/// `path:line` (or `path` when the whole file is meant), relative to the project when inside it.
pub(crate) fn place(loc: &crate::core::Location, project_dir: Option<&Path>) -> String {
    let path = shown_path(&loc.path, project_dir);
    if loc.line > 0 {
        format!("{}:{}", path.display(), loc.line)
    } else {
        path.display().to_string()
    }
}

/// Entries grouped by category in first-seen order (the human report's order).
pub(crate) fn by_category(report: &Report) -> Vec<(&str, Vec<&Entry>)> {
    let mut groups: Vec<(&str, Vec<&Entry>)> = Vec::new();
    for e in &report.entries {
        match groups.iter_mut().find(|(c, _)| *c == e.meta.category) {
            Some((_, v)) => v.push(e),
            None => groups.push((&e.meta.category, vec![e])),
        }
    }
    groups
}

/// The ids of entries with `status`, in report order.
pub(crate) fn ids_with(report: &Report, status: Status) -> Vec<&str> {
    report
        .entries
        .iter()
        .filter(|e| e.result.status == status)
        .map(|e| e.meta.id.as_str())
        .collect()
}

/// The sanitisers of `policy::text` under the names the renderers use.
pub(crate) use crate::policy::text::{multiline as scrub_multiline, one_line as scrub_controls};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Fix, Location, Origin};

    fn entry(result: CheckResult) -> Entry {
        Entry {
            meta: CheckMeta {
                id: "a.b".into(),
                category: "a".into(),
                title: "t".into(),
                can_fix: true,
                explain: String::new(),
                origin: Origin::Builtin,
            },
            result,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn plain_body_lists_details_places_and_fix() {
        let e = entry(
            CheckResult::fail("no USER")
                .detail("base image python:3.12")
                .location(Location::new("/p/Dockerfile", 1, "no USER"))
                .location(Location::new("/p/sub/Dockerfile", 0, "also here"))
                .with_fix(Fix::new("add a user").cmd(["docker", "build", "-t", "x y", "."])),
        );
        assert_eq!(
            plain_body(&e, Some(Path::new("/p"))),
            "fail: no USER\n  base image python:3.12\n  at Dockerfile:1\n  at sub/Dockerfile: also here\n\
             fix: add a user\n  $ docker build -t 'x y' .\n"
        );
        // A fix is only shown for a problem.
        let ok = entry(CheckResult::ok("fine").with_fix(Fix::new("x").cmd(["y"])));
        assert_eq!(plain_body(&ok, None), "ok: fine\n");
    }

    #[test]
    fn scrubbing_removes_colour_and_controls() {
        assert_eq!(
            scrub_controls("a\u{1b}[31;1mred\u{1b}[0m\tb", true),
            "ared\tb"
        );
        assert_eq!(
            scrub_controls("a\tb\u{0}c\u{85}d\u{2028}", false),
            "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}"
        );
        assert_eq!(scrub_controls("«ü» ok", false), "«ü» ok");
        assert_eq!(scrub_multiline("x\r\ny\u{7}\nz"), "x\ny\u{fffd}\nz");
    }
}
