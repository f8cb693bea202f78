//! Builders for the env tests: prefixes laid out the way micromamba and conda write them
//! (conda-meta records, environments.txt, history files), stand-in package managers, and report helpers.
//! Included by the other `env_*`/`fix_*` test files with `#[path]`; it has no tests itself.
#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// `conda-meta/history` as micromamba writes it: `conda version: 3.8.0`, double quotes.
pub fn mm_history(name: &str, added: &[&str]) -> String {
    let mut s = format!(
        "==> 2025-06-01 12:00:00 <==\n# cmd: micromamba create -n {name} -f environment.yml\n# conda version: 3.8.0\n"
    );
    for a in added {
        s.push_str(&format!(
            "+https://conda.anaconda.org/conda-forge/linux-64::{a}\n"
        ));
    }
    s.push_str("# update specs: [\"python=3.11\", \"pip\"]\n");
    s
}

/// `conda-meta/history` as conda writes it: single quotes, a real conda version.
pub fn conda_history(name: &str, added: &[&str]) -> String {
    let mut s = format!(
        "==> 2025-03-14 13:51:04 <==\n# cmd: /home/u/miniforge3/bin/conda create -n {name} python=3.11 pip\n# conda version: 25.1.2\n"
    );
    for a in added {
        s.push_str(&format!("+conda-forge/linux-64::{a}\n"));
    }
    s.push_str("# update specs: ['python=3.11', 'pip']\n");
    s
}

/// A prefix with `conda-meta/history`.
pub fn env(prefix: &Path, history: &str) -> PathBuf {
    fs::create_dir_all(prefix.join("conda-meta")).unwrap();
    fs::write(prefix.join("conda-meta/history"), history).unwrap();
    prefix.to_path_buf()
}

/// A root prefix (micromamba: `conda-meta`, `pkgs`, `envs`).
pub fn root(prefix: &Path) -> PathBuf {
    fs::create_dir_all(prefix.join("pkgs")).unwrap();
    fs::create_dir_all(prefix.join("envs")).unwrap();
    env(prefix, "")
}

/// A package record `<name>-<version>-<build>.json` with its `files`.
pub fn pkg(prefix: &Path, name: &str, version: &str, build: &str, files: &[&str]) {
    let files: Vec<String> = files.iter().map(|f| format!("\"{f}\"")).collect();
    let json = format!(
        "{{\n    \"build\": \"{build}\",\n    \"build_number\": 0,\n    \"channel\": \"https://conda.anaconda.org/conda-forge/linux-64\",\n    \"depends\": [],\n    \"files\": [{}],\n    \"fn\": \"{name}-{version}-{build}.conda\",\n    \"link\": {{\"source\": \"/pkgs/{name}-{version}-{build}\", \"type\": 1}},\n    \"name\": \"{name}\",\n    \"paths_data\": {{\"paths\": [], \"paths_version\": 1}},\n    \"requested_spec\": \"\",\n    \"subdir\": \"linux-64\",\n    \"version\": \"{version}\"\n}}",
        files.join(", ")
    );
    fs::write(
        prefix.join(format!("conda-meta/{name}-{version}-{build}.json")),
        json,
    )
    .unwrap();
}

/// The python record plus `lib/pythonX.Y/site-packages`.
pub fn python(prefix: &Path, version: &str) -> PathBuf {
    let mut parts = version.split('.');
    let xy = format!("{}.{}", parts.next().unwrap(), parts.next().unwrap_or("0"));
    let site = format!("lib/python{xy}/site-packages");
    let build = "hab00c5b_0_cpython";
    let json = format!(
        "{{\"build\": \"{build}\", \"build_number\": 0, \"channel\": \"https://conda.anaconda.org/conda-forge/linux-64\", \"constrains\": [], \"depends\": [], \"features\": \"\", \"files\": [\"bin/python{xy}\"], \"fn\": \"python-{version}-{build}.conda\", \"license\": \"Python-2.0\", \"md5\": \"9d0ae3f3e43c192a992827c0abffe284\", \"name\": \"python\", \"paths_data\": {{\"paths\": [], \"paths_version\": 1}}, \"python_site_packages_path\": \"{site}\", \"requested_spec\": \"python={xy}\", \"subdir\": \"linux-64\", \"track_features\": \"\", \"version\": \"{version}\"}}"
    );
    fs::write(
        prefix.join(format!("conda-meta/python-{version}-{build}.json")),
        json,
    )
    .unwrap();
    fs::create_dir_all(prefix.join(&site)).unwrap();
    // The file the record lists, so that env.integrity finds the environment intact.
    fs::create_dir_all(prefix.join("bin")).unwrap();
    fs::write(prefix.join(format!("bin/python{xy}")), "").unwrap();
    prefix.join(site)
}

