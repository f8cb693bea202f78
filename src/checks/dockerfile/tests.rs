//! Each rule on fixture files in tests/fixtures/docker/dockerfile, positive and negative.

use super::rules::NoBases;
use super::table::RULES;
use super::{FixInput, Rule};
use crate::core::Status;
use crate::probes::dockerfile::{load, Dockerfile};
use std::path::PathBuf;

fn fixture(name: &str) -> Dockerfile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docker/dockerfile")
        .join(name);
    load(&path, name.to_string()).unwrap_or_else(|u| panic!("{}: {}", u.display, u.reason))
}

fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

/// Non-ok, non-ignored findings as (line, status), like `lint` reports them.
fn run(id: &str, file: &str) -> Vec<(usize, Status)> {
    let r = rule(id);
    let df = fixture(file);
    let codes = r.ignore_codes();
    (r.judge)(&df, &NoBases)
        .into_iter()
        .filter(|f| f.status != Status::Ok)
        .filter(|f| id == "dockerfile.syntax" || !df.ignored_at(f.line, &codes))
        .map(|f| (f.line, f.status))
        .collect()
}

fn messages(id: &str, file: &str) -> Vec<String> {
    let df = fixture(file);
    (rule(id).judge)(&df, &NoBases)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

use Status::{Fail, Warn};

#[test]
fn policy_insecure_example_reports_root_pip_healthcheck_and_python_base() {
    let f = "policy_insecure.Dockerfile";
    assert_eq!(run("dockerfile.user", f), vec![(1, Fail)]);
    assert_eq!(run("dockerfile.pip", f), vec![(4, Fail)]);
    assert_eq!(run("dockerfile.healthcheck", f), vec![(1, Warn)]);
    assert_eq!(run("dockerfile.python_base", f), vec![(1, Warn)]);
    assert!(run("dockerfile.syntax", f).is_empty());
}

#[test]
fn policy_secure_example_gets_no_failure_but_its_healthcheck_tool() {
    // The policy's secure example runs `curl` in a HEALTHCHECK on mambaorg/micromamba, which
    // ships no curl: the one thing it gets wrong.
    for r in RULES.iter() {
        let found = run(r.id, "policy_secure.Dockerfile");
        if r.id == "dockerfile.healthcheck_tool" {
            assert_eq!(found, vec![(11, Fail)]);
            continue;
        }
        assert!(
            found.iter().all(|(_, s)| *s != Fail),
            "{} failed on the secure example: {found:?}",
            r.id
        );
    }
    assert!(messages("dockerfile.user", "policy_secure.Dockerfile")[0].contains("mambauser"));
}

#[test]
fn user_rule() {
    assert_eq!(
        run("dockerfile.user", "user_root.Dockerfile"),
        vec![(5, Fail)]
    );
    assert!(run("dockerfile.user", "user_numeric.Dockerfile").is_empty());
    assert_eq!(
        run("dockerfile.user", "user_scratch.Dockerfile"),
        vec![(6, Fail)]
    );
    assert!(run("dockerfile.user", "user_distroless.Dockerfile").is_empty());
    assert!(run("dockerfile.user", "user_inherit.Dockerfile").is_empty());
    assert_eq!(
        run("dockerfile.user", "user_unknown_base.Dockerfile"),
        vec![(1, Warn)]
    );
    assert!(
        messages("dockerfile.user", "user_unknown_base.Dockerfile")[0]
            .contains("not available locally")
    );
    assert!(run("dockerfile.user", "escape_windows.Dockerfile").is_empty());
}

/// Without the base image locally, only a base known to run as root (Docker's official
/// images, the conda and CUDA bases) fails; a publisher's image that may set its own user
/// (prom/prometheus runs as nobody) is a warning that says it could not be told.
#[test]
fn an_unknown_base_fails_only_where_root_is_its_default() {
    let status = |from: &str| {
        let df = Dockerfile::from_text(
            "/p/Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM {from}\nCMD [\"x\"]\n"),
        );
        super::rules::user(&df, &NoBases)[0].status
    };
    for root in [
        "python:3.12-slim",
        "docker.io/library/debian:12",
        "continuumio/miniconda3:24.7.1-0",
        "condaforge/miniforge3",
    ] {
        assert_eq!(status(root), Fail, "{root}");
    }
    for unknown in ["acme/exporter:v2.53.0", "ghcr.io/acme/python:3.12"] {
        assert_eq!(status(unknown), Warn, "{unknown}");
    }
    // Monitoring images whose own Dockerfiles end with a USER.
    for own_user in [
        "prom/prometheus:v2.53.0",
        "grafana/grafana",
        "grafana/loki:3.0.0",
    ] {
        assert_eq!(status(own_user), Status::Ok, "{own_user}");
    }
}

/// An official database image's entrypoint starts as root only to run the server as its own
/// user: a Dockerfile that adds init scripts to it passes, unless it replaces the entrypoint,
/// runs a shell-form CMD (`/bin/sh` as root) or another program, or sets USER root.
#[test]
fn a_database_image_that_keeps_its_entrypoint_drops_root() {
    let status = |text: &str| {
        let df = Dockerfile::from_text("/p/Dockerfile".into(), "Dockerfile".into(), text);
        super::rules::user(&df, &NoBases)[0].status
    };
    for keeps in [
        "FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n",
        "FROM redis:7-alpine\nCOPY redis.conf /etc/redis.conf\nCMD [\"redis-server\", \"/etc/redis.conf\"]\n",
        "FROM mysql:8 AS db\nFROM db\nCMD [\"--character-set-server=utf8mb4\"]\n",
        "FROM postgres:16 AS base\nENTRYPOINT [\"/x\"]\nFROM postgres:16\nCMD [\"postgres\"]\n",
    ] {
        assert_eq!(status(keeps), Status::Ok, "{keeps}");
    }
    for root in [
        "FROM postgres:16\nENTRYPOINT [\"/start.sh\"]\n",
        "FROM postgres:16\nCMD postgres -c fsync=off\n",
        "FROM redis:7\nCMD [\"sh\", \"-c\", \"redis-server\"]\n",
        "FROM postgres:16\nUSER root\n",
        "FROM postgres:16 AS base\nENTRYPOINT [\"/x\"]\nFROM base\n",
    ] {
        assert_eq!(status(root), Fail, "{root}");
    }
    // Another registry's image of the same name is not Docker's official one.
    assert_eq!(status("FROM ghcr.io/acme/postgres:16\n"), Warn);
}

/// The Jupyter Docker Stacks run as jovyan (uid 1000), on Docker Hub and quay.io alike; a
/// look-alike from another registry or owner is not known.
#[test]
fn jupyter_stacks_are_known_to_run_as_jovyan() {
    use crate::probes::dockerfile::ImageRef;
    let user = |r: &str| super::known_non_root_base(&ImageRef::parse(r));
    for image in [
        "quay.io/jupyter/minimal-notebook:afe30f0c9ad8",
        "jupyter/scipy-notebook:2023-10-20",
        "docker.io/jupyter/base-notebook",
    ] {
        assert_eq!(user(image), Some("jovyan (uid 1000)"), "{image}");
    }
    for image in [
        "ghcr.io/jupyter/minimal-notebook",
        "someone/minimal-notebook",
        "jupyter/repo2docker",
    ] {
        assert_eq!(user(image), None, "{image}");
    }
}

/// A mambaorg/micromamba stage that switches to root for its installs and never back
/// (scbirlab/nf-sbrnaseq) is told to hand back to `$MAMBA_USER`, not to move to the base it
/// already uses or to create a user.
#[test]
fn a_micromamba_stage_left_as_root_hands_back_to_its_user() {
    let df = Dockerfile::from_text(
        "/p/Dockerfile".into(),
        "Dockerfile".into(),
        "FROM mambaorg/micromamba:2.0.5\nUSER root\nRUN apt-get update\nCMD [\"python\", \"-V\"]\n",
    );
    let user = (rule("dockerfile.user").judge)(&df, &NoBases);
    assert_eq!(user[0].status, Fail, "{user:?}");
    let steps = (rule("dockerfile.user").fix)(&fix_input(&df))
        .manual
        .join(" ");
    assert!(
        steps.contains("end the final stage with `USER $MAMBA_USER`"),
        "{steps}"
    );
    assert!(!steps.contains("useradd --create-home"), "{steps}");
    assert!(!steps.contains("base the final stage on"), "{steps}");
}

