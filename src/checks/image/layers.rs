//! `image.pip`, `image.secrets`, `image.setuid` and `image.lock`: what the built image holds,
//! read from its layers without running it (see [`crate::probes::docker::layers`]).

use super::{build_fix, dockerfile, with_image, TargetImage};
use crate::core::{Builtin, Check, CheckResult, Context, Early, Fix, Outcome, Spec};
use crate::probes::docker::layers::{self, Contents, Record};
use crate::probes::docker::{self, ImageConfig};
use crate::probes::env::{self as envp, FileState};
use std::collections::BTreeMap;
use std::sync::Arc;

pub(super) const PIP_EXPLAIN: &str = "Reads the image's layers (GET /images/{name}/get, or \
`docker save` where only the CLI reaches the engine; streamed, whiteouts applied) and lists the Python distributions in its environments whose \
*.dist-info/INSTALLER says pip and that no conda-meta record of that environment owns, but \
the project's own distribution (its pyproject.toml, setup.cfg or setup.py name), which \
conda-forge cannot provide. The \
Dockerfile may be clean while a base image or an environment.yml `pip:` block put them there. \
Fails; warns when every one is declared in the environment file's `pip:` block (the last \
resort, but chosen). Fix: move them to conda-forge under `dependencies:` and rebuild. The \
result is cached per image id ($XDG_CACHE_HOME/devdoctor/images/), so a warm run reads nothing.";

pub(super) const SECRETS_EXPLAIN: &str = "Reads every layer of the image for files that must \
never be in one: .env files, SSH private keys, *.pem/*.key files holding a PRIVATE KEY (outside \
packages and system folders), .aws/credentials, .netrc, .git-credentials, .npmrc/.pypirc/\
.docker/config.json with tokens, and .git/ folders — also when a later layer deleted them, \
because the earlier layer still carries them to everyone who pulls the image. Reports paths \
and layers only, never contents. Fix: keep them out of the build context (.dockerignore), \
rebuild, and rotate any credential that was in an image that left this machine.";

pub(super) const SETUID_EXPLAIN: &str = "Lists the setuid/setgid files of the final image that \
the project's own layers added (the base image's layers, counted from the local base image, \
are its own business). A setuid program is a way from the app's user to root. Warns. Fix: \
remove them in the Dockerfile (`chmod u-s,g-s FILE`) or do not install them, then rebuild.";

pub(super) const LOCK_EXPLAIN: &str = "Compares the conda packages in the image's environment \
(conda-meta records: name and version) with the project's conda-lock file for the image's \
platform (linux-64, linux-aarch64): packages missing from the image, extra in it, or at another \
version. Fails: the image is not the environment you locked. Fix: install from the lock in \
the Dockerfile (`micromamba install -y -n base -f conda-lock.yml` or an explicit lock) and \
rebuild, or re-lock when environment.yml changed.";

/// The registry entries of the layer checks, one per check.
pub(super) const MCP_SDK_EXPLAIN: &str = "Reads the image's layers for the `mcp` package (its \
conda-meta record, else its .dist-info) and compares its major version with the server API \
the project's code imports: SDK 1's `mcp.server.fastmcp`, or SDK 2's `MCPServer` (see \
mcp.sdk). SDK 2 removed `mcp.server.fastmcp`, so an image built after SDK 2 was released from \
an unbounded `mcp` requirement holds a server that stops at its first import, although the \
build passed and nothing in the repository changed. Fails when the image has the other major \
version; skips when the code imports neither API or both (a fallback), or the image has no \
`mcp`. Fix: bound the requirement (mcp.sdk's step, `mcp>=1.9,<2`) and rebuild the image.";

