//! Facts about the project's environment: its environment file, where environments are,
//! which one is the project's, and what is installed in it. Files first; the package
//! manager's CLI is asked only when no root prefix can be determined.
//!

pub mod discover;
pub mod envfile;
mod into_base;
pub(crate) use into_base::installs_into_base;
pub mod lock;
pub mod meta;
mod named;
pub(crate) use named::{pip_requirements, ByHand};
pub mod requirements;
pub mod site;

use crate::core::Context;
use discover::{Discovery, Inputs, Resolution};
use envfile::{normalize_dist_name, Dep, EnvFile};
use meta::{CondaMeta, Installed, PythonRecord};
use rattler_conda_types::Version;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// The state of the project's environment file.
#[derive(Debug, Clone)]
pub(crate) enum FileState {
    Absent,
    /// Could not be read (permission, binary, too large) — the reason says which.
    Unreadable(crate::probes::yaml::TextError),
    /// Read, but not a usable environment file; `line` is 0 when the whole file is meant.
    Invalid {
        line: usize,
        reason: String,
    },
    Parsed(Box<EnvFile>),
}

/// The environment file the project uses.
#[derive(Debug, Clone)]
pub(crate) struct ProjectFile {
    pub path: PathBuf,
    /// Named by `--env-file` or `[env] file`.
    pub explicit: bool,
    pub state: FileState,
    /// Why this file was picked (empty when it was named explicitly or nothing was found).
    pub why: String,
    /// Picked because a script of the project creates an environment from it.
    pub by_script: bool,
    /// The name that script gives the environment (`conda env create -n NAME -f FILE`); for
    /// a file found by name, the `-n NAME` the project's scripts or README create it with
    /// when the file has neither `name:` nor `prefix:`.
    pub script_env: Option<String>,
    /// The script updates an existing environment from the picked file (`mamba env update -n
    /// NAME -f FILE`, after a `create` that pins Python): the file adds to an environment.
    pub script_updates: bool,
    /// For that second case, where the name comes from: "README.md:12 (`conda env create …`)".
    pub name_why: Option<String>,
    /// A file picked by its name or place that a script also applies with `env update`: that
    /// command ("named by install.sh:2 (`mamba env update …`)"), which sets
    /// [`ProjectFile::script_updates`] too.
    pub updates_why: Option<String>,
    /// The file is an exported environment (`env export`): pinned, maybe with build strings.
    pub exported: bool,
    /// The other environment files found, each read and parsed (linted too), and whether it
    /// is an exported environment.
    pub others: Vec<(PathBuf, FileState, bool)>,
}

impl ProjectFile {
    pub(crate) fn parsed(&self) -> Option<&EnvFile> {
        match &self.state {
            FileState::Parsed(f) => Some(f),
            _ => None,
        }
    }
}

/// The environment files the project has, as discovered (the chosen one first).
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvFiles {
    pub choice: discover::EnvFileChoice,
}

impl EnvFiles {
    /// Every environment file found, the picked one first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &PathBuf> {
        self.choice.picked.iter().chain(&self.choice.others)
    }
}

/// Finds the project's environment files (see [`discover::choose_env_file`]).
pub(crate) fn env_files(ctx: &Context) -> Arc<EnvFiles> {
    ctx.probe(|ctx| {
        let found = crate::probes::files::project_files(ctx);
        let root = &ctx.settings.project_dir;
        let library = || distribution_name(ctx).is_some();
        let mut choice = discover::choose_env_file(root, &found.env_candidates);
        if choice.picked.is_none() {
            // No file by name or place: one the project's own scripts create from, else one
            // its CI sets up (for a library, one its tests run in: its CI also sets up
            // environments for a demo or a docs job, as zmoon/stringcalc's
            // panel/environment.yml).
            let mut named = named::named_files(root, &found.scripts);
            if named.is_empty() {
                named = named::ci_files(root, library());
            }
            if named.is_empty() {
                named = copied_into_an_image(ctx);
            }
            if let Some(by_script) = named_choice(root, named) {
                choice = by_script;
            }
        } else if choice.picked.as_deref().is_some_and(|p| in_binder(root, p)) {
            // Binder's file runs the examples online; the file the README, a script or the
            // tests' CI job creates an environment from is the one to work in
            // (xarray-contrib/cf-xarray's README: `mamba env create -f ci/environment.yml`).
            let mut named = named::named_files(root, &found.scripts);
            if named.is_empty() {
                named = named::ci_files(root, library());
            }
            named.retain(|f| !in_binder(root, &f.path));
            if let Some(mut by_script) = named_choice(root, named) {
                for p in choice
                    .picked
                    .take()
                    .into_iter()
                    .chain(choice.others.drain(..))
                {
                    if by_script.picked.as_ref() != Some(&p) && !by_script.others.contains(&p) {
                        by_script.others.push(p);
                    }
                }
                choice = by_script;
            }
        }
        EnvFiles { choice }
    })
}

/// Whether `path` lies in the project's `binder/` or `.binder/` folder.
fn in_binder(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).ok().is_some_and(|rel| {
        rel.components()
            .next()
            .is_some_and(|c| c.as_os_str() == "binder" || c.as_os_str() == ".binder")
    })
}

/// The choice of the first file a command of the project names, the others after it.
fn named_choice(root: &Path, named: Vec<named::NamedFile>) -> Option<discover::EnvFileChoice> {
    let mut named = named.into_iter();
    let first = named.next()?;
    let shown = first.path.strip_prefix(root).unwrap_or(&first.path);
    let shown = crate::policy::text::printable(&shown.to_string_lossy());
    Some(discover::EnvFileChoice {
        why: format!("{shown}: {}", first.why),
        picked: Some(first.path),
        others: named.map(|f| f.path).collect(),
        by_script: true,
        script_env: first.env,
        script_updates: first.updates,
    })
}