/// A Jupyter stack, as atlas-outreach-data-tools and Koverse build on it: its HEALTHCHECK is
/// inherited (docker_healthcheck.py), a last `USER root` is a warning whose fix ends as
/// `USER ${NB_UID}` (jovyan exists: no useradd), and the Docker Hub copy is frozen.
#[test]
fn a_jupyter_stack_base_is_judged_as_the_stacks_ship_it() {
    let text = |from: &str, tail: &str| {
        Dockerfile::from_text(
            "/p/Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM {from}\nUSER root\nRUN apt-get update\n{tail}"),
        )
    };
    let judge = |id: &str, df: &Dockerfile| {
        (rule(id).judge)(df, &NoBases)
            .into_iter()
            .map(|f| (f.status, f.message))
            .collect::<Vec<_>>()
    };
    let quay = text("quay.io/jupyter/scipy-notebook:python-3.11.8", "");
    let hc = judge("dockerfile.healthcheck", &quay);
    assert_eq!(hc[0].0, Status::Ok, "{hc:?}");
    assert!(hc[0].1.contains("declares one"), "{hc:?}");
    let user = judge("dockerfile.user", &quay);
    assert_eq!(user[0].0, Warn, "{user:?}");
    assert!(
        user[0]
            .1
            .contains("start.sh still starts the server as jovyan"),
        "{user:?}"
    );
    let fix = (rule("dockerfile.user").fix)(&fix_input(&quay));
    let steps = fix.manual.join(" ");
    assert!(steps.contains("`USER ${NB_UID}`"), "{steps}");
    assert!(!steps.contains("useradd --create-home"), "{steps}");
    assert!(judge("dockerfile.base_eol", &quay).is_empty());
    // An ENTRYPOINT of the project's own skips start.sh: root is root again.
    let own = text(
        "jupyter/base-notebook:2023-10-20",
        "ENTRYPOINT [\"python\"]\n",
    );
    assert_eq!(judge("dockerfile.user", &own)[0].0, Fail);
    let eol = judge("dockerfile.base_eol", &own);
    assert!(
        eol[0].1.contains("Docker Hub copy (frozen on 2023-10-20"),
        "{eol:?}"
    );
    assert!(eol[0].1.contains("is no longer updated"), "{eol:?}");
    // Its fix moves it to quay.io, not to micromamba; copies are chowned to jovyan.
    let mut input = fix_input(&own);
    input.files = vec![(&own, vec![1])];
    let steps = (rule("dockerfile.base_eol").fix)(&input).manual.join(" ");
    assert!(
        steps.contains("FROM jupyter/NAME as quay.io/jupyter/NAME"),
        "{steps}"
    );
    assert!(!steps.contains("mambaorg/micromamba"), "{steps}");
    let steps = (rule("dockerfile.chown").fix)(&input).manual.join(" ");
    assert!(steps.contains("`--chown=${NB_UID}:${NB_GID}`"), "{steps}");
    // The foundation image serves nothing and declares no HEALTHCHECK.
    let foundation = text(
        "quay.io/jupyter/docker-stacks-foundation",
        "CMD [\"start.sh\"]\nEXPOSE 8888\n",
    );
    assert_eq!(judge("dockerfile.healthcheck", &foundation)[0].0, Warn);
}

struct LocalBase(&'static str, bool);
impl super::rules::Bases for LocalBase {
    fn local(&self, _: &str) -> Option<super::rules::BaseImage> {
        Some(super::rules::BaseImage {
            user: self.0.to_string(),
            has_healthcheck: self.1,
        })
    }
}

#[test]
fn user_and_healthcheck_use_the_local_base_image_config() {
    let df = fixture("user_unknown_base.Dockerfile");
    let ok = super::rules::user(&df, &LocalBase("1000", false));
    assert_eq!(ok[0].status, Status::Ok, "{ok:?}");
    let root = super::rules::user(&df, &LocalBase("", false));
    assert_eq!(root[0].status, Fail);
    let insecure = fixture("policy_insecure.Dockerfile");
    let hc = super::rules::healthcheck(&insecure, &LocalBase("", true));
    assert_eq!(hc[0].status, Status::Ok, "{hc:?}");
}

#[test]
fn pip_rule_covers_shell_exec_heredoc_and_wrappers() {
    assert_eq!(
        run("dockerfile.pip", "pip_variants.Dockerfile"),
        vec![(2, Fail), (4, Fail), (5, Fail), (6, Fail)]
    );
    assert_eq!(
        run("dockerfile.pip", "escape_windows.Dockerfile"),
        vec![(3, Fail)]
    );
    assert!(run("dockerfile.pip", "policy_secure.Dockerfile").is_empty());
}

/// The project's own code installed into the environment micromamba made (as
/// maresb/micromamba-devcontainer-example does) is not a package bypassing conda-forge; a
/// requirement file or another package in the same command still is.
#[test]
fn pip_installing_the_project_itself_is_not_a_finding() {
    let lines = |text: &str| {
        let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), text);
        (rule("dockerfile.pip").judge)(&df, &NoBases)
            .into_iter()
            .filter(|f| f.status != Status::Ok)
            .map(|f| f.line)
            .collect::<Vec<_>>()
    };
    let own = "FROM mambaorg/micromamba:2.0.5\n\
               RUN python -m pip install --no-deps .\n\
               RUN micromamba install -y -n base -f conda-lock.yml\n\
               RUN pip install --no-cache-dir --editable .\n\
               RUN micromamba run -n base pip install -e \".[dev]\"\n";
    assert!(lines(own).is_empty(), "{:?}", lines(own));
    let other = "FROM mambaorg/micromamba:2.0.5\n\
                 RUN micromamba install -y -n base -f environment.yml\n\
                 RUN pip install -e . requests\n\
                 RUN pip install -r requirements.txt\n\
                 RUN pip install --no-deps . && pip install flask\n";
    assert_eq!(lines(other), [3, 4, 5]);
    // With no conda environment made before it, `pip install .` fetches the project's
    // dependencies from PyPI (contextmachine/ifcexport2 on python:3.12-slim).
    let bare = "FROM python:3.12-slim\nRUN pip install --user --no-cache-dir .\n";
    assert_eq!(lines(bare), [2]);
    // Packages installed by name make no environment the project's dependencies are all in
    // (FESOM/tripyview: four installs, then setup.py's thirty-odd requirements from PyPI);
    // `conda env create` (environment.yml by default) does.
    let named = "FROM mambaorg/micromamba:1.3.0\n\
                 RUN micromamba install -c conda-forge python=3.7\n\
                 RUN micromamba install -c conda-forge cartopy\n\
                 RUN pip install .\n";
    assert_eq!(lines(named), [4]);
    let env_create =
        "FROM continuumio/miniconda3:24.1.2-0\nRUN conda env create\nRUN pip install .\n";
    assert!(lines(env_create).is_empty(), "{:?}", lines(env_create));
    // The folder the build copied the whole context to is the project too, by its path
    // (ACCESS-Cloud-Based-InSAR/DockerizedTopsApp) or as the WORKDIR `COPY . .` filled.
    let by_path = "FROM condaforge/miniforge3:24.9.2-0\n\
                   COPY . /home/ops/app/\n\
                   RUN mamba env create -f /home/ops/app/environment.yml\n\
                   RUN python -m pip install --no-cache-dir /home/ops/app\n\
                   WORKDIR /srv\n\
                   COPY . ./src\n\
                   RUN pip install /srv/src[extra] && pip install /home/ops/other\n";
    assert_eq!(lines(by_path), [7]);
    let other_stage = "FROM python:3.12 AS build\nCOPY . /app\nFROM mambaorg/micromamba:2.0.5\n\
                       RUN micromamba install -y -f /tmp/env.yml\nRUN pip install /app\n";
    assert_eq!(
        lines(other_stage),
        [5],
        "another stage's copy is not this one's"
    );
}

#[test]
fn healthcheck_rule() {
    assert_eq!(
        run("dockerfile.healthcheck", "healthcheck_twice.Dockerfile"),
        vec![(3, Fail)]
    );
    assert_eq!(
        run("dockerfile.healthcheck", "user_distroless.Dockerfile"),
        vec![(7, Warn)]
    );
    assert!(run("dockerfile.healthcheck", "user_inherit.Dockerfile").is_empty());
    assert!(run("dockerfile.healthcheck", "policy_secure.Dockerfile").is_empty());
    // A tool image (no CMD, ENTRYPOINT or EXPOSE of its own) runs no service to watch; the
    // same image with a CMD does.
    let tool = "FROM mambaorg/micromamba:2.0.5\nCOPY conda.yml /tmp/conda.yml\nRUN micromamba install -y -n base -f /tmp/conda.yml\n";
    let judge = |text: &str| {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        super::rules::healthcheck(&df, &NoBases)
    };
    let found = judge(tool);
    assert_eq!(found[0].status, Status::Ok, "{found:?}");
    assert!(found[0].message.contains("tool image"), "{found:?}");
    let found = judge(&format!("{tool}CMD [\"python\", \"serve.py\"]\n"));
    assert_eq!(found[0].status, Warn, "{found:?}");
    let found = judge(&format!("{tool}EXPOSE 8000\n"));
    assert_eq!(found[0].status, Warn, "{found:?}");
    // A HEALTHCHECK that passes on a broken app is as good as none, and its fix makes it fail.
    let lenient =
        format!("{tool}EXPOSE 8000\nHEALTHCHECK CMD curl http://localhost:8000/health || exit 0\n");
    let found = judge(&lenient);
    assert_eq!((found[0].line, found[0].status), (5, Warn), "{found:?}");
    assert!(
        found[0].message.contains("passes whatever the app does"),
        "{found:?}"
    );
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), &lenient);
    let mut input = fix_input(&df);
    input.lenient_healthcheck = true;
    let fix = (rule("dockerfile.healthcheck").fix)(&input);
    assert!(fix.why.starts_with("Make the HEALTHCHECK fail"), "{fix:?}");
    assert!(fix.manual[0].contains("`|| exit 1`"), "{fix:?}");
    let strict = lenient
        .replace("curl http", "curl -f http")
        .replace("exit 0", "exit 1");
    assert_eq!(judge(&strict)[0].status, Status::Ok);

    // A stdio MCP server's image (mcp-server-fetch: an ENTRYPOINT, no EXPOSE) is started by
    // its client with `docker run -i` and serves no port: nothing for a HEALTHCHECK to probe.
    struct Stdio;
    impl super::rules::Bases for Stdio {
        fn local(&self, _: &str) -> Option<super::rules::BaseImage> {
            None
        }
        fn stdio_server(&self) -> bool {
            true
        }
    }
    let stdio = |text: &str| {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        super::rules::healthcheck(&df, &Stdio)
    };
    let server = format!("{tool}ENTRYPOINT [\"mcp-server-fetch\"]\n");
    let found = stdio(&server);
    assert_eq!(found[0].status, Status::Ok, "{found:?}");
    assert!(found[0].message.contains("speaks stdio"), "{found:?}");
    assert_eq!(judge(&server)[0].status, Warn);
    let found = stdio(&format!("{server}EXPOSE 8000\n"));
    assert_eq!(found[0].status, Warn, "{found:?}");
}

