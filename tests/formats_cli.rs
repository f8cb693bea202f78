//! `--format` and `--output` through the real binary. The JSON report of the same sandbox is
//! the truth each machine format is compared with (same checks, same statuses, same exit
//! code — except nagios, which maps the exit code to 0/1/2/3 = OK/WARNING/CRITICAL/UNKNOWN).
mod support;

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::Sandbox;

/// A sandbox whose project has a Dockerfile, so file-located findings can appear.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "project/Dockerfile",
        "FROM python:3.12\nRUN pip install flask\nCMD [\"python\", \"app.py\"]\n",
    );
    sb.write(
        "project/environment.yml",
        "name: demo\nchannels: [conda-forge]\ndependencies:\n  - python=3.12\n",
    );
    sb
}

fn truth(sb: &Sandbox) -> (Value, i32) {
    sb.json(&[])
}

fn statuses(json: &Value) -> Vec<(String, String)> {
    json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn run_format(sb: &Sandbox, format: &str) -> (String, i32) {
    let out = sb.run(&["--format", format]);
    assert!(
        out.status.code().is_some(),
        "killed: {}",
        support::stderr(&out)
    );
    (support::stdout(&out), out.status.code().unwrap())
}

#[test]
fn junit_from_the_binary_matches_the_json_verdict() {
    let sb = sandbox();
    let (json, code) = truth(&sb);
    let (xml, jcode) = run_format(&sb, "junit");
    assert_eq!(jcode, code);
    let report =
        quick_junit::Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let expected = statuses(&json);
    assert_eq!(report.tests, expected.len());
    let fails = expected.iter().filter(|(_, s)| s == "fail").count();
    let unknown = expected.iter().filter(|(_, s)| s == "unknown").count();
    assert_eq!((report.failures, report.errors), (fails, unknown));
    for (id, _) in &expected {
        assert!(
            report
                .test_suites
                .iter()
                .flat_map(|s| &s.test_cases)
                .any(|c| c.name.as_str() == id),
            "no testcase {id}"
        );
    }
}

#[test]
fn sarif_tap_prometheus_from_the_binary() {
    let sb = sandbox();
    let (json, code) = truth(&sb);
    let n = json["checks"].as_array().unwrap().len();

    let (sarif, scode) = run_format(&sb, "sarif");
    assert_eq!(scode, code);
    let v: Value = serde_json::from_str(&sarif).unwrap();
    let _typed: serde_sarif::sarif::Sarif = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["invocations"][0]["exitCode"], code);
    let located: usize = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| matches!(c["status"].as_str(), Some("warn" | "fail" | "unknown")))
        .map(|c| c["locations"].as_array().map_or(0, |l| l.len()))
        .sum();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), located);
    let base = v["runs"][0]["originalUriBaseIds"]["PROJECTROOT"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with("/project/"),
        "{base}"
    );

    let (tap, tcode) = run_format(&sb, "tap");
    assert_eq!(tcode, code);
    assert!(
        tap.starts_with(&format!("TAP version 13\n1..{n}\n")),
        "{tap}"
    );
    let results = tap
        .lines()
        .filter(|l| l.starts_with("ok ") || l.starts_with("not ok "))
        .count();
    assert_eq!(results, n);

    let (prom, pcode) = run_format(&sb, "prometheus");
    assert_eq!(pcode, code);
    assert!(
        prom.contains(&format!("devdoctor_exit_code {code}\n")),
        "{prom}"
    );
    let ones = prom
        .lines()
        .filter(|l| l.starts_with("devdoctor_check_status{") && l.ends_with("} 1"))
        .count();
    assert_eq!(ones, n, "exactly one status is 1 per check");
}

