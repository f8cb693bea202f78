//! The one pip detector behind "every fix devdoctor prints is a mamba/micromamba/conda
//! command, never pip": [`argv_calls_pip`] / [`text_calls_pip`] judge fix commands and steps,
//! `guard` applies them to every fix before any renderer sees it, and `matcher` gives
//! packs the same knowledge as named line matchers (`matcher = "pip-install"`) instead of
//! pasted regexes.

use crate::core::Fix;

/// Whether a command (argv) would run pip or another non-conda installer: `pip`, `pip3`,
/// `pip3.11` or a path to one as the program, `python -m pip`, `uv pip`, `easy_install`, and
/// the same hidden in a `sh -c '…'` string. Installing the conda package named `pip` is fine.
pub fn argv_calls_pip<S: AsRef<str>>(argv: &[S]) -> bool {
    let program_is_pip = argv.first().is_some_and(|p| {
        let name = p.as_ref().rsplit('/').next().unwrap_or_default();
        name == "easy_install"
            || name
                .strip_prefix("pip")
                .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    // An argument with spaces may be a script for `sh -c`.
    let embedded = argv
        .iter()
        .skip(1)
        .any(|a| a.as_ref().contains(char::is_whitespace) && text_calls_pip(a.as_ref()));
    let joined = argv
        .iter()
        .map(|s| s.as_ref())
        .collect::<Vec<_>>()
        .join(" ");
    program_is_pip || embedded || text_calls_pip(&joined)
}

/// Whether `lower` (a lowercased text) holds what every match of [`text_calls_pip`]'s pattern
/// needs around a `pip` (then digits or dots) or `easy_install`: before it, the start, a
/// shell separator or quote, a path, or `sudo`/`exec`/`command`/`xargs`/`-m` and white space;
/// after it, the end, white space, a separator or a quote — or `uv` and white space before
/// `pip`. Most texts that name pip without running it ("keep pip only in the `pip:` block",
/// a package called `pip`) fail this, so they are judged without compiling the pattern.
fn may_call_pip(lower: &str) -> bool {
    let ends_command = |rest: &str| {
        rest.chars()
            .next()
            .is_none_or(|c| c.is_whitespace() || ";&|)'\"`".contains(c))
    };
    let starts_command = |before: &str| {
        let word = before.trim_end();
        let spaced = word.len() < before.len();
        before.ends_with('/')
            || word.is_empty()
            || word.ends_with(|c: char| ";&|(`'\"".contains(c))
            || (spaced
                && ["sudo", "exec", "command", "xargs", "-m"]
                    .iter()
                    .any(|w| word.ends_with(w)))
    };
    let after_uv =
        |before: &str| before.ends_with(char::is_whitespace) && before.trim_end().ends_with("uv");
    let pip = lower.match_indices("pip").any(|(i, _)| {
        let rest = lower[i + 3..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        let before = &lower[..i];
        (ends_command(rest) && starts_command(before)) || after_uv(before)
    });
    pip || lower
        .match_indices("easy_install")
        .any(|(i, m)| ends_command(&lower[i + m.len()..]) && starts_command(&lower[..i]))
}

/// `text` lowercased as the pattern's `(?i)` compares it (`ſ` is a long `s`).
fn fold(text: &str) -> String {
    text.to_lowercase().replace('ſ', "s")
}

/// The same test on a command line as text (a manual step, a script line).
pub fn text_calls_pip(text: &str) -> bool {
    may_call_pip(&fold(text)) && pattern().is_match(text)
}

fn pattern() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?ix)
            # pip as the program: at the start, after a shell separator or quote, or after sudo/env/exec
            (^ | [;&|(`'"] | \b(?:sudo|exec|command|xargs)\s)
            \s* (?:\S*/)? (?:pip[0-9.]*|easy_install) (?:\s|$|[;&|)'"`])
            | -m \s+ pip (?:\s|$)        # python -m pip
            | \buv \s+ pip \b           # uv pip
            "#,
        )
        .expect("static regex")
    })
}

