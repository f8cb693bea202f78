//! Bounded reads and atomic writes of files. Files a project names are read with a size cap
//! and never opened when they are a FIFO, socket or device; until the user trusts the
//! project, a file it names that lies outside it (a link out, a `..` path) is not read at all;
//! files devdoctor writes appear whole or not at all.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The project folder of a run that is not forced trusted: as given, and resolved; the links
/// out of it that the user trusted (relative link path → where it leads); and the files it
/// names outside itself with `..` that the user trusted (where they lead).
struct Confinement {
    given: PathBuf,
    root: PathBuf,
    trusted: BTreeMap<String, String>,
    /// Where the `..` paths the project named when the user trusted it led (a compose
    /// `include:` of `../common/compose.yaml`): those, and only those, are read.
    outside: BTreeSet<PathBuf>,
    /// `devdoctor trust` is looking: every `..` path that leads out is read, and noted here.
    collecting: Option<Mutex<BTreeSet<PathBuf>>>,
}

static CONFINED: OnceLock<Confinement> = OnceLock::new();

/// From now on, for the rest of this process, a file named through `project` is read only if
/// it resolves inside `project`; or through a link of `trusted` that still leads where it led
/// when the user trusted it; or through a `..` path that leads to one of `outside`, the files
/// the project named outside itself when the user trusted it. A cloned repository's
/// `environment.yml -> ~/.aws/credentials`, or its compose file's
/// `include: ../../.kube/config`, is data the project pointed outside itself, and reading it
/// would print pieces of what it holds; a pull that adds such a path is withheld again until
/// the user looks. Paths that are not named through the project (environments, the user's rc
/// files) are not affected. Called once per run, unless the run is forced trusted
/// (`--trust-project`, `DEVDOCTOR_TRUST=1`).
pub(crate) fn confine_to(
    project: &Path,
    trusted: BTreeMap<String, String>,
    outside: BTreeSet<PathBuf>,
) {
    set_confinement(project, trusted, outside, None);
}

/// For `devdoctor trust`, which shows the user what they are about to trust: every file named
/// through the project is read, and where each `..` path that leads out of the project led is
/// noted, for [`collected`] to list.
pub(crate) fn confine_collecting(project: &Path) {
    let collecting = Some(Mutex::new(BTreeSet::new()));
    set_confinement(project, BTreeMap::new(), BTreeSet::new(), collecting);
}

fn set_confinement(
    project: &Path,
    trusted: BTreeMap<String, String>,
    outside: BTreeSet<PathBuf>,
    collecting: Option<Mutex<BTreeSet<PathBuf>>>,
) {
    let root = std::fs::canonicalize(project).unwrap_or_else(|_| project.to_path_buf());
    let _ = CONFINED.set(Confinement {
        given: project.to_path_buf(),
        root,
        trusted,
        outside,
        collecting,
    });
}

/// The files outside the project that `..` paths led to since [`confine_collecting`].
pub(crate) fn collected() -> BTreeSet<PathBuf> {
    CONFINED
        .get()
        .and_then(|c| c.collecting.as_ref())
        .map(|m| m.lock().unwrap_or_else(|e| e.into_inner()).clone())
        .unwrap_or_default()
}

/// Where `path` really leads when it is a project file that leaves the project through a link
/// the user has not trusted; `None` when it stays inside, is not a project file, or no
/// confinement is set. Only a path with a link (or `..`) below the project folder is
/// resolved, so a plain project file costs one `lstat` per folder below the project.
fn escapes(path: &Path) -> Option<PathBuf> {
    let c = CONFINED.get()?;
    let (base, rel) = [&c.given, &c.root]
        .into_iter()
        .find_map(|b| path.strip_prefix(b).ok().map(|r| (b, r)))?;
    let mut cur = base.clone();
    let mut first_link = None;
    let mut dotdot = false;
    for part in rel.components() {
        match part {
            Component::Normal(name) => {
                cur.push(name);
                if std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
                    first_link = Some(cur.clone());
                    break;
                }
            }
            Component::CurDir => {}
            // `..` below the project: resolve the whole path.
            _ => {
                first_link = Some(path.to_path_buf());
                dotdot = true;
                break;
            }
        }
    }
    let link = first_link?;
    if let Some(seen) = &c.collecting {
        if let Some(real) = dotdot.then(|| std::fs::canonicalize(path).ok()).flatten() {
            if !real.starts_with(&c.root) {
                seen.lock().unwrap_or_else(|e| e.into_inner()).insert(real);
            }
        }
        return None;
    }
    // A link the user trusted, still leading where it led then: what lies beyond is theirs.
    let trusted = link.strip_prefix(base).ok().and_then(|rel| {
        let target = c.trusted.get(rel.to_str()?)?;
        let now = std::fs::canonicalize(&link).ok()?;
        (now.as_os_str() == target.as_str()).then_some(())
    });
    if trusted.is_some() {
        return None;
    }
    // A dangling link resolves to nothing: opening it fails on its own.
    let real = std::fs::canonicalize(path).ok()?;
    let read = real.starts_with(&c.root) || (dotdot && c.outside.contains(&real));
    (!read).then_some(real)
}

/// Whether a file outside the project that the project names in a way git (not devdoctor)
/// follows may be reached: the run is forced trusted (no confinement), `devdoctor trust` is
/// looking (it lists the file), or `real` is one of the files the user trusted.
pub(crate) fn outside_trusted(real: &Path) -> bool {
    CONFINED.get().is_none_or(|c| {
        c.collecting.is_some() || real.starts_with(&c.root) || c.outside.contains(real)
    })
}

