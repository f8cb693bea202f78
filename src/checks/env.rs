//! Built-in `env.*` checks: the environment file, the named environment, its Python, drift
//! against the file, pip intrusions, the lock, and whether it is active. Facts come from
//! `probes::env`; fixes are worded for the flavour `probes::mamba` found.

mod file;
mod integrity;
mod lock;
mod pip;

use crate::core::{
    Builtin, Check, CheckResult, Context, Early, Fix, Location, Outcome, Phase, Spec, Status,
};
use crate::fix::{quote_argv, Commands, Flavour};
use crate::probes::env::{self as probe, envfile::EnvFile, EnvName, FileState, NameSource};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The registry entries of this area, one per check.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    let own: Vec<Arc<dyn Check>> = vec![
        Arc::new(Builtin::new(Spec {
            id: "env.file",
            title: "environment.yml is present and sound",
            can_fix: true,
            applies: "When the project has an environment file (environment.yml and the other names devdoctor finds, or the file its Makefile, shell scripts or README create an environment from, or, in an application, the one its CI sets up) or a requirements.txt that is not the package's own dependency list, or an environment its README or scripts make by hand and pip-install named packages into; skips otherwise.",
            explain: EXPLAIN_FILE,
            run: file::check_file,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.exists",
            title: "The project's environment exists",
            can_fix: true,
            applies: "When the project names an environment (--env, [env] name, the environment file's name:, or the -n NAME of the Makefile, script or README command that creates the environment from the file); skips otherwise, for a file written for an image (`name: base`, or no name and a Dockerfile that installs it into base), and when a library's only environment file is Binder's (binder/, .binder/) and that environment is not here.",
            explain: EXPLAIN_EXISTS,
            run: check_exists,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.python",
            title: "The environment's Python matches environment.yml",
            can_fix: true,
            applies: "When the environment exists and the environment file pins python; skips otherwise.",
            explain: EXPLAIN_PYTHON,
            run: check_python,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.packages",
            title: "Declared conda packages are installed",
            can_fix: true,
            applies: "When the environment exists and the environment file lists conda dependencies; skips otherwise.",
            explain: EXPLAIN_PACKAGES,
            run: check_packages,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.pip",
            title: "No pip packages slipped into the environment",
            can_fix: true,
            applies: "When the environment exists; skips otherwise.",
            explain: EXPLAIN_PIP,
            run: pip::check_pip,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.lock",
            title: "conda-lock.yml is present and current",
            can_fix: true,
            applies: "When the project has an environment file (a missing lock is a warning, but for a library's Binder-only file: Binder reads no lock, and for a pixi project with its pixi.lock); skips otherwise.",
            explain: EXPLAIN_LOCK,
            run: lock::check_lock,
        })),
        Arc::new(Builtin::new(Spec {
            id: "env.active",
            title: "The project's environment is active",
            can_fix: false,
            applies: "When the project names an environment; informational, never fails.",
            explain: EXPLAIN_ACTIVE,
            run: check_active,
        })),
    ];
    own.into_iter().chain(integrity::checks()).collect()
}

const EXPLAIN_FILE: &str = "
Looks at the project's environment file (environment.yml, or the file named by --env-file /
[env] file) and lints it the way conda and micromamba read it, pointing at file:line:
- it must parse as YAML and be a mapping with a `dependencies:` list;
- no `name:` (fail where no name is configured either: env.exists then has no environment to
  look for, and points here; warn where --env or [env] name names it, since `create -f`
  without -n does not know that; neither for an overlay file without a name that is applied
  with `env update`, nor for a file a Dockerfile installs into base, nor when the project's
  Makefile, scripts or README create it with `-n NAME`: that names it, and the other env
  checks use it),
  a name no tool accepts (fail: a space, `/`, `:`, `#` or a leading `-`), keys conda does not
  accept
  (it accepts name, prefix, channels, variables, dependencies; conda-lock's `platforms` and
  `category` are fine, and a `category: dev` file, which conda-lock combines with the main one,
  is an overlay: it needs no Python and no `pip` of its own);
- an absolute `prefix:` and no `name:` (warn: conda creates the environment in that folder of
  the machine `conda env export` ran on, micromamba ignores it; next to a name, or relative
  such as `./.env`, it is fine);
