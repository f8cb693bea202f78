//! A hostile or broken environment around the run: no HOME, an unreadable HOME (as `nobody`, via
//! runuser/setpriv), a HOME that is a file, a read-only filesystem (a read-only bind mount in a
//! private mount namespace via `unshare -m`), an empty PATH, and project/HOME files built to
//! crash parsers (deep YAML nesting, /dev/zero and FIFOs in place of files). Every run ends with
//! findings and an exit code of 0, 1 or 3 — never a panic (101) or an abort (134).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use support::Sandbox;

const ENV_YML: &str = "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n";

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    fs::write(sb.project.join("environment.yml"), ENV_YML).unwrap();
    fs::write(sb.project.join("Dockerfile"), "FROM scratch\nUSER 1000\n").unwrap();
    sb.stand_in(
        "micromamba",
        "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\necho '{\"envs\": []}'",
    );
    sb
}

/// The run ended normally with findings: exit 0/1/3, valid JSON, no crashed check.
fn assert_clean(what: &str, out: &Output) -> serde_json::Value {
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1 | 3)),
        "{what}: exit {code:?} (signal {:?})\nstderr: {}",
        std::os::unix::process::ExitStatusExt::signal(&out.status),
        support::stderr(out)
    );
    let err = support::stderr(out);
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{what}: {err}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what}: invalid JSON ({e}): {}", support::stdout(out)));
    for c in report["checks"].as_array().expect("checks") {
        let s = c["summary"].as_str().unwrap_or("");
        assert!(!s.contains("crashed"), "{what}: {c:#}");
        assert!(
            !s.trim().is_empty(),
            "{what}: a finding without a summary: {c:#}"
        );
    }
    assert_eq!(report["exit_code"].as_i64(), code.map(i64::from), "{what}");
    report
}

fn all_summaries(report: &serde_json::Value) -> String {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {}\n", c["id"], c["status"], c["summary"]))
        .collect()
}

#[test]
fn no_home() {
    let sb = sandbox();
    let out = sb
        .cmd()
        .env_remove("HOME")
        .args(["--json", "--timeout", "5"])
        .output()
        .unwrap();
    let report = assert_clean("without HOME", &out);
    // What depends on HOME says so, instead of inventing a path.
    let text = all_summaries(&report);
    assert_eq!(support::status(&report, "mamba.installed"), "ok", "{text}");
    let root = support::check(&report, "mamba.root_prefix").to_string();
    assert!(
        root.contains("HOME"),
        "mamba.root_prefix does not say HOME is missing: {root}"
    );
}

#[test]
fn home_that_is_a_file() {
    let sb = sandbox();
    let file = sb.root().join("home-file");
    fs::write(&file, "not a directory\n").unwrap();
    let out = sb
        .cmd()
        .env("HOME", &file)
        .args(["--json", "--timeout", "5"])
        .output()
        .unwrap();
    assert_clean("HOME is a file", &out);
}

/// A copy of the binary any user can run, in a 0755 temp dir.
fn public_binary() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let bin = dir.path().join("devdoctor");
    support::copy_binary(&bin);
    (dir, bin)
}

/// `runuser -u nobody --` or `setpriv` to drop to nobody, when this test runs as root.
fn as_nobody() -> Option<Vec<String>> {
    if !rustix::process::geteuid().is_root() {
        return None;
    }
    // By absolute path: the run itself gets the sandbox's PATH, which lacks /usr/sbin.
    let find = |name: &str| {
        ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
            .iter()
            .map(|d| format!("{d}/{name}"))
            .find(|p| std::path::Path::new(p).exists())
    };
    let ok = |c: &mut Command| c.output().is_ok_and(|o| o.status.success());
    if let Some(runuser) = find("runuser") {
        // -m keeps the HOME this test sets (runuser would reset it to nobody's own).
        if ok(Command::new(&runuser).args(["-m", "-u", "nobody", "--", "true"])) {
            return Some(vec![
                runuser,
                "-m".into(),
                "-u".into(),
                "nobody".into(),
                "--".into(),
            ]);
        }
    }
    let setpriv = find("setpriv")?;
    let args = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    ok(Command::new(&setpriv).args(args).arg("true")).then(|| {
        std::iter::once(setpriv)
            .chain(args.map(String::from))
            .collect()
    })
}

