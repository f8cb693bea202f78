//! `env.lock`: conda-lock.yml (or explicit locks) present, current, and covering this platform.

use super::{commands, loc_path, parsed_file, path_arg};
use crate::core::{CheckResult, Context, Fix, Location, Outcome, Phase, Status};
use crate::fix::Flavour;
use crate::probes::env::envfile::EnvFile;
use crate::probes::env::{self as probe, lock};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// env.lock

/// A lock file that an environment can be created from instead of the environment file, for
/// reproducible installs, current with the environment file and locking this platform:
/// conda-lock's YAML (micromamba and mamba 2 read it when its name ends in `-lock.yml` or
/// `-lock.yaml`) with no pip packages (left to the environment file's own `pip:` handling),
/// else an explicit lock (`conda-linux-64.lock`, whose `# pip` lines micromamba installs too).
pub(super) fn current_lock(ctx: &Context, flavour: Flavour) -> Option<PathBuf> {
    if !matches!(
        flavour,
        Flavour::Micromamba2 | Flavour::Micromamba1 | Flavour::Mamba2
    ) {
        return None;
    }
    let pf = probe::project_file(ctx);
    let file = pf.parsed()?;
    let platform = current_platform();
    let usable = |explicit: bool| {
        move |(path, loaded): &(PathBuf, Result<lock::Lock, lock::LockError>)| {
            let lock = loaded.as_ref().ok()?;
            let name = path.file_name()?.to_string_lossy();
            let kind = if explicit {
                lock.explicit
            } else {
                !lock.explicit
                    && lock::is_conda_lock_name(&name)
                    && lock.packages.iter().all(|p| p.manager != "pip")
            };
            let current = match lock::freshness(file, lock, platform) {
                lock::Freshness::HashMatches => true,
                lock::Freshness::Compared(drift) => drift.is_empty(),
                lock::Freshness::HashDiffers { .. } => false,
            };
            (kind && current && lock.platforms.iter().any(|p| p == platform)).then(|| path.clone())
        }
    };
    let locks = probe::locks(ctx);
    let (files, _) = own_locks(ctx, &pf, &locks, &locks.files);
    files
        .iter()
        .copied()
        .find_map(usable(false))
        .or_else(|| files.iter().copied().find_map(usable(true)))
}

fn current_platform() -> &'static str {
    rattler_conda_types::Subdir::current()
        .map(|s| s.as_str())
        .unwrap_or("unknown")
}

/// The fix that (re)generates conda-lock.yml, with conda-lock from PATH, from an environment
/// named `conda-lock`, or installed into one from conda-forge first.
fn lock_fix(
    ctx: &Context,
    why: String,
    t: &Target,
    lockfile: Option<&Path>,
    platforms: &[String],
) -> Fix {
    let cmds = commands(ctx);
    let mut argv: Vec<String> = vec![
        "conda-lock".into(),
        "lock".into(),
        "-f".into(),
        path_arg(ctx, t.env_path),
    ];
    for p in platforms {
        argv.push("-p".into());
        argv.push(p.clone());
    }
    // conda-lock writes its default conda-lock.yml where it runs, not beside the file it
    // locks: a file in a subfolder (binder/environment.yml) needs the path said, or the lock
    // lands where this check never looks for it.
    let beside = t.env_path.parent().map(|d| d.join("conda-lock.yml"));
    let runs_beside = crate::probes::env::runs_in_project(ctx)
        && t.env_path.parent() == Some(ctx.settings.project_dir.as_path());
    if let Some(l) = lockfile.or(beside.as_deref().filter(|_| !runs_beside)) {
        argv.push("--lockfile".into());
        argv.push(path_arg(ctx, l));
    }
    // Record the input hash so that staleness can be told exactly next time.
    argv.extend(["--md".to_string(), "input_sha".to_string()]);
    argv.push(match cmds.flavour {
        Flavour::Micromamba1 | Flavour::Micromamba2 => "--micromamba".into(),
        Flavour::Mamba1 | Flavour::Mamba2 => "--mamba".into(),
        Flavour::Conda => "--no-mamba".into(),
    });
    let (mut fix, mut run) = with_conda_lock(ctx, Fix::new(why).phase(Phase::Lock), vec![argv]);
    let lock = run.remove(0);
    match pip_options_edit(ctx, t) {
        Some(edit) => {
            // The edit comes first: conda-lock stops on the options. The install of conda-lock
            // itself (a command already in the fix) may run before it.
            fix.manual(edit).manual(then_run(&lock))
        }
        None => {
            fix.commands.push(lock);
            fix
        }
    }
}