- an export from another operating system: packages that exist only there (fail: Windows'
  `ucrt`, `vc`, `pywin32`, `m2w64-*`; Linux's `_libgcc_mutex`, `libgcc-ng`; compilers named
  for a platform such as `gcc_linux-64`), or builds pinned (`=h2bbff1b_6`) under that
  system's `prefix:` (warn), since builds are made per platform; the fix exports it again
  with `--from-history` on the machine it came from;
- a credential-looking name under `variables:` with a literal value (fail; the value is never
  printed: the file is shared, and activation exports it);
- a `default` channel (warn: a typo for Anaconda's `defaults`; conda looks for an
  anaconda.org channel of that name);
- channels: conda-forge missing or not first, or `defaults` present (warn: licensing and
  solver conflicts; use `nodefaults`), and likewise Anaconda's repository under another
  name (`anaconda`, `main`, `pkgs/main`, …) as a channel or a `CHANNEL::package` prefix;
- the `pytorch` channel (warn: PyTorch published its last conda packages there with 2.5;
  conda-forge's `pytorch`, with `cuda-version` and `pytorch-gpu` for CUDA, replaces it and
  `pytorch-cuda`), which also stands for conda-forge's place behind it and `nvidia`;
- Python not pinned (warn), or not listed at all in a Python project (one with a `pip:` block,
  Python sources or a distribution of its own: a C++ toolchain environment gets a Python only
  as a tool's dependency), or pinned to a line that is end of life (warn: `python=3.8`,
  `python>=3.8,<3.10`, judged on the newest line it allows, from the same dated table as
  dockerfile.base_eol), or to a line pyproject.toml's `requires-python` refuses (warn: pip
  will not install the project there), malformed MatchSpecs (fail); `python==3.11`, which conda reads as exactly 3.11.0 (warn: `python=3.11` is the series);
  a `.*` after a comparison (`geopandas>=0.9.*`, warn: conda ignores it and deprecates it);
- a Snakemake runner (`snakemake` in dependencies) whose rules run in conda environments of
  their own (a `conda:` directive in a Snakefile or `*.smk`) without `conda` (or mamba) in
  the environment (warn: `--use-conda` creates those environments with a `conda` executable,
  which micromamba does not provide);
- a `pip:` entry that installs from a path outside the project (`-e ../sibling`,
  `~/src/pkg`: warn, another machine or CI has nothing there), or from a URL (`pkg @
  git+https://…`: warn, no conda channel has it); pip options (`--extra-index-url`) are
  not entries;
- a `pip:` entry pinned the conda way, `name=1.2` (fail: pip refuses it, so the create stops
  at the pip step; pip pins with `==`);
- a local `pip:` path to a folder of the project that holds no pyproject.toml, setup.py or
  setup.cfg (warn: conda runs the pip step from the file's folder, so `--editable ./` in
  envs/ names envs/ and the step fails);
- a `pip:` entry that `dependencies:` lists too, by its name or conda-forge's (`torch` beside
  `pytorch`) (warn: conda installs it already; drop the pip entry);
- every other entry of a `pip:` block (warn: pip is the last resort — is it really missing from
  conda-forge?) but the project itself (`-e .`, relative to the file's folder, or its own
  repository's URL), one finding each up to five, and one for the block past that (an
  export's 130 entries would bury every other finding), and a `pip:` block without `pip`
  itself in the dependencies (warn).
A requirements.txt without an environment.yml fails: the fix proposes an environment.yml
(PyPI names mapped to conda-forge's where they differ), which `devdoctor fix` writes (a new
file; never over one) before it creates the environment from it with micromamba — never
`pip install -r`. Where the README, the Makefile or a script makes the
environment by hand (`conda create -n NAME python=3.10 …`), the proposal takes that name, that
Python and those packages, with what it then installs into it (`conda install …`, and `pip
install PKG…` of named packages). The same holds with no requirements.txt at all: an
environment made by hand that pip-installs named packages is described by no file, and the
check fails with the same kind of proposal. An environment made in a folder of the project
(`mamba create -p ./env python=3.10`) gets a file with no `name:`, created with `-p ./env`;
once the file is there, env.* judge the environment in that folder. A requirements.txt that
the packaging reads as the
package's own dependencies (`[tool.setuptools.dynamic] dependencies = { file = … }`,
hatch-requirements-txt, setup.cfg `install_requires = file:`, a setup.py that reads it) is a
library's metadata, not an environment: the check skips and says so.";

