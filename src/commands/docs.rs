//! `devdoctor docs checks [--write]`: the check reference (docs/checks.md) generated from the
//! registry, so that it cannot drift from the code. A test fails when the file is stale.

use super::write_stdout;
use crate::core::status::exit;
use crate::core::Check;
use anyhow::{Context as _, Result};
use std::fmt::Write as _;
use std::sync::Arc;

/// The file the reference is written to, relative to the repository root.
pub(crate) const CHECKS_MD: &str = "docs/checks.md";

/// Every check that ships in the binary: the built-ins, then the bundled packs.
fn shipped() -> Vec<Arc<dyn Check>> {
    let mut checks = crate::checks::builtin();
    for pack in crate::packs::bundled().into_iter().flatten() {
        for def in pack.checks {
            checks.push(Arc::new(crate::packs::PackCheck::new(def)));
        }
    }
    checks
}

/// The first paragraph of an explain text, on one line.
fn first_paragraph(explain: &str) -> String {
    let para = explain.trim().split("\n\n").next().unwrap_or_default();
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The Markdown reference of `checks`, grouped by area in registry order.
pub(crate) fn checks_markdown(checks: &[Arc<dyn Check>]) -> String {
    let mut out = String::from(
        "# Check reference\n\n\
         Generated from the registry by `devdoctor docs checks --write`; do not edit by hand.\n\
         `devdoctor explain ID` prints the whole explanation of one check, and\n\
         [checks-guide.md](checks-guide.md) explains how each area works.\n\n\
         Fix: `yes` when `devdoctor fix` has commands to run for it, `manual` when the fix is an\n\
         edit or a step for a person.\n",
    );
    let mut areas: Vec<&str> = Vec::new();
    for c in checks {
        if !areas.contains(&c.meta().category.as_str()) {
            areas.push(&c.meta().category);
        }
    }
    for area in areas {
        let _ = write!(
            out,
            "\n## `{area}`\n\n| id | what it checks | applies | fix | from |\n|---|---|---|---|---|\n"
        );
        for c in checks.iter().filter(|c| c.meta().category == area) {
            let m = c.meta();
            let applies = c
                .applies()
                .map(str::to_string)
                .unwrap_or_else(|| "as its pack's `when` says".to_string());
            let _ = writeln!(
                out,
                "| `{}` | {}: {} | {} | {} | {} |",
                m.id,
                cell(&m.title),
                cell(&first_paragraph(&m.explain)),
                cell(&applies),
                if m.can_fix { "yes" } else { "manual" },
                cell(&m.origin.to_string()),
            );
        }
    }
    out
}

/// Prints the reference, or writes it to docs/checks.md in the current directory.
pub(crate) fn run(write: bool) -> Result<i32> {
    let text = checks_markdown(&shipped());
    if write {
        std::fs::write(CHECKS_MD, &text).with_context(|| {
            format!("cannot write {CHECKS_MD} (run it from the repository root)")
        })?;
    } else {
        write_stdout(&text)?;
    }
    Ok(exit::HEALTHY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_checks_md_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CHECKS_MD);
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == checks_markdown(&shipped()),
            "{CHECKS_MD} is stale: run `cargo run -- docs checks --write` and commit it"
        );
    }

    #[test]
    fn every_shipped_check_is_in_the_reference_with_when_it_applies() {
        let md = checks_markdown(&shipped());
        for c in crate::checks::builtin() {
            let applies = c.applies().expect("built-ins say when they apply");
            assert!(
                !applies.trim().is_empty(),
                "{} has no `applies`",
                c.meta().id
            );
            assert!(md.contains(&format!("| `{}` |", c.meta().id)));
        }
    }
}
