//! A hostile clone: a plugin, a pack `command` probe, a pack `file` probe on ~/.ssh/id_rsa, a
//! devdoctor.toml asking for remote access and a day-long timeout, a fake `micromamba` in the
//! project with `.` on PATH, and a `.git/config` whose core.fsmonitor is a script. Until the
//! user trusts the project, no command of the project runs and no secret is printed; after
//! `devdoctor trust` the plugin and probes run; after an edit they stop again.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::Sandbox;

const KEY: &str = "PRIVATE-KEY-MATERIAL-4711";

/// Markers each hostile piece writes when it runs.
const MARKERS: &[&str] = &[
    "plugin-ran",
    "probe-ran",
    "fake-micromamba-ran",
    "fsmonitor-ran",
];

fn executable(path: &Path, body: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn hostile(sb: &Sandbox) -> PathBuf {
    let marks = sb.root().join("marks");
    fs::create_dir_all(&marks).unwrap();
    let m = |name: &str| marks.join(name).display().to_string();
    let p = &sb.project;
    executable(
        &p.join(".devdoctor/plugins/check_evil"),
        &format!("touch {}; echo OK", m("plugin-ran")),
    );
    sb.write(
        "project/.devdoctor/checks/evil.toml",
        &format!(
            r#"[[check]]
id = "team.evil"
title = "runs a command"
explain = "x"
probe = {{ kind = "command", argv = ["sh", "-c", "touch {}"] }}

[[check]]
id = "team.key"
title = "reads a key"
explain = "x"
probe = {{ kind = "file", path = ["~/.ssh/id_rsa", "../home/.ssh/id_rsa"], contains = "NOTTHERE" }}
"#,
            m("probe-ran")
        ),
    );
    sb.write(
        "project/devdoctor.toml",
        "[mcp]\nallow_remote = true\n\n[checks]\ntimeout = 86400\n",
    );
    executable(
        &p.join("micromamba"),
        &format!("touch {}; echo 2.0.5", m("fake-micromamba-ran")),
    );
    executable(
        &sb.root().join("fsmonitor.sh"),
        &format!("touch {}", m("fsmonitor-ran")),
    );
    sb.write(
        "project/.git/config",
        &format!(
            "[core]\n\trepositoryformatversion = 0\n\tfsmonitor = {}\n",
            sb.root().join("fsmonitor.sh").display()
        ),
    );
    fs::create_dir_all(p.join(".git/objects")).unwrap();
    fs::create_dir_all(p.join(".git/refs")).unwrap();
    sb.write("project/.git/HEAD", "ref: refs/heads/main\n");
    sb.write("project/.env", "API_TOKEN=abc\n");
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write(
        "home/.ssh/id_rsa",
        &format!("-----BEGIN OPENSSH PRIVATE KEY-----\n{KEY}\n"),
    );
    marks
}

fn sandbox() -> (Sandbox, PathBuf) {
    let mut sb = Sandbox::new();
    let marks = hostile(&sb);
    // The user's PATH holds `.` and an empty entry, as careless shells do.
    let path = format!(".::{}", sb.path_var().to_string_lossy());
    sb.var("PATH", path);
    sb.var("DEVDOCTOR_TRUST", "0");
    (sb, marks)
}

/// A sandbox run as a user who has not trusted the project, with a state folder of its own
/// for the trust records.
fn untrusted() -> Sandbox {
    let mut sb = Sandbox::new();
    sb.var("DEVDOCTOR_TRUST", "0");
    sb.var("XDG_STATE_HOME", sb.root().join("state"));
    sb
}

fn ran(marks: &Path) -> Vec<&'static str> {
    MARKERS
        .iter()
        .copied()
        .filter(|m| marks.join(m).exists())
        .collect()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn an_untrusted_clone_runs_nothing_of_its_own_and_prints_no_secret() {
    let (sb, marks) = sandbox();
    for args in [
        vec![],
        vec!["fix", "--dry-run"],
        vec!["fix", "--script"],
        vec!["dockerfile.*"],
        vec!["list"],
        vec!["--format", "sarif"],
        vec!["--json"],
    ] {
        let out = sb.run(&args);
        let all = text(&out);
        assert!(
            ran(&marks).is_empty(),
            "{args:?} ran {:?}:\n{all}",
            ran(&marks)
        );
        assert!(!all.contains(KEY), "{args:?} printed the key:\n{all}");
        assert!(
            all.contains("not trusted") && all.contains("devdoctor trust"),
            "{args:?} must say the project is untrusted:\n{all}"
        );
        assert_ne!(out.status.code(), Some(2), "{args:?}:\n{all}");
    }
    let list = text(&sb.run(&["list"]));
    assert!(
        list.lines()
            .any(|l| l.contains("team.evil") && l.contains("not trusted")),
        "{list}"
    );
    let (report, _) = sb.json(&[]);
    let evil = support::check(&report, "team.evil");
    assert_eq!(evil["status"], "skip");
    assert!(evil["summary"].as_str().unwrap().contains("not trusted"));
}

#[test]
fn trust_lets_the_plugin_and_probes_run_and_an_edit_revokes_it() {
    let (sb, marks) = sandbox();
    let out = sb.run(&["trust"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("evil.toml"),
        "trust lists what it records"
    );
    let shown = text(&sb.run(&["trust", "--show"]));
    assert!(shown.contains("trusted: the files above match"), "{shown}");
    // The MCP tools pin is data that is compared, never run: re-pinning keeps the trust.
    fs::write(sb.project.join(".devdoctor/mcp-tools.lock"), "{}\n").unwrap();
    let shown = text(&sb.run(&["trust", "--show"]));
    assert!(shown.contains("trusted: the files above match"), "{shown}");
    assert!(!shown.contains("mcp-tools.lock"), "{shown}");

    let out = sb.run(&["--json"]);
    let all = text(&out);
    assert!(
        marks.join("plugin-ran").exists(),
        "the trusted plugin runs:\n{all}"
    );
    assert!(
        marks.join("probe-ran").exists(),
        "the trusted command probe runs"
    );
    assert!(!all.contains("not trusted"), "{all}");
    // Trusted or not, a project's pack reads only inside the project.
    assert!(!all.contains(KEY));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(support::check(&v, "team.key")["status"], "ok");
    // Neither the fake micromamba in the project (PATH has `.`) nor the fsmonitor ran.
    assert!(!marks.join("fake-micromamba-ran").exists());
    assert!(!marks.join("fsmonitor-ran").exists());

    for m in MARKERS {
        let _ = fs::remove_file(marks.join(m));
    }
    let pack = sb.project.join(".devdoctor/checks/evil.toml");
    let edited = fs::read_to_string(&pack)
        .unwrap()
        .replace("runs a command", "runs a command!");
    fs::write(&pack, edited).unwrap();
    let out = sb.run(&[]);
    let all = text(&out);
    assert!(
        ran(&marks).is_empty(),
        "an edited pack is untrusted again: {:?}",
        ran(&marks)
    );
    assert!(
        all.contains("changed since you trusted it") && all.contains("evil.toml"),
        "{all}"
    );

    let out = sb.run(&["untrust"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&sb.run(&["trust", "--show"])).contains("not trusted"));
}

#[test]
fn ci_can_trust_its_own_repository_for_one_run() {
    let (mut sb, marks) = sandbox();
    sb.var("DEVDOCTOR_TRUST", "1");
    let out = sb.run(&[]);
    assert!(marks.join("plugin-ran").exists(), "{}", text(&out));
    assert!(!text(&out).contains(KEY));
}

/// An empty DEVDOCTOR_TRUST is unset (a CI template's `DEVDOCTOR_TRUST: ${{ … }}` that came out
/// empty), and a value that is neither yes nor no is refused, not taken for yes.
#[test]
fn devdoctor_trust_empty_is_no_and_unclear_is_refused() {
    let (mut sb, marks) = sandbox();
    sb.var("DEVDOCTOR_TRUST", "");
    let out = sb.run(&[]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out));
    assert!(ran(&marks).is_empty(), "{}", text(&out));
    sb.var("DEVDOCTOR_TRUST", "maybe");
    let out = sb.run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("expected 1 or 0"), "{}", text(&out));
    assert!(ran(&marks).is_empty(), "{}", text(&out));
}

