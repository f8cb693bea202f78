//! Rendering of a finished run. No other module knows that output formats exist.

pub mod human;
pub mod json;

use crate::core::{CheckMeta, CheckResult, Counts};
use std::time::{Duration, SystemTime};

/// JSON schema version; bump on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// One check in a report.
#[derive(Debug, Clone)]
pub struct Entry {
    pub meta: CheckMeta,
    pub result: CheckResult,
    pub duration: Duration,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Report {
    pub entries: Vec<Entry>,
    pub started: SystemTime,
    pub duration: Duration,
    pub counts: Counts,
    pub exit_code: i32,
    pub strict: bool,
    /// How long `--wait` retried failing network checks.
    pub waited: Option<Duration>,
}

impl Report {
    pub fn new(
        entries: Vec<Entry>,
        started: SystemTime,
        duration: Duration,
        strict: bool,
        waited: Option<Duration>,
    ) -> Report {
        let counts = Counts::from_statuses(entries.iter().map(|e| e.result.status));
        Report {
            exit_code: counts.exit_code(strict),
            entries,
            started,
            duration,
            counts,
            strict,
            waited,
        }
    }
}

/// Options that shape human output.
#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub quiet: u8,
    pub verbose: u8,
}
