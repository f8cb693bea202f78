//! Orchestration: settings → registry → selection → run → report → exit code.

use crate::cli::{Cli, ColorChoice, Command, Format, GlobalArgs};
use crate::config::{self, Settings};
use crate::core::status::exit;
use crate::core::{Check, Context, Status};
use crate::report::{self, Entry, HumanOptions, Report};
use crate::runner::{self, Progress};
use anyhow::Result;
use globset::{Glob, GlobMatcher};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// A usage or configuration error: printed, then exit 2.
#[derive(Debug)]
pub struct UsageError(pub anyhow::Error);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}
impl std::error::Error for UsageError {}

fn usage<T>(r: Result<T>) -> Result<T> {
    r.map_err(|e| anyhow::Error::new(UsageError(e)))
}

/// Decides colour for the terminal: flag, then NO_COLOR / CLICOLOR_FORCE, then TTY.
pub fn setup_color(choice: ColorChoice, machine_format: bool) {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if machine_format || env_set("NO_COLOR") => false,
        ColorChoice::Auto
            if std::env::var("CLICOLOR_FORCE").is_ok_and(|v| !v.is_empty() && v != "0") =>
        {
            true
        }
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    };
    colored::control::set_override(on);
}

pub fn format_of(g: &GlobalArgs) -> Format {
    if g.json {
        Format::Json
    } else {
        g.format.unwrap_or(Format::Human)
    }
}

fn glob(pattern: &str) -> Result<GlobMatcher> {
    Ok(Glob::new(pattern)
        .map_err(|e| anyhow::anyhow!("bad check pattern `{pattern}`: {e}\nhint: use ids like env.python or globs like 'mamba.*'"))?
        .compile_matcher())
}

/// The closest known id to `id`, for "did you mean".
pub fn closest_id<'a>(id: &str, checks: &'a [Arc<dyn Check>]) -> Option<&'a str> {
    checks
        .iter()
        .map(|c| c.meta().id.as_str())
        .map(|known| (strsim::jaro_winkler(id, known), known))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn unknown_selection(pattern: &str, checks: &[Arc<dyn Check>]) -> anyhow::Error {
    match closest_id(pattern, checks) {
        Some(near) => anyhow::anyhow!(
            "no check matches `{pattern}`\nhint: did you mean `{near}`? `devdoctor list` shows every id"
        ),
        None => anyhow::anyhow!("no check matches `{pattern}`\nhint: `devdoctor list` shows every id"),
    }
}

/// Applies selection (ids/globs) and skips (CLI and config).
pub fn select(
    checks: Vec<Arc<dyn Check>>,
    ids: &[String],
    skip: &[String],
) -> Result<Vec<Arc<dyn Check>>> {
    let wanted: Vec<(String, GlobMatcher)> = ids
        .iter()
        .map(|p| Ok((p.clone(), glob(p)?)))
        .collect::<Result<_>>()?;
    for (p, m) in &wanted {
        if !checks.iter().any(|c| m.is_match(&c.meta().id)) {
            return Err(unknown_selection(p, &checks));
        }
    }
    let skips: Vec<GlobMatcher> = skip.iter().map(|p| glob(p)).collect::<Result<_>>()?;
    Ok(checks
        .into_iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|(_, m)| m.is_match(&c.meta().id)))
        .filter(|c| !skips.iter().any(|m| m.is_match(&c.meta().id)))
        .collect())
}

struct Spinner(indicatif::ProgressBar);

impl Progress for Spinner {
    fn started(&self, id: &str) {
        self.0.set_message(id.to_string());
    }
    fn finished(&self, _id: &str, _status: Status) {
        self.0.inc(1);
    }
}

