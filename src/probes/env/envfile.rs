//! environment.yml as conda, micromamba and conda-lock read it,
//! with the line of every item so that findings can point at `file:line`.

use crate::probes::yaml;
use rattler_conda_types::{MatchSpec, ParseStrictness};
use std::path::{Path, PathBuf};

/// A string from the file and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub text: String,
    pub line: usize,
}

/// A conda dependency: the entry's text, its line, and the parsed MatchSpec (or why not).
#[derive(Debug, Clone)]
pub struct Dep {
    pub text: String,
    pub line: usize,
    pub spec: Result<MatchSpec, SpecError>,
    /// A pip-style extra (`nbconvert[execute]`) that conda drops when it reads the
    /// spec: `[execute]`. The spec was parsed without it.
    pub ignored_extra: Option<String>,
}

impl Dep {
    pub(crate) fn parse(text: &str, line: usize) -> Dep {
        let spec = parse_spec(text);
        // conda's MatchSpec reads `[key=value]` brackets and silently drops a bracket without
        // `=`; a spec that parses once the pip-style extra is removed is accepted, with a note.
        if spec.is_err() {
            if let Some((plain, extra)) = without_pip_extra(text) {
                if let Ok(s) = parse_spec(&plain) {
                    return Dep {
                        text: text.to_string(),
                        line,
                        spec: Ok(s),
                        ignored_extra: Some(extra),
                    };
                }
            }
        }
        Dep {
            text: text.to_string(),
            line,
            spec,
            ignored_extra: None,
        }
    }

    /// The normalized package name, when the spec names exactly one package.
    pub fn name(&self) -> Option<&str> {
        self.spec
            .as_ref()
            .ok()
            .and_then(|s| s.name.as_exact())
            .map(|n| n.as_normalized())
    }

    /// A virtual package (`__glibc`, `__cuda`): not installed into an environment.
    pub(crate) fn is_virtual(&self) -> bool {
        self.name().is_some_and(|n| n.starts_with("__"))
    }
}

/// `nbconvert[execute]!=6.0.0` → (`nbconvert!=6.0.0`, `[execute]`): a bracket of plain words
/// (no `=`) right after the name.
fn without_pip_extra(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let open = t.find('[')?;
    let close = open + t[open..].find(']')?;
    let name = &t[..open];
    let inner = &t[open + 1..close];
    let plain_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let plain_words = !inner.trim().is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_, ".contains(c));
    (plain_name && plain_words).then(|| {
        (
            format!("{name}{}", &t[close + 1..]),
            t[open..=close].to_string(),
        )
    })
}

/// Why a dependency line is not a MatchSpec an environment file may hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("empty dependency")]
    Empty,
    #[error("longer than 1000 characters")]
    TooLong,
    #[error("the spec parser failed on this text")]
    ParserPanicked,
    /// What the MatchSpec parser said.
    #[error("{0}")]
    Invalid(String),
    #[error("the package name must be a plain name, not a glob or regex")]
    NotAPlainName,
}

/// Parses one MatchSpec the way conda and mamba accept it in an environment file.
pub fn parse_spec(text: &str) -> Result<MatchSpec, SpecError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(SpecError::Empty);
    }
    if t.len() > 1000 {
        return Err(SpecError::TooLong);
    }
    // The parser is a dependency; a panic in it must not take the check down with it.
    let parsed = std::panic::catch_unwind(|| MatchSpec::from_str(t, ParseStrictness::Lenient))
        .map_err(|_| SpecError::ParserPanicked)?;
    let spec = parsed.map_err(|e| SpecError::Invalid(e.to_string()))?;
    if spec.name.as_exact().is_none() {
        return Err(SpecError::NotAPlainName);
    }
    Ok(spec)
}

/// The `- pip:` block.
#[derive(Debug, Clone, Default)]
pub struct PipBlock {
    pub line: usize,
    /// Requirement lines (`requests==2.32.3`, `-e .`, `--index-url …`).
    pub entries: Vec<Spanned>,
}

