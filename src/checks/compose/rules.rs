//! The compose rules as pure functions over one parsed service. Messages name the service
//! and never contain environment values.

use crate::checks::dockerfile::{is_literal_value, is_secret_name, Of, Verdict};
use crate::core::Status;
use crate::policy::secrets::literal_default;
use crate::probes::compose::ComposeService;
use std::path::Path;

use crate::checks::{finding, Finding};

/// What the service's image is known to do, from its Dockerfile or the local engine.
pub(crate) trait Lookup {
    /// The built image's final user: `(is_root, description)`.
    fn built_user(&self, dockerfile: &Path, target: Option<&str>) -> Option<(bool, String)>;
    /// Whether the built image declares a HEALTHCHECK (and does not disable it).
    fn built_healthcheck(&self, dockerfile: &Path, target: Option<&str>) -> Option<bool>;
    /// `Config.User` and whether a healthcheck is set, for a local image.
    fn image(&self, image: &str) -> Option<(String, bool)>;
    /// The Dockerfile at `dockerfile` as the report shows it, when the dockerfile rule `id`
    /// reports a problem in it: a compose rule about the same thing then points there.
    fn flagged(&self, _dockerfile: &Path, _id: &str) -> Option<String> {
        None
    }
    /// The name of the final stage of the Dockerfile at `dockerfile` (the one the
    /// dockerfile rules judge), lower-cased; `None` when it has none or is not read.
    fn final_stage_name(&self, _dockerfile: &Path) -> Option<String> {
        None
    }
    /// What a healthcheck comes to in the image the Dockerfile at `dockerfile` builds: `test`
    /// as a HEALTHCHECK's arguments, or `None` for the Dockerfile's own HEALTHCHECK.
    fn healthcheck(&self, _dockerfile: &Path, _test: Option<&str>) -> Vec<Verdict> {
        Vec::new()
    }
}

/// A service that builds a Dockerfile whose rule `id` already reports `what`: one cause, one
/// finding; this one points to it (a skip, not a second problem).
fn points_to(s: &ComposeService, look: &dyn Lookup, id: &str, what: &str) -> Option<Finding> {
    let dockerfile = s.image_dockerfile()?;
    // A service that builds another stage (`build.target`) than the final one the rule
    // judges runs another image: what the rule found is not about it.
    if let Some(target) = &s.build_target {
        if look.final_stage_name(dockerfile) != Some(target.to_ascii_lowercase()) {
            return None;
        }
    }
    let shown = look.flagged(dockerfile, id)?;
    Some(finding(
        s.line,
        Status::Skip,
        format!(
            "service `{}` builds {shown}, which {what} (see {id})",
            s.name
        ),
    ))
}

pub(super) fn privileged(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    match &s.privileged {
        Some(p) if p.value => vec![finding(
            p.line,
            Status::Fail,
            format!(
                "service `{}` runs privileged: it has every capability and all host devices",
                s.name
            ),
        )],
        _ => Vec::new(),
    }
}

/// A host path that is a container-engine socket.
/// A bind source that exposes an engine socket: the socket itself, or a directory that holds
/// the default sockets (`/var/run:/var/run`, `/run:/run` hand the container the same access).
pub(crate) fn is_engine_socket(source: &str) -> bool {
    let s = source.trim_end_matches('/');
    matches!(s, "/var/run" | "/run")
        || ["docker.sock", "podman.sock", "containerd.sock", "crio.sock"]
            .iter()
            .any(|name| s.ends_with(name))
}

pub(super) fn docker_socket(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    s.volumes
        .iter()
        .filter(|m| m.source.as_deref().is_some_and(is_engine_socket))
        .map(|m| {
            finding(
                m.line,
                Status::Fail,
                format!(
                    "service `{}` mounts the container engine socket {}: that is root on the host",
                    s.name,
                    m.source.as_deref().unwrap_or_default()
                ),
            )
        })
        .collect()
}

