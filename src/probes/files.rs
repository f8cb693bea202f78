//! The project's own files, found once per run by one bounded walk (the `ignore` crate, the
//! walker ripgrep uses): Dockerfiles, compose files and environment-file candidates. Every
//! check and pack that asks "is there a Dockerfile / compose file / environment file" uses
//! this, so they cannot disagree.
//!
//! The walk honours `.gitignore` (also outside a git checkout), `.ignore` and
//! `.devdoctorignore` files, never descends into dependency trees, caches or VCS data
//! ([`TOOL_DIRS`], [`DATA_DIRS`]), follows no link into a folder (a link to a file counts like
//! the file, once), and stops after [`MAX_ENTRIES`] entries or [`MAX_DEPTH`] levels.
//! `.dockerignore` is deliberately not honoured: it describes a build context and commonly
//! lists the Dockerfile and compose files themselves. Files that tools read by their fixed
//! name in the project root (`compose.yaml`, `environment.yml`, …) are found even when an
//! ignore file lists them.

mod documented;
pub(crate) use documented::{compose_files_alone, documented_builds, DocumentedBuild};

use crate::core::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The names `docker compose` looks for, in its order.
pub(crate) const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Directories no walk enters (this one, nor the packs' walk): VCS data, dependency trees,
/// build output and tool caches.
pub(crate) const TOOL_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "target",
    ".pixi",
    ".conda",
    ".cache",
];
/// Besides [`TOOL_DIRS`], the project walk skips installed packages, test data and examples:
/// files there are not the project's own (jupyterhub's `examples/*/Dockerfile` are samples
/// for its users, not images it builds). `[docker] dockerfiles` and `compose_files` still
/// name such files when they are meant.
const DATA_DIRS: &[&str] = &[
    "site-packages",
    "fixtures",
    "testdata",
    "corpus",
    "examples",
    "example",
];
/// Directory levels below the project walked.
pub(crate) const MAX_DEPTH: usize = 8;
/// Entries looked at before the walk stops (the result says it was cut short).
pub(crate) const MAX_ENTRIES: usize = 100_000;
/// At most this many files of one kind are kept.
pub(crate) const MAX_PER_KIND: usize = 500;
/// Folders (besides the root) where a lone `*.yml` with `dependencies:` is an environment file.
pub(crate) const ENV_DIRS: &[&str] = &[
    "env",
    "envs",
    "environment",
    "environments",
    "conda",
    "devtools",
    "requirements",
    "binder",
    ".binder",
];

/// Scripts read at the most for what they say (the environment they create, the image they
/// build), and bytes of each.
pub(crate) const MAX_SCRIPTS: usize = 64;
pub(crate) const SCRIPT_BYTES: u64 = 256 * 1024;

/// The README names a person reads first.
pub(crate) const READMES: &[&str] = &[
    "README.md",
    "README.rst",
    "README.txt",
    "README",
    "readme.md",
    "Readme.md",
];

/// Where the project says how it is set up (the environment it creates, the image it builds),
/// in the order they are believed:
/// Makefiles, then shell scripts (shallow before deep), then the README.
pub(crate) fn instruction_sources(root: &Path, scripts: &[PathBuf]) -> Vec<PathBuf> {
    let mut order: Vec<PathBuf> = scripts.to_vec();
    order.sort_by_key(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let make = name.is_some_and(|n| n.contains("akefile") || n.ends_with(".mk"));
        (!make, p.components().count())
    });
    order.truncate(MAX_SCRIPTS);
    order.extend(READMES.iter().map(|r| root.join(r)).filter(|p| p.is_file()));
    order
}

fn skipped_dir(name: &str) -> bool {
    TOOL_DIRS.contains(&name) || DATA_DIRS.contains(&name)
}

