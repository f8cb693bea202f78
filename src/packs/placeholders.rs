//! `{name}` placeholders in pack argv, paths, URLs and fixes, resolved per run.

use crate::core::Context;
use crate::fix::Commands;

/// Placeholders a pack may use.
pub(crate) const KNOWN: &[&str] = &[
    "{mamba}",
    "{env}",
    "{env_file}",
    "{project}",
    "{home}",
    "{create_env}",
    "{update_env}",
    "{build_context}",
    "{dockerignore}",
];

/// Whole-command placeholders that expand to a flavour-correct command.
const MACROS: &[&str] = &["{create_env}", "{update_env}"];

/// The `{name}` placeholders in `s` (a name is `[a-z_]+`), left to right, each with its byte
/// range (braces included).
fn scan(s: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    let bytes = s.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(open) = s[at..].find('{').map(|i| at + i) {
            let len = bytes[open + 1..]
                .iter()
                .take_while(|b| b.is_ascii_lowercase() || **b == b'_')
                .count();
            let close = open + 1 + len;
            if len > 0 && bytes.get(close) == Some(&b'}') {
                at = close + 1;
                return Some((open..close + 1, &s[open + 1..close]));
            }
            at = open + 1;
        }
        None
    })
}

/// `s` with each placeholder replaced by `value(name)`.
fn replace_each(s: &str, mut value: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    let mut done = 0;
    for (range, name) in scan(s) {
        out.push_str(&s[done..range.start]);
        out.push_str(&value(name));
        done = range.end;
    }
    out.push_str(&s[done..]);
    out
}

/// Names of `{…}` placeholders in `s` that are not known.
pub(crate) fn unknown(s: &str) -> Vec<String> {
    scan(s)
        .map(|(_, name)| name.to_string())
        .filter(|name| !KNOWN.contains(&format!("{{{name}}}").as_str()))
        .collect()
}

pub(crate) fn is_macro(s: &str) -> bool {
    MACROS.contains(&s)
}

/// The values placeholders stand for in this run.
#[derive(Debug, Clone)]
pub(crate) struct Vars {
    pub commands: Commands,
    /// `None` when neither settings nor the environment file name an environment.
    pub env: Option<String>,
    /// The environment is a prefix (`env` is its path, `./env` inside the project): `-n {env}`
    /// reads `-p {env}`, and so do the create and update macros.
    pub env_prefix: bool,
    /// The environment file, relative to the project when inside it.
    pub env_file: String,
    /// The environment file exists (a project with only a requirements.txt has none yet:
    /// env.file proposes one).
    pub env_file_exists: bool,
    pub project: String,
    pub home: Option<String>,
    /// Paths resolve only inside the project (a project's own pack).
    pub confined: bool,
    /// The Docker build context a probe runs for, relative to the project (`.` for its root).
    pub build_context: Option<String>,
    /// The ignore file the builds of [`Vars::build_context`] read: `<Dockerfile>.dockerignore`
    /// beside the Dockerfile where there is one, else the context's `.dockerignore`.
    pub dockerignore: Option<String>,
    /// A pixi project's manifest, on a machine with no micromamba, mamba or conda: nothing in
    /// the plan installs one (`mamba.installed` does not apply), so `{mamba}` cannot run.
    pub no_manager: Option<&'static str>,
}

impl Vars {
    pub(crate) fn from_context(ctx: &Context) -> Vars {
        use crate::probes::env::{self as probe, NameSource};
        let s = &ctx.settings;
        // The file and name the env.* checks judge (the file devdoctor picked, which is not
        // always environment.yml), so that pack fixes and built-in fixes name the same ones.
        let picked = probe::project_file(ctx);
        // With no environment file yet, the one `env.file` proposes: later steps of the plan
        // name the same one.
        let (env, env_prefix) = match probe::env_name(ctx).or_else(|| probe::proposed_env(ctx)) {
            Some(n) if n.source == NameSource::Prefix => (Some(prefix_shown(ctx, &n.name)), true),
            // A file written for an image (`name: base`): `create -n base` is refused, so the
            // environment of the project's own that env.exists proposes stands in for it.
            Some(n) if n.source == NameSource::FileName && n.name == "base" => (
                Some(crate::policy::text::project_slug(&s.project_dir, "project")),
                false,
            ),
            Some(n) => (Some(n.name), false),
            None => (None, false),
        };
        Vars {
            commands: crate::probes::mamba::toolchain(ctx).commands(),
            env,
            env_prefix,
            env_file: s.display_path(&picked.path),
            env_file_exists: !matches!(picked.state, probe::FileState::Absent),
            project: s.project_dir.display().to_string(),
            home: ctx.home().map(|h| h.display().to_string()),
            confined: false,
            build_context: None,
            dockerignore: None,
            no_manager: probe::pixi_without_manager(ctx, &crate::probes::mamba::toolchain(ctx)),
        }
    }