/// A batch job or command-line tool image (Cecca/repro-course-ci's `CMD python3 pipeline.py
/// check`, esmvalcore's entrypoint script) is no service: when nothing says it is one (no
/// EXPOSE, no compose service that runs it, no MCP server over HTTP) and its command starts no
/// server, a HEALTHCHECK has nothing to watch.
/// The image of a stdio MCP server needs no HEALTHCHECK even where it EXPOSEs a port "for
/// debugging" (davidroman1914/vmware-mcp-server), when it starts that server itself; an image
/// of the same project that starts something else still does.
#[test]
fn a_stdio_servers_image_with_an_expose_needs_no_healthcheck() {
    struct Stdio(bool);
    impl super::rules::Bases for Stdio {
        fn local(&self, _: &str) -> Option<super::rules::BaseImage> {
            None
        }
        fn stdio_server(&self) -> bool {
            true
        }
        fn starts_stdio_server(&self, _: &std::path::Path) -> bool {
            self.0
        }
    }
    let text = "FROM python:3.11-slim\nCOPY *.py ./\nEXPOSE 8000\nCMD [\"uv\", \"run\", \"python\", \"server.py\"]\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
    assert_eq!(
        super::rules::healthcheck(&df, &Stdio(true))[0].status,
        Status::Ok
    );
    assert_eq!(
        super::rules::healthcheck(&df, &Stdio(false))[0].status,
        Warn
    );
}

#[test]
fn a_batch_image_needs_no_healthcheck() {
    struct NoPort;
    impl super::rules::Bases for NoPort {
        fn local(&self, _: &str) -> Option<super::rules::BaseImage> {
            None
        }
        fn runs_as_a_service(&self, _: &std::path::Path) -> bool {
            false
        }
    }
    let judge = |text: &str, bases: &dyn super::rules::Bases| {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        super::rules::healthcheck(&df, bases)[0].status
    };
    let base = "FROM mambaorg/micromamba:2.0.5\nCOPY . /app\n";
    for batch in [
        "CMD python3 pipeline.py check\n",
        "ENTRYPOINT [\"/app/entrypoint.sh\"]\n",
    ] {
        let text = format!("{base}{batch}");
        assert_eq!(judge(&text, &NoPort), Status::Ok, "{batch}");
        // Where it may run as a service (the default, and what compose or an MCP server says).
        assert_eq!(judge(&text, &NoBases), Warn, "{batch}");
    }
    for server in [
        "CMD [\"uvicorn\", \"app:app\", \"--host\", \"0.0.0.0\"]\n",
        "CMD [\"streamlit\", \"run\", \"dashboard.py\"]\n",
        "CMD python server.py\n",
        "CMD [\"python3\", \"main.py\"]\n",
        "CMD python3 pipeline.py\nEXPOSE 9000\n",
    ] {
        assert_eq!(judge(&format!("{base}{server}"), &NoPort), Warn, "{server}");
    }
    // `main.py` may be a server or a worker's loop: where the project's script is found and
    // serves nothing (biosimulators' `worker/main.py`), no HEALTHCHECK is needed; where it is
    // not known, it may serve.
    struct Worker;
    impl super::rules::Bases for Worker {
        fn local(&self, _: &str) -> Option<super::rules::BaseImage> {
            None
        }
        fn runs_as_a_service(&self, _: &std::path::Path) -> bool {
            false
        }
        fn script_serves(&self, started: &str) -> Option<bool> {
            (started == "worker/main.py").then_some(false)
        }
    }
    let worker = format!("{base}CMD [\"python3\", \"worker/main.py\"]\n");
    assert_eq!(judge(&worker, &Worker), Status::Ok);
    assert_eq!(judge(&worker, &NoPort), Warn);
    let other = format!("{base}CMD [\"python3\", \"gateway/main.py\"]\n");
    assert_eq!(judge(&other, &Worker), Warn);
}

#[test]
fn a_later_recursive_chown_covers_the_copies_before_it() {
    let text = "FROM python:3.12-slim\nRUN useradd app\nCOPY . /home/app/web\nRUN chown -R app:app /home/app\nCOPY extra.txt /home/app/\nUSER app\nCMD [\"python\"]\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
    let found: Vec<usize> = (rule("dockerfile.chown").judge)(&df, &NoBases)
        .into_iter()
        .filter(|f| f.status != Status::Ok)
        .map(|f| f.line)
        .collect();
    // Line 3 is handed over by line 4; line 5 comes after it.
    assert_eq!(found, [5]);
}

#[test]
fn copies_before_the_user_is_created_cannot_name_it() {
    let found = |text: &str| -> Vec<usize> {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        (rule("dockerfile.chown").judge)(&df, &NoBases)
            .into_iter()
            .filter(|f| f.status != Status::Ok)
            .map(|f| f.line)
            .collect()
    };
    // Swarm-DISC/dashboards: the lock and a wheel are copied for root's installs, then the
    // user is made; only a COPY after that could (and should) hand files to it.
    let text = "FROM condaforge/miniforge3:24.11.3-0\nCOPY environment.lock .\nRUN mamba install --file environment.lock\nRUN useradd --create-home panel-user\nCOPY app /home/panel-user/app\nUSER panel-user\n";
    assert_eq!(found(text), [5]);
    // A numeric USER, by the uid the RUN gives it.
    let numeric =
        "FROM debian:12\nCOPY a /a\nRUN adduser -D -u 1000 app\nCOPY b /b\nUSER 1000:1000\n";
    assert_eq!(found(numeric), [4]);
    // A user the base image has already: every COPY is judged.
    let base = "FROM debian:12\nCOPY a /a\nUSER nobody\n";
    assert_eq!(found(base), [2]);
}

#[test]
fn chown_rule() {
    assert_eq!(
        run("dockerfile.chown", "chown_missing.Dockerfile"),
        vec![(7, Warn)]
    );
    // Root images are dockerfile.user's business.
    assert!(run("dockerfile.chown", "policy_insecure.Dockerfile").is_empty());
    assert!(run("dockerfile.chown", "user_numeric.Dockerfile").is_empty());
}

#[test]
fn base_pin_rule() {
    assert_eq!(
        run("dockerfile.base_pin", "base_unpinned.Dockerfile"),
        vec![(3, Warn), (4, Warn), (8, Warn)]
    );
    assert!(run("dockerfile.base_pin", "policy_secure.Dockerfile").is_empty());
    assert!(run("dockerfile.base_pin", "user_scratch.Dockerfile").is_empty());
}

/// A tag that names a variant but no version follows every release (carmelosammarco/mcpAuth's
/// `FROM python:alpine`); a codename names a release.
#[test]
fn a_tag_without_a_version_floats() {
    let findings = |from: &str| {
        let df = Dockerfile::from_text(
            "/p/Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM {from}\n"),
        );
        super::rules::base_pin(&df, &NoBases)
            .into_iter()
            .map(|f| (f.status, f.message))
            .collect::<Vec<_>>()
    };
    for floating in [
        "python:alpine",
        "node:slim",
        "nginx:stable",
        "postgres:alpine",
        "python:slim-bookworm",
    ] {
        let f = findings(floating);
        assert_eq!(f.len(), 1, "{floating}");
        assert!(f[0].1.contains("names no version"), "{f:?}");
    }
    for pinned in [
        "python:3.12-alpine",
        "debian:bookworm-slim",
        "ubuntu:noble",
        "redis:7",
        "mambaorg/micromamba:2.0.5",
    ] {
        assert_eq!(findings(pinned), [], "{pinned}");
    }
}

