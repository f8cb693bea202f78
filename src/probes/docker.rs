//! Probes of the Docker engine (socket first, CLI as fallback). Owned by the Docker-engine work.
//!
//! Interface used by other areas (keep these signatures): `local_image`.

use crate::core::Context;
use std::time::SystemTime;

/// What the engine says about a local image (`GET /images/{name}/json`).
#[derive(Debug, Clone, Default)]
pub struct ImageConfig {
    /// `Config.User`; empty means root.
    pub user: String,
    pub has_healthcheck: bool,
    pub created: Option<SystemTime>,
}

/// The local image `name`, when the engine is reachable and has it. `None` otherwise.
pub fn local_image(_ctx: &Context, _name: &str) -> Option<ImageConfig> {
    None
}
