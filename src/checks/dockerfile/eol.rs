//! Base-image lines that are end of life: no more security fixes. A small dated table,
//! judged against today's date, so a line becomes a finding on the day its support ends.

use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{Dockerfile, ImageRef};

/// One end-of-life line: the repository, the tags that belong to it, what it is, and the last
/// day of support (ISO 8601), or `None` for a line that has stopped (`stopped` says how).
struct Line {
    repository: &'static str,
    tags: Tags,
    what: &'static str,
    until: Option<&'static str>,
    stopped: &'static str,
}

/// Which tags of a repository belong to a line.
enum Tags {
    /// A tag that is one of these versions or starts with one followed by `.` or `-`
    /// (`3.8`, `3.8.18`, `3.8-slim`), or that names one of these release codenames anywhere
    /// between `-` and `.` (`buster`, `3.8-slim-buster`).
    Of(&'static [&'static str], &'static [&'static str]),
    /// Every tag: the whole repository is retired.
    All,
}

impl Tags {
    fn hold(&self, tag: &str) -> bool {
        match self {
            Tags::Of(versions, codenames) => {
                versions.iter().any(|v| version(tag, v))
                    || codenames.iter().any(|c| codename(tag, c))
            }
            Tags::All => true,
        }
    }
}

/// `tag` is `version` or starts with it followed by `.` or `-`.
fn version(tag: &str, version: &str) -> bool {
    tag.strip_prefix(version)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-']))
}

/// A release codename named anywhere in a tag.
fn codename(tag: &str, codename: &str) -> bool {
    tag.split(['-', '.']).any(|part| part == codename)
}

const fn line(
    repository: &'static str,
    versions: &'static [&'static str],
    codenames: &'static [&'static str],
    what: &'static str,
    until: &'static str,
) -> Line {
    Line {
        repository,
        tags: Tags::Of(versions, codenames),
        what,
        until: Some(until),
        stopped: "",
    }
}

#[rustfmt::skip]
const LINES: &[Line] = &[
    line("python", &["2.7"], &[], "Python 2.7", "2020-01-01"),
    line("python", &["3.5"], &[], "Python 3.5", "2020-09-30"),
    line("python", &["3.6"], &[], "Python 3.6", "2021-12-23"),
    line("python", &["3.7"], &[], "Python 3.7", "2023-06-27"),
    line("python", &["3.8"], &[], "Python 3.8", "2024-10-07"),
    line("python", &["3.9"], &[], "Python 3.9", "2025-10-31"),
    line("python", &["3.10"], &[], "Python 3.10", "2026-10-31"),
    line("python", &[], &["stretch"], "Debian 9 (stretch)", "2022-06-30"),
    line("python", &[], &["buster"], "Debian 10 (buster)", "2024-06-30"),
    line("python", &[], &["bullseye"], "Debian 11 (bullseye)", "2026-08-31"),
    line("debian", &["9"], &["stretch"], "Debian 9 (stretch)", "2022-06-30"),
    line("debian", &["10"], &["buster"], "Debian 10 (buster)", "2024-06-30"),
    line("debian", &["11"], &["bullseye"], "Debian 11 (bullseye)", "2026-08-31"),
    line("ubuntu", &["18.04"], &["bionic"], "Ubuntu 18.04", "2023-05-31"),
    line("ubuntu", &["20.04"], &["focal"], "Ubuntu 20.04", "2025-05-31"),
    // NVIDIA's CUDA images name their OS at the end of the tag (`11.3.1-cudnn8-runtime-ubuntu18.04`).
    line("nvidia/cuda", &[], &["ubuntu16"], "Ubuntu 16.04", "2021-04-30"),
    line("nvidia/cuda", &[], &["ubuntu18"], "Ubuntu 18.04", "2023-05-31"),
    line("nvidia/cuda", &[], &["ubuntu20"], "Ubuntu 20.04", "2025-05-31"),
    line("nvidia/cuda", &[], &["centos7", "ubi7"], "CentOS 7 / UBI 7", "2024-06-30"),
    Line {
        repository: "mambaorg/micromamba",
        tags: Tags::Of(&["0", "1"], &[]),
        what: "micromamba before 2.0 (0.x and 1.x, superseded by 2.x)",
        until: None,
        stopped: "is no longer developed",
    },
    Line {
        repository: "condaforge/mambaforge",
        tags: Tags::All,
        what: "Mambaforge (retired in favour of Miniforge)",
        until: None,
        stopped: "is no longer developed",
    },
];

/// Today's date as `YYYY-MM-DD` (UTC).
fn today() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10].to_string()
}

/// The Jupyter Docker Stacks' images on Docker Hub: the project stopped pushing there on
/// 2023-10-20 and publishes every image on quay.io/jupyter since.
const JUPYTER_ON_DOCKER_HUB: Line = Line {
    repository: "jupyter/…",
    tags: Tags::All,
    what: "the Jupyter Docker Stacks' Docker Hub copy (frozen on 2023-10-20; quay.io/jupyter has the updated images)",
    until: None,
    stopped: "is no longer updated",
};

/// The end-of-life line `image` belongs to on `day`, if any.
fn end_of_life(image: &ImageRef, day: &str) -> Option<&'static Line> {
    if image.registry.is_none() && super::rules::jupyter_stack(image) {
        return Some(&JUPYTER_ON_DOCKER_HUB);
    }
    let tag = image.tag.as_deref().unwrap_or("latest");
    LINES.iter().find(|l| {
        l.repository == image.repository && l.tags.hold(tag) && l.until.is_none_or(|u| u < day)
    })
}