impl PipBlock {
    /// Whether the block installs the project itself (`-e .` next to the project's
    /// pyproject.toml, `-e ..` in a `.binder/environment.yml`): what devdoctor recommends
    /// instead of a `pip install -e .` step. Paths are relative to the file's folder, where
    /// conda runs pip; they are compared as written, without touching the disk.
    pub(crate) fn installs_project(
        &self,
        env_dir: &Path,
        project_dir: &Path,
        own: Option<&str>,
    ) -> bool {
        self.entries
            .iter()
            .any(|e| is_project_entry(&e.text, env_dir, project_dir, own))
    }

    /// The entries that are options for pip (`--extra-index-url URL`, `--pre`, `-f URL`), not
    /// requirements: conda passes them to pip, conda-lock stops on them. An editable install
    /// (`-e path`) is a requirement.
    pub(crate) fn options(&self) -> impl Iterator<Item = &Spanned> {
        self.entries.iter().filter(|e| {
            let t = e.text.trim_start();
            t.starts_with('-') && !t.starts_with("-e ") && !t.starts_with("--editable")
        })
    }

    /// Normalized (PEP 503) distribution names the block installs; options and paths skipped.
    pub fn names(&self) -> Vec<(String, usize)> {
        self.entries
            .iter()
            .filter_map(|e| requirement_name(&e.text).map(|n| (n, e.line)))
            .collect()
    }
}

/// One entry of `variables:`, which conda sets when the environment is activated. The value
/// is `None` when it is not a scalar; it is only ever judged, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub value: Option<String>,
    pub line: usize,
}

/// A finding about the file's structure (a wrong type, an unexpected item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
    /// The file cannot be used as it is (conda or micromamba would refuse it).
    pub fatal: bool,
}

/// A parsed environment.yml.
#[derive(Debug, Clone, Default)]
pub struct EnvFile {
    pub path: PathBuf,
    pub name: Option<Spanned>,
    pub prefix: Option<Spanned>,
    /// `None` when the key is absent.
    pub channels: Option<Vec<Spanned>>,
    pub channels_line: usize,
    pub dependencies: Vec<Dep>,
    /// `None` when the key is absent.
    pub dependencies_line: Option<usize>,
    pub pip: Option<PipBlock>,
    pub platforms: Vec<Spanned>,
    /// conda-lock's `category:` of a source file (`dev` for the extras a lock combines with the
    /// main file).
    pub category: Option<Spanned>,
    /// conda-lock's `pip-repositories:`, the indexes its pip solver asks besides PyPI (where
    /// an index option in `pip:` would stop it). conda ignores the key with a warning.
    pub pip_repositories: Vec<Spanned>,
    pub variables: Vec<Variable>,
    pub unknown_keys: Vec<Spanned>,
    pub problems: Vec<Problem>,
    /// The text as read (for hashing against a lock file).
    pub text: String,
}

impl EnvFile {
    /// The first conda dependency naming `name`.
    pub(crate) fn dep(&self, name: &str) -> Option<&Dep> {
        self.dependencies.iter().find(|d| d.name() == Some(name))
    }
}

/// Why the file cannot be read as an environment file at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// 0 when the whole file is meant.
    pub line: usize,
    pub reason: String,
}

/// Reads and parses an environment file.
pub fn load(path: &Path) -> Result<EnvFile, FileError> {
    let text = yaml::read_text(path).map_err(|reason| FileError {
        line: 0,
        reason: reason.to_string(),
    })?;
    parse(path, text)
}