    /// Replaces placeholders; `None` when one has no value here (the env name is unknown).
    pub(crate) fn expand(&self, s: &str) -> Option<String> {
        let mut missing = false;
        let s = self.for_prefix(s);
        let out = replace_each(&s, |name| {
            let v = match name {
                "mamba" => Some(self.commands.program.clone()),
                "env" => self.env.clone(),
                "env_file" => Some(self.env_file.clone()),
                "project" => Some(self.project.clone()),
                "home" => self.home.clone(),
                "build_context" => self.build_context.clone(),
                "dockerignore" => self.dockerignore.clone(),
                _ => None,
            };
            v.unwrap_or_else(|| {
                missing = true;
                format!("<{name}>")
            })
        });
        (!missing).then_some(out)
    }

    /// `s` with `-n {env}` as `-p {env}` where the environment is a prefix.
    fn for_prefix<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if self.env_prefix {
            std::borrow::Cow::Owned(s.replace("-n {env}", "-p {env}"))
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    }

    /// Like `expand`, but an unknown value is shown as `<env>` for a person to fill in.
    pub(crate) fn expand_for_display(&self, s: &str) -> String {
        replace_each(&self.for_prefix(s), |name| {
            self.expand(&format!("{{{name}}}"))
                .unwrap_or_else(|| format!("<{name}>"))
        })
    }

