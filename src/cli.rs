//! Command-line types (clap derive). Nothing here runs anything.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "devdoctor",
    version,
    about = "A fast doctor for mamba-first Python projects: micromamba, the project's environment, Docker and its MCP server.",
    long_about = "Checks this machine and the project in the current folder (or -C DIR), prints what is wrong \
and the mamba/micromamba commands that fix it, and exits 0 healthy, 1 on a failure, 2 on a usage or \
configuration error, 3 when something could not be checked.",
    after_help = "Examples:\n  devdoctor                      check everything\n  devdoctor 'mamba.*' env.python  check a selection\n  devdoctor --json -q            machine-readable\n  devdoctor fix --dry-run        show the repair plan\n  devdoctor explain env.pip      what a check looks at"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Check ids or globs to run (e.g. `mamba.*` env.python); all when none.
    #[arg(value_name = "ID|GLOB")]
    pub ids: Vec<String>,

    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run checks (the default): all, or the ids/globs given.
    Check {
        #[arg(value_name = "ID|GLOB")]
        ids: Vec<String>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// List the checks: id, category, title, whether it can fix, and where it comes from.
    List,
    /// Explain what a check looks at, why it matters and how it is fixed.
    Explain {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Collect the fixes of failing and warning checks and print or run them.
    Fix(FixArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `devdoctor man > devdoctor.1`.
    Man,
    /// Trust this project: record a hash of devdoctor.toml, .devdoctor/ and the pack and plugin
    /// files it names, so that its packs and plugins run until one of them changes.
    Trust {
        /// Show the files and whether they match what was trusted; record nothing.
        #[arg(long)]
        show: bool,
    },
    /// Forget this project's trust.
    Untrust,
    /// MCP server tools: `mcp pin` records what the running server tells the model (its
    /// instructions, each tool's name, description and input schema) in
    /// .devdoctor/mcp-tools.lock; mcp.tools_pin then fails when any of it changes.
    Mcp {
        #[command(subcommand)]
        action: McpAction,
    },
    /// Generate reference documentation from the registry (`docs checks --write` updates
    /// docs/checks.md in a checkout).
    #[command(hide = true)]
    Docs {
        #[arg(value_parser = ["checks"])]
        what: String,
        /// Write docs/checks.md instead of printing it.
        #[arg(long)]
        write: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum McpAction {
    /// Pin the running server's tools (after you have reviewed them) in
    /// .devdoctor/mcp-tools.lock; prints what changed since the last pin.
    Pin {
        #[command(flatten)]
        server: ServerArgs,
    },
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Only fix these check ids or globs.
    #[arg(value_name = "ID|GLOB")]
    pub ids: Vec<String>,
    /// Print the plan and run nothing.
    #[arg(long, conflicts_with_all = ["yes", "script"])]
    pub dry_run: bool,
    /// Run the plan without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan as a POSIX sh script (set -eu, quoted) and run nothing.
    #[arg(long, conflicts_with = "yes")]
    pub script: bool,
    /// Let the plan remove environments (after exporting their spec to the state directory).
    /// Without it, commands that delete an environment or files are refused.
    #[arg(long)]
    pub allow_destructive: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Grouped, coloured text for a person (the default).
    Human,
    /// The versioned JSON report (same verdict and exit code as human).
    Json,
    /// JUnit XML: one testcase per check, for CI test-report viewers.
    Junit,
    /// SARIF 2.1.0: file-located findings (Dockerfile, compose, environment.yml) for code scanning.
    Sarif,
    /// TAP version 13: ok / not ok per check with YAML diagnostics.
    Tap,
    /// Prometheus textfile-collector metrics (node_exporter).
    Prometheus,
    /// One Nagios/Icinga status line with perfdata; exit 0/1/2/3 = OK/WARNING/CRITICAL/UNKNOWN.
    Nagios,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Project directory to check (default: the current directory).
    #[arg(short = 'C', long = "project-dir", value_name = "DIR", global = true)]
    pub project_dir: Option<PathBuf>,

    /// Configuration file (default: devdoctor.toml in the project directory, if present); a
    /// relative path is relative to -C.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, global = true)]
    pub format: Option<Format>,

    /// Same as --format json.
    #[arg(long, global = true, conflicts_with = "format")]
    pub json: bool,

    /// Write the report to FILE (atomically: a temp file in the same folder, then a rename);
    /// a one-line summary still goes to stderr. `-` means stdout.
    #[arg(long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// Only problems and the summary; -qq prints nothing (exit code only).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub quiet: u8,

    /// Details of every check and per-check timings.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// When to use colour (NO_COLOR and CLICOLOR_FORCE are honoured with auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// Load check packs (*.toml) from DIR as well as .devdoctor/checks (repeatable); a relative
    /// DIR is relative to -C.
    #[arg(long = "checks", value_name = "DIR", global = true)]
    pub checks: Vec<PathBuf>,

    /// Trust this project for this run (CI running its own repository): its packs and
    /// plugins run without `devdoctor trust`.
    #[arg(
        long,
        global = true,
        env = "DEVDOCTOR_TRUST",
        value_parser = trust_value
    )]
    pub trust_project: bool,
}

/// `DEVDOCTOR_TRUST`'s value: an empty one means unset, as it does for every other variable;
/// anything but a clear yes or no is refused rather than guessed.
fn trust_value(v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "y" | "t" => Ok(true),
        "" | "0" | "false" | "no" | "off" | "n" | "f" => Ok(false),
        _ => Err("expected 1 or 0 (true/false, yes/no, on/off; empty means 0)".to_string()),
    }
}

/// The flags of a check run (`devdoctor`, `devdoctor check`, `devdoctor fix`): which checks,
/// how they run and what they probe. Other commands refuse them rather than ignore them.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Check-run options")]
pub struct RunArgs {
    /// Treat warnings as failures (exit 1).
    #[arg(long)]
    pub strict: bool,

    /// How many checks run at once (default: the number of CPUs, at least 8).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Skip checks by id or glob (repeatable).
    #[arg(long, value_name = "ID|GLOB")]
    pub skip: Vec<String>,

    /// The project's environment name (default: `name:` in the environment file).
    #[arg(long = "env", value_name = "NAME")]
    pub env_name: Option<String>,

    /// The environment file (default: the one found in the project, see env.file); a relative
    /// path is relative to -C.
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// Retry failing network checks until they pass or this long has passed (e.g. 30s, 2m).
    #[arg(long, value_name = "DURATION")]
    pub wait: Option<String>,

    /// The Docker image to check (default: from the config or the compose file).
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,

    /// Start throw-away containers of the image to verify user, ownership and read-only root.
    #[arg(long)]
    pub run_containers: bool,

    /// Run `trivy image` on the configured image.
    #[arg(long)]
    pub scan: bool,

    /// env.integrity also compares each installed file's size and sha256 with its record.
    #[arg(long)]
    pub deep: bool,

    #[command(flatten)]
    pub server: ServerArgs,
}

/// The flags that reach the MCP server: a check run's, and `mcp pin`'s.
#[derive(Debug, Args, Default, Clone)]
#[command(next_help_heading = "Timeout and server options")]
pub struct ServerArgs {
    /// Seconds each check may take before it is reported unknown (default 10); the whole run
    /// stops starting checks after three times this.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,

    /// The MCP server's health URL (default: http://127.0.0.1:8000/health).
    #[arg(long, value_name = "URL")]
    pub health_url: Option<String>,

    /// The MCP endpoint URL (default: http://127.0.0.1:8000/mcp).
    #[arg(long, value_name = "URL")]
    pub mcp_url: Option<String>,

    /// Allow network checks against hosts that are not loopback.
    #[arg(long)]
    pub allow_remote: bool,
}

impl RunArgs {
    /// The flags given, as typed, for a command that takes none of them.
    pub fn given(&self) -> Vec<&'static str> {
        let flags = [
            (self.strict, "--strict"),
            (self.jobs.is_some(), "--jobs"),
            (!self.skip.is_empty(), "--skip"),
            (self.env_name.is_some(), "--env"),
            (self.env_file.is_some(), "--env-file"),
            (self.wait.is_some(), "--wait"),
            (self.image.is_some(), "--image"),
            (self.run_containers, "--run-containers"),
            (self.scan, "--scan"),
            (self.deep, "--deep"),
        ];
        let mut given: Vec<&str> = flags.iter().filter(|f| f.0).map(|f| f.1).collect();
        given.extend(self.server.given());
        given
    }

    /// The flags given before the subcommand (`devdoctor --strict check`) with those given
    /// after it: a value given after wins, repeated flags add up.
    pub fn merged(self, after: RunArgs) -> RunArgs {
        RunArgs {
            strict: self.strict || after.strict,
            jobs: after.jobs.or(self.jobs),
            skip: [self.skip, after.skip].concat(),
            env_name: after.env_name.or(self.env_name),
            env_file: after.env_file.or(self.env_file),
            wait: after.wait.or(self.wait),
            image: after.image.or(self.image),
            run_containers: self.run_containers || after.run_containers,
            scan: self.scan || after.scan,
            deep: self.deep || after.deep,
            server: self.server.merged(after.server),
        }
    }
}

