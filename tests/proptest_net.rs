//! Property tests and pathological inputs for what comes off the network: URLs given on the
//! command line (parsing, joining redirects, redaction of userinfo and secret query values), HTTP
//! bodies turned into excerpts, Server-Sent Events streams, the `/proc/net/tcp` tables, and whole
//! MCP exchanges against a loopback server that answers every request with generated HTTP and
//! JSON-RPC (good, wrong, truncated or garbage). Nothing may panic, hang past the budget, or
//! print the URL's password.

use devdoctor::probes::http::{self, Target};
use devdoctor::probes::mcp::{self, sockets, sse};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MIB: usize = 1024 * 1024;
const SECRET: &str = "s3cr3tPW";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 500,
        // Failures are kept as named regression tests in these files, not in side files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn url_like() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just("http"),
            Just("https"),
            Just("HTTP"),
            Just("ftp"),
            Just("")
        ],
        prop_oneof![Just("://"), Just(":/"), Just("")],
        proptest::option::of("[a-z]{0,6}(:[a-zA-Z0-9@:%]{0,8})?"),
        prop_oneof![
            Just("127.0.0.1".to_string()),
            Just("[::1]".to_string()),
            Just("localhost".to_string()),
            Just("a.localhost.".to_string()),
            Just("[::ffff:127.0.0.2]".to_string()),
            Just("example.com".to_string()),
            Just("10.0.0.1".to_string()),
            Just("[".to_string()),
            "\\PC{0,12}",
        ],
        proptest::option::of(prop_oneof![
            Just("0".to_string()),
            Just("65535".to_string()),
            Just("65536".to_string()),
            Just("".to_string()),
            "[0-9a-z]{1,6}"
        ]),
        "(/[a-z%?&=#@:;]{0,8}){0,3}",
        proptest::option::of(
            "(token|key|api_key|x|password)=[a-z0-9]{0,8}(&[a-z]{1,5}=[a-z0-9]{0,5}){0,2}",
        ),
    )
        .prop_map(|(scheme, sep, user, host, port, path, query)| {
            let mut u = format!("{scheme}{sep}");
            if let Some(user) = user {
                u.push_str(&user);
                u.push('@');
            }
            u.push_str(&host);
            if let Some(p) = port {
                u.push(':');
                u.push_str(&p);
            }
            u.push_str(&path);
            if let Some(q) = query {
                u.push('?');
                u.push_str(&q);
            }
            u
        })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn urls_parse_or_explain(url in prop_oneof![url_like(), "\\PC{0,80}"]) {
        match Target::parse(&url) {
            Ok(t) => {
                prop_assert!(t.path.starts_with('/'), "{:?}", t.path);
                let shown = t.display();
                let again = Target::parse(&t.url()).expect("a parsed URL prints as a parsable one");
                prop_assert_eq!(&again.host, &t.host);
                prop_assert_eq!(again.port, t.port);
                let _ = t.kind();
                let _ = t.loopback_addrs();
                let _ = t.join("/elsewhere");
                let _ = t.join(&url);
                let _ = shown;
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        let _ = http::host_kind(&url);
    }

    #[test]
    fn redaction_hides_the_password_and_secret_query_values(
        user in "[a-z]{1,8}",
        host in prop_oneof![Just("127.0.0.1"), Just("localhost"), Just("[::1]"), Just("example.com")],
        path in "(/[a-z]{1,6}){0,3}",
        key in prop_oneof![Just("token"), Just("api_key"), Just("Password"), Just("sig"), Just("X-Auth")],
        tail in "\\PC{0,20}",
    ) {
        let url = format!("http://{user}:{SECRET}@{host}:8000{path}?{key}=q{SECRET}&page=2#frag{tail}");
        let shown = http::redact(&url);
        prop_assert!(!shown.contains(SECRET), "{shown}");
        prop_assert!(shown.contains("page=2"), "{shown}");
        if let Ok(t) = Target::parse(&url) {
            prop_assert!(!t.display().contains(SECRET), "{}", t.display());
        }
        // Redaction works on text that is not a URL too.
        let _ = http::redact(&tail);
    }

    #[test]
    fn body_excerpts(bytes in proptest::collection::vec(any::<u8>(), 0..2048), max in 0usize..200, media in proptest::option::of("\\PC{0,30}")) {
        let e = devdoctor::policy::text::excerpt(&bytes, max);
        prop_assert!(e.chars().count() <= max + 1, "{} > {max}", e.chars().count());
        prop_assert!(!e.chars().any(char::is_control), "{e:?}");
        let b = http::body_excerpt(&bytes, media.as_deref(), max);
        prop_assert!(b.chars().count() <= max + 1);
        prop_assert!(!b.chars().any(char::is_control), "{b:?}");
        if let Some(m) = &media {
            let t = http::media_type(m);
            prop_assert_eq!(t.clone(), t.to_ascii_lowercase());
        }
    }

    #[test]
    fn sse_streams_arbitrary(bytes in proptest::collection::vec(any::<u8>(), 0..4096), split in 0usize..4096, cap in 1usize..512) {
        let mut p = sse::Parser::new(cap);
        let split = split.min(bytes.len());
        let mut events = Vec::new();
        for part in [&bytes[..split], &bytes[split..]] {
            match p.feed(part) {
                Ok(evs) => events.extend(evs),
                Err(sse::LineTooLong(n)) => {
                    prop_assert_eq!(n, cap);
                    return Ok(());
                }
            }
        }
        events.extend(p.finish());
        for e in &events {
            prop_assert!(!e.event.is_empty());
        }
    }

    #[test]
    fn sse_streams_structured(
        events in proptest::collection::vec((
            proptest::option::of("[a-z]{1,8}"),
            proptest::collection::vec("[^\r\n]{0,30}", 1..4),
            proptest::option::of("[0-9]{1,4}"),
            prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
            proptest::collection::vec(prop_oneof![Just(": keep-alive"), Just("retry: 100"), Just("retry: x"), Just("unknown: y")], 0..3),
        ), 0..6),
        chunk in 1usize..17,
    ) {
        let mut text = String::new();
        for (name, data, id, eol, noise) in &events {
            for n in noise { text.push_str(n); text.push_str(eol); }
            if let Some(n) = name { text.push_str(&format!("event: {n}{eol}")); }
            if let Some(i) = id { text.push_str(&format!("id: {i}{eol}")); }
            for d in data { text.push_str(&format!("data: {d}{eol}")); }
            text.push_str(eol);
        }
        let mut p = sse::Parser::new(MIB);
        let mut got = Vec::new();
        for part in text.as_bytes().chunks(chunk) {
            got.extend(p.feed(part).expect("lines are short"));
        }
        got.extend(p.finish());
        prop_assert_eq!(got.len(), events.len());
        for (g, (name, data, id, _, _)) in got.iter().zip(&events) {
            prop_assert_eq!(&g.event, name.as_deref().unwrap_or("message"));
            prop_assert_eq!(&g.data, &data.join("\n"));
            if let Some(i) = id {
                prop_assert_eq!(g.id.as_deref(), Some(i.as_str()));
            }
        }
    }

    #[test]
    fn proc_net_tables(text in "\\PC{0,2048}") {
        let listeners = sockets::parse_table(&text);
        prop_assert!(listeners.len() <= text.lines().count());
    }
}

#[test]
fn sse_long_lines_and_endless_data_are_bounded() {
    // A 1 MiB line under a 64 KiB cap stops with LineTooLong, fed at once or byte by byte.
    let line = format!("data: {}\n\n", "x".repeat(MIB));
    let mut p = sse::Parser::new(64 * 1024);
    assert_eq!(p.feed(line.as_bytes()), Err(sse::LineTooLong(64 * 1024)));
    let mut p = sse::Parser::new(64 * 1024);
    let mut stopped = false;
    for b in line.as_bytes().chunks(1) {
        if p.feed(b).is_err() {
            stopped = true;
            break;
        }
    }
    assert!(stopped);
    // The same line under a 2 MiB cap is one event.
    let mut p = sse::Parser::new(2 * MIB);
    let evs = p.feed(line.as_bytes()).unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].data.len(), MIB);
    // 100k short data lines of one event: joined linearly.
    let many = "data: ab\n".repeat(100_000) + "\n";
    let evs = sse::Parser::new(1024).feed(many.as_bytes()).unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].data.len(), 100_000 * 3 - 1);
}