/// The fix with conda-lock's environment created first where conda-lock is neither on PATH
/// nor in an environment named `conda-lock`, and `argvs` (conda-lock commands) as they are to
/// be run: as they are, or through `run -n conda-lock`.
fn with_conda_lock(
    ctx: &Context,
    mut fix: Fix,
    argvs: Vec<Vec<String>>,
) -> (Fix, Vec<Vec<String>>) {
    if ctx.which("conda-lock").is_some() {
        return (fix, argvs);
    }
    let cmds = commands(ctx);
    let tool_env = probe::discovery(ctx)
        .resolve("conda-lock")
        .chosen
        .filter(|e| {
            probe::meta::conda_meta(ctx, &e.prefix)
                .as_ref()
                .as_ref()
                .is_ok_and(|m| m.get("conda-lock").is_some())
        });
    if tool_env.is_none() {
        fix = fix.cmd(cmds.create_with("conda-lock", &["conda-lock"]));
    }
    let run = argvs.iter().map(|a| cmds.run_in("conda-lock", a)).collect();
    (fix, run)
}

fn then_run(argv: &[String]) -> String {
    format!("then: {}", crate::fix::quote_argv(argv))
}

/// The edit conda-lock needs first when the file's `pip:` holds options for pip, which conda
/// passes on but conda-lock takes for requirements and stops on (conda-lock issues 171 and
/// 488). Options are named, never their values (an index URL may carry a token).
fn pip_options_edit(ctx: &Context, t: &Target) -> Option<String> {
    let options: Vec<&crate::probes::env::envfile::Spanned> =
        t.file.pip.as_ref()?.options().collect();
    if options.is_empty() {
        return None;
    }
    let word = |o: &&crate::probes::env::envfile::Spanned| {
        let w = o.text.split_whitespace().next().unwrap_or_default();
        let w = w.split_once('=').map_or(w, |(k, _)| k);
        crate::policy::text::printable(w)
    };
    let words: Vec<String> = options.iter().map(word).collect();
    let shown: Vec<String> = options
        .iter()
        .zip(&words)
        .map(|(o, w)| format!("line {}: `{w}`", o.line))
        .collect();
    let mut edit = format!(
        "first edit {}: conda-lock stops on pip options in `pip:` ({})",
        ctx.settings.display_path(t.env_path),
        shown.join(", ")
    );
    let (mut index, mut files, mut other) = (false, false, false);
    for w in &words {
        match w.as_str() {
            "-i" | "--index-url" | "--extra-index-url" => index = true,
            "-r" | "--requirement" | "-c" | "--constraint" => files = true,
            _ => other = true,
        }
    }
    if index {
        edit.push_str(
            "; move each index URL to a top-level `pip-repositories:` list, which conda-lock reads",
        );
    }
    if files {
        edit.push_str("; write the requirements of the file `-r` names into `pip:` itself");
    }
    if other {
        edit.push_str("; remove the rest, which conda-lock has no equivalent for (pin the exact version, or name a wheel's URL, instead of `--pre` or `--find-links`)");
    }
    Some(edit)
}

/// The platforms to lock: `extra`, the file's `platforms:`, and this machine's, once each.
fn platforms_union(extra: &[String], file_platforms: &[String], platform: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for p in extra
        .iter()
        .chain(file_platforms.iter())
        .map(String::as_str)
        .chain([platform])
    {
        if p != "unknown" && !v.iter().any(|q| q == p) {
            v.push(p.to_string());
        }
    }
    v
}

/// What the lock files next to the environment file showed, one file at a time.
#[derive(Default)]
struct Review {
    problems: Vec<(Status, String)>,
    locations: Vec<Location>,
    /// The lock to regenerate first, with its platforms.
    relock: Option<(PathBuf, Vec<String>)>,
    fresh_notes: Vec<String>,
    explicit_platforms: Vec<String>,
    any_yaml: bool,
    /// Explicit locks that disagree with the YAML lock beside them, with that lock: rendered
    /// from an older lock, they install other packages than it does.
    rerender: Vec<(PathBuf, PathBuf)>,
    /// Every explicit lock of this platform, with the YAML lock beside it: a re-lock of that
    /// lock is rendered into each again.
    rendered: Vec<(PathBuf, PathBuf)>,
}

