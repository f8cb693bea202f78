//! Runs a plan's commands: argv only (never a shell), only allowlisted package managers
//! found outside the project, a generous timeout per command, stopping at the first failure.

use crate::core::Status;
use crate::exec::Cmd;
use crate::fix::quote_argv;
use crate::plan::{Plan, COMMAND_TIMEOUT};
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
            anyhow::anyhow!("`{program}` not found on PATH ({e})\nhint: install it first, or run the step by hand")
        })?
    };
    let real = found
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot resolve {}: {e}", found.display()))?;
    let project = project_dir
        .canonicalize()
        .unwrap_or_else(|_| project_dir.to_path_buf());
    if real.starts_with(&project) {
        anyhow::bail!(
            "refused to run {}: it is inside the project folder\nhint: devdoctor fix only runs package managers installed on this machine; run the step by hand if you trust it",
            real.display()
        );
    }
    Ok(found)
}

/// How one command ended.
#[derive(Debug, Clone)]
pub struct Ran {
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
fn run_one(argv: &[String], project_dir: &Path, out: &mut dyn Write) -> Ran {
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
        Ok(o) if o.success() => {
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

/// Runs the plan's commands in order; stops at the first failure. Returns what ran and the
/// ids of the checks whose commands ran.
pub fn execute(plan: &Plan, project_dir: &Path, out: &mut dyn Write) -> (Vec<Ran>, Vec<String>) {
    let mut ran = Vec::new();
    let mut affected = Vec::new();
    let mut failed = false;
    for s in &plan.steps {
        for argv in s.runnable() {
            if failed {
                let _ = writeln!(out, "{} {}", "not run:".dimmed(), quote_argv(argv));
                continue;
            }
            let _ = writeln!(out, "{} {}", "$".dimmed(), quote_argv(argv).bold());
            let r = run_one(argv, project_dir, out);
            failed = !r.ok;
            if !affected.contains(&s.check_id) {
                affected.push(s.check_id.clone());
            }
            ran.push(r);
        }
    }
    (ran, affected)
}

/// Whether a re-checked status counts as repaired.
pub fn repaired(before: Status, after: Status) -> bool {
    matches!(after, Status::Ok | Status::Skip) || (before == Status::Fail && after == Status::Warn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repaired_means_better() {
        assert!(repaired(Status::Fail, Status::Ok));
        assert!(repaired(Status::Fail, Status::Warn));
        assert!(!repaired(Status::Warn, Status::Warn));
        assert!(!repaired(Status::Fail, Status::Unknown));
    }
}
