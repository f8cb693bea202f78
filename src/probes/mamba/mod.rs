//! Probes of the conda-compatible toolchain: which flavour is installed, its root prefix,
//! envs dirs, rc files and shell init.
//!
//! Interface used by other areas (keep these signatures): `toolchain(ctx)`, `roots(ctx)`,
//! `Toolchain::primary`, `Toolchain::commands`.

mod detect;
pub mod rc;
mod roots;
pub mod shell;

pub use detect::{classify, Identified};
pub(crate) use rc::RcFile;
pub(crate) use roots::{DirFacts, KnownEnv, RootCandidate};
pub(crate) use shell::{BlockKind, InitBlock, ShellInit, ShellRcFile};

use crate::core::Context;
use crate::fix::{Commands, Flavour};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// One package-manager executable that was found and identified.
#[derive(Debug, Clone)]
pub(crate) struct Tool {
    pub flavour: Flavour,
    pub path: PathBuf,
    pub version: String,
    /// For mamba 1: the conda version it wraps.
    pub conda_version: Option<String>,
    /// The bare program name (`micromamba`, `mamba`, `conda`) resolves to this tool on PATH.
    pub on_path: bool,
    /// How it was found: `MAMBA_EXE`, `CONDA_EXE`, `PATH`, or `known location`.
    pub found_via: Vec<String>,
    /// The version was read from the prefix's conda-meta records instead of running
    /// `--version` (conda and mamba 1 start slowly).
    pub from_records: bool,
}

impl Tool {
    /// What to print in commands: the bare name when PATH finds this tool, else its path.
    pub(crate) fn program(&self) -> String {
        if self.on_path {
            self.flavour.program().to_string()
        } else {
            self.path.display().to_string()
        }
    }

    /// Fix wording for this tool.
    pub(crate) fn commands(&self) -> Commands {
        Commands::with_program(self.flavour, self.program())
    }

    /// `micromamba 2.0.5 (/home/u/.local/bin/micromamba)`, with the wrapped conda for mamba 1.
    pub(crate) fn describe(&self) -> String {
        let name = match self.flavour {
            Flavour::Micromamba1 | Flavour::Micromamba2 => "micromamba",
            Flavour::Mamba1 | Flavour::Mamba2 => "mamba",
            Flavour::Conda => "conda",
        };
        let conda = self
            .conda_version
            .as_ref()
            .map(|v| format!(" with conda {v}"))
            .unwrap_or_default();
        format!("{name} {}{conda} ({})", self.version, self.path.display())
    }
}

/// Why a found executable could not be identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ProblemKind {
    /// Did not answer `--version` in time; killed.
    TimedOut,
    /// Died from a signal (or exit code 129–192, a shell's report of one).
    Crashed,
    /// Exited non-zero.
    Failed,
    /// Exited 0 but printed something that is not a version.
    Garbage,
    /// Could not be started at all (permissions, bad binary format).
    NotStarted,
}

/// An executable that was found but could not be identified.
#[derive(Debug, Clone)]
pub(crate) struct BrokenTool {
    /// `micromamba`, `mamba` or `conda`: what the name says it is.
    pub name: String,
    pub path: PathBuf,
    pub kind: ProblemKind,
    /// A sentence: what happened.
    pub reason: String,
}

/// Every package manager found on this machine.
#[derive(Debug, Clone, Default)]
pub(crate) struct Toolchain {
    /// Identified tools, preferred first (micromamba, mamba 2, mamba 1, conda).
    pub tools: Vec<Tool>,
    /// Tools that were found but could not be identified (hung, crashed, printed garbage).
    pub problems: Vec<String>,
    /// The same problems, structured.
    pub broken: Vec<BrokenTool>,
    /// `MAMBA_EXE` / `CONDA_EXE` naming no existing file.
    pub stale_vars: Vec<StaleVar>,
}

/// A tool variable that names no file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StaleVar {
    pub var: String,
    pub path: PathBuf,
    /// Something that is not a file (a folder) is there; else nothing is.
    pub exists: bool,
}

impl Toolchain {
    /// The tool fixes are written for: micromamba, then mamba 2, mamba 1, conda.
    pub(crate) fn primary(&self) -> Option<&Tool> {
        self.tools.first()
    }

    /// Fix wording for the primary tool; micromamba 2 when nothing is installed yet
    /// (the fixes then start with installing it).
    pub(crate) fn commands(&self) -> Commands {
        match self.primary() {
            Some(t) => t.commands(),
            None => Commands::new(Flavour::Micromamba2),
        }
    }

