//! `dockerfile.pkg_manager`: a RUN that calls the package manager of another Linux family
//! than its stage's base image (`apt-get` on `python:alpine`): the command is not there, and
//! the build stops.

use super::rules::Bases;
use super::shell;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{Dockerfile, ImageRef, Instruction, Stage};

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

/// The package managers a RUN calls (past `sudo` and `env`), with the family each needs.
fn managers(ins: &Instruction) -> Vec<(String, Family)> {
    shell::commands(&ins.command_text())
        .iter()
        .filter_map(|cmd| {
            let first = cmd
                .iter()
                .find(|w| !matches!(shell::basename(w), "sudo" | "env"))?;
            let program = shell::basename(first);
            needs(program).map(|f| (program.to_string(), f))
        })
        .collect()
}

fn runs<'a>(df: &'a Dockerfile, stage: &Stage) -> impl Iterator<Item = &'a Instruction> {
    stage.body(df).iter().filter(|i| i.keyword == "RUN")
}

pub(super) fn pkg_manager(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    let mut out = Vec::new();
    for stage in &df.stages {
        // The image the stage comes down to, through the stages it names.
        let Some(root) = df.lineage(stage.index).last().copied() else {
            continue;
        };
        let Some(base) = root.image().as_ref().and_then(family) else {
            continue;
        };
        for ins in runs(df, stage) {
            let wrong = managers(ins).into_iter().find(|(_, f)| *f != base);
            if let Some((program, _)) = wrong {
                out.push(finding(
                    ins.line,
                    Status::Fail,
                    format!(
                        "RUN calls `{program}`, but the base image {} is {}: the build stops (`{program}: not found`)",
                        root.base,
                        base.name()
                    ),
                ));
            }
        }
    }
    out
}

/// Whether any RUN calls a package manager whose family can be told (the rule applies).
pub(super) fn calls_a_package_manager(df: &Dockerfile) -> bool {
    df.stages
        .iter()
        .flat_map(|stage| runs(df, stage))
        .any(|i| !managers(i).is_empty())
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
