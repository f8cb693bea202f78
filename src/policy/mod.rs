//! One home for each policy that several modules share: which names look secret
//! ([`secrets`]), how text from outside is made safe to print ([`text`]) and the detector
//! behind "no fix ever calls pip" ([`no_pip`]).

pub mod no_pip;
pub mod secrets;
pub mod text;

use crate::core::{CheckMeta, CheckResult};
use text::multiline_in_place as clean;

/// Every string a check's metadata carries, made safe to print (plugin and pack names,
/// titles and explain texts come from outside).
pub fn outgoing_meta(meta: &mut CheckMeta) {
    clean(&mut meta.id);
    clean(&mut meta.category);
    clean(&mut meta.title);
    clean(&mut meta.explain);
}

/// A cleaned copy of a check's metadata, for `list` and `explain`.
pub fn shown_meta(meta: &CheckMeta) -> CheckMeta {
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
pub fn outgoing(result: &mut CheckResult) {
    clean(&mut result.summary);
    result.details.iter_mut().for_each(clean);
    for loc in &mut result.locations {
        clean(&mut loc.message);
    }
    if let Some(fix) = &mut result.fix {
        clean(&mut fix.why);
        fix.manual.iter_mut().for_each(clean);
        no_pip::guard(fix);
    }
    result.data.values_mut().for_each(json_value);
    crate::core::redact::result(result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Fix;

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
