//! Environment files that the project's own Makefile, shell scripts or README create an
//! environment from (`conda env create -f scripts/env_model.yaml`), for a project whose file
//! has no conventional name or place. They are read as text, never run. CI workflows are not
//! asked: they often make an environment for one job (the docs, a demo app), not the
//! project's.

use std::path::{Component, Path, PathBuf};

/// One `create`/`update`/`install … -f FILE` of conda, mamba or micromamba in a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    /// 1-based line.
    pub line: usize,
    /// The file as the script names it, `./` dropped.
    pub file: String,
    /// The command, as written (one line).
    pub command: String,
    /// The environment name the command gives (`-n NAME`), when it gives a plain one, or the
    /// folder of the project it makes it in (`-p ./env`), as `./env`.
    pub env: Option<String>,
    /// The command applies the file to an existing environment (`env update`, `install`)
    /// rather than creating one from it.
    pub updates: bool,
}

/// An environment file the project's scripts or README name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamedFile {
    pub path: PathBuf,
    /// "named by Makefile:8 (`conda env create -f ./scripts/env_model.yaml`)".
    pub why: String,
    /// The name the first command that names it gives the environment (`-n NAME`).
    pub env: Option<String>,
    /// That command updates an existing environment from the file (see [`Named::updates`]).
    pub updates: bool,
}

use crate::probes::files::{instruction_sources as sources, MAX_SCRIPTS, SCRIPT_BYTES};

/// The package managers whose environment files are looked for.
const MANAGERS: &[&str] = &["conda", "mamba", "micromamba"];

/// Every environment file `text` (a Makefile or shell script) creates or updates an
/// environment from, in line order. A variable the same file sets once to a plain word
/// (`ENV_NAME := h3-pandas`, `ENV_FILE=env.yml`) is read as that word; a file named through
/// any other variable, from the home folder, by an absolute path or out of the project
/// (`..`) is not one of the project's files and is left out.
pub(crate) fn named_in(text: &str) -> Vec<Named> {
    commands(text)
        .filter_map(|(line, command, expanded)| {
            let (file, env, updates) = file_of(&expanded)?;
            Some(Named {
                updates,
                line,
                file,
                env,
                command,
            })
        })
        .collect()
}

/// Each command of `text` (a Makefile, shell script or README): its 1-based line, the command
/// as written, and the command with the file's plain variables expanded.
fn commands(text: &str) -> impl Iterator<Item = (usize, String, String)> + '_ {
    let vars = plain_variables(text);
    text.lines().enumerate().flat_map(move |(i, raw)| {
        // A README quotes commands in backticks: where a quoted span names a package
        // manager and the text around the spans is prose, not a command of its own (a
        // script's `` conda env create … -n `whoami` ``), the spans are the commands;
        // elsewhere the backticks are dropped.
        let spans: Vec<&str> = raw
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|span| MANAGERS.iter().any(|m| span.contains(m)))
            .collect();
        let prose = || {
            let outside: Vec<&str> = raw.split('`').step_by(2).collect();
            !after_managers(&outside.join(" "))
                .any(|rest| file_of_command(&rest).is_some() || by_hand_command(&rest).is_some())
        };
        let line = if spans.is_empty() || raw.trim_start().starts_with('#') || !prose() {
            raw.replace('`', " ")
        } else {
            spans.join(" ; ")
        };
        let line = make_shell_calls(&line);
        let line = line
            .trim_start()
            .trim_start_matches(['@', '-', '+', '\t', ' ']);
        let segments: Vec<(usize, String, String)> = if line.starts_with('#') {
            Vec::new()
        } else {
            line.split(['&', ';', '|'])
                .map(|segment| (i + 1, segment.trim().to_string(), expand(segment, &vars)))
                .collect()
        };
        segments
    })
}

