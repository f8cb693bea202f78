//! Trust in a project: files in a project are data, code runs only with consent.
//!
//! What a project can make devdoctor run or read beyond its own data is its `devdoctor.toml`,
//! everything under `.devdoctor/` (packs, plugins) and the pack and plugin paths the config
//! names. `devdoctor trust` records a SHA-256 of each of those files in the user's state
//! directory; a later run compares. Until the recorded fingerprint matches (or `--trust-project`
//! / `DEVDOCTOR_TRUST=1` says so for a pipeline running its own repository), project packs and
//! plugins are listed but skipped, and config keys that widen reach are ignored.

use crate::core::Settings;
use anyhow::{Context as _, Result};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A project config may raise the per-check timeout up to this without trust.
pub(crate) const UNTRUSTED_TIMEOUT_CAP: std::time::Duration = std::time::Duration::from_secs(60);

/// How many files, and how many bytes of each, a fingerprint reads at most.
const MAX_FILES: usize = 2_000;
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Where a project's trust stands for this run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum State {
    /// The project has nothing that could run or reach beyond its data.
    NothingToTrust,
    /// The fingerprint the user recorded matches.
    Trusted,
    /// `--trust-project` or `DEVDOCTOR_TRUST=1`.
    Forced,
    /// Never trusted, or changed since: what changed (relative paths).
    Untrusted { changed: Vec<String>, never: bool },
}

impl State {
    pub(crate) fn trusted(&self) -> bool {
        !matches!(self, State::Untrusted { .. })
    }

    /// The one line a report prints about an untrusted project (`None` when trusted).
    pub(crate) fn notice(&self) -> Option<String> {
        let State::Untrusted { changed, never } = self else {
            return None;
        };
        let what = if *never {
            "this project is not trusted".to_string()
        } else {
            let mut shown: Vec<&str> = changed.iter().take(3).map(String::as_str).collect();
            if changed.len() > 3 {
                shown.push("…");
            }
            format!(
                "this project changed since you trusted it ({})",
                shown.join(", ")
            )
        };
        Some(format!(
            "note: {what}: its packs and plugins were not run and its config may not widen reach; review .devdoctor/ and devdoctor.toml, then run `devdoctor trust`"
        ))
    }
}

/// The files a project controls that can make devdoctor run or read something, with their
/// SHA-256, keyed by their path relative to the project (or absolute outside it).
pub(crate) type Fingerprint = BTreeMap<String, String>;

fn hash_file(path: &Path) -> String {
    use std::io::Read;
    let mut hasher = Sha256::new();
    // Checked before opening: opening a FIFO would wait for a writer.
    let file = path
        .is_file()
        .then(|| std::fs::File::open(path).ok())
        .flatten();
    match file {
        Some(f) => {
            let mut buf = Vec::new();
            let _ = f.take(MAX_BYTES).read_to_end(&mut buf);
            hasher.update(&buf);
        }
        // A FIFO, a device or an unreadable file is named, never read.
        _ => hasher.update(b"<not a regular file>"),
    }
    hex::encode(hasher.finalize())
}

/// Every file below `dir` (symlinks not followed), bounded.
fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    let room = MAX_FILES.saturating_sub(out.len());
    out.extend(walk(dir).into_iter().take(room));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if found.len() >= MAX_FILES {
                return found;
            }
            match std::fs::symlink_metadata(&p) {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(_) => found.push(p),
                Err(_) => {}
            }
        }
    }
    found
}

/// Whether the project holds code of its own that the gate keeps from running: anything in
/// the fingerprint besides devdoctor.toml (`.devdoctor/**`, packs, plugins).
pub(crate) fn has_code(settings: &Settings) -> bool {
    let config = settings
        .config_file
        .as_ref()
        .map(|c| settings.display_path(c));
    fingerprint_reading(settings, false)
        .keys()
        .any(|k| Some(k) != config.as_ref())
}

/// What a fingerprint holds for a file it may not read yet: one outside the project (a pack
/// or plugin path the config names, or a link that leads out). Nothing outside the project is
/// read before the user trusts it; the hash is taken once they do.
const UNREAD_OUTSIDE: &str = "<outside the project: read once trusted>";

