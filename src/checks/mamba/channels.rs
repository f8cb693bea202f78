//! `mamba.channels`: conda-forge first, `defaults` absent, strict priority, across every rc
//! file the flavour reads.

use super::{no_tool, show};
use crate::core::{CheckResult, Context, Fix, Location, Phase, Status};
use crate::fix::{Commands, Flavour};
use crate::probes::mamba::rc::{self, is_conda_forge, is_defaults};
use crate::probes::mamba::{RcFile, Roots, Toolchain};
use std::path::PathBuf;

/// One effective channel and the file:line it came from.
#[derive(Debug, Clone)]
struct Source {
    channel: String,
    path: PathBuf,
    line: usize,
}

/// Channels merged from the highest-precedence file down, first occurrence kept.
/// A malformed rc file makes the tool refuse to start; an unreadable one (an unreadable HOME)
/// hides the user's settings. Either is a failure of its own.
fn unreadable_config(ctx: &Context, program: &str, rc: &[RcFile]) -> Option<CheckResult> {
    let bad: Vec<(&RcFile, &rc::RcError)> = rc
        .iter()
        .filter_map(|f| f.settings.as_ref().err().map(|e| (f, e)))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let malformed = bad
        .iter()
        .any(|(_, e)| matches!(e, rc::RcError::Malformed { .. }));
    let what = if malformed { "malformed" } else { "unreadable" };
    let mut r = CheckResult::fail(format!(
        "{program} cannot read its configuration: a{} {what} rc file",
        if malformed { "" } else { "n" }
    ));
    for (f, e) in bad {
        r = r
            .detail(format!("{} {e}", show(ctx, &f.path)))
            .location(Location::new(
                f.path.clone(),
                e.line(),
                format!("{what} rc file"),
            ));
    }
    let fix = if malformed {
        Fix::new("Repair or remove the malformed rc file.").manual(
            "fix the YAML at the line shown (or move the file away), then run devdoctor again",
        )
    } else {
        Fix::new("Let your user read its configuration.")
            .manual("check the owner and mode of the file and of the folders above it (ls -ld), then run devdoctor again")
    };
    Some(r.with_fix(fix.phase(Phase::Configure)))
}

fn effective_channels(rc: &[RcFile]) -> (Vec<Source>, bool) {
    let mut out: Vec<Source> = Vec::new();
    let mut configured = false;
    for f in rc.iter().rev() {
        let Ok(s) = &f.settings else { continue };
        let Some(ch) = &s.channels else { continue };
        configured = true;
        for c in &ch.value {
            if c.value == "nodefaults" || out.iter().any(|o| o.channel == c.value) {
                continue;
            }
            out.push(Source {
                channel: c.value.clone(),
                path: f.path.clone(),
                line: c.line,
            });
        }
    }
    (out, configured)
}

/// The effective channel_priority: the variable, else the highest-precedence file.
fn priority(ctx: &Context, libmamba: bool, rc: &[RcFile]) -> Option<(String, String)> {
    let var = if libmamba {
        "MAMBA_CHANNEL_PRIORITY"
    } else {
        "CONDA_CHANNEL_PRIORITY"
    };
    if let Some(v) = ctx.var(var) {
        return Some((v.trim().to_lowercase(), var.to_string()));
    }
    rc.iter().rev().find_map(|f| {
        let p = f.settings.as_ref().ok()?.channel_priority.as_ref()?;
        Some((
            p.value.trim().to_lowercase(),
            format!("{}:{}", show(ctx, &f.path), p.line),
        ))
    })
}

fn config_cmd(cmds: &Commands, file: &str, libmamba: bool, action: &str) -> Vec<String> {
    let prog = if cmds.flavour == Flavour::Mamba1 {
        "conda".to_string()
    } else {
        cmds.program.clone()
    };
    let a: Vec<&str> = if libmamba {
        vec!["config", action, "channels", "defaults", "--file", file]
    } else {
        vec!["config", "--file", file, action, "channels", "defaults"]
    };
    std::iter::once(prog)
        .chain(a.into_iter().map(str::to_string))
        .collect()
}