pub(super) fn host_network(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    match &s.network_mode {
        Some(n) if n.value.trim() == "host" => vec![finding(
            n.line,
            Status::Fail,
            format!(
                "service `{}` uses `network_mode: host`: it shares the host's network stack",
                s.name
            ),
        )],
        _ => Vec::new(),
    }
}

pub(super) fn host_namespaces(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    s.namespaces
        .iter()
        .filter(|(_, v)| v.value.trim() == "host")
        .map(|(k, v)| {
            finding(
                v.line,
                Status::Fail,
                format!(
                    "service `{}` sets `{k}: host`: it shares that host namespace",
                    s.name
                ),
            )
        })
        .collect()
}

pub(super) fn user(s: &ComposeService, look: &dyn Lookup) -> Vec<Finding> {
    if let (Some(u), Some((value, unset))) = (&s.user, &s.user_blanked) {
        let name = value.split(':').next().unwrap_or("").trim();
        // Docker runs a blank user as root.
        if name.is_empty() || root_name(name) {
            return vec![finding(
                u.line,
                Status::Warn,
                unset_user(s, &u.value, unset),
            )];
        }
    }
    if let Some(u) = &s.user {
        let name = u.value.split(':').next().unwrap_or("").trim();
        return if root_name(name) {
            vec![finding(
                u.line,
                Status::Fail,
                format!(
                    "service `{}` sets `user: {}`: it runs as root",
                    s.name, u.value
                ),
            )]
        } else {
            let runs = match &s.user_blanked {
                Some((value, unset)) => {
                    format!("`{value}` (`{}` with {} unset)", u.value, unset.join(", "))
                }
                None => format!("`{}`", u.value),
            };
            vec![finding(
                u.line,
                Status::Ok,
                format!("service `{}` runs as {runs}", s.name),
            )]
        };
    }
    // Says what the Dockerfile does (`sets USER root`, `has no USER (base image …)`) rather
    // than "runs as root", which dockerfile.user may only be unable to rule out.
    let built = s
        .image_dockerfile()
        .and_then(|d| look.built_user(d, s.build_target.as_deref()));
    let what = built
        .as_ref()
        .map_or("runs as root", |(_, what)| what.as_str());
    if let Some(f) = points_to(s, look, "dockerfile.user", what) {
        return vec![f];
    }
    if let (Some((true, what)), Some(target)) = (&built, &s.build_target) {
        // The stage it builds is not the one dockerfile.user judges (the last): say it here.
        return vec![finding(
            s.line,
            Status::Warn,
            format!(
                "service `{}` has no `user:`, and the stage `{target}` it builds {what}",
                s.name
            ),
        )];
    }
    if let Some((root, what)) = built {
        if !root {
            let whose = match (&s.dockerfile, &s.image, &s.build_target) {
                (None, Some(image), _) => format!("the Dockerfile {image} is built from"),
                (_, _, Some(target)) => format!("the stage `{target}` it builds"),
                _ => "its Dockerfile".to_string(),
            };
            return vec![finding(
                s.line,
                Status::Ok,
                format!("service `{}` has no `user:`, but {whose} {what}", s.name),
            )];
        }
    }
    if let Some(f) = s
        .image
        .as_deref()
        .and_then(|i| image_runs_as_non_root(s, i, look))
    {
        return vec![f];
    }
    vec![finding(
        s.line,
        Status::Warn,
        format!(
            "service `{}` has no `user:` and its image is not known to run as non-root",
            s.name
        ),
    )]
}