    /// The first identified tool of a flavour.
    pub(crate) fn find(&self, flavour: Flavour) -> Option<&Tool> {
        self.tools.iter().find(|t| t.flavour == flavour)
    }
}

/// Where environments live.
#[derive(Debug, Clone, Default)]
pub(crate) struct Roots {
    /// The root prefix the primary flavour will use.
    pub root_prefix: Option<PathBuf>,
    /// Where the root prefix came from (e.g. `MAMBA_ROOT_PREFIX`, `~/micromamba`).
    pub root_source: String,
    /// The root prefix is the primary tool's own default: no variable, shell block or rc
    /// file named it.
    pub root_defaulted: bool,
    /// envs dirs in the flavour's order (rc `envs_dirs`, CONDA_ENVS_DIRS, `<root>/envs`, …).
    pub envs_dirs: Vec<PathBuf>,
    /// What the root prefix directory looks like on disk.
    pub root_facts: DirFacts,
    /// the default root exists but is not a prefix; micromamba refuses to run.
    pub default_root_error: Option<String>,
    /// Every root considered (env vars, shell init blocks, binaries, installer defaults).
    pub candidates: Vec<RootCandidate>,
    /// The parsed rc files, in the order of `rc_files`.
    pub rc: Vec<RcFile>,
    /// Both CONDA_ENVS_DIRS and CONDA_ENVS_PATH are set (micromamba refuses that).
    pub envs_dirs_error: Option<String>,
    /// Environments found on disk (environments.txt, envs dirs, every candidate root's envs/).
    pub known_envs: Vec<KnownEnv>,
}

impl Roots {
    /// Whether `prefix` is reachable by name (`-n NAME`) with this configuration.
    pub(crate) fn reachable_by_name(&self, prefix: &Path) -> bool {
        let Some(parent) = prefix.parent() else {
            return false;
        };
        self.root_prefix.as_deref() == Some(prefix)
            || self.envs_dirs.iter().any(|d| same_path(d, parent))
    }
}

/// The toolchain, probed once per run.
pub(crate) fn toolchain(ctx: &Context) -> Arc<Toolchain> {
    ctx.probe(detect::detect)
}

/// A program installed into the base environment (`<root prefix>/bin/PROGRAM`), where the
/// tools fixes put it (`install -n base …`) and where PATH often does not reach. Never a
/// file inside the project.
pub(crate) fn base_program(ctx: &Context, program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return None;
    }
    let root = roots(ctx).root_prefix.clone()?;
    let p = root.join("bin").join(program);
    let inside_project = std::fs::canonicalize(&p)
        .ok()
        .zip(ctx.project_real())
        .is_some_and(|(p, proj)| p.starts_with(proj));
    let executable = rustix::fs::access(&p, rustix::fs::Access::EXEC_OK).is_ok();
    (p.is_file() && executable && !inside_project).then_some(p)
}

/// Root prefix, envs dirs and rc files, probed once per run.
pub(crate) fn roots(ctx: &Context) -> Arc<Roots> {
    ctx.probe(|ctx| {
        let tc = toolchain(ctx);
        let sh = shell_init(ctx);
        roots::resolve(ctx, &tc, &sh, &roots::SystemDirs::default())
    })
}

/// The root prefix as `tool` (the run's primary tool) itself reports it (`info --json`),
/// asked once per run and only when the root-prefix advice depends on it, so a healthy run
/// spawns nothing for it.
pub(crate) fn reported_root(ctx: &Context, tool: &Tool) -> Result<PathBuf, RootAskError> {
    ctx.probe_keyed(tool.path.clone(), |ctx| ask_root(ctx, tool))
        .as_ref()
        .clone()
}

/// Why the tool did not say where its root prefix is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RootAskError {
    /// It could not be run (the error chain).
    #[error("{0}")]
    Run(String),
    /// It ended badly: how it ended and its last line of stderr.
    #[error("{end}: {last}")]
    Failed { end: String, last: String },
    #[error("it printed nothing")]
    Silent,
    #[error("its output is not JSON ({0})")]
    NotJson(String),
    #[error("its output names no root prefix")]
    NoRoot,
    #[error("it names a relative root prefix `{}`", .0.display())]
    Relative(PathBuf),
}

