//! The last line of defence for secrets: every text a check produces passes through here
//! before any renderer sees it. Checks redact what they know is secret (ENV values, compose
//! environment); this catches what they quote from elsewhere — a tool's stderr, DOCKER_HOST,
//! a URL in an error — so credentials never reach any output format.

use crate::core::CheckResult;
use crate::policy::secrets;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub(crate) const MARK: &str = "<redacted>";

fn url_userinfo() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // scheme://user:password@ or scheme://token@ (userinfo never contains / or whitespace).
    RE.get_or_init(|| Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@").expect("static regex"))
}

fn pem_block() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A PEM block that is not a certificate or a public key; a block cut off before its END
    // line (quoted text is often truncated) is redacted to the end of the text.
    RE.get_or_init(|| {
        Regex::new(r"(?s)-----BEGIN [A-Z0-9 ]*(?:PRIVATE|SECRET|ENCRYPTED)[A-Z0-9 ]*-----.*?(?:-----END [A-Z0-9 ]+-----|\z)")
            .expect("static regex")
    })
}

fn url_in_text() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#"(?i)\b[a-z][a-z0-9+.-]*://[^\s'"<>`]+"#).expect("static regex"))
}

fn channel_token() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // conda's channel token: a `/t/<token>/` path segment (anaconda.org and compatible
    // servers), anywhere in a URL path.
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/]+(?:/[^\s/?#]+)*?/t/)([A-Za-z0-9_.~-]+)(/|\s|$)",
        )
        .expect("static regex")
    })
}

/// The literal start of each shape [`token_shape`] matches: a text without any of them holds
/// no such token (`gh` alone is in "high" and "through").
const TOKEN_STARTS: &[&str] = &[
    "eyJ",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "xox",
    "AKIA",
    "ASIA",
];

fn token_shape() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // Tokens recognisable by their shape alone: JWTs, GitHub tokens, Slack tokens and AWS
    // access key ids.
    RE.get_or_init(|| {
        Regex::new(
            r"\b(?:eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[A-Z0-9]{16})\b",
        )
        .expect("static regex")
    })
}

fn query_value() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `?name=value` / `&name=value` in a URL or a quoted query string.
    RE.get_or_init(|| Regex::new(r"([?&])([A-Za-z0-9_.-]+)=([^&\s#'\x22]+)").expect("static regex"))
}

fn secret_flag() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // `--password X`, `--api-key=Y`, `-token X` in a quoted command line.
    RE.get_or_init(|| {
        Regex::new(r#"(^|[\s'"`])(--?[A-Za-z][A-Za-z0-9_-]*)(=|\s+)(['"]?)([^\s'"`]+)"#)
            .expect("static regex")
    })
}

fn secret_assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // NAME=value, NAME: value, "name": "value" in free text, config and JSON; the name is
    // judged by the one classifier of secret names.
    RE.get_or_init(|| {
        Regex::new(r#"(?i)\b([a-z_][a-z0-9_.-]*)(["']?)(\s*[=:]\s*|=)(["']?)([^\s&'",;)`]+)"#)
            .expect("static regex")
    })
}

fn auth_scheme() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\b((?i:bearer|basic)\s+)([A-Za-z0-9._~+/=-]{8,})").expect("static regex")
    })
}

/// A URL with rattler's display redaction (the `/t/<token>/` prefix, a password, a `sig`
/// signature), or `None` when it has nothing of that kind.
fn conda_url(url: &str) -> Option<String> {
    const SENTINEL: &str = "DEVDOCTORREDACTED";
    let parsed = url::Url::parse(url).ok()?;
    let token = parsed
        .path_segments()
        .is_some_and(|mut s| s.next() == Some("t") && s.next().is_some());
    let sig = parsed
        .query_pairs()
        .any(|(k, _)| k.eq_ignore_ascii_case("sig"));
    if !token && !sig {
        return None;
    }
    let shown = rattler_redaction::redact_url_for_display(&parsed, SENTINEL)?;
    Some(shown.as_str().replace(SENTINEL, MARK))
}

/// Whether the text after a `NAME: word` match goes on as prose ("ARG API_KEY: build
/// arguments are recorded…"): devdoctor's own sentences are not secrets.
fn is_prose(c: &regex::Captures, rest: &str) -> bool {
    c[3].contains(':')
        && c[3].ends_with(char::is_whitespace)
        && c[4].is_empty()
        && c[5].chars().all(|ch| ch.is_ascii_lowercase())
        && rest.starts_with(' ')
        && rest[1..].starts_with(|ch: char| ch.is_alphabetic() || ch == '`')
}