/// A service with no `user:` that runs `image` by name: an Ok finding where that image is
/// known to run as non-root, or to drop root for its server itself.
fn image_runs_as_non_root(s: &ComposeService, image: &str, look: &dyn Lookup) -> Option<Finding> {
    let parsed = crate::probes::dockerfile::ImageRef::parse(image);
    if let Some(u) = crate::checks::dockerfile::known_non_root_base(&parsed) {
        return Some(finding(
            s.line,
            Status::Ok,
            format!(
                "service `{}` has no `user:`, but {image} runs as `{u}`",
                s.name
            ),
        ));
    }
    if let Some(server) = crate::checks::dockerfile::drops_root(&parsed) {
        return Some(finding(
            s.line,
            Status::Ok,
            format!(
                "service `{}` has no `user:`: {image}'s entrypoint starts as root only to run {server} as its own user (a `user:` would break its first start on a fresh volume)",
                s.name
            ),
        ));
    }
    if let Some((u, _)) = look.image(image) {
        let name = u.split(':').next().unwrap_or("");
        if !u.is_empty() && !root_name(name) && !name.is_empty() {
            return Some(finding(
                s.line,
                Status::Ok,
                format!(
                    "service `{}` has no `user:`, but the local image {image} runs as `{u}`",
                    s.name
                ),
            ));
        }
    }
    None
}

/// A user name or uid that is root (`root`, `0`, `00`); not a blank one.
fn root_name(name: &str) -> bool {
    name == "root" || (!name.is_empty() && name.chars().all(|c| c == '0'))
}

/// `user: "${UID}:${GID}"` where those variables are unset: bash keeps `UID` to itself
/// (not exported), and no shell sets `GID`, so compose puts in blanks and Docker takes a
/// blank user for root.
fn unset_user(s: &ComposeService, written: &str, unset: &[String]) -> String {
    let quoted = |f: &dyn Fn(&String) -> String| unset.iter().map(f).collect::<Vec<_>>();
    let names = quoted(&|n| format!("`{n}`")).join(", ");
    let dotenv = quoted(&|n| format!("`{n}=1000`")).join(", ");
    let written = crate::policy::text::printable(written);
    let defaults = unset.iter().fold(written.clone(), |t, n| {
        t.replace(&format!("${{{n}}}"), &format!("${{{n}:-1000}}"))
            .replace(&format!("${n}"), &format!("${{{n}:-1000}}"))
    });
    let why = if unset.iter().any(|n| n == "UID") {
        " (bash does not export `UID`)"
    } else {
        ""
    };
    format!(
        "service `{}` runs as root: `user: {written}` with {names} unset here{why}, which compose blanks; set {} in .env ({dotenv}) or write `{defaults}`",
        s.name,
        if unset.len() == 1 { "it" } else { "them" },
    )
}

pub(super) fn read_only(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    if s.read_only {
        return Vec::new();
    }
    // A database server writes its socket (and lock file) outside its data volume: a
    // read-only root stops its start unless that folder is writable.
    let server = s.image.as_deref().and_then(|image| {
        crate::checks::dockerfile::drops_root(&crate::probes::dockerfile::ImageRef::parse(image))
    });
    let writes = match server {
        Some("postgres") => "; postgres writes its socket in /var/run/postgresql, so give it `tmpfs: [/var/run/postgresql, /tmp]` with `read_only: true`",
        Some("mysqld") => "; mysqld writes its socket in /var/run/mysqld, so give it `tmpfs: [/var/run/mysqld, /tmp]` with `read_only: true`",
        _ => "",
    };
    vec![finding(
        s.read_only_line.unwrap_or(s.line),
        Status::Warn,
        format!(
            "service `{}` has a writable root filesystem (no `read_only: true`){writes}",
            s.name
        ),
    )]
}

/// Capabilities that break container isolation.
const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "NET_ADMIN",
    "DAC_READ_SEARCH",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "LINUX_IMMUTABLE",
    "SYSLOG",
];
/// Docker's default capability set (CIS 5.4).
const DEFAULT_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn cap_name(c: &str) -> String {
    let c = c.trim().to_ascii_uppercase();
    c.strip_prefix("CAP_").map(str::to_string).unwrap_or(c)
}