/// The shared core of the pack matchers: an optional `sudo …`, an optional directory, then
/// `pip`/`pip3`/`pip3.11`, `python -m pip` or `uv pip` followed (after options) by `install`,
/// or `easy_install`.
const INSTALL: &str = r#"(?:sudo[ \t]+(?:-\S+[ \t]+)*)?(?:\S*/)?(?:(?:pip[0-9.]*|python[0-9.]*[ \t]+-m[ \t]+pip|uv[ \t]+pip__EXTRA__)[ \t]+(?:-\S+[ \t]+)*install\b|easy_install\b)"#;

/// The names packs may use in `matcher = "…"`, with what each finds (one line each).
pub(crate) const MATCHERS: &[(&str, &str)] = &[
    (
        "pip-install",
        "a pip-based install in a shell script or CI file, outside comments",
    ),
    (
        "pip-install-make",
        "the same in a Makefile or justfile, also after a recipe prefix (`@`, `-`) and as `$(PIP) install`",
    ),
    (
        "pip-install-doc",
        "a pip-based install that starts a command in documentation (line start, after a `$`, `>` or `%` prompt, or after `&&`, `||`, `;`, `|`)",
    ),
];

/// Whether a block of commands (a README's fenced block) creates or activates a Python
/// virtualenv (`python -m venv .venv`, `virtualenv env`, `uv venv`, `source .venv/bin/activate`):
/// the installs that follow go into it, a route the README offers beside the conda one, not
/// into the conda environment.
pub(crate) fn sets_up_a_virtualenv(block: &str) -> bool {
    block.lines().any(|l| {
        let l = l.trim();
        !l.starts_with('#')
            && (l.contains("-m venv")
                || l.contains("virtualenv ")
                || l.contains("uv venv")
                || l.contains("bin/activate")
                || l.contains("Scripts\\activate")
                || l.contains("Scripts/activate"))
    })
}

/// Whether `text` has a line every named matcher's match needs: `easy_install`, or `install`
/// with `pip` (or make's `PIP`) on the same line. A README that only names the `pip:` block
/// compiles no pattern.
pub(crate) fn may_install(text: &str) -> bool {
    text.lines().any(|l| {
        l.contains("easy_install")
            || (l.contains("install") && (l.contains("pip") || l.contains("PIP")))
    })
}

/// The regex (source) of a named matcher, or `None` for an unknown name. Each line it
/// matches is one finding (the pattern is multi-line).
pub(crate) fn matcher(name: &str) -> Option<String> {
    let (start, extra) = match name {
        "pip-install" => (r#"(?m)^[^#\n]*?(?:^|[ \t;&|(`'"])"#, ""),
        "pip-install-make" => (
            r#"(?m)^[^#\n]*?(?:^|[ \t;&|(`'"@-])"#,
            r"|\$\(PIP\)|\$\{PIP\}",
        ),
        "pip-install-doc" => (
            r"(?m)(?:^[ \t]*(?:[$>%][ \t]*)?|(?:&&|\|\||;|\|)[ \t]*)",
            "",
        ),
        _ => return None,
    };
    Some(format!("{start}{}", INSTALL.replace("__EXTRA__", extra)))
}

/// The options of `pip install` that take a value (`-r FILE`, `--index-url URL`): what
/// follows them is no package, for every reader of the packages a pip line names.
pub(crate) const VALUED_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--src",
    "--cache-dir",
    "--trusted-host",
    "--proxy",
    "--log",
    "--progress-bar",
    "--python",
    // pip 25.1: a dependency group of pyproject.toml (`--group test`), not a package.
    "--group",
    "--timeout",
    "--default-timeout",
    "--retries",
    "--resume-retries",
    "--root-user-action",
    "--exists-action",
    "-C",
    "--config-settings",
    "--global-option",
    "--report",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--log-file",
    "--cert",
    "--client-cert",
];

/// A YAML line that names or describes a step rather than running it (`- name: Strip pip
/// install from environment file`, `description: …`, as DestinE-Climate-DT/AQUA's workflow
/// has): text, not a command.
pub(crate) fn names_a_step(line: &str) -> bool {
    let key = line.trim_start().trim_start_matches("- ").trim_start();
    ["name:", "description:", "title:", "summary:"]
        .iter()
        .any(|k| key.starts_with(k))
        || prints_text(line)
}

