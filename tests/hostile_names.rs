//! Hostile names and paths, end to end through the real binary: environment names full of shell
//! syntax (from environment.yml and from `--env`), a project directory with a newline, quotes and
//! spaces, and non-UTF-8 bytes. They are never executed by a shell, they are printed quoted,
//! `devdoctor fix --script` stays valid `sh -n` (and, run for real, passes each name as one
//! word), and `fix --yes` hands the package manager exactly the intended argv.
//!
//! Also: `fix --yes` refuses programs outside its allowlist (a pack fix calling `rm` or `bash`
//! is shown as manual, never run), and nothing runs without `--yes` when stdin is not a TTY.

mod support;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::Sandbox;

/// Names that would do something if a shell saw them and that conda also accepts (no space,
/// `/`, `:` or `#`): `fix` passes them through as one argument.
const HOSTILE_VALID: &[&str] = &[
    "$(touch${IFS}PWNED)",
    "`touch${IFS}PWNED`",
    "a'b\"c;d&&e|f",
    "x;rm${IFS}-rf${IFS}~",
];

/// Names that would do something if any part of devdoctor (or its script) let a shell see
/// them, and that break conda's naming rules: `fix` refuses the command (never runs or
/// scripts it), the report still prints it quoted.
const HOSTILE: &[&str] = &[
    "x; rm -rf ~",
    "$(touch PWNED)",
    "`touch PWNED`",
    "a'b\"c d",
    "new\nline; touch PWNED",
    "${HOME:?}&&touch PWNED|",
];

/// A sandbox whose `micromamba` (2.0.5) records every call: argv NUL-separated in
/// `calls/N.argv` and the working directory in `calls/N.pwd`.
fn recording_sandbox() -> (Sandbox, PathBuf) {
    let mut sb = Sandbox::new();
    let calls = sb.root().join("calls");
    fs::create_dir_all(&calls).unwrap();
    sb.stand_in(
        "micromamba",
        &format!(
            r#"if [ "$1" = "--version" ]; then echo 2.0.5; exit 0; fi
if [ "$1" = "env" ] && [ "$2" = "list" ]; then echo '{{"envs": []}}'; exit 0; fi
n=$(ls '{calls}' | grep -c '\.argv$')
printf '%s\0' "$@" > '{calls}'/$n.argv
pwd > '{calls}'/$n.pwd"#,
            calls = calls.display()
        ),
    );
    let root = sb.home.join("micromamba");
    fs::create_dir_all(root.join("envs")).unwrap();
    fs::create_dir_all(root.join("conda-meta")).unwrap();
    fs::write(root.join("conda-meta/history"), "").unwrap();
    sb.var("MAMBA_ROOT_PREFIX", &root);
    (sb, calls)
}

/// The recorded calls, in order: (argv, working directory).
fn calls(dir: &Path) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    for n in 0.. {
        let Ok(bytes) = fs::read(dir.join(format!("{n}.argv"))) else {
            break;
        };
        let argv = bytes
            .split(|&b| b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect::<Vec<_>>();
        // printf '%s\0' ends every argument with NUL, so the last split piece is empty.
        let argv = argv[..argv.len() - 1].to_vec();
        let pwd = fs::read_to_string(dir.join(format!("{n}.pwd"))).unwrap_or_default();
        out.push((argv, pwd.trim_end_matches('\n').to_string()));
    }
    out
}

fn yaml_quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn write_env_yml(dir: &Path, name: &str) {
    fs::write(
        dir.join("environment.yml"),
        format!(
            "name: {}\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n",
            yaml_quoted(name)
        ),
    )
    .unwrap();
}

/// No PWNED marker anywhere a hijacked shell could have written it, and HOME is intact.
fn assert_nothing_executed(sb: &Sandbox, extra: &[&Path]) {
    assert!(sb.home.is_dir(), "HOME was removed");
    for dir in [sb.root(), &sb.project, &sb.home, &sb.bin]
        .into_iter()
        .chain(extra.iter().copied())
    {
        assert!(
            !dir.join("PWNED").exists(),
            "a name was executed: {}",
            dir.join("PWNED").display()
        );
    }
}

