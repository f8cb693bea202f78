//! `devdoctor fix` end to end, against stand-in package managers that record the argv they
//! receive: the exact commands in order, the modes that run nothing, failures, re-checks.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use std::path::PathBuf;
use support::Sandbox;

struct Fx {
    sb: Sandbox,
    root: PathBuf,
    log: PathBuf,
}

/// A micromamba 2.0.5 stand-in that records argv (and MAMBA_ALWAYS_YES) to `argv.log`.
fn fx(env_yml: &str) -> Fx {
    let mut sb = Sandbox::new();
    let root = root(&sb.home.join("micromamba"));
    let log = sb.root().join("argv.log");
    sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\necho \"$* [yes=${{MAMBA_ALWAYS_YES:-}}]\" >> '{}'",
            log.display()
        ),
    );
    sb.var("MAMBA_ROOT_PREFIX", &root);
    fs::write(sb.project.join("environment.yml"), env_yml).unwrap();
    Fx { sb, root, log }
}

fn logged(log: &PathBuf) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn yes_runs_the_exact_commands_in_phase_order() {
    let yml = format!("{ENV_YML}  - pip:\n    - truly-unavailable==1.0\n");
    let f = fx(&yml);
    let prefix = f.root.join("envs/proj");
    project_env(&prefix, &[("numpy", "1.25.0"), ("pip", "24.0")]);
    fs::remove_file(prefix.join("conda-meta/python-3.11.9-hab00c5b_0_cpython.json")).unwrap();
    let site = python(&prefix, "3.12.1");
    dist(&site, "requests", "2.32.3", Some("pip"), &[]);
    let out = f.sb.run(&["fix", "--yes", "env.*"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        logged(&f.log),
        [
            // CreateEnv: env.pip's rebuild removes the environment: refused without
            // --allow-destructive (and the create that would replace it with it).
            // UpdateEnv: env.python, then env.packages (check order).
            "install -y -n proj -c conda-forge python=3.11 [yes=true]",
            "env update -n proj -f environment.yml --prune [yes=true]",
            // Lock: conda-lock from conda-forge, run inside its own env.
            "create -y -n conda-lock -c conda-forge conda-lock [yes=true]",
            "run -n conda-lock conda-lock lock -f environment.yml -p linux-64 --md input_sha --micromamba [yes=true]",
        ],
        "{text}"
    );
    assert!(
        text.contains("refused (deletes the environment proj; pass --allow-destructive"),
        "{text}"
    );
    // The stand-in changed nothing, so the re-check shows the same problems.
    assert!(text.contains("Re-check:"), "{text}");
    assert!(text.contains("fail → fail"), "{text}");
    assert!(!text.contains("pip uninstall"), "{text}");
}

#[test]
fn allow_destructive_still_stops_where_a_person_must_act_first() {
    let yml = format!("{ENV_YML}  - pip:\n    - truly-unavailable==1.0\n");
    let f = fx(&yml);
    let prefix = f.root.join("envs/proj");
    project_env(&prefix, &[("numpy", "1.25.0"), ("pip", "24.0")]);
    let site = python(&prefix, "3.11.9");
    dist(&site, "requests", "2.32.3", Some("pip"), &[]);
    let out =
        f.sb.run(&["fix", "--yes", "--allow-destructive", "env.pip"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // env.pip asks a person to declare the packages first: nothing runs, not even the export.
    assert!(logged(&f.log).is_empty(), "{:?}\n{text}", logged(&f.log));
    assert!(text.contains("stopped at step 1 (env.pip)"), "{text}");
    assert!(
        text.contains("not run: micromamba env remove -y -n proj"),
        "{text}"
    );
}

#[test]
fn without_a_terminal_or_with_dry_run_nothing_runs() {
    let f = fx(ENV_YML);
    let out = f.sb.run(&["fix", "env.*"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("$ micromamba create -y -n proj -f environment.yml"),
        "{text}"
    );
    assert!(text.contains("--yes"), "{text}");
    let out = f.sb.run(&["fix", "--dry-run", "env.*"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(support::stdout(&out).contains("dry run: nothing was run."));
    assert!(logged(&f.log).is_empty(), "{:?}", logged(&f.log));
}

#[test]
fn script_is_posix_sh_and_quoted() {
    let f = fx(&ENV_YML.replace("name: proj", "name: \"it's$(here)\""));
    let out = f.sb.run(&["fix", "--script", "env.*"]);
    assert_eq!(out.status.code(), Some(0));
    let script = support::stdout(&out);
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("\nset -eu\n"));
    let line = script
        .lines()
        .find(|l| l.starts_with("micromamba create -y -n"))
        .unwrap_or_else(|| panic!("{script}"));
    assert_eq!(
        shlex::split(line).unwrap(),
        [
            "micromamba",
            "create",
            "-y",
            "-n",
            "it's$(here)",
            "-f",
            "environment.yml"
        ]
    );
    let path = f.sb.root().join("fix.sh");
    fs::write(&path, &script).unwrap();
    let check = std::process::Command::new("sh")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Running the script runs the same commands.
    let run = std::process::Command::new("sh")
        .arg(&path)
        .env("PATH", f.sb.path_var())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        logged(&f.log)[0],
        "create -y -n it's$(here) -f environment.yml [yes=true]"
    );
}

#[test]
fn a_failing_command_stops_the_run() {
    let f = fx(ENV_YML);
    f.sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\necho \"$*\" >> '{}'\necho 'critical libmamba Could not solve for environment specs' >&2\nexit 1",
            f.log.display()
        ),
    );
    let out = f.sb.run(&["fix", "--yes", "env.*"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(logged(&f.log), ["create -y -n proj -f environment.yml"]);
    assert!(text.contains("failed: exited with code 1"), "{text}");
    assert!(
        text.contains("Could not solve for environment specs"),
        "{text}"
    );
    assert!(
        text.contains("not run: micromamba create -y -n conda-lock"),
        "{text}"
    );
}

/// A stand-in micromamba whose `create` really creates the environment ENV_YML describes.
fn creating_micromamba(f: &Fx) {
    // This stand-in really creates the environment the file describes.
    let prefix = f.root.join("envs/proj");
    let meta = prefix.join("conda-meta");
    let rec = |n: &str, v: &str| {
        format!(
            "printf '{{\"name\": \"{n}\", \"version\": \"{v}\", \"build\": \"h_0\"}}' > '{}/{n}-{v}-h_0.json'",
            meta.display()
        )
    };
    f.sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\necho \"$*\" >> '{log}'\nif [ \"$1\" = create ]; then\n  mkdir -p '{meta}'\n  printf '==> 2025-06-01 12:00:00 <==\\n# cmd: micromamba %s\\n# conda version: 3.8.0\\n' \"$*\" > '{meta}/history'\n  {py}\n  {np}\n  {fa}\n  {pip}\nfi",
            log = f.log.display(),
            meta = meta.display(),
            py = rec("python", "3.11.9"),
            np = rec("numpy", "1.26.4"),
            fa = rec("fastapi", "0.110.0"),
            pip = rec("pip", "24.0"),
        ),
    );
}

#[test]
fn a_real_repair_passes_the_recheck_and_exits_zero() {
    let f = fx(ENV_YML);
    creating_micromamba(&f);
    let out =
        f.sb.run(&["fix", "--yes", "env.exists", "env.python", "env.packages"]);
    let text = support::stdout(&out);
    assert_eq!(
        logged(&f.log),
        ["create -y -n proj -f environment.yml"],
        "{text}"
    );
    assert!(text.contains("env.exists     fail → ok"), "{text}");
    assert_eq!(out.status.code(), Some(0), "{text}");
    // Nothing left to do now.
    let out =
        f.sb.run(&["fix", "--yes", "env.exists", "env.python", "env.packages"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(support::stdout(&out).contains("Nothing to fix"));
}

/// `fix --yes --json`: what ran, how it ended, and each re-checked check before and after.
#[test]
fn a_repair_as_json_says_what_ran_and_the_recheck() {
    let f = fx(ENV_YML);
    creating_micromamba(&f);
    let (v, code) =
        f.sb.json(&["fix", "--yes", "env.exists", "env.python", "env.packages"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["exit_code"], 0);
    assert_eq!(v["schema_version"], 1);
    let ran = v["ran"].as_array().unwrap();
    assert_eq!(ran.len(), 1, "{v}");
    assert_eq!(ran[0]["ok"], true);
    assert_eq!(ran[0]["argv"][1], "create");
    assert!(v["stopped"].is_null(), "{v}");
    assert_eq!(v["exported"], serde_json::json!([]));
    let exists = v["recheck"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "env.exists")
        .expect("env.exists re-checked");
    assert_eq!(
        (&exists["before"], &exists["after"]),
        (&"fail".into(), &"ok".into())
    );
    assert_eq!(v["steps"][0]["check"], "env.exists");
}

#[test]
fn commands_of_other_programs_are_shown_not_run() {
    let f = fx(ENV_YML);
    project_env(
        &f.root.join("envs/proj"),
        &[("numpy", "1.26.4"), ("fastapi", "0.1"), ("pip", "24.0")],
    );
    f.sb.write("project/marker", "x");
    f.sb.write(
        "project/.devdoctor/checks/team.toml",
        "[[check]]\nid = \"team.marker\"\ntitle = \"No marker file\"\ncategory = \"team\"\nseverity = \"fail\"\nprobe = { kind = \"file\", path = \"marker\", absent = true }\nmessage = \"a marker file is present\"\nfix = { why = \"Remove the marker.\", commands = [[\"rm\", \"marker\"]], phase = \"configure\" }\nexplain = \"Fails while a file named marker exists in the project; the fix removes it.\"\n",
    );
    let out = f.sb.run(&["fix", "--yes", "team.*"]);
    let text = support::stdout(&out);
    assert!(text.contains("manual: rm marker"), "{text}");
    assert!(f.sb.project.join("marker").exists(), "{text}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "nothing allowlisted to run, and the failure remains: {text}"
    );
}

#[test]
fn json_plan_for_machines() {
    let f = fx(ENV_YML);
    let out = f.sb.run(&["--json", "fix", "--dry-run", "env.*"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["steps"][0]["check"], "env.exists");
    assert_eq!(v["steps"][0]["phase"], "create_env");
    assert_eq!(
        v["steps"][0]["commands"][0],
        serde_json::json!([
            "micromamba",
            "create",
            "-y",
            "-n",
            "proj",
            "-f",
            "environment.yml"
        ])
    );
    assert_eq!(v["exit_code"], 0);
}

#[test]
fn on_a_terminal_it_asks_and_defaults_to_no() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        support::skipped("script(1) from util-linux is not installed, so no terminal can be faked");
        return;
    }
    let f = fx(ENV_YML);
    let run = |answer: &str| {
        let mut c = Command::new("script");
        c.args([
            "-qec",
            &format!("{} fix env.exists", env!("CARGO_BIN_EXE_devdoctor")),
            "/dev/null",
        ])
        .env_clear()
        .env("HOME", &f.sb.home)
        .env("PATH", f.sb.path_var())
        .env("TERM", "dumb")
        .env("NO_COLOR", "1")
        .current_dir(&f.sb.project)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        for (k, v) in &f.sb.vars {
            c.env(k, v);
        }
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(answer.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Enter alone means no.
    let (code, text) = run("\n");
    assert!(text.contains("Run this command? [y/N]"), "{text}");
    assert!(text.contains("Nothing was run."), "{text}");
    assert_eq!(code, Some(1), "{text}");
    assert!(logged(&f.log).is_empty());
    let (_, text) = run("y\n");
    assert_eq!(
        logged(&f.log),
        ["create -y -n proj -f environment.yml [yes=true]"],
        "{text}"
    );
}

/// A plan of manual steps only: `fix --yes` runs nothing, says so after the plan, and exits 1
/// (the project is not repaired); `--dry-run` says the same and exits 0.
#[test]
fn a_plan_with_only_manual_steps_says_there_is_nothing_to_run() {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("environment.yml"),
        "name: x\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - \"numpy >>= 1\"\n",
    )
    .unwrap();
    let out = sb.run(&["fix", "--yes", "env.file", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("manual: fix the dependency specs"), "{text}");
    assert!(
        text.trim_end().ends_with(
            "Nothing to run: each step above is for you to do. Run `devdoctor` again once they are done."
        ),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1), "{text}");
    let out = sb.run(&["fix", "--dry-run", "env.file", "--color", "never"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to run"));
    assert_eq!(out.status.code(), Some(0));
}

/// A project with only a requirements.txt: `fix --yes` writes the proposed environment.yml
/// (the README's environment name and Python), then creates the environment from it; it
/// never replaces a file that is there, and `--script` writes it with a here-document that
/// stops where one is.
#[test]
fn the_proposed_environment_file_is_written_then_created_from() {
    let f = fx("");
    fs::remove_file(f.sb.project.join("environment.yml")).unwrap();
    fs::write(f.sb.project.join("requirements.txt"), "requests==2.31.0\n").unwrap();
    fs::write(
        f.sb.project.join("README.md"),
        "```sh\nconda create -n demo python=3.11 -y\npip install -r requirements.txt\n```\n",
    )
    .unwrap();
    let script = support::stdout(&f.sb.run(&["fix", "--script", "env.file"]));
    assert!(
        script.contains("if [ -e environment.yml ] || [ -L environment.yml ]; then printf")
            && script.contains("cat > environment.yml <<'DEVDOCTOR_END_OF_FILE'\nname: demo\n"),
        "{script}"
    );
    assert!(logged(&f.log).is_empty());

    let out = f.sb.run(&["fix", "--yes", "env.file", "--color", "never"]);
    let text = support::stdout(&out);
    assert!(text.contains("$ write environment.yml"), "{text}");
    let written = fs::read_to_string(f.sb.project.join("environment.yml")).unwrap();
    assert!(
        written.starts_with("name: demo\nchannels:\n  - conda-forge\n"),
        "{written}"
    );
    assert!(written.contains("  - python=3.11"), "{written}");
    assert!(written.contains("  - requests==2.31.0\n"), "{written}");
    assert_eq!(
        logged(&f.log),
        ["create -y -n demo -f environment.yml [yes=true]"],
        "{text}"
    );

    // The script written before stops at its test now that the file is there.
    let path = f.sb.root().join("fix.sh");
    fs::write(&path, &script).unwrap();
    let ran = std::process::Command::new("sh")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(1), "{}", support::stderr(&ran));
    assert!(support::stderr(&ran).contains("environment.yml is there already; not replaced"));
    assert_eq!(
        fs::read_to_string(f.sb.project.join("environment.yml")).unwrap(),
        written
    );
    assert_eq!(logged(&f.log).len(), 1, "the script ran nothing");

    // Once it is there, env.file judges the file: nothing is proposed, nothing written.
    let plan = support::stdout(
        &f.sb
            .run(&["fix", "--dry-run", "env.file", "--color", "never"]),
    );
    assert!(!plan.contains("write environment.yml"), "{plan}");
}

/// The proposal holds what pip would install: the packages of an included file (`-r
/// requirements/base.txt`), and a hashed requirement continued over lines as one spec without
/// its hashes. An include outside the project is not read until the user trusts it.
#[test]
fn the_proposal_reads_includes_and_hashed_lines() {
    let mut f = fx("");
    f.sb.var("DEVDOCTOR_TRUST", "0");
    fs::remove_file(f.sb.project.join("environment.yml")).unwrap();
    fs::create_dir_all(f.sb.project.join("requirements")).unwrap();
    fs::write(
        f.sb.project.join("requirements.txt"),
        "-r requirements/base.txt\n-r ../outside.txt\nmcp==1.26.0 \\\n    --hash=sha256:0123\n",
    )
    .unwrap();
    fs::write(
        f.sb.project.join("requirements/base.txt"),
        "numpy>=1.26  # arrays\n",
    )
    .unwrap();
    fs::write(f.sb.root().join("outside.txt"), "leaked-package\n").unwrap();
    let script = support::stdout(&f.sb.run(&["fix", "--script", "env.file"]));
    assert!(script.contains("\n  - numpy>=1.26\n"), "{script}");
    assert!(script.contains("\n  - mcp==1.26.0\n"), "{script}");
    assert!(!script.contains("hash"), "{script}");
    assert!(!script.contains("leaked-package"), "{script}");
}
