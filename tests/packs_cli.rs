//! Check packs end to end through the real binary: validation errors (exit 2 with file, line
//! and key), each probe kind, overrides, placeholders, `--checks`, and `list` origins.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use support::{check, status, stderr, Sandbox};

fn pack(sb: &Sandbox, name: &str, text: &str) {
    sb.write(format!("project/.devdoctor/checks/{name}"), text);
}

/// A pack with one check `team.x` using `probe` (and optional extra lines).
fn one(probe: &str, extra: &str) -> String {
    format!(
        "[[check]]\nid = \"team.x\"\ntitle = \"Team check\"\nexplain = \"What it looks at.\"\nprobe = {probe}\n{extra}\n"
    )
}

/// `devdoctor list --json` parsed.
fn list_json(sb: &Sandbox, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["list", "--json"];
    args.extend_from_slice(extra);
    let out = sb.run(&args);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", stderr(&out)));
    (v, out.status.code().unwrap_or(-1))
}

fn run_x(sb: &Sandbox, args: &[&str]) -> (serde_json::Value, i32) {
    let mut all = args.to_vec();
    all.push("team.*");
    sb.json(&all)
}

// ---------- validation errors through the binary ----------

#[test]
fn invalid_pack_is_a_configuration_error_naming_file_line_and_key() {
    let sb = Sandbox::new();
    let text = one(
        r#"{ kind = "command", argv = ["x"], version_regex = '(\d+', version = ">=1" }"#,
        "",
    );
    pack(&sb, "team.toml", &text);
    let out = sb.run(&["team.x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(".devdoctor/checks/team.toml:5:"), "{err}");
    assert!(err.contains("key `probe.version_regex`"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    // list and explain refuse too: the configuration is broken
    assert_eq!(sb.run(&["list"]).status.code(), Some(2));
}

#[test]
fn pack_with_a_pip_fix_is_rejected_with_exit_2() {
    let sb = Sandbox::new();
    let text = one(
        r#"{ kind = "command", argv = ["black", "--version"] }"#,
        "fix = { why = \"install black\", commands = [\n  [\"pip\", \"install\", \"black\"],\n] }",
    );
    pack(&sb, "tools.toml", &text);
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".devdoctor/checks/tools.toml:7:3:"), "{err}");
    assert!(err.contains("key `fix.commands[0]`"), "{err}");
    assert!(err.contains("invokes pip"), "{err}");
    assert!(err.contains("conda-forge"), "{err}");
}

#[test]
fn unknown_key_is_reported_with_its_line() {
    let sb = Sandbox::new();
    pack(
        &sb,
        "a.toml",
        &one(r#"{ kind = "env", var = "A" }"#, "sevrity = \"warn\""),
    );
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".devdoctor/checks/a.toml:6:"), "{err}");
    assert!(err.contains("sevrity"), "{err}");
}

#[test]
fn duplicate_ids_across_packs_and_with_built_ins() {
    let sb = Sandbox::new();
    // An id taken by a built-in check (whichever comes first in the list).
    let (list, _) = list_json(&sb, &[]);
    let builtin = list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["origin"]["kind"] == "builtin")
        .expect("at least one built-in check")["id"]
        .as_str()
        .unwrap()
        .to_string();
    pack(&sb, "a.toml", &one(r#"{ kind = "env", var = "A" }"#, ""));
    pack(
        &sb,
        "b.toml",
        &one(r#"{ kind = "env", var = "B" }"#, "").replace("team.x", &builtin),
    );
    pack(&sb, "c.toml", &one(r#"{ kind = "env", var = "C" }"#, ""));
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".devdoctor/checks/b.toml:2:"), "{err}");
    assert!(
        err.contains(&format!("check id `{builtin}` is in the built-in area")),
        "a pack cannot take a built-in id: {err}"
    );
    assert!(err.contains(".devdoctor/checks/c.toml:2:"), "{err}");
    assert!(
        err.contains(
            "duplicate check id `team.x`; already defined by pack .devdoctor/checks/a.toml"
        ),
        "{err}"
    );
    assert!(err.starts_with("error: 2 problems"), "{err}");
}

#[test]
fn duplicate_of_a_bundled_pack_check() {
    let sb = Sandbox::new();
    pack(
        &sb,
        "a.toml",
        &one(r#"{ kind = "env", var = "A" }"#, "").replace("team.x", "tools.git"),
    );
    let err = stderr(&sb.run(&["list"]));
    assert!(
        err.contains(
            "duplicate check id `tools.git`; already defined by pack tools.toml (bundled)"
        ),
        "{err}"
    );
}

// ---------- list shows origins; --checks ----------

#[test]
fn list_json_shows_where_each_check_comes_from() {
    let mut sb = Sandbox::new();
    pack(&sb, "team.toml", &one(r#"{ kind = "env", var = "A" }"#, ""));
    let extra = sb.write(
        "extra/more.toml",
        &one(r#"{ kind = "env", var = "B" }"#, "").replace("team.x", "more.y"),
    );
    let extra2 = sb.write(
        "extra2/z.toml",
        &one(r#"{ kind = "env", var = "B" }"#, "").replace("team.x", "more.z"),
    );
    sb.stand_in("unused", "true");
    let plugin = sb.write(
        "project/.devdoctor/plugins/check_thing",
        "#!/bin/sh\necho OK\n",
    );
    std::fs::set_permissions(&plugin, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    sb.var("NO_COLOR", "1");
    let d1 = extra.parent().unwrap().to_str().unwrap().to_string();
    let d2 = extra2.parent().unwrap().to_str().unwrap().to_string();
    let (v, code) = list_json(&sb, &["--checks", &d1, "--checks", &d2]);
    assert_eq!(code, 0);
    let find = |id: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {v:#}"))
            .clone()
    };
    assert_eq!(
        find("tools.trivy")["origin"],
        serde_json::json!({"kind": "bundled", "path": "tools.toml"})
    );
    assert_eq!(
        find("team.x")["origin"],
        serde_json::json!({"kind": "pack", "path": ".devdoctor/checks/team.toml"})
    );
    assert_eq!(find("team.x")["source"], "pack .devdoctor/checks/team.toml");
    assert_eq!(find("more.y")["origin"]["kind"], "pack");
    assert!(find("more.y")["origin"]["path"]
        .as_str()
        .unwrap()
        .ends_with("extra/more.toml"));
    assert_eq!(find("more.z")["origin"]["kind"], "pack");
    assert_eq!(
        find("plugin.check_thing")["origin"],
        serde_json::json!({"kind": "plugin", "path": ".devdoctor/plugins/check_thing"})
    );
    assert_eq!(find("plugin.check_thing")["category"], "plugin");
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["origin"]["kind"] == "builtin"));
    // and the human list says it in words
    let out = sb.run(&["list", "--checks", &d1]);
    let text = support::stdout(&out);
    assert!(text.contains("[pack tools.toml (bundled)]"), "{text}");
    assert!(
        text.contains("[pack .devdoctor/checks/team.toml]"),
        "{text}"
    );
    assert!(
        text.contains("[plugin .devdoctor/plugins/check_thing]"),
        "{text}"
    );
}

#[test]
fn missing_checks_dir_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.run(&["list", "--checks", "no-such-dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-dir"), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint:"));
}

#[test]
fn explain_shows_a_pack_checks_text_and_source() {
    let sb = Sandbox::new();
    pack(&sb, "team.toml", &one(r#"{ kind = "env", var = "A" }"#, ""));
    let out = sb.run(&["explain", "team.x"]);
    assert_eq!(out.status.code(), Some(0));
    let text = support::stdout(&out);
    assert!(text.contains("What it looks at."), "{text}");
    assert!(text.contains("pack .devdoctor/checks/team.toml"), "{text}");
}

// ---------- overrides ----------

#[test]
fn overrides_change_severity_and_disable() {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies: [python=3.11]\n",
    );
    sb.write(
        "project/Makefile",
        "setup:\n\tpip install -r requirements.txt\n",
    );
    let (v, code) = sb.json(&["pip.makefile"]);
    assert_eq!(status(&v, "pip.makefile"), "warn");
    assert_eq!(code, 0);
    pack(
        &sb,
        "ov.toml",
        "[[override]]\nid = \"pip.makefile\"\nseverity = \"fail\"\n",
    );
    let (v, code) = sb.json(&["pip.makefile"]);
    assert_eq!(status(&v, "pip.makefile"), "fail");
    assert_eq!(code, 1);
    pack(
        &sb,
        "ov.toml",
        "[[override]]\nid = \"pip.makefile\"\ndisabled = true\n",
    );
    let (list, _) = list_json(&sb, &[]);
    assert!(!list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == "pip.makefile"));
}

#[test]
fn override_of_a_built_in_check() {
    let sb = Sandbox::new();
    let (list, _) = list_json(&sb, &[]);
    let builtins: Vec<String> = list["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["origin"]["kind"] == "builtin")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let (v, _) = sb.json(&[]);
    let builtin_problem = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| builtins.iter().any(|b| c["id"] == b.as_str()))
        .find(|c| c["status"] == "fail" || c["status"] == "warn")
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        });
    let Some((id, was)) = builtin_problem else {
        panic!("expected a failing or warning built-in check in an empty sandbox: {v:#}");
    };
    let to = if was == "fail" { "warn" } else { "fail" };
    pack(
        &sb,
        "ov.toml",
        &format!("[[override]]\nid = \"{id}\"\nseverity = \"{to}\"\n"),
    );
    let (v, _) = sb.json(&[&id]);
    assert_eq!(status(&v, &id), to, "{v:#}");
    pack(
        &sb,
        "ov.toml",
        &format!("[[override]]\nid = \"{id}\"\ndisabled = true\n"),
    );
    let out = sb.run(&[&id]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a disabled check can no longer be selected"
    );
}

#[test]
fn override_of_unknown_id_suggests_the_closest() {
    let sb = Sandbox::new();
    pack(
        &sb,
        "ov.toml",
        "[[override]]\nid = \"pip.makefil\"\nseverity = \"warn\"\n",
    );
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".devdoctor/checks/ov.toml:2:"), "{err}");
    assert!(err.contains("no check `pip.makefil` to override"), "{err}");
    assert!(err.contains("did you mean `pip.makefile`"), "{err}");
}

// ---------- command probe and placeholders ----------

#[test]
fn command_probe_version_constraint() {
    let sb = Sandbox::new();
    sb.stand_in("mytool", "echo 'mytool version 1.4.2'");
    let probe = |spec: &str| {
        format!(
            r#"{{ kind = "command", argv = ["mytool", "--version"], version_regex = 'version (\S+)', version = "{spec}" }}"#
        )
    };
    let fix = "severity = \"warn\"\nfix = { why = \"Install mytool\", commands = [[\"{mamba}\", \"install\", \"-y\", \"-n\", \"{env}\", \"-c\", \"conda-forge\", \"mytool\"]] }";
    pack(&sb, "t.toml", &one(&probe(">=1.2"), fix));
    let (v, code) = run_x(&sb, &["--env", "proj"]);
    assert_eq!(status(&v, "team.x"), "ok", "{v:#}");
    assert_eq!(check(&v, "team.x")["data"]["version"], "1.4.2");
    assert_eq!(code, 0);

    pack(&sb, "t.toml", &one(&probe(">=2.0"), fix));
    let (v, _) = run_x(&sb, &["--env", "proj"]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "warn");
    assert!(c["summary"].as_str().unwrap().contains("1.4.2"), "{c:#}");
    // {mamba} becomes the detected flavour's program (micromamba when none is installed), {env} the env name
    let cmd = &c["fix"]["commands"][0];
    assert_eq!(cmd[0], "micromamba", "{c:#}");
    assert_eq!(cmd[4], "proj", "{c:#}");
    assert_eq!(cmd[7], "mytool");
}

#[test]
fn env_placeholder_comes_from_the_environment_file() {
    let sb = Sandbox::new();
    sb.write(
        "project/environment.yml",
        "name: mcp-finance-backend\nchannels: [conda-forge]\n",
    );
    let fix = "fix = { why = \"w\", commands = [[\"{mamba}\", \"install\", \"-y\", \"-n\", \"{env}\", \"-c\", \"conda-forge\", \"x\"], [\"{update_env}\"]] }";
    pack(
        &sb,
        "t.toml",
        &one(r#"{ kind = "env", var = "DD_TEST_UNSET" }"#, fix),
    );
    let (v, _) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["fix"]["commands"][0][4], "mcp-finance-backend");
    let update = c["fix"]["commands"][1].as_array().unwrap();
    assert_eq!(update[0], "micromamba");
    assert!(update.iter().any(|a| a == "mcp-finance-backend"), "{c:#}");
    assert!(update.iter().any(|a| a == "environment.yml"), "{c:#}");
}

#[test]
fn unknown_env_name_turns_the_command_into_a_manual_step() {
    let sb = Sandbox::new();
    let fix = "fix = { why = \"w\", commands = [[\"{mamba}\", \"install\", \"-y\", \"-n\", \"{env}\", \"x\"]] }";
    pack(
        &sb,
        "t.toml",
        &one(r#"{ kind = "env", var = "DD_TEST_UNSET" }"#, fix),
    );
    let (v, _) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["fix"]["commands"].as_array().unwrap().len(), 0, "{c:#}");
    let manual = c["fix"]["manual"][0].as_str().unwrap();
    assert!(
        manual.starts_with("micromamba install -y -n '<env>' x"),
        "{manual}"
    );
}

#[test]
fn command_probe_exit_code_output_missing_and_hang() {
    let sb = Sandbox::new();
    sb.stand_in(
        "flaky",
        "echo 'state: degraded'; echo 'disk almost full' >&2; exit 4",
    );
    sb.stand_in("hangs", "sleep 30");
    pack(
        &sb,
        "t.toml",
        &one(r#"{ kind = "command", argv = ["flaky"] }"#, ""),
    );
    let (v, code) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "fail");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("exited with code 4 (expected 0)"),
        "{c:#}"
    );
    assert_eq!(c["details"][0], "disk almost full");
    assert_eq!(code, 1);

    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "command", argv = ["flaky"], exit = 4, stdout_regex = '^state: ok', stderr_regex = 'full' }"#,
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    assert!(check(&v, "team.x")["summary"]
        .as_str()
        .unwrap()
        .contains("does not match /^state: ok/"));

    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "command", argv = ["flaky"], exit = 4, stdout_regex = 'degraded', stderr_regex = 'full' }"#,
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    assert_eq!(status(&v, "team.x"), "ok");

    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "command", argv = ["no-such-tool-xyz", "--version"] }"#,
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    assert!(check(&v, "team.x")["summary"]
        .as_str()
        .unwrap()
        .contains("`no-such-tool-xyz` is not installed"));

    pack(
        &sb,
        "t.toml",
        &one(r#"{ kind = "command", argv = ["hangs"] }"#, ""),
    );
    let start = std::time::Instant::now();
    let (v, code) = run_x(&sb, &["--timeout", "1"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(status(&v, "team.x"), "unknown");
    assert_eq!(code, 3);
}

// ---------- file probe ----------

#[test]
fn file_probe_exists_absent_contains_and_mode() {
    let sb = Sandbox::new();
    sb.write("project/conda-lock.yml", "version: 1\n");
    sb.write("project/requirements.txt", "x\n");
    let secret = sb.write("project/.env", "TOKEN=x\n");
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let cases = [
        (r#"{ kind = "file", path = "conda-lock.yml" }"#, "ok"),
        (
            r#"{ kind = "file", path = "missing.yml", exists = true }"#,
            "fail",
        ),
        (
            r#"{ kind = "file", path = "requirements.txt", absent = true }"#,
            "fail",
        ),
        (
            r#"{ kind = "file", path = ["*.cfg", "setup.py"], absent = true }"#,
            "ok",
        ),
        (
            r#"{ kind = "file", path = "conda-lock.yml", contains = '^version: \d' }"#,
            "ok",
        ),
        (
            r#"{ kind = "file", path = "conda-lock.yml", contains = 'platforms' }"#,
            "fail",
        ),
        (
            r#"{ kind = "file", path = ".env", max_mode = "0600" }"#,
            "fail",
        ),
        (r#"{ kind = "file", path = ".env", mode = "0644" }"#, "ok"),
        (
            r#"{ kind = "file", path = ".env", max_mode = "0644" }"#,
            "ok",
        ),
    ];
    for (probe, want) in cases {
        pack(&sb, "t.toml", &one(probe, ""));
        let (v, _) = run_x(&sb, &[]);
        assert_eq!(
            status(&v, "team.x"),
            want,
            "{probe}: {:#}",
            check(&v, "team.x")
        );
    }
}

#[test]
fn file_probe_not_contains_reports_each_location() {
    let sb = Sandbox::new();
    sb.write(
        "project/scripts/a.sh",
        "#!/bin/sh\necho hi\npip install requests\n# pip install x (comment)\n",
    );
    sb.write(
        "project/b.sh",
        "micromamba install -y -n p -c conda-forge requests\n",
    );
    sb.write("project/node_modules/c.sh", "pip install vendored\n");
    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "file", path = "**/*.sh", not_contains = '(?m)^[^#\n]*\bpip install\b' }"#,
            "severity = \"warn\"",
        ),
    );
    let (v, code) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "warn");
    assert_eq!(code, 0);
    let locs = c["locations"].as_array().unwrap();
    assert_eq!(locs.len(), 1, "{c:#}");
    assert_eq!(locs[0]["path"], "scripts/a.sh");
    assert_eq!(locs[0]["line"], 3);
    assert_eq!(locs[0]["message"], "pip install requests");
    assert!(
        c["summary"].as_str().unwrap().contains("scripts/a.sh:3"),
        "{c:#}"
    );
}

