//! The `dockerfile.*` rule table: ids, codes, explain texts (with the hadolint / trivy / CIS
//! equivalents) and fixes. Fixes describe Dockerfile edits as manual steps, then rebuild.

use super::rules;
use super::{Asks, FixInput, Rule, Subject};
use crate::core::Fix;

const MICROMAMBA_INSTALL: &str = "RUN micromamba install -y -n base -c conda-forge -f /tmp/environment.yml && micromamba clean --all --yes";

fn fix_syntax(i: &FixInput) -> Fix {
    i.fix(
        "Fix the Dockerfile syntax at the line shown",
        "Docker cannot build a Dockerfile it cannot parse",
        &[format!("Correct the reported lines in {}.", i.where_())],
    )
}

fn fix_user(i: &FixInput) -> Fix {
    if i.jupyter_stack() {
        return i.fix(
            "End the final stage as the stack's user",
            "The Jupyter Docker Stacks run as jovyan; a last `USER root` leaves every other command in the container root",
            &[format!("Edit {}: after the steps that need root, end the final stage with `USER ${{NB_UID}}` (jovyan: uid 1000, group 100), as the stacks' own Dockerfiles do, and copy files with `COPY --chown=${{NB_UID}}:${{NB_GID}} …`; jovyan exists already, so no useradd.", i.where_())],
        );
    }
    if i.micromamba_base() {
        // The base runs as mambauser already: a `USER root` for the steps that need it has
        // to hand back (scbirlab/nf-sbrnaseq's image ends as root).
        return i.fix(
            "Run the final stage as a non-root USER",
            "A container running as root turns any escape or app bug into root on the host's kernel",
            &[format!("Edit {}: after the steps that need root, end the final stage with `USER $MAMBA_USER` (mambaorg/micromamba's own user, mambauser) before CMD, and copy files with `COPY --chown=$MAMBA_USER:$MAMBA_USER …`; the user exists already, so no useradd.", i.where_())],
        );
    }
    let mut asks = Asks::default();
    let steps = [
        format!("Edit {}: base the final stage on {}, which runs as mambauser, or create a user there: `RUN useradd --create-home --uid 1000 app` (Alpine: `RUN adduser -D -u 1000 app`).", i.where_(), i.micromamba(&mut asks)),
        "Set `USER 1000:1000` (or `USER $MAMBA_USER`) in the final stage before CMD, and copy files with `COPY --chown=1000:1000 …`.".to_string(),
    ];
    i.fix_asking(
        "Run the final stage as a non-root USER",
        "A container running as root turns any escape or app bug into root on the host's kernel",
        &steps,
        asks,
    )
}

fn fix_pip(i: &FixInput) -> Fix {
    if let Some((file, line)) = &i.installs_env {
        // The image installs an environment already: the packages join what it installs, and
        // the pip RUN goes.
        let name = file.rsplit('/').next().unwrap_or(file);
        let list = format!(
            "List {} under `dependencies:` in {}, with `conda-forge` as the first channel.",
            named_packages(&i.pip_packages),
            i.env_file_shown
        );
        let list = if name.ends_with(".lock") {
            format!("{list} Then lock it again and render `{name}` from the lock (env.lock's step does both): the image installs `{name}`, not the environment file.")
        } else if crate::probes::env::lock::is_conda_lock_name(name) {
            format!("{list} Then lock it again (env.lock's step): the image installs `{name}`, not the environment file.")
        } else {
            list
        };
        return i.fix(
            "Install the Python packages with the environment the image already installs",
            "The policy installs Python packages from conda-forge with micromamba, never with a Python-level installer",
            &[
                list,
                format!("Edit {}: remove the pip install from the reported RUN; line {line} installs `{file}` already, and the packages come with it.", i.where_()),
            ],
        );
    }
    if i.rebased {
        // dockerfile.python_base's step rebuilds the stage on micromamba from the environment
        // file: one rewrite of the image, not two.
        return i.fix(
            "Install the Python packages with the environment file the micromamba base installs",
            "The policy installs Python packages from conda-forge with micromamba, never with a Python-level installer",
            &[
                format!("List {} under `dependencies:` in {}, with `conda-forge` as the first channel and Python pinned.", named_packages(&i.pip_packages), i.env_file_shown),
                format!("Edit {}: drop the reported install from its RUN; the micromamba base that dockerfile.python_base's step builds on installs {} and the packages with it.", i.where_(), i.env_file_shown),
            ],
        );
    }
    let mut asks = Asks::default();
    let steps = [
        format!("List {} under `dependencies:` in {}, with `conda-forge` as the first channel and Python pinned.", named_packages(&i.pip_packages), i.env_file_shown),
        format!("Edit {}: build on {} and replace the reported RUN with `{}` then `{MICROMAMBA_INSTALL}`.", i.where_(), i.micromamba(&mut asks), i.copy_env(&mut asks)),
    ];
    i.fix_asking(
        "Install the Python packages from conda-forge with micromamba",
        "The policy installs Python packages from conda-forge with micromamba, never with a Python-level installer",
        &steps,
        asks,
    )
}

/// The packages a pip RUN installs as conda-forge names them (`pytorch` (PyPI's `torch`)), for
/// a step to list; "the packages" when the RUN names none (a requirements file).
fn named_packages(pip: &[String]) -> String {
    const SHOWN: usize = 8;
    if pip.is_empty() {
        return "the packages".to_string();
    }
    let mut names: Vec<String> = pip
        .iter()
        .take(SHOWN)
        .map(|p| {
            let lower = p.to_ascii_lowercase();
            match crate::probes::env::requirements::conda_forge_name(&lower) {
                Some(conda) => format!("`{conda}` (PyPI's `{p}`)"),
                None => format!("`{lower}`"),
            }
        })
        .collect();
    if pip.len() > SHOWN {
        names.push(format!("{} more", pip.len() - SHOWN));
    }
    names.join(", ")
}

