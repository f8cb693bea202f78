//! devdoctor: a doctor for mamba-first Python projects. See DESIGN.md for the pipeline:
//! config + CLI → Context → probes → checks → report → exit code.

pub mod app;
pub mod checks;
pub mod cli;
pub(crate) mod commands;
pub mod config;
pub mod core;
pub(crate) mod engine;
pub mod exec;
pub mod fix;
pub mod fixer;
pub mod invocation;
pub mod packs;
pub mod plan;
pub mod plugins;
pub mod probes;
pub mod registry;
pub mod report;
pub mod runner;
