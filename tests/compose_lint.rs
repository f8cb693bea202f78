//! The compose.* checks through the real binary: a secure and an insecure compose file,
//! anchors and merges, malformed files, builds cross-checked with their Dockerfile, and
//! secret values that never reach any output.
mod support;

use serde_json::Value;
use support::{check, status, Sandbox};

const SECURE: &str = include_str!("fixtures/docker/compose/secure.compose.yaml");
const INSECURE: &str = include_str!("fixtures/docker/compose/insecure.compose.yaml");
const MALFORMED: &str = include_str!("fixtures/docker/compose/malformed.compose.yaml");

const IDS: &[&str] = &[
    "compose.syntax",
    "compose.privileged",
    "compose.docker_socket",
    "compose.host_network",
    "compose.host_namespaces",
    "compose.user",
    "compose.read_only",
    "compose.cap_drop",
    "compose.no_new_privileges",
    "compose.limits",
    "compose.healthcheck",
    "compose.ports",
    "compose.secrets",
];

fn project(files: &[(&str, &str)]) -> Sandbox {
    let sb = Sandbox::new();
    for (path, text) in files {
        sb.write(format!("project/{path}"), text);
    }
    sb
}

fn locations(report: &Value, id: &str) -> Vec<(String, u64)> {
    check(report, id)["locations"]
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap_or_default().to_string(),
                l["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn secure_compose_is_all_ok() {
    let sb = project(&[("compose.yaml", SECURE)]);
    let (report, code) = sb.json(&["compose.*"]);
    for id in IDS {
        assert_eq!(status(&report, id), "ok", "{id}: {:#}", check(&report, id));
    }
    assert_eq!(code, 0);
}

#[test]
fn insecure_compose_fails_with_service_and_line() {
    let sb = project(&[("docker-compose.yml", INSECURE)]);
    let (report, code) = sb.json(&["compose.*"]);
    assert_eq!(code, 1);
    for (id, want) in [
        ("compose.syntax", "ok"),
        ("compose.privileged", "fail"),
        ("compose.docker_socket", "fail"),
        ("compose.host_network", "fail"),
        ("compose.host_namespaces", "fail"),
        ("compose.user", "fail"),
        ("compose.read_only", "warn"),
        ("compose.cap_drop", "fail"),
        ("compose.no_new_privileges", "fail"),
        ("compose.limits", "warn"),
        ("compose.healthcheck", "warn"),
        ("compose.ports", "warn"),
        ("compose.secrets", "fail"),
    ] {
        assert_eq!(status(&report, id), want, "{id}: {:#}", check(&report, id));
    }
    assert_eq!(
        locations(&report, "compose.docker_socket"),
        vec![
            ("docker-compose.yml".to_string(), 13),
            ("docker-compose.yml".to_string(), 14)
        ]
    );
    let loc = &check(&report, "compose.privileged")["locations"][0];
    assert_eq!(loc["rule"], "DC001");
    assert!(loc["message"].as_str().unwrap().contains("`web`"));
    let ports: Vec<u64> = locations(&report, "compose.ports")
        .iter()
        .map(|l| l.1)
        .collect();
    assert_eq!(ports, vec![9, 10]);
}

#[test]
fn secret_values_never_reach_any_output() {
    let sb = project(&[("compose.yaml", INSECURE)]);
    for format in [
        "human",
        "json",
        "junit",
        "sarif",
        "tap",
        "prometheus",
        "nagios",
    ] {
        for extra in [&[][..], &["-v"][..]] {
            let mut args = vec!["--format", format, "compose.*"];
            args.extend_from_slice(extra);
            let out = sb.run(&args);
            let all = format!("{}{}", support::stdout(&out), support::stderr(&out));
            assert!(
                !all.contains("LEAKCANARY"),
                "{format} leaked a secret:\n{all}"
            );
        }
    }
    let (report, _) = sb.json(&["compose.secrets"]);
    let msg = check(&report, "compose.secrets")["locations"][0]["message"].to_string();
    assert!(
        msg.contains("DB_PASSWORD") && msg.contains("redacted"),
        "{msg}"
    );
}

#[test]
fn malformed_compose_is_a_syntax_failure_and_the_rest_unknown() {
    let sb = project(&[("compose.yaml", MALFORMED)]);
    let (report, code) = sb.json(&["compose.*"]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, "compose.syntax"), "fail");
    let loc = &check(&report, "compose.syntax")["locations"][0];
    assert_eq!(loc["path"], "compose.yaml");
    assert!(loc["line"].as_u64().unwrap() >= 3, "{loc}");
    assert!(loc["message"].as_str().unwrap().contains("not valid YAML"));
    for id in &IDS[1..] {
        assert_eq!(status(&report, id), "unknown", "{id}");
    }
}

