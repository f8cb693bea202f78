//! Golden output of the human report (default, `-q`, `-v`) for the example project and three
//! broken machines, at 80 columns with colour off. The expected text is checked in under
//! tests/fixtures/report/; `DEVDOCTOR_UPDATE_GOLDEN=1 cargo test --test report_golden`
//! rewrites it after a deliberate change (review the diff).
//!
//! Every machine is built here: a temp HOME, a PATH holding only stand-ins (fixed versions of
//! git, curl and docker, and micromamba where the state has one), and
//! DOCKER_HOST=unix:///nonexistent so no engine is asked. The temp dir has a fixed-length
//! name under /tmp, so wrapping does not depend on where the test runs; its path and the
//! timings are masked before comparing, and lines about other processes listening on the
//! machine are left out.
#[path = "support/env_common.rs"]
mod common;
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use support::Sandbox;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A sandbox under /tmp with a fixed-length name, whose PATH holds only its own bin dir with
/// stand-in git, curl and docker.
fn machine() -> Sandbox {
    let dir = tempfile::Builder::new()
        .prefix("ddgold")
        .rand_bytes(6)
        .tempdir_in("/tmp")
        .expect("temp dir");
    let (home, bin, project) = (
        dir.path().join("home"),
        dir.path().join("bin"),
        dir.path().join("project"),
    );
    for d in [&home, &bin, &project] {
        fs::create_dir_all(d).unwrap();
    }
    let mut sb = Sandbox {
        dir,
        home,
        bin,
        project,
        vars: Vec::new(),
    };
    sb.stand_in(
        "git",
        r#"[ "$1" = "--version" ] && { echo "git version 2.43.0"; exit 0; }; exit 1"#,
    );
    sb.stand_in(
        "curl",
        r#"[ "$1" = "--version" ] && { echo "curl 8.5.0 (x86_64-pc-linux-gnu)"; exit 0; }; exit 1"#,
    );
    sb.stand_in(
        "docker",
        r#"[ "$1" = "--version" ] && { echo "Docker version 24.0.7, build afdd53b"; exit 0; }; exit 1"#,
    );
    let bin = sb.bin.clone();
    sb.var("PATH", bin)
        .var("DOCKER_HOST", "unix:///nonexistent")
        .var("COLUMNS", "80");
    sb
}

/// The sandbox path and the timings replaced by stable marks, and the lines that name
/// another process listening on this machine (mcp.port reports one that looks like the
/// example's server, such as a developer's own `python main.py`) left out: they are this
/// machine's state, not the report's.
fn masked(sb: &Sandbox, text: &str) -> String {
    let root = sb.root().display().to_string();
    let others = regex::Regex::new(r"(?m)^ +pid \d+ \(.*\) listens on .*\n").unwrap();
    let text = others.replace_all(text, "");
    let text = text.replace(&root, "<TMP>");
    let ms = regex::Regex::new(r"\(\d+ ms\)").unwrap();
    let secs = regex::Regex::new(r" in \d+\.\d+ s").unwrap();
    let text = ms.replace_all(&text, "(N ms)");
    secs.replace_all(&text, " in N s").into_owned()
}

fn compare(name: &str, actual: &str) {
    let path = fixtures().join("report").join(name);
    if std::env::var("DEVDOCTOR_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run DEVDOCTOR_UPDATE_GOLDEN=1 cargo test --test report_golden",
            path.display()
        )
    });
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
        panic!(
            "{name} differs from the golden file at line {}; rerun with DEVDOCTOR_UPDATE_GOLDEN=1 \
             if the change is deliberate.\n--- expected\n{expected}\n--- actual\n{actual}",
            first + 1
        );
    }
}

/// Runs the three report variants of `state` and compares each with its golden file.
fn check_state(sb: &Sandbox, state: &str) -> String {
    let mut default = String::new();
    for (suffix, extra) in [
        ("default", None),
        ("quiet", Some("-q")),
        ("verbose", Some("-v")),
    ] {
        let mut args = vec!["--color", "never"];
        args.extend(extra);
        let out = sb.run(&args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{state} {suffix}: exit {:?}\n{}",
            out.status.code(),
            support::stderr(&out)
        );
        let text = masked(sb, &support::stdout(&out));
        for line in text.lines() {
            assert!(
                suffix == "verbose" || line.chars().count() <= 80 || !line.contains(' '),
                "{state} {suffix}: a line is wider than 80 columns: {line:?}"
            );
        }
        compare(&format!("{state}.{suffix}.txt"), &text);
        if suffix == "default" {
            default = text;
        }
    }
    default
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A stand-in micromamba 2.0.5 with a root prefix under HOME.
fn with_micromamba(sb: &mut Sandbox) -> PathBuf {
    let root = common::root(&sb.home.join("micromamba"));
    common::recording_tool(
        &sb.bin.join("micromamba"),
        "2.0.5",
        &sb.root().join("argv.log"),
    );
    sb.var("MAMBA_ROOT_PREFIX", &root);
    root
}

#[test]
fn example_project_without_micromamba() {
    let sb = machine();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mcp-finance"),
        &sb.project,
    );
    let text = check_state(&sb, "example");
    // Areas that are entirely fine take one line each; the plan closes the report.
    assert!(text.contains("✓ dockerfile"), "{text}");
    assert!(text.contains("\nNext steps:\n  1. "), "{text}");
    assert!(!text.contains("dockerfile.user"), "{text}");
}

#[test]
fn no_package_manager_on_path() {
    let sb = machine();
    fs::write(sb.project.join("environment.yml"), common::ENV_YML).unwrap();
    let text = check_state(&sb, "no_package_manager");
    assert!(text.contains("✗ mamba.installed"), "{text}");
}

#[test]
fn environment_missing_under_micromamba() {
    let mut sb = machine();
    with_micromamba(&mut sb);
    fs::write(sb.project.join("environment.yml"), common::ENV_YML).unwrap();
    let text = check_state(&sb, "env_missing");
    assert!(text.contains("✗ env.exists"), "{text}");
    assert!(
        text.contains("micromamba create -y -n proj -f"),
        "the plan creates the environment: {text}"
    );
}

#[test]
fn dockerfile_and_compose_with_problems() {
    let mut sb = machine();
    let root = with_micromamba(&mut sb);
    fs::write(sb.project.join("environment.yml"), common::ENV_YML).unwrap();
    common::project_env(
        &root.join("envs/proj"),
        &[("numpy", "1.26.4"), ("fastapi", "0.110.0"), ("pip", "24.0")],
    );
    fs::copy(
        fixtures().join("docker/dockerfile/policy_insecure.Dockerfile"),
        sb.project.join("Dockerfile"),
    )
    .unwrap();
    fs::copy(
        fixtures().join("docker/compose/insecure.compose.yaml"),
        sb.project.join("compose.yaml"),
    )
    .unwrap();
    let text = check_state(&sb, "docker_files");
    assert!(text.contains("✗ dockerfile.user"), "{text}");
    assert!(
        text.contains("at Dockerfile:"),
        "evidence as file:line: {text}"
    );
}
