//! Property tests and pathological inputs for the text that packs and plugins bring in: pack
//! TOML (`.devdoctor/checks/*.toml` ships with a cloned repository), the regexes and globs inside
//! it, and the Nagios-style output of plugin executables. A bad pack must come back as placed
//! diagnostics, never a panic; big packs and long lines must stay linear.

use devdoctor::core::Origin;
use devdoctor::packs;
use devdoctor::plugins;
use proptest::prelude::*;
use std::path::PathBuf;

const MIB: usize = 1024 * 1024;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        // Failures are kept as named regression tests in these files, not in side files.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn origin() -> Origin {
    Origin::Pack(PathBuf::from(".devdoctor/checks/x.toml"))
}

/// Checks what `parse` returns for any text: diagnostics are placed inside the file.
fn check_pack(text: &str) {
    match packs::parse("x.toml", text, &origin()) {
        Ok(pack) => {
            let _ = format!("{pack:?}");
        }
        Err(diags) => {
            assert!(
                !diags.is_empty(),
                "an error comes with at least one diagnostic"
            );
            let lines = text.split('\n').count();
            for d in &diags {
                assert!(!d.message.is_empty());
                let mut parts = d.place.rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.parse::<usize>().ok());
                let line = parts.next().and_then(|l| l.parse::<usize>().ok());
                if let (Some(line), Some(col)) = (line, col) {
                    assert!(
                        line >= 1 && line <= lines,
                        "{}: line {line} of {lines}",
                        d.place
                    );
                    assert!(col >= 1);
                }
                let _ = d.to_string();
            }
        }
    }
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"x\"".to_string()),
        Just("'(\\d+)'".to_string()),
        Just("'(a+)+$'".to_string()),
        Just("'a{1000}{1000}'".to_string()),
        Just("'(?<name>x)\\1'".to_string()),
        Just("'['".to_string()),
        Just("\"{mamba}\"".to_string()),
        Just("\"{env}\"".to_string()),
        Just("\"{nope}\"".to_string()),
        Just("\"{\"".to_string()),
        Just("[\"pip\", \"install\", \"x\"]".to_string()),
        Just("[[\"{mamba}\", \"install\", \"-y\", \"x\"]]".to_string()),
        Just("[[\"rm\", \"-rf\", \"~\"]]".to_string()),
        Just("\">=1.0\"".to_string()),
        Just("\">>1\"".to_string()),
        Just("\"**/*.sh\"".to_string()),
        Just("\"[\"".to_string()),
        Just("true".to_string()),
        Just("-1".to_string()),
        Just("1e400".to_string()),
        Just("nan".to_string()),
        Just("{ kind = \"command\", argv = [\"git\", \"--version\"] }".to_string()),
        Just("{ kind = \"file\", path = \"x\", contains = '(' }".to_string()),
        Just("{ kind = \"http\", url = \"http://user:pw@127.0.0.1:1/\" }".to_string()),
        Just("{ kind = \"tcp\", host = \"10.0.0.1\", port = 99999 }".to_string()),
        Just("{ kind = \"env\", var = \"HOME\", matches = '.*' }".to_string()),
        Just("{ kind = \"nope\" }".to_string()),
        Just("{ git = true, file = [\"*.toml\"] }".to_string()),
        "\"\\PC{0,20}\"".prop_map(|s| s.replace('\\', "\\\\")),
        "\\PC{0,12}",
    ]
}

