//! Machine formats rendered in-process from a report with every status, locations, fixes,
//! unicode, control characters and a redacted secret, then read back with real parsers:
//! quick-junit's deserialiser and serde-sarif's types always; Python's XML parser, the
//! official SARIF 2.1.0 JSON schema (jsonschema), tap.py and prometheus_client when the
//! test venv exists (`skipped:` without it, a failure under DEVDOCTOR_E2E=1).
mod support;

use devdoctor::cli::Format;
use devdoctor::core::{CheckMeta, CheckResult, Fix, Location, Origin, Status};
use devdoctor::report::{self, Entry, HumanOptions, RenderOptions, Report};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

const PROJECT: &str = "/work/demo project";
const REDACTED: &str = "API_KEY=<redacted>";

fn entry(id: &str, category: &str, result: CheckResult, ms: u64) -> Entry {
    Entry {
        meta: CheckMeta {
            id: id.into(),
            category: category.into(),
            title: format!("Title of {id}"),
            can_fix: result.fix.is_some(),
            explain: format!("What {id} looks at, why it matters, how to fix it."),
            origin: Origin::Builtin,
        },
        result,
        duration: Duration::from_millis(ms),
    }
}

/// Every status; with and without locations and fixes; unicode; control characters; a
/// redacted secret; an id full of characters that need escaping.
fn sample(strict: bool) -> Report {
    let entries = vec![
        entry(
            "mamba.installed",
            "mamba",
            CheckResult::ok("micromamba 2.0.5 at ~/.local/bin/micromamba")
                .detail("root prefix ~/micromamba"),
            3,
        ),
        entry(
            "env.python",
            "env",
            CheckResult::fail("Python 3.10 ≠ 3.12 required by «environment.yml»")
                .detail("prefix ~/micromamba/envs/app")
                .location(
                    Location::new(
                        format!("{PROJECT}/environment.yml"),
                        5,
                        "python=3.12 pinned here",
                    )
                    .rule("python-pin"),
                )
                .with_fix(
                    Fix::new("Install the pinned Python into the environment").cmd([
                        "micromamba",
                        "install",
                        "-y",
                        "-n",
                        "app",
                        "python=3.12",
                    ]),
                ),
            12,
        ),
        entry(
            "dockerfile.user",
            "dockerfile",
            CheckResult::warn(
                "container runs as \u{1b}[1mroot\u{1b}[0m\u{7} (no USER) # see CIS 4.1",
            )
            .location(Location::new(
                "Dockerfile",
                0,
                "no USER instruction in the final stage",
            ))
            .location(Location::new("docker/app dir/Dockerfile", 12, "USER root").rule("no-root"))
            .with_fix(
                Fix::new("Add a non-root user").manual("add `USER mambauser` after the last RUN"),
            ),
            1,
        ),
        entry(
            "mcp.health",
            "mcp",
            CheckResult::unknown("GET /health timed out after 5 s: <html> & \"quotes\" 'apos'")
                .detail("line one\r\nline two\u{0}nul\u{85}nel\u{2028}sep"),
            5000,
        ),
        entry(
            "compose.file",
            "compose",
            CheckResult::skip("no compose file # nothing to do"),
            0,
        ),
        entry(
            "secrets.env",
            "secrets",
            CheckResult::fail(format!("{REDACTED} committed in .env"))
                .location(Location::new(".env", 2, REDACTED))
                .with_fix(Fix::new("Remove the secret from git").manual("git rm --cached .env")),
            1,
        ),
        entry(
            "plugin.check \"odd\" | name #1\\",
            "plugin",
            CheckResult::ok("perfdata | x=1"),
            2,
        ),
    ];
    Report::new(
        entries,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        Duration::from_millis(5031),
        strict,
        None,
    )
}

fn opts(verbose: u8) -> RenderOptions {
    RenderOptions {
        human: HumanOptions { quiet: 0, verbose },
        project_dir: Some(PathBuf::from(PROJECT)),
    }
}