#[test]
fn a_project_config_cannot_raise_the_timeout_or_reach_remote_hosts_untrusted() {
    let (sb, _) = sandbox();
    let out = sb.run(&["mcp.health"]);
    let all = text(&out);
    assert!(all.contains("only --allow-remote can grant"), "{all}");
    // The project's 86400 s timeout is capped: a hanging pack would be cut at 60 s. The cap
    // itself is unit-tested; here the run must simply not take a day.
    assert_ne!(out.status.code(), Some(2), "{all}");
}

#[test]
fn a_project_with_only_data_and_a_plain_config_gets_no_trust_note() {
    let sb = untrusted();
    sb.write("project/devdoctor.toml", "[env]\nname = \"demo\"\n");
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    let out = sb.run(&["env.file"]);
    let err = support::stderr(&out);
    assert!(!err.contains("not trusted"), "nothing was withheld: {err}");
    // With a plugin beside it, the note is back.
    executable(&sb.project.join(".devdoctor/plugins/p"), "echo OK");
    let out = sb.run(&["env.file"]);
    assert!(support::stderr(&out).contains("not trusted"));
}

#[test]
fn an_untrusted_config_cannot_point_devdoctor_at_files_outside_the_project() {
    let mut sb = untrusted();
    sb.write(
        "outside.yml",
        "name: stolen\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    sb.write("Dockerfile.out", "FROM scratch\n");
    sb.write(
        "project/devdoctor.toml",
        "[env]\nfile = \"../outside.yml\"\n\n[docker]\ndockerfiles = [\"../Dockerfile.out\"]\n",
    );
    let out = sb.run(&["--json", "env.file", "dockerfile.syntax"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = report.to_string();
    assert!(
        !text.contains("outside.yml") && !text.contains("Dockerfile.out"),
        "{text}"
    );
    assert_eq!(support::status(&report, "env.file"), "skip", "{report:#}");
    assert!(support::stderr(&out).contains("not trusted"));

    // Trusted, the config's paths are the user's choice again.
    sb.var("DEVDOCTOR_TRUST", "1");
    let (report, _) = sb.json(&["env.file"]);
    assert!(report.to_string().contains("outside.yml"), "{report:#}");
}

/// A file of the project that is a link to somewhere outside it (environment.yml → a
/// credentials file, Dockerfile → /etc/…, a Makefile, a Python source) is data the project
/// pointed outside itself: until the project is trusted it is not read, its checks say
/// "unknown" with the reason, and nothing of what it leads to reaches any output. Links that
/// stay inside the project are read as before; trusted, the outside links are read too.
#[test]
fn an_untrusted_clone_cannot_read_outside_through_its_own_links() {
    const SECRET: &str = "AKIA-OUTSIDE-4711";
    let mut sb = untrusted();
    sb.write(
        "home/.aws/credentials",
        &format!("aws_secret_access_key: {SECRET}\npip install {SECRET}\n"),
    );
    let creds = sb.root().join("home/.aws/credentials");
    for name in ["environment.yml", "Dockerfile", "Makefile", "tool.py"] {
        std::os::unix::fs::symlink(&creds, sb.project.join(name)).unwrap();
    }

    for args in [
        vec!["--json"],
        vec!["-v"],
        vec!["--format", "sarif"],
        vec!["fix", "--dry-run"],
    ] {
        let all = text(&sb.run(&args));
        assert!(
            !all.contains(SECRET),
            "{args:?} printed the file's text:\n{all}"
        );
        assert!(!all.contains("aws_secret_access_key"), "{args:?}:\n{all}");
    }
    let (report, _) = sb.json(&["env.*", "dockerfile.*", "pip.*"]);
    let file = support::check(&report, "env.file");
    assert_eq!(file["status"], "unknown", "{file:#}");
    assert!(
        file["summary"]
            .as_str()
            .unwrap()
            .contains("outside the project"),
        "{file:#}"
    );
    let syntax = support::check(&report, "dockerfile.syntax");
    assert_eq!(syntax["status"], "unknown", "{syntax:#}");

    // A link that stays inside the project, given as an absolute path, is read as before.
    sb.write(
        "project/envs/base.yml",
        "name: inside-link\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    std::os::unix::fs::symlink(
        sb.project.join("envs/base.yml"),
        sb.project.join("environment.yml"),
    )
    .unwrap();
    let (report, _) = sb.json(&["env.file"]);
    let file = support::check(&report, "env.file");
    assert_ne!(file["status"], "unknown", "{file:#}");
    let (report, _) = sb.json(&["env.exists"]);
    assert!(report.to_string().contains("inside-link"), "{report:#}");
    fs::remove_file(sb.project.join("environment.yml")).unwrap();
    std::os::unix::fs::symlink(&creds, sb.project.join("environment.yml")).unwrap();

    // Trusted, the links are the project's business again: the file is read.
    sb.var("DEVDOCTOR_TRUST", "1");
    let (report, _) = sb.json(&["env.file"]);
    let file = support::check(&report, "env.file");
    assert_eq!(file["status"], "fail", "{file:#}");
    assert!(file.to_string().contains("not valid YAML"), "{file:#}");
}

/// `devdoctor trust` shows and records the project's links out of it, even in a project with
/// no config or packs; a run then reads through exactly those links. Re-pointing a link, or
/// `devdoctor untrust`, withholds it again.
#[test]
fn trust_records_links_out_of_the_project_and_a_re_pointed_link_is_withheld() {
    let sb = untrusted();
    let env = |name: &str| {
        format!("name: {name}\nchannels: [conda-forge]\ndependencies: [python=3.12]\n")
    };
    sb.write("shared/environment.yml", &env("shared-env"));
    sb.write("other/environment.yml", &env("other-env"));
    let link = sb.project.join("environment.yml");
    std::os::unix::fs::symlink(sb.root().join("shared/environment.yml"), &link).unwrap();
    let name_seen = |sb: &Sandbox, name: &str| {
        let (report, _) = sb.json(&["env.file", "env.exists"]);
        (
            support::status(&report, "env.file").to_string(),
            report.to_string().contains(name),
        )
    };
    assert_eq!(name_seen(&sb, "shared-env"), ("unknown".into(), false));

    let out = sb.run(&["trust"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("+ environment.yml -> ") && said.contains("(a link out of the project)"),
        "{said}"
    );
    assert!(text(&sb.run(&["trust", "--show"])).contains("trusted: the files above match"));
    assert_eq!(name_seen(&sb, "shared-env"), ("ok".into(), true));

    // The same link pointed elsewhere is not what the user trusted.
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(sb.root().join("other/environment.yml"), &link).unwrap();
    assert_eq!(name_seen(&sb, "other-env"), ("unknown".into(), false));
    let shown = text(&sb.run(&["trust", "--show"]));
    assert!(shown.contains("~ environment.yml -> "), "{shown}");

    // Trusted again, then forgotten.
    assert_eq!(sb.run(&["trust"]).status.code(), Some(0));
    assert_eq!(name_seen(&sb, "other-env"), ("ok".into(), true));
    assert_eq!(sb.run(&["untrust"]).status.code(), Some(0));
    assert_eq!(name_seen(&sb, "other-env"), ("unknown".into(), false));
}

/// A devdoctor.toml that is itself a link out of the project is not read until the user trusts
/// that link: not even its key names reach an error message. `devdoctor trust` lists it, and
/// from then on it is the project's config.
#[test]
fn a_config_that_links_out_waits_for_trust() {
    let sb = untrusted();
    sb.write(
        "home/.aws/credentials",
        "[default]\naws_secret_access_key = x\n",
    );
    let link = sb.project.join("devdoctor.toml");
    std::os::unix::fs::symlink(sb.root().join("home/.aws/credentials"), &link).unwrap();
    let out = sb.run(&["env.exists"]);
    let said = text(&out);
    assert_ne!(out.status.code(), Some(2), "{said}");
    assert!(
        !said.contains("aws_secret") && !said.contains("default"),
        "{said}"
    );
    assert!(
        said.contains("devdoctor.toml is a link out of the project")
            && said.contains("run `devdoctor trust`"),
        "{said}"
    );

    sb.write(
        "shared/devdoctor.toml",
        "[env]\nname = \"linked-env-4711\"\n",
    );
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(sb.root().join("shared/devdoctor.toml"), &link).unwrap();
    assert!(!sb
        .json(&["env.exists"])
        .0
        .to_string()
        .contains("linked-env-4711"));
    let said = text(&sb.run(&["trust"]));
    assert!(said.contains("+ devdoctor.toml -> "), "{said}");
    let out = sb.run(&["env.exists"]);
    assert!(text(&out).contains("linked-env-4711"), "{}", text(&out));
    assert!(
        !text(&out).contains("link out of the project"),
        "{}",
        text(&out)
    );
    // Re-pointed, it is withheld again.
    sb.write("other/devdoctor.toml", "[env]\nname = \"other-env-4711\"\n");
    fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(sb.root().join("other/devdoctor.toml"), &link).unwrap();
    assert!(!text(&sb.run(&["env.exists"])).contains("other-env-4711"));
}

/// A link out that git ignores is read all the same (the environment file below; a
/// `.env -> ../common/.env` that compose interpolates from), so `trust` lists and records it
/// too. Links inside dependency folders (`.venv/bin/python` to the system's Python) are not
/// the project's and are left out.
#[test]
fn trust_records_a_link_out_that_git_ignores() {
    let sb = untrusted();
    sb.write(
        "shared/environment.yml",
        "name: ignored-env-4711\nchannels: [conda-forge]\ndependencies: [python=3.12]\n",
    );
    sb.write("project/.gitignore", "environment.yml\n.venv/\n");
    std::os::unix::fs::symlink(
        sb.root().join("shared/environment.yml"),
        sb.project.join("environment.yml"),
    )
    .unwrap();
    fs::create_dir_all(sb.project.join(".venv/bin")).unwrap();
    std::os::unix::fs::symlink("/bin/sh", sb.project.join(".venv/bin/python")).unwrap();
    let (report, _) = sb.json(&["env.file"]);
    assert_eq!(
        support::status(&report, "env.file"),
        "unknown",
        "{report:#}"
    );
    let said = text(&sb.run(&["trust"]));
    assert!(said.contains("+ environment.yml -> "), "{said}");
    assert!(!said.contains(".venv"), "{said}");
    let (report, _) = sb.json(&["env.file"]);
    assert_eq!(support::status(&report, "env.file"), "ok", "{report:#}");
    assert!(
        report.to_string().contains("ignored-env-4711"),
        "{report:#}"
    );
}

/// A compose file's `include:` and `extends:` of `../` files outside the project are not read
/// until the user trusts the project; `devdoctor trust` in a project with nothing else to
/// trust records those files, and they (and only they) are read from then on.
#[test]
fn compose_paths_outside_the_project_wait_for_trust() {
    let sb = untrusted();
    sb.write(
        "other/compose.yaml",
        "services:\n  leak-4711:\n    image: outside-image-4711\n    privileged: true\n",
    );
    sb.write("other/secrets.env", "OUTSIDE_KEY_4711=value\n");
    sb.write(
        "project/compose.yaml",
        "include:\n  - ../other/compose.yaml\nservices:\n  app:\n    image: app:1\n    env_file: ../other/secrets.env\n    extends:\n      file: ../other/compose.yaml\n      service: leak-4711\n",
    );
    let all = text(&sb.run(&["--json", "compose.*"]));
    assert!(!all.contains("4711"), "{all}");
    let (report, _) = sb.json(&["compose.syntax"]);
    let syntax = support::check(&report, "compose.syntax");
    assert_eq!(syntax["status"], "unknown", "{syntax:#}");
    assert!(syntax["fix"].is_null(), "{syntax:#}");

    let out = sb.run(&["trust"]);
    let listed = text(&out);
    assert_eq!(out.status.code(), Some(0), "{listed}");
    // Only what devdoctor reads is listed: compose files, not the `env_file:` it never opens.
    assert!(
        listed.contains("other/compose.yaml  (named by the project with `..`)"),
        "{listed}"
    );
    assert!(!listed.contains("secrets.env"), "{listed}");
    let (report, _) = sb.json(&["compose.*"]);
    assert_eq!(
        support::status(&report, "compose.syntax"),
        "ok",
        "{report:#}"
    );
    assert!(report.to_string().contains("leak-4711"), "{report:#}");

    // A pull that names one more file outside: that file waits for trust again, the ones the
    // user saw are still read.
    sb.write(
        "other/new.yaml",
        "services:\n  new-5822:\n    image: new:1\n",
    );
    sb.write(
        "project/compose.yaml",
        "include:\n  - ../other/compose.yaml\n  - ../other/new.yaml\nservices:\n  app:\n    image: app:1\n",
    );
    let (report, _) = sb.json(&["compose.*"]);
    assert!(!report.to_string().contains("5822"), "{report:#}");
    let syntax = support::check(&report, "compose.syntax");
    assert_eq!(syntax["status"], "unknown", "{syntax:#}");
    assert!(syntax.to_string().contains("new.yaml"), "{syntax:#}");
    let shown = text(&sb.run(&["trust", "--show"]));
    assert!(
        shown.contains("+ ") && shown.contains("other/new.yaml"),
        "{shown}"
    );
    assert!(shown.contains("not trusted"), "{shown}");
    assert_eq!(sb.run(&["trust"]).status.code(), Some(0));
    let (report, _) = sb.json(&["compose.*"]);
    assert_eq!(
        support::status(&report, "compose.syntax"),
        "ok",
        "{report:#}"
    );
    assert!(report.to_string().contains("new-5822"), "{report:#}");
}

/// `git init` in `dir` with the real git, away from the user's and the system's git config.
fn git_init(git: &Path, dir: &Path) {
    let init = std::process::Command::new(git)
        .args(["init", "-q", "-b", "main"])
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .unwrap();
    assert!(init.success());
}

/// A repository that came with its own .git/config (an archive, a shared folder) can have git
/// read files anywhere through `[include]`: git is not run on it until the user trusts the
/// project, `devdoctor trust` lists those files, and an include re-pointed elsewhere waits
/// again. An include that stays inside the project needs no trust.
#[test]
fn a_git_config_that_includes_files_outside_waits_for_trust() {
    let sb = untrusted();
    let Ok(real_git) = which::which("git") else {
        support::skipped("git is not installed");
        return;
    };
    // A git that notes each start, then runs the real one.
    let log = sb.root().join("git-ran");
    executable(
        &sb.bin.join("git"),
        &format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real_git.display()
        ),
    );
    sb.write("project/.env", "API_TOKEN=abcdef123456\n");
    sb.write("project/.gitignore", ".env\n");
    git_init(&real_git, &sb.project);
    let outside = sb.write("elsewhere/included.cfg", "[user]\n\tname = leak-4711\n");
    sb.write("elsewhere/other.cfg", "[user]\n\tname = leak-5822\n");
    sb.write("project/.gitconfig", "[core]\n\tquotepath = false\n");
    let config = "[core]\n\trepositoryformatversion = 0\n[include]\n\tpath = ../.gitconfig\n";
    // dotenv.gitignore passes, and it was git that said so (not a cached answer).
    let git_answers = |why: &str| {
        let (report, _) = sb.json(&["dotenv.gitignore"]);
        let status = support::status(&report, "dotenv.gitignore");
        assert_eq!(status, "ok", "{why}: {report:#}");
        assert!(log.exists(), "{why}: git did not run");
        std::fs::remove_file(&log).unwrap();
    };
    // Inside the project: git runs without trust.
    sb.write("project/.git/config", config);
    git_answers("an include inside the project");

    sb.write(
        "project/.git/config",
        &format!("{config}[includeIf \"onbranch:main\"]\n\tpath = ../../elsewhere/included.cfg\n"),
    );
    let out = sb.run(&["dotenv.*", "-v"]);
    let said = text(&out);
    assert!(!log.exists(), "git ran untrusted: {said}");
    assert!(!said.contains("4711"), "{said}");
    assert!(
        said.contains("git is not run until you trust the project")
            && said.contains("included.cfg"),
        "{said}"
    );
    let real = outside.canonicalize().unwrap();
    let listed = text(&sb.run(&["trust"]));
    assert!(
        listed.contains(&format!(
            "{}  (read by git: the repository's .git/config names it)",
            real.display()
        )),
        "{listed}"
    );
    git_answers("the include the user trusted");

    // Re-pointed: the new file was never shown to the user.
    sb.write(
        "project/.git/config",
        &format!("{config}[include]\n\tpath = ../../elsewhere/other.cfg\n"),
    );
    let (report, _) = sb.json(&["dotenv.gitignore"]);
    assert_eq!(
        support::status(&report, "dotenv.gitignore"),
        "skip",
        "{report:#}"
    );
    assert!(report.to_string().contains("other.cfg"), "{report:#}");
    assert!(!log.exists(), "git ran for an include the user never saw");
}

/// A repository whose .git/config is a FIFO would have git wait for a writer until the
/// timeout; git is not started on it, trusted or not, and the checks that need it say why.
#[test]
fn a_git_config_that_is_a_fifo_is_not_handed_to_git() {
    let Ok(real_git) = which::which("git") else {
        support::skipped("git is not installed");
        return;
    };
    let sb = Sandbox::new();
    std::os::unix::fs::symlink(&real_git, sb.bin.join("git")).unwrap();
    git_init(&real_git, &sb.project);
    sb.write("project/.env", "API_TOKEN=abcdef123456\n");
    let config = sb.project.join(".git/config");
    fs::remove_file(&config).unwrap();
    let mode = rustix::fs::Mode::from_raw_mode(0o600);
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &config,
        rustix::fs::FileType::Fifo,
        mode,
        0,
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (report, _) = sb.json(&["dotenv.*"]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{report:#}"
    );
    for id in ["dotenv.gitignore", "dotenv.committed"] {
        let c = support::check(&report, id);
        assert_eq!(c["status"], "skip", "{c:#}");
        assert!(
            c["summary"]
                .as_str()
                .unwrap()
                .contains("is not a regular file"),
            "{c:#}"
        );
    }
}

/// A plugin `name` outside the project (`elsewhere/plugins/`) that leaves `marks/plugin-ran`
/// when it runs, and a pack outside it (`elsewhere/packs/`) that does not parse; returns the
/// marks folder.
fn outside_pack_and_plugin(sb: &Sandbox, name: &str) -> PathBuf {
    let marks = sb.root().join("marks");
    fs::create_dir_all(&marks).unwrap();
    executable(
        &sb.root().join("elsewhere/plugins").join(name),
        &format!("touch {}; echo OK", marks.join("plugin-ran").display()),
    );
    sb.write(
        "elsewhere/packs/broken.toml",
        "[[check]\nid = \"leak-4711\"\n",
    );
    marks
}

/// Pack and plugin paths the config names outside the project (`[checks] packs`, `plugins`)
/// are neither listed nor read until the project is trusted: a pack there that does not parse
/// would stop the run with its file:line, and a plugin folder would be listed by name. Once
/// trusted, the plugin runs; an edit of the plugin outside revokes the trust, and so does a
/// config that names one more folder, which is then not read either.
#[test]
fn pack_and_plugin_paths_outside_the_project_wait_for_trust() {
    let sb = untrusted();
    let marks = outside_pack_and_plugin(&sb, "check_outside");
    let plugin = sb.root().join("elsewhere/plugins/check_outside");
    sb.write(
        "project/devdoctor.toml",
        "[checks]\npacks = [\"../elsewhere/packs\"]\nplugins = [\"../elsewhere/plugins\"]\n",
    );
    let out = sb.run(&["list"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(
        !all.contains("broken.toml") && !all.contains("leak-4711"),
        "a pack outside is not parsed: {all}"
    );
    assert!(
        !all.contains("check_outside"),
        "a plugin folder outside is not listed: {all}"
    );
    let out = sb.run(&[]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not trusted"), "{}", text(&out));
    assert!(!marks.join("plugin-ran").exists());
    // Asked for by its id, the plugin is not there: the error says why, not only "no check".
    let out = sb.run(&["plugin.check_outside"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(
            "hint: the project is not trusted, so its own packs and plugins were not loaded"
        ),
        "{}",
        text(&out)
    );
    assert!(!marks.join("plugin-ran").exists());

    // `devdoctor trust` shows and records them; the broken pack then stops the run, as a
    // pack of the user's own would.
    fs::remove_file(sb.root().join("elsewhere/packs/broken.toml")).unwrap();
    let shown = text(&sb.run(&["trust", "--show"]));
    assert!(shown.contains("check_outside"), "{shown}");
    assert_eq!(sb.run(&["trust"]).status.code(), Some(0));
    let out = sb.run(&["plugin.check_outside"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(marks.join("plugin-ran").exists(), "the trusted plugin runs");

    fs::remove_file(marks.join("plugin-ran")).unwrap();
    executable(&plugin, "echo CHANGED");
    let all = text(&sb.run(&[]));
    assert!(
        all.contains("changed since you trusted it") && all.contains("check_outside"),
        "{all}"
    );

    sb.write(
        "project/devdoctor.toml",
        "[checks]\nplugins = [\"../elsewhere/plugins\", \"../elsewhere/more\"]\n",
    );
    sb.write("elsewhere/more/check_more", "#!/bin/sh\necho OK\n");
    let out = sb.run(&["list"]);
    let all = text(&out);
    // The note names what changed against the record (the folder the config now adds, the
    // plugin the user trusted); the new folder is not listed, and no plugin is a check.
    assert!(all.contains("changed since you trusted it"), "{all}");
    assert!(
        !all.contains("plugin.check_outside") && !all.contains("check_more"),
        "a changed config reads nothing outside: {all}"
    );
}

/// `.devdoctor/plugins` and `.devdoctor/checks` that are links out of the project are not
/// listed until the user trusts the project (and where those links lead): the folder they
/// lead to is not the project's to show, and a pack there that does not parse no longer
/// stops an untrusted run. Trusted, the plugin runs.
#[test]
fn devdoctor_folders_that_link_out_wait_for_trust() {
    let sb = untrusted();
    let marks = outside_pack_and_plugin(&sb, "check_linked");
    fs::create_dir_all(sb.project.join(".devdoctor")).unwrap();
    let link = |to: &str, name: &str| {
        std::os::unix::fs::symlink(sb.root().join(to), sb.project.join(".devdoctor").join(name))
            .unwrap()
    };
    link("elsewhere/plugins", "plugins");
    link("elsewhere/packs", "checks");
    let out = sb.run(&["list"]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert!(
        !all.contains("check_linked") && !all.contains("broken.toml"),
        "{all}"
    );
    assert!(!marks.join("plugin-ran").exists());

    fs::remove_file(sb.root().join("elsewhere/packs/broken.toml")).unwrap();
    assert_eq!(sb.run(&["trust"]).status.code(), Some(0));
    let out = sb.run(&["plugin.check_linked"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(marks.join("plugin-ran").exists(), "the trusted plugin runs");

    // The plugin changes where the link leads: that revokes the trust too.
    fs::remove_file(marks.join("plugin-ran")).unwrap();
    executable(
        &sb.root().join("elsewhere/plugins/check_linked"),
        "echo CHANGED",
    );
    let all = text(&sb.run(&[]));
    assert!(
        all.contains("changed since you trusted it") && all.contains("check_linked"),
        "{all}"
    );
    assert!(!marks.join("plugin-ran").exists());
}
