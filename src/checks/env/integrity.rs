//! `env.integrity` and `env.consistency`: what `conda doctor` checks, without conda. The
//! environment's conda-meta records say which files each package installed and what it
//! depends on; these checks hold the disk and the records against each other.

use super::{commands, for_env, found_prefix};
use crate::core::{Builtin, Check, CheckResult, Context, Early, Fix, Outcome, Phase, Spec};
use crate::fix::Commands;
use crate::probes::env::meta::{self, FileProblem, FullRecord};
use std::sync::Arc;

/// Problems listed in the details (all are counted).
const SHOWN: usize = 12;

pub(super) fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(Spec {
            id: "env.integrity",
            title: "Every file the packages installed is still there",
            can_fix: true,
            applies: "When the environment exists; skips otherwise.",
            explain: EXPLAIN_INTEGRITY,
            run: check_integrity,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.consistency",
            title: "Installed packages satisfy each other's dependencies",
            can_fix: true,
            applies: "When the environment exists; skips otherwise.",
            explain: EXPLAIN_CONSISTENCY,
            run: check_consistency,
        })),
    ]
}

const EXPLAIN_INTEGRITY: &str = "
Looks at: every record in the environment's conda-meta/ folder and each path it lists (`files`
and `paths_data`), with one lstat per path (a link counts as present even when it dangles: the
link is what the package installed). With --deep, a regular file's size and then its sha256 are
compared with `paths_data` (sha256_in_prefix where the prefix was rewritten), as `conda doctor`
does.
Why: a file deleted by hand, a cleanup script or a full disk during an install leaves a package
that conda believes is installed but that fails at import time.
Fix: reinstall the damaged packages: micromamba install -y -n ENV --force-reinstall -c conda-forge
NAME=VERSION=BUILD … (the flavour's own command for mamba and conda).";

const EXPLAIN_CONSISTENCY: &str = "
Looks at: the `depends` of every installed record, matched against the installed records with
conda's MatchSpec rules (name, version and build; virtual packages such as __glibc are left
out), and names recorded more than once.
Why: an interrupted transaction, or pip and conda replacing each other's files, leaves an
environment that no solver produced: imports fail in ways that depend on the order of events.
Fix: install the unsatisfied specs (micromamba install -y -n ENV -c conda-forge 'SPEC' …), which
lets the solver repair the environment; a name recorded twice is reinstalled.";

fn describe(p: &FileProblem) -> String {
    match p {
        FileProblem::Missing => "missing".into(),
        FileProblem::Size { want, got } => format!("{got} bytes, recorded {want}"),
        FileProblem::Hash => "content changed (sha256 differs)".into(),
    }
}

/// `install -y -n NAME --force-reinstall -c conda-forge`, worded for the tool found.
fn reinstall(cmds: &Commands, name: &str) -> Vec<String> {
    cmds.cmd(&[
        "install",
        "-y",
        "-n",
        name,
        "--force-reinstall",
        "-c",
        "conda-forge",
    ])
}

fn check_integrity(ctx: &Context) -> Outcome {
    let (_env, name, prefix) = found_prefix(ctx)?;
    let recs = meta::full_records(ctx, &prefix);
    let recs = match recs.as_ref() {
        Ok(r) => r,
        Err(why) => return Err(Early::unknown(format!("cannot read {why}"))),
    };
    let deep = ctx.settings.deep;
    let files: usize = recs.iter().map(|r| r.all_paths().len()).sum();
    let damaged: Vec<(&FullRecord, Vec<String>)> = meta::damaged_files(&prefix, recs, deep)
        .into_iter()
        .zip(recs)
        .filter(|(problems, _)| !problems.is_empty())
        .map(|(problems, r)| {
            let shown = problems
                .iter()
                .map(|(p, x)| format!("{p}: {}", describe(x)))
                .collect();
            (r, shown)
        })
        .collect();
    let how = if deep {
        "present and unchanged"
    } else {
        "present"
    };
    if damaged.is_empty() {
        let mut r = CheckResult::ok(format!("{} packages, {files} files {how}", recs.len()));
        if !deep {
            r = r.detail("pass --deep to compare sizes and sha256 too");
        }
        return Ok(r.data("packages", recs.len()).data("files", files));
    }
    let bad: usize = damaged.iter().map(|(_, p)| p.len()).sum();
    let mut r = CheckResult::fail(format!(
        "{bad} installed file{} of {} package{} missing or altered in `{}`",
        if bad == 1 { " is" } else { "s are" },
        damaged.len(),
        if damaged.len() == 1 { "" } else { "s" },
        name.name
    ));
    for (rec, problems) in &damaged {
        for p in problems.iter().take(SHOWN) {
            r = r.detail(format!("{}: {p}", rec.name));
        }
    }
    let specs: Vec<String> = damaged
        .iter()
        .map(|(rec, _)| format!("{}={}={}", rec.name, rec.version, rec.build))
        .collect();
    let cmds = commands(ctx);
    let mut argv = reinstall(&cmds, &name.name);
    argv.extend(specs);
    Ok(r.with_fix(
        Fix::new("Reinstall the damaged packages, at the versions installed now.")
            .cmd(for_env(argv, &name))
            .phase(Phase::UpdateEnv),
    )
    .data("damaged_packages", damaged.len())
    .data("damaged_files", bad))
}

fn check_consistency(ctx: &Context) -> Outcome {
    let (_env, name, prefix) = found_prefix(ctx)?;
    let recs = meta::full_records(ctx, &prefix);
    let recs = match recs.as_ref() {
        Ok(r) => r,
        Err(why) => return Err(Early::unknown(format!("cannot read {why}"))),
    };
    let broken = meta::unsatisfied_depends(recs);
    let dups = meta::duplicate_names(recs);
    if broken.is_empty() && dups.is_empty() {
        return Ok(CheckResult::ok(format!(
            "the dependencies of {} packages are satisfied",
            recs.len()
        )));
    }
    let mut r = CheckResult::fail(format!(
        "`{}` is inconsistent: {} unsatisfied dependenc{}, {} package{} recorded twice",
        name.name,
        broken.len(),
        if broken.len() == 1 { "y" } else { "ies" },
        dups.len(),
        if dups.len() == 1 { "" } else { "s" }
    ));
    for b in broken.iter().take(SHOWN) {
        let have = b.installed.as_deref().unwrap_or("nothing installed");
        r = r.detail(format!("{} needs `{}` ({have})", b.by, b.spec));
    }
    for d in dups.iter().take(SHOWN) {
        r = r.detail(format!("{d}: more than one record in conda-meta"));
    }
    let cmds = commands(ctx);
    let mut fix = Fix::new("Let the solver repair the environment.").phase(Phase::UpdateEnv);
    let mut specs: Vec<String> = broken.iter().map(|b| b.spec.clone()).collect();
    specs.sort();
    specs.dedup();
    if !specs.is_empty() {
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        fix = fix.cmd(for_env(cmds.install(&name.name, &specs), &name));
    }
    if !dups.is_empty() {
        let mut argv = reinstall(&cmds, &name.name);
        argv.extend(dups.iter().cloned());
        fix = fix.cmd(for_env(argv, &name));
    }
    Ok(r.with_fix(fix)
        .data("unsatisfied", broken.len())
        .data("duplicates", dups))
}