/// Runs the selected checks, retries network checks under `--wait`, and builds the report.
pub fn run_checks(
    settings: Settings,
    checks: Vec<Arc<dyn Check>>,
    jobs: Option<usize>,
    strict: bool,
    show_progress: bool,
) -> Report {
    let started = SystemTime::now();
    let clock = Instant::now();
    let timeout = settings.timeout;
    let wait = settings.wait;
    let severity = settings.severity.clone();
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(8)
    });
    let ctx = Arc::new(Context::new(settings));
    let spinner = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(checks.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos}/{len} {msg}")
                .expect("static template"),
        );
        bar.enable_steady_tick(Duration::from_millis(80));
        Spinner(bar)
    });
    let progress: &dyn Progress = match &spinner {
        Some(s) => s,
        None => &runner::NoProgress,
    };
    let mut outcomes = runner::run_all(&checks, &ctx, jobs, timeout, progress);

    let mut waited = None;
    if let Some(limit) = wait {
        let wait_start = Instant::now();
        let mut pause = Duration::from_millis(200);
        loop {
            let retry: Vec<usize> = outcomes
                .iter()
                .filter(|o| matches!(o.result.status, Status::Fail | Status::Unknown))
                .filter(|o| checks[o.index].meta().category == "mcp")
                .map(|o| o.index)
                .collect();
            if retry.is_empty() || wait_start.elapsed() + pause > limit {
                break;
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_secs(2));
            // Each retry needs fresh probes, so it gets a fresh context.
            let fresh = Arc::new(Context::new(ctx.settings.clone()));
            let subset: Vec<_> = retry.iter().map(|&i| checks[i].clone()).collect();
            for (o, &i) in runner::run_all(&subset, &fresh, jobs, timeout, &runner::NoProgress)
                .into_iter()
                .zip(&retry)
            {
                outcomes[i].result = o.result;
                outcomes[i].duration = o.duration;
            }
        }
        waited = Some(wait_start.elapsed());
    }
    if let Some(s) = spinner {
        s.0.finish_and_clear();
    }

    let entries = outcomes
        .into_iter()
        .map(|o| {
            let meta = crate::policy::shown_meta(checks[o.index].meta());
            let mut result = o.result;
            crate::policy::outgoing(&mut result);
            if let Some(&sev) = severity.get(&meta.id) {
                if matches!(result.status, Status::Warn | Status::Fail) {
                    result.status = sev;
                }
            }
            Entry {
                meta,
                result,
                duration: o.duration,
            }
        })
        .collect();
    Report::new(entries, started, clock.elapsed(), strict, waited)
}

fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`devdoctor | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

fn cmd_check(cli: &Cli, settings: Settings, ids: &[String]) -> Result<i32> {
    let g = &cli.global;
    let format = format_of(g);
    let all = usage(crate::registry::load(&settings))?;
    let mut skip = settings.skip.clone();
    skip.extend(g.skip.iter().cloned());
    skip.dedup();
    let selected = usage(select(all, ids, &skip));
    // `--output -` is stdout; a file is checked before the run so a typo fails fast.
    let output = match g.output.as_deref().filter(|p| p.as_os_str() != "-") {
        Some(p) => usage(report::output::prepare(p)).map(Some),
        None => Ok(None),
    };
    let (selected, output) = match (selected, output) {
        (Ok(s), Ok(o)) => (s, o),
        (Err(e), _) | (_, Err(e)) => return nagios_unknown(format, e),
    };
    if output.is_some() && g.color != ColorChoice::Always {
        colored::control::set_override(false);
    }
    let show_progress = format == Format::Human && g.quiet == 0 && std::io::stderr().is_terminal();
    let project_dir = settings.project_dir.clone();
    let report = run_checks(settings, selected, g.jobs, g.strict, show_progress);
    let opts = report::RenderOptions {
        human: HumanOptions {
            quiet: g.quiet,
            verbose: g.verbose,
        },
        project_dir: Some(project_dir),
    };
    let text = report::render(&report, format, &opts);
    match output {
        Some(path) => {
            if let Err(e) = report::output::write_atomic(&path, &text) {
                return nagios_unknown(format, e);
            }
            if g.quiet < 2 {
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
    let msg = crate::core::redact::text(&format!("{e:#}")).into_owned();
    let first = msg.lines().next().unwrap_or("error").replace('|', "/");
    write_stdout(&format!("DEVDOCTOR UNKNOWN - {first}\n"))?;
    eprintln!("error: {msg}");
    Ok(exit::UNKNOWN)
}

fn cmd_list(cli: &Cli, settings: &Settings) -> Result<i32> {
    let checks = usage(crate::registry::load(settings))?;
    let text = if format_of(&cli.global) == Format::Json {
        let items: Vec<_> = checks
            .iter()
            .map(|c| {
                let m = crate::policy::shown_meta(c.meta());
                serde_json::json!({
                    "id": m.id, "category": m.category, "title": m.title,
                    "can_fix": m.can_fix, "origin": m.origin,
                    "source": crate::policy::text::one_line(&m.origin.to_string(), false),
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "schema_version": report::SCHEMA_VERSION,
            "checks": items,
        }))?;
        s.push('\n');
        s
    } else {
        use colored::Colorize;
        let width = checks.iter().map(|c| c.meta().id.len()).max().unwrap_or(0);
        let mut s = String::new();
        for c in &checks {
            let m = crate::policy::shown_meta(c.meta());
            s.push_str(&format!(
                "{:<width$}  {:<10}  {}  {}{}\n",
                m.id.bold(),
                m.category,
                if m.can_fix { "fix" } else { "   " },
                m.title,
                if m.origin == crate::core::Origin::Builtin {
                    String::new()
                } else {
                    format!(
                        "  [{}]",
                        crate::policy::text::one_line(&m.origin.to_string(), false)
                    )
                    .dimmed()
                    .to_string()
                }
            ));
        }
        s
    };
    write_stdout(&text)?;
    Ok(exit::HEALTHY)
}

fn cmd_explain(settings: &Settings, id: &str) -> Result<i32> {
    let checks = usage(crate::registry::load(settings))?;
    let Some(check) = checks.iter().find(|c| c.meta().id == id) else {
        return usage(Err(unknown_selection(id, &checks)));
    };
    let m = crate::policy::shown_meta(check.meta());
    let text = format!(
        "{} — {}\ncategory: {}   can fix: {}   source: {}\n\n{}\n",
        m.id,
        m.title,
        m.category,
        if m.can_fix { "yes" } else { "no" },
        crate::policy::text::one_line(&m.origin.to_string(), false),
        m.explain
    );
    write_stdout(&text)?;
    Ok(exit::HEALTHY)
}

/// The man page, generated from the same clap definition, plus exit status and files.
fn man_page() -> Result<String> {
    use clap::CommandFactory;
    let man = clap_mangen::Man::new(Cli::command());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    man.render_subcommands_section(&mut buf)?;
    buf.extend_from_slice(
        b".SH \"EXIT STATUS\"\n.TP\n0\nhealthy\n.TP\n1\nat least one check failed (or, with \\-\\-strict, warned)\n\
.TP\n2\nusage or configuration error\n.TP\n3\nnothing failed, but something could not be checked\n\
.SH FILES\n.TP\ndevdoctor.toml\nproject configuration (optional; every key has a default and a flag)\n\
.TP\n\\&.devdoctor/checks/*.toml\nproject check packs\n.TP\n\\&.devdoctor/plugins/\nNagios\\-style plugin executables\n\
.SH ENVIRONMENT\n.TP\nNO_COLOR, CLICOLOR_FORCE\ncolour with \\-\\-color auto\n\
.TP\nMAMBA_EXE, CONDA_EXE, MAMBA_ROOT_PREFIX\nwhere the mamba toolchain is looked for\n\
.TP\nDOCKER_HOST\nthe Docker engine to talk to\n",
    );
    if let Some(examples) = Cli::command().get_after_help() {
        // Verbatim block; `\&` keeps a leading dot from being read as a roff request.
        buf.extend_from_slice(b".SH EXAMPLES\n.nf\n");
        for line in examples
            .to_string()
            .lines()
            .filter(|l| l.trim() != "Examples:")
        {
            let line = line.replace('\\', "\\e").replace('-', "\\-");
            buf.extend_from_slice(format!("\\&{line}\n").as_bytes());
        }
        buf.extend_from_slice(b".fi\n");
    }
    man.render_version_section(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let format = format_of(&cli.global);
    setup_color(cli.global.color, format != Format::Human);
    runner::install_panic_hook();
    if let Some(Command::Completions { shell }) = &cli.command {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(*shell, &mut cmd, "devdoctor", &mut buf);
        write_stdout(&String::from_utf8_lossy(&buf))?;
        return Ok(exit::HEALTHY);
    }
    if let Some(Command::Man) = &cli.command {
        write_stdout(&man_page()?)?;
        return Ok(exit::HEALTHY);
    }
    let settings = usage(config::resolve(&cli.global))?;
    match &cli.command {
        None => cmd_check(&cli, settings, &cli.ids),
        Some(Command::Check { ids }) => cmd_check(&cli, settings, ids),
        Some(Command::List) => cmd_list(&cli, &settings),
        Some(Command::Explain { id }) => cmd_explain(&settings, id),
        Some(Command::Fix(args)) => crate::fixer::cmd_fix(&cli, settings, args),
        Some(Command::Completions { .. } | Command::Man) => unreachable!("handled above"),
    }
}
