//! URLs for the network helper: parsing, the loopback policy (decided without resolving
//! anything), joining references, and redaction for display.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use ureq::http::{self, Uri};

/// A parsed http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    /// Host without IPv6 brackets, lowercased.
    pub host: String,
    pub port: u16,
    /// Path and query, at least `/`.
    pub path: String,
    /// `user:password` from the URL, sent as Basic auth and never shown.
    pub(super) userinfo: Option<String>,
}

/// Why a URL cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    Invalid(String),
    /// Not loopback and remote targets were not allowed.
    Remote(String),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Invalid(why) => write!(f, "invalid URL: {why}"),
            UrlError::Remote(host) => write!(
                f,
                "{host} is not a loopback address; devdoctor only talks to 127.0.0.1, [::1] and localhost unless --allow-remote is given"
            ),
        }
    }
}

/// What kind of host a URL names; decided without resolving anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// An address in 127.0.0.0/8, `::1`, or `::ffff:127.x.y.z`.
    LoopbackIp,
    /// `localhost` or a name under `.localhost` (RFC 6761), connected as 127.0.0.1 / ::1.
    LocalhostName,
    Remote,
}

pub(crate) fn is_loopback_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

pub fn host_kind(host: &str) -> HostKind {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return if is_loopback_ip(ip) {
            HostKind::LoopbackIp
        } else {
            HostKind::Remote
        };
    }
    let name = bare.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        HostKind::LocalhostName
    } else {
        HostKind::Remote
    }
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, UrlError> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| UrlError::Invalid(format!("`{}` has no http:// scheme", redact(url))))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "http" => false,
            "https" => true,
            other => {
                return Err(UrlError::Invalid(format!(
                    "scheme `{other}` is not supported (use http:// or https://)"
                )))
            }
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()).filter(|u| !u.is_empty()), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport)
            .ok_or_else(|| UrlError::Invalid(format!("bad host or port in `{}`", redact(url))))?;
        if host.is_empty() {
            return Err(UrlError::Invalid(format!(
                "`{}` names no host",
                redact(url)
            )));
        }
        let tail = tail.split('#').next().unwrap_or_default();
        let path = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        let target = Target {
            https,
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(if https { 443 } else { 80 }),
            path,
            userinfo,
        };
        // Validate with the http crate so the request cannot fail later on the URI.
        target
            .uri()
            .map_err(|e| UrlError::Invalid(format!("`{}`: {e}", redact(url))))?;
        Ok(target)
    }

    /// Parses and applies the loopback policy.
    pub(crate) fn parse_allowed(url: &str, allow_remote: bool) -> Result<Target, UrlError> {
        let t = Target::parse(url)?;
        if !allow_remote && t.kind() == HostKind::Remote {
            return Err(UrlError::Remote(t.host.clone()));
        }
        Ok(t)
    }

    pub fn kind(&self) -> HostKind {
        host_kind(&self.host)
    }

    fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// `host:port` as written in a URL.
    pub(crate) fn authority(&self) -> String {
        format!("{}:{}", self.host_for_url(), self.port)
    }

    fn origin(&self) -> String {
        let default_port = if self.https { 443 } else { 80 };
        if self.port == default_port {
            format!(
                "{}://{}",
                if self.https { "https" } else { "http" },
                self.host_for_url()
            )
        } else {
            format!(
                "{}://{}",
                if self.https { "https" } else { "http" },
                self.authority()
            )
        }
    }

    /// The URL without userinfo (safe to show, except for secrets in the query: see [`redact`]).
    pub fn url(&self) -> String {
        format!("{}{}", self.origin(), self.path)
    }

    /// The URL for display: no userinfo, secret-looking query values masked.
    pub fn display(&self) -> String {
        redact(&self.url())
    }

    pub(super) fn uri(&self) -> Result<Uri, http::uri::InvalidUri> {
        self.url().parse::<Uri>()
    }

    /// Whether `other` is the same scheme, host and port.
    pub(crate) fn same_origin(&self, other: &Target) -> bool {
        self.https == other.https && self.host == other.host && self.port == other.port
    }

    /// Resolves a reference (absolute URL, `/path`, or relative path) against this URL.
    pub fn join(&self, reference: &str) -> Result<Target, UrlError> {
        let reference = reference.trim();
        if reference.contains("://") {
            return Target::parse(reference);
        }
        if let Some(rest) = reference.strip_prefix("//") {
            let scheme = if self.https { "https" } else { "http" };
            return Target::parse(&format!("{scheme}://{rest}"));
        }
        let path = if reference.starts_with('/') {
            reference.to_string()
        } else {
            let base = self.path.split('?').next().unwrap_or("/");
            let dir = &base[..base.rfind('/').map_or(0, |i| i + 1)];
            format!("{}{reference}", if dir.is_empty() { "/" } else { dir })
        };
        let mut t = self.clone();
        t.path = path.split('#').next().unwrap_or("/").to_string();
        t.uri()
            .map_err(|e| UrlError::Invalid(format!("`{}`: {e}", redact(reference))))?;
        Ok(t)
    }

    /// The same origin with another path (e.g. `/sse` next to `/mcp`).
    pub(crate) fn with_path(&self, path: &str) -> Target {
        let mut t = self.clone();
        t.path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        t
    }

    /// The loopback socket addresses this target connects to, when it is local.
    pub fn loopback_addrs(&self) -> Vec<SocketAddr> {
        match self.kind() {
            HostKind::LoopbackIp => self
                .host
                .parse::<IpAddr>()
                .map(|ip| vec![SocketAddr::new(ip, self.port)])
                .unwrap_or_default(),
            HostKind::LocalhostName => vec![
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.port),
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), self.port),
            ],
            HostKind::Remote => Vec::new(),
        }
    }
}

