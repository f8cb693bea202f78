//! Flags and devdoctor.toml resolved once into an [`Invocation`]: the settings, the output
//! format and colour, and the merged skips.

use crate::cli::{ColorChoice, Format, GlobalArgs, RunArgs};
use crate::config;
use crate::core::Check;
use crate::core::Diagnostic;
use crate::core::Settings;
use anyhow::Result;
use globset::{Glob, GlobMatcher};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use crate::core::diagnostic::usage;

/// Decides colour for the terminal: flag, then NO_COLOR / CLICOLOR_FORCE, then TTY.
pub(crate) fn setup_color(choice: ColorChoice, machine_format: bool) {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if machine_format || env_set("NO_COLOR") => false,
        ColorChoice::Auto
            if std::env::var("CLICOLOR_FORCE").is_ok_and(|v| !v.is_empty() && v != "0") =>
        {
            true
        }
        ColorChoice::Auto => std::io::stdout().is_terminal(),
    };
    colored::control::set_override(on);
}

pub(crate) fn format_of(g: &GlobalArgs) -> Format {
    if g.json {
        Format::Json
    } else {
        g.format.unwrap_or(Format::Human)
    }
}

fn glob(pattern: &str) -> Result<GlobMatcher> {
    Ok(Glob::new(pattern)
        .map_err(|e| {
            anyhow::Error::from(
                Diagnostic::usage(format!("bad check pattern `{pattern}`: {e}"))
                    .hint("use ids like env.python or globs like 'mamba.*'"),
            )
        })?
        .compile_matcher())
}

/// "no check matches …" with a did-you-mean hint; where the project is not trusted and its
/// own packs or plugins were not loaded (`withheld`), the hint says so: the id may be one of
/// theirs.
pub(crate) fn unknown_selection(
    pattern: &str,
    checks: &[Arc<dyn Check>],
    withheld: bool,
) -> anyhow::Error {
    let list = "`devdoctor list` shows every id";
    let hint = match (crate::registry::closest_id(pattern, checks), withheld) {
        (Some(near), false) => format!("did you mean `{near}`? {list}"),
        (None, false) => list.to_string(),
        (near, true) => format!(
            "{}the project is not trusted, so its own packs and plugins were not loaded: review .devdoctor/ and devdoctor.toml, then run `devdoctor trust`; {list}",
            near.map(|n| format!("did you mean `{n}`? If it is one of the project's own checks: "))
                .unwrap_or_default()
        ),
    };
    anyhow::Error::from(Diagnostic::usage(format!("no check matches `{pattern}`")).hint(hint))
}

/// Applies selection (ids/globs) and skips (CLI and config).
pub(crate) fn select(
    checks: Vec<Arc<dyn Check>>,
    ids: &[String],
    skip: &[String],
    withheld: bool,
) -> Result<Vec<Arc<dyn Check>>> {
    let wanted: Vec<(String, GlobMatcher)> = ids
        .iter()
        .map(|p| Ok((p.clone(), glob(p)?)))
        .collect::<Result<_>>()?;
    for (p, m) in &wanted {
        if !checks.iter().any(|c| m.is_match(&c.meta().id)) {
            return Err(unknown_selection(p, &checks, withheld));
        }
    }
    let skips: Vec<GlobMatcher> = skip.iter().map(|p| glob(p)).collect::<Result<_>>()?;
    Ok(checks
        .into_iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|(_, m)| m.is_match(&c.meta().id)))
        .filter(|c| !skips.iter().any(|m| m.is_match(&c.meta().id)))
        .collect())
}

/// Everything a subcommand needs from the flags and the config, resolved once.
#[derive(Debug, Clone)]
pub(crate) struct Invocation {
    pub settings: Settings,
    pub format: Format,
    pub color: ColorChoice,
    /// Skips of the config file and of `--skip`, merged.
    pub skip: Vec<String>,
    pub jobs: Option<usize>,
    pub strict: bool,
    pub quiet: u8,
    pub verbose: u8,
    /// `--output FILE`; `None` for stdout (`-` is stdout too).
    pub output: Option<PathBuf>,
    /// Whether the project is trusted, and if not, what changed.
    pub(crate) trust: crate::trust::State,
    /// The trust gate kept something of the project's from running or widening reach (a
    /// project with only data and a plain devdoctor.toml gets no note).
    pub(crate) withheld: bool,
}

/// Whether a path lies outside the project folder `project_dir`, links followed (a path that
/// does not resolve is judged as written).
fn outside_of(project_dir: &std::path::Path) -> impl Fn(&std::path::Path) -> bool {
    let root = std::fs::canonicalize(project_dir).unwrap_or_else(|_| project_dir.to_path_buf());
    move |p| {
        let full = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        !full.starts_with(&root)
    }
}

/// Until the project is trusted, files its config names outside the project folder are not
/// read: such a path falls back to discovery inside the project. Returns whether any was
/// dropped. (Flags the user gives, like --env-file, are the user's own and stay.)
fn confine_paths(s: &mut Settings) -> bool {
    let outside = outside_of(&s.project_dir);
    let mut dropped = false;
    if s.env_file_from_config && outside(&s.env_file) {
        s.env_file = s.project_dir.join("environment.yml");
        s.env_file_explicit = false;
        dropped = true;
    }
    let before = s.dockerfiles.len() + s.compose_files.len();
    s.dockerfiles.retain(|p| !outside(p));
    s.compose_files.retain(|p| !outside(p));
    dropped | (s.dockerfiles.len() + s.compose_files.len() != before)
}

