//! A pack check at run time: applicability, the probe, the severity and the fix with its
//! placeholders filled in for this machine.

use super::model::{FixTemplate, PackCheckDef, Probe};
use super::placeholders::Vars;
use super::{files, http, probe};
use crate::core::{Check, CheckMeta, CheckResult, Context, Early, Fix, Outcome, Status};

pub(crate) struct PackCheck {
    pub def: PackCheckDef,
    /// A project's own pack: its file probes read only inside the project.
    confined: bool,
}

impl PackCheck {
    /// A pack that ships with devdoctor or that the user named with `--checks`.
    pub(crate) fn new(def: PackCheckDef) -> PackCheck {
        PackCheck {
            def,
            confined: false,
        }
    }

    /// A pack of the project itself (`.devdoctor/checks`, `[checks] packs`): trusted or not,
    /// its file probes never read outside the project (symlinks resolved).
    pub(crate) fn project(def: PackCheckDef) -> PackCheck {
        PackCheck {
            def,
            confined: true,
        }
    }
}

/// Fills in a fix for this run. A command whose placeholders have no value here (no env
/// name) becomes a manual step with `<env-name>` for the person to fill in.
pub(crate) fn render_fix(t: &FixTemplate, vars: &Vars) -> Fix {
    let mut fix = Fix::new(vars.expand_for_display(&t.why)).phase(t.phase);
    for argv in &t.commands {
        // `env update -f FILE` before FILE exists (env.file proposes it) cannot run.
        if let Some(line) = vars
            .needs_a_manager(argv)
            .or_else(|| vars.waits_for_env_file(argv))
        {
            fix.manual.push(line);
            continue;
        }
        match vars.expand_command(argv) {
            Ok(argv) => fix.commands.push(argv),
            Err(line) => fix.manual.push(format!(
                "{line}   (name the environment: --env NAME or `name:` in the environment file)"
            )),
        }
    }
    for m in &t.manual {
        fix.manual.push(vars.expand_for_display(m));
    }
    fix
}

impl Check for PackCheck {
    fn meta(&self) -> &CheckMeta {
        &self.def.meta
    }

    /// HTTP and TCP probes ask a server that may still be starting, whatever the category.
    fn waits_for_server(&self) -> bool {
        matches!(self.def.probe, Probe::Http(_) | Probe::Tcp(_))
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let def = &self.def;
        let mut vars = Vars::from_context(ctx);
        vars.confined = self.confined;
        if let Some(why) = probe::not_applicable(ctx, &vars, &def.when) {
            return Err(Early::skip(format!("not applicable: {why}")));
        }
        if def.when.build_context.is_empty() {
            return Ok(self.run_once(ctx, &vars));
        }
        let contexts = contexts_holding(ctx, &def.when.build_context);
        if contexts.is_empty() {
            return Err(Early::skip(format!(
                "not applicable: {}",
                no_context_reason(ctx, &def.when.build_context)
            )));
        }
        let results: Vec<CheckResult> = contexts
            .into_iter()
            .map(|(c, ignore)| {
                let mut v = vars.clone();
                v.build_context = Some(c);
                v.dockerignore = Some(ignore);
                self.run_once(ctx, &v)
            })
            .collect();
        Ok(fold_contexts(results))
    }
}

/// The build contexts (relative to the project, `.` for its root) that hold one of `names`,
/// once for each ignore file their builds read (as shown). A link counts as itself (Docker
/// sends the link, not what it points to), and what it points to is never looked at.
fn contexts_holding(ctx: &Context, names: &[String]) -> Vec<(String, String)> {
    crate::probes::dockerfile::build_contexts(ctx)
        .into_iter()
        .filter(|c| names.iter().any(|n| c.join(n).symlink_metadata().is_ok()))
        .flat_map(|c| {
            let shown = shown_context(ctx, &c);
            crate::probes::dockerfile::context_ignore_files(ctx, &c)
                .into_iter()
                .map(move |i| {
                    // The context's own file as `{build_context}/.dockerignore` shows it.
                    let ignore = match i.strip_prefix(&c) {
                        Ok(rel) => format!("{shown}/{}", rel.display()),
                        Err(_) => ctx.settings.display_path(&i),
                    };
                    (shown.clone(), ignore)
                })
        })
        .collect()
}

fn shown_context(ctx: &Context, dir: &std::path::Path) -> String {
    let shown = ctx.settings.display_path(dir);
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

/// Why no build context holds any of `names`, naming the contexts looked at.
fn no_context_reason(ctx: &Context, names: &[String]) -> String {
    let all: Vec<String> = crate::probes::dockerfile::build_contexts(ctx)
        .iter()
        .map(|c| shown_context(ctx, c))
        .collect();
    if all.is_empty() {
        "the project has no Docker build (no Dockerfile, no compose `build:`)".to_string()
    } else {
        format!(
            "no {} in the Docker build context{} ({})",
            names.join(" or "),
            if all.len() == 1 { "" } else { "s" },
            all.join(", ")
        )
    }
}

/// One result over every build context: the worst status; the first problem's summary (with
/// a count when several contexts have one); every problem's fix steps, in context order.
fn fold_contexts(results: Vec<CheckResult>) -> CheckResult {
    let worst = results.iter().map(|r| r.status).max().unwrap_or(Status::Ok);
    let mut bad: Vec<CheckResult> = results
        .iter()
        .filter(|r| r.status == worst)
        .cloned()
        .collect();
    if worst <= Status::Skip || bad.len() == 1 {
        return bad.swap_remove(0);
    }
    let n = bad.len();
    let mut first = bad.remove(0);
    first.summary = format!("{n} build contexts; first: {}", first.summary);
    for other in bad {
        first.details.push(other.summary);
        first.details.extend(other.details);
        first.locations.extend(other.locations);
        if let (Some(f), Some(o)) = (first.fix.as_mut(), other.fix) {
            f.commands.extend(o.commands);
            f.manual.extend(o.manual);
        }
    }
    first
}

impl PackCheck {
    /// The probe once, with the severity, message and fix of the definition.
    fn run_once(&self, ctx: &Context, vars: &Vars) -> CheckResult {
        let def = &self.def;
        let vars = vars.clone();
        let mut r = match &def.probe {
            Probe::Command(p) => probe::command(ctx, &vars, p),
            Probe::File(p) => files::probe(ctx, &vars, p, probe::budget(ctx, p.timeout)),
            Probe::Http(p) => http::probe(ctx, &vars, p),
            Probe::Tcp(p) => probe::tcp(ctx, &vars, p),
            Probe::Env(p) => probe::env(ctx, p),
        };
        if r.status == Status::Fail {
            r.status = def.severity;
            if let Some(m) = &def.message {
                let probe_said = std::mem::replace(&mut r.summary, vars.expand_for_display(m));
                r.details.insert(0, probe_said);
            }
            if let Some(t) = &def.fix {
                let mut fix = render_fix(t, &vars);
                // The probe's matcher gave a step of its own for some of the matches (a line
                // that installs the project itself keeps it, with `--no-deps`): it comes first,
                // and alone where it mends every match.
                if let Some(own) = r.fix.take() {
                    if r.data.get("amends_only") == Some(&serde_json::Value::Bool(true)) {
                        fix = Fix {
                            phase: t.phase,
                            ..own
                        };
                    } else {
                        fix.manual.splice(0..0, own.manual);
                    }
                }
                r.fix = Some(fix);
            }
        }
        r
    }
}
