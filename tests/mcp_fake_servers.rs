//! The mcp.* checks against small Rust servers on 127.0.0.1: misbehaving servers (silent,
//! garbage, endless SSE, 10 MB, closed mid-response, HTML) must each end as a clear fail or
//! unknown within the timeout, and well-behaved fakes pin down the wire exchange (session id,
//! protocol header, DELETE, paging, the 2026-07-28 fallback, JSON-RPC errors).

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{check, status, Sandbox};

/// One request as the fake saw it.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn rpc_method(&self) -> String {
        self.json()["method"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Req> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some(Req {
        method,
        path,
        headers,
        body,
    })
}

/// A fake server: every connection is handled on its own thread by `handle`, which gets the
/// parsed request and the stream. Requests are recorded.
struct Fake {
    port: u16,
    seen: Arc<Mutex<Vec<Req>>>,
}

impl Fake {
    fn start<F>(handle: F) -> Fake
    where
        F: Fn(&Req, &mut TcpStream) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handle = Arc::new(handle);
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let handle = handle.clone();
                let log = log.clone();
                std::thread::spawn(move || {
                    while let Some(req) = read_request(&mut stream) {
                        log.lock().unwrap().push(req.clone());
                        handle(&req, &mut stream);
                        if req.header("connection") == Some("close") {
                            break;
                        }
                    }
                });
            }
        });
        Fake { port, seen }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn seen(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

fn json_reply(stream: &mut TcpStream, v: &Value) {
    respond(
        stream,
        "200 OK",
        &[("Content-Type", "application/json")],
        v.to_string().as_bytes(),
    );
}

/// Runs the three mcp checks against a fake with a short timeout; returns the report,
/// the exit code and the wall time. Wall-time bounds below are loose (a loaded 2-core CI
/// machine starts processes slowly); the fakes themselves hold on for 30 s, so finishing
/// well before that, with the check's own "no reply within …" finding, shows the deadline.
fn run_against(fake: &Fake, timeout: &str) -> (Value, i32, Duration) {
    let sb = Sandbox::new();
    // The fakes announce themselves as `fake-finance`: this project's server, by name.
    sb.write(
        "project/environment.yml",
        "name: fake-finance\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    let started = Instant::now();
    let (report, code) = sb.json(&[
        "--timeout",
        timeout,
        "--mcp-url",
        &fake.url("/mcp"),
        "--health-url",
        &fake.url("/health"),
        "mcp.*",
    ]);
    (report, code, started.elapsed())
}

/// Another program holds the port: the step starts the server elsewhere through the
/// variable its code reads the port from (denis-kornilov/mcp-rag's `MCP_PORT`), on a port
/// nothing listens on, not through a guessed `PORT=8001`.
#[test]
fn a_held_port_is_moved_with_the_variable_the_code_reads() {
    let fake = Fake::start(|_req, stream| respond(stream, "404 Not Found", &[], b"nope"));
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: gw\nchannels: [conda-forge]\ndependencies: [python=3.12, mcp]\n",
    );
    sb.write(
        "project/server.py",
        "import os\nfrom mcp.server.fastmcp import FastMCP\nmcp = FastMCP('gw', port=int(os.getenv('MCP_PORT', '8000')))\nif __name__ == '__main__':\n    mcp.run(transport='streamable-http')\n",
    );
    let (report, _) = sb.json(&[
        "--mcp-url",
        &fake.url("/mcp"),
        "--health-url",
        &fake.url("/health"),
        "mcp.port",
    ]);
    let port = check(&report, "mcp.port");
    assert_eq!(port["status"], "fail", "{port:#}");
    let manual = port["fix"]["manual"].to_string();
    assert!(manual.contains("with `MCP_PORT="), "{manual}");
    assert!(!manual.contains("PORT=8001 or"), "{manual}");
}

fn summary<'a>(report: &'a Value, id: &str) -> &'a str {
    check(report, id)["summary"].as_str().unwrap_or_default()
}