/// `line` with each Makefile `$(shell …)` call replaced by the verb it prints when it chooses
/// one (`$(shell [ -d $(ENV) ] && echo update || echo create)`: `create`, which makes the
/// environment the first time), else by nothing: its `&&` and `||` are the shell's inside the
/// call, not commands of the recipe.
fn make_shell_calls(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("$(shell ") {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("$(shell ") {
        out.push_str(&rest[..start]);
        let body = &rest[start + 2..];
        let mut depth = 0usize;
        let end = body.char_indices().find_map(|(i, c)| match c {
            '(' => {
                depth += 1;
                None
            }
            ')' if depth == 0 => Some(i),
            ')' => {
                depth -= 1;
                None
            }
            _ => None,
        });
        let Some(end) = end else {
            // Unclosed: left as written.
            out.push_str(&rest[start..]);
            return std::borrow::Cow::Owned(out);
        };
        let call = &body[..end];
        let verb = ["create", "update"]
            .into_iter()
            .find(|v| call.contains(&format!("echo {v}")));
        out.push_str(verb.unwrap_or(""));
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// An environment a README or script creates by hand, with no file: `conda create -n foo
/// python=3.10 pip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ByHand {
    /// 1-based line.
    pub line: usize,
    /// The command, as written (one line).
    pub command: String,
    /// The name it gives the environment, or with [`ByHand::prefix`] the folder of the
    /// project it makes it in (`-p ./env`: `env`).
    pub env: String,
    /// The environment is a prefix in the project (`create -p ./env`), not a named one.
    pub prefix: bool,
    /// The package specs it names, in order (`python=3.10`, `pip`), then those a `conda
    /// install` into it adds.
    pub specs: Vec<String>,
    /// The 1-based line each of [`ByHand::specs`] is named on, in the same order: the
    /// create's, or a later install's.
    pub spec_lines: Vec<usize>,
    /// The packages the same text then installs into it with pip (`pip install fastmcp
    /// loguru`), as requirement lines, and the line of the first such install; a pip install
    /// after a virtualenv is set up, or after the next create, is another route's.
    pub pip: Vec<String>,
    pub pip_line: Option<usize>,
}

/// Every `create -n NAME [SPEC…]` (or `create -p PREFIX`, a folder of the project) of conda,
/// mamba or micromamba in `text` that creates an environment from no file, in line order.
/// A name that is a placeholder (`<env-name>`) or a variable is left out, and so is a prefix
/// outside the project. A create of the environment just made (`mamba create … ||
/// conda create …`, whichever is installed) adds to it.
pub(crate) fn by_hand_in(text: &str) -> Vec<ByHand> {
    let mut found: Vec<ByHand> = Vec::new();
    // The pip installs go to the last environment made by hand, until a virtualenv is set up.
    let mut open = false;
    for (line, command, expanded) in commands(text) {
        if let Some((env, prefix, specs)) = by_hand_of(&expanded) {
            match found.last_mut() {
                Some(last) if last.env == env && last.prefix == prefix => {
                    last.add_specs(specs, line);
                }
                _ => found.push(ByHand {
                    line,
                    command: balanced(&command),
                    env,
                    prefix,
                    spec_lines: vec![line; specs.len()],
                    specs,
                    pip: Vec::new(),
                    pip_line: None,
                }),
            }
            open = true;
        } else if crate::policy::no_pip::sets_up_a_virtualenv(&expanded) {
            open = false;
        } else if let (true, Some(last), Some((env, specs))) = (
            open,
            found.last_mut(),
            after_managers(&expanded).find_map(|rest| install_specs(&rest)),
        ) {
            // `conda install pytorch jupyter` into the environment just made (the active one,
            // or named, or its prefix): its specs too.
            if env.as_ref().is_none_or(|e| *e == last.env) {
                last.add_specs(specs, line);
            }
        } else if let (true, Some(last), Some(packages)) = (
            open,
            found.last_mut(),
            pip_packages(&expanded).filter(|p| !p.is_empty()),
        ) {
            last.pip_line = last.pip_line.or(Some(line));
            for p in packages {
                if !last.pip.contains(&p) {
                    last.pip.push(p);
                }
            }
        }
    }
    found
}

impl ByHand {
    /// Specs named on `line` that it does not have yet.
    fn add_specs(&mut self, specs: Vec<String>, line: usize) {
        for s in specs {
            if !self.specs.contains(&s) {
                self.specs.push(s);
                self.spec_lines.push(line);
            }
        }
    }
}

/// A command cut out of a subshell (`(… && mamba create -p ./env python=3.10 -y)`) without
/// the parenthesis it does not open or close itself.
fn balanced(command: &str) -> String {
    let (open, close) = (command.matches('(').count(), command.matches(')').count());
    let c = command.trim();
    let c = if close > open {
        c.strip_suffix(')').unwrap_or(c)
    } else {
        c
    };
    let c = if open > close {
        c.strip_prefix('(').unwrap_or(c)
    } else {
        c
    };
    c.trim().to_string()
}

/// The environment (`-n NAME`, or `None` for the active one) and the specs of a `conda
/// install SPEC…` from no file, after the manager. `None` for any other command.
fn install_specs(rest: &[String]) -> Option<(Option<String>, Vec<String>)> {
    let plain = positional(rest);
    let ["install", specs @ ..] = plain.as_slice() else {
        return None;
    };
    if option(rest, "-f", "--file").is_some() {
        return None;
    }
    let env = option(rest, "-n", "--name").or_else(|| {
        // An unknown prefix (outside the project) is another environment's: never this one.
        option(rest, "-p", "--prefix").map(|p| project_prefix(&p).unwrap_or(p))
    });
    Some((env, conda_specs(specs)))
}

/// A `-p PREFIX` inside the project, as a folder relative to it (`./env` → `env`); `None` for
/// an absolute path, one from the home folder, through a variable or out of the project.
fn project_prefix(prefix: &str) -> Option<String> {
    let p = prefix.trim_end_matches('/');
    let p = p.strip_prefix("./").unwrap_or(p);
    let plain = !p.is_empty()
        && p != "."
        && !p.starts_with(['/', '~', '-'])
        && !p.contains(['$', '{', '<', '>', '`', '\\'])
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    plain.then(|| p.to_string())
}

/// The requirement lines the pip installs of a shell command line name (`pip install
/// "mcp[cli]>=1.8"` in a Dockerfile's RUN), each command of the line in turn.
pub(crate) fn pip_requirements(line: &str) -> Vec<String> {
    line.split(['&', ';', '|'])
        .filter_map(pip_packages)
        .flatten()
        .collect()
}

/// The packages a `pip install` in `segment` names (`pip install fastmcp "loguru>=0.7"`), as
/// requirement lines; `None` where it is no pip install. Options and their values,
/// requirement files (`-r`), editable installs, local paths, URLs and placeholders
/// (`<package>`) are left out: only named packages say what the environment needs.
fn pip_packages(segment: &str) -> Option<Vec<String>> {
    let words = shlex::split(segment)
        .unwrap_or_else(|| segment.split_whitespace().map(str::to_string).collect());
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let start = words.iter().enumerate().find_map(|(i, w)| {
        let pip = matches!(base(w).as_str(), "pip" | "pip3")
            && words.get(i + 1).is_some_and(|n| n == "install");
        let module = base(w).starts_with("python")
            && words.get(i + 1).is_some_and(|n| n == "-m")
            && words.get(i + 2).is_some_and(|n| n == "pip")
            && words.get(i + 3).is_some_and(|n| n == "install");
        match (pip, module) {
            (true, _) => Some(i + 2),
            (_, true) => Some(i + 4),
            _ => None,
        }
    })?;
    let mut out = Vec::new();
    let mut skip = false;
    for w in &words[start..] {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.starts_with('-') {
            skip = crate::policy::no_pip::VALUED_OPTIONS.contains(&w.as_str());
            continue;
        }
        // A name first (`numpy<2` is one; `<package>` and `./pkg` are not), and no path,
        // variable or URL (`pkg @ git+https://…`) in it.
        let named = w.starts_with(|c: char| c.is_ascii_alphanumeric())
            && !w.contains(['/', '\\', '$', '{', '@']);
        let file = [".txt", ".whl", ".tar.gz", ".zip"]
            .iter()
            .any(|e| w.ends_with(e));
        // pip's own tooling, upgraded before the installs, is no dependency.
        let tooling = matches!(w.as_str(), "pip" | "setuptools" | "wheel");
        if named && !file && !tooling {
            out.push(w.clone());
        }
    }
    Some(out)
}

/// The name and specs of one `create -n NAME SPEC…` without `-f`.
fn by_hand_of(segment: &str) -> Option<(String, bool, Vec<String>)> {
    after_managers(segment).find_map(|rest| by_hand_command(&rest))
}

/// [`by_hand_of`] for the words after the manager.
fn by_hand_command(rest: &[String]) -> Option<(String, bool, Vec<String>)> {
    let plain = positional(rest);
    let specs = match plain.as_slice() {
        // `conda env create` without -f reads environment.yml: not by hand.
        ["create", specs @ ..] => specs,
        _ => return None,
    };
    if option(rest, "-f", "--file").is_some() {
        return None;
    }
    if let Some(p) = option(rest, "-p", "--prefix") {
        return Some((project_prefix(&p)?, true, conda_specs(specs)));
    }
    let env = option(rest, "-n", "--name").filter(|n| project_env_name(n))?;
    Some((env, false, conda_specs(specs)))
}

/// A name a command gives the project's environment: one every tool accepts, not a
/// placeholder or a variable, and not `base` (conda's `root`), the installation's own
/// environment, which a proposal would end in updating and pruning.
fn project_env_name(n: &str) -> bool {
    crate::policy::names::valid_env_name(n)
        && !n.contains(['$', '<', '>', '{', '}', '['])
        && !matches!(n, "base" | "root")
}

/// The words of a conda command after the manager that are not options or their values.
fn positional(rest: &[String]) -> Vec<&str> {
    /// Options that take a value, which is not a spec.
    const VALUED: &[&str] = &["-n", "--name", "-c", "--channel", "-p", "--prefix"];
    let mut plain = Vec::new();
    let mut skip = false;
    for w in rest {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.starts_with('-') {
            skip = VALUED.contains(&w.as_str());
        } else {
            plain.push(w.as_str());
        }
    }
    plain
}

/// The words that are package specs (`python=3.10`, `numpy<2`; a `channel::` prefix
/// dropped, as the proposal's channel is conda-forge); not a path, variable or local file.
fn conda_specs(words: &[&str]) -> Vec<String> {
    words
        .iter()
        .map(|s| s.rsplit("::").next().unwrap_or(s))
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphanumeric())
                && !s.contains(['/', '$', '{'])
                && super::envfile::parse_spec(s).is_ok()
        })
        .map(str::to_string)
        .collect()
}