/// The environment files a Dockerfile of the project COPYs into its image and creates or
/// updates an environment from there (george123ya/scRNAseq_Visualizer's `COPY
/// yml/shiny_app_env.yml /tmp/env.yml`, then `micromamba create -n shiny_app_env -f
/// /tmp/env.yml`): asked last, where nothing else names one.
fn copied_into_an_image(ctx: &Context) -> Vec<named::NamedFile> {
    static FROM_FILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"\b(?:micromamba|mamba|conda)\s+(?:env\s+)?(?:create|update|install)\b[^&;|\n]*\s(?:-f|--file)[\s=]",
        )
        .expect("static regex")
    });
    let root = &ctx.settings.project_dir;
    let mut out: Vec<named::NamedFile> = Vec::new();
    for df in &crate::probes::dockerfile::dockerfiles(ctx).files {
        let makes_one = df
            .instructions
            .iter()
            .any(|i| i.keyword == "RUN" && FROM_FILE.is_match(&i.command_text()));
        if !makes_one {
            continue;
        }
        let context = crate::probes::dockerfile::context_of(ctx, df);
        for ins in df.instructions.iter().filter(|i| {
            (matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
                || i.keyword == "RUN"
        }) {
            let words = if ins.keyword == "RUN" {
                bind_mount_sources(ins)
            } else {
                let mut w = crate::probes::dockerfile::words(&ins.args, df.escape);
                w.pop();
                w
            };
            for source in &words {
                let yaml = source.ends_with(".yml") || source.ends_with(".yaml");
                if !yaml || source.contains(['$', '*', '?', '[']) || source.starts_with('/') {
                    continue;
                }
                let path = crate::disk::lexical(&context.join(source));
                let inside = path
                    .strip_prefix(root)
                    .is_ok_and(|rel| crate::disk::lookup_under(root, rel) == Some(true));
                if !inside
                    || out.iter().any(|f| f.path == path)
                    || discover::file_kind(&path) != discover::EnvFileKind::Spec
                {
                    continue;
                }
                let command = if ins.keyword == "RUN" {
                    format!("RUN --mount=…source={source}…")
                } else {
                    crate::policy::text::printable(&format!("COPY {}", ins.args.trim()))
                };
                out.push(named::NamedFile {
                    why: format!("named by {}:{} (`{command}`)", df.display, ins.line),
                    path,
                    env: None,
                    updates: false,
                });
            }
        }
    }
    out
}

/// Finds and parses the environment file: `--env-file` / `[env] file` when given, else the
/// one [`env_files`] picks; the others found are parsed too.
pub(crate) fn project_file(ctx: &Context) -> Arc<ProjectFile> {
    ctx.probe(|ctx| {
        let s = &ctx.settings;
        let mut path = s.env_file.clone();
        let mut why = String::new();
        let mut others = Vec::new();
        let mut by_script = false;
        let mut script_env = None;
        let mut script_updates = false;
        if !s.env_file_explicit {
            let files = env_files(ctx);
            if let Some(p) = &files.choice.picked {
                path.clone_from(p);
                why.clone_from(&files.choice.why);
                by_script = files.choice.by_script;
                script_env.clone_from(&files.choice.script_env);
                script_updates = files.choice.script_updates;
            }
            others = files
                .choice
                .others
                .iter()
                .map(|p| {
                    let state = load_file(p);
                    // Judged on the text just read, not read again.
                    let exported =
                        matches!(&state, FileState::Parsed(f) if discover::is_export_text(&f.text));
                    (p.clone(), state, exported)
                })
                .collect();
        }
        let state = load_file(&path);
        let (mut name_why, mut updates_why) = (None, None);
        let unnamed =
            matches!(&state, FileState::Parsed(f) if f.name.is_none() && f.prefix.is_none());
        let ask_name = script_env.is_none() && unnamed;
        if !s.env_file_explicit && (ask_name || !script_updates) {
            let scripts = &crate::probes::files::project_files(ctx).scripts;
            let named: Vec<named::NamedFile> = named::named_files(&s.project_dir, scripts)
                .into_iter()
                .filter(|n| n.path == path)
                .collect();
            if let Some(n) = named.iter().find(|n| n.env.is_some()).filter(|_| ask_name) {
                script_env.clone_from(&n.env);
                name_why = Some(n.why.trim_start_matches("named by ").to_string());
            }
            if let Some(n) = named.iter().find(|n| n.updates).filter(|_| !script_updates) {
                script_updates = true;
                updates_why = Some(n.why.clone());
            }
        }
        let exported = matches!(state, FileState::Parsed(_)) && discover::is_exported_env(&path);
        ProjectFile {
            path,
            explicit: s.env_file_explicit,
            state,
            why,
            by_script,
            script_env,
            script_updates,
            name_why,
            updates_why,
            exported,
            others,
        }
    })
}

/// The lock files next to the environment file (see [`lock::find`]), each read once per run:
/// `env.lock` judges them all and `image.lock` compares the first with the image.
#[derive(Debug)]
pub(crate) struct Locks {
    /// The folder they were looked for in.
    pub(crate) dir: PathBuf,
    pub(crate) files: Vec<(PathBuf, Result<lock::Lock, lock::LockError>)>,
    /// The other environment files in that folder (`*.yml`/`*.yaml` that are no lock): a
    /// lock named after one of them is its lock (`py3.10.lock` beside `py3.10.yml`).
    pub(crate) siblings: Vec<PathBuf>,
}

pub(crate) fn locks(ctx: &Context) -> Arc<Locks> {
    ctx.probe(|ctx| {
        let pf = project_file(ctx);
        let dir = pf
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| ctx.settings.project_dir.clone());
        let files = lock::load_all(ctx, lock::find(&dir));
        let mut siblings: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .take(10_000)
            .map(|e| e.path())
            .filter(|p| *p != pf.path && !files.iter().any(|(f, _)| f == p))
            .filter(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                name.is_some_and(|n| {
                    (n.ends_with(".yml") || n.ends_with(".yaml")) && !lock::is_conda_lock_name(&n)
                })
            })
            .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
            .collect();
        siblings.sort();
        Locks {
            dir,
            files,
            siblings,
        }
    })
}

/// A requirement line of a requirements file: a distribution name, then extras, a version,
/// markers or `@ URL` (not an option, a comment, a path, or a line of some other file).
static REQUIREMENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[A-Za-z0-9._, -]*\])?\s*(?:[<>=!~;@][^\n]*)?$",
    )
    .expect("static regex")
});

/// How much of a requirements file a `pip:` block includes is read.
const INCLUDED_BYTES: u64 = 256 * 1024;

/// The requirements files a `pip:` block includes (`-r requirements.txt`, `-r
/// file:requirements.txt`, `--requirement=…`, relative to the environment file's folder,
/// where conda runs pip): their requirements join the block as entries at the include's
/// line, since pip installs them as if they were listed (przemub/cysectool lists its 14 PyPI
/// packages that way). One level deep; options and comments are left out, and a file the
/// project names outside itself is not read before the user trusts it.
fn include_requirements(file: &mut envfile::EnvFile) {
    let dir = file.path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let Some(pip) = file.pip.as_mut() else {
        return;
    };
    let mut added: Vec<envfile::Spanned> = Vec::new();
    for e in &pip.entries {
        let Some(target) = included_file(&e.text) else {
            continue;
        };
        // An absolute path or `..` out of the project is not read before trust, and a link
        // in it that leads out is refused by the reader.
        let path = crate::disk::lexical(&dir.join(target));
        if crate::disk::named_outside(&path).is_err() {
            continue;
        }
        let Ok(bytes) = crate::disk::read_head(&path, INCLUDED_BYTES) else {
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let req = line.split(" #").next().unwrap_or_default().trim();
            if !REQUIREMENT.is_match(req) {
                continue;
            }
            added.push(envfile::Spanned {
                text: req.to_string(),
                line: e.line,
            });
        }
    }
    pip.entries.extend(added);
}