/// A `*.dist-info` in site-packages with INSTALLER (when given) and METADATA.
pub fn dist(site: &Path, name: &str, version: &str, installer: Option<&str>, requires: &[&str]) {
    let d = site.join(format!("{}-{version}.dist-info", name.replace('-', "_")));
    fs::create_dir_all(&d).unwrap();
    if let Some(i) = installer {
        fs::write(d.join("INSTALLER"), format!("{i}\n")).unwrap();
    }
    let mut md = format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n");
    for r in requires {
        md.push_str(&format!("Requires-Dist: {r}\n"));
    }
    fs::write(d.join("METADATA"), md).unwrap();
    fs::write(d.join("RECORD"), "").unwrap();
}

/// A healthy project env: python 3.11.9 plus the given (name, version) packages.
pub fn project_env(prefix: &Path, pkgs: &[(&str, &str)]) -> PathBuf {
    env(
        prefix,
        &mm_history("proj", &["python-3.11.9-hab00c5b_0_cpython"]),
    );
    let site = python(prefix, "3.11.9");
    for (n, v) in pkgs {
        pkg(prefix, n, v, "pyhd8ed1ab_0", &[]);
    }
    site
}

pub const ENV_YML: &str = "name: proj
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - numpy>=1.26,<2
  - fastapi
  - pip
";

/// A stand-in executable that prints `version` for `--version` and otherwise appends its
/// argv (one line, words joined by a space) to `log`.
pub fn recording_tool(path: &Path, version: &str, log: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(
        path,
        format!(
            "#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then printf '%s\\n' '{version}'; exit 0; fi\necho \"$*\" >> '{}'\n",
            log.display()
        ),
    )
    .unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// Every fix command (as one line) and manual step in a JSON report.
pub fn fix_texts(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for c in report["checks"].as_array().into_iter().flatten() {
        let Some(fix) = c.get("fix").filter(|f| !f.is_null()) else {
            continue;
        };
        out.push(fix["why"].as_str().unwrap_or_default().to_string());
        for cmd in fix["commands"].as_array().into_iter().flatten() {
            let words: Vec<String> = cmd
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string())
                .collect();
            out.push(words.join(" "));
        }
        for m in fix["manual"].as_array().into_iter().flatten() {
            out.push(m.as_str().unwrap().to_string());
        }
    }
    out
}

/// The fix commands of check `id` as argv.
pub fn fix_commands(report: &serde_json::Value, id: &str) -> Vec<Vec<String>> {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"));
    c["fix"]["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|cmd| {
            cmd.as_array()
                .unwrap()
                .iter()
                .map(|w| w.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// `file:line` pairs of a check's locations.
pub fn lines(report: &serde_json::Value, id: &str) -> Vec<usize> {
    let c = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    c["locations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| l["line"].as_u64().unwrap() as usize)
        .collect()
}

/// A sandbox with a micromamba root (`MAMBA_ROOT_PREFIX`), a stand-in micromamba 2.0.5 that
/// logs its argv to `argv.log` in the sandbox, and the project's environment.yml. Gives the
/// root prefix.
pub fn mm_sandbox(env_yml: &str) -> (crate::support::Sandbox, PathBuf) {
    let mut sb = crate::support::Sandbox::new();
    let root = root(&sb.home.join("micromamba"));
    recording_tool(
        &sb.bin.join("micromamba"),
        "2.0.5",
        &sb.root().join("argv.log"),
    );
    sb.var("MAMBA_ROOT_PREFIX", &root);
    fs::write(sb.project.join("environment.yml"), env_yml).unwrap();
    (sb, root)
}
