//! Property tests and pathological inputs for the parsers of environment facts: environment.yml,
//! conda-lock files, conda-meta record names and JSON, conda-meta/history, environments.txt,
//! `env list --json`, rc files, shell rc init blocks, `--version` output, requirements.txt and
//! METADATA. Every one reads text that a project, a HOME or a tool controls, so none may panic,
//! overflow the stack, allocate without bound or go quadratic on a long line.
//!
//! Case counts are fixed (CI runs this on 2 cores); the 1 MiB single-line inputs are asserted on
//! their output, never on time: a quadratic parser shows up as a hung test.

use devdoctor::probes::env::{discover, envfile, lock, meta, requirements, site};
use devdoctor::probes::mamba::{classify, rc, shell};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

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

/// Arbitrary bytes as the parsers see them after a lossy UTF-8 read.
fn lossy_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..max)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Lines that look like YAML an environment or rc file could hold, with the syntax that
/// trips parsers: anchors, aliases, merge keys, tags, flow collections, complex keys, quotes,
/// tabs, lone CRs and document markers.
fn yamlish_text() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "name: ",
        "channels:",
        "dependencies:",
        "platforms:",
        "prefix: ",
        "variables:",
        "pip:",
        "- ",
        "? ",
        ": ",
        "conda-forge",
        "defaults",
        "python=3.11",
        "numpy>=1,<2",
        "requests==2.32.3",
        "-e .",
        "&a ",
        "*a",
        "<<: *a",
        "!!str ",
        "!custom ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "'",
        "\"",
        "\\",
        "#",
        "\t",
        "\r",
        "---",
        "...",
        "|",
        ">-",
        "%YAML 1.2",
        "~",
        "null",
        "sel(linux): ",
        "__glibc",
        "https://conda.anaconda.org/conda-forge",
    ];
    proptest::collection::vec(
        (
            0usize..8,
            proptest::collection::vec(proptest::sample::select(PIECES), 0..5),
            "[a-z0-9_.=<>*-]{0,8}",
        ),
        0..40,
    )
    .prop_map(|lines| {
        let mut out = String::new();
        for (indent, pieces, word) in lines {
            out.push_str(&" ".repeat(indent));
            for p in pieces {
                out.push_str(p);
            }
            out.push_str(&word);
            out.push('\n');
        }
        out
    })
}

fn line_count(text: &str) -> usize {
    // YAML counts CR, LF and CRLF as line breaks.
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}

