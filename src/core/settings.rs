//! The settings every check reads: devdoctor.toml with the flags on top, paths made absolute
//! (`config` resolves them). Each one has a default.

use crate::core::Status;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const DEFAULT_HEALTH_URL: &str = "http://127.0.0.1:8000/health";
pub(crate) const DEFAULT_MCP_URL: &str = "http://127.0.0.1:8000/mcp";

/// Resolved settings: file config with CLI flags on top, paths made absolute.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub project_dir: PathBuf,
    pub config_file: Option<PathBuf>,
    /// Where the project's devdoctor.toml leads when it is a link out of the project that was
    /// not read (the user has not trusted that link).
    pub config_withheld: Option<PathBuf>,
    /// `None`: take `name:` from the environment file.
    pub env_name: Option<String>,
    pub env_file: PathBuf,
    /// The environment file was named by config or flag (so its absence is an error).
    pub env_file_explicit: bool,
    /// It was named by devdoctor.toml (not by --env-file).
    pub env_file_from_config: bool,
    pub health_url: String,
    pub mcp_url: String,
    pub server_dir: PathBuf,
    pub server_command: Vec<String>,
    /// Why the MCP checks apply without looking at the project's code: `--mcp-url`,
    /// `--health-url`, or an `[mcp]` table in the config. `None`: decided from evidence.
    pub mcp_declared: Option<String>,
    /// The MCP URL, the health URL and the server command were set (not defaults); otherwise
    /// the project's evidence may supply them.
    pub mcp_url_explicit: bool,
    pub health_url_explicit: bool,
    pub server_command_explicit: bool,
    pub allow_remote: bool,
    pub image: Option<String>,
    /// Empty: discover Dockerfile, *.Dockerfile, Dockerfile.*, Dockerfile_*, Dockerfile-* in the project.
    pub dockerfiles: Vec<PathBuf>,
    /// Empty: discover compose.yaml, docker-compose.yml, … in the project.
    pub compose_files: Vec<PathBuf>,
    pub timeout: Duration,
    pub wait: Option<Duration>,
    pub run_containers: bool,
    pub scan: bool,
    /// env.integrity hashes files, not only looks for them.
    pub deep: bool,
    pub skip: Vec<String>,
    /// Status to report instead of warn/fail for a check id.
    pub severity: BTreeMap<String, Status>,
    pub pack_dirs: Vec<PathBuf>,
    pub plugin_paths: Vec<PathBuf>,
    /// The project is trusted: its own packs and plugins may run (see `trust`).
    pub trusted: bool,
    /// `--checks DIR`s: chosen by the user, so their packs run without the project's trust.
    pub user_pack_dirs: Vec<PathBuf>,
    /// The per-check timeout came from the project's config (capped without trust).
    pub timeout_from_project: bool,
    /// The project's config asked for `allow_remote`, which only the user may grant.
    pub project_asked_remote: bool,
    /// Files outside the project that the project's own git config would have git read (an
    /// `[include]` path, a `core.worktree`) and the user has not trusted: git is not run.
    pub git_withheld: Vec<PathBuf>,
    /// A file of the project's own git folder that git reads first (config, HEAD, index) is a
    /// FIFO, socket or device: git would wait on it, so it is not run, trusted or not.
    pub git_config_special: Option<PathBuf>,
}

impl Settings {
    /// Pack files and folders the project's config names (not the user's `--checks`).
    pub(crate) fn project_pack_dirs(&self) -> impl Iterator<Item = &PathBuf> {
        self.pack_dirs
            .iter()
            .filter(|p| !self.user_pack_dirs.contains(p))
    }
}

impl Default for Settings {
    fn default() -> Settings {
        let project_dir = PathBuf::from(".");
        Settings {
            env_file: project_dir.join("environment.yml"),
            server_dir: project_dir.clone(),
            project_dir,
            config_file: None,
            config_withheld: None,
            env_name: None,
            env_file_explicit: false,
            env_file_from_config: false,
            health_url: DEFAULT_HEALTH_URL.to_string(),
            mcp_url: DEFAULT_MCP_URL.to_string(),
            server_command: vec!["python".into(), "main.py".into()],
            mcp_declared: None,
            mcp_url_explicit: false,
            health_url_explicit: false,
            server_command_explicit: false,
            allow_remote: false,
            image: None,
            dockerfiles: Vec::new(),
            compose_files: Vec::new(),
            timeout: Duration::from_secs(10),
            wait: None,
            run_containers: false,
            scan: false,
            deep: false,
            skip: Vec::new(),
            severity: BTreeMap::new(),
            pack_dirs: Vec::new(),
            plugin_paths: Vec::new(),
            trusted: true,
            user_pack_dirs: Vec::new(),
            timeout_from_project: false,
            project_asked_remote: false,
            git_withheld: Vec::new(),
            git_config_special: None,
        }
    }
}

impl Settings {
    /// A path from config or a flag, taken relative to the project directory.
    pub(crate) fn project_path(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.project_dir.join(p)
        }
    }

    /// `path` shown relative to the project directory when it is inside it.
    pub(crate) fn display_path(&self, path: &Path) -> String {
        path.strip_prefix(&self.project_dir)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
