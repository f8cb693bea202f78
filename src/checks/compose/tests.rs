//! Each compose rule on fixture files in tests/fixtures/docker/compose.

use super::rules::Lookup;
use super::table::RULES;
use crate::checks::dockerfile::Verdict;
use crate::checks::Finding;
use crate::core::Status::{self, Fail, Warn};
use crate::probes::compose::{parse_file, ComposeFile, ComposeService};
use crate::probes::dockerfile::Dockerfile;
use std::path::{Path, PathBuf};

struct Nothing;
impl Lookup for Nothing {
    fn built_user(&self, _: &Path, _: Option<&str>) -> Option<(bool, String)> {
        None
    }
    fn built_healthcheck(&self, _: &Path, _: Option<&str>) -> Option<bool> {
        None
    }
    fn image(&self, _: &str) -> Option<(String, bool)> {
        None
    }
}

fn load(name: &str) -> (ComposeFile, Vec<ComposeService>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/docker/compose")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    parse_file(&path, name, &text)
}

fn judge(id: &str, file: &str, look: &dyn Lookup) -> Vec<(String, Finding)> {
    let rule = RULES.iter().find(|r| r.id == id).expect("rule");
    let (f, services) = load(file);
    assert!(f.error.is_none(), "{:?}", f.error);
    services
        .iter()
        .flat_map(|s| {
            (rule.judge)(s, look)
                .into_iter()
                .map(|f| (s.name.clone(), f))
        })
        .collect()
}

/// Non-ok findings as (service, line, status).
fn run(id: &str, file: &str) -> Vec<(String, usize, Status)> {
    judge(id, file, &Nothing)
        .into_iter()
        .filter(|(_, f)| f.status != Status::Ok)
        .map(|(s, f)| (s, f.line, f.status))
        .collect()
}

fn s(name: &str, line: usize, status: Status) -> (String, usize, Status) {
    (name.to_string(), line, status)
}

#[test]
fn secure_compose_passes_every_rule() {
    for r in RULES.iter() {
        let found = run(r.id, "secure.compose.yaml");
        assert!(
            found.is_empty(),
            "{} on the secure compose: {found:?}",
            r.id
        );
    }
    // The worker has no user: but runs mambaorg/micromamba (mambauser).
    let notes = judge("compose.user", "secure.compose.yaml", &Nothing);
    assert!(notes
        .iter()
        .any(|(svc, f)| svc == "worker" && f.message.contains("mambauser")));
}

#[test]
fn insecure_compose_reports_each_rule_with_service_and_line() {
    let f = "insecure.compose.yaml";
    assert_eq!(run("compose.privileged", f), vec![s("web", 4, Fail)]);
    assert_eq!(
        run("compose.docker_socket", f),
        vec![s("web", 13, Fail), s("web", 14, Fail)]
    );
    assert_eq!(run("compose.host_network", f), vec![s("web", 6, Fail)]);
    assert_eq!(run("compose.host_namespaces", f), vec![s("web", 7, Fail)]);
    // `db` is postgres:16, whose entrypoint drops from root to the postgres user itself.
    assert_eq!(run("compose.user", f), vec![s("web", 5, Fail)]);
    assert_eq!(
        run("compose.read_only", f),
        vec![s("web", 2, Warn), s("db", 29, Warn)]
    );
    assert_eq!(
        run("compose.cap_drop", f),
        vec![
            s("web", 2, Warn),
            s("web", 19, Fail),
            s("web", 21, Warn),
            s("db", 29, Warn)
        ]
    );
    assert_eq!(
        run("compose.no_new_privileges", f),
        vec![s("web", 23, Fail), s("web", 23, Warn), s("db", 29, Warn)]
    );
    assert_eq!(
        run("compose.limits", f),
        vec![s("web", 2, Warn), s("db", 29, Warn)]
    );
    assert_eq!(
        run("compose.healthcheck", f),
        vec![s("web", 27, Warn), s("db", 29, Warn)]
    );
    assert_eq!(
        run("compose.ports", f),
        vec![s("web", 9, Warn), s("web", 10, Warn)]
    );
    assert_eq!(
        run("compose.secrets", f),
        vec![s("web", 25, Fail), s("db", 32, Fail)]
    );
}

