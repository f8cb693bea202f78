//! One module per subcommand; each takes the resolved [`crate::invocation::Invocation`].

pub mod check;
pub mod fix;
pub mod list;

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
