//! `env.file`: the environment file's lint, and the requirements.txt-only case.

use super::{commands, loc_path, shown};
use crate::core::{CheckResult, Context, Fix, Location, Outcome, Phase, Status};
use crate::probes::env::{
    self as probe, envfile::EnvFile, requirements, EnvName, FileState, NameSource,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;

mod platform;

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

pub(super) fn check_file(ctx: &Context) -> Outcome {
    let pf = probe::project_file(ctx);
    let mut r = check_picked(ctx, &pf);
    if !pf.why.is_empty() && (!pf.others.is_empty() || pf.by_script) {
        r = r.detail(format!("picked {}", pf.why));
    }
    if pf.script_updates && matches!(pf.state, FileState::Parsed(_)) {
        let command = pf.updates_why.as_deref().unwrap_or("that command");
        r = r.detail(format!("{command} updates an existing environment from it: Python and pip come from the environment it updates"));
    }
    if let (Some(n), Some(why)) = (&pf.script_env, &pf.name_why) {
        r = r.detail(format!(
            "no `name:`; the environment is named `{n}` by {why}"
        ));
    }
    if pf.exported {
        r = r.detail(
            "an exported environment: every package pinned (build strings tie it to one platform); a hand-written environment.yml with loose pins solves on every platform",
        );
    }
    // The other environment files are linted too; their findings warn at most, since the
    // project does not build its environment from them by default. An exported one next to a
    // hand-written pick is a snapshot of an environment: its findings would repeat the
    // source's, and it is regenerated, not edited.
    let own = r.status;
    let mut raised_by: Vec<String> = Vec::new();
    for (path, state, exported) in &pf.others {
        let other = ctx.settings.display_path(path);
        if *exported && !pf.exported && matches!(state, FileState::Parsed(_)) {
            r = r.detail(format!(
                "not linted {other}: an exported environment (every package pinned), regenerated rather than edited"
            ));
            continue;
        }
        let sub = match state {
            FileState::Parsed(file) => {
                // conda-lock combines a `category: dev` source with the main file.
                let extras = file.category.as_ref().is_some_and(|c| c.text != "main");
                // `## conda env update -n NAME --file environment-dev.yml` in its own comments.
                let addition = crate::probes::env::discover::says_it_updates(
                    &file.text,
                    path,
                    &ctx.settings.project_dir,
                );
                let role = if extras || addition || (file.name.is_none() && file.prefix.is_none()) {
                    Role::Overlay
                } else {
                    Role::Named
                };
                lint(ctx, file, &other, loc_path(ctx, path), role)
            }
            FileState::Invalid { line, reason } => {
                CheckResult::warn(format!("{other} is not a valid environment file: {reason}"))
                    .location(Location::new(loc_path(ctx, path), *line, reason.clone()))
            }
            FileState::Unreadable(reason) => {
                CheckResult::warn(format!("cannot read {other}: {reason}"))
            }
            FileState::Absent => continue,
        };
        let status = sub.status.min(Status::Warn);
        r = r.detail(format!("also linted {}", sub.summary));
        r.locations.extend(sub.locations);
        if status >= Status::Warn && r.status != Status::Skip {
            raised_by.push(sub.summary);
            r.status = r.status.max(status);
        }
    }
    // The line says why it warns when only another file does.
    if r.status > own && !raised_by.is_empty() {
        r.summary = format!("{}; also {}", r.summary, raised_by.join(", "));
    }
    Ok(r)
}

fn check_picked(ctx: &Context, pf: &probe::ProjectFile) -> CheckResult {
    let shown = ctx.settings.display_path(&pf.path);
    let lpath = loc_path(ctx, &pf.path);
    match &pf.state {
        FileState::Absent => missing_file(ctx, &pf.path, pf.explicit),
        FileState::Unreadable(reason)
            if reason.io_kind() == Some(std::io::ErrorKind::PermissionDenied)
                || reason.is_withheld() =>
        {
            CheckResult::unknown(format!("cannot read {shown}: {reason}")).location(Location::new(
                lpath,
                0,
                reason.to_string(),
            ))
        }
        FileState::Unreadable(reason) => {
            CheckResult::fail(format!("{shown} is not usable: {reason}"))
                .location(Location::new(lpath, 0, reason.to_string()))
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
        FileState::Parsed(file) => {
            match crate::probes::env::installs_into_base(ctx, &pf.path) {
                // Named by the Dockerfile's `-n base`, with whatever Python the tool needs.
                Some((df, line)) if file.name.is_none() => {
                    lint(ctx, file, &shown, lpath, Role::Overlay).detail(format!(
                        "written for the image: {df}:{line} installs it into the image's base environment"
                    ))
                }
                // The project's script creates the environment first (with its Python) and
                // then updates it from this file (climada's `mamba env update -n climada_env
                // -f requirements/env_climada.yml`).
                _ if pf.script_updates => lint(ctx, file, &shown, lpath, Role::Overlay),
                // A conda-lock source of extras (`category: dev`): conda-lock combines it with
                // the main file, which names the environment and pins Python.
                _ if file.category.as_ref().is_some_and(|c| c.text != "main") => {
                    lint(ctx, file, &shown, lpath, Role::Overlay).detail(format!(
                        "a conda-lock source of the `{}` category: conda-lock combines it with the project's main environment file",
                        file.category.as_ref().map_or("", |c| c.text.as_str())
                    ))
                }
                _ => lint(ctx, file, &shown, lpath, Role::Picked),
            }
        }
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
    let Some(req) = probe::requirements_txt(ctx) else {
        if let Some((b, at)) = probe::made_by_hand(ctx) {
            return by_hand_proposal(ctx, &b, &at);
        }
        if let Some(at) = probe::requirements_for_the_image(ctx) {
            return CheckResult::skip(format!(
                "no {shown} in the project; requirements.txt is a conda package list that {at} installs into the image: the image is the environment"
            ));
        }
        if let Some(why) = probe::requirements_are_package_metadata(ctx) {
            return CheckResult::skip(format!(
                "no {shown} in the project; {why}: not an environment to set up"
            ));
        }
        return CheckResult::skip(format!("no {shown} in the project")).detail(format!(
            "looked in the project's root and {}/, and at the files its Makefile, scripts, README and CI workflows create an environment from; for a file elsewhere: --env-file PATH, or `file` under [env] in devdoctor.toml",
            crate::probes::files::ENV_DIRS.join("/, ")
        ));
    };
    let name = probe::proposed_env_name(ctx);
    let mut text = probe::requirements_text(&req);
    let made = probe::created_by_hand(ctx);
    // The environment the README makes by hand: by the name proposed, or in a folder.
    let made = made.0.as_ref().filter(|(b, _)| b.prefix || b.env == name);
    let target = match made {
        Some((b, _)) if b.prefix => Target::Prefix(b.env.clone()),
        _ => Target::Name(name),
    };
    // What the README pip-installs into the environment beside requirements.txt
    // (SandyYuan/astro_mcp: `pip install sparclclient datalab astropy astroquery`) belongs
    // in it too.
    if let Some((b, _)) = made {
        text = requirements::with_more(&text, &b.pip);
    }
    let by_hand = made.map_or_else(Vec::new, |(b, at)| where_named(b, at));
    let (proposal, fix) = propose(ctx, &target, &by_hand, &text);
    CheckResult::fail(
        "requirements.txt but no environment.yml: the environment is not reproducible with mamba",
    )
    .detail("Proposed environment.yml (PyPI and conda-forge names differ for some packages; the")
    .detail(
        "notes say where a name was changed; `devdoctor fix` writes it next to requirements.txt,",
    )
    .detail("and shows it before it does):")
    .details(proposal.iter().map(|l| format!("  {l}")))
    .location(
        Location::new(
            loc_path(ctx, &req),
            0,
            "pip requirements without an environment.yml",
        )
        .rule("requirements-only"),
    )
    .with_fix(fix)
}

/// The proposed environment.yml for environment `name` (the specs of a create by hand, and
/// the pip requirements in `requirements`), and the fix that writes it and then makes the
/// environment from it.
fn propose(
    ctx: &Context,
    target: &Target,
    by_hand: &[(String, String)],
    requirements: &str,
) -> (Vec<String>, Fix) {
    let converted = requirements::convert(requirements);
    let name = match target {
        Target::Name(n) => Some(n.as_str()),
        Target::Prefix(_) => None,
    };
    let proposal = requirements::proposal(name, by_hand, &converted);
    let content = proposal
        .iter()
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    let fix = Fix::new("Describe the environment in environment.yml (conda-forge first, pip only for what conda-forge lacks) and create it with mamba.")
        .phase(Phase::CreateEnv)
        .new_file("environment.yml", content);
    (proposal, then_make(ctx, target, fix))
}

/// Each spec of an environment made by hand at `at` (`README.md:6`), with the note that
/// says where: the create's, or a later `conda install`'s line of the same file.
fn where_named(b: &probe::ByHand, at: &str) -> Vec<(String, String)> {
    let file = at.rsplit_once(':').map_or(at, |(f, _)| f);
    b.specs
        .iter()
        .zip(&b.spec_lines)
        .map(|(spec, &line)| {
            let verb = if line == b.line {
                "creates"
            } else {
                "installs"
            };
            (spec.clone(), format!("as {file}:{line} {verb} it"))
        })
        .collect()
}

/// The environment a proposal is for: a name, or a folder of the project it is made in
/// (`-p ./env`, as written there, relative to the project).
enum Target {
    Name(String),
    Prefix(String),
}

/// A project whose README or script makes its environment by hand and pip-installs into it,
/// with no file to describe it: the proposal takes the create's specs and the pip packages.
fn by_hand_proposal(ctx: &Context, b: &probe::ByHand, at: &str) -> CheckResult {
    let target = if b.prefix {
        Target::Prefix(b.env.clone())
    } else {
        Target::Name(probe::proposed_env_name(ctx))
    };
    let (proposal, fix) = propose(ctx, &target, &where_named(b, at), &b.pip.join("\n"));
    let what = if b.prefix {
        format!("in ./{}", b.env)
    } else {
        format!("`{}`", b.env)
    };
    let (file, line) = at.rsplit_once(':').unwrap_or((at, "0"));
    let pip_at = b.pip_line.map_or(String::new(), |l| {
        format!(", then pip installs at line {l}")
    });
    CheckResult::fail(format!(
        "{at} makes the environment {what} by hand (`{}`{pip_at}) and no environment.yml describes it: it is not reproducible with mamba",
        crate::policy::text::printable(b.command.trim_start_matches("$ ").trim())
    ))
    .detail("Proposed environment.yml (PyPI and conda-forge names differ for some packages; the")
    .detail("notes say where a name was changed; `devdoctor fix` writes it in the project folder,")
    .detail("and shows it before it does):")
    .details(proposal.iter().map(|l| format!("  {l}")))
    .location(
        Location::new(
            file,
            line.parse().unwrap_or(0),
            "an environment made by hand, with pip installs, and no environment file",
        )
        .rule("made-by-hand"),
    )
    .with_fix(fix)
}

/// After the proposed file is written: create environment `name` from it, or, where an
/// environment of that name exists (the README's `conda create -n` was run), update it from
/// it by hand (`create -y` would remove it and create it again; an update changes an
/// environment the user made, which `fix` leaves to them).
fn then_make(ctx: &Context, target: &Target, fix: Fix) -> Fix {
    let cmds = commands(ctx);
    let (name, resolved) = match target {
        Target::Name(n) => (n.clone(), n.clone()),
        Target::Prefix(p) => (
            format!("./{p}"),
            ctx.settings.project_dir.join(p).display().to_string(),
        ),
    };
    // `-n NAME` becomes `-p ./env` for a prefix (fix runs it in the project folder).
    let env = EnvName {
        name: name.clone(),
        source: match target {
            Target::Name(_) => NameSource::Setting,
            Target::Prefix(_) => NameSource::Prefix,
        },
    };
    let create = super::for_env(cmds.create_env(&name, "environment.yml"), &env);
    if let Some(what) = probe::prefix_occupied(ctx, Path::new(&resolved))
        .filter(|_| matches!(target, Target::Prefix(_)))
    {
        return fix.manual(super::occupied_step(&name, what, &create));
    }
    if probe::discovery(ctx).resolve(&resolved).chosen.is_some() {
        let update = super::for_env(cmds.update_env(&name, "environment.yml"), &env);
        return fix.manual(format!(
            "then update the environment `{name}`, which exists, from it: {}",
            shown_cmd(&update)
        ));
    }
    fix.cmd(create)
}

fn shown_cmd(argv: &[String]) -> String {
    shown(argv)
}

/// The step for a file without `name:` when no name is configured.
fn add_name_step(shown: &str) -> String {
    format!("add `name: <env name>` at the top of {shown}, or set [env] name in devdoctor.toml")
}

/// `name:` against the configured name, and keys conda does not know.
fn lint_name(ctx: &Context, f: &mut Findings, file: &EnvFile, shown: &str) {
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
        // The Makefile, script or README that the file was found by creates it with `-n NAME`:
        // the project's own command names it, and env.* use that name.
        (None, None) if crate::probes::env::project_file(ctx).script_env.is_some() => {}
        // The README or a script makes it in a folder of the project by hand (`-p ./env`):
        // env.* find it there.
        (None, None)
            if crate::probes::env::made_in_prefix(ctx).is_some()
                || crate::probes::env::withheld_prefix(ctx).is_some() => {}
        (None, None) if file.prefix.is_none() => {
            // A failure: env.exists cannot look for an environment without a name, and points
            // here, so the one cause is one failure.
            f.add(Status::Fail, 1, "no-name", "no `name:` and no name configured: `micromamba create -f` then needs `-n NAME`, and devdoctor cannot tell which environment is the project's");
            f.step(add_name_step(shown));
        }
        (Some(n), Some(s)) if n.text != *s => {
            f.add(Status::Warn, n.line, "name-differs", format!("`name: {}` differs from the configured `{s}`; `micromamba create -f` without -n creates `{}`", n.text, n.text));
        }
        _ => {}
    }
    if let Some(n) = file
        .name
        .as_ref()
        .filter(|n| !crate::policy::names::valid_env_name(&n.text))
    {
        let shown_name = crate::policy::text::printable(&n.text);
        f.add(Status::Fail, n.line, "invalid-name", format!("`name: {shown_name}` is not a valid environment name: conda and micromamba refuse empty names, `/`, spaces, `:`, `#` and a leading `-`"));
        f.step(format!(
            "rename the environment in {shown} (letters, digits, `-`, `_`, `.`)"
        ));
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
}

/// Whether a `prefix:` names a folder of one machine (`conda env export` writes
/// `/home/alice/miniforge3/envs/app`), not one relative to the project (`./.env`).
fn machine_prefix(prefix: &str) -> bool {
    let p = prefix.trim();
    let drive = p
        .as_bytes()
        .get(1..3)
        .is_some_and(|d| d == b":\\" || d == b":/");
    p.starts_with('/') || p.starts_with('~') || p.starts_with('\\') || drive
}

/// A `prefix:` of one machine standing in for a name, and credentials written into
/// `variables:`. A file's `name:` wins over its `prefix:` in conda, and micromamba ignores the
/// prefix, so next to a name it does no harm.
fn lint_prefix_and_variables(f: &mut Findings, file: &EnvFile, shown: &str) {
    use crate::policy::secrets::{is_literal_value, is_secret_name};
    let lone_prefix = file
        .prefix
        .as_ref()
        .filter(|p| file.name.is_none() && machine_prefix(&p.text));
    if let Some(p) = lone_prefix {
        let path = crate::policy::text::printable(&p.text);
        f.add(Status::Warn, p.line, "prefix", format!("`prefix: {path}` and no `name:`: conda creates the environment in that folder of the machine the file was exported on (or fails), micromamba ignores it and needs -n"));
        let base = Path::new(p.text.trim())
            .file_name()
            .map(|b| b.to_string_lossy());
        f.step(match base {
            Some(b) => format!(
                "replace `prefix: {path}` with `name: {}` in {shown}",
                crate::policy::text::printable(&b)
            ),
            None => format!("replace the `prefix:` line of {shown} with `name: <env name>`"),
        });
    }
    let secrets: Vec<&str> = file
        .variables
        .iter()
        .filter(|v| is_secret_name(&v.name) && v.value.as_deref().is_some_and(is_literal_value))
        .map(|v| {
            f.add(Status::Fail, v.line, "secret-variable", format!("a plaintext value for `{}` in `variables:` (value hidden): the file is shared with the project, and activating the environment exports it", v.name));
            v.name.as_str()
        })
        .collect();
    if !secrets.is_empty() {
        f.step(format!(
            "remove the value of {} from {shown}, rotate it, and set it in your shell or an untracked .env instead",
            secrets.join(", ")
        ));
    }
}

/// An export from another operating system: its platform's own packages fail the solve here
/// (a failure); its build strings alone, told by its `prefix:`, most likely do (a warning).
fn lint_platform(f: &mut Findings, file: &EnvFile) {
    let here = platform::Os::current();
    let Some(foreign) = platform::foreign(file, here) else {
        return;
    };
    let name = file.name.as_ref().map(|n| n.text.as_str());
    let has_pip = file.pip.as_ref().is_some_and(|p| !p.entries.is_empty());
    let (message, step) = platform::describe(&foreign, here, name, has_pip);
    let (status, line) = match foreign {
        platform::Foreign::Packages { line, .. } => (Status::Fail, line),
        platform::Foreign::Builds { line, .. } => (Status::Warn, line),
    };
    f.add(status, line, "platform", message);
    f.step(step);
}

/// conda-forge first, no `defaults`.
fn lint_channels(f: &mut Findings, file: &EnvFile) {
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
    // PyTorch's own channel (and NVIDIA's, which its `pytorch-cuda` needs) ahead of
    // conda-forge: one cause, told by the pytorch finding, not also as conda-forge's place.
    // Behind conda-forge, with nothing taken from it by name, it gives nothing.
    let cf = real.iter().position(|(c, _)| c == "conda-forge");
    let takes_from_it = file.dependencies.iter().any(|d| {
        let t = d.text.trim();
        t.starts_with("pytorch::") || t.starts_with("pytorch-cuda")
    });
    let pytorch = real.iter().enumerate().find_map(|(i, c)| {
        (c.0 == "pytorch" && (takes_from_it || cf.is_none_or(|cf| i < cf))).then_some(c)
    });
    let ahead_for_pytorch = |i: usize| {
        pytorch.is_some()
            && real[..i]
                .iter()
                .all(|(c, _)| c == "pytorch" || c == "nvidia")
    };
    if let Some((_, at)) = pytorch {
        f.add(Status::Warn, *at, "pytorch-channel", "`pytorch` channel: PyTorch stopped publishing conda packages there after 2.5 (pytorch/pytorch#138506); conda-forge's `pytorch` has the releases since");
        f.step(pytorch_step(file, &real));
    }
    match real.iter().position(|(c, _)| c == "conda-forge") {
        Some(i) if i > 0 && ahead_for_pytorch(i) => {}
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
    // `default` (QuantEcon's lecture-datascience) is not `defaults`: a typo.
    for (_, line) in channels.iter().filter(|(c, _)| c == "default") {
        f.add(
            Status::Warn,
            *line,
            "channel-typo",
            "channel `default` is not Anaconda's `defaults` (with an s): conda and micromamba look for an anaconda.org channel named default instead",
        );
        f.step("remove the `default` channel (or write `nodefaults` to keep Anaconda's out)");
    }
    lint_anaconda_channels(f, file, &channels);
}

/// `defaults` and Anaconda's repository under other names (what `conda env export` lists for
/// it: `pkgs/main`, `pkgs/r`): one cause, one finding, at the first.
fn lint_anaconda_channels(f: &mut Findings, file: &EnvFile, channels: &[(String, usize)]) {
    let anacondas: Vec<&(String, usize)> = channels
        .iter()
        .filter(|(c, _)| c == "defaults" || is_anacondas(c))
        .collect();
    let others: Vec<String> = anacondas
        .iter()
        .filter(|(c, _)| c != "defaults")
        .map(|(c, _)| format!("`{c}`"))
        .collect();
    // An export's builds come from the channels it lists: without them it does not solve, so
    // the channels change only with a history export (which pins no builds).
    let builds_first = if file
        .dependencies
        .iter()
        .any(|d| platform::pins_a_build(&d.text))
    {
        "first drop the pinned builds, which come from these channels: export it again from its history where the environment still exists (`env export --from-history`), else remove the `=BUILD` ends (`=h1234_0`) and loosen the pins by hand; then "
    } else {
        ""
    };
    if let Some((_, line)) = anacondas.iter().find(|(c, _)| c == "defaults") {
        let also = if others.is_empty() {
            String::new()
        } else {
            let verb = if others.len() == 1 { "is" } else { "are" };
            format!(" (so {verb} {}: the same repository)", others.join(", "))
        };
        f.add(Status::Warn, *line, "defaults", format!("`defaults` channel: Anaconda's terms may apply to it, and mixing it with conda-forge causes solver conflicts; use `nodefaults`{also}"));
        f.step(if others.is_empty() {
            format!("{builds_first}replace `defaults` with `nodefaults`")
        } else {
            format!(
                "{builds_first}replace `defaults` with `nodefaults` and remove {}",
                others.join(", ")
            )
        });
    } else if let Some((_, line)) = anacondas.first() {
        f.add(Status::Warn, *line, "defaults", format!("{} channel: Anaconda's repository, whose terms may apply; mixing it with conda-forge causes solver conflicts", others.join(", ")));
        f.step(format!(
            "{builds_first}remove {} from `channels:` (conda-forge has the packages)",
            others.join(", ")
        ));
    }
    let pinned: Vec<(String, usize)> = file
        .dependencies
        .iter()
        .filter_map(|d| {
            let (channel, _) = d.text.trim().split_once("::")?;
            let name = probe::envfile::channel_name(channel);
            (name == "defaults" || is_anacondas(&name)).then(|| (channel.to_string(), d.line))
        })
        .collect();
    for (channel, line) in &pinned {
        f.add(
            Status::Warn,
            *line,
            "defaults",
            format!("`{channel}::` takes the package from Anaconda's repository, whose terms may apply, beside conda-forge"),
        );
    }
    if !pinned.is_empty() {
        f.step("drop the `CHANNEL::` prefixes marked above, so the packages come from conda-forge");
    }
}

/// A channel that is Anaconda's own repository (what `defaults` stands for, and its mirror on
/// anaconda.org), by the name [`probe::envfile::channel_name`] gives it.
fn is_anacondas(channel: &str) -> bool {
    const ANACONDA: &[&str] = &[
        "anaconda",
        "main",
        "r",
        "msys2",
        "free",
        "pkgs/main",
        "pkgs/r",
        "pkgs/msys2",
        "pkgs/free",
    ];
    ANACONDA.contains(&channel)
}

/// A `dependencies:` list of valid specs with a pinned Python.
fn lint_dependencies(ctx: &Context, f: &mut Findings, file: &EnvFile, role: Role) {
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
    for d in &file.dependencies {
        if let Some(extra) = &d.ignored_extra {
            f.add(
                Status::Warn,
                d.line,
                "matchspec-extra",
                format!(
                    "`{}`: conda ignores the pip-style extra `{extra}` (other tools may reject it); list the packages it stands for as dependencies of their own",
                    d.text.trim()
                ),
            );
        }
    }
    lint_exact_pins(f, file);
    lint_relational_globs(f, file);
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
    // CI creates it with each Python of its matrix (`create-args: python=…`): a pin in the
    // file would break the others.
    let from_ci = || crate::probes::env::python_from_ci(ctx).0.is_some();
    match file.dep("python") {
        // An export lists everything installed: without python, the environment has none
        // (valankar/finance's firefox environment), and no dependency pulls one in.
        None if file.dependencies_line.is_some()
            && role != Role::Overlay
            && python_project(ctx, file)
            && !crate::probes::env::discover::is_export_text(&file.text)
            && !from_ci() =>
        {
            f.add(
                Status::Warn,
                dep_line,
                "python-pin",
                "python is not listed: the environment gets whichever Python a dependency pulls in",
            );
            f.step("pin Python in dependencies, e.g. `python=3.11`");
        }
        Some(d) if d.spec.as_ref().is_ok_and(|s| s.version.is_none()) && !from_ci() => {
            f.add(
                Status::Warn,
                d.line,
                "python-pin",
                "`python` is not pinned to a version",
            );
            f.step("pin Python in dependencies, e.g. `python=3.11`");
        }
        Some(d) => {
            lint_requires_python(ctx, f, &d.text, d.line);
            let ended = newest_python_allowed(&d.text).and_then(|(major, minor)| {
                crate::checks::dockerfile::python_ended(major, minor).map(|day| (major, minor, day))
            });
            if let Some((major, minor, day)) = ended {
                f.add(
                    Status::Warn,
                    d.line,
                    "python-eol",
                    format!("`{}`: Python {major}.{minor} is end of life since {day}: no more security fixes", d.text.trim()),
                );
                f.step(format!(
                    "move to a supported Python (`python={}` or newer) once the dependencies allow it",
                    crate::checks::dockerfile::oldest_supported_python_today()
                ));
            }
        }
        None => {}
    }
}

/// `python==3.11` in a conda file is exactly 3.11.0 (`==` is an exact match, `=` takes the
/// series; conda's MatchSpec docs), which a hand-written file rarely means: on an image with
/// 3.11.8 it downgrades Python (atlas-outreach-data-tools' binder/environment.yml). Only
/// Python is judged: its releases always have three parts, while `crispy-bootstrap5==2024.2`
/// or `django-crispy-forms==2.3` name a whole version.
fn lint_exact_pins(f: &mut Findings, file: &EnvFile) {
    let mut any = false;
    for d in file.dependencies.iter().filter(|d| d.spec.is_ok()) {
        let Some((name, version)) = short_exact_pin(&d.text).filter(|(n, _)| *n == "python") else {
            continue;
        };
        f.add(
            Status::Warn,
            d.line,
            "exact-pin",
            format!("`{}` pins exactly {version}.0: conda's `==` is an exact match, `{name}={version}` takes the {version} series", d.text.trim()),
        );
        any = true;
    }
    if any {
        f.step("write `=` for a series (`python=3.11`); keep `==` for a full version (`python==3.11.8`)");
    }
}

/// `geopandas>=0.9.*`: conda ignores a `.*` after a relational operator and deprecates it
/// ("superfluous and deprecated", DahnJ/H3-Pandas); a future conda refuses the spec.
fn lint_relational_globs(f: &mut Findings, file: &EnvFile) {
    static GLOB: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:>=|<=|>|<|!=)\s*[0-9][0-9A-Za-z.]*?\.\*").expect("static regex")
    });
    let mut any = false;
    for d in file.dependencies.iter().filter(|d| d.spec.is_ok()) {
        let Some(m) = GLOB.find(&d.text) else {
            continue;
        };
        let plain = m.as_str().trim_end_matches(".*");
        f.add(
            Status::Warn,
            d.line,
            "relational-glob",
            format!("`{}`: conda ignores the `.*` after a comparison and deprecates it; write `{plain}`", d.text.trim()),
        );
        any = true;
    }
    if any {
        f.step("drop the `.*` after `>=`, `<` and the other comparisons marked above");
    }
}

/// `name==X` or `name==X.Y` (numbers only): `==` with a version short of three parts.
fn short_exact_pin(text: &str) -> Option<(&str, &str)> {
    let (name, version) = text.trim().split_once("==")?;
    let numeric = !version.is_empty()
        && version.split('.').count() <= 2
        && version
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let name = name.trim();
    (numeric && !name.contains([' ', '<', '>', '!', '=', ','])).then_some((name, version))
}

/// A Snakemake runner environment whose rules run in conda environments of their own
/// (`snakemake --use-conda`) needs a `conda` executable: snakemake creates them with it, and
/// micromamba provides none (snakemake/snakemake#2322).
fn lint_snakemake(ctx: &Context, f: &mut Findings, file: &EnvFile) {
    let Some(dep) = file
        .dep("snakemake")
        .or_else(|| file.dep("snakemake-minimal"))
    else {
        return;
    };
    if file.dep("conda").is_some() || file.dep("mamba").is_some() {
        return;
    }
    let Some(rule) = probe::snakemake_conda_rule(ctx) else {
        return;
    };
    f.add(
        Status::Warn,
        dep.line,
        "snakemake-conda",
        format!("snakemake runs rules in conda environments (`conda:` at {rule}) and creates them with a `conda` executable, which micromamba does not provide"),
    );
    f.step("add `conda` to the dependencies next to snakemake, so that `--use-conda` finds it in the environment");
}

/// The Python a pin allows against the project's own `requires-python`: python=3.7 with
/// `>=3.11` (CADWRDeltaModeling/pyhecdss), python=3.11 with `<3.10` (jzhan476/Low2005) make an
/// environment in which `pip install -e .` refuses the project. Judged on the pinned line's
/// first and last patch release; a specifier conda cannot read is not judged.
fn lint_requires_python(ctx: &Context, f: &mut Findings, pin: &str, line: usize) {
    let Some(wanted) = probe::requires_python(ctx) else {
        return;
    };
    let Some((major, minor)) = exact_python_line(pin) else {
        return;
    };
    let spec = wanted.replace(' ', "");
    let Ok(spec) = rattler_conda_types::VersionSpec::from_str(
        &spec,
        rattler_conda_types::ParseStrictness::Lenient,
    ) else {
        return;
    };
    let fits = ["0", "99"].iter().any(|patch| {
        rattler_conda_types::Version::from_str(&format!("{major}.{minor}.{patch}"))
            .is_ok_and(|v| spec.matches(&v))
    });
    if !fits {
        f.add(
            Status::Warn,
            line,
            "python-requires",
            format!("`{}` does not satisfy pyproject.toml's `requires-python = \"{wanted}\"`: pip refuses to install the project into this environment", pin.trim()),
        );
        f.step(format!(
            "pin a Python that pyproject.toml's `requires-python = \"{wanted}\"` accepts, or widen `requires-python`"
        ));
    }
}

/// The one Python line a pin names (`python=3.8.12`, `python==3.9.*`), not a range.
fn exact_python_line(text: &str) -> Option<(u32, u32)> {
    let rest = &text[text.find("python")? + "python".len()..];
    (!rest.contains(['<', '>', '|', ','])).then(|| newest_python_allowed(text))?
}

/// The newest Python line a `python` dependency allows, when it allows only one or has an
/// upper bound: `python=3.8.12` and `python==3.9.*` give 3.8 and 3.9, `python>=3.8,<3.10`
/// gives 3.9, `python<=3.7` 3.7; `None` for `python>=3.9` or alternatives (`|`).
fn newest_python_allowed(text: &str) -> Option<(u32, u32)> {
    static PIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:==?|\s)\s*(\d+)\.(\d+)(?:\.[0-9*]+)*(?:=\S+)?$")
            .expect("static regex")
    });
    static UPPER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"<(=?)\s*(\d+)\.(\d+)(?:\.0)*(?:a0)?\s*(?:,|$)").expect("static regex")
    });
    let name_at = text.find("python")?;
    let rest = text[name_at + "python".len()..].trim_end();
    if rest.contains('|') || rest.is_empty() {
        return None;
    }
    let num = |s: &str| s.parse::<u32>().ok();
    if let Some(c) = PIN.captures(rest) {
        return Some((num(&c[1])?, num(&c[2])?));
    }
    let c = UPPER.captures(rest)?;
    let (major, minor) = (num(&c[2])?, num(&c[3])?);
    if &c[1] == "=" {
        Some((major, minor))
    } else {
        Some((major, minor.checked_sub(1)?))
    }
}