/// A line that only prints text (`@echo '  pip install -e .   Install in editable mode'`, a
/// Makefile's help target in gammapy/gammapy): it runs nothing it names. One that chains
/// another command after the text (`echo x && pip install y`) is not text only.
fn prints_text(line: &str) -> bool {
    let cmd = line
        .trim_start()
        .trim_start_matches(['@', '-', '+'])
        .trim_start();
    let prints = ["echo ", "printf ", "@echo "]
        .iter()
        .any(|p| cmd.starts_with(p));
    prints
        && !["&&", "||", ";", "|", "`", "$("]
            .iter()
            .any(|op| cmd.contains(op))
}

/// `pip install -e .`, `pip install ".[dev]"`, a library's README telling its users
/// `pip install mylib[all]`, a release job installing the wheel it built
/// (`pip install dist/mylib-*.whl`) or the tools that build and upload it
/// (`pip install --upgrade pip build twine`): the project installing itself or packaging
/// itself, not a dependency bypassing the environment file. Pack findings set such lines
/// aside as a note.
pub(crate) const SELF_INSTALL: super::Aside = super::Aside {
    test: installs_only_the_project,
    label: "installs only the project itself, or pip and the tools that package it, lock its environment, run its sessions or lint its sources, with pip (a library's development or release workflow, a lock or lint job, a nox or asv runner, or its install instructions for PyPI users)",
    advice: "mamba-first alternatives: list `-e .` under `pip:` in the environment file, so creating the environment installs the project too; offer `mamba install -c conda-forge <the library>` to users where it is on conda-forge; a release job that only builds and uploads sets up no environment; conda-lock is on conda-forge too (`micromamba create -y -n conda-lock -c conda-forge conda-lock`)",
};

/// A line that installs the project itself with `--force-reinstall` (or `-I`, or an eager
/// upgrade) and without `--no-deps`: a finding, but its step keeps the line and adds
/// `--no-deps` instead of moving packages into the environment file.
pub(crate) const FORCED_SELF_INSTALL: super::Amend = super::Amend {
    test: reinstalls_the_projects_dependencies,
    note: "installs the project itself, but reinstalls every dependency from PyPI too, over the environment's conda packages",
    step: "keep each line that installs the project itself ({places}), and add `--no-deps` to it, so that its dependencies come from the environment",
};

/// The tools that build and upload a distribution, lock the environment, or run sessions in
/// environments they make themselves: a release, lock or test job installs them with pip
/// without setting up the project's environment (betolink/itslive-ingest's workflow
/// pip-installs conda-lock to lock environment.yml; SciTools/iris-esmf-regrid's installs nox,
/// whose sessions create conda environments from the project's lock files; deepchem's CI
/// installs conda-merge to merge its environment files before it creates the environment;
/// TobiSan5/first-mcp's release job checks its wheel with check-wheel-contents), or bootstrap
/// a tool manager that makes environments of its own (a Justfile's `pip install uv`), or lint
/// the sources without importing them.
const PACKAGING_TOOLS: &[&str] = &[
    "conda-lock",
    "conda-merge",
    "nox",
    "tox",
    "asv",
    "pip",
    "setuptools",
    "wheel",
    "build",
    "twine",
    "setuptools-scm",
    "hatch",
    "hatchling",
    "flit",
    "cibuildwheel",
    "check-manifest",
    "check-wheel-contents",
    "pkginfo",
    "uv",
    "pipx",
    // Linters that read the sources without importing them: a lint job needs no environment
    // (aqlaboratory/openfold's flake8 job).
    "flake8",
    "ruff",
    "black",
    "isort",
    "codespell",
    "pre-commit",
    // Static checkers that parse the sources without importing them (PsiAnimator-MCP's lint
    // job). mypy and pylint import the project's dependencies to judge it: not these.
    "pydocstyle",
    "vulture",
    "bandit",
    "pyflakes",
    "pycodestyle",
    "yamllint",
];