pub(super) fn checks() -> Vec<Arc<dyn Check>> {
    vec![
        Arc::new(Builtin::new(Spec {
            id: "image.pip",
            title: "No pip-installed packages in the image",
            can_fix: true,
            applies: "When the project image exists locally and the engine socket answers; skips otherwise.",
            explain: PIP_EXPLAIN,
            run: check_pip,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.secrets",
            title: "No secret files in any image layer",
            can_fix: true,
            applies: "When the project image exists locally and the engine socket answers; skips otherwise.",
            explain: SECRETS_EXPLAIN,
            run: check_secrets,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.setuid",
            title: "No setuid files beyond the base image's",
            can_fix: true,
            applies: "When the project image exists locally and the engine socket answers; skips otherwise.",
            explain: SETUID_EXPLAIN,
            run: check_setuid,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.mcp_sdk",
            title: "The image's MCP SDK fits the server's code",
            can_fix: true,
            applies: "When the project's code imports one server API of the official MCP SDK and the project image exists locally; skips otherwise.",
            explain: MCP_SDK_EXPLAIN,
            run: check_mcp_sdk,
        })),
        Arc::new(Builtin::new(Spec {
            id: "image.lock",
            title: "The image is the locked environment",
            can_fix: true,
            applies: "When the project has a conda-lock file and its image exists locally; skips otherwise.",
            explain: LOCK_EXPLAIN,
            run: check_lock,
        })),
    ]
}

/// The image, its config and its contents; or the result that says why there are none.
fn with_contents(ctx: &Context) -> Result<(TargetImage, ImageConfig, Contents), Early> {
    let (target, cfg) = with_image(ctx)?;
    match layers::contents(ctx, &target.name, &cfg.id).as_ref() {
        Ok(c) => Ok((target, cfg, c.clone())),
        Err(e) => Err(Early::unknown(format!(
            "cannot read the layers of image {}: {e}",
            target.name
        ))),
    }
}

/// PEP 503 names: `Foo_Bar.baz` → `foo-bar-baz`.
fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

/// `opt/conda/lib/python3.12/site-packages` → `opt/conda`.
fn env_prefix(site_packages: &str) -> &str {
    site_packages
        .split_once("/lib/")
        .map_or(site_packages, |(p, _)| p)
}

fn rebuild(ctx: &Context, target: &TargetImage, why: &str) -> Fix {
    build_fix(ctx, target, why)
}

/// `image.pip`.
pub(super) fn check_pip(ctx: &Context) -> Outcome {
    let (target, _, c) = with_contents(ctx)?;
    let owned: Vec<(String, String)> = c
        .conda
        .iter()
        .map(|r| (r.prefix.clone(), normalized(&r.name)))
        .collect();
    // The project itself (`pip install --no-deps .` after micromamba made the environment) is
    // not a dependency bypassing conda-forge: conda-forge cannot provide it.
    let own = crate::probes::env::distribution_name(ctx).map(|n| normalized(&n));
    let (itself, pip): (Vec<&layers::Dist>, Vec<&layers::Dist>) = c
        .dists
        .iter()
        .filter(|d| d.installer == "pip")
        .filter(|d| {
            let key = (
                env_prefix(&d.site_packages).to_string(),
                normalized(&d.name),
            );
            !owned.contains(&key)
        })
        .partition(|d| own.as_deref() == Some(normalized(&d.name).as_str()));
    if pip.is_empty() {
        let r = CheckResult::ok(format!(
            "no pip-installed packages in the image ({} conda package{})",
            c.conda.len(),
            if c.conda.len() == 1 { "" } else { "s" }
        ));
        return Ok(match itself.first() {
            Some(d) => r.detail(format!(
                "{} {}, the project itself, is installed with pip: not a dependency",
                d.name, d.version
            )),
            None => r,
        });
    }
    let declared = declared_pip(ctx);
    let all_declared = pip.iter().all(|d| declared.contains(&normalized(&d.name)));
    let names: Vec<String> = pip
        .iter()
        .map(|d| format!("{} {}", d.name, d.version))
        .collect();
    let summary = format!(
        "{} package{} in image {} installed by pip: {}",
        pip.len(),
        if pip.len() == 1 { "" } else { "s" },
        target.name,
        names.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
    );
    let r = if all_declared {
        CheckResult::warn(summary).detail(
            "all of them are in the environment file's pip: block: look each up on conda-forge",
        )
    } else {
        CheckResult::fail(summary)
    };
    let mut sites: Vec<&str> = pip.iter().map(|d| d.site_packages.as_str()).collect();
    sites.dedup();
    Ok(r.detail(format!("in /{}", sites.join(", /")))
        .data("packages", names)
        .with_fix(
            rebuild(ctx, &target, "Install them from conda-forge instead — list them under dependencies: in environment.yml (pip: only for what conda-forge lacks), then rebuild.")
                .manual("look each up: micromamba search -c conda-forge NAME"),
        ))
}