/// Whether the environment is a Python one, so that the Python it gets matters: it has a
/// `pip:` block, or the project has Python sources or a Python distribution of its own. A C++
/// library's toolchain environment (HaoZeke/readCon: compilers, meson, cmake) gets a Python
/// only as meson's dependency, and which one does not matter to it.
fn python_project(ctx: &Context, file: &EnvFile) -> bool {
    file.pip.is_some()
        || !crate::probes::files::project_files(ctx).python.is_empty()
        || probe::distribution_name(ctx).is_some()
}

/// A pip entry pinned the conda way, with one `=` (`ipython=7.34.0`, what `conda env export`
/// writes for conda packages): pip refuses it. `Some` with the entry as pip wants it.
fn conda_style_pin(entry: &str) -> Option<String> {
    let e = entry.trim();
    if e.starts_with('-') || e.contains("://") || e.contains([' ', ';', '@']) {
        return None;
    }
    let at = e.find('=')?;
    let (name, rest) = (&e[..at], &e[at + 1..]);
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-[],".contains(c));
    let single = !rest.starts_with('=') && !rest.is_empty() && !rest.contains('=');
    (plain && single).then(|| format!("{name}=={rest}"))
}

/// Where a pip entry may be found as a conda package: conda-forge, then the file's other
/// community channels (bioconda), not Anaconda's.
fn search_channels(file: &EnvFile) -> Vec<String> {
    let mut out = vec!["conda-forge".to_string()];
    for c in file.channels.iter().flatten() {
        let name = probe::envfile::channel_name(&c.text);
        let plain = !name.is_empty() && !name.contains(['/', ':', ' ', '`']);
        if plain
            && !is_anacondas(&name)
            && !["nodefaults", "defaults", "default"].contains(&name.as_str())
            && !out.contains(&name)
        {
            out.push(name);
        }
    }
    out
}