/// A broken file outside the project that an `include:` names is not the project's to edit:
/// the step points at the include, not at the file (in a hostile clone, /etc/passwd).
#[test]
fn a_broken_include_outside_the_project_points_at_the_include() {
    let sb = project(&[(
        "compose.yaml",
        "include:\n  - ../common/notes.yaml\n  - local.yaml\nservices:\n  a:\n    image: a:1\n",
    )]);
    sb.write("common/notes.yaml", "just text\n");
    sb.write("project/local.yaml", "- a list\n");
    let (report, _) = sb.json(&["compose.syntax"]);
    let c = check(&report, "compose.syntax");
    assert_eq!(c["status"], "fail", "{c:#}");
    let steps = c["fix"]["manual"].to_string();
    assert!(
        steps.contains("Correct the `include:` of compose.yaml that names ../common/notes.yaml"),
        "{steps}"
    );
    assert!(!steps.contains("lines in ../common/notes.yaml"), "{steps}");
    assert!(
        steps.contains("Correct the reported lines in local.yaml"),
        "{steps}"
    );
}

#[test]
fn configured_compose_files_and_missing_ones() {
    let sb = project(&[
        ("deploy/stack.yaml", SECURE),
        (
            "devdoctor.toml",
            "[docker]\ncompose_files = [\"deploy/stack.yaml\", \"nope.yaml\"]\n",
        ),
    ]);
    let (report, _) = sb.json(&["compose.*"]);
    assert_eq!(status(&report, "compose.syntax"), "fail");
    let locs = locations(&report, "compose.syntax");
    assert_eq!(locs, vec![("nope.yaml".to_string(), 0)]);
    // The readable file is clean, but the missing one cannot be vouched for.
    assert_eq!(status(&report, "compose.privileged"), "unknown");
}

#[test]
fn without_compose_every_check_skips() {
    let sb = project(&[("README.md", "x\n")]);
    let (report, code) = sb.json(&["compose.*"]);
    for id in IDS {
        assert_eq!(status(&report, id), "skip", "{id}");
    }
    assert_eq!(code, 3, "nothing was checked: not healthy");
}

