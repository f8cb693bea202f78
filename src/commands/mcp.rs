//! `devdoctor mcp pin`: record what the running MCP server tells the model, for mcp.tools_pin.

use super::write_stdout;
use crate::core::status::exit;
use crate::core::Context;
use crate::core::Diagnostic;
use crate::invocation::Invocation;
use crate::probes::mcp::pin::{self, Lock};
use crate::probes::mcp::{self, Serves};
use anyhow::Result;

pub(crate) fn pin(inv: &Invocation) -> Result<i32> {
    let ctx = Context::new(inv.settings.clone());
    let project = mcp::project(&ctx);
    if project.serves != Serves::Http {
        // Nothing to pin here: a usage error (exit 2), with the way to name a server.
        return Err(Diagnostic::usage(format!(
            "this project does not serve MCP over HTTP ({})",
            project.why
        ))
        .hint("start the server, then pass its endpoint: devdoctor mcp pin --mcp-url http://127.0.0.1:PORT/mcp")
        .into());
    }
    let hs = match &mcp::handshake(&ctx).0 {
        Ok(hs) => hs.clone(),
        Err(f) => {
            let why = if f.is_refused() {
                "nothing listens there".to_string()
            } else {
                format!("{} failed", f.step)
            };
            return Err(
                Diagnostic::failed(format!("no MCP handshake with {}: {why}", f.url))
                    .hint("start the server first (`devdoctor mcp.port` says how), then pin again")
                    .into(),
            );
        }
    };
    let path = pin::lock_path(&ctx.settings.project_dir);
    let before = pin::read(&path).unwrap_or(None);
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let lock = Lock::from_handshake(&hs, now);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::report::output::write_atomic(&path, &pin::render(&lock))?;
    let mut out = format!(
        "pinned {} tool{} of {} {} in {}\n",
        lock.tools.len(),
        if lock.tools.len() == 1 { "" } else { "s" },
        lock.server.name,
        lock.server.version,
        pin::LOCK_PATH
    );
    match before {
        Some(old) => {
            let changes = old.diff(&hs);
            if changes.is_empty() {
                out.push_str("nothing changed since the last pin\n");
            }
            for c in changes {
                out.push_str(&format!("  accepted: {}\n", c.describe()));
            }
        }
        None => out
            .push_str("review it and commit it: mcp.tools_pin now fails when any of it changes\n"),
    }
    write_stdout(&out)?;
    Ok(exit::HEALTHY)
}
