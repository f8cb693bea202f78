//! The one fix planner: the fixes of the checks that warn or fail, ordered (install tools,
//! configure, create environments, update them, lock, runtime), each command once, each
//! classified as run / manual / refused, with the new files a step writes before its
//! commands. Every surface (the human report's next steps, `fix --dry-run`, `fix --script`,
//! `fix --yes`, the JSON report) renders this one plan.

use crate::core::Settings;
use crate::core::{Origin, Phase, Status};
use crate::fix::quote_argv;
use crate::policy::no_pip::{argv_calls_pip, text_calls_pip};
use crate::report::Report;
use colored::Colorize;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Programs `devdoctor fix` will run (matched on the file name of `argv[0]`).
pub const ALLOWED: &[&str] = &["micromamba", "mamba", "conda", "conda-lock"];

/// Programs `<tool> run …` may start inside an environment (by name, never by path).
const RUN_ALLOWED: &[&str] = &["conda-lock"];

/// Package managers and installers: `<tool> run` must not start one of them.
const PACKAGE_MANAGERS: &[&str] = &[
    "micromamba",
    "mamba",
    "conda",
    "pip",
    "pip3",
    "uv",
    "pixi",
    "poetry",
    "pipx",
    "npm",
    "apt",
    "apt-get",
    "brew",
    "easy_install",
];

/// Shells and program launchers: `<tool> run` must not start one of them.
const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "mksh", "fish", "csh", "tcsh", "xonsh", "nu", "env",
    "sudo", "doas", "busybox", "xargs", "nohup", "exec", "command", "eval",
];

/// How long one command may take (creating an environment can download gigabytes).
pub(crate) const COMMAND_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What may happen to a command of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Allowlisted: `devdoctor fix --yes` runs it.
    Run(Vec<String>),
    /// Before an environment is removed: run the export command and write what it prints
    /// (the environment's spec) to the file.
    Export(Vec<String>, PathBuf),
    /// Shown for a person to run (the program is not allowlisted).
    Manual(Vec<String>),
    /// Never run and never put in a script as a command; the reason says why.
    Refused(Vec<String>, String),
    /// Create the file (a path in the project) with this content; never over one that exists.
    Write(PathBuf, String),
}

impl Action {
    /// An export as the JSON plan shows it.
    fn export_doc(&self) -> Option<ExportDoc> {
        let Action::Export(argv, to) = self else {
            return None;
        };
        Some(ExportDoc {
            argv: argv.clone(),
            to: to.clone(),
        })
    }

    /// A refusal as the JSON plan shows it.
    fn refusal_doc(&self) -> Option<RefusalDoc> {
        let Action::Refused(argv, reason) = self else {
            return None;
        };
        Some(RefusalDoc {
            argv: argv.clone(),
            reason: reason.clone(),
        })
    }

    /// The command; none for a file to write.
    pub(crate) fn argv(&self) -> &[String] {
        match self {
            Action::Run(a) | Action::Export(a, _) | Action::Manual(a) | Action::Refused(a, _) => a,
            Action::Write(..) => &[],
        }
    }

    /// A file to write as the JSON plan shows it.
    fn write_doc(&self) -> Option<WriteDoc> {
        let Action::Write(path, content) = self else {
            return None;
        };
        Some(WriteDoc {
            path: path.clone(),
            content: content.clone(),
        })
    }
}

/// What the planner may allow, resolved from the flags and the project's trust.
#[derive(Debug, Clone)]
pub(crate) struct PlanOptions {
    /// `--allow-destructive`: commands that delete an environment may run.
    pub allow_destructive: bool,
    /// The project is trusted: fixes of its own packs and plugins may run.
    pub trusted: bool,
    /// Where environment specs are exported before an environment is replaced.
    pub state_dir: PathBuf,
    /// Part of the export file names (a UTC timestamp).
    pub stamp: String,
    /// When set, each command's program is looked up now and refused when it resolves inside
    /// this folder, exactly as `fix --yes` would refuse it.
    pub project_dir: Option<PathBuf>,
}

impl Default for PlanOptions {
    fn default() -> PlanOptions {
        PlanOptions {
            allow_destructive: false,
            trusted: true,
            state_dir: state_dir(),
            stamp: stamp(std::time::SystemTime::now()),
            project_dir: None,
        }
    }
}

impl PlanOptions {
    pub(crate) fn new(settings: &Settings, allow_destructive: bool) -> PlanOptions {
        PlanOptions {
            allow_destructive,
            trusted: settings.trusted,
            project_dir: Some(settings.project_dir.clone()),
            ..PlanOptions::default()
        }
    }
}

/// devdoctor's state directory: `$XDG_STATE_HOME/devdoctor`, else `~/.local/state/devdoctor`.
pub(crate) fn state_dir() -> PathBuf {
    let xdg = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    match xdg {
        Some(p) => p.join("devdoctor"),
        None => std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp"))
            .join(".local/state/devdoctor"),
    }
}

fn stamp(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t)
        .to_string()
        .replace([':', '-'], "")
}

/// One check's fix in the plan.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub check_id: String,
    pub status: Status,
    pub summary: String,
    pub phase: Phase,
    pub why: String,
    pub actions: Vec<Action>,
    pub manual: Vec<String>,
    /// Manual steps that must be done before this step's commands (they start with
    /// "first"): `fix --yes` stops at this step instead of running its commands.
    pub preconditions: Vec<String>,
    /// Commands dropped because an earlier step already runs them.
    pub duplicates: usize,
    /// Commands dropped because an earlier step re-creates their environment.
    pub moot: usize,
    /// Other checks whose whole fix this step already is (the same commands and manual
    /// steps): one cause, one step.
    pub also: Vec<String>,
    /// Problems without a fix of their own that point at this step's check ("see ID"): its
    /// fix ends their cause. The report already folds them into that check's line.
    pub pointed: Vec<String>,
    /// Programs the step puts on PATH besides its commands ([`Fix::provides`]).
    pub provides: Vec<String>,
}

impl Step {
    /// The check this step fixes, then the others it fixes too: `env.file, env.exists`.
    pub(crate) fn checks(&self) -> String {
        std::iter::once(&self.check_id)
            .chain(&self.also)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(crate) fn runnable(&self) -> impl Iterator<Item = &Vec<String>> {
        self.actions.iter().filter_map(|a| match a {
            Action::Run(argv) => Some(argv),
            _ => None,
        })
    }

    /// Every other check this step fixes: those with the same fix, then those pointing here.
    fn fixes_too(&self) -> String {
        self.also
            .iter()
            .chain(&self.pointed)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// One more check this step fixes; the step's mark is the worst of what it fixes.
    fn absorb(&mut self, e: &crate::report::Entry) {
        self.also.push(e.meta.id.clone());
        self.status = self.status.max(e.result.status);
    }

    /// What `fix --yes` does in this step: its commands and the files it writes.
    fn acts(&self) -> usize {
        self.runnable().count()
            + self
                .actions
                .iter()
                .filter(|a| matches!(a, Action::Write(..)))
                .count()
    }

    /// `fix --yes` stops here: a person must act first.
    pub(crate) fn blocked(&self) -> bool {
        !self.preconditions.is_empty() && self.acts() > 0
    }
}

/// The ordered, de-duplicated repair plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plan {
    pub steps: Vec<Step>,
    /// Problems without a fix: (id, status, summary).
    pub unfixable: Vec<(String, Status, String)>,
    /// Checks whose whole fix an earlier step makes moot.
    pub moot: Vec<String>,
    /// No package manager was found: a script installs micromamba first.
    pub bootstrap: bool,
}

impl Plan {
    /// The commands `fix --yes` runs and the files it writes.
    pub(crate) fn command_count(&self) -> usize {
        self.steps.iter().map(Step::acts).sum()
    }
}

fn basename(program: &str) -> &str {
    Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
}

/// Options of micromamba/mamba/conda (and conda-lock) that take a value.
const VALUE_OPTS: &[&str] = &[
    "-n",
    "--name",
    "-p",
    "--prefix",
    "-f",
    "--file",
    "-c",
    "--channel",
    "-r",
    "--root-prefix",
    "--cwd",
    "-e",
    "--env",
    "--label",
    "-a",
    "--attach",
    "--shell",
    "-s",
    "--platform",
    "--md",
    "--kind",
    "--lockfile",
    "--rc-file",
];

/// Flags `<tool> run` accepts without a value.
const RUN_FLAGS: &[&str] = &[
    "--clean-env",
    "-d",
    "--detach",
    "--no-capture-output",
    "--live-stream",
    "--dev",
    "-v",
    "-vv",
    "-vvv",
    "-q",
    "--quiet",
    "-y",
    "--yes",
    "--json",
];

/// A package-manager command split into its words: options with values, and the rest.
#[derive(Debug, Default)]
struct Parsed<'a> {
    words: Vec<&'a str>,
    opts: Vec<(&'a str, &'a str)>,
    flags: Vec<&'a str>,
}

