//! `devdoctor fix [ID|GLOB…]`: run the checks, build the plan, then print it, write it as a
//! script, or run it and re-check. Policy lives in `plan`, running in `fixer`; this module
//! only decides the mode and renders.

use super::Sink;
use crate::cli::{FixArgs, Format};
use crate::core::status::exit;
use crate::core::Diagnostic;
use crate::core::Status;
use crate::fixer::{execute, repaired, Executed};
use crate::invocation::Invocation;
use crate::plan::{plan, render_plan, render_script, Action, Plan, PlanOptions};
use crate::report::Report;
use anyhow::Result;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};

fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_lowercase().as_str(), "y" | "yes")
}

fn mark(status: Status) -> colored::ColoredString {
    crate::report::human::symbol(status)
}

pub(crate) fn run(inv: Invocation, args: &FixArgs) -> Result<i32> {
    let json = inv.format == Format::Json;
    if args.script && inv.format != Format::Human {
        return Err(
            Diagnostic::usage("`fix --script` prints a shell script, not a report format")
                .hint("drop --format/--json, or use `fix --dry-run --json` for the plan as JSON")
                .into(),
        );
    }
    super::only_human_or_json(&inv, "fix")?;
    let mut sink = Sink::new(&inv)?;
    inv.say_trust();
    let all = inv.load()?;
    let selected = inv.select(all, &args.ids)?;
    let show_progress = !json && !args.script && inv.quiet == 0 && std::io::stderr().is_terminal();
    let report = crate::engine::run(
        inv.settings.clone(),
        selected,
        inv.jobs,
        inv.strict,
        show_progress,
    );
    let plan = plan(
        &report,
        &PlanOptions::new(&inv.settings, args.allow_destructive),
    );

    if args.script {
        sink.write(&crate::policy::redact::text(&render_script(
            &plan,
            &inv.settings.project_dir,
        )))?;
        sink.finish()?;
        return Ok(exit::HEALTHY);
    }
    let commands = plan.command_count();
    let interactive = commands > 0
        && !args.dry_run
        && !args.yes
        && !json
        && !sink.to_file()
        && std::io::stdin().is_terminal();
    if !json {
        sink.write(&render_plan(&plan))?;
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
    let code = if will_run {
        apply(&inv, &report, &plan, &mut sink)?
    } else {
        not_run(&report, &plan, args, &inv, interactive, &mut sink)?
    };
    sink.finish()?;
    Ok(code)
}

/// The plan was shown but nothing runs (dry run, no terminal, declined, nothing to run).
fn not_run(
    report: &Report,
    plan: &Plan,
    args: &FixArgs,
    inv: &Invocation,
    interactive: bool,
    sink: &mut Sink,
) -> Result<i32> {
    let commands = plan.command_count();
    // Nothing to run is only a success when nothing is broken: steps left for a person
    // (manual edits, unknown checks; with --strict warnings too) mean it is not repaired.
    let broken = report.entries.iter().any(|e| {
        matches!(e.result.status, Status::Fail | Status::Unknown)
            || (inv.strict && e.result.status == Status::Warn)
    });
    let code = if args.dry_run || (commands == 0 && !broken) {
        exit::HEALTHY
    } else {
        exit::FAILED
    };
    if inv.format == Format::Json {
        let doc = FixDoc {
            plan: crate::plan::plan_doc(plan),
            ran: Vec::new(),
            done: None,
            exit_code: code,
        };
        sink.write(&doc.render()?)?;
    } else if commands == 0 {
        // Every step is for a person (or there is none, which the plan already said).
        if !plan.steps.is_empty() {
            sink.write("\nNothing to run: each step above is for you to do. Run `devdoctor` again once they are done.\n")?;
        }
    } else if args.dry_run {
        sink.write("\ndry run: nothing was run.\n")?;
    } else if interactive {
        sink.write("Nothing was run.\n")?;
    } else {
        sink.write("\nNot run: no terminal to confirm on. Run `devdoctor fix --yes` to apply these commands, or `devdoctor fix --script > fix.sh` to review them first.\n")?;
    }
    Ok(code)
}

/// Runs the plan, re-checks the affected checks and reports before → after.
fn apply(inv: &Invocation, report: &Report, plan: &Plan, sink: &mut Sink) -> Result<i32> {
    let json = inv.format == Format::Json;
    let project_dir = &inv.settings.project_dir;
    let mut log: Vec<u8> = Vec::new();
    let done = if json || sink.to_file() {
        if !json {
            log.push(b'\n');
        }
        let done = execute(plan, project_dir, &mut log);
        if !json {
            sink.write(&String::from_utf8_lossy(&log))?;
        }
        done
    } else {
        sink.write("\n")?;
        let mut stdout = std::io::stdout();
        execute(plan, project_dir, &mut stdout)
    };
    let all_ok = done.ran.iter().all(|r| r.ok) && done.stopped.is_none();
    let skipped_manual = plan
        .steps
        .iter()
        .filter(|s| done.affected.contains(&s.check_id))
        .any(|s| {
            s.actions
                .iter()
                .any(|a| !matches!(a, Action::Run(_) | Action::Export(..) | Action::Write(..)))
        });
    let (text, recheck, all_repaired) = recheck(inv, report, &done.affected);
    let code = if all_ok && all_repaired && !skipped_manual {
        exit::HEALTHY
    } else {
        exit::FAILED
    };
    if json {
        sink.write(&json_result(plan, &done, recheck, code)?)?;
    } else {
        let mut text = text;
        for to in &done.exports {
            let _ = writeln!(
                text,
                "\nThe environment's spec was saved to {}",
                to.display()
            );
        }
        if let Some(stop) = &done.stopped {
            let _ = writeln!(text, "\n{stop}");
        } else if !all_ok {
            text.push_str("\nA command failed; the commands after it were not run.\n");
        } else if skipped_manual {
            text.push_str("\nSome steps need a person (shown as manual above).\n");
        }
        sink.write(&text)?;
    }
    Ok(code)
}

/// Re-runs the affected checks with fresh probes: (text, JSON rows, all repaired).
fn recheck(
    inv: &Invocation,
    report: &Report,
    affected: &[String],
) -> (String, Vec<RecheckDoc>, bool) {
    let again = crate::registry::load(&inv.settings)
        .map(|all| {
            all.into_iter()
                .filter(|c| affected.contains(&c.meta().id))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let after = crate::engine::run(inv.settings.clone(), again, inv.jobs, false, false);
    let mut rows = Vec::new();
    let mut text = String::from("\nRe-check:\n");
    let mut all_repaired = true;
    for e in &after.entries {
        let before = report
            .entries
            .iter()
            .find(|b| b.meta.id == e.meta.id)
            .map(|b| b.result.status)
            .unwrap_or(Status::Unknown);
        all_repaired &=
            repaired(before, e.result.status) && !(inv.strict && e.result.status == Status::Warn);
        let _ = writeln!(
            text,
            "  {} {:<14} {} → {}  {}",
            mark(e.result.status),
            e.meta.id,
            before,
            e.result.status,
            e.result.summary
        );
        rows.push(RecheckDoc {
            check: e.meta.id.clone(),
            before,
            after: e.result.status,
            summary: e.result.summary.clone(),
        });
    }
    (text, rows, all_repaired)
}

fn json_result(
    plan: &Plan,
    done: &Executed,
    recheck: Vec<RecheckDoc>,
    code: i32,
) -> Result<String> {
    FixDoc {
        plan: crate::plan::plan_doc(plan),
        ran: done
            .ran
            .iter()
            .map(|r| RanDoc {
                argv: r.argv.clone(),
                ok: r.ok,
                result: r.how.clone(),
            })
            .collect(),
        done: Some(DoneDoc {
            stopped: done.stopped.clone(),
            exported: done
                .exports
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            recheck,
        }),
        exit_code: code,
    }
    .render()
}

/// `fix --json`: the plan, what ran (nothing for `--dry-run` or without `--yes`) and, after
/// a run, where it stopped and the re-check. Written through `serde_json::Value`, so the keys
/// come out sorted like every JSON document devdoctor prints.
#[derive(Serialize)]
struct FixDoc {
    #[serde(flatten)]
    plan: crate::plan::PlanDoc,
    ran: Vec<RanDoc>,
    #[serde(flatten)]
    done: Option<DoneDoc>,
    exit_code: i32,
}

impl FixDoc {
    fn render(&self) -> Result<String> {
        Ok(format!(
            "{}\n",
            serde_json::to_string_pretty(&serde_json::to_value(self)?)?
        ))
    }
}

/// One command `fix --yes` ran.
#[derive(Serialize)]
struct RanDoc {
    argv: Vec<String>,
    ok: bool,
    /// How it ended, as printed.
    result: String,
}

/// What a run of the plan left.
#[derive(Serialize)]
struct DoneDoc {
    /// The step that stopped the run because a person must act first.
    stopped: Option<String>,
    /// Environment specs exported before an environment was removed.
    exported: Vec<String>,
    recheck: Vec<RecheckDoc>,
}

/// A check run again after its fix: its status before and after.
#[derive(Serialize)]
struct RecheckDoc {
    check: String,
    before: Status,
    after: Status,
    summary: String,
}