#[test]
fn unreadable_home() {
    let sb = sandbox();
    let Some(prefix) = as_nobody() else {
        // Not root (or no runuser/setpriv): a HOME this user cannot read.
        eprintln!("note: not root; testing a HOME with mode 000 as the current user");
        let home = sb.root().join("locked");
        fs::create_dir_all(&home).unwrap();
        fs::set_permissions(&home, fs::Permissions::from_mode(0o000)).unwrap();
        let out = sb
            .cmd()
            .env("HOME", &home)
            .args(["--json"])
            .output()
            .unwrap();
        fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
        assert_clean("unreadable HOME", &out);
        return;
    };
    let (_bin_dir, bin) = public_binary();
    // A world-readable project and bin dir, and a HOME only root may enter.
    for d in [sb.root(), &sb.project, &sb.bin] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    for f in ["environment.yml", "Dockerfile"] {
        fs::set_permissions(sb.project.join(f), fs::Permissions::from_mode(0o644)).unwrap();
    }
    let home = sb.root().join("locked-home");
    fs::create_dir_all(home.join(".conda")).unwrap();
    fs::write(home.join(".condarc"), "channels: [conda-forge]\n").unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o700)).unwrap();
    let out = Command::new(&prefix[0])
        .args(&prefix[1..])
        .arg(&bin)
        .args(["--json", "--timeout", "5"])
        .env_clear()
        .env("HOME", &home)
        .env("PATH", sb.path_var())
        .current_dir(&sb.project)
        .output()
        .unwrap();
    let report = assert_clean("HOME unreadable (as nobody)", &out);
    let text = all_summaries(&report);
    assert!(
        report.to_string().contains("permission denied")
            || report.to_string().contains("Permission denied"),
        "nothing says the HOME could not be read:\n{text}"
    );
}

#[test]
fn read_only_filesystem() {
    let sb = sandbox();
    let root = sb.root().to_path_buf();
    let bin = env!("CARGO_BIN_EXE_devdoctor");
    // A private mount namespace where the whole sandbox (HOME, project, bin) is read-only.
    let probe = Command::new("unshare")
        .args(["-m", "--", "sh", "-c"])
        .arg(format!(
            "mount -o bind,ro '{0}' '{0}' && ! touch '{0}/rw-probe' 2>/dev/null",
            root.display()
        ))
        .output();
    let ro = probe.is_ok_and(|o| o.status.success());
    let (out, report_file) = if ro {
        let report_file = sb.project.join("report.json");
        let script = r#"mount -o bind,ro "$ROOT" "$ROOT" || exit 99; exec "$@""#;
        let run = |extra: &[&str]| {
            Command::new("unshare")
                .args(["-m", "--", "sh", "-c", script, "sh", bin])
                .args(extra)
                .env_clear()
                .env("ROOT", &root)
                .env("HOME", &sb.home)
                .env("PATH", sb.path_var())
                .current_dir(&sb.project)
                .output()
                .unwrap()
        };
        let out = run(&["--json", "--timeout", "5"]);
        // Writing the report into the read-only project fails cleanly (exit 3, a message).
        let write = run(&["--output", report_file.to_str().unwrap(), "env.file"]);
        assert_eq!(write.status.code(), Some(3), "{}", support::stderr(&write));
        assert!(
            support::stderr(&write).contains("error:"),
            "{}",
            support::stderr(&write)
        );
        assert!(!support::stderr(&write).contains("panicked"));
        (out, Some(report_file))
    } else {
        // No mount namespaces here: stand in with read-only places devdoctor might write to
        // (a HOME whose cache dirs are files, a project dir without write permission).
        eprintln!(
            "note: unshare -m is not available; using a HOME with files where dirs are expected"
        );
        for d in [".cache", ".local", ".config", ".conda"] {
            fs::write(sb.home.join(d), "").unwrap();
        }
        (
            sb.cmd()
                .args(["--json", "--timeout", "5"])
                .output()
                .unwrap(),
            None,
        )
    };
    assert_clean("read-only filesystem", &out);
    if let Some(f) = report_file {
        assert!(!f.exists());
    }
}

