//! Which compose files make up the project, and how their services merge.
//!
//! Files come from `[docker] compose_files` (one chain, merged in order like repeated `-f`),
//! else from the shared project walk: every `compose*.y*ml` / `docker-compose*.y*ml`, in the
//! root and in subfolders. Per folder, the base file is the first of `compose.yaml`,
//! `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`; `<base>.override.y*ml` is
//! merged onto it (as `docker compose` does by itself); `<base>.<name>.y*ml` (`.dev`,
//! `.prod`, …) is merged onto it for the services it names (as `-f base -f variant` does);
//! any other compose file stands alone. `include:` files are loaded too and `extends:` is
//! resolved. Variables interpolate from the shell, then from `.env` beside the file.

use super::interp::{read_dotenv, Vars};
use super::{
    parse_file_with, BuildMissing, ComposeFacts, ComposeFile, ComposeService, Problem, LINE_STRIDE,
};
use crate::core::Context;
use crate::probes::files::DocumentedBuild;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Files loaded in all (includes and extends sources count).
const MAX_FILES: usize = 200;
/// `extends:` chains longer than this are not followed (compose refuses cycles).
const MAX_EXTENDS: usize = 8;

struct Loader<'a> {
    ctx: &'a Context,
    shell: std::collections::HashMap<String, String>,
    seen: HashSet<PathBuf>,
    facts: ComposeFacts,
}

fn read(path: &Path) -> Result<String, crate::disk::ReadError> {
    crate::disk::read_capped(path, MAX_BYTES, "the limit for a compose file")
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

impl Loader<'_> {
    fn vars_for(&self, path: &Path) -> Vars {
        let dir = path.parent().unwrap_or(Path::new("."));
        Vars {
            shell: self.shell.clone(),
            dotenv: read_dotenv(&dir.join(".env")),
        }
    }

    /// Parses one file (once per run); its `include:` files are loaded as standalone files.
    fn file(&mut self, path: &Path, role: &str) -> Option<Vec<ComposeService>> {
        // Keyed by where the path really leads: `include: ../app/compose.yaml` from app/ is
        // the file itself, however many `..` detours name it.
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.seen.insert(key) || self.seen.len() > MAX_FILES {
            return None;
        }
        let display = self.ctx.settings.display_path(path);
        let (mut file, services) = match read(path) {
            Ok(text) => {
                let vars = self.vars_for(path);
                let get = |k: &str| vars.get(k).map(str::to_string);
                parse_file_with(path, &display, &text, &get)
            }
            Err(reason) => (
                ComposeFile {
                    path: path.to_path_buf(),
                    display,
                    withheld: reason.is_withheld(),
                    error: Some(Problem {
                        line: 0,
                        reason: format!("cannot read: {reason}"),
                    }),
                    ..ComposeFile::default()
                },
                Vec::new(),
            ),
        };
        file.role = role.to_string();
        let includes = file.includes.clone();
        let shown = file.display.clone();
        self.facts.files.push(file);
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        for inc in includes {
            let p = dir.join(&inc);
            if let Some(s) = self.file(&p, &format!("include: of {shown}")) {
                let s = self.resolve_extends(s);
                self.facts.services.extend(s);
            }
        }
        Some(services)
    }

    /// Replaces each service that `extends:` another by the merge of the two.
    fn resolve_extends(&mut self, mut services: Vec<ComposeService>) -> Vec<ComposeService> {
        for _ in 0..MAX_EXTENDS {
            let Some(i) = services.iter().position(|s| s.extends.is_some()) else {
                break;
            };
            let mut svc = services.remove(i);
            let (file, name) = svc.extends.take().unwrap_or_default();
            let base = match file {
                None => services.iter().find(|s| s.name == name).cloned(),
                Some(f) => {
                    let p = svc.file.parent().unwrap_or(Path::new(".")).join(f);
                    self.peek(&p).into_iter().find(|s| s.name == name)
                }
            };
            let merged = match base {
                Some(mut b) => {
                    b.extends = None;
                    merge(b, svc)
                }
                None => svc,
            };
            services.insert(i, merged);
        }
        services
    }

    /// Services of a file named by `extends: file:`, without listing the file's services
    /// as the project's own.
    fn peek(&self, path: &Path) -> Vec<ComposeService> {
        let Ok(text) = read(path) else {
            return Vec::new();
        };
        let vars = self.vars_for(path);
        let get = |k: &str| vars.get(k).map(str::to_string);
        parse_file_with(path, &self.ctx.settings.display_path(path), &text, &get).1
    }

    fn chain(&mut self, paths: &[PathBuf], auto: usize) {
        let Some((first, rest)) = paths.split_first() else {
            return;
        };
        let first_display = self.ctx.settings.display_path(first);
        let Some(base) = self.file(first, &first_display) else {
            return;
        };
        let mut base = self.resolve_extends(base);
        for (n, p) in rest.iter().enumerate() {
            let role = if n < auto {
                format!("override of {first_display} (merged by docker compose)")
            } else {
                format!("variant of {first_display} (merged with -f {first_display} -f …)")
            };
            let Some(over) = self.file(p, &role) else {
                continue;
            };
            let over = self.resolve_extends(over);
            if n < auto {
                base = merge_all(base, over);
            } else {
                let merged = over
                    .into_iter()
                    .map(|o| match base.iter().find(|b| b.name == o.name) {
                        Some(b) => merge(b.clone(), o),
                        None => o,
                    })
                    .collect::<Vec<_>>();
                self.facts.services.extend(merged);
            }
        }
        self.facts.services.extend(base);
    }
}

