//! A small Dockerfile parser with BuildKit's line rules: parser directives (`# escape=`),
//! comments, continuation lines, heredocs (`<<EOF`, `<<-EOF`, quoted delimiters), exec vs
//! shell form, leading `--flags`, and the 1-based line of every instruction. It never
//! panics: malformed input becomes a `Problem` and parsing goes on.

use std::collections::HashMap;

/// Instructions BuildKit knows.
pub(super) const KEYWORDS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// A leading `--name[=value]` option of FROM, RUN, COPY, ADD or HEALTHCHECK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

/// The body of a `<<EOF` heredoc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// Line of the first body line.
    pub line: usize,
    pub body: String,
}

/// One instruction, with continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Instruction {
    /// 1-based line of the keyword.
    pub line: usize,
    /// Last line of the instruction (including heredoc bodies).
    pub end_line: usize,
    /// Upper-cased keyword.
    pub keyword: String,
    pub flags: Vec<Flag>,
    /// The arguments after the flags (shell form: the command text).
    pub args: String,
    /// Exec (JSON array) form, when the arguments are a valid JSON string array.
    pub exec: Option<Vec<String>>,
    pub heredocs: Vec<Heredoc>,
    /// Rule codes from `# devdoctor ignore=` / `# hadolint ignore=` right above, lower-cased.
    pub ignores: Vec<String>,
}

impl Instruction {
    pub(crate) fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    pub(crate) fn flag_value(&self, name: &str) -> Option<&str> {
        self.flag(name).and_then(|f| f.value.as_deref())
    }

    /// The text a shell would run: shell form plus heredoc bodies, or the exec argv joined.
    pub fn command_text(&self) -> String {
        let mut text = match &self.exec {
            Some(argv) => argv.join(" "),
            None => self.args.clone(),
        };
        for h in &self.heredocs {
            text.push('\n');
            text.push_str(&h.body);
        }
        text
    }

    pub(crate) fn ignored(&self, codes: &[&str]) -> bool {
        self.ignores
            .iter()
            .any(|i| codes.iter().any(|c| i.eq_ignore_ascii_case(c)))
    }
}

/// Something wrong in the file; parsing continued past it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A parsed Dockerfile (no stages yet; see `super::Stage`).
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub escape: char,
    /// Parser directives (`syntax`, `escape`, `check`), lower-cased names.
    pub directives: HashMap<String, String>,
    pub instructions: Vec<Instruction>,
    /// File-wide `# hadolint global ignore=` / `# devdoctor global ignore=` codes.
    pub global_ignores: Vec<String>,
    pub problems: Vec<Problem>,
}

const DIRECTIVES: &[&str] = &["syntax", "escape", "check"];
/// Problems reported per file before the rest are summarised.
const MAX_PROBLEMS: usize = 20;

/// `# name=value` at the top of the file.
fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    if !DIRECTIVES.contains(&name.as_str()) {
        return None;
    }
    Some((name, value.trim().to_string()))
}