#[test]
fn a_built_service_inherits_user_and_healthcheck_from_its_dockerfile() {
    let compose = "services:\n  api:\n    build:\n      context: ./svc\n    read_only: true\n";
    let dockerfile = include_str!("fixtures/docker/dockerfile/policy_secure.Dockerfile");
    let sb = project(&[("compose.yaml", compose), ("svc/Dockerfile", dockerfile)]);
    let (report, _) = sb.json(&["compose.user", "compose.healthcheck"]);
    assert_eq!(status(&report, "compose.user"), "ok", "{report:#}");
    assert_eq!(status(&report, "compose.healthcheck"), "ok", "{report:#}");
    let sb = project(&[
        ("compose.yaml", compose),
        (
            "svc/Dockerfile",
            include_str!("fixtures/docker/dockerfile/policy_insecure.Dockerfile"),
        ),
    ]);
    // The Dockerfile's own checks report the root user and the missing HEALTHCHECK: one
    // cause, one finding, and the compose rules point there.
    let (report, _) = sb.json(&["compose.user", "compose.healthcheck"]);
    let user = check(&report, "compose.user");
    assert_eq!(user["status"], "skip", "{user}");
    assert_eq!(
        user["summary"],
        "service `api` builds svc/Dockerfile, which has no USER (base image python:3.11) (see dockerfile.user)"
    );
    // The pointer says what the Dockerfile does: dockerfile.user could not rule root out
    // above (python:3.11 is not local), and knows it here.
    sb.write(
        "project/svc/Dockerfile",
        "FROM python:3.11\nUSER root\nCMD [\"python\"]\n",
    );
    let (root, _) = sb.json(&["compose.user"]);
    assert_eq!(
        check(&root, "compose.user")["summary"],
        "service `api` builds svc/Dockerfile, which sets USER `root` (see dockerfile.user)"
    );
    sb.write(
        "project/svc/Dockerfile",
        include_str!("fixtures/docker/dockerfile/policy_insecure.Dockerfile"),
    );
    let health = check(&report, "compose.healthcheck");
    assert_eq!(health["status"], "skip", "{health}");
    // Another service still gets its own finding, and the pointer is said beside it.
    let with_redis = format!("{compose}  cache:\n    image: redis:7\n    read_only: true\n");
    sb.write("project/compose.yaml", &with_redis);
    let (report, _) = sb.json(&["compose.healthcheck"]);
    let health = check(&report, "compose.healthcheck");
    assert_eq!(health["status"], "warn", "{health}");
    assert_eq!(health["summary"], "service `cache` has no healthcheck");
    assert!(
        health["details"].to_string().contains(
            "service `api` builds svc/Dockerfile, which declares no HEALTHCHECK (see dockerfile.healthcheck)"
        ),
        "{health}"
    );
}

#[test]
fn alias_bombs_and_garbage_do_not_hang_or_crash() {
    let bomb = include_str!("fixtures/docker/compose/bomb.compose.yaml");
    let sb = project(&[("compose.yaml", bomb)]);
    let (report, code) = sb.json(&["compose.*"]);
    assert_eq!(status(&report, "compose.syntax"), "fail");
    assert_eq!(code, 1);
    let sb = Sandbox::new();
    std::fs::write(
        sb.project.join("compose.yml"),
        [0xffu8, 0xfe, 0, b':', b'[', b'\n'],
    )
    .unwrap();
    let (report, _) = sb.json(&["compose.syntax"]);
    assert_eq!(status(&report, "compose.syntax"), "fail");
}

#[test]
fn no_compose_fix_calls_pip() {
    let sb = project(&[("compose.yaml", INSECURE)]);
    let (report, _) = sb.json(&["compose.*"]);
    let word = regex::Regex::new(r"(?i)\bpip[0-9.]*\b|easy_install").unwrap();
    for id in IDS {
        let fix = &check(&report, id)["fix"];
        if fix.is_null() {
            continue;
        }
        for cmd in fix["commands"].as_array().unwrap() {
            let argv: Vec<&str> = cmd
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|a| a.as_str())
                .collect();
            assert!(
                !devdoctor::policy::no_pip::argv_calls_pip(&argv),
                "{id}: {argv:?}"
            );
            assert_eq!(argv.first(), Some(&"docker"));
        }
        let text = format!("{} {}", fix["why"], fix["manual"]);
        assert!(!word.is_match(&text), "{id}: {text}");
    }
}