pub(super) fn cap_drop(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    let mut out = Vec::new();
    if !s.cap_drop.iter().any(|c| cap_name(&c.value) == "ALL") {
        // An image whose entrypoint starts as root to switch to its server's user (redis,
        // postgres) needs a few back, or `cap_drop: [ALL]` stops its start.
        let switches = s.image.as_deref().and_then(|image| {
            let parsed = crate::probes::dockerfile::ImageRef::parse(image);
            crate::checks::dockerfile::drops_root(&parsed)
        });
        let keep = match switches {
            Some(server) => format!("; its entrypoint switches to {server}'s user, so add back `cap_add: [CHOWN, SETUID, SETGID]` with it (and `DAC_OVERRIDE`, `FOWNER` where it fixes a volume's owner)"),
            None => String::new(),
        };
        out.push(finding(
            s.cap_drop.first().map_or(s.line, |c| c.line),
            Status::Warn,
            format!(
                "service `{}` keeps Docker's default capabilities (no `cap_drop: [ALL]`){keep}",
                s.name
            ),
        ));
    }
    for c in &s.cap_add {
        let name = cap_name(&c.value);
        if DANGEROUS_CAPS.contains(&name.as_str()) {
            out.push(finding(
                c.line,
                Status::Fail,
                format!(
                    "service `{}` adds {name}, which breaks container isolation",
                    s.name
                ),
            ));
        } else if !DEFAULT_CAPS.contains(&name.as_str()) {
            out.push(finding(
                c.line,
                Status::Warn,
                format!(
                    "service `{}` adds {name}, beyond Docker's default set",
                    s.name
                ),
            ));
        }
    }
    out
}

pub(super) fn no_new_privileges(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut nnp = false;
    for o in &s.security_opt {
        let v = o.value.trim().to_ascii_lowercase().replace('=', ":");
        if v == "no-new-privileges" || v == "no-new-privileges:true" {
            nnp = true;
        }
        if matches!(
            v.as_str(),
            "seccomp:unconfined"
                | "apparmor:unconfined"
                | "label:disable"
                | "systempaths:unconfined"
        ) {
            out.push(finding(
                o.line,
                Status::Fail,
                format!(
                    "service `{}` sets `{}`, which switches off a kernel confinement",
                    s.name, o.value
                ),
            ));
        }
    }
    if !nnp {
        out.push(finding(
            s.security_opt.first().map_or(s.line, |o| o.line),
            Status::Warn,
            format!(
                "service `{}` lacks `security_opt: [no-new-privileges:true]`",
                s.name
            ),
        ));
    }
    out
}

pub(super) fn limits(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    let mut missing = Vec::new();
    if s.memory_limit.is_none() {
        missing.push("memory");
    }
    if s.cpu_limit.is_none() {
        missing.push("cpu");
    }
    if s.pids_limit.is_none() {
        missing.push("pids");
    }
    if missing.is_empty() {
        return Vec::new();
    }
    vec![finding(
        s.line,
        Status::Warn,
        format!("service `{}` has no {} limit", s.name, missing.join(", ")),
    )]
}

