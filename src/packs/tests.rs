//! Loader tests: the schema, every kind of validation error with its file:line:key, and the
//! bundled packs.

use super::*;
use crate::core::Status;

fn load(text: &str) -> Result<Pack, Vec<Diag>> {
    parse("team.toml", text, &Origin::Pack(PathBuf::from("team.toml")))
}

fn errors(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(d) => diags_error(&d).to_string(),
    }
}

#[test]
fn bundled_packs_are_valid() {
    for (i, p) in bundled().into_iter().enumerate() {
        if let Err(d) = p {
            panic!("{} is invalid:\n{}", BUNDLED[i].0, diags_error(&d));
        }
    }
}

/// 1-based line of the first line containing `marker`.
fn line_of(text: &str, marker: &str) -> usize {
    text.lines()
        .position(|l| l.contains(marker))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no {marker} in text"))
}

fn assert_error(text: &str, marker: &str, key: &str, needle: &str) {
    let err = errors(text);
    let line = line_of(text, marker);
    let prefix = format!("team.toml:{line}:");
    assert!(err.contains(&prefix), "expected {prefix} in:\n{err}");
    if !key.is_empty() {
        assert!(
            err.contains(&format!("key `{key}`")),
            "expected key `{key}` in:\n{err}"
        );
    }
    assert!(err.contains(needle), "expected {needle:?} in:\n{err}");
    assert!(err.contains("hint: "), "no hint in:\n{err}");
}

const GOOD: &str = r#"
[[check]]
id = "tools.trivy"
title = "Trivy image scanner is installed"
category = "docker"
severity = "warn"
when = { file = "Dockerfile" }
probe = { kind = "command", argv = ["trivy", "--version"], version_regex = 'Version: (\S+)', version = ">=0.50" }
fix = { why = "Install trivy from conda-forge", commands = [["{mamba}", "install", "-y", "-n", "base", "-c", "conda-forge", "trivy"]] }
explain = "Why this matters and what the fix does."

[[override]]
id = "env.lock"
severity = "warn"

[[override]]
id = "mamba.version"
disabled = true
"#;

#[test]
fn the_issue_example_parses() {
    let pack = load(GOOD).unwrap();
    assert_eq!(pack.checks.len(), 1);
    let c = &pack.checks[0];
    assert_eq!(c.meta.id, "tools.trivy");
    assert_eq!(c.meta.category, "docker");
    assert!(c.meta.can_fix);
    assert_eq!(c.severity, Status::Warn);
    assert_eq!(c.when.files, ["Dockerfile"]);
    assert_eq!(
        c.place,
        format!("team.toml:{}:6", line_of(GOOD, "id = \"tools.trivy\""))
    );
    let model::Probe::Command(p) = &c.probe else {
        panic!("command probe")
    };
    assert_eq!(p.argv, ["trivy", "--version"]);
    assert_eq!(p.exit, 0);
    assert!(p.version.is_some());
    assert_eq!(pack.overrides.len(), 2);
    assert_eq!(
        pack.overrides[0].action,
        OverrideAction::Severity(Status::Warn)
    );
    assert_eq!(pack.overrides[1].action, OverrideAction::Disable);
}

#[test]
fn defaults_category_and_severity() {
    let pack = load(
        "[[check]]\nid = \"team.env\"\ntitle = \"t\"\nexplain = \"e\"\nprobe = { kind = \"env\", var = \"X\" }\n",
    )
    .unwrap();
    assert_eq!(pack.checks[0].meta.category, "team");
    assert_eq!(pack.checks[0].severity, Status::Fail);
    assert!(!pack.checks[0].meta.can_fix);
}

fn with_probe(probe: &str) -> String {
    format!("[[check]]\nid = \"team.x\"\ntitle = \"t\"\nexplain = \"e\"\nprobe = {probe}\n")
}

#[test]
fn unknown_key_in_check() {
    let text = GOOD.replace("explain =", "nmae = \"x\"\nexplain =");
    assert_error(&text, "nmae", "", "nmae");
}

