//! The one bounded subprocess helper every probe uses: argv only (never a shell), a timeout,
//! a cap on captured output, and the whole process group killed on timeout so that no child,
//! grandchild or zombie outlives the run.

use anyhow::{Context as _, Result};
use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Default cap on each captured stream.
pub(crate) const DEFAULT_CAP: usize = 1024 * 1024;

/// A command to run, built as argv.
#[derive(Debug, Clone)]
pub(crate) struct Cmd {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub timeout: Duration,
    pub cap: usize,
    pub cwd: Option<PathBuf>,
    /// Extra variables set for the child (on top of the inherited environment).
    pub env: Vec<(OsString, OsString)>,
    /// Replace the inherited environment with exactly these variables.
    pub env_clear: Option<Vec<(OsString, OsString)>>,
}

impl Cmd {
    pub(crate) fn new(program: impl AsRef<OsStr>) -> Cmd {
        Cmd {
            program: program.as_ref().to_os_string(),
            args: Vec::new(),
            timeout: Duration::from_secs(10),
            cap: DEFAULT_CAP,
            cwd: None,
            env: Vec::new(),
            env_clear: None,
        }
    }

    pub(crate) fn arg(mut self, a: impl AsRef<OsStr>) -> Cmd {
        self.args.push(a.as_ref().to_os_string());
        self
    }

    pub(crate) fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub(crate) fn timeout(mut self, t: Duration) -> Cmd {
        self.timeout = t;
        self
    }

    pub(crate) fn cap(mut self, bytes: usize) -> Cmd {
        self.cap = bytes;
        self
    }

    pub(crate) fn cwd(mut self, dir: impl Into<PathBuf>) -> Cmd {
        self.cwd = Some(dir.into());
        self
    }

    pub(crate) fn env(mut self, k: impl AsRef<OsStr>, v: impl AsRef<OsStr>) -> Cmd {
        self.env
            .push((k.as_ref().to_os_string(), v.as_ref().to_os_string()));
        self
    }

    /// Runs the child with exactly the given environment.
    pub(crate) fn env_exact<I, K, V>(mut self, vars: I) -> Cmd
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.env_clear = Some(
            vars.into_iter()
                .map(|(k, v)| (k.as_ref().to_os_string(), v.as_ref().to_os_string()))
                .collect(),
        );
        self
    }

    /// Runs the command. An `Err` means it could not be started (not found, not executable);
    /// a timeout is reported in the `Output`, not as an error.
    pub(crate) fn run(&self) -> Result<Output> {
        run(self)
    }
}

/// What a finished (or killed) command produced.
#[derive(Debug, Clone)]
pub struct Output {
    /// The child's process id (also its process-group id).
    pub pid: u32,
    /// Exit code; `None` when killed by a signal (including our own timeout kill).
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timed_out: bool,
    /// Either stream was longer than the cap and was cut.
    pub truncated: bool,
    pub duration: Duration,
}

impl Output {
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }
    /// stdout as text; invalid UTF-8 is replaced, never an error.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    /// A short description of how the command ended, for findings.
    pub fn describe_end(&self) -> String {
        if self.timed_out {
            format!("timed out after {:.1} s", self.duration.as_secs_f64())
        } else if let Some(code) = self.code {
            format!("exited with code {code}")
        } else if let Some(sig) = self.signal {
            format!("killed by signal {sig}")
        } else {
            "ended".to_string()
        }
    }
}

fn spawn_reader(
    stream: Option<impl Read + Send + 'static>,
    cap: usize,
    tx: mpsc::Sender<(usize, Vec<u8>, bool)>,
    which: usize,
) {
    let Some(mut stream) = stream else {
        let _ = tx.send((which, Vec::new(), false));
        return;
    };
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut truncated = false;
        let mut buf = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    let room = cap.saturating_sub(kept.len());
                    if n > room {
                        truncated = true;
                    }
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let _ = tx.send((which, kept, truncated));
    });
}

/// Process groups of commands that are still running. A check the runner gave up on at its
/// timeout leaves its command running; `kill_running` ends them all when devdoctor exits, so
/// no tool outlives the run.
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