/// The environment file being locked, and this machine's platform.
struct Target<'a> {
    env_path: &'a Path,
    file: &'a EnvFile,
    platform: &'a str,
    file_platforms: Vec<String>,
}

impl Target<'_> {
    fn union(&self, extra: &[String]) -> Vec<String> {
        platforms_union(extra, &self.file_platforms, self.platform)
    }
}

impl Review {
    /// Reads one lock file and records whether it covers this platform and is current.
    fn lock(
        &mut self,
        ctx: &Context,
        t: &Target,
        path: &Path,
        loaded: &Result<lock::Lock, lock::LockError>,
    ) {
        let shown = ctx.settings.display_path(path);
        let platform = t.platform;
        let lock = match loaded {
            Ok(l) => l,
            Err(e) => {
                self.problems.push((
                    Status::Fail,
                    format!("{shown} cannot be read: {}", e.reason),
                ));
                self.locations.push(
                    Location::new(loc_path(ctx, path), e.line, e.reason.clone())
                        .rule("lock-unreadable"),
                );
                self.relock
                    .get_or_insert((path.to_path_buf(), t.union(&[])));
                return;
            }
        };
        if lock.explicit {
            self.explicit_platforms
                .extend(lock.platforms.iter().cloned());
        } else {
            self.any_yaml = true;
            if !lock.platforms.iter().any(|p| p == platform) {
                self.problems.push((
                    Status::Warn,
                    format!(
                        "{shown} has no {platform} (it locks {})",
                        lock.platforms.join(", ")
                    ),
                ));
                self.relock
                    .get_or_insert((path.to_path_buf(), t.union(&lock.platforms)));
            }
        }
        if !lock.explicit || lock.platforms.iter().any(|p| p == platform) {
            self.freshness(ctx, t, path, &shown, lock);
        }
    }

