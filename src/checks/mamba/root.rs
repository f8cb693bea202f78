//! `mamba.root_prefix`: the root the flavour uses exists, is writable, and is where the
//! environments really are.

use super::{no_tool, shell_name, show};
use crate::core::{CheckResult, Context, Fix, Phase, Status};
use crate::fix::{quote, Commands, Flavour};
use crate::probes::mamba::{self as probe, DirFacts, KnownEnv, Roots, ShellInit, Tool, Toolchain};
use std::path::{Path, PathBuf};

/// Environments that the configured root does not reach by name.
#[derive(Debug, Clone)]
pub(super) struct Misplaced {
    /// The root that holds them.
    pub real_root: PathBuf,
    /// Their names.
    pub names: Vec<String>,
    /// The project's environment is among them.
    pub project: bool,
}

fn named(e: &KnownEnv) -> bool {
    e.name != "base" && e.root.as_deref() != Some(e.prefix.as_path())
}

fn root_or_parent(e: &KnownEnv) -> Option<PathBuf> {
    e.root
        .clone()
        .or_else(|| e.prefix.parent().map(|p| p.to_path_buf()))
}

/// The configured root finds none of the environments (or not the project's),
/// while another root holds them.
pub(super) fn misplaced(ctx: &Context, roots: &Roots) -> Option<Misplaced> {
    roots.root_prefix.as_ref()?;
    let envs: Vec<&KnownEnv> = roots.known_envs.iter().filter(|e| named(e)).collect();
    if let Some(project) = super::project_env_name(ctx) {
        let matching: Vec<&&KnownEnv> = envs.iter().filter(|e| e.name == project).collect();
        if matching.iter().any(|e| roots.reachable_by_name(&e.prefix)) {
            return None;
        }
        if let Some(e) = matching.first() {
            return Some(Misplaced {
                real_root: root_or_parent(e)?,
                names: vec![project],
                project: true,
            });
        }
    }
    if envs.iter().any(|e| roots.reachable_by_name(&e.prefix)) {
        return None;
    }
    // The root holding the most unreachable environments.
    let mut best: Option<(PathBuf, Vec<String>)> = None;
    for e in &envs {
        let Some(root) = root_or_parent(e) else {
            continue;
        };
        let names: Vec<String> = envs
            .iter()
            .filter(|o| root_or_parent(o).as_ref() == Some(&root))
            .map(|o| o.name.clone())
            .collect();
        if best.as_ref().is_none_or(|(_, n)| names.len() > n.len()) {
            best = Some((root, names));
        }
    }
    best.map(|(real_root, names)| Misplaced {
        real_root,
        names,
        project: false,
    })
}

/// Fix: make the shell and this environment use `root` (libmamba), or teach conda the dir.
pub(super) fn use_root_fix(cmds: &Commands, shell: &str, root: &str) -> Fix {
    if cmds.flavour.is_libmamba_cli() {
        Fix::new("Use the root prefix that holds your environments, in new shells and in this one.")
            .phase(Phase::Configure)
            .cmd(cmds.shell_init(shell, root))
            .manual(format!("export MAMBA_ROOT_PREFIX={}", quote(root)))
    } else {
        let envs = format!("{}/envs", root.trim_end_matches('/'));
        Fix::new("Tell conda where the other environments are.")
            .phase(Phase::Configure)
            .cmd([
                cmds.program.as_str(),
                "config",
                "--append",
                "envs_dirs",
                envs.as_str(),
            ])
    }
}

fn list(names: &[String]) -> String {
    let mut v: Vec<&str> = names.iter().map(String::as_str).take(5).collect();
    if names.len() > 5 {
        v.push("…");
    }
    v.join(", ")
}