/// The variables `text` assigns exactly once, to one plain word (no `$`, quote, space or
/// backquote): Make's `NAME := value` (`=`, `?=`, `::=`) and the shell's `NAME=value`.
/// Text is data here: nothing is evaluated.
fn plain_variables(text: &str) -> std::collections::HashMap<String, Option<String>> {
    static ASSIGN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:::=|:=|\?=|=)[ \t]*["']?([^"'\s]*)["']?[ \t]*$"#,
        )
        .expect("static regex")
    });
    let mut vars: std::collections::HashMap<String, Option<String>> =
        std::collections::HashMap::new();
    for c in text.lines().filter_map(|l| ASSIGN.captures(l)) {
        let value = Some(c[2].to_string()).filter(|v| !v.is_empty() && !v.contains(['$', '`']));
        // Assigned twice (a default, then a branch): which one holds cannot be told.
        vars.entry(c[1].to_string())
            .and_modify(|v| *v = None)
            .or_insert(value);
    }
    vars
}

/// `segment` with `$(NAME)`, `${NAME}` and `$NAME` of [`plain_variables`] replaced by their word.
fn expand(segment: &str, vars: &std::collections::HashMap<String, Option<String>>) -> String {
    static USE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
            .expect("static regex")
    });
    USE.replace_all(segment, |c: &regex::Captures| {
        let name = c
            .get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map_or("", |m| m.as_str());
        match vars.get(name) {
            Some(Some(v)) => v.clone(),
            _ => c[0].to_string(),
        }
    })
    .into_owned()
}

/// The file one command creates (or updates) an environment from, if it is such a command, the
/// name it gives the environment (`-n NAME`), and whether it updates an existing one.
fn file_of(segment: &str) -> Option<(String, Option<String>, bool)> {
    after_managers(segment).find_map(|rest| file_of_command(&rest))
}

/// The words after each conda, mamba or micromamba in `segment`, the first first: a README's
/// prose may name the manager before the command does ("Make a conda env: `conda create …`").
fn after_managers(segment: &str) -> impl Iterator<Item = Vec<String>> {
    let words = shlex::split(segment)
        .unwrap_or_else(|| segment.split_whitespace().map(str::to_string).collect());
    let at: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| MANAGERS.contains(&w.rsplit('/').next().unwrap_or(w)))
        .map(|(i, _)| i)
        .collect();
    at.into_iter().map(move |i| words[i + 1..].to_vec())
}

/// [`file_of`] for the words after the manager.
fn file_of_command(rest: &[String]) -> Option<(String, Option<String>, bool)> {
    let verbs: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .filter(|w| !w.starts_with('-'))
        .take(2)
        .collect();
    let verb = match verbs.as_slice() {
        ["env", v, ..] | [v, ..] => *v,
        [] => return None,
    };
    if !matches!(verb, "create" | "update" | "install") {
        return None;
    }
    let file = option(rest, "-f", "--file")?;
    // `-n NAME` names the environment the command makes, whatever the file's `name:` says;
    // `-p ./env`, a folder of the project, places it there (as `./env`: a path, never a name).
    let env = option(rest, "-n", "--name")
        .filter(|n| crate::policy::names::valid_env_name(n) && !n.contains('$'))
        .or_else(|| {
            option(rest, "-p", "--prefix")
                .and_then(|p| project_prefix(&p))
                .map(|p| format!("./{p}"))
        });
    Some((plain_file(file)?, env, verb != "create"))
}

/// The value of an option given as `-x VALUE`, `--long VALUE` or `--long=VALUE`.
fn option(words: &[String], short: &str, long: &str) -> Option<String> {
    let eq = format!("{long}=");
    words.iter().enumerate().find_map(|(i, w)| {
        if w == short || w == long {
            words.get(i + 1).cloned()
        } else {
            w.strip_prefix(&eq).map(str::to_string)
        }
    })
}

