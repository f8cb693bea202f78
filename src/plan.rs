//! The one fix planner: the fixes of the checks that warn or fail, ordered (install tools,
//! configure, create environments, update them, lock, runtime), each command once, each
//! classified as run / manual / refused. Every surface (the human report's next steps,
//! `fix --dry-run`, `fix --script`, `fix --yes`, the JSON report) renders this one plan.

use crate::core::{Phase, Status};
use crate::fix::{argv_calls_pip, quote_argv, text_calls_pip};
use crate::report::Report;
use colored::Colorize;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

/// Programs `devdoctor fix` will run (matched on the file name of argv[0]).
pub const ALLOWED: &[&str] = &["micromamba", "mamba", "conda", "conda-lock"];

/// How long one command may take (creating an environment can download gigabytes).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What may happen to a command of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Allowlisted: `devdoctor fix --yes` runs it.
    Run(Vec<String>),
    /// Shown for a person to run (the program is not allowlisted).
    Manual(Vec<String>),
    /// Calls pip: never run, never put in a script as a command.
    Refused(Vec<String>),
}

/// One check's fix in the plan.
#[derive(Debug, Clone)]
pub struct Step {
    pub check_id: String,
    pub status: Status,
    pub summary: String,
    pub phase: Phase,
    pub why: String,
    pub actions: Vec<Action>,
    pub manual: Vec<String>,
    /// Commands dropped because an earlier step already runs them.
    pub duplicates: usize,
}

impl Step {
    pub fn runnable(&self) -> impl Iterator<Item = &Vec<String>> {
        self.actions.iter().filter_map(|a| match a {
            Action::Run(argv) => Some(argv),
            _ => None,
        })
    }
}

/// The ordered, de-duplicated repair plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Problems without a fix: (id, status, summary).
    pub unfixable: Vec<(String, Status, String)>,
}

impl Plan {
    pub fn command_count(&self) -> usize {
        self.steps.iter().map(|s| s.runnable().count()).sum()
    }
}

/// Whether `argv` may be run by `devdoctor fix`.
pub fn classify(argv: &[String]) -> Action {
    if argv_calls_pip(argv) {
        return Action::Refused(argv.to_vec());
    }
    let program = argv.first().map(String::as_str).unwrap_or("");
    let base = Path::new(program)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("");
    // A relative path (`./micromamba`, `tools/conda`) would run a file from the repository.
    let relative_path = program.contains('/') && !program.starts_with('/');
    // `micromamba run …` / `conda run …` runs another program: only an allowlisted one, by name.
    let runs_other_program = argv.get(1).is_some_and(|sub| sub == "run")
        && !run_target(&argv[2..]).is_some_and(|p| ALLOWED.contains(&p) && !p.contains('/'));
    if ALLOWED.contains(&base) && !relative_path && !runs_other_program {
        Action::Run(argv.to_vec())
    } else {
        Action::Manual(argv.to_vec())
    }
}

/// The program `<tool> run [OPTIONS] PROGRAM …` would start.
fn run_target(args: &[String]) -> Option<&str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-n" | "--name" | "-p" | "--prefix" | "--cwd" | "-e" | "--env" | "-r"
            | "--root-prefix" => {
                it.next();
            }
            "--" => return it.next().map(String::as_str),
            flag if flag.starts_with('-') => {}
            program => return Some(program),
        }
    }
    None
}

/// Builds the plan from a report: fixes of warn/fail checks, by phase then check order,
/// each command once.
pub fn plan(report: &Report) -> Plan {
    let mut entries: Vec<(usize, &crate::report::Entry)> = report
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.result.status, Status::Warn | Status::Fail))
        .filter(|(_, e)| e.result.fix.is_some())
        .collect();
    entries.sort_by_key(|(i, e)| (e.result.fix.as_ref().map(|f| f.phase), *i));
    let mut seen: Vec<Vec<String>> = Vec::new();
    let mut steps = Vec::new();
    for (_, e) in entries {
        let fix = e.result.fix.as_ref().expect("filtered on fix");
        let mut actions = Vec::new();
        let mut duplicates = 0;
        for argv in &fix.commands {
            if argv.is_empty() {
                continue;
            }
            if seen.contains(argv) {
                duplicates += 1;
                continue;
            }
            seen.push(argv.clone());
            actions.push(classify(argv));
        }
        steps.push(Step {
            check_id: e.meta.id.clone(),
            status: e.result.status,
            summary: e.result.summary.clone(),
            phase: fix.phase,
            why: fix.why.clone(),
            actions,
            manual: fix
                .manual
                .iter()
                .filter(|m| !text_calls_pip(m))
                .cloned()
                .collect(),
            duplicates,
        });
    }
    let unfixable = report
        .entries
        .iter()
        .filter(|e| e.result.status.is_problem() && e.result.fix.is_none())
        .map(|e| (e.meta.id.clone(), e.result.status, e.result.summary.clone()))
        .collect();
    Plan { steps, unfixable }
}

fn mark(status: Status) -> colored::ColoredString {
    crate::report::human::symbol(status)
}

