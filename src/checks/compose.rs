//! Built-in `compose.*` checks: the compose part of the container policy and
//! CIS Docker 5.x, per service, with the service name and line of every finding.

mod rules;
mod table;
#[cfg(test)]
mod tests;

pub(crate) use super::Finding;
pub(crate) use rules::Lookup;
pub(crate) use table::RULES;

use crate::checks::dockerfile::Verdict;
use crate::core::{Check, CheckResult, Context, Early, Fix, Location, Outcome, Phase, Status};
use crate::probes::compose::{compose, ComposeFacts, ComposeService};
use std::path::Path;
use std::sync::Arc;

/// One compose rule.
pub(crate) struct Rule {
    pub id: &'static str,
    pub code: &'static str,
    pub title: &'static str,
    pub explain: &'static str,
    pub ok: &'static str,
    pub judge: fn(&ComposeService, &dyn Lookup) -> Vec<Finding>,
    /// Manual steps for the services named.
    pub steps: fn(&[String]) -> Vec<String>,
    /// What to do, first in the fix.
    pub action: &'static str,
    /// Why, in a few words, after it.
    pub why: &'static str,
    /// Whether the rule judges compose files that deploy nothing too: a dev container's
    /// (under `.devcontainer/`, which an editor runs as the developer's workspace) and a test
    /// run's (`docker-compose.test.yml`, `compose.ci.yaml`, or under `tests/`, which start
    /// throw-away services). The rules that harden how a service runs (user, read-only root,
    /// capabilities, limits, healthcheck) leave them out; those about the host it reaches,
    /// its ports and its secrets do not.
    pub not_deployed: bool,
    /// What the rule judges when not every service has it (an `env_file:`).
    pub subject: Option<Subject>,
}

/// See [`Rule::subject`].
pub(crate) struct Subject {
    pub has: fn(&ComposeService) -> bool,
    /// The skip's summary when no service judged has it.
    pub absent: &'static str,
}

/// Dockerfiles and local images through the other probes.
struct Engine<'a>(&'a Context);
impl Lookup for Engine<'_> {
    fn built_user(&self, dockerfile: &Path, target: Option<&str>) -> Option<(bool, String)> {
        crate::checks::dockerfile::built_user(self.0, dockerfile, target)
    }
    fn built_healthcheck(&self, dockerfile: &Path, target: Option<&str>) -> Option<bool> {
        crate::checks::dockerfile::built_healthcheck(self.0, dockerfile, target)
    }
    fn image(&self, image: &str) -> Option<(String, bool)> {
        crate::probes::docker::local_image(self.0, &crate::checks::dockerfile::with_tag(image))
            .map(|c| (c.user, c.has_healthcheck))
    }
    fn flagged(&self, dockerfile: &Path, id: &str) -> Option<String> {
        crate::checks::dockerfile::flagged(self.0, dockerfile, id)
    }
    fn final_stage_name(&self, dockerfile: &Path) -> Option<String> {
        let loaded = crate::probes::dockerfile::load_once(self.0, dockerfile);
        loaded.as_ref().as_ref().ok()?.final_stage()?.name.clone()
    }
    fn healthcheck(&self, dockerfile: &Path, test: Option<&str>) -> Vec<Verdict> {
        crate::checks::dockerfile::healthcheck_verdicts(self.0, dockerfile, test)
    }
}

use crate::policy::text::plural;

/// `compose.syntax`: every file parses and has a services mapping.
fn syntax(facts: &ComposeFacts, code: &str) -> CheckResult {
    let mut problems: Vec<(String, usize, String)> = Vec::new();
    for f in &facts.files {
        if let Some(e) = &f.error {
            problems.push((
                f.display.clone(),
                e.line,
                crate::policy::text::printable(&e.reason),
            ));
        }
        for p in &f.problems {
            problems.push((
                f.display.clone(),
                p.line,
                crate::policy::text::printable(&p.reason),
            ));
        }
    }
    if problems.is_empty() {
        // How each file was found, and the variables compose will need set.
        let mut details: Vec<String> = facts
            .files
            .iter()
            .filter(|f| f.template.is_none() && !f.role.is_empty() && f.role != f.display)
            .map(|f| format!("{}: {}", f.display, f.role))
            .collect();
        details.extend(facts.files.iter().filter_map(|f| f.left_out()));
        for f in &facts.files {
            for r in &f.required {
                details.push(format!("{}:{}: {}", f.display, r.line, r.reason));
            }
        }
        return CheckResult::ok(format!(
            "{} ({})",
            plural(
                facts.files.iter().filter(|f| f.template.is_none()).count(),
                "compose file parses",
                "compose files parse"
            ),
            plural(facts.services.len(), "service", "services")
        ))
        .details(details);
    }
    let first = problems
        .first()
        .map(|(f, _, r)| format!("{f}: {r}"))
        .unwrap_or_default();
    let summary = if problems.len() == 1 {
        first
    } else {
        format!("{} problems; first: {first}", problems.len())
    };
    let broken = |f: &&crate::probes::compose::ComposeFile| {
        (f.error.is_some() && !f.withheld) || !f.problems.is_empty()
    };
    // Files withheld from an untrusted run are not known to be broken: nothing to correct.
    if !facts.files.iter().any(|f| broken(&f)) {
        let mut r = CheckResult::unknown(summary);
        for (file, line, reason) in &problems {
            r = r.location(Location::new(file, *line, reason.clone()).rule(code));
        }
        return r;
    }
    let mut r = CheckResult::fail(summary);
    for (file, line, reason) in &problems {
        r = r.location(Location::new(file, *line, reason.clone()).rule(code));
    }
    let mut fix = Fix::new("docker compose refuses a file it cannot parse").phase(Phase::Runtime);
    for f in facts.files.iter().filter(broken) {
        // A file outside the project that an include: names is not the project's to edit:
        // the include is.
        let outside = f.display.starts_with("../") || Path::new(&f.display).is_absolute();
        let step = match f.role.strip_prefix("include: of ").filter(|_| outside) {
            Some(parent) => format!(
                "Correct the `include:` of {parent} that names {} (a file outside the project), then validate it: `{}`",
                f.display,
                validate(parent)
            ),
            None => format!(
                "Correct the reported lines in {}, then validate it: `{}`",
                f.display,
                validate(&f.display)
            ),
        };
        fix = fix.manual(step);
    }
    r.with_fix(fix)
}