/// The `pip:` block: each entry a last resort, and `pip` itself listed.
/// The plain `pip:` entries: one finding each while they can be read one by one; past that,
/// one for the block (an export's 130 pip entries would bury every other finding).
fn add_plain_pip(f: &mut Findings, plain: &[&crate::probes::env::envfile::Spanned], from: &str) {
    if plain.len() <= MAX_PIP_FINDINGS {
        for e in plain {
            let renamed = crate::probes::env::envfile::requirement_name(&e.text)
                .and_then(|n| crate::probes::env::requirements::conda_forge_name(&n));
            let message = match renamed {
                // Searched for by its PyPI name, it is not found, or is another package.
                Some(conda) => format!(
                    "pip: `{}` — pip is the last resort: conda-forge has it as `{conda}`",
                    e.text
                ),
                None => format!(
                    "pip: `{}` — pip is the last resort — is it really missing from {from}?",
                    e.text
                ),
            };
            f.add(Status::Warn, e.line, "pip-entry", message);
        }
        return;
    }
    let first: Vec<String> = plain
        .iter()
        .take(3)
        .map(|e| format!("`{}`", e.text.trim()))
        .collect();
    // Entries a `-r requirements.txt` include brings in all stand at its line.
    let last = plain.last().map_or(0, |e| e.line);
    let to = if last == plain[0].line {
        String::new()
    } else {
        format!(", to line {last}")
    };
    f.add(
        Status::Warn,
        plain[0].line,
        "pip-entry",
        format!(
            "pip: {} entries ({} and {} more{to}) — pip is the last resort — are they really missing from {from}?",
            plain.len(),
            first.join(", "),
            plain.len() - 3,
        ),
    );
}

