//! Fix commands worded for the package-manager flavour that was found, quoting for a POSIX
//! shell, and the invariant that no fix ever calls pip.
//!
//! Syntax per flavour follows each tool's own CLI: micromamba 2 and mamba 2 share one
//! (`env update --prune`, `shell init --root-prefix`); micromamba 1 spells the root option
//! `-p` and has no `env update`; mamba 1 and conda use conda's (`env create`, `config --set`).

use crate::core::Fix;

/// Which conda-compatible package manager the fix commands are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    /// micromamba 2.x (static C++ build).
    Micromamba2,
    /// micromamba 0.x/1.x.
    Micromamba1,
    /// mamba 2.x: the same CLI as micromamba 2, dynamically linked.
    Mamba2,
    /// mamba 1.x: a Python wrapper around conda (end of life).
    Mamba1,
    /// conda only.
    Conda,
}

impl Flavour {
    pub const ALL: [Flavour; 5] = [
        Flavour::Micromamba2,
        Flavour::Micromamba1,
        Flavour::Mamba2,
        Flavour::Mamba1,
        Flavour::Conda,
    ];

    /// The program name used in printed commands.
    pub fn program(self) -> &'static str {
        match self {
            Flavour::Micromamba2 | Flavour::Micromamba1 => "micromamba",
            Flavour::Mamba2 | Flavour::Mamba1 => "mamba",
            Flavour::Conda => "conda",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Flavour::Micromamba2 => "micromamba 2",
            Flavour::Micromamba1 => "micromamba 1",
            Flavour::Mamba2 => "mamba 2",
            Flavour::Mamba1 => "mamba 1",
            Flavour::Conda => "conda",
        }
    }

    /// micromamba and mamba 2 share one CLI.
    pub fn is_libmamba_cli(self) -> bool {
        matches!(
            self,
            Flavour::Micromamba2 | Flavour::Micromamba1 | Flavour::Mamba2
        )
    }
}

/// Builds flavour-correct commands. `program` is what to print: the bare name when that is
/// what PATH resolves, otherwise the absolute path the tool was found at.
#[derive(Debug, Clone)]
pub struct Commands {
    pub flavour: Flavour,
    pub program: String,
}

fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

impl Commands {
    pub fn new(flavour: Flavour) -> Commands {
        Commands {
            flavour,
            program: flavour.program().to_string(),
        }
    }

    pub fn with_program(flavour: Flavour, program: impl Into<String>) -> Commands {
        Commands {
            flavour,
            program: program.into(),
        }
    }

    fn cmd(&self, rest: &[&str]) -> Vec<String> {
        let mut v = vec![self.program.clone()];
        v.extend(rest.iter().map(|s| s.to_string()));
        v
    }

    /// Create the named environment from an environment file.
    pub fn create_env(&self, env: &str, file: &str) -> Vec<String> {
        match self.flavour {
            Flavour::Micromamba2 | Flavour::Micromamba1 | Flavour::Mamba2 => {
                self.cmd(&["create", "-y", "-n", env, "-f", file])
            }
            Flavour::Mamba1 | Flavour::Conda => self.cmd(&["env", "create", "-n", env, "-f", file]),
        }
    }

    /// Bring an existing environment in line with the file (`--prune` where supported).
    pub fn update_env(&self, env: &str, file: &str) -> Vec<String> {
        match self.flavour {
            // `env update` (with --prune) exists since micromamba 2.0.0; 1.x only has install -f.
            Flavour::Micromamba2 | Flavour::Mamba2 => {
                self.cmd(&["env", "update", "-n", env, "-f", file, "--prune"])
            }
            Flavour::Micromamba1 => self.cmd(&["install", "-y", "-n", env, "-f", file]),
            Flavour::Mamba1 | Flavour::Conda => {
                self.cmd(&["env", "update", "-n", env, "-f", file, "--prune"])
            }
        }
    }

    /// Install conda-forge packages (MatchSpecs) into an environment.
    pub fn install(&self, env: &str, specs: &[&str]) -> Vec<String> {
        let mut v = self.cmd(&["install", "-y", "-n", env, "-c", "conda-forge"]);
        v.extend(specs.iter().map(|s| s.to_string()));
        v
    }

    /// Remove an environment (before re-creating it from the file).
    pub fn remove_env(&self, env: &str) -> Vec<String> {
        self.cmd(&["env", "remove", "-y", "-n", env])
    }

    /// Run a program inside the environment without activation.
    pub fn run_in(&self, env: &str, program: &[String]) -> Vec<String> {
        let mut v = self.cmd(&["run", "-n", env]);
        v.extend(program.iter().cloned());
        v
    }