/// The services `rule` judges: all, or all but those of compose files that deploy nothing.
fn judged<'a>(rule: &Rule, facts: &'a ComposeFacts) -> impl Iterator<Item = &'a ComposeService> {
    let all = rule.not_deployed;
    facts
        .services
        .iter()
        .filter(move |s| all || crate::probes::files::not_deployed(&s.display).is_none())
}

/// What `rule` found over the services it judges: the problems (each place reported once: a
/// base service judged again inside an override variant finds the same thing at the same
/// place), the notes of what passed, and the services whose finding another check already
/// reports (a skip that points there).
struct Judged<'a> {
    problems: Vec<(&'a ComposeService, Finding)>,
    notes: Vec<String>,
    pointers: Vec<String>,
}

fn judge<'a>(ctx: &Context, rule: &Rule, facts: &'a ComposeFacts) -> Judged<'a> {
    let look = Engine(ctx);
    let mut problems: Vec<(&ComposeService, Finding)> = Vec::new();
    let mut notes = Vec::new();
    let mut pointers = Vec::new();
    for s in judged(rule, facts) {
        for f in (rule.judge)(s, &look) {
            let f = Finding {
                message: crate::policy::text::printable(&f.message),
                ..f
            };
            let place = s.locate(f.line);
            if matches!(f.status, Status::Ok | Status::Skip) {
                let note = format!("{}:{}: {}", place.0, place.1, f.message);
                if !notes.contains(&note) {
                    notes.push(note);
                }
                if f.status == Status::Skip && !pointers.contains(&f.message) {
                    pointers.push(f.message.clone());
                }
            } else if !problems
                .iter()
                .any(|(o, g)| o.locate(g.line) == place && g.message == f.message)
            {
                problems.push((s, f));
            }
        }
    }
    Judged {
        problems,
        notes,
        pointers,
    }
}

/// `docker compose config --quiet` over `file`: it validates an edit, it fixes nothing, so a fix
/// names it in a manual step after the edit (as a command, `fix` would run it before the edit
/// and "Next steps" would show it instead of the edit).
fn validate(file: &str) -> String {
    crate::fix::quote_argv(&["docker", "compose", "-f", file, "config", "--quiet"])
}

/// The locations and the fix of a rule with problems: the services named in its steps, then
/// `docker compose config` over each affected file.
fn problem_result(
    rule: &Rule,
    mut r: CheckResult,
    problems: &[(&ComposeService, Finding)],
) -> CheckResult {
    let mut names: Vec<String> = Vec::new();
    let mut files: Vec<String> = Vec::new();
    for (s, f) in problems {
        // The file the finding is in: an override's (compose.dev.yml) rather than the file
        // that first defines the service, when the override set the value.
        let (file, line) = s.locate(f.line);
        r = r.location(Location::new(file, line, f.message.clone()).rule(rule.code));
        let label = format!("`{}` in {file}", s.name);
        if !names.contains(&label) {
            names.push(label);
        }
        if !files.iter().any(|f| f == file) {
            files.push(file.to_string());
        }
    }
    let mut fix = Fix::new(format!(
        "{} — {}.",
        rule.action,
        super::dockerfile::lower_first(rule.why)
    ))
    .phase(Phase::Runtime);
    for step in (rule.steps)(&names) {
        fix = fix.manual(step);
    }
    for f in &files {
        fix = fix.manual(format!("Then validate {f}: `{}`", validate(f)));
    }
    r.with_fix(fix)
}

