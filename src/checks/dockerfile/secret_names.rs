//! Heuristics shared by the Dockerfile and compose secret rules: which names look like
//! credentials, which values are literals, which copied files usually hold secrets.

use super::shell;

/// Whether a variable or label name looks like it holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            parts.push(std::mem::take(&mut cur));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    parts.push(cur);
    parts.retain(|p| !p.is_empty());
    let Some(last) = parts.last() else {
        return false;
    };
    // `PASSWORD_FILE=/run/secrets/db` points at a secret; it is not one.
    if matches!(
        last.as_str(),
        "file" | "path" | "dir" | "url" | "endpoint" | "name" | "id" | "length" | "ttl" | "expiry"
    ) {
        return false;
    }
    let has = |w: &str| parts.iter().any(|p| p == w);
    let pair = |a: &str, b: &str| parts.windows(2).any(|p| p[0] == a && p[1] == b);
    [
        "token",
        "secret",
        "password",
        "passwd",
        "apikey",
        "credentials",
        "credential",
        "privatekey",
        "passphrase",
    ]
    .iter()
    .any(|w| has(w))
        || [
            "api",
            "private",
            "access",
            "secret",
            "client",
            "signing",
            "encryption",
            "master",
        ]
        .iter()
        .any(|a| pair(a, "key"))
}

/// Whether a value is a literal (not empty, not just `$VAR` / `${VAR}`, not a flag word).
pub fn is_literal_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    let only_ref = v
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .is_some_and(|n| !n.contains(['$', '}']))
        || v.strip_prefix('$').is_some_and(|n| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    let flag = matches!(
        v.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "0" | "1" | "on" | "off" | "none" | "null"
    );
    !only_ref && !flag
}

const SECRET_FILES: &[&str] = &[
    ".env",
    ".netrc",
    ".npmrc",
    ".pypirc",
    "id_rsa",
    "id_ed25519",
    "id_ecdsa",
    "credentials",
    "credentials.json",
    ".git-credentials",
];

pub fn is_secret_file(source: &str) -> bool {
    let name = shell::basename(source.trim_end_matches('/'));
    let example = ["example", "sample", "template", "dist"]
        .iter()
        .any(|s| name.ends_with(s));
    !example
        && (SECRET_FILES.contains(&name)
            || name.starts_with(".env.")
            || name.ends_with(".pem")
            || name.ends_with(".key"))
}