/// The oldest Python line still supported on `day`: the one after the newest that has ended
/// (`3.11` once 3.10's support is over), for fixes that say what to move to.
pub(super) fn oldest_supported_python(day: &str) -> String {
    let minor = |l: &Line| match &l.tags {
        Tags::Of([v], []) if l.repository == "python" => {
            v.strip_prefix("3.").and_then(|m| m.parse::<u32>().ok())
        }
        _ => None,
    };
    let ended = LINES
        .iter()
        .filter(|l| l.until.is_some_and(|u| u < day))
        .filter_map(minor)
        .max();
    let oldest_listed = LINES.iter().filter_map(minor).min().unwrap_or(6);
    format!("3.{}", ended.map_or(oldest_listed, |m| m + 1))
}

/// The day support of Python `major.minor` ended, when it has ended by today.
pub(crate) fn python_ended(major: u32, minor: u32) -> Option<&'static str> {
    python_ended_on(major, minor, &today())
}

fn python_ended_on(major: u32, minor: u32, day: &str) -> Option<&'static str> {
    let version = format!("{major}.{minor}");
    LINES
        .iter()
        .filter(|l| l.repository == "python")
        .find(|l| matches!(&l.tags, Tags::Of([v], []) if *v == version))
        .and_then(|l| l.until)
        .filter(|u| *u < day)
}

/// [`oldest_supported_python`] today.
pub(crate) fn oldest_supported_python_today() -> String {
    oldest_supported_python(&today())
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
                None => l.stopped.to_string(),
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

    #[test]
    fn python_lines_end_on_their_day() {
        assert_eq!(python_ended_on(3, 8, "2026-12-06"), Some("2024-10-07"));
        assert_eq!(python_ended_on(2, 7, "2026-12-06"), Some("2020-01-01"));
        assert_eq!(python_ended_on(3, 10, "2026-10-31"), None);
        assert_eq!(python_ended_on(3, 10, "2026-11-01"), Some("2026-10-31"));
        assert_eq!(python_ended_on(3, 12, "2026-12-06"), None);
    }

    fn eol(reference: &str, day: &str) -> Option<&'static str> {
        end_of_life(&ImageRef::parse(reference), day).map(|l| l.what)
    }

    #[test]
    fn the_oldest_supported_python_follows_the_table() {
        assert_eq!(oldest_supported_python("2026-10-31"), "3.10");
        assert_eq!(oldest_supported_python("2026-11-01"), "3.11");
        assert_eq!(oldest_supported_python("2025-01-01"), "3.9");
        assert_eq!(oldest_supported_python("2020-01-01"), "3.5");
        assert_eq!(oldest_supported_python("2021-01-01"), "3.6");
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
        assert_eq!(eol("python:3.10-slim", "2026-10-31"), None);
        assert_eq!(eol("python:3.10-slim", "2026-12-04"), Some("Python 3.10"));
        assert_eq!(eol("python:3.100", "2026-12-04"), None);
        assert_eq!(
            eol("python:3.11-slim-buster", "2026-12-04"),
            Some("Debian 10 (buster)")
        );
        assert_eq!(
            eol("docker.io/library/debian:buster-slim", "2026-12-04"),
            Some("Debian 10 (buster)")
        );
        assert_eq!(
            eol("ubuntu:focal-20240530", "2026-12-04"),
            Some("Ubuntu 20.04"),
            "a dated tag of a codename"
        );
        // NVIDIA's CUDA images, by the OS at the end of the tag (aqlaboratory/openfold).
        assert_eq!(
            eol(
                "nvidia/cuda:11.3.1-cudnn8-runtime-ubuntu18.04",
                "2026-12-04"
            ),
            Some("Ubuntu 18.04")
        );
        assert_eq!(
            eol("nvidia/cuda:12.4.1-devel-ubuntu22.04", "2026-12-04"),
            None
        );
        assert_eq!(
            eol("nvidia/cuda:11.8.0-base-ubi7", "2026-12-04"),
            Some("CentOS 7 / UBI 7")
        );
        assert_eq!(
            eol("mambaorg/micromamba:0.25.1", "2026-12-04"),
            Some("micromamba before 2.0 (0.x and 1.x, superseded by 2.x)")
        );
        assert_eq!(
            eol("mambaorg/micromamba:1.5.8", "2026-12-04"),
            Some("micromamba before 2.0 (0.x and 1.x, superseded by 2.x)")
        );
        assert_eq!(
            eol("condaforge/mambaforge:23.1.0-1", "2026-12-04"),
            Some("Mambaforge (retired in favour of Miniforge)")
        );
        // The Jupyter stacks moved registries: the Docker Hub copy is frozen, quay.io's is not.
        assert_eq!(
            eol("jupyter/datascience-notebook:latest", "2026-12-04"),
            Some(JUPYTER_ON_DOCKER_HUB.what)
        );
        assert_eq!(
            eol("quay.io/jupyter/scipy-notebook:python-3.11.8", "2026-12-04"),
            None
        );
        assert_eq!(eol("jupyter/repo2docker:main", "2026-12-04"), None);
    }

    #[test]
    fn current_lines_pass() {
        for image in [
            "python:3.12-slim",
            "python:3.11",
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
