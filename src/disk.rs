//! Bounded reads and atomic writes of files. Files a project names are read with a size cap
//! and never opened when they are a FIFO, socket or device; files devdoctor writes appear
//! whole or not at all.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The bytes of a regular file of at most `max` bytes. A FIFO, socket or device is refused
/// before it is opened (opening a FIFO waits for a writer; a device never ends), and a larger
/// file is refused after reading `max + 1` bytes, with `what_else` saying what it is not.
pub fn read_capped(path: &Path, max: u64, what_else: &str) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("a directory, not a file".to_string());
    }
    if !meta.is_file() {
        return Err("not a regular file (a FIFO, socket or device): not read".to_string());
    }
    let file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > max {
        let size = if max >= 1024 * 1024 {
            format!("{} MiB", max / (1024 * 1024))
        } else {
            format!("{} KiB", max / 1024)
        };
        return Err(format!("larger than {size}; {what_else}"));
    }
    Ok(bytes)
}

/// A short reason for an I/O error ("permission denied", "not found", "a symlink loop").
pub fn io_reason(e: &std::io::Error) -> String {
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return "a symlink loop".to_string();
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            // "Is a directory (os error 21)" → "Is a directory"
            s.split(" (os error").next().unwrap_or(&s).to_lowercase()
        }
    }
}

/// Forgets a registered temp file when the write is over, whichever way it ended.
struct Forget(PathBuf);

impl Drop for Forget {
    fn drop(&mut self) {
        crate::exec::forget_temp(&self.0);
    }
}

/// The folder a file is written into (`.` for a bare file name).
pub(crate) fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` through a temp file in the same folder and a rename. A new file
/// gets the usual 0666 & !umask mode; an existing file keeps its mode and (where this user may
/// set it) its owner. A signal during the write removes the temp file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = folder_of(path);
    let existing = std::fs::symlink_metadata(path).ok();
    let existing_mode = existing.as_ref().map(|m| m.permissions().mode());
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
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Some(m) = &existing {
        use std::os::unix::fs::MetadataExt;
        // Only root (or the owner, for the group) may do this; otherwise the new file is ours.
        let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid()));
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