/// What an accepted environment file must satisfy, whatever its text.
fn check_env_file(text: &str) {
    let path = Path::new("environment.yml");
    match envfile::parse(path, text.to_string()) {
        Ok(file) => {
            let max = line_count(text) + 1;
            assert_eq!(
                file.text, text,
                "the text is kept as read (for lock hashing)"
            );
            for d in &file.dependencies {
                assert!(d.line <= max, "dependency line {} beyond the file", d.line);
                if let Some(name) = d.name() {
                    assert!(!name.is_empty());
                }
            }
            for p in &file.problems {
                assert!(p.line <= max, "problem line {} beyond the file", p.line);
                assert!(!p.message.is_empty());
            }
            if let Some(pip) = &file.pip {
                let _ = pip.names();
            }
        }
        Err(e) => {
            assert!(!e.reason.is_empty());
            assert!(e.line <= line_count(text) + 1, "error line {}", e.line);
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn environment_yml_arbitrary_text(text in lossy_text(2048)) {
        check_env_file(&text);
    }

    #[test]
    fn environment_yml_near_valid(text in yamlish_text()) {
        check_env_file(&text);
        let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
        let _ = rc::parse(&text);
    }

    #[test]
    fn environment_yml_dependencies_round_trip(
        name in "[a-z][a-z0-9_-]{0,20}",
        deps in proptest::collection::vec(("[a-z][a-z0-9_.-]{0,15}", "(=|>=|==|<)?[0-9]{1,2}(\\.[0-9]{1,2}){0,2}"), 0..12),
        pip in proptest::collection::vec("[a-z][a-z0-9_-]{0,12}==[0-9]\\.[0-9]", 0..4),
    ) {
        let mut text = format!("name: {name}\nchannels:\n  - conda-forge\ndependencies:\n");
        for (n, v) in &deps {
            text.push_str(&format!("  - {n}{v}\n"));
        }
        if !pip.is_empty() {
            text.push_str("  - pip:\n");
            for p in &pip {
                text.push_str(&format!("    - {p}\n"));
            }
        }
        let file = envfile::parse(Path::new("environment.yml"), text.clone()).expect("valid file");
        prop_assert_eq!(file.name.map(|n| n.text), Some(name));
        prop_assert_eq!(file.dependencies.len(), deps.len());
        for (i, d) in file.dependencies.iter().enumerate() {
            prop_assert_eq!(d.line, 5 + i, "dependency {} is on line {}", i, 5 + i);
        }
        prop_assert_eq!(file.pip.map(|p| p.entries.len()).unwrap_or(0), pip.len());
        prop_assert!(file.problems.is_empty(), "{:?}", file.problems);
    }

    #[test]
    fn conda_lock_and_explicit_locks(text in lossy_text(2048), yamlish in yamlish_text()) {
        let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
        let explicit = lock::parse_explicit(Path::new("x.lock"), &text);
        prop_assert!(explicit.explicit);
        let with_header = format!("@EXPLICIT\n{yamlish}");
        let _ = lock::parse_explicit(Path::new("x.lock"), &with_header);
    }

    #[test]
    fn record_file_names_round_trip(
        name in "[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}",
        version in "[0-9A-Za-z_.+!]{1,12}",
        build in "[0-9A-Za-z_.]{1,16}",
    ) {
        let file = format!("{name}-{version}-{build}.json");
        let pkg = meta::parse_record_name(&file).expect("a well-formed record name");
        prop_assert_eq!(&pkg.name, &name.to_lowercase());
        prop_assert_eq!(&pkg.version, &version);
        prop_assert_eq!(&pkg.build, &build);
        prop_assert_eq!(&pkg.file, &file);
        let entry = format!("https://conda.anaconda.org/conda-forge/linux-64::{name}-{version}-{build}");
        prop_assert_eq!(meta::history_package(&entry), Some((name.as_str(), version.as_str(), build.as_str())));
    }

    #[test]
    fn record_file_names_arbitrary(file in "\\PC{0,80}") {
        if let Some(pkg) = meta::parse_record_name(&file) {
            prop_assert!(file.ends_with(".json"));
            prop_assert!(!pkg.name.is_empty() && !pkg.version.is_empty() && !pkg.build.is_empty());
            prop_assert!(!pkg.version.contains('-') && !pkg.build.contains('-'));
        }
        let _ = meta::history_package(&file);
        let _ = meta::split_dist(&file);
    }

    #[test]
    fn record_json_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = meta::parse_record_json(&bytes);
    }

    #[test]
    fn record_json_structured(
        name in proptest::option::of("[a-z]{1,8}"),
        version in proptest::option::of("[0-9.]{1,8}"),
        extra in proptest::collection::btree_map("[a-z_]{1,10}", any::<i64>(), 0..6),
        files in proptest::collection::vec("\\PC{0,20}", 0..5),
    ) {
        let mut v = serde_json::json!({"files": files, "build": "h123_0", "depends": ["libc"]});
        for (k, x) in &extra {
            v[k.as_str()] = (*x).into();
        }
        if let Some(n) = &name { v["name"] = n.clone().into(); }
        if let Some(ver) = &version { v["version"] = ver.clone().into(); }
        let r = meta::parse_record_json(v.to_string().as_bytes());
        match (&name, &version) {
            (Some(_), Some(ver)) if !extra.contains_key("name") && !extra.contains_key("version") => {
                prop_assert_eq!(&r.expect("a record with name and version").version, ver);
            }
            (None, _) | (_, None) if !extra.contains_key("name") && !extra.contains_key("version") => {
                prop_assert!(r.is_err());
            }
            _ => {}
        }
    }

    #[test]
    fn history_round_trip(
        revs in proptest::collection::vec((
            "20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]",
            proptest::option::of("[a-z /.-]{1,30}"),
            proptest::collection::vec("[a-z]{1,8}::[a-z]{1,8}-[0-9.]{1,5}-[a-z0-9_]{1,6}", 0..4),
            proptest::collection::vec("[a-z]{1,8}::[a-z]{1,8}-[0-9.]{1,5}-[a-z0-9_]{1,6}", 0..4),
        ), 0..6),
    ) {
        let mut text = String::new();
        for (date, cmd, added, removed) in &revs {
            text.push_str(&format!("==> {date} <==\n"));
            if let Some(c) = cmd {
                text.push_str(&format!("# cmd: {c}\n"));
            }
            text.push_str("# conda version: 3.8.0\n");
            for r in removed { text.push_str(&format!("-{r}\n")); }
            for a in added { text.push_str(&format!("+{a}\n")); }
            text.push_str("# update specs: [\"python=3.12\", 'numpy>=1,<2']\n");
        }
        let parsed = meta::parse_history(&text);
        prop_assert_eq!(parsed.len(), revs.len());
        for (p, (date, cmd, added, removed)) in parsed.iter().zip(&revs) {
            prop_assert_eq!(&p.date, date);
            prop_assert_eq!(p.cmd.as_deref(), cmd.as_deref().map(str::trim));
            prop_assert_eq!(&p.added, added);
            prop_assert_eq!(&p.removed, removed);
            prop_assert!(p.by_libmamba());
            prop_assert_eq!(&p.update_specs, &vec!["python=3.12".to_string(), "numpy>=1,<2".to_string()]);
        }
    }

    #[test]
    fn history_arbitrary(text in lossy_text(2048)) {
        let revs = meta::parse_history(&text);
        let headers = text.lines().filter(|l| {
            let l = l.trim();
            l.starts_with("==>") && l.ends_with("<==") && l.len() >= 6
        }).count();
        prop_assert!(revs.len() <= headers.max(text.lines().count()));
    }

    #[test]
    fn env_list_json_arbitrary(text in lossy_text(1024)) {
        let _ = discover::parse_env_list_json(&text);
    }

    #[test]
    fn env_list_json_shapes(
        envs in proptest::collection::vec("(/[a-z]{1,6}){1,3}/?|[a-z]{1,5}|", 0..8),
        root in proptest::option::of("(/[a-z]{1,6}){1,3}"),
        shape in 0usize..4,
    ) {
        let v = match shape {
            // micromamba / mamba 2
            0 => serde_json::json!({"envs": envs}),
            // mamba 1 / older conda with log noise
            1 => serde_json::json!({"envs": envs, "log_history": [], "success": true}),
            // conda info --json shape
            2 => serde_json::json!({"envs": envs, "root_prefix": root, "conda_version": "24.1.0"}),
            // conda >= 25.11 with envs_details
            _ => {
                let details: serde_json::Map<String, serde_json::Value> = envs.iter().enumerate()
                    .map(|(i, e)| (e.clone(), serde_json::json!({"base": i == 0, "name": null})))
                    .collect();
                serde_json::json!({"envs": envs, "envs_details": details})
            }
        };
        let (prefixes, found_root) = discover::parse_env_list_json(&v.to_string()).expect("a valid shape");
        let want: Vec<PathBuf> = envs.iter().filter(|e| e.starts_with('/'))
            .map(|e| PathBuf::from(match e.trim_end_matches('/') { "" => "/", t => t })).collect();
        prop_assert_eq!(prefixes, want);
        if shape == 2 {
            prop_assert_eq!(found_root, root.map(PathBuf::from));
        }
    }

    #[test]
    fn rc_files_near_valid(text in yamlish_text()) {
        if let Ok(s) = rc::parse(&text) {
            let max = line_count(&text) + 1;
            for c in s.channels.iter().flat_map(|c| c.value.iter()) {
                prop_assert!(c.line <= max);
            }
        }
    }

    #[test]
    fn shell_rc_blocks(text in lossy_text(2048)) {
        let blocks = shell::parse_blocks(&text, &|s| PathBuf::from(s));
        prop_assert!(blocks.len() <= text.lines().count());
    }

    #[test]
    fn version_output(name in "(micromamba|mamba|conda|[a-z]{0,8})", text in lossy_text(512)) {
        if let Ok(id) = classify(&name, &text) {
            prop_assert!(!id.version.is_empty());
        }
    }

    #[test]
    fn requirements_and_metadata(text in lossy_text(2048)) {
        let converted = requirements::convert(&text);
        prop_assert!(converted.len() <= text.lines().count());
        let words: Vec<String> = text.split_whitespace().take(8).map(str::to_string).collect();
        let by_hand: Vec<(String, String)> = words.iter().map(|w| (w.clone(), "as README.md:1 creates it".to_string())).collect();
        let lines = requirements::proposal(Some("x; rm -rf ~"), &by_hand, &converted);
        // The header (4 lines), a Python pin, `pip` and `pip:`, and one line per spec.
        prop_assert!(lines.len() <= 7 + by_hand.len() + converted.len());
        // A README's pip packages join, never more than one line each.
        let more = requirements::with_more(&text, &words);
        prop_assert!(more.lines().count() <= text.lines().count() + by_hand.len() + 1);
        let names = site::requires_dist(&text);
        prop_assert!(names.len() <= text.lines().count());
        let _ = envfile::requirement_name(&text);
    }
}

// --- environments.txt, read through discovery from a temporary HOME ------------------------

/// A HOME with two real environments and an environments.txt made of `lines` (raw bytes).
fn discover_with_registry(
    registry: &[u8],
) -> (tempfile::TempDir, discover::Discovery, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".conda")).unwrap();
    let mut real = Vec::new();
    for name in ["alpha", "beta gamma"] {
        let p = dir.path().join("elsewhere").join(name);
        std::fs::create_dir_all(p.join("conda-meta")).unwrap();
        std::fs::write(p.join("conda-meta/history"), "").unwrap();
        real.push(p);
    }
    std::fs::write(home.join(".conda/environments.txt"), registry).unwrap();
    let d = discover::discover(&discover::Inputs {
        home: Some(home),
        ..discover::Inputs::default()
    });
    (dir, d, real)
}