fn merge_all(base: Vec<ComposeService>, over: Vec<ComposeService>) -> Vec<ComposeService> {
    let mut out = base;
    for o in over {
        match out.iter().position(|b| b.name == o.name) {
            Some(i) => {
                let b = out.remove(i);
                out.insert(i, merge(b, o));
            }
            None => out.push(o),
        }
    }
    out
}

fn remap(line: usize, offset: usize) -> usize {
    (line / LINE_STRIDE + offset) * LINE_STRIDE + line % LINE_STRIDE
}

/// Moves every line of `s` to sources offset by `offset`.
fn shift(s: &mut ComposeService, offset: usize) {
    let r = |l: &mut usize| *l = remap(*l, offset);
    r(&mut s.line);
    for l in [
        &mut s.read_only_line,
        &mut s.memory_limit,
        &mut s.cpu_limit,
        &mut s.pids_limit,
    ]
    .into_iter()
    .flatten()
    {
        r(l);
    }
    for x in [&mut s.user, &mut s.network_mode].into_iter().flatten() {
        r(&mut x.line);
    }
    if let Some(x) = &mut s.privileged {
        r(&mut x.line);
    }
    if let Some(x) = &mut s.healthcheck {
        r(&mut x.line);
    }
    for (_, x) in &mut s.namespaces {
        r(&mut x.line);
    }
    for x in s
        .cap_add
        .iter_mut()
        .chain(&mut s.cap_drop)
        .chain(&mut s.security_opt)
    {
        r(&mut x.line);
    }
    s.ports.iter_mut().for_each(|p| r(&mut p.line));
    s.env_files.iter_mut().for_each(|p| r(&mut p.line));
    if let Some(l) = &mut s.build_line {
        r(l);
    }
    s.volumes.iter_mut().for_each(|p| r(&mut p.line));
    s.environment.iter_mut().for_each(|p| r(&mut p.line));
    s.build_args.iter_mut().for_each(|p| r(&mut p.line));
    s.command_flags
        .iter_mut()
        .flatten()
        .for_each(|p| r(&mut p.line));
}

fn by_name<T: Clone>(base: Vec<T>, over: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut out: Vec<T> = base
        .into_iter()
        .filter(|b| !over.iter().any(|o| key(o) == key(b)))
        .collect();
    out.extend(over);
    out
}