#[test]
fn unknown_key_in_probe_and_when() {
    let text = with_probe(r#"{ kind = "command", argv = ["x"], stdout_rgx = "a" }"#);
    assert_error(&text, "stdout_rgx", "", "stdout_rgx");
    let text = GOOD.replace("when = { file", "when = { fiel");
    assert_error(&text, "fiel", "", "fiel");
}

#[test]
fn unknown_top_level_table() {
    assert_error("[[checks]]\nid = \"a.b\"\n", "[[checks]]", "", "checks");
}

#[test]
fn key_that_does_not_fit_the_kind() {
    let text = with_probe(r#"{ kind = "command", argv = ["x"], status = 200 }"#);
    assert_error(
        &text,
        "status = 200",
        "probe.status",
        "does not apply to a `command` probe",
    );
}

#[test]
fn unknown_kind() {
    let text = with_probe(r#"{ kind = "socket", port = 1 }"#);
    assert_error(&text, "socket", "probe.kind", "unknown probe kind `socket`");
}

#[test]
fn bad_regexes() {
    for key in ["stdout_regex", "stderr_regex", "version_regex"] {
        let text = with_probe(&format!(
            r#"{{ kind = "command", argv = ["x"], {key} = '(unclosed' }}"#
        ));
        assert_error(
            &text,
            "(unclosed",
            &format!("probe.{key}"),
            "bad regular expression",
        );
    }
    let text = with_probe(r#"{ kind = "file", path = "a", not_contains = '[z-a]' }"#);
    assert_error(
        &text,
        "[z-a]",
        "probe.not_contains",
        "bad regular expression",
    );
    let text = with_probe(r#"{ kind = "env", var = "A", matches = '\p{Nope}' }"#);
    assert_error(&text, "Nope", "probe.matches", "bad regular expression");
}

#[test]
fn named_matchers() {
    let text = with_probe(r#"{ kind = "file", path = "a", matcher = "pip-instal" }"#);
    assert_error(&text, "pip-instal", "probe.matcher", "unknown matcher");
    assert!(
        errors(&text).contains("pip-install-make"),
        "{}",
        errors(&text)
    );
    let text =
        with_probe(r#"{ kind = "file", path = "a", matcher = "pip-install", not_contains = 'x' }"#);
    assert_error(&text, "pip-install", "probe.matcher", "both given");
    let text = with_probe(r#"{ kind = "file", path = "a", matcher = "secret-assignment" }"#);
    assert!(load(&text).is_ok());
    let text = with_probe(r#"{ kind = "env", var = "A", matcher = "pip-install" }"#);
    assert!(load(&text).is_err());
}

#[test]
fn bad_version_constraint() {
    let text = GOOD.replace("\">=0.50\"", "\">>0.50\"");
    assert_error(
        &text,
        ">>0.50",
        "probe.version",
        "bad version constraint `>>0.50`",
    );
    let text = with_probe(r#"{ kind = "command", argv = ["x"], version = ">=1" }"#);
    assert_error(
        &text,
        "version = \">=1\"",
        "probe.version",
        "needs `version_regex`",
    );
}

#[test]
fn duplicate_ids_in_one_file() {
    let text = format!(
        "{}\n{}",
        with_probe(r#"{ kind = "env", var = "A" }"#),
        with_probe(r#"{ kind = "env", var = "B" }"#)
    );
    let err = errors(&text);
    assert!(err.contains("team.toml:8:6:"), "{err}");
    assert!(
        err.contains("duplicate check id `team.x`; already defined at team.toml:2:"),
        "{err}"
    );
}

#[test]
fn pip_fixes_are_rejected_with_their_line() {
    for cmd in [
        r#"["pip", "install", "trivy"]"#,
        r#"["python", "-m", "pip", "install", "x"]"#,
        r#"["/usr/bin/pip3.11", "install", "x"]"#,
        r#"["uv", "pip", "install", "x"]"#,
        r#"["sh", "-c", "cd /app && pip install ."]"#,
    ] {
        let text = format!(
            "{}fix = {{ why = \"w\", commands = [\n  [\"{{mamba}}\", \"install\", \"-y\", \"-n\", \"base\", \"-c\", \"conda-forge\", \"pip\"],\n  {cmd},\n] }}\n",
            with_probe(r#"{ kind = "env", var = "A" }"#)
        );
        assert_error(&text, cmd, "fix.commands[1]", "this fix invokes pip");
    }
    let text = format!(
        "{}fix = {{ why = \"w\", manual = [\"run `pip install foo`\"] }}\n",
        with_probe(r#"{ kind = "env", var = "A" }"#)
    );
    assert_error(&text, "pip install foo", "fix.manual[0]", "invokes pip");
}

#[test]
fn placeholders_are_checked() {
    let text = format!(
        "{}fix = {{ why = \"w\", commands = [[\"{{mambo}}\", \"install\"]] }}\n",
        with_probe(r#"{ kind = "env", var = "A" }"#)
    );
    assert_error(
        &text,
        "mambo",
        "fix.commands[0]",
        "unknown placeholder `{mambo}`",
    );
    let text = format!(
        "{}fix = {{ why = \"w\", commands = [[\"{{update_env}}\", \"-y\"]] }}\n",
        with_probe(r#"{ kind = "env", var = "A" }"#)
    );
    assert_error(
        &text,
        "update_env",
        "fix.commands[0]",
        "must be the whole command",
    );
}

#[test]
fn severities_ids_and_overrides() {
    let text = GOOD.replace("severity = \"warn\"\nwhen", "severity = \"error\"\nwhen");
    assert_error(
        &text,
        "\"error\"",
        "severity",
        "severity `error` is not allowed",
    );
    let text = GOOD.replace("\"tools.trivy\"", "\"Trivy\"");
    assert_error(&text, "\"Trivy\"", "id", "not of the form `area.name`");
    let text = GOOD.replace("\"tools.trivy\"", "\"plugin.trivy\"");
    assert_error(&text, "plugin.trivy", "id", "`plugin.` prefix");
    let text = "[[override]]\nid = \"env.lock\"\n";
    assert_error(text, "env.lock", "override", "changes nothing");
    let text = "[[override]]\nid = \"env.lock\"\nseverity = \"skip\"\n";
    assert_error(text, "skip", "override.severity", "not allowed");
}

#[test]
fn other_value_checks() {
    let cases = [
        (r#"{ kind = "tcp", port = 70000 }"#, "70000", "probe.port"),
        (
            r#"{ kind = "http", url = "ftp://x" }"#,
            "ftp://x",
            "probe.url",
        ),
        (
            r#"{ kind = "http", url = "http://127.0.0.1/", status = 42 }"#,
            "42",
            "probe.status",
        ),
        (
            r#"{ kind = "file", path = "a", mode = "rwx" }"#,
            "rwx",
            "probe.mode",
        ),
        (
            r#"{ kind = "file", path = "[", exists = true }"#,
            "path = \"[\"",
            "probe.path",
        ),
        (
            r#"{ kind = "file", path = "a", exists = true, absent = true }"#,
            "absent",
            "probe.absent",
        ),
        (
            r#"{ kind = "command", argv = [] }"#,
            "argv = []",
            "probe.argv",
        ),
        (
            r#"{ kind = "command", argv = ["x"], timeout = -1.0 }"#,
            "timeout",
            "probe.timeout",
        ),
        (
            r#"{ kind = "command" }"#,
            "kind = \"command\"",
            "probe.argv",
        ),
    ];
    for (probe, marker, key) in cases {
        let text = with_probe(probe);
        assert_error(&text, marker, key, "");
    }
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = format!(
        "{}\n[[check]]\nid = \"team.y\"\ntitle = \"t\"\nexplain = \"e\"\nprobe = {{ kind = \"env\", var = \"A\", matches = '(' }}\n",
        with_probe(r#"{ kind = "command", argv = ["x"], version_regex = "(", version = "!!" }"#)
    );
    let err = errors(&text);
    assert!(err.starts_with("3 problems in check packs"), "{err}");
}
