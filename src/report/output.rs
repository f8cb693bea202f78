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
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The folder a file is written into (`.` for a bare file name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Checks before the run that FILE can be written (an existing folder, not a directory
/// itself), so a typo fails fast instead of after every check has run.
pub fn prepare(path: &Path) -> Result<PathBuf> {
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
    let dir = folder_of(path);
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

/// Forgets a registered temp file when the write is over, whichever way it ended.
struct Forget(PathBuf);

impl Drop for Forget {
    fn drop(&mut self) {
        crate::exec::forget_temp(&self.0);
    }
}

/// A FIFO, a device or a socket: written to in place, never replaced by a rename.
fn is_special(m: &std::fs::Metadata) -> bool {
    !m.is_file() && !m.is_dir()
}

/// Writes `text` to `path` atomically. A new file gets the usual 0666 & !umask mode; an
/// existing file keeps its mode and (where this user may set it) its owner. A special file
/// is written to directly.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| is_special(&m)) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| anyhow!("cannot write the report to {}: {e}", path.display()));
    }
    let dir = folder_of(path);
    let hint = |e: &std::io::Error| {
        match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            "hint: check the folder's permissions, or choose another path with --output"
        }
        std::io::ErrorKind::NotFound if !dir.is_dir() => {
            "hint: the folder went away during the run; create it, or choose another path with --output"
        }
        std::io::ErrorKind::NotFound => {
            "hint: that folder does not take new files (a virtual file system?); choose another path with --output"
        }
        _ => "hint: check free space and the path, or choose another path with --output",
    }
    };
    let existing = std::fs::symlink_metadata(path).ok();
    let existing_mode = existing.as_ref().map(|m| m.permissions().mode());
    let write = || -> std::io::Result<()> {
        // A signal during the write removes it (tempfile's own cleanup runs only on drop).
        let mut tmp = crate::exec::create_registered(
            || {
                tempfile::Builder::new()
                    .prefix(".devdoctor-")
                    .suffix(".tmp")
                    .permissions(std::fs::Permissions::from_mode(0o666))
                    .tempfile_in(&dir)
            },
            |t| t.path().to_path_buf(),
        )?;
        let _forget = Forget(tmp.path().to_path_buf());
        if let Some(mode) = existing_mode {
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode & 0o7777))?;
        }
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        if let Some(m) = &existing {
            use std::os::unix::fs::MetadataExt;
            // Only root (or the owner, for the group) may do this; otherwise the new file is ours.
            let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid()));
        }
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|e| {
        anyhow!(
            "cannot write the report to {}: {e}\n{}",
            path.display(),
            hint(&e)
        )
    })
}

/// The line printed to stderr after `--output FILE`: which report went where, and the verdict.
pub fn note(report: &super::Report, format: crate::cli::Format, path: &Path) -> String {
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
