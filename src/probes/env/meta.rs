//! A prefix's `conda-meta`: installed packages from the record FILE NAMES (no JSON opened),
//! the python record, and `history`.

use crate::core::Context;
use crate::disk::ReadError;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why conda-meta, or one of its files, could not be used. Shown as the reason of a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// The folder could not be listed.
    #[error("{}: {reason}", .dir.display())]
    Unlisted { dir: PathBuf, reason: ReadError },
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The JSON ends early (a write cut short).
    #[error("truncated JSON ({0})")]
    Truncated(String),
    #[error("invalid JSON ({0})")]
    Invalid(String),
    #[error("no `{0}` field")]
    Missing(&'static str),
}

impl From<serde_json::Error> for MetaError {
    fn from(e: serde_json::Error) -> Self {
        if e.is_eof() {
            MetaError::Truncated(e.to_string())
        } else {
            MetaError::Invalid(e.to_string())
        }
    }
}

impl From<std::io::Error> for MetaError {
    fn from(e: std::io::Error) -> Self {
        MetaError::Read(e.into())
    }
}

/// The listing of `dir`, or why it could not be listed.
pub(super) fn list(dir: &Path) -> Result<std::fs::ReadDir, MetaError> {
    std::fs::read_dir(dir).map_err(|e| MetaError::Unlisted {
        dir: dir.to_path_buf(),
        reason: e.into(),
    })
}

/// The bytes of a record file, capped at 64 MiB.
fn read_json_file(path: &Path) -> Result<Vec<u8>, MetaError> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(64 * 1024 * 1024).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One installed package as its record's file name tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    pub name: String,
    pub version: String,
    pub build: String,
    /// The record's file name (`python-3.12.3-hab00c5b_0_cpython.json`).
    pub file: String,
}

/// Splits `name-version-build` (version and build never contain `-`).
pub fn split_dist(stem: &str) -> Option<(&str, &str, &str)> {
    let mut parts = stem.rsplitn(3, '-');
    let build = parts.next()?;
    let version = parts.next()?;
    let name = parts.next()?;
    (!name.is_empty() && !version.is_empty() && !build.is_empty()).then_some((name, version, build))
}

/// Parses a record file name (`<name>-<version>-<build>.json`).
pub fn parse_record_name(file: &str) -> Option<Installed> {
    let stem = file.strip_suffix(".json")?;
    let (name, version, build) = split_dist(stem)?;
    Some(Installed {
        name: name.to_lowercase(),
        version: version.to_string(),
        build: build.to_string(),
        file: file.to_string(),
    })
}

/// The installed packages of a prefix.
#[derive(Debug, Clone, Default)]
pub struct CondaMeta {
    pub dir: PathBuf,
    /// By (lower-case) package name.
    pub packages: HashMap<String, Installed>,
    /// `*.json` files whose names are not `name-version-build.json`.
    pub odd_files: Vec<String>,
}

impl CondaMeta {
    pub(crate) fn get(&self, name: &str) -> Option<&Installed> {
        self.packages.get(name)
    }

    pub(crate) fn record_path(&self, pkg: &Installed) -> PathBuf {
        self.dir.join(&pkg.file)
    }
}

/// Lists `<prefix>/conda-meta` by file name only.
pub(crate) fn read_conda_meta(prefix: &Path) -> Result<CondaMeta, MetaError> {
    let dir = prefix.join("conda-meta");
    let entries = list(&dir)?;
    let mut meta = CondaMeta {
        dir,
        ..CondaMeta::default()
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !name.ends_with(".json") {
            continue;
        }
        match parse_record_name(name) {
            Some(pkg) => {
                meta.packages.insert(pkg.name.clone(), pkg);
            }
            None => meta.odd_files.push(name.to_string()),
        }
    }
    Ok(meta)
}

/// The fields of the python record devdoctor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRecord {
    pub version: String,
    pub build: String,
    /// CEP 17 (`lib/python3.13t/site-packages`), when the record carries it.
    pub site_packages: Option<String>,
}

#[derive(Deserialize)]
struct RecordFields {
    name: Option<String>,
    version: Option<String>,
    build: Option<String>,
    python_site_packages_path: Option<String>,
}