fn render(format: Format, report: &Report) -> String {
    report::render(report, format, &opts(0))
}

fn empty() -> Report {
    Report::new(vec![], SystemTime::now(), Duration::ZERO, false, None)
}

// ---------- Python validators (the test venv) ----------

fn venv_python() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/python")
}

/// Whether the venv has every module the validators import.
fn python_ready() -> bool {
    let ok = Command::new(venv_python())
        .args([
            "-c",
            "import jsonschema, rfc3987, rfc3339_validator, tap.parser, yaml, more_itertools, prometheus_client",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    support::e2e_available(
        "the test venv target/ci-venv with jsonschema rfc3987 rfc3339-validator tap.py PyYAML more-itertools prometheus_client",
        ok,
    )
}

/// Runs `script` with the rendered text in a file as argv[1]; the script prints JSON.
fn python(script: &str, text: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .arg(&file)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/formats/sarif-schema-2.1.0.json"
        ))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "validator failed:\n{}\n--- input ---\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "validator printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

// ---------- JUnit ----------

#[test]
fn junit_round_trips_through_quick_junit() {
    use quick_junit::{NonSuccessKind, TestCaseStatus};
    let xml = render(Format::Junit, &sample(false));
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{xml}"
    );
    let j =
        quick_junit::Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!((j.tests, j.failures, j.errors), (7, 2, 1));
    let cases: Vec<_> = j.test_suites.iter().flat_map(|s| &s.test_cases).collect();
    assert_eq!(cases.len(), 7);
    let case = |id: &str| *cases.iter().find(|c| c.name.as_str() == id).unwrap();
    assert_eq!(case("env.python").classname.as_deref(), Some("env"));
    match &case("env.python").status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            message,
            description,
            ty,
            ..
        } => {
            assert_eq!(
                message.as_deref(),
                Some("Python 3.10 ≠ 3.12 required by «environment.yml»")
            );
            assert_eq!(ty.as_deref(), Some("fail"));
            let d = description.as_deref().unwrap();
            assert!(
                d.contains("at environment.yml:5: python=3.12 pinned here"),
                "{d}"
            );
            assert!(
                d.contains("$ micromamba install -y -n app 'python=3.12'"),
                "{d}"
            );
        }
        other => panic!("env.python: {other:?}"),
    }
    // warn passes, with the finding in system-out.
    assert!(matches!(
        case("dockerfile.user").status,
        TestCaseStatus::Success { .. }
    ));
    let out = case("dockerfile.user").system_out.as_deref().unwrap();
    assert!(
        out.contains("warn: container runs as root\u{fffd} (no USER)"),
        "{out}"
    );
    assert!(out.contains("at Dockerfile: no USER instruction"), "{out}");
    assert!(matches!(
        case("mcp.health").status,
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            ..
        }
    ));
    assert!(matches!(
        case("compose.file").status,
        TestCaseStatus::Skipped { .. }
    ));
    assert!(
        case("plugin.check \"odd\" | name #1\\")
            .classname
            .as_deref()
            == Some("plugin")
    );
    // XML special characters survive escaping; nothing un-redacts.
    match &case("mcp.health").status {
        TestCaseStatus::NonSuccess { message, .. } => assert_eq!(
            message.as_deref(),
            Some("GET /health timed out after 5 s: <html> & \"quotes\" 'apos'")
        ),
        other => panic!("{other:?}"),
    }
    assert!(xml.contains("API_KEY=&lt;redacted&gt;"), "{xml}");
}

