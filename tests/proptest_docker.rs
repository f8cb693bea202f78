//! Property tests and pathological inputs for the Docker-side parsers: Dockerfile (and its word,
//! key=value and variable expansion helpers), image references, compose files and port specs,
//! the engine API's JSON, its HTTP/1.1 answers over a unix socket, `docker` CLI output, `ls -lan`
//! output and trivy's JSON report. Dockerfiles and compose files come from the project (a cloned
//! repository), the rest from tools and sockets: none may panic, overflow the stack, allocate
//! without bound or go quadratic on a long line.

use devdoctor::probes::compose;
use devdoctor::probes::docker::{api, cli, endpoint, http, run, trivy, valid_reference, Target};
use devdoctor::probes::dockerfile::{self, Dockerfile, ImageRef};
use proptest::prelude::*;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

const MIB: usize = 1024 * 1024;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        // Failures are kept as named regression tests in these files, not in side files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn lossy_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..max)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn lines_in(text: &str) -> usize {
    text.split('\n').count()
}

/// Dockerfile-ish lines: every keyword, flags, continuations, heredocs, directives, JSON
/// arrays, variables, quotes and escapes.
fn dockerfile_like() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "FROM ",
        "RUN ",
        "CMD ",
        "ENTRYPOINT ",
        "COPY ",
        "ADD ",
        "ENV ",
        "ARG ",
        "LABEL ",
        "USER ",
        "WORKDIR ",
        "EXPOSE ",
        "HEALTHCHECK ",
        "SHELL ",
        "ONBUILD ",
        "STOPSIGNAL ",
        "VOLUME ",
        "MAINTAINER ",
        "# syntax=docker/dockerfile:1",
        "# escape=`",
        "# escape=\\",
        "# hadolint ignore=DL3008",
        "# devdoctor global ignore=",
        "--chown=1000:1000 ",
        "--from=build ",
        "--mount=type=secret,id=x ",
        "--interval=30s ",
        "AS build",
        "mambaorg/micromamba:1.5",
        "python:3.11-slim@sha256:abc",
        "pip install -r requirements.txt",
        "micromamba install -y -f env.yml",
        "&& ",
        "; ",
        "| ",
        "\\",
        "`",
        "<<EOF",
        "<<-'EOT'",
        "EOF",
        "EOT",
        "[\"python\", \"main.py\"]",
        "[\"a\"",
        "${VAR:-x}",
        "${VAR:+y}",
        "$VAR",
        "${",
        "}",
        "KEY=value ",
        "PASSWORD=hunter2 ",
        "\"",
        "'",
        "=",
        "\t",
        "\r",
        "NONE",
        "CMD",
        "0",
        "root",
        "1000:1000",
        "80/tcp",
    ];
    proptest::collection::vec(
        (
            0usize..3,
            proptest::collection::vec(proptest::sample::select(PIECES), 0..6),
        ),
        0..40,
    )
    .prop_map(|lines| {
        let mut out = String::new();
        for (indent, pieces) in lines {
            out.push_str(&" ".repeat(indent));
            for p in pieces {
                out.push_str(p);
            }
            out.push('\n');
        }
        out
    })
}

