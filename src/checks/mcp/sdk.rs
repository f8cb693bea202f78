//! `mcp.sdk`: the official MCP SDK that the project's environment has, or that a new one gets,
//! has the server API the code imports. SDK 2 renamed SDK 1's `FastMCP` (in
//! `mcp.server.fastmcp`) to `MCPServer` (in `mcp.server.mcpserver`), so a server written for
//! one stops at its first import on the other; an unbounded `mcp` requirement crosses that
//! line the next time the environment is made, with no change to the repository.

use crate::core::{CheckResult, Context, Early, Fix, Location, Outcome, Phase};
use crate::probes::env::{self as env_probe, envfile};
use crate::probes::mcp;
use rattler_conda_types::{ParseStrictness, Version, VersionSpec};
use std::path::PathBuf;
use std::str::FromStr;

pub(super) const EXPLAIN: &str = "
Looks at: the project's Python sources, for the official MCP SDK's server API as its major
version 1 has it (`from mcp.server.fastmcp import FastMCP`) or as 2 has it (`MCPServer`, from
`mcp.server.mcpserver` or `mcp.server`); then the `mcp` package: the version in the project's
environment (its conda record, or the `.dist-info` that pip left), the version a lock pins,
and the requirement that makes a new environment (environment file, then pyproject.toml's
dependencies, then requirements.txt), read with conda's version rules.
Why: SDK 2 renamed FastMCP to MCPServer and removed `mcp.server.fastmcp`. A server written for
SDK 1 whose requirement is `mcp`, `mcp>=1.9` or `mcp[cli]` gets SDK 2 the next time its
environment or image is made, and stops with `ModuleNotFoundError: No module named
'mcp.server.fastmcp'`; nothing in the repository changed. The SDK's own migration guide asks
projects to keep `<2` until they have moved.
When: the code imports exactly one of the two APIs; code that imports both (a `try:` that
falls back) runs on either and passes; code that imports neither skips.
Fails when the environment has, or the lock pins, the other major version; warns when the
requirement lets a new environment get it.
Fix: bound the requirement (`mcp>=1.9,<2`; for SDK 2 code `mcp>=2`) and install that version
into the environment (micromamba install -n ENV -c conda-forge 'mcp<2'), or move the code to
the other API.";

/// The SDK major the code needs, and what it imports.
pub(crate) struct Need {
    major: u64,
    /// What it imports, as the messages name it.
    pub(crate) api: &'static str,
    /// Where ("server.py:1").
    pub(crate) at: String,
    /// Why the other major lacks it.
    pub(crate) why: &'static str,
    /// The MatchSpec that keeps the right major.
    bound: &'static str,
}

impl Need {
    pub(crate) fn fits(&self, version: &str) -> bool {
        major(version).is_none_or(|m| (m >= 2) == (self.major >= 2))
    }
    /// A requirement fits when every 1.x release it admits or every 2.x one is what the code
    /// needs: SDK 1 code wants no 2.x admitted, SDK 2 code wants some.
    fn spec_fits(&self, spec: Option<&VersionSpec>) -> bool {
        let admits_two = admits_two(spec);
        if self.major >= 2 {
            admits_two
        } else {
            !admits_two
        }
    }
}

/// The major version number (`2.3.0` → 2).
fn major(version: &str) -> Option<u64> {
    version.split(['.', '+', '-']).next()?.trim().parse().ok()
}

/// The releases an SDK 2 line plausibly has (minor 0 to 60, patch 0 to 9), parsed once.
static TWO: std::sync::LazyLock<Vec<Version>> = std::sync::LazyLock::new(|| {
    (0..=60)
        .flat_map(|minor| (0..=9).map(move |patch| format!("2.{minor}.{patch}")))
        .filter_map(|v| Version::from_str(&v).ok())
        .collect()
});

/// Whether `spec` (none: any version) admits a release of SDK 2.
fn admits_two(spec: Option<&VersionSpec>) -> bool {
    spec.is_none_or(|spec| TWO.iter().any(|v| spec.matches(v)))
}

/// The requirement for `mcp` that makes a new environment.
struct Declared {
    /// As shown ("environment.yml").
    file: String,
    path: PathBuf,
    line: usize,
    /// As written (`mcp>=1.9`, `mcp[cli]>=1.10`).
    text: String,
    /// `None`: any version.
    spec: Option<VersionSpec>,
    /// In the environment file (conda's dependencies or its `pip:` block).
    in_env_file: bool,
}