/// The file a `pip:` entry or a requirements file's line includes (`-r reqs.txt`, `-r
/// file:reqs.txt`, `--requirement reqs.txt`); `None` for any other entry and for a URL.
pub(crate) fn included_file(entry: &str) -> Option<&str> {
    let t = entry.trim();
    let rest = t
        .strip_prefix("--requirement")
        .or_else(|| t.strip_prefix("-r"))?;
    let rest = rest.trim_start_matches('=').trim();
    let rest = rest.strip_prefix("file:").unwrap_or(rest);
    (!rest.is_empty() && !rest.contains("://")).then_some(rest)
}

/// The build-context files a RUN bind-mounts (`RUN --mount=source=backend/environment.yml,
/// target=/tmp/env.yml micromamba install -f /tmp/env.yml`, HelmholtzAI's odt): a mount of
/// type bind (the default) from the context, not from another stage or image.
fn bind_mount_sources(ins: &crate::probes::dockerfile::Instruction) -> Vec<String> {
    ins.flags
        .iter()
        .filter(|f| f.name == "mount")
        .filter_map(|f| {
            let kv: Vec<(&str, &str)> = f
                .value
                .as_deref()?
                .split(',')
                .filter_map(|p| p.split_once('='))
                .collect();
            let get = |k: &[&str]| kv.iter().find(|(n, _)| k.contains(n)).map(|(_, v)| *v);
            let bind = get(&["type"]).is_none_or(|t| t == "bind");
            (bind && get(&["from"]).is_none())
                .then(|| get(&["source", "src"]).map(str::to_string))
                .flatten()
        })
        .collect()
}

/// Reads an environment file into a [`FileState`], with the requirements files its `pip:`
/// block includes (see [`include_requirements`]).
pub(crate) fn load_file(path: &Path) -> FileState {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileState::Absent,
        Err(e) => return FileState::Unreadable(crate::disk::ReadError::from(e).into()),
        Ok(m) if m.is_dir() => {
            return FileState::Unreadable(crate::disk::ReadError::Directory.into())
        }
        Ok(_) => {}
    }
    let text = match crate::probes::yaml::read_text(path) {
        Ok(t) => t,
        Err(reason) => return FileState::Unreadable(reason),
    };
    match envfile::parse(path, text) {
        Ok(mut f) => {
            include_requirements(&mut f);
            FileState::Parsed(Box::new(f))
        }
        Err(e) => FileState::Invalid {
            line: e.line,
            reason: e.reason,
        },
    }
}

/// Where the project's environment name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    /// `--env` or `[env] name`.
    Setting,
    /// `name:` in the environment file.
    FileName,
    /// A prefix, not a name: `prefix:` in the environment file (conda only; no `name:`), or
    /// the folder of the project the README or a script makes the environment in by hand
    /// (`mamba create -p ./env`), for a file with neither.
    Prefix,
    /// `-n NAME` in the Makefile, script or README command that creates it from the file
    /// (which names it so whatever the file's `name:` says).
    Script,
    /// The name of the environment.yml that `env.file` proposes, for a project with none.
    Proposed,
}

/// The project's environment name (or prefix) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvName {
    pub name: String,
    pub source: NameSource,
}

/// `--env`/`[env] name`, else the `-n NAME` of the script command the file was found by,
/// else the file's `name:`, else its `prefix:`, else the folder the README or a script makes
/// the environment in by hand (`-p ./env`).
pub(crate) fn env_name(ctx: &Context) -> Option<EnvName> {
    if let Some(n) = ctx
        .settings
        .env_name
        .as_ref()
        .filter(|n| !n.trim().is_empty())
    {
        return Some(EnvName {
            name: n.trim().to_string(),
            source: NameSource::Setting,
        });
    }
    let file = project_file(ctx);
    let parsed = file.parsed()?;
    if let Some(n) = &file.script_env {
        // `create -p ./env -f FILE`: the folder of the project the script makes it in.
        if let Some(folder) = n.strip_prefix("./") {
            return project_folder(ctx, folder).map(|name| EnvName {
                name,
                source: NameSource::Prefix,
            });
        }
        return Some(EnvName {
            name: n.clone(),
            source: NameSource::Script,
        });
    }
    if let Some(n) = parsed.name.as_ref().filter(|n| !n.text.is_empty()) {
        return Some(EnvName {
            name: n.text.clone(),
            source: NameSource::FileName,
        });
    }
    parsed
        .prefix
        .as_ref()
        .filter(|p| p.text.starts_with('/'))
        .map(|p| p.text.clone())
        .or_else(|| made_in_prefix(ctx))
        .map(|name| EnvName {
            name,
            source: NameSource::Prefix,
        })
}

/// What stands at a prefix an environment would be created at, where something is and it is
/// no environment: "a link", "a file", "a folder that is no environment". A create there
/// (`create -y -p PATH`) would go through the link or into what the folder holds, so no fix
/// runs one. `None` where nothing is there, or an environment is. Asked once per run and path.
pub(crate) fn prefix_occupied(ctx: &Context, prefix: &Path) -> Option<&'static str> {
    struct Occupied(Option<&'static str>);
    ctx.probe_keyed(prefix.to_path_buf(), |_| {
        let Ok(meta) = std::fs::symlink_metadata(prefix) else {
            return Occupied(None);
        };
        Occupied(if meta.file_type().is_symlink() {
            Some("a link")
        } else if !meta.is_dir() {
            Some("a file")
        } else if matches!(discover::is_env(prefix), Ok(true)) {
            None
        } else {
            Some("a folder that is no environment")
        })
    })
    .0
}

/// The folder of the project the README or a script makes the environment in by hand
/// (`mamba create -p ./env python=3.10`), as an absolute path.
pub(crate) fn made_in_prefix(ctx: &Context) -> Option<String> {
    let made = created_by_hand(ctx);
    let (b, _) = made.0.as_ref().filter(|(b, _)| b.prefix)?;
    project_folder(ctx, &b.env)
}

