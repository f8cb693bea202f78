//! A small HTTP/1.1 client for the Docker engine API over a unix socket or plain tcp.
//! Every request has one deadline covering connect, write and read, and a body cap; a peer
//! that accepts and never answers ends as `Timeout`, never a hang.

use super::endpoint::Target;
pub use crate::probes::http::HttpError;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cap on the response head (status line and headers).
const HEAD_CAP: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A header's value (names compare case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
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

trait Conn: Read + Write {
    fn set_read_deadline(&self, left: Duration) -> io::Result<()>;
    fn set_write_deadline(&self, left: Duration) -> io::Result<()>;
}

impl Conn for UnixStream {
    fn set_read_deadline(&self, left: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(left))
    }
    fn set_write_deadline(&self, left: Duration) -> io::Result<()> {
        self.set_write_timeout(Some(left))
    }
}

impl Conn for TcpStream {
    fn set_read_deadline(&self, left: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(left))
    }
    fn set_write_deadline(&self, left: Duration) -> io::Result<()> {
        self.set_write_timeout(Some(left))
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

pub fn request(
    target: &Target,
    method: &str,
    path: &str,
    timeout: Duration,
    cap: usize,
) -> Result<Response, HttpError> {
    // The work runs on its own thread so that even a blocking connect (a unix socket whose
    // backlog is full) cannot outlast the deadline; socket timeouts end the thread soon after.
    let (tx, rx) = mpsc::channel();
    let target = target.clone();
    let method = method.to_string();
    let path = path.to_string();
    let deadline = Instant::now() + timeout;
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

fn request_inner(
    target: &Target,
    method: &str,
    path: &str,
    deadline: Instant,
    cap: usize,
) -> Result<Response, HttpError> {
    match target {
        Target::Unix(sock) => {
            let stream = UnixStream::connect(sock).map_err(connect_err)?;
            exchange(stream, "localhost", method, path, deadline, cap)
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
                        let host_header = if host.contains(':') {
                            format!("[{host}]:{port}")
                        } else {
                            format!("{host}:{port}")
                        };
                        return exchange(stream, &host_header, method, path, deadline, cap);
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

fn io_err(e: io::Error) -> HttpError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => HttpError::Timeout,
        _ => HttpError::Other(format!("connection failed: {e}")),
    }
}

fn connect_err(e: io::Error) -> HttpError {
    HttpError::Connect {
        kind: e.kind(),
        why: e.to_string(),
    }
}

/// A response's reader, status, headers and the body bytes that arrived with the head.
type Opened<S> = (Reader<S>, u16, Vec<(String, String)>, Vec<u8>);

/// Sends a request without a body (`extra` header lines included) and reads the response head.
fn send_head<S: Conn>(
    mut stream: S,
    host: &str,
    method: &str,
    path: &str,
    extra: &str,
    deadline: Instant,
) -> Result<Opened<S>, HttpError> {
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: devdoctor/{}\r\n{extra}Connection: close\r\n\r\n",
        env!("CARGO_PKG_VERSION")
    );
    stream.set_write_deadline(left(deadline)?).map_err(io_err)?;
    stream.write_all(req.as_bytes()).map_err(io_err)?;
    stream.flush().map_err(io_err)?;
    let mut r = Reader {
        stream,
        deadline,
        chunk: [0u8; 16 * 1024],
    };
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let (status, headers, head_len) = r.head(&mut buf)?;
    let rest = buf.split_off(head_len);
    Ok((r, status, headers, rest))
}

fn exchange<S: Conn>(
    stream: S,
    host: &str,
    method: &str,
    path: &str,
    deadline: Instant,
    cap: usize,
) -> Result<Response, HttpError> {
    let (mut r, status, headers, body_buf) = send_head(
        stream,
        host,
        method,
        path,
        "Accept: application/json\r\n",
        deadline,
    )?;
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let no_body =
        method == "HEAD" || status == 204 || status == 304 || (100..200).contains(&status);
    let body = if no_body {
        Vec::new()
    } else if header("Transfer-Encoding")
        .is_some_and(|te| te.to_ascii_lowercase().contains("chunked"))
    {
        r.chunked(body_buf, cap)?
    } else if let Some(len) = header("Content-Length") {
        let len: usize = len
            .parse()
            .map_err(|_| HttpError::Protocol(format!("bad Content-Length `{len}`")))?;
        r.sized(body_buf, len, cap)?
    } else {
        r.until_close(body_buf, cap)?
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// A response head: status, headers and the head's length in bytes.
type Head = (u16, Vec<(String, String)>, usize);

/// Reads a response from a stream under one deadline.
struct Reader<S> {
    stream: S,
    deadline: Instant,
    chunk: [u8; 16 * 1024],
}

impl<S: Conn> Reader<S> {
    /// Reads more into `buf`; false at end of stream.
    fn fill(&mut self, buf: &mut Vec<u8>) -> Result<bool, HttpError> {
        loop {
            self.stream
                .set_read_deadline(left(self.deadline)?)
                .map_err(io_err)?;
            match self.stream.read(&mut self.chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    buf.extend_from_slice(&self.chunk[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e)),
            }
        }
    }

    /// The status, the headers and the head's length, read into `buf`.
    fn head(&mut self, buf: &mut Vec<u8>) -> Result<Head, HttpError> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; 64];
            let mut resp = httparse::Response::new(&mut slots);
            match resp.parse(buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let status = resp.code.unwrap_or(0);
                    let headers: Vec<(String, String)> = resp
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).trim().to_string(),
                            )
                        })
                        .collect();
                    return Ok((status, headers, n));
                }
                Ok(httparse::Status::Partial) => {}
                Err(e) => {
                    return Err(HttpError::Protocol(format!(
                        "{e} (the peer sent {:?})",
                        preview(buf)
                    )))
                }
            }
            if buf.len() > HEAD_CAP {
                return Err(HttpError::Protocol("response head too large".into()));
            }
            if !self.fill(buf)? {
                return Err(HttpError::Protocol(if buf.is_empty() {
                    "the peer closed the connection without answering".into()
                } else {
                    format!("the connection closed mid-answer after {:?}", preview(buf))
                }));
            }
        }
    }

    /// A `Transfer-Encoding: chunked` body, decoded.
    fn chunked(&mut self, mut body_buf: Vec<u8>, cap: usize) -> Result<Vec<u8>, HttpError> {
        let mut dec = Chunked::default();
        loop {
            dec.advance(&body_buf, cap)?;
            if dec.done {
                return Ok(dec.body);
            }
            if !self.fill(&mut body_buf)? {
                return Err(HttpError::Protocol("the chunked body ended early".into()));
            }
            if body_buf.len() > cap.saturating_mul(2).saturating_add(HEAD_CAP) {
                return Err(HttpError::TooLarge(cap));
            }
        }
    }

    /// A body of `Content-Length: len` bytes.
    fn sized(
        &mut self,
        mut body_buf: Vec<u8>,
        len: usize,
        cap: usize,
    ) -> Result<Vec<u8>, HttpError> {
        if len > cap {
            return Err(HttpError::TooLarge(cap));
        }
        while body_buf.len() < len {
            if !self.fill(&mut body_buf)? {
                return Err(HttpError::Protocol(format!(
                    "the body ended after {} of {len} bytes",
                    body_buf.len()
                )));
            }
        }
        body_buf.truncate(len);
        Ok(body_buf)
    }

    /// A body that ends when the peer closes (we sent Connection: close).
    fn until_close(&mut self, mut body_buf: Vec<u8>, cap: usize) -> Result<Vec<u8>, HttpError> {
        loop {
            if body_buf.len() > cap {
                return Err(HttpError::TooLarge(cap));
            }
            if !self.fill(&mut body_buf)? {
                return Ok(body_buf);
            }
        }
    }
}