#[test]
fn silent_server_is_unknown_within_the_timeout() {
    let fake = Fake::start(|_req, _stream| std::thread::sleep(Duration::from_secs(30)));
    let (report, code, took) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.health"), "unknown", "{report:#}");
    assert_eq!(status(&report, "mcp.handshake"), "unknown", "{report:#}");
    assert!(summary(&report, "mcp.handshake").contains("initialize"));
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // The port is held by this very test process, which is not the server command.
    assert_eq!(status(&report, "mcp.port"), "fail", "{report:#}");
    assert_eq!(
        check(&report, "mcp.port")["data"]["pid"],
        json!(std::process::id())
    );
    assert_eq!(code, 1);
}

#[test]
fn garbage_is_a_failure() {
    let fake = Fake::start(|_req, stream| {
        let _ = stream.write_all(b"\x00\x01\x02 this is not HTTP at all\r\n\r\n");
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let (report, _, took) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.health"), "fail", "{report:#}");
    assert_eq!(status(&report, "mcp.handshake"), "fail", "{report:#}");
    assert!(summary(&report, "mcp.handshake").contains("not valid HTTP"));
    assert!(took < Duration::from_secs(15));
}

#[test]
fn endless_sse_stream_is_bounded_by_the_timeout() {
    let fake = Fake::start(|_req, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n",
        );
        for _ in 0..600 {
            let chunk = b": keep-alive\r\n\r\nevent: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\r\n\r\n";
            if stream.write_all(chunk).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let (report, _, took) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.handshake"), "unknown", "{report:#}");
    assert!(
        summary(&report, "mcp.handshake").contains("no reply"),
        "{report:#}"
    );
    assert_eq!(status(&report, "mcp.health"), "unknown", "{report:#}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

#[test]
fn ten_megabytes_are_capped() {
    let fake = Fake::start(|_req, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n",
        );
        let chunk = vec![b' '; 65536];
        for _ in 0..160 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let (report, _, took) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.health"), "fail", "{report:#}");
    assert!(summary(&report, "mcp.health").contains("larger than 1024 KiB"));
    assert_eq!(status(&report, "mcp.handshake"), "fail", "{report:#}");
    assert!(
        summary(&report, "mcp.handshake").contains("cap"),
        "{report:#}"
    );
    assert!(took < Duration::from_secs(20));
}

#[test]
fn closing_mid_response_is_a_failure() {
    let fake = Fake::start(|_req, stream| {
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"res",
        );
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let (report, _, _) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.health"), "fail", "{report:#}");
    assert_eq!(status(&report, "mcp.handshake"), "fail", "{report:#}");
}

#[test]
fn html_is_not_mcp() {
    let fake = Fake::start(|_req, stream| {
        respond(
            stream,
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            b"<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome</h1></body></html>",
        )
    });
    let (report, code, _) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.health"), "warn", "{report:#}");
    assert!(summary(&report, "mcp.health").contains("HTML"));
    assert_eq!(status(&report, "mcp.handshake"), "fail", "{report:#}");
    let s = summary(&report, "mcp.handshake");
    assert!(
        s.contains("does not speak MCP") && s.contains("text/html"),
        "{s}"
    );
    assert!(s.contains("Welcome to nginx!"), "HTML reduced to text: {s}");
    assert_eq!(code, 1);
}

#[test]
fn health_status_codes_and_fields() {
    let fake = Fake::start(|req, stream| match req.path.as_str() {
        "/health" => json_reply(stream, &json!({"status": "degraded", "db": "down"})),
        "/broken" => respond(
            stream,
            "503 Service Unavailable",
            &[("Content-Type", "application/json")],
            br#"{"status":"down","error":"database connection refused"}"#,
        ),
        _ => respond(stream, "404 Not Found", &[], b"Not Found"),
    });
    let sb = Sandbox::new();
    let (report, _) = sb.json(&["--health-url", &fake.url("/health"), "mcp.health"]);
    assert_eq!(status(&report, "mcp.health"), "warn", "{report:#}");
    assert!(summary(&report, "mcp.health").contains("\"degraded\""));
    assert_eq!(check(&report, "mcp.health")["data"]["http_status"], 200);

    let (report, code) = sb.json(&["--health-url", &fake.url("/broken"), "mcp.health"]);
    assert_eq!(status(&report, "mcp.health"), "fail");
    assert!(summary(&report, "mcp.health").contains("503 Service Unavailable"));
    let details = check(&report, "mcp.health")["details"].to_string();
    assert!(details.contains("database connection refused"), "{details}");
    assert_eq!(code, 1);

    // 404 and no MCP either: a failure, not the "add a health route" warning.
    let (report, _) = sb.json(&[
        "--health-url",
        &fake.url("/nope"),
        "--mcp-url",
        &fake.url("/mcp"),
        "mcp.health",
    ]);
    assert_eq!(status(&report, "mcp.health"), "fail", "{report:#}");
}

/// A well-behaved 2025-11-25 server with a session, SSE replies, two tools/list pages.
fn good_server(session_id: &'static str) -> Fake {
    Fake::start(move |req, stream| {
        if req.path != "/mcp" {
            return respond(stream, "404 Not Found", &[], b"Not Found");
        }
        // DNS-rebinding protection, as the SDK applies it on 127.0.0.1.
        if !req
            .header("host")
            .is_some_and(|h| h.starts_with("127.0.0.1:"))
        {
            return respond(
                stream,
                "421 Misdirected Request",
                &[],
                b"Invalid Host header",
            );
        }
        if req.method == "DELETE" {
            return respond(stream, "200 OK", &[], b"");
        }
        if req.method != "POST" {
            return respond(stream, "405 Method Not Allowed", &[], b"");
        }
        let msg = req.json();
        let id = msg["id"].clone();
        let result = match req.rpc_method().as_str() {
            "initialize" => json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {"tools": {"listChanged": false}},
                "serverInfo": {"name": "fake-finance", "version": "0.9.1"}
            }),
            "notifications/initialized" => return respond(stream, "202 Accepted", &[], b""),
            "ping" => json!({}),
            "tools/list" => match msg["params"]["cursor"].as_str() {
                None => json!({"tools": [{"name": "a"}, {"name": "b"}], "nextCursor": "p2"}),
                Some("p2") => json!({"tools": [{"name": "c"}]}),
                Some(_) => json!({"tools": []}),
            },
            _ => return respond(stream, "400 Bad Request", &[], b""),
        };
        let event = format!(
            "event: message\r\ndata: {}\r\n\r\n",
            json!({"jsonrpc": "2.0", "id": id, "result": result})
        );
        respond(
            stream,
            "200 OK",
            &[
                ("Content-Type", "text/event-stream"),
                ("mcp-session-id", session_id),
            ],
            event.as_bytes(),
        );
    })
}

#[test]
fn wire_exchange_follows_the_spec() {
    let fake = good_server("5e55104abc");
    let (report, code, _) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.handshake"), "ok", "{report:#}");
    let data = &check(&report, "mcp.handshake")["data"];
    assert_eq!(data["server_name"], "fake-finance");
    assert_eq!(data["server_version"], "0.9.1");
    assert_eq!(data["protocol_version"], "2025-06-18");
    assert_eq!(data["tools"], 3);
    assert_eq!(data["tool_pages"], 2);
    assert_eq!(data["session"], "deleted");
    assert!(data["latency_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(code, 0, "a missing /health route is only a warning");

    let (foreign, mcp): (Vec<Req>, Vec<Req>) = fake
        .seen()
        .into_iter()
        .filter(|r| r.path == "/mcp")
        .partition(|r| r.header("origin").is_some());
    // mcp.origin's one request from a foreign site, refused by the server (421).
    assert_eq!(foreign.len(), 1, "{foreign:?}");
    assert_eq!(foreign[0].header("origin"), Some("http://attacker.invalid"));
    assert!(foreign[0]
        .header("host")
        .unwrap()
        .starts_with("attacker.invalid:"));
    assert_eq!(status(&report, "mcp.origin"), "ok", "{report:#}");
    let methods: Vec<String> = mcp
        .iter()
        .map(|r| {
            if r.method == "DELETE" {
                "DELETE".into()
            } else {
                r.rpc_method()
            }
        })
        .collect();
    assert_eq!(
        methods,
        [
            "initialize",
            "notifications/initialized",
            "ping",
            "tools/list",
            "tools/list",
            "DELETE"
        ]
    );
    let init = &mcp[0];
    assert_eq!(init.json()["params"]["protocolVersion"], "2025-11-25");
    assert_eq!(init.json()["params"]["clientInfo"]["name"], "devdoctor");
    assert_eq!(
        init.header("accept"),
        Some("application/json, text/event-stream")
    );
    assert_eq!(init.header("content-type"), Some("application/json"));
    assert_eq!(init.header("mcp-session-id"), None);
    assert_eq!(init.header("origin"), None, "no Origin header is sent");
    for later in &mcp[1..] {
        assert_eq!(
            later.header("mcp-session-id"),
            Some("5e55104abc"),
            "{later:?}"
        );
        assert_eq!(later.header("mcp-protocol-version"), Some("2025-06-18"));
    }
    assert_eq!(mcp[4].json()["params"]["cursor"], "p2");
}

#[test]
fn health_404_with_working_mcp_is_a_warning() {
    let fake = good_server("abc");
    let (report, _, _) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.health"), "warn", "{report:#}");
    assert!(summary(&report, "mcp.health").contains("no health route"));
    let fix = check(&report, "mcp.health")["fix"].to_string();
    // The project has no server code to name: the fix says where in words.
    assert!(
        fix.contains(
            "in the file that creates the server, with the official SDK: @mcp.custom_route"
        ),
        "{fix}"
    );
    assert!(!fix.contains("pip"), "{fix}");
    assert_eq!(status(&report, "mcp.port"), "ok", "{report:#}");
}

/// The route's fix names the file that creates the server and the variable that holds it.
#[test]
fn the_health_route_fix_names_the_servers_file_and_variable() {
    let fake = good_server("abc");
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: fake-finance\nchannels: [conda-forge]\ndependencies: [python=3.12, mcp]\n",
    );
    sb.write(
        "project/finance_server.py",
        "from mcp.server.fastmcp import FastMCP\nfinance = FastMCP('fake-finance')\nif __name__ == '__main__':\n    finance.run(transport='streamable-http')\n",
    );
    let (report, _) = sb.json(&[
        "--mcp-url",
        &fake.url("/mcp"),
        "--health-url",
        &fake.url("/health"),
        "mcp.health",
    ]);
    let fix = check(&report, "mcp.health")["fix"].to_string();
    assert!(
        fix.contains("in finance_server.py, with the official SDK: @finance.custom_route"),
        "{fix}"
    );
}

#[test]
fn a_port_served_by_another_projects_server_is_a_warning() {
    let fake = good_server("abc");
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: weather-tools\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    let (report, _) = sb.json(&["--mcp-url", &fake.url("/mcp"), "mcp.port"]);
    let c = check(&report, "mcp.port");
    // The fake runs inside this test process, whose folder is not the sandbox project.
    assert_eq!(c["status"], "warn", "{c:#}");
    let s = c["summary"].as_str().unwrap();
    assert!(
        s.contains("fake-finance") && s.contains("another project's server"),
        "{s}"
    );
    assert_eq!(c["data"]["pid"], std::process::id());
}

#[test]
fn json_rpc_errors_carry_code_and_message() {
    let fake = Fake::start(|req, stream| {
        let id = req.json()["id"].clone();
        json_reply(
            stream,
            &json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": "database pool exhausted"}}),
        )
    });
    let (report, _, _) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.handshake"), "fail");
    let s = summary(&report, "mcp.handshake");
    assert!(
        s.contains("initialize") && s.contains("-32603") && s.contains("database pool exhausted"),
        "{s}"
    );
}

#[test]
fn unknown_protocol_version_is_refused() {
    let fake = Fake::start(|req, stream| {
        let id = req.json()["id"].clone();
        json_reply(
            stream,
            &json!({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2099-01-01", "capabilities": {}, "serverInfo": {"name": "future"}}}),
        )
    });
    let (report, _, _) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.handshake"), "fail");
    assert!(summary(&report, "mcp.handshake").contains("2099-01-01"));
}

#[test]
fn endless_paging_stops_after_a_bound() {
    let fake = Fake::start(|req, stream| {
        let msg = req.json();
        let id = msg["id"].clone();
        let result = match req.rpc_method().as_str() {
            "initialize" => {
                json!({"protocolVersion": "2025-11-25", "capabilities": {"tools": {}}, "serverInfo": {"name": "pager", "version": "1"}})
            }
            "notifications/initialized" => return respond(stream, "202 Accepted", &[], b""),
            "tools/list" => {
                let n: u64 = msg["params"]["cursor"]
                    .as_str()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                json!({"tools": [{"name": format!("t{n}")}], "nextCursor": (n + 1).to_string()})
            }
            _ => json!({}),
        };
        json_reply(
            stream,
            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
        );
    });
    let (report, _, took) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.handshake"), "ok", "{report:#}");
    assert_eq!(check(&report, "mcp.handshake")["data"]["tools"], 20);
    assert!(check(&report, "mcp.handshake")["details"]
        .to_string()
        .contains("more than 20 pages"));
    assert!(took < Duration::from_secs(20));
}

/// A server whose tool list raises (SIL0RAK/mcp-server-template's middleware returned an
/// un-awaited coroutine) answered `initialize` with its name: mcp.port does not call it
/// another program nor offer to kill it; mcp.handshake reports the failure.
#[test]
fn a_server_that_fails_after_initialize_is_not_another_program() {
    let fake = Fake::start(|req, stream| {
        let msg = req.json();
        let id = msg["id"].clone();
        let reply = match req.rpc_method().as_str() {
            "initialize" => {
                json!({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}, "serverInfo": {"name": "vector-db", "version": "1.9.4"}}})
            }
            "notifications/initialized" => return respond(stream, "202 Accepted", &[], b""),
            "tools/list" => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": "'coroutine' object is not iterable"}})
            }
            _ => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
        };
        json_reply(stream, &reply);
    });
    let (report, _, _) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.handshake"), "fail", "{report:#}");
    let port = check(&report, "mcp.port");
    assert_eq!(port["status"], "warn", "{port:#}");
    let said = port["summary"].as_str().unwrap();
    assert!(
        said.contains("held by the MCP server vector-db 1.9.4")
            && said.contains("see mcp.handshake"),
        "{said}"
    );
    assert!(port["fix"].is_null(), "{port:#}");
}

/// A server of the stateless 2026-07-28 revision only (no initialize).
#[test]
fn stateless_2026_server_is_reached_with_server_discover() {
    let fake = Fake::start(|req, stream| {
        let msg = req.json();
        let id = msg["id"].clone();
        let Some(method) = req.header("mcp-method") else {
            return respond(
                stream,
                "400 Bad Request",
                &[("Content-Type", "application/json")],
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32020, "message": "Missing Mcp-Method header"}})
                    .to_string()
                    .as_bytes(),
            );
        };
        assert_eq!(req.header("mcp-protocol-version"), Some("2026-07-28"));
        assert_eq!(
            msg["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"],
            "2026-07-28"
        );
        let result = match method {
            "server/discover" => json!({
                "supportedVersions": ["2026-07-28"],
                "capabilities": {"tools": {"listChanged": true}},
                "resultType": "complete", "ttlMs": 0, "cacheScope": "private",
                "_meta": {"io.modelcontextprotocol/serverInfo": {"name": "modern", "version": "2.0"}}
            }),
            "tools/list" => {
                json!({"tools": [{"name": "x"}, {"name": "y"}, {"name": "z"}], "resultType": "complete"})
            }
            _ => json!({}),
        };
        json_reply(
            stream,
            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
        );
    });
    let (report, _, _) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.handshake"), "ok", "{report:#}");
    let data = &check(&report, "mcp.handshake")["data"];
    assert_eq!(data["protocol_version"], "2026-07-28");
    assert_eq!(data["server_name"], "modern");
    assert_eq!(data["tools"], 3);
    assert_eq!(data["transport"], "streamable-http (stateless)");
}

#[test]
fn off_host_redirect_is_reported_not_followed() {
    let fake = Fake::start(|_req, stream| {
        respond(
            stream,
            "302 Found",
            &[("Location", "http://203.0.113.7:8000/health")],
            b"",
        )
    });
    let (report, _, _) = run_against(&fake, "2");
    assert_eq!(status(&report, "mcp.health"), "fail");
    let s = summary(&report, "mcp.health");
    assert!(
        s.contains("203.0.113.7") && s.contains("not followed"),
        "{s}"
    );
    // Only our fake was ever asked.
    assert!(fake
        .seen()
        .iter()
        .all(|r| r.path == "/health" || r.path.starts_with("/mcp") || r.path.ends_with("sse")));
}

#[test]
fn credentials_in_urls_are_used_but_never_printed() {
    let fake = Fake::start(|req, stream| match req.header("authorization") {
        Some("Basic YWxpY2U6czNjcmV0") => json_reply(stream, &json!({"status": "ok"})),
        _ => respond(
            stream,
            "401 Unauthorized",
            &[("WWW-Authenticate", "Basic")],
            b"",
        ),
    });
    let sb = Sandbox::new();
    let url = format!(
        "http://alice:s3cret@127.0.0.1:{}/health?token=t0psecret",
        fake.port
    );
    for format in [&["--json"][..], &[][..]] {
        let mut args = format.to_vec();
        args.extend(["-v", "--health-url", url.as_str(), "mcp.health"]);
        let out = sb.run(&args);
        let text = support::stdout(&out) + &support::stderr(&out);
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!text.contains("alice"), "{text}");
        assert!(!text.contains("t0psecret"), "{text}");
        assert_eq!(out.status.code(), Some(0), "{text}");
    }
}

#[test]
fn nothing_listening_points_at_the_port_check() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: mcp-finance-backend\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    let (report, code) = sb.json(&[
        "--mcp-url",
        &format!("http://127.0.0.1:{port}/mcp"),
        "--health-url",
        &format!("http://localhost:{port}/health"),
        "mcp.*",
    ]);
    assert_eq!(code, 1);
    // One cause, one failure: the other two skip and point at mcp.port.
    for id in ["mcp.health", "mcp.handshake"] {
        assert_eq!(status(&report, id), "skip");
        assert!(summary(&report, id).contains("connection refused"));
        assert!(summary(&report, id).contains("(see mcp.port)"));
    }
    assert_eq!(status(&report, "mcp.port"), "fail");
    assert!(summary(&report, "mcp.port").contains("nothing listens"));
    // No start command in the project: the fix says so instead of naming a file that is not there.
    let fix = &check(&report, "mcp.port")["fix"];
    assert!(
        fix["manual"][0]
            .as_str()
            .unwrap()
            .contains("no start command"),
        "{fix:#}"
    );
    sb.write("project/main.py", "print('server')\n");
    let (report, _) = sb.json(&[
        "--mcp-url",
        &format!("http://127.0.0.1:{port}/mcp"),
        "mcp.*",
    ]);
    let fix = &check(&report, "mcp.port")["fix"];
    let manual = fix["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with("micromamba run -n mcp-finance-backend --cwd ")
            && manual.ends_with(" python main.py"),
        "{manual}"
    );
    assert_eq!(
        fix["commands"],
        json!([]),
        "devdoctor fix must not run a server"
    );
    let why = fix["why"].as_str().unwrap();
    assert!(
        why.contains("shell init") && why.contains("activate"),
        "{why}"
    );
}

#[test]
fn closed_reply_stream_is_resumed_with_last_event_id() {
    let fake = Fake::start(|req, stream| {
        if req.path != "/mcp" {
            return respond(stream, "404 Not Found", &[], b"");
        }
        let sse = |stream: &mut TcpStream, body: String| {
            respond(
                stream,
                "200 OK",
                &[
                    ("Content-Type", "text/event-stream"),
                    ("mcp-session-id", "s1"),
                ],
                body.as_bytes(),
            )
        };
        if req.method == "GET" {
            assert_eq!(req.header("last-event-id"), Some("prime-1"));
            assert_eq!(req.header("mcp-session-id"), Some("s1"));
            let reply = json!({"jsonrpc": "2.0", "id": 1, "result": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "serverInfo": {"name": "resumable", "version": "1"}}});
            return sse(
                stream,
                format!("id: ev-2\r\nevent: message\r\ndata: {reply}\r\n\r\n"),
            );
        }
        let msg = req.json();
        match req.rpc_method().as_str() {
            // The 2025-11-25 priming event, then the server drops the stream.
            "initialize" => sse(stream, "id: prime-1\r\nretry: 50\r\ndata:\r\n\r\n".into()),
            "notifications/initialized" => respond(stream, "202 Accepted", &[], b""),
            _ => json_reply(
                stream,
                &json!({"jsonrpc": "2.0", "id": msg["id"], "result": {}}),
            ),
        }
    });
    let (report, _, _) = run_against(&fake, "5");
    assert_eq!(status(&report, "mcp.handshake"), "ok", "{report:#}");
    assert_eq!(
        check(&report, "mcp.handshake")["data"]["server_name"],
        "resumable"
    );
    assert!(fake
        .seen()
        .iter()
        .any(|r| r.method == "GET" && r.header("last-event-id") == Some("prime-1")));
}

#[test]
fn server_on_another_loopback_address_is_a_near_miss() {
    // Listens on 127.0.0.1 only, while the URL says [::1].
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let sb = Sandbox::new();
    let (report, code) = sb.json(&[
        "--timeout",
        "2",
        "--mcp-url",
        &format!("http://[::1]:{port}/mcp"),
        "mcp.port",
    ]);
    assert_eq!(status(&report, "mcp.port"), "fail", "{report:#}");
    let s = summary(&report, "mcp.port");
    assert!(
        s.contains(&format!("127.0.0.1:{port}")) && s.contains("does not reach"),
        "{s}"
    );
    let fix = check(&report, "mcp.port")["fix"].to_string();
    assert!(
        fix.contains(&format!("--mcp-url http://127.0.0.1:{port}/mcp")),
        "{fix}"
    );
    assert_eq!(code, 1);
    drop(listener);
}

/// Whether this machine can make a network namespace of its own (`unshare -rn`) with `ip`.
fn netns() -> bool {
    let ok = std::process::Command::new("unshare")
        .args(["-rn", "ip", "link", "set", "lo", "up"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    support::e2e_available("a network namespace (unshare -rn) with `ip`", ok)
}

/// mcp.auth against a server on a non-loopback address, inside a network namespace where no
/// packet can leave the machine: protected (ok), 401 without WWW-Authenticate (fail), and
/// open to anyone (fail).
#[test]
fn remote_server_authorization_inside_a_network_namespace() {
    if !netns() {
        return;
    }
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp/auth_server.py");
    let home = tempfile::tempdir().unwrap();
    let run = |mode: &str| -> Value {
        let sh = format!(
            "ip link set lo up && ip addr add 10.255.0.1/32 dev lo || exit 90\n\
             python3 '{}' --host 10.255.0.1 --port 8080 --mode {mode} & pid=$!\n\
             i=0; until python3 -c \"import socket; socket.create_connection(('10.255.0.1', 8080), 0.2)\" 2>/dev/null; do i=$((i+1)); [ $i -gt 100 ] && exit 91; sleep 0.1; done\n\
             '{}' --format json --allow-remote --timeout 10 --mcp-url http://10.255.0.1:8080/mcp mcp.auth mcp.handshake\n\
             kill $pid",
            script.display(),
            env!("CARGO_BIN_EXE_devdoctor")
        );
        let out = std::process::Command::new("unshare")
            .args(["-rn", "sh", "-c", &sh])
            .env_clear()
            .env("HOME", home.path())
            .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
            .env("DEVDOCTOR_TRUST", "0")
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{mode}: {e}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
    };
    let protected = run("protected");
    let c = check(&protected, "mcp.auth");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("auth.example.invalid"),
        "{c:#}"
    );
    let bare = run("bare401");
    let c = check(&bare, "mcp.auth");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("without WWW-Authenticate"),
        "{c:#}"
    );
    let open = run("open");
    assert_eq!(status(&open, "mcp.handshake"), "ok", "{open:#}");
    let c = check(&open, "mcp.auth");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("without any authorization"),
        "{c:#}"
    );
}