/// Where the README or a script makes the environment in a folder of the project that leads
/// out of it, before the user trusts the project: why it is not read, as a report says it
/// ("it leads outside the project, to …: not read until you trust the project").
pub(crate) fn withheld_prefix(ctx: &Context) -> Option<(String, String)> {
    // `create -p ./env -f FILE` of the script the file is made by, else a create by hand.
    let scripted = project_file(ctx)
        .script_env
        .as_deref()
        .and_then(|e| e.strip_prefix("./"))
        .map(str::to_string);
    let folder = scripted.or_else(|| {
        let made = created_by_hand(ctx);
        made.0
            .as_ref()
            .filter(|(b, _)| b.prefix)
            .map(|(b, _)| b.env.clone())
    })?;
    let refused = folder_in_project(ctx, &folder).0.clone().err()?;
    Some((format!("./{folder}"), refused))
}

/// A folder of the project as an absolute path, where it does not lead out of the project
/// (a link to `~/micromamba/envs/base`) before the user trusts it: the environment there
/// would be read and updated as the project's.
fn project_folder(ctx: &Context, folder: &str) -> Option<String> {
    folder_in_project(ctx, folder).0.clone().ok()
}

/// Its own type: keyed probes are told apart by key and value types.
struct Folder(Result<String, String>);

/// A folder of the project as an absolute path, or why it is withheld (it leads out of the
/// project before the user trusts it); worked out once per run and folder, as env.* ask for
/// the project's environment in every check.
fn folder_in_project(ctx: &Context, folder: &str) -> Arc<Folder> {
    ctx.probe_keyed(folder.to_string(), |ctx| {
        let path = ctx.settings.project_dir.join(folder);
        Folder(match crate::disk::confined(&path) {
            Ok(()) => Ok(path.display().to_string()),
            Err(e) => Err(e.to_string()),
        })
    })
}

/// Whether the project sets up a conda environment: an environment file devdoctor finds (or
/// one its config names, present or not), or a requirements.txt that `env.file` proposes to
/// replace with one.
pub(crate) fn sets_up_an_environment(ctx: &Context) -> bool {
    let pf = project_file(ctx);
    let found = pf.explicit || !matches!(pf.state, FileState::Absent);
    (found && binder_only_library(ctx).is_none())
        || requirements_txt(ctx).is_some()
        || made_by_hand(ctx).is_some()
}

/// A project with no environment file and no requirements.txt whose README or script makes
/// its environment by hand and installs packages into it with pip (`conda create -n foo
/// python=3.10`, then `pip install fastmcp loguru`): the environment, with where it is
/// made. Such a project sets up a conda environment that no file describes; `env.file`
/// proposes one, as for a requirements.txt.
pub(crate) fn made_by_hand(ctx: &Context) -> Option<(named::ByHand, String)> {
    let pf = project_file(ctx);
    if pf.explicit || !matches!(pf.state, FileState::Absent) || requirements_txt(ctx).is_some() {
        return None;
    }
    let found = created_by_hand(ctx);
    let (b, at) = found.0.as_ref()?;
    (!b.pip.is_empty()).then(|| (b.clone(), at.clone()))
}

/// What the skips say when [`sets_up_an_environment`] says no, with why.
pub(crate) fn no_environment(ctx: &Context) -> String {
    match binder_only_library(ctx) {
        Some(file) => format!(
            "the project sets up no conda environment (its only environment file, {file}, is Binder's, for running its examples online)"
        ),
        None => "the project sets up no conda environment (no environment file, and no requirements.txt that describes one)".into(),
    }
}

/// The environment file of a library (it has packaging: a distribution name, or setup.py)
/// whose every environment file devdoctor found lies in `binder/` or `.binder/`: the
/// environment Binder builds to run its notebooks online, not the one its developers and
/// CI use (cf_xarray, climpred). `None` otherwise, or when the file was named explicitly.
/// Worked out once per run: the pip, Python-policy and env checks all ask.
pub(crate) fn binder_only_library(ctx: &Context) -> Option<String> {
    struct BinderOnly(Option<String>);
    ctx.probe(|ctx| {
        let pf = project_file(ctx);
        if pf.explicit || matches!(pf.state, FileState::Absent) {
            return BinderOnly(None);
        }
        let dir = &ctx.settings.project_dir;
        let library = distribution_name(ctx).is_some() || dir.join("setup.py").is_file();
        let binder = |p: &Path| in_binder(dir, p);
        BinderOnly(
            (library && binder(&pf.path) && pf.others.iter().all(|(p, _, _)| binder(p)))
                .then(|| ctx.settings.display_path(&pf.path)),
        )
    })
    .0
    .clone()
}

/// Where the project's CI sets up its environment file with the Python chosen at create time
/// (`create-args: python=${{ matrix.python-version }}`): see [`named::ci_python`].
#[derive(Debug, Default)]
pub(crate) struct CiPython(pub Option<String>);

pub(crate) fn python_from_ci(ctx: &Context) -> Arc<CiPython> {
    ctx.probe(|ctx| {
        let pf = project_file(ctx);
        CiPython(named::ci_python(&ctx.settings.project_dir, &pf.path))
    })
}

/// The conda platforms of the CI runners that set up the project's environment file (see
/// [`named::ci_platforms`]).
pub(crate) fn ci_platforms(ctx: &Context) -> Vec<String> {
    let pf = project_file(ctx);
    named::ci_platforms(&ctx.settings.project_dir, &pf.path)
}

/// The environment the project's README or scripts create by hand, from no file (`conda
/// create -n foo python=3.10`), with where it is: what a requirements-only project's proposal
/// follows.
#[derive(Debug, Default)]
pub(crate) struct ByHandEnv(pub Option<(named::ByHand, String)>);

pub(crate) fn created_by_hand(ctx: &Context) -> Arc<ByHandEnv> {
    ctx.probe(|ctx| {
        let found = crate::probes::files::project_files(ctx);
        let mut made = named::by_hand(&ctx.settings.project_dir, &found.scripts);
        // The project itself, installed by its own name, is no dependency of its environment.
        if let (Some((b, _)), Some(own)) = (made.as_mut(), distribution_name(ctx)) {
            let own = normalize_dist_name(&own);
            b.pip.retain(|p| {
                let name = p
                    .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                    .next()
                    .unwrap_or(p);
                normalize_dist_name(name) != own
            });
        }
        ByHandEnv(made)
    })
}

/// The name of the environment devdoctor proposes to create when the project has only a
/// requirements.txt (`env.file`): the configured name, else the one the README or a script
/// creates by hand, else the one a script activates, else the project folder's.
pub(crate) fn proposed_env_name(ctx: &Context) -> String {
    let by_hand = || {
        created_by_hand(ctx)
            .0
            .as_ref()
            .filter(|(b, _)| !b.prefix)
            .map(|(b, _)| b.env.clone())
    };
    let activated = || {
        let found = crate::probes::files::project_files(ctx);
        named::activated(&ctx.settings.project_dir, &found.scripts).map(|(env, _)| env)
    };
    env_name(ctx)
        .map(|n| n.name)
        .or_else(by_hand)
        .or_else(activated)
        .unwrap_or_else(|| {
            ctx.settings
                .project_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "project".into())
        })
}

