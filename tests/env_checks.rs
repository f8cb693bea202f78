//! The env.* checks against constructed root prefixes: micromamba and conda layouts,
//! environments.txt, conda-meta records and history, site-packages with pip dists, locks.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use support::{status, Sandbox};

/// Each location of a check's result as (line, rule).
fn line_rules(c: &serde_json::Value) -> Vec<(u64, String)> {
    c["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The one command env.exists gives to create `env` from `file` with micromamba.
fn created(env: &str, file: &str) -> Vec<Vec<String>> {
    vec![["micromamba", "create", "-y", "-n", env, "-f", file]
        .map(String::from)
        .to_vec()]
}

fn check<'a>(r: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    support::check(r, id)
}

#[test]
fn healthy_micromamba_project_is_all_ok() {
    let (sb, root) = mm_sandbox(ENV_YML);
    let prefix = root.join("envs/proj");
    project_env(
        &prefix,
        &[("numpy", "1.26.4"), ("fastapi", "0.110.0"), ("pip", "24.0")],
    );
    let sha = devdoctor::probes::env::lock::text_mode_sha256(ENV_YML);
    fs::write(
        sb.project.join("conda-lock.yml"),
        format!("version: 1\nmetadata:\n  channels:\n  - url: conda-forge\n    used_env_vars: []\n  platforms:\n  - linux-64\n  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: {sha}\n  sources:\n  - environment.yml\npackage: []\n"),
    )
    .unwrap();
    let (r, code) = sb.json(&["env.*"]);
    for id in [
        "env.file",
        "env.exists",
        "env.python",
        "env.packages",
        "env.pip",
        "env.lock",
        "env.active",
        "env.integrity",
        "env.consistency",
    ] {
        assert_eq!(status(&r, id), "ok", "{id}: {:#}", check(&r, id));
    }
    assert_eq!(code, 0);
    assert!(check(&r, "env.python")["summary"]
        .as_str()
        .unwrap()
        .contains("3.11.9"));
    assert_eq!(
        check(&r, "env.exists")["data"]["prefix"],
        prefix.display().to_string()
    );
    let active = check(&r, "env.active")["summary"].as_str().unwrap();
    assert!(active.contains("micromamba run -n proj"), "{active}");
    assert!(active.contains("micromamba activate proj"), "{active}");
}

#[test]
fn the_active_env_is_recognised() {
    let (mut sb, root) = mm_sandbox(ENV_YML);
    let prefix = root.join("envs/proj");
    project_env(&prefix, &[]);
    sb.var("CONDA_PREFIX", &prefix);
    let (r, _) = sb.json(&["env.active"]);
    assert_eq!(
        check(&r, "env.active")["summary"],
        "`proj` is active",
        "{r:#}"
    );
}

#[test]
fn missing_env_fails_with_the_create_command() {
    let (sb, root) = mm_sandbox(ENV_YML);
    let (r, code) = sb.json(&["env.*"]);
    assert_eq!(code, 1);
    assert_eq!(status(&r, "env.exists"), "fail");
    assert_eq!(
        fix_commands(&r, "env.exists"),
        created("proj", "environment.yml")
    );
    let details = check(&r, "env.exists")["details"].to_string();
    assert!(
        details.contains(&root.join("envs").display().to_string()),
        "{details}"
    );
    for id in ["env.python", "env.packages", "env.pip", "env.active"] {
        assert_eq!(status(&r, id), "skip", "{id}");
    }
}

#[test]
fn an_unnamed_file_takes_the_name_the_readme_creates_it_with() {
    // No `name:`; the README's own command names the environment. env.* use that name and
    // env.file says where it came from instead of asking for a `name:` line.
    let (sb, _root) = mm_sandbox("channels: [conda-forge]\ndependencies:\n  - python=3.11\n");
    fs::write(
        sb.project.join("README.md"),
        "# Setup\n\n    micromamba create -n demo -f environment.yml\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file", "env.exists"]);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "ok", "{file}");
    assert!(
        file["details"].to_string().contains(
            "the environment is named `demo` by README.md:3 (`micromamba create -n demo -f environment.yml`)"
        ),
        "{file}"
    );
    assert_eq!(
        fix_commands(&r, "env.exists"),
        created("demo", "environment.yml")
    );
    // A `name:` in the file stays the name, whatever the README says.
    fs::write(
        sb.project.join("environment.yml"),
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    assert_eq!(fix_commands(&r, "env.exists")[0][4], "proj");
}

/// An unnamed file a Dockerfile installs into the image's base environment is the image's,
/// however it gets there: by its name, under another name (`COPY environment.yml
/// /tmp/env.yaml`), with its folder (`COPY . .`), or as a lock made from it that lies beside
/// it, named by an ARG (CoolJosh0221/app-inventor-api). A lock that is not copied in, or a
/// file installed into another environment, leaves it the project's.
#[test]
fn an_unnamed_file_installed_into_an_images_base_is_the_images() {
    let (sb, _root) = mm_sandbox("channels: [conda-forge]\ndependencies:\n  - python=3.11\n");
    fs::write(
        sb.project.join("conda-linux-64.lock"),
        "@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/python-3.11.9-h_0.conda\n",
    )
    .unwrap();
    let cases = [
        ("COPY environment.yml /tmp/env.yaml\nRUN micromamba install -y -n base -f /tmp/env.yaml", "skip"),
        ("WORKDIR /app\nCOPY . .\nRUN micromamba install -y -n base -f /app/environment.yml", "skip"),
        ("ARG LOCK=\"conda-linux-64.lock\"\nCOPY --chown=1000:1000 . /app/\nRUN micromamba install -y -n base -f ./${LOCK}", "skip"),
        ("COPY environment.yml /tmp/\nRUN micromamba install -y -n base -f /tmp/conda-linux-64.lock", "unknown"),
        ("COPY environment.yml /tmp/env.yaml\nRUN micromamba install -y -n app -f /tmp/env.yaml", "unknown"),
        ("COPY other.yml /tmp/env.yaml\nRUN micromamba install -y -n base -f /tmp/env.yaml", "unknown"),
    ];
    for (body, want) in cases {
        fs::write(
            sb.project.join("Dockerfile"),
            format!("FROM mambaorg/micromamba:2.0.5\n{body}\n"),
        )
        .unwrap();
        let (r, _) = sb.json(&["env.file", "env.exists"]);
        let exists = check(&r, "env.exists");
        assert_eq!(exists["status"], want, "{body}: {exists:#}");
        // The project's unnamed file is one failure, env.file's; env.exists points to it.
        let file = check(&r, "env.file");
        let no_name = line_rules(file).iter().any(|(_, rule)| rule == "no-name");
        assert_eq!(no_name, want == "unknown", "{body}: {file:#}");
        if want == "unknown" {
            assert_eq!(file["status"], "fail", "{body}: {file:#}");
            assert!(
                exists["summary"]
                    .as_str()
                    .unwrap()
                    .ends_with("(see env.file)"),
                "{exists:#}"
            );
        }
    }
}