/// Refuses a path the project named that lies outside it altogether (a compose build's
/// `context: ../../etc` with `dockerfile: passwd`), unless the run is trusted or the user
/// trusted that file; a path inside is judged by [`confined`].
pub(crate) fn named_outside(path: &Path) -> Result<(), ReadError> {
    let Some(c) = CONFINED.get() else {
        return Ok(());
    };
    let inside = path.starts_with(&c.given) || path.starts_with(&c.root);
    if inside || outside_trusted(path) {
        return Ok(());
    }
    Err(ReadError::OutsideProject {
        target: crate::policy::text::printable(&path.to_string_lossy()),
    })
}

/// Refuses a project file that leads outside the project (see [`confine_to`]).
pub(crate) fn confined(path: &Path) -> Result<(), ReadError> {
    match escapes(path) {
        Some(target) => Err(ReadError::OutsideProject {
            target: crate::policy::text::printable(&target.to_string_lossy()),
        }),
        None => Ok(()),
    }
}

/// Why a file was not read, as one line of a report says it. Verdicts match on the variant
/// (a missing file is often no problem at all), never on the words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The system refused: the kind, for a verdict, and the short reason of [`io_reason`].
    #[error("{reason}")]
    Io {
        kind: std::io::ErrorKind,
        reason: String,
    },
    #[error("a directory, not a file")]
    Directory,
    #[error("not a regular file (a FIFO, socket or device): not read")]
    Special,
    /// Larger than the cap; `what_else` says what a file that size is not.
    #[error("larger than {size}; {what_else}")]
    TooLarge {
        size: String,
        what_else: &'static str,
    },
    #[error("not UTF-8 text")]
    NotUtf8,
    /// A file named through the project that lies outside it, which the user has not trusted
    /// (see [`confine_to`]).
    #[error("it leads outside the project, to {target}: not read until you trust the project (`devdoctor trust`)")]
    OutsideProject { target: String },
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io {
            kind: e.kind(),
            reason: io_reason(&e),
        }
    }
}

impl ReadError {
    /// The system's kind of error, when the system refused.
    pub(crate) fn io_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            ReadError::Io { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// Not read because the untrusted project's file leads outside it: nothing is known about
    /// the file, so a check says "unknown", not "broken".
    pub(crate) fn is_withheld(&self) -> bool {
        matches!(self, ReadError::OutsideProject { .. })
    }
}

/// The bytes of a regular file of at most `max` bytes. A FIFO, socket or device is refused
/// before it is opened (opening a FIFO waits for a writer; a device never ends), and a larger
/// file is refused after reading `max + 1` bytes, with `what_else` saying what it is not.
pub(crate) fn read_capped(
    path: &Path,
    max: u64,
    what_else: &'static str,
) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        let size = if max >= 1024 * 1024 {
            format!("{} MiB", max / (1024 * 1024))
        } else {
            format!("{} KiB", max / 1024)
        };
        return Err(ReadError::TooLarge { size, what_else });
    }
    Ok(bytes)
}

/// At most the first `max` bytes of a regular file (no error for a longer one), with the same
/// refusals as [`read_capped`]: for sniffing a file's head or reading a capped excerpt.
pub(crate) fn read_head(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    open_regular(path)?.take(max).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens a regular file for [`read_capped`] and [`read_head`]: not one a project names outside
/// itself (see [`confine_to`]), and not a directory, FIFO, socket or device, which are refused
/// before they are opened.
fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    confined(path)?;
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::Special);
    }
    Ok(std::fs::File::open(path)?)
}

/// [`read_capped`] as UTF-8 text.
pub(crate) fn read_capped_utf8(
    path: &Path,
    max: u64,
    what_else: &'static str,
) -> Result<String, ReadError> {
    String::from_utf8(read_capped(path, max, what_else)?).map_err(|_| ReadError::NotUtf8)
}

/// A short reason for an I/O error ("permission denied", "not found", "a symlink loop").
pub(crate) fn io_reason(e: &std::io::Error) -> String {
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
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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

/// `path` with `.` and `..` resolved as written (no links followed, the disk not touched: a
/// build context may not exist yet): `a/./b/../c` → `a/c`. A `..` above the root stays at the
/// root, as the system resolves it; one a relative path cannot pop is kept (`../x`).
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::ParentDir if out.has_root() => {}
            other => out.push(other),
        }
    }
    out
}

/// Whether `rel` names something under `base`, looked up one name at a time without going
/// through a link: `None` when a folder on the way is a link (`conf -> /etc`), which is not
/// entered, so nothing outside `base` is even looked at; else whether it is there.
pub(crate) fn lookup_under(base: &Path, rel: &Path) -> Option<bool> {
    let mut at = base.to_path_buf();
    let mut names = rel
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .peekable();
    while let Some(name) = names.next() {
        at.push(name);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.is_symlink() && names.peek().is_some() => return None,
            Ok(_) => {}
            Err(_) => return Some(false),
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::lexical;
    use std::path::{Path, PathBuf};

    #[test]
    fn lexical_resolves_dots_as_written() {
        let l = |p: &str| lexical(Path::new(p));
        assert_eq!(l("/p/./app/../Dockerfile"), PathBuf::from("/p/Dockerfile"));
        // Above the root is the root, as the system resolves `/..`.
        assert_eq!(l("/p/../../../etc/passwd"), PathBuf::from("/etc/passwd"));
        // A relative path keeps the `..` it cannot pop: `../x` is not `x`.
        assert_eq!(l("../x/./y/.."), PathBuf::from("../x"));
        assert_eq!(l("a/../../b"), PathBuf::from("../b"));
    }
}
