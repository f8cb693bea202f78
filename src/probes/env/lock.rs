//! Lock files next to environment.yml: `conda-lock.yml` (and other
//! `*-lock.yml`), explicit `*.lock` files, and how they compare with environment.yml.

use super::envfile::{channel_name, normalize_dist_name, EnvFile};
use super::meta::split_dist;
use crate::core::Context;
use crate::probes::cache;
use crate::probes::yaml;
use rattler_conda_types::Version;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One package in a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockPackage {
    pub name: String,
    pub version: String,
    /// `conda` or `pip`.
    pub manager: String,
    pub platform: String,
}

/// A parsed lock file of either kind.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lock {
    /// Not kept in the cache: the same text may sit at another path.
    #[serde(skip)]
    pub path: PathBuf,
    /// An explicit (`@EXPLICIT`) single-platform file rather than conda-lock's YAML.
    pub explicit: bool,
    pub platforms: Vec<String>,
    pub channels: Vec<String>,
    /// `metadata.sources`, relative to the lock's directory.
    pub sources: Vec<String>,
    /// `metadata.inputs_metadata`: source → sha256, when locked with `--md input_sha`.
    pub input_sha256: Vec<(String, String)>,
    pub packages: Vec<LockPackage>,
}

/// The folders beside an environment file where projects keep their locks
/// (IAGA-VMOD/IGRF14eval's `lockfiles/conda-linux-64.lock`).
const LOCK_FOLDERS: &[&str] = &["lockfiles", "locks", "lock", "conda-lock"];

/// Lock files in `dir`, then in its lock folders ([`LOCK_FOLDERS`], real folders, not links):
/// in each, `conda-lock.yml` first, then other `*-lock.yml|yaml`, then explicit `*.lock` files
/// that say `@EXPLICIT`, and `*.txt` files with an `@EXPLICIT` line (`conda list --explicit`).
pub(crate) fn find(dir: &Path) -> Vec<PathBuf> {
    let mut out = find_in(dir);
    for name in LOCK_FOLDERS {
        let sub = dir.join(name);
        if std::fs::symlink_metadata(&sub).is_ok_and(|m| m.is_dir()) {
            out.extend(find_in(&sub));
        }
    }
    out
}

/// A name conda-lock's YAML goes by, and micromamba reads as one (`*-lock.yml`/`.yaml`).
pub(crate) fn is_conda_lock_name(name: &str) -> bool {
    name.ends_with("-lock.yml") || name.ends_with("-lock.yaml")
}

fn find_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut yamls = Vec::new();
    let mut explicit = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if !path.is_file() {
            continue;
        }
        if is_conda_lock_name(&name) {
            // An exported environment saved under a lock-like name is not a conda-lock file.
            if !crate::probes::env::discover::is_exported_env(&path) {
                yamls.push(path);
            }
        } else if name.ends_with(".lock") && is_explicit(&path) {
            explicit.push(path);
        } else if name.ends_with(".txt") && explicit_line(&path) {
            // `conda list --explicit > spec-file.txt`, as conda's docs name it
            // (Swarm-DISC/dashboards keeps `environment-exact.txt`).
            explicit.push(path);
        }
    }
    yamls.sort_by_key(|p| {
        (
            p.file_name().is_none_or(|n| n != "conda-lock.yml"),
            p.clone(),
        )
    });
    explicit.sort();
    yamls.extend(explicit);
    yamls
}

/// Where a new conda-lock file may be written without overwriting a file that is not in
/// conda-lock format: `None` means conda-lock's default `conda-lock.yml` is free (absent, or a
/// conda-lock file itself); otherwise a `*.conda-lock.yml` name beside it that is.
pub(crate) fn free_lock_target(dir: &Path) -> Option<PathBuf> {
    let default = dir.join("conda-lock.yml");
    let free = |p: &Path| !p.exists() || crate::probes::env::discover::is_conda_lock_file(p);
    if free(&default) {
        return None;
    }
    ["environment.conda-lock.yml", "project.conda-lock.yml"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| free(p))
}

