//! The human report: grouped by category, one line per check, fixes under each problem.

use super::{HumanOptions, Report};
use crate::core::{Fix, Status};
use crate::fix::quote_argv;
use colored::Colorize;
use std::fmt::Write;

pub(crate) fn symbol(status: Status) -> colored::ColoredString {
    match status {
        Status::Ok => "✓".green().bold(),
        Status::Warn => "!".yellow().bold(),
        Status::Fail => "✗".red().bold(),
        Status::Unknown => "?".magenta().bold(),
        Status::Skip => "–".dimmed(),
    }
}

use crate::policy::text::plural;

/// "2 problems, 1 warning, 9 ok in 0.04 s".
pub(crate) fn summary_line(report: &Report) -> String {
    let c = &report.counts;
    let mut parts = Vec::new();
    if c.fail > 0 {
        parts.push(
            plural(c.fail, "problem", "problems")
                .red()
                .bold()
                .to_string(),
        );
    }
    if c.warn > 0 {
        parts.push(plural(c.warn, "warning", "warnings").yellow().to_string());
    }
    if c.unknown > 0 {
        parts.push(
            format!("{} could not be checked", c.unknown)
                .magenta()
                .to_string(),
        );
    }
    parts.push(format!("{} ok", c.ok).green().to_string());
    if c.skip > 0 {
        parts.push(format!("{} skipped", c.skip).dimmed().to_string());
    }
    let mut line = format!(
        "{} in {:.2} s",
        parts.join(", "),
        report.duration.as_secs_f64()
    );
    if let Some(w) = report.waited {
        let _ = write!(
            line,
            " (waited {:.1} s for network checks)",
            w.as_secs_f64()
        );
    }
    line
}

pub(crate) fn write_fix(out: &mut String, fix: &Fix, indent: &str) {
    let _ = writeln!(out, "{indent}{} {}", "fix:".cyan().bold(), fix.why);
    for cmd in &fix.commands {
        let _ = writeln!(out, "{indent}  {} {}", "$".dimmed(), quote_argv(cmd).bold());
    }
    for step in &fix.manual {
        let _ = writeln!(out, "{indent}  {} {}", "manual:".dimmed(), step);
    }
}

pub(crate) fn render(report: &Report, opts: HumanOptions) -> String {
    let mut out = String::new();
    if opts.quiet >= 2 {
        return out;
    }
    let width = report
        .entries
        .iter()
        .map(|e| e.meta.id.chars().count())
        .max()
        .unwrap_or(0);
    let mut categories: Vec<&str> = Vec::new();
    for e in &report.entries {
        if !categories.contains(&e.meta.category.as_str()) {
            categories.push(&e.meta.category);
        }
    }
    for cat in categories {
        let shown: Vec<_> = report
            .entries
            .iter()
            .filter(|e| e.meta.category == cat)
            .filter(|e| opts.quiet == 0 || e.result.status.is_problem())
            .collect();
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}", cat.bold().underline());
        for e in shown {
            let r = &e.result;
            let mut line = format!(
                "  {} {:<width$}  {}",
                symbol(r.status),
                e.meta.id,
                r.summary
            );
            if opts.verbose > 0 {
                let _ = write!(
                    line,
                    " {}",
                    format!("({} ms)", e.duration.as_millis()).dimmed()
                );
            }
            let _ = writeln!(out, "{line}");
            let show_details = r.status.is_problem() || opts.verbose > 0;
            if show_details {
                for d in &r.details {
                    let _ = writeln!(out, "      {}", d.dimmed());
                }
                for loc in &r.locations {
                    let place = if loc.line > 0 {
                        format!("{}:{}", loc.path.display(), loc.line)
                    } else {
                        loc.path.display().to_string()
                    };
                    let _ = writeln!(out, "      {} {}", format!("{place}:").bold(), loc.message);
                }
            }
            if let Some(fix) = &r.fix {
                if r.status.is_problem() {
                    write_fix(&mut out, fix, "      ");
                }
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "{}", summary_line(report));
    out
}