#[test]
fn long_urls_and_tables() {
    let long = "a".repeat(MIB);
    let url = format!("http://u:{SECRET}@127.0.0.1:8000/{long}?token={SECRET}{long}");
    let shown = http::redact(&url);
    assert!(!shown.contains(SECRET));
    assert!(
        shown.len() > MIB && shown.ends_with("?token=***"),
        "{}",
        &shown[shown.len() - 20..]
    );
    // Too long for a URI: refused with a reason that does not carry the password either.
    match Target::parse(&url) {
        Ok(t) => assert!(!t.display().contains(SECRET)),
        Err(e) => assert!(!e.to_string().contains(SECRET)),
    }
    let _ = Target::parse(&format!("http://{long}"));
    assert_eq!(
        devdoctor::policy::text::excerpt(long.as_bytes(), 100)
            .chars()
            .count(),
        101
    );
    let html = format!("<html>{}</html>", "<b>x</b>".repeat(MIB / 8));
    assert!(
        http::body_excerpt(html.as_bytes(), None, 50)
            .chars()
            .count()
            <= 51
    );
    assert!(sockets::parse_table(&long).is_empty());
    let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".to_string()
        + &"  0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n".repeat(20_000);
    assert_eq!(sockets::parse_table(&table).len(), 20_000);
}

