//! Prometheus text exposition format for node_exporter's textfile collector
//! (`--collector.textfile.directory`): no sample timestamps, HELP/TYPE once per family,
//! a trailing newline. Write it with `--output DIR/devdoctor.prom`: the write is atomic, so
//! the collector never reads half a file.
//!
//! `devdoctor_check_status` follows the state-set pattern: every check gets one series per
//! possible status, 1 for its current status and 0 for the other four, so
//! `devdoctor_check_status{status="fail"} == 1` alerts and the series never vanish when a
//! status changes.

use super::Report;
use crate::core::Status;
use std::fmt::Write;
use std::time::UNIX_EPOCH;

const STATUSES: [Status; 5] = [
    Status::Ok,
    Status::Warn,
    Status::Fail,
    Status::Unknown,
    Status::Skip,
];

/// A label value: `\`, `"` and line feed escaped as the format requires; other control
/// characters (which the format cannot escape) become U+FFFD.
pub(crate) fn label_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || crate::policy::text::is_bidi_control(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn family(out: &mut String, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} gauge");
}

/// A float as the format wants it (Go's ParseFloat syntax, no thousands separators).
fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "NaN".to_string()
    }
}

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    family(
        &mut out,
        "devdoctor_check_status",
        "Status of each check: 1 for its current status, 0 for the other statuses.",
    );
    for e in &report.entries {
        let id = label_value(&e.meta.id);
        let category = label_value(&e.meta.category);
        for s in STATUSES {
            let _ = writeln!(
                out,
                "devdoctor_check_status{{id=\"{id}\",category=\"{category}\",status=\"{s}\"}} {}",
                u8::from(e.result.status == s)
            );
        }
    }
    family(
        &mut out,
        "devdoctor_check_duration_seconds",
        "Wall time each check took in the last run.",
    );
    for e in &report.entries {
        let _ = writeln!(
            out,
            "devdoctor_check_duration_seconds{{id=\"{}\",category=\"{}\"}} {}",
            label_value(&e.meta.id),
            label_value(&e.meta.category),
            num(e.duration.as_secs_f64())
        );
    }
    family(
        &mut out,
        "devdoctor_checks",
        "Number of checks with each status in the last run.",
    );
    let c = &report.counts;
    for (s, n) in [
        (Status::Ok, c.ok),
        (Status::Warn, c.warn),
        (Status::Fail, c.fail),
        (Status::Unknown, c.unknown),
        (Status::Skip, c.skip),
    ] {
        let _ = writeln!(out, "devdoctor_checks{{status=\"{s}\"}} {n}");
    }
    family(
        &mut out,
        "devdoctor_run_duration_seconds",
        "Wall time of the last devdoctor run.",
    );
    let _ = writeln!(
        out,
        "devdoctor_run_duration_seconds {}",
        num(report.duration.as_secs_f64())
    );
    family(
        &mut out,
        "devdoctor_last_run_timestamp_seconds",
        "Unix time the last devdoctor run started.",
    );
    let started = report
        .started
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let _ = writeln!(out, "devdoctor_last_run_timestamp_seconds {}", num(started));
    family(
        &mut out,
        "devdoctor_exit_code",
        "Exit code of the last run: 0 healthy, 1 failed, 3 could not check everything.",
    );
    let _ = writeln!(out, "devdoctor_exit_code {}", report.exit_code);
    family(
        &mut out,
        "devdoctor_build_info",
        "Always 1; the label carries the devdoctor version.",
    );
    let _ = writeln!(
        out,
        "devdoctor_build_info{{version=\"{}\"}} 1",
        label_value(env!("CARGO_PKG_VERSION"))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label_value(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(label_value("x\ny\rz\u{7}"), "x\\ny\u{fffd}z\u{fffd}");
        assert_eq!(label_value("plain.id-ü"), "plain.id-ü");
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(num(0.041), "0.041");
        assert_eq!(num(1_700_000_000.5), "1700000000.5");
        assert_eq!(num(0.0), "0");
    }
}