impl<'a> Parsed<'a> {
    fn opt(&self, names: &[&str]) -> Option<&'a str> {
        self.opts
            .iter()
            .find(|(k, _)| names.contains(k))
            .map(|(_, v)| *v)
    }
}

/// Parses `args` (argv without the program) with the package manager's real options;
/// `Err` says why a value is refused. `run` stops at its program.
fn parse_pm(args: &[String]) -> Result<(Parsed<'_>, Option<&[String]>), String> {
    let mut p = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let in_run = p.words.first() == Some(&"run");
        if a == "--" {
            return Ok((p, in_run.then(|| &args[i + 1..])));
        }
        if let Some((k, v)) = a.split_once('=').filter(|(k, _)| k.starts_with("--")) {
            check_value(k, v)?;
            p.opts.push((k, v));
        } else if VALUE_OPTS.contains(&a) {
            let v = args
                .get(i + 1)
                .ok_or_else(|| format!("`{a}` has no value"))?;
            check_value(a, v)?;
            p.opts.push((a, v));
            i += 1;
        } else if a.starts_with('-') {
            if in_run && !RUN_FLAGS.contains(&a) {
                return Err(format!("`run` option `{a}` is not one devdoctor knows"));
            }
            p.flags.push(a);
        } else if in_run {
            return Ok((p, Some(&args[i..])));
        } else {
            p.words.push(a);
        }
        i += 1;
    }
    Ok((p, None))
}

/// A value for a refusal reason: shell-quoted, control characters shown as `?`, so it
/// cannot break or repaint the line it is printed on.
fn shown(v: &str) -> String {
    crate::fix::quote(v)
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn check_value(opt: &str, v: &str) -> Result<(), String> {
    if v.starts_with('-') {
        return Err(format!(
            "the value of `{opt}` starts with `-`: {}",
            shown(v)
        ));
    }
    if matches!(opt, "-n" | "--name") && !crate::policy::names::valid_env_name(v) {
        return Err(format!(
            "{} is not a valid environment name (conda forbids empty names, `/`, spaces, `:` and `#`)",
            shown(v)
        ));
    }
    // Paths may be odd (they are passed as one argument); other values may not.
    let path = matches!(
        opt,
        "-f" | "--file"
            | "-p"
            | "--prefix"
            | "--cwd"
            | "-r"
            | "--root-prefix"
            | "--lockfile"
            | "--rc-file"
    );
    if !path && v.chars().any(char::is_control) {
        return Err(format!("the value of `{opt}` contains a control character"));
    }
    Ok(())
}

/// Where `program` resolves, when that is inside `project_dir` (a file shipped in a
/// repository must never be run by `fix`, whatever its name). `None`: outside, or not found.
pub(crate) fn inside_project(program: &str, project_dir: &Path) -> Option<PathBuf> {
    let found = if program.contains('/') {
        PathBuf::from(program)
    } else {
        which::which(program).ok()?
    };
    let real = found.canonicalize().ok()?;
    let project = project_dir
        .canonicalize()
        .unwrap_or_else(|_| project_dir.to_path_buf());
    real.starts_with(&project).then_some(real)
}

/// What `<tool> run … PROGRAM` may start.
fn classify_run(argv: &[String], program: Option<&[String]>) -> Action {
    let Some(program) = program.and_then(|p| p.first()) else {
        return Action::Refused(argv.to_vec(), "`run` without a program".into());
    };
    let name = basename(program);
    if program.contains('/') {
        return Action::Refused(
            argv.to_vec(),
            "`run` of a program by path (it may be a file of the project)".into(),
        );
    }
    if PACKAGE_MANAGERS.contains(&name) || argv_calls_pip(&[name]) {
        return Action::Refused(
            argv.to_vec(),
            format!("`run` starts another package manager ({name})"),
        );
    }
    if SHELLS.contains(&name) || name.starts_with("python") {
        return Action::Refused(
            argv.to_vec(),
            format!("`run` starts a shell or interpreter ({name})"),
        );
    }
    if RUN_ALLOWED.contains(&name) {
        Action::Run(argv.to_vec())
    } else {
        Action::Manual(argv.to_vec())
    }
}

/// The environment a command deletes, when it deletes one: `env remove`, `remove --all`.
fn removes_env<'a>(p: &Parsed<'a>) -> Option<Result<&'a str, String>> {
    let w = &p.words;
    let removes = (w.first() == Some(&"env") && w.get(1) == Some(&"remove"))
        || (matches!(w.first(), Some(&"remove" | &"uninstall")) && p.flags.contains(&"--all"));
    if !removes {
        return None;
    }
    Some(
        match (p.opt(&["-n", "--name"]), p.opt(&["-p", "--prefix"])) {
            (_, Some(_)) => {
                Err("removes an environment by path (the root prefix is never removed)".into())
            }
            (Some("base"), _) => Err("removes the base environment (never done)".into()),
            (Some(name), None) => Ok(name),
            (None, None) => Err("removes the active environment".into()),
        },
    )
}

/// Whether `argv` may be run by `devdoctor fix`.
pub(crate) fn classify(argv: &[String], opts: &PlanOptions) -> Action {
    if argv_calls_pip(argv) {
        return Action::Refused(argv.to_vec(), "calls pip".into());
    }
    let program = argv.first().map(String::as_str).unwrap_or("");
    // A relative path (`./micromamba`, `tools/conda`) would run a file from the repository.
    let relative_path = program.contains('/') && !program.starts_with('/');
    if !ALLOWED.contains(&basename(program)) || relative_path {
        return Action::Manual(argv.to_vec());
    }
    let (parsed, run_program) = match parse_pm(&argv[1..]) {
        Ok(p) => p,
        Err(reason) => return Action::Refused(argv.to_vec(), reason),
    };
    if parsed.words.first() == Some(&"run") {
        return classify_run(argv, run_program);
    }
    match removes_env(&parsed) {
        Some(Err(reason)) => Action::Refused(argv.to_vec(), reason),
        Some(Ok(name)) if !opts.allow_destructive => Action::Refused(
            argv.to_vec(),
            format!("deletes the environment {name}; pass --allow-destructive to allow it"),
        ),
        _ if parsed.words.first() == Some(&"clean") && !opts.allow_destructive => Action::Refused(
            argv.to_vec(),
            "deletes files; pass --allow-destructive to allow it".into(),
        ),
        _ => Action::Run(argv.to_vec()),
    }
}