#[test]
fn a_file_a_script_updates_an_environment_from_needs_no_python() {
    // climada's install script: create the environment with its Python, then update it from
    // a file that lists none. The file is not asked to pin Python; created from, it would be.
    let sb = Sandbox::new();
    fs::create_dir_all(sb.project.join("requirements")).unwrap();
    fs::write(
        sb.project.join("requirements/deps.yml"),
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - numpy\n",
    )
    .unwrap();
    fs::write(sb.project.join("main.py"), "print('hi')\n").unwrap();
    fs::write(
        sb.project.join("install.sh"),
        "mamba create -n proj python=3.11 -y\nmamba env update -n proj -f requirements/deps.yml\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "ok", "{file}");
    // Found by its place (requirements/), the command that updates from it is named.
    assert!(
        file["details"].to_string().contains(
            "named by install.sh:2 (`mamba env update -n proj -f requirements/deps.yml`) updates an existing environment from it"
        ),
        "{file}"
    );
    fs::write(
        sb.project.join("install.sh"),
        "mamba env create -n proj -f requirements/deps.yml\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "warn", "{file}");
    assert!(file.to_string().contains("python is not listed"), "{file}");
}

#[test]
fn a_missing_env_is_created_from_the_current_lock() {
    // The lock records the environment file's hash: micromamba creates the tested versions.
    let (sb, _root) = mm_sandbox(ENV_YML);
    let sha = devdoctor::probes::env::lock::text_mode_sha256(ENV_YML);
    let lock = |sha: &str| {
        format!("version: 1\nmetadata:\n  channels:\n  - url: conda-forge\n    used_env_vars: []\n  platforms:\n  - linux-64\n  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: {sha}\n  sources:\n  - environment.yml\npackage: []\n")
    };
    fs::write(sb.project.join("conda-lock.yml"), lock(&sha)).unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    assert_eq!(
        fix_commands(&r, "env.exists"),
        created("proj", "conda-lock.yml")
    );
    // A stale lock is not what the project wants now: the environment file is.
    fs::write(sb.project.join("conda-lock.yml"), lock(&"0".repeat(64))).unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    assert_eq!(
        fix_commands(&r, "env.exists"),
        created("proj", "environment.yml")
    );
    // An explicit lock for this platform that has every spec: micromamba creates from it.
    fs::remove_file(sb.project.join("conda-lock.yml")).unwrap();
    let url = "https://conda.anaconda.org/conda-forge";
    fs::write(
        sb.project.join("conda-linux-64.lock"),
        format!("# platform: linux-64\n@EXPLICIT\n{url}/linux-64/python-3.11.9-h1_0_cpython.conda\n{url}/linux-64/numpy-1.26.4-py311_0.conda\n{url}/noarch/fastapi-0.110.0-pyhd8ed1ab_0.conda\n{url}/noarch/pip-24.0-pyhd8ed1ab_0.conda\n"),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.exists", "env.lock"]);
    assert_eq!(status(&r, "env.lock"), "ok");
    assert_eq!(
        fix_commands(&r, "env.exists"),
        created("proj", "conda-linux-64.lock")
    );
}

#[test]
fn python_is_matched_with_conda_semantics() {
    for (installed, want, expected) in [
        ("3.11.9", "python=3.11", "ok"),
        ("3.1.1", "python=3.1", "ok"),
        ("3.1.1", "python=3.11", "fail"),
        ("3.12.0", "python=3.11", "fail"),
        ("3.11.9", "python==3.11", "fail"),
        ("3.11.0", "python 3.11", "ok"),
        ("3.11.4", "python>=3.11,<3.12", "ok"),
        ("3.11.4", "conda-forge::python=3.11", "ok"),
        ("3.11.4", "python=3.11.4=*_cpython", "ok"),
        // A version with a build string is exact, not fuzzy (conda's rule).
        ("3.11.4", "python=3.11=*_cpython", "fail"),
        ("3.11.4", "python=3.11.4=*_pypy", "fail"),
    ] {
        let yml = ENV_YML.replace("python=3.11", want);
        let (sb, root) = mm_sandbox(&yml);
        let prefix = root.join("envs/proj");
        env(&prefix, &mm_history("proj", &[]));
        python(&prefix, installed);
        let (r, _) = sb.json(&["env.python"]);
        assert_eq!(
            status(&r, "env.python"),
            expected,
            "{installed} vs {want}: {:#}",
            check(&r, "env.python")
        );
        if expected == "fail" {
            assert_eq!(
                fix_commands(&r, "env.python"),
                [[
                    "micromamba",
                    "install",
                    "-y",
                    "-n",
                    "proj",
                    "-c",
                    "conda-forge",
                    want
                ]]
            );
            assert_eq!(lines(&r, "env.python"), [6]);
        }
    }
}

#[test]
fn python_missing_from_the_env_fails() {
    let (sb, root) = mm_sandbox(ENV_YML);
    let prefix = root.join("envs/proj");
    env(
        &prefix,
        &format!(
            "{}==> 2025-07-01 09:00:00 <==\n# cmd: micromamba remove -n proj python\n# conda version: 3.8.0\n-https://conda.anaconda.org/conda-forge/linux-64::python-3.11.9-hab00c5b_0_cpython\n",
            mm_history("proj", &["python-3.11.9-hab00c5b_0_cpython"])
        ),
    );
    let (r, _) = sb.json(&["env.python"]);
    assert_eq!(status(&r, "env.python"), "fail");
    let c = check(&r, "env.python");
    assert!(
        c["summary"].as_str().unwrap().contains("no Python"),
        "{c:#}"
    );
    assert!(c["details"]
        .to_string()
        .contains("micromamba remove -n proj python"));
}

#[test]
fn package_drift_lists_each_with_installed_and_wanted() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(
        &root.join("envs/proj"),
        &[("numpy", "1.25.2"), ("pip", "24.0")],
    );
    let (r, _) = sb.json(&["env.packages"]);
    assert_eq!(status(&r, "env.packages"), "fail");
    let locs = check(&r, "env.packages")["locations"].to_string();
    assert!(locs.contains("installed 1.25.2"), "{locs}");
    assert!(
        locs.contains("fastapi: wanted `fastapi`, not installed"),
        "{locs}"
    );
    assert_eq!(lines(&r, "env.packages"), [7, 8]);
    assert_eq!(
        fix_commands(&r, "env.packages"),
        [[
            "micromamba",
            "env",
            "update",
            "-n",
            "proj",
            "-f",
            "environment.yml",
            "--prune"
        ]]
    );
}

/// `-e .` in the pip: block is what devdoctor recommends instead of a `pip install -e .` step:
/// env.file does not call it a last resort, and env.pip counts the project's own
/// distribution as declared, not as drift. Someone's `pip install` by hand still fails.
#[test]
fn the_project_installed_from_the_pip_block_is_neither_a_last_resort_nor_drift() {
    let yml = format!("{ENV_YML}  - pip:\n    - -e .\n");
    let (sb, root) = mm_sandbox(&yml);
    sb.write("project/pyproject.toml", "[project]\nname = \"Proj_Lib\"\n");
    let prefix = root.join("envs/proj");
    let site = project_env(
        &prefix,
        &[("numpy", "1.26.4"), ("fastapi", "0.110.0"), ("pip", "24.0")],
    );
    dist(&site, "proj-lib", "0.1", Some("pip"), &[]);
    let (r, _) = sb.json(&["env.file", "env.pip"]);
    assert_eq!(status(&r, "env.file"), "ok", "{:#}", check(&r, "env.file"));
    let c = check(&r, "env.pip");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("but the project itself"),
        "{c:#}"
    );
    dist(&site, "requests", "2.32.3", Some("pip"), &[]);
    let (r, _) = sb.json(&["env.pip"]);
    let c = check(&r, "env.pip");
    assert_eq!(c["status"], "fail", "{c:#}");
    let details = c["details"].to_string();
    assert!(details.contains("undeclared: requests"), "{details}");
    assert!(!details.contains("proj-lib"), "{details}");
}

/// A `pip:` block that includes a requirements file (`-r file:requirements.txt`, as
/// przemub/cysectool does) declares what the file lists: env.file looks those entries up
/// like any other, and env.pip counts them as declared, not as drift its own fix could never
/// clear. A file the block does not include declares nothing.
#[test]
fn a_requirements_file_the_pip_block_includes_is_declared() {
    let yml = format!("{ENV_YML}  - pip:\n    - -r file:requirements.txt\n");
    let (sb, root) = mm_sandbox(&yml);
    fs::write(
        sb.project.join("requirements.txt"),
        "# pinned\nbokeh==2.0.2  # newer breaks\n--extra-index-url https://example.invalid/simple\nJinja2==2.11.3\n",
    )
    .unwrap();
    let prefix = root.join("envs/proj");
    let site = project_env(&prefix, &[("numpy", "1.26.4"), ("pip", "24.0")]);
    dist(&site, "bokeh", "2.0.2", Some("pip"), &["jinja2>=2.7"]);
    dist(&site, "jinja2", "2.11.3", Some("pip"), &[]);
    let (r, _) = sb.json(&["env.file", "env.pip"]);
    let file = check(&r, "env.file");
    assert_eq!(
        line_rules(file),
        [(11, "pip-entry".to_string()), (11, "pip-entry".to_string())],
        "{file:#}"
    );
    assert!(file.to_string().contains("pip: `bokeh==2.0.2`"), "{file:#}");
    assert_eq!(status(&r, "env.pip"), "warn", "{:#}", check(&r, "env.pip"));
    // Listed nowhere the block reads: drift.
    fs::write(
        sb.project.join("environment.yml"),
        format!("{ENV_YML}  - pip:\n    - -r file:other.txt\n"),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.pip"]);
    assert_eq!(status(&r, "env.pip"), "fail", "{:#}", check(&r, "env.pip"));
}

#[test]
fn pip_intrusions_warn_when_declared_and_fail_when_not() {
    let yml = format!("{ENV_YML}  - pip:\n    - truly-unavailable==1.0\n");
    let (sb, root) = mm_sandbox(&yml);
    let prefix = root.join("envs/proj");
    let site = project_env(
        &prefix,
        &[("numpy", "1.26.4"), ("fastapi", "0.110.0"), ("pip", "24.0")],
    );
    // conda-built (INSTALLER says conda) and pip-installed-but-conda-owned: not intrusions.
    dist(&site, "numpy", "1.26.4", Some("conda"), &[]);
    dist(&site, "six", "1.16.0", Some("pip"), &[]);
    pkg(
        &prefix,
        "six",
        "1.16.0",
        "pyh6c4a22f_0",
        &["lib/python3.11/site-packages/six-1.16.0.dist-info/RECORD"],
    );
    // Declared in pip: (and what it pulls in).
    dist(
        &site,
        "truly-unavailable",
        "1.0",
        Some("pip"),
        &["helper-lib>=2"],
    );
    dist(&site, "helper-lib", "2.1", Some("pip"), &[]);
    let (r, _) = sb.json(&["env.pip"]);
    assert_eq!(status(&r, "env.pip"), "warn", "{:#}", check(&r, "env.pip"));
    assert_eq!(lines(&r, "env.pip"), [11]);
    // Declared only: env.file's warning about the same pip: entry has the step; env.pip
    // points at it and folds into its line instead of a second, reworded step.
    let c = check(&r, "env.pip");
    assert!(c["fix"].is_null(), "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().ends_with("(see env.file)"),
        "{c:#}"
    );
    let out = sb.run(&["env.file", "env.pip", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(also: env.pip)"), "{text}");
    assert!(!text.contains("(env.pip)"), "a step of its own:\n{text}");

    // Someone ran `pip install requests` (and uv something) by hand.
    dist(&site, "requests", "2.32.3", Some("pip"), &["idna<4,>=2.5"]);
    dist(&site, "fastuv", "0.1", Some("uv"), &[]);
    let (r, _) = sb.json(&["env.pip"]);
    let c = check(&r, "env.pip");
    assert_eq!(c["status"], "fail", "{c:#}");
    let details = c["details"].to_string();
    assert!(
        details.contains("undeclared: requests 2.32.3 (installed by pip)"),
        "{details}"
    );
    assert!(
        details.contains("undeclared: fastuv 0.1 (installed by uv)"),
        "{details}"
    );
    assert!(!details.contains("six"), "{details}");
    assert_eq!(
        fix_commands(&r, "env.pip"),
        [
            vec!["micromamba", "env", "remove", "-y", "-n", "proj"],
            vec![
                "micromamba",
                "create",
                "-y",
                "-n",
                "proj",
                "-f",
                "environment.yml"
            ]
        ]
    );
    let texts = fix_texts(&r).join("\n");
    assert!(texts.contains("fastuv, requests"), "{texts}");
    assert!(!texts.contains("pip uninstall"), "{texts}");
}

#[test]
fn conda_layout_with_envs_in_home_conda_envs() {
    let mut sb = Sandbox::new();
    let mf = root(&sb.home.join("miniforge3"));
    let conda = mf.join("bin/conda");
    recording_tool(&conda, "conda 24.11.3", &sb.root().join("argv.log"));
    let path = format!(
        "{}:{}:/usr/bin:/bin",
        sb.bin.display(),
        mf.join("bin").display()
    );
    sb.var("PATH", path);
    let prefix = sb.home.join(".conda/envs/proj");
    env(
        &prefix,
        &conda_history("proj", &["python-3.11.9-hab00c5b_0_cpython"]),
    );
    python(&prefix, "3.11.9");
    fs::write(
        sb.home.join(".conda/environments.txt"),
        format!("{}\n{}\n", mf.display(), prefix.display()),
    )
    .unwrap();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    let (r, _) = sb.json(&["env.exists", "env.python", "env.packages"]);
    assert_eq!(
        status(&r, "env.exists"),
        "ok",
        "{:#}",
        check(&r, "env.exists")
    );
    assert_eq!(status(&r, "env.python"), "ok");
    assert_eq!(status(&r, "env.packages"), "fail");
    // Worded for conda.
    assert_eq!(
        fix_commands(&r, "env.packages"),
        [[
            "conda",
            "env",
            "update",
            "-n",
            "proj",
            "-f",
            "environment.yml",
            "--prune"
        ]]
    );
}

#[test]
fn same_name_in_two_roots_warns_and_lists_both() {
    let (sb, root) = mm_sandbox(ENV_YML);
    let ours = root.join("envs/proj");
    project_env(&ours, &[]);
    let theirs = sb.home.join("miniforge3/envs/proj");
    env(&theirs, &conda_history("proj", &[]));
    fs::create_dir_all(sb.home.join(".conda")).unwrap();
    fs::write(
        sb.home.join(".conda/environments.txt"),
        format!("{}\n{}\n", theirs.display(), ours.display()),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    let c = check(&r, "env.exists");
    assert_eq!(c["status"], "warn", "{c:#}");
    let details = c["details"].to_string();
    assert!(
        details.contains(&format!("used: {}", ours.display())),
        "{details}"
    );
    assert!(
        details.contains(&format!("also: {}", theirs.display())),
        "{details}"
    );
}

#[test]
fn env_only_under_another_root_is_found_but_not_by_name() {
    let (sb, _root) = mm_sandbox(ENV_YML);
    let theirs = sb.home.join("miniforge3/envs/proj");
    env(&theirs, &conda_history("proj", &[]));
    python(&theirs, "3.11.2");
    fs::create_dir_all(sb.home.join(".conda")).unwrap();
    fs::write(
        sb.home.join(".conda/environments.txt"),
        format!("{}\n", theirs.display()),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.exists", "env.python", "env.packages"]);
    let c = check(&r, "env.exists");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(c["summary"]
        .as_str()
        .unwrap()
        .contains("-n proj` will not find it"));
    assert_eq!(status(&r, "env.python"), "ok");
    // No later fix of the run uses `-n proj`: they address the environment by path.
    assert_eq!(status(&r, "env.packages"), "fail", "{r:#}");
    let cmds = fix_commands(&r, "env.packages");
    let flat: Vec<&str> = cmds.iter().flatten().map(String::as_str).collect();
    assert!(!flat.windows(2).any(|w| w == ["-n", "proj"]), "{cmds:?}");
    let theirs = theirs.display().to_string();
    assert!(
        flat.windows(2).any(|w| w == ["-p", theirs.as_str()]),
        "{cmds:?}"
    );
}

/// A Python line past its end of life is a warning at its line; a supported one is not.
#[test]
fn an_end_of_life_python_pin_warns() {
    for (pin, eol) in [
        ("python=3.8.12", true),
        ("python>=3.7,<3.10", true),
        ("python=3.12", false),
        ("python>=3.8", false),
    ] {
        let yml = format!("name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - {pin}\n");
        let (sb, _root) = mm_sandbox(&yml);
        let (r, _) = sb.json(&["env.file"]);
        let c = check(&r, "env.file");
        let found = line_rules(c)
            .iter()
            .any(|(l, r)| *l == 5 && r == "python-eol");
        assert_eq!(found, eol, "{pin}: {c:#}");
    }
}

/// A Snakemake runner environment whose rules use `conda:` needs a `conda` executable:
/// micromamba provides none, and `snakemake --use-conda` calls it.
#[test]
fn a_snakemake_runner_with_conda_rules_needs_conda() {
    let base = "name: wf\nchannels:\n  - conda-forge\n  - bioconda\ndependencies:\n  - python=3.12\n  - snakemake=9.1\n";
    let rule = "rule align:\n    input: \"a.fq\"\n    conda:\n        \"../envs/bwa.yaml\"\n    shell: \"bwa mem {input}\"\n";
    let judge = |yml: &str, smk: Option<&str>| {
        let (sb, _root) = mm_sandbox(yml);
        if let Some(text) = smk {
            sb.write("project/workflow/rules/align.smk", text);
        }
        let (r, _) = sb.json(&["env.file"]);
        let c = check(&r, "env.file").clone();
        let hit = line_rules(&c).contains(&(7, "snakemake-conda".to_string()));
        (hit, c)
    };
    let (hit, c) = judge(base, Some(rule));
    assert!(hit, "{c:#}");
    assert!(
        c.to_string().contains("workflow/rules/align.smk:3"),
        "{c:#}"
    );
    // `conda` (or mamba) in the environment, or no rule with `conda:`, is fine.
    assert!(!judge(&format!("{base}  - conda\n"), Some(rule)).0);
    assert!(!judge(base, Some("rule a:\n    shell: \"true\"\n")).0);
    assert!(!judge(base, None).0);
}

/// A Python pin the project's own `requires-python` refuses is a warning at the pin.
#[test]
fn a_python_pin_outside_requires_python_warns() {
    for (pin, requires, told) in [
        ("python=3.9", ">=3.11", true),
        ("python=3.11", ">=3.9, <3.10", true),
        ("python=3.12", ">=3.11", false),
        ("python=3.9.*", ">=3.9.2", false),
        ("python>=3.8", ">=3.11", false),
    ] {
        let yml = format!("name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - {pin}\n");
        let (sb, _root) = mm_sandbox(&yml);
        sb.write(
            "project/pyproject.toml",
            &format!("[project]\nname = \"proj\"\nrequires-python = \"{requires}\"\n"),
        );
        let (r, _) = sb.json(&["env.file"]);
        let c = check(&r, "env.file");
        let found = line_rules(c)
            .iter()
            .any(|(l, r)| *l == 5 && r == "python-requires");
        assert_eq!(found, told, "{pin} vs {requires}: {c:#}");
    }
}

/// pip options install nothing, and a URL is no package to look up: neither is asked
/// whether it is missing from conda-forge; the URL gets its own finding.
#[test]
fn pip_options_and_urls_are_not_looked_up() {
    let yml = "name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - --extra-index-url https://download.pytorch.org/whl/cu128\n    - dem-handler @ git+https://github.com/o/dem-handler.git@v0.2.6\n    - tqdm\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let rules = line_rules(c);
    assert!(!rules.iter().any(|(l, _)| *l == 8), "{rules:?}");
    assert!(rules.contains(&(9, "pip-url".to_string())), "{rules:?}");
    assert!(rules.contains(&(10, "pip-entry".to_string())), "{rules:?}");
}

/// A pixi project locks its environments in pixi.lock: env.lock does not ask for conda-lock.
#[test]
fn a_pixi_project_with_its_lock_needs_no_conda_lock() {
    let (sb, _root) =
        mm_sandbox("name: default\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n");
    sb.write(
        "project/pixi.toml",
        "[workspace]\nname = \"x\"\nchannels = [\"conda-forge\"]\nplatforms = [\"linux-64\"]\n",
    );
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "warn", "without pixi.lock: {r:#}");
    sb.write(
        "project/pixi.lock",
        "version: 6\nenvironments: {}\npackages: []\n",
    );
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("pixi.lock locks this pixi project"),
        "{c:#}"
    );
}

/// `default` is a typo for `defaults`: it is told, and the lookup hint leaves it out.
#[test]
fn a_default_channel_is_a_typo() {
    let yml = "name: proj\nchannels:\n  - default\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - jupyter-book\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert!(
        line_rules(c).contains(&(3, "channel-typo".to_string())),
        "{c:#}"
    );
    assert!(!c.to_string().contains("-c default "), "{c:#}");
}

/// A pip entry is looked up on the file's community channels too (bioconda, for a Snakemake
/// runner), never on Anaconda's.
#[test]
fn a_pip_entry_is_looked_up_on_the_files_own_channels() {
    let yml = "name: proj\nchannels:\n  - conda-forge\n  - bioconda\n  - defaults\n  - pkgs/main\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - snakemake\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let text = c.to_string();
    assert!(
        text.contains("is it really missing from conda-forge and bioconda?"),
        "{c:#}"
    );
    assert!(
        text.contains("search -c conda-forge -c bioconda snakemake"),
        "{c:#}"
    );
    assert!(
        !text.contains("-c defaults") && !text.contains("-c pkgs/main"),
        "{c:#}"
    );
}

/// Up to five plain pip entries get a finding each; more are one finding for the block, at
/// its first entry, that counts them (metal0bird's export has 132).
#[test]
fn many_pip_entries_are_one_finding() {
    let entries: String = (0..40).map(|i| format!("    - pkg{i}==1.0\n")).collect();
    let yml = format!("name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n{entries}");
    let (sb, _root) = mm_sandbox(&yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let rules = line_rules(c);
    assert_eq!(rules, [(8, "pip-entry".to_string())], "{c:#}");
    assert!(
        c.to_string().contains(
            "pip: 40 entries (`pkg0==1.0`, `pkg1==1.0`, `pkg2==1.0` and 37 more, to line 47)"
        ),
        "{c:#}"
    );
    assert!(
        c["summary"].as_str().unwrap().ends_with("1 warning"),
        "{c:#}"
    );
}

#[test]
fn environment_file_lint_points_at_lines() {
    let yml = "channels:\n  - defaults\n  - conda-forge\ndependencies:\n  - python\n  - numpy>>1\n  - pip:\n    - requests\nextras: 1\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "fail", "{c:#}");
    let locs = line_rules(c);
    let has = |line: u64, rule: &str| locs.iter().any(|(l, r)| *l == line && r == rule);
    assert!(has(1, "no-name"), "{locs:?}");
    assert!(has(2, "defaults"), "{locs:?}");
    assert!(has(3, "conda-forge-first"), "{locs:?}");
    assert!(has(5, "python-pin"), "{locs:?}");
    assert!(has(6, "matchspec"), "{locs:?}");
    assert!(has(7, "pip-missing"), "{locs:?}");
    assert!(has(8, "pip-entry"), "{locs:?}");
    assert!(has(9, "unknown-key"), "{locs:?}");
    // The full listing (-v) prints every finding with its line.
    let human = support::stdout(&sb.run(&["-v", "env.file"]));
    assert!(human.contains("environment.yml:6:"), "{human}");
    // The short report leads with the failures (the missing name, the bad spec), then gives
    // the lines of the others.
    let short = support::stdout(&sb.run(&["env.file"]));
    assert!(short.contains("at environment.yml:1: "), "{short}");
    assert!(short.contains("(more at 6, 2, 3, 5, 7, 8, 9)"), "{short}");
}

/// An export pins builds from the channels it lists (ShunichiroT/EasiGP: `anyio=4.6.2=
/// py311h06a4308_0` from `defaults`): removing them first would leave nothing to solve, so the
/// step drops the builds before the channels change: a history export where the environment
/// still exists, else by hand (eladrich/pixel2style2pixel's export has no environment left to
/// export from).
#[test]
fn an_exports_channels_change_only_after_a_history_export() {
    let yml = "name: proj\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n  - python=3.11.10=he870216_0\n  - anyio=4.6.2=py311h06a4308_0\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let manual = check(&r, "env.file")["fix"]["manual"].to_string();
    assert!(
        manual.contains("first drop the pinned builds, which come from these channels: export it again from its history where the environment still exists (`env export --from-history`), else remove the `=BUILD` ends (`=h1234_0`) and loosen the pins by hand; then replace `defaults` with `nodefaults`"),
        "{manual}"
    );
    // A hand-written file changes its channels directly.
    let (sb, _root) = mm_sandbox(
        "name: proj\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n  - python=3.11\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let manual = check(&r, "env.file")["fix"]["manual"].to_string();
    assert!(
        manual.contains("\"replace `defaults` with `nodefaults`\""),
        "{manual}"
    );
}

/// A file whose own comments say it is applied with `env update` (bedapub/HBVouroboros's
/// environment-dev.yml) is an addition: the full environment next to it is the project's,
/// exported or not, and the addition is not asked for Python or pip. A pip entry pinned the
/// conda way (`ipython=7.34.0`) fails: pip refuses it.
#[test]
fn a_self_described_addition_is_not_the_project_environment() {
    let full = "name: hbv\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.7.12=hb7a2778_100_cpython\n  - numpy=1.21.6=py37h976b520_0\n  - pip=22.3.1=pyhd8ed1ab_0\n  - pip:\n    - ipython=7.34.0\n    - bcbio-gff==0.7.0\n";
    let dev = "## Additions for development.\n## conda activate hbv\n## conda env update -n hbv --file environment-dev.yml\nname: hbv\nchannels:\n  - conda-forge\ndependencies:\n  - sphinx\n";
    let (sb, _root) = mm_sandbox("");
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    fs::create_dir_all(sb.project.join("envs")).unwrap();
    fs::write(sb.project.join("envs/environment.yml"), full).unwrap();
    fs::write(sb.project.join("envs/environment-dev.yml"), dev).unwrap();
    let (r, _) = sb.json(&["env.file", "env.exists"]);
    let file = check(&r, "env.file");
    assert!(
        file["summary"]
            .as_str()
            .unwrap()
            .starts_with("envs/environment.yml:"),
        "{file:#}"
    );
    let rules = line_rules(file);
    assert!(rules.contains(&(9, "pip-syntax".to_string())), "{rules:?}");
    assert!(
        !rules.contains(&(10, "pip-syntax".to_string())),
        "{rules:?}"
    );
    let details = file["details"].to_string();
    assert!(
        details.contains("also linted envs/environment-dev.yml"),
        "{details}"
    );
    assert!(
        !details.contains("environment-dev.yml:7: python is not listed"),
        "{details}"
    );
    let create = check(&r, "env.exists")["fix"]["commands"][0].to_string();
    assert!(create.contains("\"envs/environment.yml\""), "{create}");
}

/// Anaconda's repository under its other names, as a channel or a package's channel prefix,
/// is `defaults` by another name (BeepBoopRun/holding-tight's `anaconda::redis`).
#[test]
fn anacondas_repository_by_any_name_is_flagged_like_defaults() {
    let yml = "name: p\nchannels:\n  - conda-forge\n  - anaconda\ndependencies:\n  - python=3.12\n  - anaconda::redis\n  - conda-forge::numpy\n  - pkgs/main::scipy\n";
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "warn", "{c:#}");
    let defaults: Vec<u64> = line_rules(c)
        .into_iter()
        .filter(|(_, r)| r == "defaults")
        .map(|(l, _)| l)
        .collect();
    assert_eq!(defaults, [4, 7, 9], "{c:#}");
    let manual = c["fix"]["manual"].to_string();
    assert!(
        manual.contains("remove `anaconda` from `channels:`"),
        "{manual}"
    );
    assert!(manual.contains("drop the `CHANNEL::` prefixes"), "{manual}");
}

/// An exported file's machine `prefix:` matters only without a `name:` (conda uses it then,
/// micromamba ignores it); a credential under `variables:` fails without being printed.
#[test]
fn exported_prefix_and_secret_variables() {
    let yml = "channels:\n  - conda-forge\ndependencies:\n  - python=3.11\nvariables:\n  OPENAI_API_KEY: sk-live-4711abcdef\n  LOG_LEVEL: debug\n  HF_TOKEN: ${HF_TOKEN}\nprefix: /home/alice/miniforge3/envs/data-tool\n";
    let (sb, _root) = mm_sandbox(yml);
    let out = sb.run(&["--json", "-v", "env.file"]);
    let text = support::stdout(&out);
    assert!(!text.contains("4711"), "the value was printed: {text}");
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "fail", "{c:#}");
    let found = line_rules(c);
    assert!(found.contains(&(6, "secret-variable".into())), "{found:?}");
    assert!(found.contains(&(9, "prefix".into())), "{found:?}");
    // Only the literal credential: not LOG_LEVEL, not a ${…} reference.
    assert_eq!(
        found.iter().filter(|(_, r)| r == "secret-variable").count(),
        1
    );
    let steps = c["fix"]["manual"].to_string();
    assert!(steps.contains("with `name: data-tool`"), "{steps}");
    assert!(
        steps.contains("OPENAI_API_KEY") && !steps.contains("4711"),
        "{steps}"
    );
    let human = support::stdout(&sb.run(&["-v", "env.file"]));
    assert!(!human.contains("4711"), "{human}");

    // Next to a name, the prefix is ignored by micromamba and loses to the name in conda.
    sb.write(
        "project/environment.yml",
        "name: data-tool\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\nprefix: /home/alice/miniforge3/envs/data-tool\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(check(&r, "env.file")["status"], "ok", "{r:#}");
}

#[test]
fn requirements_txt_without_environment_yml_fails_without_pip() {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("requirements.txt"),
        "fastapi==0.110.0\ntorch>=2\npsycopg2-binary\ngit+https://example.com/x.git#egg=x\n",
    )
    .unwrap();
    let (r, code) = sb.json(&["env.file"]);
    assert_eq!(code, 1);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "fail");
    let details = c["details"].to_string();
    assert!(details.contains("- pytorch>=2"), "{details}");
    assert!(details.contains("- psycopg2"), "{details}");
    assert!(
        details.contains("git+https://example.com/x.git#egg=x"),
        "{details}"
    );
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("micromamba create -y -n project -f environment.yml"),
        "{texts}"
    );
    // The fix writes the proposal (a new file) before it creates the environment from it.
    let new_file = &c["fix"]["new_files"][0];
    assert_eq!(new_file["path"], "environment.yml", "{c:#}");
    let content = new_file["content"].as_str().unwrap();
    assert!(content.starts_with("name: project\n"), "{content}");
    assert!(content.contains("\n  - pytorch>=2"), "{content}");
    let human = sb.run(&["env.file", "--color", "never"]);
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(!human.contains("proposal above"), "{human}");
    assert!(
        !devdoctor::policy::no_pip::text_calls_pip(&texts),
        "{texts}"
    );
    // A later step of the plan (a pip line in the Makefile) names the environment the
    // proposal creates, not a `<env-name>` to fill in.
    fs::write(
        sb.project.join("Makefile"),
        "setup:\n\tpip install -r requirements.txt\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file", "pip.makefile"]);
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("micromamba env update -n project -f environment.yml"),
        "{texts}"
    );
    assert!(!texts.contains("<env"), "{texts}");
    fs::remove_file(sb.project.join("Makefile")).unwrap();
    // Neither file: nothing to check.
    fs::remove_file(sb.project.join("requirements.txt")).unwrap();
    let (r, _) = sb.json(&["env.*"]);
    assert_eq!(status(&r, "env.file"), "skip");
    assert_eq!(status(&r, "env.exists"), "skip");
}

/// A project whose README makes its environment by hand (`conda create -n foo python=3.10`,
/// then `pip install -r requirements.txt`): the proposal and the plan name that environment
/// and keep its Python, rather than the folder's name and a default pin.
#[test]
fn the_proposal_follows_the_readmes_create_command() {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("requirements.txt"),
        "requests==2.31.0\nnumpy\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("README.md"),
        "# Foo\n\n```bash\nconda create -n foo python=3.10 \"numpy<2\" -y\nconda activate foo\npip install -r requirements.txt\n```\n",
    )
    .unwrap();
    let (r, code) = sb.json(&["env.file", "pip.readme"]);
    assert_eq!(code, 1);
    let details = check(&r, "env.file")["details"].to_string();
    assert!(details.contains("name: foo"), "{details}");
    assert!(
        details.contains("- python=3.10        # as README.md:4 creates it"),
        "{details}"
    );
    assert!(details.contains("- numpy<2"), "{details}");
    assert!(!details.contains("python=3.12"), "{details}");
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("micromamba create -y -n foo -f environment.yml"),
        "{texts}"
    );
    assert!(!texts.contains("-n project"), "{texts}");
    // Once the README's command has run, `foo` exists: `create -y` would remove it and make
    // it again, so the step updates it from the file instead.
    let (mut sb2, root) = mm_sandbox("");
    fs::remove_file(sb2.project.join("environment.yml")).unwrap();
    project_env(&root.join("envs/foo"), &[("requests", "2.31.0")]);
    for f in ["requirements.txt", "README.md"] {
        fs::copy(sb.project.join(f), sb2.project.join(f)).unwrap();
    }
    sb2.var("MAMBA_ROOT_PREFIX", &root);
    let (r, _) = sb2.json(&["env.file"]);
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("then update the environment `foo`, which exists, from it: micromamba env update -n foo -f environment.yml --prune"),
        "{texts}"
    );
    assert!(!texts.contains("micromamba create"), "{texts}");
}