    /// Persistent shell initialisation for `shell` with the given root prefix.
    pub fn shell_init(&self, shell: &str, root_prefix: &str) -> Vec<String> {
        match self.flavour {
            Flavour::Micromamba2 | Flavour::Mamba2 => self.cmd(&[
                "shell",
                "init",
                "--shell",
                shell,
                "--root-prefix",
                root_prefix,
            ]),
            // 1.x spells the root option -p (2.0 renamed --prefix to --root-prefix).
            Flavour::Micromamba1 => {
                self.cmd(&["shell", "init", "--shell", shell, "-p", root_prefix])
            }
            Flavour::Mamba1 => self.cmd(&["init", shell]),
            Flavour::Conda => self.cmd(&["init", shell]),
        }
    }

    /// Channel configuration: conda-forge first, no `defaults`, strict priority.
    pub fn channel_config(&self, remove_defaults: bool) -> Vec<Vec<String>> {
        let mut cmds = Vec::new();
        if self.flavour.is_libmamba_cli() {
            // Prepend first: on a file with no `channels:` yet, removing fails and a later
            // prepend would bring the implicit `defaults` back.
            cmds.push(self.cmd(&["config", "prepend", "channels", "conda-forge"]));
            if remove_defaults {
                cmds.push(self.cmd(&["config", "remove", "channels", "defaults"]));
            }
            cmds.push(self.cmd(&["config", "set", "channel_priority", "strict"]));
        } else {
            // mamba 1 has no config subcommand of its own: conda's writes the same .condarc.
            let conda = if self.flavour == Flavour::Conda {
                self.program.clone()
            } else {
                "conda".to_string()
            };
            let c = |rest: &[&str]| {
                let mut v = vec![conda.clone()];
                v.extend(rest.iter().map(|s| s.to_string()));
                v
            };
            cmds.push(c(&["config", "--prepend", "channels", "conda-forge"]));
            if remove_defaults {
                cmds.push(c(&["config", "--remove", "channels", "defaults"]));
            }
            cmds.push(c(&["config", "--set", "channel_priority", "strict"]));
        }
        cmds
    }
}

const INSTALL_MICROMAMBA_WHY: &str =
    "Install micromamba, the single static binary the policy prefers; it uses conda-forge by default.";