#[test]
fn junit_is_well_formed_for_python_xml() {
    if !python_ready() {
        return;
    }
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
out = {"root": root.tag, "suites": len(root.findall("testsuite")), "cases": {}}
for c in cases:
    kids = [k.tag for k in c]
    body = "".join((k.text or "") for k in c)
    out["cases"][c.get("name")] = {"classname": c.get("classname"), "kids": kids, "body": body,
                                   "message": next((k.get("message") for k in c if k.get("message") is not None), None)}
print(json.dumps(out))
"#;
    let v = python(script, &render(Format::Junit, &sample(false)));
    assert_eq!(v["root"], "testsuites");
    assert_eq!(v["suites"], 7);
    let c = &v["cases"];
    assert_eq!(c["env.python"]["kids"], serde_json::json!(["failure"]));
    assert_eq!(c["mcp.health"]["kids"], serde_json::json!(["error"]));
    assert_eq!(c["compose.file"]["kids"], serde_json::json!(["skipped"]));
    assert_eq!(
        c["dockerfile.user"]["kids"],
        serde_json::json!(["system-out"])
    );
    assert_eq!(
        c["mamba.installed"]["kids"],
        serde_json::json!(["system-out"])
    );
    assert_eq!(
        c["secrets.env"]["message"],
        format!("{REDACTED} committed in .env")
    );
    let body = c["mcp.health"]["body"].as_str().unwrap();
    assert!(
        body.contains("line one\nline two\u{fffd}nul\u{fffd}nel\u{fffd}sep"),
        "{body:?}"
    );
    assert!(c["plugin.check \"odd\" | name #1\\"].is_object());
}

// ---------- SARIF ----------

#[test]
fn sarif_results_rules_levels_and_uris() {
    let text = render(Format::Sarif, &sample(false));
    // serde-sarif's types are generated from the same schema: the output reads back into them.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_str(&text).unwrap();
    assert_eq!(typed.runs.len(), 1);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "devdoctor");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        run["originalUriBaseIds"]["PROJECTROOT"]["uri"],
        "file:///work/demo%20project/"
    );
    assert_eq!(run["invocations"][0]["exitCode"], 1);
    let results = run["results"].as_array().unwrap();
    // Only located findings of warn/fail/unknown checks: env.python 1, dockerfile.user 2, secrets.env 1.
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "env.python/python-pin",
            "dockerfile.user",
            "dockerfile.user/no-root",
            "secrets.env"
        ]
    );
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "warning", "error"]);
    let loc = |i: usize| &results[i]["locations"][0]["physicalLocation"];
    assert_eq!(loc(0)["artifactLocation"]["uri"], "environment.yml");
    assert_eq!(loc(0)["artifactLocation"]["uriBaseId"], "PROJECTROOT");
    assert_eq!(loc(0)["region"]["startLine"], 5);
    // Line 0 = the whole file: no region.
    assert!(loc(1).get("region").is_none(), "{}", loc(1));
    assert_eq!(
        loc(2)["artifactLocation"]["uri"],
        "docker/app%20dir/Dockerfile"
    );
    assert_eq!(results[3]["message"]["text"], REDACTED);
    assert_eq!(
        results[0]["properties"]["fix"]["commands"][0],
        serde_json::json!(["micromamba", "install", "-y", "-n", "app", "python=3.12"])
    );
    // Rules: one per ruleId, indexed by ruleIndex, with title and explain.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    assert_eq!(
        rules[0]["shortDescription"]["text"],
        "Title of env.python (python-pin)"
    );
    assert!(rules[0]["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("What env.python"));
    assert!(rules[0]["help"]["text"].is_string());
}

#[test]
fn sarif_levels_for_unknown_and_an_empty_run() {
    let r = Report::new(
        vec![entry(
            "compose.parse",
            "compose",
            CheckResult::unknown("cannot read compose.yaml").location(Location::new(
                "compose.yaml",
                0,
                "permission denied",
            )),
            1,
        )],
        SystemTime::now(),
        Duration::ZERO,
        false,
        None,
    );
    let v: Value = serde_json::from_str(&render(Format::Sarif, &r)).unwrap();
    assert_eq!(v["runs"][0]["results"][0]["level"], "note");
    let v: Value = serde_json::from_str(&render(Format::Sarif, &empty())).unwrap();
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
}

const SARIF_SCHEMA_CHECK: &str = r#"
import json, sys, jsonschema
doc = json.load(open(sys.argv[1], encoding="utf-8"))
schema = json.load(open(sys.argv[2], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema, format_checker=cls.FORMAT_CHECKER)
errors = [f"{list(e.absolute_path)}: {e.message}" for e in v.iter_errors(doc)]
# Prove the format checker is armed: a bad uri-reference must be rejected.
probe = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
         "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a b\\c"}}}]}]}]}