/// A README that makes the environment by hand and pip-installs named packages into it, with
/// no requirements.txt and no environment file: the environment is described nowhere, so
/// env.file proposes one from the create's specs and the pip packages (not the project itself,
/// not a virtualenv route's), the plan writes it and creates the environment, and the pip
/// checks apply as to any project that sets up a conda environment.
#[test]
fn an_environment_made_by_hand_with_pip_installs_gets_a_proposal() {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("README.md"),
        "# Tool\n\n```bash\nconda create -n tool python=3.10 -y\nconda activate tool\nconda install -y numpy\npip install fastmcp \"loguru>=0.7\"\npip install -e .\n```\n\nWithout conda:\n\n```bash\npython -m venv .venv\nsource .venv/bin/activate\npip install requests\n```\n",
    )
    .unwrap();
    let (r, code) = sb.json(&["env.file", "pip.readme"]);
    assert_eq!(code, 1);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "fail", "{file:#}");
    let summary = file["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("README.md:4 makes the environment `tool` by hand (`conda create -n tool python=3.10 -y`, then pip installs at line 7)"),
        "{summary}"
    );
    let details = file["details"].to_string();
    // Each spec says which line names it: the create, or the later conda install.
    for want in [
        "name: tool",
        "- python=3.10        # as README.md:4 creates it",
        "- numpy        # as README.md:6 installs it",
        "- fastmcp",
        "- loguru>=0.7",
    ] {
        assert!(details.contains(want), "{want}: {details}");
    }
    assert!(!details.contains("requests"), "{details}");
    let texts = fix_texts(&r).join("\n");
    assert!(
        texts.contains("micromamba create -y -n tool -f environment.yml"),
        "{texts}"
    );
    assert_eq!(status(&r, "pip.readme"), "warn", "{r:#}");
    // Only the project itself installed with pip, as a path or by its own name: nothing is
    // described by hand.
    fs::write(
        sb.project.join("pyproject.toml"),
        "[project]\nname = \"My_Tool\"\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("README.md"),
        "```bash\nconda create -n tool python=3.10 -y\npip install -e .\npip install \"my-tool[all]\"\n```\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "skip", "{r:#}");
}

/// A setup script that makes the environment in a folder of the project by hand
/// (MacromNex's generated MCP servers: `mamba create -p ./env python=3.10 pip -y`, then its
/// own pip): the proposal names no environment and is created with `-p ./env`; once the file
/// is there, env.* judge that folder's environment, and the file's missing `name:` is no
/// finding.
#[test]
fn an_environment_made_in_a_project_folder_is_judged_there() {
    let (mut sb, root) = mm_sandbox("");
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    sb.var("MAMBA_ROOT_PREFIX", &root);
    fs::write(
        sb.project.join("quick_setup.sh"),
        "#!/bin/bash\n(command -v mamba >/dev/null && mamba create -p ./env python=3.11 pip -y) || \\\n(command -v conda >/dev/null && conda create -p ./env python=3.11 pip -y)\n./env/bin/pip install requests\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "fail", "{file:#}");
    assert!(
        file["summary"]
            .as_str()
            .unwrap()
            .starts_with("quick_setup.sh:2 makes the environment in ./env by hand (`mamba create -p ./env python=3.11 pip -y`"),
        "{file:#}"
    );
    let content = file["fix"]["new_files"][0]["content"].as_str().unwrap();
    assert!(!content.contains("name:"), "{content}");
    assert!(content.contains("- requests"), "{content}");
    assert_eq!(
        file["fix"]["commands"],
        serde_json::json!([[
            "micromamba",
            "create",
            "-y",
            "-p",
            "./env",
            "-f",
            "environment.yml"
        ]])
    );
    // The file written, the environment made: env.* find it in the folder.
    fs::write(
        sb.project.join("environment.yml"),
        "channels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - requests=2.31.0\n",
    )
    .unwrap();
    project_env(&sb.project.join("env"), &[("requests", "2.31.0")]);
    let (r, _) = sb.json(&["env.file", "env.exists", "env.packages"]);
    assert_eq!(status(&r, "env.exists"), "ok", "{r:#}");
    assert_eq!(status(&r, "env.packages"), "ok", "{r:#}");
    let rules = line_rules(check(&r, "env.file"));
    assert!(rules.iter().all(|(_, rule)| rule != "no-name"), "{rules:?}");
    // A README that makes it from the file in that folder says the same.
    fs::remove_file(sb.project.join("quick_setup.sh")).unwrap();
    fs::write(
        sb.project.join("README.md"),
        "```bash\nmicromamba create -y -p ./env -f environment.yml\n```\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    assert_eq!(status(&r, "env.exists"), "ok", "{r:#}");
    fs::remove_dir_all(sb.project.join("env")).unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    let texts = fix_texts(&r).join("\n");
    assert!(texts.contains("create -y -p "), "{texts}");
    assert!(texts.contains("/env -f environment.yml"), "{texts}");
    // The folder is a link the project points out of itself: no fix creates through it.
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), sb.project.join("env")).unwrap();
    let (r, _) = sb.json(&["env.exists"]);
    let fix = &check(&r, "env.exists")["fix"];
    assert_eq!(fix["commands"], serde_json::json!([]), "{fix:#}");
    assert!(
        fix["manual"]
            .to_string()
            .contains("is a link: move it aside"),
        "{fix:#}"
    );
    // Before the project is trusted, a folder that leads out of it is not its environment:
    // nothing is read or created there.
    sb.var("DEVDOCTOR_TRUST", "0");
    let (r, _) = sb.json(&["env.exists"]);
    let exists = check(&r, "env.exists");
    assert_eq!(exists["status"], "unknown", "{exists:#}");
    assert_eq!(exists["fix"], serde_json::Value::Null, "{exists:#}");
    assert!(
        exists["summary"].as_str().unwrap().starts_with(
            "the project makes its environment in ./env, and it leads outside the project"
        ),
        "{exists:#}"
    );
    sb.var("DEVDOCTOR_TRUST", "1");
    // Nor does the proposal's create, over a folder that is no environment.
    fs::remove_file(sb.project.join("env")).unwrap();
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    fs::remove_file(sb.project.join("README.md")).unwrap();
    fs::write(
        sb.project.join("setup.sh"),
        "conda create -p ./env python=3.11 -y\n./env/bin/pip install requests\n",
    )
    .unwrap();
    fs::create_dir(sb.project.join("env")).unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let fix = &check(&r, "env.file")["fix"];
    assert_eq!(fix["commands"], serde_json::json!([]), "{fix:#}");
    assert!(
        fix["manual"]
            .to_string()
            .contains("./env is a folder that is no environment"),
        "{fix:#}"
    );
}

/// A lock named for another environment file of the project (gnn-tracking's
/// `minimal.conda-lock.yml` beside minimal.yml) is that file's: it is not compared with the
/// picked environment.yml, and is said to be left out. conda-lock's default names belong to
/// the picked file even beside a `conda.yml`.
#[test]
fn a_lock_named_for_another_environment_file_is_left_out() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    fs::write(
        sb.project.join("minimal.yml"),
        "name: min\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("minimal.conda-lock.yml"),
        "version: 1\nmetadata:\n  channels:\n  - url: conda-forge\n    used_env_vars: []\n  platforms:\n  - linux-64\n  sources:\n  - minimal.yml\npackage:\n- name: python\n  version: 3.11.9\n  manager: conda\n  platform: linux-64\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(
        c["summary"],
        "no lock file for environment.yml: installs are not reproducible"
    );
    assert!(
        c["details"]
            .to_string()
            .contains("left out minimal.conda-lock.yml: by its name, the lock of minimal.yml"),
        "{c:#}"
    );
    assert!(c["locations"].as_array().is_none_or(Vec::is_empty), "{c:#}");
}

/// With the environment file named (`--env-file`), and in a folder of several environment
/// files with one explicit lock each (klay-music/klay-beam's `environment/`), a lock is the
/// file's its name says: env.lock judges the named file's own, and env.exists creates from it
/// only. A dev variant (`nac.dev.yml`) is never created from `nac.linux-64.lock`.
#[test]
fn a_lock_named_for_a_sibling_file_is_that_files() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    let dir = sb.project.join("environment");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("nac.linux-64.yml"),
        "name: nac\nchannels: [conda-forge]\ndependencies:\n  - python=3.10\n",
    )
    .unwrap();
    fs::write(
        dir.join("nac.dev.yml"),
        "name: nac-dev\nchannels: [conda-forge]\ndependencies:\n  - python=3.10\n",
    )
    .unwrap();
    fs::write(
        dir.join("nac.linux-64.lock"),
        "# platform: linux-64\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/python-3.10.14-hd12c33a_0_cpython.conda\n",
    )
    .unwrap();
    let (r, _) = sb.json(&[
        "--env-file",
        "environment/nac.dev.yml",
        "env.lock",
        "env.exists",
    ]);
    let lock = check(&r, "env.lock");
    assert_eq!(lock["status"], "warn", "{lock:#}");
    assert!(
        lock["details"].to_string().contains(
            "left out environment/nac.linux-64.lock: by its name, the lock of environment/nac.linux-64.yml"
        ),
        "{lock:#}"
    );
    let create = check(&r, "env.exists")["fix"].to_string();
    assert!(!create.contains("nac.linux-64.lock"), "{create}");
    assert!(create.contains("\"environment/nac.dev.yml\""), "{create}");
}

