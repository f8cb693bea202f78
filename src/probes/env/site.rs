//! Python distributions in an environment's site-packages that conda does not own — pip (or
//! uv, or a develop install) put them there — found without running Python
//!: `*.dist-info/INSTALLER` first, then conda-meta `files`
//! lists, opened only for the few distributions that are in doubt.

use super::envfile::{normalize_dist_name, requirement_name};
use super::meta::{record_files, CondaMeta, MetaError};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// How a distribution is recorded in site-packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DistKind {
    DistInfo,
    EggInfo,
    EggLink,
}

/// A distribution conda does not own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dist {
    /// PEP 503 normalized name.
    pub name: String,
    pub version: String,
    /// The anchor's file name (`requests-2.32.3.dist-info`).
    pub anchor: String,
    /// `pip`, `uv`, …; `None` when there is no INSTALLER file.
    pub installer: Option<String>,
    pub kind: DistKind,
    /// Normalized names from `Requires-Dist:` (dist-info only).
    pub requires: Vec<String>,
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub(crate) struct SiteScan {
    pub foreign: Vec<Dist>,
    /// Distributions looked at.
    pub total: usize,
    pub problems: Vec<String>,
}

/// Where site-packages is, relative to the prefix: the python record's CEP 17 path, else
/// `lib/pythonX.Y/site-packages` from the version, else any `lib/python3*/site-packages`.
pub(crate) fn site_packages_rel(
    prefix: &Path,
    record_path: Option<&str>,
    version: &str,
) -> Option<String> {
    if let Some(p) =
        record_path.filter(|p| !p.is_empty() && !p.starts_with('/') && !p.contains(".."))
    {
        return Some(p.trim_end_matches('/').to_string());
    }
    let mut parts = version.split('.');
    if let (Some(major), Some(minor)) = (parts.next(), parts.next()) {
        let rel = format!("lib/python{major}.{minor}/site-packages");
        if prefix.join(&rel).is_dir() {
            return Some(rel);
        }
        let t = format!("lib/python{major}.{minor}t/site-packages");
        if prefix.join(&t).is_dir() {
            return Some(t);
        }
    }
    let mut found: Vec<String> = std::fs::read_dir(prefix.join("lib"))
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.starts_with("python3"))
        .map(|n| format!("lib/{n}/site-packages"))
        .filter(|rel| prefix.join(rel).is_dir())
        .collect();
    found.sort();
    found.pop()
}

fn anchor_of(file_name: &str) -> Option<(DistKind, &str)> {
    if let Some(stem) = file_name.strip_suffix(".dist-info") {
        Some((DistKind::DistInfo, stem))
    } else if let Some(stem) = file_name.strip_suffix(".egg-info") {
        Some((DistKind::EggInfo, stem))
    } else {
        file_name
            .strip_suffix(".egg-link")
            .map(|stem| (DistKind::EggLink, stem))
    }
}

/// `requests-2.32.3` → (`requests`, `2.32.3`); egg names may add `-py3.11`.
fn name_version(stem: &str) -> (String, String) {
    let mut parts = stem.splitn(3, '-');
    let name = parts.next().unwrap_or(stem);
    let version = parts.next().unwrap_or("");
    (normalize_dist_name(name), version.to_string())
}

/// The version of the distribution `name` (normalized) from its `.dist-info` folder in
/// `prefix/site_rel`, whoever installed it; one listing of the folder, no file read.
pub(crate) fn dist_version(prefix: &Path, site_rel: &str, name: &str) -> Option<String> {
    std::fs::read_dir(prefix.join(site_rel))
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .find_map(|f| {
            let stem = f.strip_suffix(".dist-info")?;
            let (n, version) = name_version(stem);
            (n == name && !version.is_empty()).then_some(version)
        })
}

fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut s = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(1024 * 1024)
        .read_to_string(&mut s)
        .ok()?;
    Some(s)
}

/// `Requires-Dist:` names from a METADATA file.
pub fn requires_dist(metadata: &str) -> Vec<String> {
    metadata
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("Requires-Dist:"))
        .filter_map(|r| requirement_name(r.split(';').next().unwrap_or(r)))
        .collect()
}

