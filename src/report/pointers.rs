//! Which problems point at another with "(see ID)": the short report folds them into that
//! problem's line, and the plan counts them among what that problem's step fixes.

use super::{Entry, Report};
use crate::core::Status;
use std::collections::HashMap;

/// The id named by a trailing "(see ID)" in a summary.
pub(crate) fn see_ref(summary: &str) -> Option<&str> {
    let rest = &summary[summary.rfind("(see ")? + 5..];
    let id = &rest[..rest.find(')')?];
    (!id.is_empty() && !id.contains(' ')).then_some(id)
}

/// Which entries are folded into which problem: a skipped check, or a problem without a fix,
/// whose summary points at another problem with "(see ID)", directly or through skipped
/// checks that point on. Chains are followed to their root: a problem with a fix, or one that points at no further problem (a file that could
/// not be read says "unknown" and has no fix, yet is the one cause of what points at it).
pub(crate) fn folding(report: &Report) -> HashMap<&str, &str> {
    let by_id: HashMap<&str, &Entry> = report
        .entries
        .iter()
        .map(|e| (e.meta.id.as_str(), e))
        .collect();
    let foldable = |e: &Entry| {
        e.result.status == Status::Skip || (e.result.status.is_problem() && e.result.fix.is_none())
    };
    let mut map = HashMap::new();
    for e in report.entries.iter().filter(|e| foldable(e)) {
        let mut target = e;
        // Bounded: a cycle of "(see …)" references ends here instead of looping.
        for _ in 0..8 {
            // Through a skipped check that points on (docker.daemon skips "see docker.cli"
            // where Docker is not installed): the chain ends at the problem it points to.
            let on = |t: &Entry| t.result.status.is_problem() || t.result.status == Status::Skip;
            match see_ref(&target.result.summary).and_then(|id| by_id.get(id)) {
                Some(t) if on(t) && t.meta.id != e.meta.id => target = t,
                _ => break,
            }
            if !foldable(target) {
                break;
            }
        }
        let points_on = |t: &Entry| {
            see_ref(&t.result.summary)
                .and_then(|id| by_id.get(id))
                .is_some_and(|x| x.result.status.is_problem())
        };
        // A cycle of references has no root: nothing in it is folded.
        let root = !foldable(target) || !points_on(target);
        // Folded into a milder line (a failure under a warning's `!`), it would read milder
        // than it is: it keeps a line of its own.
        let milder = target.result.status < e.result.status;
        if target.meta.id != e.meta.id && target.result.status.is_problem() && root && !milder {
            map.insert(e.meta.id.as_str(), target.meta.id.as_str());
        }
    }
    map
}
