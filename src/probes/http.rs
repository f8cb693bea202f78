//! The one bounded network helper every probe uses for HTTP: a deadline on every call
//! (connect and read included), a cap on bodies, no proxies, redirects followed only on the same
//! host, and the loopback-only policy enforced both before a call and again at address
//! resolution, so a non-loopback address is never connected to without `--allow-remote`.
//! URLs are shown only through [`redact`], which strips userinfo and secret-looking query values.

mod url;

pub use url::{host_kind, redact, HostKind, Target, UrlError};

use std::fmt;
use std::io::Read;
use std::time::{Duration, Instant};
use ureq::http::{self, Uri};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::DefaultConnector;

/// Cap on a response body read into memory.
pub(crate) const BODY_CAP: usize = 1024 * 1024;
/// Same-host redirects followed per call.
const MAX_REDIRECTS: usize = 5;
/// Connect attempts never wait longer than this, even with a longer deadline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const USER_AGENT: &str = concat!("devdoctor/", env!("CARGO_PKG_VERSION"));

/// Why a call failed. Each kind maps to a clear verdict in the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpError {
    Url(UrlError),
    /// Nothing accepted the connection.
    Refused,
    /// The connection could not be made (no socket, permission denied, refused, unknown
    /// host): the I/O error's kind, for a verdict, and its text. The engine client's error.
    Connect {
        kind: std::io::ErrorKind,
        why: String,
    },
    /// No answer within the deadline (connect, headers or body).
    Timeout,
    /// The host could not be resolved or reached.
    Unreachable(String),
    /// The peer answered something that is not HTTP.
    Protocol(String),
    /// The connection closed or reset mid-response.
    Closed(String),
    /// The body is larger than the cap.
    TooLarge(usize),
    /// A redirect to another host, or too many redirects; not followed.
    Redirect {
        status: u16,
        location: String,
    },
    Tls(String),
    Other(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Url(e) => write!(f, "{e}"),
            HttpError::Refused => f.write_str("connection refused"),
            HttpError::Connect { why, .. } => write!(f, "cannot connect: {why}"),
            HttpError::Timeout => f.write_str("no answer before the timeout"),
            HttpError::Unreachable(why) => write!(f, "cannot reach the host: {why}"),
            HttpError::Protocol(why) => write!(f, "the answer is not valid HTTP: {why}"),
            HttpError::Closed(why) => write!(f, "the connection closed mid-response: {why}"),
            HttpError::TooLarge(cap) => {
                write!(f, "the response is larger than the {} KiB cap", cap / 1024)
            }
            HttpError::Redirect { status, location } => {
                write!(f, "HTTP {status} redirect to {location} (not followed)")
            }
            HttpError::Tls(why) => write!(f, "TLS error: {why}"),
            HttpError::Other(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for HttpError {}

/// The error the resolver raises when the policy forbids an address.
#[derive(Debug)]
struct PolicyRefused(String);
impl fmt::Display for PolicyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not loopback", self.0)
    }
}
impl std::error::Error for PolicyRefused {}

/// Classifies an I/O error from a body reader or socket.
pub(crate) fn io_error(e: &std::io::Error) -> HttpError {
    use std::io::ErrorKind as K;
    if let Some(inner) = e.get_ref() {
        if let Some(ue) = inner.downcast_ref::<ureq::Error>() {
            return classify_ureq_ref(ue);
        }
        if let Some(p) = inner.downcast_ref::<PolicyRefused>() {
            return HttpError::Url(UrlError::Remote(p.0.clone()));
        }
    }
    let text = e.to_string();
    if text.contains("lookup address")
        || text.contains("name resolution")
        || text.contains("not known")
    {
        return HttpError::Unreachable(format!("cannot resolve the host name ({text})"));
    }
    // rustls errors reach us wrapped in io::Error.
    if text.contains("certificate") || text.to_ascii_lowercase().contains("tls") {
        return HttpError::Tls(text);
    }
    match e.kind() {
        K::ConnectionRefused => HttpError::Refused,
        K::TimedOut | K::WouldBlock => HttpError::Timeout,
        K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
            HttpError::Closed(e.to_string())
        }
        K::InvalidData => HttpError::Protocol(e.to_string()),
        K::NetworkUnreachable | K::HostUnreachable | K::AddrNotAvailable => {
            HttpError::Unreachable(e.to_string())
        }
        _ => HttpError::Other(e.to_string()),
    }
}