armed = any(True for _ in v.iter_errors(probe))
print(json.dumps({"errors": errors, "armed": armed}))
"#;

#[test]
fn sarif_validates_against_the_official_schema() {
    if !python_ready() {
        return;
    }
    for (name, report) in [
        ("sample", sample(false)),
        ("strict", sample(true)),
        ("empty", empty()),
    ] {
        let v = python(SARIF_SCHEMA_CHECK, &render(Format::Sarif, &report));
        assert_eq!(v["errors"], serde_json::json!([]), "{name}: {v}");
        assert_eq!(
            v["armed"], true,
            "the uri-reference format check is not active"
        );
    }
}

// ---------- TAP ----------

#[test]
fn tap_lines_directives_and_yaml() {
    let tap = render(Format::Tap, &sample(false));
    let lines: Vec<&str> = tap.lines().collect();
    assert_eq!(lines[0], "TAP version 13");
    assert_eq!(lines[1], "1..7");
    let results: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("ok ") || l.starts_with("not ok "))
        .collect();
    assert_eq!(results.len(), 7);
    assert_eq!(
        results[0],
        "ok 1 - mamba.installed: micromamba 2.0.5 at ~/.local/bin/micromamba"
    );
    assert_eq!(
        results[1],
        "not ok 2 - env.python: Python 3.10 ≠ 3.12 required by «environment.yml»"
    );
    assert_eq!(
        results[2],
        "not ok 3 - dockerfile.user # TODO warning (fatal only with --strict): container runs as root\u{fffd} (no USER) # see CIS 4.1"
    );
    assert!(
        results[3].starts_with("not ok 4 - mcp.health: "),
        "{}",
        results[3]
    );
    assert_eq!(
        results[4],
        "ok 5 - compose.file # SKIP no compose file # nothing to do"
    );
    assert_eq!(
        results[6],
        "ok 7 - plugin.check \"odd\" | name \\#1\\\\: perfdata | x=1"
    );
    assert!(
        tap.contains("  ---\n  id: \"env.python\"\n  category: \"env\"\n  status: \"fail\"\n"),
        "{tap}"
    );
    assert!(
        tap.contains("    commands:\n      - \"micromamba install -y -n app 'python=3.12'\"\n"),
        "{tap}"
    );
    assert!(lines
        .last()
        .unwrap()
        .starts_with("# devdoctor: 2 ok, 1 warn, 2 fail, 1 unknown, 1 skip"));
    // Under --strict a warning is a plain failure.
    let strict = render(Format::Tap, &sample(true));
    assert!(strict.contains(
        "not ok 3 - dockerfile.user: container runs as root\u{fffd} (no USER) \\# see CIS 4.1\n"
    ));
    assert_eq!(
        render(Format::Tap, &empty()),
        "TAP version 13\n1..0 # SKIP no checks were selected\n"
    );
}

const TAP_CHECK: &str = r#"
import json, sys, yaml
from tap.parser import Parser
from tap.line import Result, Plan, Version
out = {"version": None, "plan": None, "results": [], "unknown": []}
p = Parser()
for line in p.parse_file(sys.argv[1]):
    if isinstance(line, Version):
        out["version"] = line.version
    elif isinstance(line, Plan):
        out["plan"] = [line.expected_tests, line.skip]
    elif isinstance(line, Result):
        block = line._yaml_block
        parsed = yaml.safe_load(block) if block is not None else None  # raises on bad YAML
        out["results"].append({"ok": line.ok, "number": line.number, "skip": line.skip,
                               "todo": line.todo, "yaml": parsed, "description": line.description})
    elif line.category == "unknown":
        out["unknown"].append(str(line))
