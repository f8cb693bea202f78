//! Parsed compose files. Owned by the Dockerfile/compose lint work.
//!
//! Interface used by other areas (keep these names): `compose(ctx)`, `ComposeFacts::services`,
//! and the `ComposeService` fields below (more may be added).

use crate::core::Context;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct ComposeService {
    pub name: String,
    pub file: PathBuf,
    pub line: usize,
    pub image: Option<String>,
    /// The service has a `build:` section.
    pub builds: bool,
    pub read_only: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ComposeFacts {
    pub services: Vec<ComposeService>,
}

/// The project's compose files, parsed once per run.
pub fn compose(ctx: &Context) -> Arc<ComposeFacts> {
    ctx.probe(|_ctx| ComposeFacts::default())
}
