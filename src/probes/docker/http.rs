//! The Docker engine API client: HTTP/1.1 over a unix socket or plain tcp. devdoctor connects
//! the socket itself (so a missing socket, a refused one and a permission error keep their
//! kinds), and ureq speaks HTTP over it, through a connector that hands ureq that one stream.
//! Every request has one deadline covering connect, write and read, and a body cap; a peer
//! that accepts and never answers ends as `Timeout`, never a hang.

use super::endpoint::Target;
pub use crate::probes::http::HttpError;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport,
};

use crate::probes::http::HEAD_CAP;

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value (names compare case-insensitively).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        crate::probes::http::header_in(&self.headers, name)
    }

    /// The engine's error message from a JSON `{"message": …}` body, else the body text.
    pub fn error_message(&self) -> String {
        let from_json = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("message")?.as_str().map(str::to_string));
        let text = from_json.unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned());
        let text = text.trim();
        if text.is_empty() {
            format!("HTTP {}", self.status)
        } else {
            let short: String = text.chars().take(300).collect();
            format!("HTTP {}: {short}", self.status)
        }
    }
}

/// A socket devdoctor connected, of either kind.
#[derive(Debug)]
enum Stream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Stream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_read_timeout(t),
            Stream::Tcp(s) => s.set_read_timeout(t),
        }
    }

    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_write_timeout(t),
            Stream::Tcp(s) => s.set_write_timeout(t),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.write(buf),
            Stream::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.flush(),
            Stream::Tcp(s) => s.flush(),
        }
    }
}

/// The first bytes the peer sent, kept to name what answers when it is not HTTP.
type Seen = Arc<Mutex<Vec<u8>>>;
/// Bytes of the answer kept for that.
const PREVIEW: usize = 60;

/// Hands ureq the stream devdoctor connected, once: one request per connection.
#[derive(Debug)]
struct Connected(Mutex<Option<Stream>>, Seen);

impl Connector<()> for Connected {
    type Out = StreamTransport;

    fn connect(
        &self,
        details: &ConnectionDetails,
        _: Option<()>,
    ) -> Result<Option<StreamTransport>, ureq::Error> {
        let stream = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or(ureq::Error::ConnectionFailed)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(StreamTransport {
            stream,
            buffers,
            seen: self.1.clone(),
        }))
    }
}

/// ureq's side of a connected stream: its buffers, and reads and writes under ureq's timeouts.
#[derive(Debug)]
struct StreamTransport {
    stream: Stream,
    buffers: LazyBuffers,
    seen: Seen,
}

/// The time left before `timeout` (`None`: no limit), or the timeout when none is left.
fn time_left(timeout: NextTimeout) -> Result<Option<Duration>, ureq::Error> {
    if timeout.after.is_zero() {
        return Err(ureq::Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|d| *d))
}

fn transport_error(e: io::Error, timeout: NextTimeout) -> ureq::Error {
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => ureq::Error::Timeout(timeout.reason),
        _ => ureq::Error::Io(e),
    }
}

impl Transport for StreamTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        let timeout = timeout.for_write();
        self.stream.set_write_timeout(time_left(timeout)?)?;
        let output = &self.buffers.output()[..amount];
        self.stream
            .write_all(output)
            .map_err(|e| transport_error(e, timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let timeout = timeout.for_read();
        self.stream.set_read_timeout(time_left(timeout)?)?;
        let input = self.buffers.input_append_buf();
        let n = loop {
            match self.stream.read(input) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other.map_err(|e| transport_error(e, timeout))?,
            }
        };
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let room = PREVIEW.saturating_sub(seen.len()).min(n);
        seen.extend_from_slice(&input[..room]);
        drop(seen);
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        // Each request has its own connection (and sends `Connection: close`).
        false
    }
}

/// The connector ignores addresses, so nothing is looked up.
#[derive(Debug)]
struct NoLookup;

impl Resolver for NoLookup {
    fn resolve(
        &self,
        _: &ureq::http::Uri,
        _: &ureq::config::Config,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        out.push(SocketAddr::from(([127, 0, 0, 1], 80)));
        Ok(out)
    }
}

