//! devdoctor: a doctor for mamba-first Python projects. See DESIGN.md for the pipeline:
//! config + CLI → Context → probes → checks → report → exit code.

pub mod app;
pub mod checks;
pub mod cli;
pub mod config;
pub mod core;
pub mod exec;
pub mod fix;
pub mod fixer;
pub mod packs;
pub mod plugins;
pub mod policy;
pub mod probes;
pub mod registry;
pub mod report;
pub mod runner;
