//! `TOOL --version`, asked once per binary: the answer is kept in the user's cache folder
//! ($XDG_CACHE_HOME/devdoctor, else ~/.cache/devdoctor), keyed by the binary's path, size,
//! modification time and inode, so a warm run starts no process for versions, and a changed
//! binary (an upgrade, a different file behind a symlink) is asked again. Only successful
//! answers are kept.

use crate::core::Context;
use crate::exec::{Cmd, Output};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Entries kept; the cache is cleared when it grows past this.
const MAX_ENTRIES: usize = 256;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Answer {
    code: i32,
    stdout: String,
    stderr: String,
}

/// One writer at a time within this process (checks run in parallel).
static LOCK: Mutex<()> = Mutex::new(());

fn cache_file(ctx: &Context) -> Option<PathBuf> {
    let dir = ctx
        .var_path("XDG_CACHE_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| ctx.home().map(|h| h.join(".cache")))?;
    Some(dir.join("devdoctor").join("versions.json"))
}

/// `path args… size mtime inode`: what identifies one binary's answer.
fn key(program: &Path, args: &[std::ffi::OsString]) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    if !program.is_absolute() {
        return None;
    }
    let m = std::fs::metadata(program).ok()?;
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Some(format!(
        "{} {} {} {}.{} {}:{}",
        program.display(),
        args.join(" "),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.dev(),
        m.ino()
    ))
}

fn load(file: &Path) -> BTreeMap<String, Answer> {
    crate::disk::read_capped(file, 1024 * 1024, "not a version cache")
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn store(file: &Path, key: String, answer: Answer) {
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut all = load(file);
    if all.len() >= MAX_ENTRIES {
        all.clear();
    }
    all.insert(key, answer);
    let Some(dir) = file.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(text) = serde_json::to_string(&all) else {
        return;
    };
    // Atomic, so a parallel devdoctor never reads half a file; a failure only costs a re-ask.
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if tmp.write_all(text.as_bytes()).is_ok() {
            let _ = tmp.persist(file);
        }
    }
}

/// `path size mtime inode` of each file a command's answer depends on (`absent` for a file
/// that does not exist), so the answer is asked anew when one of them changes.
fn files_key(files: &[PathBuf]) -> String {
    use std::os::unix::fs::MetadataExt;
    files
        .iter()
        .map(|f| match std::fs::metadata(f) {
            Ok(m) => format!(
                "{} {} {}.{} {}:{}",
                f.display(),
                m.size(),
                m.mtime(),
                m.mtime_nsec(),
                m.dev(),
                m.ino()
            ),
            Err(_) => format!("{} absent", f.display()),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn cached(a: &Answer) -> Output {
    Output {
        pid: 0,
        code: Some(a.code),
        signal: None,
        stdout: a.stdout.clone().into_bytes(),
        stderr: a.stderr.clone().into_bytes(),
        timed_out: false,
        truncated: false,
        duration: Duration::ZERO,
    }
}

/// Runs `cmd`, a question whose answer depends only on the binary, its arguments, its
/// working folder and `files` (git's `check-ignore` on the .gitignore files, `ls-files` on
/// the index), or answers it from the cache. Any completed answer is kept, whatever its exit
/// code (`check-ignore` exits 1 for "not ignored").
pub(crate) fn run_keyed(ctx: &Context, cmd: &Cmd, files: &[PathBuf]) -> anyhow::Result<Output> {
    let base = key(Path::new(&cmd.program), &cmd.args);
    let (Some(file), Some(base)) = (cache_file(ctx), base) else {
        return cmd.run();
    };
    let cwd = cmd.cwd.as_deref().map(Path::display);
    let key = format!(
        "{base} @{} | {}",
        cwd.map(|c| c.to_string()).unwrap_or_default(),
        files_key(files)
    );
    if let Some(a) = load(&file).get(&key) {
        return Ok(cached(a));
    }
    let out = cmd.run()?;
    if let (false, false, Some(code)) = (out.timed_out, out.truncated, out.code) {
        store(
            &file,
            key,
            Answer {
                code,
                stdout: out.stdout_text(),
                stderr: out.stderr_text(),
            },
        );
    }
    Ok(out)
}

/// Runs `cmd` (a `--version` style question) or answers it from the cache.
pub(crate) fn run(ctx: &Context, cmd: &Cmd) -> anyhow::Result<Output> {
    let (Some(file), Some(key)) = (cache_file(ctx), key(Path::new(&cmd.program), &cmd.args)) else {
        return cmd.run();
    };
    if let Some(a) = load(&file).get(&key) {
        return Ok(cached(a));
    }
    let out = cmd.run()?;
    if out.success() && !out.truncated {
        store(
            &file,
            key,
            Answer {
                code: 0,
                stdout: out.stdout_text(),
                stderr: out.stderr_text(),
            },
        );
    }
    Ok(out)
}