/// With no environment file yet, the environment `env.file` proposes one for (a project with
/// only a requirements.txt, or an environment made by hand), so that later steps of the plan
/// name the same one: its name, or the folder of the project it is made in (`-p ./env`, as an
/// absolute path with [`NameSource::Prefix`]).
pub(crate) fn proposed_env(ctx: &Context) -> Option<EnvName> {
    let absent = matches!(project_file(ctx).state, FileState::Absent);
    let described = requirements_txt(ctx).is_some() || made_by_hand(ctx).is_some();
    if !(absent && described) {
        return None;
    }
    let made = created_by_hand(ctx);
    Some(match made.0.as_ref().filter(|(b, _)| b.prefix) {
        Some((b, _)) => EnvName {
            name: ctx.settings.project_dir.join(&b.env).display().to_string(),
            source: NameSource::Prefix,
        },
        None => EnvName {
            name: proposed_env_name(ctx),
            source: NameSource::Proposed,
        },
    })
}

/// Discovery inputs from the mamba probes, with the environment's own fallbacks.
pub(crate) fn inputs(ctx: &Context) -> Inputs {
    let roots = crate::probes::mamba::roots(ctx);
    let mut envs_dirs = roots.envs_dirs.clone();
    if envs_dirs.is_empty() {
        // The roots probe gave no list: the variables every flavour honours.
        let var = ctx
            .var("CONDA_ENVS_DIRS")
            .or_else(|| ctx.var("CONDA_ENVS_PATH"));
        if let Some(v) = var {
            envs_dirs.extend(v.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
        }
        if let Some(root) = &roots.root_prefix {
            envs_dirs.push(root.join("envs"));
        }
    }
    Inputs {
        root_prefix: roots.root_prefix.clone(),
        envs_dirs,
        home: ctx.home(),
        extra: roots.known_envs.iter().map(|e| e.prefix.clone()).collect(),
    }
}

/// All environments, probed once per run: from files, and from `<tool> env list --json`
/// only when no root prefix could be determined.
pub(crate) fn discovery(ctx: &Context) -> Arc<Discovery> {
    ctx.probe(|ctx| {
        let mut d = discover::discover(&inputs(ctx));
        // No root prefix at all, or only a default that does not exist while the project's
        // environment was not found in files: ask the tool (`env list --json`).
        let root_missing = d.root_prefix.as_ref().is_none_or(|r| !r.is_dir());
        let unfound = || env_name(ctx).is_some_and(|n| d.resolve(&n.name).chosen.is_none());
        if d.root_prefix.is_none() || (root_missing && unfound()) {
            cli_fallback(ctx, &mut d);
        }
        d
    })
}

fn cli_fallback(ctx: &Context, d: &mut Discovery) {
    let tools = crate::probes::mamba::toolchain(ctx);
    let Some(tool) = tools.primary() else { return };
    let label = tool.path.display().to_string();
    let out = crate::exec::Cmd::new(&tool.path)
        .args(["env", "list", "--json"])
        // Leave the check a quarter of its time to report a hung tool itself.
        .timeout(ctx.settings.timeout.mul_f64(0.75))
        .env_exact(ctx.vars().iter())
        .run();
    match out {
        Ok(o) if o.success() => match discover::parse_env_list_json(&o.stdout_text()) {
            Ok((prefixes, root)) => discover::merge_cli(d, prefixes, root, &label),
            Err(e) => d.problems.push(discover::Problem::Cli(format!(
                "`{label} env list --json` printed something unexpected: {e}"
            ))),
        },
        Ok(o) => d.problems.push(discover::Problem::Cli(format!(
            "`{label} env list --json` {}: {}",
            o.describe_end(),
            o.stderr_text().lines().last().unwrap_or("").trim()
        ))),
        Err(e) => d.problems.push(discover::Problem::Cli(format!("{e:#}"))),
    }
}

/// The python of an environment.
#[derive(Debug, Clone)]
pub struct PythonFacts {
    pub installed: Installed,
    /// The record's JSON (for `python_site_packages_path`), or why it could not be read.
    pub record: Result<PythonRecord, meta::MetaError>,
    pub record_path: PathBuf,
}

/// The project's environment and what is installed in it.
#[derive(Debug, Clone, Default)]
pub struct ProjectEnv {
    pub name: Option<EnvName>,
    pub resolution: Resolution,
    /// The chosen env's `conda-meta`, or why it could not be listed.
    pub meta: Option<Result<CondaMeta, meta::MetaError>>,
    pub python: Option<PythonFacts>,
}

impl ProjectEnv {
    pub(crate) fn prefix(&self) -> Option<&Path> {
        self.resolution.chosen.as_ref().map(|e| e.prefix.as_path())
    }
    pub fn conda_meta(&self) -> Option<&CondaMeta> {
        self.meta.as_ref().and_then(|m| m.as_ref().ok())
    }
    /// The version of `name` installed in the environment and who put it there: its conda
    /// record (`conda`), else its `.dist-info` folder in site-packages (`pip`, which stands
    /// for any installer of PyPI's).
    pub(crate) fn installed_version(&self, name: &str) -> Option<(String, &'static str)> {
        let meta = self.conda_meta()?;
        if let Some(p) = meta.get(name) {
            return Some((p.version.clone(), "conda"));
        }
        let prefix = self.prefix()?;
        let py = self.python.as_ref()?;
        let record_sp = py
            .record
            .as_ref()
            .ok()
            .and_then(|r| r.site_packages.as_deref());
        let rel = site::site_packages_rel(prefix, record_sp, &py.installed.version)?;
        site::dist_version(prefix, &rel, name).map(|v| (v, "pip"))
    }
}

/// Resolves `name` in a discovery and reads the chosen env's conda-meta and python record.
pub fn project_env_in(d: &Discovery, name: Option<EnvName>) -> ProjectEnv {
    let Some(n) = name else {
        return ProjectEnv::default();
    };
    let resolution = d.resolve(&n.name);
    let meta = resolution
        .chosen
        .as_ref()
        .map(|e| meta::read_conda_meta(&e.prefix));
    let python = meta.as_ref().and_then(|m| m.as_ref().ok()).and_then(|m| {
        let installed = m.get("python")?.clone();
        let record_path = m.record_path(&installed);
        Some(PythonFacts {
            record: meta::read_record(&record_path),
            installed,
            record_path,
        })
    });
    ProjectEnv {
        name: Some(n),
        resolution,
        meta,
        python,
    }
}

/// The project's environment, probed once per run.
pub(crate) fn project_env(ctx: &Context) -> Arc<ProjectEnv> {
    ctx.probe(|ctx| {
        let name = env_name(ctx);
        if name.is_none() {
            return ProjectEnv::default();
        }
        project_env_in(&discovery(ctx), name)
    })
}

/// Whether the project's pixi manifest has its pixi.lock beside it: pixi locks the project.
pub(crate) fn pixi_locked(ctx: &Context) -> bool {
    pixi_manifest(ctx).is_some() && ctx.settings.project_dir.join("pixi.lock").is_file()
}

/// The project's pixi manifest, named as shown (`pixi.toml`, or a pyproject.toml with a
/// `[tool.pixi…]` table): pixi, not micromamba, manages such a project's environments.
pub(crate) fn pixi_manifest(ctx: &Context) -> Option<&'static str> {
    struct Pixi(Option<&'static str>);
    ctx.probe(|ctx| {
        let dir = &ctx.settings.project_dir;
        if dir.join("pixi.toml").is_file() {
            return Pixi(Some("pixi.toml"));
        }
        let head = crate::disk::read_head(&dir.join("pyproject.toml"), 1024 * 1024);
        let text = String::from_utf8_lossy(head.as_deref().unwrap_or_default());
        let table = text
            .lines()
            .any(|l| l.trim_start().starts_with("[tool.pixi"));
        Pixi(table.then_some("pyproject.toml ([tool.pixi])"))
    })
    .0
}

/// What a Dockerfile needs of an environment file it copies into its image.
#[derive(Debug, Clone, Default)]
pub(crate) struct CopiedEnvFile {
    /// Its `name:`.
    pub name: Option<String>,
    /// Its `channels:`, as written (`nodefaults` included).
    pub channels: Vec<String>,
}

/// The environment file at `path` (one a Dockerfile copies into its image), read once per
/// run; `None` where it cannot be read (outside the project, too large) or parsed.
pub(crate) fn copied_env_file(ctx: &Context, path: &Path) -> Option<CopiedEnvFile> {
    struct Read(Option<CopiedEnvFile>);
    let read = ctx.probe_keyed(path.to_path_buf(), |_| {
        let text = crate::disk::read_capped_utf8(path, 1024 * 1024, "an environment file");
        Read(
            text.ok()
                .and_then(|t| envfile::parse(path, t).ok())
                .map(|f| CopiedEnvFile {
                    name: f.name.map(|n| n.text),
                    channels: f
                        .channels
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| c.text)
                        .collect(),
                }),
        )
    });
    read.0.clone()
}

