//! One module per subcommand; each takes the resolved [`crate::invocation::Invocation`].

pub(crate) mod check;
pub(crate) mod docs;
pub(crate) mod explain;
pub(crate) mod fix;
pub(crate) mod list;
pub(crate) mod mcp;

use crate::core::Diagnostic;
use anyhow::Result;
use std::io::Write;

/// Writes `text` to stdout; a closed pipe (`devdoctor | head`) is not an error.
pub(crate) fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Where a subcommand's output goes: stdout, or (`--output FILE`) collected and written
/// atomically at the end.
pub(crate) struct Sink {
    file: Option<std::path::PathBuf>,
    buf: String,
}

impl Sink {
    /// Checks `--output` before anything runs, so a typo fails fast (exit 2).
    pub(crate) fn new(inv: &crate::invocation::Invocation) -> Result<Sink> {
        let file = match inv.output.as_deref() {
            Some(p) => Some(crate::invocation::usage(crate::report::output::prepare(p))?),
            None => None,
        };
        if file.is_some() && inv.color != crate::cli::ColorChoice::Always {
            colored::control::set_override(false);
        }
        Ok(Sink {
            file,
            buf: String::new(),
        })
    }

    pub(crate) fn to_file(&self) -> bool {
        self.file.is_some()
    }

    pub(crate) fn write(&mut self, text: &str) -> Result<()> {
        if self.file.is_some() {
            self.buf.push_str(text);
            Ok(())
        } else {
            write_stdout(text)
        }
    }

    /// Writes the collected text to the file (nothing to do for stdout).
    pub(crate) fn finish(self) -> Result<()> {
        match self.file {
            Some(path) => crate::report::output::write_atomic(&path, &self.buf),
            None => Ok(()),
        }
    }
}

/// `--format` values that make no sense for `what`: a usage error with a hint.
pub(crate) fn only_human_or_json(inv: &crate::invocation::Invocation, what: &str) -> Result<()> {
    use crate::cli::Format;
    if matches!(inv.format, Format::Human | Format::Json) {
        return Ok(());
    }
    let name = clap::ValueEnum::to_possible_value(&inv.format)
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    Err(Diagnostic::usage(format!("`devdoctor {what}` has no {name} output"))
        .hint(format!("use --format human or --format json (report formats such as {name} are for the check run: `devdoctor --format {name}`)"))
        .into())
}