/// A text file with a line that is `@EXPLICIT` in its first 4 KiB (a requirements file that
/// mentions the word in a comment is not one).
fn explicit_line(path: &Path) -> bool {
    let head = crate::disk::read_head(path, 4096).unwrap_or_default();
    String::from_utf8_lossy(&head)
        .lines()
        .any(|l| l.trim() == "@EXPLICIT")
}

fn is_explicit(path: &Path) -> bool {
    let head = crate::disk::read_head(path, 4096).unwrap_or_default();
    String::from_utf8_lossy(&head).contains("@EXPLICIT")
}

/// Why a lock file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockError {
    pub line: usize,
    pub reason: String,
}

/// The cache map of parsed conda-lock YAML (explicit locks are cheap to read again).
const MAP: &str = "locks.json";

fn read(path: &Path) -> Result<String, LockError> {
    yaml::read_text(path).map_err(|reason| LockError {
        line: 0,
        reason: reason.to_string(),
    })
}

fn is_explicit_text(path: &Path, text: &str) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.ends_with(".lock") || text.contains("\n@EXPLICIT") || text.starts_with("@EXPLICIT")
}

/// [`load`] for each of `paths`, with what a conda-lock YAML says kept in the cache folder by
/// the text's SHA-256 (and devdoctor's version): a warm run reads the file but parses no YAML.
pub(crate) fn load_all(
    ctx: &Context,
    paths: Vec<PathBuf>,
) -> Vec<(PathBuf, Result<Lock, LockError>)> {
    let map = cache::Map::open(ctx, MAP);
    let mut known: Option<BTreeMap<String, Lock>> = None;
    let mut learnt = Vec::new();
    let mut out = Vec::new();
    for path in paths {
        let loaded = read(&path).and_then(|text| {
            if is_explicit_text(&path, &text) {
                return Ok(parse_explicit(&path, &text));
            }
            let key = format!(
                "{} {}",
                env!("CARGO_PKG_VERSION"),
                hex::encode(Sha256::digest(text.as_bytes()))
            );
            let known =
                known.get_or_insert_with(|| map.as_ref().map(cache::Map::load).unwrap_or_default());
            if let Some(lock) = known.get(&key) {
                return Ok(Lock {
                    path: path.clone(),
                    ..lock.clone()
                });
            }
            let lock = parse_conda_lock(&path, &text)?;
            learnt.push((key, lock.clone()));
            Ok(lock)
        });
        out.push((path, loaded));
    }
    if let (Some(map), false) = (map, learnt.is_empty()) {
        map.store(learnt);
    }
    out
}