/// Scans `<prefix>/<site_rel>` and returns the distributions conda does not own.
pub(crate) fn scan(prefix: &Path, site_rel: &str, meta: &CondaMeta) -> Result<SiteScan, MetaError> {
    let site = prefix.join(site_rel);
    let entries = super::meta::list(&site)?;
    let mut scan = SiteScan {
        ..SiteScan::default()
    };
    let mut doubtful: Vec<Dist> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some((kind, stem)) = anchor_of(file_name) else {
            continue;
        };
        scan.total += 1;
        let (name, version) = name_version(stem);
        let installer = if kind == DistKind::DistInfo {
            read_small(&entry.path().join("INSTALLER")).map(|s| s.trim().to_string())
        } else {
            None
        };
        // conda-build and rattler-build rewrite INSTALLER to `conda`.
        if installer.as_deref() == Some("conda") {
            continue;
        }
        doubtful.push(Dist {
            name,
            version,
            anchor: file_name.to_string(),
            installer,
            kind,
            requires: Vec::new(),
        });
    }
    if doubtful.is_empty() {
        return Ok(scan);
    }

    // Cheap ownership test first: the conda record of the same (normalized) name.
    let by_norm: HashMap<String, &super::meta::Installed> = meta
        .packages
        .values()
        .map(|p| (normalize_dist_name(&p.name), p))
        .collect();
    let owned_by = |record: &Path, anchor: &str| -> Result<bool, MetaError> {
        let needle = format!("{site_rel}/{anchor}");
        Ok(record_files(record)?
            .iter()
            .any(|f| f == &needle || f.starts_with(&format!("{needle}/"))))
    };
    let mut unresolved: Vec<Dist> = Vec::new();
    for dist in doubtful {
        match by_norm.get(&dist.name) {
            Some(pkg) => match owned_by(&meta.record_path(pkg), &dist.anchor) {
                Ok(true) => {}
                Ok(false) => unresolved.push(dist),
                Err(reason) => {
                    scan.problems
                        .push(format!("{}: {reason}", meta.record_path(pkg).display()));
                    unresolved.push(dist);
                }
            },
            None => unresolved.push(dist),
        }
    }
    if !unresolved.is_empty() {
        // A conda package may ship a dist under another name: read every record's file list
        // once (only on this unhappy path).
        let mut owned: HashSet<String> = HashSet::new();
        let prefix_dir = format!("{site_rel}/");
        for pkg in meta.packages.values() {
            let path = meta.record_path(pkg);
            match record_files(&path) {
                Ok(files) => owned.extend(files.iter().filter_map(|f| {
                    f.strip_prefix(&prefix_dir)
                        .and_then(|rest| rest.split('/').next())
                        .filter(|a| anchor_of(a).is_some())
                        .map(str::to_string)
                })),
                Err(reason) => scan.problems.push(format!("{}: {reason}", path.display())),
            }
        }
        for mut dist in unresolved {
            if owned.contains(&dist.anchor) {
                continue;
            }
            if dist.kind == DistKind::DistInfo {
                if let Some(md) = read_small(&site.join(&dist.anchor).join("METADATA")) {
                    dist.requires = requires_dist(&md);
                }
            }
            scan.foreign.push(dist);
        }
    }
    scan.foreign.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(scan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn pip_dists_are_found_and_conda_ones_are_not() {
        let t = tempfile::tempdir().unwrap();
        let prefix = t.path();
        let rel = "lib/python3.12/site-packages";
        let site = prefix.join(rel);
        let dist = |dir: &str, installer: Option<&str>, md: &str| {
            let d = site.join(dir);
            fs::create_dir_all(&d).unwrap();
            if let Some(i) = installer {
                fs::write(d.join("INSTALLER"), format!("{i}\n")).unwrap();
            }
            fs::write(d.join("METADATA"), md).unwrap();
        };
        dist("numpy-2.0.0.dist-info", Some("conda"), "");
        dist("requests-2.32.3.dist-info", Some("pip"), "Name: requests\nRequires-Dist: idna<4,>=2.5\nRequires-Dist: PySocks!=1.5.7; extra == \"socks\"\n\nbody\nRequires-Dist: nope\n");
        dist("idna-3.7.dist-info", Some("pip"), "");
        dist("fastuv-1.0.dist-info", Some("uv"), "");
        // Old conda packages say pip, but conda-meta lists their files.
        dist("six-1.16.0.dist-info", Some("pip"), "");
        fs::create_dir_all(prefix.join("conda-meta")).unwrap();
        fs::write(
            prefix.join("conda-meta/six-1.16.0-pyh6c4a22f_0.json"),
            format!(r#"{{"name": "six", "version": "1.16.0", "files": ["{rel}/six-1.16.0.dist-info/RECORD"]}}"#),
        )
        .unwrap();
        fs::write(prefix.join("conda-meta/history"), "").unwrap();
        let meta = super::super::meta::read_conda_meta(prefix).unwrap();
        assert_eq!(
            site_packages_rel(prefix, None, "3.12.3").as_deref(),
            Some(rel)
        );
        let s = scan(prefix, rel, &meta).unwrap();
        let names: Vec<_> = s
            .foreign
            .iter()
            .map(|d| (d.name.as_str(), d.installer.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("fastuv", Some("uv")),
                ("idna", Some("pip")),
                ("requests", Some("pip"))
            ]
        );
        assert_eq!(s.foreign[2].requires, ["idna", "pysocks"]);
        assert_eq!(s.total, 5);
    }

    #[test]
    fn site_packages_from_the_record_wins() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(
            site_packages_rel(t.path(), Some("lib/python3.13t/site-packages"), "3.13.2").as_deref(),
            Some("lib/python3.13t/site-packages")
        );
        assert_eq!(site_packages_rel(t.path(), Some("../../etc"), "x"), None);
    }
}