/// What the walk found, each list sorted by path.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProjectFiles {
    pub dockerfiles: Vec<PathBuf>,
    /// Every `compose*.y*ml` / `docker-compose*.y*ml`, overrides included.
    pub compose: Vec<PathBuf>,
    /// `*.yml`/`*.yaml` in the root or one of [`ENV_DIRS`] (content not yet looked at).
    pub env_candidates: Vec<PathBuf>,
    /// `*.py` files (read only to decide whether the project serves MCP over HTTP).
    pub python: Vec<PathBuf>,
    /// Makefiles and shell scripts, the shallowest first (read only where no environment
    /// file is found by name, for the one they create an environment from).
    pub scripts: Vec<PathBuf>,
    /// Snakemake workflow files (`Snakefile`, `*.smk`), read only for their rules' `conda:`.
    pub snakefiles: Vec<PathBuf>,
    /// Entries looked at.
    pub walked: usize,
    /// The walk stopped early (entry or per-kind limit).
    pub truncated: bool,
}

/// Whether a file name is a Dockerfile by convention, in any case (`docker build -f` takes any
/// name: ndif's Makefile builds `docker/dockerfile.base`). Not a per-Dockerfile ignore file
/// (`Dockerfile.dockerignore`) nor notes about one (`Dockerfile.md`).
pub(crate) fn is_dockerfile_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    let not_one = [
        ".dockerignore",
        ".md",
        ".rst",
        ".txt",
        ".orig",
        ".bak",
        ".swp",
    ];
    if not_one.iter().any(|e| name.ends_with(e)) {
        return false;
    }
    name == "dockerfile"
        || name.starts_with("dockerfile.")
        // `Dockerfile_streamlit`, `Dockerfile-dev` (bacalfa/pubkb's compose builds these), but
        // not a copy kept aside (`Dockerfile-old`, `Dockerfile_bak`).
        || name
            .strip_prefix("dockerfile")
            .and_then(|rest| rest.strip_prefix(['_', '-']))
            .is_some_and(|variant| {
                !variant.is_empty()
                    && !matches!(variant, "old" | "bak" | "backup" | "orig" | "copy")
            })
        || (name.ends_with(".dockerfile") && name.len() > ".dockerfile".len())
}

/// Whether a file name is a compose file: `compose*.yml`/`.yaml`, `docker-compose*.yml`/`.yaml`.
pub(crate) fn is_compose_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let rest = lower.strip_prefix("docker-").unwrap_or(&lower);
    rest.strip_prefix("compose")
        .is_some_and(|r| r.starts_with(['.', '-', '_']))
        && is_yaml(&lower)
}

fn is_yaml(name: &str) -> bool {
    name.ends_with(".yml") || name.ends_with(".yaml")
}

/// Walks `root` once.
pub(crate) fn scan(root: &Path) -> ProjectFiles {
    let mut out = ProjectFiles::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(false)
        .follow_links(false)
        .max_depth(Some(MAX_DEPTH))
        .add_custom_ignore_filename(".devdoctorignore")
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_some_and(|t| t.is_dir())
                || !skipped_dir(&e.file_name().to_string_lossy())
        })
        .build();
    let mut links = Vec::new();
    for entry in walker.flatten() {
        out.walked += 1;
        if out.walked > MAX_ENTRIES {
            out.truncated = true;
            break;
        }
        match entry.file_type() {
            Some(t) if t.is_file() => classify(root, entry.path(), &mut out),
            // A link to a file (the walk follows no link, so a linked folder is not entered).
            Some(t) if t.is_symlink() && entry.path().is_file() => links.push(entry.into_path()),
            _ => {}
        }
    }
    // Fixed names in the root count even when an ignore file lists them.
    for name in COMPOSE_NAMES
        .iter()
        .chain(&["environment.yml", "environment.yaml", "Dockerfile"])
    {
        let p = root.join(name);
        if p.is_file() {
            classify(root, &p, &mut out);
        }
    }
    add_links(root, links, &mut out);
    for list in [
        &mut out.dockerfiles,
        &mut out.compose,
        &mut out.env_candidates,
    ] {
        list.sort();
        list.dedup();
        if list.len() > MAX_PER_KIND {
            list.truncate(MAX_PER_KIND);
            out.truncated = true;
        }
    }
    // Python sources are only sampled: more of them than the cap does not cut the walk short.
    out.python = shallowest(std::mem::take(&mut out.python), MAX_PER_KIND);
    out.scripts = shallowest(std::mem::take(&mut out.scripts), MAX_PER_KIND);
    out.snakefiles = shallowest(std::mem::take(&mut out.snakefiles), MAX_PER_KIND);
    out
}