/// Parses conda-lock's YAML (version 1; 2 is read the same way where the keys agree).
pub fn parse_conda_lock(path: &Path, text: &str) -> Result<Lock, LockError> {
    let err = |line, reason: String| LockError { line, reason };
    let doc = yaml::parse(text)
        .map_err(|e| err(e.line, format!("not valid YAML: {}", e.message)))?
        .ok_or_else(|| err(0, "the file is empty".to_string()))?;
    if yaml::mapping(&doc).is_none() {
        return Err(err(
            yaml::line(&doc),
            "not a conda-lock file (the top level is not a mapping)".into(),
        ));
    }
    let mut lock = Lock {
        path: path.to_path_buf(),
        ..Lock::default()
    };
    let strings = |node: Option<&saphyr::MarkedYaml<'_>>| -> Vec<String> {
        node.and_then(yaml::sequence)
            .map(|items| {
                items
                    .iter()
                    .filter_map(yaml::scalar)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let metadata = yaml::get(&doc, "metadata")
        .ok_or_else(|| err(0, "no `metadata:` section; not a conda-lock file".into()))?;
    lock.platforms = strings(yaml::get(metadata, "platforms"));
    lock.sources = strings(yaml::get(metadata, "sources"));
    if let Some(channels) = yaml::get(metadata, "channels").and_then(yaml::sequence) {
        for c in channels {
            // `- url: conda-forge` (v1) or a bare string.
            if let Some(url) = yaml::get(c, "url")
                .and_then(yaml::scalar)
                .or_else(|| yaml::scalar(c))
            {
                lock.channels.push(url.to_string());
            }
        }
    }
    if let Some(inputs) = yaml::get(metadata, "inputs_metadata").and_then(yaml::mapping) {
        for (source, meta, _) in inputs {
            if let Some(sha) = yaml::get(meta, "sha256").and_then(yaml::scalar) {
                if !yaml::is_null(yaml::get(meta, "sha256").expect("just found")) {
                    lock.input_sha256
                        .push((source.to_string(), sha.to_lowercase()));
                }
            }
        }
    }
    let packages = yaml::get(&doc, "package")
        .and_then(yaml::sequence)
        .unwrap_or_default();
    for p in packages {
        let field = |k: &str| {
            yaml::get(p, k)
                .and_then(yaml::scalar)
                .unwrap_or("")
                .to_string()
        };
        let name = field("name");
        if name.is_empty() {
            continue;
        }
        lock.packages.push(LockPackage {
            name,
            version: field("version"),
            manager: field("manager"),
            platform: field("platform"),
        });
    }
    Ok(lock)
}

/// Parses an explicit lock: `# platform:` header, then one URL per package, and conda-lock's
/// `# pip name @ url` lines.
pub fn parse_explicit(path: &Path, text: &str) -> Lock {
    let mut lock = Lock {
        path: path.to_path_buf(),
        explicit: true,
        ..Lock::default()
    };
    let mut platform = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(p) = line.strip_prefix("# platform:") {
            platform = p.trim().to_string();
            lock.platforms.push(platform.clone());
        } else if let Some(pip) = line.strip_prefix("# pip ") {
            if let Some(name) = super::envfile::requirement_name(pip) {
                lock.packages.push(LockPackage {
                    name,
                    version: String::new(),
                    manager: "pip".into(),
                    platform: platform.clone(),
                });
            }
        } else if !line.starts_with('#') && line.contains("://") {
            let url = line.split('#').next().unwrap_or(line);
            let file = url.rsplit('/').next().unwrap_or(url);
            let stem = file
                .strip_suffix(".tar.bz2")
                .or_else(|| file.strip_suffix(".conda"))
                .unwrap_or(file);
            if let Some((name, version, _build)) = split_dist(stem) {
                lock.packages.push(LockPackage {
                    name: name.to_lowercase(),
                    version: version.to_string(),
                    manager: "conda".into(),
                    platform: platform.clone(),
                });
            }
        }
    }
    lock
}

/// sha256 of a file as Python's text mode reads it (CRLF and CR → LF), as conda-lock's
/// `--md input_sha` records it.
pub fn text_mode_sha256(text: &str) -> String {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    let digest = Sha256::digest(normalized.as_bytes());
    hex::encode(digest)
}

/// How a lock relates to the environment file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// The recorded input hash equals the file's.
    HashMatches,
    /// The recorded input hash differs.
    HashDiffers { recorded: String, actual: String },
    /// No input hash: the semantic comparison found these differences (empty: consistent).
    Compared(Vec<Drift>),
}

/// Where the explicit lock `b` installs a conda package for `platform` that the lock `a` pins
/// otherwise or not at all: each name (in order) with its version in `a` and in `b`. A package
/// only `a` has is no difference: conda-lock renders the main category alone when asked to
/// (`--no-dev-dependencies`), and env.lock compares each lock with the file's specs anyway.
/// pip packages are left out: an explicit lock holds none.
pub(crate) fn disagreement(
    a: &Lock,
    b: &Lock,
    platform: &str,
) -> Vec<(String, Option<String>, String)> {
    let conda = |l: &Lock| -> std::collections::BTreeMap<String, String> {
        l.packages
            .iter()
            .filter(|p| p.platform == platform && p.manager == "conda")
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect()
    };
    let a = conda(a);
    conda(b)
        .into_iter()
        .filter(|(n, v)| a.get(n) != Some(v))
        .map(|(n, v)| {
            let theirs = a.get(&n).cloned();
            (n, theirs, v)
        })
        .collect()
}

/// One difference between environment.yml and a lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Drift {
    /// The environment.yml line it is about (0: the file as a whole).
    pub line: usize,
    pub message: String,
}

