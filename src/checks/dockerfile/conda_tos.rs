//! `dockerfile.conda_tos`: Anaconda's own conda (a continuumio image, or a Miniconda or
//! Anaconda installer that the build downloads) has, since mid-2025, a plugin that refuses
//! Anaconda's `defaults` channels until their terms of service are accepted. A build cannot
//! answer the prompt, so the first `conda install`, `create` or `env create` that reaches those
//! channels stops it with `CondaToSNonInteractiveError`.

use super::env_name::{copied_file, file_option};
use super::rules::Bases;
use super::shell;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{words, Dockerfile, ImageRef, Instruction, Stage};

/// The variable that accepts the terms for every channel that asks.
const AUTO_ACCEPT: &str = "CONDA_PLUGINS_AUTO_ACCEPT_TOS";

/// `major.minor` at the start of `version` (`25.5.1-0`, `2025.06-0`) is at least `min`;
/// `None` when it does not start with a version (`main`, `${TAG}`).
fn at_least(version: &str, min: (u32, u32)) -> Option<bool> {
    let mut parts = version.split(['.', '-', '_']);
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor) >= min)
}

/// The first release with the plugin: Miniconda 25.5, Anaconda Distribution 2025.06.
fn first_gated(product: &str) -> (u32, u32) {
    if product.starts_with("Anaconda") || product.ends_with("anaconda3") {
        (2025, 6)
    } else {
        (25, 5)
    }
}

/// A continuumio image whose conda has the plugin: `latest`, no tag, or a release from the
/// first one with it on. An older tag, or one whose release cannot be read, is not judged.
fn gated_image(image: &ImageRef) -> bool {
    let repo = image.repository.as_str();
    if !matches!(repo, "continuumio/miniconda3" | "continuumio/anaconda3") {
        return false;
    }
    match image.tag.as_deref() {
        None | Some("latest") => true,
        Some(tag) => at_least(tag, first_gated(repo)) == Some(true),
    }
}

/// The Miniconda or Anaconda installer a word downloads or runs, when its release has the
/// plugin (`Miniconda3-latest-Linux-x86_64.sh`, `Miniconda3-py311_25.5.1-0-Linux-x86_64.sh`):
/// its file name.
fn gated_installer(word: &str) -> Option<String> {
    let name = shell::basename(word);
    let product = ["Miniconda3-", "Anaconda3-"]
        .into_iter()
        .find(|p| name.starts_with(p))?;
    let rest = &name[product.len()..];
    if !rest.ends_with(".sh") || rest.contains('$') {
        return None;
    }
    // `py311_25.5.1-0-…`: the Python it bundles comes first.
    let release = match rest.split_once('_') {
        Some((py, release)) if py.starts_with("py") => release,
        _ => rest,
    };
    let gated =
        release.starts_with("latest") || at_least(release, first_gated(product)) == Some(true);
    gated.then(|| name.to_string())
}

/// Where the stage's conda comes from, and whether the build has dealt with the terms.
#[derive(Default)]
struct State {
    /// The image or installer of Anaconda's conda with the plugin, as the finding names it.
    anaconda: Option<String>,
    /// The terms are accepted, the `defaults` channels removed, or a `.condarc` of the
    /// project's decides (it cannot be told what it says).
    settled: bool,
}

impl State {
    fn read(&mut self, ins: &Instruction, df: &Dockerfile) {
        match ins.keyword.as_str() {
            "ENV" | "ARG" if ins.args.contains(AUTO_ACCEPT) => self.settled = true,
            "COPY" | "ADD" => {
                let ws = words(&ins.args, df.escape);
                if ws
                    .iter()
                    .any(|w| matches!(shell::basename(w), ".condarc" | "condarc"))
                {
                    self.settled = true;
                }
            }
            _ => {}
        }
    }

