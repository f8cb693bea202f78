//! The root prefix per flavour, envs dirs, rc
//! files and the environments that exist on disk. Files only; nothing spawned.

use super::{rc, shell::ShellInit, tilde, RcFile, Roots, Tool, Toolchain};
use crate::core::Context;
use crate::fix::Flavour;
use std::path::{Path, PathBuf};

/// Most directory entries read from one envs dir (a doctor, not an indexer).
const MAX_ENTRIES: usize = 500;

/// System-wide rc directories (overridable for tests).
#[derive(Debug, Clone)]
pub(super) struct SystemDirs(pub Vec<PathBuf>);

impl Default for SystemDirs {
    fn default() -> SystemDirs {
        SystemDirs(vec!["/etc/conda".into(), "/var/lib/conda".into()])
    }
}

/// What a directory looks like on disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DirFacts {
    pub exists: bool,
    pub is_dir: bool,
    /// The current user may create entries in it.
    pub writable: bool,
    /// Has `pkgs/`, `conda-meta/` or `envs/` (libmamba's `validate_existing_root_prefix`).
    pub valid_root: bool,
    /// Has no entries at all.
    pub empty: bool,
}

impl DirFacts {
    pub(crate) fn of(p: &Path) -> DirFacts {
        let meta = std::fs::metadata(p);
        let exists = meta.is_ok() || p.symlink_metadata().is_ok();
        let is_dir = meta.is_ok_and(|m| m.is_dir());
        DirFacts {
            exists,
            is_dir,
            writable: is_dir && writable(p),
            valid_root: is_valid_root(p),
            empty: is_dir && std::fs::read_dir(p).is_ok_and(|mut rd| rd.next().is_none()),
        }
    }
}

pub(super) fn writable(p: &Path) -> bool {
    rustix::fs::access(p, rustix::fs::Access::WRITE_OK).is_ok()
}

/// A valid root has `pkgs/`, `conda-meta/` or `envs/`.
pub(crate) fn is_valid_root(p: &Path) -> bool {
    ["pkgs", "conda-meta", "envs"]
        .iter()
        .any(|d| p.join(d).is_dir())
}

/// A directory is an environment iff it has `conda-meta/history`.
pub(super) fn is_env(p: &Path) -> bool {
    p.join("conda-meta/history").is_file()
}

/// One root prefix that was considered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RootCandidate {
    pub path: PathBuf,
    /// `MAMBA_ROOT_PREFIX`, `shell init block in ~/.bashrc`, `micromamba's location`, `~/miniforge3`…
    pub source: String,
    pub exists: bool,
    pub valid: bool,
}

/// An environment found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownEnv {
    pub prefix: PathBuf,
    /// `base` for a root, else the directory name.
    pub name: String,
    /// The root it belongs to (`<root>/envs/<name>` → `<root>`; a root is its own).
    pub root: Option<PathBuf>,
    /// `environments.txt`, an envs dir, or `root`.
    pub source: String,
}

fn version_lt(v: &str, than: &[u64]) -> bool {
    super::version_parts(v).as_slice() < than
}

/// The install prefix of a binary: `<P>/bin/x` → `<P>` (symlinks resolved).
fn binary_prefix(path: &Path) -> Option<PathBuf> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    real.parent()?.parent().map(Path::to_path_buf)
}

/// libmamba's rule: `<P>/../..` if it is a valid root (mamba installed in
/// `<root>/envs/<x>`), else `<P>` if valid (Miniforge's base), where `<P>/bin/<exe>`.
fn libmamba_location_root(tool: &Tool) -> Option<PathBuf> {
    let p = binary_prefix(&tool.path)?;
    if let Some(up) = p.parent().and_then(Path::parent) {
        if is_valid_root(up) {
            return Some(up.to_path_buf());
        }
    }
    is_valid_root(&p).then_some(p)
}

struct Resolved {
    root: Option<PathBuf>,
    source: String,
    /// The root is the tool's own default (nothing named it).
    defaulted: bool,
    default_error: Option<String>,
}

