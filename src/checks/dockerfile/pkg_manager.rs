//! `dockerfile.pkg_manager`: a RUN that calls the package manager of another Linux family
//! than its stage's base image (`apt-get` on `python:alpine`): the command is not there, and
//! the build stops.

use super::rules::Bases;
use super::shell;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{Dockerfile, ImageRef, Stage};

/// A family of Linux distributions, by the package manager it ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Alpine: `apk`.
    Alpine,
    /// Debian and Ubuntu: `apt-get`, `apt`, `dpkg`.
    Debian,
}

impl Family {
    fn name(self) -> &'static str {
        match self {
            Family::Alpine => "Alpine, which has apk",
            Family::Debian => "Debian or Ubuntu, which have apt-get",
        }
    }
}

/// The family an image is known to be of, from its name and tag; `None` when it cannot be
/// told (a publisher's image, a tag that names no distribution).
fn family(image: &ImageRef) -> Option<Family> {
    const DEBIAN_TAGS: &[&str] = &[
        "bookworm", "bullseye", "buster", "trixie", "jammy", "focal", "noble",
    ];
    let tag = image.tag.as_deref().unwrap_or("");
    let words: Vec<&str> = tag.split(['-', '.', '_']).collect();
    let repo = image.repository.as_str();
    if repo == "alpine"
        || repo.ends_with("/alpine")
        || words.iter().any(|w| w.starts_with("alpine"))
    {
        return Some(Family::Alpine);
    }
    let debian_repo = matches!(
        repo,
        "debian"
            | "ubuntu"
            | "continuumio/miniconda3"
            | "condaforge/miniforge3"
            | "mambaorg/micromamba"
    );
    let debian_tag = words
        .iter()
        .any(|w| DEBIAN_TAGS.contains(w) || *w == "ubuntu" || w.starts_with("ubuntu"));
    (debian_repo || debian_tag).then_some(Family::Debian)
}

/// The family a package manager belongs to.
fn needs(program: &str) -> Option<Family> {
    match program {
        "apk" => Some(Family::Alpine),
        "apt-get" | "apt" => Some(Family::Debian),
        _ => None,
    }
}

/// The base image a stage is built on, through the stages it names.
fn root_image(df: &Dockerfile, stage: &Stage) -> Option<ImageRef> {
    df.lineage(stage.index).last().and_then(|s| s.image())
}

pub(super) fn pkg_manager(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for stage in &df.stages {
        let Some(image) = root_image(df, stage) else {
            continue;
        };
        let Some(base) = family(&image) else { continue };
        for ins in stage.body(df).iter().filter(|i| i.keyword == "RUN") {
            let called = shell::commands(&ins.command_text())
                .into_iter()
                .filter_map(|cmd| {
                    let words: Vec<&String> = cmd
                        .iter()
                        .skip_while(|w| matches!(shell::basename(w), "sudo" | "env"))
                        .collect();
                    let program = shell::basename(words.first()?);
                    needs(program)
                        .filter(|&f| f != base)
                        .map(|_| program.to_string())
                })
                .next();
            if let Some(program) = called {
                out.push(finding(
                    ins.line,
                    Status::Fail,
                    format!(
                        "RUN calls `{program}`, but the base image {} is {}: the build stops (`{program}: not found`)",
                        stage_base(df, stage),
                        base.name()
                    ),
                ));
            }
        }
    }
    out
}

/// The stage's base as written, or the image it comes down to.
fn stage_base(df: &Dockerfile, stage: &Stage) -> String {
    df.lineage(stage.index)
        .last()
        .map_or_else(|| stage.base.clone(), |s| s.base.clone())
}

/// Whether any RUN calls a package manager whose family can be told (the rule applies).
pub(super) fn calls_a_package_manager(df: &Dockerfile) -> bool {
    df.instructions
        .iter()
        .filter(|i| i.keyword == "RUN")
        .any(|i| {
            shell::commands(&i.command_text()).iter().any(|cmd| {
                cmd.iter()
                    .find(|w| !matches!(shell::basename(w), "sudo" | "env"))
                    .is_some_and(|w| needs(shell::basename(w)).is_some())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::dockerfile::rules::NoBases;

    fn findings(text: &str) -> Vec<(usize, String)> {
        let df = Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), text);
        pkg_manager(&df, &NoBases)
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect()
    }

    /// carmelosammarco/mcpAuth: `FROM python:alpine`, then `apt-get`.
    #[test]
    fn apt_get_on_alpine_stops_the_build() {
        let f = findings("FROM python:alpine\nRUN apt-get update && apt-get install -y curl\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, 2);
        assert!(
            f[0].1.starts_with(
                "RUN calls `apt-get`, but the base image python:alpine is Alpine, which has apk"
            ),
            "{f:?}"
        );
        let f = findings("FROM debian:bookworm-slim AS base\nFROM base\nRUN sudo apk add curl\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].1
                .contains("the base image debian:bookworm-slim is Debian or Ubuntu"),
            "{f:?}"
        );
    }

    #[test]
    fn the_right_manager_or_an_unknown_base_is_fine() {
        for text in [
            "FROM python:3.12-alpine\nRUN apk add --no-cache curl\n",
            "FROM python:3.12-slim-bookworm\nRUN apt-get update\n",
            "FROM mambaorg/micromamba:2.0.5\nUSER root\nRUN apt-get update\n",
            "FROM ghcr.io/acme/base:1\nRUN apk add curl\n",
            "FROM python:3.12\nRUN apk add curl\n",
            "FROM alpine:3.20\nRUN echo apt-get is not called here\n",
        ] {
            assert_eq!(findings(text), [], "{text}");
        }
    }
}