/// The plain `pip:` entries that `dependencies:` lists too (stoyq/heart-disease-predictor's
/// `ucimlrepo`), by their name or conda-forge's: conda installs them already, so each is told
/// to be dropped, and taken out of `plain`.
fn drop_listed_twice(
    f: &mut Findings,
    file: &EnvFile,
    plain: &mut Vec<&crate::probes::env::envfile::Spanned>,
) {
    // An entry that `dependencies:` lists too is installed by conda already
    // (stoyq/heart-disease-predictor's `ucimlrepo`): pip only installs it again.
    let conda: Vec<String> = file
        .dependencies
        .iter()
        .filter_map(|d| d.name().map(crate::policy::names::normalize_dist_name))
        .collect();
    let before = plain.len();
    plain.retain(|e| {
        let name = crate::probes::env::envfile::requirement_name(&e.text);
        // The conda name it is listed under: its own, or conda-forge's (`pytorch`).
        let listed = name.as_ref().and_then(|n| {
            let renamed = crate::probes::env::requirements::conda_forge_name(n);
            let as_conda = renamed.map(crate::policy::names::normalize_dist_name);
            if conda.contains(n) {
                Some(n.clone())
            } else {
                as_conda.filter(|c| conda.contains(c)).and(renamed.map(str::to_string))
            }
        });
        if let Some(listed) = &listed {
            f.add(
                Status::Warn,
                e.line,
                "pip-entry",
                format!("pip: `{}` is listed under `dependencies:` too (as `{listed}`), so conda installs it already: drop the pip entry", e.text.trim()),
            );
        }
        listed.is_none()
    });
    if plain.len() < before {
        f.step("drop the pip entries marked above that `dependencies:` lists too");
    }
}