fn check_dockerfile(text: &str) {
    let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), text);
    let max = lines_in(text) + 1;
    let mut last = 0;
    for i in &df.instructions {
        assert!(i.line >= 1 && i.line <= max, "line {} of {max}", i.line);
        assert!(
            i.end_line >= i.line && i.end_line <= max,
            "{}..{}",
            i.line,
            i.end_line
        );
        assert!(i.line >= last, "instructions in file order");
        last = i.line;
        assert_eq!(i.keyword, i.keyword.to_uppercase());
        let _ = i.command_text();
        let _ = dockerfile::words(&i.args, df.escape);
        let _ = dockerfile::key_values(&i.keyword, &i.args, df.escape);
    }
    for p in &df.problems {
        assert!(p.line <= max, "problem line {} of {max}", p.line);
    }
    for s in &df.stages {
        let _ = s.image();
        let _ = s.line(&df);
        let _ = s.body(&df);
    }
    if let Some(last) = df.stages.len().checked_sub(1) {
        assert!(df.lineage(last).len() <= df.stages.len());
    }
    let _ = df.final_stage();
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn dockerfile_arbitrary_text(text in lossy_text(2048)) {
        check_dockerfile(&text);
    }

    #[test]
    fn dockerfile_near_valid(text in dockerfile_like()) {
        check_dockerfile(&text);
    }

    #[test]
    fn dockerfile_helpers(text in "\\PC{0,200}", escape in prop_oneof![Just('\\'), Just('`')]) {
        let _ = dockerfile::words(&text, escape);
        let _ = dockerfile::key_values("ENV", &text, escape);
        let _ = dockerfile::key_values("ARG", &text, escape);
        let mut vars = HashMap::new();
        vars.insert("VAR".to_string(), "value".to_string());
        vars.insert("HOME".to_string(), "$HOME".to_string());
        let (expanded, _) = dockerfile::expand(&text, &vars);
        if !text.contains('$') {
            prop_assert_eq!(&expanded, &text, "text without variables is unchanged");
        }
    }

    #[test]
    fn image_references(reference in "\\PC{0,120}") {
        let r = ImageRef::parse(&reference);
        let _ = r.short_name();
        let _ = valid_reference(&reference);
        let escaped = http::escape_ref(&reference);
        prop_assert!(escaped.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~/:@%".contains(&b)),
            "{escaped}");
    }

    #[test]
    fn image_reference_round_trip(
        registry in proptest::option::of("[a-z]{1,8}\\.(io|com)(:[0-9]{2,5})?"),
        repo in "[a-z0-9]{1,10}(/[a-z0-9_.-]{1,10}){0,2}",
        tag in proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
        digest in proptest::option::of("sha256:[0-9a-f]{64}"),
    ) {
        let mut text = String::new();
        if let Some(r) = &registry { text.push_str(r); text.push('/'); }
        text.push_str(&repo);
        if let Some(t) = &tag { text.push(':'); text.push_str(t); }
        if let Some(d) = &digest { text.push('@'); text.push_str(d); }
        let r = ImageRef::parse(&text);
        prop_assert_eq!(r.registry, registry);
        prop_assert_eq!(r.tag, tag);
        prop_assert_eq!(r.digest, digest);
        prop_assert_eq!(r.repository, repo.strip_prefix("library/").unwrap_or(&repo).to_string());
    }

    #[test]
    fn compose_arbitrary_and_port_specs(text in lossy_text(2048), port in "\\PC{0,40}") {
        let (file, services) = compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &text);
        let max = lines_in(&text) + text.matches('\r').count() + 1;
        for s in &services {
            prop_assert!(s.line <= max);
        }
        if let Some(e) = &file.error {
            prop_assert!(e.line <= max);
        }
        let p = compose::parse_port(&port, 3);
        prop_assert_eq!(p.raw, port.clone());
        let _ = compose::interpolate_defaults(&port);
    }

    #[test]
    fn compose_port_round_trip(
        ip in proptest::option::of(prop_oneof![Just("127.0.0.1".to_string()), Just("[::1]".to_string()), Just("0.0.0.0".to_string())]),
        host in 1u32..65536,
        container in 1u32..65536,
        proto in prop_oneof![Just(""), Just("/tcp"), Just("/udp")],
    ) {
        let raw = match &ip {
            Some(ip) => format!("{ip}:{host}:{container}{proto}"),
            None => format!("{host}:{container}{proto}"),
        };
        let p = compose::parse_port(&raw, 1);
        prop_assert_eq!(p.host, Some((host, host)));
        prop_assert_eq!(p.host_ip, ip.map(|i| i.trim_start_matches('[').trim_end_matches(']').to_string()));
    }

    #[test]
    fn engine_api_json(v in json_value()) {
        let _ = api::parse_version(&v).label();
        let _ = api::parse_info(&v).label();
        let _ = api::parse_image(&v);
        if let Some(s) = v.as_str() {
            let _ = api::parse_time(s);
            let _ = api::user_is_root(s);
        }
    }

    #[test]
    fn engine_api_time_and_user(s in "\\PC{0,60}") {
        let _ = api::parse_time(&s);
        let _ = api::user_is_root(&s);
    }

    #[test]
    fn trivy_report_arbitrary(bytes in proptest::collection::vec(any::<u8>(), 0..1024), v in json_value()) {
        let _ = trivy::parse_report(&bytes);
        let _ = trivy::parse_report(v.to_string().as_bytes());
        let _ = trivy::parse_version(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn trivy_report_counts(
        results in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![Just("CRITICAL"), Just("HIGH"), Just("MEDIUM"), Just("LOW"), Just("UNKNOWN")], 0..8),
            0..4),
    ) {
        let mut id = 0;
        let mut critical = 0;
        let mut high = 0;
        let report = serde_json::json!({
            "SchemaVersion": 2,
            "Results": results.iter().map(|vulns| serde_json::json!({
                "Target": "x",
                "Vulnerabilities": vulns.iter().map(|sev| {
                    id += 1;
                    if *sev == "CRITICAL" { critical += 1; }
                    if *sev == "HIGH" { high += 1; }
                    serde_json::json!({"VulnerabilityID": format!("CVE-2024-{id}"), "Severity": sev})
                }).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        let counts = trivy::parse_report(report.to_string().as_bytes()).expect("a valid report");
        prop_assert_eq!(counts.critical, critical);
        prop_assert_eq!(counts.high, high);
        prop_assert!(counts.ids.len() <= 10);
    }

    #[test]
    fn docker_cli_and_ls_output(text in lossy_text(2048)) {
        let _ = cli::parse_version_line(&text);
        let _ = cli::classify_error(&text);
        let first = cli::first_line(&text);
        prop_assert!(first.chars().count() <= 300 && !first.contains('\n'));
        let entries = run::parse_ls(&text);
        prop_assert!(entries.len() <= text.lines().count());
    }

    #[test]
    fn docker_host_strings(host in "\\PC{0,80}", tls in any::<bool>()) {
        let _ = endpoint::parse_host(&host, tls);
        let _ = endpoint::parse_host(&format!("unix://{host}"), tls);
        let _ = endpoint::parse_host(&format!("tcp://{host}"), tls);
        let _ = endpoint::is_loopback(&host);
    }
}

/// Arbitrary JSON, nested a few levels, with the key names the engine and trivy use.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    const KEYS: &[&str] = &[
        "Version",
        "ServerVersion",
        "ApiVersion",
        "OSType",
        "Architecture",
        "Os",
        "Arch",
        "SecurityOptions",
        "Rootless",
        "Config",
        "User",
        "Healthcheck",
        "Test",
        "Created",
        "Id",
        "RepoTags",
        "Results",
        "Vulnerabilities",
        "Severity",
        "VulnerabilityID",
        "message",
        "Components",
        "Name",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)),
        "\\PC{0,20}".prop_map(serde_json::Value::from),
        Just(serde_json::Value::from("2024-01-02T03:04:05.123456789Z")),
        Just(serde_json::Value::from("name=seccomp,profile=builtin")),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |kv| {
                    serde_json::Value::Object(
                        kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                    )
                }
            ),
        ]
    })
}

