//! External plugins (Nagios convention) through the real binary: every exit code, summary and
//! details, perfdata in JSON, and the failure modes that must be reported, never fatal.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use support::{check, status, Sandbox};

fn plugin(sb: &Sandbox, name: &str, script: &str) -> PathBuf {
    let p = sb.write(
        format!("project/.devdoctor/plugins/{name}"),
        &format!("#!/bin/sh\n{script}\n"),
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

fn run(sb: &Sandbox, args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = args.to_vec();
    all.push("plugin.*");
    sb.json(&all)
}

#[test]
fn exit_codes_map_to_statuses() {
    let sb = Sandbox::new();
    plugin(&sb, "p0", "echo 'OK - all good'; exit 0");
    plugin(&sb, "p1", "echo 'WARNING - disk 85%'; exit 1");
    plugin(&sb, "p2", "echo 'CRITICAL - db down'; exit 2");
    plugin(
        &sb,
        "p3",
        "echo 'UNKNOWN - cannot read config'; echo 'permission denied' >&2; exit 3",
    );
    let (v, code) = run(&sb, &[]);
    assert_eq!(status(&v, "plugin.p0"), "ok");
    assert_eq!(status(&v, "plugin.p1"), "warn");
    assert_eq!(status(&v, "plugin.p2"), "fail");
    assert_eq!(status(&v, "plugin.p3"), "unknown");
    assert_eq!(check(&v, "plugin.p2")["summary"], "CRITICAL - db down");
    assert_eq!(check(&v, "plugin.p2")["category"], "plugin");
    assert_eq!(check(&v, "plugin.p2")["data"]["exit_code"], 2);
    let p3 = check(&v, "plugin.p3");
    assert!(
        p3["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "stderr: permission denied"),
        "{p3:#}"
    );
    assert_eq!(code, 1);
}

#[test]
fn summary_details_and_perfdata() {
    let sb = Sandbox::new();
    plugin(
        &sb,
        "check_disk",
        "printf '%s\\n' \"DISK OK - free space: / 3326 MB (56%) | /=2643MB;5948;5958;0;5968\" '/ 15272 MB (77%);' \"/home 69357 MB (27%) | /home=69357MB;253404;253409;0;253414 'inodes used'=12%\"",
    );
    let (v, code) = run(&sb, &[]);
    assert_eq!(code, 0);
    let c = check(&v, "plugin.check_disk");
    assert_eq!(c["status"], "ok");
    assert_eq!(c["summary"], "DISK OK - free space: / 3326 MB (56%)");
    assert_eq!(
        c["details"],
        serde_json::json!(["/ 15272 MB (77%);", "/home 69357 MB (27%)"])
    );
    let perf = c["data"]["perfdata"].as_array().unwrap();
    assert_eq!(perf.len(), 3, "{c:#}");
    assert_eq!(
        perf[0],
        serde_json::json!({"label": "/", "value": 2643.0, "uom": "MB", "warn": "5948", "crit": "5958", "min": 0.0, "max": 5968.0})
    );
    assert_eq!(perf[2]["label"], "inodes used");
    assert_eq!(perf[2]["uom"], "%");
}

#[test]
fn a_hanging_plugin_is_unknown_and_bounded() {
    let sb = Sandbox::new();
    plugin(&sb, "slow", "echo starting; sleep 30; echo never");
    plugin(&sb, "fast", "echo fine");
    let start = std::time::Instant::now();
    let (v, code) = run(&sb, &["--timeout", "1"]);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    let c = check(&v, "plugin.slow");
    assert_eq!(c["status"], "unknown");
    assert!(
        c["summary"].as_str().unwrap().contains("timed out"),
        "{c:#}"
    );
    assert_eq!(status(&v, "plugin.fast"), "ok");
    assert_eq!(code, 3);
}

#[test]
fn not_executable_is_reported_not_fatal() {
    let sb = Sandbox::new();
    let p = sb.write(
        "project/.devdoctor/plugins/check_off",
        "#!/bin/sh\necho OK\n",
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    plugin(&sb, "check_on", "echo OK");
    let (v, code) = run(&sb, &[]);
    let c = check(&v, "plugin.check_off");
    assert_eq!(c["status"], "unknown");
    assert!(
        c["summary"].as_str().unwrap().contains("not executable"),
        "{c:#}"
    );
    assert!(
        c["details"][0].as_str().unwrap().contains("chmod +x"),
        "{c:#}"
    );
    assert_eq!(status(&v, "plugin.check_on"), "ok");
    assert_eq!(code, 3);
}

#[test]
fn exit_code_outside_the_convention_is_unknown() {
    let sb = Sandbox::new();
    plugin(&sb, "weird", "echo 'something odd'; exit 7");
    let (v, code) = run(&sb, &[]);
    let c = check(&v, "plugin.weird");
    assert_eq!(c["status"], "unknown");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("exited with code 7, outside the Nagios range 0-3"),
        "{c:#}"
    );
    assert_eq!(c["details"][0], "it said: something odd");
    assert_eq!(c["data"]["exit_code"], 7);
    assert_eq!(code, 3);
}

#[test]
fn broken_interpreter_and_signals_are_unknown() {
    let sb = Sandbox::new();
    let p = sb.write(
        "project/.devdoctor/plugins/nointerp",
        "#!/no/such/interpreter\necho hi\n",
    );
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    plugin(&sb, "killed", "kill -9 $$");
    plugin(&sb, "silent", "exit 1");
    let (v, _) = run(&sb, &[]);
    let c = check(&v, "plugin.nointerp");
    assert_eq!(c["status"], "unknown");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("could not be started"),
        "{c:#}"
    );
    let k = check(&v, "plugin.killed");
    assert_eq!(k["status"], "unknown");
    assert!(k["summary"].as_str().unwrap().contains("signal 9"), "{k:#}");
    let s = check(&v, "plugin.silent");
    assert_eq!(s["status"], "warn");
    assert!(
        s["summary"].as_str().unwrap().contains("no summary"),
        "{s:#}"
    );
}

#[test]
fn configured_plugin_paths_files_and_dirs() {
    let sb = Sandbox::new();
    let dir = sb.root().join("shared-plugins");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, body) in [("check_a", "echo A; exit 0"), ("README.md", "docs")] {
        let p = dir.join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let single = sb.write("tools/check_b", "#!/bin/sh\necho B; exit 1\n");
    std::fs::set_permissions(&single, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A duplicate file name in the project dir: reported, not fatal.
    plugin(&sb, "check_a", "echo project A");
    sb.write(
        "project/devdoctor.toml",
        &format!(
            "[checks]\nplugins = [{:?}, {:?}, \"missing/check_c\"]\n",
            dir.display().to_string(),
            single.display().to_string()
        ),
    );
    let (v, _) = run(&sb, &[]);
    assert_eq!(check(&v, "plugin.check_a")["summary"], "project A");
    let dup = check(&v, "plugin.check_a~2");
    assert_eq!(dup["status"], "unknown");
    assert!(
        dup["summary"]
            .as_str()
            .unwrap()
            .contains("another plugin with this file name"),
        "{dup:#}"
    );
    assert_eq!(status(&v, "plugin.check_b"), "warn");
    let missing = check(&v, "plugin.check_c");
    assert_eq!(missing["status"], "unknown");
    assert!(
        missing["summary"]
            .as_str()
            .unwrap()
            .contains("cannot be read"),
        "{missing:#}"
    );
    assert!(!v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "plugin.README.md"));
}

#[test]
fn plugins_run_in_the_project_dir_with_the_users_environment() {
    let mut sb = Sandbox::new();
    sb.var("DD_PLUGIN_TEST", "hello");
    sb.write("project/marker.txt", "x");
    plugin(&sb, "ctx", "test -f marker.txt || { echo 'CRITICAL - wrong cwd'; exit 2; }; echo \"OK - $DD_PLUGIN_TEST\"");
    let (v, _) = run(&sb, &[]);
    assert_eq!(check(&v, "plugin.ctx")["summary"], "OK - hello");
}

#[test]
fn output_is_capped() {
    let sb = Sandbox::new();
    plugin(
        &sb,
        "flood",
        "echo 'OK - flood'; head -c 5000000 /dev/zero | tr '\\0' 'x'; echo",
    );
    let (v, _) = run(&sb, &[]);
    let c = check(&v, "plugin.flood");
    assert_eq!(c["summary"], "OK - flood");
    assert!(
        c["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "output was cut at the output cap"),
        "{}",
        c["summary"]
    );
}