/// SIGKILL to the process group `pgid`, which this process created for a command.
fn kill_pgid(pgid: u32) {
    let pid = i32::try_from(pgid)
        .ok()
        .and_then(rustix::process::Pid::from_raw);
    if let Some(pid) = pid {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// Kills every command still running and every orphan they left (called just before the
/// process exits, and when a signal ends the run).
pub(crate) fn kill_running() {
    let groups = RUNNING.lock().map(|g| g.clone()).unwrap_or_default();
    for pgid in groups {
        kill_pgid(pgid);
    }
    // Only a process this run started can have left descendants behind: a run that started
    // none (the warm happy path) skips the scan of every process in /proc.
    if STARTED.load(std::sync::atomic::Ordering::SeqCst) {
        kill_adopted();
    }
}

/// Whether this run has started any command (set before the first spawn).
static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Temp files being written (an `--output` report before its rename): removed when a signal
/// ends the run.
static TEMPS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Creates a temp file with `create` and registers its path under the lock the signal
/// cleanup takes, so that a signal either finds it registered and removes it, or comes first
/// and nothing is created (a signal between creating and registering left it behind).
pub(crate) fn create_registered<T>(
    create: impl FnOnce() -> std::io::Result<T>,
    path_of: impl Fn(&T) -> PathBuf,
) -> std::io::Result<T> {
    let mut temps = TEMPS.lock().unwrap_or_else(|e| e.into_inner());
    if SIGNALLED.load(std::sync::atomic::Ordering::SeqCst) != 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "the run was interrupted",
        ));
    }
    let created = create()?;
    temps.push(path_of(&created));
    Ok(created)
}

/// The temp file was renamed into place or removed.
pub(crate) fn forget_temp(path: &std::path::Path) {
    if let Ok(mut t) = TEMPS.lock() {
        t.retain(|p| p != path);
    }
}

/// The signal that is ending the run (0: none).
static SIGNALLED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Ends the process with `code`, or with 128 + the signal when a signal is ending the run
/// (the run may finish while the signal's cleanup is still at work), after killing every
/// command and descendant still running.
pub fn exit(code: i32) -> ! {
    kill_running();
    let sig = SIGNALLED.load(std::sync::atomic::Ordering::SeqCst);
    std::process::exit(if sig != 0 { 128 + sig } else { code })
}

/// Makes this process the reaper of orphans its children leave (a grandchild that called
/// `setsid` escapes its process group, but not this), and ends the run cleanly on SIGINT,
/// SIGTERM and SIGHUP: every command still running and every adopted orphan is killed, temp
/// files are removed, and the exit code is 128 + the signal (130, 143, 129).
pub fn guard_process() {
    let _ = rustix::process::set_child_subreaper(Some(rustix::process::getpid()));
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    let _ = thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                SIGNALLED.store(sig, std::sync::atomic::Ordering::SeqCst);
                kill_running();
                if let Ok(temps) = TEMPS.lock() {
                    for t in temps.iter() {
                        let _ = std::fs::remove_file(t);
                    }
                }
                std::process::exit(128 + sig);
            }
        });
}