/// `GET path` (or `HEAD`) against the engine, bounded by `timeout` and `cap`.
pub fn get(
    target: &Target,
    path: &str,
    timeout: Duration,
    cap: usize,
) -> Result<Response, HttpError> {
    request(target, "GET", path, timeout, cap)
}

pub(crate) fn request(
    target: &Target,
    method: &str,
    path: &str,
    timeout: Duration,
    cap: usize,
) -> Result<Response, HttpError> {
    let deadline = Instant::now() + timeout;
    // Connecting to a unix socket or an IP address never waits past the deadline (see
    // `connect_unix`), and ureq's timeouts bound the rest: no thread needed.
    let looks_up =
        matches!(target, Target::Tcp { host, .. } if host.parse::<std::net::IpAddr>().is_err());
    if !looks_up {
        return request_inner(target, method, path, deadline, cap);
    }
    // A host name is looked up by the system's resolver, which knows no deadline: the work
    // runs on its own thread, which the deadline abandons.
    let (tx, rx) = mpsc::channel();
    let target = target.clone();
    let method = method.to_string();
    let path = path.to_string();
    let spawned = std::thread::Builder::new()
        .name("docker-http".into())
        .spawn(move || {
            let _ = tx.send(request_inner(&target, &method, &path, deadline, cap));
        });
    if let Err(e) = spawned {
        return Err(HttpError::Other(format!("connection failed: {e}")));
    }
    match rx.recv_timeout(timeout + Duration::from_millis(200)) {
        Ok(r) => r,
        Err(_) => Err(HttpError::Timeout),
    }
}

fn left(deadline: Instant) -> Result<Duration, HttpError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(HttpError::Timeout)
    } else {
        Ok(left)
    }
}

fn connect_err(e: io::Error) -> HttpError {
    HttpError::Connect {
        kind: e.kind(),
        why: e.to_string(),
    }
}

/// Connects to a unix socket within the deadline. A blocking connect to a listener whose
/// backlog is full waits without bound, so the socket connects non-blocking (the kernel says
/// `EAGAIN` while the backlog is full: tried again every few ms until the deadline), then
/// turns blocking for ureq's timeouts.
fn connect_unix(sock: &std::path::Path, deadline: Instant) -> Result<UnixStream, HttpError> {
    use rustix::io::Errno;
    use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};
    let fd = rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::NONBLOCK | SocketFlags::CLOEXEC,
        None,
    )
    .map_err(|e| connect_err(e.into()))?;
    let addr = SocketAddrUnix::new(sock).map_err(|e| connect_err(e.into()))?;
    loop {
        match rustix::net::connect(&fd, &addr) {
            Ok(()) => break,
            Err(Errno::AGAIN | Errno::INTR) => {
                left(deadline)?;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(connect_err(e.into())),
        }
    }
    let stream = UnixStream::from(fd);
    stream.set_nonblocking(false).map_err(connect_err)?;
    Ok(stream)
}

/// Connects to the engine within the deadline: the stream and the `Host` it is asked as.
fn connect(target: &Target, deadline: Instant) -> Result<(Stream, String), HttpError> {
    match target {
        Target::Unix(sock) => {
            let stream = connect_unix(sock, deadline)?;
            Ok((Stream::Unix(stream), "localhost".to_string()))
        }
        Target::Tcp { host, port } => {
            let addrs: Vec<_> = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(connect_err)?
                .collect();
            let mut last = io::Error::new(io::ErrorKind::NotFound, "no address for the host");
            for addr in addrs {
                match TcpStream::connect_timeout(&addr, left(deadline)?) {
                    Ok(stream) => {
                        let host = if host.contains(':') {
                            format!("[{host}]:{port}")
                        } else {
                            format!("{host}:{port}")
                        };
                        return Ok((Stream::Tcp(stream), host));
                    }
                    Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                        return Err(HttpError::Timeout)
                    }
                    Err(e) => last = e,
                }
            }
            Err(connect_err(last))
        }
        Target::CliOnly(why) => Err(HttpError::Protocol(format!(
            "{why}; only the docker CLI can reach it"
        ))),
    }
}