#[test]
fn base_pin_judges_images_copied_from() {
    let text = "FROM mambaorg/micromamba:2.0.5 AS Build\nFROM mambaorg/micromamba:2.0.5\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/\nCOPY --from=busybox /bin/wget /bin/\nCOPY --from=ghcr.io/astral-sh/uv:0.8.4 /uv /bin/\nCOPY --from=ghcr.io/astral-sh/uv@sha256:0123 /uv /bin/\nCOPY --from=build /opt/conda /opt/conda\nCOPY --from=0 /x /x\nCOPY --from=$TOOLS /x /x\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
    let found: Vec<(usize, Status)> = (rule("dockerfile.base_pin").judge)(&df, &NoBases)
        .into_iter()
        .map(|f| (f.line, f.status))
        .collect();
    // Stages (by name in any case, or index) and variables are not images.
    assert_eq!(found, [(3, Warn), (4, Warn)]);
}

#[test]
fn python_base_rule() {
    assert_eq!(
        run("dockerfile.python_base", "base_unpinned.Dockerfile"),
        vec![(8, Warn)]
    );
    assert!(run("dockerfile.python_base", "policy_secure.Dockerfile").is_empty());
    assert!(run("dockerfile.python_base", "user_distroless.Dockerfile").is_empty());
}

#[test]
fn multistage_rule() {
    assert_eq!(
        run("dockerfile.multistage", "multistage_tools.Dockerfile"),
        vec![(2, Warn)]
    );
    assert!(
        messages("dockerfile.multistage", "multistage_tools.Dockerfile")[0]
            .contains("build-essential, libpq-dev")
    );
    // A header package installed for its library names the library the final image keeps.
    assert!(
        messages("dockerfile.multistage", "multistage_tools.Dockerfile")[0].ends_with(
            "the final image needs only the libraries at run time (libpq5 for libpq-dev)"
        )
    );
    assert!(run("dockerfile.multistage", "user_scratch.Dockerfile").is_empty());
    assert!(run("dockerfile.multistage", "policy_insecure.Dockerfile").is_empty());
    // The step keeps to how the image gets its packages: no /opt/conda to copy from a
    // debian or python:slim build stage; a conda image copies its prefix.
    let tools = fixture("multistage_tools.Dockerfile");
    let mut input = fix_input(&tools);
    input.mamba_project = false;
    let steps = (rule("dockerfile.multistage").fix)(&input).manual.join(" ");
    assert!(
        steps.contains("on the same base without the tooling"),
        "{steps}"
    );
    assert!(
        !steps.contains("/opt/conda") && !steps.contains("micromamba"),
        "{steps}"
    );
    let conda = Dockerfile::from_text(
        PathBuf::from("Dockerfile"),
        "Dockerfile".into(),
        "FROM condaforge/miniforge3:24.11.3-0\nRUN apt-get update && apt-get install -y build-essential\n",
    );
    let steps = (rule("dockerfile.multistage").fix)(&fix_input(&conda))
        .manual
        .join(" ");
    assert!(
        steps.contains("COPY --from=build /opt/conda /opt/conda"),
        "{steps}"
    );
    // A final stage built on the stage that installed the compilers ships them
    // (Ouranosinc/analogues_spatiaux); one built on a fresh image does not.
    let lines = |text: &str| {
        let df = Dockerfile::from_text(PathBuf::from("Dockerfile"), "Dockerfile".into(), text);
        (rule("dockerfile.multistage").judge)(&df, &NoBases)
            .into_iter()
            .filter(|f| f.status != Status::Ok)
            .map(|f| (f.line, f.message))
            .collect::<Vec<_>>()
    };
    let inherited = "FROM continuumio/miniconda3:24.7.1-0 AS base\n\
                     RUN apt-get update && apt-get install -y build-essential\n\
                     RUN conda install -c conda-forge gxx_linux-64==11.1.0 python=3.9 -y\n\
                     FROM base AS base-fr\nCMD [\"panel\", \"serve\"]\n";
    let got = lines(inherited);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, 2);
    assert!(got[1].1.contains("(gxx_linux-64)"), "{got:?}");
    assert!(
        got[0].1.starts_with(
            "a stage the final image is built on installs build tooling (build-essential)"
        ),
        "{got:?}"
    );
    let separated = inherited.replace(
        "FROM base AS base-fr",
        "FROM continuumio/miniconda3:24.7.1-0",
    );
    assert!(lines(&separated).is_empty());
    // What a multi-stage build's final stage installs itself is its choice (git for a git
    // server at run time).
    let own = "FROM python:3.12-slim AS build\nRUN pip wheel .\nFROM python:3.12-slim\n\
               RUN apt-get update && apt-get install -y git\n";
    assert!(lines(own).is_empty());
}

#[test]
fn secrets_rule_fails_on_literals_and_never_shows_values() {
    let found = run("dockerfile.secrets", "secrets.Dockerfile");
    assert_eq!(
        found,
        vec![
            (2, Fail),
            (4, Fail),
            (5, Fail),
            (7, Warn),
            (8, Warn),
            (10, Fail),
            (11, Warn)
        ]
    );
    for m in messages("dockerfile.secrets", "secrets.Dockerfile") {
        assert!(!m.contains("LEAKCANARY"), "value leaked: {m}");
    }
    assert!(run("dockerfile.secrets", "policy_secure.Dockerfile").is_empty());
}

#[test]
fn secret_names_and_literals() {
    for yes in [
        "API_TOKEN",
        "db_password",
        "apiKey",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "x.client-secret",
    ] {
        assert!(super::is_secret_name(yes), "{yes}");
    }
    for no in [
        "TOKENIZERS_PARALLELISM",
        "PASSWORD_FILE",
        "KEYBOARD",
        "PWD",
        "MAMBA_USER",
        "SECRET_NAME",
    ] {
        assert!(!super::is_secret_name(no), "{no}");
    }
    assert!(super::is_literal_value("hunter2"));
    for no in ["", "$X", "${X}", "true", "0"] {
        assert!(!super::is_literal_value(no), "{no}");
    }
}

/// A password set from a literal in a RUN is a secret in the image history; one read from a
/// variable (a build secret) is not, and the value is never shown.
#[test]
fn a_literal_chpasswd_is_a_secret() {
    let judge = |run_line: &str| {
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM ubuntu:22.04\n{run_line}\n"),
        );
        (rule("dockerfile.secrets").judge)(&df, &NoBases)
    };
    let found = judge("RUN echo 'root:pw-LEAKCANARY-5555' | chpasswd && sed -i 's/#PermitRootLogin/PermitRootLogin/' /etc/ssh/sshd_config");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].status), (2, Fail));
    assert!(
        found[0].message.contains("for `root`"),
        "{}",
        found[0].message
    );
    assert!(!found[0].message.contains("LEAKCANARY"));
    assert_eq!(
        judge("RUN printf 'app:s3cr3t-value\\n' | sudo chpasswd").len(),
        1
    );
    assert!(judge("RUN echo \"root:${ROOT_PASSWORD}\" | chpasswd").is_empty());
    assert!(judge("RUN chpasswd < /run/secrets/passwords").is_empty());
}

/// The fix speaks of removing and rotating values only where a value was found; a copied
/// credential file alone asks to keep it out of the build context.
#[test]
fn the_secrets_fix_rotates_only_values_that_were_found() {
    let df = fixture("secrets.Dockerfile");
    let mut input = fix_input(&df);
    input.files = vec![(&df, vec![2, 11])];
    let values = (rule("dockerfile.secrets").fix)(&input);
    assert!(
        values.manual[0].contains("rotate those credentials"),
        "{:?}",
        values.manual
    );
    input.files = vec![(&df, vec![11])];
    let copies = (rule("dockerfile.secrets").fix)(&input);
    assert!(
        copies
            .why
            .starts_with("Keep credential files out of the image"),
        "{}",
        copies.why
    );
    assert!(
        copies.manual[0].contains("list them in .dockerignore"),
        "{:?}",
        copies.manual
    );
    assert!(!copies.manual[0].contains("rotate those credentials"));
}

/// A COPY source pattern that takes `.env` copies the secrets file with the rest
/// (HyunjunGil/CTC4-AZEBAL: `COPY .env* ./`); an example's name or other patterns do not,
/// nor does a folder's `*`, which names no dot file (`COPY docker/* ./`).
#[test]
fn a_copied_pattern_that_takes_dotenv_is_a_secret_file() {
    use super::secret_names::is_secret_file;
    for yes in [
        ".env",
        ".env*",
        "./.env.*",
        "config/.env[.]*",
        ".*",
        "*env*",
        ".env.local",
        "id_rsa",
    ] {
        assert!(is_secret_file(yes), "{yes}");
    }
    for no in [
        ".env.example",
        "*.py",
        "*",
        "docker/*",
        "src/?",
        "env*",
        "requirements*.txt",
        "environment.yml",
    ] {
        assert!(!is_secret_file(no), "{no}");
    }
}