/// A compose fix is an edit for a person: `fix` has nothing to run for it, the edit comes
/// first, and `docker compose config --quiet` is named last, to validate the edited file.
/// (It used to be the fix's command, so "Next steps" showed the validation instead of the edit.)
#[test]
fn compose_fixes_are_edits_then_a_validation() {
    let sb = project(&[("compose.yaml", INSECURE)]);
    let (report, _) = sb.json(&["compose.*"]);
    let mut fixes = 0;
    for id in IDS {
        let fix = &check(&report, id)["fix"];
        if fix.is_null() {
            continue;
        }
        fixes += 1;
        assert_eq!(fix["commands"], serde_json::json!([]), "{id}: {fix:#}");
        let manual: Vec<&str> = fix["manual"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m.as_str())
            .collect();
        assert!(manual.len() >= 2, "{id}: {manual:?}");
        assert!(!manual[0].contains("config --quiet"), "{id}: {manual:?}");
        assert!(
            manual
                .last()
                .unwrap()
                .ends_with("`docker compose -f compose.yaml config --quiet`"),
            "{id}: {manual:?}"
        );
    }
    assert!(fixes >= 10, "{fixes} compose fixes");
    let out = sb.run(&["compose.privileged", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let next = text.split("Next steps:").nth(1).expect("next steps");
    assert!(next.contains("remove `privileged: true`"), "{text}");
    assert!(!next.contains("config --quiet"), "{text}");
}

/// nsidc/usaon-benefit-tool's shape: compose.yml runs the app; compose.dev.yml adds a database,
/// a volume-preparation job the database waits on, and the dev secrets.
#[test]
fn a_one_shot_job_needs_no_healthcheck_and_a_fix_names_the_file_a_finding_is_in() {
    let sb = project(&[
        (
            "compose.yml",
            "services:\n  app:\n    image: example/app:1.0\n    healthcheck:\n      test: [\"CMD\", \"/app/healthcheck\"]\n",
        ),
        (
            "compose.override.yml",
            "services:\n  app:\n    environment:\n      DB_PASSWORD: DevelopmentOnly123\n  shell:\n    image: example/app:1.0\n    tty: true\n    stdin_open: true\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready\"]\n    depends_on:\n      prep:\n        condition: service_completed_successfully\n  prep:\n    image: busybox:1.36\n    command: [\"chown\", \"-R\", \"999\", \"/data\"]\n  worker:\n    image: example/worker:1.0\n    depends_on:\n      - db\n",
        ),
    ]);
    let (report, _) = sb.json(&["compose.healthcheck", "compose.secrets"]);
    // `prep` is waited on to complete: a job, not a server; `shell` is attached to with a
    // terminal. `worker` is a server.
    assert_eq!(
        locations(&report, "compose.healthcheck"),
        [("compose.override.yml".to_string(), 19)],
        "{:#}",
        check(&report, "compose.healthcheck")
    );
    let secrets = check(&report, "compose.secrets");
    assert_eq!(
        locations(&report, "compose.secrets"),
        [("compose.override.yml".to_string(), 4)]
    );
    let steps = secrets["fix"]["manual"].to_string();
    assert!(steps.contains("`app` in compose.override.yml"), "{steps}");
    assert!(!steps.contains("in compose.yml"), "{steps}");
}

/// compose.yml runs the project's image from a registry; a variant builds the same image
/// (another tag) from the project's Dockerfile: the user is the Dockerfile's.
#[test]
fn a_service_running_an_image_the_project_builds_is_judged_by_its_dockerfile() {
    let sb = project(&[
        (
            "compose.yml",
            "services:\n  app:\n    image: \"example/app:${VERSION:?VERSION must be set}\"\n",
        ),
        (
            "compose.dev.yml",
            "services:\n  app:\n    image: example/app:dev\n    build: .\n",
        ),
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nCMD [\"python\", \"-m\", \"app\"]\n",
        ),
    ]);
    let (report, _) = sb.json(&["compose.user"]);
    let c = check(&report, "compose.user");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c.to_string()
            .contains("the Dockerfile example/app:${VERSION:?VERSION must be set} is built from runs as `mambauser`"),
        "{c:#}"
    );
    // Another repository is not the project's image.
    let sb = project(&[
        (
            "compose.yml",
            "services:\n  app:\n    image: example/other:1.0\n",
        ),
        (
            "compose.dev.yml",
            "services:\n  app:\n    image: example/app:dev\n    build: .\n",
        ),
        ("Dockerfile", "FROM mambaorg/micromamba:2.0.5\n"),
    ]);
    let (report, _) = sb.json(&["compose.user"]);
    let c = check(&report, "compose.user");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("its image is not known to run as non-root"),
        "{c:#}"
    );
}

