//! Check statuses and the exit-code model (0 healthy, 1 failed, 2 usage, 3 unknown).

use serde::Serialize;

/// The verdict of one check. `Unknown` is never shown as ok.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Skip,
    Warn,
    Unknown,
    Fail,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Skip => "skip",
            Status::Warn => "warn",
            Status::Unknown => "unknown",
            Status::Fail => "fail",
        }
    }

    /// Whether this status is worth a fix or a line in quiet output.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Warn | Status::Fail | Status::Unknown)
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "ok" => Status::Ok,
            "skip" => Status::Skip,
            "warn" => Status::Warn,
            "unknown" => Status::Unknown,
            "fail" => Status::Fail,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stable process exit codes.
pub mod exit {
    pub const HEALTHY: i32 = 0;
    pub(crate) const FAILED: i32 = 1;
    pub const USAGE: i32 = 2;
    pub(crate) const UNKNOWN: i32 = 3;
}

/// Counts of each status in a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub ok: usize,
    pub warn: usize,
    pub fail: usize,
    pub unknown: usize,
    pub skip: usize,
}

impl Counts {
    pub fn from_statuses(statuses: impl IntoIterator<Item = Status>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            match s {
                Status::Ok => c.ok += 1,
                Status::Warn => c.warn += 1,
                Status::Fail => c.fail += 1,
                Status::Unknown => c.unknown += 1,
                Status::Skip => c.skip += 1,
            }
        }
        c
    }

    /// 1 on any fail (or warn with `strict`), else 3 on any unknown, else 0.
    pub fn exit_code(&self, strict: bool) -> i32 {
        let ran = self.ok + self.warn + self.fail + self.unknown;
        if self.fail > 0 || (strict && self.warn > 0) {
            exit::FAILED
        } else if self.unknown > 0 || (ran == 0 && self.skip > 0) {
            // Every selected check skipped: nothing was checked, which is not "healthy".
            exit::UNKNOWN
        } else {
            exit::HEALTHY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_model() {
        let c = |s: &[Status]| Counts::from_statuses(s.iter().copied());
        assert_eq!(c(&[Status::Ok, Status::Skip]).exit_code(false), 0);
        assert_eq!(c(&[Status::Skip, Status::Skip]).exit_code(false), 3);
        assert_eq!(c(&[]).exit_code(false), 0);
        assert_eq!(c(&[Status::Ok, Status::Warn]).exit_code(false), 0);
        assert_eq!(c(&[Status::Ok, Status::Warn]).exit_code(true), 1);
        assert_eq!(c(&[Status::Unknown, Status::Warn]).exit_code(false), 3);
        assert_eq!(c(&[Status::Unknown, Status::Warn]).exit_code(true), 1);
        assert_eq!(c(&[Status::Unknown, Status::Fail]).exit_code(false), 1);
    }

    #[test]
    fn status_round_trips() {
        for s in [
            Status::Ok,
            Status::Skip,
            Status::Warn,
            Status::Unknown,
            Status::Fail,
        ] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("error"), None);
    }
}
