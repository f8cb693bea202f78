//! The generic probe kinds (command, tcp, env; file is in `files.rs`, http in `http.rs`) and
//! the `when` applicability test. Each returns Ok, Fail (the expectation does not hold; the
//! check maps it to its severity) or Unknown (could not tell).

use super::files;
use super::model::{CommandProbe, EnvProbe, TcpProbe, When};
use super::placeholders::Vars;
use crate::core::{CheckResult, Context};
use rattler_conda_types::Version;
use std::net::{TcpStream, ToSocketAddrs};
use std::str::FromStr;
use std::time::Duration;

/// The time one probe may take: its own `timeout`, within the run's --timeout. Subprocesses
/// get slightly less than the run's limit so the check can still report what happened.
pub(super) fn budget(ctx: &Context, own: Option<Duration>) -> Duration {
    let run = ctx.settings.timeout.mul_f64(0.9);
    own.map_or(run, |t| t.min(run))
}

fn clip_lines(text: &str, n: usize) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .map(|l| l.chars().take(200).collect())
        .collect()
}

/// `a or b`, or `a, b, c or …` for long lists (skip reasons stay one short line).
fn short_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        _ if items.len() <= 3 => {
            let (last, rest) = items.split_last().expect("not empty");
            format!("{} or {last}", rest.join(", "))
        }
        _ => format!("{}, … ({} patterns)", items[..3].join(", "), items.len()),
    }
}

/// Why the check does not apply here, or `None` when it does.
pub(super) fn not_applicable(ctx: &Context, vars: &Vars, when: &When) -> Option<String> {
    if !when.os.is_empty() {
        let os = std::env::consts::OS;
        let ok = when
            .os
            .iter()
            .any(|w| w == os || (w == "unix" && cfg!(unix)));
        if !ok {
            return Some(format!(
                "only applies on {} (this is {os})",
                when.os.join(", ")
            ));
        }
    }
    if let Some(var) = when.env.iter().find(|v| ctx.var(v).is_none()) {
        return Some(format!("only applies when {var} is set"));
    }
    for c in &when.commands {
        let program = vars.expand(c).unwrap_or_else(|| c.clone());
        if ctx.which(&program).is_none() {
            return Some(format!("`{program}` is not on PATH"));
        }
    }
    if let Some(want) = when.git {
        let inside = ctx
            .settings
            .project_dir
            .ancestors()
            .any(|d| d.join(".git").exists());
        if inside != want {
            return Some(if want {
                "the project is not in a git repository".into()
            } else {
                "the project is in a git repository".into()
            });
        }
        if let Some(why) = want.then(|| crate::probes::git::withheld(ctx)).flatten() {
            return Some(why);
        }
    }
    if !when.files.is_empty() {
        match files::resolve(ctx, vars, &when.files) {
            Ok(found) if found.is_empty() => {
                return Some(format!("no {} in the project", short_list(&when.files)));
            }
            Ok(_) => {}
            Err(e) => return Some(e),
        }
    }
    for pattern in &when.files_all {
        match files::resolve(ctx, vars, std::slice::from_ref(pattern)) {
            Ok(found) if found.is_empty() => return Some(format!("no {pattern} in the project")),
            Ok(_) => {}
            Err(e) => return Some(e),
        }
    }
    if let Some(want) = when.env_file {
        if crate::probes::env::sets_up_an_environment(ctx) != want {
            return Some(if want {
                format!(
                    "{}: its pip use is not a mamba project's setup",
                    crate::probes::env::no_environment(ctx)
                )
            } else {
                "the project sets up a conda environment".into()
            });
        }
    }
    None
}

/// The tool a command probe asks about: the program, or for `{mamba} run -n ENV tool …` the
/// tool run inside the environment.
fn subject(argv: &[String]) -> String {
    let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_string();
    if argv.get(1).is_some_and(|a| a == "run") {
        let mut i = 2;
        while let Some(a) = argv.get(i).filter(|a| a.starts_with('-')) {
            let takes_value = [
                "-n",
                "-p",
                "-r",
                "--name",
                "--prefix",
                "--root-prefix",
                "--cwd",
            ]
            .contains(&a.as_str());
            i += if takes_value { 2 } else { 1 };
        }
        if let Some(tool) = argv.get(i) {
            return base(tool);
        }
    }
    argv.first().map(|p| base(p)).unwrap_or_default()
}