/// Parses environment-file text. Never panics, whatever the input.
pub fn parse(path: &Path, text: String) -> Result<EnvFile, FileError> {
    let doc = yaml::parse(&text).map_err(|e| FileError {
        line: e.line,
        reason: format!("not valid YAML: {}", e.message),
    })?;
    let mut file = EnvFile {
        path: path.to_path_buf(),
        text: text.clone(),
        ..EnvFile::default()
    };
    let Some(doc) = doc else {
        return Err(FileError {
            line: 0,
            reason: "the file is empty".to_string(),
        });
    };
    let Some(entries) = yaml::mapping(&doc) else {
        return Err(FileError {
            line: yaml::line(&doc),
            reason: format!(
                "the top level is {}, but an environment file is a mapping (name:, channels:, dependencies:)",
                yaml::kind(&doc)
            ),
        });
    };
    for (key, value, key_line) in entries {
        match key {
            "name" => file.name = scalar_entry(&mut file.problems, key, value, key_line),
            "prefix" => file.prefix = scalar_entry(&mut file.problems, key, value, key_line),
            "channels" => {
                file.channels_line = key_line;
                file.channels = Some(string_list(&mut file.problems, key, value, key_line));
            }
            "platforms" => file.platforms = string_list(&mut file.problems, key, value, key_line),
            "dependencies" => {
                file.dependencies_line = Some(key_line);
                read_dependencies(&mut file, value, key_line);
            }
            "variables" => file.variables = variables(&mut file.problems, value, key_line),
            "category" => file.category = scalar_entry(&mut file.problems, key, value, key_line),
            "pip-repositories" => {
                file.pip_repositories = string_list(&mut file.problems, key, value, key_line);
            }
            other => file.unknown_keys.push(Spanned {
                text: other.to_string(),
                line: key_line,
            }),
        }
    }
    Ok(file)
}

/// `variables:`: a mapping of names to the values conda sets on activation.
fn variables(
    problems: &mut Vec<Problem>,
    value: &saphyr::MarkedYaml<'_>,
    key_line: usize,
) -> Vec<Variable> {
    if yaml::is_null(value) {
        return Vec::new();
    }
    let Some(entries) = yaml::mapping(value) else {
        problems.push(Problem {
            line: key_line,
            message: format!(
                "`variables:` is {}, expected a mapping (NAME: value)",
                yaml::kind(value)
            ),
            fatal: false,
        });
        return Vec::new();
    };
    entries
        .into_iter()
        .map(|(name, v, line)| Variable {
            name: name.to_string(),
            value: yaml::scalar(v).map(str::to_string),
            line,
        })
        .collect()
}

fn scalar_entry(
    problems: &mut Vec<Problem>,
    key: &str,
    value: &saphyr::MarkedYaml<'_>,
    key_line: usize,
) -> Option<Spanned> {
    if yaml::is_null(value) {
        return None;
    }
    match yaml::scalar(value) {
        Some(s) => Some(Spanned {
            text: s.trim().to_string(),
            line: key_line,
        }),
        None => {
            problems.push(Problem {
                line: key_line,
                message: format!("`{key}:` is {}, expected a string", yaml::kind(value)),
                fatal: true,
            });
            None
        }
    }
}

fn string_list(
    problems: &mut Vec<Problem>,
    key: &str,
    value: &saphyr::MarkedYaml<'_>,
    key_line: usize,
) -> Vec<Spanned> {
    if yaml::is_null(value) {
        return Vec::new();
    }
    let Some(items) = yaml::sequence(value) else {
        problems.push(Problem {
            line: key_line,
            message: format!("`{key}:` is {}, expected a list", yaml::kind(value)),
            fatal: true,
        });
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match yaml::scalar(item) {
            Some(s) => out.push(Spanned {
                text: s.trim().to_string(),
                line: yaml::line(item),
            }),
            None => problems.push(Problem {
                line: yaml::line(item),
                message: format!(
                    "an item of `{key}:` is {}, expected a string",
                    yaml::kind(item)
                ),
                fatal: true,
            }),
        }
    }
    out
}