pub(super) fn healthcheck(s: &ComposeService, look: &dyn Lookup) -> Vec<Finding> {
    // A job another service waits on to finish runs once and exits: nothing to keep healthy.
    if s.one_shot && s.healthcheck.is_none() {
        return vec![finding(
            s.line,
            Status::Ok,
            format!(
                "service `{}` is a one-shot job (another service waits on it to complete)",
                s.name
            ),
        )];
    }
    // A shell someone attaches to serves nothing: there is no health to watch.
    if s.interactive && s.ports.is_empty() && s.healthcheck.is_none() {
        return vec![finding(
            s.line,
            Status::Ok,
            format!("service `{}` is an interactive container (tty or stdin_open, no ports): it serves nothing to watch", s.name),
        )];
    }
    match &s.healthcheck {
        Some(h) if h.value.disabled => {
            return vec![finding(
                h.line,
                Status::Warn,
                format!("service `{}` disables its healthcheck", s.name),
            )]
        }
        Some(h) => {
            let lenient = h
                .value
                .test
                .as_deref()
                .and_then(crate::checks::dockerfile::lenient);
            return lenient
                .map(|l| {
                    let who = format!("service `{}`'s healthcheck", s.name);
                    finding(h.line, Status::Warn, l.message(&who))
                })
                .into_iter()
                .collect();
        }
        None => {}
    }
    let target = s.build_target.as_deref();
    if s.image_dockerfile()
        .and_then(|d| look.built_healthcheck(d, target))
        == Some(true)
    {
        return vec![finding(
            s.line,
            Status::Ok,
            format!(
                "service `{}` inherits the HEALTHCHECK of its Dockerfile",
                s.name
            ),
        )];
    }
    if let Some(f) = points_to(s, look, "dockerfile.healthcheck", "declares no HEALTHCHECK") {
        return vec![f];
    }
    let known = |i: &str| {
        crate::checks::dockerfile::known_healthcheck_base(
            &crate::probes::dockerfile::ImageRef::parse(i),
        )
    };
    if s.image
        .as_deref()
        .is_some_and(|i| known(i) || look.image(i).is_some_and(|(_, hc)| hc))
    {
        return vec![finding(
            s.line,
            Status::Ok,
            format!("service `{}` inherits its image's HEALTHCHECK", s.name),
        )];
    }
    vec![finding(
        s.line,
        Status::Warn,
        format!("service `{}` has no healthcheck", s.name),
    )]
}

/// The healthcheck test of a service, when it is not disabled, and its line.
fn active_test(s: &ComposeService) -> Option<(&str, usize)> {
    let h = s.healthcheck.as_ref().filter(|h| !h.value.disabled)?;
    Some((h.value.test.as_deref()?, h.line))
}

/// The healthcheck test of a service that builds its image, when it is not disabled.
fn built_test(s: &ComposeService) -> Option<(&str, usize, &Path)> {
    let (test, line) = active_test(s)?;
    Some((test, line, s.image_dockerfile()?))
}

/// Whether `compose.healthcheck_tool` has something to judge in `s`: a test, and the image
/// it runs in (built here, or named).
pub(super) fn has_test(s: &ComposeService) -> bool {
    active_test(s).is_some() && (s.image_dockerfile().is_some() || s.image.is_some())
}

/// A service that runs an image it does not build: its test judged from the image's name.
fn image_test(s: &ComposeService) -> Vec<Finding> {
    let (Some((test, line)), Some(image)) = (active_test(s), s.image.as_deref()) else {
        return Vec::new();
    };
    // A service that builds names its own image's tag there, not a base to judge.
    if s.builds {
        return Vec::new();
    }
    crate::checks::dockerfile::verdicts_for_image(image, test)
        .iter()
        .map(|v| finding(line, v.status(), v.message(Of::Service(&s.name))))
        .collect()
}

/// `compose.healthcheck_tool`: a service's healthcheck replaces the image's HEALTHCHECK and
/// runs in the image the service builds, so it is judged as `dockerfile.healthcheck_tool`
/// judges that one: its program must be there, and a route it asks of the project's MCP
/// server must be served. The route is not judged where the service's own `command:` may
/// start something else. What the Dockerfile's own HEALTHCHECK gets wrong alike is reported
/// there, and this points to it.
pub(super) fn healthcheck_tool(s: &ComposeService, look: &dyn Lookup) -> Vec<Finding> {
    const ID: &str = "dockerfile.healthcheck_tool";
    let Some((test, line, dockerfile)) = built_test(s) else {
        return image_test(s);
    };
    let verdicts: Vec<Verdict> = look
        .healthcheck(dockerfile, Some(test))
        .into_iter()
        .filter(|v| s.command_flags.is_none() || !matches!(v, Verdict::Unserved { .. }))
        .collect();
    let own = look.healthcheck(dockerfile, None);
    let reported = |v: &Verdict| own.contains(v) && look.flagged(dockerfile, ID).is_some();
    let mut out: Vec<Finding> = verdicts
        .iter()
        .filter(|v| v.status() == Status::Ok || !reported(v))
        .map(|v| finding(line, v.status(), v.message(Of::Service(&s.name))))
        .collect();
    let problem = out.iter().any(|f| f.status.is_problem());
    if !problem && verdicts.iter().any(|v| v.status().is_problem()) {
        let why = "has the same problem in its own HEALTHCHECK";
        out.extend(points_to(s, look, ID, why));
    }
    out
}