impl ServerArgs {
    pub fn given(&self) -> Vec<&'static str> {
        let flags = [
            (self.timeout.is_some(), "--timeout"),
            (self.health_url.is_some(), "--health-url"),
            (self.mcp_url.is_some(), "--mcp-url"),
            (self.allow_remote, "--allow-remote"),
        ];
        flags.iter().filter(|f| f.0).map(|f| f.1).collect()
    }

    pub fn merged(self, after: ServerArgs) -> ServerArgs {
        ServerArgs {
            timeout: after.timeout.or(self.timeout),
            health_url: after.health_url.or(self.health_url),
            mcp_url: after.mcp_url.or(self.mcp_url),
            allow_remote: self.allow_remote || after.allow_remote,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    /// Each flag of a check run, parsed alone, as `--name VALUE` or `--name`.
    fn each_flag() -> Vec<(String, Vec<String>)> {
        let cmd = RunArgs::augment_args(clap::Command::new("t"));
        cmd.get_arguments()
            .filter_map(|a| {
                a.get_long()
                    .map(|l| (l.to_string(), a.get_action().takes_values()))
            })
            .map(|(long, takes)| {
                let mut argv = vec!["t".to_string(), format!("--{long}")];
                if takes {
                    argv.push("1".into());
                }
                (long, argv)
            })
            .collect()
    }

    fn parse(argv: &[String]) -> RunArgs {
        let cmd = RunArgs::augment_args(clap::Command::new("t"));
        RunArgs::from_arg_matches(&cmd.try_get_matches_from(argv).unwrap()).unwrap()
    }

    /// A flag added to RunArgs or ServerArgs is refused by the commands that do not take it
    /// (`given`) and survives the merge of the flags before and after a subcommand.
    #[test]
    fn every_run_flag_is_seen_by_given_and_kept_by_merged() {
        let flags = each_flag();
        assert!(flags.len() >= 14, "{flags:?}");
        for (long, argv) in flags {
            let set = parse(&argv);
            let shown = format!("--{long}");
            assert_eq!(set.given(), vec![shown.as_str()], "{long}");
            assert_eq!(
                set.clone().merged(RunArgs::default()).given(),
                vec![shown.as_str()]
            );
            assert_eq!(RunArgs::default().merged(set).given(), vec![shown.as_str()]);
        }
    }

    #[test]
    fn run_flags_are_not_accepted_after_a_command_that_does_not_run_checks() {
        for argv in [
            vec!["devdoctor", "list", "--strict"],
            vec!["devdoctor", "explain", "env.pip", "--timeout", "3"],
            vec!["devdoctor", "mcp", "pin", "--scan"],
        ] {
            assert!(Cli::try_parse_from(&argv).is_err(), "{argv:?}");
        }
        let ok = Cli::try_parse_from([
            "devdoctor",
            "mcp",
            "pin",
            "--mcp-url",
            "http://127.0.0.1:1/mcp",
        ]);
        assert!(ok.is_ok());
        Cli::command().debug_assert();
    }
}
