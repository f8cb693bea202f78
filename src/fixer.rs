//! `devdoctor fix`: run the checks, collect the fixes of those that warn or fail, order them
//! (install tools, configure, create environments, update them, lock, runtime), drop repeated
//! commands, then print them, write them as a POSIX sh script, or run them.
//!
//! Running is deliberately narrow: argv only (never a shell), only allowlisted package
//! managers, never anything that calls pip, a generous timeout per command, and afterwards
//! the affected checks are run again and reported before → after.

use crate::app;
use crate::cli::{Cli, FixArgs, Format};
use crate::config::Settings;
use crate::core::status::exit;
use crate::core::{Phase, Status};
use crate::exec::Cmd;
use crate::fix::quote_argv;
use crate::policy::no_pip::{argv_calls_pip, text_calls_pip};
use crate::report::Report;
use anyhow::Result;
use colored::Colorize;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// Programs `devdoctor fix` will run (matched on the file name of argv[0]).
pub const ALLOWED: &[&str] = &["micromamba", "mamba", "conda", "conda-lock"];

/// How long one command may take (creating an environment can download gigabytes).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What may happen to a command of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Allowlisted: `devdoctor fix --yes` runs it.
    Run(Vec<String>),
    /// Shown for a person to run (the program is not allowlisted).
    Manual(Vec<String>),
    /// Calls pip: never run, never put in a script as a command.
    Refused(Vec<String>),
}

/// One check's fix in the plan.
#[derive(Debug, Clone)]
pub struct Step {
    pub check_id: String,
    pub status: Status,
    pub summary: String,
    pub phase: Phase,
    pub why: String,
    pub actions: Vec<Action>,
    pub manual: Vec<String>,
    /// Commands dropped because an earlier step already runs them.
    pub duplicates: usize,
}

impl Step {
    pub fn runnable(&self) -> impl Iterator<Item = &Vec<String>> {
        self.actions.iter().filter_map(|a| match a {
            Action::Run(argv) => Some(argv),
            _ => None,
        })
    }
}

/// The ordered, de-duplicated repair plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Problems without a fix: (id, status, summary).
    pub unfixable: Vec<(String, Status, String)>,
}

impl Plan {
    pub fn command_count(&self) -> usize {
        self.steps.iter().map(|s| s.runnable().count()).sum()
    }
}

/// Whether `argv` may be run by `devdoctor fix`.
pub fn classify(argv: &[String]) -> Action {
    if argv_calls_pip(argv) {
        return Action::Refused(argv.to_vec());
    }
    let program = argv.first().map(String::as_str).unwrap_or("");
    let base = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    // A relative path (`./micromamba`, `tools/conda`) would run a file from the repository.
    let relative_path = program.contains('/') && !program.starts_with('/');
    // `micromamba run …` / `conda run …` runs another program: only an allowlisted one, by name.
    let runs_other_program = argv.get(1).is_some_and(|sub| sub == "run")
        && !run_target(&argv[2..]).is_some_and(|p| ALLOWED.contains(&p) && !p.contains('/'));
    if ALLOWED.contains(&base) && !relative_path && !runs_other_program {
        Action::Run(argv.to_vec())
    } else {
        Action::Manual(argv.to_vec())
    }
}

/// The program `<tool> run [OPTIONS] PROGRAM …` would start.
fn run_target(args: &[String]) -> Option<&str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-n" | "--name" | "-p" | "--prefix" | "--cwd" | "-e" | "--env" | "-r"
            | "--root-prefix" => {
                it.next();
            }
            "--" => return it.next().map(String::as_str),
            flag if flag.starts_with('-') => {}
            program => return Some(program),
        }
    }
    None
}

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

