//! `dockerfile.env_name`: the environment a command runs in (`conda run -n NAME`, `conda
//! activate NAME`) is one the image creates. A name that differs from the one `conda env
//! create -f environment.yml` gives (the file's `name:`) makes the container fail at start.

use super::rules::Bases;
use super::shell;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{words, Dockerfile, Instruction, Stage};
use crate::probes::env::CopiedEnvFile;
use std::path::Path;

/// Base images whose environments are all visible in the Dockerfile: only `base` comes with
/// them. On another base an environment may come from the base image itself.
pub(super) const CONDA_BASES: &[&str] = &[
    "mambaorg/micromamba",
    "continuumio/miniconda3",
    "continuumio/anaconda3",
    "condaforge/miniforge3",
    "condaforge/mambaforge",
];

/// The value of `-n NAME`, `--name NAME` or `--name=NAME` in `cmd`.
fn name_option(cmd: &[String]) -> Option<String> {
    cmd.iter().enumerate().find_map(|(i, w)| match w.as_str() {
        "-n" | "--name" => cmd.get(i + 1).cloned(),
        _ => w.strip_prefix("--name=").map(str::to_string),
    })
}

/// The value of `-f FILE`, `--file FILE` or `--file=FILE` in `cmd`.
pub(super) fn file_option(cmd: &[String]) -> Option<String> {
    cmd.iter().enumerate().find_map(|(i, w)| match w.as_str() {
        "-f" | "--file" => cmd.get(i + 1).cloned(),
        _ => w.strip_prefix("--file=").map(str::to_string),
    })
}

/// The instructions of the final stage and the stages it is built on.
fn final_lineage(df: &Dockerfile) -> Vec<&Stage> {
    df.stages
        .len()
        .checked_sub(1)
        .map(|last| df.lineage(last))
        .unwrap_or_default()
}

fn body<'a>(df: &'a Dockerfile, lineage: &[&Stage]) -> Vec<&'a Instruction> {
    lineage.iter().rev().flat_map(|s| s.body(df)).collect()
}

/// The name an environment file the image COPYs gives the environment it creates (`-f F`),
/// read through `bases`: the first of the candidates that names one.
fn created_from_file(
    df: &Dockerfile,
    ins: &[&Instruction],
    file: &str,
    bases: &dyn Bases,
) -> Option<String> {
    sources(df, ins, file)
        .iter()
        .find_map(|src| bases.env_file(df, src)?.name)
}

/// The environment file `file` (as a RUN names it in the image) that `ins` COPY or ADD from
/// the build context, read through `bases`: the first of the candidates that can be read.
pub(super) fn copied_file(
    df: &Dockerfile,
    ins: &[&Instruction],
    file: &str,
    bases: &dyn Bases,
) -> Option<CopiedEnvFile> {
    sources(df, ins, file)
        .iter()
        .find_map(|src| bases.env_file(df, src))
}

/// Where in the build context `file` (as a RUN names it in the image) may come from: the
/// COPY/ADD source with its file name, or `file` inside a folder that is copied whole (`COPY .
/// /app`).
fn sources(df: &Dockerfile, ins: &[&Instruction], file: &str) -> Vec<String> {
    let Some(wanted) = Path::new(file).file_name() else {
        return Vec::new();
    };
    let wanted = wanted.to_string_lossy().into_owned();
    let mut candidates: Vec<String> = Vec::new();
    for i in ins
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
    {
        let ws = words(&i.args, df.escape);
        let sources = ws.len().saturating_sub(1);
        let dest = ws.last().cloned().unwrap_or_default();
        for src in ws.into_iter().take(sources) {
            if Path::new(&src).file_name().is_some_and(|n| *n == *wanted)
                || Path::new(&dest).file_name().is_some_and(|n| *n == *wanted)
            {
                candidates.push(src);
            } else if src == "." || src.ends_with('/') {
                candidates.push(format!("{}/{wanted}", src.trim_end_matches('/')));
            }
        }
    }
    candidates
}

