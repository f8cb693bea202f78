//! Names the package managers accept, and how Python distribution names compare.

/// conda's rules for an environment name: not empty, no `/`, space, `:` or `#`, no
/// control character, and (so it cannot be read as an option) no leading `-`. The plan
/// refuses a command that names another; env.file fails on such a `name:`, and `--env` or
/// `[env] name` with one is a usage error.
pub(crate) fn valid_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name
            .chars()
            .any(|c| matches!(c, '/' | ' ' | ':' | '#') || c.is_control() || c.is_whitespace())
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become `-`.
pub(crate) fn normalize_dist_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}