/// Drift the lock's header shows: made from another file, or with other channels.
/// (An explicit lock records neither.)
fn header_drift(env: &EnvFile, lock: &Lock, file_name: &str) -> Vec<Drift> {
    let mut drift = Vec::new();
    if !lock.explicit {
        if !lock.sources.is_empty()
            && !lock.sources.iter().any(|s| {
                Path::new(s).file_name().map(|n| n.to_string_lossy()) == Some(file_name.into())
            })
        {
            drift.push(Drift {
                line: 0,
                message: format!(
                    "the lock was made from {} and not from {file_name}",
                    lock.sources.join(", ")
                ),
            });
        }
        let want: Vec<String> = env
            .channels
            .iter()
            .flatten()
            .map(|c| channel_name(&c.text))
            .filter(|c| c != "nodefaults")
            .collect();
        let have: Vec<String> = lock.channels.iter().map(|c| channel_name(c)).collect();
        if want != have && !want.is_empty() {
            drift.push(Drift {
                line: env.channels_line,
                message: format!(
                    "channels are [{}] in the file but [{}] in the lock",
                    want.join(", "),
                    have.join(", ")
                ),
            });
        }
    }
    drift
}

/// Compares a lock with the environment file for `platform`.
pub(crate) fn freshness(env: &EnvFile, lock: &Lock, platform: &str) -> Freshness {
    let file_name = env
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let recorded = lock.input_sha256.iter().find(|(src, _)| {
        Path::new(src).file_name().map(|n| n.to_string_lossy()) == Some(file_name.as_str().into())
    });
    if let Some((_, sha)) = recorded {
        let actual = text_mode_sha256(&env.text);
        return if *sha == actual {
            Freshness::HashMatches
        } else {
            Freshness::HashDiffers {
                recorded: sha.clone(),
                actual,
            }
        };
    }
    let mut drift = header_drift(env, lock, &file_name);
    let on_platform: Vec<&LockPackage> = lock
        .packages
        .iter()
        .filter(|p| p.platform == platform || p.platform.is_empty() || p.platform == "noarch")
        .collect();
    if on_platform.is_empty() {
        // Nothing to compare for this platform (the missing platform is reported separately).
        return Freshness::Compared(drift);
    }
    for dep in &env.dependencies {
        let Ok(spec) = &dep.spec else { continue };
        let Some(name) = dep.name() else { continue };
        if dep.is_virtual() {
            continue;
        }
        let locked: Vec<&&LockPackage> = on_platform
            .iter()
            .filter(|p| p.manager != "pip" && p.name == name)
            .collect();
        let Some(pkg) = locked.first() else {
            drift.push(Drift {
                line: dep.line,
                message: format!("`{}` is not in the lock", dep.text.trim()),
            });
            continue;
        };
        if let Some(vs) = &spec.version {
            let ok = Version::from_str(&pkg.version).is_ok_and(|v| vs.matches(&v));
            if !ok {
                drift.push(Drift {
                    line: dep.line,
                    message: format!(
                        "`{}` wanted, the lock has {} {}",
                        dep.text.trim(),
                        pkg.name,
                        pkg.version
                    ),
                });
            }
        }
    }
    if let Some(pip) = &env.pip {
        for (name, line) in pip.names() {
            // conda-lock takes a pip entry that a locked conda package already provides as
            // installed, and locks no pip package for it (its `solve_pypi`): that is current.
            let conda_name = super::requirements::conda_forge_name(&name);
            let present = on_platform.iter().any(|p| {
                let locked = normalize_dist_name(&p.name);
                locked == name || (p.manager != "pip" && conda_name.is_some_and(|c| p.name == c))
            });
            if !present {
                drift.push(Drift {
                    line,
                    message: format!("pip package `{name}` is not in the lock"),
                });
            }
        }
    }
    Freshness::Compared(drift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_are_found_beside_the_file_then_in_a_lock_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let explicit = "# platform: linux-64\n@EXPLICIT\nhttps://x/a-1-0.conda\n";
        std::fs::create_dir_all(root.join("lockfiles")).unwrap();
        std::fs::create_dir_all(root.join("elsewhere")).unwrap();
        std::fs::write(root.join("conda-linux-64.lock"), explicit).unwrap();
        std::fs::write(root.join("lockfiles/conda-osx-64.lock"), explicit).unwrap();
        std::fs::write(root.join("elsewhere/conda-win-64.lock"), explicit).unwrap();
        // A lock folder that is a link is not followed.
        std::os::unix::fs::symlink(root.join("elsewhere"), root.join("locks")).unwrap();
        let found: Vec<PathBuf> = find(root)
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(
            found,
            [
                PathBuf::from("conda-linux-64.lock"),
                PathBuf::from("lockfiles/conda-osx-64.lock")
            ]
        );
    }

    /// `conda list --explicit > spec-file.txt` is a lock too; a requirements file that only
    /// mentions the word is not.
    #[test]
    fn an_explicit_spec_file_in_text_is_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("environment-exact.txt"),
            "# This file may be used to create an environment using:\n# platform: linux-64\n@EXPLICIT\nhttps://x/a-1-0.conda\n",
        )
        .unwrap();
        std::fs::write(
            root.join("requirements.txt"),
            "# not @EXPLICIT, a pip file\nrequests\n",
        )
        .unwrap();
        let found: Vec<PathBuf> = find(root)
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
            .collect();
        assert_eq!(found, [PathBuf::from("environment-exact.txt")]);
    }

    const LOCK: &str = "version: 1