    /// Whether each explicit lock of this platform installs what the first YAML lock does: a
    /// `conda-lock render` of an older lock does not (a Dockerfile installs one, developers
    /// the other).
    fn agreement(
        &mut self,
        ctx: &Context,
        found: &[&(PathBuf, Result<lock::Lock, lock::LockError>)],
        platform: &str,
    ) {
        let readable = || {
            found
                .iter()
                .filter_map(|(p, l)| Some((p, l.as_ref().ok()?)))
                .filter(|(_, l)| l.platforms.iter().any(|p| p == platform))
        };
        let Some((yaml_path, yaml)) = readable().find(|(_, l)| !l.explicit) else {
            return;
        };
        let yaml_shown = ctx.settings.display_path(yaml_path);
        for (path, explicit) in readable().filter(|(_, l)| l.explicit) {
            self.rendered
                .push((yaml_path.to_path_buf(), path.to_path_buf()));
            let differs = lock::disagreement(yaml, explicit, platform);
            if differs.is_empty() {
                continue;
            }
            let shown = ctx.settings.display_path(path);
            let each: Vec<String> = differs
                .iter()
                .take(3)
                .map(|(name, theirs, here)| match theirs {
                    Some(t) => format!("{name} {here} ({t} in {yaml_shown})"),
                    None => format!("{name} {here} (not in {yaml_shown})"),
                })
                .collect();
            let more = differs.len().saturating_sub(3);
            let listed = format!(
                "{}{}",
                each.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
            self.problems.push((
                Status::Warn,
                format!(
                    "{shown} disagrees with {yaml_shown} on {} package{} for {platform}: {listed}",
                    differs.len(),
                    if differs.len() == 1 { "" } else { "s" },
                ),
            ));
            self.locations.push(
                Location::new(loc_path(ctx, path), 0, format!("installs {listed}"))
                    .rule("lock-disagrees"),
            );
            self.rerender
                .push((yaml_path.to_path_buf(), path.to_path_buf()));
        }
    }

    /// Whether one readable lock still matches the environment file.
    fn freshness(
        &mut self,
        ctx: &Context,
        t: &Target,
        path: &Path,
        shown: &str,
        lock: &lock::Lock,
    ) {
        let platform = t.platform;
        match lock::freshness(t.file, lock, platform) {
            lock::Freshness::HashMatches => self
                .fresh_notes
                .push(format!("{shown}: input hash matches")),
            lock::Freshness::HashDiffers { recorded, actual } => {
                let env = ctx.settings.display_path(t.env_path);
                self.problems.push((
                    Status::Warn,
                    format!(
                        "{shown} is stale: {env} changed after locking (input sha256 {}… ≠ {}…)",
                        &recorded[..recorded.len().min(12)],
                        &actual[..actual.len().min(12)]
                    ),
                ));
                self.relock
                    .get_or_insert((path.to_path_buf(), t.union(&lock.platforms)));
            }
            lock::Freshness::Compared(drift) if drift.is_empty() => self.fresh_notes.push(format!(
                "{shown}: specs, channels and pip names agree for {platform}"
            )),
            lock::Freshness::Compared(drift) => {
                self.problems.push((
                    Status::Warn,
                    format!(
                        "{shown} is stale: {} difference(s) from {}",
                        drift.len(),
                        ctx.settings.display_path(t.env_path)
                    ),
                ));
                for dft in drift {
                    self.locations.push(
                        Location::new(
                            loc_path(ctx, t.env_path),
                            dft.line,
                            format!("{} ({shown})", dft.message),
                        )
                        .rule("lock-stale"),
                    );
                }
                self.relock
                    .get_or_insert((path.to_path_buf(), t.union(&lock.platforms)));
            }
        }
    }
}

/// The platforms a lock of `file` must cover besides this machine's: the file's own
/// `platforms:`, then those of the CI runners that set it up.
fn file_and_ci_platforms(ctx: &Context, file: &EnvFile) -> Vec<String> {
    let mut out: Vec<String> = file.platforms.iter().map(|p| p.text.clone()).collect();
    for p in crate::probes::env::ci_platforms(ctx) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}

pub(super) fn check_lock(ctx: &Context) -> Outcome {
    let (pf, file) = parsed_file(ctx)?;
    // A source of extras is locked together with the main file, in that file's lock.
    if let Some(c) = file.category.as_ref().filter(|c| c.text != "main") {
        return Err(crate::core::Early::skip(format!(
            "{} is a conda-lock source of the `{}` category: it is locked together with the project's main environment file, in that file's lock",
            ctx.settings.display_path(&pf.path),
            c.text
        )));
    }
    let platform = current_platform();
    let locks = probe::locks(ctx);
    let (dir, found) = (&locks.dir, &locks.files);
    let t = Target {
        env_path: &pf.path,
        file: &file,
        platform,
        file_platforms: file_and_ci_platforms(ctx, &file),
    };
    let (found, left_out) = own_locks(ctx, &pf, &locks, found);
    if found.is_empty() {
        // A pixi project locks its environments in pixi.lock (the environment file is its
        // conda export): a conda-lock file would be a second lock of the same thing.
        if let Some(manifest) = probe::pixi_manifest(ctx).filter(|_| probe::pixi_locked(ctx)) {
            return Err(crate::core::Early::skip(format!(
                "pixi.lock locks this pixi project ({manifest}); {} is not locked again with conda-lock",
                ctx.settings.display_path(&pf.path)
            )));
        }
        if let Some(file) = probe::binder_only_library(ctx).filter(|_| left_out.is_empty()) {
            return Err(crate::core::Early::skip(format!(
                "{file} is Binder's, which builds it online and reads no lock file"
            )));
        }
        let place = if left_out.is_empty() {
            "next to"
        } else {
            "for"
        };
        return Ok(CheckResult::warn(format!(
            "no lock file {place} {}: installs are not reproducible",
            ctx.settings.display_path(&pf.path)
        ))
        .details(left_out)
        .with_fix(lock_fix(
            ctx,
            "Generate conda-lock.yml with conda-lock (from conda-forge) and commit it.".into(),
            &t,
            lock::free_lock_target(dir).as_deref(),
            &t.union(&[]),
        )));
    }
    let mut review = Review::default();
    for (path, loaded) in &found {
        review.lock(ctx, &t, path, loaded);
    }
    review.agreement(ctx, &found, platform);
    if !review.any_yaml && !review.explicit_platforms.iter().any(|p| p == platform) {
        review.problems.push((
            Status::Warn,
            format!(
                "no explicit lock for {platform} (have {})",
                review.explicit_platforms.join(", ")
            ),
        ));
    }
    let names: Vec<String> = found
        .iter()
        .map(|(p, _)| ctx.settings.display_path(p))
        .collect();
    if review.problems.is_empty() {
        return Ok(CheckResult::ok(format!("{} current", names.join(", ")))
            .details(review.fresh_notes)
            .details(left_out)
            .data("locks", names));
    }
    Ok(verdict(ctx, &t, dir, review)
        .details(left_out)
        .data("locks", names))
}

/// Of `found`, the locks of the project's environment file: a lock named for another
/// environment file of the project, or of the lock's folder (`minimal.conda-lock.yml` beside
/// minimal.yml, `py3.10.lock` beside py3.10.yml), is that file's, not a lock of this one. With
/// a detail for each one left out.
fn own_locks<'a>(
    ctx: &Context,
    pf: &probe::ProjectFile,
    locks: &probe::Locks,
    found: &'a [LoadedLock],
) -> (Vec<&'a LoadedLock>, Vec<String>) {
    let mut env_files: Vec<&Path> = vec![pf.path.as_path()];
    env_files.extend(pf.others.iter().map(|(p, _, _)| p.as_path()));
    env_files.extend(locks.siblings.iter().map(PathBuf::as_path));
    let mut left_out: Vec<String> = Vec::new();
    let own = found
        .iter()
        .filter(|(path, _)| match lock_owner(path, &env_files) {
            Some(owner) if owner != pf.path.as_path() => {
                left_out.push(format!(
                    "left out {}: by its name, the lock of {}",
                    ctx.settings.display_path(path),
                    ctx.settings.display_path(owner)
                ));
                false
            }
            _ => true,
        })
        .collect();
    (own, left_out)
}