/// Builds the plan from a report: fixes of warn/fail checks, by phase then check order,
/// each command once.
pub fn plan(report: &Report) -> Plan {
    let mut entries: Vec<(usize, &crate::report::Entry)> = report
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.result.status, Status::Warn | Status::Fail))
        .filter(|(_, e)| e.result.fix.is_some())
        .collect();
    entries.sort_by_key(|(i, e)| (e.result.fix.as_ref().map(|f| f.phase), *i));
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut steps = Vec::new();
    for (_, e) in entries {
        let fix = e.result.fix.as_ref().expect("filtered on fix");
        let mut actions = Vec::new();
        let mut duplicates = 0;
        for argv in &fix.commands {
            if argv.is_empty() {
                continue;
            }
            if seen.contains(argv) {
                duplicates += 1;
                continue;
            }
            seen.push(argv.clone());
            actions.push(classify(argv));
        }
        steps.push(Step {
            check_id: e.meta.id.clone(),
            status: e.result.status,
            summary: e.result.summary.clone(),
            phase: fix.phase,
            why: fix.why.clone(),
            actions,
            manual: fix
                .manual
                .iter()
                .filter(|m| !text_calls_pip(m))
                .cloned()
                .collect(),
            duplicates,
        });
    }
    let unfixable = report
        .entries
        .iter()
        .filter(|e| e.result.status.is_problem() && e.result.fix.is_none())
        .map(|e| (e.meta.id.clone(), e.result.status, e.result.summary.clone()))
        .collect();
    Plan { steps, unfixable }
}

fn mark(status: Status) -> colored::ColoredString {
    crate::report::human::symbol(status)
}

/// The plan for a person.
pub fn render_plan(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to fix: no check that warns or fails has a fix."
        );
    }
    for (n, s) in plan.steps.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}. {} {} {}",
            n + 1,
            mark(s.status),
            s.check_id.bold(),
            s.summary
        );
        let _ = writeln!(out, "   {}", s.why);
        for a in &s.actions {
            let _ = match a {
                Action::Run(argv) => {
                    writeln!(out, "   {} {}", "$".dimmed(), quote_argv(argv).bold())
                }
                Action::Manual(argv) => writeln!(
                    out,
                    "   {} {}  {}",
                    "manual:".dimmed(),
                    quote_argv(argv),
                    "(not run by devdoctor)".dimmed()
                ),
                Action::Refused(argv) => writeln!(
                    out,
                    "   {} {}",
                    "refused (calls pip):".red(),
                    quote_argv(argv)
                ),
            };
        }
        for m in &s.manual {
            let _ = writeln!(out, "   {} {m}", "manual:".dimmed());
        }
        if s.duplicates > 0 {
            let _ = writeln!(
                out,
                "   {}",
                format!("({} command(s) already in an earlier step)", s.duplicates).dimmed()
            );
        }
    }
    if !plan.unfixable.is_empty() {
        let _ = writeln!(out, "\nNo automatic fix:");
        for (id, st, summary) in &plan.unfixable {
            let _ = writeln!(out, "  {} {} {summary}", mark(*st), id.bold());
        }
    }
    out
}

fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let clean: String = line
            .chars()
            .map(|c| {
                if c.is_control() || crate::policy::text::is_bidi_control(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let _ = writeln!(out, "# {clean}");
    }
}

/// The plan as a POSIX sh script: `set -eu`, every word quoted, manual steps as comments.
pub fn render_script(plan: &Plan, project_dir: &Path) -> String {
    let mut out = String::new();
    out.push_str("#!/bin/sh\n");
    comment(
        &mut out,
        &format!(
            "Repair plan written by `devdoctor fix --script` (devdoctor {}).\nReview it, then run it with: sh FILE",
            env!("CARGO_PKG_VERSION")
        ),
    );
    out.push_str("set -eu\n");
    let dir = project_dir.to_string_lossy().into_owned();
    let _ = writeln!(out, "{}", quote_argv(&["cd".to_string(), dir]));
    out.push_str(
        "MAMBA_ALWAYS_YES=true\nCONDA_ALWAYS_YES=true\nexport MAMBA_ALWAYS_YES CONDA_ALWAYS_YES\n",
    );
    if plan.steps.is_empty() {
        comment(&mut out, "Nothing to fix.");
    }
    for (n, s) in plan.steps.iter().enumerate() {
        out.push('\n');
        comment(
            &mut out,
            &format!("{}. {} ({}): {}", n + 1, s.check_id, s.status, s.summary),
        );
        comment(&mut out, &s.why);
        for a in &s.actions {
            match a {
                Action::Run(argv) => {
                    let _ = writeln!(out, "{}", quote_argv(argv));
                }
                Action::Manual(argv) => comment(&mut out, &format!("manual: {}", quote_argv(argv))),
                Action::Refused(argv) => comment(
                    &mut out,
                    &format!("refused, calls pip: {}", quote_argv(argv)),
                ),
            }
        }
        for m in &s.manual {
            comment(&mut out, &format!("manual: {m}"));
        }
    }
    out
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

fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_lowercase().as_str(), "y" | "yes")
}

