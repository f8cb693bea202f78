//! `devdoctor.toml` and the settings every check reads. Each setting has a default and a flag
//! that overrides it; unknown keys and wrong types are errors naming the file, line and key.

use crate::cli::{GlobalArgs, RunArgs, ServerArgs};
use crate::core::Settings;
use crate::core::{Diagnostic, Status};
use anyhow::{Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) const CONFIG_FILE: &str = "devdoctor.toml";
/// Where a project keeps its own packs.
pub(crate) const PROJECT_PACK_DIR: &str = ".devdoctor/checks";
/// Where a project keeps its plugins.
pub(crate) const PROJECT_PLUGIN_DIR: &str = ".devdoctor/plugins";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    env: EnvSection,
    /// `None` when the file has no `[mcp]` table: the project did not declare an MCP server.
    mcp: Option<McpSection>,
    #[serde(default)]
    docker: DockerSection,
    #[serde(default)]
    checks: ChecksSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvSection {
    name: Option<String>,
    file: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct McpSection {
    health_url: Option<String>,
    url: Option<String>,
    server_dir: Option<PathBuf>,
    server_command: Option<Vec<String>>,
    allow_remote: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DockerSection {
    image: Option<String>,
    dockerfiles: Option<Vec<PathBuf>>,
    compose_files: Option<Vec<PathBuf>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecksSection {
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    /// Extra pack directories (besides .devdoctor/checks).
    #[serde(default)]
    packs: Vec<PathBuf>,
    /// Extra plugin directories or executables (besides .devdoctor/plugins).
    #[serde(default)]
    plugins: Vec<PathBuf>,
    timeout: Option<f64>,
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = offset
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, col)
}

/// Turns a toml deserialisation error into `file:line:col: message` plus a hint.
pub(crate) fn toml_error(
    path: &Path,
    text: &str,
    err: &toml::de::Error,
    hint: &str,
) -> anyhow::Error {
    let place = match err.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{}:{line}:{col}", path.display())
        }
        None => path.display().to_string(),
    };
    Diagnostic::usage(err.message().trim())
        .at(place)
        .hint(hint)
        .into()
}

/// A devdoctor.toml is a few hundred bytes; anything past this is not one.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

fn parse_file(path: &Path) -> Result<FileConfig> {
    let text =
        crate::disk::read_capped_utf8(path, MAX_CONFIG_BYTES, "this is not a devdoctor.toml")
            .map_err(|why| anyhow::anyhow!("cannot read config file {}: {why}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        toml_error(
            path,
            &text,
            &e,
            "see docs/configuration.md for the keys devdoctor.toml accepts",
        )
    })
}

fn parse_duration(what: &str, s: &str) -> Result<Duration> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        return secs_to_duration(what, secs);
    }
    humantime::parse_duration(s).map_err(|e| {
        Diagnostic::usage(format!("invalid {what} `{s}`: {e}"))
            .hint("use seconds (30) or a duration such as 30s, 2m, 1m30s")
            .into()
    })
}

fn secs_to_duration(what: &str, secs: f64) -> Result<Duration> {
    if !secs.is_finite() || secs <= 0.0 || secs > 86_400.0 {
        return Err(Diagnostic::usage(format!("invalid {what} `{secs}`"))
            .hint("give a positive number of seconds, at most 86400")
            .into());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A relative path flag (`--env-file`, `--config`, `--checks`) is relative to the project
/// directory (`-C`), like the paths in the config file; when it exists only relative to the
/// current directory (`-C sub --env-file sub/environment.yml`), that one is meant.
fn flag_path(project_dir: &Path, cwd: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        return p.to_path_buf();
    }
    let in_project = project_dir.join(p);
    let in_cwd = cwd.join(p);
    if !in_project.exists() && in_cwd.exists() {
        in_cwd
    } else {
        in_project
    }
}

/// Asked whether the project's devdoctor.toml may be read where it leads outside the project
/// folder (the project folder, where the config leads).
pub(crate) type ReadOutside<'a> = &'a dyn Fn(&Path, &Path) -> bool;

/// The project folder (`-C`, else the current one) and the config file (`--config`, else the
/// project's devdoctor.toml when there is one), and where the project's devdoctor.toml leads
/// when it is a link out of the project that `read_outside` does not allow (the user has not
/// trusted it). A config the user names with `--config` is theirs and always read.
fn locate(
    args: &GlobalArgs,
    cwd: &Path,
    read_outside: ReadOutside,
) -> Result<(PathBuf, Option<PathBuf>, Option<PathBuf>)> {
    let project_dir = match &args.project_dir {
        Some(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                cwd.join(dir)
            };
            if !dir.is_dir() {
                return Err(Diagnostic::usage(format!(
                    "project directory {} does not exist or is not a directory",
                    dir.display()
                ))
                .hint("pass an existing folder with -C DIR")
                .into());
            }
            dir
        }
        None => cwd.to_path_buf(),
    };
    let config_file = match &args.config {
        Some(p) => {
            let p = flag_path(&project_dir, cwd, p);
            if !p.is_file() {
                return Err(
                    Diagnostic::usage(format!("config file {} not found", p.display()))
                        .hint("check the path given to --config")
                        .into(),
                );
            }
            Some(p)
        }
        None => {
            let own = project_dir.join(CONFIG_FILE);
            match leads_out(&project_dir, &own) {
                _ if !own.is_file() => None,
                Some(target) if !read_outside(&project_dir, &target) => {
                    return Ok((project_dir, None, Some(target)));
                }
                _ => Some(own),
            }
        }
    };
    Ok((project_dir, config_file, None))
}