/// A value in devdoctor's own advice rather than a credential: an option spec such as
/// docker's `--secret id=NAME,src=FILE`, or a placeholder (`TOKEN`, `<token>`, `…`).
fn is_placeholder(value: &str) -> bool {
    let spec = value
        .split_once('=')
        .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase()));
    let upper = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || "_.…<>".contains(c));
    let angle = value.starts_with('<') && value.ends_with('>');
    spec || upper || angle
}

fn replace<'a>(
    text: Cow<'a, str>,
    re: &Regex,
    f: impl FnMut(&regex::Captures) -> String,
) -> Cow<'a, str> {
    match re.replace_all(&text, f) {
        Cow::Owned(s) if s != *text => Cow::Owned(s),
        _ => text,
    }
}

/// The names of the flags in `text` as [`secret_flag`] reads them: `-name` or `--name` at the
/// start, after white space or after a quote, the name starting with a letter. Only where one
/// of them is a secret name can the pattern change the text.
fn flag_names(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('-').filter_map(move |(i, _)| {
        let starts = text[..i]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "'\"`".contains(c));
        let rest = &text[i + 1..];
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let name = &rest[..len];
        (starts && name.starts_with(|c: char| c.is_ascii_alphabetic())).then_some(name)
    })
}

/// Whether a URL in `text` can hold what [`conda_url`] hides: a `/t/` first path segment (the
/// URL parser reads `\` as `/` and resolves `..`, which keeps the `t` between separators) or
/// a `sig` query key (in any case, or percent-encoded).
fn may_hold_conda_secret(text: &str) -> bool {
    ["/t/", "/t\\", "\\t/", "\\t\\"]
        .iter()
        .any(|n| text.contains(n))
        || text.contains('%')
        || text.to_ascii_lowercase().contains("sig")
}