/// An ignore pragma: `(global, codes)`.
fn pragma(comment: &str) -> Option<(bool, Vec<String>)> {
    let body = comment.trim_start().strip_prefix('#')?.trim();
    let mut words = body.splitn(2, char::is_whitespace);
    let tool = words.next()?.to_ascii_lowercase();
    if tool != "hadolint" && tool != "devdoctor" {
        return None;
    }
    let mut rest = words.next()?.trim_start();
    let global = match rest.strip_prefix("global") {
        Some(r) if r.starts_with(char::is_whitespace) => {
            rest = r.trim_start();
            true
        }
        _ => false,
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    // Trailing free text needs a second `#` (hadolint's rule).
    let list = list.split('#').next().unwrap_or("");
    let codes: Vec<String> = list
        .split(',')
        .filter_map(|c| c.split_whitespace().next())
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    (!codes.is_empty()).then_some((global, codes))
}

/// Whether `line` ends with the escape character (a continuation), and the line without it.
fn continuation(line: &str, escape: char) -> Option<&str> {
    let trimmed = line.trim_end();
    let body = trimmed.strip_suffix(escape)?;
    Some(body)
}

/// Heredoc markers in an instruction's text: `(delimiter, strip_tabs)` in order.
pub(super) fn heredoc_markers(text: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < chars.len() {
        if chars[i] == '<' && chars[i + 1] == '<' && (i == 0 || chars[i - 1] != '<') {
            let mut j = i + 2;
            if chars.get(j) == Some(&'<') {
                // `<<<` is a here-string, not a heredoc.
                i = j + 1;
                continue;
            }
            let strip = chars.get(j) == Some(&'-');
            if strip {
                j += 1;
            }
            let quote = match chars.get(j) {
                Some(&q) if q == '"' || q == '\'' => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let start = j;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || "_.-".contains(chars[j]))
            {
                j += 1;
            }
            let word: String = chars.get(start..j).unwrap_or_default().iter().collect();
            let closed = match quote {
                Some(q) => chars.get(j) == Some(&q),
                None => true,
            };
            if !word.is_empty() && closed {
                out.push((word, strip));
            }
            i = j.max(i + 2);
        } else {
            i += 1;
        }
    }
    out
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

/// Splits leading `--flag[=value]` words off `args`.
pub(super) fn split_flags(args: &str) -> (Vec<Flag>, String) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let word = after.get(..end).unwrap_or("");
        if word.is_empty() {
            break;
        }
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (word.to_string(), None),
        };
        flags.push(Flag { name, value });
        rest = after.get(end..).unwrap_or("").trim_start();
    }
    (flags, rest.to_string())
}

fn takes_flags(keyword: &str) -> bool {
    matches!(keyword, "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK")
}

fn takes_exec(keyword: &str) -> bool {
    matches!(
        keyword,
        "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME"
    )
}

fn takes_heredoc(keyword: &str) -> bool {
    matches!(keyword, "RUN" | "COPY" | "ADD")
}

/// Parses Dockerfile text. Never panics.
pub fn parse(text: &str) -> Parsed {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut parsed = Parsed {
        escape: '\\',
        ..Parsed::default()
    };

    let mut i = read_directives(&lines, &mut parsed);
    let mut pending_ignores: Vec<String> = Vec::new();
    while i < lines.len() {
        let line = lines.get(i).copied().unwrap_or("");
        let trimmed = line.trim();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if is_comment(line) {
            if let Some((global, codes)) = pragma(line) {
                if global {
                    parsed.global_ignores.extend(codes);
                } else {
                    pending_ignores.extend(codes);
                }
            }
            i += 1;
            continue;
        }
        read_instruction(&lines, &mut i, &mut parsed, &mut pending_ignores);
    }

    cap_problems(&mut parsed.problems);
    check_first_instruction(&mut parsed);
    parsed
}

/// Reads the parser directives at the very top (before any other line) into `parsed`;
/// returns the index of the first line after them.
fn read_directives(lines: &[&str], parsed: &mut Parsed) -> usize {
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let Some((name, value)) = directive(line) else {
            break;
        };
        if parsed.directives.contains_key(&name) {
            parsed.problems.push(Problem {
                line: i + 1,
                message: format!("parser directive `{name}` is given twice"),
            });
        }
        if name == "escape" {
            match value.as_str() {
                "\\" => parsed.escape = '\\',
                "`" => parsed.escape = '`',
                other => parsed.problems.push(Problem {
                    line: i + 1,
                    message: format!("invalid escape directive `{other}` (use \\ or `)"),
                }),
            }
        }
        parsed.directives.insert(name, value);
        i += 1;
    }
    i
}