/// `over` merged onto `base` the way compose merges an override: scalars replace, lists
/// append, `environment`/`args` and volumes (by target) replace per entry.
pub(super) fn merge(base: ComposeService, mut over: ComposeService) -> ComposeService {
    shift(&mut over, base.sources.len());
    let mut sources = base.sources.clone();
    sources.extend(over.sources);
    let read_only_set = over.read_only_line.is_some();
    let mut ports = base.ports;
    ports.extend(over.ports);
    let mut cap_add = base.cap_add;
    cap_add.extend(over.cap_add);
    let mut cap_drop = base.cap_drop;
    cap_drop.extend(over.cap_drop);
    let mut security_opt = base.security_opt;
    security_opt.extend(over.security_opt);
    // Compose merges `build:` key by key: an override that only sets `target:` or `args:`
    // builds the base's context and Dockerfile.
    let build_context = if over.build_context_text.is_some() || !base.builds {
        over.build_context.or(base.build_context)
    } else {
        base.build_context
    };
    let dockerfile_name = over.dockerfile_name.or(base.dockerfile_name);
    let dockerfile = if over.builds || base.builds {
        build_context.as_ref().map(|c| {
            crate::disk::lexical(&c.join(dockerfile_name.as_deref().unwrap_or("Dockerfile")))
        })
    } else {
        over.dockerfile.or(base.dockerfile)
    };
    let mut namespaces = base.namespaces;
    namespaces.retain(|(k, _)| !over.namespaces.iter().any(|(o, _)| o == k));
    namespaces.extend(over.namespaces);
    ComposeService {
        name: over.name,
        file: base.file,
        line: base.line,
        display: base.display,
        image: over.image.or(base.image),
        builds: over.builds || base.builds,
        read_only: if read_only_set {
            over.read_only
        } else {
            base.read_only
        },
        read_only_line: over.read_only_line.or(base.read_only_line),
        dockerfile,
        build_context,
        build_line: over.build_line.or(base.build_line),
        build_context_text: over.build_context_text.or(base.build_context_text),
        dockerfile_name,
        inline_dockerfile: over.inline_dockerfile || base.inline_dockerfile,
        build_target: over.build_target.or(base.build_target),
        build_missing: None,
        user_blanked: if over.user.is_some() {
            over.user_blanked
        } else {
            base.user_blanked
        },
        user: over.user.or(base.user),
        privileged: over.privileged.or(base.privileged),
        network_mode: over.network_mode.or(base.network_mode),
        namespaces,
        cap_add,
        cap_drop,
        security_opt,
        memory_limit: over.memory_limit.or(base.memory_limit),
        cpu_limit: over.cpu_limit.or(base.cpu_limit),
        pids_limit: over.pids_limit.or(base.pids_limit),
        healthcheck: over.healthcheck.or(base.healthcheck),
        ports,
        volumes: by_name(base.volumes, over.volumes, |m| m.target.clone()),
        environment: by_name(base.environment, over.environment, |e| e.name.clone()),
        build_args: by_name(base.build_args, over.build_args, |e| e.name.clone()),
        // An override's `command:` replaces the base's.
        command_flags: over.command_flags.or(base.command_flags),
        sources,
        extends: None,
        awaits_completion: {
            let mut a = base.awaits_completion;
            a.extend(over.awaits_completion);
            a
        },
        one_shot: false,
        interactive: over.interactive || base.interactive,
        // Compose appends an override's `env_file:` entries to the base's.
        env_files: {
            let mut e = base.env_files;
            for o in over.env_files {
                if !e.iter().any(|b| b.path == o.path && b.dir == o.dir) {
                    e.push(o);
                }
            }
            e
        },
        built_elsewhere: None,
    }
}

/// Links each service that only runs an image to the Dockerfile another service of the
/// project builds that image from (same repository, any tag), else the one the project's
/// Makefile, scripts or README build it from (`docker build -t jupyterdatascienceimage .`).
fn link_built_images(facts: &mut ComposeFacts, documented: &[DocumentedBuild]) {
    // A tag from a variable that must be set (`org/app:${VERSION:?…}`) still names the
    // repository before it.
    let repo = |image: &str| {
        let image = super::interpolate_defaults(image).unwrap_or_else(|| {
            let before = image.split("${").next().unwrap_or_default();
            before.trim_end_matches(':').to_string()
        });
        repository(&image)
    };
    let built: Vec<(String, PathBuf)> = facts
        .services
        .iter()
        .filter_map(|s| Some((repo(s.image.as_deref()?), s.dockerfile.clone()?)))
        .chain(
            documented
                .iter()
                .map(|b| (repo(&b.tag), b.dockerfile.clone())),
        )
        .collect();
    for s in facts.services.iter_mut().filter(|s| s.dockerfile.is_none()) {
        let Some(image) = s.image.as_deref() else {
            continue;
        };
        let r = repo(image);
        s.built_elsewhere = built
            .iter()
            .find(|(b, _)| *b == r && !r.is_empty())
            .map(|(_, d)| d.clone());
    }
}