// --- The engine's HTTP answers, served from a unix socket ---------------------------------------

/// Serves `answer` once on a fresh unix socket and returns what `http::get` made of it.
fn engine_answer(answer: Vec<u8>, cap: usize) -> Result<http::Response, http::HttpError> {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("docker.sock");
    let listener = UnixListener::bind(&sock).unwrap();
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let _ = s.write_all(&answer);
        }
    });
    let r = http::get(&Target::Unix(sock), "/_ping", Duration::from_secs(5), cap);
    server.join().unwrap();
    r
}

fn check_answer(r: &Result<http::Response, http::HttpError>, cap: usize) {
    match r {
        Ok(resp) => {
            assert!(
                resp.body.len() <= cap,
                "body {} over the cap {cap}",
                resp.body.len()
            );
            let _ = resp.error_message();
        }
        Err(e) => {
            assert!(
                !matches!(e, http::HttpError::Timeout),
                "a closed connection is not a timeout: {e}"
            );
            assert!(!e.to_string().is_empty());
        }
    }
}

fn http_answer() -> impl Strategy<Value = Vec<u8>> {
    let status = prop_oneof![
        Just("HTTP/1.1 200 OK".to_string()),
        Just("HTTP/1.0 404 Not Found".to_string()),
        Just("HTTP/1.1 204 No Content".to_string()),
        Just("HTTP/1.1 101 Switching".to_string()),
        Just("HTTP/2 200".to_string()),
        Just("HTTP/1.1 999 X".to_string()),
        "\\PC{0,30}",
    ];
    let header = prop_oneof![
        (0usize..200).prop_map(|n| format!("Content-Length: {n}")),
        Just("Content-Length: 18446744073709551616".to_string()),
        Just("Content-Length: -1".to_string()),
        Just("Content-Length: 5, 6".to_string()),
        Just("Transfer-Encoding: chunked".to_string()),
        Just("Transfer-Encoding: gzip, chunked".to_string()),
        Just("Content-Type: application/json".to_string()),
        Just("Api-Version: 1.47".to_string()),
        "[A-Za-z-]{1,12}: \\PC{0,20}",
        "\\PC{0,30}",
    ];
    let chunk = prop_oneof![
        "[0-9a-fA-F]{1,3}\r\n[a-z]{0,20}\r\n",
        Just("ffffffffffffffff\r\n".to_string()),
        Just("fffffffffffffffff\r\n".to_string()),
        Just("0\r\n\r\n".to_string()),
        Just("5;ext=1\r\nhello\r\n".to_string()),
        "\\PC{0,10}",
    ];
    (
        status,
        proptest::collection::vec(header, 0..6),
        proptest::collection::vec(chunk, 0..6),
        proptest::collection::vec(any::<u8>(), 0..64),
        prop_oneof![Just("\r\n"), Just("\n")],
    )
        .prop_map(|(status, headers, chunks, tail, eol)| {
            let mut out = format!("{status}{eol}").into_bytes();
            for h in headers {
                out.extend_from_slice(format!("{h}{eol}").as_bytes());
            }
            out.extend_from_slice(eol.as_bytes());
            for c in chunks {
                out.extend_from_slice(c.as_bytes());
            }
            out.extend_from_slice(&tail);
            out
        })
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn engine_http_answers_arbitrary(answer in proptest::collection::vec(any::<u8>(), 0..512)) {
        let r = engine_answer(answer, 4096);
        check_answer(&r, 4096);
    }

    #[test]
    fn engine_http_answers_structured(answer in http_answer(), cap in 1usize..256) {
        let r = engine_answer(answer, cap);
        check_answer(&r, cap);
    }
}