/// conda-lock takes every `pip:` entry for a requirement and stops on pip's options
/// (conda-lock issues 171 and 488): the lock step is an edit first, with its command after it,
/// not a command `fix` would run into that error. Options are named, never their values.
#[test]
fn pip_options_make_the_lock_step_an_edit_first() {
    let with_pip = "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - --extra-index-url https://user:s3cret@pypi.example.com/simple\n    - --pre\n    - -e .\n    - requests\n";
    let (sb, root) = mm_sandbox(with_pip);
    project_env(&root.join("envs/proj"), &[]);
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert_eq!(c["status"], "warn", "{c:#}");
    let manual: Vec<String> = serde_json::from_value(c["fix"]["manual"].clone()).unwrap();
    assert_eq!(manual.len(), 2, "{c:#}");
    assert!(
        manual[0].starts_with("first edit environment.yml: conda-lock stops on pip options in `pip:` (line 7: `--extra-index-url`, line 8: `--pre`)"),
        "{manual:?}"
    );
    // The edit comes first: the plan's short line shows it, and `fix --yes` stops there.
    let plan =
        String::from_utf8_lossy(&sb.run(&["env.lock", "--color", "never"]).stdout).into_owned();
    assert!(
        plan.contains("1. first edit environment.yml: conda-lock stops on pip options"),
        "{plan}"
    );
    assert!(
        manual[0].contains("top-level `pip-repositories:`"),
        "{manual:?}"
    );
    assert!(
        manual[0].contains("remove the rest, which conda-lock has no equivalent for"),
        "{manual:?}"
    );
    assert!(
        manual[1]
            .starts_with("then: micromamba run -n conda-lock conda-lock lock -f environment.yml"),
        "{manual:?}"
    );
    // Only the tool's install is left to run; the lock waits for the edit.
    let cmds = fix_commands(&r, "env.lock");
    assert_eq!(cmds.len(), 1, "{cmds:?}");
    assert_eq!(cmds[0][..3], ["micromamba", "create", "-y"]);
    assert!(!r.to_string().contains("s3cret"));
    // Index URLs moved where conda-lock reads them are not an unknown key to env.file.
    let moved = "name: proj\nchannels: [conda-forge]\npip-repositories:\n  - https://pypi.example.com/simple\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - requests\n";
    sb.write("project/environment.yml", moved);
    let (r, _) = sb.json(&["env.lock", "env.file"]);
    assert_eq!(fix_commands(&r, "env.lock").len(), 2, "{r:#}");
    assert!(
        !check(&r, "env.file").to_string().contains("unknown key"),
        "{r:#}"
    );
    // A requirements file read with `-r` is written into `pip:` instead.
    sb.write(
        "project/environment.yml",
        &with_pip.replace("--pre", "-r requirements.txt"),
    );
    let (r, _) = sb.json(&["env.lock"]);
    let manual = check(&r, "env.lock")["fix"]["manual"].to_string();
    assert!(manual.contains("line 8: `-r`"), "{manual}");
    assert!(
        manual.contains("write the requirements of the file `-r` names into `pip:` itself"),
        "{manual}"
    );
    assert!(!manual.contains("remove the rest"), "{manual}");
}