#[test]
fn nagios_maps_the_exit_code() {
    let sb = sandbox();
    let (json, _) = truth(&sb);
    let s = &json["summary"];
    let count = |k: &str| s[k].as_u64().unwrap();
    let (state, code) = if count("fail") > 0 {
        ("CRITICAL", 2)
    } else if count("unknown") > 0 {
        ("UNKNOWN", 3)
    } else if count("warn") > 0 {
        ("WARNING", 1)
    } else {
        ("OK", 0)
    };
    let (line, ncode) = run_format(&sb, "nagios");
    assert_eq!(ncode, code, "{line}");
    assert!(line.starts_with(&format!("DEVDOCTOR {state} - ")), "{line}");
    assert_eq!(line.lines().count(), 1);
    assert!(line.contains(&format!(
        "| ok={};; warn={};; fail={};; unknown={};; skip={};; duration=",
        count("ok"),
        count("warn"),
        count("fail"),
        count("unknown"),
        count("skip")
    )));

    // Only ok/skip checks: OK and exit 0; --strict turns a warning into CRITICAL.
    let out = sb.run(&["--format", "nagios", "--skip", "*"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "no checks: {}",
        support::stdout(&out)
    );
    assert!(support::stdout(&out).starts_with("DEVDOCTOR UNKNOWN - no checks were selected"));
}

#[test]
fn nagios_usage_errors_are_unknown() {
    let sb = sandbox();
    let out = sb.run(&["--format", "nagios", "no.such.check"]);
    assert_eq!(out.status.code(), Some(3));
    let line = support::stdout(&out);
    assert!(
        line.starts_with("DEVDOCTOR UNKNOWN - no check matches `no.such.check`"),
        "{line}"
    );
    assert!(support::stderr(&out).contains("hint:"));
    // Other formats keep exit 2 for the same mistake.
    assert_eq!(
        sb.run(&["--format", "tap", "no.such.check"]).status.code(),
        Some(2)
    );
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".devdoctor-"))
        .collect()
}

fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .unwrap_or(0o022)
}

#[test]
fn output_writes_the_file_and_a_summary_to_stderr() {
    let sb = sandbox();
    let (json, code) = truth(&sb);
    let out_dir = sb.root().join("reports");
    std::fs::create_dir_all(&out_dir).unwrap();
    let file = out_dir.join("devdoctor.xml");
    let out = sb.run(&["--format", "junit", "--output", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(code));
    assert_eq!(
        support::stdout(&out),
        "",
        "the report goes to the file only"
    );
    let err = support::stderr(&out);
    assert!(
        err.starts_with(&format!(
            "devdoctor: wrote the junit report to {}; ",
            file.display()
        )),
        "{err}"
    );
    assert!(err.contains(" ok"), "{err}");
    assert!(!err.contains('\u{1b}'), "no colour in the note: {err:?}");
    let xml = std::fs::read_to_string(&file).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.tests, json["checks"].as_array().unwrap().len());
    assert!(leftovers(&out_dir).is_empty());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o666 & !umask(), "a new report gets the usual mode");

    // Overwriting keeps an existing file's mode; -qq silences the note.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = sb.run(&[
        "--format",
        "prometheus",
        "--output",
        file.to_str().unwrap(),
        "-qq",
    ]);
    assert_eq!(support::stderr(&out), "");
    let prom = std::fs::read_to_string(&file).unwrap();
    assert!(prom.starts_with("# HELP devdoctor_check_status "), "{prom}");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert!(leftovers(&out_dir).is_empty());
}

