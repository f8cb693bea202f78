//! The tested invariant: no fix in any shipped pack calls pip, and every shipped pack is
//! compiled in. Walks `checks/*.toml` on disk, independently of the loader.

mod support;

use devdoctor::policy::no_pip::{argv_calls_pip, text_calls_pip};
use std::path::Path;

fn shipped() -> Vec<(String, toml::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("checks/ exists") {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: toml::Value =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), v));
        }
    }
    assert!(
        out.len() >= 3,
        "expected the shipped packs in {}",
        dir.display()
    );
    out
}

#[test]
fn no_shipped_fix_calls_pip() {
    let mut fixes = 0;
    for (name, pack) in shipped() {
        for check in pack
            .get("check")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
        {
            let id = check["id"].as_str().unwrap();
            let Some(fix) = check.get("fix") else {
                continue;
            };
            fixes += 1;
            for cmd in fix
                .get("commands")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
            {
                let argv: Vec<&str> = cmd
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap())
                    .collect();
                assert!(
                    !argv_calls_pip(&argv),
                    "{name} {id}: fix calls pip: {argv:?}"
                );
                let program = argv[0];
                assert!(
                    [
                        "{mamba}",
                        "{update_env}",
                        "{create_env}",
                        "micromamba",
                        "mamba",
                        "conda",
                        "conda-lock",
                        "docker"
                    ]
                    .contains(&program),
                    "{name} {id}: fix command `{program}` is not a mamba/conda/docker command"
                );
            }
            for step in fix
                .get("manual")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
            {
                let s = step.as_str().unwrap();
                assert!(
                    !text_calls_pip(s),
                    "{name} {id}: manual step calls pip: {s}"
                );
            }
        }
    }
    assert!(
        fixes >= 8,
        "expected fixes in the shipped packs, found {fixes}"
    );
}

#[test]
fn every_shipped_pack_is_compiled_in() {
    for (name, _) in shipped() {
        assert!(
            devdoctor::packs::BUNDLED.iter().any(|(n, _)| *n == name),
            "checks/{name} is not listed in packs::BUNDLED"
        );
    }
}

#[test]
fn shipped_checks_need_the_required_keys() {
    for (name, pack) in shipped() {
        for check in pack["check"].as_array().unwrap() {
            for key in ["id", "title", "category", "severity", "probe", "explain"] {
                assert!(check.get(key).is_some(), "{name}: a check lacks `{key}`");
            }
            assert!(
                check["explain"].as_str().unwrap().len() > 120,
                "{name} {}: explain is too short",
                check["id"]
            );
        }
    }
}
