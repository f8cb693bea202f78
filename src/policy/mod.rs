//! One home for each policy that several modules share: which names look secret
//! (`secrets`), how text from outside is made safe to print ([`text`]), the detector
//! behind "no fix ever calls pip" ([`no_pip`]) and the environment names tools accept
//! (`names`).

pub(crate) mod names;
pub mod no_pip;
pub mod redact;
pub(crate) mod secrets;
pub mod text;

use crate::core::{CheckMeta, CheckResult, Origin};

use std::path::PathBuf;

/// A named line matcher for pack `file` probes (`matcher = "…"`, in place of a
/// `not_contains` regex).
pub(crate) struct LineMatcher {
    /// The regex, as source: compiled where it is used (on first use).
    pub pattern: String,
    pub filters: MatchFilters,
}

/// What a named matcher adds to its regex.
#[derive(Debug, Clone, Copy, Default)]
pub struct MatchFilters {
    /// When set, a match counts only if its `name` capture passes.
    pub name_filter: Option<fn(&str) -> bool>,
    /// When set, a match whose rest of line passes is set aside as a note, not a finding.
    pub aside: Option<Aside>,
    /// When set, a match whose rest of line passes is a finding whose step is the policy's
    /// own, not the pack's.
    pub amend: Option<Amend>,
    /// When set, a text it says no to holds no match, and the regex is not run on it (nor
    /// compiled, when no text needs it).
    pub prefilter: Option<fn(&str) -> bool>,
    /// When set, a match on a line it says yes to is no match (a CI step's `name:` that
    /// mentions a pip install runs nothing).
    pub skip_line: Option<fn(&str) -> bool>,
    /// With `code_blocks`, a fenced block it says yes to is not searched (a README's block
    /// that sets up a virtualenv installs into that, not into the conda environment).
    pub skip_block: Option<fn(&str) -> bool>,
}

/// Matches a policy tolerates: a test on the rest of the matched line (and the project's own
/// distribution name, when it has one), and what to say.
#[derive(Debug, Clone, Copy)]
pub struct Aside {
    pub test: fn(&str, Option<&str>) -> bool,
    /// A few words for the lines set aside ("installs only the project itself").
    pub label: &'static str,
    /// One line of advice shown with them.
    pub advice: &'static str,
}

/// Matches a policy keeps but changes: a test on the rest of the matched line (and the
/// project's own distribution name), a few words added to each finding, and the step that
/// mends them, where `{places}` stands for their `file:line`s.
#[derive(Debug, Clone, Copy)]
pub struct Amend {
    pub test: fn(&str, Option<&str>) -> bool,
    pub note: &'static str,
    pub step: &'static str,
}

/// The names packs may use in `matcher = "…"`, with what each finds.
pub(crate) const MATCHERS: &[(&str, &str)] = &[
    (no_pip::MATCHERS[0].0, no_pip::MATCHERS[0].1),
    (no_pip::MATCHERS[1].0, no_pip::MATCHERS[1].1),
    (no_pip::MATCHERS[2].0, no_pip::MATCHERS[2].1),
    (
        "secret-assignment",
        "a `NAME=value` line (optionally `export`ed) whose name the secret-name classifier flags and whose value is a literal of six characters or more; the `name` group names the variable",
    ),
];

/// The matcher called `name`, or `None` for an unknown name.
pub(crate) fn matcher(name: &str) -> Option<LineMatcher> {
    if name == "secret-assignment" {
        return Some(LineMatcher {
            pattern: r#"(?m)^[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*["']?[^\s"'#$<{]{6,}"#.to_string(),
            filters: MatchFilters {
                name_filter: Some(secrets::is_secret_env_name),
                ..MatchFilters::default()
            },
        });
    }
    no_pip::matcher(name).map(|pattern| LineMatcher {
        pattern,
        filters: MatchFilters {
            aside: Some(no_pip::SELF_INSTALL),
            amend: Some(no_pip::FORCED_SELF_INSTALL),
            prefilter: Some(no_pip::may_install),
            skip_line: Some(no_pip::names_a_step),
            skip_block: Some(no_pip::sets_up_a_virtualenv),
            ..MatchFilters::default()
        },
    })
}
use text::multiline_in_place as clean;

/// Every string a check's metadata carries, made safe to print (plugin and pack names,
/// titles and explain texts come from outside). The built-in checks' and the bundled packs'
/// texts are devdoctor's own, compiled in, and pass as they are.
pub(crate) fn outgoing_meta(meta: &mut CheckMeta) {
    if matches!(meta.origin, Origin::Builtin | Origin::Bundled(_)) {
        return;
    }
    clean(&mut meta.id);
    clean(&mut meta.category);
    clean(&mut meta.title);
    clean(&mut meta.explain);
    match &mut meta.origin {
        Origin::Pack(p) | Origin::Plugin(p) => {
            let shown = p.to_string_lossy();
            let cleaned = text::multiline(&shown);
            if cleaned != shown {
                *p = PathBuf::from(cleaned);
            }
        }
        Origin::Bundled(name) => clean(name),
        Origin::Builtin => {}
    }
}

/// A cleaned copy of a check's metadata, for `list` and `explain`.
pub(crate) fn shown_meta(meta: &CheckMeta) -> CheckMeta {
    let mut m = meta.clone();
    outgoing_meta(&mut m);
    m
}

fn json_value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => clean(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(json_value),
        serde_json::Value::Object(map) => map.values_mut().for_each(json_value),
        _ => {}
    }
}