/// The environment a command (re-)creates from a file, or only updates.
fn env_effect(argv: &[String]) -> Option<(bool, String)> {
    let (p, _) = parse_pm(argv.get(1..)?).ok()?;
    let name = p.opt(&["-n", "--name"])?.to_string();
    let w = &p.words;
    let creates =
        w.first() == Some(&"create") || (w.first() == Some(&"env") && w.get(1) == Some(&"create"));
    let from_file = p.opt(&["-f", "--file"]).is_some();
    let updates = matches!(w.first(), Some(&"install" | &"update" | &"upgrade"))
        || (w.first() == Some(&"env") && w.get(1) == Some(&"update"));
    if creates && from_file {
        Some((true, name))
    } else if updates {
        Some((false, name))
    } else {
        None
    }
}

/// The export that saves environment `name`'s spec before `remove` deletes it.
fn export_before(remove: &[String], name: &str, opts: &PlanOptions) -> Action {
    let argv = vec![
        remove[0].clone(),
        "env".into(),
        "export".into(),
        "-n".into(),
        name.into(),
    ];
    Action::Export(
        argv,
        opts.state_dir.join(format!("{name}-{}.yml", opts.stamp)),
    )
}

/// One fix's commands as actions: classified, de-duplicated against `seen`, moot ones
/// (their environment is re-created by an earlier step) dropped, removals preceded by an
/// export, and everything after a refused command refused too.
fn step_actions(
    commands: &[Vec<String>],
    untrusted: bool,
    opts: &PlanOptions,
    seen: &mut Vec<Vec<String>>,
    recreated: &mut Vec<String>,
) -> (Vec<Action>, usize, usize) {
    let (mut actions, mut duplicates, mut moot) = (Vec::new(), 0, 0);
    let mut refused = false;
    // After a removal, the step's own re-create must run even if an earlier step ran it.
    let mut removed = false;
    for argv in commands.iter().filter(|a| !a.is_empty()) {
        if seen.contains(argv) && !removed {
            duplicates += 1;
            continue;
        }
        let removal = argv
            .get(1..)
            .and_then(|rest| parse_pm(rest).ok())
            .and_then(|(p, _)| removes_env(&p).and_then(Result::ok).map(str::to_string));
        let update = env_effect(argv)
            .filter(|(creates, _)| !creates)
            .map(|(_, n)| n);
        // Updating, or removing to re-create, an environment an earlier step has just
        // created from its file is moot.
        if removal.or(update).is_some_and(|n| recreated.contains(&n)) {
            moot += 1;
            continue;
        }
        seen.push(argv.clone());
        let action = if untrusted {
            Action::Refused(
                argv.clone(),
                "a fix of an untrusted project's pack; trust the project first".into(),
            )
        } else if refused {
            Action::Refused(
                argv.clone(),
                "an earlier command of this step is refused".into(),
            )
        } else {
            match (classify(argv, opts), &opts.project_dir) {
                (Action::Run(a), Some(dir)) => match inside_project(&a[0], dir) {
                    Some(real) => Action::Refused(
                        a,
                        format!(
                            "{} is inside the project folder",
                            shown(&real.to_string_lossy())
                        ),
                    ),
                    None => Action::Run(a),
                },
                (action, _) => action,
            }
        };
        match &action {
            Action::Refused(..) => refused = true,
            Action::Run(a) => {
                if let Ok((p, _)) = parse_pm(&a[1..]) {
                    if let Some(Ok(name)) = removes_env(&p) {
                        actions.push(export_before(a, name, opts));
                        removed = true;
                    }
                }
                if let Some((true, name)) = env_effect(a) {
                    recreated.push(name);
                }
            }
            _ => {}
        }
        actions.push(action);
    }
    (actions, duplicates, moot)
}

/// A file a fix creates, as a plan action: written where the path is plain, inside the
/// project and free; refused where a file is there already (devdoctor never replaces one),
/// or the fix is an untrusted pack's.
fn write_action(file: &crate::core::NewFile, untrusted: bool, opts: &PlanOptions) -> Action {
    let shown = file.path.to_string_lossy().into_owned();
    let refuse = |why: &str| Action::Refused(vec!["write".into(), shown.clone()], why.into());
    let plain = !file.path.as_os_str().is_empty()
        && file
            .path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    match &opts.project_dir {
        _ if untrusted => refuse("a fix of an untrusted project's pack; trust the project first"),
        _ if !plain => refuse("not a plain path inside the project"),
        None => refuse("no project folder to write it in"),
        Some(dir) if dir.join(&file.path).symlink_metadata().is_ok() => {
            refuse("a file is there already, and devdoctor never replaces one")
        }
        Some(_) => Action::Write(file.path.clone(), file.content.clone()),
    }
}

/// The earlier step that already does all of a fix (every command and every manual step of
/// it), or `None` when the fix adds anything of its own.
fn same_as_earlier(
    steps: &[Step],
    commands: &[Vec<String>],
    manual: &[String],
    actions: &[Action],
) -> Option<usize> {
    if !actions.is_empty() || (commands.is_empty() && manual.is_empty()) {
        return None;
    }
    let holds = |s: &Step, argv: &Vec<String>| s.actions.iter().any(|a| a.argv() == argv);
    let owner = |argv: &Vec<String>| steps.iter().position(|s| holds(s, argv));
    let owner_of_text = |m: &String| steps.iter().position(|s| s.manual.contains(m));
    let mut owners = commands
        .iter()
        .filter(|a| !a.is_empty())
        .map(owner)
        .chain(manual.iter().map(owner_of_text));
    let first = owners.next()??;
    owners.all(|o| o.is_some()).then_some(first)
}

/// The package names of a command that only installs packages into the base environment
/// with a conda-compatible package manager (`micromamba install -y -n base -c conda-forge
/// curl`); `None` for any other command.
fn base_installs(argv: &[String]) -> Option<Vec<&str>> {
    let (program, args) = argv.split_first()?;
    if !matches!(basename(program), "micromamba" | "mamba" | "conda") {
        return None;
    }
    let (parsed, _) = parse_pm(args).ok()?;
    let (verb, specs) = parsed.words.split_first()?;
    let base = parsed.opt(&["-n", "--name"]) == Some("base");
    (*verb == "install" && base && !specs.is_empty()).then(|| {
        specs
            .iter()
            .map(|s| s.split(|c: char| "=<>!~ [".contains(c)).next().unwrap_or(s))
            .collect()
    })
}

/// The earlier step that already puts on PATH every package a fix only installs (the
/// system's curl, installed for micromamba's installer, is the curl `tools.curl` asks for).
fn provided_earlier(steps: &[Step], fix: &crate::core::Fix) -> Option<usize> {
    if fix.commands.is_empty() || !fix.manual.is_empty() {
        return None;
    }
    let mut owners = fix.commands.iter().map(|argv| {
        let packages = base_installs(argv)?;
        steps.iter().position(|s| {
            packages
                .iter()
                .all(|p| s.provides.iter().any(|have| have == p))
        })
    });
    let first = owners.next()??;
    owners.all(|o| o == Some(first)).then_some(first)
}

