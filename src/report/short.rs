//! The default human report: one line per area that is entirely fine, one line per problem
//! with its evidence (file:line) and a pointer to the step of "Next steps" that fixes it,
//! skipped checks folded into one count per area, the summary, and the plan's "Next steps"
//! at the end. A problem whose fix is not in the plan shows that fix under it: the action
//! first, the reason on one short line under it. `-v` keeps the full listing of
//! [`super::human::render`].
//!
//! Grouping: a check that only repeats another's failure (its summary says "(see ID)" and it
//! has no fix of its own) is named on that check's line instead of getting its own; places
//! with the same message are printed once; a fix identical to one already shown says so
//! instead of repeating it.

use super::human::{summary_line, symbol};
use super::{by_category, place, shown_path, Entry, Report};
use crate::core::{Fix, Status};
use crate::fix::quote_argv;
use crate::policy::text::plural;
use colored::Colorize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// What the short report needs beyond the report itself.
pub(crate) struct ShortOptions<'a> {
    /// `-q`: only the problems and the plan.
    pub quiet: u8,
    /// Columns to wrap at.
    pub width: usize,
    /// The plan's "Next steps" block, as `plan::render_next_steps` renders it (empty: nothing to do).
    pub next_steps: &'a str,
    /// The plan's steps in order, by the checks each fixes: a problem points at its step
    /// ("→ step 3") instead of repeating the command the step shows.
    pub steps: &'a [Vec<String>],
    /// Checks whose fix an earlier step makes moot.
    pub moot: &'a [String],
    /// Locations inside it are shown relative to it.
    pub project_dir: Option<&'a Path>,
}

/// The widest name column; longer ids push their text right instead of widening every line.
const MAX_NAME: usize = 22;
/// Indent of the lines under a problem (evidence, fix, reason).
const SUB: &str = "    ";

/// The terminal width to wrap at: `COLUMNS` when set, else the terminal's width when stdout is
/// one, else 80.
pub(crate) fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w > 0)
        .unwrap_or(80)
}

/// Appends `text` wrapped at `width`: the first line starts with `first`, the others with
/// `hang`. Words (commands, paths, package names) are never split.
fn push_wrapped(out: &mut String, first: &str, hang: &str, text: &str, width: usize) {
    let opts = textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(hang)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    for line in textwrap::wrap(text, opts) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// A skipped check's reason in a few words.
fn skip_reason(summary: &str) -> String {
    if let Some(id) = super::pointers::see_ref(summary) {
        return format!("waits on {id}");
    }
    if summary.starts_with("not applicable") {
        return "not applicable".to_string();
    }
    let cut = [summary.find(": "), summary.find(" (")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(summary.len());
    summary[..cut].trim().to_string()
}

/// "3 skipped: not applicable", or "3 skipped (-v says why)" when the reasons differ.
fn skipped_text(skipped: &[&Entry]) -> String {
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for e in skipped {
        let r = skip_reason(&e.result.summary);
        match reasons.iter_mut().find(|(x, _)| *x == r) {
            Some((_, n)) => *n += 1,
            None => reasons.push((r, 1)),
        }
    }
    if reasons.len() > 1 {
        return format!("{} skipped (-v says why)", skipped.len());
    }
    let why = reasons.remove(0).0;
    format!("{} skipped: {why}", skipped.len())
}

/// The parenthesised tail every summary shares ("(1 Dockerfile)"), if they all share one.
fn common_tail<'a>(entries: &[&'a Entry]) -> Option<&'a str> {
    let tail = |e: &'a Entry| {
        let s = e.result.summary.trim_end();
        if s.ends_with(')') {
            s.rfind('(').map(|i| &s[i..])
        } else {
            None
        }
    };
    let first = tail(entries.first()?)?;
    entries
        .iter()
        .all(|e| tail(e) == Some(first))
        .then_some(first)
}

/// The first sentence of a fix's `why`, without its full stop, cut to fit one line.
fn short_reason(why: &str, room: usize) -> String {
    let mut depth = 0i32;
    let mut end = why.len();
    for (i, c) in why.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '.' if depth <= 0 && why[i + 1..].starts_with(' ') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    cut_to(why[..end].trim().trim_end_matches('.'), room)
}