/// Where the project's own `file` really leads when that is outside the project (it is a link
/// out, or lies below one).
fn leads_out(project_dir: &Path, file: &Path) -> Option<PathBuf> {
    let root = project_dir.canonicalize().ok()?;
    let real = file.canonicalize().ok()?;
    (!real.starts_with(&root)).then_some(real)
}

/// Builds the settings from the optional config file, the global flags and those of a check
/// run (defaults for a command that takes none). `read_outside`: see [`locate`].
pub(crate) fn resolve(
    global: &GlobalArgs,
    args: &RunArgs,
    read_outside: ReadOutside,
) -> Result<Settings> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let (project_dir, config_file, config_withheld) = locate(global, &cwd, read_outside)?;
    let file = match &config_file {
        Some(p) => parse_file(p)?,
        None => FileConfig::default(),
    };

    let mut s = Settings {
        project_dir: project_dir.clone(),
        config_file: config_file.clone(),
        config_withheld,
        server_dir: project_dir.clone(),
        env_file: project_dir.join("environment.yml"),
        ..Settings::default()
    };
    let config_name = config_file
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();

    // [env]
    // An empty name (`--env "$UNSET"`) means none, as it always has.
    let given = |n: &Option<String>| n.clone().filter(|n| !n.trim().is_empty());
    let from_flag = given(&args.env_name).is_some();
    s.env_name = given(&args.env_name).or(given(&file.env.name));
    if let Some(n) = s
        .env_name
        .as_deref()
        .filter(|n| !crate::policy::names::valid_env_name(n))
    {
        let place = if from_flag {
            "--env".to_string()
        } else {
            format!("{config_name}: [env] name")
        };
        return Err(Diagnostic::usage(format!(
            "{place} `{}` is not a valid environment name",
            crate::policy::text::printable(n)
        ))
        .hint("conda and micromamba refuse empty names, `/`, spaces, `:`, `#` and a leading `-`")
        .into());
    }
    if let Some(f) = args.env_file.as_ref() {
        s.env_file = flag_path(&project_dir, &cwd, f);
        s.env_file_explicit = true;
    } else if let Some(f) = file.env.file {
        s.env_file = s.project_path(&f);
        s.env_file_explicit = true;
        s.env_file_from_config = true;
    }
    // [mcp]
    resolve_mcp(&mut s, &args.server, file.mcp, &config_name)?;
    // Reaching beyond loopback is the user's decision (the flag), never the project's.
    s.allow_remote = args.server.allow_remote;

    // [docker]
    s.image = args.image.clone().or(file.docker.image);
    let in_project = |paths: Option<Vec<PathBuf>>| -> Vec<PathBuf> {
        paths.iter().flatten().map(|p| s.project_path(p)).collect()
    };
    let dockerfiles = in_project(file.docker.dockerfiles);
    let compose_files = in_project(file.docker.compose_files);
    (s.dockerfiles, s.compose_files) = (dockerfiles, compose_files);
    s.run_containers = args.run_containers;
    s.scan = args.scan;
    s.deep = args.deep;
    // [checks]
    s.skip = file.checks.skip;
    s.skip.extend(args.skip.iter().cloned());
    for (id, sev) in file.checks.severity {
        match Status::parse(&sev) {
            Some(st @ (Status::Warn | Status::Fail)) => {
                s.severity.insert(id, st);
            }
            _ => {
                return Err(Diagnostic::usage(format!(
                    "{config_name}: [checks] severity for `{id}` is `{sev}`"
                ))
                .hint("use \"warn\" or \"fail\" (to turn a check off, list it in [checks] skip)")
                .into())
            }
        }
    }
    s.pack_dirs = file
        .checks
        .packs
        .iter()
        .map(|p| s.project_path(p))
        .collect();
    // --checks DIR is relative to -C, like the other path flags.
    s.user_pack_dirs = global
        .checks
        .iter()
        .map(|p| flag_path(&project_dir, &cwd, p))
        .collect();
    s.pack_dirs.extend(s.user_pack_dirs.iter().cloned());
    s.plugin_paths = file
        .checks
        .plugins
        .iter()
        .map(|p| s.project_path(p))
        .collect();
    if let Some(t) = args.server.timeout.or(file.checks.timeout) {
        s.timeout = secs_to_duration("timeout", t)?;
        s.timeout_from_project = args.server.timeout.is_none();
    }
    if let Some(w) = &args.wait {
        s.wait = Some(parse_duration("--wait duration", w)?);
    }
    Ok(s)
}