fn micromamba_default(ctx: &Context, home: &Path) -> (PathBuf, String, Option<String>) {
    let legacy = home.join("micromamba");
    if is_valid_root(&legacy) {
        return (legacy, "~/micromamba (an existing root)".into(), None);
    }
    let (dir, source) = match ctx.var_path("XDG_DATA_HOME") {
        Some(x) => (
            x.join("mamba"),
            "$XDG_DATA_HOME/mamba (micromamba 2's default)",
        ),
        None => (
            home.join(".local/share/mamba"),
            "~/.local/share/mamba (micromamba 2's default)",
        ),
    };
    let f = DirFacts::of(&dir);
    let error = (f.exists && (!f.is_dir || (!f.empty && !f.valid_root))).then(|| {
        format!(
            "Could not use default root_prefix \"{}\": Directory exists, is not empty and not a conda prefix. Please set explicitly `MAMBA_ROOT_PREFIX` to \"{}\" to skip this error.",
            dir.display(),
            dir.display()
        )
    });
    (dir, source.into(), error)
}

fn resolve_root(ctx: &Context, tool: Option<&Tool>, sh: &ShellInit) -> Resolved {
    let found = |root: PathBuf, source: String| Resolved {
        root: Some(root),
        source,
        defaulted: false,
        default_error: None,
    };
    // The documented defaults live under HOME; without it they cannot be known.
    let home = ctx.home();
    let in_home = |rel: &str, source: &str| match &home {
        Some(h) => Resolved {
            defaulted: true,
            ..found(h.join(rel), source.to_string())
        },
        None => Resolved {
            root: None,
            source: format!("HOME is not set, so {source} cannot be located"),
            defaulted: true,
            default_error: None,
        },
    };
    let libmamba = tool.is_none_or(|t| t.flavour.is_libmamba_cli());
    if libmamba {
        if let Some(p) = ctx.var_path("MAMBA_ROOT_PREFIX") {
            return found(p, "MAMBA_ROOT_PREFIX".into());
        }
        if let Some(p) = ctx.var_path("MAMBA_DEFAULT_ROOT_PREFIX") {
            return found(p, "MAMBA_DEFAULT_ROOT_PREFIX (meant for tests)".into());
        }
        if let Some((f, _, root)) = sh.block_root() {
            let src = format!("shell init block in {}", tilde(ctx, &f.path));
            return found(root.to_path_buf(), src);
        }
    }
    let Some(tool) = tool else {
        return in_home(
            "micromamba",
            "~/micromamba (where the micromamba installer puts it)",
        );
    };
    match tool.flavour {
        Flavour::Micromamba1 => in_home("micromamba", "~/micromamba (micromamba 1's default)"),
        Flavour::Mamba2 => {
            let prefix = libmamba_location_root(tool).or_else(|| binary_prefix(&tool.path));
            match prefix {
                Some(p) => found(p, "mamba's install prefix".into()),
                None => in_home(".local/share/mamba", "mamba 2's fallback"),
            }
        }
        Flavour::Micromamba2 => {
            // 2.0.6 added the binary's location as a source (PR #3782).
            if !version_lt(&tool.version, &[2, 0, 6]) {
                if let Some(p) = libmamba_location_root(tool) {
                    return found(p, "micromamba's install prefix".into());
                }
            }
            let Some(home) = &home else {
                return in_home("micromamba", "micromamba 2's default root");
            };
            let (dir, source, default_error) = micromamba_default(ctx, home);
            Resolved {
                root: Some(dir),
                source,
                defaulted: true,
                default_error,
            }
        }
        Flavour::Mamba1 | Flavour::Conda => {
            if let Some(p) = ctx
                .var_path("CONDA_ROOT_PREFIX")
                .or_else(|| ctx.var_path("CONDA_ROOT_DIR"))
            {
                return found(p, "CONDA_ROOT_PREFIX".into());
            }
            if let Some(p) = binary_prefix(&tool.path) {
                let what = if tool.flavour == Flavour::Conda {
                    "conda"
                } else {
                    "mamba"
                };
                return found(p, format!("{what}'s install prefix"));
            }
            if let Some(p) = ctx.var_path("_CONDA_ROOT") {
                return found(p, "_CONDA_ROOT".into());
            }
            Resolved {
                root: None,
                source: "not found".into(),
                defaulted: false,
                default_error: None,
            }
        }
    }
}

