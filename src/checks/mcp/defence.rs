//! `mcp.origin` and `mcp.bind`: whether the running MCP server defends itself against a web
//! page (DNS rebinding) and against the network (listening on every interface).

use super::{local_targets, over_http};
use crate::core::{CheckResult, Context, Early, Fix, Outcome, Phase};
use crate::probes::http::{HostKind, Target};
use crate::probes::mcp::origin::{foreign_initialize, FOREIGN_ORIGIN};
use crate::probes::mcp::{self, sockets, Transport};

pub(super) const ORIGIN_EXPLAIN: &str = "
Looks at: what the running MCP server does with the request a web page makes through DNS
rebinding: an `initialize` whose Host is attacker.invalid:PORT and whose Origin is
http://attacker.invalid, sent to the local MCP endpoint once the handshake has worked. A
rejection (403 Invalid Origin, 421 Invalid Host, 400, 401) is ok; an initialize result is a
failure. A session the request opened is closed again.
Why: the MCP specification requires servers to validate Origin, because any web page the
developer opens can make the browser talk to 127.0.0.1 through a rebinding domain. The
official Python SDK turns its protection on only when the server binds to 127.0.0.1, localhost
or ::1; a server started with host=\"0.0.0.0\" (as container images are) has none.
When: the project serves MCP over HTTP (see mcp.handshake) on this machine; skips for a stdio
server, a remote URL, the deprecated HTTP+SSE transport, and when the handshake failed.
Fix: bind to 127.0.0.1, or pass
transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True,
allowed_hosts=[...], allowed_origins=[...]) (mcp.server.transport_security) to the server.";

pub(super) const BIND_EXPLAIN: &str = "
Looks at: the kernel's socket tables (/proc/net/tcp, /proc/net/tcp6) for the address the MCP
server's port listens on, and compose's published port for the server.
Why: a server listening on 0.0.0.0 or :: outside a container is reachable from every network
the machine is on, and the MCP specification asks local servers to bind to loopback; a compose
port published without `127.0.0.1:` is the same thing one level up (Docker publishes on every
interface, past most host firewalls).
When: the project serves MCP over HTTP at a local URL. Inside a container (/.dockerenv,
/run/.containerenv) binding every interface is how a published port reaches the server, so
only the compose side is judged there.
Fix: start the server with host 127.0.0.1 (e.g. `--host 127.0.0.1`, `mcp.run(host=\"127.0.0.1\")`)
and publish as `127.0.0.1:PORT:PORT`.";

/// `mcp.origin`.
pub(super) fn origin(ctx: &Context) -> Outcome {
    // A declared URL is served over HTTP: the foreign request need not wait for the
    // project's files to be read (as the handshake does not).
    let url = match mcp::declared_url(ctx) {
        Some(url) => url.to_string(),
        None => {
            let p = mcp::project(ctx);
            over_http(&p)?;
            p.mcp_url.clone()
        }
    };
    let Ok(target) = Target::parse(&url) else {
        return Err(Early::skip(
            "the MCP URL cannot be used (see mcp.handshake)",
        ));
    };
    if target.kind() == HostKind::Remote {
        return Err(Early::skip(format!(
            "{} is not on this machine: DNS rebinding reaches local servers",
            target.host
        )));
    }
    // The foreign request goes out while the handshake runs (one round trip of wall time,
    // not two); its answer counts only once the handshake has shown an MCP server there.
    let budget = ctx.settings.timeout.mul_f64(0.5);
    let (hs, answer) = std::thread::scope(|s| {
        let foreign = s.spawn(|| foreign_initialize(&target, budget, ctx.settings.allow_remote));
        let hs = mcp::handshake(ctx);
        let answer = foreign.join().unwrap_or_else(|_| {
            Err(crate::probes::http::HttpError::Other(
                "the foreign-origin request crashed".into(),
            ))
        });
        (hs, answer)
    });
    match &hs.0 {
        Err(_) => {
            return Err(Early::skip(
                "the MCP endpoint did not complete a handshake (see mcp.handshake)",
            ));
        }
        Ok(h) if h.transport == Transport::LegacySse => {
            return Err(Early::skip(
                "the server speaks the deprecated HTTP+SSE transport (see mcp.handshake); its Origin handling is not probed",
            ));
        }
        Ok(_) => {}
    }
    Ok(match answer {
        Err(e) => CheckResult::unknown(format!(
            "the request from a foreign origin got no answer: {e}"
        )),
        Ok(a) if a.initialized => CheckResult::fail(format!(
            "the MCP server answers `initialize` from {FOREIGN_ORIGIN}: any web page can reach it through DNS rebinding"
        ))
        .detail(format!(
            "POST {} with Host attacker.invalid:{} and Origin {FOREIGN_ORIGIN} got HTTP {}",
            target.display(),
            target.port,
            a.status
        ))
        .details(wildcard_note(target.port))
        .data("status", a.status)
        .with_fix(origin_fix()),
        Ok(a) if matches!(a.status, 400 | 401 | 403 | 421) => CheckResult::ok(format!(
            "rejects a request from a foreign origin (HTTP {}{})",
            a.status,
            if a.excerpt.is_empty() {
                String::new()
            } else {
                format!(": {}", a.excerpt)
            }
        ))
        .data("status", a.status),
        Ok(a) => CheckResult::warn(format!(
            "a request from a foreign origin got HTTP {}, neither a rejection nor an MCP answer",
            a.status
        ))
        .detail(a.excerpt)
        .data("status", a.status),
    })
}

