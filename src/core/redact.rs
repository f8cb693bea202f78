//! The last line of defence for secrets: every text a check produces passes through here
//! before any renderer sees it. Checks redact what they know is secret (ENV values, compose
//! environment); this catches what they quote from elsewhere — a tool's stderr, DOCKER_HOST,
//! a URL in an error — so credentials never reach any output format.

use crate::core::CheckResult;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

pub const MARK: &str = "<redacted>";

fn url_userinfo() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // scheme://user:password@ or scheme://token@ (userinfo never contains / or whitespace).
    RE.get_or_init(|| Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@").expect("static regex"))
}

fn secret_assignment() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // password=…, token: …, api_key=… in free text and query strings.
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)\b((?:[a-z0-9]+[_-])*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|auth|credentials?))(\s*[=:]\s*|=)([^\s&'",;)]+)"#,
        )
        .expect("static regex")
    })
}

/// `text` with URL credentials and secret-looking assignments replaced by `<redacted>`.
pub fn text(text: &str) -> Cow<'_, str> {
    let step = url_userinfo().replace_all(text, format!("${{1}}{MARK}@"));
    match secret_assignment().replace_all(&step, |c: &regex::Captures| {
        if &c[3] == MARK {
            c[0].to_string()
        } else {
            format!("{}{}{MARK}", &c[1], &c[2])
        }
    }) {
        Cow::Borrowed(_) => step,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

fn in_place(s: &mut String) {
    if let Cow::Owned(clean) = text(s) {
        *s = clean;
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
pub fn result(r: &mut CheckResult) {
    in_place(&mut r.summary);
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
