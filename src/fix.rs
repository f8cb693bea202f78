//! Fix commands worded for the package-manager flavour that was found, and quoting for a
//! POSIX shell. The pip detector behind "no fix ever calls pip" lives in `policy::no_pip`
//! and is re-exported here for existing callers.
//!
//! Syntax per flavour: micromamba 2 and mamba 2 share `create -y -n NAME -f FILE`; mamba 1
//! and conda create from a file with `env create`.

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

    pub(crate) fn cmd(&self, rest: &[&str]) -> Vec<String> {
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

    /// Create the named environment with conda-forge packages (MatchSpecs), no file.
    pub(crate) fn create_with(&self, env: &str, specs: &[&str]) -> Vec<String> {
        let mut v = self.cmd(&["create", "-y", "-n", env, "-c", "conda-forge"]);
        v.extend(specs.iter().map(|s| s.to_string()));
        v
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

/// What fetches micromamba's installer script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fetch {
    Curl,
    /// A machine with wget and no curl (slim Debian images, some CI runners): `curl` there
    /// would need micromamba first, which is what is being installed.
    Wget,
    /// Neither curl nor wget, which the installer script itself needs to fetch the binary,
    /// but python3: it downloads micromamba's release binary directly.
    Python,
    /// No curl, wget or python3: one of them comes from the system's package manager first.
    Nothing,
}

/// The fix for "no conda-compatible package manager at all": install micromamba.
#[cfg(test)]
pub(crate) fn install_micromamba() -> Fix {
    install_micromamba_by(Fetch::Curl, "bash")
}

/// The fix for "no package manager", fetching the installer with `fetch`; `shell` is the one to
/// initialise where micromamba is installed by hand (`bash`, `zsh`, …).
pub(crate) fn install_micromamba_by(fetch: Fetch, shell: &str) -> Fix {
    let fix = Fix::new(INSTALL_MICROMAMBA_WHY).phase(crate::core::Phase::InstallTool);
    let mut fix = match fetch {
        Fetch::Curl => fix.manual(r#""${SHELL}" <(curl -L micro.mamba.pm/install.sh)"#),
        Fetch::Wget => {
            fix.manual(r#""${SHELL}" <(wget -qO- https://micro.mamba.pm/install.sh)"#)
        }
        Fetch::Python => by_python(fix, shell),
        Fetch::Nothing => fix
            .manual(r#"neither curl, wget nor python3 is installed, and micromamba's installer needs curl or wget: install curl with the system's package manager (`sudo apt-get install -y curl`, `sudo dnf install -y curl`, `apk add curl`), then micromamba: `"${SHELL}" <(curl -L micro.mamba.pm/install.sh)`"#)
            .provides("curl"),
    };
    if cfg!(target_os = "macos") {
        fix = fix.cmd(argv(&["brew", "install", "micromamba"]));
    } else {
        fix = fix.manual("or, with Homebrew: brew install micromamba");
    }
    fix
}

/// Installing micromamba without curl or wget: its release binary, downloaded by python3
/// into ~/.local/bin (where the installer puts it), then `shell init` with the installer's
/// root prefix.
fn by_python(fix: Fix, shell: &str) -> Fix {
    let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
        ("macos", "aarch64") => "osx-arm64",
        ("macos", _) => "osx-64",
        (_, "aarch64") => "linux-aarch64",
        (_, "powerpc64") => "linux-ppc64le",
        _ => "linux-64",
    };
    let url = format!("https://github.com/mamba-org/micromamba-releases/releases/latest/download/micromamba-{platform}");
    fix.manual(format!(
        r#"mkdir -p ~/.local/bin && python3 -c "import os, urllib.request; urllib.request.urlretrieve('{url}', os.path.expanduser('~/.local/bin/micromamba'))""#
    ))
    .manual(format!(
        "chmod +x ~/.local/bin/micromamba && ~/.local/bin/micromamba shell init --shell {} --root-prefix ~/micromamba",
        quote(shell)
    ))
}

/// Whether `fix` is the install-micromamba fix (no usable package manager was found).
pub(crate) fn is_install_micromamba(fix: &Fix) -> bool {
    fix.why == INSTALL_MICROMAMBA_WHY && fix.phase == crate::core::Phase::InstallTool
}

/// Quotes one word for a POSIX shell (`'…'` only when needed).
/// `argv` addressing the environment at `prefix` by path: its `-n PREFIX` becomes `-p PREFIX`
/// (an environment made in a folder, or named only by `prefix:`, has no name to give).
pub(crate) fn by_prefix(mut argv: Vec<String>, prefix: &str) -> Vec<String> {
    for i in 0..argv.len().saturating_sub(1) {
        if argv[i] == "-n" && argv[i + 1] == prefix {
            argv[i] = "-p".into();
        }
    }
    argv
}

pub(crate) fn quote(word: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_differ_by_flavour() {
        let mm = Commands::new(Flavour::Micromamba2);
        assert_eq!(
            mm.create_env("proj", "environment.yml"),
            crate::words("micromamba create -y -n proj -f environment.yml")
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
            crate::words("mamba shell init --shell zsh --root-prefix /r")
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
