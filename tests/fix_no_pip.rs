//! The invariant: no fix an env.* check can produce calls pip, for any flavour. Walks every
//! failing path (missing env, lint, python, drift, pip intrusions, stale and missing locks,
//! requirements.txt only, duplicates, an env outside the envs dirs) under micromamba 2 and 1,
//! mamba 2 and 1, and conda, and checks the JSON fixes and the `fix --script` output.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use devdoctor::fixer::ALLOWED;
use devdoctor::policy::no_pip::text_calls_pip;
use std::fs;
use std::path::Path;
use support::Sandbox;

/// (program, `--version` output, flavour word expected in the create command)
const FLAVOURS: &[(&str, &str, &[&str])] = &[
    ("micromamba", "2.0.5", &["micromamba", "create", "-y"]),
    ("micromamba", "1.5.8", &["micromamba", "create", "-y"]),
    ("mamba", "2.0.5", &["mamba", "create", "-y"]),
    (
        "mamba",
        "mamba 1.5.8\nconda 24.3.0",
        &["mamba", "env", "create"],
    ),
    ("conda", "conda 24.11.3", &["conda", "env", "create"]),
];

fn sandbox(program: &str, version: &str) -> (Sandbox, std::path::PathBuf) {
    let mut sb = Sandbox::new();
    let root = root(&sb.home.join("miniforge3"));
    let tool = root.join("bin").join(program);
    fs::create_dir_all(tool.parent().unwrap()).unwrap();
    fs::write(
        &tool,
        format!(
            "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then printf '%s\\n' \"{}\"; fi\nexit 0\n",
            version.replace('\n', "\" \"")
        ),
    )
    .unwrap();
    fs::set_permissions(&tool, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        sb.bin.display(),
        root.join("bin").display()
    );
    sb.var("PATH", path);
    sb.var("MAMBA_ROOT_PREFIX", &root);
    (sb, root)
}

fn assert_clean(texts: &[String], ctx: &str) {
    for t in texts {
        assert!(!text_calls_pip(t), "{ctx}: a fix calls pip: {t}");
        assert!(!t.contains("pip uninstall"), "{ctx}: {t}");
    }
}

fn assert_allowlisted(r: &serde_json::Value, ctx: &str) {
    for c in r["checks"].as_array().unwrap() {
        for cmd in c["fix"]["commands"].as_array().into_iter().flatten() {
            let program = cmd[0].as_str().unwrap();
            let base = Path::new(program).file_name().unwrap().to_str().unwrap();
            assert!(ALLOWED.contains(&base), "{ctx}: {} runs {program}", c["id"]);
        }
    }
}

fn walk(sb: &Sandbox, ctx: &str) -> serde_json::Value {
    let (r, _) = sb.json(&["env.*"]);
    assert_clean(&fix_texts(&r), ctx);
    assert_allowlisted(&r, ctx);
    let out = sb.run(&["fix", "--script", "env.*"]);
    let script = support::stdout(&out);
    assert!(
        !text_calls_pip(&script),
        "{ctx}: script calls pip:\n{script}"
    );
    let out = sb.run(&["fix", "--dry-run", "env.*"]);
    assert!(!text_calls_pip(&support::stdout(&out)), "{ctx}");
    r
}

#[test]
fn no_env_fix_calls_pip_for_any_flavour() {
    let mut fixed_checks = std::collections::BTreeSet::new();
    for (program, version, create) in FLAVOURS {
        let ctx = format!("{program} {version}");

        // 1. Nothing there yet; a file full of lint; no lock.
        let (sb, root) = sandbox(program, version);
        let yml = "name: proj\nchannels:\n  - defaults\ndependencies:\n  - python\n  - numpy>>1\n  - pip:\n    - requests\nplatforms: [linux-64]\n";
        fs::write(sb.project.join("environment.yml"), yml).unwrap();
        let r = walk(&sb, &ctx);
        let cmds = fix_commands(&r, "env.exists");
        assert_eq!(cmds[0][..3], create[..], "{ctx}");
        for c in r["checks"].as_array().unwrap() {
            if !c["fix"].is_null() {
                fixed_checks.insert(c["id"].as_str().unwrap().to_string());
            }
        }

        // 2. The env exists with every kind of drift, a stale lock without this platform.
        fs::write(
            sb.project.join("environment.yml"),
            format!("{ENV_YML}  - pip:\n    - declared-one\n"),
        )
        .unwrap();
        let prefix = root.join("envs/proj");
        project_env(&prefix, &[("numpy", "1.2.0")]);
        fs::remove_file(prefix.join("conda-meta/python-3.11.9-hab00c5b_0_cpython.json")).unwrap();
        let site = python(&prefix, "3.12.1");
        dist(&site, "requests", "2.32.3", Some("pip"), &[]);
        dist(&site, "declared-one", "1.0", Some("pip"), &[]);
        fs::write(
            sb.project.join("conda-lock.yml"),
            "version: 1\nmetadata:\n  channels:\n  - url: defaults\n  platforms:\n  - osx-arm64\n  sources:\n  - environment.yml\npackage:\n- name: numpy\n  version: 1.0.0\n  manager: conda\n  platform: osx-arm64\n",
        )
        .unwrap();
        let r = walk(&sb, &ctx);
        for c in r["checks"].as_array().unwrap() {
            if !c["fix"].is_null() {
                fixed_checks.insert(c["id"].as_str().unwrap().to_string());
            }
        }
        assert_eq!(support::status(&r, "env.pip"), "fail", "{ctx}");

        // 3. Only declared pip packages; conda-lock on PATH; a broken lock.
        fs::remove_dir_all(site.join("requests-2.32.3.dist-info")).unwrap();
        sb.stand_in("conda-lock", "exit 0");
        fs::write(sb.project.join("conda-lock.yml"), "version: [\n").unwrap();
        let r = walk(&sb, &ctx);
        assert_eq!(support::status(&r, "env.pip"), "warn", "{ctx}");
        let lock = fix_commands(&r, "env.lock");
        assert_eq!(lock[0][0], "conda-lock", "{ctx}");

        // 4. The same name in another root, and only there.
        let other = sb.home.join("elsewhere/envs/proj");
        env(&other, &conda_history("proj", &[]));
        fs::create_dir_all(sb.home.join(".conda")).unwrap();
        fs::write(
            sb.home.join(".conda/environments.txt"),
            format!("{}\n", other.display()),
        )
        .unwrap();
        walk(&sb, &ctx);
        fs::remove_dir_all(&prefix).unwrap();
        walk(&sb, &ctx);

        // 5. requirements.txt and no environment.yml.
        let (sb, _) = sandbox(program, version);
        fs::write(
            sb.project.join("requirements.txt"),
            "fastapi==0.110\ntorch\n-e .\n",
        )
        .unwrap();
        let r = walk(&sb, &ctx);
        assert_eq!(support::status(&r, "env.file"), "fail", "{ctx}");
    }
    // Every env check that can fix was made to produce its fix at least once.
    for id in [
        "env.file",
        "env.exists",
        "env.python",
        "env.packages",
        "env.pip",
        "env.lock",
    ] {
        assert!(
            fixed_checks.contains(id),
            "{id} never produced a fix: {fixed_checks:?}"
        );
    }
}
