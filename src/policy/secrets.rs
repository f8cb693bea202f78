//! The one classifier of secret-looking names. Redaction, `dockerfile.secrets`,
//! `compose.secrets`, pack `env` probes and URL query redaction all ask it.
//!
//! A name is split into lowercase words at `_`, `-`, `.` and camelCase boundaries. It looks
//! secret when one word *ends with* a credential word (so a prefix glued on still counts:
//! `PGPASSWORD`, `DBPASS`, `csrftoken`), when it has a qualified key (`API_KEY`,
//! `AWS_SECRET_ACCESS_KEY`, `privateKey`, `APIKEY`), or when a short credential word stands
//! alone (`GH_PAT`, `AUTH`). Decisions worth knowing:
//! - a name whose last word says it *points at* or *describes* a secret is not one:
//!   `PASSWORD_FILE`, `TOKEN_PATH`, `SECRET_NAME`, `AWS_ACCESS_KEY_ID`, `TOKEN_TTL`;
//! - public keys are not secrets: `PUBLIC_KEY`, `PUBLIC_KEY_PATH`;
//! - words are matched at their end only, so `TOKENIZERS_PARALLELISM`, `KEYBOARD_LAYOUT`,
//!   `MONKEY`, `PASSENGER`, `BYPASS_PROXY` and `COMPASS` are harmless;
//! - `PWD` and `OLDPWD` (the shell's working directory) are not secrets; `DB_PWD` is.

/// Words that make a name secret when a word of the name ends with them.
const GLUED: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "token",
    "secret",
    "apikey",
    "privatekey",
    "accesskey",
    "secretkey",
    "signingkey",
    "masterkey",
    "credential",
    "credentials",
    "pwd",
    "pass",
];

/// Ordinary English words that end with a glued credential word.
const NOT_GLUED: &[&str] = &[
    "bypass",
    "compass",
    "surpass",
    "overpass",
    "underpass",
    "trespass",
    "encompass",
    "oldpwd",
];

/// Words that are credentials only as a whole word.
const WHOLE: &[&str] = &["pat", "auth", "authorization", "privkey", "cookie"];

/// Qualifiers that make a following `key` a credential (`API_KEY`, `CLIENT_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "private",
    "access",
    "secret",
    "client",
    "signing",
    "encryption",
    "master",
    "license",
    "service",
    "account",
    "deploy",
    "ssh",
    "app",
    "auth",
    "session",
];

/// Last words that make a name a pointer to a secret or a description of one.
const POINTERS: &[&str] = &[
    "file",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "name",
    "id",
    "length",
    "len",
    "ttl",
    "expiry",
    "expires",
    "type",
    "kind",
    "count",
    "limit",
    "size",
    "max",
    "min",
    "header",
    "enabled",
    "required",
    "prefix",
    "format",
    "timeout",
    "lifetime",
    "env",
    "var",
    "command",
    "cmd",
    "mode",
    "policy",
    "version",
    "hint",
    "sock",
    "socket",
    "host",
    "port",
    "user",
    "username",
    "login",
    "algorithm",
    "method",
    "scheme",
    "strategy",
    "provider",
    "backend",
    "source",
    "location",
];

/// The lowercase words of a name: split at non-alphanumerics and lower→Upper boundaries.
pub(crate) fn words(name: &str) -> Vec<String> {
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
    parts
}

/// Whether a variable, label, flag or parameter name looks like it holds a credential.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let parts = words(name);
    let Some(last) = parts.last() else {
        return false;
    };
    if POINTERS.contains(&last.as_str()) {
        return false;
    }
    if parts.len() == 1 && last == "pwd" {
        return false;
    }
    let glued =
        |p: &String| !NOT_GLUED.contains(&p.as_str()) && GLUED.iter().any(|w| p.ends_with(w));
    let whole = |p: &String| WHOLE.contains(&p.as_str());
    let keyed = parts
        .windows(2)
        .any(|w| w[1] == "key" && KEY_QUALIFIERS.contains(&w[0].as_str()));
    parts.iter().any(|p| glued(p) || whole(p)) || keyed
}

/// Whether an environment variable (a `.env` line, a compose `environment:` entry) holds a
/// credential: a secret name, or a connection string that embeds one (`DATABASE_URL`,
/// `…_DSN`).
pub(crate) fn is_secret_env_name(name: &str) -> bool {
    is_secret_name(name)
        || name.eq_ignore_ascii_case("database_url")
        || words(name).last().is_some_and(|w| w == "dsn")
}

/// Whether a value is a literal (not empty, not just `$VAR` / `${VAR}`, not a flag word).
pub(crate) fn is_literal_value(value: &str) -> bool {
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

/// The literal fallback of a reference with a default, as compose and POSIX shells write it:
/// `${NAME:-hunter2}` and `${NAME-hunter2}` give `hunter2`. A plain reference, a required one
/// (`${NAME:?message}`), an alternative (`${NAME:+x}`), and a default that is empty, a flag
/// word or itself a reference give `None`.
pub(crate) fn literal_default(value: &str) -> Option<&str> {
    let inner = value.trim().strip_prefix("${")?.strip_suffix('}')?;
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|&i| i > 0)?;
    let rest = &inner[name_end..];
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    (is_literal_value(default) && !default.contains(['$', '{', '}'])).then_some(default)
}