#[test]
fn engine_http_answer_bounds() {
    // A chunk size that overflows usize, a body beyond the cap, a head beyond 64 KiB.
    let r = engine_answer(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc".to_vec(),
        1024,
    );
    assert!(
        matches!(
            r,
            Err(http::HttpError::TooLarge(_)) | Err(http::HttpError::Protocol(_))
        ),
        "{r:?}"
    );
    let mut big = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'x', 2 * MIB));
    assert!(matches!(
        engine_answer(big, 64 * 1024),
        Err(http::HttpError::TooLarge(_))
    ));
    let mut head = b"HTTP/1.1 200 OK\r\nX: ".to_vec();
    head.extend(std::iter::repeat_n(b'y', MIB));
    assert!(matches!(
        engine_answer(head, 1024),
        Err(http::HttpError::Protocol(_))
    ));
    // Many tiny chunks: the body is assembled linearly and capped.
    let mut tiny = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..20_000 {
        tiny.extend_from_slice(b"1\r\na\r\n");
    }
    tiny.extend_from_slice(b"0\r\n\r\n");
    let r = engine_answer(tiny, 64 * 1024).expect("a valid chunked body");
    assert_eq!(r.body.len(), 20_000);
}

// --- Pathological project files ----------------------------------------------------------------

#[test]
fn dockerfile_with_a_1mib_line_and_100k_continuations() {
    let long = "x".repeat(MIB);
    let text = format!("FROM mambaorg/micromamba:1.5\nRUN echo {long}\nUSER 1000\n");
    let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), &text);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[2].line, 3);
    assert!(df.instructions[1].args.len() > MIB);

    // One RUN over 100k continuation lines.
    let mut text = String::from("FROM busybox\nRUN true");
    for _ in 0..100_000 {
        text.push_str(" \\\n  && echo y");
    }
    text.push_str("\nUSER 1000\n");
    let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), &text);
    assert_eq!(df.instructions.len(), 3);
    assert_eq!(df.instructions[1].end_line, 100_002);
    assert_eq!(df.instructions[2].line, 100_003);

    // A heredoc that never ends, 1 MiB of escapes, 1 MiB of `${`, a 1 MiB JSON array.
    for text in [
        format!("FROM a\nRUN <<EOF\n{long}\n"),
        format!("FROM a\nRUN {}\n", "\\".repeat(MIB)),
        format!("FROM a\nENV {}\n", "${".repeat(MIB / 2)),
        format!("FROM a\nCMD [{}\"x\"]\n", "\"a\",".repeat(MIB / 4)),
        format!("FROM a\nENV {}\n", "A=b ".repeat(MIB / 4)),
        format!("FROM a\nCOPY {} .\n", "--chown=1:1 ".repeat(MIB / 12)),
    ] {
        check_dockerfile(&text);
    }
    let (expanded, _) = dockerfile::expand(
        &"$VAR".repeat(MIB / 4),
        &HashMap::from([("VAR".to_string(), "v".to_string())]),
    );
    assert_eq!(expanded.len(), MIB / 4);
    assert_eq!(
        dockerfile::words(&"a ".repeat(MIB / 2), '\\').len(),
        MIB / 2
    );
}