/// Reads the instruction starting at line `*i` (with its continuation lines and heredoc
/// bodies) into `parsed`, advancing `*i` past it; the pending ignores go to it.
fn read_instruction(
    lines: &[&str],
    i: &mut usize,
    parsed: &mut Parsed,
    pending_ignores: &mut Vec<String>,
) {
    let start = *i;
    let logical = join_continuations(lines, i, parsed.escape);
    let mut end_line = (*i).min(lines.len()).max(start + 1);

    let logical = logical.trim_start();
    let kw_end = logical.find(char::is_whitespace).unwrap_or(logical.len());
    let keyword = logical.get(..kw_end).unwrap_or("").to_ascii_uppercase();
    let rest = logical.get(kw_end..).unwrap_or("").trim();
    if !KEYWORDS.contains(&keyword.as_str()) {
        let shown: String = keyword.chars().take(40).collect();
        parsed.problems.push(Problem {
            line: start + 1,
            message: format!("unknown instruction `{shown}`"),
        });
        pending_ignores.clear();
        return;
    }
    let (flags, args) = if takes_flags(&keyword) {
        split_flags(rest)
    } else {
        (Vec::new(), rest.to_string())
    };
    let exec = if takes_exec(&keyword) && args.starts_with('[') {
        serde_json::from_str::<Vec<String>>(&args).ok()
    } else if keyword == "HEALTHCHECK" {
        healthcheck_exec(&args)
    } else {
        None
    };

    let mut heredocs = Vec::new();
    if takes_heredoc(&keyword) && exec.is_none() {
        heredocs = read_heredocs(lines, i, &args, start, &mut parsed.problems);
        end_line = (*i).max(end_line);
    }

    if args.is_empty() && heredocs.is_empty() && !matches!(keyword.as_str(), "CMD" | "ENTRYPOINT") {
        parsed.problems.push(Problem {
            line: start + 1,
            message: format!("{keyword} has no arguments"),
        });
    }
    parsed.instructions.push(Instruction {
        line: start + 1,
        end_line,
        keyword,
        flags,
        args,
        exec,
        heredocs,
        ignores: std::mem::take(pending_ignores),
    });
}

/// Joins the line at `*i` with its continuation lines (comment and empty lines inside are
/// dropped), advancing `*i` past them.
fn join_continuations(lines: &[&str], i: &mut usize, escape: char) -> String {
    let mut logical = String::new();
    let mut current = lines.get(*i).copied().unwrap_or("");
    loop {
        match continuation(current, escape) {
            Some(body) => {
                logical.push_str(body);
                *i += 1;
                // Skip comments and blank lines inside the continuation.
                while let Some(next) = lines.get(*i) {
                    if is_comment(next) || next.trim().is_empty() {
                        *i += 1;
                    } else {
                        break;
                    }
                }
                match lines.get(*i) {
                    Some(next) => current = next,
                    None => break,
                }
            }
            None => {
                logical.push_str(current);
                *i += 1;
                break;
            }
        }
    }
    logical
}

/// Reads the bodies of the heredocs `args` opens, from line `*i` on, advancing `*i` past
/// them; an unclosed one is a problem at the instruction's line (`start`, 0-based).
fn read_heredocs(
    lines: &[&str],
    i: &mut usize,
    args: &str,
    start: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Heredoc> {
    let mut heredocs = Vec::new();
    for (delimiter, strip_tabs) in heredoc_markers(args) {
        let body_start = *i;
        let mut body = Vec::new();
        let mut closed = false;
        while let Some(l) = lines.get(*i) {
            *i += 1;
            let cmp = if strip_tabs {
                l.trim_start_matches('\t')
            } else {
                l
            };
            if cmp.trim_end() == delimiter {
                closed = true;
                break;
            }
            body.push(cmp);
        }
        if !closed {
            problems.push(Problem {
                line: start + 1,
                message: format!("heredoc <<{delimiter} is never closed"),
            });
        }
        heredocs.push(Heredoc {
            delimiter,
            line: body_start + 1,
            body: body.join("\n"),
        });
    }
    heredocs
}

/// Keeps the first MAX_PROBLEMS problems and summarises the rest in one line.
fn cap_problems(problems: &mut Vec<Problem>) {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem {
            line: 0,
            message: format!("… and {more} more problems"),
        });
    }
}