/// The fix for "no conda-compatible package manager at all": install micromamba.
pub fn install_micromamba() -> Fix {
    let mut fix = Fix::new(INSTALL_MICROMAMBA_WHY)
        .phase(crate::core::Phase::InstallTool)
        .manual(r#""${SHELL}" <(curl -L micro.mamba.pm/install.sh)"#);
    if cfg!(target_os = "macos") {
        fix = fix.cmd(argv(&["brew", "install", "micromamba"]));
    } else {
        fix = fix.manual("or, with Homebrew: brew install micromamba");
    }
    fix
}

/// Whether `fix` is [`install_micromamba`]'s (no usable package manager was found).
pub fn is_install_micromamba(fix: &Fix) -> bool {
    fix.why == INSTALL_MICROMAMBA_WHY && fix.phase == crate::core::Phase::InstallTool
}

/// Quotes one word for a POSIX shell (`'…'` only when needed).
pub fn quote(word: &str) -> String {
    match shlex::try_quote(word) {
        Ok(q) => q.into_owned(),
        // Only NUL bytes are refused; they cannot appear in argv anyway.
        Err(_) => format!("'{}'", word.replace('\0', "").replace('\'', r"'\''")),
    }
}

/// Quotes argv as one POSIX shell command line.
pub fn quote_argv<S: AsRef<str>>(argv: &[S]) -> String {
    argv.iter()
        .map(|w| quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a command (argv) would run pip or another non-conda installer: `pip`, `pip3`,
/// `pip3.11` or a path to one as the program, `python -m pip`, `uv pip`, `easy_install`, and
/// the same hidden in a `sh -c '…'` string. Installing the conda package named `pip` is fine.
pub fn argv_calls_pip<S: AsRef<str>>(argv: &[S]) -> bool {
    let program_is_pip = argv.first().is_some_and(|p| {
        let name = p.as_ref().rsplit('/').next().unwrap_or_default();
        name == "easy_install"
            || name
                .strip_prefix("pip")
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    // An argument with spaces may be a script for `sh -c`.
    let embedded = argv
        .iter()
        .skip(1)
        .any(|a| a.as_ref().contains(char::is_whitespace) && text_calls_pip(a.as_ref()));
    let joined = argv
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(" ");
    program_is_pip || embedded || text_calls_pip(&joined)
}

/// The same test on a command line as text (a manual step, a script line).
pub fn text_calls_pip(text: &str) -> bool {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?ix)
            # pip as the program: at the start, after a shell separator or quote, or after sudo/env/exec
            (^ | [;&|(`'"] | \b(?:sudo|exec|command|xargs)\s)
            \s* (?:\S*/)? (?:pip[0-9.]*|easy_install) (?:\s|$|[;&|)'"`])
            | -m \s+ pip (?:\s|$)        # python -m pip
            | \buv \s+ pip \b           # uv pip
            "#,
        )
        .expect("static regex")
    });
    re.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_detector_catches_every_spelling() {
        for bad in [
            "pip install x",
            "pip3 install -r requirements.txt",
            "/usr/bin/pip3.11 install x",
            "python -m pip install x",
            "python3 -m  pip install x",
            "uv pip install x",
            "easy_install x",
            "sh -c 'pip install x'",
            "bash -c \"cd /app && pip3 install .\"",
        ] {
            assert!(text_calls_pip(bad), "missed: {bad}");
        }
        for good in [
            "micromamba install -y -n env -c conda-forge pip",
            "micromamba create -y -n env -f environment.yml",
            "mamba install pipx",
            "conda-lock -f environment.yml",
            "micromamba install -n env pip-tools",
            "conda install -y -n base -c conda-forge pip",
        ] {
            assert!(!text_calls_pip(good), "false positive: {good}");
        }
    }

    #[test]
    fn argv_detector_looks_at_the_program() {
        assert!(argv_calls_pip(&["pip", "install", "x"]));
        assert!(argv_calls_pip(&["/opt/conda/bin/pip3.11", "install", "x"]));
        assert!(argv_calls_pip(&["python", "-m", "pip", "install", "x"]));
        assert!(argv_calls_pip(&["uv", "pip", "install", "x"]));
        assert!(argv_calls_pip(&["sh", "-c", "cd /app && pip install ."]));
        assert!(!argv_calls_pip(&[
            "micromamba",
            "install",
            "-y",
            "-n",
            "env",
            "pip"
        ]));
        assert!(!argv_calls_pip(&[
            "micromamba",
            "env",
            "remove",
            "-y",
            "-n",
            "env",
            "pip"
        ]));
        assert!(!argv_calls_pip(&["pipx", "list"]));
    }

    #[test]
    fn commands_differ_by_flavour() {
        let mm = Commands::new(Flavour::Micromamba2);
        assert_eq!(
            mm.create_env("proj", "environment.yml"),
            argv(&[
                "micromamba",
                "create",
                "-y",
                "-n",
                "proj",
                "-f",
                "environment.yml"
            ])
        );
        assert_eq!(
            Commands::new(Flavour::Micromamba1).update_env("p", "e.yml"),
            argv(&["micromamba", "install", "-y", "-n", "p", "-f", "e.yml"])
        );
        assert_eq!(
            Commands::new(Flavour::Conda).create_env("p", "e.yml"),
            argv(&["conda", "env", "create", "-n", "p", "-f", "e.yml"])
        );
        assert_eq!(
            Commands::new(Flavour::Micromamba1).shell_init("bash", "/r"),
            argv(&["micromamba", "shell", "init", "--shell", "bash", "-p", "/r"])
        );
        assert_eq!(
            Commands::new(Flavour::Mamba2).shell_init("zsh", "/r"),
            argv(&[
                "mamba",
                "shell",
                "init",
                "--shell",
                "zsh",
                "--root-prefix",
                "/r"
            ])
        );
    }

    #[test]
    fn channel_config_prepends_before_removing_defaults() {
        for f in Flavour::ALL {
            let cmds = Commands::new(f).channel_config(true);
            let pos = |word: &str| cmds.iter().position(|c| c.iter().any(|w| w.contains(word)));
            assert!(pos("prepend") < pos("remove"), "{f:?}: {cmds:?}");
        }
    }

    #[test]
    fn quoting_is_posix_safe() {
        assert_eq!(quote("plain"), "plain");
        for word in [
            "x; rm -rf ~",
            "it's",
            "$(reboot)",
            "a\nb",
            "`id`",
            "sp ace",
            "",
        ] {
            let q = quote(word);
            assert_eq!(
                shlex::split(&q),
                Some(vec![word.to_string()]),
                "{word:?} -> {q}"
            );
        }
    }
}