fn ask_root(ctx: &Context, tool: &Tool) -> Result<PathBuf, RootAskError> {
    let out = crate::exec::Cmd::new(&tool.path)
        .args(["info", "--json"])
        .timeout(version_timeout(ctx.settings.timeout))
        .cap(1024 * 1024)
        .env_exact(ctx.vars().iter())
        .run()
        .map_err(|e| RootAskError::Run(format!("{e:#}")))?;
    if !out.success() {
        let stderr = out.stderr_text();
        let last = stderr.lines().last().unwrap_or("").trim().to_string();
        return Err(RootAskError::Failed {
            end: out.describe_end(),
            last,
        });
    }
    parse_info_root(&out.stdout_text())
}

/// The root prefix in `info --json`: `base environment` (micromamba, mamba 2) or
/// `root_prefix` (conda, mamba 1). Only an absolute path counts.
pub(crate) fn parse_info_root(text: &str) -> Result<PathBuf, RootAskError> {
    if text.trim().is_empty() {
        return Err(RootAskError::Silent);
    }
    let v: serde_json::Value =
        serde_json::from_str(text.trim()).map_err(|e| RootAskError::NotJson(e.to_string()))?;
    let root = ["base environment", "root_prefix"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|r| r.as_str()))
        .ok_or(RootAskError::NoRoot)?;
    let root = PathBuf::from(root.trim_end_matches('/'));
    if root.is_absolute() {
        Ok(root)
    } else {
        Err(RootAskError::Relative(root))
    }
}

/// The roots with the root prefix the tool reported in place of the worked-out one.
pub(crate) fn roots_with_reported(
    ctx: &Context,
    tc: &Toolchain,
    sh: &ShellInit,
    root: PathBuf,
    source: String,
) -> Roots {
    roots::resolve_reported(ctx, tc, sh, &roots::SystemDirs::default(), root, source)
}

#[cfg(test)]
/// The roots for a given toolchain and shell init, with the system rc dirs given
/// (tests use this to keep /etc/conda out).
pub(crate) fn resolve_roots(
    ctx: &Context,
    tc: &Toolchain,
    sh: &ShellInit,
    system_dirs: &[PathBuf],
) -> Roots {
    roots::resolve(ctx, tc, sh, &roots::SystemDirs(system_dirs.to_vec()))
}

/// Shell init blocks in the user's shell rc files, probed once per run.
pub(crate) fn shell_init(ctx: &Context) -> Arc<ShellInit> {
    ctx.probe(shell::probe)
}

/// How long one `--version` may take: a share of the per-check timeout, so the probe kills a
/// hung tool itself (and its process group) before the runner gives up on the check.
pub(crate) fn version_timeout(check_timeout: Duration) -> Duration {
    check_timeout.mul_f64(0.75)
}

/// `2.0.5rc1` → `[2, 0, 5]`.
pub(crate) fn version_parts(v: &str) -> Vec<u64> {
    v.split('.')
        .map_while(|p| {
            let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Compares paths, resolving symlinks when both exist.
pub(crate) fn same_path(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => strip_trailing(a) == strip_trailing(b),
    }
}

/// What [`same_path`] compares a path by: its resolved form, else the path as written.
/// Resolve each path of a list once and compare keys, instead of comparing every pair.
pub(crate) fn path_key(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| strip_trailing(p))
}

fn strip_trailing(p: &Path) -> PathBuf {
    p.components().collect()
}

/// `~` or `~/x` → home-relative; `$HOME`/`${VAR}` expanded from the context.
pub(crate) fn expand_user(ctx: &Context, raw: &str) -> PathBuf {
    let raw = raw.trim();
    let home = ctx.home().unwrap_or_else(|| PathBuf::from("/"));
    if raw == "~" {
        return home;
    }
    if let Some(rest) = raw.strip_prefix("~/") {
        return home.join(rest);
    }
    if !raw.contains('$') {
        return PathBuf::from(raw);
    }
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
            .expect("static regex")
    });
    let expanded = re.replace_all(raw, |c: &regex::Captures| {
        let name = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        if name == "HOME" {
            home.display().to_string()
        } else {
            ctx.var(name).unwrap_or_default().to_string()
        }
    });
    PathBuf::from(expanded.into_owned())
}

/// `/home/u/micromamba` → `~/micromamba` for messages.
pub(crate) fn tilde(ctx: &Context, p: &Path) -> String {
    if let Some(home) = ctx.home() {
        if let Ok(rest) = p.strip_prefix(&home) {
            if rest.as_os_str().is_empty() {
                return "~".to_string();
            }
            return format!("~/{}", rest.display());
        }
    }
    p.display().to_string()
}