pub(super) fn command(ctx: &Context, vars: &Vars, p: &CommandProbe) -> CheckResult {
    let argv: Option<Vec<String>> = p.argv.iter().map(|a| vars.expand(a)).collect();
    let Some(argv) = argv else {
        return CheckResult::unknown("cannot run the probe: the environment name is unknown")
            .detail("set it with --env NAME or `name:` in environment.yml");
    };
    let Some(program) = argv.first() else {
        return CheckResult::unknown("the probe has no command");
    };
    let shown = crate::fix::quote_argv(&argv);
    let mut in_base = false;
    let resolved = if program.contains('/') {
        Some(ctx.settings.project_path(std::path::Path::new(program))).filter(|p| p.exists())
    } else {
        ctx.which(program).or_else(|| {
            // The tools fixes install into the base environment, which PATH may not reach.
            let p = crate::probes::mamba::base_program(ctx, program);
            in_base = p.is_some();
            p
        })
    };
    let Some(resolved) = resolved else {
        if p.argv.first().is_some_and(|a| a == "{mamba}") {
            // Without a package manager the probe cannot run; mamba.installed reports why.
            return CheckResult::unknown(format!(
                "cannot run `{shown}`: no package manager is installed"
            ))
            .detail("`devdoctor explain mamba.installed` shows how to install micromamba");
        }
        return CheckResult::fail(format!("`{program}` is not installed (not found on PATH)"));
    };
    let r = run_command(ctx, p, &argv, &resolved);
    if in_base && r.status == crate::core::Status::Ok {
        let tc = crate::probes::mamba::toolchain(ctx);
        let run =
            crate::fix::quote_argv(&tc.commands().run_in("base", std::slice::from_ref(program)));
        return r.detail(format!(
            "found in the base environment ({}), not on PATH: run it as `{run}`",
            resolved.display()
        ));
    }
    r
}

/// Runs a resolved command probe and judges its exit code, output and version.
fn run_command(
    ctx: &Context,
    p: &CommandProbe,
    argv: &[String],
    resolved: &std::path::Path,
) -> CheckResult {
    let args = &argv[1..];
    let shown = crate::fix::quote_argv(argv);
    let cmd = crate::exec::Cmd::new(resolved)
        .args(args)
        .cwd(&ctx.settings.project_dir)
        .env_exact(ctx.vars())
        .timeout(budget(ctx, p.timeout));
    // `TOOL --version` is asked once per binary (cached), and `git check-ignore` once per
    // state of the ignore files; any other command runs every time.
    let git = resolved.file_name().is_some_and(|n| n == "git");
    if let Some(why) = git.then(|| crate::probes::git::withheld(ctx)).flatten() {
        return CheckResult::skip(why);
    }
    let asked = if args.len() == 1 && args[0] == "--version" {
        crate::probes::versions::run(ctx, &cmd)
    } else if git && args.first().is_some_and(|a| a == "check-ignore") {
        crate::probes::versions::run_keyed(ctx, &cmd, &crate::probes::git::ignore_files(ctx))
    } else {
        cmd.run()
    };
    let out = match asked {
        Ok(o) => o,
        Err(e) => return CheckResult::unknown(format!("could not run `{shown}`: {e:#}")),
    };
    if out.timed_out {
        return CheckResult::unknown(format!("`{shown}` {}", out.describe_end()))
            .detail("raise the limit with --timeout SECS if the tool is just slow");
    }
    let stdout = out.stdout_text();
    let stderr = out.stderr_text();
    if out.code != Some(p.exit) {
        return CheckResult::fail(format!(
            "`{shown}` {} (expected {})",
            out.describe_end(),
            p.exit
        ))
        .details(clip_lines(&stderr, 5))
        .data("exit_code", out.code);
    }
    for (re, text, name) in [
        (&p.stdout_regex, &stdout, "output"),
        (&p.stderr_regex, &stderr, "error output"),
    ] {
        if let Some(re) = re {
            if !re.is_match(text) {
                return CheckResult::fail(format!(
                    "the {name} of `{shown}` does not match /{}/",
                    re.as_str()
                ))
                .details(clip_lines(text, 5));
            }
        }
    }
    let Some(vre) = &p.version_regex else {
        return CheckResult::ok(format!("`{shown}` ran as expected"));
    };
    let both = format!("{stdout}\n{stderr}");
    let found = vre
        .captures(&both)
        .and_then(|c| c.get(1).or_else(|| c.get(0)))
        .map(|m| m.as_str().trim().to_string());
    let Some(found) = found else {
        return CheckResult::unknown(format!("no version found in the output of `{shown}`"))
            .detail(format!("version_regex /{}/ did not match", vre.as_str()))
            .details(clip_lines(&both, 3));
    };
    let tool = subject(argv);
    let Some((spec_text, spec)) = &p.version else {
        return CheckResult::ok(format!("{tool} {found}")).data("version", found);
    };
    let version = match Version::from_str(&found) {
        Ok(v) => v,
        Err(e) => {
            return CheckResult::unknown(format!("cannot compare version `{found}` of {tool}: {e}"))
                .data("version", found)
        }
    };
    if spec.matches(&version) {
        CheckResult::ok(format!("{tool} {found} (needs {spec_text})")).data("version", found)
    } else {
        CheckResult::fail(format!("{tool} {found} does not satisfy {spec_text}"))
            .data("version", found)
            .data("required", spec_text.clone())
    }
}

