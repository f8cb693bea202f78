//! The project's Dockerfiles and compose files, by configuration or by the shared project walk.

use crate::core::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Dockerfiles and compose files of the project (configured, else as the shared project walk
/// finds them, see `probes::files`).
#[derive(Debug, Clone, Default)]
pub(crate) struct ProjectFiles {
    pub dockerfiles: Vec<PathBuf>,
    pub compose_files: Vec<PathBuf>,
}

impl ProjectFiles {
    pub(crate) fn uses_docker(&self) -> bool {
        !self.dockerfiles.is_empty() || !self.compose_files.is_empty()
    }
}

pub(crate) fn project_files(ctx: &Context) -> Arc<ProjectFiles> {
    ctx.probe(|ctx| {
        let s = &ctx.settings;
        let mut files = ProjectFiles::default();
        if !s.dockerfiles.is_empty() {
            files.dockerfiles = s
                .dockerfiles
                .iter()
                .filter(|p| p.is_file())
                .cloned()
                .collect();
        }
        if !s.compose_files.is_empty() {
            files.compose_files = s
                .compose_files
                .iter()
                .filter(|p| p.is_file())
                .cloned()
                .collect();
        }
        // Otherwise the one project walk every check shares (subfolders included), with the
        // root `Dockerfile` first: it is what `docker build .` uses.
        let walk = crate::probes::files::project_files(ctx);
        if s.dockerfiles.is_empty() {
            files.dockerfiles = walk.dockerfiles.clone();
            files
                .dockerfiles
                .sort_by_key(|p| *p != s.project_dir.join("Dockerfile"));
        }
        if s.compose_files.is_empty() {
            files.compose_files = walk.compose.clone();
        }
        files
    })
}

/// Whether a Dockerfile a compose service names is there.
pub(crate) fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// When a file (the image's Dockerfile) was last changed.
pub(crate) fn modified(path: &Path) -> std::io::Result<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified())
}
