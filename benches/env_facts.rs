//! The env facts on a big machine: 200 environments (listed in envs/ and in
//! environments.txt) and a project environment of 300 packages with a realistically large
//! python record (~1 MB of `files`/`paths_data`). Times discovery + the project env's Python +
//! package drift against environment.yml — the files-only happy path, no subprocess.
//!
//! Run: `cargo bench --bench env_facts` (target: ≤ 5 ms per iteration).

use criterion::{criterion_group, criterion_main, Criterion};
use devdoctor::probes::env::{self as probe, discover, EnvName, NameSource};
use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::{Path, PathBuf};

const ENVS: usize = 200;
const PACKAGES: usize = 300;
const PYTHON_FILES: usize = 4000;

fn history(prefix: &Path) {
    fs::create_dir_all(prefix.join("conda-meta")).unwrap();
    fs::write(
        prefix.join("conda-meta/history"),
        "==> 2025-06-01 12:00:00 <==\n# cmd: micromamba create -n x\n# conda version: 3.8.0\n",
    )
    .unwrap();
}

fn python_record() -> String {
    let mut files = String::new();
    let mut paths = String::new();
    for i in 0..PYTHON_FILES {
        let p = format!("lib/python3.12/site-packages/mod{}/file_{i}.py", i % 97);
        let _ = write!(files, "{}\"{p}\"", if i == 0 { "" } else { ", " });
        let _ = write!(
            paths,
            "{}{{\"_path\": \"{p}\", \"path_type\": \"hardlink\", \"sha256\": \"{:064x}\", \"size_in_bytes\": {}}}",
            if i == 0 { "" } else { ", " },
            i * 7919,
            i * 13
        );
    }
    format!(
        "{{\"build\": \"hab00c5b_0_cpython\", \"build_number\": 0, \"channel\": \"https://conda.anaconda.org/conda-forge/linux-64\", \"depends\": [\"bzip2 >=1.0.8,<2.0a0\"], \"files\": [{files}], \"fn\": \"python-3.12.3-hab00c5b_0_cpython.conda\", \"name\": \"python\", \"paths_data\": {{\"paths\": [{paths}], \"paths_version\": 1}}, \"python_site_packages_path\": \"lib/python3.12/site-packages\", \"requested_spec\": \"python=3.12\", \"subdir\": \"linux-64\", \"version\": \"3.12.3\"}}"
    )
}

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    env_file: PathBuf,
}

fn build() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("micromamba");
    let home = dir.path().join("home");
    history(&root);
    let mut registry = String::new();
    for i in 0..ENVS {
        let p = root.join(format!("envs/env{i:03}"));
        history(&p);
        let _ = writeln!(registry, "{}", p.display());
    }
    let proj = root.join("envs/proj");
    history(&proj);
    let _ = writeln!(registry, "{}", proj.display());
    fs::create_dir_all(home.join(".conda")).unwrap();
    fs::write(home.join(".conda/environments.txt"), registry).unwrap();

    let meta = proj.join("conda-meta");
    fs::write(
        meta.join("python-3.12.3-hab00c5b_0_cpython.json"),
        python_record(),
    )
    .unwrap();
    let mut deps =
        String::from("name: proj\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.12\n");
    for i in 0..PACKAGES - 1 {
        let name = format!("pkg-{i:03}");
        let record = format!(
            "{{\"name\": \"{name}\", \"version\": \"1.{i}.0\", \"build\": \"pyhd8ed1ab_0\", \"files\": [\"lib/python3.12/site-packages/{name}/__init__.py\"]}}"
        );
        fs::write(
            meta.join(format!("{name}-1.{i}.0-pyhd8ed1ab_0.json")),
            record,
        )
        .unwrap();
        if i % 10 == 0 {
            let _ = writeln!(deps, "  - {name}>=1.{i},<2");
        }
    }
    let env_file = dir.path().join("environment.yml");
    fs::write(&env_file, deps).unwrap();
    Tree {
        _dir: dir,
        root,
        home,
        env_file,
    }
}

fn env_facts(c: &mut Criterion) {
    let tree = build();
    let file = probe::envfile::load(&tree.env_file).unwrap();
    let inputs = discover::Inputs {
        root_prefix: Some(tree.root.clone()),
        envs_dirs: vec![tree.root.join("envs")],
        home: Some(tree.home.clone()),
        extra: Vec::new(),
    };
    // Sanity: the facts are what the tree says.
    let d = discover::discover(&inputs);
    assert_eq!(d.envs.len(), ENVS + 2);
    let name = EnvName {
        name: "proj".into(),
        source: NameSource::FileName,
    };
    let env = probe::project_env_in(&d, Some(name.clone()));
    assert_eq!(
        env.python
            .as_ref()
            .unwrap()
            .record
            .as_ref()
            .unwrap()
            .version,
        "3.12.3"
    );
    assert_eq!(env.conda_meta().unwrap().packages.len(), PACKAGES);
    assert!(probe::unsatisfied(&file, env.conda_meta().unwrap(), &["python"]).is_empty());

    c.bench_function(
        "env facts: discovery + python + packages (200 envs, 300 pkgs)",
        |b| {
            b.iter(|| {
                let d = discover::discover(black_box(&inputs));
                let env = probe::project_env_in(&d, Some(name.clone()));
                let py = env.python.as_ref().map(|p| p.record.is_ok());
                let drift = probe::unsatisfied(&file, env.conda_meta().unwrap(), &["python"]);
                black_box((py, drift.len()))
            })
        },
    );
    c.bench_function("environment.yml parse", |b| {
        b.iter(|| probe::envfile::load(black_box(&tree.env_file)).unwrap())
    });
}

criterion_group!(benches, env_facts);
criterion_main!(benches);
