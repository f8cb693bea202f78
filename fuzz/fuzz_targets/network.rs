//! What comes off the network: URLs (parse, join, redact), body excerpts, SSE streams fed in
//! two pieces, `/proc/net/tcp` tables, Docker engine JSON and trivy reports.
#![no_main]
use devdoctor::probes::docker::{api, trivy};
use devdoctor::probes::http::{self, Target};
use devdoctor::probes::mcp::{sockets, sse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(t) = Target::parse(&text) {
        let _ = t.display();
        let _ = t.join(&text);
    }
    let _ = http::redact(&text);
    let _ = http::body_excerpt(data, Some("text/html"), 200);
    let split = data.first().map_or(0, |&b| b as usize).min(data.len());
    let mut p = sse::Parser::new(4096);
    if p.feed(&data[..split]).is_ok() && p.feed(&data[split..]).is_ok() {
        let _ = p.finish();
    }
    let _ = sockets::parse_table(&text);
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = api::parse_version(&v).label();
        let _ = api::parse_info(&v).label();
        let _ = api::parse_image(&v);
    }
    let _ = trivy::parse_report(data);
});