#[test]
fn findings_never_contain_secret_values() {
    for r in RULES.iter() {
        for (_, f) in judge(r.id, "insecure.compose.yaml", &Nothing) {
            assert!(!f.message.contains("LEAKCANARY"), "{}: {}", r.id, f.message);
        }
    }
}

#[test]
fn a_literal_fallback_for_a_secret_warns_without_its_value() {
    let text = "services:\n  cache:\n    image: redis\n    command: redis-server --requirepass ${REDIS_PASSWORD:-LEAKCANARY1}\n    environment:\n      DB_PASSWORD: ${DB_PASSWORD:-LEAKCANARY2}\n      API_TOKEN: ${API_TOKEN:?set API_TOKEN}\n      LOG_LEVEL: ${LOG_LEVEL:-info}\n";
    let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", text);
    let found = super::rules::secrets(&services[0], &Nothing);
    let lines: Vec<(usize, Status)> = found.iter().map(|f| (f.line, f.status)).collect();
    assert_eq!(lines, vec![(6, Warn), (4, Warn)], "{found:?}");
    for f in &found {
        assert!(
            f.message.contains("plaintext fallback value"),
            "{}",
            f.message
        );
        assert!(!f.message.contains("LEAKCANARY"), "{}", f.message);
    }
}

#[test]
fn an_override_that_resets_a_service_is_not_a_malformed_service() {
    // compose's merge tags: `nginx: !reset` removes the service in this variant.
    let text = "services:\n  web:\n    develop:\n      watch: !override\n        - action: sync\n          path: .\n          target: /app\n  nginx: !reset\n  broken: 3\n";
    let (file, services) = parse_file(
        Path::new("/p/compose.admin.yaml"),
        "compose.admin.yaml",
        text,
    );
    let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["web"]);
    let reasons: Vec<&str> = file.problems.iter().map(|p| p.reason.as_str()).collect();
    assert_eq!(reasons, ["service `broken` is not a mapping"]);
}

struct Built;
impl Lookup for Built {
    fn built_user(&self, _: &Path, _: Option<&str>) -> Option<(bool, String)> {
        Some((false, "sets USER `1000`".into()))
    }
    fn built_healthcheck(&self, _: &Path, _: Option<&str>) -> Option<bool> {
        Some(true)
    }
    fn image(&self, _: &str) -> Option<(String, bool)> {
        None
    }
}

#[test]
fn user_and_healthcheck_follow_the_built_dockerfile() {
    let text = "services:\n  api:\n    build: .\n";
    let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", text);
    let api = &services[0];
    assert_eq!(
        api.dockerfile.as_deref(),
        Some(Path::new("/p/./Dockerfile"))
    );
    let user = super::rules::user(api, &Built);
    assert_eq!(user[0].status, Status::Ok, "{user:?}");
    let hc = super::rules::healthcheck(api, &Built);
    assert_eq!(hc[0].status, Status::Ok);
    assert_eq!(super::rules::user(api, &Nothing)[0].status, Warn);
}

/// A service that runs a Jupyter stack inherits its HEALTHCHECK without the image being
/// pulled; a look-alike from another owner is not known.
#[test]
fn a_jupyter_stack_service_inherits_its_healthcheck() {
    let status = |image: &str| {
        let text = format!("services:\n  lab:\n    image: {image}\n    ports: [\"8888:8888\"]\n");
        let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
        super::rules::healthcheck(&services[0], &Nothing)[0].status
    };
    assert_eq!(
        status("quay.io/jupyter/scipy-notebook:2024-07-29"),
        Status::Ok
    );
    assert_eq!(status("someone/scipy-notebook:1"), Warn);
}