const EXPLAIN_EXISTS: &str = "
Finds the project's environment (--env / [env] name, else `name:` in environment.yml, else
the folder of the project its README or a script makes it in by hand, `create -p ./env`) from
files, without running anything: the root prefix, every envs dir (rc `envs_dirs`,
CONDA_ENVS_DIRS, <root>/envs) and ~/.conda/environments.txt; a directory is an environment
when it has conda-meta/history. Only when no root prefix can be determined is
`<tool> env list --json` asked. Missing → fail, fixed by creating it from the file
(`micromamba create -y -n NAME -f environment.yml`, or the flavour's equivalent), or from
the project's conda-lock.yml when micromamba or mamba 2 reads it and env.lock would call it
current for this platform (and it locks no pip packages): the versions the project tested. Several
environments with the same name in different roots → warn, listing them: the tools pick
the first, which may not be the one you think. A file written for an image (`name: base`, or
no name while a Dockerfile runs `micromamba install -n base -f` on it) → skip: `create`
cannot make `base`; the report shows how to create an environment of the project's own.";

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
block (or pulled in by one) warn and point at env.file, whose step (move what conda-forge has
into the conda dependency list) covers them; those declared nowhere fail as drift — someone
ran pip by hand. Fix: rebuild the environment from environment.yml with mamba (remove, then
create). devdoctor never suggests `pip uninstall`.";

const EXPLAIN_LOCK: &str = "
Looks for conda-lock.yml (or another *-lock.yml, explicit *.lock files, or a *.txt spec file
with an @EXPLICIT line, as `conda list --explicit` writes) next to
environment.yml, then in a lockfiles/, locks/, lock/ or conda-lock/ folder beside it. Absent → warn; the fix generates one with conda-lock, installed from
conda-forge with the package manager when it is not on PATH. Stale when environment.yml
changed after locking: the input hash is compared when the lock carries one (locks made
with `--md input_sha`), otherwise the declared specs, channels and pip names are compared
with the locked packages (conda-lock's content_hash cannot be reproduced reliably). A lock
without this machine's platform warns. So does an explicit lock that installs a conda package
at another version than the YAML lock beside it, or one the YAML lock lacks (a render of an
older lock: a Dockerfile that installs one and a developer who installs the other get
different environments); its fix renders it again with `conda-lock render -k explicit`, under
its own name. A package only the YAML lock has is no difference (a render may leave out the
dev dependencies). A new lock covers this machine's platform, the file's `platforms:` and
those of the CI runners that create the environment from the file (`runs-on:` and a matrix
`os:` list of a setup-micromamba or setup-miniconda job). A pixi project (pixi.toml, or `[tool.pixi]` in
pyproject.toml) with its pixi.lock is locked already: the check skips and says so. When
`pip:` holds options for pip (`--extra-index-url`, `--pre`), which conda-lock stops on, the
fix is an edit first (index URLs move to conda-lock's `pip-repositories:`), then the lock.";

const EXPLAIN_ACTIVE: &str = "
Informational: whether the project's environment is the active one (CONDA_PREFIX). If not,
shows both ways in: `micromamba activate NAME` (needs `micromamba shell init` first) and
`micromamba run -n NAME …`, which works in scripts without activation.";

// ---------------------------------------------------------------------------------------
// Shared helpers

fn commands(ctx: &Context) -> Commands {
    crate::probes::mamba::toolchain(ctx).commands()
}

use super::path_arg;

/// The path shown in a `Location` (relative to the project when inside it).
fn loc_path(ctx: &Context, path: &Path) -> PathBuf {
    PathBuf::from(ctx.settings.display_path(path))
}

/// `-n NAME` becomes `-p PREFIX` when the environment is only known by its prefix.
fn for_env(argv: Vec<String>, env: &EnvName) -> Vec<String> {
    if env.source == NameSource::Prefix {
        return crate::fix::by_prefix(argv, &env.name);
    }
    argv
}

fn shown(argv: &[String]) -> String {
    quote_argv(argv)
}

/// The parsed environment file, or the result to return when there is none.
fn parsed_file(ctx: &Context) -> Result<(Arc<probe::ProjectFile>, EnvFile), Early> {
    let pf = probe::project_file(ctx);
    let shown = ctx.settings.display_path(&pf.path);
    match &pf.state {
        FileState::Parsed(f) => {
            let f = (**f).clone();
            Ok((pf, f))
        }
        FileState::Absent => Err(Early::skip(format!("no {shown} (see env.file)"))),
        _ => Err(Early::skip(format!(
            "{shown} cannot be used (see env.file)"
        ))),
    }
}

/// The project env name, or the result to return when there is none.
fn project_name(ctx: &Context) -> Result<EnvName, Early> {
    probe::env_name(ctx).ok_or_else(|| Early::skip("no environment name (see env.exists)"))
}

/// The found environment's prefix, or a skip result.
fn found_prefix(ctx: &Context) -> Result<(Arc<probe::ProjectEnv>, EnvName, PathBuf), Early> {
    let name = project_name(ctx)?;
    let env = probe::project_env(ctx);
    match env.prefix() {
        Some(p) => {
            let p = p.to_path_buf();
            Ok((env, name, p))
        }
        None => Err(Early::skip(format!(
            "environment `{}` does not exist (see env.exists)",
            name.name
        ))),
    }
}

/// The package records of the found environment (conda-meta), or why they cannot be judged.
fn package_records(env: &probe::ProjectEnv) -> Result<&probe::meta::CondaMeta, Early> {
    match &env.meta {
        Some(Ok(m)) => Ok(m),
        Some(Err(reason)) => Err(Early::unknown(format!(
            "cannot list the environment's packages: {reason}"
        ))),
        None => Err(Early::skip("environment not found")),
    }
}

// ---------------------------------------------------------------------------------------
// env.exists

/// The `data` key env.exists sets when `-n NAME` cannot find the project's environment:
/// `{"name": NAME, "prefix": PATH}`.
pub(crate) const ADDRESS_BY_PREFIX: &str = "address_by_prefix";

/// env.exists when the environment was found: where, whether `-n NAME` reaches it, other
/// copies of the same name, and the last change its history records.
fn found_env(
    ctx: &Context,
    name: &EnvName,
    found: &probe::discover::FoundEnv,
    env: &probe::ProjectEnv,
    d: &probe::discover::Discovery,
) -> CheckResult {
    let cmds = commands(ctx);
    let prefix = found.prefix.display().to_string();
    let mut r = if !found.in_envs_dirs && name.source != NameSource::Prefix {
        let root = found.prefix.parent().and_then(Path::parent);
        CheckResult::warn(format!("`{}` exists at {prefix}, outside {}'s envs dirs: `-n {}` will not find it", name.name, cmds.program, name.name))
            .details(d.envs_dirs.iter().map(|p| format!("envs dir: {}", p.display())))
            // Every other fix of this run then addresses it by path (engine.rs).
            .data(ADDRESS_BY_PREFIX, serde_json::json!({"name": name.name, "prefix": prefix}))
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
            Fix::new("Keep one environment of that name so that every tool means the same one.")
                .phase(Phase::Configure)
                .manual(format!(
                    "if the other copy is stale, remove it: {}",
                    stale.join("; ")
                )),
        )
    } else {
        CheckResult::ok(format!("`{}` at {prefix}", name.name))
    };
    if let Ok(revs) = probe::meta::history(ctx, &found.prefix).as_ref() {
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

/// An environment file written for an image: named `base` (while the root environment does
/// not exist here), or without a name and installed into the image's base by a Dockerfile.
/// `create -n base` is refused, so there is nothing to create; the way to work on the host
/// is shown.
fn image_env(ctx: &Context, shown_file: &str, path: &Path) -> CheckResult {
    let own = crate::policy::text::project_slug(&ctx.settings.project_dir, "project");
    let create = commands(ctx).create_env(&own, &path_arg(ctx, path));
    let by = match crate::probes::env::installs_into_base(ctx, path) {
        Some((df, line)) => format!("{df}:{line} installs it into the image's base environment"),
        None => "images built FROM mambaorg/micromamba install such a file into their base (`micromamba install -n base -f …`)".to_string(),
    };
    let what = if probe::env_name(ctx).is_some() {
        "names `base`, the root environment, which `create` cannot make"
    } else {
        "has no `name:` and goes into an image's base environment"
    };
    CheckResult::skip(format!(
        "{shown_file} {what}: it is written for the image, not for an environment on this machine"
    ))
    .detail(by)
    .detail(format!(
        "to work on this machine, create an environment of the project's own: {}",
        shown(&create)
    ))
}

/// The step where a prefix to create an environment at is taken (see
/// [`probe::prefix_occupied`]): what is there, and the create to run once it is moved.
fn occupied_step(prefix: &str, what: &str, create: &[String]) -> String {
    format!(
        "{prefix} is {what}: move it aside (devdoctor creates no environment over it), then `{}`",
        shown(create)
    )
}

/// env.exists when no environment of that name was found: unknown when something could not
/// be read, else a failure whose fix creates it from the environment file.
fn missing_env(
    ctx: &Context,
    name: &EnvName,
    env: &probe::ProjectEnv,
    d: &probe::discover::Discovery,
) -> CheckResult {
    let pf = probe::project_file(ctx);
    let shown_file = ctx.settings.display_path(&pf.path);
    let cmds = commands(ctx);
    let hidden: Vec<String> = d
        .problems
        .iter()
        .filter(|p| p.may_hide(&name.name))
        .map(ToString::to_string)
        .collect();
    let looked = looked_in(d);
    if !hidden.is_empty() {
        return CheckResult::unknown(format!(
            "`{}` not found, but not everything could be read",
            name.name
        ))
        .details(hidden)
        .details(looked);
    }
    if name.name == "base" {
        return image_env(ctx, &shown_file, &pf.path).details(looked);
    }
    // From the project's current lock where the tool reads it: the versions the project
    // tested, not a new solve.
    let lock = lock::current_lock(ctx, cmds.flavour);
    let from = lock.as_ref().unwrap_or(&pf.path);
    let shown_from = ctx.settings.display_path(from);
    let mut fix =
        Fix::new(format!("Create `{}` from {shown_from}.", name.name)).phase(Phase::CreateEnv);
    let occupied = (name.source == NameSource::Prefix)
        .then(|| probe::prefix_occupied(ctx, Path::new(&name.name)))
        .flatten();
    let create = for_env(cmds.create_env(&name.name, &path_arg(ctx, from)), name);
    match (&pf.state, occupied) {
        (FileState::Parsed(_), Some(what)) => {
            fix = fix.manual(occupied_step(&name.name, what, &create));
        }
        (FileState::Parsed(_), None) => fix = fix.cmd(create),
        _ => {
            fix = fix.manual(format!(
                "write {shown_file} first (see env.file), then create the environment from it"
            ))
        }
    }
    let mut r =
        CheckResult::fail(format!("environment `{}` does not exist", name.name)).details(looked);
    if let Some(at) = &env.resolution.would_create_at {
        r = r.detail(format!("it would be created at {}", at.display()));
    }
    r.with_fix(fix)
}

fn check_exists(ctx: &Context) -> Outcome {
    let pf = probe::project_file(ctx);
    let shown_file = ctx.settings.display_path(&pf.path);
    let Some(name) = probe::env_name(ctx) else {
        return Ok(match &pf.state {
            FileState::Absent => CheckResult::skip(format!(
                "no {shown_file} and no [env] name: no environment to look for"
            )),
            FileState::Parsed(_)
                if crate::probes::env::installs_into_base(ctx, &pf.path).is_some() =>
            {
                image_env(ctx, &shown_file, &pf.path)
            }
            FileState::Parsed(_) => match probe::withheld_prefix(ctx) {
                // The README makes it in a folder that leads out of the project: not read.
                Some((folder, why)) => CheckResult::unknown(format!(
                    "the project makes its environment in {folder}, and {why}"
                )),
                // env.file fails for the missing name and gives the step.
                None => CheckResult::unknown(format!(
                    "{shown_file} has no `name:` and no environment name is configured, so there is no environment to look for (see env.file)"
                )),
            },
            _ => CheckResult::unknown(format!(
                "{shown_file} cannot be read, so the environment name is unknown (see env.file)"
            )),
        });
    };
    // The file's name is one no tool accepts: env.file says so and how to rename it.
    if name.source == probe::NameSource::FileName
        && !crate::policy::names::valid_env_name(&name.name)
    {
        return Err(Early::unknown(format!(
            "{shown_file} names the environment `{}`, which is not a valid name (see env.file)",
            crate::policy::text::printable(&name.name)
        )));
    }
    let d = probe::discovery(ctx);
    let env = probe::project_env(ctx);
    let binder =
        probe::binder_only_library(ctx).filter(|_| name.source == probe::NameSource::FileName);
    let mut r = match (&env.resolution.chosen, binder) {
        (Some(found), _) => found_env(ctx, &name, found, &env, &d),
        (None, Some(file)) => {
            return Err(Early::skip(format!(
                "`{}` is the environment of {file}, Binder's, for running the examples online: none is expected on this machine (--env NAME checks one)",
                crate::policy::text::printable(&name.name)
            )))
        }
        (None, None) => missing_env(ctx, &name, &env, &d),
    };
    if let Some(tool) = &d.via_cli {
        r = r.detail(format!(
            "found with `{tool} env list --json` (no root prefix could be determined from files)"
        ));
    }
    let benign: Vec<String> = d
        .problems
        .iter()
        .filter(|p| !matches!(p, probe::discover::Problem::UnreadableEnvsDir { .. }))
        .map(ToString::to_string)
        .collect();
    if !benign.is_empty() && r.status != Status::Unknown {
        r = r.details(benign.into_iter().map(|p| format!("note: {p}")));
    }
    Ok(r.data("name", name.name.clone())
        .data("environments", d.envs.len()))
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

/// The environment has no Python: says so, and when its history shows the command that
/// removed it, names that command.
fn no_python(ctx: &Context, name: &EnvName, prefix: &Path) -> CheckResult {
    let mut r = CheckResult::fail(format!(
        "no Python in `{}` ({})",
        name.name,
        prefix.display()
    ));
    if let Ok(revs) = probe::meta::history(ctx, prefix).as_ref() {
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
    r
}

fn check_python(ctx: &Context) -> Outcome {
    let (env, name, prefix) = found_prefix(ctx)?;
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
    package_records(&env)?;
    let Some(py) = &env.python else {
        return Ok(no_python(ctx, &name, &prefix).with_fix(install));
    };
    let version = match &py.record {
        Ok(rec) => rec.version.clone(),
        Err(reason) => {
            return Err(Early::from(
                CheckResult::unknown(format!(
                    "the python record {} is unreadable: {reason}",
                    py.record_path.display()
                ))
                .detail(format!(
                    "its file name says python {}",
                    py.installed.version
                ))
                .location(Location::new(
                    py.record_path.clone(),
                    0,
                    reason.to_string(),
                )),
            ));
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
    Ok(r.data("version", version)
        .data("build", py.installed.build.clone()))
}

// ---------------------------------------------------------------------------------------
// env.packages

fn check_packages(ctx: &Context) -> Outcome {
    let (env, name, _prefix) = found_prefix(ctx)?;
    let (pf, file) = parsed_file(ctx)?;
    let meta = package_records(&env)?;
    let declared = file
        .dependencies
        .iter()
        .filter(|d| d.spec.is_ok() && !d.is_virtual() && d.name() != Some("python"))
        .count();
    let missing = probe::unsatisfied(&file, meta, &["python"]);
    if missing.is_empty() {
        return Ok(CheckResult::ok(format!(
            "all {declared} conda dependencies are installed and match ({} packages in the environment)",
            meta.packages.len()
        ))
        .data("declared", declared)
        .data("installed", meta.packages.len()));
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
        r = r.location(Location::new(lpath.clone(), m.dep.line, msg).rule("package-drift"));
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
    Ok(r.with_fix(
        Fix::new(why)
            .phase(Phase::UpdateEnv)
            .cmd(for_env(cmds.update_env(&name.name, &file_arg), &name)),
    )
    .data("declared", declared)
    .data("unsatisfied", missing.len()))
}

// ---------------------------------------------------------------------------------------
// env.active

fn check_active(ctx: &Context) -> Outcome {
    let (_env, name, prefix) = found_prefix(ctx)?;
    let cmds = commands(ctx);
    let active = ctx.var_path("CONDA_PREFIX");
    let same = active.as_ref().is_some_and(|a| probe::same_dir(a, &prefix));
    if same {
        return Ok(CheckResult::ok(format!("`{}` is active", name.name)));
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
        cmds.run_in(&name.name, &crate::probes::mcp::example_command(ctx)),
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
    Ok(CheckResult::ok(format!(
        "`{}` is not active ({now}); use `{run}` or `{activate}` (needs {init})",
        name.name
    ))
    .detail(format!("in scripts: {run}"))
    .detail(format!(
        "interactively: {activate} (after {init} in your shell)"
    ))
    .data("active", false))
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
                "env.active",
                "env.integrity",
                "env.consistency"
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
            source: NameSource::Prefix,
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
