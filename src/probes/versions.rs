//! `TOOL --version`, asked once per binary: the answer is kept in the user's cache folder
//! ($XDG_CACHE_HOME/devdoctor, else ~/.cache/devdoctor), keyed by the binary's path, size,
//! modification time and inode, so a warm run starts no process for versions, and a changed
//! binary (an upgrade, a different file behind a symlink) is asked again. Only successful
//! answers are kept.

use crate::core::Context;
use crate::exec::{Cmd, Output};
use crate::probes::cache;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The map of answers in the cache folder.
const MAP: &str = "versions.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Answer {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `path args… size mtime inode`: what identifies one binary's answer.
fn key(program: &Path, args: &[std::ffi::OsString]) -> Option<String> {
    if !program.is_absolute() {
        return None;
    }
    let m = std::fs::metadata(program).ok()?;
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    Some(format!(
        "{} {} {}",
        program.display(),
        args.join(" "),
        cache::stamp(&m)
    ))
}

/// The identity of each file a command's answer depends on, so the answer is asked anew when
/// one of them changes.
fn files_key(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| cache::identity(f))
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
    let (Some(map), Some(base)) = (cache::Map::open(ctx, MAP), base) else {
        return cmd.run();
    };
    let cwd = cmd.cwd.as_deref().map(Path::display);
    let key = format!(
        "{base} @{} | {}",
        cwd.map(|c| c.to_string()).unwrap_or_default(),
        files_key(files)
    );
    if let Some(a) = map.load::<Answer>().get(&key) {
        return Ok(cached(a));
    }
    let out = cmd.run()?;
    if let (false, false, Some(code)) = (out.timed_out, out.truncated, out.code) {
        let answer = Answer {
            code,
            stdout: out.stdout_text(),
            stderr: out.stderr_text(),
        };
        map.store([(key, answer)]);
    }
    Ok(out)
}

/// Runs `cmd` (a `--version` style question) or answers it from the cache.
pub(crate) fn run(ctx: &Context, cmd: &Cmd) -> anyhow::Result<Output> {
    let program = Path::new(&cmd.program);
    let (Some(map), Some(key)) = (cache::Map::open(ctx, MAP), key(program, &cmd.args)) else {
        return cmd.run();
    };
    if let Some(a) = map.load::<Answer>().get(&key) {
        return Ok(cached(a));
    }
    let out = cmd.run()?;
    if out.success() && !out.truncated {
        let answer = Answer {
            code: 0,
            stdout: out.stdout_text(),
            stderr: out.stderr_text(),
        };
        map.store([(key, answer)]);
    }
    Ok(out)
}
