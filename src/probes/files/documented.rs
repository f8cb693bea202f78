//! The images the project's own Makefile, scripts and README build (`docker build -t
//! topsapp_img .`), so that a fix rebuilds a Dockerfile under the name the project runs it
//! by, not one made up from the folder. Read as text, never run.

use crate::core::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One `docker build` a project file documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocumentedBuild {
    /// The first `-t`/`--tag`, as written.
    pub tag: String,
    /// The Dockerfile it builds, from the project root (`-f`, else `CONTEXT/Dockerfile`).
    pub dockerfile: PathBuf,
}

/// `docker build` options that take a value (the rest are flags).
const VALUED: &[&str] = &[
    "-t",
    "--tag",
    "-f",
    "--file",
    "--build-arg",
    "--target",
    "--platform",
    "--network",
    "--label",
    "--cache-from",
    "--cache-to",
    "--secret",
    "--ssh",
    "-o",
    "--output",
    "--progress",
    "--add-host",
    "--iidfile",
    "--shm-size",
    "--ulimit",
    "-m",
    "--memory",
    "--build-context",
];

/// The tag, `-f` file and context of every `docker build` (or `docker buildx build`,
/// `podman build`) in `text`, by line; a tag or path through a variable is not known.
pub(crate) fn builds_in(text: &str) -> Vec<(usize, String, Option<String>, String)> {
    let mut out = Vec::new();
    // `cd jupyter && docker build …`: the paths are the folder's, to the end of that line.
    let mut cd: Option<(usize, String)> = None;
    for (line, segment) in commands_in(text) {
        if let Some(dir) = segment.trim().strip_prefix("cd ") {
            cd = Some((line, dir.trim().to_string())).filter(|(_, d)| !d.contains(['$', '~', ' ']));
            continue;
        }
        if let Some((tag, file, context)) = build_of(&segment) {
            let within = |p: String| match &cd {
                Some((at, d)) if *at == line => format!("{d}/{p}"),
                _ => p,
            };
            out.push((line, tag, file.map(within), within(context)));
        }
    }
    out
}

/// The commands of `text`, each with its line: backticks dropped, a prompt (`$`) or make's
/// `@` stripped, comment lines skipped, and a line split at `&`, `;` and `|`.
fn commands_in(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.replace('`', " ");
        let line = line.trim_start().trim_start_matches(['@', '$', ' ', '\t']);
        if line.starts_with('#') {
            continue;
        }
        out.extend(
            line.split(['&', ';', '|'])
                .map(|segment| (i + 1, segment.to_string())),
        );
    }
    out
}

fn build_of(segment: &str) -> Option<(String, Option<String>, String)> {
    let words = shlex::split(segment)?;
    let at = words.iter().position(|w| w == "docker" || w == "podman")?;
    let rest = match words.get(at + 1..)? {
        [b, rest @ ..] if b == "build" => rest,
        [x, b, rest @ ..] if x == "buildx" && b == "build" => rest,
        _ => return None,
    };
    let (mut tag, mut file, mut context) = (None, None, None);
    let mut it = rest.iter();
    while let Some(w) = it.next() {
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (w.as_str(), None),
        };
        if VALUED.contains(&name) {
            let value = inline.or_else(|| it.next().cloned());
            match name {
                "-t" | "--tag" if tag.is_none() => tag = value,
                "-f" | "--file" => file = value,
                _ => {}
            }
        } else if !w.starts_with('-') {
            context = Some(w.clone());
        }
    }
    let plain = |s: &String| !s.is_empty() && !s.contains(['$', '`', '<', '{']);
    let tag = tag.filter(plain)?;
    let context = context.filter(|c| plain(c) && !c.contains("://"))?;
    Some((tag, file.filter(plain), context))
}