/// A file named plainly, inside the project: `./` dropped; `None` for a variable, a path from
/// the home folder, an absolute one, one out of the project, a glob, or one that is not YAML.
fn plain_file(file: String) -> Option<String> {
    let file = file.strip_prefix("./").unwrap_or(&file).to_string();
    let plain = !file.is_empty()
        && !file.contains(['$', '~', '*', '`'])
        && Path::new(&file)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        && (file.ends_with(".yml") || file.ends_with(".yaml"));
    plain.then_some(file)
}

/// The environment files the project's scripts and README name that exist in the
/// project, each once, with why, in the order of [`sources`], then of their lines. A file is
/// looked up from the project root, then from the naming file's own folder.
pub(crate) fn named_files(root: &Path, scripts: &[PathBuf]) -> Vec<NamedFile> {
    let mut out: Vec<NamedFile> = Vec::new();
    for script in &sources(root, scripts) {
        let Ok(bytes) = crate::disk::read_head(script, SCRIPT_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let dir = script.parent().unwrap_or(root);
        for n in named_in(&text) {
            let Some(path) = [root.join(&n.file), dir.join(&n.file)]
                .into_iter()
                .find(|p| p.is_file())
            else {
                continue;
            };
            if out.iter().any(|f| f.path == path) || for_docs(&n.file) || !is_env_spec(&path) {
                continue;
            }
            let shown = script
                .strip_prefix(root)
                .unwrap_or(script)
                .to_string_lossy();
            let shown = crate::policy::text::printable(&shown);
            let command = crate::policy::text::printable(&n.command);
            out.push(NamedFile {
                path,
                why: format!("named by {shown}:{} (`{command}`)", n.line),
                env: n.env,
                updates: n.updates,
            });
        }
    }
    out
}

/// The first environment the project's scripts or README create by hand (see
/// [`by_hand_in`]), in the order of [`sources`], with where: "README.md:6".
pub(crate) fn by_hand(root: &Path, scripts: &[PathBuf]) -> Option<(ByHand, String)> {
    first_in_commands(root, scripts, |text| {
        by_hand_in(text).into_iter().next().map(|b| (b.line, b))
    })
}

/// The environment the project's Makefile, scripts or README activate (`conda activate
/// mcp_server` in a run script), with where: the first that names one (not `base`, a
/// variable or a placeholder). What a proposal for a project with no environment file names
/// its environment, so that the scripts still find it (FernandoTN/MCP_Server).
pub(crate) fn activated(root: &Path, scripts: &[PathBuf]) -> Option<(String, String)> {
    first_in_commands(root, scripts, |text| {
        commands(text).find_map(|(line, _, expanded)| {
            after_managers(&expanded).find_map(|rest| match rest.as_slice() {
                [verb, env, ..] if verb == "activate" && project_env_name(env) => {
                    Some((line, env.clone()))
                }
                _ => None,
            })
        })
    })
}

/// The first thing `find` finds in the commands of the project's Makefile, scripts or README
/// (in the order of [`sources`]; a README's prose blanked, see [`markdown_commands`]), with
/// where it stands: "README.md:6". `find` gives the line with what it found.
fn first_in_commands<T>(
    root: &Path,
    scripts: &[PathBuf],
    find: impl Fn(&str) -> Option<(usize, T)>,
) -> Option<(T, String)> {
    sources(root, scripts).iter().find_map(|script| {
        let bytes = crate::disk::read_head(script, SCRIPT_BYTES).ok()?;
        let text = String::from_utf8_lossy(&bytes);
        // A README is prose around commands; a script or Makefile is commands.
        let readme = script
            .file_name()
            .is_some_and(|n| n.to_string_lossy().to_lowercase().starts_with("readme"));
        let text = if readme {
            markdown_commands(&text)
        } else {
            text.into_owned()
        };
        let (line, found) = find(&text)?;
        let shown = script
            .strip_prefix(root)
            .unwrap_or(script)
            .to_string_lossy();
        Some((
            found,
            format!("{}:{line}", crate::policy::text::printable(&shown)),
        ))
    })
}

/// The lines of a README (Markdown, or reStructuredText's indented blocks) that hold commands:
/// those of fenced code blocks, those with inline code, and those that start with a package
/// manager or a `$` prompt. Prose is blanked
/// (line numbers stay), so that "then run conda create -n x python=3.10 and activate it" does
/// not make `and`, `activate` and `it` packages.
fn markdown_commands(text: &str) -> String {
    let mut fence: Option<&str> = None;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| t.starts_with(m));
        let keep = match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                false
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                false
            }
            (Some(_), _) => true,
            (None, None) => {
                t.contains('`')
                    || t.starts_with("$ ")
                    || MANAGERS.iter().any(|m| t.starts_with(&format!("{m} ")))
            }
        };
        if keep {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The environment files the project's CI workflows set up (`environment-file: app/env.yml`,
/// the input of mamba-org/setup-micromamba and conda-incubator/setup-miniconda), each once,
/// with why and the name the job gives the environment (`environment-name:`,
/// `activate-environment:`): asked only where nothing else names one, since a workflow may
/// make an environment for one job (the docs, a demo). For a `library`, only a job that runs
/// the tests (pytest, nox, tox, unittest) counts: the environment its contributors work in
/// (xarray-contrib/cf-xarray's ci/environment.yml), not a demo's (zmoon/stringcalc's
/// panel/environment.yml). Paths are taken from the project root.
pub(crate) fn ci_files(root: &Path, library: bool) -> Vec<NamedFile> {
    let mut out: Vec<NamedFile> = Vec::new();
    for set_up in ci_set_ups(root) {
        if out.iter().any(|f| f.path == set_up.path) || for_docs(&set_up.file) {
            continue;
        }
        if !set_up.path.is_file() || !is_env_spec(&set_up.path) {
            continue;
        }
        if library && !TESTS.is_match(&set_up.job) {
            continue;
        }
        out.push(NamedFile {
            why: format!(
                "named by {}:{} (`environment-file: {}`)",
                set_up.workflow,
                set_up.line,
                crate::policy::text::printable(&set_up.file)
            ),
            env: ENV_NAME
                .captures(&set_up.job)
                .map(|n| n[1].to_string())
                .filter(|n| crate::policy::names::valid_env_name(n)),
            path: set_up.path,
            updates: false,
        });
    }
    out
}

/// Where a CI job sets up the environment file `file` with its Python chosen at create
/// time (`create-args: python=${{ matrix.python-version }}` of setup-micromamba,
/// `python-version:` of setup-miniconda): the workflow and line. Such a file leaves Python
/// out on purpose, so that one file serves every Python the tests run on.
pub(crate) fn ci_python(root: &Path, file: &Path) -> Option<String> {
    static PYTHON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?m)(?:^[ \t]*python-version:|\bpython[=<>])").expect("static regex")
    });
    ci_set_ups(root)
        .into_iter()
        .find(|s| s.path == file && PYTHON.is_match(&s.job))
        .map(|s| format!("{}:{}", s.workflow, s.line))
}