#[test]
fn expose_rule() {
    assert_eq!(
        run("dockerfile.expose", "expose.Dockerfile"),
        vec![(2, Warn), (2, Warn), (4, Warn), (5, Fail), (7, Warn)]
    );
    assert!(run("dockerfile.expose", "policy_secure.Dockerfile").is_empty());
}

/// The base_eol step pins Python where the image installs it: the environment file it
/// installs, else its own RUN (FESOM/tripyview installs `python=3.7` by name).
#[test]
fn the_base_eol_step_pins_python_where_the_image_installs_it() {
    let step = |text: &str| {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        let mut input = fix_input(&df);
        input.files = vec![(&df, vec![1])];
        (rule("dockerfile.base_eol").fix)(&input).manual[0].clone()
    };
    let inline = step(
        "FROM mambaorg/micromamba:1.3.0\nRUN micromamba install -y -c conda-forge python=3.7\n",
    );
    assert!(
        inline.contains("pinned in the RUN that installs it"),
        "{inline}"
    );
    let file = step("FROM mambaorg/micromamba:1.3.0\nCOPY env.yaml /tmp/e.yaml\nRUN micromamba install -y -f /tmp/e.yaml\n");
    assert!(file.contains("pinned in environment.yml"), "{file}");
}

/// An EXPOSE of SSH's port asks to run no SSH server (TOSTRING-Z/transmagent's `EXPOSE 22
/// 3001` with a root password), not to move sshd to another port.
#[test]
fn exposing_ssh_asks_for_no_ssh_server() {
    let text = "FROM ubuntu:22.04\nRUN apt-get install -y openssh-server\nEXPOSE 22 3001\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
    let mut input = fix_input(&df);
    input.files = vec![(&df, vec![3])];
    let fix = (rule("dockerfile.expose").fix)(&input);
    assert!(
        fix.why.starts_with("Run no SSH server in the container"),
        "{}",
        fix.why
    );
    assert!(fix.manual[0].contains("docker exec"), "{:?}", fix.manual);
    let low = "FROM ubuntu:22.04\nEXPOSE 80\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), low);
    let mut input = fix_input(&df);
    input.files = vec![(&df, vec![2])];
    let fix = (rule("dockerfile.expose").fix)(&input);
    assert!(
        fix.why.starts_with("Expose a port above 1024"),
        "{}",
        fix.why
    );
}

#[test]
fn remote_fetch_rule() {
    assert_eq!(
        run("dockerfile.remote_fetch", "remote_fetch.Dockerfile"),
        vec![(2, Warn), (4, Warn), (6, Warn)]
    );
    assert!(run("dockerfile.remote_fetch", "policy_secure.Dockerfile").is_empty());
}

#[test]
fn sudo_rule() {
    assert_eq!(
        run("dockerfile.sudo", "sudo.Dockerfile"),
        vec![(3, Fail), (4, Fail)]
    );
    assert!(run("dockerfile.sudo", "policy_insecure.Dockerfile").is_empty());
}

#[test]
fn micromamba_clean_rule() {
    assert_eq!(
        run(
            "dockerfile.micromamba_clean",
            "micromamba_noclean.Dockerfile"
        ),
        vec![(3, Warn), (5, Warn)]
    );
    assert!(run("dockerfile.micromamba_clean", "policy_secure.Dockerfile").is_empty());
    // No cache in the layer: a BuildKit cache mount holds it (HelmholtzAI's odt), or the RUN
    // cleans tarballs and packages (dask-docker's `mamba clean -tipsy`) or removes the folder.
    for run_line in [
        "RUN --mount=type=cache,target=/opt/conda/pkgs micromamba install -y -n base -f /tmp/env.yml",
        "RUN mamba install -y numpy && mamba clean -tipsy && rm -rf /opt/conda/pkgs",
        "RUN mamba install -y numpy && rm -rf /opt/conda/pkgs/*",
        "RUN conda install -y numpy && conda clean --tarballs --packages -y",
    ] {
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM mambaorg/micromamba:2.0.5\n{run_line}\n"),
        );
        let found = (rule("dockerfile.micromamba_clean").judge)(&df, &NoBases);
        assert!(found.iter().all(|f| f.status == Status::Ok), "{run_line}: {found:?}");
    }
    let df = Dockerfile::from_text(
        "Dockerfile".into(),
        "Dockerfile".into(),
        "FROM mambaorg/micromamba:2.0.5\nRUN --mount=type=cache,target=/root/.cache/pip micromamba install -y numpy && micromamba clean -i -y\n",
    );
    let found = (rule("dockerfile.micromamba_clean").judge)(&df, &NoBases);
    assert!(found.iter().any(|f| f.status == Status::Warn), "{found:?}");
    // The fix spells the clean of the tool that installs there: `conda clean` after a
    // `conda env update` (the VS Code miniconda dev container), not `micromamba clean`.
    let df = Dockerfile::from_text(
        "Dockerfile".into(),
        "Dockerfile".into(),
        "FROM continuumio/miniconda3:24.1.2-0\nRUN conda env update -n base -f environment.yml\n",
    );
    let mut input = fix_input(&df);
    input.files = vec![(&df, vec![2])];
    let fix = (rule("dockerfile.micromamba_clean").fix)(&input);
    let step = &fix.manual[0];
    assert!(step.contains("`&& conda clean --all --yes`"), "{step}");
    assert!(!step.contains("micromamba clean"), "{step}");
    // A builder stage ships only what a later stage copies of its last state: one clean after
    // its installs will do (TOSTRING-Z/transagent's conda stage); the final stage keeps every
    // layer, so there the clean goes in the same RUN.
    let judge = |text: &str| -> Vec<usize> {
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
        (rule("dockerfile.micromamba_clean").judge)(&df, &NoBases)
            .into_iter()
            .filter(|f| f.status != Status::Ok)
            .map(|f| f.line)
            .collect()
    };
    let builder = "FROM continuumio/miniconda3:24.1.2-0 AS conda
RUN conda install -y numpy
RUN conda install -y scipy
";
    let fin = "FROM debian:bookworm-slim
COPY --from=conda /opt/conda /opt/conda
";
    assert_eq!(judge(&format!("{builder}{fin}")), [2, 3]);
    let cleaned = format!(
        "{builder}RUN conda clean --all --yes
{fin}"
    );
    assert!(judge(&cleaned).is_empty(), "{cleaned}");
    let last = "FROM continuumio/miniconda3:24.1.2-0
RUN conda install -y numpy
RUN conda clean --all --yes
";
    assert_eq!(judge(last), [2]);
    // What later stages copy leaves the cache behind where it is not under a copied folder
    // (CCRI-POPROX/poprox-recommender: `-p /opt/poprox`, the cache in /opt/micromamba/pkgs).
    let lambda = "FROM public.ecr.aws/lambda/provided:al2 AS build
ENV MAMBA_ROOT_PREFIX=/opt/micromamba
RUN micromamba create -y -p /opt/poprox -f conda-lock.yml
FROM public.ecr.aws/lambda/provided:al2
";
    let copies = |what: &str| judge(&format!("{lambda}COPY --from=build {what} {what}\n"));
    assert!(copies("/opt/poprox").is_empty());
    assert_eq!(copies("/opt/micromamba"), [3]);
    assert_eq!(copies("/opt/micromamba/pkgs/"), [3]);
    assert_eq!(copies("/opt/*"), [3]);
    // On the conda images the cache is /opt/conda/pkgs: an environment of it is copied alone.
    let env_only = format!(
        "{builder}{}",
        fin.replace(
            "/opt/conda /opt/conda",
            "/opt/conda/envs/app /opt/conda/envs/app"
        )
    );
    assert!(judge(&env_only).is_empty(), "{env_only}");
}

#[test]
fn inline_and_global_ignores() {
    let f = "ignores.Dockerfile";
    assert!(run("dockerfile.base_pin", f).is_empty(), "global DL3006");
    assert!(run("dockerfile.pip", f).is_empty(), "devdoctor ignore=pip");
    // Line 4 is silenced by DD011, line 6 by DL3004; line 7 is not.
    assert_eq!(run("dockerfile.sudo", f), vec![(7, Fail)]);
    assert!(run("dockerfile.healthcheck", f).is_empty());
}

#[test]
fn malformed_files_are_syntax_failures_not_panics() {
    let found = run("dockerfile.syntax", "malformed.Dockerfile");
    assert!(found.len() >= 2, "{found:?}");
    assert!(found.iter().all(|(_, s)| *s == Fail));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docker/dockerfile/garbage.Dockerfile");
    let err = load(&path, "garbage.Dockerfile".into()).unwrap_err();
    assert!(err.reason.contains("binary"), "{}", err.reason);
    for r in RULES.iter() {
        let _ = run(r.id, "malformed.Dockerfile");
    }
}

#[test]
fn printable_strips_terminal_escapes() {
    assert_eq!(super::printable("a\u{1b}[31mb\n"), "a\u{fffd}[31mb\u{fffd}");
    assert!(super::printable(&"x".repeat(1000)).ends_with('…'));
}