/// The fingerprint of what `settings`' project controls, files outside the project included
/// (for `devdoctor trust`, and for a run whose project matches what the user trusted).
pub(crate) fn fingerprint(settings: &Settings) -> Fingerprint {
    fingerprint_reading(settings, true)
}

/// The fingerprint; `outside`: also read (walk and hash) what lies outside the project,
/// else name it with [`UNREAD_OUTSIDE`].
fn fingerprint_reading(settings: &Settings, outside: bool) -> Fingerprint {
    let root = std::fs::canonicalize(&settings.project_dir)
        .unwrap_or_else(|_| settings.project_dir.clone());
    let inside = |p: &Path| match std::fs::canonicalize(p) {
        Ok(real) => real.starts_with(&root),
        Err(_) => crate::disk::lexical(p).starts_with(&settings.project_dir),
    };
    let readable = |p: &Path| outside || inside(p);
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(config) = &settings.config_file {
        files.push(config.clone());
    }
    let own = settings.project_dir.join(".devdoctor");
    if own.is_dir() && readable(&own) {
        files_below(&own, &mut files);
        // The walk does not follow links; a plugin or pack folder that is one holds code all
        // the same, and a change to it must revoke the trust (read once the link is trusted).
        for dir in [
            crate::config::PROJECT_PLUGIN_DIR,
            crate::config::PROJECT_PACK_DIR,
        ] {
            let dir = settings.project_dir.join(dir);
            let link = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink());
            if link && dir.is_dir() && readable(&dir) {
                files_below(&dir, &mut files);
            }
        }
        // The MCP tools pin is data that is only compared, never run: re-pinning must not
        // revoke trust.
        let pin = crate::probes::mcp::pin::lock_path(&settings.project_dir);
        files.retain(|f| f != &pin);
    } else if own.is_dir() {
        files.push(own);
    }
    for p in settings
        .project_pack_dirs()
        .chain(settings.plugin_paths.iter())
    {
        if !readable(p) {
            files.push(p.clone());
        } else if p.is_dir() {
            files_below(p, &mut files);
        } else if p.exists() {
            files.push(p.clone());
        }
    }
    files.sort();
    files.dedup();
    files
        .iter()
        .map(|p| {
            let hash = if readable(p) {
                hash_file(p)
            } else {
                UNREAD_OUTSIDE.to_string()
            };
            (settings.display_path(p), hash)
        })
        .collect()
}

/// The user's state directory for devdoctor: `$XDG_STATE_HOME/devdoctor`, else
/// `~/.local/state/devdoctor`.
pub(crate) fn state_dir(vars: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let absolute = |v: String| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    if let Some(dir) = vars("XDG_STATE_HOME").and_then(absolute) {
        return Some(dir.join("devdoctor"));
    }
    vars("HOME")
        .and_then(absolute)
        .map(|h| h.join(".local/state/devdoctor"))
}