/// Runs `rule` over every service and folds the findings into one result.
/// Why `rule` has no service to judge: every one deploys nothing, or none has its subject.
fn nothing_to_judge(rule: &Rule, facts: &ComposeFacts) -> Option<String> {
    if judged(rule, facts).next().is_none() {
        let mut files: Vec<&str> = facts.services.iter().map(|s| s.display.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        let all_dev = files
            .iter()
            .all(|f| crate::probes::files::in_dev_container(f));
        return Some(if all_dev {
            format!("only a dev container's compose file ({}): an editor runs it as the developer's workspace, not as a service", files.join(", "))
        } else {
            format!("only compose files that deploy nothing ({}): a dev container's or a test run's, which start throw-away services", files.join(", "))
        });
    }
    let subject = rule.subject.as_ref()?;
    (!judged(rule, facts).any(subject.has)).then(|| subject.absent.to_string())
}

pub(crate) fn lint(ctx: &Context, rule: &Rule) -> Outcome {
    let facts = compose(ctx);
    if facts.is_empty() {
        return Err(Early::skip(
            "no compose file in the project (looked for compose*.yml/yaml and docker-compose*.yml/yaml, subfolders included)",
        ));
    }
    // Only templates for a script: there is no compose file to judge as written.
    if facts.files.iter().all(|f| f.template.is_some()) {
        let why: Vec<String> = facts.files.iter().filter_map(|f| f.left_out()).collect();
        return Err(Early::skip(why.join("; ")));
    }
    if rule.id == "compose.syntax" {
        return Ok(syntax(&facts, rule.code));
    }
    let broken: Vec<String> = facts
        .files
        .iter()
        .filter_map(|f| {
            f.error
                .as_ref()
                .map(|e| format!("{}: {}", f.display, e.reason))
        })
        .collect();
    if facts.services.is_empty() {
        return Err(if broken.is_empty() {
            Early::skip("the compose files define no services")
        } else {
            Early::from(
                CheckResult::unknown(format!(
                    "could not read {} (see compose.syntax)",
                    plural(broken.len(), "compose file", "compose files")
                ))
                .details(broken),
            )
        });
    }
    if broken.is_empty() {
        if let Some(why) = nothing_to_judge(rule, &facts) {
            return Err(Early::skip(why));
        }
    }
    let Judged {
        problems,
        notes,
        pointers,
    } = judge(ctx, rule, &facts);
    let mut result = match crate::checks::fold(problems.iter().map(|(_, f)| f)) {
        Some(r) => problem_result(rule, r.details(broken).details(pointers.clone()), &problems),
        // Every service left is one whose Dockerfile's check reports the same cause.
        None if broken.is_empty() && !pointers.is_empty() => {
            let summary = match pointers.as_slice() {
                [one] => one.clone(),
                many => format!(
                    "{} build Dockerfiles whose own check reports this (see {})",
                    plural(many.len(), "service", "services"),
                    many.first()
                        .and_then(|m| m.rsplit_once("(see "))
                        .map_or("dockerfile.*", |(_, see)| see.trim_end_matches(')'))
                ),
            };
            CheckResult::skip(summary)
        }
        None if broken.is_empty() => CheckResult::ok(format!(
            "{} ({})",
            rule.ok,
            plural(judged(rule, &facts).count(), "service", "services")
        )),
        None => CheckResult::unknown(format!(
            "{} in the readable files, but {} could not be read (see compose.syntax)",
            rule.ok,
            plural(broken.len(), "compose file", "compose files")
        ))
        .details(broken),
    };
    if !result.status.is_problem() {
        result = result.details(notes);
    }
    if !rule.not_deployed {
        for why in crate::probes::files::NOT_DEPLOYED {
            // Named with their file: a dev container's compose often runs a service of the
            // deployment's file under the same name, which is judged there.
            let left_out: Vec<String> = facts
                .services
                .iter()
                .filter(|s| crate::probes::files::not_deployed(&s.display) == Some(why))
                .map(|s| format!("{} ({})", s.name, s.display))
                .collect();
            if !left_out.is_empty() {
                result = result.detail(format!(
                    "left out, as {why} services: {}",
                    left_out.join(", ")
                ));
            }
        }
    }
    Ok(result)
}

impl super::TableRule for Rule {
    fn names(&self) -> [&'static str; 3] {
        [self.id, self.title, self.explain]
    }
    fn lint(&'static self, ctx: &Context) -> Outcome {
        lint(ctx, self)
    }
    fn applies(&self, table: &'static str) -> &'static str {
        if self.not_deployed {
            table
        } else {
            "Every service of every compose file in the project (overrides, include: and extends: merged) but those that deploy nothing: a dev container's (under .devcontainer/, which an editor runs as the developer's workspace) and a test run's (docker-compose.test.yml, compose.ci.yaml, or under tests/); skips when there is no other."
        }
    }
}

/// The registry entries of this area: one per rule of the table.
pub(crate) fn checks() -> Vec<Arc<dyn Check>> {
    super::table(
        RULES,
        "Every service of every compose file in the project (overrides, include: and extends: merged); skips when there is none.",
    )
}