impl Declared {
    /// The requirement with `bound` added (`mcp>=1.9` → `mcp>=1.9,<2`); for SDK 2 the bound
    /// replaces it (`mcp>=2`).
    fn bounded(&self, need: &Need) -> String {
        let text = self.text.split(';').next().unwrap_or(&self.text).trim();
        let name_end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len());
        let (name, rest) = text.split_at(name_end);
        let (extras, version) = match rest.trim_start().strip_prefix('[') {
            Some(r) => match r.split_once(']') {
                Some((e, v)) => (format!("[{e}]"), v.trim()),
                None => (String::new(), rest.trim()),
            },
            None => (String::new(), rest.trim()),
        };
        let bound = need.bound.trim_start_matches("mcp");
        if need.major >= 2 || version.is_empty() {
            format!("{name}{extras}{bound}")
        } else {
            format!("{name}{extras}{},{bound}", version.replace(' ', ""))
        }
    }
}

/// The version part of a pip requirement (`mcp[cli] >= 1.10 ; python_version>"3.9"` →
/// `>=1.10`) read with conda's rules; `Err` for a URL or what conda cannot read.
fn pip_spec(text: &str) -> Result<Option<VersionSpec>, ()> {
    let text = text.split(';').next().unwrap_or(text).trim();
    let name_end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let mut rest = text[name_end..].trim_start();
    if let Some(r) = rest.strip_prefix('[') {
        rest = r.split_once(']').map_or("", |(_, v)| v).trim_start();
    }
    let version: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    if version.is_empty() {
        return Ok(None);
    }
    if version.starts_with('@') {
        return Err(());
    }
    VersionSpec::from_str(&version, ParseStrictness::Lenient)
        .map(Some)
        .map_err(|_| ())
}

/// The first requirement for `mcp`: the environment file's dependencies, its `pip:` block,
/// then pyproject.toml's `[project] dependencies`, then requirements.txt.
fn declared(ctx: &Context) -> Option<Declared> {
    let pf = env_probe::project_file(ctx);
    if let Some(f) = pf.parsed() {
        let file = ctx.settings.display_path(&f.path);
        if let Some(dep) = f.dep("mcp") {
            if let Ok(spec) = &dep.spec {
                return Some(Declared {
                    file,
                    path: f.path.clone(),
                    line: dep.line,
                    text: dep.text.clone(),
                    spec: spec.version.clone(),
                    in_env_file: true,
                });
            }
        }
        let pip = f.pip.iter().flat_map(|p| &p.entries);
        for e in pip {
            if envfile::requirement_name(&e.text).as_deref() == Some("mcp") {
                let spec = pip_spec(&e.text).ok()?;
                return Some(Declared {
                    file,
                    path: f.path.clone(),
                    line: e.line,
                    text: e.text.clone(),
                    spec,
                    in_env_file: true,
                });
            }
        }
    }
    ["pyproject.toml", "requirements.txt"]
        .iter()
        .find_map(|name| in_project_file(ctx, name))
}

/// `mcp`'s requirement in pyproject.toml's dependencies or in requirements.txt.
fn in_project_file(ctx: &Context, name: &str) -> Option<Declared> {
    let (line, req) = mcp::requirement_in(ctx, name, "mcp")?;
    let spec = pip_spec(&req).ok()?;
    Some(Declared {
        file: name.to_string(),
        path: ctx.settings.project_dir.join(name),
        line,
        text: req,
        spec,
        in_env_file: false,
    })
}

/// The version of `mcp` the first readable lock pins, and the lock as shown.
fn locked(ctx: &Context) -> Option<(String, String)> {
    let locks = env_probe::locks(ctx);
    locks.files.iter().find_map(|(path, lock)| {
        let pkg = lock
            .as_ref()
            .ok()?
            .packages
            .iter()
            .find(|p| p.name == "mcp")?;
        Some((ctx.settings.display_path(path), pkg.version.clone()))
    })
}

/// What the code needs; `Ok(None)` when it imports both APIs (a fallback runs on either).
pub(crate) fn need(ctx: &Context) -> Result<Option<Need>, Early> {
    let p = mcp::project(ctx);
    match (&p.sdk1_import, &p.sdk2_import) {
        (Some(at), None) => Ok(Some(Need {
            major: 1,
            api: "`mcp.server.fastmcp`",
            at: at.clone(),
            why: "SDK 2 renamed FastMCP to MCPServer",
            bound: "mcp<2",
        })),
        (None, Some(at)) => Ok(Some(Need {
            major: 2,
            api: "`MCPServer`",
            at: at.clone(),
            why: "it came with SDK 2, as FastMCP's successor",
            bound: "mcp>=2",
        })),
        (Some(_), Some(_)) => Ok(None),
        (None, None) => Err(Early::skip(
            "not applicable: the code imports no server API of the official MCP SDK (`mcp.server.fastmcp` or `MCPServer`)",
        )),
    }
}

