//! Finding micromamba, mamba and conda (MAMBA_EXE, CONDA_EXE, PATH, installer locations) and
//! identifying each from its `--version` output. The version
//! probes run in parallel, each bounded by `exec::Cmd`'s timeout.

use super::{version_timeout, BrokenTool, ProblemKind, StaleVar, Tool, Toolchain};
use crate::core::Context;
use crate::exec::{Cmd, Output};
use crate::fix::Flavour;
use std::path::{Path, PathBuf};

/// What a `--version` output says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    pub flavour: Flavour,
    pub version: String,
    pub conda_version: Option<String>,
}

/// A version as tools print it: `MAJOR.MINOR`, more `.N` parts, then at most 24 characters of
/// `[0-9A-Za-z.+_-]` (`2.0.5`, `1.5.10rc1`, `24.11.3+post1`); 40 bytes at the most.
fn is_version(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |at: usize| {
        b.get(at..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let major = digits(0);
    if s.len() > 40 || major == 0 || b.get(major) != Some(&b'.') {
        return false;
    }
    let minor = digits(major + 1);
    let mut at = major + 1 + minor;
    // More `.N` parts, as many as there are: what is left is then the shortest tail.
    while b.get(at) == Some(&b'.') && digits(at + 1) > 0 {
        at += 1 + digits(at + 1);
    }
    let tail = &b[at..];
    minor > 0
        && tail.len() <= 24
        && tail
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b".+_-".contains(c))
}

fn major(v: &str) -> u64 {
    super::version_parts(v).first().copied().unwrap_or(0)
}

/// What the file name suggests: `micromamba`, `mamba` or `conda`.
pub(super) fn name_hint(path: &Path) -> &'static str {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if stem.contains("micromamba") {
        "micromamba"
    } else if stem.contains("mamba") {
        "mamba"
    } else if stem.contains("conda") {
        "conda"
    } else {
        "micromamba"
    }
}

/// Classifies `--version` stdout: a bare version is micromamba or mamba 2 (the file
/// name decides; 0.x/1.x bare versions only ever came from micromamba), `mamba X` + `conda Y`
/// is mamba 1, `conda X` is conda. Anything else is an error describing the output.
pub fn classify(name: &str, stdout: &str) -> Result<Identified, VersionError> {
    let mut lines = stdout.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return Err(VersionError::Silent);
    };
    let bare = first.strip_prefix("micromamba ").unwrap_or(first);
    if is_version(bare) {
        let flavour = match (major(bare), name) {
            (0 | 1, _) => Flavour::Micromamba1,
            (_, "mamba") => Flavour::Mamba2,
            _ => Flavour::Micromamba2,
        };
        return Ok(Identified {
            flavour,
            version: bare.to_string(),
            conda_version: None,
        });
    }
    if let Some(v) = first.strip_prefix("mamba ").map(str::trim) {
        if is_version(v) {
            let conda_version = lines
                .next()
                .and_then(|l| l.strip_prefix("conda "))
                .map(str::trim)
                .filter(|c| is_version(c))
                .map(str::to_string);
            let flavour = if major(v) >= 2 {
                Flavour::Mamba2
            } else {
                Flavour::Mamba1
            };
            return Ok(Identified {
                flavour,
                version: v.to_string(),
                conda_version,
            });
        }
    }
    if let Some(v) = first.strip_prefix("conda ").map(str::trim) {
        if is_version(v) {
            return Ok(Identified {
                flavour: Flavour::Conda,
                version: v.to_string(),
                conda_version: None,
            });
        }
    }
    Err(VersionError::NotAVersion(shorten(stdout.trim())))
}

/// Why `--version` did not say which tool this is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("printed nothing on `--version`")]
    Silent,
    /// What it printed instead, shortened and quoted.
    #[error("printed {0} instead of a version")]
    NotAVersion(String),
}