metadata:
  content_hash:
    linux-64: 74b9
    osx-64: 3374
  channels:
  - url: conda-forge
    used_env_vars: []
  platforms:
  - linux-64
  - osx-64
  sources:
  - environment.yml
package:
- name: zlib
  version: 1.2.8
  manager: conda
  platform: linux-64
  dependencies: {}
  url: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.8-3.tar.bz2
  hash:
    md5: 6b3d
    sha256: 85fc
  category: main
  optional: false
- name: python
  version: 3.11.9
  manager: conda
  platform: linux-64
- name: requests
  version: 2.32.3
  manager: pip
  platform: linux-64
";

    fn env(text: &str) -> EnvFile {
        super::super::envfile::parse(Path::new("/p/environment.yml"), text.to_string()).unwrap()
    }

    /// A warm run takes what the cache keeps for the same text (a doctored entry shows
    /// through, at the file's own path); an edit of the same size is parsed anew.
    #[test]
    fn parsed_locks_are_kept_by_their_text() {
        let cache = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ctx = Context::with_vars(
            crate::core::Settings::default(),
            vec![("XDG_CACHE_HOME".into(), cache.path().as_os_str().to_owned())],
        );
        let path = dir.path().join("conda-lock.yml");
        std::fs::write(&path, LOCK).unwrap();
        let first = load_all(&ctx, vec![path.clone()]);
        assert_eq!(first[0].1.as_ref().unwrap().packages.len(), 3);

        let map = cache::Map::open(&ctx, MAP).unwrap();
        let mut kept = map.load::<Lock>();
        assert_eq!(kept.len(), 1);
        let (key, mut lock) = kept.pop_first().unwrap();
        assert_eq!(lock.path, PathBuf::new(), "the path is not kept");
        lock.platforms = vec!["doctored".into()];
        map.store([(key, lock)]);
        let warm = load_all(&ctx, vec![path.clone()]);
        let warm = warm[0].1.as_ref().unwrap();
        assert_eq!(warm.platforms, ["doctored"]);
        assert_eq!(warm.path, path);

        std::fs::write(
            &path,
            LOCK.replace("osx-64\n  sources", "osx-65\n  sources"),
        )
        .unwrap();
        let edited = load_all(&ctx, vec![path.clone()]);
        assert_eq!(
            edited[0].1.as_ref().unwrap().platforms,
            ["linux-64", "osx-65"]
        );
    }

    /// conda-lock.yml against an explicit file rendered from an older lock: the versions that
    /// differ and the packages only the explicit file has, for the platform asked; zlib, which
    /// only conda-lock.yml has (a render without dev dependencies), and pip packages, which an
    /// explicit file never holds, are no difference.
    #[test]
    fn two_locks_disagree_by_package() {
        let yaml = parse_conda_lock(Path::new("conda-lock.yml"), LOCK).unwrap();
        let rendered = |urls: &str| {
            parse_explicit(
                Path::new("conda-linux-64.lock"),
                &format!("# platform: linux-64\n@EXPLICIT\n{urls}"),
            )
        };
        let same = rendered(
            "https://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.8-3.tar.bz2\n\
             https://conda.anaconda.org/conda-forge/linux-64/python-3.11.9-h_0_cpython.conda\n",
        );
        assert_eq!(disagreement(&yaml, &same, "linux-64"), []);
        let older = rendered(
            "https://conda.anaconda.org/conda-forge/linux-64/python-3.10.14-h_0_cpython.conda\n\
             https://conda.anaconda.org/conda-forge/linux-64/libzlib-1.3.1-hb9d3cd8_2.conda\n",
        );
        assert_eq!(
            disagreement(&yaml, &older, "linux-64"),
            [
                ("libzlib".to_string(), None, "1.3.1".to_string()),
                (
                    "python".to_string(),
                    Some("3.11.9".to_string()),
                    "3.10.14".to_string()
                ),
            ]
        );
        // Another platform's packages are not compared.
        assert_eq!(disagreement(&yaml, &older, "osx-64"), []);
    }

    #[test]
    fn conda_lock_yml_and_semantic_comparison() {
        let lock = parse_conda_lock(Path::new("conda-lock.yml"), LOCK).unwrap();
        assert_eq!(lock.platforms, ["linux-64", "osx-64"]);
        assert_eq!(lock.channels, ["conda-forge"]);
        assert_eq!(lock.packages.len(), 3);
        let fresh = env("channels: [conda-forge, nodefaults]\ndependencies:\n  - python=3.11\n  - zlib\n  - pip:\n    - requests\n");
        assert_eq!(
            freshness(&fresh, &lock, "linux-64"),
            Freshness::Compared(vec![])
        );
        let stale = env("channels: [conda-forge]\ndependencies:\n  - python=3.12\n  - numpy\n");
        let Freshness::Compared(d) = freshness(&stale, &lock, "linux-64") else {
            panic!()
        };
        assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), [3, 4]);
        // A pip entry that a locked conda package provides gets no pip entry of its own from
        // conda-lock (stoyq/heart-disease-predictor's `ucimlrepo`, also under dependencies).
        let both = env("channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - zlib\n  - pip:\n    - zlib\n    - requests\n");
        assert_eq!(
            freshness(&both, &lock, "linux-64"),
            Freshness::Compared(vec![])
        );
        let missing =
            env("channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - pip:\n    - numpy\n");
        let Freshness::Compared(d) = freshness(&missing, &lock, "linux-64") else {
            panic!()
        };
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn input_hash_is_text_mode() {
        let text = "name: x\r\ndependencies:\r\n  - python=3.11\r\n";
        let lf = text.replace("\r\n", "\n");
        assert_eq!(text_mode_sha256(text), text_mode_sha256(&lf));
        let sha = text_mode_sha256(&lf);
        let with_hash = LOCK.replace(
            "  sources:\n",
            &format!("  inputs_metadata:\n    environment.yml:\n      md5: null\n      sha256: {sha}\n  sources:\n"),
        );
        let lock = parse_conda_lock(Path::new("conda-lock.yml"), &with_hash).unwrap();
        let e = env(text);
        assert_eq!(freshness(&e, &lock, "linux-64"), Freshness::HashMatches);
        let changed = env("name: x\ndependencies:\n  - python=3.12\n");
        assert!(matches!(
            freshness(&changed, &lock, "linux-64"),
            Freshness::HashDiffers { .. }
        ));
        // sha256 of the empty string, a known value.
        assert_eq!(
            text_mode_sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn explicit_lock() {
        let text = "# Generated by conda-lock.\n# platform: linux-64\n# input_hash: 1173\n@EXPLICIT\nhttps://conda.anaconda.org/conda-forge/linux-64/_libgcc_mutex-0.1-conda_forge.tar.bz2#d7c8\nhttps://conda.anaconda.org/conda-forge/linux-64/zlib-1.2.11-h36c2ea0_1013.tar.bz2#cf71\n";
        let lock = parse_explicit(Path::new("conda-linux-64.lock"), text);
        assert_eq!(lock.platforms, ["linux-64"]);
        assert_eq!(lock.packages[1].name, "zlib");
        assert_eq!(lock.packages[1].version, "1.2.11");
        assert!(parse_conda_lock(Path::new("x"), "- a\n").is_err());
        assert!(parse_conda_lock(Path::new("x"), "a: [\n").is_err());
    }
}