/// Kills every descendant of this process still alive: the commands' processes that left
/// their group (`setsid`), whether their parent is still there or they were adopted by this
/// process as their subreaper. Found through the parent pids in /proc.
fn kill_adopted() {
    // A process whose parent dies mid-scan is reparented to us a moment later: scan again
    // until a scan finds no descendant (bounded).
    for _ in 0..50 {
        if kill_descendants() == 0 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    // Reap what was killed, so no zombie of ours is left for the caller to see.
    while let Ok(Some(_)) = rustix::process::wait(rustix::process::WaitOptions::NOHANG) {}
}

/// One scan of /proc: kills every live descendant found and returns how many.
fn kill_descendants() -> usize {
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut parent_of: Vec<(u32, u32)> = Vec::new();
    let mut zombies: Vec<u32> = Vec::new();
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        // "pid (comm) S ppid …": comm may hold spaces and parentheses. Zombies are skipped:
        // they are dead already and only wait to be reaped.
        let rest = stat.rfind(')').map(|b| &stat[b + 1..]).unwrap_or_default();
        let mut fields = rest.split_whitespace();
        let state = fields.next();
        if let Some(ppid) = fields.next().and_then(|p| p.parse::<u32>().ok()) {
            parent_of.push((pid, ppid));
            if state == Some("Z") {
                zombies.push(pid);
            }
        }
    }
    let mut doomed = vec![me];
    let mut i = 0;
    while i < doomed.len() {
        let parent = doomed[i];
        doomed.extend(
            parent_of
                .iter()
                .filter(|(pid, ppid)| *ppid == parent && !doomed.contains(pid))
                .map(|(pid, _)| *pid)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    let live: Vec<u32> = doomed
        .into_iter()
        .skip(1)
        .filter(|p| !zombies.contains(p))
        .collect();
    for &pid in &live {
        if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
    }
    live.len()
}

fn kill_group(child: &Child) {
    kill_pgid(child.id());
}

/// Options given to every git devdoctor starts, before its sub-command: a repository's
/// `.git/config` can name programs (`core.fsmonitor`, hooks) that git would otherwise run, and
/// an excludes file anywhere on the machine that `check-ignore -v` would read and quote a
/// line of. What devdoctor asks git only counts the repository's own .gitignore files.
pub(crate) const GIT_SAFETY: &[&str] = &[
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.excludesFile=/dev/null",
    "--no-optional-locks",
];

/// The `Command` for `cmd`: git's safety options, no stdin, piped output, a process group of
/// its own (so a timeout or signal kills grandchildren too), the working folder and variables.
fn command_of(cmd: &Cmd) -> Command {
    STARTED.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut command = Command::new(&cmd.program);
    if std::path::Path::new(&cmd.program)
        .file_name()
        .is_some_and(|n| n == "git")
    {
        // A repository's own config must not run code: no fsmonitor, no hooks, no locks.
        command.args(GIT_SAFETY).env("GIT_OPTIONAL_LOCKS", "0");
    }
    command
        .args(&cmd.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A new process group, so a timeout kills grandchildren too.
        .process_group(0);
    if let Some(dir) = &cmd.cwd {
        command.current_dir(dir);
    }
    if let Some(vars) = &cmd.env_clear {
        command.env_clear();
        command.envs(vars.iter().map(|(k, v)| (k, v)));
    }
    command.envs(cmd.env.iter().map(|(k, v)| (k, v)));
    command
}

/// A command whose standard output is read as a stream (`docker save`): its stderr is
/// dropped, and its process group is killed at `deadline` (a read then ends with
/// `TimedOut`), when the stream is dropped, or when a signal ends the run.
pub(crate) struct Streamed {
    child: Child,
    out: std::process::ChildStdout,
    expired: std::sync::Arc<std::sync::atomic::AtomicBool>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Cmd {
    /// Starts the command for [`Streamed`] reading until `deadline`.
    pub(crate) fn stream(&self, deadline: Instant) -> Result<Streamed> {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let mut command = command_of(self);
        command.stderr(Stdio::null());
        let mut child = command
            .spawn()
            .with_context(|| format!("could not start `{}`", self.program.to_string_lossy()))?;
        if let Ok(mut groups) = RUNNING.lock() {
            groups.push(child.id());
        }
        let out = child.stdout.take().context("no stdout pipe")?;
        let (expired, done) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let (pgid, e, d) = (child.id(), expired.clone(), done.clone());
        thread::spawn(move || {
            while !d.load(Ordering::SeqCst) {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    e.store(true, Ordering::SeqCst);
                    kill_pgid(pgid);
                    return;
                }
                thread::park_timeout(left.min(Duration::from_millis(50)));
            }
        });
        Ok(Streamed {
            child,
            out,
            expired,
            done,
        })
    }
}

impl std::io::Read for Streamed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering;
        let n = self.out.read(buf)?;
        if self.expired.load(Ordering::SeqCst) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the command did not finish before the timeout",
            ));
        }
        Ok(n)
    }
}

impl Drop for Streamed {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        kill_group(&self.child);
        let _ = self.child.wait();
        if let Ok(mut groups) = RUNNING.lock() {
            groups.retain(|&g| g != self.child.id());
        }
    }
}