print(json.dumps(out))
"#;

#[test]
fn tap_parses_with_tap_py() {
    if !python_ready() {
        return;
    }
    let v = python(TAP_CHECK, &render(Format::Tap, &sample(false)));
    assert_eq!(v["version"], 13);
    assert_eq!(v["plan"], serde_json::json!([7, false]));
    assert_eq!(
        v["unknown"],
        serde_json::json!([]),
        "lines tap.py could not place: {v}"
    );
    let r = v["results"].as_array().unwrap();
    let flags: Vec<(bool, bool, bool)> = r
        .iter()
        .map(|x| {
            (
                x["ok"].as_bool().unwrap(),
                x["skip"].as_bool().unwrap(),
                x["todo"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            (true, false, false),
            (false, false, false),
            (false, false, true),
            (false, false, false),
            (true, true, false),
            (false, false, false),
            (true, false, false),
        ]
    );
    let y = &r[1]["yaml"];
    assert_eq!(y["status"], "fail");
    assert_eq!(y["locations"][0]["path"], "environment.yml");
    assert_eq!(y["locations"][0]["line"], 5);
    let dockerfile = &r[2]["yaml"]["locations"];
    assert_eq!(dockerfile[0]["path"], "Dockerfile");
    assert!(
        dockerfile[0].get("line").is_none(),
        "line 0 = the whole file: {dockerfile}"
    );
    assert_eq!(y["locations"][0]["rule"], "python-pin");
    assert_eq!(
        y["fix"]["commands"][0],
        "micromamba install -y -n app 'python=3.12'"
    );
    // Control characters survive as YAML escapes and come back exactly.
    assert_eq!(
        r[3]["yaml"]["details"][0],
        "line one\r\nline two\u{0}nul\u{85}nel\u{2028}sep"
    );
    assert_eq!(
        r[5]["yaml"]["summary"],
        format!("{REDACTED} committed in .env")
    );
    assert!(r[0]["yaml"].is_null(), "ok checks carry no YAML without -v");
    // -v: a YAML block under every check.
    let verbose = report::render(&sample(false), Format::Tap, &opts(1));
    let v = python(TAP_CHECK, &verbose);
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["yaml"].is_object()),
        "{v}"
    );
    let v = python(TAP_CHECK, &render(Format::Tap, &empty()));
    assert_eq!(v["plan"], serde_json::json!([0, true]));
}

// ---------- Prometheus ----------

/// A strict reader for the sample lines devdoctor writes: name, escaped labels, value.
/// One sample: metric name, labels in order, value.
type Sample = (String, Vec<(String, String)>, f64);

fn prom_samples(text: &str) -> Vec<Sample> {
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') {
            let parts: Vec<&str> = line.splitn(4, ' ').collect();
            assert!(matches!(parts[1], "HELP" | "TYPE"), "{line}");
            continue;
        }
        let (name, rest) = match line.find('{') {
            Some(i) => (&line[..i], &line[i..]),
            None => line.split_at(line.find(' ').unwrap()),
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let mut labels = Vec::new();
        let mut rest = rest;
        if let Some(body) = rest.strip_prefix('{') {
            let mut chars = body.char_indices();
            let mut key = String::new();
            loop {
                let (i, c) = chars.next().expect("unterminated labels");
                match c {
                    '}' => {
                        rest = &body[i + 1..];
                        break;
                    }
                    ',' => {}
                    '=' => {
                        assert_eq!(chars.next().map(|x| x.1), Some('"'), "{line}");
                        let mut value = String::new();
                        loop {
                            match chars.next().expect("unterminated value").1 {
                                '\\' => match chars.next().expect("dangling escape").1 {
                                    '\\' => value.push('\\'),
                                    '"' => value.push('"'),
                                    'n' => value.push('\n'),
                                    other => panic!("bad escape \\{other} in {line}"),
                                },
                                '"' => break,
                                '\n' => panic!("raw newline in {line}"),
                                c => value.push(c),
                            }
                        }
                        labels.push((std::mem::take(&mut key), value));
                    }
                    c => key.push(c),
                }
            }
        }
        let value: f64 = rest
            .trim()
            .parse()
            .unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            !rest.trim().contains(' '),
            "timestamps are not allowed in textfiles: {line}"
        );
        out.push((name.to_string(), labels, value));
    }
    out
}

