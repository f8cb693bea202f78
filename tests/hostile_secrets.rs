//! Secrets never reach the output, in any format: secret-looking values in Dockerfile ENV, ARG
//! and LABEL, in compose `environment:` (list and map form, and inside a URL), and the
//! user:password (and secret query values) of `--health-url` / `--mcp-url`. One test per format
//! (human, json, junit, sarif, tap, prometheus, nagios), each also proving that the secrets were
//! found (reported by name), so that a check that stopped looking cannot pass for a redaction.

mod support;

use std::fs;
use support::Sandbox;

/// Every value here must stay out of every output.
const SECRETS: &[&str] = &[
    "ghpS3cr3tDockerEnv1234567890",
    "S3cr3tDockerArg987",
    "S3cr3tDockerLabel55",
    "S3cr3tDockerEnvSpace",
    "S3cr3tComposeList1",
    "S3cr3tComposeUrl2",
    "S3cr3tComposeMap3",
    "sk-S3cr3tComposeQuoted4",
    "s3cr3tHealthPw",
    "s3cr3tMcpPw",
    "s3cr3tMcpToken",
];

fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    fs::write(
        sb.project.join("Dockerfile"),
        "FROM python:3.11\n\
         ENV API_TOKEN=ghpS3cr3tDockerEnv1234567890\n\
         ARG DB_PASSWORD=S3cr3tDockerArg987\n\
         LABEL secret_key=\"S3cr3tDockerLabel55\"\n\
         ENV AWS_SECRET_ACCESS_KEY S3cr3tDockerEnvSpace\n\
         RUN echo hi\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("compose.yaml"),
        "services:\n\
         \x20 api:\n\
         \x20   build: .\n\
         \x20   environment:\n\
         \x20     - DATABASE_PASSWORD=S3cr3tComposeList1\n\
         \x20     - DATABASE_URL=postgres://app:S3cr3tComposeUrl2@db:5432/app\n\
         \x20 worker:\n\
         \x20   image: busybox:1.36\n\
         \x20   environment:\n\
         \x20     SECRET_KEY: S3cr3tComposeMap3\n\
         \x20     OPENAI_API_KEY: \"sk-S3cr3tComposeQuoted4\"\n",
    )
    .unwrap();
    fs::write(
        sb.project.join("environment.yml"),
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
    )
    .unwrap();
    sb
}

/// Nothing listens on port 1: the URLs fail fast, and their failure messages name them.
const URL_ARGS: &[&str] = &[
    "--health-url",
    "http://devdoctor:s3cr3tHealthPw@127.0.0.1:1/health",
    "--mcp-url",
    "http://devdoctor:s3cr3tMcpPw@127.0.0.1:1/mcp?token=s3cr3tMcpToken&x=1",
    "--timeout",
    "5",
];

/// The checks that see the secrets (and a few that print URLs in their advice).
const CHECKS: &[&str] = &[
    "dockerfile.*",
    "compose.*",
    "mcp.*",
    "image.healthcheck",
    "env.file",
];

/// Runs one format (verbose, so details are printed too) and returns stdout + stderr.
fn output(sb: &Sandbox, format: &str) -> (String, i32) {
    let mut args: Vec<&str> = vec!["--format", format, "-vv", "--color", "always"];
    args.extend_from_slice(URL_ARGS);
    args.extend_from_slice(CHECKS);
    let out = sb.run(&args);
    let text = format!("{}{}", support::stdout(&out), support::stderr(&out));
    (text, out.status.code().unwrap_or(-1))
}

