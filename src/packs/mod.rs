//! Declarative check packs: TOML files of checks built from generic probe kinds (command, file,
//! http, tcp, env) with expectations, a severity and a fix. The packs in the repository's
//! `checks/` folder are compiled in; projects add `.devdoctor/checks/*.toml` and `--checks DIR`.
//! The schema is documented in docs/packs-and-plugins.md ("Writing a pack").

mod check;
mod files;
mod http;
mod loader;
pub(crate) mod model;
pub(crate) mod placeholders;
mod probe;
pub(crate) mod schema;

pub(crate) use check::PackCheck;
pub(crate) use loader::diags_error;
pub use loader::{parse, Diag};
pub(crate) use model::{OverrideAction, Pack, PackCheckDef};

use crate::core::Diagnostic;
use crate::core::Origin;
use crate::core::Settings;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};

/// The packs compiled into the binary: (file name, text).
pub const BUNDLED: &[(&str, &str)] = &[
    ("tools.toml", include_str!("../../checks/tools.toml")),
    ("dotenv.toml", include_str!("../../checks/dotenv.toml")),
    (
        "pip-usage.toml",
        include_str!("../../checks/pip-usage.toml"),
    ),
];

pub(crate) use crate::config::PROJECT_PACK_DIR;

/// Parses the bundled packs (their validity is a unit test, so this fails only in development).
pub fn bundled() -> Vec<Result<Pack, Vec<Diag>>> {
    BUNDLED
        .iter()
        .map(|(name, text)| {
            parse(
                &format!("checks/{name}"),
                text,
                &Origin::Bundled((*name).to_string()),
            )
        })
        .collect()
}

/// The project's pack files, in load order: `.devdoctor/checks/*.toml`, then each
/// configured or `--checks` directory (or file), each directory sorted by name.
/// `.devdoctor/checks`, or a pack in it, that leads outside the project through a link the
/// user has not trusted is neither listed nor read (see [`crate::disk::confined`]): it is
/// withheld, not an error. (The configured folders are the trust gate's: an untrusted
/// project's that lie outside are dropped before this.)
pub(crate) fn project_files(settings: &Settings) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let default = settings.project_dir.join(PROJECT_PACK_DIR);
    if default.is_dir() && crate::disk::confined(&default).is_ok() {
        out.extend(
            toml_files(&default)?
                .into_iter()
                .filter(|p| crate::disk::confined(p).is_ok()),
        );
    }
    for p in &settings.pack_dirs {
        if p.is_dir() {
            out.extend(toml_files(p)?);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(Diagnostic::usage(format!(
                "check pack directory {} does not exist",
                p.display()
            ))
            .hint("--checks and [checks] packs take a folder of *.toml packs")
            .into());
        }
    }
    out.dedup();
    Ok(out)
}

fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read check pack directory {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// A pack is a few KiB; anything past this is not one.
const MAX_PACK_BYTES: u64 = 1024 * 1024;

/// Reads and validates one project pack. The outer error is I/O; the inner, validation.
pub(crate) fn load_file(settings: &Settings, path: &Path) -> Result<Result<Pack, Vec<Diag>>> {
    let text = crate::disk::read_capped_utf8(path, MAX_PACK_BYTES, "this is not a check pack")
        .map_err(|why| {
            anyhow::Error::from(
                Diagnostic::usage(format!("cannot read check pack {}: {why}", path.display()))
                    .hint("packs are UTF-8 TOML files"),
            )
        })?;
    let shown = settings.display_path(path);
    Ok(parse(&shown, &text, &Origin::Pack(PathBuf::from(&shown))))
}

#[cfg(test)]
mod tests;
