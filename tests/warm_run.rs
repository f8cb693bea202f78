//! A warm run asks no tool for its version again: `--version` answers are cached per binary
//! (path, size, mtime, inode) in the user's cache folder, and a changed binary is asked anew.
//! Every stand-in here logs each time it is started.
mod support;

use support::{check, Sandbox};

fn logging_tool(sb: &Sandbox, name: &str, version_line: &str) {
    let log = sb.root().join("started.log");
    sb.stand_in(
        name,
        &format!(
            "echo \"{name} $*\" >> '{}'\necho '{version_line}'",
            log.display()
        ),
    );
}

fn started(sb: &Sandbox) -> Vec<String> {
    std::fs::read_to_string(sb.root().join("started.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn versions_are_asked_once_per_binary() {
    let mut sb = Sandbox::new();
    // No engine: only then is the docker CLI asked for its version.
    sb.var("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    sb.write("project/Dockerfile", "FROM scratch\n");
    logging_tool(&sb, "micromamba", "2.0.5");
    logging_tool(&sb, "docker", "Docker version 27.3.1, build ce12230");
    logging_tool(&sb, "trivy", "Version: 0.58.1");
    let ids = ["mamba.installed", "docker.cli", "tools.trivy"];
    let (cold, _) = sb.json(&ids);
    let first = started(&sb);
    assert_eq!(
        first.iter().filter(|l| l.ends_with("--version")).count(),
        3,
        "{first:?}"
    );
    let (warm, _) = sb.json(&ids);
    assert_eq!(started(&sb), first, "the warm run started a tool");
    for id in ids {
        assert_eq!(
            check(&cold, id)["summary"],
            check(&warm, id)["summary"],
            "{id}"
        );
    }
    assert!(sb.home.join(".cache/devdoctor/versions.json").is_file());

    // An upgraded binary is asked again, and its new version is what the report says.
    std::thread::sleep(std::time::Duration::from_millis(20));
    logging_tool(&sb, "micromamba", "2.1.0");
    let (after, _) = sb.json(&["mamba.installed"]);
    assert_eq!(started(&sb).len(), first.len() + 1);
    assert!(
        check(&after, "mamba.installed")["summary"]
            .as_str()
            .unwrap()
            .contains("2.1.0"),
        "{after:#}"
    );
}

/// A healthy project on a healthy machine (micromamba with the project's environment, a git
/// repository whose .gitignore covers .env): the cold run starts each tool once, and the warm
/// run starts no process at all — versions and git's answers come from the cache, keyed by
/// the binaries and by the files git reads.
#[test]
fn a_warm_happy_run_starts_no_process() {
    let mut sb = Sandbox::new();
    let log = sb.root().join("started.log");
    let logged =
        |name: &str, body: &str| format!("echo \"{name} $*\" >> '{}'\n{body}", log.display());
    sb.stand_in("micromamba", &logged("micromamba", "echo 2.0.5"));
    sb.stand_in(
        "git",
        &logged(
            "git",
            "case \" $* \" in\n  *\" --version \"*) echo 'git version 2.45.2' ;;\n  *\" check-ignore \"*) printf '.gitignore:1:.env\\t.env\\n' ;;\nesac",
        ),
    );
    sb.stand_in(
        "curl",
        &logged("curl", "echo 'curl 8.9.1 (x86_64-pc-linux-gnu)'"),
    );
    // The project's environment under the root prefix, with the Python it pins.
    let root = sb.home.join("micromamba");
    std::fs::create_dir_all(root.join("pkgs")).unwrap();
    let env = root.join("envs/happy");
    sb.write(
        env.join("conda-meta/history"),
        "==> 2025-06-01 12:00:00 <==\n# cmd: micromamba create -n happy -f environment.yml\n",
    );
    sb.write(
        env.join("conda-meta/python-3.12.4-h2_0_cpython.json"),
        r#"{"name": "python", "version": "3.12.4", "build": "h2_0_cpython", "depends": [], "files": []}"#,
    );
    sb.var("MAMBA_ROOT_PREFIX", root.as_os_str());
    sb.write(
        "project/environment.yml",
        "name: happy\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n",
    );
    sb.write("project/.env", "DEBUG=1\n");
    sb.write("project/.gitignore", ".env\n");
    sb.write("project/.git/index", "DIRC");
    let (cold, _) = sb.json(&[]);
    for id in [
        "mamba.installed",
        "env.exists",
        "env.python",
        "dotenv.gitignore",
        "dotenv.committed",
        "tools.git",
    ] {
        assert_eq!(check(&cold, id)["status"], "ok", "{id}: {cold:#}");
    }
    let first = started(&sb);
    assert!(
        first.iter().any(|l| l.contains(" check-ignore ")),
        "the cold run asks git: {first:?}"
    );
    let (warm, _) = sb.json(&[]);
    assert_eq!(
        started(&sb),
        first,
        "the warm run started a process; cold run: {first:?}"
    );
    for c in cold["checks"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert_eq!(c["status"], check(&warm, id)["status"], "{id}");
    }
    // An edit to .gitignore is a new question for git.
    sb.write("project/.gitignore", ".env\n*.log\n");
    sb.json(&["dotenv.gitignore"]);
    assert_eq!(started(&sb).len(), first.len() + 1, "{:?}", started(&sb));
}
