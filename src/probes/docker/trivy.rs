//! The trivy image scanner: whether it is installed, and (with `--scan`) the HIGH/CRITICAL
//! counts of `trivy image --format json`.

use crate::core::Context;
use crate::exec::Cmd;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct Trivy {
    pub path: PathBuf,
    pub version: Option<String>,
}

/// `Version: 0.58.1` from `trivy --version` (older releases print `Version: v0.x`).
pub fn parse_version(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let v = l.trim().strip_prefix("Version:")?.trim();
        let v = v.strip_prefix('v').unwrap_or(v);
        (!v.is_empty()).then(|| v.to_string())
    })
}

pub(crate) fn find(ctx: &Context) -> Option<Trivy> {
    // On PATH, or in the base environment, where tools.trivy's fix installs it.
    let path = ctx
        .which("trivy")
        .or_else(|| crate::probes::mamba::base_program(ctx, "trivy"))?;
    let cmd = Cmd::new(&path)
        .arg("--version")
        .env_exact(ctx.vars())
        .timeout(Duration::from_secs(5))
        .cap(64 * 1024);
    let version = crate::probes::versions::run(ctx, &cmd)
        .ok()
        .and_then(|o| parse_version(&o.stdout_text()));
    Some(Trivy { path, version })
}

/// Vulnerability counts from a trivy JSON report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanCounts {
    pub critical: usize,
    pub high: usize,
    /// Distinct vulnerability ids at HIGH or CRITICAL (a few, for details).
    pub ids: Vec<String>,
}

/// Why trivy's output is not a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("trivy printed no JSON report ({0})")]
    NotJson(String),
    #[error("trivy's report is not a JSON object")]
    NotObject,
}

/// Counts HIGH and CRITICAL findings in `Results[].Vulnerabilities[]`.
pub fn parse_report(bytes: &[u8]) -> Result<ScanCounts, ReportError> {
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| ReportError::NotJson(e.to_string()))?;
    if !v.is_object() {
        return Err(ReportError::NotObject);
    }
    let mut counts = ScanCounts::default();
    let mut ids = BTreeSet::new();
    let results = v
        .get("Results")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for r in results {
        let vulns = r
            .get("Vulnerabilities")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for vuln in vulns {
            let sev = vuln
                .get("Severity")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match sev.to_ascii_uppercase().as_str() {
                "CRITICAL" => counts.critical += 1,
                "HIGH" => counts.high += 1,
                _ => continue,
            }
            if let Some(id) = vuln.get("VulnerabilityID").and_then(Value::as_str) {
                ids.insert(id.to_string());
            }
        }
    }
    counts.ids = ids.into_iter().take(10).collect();
    Ok(counts)
}

/// The scan command (without the program path).
pub(crate) fn scan_args(image: &str, timeout: Duration) -> Vec<String> {
    let secs = timeout.as_secs().max(1);
    vec![
        "image".into(),
        "--format".into(),
        "json".into(),
        "--severity".into(),
        "HIGH,CRITICAL".into(),
        "--quiet".into(),
        "--timeout".into(),
        format!("{secs}s"),
        image.into(),
    ]
}

/// How a scan ended.
#[derive(Debug, Clone)]
pub(crate) enum ScanOutcome {
    Counts(ScanCounts),
    TimedOut(String),
    /// trivy could not run, failed, or printed no readable report.
    Failed(String),
}

/// Runs `trivy image … IMAGE` bounded by `timeout`; returns the outcome and the argv shown.
pub(crate) fn scan(
    ctx: &Context,
    tool: &Trivy,
    image: &str,
    timeout: Duration,
) -> (ScanOutcome, Vec<String>) {
    let args = scan_args(image, timeout);
    let mut shown = vec!["trivy".to_string()];
    shown.extend(args.iter().cloned());
    let out = Cmd::new(&tool.path)
        .args(&args)
        .env_exact(ctx.vars())
        // trivy's own --timeout ends it first; this is the backstop.
        .timeout(timeout + Duration::from_millis(300))
        .cap(REPORT_CAP)
        .run();
    let outcome = match out {
        Err(e) => ScanOutcome::Failed(format!("could not run trivy: {e:#}")),
        Ok(o) if o.timed_out => ScanOutcome::TimedOut(o.describe_end()),
        Ok(o) if o.truncated => ScanOutcome::Failed("its report was larger than 64 MiB".into()),
        Ok(o) if !o.success() => ScanOutcome::Failed(format!(
            "trivy {}: {}",
            o.describe_end(),
            super::cli::first_line(&o.stderr_text())
        )),
        Ok(o) => match parse_report(&o.stdout) {
            Ok(c) => ScanOutcome::Counts(c),
            Err(e) => ScanOutcome::Failed(format!("cannot read trivy's report: {e}")),
        },
    };
    (outcome, shown)
}

const REPORT_CAP: usize = 64 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version() {
        assert_eq!(
            parse_version("Version: 0.58.1\nVulnerability DB:\n  Version: 2\n"),
            Some("0.58.1".into())
        );
        assert_eq!(parse_version("Version: v0.18.3"), Some("0.18.3".into()));
        assert_eq!(parse_version("nope"), None);
    }

    #[test]
    fn report_counts() {
        let report = br#"{"SchemaVersion":2,"ArtifactName":"img:1","Results":[
          {"Target":"img:1 (debian 12.5)","Class":"os-pkgs","Vulnerabilities":[
            {"VulnerabilityID":"CVE-2024-1","Severity":"HIGH"},
            {"VulnerabilityID":"CVE-2024-2","Severity":"CRITICAL"},
            {"VulnerabilityID":"CVE-2024-1","Severity":"HIGH"}]},
          {"Target":"Python","Class":"lang-pkgs","Vulnerabilities":[
            {"VulnerabilityID":"GHSA-x","Severity":"MEDIUM"}]},
          {"Target":"clean"}]}"#;
        let c = parse_report(report).unwrap();
        assert_eq!((c.critical, c.high), (1, 2));
        assert_eq!(c.ids, vec!["CVE-2024-1", "CVE-2024-2"]);
        assert_eq!(
            parse_report(br#"{"SchemaVersion":2,"ArtifactName":"x"}"#).unwrap(),
            ScanCounts::default()
        );
        assert!(parse_report(b"").is_err());
        assert!(parse_report(b"[1]").is_err());
        assert_eq!(
            parse_report(br#"{"Results":[{"Vulnerabilities":[{"Severity":7}]}]}"#).unwrap(),
            ScanCounts::default()
        );
    }
}
