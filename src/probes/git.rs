//! The files a git answer depends on, found without running git, so that its answers can be
//! cached against them (see [`crate::probes::versions::run_keyed`]): a warm run whose
//! repository did not change starts no git.

use crate::core::Context;
use std::path::{Path, PathBuf};

/// The repository around the project: its work tree and its git folder.
fn repository(project: &Path) -> Option<(PathBuf, PathBuf)> {
    for dir in project.ancestors() {
        let dot = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot) else {
            continue;
        };
        if meta.is_dir() {
            return Some((dir.to_path_buf(), dot));
        }
        if meta.is_file() {
            // A worktree or submodule: `gitdir: PATH`, relative to the folder of the file.
            let text = std::fs::read_to_string(&dot).ok()?;
            let target = text.lines().find_map(|l| l.strip_prefix("gitdir:"))?.trim();
            return Some((dir.to_path_buf(), dir.join(target)));
        }
        return None;
    }
    None
}

/// The work tree of the repository around `project` (found by its `.git`, without running
/// git): a path of it outside the project is still in every clone.
pub(crate) fn work_tree(project: &Path) -> Option<PathBuf> {
    repository(project).map(|(top, _)| top)
}

/// The index (`ls-files`).
pub(crate) fn index_files(ctx: &Context) -> Vec<PathBuf> {
    repository(&ctx.settings.project_dir)
        .map(|(_, git)| vec![git.join("index")])
        .unwrap_or_default()
}

/// What decides whether a path in the project is ignored (`check-ignore`): every .gitignore
/// from the work tree's root down to the project, the repository's info/exclude and config,
/// and the user's global excludes and git config.
pub(crate) fn ignore_files(ctx: &Context) -> Vec<PathBuf> {
    let project = &ctx.settings.project_dir;
    let mut out = Vec::new();
    if let Some((top, git)) = repository(project) {
        let mut dir = project.clone();
        loop {
            out.push(dir.join(".gitignore"));
            if dir == top || !dir.pop() {
                break;
            }
        }
        out.push(git.join("info/exclude"));
        out.push(git.join("config"));
    } else {
        out.push(project.join(".gitignore"));
    }
    if let Some(home) = ctx.home() {
        out.push(home.join(".gitconfig"));
        let config = ctx
            .var_path("XDG_CONFIG_HOME")
            .unwrap_or_else(|| home.join(".config"));
        out.push(config.join("git/ignore"));
        out.push(config.join("git/config"));
    }
    out
}

/// Why git is not asked about this project, when the project's own git config would have git
/// read outside it something the user has not trusted (see [`config_reach`]).
pub(crate) fn withheld(ctx: &Context) -> Option<String> {
    if let Some(special) = &ctx.settings.git_config_special {
        return Some(format!(
            "git is not run: the repository's {} is not a regular file (a FIFO, socket or device), which git would wait on",
            ctx.settings.display_path(special)
        ));
    }
    let first = ctx.settings.git_withheld.first()?;
    Some(format!(
        "git is not run until you trust the project: the repository's .git/config has git read {}, outside the project (review it, then run `devdoctor trust`)",
        crate::policy::text::printable(&first.to_string_lossy())
    ))
}

/// What one line of git config sets that can lead git outside the project.
#[derive(Debug, PartialEq, Eq)]
enum Reach {
    /// `path` of an `[include]` or `[includeIf "…"]` section: a config file git reads.
    Include(String),
    /// `core.worktree`: the folder git takes as the work tree (its .gitignore files are read).
    Worktree(String),
}

/// A git config value as git reads it: quotes removed, `\"`, `\\`, `\t`, `\n` unescaped, and
/// cut at a `#` or `;` outside quotes.
fn unquote(raw: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    let mut chars = raw.trim().chars();
    let mut kept = 0;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' => match chars.next() {
                Some('t') => out.push('\t'),
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            '#' | ';' if !quoted => break,
            c => out.push(c),
        }
        if quoted || !c.is_whitespace() {
            kept = out.len();
        }
    }
    out.truncate(kept);
    out
}

/// The section a header line opens (`[includeIf "gitdir:~/w/"]` → `includeif`, with no
/// subsection: `core`), and what follows the header on its line.
fn header(line: &str) -> Option<(String, bool, &str)> {
    let body = line.strip_prefix('[')?;
    let mut quoted = false;
    let end = body.char_indices().find_map(|(i, c)| {
        match c {
            '"' => quoted = !quoted,
            ']' if !quoted => return Some(i),
            _ => {}
        }
        None
    })?;
    let inner = body[..end].trim();
    let name: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    let sub = inner.len() > name.len();
    Some((name.to_ascii_lowercase(), sub, &body[end + 1..]))
}