    /// Takes in what one command of a RUN does to the state.
    fn command(&mut self, cmd: &[String]) {
        if let Some(installer) = cmd.iter().find_map(|w| gated_installer(w)) {
            self.anaconda.get_or_insert(installer);
        }
        let exports = cmd.first().is_some_and(|w| w == "export")
            && cmd.iter().any(|w| w.starts_with(AUTO_ACCEPT));
        let settles = match shell::mamba_subcommand(cmd) {
            Some(("conda", "tos")) => cmd.iter().any(|w| w == "accept"),
            Some(("conda", "config")) => {
                cmd.iter().any(|w| w == "--remove") && cmd.iter().any(|w| w == "defaults")
            }
            _ => exports,
        };
        self.settled |= settles;
    }
}

/// A conda command that asks the channels for packages, and so meets the terms: install,
/// create, update and their `env` forms, without `--override-channels` and without a
/// `CONDA_PLUGINS_AUTO_ACCEPT_TOS=…` of its own.
fn solves(cmd: &[String]) -> bool {
    let resolves = shell::mamba_subcommand(cmd).is_some_and(|(program, sub)| {
        program == "conda" && matches!(sub, "install" | "create" | "update" | "upgrade")
    });
    resolves
        && !cmd.iter().any(|w| w == "--override-channels")
        && !cmd
            .iter()
            .any(|w| w.starts_with(&format!("{AUTO_ACCEPT}=")))
}

/// For `conda env create|update`: the environment file, when the build copies it from the
/// context and it keeps the `defaults` channels out (`nodefaults`). `None` (not judged) when the
/// file cannot be read; `Some(true)` when it lists `nodefaults`.
fn file_keeps_defaults_out(
    df: &Dockerfile,
    seen: &[&Instruction],
    cmd: &[String],
    bases: &dyn Bases,
) -> Option<bool> {
    if !cmd.iter().any(|w| w == "env") {
        return Some(false);
    }
    let file = file_option(cmd).unwrap_or_else(|| "environment.yml".into());
    let copied = copied_file(df, seen, &file, bases)?;
    Some(copied.channels.iter().any(|c| c == "nodefaults"))
}

/// The conda of the stage's base image, through the stages it is built on.
fn inherited<'a>(df: &'a Dockerfile, stage: &Stage) -> (State, Vec<&'a Instruction>) {
    let lineage = df.lineage(stage.index);
    let mut state = State::default();
    let root = lineage.last().filter(|s| !s.base_unresolved);
    if let Some(image) = root.and_then(|s| s.image()) {
        if gated_image(&image) {
            state.anaconda = Some(lineage.last().map(|s| s.base.clone()).unwrap_or_default());
        }
    }
    let mut seen = Vec::new();
    for parent in lineage.iter().skip(1).rev() {
        for ins in parent.body(df) {
            state.read(ins, df);
            if ins.keyword == "RUN" {
                shell::commands(&ins.command_text())
                    .iter()
                    .for_each(|c| state.command(c));
            }
            seen.push(ins);
        }
    }
    (state, seen)
}

/// The first command of `stage` that stops at the terms, with what it says.
fn stopped(df: &Dockerfile, stage: &Stage, bases: &dyn Bases) -> Option<Finding> {
    let (mut state, mut seen) = inherited(df, stage);
    for ins in stage.body(df) {
        state.read(ins, df);
        seen.push(ins);
        if ins.keyword != "RUN" {
            continue;
        }
        for cmd in shell::commands(&ins.command_text()) {
            state.command(&cmd);
            let Some(source) = state.anaconda.as_deref().filter(|_| !state.settled) else {
                continue;
            };
            if !solves(&cmd) || file_keeps_defaults_out(df, &seen, &cmd, bases) != Some(false) {
                continue;
            }
            let shown: Vec<&str> = shell::strip_wrappers(&cmd)
                .iter()
                .take(3)
                .map(|w| shell::basename(w))
                .take_while(|w| !w.starts_with('-'))
                .collect();
            return Some(finding(
                ins.line,
                Status::Fail,
                format!(
                    "`{}` reaches Anaconda's `defaults` channels, and the conda of {source} refuses them until their terms of service are accepted: the build stops with CondaToSNonInteractiveError",
                    shown.join(" ")
                ),
            ));
        }
    }
    None
}

