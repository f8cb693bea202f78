//! The files a git answer depends on, found without running git, so that its answers can be
//! cached against them (see [`crate::probes::versions::run_keyed`]): a warm run whose
//! repository did not change starts no git.

use crate::core::Context;
use std::path::{Path, PathBuf};

/// The repository around the project: its work tree and its git folder.
fn repository(project: &Path) -> Option<(PathBuf, PathBuf)> {
    for dir in project.ancestors() {
        let dot = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot) else {
            continue;
        };
        if meta.is_dir() {
            return Some((dir.to_path_buf(), dot));
        }
        if meta.is_file() {
            // A worktree or submodule: `gitdir: PATH`, relative to the folder of the file.
            let text = std::fs::read_to_string(&dot).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            return Some((dir.to_path_buf(), dir.join(target)));
        }
        return None;
    }
    None
}

/// The index (`ls-files`).
pub(crate) fn index_files(ctx: &Context) -> Vec<PathBuf> {
    repository(&ctx.settings.project_dir)
        .map(|(_, git)| vec![git.join("index")])
        .unwrap_or_default()
}

/// What decides whether a path in the project is ignored (`check-ignore`): every .gitignore
/// from the work tree's root down to the project, the repository's info/exclude, and the
/// user's global excludes and git config.
pub(crate) fn ignore_files(ctx: &Context) -> Vec<PathBuf> {
    let project = &ctx.settings.project_dir;
    let mut out = Vec::new();
    if let Some((top, git)) = repository(project) {
        let mut dir = project.clone();
        loop {
            out.push(dir.join(".gitignore"));
            if dir == top || !dir.pop() {
                break;
            }
        }
        out.push(git.join("info/exclude"));
    } else {
        out.push(project.join(".gitignore"));
    }
    if let Some(home) = ctx.home() {
        out.push(home.join(".gitconfig"));
        let config = ctx
            .var_path("XDG_CONFIG_HOME")
            .unwrap_or_else(|| home.join(".config"));
        out.push(config.join("git/ignore"));
        out.push(config.join("git/config"));
    }
    out
}