/// A lock file as the probe loaded it.
type LoadedLock = (PathBuf, Result<lock::Lock, lock::LockError>);

/// The environment file a lock is named for: the one whose file stem begins the lock's name
/// followed by `.`, `-` or `_` (`minimal.conda-lock.yml`, `minimal-linux64.lock` for
/// minimal.yml), the longest such stem when several do (`environment-dev` before
/// `environment`); `None` for a lock named for none (`conda-lock.yml`).
fn lock_owner<'a>(lock: &Path, env_files: &[&'a Path]) -> Option<&'a Path> {
    let name = lock.file_name()?.to_string_lossy();
    // conda-lock's own default names say nothing of their source (and would match conda.yml).
    let default = name == "conda-lock.yml"
        || name
            .strip_prefix("conda-")
            .and_then(|r| r.strip_suffix(".lock"))
            .is_some_and(|platform| platform.contains('-'));
    if default {
        return None;
    }
    env_files
        .iter()
        .filter_map(|f| {
            let stem = f.file_stem()?.to_string_lossy();
            let rest = name.strip_prefix(stem.as_ref())?;
            rest.starts_with(['.', '-', '_'])
                .then_some((stem.len(), *f))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, f)| f)
}

/// A lock that is missing a platform, stale or unreadable: the findings and the re-lock.
fn verdict(ctx: &Context, t: &Target, dir: &Path, review: Review) -> CheckResult {
    let status = if review.problems.iter().any(|(s, _)| *s == Status::Fail) {
        Status::Fail
    } else {
        Status::Warn
    };
    let summary = review
        .problems
        .first()
        .map(|(_, m)| m.clone())
        .unwrap_or_default();
    let mut r = CheckResult::new(status, summary)
        .details(review.problems.iter().skip(1).map(|(_, m)| m.clone()));
    for l in review.locations {
        r = r.location(l);
    }
    if review.relock.is_none() && !review.rerender.is_empty() {
        // Every lock is current but for the renders that disagree: render them again.
        return r.with_fix(rerender_fix(ctx, t.platform, &review.rerender));
    }
    // A re-lock of the YAML lock is rendered into every explicit lock made from it; otherwise
    // only those that disagree are rendered again.
    let relocks_yaml =
        |(yaml, _): &&(PathBuf, PathBuf)| review.relock.as_ref().is_some_and(|(p, _)| p == yaml);
    let renders: Vec<Vec<String>> = review
        .rendered
        .iter()
        .filter(|pair| relocks_yaml(pair) || review.rerender.contains(pair))
        .map(|(from, to)| render_argv(ctx, t.platform, from, to))
        .collect();
    // Run as the lock is: conda-lock's environment is the lock step's to create.
    let (_, renders) = with_conda_lock(ctx, Fix::new(""), renders);
    let (lock_path, plats) = review.relock.unwrap_or_else(|| {
        let target = lock::free_lock_target(dir).unwrap_or_else(|| dir.join("conda-lock.yml"));
        (target, t.union(&[]))
    });
    let lockfile = lock_path
        .file_name()
        .is_some_and(|n| lock::is_conda_lock_name(&n.to_string_lossy()))
        .then_some(lock_path.as_path());
    let mut fix = lock_fix(
        ctx,
        format!(
            "Re-lock from {} with conda-lock.",
            ctx.settings.display_path(t.env_path)
        ),
        t,
        lockfile,
        &plats,
    );
    if !review.any_yaml {
        // Under the project's own name (`environment-dev.conda.linux-64.lock`), not
        // conda-lock's default `conda-linux-64.lock`.
        let name = lock_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let template = name
            .filter(|n| n.contains(t.platform) && *n != format!("conda-{}.lock", t.platform))
            .map(|n| {
                let template = crate::policy::text::printable(&n.replace(t.platform, "{platform}"));
                format!(
                    " --filename-template {}",
                    crate::fix::quote_argv(&[template])
                )
            });
        fix = fix.manual(format!(
            "then render the explicit file: conda-lock render -k explicit -p {}{}",
            t.platform,
            template.unwrap_or_default()
        ));
    }
    // After the re-lock, the explicit files rendered from it: commands where the lock is one,
    // lines to run after it where an edit comes first.
    if fix.manual.iter().any(|m| m.starts_with("then: ")) {
        for argv in &renders {
            fix = fix.manual(then_run(argv));
        }
    } else {
        fix.commands.extend(renders);
    }
    r.with_fix(fix)
}