#[test]
fn malformed_and_hostile_files_are_errors_not_panics() {
    let (f, services) = load("malformed.compose.yaml");
    let e = f.error.expect("error");
    assert!(e.reason.contains("not valid YAML"), "{e:?}");
    assert!(e.line >= 3, "{e:?}");
    assert!(services.is_empty());
    let (f, _) = load("not_services.compose.yaml");
    assert_eq!(f.error.unwrap().reason, "no `services:` section");
    let (f, _) = load("bomb.compose.yaml");
    assert!(f.error.is_some(), "an alias bomb must be refused");
}

#[test]
fn engine_sockets() {
    assert!(super::rules::is_engine_socket("/var/run/docker.sock"));
    assert!(super::rules::is_engine_socket(
        "/run/user/1000/podman/podman.sock"
    ));
    assert!(!super::rules::is_engine_socket("./data"));
    assert!(super::rules::is_engine_socket("/var/run"));
    assert!(super::rules::is_engine_socket("/run/"));
    assert!(!super::rules::is_engine_socket("/var/run/app"));
}

#[test]
fn no_fix_ever_calls_pip() {
    let word = regex::Regex::new(r"(?i)\bpip[0-9.]*\b|easy_install").unwrap();
    for r in RULES.iter() {
        for text in (r.steps)(&["`api` in compose.yaml".to_string()])
            .iter()
            .chain(std::iter::once(&r.why.to_string()))
        {
            assert!(
                !crate::policy::no_pip::text_calls_pip(text),
                "{}: {text}",
                r.id
            );
            assert!(!word.is_match(text), "{}: {text}", r.id);
        }
        assert!(r.explain.len() > 200, "{}", r.id);
    }
}

fn table_rule(id: &str) -> &'static super::Rule {
    RULES.iter().find(|r| r.id == id).expect("rule")
}

/// With `compose.yaml` deploying `web` next to a compose file that deploys nothing, `id`
/// judges `web` only: no place in a file whose path holds `apart`, and the detail `left_out`.
fn judges_only_the_deployed(dir: &std::path::Path, id: &str, apart: &str, left_out: &str) {
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: web:1\n    cap_add: [NET_ADMIN]\n",
    )
    .unwrap();
    let r = super::lint(&crate::core::Context::offline_in(dir), table_rule(id)).unwrap();
    assert!(r.status.is_problem(), "{r:?}");
    assert!(
        r.locations
            .iter()
            .all(|l| !l.path.to_string_lossy().contains(apart)),
        "{r:?}"
    );
    assert!(r.details.iter().any(|d| d == left_out), "{r:?}");
}

/// A dev container's compose file (under .devcontainer/, as VS Code's compose templates write
/// it: root user, SYS_PTRACE, seccomp unconfined for debuggers) is the developer's workspace:
/// the rules that harden a service leave it out and say so; those about the host it reaches
/// still judge it; with nothing else to judge they skip with the reason.
#[test]
fn a_dev_containers_compose_file_is_judged_only_by_the_host_rules() {
    use crate::core::Settle;
    let dir = tempfile::tempdir().unwrap();
    let dev = "services:\n  app:\n    image: dev:1\n    cap_add: [SYS_PTRACE]\n    security_opt: [seccomp:unconfined]\n    privileged: true\n";
    std::fs::create_dir_all(dir.path().join(".devcontainer")).unwrap();
    std::fs::write(dir.path().join(".devcontainer/docker-compose.yml"), dev).unwrap();
    let ctx = || crate::core::Context::offline_in(dir.path());
    let skipped = super::lint(&ctx(), table_rule("compose.cap_drop")).settle();
    assert_eq!(skipped.status, Status::Skip, "{skipped:?}");
    let why = &skipped.summary;
    assert!(
        why.contains("only a dev container's compose file (.devcontainer/docker-compose.yml)"),
        "{why}"
    );
    let privileged = super::lint(&ctx(), table_rule("compose.privileged")).unwrap();
    assert_eq!(privileged.status, Fail, "{privileged:?}");
    judges_only_the_deployed(
        dir.path(),
        "compose.cap_drop",
        ".devcontainer",
        "left out, as a dev container's services: app (.devcontainer/docker-compose.yml)",
    );
}

