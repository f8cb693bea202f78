//! .condarc / .mambarc: where they are looked for, in precedence order, and the few keys the doctor reads (channels, channel_priority, envs_dirs).
//! A malformed file is a finding (`settings: Err`), never a panic.

use crate::core::Context;
use crate::fix::Flavour;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use std::path::{Path, PathBuf};

/// Largest rc file read; anything bigger is reported, not parsed.
const MAX_RC_BYTES: u64 = 1024 * 1024;

/// Which configuration level a file belongs to (lowest precedence first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RcLevel {
    System,
    RootPrefix,
    User,
    /// Named by `$CONDARC` / `$MAMBARC`.
    EnvVar,
    /// `$CONDA_PREFIX` (the active environment).
    Target,
}

/// A value with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
}

/// The keys the doctor reads from one rc file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RcSettings {
    /// `channels:`; `None` when the key is absent.
    pub channels: Option<Located<Vec<Located<String>>>>,
    pub channel_priority: Option<Located<String>>,
    pub envs_dirs: Vec<Located<String>>,
    pub default_channels: Option<Located<Vec<Located<String>>>>,
}

/// One rc file that exists.
#[derive(Debug, Clone)]
pub(crate) struct RcFile {
    pub path: PathBuf,
    pub level: RcLevel,
    /// The current user may edit it (system files usually need an administrator).
    pub writable: bool,
    /// Parsed keys, or why the file could not be read or parsed.
    pub settings: Result<RcSettings, RcError>,
}

/// Why an rc file gives no settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcError {
    /// It could not be read (permissions, not a regular file): the reason as shown.
    Unreadable(String),
    /// It was read, but it is too large, not YAML, or a key it sets has the wrong shape: the
    /// line (0 when none applies) and the reason as shown.
    Malformed { line: usize, message: String },
}

impl RcError {
    /// A wrong shape at `line`, shown as `line N: …`.
    fn at(line: usize, what: impl std::fmt::Display) -> RcError {
        RcError::Malformed {
            line,
            message: format!("line {line}: {what}"),
        }
    }

    /// The line the problem is on (0 when unknown or the whole file).
    pub(crate) fn line(&self) -> usize {
        match self {
            RcError::Unreadable(_) => 0,
            RcError::Malformed { line, .. } => *line,
        }
    }
}

impl std::fmt::Display for RcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RcError::Unreadable(why) => f.write_str(why),
            RcError::Malformed { message, .. } => f.write_str(message),
        }
    }
}

