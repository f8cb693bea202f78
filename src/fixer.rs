//! Runs a plan's commands: argv only (never a shell), only allowlisted package managers
//! found outside the project, a generous timeout per command, stopping at the first failure.

use crate::core::Diagnostic;
use crate::core::Status;
use crate::exec::Cmd;
use crate::fix::quote_argv;
use crate::plan::{Action, Plan, COMMAND_TIMEOUT};
use colored::Colorize;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

pub use crate::plan::ALLOWED;

/// The executable `program` resolves to, refused when it lives inside the project (a file
/// shipped in a repository must never be run by `fix --yes`, whatever its name).
fn trusted_program(program: &str, project_dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let found = if program.contains('/') {
        std::path::PathBuf::from(program)
    } else {
        which::which(program).map_err(|e| {
            anyhow::Error::from(
                Diagnostic::failed(format!("`{program}` not found on PATH ({e})"))
                    .hint("install it first, or run the step by hand"),
            )
        })?
    };
    found
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot resolve {}: {e}", found.display()))?;
    if let Some(real) = crate::plan::inside_project(program, project_dir) {
        return Err(Diagnostic::failed(format!("refused to run {}: it is inside the project folder", real.display())).hint("devdoctor fix only runs package managers installed on this machine; run the step by hand if you trust it").into());
    }
    Ok(found)
}

/// How one command ended.
#[derive(Debug, Clone)]
pub(crate) struct Ran {
    pub argv: Vec<String>,
    pub ok: bool,
    pub how: String,
}

fn tail(text: &str, lines: usize) -> Vec<String> {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

/// Runs one allowlisted command in the project dir, with a spinner on a terminal.
/// Writes an export's output to `to` (its folder created, mode 0600: specs may name
/// private channels).
fn save(to: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn run_one(
    argv: &[String],
    project_dir: &Path,
    save_to: Option<&Path>,
    out: &mut dyn Write,
) -> Ran {
    let program = match trusted_program(&argv[0], project_dir) {
        Ok(p) => p,
        Err(e) => {
            let how = format!("{e:#}");
            let _ = writeln!(out, "  {} {how}", "failed:".red().bold());
            return Ran {
                argv: argv.to_vec(),
                ok: false,
                how,
            };
        }
    };
    let cmd = Cmd::new(&program)
        .args(&argv[1..])
        .cwd(project_dir)
        .timeout(COMMAND_TIMEOUT)
        .env("MAMBA_ALWAYS_YES", "true")
        .env("CONDA_ALWAYS_YES", "true");
    let started = Instant::now();
    let spinner = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(quote_argv(argv));
        bar.enable_steady_tick(Duration::from_millis(100));
        bar
    });
    let result = cmd.run();
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let secs = started.elapsed().as_secs_f64();
    match result {
        Ok(o) if o.success() && (o.truncated || o.stdout.is_empty()) && save_to.is_some() => {
            let how =
                "the export printed nothing or was cut short; nothing was removed".to_string();
            let _ = writeln!(out, "  {} {how}", "failed:".red().bold());
            Ran {
                argv: argv.to_vec(),
                ok: false,
                how,
            }
        }
        Ok(o) if o.success() => {
            if let Some(to) = save_to {
                if let Err(e) = save(to, &o.stdout) {
                    let how = format!("cannot write {}: {e}", to.display());
                    let _ = writeln!(out, "  {} {how}", "failed:".red().bold());
                    return Ran {
                        argv: argv.to_vec(),
                        ok: false,
                        how,
                    };
                }
                let _ = writeln!(out, "  exported the environment's spec to {}", to.display());
            }
            let _ = writeln!(out, "  {} ({secs:.1} s)", "done".green());
            Ran {
                argv: argv.to_vec(),
                ok: true,
                how: format!("ok in {secs:.1} s"),
            }
        }
        Ok(o) => {
            let how = o.describe_end();
            let _ = writeln!(out, "  {} {how} ({secs:.1} s)", "failed:".red().bold());
            let mut shown = tail(&o.stderr_text(), 15);
            if shown.is_empty() {
                shown = tail(&o.stdout_text(), 15);
            }
            for l in shown {
                let _ = writeln!(out, "    {}", l.dimmed());
            }
            Ran {
                argv: argv.to_vec(),
                ok: false,
                how,
            }
        }
        Err(e) => {
            let how = format!("{e:#}");
            let _ = writeln!(out, "  {} {how}", "failed:".red().bold());
            Ran {
                argv: argv.to_vec(),
                ok: false,
                how,
            }
        }
    }
}

/// What `execute` did.
#[derive(Debug, Default)]
pub(crate) struct Executed {
    pub ran: Vec<Ran>,
    /// Ids of the checks whose commands ran.
    pub affected: Vec<String>,
    /// The step that stopped the run because a person must act first: its message.
    pub stopped: Option<String>,
    /// Specs exported before an environment was removed.
    pub exports: Vec<std::path::PathBuf>,
}