// --- Whole MCP exchanges against a generated loopback server ----------------------------------

/// One canned answer: status, headers, body. `echo_id` puts the request's JSON-RPC id into
/// the body (replacing `"ID"`), so the exchange can get past initialize.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: Vec<String>,
    body: Vec<u8>,
    echo_id: bool,
}

fn json_rpc_result() -> impl Strategy<Value = serde_json::Value> {
    (
        prop_oneof![
            Just(serde_json::json!("2025-06-18")),
            Just(serde_json::json!("2024-11-05")),
            Just(serde_json::json!("2026-07-28")),
            Just(serde_json::json!("1999-01-01")),
            Just(serde_json::json!(42)),
            Just(serde_json::Value::Null),
        ],
        prop_oneof![
            Just(serde_json::json!({"tools": {}})),
            Just(serde_json::json!({})),
            Just(serde_json::json!([])),
            Just(serde_json::json!("tools")),
        ],
        prop_oneof![
            Just(serde_json::json!({"name": "fake", "version": "1.0"})),
            Just(serde_json::json!({"name": "\u{1b}[31mred\u{7}", "version": 5})),
            Just(serde_json::json!(null)),
        ],
        proptest::collection::vec(
            prop_oneof![
                "[a-z_]{1,10}".prop_map(|n| serde_json::json!({"name": n})),
                Just(serde_json::json!({"name": 7})),
                Just(serde_json::json!("bare")),
            ],
            0..4,
        ),
        proptest::option::of(prop_oneof![
            Just(serde_json::json!("next")),
            Just(serde_json::json!(3))
        ]),
        proptest::option::of(proptest::collection::vec(
            prop_oneof![Just("2026-07-28"), Just("2025-06-18")],
            0..3,
        )),
    )
        .prop_map(|(version, caps, info, tools, cursor, supported)| {
            let mut v = serde_json::json!({
                "protocolVersion": version,
                "capabilities": caps,
                "serverInfo": info,
                "tools": tools,
            });
            if let Some(c) = cursor {
                v["nextCursor"] = c;
            }
            if let Some(s) = supported {
                v["supportedVersions"] = serde_json::json!(s);
            }
            v
        })
}

