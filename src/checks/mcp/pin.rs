//! `mcp.tools_pin`: what the server tells the model still matches what the user reviewed and
//! pinned with `devdoctor mcp pin` (tool poisoning and rug pulls change tool descriptions
//! after a server was approved).

use super::over_http;
use crate::core::{CheckResult, Context, Early, Fix, Outcome, Phase};
use crate::probes::mcp::pin::{self, Change, LOCK_PATH};
use crate::probes::mcp::{self, Handshake};

pub(super) const EXPLAIN: &str = "
Looks at: the running server's instructions and tools/list (each tool's name, description and
input schema), against .devdoctor/mcp-tools.lock, which `devdoctor mcp pin` writes after you
have reviewed them (sha256 of each description and of each schema with its keys sorted).
A changed description, schema or instructions, a new tool, or a pinned tool under a new name
with the identical schema (a rename defeats per-name hashes) fails; a tool that is gone, or
another server answering, warns.
Why: an MCP client puts tool descriptions in front of the model. A server that changes them
after it was approved (a dependency update, a compromised package, a rug pull) can instruct
the model to leak data; MCP scanners catch this by sending the descriptions to a vendor's
service. devdoctor compares locally, offline, and prints no description it does not have to.
When: the project serves MCP over HTTP and the handshake works; skips without a pin.
Fix: review what changed; when it is expected, pin again (`devdoctor mcp pin`) and commit the
lock. devdoctor never accepts a change on its own.";

/// `mcp.tools_pin`.
pub(super) fn check(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let lock = match pin::read(&pin::lock_path(&ctx.settings.project_dir)) {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            return Err(Early::skip(format!(
                "no pin of the server's tools ({LOCK_PATH})"
            ))
            .detail("hint: review the server's tools, then `devdoctor mcp pin` records them; this check then fails when they change"));
        }
        Err(why) => return Err(Early::unknown(format!("cannot read {LOCK_PATH}: {why}"))),
    };
    let hs = match &mcp::handshake(ctx).0 {
        Ok(hs) => hs.clone(),
        Err(_) => {
            return Err(Early::skip(
                "the MCP endpoint did not complete a handshake (see mcp.handshake)",
            ))
        }
    };
    let changes = lock.diff(&hs);
    let pinned = format!("the pin of {}", lock.pinned_at.get(..10).unwrap_or("?"));
    if changes.is_empty() {
        let mut r = CheckResult::ok(format!(
            "{} tool{} and the instructions match {pinned}",
            lock.tools.len(),
            if lock.tools.len() == 1 { "" } else { "s" }
        ));
        if lock.server.version != hs.server_version {
            r = r.detail(format!(
                "the server's version moved from {} to {}; what it tells the model did not",
                lock.server.version, hs.server_version
            ));
        }
        return Ok(r.data("tools", lock.tools.len()));
    }
    Ok(changed(&changes, &hs, &pinned))
}

fn changed(changes: &[Change], hs: &Handshake, pinned: &str) -> CheckResult {
    let alters = changes.iter().any(Change::alters_model_input);
    let first = changes[0].describe();
    let summary = match changes.len() {
        1 => format!("{first} since {pinned}"),
        n => format!("{n} changes since {pinned}; first: {first}"),
    };
    let mut r = if alters {
        CheckResult::fail(summary)
    } else {
        CheckResult::warn(summary)
    };
    for c in changes {
        r = r.detail(c.describe());
        if let Change::Description(name) | Change::Added(name) = c {
            if let Some(t) = hs.tool_defs.iter().find(|t| &t.name == name) {
                r = r.detail(format!(
                    "  `{name}` now says: {}",
                    crate::policy::text::excerpt(t.description.as_bytes(), 160)
                ));
            }
        }
    }
    r.data("changes", changes.len()).with_fix(
        Fix::new("Review what the server now tells the model before any client uses it — a changed tool description can carry instructions (tool poisoning).")
            .phase(Phase::Runtime)
            .manual("compare the changes above with the server's release notes or its code")
            .manual(format!("if they are expected, pin them again: devdoctor mcp pin (then commit {LOCK_PATH})")),
    )
}
