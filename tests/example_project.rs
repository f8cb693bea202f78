//! examples/mcp-finance is the README's quick-start project: it must follow the policy that
//! devdoctor enforces, so devdoctor's own file lints pass on it, and its lock must match its
//! environment.yml.
mod support;

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use support::Sandbox;

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mcp-finance")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(example_dir().join(name))
        .unwrap_or_else(|e| panic!("examples/mcp-finance/{name}: {e}"))
}

/// Names of the conda dependencies of environment.yml (the block list under `dependencies:`,
/// without the `pip:` sub-list), e.g. `mcp>=1.9` → `mcp`.
fn conda_dependency_names(env_yml: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut in_deps = false;
    for line in env_yml.lines() {
        let code = line.split(" #").next().unwrap_or("").trim_end();
        if code.trim_start().starts_with('#') || code.is_empty() {
            continue;
        }
        if !code.starts_with(' ') && !code.starts_with('-') {
            in_deps = code == "dependencies:";
            continue;
        }
        // Top-level items of the list are indented by two spaces; the pip sub-list by more.
        if let Some(item) = code.strip_prefix("  - ").filter(|_| in_deps) {
            if item != "pip:" {
                let end = item
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .unwrap_or(item.len());
                names.insert(item[..end].to_string());
            }
        }
    }
    names
}

/// (name, manager, platform) of every package in the hand-written conda-lock.yml.
fn lock_packages(lock: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, String)> = None;
    for line in lock.lines() {
        if let Some(name) = line.strip_prefix("- name: ") {
            out.extend(current.take());
            current = Some((name.to_string(), String::new(), String::new()));
        } else if let Some(c) = current.as_mut() {
            if let Some(m) = line.strip_prefix("  manager: ") {
                c.1 = m.to_string();
            } else if let Some(p) = line.strip_prefix("  platform: ") {
                c.2 = p.to_string();
            }
        }
    }
    out.extend(current);
    out
}

#[test]
fn environment_yml_is_mamba_first() {
    let env = read("environment.yml");
    assert!(env.contains("\nname: mcp-finance-backend\n"));
    assert!(
        env.contains("\nchannels:\n  - conda-forge\ndependencies:"),
        "conda-forge must be the only (first) channel"
    );
    let names = conda_dependency_names(&env);
    for want in [
        "python",
        "fastapi",
        "uvicorn",
        "httpx",
        "python-dotenv",
        "pydantic",
        "pytest",
        "mcp",
        "pip",
    ] {
        assert!(
            names.contains(want),
            "environment.yml lacks {want}: {names:?}"
        );
    }
    assert!(env.contains("  - python=3.11\n"));
    // The one pip entry is pinned and says why it is not from conda-forge.
    let pip_block = env.split("  - pip:\n").nth(1).expect("a pip: block");
    assert!(
        pip_block.contains("not packaged on conda-forge"),
        "{pip_block}"
    );
    assert!(pip_block.contains("      - finnhub-python==2.4.29"));
}

#[test]
fn conda_lock_matches_environment_yml() {
    let env = read("environment.yml");
    let lock = read("conda-lock.yml");
    // conda-lock's inputs_metadata sha256 is taken over the text with LF line endings.
    let sha: String = Sha256::digest(env.replace("\r\n", "\n").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert!(
        lock.contains(&format!(
            "  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: {sha}\n"
        )),
        "conda-lock.yml's inputs_metadata does not carry environment.yml's sha256 {sha}: \
         regenerate it after editing environment.yml"
    );
    assert!(lock.contains("\nversion: 1\n"));
    assert!(lock.contains("  platforms:\n  - linux-64\n  - osx-arm64\n"));
    assert!(lock.contains("  channels:\n  - url: conda-forge\n"));
    assert!(lock.contains("  sources:\n  - environment.yml\n"));

    let packages = lock_packages(&lock);
    for platform in ["linux-64", "osx-arm64"] {
        for name in conda_dependency_names(&env) {
            assert!(
                packages
                    .iter()
                    .any(|(n, m, p)| *n == name && m == "conda" && p == platform),
                "no conda package {name} for {platform} in conda-lock.yml"
            );
        }
        assert!(packages
            .iter()
            .any(|(n, m, p)| n == "finnhub-python" && m == "pip" && p == platform));
    }
    // conda-lock writes packages sorted by name.
    let names: Vec<&str> = packages.iter().map(|p| p.0.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn docker_files_follow_the_secure_pattern() {
    let dockerfile = read("Dockerfile");
    assert_eq!(
        dockerfile
            .matches("FROM mambaorg/micromamba:${MICROMAMBA_TAG}")
            .count(),
        2,
        "multi-stage on mambaorg/micromamba"
    );
    assert!(dockerfile.contains("ARG MICROMAMBA_TAG=2."), "pinned tag");
    for want in [
        "micromamba clean --all --yes",
        "COPY --chown=$MAMBA_USER:$MAMBA_USER",
        "USER mambauser",
        "EXPOSE 8000",
        "HEALTHCHECK ",
    ] {
        assert!(dockerfile.contains(want), "Dockerfile lacks {want}");
    }
    let compose = read("docker-compose.yml");
    for want in [
        "user: \"57439:57439\"",
        "read_only: true",
        "cap_drop:\n      - ALL",
        "- no-new-privileges:true",
        "memory: 512M",
        "healthcheck:",
        "\"127.0.0.1:8000:8000\"",
    ] {
        assert!(compose.contains(want), "docker-compose.yml lacks {want}");
    }
    assert!(read(".gitignore").lines().any(|l| l == ".env"));
    assert!(read(".dockerignore").lines().any(|l| l == ".env"));
}

/// The README's quick start: devdoctor's own lints on the example report no failure, and the
/// Dockerfile, compose and lock checks are fully green.
#[test]
fn devdoctor_file_lints_pass_on_the_example() {
    let sb = Sandbox::new();
    let dir = example_dir();
    let (report, code) = sb.json(&[
        "-C",
        dir.to_str().unwrap(),
        // Only the project's files matter here, not this machine's tools, engine or network.
        "--skip",
        "mamba.*",
        "--skip",
        "docker.*",
        "--skip",
        "image.*",
        "--skip",
        "mcp.*",
    ]);
    assert_ne!(
        code, 2,
        "the example's devdoctor.toml is rejected: {report:#}"
    );
    let checks = report["checks"].as_array().expect("checks");
    let file_lint =
        |id: &str| id.starts_with("dockerfile.") || id.starts_with("compose.") || id == "env.file";
    for area in ["dockerfile.", "compose.", "env.file", "env.lock"] {
        assert!(
            checks
                .iter()
                .any(|c| c["id"].as_str().unwrap_or("").starts_with(area)),
            "no {area} check ran on the example: {report:#}"
        );
    }
    for c in checks {
        let id = c["id"].as_str().unwrap_or("");
        let status = c["status"].as_str().unwrap_or("");
        if file_lint(id) || id == "env.lock" {
            assert_ne!(status, "fail", "{id} fails on the example: {c:#}");
            assert_ne!(status, "unknown", "{id} is unknown on the example: {c:#}");
        }
        // The pip: entry is a deliberate, documented warning of env.file; nothing else warns.
        if (id.starts_with("dockerfile.") || id.starts_with("compose.") || id == "env.lock")
            && status != "skip"
        {
            assert_eq!(status, "ok", "{id} is not ok on the example: {c:#}");
        }
    }
}