/// The conda platforms of the runners of the CI jobs that set up the environment file `file`
/// (`runs-on: windows-latest`, a matrix `os: [ubuntu-latest, macos-latest]`), in a fixed
/// order: what a lock of that file must cover for CI (TobiSan5/first-mcp tests on all three).
pub(crate) fn ci_platforms(root: &Path, file: &Path) -> Vec<String> {
    static RUNNER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\b(ubuntu|windows|macos)-(latest|[0-9][0-9.]*)(-[a-z0-9]+)?\b")
            .expect("static regex")
    });
    let mut out: Vec<&str> = Vec::new();
    for set_up in ci_set_ups(root).iter().filter(|s| s.path == file) {
        for c in RUNNER.captures_iter(&set_up.job) {
            let suffix = c.get(3).map_or("", |m| m.as_str());
            let platform = match &c[1] {
                "ubuntu" if suffix == "-arm" => "linux-aarch64",
                "ubuntu" => "linux-64",
                "windows" => "win-64",
                // Intel runners: macos-13 and before; macos-14 on, and -xlarge, are Apple
                // silicon.
                _ => match c[2].split('.').next().and_then(|v| v.parse::<u32>().ok()) {
                    Some(v) if v <= 13 && suffix != "-xlarge" => "osx-64",
                    _ => "osx-arm64",
                },
            };
            if !out.contains(&platform) {
                out.push(platform);
            }
        }
    }
    out.sort_unstable();
    out.into_iter().map(str::to_string).collect()
}

/// One `environment-file:` of a CI workflow, inside the project.
struct SetUp {
    /// The file as written, without a leading `./`.
    file: String,
    path: PathBuf,
    /// The workflow as shown, and the line.
    workflow: String,
    line: usize,
    /// The text of the job it is in.
    job: String,
}

/// Every `environment-file:` of the project's GitHub workflows that names a file inside the
/// project, in workflow and line order.
fn ci_set_ups(root: &Path) -> Vec<SetUp> {
    static KEY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?m)^[ \t-]*environment-file:[ \t]*["']?([^\s"'#]+)"#)
            .expect("static regex")
    });
    let Ok(entries) = std::fs::read_dir(root.join(".github/workflows")) else {
        return Vec::new();
    };
    let mut workflows: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.sort();
    workflows.truncate(MAX_SCRIPTS);
    let mut out = Vec::new();
    for wf in &workflows {
        let Ok(bytes) = crate::disk::read_head(wf, SCRIPT_BYTES) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let shown = wf.strip_prefix(root).unwrap_or(wf).to_string_lossy();
        for c in KEY.captures_iter(&text) {
            let file = c[1].trim_start_matches("./");
            let named = Path::new(file);
            let inside = named.is_relative()
                && !named
                    .components()
                    .any(|c| matches!(c, Component::ParentDir));
            if !inside {
                continue;
            }
            let at = c.get(0).expect("match").start();
            out.push(SetUp {
                file: file.to_string(),
                path: root.join(named),
                workflow: crate::policy::text::printable(&shown),
                line: text[..at].lines().count() + 1,
                job: job_at(&text, at).to_string(),
            });
        }
    }
    out
}

/// A CI job that runs the project's tests.
static TESTS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\b(?:pytest|py\.test|nox|tox|unittest)\b").expect("static regex")
});

/// The name a CI job gives the environment it sets up (a plain name, not an expression).
static ENV_NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r#"(?m)^[ \t-]*(?:environment-name|activate-environment):[ \t]*["']?([A-Za-z0-9_.-]+)["']?[ \t]*(?:#.*)?$"#,
    )
    .expect("static regex")
});

/// The block of a workflow that `at` is in: from the nearest line above it that is indented
/// two spaces or less (a job's key under `jobs:`) to the next such line.
fn job_at(text: &str, at: usize) -> &str {
    let outer = |line: &str| {
        let t = line.trim_start();
        !t.is_empty() && !t.starts_with('#') && line.len() - t.len() <= 2
    };
    let (mut start, mut end, mut pos) = (0, text.len(), 0);
    for line in text.split_inclusive('\n') {
        if outer(line) {
            if pos <= at {
                start = pos;
            } else {
                end = pos;
                break;
            }
        }
        pos += line.len();
    }
    &text[start..end]
}

/// Whether a file is the environment that builds the documentation (`docs/environment.yml`,
/// `doc/rtd-env.yml`): a README names it for building the docs, not for working on the
/// project.
fn for_docs(file: &str) -> bool {
    Path::new(file).components().any(|c| {
        let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
        matches!(c.as_str(), "doc" | "docs" | "documentation")
    })
}

