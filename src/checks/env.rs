//! Built-in `env.*` checks: the environment file, the named environment, its Python, drift
//! against the file, pip intrusions, the lock, and whether it is active. Facts come from
//! `probes::env`; fixes are worded for the flavour `probes::mamba` found.

use crate::core::{Builtin, Check, CheckResult, Context, Fix, Location, Phase, Status};
use crate::fix::{quote_argv, Commands, Flavour};
use crate::probes::env::{
    self as probe, envfile::EnvFile, lock, requirements, site, EnvName, FileState, NameSource,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The registry entries of this area, one per check.
pub fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(
            "env.file",
            "env",
            "environment.yml is present and sound",
            true,
            EXPLAIN_FILE,
            check_file,
        )),
        Arc::new(Builtin::new(
            "env.exists",
            "env",
            "The project's environment exists",
            true,
            EXPLAIN_EXISTS,
            check_exists,
        )),
        Arc::new(Builtin::new(
            "env.python",
            "env",
            "The environment's Python matches environment.yml",
            true,
            EXPLAIN_PYTHON,
            check_python,
        )),
        Arc::new(Builtin::new(
            "env.packages",
            "env",
            "Declared conda packages are installed",
            true,
            EXPLAIN_PACKAGES,
            check_packages,
        )),
        Arc::new(Builtin::new(
            "env.pip",
            "env",
            "No pip packages slipped into the environment",
            true,
            EXPLAIN_PIP,
            check_pip,
        )),
        Arc::new(Builtin::new(
            "env.lock",
            "env",
            "conda-lock.yml is present and current",
            true,
            EXPLAIN_LOCK,
            check_lock,
        )),
        Arc::new(Builtin::new(
            "env.active",
            "env",
            "The project's environment is active",
            false,
            EXPLAIN_ACTIVE,
            check_active,
        )),
    ]
}

