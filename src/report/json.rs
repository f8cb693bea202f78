//! The JSON report: versioned, with the same verdict and exit code as the human report.

use super::{Report, SCHEMA_VERSION};
use serde_json::{json, Value};

pub fn to_value(report: &Report) -> Value {
    let checks: Vec<Value> = report
        .entries
        .iter()
        .map(|e| {
            let r = &e.result;
            let mut v = json!({
                "id": e.meta.id,
                "category": e.meta.category,
                "title": e.meta.title,
                "status": r.status,
                "summary": r.summary,
                "details": r.details,
                "fix": r.fix,
                "locations": r.locations,
                "duration_ms": e.duration.as_millis() as u64,
            });
            if !r.data.is_empty() {
                v["data"] = Value::Object(r.data.clone());
            }
            v
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "devdoctor", "version": env!("CARGO_PKG_VERSION")},
        "timestamp": humantime::format_rfc3339_seconds(report.started).to_string(),
        "duration_ms": report.duration.as_millis() as u64,
        "waited_ms": report.waited.map(|w| w.as_millis() as u64),
        "strict": report.strict,
        "checks": checks,
        "summary": report.counts,
        "exit_code": report.exit_code,
    })
}

pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).expect("JSON values serialise");
    s.push('\n');
    s
}
