//! File matching for packs: literal paths, `~/` paths and project globs over one bounded walk
//! of the project tree (cached per run), plus the `file` probe kind.

use super::model::FileProbe;
use super::placeholders::Vars;
use crate::core::{CheckResult, Context, Location};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const MAX_DEPTH: usize = 10;
const MAX_ENTRIES: usize = 50_000;
/// Bytes of each file searched by `contains` / `not_contains`.
pub(super) const READ_CAP: u64 = 2 * 1024 * 1024;
/// Locations listed per check before "… and N more".
const MAX_LOCATIONS: usize = 50;

/// Every path under the project (relative, `/`-separated), walked once per run.
#[derive(Debug, Default)]
pub(super) struct ProjectTree {
    pub entries: Vec<(String, bool)>,
    /// The walk stopped at MAX_ENTRIES.
    pub truncated: bool,
}

impl ProjectTree {
    pub(super) fn get(ctx: &Context) -> std::sync::Arc<ProjectTree> {
        ctx.probe(|ctx| ProjectTree::walk(&ctx.settings.project_dir))
    }

    pub(super) fn walk(root: &Path) -> ProjectTree {
        let mut tree = ProjectTree::default();
        let mut stack = vec![(root.to_path_buf(), String::new(), 0usize)];
        while let Some((dir, rel, depth)) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            // Each name is read once (a sort keyed on `file_name()` allocates it again in
            // every comparison); file_type does not follow symlinks, so a link loop cannot
            // trap the walk.
            let mut names: Vec<(String, bool)> = rd
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                    e.file_name().into_string().ok().map(|n| (n, is_dir))
                })
                .collect();
            names.sort_unstable();
            for (name, is_dir) in names {
                let relp = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                if tree.entries.len() >= MAX_ENTRIES {
                    tree.truncated = true;
                    return tree;
                }
                let enter = is_dir
                    && depth + 1 < MAX_DEPTH
                    && !crate::probes::files::TOOL_DIRS.contains(&name.as_str());
                if enter {
                    stack.push((dir.join(&name), relp.clone(), depth + 1));
                }
                tree.entries.push((relp, is_dir));
            }
        }
        tree
    }
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?', '[', '{'])
}

/// The project's Dockerfiles, compose files or environment files, as the built-in checks
/// find them, when `pattern` is one of their conventional names (`Dockerfile`,
/// `*.Dockerfile`, `compose.yaml`, `environment.yml`, …): a pack asking "is there a
/// Dockerfile" gets the same answer as the Dockerfile rules.
fn discovered(ctx: &Context, pattern: &str) -> Vec<PathBuf> {
    if pattern.contains('/') {
        return Vec::new();
    }
    let m = NameMatcher::new(pattern);
    let files = crate::probes::files::project_files(ctx);
    let mut out = Vec::new();
    if ["Dockerfile", "api.Dockerfile", "Dockerfile.dev"]
        .iter()
        .any(|n| m.is_match(n))
    {
        out.extend(files.dockerfiles.iter().cloned());
    }
    if crate::probes::files::COMPOSE_NAMES
        .iter()
        .any(|n| m.is_match(n))
    {
        out.extend(files.compose.iter().cloned());
    }
    if ["environment.yml", "environment.yaml"]
        .iter()
        .any(|n| m.is_match(n))
    {
        out.extend(crate::probes::env::env_files(ctx).iter().cloned());
    }
    out
}

/// Matches one bare file name against a pattern: by equality for a plain name, with the
/// `glob` crate's matcher for `*`, `?` and `[…]`, and with globset only for `{a,b}` — a
/// globset matcher compiles a regex, and a run asks this for every path of every pack check.
enum NameMatcher {
    Literal(String),
    Simple(glob::Pattern),
    Full(Option<globset::GlobMatcher>),
}

impl NameMatcher {
    fn new(pattern: &str) -> Self {
        if !is_glob(pattern) {
            return Self::Literal(pattern.to_string());
        }
        if !pattern.contains(['{', '}']) {
            if let Ok(p) = glob::Pattern::new(pattern) {
                return Self::Simple(p);
            }
        }
        let full = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .ok()
            .map(|g| g.compile_matcher());
        Self::Full(full)
    }

    fn is_match(&self, name: &str) -> bool {
        match self {
            Self::Literal(l) => l == name,
            Self::Simple(p) => p.matches(name),
            Self::Full(m) => m.as_ref().is_some_and(|m| m.is_match(name)),
        }
    }
}

/// The glob set of `patterns`, built once per run: a pack check's `when` and its probe
/// usually name the same globs, and building a set compiles regexes.
fn glob_set(ctx: &Context, patterns: Vec<String>) -> Arc<Result<GlobSet, String>> {
    ctx.probe_keyed(patterns.clone(), |_| {
        let mut builder = GlobSetBuilder::new();
        for p in &patterns {
            let g = GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad pattern `{p}`: {e}"))?;
            builder.add(g);
        }
        builder.build().map_err(|e| e.to_string())
    })
}

/// Resolves patterns to existing paths: (absolute path, display name). Sorted, deduplicated.
pub(super) fn resolve(
    ctx: &Context,
    vars: &Vars,
    patterns: &[String],
) -> Result<Vec<(PathBuf, String)>, String> {
    let project = &ctx.settings.project_dir;
    let mut out: Vec<(PathBuf, String)> = Vec::new();
    let mut globs: Vec<String> = Vec::new();
    for raw in patterns {
        let p = vars
            .expand(raw)
            .ok_or_else(|| format!("cannot resolve `{raw}`: the environment name is unknown"))?;
        for abs in discovered(ctx, &p) {
            let rel = ctx.settings.display_path(&abs);
            out.push((abs, rel));
        }
        if let Some(rest) = p.strip_prefix("~/") {
            let home = ctx
                .home()
                .ok_or("HOME is not set, so `~/` paths cannot be found")?;
            let abs = home.join(rest);
            if abs.exists() {
                out.push((abs, p.clone()));
            }
        } else if Path::new(&p).is_absolute() {
            if Path::new(&p).exists() {
                out.push((PathBuf::from(&p), p.clone()));
            }
        } else if is_glob(&p) {
            globs.push(p);
        } else {
            let rel = p.trim_start_matches("./");
            let abs = project.join(rel);
            if abs.exists() {
                out.push((abs, rel.to_string()));
            }
        }
    }
    if !globs.is_empty() {
        let set = glob_set(ctx, globs);
        let set = set.as_ref().as_ref().map_err(String::clone)?;
        let tree = ProjectTree::get(ctx);
        for (rel, _) in tree.entries.iter().filter(|(rel, _)| set.is_match(rel)) {
            out.push((project.join(rel), rel.clone()));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.0 == b.0);
    if vars.confined {
        // A project's pack reads the project, nothing else: not ~/.ssh, not /etc, not a
        // symlink that leads out of it.
        let inside = ctx.project_real().unwrap_or(project);
        out.retain(|(abs, _)| {
            abs.canonicalize()
                .is_ok_and(|real| real.starts_with(inside))
        });
    }
    Ok(out)
}

/// Keeps only files git tracks (`git ls-files`); `Err` when git cannot tell.
fn tracked_only(
    ctx: &Context,
    files: Vec<(PathBuf, String)>,
    timeout: Duration,
) -> Result<Vec<(PathBuf, String)>, String> {
    if files.is_empty() {
        return Ok(files);
    }
    if let Some(why) = crate::probes::git::withheld(ctx) {
        return Err(why);
    }
    let git = ctx
        .which("git")
        .ok_or("git is not on PATH, so tracked files cannot be listed")?;
    let cmd = crate::exec::Cmd::new(git)
        .args(["ls-files", "-z", "--"])
        .args(files.iter().map(|(abs, _)| abs))
        .cwd(&ctx.settings.project_dir)
        .env_exact(ctx.vars())
        .timeout(timeout);
    // The answer depends on the index alone: asked again only when the index changed.
    let out = crate::probes::versions::run_keyed(ctx, &cmd, &crate::probes::git::index_files(ctx))
        .map_err(|e| format!("could not run git: {e:#}"))?;
    if !out.success() {
        return Err(format!(
            "`git ls-files` {}: {}",
            out.describe_end(),
            out.stderr_text().lines().next().unwrap_or_default()
        ));
    }
    let listed: Vec<String> = out
        .stdout_text()
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    // git prints paths relative to the work tree's cwd (the project dir) for in-project files.
    Ok(files
        .into_iter()
        .filter(|(abs, rel)| {
            listed
                .iter()
                .any(|l| l == rel || ctx.settings.project_dir.join(l) == *abs)
        })
        .collect())
}

/// Only the commands of a Markdown file: the lines inside fenced code blocks and indented
/// ones (four spaces or a tab, after a blank line), and the inline code spans of other lines (``* `pip install -r requirements.txt` ``, a README's list of
/// steps), each such line reduced to its spans joined by ` ; `. Every other line is blanked,
/// so that line numbers stay true. `skip` is asked of each fenced block, and of the inline
/// spans of each section (up to the next heading or fence), and blanks what it says.
pub(super) fn code_blocks_only(text: &str, skip: Option<fn(&str) -> bool>) -> String {
    let mut fence: Option<(char, usize)> = None;
    // Where an indented code block may start (after a blank line) or goes on.
    let mut after_blank = true;
    let mut indented = false;
    let mut out = String::with_capacity(text.len());
    // The open block's lines (or a section's inline spans): kept, or blanked when `skip`
    // says so once it closes.
    let mut block = String::new();
    let flush = |out: &mut String, block: &mut String| {
        if skip.is_some_and(|skip| skip(block)) {
            out.extend(block.chars().filter(|c| *c == '\n'));
        } else {
            out.push_str(block);
        }
        block.clear();
    };
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let marker = t.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = marker.map_or(0, |m| t.chars().take_while(|c| *c == m).count());
        // A backtick fence's info string holds no backtick (CommonMark): "```pip install x```"
        // on one line is an inline code span (ViriatoII/MindaGap's README), not a fence.
        let opens = marker.is_some_and(|m| m == '~' || !t[run..].contains('`'));
        match (fence, marker) {
            (None, Some(m)) if run >= 3 && opens => {
                flush(&mut out, &mut block);
                fence = Some((m, run));
                block.push_str(&blank(line));
            }
            (Some((fm, flen)), Some(m))
                if m == fm && run >= flen && t[run * m.len_utf8()..].trim().is_empty() =>
            {
                fence = None;
                flush(&mut out, &mut block);
                out.push_str(&blank(line));
            }
            (Some(_), _) => block.push_str(line),
            (None, _) if t.trim().is_empty() => {
                after_blank = true;
                block.push_str(&blank(line));
                continue;
            }
            (None, _) if (after_blank || indented) && indented_code(line) => {
                indented = true;
                block.push_str(line);
            }
            (None, _) => {
                indented = false;
                if t.starts_with('#') {
                    flush(&mut out, &mut block);
                }
                block.push_str(&inline_spans(line));
            }
        }
        after_blank = false;
    }
    flush(&mut out, &mut block);
    out
}

/// A line of an indented code block (four spaces or a tab before it, after a blank line): not
/// a list item, whose text a renderer shows as prose however far it is indented.
fn indented_code(line: &str) -> bool {
    if !(line.starts_with("    ") || line.starts_with('\t')) {
        return false;
    }
    let t = line.trim_start();
    let numbered = t.split_once(['.', ')']).is_some_and(|(n, rest)| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with(' ')
    });
    !(numbered || ["- ", "* ", "+ "].iter().any(|m| t.starts_with(m)))
}