/// The root prefix's own state: missing, not a directory, not writable, empty or fine.
fn root_state(
    ctx: &Context,
    tool: &Tool,
    cmds: &Commands,
    at: &At,
    envs_here: usize,
    f: DirFacts,
) -> CheckResult {
    let (disp, source, root_str, shell) = (&at.disp, at.source, &at.root_str, &at.shell);
    let libmamba = tool.flavour.is_libmamba_cli();
    if !f.exists {
        if libmamba {
            CheckResult::warn(format!("root prefix {disp} ({source}) does not exist yet"))
                .detail(format!(
                    "{} creates it with the first environment; until then it has no environments",
                    tool.flavour.program()
                ))
                .with_fix(
                    Fix::new("Initialise the root prefix (shell init creates it).")
                        .phase(Phase::Configure)
                        .cmd(cmds.shell_init(shell, root_str)),
                )
        } else {
            CheckResult::fail(format!(
                "conda's root prefix {disp} ({source}) does not exist"
            ))
            .detail("the conda installation looks broken or half removed")
            .with_fix(super::install_fix(ctx))
        }
    } else if !f.is_dir {
        CheckResult::fail(format!("root prefix {disp} ({source}) is not a directory")).with_fix(
            Fix::new("Move the file away or use another root prefix.")
                .phase(Phase::Configure)
                .manual(format!(
                    "mv {} {}.bak, or export MAMBA_ROOT_PREFIX to another directory",
                    quote(root_str),
                    quote(root_str)
                )),
        )
    } else if !f.writable {
        let user_envs = ctx
            .home()
            .unwrap_or_default()
            .join(".conda/envs")
            .display()
            .to_string();
        let mut r = CheckResult::warn(format!(
            "root prefix {disp} ({source}) is not writable for you"
        ));
        if libmamba {
            r = r
                .detail("`create -n NAME` needs a writable envs dir; add one of your own first")
                .with_fix(
                    Fix::new("Add a writable envs dir of your own.")
                        .phase(Phase::Configure)
                        .cmd([
                            cmds.program.as_str(),
                            "config",
                            "prepend",
                            "envs_dirs",
                            user_envs.as_str(),
                        ]),
                );
        } else {
            r = r.detail(format!(
                "conda puts new environments in {user_envs} instead; the shared base cannot be updated"
            ));
        }
        r
    } else if !f.valid_root && libmamba {
        CheckResult::ok(format!("{disp} ({source}), empty so far"))
            .detail("no pkgs/, conda-meta/ or envs/ yet: the first `create` fills it")
    } else {
        CheckResult::ok(format!(
            "{disp} ({source}), {envs_here} environment{}",
            if envs_here == 1 { "" } else { "s" }
        ))
    }
}

/// Where the root prefix is, as the messages show it.
struct At<'a> {
    disp: String,
    source: &'a str,
    root_str: String,
    shell: String,
}

/// Details every verdict carries: disagreeing shells, the micromamba 1 → 2 default move, the
/// envs dirs and other root prefixes on the machine.
fn root_notes(
    ctx: &Context,
    mut r: CheckResult,
    tool: &Tool,
    roots: &Roots,
    sh: &ShellInit,
    root: &Path,
) -> CheckResult {
    if let (Some(env_root), Some((file, block, block_root))) =
        (&sh.env_root_prefix, sh.block_root())
    {
        if !probe::same_path(env_root, block_root) {
            r.status = r.status.max(Status::Warn);
            r = r.detail(format!(
                "MAMBA_ROOT_PREFIX here is {}, but the shell init block in {}:{} exports {}: shells disagree on the root",
                show(ctx, env_root),
                show(ctx, &file.path),
                block.line,
                show(ctx, block_root)
            ));
        }
    }
    if tool.flavour == Flavour::Micromamba1 && roots.root_defaulted {
        r = r.detail("micromamba 2 looks in ~/.local/share/mamba unless ~/micromamba is a prefix or MAMBA_ROOT_PREFIX is set: set it before upgrading");
    }
    let dirs: Vec<String> = roots.envs_dirs.iter().map(|d| show(ctx, d)).collect();
    if !dirs.is_empty() {
        r = r.detail(format!("envs dirs: {}", dirs.join(", ")));
    }
    for c in roots
        .candidates
        .iter()
        .filter(|c| c.valid && !probe::same_path(&c.path, root))
    {
        r = r.detail(format!(
            "another root prefix exists: {} ({})",
            show(ctx, &c.path),
            c.source
        ));
    }
    r
}

/// The environments live under another root than the one the tool uses (the micromamba
/// 1 → 2 move): a warning with the way back.
fn misplaced_verdict(
    ctx: &Context,
    mut r: CheckResult,
    tool: &Tool,
    cmds: &Commands,
    at: &At,
    m: &Misplaced,
) -> CheckResult {
    let (disp, source, shell) = (&at.disp, at.source, &at.shell);
    let real = m.real_root.display().to_string();
    let what = if m.project {
        format!("the project environment {}", list(&m.names))
    } else {
        format!("your environments ({})", list(&m.names))
    };
    r.status = r.status.max(Status::Warn);
    r.summary = format!(
        "{} uses {disp} ({source}), but {what} live{} in {}",
        tool.flavour.program(),
        if m.names.len() == 1 { "s" } else { "" },
        show(ctx, &m.real_root)
    );
    r = r
            .detail(format!(
                "`{} activate NAME` and `-n NAME` will not find {}; this is the usual result of a micromamba 1 -> 2 upgrade (mamba-org/mamba#3500, #3684)",
                tool.flavour.program(),
                if m.names.len() == 1 { "it" } else { "them" }
            ))
            .with_fix(use_root_fix(cmds, shell, &real));
    if source == "MAMBA_ROOT_PREFIX" {
        r = r.detail("MAMBA_ROOT_PREFIX is set in your environment: look for it in ~/.profile, ~/.bashrc, ~/.zshrc or CI settings");
    }
    r
}

