//! The loopback-only policy end to end. Every run here happens inside an empty network
//! namespace (`unshare -n`), so even a wrong decision could not send a packet anywhere:
//! remote URLs are skipped with a hint unless --allow-remote (or [mcp] allow_remote) is given,
//! and with it the attempt fails inside the namespace as "unreachable".

mod support;

use serde_json::Value;
use std::process::{Command, Stdio};
use support::{check, status, Sandbox};

fn unshare_works() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs devdoctor with `args` inside a new, empty network namespace.
fn run_isolated(sb: &Sandbox, args: &[&str]) -> (Value, i32) {
    let bin = assert_cmd::cargo::cargo_bin("devdoctor");
    let out = Command::new("unshare")
        .arg("-n")
        .arg(bin)
        .arg("--json")
        .args(args)
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", sb.path_var())
        .current_dir(&sb.project)
        .output()
        .expect("unshare runs");
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}\n{}",
            support::stdout(&out),
            support::stderr(&out)
        )
    });
    (report, out.status.code().unwrap_or(-1))
}

const REMOTE: [&str; 4] = [
    "--health-url",
    "http://192.0.2.10:8000/health",
    "--mcp-url",
    "http://user:hunter2@mcp.example.com/mcp",
];

#[test]
fn remote_targets_are_skipped_without_the_flag() {
    if !support::e2e_available("network namespaces (unshare -n)", unshare_works()) {
        return;
    }
    let sb = Sandbox::new();
    let mut args = REMOTE.to_vec();
    args.push("mcp.*");
    let (report, code) = run_isolated(&sb, &args);
    for id in ["mcp.health", "mcp.handshake", "mcp.port"] {
        assert_eq!(status(&report, id), "skip", "{id}: {report:#}");
    }
    let health = check(&report, "mcp.health");
    assert!(health["summary"]
        .as_str()
        .unwrap()
        .contains("--allow-remote"));
    let details = health["details"].to_string();
    assert!(details.contains("--allow-remote"), "{details}");
    assert!(
        !details.contains("allow_remote = true"),
        "the hint must not suggest a config key that no longer widens reach: {details}"
    );
    assert!(check(&report, "mcp.handshake")["summary"]
        .as_str()
        .unwrap()
        .contains("mcp.example.com"));
    assert!(
        !report.to_string().contains("hunter2"),
        "userinfo is never shown"
    );
    assert_eq!(code, 3, "the named check was not run");
}

#[test]
fn allow_remote_flag_permits_the_attempt_and_the_config_key_does_not() {
    if !support::e2e_available("network namespaces (unshare -n)", unshare_works()) {
        return;
    }
    let sb = Sandbox::new();
    let mut args = REMOTE.to_vec();
    args.extend(["--timeout", "3", "--allow-remote", "mcp.health"]);
    let (report, code) = run_isolated(&sb, &args);
    assert_eq!(status(&report, "mcp.health"), "fail", "{report:#}");
    assert!(
        check(&report, "mcp.health")["summary"]
            .as_str()
            .unwrap()
            .contains("reach"),
        "{report:#}"
    );
    assert_eq!(code, 1);

    // Reaching beyond loopback is the user's decision: a project (even a trusted one) cannot
    // grant it in its devdoctor.toml.
    sb.write("project/devdoctor.toml", "[mcp]\nallow_remote = true\n");
    let mut args = REMOTE.to_vec();
    args.extend(["--timeout", "3", "mcp.health"]);
    let (report, _) = run_isolated(&sb, &args);
    assert_eq!(status(&report, "mcp.health"), "skip", "{report:#}");
}