/// Reads the fields devdoctor needs from a record's JSON; the other keys (the large `files`
/// and `paths_data`) are skipped without being kept.
pub fn parse_record_json(bytes: &[u8]) -> Result<PythonRecord, MetaError> {
    let r: RecordFields = serde_json::from_slice(bytes)?;
    let version = r.version.ok_or(MetaError::Missing("version"))?;
    if r.name.is_none() {
        return Err(MetaError::Missing("name"));
    }
    Ok(PythonRecord {
        version,
        build: r.build.unwrap_or_default(),
        site_packages: r.python_site_packages_path,
    })
}

/// Reads a record file (capped at 64 MiB) and parses it.
pub(crate) fn read_record(path: &Path) -> Result<PythonRecord, MetaError> {
    parse_record_json(&read_json_file(path)?)
}

/// The `files` list of a record (used only to tell who owns a dist-info dir).
pub(crate) fn record_files(path: &Path) -> Result<Vec<String>, MetaError> {
    #[derive(Deserialize)]
    struct Files {
        #[serde(default)]
        files: Vec<String>,
    }
    let bytes = read_json_file(path)?;
    serde_json::from_slice::<Files>(&bytes)
        .map(|f| f.files)
        .map_err(|e| MetaError::Invalid(e.to_string()))
}

/// One `paths_data.paths[]` entry of a record: where the file is and what it should be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct PathEntry {
    #[serde(rename = "_path")]
    pub path: String,
    /// `hardlink`, `softlink` or `directory` (absent in old records: a file).
    #[serde(default)]
    pub path_type: Option<String>,
    /// The size in the package; differs on disk when a prefix placeholder was replaced.
    #[serde(default)]
    pub size_in_bytes: Option<u64>,
    /// The hash in the package.
    #[serde(default)]
    pub sha256: Option<String>,
    /// The hash after linking (prefix replaced), when the tool recorded it.
    #[serde(default)]
    pub sha256_in_prefix: Option<String>,
    #[serde(default)]
    pub prefix_placeholder: Option<String>,
}

impl PathEntry {
    pub(crate) fn is_softlink(&self) -> bool {
        self.path_type.as_deref() == Some("softlink")
    }
    pub(crate) fn is_directory(&self) -> bool {
        self.path_type.as_deref() == Some("directory")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct PathsData {
    #[serde(default)]
    pub paths: Vec<PathEntry>,
}

/// A whole installed-package record: identity, `depends`, `files` and `paths_data`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub(crate) struct FullRecord {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub build: String,
    #[serde(default)]
    pub depends: Vec<String>,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub paths_data: PathsData,
}

impl FullRecord {
    /// Every path the record says is installed: `files` and `paths_data` together, once each.
    pub(crate) fn all_paths(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.files
            .iter()
            .map(String::as_str)
            .chain(self.paths_data.paths.iter().map(|p| p.path.as_str()))
            .filter(|p| seen.insert(*p))
            .collect()
    }
}

#[cfg(test)]
impl FullRecord {
    /// The `paths_data` entry of a path, when there is one.
    fn entry(&self, path: &str) -> Option<&PathEntry> {
        self.paths_data.paths.iter().find(|p| p.path == path)
    }
}

/// Parses a whole record (a missing `name` or `version` is an error).
pub(crate) fn parse_full_record(bytes: &[u8]) -> Result<FullRecord, MetaError> {
    Ok(serde_json::from_slice(bytes)?)
}

/// Reads a whole record file (capped at 64 MiB).
pub(crate) fn read_full_record(path: &Path) -> Result<FullRecord, MetaError> {
    parse_full_record(&read_json_file(path)?)
}

/// A record's `depends` entry that no installed record satisfies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BrokenDepend {
    /// `name-version-build` of the record that depends.
    pub by: String,
    pub spec: String,
    /// What is installed under that name (`version build`), if anything.
    pub installed: Option<String>,
}

