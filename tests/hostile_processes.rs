//! Tools and servers that misbehave, against the real binary: a stand-in micromamba that writes
//! 100 MB to stdout, one that forks a child which keeps the pipe open, one that ignores SIGTERM
//! and hangs; an MCP server (and health route) that streams forever; a Docker socket that
//! accepts and never answers. Each run ends within the timeout + 0.5 s with a clear finding, and
//! leaves no process behind: the stand-ins start helpers whose command name (and command line)
//! carries a unique marker, and the process table (/proc) is searched for it afterwards,
//! zombies included.

mod support;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::net::UnixListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::Sandbox;

/// The per-check timeout the runs use (seconds).
const TIMEOUT: f64 = 2.0;
/// What the brief allows on top of the timeout.
const GRACE: f64 = 0.5;

/// A marker unique to this test process and `what`, short enough for a 15-byte `comm`.
fn marker(what: &str) -> String {
    format!("dd{}{}", what, std::process::id() % 100_000)
}

/// A copy of `sleep` named `marker`, in the sandbox's bin: its processes show the marker in
/// both `comm` and the command line, alive or zombie.
fn marked_sleep(sb: &Sandbox, marker: &str) -> PathBuf {
    let path = sb.bin.join(marker);
    let sleep = ["/usr/bin/sleep", "/bin/sleep"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .expect("sleep");
    fs::copy(sleep, &path).unwrap();
    path
}

/// Processes whose comm or command line contains `marker`: (pid, state, "comm (ppid): cmdline").
/// A zombie reparented to PID 1 is left out: devdoctor cannot reap a grandchild once its
/// parent is gone (that is init's job; the killed child itself is waited for).
fn processes_with(marker: &str) -> Vec<(u32, char, String)> {
    let mut out = Vec::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let stat = fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        let cmdline = fs::read(e.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // stat: "pid (comm) S ..." — comm may contain spaces and parentheses.
        let (comm, state) = match (stat.find('('), stat.rfind(')')) {
            (Some(a), Some(b)) if b > a => (
                stat[a + 1..b].to_string(),
                stat[b + 1..].trim_start().chars().next().unwrap_or('?'),
            ),
            _ => (String::new(), '?'),
        };
        let ppid: u32 = stat
            .rfind(')')
            .and_then(|b| stat[b + 1..].split_whitespace().nth(1))
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if state == 'Z' && ppid == 1 {
            continue;
        }
        if comm.contains(marker) || cmdline.contains(marker) {
            out.push((pid, state, format!("{comm} (ppid {ppid}): {cmdline}")));
        }
    }
    out
}

/// No process with the marker is left (zombies count); gives the kernel a moment to finish
/// delivering a SIGKILL sent just before devdoctor exited.
fn assert_no_leftovers(marker: &str) {
    let until = Instant::now() + Duration::from_millis(500);
    loop {
        let left = processes_with(marker);
        if left.is_empty() {
            return;
        }
        if Instant::now() > until {
            // Clean up so that one failure does not leave sleepers behind.
            for (pid, _, _) in &left {
                if let Some(pid) = rustix::process::Pid::from_raw(*pid as i32) {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
            }
            panic!("processes left behind (pid, state, comm: cmdline): {left:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs devdoctor with `--timeout TIMEOUT --json` and returns the report and the wall time.
fn timed_json(sb: &Sandbox, args: &[&str]) -> (serde_json::Value, Duration) {
    let timeout = TIMEOUT.to_string();
    let mut all = vec!["--timeout", timeout.as_str()];
    all.extend_from_slice(args);
    let started = Instant::now();
    let (report, code) = sb.json(&all);
    let took = started.elapsed();
    assert!(
        (0..=3).contains(&code) && code != 2,
        "exit {code}: {report:#}"
    );
    (report, took)
}

fn assert_bounded(what: &str, took: Duration) {
    let bound = Duration::from_secs_f64(TIMEOUT + GRACE);
    assert!(
        took <= bound,
        "{what}: took {took:?}, more than the {TIMEOUT} s timeout + {GRACE} s"
    );
}

fn summary<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    support::check(report, id)["summary"].as_str().unwrap_or("")
}

// --- Stand-in tools ----------------------------------------------------------------------------

#[test]
fn micromamba_writing_100_mb_to_stdout() {
    let sb = Sandbox::new();
    let m = marker("flood");
    // 100 MB of `2.0.5\n` lines on --version (and on anything else), from a copy of `yes`
    // named with the marker.
    let yes = sb.bin.join(&m);
    fs::copy(
        ["/usr/bin/yes", "/bin/yes"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("yes"),
        &yes,
    )
    .unwrap();
    sb.stand_in(
        "micromamba",
        &format!("{} 2.0.5 | head -c 100000000", yes.display()),
    );
    let (report, took) = timed_json(&sb, &["mamba.installed", "env.exists"]);
    assert_bounded("100 MB on stdout", took);
    let status = support::status(&report, "mamba.installed");
    assert!(
        matches!(status, "ok" | "warn" | "fail" | "unknown"),
        "{report:#}"
    );
    assert!(
        !summary(&report, "mamba.installed").contains("crashed"),
        "{report:#}"
    );
    // Whatever it printed, the report stays small (output is capped, not echoed).
    assert!(
        report.to_string().len() < 256 * 1024,
        "the flood reached the report"
    );
    assert_no_leftovers(&m);
}

#[test]
fn micromamba_whose_child_keeps_the_pipe_open() {
    let sb = Sandbox::new();
    let m = marker("pipe");
    let sleeper = marked_sleep(&sb, &m);
    // Answers at once, but a background child inherits stdout/stderr and sleeps 30 s.
    sb.stand_in(
        "micromamba",
        &format!("{} 30 &\necho 2.0.5", sleeper.display()),
    );
    let (report, took) = timed_json(&sb, &["mamba.installed"]);
    assert_bounded("a child holding the pipe", took);
    assert_eq!(
        support::status(&report, "mamba.installed"),
        "ok",
        "the version printed before the child detached still counts: {report:#}"
    );
    assert_no_leftovers(&m);
}

#[test]
fn micromamba_that_ignores_sigterm_and_hangs() {
    let sb = Sandbox::new();
    let m = marker("term");
    let sleeper = marked_sleep(&sb, &m);
    sb.stand_in(
        "micromamba",
        &format!(
            "trap '' TERM INT HUP\n{} 30\n{} 30",
            sleeper.display(),
            sleeper.display()
        ),
    );
    let (report, took) = timed_json(&sb, &["mamba.installed", "env.exists"]);
    assert_bounded("a tool ignoring SIGTERM", took);
    assert_ne!(
        support::status(&report, "mamba.installed"),
        "ok",
        "{report:#}"
    );
    let c = support::check(&report, "mamba.installed").to_string();
    assert!(
        c.contains("timed out") || c.contains("did not answer"),
        "the finding says it hung: {c}"
    );
    assert_no_leftovers(&m);
}

#[test]
fn fix_yes_with_a_tool_that_floods_and_leaves_a_child() {
    // `fix --yes` runs with a long per-command timeout, but a command that ends while its
    // child keeps the pipe open must not hang the run, and the child must not survive it.
    let mut sb = Sandbox::new();
    let m = marker("fixch");
    let sleeper = marked_sleep(&sb, &m);
    let root = sb.home.join("micromamba");
    fs::create_dir_all(root.join("envs")).unwrap();
    fs::create_dir_all(root.join("conda-meta")).unwrap();
    fs::write(root.join("conda-meta/history"), "").unwrap();
    sb.var("MAMBA_ROOT_PREFIX", &root);
    fs::write(
        sb.project.join("environment.yml"),
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
    )
    .unwrap();
    sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then echo 2.0.5; exit 0; fi\n\
             if [ \"$1\" = \"env\" ]; then echo '{{\"envs\": []}}'; exit 0; fi\n\
             {} 30 &\nyes creating | head -c 20000000\nexit 0",
            sleeper.display()
        ),
    );
    let started = Instant::now();
    let out = sb.run(&["--timeout", "2", "fix", "--yes", "env.exists"]);
    let took = started.elapsed();
    let text = support::stdout(&out);
    assert!(took < Duration::from_secs(10), "took {took:?}: {text}");
    assert!(text.contains("done"), "{text}");
    assert!(text.len() < 64 * 1024, "the flood was echoed");
    assert_no_leftovers(&m);
}

// --- Servers -----------------------------------------------------------------------------------

/// A loopback HTTP server that answers every request with a 200 whose body never ends: an
/// SSE comment every 10 ms (for the MCP endpoint) or a chunk of JSON-ish text (for /health).
struct EndlessServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EndlessServer {
    fn start() -> EndlessServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut streams = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                if let Ok((mut s, _)) = listener.accept() {
                    let flag = flag.clone();
                    streams.push(std::thread::spawn(move || {
                        let _ = s.set_nonblocking(false);
                        let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut buf = [0u8; 8192];
                        let _ = s.read(&mut buf);
                        let sse = String::from_utf8_lossy(&buf).starts_with("POST");
                        let head = if sse {
                            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
                        } else {
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\": \"ok\", \"pad\": \""
                        };
                        if s.write_all(head.as_bytes()).is_err() {
                            return;
                        }
                        while !flag.load(Ordering::Relaxed) {
                            let piece: &[u8] = if sse { b": ping\n\n" } else { b"xxxxxxxxxxxxxxxx" };
                            if s.write_all(piece).is_err() {
                                return;
                            }
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    }));
                } else {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            for t in streams {
                let _ = t.join();
            }
        });
        EndlessServer {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for EndlessServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn mcp_server_streaming_forever() {
    let server = EndlessServer::start();
    let sb = Sandbox::new();
    let mcp = format!("http://127.0.0.1:{}/mcp", server.port);
    let health = format!("http://127.0.0.1:{}/health", server.port);
    let (report, took) = timed_json(
        &sb,
        &[
            "--mcp-url",
            &mcp,
            "--health-url",
            &health,
            "mcp.handshake",
            "mcp.health",
        ],
    );
    assert_bounded("an endless MCP stream", took);
    for id in ["mcp.handshake", "mcp.health"] {
        let st = support::status(&report, id);
        assert!(
            matches!(st, "fail" | "unknown" | "warn"),
            "{id}: {st}: {report:#}"
        );
        assert!(!summary(&report, id).contains("crashed"), "{report:#}");
    }
}

#[test]
fn docker_socket_that_accepts_and_stalls() {
    let mut sb = Sandbox::new();
    let sock = sb.root().join("stall.sock");
    let listener = UnixListener::bind(&sock).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    listener.set_nonblocking(true).unwrap();
    let holder = std::thread::spawn(move || {
        // Accept everything, read nothing, answer nothing, until the test ends.
        let mut held = Vec::new();
        while !flag.load(Ordering::Relaxed) {
            if let Ok((s, _)) = listener.accept() {
                held.push(s);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    sb.var("DOCKER_HOST", format!("unix://{}", sock.display()));
    // The docker checks apply to projects that use Docker.
    fs::write(sb.project.join("Dockerfile"), "FROM scratch\nUSER 1000\n").unwrap();
    // A docker CLI that talks to the same stalled socket would hang too: use a stand-in that
    // does, with a marked sleeper, so its clean-up is checked as well.
    let m = marker("dock");
    let sleeper = marked_sleep(&sb, &m);
    sb.stand_in("docker", &format!("{} 30", sleeper.display()));
    let (report, took) = timed_json(&sb, &["docker.*"]);
    stop.store(true, Ordering::Relaxed);
    holder.join().unwrap();
    assert_bounded("a stalled Docker socket", took);
    let st = support::status(&report, "docker.daemon");
    assert!(matches!(st, "fail" | "unknown"), "{st}: {report:#}");
    assert!(
        !summary(&report, "docker.daemon").contains("crashed"),
        "{report:#}"
    );
    assert_no_leftovers(&m);
}

#[test]
fn a_tool_still_running_when_its_check_times_out_is_killed_at_exit() {
    // `--version` takes 1 s, then `env list --json` hangs: the CLI fallback's own timeout
    // (0.75 × 2 s, from when it starts) ends after the runner has given up on env.exists at
    // 2 s. devdoctor must not exit and leave that tool (and its child) running.
    let mut sb = Sandbox::new();
    let m = marker("late");
    let sleeper = marked_sleep(&sb, &m);
    sb.var("MAMBA_ROOT_PREFIX", sb.home.join("nowhere"));
    fs::write(
        sb.project.join("environment.yml"),
        "name: proj\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
    )
    .unwrap();
    sb.stand_in(
        "micromamba",
        &format!(
            "if [ \"$1\" = \"--version\" ]; then {s} 1; echo 2.0.5; exit 0; fi\n{s} 30",
            s = sleeper.display()
        ),
    );
    let (report, took) = timed_json(&sb, &["env.exists"]);
    assert_bounded("a check abandoned at its timeout", took);
    assert_eq!(
        support::status(&report, "env.exists"),
        "unknown",
        "{report:#}"
    );
    assert_no_leftovers(&m);
}

// --- Signals -------------------------------------------------------------------------------------

/// Starts devdoctor on a trusted project whose plugin starts a marked sleeper in its own
/// session (`setsid`, out of the plugin's process group) and then sleeps itself, sends
/// `signal` once both sleepers run, and returns the exit code.
fn interrupted_run(signal: rustix::process::Signal, what: &str) -> (i32, String) {
    let sb = Sandbox::new();
    let m = marker(what);
    let sleeper = marked_sleep(&sb, &m);
    let plugin = sb.write(
        "project/.devdoctor/plugins/slow",
        &format!(
            "#!/bin/sh\nsetsid {s} 300 &\nexec {s} 301\n",
            s = sleeper.display()
        ),
    );
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&plugin, fs::Permissions::from_mode(0o755)).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_devdoctor"))
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", sb.path_var())
        .env("DEVDOCTOR_TRUST", "1")
        .current_dir(&sb.project)
        .args([
            "--timeout",
            "60",
            "--json",
            "--output",
            "report.json",
            "plugin.slow",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while processes_with(&m).len() < 2 {
        assert!(
            Instant::now() < until,
            "the plugin's sleepers never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = rustix::process::Pid::from_raw(child.id() as i32).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    let status = child.wait().unwrap();
    let temps: Vec<_> = fs::read_dir(&sb.project)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".devdoctor-"))
        .collect();
    assert!(temps.is_empty(), "temp files left: {temps:?}");
    (status.code().unwrap_or(-1), m)
}

#[test]
fn sigterm_ends_every_process_the_run_started_and_exits_143() {
    let (code, m) = interrupted_run(rustix::process::Signal::TERM, "sgterm");
    assert_eq!(code, 143);
    assert_no_leftovers(&m);
}

#[test]
fn sigint_ends_every_process_the_run_started_and_exits_130() {
    let (code, m) = interrupted_run(rustix::process::Signal::INT, "sgint");
    assert_eq!(code, 130);
    assert_no_leftovers(&m);
}