/// A service's env_file that is not there stops `docker compose up`: the finding names the
/// example beside it to copy. Elsewhere the rule says it does not apply.
#[test]
fn a_missing_env_file_fails_and_names_its_example() {
    let sb = project(&[
        (
            "compose.yaml",
            "services:\n  app:\n    image: example/app:1.0\n    env_file:\n      - .env\n      - path: ./optional.env\n        required: false\n  db:\n    image: postgres:16\n    env_file: db.env\n",
        ),
        (".env.example", "API_KEY=\n"),
        ("db.env", "POSTGRES_DB=app\n"),
    ]);
    let (report, _) = sb.json(&["compose.env_file"]);
    let c = check(&report, "compose.env_file");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(
        locations(&report, "compose.env_file"),
        [("compose.yaml".to_string(), 5)]
    );
    assert!(
        c.to_string().contains("(copy .env.example and fill it in)"),
        "{c:#}"
    );
    // An example named the other common way (`env.example`) is found as well.
    std::fs::remove_file(sb.project.join(".env.example")).unwrap();
    sb.write("project/env.example", "API_KEY=\n");
    let (report, _) = sb.json(&["compose.env_file"]);
    let c = check(&report, "compose.env_file");
    assert!(
        c.to_string().contains("(copy env.example and fill it in)"),
        "{c:#}"
    );
    // With the file there, it passes; with no env_file at all, it does not apply.
    sb.write("project/.env", "API_KEY=x\n");
    let (report, _) = sb.json(&["compose.env_file"]);
    assert_eq!(status(&report, "compose.env_file"), "ok", "{report:#}");
    let sb = project(&[(
        "compose.yaml",
        "services:\n  app:\n    image: example/app:1.0\n",
    )]);
    let (report, _) = sb.json(&["compose.env_file"]);
    let c = check(&report, "compose.env_file");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("no service reads an env_file"));
}

