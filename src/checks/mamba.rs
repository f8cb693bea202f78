//! Built-in `mamba.*` checks: the package manager, its root prefix, shell init and channels.
//! Facts come from `probes::mamba`; these functions only judge them
//!.

mod channels;
mod root;
mod shell;

use crate::core::{Builtin, Check, CheckResult, Context, Fix, Phase, Spec};
use crate::fix::{self, Flavour};
use crate::probes::mamba::{self as probe, ProblemKind, Roots, ShellInit, Toolchain};
use std::path::Path;
use std::sync::Arc;

const EXPLAIN_INSTALLED: &str = "
Looks for micromamba, mamba and conda: the executables named by MAMBA_EXE and CONDA_EXE, the
ones PATH finds, and the installers' default locations (~/.local/bin/micromamba,
~/miniforge3/bin/mamba, /opt/conda/bin/conda, ...). Each is identified by running
`<tool> --version` (never --json), all at once and each bounded by --timeout: a bare version is
micromamba (or mamba 2), `mamba X` + `conda Y` is mamba 1, `conda X` is conda.

Why it matters: every other fix devdoctor prints is a micromamba/mamba/conda command, and the
team policy wants dependencies from conda-forge through micromamba or mamba. mamba 1.x is end
of life; conda alone works but is slow and is not what the policy prefers.

Verdicts: fail when nothing is installed; warn for mamba 1.x, for conda only, for a tool that is
installed but not on PATH, and when another copy hangs, crashes or prints garbage; unknown when
something was found but none of it could be identified.

Fix: install micromamba with its official installer (`\"${SHELL}\" <(curl -L micro.mamba.pm/install.sh)`),
Homebrew (`brew install micromamba`) or from conda-forge with an existing conda
(`conda install -y -n base -c conda-forge micromamba`). Never with pip.
";

const EXPLAIN_ROOT: &str = "
Works out the root prefix the installed flavour will use, the way it does itself:
MAMBA_ROOT_PREFIX, the MAMBA_ROOT_PREFIX exported by the shell init block, the tool's own
install prefix, then the documented defaults (~/micromamba if it is a prefix, else
$XDG_DATA_HOME/mamba or ~/.local/share/mamba for micromamba 2; sys.prefix for conda and mamba 1).
It checks that the root exists, is a directory and is writable, and compares it with where your
environments really are (~/.conda/environments.txt, the envs dirs, every known root's envs/).

Why it matters: after a micromamba 1 -> 2 upgrade the default root moved from ~/micromamba to
~/.local/share/mamba, so `micromamba activate NAME` / `-n NAME` suddenly cannot find
environments that still exist. A default root that exists but is not a prefix makes micromamba
refuse to start (\"Could not use default root_prefix\").

Fix: point MAMBA_ROOT_PREFIX at the root that holds your environments and re-run
`micromamba shell init --shell SHELL --root-prefix ROOT` so new shells agree.
";

const EXPLAIN_SHELL: &str = "
Reads the rc file that `shell init` writes for your $SHELL (~/.bashrc, or ~/.bash_profile on
macOS; ~/.zshrc; ~/.config/fish/config.fish) and finds the managed block
(`# >>> mamba initialize >>>` or `# >>> conda initialize >>>`). The MAMBA_EXE it runs must
exist, and the MAMBA_ROOT_PREFIX it exports should be the root your environments live in. A hook
already loaded in the current shell (MAMBA_EXE and CONDA_SHLVL set) also counts.

Why it matters: without it `micromamba activate` fails with \"Shell not initialized\"; with a
stale block every new shell prints an error, or activation looks in the wrong root.

Fix: `micromamba shell init --shell SHELL --root-prefix ROOT` (mamba 2 the same with mamba;
micromamba 1 spells the root `-p`; conda and mamba 1 use `conda init SHELL` / `mamba init`).
Activation is optional: `micromamba run -n ENV python main.py` runs a command inside an
environment without any shell init, which is what scripts, CI and containers should use.
";

const EXPLAIN_CHANNELS: &str = "
Reads every .condarc/.mambarc the installed flavour reads, in its precedence order (/etc/conda,
/var/lib/conda, the root prefix, ~/.config/conda, ~/.conda, ~/.condarc, $CONDA_PREFIX, $CONDARC,
and for micromamba/mamba 2 also ~/.config/mamba, ~/.mamba, ~/.mambarc, $MAMBARC). Lists are
merged from the highest-precedence file down; scalars come from the highest file (or the
MAMBA_/CONDA_CHANNEL_PRIORITY variable).

Why it matters: the policy takes packages from conda-forge. `defaults` (Anaconda's channel) has
licensing terms and mixing it with conda-forge produces slow solves and broken environments;
`channel_priority: strict` keeps packages from the first channel that has them. A malformed rc
file makes micromamba and conda refuse to start.

Fix: `micromamba config prepend channels conda-forge`, `micromamba config remove channels defaults`,
`micromamba config set channel_priority strict` (conda: `conda config --prepend/--remove/--set`).
";

/// Runs a check that judges the toolchain, the root prefixes and the shell's init blocks.
fn with_shell(
    ctx: &Context,
    check: fn(&Context, &Toolchain, &Roots, &ShellInit) -> CheckResult,
) -> CheckResult {
    let tc = probe::toolchain(ctx);
    check(ctx, &tc, &probe::roots(ctx), &probe::shell_init(ctx))
}

/// The registry entries of this area, one per check.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(Spec {
            id: "mamba.installed",
            title: "micromamba / mamba installed",
            can_fix: true,
            applies: "Always: every machine needs a conda-compatible package manager; except a pixi project (pixi.toml or [tool.pixi] in pyproject.toml) with no environment.yml (or only Binder's, for running its examples online), on a machine without one: pixi brings its own.",
            explain: EXPLAIN_INSTALLED,
            run: |ctx| Ok(installed(ctx, &probe::toolchain(ctx), &probe::shell_init(ctx))),
        })),
        Arc::new(Builtin::new(Spec {
            id: "mamba.root_prefix",
            title: "root prefix",
            can_fix: true,
            applies: "When a package manager is installed; skips without one.",
            explain: EXPLAIN_ROOT,
            run: |ctx| Ok(with_shell(ctx, root::check)),
        })),
        Arc::new(Builtin::new(Spec {
            id: "mamba.shell_init",
            title: "shell init for activate",
            can_fix: true,
            applies: "When a package manager is installed; skips without one, or when $SHELL is a shell `shell init` does not support.",
            explain: EXPLAIN_SHELL,
            run: |ctx| Ok(with_shell(ctx, shell::check)),
        })),
        Arc::new(Builtin::new(Spec {
            id: "mamba.channels",
            title: "channels: conda-forge first",
            can_fix: true,
            applies: "When a package manager is installed (its rc files are read); skips without one.",
            explain: EXPLAIN_CHANNELS,
            run: |ctx| Ok(channels::check(ctx, &probe::toolchain(ctx), &probe::roots(ctx))),
        })),
    ]
}