fn registry_line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"REAL0".to_vec()),
        Just(b"REAL1".to_vec()),
        Just(b"REAL0/".to_vec()),
        Just(b"  REAL1  ".to_vec()),
        Just(b"# a comment".to_vec()),
        Just(b"relative/path".to_vec()),
        Just(b"/nonexistent/env".to_vec()),
        Just(b"/tmp/x\x1b[31mred".to_vec()),
        Just(b"\r".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ]
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn environments_txt(lines in proptest::collection::vec(registry_line(), 0..12)) {
        // REAL0/REAL1 become the real environments' paths once the temp dir is known.
        let (dir, _, real) = discover_with_registry(b"");
        let mut bytes = Vec::new();
        let mut listed = [false, false];
        for l in &lines {
            let text = String::from_utf8_lossy(l);
            let mut out = l.clone();
            for (i, r) in real.iter().enumerate() {
                let tag = format!("REAL{i}");
                if text.contains(&tag) && l.is_ascii() {
                    out = text.replace(&tag, &r.to_string_lossy()).into_bytes();
                    listed[i] = true;
                }
            }
            bytes.extend_from_slice(&out);
            bytes.push(b'\n');
        }
        std::fs::write(dir.path().join("home/.conda/environments.txt"), &bytes).unwrap();
        let d = discover::discover(&discover::Inputs {
            home: Some(dir.path().join("home")),
            ..discover::Inputs::default()
        });
        for e in &d.envs {
            prop_assert!(real.contains(&e.prefix), "found {:?}, which is not an environment", e.prefix);
        }
        if std::str::from_utf8(&bytes).is_ok() && !bytes.contains(&0) {
            for (i, r) in real.iter().enumerate() {
                prop_assert_eq!(listed[i], d.envs.iter().any(|e| &e.prefix == r), "{:?}", r);
            }
        } else {
            prop_assert!(!d.problems.is_empty(), "an unreadable registry is reported");
        }
        for p in &d.problems {
            prop_assert!(!p.to_string().contains('\x1b'), "control characters are not echoed: {p}");
        }
    }
}

