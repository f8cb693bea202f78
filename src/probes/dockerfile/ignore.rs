//! A `.dockerignore` as Docker applies it to a build context: each line a pattern relative to
//! the context root (a leading `/` or `./` and a trailing `/` mean nothing), `#` a comment, `!`
//! an exception. A pattern excludes a path when it matches the path or one of its parent
//! folders, and the last pattern that matches decides. Globs are Go's `filepath.Match` plus
//! `**`: `*` and `?` stop at `/`. Pure: text in, answers out.

use globset::{GlobBuilder, GlobMatcher};

/// One pattern line.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreRule {
    /// 1-based line in the file.
    pub(crate) line: usize,
    /// The pattern as written (without `!`), trimmed.
    pub(crate) text: String,
    exception: bool,
    glob: GlobMatcher,
    /// The pattern up to its first glob character, cleaned (`data/keep`, `` for `**/x`).
    literal: String,
}

/// The patterns of one `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub(crate) struct DockerIgnore {
    rules: Vec<IgnoreRule>,
}

/// `path` cleaned as Go's `filepath.Clean` would, relative to the context root: `None` for a
/// path that leaves the context (`..`).
pub(crate) fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

impl DockerIgnore {
    /// Every pattern of `text`; a pattern the glob syntax refuses is left out (Docker refuses
    /// the build then, which the build itself reports).
    pub(crate) fn parse(text: &str) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let rules = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#'))
            .filter_map(|(i, l)| {
                let l = l.trim();
                let (exception, pattern) = match l.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, l),
                };
                let cleaned = clean(pattern).filter(|p| !p.is_empty())?;
                let glob = GlobBuilder::new(&cleaned)
                    .literal_separator(true)
                    .backslash_escape(true)
                    .build()
                    .ok()?
                    .compile_matcher();
                let literal = cleaned
                    .find(['*', '?', '[', '\\'])
                    .map_or(cleaned.as_str(), |at| &cleaned[..at])
                    .trim_end_matches('/')
                    .to_string();
                Some(IgnoreRule {
                    line: i + 1,
                    text: pattern.to_string(),
                    exception,
                    glob,
                    literal,
                })
            })
            .collect();
        DockerIgnore { rules }
    }

    /// The rule that leaves `path` (cleaned, relative to the context) out of the build
    /// context; `None` when it is sent.
    pub(crate) fn excluded_by(&self, path: &str) -> Option<&IgnoreRule> {
        let parents: Vec<&str> = path.match_indices('/').map(|(at, _)| &path[..at]).collect();
        let mut verdict = None;
        for rule in &self.rules {
            let hit = rule.glob.is_match(path) || parents.iter().any(|p| rule.glob.is_match(p));
            if hit {
                verdict = (!rule.exception).then_some(rule);
            }
        }
        verdict
    }

    /// Whether an exception could bring back something below the folder `dir`, which a
    /// COPY of the folder would then still copy.
    pub(crate) fn may_include_below(&self, dir: &str) -> bool {
        let below = format!("{dir}/");
        self.rules.iter().filter(|r| r.exception).any(|r| {
            r.literal.is_empty()
                || format!("{}/", r.literal).starts_with(&below)
                || below.starts_with(&format!("{}/", r.literal))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(ignore: &str, path: &str) -> Option<usize> {
        DockerIgnore::parse(ignore)
            .excluded_by(path)
            .map(|r| r.line)
    }

    #[test]
    fn patterns_match_the_path_or_a_parent_and_the_last_match_decides() {
        let ignore = "# comment\n/data/\n*.yml\n!environment.yml\n**/__pycache__\nsecrets/*.key\n";
        assert_eq!(line_of(ignore, "data/raw/a.csv"), Some(2));
        assert_eq!(line_of(ignore, "data"), Some(2));
        assert_eq!(line_of(ignore, "conda-lock.yml"), Some(3));
        assert_eq!(line_of(ignore, "environment.yml"), None);
        // `*` stops at `/`: a nested yml is sent.
        assert_eq!(line_of(ignore, "envs/dev.yml"), None);
        assert_eq!(line_of(ignore, "src/pkg/__pycache__/m.pyc"), Some(5));
        assert_eq!(line_of(ignore, "secrets/a.key"), Some(6));
        assert_eq!(line_of(ignore, "src/app.py"), None);
        // A comment is a comment only at the start of the line.
        assert_eq!(line_of("  # not a comment\n", "# not a comment"), Some(1));
    }

    #[test]
    fn an_allowlist_excludes_all_but_its_exceptions() {
        let ignore = "*\n!src\n!environment.yml\n";
        assert_eq!(line_of(ignore, "conda-lock.yml"), Some(1));
        assert_eq!(line_of(ignore, "src/app/main.py"), None);
        assert_eq!(line_of(ignore, "environment.yml"), None);
        let d = DockerIgnore::parse(ignore);
        assert!(d.may_include_below("src"));
        assert!(!d.may_include_below("data"));
        assert!(DockerIgnore::parse("data\n!data/keep.csv\n").may_include_below("data"));
        assert!(DockerIgnore::parse("data\n!**/*.csv\n").may_include_below("data"));
    }

    #[test]
    fn cleaning_follows_go() {
        assert_eq!(clean("./a//b/"), Some("a/b".into()));
        assert_eq!(clean("/a/../b"), Some("b".into()));
        assert_eq!(clean("../x"), None);
        assert_eq!(clean("."), Some(String::new()));
        // The context root itself is never excluded by a pattern that cleans to nothing.
        assert_eq!(line_of("./\n/\n", "environment.yml"), None);
    }
}
