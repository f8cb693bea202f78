//! devdoctor: a doctor for mamba-first Python projects. The pipeline runs one way:
//! command line + config → Invocation → checks over the probe cache → Report → plan → output.

pub mod app;
pub mod checks;
pub mod cli;
pub(crate) mod commands;
pub mod config;
pub mod core;
pub mod disk;
pub(crate) mod engine;
pub mod exec;
pub mod fix;
pub mod fixer;
pub mod invocation;
pub mod packs;
pub mod plan;
pub mod plugins;
pub mod policy;
pub mod probes;
pub mod registry;
pub mod report;
pub mod runner;
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