    /// Expands one fix command. `Err` holds a printable line when it cannot be run as argv
    /// (a value is unknown), so it becomes a manual step.
    pub(crate) fn expand_command(&self, argv: &[String]) -> Result<Vec<String>, String> {
        if let [only] = argv {
            if is_macro(only) {
                let env = self.env.clone().ok_or_else(|| {
                    let env = "<env-name>";
                    crate::fix::quote_argv(&self.macro_argv(only, env))
                })?;
                return Ok(self.macro_argv(only, &env));
            }
        }
        let expanded: Option<Vec<String>> = argv
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let names_env = argv.get(i + 1).is_some_and(|n| n == "{env}");
                match a.as_str() {
                    "-n" if self.env_prefix && names_env => Some("-p".to_string()),
                    _ => self.expand(a),
                }
            })
            .collect();
        expanded.ok_or_else(|| {
            argv.iter()
                .map(|a| crate::fix::quote(&self.expand_for_display(a)))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// A macro's command as a line for a person to run once the environment file exists,
    /// `None` when the file exists (the command runs) or `argv` is no macro.
    pub(crate) fn waits_for_env_file(&self, argv: &[String]) -> Option<String> {
        let [only] = argv else { return None };
        if !is_macro(only) || self.env_file_exists {
            return None;
        }
        let env = self.env.as_deref().unwrap_or("<env-name>");
        Some(format!(
            "once {} exists: {}",
            self.env_file,
            crate::fix::quote_argv(&self.macro_argv(only, env))
        ))
    }

    /// A command of the package manager's as a line for a person, where this machine has none
    /// and the plan installs none (see [`Vars::no_manager`]); `None` for any other command.
    pub(crate) fn needs_a_manager(&self, argv: &[String]) -> Option<String> {
        let manifest = self.no_manager?;
        let first = argv.first()?;
        if first != "{mamba}" && !is_macro(first) {
            return None;
        }
        let line = match self.expand_command(argv) {
            Ok(argv) => crate::fix::quote_argv(&argv),
            Err(line) => line,
        };
        Some(format!(
            "{line}   (no micromamba, mamba or conda is installed, and this pixi project ({manifest}) does not need one: install micromamba first, `\"${{SHELL}}\" <(curl -L micro.mamba.pm/install.sh)`, or install the tool with the system's package manager)"
        ))
    }

    fn macro_argv(&self, which: &str, env: &str) -> Vec<String> {
        let argv = if which == "{create_env}" {
            self.commands.create_env(env, &self.env_file)
        } else {
            self.commands.update_env(env, &self.env_file)
        };
        if self.env_prefix {
            return crate::fix::by_prefix(argv, env);
        }
        argv
    }
}

/// A prefix as a fix shows it: `./env` inside the project (fixes run there), else its path.
fn prefix_shown(ctx: &Context, prefix: &str) -> String {
    match std::path::Path::new(prefix).strip_prefix(&ctx.settings.project_dir) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("./{}", rel.display()),
        _ => prefix.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Flavour;

    proptest::proptest! {
        #![proptest_config(crate::proptest_config())]

        /// The scanner finds what the pattern `\{([a-z_]+)\}` finds, in the same places.
        #[test]
        fn scan_agrees_with_the_pattern(s in "[{}a-z_ Z/é-]{0,40}") {
            let re = regex::Regex::new(r"\{([a-z_]+)\}").unwrap();
            let want: Vec<_> = re
                .captures_iter(&s)
                .map(|c| (c.get(0).unwrap().range(), c[1].to_string()))
                .collect();
            let got: Vec<_> = scan(&s).map(|(r, n)| (r, n.to_string())).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn placeholders_next_to_braces_and_text() {
        let v = vars(Some("proj"));
        assert_eq!(v.expand("{{env}}/x{env}{").unwrap(), "{proj}/xproj{");
        assert_eq!(unknown("{a}{ env}{env}{b_c}"), ["a", "b_c"]);
        assert_eq!(v.expand_for_display("{nope}-{env}"), "<nope>-proj");
    }

    fn vars(env: Option<&str>) -> Vars {
        Vars {
            commands: Commands::new(Flavour::Micromamba1),
            env: env.map(str::to_string),
            env_file: "environment.yml".into(),
            env_file_exists: true,
            project: "/p".into(),
            home: None,
            confined: false,
            build_context: None,
            dockerignore: None,
            no_manager: None,
            env_prefix: false,
        }
    }

    /// An environment made in a folder of the project is addressed by `-p`, in commands, in
    /// lines for a person and in the create and update macros.
    #[test]
    fn a_prefix_environment_is_addressed_by_path() {
        let v = Vars {
            env: Some("./env".into()),
            env_prefix: true,
            ..vars(None)
        };
        assert_eq!(
            v.expand_command(&crate::words(
                "{mamba} install -y -n {env} -c conda-forge rdkit"
            ))
            .unwrap(),
            crate::words("micromamba install -y -p ./env -c conda-forge rdkit")
        );
        assert_eq!(
            v.expand_for_display("run `{mamba} run -n {env} python`"),
            "run `micromamba run -p ./env python`"
        );
        assert_eq!(
            v.expand_command(&["{update_env}".to_string()]).unwrap(),
            crate::words("micromamba install -y -p ./env -f environment.yml")
        );
    }

    /// Where no package manager is installed and none will be (a pixi project), a command of
    /// one is a line for a person that says to install micromamba first; others still run.
    #[test]
    fn without_a_manager_its_commands_are_lines_for_a_person() {
        let v = Vars {
            no_manager: Some("pixi.toml"),
            ..vars(Some("proj"))
        };
        let git = crate::words("{mamba} install -y -n base -c conda-forge git");
        let line = v.needs_a_manager(&git).unwrap();
        assert!(
            line.starts_with("micromamba install -y -n base -c conda-forge git   (no micromamba, mamba or conda is installed"),
            "{line}"
        );
        assert!(
            line.contains("pixi.toml") && line.contains("micro.mamba.pm"),
            "{line}"
        );
        assert_eq!(v.needs_a_manager(&crate::words("git init")), None);
        assert_eq!(vars(Some("proj")).needs_a_manager(&git), None);
    }

    /// A macro cannot run before the environment file exists (env.file only proposes one in a
    /// requirements.txt project): it is a line for a person, saying so.
    #[test]
    fn a_macro_waits_for_the_environment_file() {
        let macro_argv = ["{update_env}".to_string()];
        let v = vars(Some("proj"));
        assert_eq!(v.waits_for_env_file(&macro_argv), None);
        let missing = Vars {
            env_file_exists: false,
            ..vars(Some("proj"))
        };
        assert_eq!(
            missing.waits_for_env_file(&macro_argv).as_deref(),
            Some("once environment.yml exists: micromamba install -y -n proj -f environment.yml")
        );
        assert_eq!(
            missing.waits_for_env_file(&["{mamba}".to_string(), "info".to_string()]),
            None
        );
        let fix = crate::packs::check::render_fix(
            &crate::packs::model::FixTemplate {
                why: "w".into(),
                commands: vec![macro_argv.to_vec()],
                manual: Vec::new(),
                phase: crate::core::Phase::UpdateEnv,
            },
            &missing,
        );
        assert!(fix.commands.is_empty(), "{fix:?}");
        assert_eq!(fix.manual.len(), 1, "{fix:?}");
    }

    #[test]
    fn finds_unknown_placeholders_only() {
        assert!(unknown("{mamba} {env} {env_file} {project}").is_empty());
        assert_eq!(unknown("{pip} x"), vec!["pip"]);
        // glob alternations are not placeholders
        assert!(unknown("*.{yml,yaml}").is_empty());
    }

    #[test]
    fn expands_and_reports_missing_values() {
        let v = vars(Some("proj"));
        assert_eq!(
            v.expand("{mamba} -n {env}").as_deref(),
            Some("micromamba -n proj")
        );
        let none = vars(None);
        assert_eq!(none.expand("-n {env}"), None);
        assert_eq!(none.expand_for_display("-n {env}"), "-n <env>");
        let cmd = vec![
            "{mamba}".to_string(),
            "install".into(),
            "-n".into(),
            "{env}".into(),
        ];
        assert_eq!(
            none.expand_command(&cmd).unwrap_err(),
            "micromamba install -n '<env>'"
        );
    }

    #[test]
    fn macros_use_the_flavour() {
        let v = vars(Some("proj"));
        assert_eq!(
            v.expand_command(&["{update_env}".to_string()]).unwrap(),
            crate::words("micromamba install -y -n proj -f environment.yml")
        );
        let v2 = Vars {
            commands: Commands::new(Flavour::Micromamba2),
            ..v
        };
        assert_eq!(
            v2.expand_command(&["{create_env}".to_string()]).unwrap(),
            crate::words("micromamba create -y -n proj -f environment.yml")
        );
    }
}