/// Reports a file whose first instruction (after any ARGs) is not FROM, or that has none.
fn check_first_instruction(parsed: &mut Parsed) {
    if let Some(first) = parsed.instructions.iter().find(|ins| ins.keyword != "ARG") {
        if first.keyword != "FROM" {
            parsed.problems.push(Problem {
                line: first.line,
                message: format!(
                    "the first instruction is {} (a Dockerfile must start with FROM, optionally after ARG)",
                    first.keyword
                ),
            });
        }
    } else {
        parsed.problems.push(Problem {
            line: 0,
            message: "no FROM instruction".to_string(),
        });
    }
}

/// `HEALTHCHECK [opts] CMD ["a","b"]` → the exec array.
fn healthcheck_exec(args: &str) -> Option<Vec<String>> {
    let rest = args.trim_start();
    let kw_end = rest.find(char::is_whitespace)?;
    if !rest.get(..kw_end)?.eq_ignore_ascii_case("CMD") {
        return None;
    }
    let cmd = rest.get(kw_end..)?.trim();
    if cmd.starts_with('[') {
        serde_json::from_str::<Vec<String>>(cmd).ok()
    } else {
        None
    }
}

/// Splits `args` into words, honouring double/single quotes and the escape character, and
/// removing the quotes (for ENV, ARG, LABEL, EXPOSE, USER, FROM).
pub fn words(args: &str, escape: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c == escape => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}