#[test]
fn lock_absent_stale_fresh_and_platformless() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "warn");
    let cmds = fix_commands(&r, "env.lock");
    assert_eq!(
        cmds[0],
        [
            "micromamba",
            "create",
            "-y",
            "-n",
            "conda-lock",
            "-c",
            "conda-forge",
            "conda-lock"
        ]
    );
    assert_eq!(
        cmds[1][..5],
        ["micromamba", "run", "-n", "conda-lock", "conda-lock"]
    );
    assert!(cmds[1].contains(&"linux-64".to_string()));

    let lock = |hash: &str, platforms: &str, packages: &str| {
        format!("version: 1\nmetadata:\n  content_hash:\n    linux-64: abc\n  channels:\n  - url: conda-forge\n    used_env_vars: []\n  platforms:\n{platforms}{hash}  sources:\n  - environment.yml\npackage:\n{packages}")
    };
    let pkgs = "- name: python\n  version: 3.11.9\n  manager: conda\n  platform: linux-64\n- name: numpy\n  version: 1.26.4\n  manager: conda\n  platform: linux-64\n- name: fastapi\n  version: 0.110.0\n  manager: conda\n  platform: linux-64\n- name: pip\n  version: '24.0'\n  manager: conda\n  platform: linux-64\n";
    let write = |text: String| fs::write(sb.project.join("conda-lock.yml"), text).unwrap();

    // Semantic comparison (no input hash): consistent.
    write(lock("", "  - linux-64\n", pkgs));
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "ok", "{:#}", check(&r, "env.lock"));

    // Semantic: numpy locked at a version the file no longer allows.
    write(lock("", "  - linux-64\n", &pkgs.replace("1.26.4", "2.1.0")));
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "warn");
    assert_eq!(lines(&r, "env.lock"), [7]);

    // Input hash: stale, then fresh even with CRLF line ends in environment.yml.
    let stale = "  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: 0000000000000000000000000000000000000000000000000000000000000000\n";
    write(lock(stale, "  - linux-64\n", pkgs));
    let (r, _) = sb.json(&["env.lock"]);
    assert!(check(&r, "env.lock")["summary"]
        .as_str()
        .unwrap()
        .contains("stale"));
    fs::write(
        sb.project.join("environment.yml"),
        ENV_YML.replace('\n', "\r\n"),
    )
    .unwrap();
    let sha = devdoctor::probes::env::lock::text_mode_sha256(ENV_YML);
    let fresh =
        format!("  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: {sha}\n");
    write(lock(&fresh, "  - linux-64\n", ""));
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "ok", "{:#}", check(&r, "env.lock"));

    // This machine's platform missing.
    write(lock(&fresh, "  - osx-arm64\n", ""));
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert_eq!(c["status"], "warn");
    assert!(
        c["summary"].as_str().unwrap().contains("has no linux-64"),
        "{c:#}"
    );
    let relock = fix_commands(&r, "env.lock").concat().join(" ");
    assert!(relock.contains("-p osx-arm64 -p linux-64"), "{relock}");
}