/// `mamba.root_prefix`. A verdict that gives advice is first checked against the root the
/// tool itself reports (`info --json`): where the two differ, the tool's root is the one
/// judged and advised on, and the report says so.
pub(super) fn check(ctx: &Context, tc: &Toolchain, roots: &Roots, sh: &ShellInit) -> CheckResult {
    let first = judge(ctx, tc, roots, sh);
    if first.status <= Status::Skip {
        return first;
    }
    let Some(tool) = tc.primary() else {
        return first;
    };
    let reported = probe::reported_root(ctx, tool);
    let asked = format!("`{} info --json`", tool.flavour.program());
    match reported {
        Err(e) => first.detail(format!("{asked} could not confirm the root prefix: {e}")),
        Ok(root)
            if roots
                .root_prefix
                .as_deref()
                .is_some_and(|r| probe::same_path(r, &root)) =>
        {
            first.detail(format!("{asked} reports the same root prefix"))
        }
        Ok(root) => {
            let worked_out = roots.root_prefix.as_deref().map_or_else(
                || "no root prefix".to_string(),
                |r| format!("{} ({})", show(ctx, r), roots.root_source),
            );
            let source = format!("reported by {asked}");
            let shown = show(ctx, &root);
            let re = probe::roots_with_reported(ctx, tc, sh, root, source);
            judge(ctx, tc, &re, sh).detail(format!(
                "devdoctor's reading of your variables and files gave {worked_out}, but {} itself reports {shown}: the verdict above is about the root it uses",
                tool.flavour.program()
            ))
        }
    }
}

fn judge(ctx: &Context, tc: &Toolchain, roots: &Roots, sh: &ShellInit) -> CheckResult {
    let Some(tool) = tc.primary() else {
        return no_tool(tc);
    };
    let Some(root) = roots.root_prefix.as_ref() else {
        return CheckResult::unknown(format!(
            "could not work out the root prefix of {}: {}",
            tool.describe(),
            roots.root_source
        ))
        .detail(
            "set MAMBA_ROOT_PREFIX (micromamba, mamba 2) or run `conda info --base` to see conda's",
        );
    };
    let cmds = tc.commands();
    let shell = shell_name(sh);
    let disp = show(ctx, root);
    let source = roots.root_source.as_str();
    let root_str = root.display().to_string();
    let envs_here = roots
        .known_envs
        .iter()
        .filter(|e| named(e) && roots.reachable_by_name(&e.prefix))
        .count();
    let data = |r: CheckResult| {
        r.data("root_prefix", root_str.clone())
            .data("source", source)
            .data(
                "envs_dirs",
                roots
                    .envs_dirs
                    .iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>(),
            )
            .data("environments", envs_here)
    };
    let target = misplaced(ctx, roots);

    if let Some(err) = &roots.default_root_error {
        let good = target
            .as_ref()
            .map(|m| m.real_root.clone())
            .or_else(|| {
                roots
                    .candidates
                    .iter()
                    .find(|c| c.valid && !probe::same_path(&c.path, root))
                    .map(|c| c.path.clone())
            })
            .unwrap_or_else(|| ctx.home().unwrap_or_default().join("micromamba"));
        let good = good.display().to_string();
        return data(
            CheckResult::fail(format!(
                "micromamba cannot use its default root prefix {disp}"
            ))
            .detail(err.clone())
            .detail("the directory exists and is not empty, but has no pkgs/, conda-meta/ or envs/")
            .with_fix(use_root_fix(&cmds, &shell, &good)),
        );
    }
    if let Some(err) = &roots.envs_dirs_error {
        return data(
            CheckResult::fail("CONDA_ENVS_DIRS and CONDA_ENVS_PATH are both set")
                .detail(err.clone())
                .with_fix(
                    Fix::new("Keep one of the two variables.")
                        .phase(Phase::Configure)
                        .manual("unset CONDA_ENVS_PATH (and remove it from your shell rc file)"),
                ),
        );
    }

    let at = At {
        disp: disp.clone(),
        source,
        root_str: root_str.clone(),
        shell: shell.clone(),
    };
    let mut r = root_state(ctx, tool, &cmds, &at, envs_here, roots.root_facts);
    if let Some(m) = &target {
        r = misplaced_verdict(ctx, r, tool, &cmds, &at, m);
    }
    let r = root_notes(ctx, r, tool, roots, sh, root);
    data(r)
}