/// The one place a result passes on its way to any renderer (and to `fix`): text from
/// outside loses control characters and bidi overrides, credentials are redacted, and a fix
/// step that would run pip is dropped with a visible note.
pub(crate) fn outgoing(result: &mut CheckResult) {
    clean(&mut result.summary);
    result.details.iter_mut().for_each(clean);
    for loc in &mut result.locations {
        clean(&mut loc.message);
    }
    if let Some(fix) = &mut result.fix {
        clean(&mut fix.why);
        fix.manual.iter_mut().for_each(clean);
        no_pip::guard(fix);
        for file in &mut fix.new_files {
            file.content = new_file_content(&file.content);
        }
    }
    result.data.values_mut().for_each(json_value);
    crate::policy::redact::result(result);
}

/// What a fix may put in a new file, which `fix` shows and writes as it is (a proposal made of
/// the project's own lines): no control characters, and no line that holds a credential. Such
/// a line is left out, as a comment that says so at its indentation: a secret is never
/// printed, and never copied into a file that is likely to be committed.
fn new_file_content(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    for line in content.lines() {
        let line = text::one_line(line, false);
        if crate::policy::redact::text(&line) == line.as_str() {
            out.push_str(&line);
        } else {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str("# left out: this line held a credential; add it back by hand");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Fix;

    /// A new file a fix writes holds no control character and no credential: the line with
    /// one is a comment that says it was left out.
    #[test]
    fn a_new_file_holds_no_secret_and_no_control_character() {
        let content = "dependencies:\n  - bad\u{1b}[31mred==1.0\n  - pip:\n      - git+https://user:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x/y.git\n      - requests\n";
        let mut r =
            CheckResult::fail("x").with_fix(Fix::new("y").new_file("environment.yml", content));
        outgoing(&mut r);
        let out = &r.fix.unwrap().new_files[0].content;
        assert_eq!(
            out,
            "dependencies:\n  - badred==1.0\n  - pip:\n      # left out: this line held a credential; add it back by hand\n      - requests\n"
        );
    }

    #[test]
    fn metadata_from_outside_is_cleaned() {
        let meta = CheckMeta {
            id: "plugin.check_\u{202e}ko".into(),
            category: "plugin".into(),
            title: "t\u{1b}[2J".into(),
            can_fix: false,
            explain: "line one\nline two".into(),
            origin: Origin::Plugin(PathBuf::from("/p/check_\u{2067}ko")),
        };
        let m = shown_meta(&meta);
        assert_eq!(m.id, "plugin.check_\u{fffd}ko");
        assert_eq!(m.title, "t");
        assert_eq!(m.explain, "line one\nline two");
        assert_eq!(m.origin.to_string(), "plugin /p/check_\u{fffd}ko");
    }

    /// The built-in checks' and bundled packs' metadata pass uncleaned: they must need none.
    #[test]
    fn compiled_in_metadata_is_already_clean() {
        let checks = crate::registry::load(&crate::core::Settings::default()).unwrap();
        let mut seen = 0;
        for check in &checks {
            let meta = check.meta();
            assert!(matches!(meta.origin, Origin::Builtin | Origin::Bundled(_)));
            for text in [&meta.id, &meta.category, &meta.title, &meta.explain] {
                let mut cleaned = text.clone();
                clean(&mut cleaned);
                assert_eq!(&cleaned, text, "{}", meta.id);
            }
            seen += 1;
        }
        assert!(seen > 70, "{seen} checks");
    }

    #[test]
    fn a_result_from_outside_is_cleaned_redacted_and_pip_free() {
        let mut r = CheckResult::fail("\u{202e}doog lla \u{2713}\u{1b}[32m token=pw1")
            .detail("line\r\nnext\u{7}")
            .data("raw", serde_json::json!(["\u{2066}x"]))
            .with_fix(
                Fix::new("why")
                    .cmd(["pip", "install", "x"])
                    .manual("ok step"),
            );
        outgoing(&mut r);
        assert_eq!(r.summary, "\u{fffd}doog lla \u{2713} token=<redacted>");
        assert_eq!(r.details, ["line\nnext\u{fffd}"]);
        assert_eq!(r.data["raw"][0], "\u{fffd}x");
        let fix = r.fix.unwrap();
        assert!(fix.commands.is_empty());
        assert_eq!(fix.manual, ["ok step", no_pip::DROPPED_NOTE]);
    }
}

#[cfg(test)]
mod matcher_tests {
    use super::*;
    use regex::Regex;

    fn names(m: &LineMatcher, text: &str) -> Vec<String> {
        Regex::new(&m.pattern)
            .unwrap()
            .captures_iter(text)
            .filter_map(|c| c.name("name").map(|n| n.as_str().to_string()))
            .filter(|n| m.filters.name_filter.is_none_or(|keep| keep(n)))
            .collect()
    }

    #[test]
    fn secret_assignment_uses_the_classifier() {
        let m = matcher("secret-assignment").unwrap();
        let env = "PGPASSWORD=hunter22\n\
                   export GH_PAT=ghp_abcdef\n\
                   DATABASE_URL=postgres://u:p@h/db\n\
                   SENTRY_DSN=https://k@sentry.example/1\n\
                   PASSWORD_FILE=/run/secrets/db\n\
                   TOKENIZERS_PARALLELISM=falsefalse\n\
                   API_KEY=${API_KEY}\n\
                   SECRET_KEY=short\n\
                   # TOKEN=commented1\n";
        assert_eq!(
            names(&m, env),
            ["PGPASSWORD", "GH_PAT", "DATABASE_URL", "SENTRY_DSN"]
        );
        assert!(matcher("nope").is_none());
        for (name, _) in MATCHERS {
            assert!(matcher(name).is_some(), "{name}");
        }
    }
}