/// `s` when it fits in `room` characters, else its first words and "…".
fn cut_to(s: &str, room: usize) -> String {
    if s.chars().count() <= room {
        return s.to_string();
    }
    let mut cut = String::new();
    for word in s.split(' ') {
        if cut.chars().count() + word.chars().count() + 2 > room {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// A location's path as shown (relative to the project when inside it).
fn shown(path: &Path, project_dir: Option<&Path>) -> String {
    shown_path(path, project_dir).display().to_string()
}

/// The fix's first action as a line: a command (`$ …`) or a manual step.
fn actions(fix: &Fix) -> Vec<String> {
    fix.commands
        .iter()
        .map(|c| format!("$ {}", quote_argv(c)))
        .chain(fix.manual.iter().cloned())
        .collect()
}

struct Ctx<'a> {
    opts: &'a ShortOptions<'a>,
    name_width: usize,
    folded: HashMap<&'a str, &'a str>,
    /// Fixes already shown, with the check that showed them.
    shown: Vec<(&'a Fix, &'a str)>,
    /// Areas where every check skipped, with how many: one line for all of them at the end.
    only_skipped: Vec<(&'a str, usize)>,
}

impl<'a> Ctx<'a> {
    fn line(&self, out: &mut String, sym: &str, name: &str, text: &str) {
        let pad = self.name_width.saturating_sub(name.chars().count());
        let first = format!("{sym} {}{}  ", name.bold(), " ".repeat(pad));
        let hang = " ".repeat(4 + self.name_width.max(name.chars().count()));
        push_wrapped(out, &first, &hang, text, self.opts.width);
    }

    fn problem(&mut self, out: &mut String, e: &'a Entry, report: &'a Report) {
        let r = &e.result;
        let mut text = r.summary.clone();
        let also: Vec<&Entry> = report
            .entries
            .iter()
            .filter(|x| self.folded.get(x.meta.id.as_str()) == Some(&e.meta.id.as_str()))
            .collect();
        let also_bad: Vec<&str> = also
            .iter()
            .filter(|x| x.result.status.is_problem())
            .map(|x| x.meta.id.as_str())
            .collect();
        let waiting = also.len() - also_bad.len();
        let mut notes = Vec::new();
        if !also_bad.is_empty() {
            notes.push(format!("also: {}", also_bad.join(", ")));
        }
        if waiting > 0 {
            notes.push(format!("+{waiting} skipped"));
        }
        if !notes.is_empty() {
            let _ = write!(text, " ({})", notes.join("; "));
        }
        let step = self.opts.steps.iter().position(|s| s.contains(&e.meta.id));
        let moot = self.opts.moot.contains(&e.meta.id);
        if let Some(n) = step {
            // No-break spaces: "→ step 3" never wraps apart.
            let _ = write!(text, " {}\u{a0}step\u{a0}{}", "→".cyan(), n + 1);
        } else if moot {
            let _ = write!(text, " {} an earlier step re-creates it", "→".cyan());
        }
        self.line(out, &symbol(r.status).to_string(), &e.meta.id, &text);
        self.evidence(out, e);
        match &r.fix {
            // The step shows the action; its reason is in `-v` and `explain`.
            Some(_) if step.is_some() || moot => {}
            Some(fix) => self.fix(out, fix, &e.meta.id),
            None => {}
        }
    }

    /// The evidence on one line: the first message with its places, then the places of the
    /// other findings (line numbers when they are in the same file).
    fn evidence(&self, out: &mut String, e: &Entry) {
        let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
        for loc in &e.result.locations {
            // Many checks repeat (part of) the summary as the message: give only the place.
            let msg = if e.result.summary.contains(loc.message.as_str()) {
                ""
            } else {
                loc.message.as_str()
            };
            let at = place(loc, self.opts.project_dir);
            match groups.iter_mut().find(|(m, _)| *m == msg) {
                Some((_, v)) => {
                    if !v.contains(&at) {
                        v.push(at);
                    }
                }
                None => groups.push((msg, vec![at])),
            }
        }
        let Some((msg, places)) = groups.first() else {
            return;
        };
        let mut text = if places.len() > 3 {
            format!("{} and {} more", places[..3].join(", "), places.len() - 3)
        } else {
            places.join(", ")
        };
        // The other places, as line numbers when they are in the same file.
        let file = e
            .result
            .locations
            .first()
            .map(|l| shown(&l.path, self.opts.project_dir));
        let first = e.result.locations.first();
        let mut others: Vec<String> = Vec::new();
        for l in &e.result.locations {
            let m = l.message.as_str();
            let in_first_group = m == *msg || (msg.is_empty() && e.result.summary.contains(m));
            let same_place = first.is_some_and(|f| f.path == l.path && f.line == l.line);
            if in_first_group || same_place {
                continue;
            }
            let at = if Some(shown(&l.path, self.opts.project_dir)) == file && l.line > 0 {
                l.line.to_string()
            } else {
                place(l, self.opts.project_dir)
            };
            if !others.contains(&at) {
                others.push(at);
            }
        }
        let more = if others.is_empty() {
            String::new()
        } else if others.len() > 8 {
            format!(
                " (more at {} and {} others)",
                others[..8].join(", "),
                others.len() - 8
            )
        } else {
            format!(" (more at {})", others.join(", "))
        };
        let room = self.opts.width.saturating_sub(SUB.len() + 3).max(20);
        if !msg.is_empty() {
            let left = room.saturating_sub(text.chars().count() + 2 + more.chars().count());
            let _ = write!(text, ": {}", cut_to(msg, left.max(10)));
        }
        let _ = writeln!(out, "{SUB}at {text}{more}");
    }

    fn fix(&mut self, out: &mut String, fix: &'a Fix, id: &'a str) {
        let acts = actions(fix);
        if let Some((_, by)) = self
            .shown
            .iter()
            .find(|(f, _)| f.commands == fix.commands && f.manual == fix.manual && !acts.is_empty())
        {
            let _ = writeln!(out, "{SUB}{} same fix as {by}", "→".cyan());
            return;
        }
        self.shown.push((fix, id));
        let hang = format!("{SUB}  ");
        match acts.first() {
            Some(first) => {
                let mut text = first.clone();
                if acts.len() > 1 {
                    let _ = write!(text, "  (+{} more with -v)", acts.len() - 1);
                }
                push_wrapped(
                    out,
                    &format!("{SUB}{} ", "→".cyan()),
                    &hang,
                    &text,
                    self.opts.width,
                );
                let room = self.opts.width.saturating_sub(hang.len()).max(20);
                let reason = short_reason(&fix.why, room);
                if !reason.is_empty() {
                    let _ = writeln!(out, "{hang}{}", reason.dimmed());
                }
            }
            None => push_wrapped(
                out,
                &format!("{SUB}{} ", "→".cyan()),
                &hang,
                &fix.why,
                self.opts.width,
            ),
        }
    }

    fn area(&mut self, out: &mut String, cat: &'a str, entries: &[&'a Entry], report: &'a Report) {
        let quiet = self.opts.quiet > 0;
        let problems: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| {
                e.result.status.is_problem() && !self.folded.contains_key(e.meta.id.as_str())
            })
            .collect();
        let ok: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| e.result.status == Status::Ok)
            .collect();
        let skipped: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| {
                e.result.status == Status::Skip && !self.folded.contains_key(e.meta.id.as_str())
            })
            .collect();
        let elsewhere: Vec<&Entry> = entries
            .iter()
            .copied()
            .filter(|e| {
                e.result.status.is_problem() && self.folded.contains_key(e.meta.id.as_str())
            })
            .collect();
        for e in &problems {
            self.problem(out, e, report);
        }
        if quiet {
            return;
        }
        let mut parts = Vec::new();
        if problems.is_empty() && !ok.is_empty() {
            let verb = if ok.len() == 1 { "passes" } else { "pass" };
            let mut s = format!("{} {verb}", plural(ok.len(), "check", "checks"));
            if let Some(tail) = common_tail(&ok) {
                let _ = write!(s, " {tail}");
            }
            parts.push(s);
        }
        if parts.is_empty() && !skipped.is_empty() {
            self.only_skipped.push((cat, skipped.len()));
            return;
        }
        if !skipped.is_empty() {
            parts.push(skipped_text(&skipped));
        }
        if parts.is_empty() {
            return;
        }
        let fine = problems.is_empty() && elsewhere.is_empty() && !ok.is_empty();
        let sym = symbol(if fine { Status::Ok } else { Status::Skip });
        self.line(out, &sym.to_string(), cat, &parts.join(", "));
    }
}

