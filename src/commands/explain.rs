//! `devdoctor explain ID`: what a check looks at, why it matters, how it is fixed.

use super::write_stdout;
use crate::core::status::exit;
use crate::invocation::{unknown_selection, usage, Invocation};
use anyhow::Result;

pub(crate) fn run(inv: &Invocation, id: &str) -> Result<i32> {
    let checks = inv.load()?;
    let Some(check) = checks.iter().find(|c| c.meta().id == id) else {
        return usage(Err(unknown_selection(id, &checks, inv.code_withheld())));
    };
    let m = crate::policy::shown_meta(check.meta());
    let text = format!(
        "{} — {}\ncategory: {}   can fix: {}   source: {}\n\n{}\n",
        m.id,
        m.title,
        m.category,
        if m.can_fix { "yes" } else { "no" },
        crate::policy::text::one_line(&m.origin.to_string(), false),
        m.explain
    );
    write_stdout(&text)?;
    Ok(exit::HEALTHY)
}