/// Every `depends` entry of `records` that no record satisfies (name, version and build
/// matched with rattler's MatchSpec; virtual packages such as `__glibc` are ignored;
/// unparsable specs are skipped rather than guessed at).
pub(crate) fn unsatisfied_depends(records: &[FullRecord]) -> Vec<BrokenDepend> {
    use rattler_conda_types::Version;
    use std::str::FromStr;
    let mut by_name: HashMap<String, Vec<&FullRecord>> = HashMap::new();
    for r in records {
        by_name.entry(r.name.to_lowercase()).or_default().push(r);
    }
    let mut out = Vec::new();
    for r in records {
        for dep in &r.depends {
            let Ok(spec) = super::envfile::parse_spec(dep) else {
                continue;
            };
            let Some(name) = spec.name.as_exact().map(|n| n.as_normalized().to_string()) else {
                continue;
            };
            if name.starts_with("__") {
                continue;
            }
            let candidates = by_name.get(&name).map(Vec::as_slice).unwrap_or_default();
            let ok = candidates.iter().any(|c| {
                let version_ok = spec
                    .version
                    .as_ref()
                    .is_none_or(|vs| Version::from_str(&c.version).is_ok_and(|v| vs.matches(&v)));
                version_ok && spec.build.as_ref().is_none_or(|b| b.matches(&c.build))
            });
            if !ok {
                out.push(BrokenDepend {
                    by: format!("{}-{}-{}", r.name, r.version, r.build),
                    spec: dep.clone(),
                    installed: candidates
                        .first()
                        .map(|c| format!("{} {}", c.version, c.build)),
                });
            }
        }
    }
    out
}

/// Package names with more than one record (an interrupted transaction), sorted.
pub(crate) fn duplicate_names(records: &[FullRecord]) -> Vec<String> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in records {
        *count.entry(r.name.to_lowercase()).or_default() += 1;
    }
    let mut dups: Vec<String> = count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect();
    dups.sort();
    dups
}

/// What is wrong with one recorded path on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileProblem {
    Missing,
    /// The size differs from the record's (only compared when no prefix was replaced).
    Size {
        want: u64,
        got: u64,
    },
    /// The sha256 differs (`sha256_in_prefix` when recorded, else the package's).
    Hash,
}

#[cfg(test)]
/// Checks one recorded path under `prefix`: lstat only (a softlink counts as present even
/// when dangling, as the link is what the package installed); with `deep`, a regular file's
/// size and then its sha256 against `paths_data`.
pub(crate) fn check_path(
    prefix: &Path,
    path: &str,
    entry: Option<&PathEntry>,
    deep: bool,
) -> Option<FileProblem> {
    check_path_at(&Prefix::open(prefix), path, entry, deep)
}

/// An environment's prefix, opened once so that each recorded path is looked up from it
/// (`fstatat`) instead of from `/` again: most of an `lstat`'s cost in a deep prefix is
/// walking the prefix's own components.
struct Prefix<'a> {
    path: &'a Path,
    dir: Option<rustix::fd::OwnedFd>,
}

impl<'a> Prefix<'a> {
    fn open(path: &'a Path) -> Self {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let dir = rustix::fs::open(path, flags, Mode::empty()).ok();
        Prefix { path, dir }
    }

    /// `lstat` of `rel` under the prefix: (is a regular file, size). A relative path is
    /// looked up from the opened prefix; an absolute one, like `Path::join`, from `/`.
    fn lstat(&self, rel: &str) -> Option<(bool, u64)> {
        use rustix::fs::{AtFlags, FileType};
        let st = match &self.dir {
            // An empty path names the prefix itself, as `join` reads it.
            Some(dir) if !rel.is_empty() => {
                rustix::fs::statat(dir, rel, AtFlags::SYMLINK_NOFOLLOW).ok()?
            }
            _ => rustix::fs::lstat(self.path.join(rel)).ok()?,
        };
        let file = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
        Some((file, u64::try_from(st.st_size).unwrap_or(0)))
    }
}

