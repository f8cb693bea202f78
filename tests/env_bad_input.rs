//! Hostile and broken input: each gives a finding with the path and the reason — never a
//! panic ("the check crashed") and never a hang (the sandbox command has a 60 s limit and
//! the checks a 10 s one).
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use support::{status, Sandbox};

fn mm_sandbox() -> (Sandbox, std::path::PathBuf) {
    let mut sb = Sandbox::new();
    let root = root(&sb.home.join("micromamba"));
    sb.var("MAMBA_ROOT_PREFIX", &root);
    (sb, root)
}

fn no_crash(r: &serde_json::Value) {
    for c in r["checks"].as_array().unwrap() {
        let s = c["summary"].as_str().unwrap();
        assert!(!s.contains("crashed") && !s.contains("timed out"), "{c:#}");
    }
}

#[test]
fn malformed_yaml_points_at_the_line() {
    let (sb, _) = mm_sandbox();
    fs::write(
        sb.project.join("environment.yml"),
        "name: proj\ndependencies:\n  - python=3.11\n  - [numpy\n",
    )
    .unwrap();
    let (r, code) = sb.json(&["env.*"]);
    no_crash(&r);
    assert_eq!(code, 1);
    let c = support::check(&r, "env.file");
    assert_eq!(c["status"], "fail");
    assert!(
        c["summary"].as_str().unwrap().contains("not valid YAML"),
        "{c:#}"
    );
    assert!(c["locations"][0]["line"].as_u64().unwrap() >= 4, "{c:#}");
    // The name cannot be read, so the env cannot be looked for: unknown, not ok.
    assert_eq!(status(&r, "env.exists"), "unknown");
}

#[test]
fn binary_environment_yml_is_refused() {
    let (sb, _) = mm_sandbox();
    fs::write(
        sb.project.join("environment.yml"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00garbage\xff\xfe",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.*"]);
    no_crash(&r);
    let c = support::check(&r, "env.file");
    assert_eq!(c["status"], "fail");
    let s = c["summary"].as_str().unwrap();
    assert!(s.contains("environment.yml") && s.contains("binary"), "{s}");
}

#[test]
fn a_directory_or_a_huge_nesting_is_a_finding() {
    let (sb, _) = mm_sandbox();
    fs::create_dir(sb.project.join("environment.yml")).unwrap();
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "fail");
    fs::remove_dir(sb.project.join("environment.yml")).unwrap();
    fs::write(
        sb.project.join("environment.yml"),
        format!("dependencies:\n  {}x\n", "- ".repeat(20_000)),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    no_crash(&r);
    let c = support::check(&r, "env.file");
    assert_eq!(c["status"], "fail");
    assert!(c["summary"].as_str().unwrap().contains("nested"), "{c:#}");
}

#[test]
fn truncated_python_record_is_unknown_with_path_and_reason() {
    let (sb, root) = mm_sandbox();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    let prefix = root.join("envs/proj");
    project_env(&prefix, &[("numpy", "1.26.4"), ("pip", "24.0")]);
    let record = prefix.join("conda-meta/python-3.11.9-hab00c5b_0_cpython.json");
    let text = fs::read_to_string(&record).unwrap();
    fs::write(&record, &text[..text.len() / 2]).unwrap();
    // A record that is not even JSON, for an unrelated package: ignored (names suffice).
    fs::write(
        prefix.join("conda-meta/fastapi-0.110.0-pyhd8ed1ab_0.json"),
        "\0\0\0",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.*"]);
    no_crash(&r);
    let c = support::check(&r, "env.python");
    assert_eq!(c["status"], "unknown", "{c:#}");
    let s = c["summary"].as_str().unwrap();
    assert!(
        s.contains(&record.display().to_string()) && s.contains("truncated"),
        "{s}"
    );
    assert_eq!(status(&r, "env.packages"), "ok");
}

#[test]
fn unreadable_envs_dir_makes_a_missing_env_unknown() {
    let (mut sb, _) = mm_sandbox();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    // A file where an envs dir should be cannot be listed (tests run as root, which can read
    // any directory; a file is the unreadable envs dir such a test can build).
    let bogus = sb.root().join("envs-is-a-file");
    fs::write(&bogus, "x").unwrap();
    sb.var("CONDA_ENVS_DIRS", &bogus);
    let (r, _) = sb.json(&["env.exists"]);
    no_crash(&r);
    let c = support::check(&r, "env.exists");
    assert_eq!(c["status"], "unknown", "{c:#}");
    let details = c["details"].to_string();
    assert!(details.contains(&bogus.display().to_string()), "{details}");
}

#[test]
fn garbage_in_environments_txt_and_symlink_loops() {
    let (sb, root) = mm_sandbox();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    project_env(&root.join("envs/proj"), &[]);
    let envs = root.join("envs");
    std::os::unix::fs::symlink(envs.join("loop-b"), envs.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(envs.join("loop-a"), envs.join("loop-b")).unwrap();
    fs::create_dir_all(sb.home.join(".conda")).unwrap();
    let mut registry = b"relative/path\n\x01\x02\x03\n/nonexistent/env\n".to_vec();
    registry.extend_from_slice(format!("{}\n", envs.join("loop-a").display()).as_bytes());
    fs::write(sb.home.join(".conda/environments.txt"), registry).unwrap();
    let (r, code) = sb.json(&["env.exists", "env.python"]);
    no_crash(&r);
    let c = support::check(&r, "env.exists");
    assert_eq!(c["status"], "ok", "{c:#}");
    let details = c["details"].to_string();
    assert!(
        details.contains("environments.txt:1: not an absolute path"),
        "{details}"
    );
    assert!(details.contains("symlink loop"), "{details}");
    assert_eq!(code, 0);

    // A binary environments.txt.
    fs::write(sb.home.join(".conda/environments.txt"), b"\0\xff\0").unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    let c = support::check(&r, "env.exists");
    assert_eq!(c["status"], "ok");
    assert!(c["details"].to_string().contains("binary"), "{c:#}");
}

#[test]
fn broken_lock_file_is_a_finding() {
    let (sb, root) = mm_sandbox();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    project_env(&root.join("envs/proj"), &[]);
    fs::write(
        sb.project.join("conda-lock.yml"),
        "version: 1\nmetadata: [\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.lock"]);
    no_crash(&r);
    let c = support::check(&r, "env.lock");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("conda-lock.yml cannot be read"));
}

#[test]
fn garbage_from_the_cli_fallback_is_reported() {
    let mut sb = Sandbox::new();
    sb.stand_in(
        "micromamba",
        "case \"$1\" in --version) echo 2.0.5;; env) printf '\\377not json';; esac",
    );
    sb.var("XDG_DATA_HOME", sb.root().join("nowhere"));
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    no_crash(&r);
    let c = support::check(&r, "env.exists");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["details"]
            .to_string()
            .contains("printed something unexpected"),
        "{c:#}"
    );
}