/// The normalized names the environment file's `pip:` block installs.
fn declared_pip(ctx: &Context) -> Vec<String> {
    match &envp::project_file(ctx).state {
        FileState::Parsed(f) => f
            .pip
            .as_ref()
            .map(|p| p.names().into_iter().map(|(n, _)| n).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `image.secrets`.
pub(super) fn check_secrets(ctx: &Context) -> Outcome {
    let (target, _, c) = with_contents(ctx)?;
    if c.secrets.is_empty() {
        return Ok(CheckResult::ok(format!(
            "no secret files in the image's {} layer{}",
            c.layers,
            if c.layers == 1 { "" } else { "s" }
        )));
    }
    let lines: Vec<String> = c
        .secrets
        .iter()
        .map(|s| {
            format!(
                "/{}: {} (layer {}{})",
                s.path,
                s.what,
                s.layer + 1,
                if s.removed_later {
                    ", deleted by a later layer but still in this one"
                } else {
                    ""
                }
            )
        })
        .collect();
    Ok(CheckResult::fail(format!(
        "{} file{} that hold secrets in image {}; first: {}",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        target.name,
        lines[0]
    ))
    .details(lines.iter().skip(1).cloned())
    .data("files", c.secrets.iter().map(|s| s.path.clone()).collect::<Vec<_>>())
    .with_fix(
        rebuild(ctx, &target, "Keep secrets out of the build context — add them to .dockerignore (a file deleted in a later layer is still in the image), then rebuild.")
            .manual("rotate every credential that was in an image that left this machine (pushed, shared, cached in CI)"),
    ))
}

/// How many layers the final stage's base image has (0 for `scratch`); `Err` names the base
/// when that cannot be known.
fn base_layers(ctx: &Context, target: &TargetImage) -> Result<usize, String> {
    let path = dockerfile(ctx, target).ok_or("no Dockerfile builds it")?;
    let loaded = crate::probes::dockerfile::load_once(ctx, &path);
    let df = loaded.as_ref().as_ref().map_err(|u| u.reason.clone())?;
    let stage = df.final_stage().ok_or("the Dockerfile has no stage")?;
    let lineage = df.lineage(stage.index);
    let base = lineage.last().map(|s| s.base.clone()).unwrap_or_default();
    if base == "scratch" {
        return Ok(0);
    }
    docker::local_image(ctx, &crate::checks::dockerfile::with_tag(&base))
        .map(|b| b.layers)
        .ok_or(format!("the base image {base} is not available locally"))
}

/// `image.setuid`.
pub(super) fn check_setuid(ctx: &Context) -> Outcome {
    let (target, _, c) = with_contents(ctx)?;
    if c.setuid.is_empty() {
        return Ok(CheckResult::ok("no setuid or setgid files in the image"));
    }
    let base = match base_layers(ctx, &target) {
        Ok(n) => n,
        Err(why) => {
            return Err(Early::unknown(format!(
                "{} setuid/setgid files, and their origin cannot be told: {why}",
                c.setuid.len()
            )))
        }
    };
    let added: Vec<String> = c
        .setuid
        .iter()
        .filter(|s| s.layer >= base)
        .map(|s| format!("/{} ({:o}, layer {})", s.path, s.mode & 0o7777, s.layer + 1))
        .collect();
    if added.is_empty() {
        return Ok(CheckResult::ok(format!(
            "only the base image's own setuid/setgid files ({})",
            c.setuid.len()
        )));
    }
    Ok(CheckResult::warn(format!(
        "{} setuid/setgid file{} added on top of the base image: {}",
        added.len(),
        if added.len() == 1 { "" } else { "s" },
        added.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
    ))
    .details(added.iter().skip(3).cloned())
    .with_fix(
        rebuild(ctx, &target, "Drop the setuid/setgid bits the app does not need — each is a way from the app's user to root — then rebuild.")
            .manual("in the Dockerfile: RUN chmod u-s,g-s FILE… (or do not install the package that brings them)"),
    ))
}

/// The conda platform of a Docker architecture.
fn platform(arch: &str) -> &'static str {
    match arch {
        "arm64" | "aarch64" => "linux-aarch64",
        "ppc64le" => "linux-ppc64le",
        _ => "linux-64",
    }
}

/// `image.mcp_sdk`.
pub(super) fn check_mcp_sdk(ctx: &Context) -> Outcome {
    let need = match crate::checks::mcp::sdk_need(ctx)? {
        crate::checks::mcp::SdkNeeds::One(need) => need,
        crate::checks::mcp::SdkNeeds::Either(_) => {
            return Err(Early::skip(
                "the code imports both server APIs of the MCP SDK, one as the other's fallback: it runs on either",
            ))
        }
        crate::checks::mcp::SdkNeeds::Split(..) => {
            return Err(Early::skip(
                "the code's files import different server APIs of the MCP SDK (see mcp.sdk)",
            ))
        }
    };
    let (target, _, c) = with_contents(ctx)?;
    let found = c
        .conda
        .iter()
        .find(|r| r.name == "mcp")
        .map(|r| (r.version.clone(), format!("/{}", r.prefix)))
        .or_else(|| {
            let d = c.dists.iter().find(|d| normalized(&d.name) == "mcp")?;
            Some((
                d.version.clone(),
                format!("/{}", env_prefix(&d.site_packages)),
            ))
        });
    let Some((version, place)) = found else {
        return Err(Early::skip(format!(
            "image {} has no `mcp` package: the server {} imports does not run in it",
            target.name, need.at
        )));
    };
    if need.fits(&version) {
        return Ok(CheckResult::ok(format!(
            "image {} has mcp {version} in {place}, which has {} ({})",
            target.name,
            need.api,
            need.by()
        )));
    }
    let mut fix = rebuild(
        ctx,
        &target,
        &format!(
            "Rebuild the image with the SDK the code is written for — {}.",
            need.why
        ),
    );
    // The requirement first: a rebuild from it as it is gets the same SDK again, so the
    // build is a step for after the edit, not a command `fix` runs before it.
    if let Some(step) = crate::checks::mcp::sdk_bound_step(ctx, &need) {
        let build: Vec<String> = fix
            .commands
            .drain(..)
            .map(|argv| {
                format!(
                    "Then rebuild the image: `{}`",
                    crate::fix::quote_argv(&argv)
                )
            })
            .collect();
        fix.manual.splice(
            0..0,
            std::iter::once(format!("First (see mcp.sdk): {step}")).chain(build),
        );
    }
    Ok(CheckResult::fail(format!(
        "image {} has mcp {version} in {place}, which lacks {} ({}; {}): the server in it stops {}",
        target.name,
        need.api,
        need.by(),
        need.why,
        need.stop()
    ))
    .with_fix(fix))
}

/// `image.lock`.
pub(super) fn check_lock(ctx: &Context) -> Outcome {
    let locks = envp::locks(ctx);
    let Some((lock_path, loaded)) = locks.files.first() else {
        return Err(Early::skip(
            "the project has no conda-lock file (see env.lock)",
        ));
    };
    let (target, cfg, c) = with_contents(ctx)?;
    let lock = match loaded {
        Ok(l) => l,
        Err(e) => {
            return Err(Early::unknown(format!(
                "cannot read the lock: {}",
                e.reason
            )))
        }
    };
    let shown = ctx.settings.display_path(lock_path);
    let plat = platform(&cfg.architecture);
    let locked: BTreeMap<String, String> = lock
        .packages
        .iter()
        .filter(|p| p.manager == "conda" && (p.platform == plat || lock.explicit))
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    if locked.is_empty() {
        return Err(Early::skip(format!("{shown} locks nothing for {plat}")));
    }
    let Some((prefix, records)) = best_env(&c.conda, &locked) else {
        return Err(Early::skip(format!(
            "image {} has no conda environment",
            target.name
        )));
    };
    let diffs = lock_diffs(&locked, &records);
    if diffs.is_empty() {
        return Ok(CheckResult::ok(format!(
            "/{prefix} matches {shown} ({} packages, {plat})",
            locked.len()
        )));
    }
    Ok(CheckResult::fail(format!(
        "image {} is not the environment you locked: {} difference{} from {shown} in /{prefix}; first: {}",
        target.name,
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" },
        diffs[0]
    ))
    .details(diffs.iter().skip(1).take(20).cloned())
    .with_fix(
        rebuild(ctx, &target, "Build the image from the lock — install it in the Dockerfile (e.g. `micromamba install -y -n base -f conda-lock.yml`), or re-lock if environment.yml changed on purpose — then rebuild.")
            .manual(format!("if environment.yml changed on purpose, re-lock first (see env.lock), then rebuild from {shown}")),
    ))
}

/// The image environment whose records share the most names with the lock.
fn best_env(
    conda: &[Record],
    locked: &BTreeMap<String, String>,
) -> Option<(String, BTreeMap<String, String>)> {
    let mut envs: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for r in conda {
        envs.entry(r.prefix.as_str())
            .or_default()
            .insert(r.name.clone(), r.version.clone());
    }
    envs.into_iter()
        .max_by_key(|(_, recs)| recs.keys().filter(|k| locked.contains_key(*k)).count())
        .map(|(p, recs)| (p.to_string(), recs))
}

fn lock_diffs(locked: &BTreeMap<String, String>, image: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, version) in locked {
        match image.get(name) {
            None => out.push(format!("{name} {version} is locked but not in the image")),
            Some(v) if v != version => {
                out.push(format!("{name} is {v} in the image, {version} in the lock"))
            }
            Some(_) => {}
        }
    }
    for (name, v) in image {
        if !locked.contains_key(name) {
            out.push(format!("{name} {v} is in the image but not in the lock"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_differences_are_named_each_way() {
        let locked: BTreeMap<String, String> = [
            ("python", "3.12.4"),
            ("requests", "2.32.3"),
            ("idna", "3.7"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let rec = |p: &str, n: &str, v: &str| Record {
            prefix: p.into(),
            name: n.into(),
            version: v.into(),
            build: "0".into(),
        };
        let conda = [
            rec("opt/conda", "python", "3.12.4"),
            rec("opt/conda", "requests", "2.31.0"),
            rec("opt/conda", "curl", "8.9.1"),
            rec("opt/other", "zlib", "1.3"),
        ];
        let (prefix, recs) = best_env(&conda, &locked).unwrap();
        assert_eq!(prefix, "opt/conda");
        assert_eq!(
            lock_diffs(&locked, &recs),
            [
                "idna 3.7 is locked but not in the image",
                "requests is 2.31.0 in the image, 2.32.3 in the lock",
                "curl 8.9.1 is in the image but not in the lock",
            ]
        );
        assert_eq!(
            env_prefix("opt/conda/envs/app/lib/python3.12/site-packages"),
            "opt/conda/envs/app"
        );
        assert_eq!(normalized("Typing_Extensions"), "typing-extensions");
    }
}