fn preview(buf: &[u8]) -> String {
    String::from_utf8_lossy(buf.get(..buf.len().min(60)).unwrap_or_default()).into_owned()
}

/// Incremental decoder of a chunked body.
#[derive(Debug, Default)]
struct Chunked {
    pos: usize,
    body: Vec<u8>,
    done: bool,
}

impl Chunked {
    /// Consumes the complete chunks in `buf[self.pos..]`.
    fn advance(&mut self, buf: &[u8], cap: usize) -> Result<(), HttpError> {
        while !self.done {
            let rest = buf.get(self.pos..).unwrap_or_default();
            match httparse::parse_chunk_size(rest) {
                Ok(httparse::Status::Complete((head, size))) => {
                    if size == 0 {
                        // Trailers, if any, are ignored: the body is complete.
                        self.done = true;
                        return Ok(());
                    }
                    let size = usize::try_from(size).unwrap_or(usize::MAX);
                    if size > cap || self.body.len() + size > cap {
                        return Err(HttpError::TooLarge(cap));
                    }
                    let end = head + size;
                    if rest.len() < end + 2 {
                        return Ok(());
                    }
                    if rest.get(end..end + 2) != Some(b"\r\n".as_slice()) {
                        return Err(HttpError::Protocol(
                            "a chunk is not followed by CRLF".into(),
                        ));
                    }
                    self.body
                        .extend_from_slice(rest.get(head..end).unwrap_or_default());
                    self.pos += end + 2;
                }
                Ok(httparse::Status::Partial) => return Ok(()),
                Err(_) => return Err(HttpError::Protocol("invalid chunk size".into())),
            }
        }
        Ok(())
    }
}