fn classify_ureq_ref(e: &ureq::Error) -> HttpError {
    match e {
        ureq::Error::Timeout(_) => HttpError::Timeout,
        ureq::Error::Io(io) => io_error(io),
        ureq::Error::Protocol(p) => HttpError::Protocol(p.to_string()),
        ureq::Error::LargeResponseHeader(..) => {
            HttpError::Protocol("response headers are too large".into())
        }
        ureq::Error::HostNotFound => HttpError::Unreachable("host not found".into()),
        ureq::Error::ConnectionFailed => HttpError::Refused,
        ureq::Error::BadUri(u) => HttpError::Url(UrlError::Invalid(redact(u))),
        ureq::Error::BodyExceedsLimit(n) => HttpError::TooLarge(*n as usize),
        ureq::Error::Tls(t) => HttpError::Tls(t.to_string()),
        #[cfg(feature = "tls")]
        ureq::Error::Rustls(t) => HttpError::Tls(t.to_string()),
        ureq::Error::TlsRequired | ureq::Error::RequireHttpsOnly(_) => {
            HttpError::Tls(e.to_string())
        }
        ureq::Error::Other(b) => match b.downcast_ref::<PolicyRefused>() {
            Some(p) => HttpError::Url(UrlError::Remote(p.0.clone())),
            None => HttpError::Other(b.to_string()),
        },
        other => HttpError::Other(other.to_string()),
    }
}

fn classify(e: ureq::Error) -> HttpError {
    classify_ureq_ref(&e)
}

/// What a ureq error means, for another client of the same transport (the engine's).
pub(crate) fn classify_error(e: ureq::Error) -> HttpError {
    classify(e)
}

/// Resolution that enforces the policy at the last moment: IP literals as given, `localhost`
/// as 127.0.0.1 and ::1 without asking DNS, anything else only with `allow_remote`.
#[derive(Debug)]
struct PolicyResolver {
    allow_remote: bool,
}

impl Resolver for PolicyResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default();
        let port = uri
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("https") {
                443
            } else {
                80
            });
        let probe = Target {
            https: false,
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port,
            path: "/".into(),
            userinfo: None,
        };
        let local = probe.loopback_addrs();
        if !local.is_empty() {
            let mut out = self.empty();
            for a in local {
                out.push(a);
            }
            return Ok(out);
        }
        if !self.allow_remote {
            return Err(ureq::Error::Other(Box::new(PolicyRefused(
                host.to_string(),
            ))));
        }
        DefaultResolver::default().resolve(uri, config, timeout)
    }
}

/// A request to send.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub method: &'static str,
    pub target: Target,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub(crate) fn new(method: &'static str, target: &Target) -> Request {
        Request {
            method,
            target: target.clone(),
            headers: Vec::new(),
            body: None,
        }
    }
    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.to_string(), value.into()));
        self
    }
    pub(crate) fn body(mut self, body: Vec<u8>) -> Request {
        self.body = Some(body);
        self
    }
}

/// A response whose body has not been read yet.
pub(crate) struct Response {
    pub status: u16,
    /// Header names lowercased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The URL that answered (after same-host redirects).
    pub target: Target,
    /// From sending the request to having the headers.
    pub elapsed: Duration,
    body: ureq::Body,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish()
    }
}

/// A body read under the cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    pub bytes: Vec<u8>,
    /// More bytes followed than the cap allowed.
    pub truncated: bool,
}

/// A header's value among `headers` (names compare case-insensitively).
pub(crate) fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Response {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    /// The media type, lowercased, without parameters (`text/event-stream`).
    pub(crate) fn media_type(&self) -> Option<String> {
        self.header("content-type").map(media_type)
    }

    /// Reads at most `cap` bytes; more sets `truncated` (the rest is not read).
    pub(crate) fn read_capped(self, cap: usize) -> Result<Body, HttpError> {
        let mut reader = self.into_reader();
        read_capped(&mut reader, cap)
    }

    /// A streaming reader over the body, bounded by the call's deadline.
    pub(crate) fn into_reader(self) -> impl Read + Send + 'static {
        self.body.into_reader()
    }
}