pub(super) fn env_file(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    s.env_files
        .iter()
        .filter(|e| e.required && e.exists == Some(false))
        .map(|e| {
            let copy = e
                .example
                .as_deref()
                .map(|x| format!(" (copy {x} and fill it in)"))
                .unwrap_or_default();
            finding(
                e.line,
                Status::Fail,
                format!(
                    "service `{}` reads env_file `{}`, which is not there: `docker compose up` stops{copy}",
                    s.name, e.path
                ),
            )
        })
        .collect()
}

pub(super) fn build(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    use crate::probes::compose::BuildMissing;
    let Some(missing) = &s.build_missing else {
        return Vec::new();
    };
    // With an `image:` too, compose can run what a registry holds; only a build stops.
    let (status, stops) = if s.image.is_some() {
        (Status::Warn, "`docker compose build` stops")
    } else {
        (Status::Fail, "`docker compose build` and `up` stop")
    };
    let what = match missing {
        BuildMissing::Context { shown } => {
            format!("builds from {shown}/, which is not there")
        }
        BuildMissing::Dockerfile { shown, candidates } if candidates.is_empty() => {
            format!("builds {shown}, which is not there")
        }
        BuildMissing::Dockerfile { shown, candidates } => format!(
            "builds {shown}, which is not there (the folder has {})",
            crate::policy::text::and_list(candidates)
        ),
    };
    vec![finding(
        s.build_line.unwrap_or(s.line),
        status,
        format!("service `{}` {what}: {stops}", s.name),
    )]
}

pub(super) fn ports(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    s.ports
        .iter()
        .filter_map(|p| {
            let (lo, _) = p.host?;
            (lo <= 1024).then(|| {
                // The same container port behind an unprivileged host port: 443 → 8443.
                let instead = p.container().map_or_else(
                    || "a port above 1024".to_string(),
                    |c| format!("a port above 1024, e.g. `127.0.0.1:{}:{c}`", 8000 + lo),
                );
                finding(
                    p.line,
                    Status::Warn,
                    format!(
                        "service `{}` publishes privileged host port {lo} (`{}`); use {instead}",
                        s.name, p.raw
                    ),
                )
            })
        })
        .collect()
}

/// A URL with a literal password in it (`postgresql://app:hunter2@db/app`), whatever the
/// variable is called; `${DB_PASSWORD}` there is a reference, not a password.
fn url_with_password(value: &str) -> bool {
    url::Url::parse(value.trim())
        .ok()
        .and_then(|u| u.password().map(str::to_string))
        .is_some_and(|p| !p.is_empty() && !p.starts_with('$') && !p.starts_with("%7B"))
}

pub(super) fn secrets(s: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    let vars = s.environment.iter().map(|v| ("environment", v));
    let args = s.build_args.iter().map(|v| ("build.args", v));
    let command = s.command_flags.iter().flatten().map(|v| ("command", v));
    vars.chain(args)
        .chain(command)
        .filter_map(|(section, v)| {
            let value = v.value.as_deref()?;
            let secret = is_secret_name(&v.name);
            let reference = value.trim_start().starts_with("${");
            let (status, what) = if secret && is_literal_value(value) && !reference {
                (Status::Fail, "a plaintext value")
            } else if url_with_password(value) {
                (Status::Fail, "a URL with a plaintext password")
            } else if secret && literal_default(value).is_some() {
                (Status::Warn, "a plaintext fallback value")
            } else {
                return None;
            };
            Some(finding(
                v.line,
                status,
                format!(
                    "service `{}` has {what} for {} in `{section}` (redacted)",
                    s.name, v.name
                ),
            ))
        })
        .collect()
}