/// `conda-lock render` of the YAML lock `from` into the explicit file `to` for `platform`:
/// under its own name where that is not conda-lock's default (`lockfiles/app-linux-64.lock`).
fn render_argv(ctx: &Context, platform: &str, from: &Path, to: &Path) -> Vec<String> {
    let mut argv: Vec<String> = ["conda-lock", "render", "-k", "explicit", "-p", platform]
        .map(String::from)
        .to_vec();
    let to = path_arg(ctx, to);
    if to != format!("conda-{platform}.lock") {
        argv.extend([
            "--filename-template".into(),
            to.replace(platform, "{platform}"),
        ]);
    }
    argv.push(path_arg(ctx, from));
    argv
}

/// The fix that renders each disagreeing explicit lock again from its YAML lock.
fn rerender_fix(ctx: &Context, platform: &str, rerender: &[(PathBuf, PathBuf)]) -> Fix {
    let (from, to) = &rerender[0];
    let why = format!(
        "Render {} again from {}, so that both install the same packages.",
        ctx.settings.display_path(to),
        ctx.settings.display_path(from)
    );
    let argvs = rerender
        .iter()
        .map(|(f, t)| render_argv(ctx, platform, f, t))
        .collect();
    let (mut fix, run) = with_conda_lock(ctx, Fix::new(why).phase(Phase::Lock), argvs);
    fix.commands.extend(run);
    fix
}

#[cfg(test)]
mod tests {
    use super::lock_owner;
    use std::path::Path;

    #[test]
    fn a_lock_belongs_to_the_file_its_name_begins_with() {
        let files = [
            Path::new("/p/environment.yml"),
            Path::new("/p/environment-dev.yml"),
            Path::new("/p/conda.yml"),
            Path::new("/p/minimal.yml"),
        ];
        let owner = |lock: &str| lock_owner(Path::new(lock), &files).map(|p| p.to_path_buf());
        assert_eq!(
            owner("/p/minimal-linux64.lock"),
            Some("/p/minimal.yml".into())
        );
        assert_eq!(
            owner("/p/environment-dev.conda-lock.yml"),
            Some("/p/environment-dev.yml".into())
        );
        assert_eq!(
            owner("/p/environment.conda-lock.yml"),
            Some("/p/environment.yml".into())
        );
        // conda-lock's default names say nothing of their source, even beside conda.yml.
        assert_eq!(owner("/p/conda-lock.yml"), None);
        assert_eq!(owner("/p/conda-linux-64.lock"), None);
        assert_eq!(owner("/p/minimalist.lock"), None);
    }
}