/// The `pip:` entries that install a folder of the project holding no package: conda runs
/// the pip step from the environment file's folder, so `--editable ./` in envs/ names envs/.
fn no_package_there(
    ctx: &Context,
    f: &mut Findings,
    entries: &[crate::probes::env::envfile::Spanned],
    env_dir: &Path,
) -> Vec<usize> {
    let project = &ctx.settings.project_dir;
    let mut lines = Vec::new();
    for e in entries {
        let Some(folder) =
            crate::probes::env::envfile::local_folder_without_package(&e.text, env_dir, project)
        else {
            continue;
        };
        let place = |dir: &Path| match ctx.settings.display_path(dir) {
            d if d.is_empty() || d == "." => "the project's root".to_string(),
            d => format!("{d}/"),
        };
        let (shown, from) = (place(&folder), place(env_dir));
        f.add(
            Status::Warn,
            e.line,
            "pip-path",
            format!("pip: `{}` installs {shown}, which holds no pyproject.toml, setup.py or setup.cfg: conda runs the pip step from the environment file's folder ({from}), so the step fails", e.text.trim()),
        );
        f.step("write each local pip path marked above from the environment file's folder, to the folder that holds the package's pyproject.toml or setup.py (`-e ..` from envs/)");
        lines.push(e.line);
    }
    lines
}