#[test]
fn compose_with_a_1mib_line_deep_nesting_and_many_services() {
    let long = "x".repeat(MIB);
    let text = format!("services:\n  api:\n    image: {long}\n    user: \"1000\"\n");
    let (file, services) = compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &text);
    assert!(file.error.is_none(), "{:?}", file.error);
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].image.as_deref().map(str::len), Some(MIB));

    // 20k services in one flow mapping on one line.
    let svcs: Vec<String> = (0..20_000).map(|i| format!("s{i}: {{image: a}}")).collect();
    let text = format!("services: {{{}}}\n", svcs.join(", "));
    let (_, services) = compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &text);
    assert_eq!(services.len(), 20_000);

    // Deep block nesting used to overflow the stack (SIGABRT) at ~850 levels of `- - -`.
    for text in [
        format!("services:\n  a:\n    x:\n      {}x\n", "- ".repeat(1_000)),
        format!("{}x\n", "- ".repeat(100_000)),
    ] {
        let (file, services) =
            compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &text);
        let err = file.error.expect("refused");
        assert!(err.reason.contains("nested"), "{}", err.reason);
        assert!(services.is_empty());
    }
    // An alias bomb stays within saphyr's expansion budget.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = format!("*a{}", i - 1);
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 10].join(", ")));
    }
    bomb.push_str("services: {api: {image: x}}\n");
    let (file, _) = compose::parse_file(Path::new("compose.yaml"), "compose.yaml", &bomb);
    assert!(file.error.is_some(), "an alias bomb is refused");
}

#[test]
fn tool_output_with_1mib_lines() {
    let long = "y".repeat(MIB);
    assert!(cli::parse_version_line(&long).is_none());
    assert!(cli::first_line(&long).chars().count() <= 300);
    let _ = cli::classify_error(&long);
    assert!(run::parse_ls(&long).is_empty());
    assert!(trivy::parse_report(long.as_bytes()).is_err());
    let deep = format!("{}{}", "{\"Results\":[".repeat(50_000), "]}".repeat(50_000));
    assert!(trivy::parse_report(deep.as_bytes()).is_err());
    assert!(!valid_reference(&long));
    let _ = ImageRef::parse(&format!("{}:{long}@{long}", "a/".repeat(MIB / 2)));
    let _ = endpoint::parse_host(&format!("tcp://{long}:2375"), false);
    let _ = endpoint::parse_host(&format!("unix://{long}"), false);
}