fn sh_n(script: &str, dir: &Path) {
    let path = dir.join("check-fix.sh");
    fs::write(&path, script).unwrap();
    let out = Command::new("/bin/sh")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sh -n rejects the script: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a `fix --script` script for real with `sh`, with the recording micromamba on PATH.
fn run_script(sb: &Sandbox, script: &str) {
    let path = sb.root().join("run-fix.sh");
    fs::write(&path, script).unwrap();
    // /bin/sh by path: with PATH changed, Command would look `sh` up in the sandbox's bin.
    let out = Command::new("/bin/sh")
        .arg(&path)
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", sb.path_var())
        .current_dir(sb.root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the script failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn create_argv(name: &str) -> Vec<String> {
    ["create", "-y", "-n", name, "-f", "environment.yml"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[test]
fn hostile_env_names_from_environment_yml_are_quoted_and_passed_as_one_argument() {
    for name in HOSTILE_VALID {
        let (sb, calls_dir) = recording_sandbox();
        write_env_yml(&sb.project, name);
        report_prints_it_quoted(&sb, name);

        // --script: valid sh, and running it passes the name as one word.
        let out = sb.run(&["fix", "--script", "env.exists"]);
        assert_eq!(out.status.code(), Some(0));
        let script = support::stdout(&out);
        sh_n(&script, sb.root());
        run_script(&sb, &script);
        let recorded = calls(&calls_dir);
        assert_eq!(recorded.len(), 1, "{name:?}: {recorded:?}");
        assert_eq!(
            recorded[0].0,
            create_argv(name),
            "{name:?}: the script split or mangled the name"
        );
        assert_eq!(
            Path::new(&recorded[0].1),
            sb.project,
            "{name:?}: the script ran elsewhere"
        );

        // --yes: exactly the intended argv, in the project dir, with no shell in between.
        let out = sb.run(&["fix", "--yes", "env.exists"]);
        let text = support::stdout(&out);
        let recorded = calls(&calls_dir);
        assert_eq!(recorded.len(), 2, "{name:?}: {text}");
        assert_eq!(recorded[1].0, create_argv(name), "{name:?}: {text}");
        assert_eq!(Path::new(&recorded[1].1), sb.project);
        assert_nothing_executed(&sb, &[]);
    }
}

/// Human report: the fix is printed shell-quoted; JSON: the name is one argv element.
fn report_prints_it_quoted(sb: &Sandbox, name: &str) {
    // The full listing (-v) prints each fix command.
    let out = sb.run(&["-v", "--color", "never", "env.exists"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{name:?}: {text}");
    let quoted = devdoctor::fix::quote_argv(&create_argv(name));
    assert!(
        text.contains(&format!("$ micromamba {quoted}")),
        "{name:?}: the command is not printed quoted:\n{text}"
    );
    let (report, _) = sb.json(&["env.exists"]);
    let cmds = &support::check(&report, "env.exists")["fix"]["commands"];
    let want = serde_json::json!([[
        "micromamba",
        "create",
        "-y",
        "-n",
        name,
        "-f",
        "environment.yml"
    ]]);
    assert_eq!(cmds, &want, "{name:?}");
}

#[test]
fn env_names_conda_refuses_are_never_run_or_scripted() {
    for name in HOSTILE {
        let (sb, calls_dir) = recording_sandbox();
        write_env_yml(&sb.project, name);
        // env.file fails on the name itself; env.exists points at it and plans nothing.
        let (report, code) = sb.json(&["env.file", "env.exists"]);
        assert_eq!(code, 1, "{name:?}: {report:#}");
        let file = support::check(&report, "env.file");
        assert_eq!(file["status"], "fail", "{name:?}: {file:#}");
        assert!(
            file["locations"].to_string().contains("invalid-name"),
            "{name:?}: {file:#}"
        );
        let exists = support::check(&report, "env.exists");
        assert_eq!(exists["status"], "unknown", "{name:?}: {exists:#}");
        assert!(exists["summary"]
            .as_str()
            .unwrap()
            .ends_with("(see env.file)"));
        assert!(exists["fix"].is_null(), "{name:?}: {exists:#}");
        let out = sb.run(&["fix", "--script", "env.file", "env.exists"]);
        assert_eq!(out.status.code(), Some(0));
        let script = support::stdout(&out);
        assert!(
            !script.lines().any(|l| l.starts_with("micromamba")),
            "{name:?}: {script}"
        );
        sh_n(&script, sb.root());
        run_script(&sb, &script);
        let out = sb.run(&["fix", "--yes", "env.file", "env.exists"]);
        let text = support::stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(calls(&calls_dir).is_empty(), "{name:?}: {text}");
        assert_nothing_executed(&sb, &[]);
        // The same name given with --env (or [env] name) is a usage error: exit 2, no run.
        let out = sb.run(&["--env", name, "env.exists"]);
        assert_eq!(out.status.code(), Some(2), "{name:?}");
        assert!(support::stderr(&out).contains("is not a valid environment name"));
        sb.write(
            "project/devdoctor.toml",
            &format!("[env]\nname = {name:?}\n"),
        );
        let out = sb.run(&["env.exists"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name:?}: {}",
            support::stderr(&out)
        );
        assert!(calls(&calls_dir).is_empty());
    }
}

#[test]
fn hostile_env_name_from_the_env_flag() {
    let (sb, calls_dir) = recording_sandbox();
    write_env_yml(&sb.project, "proj");
    let name = "x;rm${IFS}-rf${IFS}~";
    let out = sb.run(&["--env", name, "-v", "--color", "never", "env.exists"]);
    let text = support::stdout(&out);
    assert!(
        text.contains("$ micromamba create -y -n 'x;rm${IFS}-rf${IFS}~' -f environment.yml"),
        "{text}"
    );
    let out = sb.run(&["--env", name, "fix", "--yes", "env.exists"]);
    let recorded = calls(&calls_dir);
    assert_eq!(recorded.len(), 1, "{}", support::stdout(&out));
    assert_eq!(recorded[0].0, create_argv(name));
    let out = sb.run(&["--env", name, "fix", "--script", "env.exists"]);
    sh_n(&support::stdout(&out), sb.root());
    assert_nothing_executed(&sb, &[]);

    // A non-UTF-8 --env is a usage error (exit 2) with a message, not a panic.
    let out = sb
        .cmd()
        .arg("--env")
        .arg(OsStr::from_bytes(b"bad\xff\xfename"))
        .arg("env.exists")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", support::stderr(&out));
    assert!(
        support::stderr(&out).contains("UTF-8"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn project_dir_with_newline_quotes_and_spaces() {
    let (sb, calls_dir) = recording_sandbox();
    let dir = sb.root().join("pro\nject 'it''s' $(touch PWNED) ;");
    fs::create_dir_all(&dir).unwrap();
    write_env_yml(&dir, "proj");
    let dir_arg = dir.to_str().unwrap();

    let out = sb.run(&["-C", dir_arg, "--color", "never", "env.exists", "env.file"]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("panicked"), "{text}");

    // The script cds into the odd directory (one quoted word) and runs the command there.
    let out = sb.run(&["-C", dir_arg, "fix", "--script", "env.exists"]);
    assert_eq!(out.status.code(), Some(0));
    let script = support::stdout(&out);
    sh_n(&script, sb.root());
    run_script(&sb, &script);
    // With -C the file is named by its absolute path: the newline is inside one argument.
    let want: Vec<String> = ["create", "-y", "-n", "proj", "-f"]
        .iter()
        .map(|s| s.to_string())
        .chain([dir.join("environment.yml").to_str().unwrap().to_string()])
        .collect();
    let recorded = calls(&calls_dir);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].0, want);
    assert_eq!(
        Path::new(&recorded[0].1),
        dir,
        "the script ran in the wrong directory"
    );

    // --yes runs it there too, as argv.
    let out = sb.run(&["-C", dir_arg, "fix", "--yes", "env.exists"]);
    let recorded = calls(&calls_dir);
    assert_eq!(recorded.len(), 2, "{}", support::stdout(&out));
    assert_eq!(recorded[1].0, want);
    assert_eq!(Path::new(&recorded[1].1), dir);
    assert_nothing_executed(&sb, &[&dir]);
}

#[test]
fn project_dir_with_non_utf8_bytes() {
    let (sb, calls_dir) = recording_sandbox();
    let dir = sb.root().join(OsStr::from_bytes(b"bad\xff\xfedir"));
    fs::create_dir_all(&dir).unwrap();
    write_env_yml(&dir, "proj");
    for format in [
        "human",
        "json",
        "junit",
        "sarif",
        "tap",
        "prometheus",
        "nagios",
    ] {
        let out = sb
            .cmd()
            .arg("-C")
            .arg(&dir)
            .args(["--format", format, "env.exists", "env.file"])
            .output()
            .unwrap();
        let code = out.status.code();
        // Nagios has its own codes (2 = CRITICAL for a failure); the rest use 0/1/3.
        let allowed = if format == "nagios" { 0..=3 } else { 0..=1 };
        assert!(
            code.is_some_and(|c| allowed.contains(&c) || c == 3),
            "{format}: exit {code:?}: {}",
            support::stderr(&out)
        );
        assert!(!support::stderr(&out).contains("panicked"), "{format}");
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", support::stdout(&out)));
            assert_eq!(support::status(&v, "env.exists"), "fail");
        }
    }
    // The script is still valid sh; `fix --yes` passes the path to the child unchanged.
    let out = sb
        .cmd()
        .arg("-C")
        .arg(&dir)
        .args(["fix", "--script", "env.exists"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    sh_n(&support::stdout(&out), sb.root());
    let out = sb
        .cmd()
        .arg("-C")
        .arg(&dir)
        .args(["fix", "--yes", "env.exists"])
        .output()
        .unwrap();
    let recorded = calls(&calls_dir);
    assert_eq!(recorded.len(), 1, "{}", support::stdout(&out));
    let env_file = dir.join("environment.yml");
    assert_eq!(
        recorded[0].0[..5],
        create_argv("proj")[..5],
        "{}",
        support::stdout(&out)
    );
    // Known limitation (reported): fix commands are UTF-8 strings, so `-f` carries the path
    // with U+FFFD in place of the bad bytes; the child gets a path that does not exist (and
    // fails on it) rather than another file. It is still one argument.
    assert_eq!(recorded[0].0.len(), 6);
    assert_eq!(
        recorded[0].0[5],
        env_file.to_string_lossy(),
        "the -f argument changed in another way"
    );
    let pwd = fs::read(calls_dir.join("0.pwd")).unwrap();
    assert_eq!(&pwd[..pwd.len() - 1], dir.as_os_str().as_bytes());
}

// --- The allowlist and the TTY rule ------------------------------------------------------------

/// A project pack whose checks always fail and whose fixes call programs outside the allowlist
/// (each stand-in would create a marker if it ran), plus one allowlisted fix.
fn pack_with_disallowed_fixes(sb: &Sandbox) -> PathBuf {
    let marker = sb.root().join("MARKER");
    for prog in ["rm", "bash", "sh", "curl", "sudo", "python3", "env"] {
        sb.stand_in(prog, &format!("echo {prog} >> '{}'", marker.display()));
    }
    fs::create_dir_all(sb.project.join(".devdoctor/checks")).unwrap();
    fs::write(
        sb.project.join(".devdoctor/checks/evil.toml"),
        r#"
[[check]]
id = "evil.rm"
title = "always fails"
category = "evil"
severity = "fail"
probe = { kind = "file", path = "does-not-exist", exists = true }
fix = { why = "clean up", commands = [["rm", "-rf", "~"], ["bash", "-c", "touch MARKER"], ["sh", "-c", "id"], ["sudo", "micromamba", "install", "x"], ["env", "micromamba", "install", "x"], ["micromamba-evil", "x"]] }
explain = "A hostile pack."

[[check]]
id = "evil.python"
title = "always fails too"
category = "evil"
severity = "fail"
probe = { kind = "file", path = "does-not-exist-either", exists = true }
fix = { why = "no", commands = [["python3", "-c", "open('MARKER','w')"], ["curl", "-o", "x", "http://127.0.0.1:1/"]] }
explain = "Another hostile pack."
"#,
    )
    .unwrap();
    marker
}

#[test]
fn fix_yes_never_runs_programs_outside_the_allowlist() {
    let (sb, calls_dir) = recording_sandbox();
    let marker = pack_with_disallowed_fixes(&sb);
    let out = sb.run(&["fix", "--yes", "evil.*"]);
    let text = support::stdout(&out);
    assert!(
        !marker.exists(),
        "a disallowed program ran: {}\n{text}",
        fs::read_to_string(&marker).unwrap_or_default()
    );
    assert!(!sb.project.join("MARKER").exists());
    assert!(
        calls(&calls_dir).is_empty(),
        "nothing allowlisted was planned: {:?}",
        calls(&calls_dir)
    );
    assert!(
        text.contains("manual: rm -rf '~'"),
        "shown as manual: {text}"
    );
    assert!(text.contains("manual: bash -c 'touch MARKER'"), "{text}");
    assert!(
        !text.contains("Re-check:"),
        "nothing ran, so nothing is re-checked: {text}"
    );

    // The JSON plan says the same: no runnable command, all manual.
    let (plan, _) = sb.json(&["fix", "--yes", "evil.*"]);
    assert!(!marker.exists());
    for step in plan["steps"].as_array().unwrap() {
        assert_eq!(step["commands"], serde_json::json!([]), "{step:#}");
        assert!(!step["manual_commands"].as_array().unwrap().is_empty());
    }
    assert_eq!(plan["ran"], serde_json::json!([]));
    // The --script form keeps them as comments only.
    let out = sb.run(&["fix", "--script", "evil.*"]);
    let script = support::stdout(&out);
    for line in script.lines() {
        assert!(
            line.starts_with('#')
                || line.is_empty()
                || line.starts_with("set ")
                || line.starts_with("cd ")
                || line.contains("ALWAYS_YES"),
            "a disallowed command is live in the script: {line}"
        );
    }
    sh_n(&script, sb.root());
    run_script(&sb, &script);
    assert!(!marker.exists(), "the script ran a disallowed program");
}

#[test]
fn nothing_runs_without_yes_when_stdin_is_not_a_tty() {
    let (sb, calls_dir) = recording_sandbox();
    write_env_yml(&sb.project, "x;rm${IFS}-rf${IFS}~");
    // stdin from /dev/null, a pipe with "y" in it, and a closed stdin: none is a terminal.
    let out = sb
        .cmd()
        .args(["fix", "env.exists"])
        .write_stdin("y\nyes\n")
        .output()
        .unwrap();
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("no terminal to confirm on"), "{text}");
    let out = sb
        .cmd()
        .args(["fix", "env.exists"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let (plan, code) = sb.json(&["fix", "env.exists"]);
    assert_eq!(code, 1);
    assert_eq!(plan["ran"], serde_json::json!([]));
    assert!(
        calls(&calls_dir).is_empty(),
        "ran without --yes: {:?}",
        calls(&calls_dir)
    );
    // --yes is what makes it run.
    sb.run(&["fix", "--yes", "env.exists"]);
    assert_eq!(calls(&calls_dir).len(), 1);
    assert_nothing_executed(&sb, &[]);
}

/// A project pack ships with the repository, so `fix --yes` must not run a repository file
/// named like an allowlisted tool (`./micromamba`, `{project}/tools/conda`), nor anything
/// through an allowlisted tool (`micromamba run -n base sh -c …`). Each case would leave a trace.
#[test]
fn fix_yes_never_runs_a_repository_file_named_like_an_allowlisted_tool() {
    let (sb, calls_dir) = recording_sandbox();
    let marker = sb.root().join("MARKER");
    let evil = format!("#!/bin/sh\necho ran >> '{}'\n", marker.display());
    for rel in ["micromamba", "tools/conda"] {
        let p = sb.project.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &evil).unwrap();
        fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    }
    fs::create_dir_all(sb.project.join(".devdoctor/checks")).unwrap();
    fs::write(
        sb.project.join(".devdoctor/checks/evil.toml"),
        r#"
[[check]]
id = "evil.path"
title = "always fails"
category = "evil"
severity = "fail"
probe = { kind = "file", path = "does-not-exist", exists = true }
fix = { why = "x", commands = [["./micromamba", "install", "x"], ["{project}/tools/conda", "install", "x"], ["micromamba", "run", "-n", "base", "sh", "-c", "id"]] }
explain = "A hostile pack."
"#,
    )
    .unwrap();
    let out = sb.run(&["fix", "--yes", "evil.*"]);
    assert!(
        !marker.exists(),
        "fix --yes ran a file shipped in the repository: {}",
        support::stdout(&out)
    );
    assert!(calls(&calls_dir).is_empty());
}