pub(super) fn conda_tos(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    df.stages
        .iter()
        .filter_map(|s| stopped(df, s, bases))
        .collect()
}

/// Whether a stage installs packages with Anaconda's conda (a continuumio image of a release
/// with the plugin, or such a Miniconda or Anaconda installer).
pub(super) fn uses_anaconda_conda(df: &Dockerfile) -> bool {
    df.stages.iter().any(|s| {
        let (mut state, _) = inherited(df, s);
        s.body(df).iter().filter(|i| i.keyword == "RUN").any(|i| {
            shell::commands(&i.command_text()).iter().any(|c| {
                state.command(c);
                state.anaconda.is_some() && solves(c)
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::env::CopiedEnvFile;

    /// The environment files of a build context, by COPY source, with their channels.
    struct Files(&'static [(&'static str, &'static [&'static str])]);
    impl Bases for Files {
        fn local(&self, _: &str) -> Option<super::super::rules::BaseImage> {
            None
        }
        fn env_file(&self, _: &Dockerfile, source: &str) -> Option<CopiedEnvFile> {
            let source = source.trim_start_matches("./");
            let (_, channels) = self.0.iter().find(|(s, _)| *s == source)?;
            Some(CopiedEnvFile {
                name: Some("app".into()),
                channels: channels.iter().map(|c| c.to_string()).collect(),
            })
        }
    }

    const FILES: Files = Files(&[
        ("environment.yml", &["conda-forge"]),
        ("env/clean.yml", &["conda-forge", "nodefaults"]),
    ]);

    fn judge(text: &str) -> Vec<(usize, String)> {
        let df = Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), text);
        conda_tos(&df, &FILES)
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect()
    }

    #[test]
    fn env_create_on_the_latest_miniconda_image_stops_at_the_terms() {
        let text = "FROM continuumio/miniconda3\nCOPY environment.yml .\nRUN conda env create -f environment.yml\n";
        let found = judge(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 3);
        assert!(found[0].1.contains("`conda env create`"), "{}", found[0].1);
        assert!(
            found[0].1.contains("continuumio/miniconda3"),
            "{}",
            found[0].1
        );
        assert!(found[0].1.contains("CondaToSNonInteractiveError"));
        // The same with `:latest`, a 25.x release, and Anaconda's own image.
        for base in [
            "continuumio/miniconda3:latest",
            "continuumio/miniconda3:25.5.1-0",
            "continuumio/anaconda3:2025.06-0",
        ] {
            let t = text.replace("continuumio/miniconda3", base);
            assert_eq!(judge(&t).len(), 1, "{base}");
        }
    }

    #[test]
    fn an_older_release_or_another_conda_is_not_judged() {
        for base in [
            "continuumio/miniconda3:24.7.1-0",
            "continuumio/anaconda3:2024.10-1",
            "continuumio/miniconda3:${TAG}",
            "continuumio/miniconda3:main",
            "condaforge/miniforge3:latest",
            "mambaorg/micromamba:2.0.5",
        ] {
            let t = format!(
                "FROM {base}\nCOPY environment.yml .\nRUN conda env create -f environment.yml\n"
            );
            assert!(judge(&t).is_empty(), "{base}");
        }
        let pinned =
            "ARG TAG=24.7.1-0\nFROM continuumio/miniconda3:${TAG}\nRUN conda install -y numpy\n";
        assert!(judge(pinned).is_empty());
        assert_eq!(judge(&pinned.replace("24.7.1-0", "25.7.0-2")).len(), 1);
        // micromamba or mamba on the miniconda image do not run Anaconda's plugin.
        let t = "FROM continuumio/miniconda3\nRUN micromamba install -y -n base python\n";
        assert!(judge(t).is_empty());
    }

    #[test]
    fn a_downloaded_installer_brings_the_terms() {
        let latest = "FROM ubuntu:24.04\nRUN wget -q https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh -O /tmp/m.sh && bash /tmp/m.sh -b -p /opt/conda\nENV PATH=/opt/conda/bin:$PATH\nRUN conda install -y -c conda-forge numpy\n";
        let found = judge(latest);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 4);
        assert!(found[0].1.contains("Miniconda3-latest-Linux-x86_64.sh"));
        // In one RUN with the download, after the installer ran.
        let one = "FROM ubuntu:24.04\nRUN curl -fsSLO https://repo.anaconda.com/miniconda/Miniconda3-py311_25.5.1-0-Linux-x86_64.sh && bash Miniconda3-py311_25.5.1-0-Linux-x86_64.sh -b -p /opt/conda && /opt/conda/bin/conda create -y -n app python=3.11\n";
        assert_eq!(judge(one).len(), 1);
        // An installer from before the plugin.
        let old = latest.replace("Miniconda3-latest", "Miniconda3-py39_4.12.0");
        assert!(judge(&old).is_empty());
        let varied = latest.replace("Miniconda3-latest", "Miniconda3-${VERSION}");
        assert!(judge(&varied).is_empty());
    }

    #[test]
    fn accepting_or_leaving_defaults_out_settles_it() {
        let base = "FROM continuumio/miniconda3\nCOPY . /app\n";
        for settled in [
            "RUN conda tos accept --override-channels --channel https://repo.anaconda.com/pkgs/main && conda tos accept --override-channels --channel https://repo.anaconda.com/pkgs/r\nRUN conda env create -f environment.yml\n",
            "ENV CONDA_PLUGINS_AUTO_ACCEPT_TOS=yes\nRUN conda env create -f environment.yml\n",
            "ARG CONDA_PLUGINS_AUTO_ACCEPT_TOS\nRUN conda env create -f environment.yml\n",
            "RUN CONDA_PLUGINS_AUTO_ACCEPT_TOS=true conda env create -f environment.yml\n",
            "RUN conda config --remove channels defaults && conda install -y -c conda-forge numpy\n",
            "RUN conda install -y --override-channels -c conda-forge numpy\n",
            "COPY .condarc /opt/conda/.condarc\nRUN conda install -y numpy\n",
            // The file keeps Anaconda's channels out.
            "RUN conda env create -f env/clean.yml\n",
            // A file the build context does not have: not judged.
            "RUN conda env create -f other.yml\n",
        ] {
            assert!(judge(&format!("{base}{settled}")).is_empty(), "{settled}");
        }
        // Accepting after the create is too late.
        let late = format!("{base}RUN conda env create -f environment.yml\nRUN conda tos accept\n");
        assert_eq!(judge(&late).len(), 1);
    }

    #[test]
    fn one_finding_a_stage_and_stages_inherit_their_base() {
        let text = "FROM continuumio/miniconda3 AS build\nRUN conda create -y -n app python\nRUN conda install -y -n app numpy\nFROM build AS test\nRUN conda install -y -n app pytest\nFROM build AS accepted\nRUN conda tos accept\nFROM accepted\nRUN conda install -y -n app pytest\n";
        let lines: Vec<usize> = judge(text).into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [2, 5]);
    }

    #[test]
    fn the_subject_is_a_stage_that_installs_with_anacondas_conda() {
        let df = |t: &str| Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), t);
        assert!(uses_anaconda_conda(&df(
            "FROM continuumio/miniconda3\nRUN conda install -y numpy\n"
        )));
        assert!(!uses_anaconda_conda(&df(
            "FROM continuumio/miniconda3\nRUN apt-get update\n"
        )));
        assert!(!uses_anaconda_conda(&df(
            "FROM condaforge/miniforge3\nRUN conda install -y numpy\n"
        )));
    }
}