/// A command-line image that compose only runs as an interactive shell (opera-adt/disp-s1's
/// `stdin_open: true`, `CMD ["disp-s1", "--help"]`) serves nothing: its Dockerfile needs no
/// HEALTHCHECK. Publishing a port makes it a server again.
#[test]
fn an_image_compose_only_attaches_to_needs_no_healthcheck() {
    let compose = |ports: &str| {
        format!("services:\n  cli:\n    build: .\n    stdin_open: true\n    tty: true\n{ports}")
    };
    let sb = project(&[
        ("compose.yaml", &compose("")),
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nCMD [\"disp-s1\", \"--help\"]\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    assert_eq!(
        status(&report, "dockerfile.healthcheck"),
        "ok",
        "{report:#}"
    );
    sb.write(
        "project/compose.yaml",
        &compose("    ports:\n      - \"8000:8000\"\n"),
    );
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    assert_eq!(
        status(&report, "dockerfile.healthcheck"),
        "warn",
        "{report:#}"
    );
}

/// A compose build whose context leads out of the project (`context: ../outside`) names a
/// Dockerfile that is not the project's: until the user trusts the project it is not read
/// (its USER would have passed compose.user), and the build lookup does not look there.
#[test]
fn a_dockerfile_outside_the_project_is_not_read_untrusted() {
    let mut sb = project(&[(
        "compose.yaml",
        "services:\n  app:\n    build:\n      context: ../outside\n",
    )]);
    sb.write("outside/Dockerfile", "FROM mambaorg/micromamba:2.0.5\n");
    sb.var("DEVDOCTOR_TRUST", "0");
    let (report, _) = sb.json(&["compose.user", "compose.build"]);
    let user = check(&report, "compose.user");
    assert_eq!(user["status"], "warn", "{user:#}");
    assert!(
        user.to_string().contains("not known to run as non-root"),
        "{user:#}"
    );
    assert_eq!(status(&report, "compose.build"), "ok", "{report:#}");
    // Trusted for this run, it is read.
    let (report, _) = sb.json(&["--trust-project", "compose.user"]);
    assert_eq!(status(&report, "compose.user"), "ok", "{report:#}");
    // The project's own Dockerfile built with a context out of the project: that context's
    // .dockerignore (which leaves out what the COPY takes) is not read untrusted.
    sb.write(
        "project/compose.yaml",
        "services:\n  app:\n    build:\n      context: ../outside\n      dockerfile: ../project/Dockerfile\n",
    );
    sb.write(
        "project/Dockerfile",
        "FROM mambaorg/micromamba:2.0.5\nCOPY environment.yml /tmp/\n",
    );
    sb.write("outside/.dockerignore", "environment.yml\n");
    let (report, _) = sb.json(&["dockerfile.copy_ignored"]);
    assert_eq!(
        status(&report, "dockerfile.copy_ignored"),
        "ok",
        "{report:#}"
    );
    let (report, _) = sb.json(&["--trust-project", "dockerfile.copy_ignored"]);
    assert_eq!(
        status(&report, "dockerfile.copy_ignored"),
        "fail",
        "{report:#}"
    );
}

/// A build whose Dockerfile was renamed stops `docker compose build`: the finding names the
/// file the folder does hold. With an `image:` too, only the build stops: a warning.
#[test]
fn a_build_without_its_dockerfile_fails_and_names_what_the_folder_has() {
    let sb = project(&[
        (
            "compose.yaml",
            "services:\n  api:\n    build: ./api\n  web:\n    image: example/web:1.0\n    build:\n      context: ./web\n",
        ),
        ("api/Dockerfile.dev", "FROM scratch\n"),
        ("web/README.md", "the web app\n"),
    ]);
    let (report, _) = sb.json(&["compose.build"]);
    let c = check(&report, "compose.build");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(
        locations(&report, "compose.build"),
        [
            ("compose.yaml".to_string(), 3),
            ("compose.yaml".to_string(), 6)
        ]
    );
    let text = c.to_string();
    assert!(
        text.contains("service `api` builds api/Dockerfile, which is not there (the folder has api/Dockerfile.dev)"),
        "{c:#}"
    );
    assert!(
        text.contains(
            "service `web` builds web/Dockerfile, which is not there: `docker compose build` stops"
        ),
        "{c:#}"
    );
    sb.write("project/api/Dockerfile", "FROM scratch\n");
    sb.write("project/web/Dockerfile", "FROM scratch\n");
    let (report, _) = sb.json(&["compose.build"]);
    assert_eq!(status(&report, "compose.build"), "ok", "{report:#}");
    let sb = project(&[(
        "compose.yaml",
        "services:\n  app:\n    image: example/app:1.0\n",
    )]);
    let (report, _) = sb.json(&["compose.build"]);
    assert_eq!(status(&report, "compose.build"), "skip", "{report:#}");
}

/// Docker's official database images start as root only to hand the server to its own user:
/// no `user:` is needed there, and one would break a fresh volume.
#[test]
fn official_database_images_drop_root_themselves() {
    let sb = project(&[(
        "compose.yaml",
        "services:\n  db:\n    image: postgres:16\n  cache:\n    image: redis:7\n  app:\n    image: example/app:1.0\n",
    )]);
    let (report, _) = sb.json(&["compose.user"]);
    let c = check(&report, "compose.user");
    assert_eq!(
        locations(&report, "compose.user"),
        [("compose.yaml".to_string(), 6)],
        "{c:#}"
    );
    let sb = project(&[("compose.yaml", "services:\n  db:\n    image: postgres:16\n")]);
    let (report, _) = sb.json(&["compose.user"]);
    let c = check(&report, "compose.user");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c.to_string().contains(
            "postgres:16's entrypoint starts as root only to run postgres as its own user"
        ),
        "{c:#}"
    );
}

/// isce-framework/dolphin's docker/docker-compose.yml is a template a script fills in
/// (service `$TAG:`, `user: $(id -u):$(id -g)`): compose refuses a service named by a
/// variable, so the file is left out of every rule, with the reason, instead of being judged
/// for read_only, limits and healthchecks. A real compose file beside it is judged as before.
#[test]
fn a_compose_template_for_a_script_is_left_out() {
    let template = "name: basic-run\nservices:\n    $TAG:\n        user: $(id -u):$(id -g)\n        image: $TAG\n        command: dolphin run config.yaml\n";
    let sb = project(&[("docker/docker-compose.yml", template)]);
    let (report, _) = sb.json(&["compose.*"]);
    for id in ["compose.syntax", "compose.read_only", "compose.user"] {
        let c = check(&report, id);
        assert_eq!(c["status"], "skip", "{c:#}");
        assert_eq!(
            c["summary"],
            "left out docker/docker-compose.yml: a template that a script fills in before compose reads it (service `$TAG`, line 3)"
        );
    }
    sb.write(
        "project/compose.yaml",
        "services:\n  app:\n    image: example/app:1.0\n    privileged: true\n",
    );
    let (report, _) = sb.json(&["compose.syntax", "compose.privileged"]);
    let c = check(&report, "compose.syntax");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert_eq!(c["summary"], "1 compose file parses (1 service)");
    assert!(
        c["details"]
            .to_string()
            .contains("left out docker/docker-compose.yml"),
        "{c:#}"
    );
    assert_eq!(status(&report, "compose.privileged"), "fail");
}

/// The image a README builds (`docker build -t topsapp_img .`) is the name a fix rebuilds
/// the Dockerfile under, and a compose service that runs that image without building it is
/// judged by that Dockerfile (Koverse's `image: jupyterdatascienceimage`).
#[test]
fn a_build_the_readme_documents_names_the_image_and_links_the_service() {
    let sb = project(&[
        (
            "README.md",
            "# App\n\n```\ndocker build --no-cache -t labimage .\ndocker compose up\n```\n",
        ),
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"http.server\"]\n",
        ),
        (
            "compose.yaml",
            "services:\n  lab:\n    image: labimage\n    ports: [\"8000:8000\"]\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck", "compose.user"]);
    let hc = check(&report, "dockerfile.healthcheck");
    assert!(
        hc["fix"]["manual"]
            .to_string()
            .contains("then rebuild: docker build -t labimage -f Dockerfile ."),
        "{hc:#}"
    );
    let user = check(&report, "compose.user");
    assert_eq!(user["status"], "ok", "{user:#}");
    assert!(
        user.to_string()
            .contains("the Dockerfile labimage is built from runs as `mambauser`"),
        "{user:#}"
    );
}

/// A README beside a Dockerfile in a subfolder names that image (TOSTRING-Z/chatx's
/// mcp_client/mcp_server/README.md: `docker build -t transagent:latest .`), even when the
/// project's root has a Dockerfile of its own.
#[test]
fn a_readme_beside_a_dockerfile_names_its_image() {
    let served = "FROM mambaorg/micromamba:2.0.5\nEXPOSE 3001\nCMD [\"python\", \"server.py\"]\n";
    let sb = project(&[
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nHEALTHCHECK CMD true\n",
        ),
        ("srv/Dockerfile", served),
        (
            "srv/README.md",
            "```\ndocker build -t transagent:latest .\n```\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck"]);
    let hc = check(&report, "dockerfile.healthcheck");
    assert!(
        hc["fix"]["manual"]
            .to_string()
            .contains("then rebuild: docker build -t transagent:latest -f srv/Dockerfile srv"),
        "{hc:#}"
    );
}

/// A service that runs a server from an image whose Dockerfile sets no command (a tool image,
/// which needs no HEALTHCHECK of its own) inherits none: compose.healthcheck asks for one
/// (Swarm-DISC/dashboards runs `panel serve` from such an image).
#[test]
fn a_tool_image_gives_its_service_no_healthcheck() {
    let sb = project(&[
        (
            "Dockerfile",
            "FROM mambaorg/micromamba:2.0.5\nCOPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml /tmp/\n",
        ),
        (
            "compose.yaml",
            "services:\n  panel:\n    build: .\n    ports: [\"127.0.0.1:5006:5006\"]\n    command: panel serve app.py\n",
        ),
    ]);
    let (report, _) = sb.json(&["dockerfile.healthcheck", "compose.healthcheck"]);
    assert_eq!(status(&report, "dockerfile.healthcheck"), "ok");
    let c = check(&report, "compose.healthcheck");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("`panel` has no healthcheck"),
        "{c:#}"
    );
    // With a HEALTHCHECK in the Dockerfile, the service inherits it.
    sb.write(
        "project/Dockerfile",
        "FROM mambaorg/micromamba:2.0.5\nHEALTHCHECK CMD [\"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:5006/')\"]\n",
    );
    let (report, _) = sb.json(&["compose.healthcheck"]);
    let c = check(&report, "compose.healthcheck");
    assert_eq!(c["status"], "ok", "{c:#}");
}