/// Whether a file holds an environment (hand-written or exported), not a lock or other YAML.
fn is_env_spec(path: &Path) -> bool {
    matches!(
        super::discover::file_kind(path),
        super::discover::EnvFileKind::Spec | super::discover::EnvFileKind::Export
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(crate::proptest_config())]

        /// Any text: what is found is a command of the text's, with a name every tool
        /// accepts and specs that parse.
        #[test]
        fn by_hand_takes_any_text(text in "(conda|mamba|create|-n|-f|-p|--name=|[ `;&|$#<>=.a-z0-9\n\"'])*") {
            for b in by_hand_in(&text) {
                proptest::prop_assert!(crate::policy::names::valid_env_name(&b.env));
                proptest::prop_assert!(b.line >= 1 && b.line <= text.lines().count());
                for spec in &b.specs {
                    proptest::prop_assert!(super::super::envfile::parse_spec(spec).is_ok());
                }
            }
        }
    }

    /// `create -n NAME SPEC…` (or `-p` a folder of the project) without a file is an
    /// environment made by hand, with its specs; a file, a prefix elsewhere, `env create`
    /// (which reads environment.yml), a placeholder name, `base` and a comment are not.
    #[test]
    fn environments_created_by_hand() {
        let text = "# conda create -n commented python=3.9\n\
                    conda create -n <env-name> python=3.9\n\
                    conda create -n fromfile -f environment.yml\n\
                    conda env create -n envcreate\n\
                    micromamba create -p ./env python=3.11\n\
                    conda activate foo\n\
                    $ conda create -n foo python=3.10 pip \"numpy<2\" -c conda-forge -y && conda activate foo\n\
                    ENV=bar\n\
                    mamba create --yes --name $ENV --channel conda-forge python>=3.11 ./local.tar.bz2\n\
                    *   Make a conda env: `conda create -n mcp_env python=3.10` and activate it\n\
                    conda create -n base python=3.12\n";
        let found = by_hand_in(text);
        let got: Vec<(usize, &str, Vec<&str>)> = found
            .iter()
            .map(|b| {
                (
                    b.line,
                    b.env.as_str(),
                    b.specs.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (5, "env", vec!["python=3.11"]),
                (7, "foo", vec!["python=3.10", "pip", "numpy<2"]),
                (9, "bar", vec!["python>=3.11"]),
                (10, "mcp_env", vec!["python=3.10"]),
            ]
        );
        assert!(found[0].prefix && !found[1].prefix, "{found:?}");
        // A prefix outside the project is not the project's environment.
        for outside in ["/opt/env", "~/envs/x", "../env", "$HOME/env", "env/../../x"] {
            assert!(
                by_hand_in(&format!("conda create -p {outside} python=3.11\n")).is_empty(),
                "{outside}"
            );
        }
        assert!(
            found[1].command.starts_with("$ conda create -n foo"),
            "{found:?}"
        );
        // In Markdown, prose that mentions a create is not a command: its words would be
        // packages.
        let readme = "# X\n\nThen run conda create -n prose python=3.10 and activate it.\n\nconda create -n plain python=3.11 -y\n```sh\nmamba create -n fenced python=3.12 pip\n```\n";
        let kept = markdown_commands(readme);
        assert_eq!(kept.lines().count(), readme.lines().count());
        let found: Vec<(usize, String, Vec<String>)> = by_hand_in(&kept)
            .into_iter()
            .map(|b| (b.line, b.env, b.specs))
            .collect();
        assert_eq!(
            found,
            [
                (5, "plain".to_string(), vec!["python=3.11".to_string()]),
                (
                    7,
                    "fenced".to_string(),
                    vec!["python=3.12".to_string(), "pip".to_string()]
                ),
            ]
        );
        // In a script, backticks are command substitution: the command around them counts.
        let script = "conda create -n tool python=3.11 -y && echo `conda info --base`\n\
                      conda env create -f env.yml -n proj && echo `conda --version`\n";
        let found = by_hand_in(script);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].env, "tool");
        assert_eq!(named_in(script)[0].file, "env.yml");
    }

    /// The packages a README then installs with pip go with the environment made by hand:
    /// named ones only (no options, requirement files, editable or local paths, URLs, or pip's
    /// own tooling), and not those of a virtualenv route set up after it.
    #[test]
    fn pip_installs_after_a_create_by_hand_are_its_packages() {
        let text = "conda create -n app python=3.11 -y\n\
                    pip install --upgrade pip setuptools\n\
                    pip install -U fastmcp \"loguru>=0.7\" -r requirements-dev.txt -e . ./local\n\
                    python -m pip install --index-url https://x.invalid/simple httpx git+https://x.invalid/r.git\n\
                    pip install <package> dist/app.whl pkg@git+https://x.invalid/p\n\
                    python -m venv .venv\n\
                    pip install requests\n";
        let found = by_hand_in(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pip, ["fastmcp", "loguru>=0.7", "httpx"]);
        assert_eq!(found[0].pip_line, Some(3));
        assert_eq!(found[0].specs, ["python=3.11"]);
        // Conda installs into it, the active one or by name, are its specs; into another
        // environment, or from a file, they are not.
        let text = "conda create -n lab python=3.10 -y\nconda activate lab\nconda install pytorch::pytorch torchvision -c pytorch -y\nmamba install -n lab jupyter\nconda install -n other scipy\nconda install --file extra.txt\npip install datasets\n";
        let found = by_hand_in(text);
        assert_eq!(
            found[0].specs,
            ["python=3.10", "pytorch", "torchvision", "jupyter"]
        );
        // Each where it is named: the create's line, then the installs'.
        assert_eq!(found[0].spec_lines, [1, 3, 3, 4]);
        assert_eq!(found[0].pip, ["datasets"]);
        assert_eq!(found[0].pip_line, Some(7));
        // No create before them: nothing to attach them to.
        assert!(by_hand_in("pip install fastmcp\n").is_empty());
    }

    /// A setup script that makes a prefix in the project with whichever manager is there
    /// (MacromNex's generated MCP servers: `mamba create -p ./env … || conda create -p ./env
    /// …`), then installs into it with its own pip and `run -p`: one environment, with all of
    /// it.
    #[test]
    fn a_prefix_made_by_hand_collects_what_goes_into_it() {
        let text = "(command -v mamba >/dev/null 2>&1 && mamba create -p ./env python=3.10 pip -y) || \\\n\
                    (command -v conda >/dev/null 2>&1 && conda create -p ./env python=3.10 pip -y)\n\
                    ./env/bin/pip install loguru click\n\
                    mamba run -p ./env pip install --force-reinstall --no-cache-dir fastmcp\n\
                    mamba run -p ./env mamba install -c conda-forge rdkit -y\n\
                    mamba install -p ./other scipy\n";
        let found = by_hand_in(text);
        assert_eq!(found.len(), 1, "{found:?}");
        let b = &found[0];
        assert_eq!((b.env.as_str(), b.prefix, b.line), ("env", true, 1));
        assert_eq!(b.command, "mamba create -p ./env python=3.10 pip -y");
        assert_eq!(b.specs, ["python=3.10", "pip", "rdkit"]);
        assert_eq!(b.pip, ["loguru", "click", "fastmcp"]);
    }

    /// A run script's `conda activate NAME` names the environment; `base`, a variable and a
    /// placeholder do not, and a script comes before the README.
    #[test]
    fn the_environment_a_script_activates() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::write(
            root.join("README.md"),
            "```sh\nconda activate from_readme\n```\n",
        )
        .unwrap();
        let readme = vec![root.join("README.md")];
        assert_eq!(
            activated(root, &readme),
            Some(("from_readme".to_string(), "README.md:2".to_string()))
        );
        std::fs::write(
            root.join("run_server.sh"),
            "#!/bin/bash\nsource $HOME/miniconda3/etc/profile.d/conda.sh\nconda activate base\nconda activate $ENV\nconda activate <env>\nconda activate mcp_server\npython main.py\n",
        )
        .unwrap();
        let both = vec![root.join("run_server.sh"), root.join("README.md")];
        assert_eq!(
            activated(root, &both),
            Some(("mcp_server".to_string(), "run_server.sh:6".to_string()))
        );
    }

    /// The runners of the jobs that set a file up are the platforms its lock must cover; a
    /// job that sets up another file does not count.
    #[test]
    fn ci_runners_are_platforms_to_lock() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
        std::fs::write(
            root.join(".github/workflows/ci.yml"),
            "jobs:\n  test:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-latest, windows-2022, macos-13, macos-latest]\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: environment.yml\n  docs:\n    runs-on: ubuntu-24.04-arm\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: docs/env.yml\n",
        )
        .unwrap();
        assert_eq!(
            ci_platforms(root, &root.join("environment.yml")),
            ["linux-64", "osx-64", "osx-arm64", "win-64"]
        );
        assert_eq!(
            ci_platforms(root, &root.join("docs/env.yml")),
            ["linux-aarch64"]
        );
        assert!(ci_platforms(root, &root.join("other.yml")).is_empty());
    }

    #[test]
    fn ci_workflows_name_the_environment_files_they_set_up() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let w = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        w("app/env.yml", "name: app\ndependencies:\n  - python=3.12\n");
        w(
            "docs/environment.yml",
            "name: docs\ndependencies:\n  - sphinx\n",
        );
        w("not-env.yml", "site_name: x\n");
        w(
            ".github/workflows/test.yml",
            "jobs:\n  test:\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: ./app/env.yml\n          environment-file: docs/environment.yml\n          environment-file: not-env.yml\n          environment-file: ../outside.yml\n          environment-file: app/env.yml\n",
        );
        let found = ci_files(root, false);
        let paths: Vec<&Path> = found.iter().map(|f| f.path.as_path()).collect();
        assert_eq!(paths, [root.join("app/env.yml").as_path()]);
        assert_eq!(
            found[0].why,
            "named by .github/workflows/test.yml:6 (`environment-file: app/env.yml`)"
        );
        assert_eq!(found[0].env, None);
        // A library's: only the file of a job that runs the tests, with the name that job
        // gives the environment (an expression is no name).
        w("ci/environment.yml", "dependencies:\n  - python\n");
        w("demo/environment.yml", "dependencies:\n  - panel\n");
        w(
            ".github/workflows/test.yml",
            "jobs:\n  demo:\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: demo/environment.yml\n          environment-name: demo\n      - run: panel serve app.py\n  test:\n    steps:\n      - uses: mamba-org/setup-micromamba@v2\n        with:\n          environment-file: ci/environment.yml\n          environment-name: lib_test  # the tests' environment\n      - run: python -m pytest\n  min:\n    steps:\n      - uses: conda-incubator/setup-miniconda@v3\n        with:\n          environment-file: app/env.yml\n          activate-environment: ${{ matrix.env }}\n      - run: pytest\n",
        );
        let found = ci_files(root, true);
        let got: Vec<(&Path, Option<&str>)> = found
            .iter()
            .map(|f| (f.path.strip_prefix(root).unwrap(), f.env.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (Path::new("ci/environment.yml"), Some("lib_test")),
                (Path::new("app/env.yml"), None)
            ]
        );
        assert_eq!(ci_files(root, false).len(), 3);
    }

    fn files(text: &str) -> Vec<String> {
        named_in(text).into_iter().map(|n| n.file).collect()
    }

    #[test]
    fn create_and_update_commands_name_their_file() {
        let make = "env-backend:\n\tconda env create -f ./scripts/env_backend.yaml\n\
                    ml:\n\t@mamba env update --file=envs/ml.yml --prune\n\
                    mm:\n\tmicromamba create -y -n x -f conda/dev.yaml && micromamba run -n x pytest\n\
                    abs:\n\t/opt/conda/bin/conda env create --file tools/env.yml\n";
        assert_eq!(
            files(make),
            [
                "scripts/env_backend.yaml",
                "envs/ml.yml",
                "conda/dev.yaml",
                "tools/env.yml"
            ]
        );
        let names: Vec<Option<String>> = named_in(make).into_iter().map(|n| n.env).collect();
        assert_eq!(names, [None, None, Some("x".to_string()), None]);
        // Only `env update` (and `install`) apply the file to an environment that exists.
        let updates: Vec<bool> = named_in(make).into_iter().map(|n| n.updates).collect();
        assert_eq!(updates, [false, true, false, false]);
        // `-p` a folder of the project places the environment there; elsewhere it names none.
        let prefixed = "mamba env create -p ./env/ -f environment.yml
conda env create -p /opt/x -f environment.yml
";
        let envs: Vec<Option<String>> = named_in(prefixed).into_iter().map(|n| n.env).collect();
        assert_eq!(envs, [Some("./env".to_string()), None]);
        // A README quotes the command; `--name` names the environment.
        let readme = "Create it with `conda env update --name rmsfkit --file devtools/conda-envs/test_env.yaml`.\n\
                      $ mamba env create -n \"$ENV\" -f env.yml\n";
        let got = named_in(readme);
        assert_eq!(got[0].file, "devtools/conda-envs/test_env.yaml");
        assert_eq!(got[0].env.as_deref(), Some("rmsfkit"));
        // A name through a variable is not a name.
        assert_eq!(
            (got[1].file.as_str(), got[1].env.as_deref()),
            ("env.yml", None)
        );
        let n = &named_in(make)[0];
        assert_eq!(
            (n.line, n.command.as_str()),
            (2, "conda env create -f ./scripts/env_backend.yaml")
        );
    }

    /// anaconda/assistant-sdk's Makefile picks `update` or `create` with a `$(shell …)` call
    /// whose `&&` and `||` are the shell's, and places the environment with `-p` through a
    /// variable: the command is the create, into ./env, from the file.
    #[test]
    fn a_make_shell_call_that_picks_the_verb_is_the_create() {
        let make = "conda_env_dir ?= ./env\nenv_file := environment-dev.yml\nconda_exe ?= conda\n\nsetup:\n\t$(conda_exe) env $(shell [ -d $(conda_env_dir) ] && echo update || echo create) -p $(conda_env_dir) --file $(env_file)\n";
        let got = named_in(make);
        let cmds: Vec<_> = commands(make).collect();
        assert_eq!(got.len(), 1, "{got:?} {cmds:?}");
        assert_eq!(got[0].file, "environment-dev.yml");
        assert_eq!(got[0].env.as_deref(), Some("./env"));
        assert_eq!(got[0].line, 6);
        assert_eq!(make_shell_calls("a $(shell date) b"), "a  b");
        assert_eq!(make_shell_calls("a $(shell (x) b"), "a $(shell (x) b");
    }

    /// DahnJ/H3-Pandas' Makefile names both through variables it sets once: read as words.
    /// A variable set twice, or to something computed, is still unknown.
    #[test]
    fn variables_set_once_to_a_word_are_read() {
        let make = "ENV_NAME := h3-pandas\nENVIRONMENT := environment.yml\n\ninit:\n\tmamba env create -n $(ENV_NAME) -f $(ENVIRONMENT)\n";
        let got = named_in(make);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].file, "environment.yml");
        assert_eq!(got[0].env.as_deref(), Some("h3-pandas"));
        assert_eq!(
            got[0].command,
            "mamba env create -n $(ENV_NAME) -f $(ENVIRONMENT)"
        );
        let sh = "export ENV=\"ml\"\nFILE=envs/ml.yml\nconda env create -n ${ENV} -f $FILE\n";
        assert_eq!(named_in(sh)[0].env.as_deref(), Some("ml"));
        assert_eq!(named_in(sh)[0].file, "envs/ml.yml");
        for text in [
            "ENV=a\nENV=b\nconda env create -n $ENV -f e.yml\n",
            "ENV=$(shell cat name)\nconda env create -n $(ENV) -f e.yml\n",
            "ENV_FILE ?= $(HOME)/env.yml\nconda env create -f $(ENV_FILE)\n",
        ] {
            let got = named_in(text);
            assert!(got.iter().all(|n| n.env.is_none()), "{text}: {got:?}");
            assert!(got.iter().all(|n| n.file == "e.yml"), "{text}: {got:?}");
        }
    }

    #[test]
    fn what_is_not_the_projects_file_is_left_out() {
        for text in [
            "conda env create -f $(ENV_FILE)",
            "mamba env update -n climada -f ~/jobs/env.yml",
            "conda env create -f /tmp/environment.yml",
            "conda env create -f ../other/environment.yml",
            "conda create -n build --file ./etc/build.linux-64.lock",
            "# conda env create -f commented.yml",
            "conda activate x && pip install -r env.yml",
            "conda env export -f out.yml",
            "echo conda",
        ] {
            assert!(files(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn files_in_the_project_are_found_and_judged_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("scripts/ci")).unwrap();
        std::fs::write(
            root.join("scripts/env_model.yaml"),
            "name: m\ndependencies:\n  - python=3.11\n",
        )
        .unwrap();
        std::fs::write(
            root.join("scripts/ci/local.yml"),
            "name: c\ndependencies: [python]\n",
        )
        .unwrap();
        std::fs::write(root.join("scripts/other.yml"), "key: value\n").unwrap();
        // The documentation's environment is not the project's, whoever names it.
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(
            root.join("docs/environment.yml"),
            "name: d\ndependencies: [sphinx]\n",
        )
        .unwrap();
        std::fs::write(
            root.join("README.md"),
            "Docs: `conda env create -f docs/environment.yml`\n",
        )
        .unwrap();
        std::fs::write(
            root.join("Makefile"),
            "a:\n\tconda env create -f scripts/other.yml\nb:\n\tconda env create -f ./scripts/env_model.yaml\n",
        )
        .unwrap();
        // From the script's own folder; and the Makefile's file again, once.
        std::fs::write(
            root.join("scripts/ci/setup.sh"),
            "mamba env create -f local.yml\nmamba env create -f scripts/env_model.yaml\nmamba env create -f missing.yml\n",
        )
        .unwrap();
        let scripts = vec![root.join("scripts/ci/setup.sh"), root.join("Makefile")];
        let got = named_files(root, &scripts);
        let paths: Vec<_> = got
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                Path::new("scripts/env_model.yaml"),
                Path::new("scripts/ci/local.yml")
            ]
        );
        assert_eq!(
            got[0].why,
            "named by Makefile:4 (`conda env create -f ./scripts/env_model.yaml`)"
        );
        assert!(
            got[1].why.starts_with("named by scripts/ci/setup.sh:1"),
            "{}",
            got[1].why
        );
    }
}
