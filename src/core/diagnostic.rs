//! One shape for every error a user can act on: what is wrong, where, what to do about it,
//! and the exit code it ends the run with. `main` prints it, redacted, as
//!
//! ```text
//! error: PLACE: MESSAGE
//! hint: HINT
//! ```
//!
//! so a configuration, pack, selection or usage mistake reads the same wherever it is found,
//! and exit 2 no longer depends on each caller remembering to mark its error.

use crate::core::status::exit;

/// An error with its place, its hints and its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    /// What is wrong (it may span lines, as a list of pack problems does).
    pub message: String,
    /// Where: `file:line:col`, a file, or nothing for the command line.
    pub place: Option<String>,
    /// What to do about it, one line each.
    pub hints: Vec<String>,
    /// The exit code of a run that ends with this diagnostic.
    pub exit: i32,
}

impl Diagnostic {
    /// A mistake in the command line, the configuration or a pack: exit 2.
    pub(crate) fn usage(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            message: message.into(),
            place: None,
            hints: Vec::new(),
            exit: exit::USAGE,
        }
    }

    /// The command could not do its work (a tool is missing, a step was refused): exit 3.
    pub(crate) fn failed(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            exit: exit::UNKNOWN,
            ..Diagnostic::usage(message)
        }
    }

    pub(crate) fn at(mut self, place: impl Into<String>) -> Diagnostic {
        self.place = Some(place.into());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hints.push(hint.into());
        self
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(place) = &self.place {
            write!(f, "{place}: ")?;
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// The exit code of a run that ends with `e`: its diagnostic's, or 3 (could not check).
pub fn exit_code(e: &anyhow::Error) -> i32 {
    // `downcast_ref` also finds a diagnostic given as context; `chain` one given as a cause.
    e.downcast_ref::<Diagnostic>()
        .or_else(|| e.chain().find_map(|c| c.downcast_ref::<Diagnostic>()))
        .map_or(exit::UNKNOWN, |d| d.exit)
}

/// Marks the error of `r` as a usage error (exit 2): a diagnostic keeps its place and hints,
/// any other error becomes the message of one.
pub(crate) fn usage<T>(r: anyhow::Result<T>) -> anyhow::Result<T> {
    r.map_err(|e| {
        let d = match e.downcast::<Diagnostic>() {
            Ok(d) => Diagnostic {
                exit: exit::USAGE,
                ..d
            },
            Err(e) => Diagnostic::usage(format!("{e:#}")),
        };
        anyhow::Error::new(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_place_message_and_each_hint_on_its_line() {
        let d = Diagnostic::usage("invalid --timeout `x`")
            .at("devdoctor.toml:3:11")
            .hint("use seconds (30)")
            .hint("or a duration such as 2m");
        assert_eq!(
            d.to_string(),
            "devdoctor.toml:3:11: invalid --timeout `x`\nhint: use seconds (30)\nhint: or a duration such as 2m"
        );
        assert_eq!(Diagnostic::usage("bare").to_string(), "bare");
    }

    #[test]
    fn the_exit_code_comes_from_the_diagnostic_wherever_it_is_in_the_chain() {
        use anyhow::Context;
        let plain = anyhow::anyhow!("disk full");
        assert_eq!(exit_code(&plain), exit::UNKNOWN);
        let wrapped = Err::<(), _>(Diagnostic::usage("bad pattern"))
            .context("selecting checks")
            .unwrap_err();
        assert_eq!(exit_code(&wrapped), exit::USAGE);
        let as_context = Err::<(), _>(anyhow::anyhow!("cause"))
            .context(Diagnostic::usage("bad config"))
            .unwrap_err();
        assert_eq!(exit_code(&as_context), exit::USAGE);
        assert_eq!(
            exit_code(&anyhow::Error::new(Diagnostic::failed("no micromamba"))),
            exit::UNKNOWN
        );
    }

    #[test]
    fn usage_keeps_a_diagnostic_whole_and_wraps_any_other_error() {
        let kept = usage::<()>(Err(Diagnostic::failed("m").at("f").hint("h").into())).unwrap_err();
        assert_eq!(kept.to_string(), "f: m\nhint: h");
        assert_eq!(exit_code(&kept), exit::USAGE);
        let other = usage::<()>(Err(anyhow::anyhow!("inner").context("outer"))).unwrap_err();
        assert_eq!(other.to_string(), "outer: inner");
        assert_eq!(exit_code(&other), exit::USAGE);
    }
}
