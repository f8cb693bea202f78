//! `mamba.shell_init`: will `activate` work in the user's shell?.

use super::root::misplaced;
use super::{no_tool, run_hint, shell_name, show};
use crate::core::{CheckResult, Context, Fix, Location, Phase, Status};
use crate::fix::{Commands, Flavour};
use crate::probes::mamba::{
    self as probe, BlockKind, InitBlock, Roots, ShellInit, ShellRcFile, Tool, Toolchain,
};
use std::path::PathBuf;

/// A verdict on the init block the tool itself writes: unterminated, without an executable,
/// pointing at a missing one, missing mamba 1's activation, or fine.
fn own_block(
    ctx: &Context,
    tool: &Tool,
    init: &Init,
    file: &ShellRcFile,
    block: &InitBlock,
) -> CheckResult {
    let (program, shell_label) = (init.program, init.shell_label.as_str());
    let init_fix = |why: &str| init.fix(why);
    let at = format!("{}:{}", show(ctx, &file.path), block.line);
    let loc = |msg: &str| Location::new(file.path.clone(), block.line, msg);
    let exe = block.exe().map(|p| p.display().to_string());
    if !block.closed {
        CheckResult::warn(format!("the init block at {at} has no end marker"))
            .detail("shell init cannot update a block without its `# <<< … initialize <<<` line")
            .location(loc("unterminated init block"))
            .with_fix(
                init_fix("Remove the broken block and write a fresh one.")
                    .manual(format!("first delete the block starting at {at}")),
            )
    } else if exe.is_none() {
        CheckResult::warn(format!(
            "the init block at {at} does not say which executable to run"
        ))
        .location(loc("init block without MAMBA_EXE"))
        .with_fix(init_fix("Rewrite the init block."))
    } else if !block.exe_exists {
        let var = if block.kind == BlockKind::Mamba {
            "MAMBA_EXE"
        } else {
            "conda"
        };
        CheckResult::fail(format!(
            "the init block at {at} runs {var}={}, which does not exist",
            exe.clone().unwrap_or_default()
        ))
        .detail("every new shell prints an error and `activate` does not work")
        .location(loc("init block points to a missing executable"))
        .with_fix(init_fix(&format!(
            "Re-initialise {shell_label} for {} ({}).",
            program,
            tool.path.display()
        )))
    } else if tool.flavour == Flavour::Mamba1 && block.mamba_sh.is_none() {
        CheckResult::warn(format!(
            "conda is initialised at {at}, but `mamba activate` is not (mamba 1)"
        ))
        .detail("mamba 1 adds `. <root>/etc/profile.d/mamba.sh` inside conda's block; `conda activate` works meanwhile")
        .with_fix(init_fix("Let mamba 1 add its activation to the block."))
    } else {
        CheckResult::ok(format!("`{program} activate` works in {shell_label} ({at})"))
    }
    .data("block_line", block.line)
    .data("exe", exe)
}

/// No block of the tool's own: fine when the hook is loaded in this shell, unknown when an rc
/// file could not be read, else not initialised (naming a block of the other kind).
fn no_own_block(
    ctx: &Context,
    sh: &ShellInit,
    init: &Init,
    wants_mamba_block: bool,
    other: Option<(&ShellRcFile, &InitBlock)>,
    files: &[String],
    unreadable: &[String],
) -> CheckResult {
    let (program, shell_label) = (init.program, init.shell_label.as_str());
    let init_fix = |why: &str| init.fix(why);
    if sh.hook_loaded && sh.env_mamba_exe.is_some() && wants_mamba_block {
        CheckResult::ok(format!(
            "the {program} hook is loaded in this shell (MAMBA_EXE is set)"
        ))
        .detail(format!(
            "no managed block in {}: new shells may not have it",
            files.join(" or ")
        ))
    } else if sh.hook_loaded && !wants_mamba_block {
        CheckResult::ok("conda's hook is loaded in this shell (CONDA_SHLVL is set)")
    } else if !unreadable.is_empty() {
        CheckResult::unknown(format!(
            "could not read the shell rc file: {}",
            unreadable.join("; ")
        ))
    } else {
        let mut r = CheckResult::warn(format!(
            "{shell_label} is not initialised for {program}: `{program} activate` will not work"
        ))
        .detail(format!(
            "looked for the managed block in {}",
            files.join(", ")
        ))
        .detail(if wants_mamba_block {
            format!("`{program} activate` fails with \"critical libmamba Shell not initialized\"")
        } else {
            format!("`{program} activate` asks you to run `{program} init` first")
        })
        .with_fix(init_fix(&format!(
            "Initialise {shell_label} so `{program} activate` works."
        )));
        if let Some((f, b)) = other {
            r = r.detail(format!(
                "{}:{} has a {} init block, which does not set up `{program} activate`",
                show(ctx, &f.path),
                b.line,
                if b.kind == BlockKind::Conda {
                    "conda"
                } else {
                    "mamba"
                }
            ));
            if !b.exe_exists {
                r = r.detail(format!(
                    "that block runs {}, which no longer exists: remove it (new shells print errors)",
                    b.exe().map(|p| p.display().to_string()).unwrap_or_default()
                ));
            }
        }
        r
    }
}