fn env_var(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// The record of one project: `<state>/trust/<sha256 of its canonical path>.json`.
fn record_path(project: &Path) -> Option<PathBuf> {
    let canonical = project
        .canonicalize()
        .unwrap_or_else(|_| project.to_path_buf());
    let key = hex::encode(&Sha256::digest(canonical.as_os_str().as_encoded_bytes())[..16]);
    Some(
        state_dir(&env_var)?
            .join("trust")
            .join(format!("{key}.json")),
    )
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    project: String,
    files: Fingerprint,
    /// The links out of the project that the user saw and trusted (records written before
    /// links were recorded have none).
    #[serde(default)]
    links: Links,
    /// Where the `..` paths the project named outside itself led (a compose
    /// `include: ../common/compose.yaml`); records written before these were recorded have
    /// none, so such a file is withheld until the user trusts the project again.
    #[serde(default)]
    outside: BTreeSet<String>,
}

/// What the user trusted beyond the project's own files, when their record still matches: the
/// links out of the project, and the files its `..` paths led to.
#[derive(Debug, Default)]
pub(crate) struct Beyond {
    pub(crate) links: Links,
    pub(crate) outside: BTreeSet<PathBuf>,
}

fn read_record(project: &Path) -> Option<Record> {
    let text = std::fs::read_to_string(record_path(project)?).ok()?;
    serde_json::from_str::<Record>(&text).ok()
}

/// Where the project's link `rel` led when the user last trusted the project (`None`: no
/// record, or the link was not recorded). Read before settings exist, for a devdoctor.toml
/// that is itself a link out of the project.
pub(crate) fn trusted_link(project: &Path, rel: &str) -> Option<String> {
    read_record(project)?.links.remove(rel)
}

/// Links in the project that lead outside it: the link's path relative to the project, and
/// where it really leads.
pub(crate) type Links = BTreeMap<String, String>;

/// How many entries [`outside_links`] looks at.
const MAX_WALK: usize = 200_000;

/// The project's links that lead outside the project folder: what `devdoctor trust` shows and
/// records, so that a run reads through exactly those links and a new or re-pointed one is
/// withheld again. Hidden and git-ignored files count (a `.env -> ../common/.env` that compose
/// interpolates from is ignored by git, and read all the same); dependency and tool folders
/// (`.venv`, whose `bin/python` leads to the system's Python, `node_modules`, `.git`), which no
/// walk of devdoctor enters, are left out. Links are not followed, the walk is bounded.
pub(crate) fn outside_links(project: &Path) -> Links {
    let root = project
        .canonicalize()
        .unwrap_or_else(|_| project.to_path_buf());
    let walker = ignore::WalkBuilder::new(project)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_some_and(|t| t.is_dir())
                || !crate::probes::files::TOOL_DIRS
                    .contains(&e.file_name().to_string_lossy().as_ref())
        })
        .build();
    let mut out = Links::new();
    for entry in walker.take(MAX_WALK).flatten() {
        if !entry.path_is_symlink() {
            continue;
        }
        // A dangling link leads nowhere: nothing can be read through it.
        let Ok(real) = entry.path().canonicalize() else {
            continue;
        };
        if real.starts_with(&root) {
            continue;
        }
        if let Ok(rel) = entry.path().strip_prefix(project) {
            out.insert(
                rel.to_string_lossy().into_owned(),
                real.to_string_lossy().into_owned(),
            );
        }
    }
    out
}

/// Files added, removed or changed between two fingerprints.
fn changes(then: &Fingerprint, now: &Fingerprint) -> Vec<String> {
    let mut out: Vec<String> = now
        .iter()
        .filter(|(k, v)| then.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(then.keys().filter(|k| !now.contains_key(*k)).cloned());
    out.sort();
    out
}

/// Where this project's trust stands (`forced` is `--trust-project` / `DEVDOCTOR_TRUST=1`), and
/// when the user's record of the project still matches, what they trusted beyond it (`None`:
/// no matching record, or forced, which is not confined at all).
pub(crate) fn assess(settings: &Settings, forced: bool) -> (State, Option<Beyond>) {
    if forced {
        return (State::Forced, None);
    }
    // What lies outside the project is read only when everything inside (the config that
    // names it among them) is as the user trusted it: they consented to those very paths.
    let own = fingerprint_reading(settings, false);
    let record = read_record(&settings.project_dir);
    let unread = own.values().any(|v| v == UNREAD_OUTSIDE);
    let now = match &record {
        Some(then) if unread && same_inside(&then.files, &own) => fingerprint(settings),
        _ => own,
    };
    let beyond = record.as_ref().filter(|r| r.files == now).map(|r| Beyond {
        links: r.links.clone(),
        outside: r.outside.iter().map(PathBuf::from).collect(),
    });
    let state = if now.is_empty() {
        State::NothingToTrust
    } else {
        match record {
            Some(then) if then.files == now => State::Trusted,
            Some(then) => State::Untrusted {
                changed: changes(&then.files, &now),
                never: false,
            },
            None => State::Untrusted {
                changed: now.keys().cloned().collect(),
                never: true,
            },
        }
    };
    (state, beyond)
}

/// Whether every file of `own` (a fingerprint that read nothing outside the project) is as
/// `then` recorded it.
fn same_inside(then: &Fingerprint, own: &Fingerprint) -> bool {
    own.iter()
        .filter(|(_, v)| v.as_str() != UNREAD_OUTSIDE)
        .all(|(k, v)| then.get(k) == Some(v))
}

/// The files `..` paths of the project lead to outside it (a compose `include:` or `extends:`
/// of `../…`): the compose and Dockerfile probes read the project as a run would, with
/// [`crate::disk::confine_collecting`] set, and what they reached outside it is listed.
/// Parsing only: nothing runs.
/// The files of `git` (see [`git_reach`]) are listed with them.
fn outside_files(settings: &Settings, git: &BTreeSet<String>) -> BTreeSet<String> {
    let ctx = crate::core::Context::new(settings.clone());
    let _ = crate::probes::compose::compose(&ctx);
    let _ = crate::probes::dockerfile::dockerfiles(&ctx);
    crate::disk::collected()
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .chain(git.iter().cloned())
        .collect()
}

/// The files outside the project that its own git config has git read (see
/// [`crate::probes::git::config_reach`]).
fn git_reach(settings: &Settings) -> BTreeSet<String> {
    let home = env_var("HOME").map(PathBuf::from);
    crate::probes::git::config_reach(&settings.project_dir, home.as_deref())
        .outside
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect()
}

/// `+ ` new, `~ ` changed, `  ` as recorded.
fn mark<T: PartialEq>(then: Option<Option<&T>>, now: &T) -> &'static str {
    match then {
        Some(Some(t)) if t == now => "  ",
        Some(Some(_)) => "~ ",
        _ => "+ ",
    }
}