/// How many plain `pip:` entries get a finding each; more are told as one.
const MAX_PIP_FINDINGS: usize = 5;

fn lint_pip(ctx: &Context, f: &mut Findings, file: &EnvFile, role: Role) {
    if let Some(pip) = &file.pip {
        let cmds = commands(ctx);
        let env_dir = file.path.parent().unwrap_or(Path::new(""));
        let own = probe::distribution_name(ctx);
        let repo = crate::probes::git::work_tree(&ctx.settings.project_dir);
        let no_package = no_package_there(ctx, f, &pip.entries, env_dir);
        // The project itself (`-e .`) is what devdoctor recommends there, not a last resort;
        // so is another package of the same repository (`-e ../../klay_beam` from a subfolder).
        let entries = pip.entries.iter().filter(|e| {
            !no_package.contains(&e.line)
                && !crate::probes::env::envfile::is_project_entry(
                    &e.text,
                    env_dir,
                    &ctx.settings.project_dir,
                    own.as_deref(),
                )
                && !repo.as_deref().is_some_and(|r| {
                    crate::probes::env::envfile::local_path_within(&e.text, env_dir, r)
                })
        });
        let channels = search_channels(file);
        let mut plain = Vec::new();
        // Options for pip (`--extra-index-url URL`, `--pre`) install nothing themselves.
        let entries = entries.filter(|e| {
            let t = e.text.trim_start();
            !t.starts_with('-') || t.starts_with("-e ") || t.starts_with("--editable")
        });
        for e in entries {
            if let Some(path) = crate::probes::env::envfile::path_outside_project(
                &e.text,
                env_dir,
                &ctx.settings.project_dir,
            ) {
                f.add(
                    Status::Warn,
                    e.line,
                    "pip-path",
                    format!("pip: `{}` installs from {path}, outside the project: another machine or CI has nothing there", e.text.trim()),
                );
                f.step("replace the pip entries marked as outside the project with the packages from conda-forge (or a released version), or check the source into the project");
                continue;
            }
            // A git or archive URL installs unreleased code that no channel has.
            let t = e.text.trim();
            if t.contains("git+") || t.contains("://") {
                f.add(
                    Status::Warn,
                    e.line,
                    "pip-url",
                    format!("pip: `{t}` installs from a URL, which no conda channel has: prefer a released version where there is one"),
                );
                f.step("replace the pip entries that install from a URL with released versions (from conda-forge where it has them) once there are releases");
                continue;
            }
            if let Some(fixed) = conda_style_pin(&e.text) {
                f.add(
                    Status::Fail,
                    e.line,
                    "pip-syntax",
                    format!("pip: `{}` is not a pip requirement: pip pins with `==` (`{fixed}`), and conda stops at the pip step", e.text.trim()),
                );
                f.step("write the pip pins marked above with `==`");
                continue;
            }
            plain.push(e);
        }
        drop_listed_twice(f, file, &mut plain);
        add_plain_pip(f, &plain, &crate::policy::text::and_list(&channels));
        if !plain.is_empty() {
            let example = plain
                .iter()
                .find_map(|e| crate::probes::env::envfile::requirement_name(&e.text))
                .map(|n| {
                    crate::probes::env::requirements::conda_forge_name(&n)
                        .map_or_else(|| n.clone(), str::to_string)
                })
                .unwrap_or_else(|| "NAME".into());
            let flags: Vec<String> = channels.iter().map(|c| format!("-c {c}")).collect();
            f.step(format!(
                "look each pip: entry up on {} (`{} search {} {example}`) and move the ones it has into dependencies",
                crate::policy::text::and_list(&channels),
                cmds.program,
                flags.join(" ")
            ));
        }
        // An overlay's pip comes with the environment it is applied to.
        if role != Role::Overlay && file.dep("pip").is_none() && file.dep("uv").is_none() {
            f.add(Status::Warn, pip.line, "pip-missing", "a `pip:` block but no `pip` in dependencies (micromamba adds it silently, conda does not)");
            f.step("add `- pip` to dependencies, above the `pip:` block");
        }
    }
}

