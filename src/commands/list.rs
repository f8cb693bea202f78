//! `devdoctor list`: every check with its id, category, title, fix and origin.

use crate::cli::Format;
use crate::core::status::exit;
use crate::invocation::Invocation;
use crate::report;
use anyhow::Result;

pub(crate) fn run(inv: &Invocation) -> Result<i32> {
    super::only_human_or_json(inv, "list")?;
    let mut sink = super::Sink::new(inv)?;
    inv.say_trust();
    let checks = inv.load()?;
    let text = if inv.format == Format::Json {
        let items: Vec<_> = checks
            .iter()
            .map(|c| {
                let m = crate::policy::shown_meta(c.meta());
                serde_json::json!({
                    "id": m.id, "category": m.category, "title": m.title,
                    "can_fix": m.can_fix, "origin": m.origin,
                    "source": crate::policy::text::one_line(&m.origin.to_string(), false),
                    "trusted": c.trusted(),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "schema_version": report::SCHEMA_VERSION,
            "checks": items,
        }))?;
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