/// The lock covers the platforms of the CI runners that create the environment from the
/// file, besides this machine's.
#[test]
fn the_lock_step_covers_the_ci_runners_platforms() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    sb.write(
        "project/.github/workflows/ci.yml",
        "jobs:\n  test:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-latest, macos-latest]\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: environment.yml\n      - run: pytest\n",
    );
    let (r, _) = sb.json(&["env.lock"]);
    let lock = fix_commands(&r, "env.lock").concat().join(" ");
    assert!(
        lock.contains("-p osx-arm64 -p win-64 -p linux-64")
            || lock.contains("-p linux-64 -p osx-arm64 -p win-64"),
        "{lock}"
    );
}

/// A pip entry that conda-forge has under another name (`redis` is `redis-py`,
/// `opencv-python` is `opencv`) says that name, and the search example uses it: searched by
/// its PyPI name, it is not found, or is another package (vsisl/dash-chatgpt-challenge).
#[test]
fn a_pip_entry_conda_forge_spells_otherwise_is_named_so() {
    let yml = "name: app\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - redis==4.6.0\n    - opencv-python==4.8.0.74\n    - dash==2.11\n";
    let (c, messages) = env_file_findings(yml);
    assert!(
        messages[0].ends_with("conda-forge has it as `redis-py`"),
        "{messages:?}"
    );
    assert!(
        messages[1].ends_with("conda-forge has it as `opencv`"),
        "{messages:?}"
    );
    assert!(
        messages[2].ends_with("is it really missing from conda-forge?"),
        "{messages:?}"
    );
    assert!(
        c["fix"]["manual"]
            .to_string()
            .contains("search -c conda-forge redis-py`"),
        "{c:#}"
    );
}

/// An explicit lock rendered from an older conda-lock.yml installs other packages than the
/// YAML lock beside it, though each agrees with environment.yml's specs: a Dockerfile that
/// installs one and a developer who installs the other get different environments. The fix
/// renders it again, under its own name; a package only the YAML lock has (a render without
/// dev dependencies) is no difference.
#[test]
fn an_explicit_lock_that_disagrees_with_the_yaml_lock_is_rendered_again() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    let pkg = |name: &str, version: &str| {
        format!("- name: {name}\n  version: {version}\n  manager: conda\n  platform: linux-64\n")
    };
    let yaml = format!(
        "version: 1\nmetadata:\n  channels:\n  - url: conda-forge\n    used_env_vars: []\n  platforms:\n  - linux-64\n  sources:\n  - environment.yml\npackage:\n{}{}{}",
        pkg("python", "3.11.9"),
        pkg("numpy", "1.26.4"),
        [pkg("fastapi", "0.110.0"), pkg("pip", "24.0"), pkg("pytest", "8.3.3")].concat()
    );
    sb.write("project/conda-lock.yml", &yaml);
    let url = |file: &str| format!("https://conda.anaconda.org/conda-forge/linux-64/{file}\n");
    let explicit = |numpy: &str| {
        format!(
            "# platform: linux-64\n@EXPLICIT\n{}{}{}{}",
            url("python-3.11.9-hb806964_0_cpython.conda"),
            url(&format!("numpy-{numpy}-py311h71ddf71_0.conda")),
            url("fastapi-0.110.0-pyhd8ed1ab_0.conda"),
            url("pip-24.0-pyhd8ed1ab_0.conda")
        )
    };
    sb.write("project/lockfiles/app-linux-64.lock", &explicit("1.26.4"));
    let (r, _) = sb.json(&["env.lock"]);
    assert_eq!(status(&r, "env.lock"), "ok", "{:#}", check(&r, "env.lock"));

    sb.write("project/lockfiles/app-linux-64.lock", &explicit("1.26.0"));
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(
        c["summary"],
        "lockfiles/app-linux-64.lock disagrees with conda-lock.yml on 1 package for linux-64: numpy 1.26.0 (1.26.4 in conda-lock.yml)"
    );
    let cmds = fix_commands(&r, "env.lock");
    assert_eq!(
        cmds.last().unwrap()[4..],
        [
            "conda-lock",
            "render",
            "-k",
            "explicit",
            "-p",
            "linux-64",
            "--filename-template",
            "lockfiles/app-{platform}.lock",
            "conda-lock.yml"
        ]
    );
    // Stale besides: the re-lock comes first, then the render.
    sb.write("project/conda-lock.yml", &yaml.replace("3.11.9", "3.10.14"));
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert!(c["summary"].as_str().unwrap().contains("is stale"), "{c:#}");
    let cmds = fix_commands(&r, "env.lock");
    assert_eq!(cmds.len(), 3, "{c:#}");
    assert_eq!(cmds[1][4..6], ["conda-lock", "lock"], "{c:#}");
    assert_eq!(cmds[2][4..6], ["conda-lock", "render"], "{c:#}");
    // The two agree, and environment.yml moved on from both: the re-lock is rendered too.
    sb.write("project/conda-lock.yml", &yaml);
    sb.write("project/lockfiles/app-linux-64.lock", &explicit("1.26.4"));
    sb.write(
        "project/environment.yml",
        &ENV_YML.replace("numpy>=1.26,<2", "numpy>=2"),
    );
    let (r, _) = sb.json(&["env.lock"]);
    let c = check(&r, "env.lock");
    assert!(c["summary"].as_str().unwrap().contains("is stale"), "{c:#}");
    let cmds = fix_commands(&r, "env.lock");
    assert_eq!(cmds.len(), 3, "{c:#}");
    assert_eq!(cmds[2][4..6], ["conda-lock", "render"], "{c:#}");
}