/// Every build the project's Makefiles, scripts and README document, the first per
/// Dockerfile kept (see [`crate::probes::files::instruction_sources`] for the order).
pub(crate) fn documented_builds(ctx: &Context) -> Arc<Vec<DocumentedBuild>> {
    ctx.probe(|ctx| {
        let root = &ctx.settings.project_dir;
        let found = crate::probes::files::project_files(ctx);
        // The README beside a Dockerfile in a subfolder says how that image is built too
        // (TOSTRING-Z/chatx's mcp_client/mcp_server/README.md).
        let beside = found
            .dockerfiles
            .iter()
            .filter_map(|d| d.parent())
            .filter(|d| *d != root.as_path())
            .flat_map(|d| crate::probes::files::READMES.iter().map(move |r| d.join(r)))
            .filter(|p| p.is_file());
        let mut sources = crate::probes::files::instruction_sources(root, &found.scripts);
        sources.extend(beside);
        let mut out: Vec<DocumentedBuild> = Vec::new();
        for source in sources {
            let Ok(bytes) = crate::disk::read_head(&source, crate::probes::files::SCRIPT_BYTES)
            else {
                continue;
            };
            let dir = source.parent().unwrap_or(root);
            // A README's commands run from the project root; a script's, from its folder as
            // often: the root is taken, the script's folder where the root holds no such file.
            for (_, tag, file, context) in builds_in(&String::from_utf8_lossy(&bytes)) {
                let dockerfile = |base: &Path| {
                    crate::disk::lexical(&match &file {
                        Some(f) => base.join(f),
                        None => base.join(&context).join("Dockerfile"),
                    })
                };
                // Looked up one name at a time, through no linked folder: nothing outside
                // the project is even looked at.
                let here = |p: &PathBuf| {
                    p.strip_prefix(root)
                        .is_ok_and(|rel| crate::disk::lookup_under(root, rel) == Some(true))
                };
                // A README in a subfolder speaks of the image built there.
                let order = if dir == root.as_path() || !is_readme(&source) {
                    [dockerfile(root), dockerfile(dir)]
                } else {
                    [dockerfile(dir), dockerfile(root)]
                };
                let Some(path) = order.into_iter().find(here) else {
                    continue;
                };
                if !out.iter().any(|b| b.dockerfile == path) {
                    out.push(DocumentedBuild {
                        tag,
                        dockerfile: path,
                    });
                }
            }
        }
        out
    })
}

/// The `-f` files of each `docker compose` (or `docker-compose`, `podman compose`) command in
/// `text`, by line; a command without `-f` gives none.
pub(crate) fn compose_files_in(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (line, segment) in commands_in(text) {
        let Some(words) = shlex::split(&segment) else {
            continue;
        };
        let Some(at) = words
            .iter()
            .position(|w| w == "docker-compose" || w == "podman-compose" || w == "compose")
        else {
            continue;
        };
        let mut files = Vec::new();
        let mut it = words[at + 1..].iter();
        while let Some(w) = it.next() {
            let file = match w.as_str() {
                "-f" | "--file" => it.next().cloned(),
                _ => w.strip_prefix("--file=").map(str::to_string),
            };
            files.extend(file.filter(|f| !f.is_empty() && !f.contains(['$', '`', '<', '{'])));
        }
        if !files.is_empty() {
            out.push((line, files));
        }
    }
    out
}

/// The compose files the project's Makefiles, scripts and README run on their own (`docker
/// compose -f docker-compose.dev.yml up`, vsisl/dash-chatgpt-challenge): a whole stack of
/// its own, not a variant merged over the base file. By file name, in the project root.
pub(crate) fn compose_files_alone(ctx: &Context) -> Arc<Vec<String>> {
    ctx.probe(|ctx| {
        let root = &ctx.settings.project_dir;
        let found = crate::probes::files::project_files(ctx);
        let mut out: Vec<String> = Vec::new();
        for source in crate::probes::files::instruction_sources(root, &found.scripts) {
            let Ok(bytes) = crate::disk::read_head(&source, crate::probes::files::SCRIPT_BYTES)
            else {
                continue;
            };
            for (_, files) in compose_files_in(&String::from_utf8_lossy(&bytes)) {
                if let [one] = files.as_slice() {
                    let one = one.trim_start_matches("./").to_string();
                    if !out.contains(&one) {
                        out.push(one);
                    }
                }
            }
        }
        out
    })
}

fn is_readme(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| crate::probes::files::READMES.iter().any(|r| *n == **r))
}

#[cfg(test)]
mod tests {
    use super::{builds_in, compose_files_in};

    #[test]
    fn compose_commands_give_their_files() {
        let text = "```\ndocker compose -f docker-compose.dev.yml up --build\n```\n\
                    docker-compose -f docker-compose.yml -f docker-compose.prod.yml up -d\n\
                    docker compose up\n\
                    docker compose --file=\"$F\" up\n";
        let s = |x: &str| x.to_string();
        assert_eq!(
            compose_files_in(text),
            [
                (2, vec![s("docker-compose.dev.yml")]),
                (
                    4,
                    vec![s("docker-compose.yml"), s("docker-compose.prod.yml")]
                ),
            ]
        );
    }

    #[test]
    fn build_commands_give_their_tag_file_and_context() {
        let text = "Build it:\n\n```\ndocker build -t topsapp_img .\n```\n\
                    $ docker buildx build --platform linux/amd64 --tag=ghcr.io/org/app:dev -f docker/Dockerfile docker\n\
                    cd jupyter && docker build --no-cache -t jupyterdatascienceimage .\n\
                    docker build -t \"$IMAGE\" .\n\
                    docker build .\n\
                    # docker build -t commented .\n\
                    docker run -t app\n";
        let got: Vec<(usize, String, Option<String>, String)> = builds_in(text);
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            [
                (4, s("topsapp_img"), None, s(".")),
                (
                    6,
                    s("ghcr.io/org/app:dev"),
                    Some(s("docker/Dockerfile")),
                    s("docker")
                ),
                (7, s("jupyterdatascienceimage"), None, s("jupyter/.")),
            ]
        );
    }
}