// --- Pathological inputs: long lines, deep nesting, big files ---------------------------------

#[test]
fn environment_yml_with_a_1mib_line() {
    // One flow list of 100k dependencies on a single line.
    let items: Vec<String> = (0..100_000).map(|i| format!("p{i}")).collect();
    let text = format!("name: big\ndependencies: [{}]\n", items.join(", "));
    assert!(text.len() > MIB / 2);
    let file = envfile::parse(Path::new("environment.yml"), text).unwrap();
    assert_eq!(file.dependencies.len(), 100_000);
    assert_eq!(file.dependencies[99_999].name(), Some("p99999"));

    // One 1 MiB scalar: parsed, and refused as a package spec with a reason.
    let text = format!("name: x\ndependencies:\n  - {}\n", "a".repeat(MIB));
    let file = envfile::parse(Path::new("environment.yml"), text).unwrap();
    assert_eq!(file.dependencies.len(), 1);
    assert_eq!(
        file.dependencies[0].spec.as_ref().unwrap_err(),
        &devdoctor::probes::env::envfile::SpecError::TooLong
    );

    // 1 MiB of comment, of quotes, of colons: no panic, a result either way.
    for filler in ["#", "'", "\"", ":", "- ", "[", "{", "&a ", "\\"] {
        let text = format!("name: x\n{}\n", filler.repeat(MIB / filler.len()));
        let _ = envfile::parse(Path::new("environment.yml"), text.clone());
        let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
        let _ = rc::parse(&text);
    }
}