fn pack_like() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "id",
        "title",
        "category",
        "severity",
        "when",
        "probe",
        "fix",
        "explain",
        "message",
        "timeout",
        "disabled",
        "kind",
        "argv",
        "commands",
        "why",
        "phase",
        "manual",
        "version_regex",
        "version",
        "unknown_key",
    ];
    proptest::collection::vec(
        (
            prop_oneof![
                Just("[[check]]"),
                Just("[[override]]"),
                Just("[check]"),
                Just(""),
                Just("")
            ],
            proptest::collection::vec((proptest::sample::select(KEYS), value()), 0..8),
        ),
        0..6,
    )
    .prop_map(|tables| {
        let mut out = String::new();
        for (i, (header, kv)) in tables.into_iter().enumerate() {
            out.push_str(header);
            out.push('\n');
            if header == "[[check]]" {
                out.push_str(&format!("id = \"t.c{i}\"\n"));
            }
            for (k, v) in kv {
                out.push_str(&format!("{k} = {v}\n"));
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn pack_arbitrary_text(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check_pack(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn pack_near_valid(text in pack_like()) {
        check_pack(&text);
    }

    #[test]
    fn plugin_output(text in "\\PC{0,400}|[a-z =;|.\n0-9%-]{0,400}") {
        let out = plugins::parse_output(&text);
        prop_assert!(!out.summary.contains('\n'));
        prop_assert!(out.details.len() <= text.lines().count());
        let (ok, bad) = plugins::parse_perfdata(&text);
        prop_assert!(ok.len() + bad.len() <= text.len() + 1);
    }

    #[test]
    fn perfdata_round_trip(items in proptest::collection::vec(("[a-z_]{1,8}", -1000i32..1000, prop_oneof![Just(""), Just("s"), Just("%"), Just("MB")]), 0..8)) {
        let perf: Vec<String> = items.iter().map(|(l, v, u)| format!("{l}={v}{u};1;2;0;100")).collect();
        let text = format!("OK - fine | {}\n", perf.join(" "));
        let out = plugins::parse_output(&text);
        prop_assert_eq!(out.summary, "OK - fine");
        prop_assert_eq!(out.perfdata.len(), items.len(), "{:?}", out.perfdata_errors);
        prop_assert!(out.perfdata_errors.is_empty());
    }
}

#[test]
fn bundled_packs_still_parse() {
    for p in packs::bundled() {
        assert!(p.is_ok(), "{:?}", p.err());
    }
}

#[test]
fn deeply_nested_toml_is_a_diagnostic_not_a_stack_overflow() {
    for text in [
        format!("x = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}\n", "{a=".repeat(100_000), "}".repeat(100_000)),
        format!("[{}]\n", vec!["a"; 100_000].join(".")),
        format!("{} = 1\n", vec!["a"; 100_000].join(".")),
    ] {
        let diags = packs::parse("x.toml", &text, &origin()).expect_err("refused");
        assert!(!diags.is_empty());
    }
}

#[test]
fn pack_with_a_1mib_line_and_adversarial_regexes() {
    let long = "x".repeat(MIB);
    check_pack(&format!("[[check]]\nid = \"t.long\"\ntitle = \"{long}\"\n"));
    check_pack(&format!("[[check]]\nid = \"t.{long}\"\n"));
    check_pack(&format!("# {long}\n[[check]]\nid = 1\n"));
    // A regex bigger than the size limit is a diagnostic on its line.
    let text = "[[check]]\nid = \"t.re\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"warn\"\nprobe = { kind = \"command\", argv = [\"true\"], output_regex = 'a{1000}{1000}{1000}' }\nexplain = \"x\"\n";
    let diags = packs::parse("x.toml", text, &origin()).expect_err("refused");
    assert!(
        diags.iter().any(|d| d.place.starts_with("x.toml:6:")),
        "{diags:?}"
    );
}

#[test]
fn a_pack_of_10k_broken_checks_stays_linear() {
    // 10k checks, each with an error, in one ~1 MiB file: every diagnostic is placed
    // (file:line:col) and duplicate ids are found. A per-diagnostic scan from the start of the
    // file, or a pairwise duplicate search, makes this quadratic (minutes instead of a second).
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "[[check]]\nid = \"t.c{}\"\ntitle = \"t\"\ncategory = \"t\"\nseverity = \"sometimes\"\nprobe = {{ kind = \"command\", argv = [\"true\"] }}\nexplain = \"x\"\n\n",
            i % 5_000
        ));
    }
    assert!(text.len() > 1_000_000);
    let diags = packs::parse("x.toml", &text, &origin()).expect_err("invalid");
    assert!(diags.len() >= 10_000, "{}", diags.len());
    let last = diags.last().unwrap();
    assert!(last.place.starts_with("x.toml:"), "{}", last.place);
}
