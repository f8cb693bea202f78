//! Names the package managers accept.

/// conda's rules for an environment name: not empty, no `/`, space, `:` or `#`, no
/// control character, and (so it cannot be read as an option) no leading `-`. The plan
/// refuses a command that names another; env.file fails on such a `name:`, and `--env` or
/// `[env] name` with one is a usage error.
pub fn valid_env_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name
            .chars()
            .any(|c| matches!(c, '/' | ' ' | ':' | '#') || c.is_control() || c.is_whitespace())
}