/// What to say when no package manager could be identified (shared by the later checks).
fn no_tool(tc: &Toolchain) -> CheckResult {
    if tc.broken.is_empty() {
        CheckResult::skip("no micromamba, mamba or conda installed (see mamba.installed)")
    } else {
        CheckResult::unknown("the package manager could not be identified (see mamba.installed)")
    }
}

fn hint_for(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::TimedOut => "a `--version` that hangs usually means a broken install or a stalled filesystem; raise --timeout if it is only slow",
        ProblemKind::Crashed => "a crash on `--version` means the binary is damaged or built for another CPU or OS: reinstall it",
        ProblemKind::Failed => "run it by hand with `--version` to see the error",
        ProblemKind::Garbage => "this is not micromamba/mamba/conda output: another program of that name may shadow the real one",
        ProblemKind::NotStarted => "check that it is an executable for this machine",
    }
}

/// A pixi project (a pixi manifest, no environment file) without micromamba, mamba or conda:
/// pixi brings its own conda-forge solver, so asking for micromamba would be a false failure.
fn pixi_project(ctx: &Context, tc: &Toolchain) -> Option<CheckResult> {
    let manifest = crate::probes::env::pixi_without_manager(ctx, tc)?;
    let no_file = match crate::probes::env::binder_only_library(ctx) {
        Some(binder) => format!("no environment file but Binder's ({binder})"),
        None => "no environment.yml".to_string(),
    };
    Some(
        CheckResult::skip(format!(
            "not applicable: a pixi project ({manifest}) with {no_file}: pixi manages its conda-forge environments"
        ))
        .detail("devdoctor's environment checks cover projects with an environment.yml; no micromamba, mamba or conda is installed")
        .data("flavour", serde_json::Value::Null),
    )
}

/// `mamba.installed` when no package manager could be identified: none at all, or only broken ones.
/// Installing micromamba on this machine: its installer fetched with curl, or with wget where
/// only wget is on PATH (curl would have to come from micromamba first); with neither, its
/// binary fetched by python3, or else a word on installing curl first.
pub(super) fn install_fix(ctx: &Context) -> Fix {
    let has = |tool: &str| ctx.which(tool).is_some();
    let fetch = if has("curl") {
        fix::Fetch::Curl
    } else if has("wget") {
        fix::Fetch::Wget
    } else if has("python3") {
        fix::Fetch::Python
    } else {
        fix::Fetch::Nothing
    };
    let shell = crate::probes::mamba::shell_init(ctx).init_name.clone();
    fix::install_micromamba_by(fetch, shell.as_deref().unwrap_or("bash"))
}

