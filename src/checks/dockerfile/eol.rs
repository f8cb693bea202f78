//! Base-image lines that are end of life: no more security fixes. A small dated table,
//! judged against today's date, so a line becomes a finding on the day its support ends.

use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{Dockerfile, ImageRef};

/// One end-of-life line: the repository, whether a tag belongs to the line, what it is, and
/// the last day of support (ISO 8601), or `None` for a line that is no longer developed.
struct Line {
    repository: &'static str,
    tag: fn(&str) -> bool,
    what: &'static str,
    until: Option<&'static str>,
}

/// `tag` is `version` or starts with it followed by `.` or `-` (`3.8`, `3.8.18`, `3.8-slim`).
fn version(tag: &str, version: &str) -> bool {
    tag.strip_prefix(version)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-']))
}

/// A Debian release named anywhere in a tag (`buster`, `3.8-slim-buster`).
fn debian(tag: &str, codename: &str) -> bool {
    tag.split(['-', '.']).any(|part| part == codename)
}

const LINES: &[Line] = &[
    Line {
        repository: "python",
        tag: |t| version(t, "3.6"),
        what: "Python 3.6",
        until: Some("2021-12-23"),
    },
    Line {
        repository: "python",
        tag: |t| version(t, "3.7"),
        what: "Python 3.7",
        until: Some("2023-06-27"),
    },
    Line {
        repository: "python",
        tag: |t| version(t, "3.8"),
        what: "Python 3.8",
        until: Some("2024-10-07"),
    },
    Line {
        repository: "python",
        tag: |t| version(t, "3.9"),
        what: "Python 3.9",
        until: Some("2025-10-31"),
    },
    Line {
        repository: "python",
        tag: |t| debian(t, "stretch"),
        what: "Debian 9 (stretch)",
        until: Some("2022-06-30"),
    },
    Line {
        repository: "python",
        tag: |t| debian(t, "buster"),
        what: "Debian 10 (buster)",
        until: Some("2024-06-30"),
    },
    Line {
        repository: "python",
        tag: |t| debian(t, "bullseye"),
        what: "Debian 11 (bullseye)",
        until: Some("2026-08-31"),
    },
    Line {
        repository: "debian",
        tag: |t| version(t, "9") || debian(t, "stretch"),
        what: "Debian 9 (stretch)",
        until: Some("2022-06-30"),
    },
    Line {
        repository: "debian",
        tag: |t| version(t, "10") || debian(t, "buster"),
        what: "Debian 10 (buster)",
        until: Some("2024-06-30"),
    },
    Line {
        repository: "debian",
        tag: |t| version(t, "11") || debian(t, "bullseye"),
        what: "Debian 11 (bullseye)",
        until: Some("2026-08-31"),
    },
    Line {
        repository: "ubuntu",
        tag: |t| version(t, "18.04") || t == "bionic",
        what: "Ubuntu 18.04",
        until: Some("2023-05-31"),
    },
    Line {
        repository: "ubuntu",
        tag: |t| version(t, "20.04") || t == "focal",
        what: "Ubuntu 20.04",
        until: Some("2025-05-31"),
    },
    Line {
        repository: "mambaorg/micromamba",
        tag: |t| version(t, "0") || version(t, "1"),
        what: "micromamba 1.x (superseded by 2.x)",
        until: None,
    },
    Line {
        repository: "condaforge/mambaforge",
        tag: |_| true,
        what: "Mambaforge (retired in favour of Miniforge)",
        until: None,
    },
];

/// Today's date as `YYYY-MM-DD` (UTC).
fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// The end-of-life line `image` belongs to on `day`, if any.
fn end_of_life(image: &ImageRef, day: &str) -> Option<&'static Line> {
    let tag = image.tag.as_deref().unwrap_or("latest");
    LINES.iter().find(|l| {
        l.repository == image.repository && (l.tag)(tag) && l.until.is_none_or(|u| u < day)
    })
}

/// `dockerfile.base_eol`: every FROM on an image line whose support has ended.
pub(super) fn base_eol(df: &Dockerfile, _: &dyn super::rules::Bases) -> Vec<Finding> {
    findings_on(df, &today())
}

fn findings_on(df: &Dockerfile, day: &str) -> Vec<Finding> {
    df.stages
        .iter()
        .filter_map(|s| s.image().map(|i| (s, i)))
        .filter_map(|(s, i)| end_of_life(&i, day).map(|l| (s, l)))
        .map(|(s, l)| {
            let when = match l.until {
                Some(day) => format!("is end of life since {day}"),
                None => "is no longer developed".to_string(),
            };
            finding(
                s.line(df),
                Status::Warn,
                format!("FROM {}: {} {when}: no more security fixes", s.base, l.what),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eol(reference: &str, day: &str) -> Option<&'static str> {
        end_of_life(&ImageRef::parse(reference), day).map(|l| l.what)
    }

    #[test]
    fn lines_end_on_their_date() {
        assert_eq!(eol("python:3.8-slim", "2026-12-04"), Some("Python 3.8"));
        assert_eq!(
            eol("python:3.8.18", "2024-10-07"),
            None,
            "still supported on its last day"
        );
        assert_eq!(eol("python:3.8.18", "2024-10-08"), Some("Python 3.8"));
        assert_eq!(
            eol("python:3.11-slim-buster", "2026-12-04"),
            Some("Debian 10 (buster)")
        );
        assert_eq!(
            eol("docker.io/library/debian:buster-slim", "2026-12-04"),
            Some("Debian 10 (buster)")
        );
        assert_eq!(
            eol("mambaorg/micromamba:1.5.8", "2026-12-04"),
            Some("micromamba 1.x (superseded by 2.x)")
        );
        assert_eq!(
            eol("condaforge/mambaforge:23.1.0-1", "2026-12-04"),
            Some("Mambaforge (retired in favour of Miniforge)")
        );
    }

    #[test]
    fn current_lines_pass() {
        for image in [
            "python:3.12-slim",
            "python:3.10",
            "python:3.80",
            "mambaorg/micromamba:2.0.5",
            "mambaorg/micromamba:2.3.0-debian12-slim",
            "debian:bookworm-slim",
            "debian:12",
            "ubuntu:24.04",
            "condaforge/miniforge3:24.9.2-0",
        ] {
            assert_eq!(eol(image, "2026-12-04"), None, "{image}");
        }
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.as_str() > "2024-01-01");
    }
}
