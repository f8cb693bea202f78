//! Where a project asks for a Python distribution outside its environment file, with the
//! file and line: pyproject.toml (PEP 621 dependencies, Poetry's table), a requirements file
//! (and the one file it includes with `-r`), a requirements file an environment file's `pip:`
//! block includes, a Dockerfile's `RUN pip install`; and the version a uv.lock or poetry.lock
//! pins. Files are read as data, inside the project only.

use super::project::MAX_SOURCE_BYTES;
use crate::core::Context;
use crate::probes::env::envfile::requirement_name;
use crate::probes::env::included_file as included;
use std::path::{Path, PathBuf};

/// How a requirement is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// A pip requirement line (`mcp[cli]>=1.9`), PEP 621's too.
    Pip,
    /// A conda MatchSpec (`mcp>=1.9`, `mcp 1.9.*`).
    Conda,
    /// Poetry's `mcp = "^1.8"`; [`Requirement::text`] holds the constraint (`^1.8`).
    Poetry,
}

/// A requirement as written, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// The file as shown (relative to the project).
    pub(crate) file: String,
    pub(crate) path: PathBuf,
    /// 1-based; 0 where the text is not found on one line.
    pub(crate) line: usize,
    pub(crate) text: String,
    pub(crate) form: Form,
}

fn read(path: &Path) -> Option<String> {
    crate::disk::read_capped(path, MAX_SOURCE_BYTES, "not a project file")
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn shown(ctx: &Context, path: &Path) -> String {
    ctx.settings.display_path(path)
}

/// pyproject.toml's dependencies, each as (normalized name, text, form): `[project]
/// dependencies` (the requirement line), then Poetry's `[tool.poetry.dependencies]` (the
/// constraint, from `mcp = "^1.8"` or `{ version = "^1.8" }`; empty where it has none).
pub(crate) fn pyproject_dependencies(doc: &toml::Table) -> Vec<(String, String, Form)> {
    let pep621 = doc
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_array())
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str())
        .filter_map(|d| Some((requirement_name(d)?, d.to_string(), Form::Pip)));
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("dependencies"))
        .and_then(|d| d.as_table())
        .into_iter()
        .flatten()
        .map(|(key, value)| {
            let constraint = match value {
                toml::Value::String(s) => s.as_str(),
                toml::Value::Table(t) => t.get("version").and_then(|v| v.as_str()).unwrap_or(""),
                _ => "",
            };
            (
                crate::policy::names::normalize_dist_name(key),
                constraint.to_string(),
                Form::Poetry,
            )
        });
    pep621.chain(poetry).collect()
}

/// The requirement for `dist` (normalized) in pyproject.toml (see
/// [`pyproject_dependencies`]), with the line it is written on.
pub(crate) fn in_pyproject(ctx: &Context, dist: &str) -> Option<Requirement> {
    let path = ctx.settings.project_dir.join("pyproject.toml");
    let text = read(&path)?;
    let doc = text.parse::<toml::Table>().ok()?;
    let (_, written, form) = pyproject_dependencies(&doc)
        .into_iter()
        .find(|(name, text, form)| name == dist && (*form == Form::Pip || !text.is_empty()))?;
    let line = text
        .lines()
        .position(|l| match form {
            Form::Poetry => {
                let key = l.trim_start();
                crate::policy::names::normalize_dist_name(
                    key.split(['=', ' ']).next().unwrap_or(""),
                ) == dist
                    && key.contains('=')
            }
            _ => l.contains(&written),
        })
        .map_or(0, |i| i + 1);
    Some(Requirement {
        file: shown(ctx, &path),
        path,
        line,
        text: written,
        form,
    })
}

/// The requirement for `dist` in the requirements file `path`, or in the one it includes
/// (`-r base.txt`, one level), with pip's line continuations (`mcp==1.26.0 \` then
/// `--hash=…`) read as pip reads them.
pub(crate) fn in_requirements(ctx: &Context, path: &Path, dist: &str) -> Option<Requirement> {
    in_requirements_at(ctx, path, dist, 1)
}

fn in_requirements_at(ctx: &Context, path: &Path, dist: &str, depth: u8) -> Option<Requirement> {
    let text = read(path)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut includes = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        let line = line.trim_end_matches('\\').trim();
        if let Some(target) = included(line) {
            includes.push(dir.join(target));
            continue;
        }
        if requirement_name(line).as_deref() == Some(dist) {
            return Some(Requirement {
                file: shown(ctx, path),
                path: path.to_path_buf(),
                line: i + 1,
                text: line.to_string(),
                form: Form::Pip,
            });
        }
    }
    if depth == 0 {
        return None;
    }
    includes.into_iter().find_map(|p| {
        let p = crate::disk::lexical(&p);
        crate::disk::named_outside(&p).ok()?;
        in_requirements_at(ctx, &p, dist, depth - 1)
    })
}

/// Where an environment file's `pip:` entry at `line` includes a requirements file (`- -r
/// requirements.txt`): the requirement for `dist` in that file, so that a step names the
/// file that holds it.
pub(crate) fn in_env_include(
    ctx: &Context,
    env_file: &Path,
    env_text: &str,
    line: usize,
    dist: &str,
) -> Option<Requirement> {
    let written = env_text.lines().nth(line.checked_sub(1)?)?;
    let entry = written.trim_start().trim_start_matches('-').trim();
    let target = included(entry)?;
    let dir = env_file.parent().unwrap_or(Path::new("."));
    let p = crate::disk::lexical(&dir.join(target));
    crate::disk::named_outside(&p).ok()?;
    in_requirements_at(ctx, &p, dist, 0)
}

/// The first `RUN … pip install` of the project's Dockerfiles that names `dist`, as the
/// requirement it installs (`mcp[cli]>=1.8.0`) at the RUN's line.
pub(crate) fn in_dockerfiles(ctx: &Context, dist: &str) -> Option<Requirement> {
    let facts = crate::probes::dockerfile::dockerfiles(ctx);
    facts.files.iter().find_map(|df| {
        df.instructions
            .iter()
            .filter(|i| i.keyword == "RUN" && i.args.contains("install"))
            .find_map(|i| {
                let req = crate::probes::env::pip_requirements(&i.args)
                    .into_iter()
                    .find(|r| requirement_name(r).as_deref() == Some(dist))?;
                Some(Requirement {
                    file: df.display.clone(),
                    path: df.path.clone(),
                    line: i.line,
                    text: req,
                    form: Form::Pip,
                })
            })
    })
}

/// The version of `dist` that the project's uv.lock or poetry.lock pins, and the lock as shown:
/// both list `[[package]]` tables with `name` and `version`.
pub(crate) fn pinned_by_tool_lock(ctx: &Context, dist: &str) -> Option<(String, String)> {
    ["uv.lock", "poetry.lock"].iter().find_map(|name| {
        let path = ctx.settings.project_dir.join(name);
        let bytes = crate::disk::read_capped(&path, 16 * 1024 * 1024, "not a lock file").ok()?;
        let doc = String::from_utf8_lossy(&bytes)
            .parse::<toml::Table>()
            .ok()?;
        let version = doc.get("package")?.as_array()?.iter().find_map(|p| {
            let name = p.get("name")?.as_str()?;
            (crate::policy::names::normalize_dist_name(name) == dist)
                .then(|| p.get("version")?.as_str().map(str::to_string))
                .flatten()
        })?;
        Some((name.to_string(), version))
    })
}
