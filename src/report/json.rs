//! The JSON report: versioned, with the same verdict and exit code as the human report.

use super::{Entry, Report, SCHEMA_VERSION};
use crate::core::{Counts, Fix, Location, Status};
use serde::Serialize;
use serde_json::Value;

/// The JSON report document. It is written through `serde_json::Value`, so every object's
/// keys come out sorted, as they always have.
#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    /// RFC 3339, seconds.
    timestamp: String,
    duration_ms: u64,
    /// How long `--wait` retried; `null` without it.
    waited_ms: Option<u64>,
    strict: bool,
    checks: Vec<CheckDoc<'a>>,
    summary: Counts,
    exit_code: i32,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// One check of the report.
#[derive(Serialize)]
struct CheckDoc<'a> {
    id: &'a str,
    category: &'a str,
    title: &'a str,
    status: Status,
    summary: &'a str,
    details: &'a [String],
    fix: &'a Option<Fix>,
    locations: &'a [Location],
    duration_ms: u64,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    data: &'a serde_json::Map<String, Value>,
}

fn check_doc(e: &Entry) -> CheckDoc<'_> {
    let r = &e.result;
    CheckDoc {
        id: &e.meta.id,
        category: &e.meta.category,
        title: &e.meta.title,
        status: r.status,
        summary: &r.summary,
        details: &r.details,
        fix: &r.fix,
        locations: &r.locations,
        duration_ms: e.duration.as_millis() as u64,
        data: &r.data,
    }
}

pub(crate) fn to_value(report: &Report) -> Value {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "devdoctor",
            version: env!("CARGO_PKG_VERSION"),
        },
        timestamp: humantime::format_rfc3339_seconds(report.started).to_string(),
        duration_ms: report.duration.as_millis() as u64,
        waited_ms: report.waited.map(|w| w.as_millis() as u64),
        strict: report.strict,
        checks: report.entries.iter().map(check_doc).collect(),
        summary: report.counts,
        exit_code: report.exit_code,
    };
    serde_json::to_value(doc).expect("the report serialises")
}

pub(crate) fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report)).expect("JSON values serialise");
    s.push('\n');
    s
}