fn json_plan(plan: &Plan) -> serde_json::Value {
    let steps: Vec<_> = plan
        .steps
        .iter()
        .map(|s| {
            let run: Vec<_> = s.runnable().collect();
            let manual: Vec<_> = s
                .actions
                .iter()
                .filter_map(|a| match a {
                    Action::Manual(v) => Some(v),
                    _ => None,
                })
                .collect();
            let refused: Vec<_> = s
                .actions
                .iter()
                .filter_map(|a| match a {
                    Action::Refused(v) => Some(v),
                    _ => None,
                })
                .collect();
            serde_json::json!({
                "check": s.check_id, "status": s.status, "phase": s.phase, "why": s.why,
                "commands": run, "manual_commands": manual, "refused": refused, "manual": s.manual,
            })
        })
        .collect();
    let unfixable: Vec<_> = plan
        .unfixable
        .iter()
        .map(|(id, st, summary)| serde_json::json!({"check": id, "status": st, "summary": summary}))
        .collect();
    serde_json::json!({"steps": steps, "unfixable": unfixable})
}

fn write_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// `devdoctor fix [ID|GLOB…]`.
pub fn cmd_fix(cli: &Cli, settings: Settings, args: &FixArgs) -> Result<i32> {
    let g = &cli.global;
    let json = app::format_of(g) == Format::Json;
    let all =
        crate::registry::load(&settings).map_err(|e| anyhow::Error::new(app::UsageError(e)))?;
    let mut skip = settings.skip.clone();
    skip.extend(g.skip.iter().cloned());
    let selected =
        app::select(all, &args.ids, &skip).map_err(|e| anyhow::Error::new(app::UsageError(e)))?;
    let project_dir = settings.project_dir.clone();
    let show_progress = !json && !args.script && g.quiet == 0 && std::io::stderr().is_terminal();
    let report = app::run_checks(settings.clone(), selected, g.jobs, false, show_progress);
    let plan = plan(&report);

    if args.script {
        write_out(&crate::core::redact::text(&render_script(
            &plan,
            &project_dir,
        )))?;
        return Ok(exit::HEALTHY);
    }
    let commands = plan.command_count();
    let interactive =
        commands > 0 && !args.dry_run && !args.yes && !json && std::io::stdin().is_terminal();
    if !json {
        write_out(&render_plan(&plan))?;
    }
    let will_run = commands > 0
        && !args.dry_run
        && (args.yes
            || (interactive
                && ask(&if commands == 1 {
                    "\nRun this command?".to_string()
                } else {
                    format!("\nRun these {commands} commands?")
                })));
    if !will_run {
        // Nothing to run is only a success when nothing is broken: steps left for a person
        // (manual edits, unknown checks) mean the machine is not repaired.
        let broken = report
            .entries
            .iter()
            .any(|e| matches!(e.result.status, Status::Fail | Status::Unknown));
        let code = if args.dry_run || (commands == 0 && !broken) {
            exit::HEALTHY
        } else {
            exit::FAILED
        };
        if json {
            let mut v = json_plan(&plan);
            v["schema_version"] = crate::report::SCHEMA_VERSION.into();
            v["ran"] = serde_json::json!([]);
            v["exit_code"] = code.into();
            write_out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        } else if commands == 0 {
        } else if args.dry_run {
            write_out("\ndry run: nothing was run.\n")?;
        } else if interactive {
            write_out("Nothing was run.\n")?;
        } else {
            write_out("\nNot run: no terminal to confirm on. Run `devdoctor fix --yes` to apply these commands, or `devdoctor fix --script > fix.sh` to review them first.\n")?;
        }
        return Ok(code);
    }

    let mut log: Vec<u8> = Vec::new();
    let (ran, affected) = if json {
        execute(&plan, &project_dir, &mut log)
    } else {
        write_out("\n")?;
        let mut stdout = std::io::stdout();
        execute(&plan, &project_dir, &mut stdout)
    };
    let all_ok = ran.iter().all(|r| r.ok);
    let skipped_manual = plan
        .steps
        .iter()
        .filter(|s| affected.contains(&s.check_id))
        .any(|s| s.actions.iter().any(|a| !matches!(a, Action::Run(_))));

    // Re-run the affected checks with fresh probes.
    let again = crate::registry::load(&settings)
        .map(|all| {
            all.into_iter()
                .filter(|c| affected.contains(&c.meta().id))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let after = app::run_checks(settings, again, g.jobs, false, false);
    let mut recheck = Vec::new();
    let mut text = String::from("\nRe-check:\n");
    let mut all_repaired = true;
    for e in &after.entries {
        let before = report
            .entries
            .iter()
            .find(|b| b.meta.id == e.meta.id)
            .map(|b| b.result.status)
            .unwrap_or(Status::Unknown);
        let ok = repaired(before, e.result.status);
        all_repaired &= ok;
        let _ = writeln!(
            text,
            "  {} {:<14} {} → {}  {}",
            mark(e.result.status),
            e.meta.id,
            before,
            e.result.status,
            e.result.summary
        );
        recheck.push(serde_json::json!({"check": e.meta.id, "before": before, "after": e.result.status, "summary": e.result.summary}));
    }
    let code = if all_ok && all_repaired && !skipped_manual {
        exit::HEALTHY
    } else {
        exit::FAILED
    };
    if json {
        let mut v = json_plan(&plan);
        v["schema_version"] = crate::report::SCHEMA_VERSION.into();
        v["ran"] = ran
            .iter()
            .map(|r| serde_json::json!({"argv": r.argv, "ok": r.ok, "result": r.how}))
            .collect();
        v["recheck"] = recheck.into();
        v["exit_code"] = code.into();
        write_out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
    } else {
        if !all_ok {
            text.push_str("\nA command failed; the commands after it were not run.\n");
        } else if skipped_manual {
            text.push_str("\nSome steps need a person (shown as manual above).\n");
        }
        write_out(&text)?;
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CheckMeta, CheckResult, Fix, Origin};
    use crate::report::Entry;

    fn entry(id: &str, status: Status, fix: Option<Fix>) -> Entry {
        let mut r = CheckResult::new(status, format!("{id} summary"));
        r.fix = fix;
        Entry {
            meta: CheckMeta {
                id: id.into(),
                category: "t".into(),
                title: id.into(),
                can_fix: true,
                explain: String::new(),
                origin: Origin::Builtin,
            },
            result: r,
            duration: Duration::ZERO,
        }
    }

    fn report(entries: Vec<Entry>) -> Report {
        Report::new(
            entries,
            std::time::SystemTime::now(),
            Duration::ZERO,
            false,
            None,
        )
    }

    #[test]
    fn plan_orders_by_phase_then_check_and_dedups() {
        let r = report(vec![
            entry(
                "env.lock",
                Status::Warn,
                Some(
                    Fix::new("lock")
                        .phase(Phase::Lock)
                        .cmd(["conda-lock", "lock"]),
                ),
            ),
            entry(
                "env.python",
                Status::Fail,
                Some(Fix::new("py").phase(Phase::UpdateEnv).cmd([
                    "micromamba",
                    "install",
                    "python=3.11",
                ])),
            ),
            entry(
                "env.exists",
                Status::Fail,
                Some(Fix::new("create").phase(Phase::CreateEnv).cmd([
                    "micromamba",
                    "create",
                    "-f",
                    "e.yml",
                ])),
            ),
            entry(
                "mamba.installed",
                Status::Fail,
                Some(
                    Fix::new("tool")
                        .phase(Phase::InstallTool)
                        .cmd(["brew", "install", "micromamba"])
                        .manual("curl …"),
                ),
            ),
            entry(
                "env.pip",
                Status::Fail,
                Some(
                    Fix::new("rebuild")
                        .phase(Phase::CreateEnv)
                        .cmd(["micromamba", "create", "-f", "e.yml"])
                        .cmd(["pip", "uninstall", "x"]),
                ),
            ),
            entry(
                "env.ok",
                Status::Ok,
                Some(Fix::new("never").cmd(["micromamba", "x"])),
            ),
            entry("env.unknown", Status::Unknown, None),
        ]);
        let p = plan(&r);
        let ids: Vec<_> = p.steps.iter().map(|s| s.check_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "mamba.installed",
                "env.exists",
                "env.pip",
                "env.python",
                "env.lock"
            ]
        );
        assert!(matches!(p.steps[0].actions[0], Action::Manual(_)));
        assert_eq!(p.steps[2].duplicates, 1);
        assert!(matches!(p.steps[2].actions[0], Action::Refused(_)));
        assert_eq!(p.command_count(), 3);
        assert_eq!(p.unfixable.len(), 1);
    }

    #[test]
    fn allowlist_matches_the_basename() {
        let a = |v: &[&str]| classify(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(matches!(
            a(&["/opt/bin/micromamba", "create"]),
            Action::Run(_)
        ));
        assert!(matches!(a(&["conda-lock", "lock"]), Action::Run(_)));
        assert!(matches!(a(&["micromamba-evil", "x"]), Action::Manual(_)));
        assert!(matches!(a(&["./micromamba", "install"]), Action::Manual(_)));
        assert!(matches!(a(&["tools/conda", "install"]), Action::Manual(_)));
        assert!(matches!(
            a(&["micromamba", "run", "-n", "base", "bash", "-c", "id"]),
            Action::Manual(_)
        ));
        assert!(matches!(
            a(&["micromamba", "run", "-n", "x", "--", "./conda-lock"]),
            Action::Manual(_)
        ));
        assert!(matches!(
            a(&[
                "micromamba",
                "run",
                "-n",
                "conda-lock",
                "conda-lock",
                "lock"
            ]),
            Action::Run(_)
        ));
        assert!(matches!(
            a(&["sh", "-c", "micromamba create"]),
            Action::Manual(_)
        ));
        assert!(matches!(
            a(&["python", "-m", "pip", "install", "x"]),
            Action::Refused(_)
        ));
    }

    #[test]
    fn script_is_valid_posix_sh() {
        let r = report(vec![entry(
            "env.exists",
            Status::Fail,
            Some(
                Fix::new("Create it; it's `needed`\nsecond line $(reboot)")
                    .phase(Phase::CreateEnv)
                    .cmd([
                        "micromamba",
                        "create",
                        "-y",
                        "-n",
                        "it's $(x)",
                        "-f",
                        "env file.yml",
                    ])
                    .cmd(["brew", "install", "micromamba"])
                    .manual("edit `x`; rm -rf ~\n and more"),
            ),
        )]);
        let s = render_script(&plan(&r), Path::new("/tmp/my project"));
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains("\nset -eu\n"));
        let line = s
            .lines()
            .find(|l| l.starts_with("micromamba create"))
            .unwrap();
        assert_eq!(
            shlex::split(line).unwrap(),
            [
                "micromamba",
                "create",
                "-y",
                "-n",
                "it's $(x)",
                "-f",
                "env file.yml"
            ]
        );
        assert!(s.contains("# manual: brew install micromamba"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fix.sh");
        std::fs::write(&path, &s).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-n")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn repaired_means_better() {
        assert!(repaired(Status::Fail, Status::Ok));
        assert!(repaired(Status::Fail, Status::Warn));
        assert!(!repaired(Status::Warn, Status::Warn));
        assert!(!repaired(Status::Fail, Status::Unknown));
    }
}