/// A bounded, printable rendering of untrusted output.
pub(super) fn shorten(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// One executable to identify.
#[derive(Debug, Clone)]
struct Candidate {
    path: PathBuf,
    name: &'static str,
    via: Vec<String>,
    /// Dedupe key: the canonical binary, or for conda its prefix (bin/ and condabin/ are one).
    key: PathBuf,
}

fn dedupe_key(path: &Path, name: &str) -> PathBuf {
    let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if name == "conda" {
        let dir = canon.parent().and_then(Path::file_name);
        if dir.is_some_and(|d| d == "bin" || d == "condabin") {
            if let Some(prefix) = canon.parent().and_then(Path::parent) {
                return prefix.join("conda");
            }
        }
    }
    canon
}

fn is_executable_file(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Installer default locations that may not be on PATH (a fresh install before the shell
/// was restarted, cron, IDEs).
fn known_locations(ctx: &Context) -> Vec<(PathBuf, &'static str)> {
    let mut out = Vec::new();
    if let Some(home) = ctx.home() {
        out.push((home.join(".local/bin/micromamba"), "micromamba"));
        out.push((home.join("bin/micromamba"), "micromamba"));
        for root in ["miniforge3", "mambaforge", "miniconda3", "anaconda3"] {
            out.push((home.join(root).join("bin/mamba"), "mamba"));
            out.push((home.join(root).join("bin/conda"), "conda"));
        }
    }
    out.push(("/opt/conda/bin/mamba".into(), "mamba"));
    out.push(("/opt/conda/bin/conda".into(), "conda"));
    out.push(("/usr/local/bin/micromamba".into(), "micromamba"));
    out.push(("/opt/homebrew/bin/micromamba".into(), "micromamba"));
    out
}

fn candidates(ctx: &Context, stale: &mut Vec<StaleVar>) -> Vec<Candidate> {
    let mut found: Vec<(PathBuf, &'static str, String)> = Vec::new();
    for var in ["MAMBA_EXE", "CONDA_EXE"] {
        if let Some(p) = ctx.var_path(var) {
            if p.is_file() {
                let name = if var == "CONDA_EXE" {
                    "conda"
                } else {
                    name_hint(&p)
                };
                found.push((p, name, var.to_string()));
            } else {
                stale.push(StaleVar {
                    var: var.to_string(),
                    exists: p.exists(),
                    path: p,
                });
            }
        }
    }
    for name in ["micromamba", "mamba", "conda"] {
        if let Some(p) = ctx.which(name) {
            found.push((p, name, "PATH".to_string()));
        }
    }
    for (p, name) in known_locations(ctx) {
        if is_executable_file(&p) {
            found.push((p, name, "known location".to_string()));
        }
    }
    let mut out: Vec<Candidate> = Vec::new();
    for (path, name, via) in found {
        let key = dedupe_key(&path, name);
        if let Some(c) = out.iter_mut().find(|c| c.key == key) {
            if !c.via.contains(&via) {
                c.via.push(via);
            }
        } else {
            out.push(Candidate {
                path,
                name,
                via: vec![via],
                key,
            });
        }
    }
    out
}

/// Turns one `--version` run into a tool or a problem.
fn judge(c: &Candidate, run: anyhow::Result<Output>) -> Result<Identified, BrokenTool> {
    let broken = |kind, reason: String| BrokenTool {
        name: c.name.to_string(),
        path: c.path.clone(),
        kind,
        reason,
    };
    let out = match run {
        Ok(out) => out,
        Err(e) => {
            return Err(broken(
                ProblemKind::NotStarted,
                format!("could not be started: {e:#}"),
            ))
        }
    };
    if out.timed_out {
        return Err(broken(
            ProblemKind::TimedOut,
            format!(
                "did not answer `--version` within {:.1} s and was stopped",
                out.duration.as_secs_f64()
            ),
        ));
    }
    if let Some(sig) = out.signal.filter(|_| out.code.is_none()) {
        return Err(broken(
            ProblemKind::Crashed,
            format!(
                "crashed on `--version` (killed by signal {sig}, {})",
                signal_name(sig)
            ),
        ));
    }
    let stderr_line = out
        .stderr_text()
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| format!(": {}", shorten(l)))
        .unwrap_or_default();
    match out.code {
        Some(0) => {}
        Some(code @ 129..=192) => {
            return Err(broken(
                ProblemKind::Crashed,
                format!(
                    "crashed on `--version` (exit code {code}, i.e. signal {} {}){stderr_line}",
                    code - 128,
                    signal_name(code - 128)
                ),
            ))
        }
        Some(code) => {
            return Err(broken(
                ProblemKind::Failed,
                format!("`--version` exited with code {code}{stderr_line}"),
            ))
        }
        None => {
            return Err(broken(
                ProblemKind::Crashed,
                format!("`--version` {}", out.describe_end()),
            ))
        }
    }
    let name = super::detect::name_hint(&c.path);
    classify(name, &out.stdout_text()).map_err(|e| broken(ProblemKind::Garbage, e.to_string()))
}

/// `conda-24.11.3-py312h7900ff3_0.json` → (`conda`, `24.11.3`).
fn record_name_version(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".json")?;
    let (rest, _build) = stem.rsplit_once('-')?;
    rest.rsplit_once('-')
}

/// conda and mamba 1 are Python programs that take 0.4–0.8 s to start, and their version is
/// in their prefix's conda-meta records: read files before spawning. micromamba
/// and mamba 2 start in milliseconds and are always run.
fn identify_from_records(c: &Candidate) -> Option<Identified> {
    if c.name == "micromamba" {
        return None;
    }
    let real = std::fs::canonicalize(&c.path).ok()?;
    let meta = real.parent()?.parent()?.join("conda-meta");
    let mut conda = None;
    let mut mamba = None;
    for entry in std::fs::read_dir(meta).ok()?.take(5000).flatten() {
        let file = entry.file_name();
        let Some((name, version)) = file.to_str().and_then(record_name_version) else {
            continue;
        };
        match name {
            "conda" => conda = Some(version.to_string()),
            "mamba" => mamba = Some(version.to_string()),
            _ => {}
        }
    }
    match c.name {
        "conda" => conda.map(|version| Identified {
            flavour: Flavour::Conda,
            version,
            conda_version: None,
        }),
        "mamba" => mamba.filter(|v| major(v) < 2).map(|version| Identified {
            flavour: Flavour::Mamba1,
            version,
            conda_version: conda,
        }),
        _ => None,
    }
}

fn rank(f: Flavour) -> u8 {
    match f {
        Flavour::Micromamba2 => 0,
        Flavour::Micromamba1 => 1,
        Flavour::Mamba2 => 2,
        Flavour::Mamba1 => 3,
        Flavour::Conda => 4,
    }
}

/// Finds and identifies every tool; never blocks longer than one bounded `--version`.
pub(super) fn detect(ctx: &Context) -> Toolchain {
    let mut tc = Toolchain::default();
    let cands = candidates(ctx, &mut tc.stale_vars);
    let timeout = version_timeout(ctx.settings.timeout);
    let vars: Vec<_> = ctx
        .vars()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let from_records: Vec<Option<Identified>> = cands.iter().map(identify_from_records).collect();
    let results: Vec<Result<Identified, BrokenTool>> = std::thread::scope(|s| {
        let handles: Vec<_> = cands
            .iter()
            .zip(&from_records)
            .map(|(c, known)| {
                let cmd = Cmd::new(&c.path)
                    .arg("--version")
                    .timeout(timeout)
                    .cap(64 * 1024)
                    .env_exact(vars.clone());
                let known = known.clone();
                s.spawn(move || match known {
                    Some(id) => Ok(id),
                    None => judge(c, crate::probes::versions::run(ctx, &cmd)),
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(&cands)
            .map(|(h, c)| {
                h.join()
                    .unwrap_or_else(|_| judge(c, Err(anyhow::anyhow!("the version probe crashed"))))
            })
            .collect()
    });
    let mut tools: Vec<(usize, Tool)> = Vec::new();
    for (i, ((c, result), known)) in cands.iter().zip(results).zip(&from_records).enumerate() {
        match result {
            Ok(id) => {
                let on_path = ctx
                    .which(id.flavour.program())
                    .is_some_and(|p| dedupe_key(&p, c.name) == c.key);
                tools.push((
                    i,
                    Tool {
                        flavour: id.flavour,
                        path: c.path.clone(),
                        version: id.version,
                        conda_version: id.conda_version,
                        on_path,
                        found_via: c.via.clone(),
                        from_records: known.is_some(),
                    },
                ));
            }
            Err(b) => {
                tc.problems
                    .push(format!("{} ({}) {}", b.name, b.path.display(), b.reason));
                tc.broken.push(b);
            }
        }
    }
    tools.sort_by_key(|(i, t)| (rank(t.flavour), !t.on_path, *i));
    tc.tools = tools.into_iter().map(|(_, t)| t).collect();
    tc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_recorded_version_output() {
        let cases = [
            ("micromamba", "2.0.5\n", Flavour::Micromamba2, "2.0.5", None),
            ("micromamba", "1.5.8\n", Flavour::Micromamba1, "1.5.8", None),
            (
                "micromamba",
                "0.27.0\n",
                Flavour::Micromamba1,
                "0.27.0",
                None,
            ),
            ("mamba", "2.0.5\n", Flavour::Mamba2, "2.0.5", None),
            ("mamba", "2.5.0\n", Flavour::Mamba2, "2.5.0", None),
            (
                "mamba",
                "mamba 1.5.8\nconda 24.3.0\n",
                Flavour::Mamba1,
                "1.5.8",
                Some("24.3.0"),
            ),
            ("conda", "conda 24.11.3\n", Flavour::Conda, "24.11.3", None),
            ("conda", "conda 26.7.1\n", Flavour::Conda, "26.7.1", None),
        ];
        for (name, out, flavour, version, conda) in cases {
            let id = classify(name, out).unwrap_or_else(|e| panic!("{out:?}: {e}"));
            assert_eq!(id.flavour, flavour, "{out:?}");
            assert_eq!(id.version, version);
            assert_eq!(id.conda_version.as_deref(), conda);
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_version() {
        for out in [
            "",
            "\n\n",
            "Segmentation fault",
            "mamba",
            "conda",
            "conda abc",
            "{\"log_history\": [], \"version\": \"2.9.0\"}",
            "\u{1b}[31merror\u{1b}[0m",
            "2",
        ] {
            assert!(classify("micromamba", out).is_err(), "{out:?}");
        }
        let e = classify("micromamba", "Hello there, I am not a package manager").unwrap_err();
        assert!(e.to_string().contains("Hello there"), "{e}");
        assert_eq!(
            classify("mamba", " \n\n").unwrap_err(),
            VersionError::Silent
        );
    }

    #[test]
    fn long_garbage_is_shortened() {
        let junk = "x".repeat(10_000);
        let e = classify("conda", &junk).unwrap_err();
        assert!(e.to_string().len() < 120, "{e}");
    }

    #[test]
    fn name_hint_reads_the_stem() {
        assert_eq!(name_hint(Path::new("/a/micromamba")), "micromamba");
        assert_eq!(name_hint(Path::new("/a/micromamba-2.0.5")), "micromamba");
        assert_eq!(name_hint(Path::new("/a/bin/mamba")), "mamba");
        assert_eq!(name_hint(Path::new("/a/conda")), "conda");
        assert_eq!(name_hint(Path::new("/a/mm")), "micromamba");
    }

    fn script(dir: &Path, rel: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    fn ctx_for(home: &Path, path: &str, extra: &[(&str, &str)]) -> Context {
        let mut vars = vec![
            ("HOME".to_string(), home.display().to_string()),
            ("PATH".to_string(), path.to_string()),
        ];
        vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Context::with_vars(
            crate::core::Settings::default(),
            vars.into_iter().map(|(k, v)| (k.into(), v.into())),
        )
    }

    #[test]
    fn detect_dedupes_orders_and_marks_path() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        let mm = script(home, "bin/micromamba", "echo 2.0.5");
        script(home, "miniforge3/bin/conda", "echo conda 24.11.3");
        // conda's condabin/ and bin/ are one install.
        script(home, "miniforge3/condabin/conda", "echo conda 24.11.3");
        script(
            home,
            "miniforge3/bin/mamba",
            "printf 'mamba 1.5.8\\nconda 24.11.3\\n'",
        );
        let path = format!(
            "{}:{}",
            home.join("bin").display(),
            home.join("miniforge3/condabin").display()
        );
        let ctx = ctx_for(
            home,
            &path,
            &[
                ("MAMBA_EXE", &mm.display().to_string()),
                (
                    "CONDA_EXE",
                    &home.join("miniforge3/bin/conda").display().to_string(),
                ),
            ],
        );
        let tc = detect(&ctx);
        assert!(tc.problems.is_empty(), "{:?}", tc.problems);
        let got: Vec<_> = tc.tools.iter().map(|t| (t.flavour, t.on_path)).collect();
        assert_eq!(
            got,
            [
                (Flavour::Micromamba2, true),
                (Flavour::Mamba1, false),
                (Flavour::Conda, true)
            ]
        );
        assert_eq!(
            tc.tools[0].found_via,
            ["MAMBA_EXE", "PATH", "known location"]
        );
        assert_eq!(tc.commands().program, "micromamba");
        // mamba 1 off PATH: its commands use the absolute path.
        assert!(tc.tools[1].program().ends_with("miniforge3/bin/mamba"));
    }

    #[test]
    fn conda_and_mamba1_versions_come_from_conda_meta_without_spawning() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        // Scripts that would hang: they must not be run.
        script(home, "miniforge3/bin/conda", "sleep 30");
        script(home, "miniforge3/bin/mamba", "sleep 30");
        for rec in [
            "conda-24.3.0-py312h7900ff3_0.json",
            "conda-libmamba-solver-24.1.0-pyhd8ed1ab_0.json",
            "mamba-1.5.8-py312h9460a1c_0.json",
            "libmamba-1.5.8-had39da4_0.json",
        ] {
            let meta = home.join("miniforge3/conda-meta");
            std::fs::create_dir_all(&meta).unwrap();
            std::fs::write(meta.join(rec), "{}").unwrap();
        }
        let ctx = ctx_for(
            home,
            &home.join("miniforge3/bin").display().to_string(),
            &[],
        );
        let start = std::time::Instant::now();
        let tc = detect(&ctx);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        let got: Vec<_> = tc
            .tools
            .iter()
            .map(|t| {
                (
                    t.flavour,
                    t.version.as_str(),
                    t.conda_version.as_deref(),
                    t.from_records,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Flavour::Mamba1, "1.5.8", Some("24.3.0"), true),
                (Flavour::Conda, "24.3.0", None, true)
            ]
        );
    }

    #[test]
    fn record_names_split_from_the_right() {
        assert_eq!(
            record_name_version("conda-libmamba-solver-24.1.0-pyhd8ed1ab_0.json"),
            Some(("conda-libmamba-solver", "24.1.0"))
        );
        assert_eq!(
            record_name_version("conda-24.3.0-py312_0.json"),
            Some(("conda", "24.3.0"))
        );
        assert_eq!(record_name_version("history"), None);
        assert_eq!(record_name_version("x.json"), None);
    }

    #[test]
    fn detect_reports_stale_variables_and_broken_tools() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        script(home, "bin/micromamba", "exit 3");
        script(home, ".local/bin/micromamba", "echo 1.5.8");
        let ctx = ctx_for(
            home,
            &home.join("bin").display().to_string(),
            &[("MAMBA_EXE", "/nonexistent/micromamba")],
        );
        let tc = detect(&ctx);
        assert_eq!(tc.stale_vars.len(), 1);
        assert_eq!(tc.broken.len(), 1);
        assert_eq!(tc.broken[0].kind, ProblemKind::Failed);
        // Found in the installer's location, off PATH.
        assert_eq!(tc.tools.len(), 1);
        assert_eq!(tc.tools[0].flavour, Flavour::Micromamba1);
        assert!(!tc.tools[0].on_path);
        assert_eq!(tc.tools[0].found_via, ["known location"]);
    }

    proptest::proptest! {

        #![proptest_config(crate::proptest_config())]
        #[test]
        fn classify_never_panics(name in "[a-z]{0,12}", s in "\\PC{0,200}") {
            let _ = classify(&name, &s);
        }

        /// The hand-written version test agrees with the pattern it replaced (with ASCII
        /// digits: tools print no others).
        #[test]
        fn is_version_agrees_with_the_pattern(s in "[0-9.a-zA-Z+_ ٣-]{0,44}") {
            let re = regex::Regex::new(r"^[0-9]+\.[0-9]+(\.[0-9]+)*[0-9A-Za-z.+_-]{0,24}$").unwrap();
            proptest::prop_assert_eq!(is_version(&s), s.len() <= 40 && re.is_match(&s), "{:?}", s);
        }

        /// Version-shaped strings, which the random ones above rarely are.
        #[test]
        fn is_version_agrees_on_versions(s in "[0-9]{1,3}\\.[0-9]{0,3}(\\.[0-9]{1,3}){0,12}[a-z0-9.+_-]{0,26}") {
            let re = regex::Regex::new(r"^[0-9]+\.[0-9]+(\.[0-9]+)*[0-9A-Za-z.+_-]{0,24}$").unwrap();
            proptest::prop_assert_eq!(is_version(&s), s.len() <= 40 && re.is_match(&s), "{:?}", s);
        }
    }
}