fn read_dependencies(file: &mut EnvFile, value: &saphyr::MarkedYaml<'_>, key_line: usize) {
    if yaml::is_null(value) {
        return;
    }
    let Some(items) = yaml::sequence(value) else {
        file.problems.push(Problem {
            line: key_line,
            message: format!("`dependencies:` is {}, expected a list", yaml::kind(value)),
            fatal: true,
        });
        return;
    };
    for item in items {
        let line = yaml::line(item);
        if let Some(text) = yaml::scalar(item) {
            file.dependencies.push(Dep::parse(text, line));
            continue;
        }
        let Some(map) = yaml::mapping(item) else {
            file.problems.push(Problem {
                line,
                message: format!(
                    "a dependency is {}, expected a package spec",
                    yaml::kind(item)
                ),
                fatal: true,
            });
            continue;
        };
        for (key, value, key_line) in map {
            if key == "pip" {
                let entries = string_list(&mut file.problems, "pip", value, key_line);
                let block = file.pip.get_or_insert_with(|| PipBlock {
                    line: key_line,
                    entries: Vec::new(),
                });
                block.entries.extend(entries);
            } else if key.starts_with("sel(") {
                // micromamba's selector maps: `- sel(linux): pkg`.
                if let Some(text) = yaml::scalar(value) {
                    file.dependencies.push(Dep::parse(text, key_line));
                }
            } else {
                file.problems.push(Problem {
                    line: key_line,
                    message: format!(
                        "unexpected `{key}:` in dependencies (only `pip:` sub-lists are understood)"
                    ),
                    fatal: false,
                });
            }
        }
    }
}

pub(crate) use crate::policy::names::normalize_dist_name;

/// What a pip entry installs, without its comment, `-e`/`--editable` and quotes.
fn entry_target(text: &str) -> &str {
    let text = text.split(" #").next().unwrap_or(text).trim();
    let target = text
        .strip_prefix("--editable=")
        .or_else(|| text.strip_prefix("--editable "))
        .or_else(|| text.strip_prefix("-e "))
        .unwrap_or(text)
        .trim();
    // Options for pip may follow the target (`-e . --no-binary :all`, numenta/nupic.research).
    let target = match target.chars().next() {
        Some('"' | '\'') => target,
        _ => target.split_whitespace().next().unwrap_or(target),
    };
    target.trim_matches(|c| c == '"' || c == '\'')
}

/// The local folder or file a pip entry installs (`.`, `../lib` of `-e ../lib[dev]`,
/// `/opt/pkg`), without extras; `None` for a name, a URL or a home-relative path.
fn local_path(text: &str) -> Option<&str> {
    let path = entry_target(text);
    let path = path.split('[').next().unwrap_or(path);
    ((path.starts_with('.') || path.starts_with('/')) && !path.contains("://")).then_some(path)
}

/// Whether one pip entry is the project itself (see [`PipBlock::installs_project`]): its folder,
/// or the VCS URL of its own repository when its distribution name `own` is known.
pub(crate) fn is_project_entry(
    text: &str,
    env_dir: &Path,
    project_dir: &Path,
    own: Option<&str>,
) -> bool {
    if own.is_some_and(|o| crate::policy::no_pip::is_own_repo(entry_target(text), o)) {
        return true;
    }
    local_path(text).is_some_and(|path| {
        crate::disk::lexical(&env_dir.join(path)) == crate::disk::lexical(project_dir)
    })
}

/// Whether a pip entry installs from a local path (`-e .`, `../lib[dev]`, `/opt/pkg`), which
/// pip resolves from where the environment file is.
pub(crate) fn is_local_path_entry(text: &str) -> bool {
    local_path(text).is_some()
}

/// Whether a pip entry installs a local folder inside `root` (a repository's work tree):
/// `-e ../../klay_beam[pytorch]` from a subfolder of the repository it is in.
pub(crate) fn local_path_within(text: &str, env_dir: &Path, root: &Path) -> bool {
    local_path(text)
        .filter(|p| !p.contains('$'))
        .is_some_and(|path| {
            crate::disk::lexical(&env_dir.join(path)).starts_with(crate::disk::lexical(root))
        })
}