/// Paths looked at for `flavour`, lowest precedence first, before checking existence.
/// `.d` directories are listed as directories; [`expand`] turns them into their files.
pub(crate) fn search_path(
    ctx: &Context,
    flavour: Option<Flavour>,
    root: Option<&Path>,
    system_dirs: &[PathBuf],
) -> Vec<(PathBuf, RcLevel)> {
    let libmamba = flavour.is_none_or(|f| f.is_libmamba_cli());
    let mut out: Vec<(PathBuf, RcLevel)> = Vec::new();
    let push_set = |out: &mut Vec<(PathBuf, RcLevel)>, dir: &Path, names: &[&str], lvl| {
        for n in names {
            out.push((dir.join(n), lvl));
        }
    };
    let conda_names: &[&str] = &[".condarc", "condarc", "condarc.d"];
    let with_mambarc: &[&str] = &[".condarc", "condarc", "condarc.d", ".mambarc"];
    let sys_names = if libmamba { with_mambarc } else { conda_names };
    for dir in system_dirs {
        push_set(&mut out, dir, sys_names, RcLevel::System);
    }
    if let Some(root) = root {
        push_set(&mut out, root, sys_names, RcLevel::RootPrefix);
    }
    let home = ctx.home();
    let xdg = ctx
        .var_path("XDG_CONFIG_HOME")
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    if let Some(xdg) = &xdg {
        push_set(&mut out, &xdg.join("conda"), conda_names, RcLevel::User);
    }
    if let Some(home) = &home {
        if !libmamba {
            push_set(
                &mut out,
                &home.join(".config/conda"),
                conda_names,
                RcLevel::User,
            );
        }
        push_set(&mut out, &home.join(".conda"), conda_names, RcLevel::User);
        out.push((home.join(".condarc"), RcLevel::User));
    }
    if let Some(prefix) = ctx.var_path("CONDA_PREFIX") {
        push_set(&mut out, &prefix, conda_names, RcLevel::Target);
    }
    if let Some(p) = ctx.var_path("CONDARC") {
        out.push((p, RcLevel::EnvVar));
    }
    if libmamba {
        if let Some(home) = &home {
            let names: &[&str] = &[".mambarc", "mambarc", "mambarc.d"];
            push_set(&mut out, &home.join(".config/mamba"), names, RcLevel::User);
            push_set(&mut out, &home.join(".mamba"), names, RcLevel::User);
            out.push((home.join(".mambarc"), RcLevel::User));
        }
        if let Some(p) = ctx.var_path("MAMBARC") {
            out.push((p, RcLevel::EnvVar));
        }
        if let Some(prefix) = ctx.var_path("CONDA_PREFIX") {
            push_set(&mut out, &prefix, with_mambarc, RcLevel::Target);
        }
    }
    // A path listed twice counts at its highest-precedence (last) position.
    let mut dedup: Vec<(PathBuf, RcLevel)> = Vec::new();
    for (p, lvl) in out.into_iter().rev() {
        if !dedup.iter().any(|(q, _)| *q == p) {
            dedup.push((p, lvl));
        }
    }
    dedup.reverse();
    dedup
}

/// The files that exist, with `.d` directories expanded to their `*.yml`/`*.yaml` (sorted).
pub(crate) fn expand(paths: &[(PathBuf, RcLevel)]) -> Vec<(PathBuf, RcLevel)> {
    let mut out = Vec::new();
    // Folders this user may not enter (an unreadable HOME): one candidate file each.
    let mut denied: Vec<PathBuf> = Vec::new();
    for (p, lvl) in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| {
                    rd.filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| {
                            f.is_file() && f.extension().is_some_and(|x| x == "yml" || x == "yaml")
                        })
                        .take(200)
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            out.extend(files.into_iter().map(|f| (f, *lvl)));
        } else if p.is_file() {
            out.push((p.clone(), *lvl));
        } else if let Some(dir) = closed_folder(p) {
            // `load` reports it unreadable rather than the doctor silently skipping it.
            if !denied.contains(&dir) {
                denied.push(dir);
                out.push((p.clone(), *lvl));
            }
        }
    }
    out
}

/// The folder that hides `p` from this user (its deepest ancestor that can be looked at),
/// when a permission error hides it.
fn closed_folder(p: &Path) -> Option<PathBuf> {
    let denied = |q: &Path| {
        std::fs::metadata(q).is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
    };
    if !denied(p) {
        return None;
    }
    p.ancestors()
        .skip(1)
        .find(|a| std::fs::metadata(a).is_ok())
        .map(Path::to_path_buf)
}

/// The reason `load` gives for a file it could not read.
fn unreadable(e: &std::io::Error) -> RcError {
    RcError::Unreadable(match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!(
                "{UNREADABLE}: permission denied (this user may not read it or a folder above it)"
            )
        }
        _ => format!("{UNREADABLE}: {e}"),
    })
}

/// How the reason for an unreadable rc file starts.
const UNREADABLE: &str = "could not be read";

/// Reads and parses one rc file.
pub(crate) fn load(path: &Path, level: RcLevel) -> RcFile {
    let settings = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_RC_BYTES => Err(RcError::Malformed {
            line: 0,
            message: format!(
                "is {} bytes, larger than the {} bytes devdoctor reads",
                m.len(),
                MAX_RC_BYTES
            ),
        }),
        Ok(m) if !m.is_file() => Err(RcError::Unreadable(format!(
            "{UNREADABLE}: not a regular file"
        ))),
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) => parse(&String::from_utf8_lossy(&bytes)),
            Err(e) => Err(unreadable(&e)),
        },
        Err(e) => Err(unreadable(&e)),
    };
    RcFile {
        path: path.to_path_buf(),
        level,
        writable: super::roots::writable(path),
        settings,
    }
}