#[test]
fn file_probe_code_blocks_and_redaction() {
    let sb = Sandbox::new();
    sb.write("project/README.md", "Do not pip install anything.\n\n```sh\nmicromamba create -f environment.yml\n$ pip install extra\n```\n");
    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "file", path = "README.md", code_blocks = true, not_contains = 'pip install' }"#,
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    let locs = check(&v, "team.x")["locations"].as_array().unwrap().clone();
    assert_eq!(locs.len(), 1);
    assert_eq!(locs[0]["line"], 5);

    sb.write("project/app.env", "API_KEY=sk-live-abcdef123456\n");
    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "file", path = "app.env", redact = true, not_contains = '(?m)^(?P<name>\w*KEY)=\S+' }"#,
            "",
        ),
    );
    let out = sb.run(&["--json", "team.x"]);
    let text = support::stdout(&out);
    assert!(!text.contains("sk-live"), "secret leaked: {text}");
    assert!(
        text.contains("secret-looking value for `API_KEY` (value hidden)"),
        "{text}"
    );
    let human = support::stdout(&sb.run(&["-v", "team.x"]));
    assert!(!human.contains("sk-live"), "secret leaked: {human}");
}

// ---------- env and tcp probes ----------

#[test]
fn env_probe_set_and_matches_without_printing_secrets() {
    let mut sb = Sandbox::new();
    sb.var("MAMBA_ROOT_PREFIX", "/opt/mamba");
    sb.var("SERVICE_TOKEN", "tok-abcdef");
    let cases = [
        (r#"{ kind = "env", var = "MAMBA_ROOT_PREFIX" }"#, "ok"),
        (r#"{ kind = "env", var = "DD_UNSET_VAR" }"#, "fail"),
        (
            r#"{ kind = "env", var = "DD_UNSET_VAR", set = false }"#,
            "ok",
        ),
        (
            r#"{ kind = "env", var = "MAMBA_ROOT_PREFIX", matches = '^/opt/' }"#,
            "ok",
        ),
        (
            r#"{ kind = "env", var = "MAMBA_ROOT_PREFIX", matches = '^/home/' }"#,
            "fail",
        ),
        (
            r#"{ kind = "env", var = "SERVICE_TOKEN", matches = '^ghp_' }"#,
            "fail",
        ),
    ];
    for (probe, want) in cases {
        pack(&sb, "t.toml", &one(probe, ""));
        let out = sb.run(&["--json", "team.x"]);
        let text = support::stdout(&out);
        assert!(!text.contains("tok-abcdef"), "secret leaked: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(status(&v, "team.x"), want, "{probe}: {v:#}");
    }
}

#[test]
fn tcp_probe_open_closed_and_remote() {
    let sb = Sandbox::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let open_port = listener.local_addr().unwrap().port();
    let closed_port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cases = [
        (format!(r#"{{ kind = "tcp", port = {open_port} }}"#), "ok"),
        (
            format!(r#"{{ kind = "tcp", host = "localhost", port = {closed_port} }}"#),
            "fail",
        ),
        (
            format!(r#"{{ kind = "tcp", port = {closed_port}, open = false }}"#),
            "ok",
        ),
        (
            format!(r#"{{ kind = "tcp", port = {open_port}, open = false }}"#),
            "fail",
        ),
        (
            r#"{ kind = "tcp", host = "192.0.2.1", port = 80 }"#.to_string(),
            "skip",
        ),
    ];
    for (probe, want) in cases {
        pack(&sb, "t.toml", &one(&probe, ""));
        let (v, _) = run_x(&sb, &[]);
        assert_eq!(
            status(&v, "team.x"),
            want,
            "{probe}: {:#}",
            check(&v, "team.x")
        );
    }
    drop(listener);
}

// ---------- http probe ----------

/// Serves `n` requests with a fixed response on a loopback port.
fn serve(n: usize, status: &'static str, body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(k) => got.extend_from_slice(&buf[..k]),
                }
            }
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn http_probe_status_body_and_json() {
    let sb = Sandbox::new();
    let body = r#"{"status": "ok", "checks": {"db": {"up": true}}, "version": 3}"#;
    let port = serve(6, "200 OK", body);
    let url = format!("http://127.0.0.1:{port}/health");
    let cases = [
        (format!(r#"{{ kind = "http", url = "{url}" }}"#), "ok"),
        (
            format!(r#"{{ kind = "http", url = "{url}", status = 204 }}"#),
            "fail",
        ),
        (
            format!(r#"{{ kind = "http", url = "{url}", body_regex = '"status":\s*"ok"' }}"#),
            "ok",
        ),
        (
            format!(
                r#"{{ kind = "http", url = "{url}", json_field = "checks.db.up", json_value = true }}"#
            ),
            "ok",
        ),
        (
            format!(
                r#"{{ kind = "http", url = "{url}", json_field = "status", json_value = "degraded" }}"#
            ),
            "fail",
        ),
        (
            format!(r#"{{ kind = "http", url = "{url}", json_field = "missing" }}"#),
            "fail",
        ),
    ];
    for (probe, want) in cases {
        pack(&sb, "t.toml", &one(&probe, ""));
        let (v, _) = run_x(&sb, &[]);
        assert_eq!(
            status(&v, "team.x"),
            want,
            "{probe}: {:#}",
            check(&v, "team.x")
        );
    }
    let down = serve(1, "503 Service Unavailable", "{}");
    pack(
        &sb,
        "t.toml",
        &one(
            &format!(r#"{{ kind = "http", url = "http://localhost:{down}/health" }}"#),
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    assert!(
        check(&v, "team.x")["summary"]
            .as_str()
            .unwrap()
            .contains("503"),
        "{v:#}"
    );
}

#[test]
fn http_probe_refused_and_remote_policy() {
    let sb = Sandbox::new();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    pack(
        &sb,
        "t.toml",
        &one(
            &format!(r#"{{ kind = "http", url = "http://127.0.0.1:{closed}/" }}"#),
            "",
        ),
    );
    let (v, code) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "fail");
    assert!(
        c["summary"]
            .as_str()
            .unwrap()
            .contains("connection refused"),
        "{c:#}"
    );
    assert_eq!(code, 1);
    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "http", url = "https://example.invalid/health" }"#,
            "",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    let c = check(&v, "team.x");
    assert_eq!(c["status"], "skip", "{c:#}");
    assert!(
        c["summary"].as_str().unwrap().contains("not loopback"),
        "{c:#}"
    );
}

// ---------- when ----------

#[test]
fn when_conditions_skip_with_a_reason() {
    let mut sb = Sandbox::new();
    let probe = r#"{ kind = "env", var = "DD_UNSET_VAR" }"#;
    let cases = [
        (
            "when = { file = \"Dockerfile\" }",
            "no Dockerfile in the project",
        ),
        ("when = { os = \"windows\" }", "only applies on windows"),
        ("when = { env = \"CI\" }", "only applies when CI is set"),
        (
            "when = { command = \"no-such-tool-xyz\" }",
            "`no-such-tool-xyz` is not on PATH",
        ),
        ("when = { git = true }", "not in a git repository"),
        (
            "when = { file_all = [\"a.txt\", \"b.txt\"] }",
            "no b.txt in the project",
        ),
    ];
    sb.write("project/a.txt", "");
    for (when, reason) in cases {
        pack(&sb, "t.toml", &one(probe, when));
        let (v, _) = run_x(&sb, &[]);
        let c = check(&v, "team.x");
        assert_eq!(c["status"], "skip", "{when}: {c:#}");
        assert!(
            c["summary"].as_str().unwrap().contains(reason),
            "{when}: {c:#}"
        );
    }
    sb.var("CI", "true");
    pack(
        &sb,
        "t.toml",
        &one(
            probe,
            "when = { env = \"CI\", os = [\"linux\", \"macos\"], file = \"*.txt\" }",
        ),
    );
    let (v, _) = run_x(&sb, &[]);
    assert_eq!(status(&v, "team.x"), "fail");
}

#[test]
fn message_replaces_the_summary_and_keeps_the_probe_words() {
    let sb = Sandbox::new();
    pack(
        &sb,
        "t.toml",
        &one(
            r#"{ kind = "env", var = "DD_UNSET_VAR" }"#,
            "message = \"DD_UNSET_VAR must name the {env} environment\"",
        ),
    );
    let (v, _) = run_x(&sb, &["--env", "proj"]);
    let c = check(&v, "team.x");
    assert_eq!(c["summary"], "DD_UNSET_VAR must name the proj environment");
    assert_eq!(c["details"][0], "DD_UNSET_VAR is not set");
}