#[test]
fn prometheus_state_set_counts_and_escaping() {
    let text = render(Format::Prometheus, &sample(false));
    assert!(text.ends_with('\n'));
    let samples = prom_samples(&text);
    let status = |id: &str, s: &str| {
        samples
            .iter()
            .find(|(n, l, _)| {
                n == "devdoctor_check_status"
                    && l.iter().any(|(k, v)| k == "id" && v == id)
                    && l.iter().any(|(k, v)| k == "status" && v == s)
            })
            .map(|x| x.2)
    };
    assert_eq!(status("env.python", "fail"), Some(1.0));
    assert_eq!(status("env.python", "ok"), Some(0.0));
    let odd = "plugin.check \"odd\" | name #1\\";
    assert_eq!(status(odd, "ok"), Some(1.0));
    let per_check = samples
        .iter()
        .filter(|s| s.0 == "devdoctor_check_status")
        .count();
    assert_eq!(per_check, 7 * 5, "one series per check and status");
    let value = |name: &str| samples.iter().find(|s| s.0 == name).map(|s| s.2);
    assert_eq!(value("devdoctor_exit_code"), Some(1.0));
    assert_eq!(value("devdoctor_run_duration_seconds"), Some(5.031));
    assert_eq!(
        value("devdoctor_last_run_timestamp_seconds"),
        Some(1_700_000_000.0)
    );
    let count = |s: &str| {
        samples
            .iter()
            .find(|x| x.0 == "devdoctor_checks" && x.1[0].1 == s)
            .map(|x| x.2)
    };
    assert_eq!(
        [
            count("ok"),
            count("warn"),
            count("fail"),
            count("unknown"),
            count("skip")
        ],
        [Some(2.0), Some(1.0), Some(2.0), Some(1.0), Some(1.0)]
    );
    // HELP/TYPE once per family, before its samples.
    let types = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
    let helps = text.lines().filter(|l| l.starts_with("# HELP ")).count();
    assert_eq!((types, helps), (7, 7));
}

const PROM_CHECK: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(open(sys.argv[1], encoding="utf-8").read()))
print(json.dumps([{"name": f.name, "type": f.type, "documentation": f.documentation,
                   "samples": [[s.name, s.labels, s.value, s.timestamp] for s in f.samples]} for f in fams]))
"#;

#[test]
fn prometheus_parses_with_prometheus_client() {
    if !python_ready() {
        return;
    }
    let v = python(PROM_CHECK, &render(Format::Prometheus, &sample(false)));
    let fams = v.as_array().unwrap();
    let names: Vec<&str> = fams.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "devdoctor_check_status",
            "devdoctor_check_duration_seconds",
            "devdoctor_checks",
            "devdoctor_run_duration_seconds",
            "devdoctor_last_run_timestamp_seconds",
            "devdoctor_exit_code",
            "devdoctor_build_info"
        ]
    );
    assert!(fams.iter().all(|f| f["type"] == "gauge"));
    let status = &fams[0]["samples"];
    assert_eq!(status.as_array().unwrap().len(), 35);
    let odd = status
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s[1]["id"] == "plugin.check \"odd\" | name #1\\" && s[1]["status"] == "ok")
        .expect("the escaped id reads back exactly");
    assert_eq!(odd[2], 1.0);
    assert!(
        status.as_array().unwrap().iter().all(|s| s[3].is_null()),
        "no timestamps"
    );
    let v = python(PROM_CHECK, &render(Format::Prometheus, &empty()));
    assert_eq!(v[0]["samples"], serde_json::json!([]));
}