/// Reads at most `cap` bytes from `reader`, classifying errors.
pub(crate) fn read_capped(reader: &mut dyn Read, cap: usize) -> Result<Body, HttpError> {
    let mut bytes = Vec::new();
    let mut limited = reader.take(cap as u64 + 1);
    limited.read_to_end(&mut bytes).map_err(|e| io_error(&e))?;
    let truncated = bytes.len() > cap;
    bytes.truncate(cap);
    Ok(Body { bytes, truncated })
}

/// `type/subtype` of a Content-Type value, lowercased.
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// An excerpt of a body for a finding; HTML is reduced to its text first.
pub fn body_excerpt(bytes: &[u8], media_type: Option<&str>, max_chars: usize) -> String {
    let html = media_type.is_some_and(|m| m.contains("html"))
        || bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .is_some_and(|i| bytes[i] == b'<');
    if !html {
        return crate::policy::text::excerpt(bytes, max_chars);
    }
    let mut text = Vec::with_capacity(bytes.len());
    let mut in_tag = false;
    for &b in bytes {
        match b {
            b'<' => in_tag = true,
            b'>' if in_tag => {
                in_tag = false;
                text.push(b' ');
            }
            _ if !in_tag => text.push(b),
            _ => {}
        }
    }
    crate::policy::text::excerpt(&text, max_chars)
}

/// The largest response head read (status line and headers).
pub(crate) const HEAD_CAP: usize = 64 * 1024;

/// The read and write buffers of one HTTP connection. ureq's default is 128 KiB each, zeroed
/// when the connection opens: a run's dozen local requests (MCP, health, the Docker engine)
/// paid for them in page faults. The read buffer must hold a whole response head and a little
/// more, so that a longer head is told apart as too large; requests are small, and a body
/// larger than the write buffer goes in steps.
pub(crate) const READ_BUFFER: usize = HEAD_CAP + 4 * 1024;
pub(crate) const WRITE_BUFFER: usize = 8 * 1024;

/// Sends requests before a fixed deadline, under the loopback policy. A client keeps its
/// connections open between requests (an MCP handshake is four or five requests to one
/// server), so each of them costs the server no new connection.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    deadline: Instant,
    allow_remote: bool,
    agent: std::sync::OnceLock<ureq::Agent>,
}

