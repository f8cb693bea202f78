//! The one sanitiser family for text from outside devdoctor (plugin output and names, pack
//! text, MCP server and tool names, file contents, tool stderr). Control characters and the
//! Unicode bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, which can make
//! a line display in a different order than it reads, e.g. to paint "✓ all good") are replaced
//! by U+FFFD, so tampering stays visible instead of silently vanishing.

/// Bidirectional embedding, override and isolate controls.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that corrupt a line-based format or a terminal: C0/C1 controls, DEL, line and
/// paragraph separators, BOM, non-characters and bidi controls. Tab only when `!keep_tab`.
fn is_unsafe(c: char, keep_tab: bool) -> bool {
    match c {
        '\t' => !keep_tab,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => true,
        c => is_bidi_control(c),
    }
}

/// The project folder's name as a name tools accept (image tags, environment names):
/// lowercase, only letters, digits, `.`, `_` and `-`, not starting with punctuation;
/// `fallback` when nothing is left.
pub(crate) fn project_slug(dir: &std::path::Path, fallback: &str) -> String {
    let name: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    let name = name.trim_start_matches(['.', '_', '-']);
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// One line: unsafe characters become U+FFFD (tabs kept when `keep_tab`); terminal colour
/// sequences (ESC [ … final byte) are removed whole first.
pub(crate) fn one_line(s: &str, keep_tab: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // CSI: parameter and intermediate bytes, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
            continue;
        }
        out.push(if is_unsafe(c, keep_tab) {
            '\u{fffd}'
        } else {
            c
        });
    }
    out
}

/// Like [`one_line`] but keeps line feeds and tabs (for multi-line bodies); CR LF becomes LF.
pub(crate) fn multiline(s: &str) -> String {
    s.replace("\r\n", "\n")
        .split('\n')
        .map(|line| one_line(line, true))
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`multiline`] in place, without allocating when nothing needs to change.
pub(crate) fn multiline_in_place(s: &mut String) {
    let clean = s.chars().all(|c| c == '\n' || !is_unsafe(c, true));
    if !clean {
        *s = multiline(s);
    }
}

/// Text quoted from a project file, made safe to print: every control character (line feeds
/// too) and bidi control becomes U+FFFD, and text over 300 characters is cut with `…`.
pub(crate) fn printable(text: &str) -> String {
    const MAX: usize = 300;
    let mut out: String = text
        .chars()
        .take(MAX)
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// A short, single-line, printable excerpt of bytes from outside (a response body, a tool
/// description) for a finding: whitespace and control characters fold to one space.
pub fn excerpt(bytes: &[u8], max_chars: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() || is_bidi_control(c) {
            ' '
        } else {
            c
        };
        if c == ' ' && (last_space || out.is_empty()) {
            continue;
        }
        last_space = c == ' ';
        if out.chars().count() >= max_chars {
            out.push('…');
            return out.trim_end().to_string();
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 file", "3 files".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_prose() {
        let l = |v: &[&str]| and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&[]), "");
        assert_eq!(l(&["conda-forge"]), "conda-forge");
        assert_eq!(l(&["conda-forge", "bioconda"]), "conda-forge and bioconda");
        assert_eq!(
            l(&["conda-forge", "pytorch", "fastai"]),
            "conda-forge, pytorch and fastai"
        );
    }

    #[test]
    fn controls_and_colours_are_neutralised() {
        assert_eq!(one_line("a\u{1b}[31;1mred\u{1b}[0m\tb", true), "ared\tb");
        assert_eq!(
            one_line("a\tb\u{0}c\u{85}d\u{2028}", false),
            "a\u{fffd}b\u{fffd}c\u{fffd}d\u{fffd}"
        );
        assert_eq!(one_line("«ü» ok", false), "«ü» ok");
        assert_eq!(multiline("x\r\ny\u{7}\nz"), "x\ny\u{fffd}\nz");
    }

    #[test]
    fn bidi_overrides_cannot_reorder_a_line() {
        // "fail" written right-to-left would display as "liaf"; with U+202E gone nothing is
        // reordered.
        for c in ['\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}'] {
            let s = format!("x{c}y");
            assert_eq!(one_line(&s, false), "x\u{fffd}y");
            assert_eq!(multiline(&s), "x\u{fffd}y");
            assert_eq!(printable(&s), "x\u{fffd}y");
        }
        for c in ['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'] {
            assert!(!one_line(&format!("✓ all good{c}"), true).contains(c));
        }
        // Neighbours of the ranges are ordinary text.
        for c in ['\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}'] {
            assert!(!is_bidi_control(c), "{c:?}");
        }
        let mut s = String::from("ok\u{202e}\u{1b}[2K");
        multiline_in_place(&mut s);
        assert_eq!(s, "ok\u{fffd}");
        let mut plain = String::from("line one\n\tline two");
        multiline_in_place(&mut plain);
        assert_eq!(plain, "line one\n\tline two");
    }

    #[test]
    fn printable_cuts_and_plural_counts() {
        assert_eq!(printable("a\u{1b}[31mb\n"), "a\u{fffd}[31mb\u{fffd}");
        assert!(printable(&"x".repeat(1000)).ends_with('…'));
        assert_eq!(plural(1, "file", "files"), "1 file");
        assert_eq!(plural(0, "file", "files"), "0 files");
    }
}