/// A pixi project (its manifest, no environment file) on a machine with no micromamba, mamba
/// or conda, working or broken: pixi brings its own solver, so nothing in the plan installs
/// one. The manifest, as [`pixi_manifest`] names it.
pub(crate) fn pixi_without_manager(
    ctx: &Context,
    tc: &crate::probes::mamba::Toolchain,
) -> Option<&'static str> {
    if !tc.tools.is_empty() || !tc.broken.is_empty() {
        return None;
    }
    // An environment file that is Binder's alone is for running the examples online, not
    // for this machine (Libensemble/libensemble: pixi, plus binder/environment.yml).
    if !matches!(project_file(ctx).state, FileState::Absent) && binder_only_library(ctx).is_none() {
        return None;
    }
    pixi_manifest(ctx)
}

/// What the project's packaging files say: its distribution name, and whether its
/// requirements.txt is the package's own dependency list. Read once per run.
struct Package {
    name: Option<String>,
    /// `[project] requires-python`, as written.
    requires_python: Option<String>,
    /// Why requirements.txt is no environment (see [`requirements_are_package_metadata`]).
    requirements_from: Option<&'static str>,
}

fn package(ctx: &Context) -> std::sync::Arc<Package> {
    ctx.probe(|ctx| {
        let dir = &ctx.settings.project_dir;
        let read = |name: &str| {
            crate::disk::read_capped(&dir.join(name), 1024 * 1024, "not a project file")
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        let pyproject = read("pyproject.toml").and_then(|t| t.parse::<toml::Table>().ok());
        let setup_cfg = read("setup.cfg");
        let name = pyproject
            .as_ref()
            .and_then(|d| {
                let poetry = || d.get("tool")?.get("poetry")?.get("name");
                d.get("project").and_then(|p| p.get("name")).or_else(poetry)?.as_str().map(str::to_string)
            })
            .or_else(|| setup_cfg.as_deref().and_then(setup_cfg_name))
            .or_else(|| read("setup.py").as_deref().and_then(setup_py_name));
        let requirements_from = pyproject
            .as_ref()
            .and_then(pyproject_reads_requirements)
            .or_else(|| {
                setup_cfg
                    .as_deref()
                    .is_some_and(|t| {
                        t.lines().any(|l| {
                            let l = l.replace(' ', "");
                            l.starts_with("install_requires=file:")
                                && l.contains("requirements.txt")
                        })
                    })
                    .then_some("requirements.txt is the package's dependency list, read by setup.cfg's install_requires")
            })
            .or_else(|| {
                read("setup.py")
                    .is_some_and(|t| {
                        t.contains("install_requires") && t.contains("requirements.txt")
                    })
                    .then_some("requirements.txt is the package's dependency list, read by setup.py's install_requires")
            })
            .or_else(|| {
                read("requirements.txt")
                    .is_some_and(|t| installs_only_the_project(&t, dir))
                    .then_some(ONLY_THE_PROJECT)
            });
        let requires_python = pyproject
            .as_ref()
            .and_then(|d| d.get("project")?.get("requires-python")?.as_str())
            .map(str::to_string);
        Package {
            name,
            requires_python,
            requirements_from,
        }
    })
}

/// The project's `requires-python` (pyproject.toml's `[project]`), as written.
pub(crate) fn requires_python(ctx: &Context) -> Option<String> {
    package(ctx).requires_python.clone()
}

/// What [`requirements_are_package_metadata`] says of a requirements.txt that holds only
/// `-e .`: the dependencies are the package's own.
const ONLY_THE_PROJECT: &str =
    "requirements.txt installs only the project itself (`-e .`), whose packaging lists its dependencies";

/// Whether every requirement line of `text` installs the project folder `dir` itself.
fn installs_only_the_project(text: &str, dir: &Path) -> bool {
    let mut lines = text
        .lines()
        .map(|l| l.split(" #").next().unwrap_or(l).trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    lines.peek().is_some() && lines.all(|l| envfile::is_project_entry(l, dir, dir, None))
}

/// Where pyproject.toml makes requirements.txt the package's dependencies: setuptools'
/// `[tool.setuptools.dynamic] dependencies = { file = … }`, or hatch-requirements-txt's
/// `[tool.hatch.metadata.hooks.requirements_txt]` (whose default file is requirements.txt).
fn pyproject_reads_requirements(doc: &toml::Table) -> Option<&'static str> {
    let names_it = |v: Option<&toml::Value>| match v {
        Some(toml::Value::String(f)) => f.trim_start_matches("./") == "requirements.txt",
        Some(toml::Value::Array(a)) => a.iter().any(|f| {
            f.as_str()
                .is_some_and(|f| f.trim_start_matches("./") == "requirements.txt")
        }),
        _ => false,
    };
    let tool = doc.get("tool")?;
    let setuptools = tool
        .get("setuptools")
        .and_then(|t| t.get("dynamic")?.get("dependencies")?.get("file"));
    if names_it(setuptools) {
        return Some("requirements.txt is the package's dependency list, read by pyproject.toml's [tool.setuptools.dynamic]");
    }
    let hatch = tool
        .get("hatch")
        .and_then(|h| h.get("metadata")?.get("hooks")?.get("requirements_txt"))?;
    (hatch.get("files").is_none() || names_it(hatch.get("files")))
        .then_some("requirements.txt is the package's dependency list, read by pyproject.toml's [tool.hatch.metadata.hooks.requirements_txt]")
}

/// The project's Python distribution name, as written: `[project] name` in pyproject.toml
/// (Poetry 1's `[tool.poetry] name`), else `name` under `[metadata]` in setup.cfg, else the
/// literal `name=` of setup.py's `setup(` call.
pub(crate) fn distribution_name(ctx: &Context) -> Option<String> {
    package(ctx).name.clone()
}

/// Why the project's requirements.txt is the package's own dependency list (its packaging reads
/// it) or installs only the package, not a recipe for an environment; `None` when it is one.
pub(crate) fn requirements_are_package_metadata(ctx: &Context) -> Option<&'static str> {
    package(ctx).requirements_from
}