/// An image reference's repository, as compose and the engine compare names: without its
/// digest and tag, `docker.io/` and `library/`, lower-cased.
fn repository(image: &str) -> String {
    let image = image.split('@').next().unwrap_or_default().trim();
    let last_slash = image.rfind('/').map_or(0, |i| i + 1);
    let name = match image[last_slash..].find(':') {
        Some(colon) => &image[..last_slash + colon],
        None => image,
    };
    let name = name.strip_prefix("docker.io/").unwrap_or(name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    name.to_ascii_lowercase()
}

/// Looks up each service's `env_file:` entries that stay inside the project (`project`, the
/// real project folder): whether each is there, and an example beside it to copy from.
fn look_up_env_files(facts: &mut ComposeFacts, project: &Path, shown: &dyn Fn(&Path) -> String) {
    for s in &mut facts.services {
        for e in &mut s.env_files {
            if e.path.contains('$') {
                continue;
            }
            let path = crate::disk::lexical(&e.dir.join(&e.path));
            let Ok(rel) = path.strip_prefix(project) else {
                continue;
            };
            // Through a linked folder (`conf -> /etc`) nothing is looked at.
            let Some(exists) = crate::disk::lookup_under(project, rel) else {
                continue;
            };
            e.exists = Some(exists);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            e.example = example_names(&name)
                .into_iter()
                .map(|x| path.with_file_name(x))
                .find(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
                .map(|p| shown(&p));
        }
    }
}

/// The names an example of the env file `name` goes by, the usual first: `.env.example`,
/// `.env.sample`, `.env-example`, and for a dot file also `env.example` and `example.env`.
/// A project that calls its `.env` template `environment.template` names no env file and is
/// not guessed (an `environment.*` is a conda file as often).
fn example_names(name: &str) -> Vec<String> {
    const KINDS: [&str; 4] = ["example", "sample", "template", "dist"];
    let mut names: Vec<String> = KINDS.iter().map(|x| format!("{name}.{x}")).collect();
    names.extend(KINDS.iter().map(|x| format!("{name}-{x}")));
    names.extend(KINDS.iter().map(|x| format!("{name}_{x}")));
    if let Some(bare) = name.strip_prefix('.').filter(|b| !b.is_empty()) {
        names.extend(KINDS.iter().map(|x| format!("{bare}.{x}")));
        names.extend(KINDS.iter().map(|x| format!("{x}.{bare}")));
        names.extend(KINDS.iter().map(|x| format!(".{x}.{bare}")));
    }
    names
}

/// Looks up what each service's local `build:` needs: its context folder and Dockerfile,
/// one name at a time under the project (nothing through a linked folder, nothing outside).
fn look_up_builds(facts: &mut ComposeFacts, project: &Path, shown: &dyn Fn(&Path) -> String) {
    let under = |p: &Path| under_project(project, p);
    for s in facts.services.iter_mut().filter(|s| s.builds) {
        let (Some(context), Some(dockerfile)) = (&s.build_context, &s.dockerfile) else {
            continue;
        };
        let Some(rel) = under(context) else { continue };
        s.build_missing = missing_build(
            project,
            context,
            &rel,
            dockerfile,
            s.inline_dockerfile,
            shown,
        );
        // A dev container's compose file is used with the project's (devcontainer.json's
        // `dockerComposeFile: ["../docker-compose.yml", …]`), and compose resolves every
        // path against the first file's folder: the workspace, when the build is found there.
        let workspace = s
            .file
            .ancestors()
            .find(|a| a.ends_with(".devcontainer"))
            .and_then(Path::parent);
        if let (Some(_), Some(root)) = (&s.build_missing, workspace) {
            let context = root.join(s.build_context_text.as_deref().unwrap_or("."));
            let dockerfile = context.join(s.dockerfile_name.as_deref().unwrap_or("Dockerfile"));
            if let Some(rel) = under(&context) {
                let found = missing_build(
                    project,
                    &context,
                    &rel,
                    &dockerfile,
                    s.inline_dockerfile,
                    shown,
                );
                if found.is_none() && crate::disk::lookup_under(project, &rel) == Some(true) {
                    s.build_missing = None;
                }
            }
        }
    }
}

/// `p` relative to the project, when it is inside and names no variable.
fn under_project(project: &Path, p: &Path) -> Option<PathBuf> {
    let rel = crate::disk::lexical(p)
        .strip_prefix(project)
        .ok()?
        .to_path_buf();
    (!p.to_string_lossy().contains('$')).then_some(rel)
}

/// What a build with `context` (`rel` under the project) and `dockerfile` does not find.
fn missing_build(
    project: &Path,
    context: &Path,
    rel: &Path,
    dockerfile: &Path,
    inline: bool,
    shown: &dyn Fn(&Path) -> String,
) -> Option<BuildMissing> {
    let under = |p: &Path| under_project(project, p);
    match crate::disk::lookup_under(project, rel) {
        None => None,
        Some(false) => Some(BuildMissing::Context {
            shown: shown(context),
        }),
        Some(true) if inline => None,
        Some(true) => {
            let found = |name: &str| {
                let p = dockerfile.with_file_name(name);
                under(&p).and_then(|r| crate::disk::lookup_under(project, &r))
            };
            let name = dockerfile
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("");
            // The builder falls back to a lowercase `dockerfile` when `Dockerfile` is not
            // there.
            let there = match found(name) {
                Some(false) if name == "Dockerfile" => found("dockerfile"),
                other => other,
            };
            (there == Some(false)).then(|| BuildMissing::Dockerfile {
                shown: shown(dockerfile),
                candidates: dockerfile_like(context, shown),
            })
        }
    }
}

/// The Dockerfile-like files of a folder (`Dockerfile.dev`, `api.Dockerfile`), at most five,
/// as the report shows them.
fn dockerfile_like(dir: &Path, shown: &dyn Fn(&Path) -> String) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            lower.starts_with("dockerfile") || lower.ends_with(".dockerfile")
        })
        .collect();
    names.sort();
    names.truncate(5);
    names.into_iter().map(|n| shown(&dir.join(n))).collect()
}