/// Whether `cmd` creates an environment: `<mamba> create`, `<mamba> env create`, or
/// `conda-lock install`.
fn creates(cmd: &[String]) -> bool {
    shell::mamba_subcommand(cmd).is_some_and(|(_, s)| s == "create")
        || shell::is_conda_lock_install(cmd)
}

/// Whether the Dockerfile creates a named environment, for the rule to judge.
pub(super) fn creates_an_environment(df: &Dockerfile) -> bool {
    body(df, &final_lineage(df)).iter().any(|i| {
        i.keyword == "RUN"
            && shell::commands(&i.command_text())
                .iter()
                .any(|c| creates(c))
    })
}

/// The environments the image creates, or `None` when one of them cannot be told (a
/// `create -f FILE` whose file is not found, a `create -p PREFIX`).
fn created(df: &Dockerfile, ins: &[&Instruction], bases: &dyn Bases) -> Option<Vec<String>> {
    let mut names = vec!["base".to_string()];
    for i in ins.iter().filter(|i| i.keyword == "RUN") {
        for cmd in shell::commands(&i.command_text()) {
            if !creates(&cmd) {
                continue;
            }
            if shell::is_conda_lock_install(&cmd) {
                // Named by `-n` only (`-p PREFIX` makes no named environment to tell).
                names.push(name_option(&cmd)?);
                continue;
            }
            // `conda env create` with no `-f` reads environment.yml.
            let file = || {
                file_option(&cmd).or_else(|| {
                    cmd.iter()
                        .any(|w| w == "env")
                        .then(|| "environment.yml".into())
                })
            };
            let name = match name_option(&cmd) {
                Some(n) => n,
                None => created_from_file(df, ins, &file()?, bases)?,
            };
            names.push(name);
        }
    }
    Some(names)
}

/// The environment `words` run in: `conda run -n NAME …`, `conda activate NAME`,
/// `source activate NAME`.
fn used(words: &[String]) -> Option<String> {
    let program =
        |w: &String| matches!(w.rsplit('/').next(), Some("conda" | "mamba" | "micromamba"));
    words.windows(2).enumerate().find_map(|(i, w)| {
        let rest = &words[i + 2..];
        match (w[0].as_str(), w[1].as_str()) {
            (_, "run") if program(&w[0]) => name_option(rest),
            (_, "activate") if program(&w[0]) || w[0] == "source" || w[0] == "." => {
                rest.first().filter(|n| !n.starts_with('-')).cloned()
            }
            _ => None,
        }
    })
}