/// The literal `name="…"` of a setup.py's `setup(` call (the first after it), read as text.
fn setup_py_name(text: &str) -> Option<String> {
    static NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"\bname\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']"#).expect("valid")
    });
    let call = text.find("setup(")?;
    NAME.captures(&text[call..]).map(|c| c[1].to_string())
}

/// `name = …` in the `[metadata]` section of a setup.cfg.
fn setup_cfg_name(text: &str) -> Option<String> {
    let mut in_metadata = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_metadata = line == "[metadata]";
        } else if let Some((k, v)) = line.split_once('=').filter(|_| in_metadata) {
            if k.trim() == "name" && !v.trim().is_empty() {
                return Some(v.trim().to_string());
            }
        }
    }
    None
}

/// The first Snakemake rule that runs in a conda environment of its own (a `conda:` directive
/// in a Snakefile or `*.smk`), as "workflow/rules/align.smk:12"; read once per run.
/// `snakemake --use-conda` creates those environments with a `conda` executable.
pub(crate) fn snakemake_conda_rule(ctx: &Context) -> Option<String> {
    /// Its own type: the probe cache is keyed by type.
    struct Found(Option<String>);
    let found = ctx.probe(|ctx| {
        let files = crate::probes::files::project_files(ctx);
        Found(files.snakefiles.iter().find_map(|p| {
            let bytes = crate::disk::read_head(p, 1024 * 1024).ok()?;
            let text = String::from_utf8_lossy(&bytes);
            let line = text.lines().position(|l| {
                let t = l.trim_start();
                t.len() < l.len() && t.starts_with("conda:")
            })?;
            Some(format!("{}:{}", ctx.settings.display_path(p), line + 1))
        }))
    });
    found.0.clone()
}

/// The project's `requirements.txt`, when there is one and it describes an environment (a
/// pip project with no environment file), not the package's own dependency list.
pub(crate) fn requirements_txt(ctx: &Context) -> Option<PathBuf> {
    Some(ctx.settings.project_dir.join("requirements.txt"))
        .filter(|p| p.is_file())
        .filter(|_| requirements_are_package_metadata(ctx).is_none())
        .filter(|_| requirements_for_the_image(ctx).is_none())
}

/// The text of the requirements file `path` with the files it includes (`-r base.txt`, two
/// levels deep) written in place of their `-r` lines, so that a proposal made from it holds
/// every package pip would install. An include outside the project, or that cannot be read,
/// stays a `-r` line (which the proposal skips).
pub(crate) fn requirements_text(path: &Path) -> String {
    fn expand(path: &Path, depth: u8, seen: &mut Vec<PathBuf>, out: &mut String) {
        let Ok(text) = crate::probes::yaml::read_text(path) else {
            return;
        };
        seen.push(path.to_path_buf());
        let dir = path.parent().unwrap_or(Path::new("."));
        for line in text.lines() {
            let target = included_file(line.split(" #").next().unwrap_or(line))
                .map(|t| crate::disk::lexical(&dir.join(t)))
                .filter(|p| depth > 0 && !seen.contains(p))
                .filter(|p| crate::disk::named_outside(p).is_ok() && p.is_file());
            match target {
                Some(p) => expand(&p, depth - 1, seen, out),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    let mut out = String::new();
    expand(path, 2, &mut Vec::new(), &mut out);
    out
}

/// Where a Dockerfile of the project installs requirements.txt as a conda package list into
/// the image (`mamba install --yes --file /tmp/requirements.txt`, the Jupyter Docker Stacks'
/// recipe): "Dockerfile:5"; the image is then the project's environment, and the file no pip
/// requirements to replace.
pub(crate) fn requirements_for_the_image(ctx: &Context) -> Option<String> {
    /// Its own type: the probe cache is keyed by type.
    struct Found(Option<String>);
    static FILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"\b(?:micromamba|mamba|conda)\s+(?:install|create)\b[^&;|\n]*?\s(?:--file[ =]|-f\s+)\S*?\brequirements\.txt\b",
        )
        .expect("static regex")
    });
    ctx.probe(|ctx| {
        let facts = crate::probes::dockerfile::dockerfiles(ctx);
        Found(facts.files.iter().find_map(|df| {
            df.instructions
                .iter()
                .filter(|i| i.keyword == "RUN")
                .find(|i| FILE.is_match(&i.command_text()))
                .map(|i| format!("{}:{}", df.display, i.line))
        }))
    })
    .0
    .clone()
}