/// A test run's compose file (a throw-away database for the test suite) is judged like a dev
/// container's: the hardening rules leave its services out and say so, the host rules judge it.
#[test]
fn a_test_runs_compose_file_is_judged_only_by_the_host_rules() {
    use crate::core::Settle;
    let dir = tempfile::tempdir().unwrap();
    let db = "services:\n  test-db:\n    image: postgres:16\n    ports: [\"80:5432\"]\n    privileged: true\n";
    std::fs::write(dir.path().join("docker-compose.test.yml"), db).unwrap();
    let ctx = || crate::core::Context::offline_in(dir.path());
    for id in [
        "compose.user",
        "compose.read_only",
        "compose.cap_drop",
        "compose.limits",
    ] {
        let skipped = super::lint(&ctx(), table_rule(id)).settle();
        assert_eq!(skipped.status, Status::Skip, "{id}: {skipped:?}");
        assert!(
            skipped
                .summary
                .contains("only compose files that deploy nothing (docker-compose.test.yml)"),
            "{id}: {skipped:?}"
        );
    }
    let privileged = super::lint(&ctx(), table_rule("compose.privileged")).unwrap();
    assert_eq!(privileged.status, Fail, "{privileged:?}");
    let ports = super::lint(&ctx(), table_rule("compose.ports")).unwrap();
    assert!(ports.status.is_problem(), "{ports:?}");
    judges_only_the_deployed(
        dir.path(),
        "compose.user",
        "test",
        "left out, as a test run's services: test-db (docker-compose.test.yml)",
    );
}

/// A healthcheck that passes on a broken service warns (Docker takes exit 0 for healthy);
/// one that fails when it should says nothing.
#[test]
fn a_healthcheck_that_cannot_fail_warns() {
    let judge = |test: &str| {
        let text =
            format!("services:\n  web:\n    image: app\n    healthcheck:\n      test: {test}\n");
        let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
        super::rules::healthcheck(&services[0], &Nothing)
    };
    let found = judge("[\"CMD-SHELL\", \"curl -f http://localhost:8000/ || exit 0\"]");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].line, found[0].status), (4, Warn));
    assert!(
        found[0].message.starts_with(
            "service `web`'s healthcheck passes whatever the app does: it ends in `|| exit 0`"
        ),
        "{}",
        found[0].message
    );
    let found = judge("curl http://localhost:8000/health");
    assert!(found[0].message.contains("curl without `-f`"), "{found:?}");
    assert!(judge("[\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]").is_empty());
}

#[test]
fn the_healthcheck_step_fits_services_that_are_not_http_apps() {
    // A redis or postgres service is not asked for `curl …:8000/health`: the images have no
    // curl, and they serve no HTTP.
    let rule = RULES
        .iter()
        .find(|r| r.id == "compose.healthcheck")
        .unwrap();
    let steps = (rule.steps)(&["`redis` in compose.yaml".to_string()]).join("\n");
    assert!(!steps.contains("curl\", \"-f"), "{steps}");
    for test in ["redis-cli", "pg_isready", "urllib.request"] {
        assert!(steps.contains(test), "{steps}");
    }
}