/// dockerfile.pip's manual steps for a project in `root` with a conda-forge environment.yml
/// and `dockerfile` as its Dockerfile.
fn pip_steps(root: &std::path::Path, dockerfile: &str) -> Vec<String> {
    std::fs::write(
        root.join("environment.yml"),
        "name: app\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n",
    )
    .unwrap();
    std::fs::write(root.join("Dockerfile"), dockerfile).unwrap();
    let ctx = crate::core::Context::offline_in(root);
    let r = super::lint(&ctx, rule("dockerfile.pip")).unwrap();
    r.fix.expect("a fix").manual
}

/// A pip RUN in a stage built on a python:* image: dockerfile.python_base's step rebuilds the
/// stage on micromamba from the environment file, so dockerfile.pip's step only moves the
/// packages into that file and drops the RUN (one rewrite of the image, not two). A pip RUN
/// on another base keeps the rewrite of its own.
#[test]
fn a_pip_run_on_a_python_base_leaves_the_rebuild_to_python_base() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nRUN pip install flask\nUSER 1000\n";
    let m = pip_steps(root, dockerfile);
    assert!(
        m[0].starts_with("List `flask` under `dependencies:`"),
        "{m:?}"
    );
    assert!(
        m[1].contains("drop the reported install from its RUN; the micromamba base that dockerfile.python_base's step builds on"),
        "{m:?}"
    );
    let m = pip_steps(
        root,
        &dockerfile.replace("python:3.12-slim", "debian:12-slim"),
    );
    assert!(m[1].contains("build on mambaorg/micromamba"), "{m:?}");
}

/// dockerfile.pip's step names what the RUN installs, by its conda-forge name (SolarSense's
/// `pip install --index-url … torch==2.2.2` is `pytorch`), else "the packages".
#[test]
fn the_pip_step_names_the_packages_as_conda_forge_does() {
    let df = fixture("policy_insecure.Dockerfile");
    let mut input = fix_input(&df);
    input.pip_packages = vec!["torch".into(), "Flask".into()];
    let step = (rule("dockerfile.pip").fix)(&input).manual[0].clone();
    assert!(
        step.starts_with("List `pytorch` (PyPI's `torch`), `flask` under `dependencies:`"),
        "{step}"
    );
    input.pip_packages.clear();
    let step = (rule("dockerfile.pip").fix)(&input).manual[0].clone();
    assert!(step.starts_with("List the packages under"), "{step}");
}

/// Upgrading the installer is no package to move: the step lists the packages the RUNs
/// install, not `pip` (whose name made the whole step read as a pip command, and the step
/// was dropped: PsiAnimator-MCP's `RUN pip install --upgrade pip` before its installs).
#[test]
fn the_pip_step_leaves_the_installer_out() {
    let text = "FROM python:3.12-slim\nRUN pip install --upgrade pip setuptools wheel\nRUN pip install --timeout 300 aaa pip-tools\n";
    let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), text);
    assert_eq!(super::pip_packages_at(&df, &[2, 3]), ["aaa", "pip-tools"]);
    let mut input = fix_input(&df);
    input.pip_packages = super::pip_packages_at(&df, &[2, 3]);
    let step = (rule("dockerfile.pip").fix)(&input).manual[0].clone();
    assert!(step.starts_with("List `aaa`, `pip-tools` under"), "{step}");
}

/// What a rule's fix is made from: `df` with findings at lines 1 and 4, built as `app`.
fn fix_input(df: &Dockerfile) -> FixInput<'_> {
    FixInput {
        files: vec![(df, vec![1, 4])],
        tag: "app".into(),
        health_url: "http://127.0.0.1:8000/health".into(),
        worker_probe: None,
        env_file: "environment.yml".into(),
        env_file_shown: "environment.yml".into(),
        mamba_project: true,
        ..FixInput::default()
    }
}

/// A fix that COPYs the environment file says to bring it back when the .dockerignore leaves
/// it out (gbourniq/django-on-aws lists environment.yml there); the others say nothing of it.
#[test]
fn a_fix_copying_an_ignored_environment_file_says_to_send_it() {
    let df = fixture("policy_insecure.Dockerfile");
    let mut input = fix_input(&df);
    input.env_file_ignored = Some("`.dockerignore:17` (`environment.yml`)".into());
    let pip = (rule("dockerfile.pip").fix)(&input);
    assert!(
        pip.manual
            .iter()
            .any(|m| m.starts_with("`.dockerignore:17` (`environment.yml`) leaves environment.yml out of the build context: add `!environment.yml`")),
        "{:?}",
        pip.manual
    );
    let sudo = (rule("dockerfile.sudo").fix)(&input);
    assert!(!sudo.manual.iter().any(|m| m.contains(".dockerignore")));
}

/// A fix that copies the environment file alone into /tmp says to copy the project where the
/// file's `pip:` block installs a local path (nickzren/opentargets-mcp's `-e .`), which pip
/// resolves from the file's folder; fixes that copy nothing say nothing of it.
#[test]
fn a_local_pip_path_needs_the_project_copied() {
    let df = fixture("policy_insecure.Dockerfile");
    let mut input = fix_input(&df);
    input.env_local_pip = Some("-e .".into());
    let base = (rule("dockerfile.python_base").fix)(&input);
    assert!(
        base.manual
            .iter()
            .any(|m| m.contains("entry `-e .` installs a local path")
                && m.contains("/app/environment.yml")),
        "{:?}",
        base.manual
    );
    let sudo = (rule("dockerfile.sudo").fix)(&input);
    assert!(!sudo.manual.iter().any(|m| m.contains("local path")));
    // No fix text names pip, this note included.
    let word = regex::Regex::new(r"(?i)\bpip[0-9.]*\b").unwrap();
    assert!(
        base.manual.iter().all(|m| !word.is_match(m)),
        "{:?}",
        base.manual
    );
    input.env_local_pip = None;
    let base = (rule("dockerfile.python_base").fix)(&input);
    assert!(!base.manual.iter().any(|m| m.contains("local path")));
}

#[test]
fn no_fix_ever_calls_pip() {
    let df = fixture("policy_insecure.Dockerfile");
    let input = fix_input(&df);
    let word = regex::Regex::new(r"(?i)\bpip[0-9.]*\b|easy_install").unwrap();
    for r in RULES.iter() {
        let fix = (r.fix)(&input);
        assert!(!fix.manual.is_empty(), "{}: fix has no steps", r.id);
        for cmd in &fix.commands {
            assert!(
                !crate::policy::no_pip::argv_calls_pip(cmd),
                "{}: {cmd:?}",
                r.id
            );
            assert_eq!(cmd.first().map(String::as_str), Some("docker"), "{}", r.id);
        }
        for text in fix.manual.iter().chain(std::iter::once(&fix.why)) {
            assert!(
                !crate::policy::no_pip::text_calls_pip(text),
                "{}: {text}",
                r.id
            );
            assert!(!word.is_match(text), "{} mentions pip: {text}", r.id);
        }
    }
}

/// Every Dockerfile fix is edits for a person, then one rebuild line at the end: no command for
/// `fix` to run before the edit, and no step that says "rebuild" twice.
#[test]
fn every_fix_is_edits_then_one_rebuild() {
    let df = fixture("policy_insecure.Dockerfile");
    let input = fix_input(&df);
    for r in RULES.iter() {
        let fix = (r.fix)(&input);
        assert!(fix.commands.is_empty(), "{}: {:?}", r.id, fix.commands);
        let rebuilds: Vec<&String> = fix
            .manual
            .iter()
            .filter(|m| m.to_lowercase().contains("rebuild"))
            .collect();
        assert_eq!(rebuilds.len(), 1, "{}: {:?}", r.id, fix.manual);
        assert_eq!(
            fix.manual.last().map(String::as_str),
            Some("then rebuild: docker build -t app -f policy_insecure.Dockerfile ."),
            "{}",
            r.id
        );
    }
}

/// A dev container is rebuilt by its editor from devcontainer.json: its steps do not tag it
/// as the project's image.
#[test]
fn a_dev_container_fix_ends_with_rebuilding_the_dev_container() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docker/dockerfile/policy_insecure.Dockerfile");
    let text = std::fs::read_to_string(&path).unwrap();
    let df = Dockerfile::from_text(path, ".devcontainer/Dockerfile".into(), &text);
    let input = fix_input(&df);
    for r in RULES.iter() {
        let fix = (r.fix)(&input);
        let last = fix.manual.last().map(String::as_str).unwrap_or_default();
        assert!(
            last.starts_with("then rebuild the dev container"),
            "{}: {last}",
            r.id
        );
        assert!(
            !fix.manual.iter().any(|m| m.contains("docker build -t")),
            "{}",
            r.id
        );
    }
}