fn assert_no_secret(format: &str, text: &str) {
    for s in SECRETS {
        assert!(
            !text.contains(s),
            "{format} output shows the secret {s}:\n{}",
            text.lines()
                .filter(|l| l.contains(s))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    // Base64 of the Basic-auth header would be a leak too.
    assert!(
        !text.contains("ZGV2ZG9jdG9yOnMzY3IzdEhlYWx0aFB3"),
        "{format}"
    );
}

/// The secrets were found and named (the JSON report is the reference).
fn assert_detected(sb: &Sandbox) {
    let mut args: Vec<&str> = URL_ARGS.to_vec();
    args.extend_from_slice(CHECKS);
    let (report, _) = sb.json(&args);
    let all = report.to_string();
    assert_no_secret("json (reference)", &all);
    assert_eq!(
        support::status(&report, "dockerfile.secrets"),
        "fail",
        "{all}"
    );
    assert_eq!(support::status(&report, "compose.secrets"), "fail", "{all}");
    let df = support::check(&report, "dockerfile.secrets").to_string();
    for name in ["API_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY"] {
        assert!(
            df.contains(name),
            "dockerfile.secrets does not name {name}: {df}"
        );
    }
    let compose = support::check(&report, "compose.secrets").to_string();
    for name in ["DATABASE_PASSWORD", "SECRET_KEY", "OPENAI_API_KEY"] {
        assert!(
            compose.contains(name),
            "compose.secrets does not name {name}: {compose}"
        );
    }
    // The URLs were used (and failed) and are shown without their userinfo.
    for id in ["mcp.health", "mcp.handshake"] {
        let c = support::check(&report, id).to_string();
        assert!(c.contains("127.0.0.1:1"), "{id} does not show its URL: {c}");
    }
}

fn run_format(format: &str) {
    let sb = sandbox();
    assert_detected(&sb);
    let (text, code) = output(&sb, format);
    assert!(
        (0..=3).contains(&code),
        "{format}: exit {code}: {}",
        text.lines().take(20).collect::<Vec<_>>().join("\n")
    );
    assert!(!text.contains("panicked"), "{format}: {text}");
    assert!(!text.trim().is_empty(), "{format}: no output");
    assert_no_secret(format, &text);
}

#[test]
fn secrets_never_in_human_output() {
    run_format("human");
    // The repair plan (human and JSON) and the --script form too.
    let sb = sandbox();
    for args in [
        &["fix", "--dry-run"][..],
        &["fix", "--script"][..],
        &["--json", "fix", "--dry-run"][..],
    ] {
        let mut all: Vec<&str> = args.to_vec();
        all.extend_from_slice(URL_ARGS);
        let out = sb.run(&all);
        assert_no_secret(
            &args.join(" "),
            &format!("{}{}", support::stdout(&out), support::stderr(&out)),
        );
    }
}

#[test]
fn secrets_never_in_json_output() {
    run_format("json");
}

#[test]
fn secrets_never_in_junit_output() {
    run_format("junit");
}

#[test]
fn secrets_never_in_sarif_output() {
    run_format("sarif");
}

#[test]
fn secrets_never_in_tap_output() {
    run_format("tap");
}

#[test]
fn secrets_never_in_prometheus_output() {
    run_format("prometheus");
}

#[test]
fn secrets_never_in_nagios_output() {
    run_format("nagios");
}

/// What a tool prints on failure is quoted in findings — the first stderr line of
/// `docker --version`, of `micromamba env list --json` — and so is DOCKER_HOST. The report's
/// redaction pass (`policy::redact`) must keep a URL's user:password and a `token=` out of every format.
#[test]
fn secrets_in_tool_output_and_docker_host_are_redacted() {
    let mut sb = sandbox();
    sb.stand_in(
        "micromamba",
        "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\n\
         echo 'error: could not fetch https://user:S3cr3tToolOut5@repo.example/conda-forge token=S3cr3tToolOut6' >&2\nexit 1",
    );
    sb.stand_in(
        "docker",
        "echo 'Cannot connect to the Docker daemon at tcp://admin:S3cr3tDockerCli7@127.0.0.1:1. password=S3cr3tDockerCli8' >&2\nexit 1",
    );
    sb.var("DOCKER_HOST", "tcp://admin:S3cr3tDockerHost9@127.0.0.1:1");
    for format in [
        "human",
        "json",
        "junit",
        "sarif",
        "tap",
        "prometheus",
        "nagios",
    ] {
        let out = sb.run(&["--format", format, "-vv", "env.*", "docker.*"]);
        let text = format!("{}{}", support::stdout(&out), support::stderr(&out));
        for s in [
            "S3cr3tToolOut5",
            "S3cr3tToolOut6",
            "S3cr3tDockerCli7",
            "S3cr3tDockerCli8",
            "S3cr3tDockerHost9",
        ] {
            assert!(!text.contains(s), "{format} shows {s}");
        }
    }
}

/// Credentials recognised by shape or place rather than by a variable name, as a plugin or a
/// tool might quote them: a conda channel token (in a channel URL and in a lock-file URL),
/// values after secret-looking flags, OAuth `code=` / `access_token=`, a JWT, a PEM private
/// key over several lines, and GitHub, Slack and AWS tokens.
const CORPUS: &[&str] = &[
    "tk-S3cr3tChan0123",
    "S3cr3tLockTok9",
    "S3cr3tArgvPw",
    "S3cr3tArgvKey",
    "S3cr3tArgvTok",
    "S3cr3tOauthCode",
    "S3cr3tAccessTok",
    "eyJzdWIiOiJTM2NyM3RKd3QifQ",
    "MIIEpS3cr3tPemBody",
    "ghp_S3cr3tGithub0123456789abcdefABCD",
    "github_pat_S3cr3tFineGrained_0123456789",
    "xoxb-S3cr3tSlack-0123456789",
    "AKIAS3CR3TAWS0123456",
];

fn corpus_plugin(sb: &Sandbox) {
    let script = format!(
        "#!/bin/sh\n\
         echo 'cannot fetch https://conda.anaconda.org/t/{}/private/linux-64/repodata.json'\n\
         echo 'lock: url: https://repo.example.com/conda/t/{}/conda-forge/linux-64/x.conda'\n\
         echo 'ran: tool --password {} --api-key={} --token {} -v'\n\
         echo 'callback /cb?code={}&state=1&access_token={}'\n\
         echo 'jwt eyJhbGciOiJIUzI1NiJ9.{}.c2lnbmF0dXJlX3BhcnQ'\n\
         echo '-----BEGIN RSA PRIVATE KEY-----'\n\
         echo '{}'\n\
         echo '-----END RSA PRIVATE KEY-----'\n\
         echo 'tokens {} {} {} {}'\n\
         exit 2\n",
        CORPUS[0],
        CORPUS[1],
        CORPUS[2],
        CORPUS[3],
        CORPUS[4],
        CORPUS[5],
        CORPUS[6],
        CORPUS[7],
        CORPUS[8],
        CORPUS[9],
        CORPUS[10],
        CORPUS[11],
        CORPUS[12],
    );
    let p = sb.write("project/.devdoctor/plugins/check_leak", &script);
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
}

/// The corpus is absent from every format clap accepts (the list comes from the CLI itself,
/// so a new format is covered without editing this test), from the repair plan and from the
/// `fix --script` text, while the plugin did run and report.
#[test]
fn secret_corpus_is_absent_from_every_format() {
    use clap::ValueEnum;
    let sb = sandbox();
    corpus_plugin(&sb);
    let (report, _) = sb.json(&["plugin.*"]);
    assert_eq!(
        support::status(&report, "plugin.check_leak"),
        "fail",
        "{report}"
    );
    let shown = report.to_string();
    assert!(
        shown.contains("conda.anaconda.org/t/<redacted>/private"),
        "{shown}"
    );
    assert!(shown.contains("--password <redacted>"), "{shown}");
    let formats: Vec<String> = devdoctor::cli::Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect();
    assert!(formats.len() >= 7, "{formats:?}");
    let mut runs: Vec<Vec<&str>> = formats
        .iter()
        .map(|f| vec!["--format", f.as_str(), "-vv", "plugin.*"])
        .collect();
    runs.push(vec!["fix", "--dry-run", "plugin.*"]);
    runs.push(vec!["fix", "--script", "plugin.*"]);
    for args in runs {
        let out = sb.run(&args);
        let text = format!("{}{}", support::stdout(&out), support::stderr(&out));
        // SARIF carries only file-located findings, so a plugin does not appear there.
        // The script lists checks without a fix only as a count.
        if !args.contains(&"sarif") && !args.contains(&"--script") {
            assert!(
                text.contains("check_leak"),
                "{args:?}: the plugin is missing:\n{text}"
            );
        }
        for s in CORPUS {
            assert!(!text.contains(s), "{args:?} shows {s}:\n{text}");
        }
    }
}

/// devdoctor's own sentence about a build argument is not mistaken for `NAME: value`.
#[test]
fn redaction_does_not_garble_the_arg_message() {
    let sb = Sandbox::new();
    sb.write(
        "project/Dockerfile",
        "FROM python:3.11\nARG API_KEY\nRUN echo hi\n",
    );
    let (report, _) = sb.json(&["dockerfile.secrets"]);
    let c = support::check(&report, "dockerfile.secrets").to_string();
    assert!(
        c.contains("ARG API_KEY: build arguments are recorded in the image history"),
        "{c}"
    );
}

/// A plugin cannot paint itself green: bidi overrides and terminal escapes in its output and
/// its file name are neutralised in every format and in `list` / `explain`.
#[test]
fn plugin_text_cannot_reorder_or_recolour_the_report() {
    use clap::ValueEnum;
    let sb = Sandbox::new();
    let p = sb.write(
        "project/.devdoctor/plugins/check_paint",
        "#!/bin/sh\nprintf '\\342\\200\\256doog lla \\033[32m\\342\\234\\223\\n\\342\\201\\246detail\\n'\nexit 2\n",
    );
    std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    for f in devdoctor::cli::Format::value_variants() {
        let name = f.to_possible_value().unwrap().get_name().to_string();
        let out = sb.run(&["--format", &name, "-vv", "plugin.*"]);
        let text = support::stdout(&out);
        if name != "sarif" {
            assert!(text.contains("check_paint"), "{name}: {text}");
        }
        for bad in ['\u{202e}', '\u{2066}', '\u{1b}'] {
            assert!(
                !text.contains(bad),
                "{name} passes {bad:?} through: {text:?}"
            );
        }
    }
    for args in [&["list"][..], &["explain", "plugin.check_paint"][..]] {
        let text = support::stdout(&sb.run(args));
        assert!(!text.contains('\u{202e}'), "{args:?}");
    }
}