/// `mcp.sdk`.
pub(super) fn check(ctx: &Context) -> Outcome {
    let Some(need) = need(ctx)? else {
        let p = mcp::project(ctx);
        return Ok(CheckResult::ok(format!(
            "the code runs on either MCP SDK: it imports SDK 1's `mcp.server.fastmcp` ({}) and SDK 2's `MCPServer` ({})",
            p.sdk1_import.as_deref().unwrap_or("?"),
            p.sdk2_import.as_deref().unwrap_or("?")
        )));
    };
    let declared = declared(ctx);
    let locked = locked(ctx);
    let env = env_probe::project_env(ctx);
    let installed = env.installed_version("mcp");
    let env_name = env.name.clone();
    if let (Some((version, by)), Some(name)) = (&installed, &env_name) {
        if !need.fits(version) {
            let summary = format!(
                "`{}` has mcp {version}, which lacks {} ({} imports it; {}): the server stops at that import",
                name.name, need.api, need.at, need.why
            );
            let fix = installed_fix(ctx, &need, declared.as_ref(), name, by);
            return Ok(located(
                CheckResult::fail(summary).with_fix(fix),
                declared.as_ref(),
            ));
        }
    }
    if let Some((lock, version)) = &locked {
        return Ok(judge_lock(&need, declared.as_ref(), lock, version));
    }
    let Some(d) = declared else {
        return match &installed {
            Some((version, _)) => Ok(CheckResult::ok(format!(
                "mcp {version} in the environment has {}, which {} imports",
                need.api, need.at
            ))),
            None => Err(Early::skip(format!(
                "no environment file, lock or requirements file names the `mcp` package that {} imports",
                need.at
            ))),
        };
    };
    let req = format!("`{}` ({}:{})", d.text.trim(), d.file, d.line);
    if need.spec_fits(d.spec.as_ref()) {
        let mut summary = format!("{req} keeps {}, which {} imports", need.api, need.at);
        if let Some((version, _)) = &installed {
            summary.push_str(&format!("; the environment has mcp {version}"));
        }
        return Ok(CheckResult::ok(summary));
    }
    let gets = if need.major >= 2 { "1" } else { "2" };
    let mut summary = format!(
        "{req} lets a new environment get mcp {gets}, which lacks {} ({} imports it; {})",
        need.api, need.at, need.why
    );
    if let Some((version, _)) = &installed {
        summary.push_str(&format!("; the environment has mcp {version} for now"));
    }
    let fix = Fix::new(format!(
        "Bound the `mcp` requirement to the SDK the code is written for — {}.",
        need.why
    ))
    .manual(edit_step(&d, &need))
    .phase(Phase::Configure);
    Ok(located(CheckResult::warn(summary).with_fix(fix), Some(&d)))
}

/// The step that bounds the requirement when it lets a new environment (or image) get the
/// other major version, as mcp.sdk reports it.
pub(crate) fn bound_step(ctx: &Context, need: &Need) -> Option<String> {
    declared(ctx)
        .filter(|d| !need.spec_fits(d.spec.as_ref()))
        .map(|d| edit_step(&d, need))
}

/// The step that bounds the requirement, with the other way out.
fn edit_step(d: &Declared, need: &Need) -> String {
    let other = if need.major >= 2 {
        "or go back to SDK 1's `from mcp.server.fastmcp import FastMCP`"
    } else {
        "or move the code to SDK 2 (`from mcp.server.mcpserver import MCPServer` in place of FastMCP; the SDK's migration guide lists the other changes)"
    };
    format!(
        "In {} line {}, write `{}` in place of `{}`, {other}.",
        d.file,
        d.line,
        d.bounded(need),
        d.text.trim()
    )
}

/// The fix for an environment that has the other major version.
fn installed_fix(
    ctx: &Context,
    need: &Need,
    declared: Option<&Declared>,
    name: &env_probe::EnvName,
    by: &str,
) -> Fix {
    let cmds = crate::probes::mamba::toolchain(ctx).commands();
    let fix = Fix::new(format!(
        "Install the SDK the code is written for — {}.",
        need.why
    ))
    .phase(Phase::UpdateEnv);
    let needs_edit = declared.filter(|d| !need.spec_fits(d.spec.as_ref()));
    // pip put the package there through the environment file's `pip:` block: the file,
    // bounded, is what brings it back in line.
    if let (Some(d), "pip") = (declared.filter(|d| d.in_env_file), by) {
        let file = crate::checks::path_arg(ctx, &d.path);
        let update = for_env(cmds.update_env(&name.name, &file), name);
        return match needs_edit {
            Some(d) => fix.manual(edit_step(d, need)).manual(format!(
                "Then bring the environment in line with the file: `{}`",
                crate::fix::quote_argv(&update)
            )),
            None => fix.cmd(update),
        };
    }
    let install = for_env(cmds.install(&name.name, &[need.bound]), name);
    let fix = fix.cmd(install);
    match needs_edit {
        Some(d) => fix.manual(format!(
            "So that the next environment gets it too: {}",
            edit_step(d, need)
        )),
        None => fix,
    }
}