fn fix_healthcheck(i: &FixInput) -> Fix {
    if i.lenient_healthcheck {
        return i.fix(
            "Make the HEALTHCHECK fail when the app is broken",
            "A HEALTHCHECK that passes on a broken app tells Docker and compose it is healthy",
            &[format!("Edit {}: make the HEALTHCHECK exit non-zero when the app is broken: end it in `|| exit 1`, not `|| exit 0` or `|| true`, and give curl `-f` (`curl -fsS URL || exit 1`), or ask the health route with the image's Python: `{}`.", i.where_(), super::http_healthcheck(&i.python, &i.health_url))],
        );
    }
    i.fix(
        "Add a HEALTHCHECK to the final stage",
        "Without a HEALTHCHECK, Docker and compose report a hung app as running",
        &[
            match &i.worker_probe {
                Some(probe) => format!("Edit {}: give the final stage exactly one HEALTHCHECK, e.g. `HEALTHCHECK --interval=30s --timeout=10s --retries=3 CMD {probe}` (a Celery worker serves no HTTP; it answers the ping over its broker).", i.where_()),
                None => match i.socket_port {
                    Some(port) if i.app_without_route => format!("Edit {}: give the final stage exactly one HEALTHCHECK, e.g. `{}`: no file of the project declares a route with `health` in its path, so a /health URL would be a guess; where the app serves one, ask it instead (`{}`).", i.where_(), super::socket_healthcheck(&i.python, port), i.http_call(&format!("http://127.0.0.1:{port}/ROUTE"))),
                    Some(port) => format!("Edit {}: give the final stage exactly one HEALTHCHECK, e.g. `{}`: the MCP server's code declares no route with `health` in its path, so a /health URL would answer 404; a `/health` route (`@mcp.custom_route(\"/health\", methods=[\"GET\"])`) lets the check ask the app itself.", i.where_(), super::socket_healthcheck(&i.python, port)),
                    None => format!("Edit {}: give the final stage exactly one HEALTHCHECK, e.g. `{}` ({}).", i.where_(), super::http_healthcheck(&i.python, &i.health_url), if i.python == "node" { "node:*-slim ships no curl; Node is there" } else { "slim images such as mambaorg/micromamba and python:*-slim ship no curl; Python is there" }),
                },
            },
        ],
    )
}

fn fix_healthcheck_tool(i: &FixInput) -> Fix {
    if i.stdio_image {
        return i.fix(
            "Remove the HEALTHCHECK of the stdio server's image",
            "A stdio MCP server listens on no port, so a HEALTHCHECK that asks one fails forever",
            &[format!("Edit {}: remove the HEALTHCHECK (and an EXPOSE nothing serves): the MCP client starts the image with `docker run -i` and talks to it over stdin. Where the server is meant to be reached on a port, serve it over HTTP instead (`mcp.run(transport=\"streamable-http\")`) and keep the HEALTHCHECK.", i.where_())],
        );
    }
    if let Some(port) = i.unserved_route {
        let step = format!("Edit {}: the MCP server's code declares no health route. Add one (`@mcp.custom_route(\"/health\", methods=[\"GET\"])` answering 200) and keep the HEALTHCHECK, or check that its port accepts a connection: `{}`.", i.where_(), super::socket_healthcheck(&i.python, port));
        return i.fix(
            "Make the HEALTHCHECK ask a route the server serves",
            "A HEALTHCHECK that gets a 404 fails forever, so the container is never healthy",
            &[step],
        );
    }
    if i.python == "node" {
        return i.fix(
            "Make the HEALTHCHECK run a program the image has",
            "A HEALTHCHECK whose program is missing fails forever, so the container is never healthy",
            &[format!("Edit {}: run Node, which the image has, e.g. `{}`.", i.where_(), match i.socket_port {
                // No route of the project's is known: a connection, not a guessed URL.
                Some(port) => super::socket_healthcheck("node", port),
                None => super::http_healthcheck("node", &i.health_url),
            })],
        );
    }
    i.fix(
        "Make the HEALTHCHECK run a program the image has",
        "A HEALTHCHECK whose program is missing fails forever, so the container is never healthy",
        &[format!("Edit {}: run the environment's Python, e.g. `HEALTHCHECK CMD [\"{}\", \"-c\", \"import urllib.request; urllib.request.urlopen('{}')\"]`, or add `curl` to {}'s dependencies (conda-forge).", i.where_(), i.python, i.health_url, i.env_file_shown)],
    )
}

fn fix_env_name(i: &FixInput) -> Fix {
    i.fix(
        "Run the commands in the environment the image creates",
        "A command that runs in an environment the image never creates fails when the container starts",
        &[format!("Edit {}: give the reported `-n`/`activate` the name the image creates (the `name:` of {}), or create the environment under the name the command uses (`micromamba create -y -n NAME -f …`).", i.where_(), i.env_file_shown)],
    )
}

fn fix_copy_ignored(i: &FixInput) -> Fix {
    i.fix(
        "Send what the Dockerfile copies to the build",
        "A COPY of a path the .dockerignore leaves out finds nothing, and the build fails",
        &[format!("Edit the .dockerignore each finding names: add an exception `!PATH` for the copied path after the pattern shown, or remove that pattern; or stop copying the path in {}.", i.where_())],
    )
}

fn fix_pkg_manager(i: &FixInput) -> Fix {
    i.fix(
        "Call the base image's package manager",
        "A package manager the base image does not ship is not there, and the build stops",
        &[format!("Edit {}: on Alpine use `apk add --no-cache …`, on Debian or Ubuntu `apt-get update && apt-get install -y --no-install-recommends …` (package names differ between them), or build on the family the commands were written for.", i.where_())],
    )
}

fn fix_conda_tos(i: &FixInput) -> Fix {
    let mut asks = Asks::default();
    let steps = [
        format!("Edit {}: build on {}, whose micromamba installs from conda-forge only and has no terms to accept: `{}` then `{MICROMAMBA_INSTALL}` in place of the reported RUN.", i.where_(), i.micromamba(&mut asks), i.copy_env(&mut asks)),
        format!("Or keep the base and leave Anaconda's channels out: list `conda-forge` first and `nodefaults` under `channels:` in {}, or pass `--override-channels -c conda-forge` to the reported command.", i.env_file_shown),
        "Accepting Anaconda's terms instead (`conda tos accept --override-channels --channel https://repo.anaconda.com/pkgs/main`, and again for `…/pkgs/r`, before the reported RUN) is your organisation's licence decision; devdoctor never makes it for you.".to_string(),
    ];
    i.fix_asking(
        "Take the packages from conda-forge, not Anaconda's terms-gated channels",
        "A build cannot accept the terms of service that Anaconda's conda asks for at its `defaults` channels, so it stops there",
        &steps,
        asks,
    )
}

