//! Nagios / Monitoring Plugins output: one status line `DEVDOCTOR STATE - summary | perfdata`,
//! and the plugin exit codes 0/1/2/3 = OK/WARNING/CRITICAL/UNKNOWN.
//!
//! State: any fail (or, with `--strict`, any warn) → CRITICAL; else any unknown → UNKNOWN;
//! else any warn → WARNING; else OK. No checks at all is UNKNOWN (a plugin that checked
//! nothing cannot vouch for anything). With `-v`, one long-output line per problem follows.

use super::{ids_with, scrub_controls, RenderOptions, Report};
use crate::core::Status;
use std::fmt::Write;

/// How many ids of one status the status line names before "+N more".
const MAX_IDS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    pub(crate) fn code(self) -> i32 {
        match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

pub(crate) fn state(report: &Report) -> State {
    let c = &report.counts;
    if c.fail > 0 || (report.strict && c.warn > 0) {
        State::Critical
    } else if c.unknown > 0 || report.entries.is_empty() {
        State::Unknown
    } else if c.warn > 0 {
        State::Warning
    } else {
        State::Ok
    }
}

/// Text that may sit in a plugin's output: one line, and no `|` (it starts perfdata).
fn clean(s: &str) -> String {
    scrub_controls(s, false).replace('|', "/")
}

fn named(report: &Report, status: Status, one: &str, many: &str) -> Option<String> {
    let ids = ids_with(report, status);
    if ids.is_empty() {
        return None;
    }
    let what = if ids.len() == 1 { one } else { many };
    let mut shown: Vec<String> = ids.iter().take(MAX_IDS).map(|id| clean(id)).collect();
    if ids.len() > MAX_IDS {
        shown.push(format!("+{} more", ids.len() - MAX_IDS));
    }
    Some(format!("{} {what} ({})", ids.len(), shown.join(", ")))
}

fn summary(report: &Report) -> String {
    if report.entries.is_empty() {
        return "no checks were selected".to_string();
    }
    let c = &report.counts;
    let (warning, warnings) = if report.strict {
        (
            "warning (fatal with --strict)",
            "warnings (fatal with --strict)",
        )
    } else {
        ("warning", "warnings")
    };
    let mut parts: Vec<String> = [
        named(report, Status::Fail, "failed", "failed"),
        named(
            report,
            Status::Unknown,
            "could not be checked",
            "could not be checked",
        ),
        named(report, Status::Warn, warning, warnings),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.push(format!("{} ok", c.ok));
    if c.skip > 0 {
        parts.push(format!("{} skipped", c.skip));
    }
    parts.join(", ")
}

/// `ok=9;; warn=1;; fail=0;; unknown=0;; skip=2;; duration=0.041s;;` — plain labels, integer
/// counts, seconds with the `s` unit, never scientific notation.
pub(crate) fn perfdata(report: &Report) -> String {
    let c = &report.counts;
    format!(
        "ok={};; warn={};; fail={};; unknown={};; skip={};; duration={:.3}s;;",
        c.ok,
        c.warn,
        c.fail,
        c.unknown,
        c.skip,
        report.duration.as_secs_f64()
    )
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let state = state(report);
    let mut out = format!(
        "DEVDOCTOR {} - {} | {}\n",
        state.label(),
        summary(report),
        perfdata(report)
    );
    if opts.human.verbose > 0 {
        for e in report
            .entries
            .iter()
            .filter(|e| e.result.status.is_problem())
        {
            let _ = writeln!(
                out,
                "[{}] {}: {}",
                e.result.status.as_str().to_uppercase(),
                clean(&e.meta.id),
                clean(&e.result.summary)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CheckMeta, CheckResult, Origin};
    use crate::report::Entry;
    use std::time::{Duration, SystemTime};

    fn report(results: Vec<CheckResult>, strict: bool) -> Report {
        let entries = results
            .into_iter()
            .enumerate()
            .map(|(i, result)| Entry {
                meta: CheckMeta {
                    id: format!("area.c{i}"),
                    category: "area".into(),
                    title: "t".into(),
                    can_fix: false,
                    explain: String::new(),
                    origin: Origin::Builtin,
                },
                result,
                duration: Duration::ZERO,
            })
            .collect();
        Report::new(
            entries,
            SystemTime::now(),
            Duration::from_millis(41),
            strict,
            None,
        )
    }

    #[test]
    fn state_precedence() {
        let ok = || CheckResult::ok("x");
        let st = |v: Vec<CheckResult>, strict| state(&report(v, strict));
        assert_eq!(st(vec![ok()], false), State::Ok);
        assert_eq!(st(vec![ok(), CheckResult::skip("s")], false), State::Ok);
        assert_eq!(
            st(vec![ok(), CheckResult::warn("w")], false),
            State::Warning
        );
        assert_eq!(
            st(vec![ok(), CheckResult::warn("w")], true),
            State::Critical
        );
        assert_eq!(
            st(
                vec![CheckResult::unknown("u"), CheckResult::warn("w")],
                false
            ),
            State::Unknown
        );
        assert_eq!(
            st(
                vec![CheckResult::unknown("u"), CheckResult::fail("f")],
                false
            ),
            State::Critical
        );
        assert_eq!(st(vec![], false), State::Unknown);
    }

    #[test]
    fn line_has_state_summary_and_perfdata() {
        let r = report(
            vec![
                CheckResult::ok("a"),
                CheckResult::fail("b | c\nd"),
                CheckResult::skip("s"),
            ],
            false,
        );
        let out = render(
            &r,
            &RenderOptions {
                human: crate::report::HumanOptions {
                    quiet: 0,
                    verbose: 1,
                },
                project_dir: None,
            },
        );
        let mut lines = out.lines();
        assert_eq!(
            lines.next().unwrap(),
            "DEVDOCTOR CRITICAL - 1 failed (area.c1), 1 ok, 1 skipped | \
             ok=1;; warn=0;; fail=1;; unknown=0;; skip=1;; duration=0.041s;;"
        );
        assert_eq!(lines.next().unwrap(), "[FAIL] area.c1: b / c\u{fffd}d");
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn long_id_lists_are_cut() {
        let r = report((0..8).map(|_| CheckResult::warn("w")).collect(), false);
        let line = render(&r, &RenderOptions::default());
        assert!(
            line.starts_with("DEVDOCTOR WARNING - 8 warnings (area.c0, "),
            "{line}"
        );
        assert!(line.contains("area.c4, +3 more)"), "{line}");
    }
}