/// Marks the services that another service of the same compose project (the folder of its
/// files, overrides merged) waits on to finish.
fn mark_one_shots(facts: &mut ComposeFacts) {
    let folder = |s: &ComposeService| s.file.parent().map(Path::to_path_buf);
    let awaited: Vec<(Option<PathBuf>, String)> = facts
        .services
        .iter()
        .flat_map(|s| {
            s.awaits_completion
                .iter()
                .map(move |n| (folder(s), n.clone()))
        })
        .collect();
    for s in &mut facts.services {
        let here = folder(s);
        s.one_shot = awaited.iter().any(|(f, n)| *f == here && *n == s.name);
    }
}

fn stem(name: &str) -> &str {
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Splits one folder's compose files into chains: (files, how many after the first are
/// automatic overrides). Each non-base file without a base stands alone.
pub(super) fn chains(files: &[PathBuf]) -> Vec<(Vec<PathBuf>, usize)> {
    let base = crate::probes::files::COMPOSE_NAMES
        .iter()
        .find_map(|n| files.iter().find(|f| file_name(f) == *n));
    let mut out = Vec::new();
    let Some(base) = base else {
        return files.iter().map(|f| (vec![f.clone()], 0)).collect();
    };
    let bstem = stem(&file_name(base)).to_string();
    let mut autos = Vec::new();
    let mut variants = Vec::new();
    for f in files.iter().filter(|f| *f != base) {
        let name = file_name(f);
        match stem(&name)
            .strip_prefix(&bstem)
            .and_then(|r| r.strip_prefix('.'))
        {
            Some("override") => autos.push(f.clone()),
            Some(_) => variants.push(f.clone()),
            None if name.starts_with("docker-compose.override.")
                || name.starts_with("compose.override.") =>
            {
                autos.push(f.clone());
            }
            None => out.push((vec![f.clone()], 0)),
        }
    }
    let auto = autos.len();
    let mut chain = vec![base.clone()];
    chain.extend(autos);
    chain.extend(variants);
    out.insert(0, (chain, auto));
    out
}

/// The chains to load, each a first file and the files merged over it, with how many of those
/// compose merges by itself (the rest are variants): the files named on the command line or in
/// the config as one chain whose every later file merges, or the files found, chained per folder.
fn named_or_found(ctx: &Context) -> Vec<(Vec<PathBuf>, usize)> {
    let s = &ctx.settings;
    if !s.compose_files.is_empty() {
        let paths: Vec<PathBuf> = s.compose_files.iter().map(|p| s.project_path(p)).collect();
        let n = paths.len().saturating_sub(1);
        return vec![(paths, n)];
    }
    let found = crate::probes::files::project_files(ctx);
    let mut by_dir: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for p in &found.compose {
        let dir = p.parent().unwrap_or(Path::new("")).to_path_buf();
        by_dir.entry(dir).or_default().push(p.clone());
    }
    // A variant the project runs on its own is a stack of its own.
    let alone = crate::probes::files::compose_files_alone(ctx);
    let alone = |p: &PathBuf| {
        p.strip_prefix(&s.project_dir)
            .is_ok_and(|rel| alone.iter().any(|a| Path::new(a) == rel))
    };
    let mut out = Vec::new();
    for (mut chain, auto) in by_dir.values().flat_map(|files| chains(files)) {
        let (own, rest): (Vec<PathBuf>, Vec<PathBuf>) =
            chain.drain(auto + 1..).partition(|p| alone(p));
        chain.extend(rest);
        out.push((chain, auto));
        out.extend(own.into_iter().map(|p| (vec![p], 0)));
    }
    out
}

/// Loads the project's compose files.
pub(super) fn load(ctx: &Context) -> ComposeFacts {
    let s = &ctx.settings;
    let mut loader = Loader {
        ctx,
        shell: ctx
            .vars()
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string_lossy().into_owned()))
            .collect(),
        seen: HashSet::new(),
        facts: ComposeFacts::default(),
    };
    for (chain, auto) in named_or_found(ctx) {
        loader.chain(&chain, auto);
    }
    mark_one_shots(&mut loader.facts);
    link_built_images(
        &mut loader.facts,
        &crate::probes::files::documented_builds(ctx),
    );
    look_up_env_files(&mut loader.facts, &s.project_dir, &|p| s.display_path(p));
    look_up_builds(&mut loader.facts, &s.project_dir, &|p| s.display_path(p));
    loader.facts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A variant the README runs on its own (`docker compose -f docker-compose.dev.yml up`,
    /// vsisl/dash-chatgpt-challenge) is a stack of its own: its services are not merged into
    /// the base file's, whose image stays the base file's.
    #[test]
    fn a_variant_run_alone_is_a_stack_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |name: &str, text: &str| std::fs::write(root.join(name), text).unwrap();
        write(
            "docker-compose.yml",
            "services:\n  app:\n    image: org/app:1\n",
        );
        write(
            "docker-compose.dev.yml",
            "services:\n  app:\n    image: org/app-dev:1\n",
        );
        let images = |root: &Path| -> Vec<(String, String)> {
            load(&Context::offline_in(root))
                .services
                .iter()
                .map(|s| (file_name(&s.file), s.image.clone().unwrap_or_default()))
                .collect()
        };
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        // Merged as a variant: the base file's service, once with the dev file's image over
        // the base's.
        assert_eq!(
            images(root),
            [
                s("docker-compose.yml", "org/app-dev:1"),
                s("docker-compose.yml", "org/app:1")
            ]
        );
        write(
            "README.md",
            "```\ndocker compose -f docker-compose.dev.yml up\n```\n",
        );
        assert_eq!(
            images(root),
            [
                s("docker-compose.yml", "org/app:1"),
                s("docker-compose.dev.yml", "org/app-dev:1")
            ]
        );
    }

    #[test]
    fn an_env_file_example_goes_by_the_usual_names() {
        let names = example_names(".env");
        assert_eq!(names[0], ".env.example");
        for n in [
            "env.example",
            "example.env",
            ".env-example",
            ".env_sample",
            "env.template",
        ] {
            assert!(names.contains(&n.to_string()), "{n}: {names:?}");
        }
        // A plain name has no dot to drop: `db.env` → `db.env.example`, not `example.db.env`.
        let names = example_names("db.env");
        assert!(names.contains(&"db.env.example".to_string()));
        assert!(names.iter().all(|n| n.starts_with("db.env")), "{names:?}");
        assert!(!example_names(".env").contains(&"environment.template".to_string()));
    }

    #[test]
    fn repositories_compare_without_tag_digest_or_default_registry() {
        assert_eq!(
            repository("nsidc/usaon-benefit-tool:dev"),
            "nsidc/usaon-benefit-tool"
        );
        assert_eq!(repository("docker.io/library/Redis:7@sha256:ab"), "redis");
        assert_eq!(repository("localhost:5000/app"), "localhost:5000/app");
        assert_eq!(repository("ghcr.io/org/app:1.2"), "ghcr.io/org/app");
    }

    fn names(v: &[(Vec<PathBuf>, usize)]) -> Vec<(Vec<String>, usize)> {
        v.iter()
            .map(|(c, a)| (c.iter().map(|p| file_name(p)).collect(), *a))
            .collect()
    }

    #[test]
    fn chains_per_folder() {
        let f = |n: &[&str]| {
            n.iter()
                .map(|n| PathBuf::from(format!("/p/{n}")))
                .collect::<Vec<_>>()
        };
        let c = chains(&f(&[
            "docker-compose.yml",
            "docker-compose.override.yml",
            "docker-compose.prod.yml",
            "compose.ci.yaml",
        ]));
        assert_eq!(
            names(&c),
            [
                (
                    vec![
                        "docker-compose.yml".to_string(),
                        "docker-compose.override.yml".into(),
                        "docker-compose.prod.yml".into()
                    ],
                    1
                ),
                (vec!["compose.ci.yaml".to_string()], 0)
            ]
        );
        let c = chains(&f(&["compose.dev.yml", "compose.prod.yml"]));
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|(_, a)| *a == 0));
    }

    fn svc(text: &str, file: &str) -> Vec<ComposeService> {
        parse_file_with(Path::new(file), file, text, &|_| None).1
    }

    #[test]
    fn override_merges_and_lines_name_their_file() {
        let base = svc(
            "services:\n  api:\n    image: app:${TAG:-latest}\n    user: root\n    ports:\n      - 8000:8000\n",
            "/p/compose.yaml",
        );
        let over = svc(
            "services:\n  api:\n    user: app\n    privileged: true\n",
            "/p/compose.override.yaml",
        );
        let m = merge_all(base, over);
        assert_eq!(m.len(), 1);
        let a = &m[0];
        assert_eq!(a.image.as_deref(), Some("app:latest"));
        let user = a.user.as_ref().unwrap();
        assert_eq!(user.value, "app");
        assert_eq!(a.locate(user.line), ("/p/compose.override.yaml", 3));
        assert_eq!(a.locate(a.privileged.as_ref().unwrap().line).1, 4);
        assert_eq!(a.locate(a.ports[0].line), ("/p/compose.yaml", 6));
    }

    /// Compose merges `build:` key by key: an override that only sets `target:` builds the
    /// base's context and Dockerfile; one that names a Dockerfile takes it in that context.
    #[test]
    fn an_override_of_build_keeps_the_base_context() {
        let base = || svc("services:\n  api:\n    build: ./api\n", "/p/compose.yaml");
        let target = svc(
            "services:\n  api:\n    build:\n      target: dev\n",
            "/p/compose.override.yaml",
        );
        let m = merge_all(base(), target);
        assert_eq!(m[0].build_context, Some(PathBuf::from("/p/api")));
        assert_eq!(m[0].dockerfile, Some(PathBuf::from("/p/api/Dockerfile")));
        assert_eq!(
            m[0].locate(m[0].build_line.unwrap()),
            ("/p/compose.override.yaml", 3)
        );
        let named = svc(
            "services:\n  api:\n    build:\n      dockerfile: Dockerfile.dev\n",
            "/p/compose.override.yaml",
        );
        let m = merge_all(base(), named);
        assert_eq!(
            m[0].dockerfile,
            Some(PathBuf::from("/p/api/Dockerfile.dev"))
        );
        let moved = svc(
            "services:\n  api:\n    build:\n      context: ./web\n",
            "/p/compose.override.yaml",
        );
        let m = merge_all(base(), moved);
        assert_eq!(m[0].dockerfile, Some(PathBuf::from("/p/web/Dockerfile")));
    }

    fn build_missing(f: &ComposeFacts, name: &str) -> Option<BuildMissing> {
        let s = f.services.iter().find(|s| s.name == name);
        s.expect("the service").build_missing.clone()
    }

    /// A build whose context or Dockerfile is not in the project is told, with the
    /// Dockerfile-like files the folder holds; nothing is looked up through a linked folder.
    #[test]
    fn builds_are_looked_up_in_the_project() {
        use crate::core::Settings;
        let t = tempfile::tempdir().unwrap();
        let p = t.path().to_path_buf();
        for (rel, text) in [
            ("web/Dockerfile", "FROM scratch\n"),
            ("web/Dockerfile.dev", "FROM scratch\n"),
            ("lower/dockerfile", "FROM scratch\n"),
            ("ok/Dockerfile", "FROM scratch\n"),
        ] {
            std::fs::create_dir_all(p.join(rel).parent().unwrap()).unwrap();
            std::fs::write(p.join(rel), text).unwrap();
        }
        std::os::unix::fs::symlink("/etc", p.join("etc")).unwrap();
        std::fs::write(
            p.join("compose.yaml"),
            "services:\n  ok:\n    build: ./ok\n  gone:\n    build: ./gone\n  web:\n    build:\n      context: web\n      dockerfile: Dockerfile.prod\n  lower:\n    build: lower\n  linked:\n    build: ./etc\n  inline:\n    build:\n      context: .\n      dockerfile_inline: FROM scratch\n  remote:\n    build: https://github.com/org/repo.git\n",
        )
        .unwrap();
        let ctx = Context::new(Settings {
            project_dir: p.clone(),
            ..Settings::default()
        });
        let f = load(&ctx);
        let missing = |name: &str| build_missing(&f, name);
        assert_eq!(missing("ok"), None);
        assert_eq!(
            missing("gone"),
            Some(BuildMissing::Context {
                shown: "gone".into()
            })
        );
        assert_eq!(
            missing("web"),
            Some(BuildMissing::Dockerfile {
                shown: "web/Dockerfile.prod".into(),
                candidates: vec!["web/Dockerfile".into(), "web/Dockerfile.dev".into()]
            })
        );
        for name in ["lower", "linked", "inline", "remote"] {
            assert_eq!(missing(name), None, "{name}");
        }
    }

    /// A dev container's compose file, used after the project's (`dockerComposeFile:
    /// ["../docker-compose.yml", "docker-compose.devcontainer.yml"]`), has its paths resolved
    /// against the workspace: fema-ffrd/stormlit's `context: .` with
    /// `dockerfile: .devcontainer/Dockerfile` is found there.
    #[test]
    fn a_dev_container_build_is_found_from_the_workspace() {
        use crate::core::Settings;
        let t = tempfile::tempdir().unwrap();
        let p = t.path().to_path_buf();
        std::fs::create_dir_all(p.join(".devcontainer")).unwrap();
        std::fs::write(p.join(".devcontainer/Dockerfile"), "FROM scratch\n").unwrap();
        std::fs::write(
            p.join(".devcontainer/docker-compose.devcontainer.yml"),
            "services:\n  app:\n    build:\n      context: .\n      dockerfile: .devcontainer/Dockerfile\n  gone:\n    build: ./nowhere\n",
        )
        .unwrap();
        let ctx = Context::new(Settings {
            project_dir: p.clone(),
            compose_files: vec![p.join(".devcontainer/docker-compose.devcontainer.yml")],
            ..Settings::default()
        });
        let f = load(&ctx);
        let missing = |name: &str| build_missing(&f, name);
        assert_eq!(missing("app"), None);
        assert!(matches!(
            missing("gone"),
            Some(BuildMissing::Context { .. })
        ));
    }

    /// An include that names the file itself through `..` (`app/compose.yaml` including
    /// `../app/compose.yaml`) is loaded once, not once per detour until the file limit.
    #[test]
    fn an_include_cycle_through_dotdot_is_loaded_once() {
        use crate::core::Settings;
        let t = tempfile::tempdir().unwrap();
        let app = t.path().join("app");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(
            app.join("compose.yaml"),
            "include:\n  - ../app/compose.yaml\n  - ./compose.yaml\nservices:\n  a:\n    image: a:1\n",
        )
        .unwrap();
        let ctx = Context::new(Settings {
            project_dir: app,
            ..Settings::default()
        });
        let f = load(&ctx);
        assert_eq!(f.files.len(), 1);
        assert_eq!(f.services.len(), 1);
    }

    #[test]
    fn include_extends_subfolders_and_dotenv() {
        use crate::core::Settings;
        let t = tempfile::tempdir().unwrap();
        let w = |rel: &str, text: &str| {
            let p = t.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w(
            "compose.yaml",
            "include:\n  - path: infra/db.yaml\nservices:\n  api:\n    extends:\n      file: common.yml\n      service: base\n    image: api:${API_TAG:-dev}\n",
        );
        w(
            "common.yml",
            "services:\n  base:\n    user: \"1000\"\n    read_only: true\n",
        );
        w(
            "infra/db.yaml",
            "services:\n  db:\n    image: postgres:${PG:-16}\n",
        );
        w("infra/.env", "PG=17\n");
        w(
            "tools/docker-compose.yml",
            "services:\n  lint:\n    image: x:${T:?set T}\n",
        );
        let ctx = Context::with_vars(
            Settings {
                project_dir: t.path().to_path_buf(),
                ..Settings::default()
            },
            vec![("API_TAG".into(), "2.0".into())],
        );
        let f = load(&ctx);
        let shown: Vec<(&str, &str)> = f
            .files
            .iter()
            .map(|f| (f.display.as_str(), f.role.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("compose.yaml", "compose.yaml"),
                ("infra/db.yaml", "include: of compose.yaml"),
                ("tools/docker-compose.yml", "tools/docker-compose.yml"),
            ]
        );
        let svc = |n: &str| f.services.iter().find(|s| s.name == n).unwrap();
        // The shell beats defaults; .env beside the included file beats its default.
        assert_eq!(svc("api").image.as_deref(), Some("api:2.0"));
        assert_eq!(svc("db").image.as_deref(), Some("postgres:17"));
        // extends: the base's settings, located in the file they came from.
        let api = svc("api");
        assert!(api.read_only);
        let user = api.user.as_ref().unwrap();
        assert_eq!(api.locate(user.line), ("common.yml", 3));
        // ${T:?…} unset: reported on its line, the raw text kept.
        let tools = &f.files[2];
        assert!(tools.problems.is_empty());
        assert_eq!(tools.required[0].line, 3);
        assert!(tools.required[0].reason.contains("`T` must be set"));
        assert_eq!(svc("lint").image.as_deref(), Some("x:${T:?set T}"));
    }
}