/// Renders the short report.
pub(crate) fn render(report: &Report, opts: &ShortOptions) -> String {
    let mut out = String::new();
    if opts.quiet >= 2 {
        return out;
    }
    let folded = super::pointers::folding(report);
    let groups = by_category(report);
    let name_width = groups
        .iter()
        .map(|(c, _)| c.chars().count())
        .chain(
            report
                .entries
                .iter()
                .filter(|e| {
                    e.result.status.is_problem() && !folded.contains_key(e.meta.id.as_str())
                })
                .map(|e| e.meta.id.chars().count()),
        )
        .filter(|n| *n <= MAX_NAME)
        .max()
        .unwrap_or(0);
    let mut ctx = Ctx {
        opts,
        name_width,
        folded,
        shown: Vec::new(),
        only_skipped: Vec::new(),
    };
    for (cat, entries) in &groups {
        ctx.area(&mut out, cat, entries, report);
    }
    if !ctx.only_skipped.is_empty() {
        let n: usize = ctx.only_skipped.iter().map(|(_, n)| n).sum();
        let areas: Vec<&str> = ctx.only_skipped.iter().map(|(c, _)| *c).collect();
        let text = format!("{n} skipped in {} (-v says why)", areas.join(", "));
        ctx.line(&mut out, &symbol(Status::Skip).to_string(), "other", &text);
    }
    let problems = report.entries.iter().any(|e| e.result.status.is_problem());
    if opts.quiet == 0 {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", summary_line(report));
    }
    if !opts.next_steps.trim().is_empty() {
        out.push('\n');
        for line in opts.next_steps.lines() {
            let lead = line.len() - line.trim_start().len();
            let num = line.trim_start().find(". ").map_or(0, |i| i + 2);
            let hang = " ".repeat(lead + num);
            push_wrapped(
                &mut out,
                &line[..lead],
                &hang,
                line.trim_start(),
                opts.width,
            );
        }
    } else if problems {
        out.push('\n');
        let _ = writeln!(
            out,
            "No automatic fix for the problems above: `devdoctor explain ID` says what to do."
        );
    } else {
        if !out.is_empty() && opts.quiet == 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", nothing_to_do(report));
    }
    out
}