/// A block nested deeper than the parsers' stacks: `- - - … x` nests one level per two bytes,
/// and lone CRs are line breaks to YAML, so a per-`\n` indentation check is not enough.
fn deep_block_sequences() -> Vec<(&'static str, String)> {
    let mut cr_nested = String::from("name: x\nvariables:\n");
    let mut indent = 2;
    for i in 0..8 {
        cr_nested.push_str(&" ".repeat(indent));
        cr_nested.push_str(&"- ".repeat(250));
        cr_nested.push_str(if i < 7 { "\r" } else { "x\n" });
        indent += 500;
    }
    vec![
        ("one line", format!("{}x\n", "- ".repeat(100_000))),
        (
            "one line, 1000 levels",
            format!("{}x\n", "- ".repeat(1_000)),
        ),
        ("CR line breaks", cr_nested),
    ]
}

#[test]
fn environment_yml_deep_nesting_is_refused_not_a_stack_overflow() {
    for (what, text) in deep_block_sequences() {
        let err = envfile::parse(Path::new("environment.yml"), text.clone()).expect_err(what);
        assert!(err.reason.contains("nested"), "{what}: {}", err.reason);
        let err = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text).expect_err(what);
        assert!(err.reason.contains("nested"), "{what}: {}", err.reason);
    }
}

#[test]
fn rc_file_deep_nesting_is_refused_not_a_stack_overflow() {
    for (what, text) in deep_block_sequences() {
        let err = rc::parse(&text).expect_err(what);
        assert!(err.to_string().contains("nested"), "{what}: {err}");
    }
    // Normal nesting still parses.
    let ok = rc::parse("channels:\n  - conda-forge\nx:\n  - - - 1\n").unwrap();
    assert_eq!(ok.channels.unwrap().value.len(), 1);
}

#[test]
fn long_lines_in_the_line_based_parsers() {
    let long = "x".repeat(MIB);
    // history: a 1 MiB package line and a 1 MiB spec list.
    let text = format!(
        "==> 2024-01-01 00:00:00 <==\n+{long}-1-0\n# update specs: [{}]\n",
        "\"a\",".repeat(MIB / 4)
    );
    let revs = meta::parse_history(&text);
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].added.len(), 1);
    assert_eq!(revs[0].update_specs.len(), MIB / 4);

    // A 1 MiB record name, history entry and spec list with many `-` and `::`.
    assert!(meta::parse_record_name(&format!("{long}.json")).is_none());
    let dashed = "a-".repeat(MIB / 2) + "1-0.json";
    assert_eq!(meta::parse_record_name(&dashed).unwrap().build, "0");
    let coloned = "::".repeat(MIB / 2) + "python-3.12-h_0";
    assert_eq!(
        meta::history_package(&coloned),
        Some(("python", "3.12", "h_0"))
    );

    // explicit lock, requirements, METADATA, shell rc, version output: one 1 MiB line each.
    let lock = lock::parse_explicit(
        Path::new("x.lock"),
        &format!("@EXPLICIT\nhttps://x/{long}-1-0.conda#{long}\n"),
    );
    assert_eq!(lock.packages.len(), 1);
    assert!(requirements::convert(&long).len() <= 1);
    assert!(site::requires_dist(&format!("Requires-Dist: {long}")).len() <= 1);
    assert!(shell::parse_blocks(&long, &|s| PathBuf::from(s)).is_empty());
    assert!(classify("micromamba", &long).is_err());
    assert!(
        discover::parse_env_list_json(&format!("{{\"envs\": [\"/{long}\"]}}"))
            .unwrap()
            .0
            .len()
            == 1
    );
    // Deeply nested JSON from a tool: serde_json's recursion limit, not a stack overflow.
    let deep_json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(discover::parse_env_list_json(&deep_json).is_err());
    assert!(meta::parse_record_json(deep_json.as_bytes()).is_err());
}

#[test]
fn environments_txt_long_and_many_lines() {
    // 200k lines (most of them the same stale path) and one 1 MiB line.
    let mut registry = "/nonexistent/env\n".repeat(200_000).into_bytes();
    registry.extend_from_slice(format!("/{}\n", "y".repeat(MIB)).as_bytes());
    let (_dir, d, _) = discover_with_registry(&registry);
    assert!(d.envs.is_empty());
}