/// Why an exchange with the engine failed. A peer that closes before a whole answer head is
/// not speaking the engine's protocol; one that stops mid-body ended early.
fn engine_error(e: ureq::Error, head: bool) -> HttpError {
    match crate::probes::http::classify_error(e) {
        HttpError::Closed(_) if head => {
            HttpError::Protocol("the peer closed the connection without answering".into())
        }
        HttpError::Closed(why) => HttpError::Protocol(format!("the body ended early ({why})")),
        other => other,
    }
}

/// Sends `method path` on the connected stream and reads the answer's head.
fn send(
    stream: Stream,
    host: &str,
    method: &str,
    path: &str,
    deadline: Instant,
) -> Result<ureq::http::Response<ureq::Body>, HttpError> {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_response_header_size(HEAD_CAP)
        .input_buffer_size(crate::probes::http::READ_BUFFER)
        .output_buffer_size(crate::probes::http::WRITE_BUFFER)
        .user_agent(concat!("devdoctor/", env!("CARGO_PKG_VERSION")))
        .timeout_global(Some(left(deadline)?))
        .build();
    let seen = Seen::default();
    let connector = Connected(Mutex::new(Some(stream)), seen.clone());
    let agent = ureq::Agent::with_parts(config, connector, NoLookup);
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("http://{host}{path}"))
        .header("Accept", "application/json")
        .header("Connection", "close")
        .body(())
        .map_err(|e| HttpError::Other(format!("cannot build the request: {e}")))?;
    agent.run(request).map_err(|e| match engine_error(e, true) {
        HttpError::Protocol(why) => {
            let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.is_empty() {
                HttpError::Protocol(why)
            } else {
                let sent = String::from_utf8_lossy(&seen);
                HttpError::Protocol(format!("{why}; the peer sent {sent:?}"))
            }
        }
        other => other,
    })
}

fn headers_of(resp: &ureq::http::Response<ureq::Body>) -> Vec<(String, String)> {
    resp.headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).trim().to_string(),
            )
        })
        .collect()
}

fn request_inner(
    target: &Target,
    method: &str,
    path: &str,
    deadline: Instant,
    cap: usize,
) -> Result<Response, HttpError> {
    let (stream, host) = connect(target, deadline)?;
    let mut resp = send(stream, &host, method, path, deadline)?;
    let status = resp.status().as_u16();
    let headers = headers_of(&resp);
    // A declared length over the cap is refused before a byte of it is read.
    if resp.body().content_length().is_some_and(|n| n > cap as u64) {
        return Err(HttpError::TooLarge(cap));
    }
    let body = resp
        .body_mut()
        .with_config()
        .limit(cap as u64)
        .read_to_vec()
        .map_err(|e| match engine_error(e, false) {
            HttpError::TooLarge(_) => HttpError::TooLarge(cap),
            other => other,
        })?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// `GET path` whose body is read as a stream (an image's tar): a reader that fails with
/// `TimedOut` at `deadline`. Only a 200 answer's body is streamed; any other status comes
/// back as an error with the engine's message.
pub(crate) fn stream(
    target: &Target,
    path: &str,
    deadline: Instant,
) -> Result<Box<dyn Read + Send>, HttpError> {
    let (stream, host) = connect(target, deadline)?;
    let resp = send(stream, &host, "GET", path, deadline)?;
    let status = resp.status().as_u16();
    let headers = headers_of(&resp);
    let mut reader = resp.into_body().into_reader();
    if status != 200 {
        let mut text = Vec::new();
        let _ = reader.by_ref().take(64 * 1024).read_to_end(&mut text);
        let resp = Response {
            status,
            headers,
            body: text,
        };
        return Err(HttpError::Protocol(resp.error_message()));
    }
    Ok(Box::new(Streamed(reader)))
}

/// A streamed body whose errors say what happened to the image.
struct Streamed<R>(R);

impl<R: Read> Read for Streamed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0
            .read(buf)
            .map_err(|e| match crate::probes::http::io_error(&e) {
                HttpError::Timeout => io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the image did not arrive before the timeout",
                ),
                HttpError::Closed(why) => io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the body ended early ({why})"),
                ),
                other => io::Error::other(other.to_string()),
            })
    }
}

