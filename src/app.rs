//! Dispatch: resolve the invocation once, then hand it to the subcommand's module.

use crate::cli::{Cli, Command, Format, McpAction, RunArgs};
use crate::commands::{self, write_stdout};
use crate::core::status::exit;
use crate::core::Diagnostic;
use crate::invocation::{setup_color, usage, Invocation};
use crate::runner;
use anyhow::Result;

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

/// A command's name as typed, for messages.
fn name_of(command: &Command) -> &'static str {
    match command {
        Command::Check { .. } => "check",
        Command::List => "list",
        Command::Explain { .. } => "explain",
        Command::Fix(_) => "fix",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
        Command::Trust { .. } => "trust",
        Command::Untrust => "untrust",
        Command::Mcp { .. } => "mcp pin",
        Command::Docs { .. } => "docs",
    }
}

/// The check-run flags of this command: those given before the subcommand merged with its
/// own. A command that runs no check refuses them (exit 2) instead of ignoring them.
fn run_args(cli: &Cli) -> Result<RunArgs> {
    let before = cli.run.clone();
    let (takes, args) = match &cli.command {
        None => return Ok(before),
        Some(Command::Check { run, .. }) => return Ok(before.merged(run.clone())),
        Some(Command::Fix(args)) => return Ok(before.merged(args.run.clone())),
        Some(Command::Mcp {
            action: McpAction::Pin { server },
        }) => {
            let args = RunArgs {
                server: before.server.clone().merged(server.clone()),
                ..RunArgs::default()
            };
            (
                Some("--timeout, --health-url, --mcp-url and --allow-remote"),
                args,
            )
        }
        Some(_) => (None, RunArgs::default()),
    };
    let own = args.given();
    let refused: Vec<&str> = before
        .given()
        .into_iter()
        .filter(|f| !own.contains(f))
        .collect();
    if refused.is_empty() {
        return Ok(args);
    }
    let command = cli.command.as_ref().map_or("check", name_of);
    let mut d = Diagnostic::usage(format!(
        "`devdoctor {command}` runs no checks, so it does not take {}",
        refused.join(", ")
    ));
    if let Some(takes) = takes {
        d = d.hint(format!("of the check-run flags, it takes {takes}"));
    }
    let first = refused[0];
    Err(d
        .hint(format!(
            "{first} shapes a check run: `devdoctor {first} …` or `devdoctor fix {first} …`"
        ))
        .into())
}

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let format = crate::invocation::format_of(&cli.global);
    let run = run_args(&cli)?;
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
    if let Some(Command::Docs { write, .. }) = &cli.command {
        return commands::docs::run(*write);
    }
    if let Some(Command::Man) = &cli.command {
        write_stdout(&man_page()?)?;
        return Ok(exit::HEALTHY);
    }
    let reviewing = matches!(cli.command, Some(Command::Trust { .. }));
    let inv = Invocation::resolve(&cli.global, &run, reviewing)?;
    match &cli.command {
        Some(Command::Trust { show }) => {
            write_stdout(&usage(crate::trust::cmd_trust(&inv.settings, *show))?)?;
            return Ok(exit::HEALTHY);
        }
        Some(Command::Untrust) => {
            write_stdout(&usage(crate::trust::cmd_untrust(&inv.settings))?)?;
            return Ok(exit::HEALTHY);
        }
        _ => {}
    }
    match &cli.command {
        None => commands::check::run(inv, &cli.ids),
        Some(Command::Check { ids, .. }) => commands::check::run(inv, ids),
        Some(Command::List) => commands::list::run(&inv),
        Some(Command::Explain { id }) => commands::explain::run(&inv, id),
        Some(Command::Fix(args)) => commands::fix::run(inv, args),
        Some(Command::Mcp {
            action: McpAction::Pin { .. },
        }) => commands::mcp::pin(&inv),
        Some(
            Command::Completions { .. }
            | Command::Man
            | Command::Docs { .. }
            | Command::Trust { .. }
            | Command::Untrust,
        ) => unreachable!("handled above"),
    }
}