/// Until the project is trusted, the pack and plugin paths its config names outside the
/// project folder are neither listed nor read (a pack is data, but a folder such as
/// ~/.config is not the project's to show); `devdoctor trust` reads them to show them.
/// Returns whether any was dropped.
fn confine_code_paths(s: &mut Settings) -> bool {
    let outside = outside_of(&s.project_dir);
    let before = s.pack_dirs.len() + s.plugin_paths.len();
    let user = s.user_pack_dirs.clone();
    s.pack_dirs.retain(|p| user.contains(p) || !outside(p));
    s.plugin_paths.retain(|p| !outside(p));
    s.pack_dirs.len() + s.plugin_paths.len() != before
}

impl Invocation {
    /// Reads devdoctor.toml and merges it with the flags; a config problem is a usage error.
    /// `reviewing`: this is `devdoctor trust`, which reads what the project names outside
    /// itself in order to show it.
    pub(crate) fn resolve(g: &GlobalArgs, run: &RunArgs, reviewing: bool) -> Result<Invocation> {
        // A devdoctor.toml that links out of the project is read when the user reviews it
        // (`trust`), forces trust, or trusted that very link.
        let read_outside = |project: &std::path::Path, target: &std::path::Path| {
            reviewing
                || g.trust_project
                || crate::trust::trusted_link(project, config::CONFIG_FILE).as_deref()
                    == Some(target.to_string_lossy().as_ref())
        };
        let mut settings = usage(config::resolve(g, run, &read_outside))?;
        let (trust, beyond) = crate::trust::assess(&settings, g.trust_project);
        settings.trusted = trust.trusted();
        let mut withheld = (!settings.trusted && crate::trust::has_code(&settings))
            || settings.config_withheld.is_some();
        if !settings.trusted && !g.trust_project {
            withheld |= confine_paths(&mut settings);
            if !reviewing {
                withheld |= confine_code_paths(&mut settings);
            }
        }
        // Files named through the project that lie outside it are read only where the user
        // trusted them (a link: that very link; a `..` path: the file it led to), config or
        // packs of its own or not.
        if reviewing {
            crate::disk::confine_collecting(&settings.project_dir);
        } else if !g.trust_project {
            let beyond = beyond.unwrap_or_default();
            crate::disk::confine_to(&settings.project_dir, beyond.links, beyond.outside);
        }
        if !reviewing {
            // Git reads the config a repository holds; where that leads out of the project,
            // git waits for the user's trust like every other file named outside.
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
            let reach = crate::probes::git::config_reach(&settings.project_dir, home.as_deref());
            settings.git_withheld = reach
                .outside
                .into_iter()
                .filter(|p| !crate::disk::outside_trusted(p))
                .collect();
            settings.git_config_special = reach.special;
            withheld |= !settings.git_withheld.is_empty();
        }
        if !settings.trusted
            && settings.timeout_from_project
            && settings.timeout > crate::trust::UNTRUSTED_TIMEOUT_CAP
        {
            settings.timeout = crate::trust::UNTRUSTED_TIMEOUT_CAP;
            withheld = true;
        }
        let mut skip = settings.skip.clone();
        skip.extend(run.skip.iter().cloned());
        skip.dedup();
        Ok(Invocation {
            settings,
            format: format_of(g),
            color: g.color,
            skip,
            jobs: run.jobs,
            strict: run.strict,
            quiet: g.quiet,
            verbose: g.verbose,
            output: g.output.clone().filter(|p| p.as_os_str() != "-"),
            trust,
            withheld,
        })
    }

    /// The one line that says the project is untrusted, printed to stderr unless `-qq`.
    pub(crate) fn say_trust(&self) {
        if let Some(note) = self.trust.notice().filter(|_| self.withheld) {
            if self.quiet < 2 {
                eprintln!("{note}");
            }
        }
        if let Some(first) = self.settings.git_withheld.first() {
            if self.quiet < 2 {
                eprintln!(
                    "note: the repository's .git/config has git read {} outside the project, so git was not run: review it, then run `devdoctor trust`",
                    crate::policy::text::printable(&first.to_string_lossy())
                );
            }
        }
        if let Some(target) = &self.settings.config_withheld {
            if self.quiet < 2 {
                eprintln!(
                    "note: devdoctor.toml is a link out of the project (to {}), not read: review it, then run `devdoctor trust`",
                    crate::policy::text::printable(&target.to_string_lossy())
                );
            }
        }
        if self.settings.project_asked_remote && !self.settings.allow_remote && self.quiet < 2 {
            eprintln!("note: devdoctor.toml sets allow_remote, which only --allow-remote can grant; network checks stay on loopback");
        }
    }

    /// Every check of this project (a pack problem is a usage error).
    pub(crate) fn load(&self) -> Result<Vec<Arc<dyn Check>>> {
        usage(crate::registry::load(&self.settings))
    }

    /// The project is not trusted and the trust gate kept something of its own from running
    /// (packs, plugins): an id the user names may be one of those.
    pub(crate) fn code_withheld(&self) -> bool {
        self.withheld && !self.settings.trusted
    }

    /// The checks selected by `ids` minus the skips (an unknown id is a usage error).
    pub(crate) fn select(
        &self,
        all: Vec<Arc<dyn Check>>,
        ids: &[String],
    ) -> Result<Vec<Arc<dyn Check>>> {
        usage(select(all, ids, &self.skip, self.code_withheld()))
    }
}