/// The last line of a run with no problem. Where it exits 3 (every check skipped, or a check
/// named on the command line did), "all is well" would be more than it knows.
fn nothing_to_do(report: &Report) -> String {
    if report.exit_code != crate::core::status::exit::UNKNOWN {
        return format!("{} All is well: nothing to do.", symbol(Status::Ok));
    }
    let c = &report.counts;
    let what = if c.ok + c.warn == 0 {
        "nothing was checked"
    } else {
        "a check you named was skipped"
    };
    format!(
        "{} Nothing to do, but {what} (-v says why).",
        symbol(Status::Skip)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CheckMeta, CheckResult, Fix, Location, Origin};
    use std::time::{Duration, SystemTime};

    fn entry(id: &str, result: CheckResult) -> Entry {
        Entry {
            meta: CheckMeta {
                id: id.into(),
                category: id.split('.').next().unwrap().into(),
                title: String::new(),
                can_fix: result.fix.is_some(),
                explain: String::new(),
                origin: Origin::Builtin,
            },
            result,
            duration: Duration::ZERO,
        }
    }

    fn render_plain(entries: Vec<Entry>, steps: &[&str], next: &str, quiet: u8) -> String {
        colored::control::set_override(false);
        let report = Report::new(entries, SystemTime::UNIX_EPOCH, Duration::ZERO, false, None);
        let steps: Vec<Vec<String>> = steps.iter().map(|s| vec![s.to_string()]).collect();
        render(
            &report,
            &ShortOptions {
                quiet,
                width: 80,
                next_steps: next,
                steps: &steps,
                moot: &[],
                project_dir: Some(Path::new("/p")),
            },
        )
    }

    #[test]
    fn a_fine_area_is_one_line_and_all_well_says_so() {
        let out = render_plain(
            vec![
                entry(
                    "dockerfile.user",
                    CheckResult::ok("runs as a user (1 Dockerfile)"),
                ),
                entry("dockerfile.pip", CheckResult::ok("no pip (1 Dockerfile)")),
                entry("pip.ci", CheckResult::skip("not applicable: no CI files")),
            ],
            &[],
            "",
            0,
        );
        assert_eq!(
            out,
            "✓ dockerfile  2 checks pass (1 Dockerfile)\n– other       1 skipped in pip (-v says why)\n\n\
             2 ok, 1 skipped in 0.00 s\n\n✓ All is well: nothing to do.\n"
        );
        assert_eq!(
            render_plain(vec![], &[], "", 1),
            "✓ All is well: nothing to do.\n"
        );
    }

    /// A run that exits 3 with nothing to fix does not say all is well: every check skipped,
    /// or one named on the command line did.
    #[test]
    fn a_run_that_checked_nothing_does_not_say_all_is_well() {
        let skipped = || entry("tools.curl", CheckResult::skip("not applicable: no files"));
        assert!(render_plain(vec![skipped()], &[], "", 1)
            .ends_with("– Nothing to do, but nothing was checked (-v says why).\n"));
        let mut report = Report::new(
            vec![entry("pip.ci", CheckResult::ok("no pip")), skipped()],
            SystemTime::UNIX_EPOCH,
            Duration::ZERO,
            false,
            None,
        );
        assert_eq!(report.exit_code, 0);
        assert!(nothing_to_do(&report).ends_with("All is well: nothing to do."));
        // What `devdoctor pip.ci tools.curl` sets when tools.curl skips.
        report.exit_code = crate::core::status::exit::UNKNOWN;
        assert_eq!(
            nothing_to_do(&report),
            "– Nothing to do, but a check you named was skipped (-v says why)."
        );
    }

    #[test]
    fn consequences_fold_into_the_check_they_point_at() {
        let fix = Fix::new("Start the server.").manual("run it");
        let out = render_plain(
            vec![
                entry("mcp.health", CheckResult::fail("refused (see mcp.port)")),
                entry(
                    "mcp.port",
                    CheckResult::fail("nothing listens").with_fix(fix),
                ),
                entry("mcp.tools", CheckResult::skip("no server (see mcp.port)")),
            ],
            &["mcp.port"],
            "Next steps:\n  1. run it  (mcp.port)\n",
            1,
        );
        assert_eq!(
            out,
            "✗ mcp.port  nothing listens (also: mcp.health; +1 skipped) →\u{a0}step\u{a0}1\n\n\
             Next steps:\n  1. run it  (mcp.port)\n"
        );
    }

    #[test]
    fn a_root_without_a_fix_still_gathers_what_points_at_it_but_a_cycle_folds_nothing() {
        let out = render_plain(
            vec![
                entry(
                    "dockerfile.syntax",
                    CheckResult::unknown("cannot read Dockerfile"),
                ),
                entry(
                    "dockerfile.user",
                    CheckResult::unknown("could not check 1 (see dockerfile.syntax)"),
                ),
                entry(
                    "dockerfile.pip",
                    CheckResult::skip("waits (see dockerfile.user)"),
                ),
            ],
            &[],
            "",
            1,
        );
        assert!(
            out.starts_with(
                "? dockerfile.syntax  cannot read Dockerfile (also: dockerfile.user; +1 skipped)\n\n"
            ),
            "{out}"
        );
        assert!(!out.contains("? dockerfile.user"), "{out}");
        // Two checks pointing at each other: neither is a root, both stay on their own line.
        let out = render_plain(
            vec![
                entry("a.one", CheckResult::unknown("x (see a.two)")),
                entry("a.two", CheckResult::unknown("y (see a.one)")),
            ],
            &[],
            "",
            1,
        );
        assert!(out.contains("a.one") && out.contains("a.two"), "{out}");
    }

    /// docker.cli with the fix to install Docker, then `rest`, rendered with that one step.
    fn docker_cli_then(cli: CheckResult, rest: Vec<Entry>) -> String {
        let fix = Fix::new("Install Docker.").manual("install Docker Engine");
        let mut entries = vec![entry("docker.cli", cli.with_fix(fix))];
        entries.extend(rest);
        render_plain(
            entries,
            &["docker.cli"],
            "Next steps:\n  1. install Docker Engine  (docker.cli)\n",
            1,
        )
    }

    /// Where Docker is not installed, docker.daemon skips pointing to docker.cli, and the
    /// image checks that cannot reach the engine point to docker.daemon: they fold through
    /// the skip into docker.cli's line instead of taking a line each.
    #[test]
    fn a_chain_through_a_skipped_check_folds_into_its_root() {
        let unreachable =
            "cannot inspect image x: the Docker engine is not reachable (see docker.daemon)";
        let out = docker_cli_then(
            CheckResult::fail("Docker is not installed"),
            vec![
                entry(
                    "docker.daemon",
                    CheckResult::skip("Docker is not installed (see docker.cli)"),
                ),
                entry("image.exists", CheckResult::unknown(unreachable)),
                entry("image.user", CheckResult::unknown(unreachable)),
            ],
        );
        assert!(
            out.starts_with(
                "✗ docker.cli  Docker is not installed (also: image.exists, image.user; +1\n"
            ),
            "{out}"
        );
        assert!(!out.contains("? image.exists"), "{out}");
    }

    /// A failure that points at a warning (docker.daemon fails, docker.cli warns and has the
    /// fix) keeps its own `✗` line rather than hide under the `!`.
    #[test]
    fn a_failure_does_not_fold_into_a_warning() {
        let out = docker_cli_then(
            CheckResult::warn("docker is not installed"),
            vec![entry(
                "docker.daemon",
                CheckResult::fail("Docker is not installed (see docker.cli)"),
            )],
        );
        assert!(out.contains("✗ docker.daemon"), "{out}");
        assert!(!out.contains("also: docker.daemon"), "{out}");
    }

    #[test]
    fn a_fix_outside_the_plan_shows_the_action_then_one_short_reason() {
        let fix = Fix::new("Start the engine. It was stopped.")
            .cmd(["sudo", "systemctl", "start", "docker"])
            .manual("or run dockerd");
        let r = CheckResult::unknown("cannot tell")
            .location(Location::new("/p/compose.yaml", 3, "bad"))
            .location(Location::new("/p/compose.yaml", 9, "worse"))
            .with_fix(fix);
        let out = render_plain(vec![entry("docker.daemon", r)], &[], "", 1);
        assert_eq!(
            out,
            "? docker.daemon  cannot tell\n    at compose.yaml:3: bad (more at 9)\n    \
             → $ sudo systemctl start docker  (+1 more with -v)\n      Start the engine\n\n\
             No automatic fix for the problems above: `devdoctor explain ID` says what to do.\n"
        );
    }

    #[test]
    fn wrapping_hangs_and_never_splits_a_word() {
        let mut out = String::new();
        let long = "micromamba create -y -n mcp-finance-backend -f /a/very/long/path/to/the/project/environment.yml";
        push_wrapped(&mut out, "  1. ", "     ", long, 40);
        assert_eq!(
            out,
            "  1. micromamba create -y -n\n     mcp-finance-backend -f\n     /a/very/long/path/to/the/project/environment.yml\n"
        );
        assert_eq!(skip_reason("x (see env.exists)"), "waits on env.exists");
        assert_eq!(
            skip_reason("containers are not started: pass --x"),
            "containers are not started"
        );
        assert_eq!(
            short_reason("Do it (now: really). Because.", 80),
            "Do it (now: really)"
        );
        assert_eq!(cut_to("one two three four", 12), "one two…");
    }
}