/// Whether a run of the characters a [`secret_assignment`] name is made of (its class, with
/// the two non-ASCII letters that match `[a-z]` without case: KELVIN SIGN and LONG S) is a
/// secret name and is followed, after an optional quote and white space, by `=` or `:`. A
/// name is a run's tail after a `.` or `-`, a tail is secret only if its whole run is, and a
/// name ends where its run does (a name character cannot start the separator): so when this
/// says no, no assignment in the text is redacted. Prose such as "authorization applies to
/// remote servers" has the name but no assignment.
fn secret_name_assigned(text: &str) -> bool {
    let in_run = |c: char| {
        c.is_ascii_alphanumeric() || "_.-".contains(c) || c == '\u{212a}' || c == '\u{17f}'
    };
    let mut rest = text;
    while let Some(start) = rest.find(in_run) {
        let run_len = rest[start..]
            .find(|c: char| !in_run(c))
            .unwrap_or(rest.len() - start);
        let (run, after) = (&rest[start..start + run_len], &rest[start + run_len..]);
        if secrets::is_secret_name(run) {
            let after = after.strip_prefix(['"', '\'']).unwrap_or(after);
            if after.trim_start().starts_with(['=', ':']) {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Whether `text` holds a `?name=` or `&name=` that [`query_value`] needs.
fn may_hold_query(text: &str) -> bool {
    text.match_indices(['?', '&']).any(|(i, _)| {
        let rest = &text[i + 1..];
        let key = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "_.-".contains(c)))
            .unwrap_or(rest.len());
        key > 0 && rest[key..].starts_with('=')
    })
}

/// A package pinned to a version rather than a value assigned: `tiktoken==0.9.0` (pip),
/// `tiktoken=0.9` (conda): a name ending in "token" is a package there, and a dotted version
/// is no credential.
fn is_version_pin(c: &regex::Captures) -> bool {
    let value = &c[5];
    let version = value.trim_start_matches('=');
    let dotted = version.split_once('.').is_some_and(|(major, rest)| {
        !major.is_empty()
            && major.chars().all(|ch| ch.is_ascii_digit())
            && rest
                .chars()
                .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == '*')
    });
    c[3].trim() == "=" && c[4].is_empty() && dotted
}

/// Secret-looking assignments. A match whose name is not secret gives back only its name
/// and separator, so `stderr: token=x` still finds `token=x`.
fn assignments(text: Cow<'_, str>) -> Cow<'_, str> {
    let re = secret_assignment();
    let mut out = String::new();
    let mut done = 0;
    let mut at = 0;
    while let Some(c) = re.captures_at(&text, at) {
        let (all, sep_end) = (c.get(0).expect("match"), c.get(3).expect("sep").end());
        if &c[5] == MARK
            || !secrets::is_secret_name(&c[1])
            || is_prose(&c, &text[all.end()..])
            || is_version_pin(&c)
        {
            at = if secrets::is_secret_name(&c[1]) {
                all.end()
            } else {
                sep_end
            };
            continue;
        }
        let value = c.get(5).expect("value");
        out.push_str(&text[done..value.start()]);
        out.push_str(MARK);
        done = value.end();
        at = value.end();
    }
    if done == 0 {
        return text;
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

/// `text` with credentials replaced by `<redacted>`: PEM private keys, conda channel tokens,
/// URL userinfo, token shapes (JWT, GitHub, Slack, AWS key ids), secret query values
/// (`code=`, `access_token=`, `sig=`…), values after secret-looking flags (`--password X`)
/// and secret-looking assignments (`DB_PASSWORD=…`, `token: …`).
pub fn text(text: &str) -> Cow<'_, str> {
    // Each pattern runs only where the text holds what every match of it needs (most texts
    // hold no URL, key or token), so a clean report compiles and runs few of them.
    let has = |out: &Cow<str>, needles: &[&str]| needles.iter().any(|n| out.contains(n));
    let mut out = Cow::Borrowed(text);
    if has(&out, &["-----BEGIN "]) {
        out = replace(out, pem_block(), |_| MARK.to_string());
    }
    if has(&out, &["://"]) {
        if may_hold_conda_secret(&out) {
            out = replace(out, url_in_text(), |c| {
                conda_url(&c[0]).unwrap_or_else(|| c[0].to_string())
            });
        }
        if has(&out, &["/t/", "/T/"]) {
            out = replace(out, channel_token(), |c| {
                format!("{}{MARK}{}", &c[1], &c[3])
            });
        }
        if has(&out, &["@"]) {
            out = replace(out, url_userinfo(), |c| format!("{}{MARK}@", &c[1]));
        }
    }
    if has(&out, TOKEN_STARTS) {
        out = replace(out, token_shape(), |_| MARK.to_string());
    }
    if may_hold_query(&out) {
        out = replace(out, query_value(), |c| {
            if &c[3] != MARK && secrets::is_secret_query_key(&c[2]) {
                format!("{}{}={MARK}", &c[1], &c[2])
            } else {
                c[0].to_string()
            }
        });
    }
    if flag_names(&out).any(secrets::is_secret_name) {
        out = replace(out, secret_flag(), |c| {
            let name = c[2].trim_start_matches('-');
            if &c[5] != MARK
                && !c[5].starts_with('-')
                && !is_placeholder(&c[5])
                && secrets::is_secret_name(name)
            {
                format!("{}{}{}{}{MARK}", &c[1], &c[2], &c[3], &c[4])
            } else {
                c[0].to_string()
            }
        });
    }
    let lower = out.to_ascii_lowercase();
    if lower.contains("bearer") || lower.contains("basic") {
        out = replace(out, auth_scheme(), |c| {
            // "Basic authentication" is prose; a credential has a digit or a symbol.
            if c[2].chars().all(char::is_alphabetic) {
                c[0].to_string()
            } else {
                format!("{}{MARK}", &c[1])
            }
        });
    }
    if secret_name_assigned(&out) {
        out = assignments(out);
    }
    out
}

fn in_place(s: &mut String) {
    if let Cow::Owned(clean) = text(s) {
        *s = clean;
    }
}

/// A private key quoted one line per string (plugin output lines become details): the lines
/// between a BEGIN line and its END line are secret too.
fn pem_lines(lines: &mut [String]) {
    let mut inside = false;
    for line in lines.iter_mut() {
        let begins = line.contains("-----BEGIN ") && pem_block().is_match(line);
        if inside || begins {
            let ends = line.contains("-----END ");
            if inside || !ends {
                *line = MARK.to_string();
            }
            inside = !ends;
        }
    }
}

fn value(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => in_place(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(value),
        serde_json::Value::Object(map) => map.values_mut().for_each(value),
        _ => {}
    }
}

/// Redacts every human-readable text of a result. Fix commands are left alone: they are
/// built by devdoctor from settings, never from tool output, and must stay runnable.
pub(crate) fn result(r: &mut CheckResult) {
    in_place(&mut r.summary);
    pem_lines(&mut r.details);
    r.details.iter_mut().for_each(in_place);
    for loc in &mut r.locations {
        in_place(&mut loc.message);
    }
    if let Some(fix) = &mut r.fix {
        in_place(&mut fix.why);
        fix.manual.iter_mut().for_each(in_place);
    }
    r.data.values_mut().for_each(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(crate::proptest_config())]

        /// Every flag the pattern would redact is among the names the prefilter reads.
        #[test]
        fn flag_prefilter_sees_every_secret_flag(
            words in proptest::collection::vec(
                "-|--|---|--password|-token|--api-key|-p|x|=|'|\"|`| |\t|\u{a0}|s3cr3t|a-b|-1",
                0..10,
            ),
        ) {
            let text = words.concat();
            for c in secret_flag().captures_iter(&text) {
                if secrets::is_secret_name(c[2].trim_start_matches('-')) {
                    proptest::prop_assert!(
                        flag_names(&text).any(secrets::is_secret_name),
                        "{text:?}"
                    );
                }
            }
        }

        /// Where the query prefilter says no, the query pattern finds nothing; where no token
        /// shape's literal start occurs, the token pattern finds nothing.
        #[test]
        fn query_and_token_prefilters_hide_nothing(
            words in proptest::collection::vec(
                "code|token|x|9|=|\\?|&|#|'|\"|\u{e9}|gh|ghp|p_|o_|u_|s_|r_|_|github|_pat_|eyJ|J|xox|b-|AKI|ASI|A|0123456789abcdefghij|ABCDEFGHIJKLMNOP|\\.|-| ",
                0..14,
            ),
        ) {
            let text = words.concat();
            if !may_hold_query(&text) {
                proptest::prop_assert!(!query_value().is_match(&text), "{:?}", text);
            }
            if !TOKEN_STARTS.iter().any(|n| text.contains(n)) {
                proptest::prop_assert!(!token_shape().is_match(&text), "{:?}", text);
            }
        }

        /// Where the prefilter says no, rattler's URL redaction changes nothing.
        #[test]
        fn conda_url_prefilter_hides_no_change(
            segments in proptest::collection::vec(
                ("/|\\\\", "t|T|\\.\\.|\\.|%2e%2e|%74|x|tok|"),
                0..5,
            ),
            query in proptest::collection::vec(
                ("\\?|&", "sig|SIG|%73ig|s%69g|%73%69%67|x|sg|si", "=v|"),
                0..3,
            ),
            tail in "|#x| y",
        ) {
            let mut text = "see https://h".to_string();
            for (sep, seg) in &segments {
                text.push_str(sep);
                text.push_str(seg);
            }
            for (sep, key, value) in &query {
                text.push_str(sep);
                text.push_str(key);
                text.push_str(value);
            }
            text.push_str(&tail);
            if !may_hold_conda_secret(&text) {
                for m in url_in_text().find_iter(&text) {
                    proptest::prop_assert_eq!(conda_url(m.as_str()), None, "{:?}", text);
                }
            }
        }

        /// Where no secret name is followed by a separator, assignments change nothing.
        #[test]
        fn assignment_prefilter_hides_no_change(
            words in proptest::collection::vec(
                "token|TOKEN|pass|word|api|key|_|\\.|-|x|9|=|:|\"|'| |\t|\u{a0}|\u{212a}|\u{17f}|\u{e9}|value1|path|file|pwd|my|authorization",
                0..14,
            ),
        ) {
            let text = words.concat();
            if !secret_name_assigned(&text) {
                let out = assignments(Cow::Borrowed(&text));
                proptest::prop_assert_eq!(out.as_ref(), text.as_str());
            }
        }
    }

    #[test]
    fn url_credentials_are_removed() {
        assert_eq!(
            text("tcp://admin:hunter2@127.0.0.1:2375 refused"),
            "tcp://<redacted>@127.0.0.1:2375 refused"
        );
        assert_eq!(
            text("fetch https://ghp_abc@github.com/x failed"),
            "fetch https://<redacted>@github.com/x failed"
        );
        assert_eq!(
            text("mailto-ish user@example.com stays"),
            "mailto-ish user@example.com stays"
        );
    }

    #[test]
    fn secret_assignments_are_removed() {
        assert_eq!(text("token=abc123 next"), "token=<redacted> next");
        assert_eq!(text("?api_key=XYZ&x=1"), "?api_key=<redacted>&x=1");
        assert_eq!(text("DB_PASSWORD: s3cr3t"), "DB_PASSWORD: <redacted>");
        assert_eq!(text("password=<redacted>"), "password=<redacted>");
        // A password that only looks like a version part is still one.
        assert_eq!(text("token=0.9abc"), "token=<redacted>");
        assert_eq!(text("TOKEN=12345"), "TOKEN=<redacted>");
    }

    #[test]
    fn package_pins_are_not_assignments() {
        for s in [
            "pip: `tiktoken==0.9.0` — pip is the last resort",
            "dependencies: tiktoken=0.9 and my-token-lib=1.2.*",
        ] {
            assert!(matches!(text(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for s in [
            "micromamba 2.0.5 at /home/u/.local/bin/micromamba",
            "python 3.11.9 matches python=3.11",
            "http://127.0.0.1:8000/health answered 200",
            "the token count is high",
        ] {
            assert!(matches!(text(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn glued_names_and_quotes_are_redacted() {
        assert_eq!(text("PGPASSWORD=pw1 psql"), "PGPASSWORD=<redacted> psql");
        assert_eq!(text("DBPASS='pw2'"), "DBPASS='<redacted>'");
        assert_eq!(
            text(r#"{"client_secret": "pw3"}"#),
            r#"{"client_secret": "<redacted>"}"#
        );
        assert_eq!(
            text("PASSWORD_FILE=/run/secrets/db"),
            "PASSWORD_FILE=/run/secrets/db"
        );
    }

    #[test]
    fn channel_tokens_are_removed() {
        assert_eq!(
            text("  - https://conda.anaconda.org/t/ab-12cd34ef-5678/my-channel"),
            "  - https://conda.anaconda.org/t/<redacted>/my-channel"
        );
        assert_eq!(
            text(
                "url: https://repo.example.com/conda/t/tk_0123456789/conda-forge/linux-64/x.conda"
            ),
            "url: https://repo.example.com/conda/t/<redacted>/conda-forge/linux-64/x.conda"
        );
        assert_eq!(
            text("channel_alias: https://conda.example.org/t/s3cr3t"),
            "channel_alias: https://conda.example.org/t/<redacted>"
        );
    }

    #[test]
    fn flag_values_and_query_codes_are_removed() {
        assert_eq!(
            text("ran `tool --password hunter2 --api-key=k3y -v`"),
            "ran `tool --password <redacted> --api-key=<redacted> -v`"
        );
        assert_eq!(text("login --token 'abc'"), "login --token '<redacted>'");
        assert_eq!(
            text("docker login --password-stdin -u me"),
            "docker login --password-stdin -u me"
        );
        assert_eq!(
            text("GET /cb?code=xyz123&state=1&access_token=tt"),
            "GET /cb?code=<redacted>&state=1&access_token=<redacted>"
        );
        assert_eq!(
            text("https://h/x?sv=1&sig=abc%3D"),
            "https://h/x?sv=1&sig=<redacted>"
        );
        assert_eq!(
            text("Authorization: Bearer abc.def.123"),
            "Authorization: <redacted> <redacted>"
        );
    }

    #[test]
    fn token_shapes_are_removed() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        for secret in [
            jwt,
            "ghp_0123456789abcdefABCDEF0123456789abcd",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "xoxb-1234567890-abcdefghij",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            let t = format!("seen {secret} here");
            assert_eq!(text(&t), "seen <redacted> here", "{secret}");
        }
        let pem = "key: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY----- end";
        assert_eq!(text(pem), "key: <redacted> end");
        let cut = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA";
        assert_eq!(text(cut), "<redacted>");
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assert_eq!(text(cert), cert);
    }

    #[test]
    fn a_key_split_over_lines_is_redacted() {
        let mut lines: Vec<String> = [
            "before",
            "-----BEGIN EC PRIVATE KEY-----",
            "MHcCAQEEIBody",
            "-----END EC PRIVATE KEY-----",
            "after",
        ]
        .map(String::from)
        .to_vec();
        pem_lines(&mut lines);
        assert_eq!(lines, ["before", MARK, MARK, MARK, "after"]);
    }

    #[test]
    fn devdoctor_words_are_not_garbled() {
        for s in [
            "ARG API_KEY: build arguments are recorded in the image history; use a build secret",
            "ENV DB_PASSWORD copies a value into the image's environment",
            "service `web` has a plaintext value for MYSQL_ROOT_PASSWORD in `environment` (redacted)",
            "Basic authentication is off",
            "TOKENIZERS_PARALLELISM=false",
            "exit code=1",
            "with `docker build --secret id=NAME,src=FILE`; pass run-time secrets",
            "log in with `tool login --token TOKEN`",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn a_whole_result_is_redacted() {
        let mut r = CheckResult::fail("cannot reach tcp://a:pw1@h")
            .detail("stderr: token=pw2")
            .data("raw", serde_json::json!({"e": ["https://u:pw3@x/y"]}));
        result(&mut r);
        let all = serde_json::to_string(&r).unwrap();
        for s in ["pw1", "pw2", "pw3"] {
            assert!(!all.contains(s), "{all}");
        }
    }
}