pub(super) fn env_name(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let lineage = final_lineage(df);
    let on_conda_base = lineage
        .last()
        .and_then(|s| s.image())
        .is_some_and(|i| CONDA_BASES.contains(&i.repository.as_str()));
    let ins = body(df, &lineage);
    // An environment copied from another stage or image is not seen being created.
    let copied = ins.iter().any(|i| i.flag("from").is_some());
    if !on_conda_base || copied {
        return Vec::new();
    }
    let Some(names) = created(df, &ins, bases) else {
        return Vec::new();
    };
    let made: Vec<String> = names
        .iter()
        .filter(|n| *n != "base")
        .map(|n| format!("`{n}`"))
        .collect();
    if made.is_empty() {
        return Vec::new();
    }
    ins.iter()
        .filter(|i| matches!(i.keyword.as_str(), "RUN" | "CMD" | "ENTRYPOINT" | "SHELL"))
        .filter_map(|i| {
            let cmds = match &i.exec {
                Some(exec) => vec![exec.clone()],
                None => shell::commands(&i.command_text()),
            };
            let name = cmds.iter().find_map(|c| used(c))?;
            (!names.contains(&name) && !name.starts_with('$')).then(|| {
                finding(
                    i.line,
                    Status::Fail,
                    format!(
                        "{} runs in the environment `{name}`, which the image never creates (it creates {}): the command fails",
                        i.keyword,
                        made.join(", ")
                    ),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The environment files of a build context, by COPY source.
    struct Files(&'static [(&'static str, &'static str)]);
    impl Bases for Files {
        fn local(&self, _: &str) -> Option<super::super::rules::BaseImage> {
            None
        }
        fn env_file(&self, _: &Dockerfile, source: &str) -> Option<CopiedEnvFile> {
            let source = source.trim_start_matches("./");
            self.0
                .iter()
                .find(|(s, _)| *s == source)
                .map(|(_, n)| CopiedEnvFile {
                    name: Some(n.to_string()),
                    channels: Vec::new(),
                })
        }
    }

    fn judge(text: &str) -> Vec<(usize, Status)> {
        let df = Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), text);
        let files = Files(&[("environment.yml", "myenv"), ("envs/api.yml", "api")]);
        env_name(&df, &files)
            .into_iter()
            .map(|f| (f.line, f.status))
            .collect()
    }

    #[test]
    fn a_command_in_an_environment_the_image_never_creates_fails() {
        // jenkins_fastapi: `conda env create -f environment.yml` makes `myenv`.
        let wrong = "FROM continuumio/miniconda3:24.7.1-0\nCOPY . /app\nRUN conda env create -f environment.yml\nCMD [\"conda\", \"run\", \"-n\", \"flask\", \"python\", \"app.py\"]\n";
        assert_eq!(judge(wrong), [(4, Status::Fail)]);
        assert!(judge(&wrong.replace("flask", "myenv")).is_empty());
        // Shell form, activate, a file COPYed by name, `-n` at create, and base.
        let shell = "FROM mambaorg/micromamba:2.0.5\nCOPY envs/api.yml /tmp/env.yml\nRUN micromamba env create -f /tmp/api.yml && micromamba clean -ay\nRUN micromamba create -y -n tools python\nSHELL [\"micromamba\", \"run\", \"-n\", \"tools\", \"/bin/bash\", \"-c\"]\nRUN conda activate api && python -V\nCMD micromamba run -n base python -V\n";
        assert!(judge(shell).is_empty(), "{:?}", judge(shell));
        assert_eq!(
            judge(&shell.replace("activate api", "activate apx")),
            [(6, Status::Fail)]
        );
        // `conda-lock install -n NAME` creates NAME (the UBC teaching template's image).
        let lock = "FROM condaforge/miniforge3:24.11.3-0\nCOPY conda-lock.yml /tmp/conda-lock.yml\nRUN conda-lock install -n dockerlock /tmp/conda-lock.yml && conda clean --all --yes\nCMD [\"conda\", \"run\", \"-n\", \"dockrlock\", \"python\", \"-V\"]\n";
        let df = Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), lock);
        assert!(creates_an_environment(&df));
        assert_eq!(judge(lock), [(4, Status::Fail)]);
        assert!(judge(&lock.replace("dockrlock", "dockerlock")).is_empty());
        // By prefix: no name to tell.
        assert!(judge(&lock.replace("-n dockerlock", "-p /opt/env")).is_empty());
    }

    #[test]
    fn what_cannot_be_told_is_not_judged() {
        for text in [
            // The environment may come with another base image, or from another stage.
            "FROM myorg/conda-base:1\nRUN conda create -y -n a python\nCMD [\"conda\", \"run\", \"-n\", \"b\", \"x\"]\n",
            "FROM mambaorg/micromamba:2.0.5\nCOPY --from=build /opt/conda/envs/b /opt/conda/envs/b\nRUN micromamba create -y -n a python\nCMD [\"micromamba\", \"run\", \"-n\", \"b\", \"x\"]\n",
            // A create whose file is not found, or by prefix: the names are not all known.
            "FROM mambaorg/micromamba:2.0.5\nRUN micromamba env create -f missing.yml\nCMD [\"micromamba\", \"run\", \"-n\", \"b\", \"x\"]\n",
            "FROM mambaorg/micromamba:2.0.5\nRUN micromamba create -y -p /opt/env python\nCMD [\"micromamba\", \"run\", \"-n\", \"b\", \"x\"]\n",
            // A variable is resolved at run time.
            "FROM mambaorg/micromamba:2.0.5\nRUN micromamba create -y -n a python\nCMD micromamba run -n $ENV_NAME x\n",
        ] {
            assert!(judge(text).is_empty(), "{text}");
        }
    }
}