/// The folder a pip entry installs from (`--editable ./`), resolved from the environment
/// file's folder `env_dir` as conda runs the pip step there, when it is inside the project
/// and holds no package to install (no pyproject.toml, setup.py or setup.cfg): pip's step
/// then fails (43ravens/NEMO_Nowcast's envs/environment-test.yaml meant `..`).
pub(crate) fn local_folder_without_package(
    text: &str,
    env_dir: &Path,
    project_dir: &Path,
) -> Option<PathBuf> {
    let path = local_path(text).filter(|p| !p.contains('$'))?;
    let archive = [".whl", ".tar.gz", ".zip", ".tgz"]
        .iter()
        .any(|x| path.ends_with(x));
    let folder = crate::disk::lexical(&env_dir.join(path));
    let inside = folder.starts_with(crate::disk::lexical(project_dir));
    let package = ["pyproject.toml", "setup.py", "setup.cfg"]
        .iter()
        .any(|f| folder.join(f).is_file());
    (!archive && inside && !package && !folder.is_file()).then_some(folder)
}

/// The local path a pip entry installs from (`-e ../sibling[dev]`, `~/src/pkg`, `/opt/x`)
/// when it leads outside the project: another machine, or CI, has nothing there.
pub(crate) fn path_outside_project(
    text: &str,
    env_dir: &Path,
    project_dir: &Path,
) -> Option<String> {
    let path = entry_target(text);
    let path = path.split('[').next().unwrap_or(path);
    // The home folder, however spelled (`${HOME}/nta/nupic.torch`): another machine's differs.
    if ["~", "$HOME", "${HOME}"]
        .iter()
        .any(|h| path.starts_with(h))
        && !path.contains("://")
    {
        return Some(path.to_string());
    }
    let path = local_path(text).filter(|p| !p.contains('$'))?;
    let resolved = crate::disk::lexical(&env_dir.join(path));
    (!resolved.starts_with(crate::disk::lexical(project_dir))).then(|| path.to_string())
}