/// `panel serve` listens on 5006 unless told otherwise, whatever EXPOSE says
/// (Lnk2past/anaconda-data-app-contest-2023); `--port` still wins.
#[test]
fn a_known_app_server_is_asked_on_its_default_port() {
    use crate::core::Context;
    let dir = tempfile::tempdir().unwrap();
    let suggested = |cmd: &str| {
        let text = format!("FROM mambaorg/micromamba:2.0.5\nEXPOSE 8000\nCMD {cmd}\n");
        std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
        let r = super::lint(
            &Context::offline_in(dir.path()),
            rule("dockerfile.healthcheck"),
        );
        r.unwrap().fix.expect("a fix").manual[0].clone()
    };
    let panel = suggested("[\"panel\", \"serve\", \"app.py\"]");
    assert!(panel.contains("('127.0.0.1', 5006)"), "{panel}");
    let voila = suggested("voila notebook.ipynb --no-browser");
    assert!(voila.contains("('127.0.0.1', 8866)"), "{voila}");
    let told = suggested("panel serve app.py --port 5100");
    assert!(told.contains("('127.0.0.1', 5100)"), "{told}");
}

/// A Streamlit app under a URL prefix serves its health route there too
/// (linusseelinger/tsadar-app: `--server.baseUrlPath="/tsadar"`).
#[test]
fn a_streamlit_healthcheck_takes_the_url_prefix() {
    use crate::core::{Context, Settings};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM mambaorg/micromamba:2.0.5\nCMD micromamba run -n base streamlit run /app/app.py --server.port=8501 --server.baseUrlPath=\"/tsadar\"\n",
    )
    .unwrap();
    let ctx = Context::with_vars(
        Settings {
            project_dir: dir.path().to_path_buf(),
            ..Settings::default()
        },
        [("DOCKER_HOST".into(), "unix:///nonexistent/d.sock".into())],
    );
    let r = super::lint(&ctx, rule("dockerfile.healthcheck")).unwrap();
    let step = r.fix.expect("a fix").manual[0].clone();
    assert!(
        step.contains("urlopen('http://127.0.0.1:8501/tsadar/_stcore/health')"),
        "{step}"
    );
}

/// The suggested HEALTHCHECK asks the port the start command names, else the one the
/// Dockerfile EXPOSEs (a Streamlit app's 8501, at Streamlit's health route), unless a health
/// URL is configured; with neither, the default.
#[test]
fn the_suggested_healthcheck_asks_the_exposed_port() {
    use crate::core::{Context, Settings};
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = dir.path().join("Dockerfile");
    let ctx = |explicit: Option<&str>| {
        let mut settings = Settings {
            project_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        if let Some(url) = explicit {
            settings.health_url = url.into();
            settings.health_url_explicit = true;
        }
        Context::with_vars(
            settings,
            [("DOCKER_HOST".into(), "unix:///nonexistent/d.sock".into())],
        )
    };
    let suggested = |ctx: &Context| {
        let r = super::lint(ctx, rule("dockerfile.healthcheck")).unwrap();
        let fix = r.fix.expect("a fix");
        fix.manual[0].clone()
    };
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nEXPOSE 8051/tcp\nCMD [\"streamlit\", \"run\", \"app.py\"]\n",
    )
    .unwrap();
    // Streamlit listens on 8501 unless its command says otherwise (8051 is a typo there).
    assert!(suggested(&ctx(None)).contains("urlopen('http://127.0.0.1:8501/_stcore/health')"));
    // The start command's port wins over EXPOSE: it is where the server listens.
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nEXPOSE 8000\nCMD uvicorn app:app --host 0.0.0.0 --port 3333\n",
    )
    .unwrap();
    // No file of the project declares a health route: a /health URL would be a guess, so the
    // check asks whether the port accepts a connection (przemub/cysectool's Bokeh server).
    let guess = suggested(&ctx(None));
    assert!(
        guess.contains("socket.create_connection(('127.0.0.1', 3333), 3)"),
        "{guess}"
    );
    assert!(guess.contains("a /health URL would be a guess"), "{guess}");
    // The app's own route where a file declares one (a FastAPI app's `/api/health`).
    std::fs::write(
        dir.path().join("app.py"),
        "from fastapi import FastAPI\napp = FastAPI()\n@app.get(\"/api/health\")\ndef health():\n    return {}\n",
    )
    .unwrap();
    assert!(suggested(&ctx(None)).contains("urlopen('http://127.0.0.1:3333/api/health')"));
    // With no port in the command, the one the final stage EXPOSEs.
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nEXPOSE 8050\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    assert!(suggested(&ctx(None)).contains("urlopen('http://127.0.0.1:8050/api/health')"));
    // A configured URL gives the route; the port is where the server listens in the
    // container, not the one the host reaches it on.
    let configured = suggested(&ctx(Some("http://127.0.0.1:9000/healthz?deep=1")));
    assert!(
        configured.contains("urlopen('http://127.0.0.1:8050/healthz?deep=1')"),
        "{configured}"
    );
    // With no port in the image, the configured URL as it is.
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    let configured = suggested(&ctx(Some("http://127.0.0.1:9000/healthz")));
    assert!(
        configured.contains("urlopen('http://127.0.0.1:9000/healthz')"),
        "{configured}"
    );
    // A Celery worker (which compose runs) serves no HTTP: it is pinged over its broker.
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  worker:\n    build: .\n",
    )
    .unwrap();
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nCMD micromamba run -n base celery -A azure_celery worker -Q infer\n",
    )
    .unwrap();
    let worker = suggested(&ctx(None));
    assert!(
        worker.contains("CMD celery -A azure_celery inspect ping -d celery@$HOSTNAME`"),
        "{worker}"
    );
    assert!(!worker.contains("urlopen"), "{worker}");
    std::fs::write(
        &dockerfile,
        "FROM mambaorg/micromamba:2.0.5\nCMD [\"python\", \"main.py\"]\n",
    )
    .unwrap();
    assert!(suggested(&ctx(None)).contains("urlopen('http://127.0.0.1:8000/health')"));
    // With neither a port in the command nor EXPOSE, the container port the compose service
    // that builds it publishes (nsidc/usaon-benefit-tool: `443:5000`).
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    build: .\n    ports:\n      - \"443:5000\"\n",
    )
    .unwrap();
    assert!(suggested(&ctx(None)).contains("urlopen('http://127.0.0.1:5000/api/health')"));
}

/// The image of an MCP server whose code declares no health route is asked whether its port
/// accepts a connection: the SDKs serve no /health, so the usual URL would answer 404.
#[test]
fn an_mcp_server_without_a_health_route_is_asked_for_its_port() {
    use crate::core::{Context, Settings};
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "environment.yml",
        "name: s\ndependencies:\n  - python=3.12\n  - mcp\n",
    );
    write("Dockerfile", "FROM mambaorg/micromamba:2.0.5\nCOPY . /app\nEXPOSE 3005\nCMD [\"python\", \"/app/server.py\"]\n");
    let suggested = || {
        let settings = Settings {
            project_dir: dir.path().to_path_buf(),
            env_file: dir.path().join("environment.yml"),
            ..Settings::default()
        };
        let ctx = Context::with_vars(
            settings,
            [("DOCKER_HOST".into(), "unix:///nonexistent/d.sock".into())],
        );
        let r = super::lint(&ctx, rule("dockerfile.healthcheck")).unwrap();
        r.fix.expect("a fix").manual[0].clone()
    };
    let server = "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x', port=3005)\nif __name__ == '__main__':\n    mcp.run(transport='sse')\n";
    write("server.py", server);
    let text = suggested();
    assert!(
        text.contains("socket.create_connection(('127.0.0.1', 3005), 3)"),
        "{text}"
    );
    assert!(!text.contains("urlopen"), "{text}");
    let routed = server.replace("if __name__", "@mcp.custom_route('/health', methods=['GET'])\nasync def health(request):\n    return None\nif __name__");
    write("server.py", &routed);
    let text = suggested();
    assert!(
        text.contains("urlopen('http://127.0.0.1:3005/health')"),
        "{text}"
    );
}

/// A Dockerfile built from its own folder cannot COPY the project's root environment file:
/// the fix names a copy inside that build context, and COPYs it by the context's name.
#[test]
fn an_environment_file_outside_the_build_context_is_named_as_a_copy_inside() {
    use crate::core::Context;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("azure")).unwrap();
    std::fs::write(
        root.join("environment.yml"),
        "name: app\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n",
    )
    .unwrap();
    std::fs::write(root.join("azure/worker.py"), "").unwrap();
    std::fs::write(
        root.join("azure/Dockerfile"),
        "FROM debian:12-slim\nCOPY ./worker.py /app/\nRUN pip install celery\nCMD [\"python\", \"/app/worker.py\"]\n",
    )
    .unwrap();
    let ctx = Context::offline_in(root);
    let r = super::lint(&ctx, rule("dockerfile.pip")).unwrap();
    let manual = r.fix.expect("a fix").manual;
    assert!(
        manual[0].contains("in azure/environment.yml (a copy of environment.yml, which the build context azure/ cannot reach), with"),
        "{manual:?}"
    );
    assert!(
        manual[1]
            .contains("COPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/environment.yml"),
        "{manual:?}"
    );
}