fn not_found(
    ctx: &Context,
    tc: &Toolchain,
    broken: Vec<String>,
    stale: Vec<String>,
) -> CheckResult {
    if tc.broken.is_empty() {
        return CheckResult::fail("no micromamba, mamba or conda found")
            .detail("looked at MAMBA_EXE, CONDA_EXE, PATH, ~/.local/bin, ~/miniforge3, ~/mambaforge, ~/miniconda3, ~/anaconda3 and /opt/conda")
            .details(stale)
            .with_fix(install_fix(ctx))
            .data("flavour", serde_json::Value::Null);
    }
    let names: Vec<String> = tc
        .broken
        .iter()
        .map(|b| format!("{} ({})", b.name, b.path.display()))
        .collect();
    let mut r = CheckResult::unknown(format!(
        "found {} but could not identify it",
        names.join(", ")
    ))
    .details(broken)
    .details(stale)
    .data("flavour", serde_json::Value::Null)
    .data("problems", tc.problems.clone());
    if tc.broken.iter().all(|b| b.kind != ProblemKind::TimedOut) {
        r = r.with_fix(
            install_fix(ctx).manual("then make sure the new micromamba comes first on PATH"),
        );
    }
    r
}

/// `mamba.installed`'s verdict on the flavour found: current, end of life, or conda only.
fn flavour_verdict(tc: &Toolchain, tool: &probe::Tool) -> CheckResult {
    let program = tool.program();
    match tool.flavour {
        Flavour::Micromamba2 | Flavour::Mamba2 => CheckResult::ok(tool.describe()),
        Flavour::Micromamba1 => CheckResult::ok(tool.describe()).detail(
            "micromamba 1.x still works but is no longer developed; `micromamba self-update` moves to 2.x (2.x looks for the root prefix elsewhere: see mamba.root_prefix)",
        ),
        Flavour::Mamba1 => CheckResult::warn(format!(
            "{} is end of life (mamba 1.x)",
            tool.describe()
        ))
        .detail("mamba 1.x is a Python wrapper around conda and gets no more releases; mamba 2 and micromamba are the maintained C++ implementation")
        .with_fix(mamba1_upgrade(tc)),
        Flavour::Conda => CheckResult::warn(
            match tc.broken.iter().find(|b| b.name != "conda") {
                Some(b) => format!(
                    "{} at {} is broken; only {} works",
                    b.name,
                    b.path.display(),
                    tool.describe()
                ),
                None => format!(
                    "only conda found: {}; the policy prefers micromamba",
                    tool.describe()
                ),
            },
        )
        .detail("conda works, but micromamba is a single fast static binary and the policy's choice; both share environments and ~/.conda/environments.txt")
        .with_fix(
            Fix::new("Add micromamba from conda-forge with the conda you have.")
                .phase(Phase::InstallTool)
                .cmd(fix::Commands::with_program(Flavour::Conda, program).install("base", &["micromamba"]))
                .manual(r#"or with the official installer: "${SHELL}" <(curl -L micro.mamba.pm/install.sh)"#),
        ),
    }
}

/// A tool found off PATH: a warning with the PATH step, unless MAMBA_EXE (the shell init
/// block) is how it is reached.
fn off_path(
    ctx: &Context,
    tool: &probe::Tool,
    sh: &probe::ShellInit,
    mut r: CheckResult,
) -> CheckResult {
    let via = if tool.found_via.iter().any(|v| v == "MAMBA_EXE") {
        "MAMBA_EXE"
    } else {
        ""
    };
    if !tool.on_path {
        let dir = tool
            .path
            .parent()
            .map(|d| probe::tilde(ctx, d))
            .unwrap_or_default();
        let line = format!(
            "{} is not on PATH; scripts that call `{}` will not find it",
            tool.path.display(),
            tool.flavour.program()
        );
        if via.is_empty() {
            r.status = r.status.max(crate::core::Status::Warn);
            r = r.detail(line);
            let step = format!(
                "add {dir} to PATH in your shell rc file, e.g. export PATH=\"{dir}:$PATH\""
            );
            let mut f = match r.fix.take() {
                Some(f) => f.manual(step),
                None => Fix::new(format!("Put {} on PATH.", tool.flavour.program()))
                    .phase(Phase::Configure)
                    .manual(step),
            };
            // Freshly installed: the init block already knows it; this shell predates it.
            let block = sh.blocks().find(|(_, b)| {
                b.mamba_exe
                    .as_deref()
                    .is_some_and(|e| probe::same_path(e, &tool.path))
            });
            if let Some((file, b)) = block {
                f = f.manual(format!(
                    "interactive shells get `{}` from the init block in {}:{}: open a new shell (or `source` it)",
                    tool.flavour.program(),
                    show(ctx, &file.path),
                    b.line
                ));
            }
            r.fix = Some(f);
        } else {
            r = r.detail(format!(
                "{line} (the shell init block makes `{}` a shell function in interactive shells)",
                tool.flavour.program()
            ));
        }
    }
    r
}

/// `mamba.installed`.
pub(crate) fn installed(ctx: &Context, tc: &Toolchain, sh: &probe::ShellInit) -> CheckResult {
    let stale: Vec<String> = tc
        .stale_vars
        .iter()
        .map(|v| {
            let what = if v.exists {
                "which is not a file"
            } else {
                "which does not exist"
            };
            format!("{} is set to {}, {what}", v.var, v.path.display())
        })
        .collect();
    let broken: Vec<String> = tc
        .broken
        .iter()
        .map(|b| {
            format!(
                "{} at {} {} (hint: {})",
                b.name,
                b.path.display(),
                b.reason,
                hint_for(b.kind)
            )
        })
        .collect();
    let Some(tool) = tc.primary() else {
        if let Some(skip) = pixi_project(ctx, tc) {
            return skip;
        }
        return not_found(ctx, tc, broken, stale);
    };
    let mut r = flavour_verdict(tc, tool);

    r = off_path(ctx, tool, sh, r);
    if tool.from_records {
        r = r.detail(format!(
            "the version comes from {}'s package record in conda-meta; it was not run (it starts slowly)",
            tool.flavour.program()
        ));
    }
    for other in tc.tools.iter().skip(1) {
        r = r.detail(format!("also found: {}", other.describe()));
    }
    if !broken.is_empty() {
        r.status = r.status.max(crate::core::Status::Warn);
        if r.status == crate::core::Status::Warn && tool.flavour.is_libmamba_cli() {
            r.summary = format!("{}; another copy is broken", r.summary);
        }
        r = r.details(broken);
    }
    r.details(stale)
        .data("flavour", flavour_id(tool.flavour))
        .data("flavour_label", tool.flavour.label())
        .data("version", tool.version.clone())
        .data("path", tool.path.display().to_string())
        .data("conda_version", tool.conda_version.clone())
        .data("on_path", tool.on_path)
        .data(
            "tools",
            tc.tools
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "flavour": flavour_id(t.flavour),
                        "version": t.version,
                        "path": t.path.display().to_string(),
                        "found_via": t.found_via,
                    })
                })
                .collect::<Vec<_>>(),
        )
        .data("problems", tc.problems.clone())
}

