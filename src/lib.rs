//! devdoctor: a doctor for mamba-first Python projects. The pipeline runs one way:
//! command line + config → Invocation → checks over the probe cache → Report → plan → output.
//!
//! A module is `pub` only where `main.rs`, `tests/`, `benches/` or `fuzz/` reach into it, and
//! inside it only the items they use (and the types those name) are `pub`: everything else is
//! `pub(crate)`, so that `dead_code` sees it (the crate warns on `unreachable_pub`).

pub mod app;
pub(crate) mod checks;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod config;
pub mod core;
pub(crate) mod disk;
pub(crate) mod engine;
pub mod exec;
pub mod fix;
pub mod fixer;
pub(crate) mod invocation;
pub mod packs;
pub(crate) mod plan;
pub mod plugins;
pub mod policy;
pub mod probes;
pub(crate) mod registry;
pub mod report;
pub(crate) mod runner;
pub(crate) mod trust;

/// A command line written as one string, split on spaces: what the tests compare argv with.
#[cfg(test)]
pub(crate) fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

/// The settings of every property test in the unit tests: a failure is reported with its
/// minimal input, never written to a regression file next to the source.
#[cfg(test)]
pub(crate) fn proptest_config() -> proptest::prelude::ProptestConfig {
    proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    }
}