fn fix_chown(i: &FixInput) -> Fix {
    i.fix(
        "Copy files with --chown to the app user",
        "Files copied without --chown belong to root, so the app user cannot own its files",
        &[if i.jupyter_stack() {
            format!("Edit {}: add `--chown=${{NB_UID}}:${{NB_GID}}` (jovyan) to each reported COPY/ADD the server must own or write; configuration it only reads may stay root's.", i.where_())
        } else {
            format!("Edit {}: add `--chown=<user>:<group>` to each reported COPY/ADD; on mambaorg/micromamba use `--chown=$MAMBA_USER:$MAMBA_USER`.", i.where_())
        }],
    )
}

/// The images of the reported FROM lines.
fn reported_images(i: &FixInput) -> Vec<crate::probes::dockerfile::ImageRef> {
    i.files
        .iter()
        .flat_map(|(df, lines)| {
            df.stages
                .iter()
                .filter(|s| lines.contains(&s.line(df)))
                .filter_map(|s| s.image())
        })
        .collect()
}

fn fix_base_pin(i: &FixInput) -> Fix {
    // A tag of the same image: another image (micromamba for miniconda3) would need other
    // commands in the Dockerfile.
    // A retired image is pinned as its successor, the move dockerfile.base_eol's step makes:
    // one edit of the line, not two that disagree.
    let reported = reported_images(i);
    let retired = reported
        .iter()
        .any(|r| r.repository == "condaforge/mambaforge");
    let mut repos: Vec<String> = reported
        .into_iter()
        .map(|r| match r.repository.as_str() {
            "condaforge/mambaforge" => "`condaforge/miniforge3:<version>`".to_string(),
            repo => format!("`{repo}:<version>`"),
        })
        .collect();
    repos.sort();
    repos.dedup();
    let example = match repos.len() {
        0 => "`image:<version>`".to_string(),
        _ => repos.join(", "),
    };
    let successor = if retired {
        " (a retired Mambaforge takes its successor Miniforge's tag instead; see dockerfile.base_eol)"
    } else {
        ""
    };
    i.fix(
        "Pin the base image to a tag or digest",
        "An unpinned base image changes under you and makes builds unreproducible",
        &[format!("Edit {}: pin each reported FROM or `COPY --from=` image to a version tag of the same image ({example}){successor}, or to a digest (`image:tag@sha256:…`).", i.where_())],
    )
}

fn fix_base_eol(i: &FixInput) -> Fix {
    let reported = reported_images(i);
    let mut successors = String::new();
    // Mambaforge's successor is Miniforge, which ships the same conda and mamba 2: the image
    // keeps working with its `conda activate` and `mamba env create`, not `mamba build`.
    if reported
        .iter()
        .any(|r| r.repository == "condaforge/mambaforge")
    {
        successors.push_str(" For condaforge/mambaforge, condaforge/miniforge3 is the successor: the same conda, and mamba 2, which has no `mamba build` (use `conda build` or rattler-build there).");
    }
    if reported.iter().any(|r| r.repository == "nvidia/cuda") {
        successors.push_str(" For nvidia/cuda, the same CUDA version on a current OS is the nearest move (`-ubuntu22.04`, `-ubuntu24.04`, where NVIDIA publishes it); conda-forge's `cuda-version` and CUDA packages in the environment file need only the driver from the host.");
    }
    let on_hub =
        |r: &crate::probes::dockerfile::ImageRef| r.registry.is_none() && super::jupyter_stack(r);
    if !reported.is_empty() && reported.iter().all(on_hub) {
        return i.fix(
            "Move the base image to quay.io/jupyter",
            "The Jupyter Docker Stacks' Docker Hub copies get no more updates",
            &[format!("Edit {}: write each reported FROM jupyter/NAME as quay.io/jupyter/NAME, the same image, still updated, pinned to one of its dated tags.", i.where_())],
        );
    }
    if reported.iter().any(on_hub) {
        successors.push_str(" For a Jupyter stack on Docker Hub (jupyter/NAME), quay.io/jupyter/NAME is the same image, still updated: pin one of its dated tags.");
    }
    // Where Python is pinned: the environment file the image installs, else its own RUNs
    // (FESOM/tripyview installs `python=3.7` by name, and never reads its environment file).
    let file = i
        .env_file
        .rsplit('/')
        .next()
        .filter(|name| !name.is_empty())
        .unwrap_or("environment.yml");
    let installs_file = i.files.iter().any(|(df, _)| {
        df.instructions
            .iter()
            .any(|ins| match ins.keyword.as_str() {
                "COPY" | "ADD" => ins.args.contains(file),
                "RUN" => super::shell::commands(&ins.command_text())
                    .iter()
                    .any(|c| super::shell::is_mamba_install_from_file(c)),
                _ => false,
            })
    });
    let pinned = if installs_file {
        i.env_file_shown.clone()
    } else {
        "the RUN that installs it (the image reads no environment file)".to_string()
    };
    i.fix(
        "Move the base image to a supported line",
        "An end-of-life base image gets no more security fixes",
        &[format!("Edit {}: move each reported FROM to a supported line: mambaorg/micromamba:2.x with Python {} or newer pinned in {pinned}, or a current Debian or Ubuntu release.{successors}", i.where_(), super::eol::oldest_supported_python_today())],
    )
}

fn fix_python_base(i: &FixInput) -> Fix {
    let mut asks = Asks::default();
    let steps = [
        format!("Edit {}: start the build with `FROM {} AS build`, then `{}` and `{MICROMAMBA_INSTALL}`.", i.where_(), i.micromamba(&mut asks), i.copy_env(&mut asks)),
        format!("End with `FROM {}`, `COPY --from=build /opt/conda /opt/conda` and `COPY --chown=$MAMBA_USER:$MAMBA_USER . /app`.", i.micromamba(&mut asks)),
    ];
    i.fix_asking(
        "Build on mambaorg/micromamba instead of a python:* image",
        "Python from a python:* image bypasses conda-forge; the policy builds on micromamba",
        &steps,
        asks,
    )
}