/// Two Dockerfiles without a HEALTHCHECK, a FastAPI backend's on port 8000 and a gunicorn
/// app's on port 80 (mafda/ml_with_fastapi_and_streamlit, vsisl/dash-chatgpt-challenge): each
/// gets its own example and its own rebuild, in turn.
#[test]
fn each_dockerfile_gets_its_own_steps() {
    use crate::core::Context;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["backend", "dash_app"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::write(
        root.join("backend/Dockerfile"),
        "FROM mambaorg/micromamba:2.0.5\nCMD uvicorn main:app --host 0.0.0.0 --port 8000\n",
    )
    .unwrap();
    std::fs::write(
        root.join("dash_app/Dockerfile"),
        "FROM mambaorg/micromamba:2.0.5\nCMD gunicorn --bind=0.0.0.0:80 app:server\n",
    )
    .unwrap();
    let ctx = Context::offline_in(root);
    let r = super::lint(&ctx, rule("dockerfile.healthcheck")).unwrap();
    let m = r.fix.expect("a fix").manual;
    assert_eq!(m.len(), 4, "{m:?}");
    assert!(
        m[0].starts_with("Edit backend/Dockerfile (line 1)"),
        "{m:?}"
    );
    assert!(m[0].contains("'127.0.0.1', 8000"), "{m:?}");
    assert!(
        m[1].starts_with("then rebuild: ") && m[1].contains("backend/Dockerfile"),
        "{m:?}"
    );
    assert!(
        m[2].starts_with("Edit dash_app/Dockerfile (line 1)"),
        "{m:?}"
    );
    assert!(m[2].contains("'127.0.0.1', 80)"), "{m:?}");
    assert!(m[3].contains("dash_app/Dockerfile"), "{m:?}");
}

/// An image that installs the project's lock already and then pip-installs a package: the
/// package joins the environment file, which is locked and rendered again, and the pip RUN
/// goes. Rebuilding on mambaorg/micromamba with a COPY of environment.yml, the fix for an image
/// that installs no environment, would drop the lock. A pip RUN in another stage than the
/// install is not helped by it.
#[test]
fn a_pip_run_after_the_lock_is_installed_joins_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let dockerfile = "FROM mambaorg/micromamba:2.0.5 AS build\nCOPY conda-linux-64.lock /tmp/\nRUN micromamba install -y -n base -f /tmp/conda-linux-64.lock && \\\n    micromamba clean -a -y\nRUN pip install requests\n";
    let m = pip_steps(root, dockerfile);
    // The package is named as conda-forge names it.
    assert!(
        m[0].starts_with("List `requests` under `dependencies:`"),
        "{m:?}"
    );
    assert!(
        m[0].ends_with("Then lock it again and render `conda-linux-64.lock` from the lock (env.lock's step does both): the image installs `conda-linux-64.lock`, not the environment file."),
        "{m:?}"
    );
    assert_eq!(m[1], "Edit Dockerfile (line 5): remove the pip install from the reported RUN; line 3 installs `/tmp/conda-linux-64.lock` already, and the packages come with it.");
    // The pip RUN in a stage of its own (on a base python_base does not rebuild): the usual fix.
    let m = pip_steps(
        root,
        &dockerfile.replace("RUN pip", "FROM debian:12-slim\nRUN pip"),
    );
    assert!(
        m[1].contains("replace the reported RUN with `COPY"),
        "{m:?}"
    );
}

#[test]
fn every_rule_has_a_real_explain_and_a_code() {
    let mut codes = std::collections::HashSet::new();
    for r in RULES.iter() {
        assert!(r.id.starts_with("dockerfile."));
        assert!(r.explain.len() > 200, "{}", r.id);
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
    }
    assert!(rule("dockerfile.user").explain.contains("DL3002"));
    assert!(rule("dockerfile.user").explain.contains("DS-0002"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
    /// Every rule survives arbitrary Dockerfile-shaped text.
    #[test]
    fn rules_never_panic(
        lines in proptest::collection::vec(
            "(FROM|RUN|COPY|ADD|ENV|ARG|LABEL|USER|EXPOSE|HEALTHCHECK|# hadolint ignore=|# escape=|ONBUILD)( --[a-z]+=[a-z$]{0,6})? [ a-zA-Z0-9$`\\\\{}<|&;:\\-\"'=/.\\[\\],]{0,40}",
            0..25,
        )
    ) {
        let text = lines.join("\n");
        let df = crate::probes::dockerfile::Dockerfile::from_text("D".into(), "D".into(), &text);
        for r in RULES.iter() {
            let _ = (r.judge)(&df, &NoBases);
        }
    }
}

/// chown and expose speak only about a Dockerfile that copies files into its final stage or
/// EXPOSEs a port; elsewhere they skip and say why.
#[test]
fn chown_and_expose_skip_where_there_is_nothing_to_judge() {
    use crate::core::{Context, Status};
    let dir = tempfile::tempdir().unwrap();
    let ctx = || Context::offline_in(dir.path());
    let status = |id: &str| {
        let r = match super::lint(&ctx(), rule(id)) {
            Ok(r) => r,
            Err(e) => crate::core::CheckResult::from(e),
        };
        (r.status, r.summary)
    };
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM mambaorg/micromamba:2.0.5 AS build\nCOPY . /src\nFROM mambaorg/micromamba:2.0.5\nCOPY --from=build /src /app\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap();
    let (s, why) = status("dockerfile.expose");
    assert_eq!(s, Status::Skip, "{why}");
    assert!(why.contains("no Dockerfile EXPOSEs a port"), "{why}");
    let (s, why) = status("dockerfile.chown");
    assert_eq!(s, Status::Skip, "{why}");
    assert!(
        why.contains("no COPY or ADD from the build context"),
        "{why}"
    );
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM mambaorg/micromamba:2.0.5\nCOPY app.py /app/\nEXPOSE 80\n",
    )
    .unwrap();
    assert_eq!(status("dockerfile.expose").0, Status::Warn);
    assert_eq!(status("dockerfile.chown").0, Status::Warn);
}

/// base_eol's fix names Miniforge where the retired Mambaforge is the base, and only there.
#[test]
fn base_eol_names_miniforge_for_mambaforge() {
    use crate::core::Context;
    let dir = tempfile::tempdir().unwrap();
    let fix_for = |text: &str| {
        std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
        let ctx = Context::offline_in(dir.path());
        let r = super::lint(&ctx, rule("dockerfile.base_eol")).unwrap();
        r.fix.expect("a fix").manual[0].clone()
    };
    let fix = fix_for("FROM condaforge/mambaforge:23.1.0-1\nCMD [\"python\"]\n");
    assert!(
        fix.contains("condaforge/miniforge3 is the successor: the same conda, and mamba 2, which has no `mamba build`"),
        "{fix}"
    );
    let fix = fix_for("FROM python:3.8-slim\nCMD [\"python\"]\n");
    assert!(!fix.contains("miniforge3"), "{fix}");
    // An unpinned Mambaforge is pinned as its successor, the move base_eol makes (one edit of
    // the line, ESMValGroup/ESMValCore's `FROM condaforge/mambaforge`).
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM condaforge/mambaforge\nCMD [\"python\"]\n",
    )
    .unwrap();
    let ctx = Context::offline_in(dir.path());
    let pin = super::lint(&ctx, rule("dockerfile.base_pin"))
        .unwrap()
        .fix
        .expect("a fix")
        .manual[0]
        .clone();
    assert!(
        pin.contains("(`condaforge/miniforge3:<version>`) (a retired Mambaforge takes its successor Miniforge's tag instead; see dockerfile.base_eol)"),
        "{pin}"
    );
}

/// On a GPU base the fixes move to a CUDA variant of mambaorg/micromamba, never the plain one.
#[test]
fn fixes_on_a_gpu_base_keep_cuda() {
    for (base, gpu) in [
        ("nvidia/cuda:12.4.1-devel-ubuntu22.04", true),
        ("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", true),
        ("nvcr.io/nvidia/pytorch:24.01-py3", true),
        ("python:3.12-slim", false),
    ] {
        let df = Dockerfile::from_text(
            "Dockerfile".into(),
            "Dockerfile".into(),
            &format!("FROM {base}\nRUN pip install torch\nCMD [\"python\", \"train.py\"]\n"),
        );
        for id in ["dockerfile.user", "dockerfile.pip", "dockerfile.multistage"] {
            let text = (rule(id).fix)(&fix_input(&df)).manual.join("\n");
            assert_eq!(
                text.contains("mambaorg/micromamba:<version>-cuda<CUDA version>-ubuntu<release>"),
                gpu,
                "{base} {id}: {text}"
            );
            assert_eq!(
                text.contains("mambaorg/micromamba:<pinned tag>"),
                !gpu,
                "{base} {id}: {text}"
            );
            assert_eq!(text.contains(GPU_NOTE), gpu, "{base} {id}: {text}");
        }
        // A rule whose steps do not move the build to micromamba gets no note about it, even
        // on the same input right after one that did.
        let input = fix_input(&df);
        let _ = (rule("dockerfile.pip").fix)(&input);
        let text = (rule("dockerfile.healthcheck").fix)(&input)
            .manual
            .join("\n");
        assert!(!text.contains(GPU_NOTE), "{base}: {text}");
    }
}

const GPU_NOTE: &str = "on this GPU base, take the CUDA variant of mambaorg/micromamba";