impl Client {
    /// A client whose calls (all together) end by `now + budget`.
    pub(crate) fn new(budget: Duration, allow_remote: bool) -> Client {
        Client {
            deadline: Instant::now() + budget,
            allow_remote,
            agent: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .proxy(None)
                .user_agent(USER_AGENT)
                .max_idle_connections(4)
                .max_idle_connections_per_host(4)
                .max_response_header_size(HEAD_CAP)
                .input_buffer_size(READ_BUFFER)
                .output_buffer_size(WRITE_BUFFER)
                .build();
            ureq::Agent::with_parts(
                config,
                DefaultConnector::default(),
                PolicyResolver {
                    allow_remote: self.allow_remote,
                },
            )
        })
    }

    /// Sends `req`, following same-host redirects; other redirects come back as an error.
    pub(crate) fn send(&self, req: Request) -> Result<Response, HttpError> {
        let mut req = req;
        for _ in 0..=MAX_REDIRECTS {
            if !self.allow_remote && req.target.kind() == HostKind::Remote {
                return Err(HttpError::Url(UrlError::Remote(req.target.host.clone())));
            }
            let resp = self.send_once(&req)?;
            if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(resp);
            }
            let Some(location) = resp.header("location").map(str::to_string) else {
                return Ok(resp);
            };
            let next = req.target.join(&location).map_err(HttpError::Url)?;
            if !next.same_origin(&req.target) {
                return Err(HttpError::Redirect {
                    status: resp.status,
                    location: redact(&location),
                });
            }
            // 303 (and 301/302 after a POST, as browsers do) turn into GET without a body.
            if resp.status == 303 || (matches!(resp.status, 301 | 302) && req.method == "POST") {
                req.method = "GET";
                req.body = None;
            }
            let keep = req.target.userinfo.clone();
            req.target = next;
            if req.target.userinfo.is_none() {
                req.target.userinfo = keep;
            }
        }
        Err(HttpError::Redirect {
            status: 310,
            location: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    fn send_once(&self, req: &Request) -> Result<Response, HttpError> {
        let remaining = self.remaining();
        if remaining.is_zero() {
            return Err(HttpError::Timeout);
        }
        let uri = req
            .target
            .uri()
            .map_err(|e| HttpError::Url(UrlError::Invalid(e.to_string())))?;
        let mut builder = http::Request::builder().method(req.method).uri(uri);
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if let Some(u) = &req.target.userinfo {
            builder = builder.header("authorization", format!("Basic {}", base64(u)));
        }
        let body = req.body.clone().unwrap_or_default();
        let request = builder
            .body(body)
            .map_err(|e| HttpError::Other(format!("cannot build the request: {e}")))?;
        let agent = self.agent();
        let request = agent
            .configure_request(request)
            .timeout_global(Some(remaining))
            .timeout_connect(Some(remaining.min(CONNECT_TIMEOUT)))
            .build();
        let started = Instant::now();
        let resp = agent.run(request).map_err(classify)?;
        let elapsed = started.elapsed();
        let (parts, body) = resp.into_parts();
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(Response {
            status: parts.status.as_u16(),
            headers,
            target: req.target.clone(),
            elapsed,
            body,
        })
    }
}

/// Standard base64 with padding (for Basic auth from URL userinfo).
fn base64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// Canonical reason phrase for a status, for messages.
pub(crate) fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn basic_auth_encoding() {
        assert_eq!(base64("alice:s3cret"), "YWxpY2U6czNjcmV0");
        assert_eq!(base64("a"), "YQ==");
        assert_eq!(base64("ab"), "YWI=");
    }

    /// A one-shot loopback server that answers every connection with `reply`.
    fn serve(reply: &'static [u8], close: bool) -> (u16, std::thread::JoinHandle<()>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 4096];
                let _ = std::io::Read::read(&mut s, &mut buf);
                let _ = s.write_all(reply);
                if !close {
                    std::thread::sleep(Duration::from_secs(3));
                }
            }
        });
        (port, h)
    }

    fn get(port: u16, path: &str, budget: Duration) -> Result<Response, HttpError> {
        let t = Target::parse(&format!("http://127.0.0.1:{port}{path}")).unwrap();
        Client::new(budget, false).send(Request::new("GET", &t))
    }

    /// The read buffer holds a whole response head up to the cap; a longer head is refused as
    /// too large rather than misread.
    #[test]
    fn a_response_head_up_to_the_cap_is_read_and_a_longer_one_refused() {
        let reply = |filler: usize| -> &'static [u8] {
            let text = format!(
                "HTTP/1.1 200 OK\r\nx-filler: {}\r\ncontent-length: 2\r\n\r\nok",
                "a".repeat(filler)
            );
            Box::leak(text.into_bytes().into_boxed_slice())
        };
        let (port, h) = serve(reply(HEAD_CAP - 1024), true);
        let r = get(port, "/", Duration::from_secs(5)).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-filler").map(str::len), Some(HEAD_CAP - 1024));
        h.join().unwrap();
        let (port, h) = serve(reply(HEAD_CAP + 1024), true);
        match get(port, "/", Duration::from_secs(5)) {
            Err(HttpError::Protocol(why)) => assert!(why.contains("too large"), "{why}"),
            other => panic!("{other:?}"),
        }
        h.join().unwrap();
    }

    /// A request body larger than the write buffer is sent whole, in steps.
    #[test]
    fn a_body_larger_than_the_write_buffer_is_sent_whole() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let body = vec![b'x'; 10 * WRITE_BUFFER + 7];
        let expected = body.len();
        let h = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            while !got.windows(4).any(|w| w == b"\r\n\r\n")
                || got.len() < got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4 + expected
            {
                let n = std::io::Read::read(&mut s, &mut buf).unwrap();
                assert!(n > 0, "the client stopped sending");
                got.extend_from_slice(&buf[..n]);
            }
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n");
        });
        let t = Target::parse(&format!("http://127.0.0.1:{port}/mcp")).unwrap();
        let r = Client::new(Duration::from_secs(5), false)
            .send(Request::new("POST", &t).body(body))
            .unwrap();
        assert_eq!(r.status, 204);
        h.join().unwrap();
    }

    #[test]
    fn refused_when_nothing_listens() {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        assert_eq!(
            get(port, "/", Duration::from_secs(2)).unwrap_err(),
            HttpError::Refused
        );
    }

    #[test]
    fn silent_server_times_out_within_budget() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let started = Instant::now();
        let err = get(port, "/", Duration::from_millis(400)).unwrap_err();
        assert_eq!(err, HttpError::Timeout);
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(l);
    }

    #[test]
    fn garbage_is_a_protocol_error() {
        let (port, h) = serve(b"SSH-2.0-OpenSSH_9.2\r\n\r\n", true);
        let err = get(port, "/", Duration::from_secs(2)).unwrap_err();
        assert!(matches!(err, HttpError::Protocol(_)), "{err:?}");
        h.join().unwrap();
    }

    #[test]
    fn body_cut_short_is_closed() {
        let (port, h) = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: application/json\r\n\r\n{\"status\":",
            true,
        );
        let resp = get(port, "/", Duration::from_secs(2)).unwrap();
        let err = resp.read_capped(BODY_CAP).unwrap_err();
        assert!(
            matches!(err, HttpError::Closed(_) | HttpError::Protocol(_)),
            "{err:?}"
        );
        h.join().unwrap();
    }

    #[test]
    fn large_body_is_capped() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut buf = [0u8; 4096];
                let _ = std::io::Read::read(&mut s, &mut buf);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10485760\r\n\r\n");
                let chunk = vec![b'x'; 65536];
                for _ in 0..160 {
                    if s.write_all(&chunk).is_err() {
                        break;
                    }
                }
            }
        });
        let resp = get(port, "/", Duration::from_secs(5)).unwrap();
        let body = resp.read_capped(1024).unwrap();
        assert!(body.truncated);
        assert_eq!(body.bytes.len(), 1024);
        h.join().unwrap();
    }

    #[test]
    fn off_host_redirect_is_not_followed() {
        let (port, h) = serve(
            b"HTTP/1.1 302 Found\r\nLocation: http://10.9.9.9:8000/health\r\nContent-Length: 0\r\n\r\n",
            true,
        );
        let err = get(port, "/health", Duration::from_secs(2)).unwrap_err();
        assert_eq!(
            err,
            HttpError::Redirect {
                status: 302,
                location: "http://10.9.9.9:8000/health".into()
            }
        );
        h.join().unwrap();
    }

    #[test]
    fn same_host_redirect_is_followed() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let h = std::thread::spawn(move || {
            for reply in [
                &b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /mcp\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"[..],
                &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"[..],
            ] {
                if let Ok((mut s, _)) = l.accept() {
                    let mut buf = [0u8; 4096];
                    let _ = std::io::Read::read(&mut s, &mut buf);
                    let _ = s.write_all(reply);
                }
            }
        });
        let resp = get(port, "/mcp/", Duration::from_secs(2)).unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.target.path, "/mcp");
        assert_eq!(resp.read_capped(10).unwrap().bytes, b"ok");
        h.join().unwrap();
    }

    #[test]
    fn remote_target_is_refused_before_any_connection() {
        let t = Target::parse("http://192.0.2.1:8000/").unwrap();
        let started = Instant::now();
        let err = Client::new(Duration::from_secs(5), false)
            .send(Request::new("GET", &t))
            .unwrap_err();
        assert!(matches!(err, HttpError::Url(UrlError::Remote(_))));
        assert!(started.elapsed() < Duration::from_millis(500));
    }

    #[test]
    fn html_excerpts_keep_the_text() {
        let page = b"<!DOCTYPE HTML>\n<html><head><title>Error response</title></head><body><h1>Error response</h1><p>Error code: 404</p></body></html>";
        assert_eq!(
            body_excerpt(page, Some("text/html"), 80),
            "Error response Error response Error code: 404"
        );
        assert_eq!(
            body_excerpt(b"{\"a\": 1}", Some("application/json"), 80),
            "{\"a\": 1}"
        );
        assert_eq!(body_excerpt(b"<unterminated", None, 80), "");
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        assert_eq!(
            crate::policy::text::excerpt(b"  a\n\n b\tc\x07 ", 80),
            "a b c"
        );
        assert_eq!(
            crate::policy::text::excerpt("x".repeat(50).as_bytes(), 10),
            format!("{}…", "x".repeat(10))
        );
        assert_eq!(
            crate::policy::text::excerpt(&[0xff, 0xfe, b'a'], 10),
            "\u{FFFD}\u{FFFD}a"
        );
    }
}
