//! The built-in checks. Each area is one module whose `checks()` holds one registry line per
//! check; this table lists the areas in report order.

pub(crate) mod compose;
pub(crate) mod docker;
pub(crate) mod dockerfile;
pub(crate) mod env;
pub(crate) mod image;
pub(crate) mod mamba;
pub(crate) mod mcp;

use crate::core::{Check, CheckMeta, CheckResult, Context, Outcome, Status};
use std::sync::Arc;

/// An area's registry: one line per check.
pub(crate) type Area = fn() -> Vec<Arc<dyn Check>>;

const AREAS: &[Area] = &[
    mamba::checks,
    env::checks,
    docker::checks,
    dockerfile::checks,
    compose::checks,
    image::checks,
    mcp::checks,
];

/// Every built-in check, in report order.
pub(crate) fn builtin() -> Vec<Arc<dyn Check>> {
    AREAS.iter().flat_map(|area| area()).collect()
}

/// One finding of a table rule (Dockerfile or compose): where, how bad, and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub line: usize,
    pub status: Status,
    pub message: String,
}

/// A finding at `line` (1-based; 0 for the whole file).
pub(crate) fn finding(line: usize, status: Status, message: impl Into<String>) -> Finding {
    Finding {
        line,
        status,
        message: message.into(),
    }
}

/// The one fold of a rule's problems into a result: the worst status, and the first finding
/// as the summary (with the count when there are several). `None` when there is no problem.
pub(crate) fn fold<'a>(problems: impl IntoIterator<Item = &'a Finding>) -> Option<CheckResult> {
    let mut iter = problems.into_iter();
    let first = iter.next()?;
    let (count, status) = iter.fold((1, first.status), |(n, worst), f| {
        (n + 1, worst.max(f.status))
    });
    let summary = match count {
        1 => first.message.clone(),
        n => format!("{n} findings; first: {}", first.message),
    };
    Some(CheckResult::new(status, summary))
}

/// A path as it should appear in a command: relative when devdoctor runs in the project
/// directory (the fixer runs commands there too; `.` for the project itself), absolute
/// otherwise, so that a step copied from the report works where the user is.
pub(crate) fn path_arg(ctx: &Context, path: &std::path::Path) -> String {
    match path.strip_prefix(&ctx.settings.project_dir) {
        Ok(rel) if crate::probes::env::runs_in_project(ctx) => {
            let rel = rel.display().to_string();
            if rel.is_empty() {
                ".".to_string()
            } else {
                rel
            }
        }
        _ => path.display().to_string(),
    }
}

/// A rule of a lint table (`dockerfile::RULES`, `compose::RULES`). Each table entry is a check
/// of its own: adding an entry to a table is all it takes to register a rule.
pub(crate) trait TableRule: Sync + 'static {
    /// The rule's id, title and explain text.
    fn names(&self) -> [&'static str; 3];
    /// Judges every file of the table's kind and folds the findings into one result.
    fn lint(&'static self, ctx: &Context) -> Outcome;
    /// When this rule applies, for the check reference: its table's words unless it says more.
    fn applies(&self, table: &'static str) -> &'static str {
        table
    }
}

/// A table rule registered as a check.
struct RuleCheck<R: TableRule> {
    rule: &'static R,
    meta: CheckMeta,
    /// When the rules of its table apply, for the check reference.
    applies: &'static str,
}

impl<R: TableRule> Check for RuleCheck<R> {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }
    fn run(&self, ctx: &Context) -> Outcome {
        self.rule.lint(ctx)
    }
    fn applies(&self) -> Option<&str> {
        Some(self.applies)
    }
}

/// Every entry of a rule table as a check, in table order; `applies` says when the table's
/// rules apply.
pub(crate) fn table<R: TableRule>(
    rules: &'static [R],
    applies: &'static str,
) -> Vec<Arc<dyn Check>> {
    rules
        .iter()
        .map(|rule| {
            let [id, title, explain] = rule.names();
            let meta = CheckMeta::builtin(id, title, false, explain);
            Arc::new(RuleCheck {
                rule,
                meta,
                applies: rule.applies(applies),
            }) as Arc<dyn Check>
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A rule added to a table is registered without any other edit, once, in table order,
    /// and its category is the area of its id.
    #[test]
    fn every_table_rule_is_registered_once() {
        let ids: Vec<String> = builtin().iter().map(|c| c.meta().id.clone()).collect();
        let tables: [(&str, Vec<&str>); 2] = [
            (
                "dockerfile",
                dockerfile::RULES.iter().map(|r| r.id).collect(),
            ),
            ("compose", compose::RULES.iter().map(|r| r.id).collect()),
        ];
        for (area, table) in tables {
            let registered: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .filter(|id| crate::core::area_of(id) == area)
                .collect();
            assert_eq!(
                registered, table,
                "the {area} registry is not its rule table"
            );
        }
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "a built-in id is registered twice");
        for c in builtin() {
            assert_eq!(c.meta().category, crate::core::area_of(&c.meta().id));
        }
    }
}