/// Whether a file name is a Makefile or a shell script.
pub(crate) fn is_script_name(name: &str) -> bool {
    matches!(name, "Makefile" | "makefile" | "GNUmakefile")
        || [".mk", ".sh", ".bash"].iter().any(|e| name.ends_with(e))
}

/// The `keep` shallowest paths, shallow first, then in path order. The depth is counted once
/// per path, and only the kept ones are sorted: a project of 8,000 sources spent a fifth of
/// its walk recounting components and comparing paths in a full sort.
fn shallowest(paths: Vec<PathBuf>, keep: usize) -> Vec<PathBuf> {
    let mut keyed: Vec<(usize, PathBuf)> = paths
        .into_iter()
        .map(|p| (p.components().count(), p))
        .collect();
    if keyed.len() > keep && keep > 0 {
        keyed.select_nth_unstable(keep - 1);
    }
    keyed.truncate(keep);
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// Links to files count like the files, except a link that is only another name for a file
/// the walk found anyway (`binder/environment.yml -> ../environment.yml`, a Dockerfile linked
/// from a second folder): that one file is judged once, under its own path. A link out of the
/// project counts too; reading it is up to [`crate::disk`], which withholds it until trusted.
fn add_links(root: &Path, links: Vec<PathBuf>, out: &mut ProjectFiles) {
    if links.is_empty() {
        return;
    }
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for link in links {
        let found = std::fs::canonicalize(&link)
            .ok()
            .and_then(|t| t.strip_prefix(&real_root).ok().map(|rel| root.join(rel)))
            .is_some_and(|same| {
                [
                    &out.dockerfiles,
                    &out.compose,
                    &out.env_candidates,
                    &out.python,
                ]
                .iter()
                .any(|list| list.contains(&same))
            });
        if !found {
            classify(root, &link, out);
        }
    }
}

fn classify(root: &Path, path: &Path, out: &mut ProjectFiles) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    if is_dockerfile_name(&name) {
        out.dockerfiles.push(path.to_path_buf());
    } else if is_compose_name(&name) {
        out.compose.push(path.to_path_buf());
    } else if name.ends_with(".py") {
        out.python.push(path.to_path_buf());
    } else if is_script_name(&name) {
        out.scripts.push(path.to_path_buf());
    } else if matches!(name.as_str(), "Snakefile" | "snakefile") || name.ends_with(".smk") {
        out.snakefiles.push(path.to_path_buf());
    } else if is_yaml(&name) {
        let parent = path.parent().unwrap_or(root);
        let in_env_dir = parent.parent() == Some(root)
            && parent
                .file_name()
                .is_some_and(|d| ENV_DIRS.contains(&d.to_string_lossy().as_ref()));
        if parent == root || in_env_dir {
            out.env_candidates.push(path.to_path_buf());
        }
    }
}

/// The project's files, walked once per run.
pub(crate) fn project_files(ctx: &Context) -> Arc<ProjectFiles> {
    ctx.probe(|ctx| {
        let dir = &ctx.settings.project_dir;
        // No project directory set (settings built in code): there is no project to walk.
        if dir.as_os_str().is_empty() {
            return ProjectFiles::default();
        }
        scan(dir)
    })
}

/// Whether a project file (its path as shown, relative to the project) belongs to a dev
/// container: under a `.devcontainer` folder, where VS Code, Codespaces and the devcontainer
/// CLI look for its Dockerfile and compose files. An editor builds and runs it as the
/// developer's own workspace, never as a service.
pub(crate) fn in_dev_container(shown: &str) -> bool {
    Path::new(shown)
        .components()
        .any(|c| c.as_os_str() == ".devcontainer")
}