/// A line's inline code spans joined by ` ; ` (its line end kept), or the empty line where
/// it has none, or where its prose turns them down ("instead of `pip install …`", "do not").
fn inline_spans(line: &str) -> String {
    /// Words of prose that name a command as the one not to run.
    const NOT: &[&str] = &[
        "instead",
        "rather than",
        "don't",
        "do not",
        "avoid",
        "never",
        "not ",
        "no longer",
        "deprecated",
    ];
    let (spans, prose) = code_spans(line);
    let prose = prose.to_lowercase();
    let spans: Vec<&str> = if NOT.iter().any(|w| prose.contains(w)) {
        Vec::new()
    } else {
        spans
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            // A command named without what it acts on (`pip install` in "re-run the `pip
            // install` after …") is talked about, not a step to run.
            .filter(|s| !s.ends_with(" install"))
            .collect()
    };
    let mut out = spans.join(" ; ");
    if line.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A line's inline code spans and its prose around them, as CommonMark reads them: a run of
/// backticks opens a span that the next run of the same length closes (``` ``a ` b`` ```
/// is one span); a run that nothing closes is text.
fn code_spans(line: &str) -> (Vec<&str>, String) {
    let b = line.as_bytes();
    let run_at = |from: usize| b[from..].iter().take_while(|&&c| c == b'`').count();
    let (mut spans, mut prose) = (Vec::new(), String::new());
    let (mut i, mut text_from) = (0, 0);
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let open_end = i + n;
        let mut j = open_end;
        let mut close = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(c) => {
                prose.push_str(&line[text_from..i]);
                prose.push(' ');
                spans.push(&line[open_end..c]);
                i = c + n;
                text_from = i;
            }
            None => i = open_end,
        }
    }
    prose.push_str(&line[text_from..]);
    (spans, prose)
}