/// The plan for a person.
pub fn render_plan(plan: &Plan) -> String {
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
        let _ = writeln!(
            out,
            "{}. {} {} {}",
            n + 1,
            mark(s.status),
            s.check_id.bold(),
            s.summary
        );
        let _ = writeln!(out, "   {}", s.why);
        for a in &s.actions {
            let _ = match a {
                Action::Run(argv) => {
                    writeln!(out, "   {} {}", "$".dimmed(), quote_argv(argv).bold())
                }
                Action::Manual(argv) => writeln!(
                    out,
                    "   {} {}  {}",
                    "manual:".dimmed(),
                    quote_argv(argv),
                    "(not run by devdoctor)".dimmed()
                ),
                Action::Refused(argv) => writeln!(
                    out,
                    "   {} {}",
                    "refused (calls pip):".red(),
                    quote_argv(argv)
                ),
            };
        }
        for m in &s.manual {
            let _ = writeln!(out, "   {} {m}", "manual:".dimmed());
        }
        if s.duplicates > 0 {
            let _ = writeln!(
                out,
                "   {}",
                format!("({} command(s) already in an earlier step)", s.duplicates).dimmed()
            );
        }
    }
    if !plan.unfixable.is_empty() {
        let _ = writeln!(out, "\nNo automatic fix:");
        for (id, st, summary) in &plan.unfixable {
            let _ = writeln!(out, "  {} {} {summary}", mark(*st), id.bold());
        }
    }
    out
}

fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let clean: String = line
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(out, "# {clean}");
    }
}

/// The plan as a POSIX sh script: `set -eu`, every word quoted, manual steps as comments.
pub fn render_script(plan: &Plan, project_dir: &Path) -> String {
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
    if plan.steps.is_empty() {
        comment(&mut out, "Nothing to fix.");
    }
    for (n, s) in plan.steps.iter().enumerate() {
        out.push('\n');
        comment(
            &mut out,
            &format!("{}. {} ({}): {}", n + 1, s.check_id, s.status, s.summary),
        );
        comment(&mut out, &s.why);
        for a in &s.actions {
            match a {
                Action::Run(argv) => {
                    let _ = writeln!(out, "{}", quote_argv(argv));
                }
                Action::Manual(argv) => comment(&mut out, &format!("manual: {}", quote_argv(argv))),
                Action::Refused(argv) => comment(
                    &mut out,
                    &format!("refused, calls pip: {}", quote_argv(argv)),
                ),
            }
        }
        for m in &s.manual {
            comment(&mut out, &format!("manual: {m}"));
        }
    }
    out
}

pub fn json_plan(plan: &Plan) -> serde_json::Value {
    let steps: Vec<_> = plan
        .steps
        .iter()
        .map(|s| {
            let run: Vec<_> = s.runnable().collect();
            let manual: Vec<_> = s
                .actions
                .iter()
                .filter_map(|a| match a {
                    Action::Manual(v) => Some(v),
                    _ => None,
                })
                .collect();
            let refused: Vec<_> = s
                .actions
                .iter()
                .filter_map(|a| match a {
                    Action::Refused(v) => Some(v),
                    _ => None,
                })
                .collect();
            serde_json::json!({
                "check": s.check_id, "status": s.status, "phase": s.phase, "why": s.why,
                "commands": run, "manual_commands": manual, "refused": refused, "manual": s.manual,
            })
        })
        .collect();
    let unfixable: Vec<_> = plan
        .unfixable
        .iter()
        .map(|(id, st, summary)| serde_json::json!({"check": id, "status": st, "summary": summary}))
        .collect();
    serde_json::json!({"steps": steps, "unfixable": unfixable})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CheckMeta, CheckResult, Fix, Origin};
    use crate::report::Entry;

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
                Some(
                    Fix::new("lock")
                        .phase(Phase::Lock)
                        .cmd(["conda-lock", "lock"]),
                ),
            ),
            entry(
                "env.python",
                Status::Fail,
                Some(Fix::new("py").phase(Phase::UpdateEnv).cmd([
                    "micromamba",
                    "install",
                    "python=3.11",
                ])),
            ),
            entry(
                "env.exists",
                Status::Fail,
                Some(Fix::new("create").phase(Phase::CreateEnv).cmd([
                    "micromamba",
                    "create",
                    "-f",
                    "e.yml",
                ])),
            ),
            entry(
                "mamba.installed",
                Status::Fail,
                Some(
                    Fix::new("tool")
                        .phase(Phase::InstallTool)
                        .cmd(["brew", "install", "micromamba"])
                        .manual("curl …"),
                ),
            ),
            entry(
                "env.pip",
                Status::Fail,
                Some(
                    Fix::new("rebuild")
                        .phase(Phase::CreateEnv)
                        .cmd(["micromamba", "create", "-f", "e.yml"])
                        .cmd(["pip", "uninstall", "x"]),
                ),
            ),
            entry(
                "env.ok",
                Status::Ok,
                Some(Fix::new("never").cmd(["micromamba", "x"])),
            ),
            entry("env.unknown", Status::Unknown, None),
        ]);
        let p = plan(&r);
        let ids: Vec<_> = p.steps.iter().map(|s| s.check_id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "mamba.installed",
                "env.exists",
                "env.pip",
                "env.python",
                "env.lock"
            ]
        );
        assert!(matches!(p.steps[0].actions[0], Action::Manual(_)));
        assert_eq!(p.steps[2].duplicates, 1);
        assert!(matches!(p.steps[2].actions[0], Action::Refused(_)));
        assert_eq!(p.command_count(), 3);
        assert_eq!(p.unfixable.len(), 1);
    }

    #[test]
    fn allowlist_matches_the_basename() {
        let a = |v: &[&str]| classify(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
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
            Action::Manual(_)
        ));
        assert!(matches!(
            a(&["micromamba", "run", "-n", "x", "--", "./conda-lock"]),
            Action::Manual(_)
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
            Action::Refused(_)
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
                        "it's $(x)",
                        "-f",
                        "env file.yml",
                    ])
                    .cmd(["brew", "install", "micromamba"])
                    .manual("edit `x`; rm -rf ~\n and more"),
            ),
        )]);
        let s = render_script(&plan(&r), Path::new("/tmp/my project"));
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
                "it's $(x)",
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
}