/// Runs the plan's commands (and exports) in order; stops at the first failure and at the
/// first step whose manual precondition a person must do first.
pub(crate) fn execute(plan: &Plan, project_dir: &Path, out: &mut dyn Write) -> Executed {
    let mut done = Executed::default();
    let mut failed = false;
    for (n, s) in plan.steps.iter().enumerate() {
        if !failed && s.blocked() {
            let msg = format!(
                "stopped at step {} ({}): a person must do this first: {}\nthen run `devdoctor fix --yes` again",
                n + 1,
                s.check_id,
                s.preconditions.join("; ")
            );
            let _ = writeln!(out, "{} {msg}", "stop:".yellow().bold());
            done.stopped = Some(msg);
            failed = true;
        }
        for a in &s.actions {
            let (argv, save_to) = match a {
                Action::Run(argv) => (argv, None),
                Action::Export(argv, to) => (argv, Some(to.as_path())),
                Action::Write(path, content) => {
                    let shown = vec!["write".to_string(), path.to_string_lossy().into_owned()];
                    if failed {
                        let _ = writeln!(out, "{} {}", "not run:".dimmed(), quote_argv(&shown));
                        continue;
                    }
                    let _ = writeln!(out, "{} {}", "$".dimmed(), quote_argv(&shown).bold());
                    let r = write_new(project_dir, path, content, shown, out);
                    failed = !r.ok;
                    done.note(s, r);
                    continue;
                }
                _ => continue,
            };
            if failed {
                let _ = writeln!(out, "{} {}", "not run:".dimmed(), quote_argv(argv));
                continue;
            }
            let _ = writeln!(out, "{} {}", "$".dimmed(), quote_argv(argv).bold());
            let r = run_one(argv, project_dir, save_to, out);
            failed = !r.ok;
            if r.ok {
                if let Some(to) = save_to {
                    done.exports.push(to.to_path_buf());
                }
            }
            done.note(s, r);
        }
    }
    done
}

impl Executed {
    /// Records what one action of step `s` did.
    fn note(&mut self, s: &crate::plan::Step, r: Ran) {
        for id in std::iter::once(&s.check_id).chain(&s.also) {
            if !self.affected.contains(id) {
                self.affected.push(id.clone());
            }
        }
        self.ran.push(r);
    }
}

/// Creates the new file `path` of the project with `content`: never over a file (or a link)
/// that is there, and never through a folder that leads out of the project.
fn write_new(
    project_dir: &Path,
    path: &Path,
    content: &str,
    argv: Vec<String>,
    out: &mut dyn Write,
) -> Ran {
    let to = project_dir.join(path);
    let inside = match (
        to.parent().map(std::fs::canonicalize),
        project_dir.canonicalize(),
    ) {
        (Some(Ok(parent)), Ok(root)) => parent.starts_with(root),
        _ => false,
    };
    let result = if inside {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&to)
            .and_then(|mut f| f.write_all(content.as_bytes()))
            .map_err(|e| format!("cannot create {}: {e}", path.display()))
    } else {
        Err(format!(
            "{} is not inside the project folder",
            path.display()
        ))
    };
    let (ok, how) = match result {
        Ok(()) => {
            let _ = writeln!(out, "  {}", "done".green());
            (true, String::new())
        }
        Err(how) => {
            let _ = writeln!(out, "  {} {how}", "failed:".red().bold());
            (false, how)
        }
    };
    Ran { argv, ok, how }
}

/// Whether a re-checked status counts as repaired.
pub(crate) fn repaired(before: Status, after: Status) -> bool {
    matches!(after, Status::Ok | Status::Skip) || (before == Status::Fail && after == Status::Warn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new file is created, never written over one that is there (a file, or a link to
    /// one that is not), and never through a folder that leads out of the project.
    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        std::fs::create_dir(&project).unwrap();
        let mut out = Vec::new();
        let write = |path: &str, out: &mut Vec<u8>| {
            write_new(&project, Path::new(path), "new\n", vec![], out)
        };
        assert!(write("environment.yml", &mut out).ok);
        assert_eq!(
            std::fs::read_to_string(project.join("environment.yml")).unwrap(),
            "new\n"
        );
        std::fs::write(project.join("environment.yml"), "mine\n").unwrap();
        assert!(!write("environment.yml", &mut out).ok);
        assert_eq!(
            std::fs::read_to_string(project.join("environment.yml")).unwrap(),
            "mine\n"
        );
        std::os::unix::fs::symlink(dir.path().join("outside.yml"), project.join("link.yml"))
            .unwrap();
        assert!(!write("link.yml", &mut out).ok);
        assert!(!dir.path().join("outside.yml").exists());
        std::os::unix::fs::symlink(dir.path(), project.join("up")).unwrap();
        let r = write("up/escaped.yml", &mut out);
        assert!(
            !r.ok && r.how.contains("not inside the project"),
            "{}",
            r.how
        );
        assert!(!dir.path().join("escaped.yml").exists());
    }

    #[test]
    fn repaired_means_better() {
        assert!(repaired(Status::Fail, Status::Ok));
        assert!(repaired(Status::Fail, Status::Warn));
        assert!(!repaired(Status::Warn, Status::Warn));
        assert!(!repaired(Status::Fail, Status::Unknown));
    }
}