/// The step that takes PyTorch from conda-forge, naming only what the file has: the `nvidia`
/// channel, `pytorch::` prefixes (which keep the channel in use without its line),
/// `pytorch-cuda` and `cudatoolkit` (aqlaboratory/openfold has the prefix and cudatoolkit,
/// no nvidia and no pytorch-cuda).
fn pytorch_step(file: &EnvFile, channels: &[&(String, usize)]) -> String {
    let mut parts = vec!["remove the `pytorch` channel".to_string()];
    if channels.iter().any(|(c, _)| c == "nvidia") {
        parts[0].push_str(" and `nvidia`, which `pytorch-cuda` needed");
    }
    let dep = |prefix: &str| {
        file.dependencies
            .iter()
            .filter(|d| d.text.trim().starts_with(prefix))
            .map(|d| d.line.to_string())
            .collect::<Vec<_>>()
    };
    let prefixed = dep("pytorch::");
    if !prefixed.is_empty() {
        parts.push(format!(
            "drop the `pytorch::` prefix (line {})",
            prefixed.join(", ")
        ));
    }
    if !dep("pytorch-cuda").is_empty() {
        parts.push("replace `pytorch-cuda=X` with `cuda-version=X` and, for a GPU build, add `pytorch-gpu`".into());
    }
    if !dep("cudatoolkit").is_empty() {
        parts.push("replace `cudatoolkit=X` with `cuda-version=X` (conda-forge splits the toolkit into `cuda-*` packages)".into());
    }
    format!(
        "take PyTorch from conda-forge: {}; then lock again",
        parts.join(", ")
    )
}