/// The settings of a git config text that can lead git outside the project. Read as git reads
/// it: case-insensitive section and key names, a key on the header's line, `\` continuations.
fn reaches(text: &str) -> Vec<Reach> {
    let joined = text.replace("\\\r\n", "").replace("\\\n", "");
    let mut section = (String::new(), false);
    let mut out = Vec::new();
    for raw in joined.lines() {
        let mut line = raw.trim_start();
        if let Some((name, sub, rest)) = header(line) {
            section = (name, sub);
            line = rest.trim_start();
        }
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v),
            None => (line.trim(), ""),
        };
        let key = key.to_ascii_lowercase();
        match (section.0.as_str(), section.1, key.as_str()) {
            ("include" | "includeif", _, "path") => out.push(Reach::Include(unquote(value))),
            ("core", false, "worktree") => out.push(Reach::Worktree(unquote(value))),
            _ => {}
        }
    }
    out
}

/// How deep git follows includes in included files.
const MAX_INCLUDE_DEPTH: usize = 10;

/// The files and folders outside the project that the project's own git config has git read
/// when devdoctor asks it something: the `[include]`/`[includeIf]` paths that lead out
/// (includes inside the project are followed), and a `core.worktree` out of it. Only a git
/// folder inside the project counts: one above it (the project is a folder of a larger
/// repository, or a worktree of the user's) holds the user's config, not the project's. Paths
/// that do not exist are left out: git skips a missing include.
pub(crate) fn config_reach(project: &Path, home: Option<&Path>) -> ConfigReach {
    let Ok(root) = project.canonicalize() else {
        return ConfigReach::default();
    };
    let Some(git) = repository(project).and_then(|(_, g)| g.canonicalize().ok()) else {
        return ConfigReach::default();
    };
    if !git.starts_with(&root) {
        return ConfigReach::default();
    }
    // HEAD and the index are read before anything else: a FIFO there blocks git as well.
    let mut special = ["HEAD", "index"]
        .into_iter()
        .map(|n| git.join(n))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_file() && !m.is_dir()));
    let mut out = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = Vec::new();
    // The config itself may be a link out of the project (to an INI file git would read).
    match git.join("config").canonicalize() {
        Ok(real) if !real.starts_with(&root) => {
            out.insert(real);
        }
        Ok(real) => queue.push((real, 0)),
        Err(_) => {}
    }
    while let Some((file, depth)) = queue.pop() {
        if depth > MAX_INCLUDE_DEPTH || !seen.insert(file.clone()) {
            continue;
        }
        let text = match crate::disk::read_capped_utf8(&file, 1024 * 1024, "a git config") {
            Ok(text) => text,
            Err(crate::disk::ReadError::Special) => {
                special.get_or_insert(file);
                continue;
            }
            Err(_) => continue,
        };
        let base = file.parent().unwrap_or(&git).to_path_buf();
        for reach in reaches(&text) {
            let (value, base) = match &reach {
                Reach::Include(v) => (v, &base),
                Reach::Worktree(v) => (v, &git),
            };
            let named = match value.strip_prefix("~/") {
                Some(rest) => match home {
                    Some(h) => h.join(rest),
                    None => continue,
                },
                None => base.join(value),
            };
            let Ok(real) = named.canonicalize() else {
                continue;
            };
            if !real.starts_with(&root) {
                out.insert(real);
            } else if matches!(reach, Reach::Include(_)) {
                queue.push((real, depth + 1));
            }
        }
    }
    ConfigReach {
        outside: out.into_iter().collect(),
        special,
    }
}