/// `$(NAME)` and `${NAME}`: a make or shell variable, read as `$NAME`.
static MAKE_VAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]").expect("valid")
});
/// A shell redirection (`2>&1`, `> log.txt`, `>>out`, `< in`): where output goes, not what pip
/// installs (ESMValCore's CI runs `pip install -e .[develop] 2>&1 | tee install.log`).
static REDIRECT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?:^|\s)\d*(?:>&\d+|>>?\s*[^\s;|&]+|<\s*[^\s;|&]+)").expect("valid")
});

/// Whether the arguments after `pip install` name only the project itself (`.`, `./`,
/// `.[extras]`, quoted or not, `-e`/`--editable` or not, `own` — the project's distribution
/// name — with extras or a version, or a wheel or sdist of it built in the job), or the tools
/// that package it, with no requirement file or other package.
pub(crate) fn installs_only_the_project(args: &str, own: Option<&str>) -> bool {
    self_install(args, own) == Some(false)
}

/// Whether the arguments after `pip install` name only the project itself, as
/// [`installs_only_the_project`] reads them, but with `--force-reinstall`, `-I` or an eager
/// upgrade and no `--no-deps`: pip then reinstalls every dependency of the project from PyPI
/// over the environment's conda packages (anaconda/anaconda-mcp's `pip install --upgrade
/// --force-reinstall $(DIST_DIR)/*.whl`). The line stays, with `--no-deps`.
pub(crate) fn reinstalls_the_projects_dependencies(args: &str, own: Option<&str>) -> bool {
    self_install(args, own) == Some(true)
}

/// `None` where the arguments name something besides the project (and the tools that package
/// it); otherwise whether pip takes every dependency from PyPI again.
fn self_install(args: &str, own: Option<&str>) -> Option<bool> {
    // A Makefile's `$(DIST_DIR)` is a variable, not the end of a `$( … )` subshell.
    let args = MAKE_VAR.replace_all(args, "$$$1");
    let args = REDIRECT.replace_all(&args, " ");
    let cmd = args
        .split(['#', ';', '|', '&', '`', ')'])
        .next()
        .unwrap_or_default();
    let mut targets = 0;
    // Reinstalling or eagerly upgrading every dependency takes them all from PyPI, over the
    // environment's conda packages: not only the project, unless `--no-deps`.
    let (mut every_dependency, mut no_deps) = (false, false);
    let mut words = cmd.split_whitespace();
    while let Some(w) = words.next() {
        let w = w.trim_matches(|c| c == '"' || c == '\'');
        match w {
            "--force-reinstall" | "-I" | "--ignore-installed" | "--upgrade-strategy=eager" => {
                every_dependency = true
            }
            "--upgrade-strategy" => every_dependency |= words.next() == Some("eager"),
            "--no-deps" => no_deps = true,
            "-e" | "--editable" => match words.next() {
                Some(t)
                    if is_project_dir(t)
                        || own.is_some_and(|o| {
                            is_own_repo(t, o) || is_placeholder_checkout(t, o)
                        }) =>
                {
                    targets += 1
                }
                _ => return None,
            },
            _ if w.starts_with("--editable=") => {
                if !is_project_dir(&w["--editable=".len()..]) {
                    return None;
                }
                targets += 1;
            }
            // Options that take a value name other sources: not a self-install.
            "-r" | "--requirement" | "-c" | "--constraint" | "-i" | "--index-url"
            | "--extra-index-url" | "-f" | "--find-links" => return None,
            _ if w.starts_with('-') => {}
            _ if is_project_dir(w)
                || is_built_artifact(w, own)
                || own.is_some_and(|o| is_own_repo(w, o) || is_placeholder_checkout(w, o))
                || requirement_name(w).is_some_and(|n| {
                    own.is_some_and(|o| same_name(n, o))
                        || PACKAGING_TOOLS.iter().any(|t| same_name(n, t))
                }) =>
            {
                targets += 1
            }
            _ => return None,
        }
    }
    (targets > 0).then_some(every_dependency && !no_deps)
}