/// `GET path` whose body is read as a stream (an image's tar): the status and a reader that
/// decodes the body (sized, chunked or until close) and fails with `TimedOut` at `deadline`.
/// Only a 200 answer's body is streamed; any other status comes back as an error with the
/// engine's message.
pub fn stream(
    target: &Target,
    path: &str,
    deadline: Instant,
) -> Result<Box<dyn Read + Send>, HttpError> {
    match target {
        Target::Unix(sock) => {
            let s = UnixStream::connect(sock).map_err(connect_err)?;
            open_stream(s, "localhost", path, deadline)
        }
        Target::Tcp { host, port } => {
            let addr = (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(connect_err)?
                .next()
                .ok_or_else(|| HttpError::Protocol("no address for the host".into()))?;
            let s = TcpStream::connect_timeout(&addr, left(deadline)?).map_err(connect_err)?;
            open_stream(s, &format!("{host}:{port}"), path, deadline)
        }
        Target::CliOnly(why) => Err(HttpError::Protocol(format!(
            "{why}; only the docker CLI can reach it"
        ))),
    }
}

fn open_stream<S: Conn + Send + 'static>(
    stream: S,
    host: &str,
    path: &str,
    deadline: Instant,
) -> Result<Box<dyn Read + Send>, HttpError> {
    let (r, status, headers, rest) = send_head(stream, host, "GET", path, "", deadline)?;
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mode = if header("Transfer-Encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        Mode::Chunked {
            left: 0,
            first: true,
        }
    } else if let Some(len) = header("Content-Length") {
        Mode::Sized(
            len.parse()
                .map_err(|_| HttpError::Protocol(format!("bad Content-Length `{len}`")))?,
        )
    } else {
        Mode::Close
    };
    let mut body = Body {
        r,
        buf: rest,
        pos: 0,
        mode,
    };
    if status != 200 {
        let mut text = Vec::new();
        let _ = body.by_ref().take(64 * 1024).read_to_end(&mut text);
        let resp = Response {
            status,
            headers,
            body: text,
        };
        return Err(HttpError::Protocol(resp.error_message()));
    }
    Ok(Box::new(body))
}

/// How a streamed body ends.
enum Mode {
    Sized(u64),
    /// Bytes left in the current chunk; at 0 the chunk's CRLF (unless `first`) and the next
    /// chunk header come next.
    Chunked {
        left: u64,
        first: bool,
    },
    Close,
    Done,
}

/// A response body as a `Read`: the bytes read with the head first, then the socket.
struct Body<S> {
    r: Reader<S>,
    buf: Vec<u8>,
    pos: usize,
    mode: Mode,
}

fn stream_err(e: HttpError) -> io::Error {
    match e {
        HttpError::Timeout => io::Error::new(
            io::ErrorKind::TimedOut,
            "the image did not arrive before the timeout",
        ),
        e => io::Error::other(e.to_string()),
    }
}

impl<S: Conn> Body<S> {
    /// Makes at least `n` unread bytes available; false when the stream ends first.
    fn need(&mut self, n: usize) -> io::Result<bool> {
        if self.pos > 0 && self.pos >= self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        while self.buf.len() - self.pos < n {
            if self.pos > 64 * 1024 {
                self.buf.drain(..self.pos);
                self.pos = 0;
            }
            if !self.r.fill(&mut self.buf).map_err(stream_err)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The next chunk's size, after the CRLF that ends the previous chunk.
    fn next_chunk(&mut self, first: bool) -> io::Result<u64> {
        if !first {
            if !self.need(2)? || &self.buf[self.pos..self.pos + 2] != b"\r\n" {
                return Err(io::Error::other("a chunk is not followed by CRLF"));
            }
            self.pos += 2;
        }
        loop {
            match httparse::parse_chunk_size(&self.buf[self.pos..]) {
                Ok(httparse::Status::Complete((used, size))) => {
                    self.pos += used;
                    return Ok(size);
                }
                Ok(httparse::Status::Partial) => {
                    let have = self.buf.len() - self.pos;
                    if have > 1024 || !self.need(have + 1)? {
                        return Err(io::Error::other("the chunked body ended early"));
                    }
                }
                Err(_) => return Err(io::Error::other("invalid chunk size")),
            }
        }
    }
}

impl<S: Conn> Read for Body<S> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let want = match self.mode {
            Mode::Done | Mode::Sized(0) => return Ok(0),
            Mode::Sized(n) => n,
            Mode::Close => u64::MAX,
            Mode::Chunked { left: 0, first } => {
                let size = self.next_chunk(first)?;
                if size == 0 {
                    self.mode = Mode::Done;
                    return Ok(0);
                }
                self.mode = Mode::Chunked {
                    left: size,
                    first: false,
                };
                size
            }
            Mode::Chunked { left, .. } => left,
        };
        if !self.need(1)? {
            return match self.mode {
                Mode::Close => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the body ended early",
                )),
            };
        }
        let avail = &self.buf[self.pos..];
        let n = avail
            .len()
            .min(out.len())
            .min(usize::try_from(want).unwrap_or(usize::MAX));
        out[..n].copy_from_slice(&avail[..n]);
        self.pos += n;
        match &mut self.mode {
            Mode::Sized(left) | Mode::Chunked { left, .. } => *left -= n as u64,
            _ => {}
        }
        Ok(n)
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
        assert!(matches!(
            get(&t, "/_ping", T, 1024).unwrap_err(),
            HttpError::Protocol(_)
        ));
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
        let dir = tempfile::tempdir().unwrap();
        let t = serve(
            dir.path(),
            reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFF\r\n"),
        );
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
        assert!(req.contains("\r\nHost: localhost\r\n"));
        assert!(req.contains("\r\nConnection: close\r\n"));
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

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn chunk_decoder_never_panics(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let mut c = Chunked::default();
            let _ = c.advance(&data, 1000);
        }
    }
}