pub(crate) fn run(cmd: &Cmd) -> Result<Output> {
    let start = Instant::now();
    let mut command = command_of(cmd);
    let mut child = command
        .spawn()
        .with_context(|| format!("could not start `{}`", cmd.program.to_string_lossy()))?;

    if let Ok(mut groups) = RUNNING.lock() {
        groups.push(child.id());
    }
    let (tx, rx) = mpsc::channel();
    spawn_reader(child.stdout.take(), cmd.cap, tx.clone(), 0);
    spawn_reader(child.stderr.take(), cmd.cap, tx, 1);

    let deadline = start + cmd.timeout;
    let mut timed_out = false;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        let now = Instant::now();
        if now >= deadline {
            timed_out = true;
            kill_group(&child);
            break child.wait().ok();
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    };
    // The direct child is gone; anything it left in its group that still holds our pipes
    // (a forked helper) is killed so the readers see EOF and nothing is orphaned.
    kill_group(&child);
    if let Ok(mut groups) = RUNNING.lock() {
        groups.retain(|&g| g != child.id());
    }

    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut truncated = false;
    let grace = Instant::now() + Duration::from_millis(500);
    for _ in 0..2 {
        let left = grace.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((0, data, t)) => {
                stdout = data;
                truncated |= t;
            }
            Ok((_, data, t)) => {
                stderr = data;
                truncated |= t;
            }
            Err(_) => break,
        }
    }
    Ok(Output {
        pid: child.id(),
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        signal: status.and_then(|s| s.signal()),
        stdout,
        stderr,
        timed_out,
        truncated,
        duration: start.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_and_code() {
        let out = Cmd::new("sh")
            .args(["-c", "printf hello; printf oops >&2; exit 3"])
            .run()
            .unwrap();
        assert_eq!(out.stdout_text(), "hello");
        assert_eq!(out.stderr_text(), "oops");
        assert_eq!(out.code, Some(3));
        assert!(!out.timed_out);
    }

    #[test]
    fn missing_program_is_an_error_with_its_name() {
        let err = Cmd::new("/nonexistent/devdoctor-test-tool")
            .run()
            .unwrap_err();
        assert!(format!("{err:#}").contains("devdoctor-test-tool"));
    }

    #[test]
    fn timeout_kills_the_group() {
        let out = Cmd::new("sh")
            .args(["-c", "sleep 30 & sleep 30"])
            .timeout(Duration::from_millis(200))
            .run()
            .unwrap();
        assert!(out.timed_out);
        assert!(out.duration < Duration::from_secs(2), "{:?}", out.duration);
        assert!(!out.success());
    }

    #[test]
    fn output_is_capped() {
        let out = Cmd::new("sh")
            .args(["-c", "head -c 300000 /dev/zero"])
            .cap(1000)
            .run()
            .unwrap();
        assert_eq!(out.stdout.len(), 1000);
        assert!(out.truncated);
        assert_eq!(out.code, Some(0));
    }

    #[test]
    fn non_utf8_output_is_tolerated() {
        let out = Cmd::new("printf").arg("\\377\\376ok").run().unwrap();
        assert!(out.stdout_text().ends_with("ok"));
    }

    fn gone(pid: u32) -> bool {
        // Reaped or killed: no /proc entry, or a zombie entry reparented to init that is
        // about to be reaped. Poll briefly, the kernel and init need a moment.
        for _ in 0..100 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat) if stat.split_whitespace().nth(2) == Some("Z") => {}
                Ok(_) => {}
            }
            thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn timeout_leaves_no_process_behind() {
        // The child ignores SIGTERM and forks a grandchild that keeps the pipe open.
        let out = Cmd::new("sh")
            .args(["-c", "trap '' TERM; sleep 30 & echo $!; wait"])
            .timeout(Duration::from_millis(300))
            .run()
            .unwrap();
        assert!(out.timed_out);
        let grandchild: u32 = out.stdout_text().trim().parse().expect("pid printed");
        assert!(gone(out.pid), "child {} still exists", out.pid);
        assert!(gone(grandchild), "grandchild {grandchild} still exists");
    }

    #[test]
    fn a_flood_of_output_is_drained_and_capped() {
        let out = Cmd::new("sh")
            .args(["-c", "head -c 100000000 /dev/zero"])
            .timeout(Duration::from_secs(20))
            .run()
            .unwrap();
        assert_eq!(out.code, Some(0));
        assert_eq!(out.stdout.len(), DEFAULT_CAP);
        assert!(out.truncated);
    }

    #[test]
    fn grandchild_holding_the_pipe_does_not_block() {
        let out = Cmd::new("sh")
            .args(["-c", "(sleep 30) & echo started"])
            .timeout(Duration::from_secs(5))
            .run()
            .unwrap();
        assert_eq!(out.stdout_text().trim(), "started");
        assert!(out.duration < Duration::from_secs(2), "{:?}", out.duration);
    }
}