/// What the project's own git config would have git read beyond regular files inside it.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ConfigReach {
    /// Files and folders outside the project (they wait for the user's trust).
    pub(crate) outside: Vec<PathBuf>,
    /// A file git reads first (its config, an include inside the project, HEAD, the index)
    /// that is a FIFO, socket or device: git would wait on it, trusted or not.
    pub(crate) special: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_reads_includes_and_worktree_as_git_does() {
        let text = "[core]\n\trepositoryformatversion = 0\n\tWorkTree = \"/srv/w\" # why\n\
            [Include]\n\tpath = ~/a.cfg\n[includeIf \"gitdir:~/w]/\"] path = ../b.cfg\n\
            [include.sub]\n\tpath = \"c\\\\d\" ; note\n[remote \"origin\"]\n\tpath = /no\n\
            [core \"x\"]\n\tworktree = /no\n[include]\n\tpath = /e\\\n.cfg\n";
        assert_eq!(
            reaches(text),
            vec![
                Reach::Worktree("/srv/w".into()),
                Reach::Include("~/a.cfg".into()),
                Reach::Include("../b.cfg".into()),
                Reach::Include("c\\d".into()),
                Reach::Include("/e.cfg".into()),
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(crate::proptest_config())]

        /// Any config text is read without a panic, and every `path` under an include section
        /// written plainly is found.
        #[test]
        fn any_config_text_is_read_and_plain_includes_are_found(
            noise in proptest::collection::vec("\\[|\\]|\"|\\\\|=|#|;|\n| |\t|é|include|core|path|worktree|[a-z/.~]{1,8}", 0..40),
            target in "[a-z]{1,8}",
        ) {
            let noise = noise.concat();
            let _ = reaches(&noise);
            // An empty line ends whatever the noise left open (a trailing backslash continues).
            let text = format!("{noise}\n\n[include]\n\tpath = /{target}.cfg\n");
            let found = reaches(&text);
            proptest::prop_assert!(
                found.contains(&Reach::Include(format!("/{target}.cfg"))),
                "{found:?} in {text:?}"
            );
        }
    }

    #[test]
    fn unquote_keeps_quoted_spaces_and_cuts_comments() {
        assert_eq!(unquote("  \"a b \"  # c"), "a b ");
        assert_eq!(unquote("a b ; c"), "a b");
        assert_eq!(unquote("\"x#y\""), "x#y");
    }

    fn fifo(path: &Path) {
        let mode = rustix::fs::Mode::from_raw_mode(0o600);
        rustix::fs::mknodat(rustix::fs::CWD, path, rustix::fs::FileType::Fifo, mode, 0).unwrap();
    }

    #[test]
    fn config_reach_names_what_leads_out_and_follows_includes_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        let project = tmp.path().join("p");
        std::fs::create_dir_all(project.join(".git")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.cfg"), "[user]\nname = x\n").unwrap();
        std::fs::write(outside.join("home.cfg"), "").unwrap();
        // An include inside the project is followed: it reaches out in turn.
        std::fs::write(
            project.join(".gitconfig"),
            format!(
                "[include]\npath = {}\n",
                outside.join("secret.cfg").display()
            ),
        )
        .unwrap();
        std::fs::write(
            project.join(".git/config"),
            "[include]\n\tpath = ../.gitconfig\n\tpath = missing.cfg\n\
             [includeIf \"onbranch:main\"]\n\tpath = ~/home.cfg\n[core]\n\tworktree = ..\n",
        )
        .unwrap();
        let reach = config_reach(&project, Some(&outside)).outside;
        let real = |p: PathBuf| p.canonicalize().unwrap();
        assert_eq!(
            reach,
            vec![
                real(outside.join("home.cfg")),
                real(outside.join("secret.cfg"))
            ]
        );
        // A git folder that is not the project's own is the user's business.
        let sub = project.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(config_reach(&sub, Some(&outside)), ConfigReach::default());
        // core.worktree out of the project counts.
        std::fs::write(
            project.join(".git/config"),
            "[core]\nworktree = ../../outside\n",
        )
        .unwrap();
        assert_eq!(
            config_reach(&project, None).outside,
            vec![real(outside.clone())]
        );
        // So does a config that is itself a link out of the project; it is not read.
        std::fs::remove_file(project.join(".git/config")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.cfg"), project.join(".git/config"))
            .unwrap();
        assert_eq!(
            config_reach(&project, None).outside,
            vec![real(outside.join("secret.cfg"))]
        );
        // A FIFO in its place would have git wait: named, not read.
        std::fs::remove_file(project.join(".git/config")).unwrap();
        fifo(&project.join(".git/config"));
        let reach = config_reach(&project, None);
        assert!(reach.outside.is_empty());
        assert_eq!(reach.special, Some(real(project.join(".git/config"))));
        // So does a FIFO for HEAD, which git reads to recognise the repository.
        std::fs::remove_file(project.join(".git/config")).unwrap();
        fifo(&project.join(".git/HEAD"));
        assert!(config_reach(&project, None).special.is_some());
    }
}
