//! The `http` probe kind, through the bounded HTTP helper (`crate::probes::http`): a deadline,
//! a body cap, and the loopback-only policy unless --allow-remote.

use super::model::HttpProbe;
use super::placeholders::Vars;
use crate::core::{CheckResult, Context};
use crate::probes::http::{self as net, Client, HttpError, Request, Target, UrlError};

/// Follows a dotted path (`checks.db.ok`, `items.0.name`) into a JSON value.
pub(super) fn json_path<'a>(
    root: &'a serde_json::Value,
    path: &str,
) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(root, |v, part| match v {
        serde_json::Value::Object(map) => map.get(part),
        serde_json::Value::Array(items) => part.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn same(expected: &serde_json::Value, found: &serde_json::Value) -> bool {
    match (expected.as_f64(), found.as_f64()) {
        (Some(a), Some(b)) => a == b,
        _ => expected == found,
    }
}

pub(super) fn probe(ctx: &Context, vars: &Vars, p: &HttpProbe) -> CheckResult {
    let Some(url) = vars.expand(&p.url) else {
        return CheckResult::unknown("cannot build the URL: the environment name is unknown");
    };
    let allow_remote = ctx.settings.allow_remote;
    let target = match Target::parse_allowed(&url, allow_remote) {
        Ok(t) => t,
        Err(e @ UrlError::Remote(_)) => {
            return CheckResult::skip(format!("{} is not loopback", net::redact(&url)))
                .detail(e.to_string())
        }
        Err(e) => return CheckResult::unknown(e.to_string()),
    };
    let shown = target.display();
    let client = Client::new(super::probe::budget(ctx, p.timeout), allow_remote);
    let resp = match client
        .send(Request::new("GET", &target).header("accept", "application/json, */*"))
    {
        Ok(r) => r,
        Err(e @ (HttpError::Timeout | HttpError::Other(_) | HttpError::TooLarge(_))) => {
            return CheckResult::unknown(format!("GET {shown}: {e}"))
        }
        Err(e @ HttpError::Url(UrlError::Remote(_))) => {
            return CheckResult::skip(format!("{shown} is not loopback")).detail(e.to_string())
        }
        Err(HttpError::Refused) => {
            return CheckResult::fail(format!("nothing answers at {shown} (connection refused)"))
        }
        Err(e) => return CheckResult::fail(format!("GET {shown}: {e}")),
    };
    let status = resp.status;
    let elapsed = resp.elapsed.as_millis() as u64;
    let status_ok = match p.status {
        Some(want) => status == want,
        None => (200..300).contains(&status),
    };
    let line = format!("GET {shown} → {status} {}", net::reason(status))
        .trim_end()
        .to_string();
    if !status_ok {
        let want = p.status.map_or("2xx".to_string(), |s| s.to_string());
        return CheckResult::fail(format!("{line} (expected {want})"))
            .data("status", status)
            .data("elapsed_ms", elapsed);
    }
    if p.body_regex.is_none() && p.json_field.is_none() {
        return CheckResult::ok(line)
            .data("status", status)
            .data("elapsed_ms", elapsed);
    }
    let body = match resp.read_capped(net::BODY_CAP) {
        Ok(b) => b,
        Err(HttpError::Timeout) => {
            return CheckResult::unknown(format!(
                "GET {shown}: the body did not arrive before the timeout"
            ))
        }
        Err(e) => return CheckResult::fail(format!("GET {shown}: {e}")),
    };
    let text = String::from_utf8_lossy(&body.bytes);
    if let Some(re) = &p.body_regex {
        if !re.is_match(&text) {
            return CheckResult::fail(format!(
                "the body of {shown} does not match /{}/",
                re.as_str()
            ))
            .detail(format!(
                "body: {}",
                crate::policy::text::excerpt(&body.bytes, 200)
            ))
            .data("status", status);
        }
    }
    if let Some(field) = &p.json_field {
        let json: serde_json::Value = match serde_json::from_str(&text) {
            Ok(j) => j,
            Err(e) => {
                return CheckResult::fail(format!("the body of {shown} is not JSON: {e}")).detail(
                    format!("body: {}", crate::policy::text::excerpt(&body.bytes, 200)),
                )
            }
        };
        let Some(found) = json_path(&json, field) else {
            return CheckResult::fail(format!("the JSON from {shown} has no field `{field}`"))
                .detail(format!(
                    "body: {}",
                    crate::policy::text::excerpt(&body.bytes, 200)
                ));
        };
        if let Some(want) = &p.json_value {
            if !same(want, found) {
                return CheckResult::fail(format!("`{field}` is {found}, expected {want}"))
                    .data("status", status);
            }
        }
    }
    CheckResult::ok(line)
        .data("status", status)
        .data("elapsed_ms", elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_paths() {
        let v = json!({"status": "ok", "checks": {"db": {"ok": true}}, "items": [{"name": "a"}]});
        assert_eq!(json_path(&v, "status"), Some(&json!("ok")));
        assert_eq!(json_path(&v, "checks.db.ok"), Some(&json!(true)));
        assert_eq!(json_path(&v, "items.0.name"), Some(&json!("a")));
        assert_eq!(json_path(&v, "items.9.name"), None);
        assert_eq!(json_path(&v, "status.deeper"), None);
        assert!(same(&json!(1), &json!(1.0)));
        assert!(!same(&json!("1"), &json!(1)));
    }
}