/// Every root worth knowing about, for mismatch reports.
fn candidates(ctx: &Context, tc: &Toolchain, sh: &ShellInit) -> Vec<RootCandidate> {
    let mut list: Vec<(PathBuf, String)> = Vec::new();
    if let Some(p) = ctx.var_path("MAMBA_ROOT_PREFIX") {
        list.push((p, "MAMBA_ROOT_PREFIX".into()));
    }
    for (f, b) in sh.blocks() {
        if let Some(r) = &b.root_prefix {
            list.push((
                r.clone(),
                format!("shell init block in {}", tilde(ctx, &f.path)),
            ));
        }
        if let Some(c) = &b.conda_exe {
            if let Some(p) = c.parent().and_then(Path::parent) {
                list.push((
                    p.to_path_buf(),
                    format!("conda init block in {}", tilde(ctx, &f.path)),
                ));
            }
        }
    }
    if let Some(p) = ctx.var_path("CONDA_EXE").and_then(|e| binary_prefix(&e)) {
        list.push((p, "CONDA_EXE".into()));
    }
    if let Some(p) = ctx.var_path("_CONDA_ROOT") {
        list.push((p, "_CONDA_ROOT".into()));
    }
    for t in &tc.tools {
        let root = if t.flavour.is_libmamba_cli() {
            libmamba_location_root(t)
        } else {
            binary_prefix(&t.path)
        };
        if let Some(p) = root {
            list.push((p, format!("{}'s install prefix", t.flavour.program())));
        }
    }
    if let Some(home) = ctx.home() {
        list.push((home.join("micromamba"), "~/micromamba".into()));
        match ctx.var_path("XDG_DATA_HOME") {
            Some(x) => list.push((x.join("mamba"), "$XDG_DATA_HOME/mamba".into())),
            None => list.push((
                home.join(".local/share/mamba"),
                "~/.local/share/mamba".into(),
            )),
        }
        for d in ["miniforge3", "mambaforge", "miniconda3", "anaconda3"] {
            list.push((home.join(d), format!("~/{d}")));
        }
    }
    list.push(("/opt/conda".into(), "/opt/conda".into()));
    let mut out: Vec<RootCandidate> = Vec::new();
    // Each path resolved once (comparing every pair resolved each of them again and again).
    let mut keys: Vec<PathBuf> = Vec::new();
    for (path, source) in list {
        let key = super::path_key(&path);
        if keys.contains(&key) {
            continue;
        }
        keys.push(key);
        let f = DirFacts::of(&path);
        out.push(RootCandidate {
            path,
            source,
            exists: f.exists,
            valid: f.valid_root,
        });
    }
    out
}

fn split_paths(ctx: &Context, raw: &str) -> Vec<PathBuf> {
    raw.split(':')
        .filter(|s| !s.trim().is_empty())
        .map(|s| super::expand_user(ctx, s))
        .collect()
}

fn push_unique(list: &mut Vec<PathBuf>, p: PathBuf) {
    if !list.iter().any(|q| super::same_path(q, &p)) {
        list.push(p);
    }
}

/// envs dirs for the flavour, plus the CONDA_ENVS_DIRS+CONDA_ENVS_PATH conflict.
fn envs_dirs(
    ctx: &Context,
    libmamba: bool,
    root: Option<&Path>,
    rc: &[RcFile],
) -> (Vec<PathBuf>, Option<String>) {
    let mut out = Vec::new();
    let dirs = ctx.var("CONDA_ENVS_DIRS");
    let path = ctx.var("CONDA_ENVS_PATH");
    let error = (libmamba && dirs.is_some() && path.is_some()).then(|| {
        "The CONDA_ENVS_DIRS and CONDA_ENVS_PATH environment variables are both set; micromamba and mamba 2 refuse to run. Unset one of them.".to_string()
    });
    if let Some(v) = dirs.or(path) {
        for p in split_paths(ctx, v) {
            push_unique(&mut out, p);
        }
    }
    // Lists are concatenated from the highest-precedence file down; micromamba ignores
    // envs_dirs in target-prefix files.
    for f in rc.iter().rev() {
        if libmamba && f.level == rc::RcLevel::Target {
            continue;
        }
        if let Ok(s) = &f.settings {
            for e in &s.envs_dirs {
                push_unique(&mut out, super::expand_user(ctx, &e.value));
            }
        }
    }
    let root_envs = root.map(|r| r.join("envs"));
    let user_envs = ctx.home().map(|h| h.join(".conda/envs"));
    if libmamba {
        if let Some(e) = root_envs {
            push_unique(&mut out, e);
        }
    } else {
        let root_writable = root.is_some_and(|r| {
            let h = r.join("conda-meta/history");
            if h.exists() {
                writable(&h)
            } else {
                writable(r)
            }
        });
        let pair = if root_writable {
            [root_envs, user_envs]
        } else {
            [user_envs, root_envs]
        };
        for p in pair.into_iter().flatten() {
            push_unique(&mut out, p);
        }
    }
    (out, error)
}