#[test]
fn cli_fallback_when_no_root_can_be_determined() {
    // No HOME-based default root exists and none is set: the stand-in's `env list --json`
    // (conda ≥ 25.11 shape) is asked.
    let mut sb = Sandbox::new();
    let elsewhere = sb.root().join("opt/conda");
    let prefix = elsewhere.join("envs/proj");
    project_env(&prefix, &[]);
    let listing = format!(
        "{{\"envs\": [\"{0}\", \"{1}\"], \"envs_details\": {{\"{0}\": {{\"name\": \"base\", \"base\": true}}, \"{1}\": {{\"name\": \"proj\", \"base\": false}}}}}}",
        elsewhere.display(),
        prefix.display()
    );
    sb.stand_in(
        "micromamba",
        &format!("case \"$1\" in --version) echo 2.0.5;; env) echo '{listing}';; esac"),
    );
    sb.var("XDG_DATA_HOME", sb.root().join("nowhere"));
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    let (r, _) = sb.json(&["env.exists", "env.python"]);
    let c = check(&r, "env.exists");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c["details"].to_string().contains("env list --json"),
        "{c:#}"
    );
    assert_eq!(status(&r, "env.python"), "ok");
}

/// "python is not listed" speaks only for a Python environment: a C++ library's toolchain
/// environment (HaoZeke/readCon: compilers, meson, cmake, no Python code) gets a Python only
/// as meson's dependency; the same file in a project with Python sources is warned.
#[test]
fn an_unlisted_python_matters_only_to_a_python_project() {
    let toolchain =
        "name: cxx-dev\nchannels:\n  - conda-forge\ndependencies:\n  - compilers\n  - meson\n  - cmake\n";
    let (sb, _) = mm_sandbox(toolchain);
    sb.write("project/src/reader.cpp", "int main() { return 0; }\n");
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    assert_eq!(file["status"], "ok", "{file:#}");
    sb.write("project/bindings/reader.py", "import ctypes\n");
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    assert_eq!(
        line_rules(file),
        [(4, "python-pin".to_string())],
        "{file:#}"
    );
}