/// Whether `word` is a VCS URL of the project's own repository, `own` being its distribution
/// name: `git+https://github.com/org/mylib.git` (with `@ref` or `#egg=mylib`, or as
/// `mylib @ git+…`'s URL), the development version a README or a binder environment installs.
pub(crate) fn is_own_repo(word: &str, own: &str) -> bool {
    let word = word.trim_matches(|c| c == '"' || c == '\'');
    let Some(rest) = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .find_map(|p| word.strip_prefix(p))
    else {
        return false;
    };
    let Ok(url) = url::Url::parse(rest) else {
        return false;
    };
    if let Some(egg) = url.fragment().and_then(|f| f.strip_prefix("egg=")) {
        return same_name(egg, own);
    }
    let last = url
        .path_segments()
        .and_then(|mut s| s.rfind(|p| !p.is_empty()))
        .unwrap_or_default();
    let repo = last.split('@').next().unwrap_or_default();
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    !repo.is_empty() && same_name(repo, own)
}

/// The distribution name a requirement starts with (`mylib` of `"mylib[all]"`, `MyLib==1.2`),
/// when it is one.
fn requirement_name(word: &str) -> Option<&str> {
    let name = word
        .split(['[', '=', '<', '>', '!', '~', ';', '@', ' '])
        .next()
        .unwrap_or_default();
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    .then_some(name)
}

fn same_name(a: &str, b: &str) -> bool {
    super::names::normalize_dist_name(a) == super::names::normalize_dist_name(b)
}

/// A wheel or sdist of the project on disk (`dist/mylib-1.0-py3-none-any.whl`,
/// `dist/mylib*.whl`, `./*.whl`): its file name starts with the project's distribution name or
/// with a glob. Without a known name, only a glob counts.
fn is_built_artifact(word: &str, own: Option<&str>) -> bool {
    if word.contains("://") || !(word.ends_with(".whl") || word.ends_with(".tar.gz")) {
        return false;
    }
    let file = word.rsplit('/').next().unwrap_or(word);
    // A built file is `{name}-{version}…` with `_` for `-` in the name; a glob names the start.
    let dist = match file.split_once('*') {
        Some((start, _)) => start.trim_end_matches(['-', '_']),
        None => file.split('-').next().unwrap_or_default(),
    };
    dist.is_empty() || own.is_some_and(|o| same_name(dist, o))
}

fn is_project_dir(word: &str) -> bool {
    let w = word.trim_matches(|c| c == '"' || c == '\'');
    let base = w.split('[').next().unwrap_or(w);
    let extras_ok = w.len() == base.len() || w.ends_with(']');
    // CI runs in the checkout: GitHub's workspace, GitLab's project folder, the current one.
    let checkout = matches!(
        base.trim_end_matches('/'),
        "." | "$GITHUB_WORKSPACE"
            | "${GITHUB_WORKSPACE}"
            | "${{github.workspace}}"
            | "$CI_PROJECT_DIR"
            | "${CI_PROJECT_DIR}"
            | "$PWD"
            | "${PWD}"
    );
    extras_ok && (checkout || base == "./")
}

/// Whether `word` is a README's placeholder for the user's checkout of the project, `own`
/// being its distribution name: `/path/to/PyFstat`, `path/to/pyfstat[dev]`.
fn is_placeholder_checkout(word: &str, own: &str) -> bool {
    let w = word.trim_matches(|c| c == '"' || c == '\'');
    let base = w.split('[').next().unwrap_or(w).trim_end_matches('/');
    let Some(rest) = base
        .strip_prefix("/path/to/")
        .or_else(|| base.strip_prefix("path/to/"))
    else {
        return false;
    };
    !rest.contains('/') && same_name(rest, own)
}

/// The note left in a fix whose pip steps were dropped.
pub(crate) const DROPPED_NOTE: &str =
    "devdoctor dropped steps of this fix that would run pip: install with mamba/micromamba from conda-forge instead";