fn check_path_at(
    prefix: &Prefix<'_>,
    path: &str,
    entry: Option<&PathEntry>,
    deep: bool,
) -> Option<FileProblem> {
    let Some((is_file, len)) = prefix.lstat(path) else {
        return Some(FileProblem::Missing);
    };
    let entry = entry?;
    if !deep || entry.is_softlink() || entry.is_directory() || !is_file {
        return None;
    }
    let replaced = entry.prefix_placeholder.is_some();
    if let (false, Some(want)) = (replaced, entry.size_in_bytes) {
        if len != want {
            return Some(FileProblem::Size { want, got: len });
        }
    }
    let full = prefix.path.join(path);
    let want = entry.sha256_in_prefix.as_deref().or(if replaced {
        None
    } else {
        entry.sha256.as_deref()
    })?;
    match file_sha256(&full) {
        Ok(got) if !got.eq_ignore_ascii_case(want) => Some(FileProblem::Hash),
        _ => None,
    }
}

/// Every recorded file of `records` that is missing or (with `deep`) altered, per record in
/// order: `(path, problem)`. The files are checked on a few threads at once: a large
/// environment records tens of thousands, and each is an `lstat`.
pub(crate) fn damaged_files(
    prefix: &Path,
    records: &[FullRecord],
    deep: bool,
) -> Vec<Vec<(String, FileProblem)>> {
    // paths_data by path, once per record (a lookup per file was quadratic: 16 million
    // comparisons for a 4,000-file python record).
    let jobs: Vec<(usize, &str, Option<&PathEntry>)> = records
        .iter()
        .enumerate()
        .flat_map(|(i, r)| {
            let entries: HashMap<&str, &PathEntry> = r
                .paths_data
                .paths
                .iter()
                .map(|e| (e.path.as_str(), e))
                .collect();
            r.all_paths()
                .into_iter()
                .map(move |p| (i, p, entries.get(p).copied()))
                .collect::<Vec<_>>()
        })
        .collect();
    let prefix = Prefix::open(prefix);
    let found = in_chunks(&jobs, FILES_PER_THREAD, |(i, p, e)| {
        check_path_at(&prefix, p, *e, deep).map(|x| (*i, p.to_string(), x))
    });
    let mut out: Vec<Vec<(String, FileProblem)>> = vec![Vec::new(); records.len()];
    for (i, p, x) in found {
        out[i].push((p, x));
    }
    out
}

/// Below this many files per thread, a thread costs more than it saves.
const FILES_PER_THREAD: usize = 1024;

/// The sha256 of a file, streamed.
pub(crate) fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    use std::io::Read;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// One transaction of `conda-meta/history`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Revision {
    pub date: String,
    pub cmd: Option<String>,
    pub conda_version: Option<String>,
    /// `channel::name-version-build` (the channel part may be empty).
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub update_specs: Vec<String>,
}

impl Revision {
    /// micromamba and mamba 2 write the placeholder `conda version: 3.8.0`.
    pub fn by_libmamba(&self) -> bool {
        self.conda_version.as_deref() == Some("3.8.0")
    }
}

/// Parses history text; unknown lines are ignored, never an error.
pub fn parse_history(text: &str) -> Vec<Revision> {
    let mut revs: Vec<Revision> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(date) = line.strip_prefix("==>").and_then(|r| r.strip_suffix("<==")) {
            revs.push(Revision {
                date: date.trim().to_string(),
                ..Revision::default()
            });
            continue;
        }
        let Some(rev) = revs.last_mut() else { continue };
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some(cmd) = comment.strip_prefix("cmd:") {
                rev.cmd = Some(cmd.trim().to_string());
            } else if let Some(v) = comment.strip_prefix("conda version:") {
                rev.conda_version = Some(v.trim().to_string());
            } else if let Some(specs) = comment.strip_prefix("update specs:") {
                rev.update_specs = parse_spec_list(specs);
            }
        } else if let Some(pkg) = line.strip_prefix('+') {
            rev.added.push(pkg.to_string());
        } else if let Some(pkg) = line.strip_prefix('-') {
            rev.removed.push(pkg.to_string());
        }
    }
    revs
}

/// `["python=3.12", "pip"]` or `['python=3.13', 'pip']` → the specs.
fn parse_spec_list(text: &str) -> Vec<String> {
    // Specs may contain commas (`numpy>=1,<2`), so take the quoted strings.
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '"' || c == '\'' {
            let spec: String = chars.by_ref().take_while(|&d| d != c).collect();
            if !spec.trim().is_empty() {
                out.push(spec.trim().to_string());
            }
        }
    }
    out
}