/// What `devdoctor trust` lists: each fingerprinted file, each link out, each file named
/// outside, marked against the record `then`.
fn listing(then: Option<&Record>, now: &Record, git: &BTreeSet<String>) -> String {
    use crate::policy::text::printable;
    let mut out = String::new();
    for (file, hash) in &now.files {
        let m = mark(then.map(|t| t.files.get(file)), hash);
        out.push_str(&format!("{m}{file}  sha256:{}\n", &hash[..16]));
    }
    for (link, target) in &now.links {
        let m = mark(then.map(|t| t.links.get(link)), target);
        let (link, target) = (printable(link), printable(target));
        out.push_str(&format!(
            "{m}{link} -> {target}  (a link out of the project)\n"
        ));
    }
    for file in &now.outside {
        let m = mark(then.map(|t| t.outside.get(file)), file);
        let how = if git.contains(file) {
            "read by git: the repository's .git/config names it"
        } else {
            "named by the project with `..`"
        };
        let file = printable(file);
        out.push_str(&format!("{m}{file}  ({how})\n"));
    }
    out
}

/// `devdoctor trust [--show]`: records the fingerprint (or shows what it would record). The
/// run's files were confined with [`crate::disk::confine_collecting`].
pub(crate) fn cmd_trust(settings: &Settings, show: bool) -> Result<String> {
    let git = git_reach(settings);
    let now = Record {
        project: settings.project_dir.display().to_string(),
        files: fingerprint(settings),
        links: outside_links(&settings.project_dir),
        outside: outside_files(settings, &git),
    };
    let nothing = now.files.is_empty() && now.links.is_empty() && now.outside.is_empty();
    let mut out = String::new();
    if nothing {
        out.push_str(
            "no devdoctor.toml, .devdoctor/, packs, plugins, links out of the project or files it names outside itself\n",
        );
    }
    let then = read_record(&settings.project_dir);
    out.push_str(&listing(then.as_ref(), &now, &git));
    if show {
        let same = then.as_ref().is_some_and(|t| {
            t.files == now.files && t.links == now.links && t.outside == now.outside
        });
        out.push_str(if same {
            "trusted: the files above match what you trusted\n"
        } else {
            "not trusted (+ new, ~ changed since you trusted it): `devdoctor trust` records them\n"
        });
        return Ok(out);
    }
    let path = record_path(&settings.project_dir)
        .context("no state directory: set HOME or XDG_STATE_HOME")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&path, serde_json::to_string_pretty(&now)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let reach = if now.files.is_empty() {
        "files it names outside itself are read only as listed"
    } else {
        "its packs and plugins run, and files it names outside itself are read as listed"
    };
    out.push_str(&format!(
        "trusted {}: {reach}, until one of these changes (`devdoctor untrust` forgets it)\n",
        settings.project_dir.display()
    ));
    Ok(out)
}

