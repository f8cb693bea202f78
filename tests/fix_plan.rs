//! The fix plan on every surface, end to end with the real binary: the JSON report's `plan`
//! equals `fix --dry-run --json`, `list`/`fix` honour --format/--output/--strict, `fix --yes`
//! removes an environment only with --allow-destructive and exports it first, and the script
//! installs micromamba first on a machine without a package manager.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use std::path::PathBuf;
use support::Sandbox;

/// A micromamba 2.0.5 stand-in that logs argv to `argv.log` and prints a spec for
/// `env export`.
fn fx(env_yml: &str) -> (Sandbox, PathBuf) {
    let mut sb = Sandbox::new();
    let root = root(&sb.home.join("micromamba"));
    let log = sb.root().join("argv.log");
    sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\necho \"$*\" >> '{}'\nif [ \"$1 $2\" = \"env export\" ]; then echo \"name: $4\"; echo 'dependencies: [python=3.11]'; fi",
            log.display()
        ),
    );
    sb.var("MAMBA_ROOT_PREFIX", &root);
    let state = sb.root().join("state");
    sb.var("XDG_STATE_HOME", &state);
    fs::write(sb.project.join("environment.yml"), env_yml).unwrap();
    (sb, log)
}

fn logged(log: &PathBuf) -> Vec<String> {
    fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn json_report_plan_equals_fix_dry_run_json() {
    let (sb, log) = fx(ENV_YML);
    let (report, _) = sb.json(&["env.*"]);
    let (fix, code) = sb.json(&["fix", "--dry-run", "env.*"]);
    assert_eq!(code, 0);
    let plan = report["plan"].as_array().expect("plan array");
    assert!(!plan.is_empty(), "{report}");
    assert_eq!(report["plan"], fix["steps"]);
    assert_eq!(fix["schema_version"], 1);
    assert!(logged(&log).is_empty());
}

/// A project pack whose fix replaces the environment `proj`.
fn rebuild_pack(sb: &Sandbox) {
    sb.write(
        "project/.devdoctor/checks/rebuild.toml",
        r#"
[[check]]
id = "acme.rebuild"
title = "proj is rebuilt"
category = "acme"
severity = "fail"
probe = { kind = "file", path = ["marker.txt"], contains = "rebuilt" }
fix = { why = "Rebuild proj from its file.", commands = [["{mamba}", "env", "remove", "-y", "-n", "proj"], ["{mamba}", "create", "-y", "-n", "proj", "-f", "environment.yml"]], phase = "create_env" }
explain = "Test pack: a fix that removes an environment."
"#,
    );
    sb.write("project/marker.txt", "old\n");
}

#[test]
fn yes_never_removes_without_allow_destructive_and_exports_first_with_it() {
    let (sb, log) = fx(ENV_YML);
    rebuild_pack(&sb);
    let out = sb.run(&["fix", "--yes", "acme.rebuild"]);
    let text = support::stdout(&out);
    assert!(
        !logged(&log).iter().any(|l| l.contains("remove")),
        "{:?}",
        logged(&log)
    );
    assert!(logged(&log).is_empty(), "{:?}", logged(&log));
    assert!(text.contains("pass --allow-destructive"), "{text}");
    assert_eq!(out.status.code(), Some(1), "{text}");
    // The script agrees: neither command is in it.
    let script = support::stdout(&sb.run(&["fix", "--script", "acme.rebuild"]));
    assert!(
        !script.lines().any(|l| l.starts_with("micromamba")),
        "{script}"
    );

    let out = sb.run(&["fix", "--yes", "--allow-destructive", "acme.rebuild"]);
    let text = support::stdout(&out);
    assert_eq!(
        logged(&log),
        [
            "env export -n proj",
            "env remove -y -n proj",
            "create -y -n proj -f environment.yml"
        ],
        "{text}"
    );
    let dir = sb.root().join("state/devdoctor");
    let saved: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let name = saved[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("proj-") && name.ends_with(".yml"),
        "{name}"
    );
    assert_eq!(
        fs::read_to_string(&saved[0]).unwrap(),
        "name: proj\ndependencies: [python=3.11]\n"
    );
    assert!(text.contains(&saved[0].display().to_string()), "{text}");
}

#[test]
fn list_and_fix_honour_format_and_output() {
    let (sb, _) = fx(ENV_YML);
    for args in [
        &["list", "--format", "sarif"][..],
        &["fix", "--dry-run", "--format", "junit"],
        &["fix", "--script", "--json"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(support::stderr(&out).contains("hint:"), "{args:?}");
    }
    let file = sb.root().join("list.json");
    let out = sb.run(&["list", "--json", "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert!(v["checks"].as_array().unwrap().len() > 10);

    let file = sb.root().join("plan.txt");
    let out = sb.run(&[
        "fix",
        "--dry-run",
        "--output",
        file.to_str().unwrap(),
        "env.*",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("micromamba create -y -n proj -f environment.yml"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was run."), "{text}");
}

#[test]
fn fix_honours_strict() {
    let yml = format!("{ENV_YML}  - pip:\n    - truly-unavailable==1.0\n");
    let (sb, _) = fx(&yml);
    // env.file only warns and has nothing to run.
    let out = sb.run(&["fix", "env.file"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stdout(&out));
    let out = sb.run(&["fix", "--strict", "env.file"]);
    assert_eq!(out.status.code(), Some(1), "{}", support::stdout(&out));
}

/// `fix --script` on a machine without a package manager, run under `sh` with only a fake
/// `curl` on PATH: the stand-in installer creates a stand-in micromamba, and the script runs
/// to its last command with that binary by absolute path.
#[test]
fn script_bootstraps_micromamba_and_runs_to_the_end() {
    let sb = Sandbox::new();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    let out = sb.run(&["fix", "--script", "env.*", "mamba.*"]);
    let script = support::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{script}");
    assert!(script.contains("micro.mamba.pm/install.sh"), "{script}");
    let last = script
        .lines()
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap()
        .to_string();
    assert!(last.starts_with("\"$DEVDOCTOR_MAMBA\" "), "{script}");

    let log = sb.root().join("mm.log");
    let installer = sb.write(
        "installer.sh",
        &format!(
            r#"/bin/mkdir -p "$BIN_FOLDER"
printf '%s\n' '#!/bin/sh' 'echo "$* [root=$MAMBA_ROOT_PREFIX]" >> "{log}"' > "$BIN_FOLDER/micromamba"
/bin/chmod +x "$BIN_FOLDER/micromamba"
if [ -t 0 ]; then tty=yes; else tty=no; fi
echo "installer bin=$BIN_FOLDER init=$INIT_YES prefix=$PREFIX_LOCATION tty=$tty" >> "{log}"
"#,
            log = log.display()
        ),
    );
    let fakebin = sb.root().join("fakebin");
    fs::create_dir_all(&fakebin).unwrap();
    let curl = fakebin.join("curl");
    fs::write(
        &curl,
        format!(
            "#!/bin/sh\necho \"curl $*\" >> '{}'\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done < '{}'\n",
            log.display(),
            installer.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&curl, fs::Permissions::from_mode(0o755)).unwrap();
    let path = sb.root().join("fix.sh");
    fs::write(&path, &script).unwrap();
    let run = std::process::Command::new("/bin/sh")
        .arg(&path)
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", &fakebin)
        .output()
        .unwrap();
    let lines = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        run.status.success(),
        "{}\n{lines}\n{script}",
        String::from_utf8_lossy(&run.stderr)
    );
    let home = sb.home.display();
    let mut it = lines.lines();
    assert_eq!(
        it.next(),
        Some("curl -fsSL https://micro.mamba.pm/install.sh")
    );
    assert_eq!(
        it.next().unwrap(),
        format!("installer bin={home}/.local/bin init=yes prefix={home}/micromamba tty=no")
    );
    let ran: Vec<&str> = it.collect();
    assert!(!ran.is_empty());
    // Without curl or wget (which the installer itself needs), it stops before anything,
    // saying what to install.
    fs::remove_file(&curl).unwrap();
    let bare = std::process::Command::new("/bin/sh")
        .arg(&path)
        .env_clear()
        .env("HOME", sb.root().join("bare-home"))
        .env("PATH", &fakebin)
        .output()
        .unwrap();
    assert_eq!(bare.status.code(), Some(1));
    let said = String::from_utf8_lossy(&bare.stderr);
    assert!(said.contains("needs curl or wget"), "{said}");
    assert!(!sb.root().join("bare-home/.local/bin/micromamba").exists());
    // The last command of the script ran, with the root prefix exported.
    let want = shlex::split(&last.replacen("\"$DEVDOCTOR_MAMBA\" ", "", 1))
        .unwrap()
        .join(" ");
    assert_eq!(
        *ran.last().unwrap(),
        format!("{want} [root={home}/micromamba]"),
        "{lines}"
    );
}

/// `--wait` retries by a property of the check (it asks a server), not by its category: a
/// pack TCP check of category `acme` passes once the server comes up during the wait.
#[test]
fn wait_retries_pack_network_checks_of_any_category() {
    let sb = Sandbox::new();
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    sb.write(
        "project/.devdoctor/checks/svc.toml",
        &format!(
            "[[check]]\nid = \"acme.up\"\ntitle = \"the service listens\"\ncategory = \"acme\"\nseverity = \"fail\"\nprobe = {{ kind = \"tcp\", port = {port} }}\nexplain = \"Test pack.\"\n"
        ),
    );
    let server = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(700));
        let l = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
        // Accept a bounded number of probes, then stop.
        l.set_nonblocking(true).unwrap();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::time::Instant::now() < until {
            let _ = l.accept();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    let (v, code) = sb.json(&["--wait", "8s", "acme.up"]);
    assert_eq!(support::status(&v, "acme.up"), "ok", "{v}");
    assert_eq!(code, 0);
    drop(server);
}

/// One cause, one failure, one step: an environment file without `name:` makes env.file fail,
/// env.exists points to it ("see env.file"), and the plan asks for the missing line once,
/// naming both checks; the report folds env.exists into env.file's line, which points at
/// that step (so the short step line names env.file alone).
#[test]
fn a_missing_name_is_one_step_for_env_file_and_env_exists() {
    let (sb, _log) = fx("channels: [conda-forge]\ndependencies:\n  - python=3.11\n");
    let (fix, _) = sb.json(&["fix", "--dry-run", "env.file", "env.exists"]);
    let steps = fix["steps"].as_array().expect("steps");
    let named: Vec<&serde_json::Value> = steps
        .iter()
        .filter(|s| s["manual"].to_string().contains("add `name: <env name>`"))
        .collect();
    assert_eq!(named.len(), 1, "{fix:#}");
    assert_eq!(named[0]["check"], "env.file");
    assert_eq!(named[0]["also_fixes"], serde_json::json!(["env.exists"]));
    assert_eq!(named[0]["status"], "fail");
    let out = sb.run(&["env.file", "env.exists", "--color", "never"]);
    let text = support::stdout(&out);
    let next = text.split("Next steps:").nth(1).expect("next steps");
    assert_eq!(next.matches("add `name:").count(), 1, "{text}");
    assert!(next.contains("devdoctor.toml  (env.file)"), "{text}");
    let report = text.split("Next steps:").next().unwrap();
    assert_eq!(report.matches("→\u{a0}step\u{a0}1").count(), 1, "{text}");
    assert!(report.contains("(also: env.exists)"), "{text}");
    assert_eq!(sb.json(&["env.exists"]).1, 3, "alone, it cannot tell");
    assert!(fix["unfixable"].as_array().unwrap().is_empty(), "{fix:#}");
}
