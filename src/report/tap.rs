//! TAP version 13: the plan, one `ok`/`not ok` line per check, a YAML diagnostics block
//! (`  ---` … `  ...`) under every problem (under every check with `-v`), and a closing comment.
//!
//! ok → `ok`; skip → `ok … # SKIP reason`; fail and unknown → `not ok`; warn → `not ok … # TODO`
//! (TAP's "known, tolerated failure": it is listed as not ok but does not fail the stream, just
//! as a warning does not fail the exit code) — and plain `not ok` under `--strict`.
//! Descriptions are `id: summary` with `\` and `#` escaped as TAP 13/14 require.

use super::{scrub_controls, shown_path, Entry, RenderOptions, Report};
use crate::core::Status;
use crate::fix::quote_argv;
use std::fmt::Write;

/// A result line's description: one line, `\` and `#` escaped (`#` would start a directive).
fn description(s: &str) -> String {
    scrub_controls(s, false)
        .replace('\\', "\\\\")
        .replace('#', "\\#")
}

/// A directive's reason: the rest of the line, so only kept on one line.
fn reason(s: &str) -> String {
    scrub_controls(s, false)
}

/// A YAML double-quoted scalar. Escapes everything YAML 1.1/1.2 does not allow printed raw
/// (C0, DEL, C1 including NEL, the line/paragraph separators, BOM and non-characters).
pub(crate) fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn yaml_block(out: &mut String, e: &Entry, opts: &RenderOptions) {
    let r = &e.result;
    let _ = writeln!(out, "  ---");
    let _ = writeln!(out, "  id: {}", yaml_str(&e.meta.id));
    let _ = writeln!(out, "  category: {}", yaml_str(&e.meta.category));
    let _ = writeln!(out, "  status: {}", yaml_str(r.status.as_str()));
    let _ = writeln!(out, "  summary: {}", yaml_str(&r.summary));
    if !r.details.is_empty() {
        let _ = writeln!(out, "  details:");
        for d in &r.details {
            let _ = writeln!(out, "    - {}", yaml_str(d));
        }
    }
    if !r.locations.is_empty() {
        let _ = writeln!(out, "  locations:");
        for loc in &r.locations {
            let path = shown_path(&loc.path, opts.project_dir.as_deref());
            let _ = writeln!(out, "    - path: {}", yaml_str(&path.to_string_lossy()));
            if loc.line > 0 {
                let _ = writeln!(out, "      line: {}", loc.line);
            }
            if let Some(rule) = &loc.rule {
                let _ = writeln!(out, "      rule: {}", yaml_str(rule));
            }
            let _ = writeln!(out, "      message: {}", yaml_str(&loc.message));
        }
    }
    if let Some(fix) = r.fix.as_ref().filter(|_| r.status.is_problem()) {
        let _ = writeln!(out, "  fix:");
        let _ = writeln!(out, "    why: {}", yaml_str(&fix.why));
        if !fix.commands.is_empty() {
            let _ = writeln!(out, "    commands:");
            for cmd in &fix.commands {
                let _ = writeln!(out, "      - {}", yaml_str(&quote_argv(cmd)));
            }
        }
        if !fix.manual.is_empty() {
            let _ = writeln!(out, "    manual:");
            for step in &fix.manual {
                let _ = writeln!(out, "      - {}", yaml_str(step));
            }
        }
    }
    let _ = writeln!(out, "  duration_ms: {}", e.duration.as_millis());
    let _ = writeln!(out, "  ...");
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::from("TAP version 13\n");
    if report.entries.is_empty() {
        out.push_str("1..0 # SKIP no checks were selected\n");
        return out;
    }
    let _ = writeln!(out, "1..{}", report.entries.len());
    for (i, e) in report.entries.iter().enumerate() {
        let n = i + 1;
        let r = &e.result;
        let id = description(&e.meta.id);
        let what = description(&format!("{}: {}", e.meta.id, r.summary));
        match r.status {
            Status::Ok => {
                let _ = writeln!(out, "ok {n} - {what}");
            }
            // Lines with a directive carry the summary as its reason, after the only `#`, so
            // even parsers that ignore `\#` escapes see SKIP/TODO.
            Status::Skip => {
                let _ = writeln!(out, "ok {n} - {id} # SKIP {}", reason(&r.summary));
            }
            Status::Warn if !report.strict => {
                let _ = writeln!(
                    out,
                    "not ok {n} - {id} # TODO warning (fatal only with --strict): {}",
                    reason(&r.summary)
                );
            }
            Status::Warn | Status::Fail | Status::Unknown => {
                let _ = writeln!(out, "not ok {n} - {what}");
            }
        }
        if r.status.is_problem() || opts.human.verbose > 0 {
            yaml_block(&mut out, e, opts);
        }
    }
    let c = &report.counts;
    let _ = writeln!(
        out,
        "# devdoctor: {} ok, {} warn, {} fail, {} unknown, {} skip in {:.3} s; exit code {}",
        c.ok,
        c.warn,
        c.fail,
        c.unknown,
        c.skip,
        report.duration.as_secs_f64(),
        report.exit_code
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_escape_what_yaml_cannot_print() {
        assert_eq!(yaml_str("plain"), "\"plain\"");
        assert_eq!(yaml_str("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(yaml_str("x\ny\u{1b}z\u{85}"), r#""x\ny\x1bz\x85""#);
        assert_eq!(yaml_str("\u{2028}\u{feff}"), r#""\L\ufeff""#);
    }

    #[test]
    fn descriptions_escape_hash_and_stay_on_one_line() {
        assert_eq!(description("a # b\\c\nd"), "a \\# b\\\\c\u{fffd}d");
    }
}