/// `https://conda.anaconda.org/conda-forge/linux-64::python-3.12.3-h_0` → (`python`, `3.12.3`, `h_0`):
/// split on the LAST `::` because the channel may be a URL.
pub fn history_package(entry: &str) -> Option<(&str, &str, &str)> {
    let dist = entry.rsplit_once("::").map_or(entry, |(_, d)| d);
    split_dist(dist)
}

/// [`read_history`] of `prefix`, once per run whichever checks ask.
pub(crate) fn history(ctx: &Context, prefix: &Path) -> Arc<Result<Vec<Revision>, MetaError>> {
    ctx.probe_keyed(prefix.to_path_buf(), |_| read_history(prefix))
}

/// [`read_conda_meta`] of `prefix`, once per run whichever checks ask.
pub(crate) fn conda_meta(ctx: &Context, prefix: &Path) -> Arc<Result<CondaMeta, MetaError>> {
    ctx.probe_keyed(prefix.to_path_buf(), |_| read_conda_meta(prefix))
}

/// Reads the last 256 KiB of `conda-meta/history` (it only grows) and parses it.
pub(crate) fn read_history(prefix: &Path) -> Result<Vec<Revision>, MetaError> {
    use std::io::{Read, Seek, SeekFrom};
    let path = prefix.join("conda-meta").join("history");
    let mut file = std::fs::File::open(&path)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    const TAIL: u64 = 256 * 1024;
    if len > TAIL {
        file.seek(SeekFrom::Start(len - TAIL))?;
    }
    let mut bytes = Vec::new();
    file.take(TAIL).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    // After a seek the first line may be cut: start at the first revision header.
    let text = if len > TAIL {
        text.find("==>").map_or("", |i| &text[i..])
    } else {
        &text
    };
    Ok(parse_history(text))
}

/// Records read from one conda-meta folder (more are not read).
const MAX_RECORDS: usize = 10_000;

/// `f` over `items`, the results in the items' order: on up to four threads when there are
/// at least `per_thread` items for each, else here. A chunk whose thread cannot start is
/// done here instead.
fn in_chunks<T: Sync, R: Send>(
    items: &[T],
    per_thread: usize,
    f: impl Fn(&T) -> Option<R> + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(items.len().div_ceil(per_thread).max(1));
    let run = |chunk: &[T]| -> Vec<R> { chunk.iter().filter_map(&f).collect() };
    if threads <= 1 {
        return run(items);
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(size)
            .map(|c| {
                std::thread::Builder::new()
                    .name("env-files".into())
                    .spawn_scoped(s, || run(c))
                    .map_err(|_| c)
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h {
                Ok(h) => h.join().unwrap_or_default(),
                Err(c) => run(c),
            })
            .collect()
    })
}

/// Records parsed per thread at the least (a large record, python's, is 700 KB).
const RECORDS_PER_THREAD: usize = 32;

/// The environment's full records (conda-meta/*.json), read once per run per prefix for
/// env.integrity and env.consistency.
pub(crate) fn full_records(
    ctx: &Context,
    prefix: &Path,
) -> Arc<Result<Vec<FullRecord>, MetaError>> {
    ctx.probe_keyed(prefix.to_path_buf(), |_| read_records(prefix))
}

