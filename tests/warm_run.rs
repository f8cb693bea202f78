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
    let sb = Sandbox::new();
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
