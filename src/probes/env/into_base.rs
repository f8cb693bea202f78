//! Whether an environment file is written for an image: a Dockerfile of the project installs
//! it into the image's base environment.

use crate::core::Context;
use std::collections::HashMap;
use std::path::Path;

/// Where a Dockerfile installs the environment file `file` into the image's base environment
/// (`COPY conda.yml /tmp/conda.yml` then `micromamba install -n base -f /tmp/conda.yml`, the
/// mambaorg/micromamba and Seqera/Wave pattern): the Dockerfile as shown and the RUN line.
/// Such a file describes the image, not an environment to create on the host. The file may
/// be copied under another name (`COPY environment.yml /tmp/env.yaml`, then `-f
/// /tmp/env.yaml`) or with its folder (`COPY . /app`, then `-f environment.yml`), and what
/// is installed may be a lock made from it that lies beside it (`-f
/// ./${CONDA_LOCK_NAME}`, an `ARG` naming `conda-linux-64.lock`).
pub(crate) fn installs_into_base(ctx: &Context, file: &Path) -> Option<(String, usize)> {
    let name = file.file_name()?.to_str()?;
    let locks: Vec<String> = file
        .parent()
        .map(super::lock::find)
        .unwrap_or_default()
        .iter()
        .filter_map(|l| Some(l.file_name()?.to_str()?.to_string()))
        .collect();
    // The file's folder as a COPY names it from the project root: `.` or `envs`.
    let folder = file
        .parent()
        .and_then(|p| p.strip_prefix(&ctx.settings.project_dir).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::probes::dockerfile::dockerfiles(ctx)
        .files
        .iter()
        .find_map(|df| {
            let copies: Vec<(Vec<String>, String)> =
                df.instructions
                    .iter()
                    .filter(|i| {
                        matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none()
                    })
                    .filter_map(|i| {
                        let mut words: Vec<String> = i.exec.clone().unwrap_or_else(|| {
                            i.args.split_whitespace().map(str::to_string).collect()
                        });
                        let dest = words.pop()?;
                        Some((words, dest))
                    })
                    .collect();
            let args: HashMap<String, String> = df
                .instructions
                .iter()
                .filter(|i| i.keyword == "ARG")
                .flat_map(|i| crate::probes::dockerfile::key_values("ARG", &i.args, df.escape))
                .filter_map(|(k, v)| Some((k, v?)))
                .collect();
            // The file installed (`-f TARGET`) is `file`, or a lock beside it, copied in by its
            // name (renamed or not) or with its folder.
            let names_it = |target: &str| {
                let (target, _) = crate::probes::dockerfile::expand(target, &args);
                let Some(installed) = Path::new(&target).file_name().and_then(|n| n.to_str())
                else {
                    return false;
                };
                let wanted = installed == name || locks.iter().any(|l| l == installed);
                copies.iter().any(|(sources, dest)| {
                    sources.iter().any(|src| {
                        let src = src.trim_start_matches("./").trim_end_matches('/');
                        let with_folder = src == "." || src.is_empty() || src == folder;
                        let copied = Path::new(src).file_name().and_then(|n| n.to_str());
                        (wanted && (with_folder || copied == Some(installed)))
                            || (copied == Some(name) && *dest == target)
                    })
                })
            };
            let run = df.instructions.iter().find(|i| {
                let words: Vec<&str> = i.args.split_whitespace().collect();
                let base = words.windows(2).any(|w| {
                    (["-n", "--name"].contains(&w[0]) && w[1] == "base") || w[0] == "--name=base"
                });
                i.keyword == "RUN"
                    && base
                    && words.windows(2).any(|w| {
                        let target = match w[0].strip_prefix("--file=") {
                            Some(t) => t,
                            None if ["-f", "--file"].contains(&w[0]) => w[1],
                            None => return false,
                        };
                        names_it(target.trim_matches(['"', '\'']))
                    })
            })?;
            Some((df.display.clone(), run.line))
        })
}
