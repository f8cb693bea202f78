//! Dispatch: resolve the invocation once, then hand it to the subcommand's module.

use crate::cli::{Cli, Command, Format};
use crate::commands::{self, write_stdout};
use crate::core::status::exit;
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

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> Result<i32> {
    let format = crate::invocation::format_of(&cli.global);
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
    let inv = Invocation::resolve(&cli.global)?;
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
        Some(Command::Check { ids }) => commands::check::run(inv, ids),
        Some(Command::List) => commands::list::run(&inv),
        Some(Command::Explain { id }) => commands::explain::run(&inv, id),
        Some(Command::Fix(args)) => commands::fix::run(inv, args),
        Some(Command::Mcp {
            action: crate::cli::McpAction::Pin,
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
