//! Probes observe the world and return typed facts; they never judge. Each area owns one
//! module (or folder). Shared probes are cached per run with `Context::probe`.
pub(crate) mod cache;
pub mod compose;
pub mod docker;
pub mod dockerfile;
pub mod env;
pub(crate) mod files;
pub(crate) mod git;
pub mod http;
pub mod mamba;
pub mod mcp;
pub(crate) mod pyscript;
pub(crate) mod versions;
pub mod yaml;