/// The flavour's stable JSON id: `micromamba2`, `micromamba1`, `mamba2`, `mamba1`, `conda`.
fn flavour_id(f: Flavour) -> serde_json::Value {
    serde_json::to_value(f).unwrap_or_default()
}

/// mamba 1 → 2: update mamba in base with conda (Miniforge 25.1.1 and later ship mamba 2),
/// or install micromamba beside it when the pins refuse.
fn mamba1_upgrade(tc: &Toolchain) -> Fix {
    let conda = tc
        .find(Flavour::Conda)
        .map(|t| t.program())
        .unwrap_or_else(|| "conda".to_string());
    Fix::new("Move to mamba 2 (or micromamba): mamba 1.x is end of life.")
        .phase(Phase::InstallTool)
        .cmd(fix::Commands::with_program(Flavour::Conda, conda).install("base", &["mamba>=2"]))
        .manual("if the solver refuses (conda pins in base, mamba-org/mamba#3503), install micromamba instead: \"${SHELL}\" <(curl -L micro.mamba.pm/install.sh)")
        .manual("or reinstall Miniforge 25.1.1 or later, which ships mamba 2")
}

/// The shell name `shell init` takes, defaulting to bash.
fn shell_name(sh: &probe::ShellInit) -> String {
    sh.init_name.clone().unwrap_or_else(|| "bash".to_string())
}

/// The project's environment name as `-n NAME` takes it: `--env`/config, else `name:` in the
/// environment file (one that names only a prefix has none).
fn project_env_name(ctx: &Context) -> Option<String> {
    use crate::probes::env::{env_name, NameSource};
    env_name(ctx)
        .filter(|n| n.source != NameSource::Prefix)
        .map(|n| n.name)
}

/// `micromamba run -n ENV python main.py` for the project, worded for the flavour.
fn run_hint(ctx: &Context, tc: &Toolchain) -> String {
    let env = project_env_name(ctx).unwrap_or_else(|| "ENV".to_string());
    let cmds = tc.commands();
    fix::quote_argv(&cmds.run_in(&env, &crate::probes::mcp::example_command(ctx)))
}

/// `path` relative to home for messages.
fn show(ctx: &Context, p: &Path) -> String {
    probe::tilde(ctx, p)
}

#[cfg(test)]
mod tests;
