//! env.integrity and env.consistency against constructed environments: a missing file, an
//! altered file (found only with --deep), an unsatisfied dependency and a package recorded
//! twice are reported with a reinstall through the package manager; a healthy env passes.
#[path = "support/env_common.rs"]
mod common;
mod support;

use common::*;
use std::fs;
use std::path::Path;
use support::{check, status, Sandbox};

fn sandbox() -> (Sandbox, std::path::PathBuf) {
    let (sb, root) = mm_sandbox(ENV_YML);
    let prefix = root.join("envs/proj");
    project_env(&prefix, &[]);
    (sb, prefix)
}

/// A record with files and paths_data (size and sha256) and depends.
fn record(prefix: &Path, name: &str, version: &str, depends: &[&str], files: &[(&str, &str)]) {
    use sha2::{Digest, Sha256};
    let mut paths = Vec::new();
    for (path, content) in files {
        let full = prefix.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(&full, content).unwrap();
        let sha: String = Sha256::digest(content.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        paths.push(serde_json::json!({
            "_path": path, "path_type": "hardlink", "sha256": sha,
            "size_in_bytes": content.len()
        }));
    }
    let rec = serde_json::json!({
        "name": name, "version": version, "build": "h0_0", "build_number": 0,
        "depends": depends,
        "files": files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        "paths_data": {"paths": paths, "paths_version": 1},
        "channel": "https://conda.anaconda.org/conda-forge/linux-64", "subdir": "linux-64"
    });
    fs::write(
        prefix.join(format!("conda-meta/{name}-{version}-h0_0.json")),
        serde_json::to_string_pretty(&rec).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_healthy_environment_passes_both() {
    let (sb, prefix) = sandbox();
    record(&prefix, "zlib", "1.3.1", &[], &[("lib/libz.so.1", "zlib")]);
    record(
        &prefix,
        "libpng",
        "1.6.43",
        &["zlib >=1.2.13,<2.0a0"],
        &[("lib/libpng.so", "png")],
    );
    let (r, _) = sb.json(&["--deep", "env.integrity", "env.consistency"]);
    assert_eq!(
        status(&r, "env.integrity"),
        "ok",
        "{:#}",
        check(&r, "env.integrity")
    );
    assert!(check(&r, "env.integrity")["summary"]
        .as_str()
        .unwrap()
        .contains("unchanged"));
    assert_eq!(
        status(&r, "env.consistency"),
        "ok",
        "{:#}",
        check(&r, "env.consistency")
    );
}

#[test]
fn missing_and_altered_files_are_found_and_reinstalled() {
    let (sb, prefix) = sandbox();
    record(
        &prefix,
        "zlib",
        "1.3.1",
        &[],
        &[("lib/libz.so.1", "zlib"), ("include/zlib.h", "h")],
    );
    record(
        &prefix,
        "libpng",
        "1.6.43",
        &[],
        &[("lib/libpng.so", "png")],
    );
    fs::remove_file(prefix.join("include/zlib.h")).unwrap();
    fs::write(prefix.join("lib/libpng.so"), "pnG").unwrap();

    // Without --deep only presence is looked at: the altered file (same size) passes.
    let (r, _) = sb.json(&["env.integrity"]);
    let c = check(&r, "env.integrity");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert!(
        c["details"].to_string().contains("include/zlib.h: missing"),
        "{c:#}"
    );
    assert!(!c["details"].to_string().contains("libpng"), "{c:#}");
    let argv: Vec<String> = serde_json::from_value(c["fix"]["commands"][0].clone()).unwrap();
    assert_eq!(
        argv,
        [
            "micromamba",
            "install",
            "-y",
            "-n",
            "proj",
            "--force-reinstall",
            "-c",
            "conda-forge",
            "zlib=1.3.1=h0_0"
        ]
    );

    let (r, _) = sb.json(&["--deep", "env.integrity"]);
    let c = check(&r, "env.integrity");
    let details = c["details"].to_string();
    assert!(details.contains("lib/libpng.so: content changed"), "{c:#}");
    assert!(
        c["fix"]["commands"][0]
            .to_string()
            .contains("libpng=1.6.43=h0_0"),
        "{c:#}"
    );
}

#[test]
fn unsatisfied_dependencies_and_double_records_are_inconsistent() {
    let (sb, prefix) = sandbox();
    record(&prefix, "zlib", "1.2.11", &[], &[]);
    record(
        &prefix,
        "libpng",
        "1.6.43",
        &["zlib >=1.2.13,<2.0a0", "libgcc >=13"],
        &[],
    );
    // A second record of zlib, as an interrupted transaction leaves.
    record(&prefix, "zlib", "1.3.1", &[], &[]);
    let (r, code) = sb.json(&["env.consistency"]);
    let c = check(&r, "env.consistency");
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(code, 1);
    let details = c["details"].to_string();
    assert!(
        details.contains("needs `libgcc >=13` (nothing installed)"),
        "{details}"
    );
    assert!(details.contains("zlib: more than one record"), "{details}");
    let cmds = c["fix"]["commands"].to_string();
    assert!(
        cmds.contains("libgcc >=13") && cmds.contains("--force-reinstall"),
        "{cmds}"
    );
    assert!(!cmds.contains("pip"), "{cmds}");
}