/// Percent-encodes an image reference for a path segment, keeping `/`, `:` and `@`, which
/// the engine's `/images/{name}/json` route takes literally.
pub fn escape_ref(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::net::UnixListener;
    use std::path::Path;

    /// Serves one connection on a fresh socket with `respond`, returning the socket path.
    fn serve(dir: &Path, respond: impl FnOnce(UnixStream) + Send + 'static) -> Target {
        let path = dir.join("s.sock");
        let listener = UnixListener::bind(&path).unwrap();
        std::thread::spawn(move || {
            if let Ok((s, _)) = listener.accept() {
                respond(s);
            }
        });
        Target::Unix(path)
    }

    fn read_request(s: &mut UnixStream) -> String {
        let mut buf = Vec::new();
        let mut b = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match s.read(&mut b) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&b[..n]),
            }
        }
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn reply(raw: &'static [u8]) -> impl FnOnce(UnixStream) + Send + 'static {
        move |mut s| {
            let _ = read_request(&mut s);
            let _ = s.write_all(raw);
        }
    }

    const T: Duration = Duration::from_secs(2);

    #[test]
    fn content_length_body() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOKextra"),
        );
        let r = get(&t, "/_ping", T, 1024).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"OK");
        assert_eq!(r.header("api-version"), Some("1.41"));
    }

    #[test]
    fn chunked_body_split_across_writes() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), |mut s| {
            let _ = read_request(&mut s);
            for part in [
                &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"[..],
                b"lo\r\n6;ext=1\r\n world\r\n",
                b"0\r\n\r\n",
            ] {
                let _ = s.write_all(part);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let r = get(&t, "/info", T, 1024).unwrap();
        assert_eq!(r.body, b"hello world");
    }

    fn streamed(t: &Target) -> Result<Vec<u8>, String> {
        let mut r = stream(t, "/images/x/get", Instant::now() + T).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        // Small reads, so chunk and buffer boundaries fall everywhere.
        let mut b = [0u8; 3];
        loop {
            match r.read(&mut b) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&b[..n]),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn streamed_bodies_in_every_framing() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), |mut s| {
            let _ = read_request(&mut s);
            for part in [
                &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"[..],
                b"lo\r",
                b"\n6;ext=1\r\n world\r\n",
                b"0\r\n\r\n",
            ] {
                let _ = s.write_all(part);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        assert_eq!(streamed(&t).unwrap(), b"hello world");
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello, and more"),
        );
        assert_eq!(streamed(&t).unwrap(), b"hello");
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), reply(b"HTTP/1.1 200 OK\r\n\r\nuntil close"));
        assert_eq!(streamed(&t).unwrap(), b"until close");
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort"),
        );
        assert!(streamed(&t).unwrap_err().contains("ended early"));
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), reply(b"HTTP/1.1 404 Not Found\r\nContent-Length: 27\r\n\r\n{\"message\":\"no such image\"}"));
        assert!(streamed(&t)
            .unwrap_err()
            .contains("HTTP 404: no such image"));
    }

    #[test]
    fn a_stalled_stream_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), |mut s| {
            let _ = read_request(&mut s);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
            std::thread::sleep(Duration::from_secs(3));
        });
        let mut r = stream(&t, "/x", Instant::now() + Duration::from_millis(300)).unwrap();
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert_eq!(out, b"abc");
    }

    #[test]
    fn body_until_close() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), reply(b"HTTP/1.0 200 OK\r\n\r\n{\"a\":1}"));
        assert_eq!(get(&t, "/version", T, 1024).unwrap().body, b"{\"a\":1}");
    }

    #[test]
    fn silent_peer_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), |mut s| {
            let _ = read_request(&mut s);
            std::thread::sleep(Duration::from_secs(5));
        });
        let start = Instant::now();
        let err = get(&t, "/_ping", Duration::from_millis(300), 1024).unwrap_err();
        assert!(matches!(err, HttpError::Timeout), "{err}");
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn garbage_is_a_protocol_error() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), reply(b"SSH-2.0-OpenSSH_9.2\r\n"));
        match get(&t, "/_ping", T, 1024).unwrap_err() {
            HttpError::Protocol(why) => assert!(
                why.ends_with("the peer sent \"SSH-2.0-OpenSSH_9.2\\r\\n\""),
                "{why}"
            ),
            other => panic!("{other}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), reply(b""));
        assert!(matches!(
            get(&t, "/_ping", T, 1024).unwrap_err(),
            HttpError::Protocol(_)
        ));
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        );
        assert!(matches!(
            get(&t, "/_ping", T, 1024).unwrap_err(),
            HttpError::Protocol(_)
        ));
    }

    #[test]
    fn body_cap_is_enforced() {
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"),
        );
        assert!(matches!(
            get(&t, "/info", T, 1000).unwrap_err(),
            HttpError::TooLarge(1000)
        ));
        // A chunked body says nothing of its length up front: reading stops at the cap.
        let dir = tempfile::tempdir().unwrap();
        let t = serve(dir.path(), |mut s| {
            let _ = read_request(&mut s);
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n");
            let _ = s.write_all(&[b'x'; 4096]);
        });
        assert!(matches!(
            get(&t, "/info", T, 1000).unwrap_err(),
            HttpError::TooLarge(1000)
        ));
    }

    #[test]
    fn missing_socket_is_a_connect_error() {
        let err = get(
            &Target::Unix("/nonexistent/devdoctor.sock".into()),
            "/_ping",
            T,
            10,
        )
        .unwrap_err();
        match err {
            HttpError::Connect { kind, .. } => assert_eq!(kind, io::ErrorKind::NotFound),
            other => panic!("{other}"),
        }
    }

    /// A listener that never accepts, with its backlog full: a blocking connect would wait
    /// for ever; the request ends at its deadline.
    #[test]
    fn a_full_backlog_times_out_at_the_deadline() {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("full.sock");
        let addr = rustix::net::SocketAddrUnix::new(&sock).unwrap();
        let listener = rustix::net::socket(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::STREAM,
            None,
        )
        .unwrap();
        rustix::net::bind(&listener, &addr).unwrap();
        rustix::net::listen(&listener, 1).unwrap();
        let mut pending = Vec::new();
        let full = (0..64).any(|_| {
            let fd = rustix::net::socket_with(
                rustix::net::AddressFamily::UNIX,
                rustix::net::SocketType::STREAM,
                rustix::net::SocketFlags::NONBLOCK,
                None,
            )
            .unwrap();
            let again = rustix::net::connect(&fd, &addr) == Err(rustix::io::Errno::AGAIN);
            pending.push(fd);
            again
        });
        assert!(full, "the backlog never filled");
        let start = Instant::now();
        let err = get(
            &Target::Unix(sock),
            "/_ping",
            Duration::from_millis(300),
            1024,
        )
        .unwrap_err();
        assert!(matches!(err, HttpError::Timeout), "{err}");
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn sends_a_well_formed_request() {
        let dir = tempfile::tempdir().unwrap();
        let (tx, rx) = mpsc::channel();
        let t = serve(dir.path(), move |mut s| {
            let _ = tx.send(read_request(&mut s));
            let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        });
        let r = get(&t, "/v1.41/images/a%20b/json", T, 10).unwrap();
        assert_eq!(r.status, 204);
        let req = rx.recv().unwrap();
        assert!(
            req.starts_with("GET /v1.41/images/a%20b/json HTTP/1.1\r\n"),
            "{req}"
        );
        let lower = req.to_ascii_lowercase();
        assert!(lower.contains("\r\nhost: localhost\r\n"), "{req}");
        assert!(lower.contains("\r\nconnection: close\r\n"), "{req}");
    }

    #[test]
    fn error_message_from_json() {
        let r = Response {
            status: 404,
            headers: vec![],
            body: br#"{"message":"No such image: x:1"}"#.to_vec(),
        };
        assert_eq!(r.error_message(), "HTTP 404: No such image: x:1");
    }

    #[test]
    fn escaping_keeps_reference_syntax() {
        assert_eq!(escape_ref("ghcr.io/a/b:1.0"), "ghcr.io/a/b:1.0");
        assert_eq!(escape_ref("a@sha256:ab"), "a@sha256:ab");
        assert_eq!(escape_ref("a b?#"), "a%20b%3F%23");
    }
}
