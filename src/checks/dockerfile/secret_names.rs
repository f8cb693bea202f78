//! Heuristics shared by the Dockerfile and compose secret rules: which values are literals
//! and which copied files usually hold secrets. Which names look like credentials is decided
//! by the one classifier in `policy::secrets`.

use super::shell;

pub use crate::policy::secrets::is_secret_name;

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

pub(super) fn is_secret_file(source: &str) -> bool {
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