fn answer() -> impl Strategy<Value = Answer> {
    let body = prop_oneof![
        json_rpc_result().prop_map(|r| serde_json::json!({"jsonrpc": "2.0", "id": "ID", "result": r}).to_string()),
        (any::<i32>(), "\\PC{0,20}").prop_map(|(code, msg)| serde_json::json!({"jsonrpc": "2.0", "id": "ID", "error": {"code": code, "message": msg}}).to_string()),
        Just(r#"{"jsonrpc":"2.0","id":"ID","error":{"code":-32021,"message":"use server/discover"}}"#.to_string()),
        Just(r#"[{"jsonrpc":"2.0","method":"notifications/message"},{"jsonrpc":"2.0","id":"ID","result":{}}]"#.to_string()),
        Just("<html><body>Welcome</body></html>".to_string()),
        Just("event: endpoint\ndata: /messages?session_id=1\n\n".to_string()),
        Just("event: endpoint\ndata: http://evil.example.com/x\n\n".to_string()),
        "\\PC{0,100}",
    ];
    (
        prop_oneof![
            Just(200u16),
            Just(202),
            Just(400),
            Just(401),
            Just(404),
            Just(405),
            Just(500),
            Just(302)
        ],
        proptest::collection::vec(
            prop_oneof![
                Just("Content-Type: application/json".to_string()),
                Just("Content-Type: text/event-stream".to_string()),
                Just("Content-Type: text/html; charset=utf-8".to_string()),
                Just("Mcp-Session-Id: abc123".to_string()),
                Just("Mcp-Session-Id: \u{7f}bad".to_string()),
                Just("Location: /mcp/".to_string()),
                Just("Location: http://example.com/".to_string()),
                Just("WWW-Authenticate: Bearer realm=x".to_string()),
            ],
            0..4,
        ),
        body,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(status, headers, body, sse, echo_id)| {
            let body = if sse && !body.starts_with("event:") {
                format!(": noise\n\nevent: message\ndata: {body}\n\n")
            } else {
                body
            };
            Answer {
                status,
                headers,
                body: body.into_bytes(),
                echo_id,
            }
        })
}

/// Reads one HTTP request (head + Content-Length body); returns its JSON-RPC id, if any.
fn read_request(s: &mut TcpStream) -> Option<serde_json::Value> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = buf.get(head_end..).unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("id").cloned())
}

/// A loopback server answering the n-th request with `answers[n % len]`, until stopped.
struct FakeServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeServer {
    fn start(answers: Vec<Answer>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut n = 0;
            while !flag.load(Ordering::Relaxed) {
                let Ok((mut s, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                };
                let _ = s.set_nonblocking(false);
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let id = read_request(&mut s);
                let a = &answers[n % answers.len()];
                n += 1;
                let mut body = a.body.clone();
                if a.echo_id {
                    let id = id.map(|v| v.to_string()).unwrap_or_else(|| "null".into());
                    body = String::from_utf8_lossy(&body)
                        .replace("\"ID\"", &id)
                        .into_bytes();
                }
                let mut out = format!(
                    "HTTP/1.1 {} X\r\nConnection: close\r\nContent-Length: {}\r\n",
                    a.status,
                    body.len()
                );
                for h in &a.headers {
                    out.push_str(h);
                    out.push_str("\r\n");
                }
                out.push_str("\r\n");
                let _ = s.write_all(out.as_bytes());
                let _ = s.write_all(&body);
            }
        });
        FakeServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn mcp_exchanges_against_generated_servers(answers in proptest::collection::vec(answer(), 1..6)) {
        let server = FakeServer::start(answers);
        let url = format!("http://devdoctor:{SECRET}@127.0.0.1:{}/mcp", server.port);
        let budget = Duration::from_secs(3);
        let started = Instant::now();
        let result = mcp::run_handshake(&url, budget, false);
        let took = started.elapsed();
        prop_assert!(took < budget + Duration::from_millis(500), "took {took:?}");
        let text = match &result {
            Ok(hs) => {
                prop_assert!(hs.tool_pages <= mcp::MAX_TOOL_PAGES + 1);
                format!("{} {} {} {} {:?} {:?} {:?}", hs.url, hs.server_name, hs.server_version,
                    hs.protocol_version, hs.sse_endpoint, hs.notes, hs.tools)
            }
            Err(f) => format!("{} {} {:?} {:?} {:?}", f.url, f.step, f.kind, f.server, f.tried),
        };
        prop_assert!(!text.contains(SECRET), "the URL's password leaked: {text}");
    }
}