/// What `shell init` needs: the command set, the shell, the root to initialise with.
struct Init<'a> {
    cmds: Commands,
    shell: String,
    root: String,
    program: &'a str,
    shell_label: String,
}

impl Init<'_> {
    fn fix(&self, why: &str) -> Fix {
        Fix::new(why)
            .phase(Phase::Configure)
            .cmd(self.cmds.shell_init(&self.shell, &self.root))
            .manual("then open a new shell (or `source` the rc file)")
    }
}

/// The tool's block against where the environments are: another root exported, or another
/// executable run.
fn block_vs_root(
    ctx: &Context,
    mut r: CheckResult,
    tool: &Tool,
    init: &Init,
    (file, block): (&ShellRcFile, &InitBlock),
    real_root: Option<&PathBuf>,
) -> CheckResult {
    let program = init.program;
    let init_fix = |why: &str| init.fix(why);
    if let (Some(block_root), Some(real)) = (&block.root_prefix, real_root) {
        if block.exe_exists && !probe::same_path(block_root, real) {
            r.status = r.status.max(Status::Warn);
            r.summary = format!(
                "the init block at {}:{} exports MAMBA_ROOT_PREFIX={}, but {} is the root in use",
                show(ctx, &file.path),
                block.line,
                show(ctx, block_root),
                show(ctx, real)
            );
            r = r
                .detail("activated shells will look for environments in the wrong root (see mamba.root_prefix)")
                .location(Location::new(
                    file.path.clone(),
                    block.line,
                    "init block exports another root prefix",
                ))
                .with_fix(init_fix("Re-initialise the shell with the root that holds your environments."));
        }
    }
    if let Some(exe) = &block.mamba_exe {
        if block.exe_exists && !probe::same_path(exe, &tool.path) {
            r = r.detail(format!(
                "the block runs {}, while {} is the {program} in use",
                exe.display(),
                tool.path.display()
            ));
        }
    }
    r
}

/// `mamba.shell_init`.
pub(super) fn check(ctx: &Context, tc: &Toolchain, roots: &Roots, sh: &ShellInit) -> CheckResult {
    let Some(tool) = tc.primary() else {
        return no_tool(tc);
    };
    let run = format!(
        "no activation needed: `{}` runs a command inside the environment (scripts, CI, containers)",
        run_hint(ctx, tc)
    );
    let program = tool.flavour.program();
    let cmds = tc.commands();
    let shell = shell_name(sh);
    let shell_label = sh.shell.clone().unwrap_or_else(|| "your shell".to_string());
    if sh.shell.is_some() && sh.init_name.is_none() {
        return CheckResult::skip(format!(
            "`{program} shell init` does not support SHELL={}",
            ctx.var("SHELL").unwrap_or_default()
        ))
        .detail(run);
    }
    if ctx.home().is_none() {
        return CheckResult::unknown("HOME is not set, so the shell rc files cannot be found")
            .detail(run);
    }
    let real_root = misplaced(ctx, roots)
        .map(|m| m.real_root)
        .or_else(|| roots.root_prefix.clone());
    let real_root_str = real_root
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "~/micromamba".to_string());
    let files: Vec<String> = sh.files.iter().map(|f| show(ctx, &f.path)).collect();
    let data = |r: CheckResult| {
        r.data("shell", sh.shell.clone())
            .data("rc_files", files.clone())
            .data("hook_loaded", sh.hook_loaded)
    };
    let unreadable: Vec<String> = sh
        .files
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| format!("{} {e}", show(ctx, &f.path)))
        })
        .collect();

    let mamba_block = sh.blocks().find(|(_, b)| b.kind == BlockKind::Mamba);
    let conda_block = sh.blocks().find(|(_, b)| b.kind == BlockKind::Conda);
    let wants_mamba_block = tool.flavour.is_libmamba_cli();
    let own = if wants_mamba_block {
        mamba_block
    } else {
        conda_block
    };

    let init = Init {
        cmds: cmds.clone(),
        shell: shell.clone(),
        root: real_root_str.clone(),
        program,
        shell_label: shell_label.clone(),
    };
    let mut r = match own {
        Some((file, block)) => own_block(ctx, tool, &init, file, block),
        None => {
            let other = if wants_mamba_block {
                conda_block
            } else {
                mamba_block
            };
            no_own_block(
                ctx,
                sh,
                &init,
                wants_mamba_block,
                other,
                &files,
                &unreadable,
            )
        }
    };

    if let Some(fb) = mamba_block.filter(|_| wants_mamba_block) {
        r = block_vs_root(ctx, r, tool, &init, fb, real_root.as_ref());
    }
    for line in unreadable {
        r = r.detail(line);
    }
    data(r.detail(run))
}