/// Why no configured channels is a problem for this flavour (micromamba/mamba 2 default to
/// conda-forge, so for them it is not).
fn unconfigured(flavour: Flavour) -> Option<(String, String)> {
    match flavour {
        Flavour::Micromamba1 => Some((
            "no channels configured".into(),
            "micromamba 1.x has no default channel: installs fail with \"No 'channels' specified\" unless -c is given".into(),
        )),
        Flavour::Conda | Flavour::Mamba1 => Some((
            "no channels configured: conda falls back to `defaults`".into(),
            "without a `channels:` list conda uses Anaconda's `defaults`, not conda-forge".into(),
        )),
        _ => None,
    }
}

/// conda-forge is configured but not first, or not configured at all.
fn order_problem(names: &[String]) -> (String, String) {
    if names.iter().any(|n| is_conda_forge(n)) {
        (
            "conda-forge is not the first channel".into(),
            format!(
                "the order is {}: packages come from the first channel that has them",
                names.join(", ")
            ),
        )
    } else {
        (
            "conda-forge is not among the channels".into(),
            format!(
                "the channels are: {}; the policy takes packages from conda-forge",
                if names.is_empty() {
                    "none (an empty list)".to_string()
                } else {
                    names.join(", ")
                }
            ),
        )
    }
}

/// The channels as the summary names them (the built-in default when none is configured).
fn shown_channels(flavour: Flavour, names: &[String], configured: bool) -> String {
    if names.is_empty() && !configured {
        match flavour {
            Flavour::Micromamba2 | Flavour::Mamba2 => {
                "conda-forge (the built-in default)".to_string()
            }
            Flavour::Micromamba1 => "none".to_string(),
            _ => "defaults (conda's built-in default)".to_string(),
        }
    } else {
        names.join(", ")
    }
}

/// The fix: remove `defaults` where it is written, then conda-forge first and strict.
/// `state` is (conda-forge already first, priority already strict, conda's implicit defaults).
fn channel_fix(
    ctx: &Context,
    cmds: &Commands,
    flavour: Flavour,
    roots: &Roots,
    remove_from: &[&Source],
    state: (bool, bool, bool),
) -> Fix {
    let (forge_first, strict, implicit_defaults) = state;
    let libmamba = flavour.is_libmamba_cli();
    let mut f = Fix::new("Take packages from conda-forge first, without Anaconda's `defaults`, with strict priority.")
        .phase(Phase::Configure);
    let home_condarc = ctx.home().map(|h| h.join(".condarc"));
    let only_home = !remove_from.is_empty()
        && remove_from
            .iter()
            .all(|s| Some(&s.path) == home_condarc.as_ref());
    let mut base = cmds.channel_config(only_home);
    if !only_home {
        for s in remove_from {
            let writable = roots
                .rc
                .iter()
                .find(|f| f.path == s.path)
                .is_some_and(|f| f.writable);
            let path = s.path.display().to_string();
            if writable {
                let action = if libmamba { "remove" } else { "--remove" };
                f = f.cmd(config_cmd(cmds, &path, libmamba, action));
            } else {
                f = f.manual(format!(
                    "remove `{}` from {path} (line {}); the file needs an administrator",
                    s.channel, s.line
                ));
            }
        }
    }
    if forge_first {
        base.retain(|c| !c.iter().any(|a| a == "prepend" || a == "--prepend"));
    }
    if strict {
        base.retain(|c| !c.iter().any(|a| a == "channel_priority"));
    }
    for c in base {
        f = f.cmd(c);
    }
    if implicit_defaults {
        // `conda config --prepend` on a fresh file writes [conda-forge, defaults].
        let prog = if flavour == Flavour::Mamba1 {
            "conda".to_string()
        } else {
            cmds.program.clone()
        };
        f = f.cmd([prog.as_str(), "config", "--remove", "channels", "defaults"]);
    }
    f
}

