//! `env.pip`: distributions pip (or uv) put into the environment.

use super::{commands, for_env, found_prefix, loc_path, package_records, path_arg};
use crate::core::{CheckResult, Context, Early, Fix, Location, Outcome, Phase};
use crate::probes::env::{self as probe, envfile::EnvFile, site, EnvName};
use std::collections::BTreeSet;
use std::path::Path;

// ---------------------------------------------------------------------------------------
// env.pip

pub(super) fn check_pip(ctx: &Context) -> Outcome {
    let (env, name, prefix) = found_prefix(ctx)?;
    let meta = package_records(&env)?;
    let Some(py) = &env.python else {
        return Err(Early::skip(format!(
            "no Python in `{}` (see env.python)",
            name.name
        )));
    };
    let record_sp = py
        .record
        .as_ref()
        .ok()
        .and_then(|r| r.site_packages.clone());
    let Some(rel) = site::site_packages_rel(&prefix, record_sp.as_deref(), &py.installed.version)
    else {
        return Err(Early::skip(format!(
            "no site-packages in {}",
            prefix.display()
        )));
    };
    let scan = match site::scan(&prefix, &rel, meta) {
        Ok(s) => s,
        Err(reason) => {
            return Err(Early::unknown(format!(
                "cannot read site-packages: {reason}"
            )))
        }
    };
    let pf = probe::project_file(ctx);
    let file = pf.parsed();
    let own = own_install(ctx, file);
    let declared = declared_by_pip_block(file, own.as_deref(), &scan);
    let (ok_pip, drift): (Vec<&site::Dist>, Vec<&site::Dist>) = scan
        .foreign
        .iter()
        .filter(|d| Some(&d.name) != own.as_ref())
        .partition(|d| declared.contains(&d.name));
    let mut notes: Vec<String> = scan.problems.iter().map(|p| format!("note: {p}")).collect();
    if ok_pip.is_empty() && drift.is_empty() {
        let summary = if scan.foreign.is_empty() {
            format!(
                "no pip-installed packages ({} distributions, all from conda)",
                scan.total
            )
        } else {
            format!(
                "no pip-installed packages but the project itself, from the pip: block ({} distributions)",
                scan.total
            )
        };
        return Ok(CheckResult::ok(summary).details(notes));
    }
    let file_path = pf.path.clone();
    let pip_lines: Vec<(String, usize)> = file
        .and_then(|f| f.pip.as_ref())
        .map(|p| p.names())
        .unwrap_or_default();
    let lpath = loc_path(ctx, &file_path);
    // Declared in the pip: block, they are env.file's finding (it warns about each entry and
    // says what to do): one cause, one step, and this check points at it.
    let mut r = if drift.is_empty() {
        CheckResult::warn(format!(
            "{} package(s) from the pip: block: pip is the last resort (see env.file)",
            ok_pip.len()
        ))
    } else {
        CheckResult::fail(format!(
            "{} package(s) installed by pip that environment.yml does not declare (drift)",
            drift.len()
        ))
    };
    for d in &drift {
        r = r.detail(format!("undeclared: {}", describe(d)));
    }
    for d in &ok_pip {
        r = r.detail(format!("from pip: {}", describe(d)));
        if let Some((_, line)) = pip_lines.iter().find(|(n, _)| *n == d.name) {
            r = r.location(
                Location::new(
                    lpath.clone(),
                    *line,
                    format!("`{}` is installed by pip; is it on conda-forge?", d.name),
                )
                .rule("pip-declared"),
            );
        }
    }
    r = r.details(std::mem::take(&mut notes));
    Ok(pip_fix(ctx, r, &name, file, &file_path, &ok_pip, &drift))
}

/// The project's own distribution name (normalized), when the environment file's `pip:`
/// block installs the project itself (`-e .`): that install is the recommended one.
fn own_install(ctx: &Context, file: Option<&EnvFile>) -> Option<String> {
    let file = file?;
    let env_dir = file.path.parent().unwrap_or(Path::new(""));
    let own = probe::distribution_name(ctx)?;
    file.pip
        .as_ref()?
        .installs_project(env_dir, &ctx.settings.project_dir, Some(&own))
        .then(|| probe::envfile::normalize_dist_name(&own))
}

/// What the environment file's `pip:` block accounts for: its packages (and the project
/// itself, `own`, when it installs it) and, transitively, what they require (pip installs
/// that too).
fn declared_by_pip_block(
    file: Option<&EnvFile>,
    own: Option<&str>,
    scan: &site::SiteScan,
) -> BTreeSet<String> {
    let mut declared: BTreeSet<String> = file
        .and_then(|f| f.pip.as_ref())
        .map(|p| p.names().into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default();
    declared.extend(own.map(str::to_string));
    loop {
        let more: Vec<String> = scan
            .foreign
            .iter()
            .filter(|d| declared.contains(&d.name))
            .flat_map(|d| d.requires.iter().cloned())
            .filter(|n| !declared.contains(n))
            .collect();
        if more.is_empty() {
            return declared;
        }
        declared.extend(more);
    }
}

/// "requests 2.32.3 (installed by pip)".
fn describe(d: &site::Dist) -> String {
    let by = d
        .installer
        .as_deref()
        .map(|i| format!("installed by {i}"))
        .unwrap_or_else(|| "develop/egg install".into());
    format!("{} {} ({by})", d.name, d.version)
}

/// The fix: move declared pip packages to conda-forge, or rebuild an environment that drifted.
fn pip_fix(
    ctx: &Context,
    r: CheckResult,
    name: &EnvName,
    file: Option<&EnvFile>,
    file_path: &Path,
    ok_pip: &[&site::Dist],
    drift: &[&site::Dist],
) -> CheckResult {
    let cmds = commands(ctx);
    let search = |n: &str| format!("{} search -c conda-forge {n}", cmds.program);
    if drift.is_empty() {
        let names: Vec<&str> = ok_pip.iter().map(|d| d.name.as_str()).collect();
        return r
            .detail(format!(
                "env.file's step covers them: check conda-forge for {} (`{}`) and move the ones it has from pip: into dependencies",
                names.join(", "),
                search(names[0])
            ))
            .data("pip_declared", names.len());
    }
    let names: Vec<&str> = drift.iter().map(|d| d.name.as_str()).collect();
    let mut fix = Fix::new(format!(
        "Rebuild `{}` from its file with {} so that only declared packages are in it.",
        name.name, cmds.program
    ))
    .phase(Phase::CreateEnv)
    .manual(format!(
        "first add the ones you need to the conda dependencies of environment.yml: {} (check with `{}`)",
        names.join(", "),
        search(names[0])
    ));
    match file {
        Some(_) => {
            let file_arg = path_arg(ctx, file_path);
            fix = fix
                .cmd(for_env(cmds.remove_env(&name.name), name))
                .cmd(for_env(cmds.create_env(&name.name, &file_arg), name));
        }
        None => {
            fix = fix.manual(
                "write environment.yml (see env.file), then recreate the environment from it",
            )
        }
    }
    r.with_fix(fix).data("pip_undeclared", names.len())
}