/// Whether a URL query parameter's value should be hidden: a secret name, or one of the
/// names that carry credentials in URLs (`code`, `sig`, `key`, `session`, …). Broader than
/// [`is_secret_name`] because a query value is never needed to understand a finding.
pub(crate) fn is_secret_query_key(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    is_secret_name(name)
        || n == "code"
        || [
            "token",
            "key",
            "secret",
            "pass",
            "pwd",
            "auth",
            "sig",
            "credential",
            "session",
        ]
        .iter()
        .any(|s| n.contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_default_is_the_fallback_text() {
        assert_eq!(
            literal_default("${REDIS_PASSWORD:-defaultpassword123}"),
            Some("defaultpassword123")
        );
        assert_eq!(literal_default(" ${DB_PASS-hunter2} "), Some("hunter2"));
        for none in [
            "${DB_PASS}",
            "$DB_PASS",
            "${DB_PASS:-}",
            "${DB_PASS:?set DB_PASS}",
            "${DB_PASS:+x}",
            "${DB_PASS:-${OTHER}}",
            "${DB_PASS:-false}",
            "${:-x}",
            "hunter2",
            "${DB_PASS:-x}tail",
        ] {
            assert_eq!(literal_default(none), None, "{none}");
        }
    }

    const SECRET: &[&str] = &[
        "PGPASSWORD",
        "MYSQL_ROOT_PASSWORD",
        "MYSQL_PASSWORD",
        "POSTGRES_PASSWORD",
        "DBPASS",
        "DB_PASS",
        "DB_PWD",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "GH_PAT",
        "GITHUB_PAT",
        "GITHUB_TOKEN",
        "GH_TOKEN",
        "API_KEY",
        "APIKEY",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "SLACK_TOKEN",
        "SLACK_BOT_TOKEN",
        "NPM_TOKEN",
        "PYPI_TOKEN",
        "CONDA_TOKEN",
        "ANACONDA_API_TOKEN",
        "DJANGO_SECRET_KEY",
        "SECRET_KEY",
        "SECRET",
        "CLIENT_SECRET",
        "OAUTH_CLIENT_SECRET",
        "JWT_SECRET",
        "PRIVATE_KEY",
        "SSH_PRIVATE_KEY",
        "SSH_KEY",
        "privateKey",
        "apiKey",
        "accessToken",
        "refresh_token",
        "csrftoken",
        "password",
        "passwd",
        "PASSPHRASE",
        "GPG_PASSPHRASE",
        "DOCKER_PASSWORD",
        "REGISTRY_PASSWORD",
        "CREDENTIALS",
        "GOOGLE_CREDENTIALS",
        "AZURE_CLIENT_KEY",
        "STRIPE_SECRET",
        "SENDGRID_APIKEY",
        "token",
        "auth",
        "BASIC_AUTH",
        "HTTP_AUTHORIZATION",
        "SESSION_COOKIE",
        "ENCRYPTION_KEY",
        "SIGNING_KEY",
        "MASTER_KEY",
        "LICENSE_KEY",
        "api-key",
        "access-token",
        "ROOT_PASSWD",
    ];

    const HARMLESS: &[&str] = &[
        "PATH",
        "PWD",
        "OLDPWD",
        "HOME",
        "KEYBOARD_LAYOUT",
        "TOKENIZERS_PARALLELISM",
        "MONKEY",
        "PASSWORD_FILE",
        "POSTGRES_PASSWORD_FILE",
        "TOKEN_PATH",
        "PUBLIC_KEY",
        "PUBLIC_KEY_PATH",
        "publicKey",
        "SECRET_NAME",
        "AWS_ACCESS_KEY_ID",
        "CLIENT_ID",
        "TOKEN_TTL",
        "MAX_TOKENS",
        "PASSENGER",
        "BYPASS_PROXY",
        "COMPASS",
        "PYTHONPATH",
        "LANG",
        "DEBUG",
        "CONDA_PREFIX",
        "MAMBA_ROOT_PREFIX",
        "GPG_KEY",
        "CACHE_KEY",
        "SORT_KEY",
        "KEY",
        "AUTH_URL",
        "AUTHOR",
        "PATCH",
        "PATTERN",
        "SSH_AUTH_SOCK",
        "DB_USER",
        "DB_HOST",
        "PORT",
        "POSTGRES_HOST_AUTH_METHOD",
        "AUTH_SCHEME",
        "AUTH_PROVIDER",
        "SECRETARY",
        "TOKENIZER",
        "PASSENGERS",
        "PASSWORD_MIN_LENGTH",
        "TOKEN_EXPIRY",
        "SECRETS_DIR",
        "http_proxy",
        "",
        "_",
        "VERSION",
        "EDITOR",
        "SHELL",
        "TERM",
        "LC_ALL",
        "USER",
        "PASS_THROUGH_ENV",
        "SECRET_ENABLED",
        "API_URL",
        "API_VERSION",
        "KEY_NAME",
        "DISPATCH",
        "COMPATIBLE",
    ];

    #[test]
    fn secret_names_are_flagged() {
        assert!(SECRET.len() >= 60, "{}", SECRET.len());
        for n in SECRET {
            assert!(is_secret_name(n), "missed: {n}");
        }
    }

    #[test]
    fn harmless_names_are_not_flagged() {
        assert!(HARMLESS.len() >= 60, "{}", HARMLESS.len());
        for n in HARMLESS {
            assert!(!is_secret_name(n), "false positive: {n}");
        }
    }

    #[test]
    fn query_keys_are_broader() {
        for k in [
            "code",
            "sig",
            "X-Amz-Signature",
            "sessionid",
            "access_token",
            "key",
        ] {
            assert!(is_secret_query_key(k), "{k}");
        }
        for k in ["page", "q", "format", "encoding"] {
            assert!(!is_secret_query_key(k), "{k}");
        }
    }
}