/// A scalar as text (`- 123` is still a channel name).
fn scalar_text(node: &MarkedYaml) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(f.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        YamlData::Tagged(_, inner) => scalar_text(inner),
        _ => None,
    }
}

fn line_of(node: &MarkedYaml) -> usize {
    node.span.start.line().max(1)
}

fn string_list(key: &str, node: &MarkedYaml) -> Result<Located<Vec<Located<String>>>, RcError> {
    let line = line_of(node);
    match &node.data {
        YamlData::Sequence(items) => {
            let mut out = Vec::new();
            for item in items {
                match scalar_text(item) {
                    Some(value) => out.push(Located {
                        value,
                        line: line_of(item),
                    }),
                    None => {
                        return Err(RcError::at(
                            line_of(item),
                            format!("`{key}` entries must be strings"),
                        ))
                    }
                }
            }
            Ok(Located { value: out, line })
        }
        YamlData::Value(Scalar::Null) => Ok(Located {
            value: Vec::new(),
            line,
        }),
        // conda accepts a single string for list keys.
        _ => match scalar_text(node) {
            Some(value) => Ok(Located {
                value: vec![Located { value, line }],
                line,
            }),
            None => Err(RcError::at(line, format!("`{key}` must be a list"))),
        },
    }
}

/// Parses rc text. Unknown keys are ignored; wrong shapes of the keys read are errors.
pub fn parse(text: &str) -> Result<RcSettings, RcError> {
    crate::probes::yaml::check_nesting(text).map_err(|e| RcError::at(e.line, e.message))?;
    let docs = MarkedYaml::load_from_str(text).map_err(|e| RcError::Malformed {
        line: e.marker().line(),
        message: format!("is not valid YAML: {e}"),
    })?;
    let mut settings = RcSettings::default();
    let Some(doc) = docs.first() else {
        return Ok(settings);
    };
    let map = match &doc.data {
        YamlData::Mapping(m) => m,
        YamlData::Value(Scalar::Null) => return Ok(settings),
        _ => {
            return Err(RcError::at(
                line_of(doc),
                "the top level must be a mapping of settings",
            ))
        }
    };
    for (k, v) in map {
        let Some(key) = scalar_text(k) else { continue };
        // conda's `#!final` / `#!top` markers sit after the key in a comment: nothing to strip.
        match key.as_str() {
            "channels" => settings.channels = Some(string_list("channels", v)?),
            "default_channels" => {
                settings.default_channels = Some(string_list("default_channels", v)?)
            }
            "envs_dirs" | "envs_path" => {
                settings.envs_dirs.extend(string_list(&key, v)?.value);
            }
            "channel_priority" => {
                let value = scalar_text(v).ok_or_else(|| {
                    RcError::at(line_of(v), "`channel_priority` must be a string")
                })?;
                settings.channel_priority = Some(Located {
                    value,
                    line: line_of(v),
                });
            }
            _ => {}
        }
    }
    Ok(settings)
}

/// Whether a channel entry means conda-forge (`conda-forge`, or a URL ending in it).
pub(crate) fn is_conda_forge(channel: &str) -> bool {
    let c = channel.trim().trim_end_matches('/');
    c == "conda-forge" || c.ends_with("/conda-forge")
}