/// The `[mcp]` table and the URL flags: what was set, and whether that declares an MCP server.
fn resolve_mcp(
    s: &mut Settings,
    args: &ServerArgs,
    mcp: Option<McpSection>,
    config_name: &str,
) -> Result<()> {
    let declared_by_table = mcp.is_some();
    let mcp = mcp.unwrap_or_default();
    if let Some(u) = args.health_url.clone().or(mcp.health_url) {
        s.health_url = u;
        s.health_url_explicit = true;
    }
    if let Some(u) = args.mcp_url.clone().or(mcp.url) {
        s.mcp_url = u;
        s.mcp_url_explicit = true;
    }
    if let Some(d) = mcp.server_dir {
        s.server_dir = s.project_path(&d);
    }
    if let Some(c) = mcp.server_command {
        if c.is_empty() {
            return Err(Diagnostic::usage(format!(
                "{config_name}: [mcp] server_command must not be empty"
            ))
            .hint("e.g. server_command = [\"python\", \"main.py\"]")
            .into());
        }
        s.server_command = c;
        s.server_command_explicit = true;
    }
    s.mcp_declared = if args.mcp_url.is_some() {
        Some("--mcp-url was given".into())
    } else if args.health_url.is_some() {
        Some("--health-url was given".into())
    } else if declared_by_table {
        let name = Path::new(config_name).file_name().unwrap_or_default();
        Some(format!("{} has an [mcp] table", name.to_string_lossy()))
    } else {
        None
    };
    s.project_asked_remote = mcp.allow_remote == Some(true);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> std::result::Result<FileConfig, String> {
        toml::from_str::<FileConfig>(text).map_err(|e| {
            format!(
                "{:#}",
                toml_error(Path::new("devdoctor.toml"), text, &e, "h")
            )
        })
    }

    #[test]
    fn full_example_parses() {
        let cfg = parse(
            r#"
[env]
name = "mcp-finance-backend"
file = "environment.yml"
[mcp]
health_url = "http://127.0.0.1:8000/health"
url = "http://127.0.0.1:8000/mcp"
server_dir = "."
server_command = ["python", "main.py"]
[docker]
image = "mcp-finance-backend:latest"
dockerfiles = ["Dockerfile"]
compose_files = ["docker-compose.yml"]
[checks]
skip = ["image.scanner"]
severity = { "env.lock" = "warn" }
"#,
        )
        .unwrap();
        assert_eq!(cfg.env.name.as_deref(), Some("mcp-finance-backend"));
        assert_eq!(cfg.checks.skip, vec!["image.scanner"]);
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse("[env]\nname = \"x\"\nnmae = \"y\"\n").unwrap_err();
        assert!(err.starts_with("devdoctor.toml:3:"), "{err}");
        assert!(err.contains("nmae"), "{err}");
        assert!(err.contains("hint:"), "{err}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let err = parse("[docker]\ndockerfiles = \"Dockerfile\"\n").unwrap_err();
        assert!(err.starts_with("devdoctor.toml:2:"), "{err}");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("w", "30").unwrap(), Duration::from_secs(30));
        assert_eq!(
            parse_duration("w", "1m30s").unwrap(),
            Duration::from_secs(90)
        );
        assert!(parse_duration("w", "soon").is_err());
        assert!(secs_to_duration("t", -1.0).is_err());
        assert!(secs_to_duration("t", f64::NAN).is_err());
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn path_flags_resolve_against_the_project_dir() {
        let t = tempfile::tempdir().unwrap();
        let proj = t.path().join("proj");
        std::fs::create_dir_all(proj.join("conda")).unwrap();
        std::fs::write(proj.join("conda/env.yml"), "").unwrap();
        std::fs::write(t.path().join("only-here.yml"), "").unwrap();
        let p = |f: &str| flag_path(&proj, t.path(), Path::new(f));
        // Relative to -C, like the paths in devdoctor.toml …
        assert_eq!(p("conda/env.yml"), proj.join("conda/env.yml"));
        // … also when the file is missing (the error then names the project path) …
        assert_eq!(p("missing.yml"), proj.join("missing.yml"));
        // … unless only the current directory has it (`-C proj --env-file proj/x.yml`).
        assert_eq!(p("only-here.yml"), t.path().join("only-here.yml"));
        assert_eq!(p("/abs/x.yml"), PathBuf::from("/abs/x.yml"));
    }
}
