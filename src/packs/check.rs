//! A pack check at run time: applicability, the probe, the severity and the fix with its
//! placeholders filled in for this machine.

use super::model::{FixTemplate, PackCheckDef, Probe};
use super::placeholders::Vars;
use super::{files, http, probe};
use crate::core::{Check, CheckMeta, CheckResult, Context, Fix, Status};

pub struct PackCheck {
    pub def: PackCheckDef,
    /// A project's own pack: its file probes read only inside the project.
    confined: bool,
}

impl PackCheck {
    /// A pack that ships with devdoctor or that the user named with `--checks`.
    pub fn new(def: PackCheckDef) -> PackCheck {
        PackCheck {
            def,
            confined: false,
        }
    }

    /// A pack of the project itself (`.devdoctor/checks`, `[checks] packs`): trusted or not,
    /// its file probes never read outside the project (symlinks resolved).
    pub fn project(def: PackCheckDef) -> PackCheck {
        PackCheck {
            def,
            confined: true,
        }
    }
}

/// Fills in a fix for this run. A command whose placeholders have no value here (no env
/// name) becomes a manual step with `<env-name>` for the person to fill in.
pub fn render_fix(t: &FixTemplate, vars: &Vars) -> Fix {
    let mut fix = Fix::new(vars.expand_for_display(&t.why)).phase(t.phase);
    for argv in &t.commands {
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

    fn run(&self, ctx: &Context) -> CheckResult {
        let def = &self.def;
        let mut vars = Vars::from_context(ctx);
        vars.confined = self.confined;
        if let Some(why) = probe::not_applicable(ctx, &vars, &def.when) {
            return CheckResult::skip(format!("not applicable: {why}"));
        }
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
                r.fix = Some(render_fix(t, &vars));
            }
        }
        r
    }
}
