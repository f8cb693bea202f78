//! `devdoctor [check] [ID|GLOB…]`: run the selected checks and render the report.

use super::write_stdout;
use crate::cli::{ColorChoice, Format};
use crate::core::status::exit;
use crate::invocation::{usage, Invocation};
use crate::report::{self, HumanOptions};
use anyhow::Result;
use std::io::IsTerminal;

pub(crate) fn run(inv: Invocation, ids: &[String]) -> Result<i32> {
    let format = inv.format;
    inv.say_trust();
    let all = inv.load()?;
    let selected = inv.select(all, ids);
    // A file is checked before the run so a typo fails fast.
    let output = match inv.output.as_deref() {
        Some(p) => usage(report::output::prepare(p)).map(Some),
        None => Ok(None),
    };
    let (selected, output) = match (selected, output) {
        (Ok(s), Ok(o)) => (s, o),
        (Err(e), _) | (_, Err(e)) => return nagios_unknown(format, e),
    };
    if output.is_some() && inv.color != ColorChoice::Always {
        colored::control::set_override(false);
    }
    let show_progress =
        format == Format::Human && inv.quiet == 0 && std::io::stderr().is_terminal();
    let project_dir = inv.settings.project_dir.clone();
    let mut report = crate::engine::run(
        inv.settings.clone(),
        selected,
        inv.jobs,
        inv.strict,
        show_progress,
    );
    // A check named on the command line that skipped was not checked: say so in the exit code.
    if report.exit_code == exit::HEALTHY
        && report
            .entries
            .iter()
            .any(|e| e.result.status == crate::core::Status::Skip && ids.contains(&e.meta.id))
    {
        report.exit_code = exit::UNKNOWN;
    }
    let opts = report::RenderOptions {
        human: HumanOptions {
            quiet: inv.quiet,
            verbose: inv.verbose,
        },
        project_dir: Some(project_dir),
    };
    let text = if format == Format::Json {
        // The same plan `fix --dry-run --json` prints, so the two never disagree.
        let plan = crate::plan::plan(
            &report,
            &crate::plan::PlanOptions::new(&inv.settings, false),
        );
        let mut v = report::json::to_value(&report);
        v["plan"] = serde_json::to_value(crate::plan::step_docs(&plan))?;
        format!("{}\n", serde_json::to_string_pretty(&v)?)
    } else if format == Format::Human && inv.verbose == 0 {
        // The short report ends with the plan; `-v` keeps the full listing below.
        let plan = crate::plan::plan(
            &report,
            &crate::plan::PlanOptions::new(&inv.settings, false),
        );
        let next_steps = crate::plan::render_next_steps(&plan);
        let steps: Vec<Vec<String>> = plan
            .steps
            .iter()
            .map(|s| {
                std::iter::once(&s.check_id)
                    .chain(&s.also)
                    .cloned()
                    .collect()
            })
            .collect();
        report::short::render(
            &report,
            &report::short::ShortOptions {
                quiet: inv.quiet,
                width: report::short::terminal_width(),
                next_steps: &next_steps,
                steps: &steps,
                moot: &plan.moot,
                project_dir: opts.project_dir.as_deref(),
            },
        )
    } else {
        report::render(&report, format, &opts)
    };
    match output {
        Some(path) => {
            if let Err(e) = report::output::write_atomic(&path, &text) {
                return nagios_unknown(format, e);
            }
            if inv.quiet < 2 {
                eprintln!("{}", report::output::note(&report, format, &path));
            }
        }
        None => write_stdout(&text)?,
    }
    Ok(report::exit_code(&report, format))
}

/// A monitoring system reads exit 2 as CRITICAL, so with `--format nagios` a selection or
/// `--output` error becomes `DEVDOCTOR UNKNOWN - …` and exit 3 (the plugin guidelines' state
/// for "could not check"). Other formats pass the error on (exit 2 or 3 as usual).
fn nagios_unknown(format: Format, e: anyhow::Error) -> Result<i32> {
    if format != Format::Nagios {
        return Err(e);
    }
    let msg = crate::policy::redact::text(&format!("{e:#}")).into_owned();
    let first = msg.lines().next().unwrap_or("error").replace('|', "/");
    write_stdout(&format!("DEVDOCTOR UNKNOWN - {first}\n"))?;
    eprintln!("error: {msg}");
    Ok(exit::UNKNOWN)
}
