//! `dockerfile.exec_vars`: a variable in the exec (JSON) form of CMD, ENTRYPOINT or RUN reaches
//! the program as written, since no shell runs to expand it.

use super::rules::Bases;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::Dockerfile;

/// `$NAME` or `${NAME…}`: what a shell would expand.
fn variable(word: &str) -> Option<&str> {
    let at = word.find('$')?;
    let rest = &word[at + 1..];
    let name = rest.strip_prefix('{').unwrap_or(rest);
    let len = name
        .char_indices()
        .take_while(|&(i, c)| c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
        .count();
    if len == 0 {
        return None;
    }
    let end = if rest.starts_with('{') {
        rest.find('}').map_or(rest.len(), |e| e + 1)
    } else {
        len
    };
    Some(&word[at..at + 1 + end])
}

/// Whether the words hand a command string to a shell (`sh -c`, `bash -lc`), which expands it.
fn through_a_shell(words: &[String]) -> bool {
    words.windows(2).any(|w| {
        let program = w[0].rsplit('/').next().unwrap_or(&w[0]);
        matches!(program, "sh" | "bash" | "dash" | "zsh" | "ash" | "ksh")
            && w[1].starts_with('-')
            && !w[1].starts_with("--")
            && w[1].contains('c')
    })
}

pub(super) fn exec_vars(df: &Dockerfile, _: &dyn Bases) -> Vec<Finding> {
    df.instructions
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT" | "RUN"))
        .filter_map(|i| {
            let words = i.exec.as_ref()?;
            if through_a_shell(words) {
                return None;
            }
            let var = words.iter().find_map(|w| variable(w))?;
            Some(finding(
                i.line,
                Status::Warn,
                format!(
                    "{} in the exec form passes `{var}` as it is written: no shell runs to expand it",
                    i.keyword
                ),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_in_the_exec_form_are_found() {
        for (word, want) in [
            ("${PORT:-8000}", Some("${PORT:-8000}")),
            ("--port=$PORT", Some("$PORT")),
            ("${LOCAL_TIMEZONE}", Some("${LOCAL_TIMEZONE}")),
            ("price: $5", None),
            ("$", None),
            ("plain", None),
        ] {
            assert_eq!(variable(word), want, "{word}");
        }
        let words = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(through_a_shell(&words(&[
            "bash",
            "-lc",
            "run --port $PORT"
        ])));
        assert!(through_a_shell(&words(&["/bin/sh", "-c", "x"])));
        assert!(!through_a_shell(&words(&["uvicorn", "-c", "x"])));
        assert!(!through_a_shell(&words(&["bash", "--login", "x"])));
    }
}