/// The distribution name a pip requirement line installs, normalized; `None` for options,
/// paths and URLs without `#egg=`.
pub fn requirement_name(line: &str) -> Option<String> {
    let line = line.split(" #").next().unwrap_or(line).trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    if line.starts_with('-') {
        // -e git+https://…#egg=name, -r file, --index-url …
        return line.split("#egg=").nth(1).map(egg_name);
    }
    if line.contains("://") || line.starts_with('.') || line.starts_with('/') {
        if let Some(egg) = line.split("#egg=").nth(1) {
            return Some(egg_name(egg));
        }
        // `name @ https://…` has the name first.
        let (name, rest) = line.split_once('@')?;
        return (!rest.is_empty() && !name.contains("://"))
            .then(|| normalize_dist_name(name.trim()))
            .filter(|n| !n.is_empty());
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    let name = normalize_dist_name(&line[..end]);
    (!name.is_empty()).then_some(name)
}

fn egg_name(egg: &str) -> String {
    let end = egg
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(egg.len());
    normalize_dist_name(&egg[..end])
}

/// A channel entry reduced to its name: `https://conda.anaconda.org/conda-forge/` → `conda-forge`.
pub fn channel_name(channel: &str) -> String {
    let c = channel.trim().trim_end_matches('/');
    for base in [
        "https://conda.anaconda.org/",
        "http://conda.anaconda.org/",
        "https://repo.anaconda.com/pkgs/",
    ] {
        if let Some(rest) = c.strip_prefix(base) {
            return rest.to_string();
        }
    }
    c.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_paths_outside_the_project_are_told() {
        let (env, project) = (Path::new("/p"), Path::new("/p"));
        let out = |t: &str| path_outside_project(t, env, project);
        assert_eq!(out("-e ../sibling[dev]").as_deref(), Some("../sibling"));
        assert_eq!(
            out("-e ~/Documents/GitHub/cli[x]").as_deref(),
            Some("~/Documents/GitHub/cli")
        );
        assert_eq!(
            out("/opt/wheels/x.whl").as_deref(),
            Some("/opt/wheels/x.whl")
        );
        assert_eq!(out("-e ."), None);
        assert_eq!(out("-e ./plugins/a"), None);
        // The home folder by its variable, and pip options after the target
        // (numenta/nupic.research).
        assert_eq!(
            out("-e ${HOME}/nta/nupic.torch --no-binary :all").as_deref(),
            Some("${HOME}/nta/nupic.torch")
        );
        assert_eq!(out("-e $HOME/src/x").as_deref(), Some("$HOME/src/x"));
        assert_eq!(
            out("-e ${PROJECT_ROOT}/x"),
            None,
            "another variable: unknown"
        );
        assert!(is_project_entry(
            "-e . --no-binary :all",
            env,
            project,
            None
        ));
        assert_eq!(out("requests==2.32"), None);
        assert_eq!(out("git+https://github.com/o/r.git"), None);
        // From an environment file in a subfolder, `..` is the project root.
        assert_eq!(
            path_outside_project("-e ..", Path::new("/p/envs"), project),
            None
        );
    }

    fn p(text: &str) -> Result<EnvFile, FileError> {
        parse(Path::new("environment.yml"), text.to_string())
    }

    #[test]
    fn a_pip_style_extra_is_dropped_the_way_conda_drops_it() {
        let d = Dep::parse("nbconvert[execute]!=6.0.0", 3);
        assert_eq!(d.name(), Some("nbconvert"), "{:?}", d.spec);
        assert_eq!(d.ignored_extra.as_deref(), Some("[execute]"));
        let d = Dep::parse("dask[complete, diagnostics]>=2024", 3);
        assert_eq!(d.name(), Some("dask"));
        // conda's own bracket syntax is not an extra.
        let d = Dep::parse("numpy[version='>=1.8']", 3);
        assert_eq!(d.ignored_extra, None);
        assert_eq!(d.name(), Some("numpy"), "{:?}", d.spec);
        // Not a spec once the bracket is gone either: still an error.
        let d = Dep::parse("bad name[x]", 3);
        assert!(d.spec.is_err());
        assert_eq!(d.ignored_extra, None);
    }

    const POLICY: &str = "name: mcp-finance-backend
channels:
  - conda-forge
  - defaults
dependencies:
  - python=3.11
  - fastapi
  - conda-forge::numpy>=1.26,<2
  - pip
  - pip:
    - truly-unavailable-package==1.0
    - -e .
";

    #[test]
    fn reads_the_policy_example_with_lines() {
        let f = p(POLICY).unwrap();
        assert_eq!(f.name.as_ref().unwrap().text, "mcp-finance-backend");
        let ch: Vec<_> = f
            .channels
            .as_ref()
            .unwrap()
            .iter()
            .map(|c| (c.text.as_str(), c.line))
            .collect();
        assert_eq!(ch, [("conda-forge", 3), ("defaults", 4)]);
        assert_eq!(f.dependencies.len(), 4);
        assert_eq!(f.dep("python").unwrap().line, 6);
        assert_eq!(f.dep("numpy").unwrap().line, 8);
        let pip = f.pip.as_ref().unwrap();
        assert_eq!(pip.line, 10);
        assert_eq!(pip.names(), [("truly-unavailable-package".to_string(), 11)]);
        assert!(f.unknown_keys.is_empty() && f.problems.is_empty());
    }

    #[test]
    fn structure_problems_are_findings() {
        let f = p("name: [a]\ndependencies:\n  - {foo: bar}\n  - 3.11\nextras: 1\n").unwrap();
        assert!(f.problems.iter().any(|x| x.line == 1 && x.fatal));
        assert!(f.problems.iter().any(|x| x.line == 3 && !x.fatal));
        assert_eq!(f.unknown_keys[0].text, "extras");
        assert_eq!(f.unknown_keys[0].line, 5);
        assert!(
            f.dependencies[0].spec.is_ok(),
            "`3.11` is a (nameless-looking) name"
        );
        assert_eq!(p("- a\n- b\n").unwrap_err().line, 1);
        assert!(p("").unwrap_err().reason.contains("empty"));
        assert!(p("a: [\n").unwrap_err().reason.contains("YAML"));
    }

    #[test]
    fn matchspec_semantics_are_conda_s() {
        use rattler_conda_types::Version;
        use std::str::FromStr;
        let ok = |spec: &str, v: &str| {
            let s = parse_spec(spec).unwrap();
            s.version
                .as_ref()
                .is_none_or(|vs| vs.matches(&Version::from_str(v).unwrap()))
        };
        assert!(ok("python=3.11", "3.11.9"));
        assert!(!ok("python=3.11", "3.1.1"));
        assert!(!ok("python=3.11", "3.12.0"));
        assert!(ok("python=3.1", "3.1.1"));
        assert!(!ok("python=3.1", "3.11.0"));
        assert!(ok("python==3.11", "3.11.0"));
        assert!(!ok("python==3.11", "3.11.9"));
        assert!(!ok("python 3.11", "3.11.9"));
        assert!(ok("python>=3.11,<3.12", "3.11.4"));
        assert!(ok("conda-forge::python=3.12", "3.12.3"));
        let b = parse_spec("python=3.12.3=*_cpython").unwrap();
        assert!(b.build.as_ref().unwrap().matches("hab00c5b_0_cpython"));
        assert!(parse_spec("numpy>>1").is_err());
        assert!(parse_spec("").is_err());
    }

    /// The project itself in a pip block: its folder relative to the file's, or its own
    /// repository's VCS URL; never another folder or repository.
    #[test]
    fn pip_entries_that_install_the_project_itself() {
        let project = Path::new("/src/climlib");
        let binder = project.join(".binder");
        let is = |text: &str, dir: &Path| is_project_entry(text, dir, project, Some("climlib"));
        for entry in ["-e ..", "..", "--editable=../", "\"..[docs]\""] {
            assert!(is(entry, &binder), "{entry}");
        }
        assert!(is("-e .", project));
        assert!(is("git+https://github.com/org/climlib.git", &binder));
        assert!(is(
            "-e git+https://github.com/org/climlib@v2#egg=climlib",
            &binder
        ));
        for entry in [
            "-e .",
            "../other",
            "git+https://github.com/org/other.git",
            "climlib",
        ] {
            assert!(!is(entry, &binder), "{entry}");
        }
        assert!(!is_project_entry(
            "git+https://github.com/org/climlib.git",
            &binder,
            project,
            None
        ));
    }

    #[test]
    fn pip_requirement_names() {
        assert_eq!(
            requirement_name("Requests[socks]==2.32"),
            Some("requests".into())
        );
        assert_eq!(
            requirement_name("zope.interface>=5"),
            Some("zope-interface".into())
        );
        assert_eq!(
            requirement_name("-e git+https://x/y.git#egg=My_Pkg"),
            Some("my-pkg".into())
        );
        assert_eq!(
            requirement_name("pkg @ https://example.com/p.whl"),
            Some("pkg".into())
        );
        assert_eq!(requirement_name("--index-url https://x"), None);
        assert_eq!(requirement_name("-r requirements.txt"), None);
        assert_eq!(requirement_name("./local"), None);
        assert_eq!(normalize_dist_name("Foo__Bar.baz"), "foo-bar-baz");
        assert_eq!(
            channel_name("https://conda.anaconda.org/conda-forge/"),
            "conda-forge"
        );
    }
}