// ---------- Nagios ----------

#[test]
fn nagios_line_perfdata_and_exit_codes() {
    let text = render(Format::Nagios, &sample(false));
    assert_eq!(text.lines().count(), 1, "{text}");
    let line = text.trim_end();
    let (status, perf) = line.split_once(" | ").unwrap();
    assert!(!status.contains('|') && !perf.contains('|'), "{line}");
    assert_eq!(
        status,
        "DEVDOCTOR CRITICAL - 2 failed (env.python, secrets.env), 1 could not be checked (mcp.health), \
         1 warning (dockerfile.user), 2 ok, 1 skipped"
    );
    // Perfdata per the plugin guidelines: 'label'=value[UOM];warn;crit, no scientific notation.
    let re = regex::Regex::new(r"^[a-z]+=\d+(\.\d+)?s?;;$").unwrap();
    let labels: Vec<&str> = perf
        .split(' ')
        .map(|p| {
            assert!(re.is_match(p), "bad perfdata `{p}`");
            p.split('=').next().unwrap()
        })
        .collect();
    assert_eq!(
        labels,
        ["ok", "warn", "fail", "unknown", "skip", "duration"]
    );
    assert!(perf.contains("duration=5.031s;;"), "{perf}");

    assert_eq!(report::exit_code(&sample(false), Format::Nagios), 2);
    assert_eq!(report::exit_code(&sample(false), Format::Json), 1);
    let one = |r: CheckResult| {
        Report::new(
            vec![entry("a.b", "a", r, 0)],
            SystemTime::now(),
            Duration::ZERO,
            false,
            None,
        )
    };
    for (result, code, word) in [
        (CheckResult::ok("fine"), 0, "OK"),
        (CheckResult::warn("hm"), 1, "WARNING"),
        (CheckResult::fail("no"), 2, "CRITICAL"),
        (CheckResult::unknown("?"), 3, "UNKNOWN"),
        (CheckResult::skip("n/a"), 0, "OK"),
    ] {
        let r = one(result);
        assert_eq!(report::exit_code(&r, Format::Nagios), code);
        assert!(render(Format::Nagios, &r).starts_with(&format!("DEVDOCTOR {word} - ")));
    }
    assert_eq!(report::exit_code(&empty(), Format::Nagios), 3);
}

// ---------- Secrets and escaping across every format ----------

#[test]
fn no_format_loses_the_redaction_or_leaks_data() {
    let mut r = sample(false);
    // `data` is for JSON consumers only; a value placed there must not reach other formats.
    r.entries[5]
        .result
        .data
        .insert("raw".into(), "s3cr3t-value".into());
    for format in [
        Format::Junit,
        Format::Sarif,
        Format::Tap,
        Format::Prometheus,
        Format::Nagios,
    ] {
        let text = report::render(&r, format, &opts(1));
        assert!(
            !text.contains("s3cr3t-value"),
            "{format:?} printed result data"
        );
        assert!(
            !text.contains('\u{1b}'),
            "{format:?} kept a terminal escape"
        );
        assert!(
            !text.contains('\u{7}') && !text.contains('\u{0}'),
            "{format:?} kept a control char"
        );
        if !matches!(format, Format::Prometheus) {
            let redacted = match format {
                Format::Junit => "API_KEY=&lt;redacted&gt;",
                _ => REDACTED,
            };
            assert!(
                text.contains(redacted),
                "{format:?} lost the redacted marker:\n{text}"
            );
        }
    }
}

#[test]
fn statuses_cover_every_variant() {
    // The sample must keep covering every status, or the tests above prove less than they say.
    let r = sample(false);
    for s in [
        Status::Ok,
        Status::Warn,
        Status::Fail,
        Status::Unknown,
        Status::Skip,
    ] {
        assert!(
            r.entries.iter().any(|e| e.result.status == s),
            "{s} missing"
        );
    }
}