fn split_host_port(hostport: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = hostport.strip_prefix('[') {
        let close = rest.find(']')?;
        let host = &rest[..close];
        host.parse::<Ipv6Addr>().ok()?;
        match &rest[close + 1..] {
            "" => (host, None),
            p => (host, Some(p.strip_prefix(':')?)),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => return None, // an IPv6 address must be bracketed
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().ok().filter(|&p| p != 0)?),
    };
    Some((host, port))
}

/// A URL made safe to show: userinfo removed, and the values of query parameters whose names
/// look secret (token, key, secret, password, auth, signature, …) replaced by `***`.
/// Works on anything, including text that does not parse as a URL.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (Some(s), r),
        None => (None, url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match (scheme, authority.rsplit_once('@')) {
        (Some(_), Some((_, host))) => host,
        _ => authority,
    };
    let (before_q, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    let mut out = String::new();
    if let Some(s) = scheme {
        out.push_str(s);
        out.push_str("://");
    }
    out.push_str(authority);
    out.push_str(before_q);
    if let Some(q) = query {
        let (q, frag) = match q.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (q, None),
        };
        out.push('?');
        let parts: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) if crate::policy::secrets::is_secret_query_key(k) && !v.is_empty() => {
                    format!("{k}=***")
                }
                _ => kv.to_string(),
            })
            .collect();
        out.push_str(&parts.join("&"));
        if let Some(f) = frag {
            out.push('#');
            out.push_str(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_decisions() {
        let allowed = |u: &str| Target::parse_allowed(u, false);
        for ok in [
            "http://127.0.0.1:8000/health",
            "http://127.1.2.3/",
            "http://[::1]:8000/mcp",
            "http://localhost:8000/mcp",
            "http://LOCALHOST./x",
            "http://api.localhost:9/",
            "http://[::ffff:127.0.0.1]:80/",
            "http://user:pw@127.0.0.1:8000/",
        ] {
            assert!(allowed(ok).is_ok(), "{ok}");
        }
        for remote in [
            "http://10.0.0.5:8000/health",
            "http://192.168.1.2/",
            "https://example.com/mcp",
            "http://0.0.0.0:8000/",
            "http://[::]:8000/",
            "http://localhost.example.com/",
            "http://127.0.0.1.nip.io/",
            "http://user@evil.test@127.0.0.1.evil.test/",
        ] {
            assert!(
                matches!(allowed(remote), Err(UrlError::Remote(_))),
                "{remote} must need --allow-remote"
            );
            assert!(Target::parse_allowed(remote, true).is_ok(), "{remote}");
        }
    }

    #[test]
    fn bad_urls() {
        for bad in [
            "127.0.0.1:8000",
            "ftp://127.0.0.1/",
            "http://",
            "http://:80/",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:0/",
            "http://::1:80/",
            "http://[zz]/",
        ] {
            assert!(
                matches!(Target::parse(bad), Err(UrlError::Invalid(_))),
                "{bad} should be invalid"
            );
        }
        let t = Target::parse("HTTP://[::1]/mcp?x=1#frag").unwrap();
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, 80);
        assert_eq!(t.path, "/mcp?x=1");
        assert_eq!(t.url(), "http://[::1]/mcp?x=1");
        assert_eq!(t.authority(), "[::1]:80");
    }

    #[test]
    fn userinfo_never_shown() {
        let t = Target::parse("http://alice:s3cret@127.0.0.1:8000/health?token=abc&x=1").unwrap();
        assert!(!t.display().contains("s3cret"));
        assert!(!t.display().contains("alice"));
        assert!(!t.display().contains("abc"));
        assert_eq!(t.display(), "http://127.0.0.1:8000/health?token=***&x=1");
        assert_eq!(
            redact("https://u:p@host.example/a?api_key=zzz#f"),
            "https://host.example/a?api_key=***#f"
        );
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn joining_references() {
        let base = Target::parse("http://127.0.0.1:8000/sse").unwrap();
        assert_eq!(
            base.join("/messages/?session_id=ab").unwrap().url(),
            "http://127.0.0.1:8000/messages/?session_id=ab"
        );
        assert_eq!(
            base.join("messages/?s=1").unwrap().url(),
            "http://127.0.0.1:8000/messages/?s=1"
        );
        let other = base.join("http://10.1.1.1:8000/messages/").unwrap();
        assert!(!other.same_origin(&base));
        assert!(base
            .join("//evil.test/x")
            .is_ok_and(|t| !t.same_origin(&base)));
    }
}