#[test]
fn output_human_to_a_file_has_no_colour_and_relative_paths_work() {
    let sb = sandbox();
    let out = sb
        .cmd()
        .args(["--color", "auto", "--output", "report.txt"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    let text = std::fs::read_to_string(sb.project.join("report.txt")).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains(" in "), "the human summary line: {text}");
    assert!(
        support::stderr(&out).contains("wrote the human report to report.txt"),
        "{}",
        support::stderr(&out)
    );
}

#[test]
fn output_dash_is_stdout() {
    let sb = sandbox();
    let out = sb.run(&["--format", "tap", "--output", "-"]);
    assert!(support::stdout(&out).starts_with("TAP version 13\n"));
    assert!(!support::stderr(&out).contains("wrote the"));
}

#[test]
fn output_errors_are_clear_and_fail_fast() {
    let sb = sandbox();
    let missing = sb.root().join("no/such/dir/report.xml");
    let out = sb.run(&["--format", "junit", "--output", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(err.contains("does not exist"), "{err}");
    assert!(err.contains("hint: create it first"), "{err}");
    assert_eq!(support::stdout(&out), "", "nothing ran, nothing printed");

    let dir = sb.root().join("home");
    let out = sb.run(&["--format", "sarif", "--output", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(support::stderr(&out).contains("it is a directory"));

    // A folder that exists but takes no files fails at the write, after the run: exit 3.
    let out = sb.run(&["--format", "junit", "--output", "/proc/devdoctor-test.xml"]);
    assert_eq!(out.status.code(), Some(3));
    let err = support::stderr(&out);
    assert!(
        err.contains("error: cannot write the report to /proc/devdoctor-test.xml: "),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(support::stdout(&out), "");

    // Nagios: the same mistake is UNKNOWN (3) with a status line.
    let out = sb.run(&["--format", "nagios", "--output", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(support::stdout(&out).starts_with("DEVDOCTOR UNKNOWN - cannot write the report to "));
}

#[test]
fn output_refuses_a_symlink_and_writes_special_files_in_place() {
    let sb = sandbox();
    let target = sb.root().join("real.json");
    std::fs::write(&target, "keep me").unwrap();
    let link = sb.root().join("link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = sb.run(&["--json", "--output", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = support::stderr(&out);
    assert!(
        err.contains("it is a symlink") && err.contains("real.json"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());

    // /dev/null (a device, reached through no rename) takes the report.
    let out = sb.run(&["--json", "--output", "/dev/null"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        support::stderr(&out)
    );
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    // A FIFO with a reader gets the whole report and stays a FIFO.
    let fifo = sb.root().join("report.fifo");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o600),
        0,
    )
    .unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let out = sb.run(&["--json", "--output", fifo.to_str().unwrap()]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        support::stderr(&out)
    );
    let text = reader.join().unwrap();
    let v: Value = serde_json::from_str(&text).expect("the report came through the FIFO");
    assert!(v["checks"].is_array());
    assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "still a FIFO");
    let leftovers: Vec<_> = std::fs::read_dir(sb.root())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".devdoctor-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn output_keeps_an_existing_files_owner_and_mode() {
    if !rustix::process::geteuid().is_root() {
        support::skipped("output_keeps_an_existing_files_owner_and_mode: needs root to chown");
        return;
    }
    use std::os::unix::fs::MetadataExt;
    let sb = sandbox();
    let file = sb.root().join("owned.json");
    std::fs::write(&file, "old").unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = sb.run(&["--json", "--output", file.to_str().unwrap()]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        support::stderr(&out)
    );
    let m = std::fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), m.gid()), (65534, 65534));
    assert_eq!(m.permissions().mode() & 0o7777, 0o640);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("\"checks\""));
}

fn venv_python() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-venv/bin/python")
}

/// The binary's real output (real checks, real file locations) through the same validators
/// as tests/formats_render.rs: the SARIF schema, tap.py and prometheus_client.
#[test]
fn binary_output_passes_the_python_validators() {
    let ready = std::process::Command::new(venv_python())
        .args([
            "-c",
            "import jsonschema, rfc3987, tap.parser, yaml, more_itertools, prometheus_client",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !support::e2e_available(
        "the test venv target/ci-venv with jsonschema rfc3987 tap.py PyYAML more-itertools prometheus_client",
        ready,
    ) {
        return;
    }
    let sb = sandbox();
    let dir = sb.root().join("out");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["sarif", "tap", "prometheus"] {
        let file = dir.join(format!("report.{f}"));
        sb.run(&["--format", f, "--output", file.to_str().unwrap()]);
        assert!(file.is_file(), "{f} written");
    }
    let script = r#"
import json, sys, jsonschema, yaml
from tap.parser import Parser
from tap.line import Result
from prometheus_client.parser import text_string_to_metric_families
d = sys.argv[1]
schema = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
v = cls(schema, format_checker=cls.FORMAT_CHECKER)
doc = json.load(open(d + "/report.sarif"))
errors = [e.message for e in v.iter_errors(doc)]
tap = [l for l in Parser().parse_file(d + "/report.tap")]
results = [l for l in tap if isinstance(l, Result)]
for r in results:
    if r._yaml_block is not None:
        yaml.safe_load(r._yaml_block)
unknown = [str(l) for l in tap if l.category == "unknown"]
fams = list(text_string_to_metric_families(open(d + "/report.prometheus").read()))
print(json.dumps({"sarif_errors": errors, "sarif_results": len(doc["runs"][0]["results"]),
                  "tap_results": len(results), "tap_unknown": unknown, "families": len(fams)}))
"#;
    let out = std::process::Command::new(venv_python())
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/formats/sarif-schema-2.1.0.json"
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", support::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (json, _) = truth(&sb);
    assert_eq!(v["sarif_errors"], serde_json::json!([]), "{v}");
    assert!(
        v["sarif_results"].as_u64().unwrap() > 0,
        "the Dockerfile in the sandbox gives located findings: {v}"
    );
    assert_eq!(v["tap_results"], json["checks"].as_array().unwrap().len());
    assert_eq!(v["tap_unknown"], serde_json::json!([]));
    assert_eq!(v["families"], 7);
}