/// Removes every command and manual step that calls pip from a fix, leaving a visible note
/// when it removed something. Returns whether anything was dropped.
pub(crate) fn guard(fix: &mut Fix) -> bool {
    let before = fix.commands.len() + fix.manual.len();
    fix.commands.retain(|c| !argv_calls_pip(c));
    fix.manual.retain(|m| !text_calls_pip(m));
    let dropped = fix.commands.len() + fix.manual.len() != before;
    if dropped {
        fix.manual.push(DROPPED_NOTE.to_string());
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    proptest::proptest! {
        #![proptest_config(crate::proptest_config())]

        /// Where `may_install` says no, no named matcher finds a match.
        #[test]
        fn the_matchers_prefilter_never_hides_a_match(
            words in proptest::collection::vec(
                "pip|pip3|PIP|\\$\\(PIP\\)|\\$\\{PIP\\}|install|easy_install|python|-m|uv|sudo|-U|x|#|&&|\\$|@|/usr/bin/| |\t|\n",
                0..10,
            ),
        ) {
            let text = words.join(" ");
            if !may_install(&text) {
                for (name, _) in MATCHERS {
                    let re = Regex::new(&matcher(name).unwrap()).unwrap();
                    proptest::prop_assert!(!re.is_match(&text), "{}: {:?}", name, text);
                }
            }
        }

        /// The prefilter lets through every text the pattern matches.
        #[test]
        fn the_prefilter_never_hides_a_match(
            words in proptest::collection::vec(
                "pip|PIP|pip3|pip3.11|pip:|pipx|easy_install|eaſy_install|uv|UV|-m|-M|python|sudo|exec|command|xargs|keep|x|/usr/bin/|/|;|&&|\\(|'|\"|`|\u{a0}|\t|\n| ",
                0..8,
            ),
        ) {
            let text = words.concat();
            if pattern().is_match(&text) {
                proptest::prop_assert!(may_call_pip(&fold(&text)), "{text:?}");
            }
        }
    }

    #[test]
    fn advice_about_the_pip_block_is_not_a_pip_call() {
        // The prefilter alone settles these…
        for text in [
            "look each pip: entry up on conda-forge",
            "pipx run black",
            "keep pip only in the file's `pip:` block",
            "add any package the pipeline installed with pip to environment.yml",
            "micromamba install -n app pip",
        ] {
            assert!(!may_call_pip(&fold(text)), "{text}");
        }
        // …and the pattern this one.
        assert!(may_call_pip("see docs/pip"));
        assert!(!text_calls_pip("see docs/pip"));
        for text in [
            "pip install x",
            "uv pip sync",
            "python -m pip",
            "sudo easy_install x",
        ] {
            assert!(may_call_pip(&fold(text)) && text_calls_pip(text), "{text}");
        }
    }

    #[test]
    fn a_library_installing_itself_is_told_apart() {
        for own in [
            " -e .",
            " -e .[dev]",
            " --editable \".[test,docs]\"",
            " .",
            " --no-deps -e ./",
            " -U '.[all]'  # for development",
            " -e . && pytest",
            " --no-deps --force-reinstall -e .",
            // The checkout in CI (GitHub's workspace, GitLab's project folder).
            " -e ${GITHUB_WORKSPACE}[style,test,wheel]",
            " conda-merge",
            " $GITHUB_WORKSPACE/",
            " -e \"$CI_PROJECT_DIR\"",
        ] {
            assert!(installs_only_the_project(own, None), "{own}");
        }
        // Every dependency reinstalled (or eagerly upgraded) from PyPI: more than the project.
        for every in [
            " -e . --force-reinstall",
            " -I .",
            " -U --upgrade-strategy eager .",
        ] {
            assert!(!installs_only_the_project(every, None), "{every}");
        }
        for other in [
            " requests",
            " -e . requests",
            " -r requirements.txt",
            " -e ../other",
            " .. ",
            "",
            " -e",
            " git+https://example.com/x.git",
        ] {
            assert!(!installs_only_the_project(other, None), "{other}");
        }
        // By the project's own distribution name (PEP 503: case, `-`, `_`, `.` alike).
        for own in [
            " my-lib",
            " \"my_lib[all]\"",
            " -U My.Lib==2.0",
            " my-lib>=2 # users",
            " git+https://github.com/org/my-lib.git",
            " -e git+https://github.com/org/my_lib.git@main#egg=my-lib",
            " --upgrade \"git+https://github.com/org/My.Lib\"",
        ] {
            assert!(installs_only_the_project(own, Some("my-lib")), "{own}");
        }
        for other in [
            " my-lib-extra",
            " my-lib requests",
            " mylib",
            " dist/other_lib-1.0-py3-none-any.whl",
            " https://example.com/my_lib-1.0-py3-none-any.whl",
            " vendor/dep-2.0.tar.gz",
            " git+https://github.com/org/other.git",
            " git+https://github.com/org/my-lib-extra.git",
            " git+https://github.com/my-lib/other.git",
            " https://github.com/org/my-lib.git",
            " -e /path/to/other",
            " -e /path/to/x/my-lib",
            " -e $GITHUB_WORKSPACE/sub",
        ] {
            assert!(!installs_only_the_project(other, Some("my-lib")), "{other}");
        }
    }

    #[test]
    fn a_release_job_building_and_installing_its_wheel_is_told_apart() {
        for own in [
            " --upgrade pip",
            " -U pip setuptools wheel",
            " build twine",
            " build twine check-wheel-contents",
            " uv",
            " flake8",
            " -U ruff black",
            " pydocstyle vulture bandit",
            " \"build>=1.0\" twine",
            " dist/my_lib-2.0-py3-none-any.whl",
            " dist/my-lib*.whl",
            " ./*.whl",
            " /dist/my_lib-*.tar.gz'",
            " --upgrade pip build && python -m build",
            " conda-lock",
            " asv nox",
            " --upgrade nox",
        ] {
            assert!(installs_only_the_project(own, Some("my-lib")), "{own}");
        }
        for other in [
            " build pytest",
            " --upgrade pip numpy",
            " twine requests",
            " conda-lock numpy",
            " nox pytest",
        ] {
            assert!(!installs_only_the_project(other, Some("my-lib")), "{other}");
        }
        assert!(names_a_step(
            "      - name: Strip pip install from environment file"
        ));
        assert!(names_a_step("    description: pip install the extras"));
        assert!(!names_a_step("        run: pip install requests"));
        // A Makefile's help text prints the command; a chained install still runs one.
        assert!(names_a_step(
            "\t@echo '     pip install -e .   Install in editable mode'"
        ));
        assert!(names_a_step("\tprintf 'Run: pip install requests\\n'"));
        assert!(!names_a_step("\t@echo installing && pip install requests"));
        assert!(!names_a_step("\tpip install requests"));
        // Where the output goes says nothing of what is installed (ESMValCore's CI logs it).
        assert!(installs_only_the_project(
            " -e .[develop] 2>&1 | tee install.log",
            None
        ));
        assert!(installs_only_the_project(
            " esmvalcore > pip.log 2>&1",
            Some("esmvalcore")
        ));
        assert!(!installs_only_the_project(" requests 2>&1 | tee log", None));
        // Without a known name, a wheel is the project's only when the job's glob picks it.
        assert!(installs_only_the_project(" dist/*.whl", None));
        assert!(!installs_only_the_project(" dist/some-1.0.whl", None));
        // A Makefile names the folder with a variable (anaconda/anaconda-mcp's `install`).
        let make = " --upgrade $(DIST_DIR)/*.whl";
        assert!(installs_only_the_project(make, None));
        // anaconda-mcp's own line adds --force-reinstall: pip then reinstalls every
        // dependency of the wheel from PyPI too.
        let forced = " --upgrade --force-reinstall $(DIST_DIR)/*.whl";
        assert!(!installs_only_the_project(forced, None));
        assert!(reinstalls_the_projects_dependencies(forced, None));
        // With --no-deps, only the wheel is installed again.
        let no_deps = " --force-reinstall --no-deps $(DIST_DIR)/*.whl";
        assert!(installs_only_the_project(no_deps, None));
        assert!(!reinstalls_the_projects_dependencies(no_deps, None));
        // Forced, but with another package: an ordinary finding.
        assert!(!reinstalls_the_projects_dependencies(
            " -I dist/*.whl requests",
            None
        ));
        assert!(!reinstalls_the_projects_dependencies(" dist/*.whl", None));
        assert!(installs_only_the_project(
            " ${DIST}/my_lib-*.whl",
            Some("my-lib")
        ));
        assert!(!installs_only_the_project(
            " $(DEPS) $(DIST_DIR)/*.whl",
            None
        ));
        // A subshell still ends the command.
        assert!(!installs_only_the_project(" . $(echo requests)", None));
    }

    #[test]
    fn pip_detector_catches_every_spelling() {
        for bad in [
            "pip install x",
            "pip3 install -r requirements.txt",
            "/usr/bin/pip3.11 install x",
            "python -m pip install x",
            "python3 -m  pip install x",
            "uv pip install x",
            "easy_install x",
            "sh -c 'pip install x'",
            "bash -c \"cd /app && pip3 install .\"",
        ] {
            assert!(text_calls_pip(bad), "missed: {bad}");
        }
        for good in [
            "micromamba install -y -n env -c conda-forge pip",
            "micromamba create -y -n env -f environment.yml",
            "mamba install pipx",
            "conda-lock -f environment.yml",
            "micromamba install -n env pip-tools",
            "conda install -y -n base -c conda-forge pip",
        ] {
            assert!(!text_calls_pip(good), "false positive: {good}");
        }
    }

    #[test]
    fn argv_detector_looks_at_the_program() {
        assert!(argv_calls_pip(&["pip", "install", "x"]));
        assert!(argv_calls_pip(&["/opt/conda/bin/pip3.11", "install", "x"]));
        assert!(argv_calls_pip(&["python", "-m", "pip", "install", "x"]));
        assert!(argv_calls_pip(&["uv", "pip", "install", "x"]));
        assert!(argv_calls_pip(&["sh", "-c", "cd /app && pip install ."]));
        assert!(!argv_calls_pip(&[
            "micromamba",
            "install",
            "-y",
            "-n",
            "env",
            "pip"
        ]));
        assert!(!argv_calls_pip(&[
            "micromamba",
            "env",
            "remove",
            "-y",
            "-n",
            "env",
            "pip"
        ]));
        assert!(!argv_calls_pip(&["pipx", "list"]));
    }

    #[test]
    fn the_note_itself_is_clean() {
        assert!(!text_calls_pip(DROPPED_NOTE));
    }

    #[test]
    fn guard_drops_pip_steps_with_a_note() {
        let mut fix = Fix::new("why")
            .cmd(["micromamba", "install", "-y", "-n", "e", "pip"])
            .cmd(["python", "-m", "pip", "install", "requests"])
            .manual("run `pip install requests`")
            .manual("edit environment.yml");
        assert!(guard(&mut fix));
        assert_eq!(fix.commands.len(), 1);
        assert_eq!(fix.manual, ["edit environment.yml", DROPPED_NOTE]);
        let mut clean = Fix::new("why").cmd(["micromamba", "update", "-y"]);
        assert!(!guard(&mut clean));
        assert!(clean.manual.is_empty());
    }

    #[test]
    fn named_matchers_find_installs_per_line() {
        let sh = Regex::new(&matcher("pip-install").unwrap()).unwrap();
        for hit in [
            "pip install x",
            "  sudo -H pip3 install -U x",
            "python3 -m pip install x",
            "cd a && uv pip install x",
            "easy_install x",
        ] {
            assert!(sh.is_match(hit), "missed: {hit}");
        }
        for miss in [
            "# pip install x",
            "micromamba install -c conda-forge pip",
            "pipx install black",
            "pip list",
        ] {
            assert!(!sh.is_match(miss), "false positive: {miss}");
        }
        let make = Regex::new(&matcher("pip-install-make").unwrap()).unwrap();
        assert!(make.is_match("\t@pip install x"));
        assert!(make.is_match("\t$(PIP) install x"));
        assert!(!sh.is_match("\t$(PIP) install x"));
        let doc = Regex::new(&matcher("pip-install-doc").unwrap()).unwrap();
        assert!(doc.is_match("$ pip install x"));
        assert!(doc.is_match("make && pip install x"));
        assert!(!doc.is_match("you could pip install x"));
        assert!(matcher("pip").is_none());
    }
}