fn read_records(prefix: &Path) -> Result<Vec<FullRecord>, MetaError> {
    let rd = list(&prefix.join("conda-meta"))?;
    // The entry's type comes with the listing; only a symlink costs a stat.
    let mut paths: Vec<_> = rd
        .flatten()
        .filter(|e| {
            e.file_type()
                .is_ok_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()))
        })
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .take(MAX_RECORDS)
        .collect();
    paths.sort();
    // An unreadable record is env.packages' finding; here it is simply not judged.
    Ok(in_chunks(&paths, RECORDS_PER_THREAD, |p| {
        read_full_record(p).ok()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The files are checked on several threads, and the answer is the one a single loop
    /// gives: each record's missing files, in its order.
    /// Records read on several threads come back in file-name order, an unreadable one left
    /// out, as one loop would give them.
    #[test]
    fn records_on_threads_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let meta = dir.path().join("conda-meta");
        std::fs::create_dir_all(&meta).unwrap();
        for i in 0..150 {
            let text = if i == 77 {
                "{not json".to_string()
            } else {
                format!(r#"{{"name":"p{i:03}","version":"1.0","build":"0"}}"#)
            };
            std::fs::write(meta.join(format!("p{i:03}-1.0-0.json")), text).unwrap();
        }
        let got: Vec<String> = read_records(dir.path())
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        let want: Vec<String> = (0..150)
            .filter(|i| *i != 77)
            .map(|i| format!("p{i:03}"))
            .collect();
        assert_eq!(got, want);
    }

    /// Looking paths up from the opened prefix gives what `lstat` of the joined path gives:
    /// files, a dangling link (present), folders, paths that leave the prefix (`..`, an
    /// absolute path), an empty path (the prefix itself) and missing ones.
    #[test]
    fn lookups_from_the_opened_prefix_match_lstat_of_the_joined_path() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("env");
        std::fs::create_dir_all(prefix.join("lib/sub")).unwrap();
        std::fs::write(prefix.join("lib/a.py"), "12345").unwrap();
        std::fs::write(dir.path().join("outside.txt"), "x").unwrap();
        std::os::unix::fs::symlink("nowhere", prefix.join("lib/dangling")).unwrap();
        let outside = dir.path().join("outside.txt").display().to_string();
        let opened = Prefix::open(&prefix);
        let unopened = Prefix {
            path: &prefix,
            dir: None,
        };
        for rel in [
            "lib/a.py",
            "lib/dangling",
            "lib/sub",
            "lib",
            "",
            "../outside.txt",
            outside.as_str(),
            "lib/missing.py",
            "missing/deeper/x.py",
            "lib/a.py/not-a-dir",
        ] {
            let want = std::fs::symlink_metadata(prefix.join(rel))
                .ok()
                .map(|m| (m.is_file(), m.len()));
            assert_eq!(opened.lstat(rel), want, "{rel:?}");
            assert_eq!(unopened.lstat(rel), want, "{rel:?}");
        }
        let sized = PathEntry {
            path: "lib/a.py".into(),
            size_in_bytes: Some(4),
            ..PathEntry::default()
        };
        assert_eq!(
            check_path_at(&opened, "lib/a.py", Some(&sized), true),
            Some(FileProblem::Size { want: 4, got: 5 })
        );
    }

    #[test]
    fn damaged_files_on_threads_match_one_loop() {
        let dir = tempfile::tempdir().unwrap();
        let record = |name: &str, n: usize| FullRecord {
            name: name.into(),
            files: (0..n).map(|i| format!("{name}/f{i}")).collect(),
            ..FullRecord::default()
        };
        let records = vec![record("a", 2500), record("b", 3), record("c", 1800)];
        for r in &records {
            for (i, f) in r.files.iter().enumerate() {
                if i % 7 != 0 {
                    let p = dir.path().join(f);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(p, "x").unwrap();
                }
            }
        }
        let got = damaged_files(dir.path(), &records, false);
        let want: Vec<Vec<(String, FileProblem)>> = records
            .iter()
            .map(|r| {
                r.all_paths()
                    .into_iter()
                    .filter_map(|p| {
                        check_path(dir.path(), p, None, false).map(|x| (p.to_string(), x))
                    })
                    .collect()
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(got[0].len(), 2500_usize.div_ceil(7));
        assert_eq!(got[1], vec![("b/f0".to_string(), FileProblem::Missing)]);
    }

    #[test]
    fn record_names_split_from_the_right() {
        let p = parse_record_name("python-dateutil-2.9.0.post0-pyhd8ed1ab_0.json").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_str(), p.build.as_str()),
            ("python-dateutil", "2.9.0.post0", "pyhd8ed1ab_0")
        );
        let p = parse_record_name("python-3.12.3-hab00c5b_0_cpython.json").unwrap();
        assert_eq!(p.name, "python");
        assert_eq!(parse_record_name("history"), None);
        assert_eq!(parse_record_name("x-1.json"), None);
        assert_eq!(parse_record_name("-1-2.json"), None);
    }

    #[test]
    fn python_record_from_conda_s_test_data() {
        let json = br#"{"build": "hfd29fff_1_cp313t", "build_number": 1, "channel": "https://conda.anaconda.org/conda-forge/osx-arm64", "constrains": [], "depends": ["__osx >=11.0"], "features": "", "files": ["bin/idle3", "bin/idle3.13", "bin/pydoc"], "fn": "python-3.13.2-hfd29fff_1_cp313t.conda", "license": "Python-2.0", "link": {"source": "/x/pkgs/python-3.13.2-hfd29fff_1_cp313t", "type": 1}, "md5": "9d0ae3f3e43c192a992827c0abffe284", "name": "python", "paths_data": {"paths": [{"_path": "bin/idle3", "path_type": "softlink", "sha256": "82d4", "size_in_bytes": 346}], "paths_version": 1}, "python_site_packages_path": "lib/python3.13t/site-packages", "requested_spec": "python=3.13", "sha256": "a644", "size": 14737126, "subdir": "osx-arm64", "timestamp": 1739801201634, "track_features": "py_freethreading", "url": "https://conda.anaconda.org/conda-forge/osx-arm64/python-3.13.2-hfd29fff_1_cp313t.conda", "version": "3.13.2"}"#;
        let r = parse_record_json(json).unwrap();
        assert_eq!(r.version, "3.13.2");
        assert_eq!(
            r.site_packages.as_deref(),
            Some("lib/python3.13t/site-packages")
        );
        let cut = &json[..json.len() / 2];
        assert!(matches!(
            parse_record_json(cut).unwrap_err(),
            MetaError::Truncated(_)
        ));
        assert!(parse_record_json(b"[1]").is_err());
    }

    #[test]
    fn full_record_keeps_files_paths_data_and_depends() {
        let json = br#"{"name": "python", "version": "3.13.2", "build": "h_1", "depends": ["bzip2 >=1.0.8,<2.0a0"], "files": ["bin/idle3", "bin/pydoc"], "paths_data": {"paths": [{"_path": "bin/idle3", "path_type": "softlink", "sha256": "82d4", "size_in_bytes": 346}, {"_path": "lib/x.py", "path_type": "hardlink", "sha256": "aa", "sha256_in_prefix": "bb", "size_in_bytes": 2, "prefix_placeholder": "/opt/p"}], "paths_version": 1}}"#;
        let r = parse_full_record(json).unwrap();
        assert_eq!(r.depends, ["bzip2 >=1.0.8,<2.0a0"]);
        assert_eq!(r.all_paths(), ["bin/idle3", "bin/pydoc", "lib/x.py"]);
        assert!(r.entry("bin/idle3").unwrap().is_softlink());
        let x = r.entry("lib/x.py").unwrap();
        assert_eq!(x.sha256_in_prefix.as_deref(), Some("bb"));
        assert_eq!(x.size_in_bytes, Some(2));
        assert!(!x.is_softlink() && !x.is_directory());
        assert!(r.entry("bin/pydoc").is_none());
        assert!(parse_full_record(br#"{"name": "x"}"#).is_err());
        assert!(matches!(
            parse_full_record(&json[..40]).unwrap_err(),
            MetaError::Truncated(_)
        ));
    }

    fn rec(name: &str, version: &str, build: &str, depends: &[&str]) -> FullRecord {
        FullRecord {
            name: name.into(),
            version: version.into(),
            build: build.into(),
            depends: depends.iter().map(|d| d.to_string()).collect(),
            ..FullRecord::default()
        }
    }

    #[test]
    fn depends_are_matched_by_version_and_build() {
        let mut recs = vec![
            rec(
                "python",
                "3.11.9",
                "hab_0_cpython",
                &["bzip2 >=1.0.8,<2.0a0", "__glibc >=2.17"],
            ),
            rec("bzip2", "1.0.8", "h4bc_6", &[]),
            rec(
                "numpy",
                "1.26.4",
                "py311h_0",
                &["python >=3.11,<3.12.0a0", "python_abi 3.11.* *_cp311"],
            ),
            rec("python_abi", "3.11", "5_cp311", &[]),
        ];
        assert!(unsatisfied_depends(&recs).is_empty());
        assert!(duplicate_names(&recs).is_empty());
        recs[3] = rec("python_abi", "3.11", "5_cp312", &[]);
        recs[1] = rec("bzip2", "2.0.0", "h_0", &[]);
        let broken = unsatisfied_depends(&recs);
        assert_eq!(broken.len(), 2, "{broken:?}");
        assert_eq!(broken[0].by, "python-3.11.9-hab_0_cpython");
        assert_eq!(broken[0].installed.as_deref(), Some("2.0.0 h_0"));
        assert_eq!(broken[1].spec, "python_abi 3.11.* *_cp311");
        recs.push(rec("bzip2", "1.0.8", "h4bc_6", &[]));
        assert_eq!(duplicate_names(&recs), ["bzip2"]);
        assert_eq!(unsatisfied_depends(&recs).len(), 1);
        recs.retain(|r| r.name != "python_abi");
        assert_eq!(unsatisfied_depends(&recs)[0].installed, None);
    }

    #[test]
    fn recorded_paths_are_stated_and_hashed_only_when_deep() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("a.txt"), b"hello").unwrap();
        std::os::unix::fs::symlink("gone", p.join("link")).unwrap();
        let sha = file_sha256(&p.join("a.txt")).unwrap();
        let entry = |size, sha: &str| PathEntry {
            path: "a.txt".into(),
            path_type: Some("hardlink".into()),
            size_in_bytes: Some(size),
            sha256: Some(sha.into()),
            ..PathEntry::default()
        };
        assert_eq!(
            check_path(p, "nope", None, false),
            Some(FileProblem::Missing)
        );
        assert_eq!(check_path(p, "link", None, true), None);
        let good = entry(5, &sha);
        assert_eq!(check_path(p, "a.txt", Some(&good), true), None);
        let wrong_size = entry(6, &sha);
        assert_eq!(check_path(p, "a.txt", Some(&wrong_size), false), None);
        assert_eq!(
            check_path(p, "a.txt", Some(&wrong_size), true),
            Some(FileProblem::Size { want: 6, got: 5 })
        );
        let wrong_hash = entry(5, "00");
        assert_eq!(
            check_path(p, "a.txt", Some(&wrong_hash), true),
            Some(FileProblem::Hash)
        );
        let mut replaced = entry(9, "00");
        replaced.prefix_placeholder = Some("/opt/placeholder".into());
        assert_eq!(check_path(p, "a.txt", Some(&replaced), true), None);
        replaced.sha256_in_prefix = Some(sha.clone());
        assert_eq!(check_path(p, "a.txt", Some(&replaced), true), None);
    }

    #[test]
    fn history_of_micromamba_and_conda() {
        let mm = "==> 2025-06-01 12:00:00 <==\n# cmd: micromamba create -n myproj -f environment.yml\n# conda version: 3.8.0\n+https://conda.anaconda.org/conda-forge/linux-64::python-3.12.3-hab00c5b_0_cpython\n# update specs: [\"python=3.12\", \"pip\"]\n";
        let revs = parse_history(mm);
        assert_eq!(revs.len(), 1);
        assert!(revs[0].by_libmamba());
        assert_eq!(revs[0].update_specs, ["python=3.12", "pip"]);
        assert_eq!(
            history_package(&revs[0].added[0]),
            Some(("python", "3.12.3", "hab00c5b_0_cpython"))
        );
        let conda = "==> 2025-03-14 13:51:04 <==\n# cmd: /x/bin/conda create -n for_pip python=3.13 pip\n# conda version: 25.1.2\n+conda-forge/noarch::pip-25.0.1-pyh145f28c_0\n-conda-forge/osx-arm64::openssl-3.4.0-h39f12f2_0\n# update specs: ['python_abi[build=*_cp313t]', 'python=3.13', 'pip']\n";
        let revs = parse_history(conda);
        assert!(!revs[0].by_libmamba());
        assert_eq!(revs[0].removed.len(), 1);
        assert_eq!(revs[0].update_specs.len(), 3);
        assert_eq!(
            parse_spec_list(r#"["numpy>=1,<2", "pip"]"#),
            ["numpy>=1,<2", "pip"]
        );
        assert!(parse_history("garbage\n+x\n").is_empty());
    }
}