/// Services that build different stages of one Dockerfile (`build.target`, CDCgov/Mira's
/// backend and frontend): each is judged by its own stage, and the rebuild of the final
/// stage takes the tag of the service that runs it, not of the first service that builds the
/// file.
#[test]
fn a_build_target_is_the_stage_a_service_runs() {
    let sb = project(&[
        (
            "Dockerfile",
            "FROM node:22.11-slim AS web\nUSER node\nEXPOSE 5173\nCMD [\"npm\", \"run\", \"dev\"]\n\nFROM condaforge/miniforge3:24.11.3-0 AS api\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"http.server\"]\n",
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: myweb:1.0\n    build:\n      context: .\n      target: web\n  api:\n    image: myapi:1.0\n    build:\n      context: .\n      target: api\n",
        ),
    ]);
    let (report, _) = sb.json(&["compose.user", "dockerfile.user"]);
    let user = check(&report, "compose.user").to_string();
    // `web`'s stage runs as node; `api` builds the final stage, which dockerfile.user reports.
    assert!(
        user.contains(
            "service `web` has no `user:`, but the stage `web` it builds sets USER `node`"
        ),
        "{user}"
    );
    assert!(
        user.contains("service `api` builds Dockerfile, which has no USER (base image condaforge/miniforge3:24.11.3-0) (see dockerfile.user)"),
        "{user}"
    );
    // Built the other way round, `api`'s stage is not the final one: said here.
    let sb = project(&[
        (
            "Dockerfile",
            "FROM condaforge/miniforge3:24.11.3-0 AS api\nEXPOSE 8000\nCMD [\"python\", \"-m\", \"http.server\"]\n\nFROM node:22.11-slim AS web\nUSER node\nEXPOSE 5173\nCMD [\"npm\", \"run\", \"dev\"]\n",
        ),
        (
            "compose.yaml",
            "services:\n  api:\n    image: myapi:1.0\n    build:\n      context: .\n      target: api\n  web:\n    image: myweb:1.0\n    build:\n      context: .\n      target: web\n",
        ),
    ]);
    let (other, _) = sb.json(&["compose.user", "dockerfile.user"]);
    assert_eq!(status(&other, "dockerfile.user"), "ok", "{other:#}");
    let user = check(&other, "compose.user");
    assert_eq!(user["status"], "warn", "{user:#}");
    assert!(
        user["summary"]
            .as_str()
            .unwrap()
            .contains("the stage `api` it builds has no USER"),
        "{user:#}"
    );
    let df = check(&report, "dockerfile.user");
    assert_eq!(df["status"], "fail", "{df:#}");
    let manual = df["fix"]["manual"].to_string();
    assert!(manual.contains("docker build -t myapi:1.0 -f"), "{manual}");
    assert!(!manual.contains("myweb"), "{manual}");
}
