//! `devdoctor list`: every check with its id, category, title, fix and origin.

use crate::cli::Format;
use crate::core::status::exit;
use crate::core::{Check, Origin};
use crate::invocation::Invocation;
use crate::report;
use anyhow::Result;
use serde::Serialize;

/// `devdoctor list --json`.
#[derive(Serialize)]
struct ListDoc {
    schema_version: u32,
    checks: Vec<ListEntry>,
}

/// One check as listed: its metadata as shown (sanitised), where it comes from, and whether
/// it may run.
#[derive(Serialize)]
struct ListEntry {
    id: String,
    category: String,
    title: String,
    can_fix: bool,
    origin: Origin,
    /// `origin` as one line of text.
    source: String,
    trusted: bool,
}

fn list_entry(c: &dyn Check) -> ListEntry {
    let m = crate::policy::shown_meta(c.meta());
    ListEntry {
        source: crate::policy::text::one_line(&m.origin.to_string(), false),
        id: m.id,
        category: m.category,
        title: m.title,
        can_fix: m.can_fix,
        origin: m.origin,
        trusted: c.trusted(),
    }
}

pub(crate) fn run(inv: &Invocation) -> Result<i32> {
    super::only_human_or_json(inv, "list")?;
    let mut sink = super::Sink::new(inv)?;
    inv.say_trust();
    let checks = inv.load()?;
    let text = if inv.format == Format::Json {
        let doc = ListDoc {
            schema_version: report::SCHEMA_VERSION,
            checks: checks.iter().map(|c| list_entry(c.as_ref())).collect(),
        };
        // Through Value, so the keys come out sorted as in the report.
        let mut s = serde_json::to_string_pretty(&serde_json::to_value(doc)?)?;
        s.push('\n');
        s
    } else {
        use colored::Colorize;
        let width = checks.iter().map(|c| c.meta().id.len()).max().unwrap_or(0);
        let mut s = String::new();
        for c in &checks {
            let m = crate::policy::shown_meta(c.meta());
            s.push_str(&format!(
                "{:<width$}  {:<10}  {}  {}{}\n",
                m.id.bold(),
                m.category,
                if m.can_fix { "fix" } else { "   " },
                m.title,
                if m.origin == crate::core::Origin::Builtin {
                    String::new()
                } else {
                    format!(
                        "  [{}{}]",
                        crate::policy::text::one_line(&m.origin.to_string(), false),
                        if c.trusted() { "" } else { ", not trusted" }
                    )
                    .dimmed()
                    .to_string()
                }
            ));
        }
        s
    };
    sink.write(&text)?;
    sink.finish()?;
    Ok(exit::HEALTHY)
}