#[test]
fn empty_path() {
    let sb = sandbox();
    let out = sb
        .cmd()
        .env("PATH", "")
        .args(["--json", "--timeout", "5"])
        .output()
        .unwrap();
    let report = assert_clean("PATH empty", &out);
    assert_eq!(
        support::status(&report, "mamba.installed"),
        "fail",
        "{}",
        all_summaries(&report)
    );
    // fix still prints a plan (nothing to run it with), and its script is valid sh.
    let out = sb
        .cmd()
        .env("PATH", "")
        .args(["fix", "--script"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let script = sb.root().join("fix.sh");
    fs::write(&script, &out.stdout).unwrap();
    let sh = Command::new("/bin/sh")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        sh.status.success(),
        "{}",
        String::from_utf8_lossy(&sh.stderr)
    );
    // An unset PATH too.
    let out = sb
        .cmd()
        .env_remove("PATH")
        .args(["--json"])
        .output()
        .unwrap();
    assert_clean("PATH unset", &out);
}

// --- Files built to crash parsers, read by the whole run --------------------------------------

/// `- - - … x`, 1000 levels: overflowed the stack of the rc, compose and env-name readers
/// (SIGABRT, exit 134) before they refused deep nesting.
fn deep_yaml() -> String {
    format!("{}x\n", "- ".repeat(1_000))
}

#[test]
fn deeply_nested_yaml_everywhere() {
    let sb = sandbox();
    let deep = deep_yaml();
    fs::write(sb.home.join(".condarc"), &deep).unwrap();
    fs::write(sb.home.join(".mambarc"), &deep).unwrap();
    fs::write(
        sb.project.join("environment.yml"),
        format!("name: proj\nvariables:\n  {deep}"),
    )
    .unwrap();
    fs::write(
        sb.project.join("compose.yaml"),
        format!("services:\n  a:\n    x:\n      {deep}"),
    )
    .unwrap();
    fs::write(sb.project.join("conda-lock.yml"), &deep).unwrap();
    fs::create_dir_all(sb.project.join(".devdoctor/checks")).unwrap();
    fs::write(
        sb.project.join(".devdoctor/checks/deep.toml"),
        format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    fs::write(
        sb.project.join("devdoctor.toml"),
        format!("x = {}{}\n", "{a=".repeat(50_000), "}".repeat(50_000)),
    )
    .unwrap();
    // The packs and the config are validated first: a usage error (2) with a placed message.
    let out = sb.run(&["--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", support::stderr(&out));
    assert!(
        support::stderr(&out).contains("error:"),
        "{}",
        support::stderr(&out)
    );
    fs::remove_file(sb.project.join("devdoctor.toml")).unwrap();
    let out = sb.run(&["--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", support::stderr(&out));
    assert!(
        support::stderr(&out).contains("deep.toml"),
        "{}",
        support::stderr(&out)
    );
    fs::remove_dir_all(sb.project.join(".devdoctor")).unwrap();
    // The YAML files: every check runs and reports.
    let out = sb.run(&["--json", "--timeout", "5"]);
    let report = assert_clean("deep YAML", &out);
    assert_eq!(support::status(&report, "env.file"), "fail");
    assert_eq!(support::status(&report, "compose.syntax"), "fail");
    let rc = support::check(&report, "mamba.channels").to_string();
    assert!(
        rc.contains("nested"),
        "mamba.channels does not report the bad rc file: {rc}"
    );
}

#[test]
fn special_files_in_place_of_project_files() {
    let sb = sandbox();
    let p = &sb.project;
    fs::remove_file(p.join("environment.yml")).unwrap();
    // /dev/zero (endless NULs) and a FIFO (open blocks until a writer comes) where files are
    // read; a git checkout can contain the symlinks, and a FIFO can be left by anything.
    for (name, target) in [
        ("environment.yml", "/dev/zero"),
        ("compose.yaml", "/dev/zero"),
        ("Dockerfile.zero", "/dev/zero"),
        ("conda-lock.yml", "/dev/zero"),
        ("requirements.txt", "/dev/zero"),
        ("devdoctor.toml", "/dev/zero"),
    ] {
        std::os::unix::fs::symlink(target, p.join(name)).unwrap();
    }
    fs::create_dir_all(p.join(".devdoctor/checks")).unwrap();
    fs::create_dir_all(p.join("envs")).unwrap();
    for fifo in [
        "docker-compose.yml",
        ".env",
        "pyproject.toml",
        "main.py",
        "envs/dev.yml",
        ".devdoctor/checks/fifo.toml",
    ] {
        rustix::fs::mknodat(
            rustix::fs::CWD,
            p.join(fifo),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o644),
            0,
        )
        .unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", p.join(".devdoctor/checks/zero.toml")).unwrap();
    let home_rc = sb.home.join(".condarc");
    std::os::unix::fs::symlink("/dev/zero", &home_rc).unwrap();
    let conda = sb.home.join(".conda");
    fs::create_dir_all(&conda).unwrap();
    std::os::unix::fs::symlink("/dev/zero", conda.join("environments.txt")).unwrap();

    // Under a 1 GiB address-space limit an unbounded read of /dev/zero aborts the process;
    // a read that waits on a FIFO is ended by `timeout` (exit 124, which assert_clean refuses).
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec timeout 60 \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_devdoctor"))
        .args(["--json", "--timeout", "5"])
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", sb.path_var())
        // Trusted, so the project's packs are read too.
        .env("DEVDOCTOR_TRUST", "1")
        .current_dir(p)
        .output()
        .unwrap();
    assert_clean("/dev/zero and FIFOs", &out);
}

/// A `pip:` block that includes a requirements file outside the project (an absolute path,
/// `..` out of it, a link in it that leads out) gets nothing read from there before trust:
/// no line of /etc/passwd becomes a pip entry in the report.
#[test]
fn a_pip_include_outside_the_project_is_not_read() {
    let mut sb = sandbox();
    sb.var("DEVDOCTOR_TRUST", "0");
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("reqs.txt");
    fs::write(&secret, "token-bearing-package==1.0\n").unwrap();
    std::os::unix::fs::symlink(&secret, sb.project.join("link.txt")).unwrap();
    fs::write(
        sb.project.join("environment.yml"),
        format!(
            "{ENV_YML}  - pip\n  - pip:\n    - -r /etc/passwd\n    - -r {}\n    - -r file:link.txt\n",
            secret.display()
        ),
    )
    .unwrap();
    let out = sb.run(&["env.file", "-v", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("env.file"), "{text}");
    for leaked in ["root:", "token-bearing-package"] {
        assert!(!text.contains(leaked), "{leaked}:\n{text}");
    }
    // Trusted, the included file is read, but only its requirement lines count: a file of
    // another kind (/etc/passwd) gives none.
    sb.var("DEVDOCTOR_TRUST", "1");
    let out = sb.run(&["env.file", "-v", "--color", "never"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("token-bearing-package==1.0"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}
