//! Throw-away containers for `--run-containers`: argv only, `--rm --network none`, a unique
//! `--name`, a timeout, and `docker rm -f NAME` afterwards in every case (also on timeout or
//! panic), so no container outlives the check.

use super::cli::CliInfo;
use crate::core::Context;
use crate::exec::{Cmd, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// One container to run: `--entrypoint PROGRAM IMAGE ARGS…`.
#[derive(Debug, Clone)]
pub(crate) struct RunSpec<'a> {
    pub image: &'a str,
    pub program: &'a str,
    pub args: &'a [&'a str],
    pub read_only: bool,
    /// `--user`, as the compose service sets it.
    pub user: Option<&'a str>,
    pub timeout: Duration,
}

/// What one run produced.
#[derive(Debug, Clone)]
pub(crate) struct RunResult {
    /// The command as argv (for messages and JSON).
    pub argv: Vec<String>,
    pub name: String,
    /// `None` when the CLI could not be started (the error is in `error`).
    pub output: Option<Output>,
    pub error: Option<String>,
    /// The cleanup `rm -f` ran and the container is gone (removed, or already removed).
    pub cleaned: bool,
}

impl RunResult {
    pub(crate) fn display(&self) -> String {
        crate::fix::quote_argv(&self.argv)
    }

    /// Why the run gave no answer from `program`, or `None` when the program ran (whatever
    /// its exit code). docker exits 125 for its own errors, 126/127 when the program is
    /// missing from the image.
    pub(crate) fn problem(&self, program: &str) -> Option<String> {
        let Some(out) = &self.output else {
            return Some(format!(
                "could not start {}: {}",
                self.argv.first().map(String::as_str).unwrap_or("docker"),
                self.error.as_deref().unwrap_or("unknown error")
            ));
        };
        if out.timed_out {
            return Some(format!(
                "`{}` {}; raise --timeout for this image",
                self.display(),
                out.describe_end()
            ));
        }
        let err = out.stderr_text();
        let lower = err.to_ascii_lowercase();
        let missing = lower.contains("executable file not found")
            || lower.contains("no such file or directory");
        match out.code {
            Some(126 | 127) => Some(format!("the image has no usable `{program}` program")),
            Some(125) if missing => Some(format!("the image has no usable `{program}` program")),
            Some(125) => Some(format!(
                "docker could not run the container: {}",
                super::cli::first_line(&err)
            )),
            _ => None,
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A container name no other run uses: pid, time and a counter.
pub(crate) fn unique_name() -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "devdoctor-check-{}-{nanos:x}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The `docker run` argv for a spec (without the program path).
pub(crate) fn run_args(spec: &RunSpec<'_>, name: &str) -> Vec<String> {
    let mut a: Vec<String> = ["run", "--rm", "--network", "none", "--name", name]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if spec.read_only {
        a.push("--read-only".into());
    }
    if let Some(user) = spec.user {
        a.push("--user".into());
        a.push(user.into());
    }
    a.push("--entrypoint".into());
    a.push(spec.program.into());
    a.push(spec.image.into());
    a.extend(spec.args.iter().map(|s| s.to_string()));
    a
}

/// Removes the container when dropped, whatever happened before.
struct Cleanup<'a> {
    ctx: &'a Context,
    cli: &'a CliInfo,
    name: String,
    done: Option<bool>,
}

impl Cleanup<'_> {
    fn remove(&mut self) -> bool {
        if let Some(done) = self.done {
            return done;
        }
        let out = Cmd::new(&self.cli.path)
            .args(["rm", "-f", &self.name])
            .env_exact(self.ctx.vars())
            .timeout(Duration::from_secs(10))
            .cap(64 * 1024)
            .run();
        let done = match out {
            Ok(o) => {
                let err = o.stderr_text().to_ascii_lowercase();
                o.success() || err.contains("no such container")
            }
            Err(_) => false,
        };
        self.done = Some(done);
        done
    }
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Runs one throw-away container and always removes it afterwards.
pub(crate) fn run(ctx: &Context, cli: &CliInfo, spec: &RunSpec<'_>) -> RunResult {
    let name = unique_name();
    let args = run_args(spec, &name);
    let mut argv = vec![cli.name.clone()];
    argv.extend(args.iter().cloned());
    let mut cleanup = Cleanup {
        ctx,
        cli,
        name: name.clone(),
        done: None,
    };
    let out = Cmd::new(&cli.path)
        .args(&args)
        .env_exact(ctx.vars())
        .timeout(spec.timeout)
        .cap(256 * 1024)
        .run();
    let cleaned = cleanup.remove();
    match out {
        Ok(o) => RunResult {
            argv,
            name,
            output: Some(o),
            error: None,
            cleaned,
        },
        Err(e) => RunResult {
            argv,
            name,
            output: None,
            error: Some(format!("{e:#}")),
            cleaned,
        },
    }
}

/// The throw-away runs of the runtime verification, in order.
#[derive(Debug, Clone)]
pub(crate) struct Plan<'a> {
    pub image: &'a str,
    /// `--user`, as the compose service sets it.
    pub user: Option<&'a str>,
    /// Run every probe with `--read-only`, and try a write to `/`.
    pub read_only: bool,
    /// The directory to list (`None`: do not list).
    pub workdir: Option<&'a str>,
    /// All runs end by then; cleanup comes after.
    pub deadline: std::time::Instant,
}

/// One step of a plan.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Not part of the plan.
    NotPlanned,
    /// The time was used up before it could start.
    OutOfTime,
    Ran(RunResult),
}