/// conda-lock's extras file (`category: dev`, EO-DataHub/eodh-ac-api's env-dev.yaml) is combined
/// with the main file: it has a name, but needs no Python and no `pip` of its own. Its `pip:`
/// entries are still findings.
#[test]
fn a_conda_lock_category_file_is_an_overlay() {
    let (sb, _) = mm_sandbox(ENV_YML);
    sb.write(
        "project/environment-dev.yml",
        "name: proj\ncategory: dev\nplatforms:\n  - linux-64\nchannels:\n  - conda-forge\ndependencies:\n  - jupyterlab\n  - pip:\n      - mkdocs-gen-files\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    let dev: Vec<String> = file["locations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["path"].as_str().unwrap().ends_with("environment-dev.yml"))
        .map(|l| l["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(dev, ["pip-entry"], "{file:#}");
}

/// When only another environment file warns, the line says which: valankar/finance's picked
/// file was clean while its status came from a second one.
#[test]
fn a_warning_from_another_file_is_named_in_the_summary() {
    let yml =
        "name: proj\nchannels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n";
    let (sb, _root) = mm_sandbox(yml);
    sb.write("project/print.py", "print('a Python project')\n");
    sb.write(
        "project/environment-tools.yml",
        "name: tools\nchannels:\n  - defaults\ndependencies:\n  - jq\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "warn", "{c:#}");
    let summary = c["summary"].as_str().unwrap();
    assert!(summary.starts_with("environment.yml: "), "{c:#}");
    assert!(
        summary.ends_with("; also environment-tools.yml: 3 warnings"),
        "{c:#}"
    );
}

/// An export lists everything installed: one without python (valankar/finance's firefox
/// environment, next to exported Python ones) has none, and is not told to list it.
#[test]
fn an_exported_environment_without_python_is_not_told_to_list_it() {
    let export = |name: &str, python: &str| {
        format!("name: {name}\nchannels:\n  - conda-forge\ndependencies:\n  - _libgcc_mutex=0.1=conda_forge\n  - bzip2=1.0.8=hd590300_5\n{python}  - zlib=1.2.13=hd590300_5\nprefix: /home/u/miniforge3/envs/{name}\n")
    };
    let (sb, _root) = mm_sandbox(&export("proj", "  - python=3.11.7=hab00c5b_0_cpython\n"));
    sb.write("project/print.py", "print('a Python project')\n");
    sb.write(
        "project/environment-firefox.yml",
        &export("firefox", "  - firefox=120.0=h1b2c3d4_0\n"),
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert!(
        !c["locations"]
            .to_string()
            .contains("environment-firefox.yml"),
        "{c:#}"
    );
    assert!(
        c["details"]
            .to_string()
            .contains("also linted environment-firefox.yml"),
        "{c:#}"
    );
}

/// conda-lock writes its default conda-lock.yml where it runs: for an environment file in a
/// subfolder (ATLAS's binder/environment.yml) the lock step names the lock beside the file,
/// where env.lock looks next time; one in the project's root needs no `--lockfile`.
#[test]
fn a_lock_step_for_a_file_in_a_subfolder_writes_the_lock_beside_it() {
    let (sb, root) = mm_sandbox(ENV_YML);
    project_env(&root.join("envs/proj"), &[]);
    let lock_argv = |r: &serde_json::Value| {
        fix_commands(r, "env.lock")
            .into_iter()
            .find(|c| c.contains(&"lock".to_string()))
            .expect("a lock command")
    };
    let (r, _) = sb.json(&["env.lock"]);
    assert!(!lock_argv(&r).contains(&"--lockfile".to_string()), "{r:#}");
    fs::create_dir_all(sb.project.join("binder")).unwrap();
    fs::rename(
        sb.project.join("environment.yml"),
        sb.project.join("binder/environment.yml"),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.lock"]);
    let argv = lock_argv(&r).join(" ");
    assert!(
        argv.contains(
            "lock -f binder/environment.yml -p linux-64 --lockfile binder/conda-lock.yml"
        ),
        "{argv}"
    );
}

/// `python==3.11` is exactly 3.11.0 in conda (atlas-outreach-data-tools' binder file, applied
/// to a 3.11.8 image): a warning at its line, with the series spelling; a full version and
/// `=` are fine.
#[test]
fn a_double_equals_pin_short_of_a_full_version_is_exact() {
    let (sb, _root) = mm_sandbox(
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python==3.11\n  - numpy==1.26.4\n  - pandas=2.2\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "warn", "{c:#}");
    let locations = c["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1, "{c:#}");
    assert_eq!(locations[0]["line"], 4);
    assert_eq!(
        locations[0]["message"],
        "`python==3.11` pins exactly 3.11.0: conda's `==` is an exact match, `python=3.11` takes the 3.11 series"
    );
}

/// A requirements.txt a Dockerfile installs into the image with `mamba install --file` (the
/// Jupyter Docker Stacks' recipe, Koverse's jupyter/) is a conda package list for the image,
/// not pip requirements to turn into a host environment.yml.
#[test]
fn a_requirements_file_the_image_installs_with_mamba_is_not_pip() {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("requirements.txt"),
        "requests\njupyterhub\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("Dockerfile"),
        "FROM quay.io/jupyter/base-notebook:2024-07-29\nCOPY requirements.txt /tmp/\nRUN mamba install --yes --file /tmp/requirements.txt && \\\n    mamba clean --all -f -y\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert_eq!(
        c["summary"],
        "no environment.yml in the project; requirements.txt is a conda package list that Dockerfile:3 installs into the image: the image is the environment"
    );
    // Installed with pip instead, it is the pip requirements env.file proposes to replace.
    fs::write(
        sb.project.join("Dockerfile"),
        "FROM python:3.12-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "fail");
}

/// PyTorch's own channel stopped at 2.5 (tig3rmast3r/vampnet lists pytorch and nvidia ahead
/// of conda-forge): one finding at the channel, which also explains conda-forge's place.
#[test]
fn the_pytorch_channel_is_named_once_as_the_cause() {
    let (sb, _root) = mm_sandbox(
        "name: proj\nchannels:\n  - pytorch\n  - nvidia\n  - conda-forge\ndependencies:\n  - python=3.12\n  - pytorch=2.3.1\n  - pytorch-cuda=12.1\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let rules: Vec<&str> = c["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["pytorch-channel"], "{c:#}");
    assert!(
        c["fix"]["manual"]
            .to_string()
            .contains("replace `pytorch-cuda=X` with `cuda-version=X`"),
        "{c:#}"
    );
    // The step names what the file has: aqlaboratory/openfold takes `pytorch::pytorch` by
    // prefix and `cudatoolkit`, with no nvidia channel and no pytorch-cuda.
    sb.write(
        "project/environment.yml",
        "name: proj\nchannels:\n  - conda-forge\n  - pytorch\ndependencies:\n  - python=3.9\n  - cudatoolkit==11.3.*\n  - pytorch::pytorch=1.12.*\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let step = check(&r, "env.file")["fix"]["manual"].to_string();
    assert!(
        step.contains("take PyTorch from conda-forge: remove the `pytorch` channel, drop the `pytorch::` prefix (line 8), replace `cudatoolkit=X` with `cuda-version=X`"),
        "{step}"
    );
    assert!(
        !step.contains("nvidia") && !step.contains("pytorch-cuda"),
        "{step}"
    );
    // Another channel ahead of conda-forge is still its own finding.
    sb.write(
        "project/environment.yml",
        "name: proj\nchannels:\n  - pytorch\n  - bioconda\n  - conda-forge\ndependencies:\n  - python=3.12\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let text = check(&r, "env.file").to_string();
    assert!(
        text.contains("conda-forge is not the first channel (`pytorch` is)"),
        "{text}"
    );
    // Behind conda-forge, with nothing taken from it by name, it gives nothing: not judged.
    sb.write(
        "project/environment.yml",
        "name: proj\nchannels:\n  - conda-forge\n  - pytorch\ndependencies:\n  - python=3.12\n  - pytorch\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "ok", "{r:#}");
}

/// `geopandas>=0.9.*` (DahnJ/H3-Pandas): conda ignores the `.*` after a comparison and
/// deprecates it; `=0.9.*` and `0.9.*` are the series and fine.
#[test]
fn a_glob_after_a_comparison_is_deprecated() {
    let (sb, _root) = mm_sandbox(
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - geopandas>=0.9.*\n  - numpy=1.26.*\n  - pandas 2.2.*\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let locations = c["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1, "{c:#}");
    assert_eq!(locations[0]["line"], 5);
    assert_eq!(
        locations[0]["message"],
        "`geopandas>=0.9.*`: conda ignores the `.*` after a comparison and deprecates it; write `>=0.9`"
    );
}

/// An environment file only the Dockerfile names (george123ya/scRNAseq_Visualizer: `COPY
/// yml/shiny_app_env.yml /tmp/env.yml`, then `micromamba create -f /tmp/env.yml`) is found,
/// and says so; a YAML the image copies but creates nothing from is not an environment.
#[test]
fn a_file_the_dockerfile_copies_and_creates_from_is_the_environment_file() {
    let sb = Sandbox::new();
    fs::create_dir_all(sb.project.join("yml")).unwrap();
    fs::write(
        sb.project.join("yml/app_env.yml"),
        "name: app_env\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - r-base\n",
    )
    .unwrap();
    fs::write(sb.project.join("settings.yml"), "port: 3838\n").unwrap();
    let dockerfile = |run: &str| {
        format!("FROM mambaorg/micromamba:2.0.5\nCOPY settings.yml /app/\nCOPY yml/app_env.yml /tmp/env.yml\n{run}\n")
    };
    fs::write(
        sb.project.join("Dockerfile"),
        dockerfile("RUN micromamba create -y -n app_env -f /tmp/env.yml && micromamba clean -a -y"),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file", "env.exists"]);
    let c = check(&r, "env.file");
    assert_eq!(c["data"]["path"], "yml/app_env.yml", "{c:#}");
    assert!(
        c["details"].to_string().contains(
            "picked yml/app_env.yml: named by Dockerfile:3 (`COPY yml/app_env.yml /tmp/env.yml`)"
        ),
        "{c:#}"
    );
    assert!(check(&r, "env.exists")["summary"]
        .to_string()
        .contains("environment `app_env` does not exist"));
    fs::write(
        sb.project.join("Dockerfile"),
        dockerfile("RUN echo nothing made"),
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "skip", "{r:#}");
}

/// A project with only a requirements.txt whose run script activates an environment by name
/// (FernandoTN/MCP_Server's `conda activate mcp_server`): the proposal gives the environment
/// that name, so that the script still finds it after `devdoctor fix`.
#[test]
fn the_proposal_takes_the_name_a_run_script_activates() {
    let sb = Sandbox::new();
    fs::write(sb.project.join("requirements.txt"), "fastapi>=0.115\n").unwrap();
    fs::write(
        sb.project.join("run_server.sh"),
        "#!/bin/bash\nsource \"$HOME/miniconda3/etc/profile.d/conda.sh\"\nconda activate mcp_server\npython main.py\n",
    )
    .unwrap();
    let (r, _) = sb.json(&["env.file"]);
    let file = check(&r, "env.file");
    let content = file["fix"]["new_files"][0]["content"].as_str().unwrap();
    assert!(content.starts_with("name: mcp_server\n"), "{content}");
    assert!(
        file["fix"]["commands"]
            .to_string()
            .contains("\"-n\",\"mcp_server\""),
        "{file:#}"
    );
}

/// HelmholtzAI's odt mounts its environment file into the RUN that installs it (`RUN
/// --mount=source=backend/environment.yml,target=/tmp/env.yml micromamba install -f
/// /tmp/env.yml`), from the build context compose gives: that file is the project's.
#[test]
fn an_environment_file_a_run_bind_mounts_is_found() {
    let sb = Sandbox::new();
    sb.write(
        "project/backend/environment.yml",
        "name: odt\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n",
    );
    sb.write(
        "project/docker/server.Dockerfile",
        "FROM mambaorg/micromamba:2.0.5\nRUN --mount=source=backend/environment.yml,target=/tmp/env.yml \\\n    --mount=type=cache,target=/opt/conda/pkgs \\\n    micromamba install -y -n base -f /tmp/env.yml\n",
    );
    sb.write(
        "project/compose.yml",
        "services:\n  server:\n    build:\n      context: .\n      dockerfile: docker/server.Dockerfile\n",
    );
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    assert_eq!(c["status"], "ok", "{c:#}");
    assert!(
        c["details"]
            .to_string()
            .contains("picked backend/environment.yml: named by docker/server.Dockerfile:2"),
        "{c:#}"
    );
}

/// A pip entry that installs another folder of the same repository (klay-music/klay-beam's
/// `job_nac/environment/nac.dev.yml`: `-e '../../klay_beam[pytorch]'`, run in job_nac/) is in
/// every clone: neither "outside the project" nor a package to look up on conda-forge. Outside
/// any repository, the same path is outside the project.
#[test]
fn a_pip_path_into_the_same_repository_is_no_finding() {
    let sb = Sandbox::new();
    sb.write(
        "project/job/environment.yml",
        "name: job\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n    - -e '../lib[torch]'\n",
    );
    sb.write("project/lib/pyproject.toml", "[project]\nname = \"lib\"\n");
    let job = sb.project.join("job");
    let file = |sb: &Sandbox| {
        let (r, _) = sb.json(&["-C", job.to_str().unwrap(), "env.file"]);
        support::check(&r, "env.file").to_string()
    };
    let outside = file(&sb);
    assert!(outside.contains("outside the project"), "{outside}");
    fs::create_dir_all(sb.project.join(".git")).unwrap();
    let inside = file(&sb);
    assert!(!inside.contains("outside the project"), "{inside}");
    assert!(!inside.contains("../lib"), "{inside}");
}

/// A conda-lock source of extras (`category: dev`, CCRI-POPROX/poprox-recommender's
/// dev/environment.yml) named with `--env-file` is linted as what it is: no name, Python or
/// channels of its own are asked of it, and it has no lock of its own to judge.
#[test]
fn a_category_source_named_as_the_environment_file_is_an_overlay() {
    let sb = Sandbox::new();
    sb.write(
        "project/dev/environment.yml",
        "category: dev\ndependencies:\n  - dvc >=3.51,<4\n  - conda-lock >=2.5,<3\n",
    );
    let (r, _) = sb.json(&["--env-file", "dev/environment.yml", "env.file", "env.lock"]);
    let file = support::check(&r, "env.file");
    assert_eq!(file["status"], "ok", "{file:#}");
    assert!(
        file["details"]
            .to_string()
            .contains("a conda-lock source of the `dev` category"),
        "{file:#}"
    );
    let lock = support::check(&r, "env.lock");
    assert_eq!(lock["status"], "skip", "{lock:#}");
}

/// A pip entry that `dependencies:` lists too (stoyq/heart-disease-predictor's `ucimlrepo`,
/// or `torch` beside conda-forge's `pytorch`) is installed by conda already: the step drops
/// it, and the search example names an entry that is left.
#[test]
fn a_pip_entry_listed_under_dependencies_too_is_dropped() {
    let yml = "name: app\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip\n  - ucimlrepo\n  - pytorch\n  - pip:\n    - ucimlrepo\n    - torch\n    - rare-pkg\n";
    let (c, messages) = env_file_findings(yml);
    assert!(
        messages[0]
            .starts_with("pip: `ucimlrepo` is listed under `dependencies:` too (as `ucimlrepo`)"),
        "{messages:?}"
    );
    assert!(messages[1].contains("(as `pytorch`)"), "{messages:?}");
    assert!(
        messages[2].ends_with("is it really missing from conda-forge?"),
        "{messages:?}"
    );
    let manual = c["fix"]["manual"].to_string();
    assert!(
        manual.contains("drop the pip entries marked above"),
        "{manual}"
    );
    assert!(
        manual.contains("search -c conda-forge rare-pkg`"),
        "{manual}"
    );
}

/// conda runs the pip step from the environment file's folder: `--editable ./` in envs/
/// installs envs/, which holds no package, so the step fails (43ravens/NEMO_Nowcast), in a
/// git repository or not; `..` names the project and passes.
#[test]
fn a_local_pip_path_to_a_folder_without_a_package_warns() {
    let sb = Sandbox::new();
    sb.write(
        "project/pyproject.toml",
        "[project]\nname = \"mylib\"\nversion = \"0.1\"\n",
    );
    sb.write(
        "project/devdoctor.toml",
        "[env]\nfile = \"envs/environment.yml\"\n",
    );
    let env = |path: &str| {
        format!("name: mylib-dev\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n  - pip\n  - pip:\n    - --editable {path}\n")
    };
    sb.write("project/envs/environment.yml", &env("./"));
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file");
    let text = c["locations"].to_string();
    assert!(
        text.contains(
            "`--editable ./` installs envs/, which holds no pyproject.toml, setup.py or setup.cfg"
        ),
        "{c:#}"
    );
    assert!(!text.contains("really missing"), "{c:#}");
    sb.write("project/envs/environment.yml", &env(".."));
    let (r, _) = sb.json(&["env.file"]);
    assert_eq!(status(&r, "env.file"), "ok", "{r:#}");
}

/// env.file's result on `yml` in a sandbox with micromamba, and its findings' messages.
fn env_file_findings(yml: &str) -> (serde_json::Value, Vec<String>) {
    let (sb, _root) = mm_sandbox(yml);
    let (r, _) = sb.json(&["env.file"]);
    let c = check(&r, "env.file").clone();
    let messages = c["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap().to_string())
        .collect();
    (c, messages)
}
