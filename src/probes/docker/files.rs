//! The project's Dockerfiles and compose files, by configuration or by their usual names.

use crate::core::Context;
use std::path::PathBuf;
use std::sync::Arc;

/// Dockerfiles and compose files of the project (configured, else the usual names in the
/// project directory).
#[derive(Debug, Clone, Default)]
pub struct ProjectFiles {
    pub dockerfiles: Vec<PathBuf>,
    pub compose_files: Vec<PathBuf>,
}

impl ProjectFiles {
    pub fn uses_docker(&self) -> bool {
        !self.dockerfiles.is_empty() || !self.compose_files.is_empty()
    }
}

const COMPOSE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

fn is_dockerfile_name(name: &str) -> bool {
    name == "Dockerfile"
        || name.starts_with("Dockerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

pub fn project_files(ctx: &Context) -> Arc<ProjectFiles> {
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
        let mut found: Vec<String> = std::fs::read_dir(&s.project_dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        // `Dockerfile` itself first: it is what `docker build .` uses.
        found.sort_by_key(|n| n.as_str() != "Dockerfile");
        if s.dockerfiles.is_empty() {
            files.dockerfiles = found
                .iter()
                .filter(|n| is_dockerfile_name(n))
                .map(|n| s.project_dir.join(n))
                .collect();
        }
        if s.compose_files.is_empty() {
            files.compose_files = COMPOSE_NAMES
                .iter()
                .filter(|n| found.iter().any(|f| f == *n))
                .map(|n| s.project_dir.join(n))
                .collect();
        }
        files
    })
}