/// Why the SDK's protection is off, when the socket tables show it: a wildcard address.
fn wildcard_note(port: u16) -> Option<String> {
    let all = sockets::tables().ok()?;
    let open = all
        .iter()
        .find(|l| l.port == port && l.addr.is_unspecified())?;
    Some(format!(
        "it listens on {}: the Python SDK protects only servers bound to 127.0.0.1, localhost or ::1 (see mcp.bind)",
        open.endpoint()
    ))
}

fn origin_fix() -> Fix {
    Fix::new("Turn on the SDK's DNS-rebinding protection — a web page must not be able to drive the server.")
        .phase(Phase::Runtime)
        .manual("bind the server to 127.0.0.1 (`host=\"127.0.0.1\"`): the Python SDK then checks Host and Origin itself")
        .manual("where it must listen on another address (a container), pass transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=[\"localhost:*\", \"127.0.0.1:*\"], allowed_origins=[\"http://localhost:*\"]) from mcp.server.transport_security")
        .manual("then restart the server")
}

/// The edit that publishes `p` on loopback. The entry is shown as compose reads it, its
/// variables filled in (`${PORT:-8000}:${PORT:-8000}` is `8000:8000`), so the step says where
/// the address goes rather than what to write in place of text the file may not hold.
fn loopback_step(p: &mcp::Published) -> String {
    if let Some(rest) = p.raw.strip_prefix("0.0.0.0:") {
        return format!(
            "at {}, write `127.0.0.1:{rest}` in place of `{}`, then `docker compose up -d`",
            p.at, p.raw
        );
    }
    format!(
        "at {}, put `127.0.0.1:` in front of the published port: compose reads the entry as `{}`, so it becomes `127.0.0.1:{}` (in the long syntax, set `host_ip: 127.0.0.1`); then `docker compose up -d`",
        p.at, p.raw, p.raw
    )
}

/// `mcp.bind`.
pub(super) fn bind(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let targets = local_targets(&p);
    let Some(target) = targets.first() else {
        return Err(Early::skip(
            "the MCP URL is not on this machine; only local sockets can be inspected",
        ));
    };
    let mut findings: Vec<CheckResult> = Vec::new();
    if let Some(pubd) = p
        .published
        .as_ref()
        .filter(|d| d.host_ip.as_deref().is_none_or(mcp::every_interface))
    {
        findings.push(
            CheckResult::warn(format!(
                "compose publishes the MCP port on every interface: `{}` (service `{}`, {})",
                pubd.raw, pubd.service, pubd.at
            ))
            .with_fix(
                Fix::new("Publish the MCP port on loopback only — Docker's published ports bypass most host firewalls.")
                    .phase(Phase::Runtime)
                    .manual(loopback_step(pubd)),
            ),
        );
    }
    let mut all = match sockets::tables() {
        Ok(all) => all,
        Err(why) => {
            return Err(Early::unknown(format!(
                "cannot read the socket tables: {why}"
            )))
        }
    };
    all.retain(|l| l.port == target.port);
    let not_judged = if all.is_empty() {
        Some(format!(
            "nothing listens on port {} (see mcp.port)",
            target.port
        ))
    } else if mcp::in_container(ctx) {
        Some("inside a container, listening on every interface is how a published port reaches the server; the socket is not judged".to_string())
    } else {
        None
    };
    if let Some(why) = not_judged {
        if findings.is_empty() {
            return Err(Early::skip(why));
        }
        return Ok(bind_verdict(findings, &why));
    }
    if all.iter().any(|l| l.addr.is_unspecified()) {
        sockets::name_owners(&mut all, |l| l.addr.is_unspecified());
        let open = all
            .iter()
            .find(|l| l.addr.is_unspecified())
            .expect("checked above");
        let who = open.owner.as_ref().map_or_else(
            || "a process this user cannot see".to_string(),
            |o| format!("pid {} ({})", o.pid, o.command()),
        );
        findings.insert(
            0,
            CheckResult::warn(format!(
                "the MCP server listens on {}: every network this machine is on can reach it",
                open.endpoint()
            ))
            .detail(format!("held by {who}"))
            .with_fix(
                Fix::new("Bind the MCP server to loopback — only this machine should reach a local server.")
                    .phase(Phase::Runtime)
                    .manual("start it with host 127.0.0.1 (e.g. `--host 127.0.0.1` or `mcp.run(..., host=\"127.0.0.1\")`), then restart it"),
            ),
        );
    }
    let addrs: Vec<String> = all.iter().map(|l| l.endpoint()).collect();
    Ok(bind_verdict(
        findings,
        &format!("listens on {} only", addrs.join(", ")),
    ))
}

/// The first finding, with the others as details; ok with `fine` when there is none.
fn bind_verdict(mut findings: Vec<CheckResult>, fine: &str) -> CheckResult {
    if findings.is_empty() {
        return CheckResult::ok(fine.to_string());
    }
    let mut first = findings.remove(0);
    for other in findings {
        first = first.detail(other.summary);
        if let (Some(f), Some(o)) = (first.fix.as_mut(), other.fix) {
            f.manual.extend(o.manual);
        }
    }
    if !fine.starts_with("listens on") {
        first = first.detail(fine.to_string());
    }
    first
}