/// "environment.yml: 2 errors, 1 warning", or the file's short description when all is well.
fn lint_summary(file: &EnvFile, shown: &str, fails: usize, warns: usize) -> String {
    if fails == 0 && warns == 0 {
        let py = file
            .dep("python")
            .map(|d| format!("{}, ", d.text.trim()))
            .unwrap_or_default();
        let n = file.dependencies.len();
        return format!(
            "{shown}: {n} dependenc{}, {py}conda-forge first",
            if n == 1 { "y" } else { "ies" }
        );
    }
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
}

/// What an environment file is for, which decides the findings that apply to it.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// The file the project's environment is created from here (`create -f`).
    Picked,
    /// Another file with a name: it creates an environment too, maybe for another system
    /// (environment_windows.yml next to environment_linux.yml).
    Named,
    /// Another file without `name:` or `prefix:`: an overlay applied to an existing
    /// environment (`env update -n NAME -f environment-dev.yml`), or conda-lock's extras of
    /// another category (`category: dev`), so it needs neither a name nor Python of its own.
    Overlay,
}

fn lint(ctx: &Context, file: &EnvFile, shown: &str, lpath: PathBuf, role: Role) -> CheckResult {
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
    if role != Role::Overlay {
        lint_name(ctx, &mut f, file, shown);
    }
    lint_prefix_and_variables(&mut f, file, shown);
    // Another file may be meant for another system (environment_windows.yml next to
    // environment_linux.yml): only the one the project builds from here must solve here.
    if role == Role::Picked {
        lint_platform(&mut f, file);
    }
    // An overlay without `channels:` takes those of what it is combined with.
    if role != Role::Overlay || file.channels.is_some() {
        lint_channels(&mut f, file);
    }
    lint_dependencies(ctx, &mut f, file, role);
    lint_pip(ctx, &mut f, file, role);
    if role != Role::Overlay {
        lint_snakemake(ctx, &mut f, file);
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
    let summary = lint_summary(file, shown, fails, warns);
    let mut r = CheckResult::new(status, summary)
        .data("path", shown.to_string())
        .data("dependencies", file.dependencies.len());
    if let Some(n) = &file.name {
        r = r.data("name", n.text.clone());
    }
    // The worst first, so the line a report shows is the one that fails.
    f.items
        .sort_by_key(|(status, loc)| (std::cmp::Reverse(*status), loc.line));
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_short_exact_pin_is_told_from_a_full_one() {
        let pin = super::short_exact_pin;
        assert_eq!(pin("python==3.11"), Some(("python", "3.11")));
        assert_eq!(pin("  notebook==7 "), Some(("notebook", "7")));
        for full in [
            "python==3.11.8",
            "python=3.11",
            "numpy>=1.26,<2",
            "numpy==1.*",
            "conda-forge::numpy",
            "python==3.11=h123_0",
            "numpy>=1==2",
        ] {
            assert_eq!(pin(full), None, "{full}");
        }
    }

    #[test]
    fn a_machine_prefix_is_absolute_or_home_relative() {
        for p in [
            "/home/alice/miniforge3/envs/x",
            "~/envs/x",
            "C:\\Users\\alice\\envs\\x",
            "D:/envs/x",
            "\\\\server\\envs\\x",
        ] {
            assert!(super::machine_prefix(p), "{p}");
        }
        for p in ["./.env", ".venv-conda", "envs/x", ""] {
            assert!(!super::machine_prefix(p), "{p}");
        }
    }
}