/// `cap_drop: [ALL]` for an image whose entrypoint starts as root to switch to its server's
/// user (the official redis) says which capabilities it needs back; compose.user already
/// says why it has no `user:`. Another image gets the plain finding.
#[test]
fn cap_drop_names_what_a_user_switching_entrypoint_needs() {
    let text = "services:\n  cache:\n    image: redis:7\n  app:\n    image: org/app:1\n";
    let (_, services) = parse_file(Path::new("compose.yaml"), "compose.yaml", text);
    let rule = RULES
        .iter()
        .find(|r| r.id == "compose.cap_drop")
        .expect("rule");
    let messages: Vec<String> = services
        .iter()
        .flat_map(|s| (rule.judge)(s, &Nothing))
        .map(|f| f.message)
        .collect();
    assert!(
        messages[0].ends_with("add back `cap_add: [CHOWN, SETUID, SETGID]` with it (and `DAC_OVERRIDE`, `FOWNER` where it fixes a volume's owner)"),
        "{messages:?}"
    );
    assert!(
        messages[1].ends_with("(no `cap_drop: [ALL]`)"),
        "{messages:?}"
    );
}

/// An MCP server's vector store on pgvector (SIL0RAK/mcp-server-template) is postgres with its
/// entrypoint: no `user:` asked, the capabilities it needs back named, and a read-only root
/// told where postgres writes. Prometheus and Grafana run as their own users already.
#[test]
fn images_built_on_postgres_and_monitoring_images_are_known() {
    let text = "services:\n  db:\n    image: pgvector/pgvector:pg16\n  metrics:\n    image: prom/prometheus:v2.53.0\n  dash:\n    image: grafana/grafana:11.1.0\n";
    let (_, services) = parse_file(Path::new("compose.yaml"), "compose.yaml", text);
    let judge = |id: &str| -> Vec<(Status, String)> {
        let rule = RULES.iter().find(|r| r.id == id).expect("rule");
        services
            .iter()
            .flat_map(|s| (rule.judge)(s, &Nothing))
            .map(|f| (f.status, f.message))
            .collect()
    };
    let user = judge("compose.user");
    assert!(user.iter().all(|(st, _)| *st == Status::Ok), "{user:?}");
    assert!(
        user[0].1.contains("run postgres as its own user"),
        "{user:?}"
    );
    assert!(user[1].1.ends_with("runs as `nobody`"), "{user:?}");
    assert!(user[2].1.contains("grafana (uid 472)"), "{user:?}");
    let read_only = judge("compose.read_only");
    assert!(
        read_only[0]
            .1
            .contains("`tmpfs: [/var/run/postgresql, /tmp]`"),
        "{read_only:?}"
    );
    assert!(!read_only[1].1.contains("tmpfs"), "{read_only:?}");
    let caps = judge("compose.cap_drop");
    assert!(caps[0].1.contains("CHOWN, SETUID, SETGID"), "{caps:?}");
}

#[test]
fn a_url_with_a_password_is_a_secret_whatever_its_name() {
    // itslive-ingest's DATABASE_URL=postgresql://username:password@…; a reference or a URL
    // without a password is not one.
    let rule = RULES.iter().find(|r| r.id == "compose.secrets").unwrap();
    let text = "services:\n  app:\n    image: x\n    environment:\n      - DATABASE_URL=postgresql://username:password@db:5432/app\n      - CACHE=redis://cache:6379/0\n      - DB=postgresql://app:${DB_PASSWORD}@db/app\n      - PLAIN=postgres://app@db/app\n";
    let (_, services) = parse_file(Path::new("compose.yaml"), "compose.yaml", text);
    let found = (rule.judge)(&services[0], &Nothing);
    let found: Vec<(usize, &str)> = found.iter().map(|f| (f.line, f.message.as_str())).collect();
    assert_eq!(
        found,
        [(
            5,
            "service `app` has a URL with a plaintext password for DATABASE_URL in `environment` (redacted)"
        )]
    );
}