/// Whether `host` is loopback (only loopback is probed without --allow-remote).
/// The same policy as the HTTP helper's, so tcp and http probes agree.
pub(super) fn is_loopback(host: &str) -> bool {
    crate::probes::http::host_kind(host) != crate::probes::http::HostKind::Remote
}

pub(super) fn tcp(ctx: &Context, vars: &Vars, p: &TcpProbe) -> CheckResult {
    let host = vars.expand(&p.host).unwrap_or_else(|| p.host.clone());
    let target = format!("{host}:{}", p.port);
    if !ctx.settings.allow_remote && !is_loopback(&host) {
        return CheckResult::skip(format!("{target} is not loopback"))
            .detail("devdoctor only talks to loopback unless --allow-remote is given");
    }
    let h = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addrs: Vec<_> = match (h.as_str(), p.port).to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(e) => return CheckResult::unknown(format!("cannot resolve {host}: {e}")),
    };
    let timeout = budget(ctx, p.timeout).min(Duration::from_secs(5));
    let mut last_err = None;
    let mut open = false;
    for a in &addrs {
        match TcpStream::connect_timeout(a, timeout) {
            Ok(_) => {
                open = true;
                break;
            }
            Err(e) => last_err = Some(e),
        }
    }
    if !open {
        if let Some(e) = &last_err {
            if matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) {
                return CheckResult::unknown(format!(
                    "no answer from {target} within {:.1} s",
                    timeout.as_secs_f64()
                ));
            }
        }
    }
    match (p.open, open) {
        (true, true) => CheckResult::ok(format!("something listens on {target}")),
        (true, false) => CheckResult::fail(format!("nothing listens on {target}")),
        (false, false) => CheckResult::ok(format!("{target} is free")),
        (false, true) => CheckResult::fail(format!("{target} is already in use")),
    }
}

pub(super) fn env(ctx: &Context, p: &EnvProbe) -> CheckResult {
    let value = ctx.var_os(&p.var).map(|v| v.to_string_lossy().into_owned());
    let var = &p.var;
    match (p.set, &value) {
        (Some(true), None) => return CheckResult::fail(format!("{var} is not set")),
        (Some(false), Some(_)) => return CheckResult::fail(format!("{var} is set")),
        (Some(false), None) => return CheckResult::ok(format!("{var} is not set")),
        _ => {}
    }
    let Some(value) = value else {
        return CheckResult::fail(format!("{var} is not set"));
    };
    let Some(re) = &p.matches else {
        return CheckResult::ok(format!("{var} is set"));
    };
    let show = !p.redact && !crate::policy::secrets::is_secret_name(var);
    if re.is_match(&value) {
        CheckResult::ok(format!("{var} matches /{}/", re.as_str()))
    } else {
        let mut r = CheckResult::fail(format!("{var} does not match /{}/", re.as_str()));
        if show {
            r = r.detail(format!(
                "{var}={}",
                value.chars().take(200).collect::<String>()
            ));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_of_a_command() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(subject(&v(&["/usr/bin/trivy", "--version"])), "trivy");
        assert_eq!(
            subject(&v(&["micromamba", "run", "-n", "p", "ruff", "--version"])),
            "ruff"
        );
        assert_eq!(
            subject(&v(&[
                "conda",
                "run",
                "--no-capture-output",
                "-p",
                "/x",
                "python",
                "-V"
            ])),
            "python"
        );
        assert_eq!(subject(&v(&["mamba", "run"])), "mamba");
    }

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.3.4.5", "::1", "[::1]"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "0.0.0.0", "localhost.evil.com"] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