/// The line end of `line`, without its text.
fn blank(line: &str) -> String {
    if line.ends_with('\n') { "\n" } else { "" }.to_string()
}

fn read_capped(path: &Path) -> Result<String, crate::disk::ReadError> {
    let buf = crate::disk::read_head(path, READ_CAP)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

fn list(names: &[String]) -> String {
    let mut s = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > 3 {
        s.push_str(&format!(" and {} more", names.len() - 3));
    }
    s
}

fn clip(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// Runs a file probe. Ok/Fail/Unknown; the caller maps Fail to the check's severity.
/// The files the probe reads: its paths resolved, less the excluded ones, and with `tracked`
/// only those git tracks.
fn selected(
    ctx: &Context,
    vars: &Vars,
    p: &FileProbe,
    timeout: Duration,
) -> Result<Vec<(PathBuf, String)>, String> {
    let mut files = resolve(ctx, vars, &p.paths)?;
    if let Some(ex) = &p.exclude {
        files.retain(|(_, rel)| {
            let name = Path::new(rel)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(rel);
            !ex.is_match(rel) && !ex.is_match(name)
        });
    }
    if p.tracked {
        files = tracked_only(ctx, files, timeout)?;
    }
    Ok(files)
}

pub(super) fn probe(ctx: &Context, vars: &Vars, p: &FileProbe, timeout: Duration) -> CheckResult {
    // The patterns as resolved for this run (`./.dockerignore`, not `{build_context}/…`).
    let what = p
        .paths
        .iter()
        .map(|raw| vars.expand(raw).unwrap_or_else(|| raw.clone()))
        .collect::<Vec<_>>()
        .join(", ");
    let files = match selected(ctx, vars, p, timeout) {
        Ok(f) => f,
        Err(e) => return CheckResult::unknown(e),
    };
    let names: Vec<String> = files.iter().map(|(_, r)| r.clone()).collect();
    let tracked = if p.tracked { "tracked " } else { "" };
    // One plain path (`./.dockerignore`) is a file that is not there, not a pattern.
    let plain = p.paths.len() == 1 && !what.contains(['*', '?', '[', '{']);
    let none = if plain && !p.tracked {
        format!("{what} does not exist")
    } else {
        format!("no {tracked}file matches {what}")
    };
    match p.exists {
        Some(true) if files.is_empty() => {
            return CheckResult::fail(none);
        }
        Some(false) if !files.is_empty() => {
            let mut r = CheckResult::fail(format!("{} exists", list(&names)));
            for n in names.iter().take(MAX_LOCATIONS) {
                r = r.location(Location::new(n, 0, "this file should not exist"));
            }
            return r;
        }
        _ => {}
    }
    let mut problems: Vec<String> = Vec::new();
    let mut locations: Vec<Location> = mode_findings(p, &files);
    // The project's own name, for an aside such as a library's README installing itself.
    let own = p
        .filters
        .aside
        .and_then(|_| crate::probes::env::distribution_name(ctx));
    let Scan {
        contains_hit,
        scanned,
        hits,
        asides,
        amends,
    } = match scan(p, &files, own.as_deref(), &mut locations) {
        Ok(s) => s,
        Err(why) => return CheckResult::unknown(why),
    };
    if p.contains.is_some() && !contains_hit {
        let re = p.contains.as_ref().map(|r| r.as_str()).unwrap_or_default();
        if files.is_empty() {
            return CheckResult::fail(none);
        }
        problems.insert(
            0,
            format!("{} does not contain a match for /{re}/", list(&names)),
        );
    }
    if hits > MAX_LOCATIONS {
        problems.push(format!("… and {} more", hits - MAX_LOCATIONS));
    }
    if problems.is_empty() && locations.is_empty() {
        let summary = if p.not_contains.is_some() {
            format!(
                "no match in {scanned} {tracked}file{}",
                if scanned == 1 { "" } else { "s" }
            )
        } else if p.exists == Some(false) {
            none
        } else {
            format!(
                "{} looks right",
                if names.is_empty() {
                    what.clone()
                } else {
                    list(&names)
                }
            )
        };
        return with_asides(CheckResult::ok(summary), p, &asides).data("files", names);
    }
    let summary = failure_summary(hits, &locations, &mut problems);
    let mut r = CheckResult::fail(summary)
        .details(problems)
        .data("files", names);
    r.locations = locations;
    with_asides(with_amends(r, p, &amends, hits), p, &asides)
}

/// The step of the findings the matcher's policy mends its own way: the pack's fix joins it,
/// or gives way to it where it mends every finding (see `PackCheck::run_once`).
fn with_amends(r: CheckResult, p: &FileProbe, amends: &[String], hits: usize) -> CheckResult {
    let Some(a) = p.filters.amend.filter(|_| !amends.is_empty()) else {
        return r;
    };
    let why = "Install only the project with pip; the environment provides its dependencies.";
    let step = a.step.replace("{places}", &amends.join(", "));
    r.with_fix(crate::core::Fix::new(why).manual(step))
        .data("amends_only", amends.len() == hits)
}

/// The files whose permission bits differ from `mode` or exceed `max_mode`.
fn mode_findings(p: &FileProbe, files: &[(PathBuf, String)]) -> Vec<Location> {
    use std::os::unix::fs::PermissionsExt;
    let mut locations = Vec::new();
    for (abs, rel) in files {
        let Ok(meta) = std::fs::metadata(abs) else {
            continue;
        };
        let bits = meta.permissions().mode() & 0o7777;
        if let Some(m) = p.mode.filter(|m| *m != bits) {
            locations.push(Location::new(
                rel,
                0,
                format!("mode {bits:04o}, expected {m:04o}"),
            ));
        }
        if let Some(m) = p.max_mode.filter(|m| bits & !*m != 0) {
            locations.push(Location::new(
                rel,
                0,
                format!("mode {bits:04o} exceeds {m:04o}"),
            ));
        }
    }
    locations
}

/// The summary of a failed file probe: the first finding (located ones are listed once, as
/// locations; the first unlocated problem moves from `problems` into the summary), with the
/// match count when matches were the finding.
fn failure_summary(hits: usize, locations: &[Location], problems: &mut Vec<String>) -> String {
    let first = match locations.first() {
        Some(l) if l.line > 0 => format!("{}:{}: {}", l.path.display(), l.line, l.message),
        Some(l) => format!("{}: {}", l.path.display(), l.message),
        None if !problems.is_empty() => problems.remove(0),
        None => String::new(),
    };
    if hits > 0 {
        let nfiles = {
            let mut f: Vec<_> = locations.iter().map(|l| &l.path).collect();
            f.dedup();
            f.len()
        };
        format!(
            "{hits} match{} in {nfiles} file{}: {}",
            if hits == 1 { "" } else { "es" },
            if nfiles == 1 { "" } else { "s" },
            first
        )
    } else {
        first
    }
}

/// What scanning the files' text found.
struct Scan {
    contains_hit: bool,
    scanned: usize,
    hits: usize,
    /// Matches the matcher's policy tolerates, as `file:line`.
    asides: Vec<String>,
    /// Findings whose step is the matcher's policy's own, as `file:line`.
    amends: Vec<String>,
}

/// Reads each file (capped) and matches `contains` / `not_contains`, adding a location per
/// finding; an unreadable file makes the whole probe unknown.
fn scan(
    p: &FileProbe,
    files: &[(PathBuf, String)],
    own: Option<&str>,
    locations: &mut Vec<Location>,
) -> Result<Scan, String> {
    let mut out = Scan {
        contains_hit: false,
        scanned: 0,
        hits: 0,
        asides: Vec::new(),
        amends: Vec::new(),
    };
    if p.contains.is_none() && p.not_contains.is_none() {
        return Ok(out);
    }
    for (abs, rel) in files.iter().filter(|(abs, _)| abs.is_file()) {
        let text = match read_capped(abs) {
            Ok(t) => t,
            Err(e) => return Err(format!("cannot read {rel}: {e}")),
        };
        let text = if p.code_blocks {
            code_blocks_only(&text, p.filters.skip_block)
        } else {
            text
        };
        out.scanned += 1;
        if let Some(re) = &p.contains {
            out.contains_hit |= re.is_match(&text);
        }
        let Some(re) = &p.not_contains else { continue };
        if p.filters.prefilter.is_some_and(|may| !may(&text)) {
            continue;
        }
        for caps in re.captures_iter(&text) {
            let Some(m) = caps.get(0) else { continue };
            if let (Some(keep), Some(n)) = (p.filters.name_filter, caps.name("name")) {
                if !keep(n.as_str()) {
                    continue;
                }
            }
            let (line, _) = crate::config::line_col(&text, m.start());
            if let Some(skip) = p.filters.skip_line {
                let whole = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
                if skip(whole) {
                    continue;
                }
            }
            let rest = text[m.end()..].lines().next().unwrap_or_default();
            if p.filters.aside.is_some_and(|a| (a.test)(rest, own)) {
                out.asides.push(format!("{rel}:{line}"));
                continue;
            }
            out.hits += 1;
            let amend = p.filters.amend.filter(|a| (a.test)(rest, own));
            if amend.is_some() {
                out.amends.push(format!("{rel}:{line}"));
            }
            if locations.len() < MAX_LOCATIONS {
                let shown = finding_text(p, &caps, &text, line);
                let message = match amend {
                    Some(a) => format!("{shown} ({})", a.note),
                    None => shown,
                };
                locations.push(Location::new(rel, line, message));
            }
        }
    }
    Ok(out)
}

/// How one match is shown: the line (clipped), or only the variable's name when secret.
fn finding_text(p: &FileProbe, caps: &regex::Captures, text: &str, line: usize) -> String {
    if p.redact {
        return match caps.name("name") {
            Some(n) => format!(
                "secret-looking value for `{}` (value hidden)",
                clip(n.as_str(), 60)
            ),
            None => "matches the pattern (text hidden)".to_string(),
        };
    }
    clip(
        text.lines().nth(line.saturating_sub(1)).unwrap_or_default(),
        160,
    )
}

/// Names the tolerated matches (and the advice) under a result, in its summary when it is ok.
fn with_asides(r: CheckResult, p: &FileProbe, asides: &[String]) -> CheckResult {
    let Some(a) = p.filters.aside.filter(|_| !asides.is_empty()) else {
        return r;
    };
    let shown: Vec<&str> = asides.iter().take(5).map(String::as_str).collect();
    let at = format!(
        "{}{}",
        shown.join(", "),
        if asides.len() > 5 { ", …" } else { "" }
    );
    let r = if r.status == crate::core::Status::Ok {
        // "no match in 1 file" beside the line it matched reads as a contradiction.
        let summary = match r.summary.strip_prefix("no match in ") {
            Some(files) => format!("{} ({at}); no other match in {files}", a.label),
            None => format!("{}; {} ({at})", r.summary, a.label),
        };
        CheckResult { summary, ..r }
    } else {
        r.detail(format!("also {} ({at}): fine", a.label))
    };
    r.detail(a.advice).data("self_installs", asides.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_keep_line_numbers() {
        let md = "# T\npip install x\n```sh\npip install y\n```\ntext\n~~~\nz\n~~~\n";
        let only = code_blocks_only(md, None);
        assert_eq!(only.lines().count(), md.lines().count());
        assert!(!only.contains("pip install x"));
        assert_eq!(only.lines().nth(3), Some("pip install y"));
        assert_eq!(only.lines().nth(7), Some("z"));
    }

    /// A block that sets up a virtualenv is the README's other route: its pip installs go
    /// into that virtualenv, and a pip matcher skips the block (przemub/cysectool).
    #[test]
    fn a_virtualenv_block_is_skipped_where_the_matcher_says() {
        let md = "## virtualenv way\n```sh\nvirtualenv3 venv\nsource venv/bin/activate\npip install -r requirements.txt\n```\n## conda way\n```sh\nconda env create -f environment.yml\npip install extra\n```\n";
        let skip = crate::policy::no_pip::sets_up_a_virtualenv;
        let only = code_blocks_only(md, Some(skip));
        assert_eq!(only.lines().count(), md.lines().count());
        assert!(!only.contains("requirements.txt"), "{only}");
        assert_eq!(only.lines().nth(9), Some("pip install extra"));
        assert!(code_blocks_only(md, None).contains("pip install -r requirements.txt"));
    }

    /// Outside fenced blocks, a line's inline code spans are its commands (a README's list
    /// of steps); prose that turns a command down does not count, nor a command named without
    /// what it acts on (CCRI-POPROX/poprox-recommender's "re-run the `pip install`"), and the
    /// virtualenv skip applies to a section's spans.
    #[test]
    fn inline_code_spans_are_commands() {
        let md = "## Setup\n\
                  1.  Make a conda env: `conda create -n mcp_env python=3.10`\n\
                  2.  *   `pip install -r requirements.txt`\n\
                  Use `micromamba` instead of `pip install -r requirements.txt`.\n\
                  > You need to re-run the `pip install` every time you re-create the environment.\n\
                  ## The other way\n\
                  Run `python -m venv .venv` and `source .venv/bin/activate`, then `pip install -r requirements.txt`.\n";
        let only = code_blocks_only(md, Some(crate::policy::no_pip::sets_up_a_virtualenv));
        let lines: Vec<&str> = only.lines().collect();
        assert_eq!(lines.len(), md.lines().count());
        assert_eq!(lines[1], "conda create -n mcp_env python=3.10");
        assert_eq!(lines[2], "pip install -r requirements.txt");
        assert_eq!(lines[3], "", "{only}");
        assert_eq!(lines[4], "", "a command named, not run: {only}");
        assert_eq!(lines[6], "", "{only}");
        let all = code_blocks_only(md, None);
        assert_eq!(
            all.lines().nth(6),
            Some("python -m venv .venv ; source .venv/bin/activate ; pip install -r requirements.txt")
        );
    }

    /// Spans of two or three backticks on one line are inline code, not a fence
    /// (ViriatoII/MindaGap: ```` ```pip3 install tifffile opencv-python``` ````); a span
    /// may hold a shorter run of backticks, and a run nothing closes is text.
    #[test]
    fn longer_backtick_runs_are_inline_spans() {
        let md = "Install:\n```pip3 install tifffile opencv-python```\nThen ``pip install a`b`` and a stray ` here.\n";
        let only = code_blocks_only(md, None);
        let lines: Vec<&str> = only.lines().collect();
        assert_eq!(lines.len(), 3, "{only}");
        assert_eq!(lines[1], "pip3 install tifffile opencv-python");
        assert_eq!(lines[2], "pip install a`b");
        assert_eq!(code_spans("a ` b").0, Vec::<&str>::new());
        // A real fence still opens one.
        let fenced = code_blocks_only("```bash\npip install x\n```\n", None);
        assert_eq!(fenced.lines().nth(1), Some("pip install x"));
    }

    /// An indented code block (four spaces or a tab after a blank line, as older READMEs
    /// write them) is code; an indented list item and a paragraph's wrapped line are not.
    #[test]
    fn indented_code_blocks_are_commands() {
        let md = "Install it:\n\n    pip install -r requirements.txt\n\tconda activate x\n\nText.\n    pip install wrapped\n\n    - pip install listed\n";
        let only = code_blocks_only(md, None);
        let lines: Vec<&str> = only.lines().collect();
        assert_eq!(lines.len(), md.lines().count());
        assert_eq!(lines[2], "    pip install -r requirements.txt");
        assert_eq!(lines[3], "\tconda activate x");
        assert_eq!(lines[6], "", "a paragraph's wrapped line: {only}");
        assert_eq!(lines[8], "", "a list item: {only}");
    }

    #[test]
    fn unterminated_fence_and_odd_text_do_not_panic() {
        for s in [
            "```",
            "```\n",
            "````\n```\nx",
            "é```\n~~~é",
            "\n\n```\u{1F600}\n",
        ] {
            let _ = code_blocks_only(s, None);
        }
    }

    #[test]
    fn walk_skips_heavy_dirs() {
        let dir = tempfile::tempdir().unwrap();
        for p in ["a.sh", "sub/b.sh", "node_modules/c.sh", ".git/d.sh"] {
            let f = dir.path().join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, "").unwrap();
        }
        let t = ProjectTree::walk(dir.path());
        let names: Vec<_> = t.entries.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"sub/b.sh"));
        assert!(names.contains(&"node_modules")); // listed, not entered
        assert!(!names.contains(&"node_modules/c.sh"));
        assert!(!names.contains(&".git/d.sh"));
    }

    #[test]
    fn the_name_matcher_agrees_with_globset() {
        let names = [
            "Dockerfile",
            "api.Dockerfile",
            "Dockerfile.dev",
            "compose.yaml",
            "docker-compose.yml",
            "environment.yml",
            "environment.yaml",
            "Makefile",
            "x.mk",
            ".env",
            "a[b",
            "",
        ];
        let patterns = [
            "Dockerfile",
            "*.Dockerfile",
            "Dockerfile*",
            "*compose*.y?ml",
            "environment.{yml,yaml}",
            "[Dd]ockerfile",
            "[!D]*",
            "*",
            "?",
            "environment.yml",
            "*.mk",
            "a[b",
        ];
        for p in patterns {
            let ours = NameMatcher::new(p);
            let theirs = GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher());
            for n in names {
                let expected = theirs.as_ref().is_ok_and(|m| m.is_match(n));
                assert_eq!(ours.is_match(n), expected, "pattern {p:?} on {n:?}");
            }
        }
    }
}