/// The image of the project's MCP server, whose code declares no health route, built
/// FROM mambaorg/micromamba with curl installed (or not); its own HEALTHCHECK asks `own`.
struct McpImage {
    curl: bool,
    own: Option<&'static str>,
}
impl McpImage {
    fn verdicts(&self, test: &str) -> Vec<Verdict> {
        let text = "FROM mambaorg/micromamba:2.0.5\nCMD [\"python\", \"server.py\"]\n";
        let text = match self.curl {
            true => text.replace("\nCMD", "\nRUN micromamba install -y curl\nCMD"),
            false => text.to_string(),
        };
        let df = Dockerfile::from_text("Dockerfile".into(), "Dockerfile".into(), &text);
        crate::checks::dockerfile::verdicts_for_test(&df, test, "/mcp")
    }
}
impl Lookup for McpImage {
    fn built_user(&self, _: &Path, _: Option<&str>) -> Option<(bool, String)> {
        None
    }
    fn built_healthcheck(&self, _: &Path, _: Option<&str>) -> Option<bool> {
        Some(self.own.is_some())
    }
    fn image(&self, _: &str) -> Option<(String, bool)> {
        None
    }
    fn flagged(&self, _: &Path, id: &str) -> Option<String> {
        let own = self.healthcheck(Path::new("Dockerfile"), None);
        (id == "dockerfile.healthcheck_tool" && own.iter().any(|v| v.status().is_problem()))
            .then(|| "Dockerfile".into())
    }
    fn healthcheck(&self, _: &Path, test: Option<&str>) -> Vec<Verdict> {
        match (test, self.own) {
            (Some(test), _) => self.verdicts(test),
            (None, Some(own)) => self.verdicts(&format!("CMD curl -f http://localhost:3000{own}")),
            (None, None) => Vec::new(),
        }
    }
}

