//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` and `$$`, with values from the
//! shell environment first and the project's `.env` second (compose's order). Values of
//! `environment:`, `build.args`, `command:` and the other [`RAW_KEYS`] are left as written:
//! they may be secrets, and the rules that judge them look at what the file says, not at
//! what the shell holds.

use super::{Node, Value};
use std::collections::HashMap;
use std::path::Path;

/// Where variable values come from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vars {
    pub shell: HashMap<String, String>,
    pub dotenv: HashMap<String, String>,
}

impl Vars {
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.shell
            .get(name)
            .or_else(|| self.dotenv.get(name))
            .map(String::as_str)
    }
}

/// Reads a `.env` file: `KEY=VALUE` lines, `export ` allowed, `#` comments, quotes stripped.
/// A missing or unreadable file gives no variables.
pub(crate) fn read_dotenv(path: &Path) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(bytes) = crate::disk::read_capped(path, 1024 * 1024, "this is not a .env file") else {
        return out;
    };
    let text = String::from_utf8_lossy(&bytes);
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let v = if (v.starts_with('"') && v.ends_with('"') && v.len() >= 2)
            || (v.starts_with('\'') && v.ends_with('\'') && v.len() >= 2)
        {
            &v[1..v.len() - 1]
        } else {
            // An unquoted value ends at ` #`.
            v.split(" #").next().unwrap_or(v).trim_end()
        };
        out.insert(k.trim().to_string(), v.to_string());
    }
    out
}