/// `-n NAME` becomes `-p PREFIX` for an environment known only by its prefix.
fn for_env(argv: Vec<String>, env: &env_probe::EnvName) -> Vec<String> {
    if env.source == env_probe::NameSource::Prefix {
        return crate::fix::by_prefix(argv, &env.name);
    }
    argv
}

/// The result pointed at the requirement, where there is one.
fn located(r: CheckResult, d: Option<&Declared>) -> CheckResult {
    match d {
        Some(d) if d.line > 0 => r.location(Location::new(
            PathBuf::from(&d.file),
            d.line,
            format!("`{}`", d.text.trim()),
        )),
        _ => r,
    }
}

/// A lock that pins `mcp`: it makes the environment, whatever the requirement says.
fn judge_lock(need: &Need, declared: Option<&Declared>, lock: &str, version: &str) -> CheckResult {
    if need.fits(version) {
        let r = CheckResult::ok(format!(
            "{lock} pins mcp {version}, which has {} ({} imports it)",
            need.api, need.at
        ));
        return match declared.filter(|d| !need.spec_fits(d.spec.as_ref())) {
            Some(d) => r.detail(format!(
                "note: {}:{} (`{}`) would let the lock, made again, take the other SDK; {}",
                d.file,
                d.line,
                d.text.trim(),
                edit_step(d, need)
            )),
            None => r,
        };
    }
    let mut fix = Fix::new(format!(
        "Lock the SDK the code is written for — {}.",
        need.why
    ))
    .phase(Phase::Lock);
    if let Some(d) = declared.filter(|d| !need.spec_fits(d.spec.as_ref())) {
        fix = fix.manual(edit_step(d, need));
    }
    let fix = fix.manual(format!(
        "Then make {lock} again from the requirements (see env.lock)."
    ));
    located(
        CheckResult::fail(format!(
            "{lock} pins mcp {version}, which lacks {} ({} imports it; {}): an environment made from the lock stops at that import",
            need.api, need.at, need.why
        ))
        .with_fix(fix),
        declared,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Option<VersionSpec> {
        pip_spec(text).unwrap()
    }

    fn need(major: u64) -> Need {
        Need {
            major,
            api: "",
            at: String::new(),
            why: "",
            bound: if major >= 2 { "mcp>=2" } else { "mcp<2" },
        }
    }

    #[test]
    fn requirements_are_read_with_condas_version_rules() {
        let one = need(1);
        for open in [
            "mcp",
            "mcp>=1.9",
            "mcp[cli]>=1.10",
            "mcp >= 1.6 ; python_version >= '3.10'",
            "mcp!=1.5",
        ] {
            assert!(!one.spec_fits(spec(open).as_ref()), "{open}");
        }
        for closed in [
            "mcp>=1.9,<2",
            "mcp[cli]>=1.9.4,<2",
            "mcp==1.26.0",
            "mcp~=1.10",
            "mcp<2.0.0",
            "mcp==1.12.4",
        ] {
            assert!(one.spec_fits(spec(closed).as_ref()), "{closed}");
        }
        let two = need(2);
        assert!(two.spec_fits(spec("mcp").as_ref()));
        assert!(two.spec_fits(spec("mcp==2.1.1").as_ref()));
        assert!(!two.spec_fits(spec("mcp<2").as_ref()));
        assert!(pip_spec("mcp @ https://example.invalid/mcp.whl").is_err());
        assert!(one.fits("1.27.0") && !one.fits("2.3.0") && two.fits("2.0.0"));
    }

    #[test]
    fn the_bound_keeps_what_the_requirement_says() {
        let d = |text: &str| Declared {
            file: "environment.yml".into(),
            path: PathBuf::from("environment.yml"),
            line: 3,
            text: text.into(),
            spec: None,
            in_env_file: true,
        };
        assert_eq!(d("mcp>=1.9").bounded(&need(1)), "mcp>=1.9,<2");
        assert_eq!(d("mcp").bounded(&need(1)), "mcp<2");
        assert_eq!(d("mcp[cli] >= 1.10").bounded(&need(1)), "mcp[cli]>=1.10,<2");
        assert_eq!(d("mcp >=1.6").bounded(&need(1)), "mcp>=1.6,<2");
        assert_eq!(d("mcp[cli]<2").bounded(&need(2)), "mcp[cli]>=2");
    }
}
