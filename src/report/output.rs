//! `--output FILE`: the report goes to FILE, written atomically (a temp file in the same folder,
//! then a rename), so a reader such as node_exporter's textfile collector or a CI uploader
//! never sees half a report. A one-line summary goes to stderr.
//!
//! What FILE may be: a new or existing regular file (which keeps its owner and mode), or a
//! special file (a FIFO, `/dev/null`, a terminal), which is written to directly and never
//! replaced. A symlink to a regular file is refused rather than replaced or followed: give the
//! path it points at.

use crate::core::Diagnostic;
use anyhow::{anyhow, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Checks before the run that FILE can be written (an existing folder, not a directory
/// itself), so a typo fails fast instead of after every check has run.
pub(crate) fn prepare(path: &Path) -> Result<PathBuf> {
    if path.as_os_str().is_empty() {
        return Err(Diagnostic::usage("--output needs a file name")
            .hint("e.g. --output devdoctor-report.xml, or `-` for stdout")
            .into());
    }
    if path.is_dir() {
        return Err(Diagnostic::usage(format!(
            "cannot write the report to {}: it is a directory",
            path.display()
        ))
        .hint(format!(
            "give a file name inside it, e.g. --output {}",
            path.join("devdoctor.out").display()
        ))
        .into());
    }
    if let Ok(link) = std::fs::symlink_metadata(path) {
        let special_target = std::fs::metadata(path).is_ok_and(|m| is_special(&m));
        if link.file_type().is_symlink() && !special_target {
            return Err(Diagnostic::usage(format!("cannot write the report to {}: it is a symlink, which devdoctor neither replaces nor follows", path.display())).hint(format!("give the path it points at ({}), or another path with --output", std::fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".into()))).into());
        }
    }
    let dir = crate::disk::folder_of(path);
    if !dir.is_dir() {
        return Err(Diagnostic::usage(format!(
            "cannot write the report to {}: the folder {} does not exist",
            path.display(),
            dir.display()
        ))
        .hint(format!(
            "create it first (mkdir -p {}) or choose another path with --output",
            dir.display()
        ))
        .into());
    }
    Ok(path.to_path_buf())
}

/// A FIFO, a device or a socket: written to in place, never replaced by a rename.
fn is_special(m: &std::fs::Metadata) -> bool {
    !m.is_file() && !m.is_dir()
}

/// Writes `text` to `path` atomically. A new file gets the usual 0666 & !umask mode; an
/// existing file keeps its mode and (where this user may set it) its owner. A special file
/// is written to directly.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| is_special(&m)) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| anyhow!("cannot write the report to {}: {e}", path.display()));
    }
    let dir = crate::disk::folder_of(path);
    let hint = |e: &std::io::Error| {
        match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "check the folder's permissions, or choose another path with --output"
        }
        std::io::ErrorKind::NotFound if !dir.is_dir() => {
            "the folder went away during the run; create it, or choose another path with --output"
        }
        std::io::ErrorKind::NotFound => {
            "that folder does not take new files (a virtual file system?); choose another path with --output"
        }
        _ => "check free space and the path, or choose another path with --output",
    }
    };
    crate::disk::write_atomic(path, text.as_bytes()).map_err(|e| {
        Diagnostic::failed(format!(
            "cannot write the report to {}: {e}",
            path.display()
        ))
        .hint(hint(&e))
        .into()
    })
}

/// The line printed to stderr after `--output FILE`: which report went where, and the verdict.
pub(crate) fn note(report: &super::Report, format: crate::cli::Format, path: &Path) -> String {
    use clap::ValueEnum;
    let name = format
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    format!(
        "devdoctor: wrote the {name} report to {}; {}",
        path.display(),
        super::human::summary_line(report)
    )
}