/// What the runs produced: `id -u`, `ls -lan WORKDIR`, `touch /devdoctor-test`.
#[derive(Debug, Clone)]
pub(crate) struct Verification {
    pub id: Step,
    pub ls: Step,
    pub touch: Step,
}

impl Verification {
    pub(crate) fn runs(&self) -> impl Iterator<Item = &RunResult> {
        [&self.id, &self.ls, &self.touch]
            .into_iter()
            .filter_map(|s| match s {
                Step::Ran(r) => Some(r),
                _ => None,
            })
    }
}

/// Runs the plan's containers one after the other within its deadline.
pub(crate) fn verify(ctx: &Context, cli: &CliInfo, plan: &Plan<'_>) -> Verification {
    let step = |program: &str, args: &[&str]| {
        let left = plan
            .deadline
            .saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Step::OutOfTime;
        }
        Step::Ran(run(
            ctx,
            cli,
            &RunSpec {
                image: plan.image,
                program,
                args,
                read_only: plan.read_only,
                user: plan.user,
                timeout: left,
            },
        ))
    };
    let id = step("id", &["-u"]);
    let ls = match plan.workdir {
        Some(dir) => step("ls", &["-lan", dir]),
        None => Step::NotPlanned,
    };
    let touch = if plan.read_only {
        step("touch", &["/devdoctor-test"])
    } else {
        Step::NotPlanned
    };
    Verification { id, ls, touch }
}

/// One line of `ls -lan` output: the numeric owner and the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LsEntry {
    pub uid: String,
    pub name: String,
}

/// Parses `ls -lan DIR` (GNU or busybox): mode, links, uid, gid, size, month, day, time, name.
/// Lines that do not look like entries (`total 12`, errors) are ignored.
pub fn parse_ls(text: &str) -> Vec<LsEntry> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let mode = fields.first()?;
            if fields.len() < 9 || mode.len() < 10 || !"-dlcbps".contains(mode.get(..1)?) {
                return None;
            }
            let uid = fields.get(2)?;
            if !uid.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            // Device files show `major, minor` where others show the size.
            let first = if fields.get(4).is_some_and(|f| f.ends_with(',')) {
                9
            } else {
                8
            };
            let name = fields.get(first..)?.join(" ");
            if name.is_empty() {
                return None;
            }
            let name = match name.split_once(" -> ") {
                Some((n, _)) if mode.starts_with('l') => n.to_string(),
                _ => name,
            };
            Some(LsEntry {
                uid: uid.to_string(),
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_is_isolated_and_named() {
        let spec = RunSpec {
            image: "img:1",
            program: "touch",
            args: &["/devdoctor-test"],
            read_only: true,
            user: Some("1000:1000"),
            timeout: Duration::from_secs(1),
        };
        let a = run_args(&spec, "n1");
        assert_eq!(
            a,
            [
                "run",
                "--rm",
                "--network",
                "none",
                "--name",
                "n1",
                "--read-only",
                "--user",
                "1000:1000",
                "--entrypoint",
                "touch",
                "img:1",
                "/devdoctor-test"
            ]
        );
    }

    #[test]
    fn ls_lines() {
        let gnu = "total 8\ndrwxr-x--- 2 1000 1000 4096 Jan  2 10:00 .\ndrwxr-xr-x 1 0 0 4096 Jan  2 10:00 ..\n-rw-r--r-- 1 0 0 12 Jan  2 10:00 my file.py\nlrwxrwxrwx 1 1000 1000 3 Jan  2 10:00 ln -> x\ncrw-rw-rw- 1 0 0 1, 3 Jan  2 10:00 null\n";
        let e = parse_ls(gnu);
        let names: Vec<_> = e
            .iter()
            .map(|e| (e.uid.as_str(), e.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("1000", "."),
                ("0", ".."),
                ("0", "my file.py"),
                ("1000", "ln"),
                ("0", "null")
            ]
        );
        assert!(parse_ls("ls: /app: No such file or directory").is_empty());
        assert!(parse_ls("").is_empty());
    }

    #[test]
    fn names_are_unique() {
        assert_ne!(unique_name(), unique_name());
        assert!(unique_name().starts_with("devdoctor-check-"));
    }
}
