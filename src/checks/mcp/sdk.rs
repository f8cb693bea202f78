//! `mcp.sdk`: the official MCP SDK that the project's environment has, or that a new one gets,
//! has the server API the code imports. SDK 2 renamed SDK 1's `FastMCP` (in
//! `mcp.server.fastmcp`) to `MCPServer` (in `mcp.server.mcpserver`), so a server written for
//! one stops at its first import on the other; an unbounded `mcp` requirement crosses that
//! line the next time the environment is made, with no change to the repository.

use crate::core::{CheckResult, Context, Early, Fix, Location, Outcome, Phase};
use crate::probes::env::{self as env_probe, envfile};
use crate::probes::mcp::requirement::{self, Form, Requirement};
use crate::probes::mcp::{self, McpProject};
use rattler_conda_types::{ParseStrictness, Version, VersionSpec};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::LazyLock;

pub(super) const EXPLAIN: &str = "
Looks at: the project's Python sources, for the official MCP SDK's server API as its major
version 1 has it (`FastMCP`, from `mcp.server.fastmcp` or `mcp.server`) or as 2 has it
(`MCPServer`, from `mcp.server.mcpserver` or `mcp.server`); then the `mcp` package: the
version in the project's environment (its conda record, or the `.dist-info` that pip left),
the version a lock pins (conda-lock or an explicit lock, else uv.lock or poetry.lock), and
the requirement that makes a new environment: the environment file (its dependencies, its
`pip:` block and the requirements file that includes), then pyproject.toml (PEP 621 or
Poetry), requirements.txt (and the file it includes with `-r`), then a Dockerfile's
`RUN pip install`. Requirements are read with conda's version rules; Poetry's `^` and `~`
as Poetry defines them.
Why: SDK 2 renamed FastMCP to MCPServer and removed `mcp.server.fastmcp`. A server written for
SDK 1 whose requirement is `mcp`, `mcp>=1.9` or `mcp[cli]` gets SDK 2 the next time its
environment or image is made, and stops with `ModuleNotFoundError: No module named
'mcp.server.fastmcp'`; nothing in the repository changed. The SDK's own migration guide asks
projects to keep `<2` until they have moved.
When: the code imports one of the two APIs. A file that imports both (a `try:` that falls back)
runs on either and passes; two files that import one each, with no fallback, warn: one of
them fails whichever SDK is installed. Code that imports neither skips.
Fails too where SDK 1's FastMCP is run with a host or port (`mcp.run(transport=…,
host=…)`, the standalone fastmcp package's form): SDK 1's `run()` takes only the transport,
so the server stops with a TypeError as it starts.
Fails when the environment has, the lock pins, or the requirement allows only, the other
major version (an environment that drifted from a requirement that fits is left to
env.packages); warns when the requirement lets a new environment get the other major.
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
    /// The other way out: moving the code to the other major.
    move_code: &'static str,
    /// What the code does with the API (`imports it`) and where a server stops without it
    /// (`at that import`).
    verb: &'static str,
    stop: &'static str,
}

/// What the project's code needs of the SDK.
pub(crate) enum Needs {
    One(Need),
    /// A file imports both APIs (a fallback): it runs on either.
    Either(String),
    /// Different files import one API each (first SDK 1's, then SDK 2's), with no fallback.
    Split(String, String),
}

impl Need {
    /// Where and how the code uses the API: "server.py:1 imports it".
    pub(crate) fn by(&self) -> String {
        format!("{} {}", self.at, self.verb)
    }
    /// Where a server without the API stops: "at that import".
    pub(crate) fn stop(&self) -> &'static str {
        self.stop
    }
    pub(crate) fn fits(&self, version: &str) -> bool {
        major(version).is_none_or(|m| (m >= 2) == (self.major >= 2))
    }
    fn other(&self) -> u64 {
        if self.major >= 2 {
            1
        } else {
            2
        }
    }
    /// A requirement fits when it admits no release of the other major: SDK 1 code wants
    /// nothing from 2 on, SDK 2 code wants nothing below 2. SDK 2 code with an open
    /// requirement (`mcp`) fits as well: a new environment gets the newest release.
    fn spec_fits(&self, spec: Option<&VersionSpec>) -> bool {
        let (mine, theirs) = (admits(spec, self.major), admits(spec, self.other()));
        mine && (!theirs || self.major >= 2)
    }
}

/// The major version number (`2.3.0` → 2).
fn major(version: &str) -> Option<u64> {
    version.split(['.', '+', '-']).next()?.trim().parse().ok()
}

/// The releases an SDK line plausibly has (minor 0 to 60, patch 0 to 9), parsed once, for
/// majors 1 and 2.
static RELEASES: LazyLock<[Vec<Version>; 2]> = LazyLock::new(|| {
    [1, 2].map(|major| {
        (0..=60)
            .flat_map(|minor| (0..=9).map(move |patch| format!("{major}.{minor}.{patch}")))
            .filter_map(|v| Version::from_str(&v).ok())
            .collect()
    })
});

/// Whether `spec` (none: any version) admits a release of SDK `major` (1 or 2).
fn admits(spec: Option<&VersionSpec>, major: u64) -> bool {
    let releases = &RELEASES[usize::from(major >= 2)];
    spec.is_none_or(|spec| releases.iter().any(|v| spec.matches(v)))
}

/// The requirement for `mcp` that makes a new environment, with its version spec.
struct Declared {
    req: Requirement,
    /// `None`: any version.
    spec: Option<VersionSpec>,
    /// In the environment file (conda's dependencies or its `pip:` block).
    in_env_file: bool,
}

impl Declared {
    /// As the messages show it: `mcp>=1.9` (environment.yml:8).
    fn shown(&self) -> String {
        let text = match self.req.form {
            Form::Poetry => format!("mcp = \"{}\"", self.req.text),
            _ => self.req.text.trim().to_string(),
        };
        if self.req.line > 0 {
            format!("`{text}` ({}:{})", self.req.file, self.req.line)
        } else {
            format!("`{text}` ({})", self.req.file)
        }
    }

    /// The requirement rewritten to keep the major the code needs: for SDK 1, the clauses
    /// that admit a 1.x release and set no upper bound, then `<2` (`mcp>=1.9,<3` →
    /// `mcp>=1.9,<2`); for SDK 2, `>=2`. The name, extras, channel and environment marker
    /// are kept.
    fn bounded(&self, need: &Need) -> String {
        let (body, marker) = match self.req.text.split_once(';') {
            Some((b, m)) if self.req.form == Form::Pip => (b.trim(), format!("; {}", m.trim())),
            _ => (self.req.text.trim(), String::new()),
        };
        let (head, version) = match self.req.form {
            Form::Poetry => (String::new(), body.to_string()),
            _ => split_name(body),
        };
        let bound = need.bound.trim_start_matches("mcp");
        let mut kept: Vec<String> = if need.major >= 2 {
            Vec::new()
        } else {
            version
                .split(',')
                .map(|c| c.trim().replace(' ', ""))
                .filter(|c| !c.is_empty() && !c.starts_with('<') && !c.starts_with('^'))
                .filter(|c| {
                    let spec = VersionSpec::from_str(c, ParseStrictness::Lenient).ok();
                    spec.is_some() && admits(spec.as_ref(), 1)
                })
                .collect()
        };
        kept.push(bound.to_string());
        let version = kept.join(",");
        match self.req.form {
            Form::Poetry => format!("mcp = \"{version}\""),
            _ => format!("{head}{version}{marker}"),
        }
    }
}

/// A requirement's name part (channel, name and extras: `conda-forge::mcp`, `mcp[cli]`) and
/// its version part.
fn split_name(text: &str) -> (String, String) {
    let (channel, rest) = match text.split_once("::") {
        Some((c, r)) => (format!("{c}::"), r),
        None => (String::new(), text),
    };
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(rest.len());
    let (name, after) = rest.split_at(name_end);
    let after = after.trim_start();
    let (extras, version) = match after.strip_prefix('[') {
        Some(r) => match r.split_once(']') {
            Some((e, v)) => (format!("[{e}]"), v.trim()),
            None => (String::new(), after),
        },
        None => (String::new(), after),
    };
    (format!("{channel}{name}{extras}"), version.to_string())
}

/// The version part of a pip requirement (`mcp[cli] >= 1.10 ; python_version>"3.9"` →
/// `>=1.10`) read with conda's rules; `Err` for a URL or what conda cannot read.
fn pip_spec(text: &str) -> Result<Option<VersionSpec>, ()> {
    let body = text.split(';').next().unwrap_or(text).trim();
    let (_, version) = split_name(body);
    let version: String = version.chars().filter(|c| !c.is_whitespace()).collect();
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

/// A Poetry constraint as conda reads versions: `^1.8` → `>=1.8,<2`, `~1.8` → `>=1.8,<1.9`,
/// `*` → any, a bare version → that version.
fn poetry_spec(text: &str) -> Result<Option<VersionSpec>, ()> {
    let t = text.trim();
    let upper = |v: &str, part: usize| -> Option<String> {
        let mut nums: Vec<u64> = v
            .split('.')
            .map(|n| n.parse().ok())
            .collect::<Option<_>>()?;
        nums.truncate(part + 1);
        if part == 0 || nums.iter().take(part).all(|n| *n == 0) {
            // `^0.3` → `<0.4`: the first non-zero part is bumped.
            let i = nums.iter().position(|n| *n != 0).unwrap_or(nums.len() - 1);
            nums.truncate(i + 1);
            nums[i] += 1;
        } else {
            nums.truncate(part);
            *nums.last_mut()? += 1;
        }
        Some(
            nums.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        )
    };
    let spec = if t.is_empty() || t == "*" {
        return Ok(None);
    } else if let Some(v) = t.strip_prefix('^') {
        format!(">={v},<{}", upper(v, 1).ok_or(())?)
    } else if let Some(v) = t.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let part = if v.split('.').count() > 1 { 2 } else { 1 };
        format!(">={v},<{}", upper(v, part).ok_or(())?)
    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
        format!("=={t}")
    } else {
        t.replace(' ', "")
    };
    VersionSpec::from_str(&spec, ParseStrictness::Lenient)
        .map(Some)
        .map_err(|_| ())
}

/// The first requirement for `mcp`: the environment file's dependencies, its `pip:` block
/// (a requirements file it includes named as the place), then pyproject.toml,
/// requirements.txt, and a Dockerfile's pip install.
fn declared(ctx: &Context) -> Option<Declared> {
    let pf = env_probe::project_file(ctx);
    if let Some(f) = pf.parsed() {
        let in_env = |line: usize, text: &str, form| Requirement {
            file: ctx.settings.display_path(&f.path),
            path: f.path.clone(),
            line,
            text: text.to_string(),
            form,
        };
        if let Some(dep) = f.dep("mcp") {
            if let Ok(spec) = &dep.spec {
                return Some(Declared {
                    req: in_env(dep.line, &dep.text, Form::Conda),
                    spec: spec.version.clone(),
                    in_env_file: true,
                });
            }
        }
        let pip = f.pip.iter().flat_map(|p| &p.entries);
        for e in pip {
            if envfile::requirement_name(&e.text).as_deref() == Some("mcp") {
                let req = requirement::in_env_include(ctx, &f.path, &f.text, e.line, "mcp")
                    .unwrap_or_else(|| in_env(e.line, &e.text, Form::Pip));
                return Some(Declared {
                    spec: pip_spec(&e.text).ok()?,
                    req,
                    in_env_file: true,
                });
            }
        }
    }
    let requirements = ctx.settings.project_dir.join("requirements.txt");
    let req = requirement::in_pyproject(ctx, "mcp")
        .or_else(|| requirement::in_requirements(ctx, &requirements, "mcp"))
        .or_else(|| requirement::in_dockerfiles(ctx, "mcp"))?;
    let spec = match req.form {
        Form::Poetry => poetry_spec(&req.text),
        _ => pip_spec(&req.text),
    }
    .ok()?;
    Some(Declared {
        req,
        spec,
        in_env_file: false,
    })
}

/// The version of `mcp` the first readable lock pins, and the lock as shown: a conda lock
/// next to the environment file, else uv.lock or poetry.lock.
fn locked(ctx: &Context) -> Option<(String, String)> {
    let locks = env_probe::locks(ctx);
    locks
        .files
        .iter()
        .find_map(|(path, lock)| {
            let pkg = lock
                .as_ref()
                .ok()?
                .packages
                .iter()
                .find(|p| p.name == "mcp")?;
            Some((ctx.settings.display_path(path), pkg.version.clone()))
        })
        .or_else(|| requirement::pinned_by_tool_lock(ctx, "mcp"))
}

/// What the code needs.
pub(crate) fn need(ctx: &Context) -> Result<Needs, Early> {
    let p = mcp::project(ctx);
    needs_of(&p)
}

fn needs_of(p: &McpProject) -> Result<Needs, Early> {
    match (&p.sdk1_import, &p.sdk2_import) {
        (Some(at), None) if p.sdk1_lowlevel => Ok(Needs::One(Need {
            major: 1,
            api: "SDK 1's low-level decorators (`@server.list_tools()`)",
            at: at.clone(),
            why: "SDK 2's `Server` takes its handlers as constructor arguments (`on_list_tools=`)",
            bound: "mcp<2",
            move_code: "or move the code to SDK 2 (the handlers given as `Server(…, on_list_tools=…, on_call_tool=…)`; the SDK's migration guide lists the other changes)",
            verb: "uses them",
            stop: "at the first of them",
        })),
        (Some(at), None) => Ok(Needs::One(Need {
            major: 1,
            api: "SDK 1's FastMCP",
            at: at.clone(),
            why: "SDK 2 renamed it MCPServer",
            bound: "mcp<2",
            move_code: "or move the code to SDK 2 (`from mcp.server.mcpserver import MCPServer` in place of FastMCP; the SDK's migration guide lists the other changes)",
            verb: "imports it",
            stop: "at that import",
        })),
        (None, Some(at)) => Ok(Needs::One(Need {
            major: 2,
            api: "SDK 2's MCPServer",
            at: at.clone(),
            why: "SDK 1 has FastMCP in its place",
            bound: "mcp>=2",
            move_code: "or go back to SDK 1's `from mcp.server.fastmcp import FastMCP`",
            verb: "imports it",
            stop: "at that import",
        })),
        (Some(one), Some(two)) => Ok(match &p.sdk_either {
            Some(file) => Needs::Either(file.clone()),
            None => Needs::Split(one.clone(), two.clone()),
        }),
        (None, None) => Err(Early::skip(
            "not applicable: the code uses no server API of the official MCP SDK (`mcp.server.fastmcp`, `MCPServer`, or the low-level `Server`'s decorators)",
        )),
    }
}

/// `mcp.sdk`.
pub(super) fn check(ctx: &Context) -> Outcome {
    let need = match need(ctx)? {
        Needs::One(need) => need,
        Needs::Either(file) => {
            return Ok(CheckResult::ok(format!(
                "the code runs on either MCP SDK: {file} imports SDK 1's FastMCP and SDK 2's MCPServer, one as the other's fallback"
            )))
        }
        Needs::Split(one, two) => {
            return Ok(CheckResult::warn(format!(
                "{one} imports SDK 1's `mcp.server.fastmcp` and {two} SDK 2's `MCPServer`, with no fallback: one of them fails whichever mcp is installed"
            ))
            .with_fix(
                Fix::new("Use one SDK's server API in the whole project.")
                    .manual("import the same API in both files, or import one with the other as its fallback (`try: from mcp.server import MCPServer` … `except ImportError: from mcp.server.fastmcp import FastMCP as MCPServer`)")
                    .phase(Phase::Configure),
            ))
        }
    };
    let declared = declared(ctx);
    let p = mcp::project(ctx);
    if let Some(at) = &p.sdk1_run_address {
        return Ok(run_address(&need, at, p.sdk1_run_http, declared.as_ref()));
    }
    let env = env_probe::project_env(ctx);
    let installed = env.installed_version("mcp");
    if let (Some((version, by)), Some(name)) = (&installed, &env.name) {
        if !need.fits(version) {
            return Ok(installed_result(
                ctx,
                &need,
                declared.as_ref(),
                name,
                version,
                by,
            ));
        }
    }
    if let Some((lock, version)) = locked(ctx) {
        return Ok(judge_lock(&need, declared.as_ref(), &lock, &version));
    }
    let Some(d) = declared else {
        return match &installed {
            Some((version, _)) => Ok(CheckResult::ok(format!(
                "mcp {version} in the environment has {} ({})",
                need.api,
                need.by()
            ))),
            None => Err(Early::skip(format!(
                "no environment file, lock, requirements file or Dockerfile names the `mcp` package that {} {}",
                need.at,
                // "imports", or "uses" for the low-level decorators (at the first one's line).
                need.verb.split(' ').next().unwrap_or("uses")
            ))),
        };
    };
    Ok(judge_requirement(
        &need,
        &d,
        installed.as_ref().map(|(v, _)| v.as_str()),
    ))
}

/// SDK 1's FastMCP run with a host or port (`mcp.run(transport="streamable-http",
/// host="0.0.0.0", port=8000)`, the standalone fastmcp package's form): SDK 1's `run()` takes
/// only the transport and a mount path, so the server stops with a TypeError as it starts,
/// whatever SDK 1 release is installed.
fn run_address(need: &Need, at: &str, http: bool, declared: Option<&Declared>) -> CheckResult {
    let mut fix = Fix::new("Give SDK 1's FastMCP its address where it takes one — its `run()` takes only the transport.")
        .manual(format!("at {at}: pass `host=` and `port=` to `FastMCP(…)` (or set `mcp.settings.host` and `mcp.settings.port`) and call `run(transport=…)` without them"))
        .phase(Phase::Configure);
    if http {
        // The standalone fastmcp's name: SDK 1's run() refuses it (`Unknown transport`).
        fix = fix.manual("and name the transport as SDK 1 does: `transport=\"streamable-http\"` where it says `\"http\"` (a `path=` goes to `mcp.settings.streamable_http_path`)");
    }
    if let Some(d) = declared.filter(|d| !need.spec_fits(d.spec.as_ref())) {
        fix = fix.manual(format!(
            "and, as SDK 2 has no FastMCP: {}",
            edit_step(d, need)
        ));
    }
    CheckResult::fail(format!(
        "{at} runs SDK 1's FastMCP with a host or port, which its `run()` does not take: the server stops with a TypeError as it starts"
    ))
    .with_fix(fix)
}

/// The verdict on the requirement that makes a new environment.
fn judge_requirement(need: &Need, d: &Declared, installed: Option<&str>) -> CheckResult {
    let req = d.shown();
    let now = installed.map_or(String::new(), |v| format!("; the environment has mcp {v}"));
    if need.spec_fits(d.spec.as_ref()) {
        let gets = if admits(d.spec.as_ref(), 1) && need.major >= 2 {
            "lets a new environment get mcp 2, which has"
        } else {
            "keeps"
        };
        return CheckResult::ok(format!("{req} {gets} {} ({}){now}", need.api, need.by()));
    }
    let fix = Fix::new(format!(
        "Bound the `mcp` requirement to the SDK the code is written for — {}.",
        need.why
    ))
    .manual(edit_step(d, need))
    .phase(Phase::Configure);
    let now = installed.map_or(String::new(), |v| {
        format!("; the environment has mcp {v} for now")
    });
    let r = if admits(d.spec.as_ref(), need.major) {
        CheckResult::warn(format!(
            "{req} lets a new environment get mcp {}, which lacks {} ({}; {}){now}",
            need.other(),
            need.api,
            need.by(),
            need.why
        ))
    } else {
        CheckResult::fail(format!(
            "{req} allows only mcp {}, which lacks {} ({}; {}): the server of a new environment stops {}{now}",
            need.other(),
            need.api,
            need.by(),
            need.why,
            need.stop
        ))
    };
    located(r.with_fix(fix), Some(d))
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
    let other = need.move_code;
    let written = match d.req.form {
        Form::Poetry => format!("mcp = \"{}\"", d.req.text),
        _ => d.req.text.trim().to_string(),
    };
    let at = if d.req.line > 0 {
        format!("In {} line {}", d.req.file, d.req.line)
    } else {
        format!("In {}", d.req.file)
    };
    format!(
        "{at}, write `{}` in place of `{written}`, {other}.",
        d.bounded(need)
    )
}

/// The environment has the other major version.
fn installed_result(
    ctx: &Context,
    need: &Need,
    declared: Option<&Declared>,
    name: &env_probe::EnvName,
    version: &str,
    by: &str,
) -> CheckResult {
    let summary = format!(
        "`{}` has mcp {version}, which lacks {} ({}; {}): the server stops {}",
        name.name,
        need.api,
        need.by(),
        need.why,
        need.stop
    );
    // The environment file asks for a version that fits: the environment drifted from it,
    // which env.packages reports with the update that brings it back.
    if let Some(d) = declared
        .filter(|d| d.in_env_file && d.req.form == Form::Conda && need.spec_fits(d.spec.as_ref()))
    {
        return located(
            CheckResult::fail(format!(
                "{summary}; {} asks for a version that has it, so the environment drifted (see env.packages)",
                d.shown()
            )),
            Some(d),
        );
    }
    let fix = installed_fix(ctx, need, declared, name, by);
    located(CheckResult::fail(summary).with_fix(fix), declared)
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
    let env_file = env_probe::project_file(ctx);
    if let (Some(_), "pip") = (declared.filter(|d| d.in_env_file), by) {
        let file = crate::checks::path_arg(ctx, &env_file.path);
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
        Some(d) if d.req.line > 0 => r.location(Location::new(
            PathBuf::from(&d.req.file),
            d.req.line,
            format!("`{}`", d.req.text.trim()),
        )),
        _ => r,
    }
}

/// A lock that pins `mcp`: it makes the environment, whatever the requirement says.
fn judge_lock(need: &Need, declared: Option<&Declared>, lock: &str, version: &str) -> CheckResult {
    if need.fits(version) {
        let r = CheckResult::ok(format!(
            "{lock} pins mcp {version}, which has {} ({})",
            need.api,
            need.by()
        ));
        return match declared.filter(|d| !need.spec_fits(d.spec.as_ref())) {
            Some(d) => r.detail(format!(
                "note: {} would let the lock, made again, take the other SDK; {}",
                d.shown(),
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
            "{lock} pins mcp {version}, which lacks {} ({}; {}): the server of an environment made from the lock stops {}",
            need.api,
            need.by(),
            need.why,
            need.stop
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
            move_code: "",
            verb: "imports it",
            stop: "at that import",
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
            "mcp>=2",
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
        assert!(!two.spec_fits(spec("mcp==1.26.0").as_ref()));
        assert!(pip_spec("mcp @ https://example.invalid/mcp.whl").is_err());
        assert!(one.fits("1.27.0") && !one.fits("2.3.0") && two.fits("2.0.0"));
        // Poetry's caret and tilde.
        let poetry = |t: &str| poetry_spec(t).unwrap();
        assert!(one.spec_fits(poetry("^1.8").as_ref()));
        assert!(!one.spec_fits(poetry(">=1.8").as_ref()));
        assert!(one.spec_fits(poetry("~1.8").as_ref()));
        assert!(one.spec_fits(poetry("1.26.0").as_ref()));
        assert!(!one.spec_fits(poetry("*").as_ref()));
    }

    #[test]
    fn the_bound_keeps_what_the_requirement_says() {
        let d = |text: &str, form| Declared {
            req: Requirement {
                file: "environment.yml".into(),
                path: PathBuf::from("environment.yml"),
                line: 3,
                text: text.into(),
                form,
            },
            spec: None,
            in_env_file: true,
        };
        let pip = |t: &str| d(t, Form::Pip).bounded(&need(1));
        assert_eq!(pip("mcp>=1.9"), "mcp>=1.9,<2");
        assert_eq!(pip("mcp"), "mcp<2");
        assert_eq!(pip("mcp[cli] >= 1.10"), "mcp[cli]>=1.10,<2");
        assert_eq!(pip("mcp>=2"), "mcp<2");
        assert_eq!(pip("mcp>=1.9,<3"), "mcp>=1.9,<2");
        assert_eq!(pip("mcp<=2.0"), "mcp<2");
        assert_eq!(
            pip("mcp[cli]>=1.9; python_version >= \"3.10\""),
            "mcp[cli]>=1.9,<2; python_version >= \"3.10\""
        );
        assert_eq!(d("mcp >=1.6", Form::Conda).bounded(&need(1)), "mcp>=1.6,<2");
        assert_eq!(
            d("conda-forge::mcp>=1.6", Form::Conda).bounded(&need(1)),
            "conda-forge::mcp>=1.6,<2"
        );
        assert_eq!(d("mcp[cli]<2", Form::Pip).bounded(&need(2)), "mcp[cli]>=2");
        assert_eq!(
            d(">=1.8", Form::Poetry).bounded(&need(1)),
            "mcp = \">=1.8,<2\""
        );
    }
}