/// `mamba.channels`.
pub(super) fn check(ctx: &Context, tc: &Toolchain, roots: &Roots) -> CheckResult {
    let Some(tool) = tc.primary() else {
        return no_tool(tc);
    };
    let cmds = tc.commands();
    let libmamba = tool.flavour.is_libmamba_cli();
    let files: Vec<String> = roots.rc.iter().map(|f| show(ctx, &f.path)).collect();

    if let Some(r) = unreadable_config(ctx, tool.flavour.program(), &roots.rc) {
        return r.data("rc_files", files);
    }
    let mut r = CheckResult::ok("");

    let (channels, configured) = effective_channels(&roots.rc);
    let names: Vec<String> = channels.iter().map(|c| c.channel.clone()).collect();
    let implicit_defaults = !configured && !libmamba;
    // (one-line summary, why it matters)
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut remove_from: Vec<&Source> = Vec::new();

    if !configured {
        problems.extend(unconfigured(tool.flavour));
    }
    for d in channels.iter().filter(|c| is_defaults(&c.channel)) {
        problems.push((
            format!("`{}` channel in {}:{}", d.channel, show(ctx, &d.path), d.line),
            "that is Anaconda's channel: its terms of service may require a paid licence, and mixing it with conda-forge gives slow solves and broken environments".into(),
        ));
        r = r.location(Location::new(d.path.clone(), d.line, "`defaults` channel"));
        remove_from.push(d);
    }
    let forge_first = match names.first() {
        Some(first) => is_conda_forge(first),
        // micromamba/mamba 2 default to conda-forge when nothing is configured.
        None => matches!(tool.flavour, Flavour::Micromamba2 | Flavour::Mamba2),
    };
    if !forge_first && configured {
        problems.push(order_problem(&names));
        if let Some(c) = channels.first() {
            r = r.location(Location::new(
                c.path.clone(),
                c.line,
                "first channel is not conda-forge",
            ));
        }
    }
    let prio = priority(ctx, libmamba, &roots.rc);
    let strict = prio.as_ref().is_some_and(|(v, _)| v == "strict");
    let several = names.len() > 1 || implicit_defaults;
    if !strict {
        let said = match &prio {
            Some((v, at)) => format!("channel_priority is {v} ({at})"),
            None => "channel_priority is not set (flexible)".to_string(),
        };
        if several || !problems.is_empty() {
            problems.push((
                said,
                "with several channels, `strict` keeps each package from the first channel that has it".into(),
            ));
        } else {
            r = r.detail(format!("{said}; `strict` is recommended"));
        }
    }

    let shown = shown_channels(tool.flavour, &names, configured);
    r = r
        .data("channels", names.clone())
        .data("channel_priority", prio.as_ref().map(|(v, _)| v.clone()))
        .data("rc_files", files.clone());
    if files.is_empty() {
        r = r.detail("no .condarc/.mambarc found");
    } else {
        r = r.detail(format!(
            "rc files read (lowest precedence first): {}",
            files.join(", ")
        ));
    }

    if problems.is_empty() {
        r.summary = format!(
            "channels: {shown}{}",
            if strict { "; strict priority" } else { "" }
        );
        return r;
    }

    let f = channel_fix(
        ctx,
        &cmds,
        tool.flavour,
        roots,
        &remove_from,
        (forge_first, strict, implicit_defaults),
    );
    r.status = r.status.max(Status::Warn);
    r.summary = match problems.len() {
        1 => problems[0].0.clone(),
        n => format!("{} (and {} more)", problems[0].0, n - 1),
    };
    r.details(problems.iter().map(|(s, why)| format!("{s}: {why}")))
        .detail(format!("effective channels: {shown}"))
        .with_fix(f)
}