/// Why a string could not be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// A variable without a default is not set (its value is only known at run time).
    Unset(String),
    /// `${VAR:?message}` with VAR unset: compose itself stops with this message.
    Required { name: String, message: String },
    /// Not valid interpolation syntax (an unclosed `${`).
    Syntax,
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Interpolates `text` with `get`.
pub(crate) fn interpolate(
    text: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('{') {
            let close = closing_brace(inner).ok_or(Unresolved::Syntax)?;
            out.push_str(&braced(&inner[..close], get)?);
            rest = &inner[close + 1..];
        } else {
            let end = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            if end == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            let name = &after[..end];
            out.push_str(&get(name).ok_or_else(|| Unresolved::Unset(name.to_string()))?);
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// What compose makes of `text` when some of its variables are unset: each plain `$VAR` or
/// `${VAR}` that `get` does not know becomes a blank string (compose only warns). Gives that
/// value and the names blanked, in order; `None` when nothing is unset or the text cannot be
/// interpolated for another reason.
pub(crate) fn blank_unset(
    text: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Option<(String, Vec<String>)> {
    let mut blanked: Vec<String> = Vec::new();
    // Each round blanks one more name; a text has fewer names than bytes.
    for _ in 0..=text.len() {
        let known = |n: &str| {
            if blanked.iter().any(|b| b == n) {
                Some(String::new())
            } else {
                get(n)
            }
        };
        match interpolate(text, &known) {
            Ok(v) => return (!blanked.is_empty()).then_some((v, blanked)),
            Err(Unresolved::Unset(name)) => blanked.push(name),
            Err(_) => return None,
        }
    }
    None
}

/// The index of the `}` closing a `${`, allowing nested `${…}` in defaults.
fn closing_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn braced(body: &str, get: &dyn Fn(&str) -> Option<String>) -> Result<String, Unresolved> {
    let end = body.find(|c| !is_name_char(c)).unwrap_or(body.len());
    let (name, op) = body.split_at(end);
    if name.is_empty() {
        return Err(Unresolved::Syntax);
    }
    let value = get(name);
    let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let nested = |t: &str| interpolate(t, get);
    let (cond, arg) = if let Some(a) = op.strip_prefix(":-") {
        ("default", (!set_nonempty).then_some(a))
    } else if let Some(a) = op.strip_prefix('-') {
        ("default", value.is_none().then_some(a))
    } else if let Some(a) = op.strip_prefix(":?") {
        ("required", (!set_nonempty).then_some(a))
    } else if let Some(a) = op.strip_prefix('?') {
        ("required", value.is_none().then_some(a))
    } else if let Some(a) = op.strip_prefix(":+") {
        return if set_nonempty {
            nested(a)
        } else {
            Ok(String::new())
        };
    } else if let Some(a) = op.strip_prefix('+') {
        return if value.is_some() {
            nested(a)
        } else {
            Ok(String::new())
        };
    } else if op.is_empty() {
        return value.ok_or_else(|| Unresolved::Unset(name.to_string()));
    } else {
        return Err(Unresolved::Syntax);
    };
    match (cond, arg) {
        ("default", Some(d)) => nested(d),
        ("required", Some(m)) => Err(Unresolved::Required {
            name: name.to_string(),
            message: m.to_string(),
        }),
        _ => Ok(value.unwrap_or_default()),
    }
}

/// Keys whose values are never interpolated: they may carry secrets (`--password=${PW}` in a
/// command), which other checks could print, and the rules judge them as written.
const RAW_KEYS: &[&str] = &[
    "environment",
    "args",
    "labels",
    "command",
    "entrypoint",
    "healthcheck",
    "secrets",
    "configs",
];

/// Interpolates every string scalar in `node` (map keys excepted) except under
/// [`RAW_KEYS`]. A string that cannot be interpolated stays as written; `${VAR:?msg}` with
/// VAR unset is reported as (line, reason) — the reason names the variable, never a value.
pub(crate) fn interpolate_tree(
    node: &mut Node,
    get: &dyn Fn(&str) -> Option<String>,
    problems: &mut Vec<(usize, String)>,
) {
    match &mut node.value {
        Value::Str(s) if s.contains('$') => match interpolate(s, get) {
            Ok(v) => *s = v,
            Err(Unresolved::Required { name, message }) => problems.push((
                node.line,
                format!("`{name}` must be set when compose runs ({message})"),
            )),
            Err(_) => {}
        },
        Value::Seq(items) => {
            for i in items {
                interpolate_tree(i, get, problems);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                if k.text().is_some_and(|k| RAW_KEYS.contains(&k.as_str())) {
                    continue;
                }
                interpolate_tree(v, get, problems);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `user: "${UID}:${GID}"` from a shell that does not export UID: compose runs ":".
    #[test]
    fn unset_variables_are_blanked_as_compose_does() {
        let none = |_: &str| None;
        assert_eq!(
            blank_unset("${UID}:${GID}", &none),
            Some((":".to_string(), vec!["UID".to_string(), "GID".to_string()]))
        );
        let uid = with(&[("UID", "1000")]);
        assert_eq!(
            blank_unset("$UID:${GID}", &uid),
            Some(("1000:".to_string(), vec!["GID".to_string()]))
        );
        // Defaults and set variables leave nothing blanked.
        assert_eq!(blank_unset("${UID:-1000}:${GID-1000}", &none), None);
        assert_eq!(blank_unset("$UID", &uid), None);
        // A required variable is compose's own error, not a blank.
        assert_eq!(blank_unset("${UID:?set it}", &none), None);
    }

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn every_form() {
        let get = with(&[("TAG", "1.2"), ("EMPTY", "")]);
        let i = |t: &str| interpolate(t, &get);
        assert_eq!(i("app:${TAG}").unwrap(), "app:1.2");
        assert_eq!(i("app:$TAG").unwrap(), "app:1.2");
        assert_eq!(i("app:${NOPE:-latest}").unwrap(), "app:latest");
        assert_eq!(i("app:${EMPTY:-latest}").unwrap(), "app:latest");
        assert_eq!(i("app:${EMPTY-latest}").unwrap(), "app:");
        assert_eq!(i("app:${NOPE-latest}").unwrap(), "app:latest");
        assert_eq!(i("app:${TAG:-latest}").unwrap(), "app:1.2");
        assert_eq!(i("${NOPE:-${TAG}}").unwrap(), "1.2");
        assert_eq!(i("${TAG:+set}${NOPE:+x}").unwrap(), "set");
        assert_eq!(i("$$HOME").unwrap(), "$HOME");
        assert_eq!(i("${NOPE}"), Err(Unresolved::Unset("NOPE".into())));
        assert_eq!(i("$NOPE"), Err(Unresolved::Unset("NOPE".into())));
        assert_eq!(
            i("${NOPE:?set NOPE first}"),
            Err(Unresolved::Required {
                name: "NOPE".into(),
                message: "set NOPE first".into()
            })
        );
        assert!(matches!(i("${EMPTY:?e}"), Err(Unresolved::Required { .. })));
        assert_eq!(i("${EMPTY?e}").unwrap(), "");
        assert_eq!(i("${TAG:?e}").unwrap(), "1.2");
        assert_eq!(i("${oops"), Err(Unresolved::Syntax));
        assert_eq!(i("cost: 5$").unwrap(), "cost: 5$");
    }

    #[test]
    fn shell_wins_over_dotenv_and_dotenv_is_parsed() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join(".env");
        std::fs::write(
            &p,
            "# c\nexport TAG=\"2.0\"\nPORT=9000 # web\nQ='a b'\nbad line\n",
        )
        .unwrap();
        let mut v = Vars {
            dotenv: read_dotenv(&p),
            ..Vars::default()
        };
        assert_eq!(v.get("TAG"), Some("2.0"));
        assert_eq!(v.get("PORT"), Some("9000"));
        assert_eq!(v.get("Q"), Some("a b"));
        v.shell.insert("TAG".into(), "3.0".into());
        assert_eq!(v.get("TAG"), Some("3.0"));
    }

    #[test]
    fn tree_leaves_environment_raw() {
        let mut n = super::super::load_yaml(
            "services:\n  a:\n    image: x:${T:-1}\n    environment:\n      K: ${T:-1}\n    user: ${U:?need U}\n    command: [\"--pw=${T:-1}\"]\n",
        )
        .unwrap();
        let mut problems = Vec::new();
        interpolate_tree(&mut n, &|_| None, &mut problems);
        let a = n.path(&["services", "a"]).unwrap();
        assert_eq!(a.get("image").unwrap().text().unwrap(), "x:1");
        assert_eq!(
            a.path(&["environment", "K"]).unwrap().text().unwrap(),
            "${T:-1}"
        );
        assert_eq!(
            problems,
            [(6, "`U` must be set when compose runs (need U)".into())]
        );
    }
}