/// Known environments without duplicates. Each prefix is resolved once (a set of resolved
/// paths), so collecting N environments costs N lookups, not N² (200 envs took 0.7 s).
#[derive(Default)]
struct EnvSet {
    envs: Vec<KnownEnv>,
    seen: std::collections::HashSet<PathBuf>,
    /// Each prefix as written, with its resolved form: one prefix is listed by several
    /// sources (environments.txt, its envs dir, its root's envs/).
    resolved: std::collections::HashMap<PathBuf, PathBuf>,
    /// Each envs folder resolved once: a prefix that is no link is its folder's resolved form
    /// joined with its name, one `lstat` instead of a `readlink` per component.
    folders: std::collections::HashMap<PathBuf, Option<PathBuf>>,
    /// Whether each `<root>/envs` folder's root is a valid root, asked once per folder.
    roots: std::collections::HashMap<PathBuf, bool>,
    /// Envs folders already listed (an envs dir is often also a candidate root's `envs/`).
    listed: std::collections::HashSet<PathBuf>,
}

impl EnvSet {
    /// The prefix with symlinks resolved (as written when it does not exist).
    fn resolve(&mut self, prefix: &Path) -> PathBuf {
        let literal: PathBuf = prefix.components().collect();
        if let Some(key) = self.resolved.get(&literal) {
            return key.clone();
        }
        let key = match std::fs::symlink_metadata(&literal) {
            Err(_) => literal.clone(),
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::canonicalize(&literal).unwrap_or_else(|_| literal.clone())
            }
            Ok(_) => match (literal.parent(), literal.file_name()) {
                (Some(folder), Some(name)) => self
                    .folders
                    .entry(folder.to_path_buf())
                    .or_insert_with(|| std::fs::canonicalize(folder).ok())
                    .as_ref()
                    .map_or_else(|| literal.clone(), |f| f.join(name)),
                _ => std::fs::canonicalize(&literal).unwrap_or_else(|_| literal.clone()),
            },
        };
        self.resolved.insert(literal, key.clone());
        key
    }

    /// The root an env belongs to: `<root>/envs/<name>` → `<root>`; a valid root is its own.
    fn root_of(&mut self, prefix: &Path) -> Option<PathBuf> {
        let parent = prefix.parent()?;
        if parent.file_name().is_some_and(|n| n == "envs") {
            let root = parent.parent()?;
            let valid = *self
                .roots
                .entry(parent.to_path_buf())
                .or_insert_with(|| is_valid_root(root));
            if valid {
                return Some(root.to_path_buf());
            }
        }
        (prefix.join("envs").is_dir() || prefix.join("pkgs").is_dir()).then(|| prefix.to_path_buf())
    }

    /// The environments in the folder `dir`, sorted, or none when it was listed already (its
    /// environments are known then). A child already added (from environments.txt) is one
    /// without asking the disk again.
    fn children(&mut self, dir: &Path) -> Vec<PathBuf> {
        let literal: PathBuf = dir.components().collect();
        if !self.listed.insert(literal) {
            return Vec::new();
        }
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .take(MAX_ENTRIES)
                    .filter(|p| self.resolved.contains_key(p) || is_env(p))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    fn add(&mut self, prefix: PathBuf, source: &str) {
        let key = self.resolve(&prefix);
        if !self.seen.insert(key) {
            return;
        }
        let root = self.root_of(&prefix);
        let name = if root.as_deref() == Some(prefix.as_path()) {
            "base".to_string()
        } else {
            prefix
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        self.envs.push(KnownEnv {
            prefix,
            name,
            root,
            source: source.to_string(),
        });
    }
}

/// environments.txt lines that are still envs, children of every envs dir and of every
/// candidate root's envs/, and the valid roots themselves.
fn known_envs(ctx: &Context, envs_dirs: &[PathBuf], cands: &[RootCandidate]) -> Vec<KnownEnv> {
    let mut out = EnvSet::default();
    if let Some(home) = ctx.home() {
        let txt = home.join(".conda/environments.txt");
        if let Ok(text) = std::fs::read_to_string(&txt) {
            for line in text.lines().take(MAX_ENTRIES) {
                let p = PathBuf::from(line.trim().trim_end_matches('/'));
                if p.is_absolute() && is_env(&p) {
                    out.add(p, "environments.txt");
                }
            }
        }
    }
    for d in envs_dirs {
        for p in out.children(d) {
            out.add(p, "envs dir");
        }
    }
    for c in cands.iter().filter(|c| c.valid) {
        if is_env(&c.path) {
            out.add(c.path.clone(), "root");
        }
        for p in out.children(&c.path.join("envs")) {
            out.add(p, "root envs/");
        }
    }
    out.envs
}

/// Resolves everything for the primary tool of `tc`.
pub(super) fn resolve(ctx: &Context, tc: &Toolchain, sh: &ShellInit, sys: &SystemDirs) -> Roots {
    let r = resolve_root(ctx, tc.primary(), sh);
    resolve_from(ctx, tc, sh, sys, r)
}

/// The same as [`resolve`], with the root prefix that the tool itself reported (its
/// `info --json`) in place of the one worked out from files and variables.
pub(super) fn resolve_reported(
    ctx: &Context,
    tc: &Toolchain,
    sh: &ShellInit,
    sys: &SystemDirs,
    root: PathBuf,
    source: String,
) -> Roots {
    let r = Resolved {
        root: Some(root),
        source,
        defaulted: false,
        default_error: None,
    };
    resolve_from(ctx, tc, sh, sys, r)
}

fn resolve_from(
    ctx: &Context,
    tc: &Toolchain,
    sh: &ShellInit,
    sys: &SystemDirs,
    r: Resolved,
) -> Roots {
    let tool = tc.primary();
    let flavour = tool.map(|t| t.flavour);
    let libmamba = flavour.is_none_or(|f| f.is_libmamba_cli());
    let search = rc::search_path(ctx, flavour, r.root.as_deref(), &sys.0);
    let rc: Vec<RcFile> = rc::expand(&search)
        .into_iter()
        .map(|(p, lvl)| rc::load(&p, lvl))
        .collect();
    let (envs_dirs, envs_dirs_error) = envs_dirs(ctx, libmamba, r.root.as_deref(), &rc);
    let cands = candidates(ctx, tc, sh);
    let known_envs = known_envs(ctx, &envs_dirs, &cands);
    Roots {
        root_facts: r.root.as_deref().map(DirFacts::of).unwrap_or_default(),
        root_prefix: r.root,
        root_source: r.source,
        root_defaulted: r.defaulted,
        envs_dirs,
        default_root_error: r.default_error,
        candidates: cands,
        rc,
        envs_dirs_error,
        known_envs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One environment reached through a symlinked folder, a symlinked prefix, or its own
    /// path is one environment; a prefix that does not exist is kept as written, once.
    #[test]
    fn env_set_resolves_links_once_per_environment() {
        let dir = tempfile::tempdir().unwrap();
        let envs = dir.path().join("envs");
        std::fs::create_dir_all(envs.join("a/conda-meta")).unwrap();
        std::os::unix::fs::symlink(&envs, dir.path().join("linked-envs")).unwrap();
        std::os::unix::fs::symlink(envs.join("a"), envs.join("alias")).unwrap();
        let mut set = EnvSet::default();
        set.add(envs.join("a"), "envs dir");
        set.add(dir.path().join("linked-envs/a"), "environments.txt");
        set.add(envs.join("alias"), "environments.txt");
        set.add(envs.join("./a"), "environments.txt");
        assert_eq!(set.envs.len(), 1, "{:?}", set.envs);
        assert_eq!(set.envs[0].source, "envs dir");
        set.add(dir.path().join("gone"), "environments.txt");
        set.add(dir.path().join("gone/"), "environments.txt");
        assert_eq!(set.envs.len(), 2);
        set.add(envs.join("b"), "environments.txt");
        assert_eq!(set.envs.len(), 3);
    }
}