/// `KEY=value` pairs of ENV, ARG or LABEL. The legacy `ENV KEY value with spaces` form gives
/// one pair. `ARG NAME` without a default gives `(NAME, None)`.
pub fn key_values(keyword: &str, args: &str, escape: char) -> Vec<(String, Option<String>)> {
    let ws = words(args, escape);
    let legacy = keyword == "ENV" && ws.first().is_some_and(|w| !w.contains('='));
    if legacy {
        let mut it = ws.into_iter();
        let key = it.next().unwrap_or_default();
        let value: Vec<String> = it.collect();
        let value = (!value.is_empty()).then(|| value.join(" "));
        return vec![(key, value)];
    }
    ws.into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w, None),
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// Expands `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:+alt}` and
/// `${NAME+alt}` from `vars`. Returns the text and whether every variable had a value.
pub fn expand(text: &str, vars: &HashMap<String, String>) -> (String, bool) {
    let mut out = String::new();
    let mut complete = true;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            let Some(close) = chars[i + 2..].iter().position(|&c| c == '}') else {
                out.extend(&chars[i..]);
                complete = false;
                break;
            };
            let inner: String = chars[i + 2..i + 2 + close].iter().collect();
            let (name, op, word) = match inner.find([':', '-', '+']) {
                Some(p) => {
                    let name = &inner[..p];
                    let rest = &inner[p..];
                    let (op, word) = if let Some(w) = rest.strip_prefix(":-") {
                        ("-", w)
                    } else if let Some(w) = rest.strip_prefix(":+") {
                        ("+", w)
                    } else if let Some(w) = rest.strip_prefix('-') {
                        ("-", w)
                    } else if let Some(w) = rest.strip_prefix('+') {
                        ("+", w)
                    } else {
                        ("?", rest)
                    };
                    (name.to_string(), op, word.to_string())
                }
                None => (inner.clone(), "", String::new()),
            };
            let value = vars.get(&name).filter(|v| !v.is_empty());
            match (op, value) {
                ("-", Some(v)) | ("", Some(v)) => out.push_str(v),
                ("-", None) => out.push_str(&word),
                ("+", Some(_)) => out.push_str(&word),
                ("+", None) => {}
                _ => complete = false,
            }
            i += close + 3;
        } else {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            if j == i + 1 {
                out.push('$');
                i += 1;
                continue;
            }
            let name: String = chars[i + 1..j].iter().collect();
            match vars.get(&name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(v),
                None => complete = false,
            }
            i = j;
        }
    }
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(p: &Parsed) -> Vec<(usize, &str)> {
        p.instructions
            .iter()
            .map(|i| (i.line, i.keyword.as_str()))
            .collect()
    }

    #[test]
    fn continuation_lines_join_and_keep_the_first_line_number() {
        let p =
            parse("FROM alpine:3.19\n\nRUN apk add \\\n  # a comment\n\n  curl\nCMD [\"sh\"]\n");
        assert_eq!(kw(&p), vec![(1, "FROM"), (3, "RUN"), (7, "CMD")]);
        assert_eq!(p.instructions[1].args, "apk add   curl");
        assert_eq!(p.instructions[1].end_line, 6);
        assert_eq!(p.instructions[2].exec, Some(vec!["sh".to_string()]));
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn escape_directive_switches_to_backtick() {
        let p = parse("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n  && echo hi\n");
        assert_eq!(p.escape, '`');
        assert_eq!(kw(&p), vec![(2, "FROM"), (3, "RUN")]);
        assert_eq!(p.instructions[1].args, "dir c:\\   && echo hi");
    }

    #[test]
    fn directive_after_a_comment_is_just_a_comment() {
        let p = parse("# hello\n# escape=`\nFROM a:1\n");
        assert_eq!(p.escape, '\\');
    }

    #[test]
    fn heredocs_are_consumed_with_their_lines() {
        let text = "FROM debian:12\nRUN <<EOF\napt-get update\npip install x\nEOF\nCOPY <<-'CONF' /etc/app.conf\n\tkey=1\n\tCONF\nUSER 1000\n";
        let p = parse(text);
        assert_eq!(
            kw(&p),
            vec![(1, "FROM"), (2, "RUN"), (6, "COPY"), (9, "USER")]
        );
        let run = &p.instructions[1];
        assert_eq!(run.heredocs[0].body, "apt-get update\npip install x");
        assert!(run.command_text().contains("pip install x"));
        assert_eq!(run.end_line, 5);
        assert_eq!(p.instructions[2].heredocs[0].body, "key=1");
        assert!(p.problems.is_empty(), "{:?}", p.problems);
    }

    #[test]
    fn two_heredocs_and_here_strings() {
        assert_eq!(
            heredoc_markers("cat <<A <<\"B\" > f"),
            vec![("A".into(), false), ("B".into(), false)]
        );
        assert!(heredoc_markers("cat <<< \"$x\"").is_empty());
        assert!(heredoc_markers("echo $((1 << 2))").is_empty());
    }

    #[test]
    fn unterminated_heredoc_is_a_problem_not_a_panic() {
        let p = parse("FROM a:1\nRUN <<EOF\necho hi\n");
        assert_eq!(p.problems.len(), 1);
        assert!(p.problems[0].message.contains("never closed"));
    }

    #[test]
    fn flags_exec_and_shell_forms() {
        let p = parse("FROM --platform=$BUILDPLATFORM python:3.11 AS build\nCOPY --chown=app:app --from=build /a /b\nRUN --mount=type=cache,target=/root/.cache echo hi\nCMD python main.py\nHEALTHCHECK --interval=30s CMD [\"curl\",\"-f\",\"http://x\"]\n");
        let from = &p.instructions[0];
        assert_eq!(from.flag_value("platform"), Some("$BUILDPLATFORM"));
        assert_eq!(from.args, "python:3.11 AS build");
        let copy = &p.instructions[1];
        assert_eq!(copy.flag_value("chown"), Some("app:app"));
        assert_eq!(copy.flag_value("from"), Some("build"));
        assert_eq!(p.instructions[2].args, "echo hi");
        assert_eq!(p.instructions[3].exec, None);
        assert_eq!(p.instructions[4].exec.as_ref().map(|v| v.len()), Some(3));
    }

    #[test]
    fn invalid_json_falls_back_to_shell_form() {
        let p = parse("FROM a:1\nCMD [\"python\", main.py]\n");
        assert_eq!(p.instructions[1].exec, None);
    }

    #[test]
    fn pragmas_attach_to_the_next_instruction() {
        let p = parse("# hadolint global ignore=DL3006\nFROM a\n# devdoctor ignore=pip, DD011 # why\n# hadolint ignore=DL3004\nRUN sudo pip install x\nRUN true\n");
        assert_eq!(p.global_ignores, vec!["dl3006"]);
        assert_eq!(p.instructions[1].ignores, vec!["pip", "dd011", "dl3004"]);
        assert!(p.instructions[2].ignores.is_empty());
    }

    #[test]
    fn crlf_bom_and_lowercase_keywords() {
        let p = parse("\u{feff}from alpine:3\r\nrun echo \\\r\n  hi\r\n");
        assert_eq!(kw(&p), vec![(1, "FROM"), (2, "RUN")]);
        assert_eq!(p.instructions[1].args, "echo   hi");
    }

    #[test]
    fn unknown_instructions_and_missing_from_are_problems() {
        let p = parse("RUN echo\nFROMM x\n");
        let msgs: Vec<_> = p.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("unknown instruction `FROMM`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("must start with FROM")),
            "{msgs:?}"
        );
        assert!(parse("")
            .problems
            .iter()
            .any(|p| p.message == "no FROM instruction"));
    }

    #[test]
    fn words_and_key_values() {
        assert_eq!(
            key_values("ENV", "A=1 B=\"two words\" C='x y'", '\\'),
            vec![
                ("A".into(), Some("1".into())),
                ("B".into(), Some("two words".into())),
                ("C".into(), Some("x y".into()))
            ]
        );
        assert_eq!(
            key_values("ENV", "PATH /opt/conda/bin:$PATH", '\\'),
            vec![("PATH".into(), Some("/opt/conda/bin:$PATH".into()))]
        );
        assert_eq!(
            key_values("ARG", "TOKEN", '\\'),
            vec![("TOKEN".into(), None)]
        );
        assert_eq!(words("a\\ b c", '\\'), vec!["a b", "c"]);
    }

    #[test]
    fn expansion() {
        let vars: HashMap<String, String> = [("TAG".to_string(), "1.5.6".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            expand("mambaorg/micromamba:${TAG}", &vars),
            ("mambaorg/micromamba:1.5.6".into(), true)
        );
        assert_eq!(
            expand("python:$TAG-slim", &vars),
            ("python:1.5.6-slim".into(), true)
        );
        assert_eq!(expand("x:${NOPE:-3.11}", &vars), ("x:3.11".into(), true));
        assert_eq!(expand("x:${TAG:+set}", &vars), ("x:set".into(), true));
        assert_eq!(expand("x:$NOPE", &vars), ("x:".into(), false));
        assert!(!expand("x:${NOPE", &vars).1);
        assert_eq!(expand("a$", &vars), ("a$".into(), true));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]
        #[test]
        fn never_panics_on_arbitrary_text(s in "\\PC*") {
            let p = parse(&s);
            for ins in &p.instructions {
                proptest::prop_assert!(ins.line >= 1 && ins.end_line >= ins.line);
            }
        }

        #[test]
        fn never_panics_on_dockerfile_like_text(
            lines in proptest::collection::vec(
                "(FROM|RUN|COPY|ENV|ARG|USER|# escape=|#|HEALTHCHECK|  )[ a-z$`\\\\{}<\\-\"'=:\\[\\],]{0,30}(\\\\|`|<<EOF|EOF)?",
                0..30,
            )
        ) {
            let text = lines.join("\n");
            let p = parse(&text);
            for ins in &p.instructions {
                let _ = key_values(&ins.keyword, &ins.args, p.escape);
                let _ = expand(&ins.args, &HashMap::new());
            }
        }
    }
}
