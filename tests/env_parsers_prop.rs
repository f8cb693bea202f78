//! Property tests: the parsers of untrusted env text never panic, whatever the input, and
//! keep their invariants on well-formed input.
use devdoctor::probes::env::{discover, envfile, lock, meta, requirements, site};
use proptest::prelude::*;
use std::path::Path;

/// YAML-looking text: keys, list items, flow collections, quotes, anchors, tabs.
fn yamlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("name: ".to_string()),
        Just("channels:".to_string()),
        Just("dependencies:".to_string()),
        Just("  - ".to_string()),
        Just("    - ".to_string()),
        Just("- pip:".to_string()),
        Just("python=3.11".to_string()),
        Just("numpy>=1.26,<2".to_string()),
        Just("conda-forge::x".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(": ".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just("#".to_string()),
        Just("!!str ".to_string()),
        Just("? ".to_string()),
        Just("---\n".to_string()),
        "[a-z0-9=<>.,*|]{0,8}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn environment_yml_parser_never_panics(text in "\\PC{0,400}") {
        let _ = envfile::parse(Path::new("environment.yml"), text);
    }

    #[test]
    fn environment_yml_parser_never_panics_on_yamlish(text in yamlish()) {
        if let Ok(f) = envfile::parse(Path::new("environment.yml"), text.clone()) {
            // Every item keeps a real line of the input.
            let n = text.lines().count().max(1);
            for d in &f.dependencies {
                prop_assert!(d.line >= 1 && d.line <= n + 1, "line {} of {}", d.line, n);
            }
        }
    }

    #[test]
    fn bytes_never_panic_the_text_reader(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = devdoctor::probes::yaml::text_from_bytes(bytes) {
            let _ = envfile::parse(Path::new("environment.yml"), text.clone());
            let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
            let _ = lock::parse_explicit(Path::new("conda-linux-64.lock"), &text);
        }
    }

    #[test]
    fn matchspecs_and_requirements_never_panic(s in "\\PC{0,80}") {
        let _ = envfile::parse_spec(&s);
        let _ = envfile::requirement_name(&s);
        let _ = envfile::channel_name(&s);
        let _ = requirements::convert(&s);
        let _ = site::requires_dist(&s);
    }

    #[test]
    fn record_file_names_split_from_the_right(
        name in "[a-z][a-z0-9_.-]{0,20}",
        version in "[0-9][0-9a-z._+!]{0,10}",
        build in "[a-z0-9_]{1,20}",
    ) {
        let file = format!("{name}-{version}-{build}.json");
        let p = meta::parse_record_name(&file).expect("well-formed name");
        prop_assert_eq!(p.name, name.to_lowercase());
        prop_assert_eq!(p.version, version);
        prop_assert_eq!(p.build, build);
    }

    #[test]
    fn record_names_never_panic(s in "\\PC{0,60}") {
        let _ = meta::parse_record_name(&s);
        let _ = meta::history_package(&s);
    }

    #[test]
    fn record_json_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = meta::parse_record_json(&bytes);
    }

    #[test]
    fn truncated_records_are_errors(cut in 0usize..200) {
        let json = br#"{"build": "h_0", "name": "python", "files": ["bin/python3.12"], "version": "3.12.3"}"#;
        let cut = cut.min(json.len() - 1);
        prop_assert!(meta::parse_record_json(&json[..cut]).is_err());
    }

    #[test]
    fn history_never_panics(text in "(==> [0-9: -]{0,20} <==\n|# cmd: [a-z -]{0,20}\n|# update specs: \\[[\"'a-z=0-9, ]{0,30}\\]\n|[+-][a-z/:.-]{0,40}\n|\\PC{0,20}\n){0,30}") {
        let revs = meta::parse_history(&text);
        let headers = text.lines().filter(|l| l.trim().starts_with("==>") && l.trim().ends_with("<==")).count();
        prop_assert_eq!(revs.len(), headers);
    }

    #[test]
    fn env_list_json_never_panics(s in "\\PC{0,200}") {
        let _ = discover::parse_env_list_json(&s);
    }

    #[test]
    fn env_list_json_reads_any_prefix_list(prefixes in prop::collection::vec("/[a-z]{1,8}(/[a-z]{1,8}){0,3}", 0..10)) {
        let json = serde_json::json!({"envs": prefixes, "log_history": []}).to_string();
        let (got, _) = discover::parse_env_list_json(&json).unwrap();
        prop_assert_eq!(got.len(), prefixes.len());
    }

    #[test]
    fn lock_parsers_never_panic(text in yamlish()) {
        let _ = lock::parse_conda_lock(Path::new("conda-lock.yml"), &text);
        let _ = lock::parse_explicit(Path::new("x.lock"), &text);
        let _ = lock::text_mode_sha256(&text);
    }
}