/// `devdoctor untrust`: forgets the project's record.
pub(crate) fn cmd_untrust(settings: &Settings) -> Result<String> {
    match record_path(&settings.project_dir) {
        Some(p) if p.exists() => {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
            Ok(format!(
                "{} is no longer trusted\n",
                settings.project_dir.display()
            ))
        }
        _ => Ok(format!(
            "{} was not trusted\n",
            settings.project_dir.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Until the inside matches the record, a plugin folder outside the project is named, not
    /// walked, and a link in `.devdoctor/` that leads out is named, not hashed.
    #[test]
    fn the_fingerprint_reads_outside_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        let outside = dir.path().join("elsewhere");
        std::fs::create_dir_all(project.join(".devdoctor/plugins")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("check_x"), "#!/bin/sh\n").unwrap();
        std::fs::write(project.join(".devdoctor/plugins/check_own"), "#!/bin/sh\n").unwrap();
        std::os::unix::fs::symlink(
            outside.join("check_x"),
            project.join(".devdoctor/plugins/check_link"),
        )
        .unwrap();
        let settings = Settings {
            project_dir: project.clone(),
            plugin_paths: vec![outside.clone()],
            ..Settings::default()
        };
        let own = fingerprint_reading(&settings, false);
        let name = |p: &Path| settings.display_path(p);
        assert_eq!(own[&name(&outside)], UNREAD_OUTSIDE, "{own:?}");
        assert!(
            !own.contains_key(&name(&outside.join("check_x"))),
            "{own:?}"
        );
        assert_eq!(own[".devdoctor/plugins/check_link"], UNREAD_OUTSIDE);
        assert_ne!(own[".devdoctor/plugins/check_own"], UNREAD_OUTSIDE);

        let all = fingerprint(&settings);
        assert_ne!(all[&name(&outside.join("check_x"))], UNREAD_OUTSIDE);
        assert_ne!(all[".devdoctor/plugins/check_link"], UNREAD_OUTSIDE);
        // A record taken with consent matches the unread view where it can see.
        assert!(same_inside(&all, &own));
        let mut edited = all.clone();
        edited.insert(".devdoctor/plugins/check_own".into(), "0".into());
        assert!(!same_inside(&edited, &own));
    }

    #[test]
    fn changes_name_added_removed_and_modified_files() {
        let then: Fingerprint = [("a", "1"), ("b", "2"), ("c", "3")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let now: Fingerprint = [("a", "1"), ("b", "9"), ("d", "4")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(changes(&then, &now), ["b", "c", "d"]);
        assert!(changes(&now, &now).is_empty());
    }

    #[test]
    fn state_dir_prefers_an_absolute_xdg_state_home() {
        let vars = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/s".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(state_dir(&vars), Some(PathBuf::from("/s/devdoctor")));
        let relative = |k: &str| match k {
            "XDG_STATE_HOME" => Some("rel".to_string()),
            "HOME" => Some("/h".to_string()),
            _ => None,
        };
        assert_eq!(
            state_dir(&relative),
            Some(PathBuf::from("/h/.local/state/devdoctor"))
        );
        assert_eq!(state_dir(&|_| None), None);
    }

    #[test]
    fn the_notice_says_what_changed_and_how_to_trust() {
        let s = State::Untrusted {
            changed: vec!["devdoctor.toml".into()],
            never: false,
        };
        let n = s.notice().unwrap();
        assert!(
            n.contains("devdoctor.toml") && n.contains("devdoctor trust"),
            "{n}"
        );
        assert!(State::Trusted.notice().is_none());
        assert!(State::Forced.trusted() && !s.trusted());
    }
}