/// Whether devdoctor runs in the project folder, so that fix commands (which the fixer runs
/// there too) may name the project's files relative to it.
pub(crate) fn runs_in_project(ctx: &Context) -> bool {
    struct Here(bool);
    ctx.probe(|ctx| {
        let project = &ctx.settings.project_dir;
        Here(std::env::current_dir().is_ok_and(|c| same_dir(&c, project)))
    })
    .0
}

/// Whether two paths name the same folder, as given or once symlinks are resolved.
pub(crate) fn same_dir(a: &Path, b: &Path) -> bool {
    a == b
        || a.canonicalize()
            .ok()
            .is_some_and(|c| Some(c) == b.canonicalize().ok())
}

/// A declared dependency the environment does not satisfy.
#[derive(Debug, Clone)]
pub struct Unsatisfied {
    pub dep: Dep,
    /// What is installed under that name, if anything.
    pub installed: Option<Installed>,
}

/// Whether an installed package satisfies a dependency's version and build.
pub(crate) fn satisfies(dep: &Dep, pkg: &Installed) -> bool {
    let Ok(spec) = &dep.spec else { return true };
    let version_ok = match &spec.version {
        None => true,
        Some(vs) => Version::from_str(&pkg.version).is_ok_and(|v| vs.matches(&v)),
    };
    let build_ok = spec.build.as_ref().is_none_or(|b| b.matches(&pkg.build));
    version_ok && build_ok
}

/// The conda dependencies of `file` that `meta` does not satisfy, skipping `skip` (by name)
/// and virtual packages. Reads nothing: names, versions and builds come from file names.
pub fn unsatisfied(file: &EnvFile, meta: &CondaMeta, skip: &[&str]) -> Vec<Unsatisfied> {
    file.dependencies
        .iter()
        .filter(|d| d.spec.is_ok() && !d.is_virtual())
        .filter(|d| d.name().is_some_and(|n| !skip.contains(&n)))
        .filter_map(|dep| {
            let installed = meta.get(dep.name()?);
            match installed {
                Some(pkg) if satisfies(dep, pkg) => None,
                _ => Some(Unsatisfied {
                    dep: dep.clone(),
                    installed: installed.cloned(),
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pyproject(text: &str) -> Option<&'static str> {
        pyproject_reads_requirements(&text.parse::<toml::Table>().unwrap())
    }

    #[test]
    fn pyproject_that_reads_requirements_txt_as_dependencies() {
        let setuptools =
            "[tool.setuptools.dynamic]\ndependencies = { file = \"requirements.txt\" }";
        assert!(pyproject(setuptools).is_some());
        let listed =
            "[tool.setuptools.dynamic]\ndependencies = { file = [\"./requirements.txt\"] }";
        assert!(pyproject(listed).is_some());
        assert!(pyproject("[tool.hatch.metadata.hooks.requirements_txt]\n").is_some());
        let hatch = "[tool.hatch.metadata.hooks.requirements_txt]\nfiles = [\"requirements.txt\"]";
        assert!(pyproject(hatch).is_some());
        // Other files, or optional dependencies only, leave requirements.txt an environment.
        let other = "[tool.setuptools.dynamic]\ndependencies = { file = \"requirements/base.in\" }";
        assert!(pyproject(other).is_none());
        let hatch_other = "[tool.hatch.metadata.hooks.requirements_txt]\nfiles = [\"req/run.txt\"]";
        assert!(pyproject(hatch_other).is_none());
        assert!(pyproject("[project]\nname = \"app\"\ndependencies = [\"x\"]").is_none());
    }

    fn package_of(files: &[(&str, &str)]) -> (Option<String>, Option<&'static str>) {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let ctx = Context::new(crate::core::Settings {
            project_dir: dir.path().to_path_buf(),
            ..Default::default()
        });
        let p = package(&ctx);
        (p.name.clone(), p.requirements_from)
    }

    /// The name of a Poetry 1 project (`[tool.poetry]`) or of a setup.py's `setup(name=…)`
    /// call counts as the project's own, after `[project]` and setup.cfg.
    #[test]
    fn the_distribution_name_comes_from_any_packaging_file() {
        let poetry = "[tool.poetry]\nname = \"ifc-tool\"\nversion = \"0.1.0\"\n";
        assert_eq!(
            package_of(&[("pyproject.toml", poetry)]).0.as_deref(),
            Some("ifc-tool")
        );
        let both = "[project]\nname = \"new\"\n[tool.poetry]\nname = \"old\"\n";
        assert_eq!(
            package_of(&[("pyproject.toml", both)]).0.as_deref(),
            Some("new")
        );
        let py = "from setuptools import setup\nNAME_OF_THINGS = 1\nsetup(\n    name='ifcexport2',\n    ext_modules=[Extension(name='x._c')],\n)\n";
        assert_eq!(
            package_of(&[("setup.py", py)]).0.as_deref(),
            Some("ifcexport2")
        );
        assert_eq!(package_of(&[("setup.py", "setup(**kwargs)\n")]).0, None);
        let cfg = "[metadata]\nname = from-cfg\n";
        assert_eq!(
            package_of(&[("setup.cfg", cfg), ("setup.py", py)])
                .0
                .as_deref(),
            Some("from-cfg")
        );
    }

    #[test]
    fn setup_cfg_and_setup_py_that_read_requirements_txt() {
        let cfg =
            "[metadata]\nname = old-lib\n[options]\ninstall_requires = file: requirements.txt\n";
        assert_eq!(
            package_of(&[("setup.cfg", cfg)]),
            (Some("old-lib".into()), Some("requirements.txt is the package's dependency list, read by setup.cfg's install_requires"))
        );
        let py = "with open('requirements.txt') as f:\n    reqs = f.read().split()\nsetup(install_requires=reqs)\n";
        assert_eq!(
            package_of(&[("setup.py", py)]).1,
            Some("requirements.txt is the package's dependency list, read by setup.py's install_requires")
        );
        // A setup.py that only mentions the file, and an application with no packaging.
        let printed = "print('see requirements.txt')\nsetup(name='x')\n";
        assert_eq!(package_of(&[("setup.py", printed)]).1, None);
        assert_eq!(package_of(&[("requirements.txt", "flask\n")]), (None, None));
        // A requirements.txt that installs the project and nothing else (nbgrader's).
        for only in ["-e .\n", "# dev\n-e .[dev]\n", "."] {
            assert_eq!(
                package_of(&[("requirements.txt", only)]).1,
                Some(ONLY_THE_PROJECT),
                "{only}"
            );
        }
        assert_eq!(package_of(&[("requirements.txt", "-e .\nflask\n")]).1, None);
        assert_eq!(package_of(&[("requirements.txt", "# nothing\n")]).1, None);
    }
}
