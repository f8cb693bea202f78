//! The CLI contract: exit codes, selection, list/explain, config errors.
mod support;

use support::Sandbox;

#[test]
fn unknown_check_id_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.run(&["no.such.check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::stderr(&out).contains("hint:"));
}

#[test]
fn bad_flag_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.run(&["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_error_names_file_line_and_key() {
    let sb = Sandbox::new();
    sb.write("project/devdoctor.toml", "[env]\nname = \"x\"\nbogus = 1\n");
    let out = sb.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(err.contains("devdoctor.toml:3:"), "{err}");
    assert!(err.contains("bogus"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn version_and_help_exit_zero() {
    let sb = Sandbox::new();
    assert_eq!(sb.run(&["--version"]).status.code(), Some(0));
    assert_eq!(sb.run(&["--help"]).status.code(), Some(0));
}

#[test]
fn the_version_shortcut_prints_what_the_parser_prints() {
    let sb = Sandbox::new();
    let fast = support::stdout(&sb.run(&["--version"]));
    // With another argument, the command-line parser answers.
    let parsed = support::stdout(&sb.run(&["--color", "never", "--version"]));
    assert_eq!(fast, parsed);
    assert_eq!(fast, format!("devdoctor {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(support::stdout(&sb.run(&["-V"])), fast);
}

#[test]
fn missing_project_dir_is_a_usage_error() {
    let sb = Sandbox::new();
    let out = sb.run(&["-C", "/nonexistent/devdoctor-project"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn global_flags_work_before_and_after_subcommands() {
    let sb = Sandbox::new();
    for args in [
        &["--json", "list"][..],
        &["list", "--json"],
        &["-q", "--json", "list"],
    ] {
        let out = sb.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            support::stderr(&out)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("list JSON");
        assert!(
            v["checks"].as_array().is_some_and(|c| !c.is_empty()),
            "{args:?}"
        );
    }
}

#[test]
fn positional_ids_select_checks_without_the_check_subcommand() {
    let sb = Sandbox::new();
    let (v, _) = sb.json(&["-q", "mamba.installed"]);
    let ids: Vec<_> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(ids, vec![serde_json::json!("mamba.installed")]);
}

/// A command that runs no checks refuses check-run flags (exit 2, with where they belong)
/// instead of ignoring them; before or after `check`, they are the same run's.
#[test]
fn commands_refuse_check_run_flags_they_would_ignore() {
    let sb = Sandbox::new();
    let out = sb.run(&["--strict", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(
        err.contains("`devdoctor list` runs no checks, so it does not take --strict"),
        "{err}"
    );
    assert!(err.contains("hint: --strict shapes a check run"), "{err}");
    assert_eq!(sb.run(&["list", "--deep"]).status.code(), Some(2));
    let out = sb.run(&["--scan", "mcp", "pin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::stderr(&out).contains("it takes --timeout"));
    for args in [
        &["--skip", "env.python", "check", "env.*"][..],
        &["check", "--skip", "env.python", "env.*"],
    ] {
        let (v, _) = sb.json(args);
        let ids: Vec<&str> = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"env.file"), "{args:?}: {ids:?}");
        assert!(!ids.contains(&"env.python"), "{args:?}: {ids:?}");
    }
}