fn fix_multistage(i: &FixInput) -> Fix {
    if !i.conda_image() && !i.mamba_project {
        // A python:slim image of a project without a conda environment has no /opt/conda to
        // copy, and how it gets Python is its own choice (fastapi_mcp_template).
        return i.fix(
            "Build in a separate stage and copy only the result",
            "Compilers and headers in the final image add size and attack surface",
            &[format!("Edit {}: install the build tooling and build in a `FROM … AS build` stage, and start the final stage on the same base without the tooling, copying only what the build produced (`COPY --from=build SRC DEST` for the built files or the installed prefix).", i.where_())],
        );
    }
    let mut asks = Asks::default();
    let steps = [format!("Edit {}: install the build tooling in a `FROM … AS build` stage and start a final stage on {} that copies only the results (`COPY --from=build /opt/conda /opt/conda`).", i.where_(), i.micromamba(&mut asks))];
    i.fix_asking(
        "Build in a separate stage and copy only the result",
        "Compilers and headers in the final image add size and attack surface",
        &steps,
        asks,
    )
}

fn fix_secrets(i: &FixInput) -> Fix {
    // Only COPY/ADD of credential files was found: no value to remove or rotate.
    let copies_only = i.files.iter().all(|(df, lines)| {
        df.instructions
            .iter()
            .filter(|ins| lines.contains(&ins.line))
            .all(|ins| matches!(ins.keyword.as_str(), "COPY" | "ADD"))
    });
    if copies_only {
        return i.fix(
            "Keep credential files out of the image",
            "A file copied into an image is readable by anyone who can pull it",
            &[
                format!("Edit {}: drop the reported sources from COPY/ADD and list them in .dockerignore; if an image built this way was pushed, rotate what those files hold.", i.where_()),
                "For build-time secrets use `RUN --mount=type=secret,id=NAME …` with `docker build --secret id=NAME,src=FILE`; pass run-time secrets with compose `secrets:` or the environment at `docker run`.".to_string(),
            ],
        );
    }
    i.fix(
        "Pass secrets at run time or with BuildKit secrets, not ENV, ARG or LABEL",
        "Values in ENV, ARG and LABEL are stored in the image and its history, readable by anyone who can pull it",
        &[
            format!("Edit {}: remove the reported values, and rotate those credentials (they are in git and in pushed images).", i.where_()),
            "For build-time secrets use `RUN --mount=type=secret,id=NAME …` with `docker build --secret id=NAME,src=FILE`; pass run-time secrets with compose `secrets:` or the environment at `docker run`.".to_string(),
        ],
    )
}

fn fix_expose(i: &FixInput) -> Fix {
    // SSH's port (an image that runs sshd): the remedy is no SSH server, not another port.
    let ssh = i.files.iter().any(|(df, lines)| {
        df.instructions
            .iter()
            .filter(|ins| ins.keyword == "EXPOSE" && lines.contains(&ins.line))
            .any(|ins| {
                ins.args.split_whitespace().any(|w| {
                    let port = w.split('/').next().unwrap_or(w);
                    port == "22"
                        || port.split_once('-').is_some_and(|(a, b)| {
                            a.parse::<u32>().is_ok_and(|a| a <= 22)
                                && b.parse::<u32>().is_ok_and(|b| b >= 22)
                        })
                })
            })
    });
    if ssh {
        return i.fix(
            "Run no SSH server in the container",
            "An SSH server in a container is one more service to patch and a login to guard, often root's",
            &[
                format!("Edit {}: drop the EXPOSE of port 22 and the sshd install, its config (`PermitRootLogin`) and any password set for it; reach a running container with `docker exec -it CONTAINER sh` (or `docker compose exec SERVICE sh`) instead.", i.where_()),
                "Where the reported EXPOSE also names a port up to 1024 for the app, expose an unprivileged one above 1024 (e.g. 8000) instead.".to_string(),
            ],
        );
    }
    i.fix(
        "Expose a port above 1024",
        "Ports up to 1024 need root or extra capabilities inside the container",
        &[format!("Edit {}: EXPOSE an unprivileged port above 1024 (e.g. 8000) and publish it where needed (`-p 8000:8000`).", i.where_())],
    )
}

fn fix_remote_fetch(i: &FixInput) -> Fix {
    i.fix(
        "Verify downloads with a checksum",
        "Unverified downloads let whoever controls the URL run code in your build",
        &[format!("Edit {}: use `ADD --checksum=sha256:<digest> <url> <dest>` or COPY a vendored file; install tools from conda-forge (`micromamba install -y -n base -c conda-forge <tool>`) instead of running remote scripts.", i.where_())],
    )
}

fn fix_sudo(i: &FixInput) -> Fix {
    i.fix(
        "Remove sudo from the build",
        "sudo in a build is unneeded (RUN is root until USER) and leaves a privilege-escalation tool in the image",
        &[format!("Edit {}: drop sudo; run root steps before `USER`, and use gosu/su-exec only in an entrypoint that must drop privileges.", i.where_())],
    )
}

fn fix_exec_vars(i: &FixInput) -> Fix {
    i.fix(
        "Let a shell expand the variable, or write the value",
        "In the exec form Docker starts the program directly, so `${PORT:-8000}` reaches it as those characters and it fails or misbehaves",
        &[format!("Edit {}: use the shell form (`CMD uvicorn app:app --port ${{PORT:-8000}}`), or `[\"sh\", \"-c\", \"exec uvicorn app:app --port ${{PORT:-8000}}\"]`, or write the value itself.", i.where_())],
    )
}

fn fix_micromamba_clean(i: &FixInput) -> Fix {
    // The clean command of the tool that installs there: `conda clean` after `conda update`.
    let mut programs: Vec<String> = Vec::new();
    for (df, lines) in &i.files {
        for p in rules::installers_at(df, lines) {
            if !programs.contains(&p) {
                programs.push(p);
            }
        }
    }
    if programs.is_empty() {
        programs.push("micromamba".into());
    }
    let cleans: Vec<String> = programs
        .iter()
        .map(|p| format!("`&& {p} clean --all --yes`"))
        .collect();
    i.fix(
        "Clean the package cache in the same RUN",
        "The package cache left by an install stays in the layer and bloats the image",
        &[format!(
            "Edit {}: end the same RUN with {}.",
            i.where_(),
            cleans.join(" or ")
        )],
    )
}

pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: "dockerfile.syntax",
        code: "DD000",
        title: "Dockerfiles parse",
        hadolint: &[],
        explain: "Reads every Dockerfile (from `docker.dockerfiles` in devdoctor.toml, else Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_* and Dockerfile-* in the project and two levels below) and reports what Docker would reject: unknown instructions, a file that does not start with FROM (optionally after ARG), FROM without an image, duplicate stage names, unclosed heredocs, bad escape directives, unreadable or oversized files. Equivalents: hadolint DL1000 (parse error), DL3061, DL3024; trivy DS-0012. Fix: correct the reported lines. The other dockerfile.* checks report unknown for a file that cannot be read.",
        ok: "every Dockerfile parses",
        judge: rules::syntax,
        fix: fix_syntax,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.user",
        code: "DD001",
        title: "Final stage runs as a non-root user",
        hadolint: &["DL3002"],
        explain: "Looks at the final build stage (and the stages it is built on): the last USER must not be root or 0 (on a Jupyter stack that keeps its entrypoint, a warning: start.sh still starts the server as jovyan, and the fix ends with `USER ${NB_UID}`). With no USER at all the image runs as its base image's user: mambaorg/micromamba runs as mambauser, the Jupyter stacks as jovyan and distroless `:nonroot` tags as uid 65532, which is fine, and so is one of Docker's official database or broker images (postgres, mysql, mariadb, redis, mongo, rabbitmq) whose entrypoint the Dockerfile keeps (no ENTRYPOINT, and a CMD, if any, in exec form starting with the server or an option): it starts as root only to run the server as its own user; scratch runs as root; for other bases devdoctor asks the Docker engine for the image's Config.User when it is available locally; otherwise it fails for bases that run as root by default (Docker's official images such as python or debian, continuumio/miniconda3, condaforge/miniforge3, nvidia/cuda) and warns for others, whose user it cannot tell (prom/prometheus, a private registry's). Why: a root container turns an app bug or escape into root on the host kernel (CIS Docker 4.1). Equivalents: hadolint DL3002 (which misses the no-USER case), trivy DS-0002. Fix: build on mambaorg/micromamba or create a user (uid 1000) and set USER before CMD. Silence with `# devdoctor ignore=user` or `# hadolint ignore=DL3002` above the line.",
        ok: "the final stage runs as a non-root user",
        judge: rules::user,
        fix: fix_user,
        dev_containers: false,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.pip",
        code: "DD002",
        title: "No pip installs in RUN",
        hadolint: &[],
        explain: "Finds Python package installs that bypass conda-forge in RUN instructions (shell form, exec form and heredoc scripts): `pip install`, `pip3 install`, `python -m pip install`, `uv pip install`, `uv sync` and `uv add`, easy_install, `pipenv install` and `poetry install/add`, also behind sudo, env or `micromamba run`. Installing the project's own code (`pip install -e .`, `pip install .`, with nothing else in the command) is not one when it takes `--no-deps` or follows a micromamba/conda install that made the environment from a file (`-f environment.yml` or a lock, `conda env create`): conda-forge cannot provide it, and its dependencies are there; after packages installed by name, the rest still come from PyPI. On a bare python image the same command fetches them all from PyPI, and fails. Why: the policy takes every Python dependency from conda-forge through micromamba, so environments are reproducible and binary-compatible. hadolint has no such rule (DL3013 and DL3042 only ask for pins and --no-cache-dir). Fix: list the packages in environment.yml and install with `micromamba install -y -n base -c conda-forge -f environment.yml && micromamba clean --all --yes` on a mambaorg/micromamba base. Where an earlier RUN of the same stage already installs an environment or lock file with micromamba, mamba or conda, the packages join that file (locked and rendered again where the image installs a lock) and the pip install goes.",
        ok: "no pip installs",
        judge: rules::pip,
        fix: fix_pip,
        dev_containers: true,
        mamba_policy: true,
        subject: None,
    },
    Rule {
        id: "dockerfile.healthcheck",
        code: "DD003",
        title: "Final stage declares one HEALTHCHECK",
        hadolint: &["DL3012", "DL3057"],
        explain: "The final stage (or a stage it is built on) must declare a HEALTHCHECK, or inherit one from a local base image or a Jupyter stack (from base-notebook on, which ships docker_healthcheck.py): none, or `HEALTHCHECK NONE`, is a warning, except for a tool image that sets no CMD, ENTRYPOINT or EXPOSE (it runs no service for a HEALTHCHECK to watch) for the image of an MCP server that speaks stdio and exposes no port, or starts that server itself whatever it exposes (its client starts it with `docker run -i`), and for a batch job or command-line tool: no EXPOSE, no compose service that runs the image as a server (an interactive shell or a job another service waits on, without ports, is none), no MCP server over HTTP that this image starts, and a CMD/ENTRYPOINT that names no server (uvicorn, gunicorn, streamlit, jupyter, `serve`, `--port`, …; a `main.py`, `app.py`, `api` or `web` only where the project's script it starts, or a module of the project's that script imports, names a server library or a listening call, or the script is not found); more than one in a stage is a failure because only the last one counts; one that passes when the app is broken is a warning (it ends in `|| exit 0`, `|| true` or `; exit 0`, runs only `true` or a Python that only exits, or runs curl without `-f`, which exits 0 on a 500, with no pipe to judge its answer). Why: without it Docker and compose report a hung server as running (CIS Docker 4.6). Equivalents: hadolint DL3057 (off by default) and DL3012; trivy DS-0026 and DS-0023. Fix: a HEALTHCHECK that exits non-zero when the app is broken (`|| exit 1`, curl with `-f`) and asks the health route with the image's Python (slim images have no curl), on the port the start command names (`--port`, `--bind`, `--server.port`) or else the one the final stage EXPOSEs (not SSH's 22 where it exposes another), or else the container port a compose service that builds it publishes; Streamlit at `/_stcore/health` (under its `--server.baseUrlPath`); a Celery worker with `celery -A APP inspect ping`; the project's MCP server, when its code declares no health route (the SDKs serve none), with a connection to its port. The route is the one the project's code declares (`@app.get(\"/api/health\")`); where no file declares one, a connection to the port too, not a guessed /health.",
        ok: "each final stage declares a HEALTHCHECK or needs none",
        judge: rules::healthcheck,
        fix: fix_healthcheck,
        dev_containers: false,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.healthcheck_tool",
        code: "DD014",
        title: "The HEALTHCHECK can pass: its program is in the image, its route is served",
        hadolint: &[],
        explain: "The program the final stage's HEALTHCHECK runs must be in the image, or the container never becomes healthy. When the project's image is built, its layers decide (a program in a bin folder, or the absolute path); otherwise the judgement is static: curl on mambaorg/micromamba, python:*-slim, debian-slim, ubuntu, alpine, distroless or scratch (none ships it), wget on those but alpine, python on node:*-slim/-alpine, alpine, busybox, scratch and distroless (but its python image), and the shell form on scratch/distroless (no /bin/sh) fail unless a RUN installs the program (apt-get/apk/micromamba install …), a COPY brings it, or the environment file the image installs lists it. A base devdoctor knows nothing about is not judged. A bare `python` on mambaorg/micromamba fails, built image or not, unless the Dockerfile sets PATH itself: that image puts its environment on PATH only in its entrypoint, and a HEALTHCHECK, like `docker exec`, does not run the entrypoint (run `/opt/conda/bin/python`, or `/opt/conda/envs/NAME/bin/python` for an environment the image creates by name). Where the image starts the project's MCP server over HTTP, the route the HEALTHCHECK asks must be one the server serves: a HEALTHCHECK that fails on an HTTP error (curl with `-f`, wget, Python's `urlopen`) and asks `/health` of a server whose code declares no health route (the SDKs serve none) gets a 404 forever (fail; a server that declares a health route, and a GET of the MCP endpoint itself, are not judged). Where the image starts the project's MCP server over stdio, a HEALTHCHECK that asks a port (a URL, a socket connection) fails: the server listens on none, and its client starts the image with `docker run -i`. No hadolint or trivy equivalent. Fix: check with the environment's Python (`CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\"]`, by its full path on mambaorg/micromamba), or add curl to environment.yml; for a route the server does not serve, declare it (`@mcp.custom_route(\"/health\", methods=[\"GET\"])`) or check that the port accepts a connection.",
        ok: "the HEALTHCHECK's program is in the image",
        judge: super::health_tool::healthcheck_tool,
        fix: fix_healthcheck_tool,
        dev_containers: false,
        mamba_policy: false,
        subject: Some(Subject {
            has: super::health_tool::declares_healthcheck,
            absent: "no Dockerfile's final stage declares a HEALTHCHECK (see dockerfile.healthcheck)",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) whose final stage declares a HEALTHCHECK, but a dev container's; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.chown",
        code: "DD004",
        title: "Files are copied with --chown for the app user",
        hadolint: &[],
        explain: "When the final image runs as a non-root user, every COPY/ADD from the build context into the final stage should carry `--chown=user:group`; otherwise the files belong to root and the app cannot own them. `COPY --from=<stage>` is not reported, nor a COPY before the RUN that creates the user (`useradd`, `adduser`), which no `--chown` could name yet, nor one that a later `RUN chown -R` hands over. No hadolint or trivy equivalent. Fix: `COPY --chown=$MAMBA_USER:$MAMBA_USER . /app` on micromamba, or `--chown=1000:1000`.",
        ok: "files are copied with --chown",
        judge: rules::chown,
        fix: fix_chown,
        dev_containers: false,
        mamba_policy: false,
        subject: Some(Subject {
            has: rules::copies_into_final_stage,
            absent: "not applicable: no COPY or ADD from the build context into a final stage",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) whose final stage copies files from its build context, but a dev container's; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.base_pin",
        code: "DD005",
        title: "Base images are pinned",
        hadolint: &["DL3006", "DL3007"],
        explain: "Every FROM that names an image (not a stage, not scratch), and every `COPY --from=` that takes files from an image rather than a stage (`COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/`), needs an explicit tag other than `latest`, or a digest; a FROM tag that names a variant but no version (`python:alpine`, `node:slim`, `nginx:stable`) moves like `latest` and warns too, while a codename (`ubuntu:jammy`, `debian:bookworm-slim`) names a release. Build arguments declared before FROM are substituted; a FROM that depends on an argument without a default is noted, not judged. Why: `latest` or no tag changes under you and breaks reproducibility. Equivalents: hadolint DL3006 and DL3007, trivy DS-0001. Fix: pin `mambaorg/micromamba:2.0.5` or `image@sha256:…`.",
        ok: "base images are pinned",
        judge: rules::base_pin,
        fix: fix_base_pin,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.python_base",
        code: "DD006",
        title: "Python comes from micromamba, not a python:* base",
        hadolint: &[],
        explain: "Warns about stages built on a Python image without micromamba (python:*, pypy:*, distroless python3). Why: the policy builds on mambaorg/micromamba with a pinned tag so Python and its packages come from conda-forge. No hadolint or trivy equivalent. Fix: a multi-stage build on mambaorg/micromamba that installs environment.yml with micromamba and cleans the cache.",
        ok: "no python:* base images",
        judge: rules::python_base,
        fix: fix_python_base,
        dev_containers: true,
        mamba_policy: true,
        subject: None,
    },
    Rule {
        id: "dockerfile.multistage",
        code: "DD007",
        title: "Build tooling stays out of the final image",
        hadolint: &[],
        explain: "In a single-stage Dockerfile, or in the stages a multi-stage one's final stage is built on (`FROM base AS final`; what the final stage installs itself is its choice), warns when a RUN installs build tooling (build-essential, gcc, make, cmake, git, *-dev headers, conda compilers, …) with apt-get, apk, yum, dnf, zypper or the mamba family. Why: compilers and headers in the shipped image add size and attack surface; the policy asks for multi-stage builds. No hadolint or trivy equivalent. Fix: install and build in a `FROM … AS build` stage and copy only the results into a final micromamba stage (`COPY --from=build /opt/conda /opt/conda`); the image of a project without a conda environment that gets its packages otherwise (python:slim, debian) keeps its base for the final stage and copies what the build produced.",
        ok: "no build tooling in a single-stage image",
        judge: rules::multistage,
        fix: fix_multistage,
        dev_containers: false,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.secrets",
        code: "DD008",
        title: "No secrets in ENV, ARG or LABEL",
        hadolint: &["DL3064"],
        explain: "Looks at ENV, ARG and LABEL names that look like credentials (…TOKEN, …SECRET, …PASSWORD, API_KEY, PRIVATE_KEY, ACCESS_KEY, …; not …_FILE or …_PATH). A literal value is a failure; an ENV copied from a variable, or an ARG without a default (build arguments are recorded in the image history), is a warning. A RUN that sets a password from a literal (`echo 'root:…' | chpasswd`) is a failure. COPY/ADD of credential files (.env, .npmrc, .pypirc, id_rsa, *.pem, *.key), or of a pattern that takes a .env (`COPY .env* ./`) is a warning. Values are never printed, in any output format. Why: anyone who can pull the image can read them (CIS Docker 4.10). Equivalents: hadolint DL3064, trivy DS-0031, BuildKit SecretsUsedInArgOrEnv. Fix: remove and rotate the value; use `RUN --mount=type=secret` at build time and runtime secrets.",
        ok: "no secrets in ENV, ARG or LABEL",
        judge: rules::secrets,
        fix: fix_secrets,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.expose",
        code: "DD009",
        title: "Only unprivileged ports are exposed",
        hadolint: &["DL3011"],
        explain: "Checks every EXPOSE: a port (or range) at or below 1024 is a warning (the policy wants ports above 1024; CIS Docker 5.8 flags ports below 1025), port 22 is a warning (no sshd in containers; trivy DS-0004), and a port outside 1-65535 is a failure (hadolint DL3011, trivy DS-0008). Ports given as variables are skipped. Fix: EXPOSE 8000 and publish as needed.",
        ok: "only unprivileged ports are exposed",
        judge: rules::expose,
        fix: fix_expose,
        dev_containers: true,
        mamba_policy: false,
        subject: Some(Subject {
            has: rules::exposes,
            absent: "not applicable: no Dockerfile EXPOSEs a port",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) with an EXPOSE; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.remote_fetch",
        code: "DD010",
        title: "No unverified downloads",
        hadolint: &[],
        explain: "Warns about `ADD <url>` without `--checksum`, and RUN lines that pipe a download into an interpreter (`curl … | sh`, `wget -O- … | bash`, `sh -c \"$(curl …)\"`, `bash <(curl …)`), or that download a file and run it (`wget …/Miniconda3-latest-Linux-x86_64.sh && bash Miniconda3-…sh -b`) with no `sha256sum`, `gpg` or other check in the same RUN. Why: the build runs whatever the server returns. Related: trivy DS-0005 (ADD instead of COPY). Fix: `ADD --checksum=sha256:…`, a vendored file, or the tool from conda-forge with micromamba.",
        ok: "no unverified downloads",
        judge: rules::remote_fetch,
        fix: fix_remote_fetch,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.sudo",
        code: "DD011",
        title: "No sudo in RUN",
        hadolint: &["DL3004"],
        explain: "Fails when a RUN calls sudo (or doas). Why: RUN already runs as root until USER is set, and sudo in an image is a privilege-escalation path with unpredictable TTY and signal behaviour. Equivalents: hadolint DL3004, trivy DS-0010. Fix: do root work before USER; use gosu only in an entrypoint.",
        ok: "no sudo",
        judge: rules::sudo,
        fix: fix_sudo,
        dev_containers: false,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.exec_vars",
        code: "DD015",
        title: "No shell variables in the exec form",
        hadolint: &[],
        explain: "Warns when CMD, ENTRYPOINT or RUN in the exec (JSON) form holds a shell variable (`[\"uvicorn\", \"app:app\", \"--port\", \"${PORT:-8000}\"]`): Docker runs the program directly, with no shell to expand it, so the program gets the characters `${PORT:-8000}` and fails or uses them as they are. A command handed to `sh -c` (or `bash -lc`) is expanded by that shell and is fine. No hadolint or trivy equivalent. Fix: the shell form, `sh -c`, or the value itself.",
        ok: "no shell variables in exec-form commands",
        judge: super::exec_vars::exec_vars,
        fix: fix_exec_vars,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
    Rule {
        id: "dockerfile.env_name",
        code: "DD016",
        title: "Commands run in an environment the image creates",
        hadolint: &[],
        explain: "Fails when RUN, CMD, ENTRYPOINT or SHELL runs in a named environment (`conda run -n NAME`, `micromamba run -n NAME`, `conda activate NAME`) that the image never creates: the environments it creates are those of `create -n NAME`, of `conda-lock install -n NAME LOCK` and of `env create -f FILE`, named by the `name:` of the file the Dockerfile COPYs (read from the build context), plus `base`. Judged only on mambaorg/micromamba, continuumio and condaforge bases, with no `COPY --from` (an environment may come from elsewhere), and only when every create can be told. Why: the container fails at start (`EnvironmentNameNotFound`). No hadolint or trivy equivalent. Fix: use one name in both places.",
        ok: "commands run in environments the image creates",
        judge: super::env_name::env_name,
        fix: fix_env_name,
        dev_containers: true,
        mamba_policy: false,
        subject: Some(Subject {
            has: super::env_name::creates_an_environment,
            absent: "not applicable: no RUN of the final stage (or a stage it is built on) creates a conda environment",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) whose final stage creates a conda environment; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.copy_ignored",
        code: "DD017",
        title: "COPY sources are not left out by .dockerignore",
        hadolint: &[],
        explain: "Fails when a COPY or ADD takes a path from the build context that the build's ignore file leaves out: `<Dockerfile>.dockerignore` beside the Dockerfile, else `.dockerignore` at the root of the context (a compose service's `build.context`, else the Dockerfile's folder). Patterns are applied as Docker applies them: relative to the context, matching the path or a parent folder, the last match deciding, `!` an exception. Globs, variables, `--from` and URLs are not judged, nor a folder an exception may bring part of back. Why: Docker sends the context without the ignored paths, so the COPY finds nothing and the build fails (`\"/conda-lock.yml\": not found`), often after an allowlist (`*` then `!src`) that forgot a file. No hadolint or trivy equivalent. Fix: add an exception (`!PATH`) after the pattern, or remove the pattern.",
        ok: "nothing a COPY takes is left out of the build context",
        judge: super::copy_ignored::copy_ignored,
        fix: fix_copy_ignored,
        dev_containers: true,
        mamba_policy: false,
        subject: Some(Subject {
            has: super::copy_ignored::copies_from_context,
            absent: "not applicable: no COPY or ADD takes files from the build context",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) with a COPY or ADD from its build context; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.pkg_manager",
        code: "DD018",
        title: "RUN calls the base image's package manager",
        hadolint: &[],
        explain: "Fails when a RUN calls the package manager of another Linux family than its stage's base image: `apt-get` or `apt` on Alpine (`alpine`, a tag with `alpine` such as `python:3.12-alpine` or `python:alpine`), `apk` on Debian or Ubuntu (`debian`, `ubuntu`, a tag naming a Debian or Ubuntu release, or a base known to be Debian: mambaorg/micromamba, continuumio/miniconda3, condaforge/miniforge3). A stage built on another stage is judged by the image it comes down to; a base whose family its name does not tell is not judged. Why: the command is not in the image, so the build stops (`apt-get: not found`), often after the base was switched to a smaller variant. No hadolint or trivy equivalent. Fix: use the base's package manager (the package names differ too), or a base of the family the commands were written for.",
        ok: "every RUN calls its base image's package manager",
        judge: super::pkg_manager::pkg_manager,
        fix: fix_pkg_manager,
        dev_containers: true,
        mamba_policy: false,
        subject: Some(Subject {
            has: super::pkg_manager::calls_a_package_manager,
            absent: "not applicable: no RUN calls apt-get, apt or apk",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) with a RUN that calls apt-get, apt or apk; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.conda_tos",
        code: "DD019",
        title: "Builds do not stop at Anaconda's terms of service",
        hadolint: &[],
        explain: "Fails when a stage installs packages with Anaconda's own conda and nothing settles the terms of service of Anaconda's `defaults` channels first. Anaconda's conda is that of continuumio/miniconda3 (untagged, `latest`, or a release from 25.5 on) and continuumio/anaconda3 (from 2025.06 on), or of a Miniconda or Anaconda installer of such a release that a RUN downloads (`Miniconda3-latest-Linux-x86_64.sh`); older releases, a tag or installer named through a variable, miniforge, mamba and micromamba are not judged. The commands judged are `conda install`, `create`, `update` and their `env` forms; settled are a `conda tos accept` before them, `CONDA_PLUGINS_AUTO_ACCEPT_TOS` in ENV, ARG or the command, `conda config --remove channels defaults`, `--override-channels`, a `.condarc` the build copies, and for `conda env create -f FILE` a file the build copies that lists `nodefaults` (a file it cannot read is not judged). A stage built on another inherits its conda and what settled it; each stage is reported once, at its first such command. Why: since mid-2025 those releases ship a plugin that asks for the terms to be accepted, a build cannot answer, and it stops with `CondaToSNonInteractiveError`. No hadolint or trivy equivalent. Fix: build on mambaorg/micromamba (conda-forge only), or leave Anaconda's channels out; accepting their terms is the organisation's decision, never devdoctor's.",
        ok: "no conda command stops at Anaconda's terms of service",
        judge: super::conda_tos::conda_tos,
        fix: fix_conda_tos,
        dev_containers: true,
        mamba_policy: false,
        subject: Some(Subject {
            has: super::conda_tos::uses_anaconda_conda,
            absent: "not applicable: no RUN installs packages with Anaconda's conda (a recent continuumio image or Miniconda installer)",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) with a stage that installs packages with the conda of a recent continuumio image or Miniconda or Anaconda installer; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.micromamba_clean",
        code: "DD012",
        title: "micromamba, mamba and conda installs clean their cache",
        hadolint: &[],
        explain: "Every RUN that runs `micromamba`/`mamba`/`conda` install, create or update must also run `<tool> clean --all --yes` (or `-a…`, or the tarballs and packages: `-tp…`, or `rm -rf …/pkgs`) in the same RUN; a RUN that keeps the cache in a BuildKit cache mount (`--mount=type=cache,target=/opt/conda/pkgs`) leaves none in its layer. In a builder stage (one the final image is not built on, which ships only what a later `COPY --from` takes of its last state), a clean in a later RUN of that stage will do, and none is needed where no `COPY --from` of it takes the cache's folder (`MAMBA_ROOT_PREFIX/pkgs`, `/opt/conda/pkgs` on the conda and micromamba images; an environment copied alone leaves it behind). Why: the package cache otherwise stays in that layer and can double the image size. It is the mamba-family analogue of hadolint DL3009/DL3042 and trivy DS-0015/DS-0019. Fix: append `&& micromamba clean --all --yes` to the same RUN.",
        ok: "every micromamba, mamba or conda install cleans its cache",
        judge: rules::micromamba_clean,
        fix: fix_micromamba_clean,
        dev_containers: false,
        mamba_policy: false,
        subject: Some(Subject {
            has: rules::installs_with_mamba,
            absent: "no RUN installs packages with micromamba, mamba or conda",
            applies: "Every Dockerfile in the project (Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*, subfolders included) with a RUN that installs packages with micromamba, mamba or conda, but a dev container's; skips when there is none.",
        }),
    },
    Rule {
        id: "dockerfile.base_eol",
        code: "DD013",
        title: "Base images are not end of life",
        hadolint: &[],
        explain: "Warns about a FROM whose image line is end of life, from a small dated table in devdoctor: Python 2.7 and 3.5-3.10, Debian 9-11 (also as python:*-buster and the like), Ubuntu 18.04 and 20.04 (also as the OS of nvidia/cuda's tags, `-ubuntu18.04`, with 16.04 and CentOS/UBI 7) (each with the date its support ended, judged against today, so a line starts to warn the day after), and the lines no longer developed: mambaorg/micromamba before 2.0 (0.x, 1.x) and condaforge/mambaforge, and the Jupyter stacks' Docker Hub copies (jupyter/*-notebook, frozen on 2023-10-20; quay.io/jupyter is updated). Why: an end-of-life base gets no more security fixes, and each rebuild ships its known vulnerabilities again. No hadolint or trivy config equivalent (trivy finds the vulnerabilities once the image is built). Fix: move to a supported line and rebuild.",
        ok: "no end-of-life base images",
        judge: super::eol::base_eol,
        fix: fix_base_eol,
        dev_containers: true,
        mamba_policy: false,
        subject: None,
    },
];
