//! Heuristics shared by the Dockerfile and compose secret rules: which copied files usually
//! hold secrets. Which names look like credentials, and which values are literals, is decided
//! by the one classifier in `policy::secrets`.

use super::shell;

pub(crate) use crate::policy::secrets::{is_literal_value, is_secret_name};

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
    // A pattern takes every file it matches: `COPY .env* ./` takes `.env` (the one a fresh
    // clone's README says to create) with the example, `.env.*` a `.env.local`. A pattern
    // that names neither a dot file nor `env` (`COPY src/* ./`) copies a folder's files as
    // `COPY src/ ./` would, which is dotenv.dockerignore's to judge, not a credential file.
    if name.contains(['*', '?', '[']) {
        let aimed = name.starts_with('.') || name.to_ascii_lowercase().contains("env");
        return aimed
            && globset::Glob::new(name).is_ok_and(|g| {
                let m = g.compile_matcher();
                m.is_match(".env") || m.is_match(".env.local")
            });
    }
    let example = ["example", "sample", "template", "dist"]
        .iter()
        .any(|s| name.ends_with(s));
    !example
        && (SECRET_FILES.contains(&name)
            || name.starts_with(".env.")
            || name.ends_with(".pem")
            || name.ends_with(".key"))
}
