//! SARIF 2.1.0 for code scanning (GitHub, GitLab, VS Code's SARIF viewer): one result per
//! file location of a warn/fail/unknown check (`CheckResult::locations`). Checks without a
//! location do not appear — SARIF is for findings in files; the run's exit code is recorded
//! in `invocations[0].exitCode`.
//!
//! ruleId is the check id, or `checkid/rule` when the location names a rule. Rules carry the
//! check's title (shortDescription) and explain text (fullDescription and help).
//! level: fail → error, warn → warning, unknown → note. URIs are relative to the project
//! directory (uriBaseId `PROJECTROOT`, declared in originalUriBaseIds); a region is given
//! only when the line is known (line 0 means the whole file).

use super::{Entry, RenderOptions, Report};
use crate::core::{Location, Status};
use serde_sarif::sarif;
use std::collections::BTreeMap;
use std::path::Path;

pub(crate) const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub(crate) const BASE_ID: &str = "PROJECTROOT";

/// Percent-encodes a path for a URI: keeps RFC 3986 unreserved characters and `/`.
fn encode_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An absolute directory as a `file://` URI ending in `/`, as originalUriBaseIds requires.
fn dir_uri(dir: &Path) -> String {
    let mut uri = format!("file://{}", encode_path(dir));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The artifact location of `path`: relative to the project when inside it (or already
/// relative), else an absolute `file://` URI.
fn artifact(path: &Path, project_dir: Option<&Path>) -> sarif::ArtifactLocation {
    let relative = match project_dir {
        Some(dir) if path.is_absolute() => path.strip_prefix(dir).ok(),
        _ if path.is_relative() => Some(path),
        _ => None,
    };
    match relative {
        Some(rel) => {
            let rel = rel.strip_prefix("./").unwrap_or(rel);
            sarif::ArtifactLocation::builder()
                .uri(encode_path(rel))
                .uri_base_id(BASE_ID)
                .build()
        }
        None => sarif::ArtifactLocation::builder()
            .uri(format!("file://{}", encode_path(path)))
            .build(),
    }
}

fn rule_id(e: &Entry, loc: &Location) -> String {
    match &loc.rule {
        Some(rule) => format!("{}/{}", e.meta.id, rule),
        None => e.meta.id.clone(),
    }
}

fn text(s: &str) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder().text(s).build()
}

fn rule(e: &Entry, id: &str, loc: &Location) -> sarif::ReportingDescriptor {
    let short = match &loc.rule {
        Some(r) => format!("{} ({r})", e.meta.title),
        None => e.meta.title.clone(),
    };
    let explain = if e.meta.explain.trim().is_empty() {
        e.meta.title.clone()
    } else {
        e.meta.explain.clone()
    };
    let mut tags = sarif::PropertyBag::builder()
        .tags(vec![e.meta.category.clone()])
        .build();
    tags.additional_properties
        .insert("check".into(), e.meta.id.clone().into());
    let mut b = sarif::ReportingDescriptor::builder()
        .id(id)
        .short_description(text(&short))
        .full_description(text(&explain))
        .help(text(&explain))
        .properties(tags)
        .build();
    if let Some(r) = &loc.rule {
        b.name = Some(r.clone());
    }
    b
}

fn level(status: Status) -> Option<sarif::ResultLevel> {
    match status {
        Status::Fail => Some(sarif::ResultLevel::Error),
        Status::Warn => Some(sarif::ResultLevel::Warning),
        Status::Unknown => Some(sarif::ResultLevel::Note),
        Status::Ok | Status::Skip => None,
    }
}

fn result(
    e: &Entry,
    loc: &Location,
    rule_index: usize,
    level: sarif::ResultLevel,
    project_dir: Option<&Path>,
) -> sarif::Result {
    let message = if loc.message.trim().is_empty() {
        &e.result.summary
    } else {
        &loc.message
    };
    let mut physical = sarif::PhysicalLocation::builder()
        .artifact_location(artifact(&loc.path, project_dir))
        .build();
    if loc.line > 0 {
        physical.region = Some(
            sarif::Region::builder()
                .start_line(i64::try_from(loc.line).unwrap_or(i64::MAX))
                .build(),
        );
    }
    let mut props = BTreeMap::new();
    props.insert("check".to_string(), e.meta.id.clone().into());
    props.insert("status".to_string(), e.result.status.as_str().into());
    props.insert("summary".to_string(), e.result.summary.clone().into());
    if let Some(fix) = &e.result.fix {
        if let Ok(v) = serde_json::to_value(fix) {
            props.insert("fix".to_string(), v);
        }
    }
    sarif::Result::builder()
        .rule_id(rule_id(e, loc))
        .rule_index(i64::try_from(rule_index).unwrap_or(i64::MAX))
        .level(level)
        .message(sarif::Message::builder().text(message).build())
        .locations(vec![sarif::Location::builder()
            .physical_location(physical)
            .build()])
        .properties(
            sarif::PropertyBag::builder()
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// The SARIF log as a typed value (tests deserialise it back into the same types).
pub(crate) fn to_sarif(report: &Report, opts: &RenderOptions) -> sarif::Sarif {
    let project_dir = opts.project_dir.as_deref();
    let mut rules: Vec<sarif::ReportingDescriptor> = Vec::new();
    let mut results = Vec::new();
    for e in &report.entries {
        let Some(lvl) = level(e.result.status) else {
            continue;
        };
        for loc in &e.result.locations {
            let id = rule_id(e, loc);
            let index = match rules.iter().position(|r| r.id == id) {
                Some(i) => i,
                None => {
                    rules.push(rule(e, &id, loc));
                    rules.len() - 1
                }
            };
            results.push(result(e, loc, index, lvl, project_dir));
        }
    }

    let mut driver = sarif::ToolComponent::builder()
        .name("devdoctor")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let repo = env!("CARGO_PKG_REPOSITORY");
    if !repo.is_empty() {
        driver.information_uri = Some(repo.to_string());
    }
    let end = report.started + report.duration;
    let invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .exit_code(i64::from(report.exit_code))
        .start_time_utc(humantime::format_rfc3339_millis(report.started).to_string())
        .end_time_utc(humantime::format_rfc3339_millis(end).to_string())
        .build();
    let mut run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .build();
    if let Some(dir) = project_dir.filter(|d| d.is_absolute()) {
        let mut bases = BTreeMap::new();
        bases.insert(
            BASE_ID.to_string(),
            sarif::ArtifactLocation::builder().uri(dir_uri(dir)).build(),
        );
        run.original_uri_base_ids = Some(bases);
    }
    sarif::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    // The SARIF types serialise infallibly (strings, numbers and maps with string keys).
    let mut s = serde_json::to_string_pretty(&to_sarif(report, opts))
        .unwrap_or_else(|e| format!("{{\"error\": \"SARIF serialisation failed: {e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uris() {
        let dir = Path::new("/work/my project");
        let a = artifact(Path::new("/work/my project/docker/Dockerfile"), Some(dir));
        assert_eq!(a.uri.as_deref(), Some("docker/Dockerfile"));
        assert_eq!(a.uri_base_id.as_deref(), Some(BASE_ID));
        let a = artifact(Path::new("./environment.yml"), Some(dir));
        assert_eq!(a.uri.as_deref(), Some("environment.yml"));
        let a = artifact(Path::new("/home/u/.condarc"), Some(dir));
        assert_eq!(a.uri.as_deref(), Some("file:///home/u/.condarc"));
        assert_eq!(a.uri_base_id, None);
        let a = artifact(Path::new("sub dir/ü#?.yml"), None);
        assert_eq!(a.uri.as_deref(), Some("sub%20dir/%C3%BC%23%3F.yml"));
        assert_eq!(dir_uri(dir), "file:///work/my%20project/");
    }
}