/// A service's healthcheck is judged in the image it builds: a test that curls `-f` a route
/// the MCP server does not serve fails at the healthcheck's line (matsunagalab/mcp-md's
/// compose file), and so does one whose program the image lacks. One that asks the endpoint,
/// passes on any answer, or belongs to a service with its own `command:` is not judged on its
/// route; what the Dockerfile's HEALTHCHECK gets wrong alike points there.
#[test]
fn a_healthcheck_is_judged_in_the_image_the_service_builds() {
    let judge = |service: &str, image: &McpImage| {
        let text =
            format!("services:\n  mcp:\n    build: .\n    ports: [\"3000:3000\"]\n{service}");
        let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
        let rule = RULES
            .iter()
            .find(|r| r.id == "compose.healthcheck_tool")
            .unwrap();
        let applies = (rule.subject.as_ref().unwrap().has)(&services[0]);
        let found: Vec<(usize, Status)> = (rule.judge)(&services[0], image)
            .into_iter()
            .map(|f| (f.line, f.status))
            .collect();
        (applies, found)
    };
    let image = |curl: bool, own: Option<&'static str>| McpImage { curl, own };
    let curl = "    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:3000/health\"]\n";
    let ok = Status::Ok;
    assert_eq!(
        judge(curl, &image(true, None)),
        (true, vec![(5, Fail), (5, ok)])
    );
    assert_eq!(
        judge(curl, &image(false, None)),
        (true, vec![(5, Fail), (5, Fail)])
    );
    // The Dockerfile's HEALTHCHECK asks the same route: one cause, reported there.
    assert_eq!(
        judge(curl, &image(true, Some("/health"))),
        (true, vec![(5, ok), (2, Status::Skip)])
    );
    // Another route there: two causes, two findings; curl missing in both: reported there.
    assert_eq!(
        judge(curl, &image(true, Some("/ping"))),
        (true, vec![(5, Fail), (5, ok)])
    );
    assert_eq!(
        judge(curl, &image(false, Some("/ping"))),
        (true, vec![(5, Fail)])
    );
    let endpoint = "    healthcheck:\n      test: curl -fsS http://127.0.0.1:3000/mcp\n";
    assert_eq!(judge(endpoint, &image(true, None)), (true, vec![(5, ok)]));
    let any_answer =
        "    healthcheck:\n      test: [\"CMD-SHELL\", \"curl http://localhost:3000/health\"]\n";
    assert_eq!(judge(any_answer, &image(true, None)), (true, vec![(5, ok)]));
    // A bare python: mambaorg/micromamba has it on PATH only in its entrypoint, which a
    // healthcheck does not run.
    let python = "    healthcheck:\n      test: [\"CMD\", \"python\", \"-c\", \"import socket\"]\n";
    assert_eq!(judge(python, &image(false, None)), (true, vec![(5, Fail)]));
    let full = python.replace("\"python\"", "\"/opt/conda/bin/python\"");
    assert_eq!(judge(&full, &image(false, None)), (true, vec![]));
    let own_command = format!("{curl}    command: [\"python\", \"other.py\"]\n");
    assert_eq!(
        judge(&own_command, &image(true, None)),
        (true, vec![(5, ok)])
    );
    // An image the project does not build is judged by its name: python's slim images have
    // neither curl nor wget; an image not known to lack it is not judged.
    let run = |image: &str, test: &str| {
        let text = format!(
            "services:\n  api:\n    image: {image}\n    healthcheck:\n      test: {test}\n"
        );
        let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
        super::rules::healthcheck_tool(&services[0], &Nothing)
            .into_iter()
            .map(|f| (f.line, f.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        run("python:3.12-slim", "curl -f http://localhost:8000/health"),
        [(4, Fail)]
    );
    assert_eq!(
        run("python:3.12", "curl -f http://localhost:8000/health"),
        []
    );
    assert_eq!(
        run(
            "python:3.12-slim",
            "[\"CMD\", \"python\", \"-c\", \"pass\"]"
        ),
        []
    );
    let disabled = format!("{curl}      disable: true\n");
    assert_eq!(judge(&disabled, &image(true, None)), (false, vec![]));
    // The words name the service, and the line is the Dockerfile's.
    let text = format!("services:\n  mcp:\n    build: .\n{curl}");
    let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
    let messages: Vec<String> = super::rules::healthcheck_tool(&services[0], &image(true, None))
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert!(
        messages[0].starts_with("service `mcp`'s healthcheck asks `/health`"),
        "{messages:?}"
    );
    assert_eq!(
        messages[1],
        "`curl` is installed at line 2 of the Dockerfile it builds for service `mcp`'s healthcheck"
    );
}

/// `user: "${UID}:${GID}"` is a common way to match the host's ids, but bash does not export
/// `UID`: unless something sets them, compose blanks both and Docker runs the blank user as
/// root.
#[test]
fn a_user_made_of_unset_variables_runs_as_root() {
    let text = "services:\n  app:\n    image: org/app:1\n    user: \"${UID}:${GID}\"\n";
    let judged = |vars: &[(&str, &str)]| {
        let get = |n: &str| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        };
        let (_, services) = crate::probes::compose::parse_file_with(
            Path::new("/p/compose.yaml"),
            "compose.yaml",
            text,
            &get,
        );
        super::rules::user(&services[0], &Nothing).remove(0)
    };
    let f = judged(&[]);
    assert_eq!((f.status, f.line), (Warn, 4), "{f:?}");
    assert_eq!(
        f.message,
        "service `app` runs as root: `user: ${UID}:${GID}` with `UID`, `GID` unset here (bash does not export `UID`), which compose blanks; set them in .env (`UID=1000`, `GID=1000`) or write `${UID:-1000}:${GID:-1000}`"
    );
    let f = judged(&[("UID", "1000")]);
    assert_eq!(f.status, Status::Ok, "{f:?}");
    assert!(
        f.message
            .ends_with("runs as `1000:` (`${UID}:${GID}` with GID unset)"),
        "{f:?}"
    );
    let f = judged(&[("UID", "1000"), ("GID", "1000")]);
    assert_eq!(f.message, "service `app` runs as `1000:1000`");
    // A default, or a blank that leaves a named user, is no root.
    let text = text.replace("${UID}:${GID}", "${APP_UID:-1000}");
    let (_, services) = parse_file(Path::new("/p/compose.yaml"), "compose.yaml", &text);
    assert_eq!(
        super::rules::user(&services[0], &Nothing)[0].status,
        Status::Ok
    );
}
