//! The built-in checks. Each area is one module whose `checks()` holds one registry line per
//! check; this table lists the areas in report order.

pub mod compose;
pub mod docker;
pub mod dockerfile;
pub mod env;
pub mod image;
pub mod mamba;
pub mod mcp;

use crate::core::Check;
use std::sync::Arc;

/// An area's registry: one line per check.
pub type Area = fn() -> Vec<Arc<dyn Check>>;

const AREAS: &[Area] = &[
    mamba::checks,
    env::checks,
    docker::checks,
    dockerfile::checks,
    compose::checks,
    image::checks,
    mcp::checks,
];

/// Every built-in check, in report order.
pub fn builtin() -> Vec<Arc<dyn Check>> {
    AREAS.iter().flat_map(|area| area()).collect()
}