/// Why a compose file deploys nothing, as [`not_deployed`] words it.
pub(crate) const NOT_DEPLOYED: [&str; 2] = ["a dev container's", "a test run's"];

/// Why a compose file (its path as shown) starts nothing that is deployed, or `None`: a dev
/// container's ([`in_dev_container`]), or a test run's: named for tests or CI
/// (`docker-compose.test.yml`, `compose-ci.yaml`, `docker-compose.e2e.yml`) or under a
/// `test`/`tests`/`e2e` folder, where it starts throw-away services (a database for the test
/// suite) that are never deployed.
pub(crate) fn not_deployed(shown: &str) -> Option<&'static str> {
    const TEST: &[&str] = &["test", "tests", "testing", "ci", "e2e", "integration"];
    if in_dev_container(shown) {
        return Some(NOT_DEPLOYED[0]);
    }
    let path = Path::new(shown);
    let in_tests = path.parent().is_some_and(|d| {
        d.components()
            .filter_map(|c| c.as_os_str().to_str())
            .map(str::to_ascii_lowercase)
            .any(|c| TEST.contains(&c.as_str()) && c != "ci")
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let stem = name.strip_prefix("docker-").unwrap_or(&name);
    let named = stem
        .strip_prefix("compose")
        .is_some_and(|rest| rest.split(['.', '-', '_']).any(|t| TEST.contains(&t)));
    (in_tests || named).then_some(NOT_DEPLOYED[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_files_that_deploy_nothing() {
        for (shown, want) in [
            (
                ".devcontainer/docker-compose.yml",
                Some("a dev container's"),
            ),
            ("docker-compose.test.yml", Some("a test run's")),
            ("docker-compose-tests.yaml", Some("a test run's")),
            ("compose.ci.yaml", Some("a test run's")),
            ("docker-compose.e2e.yml", Some("a test run's")),
            ("tests/docker-compose.yml", Some("a test run's")),
            ("services/api/Test/compose.yaml", Some("a test run's")),
            ("docker-compose.yml", None),
            ("docker-compose.prod.yml", None),
            // Words that only contain a test word are not one.
            ("docker-compose.latest.yml", None),
            ("compose.contest.yaml", None),
            ("deploy/compose.yaml", None),
            // A ci/ folder may hold what CI deploys: only the name counts there.
            ("ci/docker-compose.yml", None),
            ("CI/docker-compose.yml", None),
            ("ci/docker-compose.ci.yml", Some("a test run's")),
        ] {
            assert_eq!(not_deployed(shown), want, "{shown}");
        }
    }

    /// The kept paths are the shallowest, in the order a full sort by depth, then path, gives.
    #[test]
    fn the_shallowest_paths_are_kept_in_order() {
        let paths: Vec<PathBuf> = [
            "a/b/c.py", "z.py", "a-b/x.py", "a/x.py", "m.py", "a/b/a.py", "b/y.py", "a.py",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut full = paths.clone();
        full.sort_by_key(|p| (p.components().count(), p.clone()));
        for keep in 0..=paths.len() + 1 {
            let want: Vec<PathBuf> = full.iter().take(keep).cloned().collect();
            assert_eq!(shallowest(paths.clone(), keep), want, "keep {keep}");
        }
    }
    use std::fs;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        for f in files {
            let p = t.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "x\n").unwrap();
        }
        t
    }

    fn rel(t: &tempfile::TempDir, v: &[PathBuf]) -> Vec<String> {
        v.iter()
            .map(|p| p.strip_prefix(t.path()).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn finds_each_kind_deep_and_skips_dependency_trees() {
        let t = tree(&[
            "Dockerfile",
            "services/api/Dockerfile",
            "services/api/deploy/k8s/x/api.Dockerfile",
            "node_modules/pkg/Dockerfile",
            ".venv/lib/Dockerfile",
            "target/debug/Dockerfile",
            "compose.yaml",
            "compose.override.yaml",
            "services/web/docker-compose.prod.yml",
            "node_modules/pkg/docker-compose.yml",
            "environment.yml",
            "binder/environment.yml",
            ".binder/other.yaml",
            "docs/mkdocs.yml",
            "services/api/env.yml",
        ]);
        let f = scan(t.path());
        assert_eq!(
            rel(&t, &f.dockerfiles),
            [
                "Dockerfile",
                "services/api/Dockerfile",
                "services/api/deploy/k8s/x/api.Dockerfile"
            ]
        );
        assert_eq!(
            rel(&t, &f.compose),
            [
                "compose.override.yaml",
                "compose.yaml",
                "services/web/docker-compose.prod.yml"
            ]
        );
        assert_eq!(
            rel(&t, &f.env_candidates),
            [
                ".binder/other.yaml",
                "binder/environment.yml",
                "environment.yml"
            ]
        );
        assert!(!f.truncated);
    }

    /// A link to a file is found like the file, once: a second name for a file the walk finds
    /// anyway is left out, a link out of the project is kept (reading it is disk.rs's call),
    /// and a linked folder is not entered.
    #[test]
    fn links_to_files_count_once_and_linked_folders_are_not_entered() {
        let t = tree(&["environment.yml", "real/Dockerfile", "app/main.py"]);
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("Dockerfile"), "FROM scratch\n").unwrap();
        let link = |target: &Path, at: &str| {
            let at = t.path().join(at);
            fs::create_dir_all(at.parent().unwrap()).unwrap();
            std::os::unix::fs::symlink(target, at).unwrap();
        };
        link(Path::new("../real/Dockerfile"), "sub/Dockerfile");
        link(&outside.path().join("Dockerfile"), "ext/Dockerfile");
        link(Path::new("../environment.yml"), "binder/environment.yml");
        link(Path::new("real"), "mirror");
        link(Path::new("../app/main.py"), "tools/main.py");
        let f = scan(t.path());
        assert_eq!(
            rel(&t, &f.dockerfiles),
            ["ext/Dockerfile", "real/Dockerfile"]
        );
        assert_eq!(rel(&t, &f.env_candidates), ["environment.yml"]);
        assert_eq!(rel(&t, &f.python), ["app/main.py"]);
    }

    #[test]
    fn gitignore_is_honoured_without_git_but_root_names_are_kept() {
        let t = tree(&[
            "compose.yaml",
            "generated/Dockerfile",
            "keep/Dockerfile",
            "keep/compose.dev.yml",
        ]);
        fs::write(
            t.path().join(".gitignore"),
            "generated/\ncompose.yaml\ncompose.dev.yml\n",
        )
        .unwrap();
        let f = scan(t.path());
        assert_eq!(rel(&t, &f.dockerfiles), ["keep/Dockerfile"]);
        assert_eq!(rel(&t, &f.compose), ["compose.yaml"]);
        fs::write(t.path().join(".devdoctorignore"), "keep/\n").unwrap();
        assert!(scan(t.path()).dockerfiles.is_empty());
    }

    #[test]
    fn dockerignore_does_not_hide_the_dockerfile() {
        let t = tree(&["svc/Dockerfile"]);
        fs::write(t.path().join(".dockerignore"), "svc/\nDockerfile\n").unwrap();
        assert_eq!(rel(&t, &scan(t.path()).dockerfiles), ["svc/Dockerfile"]);
    }

    #[test]
    fn names() {
        for n in [
            "compose.yaml",
            "docker-compose.override.yml",
            "compose.prod.yaml",
        ] {
            assert!(is_compose_name(n), "{n}");
        }
        for n in [
            "composer.json",
            "composer.yml",
            "compose.toml",
            "my-compose.yml",
        ] {
            assert!(!is_compose_name(n), "{n}");
        }
    }
}
