//! Probes of the conda-compatible toolchain: which flavour is installed, its root prefix,
//! envs dirs and rc files. Facts: research/mamba-facts.md §1, §2.1, §6.
//!
//! Interface used by other areas (keep these signatures): `toolchain(ctx)`, `roots(ctx)`,
//! `Toolchain::primary`, `Toolchain::commands`.

use crate::core::Context;
use crate::fix::{Commands, Flavour};
use std::path::PathBuf;
use std::sync::Arc;

/// One package-manager executable that was found and identified.
#[derive(Debug, Clone)]
pub struct Tool {
    pub flavour: Flavour,
    pub path: PathBuf,
    pub version: String,
    /// For mamba 1: the conda version it wraps.
    pub conda_version: Option<String>,
}

/// Every package manager found on this machine.
#[derive(Debug, Clone, Default)]
pub struct Toolchain {
    pub tools: Vec<Tool>,
    /// Tools that were found but could not be identified (hung, crashed, printed garbage).
    pub problems: Vec<String>,
}

impl Toolchain {
    /// The tool fixes are written for: micromamba, then mamba 2, mamba 1, conda.
    pub fn primary(&self) -> Option<&Tool> {
        self.tools.first()
    }

    /// Fix wording for the primary tool; micromamba 2 when nothing is installed yet
    /// (the fixes then start with installing it).
    pub fn commands(&self) -> Commands {
        match self.primary() {
            Some(t) => Commands::new(t.flavour),
            None => Commands::new(Flavour::Micromamba2),
        }
    }
}

/// Where environments live.
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// The root prefix the primary flavour will use.
    pub root_prefix: Option<PathBuf>,
    /// Where the root prefix came from (e.g. `MAMBA_ROOT_PREFIX`, `~/micromamba`).
    pub root_source: String,
    /// envs dirs in the flavour's order (rc `envs_dirs`, CONDA_ENVS_DIRS, `<root>/envs`, …).
    pub envs_dirs: Vec<PathBuf>,
    /// rc files that exist, lowest precedence first.
    pub rc_files: Vec<PathBuf>,
}

/// The toolchain, probed once per run.
pub fn toolchain(ctx: &Context) -> Arc<Toolchain> {
    ctx.probe(|_ctx| Toolchain::default())
}

/// Root prefix, envs dirs and rc files, probed once per run.
pub fn roots(ctx: &Context) -> Arc<Roots> {
    ctx.probe(|_ctx| Roots::default())
}