const EXPLAIN_FILE: &str = "
Looks at the project's environment file (environment.yml, or the file named by --env-file /
[env] file) and lints it the way conda and micromamba read it, pointing at file:line:
- it must parse as YAML and be a mapping with a `dependencies:` list;
- no `name:` (warn: says how the environment will be named), keys conda does not accept
  (it accepts name, prefix, channels, variables, dependencies; conda-lock's `platforms` is fine);
- channels: conda-forge missing or not first, or `defaults` present (warn: licensing and
  solver conflicts; use `nodefaults`);
- Python not pinned (warn), malformed MatchSpecs (fail);
- every entry of a `pip:` block (warn: pip is the last resort — is it really missing from
  conda-forge?) and a `pip:` block without `pip` itself in the dependencies (warn).
A requirements.txt without an environment.yml fails: the fix proposes an environment.yml
(PyPI names mapped to conda-forge's where they differ) to create the environment from with
micromamba — never `pip install -r`.";

const EXPLAIN_EXISTS: &str = "
Finds the project's environment (--env / [env] name, else `name:` in environment.yml) from
files, without running anything: the root prefix, every envs dir (rc `envs_dirs`,
CONDA_ENVS_DIRS, <root>/envs) and ~/.conda/environments.txt; a directory is an environment
when it has conda-meta/history. Only when no root prefix can be determined is
`<tool> env list --json` asked. Missing → fail, fixed by creating it from the file
(`micromamba create -y -n NAME -f environment.yml`, or the flavour's equivalent). Several
environments with the same name in different roots → warn, listing them: the tools pick
the first, which may not be the one you think.";

const EXPLAIN_PYTHON: &str = "
Reads the environment's Python version from conda-meta/python-*.json (no Python is run)
and matches it against the python spec in environment.yml with conda's MatchSpec semantics:
`python=3.11` accepts 3.11.9 but not 3.1.1 or 3.12; `==`, ranges, `conda-forge::` prefixes
and build strings work as in conda. A mismatch or a missing Python fails; the fix installs
the declared Python into the environment with the package manager found (if the solver
cannot change it in place, recreate the environment from the file).";

const EXPLAIN_PACKAGES: &str = "
Checks that every conda dependency of environment.yml is installed in the environment and
satisfies its spec, from conda-meta record names (fast, no subprocess). Each missing or
mismatched package is listed with what is installed and what was wanted, at its line in
environment.yml. Fix: update the environment from the file (`env update … --prune` where the
version supports it; micromamba 1 uses `install -f`).";

const EXPLAIN_PIP: &str = "
Looks for Python distributions in the environment's site-packages that conda does not own:
*.dist-info whose INSTALLER is pip or uv (conda-built ones say conda), cross-checked with the
conda-meta file lists, plus egg-info/egg-link develop installs. Those listed in the `pip:`
block (or pulled in by one) warn; those declared nowhere fail as drift — someone ran pip by
hand. Fix: rebuild the environment from environment.yml with mamba (remove, then create),
and move the packages conda-forge has into the conda dependency list. devdoctor never
suggests `pip uninstall`.";

const EXPLAIN_LOCK: &str = "
Looks for conda-lock.yml (or another *-lock.yml, or explicit *.lock files) next to
environment.yml. Absent → warn; the fix generates one with conda-lock, installed from
conda-forge with the package manager when it is not on PATH. Stale when environment.yml
changed after locking: the input hash is compared when the lock carries one (locks made
with `--md input_sha`), otherwise the declared specs, channels and pip names are compared
with the locked packages (conda-lock's content_hash cannot be reproduced reliably). A lock
without this machine's platform warns.";

const EXPLAIN_ACTIVE: &str = "
Informational: whether the project's environment is the active one (CONDA_PREFIX). If not,
shows both ways in: `micromamba activate NAME` (needs `micromamba shell init` first) and
`micromamba run -n NAME …`, which works in scripts without activation.";

// ---------------------------------------------------------------------------------------
// Shared helpers

fn commands(ctx: &Context) -> Commands {
    crate::probes::mamba::toolchain(ctx).commands()
}

/// A path as it should appear in a command: relative when devdoctor runs in the project
/// directory (the fixer runs commands there too), absolute otherwise.
fn path_arg(ctx: &Context, path: &Path) -> String {
    let s = &ctx.settings;
    let cwd = std::env::current_dir().ok();
    let here = cwd.as_deref().is_some_and(|c| {
        c == s.project_dir || c.canonicalize().ok() == s.project_dir.canonicalize().ok()
    });
    match path.strip_prefix(&s.project_dir) {
        Ok(rel) if here => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// The path shown in a `Location` (relative to the project when inside it).
fn loc_path(ctx: &Context, path: &Path) -> PathBuf {
    PathBuf::from(ctx.settings.display_path(path))
}

/// `-n NAME` becomes `-p PREFIX` when the environment is only known by its prefix.
fn for_env(mut argv: Vec<String>, env: &EnvName) -> Vec<String> {
    if env.source == NameSource::FilePrefix {
        for i in 0..argv.len().saturating_sub(1) {
            if argv[i] == "-n" && argv[i + 1] == env.name {
                argv[i] = "-p".into();
            }
        }
    }
    argv
}

fn shown(argv: &[String]) -> String {
    quote_argv(argv)
}

/// The parsed environment file, or the result to return when there is none.
fn parsed_file(ctx: &Context) -> Result<(Arc<probe::ProjectFile>, EnvFile), CheckResult> {
    let pf = probe::project_file(ctx);
    let shown = ctx.settings.display_path(&pf.path);
    match &pf.state {
        FileState::Parsed(f) => {
            let f = (**f).clone();
            Ok((pf, f))
        }
        FileState::Absent => Err(CheckResult::skip(format!("no {shown} (see env.file)"))),
        _ => Err(CheckResult::skip(format!(
            "{shown} cannot be used (see env.file)"
        ))),
    }
}

/// The project env name, or the result to return when there is none.
fn project_name(ctx: &Context) -> Result<EnvName, CheckResult> {
    probe::env_name(ctx).ok_or_else(|| CheckResult::skip("no environment name (see env.exists)"))
}

/// The found environment's prefix, or a skip result.
fn found_prefix(ctx: &Context) -> Result<(Arc<probe::ProjectEnv>, EnvName, PathBuf), CheckResult> {
    let name = project_name(ctx)?;
    let env = probe::project_env(ctx);
    match env.prefix() {
        Some(p) => {
            let p = p.to_path_buf();
            Ok((env, name, p))
        }
        None => Err(CheckResult::skip(format!(
            "environment `{}` does not exist (see env.exists)",
            name.name
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// env.file

struct Findings {
    path: PathBuf,
    items: Vec<(Status, Location)>,
    manual: Vec<String>,
}

impl Findings {
    fn add(&mut self, status: Status, line: usize, rule: &str, message: impl Into<String>) {
        let loc = Location::new(self.path.clone(), line, message).rule(rule);
        self.items.push((status, loc));
    }
    fn step(&mut self, step: impl Into<String>) {
        let step = step.into();
        if !self.manual.contains(&step) {
            self.manual.push(step);
        }
    }
    fn count(&self, s: Status) -> usize {
        self.items.iter().filter(|(st, _)| *st == s).count()
    }
}

fn check_file(ctx: &Context) -> CheckResult {
    let pf = probe::project_file(ctx);
    let shown = ctx.settings.display_path(&pf.path);
    let lpath = loc_path(ctx, &pf.path);
    match &pf.state {
        FileState::Absent => missing_file(ctx, &pf.path, pf.explicit),
        FileState::Unreadable(reason) if reason == "permission denied" => CheckResult::unknown(
            format!("cannot read {shown}: {reason}"),
        )
        .location(Location::new(lpath, 0, reason.clone())),
        FileState::Unreadable(reason) => {
            CheckResult::fail(format!("{shown} is not usable: {reason}"))
                .location(Location::new(lpath, 0, reason.clone()))
                .with_fix(
                    Fix::new("Replace it with a text environment file.")
                        .phase(Phase::Configure)
                        .manual(format!(
                            "rewrite {shown} as YAML (name:, channels:, dependencies:)"
                        )),
                )
        }
        FileState::Invalid { line, reason } => {
            CheckResult::fail(format!("{shown} is not a valid environment file: {reason}"))
                .location(Location::new(lpath, *line, reason.clone()).rule("yaml"))
                .with_fix(
                    Fix::new("Fix the file so that conda and micromamba can read it.")
                        .phase(Phase::Configure)
                        .manual(format!("edit {shown} at line {line}")),
                )
        }
        FileState::Parsed(file) => lint(ctx, file, &shown, lpath),
    }
}

fn missing_file(ctx: &Context, path: &Path, explicit: bool) -> CheckResult {
    let shown = ctx.settings.display_path(path);
    if explicit {
        return CheckResult::fail(format!("{shown} not found"))
            .detail("it is named by --env-file or [env] file in devdoctor.toml")
            .with_fix(
                Fix::new("Point devdoctor at the project's environment file, or create it.")
                    .phase(Phase::Configure)
                    .manual("fix the path in devdoctor.toml ([env] file) or --env-file"),
            );
    }
    let req = ctx.settings.project_dir.join("requirements.txt");
    if !req.is_file() {
        return CheckResult::skip(format!("no {shown} in the project"));
    }
    let name = probe::env_name(ctx).map(|n| n.name).unwrap_or_else(|| {
        ctx.settings
            .project_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into())
    });
    let text = probe::yaml::read_text(&req).unwrap_or_default();
    let converted = requirements::convert(&text);
    let proposal = requirements::proposal(&name, &converted);
    let cmds = commands(ctx);
    let create = cmds.create_env(&name, "environment.yml");
    CheckResult::fail("requirements.txt but no environment.yml: the environment is not reproducible with mamba")
        .detail("Proposed environment.yml (PyPI and conda-forge names differ for some packages; the")
        .detail("notes say where a name was changed; review, then save it next to requirements.txt):")
        .details(proposal.iter().map(|l| format!("  {l}")))
        .location(Location::new(loc_path(ctx, &req), 0, "pip requirements without an environment.yml").rule("requirements-only"))
        .with_fix(
            Fix::new("Describe the environment in environment.yml (conda-forge first, pip only for what conda-forge lacks) and create it with mamba.")
                .phase(Phase::CreateEnv)
                .manual("save the proposal above as environment.yml")
                .manual(format!("then create the environment: {}", shown_cmd(&create))),
        )
}

fn shown_cmd(argv: &[String]) -> String {
    shown(argv)
}

fn lint(ctx: &Context, file: &EnvFile, shown: &str, lpath: PathBuf) -> CheckResult {
    let mut f = Findings {
        path: lpath,
        items: Vec::new(),
        manual: Vec::new(),
    };
    for p in &file.problems {
        let st = if p.fatal { Status::Fail } else { Status::Warn };
        f.add(st, p.line, "structure", p.message.clone());
        f.step(format!("fix the structure at {shown}:{}", p.line));
    }
    // name
    let setting = ctx
        .settings
        .env_name
        .as_ref()
        .filter(|n| !n.trim().is_empty());
    match (&file.name, setting) {
        (None, Some(n)) => {
            f.add(Status::Warn, 1, "no-name", format!("no `name:`; the environment is named `{n}` by --env/devdoctor.toml, but `micromamba create -f` without -n will not know that"));
            f.step(format!("add `name: {n}` at the top of {shown}"));
        }
        (None, None) if file.prefix.is_none() => {
            f.add(Status::Warn, 1, "no-name", "no `name:`: `micromamba create -f` then needs `-n NAME`, and devdoctor cannot tell which environment is the project's");
            f.step(format!(
                "add `name: <env name>` at the top of {shown}, or set [env] name in devdoctor.toml"
            ));
        }
        (Some(n), Some(s)) if n.text != *s => {
            f.add(Status::Warn, n.line, "name-differs", format!("`name: {}` differs from the configured `{s}`; `micromamba create -f` without -n creates `{}`", n.text, n.text));
        }
        _ => {}
    }
    if !file.unknown_keys.is_empty() {
        for k in &file.unknown_keys {
            f.add(Status::Warn, k.line, "unknown-key", format!("unknown key `{}`: conda ignores it (it accepts name, prefix, channels, variables, dependencies)", k.text));
        }
        let keys: Vec<_> = file.unknown_keys.iter().map(|k| k.text.as_str()).collect();
        f.step(format!(
            "remove or rename the unknown keys: {}",
            keys.join(", ")
        ));
    }
    // channels
    let channels: Vec<(String, usize)> = file
        .channels
        .iter()
        .flatten()
        .map(|c| (probe::envfile::channel_name(&c.text), c.line))
        .collect();
    let real: Vec<&(String, usize)> = channels.iter().filter(|(c, _)| c != "nodefaults").collect();
    let line = if file.channels.is_some() {
        file.channels_line
    } else {
        1
    };
    match real.iter().position(|(c, _)| c == "conda-forge") {
        None => {
            f.add(Status::Warn, line, "conda-forge", "conda-forge is not among the channels (micromamba 2 falls back to it, conda to `defaults`)");
            f.step("list `conda-forge` as the first channel");
        }
        Some(0) => {}
        Some(i) => {
            f.add(
                Status::Warn,
                real[i].1,
                "conda-forge-first",
                format!("conda-forge is not the first channel (`{}` is)", real[0].0),
            );
            f.step("move `conda-forge` to the top of `channels:`");
        }
    }
    for (c, l) in &channels {
        if c == "defaults" {
            f.add(Status::Warn, *l, "defaults", "`defaults` channel: Anaconda's terms may apply to it, and mixing it with conda-forge causes solver conflicts; use `nodefaults`");
            f.step("replace `defaults` with `nodefaults`");
        }
    }
    // dependencies
    match file.dependencies_line {
        None => {
            f.add(
                Status::Fail,
                1,
                "no-dependencies",
                "no `dependencies:` list (conda requires it)",
            );
            f.step("add a `dependencies:` list");
        }
        Some(l) if file.dependencies.is_empty() && file.pip.is_none() => {
            f.add(
                Status::Warn,
                l,
                "no-dependencies",
                "`dependencies:` is empty",
            );
        }
        _ => {}
    }
    let mut malformed = false;
    for d in &file.dependencies {
        if let Err(e) = &d.spec {
            f.add(
                Status::Fail,
                d.line,
                "matchspec",
                format!("`{}` is not a valid MatchSpec: {e}", d.text.trim()),
            );
            malformed = true;
        }
    }
    if malformed {
        f.step("fix the dependency specs marked above (MatchSpec: `name`, `name=1.2`, `name>=1,<2`, `channel::name`)");
    }
    let dep_line = file.dependencies_line.unwrap_or(1);
    match file.dep("python") {
        None if file.dependencies_line.is_some() => {
            f.add(
                Status::Warn,
                dep_line,
                "python-pin",
                "python is not listed: the environment gets whichever Python a dependency pulls in",
            );
            f.step("pin Python in dependencies, e.g. `python=3.11`");
        }
        Some(d) if d.spec.as_ref().is_ok_and(|s| s.version.is_none()) => {
            f.add(
                Status::Warn,
                d.line,
                "python-pin",
                "`python` is not pinned to a version",
            );
            f.step("pin Python in dependencies, e.g. `python=3.11`");
        }
        _ => {}
    }
    // pip block
    if let Some(pip) = &file.pip {
        let cmds = commands(ctx);
        for e in &pip.entries {
            f.add(
                Status::Warn,
                e.line,
                "pip-entry",
                format!(
                    "pip: `{}` — pip is the last resort — is it really missing from conda-forge?",
                    e.text
                ),
            );
        }
        if !pip.entries.is_empty() {
            let example = pip
                .names()
                .first()
                .map(|(n, _)| n.clone())
                .unwrap_or_else(|| "NAME".into());
            f.step(format!(
                "look each pip: entry up on conda-forge (`{} search -c conda-forge {example}`) and move the ones it has into dependencies",
                cmds.program
            ));
        }
        if file.dep("pip").is_none() && file.dep("uv").is_none() {
            f.add(Status::Warn, pip.line, "pip-missing", "a `pip:` block but no `pip` in dependencies (micromamba adds it silently, conda does not)");
            f.step("add `- pip` to dependencies, above the `pip:` block");
        }
    }

    let fails = f.count(Status::Fail);
    let warns = f.count(Status::Warn);
    let status = if fails > 0 {
        Status::Fail
    } else if warns > 0 {
        Status::Warn
    } else {
        Status::Ok
    };
    let summary = if status == Status::Ok {
        let py = file
            .dep("python")
            .map(|d| d.text.trim().to_string())
            .unwrap_or_default();
        format!(
            "{shown}: {} dependencies, {py}, conda-forge first",
            file.dependencies.len()
        )
    } else {
        let mut parts = Vec::new();
        if fails > 0 {
            parts.push(format!(
                "{fails} error{}",
                if fails == 1 { "" } else { "s" }
            ));
        }
        if warns > 0 {
            parts.push(format!(
                "{warns} warning{}",
                if warns == 1 { "" } else { "s" }
            ));
        }
        format!("{shown}: {}", parts.join(", "))
    };
    let mut r = CheckResult::new(status, summary)
        .data("path", shown.to_string())
        .data("dependencies", file.dependencies.len());
    if let Some(n) = &file.name {
        r = r.data("name", n.text.clone());
    }
    for (_, loc) in f.items {
        r = r.location(loc);
    }
    if status != Status::Ok {
        let mut fix = Fix::new(format!(
            "Edit {shown}; devdoctor does not rewrite it for you."
        ))
        .phase(Phase::Configure);
        for step in f.manual {
            fix = fix.manual(step);
        }
        r = r.with_fix(fix);
    }
    r
}

// ---------------------------------------------------------------------------------------
// env.exists

fn check_exists(ctx: &Context) -> CheckResult {
    let pf = probe::project_file(ctx);
    let shown_file = ctx.settings.display_path(&pf.path);
    let Some(name) = probe::env_name(ctx) else {
        return match &pf.state {
            FileState::Absent => CheckResult::skip(format!("no {shown_file} and no [env] name: no environment to look for")),
            FileState::Parsed(_) => CheckResult::fail(format!("{shown_file} has no `name:` and no environment name is configured"))
                .with_fix(
                    Fix::new("Name the project's environment.")
                        .phase(Phase::Configure)
                        .manual(format!("add `name: <env name>` to {shown_file}, or set [env] name in devdoctor.toml")),
                ),
            _ => CheckResult::unknown(format!("{shown_file} cannot be read, so the environment name is unknown (see env.file)")),
        };
    };
    let d = probe::discovery(ctx);
    let env = probe::project_env(ctx);
    let cmds = commands(ctx);
    let mut r = match &env.resolution.chosen {
        Some(found) => {
            let prefix = found.prefix.display().to_string();
            let mut r = if !found.in_envs_dirs && name.source != NameSource::FilePrefix {
                let root = found.prefix.parent().and_then(Path::parent);
                CheckResult::warn(format!("`{}` exists at {prefix}, outside {}'s envs dirs: `-n {}` will not find it", name.name, cmds.program, name.name))
                    .details(d.envs_dirs.iter().map(|p| format!("envs dir: {}", p.display())))
                    .with_fix(
                        Fix::new("Make the tool look in the root that holds the environment.")
                            .phase(Phase::Configure)
                            .manual(format!(
                                "set MAMBA_ROOT_PREFIX={} (and re-run `{} shell init` with it), or address the environment by path: -p {prefix}",
                                root.map(|r| r.display().to_string()).unwrap_or_default(),
                                cmds.program
                            )),
                    )
            } else if !env.resolution.others.is_empty() {
                let mut r = CheckResult::warn(format!(
                    "`{}` exists in {} places; the tools use {prefix}",
                    name.name,
                    env.resolution.others.len() + 1
                ))
                .detail(format!("used: {prefix}"));
                for o in &env.resolution.others {
                    r = r.detail(format!("also: {}", o.prefix.display()));
                }
                let stale: Vec<String> = env
                    .resolution
                    .others
                    .iter()
                    .map(|o| {
                        shown(&[
                            cmds.program.clone(),
                            "env".into(),
                            "remove".into(),
                            "-y".into(),
                            "-p".into(),
                            o.prefix.display().to_string(),
                        ])
                    })
                    .collect();
                r.with_fix(
                    Fix::new(
                        "Keep one environment of that name so that every tool means the same one.",
                    )
                    .phase(Phase::Configure)
                    .manual(format!(
                        "if the other copy is stale, remove it: {}",
                        stale.join("; ")
                    )),
                )
            } else {
                CheckResult::ok(format!("`{}` at {prefix}", name.name))
            };
            if let Ok(revs) = probe::meta::read_history(&found.prefix) {
                if let Some(last) = revs.last() {
                    let who = if last.by_libmamba() {
                        " (micromamba/mamba 2)"
                    } else {
                        ""
                    };
                    r = r.detail(format!(
                        "last changed {}{who}: {}",
                        last.date,
                        last.cmd.as_deref().unwrap_or("?")
                    ));
                }
            }
            r.data("prefix", prefix)
        }
        None => {
            let hidden: Vec<&String> = d
                .problems
                .iter()
                .filter(|p| {
                    p.contains("cannot read envs dir") || p.contains(&format!("/{}:", name.name))
                })
                .collect();
            let looked = looked_in(&d);
            if !hidden.is_empty() {
                return CheckResult::unknown(format!(
                    "`{}` not found, but not everything could be read",
                    name.name
                ))
                .details(hidden.into_iter().cloned())
                .details(looked);
            }
            let mut fix = Fix::new(format!("Create `{}` from {shown_file}.", name.name))
                .phase(Phase::CreateEnv);
            match &pf.state {
                FileState::Parsed(_) => {
                    let file_arg = path_arg(ctx, &pf.path);
                    fix = fix.cmd(for_env(cmds.create_env(&name.name, &file_arg), &name));
                }
                _ => fix = fix.manual(format!(
                    "write {shown_file} first (see env.file), then create the environment from it"
                )),
            }
            let mut r = CheckResult::fail(format!("environment `{}` does not exist", name.name))
                .details(looked);
            if let Some(at) = &env.resolution.would_create_at {
                r = r.detail(format!("it would be created at {}", at.display()));
            }
            r.with_fix(fix)
        }
    };
    if let Some(tool) = &d.via_cli {
        r = r.detail(format!(
            "found with `{tool} env list --json` (no root prefix could be determined from files)"
        ));
    }
    let benign: Vec<&String> = d
        .problems
        .iter()
        .filter(|p| !p.contains("cannot read envs dir"))
        .collect();
    if !benign.is_empty() && r.status != Status::Unknown {
        r = r.details(benign.into_iter().map(|p| format!("note: {p}")));
    }
    r.data("name", name.name.clone())
        .data("environments", d.envs.len())
}

fn looked_in(d: &probe::discover::Discovery) -> Vec<String> {
    let mut out = Vec::new();
    match &d.root_prefix {
        Some(r) => out.push(format!("root prefix: {}", r.display())),
        None => out.push(
            "root prefix: none found (MAMBA_ROOT_PREFIX unset, no default root exists)".to_string(),
        ),
    }
    for dir in &d.envs_dirs {
        out.push(format!("envs dir: {}", dir.display()));
    }
    if let Some(reg) = &d.registry {
        out.push(format!("registry: {}", reg.display()));
    }
    out
}

// ---------------------------------------------------------------------------------------
// env.python

fn check_python(ctx: &Context) -> CheckResult {
    let (env, name, prefix) = match found_prefix(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let cmds = commands(ctx);
    let pf = probe::project_file(ctx);
    let file = pf.parsed();
    let dep = file.and_then(|f| f.dep("python"));
    let spec_text = dep
        .map(|d| d.text.trim().to_string())
        .unwrap_or_else(|| "python".into());
    let install = Fix::new(format!(
        "Install {spec_text} into `{}` with {}.",
        name.name, cmds.program
    ))
    .phase(Phase::UpdateEnv)
    .cmd(for_env(
        cmds.install(&name.name, &[spec_text.as_str()]),
        &name,
    ));
    let install = match file {
        Some(_) => install.manual(format!(
            "if the solver cannot change Python in place, recreate the environment: {}",
            shown(&for_env(
                cmds.create_env(&name.name, &path_arg(ctx, &pf.path)),
                &name
            ))
        )),
        None => install,
    };
    match &env.meta {
        Some(Err(reason)) => {
            return CheckResult::unknown(format!(
                "cannot list the environment's packages: {reason}"
            ))
        }
        None => return CheckResult::skip("environment not found"),
        Some(Ok(_)) => {}
    }
    let Some(py) = &env.python else {
        let mut r = CheckResult::fail(format!(
            "no Python in `{}` ({})",
            name.name,
            prefix.display()
        ));
        if let Ok(revs) = probe::meta::read_history(&prefix) {
            if let Some(rev) = revs.iter().rev().find(|r| {
                r.removed
                    .iter()
                    .any(|p| probe::meta::history_package(p).is_some_and(|(n, _, _)| n == "python"))
            }) {
                r = r.detail(format!(
                    "python was removed on {} by: {}",
                    rev.date,
                    rev.cmd.as_deref().unwrap_or("?")
                ));
            }
        }
        return r.with_fix(install);
    };
    let version = match &py.record {
        Ok(rec) => rec.version.clone(),
        Err(reason) => {
            return CheckResult::unknown(format!(
                "the python record {} is unreadable: {reason}",
                py.record_path.display()
            ))
            .detail(format!(
                "its file name says python {}",
                py.installed.version
            ))
            .location(Location::new(py.record_path.clone(), 0, reason.clone()));
        }
    };
    let r = match dep {
        None => CheckResult::ok(format!(
            "Python {version} (environment.yml does not list python)"
        )),
        Some(d)
            if d.spec
                .as_ref()
                .is_ok_and(|s| s.version.is_none() && s.build.is_none()) =>
        {
            CheckResult::ok(format!(
                "Python {version} (environment.yml does not pin a version)"
            ))
        }
        Some(d) if d.spec.is_err() => CheckResult::ok(format!(
            "Python {version} (the python spec is malformed, see env.file)"
        )),
        Some(d) => {
            let mut installed = py.installed.clone();
            installed.version = version.clone();
            if probe::satisfies(d, &installed) {
                CheckResult::ok(format!("Python {version} matches `{}`", d.text.trim()))
            } else {
                CheckResult::fail(format!(
                    "Python {version} ({}) does not match `{}`",
                    installed.build,
                    d.text.trim()
                ))
                .location(
                    Location::new(
                        loc_path(ctx, &pf.path),
                        d.line,
                        format!("wants `{}`, the environment has {version}", d.text.trim()),
                    )
                    .rule("python-mismatch"),
                )
                .with_fix(install)
            }
        }
    };
    r.data("version", version)
        .data("build", py.installed.build.clone())
}

// ---------------------------------------------------------------------------------------
// env.packages

fn check_packages(ctx: &Context) -> CheckResult {
    let (env, name, _prefix) = match found_prefix(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (pf, file) = match parsed_file(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let meta = match &env.meta {
        Some(Ok(m)) => m,
        Some(Err(reason)) => {
            return CheckResult::unknown(format!(
                "cannot list the environment's packages: {reason}"
            ))
        }
        None => return CheckResult::skip("environment not found"),
    };
    let declared = file
        .dependencies
        .iter()
        .filter(|d| d.spec.is_ok() && !d.is_virtual() && d.name() != Some("python"))
        .count();
    let missing = probe::unsatisfied(&file, meta, &["python"]);
    if missing.is_empty() {
        return CheckResult::ok(format!(
            "all {declared} conda dependencies are installed and match ({} packages in the environment)",
            meta.packages.len()
        ))
        .data("declared", declared)
        .data("installed", meta.packages.len());
    }
    let cmds = commands(ctx);
    let lpath = loc_path(ctx, &pf.path);
    let mut r = CheckResult::fail(format!(
        "{} of {declared} conda dependencies missing or mismatched",
        missing.len()
    ));
    for m in &missing {
        let name_ = m.dep.name().unwrap_or("?");
        let msg = match &m.installed {
            Some(i) => format!(
                "{name_}: wanted `{}`, installed {} ({})",
                m.dep.text.trim(),
                i.version,
                i.build
            ),
            None => format!("{name_}: wanted `{}`, not installed", m.dep.text.trim()),
        };
        r = r
            .detail(msg.clone())
            .location(Location::new(lpath.clone(), m.dep.line, msg).rule("package-drift"));
    }
    let file_arg = path_arg(ctx, &pf.path);
    let why = if cmds.flavour == Flavour::Micromamba1 {
        format!(
            "Update `{}` from {} (micromamba 1 has no --prune: extra packages stay).",
            name.name, file_arg
        )
    } else {
        format!(
            "Update `{}` from {} and prune what it no longer lists.",
            name.name, file_arg
        )
    };
    r.with_fix(
        Fix::new(why)
            .phase(Phase::UpdateEnv)
            .cmd(for_env(cmds.update_env(&name.name, &file_arg), &name)),
    )
    .data("declared", declared)
    .data("unsatisfied", missing.len())
}

// ---------------------------------------------------------------------------------------
// env.pip

fn check_pip(ctx: &Context) -> CheckResult {
    let (env, name, prefix) = match found_prefix(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let meta = match &env.meta {
        Some(Ok(m)) => m,
        Some(Err(reason)) => {
            return CheckResult::unknown(format!(
                "cannot list the environment's packages: {reason}"
            ))
        }
        None => return CheckResult::skip("environment not found"),
    };
    let Some(py) = &env.python else {
        return CheckResult::skip(format!("no Python in `{}` (see env.python)", name.name));
    };
    let record_sp = py
        .record
        .as_ref()
        .ok()
        .and_then(|r| r.site_packages.clone());
    let Some(rel) = site::site_packages_rel(&prefix, record_sp.as_deref(), &py.installed.version)
    else {
        return CheckResult::skip(format!("no site-packages in {}", prefix.display()));
    };
    let scan = match site::scan(&prefix, &rel, meta) {
        Ok(s) => s,
        Err(reason) => return CheckResult::unknown(format!("cannot read site-packages: {reason}")),
    };
    let pf = probe::project_file(ctx);
    let file = pf.parsed();
    // Declared: the pip: block, plus what those packages require (pip installs that too).
    let mut declared: BTreeSet<String> = file
        .and_then(|f| f.pip.as_ref())
        .map(|p| p.names().into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default();
    loop {
        let more: Vec<String> = scan
            .foreign
            .iter()
            .filter(|d| declared.contains(&d.name))
            .flat_map(|d| d.requires.iter().cloned())
            .filter(|n| !declared.contains(n))
            .collect();
        if more.is_empty() {
            break;
        }
        declared.extend(more);
    }
    let describe = |d: &site::Dist| {
        let by = d
            .installer
            .as_deref()
            .map(|i| format!("installed by {i}"))
            .unwrap_or_else(|| "develop/egg install".into());
        format!("{} {} ({by})", d.name, d.version)
    };
    let (ok_pip, drift): (Vec<&site::Dist>, Vec<&site::Dist>) = scan
        .foreign
        .iter()
        .partition(|d| declared.contains(&d.name));
    let mut notes: Vec<String> = scan.problems.iter().map(|p| format!("note: {p}")).collect();
    if scan.foreign.is_empty() {
        return CheckResult::ok(format!(
            "no pip-installed packages ({} distributions, all from conda)",
            scan.total
        ))
        .details(notes);
    }
    let cmds = commands(ctx);
    let file_path = pf.path.clone();
    let pip_lines: Vec<(String, usize)> = file
        .and_then(|f| f.pip.as_ref())
        .map(|p| p.names())
        .unwrap_or_default();
    let lpath = loc_path(ctx, &file_path);
    let mut r = if drift.is_empty() {
        CheckResult::warn(format!(
            "{} package(s) from the pip: block: pip is the last resort",
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
    let search = |n: &str| format!("{} search -c conda-forge {n}", cmds.program);
    if drift.is_empty() {
        let names: Vec<&str> = ok_pip.iter().map(|d| d.name.as_str()).collect();
        return r.with_fix(
            Fix::new("Prefer conda-forge packages to pip ones.")
                .phase(Phase::Configure)
                .manual(format!("check conda-forge for {} (`{}`) and move the ones it has from pip: into dependencies", names.join(", "), search(names[0]))),
        )
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
            let file_arg = path_arg(ctx, &file_path);
            fix = fix
                .cmd(for_env(cmds.remove_env(&name.name), &name))
                .cmd(for_env(cmds.create_env(&name.name, &file_arg), &name));
        }
        None => {
            fix = fix.manual(
                "write environment.yml (see env.file), then recreate the environment from it",
            )
        }
    }
    r.with_fix(fix).data("pip_undeclared", names.len())
}

// ---------------------------------------------------------------------------------------
// env.lock

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
    file: &Path,
    lockfile: Option<&Path>,
    platforms: &[String],
) -> Fix {
    let cmds = commands(ctx);
    let mut argv: Vec<String> = vec![
        "conda-lock".into(),
        "lock".into(),
        "-f".into(),
        path_arg(ctx, file),
    ];
    for p in platforms {
        argv.push("-p".into());
        argv.push(p.clone());
    }
    if let Some(l) = lockfile {
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
    let mut fix = Fix::new(why).phase(Phase::Lock);
    if ctx.which("conda-lock").is_some() {
        return fix.cmd(argv);
    }
    let tool_env = probe::discovery(ctx)
        .resolve("conda-lock")
        .chosen
        .filter(|e| {
            probe::meta::read_conda_meta(&e.prefix).is_ok_and(|m| m.get("conda-lock").is_some())
        });
    if tool_env.is_none() {
        fix = fix.cmd([
            cmds.program.as_str(),
            "create",
            "-y",
            "-n",
            "conda-lock",
            "-c",
            "conda-forge",
            "conda-lock",
        ]);
    }
    fix.cmd(cmds.run_in("conda-lock", &argv))
}

fn check_lock(ctx: &Context) -> CheckResult {
    let (pf, file) = match parsed_file(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let platform = current_platform();
    let dir = pf
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ctx.settings.project_dir.clone());
    let found = lock::find(&dir);
    let file_platforms: Vec<String> = file.platforms.iter().map(|p| p.text.clone()).collect();
    let union = |extra: &[String]| -> Vec<String> {
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
    };
    if found.is_empty() {
        let plats = union(&[]);
        return CheckResult::warn(format!(
            "no lock file next to {}: installs are not reproducible",
            ctx.settings.display_path(&pf.path)
        ))
        .with_fix(lock_fix(
            ctx,
            "Generate conda-lock.yml with conda-lock (from conda-forge) and commit it.".into(),
            &pf.path,
            None,
            &plats,
        ));
    }
    let mut problems: Vec<(Status, String)> = Vec::new();
    let mut locations = Vec::new();
    let mut relock: Option<(PathBuf, Vec<String>)> = None;
    let mut fresh_notes = Vec::new();
    let mut explicit_platforms: Vec<String> = Vec::new();
    let mut any_yaml = false;
    for path in &found {
        let shown = ctx.settings.display_path(path);
        let lock = match lock::load(path) {
            Ok(l) => l,
            Err(e) => {
                problems.push((
                    Status::Fail,
                    format!("{shown} cannot be read: {}", e.reason),
                ));
                locations.push(
                    Location::new(loc_path(ctx, path), e.line, e.reason).rule("lock-unreadable"),
                );
                relock.get_or_insert((path.clone(), union(&[])));
                continue;
            }
        };
        if lock.explicit {
            explicit_platforms.extend(lock.platforms.iter().cloned());
        } else {
            any_yaml = true;
            if !lock.platforms.iter().any(|p| p == platform) {
                problems.push((
                    Status::Warn,
                    format!(
                        "{shown} has no {platform} (it locks {})",
                        lock.platforms.join(", ")
                    ),
                ));
                relock.get_or_insert((path.clone(), union(&lock.platforms)));
            }
        }
        if !lock.explicit || lock.platforms.iter().any(|p| p == platform) {
            match lock::freshness(&file, &lock, platform) {
                lock::Freshness::HashMatches => {
                    fresh_notes.push(format!("{shown}: input hash matches"))
                }
                lock::Freshness::HashDiffers { recorded, actual } => {
                    problems.push((Status::Warn, format!("{shown} is stale: environment.yml changed after locking (input sha256 {}… ≠ {}…)", &recorded[..recorded.len().min(12)], &actual[..actual.len().min(12)])));
                    relock.get_or_insert((path.clone(), union(&lock.platforms)));
                }
                lock::Freshness::Compared(drift) if drift.is_empty() => fresh_notes.push(format!(
                    "{shown}: specs, channels and pip names agree for {platform}"
                )),
                lock::Freshness::Compared(drift) => {
                    problems.push((
                        Status::Warn,
                        format!(
                            "{shown} is stale: {} difference(s) from environment.yml",
                            drift.len()
                        ),
                    ));
                    for dft in drift {
                        locations.push(
                            Location::new(
                                loc_path(ctx, &pf.path),
                                dft.line,
                                format!("{} ({shown})", dft.message),
                            )
                            .rule("lock-stale"),
                        );
                    }
                    relock.get_or_insert((path.clone(), union(&lock.platforms)));
                }
            }
        }
    }
    if !any_yaml && !explicit_platforms.iter().any(|p| p == platform) {
        problems.push((
            Status::Warn,
            format!(
                "no explicit lock for {platform} (have {})",
                explicit_platforms.join(", ")
            ),
        ));
    }
    let names: Vec<String> = found.iter().map(|p| ctx.settings.display_path(p)).collect();
    if problems.is_empty() {
        return CheckResult::ok(format!("{} current", names.join(", ")))
            .details(fresh_notes)
            .data("locks", names);
    }
    let status = if problems.iter().any(|(s, _)| *s == Status::Fail) {
        Status::Fail
    } else {
        Status::Warn
    };
    let summary = problems.first().map(|(_, m)| m.clone()).unwrap_or_default();
    let mut r =
        CheckResult::new(status, summary).details(problems.iter().skip(1).map(|(_, m)| m.clone()));
    for l in locations {
        r = r.location(l);
    }
    let (lock_path, plats) = relock.unwrap_or_else(|| (dir.join("conda-lock.yml"), union(&[])));
    let lockfile = lock_path
        .file_name()
        .is_some_and(|n| {
            n.to_string_lossy().ends_with("-lock.yml")
                || n.to_string_lossy().ends_with("-lock.yaml")
        })
        .then_some(lock_path.as_path());
    let mut fix = lock_fix(
        ctx,
        "Re-lock from environment.yml with conda-lock.".into(),
        &pf.path,
        lockfile,
        &plats,
    );
    if !any_yaml {
        fix = fix.manual(format!(
            "then render the explicit file: conda-lock render -k explicit -p {platform}"
        ));
    }
    r.with_fix(fix).data("locks", names)
}

// ---------------------------------------------------------------------------------------
// env.active

fn check_active(ctx: &Context) -> CheckResult {
    let (_env, name, prefix) = match found_prefix(ctx) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let cmds = commands(ctx);
    let active = ctx.var_path("CONDA_PREFIX");
    let same = active.as_ref().is_some_and(|a| {
        a == &prefix
            || a.canonicalize()
                .ok()
                .is_some_and(|c| Some(c) == prefix.canonicalize().ok())
    });
    if same {
        return CheckResult::ok(format!("`{}` is active", name.name));
    }
    let activate = match cmds.flavour {
        Flavour::Conda | Flavour::Mamba1 => {
            format!("conda activate {}", crate::fix::quote(&name.name))
        }
        _ => format!(
            "{} activate {}",
            cmds.program,
            crate::fix::quote(&name.name)
        ),
    };
    let run = shown(&for_env(
        cmds.run_in(&name.name, &ctx.settings.server_command),
        &name,
    ));
    let init = match cmds.flavour {
        Flavour::Conda | Flavour::Mamba1 => "`conda init`".to_string(),
        _ => format!("`{} shell init`", cmds.program),
    };
    let now = match &active {
        Some(a) => format!("active: {}", a.display()),
        None => "no environment is active".to_string(),
    };
    CheckResult::ok(format!(
        "`{}` is not active ({now}); use `{run}` or `{activate}` (needs {init})",
        name.name
    ))
    .detail(format!("in scripts: {run}"))
    .detail(format!(
        "interactively: {activate} (after {init} in your shell)"
    ))
    .data("active", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_stable_and_explained() {
        let ids: Vec<String> = checks().iter().map(|c| c.meta().id.clone()).collect();
        assert_eq!(
            ids,
            [
                "env.file",
                "env.exists",
                "env.python",
                "env.packages",
                "env.pip",
                "env.lock",
                "env.active"
            ]
        );
        for c in checks() {
            assert!(c.meta().explain.len() > 200, "{}", c.meta().id);
        }
    }

    #[test]
    fn prefix_envs_use_dash_p() {
        let env = EnvName {
            name: "/opt/env".into(),
            source: NameSource::FilePrefix,
        };
        let argv = for_env(
            Commands::new(Flavour::Micromamba2).install("/opt/env", &["python=3.11"]),
            &env,
        );
        assert_eq!(argv[3..5], ["-p".to_string(), "/opt/env".to_string()]);
        let named = EnvName {
            name: "proj".into(),
            source: NameSource::FileName,
        };
        let argv = for_env(
            Commands::new(Flavour::Micromamba2).install("proj", &["x"]),
            &named,
        );
        assert_eq!(argv[3], "-n");
    }
}
