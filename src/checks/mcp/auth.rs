//! `mcp.auth`: a remote MCP server (probed with --allow-remote) protects itself as the MCP
//! authorization specification asks: an unauthenticated call gets `401` with a
//! `WWW-Authenticate` header, and the protected-resource metadata (RFC 9728,
//! `/.well-known/oauth-protected-resource`) names the authorization server.

use super::over_http;
use crate::core::{CheckResult, Context, Early, Fix, Outcome, Phase};
use crate::probes::http::{self, HostKind, Target};
use crate::probes::mcp::{self, FailKind};

pub(super) const EXPLAIN: &str = "
Looks at: a remote MCP server (a non-loopback --mcp-url, probed only with --allow-remote): the
handshake devdoctor made without credentials, then the protected-resource metadata at the URL
the 401's WWW-Authenticate `resource_metadata` names (same origin only), else
/.well-known/oauth-protected-resource.
Ok: 401 with WWW-Authenticate, and metadata JSON whose `authorization_servers` is not empty.
Fails: the server answers MCP to anyone (no authorization at all), a 401 without
WWW-Authenticate, or no usable metadata. A URL with credentials in it is not judged.
Why: the MCP authorization specification requires both, so that clients can discover where
to log in; a remote server without them is either open to the internet or unusable by
standard clients.
When: remote servers only; local servers skip (a local server is protected by binding to
loopback and checking Origin: see mcp.bind and mcp.origin).
Fix: put the server behind OAuth (the Python SDK's `auth=AuthSettings(...)` with a
TokenVerifier), answering 401 with `WWW-Authenticate: Bearer resource_metadata=\"…\"`.";

/// The `resource_metadata="…"` parameter of a WWW-Authenticate value.
fn resource_metadata(www: &str) -> Option<String> {
    let at = www.find("resource_metadata=")? + "resource_metadata=".len();
    let rest = &www[at..];
    let value = match rest.strip_prefix('"') {
        Some(q) => q.split('"').next()?,
        None => rest.split([',', ' ']).next()?,
    };
    (!value.is_empty()).then(|| value.to_string())
}

/// `mcp.auth`.
pub(super) fn check(ctx: &Context) -> Outcome {
    let p = mcp::project(ctx);
    over_http(&p)?;
    let Ok(target) = Target::parse(&p.mcp_url) else {
        return Err(Early::skip(
            "the MCP URL cannot be used (see mcp.handshake)",
        ));
    };
    if target.kind() != HostKind::Remote {
        return Err(Early::skip(
            "a local server: authorization applies to remote servers (see mcp.bind and mcp.origin)",
        ));
    }
    if !ctx.settings.allow_remote {
        return Err(Early::skip(
            "a remote server, probed only with --allow-remote",
        ));
    }
    if p.mcp_url.contains('@') {
        return Err(Early::skip(
            "the MCP URL carries credentials: the unauthenticated view is not checked",
        ));
    }
    let hs = mcp::handshake(ctx);
    let www = match &hs.0 {
        Ok(h) => {
            return Ok(CheckResult::fail(format!(
                "the remote MCP server {} answers without any authorization: anyone who can reach it can call its tools",
                h.server_name
            ))
            .with_fix(auth_fix()));
        }
        Err(f) => match f.kind.as_ref() {
            FailKind::Status {
                status: 401,
                www_authenticate,
                ..
            } => www_authenticate.clone(),
            _ => {
                return Err(Early::skip(
                    "the MCP endpoint did not answer (see mcp.handshake)",
                ))
            }
        },
    };
    let Some(www) = www else {
        return Ok(CheckResult::fail(
            "401 without WWW-Authenticate: clients cannot find where to log in",
        )
        .with_fix(auth_fix()));
    };
    let meta_url = resource_metadata(&www)
        .and_then(|u| target.join(&u).ok())
        .filter(|t| t.same_origin(&target))
        .unwrap_or_else(|| {
            let mut t = target.clone();
            t.path = "/.well-known/oauth-protected-resource".into();
            t
        });
    Ok(metadata_verdict(ctx, &meta_url))
}

fn metadata_verdict(ctx: &Context, meta: &Target) -> CheckResult {
    let shown = meta.display();
    let answer = mcp::resource_metadata(ctx, meta);
    let (status, body) = match answer.as_ref() {
        Ok((status, body)) => (*status, body),
        Err(e) => return CheckResult::unknown(format!("GET {shown}: {e}")),
    };
    if status != 200 {
        return CheckResult::fail(format!(
            "401 with WWW-Authenticate, but no protected-resource metadata at {shown} (HTTP {status})"
        ))
        .with_fix(auth_fix());
    }
    let servers: Vec<String> = serde_json::from_slice::<serde_json::Value>(&body.bytes)
        .ok()
        .and_then(|v| v.get("authorization_servers")?.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.as_str().map(http::redact))
        .collect();
    if servers.is_empty() {
        return CheckResult::fail(format!(
            "the protected-resource metadata at {shown} names no authorization_servers"
        ))
        .with_fix(auth_fix());
    }
    CheckResult::ok(format!(
        "requires authorization: 401 with WWW-Authenticate; log in at {}",
        servers.join(", ")
    ))
    .data("authorization_servers", servers)
}

fn auth_fix() -> Fix {
    Fix::new("Protect the remote server with OAuth as the MCP authorization spec asks — clients discover where to log in from the 401 and the metadata.")
        .phase(Phase::Runtime)
        .manual("answer unauthenticated calls with 401 and `WWW-Authenticate: Bearer resource_metadata=\"https://HOST/.well-known/oauth-protected-resource\"`")
        .manual("serve that metadata (RFC 9728) with `authorization_servers`; with the Python SDK pass auth=AuthSettings(...) and a token_verifier to the server")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_metadata_is_read_quoted_or_bare() {
        assert_eq!(
            resource_metadata(r#"Bearer realm="mcp", resource_metadata="https://h/.well-known/oauth-protected-resource""#).as_deref(),
            Some("https://h/.well-known/oauth-protected-resource")
        );
        assert_eq!(
            resource_metadata("Bearer resource_metadata=/meta, error=x").as_deref(),
            Some("/meta")
        );
        assert_eq!(resource_metadata("Bearer realm=\"x\""), None);
    }
}