/// Builds the plan from a report: fixes of warn/fail checks, by phase then check order,
/// each command once, moot steps left out.
pub(crate) fn plan(report: &Report, opts: &PlanOptions) -> Plan {
    let mut entries: Vec<(usize, &crate::report::Entry)> = report
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.result.status, Status::Warn | Status::Fail))
        .filter(|(_, e)| e.result.fix.is_some())
        .collect();
    entries.sort_by_key(|(i, e)| (e.result.fix.as_ref().map(|f| f.phase), *i));
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut recreated: Vec<String> = Vec::new();
    let mut out = Plan::default();
    for (_, e) in entries {
        let fix = e.result.fix.as_ref().expect("filtered on fix");
        out.bootstrap |= crate::fix::is_install_micromamba(fix);
        let untrusted =
            !opts.trusted && matches!(e.meta.origin, Origin::Pack(_) | Origin::Plugin(_));
        if let Some(n) = provided_earlier(&out.steps, fix) {
            out.steps[n].absorb(e);
            continue;
        }
        let (mut actions, duplicates, moot) =
            step_actions(&fix.commands, untrusted, opts, &mut seen, &mut recreated);
        let writes: Vec<Action> = fix
            .new_files
            .iter()
            .map(|f| write_action(f, untrusted, opts))
            .collect();
        // The commands need the file: where it is not written, they do not run either.
        if writes.iter().any(|w| matches!(w, Action::Refused(..))) {
            for a in &mut actions {
                if let Action::Run(argv) = a {
                    let why = "an earlier action of this step is refused".to_string();
                    *a = Action::Refused(std::mem::take(argv), why);
                }
            }
        }
        actions.splice(0..0, writes);
        let manual: Vec<String> = fix
            .manual
            .iter()
            .filter(|m| !text_calls_pip(m))
            .cloned()
            .collect();
        if moot > 0 && actions.is_empty() && manual.is_empty() {
            out.moot.push(e.meta.id.clone());
            continue;
        }
        if let Some(n) = same_as_earlier(&out.steps, &fix.commands, &manual, &actions) {
            out.steps[n].absorb(e);
            continue;
        }
        let preconditions = manual
            .iter()
            .filter(|m| m.trim_start().to_lowercase().starts_with("first "))
            .cloned()
            .collect();
        out.steps.push(Step {
            check_id: e.meta.id.clone(),
            status: e.result.status,
            summary: e.result.summary.clone(),
            phase: fix.phase,
            why: fix.why.clone(),
            actions,
            manual,
            preconditions,
            duplicates,
            moot,
            also: Vec::new(),
            pointed: Vec::new(),
            provides: fix.provides.clone(),
        });
    }
    let pointed = crate::report::pointers::folding(report);
    for e in report
        .entries
        .iter()
        .filter(|e| e.result.status.is_problem() && e.result.fix.is_none())
    {
        // A problem that points at another's with "(see ID)" has that one cause: the step that
        // fixes the cause fixes it too.
        let step = pointed.get(e.meta.id.as_str()).and_then(|to| {
            out.steps
                .iter()
                .position(|s| s.check_id == *to || s.also.iter().any(|a| a == to))
        });
        match step {
            Some(n) => out.steps[n].pointed.push(e.meta.id.clone()),
            None => {
                out.unfixable
                    .push((e.meta.id.clone(), e.result.status, e.result.summary.clone()))
            }
        }
    }
    out
}

fn mark(status: Status) -> colored::ColoredString {
    crate::report::human::symbol(status)
}

fn render_action(out: &mut String, a: &Action) {
    let _ = match a {
        Action::Run(argv) => writeln!(out, "   {} {}", "$".dimmed(), quote_argv(argv).bold()),
        Action::Export(argv, to) => writeln!(
            out,
            "   {} {} > {}",
            "$".dimmed(),
            quote_argv(argv).bold(),
            crate::fix::quote(&to.to_string_lossy())
        ),
        Action::Manual(argv) => writeln!(
            out,
            "   {} {}  {}",
            "manual:".dimmed(),
            quote_argv(argv),
            "(not run by devdoctor)".dimmed()
        ),
        Action::Refused(argv, why) => writeln!(
            out,
            "   {} {}",
            format!("refused ({why}):").red(),
            quote_argv(argv)
        ),
        Action::Write(path, content) => {
            let _ = writeln!(
                out,
                "   {} {} {}",
                "write".dimmed(),
                crate::fix::quote(&path.to_string_lossy()).bold(),
                "(a new file):".dimmed()
            );
            content
                .lines()
                .try_for_each(|l| writeln!(out, "     {} {l}", "|".dimmed()))
        }
    };
}

fn render_step(out: &mut String, n: usize, s: &Step) {
    let _ = writeln!(
        out,
        "{}. {} {} {}",
        n + 1,
        mark(s.status),
        s.check_id.bold(),
        s.summary
    );
    let _ = writeln!(out, "   {}", s.why);
    if !s.also.is_empty() || !s.pointed.is_empty() {
        let _ = writeln!(out, "   {} {}", "also fixes:".dimmed(), s.fixes_too());
    }
    if s.blocked() {
        for p in &s.preconditions {
            let _ = writeln!(
                out,
                "   {} {p}",
                "manual, before the commands (fix --yes stops here):".yellow()
            );
        }
    }
    for a in &s.actions {
        render_action(out, a);
    }
    for m in s
        .manual
        .iter()
        .filter(|m| !s.blocked() || !s.preconditions.contains(m))
    {
        let _ = writeln!(out, "   {} {m}", "manual:".dimmed());
    }
    if s.duplicates > 0 {
        let _ = writeln!(
            out,
            "   {}",
            format!("({} command(s) already in an earlier step)", s.duplicates).dimmed()
        );
    }
    if s.moot > 0 {
        let _ = writeln!(
            out,
            "   {}",
            format!(
                "({} command(s) left out: an earlier step re-creates the environment)",
                s.moot
            )
            .dimmed()
        );
    }
}

/// The plan for a person.
pub(crate) fn render_plan(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to fix: no check that warns or fails has a fix."
        );
    }
    for (n, s) in plan.steps.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        render_step(&mut out, n, s);
    }
    if !plan.moot.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}",
            "Left out (an earlier step re-creates their environment):".dimmed(),
            plan.moot.join(", ")
        );
    }
    if !plan.unfixable.is_empty() {
        let _ = writeln!(out, "\nNo automatic fix:");
        for (id, st, summary) in &plan.unfixable {
            let _ = writeln!(out, "  {} {} {summary}", mark(*st), id.bold());
        }
    }
    out
}

/// The plan for the end of the human report: "Next steps", one numbered line per step (its
/// first command, or its first manual step), the most important first.
pub(crate) fn render_next_steps(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.steps.is_empty() {
        return out;
    }
    let _ = writeln!(out, "{}", "Next steps:".bold());
    let mut cut = false;
    for (n, s) in plan.steps.iter().enumerate() {
        // One line a step: its first command or edit, and how many more commands it runs
        // (env.lock installs conda-lock, then locks); manual lines are edits or alternatives.
        let shown_action = s.preconditions.is_empty() && !s.actions.is_empty();
        let more = s.actions.len() - usize::from(shown_action);
        cut |= more > 0;
        let more = match more {
            0 => String::new(),
            1 => " (+1 more command)".to_string(),
            n => format!(" (+{n} more commands)"),
        };
        let what = s
            .preconditions
            .first()
            .cloned()
            .or_else(|| {
                s.actions.first().map(|a| match a {
                    Action::Refused(argv, why) => format!("{} (refused: {why})", quote_argv(argv)),
                    Action::Write(path, _) => format!(
                        "write {} (`devdoctor fix --dry-run` shows it)",
                        crate::fix::quote(&path.to_string_lossy())
                    ),
                    a => quote_argv(a.argv()),
                })
            })
            .or_else(|| s.manual.first().cloned())
            .unwrap_or_else(|| s.why.clone());
        let _ = writeln!(
            out,
            "  {}. {what}{more}  {}",
            n + 1,
            format!("({})", s.checks()).dimmed()
        );
    }
    if cut {
        let _ = writeln!(
            out,
            "{}",
            "  (`devdoctor fix --dry-run` shows every command; `devdoctor fix` runs them)".dimmed()
        );
    }
    out
}

fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let clean: String = line
            .chars()
            .map(|c| {
                if c.is_control() || crate::policy::text::is_bidi_control(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        let _ = writeln!(out, "# {clean}");
    }
}

/// Installs micromamba with the official installer when no package manager is found: into
/// ~/.local/bin, the root prefix in MAMBA_ROOT_PREFIX, non-interactive (the installer asks
/// only when its standard input is a terminal; here it reads itself from a pipe).
const BOOTSTRAP: &str = r#"MAMBA_ROOT_PREFIX="${MAMBA_ROOT_PREFIX:-$HOME/micromamba}"
export MAMBA_ROOT_PREFIX
DEVDOCTOR_MAMBA="$HOME/.local/bin/micromamba"
if [ ! -x "$DEVDOCTOR_MAMBA" ]; then
  if command -v curl >/dev/null 2>&1; then
    installer=$(curl -fsSL https://micro.mamba.pm/install.sh)
  elif command -v wget >/dev/null 2>&1; then
    installer=$(wget -qO- https://micro.mamba.pm/install.sh)
  else
    echo "micromamba's installer needs curl or wget: install one with the system's package manager (apt-get install -y curl), then run this script again" >&2
    exit 1
  fi
  printf '%s\n' "$installer" | BIN_FOLDER="$HOME/.local/bin" INIT_YES=yes CONDA_FORGE_YES=yes PREFIX_LOCATION="$MAMBA_ROOT_PREFIX" /bin/sh
fi
"#;

/// One command line of the script; after a bootstrap the package manager is the installed
/// micromamba, by absolute path.
fn script_line(argv: &[String], bootstrap: bool) -> String {
    let pm = argv
        .first()
        .is_some_and(|p| matches!(basename(p), "micromamba" | "mamba" | "conda"));
    if bootstrap && pm {
        let rest = quote_argv(&argv[1..]);
        format!("\"$DEVDOCTOR_MAMBA\" {rest}")
            .trim_end()
            .to_string()
    } else {
        quote_argv(argv)
    }
}

fn script_step(out: &mut String, n: usize, s: &Step, bootstrap: bool) {
    out.push('\n');
    comment(
        out,
        &format!("{}. {} ({}): {}", n + 1, s.check_id, s.status, s.summary),
    );
    comment(out, &s.why);
    if !s.also.is_empty() || !s.pointed.is_empty() {
        comment(out, &format!("also fixes: {}", s.fixes_too()));
    }
    if s.blocked() {
        for p in &s.preconditions {
            comment(out, &format!("manual, before the commands below: {p}"));
        }
        let msg = format!(
            "devdoctor: step {} ({}) needs a person first: {}. Do it, delete these lines, and run the script again.",
            n + 1,
            s.check_id,
            s.preconditions.join("; ")
        );
        let _ = writeln!(out, "printf '%s\\n' {} >&2", crate::fix::quote(&msg));
        out.push_str("exit 1\n");
    }
    for a in &s.actions {
        match a {
            Action::Run(argv) => {
                let _ = writeln!(out, "{}", script_line(argv, bootstrap));
            }
            Action::Export(argv, to) => {
                let dir = to.parent().unwrap_or(Path::new("."));
                let to = crate::fix::quote(&to.to_string_lossy());
                let _ = writeln!(
                    out,
                    "mkdir -p {}",
                    crate::fix::quote(&dir.to_string_lossy())
                );
                let _ = writeln!(out, "{} > {to}", script_line(argv, bootstrap));
                let _ = writeln!(out, "echo \"exported the environment's spec to \"{to}");
            }
            Action::Manual(argv) => comment(out, &format!("manual: {}", quote_argv(argv))),
            Action::Refused(argv, why) => {
                comment(out, &format!("refused, {why}: {}", quote_argv(argv)));
            }
            Action::Write(path, content) => script_write(out, path, content),
        }
    }
    for m in s
        .manual
        .iter()
        .filter(|m| !s.blocked() || !s.preconditions.contains(m))
    {
        comment(out, &format!("manual: {m}"));
    }
}

/// A new file in the script: a here-document, after a test that stops the script where a
/// file is there already.
fn script_write(out: &mut String, path: &Path, content: &str) {
    const END: &str = "DEVDOCTOR_END_OF_FILE";
    let to = crate::fix::quote(&path.to_string_lossy());
    if content.lines().any(|l| l == END) {
        comment(
            out,
            &format!("refused, its text holds the script's end marker: write {to}"),
        );
        return;
    }
    let msg = crate::fix::quote(&format!(
        "devdoctor: {} is there already; not replaced",
        path.to_string_lossy()
    ));
    let _ = writeln!(
        out,
        "if [ -e {to} ] || [ -L {to} ]; then printf '%s\\n' {msg} >&2; exit 1; fi"
    );
    let _ = writeln!(out, "cat > {to} <<'{END}'");
    out.push_str(content);
    if !content.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{END}");
}

/// The plan as a POSIX sh script: `set -eu`, every word quoted, manual steps as comments.
pub(crate) fn render_script(plan: &Plan, project_dir: &Path) -> String {
    let mut out = String::new();
    out.push_str("#!/bin/sh\n");
    comment(
        &mut out,
        &format!(
            "Repair plan written by `devdoctor fix --script` (devdoctor {}).\nReview it, then run it with: sh FILE",
            env!("CARGO_PKG_VERSION")
        ),
    );
    out.push_str("set -eu\n");
    let dir = project_dir.to_string_lossy().into_owned();
    let _ = writeln!(out, "{}", quote_argv(&["cd".to_string(), dir]));
    out.push_str(
        "MAMBA_ALWAYS_YES=true\nCONDA_ALWAYS_YES=true\nexport MAMBA_ALWAYS_YES CONDA_ALWAYS_YES\n",
    );
    if plan.bootstrap {
        comment(
            &mut out,
            "No package manager was found: install micromamba with the official installer.",
        );
        out.push_str(BOOTSTRAP);
    }
    if plan.steps.is_empty() {
        comment(&mut out, "Nothing to fix.");
    }
    for (n, s) in plan.steps.iter().enumerate() {
        script_step(&mut out, n, s, plan.bootstrap);
    }
    out
}

/// A refused command and why.
#[derive(Debug, Serialize)]
pub(crate) struct RefusalDoc {
    pub argv: Vec<String>,
    pub reason: String,
}

/// An export of an environment's spec before it is removed.
#[derive(Debug, Serialize)]
pub(crate) struct ExportDoc {
    pub argv: Vec<String>,
    pub to: PathBuf,
}

/// A file the step creates.
#[derive(Debug, Serialize)]
pub(crate) struct WriteDoc {
    pub path: PathBuf,
    pub content: String,
}

/// One step of the plan in the JSON documents (`fix --json` and the report's `plan`).
#[derive(Debug, Serialize)]
pub(crate) struct StepDoc {
    pub check: String,
    pub status: Status,
    pub phase: Phase,
    pub why: String,
    /// Files `fix --yes` creates, before its commands.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub writes: Vec<WriteDoc>,
    /// What `fix --yes` runs, in order.
    pub commands: Vec<Vec<String>>,
    pub exports: Vec<ExportDoc>,
    pub manual_commands: Vec<Vec<String>>,
    pub refused: Vec<Vec<String>>,
    pub refusals: Vec<RefusalDoc>,
    pub manual: Vec<String>,
    /// Manual steps before the commands: `fix --yes` stops at this step.
    pub preconditions: Vec<String>,
    /// Other checks this step fixes too: their whole fix is this step's, or they point at
    /// this step's check and have no fix of their own.
    pub also_fixes: Vec<String>,
}

/// A problem without a fix.
#[derive(Debug, Serialize)]
pub(crate) struct UnfixableDoc {
    pub check: String,
    pub status: Status,
    pub summary: String,
}

/// The plan as a versioned JSON document.
#[derive(Debug, Serialize)]
pub(crate) struct PlanDoc {
    pub schema_version: u32,
    pub steps: Vec<StepDoc>,
    pub unfixable: Vec<UnfixableDoc>,
    /// Checks whose fix an earlier step makes moot.
    pub moot: Vec<String>,
}

/// The steps as JSON documents (the JSON report's `plan`).
pub(crate) fn step_docs(plan: &Plan) -> Vec<StepDoc> {
    plan.steps
        .iter()
        .map(|s| {
            let pick = |f: fn(&Action) -> bool| -> Vec<Vec<String>> {
                s.actions
                    .iter()
                    .filter(|a| f(a))
                    .map(|a| a.argv().to_vec())
                    .collect()
            };
            StepDoc {
                check: s.check_id.clone(),
                status: s.status,
                phase: s.phase,
                why: s.why.clone(),
                writes: s.actions.iter().filter_map(Action::write_doc).collect(),
                commands: pick(|a| matches!(a, Action::Run(_))),
                exports: s.actions.iter().filter_map(Action::export_doc).collect(),
                manual_commands: pick(|a| matches!(a, Action::Manual(_))),
                refused: pick(|a| matches!(a, Action::Refused(..))),
                refusals: s.actions.iter().filter_map(Action::refusal_doc).collect(),
                manual: s.manual.clone(),
                preconditions: s.preconditions.clone(),
                also_fixes: s.also.iter().chain(&s.pointed).cloned().collect(),
            }
        })
        .collect()
}

pub(crate) fn plan_doc(plan: &Plan) -> PlanDoc {
    PlanDoc {
        schema_version: crate::report::SCHEMA_VERSION,
        steps: step_docs(plan),
        unfixable: plan
            .unfixable
            .iter()
            .map(|(id, st, summary)| UnfixableDoc {
                check: id.clone(),
                status: *st,
                summary: summary.clone(),
            })
            .collect(),
        moot: plan.moot.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fix's new file is written where its path is plain and free; a file or link that is
    /// there, a path out of the project and an untrusted pack's fix are refused.
    #[test]
    fn new_files_are_written_only_where_nothing_is() {
        let dir = tempfile::tempdir().unwrap();
        let opts = PlanOptions {
            project_dir: Some(dir.path().to_path_buf()),
            ..PlanOptions::default()
        };
        let file = |p: &str| crate::core::NewFile {
            path: p.into(),
            content: "x\n".into(),
        };
        assert!(matches!(
            write_action(&file("environment.yml"), false, &opts),
            Action::Write(..)
        ));
        for bad in ["../up.yml", "/etc/x.yml", ""] {
            assert!(
                matches!(write_action(&file(bad), false, &opts), Action::Refused(..)),
                "{bad}"
            );
        }
        assert!(matches!(
            write_action(&file("environment.yml"), true, &opts),
            Action::Refused(..)
        ));
        std::os::unix::fs::symlink("/nonexistent", dir.path().join("environment.yml")).unwrap();
        assert!(matches!(
            write_action(&file("environment.yml"), false, &opts),
            Action::Refused(_, why) if why.contains("never replaces")
        ));
        // The step's commands need the file: where it is not written, they are refused too.
        let fix = run(
            "create",
            Phase::CreateEnv,
            "micromamba create -y -n x -f environment.yml",
        )
        .new_file("environment.yml", "name: x\n");
        let p = plan(
            &report(vec![entry("env.file", Status::Fail, Some(fix))]),
            &opts,
        );
        assert_eq!(p.command_count(), 0);
        assert!(matches!(
            &p.steps[0].actions[..],
            [Action::Refused(..), Action::Refused(_, why)] if why.contains("earlier action")
        ));
    }
    use crate::core::{CheckMeta, CheckResult, Fix, Origin};
    use crate::report::Entry;

    /// A fix of one command, written as one line.
    fn run(what: &str, phase: Phase, line: &str) -> Fix {
        Fix::new(what).phase(phase).cmd(crate::words(line))
    }

    fn entry(id: &str, status: Status, fix: Option<Fix>) -> Entry {
        let mut r = CheckResult::new(status, format!("{id} summary"));
        r.fix = fix;
        Entry {
            meta: CheckMeta {
                id: id.into(),
                category: "t".into(),
                title: id.into(),
                can_fix: true,
                explain: String::new(),
                origin: Origin::Builtin,
            },
            result: r,
            duration: Duration::ZERO,
        }
    }

    fn report(entries: Vec<Entry>) -> Report {
        Report::new(
            entries,
            std::time::SystemTime::now(),
            Duration::ZERO,
            false,
            None,
        )
    }

    #[test]
    fn plan_orders_by_phase_then_check_and_dedups() {
        let r = report(vec![
            entry(
                "env.lock",
                Status::Warn,
                Some(run("lock", Phase::Lock, "conda-lock lock")),
            ),
            entry(
                "env.python",
                Status::Fail,
                Some(run(
                    "py",
                    Phase::UpdateEnv,
                    "micromamba install python=3.11",
                )),
            ),
            entry(
                "env.exists",
                Status::Fail,
                Some(run(
                    "create",
                    Phase::CreateEnv,
                    "micromamba create -f e.yml",
                )),
            ),
            entry(
                "mamba.installed",
                Status::Fail,
                Some(run("tool", Phase::InstallTool, "brew install micromamba").manual("curl …")),
            ),
            entry(
                "env.pip",
                Status::Fail,
                Some(
                    run("rebuild", Phase::CreateEnv, "micromamba create -f e.yml")
                        .cmd(crate::words("pip uninstall x")),
                ),
            ),
            entry(
                "env.ok",
                Status::Ok,
                Some(Fix::new("never").cmd(["micromamba", "x"])),
            ),
            entry("env.unknown", Status::Unknown, None),
        ]);
        let p = plan(&r, &PlanOptions::default());
        let ids: Vec<_> = p.steps.iter().map(|s| s.check_id.as_str()).collect();
        assert_eq!(
            ids,
            crate::words("mamba.installed env.exists env.pip env.python env.lock")
        );
        assert!(matches!(p.steps[0].actions[0], Action::Manual(_)));
        assert_eq!(p.steps[2].duplicates, 1);
        assert!(matches!(p.steps[2].actions[0], Action::Refused(..)));
        assert_eq!(p.command_count(), 3);
        assert_eq!(p.unfixable.len(), 1);
    }

    #[test]
    fn a_fix_an_earlier_step_already_is_folds_into_it() {
        let name = "add `name: <env name>` at the top of e.yml";
        let create = ["micromamba", "create", "-y", "-n", "p", "-f", "e.yml"];
        let r = report(vec![
            entry(
                "env.file",
                Status::Warn,
                Some(
                    Fix::new("edit")
                        .phase(Phase::Configure)
                        .manual(name)
                        .manual("move `conda-forge` to the top"),
                ),
            ),
            entry(
                "env.exists",
                Status::Fail,
                Some(Fix::new("name").phase(Phase::Configure).manual(name)),
            ),
            entry(
                "env.python",
                Status::Fail,
                Some(Fix::new("create").phase(Phase::CreateEnv).cmd(create)),
            ),
            // Every command already in step 2: the same step.
            entry(
                "env.packages",
                Status::Warn,
                Some(Fix::new("again").phase(Phase::CreateEnv).cmd(create)),
            ),
            // One command of its own: a step of its own, the repeat dropped.
            entry(
                "env.pip",
                Status::Warn,
                Some(
                    Fix::new("more")
                        .phase(Phase::CreateEnv)
                        .cmd(create)
                        .cmd(crate::words("micromamba clean --all -y")),
                ),
            ),
            // A manual step of its own, besides one already shown: not folded.
            entry(
                "env.lock",
                Status::Warn,
                Some(
                    Fix::new("lock")
                        .phase(Phase::Lock)
                        .manual(name)
                        .manual("lock it"),
                ),
            ),
        ]);
        let p = plan(&r, &PlanOptions::default());
        let ids: Vec<_> = p.steps.iter().map(|s| s.checks()).collect();
        assert_eq!(
            ids,
            [
                "env.file, env.exists",
                "env.python, env.packages",
                "env.pip",
                "env.lock"
            ]
        );
        // The step fixes a failure: it is marked as one.
        assert_eq!(p.steps[0].status, Status::Fail);
        assert_eq!(p.steps[1].status, Status::Fail);
        assert_eq!(p.steps[2].duplicates, 1);
        let docs = step_docs(&p);
        assert_eq!(docs[0].also_fixes, ["env.exists"]);
        assert!(docs[2].also_fixes.is_empty());
        let next = render_next_steps(&p);
        assert!(next.contains("(env.file, env.exists)"), "{next}");
        assert!(render_plan(&p).contains("also fixes: env.packages"));
    }

    /// Without curl, wget or python3, installing micromamba starts with the system's curl:
    /// `tools.curl`'s `micromamba install … curl` is that step already, not a step after it.
    #[test]
    fn a_fix_installing_what_an_earlier_step_provides_folds_into_it() {
        let install = |p: &str| {
            Fix::new("tool").phase(Phase::InstallTool).cmd([
                "micromamba",
                "install",
                "-y",
                "-n",
                "base",
                "-c",
                "conda-forge",
                p,
            ])
        };
        let bare = crate::fix::install_micromamba_by(crate::fix::Fetch::Nothing, "bash");
        let r = report(vec![
            entry("mamba.installed", Status::Fail, Some(bare)),
            entry("tools.curl", Status::Warn, Some(install("curl"))),
            entry("tools.trivy", Status::Warn, Some(install("trivy"))),
        ]);
        let p = plan(&r, &PlanOptions::default());
        let ids: Vec<_> = p.steps.iter().map(|s| s.checks()).collect();
        assert_eq!(ids, ["mamba.installed, tools.curl", "tools.trivy"]);
        // The first line a person reads says what comes after the system's curl.
        let next = render_next_steps(&p);
        assert!(next.contains("then micromamba"), "{next}");
        // Where the installer fetches with curl, nothing provides it: curl keeps its step.
        let r = report(vec![
            entry(
                "mamba.installed",
                Status::Fail,
                Some(crate::fix::install_micromamba()),
            ),
            entry("tools.curl", Status::Warn, Some(install("curl"))),
        ]);
        assert_eq!(plan(&r, &PlanOptions::default()).steps.len(), 2);
        // Into another environment, or with a step of its own, it is not the same fix.
        let other = run(
            "t",
            Phase::InstallTool,
            "micromamba install -y -n tools curl",
        );
        let bare = crate::fix::install_micromamba_by(crate::fix::Fetch::Nothing, "bash");
        let r = report(vec![
            entry("mamba.installed", Status::Fail, Some(bare)),
            entry("tools.curl", Status::Warn, Some(other)),
            entry(
                "tools.x",
                Status::Warn,
                Some(install("curl").manual("and more")),
            ),
        ]);
        assert_eq!(plan(&r, &PlanOptions::default()).steps.len(), 3);
    }

    #[test]
    fn allowlist_matches_the_basename() {
        let a = |v: &[&str]| classify(&sv(v), &PlanOptions::default());
        assert!(matches!(
            a(&["/opt/bin/micromamba", "create"]),
            Action::Run(_)
        ));
        assert!(matches!(a(&["conda-lock", "lock"]), Action::Run(_)));
        assert!(matches!(a(&["micromamba-evil", "x"]), Action::Manual(_)));
        assert!(matches!(a(&["./micromamba", "install"]), Action::Manual(_)));
        assert!(matches!(a(&["tools/conda", "install"]), Action::Manual(_)));
        assert!(matches!(
            a(&["micromamba", "run", "-n", "base", "bash", "-c", "id"]),
            Action::Refused(..)
        ));
        assert!(matches!(
            a(&["micromamba", "run", "-n", "x", "--", "./conda-lock"]),
            Action::Refused(..)
        ));
        assert!(matches!(
            a(&[
                "micromamba",
                "run",
                "-n",
                "conda-lock",
                "conda-lock",
                "lock"
            ]),
            Action::Run(_)
        ));
        assert!(matches!(
            a(&["sh", "-c", "micromamba create"]),
            Action::Manual(_)
        ));
        assert!(matches!(
            a(&["python", "-m", "pip", "install", "x"]),
            Action::Refused(..)
        ));
    }

    #[test]
    fn script_is_valid_posix_sh() {
        let r = report(vec![entry(
            "env.exists",
            Status::Fail,
            Some(
                Fix::new("Create it; it's `needed`\nsecond line $(reboot)")
                    .phase(Phase::CreateEnv)
                    .cmd([
                        "micromamba",
                        "create",
                        "-y",
                        "-n",
                        "it's$(x)",
                        "-f",
                        "env file.yml",
                    ])
                    .cmd(["brew", "install", "micromamba"])
                    .manual("edit `x`; rm -rf ~\n and more"),
            ),
        )]);
        let s = render_script(
            &plan(&r, &PlanOptions::default()),
            Path::new("/tmp/my project"),
        );
        assert!(s.starts_with("#!/bin/sh\n"));
        assert!(s.contains("\nset -eu\n"));
        let line = s
            .lines()
            .find(|l| l.starts_with("micromamba create"))
            .unwrap();
        assert_eq!(
            shlex::split(line).unwrap(),
            [
                "micromamba",
                "create",
                "-y",
                "-n",
                "it's$(x)",
                "-f",
                "env file.yml"
            ]
        );
        assert!(s.contains("# manual: brew install micromamba"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fix.sh");
        std::fs::write(&path, &s).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-n")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn sv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn run_is_parsed_with_the_real_options() {
        let a = |v: &[&str]| classify(&sv(v), &PlanOptions::default());
        let run = [
            "micromamba",
            "run",
            "--label",
            "x",
            "-e",
            "A=B",
            "--cwd",
            "/tmp",
            "-n",
            "cl",
            "conda-lock",
            "lock",
        ];
        assert!(matches!(a(&run), Action::Run(_)));
        assert!(matches!(
            a(&["conda", "run", "--name=cl", "conda-lock"]),
            Action::Run(_)
        ));
        for bad in [
            &[
                "micromamba",
                "run",
                "--cwd",
                "/x",
                "-n",
                "e",
                "micromamba",
                "install",
            ][..],
            &["micromamba", "run", "-n", "e", "mamba", "remove", "--all"],
            &["micromamba", "run", "-n", "e", "python", "-c", "x"],
            &["micromamba", "run", "-n", "e", "/usr/bin/conda-lock"],
            &["micromamba", "run", "--frobnicate", "x", "conda-lock"],
            &["micromamba", "run", "-n", "e", "--", "sh", "-c", "id"],
            &["micromamba", "run", "-n", "e"],
        ] {
            assert!(matches!(a(bad), Action::Refused(..)), "{bad:?}");
        }
        assert!(matches!(
            a(&["micromamba", "run", "-n", "e", "mytool"]),
            Action::Manual(_)
        ));
    }

    #[test]
    fn values_reaching_argv_are_validated() {
        let a = |v: &[&str]| classify(&sv(v), &PlanOptions::default());
        for bad in [
            &["micromamba", "create", "-y", "-n", "--rm", "-f", "e.yml"][..],
            &["micromamba", "install", "-n", "a/b"],
            &["micromamba", "install", "--name=x y"],
            &["micromamba", "install", "-n", "a:b"],
            &["micromamba", "install", "-n", "a#b"],
            &["micromamba", "install", "-n", ""],
            &["micromamba", "create", "-n", "ok", "-f", "-x"],
            &["micromamba", "install", "-n"],
        ] {
            assert!(matches!(a(bad), Action::Refused(..)), "{bad:?}");
        }
        let Action::Refused(_, why) = a(&["micromamba", "install", "-n", "a\n\u{1b}[2Jb"]) else {
            panic!("not refused")
        };
        assert!(!why.chars().any(char::is_control), "{why:?}");
        assert!(crate::policy::names::valid_env_name("proj-3.11_x"));
        assert!(!crate::policy::names::valid_env_name("-n"));
    }

    #[test]
    fn removal_needs_allow_destructive_and_is_exported_first() {
        let remove = sv(&["micromamba", "env", "remove", "-y", "-n", "proj"]);
        let off = PlanOptions::default();
        assert!(matches!(classify(&remove, &off), Action::Refused(..)));
        let on = PlanOptions {
            allow_destructive: true,
            state_dir: PathBuf::from("/state"),
            stamp: "T".into(),
            ..PlanOptions::default()
        };
        assert!(matches!(classify(&remove, &on), Action::Run(_)));
        for never in [
            &["micromamba", "env", "remove", "-y", "-n", "base"][..],
            &["micromamba", "env", "remove", "-y", "-p", "/opt/conda"],
            &["conda", "remove", "--all", "-y", "-p", "/root"],
            &["conda", "env", "remove", "-y"],
        ] {
            assert!(
                matches!(classify(&sv(never), &on), Action::Refused(..)),
                "{never:?}"
            );
        }
        let fix = run(
            "rebuild",
            Phase::CreateEnv,
            "micromamba env remove -y -n proj",
        )
        .cmd(["micromamba", "create", "-y", "-n", "proj", "-f", "e.yml"]);
        let r = report(vec![entry("env.pip", Status::Fail, Some(fix))]);
        let p = plan(&r, &on);
        assert_eq!(
            p.steps[0].actions[0],
            Action::Export(
                sv(&["micromamba", "env", "export", "-n", "proj"]),
                PathBuf::from("/state/proj-T.yml")
            )
        );
        assert!(matches!(p.steps[0].actions[1], Action::Run(_)));
        // Without the flag the removal is refused, and so is the create that would replace it.
        let p = plan(&r, &off);
        assert!(p.steps[0]
            .actions
            .iter()
            .all(|a| matches!(a, Action::Refused(..))));
        let script = render_script(&p, Path::new("/p"));
        assert!(
            !script.lines().any(|l| l.starts_with("micromamba")),
            "{script}"
        );
        assert_eq!(p.command_count(), 0);
    }

    #[test]
    fn steps_made_moot_by_a_re_created_env_are_left_out() {
        let on = PlanOptions {
            allow_destructive: true,
            ..PlanOptions::default()
        };
        let r = report(vec![
            entry(
                "env.python",
                Status::Fail,
                Some(run(
                    "py",
                    Phase::UpdateEnv,
                    "micromamba install -y -n proj python=3.11",
                )),
            ),
            entry(
                "env.pip",
                Status::Fail,
                Some(
                    run(
                        "rebuild",
                        Phase::CreateEnv,
                        "micromamba env remove -y -n proj",
                    )
                    .cmd(crate::words("micromamba create -y -n proj -f e.yml")),
                ),
            ),
            entry(
                "env.other",
                Status::Warn,
                Some(run(
                    "x",
                    Phase::UpdateEnv,
                    "micromamba install -y -n other x",
                )),
            ),
        ]);
        let p = plan(&r, &on);
        let ids: Vec<_> = p.steps.iter().map(|s| s.check_id.as_str()).collect();
        assert_eq!(ids, ["env.pip", "env.other"]);
        assert_eq!(p.moot, ["env.python"]);
    }

    #[test]
    fn a_removal_never_ends_the_plan_without_its_re_create() {
        let on = PlanOptions {
            allow_destructive: true,
            ..PlanOptions::default()
        };
        let create = ["micromamba", "create", "-y", "-n", "proj", "-f", "e.yml"];
        let rebuild = run(
            "rebuild",
            Phase::CreateEnv,
            "micromamba env remove -y -n proj",
        )
        .cmd(create);
        // An earlier step creates proj from its file: the rebuild is moot.
        let r = report(vec![
            entry(
                "env.exists",
                Status::Fail,
                Some(Fix::new("c").phase(Phase::CreateEnv).cmd(create)),
            ),
            entry("acme.rebuild", Status::Fail, Some(rebuild.clone())),
        ]);
        let p = plan(&r, &on);
        let runs: Vec<_> = p.steps.iter().flat_map(|s| s.runnable()).collect();
        assert_eq!(runs, [&sv(&create)]);
        assert_eq!(p.moot, ["acme.rebuild"]);
        // An earlier step ran the same create, not from the file: after the removal the
        // step's create is kept although it was seen, so the environment is not left removed.
        let bare = ["micromamba", "create", "-y", "-n", "proj", "python=3.11"];
        let r = report(vec![
            entry(
                "x.first",
                Status::Fail,
                Some(Fix::new("c").phase(Phase::CreateEnv).cmd(bare)),
            ),
            entry(
                "acme.rebuild",
                Status::Fail,
                Some(
                    run(
                        "rebuild",
                        Phase::CreateEnv,
                        "micromamba env remove -y -n proj",
                    )
                    .cmd(bare),
                ),
            ),
        ]);
        let p = plan(&r, &on);
        let last = p.steps.last().unwrap().runnable().last().unwrap().clone();
        assert_eq!(last, sv(&bare));
        assert_eq!(p.steps[1].duplicates, 0);
    }

    #[test]
    fn untrusted_pack_fixes_are_refused_everywhere() {
        let mut e = entry(
            "acme.tool",
            Status::Fail,
            Some(Fix::new("x").cmd(["micromamba", "install", "-y", "-n", "p", "x"])),
        );
        e.meta.origin = Origin::Pack(PathBuf::from("/p/.devdoctor/checks/a.toml"));
        let r = report(vec![e]);
        let untrusted = PlanOptions {
            trusted: false,
            ..PlanOptions::default()
        };
        let p = plan(&r, &untrusted);
        assert!(matches!(p.steps[0].actions[0], Action::Refused(..)));
        assert_eq!(p.command_count(), 0);
        assert!(!render_script(&p, Path::new("/p")).contains("\nmicromamba"));
        assert!(render_plan(&p).contains("untrusted"));
        assert_eq!(plan(&r, &PlanOptions::default()).command_count(), 1);
    }

    #[test]
    fn a_first_step_for_a_person_blocks_the_step() {
        let r = report(vec![entry(
            "mamba.shell",
            Status::Warn,
            Some(
                run(
                    "init",
                    Phase::Configure,
                    "micromamba shell init --shell bash",
                )
                .manual("first delete the block starting at ~/.bashrc:3"),
            ),
        )]);
        let p = plan(&r, &PlanOptions::default());
        assert!(p.steps[0].blocked());
        let script = render_script(&p, Path::new("/p"));
        let exit = script.find("exit 1").expect("script stops");
        assert!(
            exit < script.find("\nmicromamba shell init").unwrap(),
            "{script}"
        );
        assert!(render_next_steps(&p).contains("1. first delete the block"));
    }

    #[test]
    fn without_a_package_manager_the_script_installs_micromamba_first() {
        let r = report(vec![
            entry(
                "mamba.installed",
                Status::Fail,
                Some(crate::fix::install_micromamba()),
            ),
            entry(
                "env.exists",
                Status::Fail,
                Some(run(
                    "c",
                    Phase::CreateEnv,
                    "micromamba create -y -n proj -f e.yml",
                )),
            ),
        ]);
        let p = plan(&r, &PlanOptions::default());
        assert!(p.bootstrap);
        let s = render_script(&p, Path::new("/p"));
        assert!(s.contains("micro.mamba.pm/install.sh"), "{s}");
        assert!(
            s.contains("\n\"$DEVDOCTOR_MAMBA\" create -y -n proj -f e.yml\n"),
            "{s}"
        );
    }
}