/// Whether a channel entry means Anaconda's `defaults` (the name or its repo URLs).
pub(crate) fn is_defaults(channel: &str) -> bool {
    let c = channel.trim().trim_end_matches('/');
    c == "defaults"
        || c.contains("repo.anaconda.com/pkgs/")
        || matches!(c, "main" | "r" | "msys2" | "anaconda")
        || c.ends_with("conda.anaconda.org/anaconda")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_channels_priority_and_envs_dirs_with_lines() {
        let s = parse(
            "# user config\nchannels:\n  - conda-forge\n  - defaults\nchannel_priority: strict\nenvs_dirs:\n  - ~/envs\n",
        )
        .unwrap();
        let ch = s.channels.unwrap();
        assert_eq!(ch.line, 3);
        let names: Vec<_> = ch.value.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(names, ["conda-forge", "defaults"]);
        assert_eq!(ch.value[1].line, 4);
        let prio = s.channel_priority.unwrap();
        assert_eq!((prio.value.as_str(), prio.line), ("strict", 5));
        assert_eq!(s.envs_dirs[0].value, "~/envs");
    }

    #[test]
    fn install_sh_condarc_parses() {
        // What micromamba-releases install.sh writes with CONDA_FORGE_YES.
        let s = parse("channels:\n  - conda-forge\n  - nodefaults\nchannel_priority: strict\n")
            .unwrap();
        assert_eq!(s.channels.unwrap().value.len(), 2);
    }

    #[test]
    fn flow_lists_single_strings_and_empty_files() {
        let s = parse("channels: [conda-forge, bioconda]\n").unwrap();
        assert_eq!(s.channels.unwrap().value.len(), 2);
        let s = parse("channels: conda-forge\n").unwrap();
        assert_eq!(s.channels.unwrap().value[0].value, "conda-forge");
        assert_eq!(parse("").unwrap(), RcSettings::default());
        assert_eq!(parse("# only a comment\n").unwrap(), RcSettings::default());
        assert!(parse("channels:\n")
            .unwrap()
            .channels
            .unwrap()
            .value
            .is_empty());
    }

    #[test]
    fn malformed_files_are_errors_with_a_reason() {
        for bad in [
            "channels: [conda-forge\n",
            "channels:\n  - a\n - b\n",
            "- just\n- a list\n",
            "channels:\n  - {a: b}\n",
            "channel_priority: [strict]\n",
            "channels: 'unterminated\n",
            "channels: [a]\nchannels: [b]\n",
        ] {
            assert!(parse(bad).is_err(), "accepted {bad:?}");
        }
    }

    /// The line of a problem is a field of the error, not a number to find in its text.
    #[test]
    fn errors_carry_their_kind_and_line() {
        let shape = parse("channels:\n  - conda-forge\n  - {a: b}\n").unwrap_err();
        assert_eq!(shape.line(), 3);
        assert_eq!(
            shape.to_string(),
            "line 3: `channels` entries must be strings"
        );
        let syntax = parse("a: 1\nchannels: [conda-forge\n").unwrap_err();
        assert!(matches!(syntax, RcError::Malformed { .. }), "{syntax:?}");
        assert!(
            syntax.to_string().starts_with("is not valid YAML: "),
            "{syntax}"
        );
        assert!(syntax.line() >= 2, "{syntax:?}");
        let dir = tempfile::tempdir().unwrap();
        let unread = load(dir.path(), RcLevel::User).settings.unwrap_err();
        assert_eq!(
            unread,
            RcError::Unreadable("could not be read: not a regular file".into())
        );
        assert_eq!(unread.line(), 0);
    }

    #[test]
    fn channel_names() {
        assert!(is_conda_forge("conda-forge"));
        assert!(is_conda_forge("https://conda.anaconda.org/conda-forge/"));
        assert!(is_conda_forge("https://mirror.example/conda-forge"));
        assert!(!is_conda_forge("bioconda"));
        assert!(is_defaults("defaults"));
        assert!(is_defaults("https://repo.anaconda.com/pkgs/main"));
        assert!(!is_defaults("conda-forge"));
        assert!(!is_defaults("nodefaults"));
    }

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn parse_never_panics(s in "\\PC{0,300}") {
            let _ = parse(&s);
        }

        #[test]
        fn parse_never_panics_on_yamlish(s in "(channels|envs_dirs|channel_priority|-|:| |\n|\\[|\\]|\\{|\\}|a|&x|\\*x|!!str|\"|')*") {
            let _ = parse(&s);
        }
    }
}
