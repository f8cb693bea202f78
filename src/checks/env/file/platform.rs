//! `env.file`: an environment exported on another operating system, which this machine cannot
//! create. `conda env export` writes every package with its build string (`=h2bbff1b_6`) and
//! the platform's own packages (`ucrt`, `vc` on Windows; `_libgcc_mutex` on Linux): builds
//! are made per platform, so the solve finds none of them elsewhere.

use crate::probes::env::envfile::EnvFile;

/// An operating system as conda's platforms group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Os {
    Linux,
    Mac,
    Windows,
}

impl Os {
    /// The operating system devdoctor runs on.
    pub(super) fn current() -> Os {
        match std::env::consts::OS {
            "windows" => Os::Windows,
            "macos" => Os::Mac,
            _ => Os::Linux,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Os::Linux => "Linux",
            Os::Mac => "macOS",
            Os::Windows => "Windows",
        }
    }
}

/// Packages conda-forge and defaults build for one operating system only.
fn only_on(package: &str) -> Option<Os> {
    const WINDOWS: &[&str] = &[
        "ucrt",
        "vc",
        "vc14_runtime",
        "vcomp14",
        "vs2015_runtime",
        "pywin32",
        "pywinpty",
        "winpty",
        "wincertstore",
        "win_inet_pton",
        "msys2-conda-epoch",
    ];
    const LINUX: &[&str] = &["_libgcc_mutex", "libgcc-ng", "libstdcxx-ng", "libgomp"];
    // Compiler and sysroot packages carry their platform in the name (`gcc_linux-64`,
    // `clang_osx-arm64`, `vs2019_win-64`).
    let (_, suffix) = package.rsplit_once('_').unwrap_or(("", ""));
    if WINDOWS.contains(&package) || package.starts_with("m2w64-") || suffix.starts_with("win-") {
        Some(Os::Windows)
    } else if LINUX.contains(&package) || suffix.starts_with("linux-") {
        Some(Os::Linux)
    } else if suffix.starts_with("osx-") {
        Some(Os::Mac)
    } else {
        None
    }
}

/// Packages PyPI has for Windows only, as `pip:` entries of a Windows export list them.
fn pip_only_on_windows(package: &str) -> bool {
    const WINDOWS: &[&str] = &[
        "pywin32",
        "pywinpty",
        "pypiwin32",
        "twisted-iocpsupport",
        "windows-curses",
        "wmi",
    ];
    WINDOWS.contains(&package.to_ascii_lowercase().replace('_', "-").as_str())
}

/// The operating system a `prefix:` path belongs to.
fn prefix_os(prefix: &str) -> Option<Os> {
    let p = prefix.trim();
    let b = p.as_bytes();
    if (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/'))
        || p.starts_with("\\\\")
    {
        Some(Os::Windows)
    } else if p.starts_with("/Users/") {
        Some(Os::Mac)
    } else if p.starts_with("/home/") {
        Some(Os::Linux)
    } else {
        None
    }
}

/// Why a file cannot be created on `here`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Foreign {
    /// Packages that exist only for `os`, with the first one's line, and how many packages
    /// pin a build.
    Packages {
        os: Os,
        names: Vec<String>,
        line: usize,
        pinned: usize,
    },
    /// Build strings pinned on `os`, which the `prefix:` line tells.
    Builds { os: Os, pinned: usize, line: usize },
}

/// `name=version=build`, as an export writes each package.
pub(super) fn pins_a_build(text: &str) -> bool {
    let parts: Vec<&str> = text.trim().split('=').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.trim().is_empty())
}

/// The file was exported on an operating system other than `here`, in a way that cannot be
/// created there; `None` for a file that says nothing of its platform, or says `here`.
pub(super) fn foreign(file: &EnvFile, here: Os) -> Option<Foreign> {
    let pinned = file
        .dependencies
        .iter()
        .filter(|d| pins_a_build(&d.text))
        .count();
    let mut found: Option<(Os, Vec<String>, usize)> = None;
    for d in &file.dependencies {
        let Some(name) = d.name() else { continue };
        let Some(os) = only_on(name).filter(|&os| os != here) else {
            continue;
        };
        match &mut found {
            Some((first, names, _)) if *first == os => names.push(name.to_string()),
            Some(_) => return None, // packages of two other systems: not an export of one
            None => found = Some((os, vec![name.to_string()], d.line)),
        }
    }
    // A Windows export's `pip:` section has Windows' own wheels too (pywinpty).
    if let Some((Os::Windows, names, _)) = &mut found {
        let pip = file.pip.iter().flat_map(|p| &p.entries);
        for name in pip.filter_map(|e| crate::probes::env::envfile::requirement_name(&e.text)) {
            if pip_only_on_windows(&name) && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if let Some((os, names, line)) = found {
        return Some(Foreign::Packages {
            os,
            names,
            line,
            pinned,
        });
    }
    let prefix = file.prefix.as_ref()?;
    let os = prefix_os(&prefix.text).filter(|&os| os != here)?;
    (pinned > 0).then_some(Foreign::Builds {
        os,
        pinned,
        line: prefix.line,
    })
}

/// The finding's message and the step that mends the file.
pub(super) fn describe(
    foreign: &Foreign,
    here: Os,
    name: Option<&str>,
    has_pip: bool,
) -> (String, String) {
    // A history export lists what was asked for (no builds, no platform packages), but not
    // what pip installed.
    let export = format!(
        "on the machine it came from, export what was asked for: `micromamba env export -n {0} --from-history > environment.yml` (conda: `conda env export -n {0} --from-history`){1}",
        name.unwrap_or("<env name>"),
        if has_pip {
            ", then copy the `pip:` section back in (a history export leaves it out)"
        } else {
            ""
        }
    );
    match foreign {
        Foreign::Packages {
            os, names, pinned, ..
        } => {
            let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
            let more = names.len().saturating_sub(5);
            let list = if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                crate::policy::text::and_list(&shown)
            };
            (
                format!(
                    "exported on {}: {list} exist only there, so creating it on {} fails (\"nothing provides\")",
                    os.name(),
                    here.name()
                ),
                if *pinned > 0 {
                    format!("{export}, or drop the build strings and {list} from it")
                } else {
                    format!("{export}, or drop {list} from it")
                },
            )
        }
        Foreign::Builds { os, pinned, .. } => (
            format!(
                "exported on {} (its `prefix:`) with {pinned} build string{} (`=h…_0`): builds are made per platform, so {} finds none of them",
                os.name(),
                if *pinned == 1 { "" } else { "s" },
                here.name()
            ),
            format!("{export}, or drop the build strings (the third `=` part) from it"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::env::envfile::parse;

    fn file(text: &str) -> EnvFile {
        parse(std::path::Path::new("environment.yml"), text.to_string()).expect("parses")
    }

    const WINDOWS_EXPORT: &str = "name: analysis\nchannels:\n  - defaults\ndependencies:\n  - bzip2=1.0.8=h2bbff1b_6\n  - python=3.11.9=he1021f5_0\n  - pywin32=306=py311h12c1d0e_2\n  - ucrt=10.0.22621.0=h57928b3_0\n  - vc=14.2=h21ff451_1\nprefix: C:\\Users\\alice\\miniconda3\\envs\\analysis\n";

    #[test]
    fn a_windows_export_cannot_be_created_elsewhere() {
        let f = file(WINDOWS_EXPORT);
        assert_eq!(
            foreign(&f, Os::Linux),
            Some(Foreign::Packages {
                os: Os::Windows,
                names: vec!["pywin32".into(), "ucrt".into(), "vc".into()],
                line: 7,
                pinned: 5
            })
        );
        assert_eq!(foreign(&f, Os::Windows), None);
        let (message, step) = describe(
            &foreign(&f, Os::Mac).unwrap(),
            Os::Mac,
            Some("analysis"),
            false,
        );
        assert!(message.starts_with("exported on Windows: `pywin32`, `ucrt` and `vc` exist only there, so creating it on macOS fails"), "{message}");
        assert!(
            step.contains("micromamba env export -n analysis --from-history"),
            "{step}"
        );
        assert!(
            step.ends_with("or drop the build strings and `pywin32`, `ucrt` and `vc` from it"),
            "{step}"
        );
        // An export without builds (`--no-builds`) still lists Windows' own packages.
        let f = file("name: x\ndependencies:\n  - python=3.11.14\n  - ucrt=10.0.26100.0\n  - vcomp14=14.44.35208\n");
        let (_, step) = describe(&foreign(&f, Os::Linux).unwrap(), Os::Linux, None, true);
        assert!(step.contains("-n <env name> --from-history"), "{step}");
        assert!(
            step.contains("then copy the `pip:` section back in"),
            "{step}"
        );
        assert!(
            step.ends_with("or drop `ucrt` and `vcomp14` from it"),
            "{step}"
        );
    }

    #[test]
    fn a_linux_export_on_a_mac_and_compilers_by_name() {
        let f = file("name: x\ndependencies:\n  - _libgcc_mutex=0.1=conda_forge\n  - libgcc-ng=13.2.0=h77fa898_7\n  - gcc_linux-64=13.2.0=h1ed1b07_2\n  - python=3.12.3=hab00c5b_0_cpython\n");
        let Some(Foreign::Packages {
            os, names, line, ..
        }) = foreign(&f, Os::Mac)
        else {
            panic!("no finding");
        };
        assert_eq!((os, line), (Os::Linux, 3));
        assert_eq!(names, ["_libgcc_mutex", "libgcc-ng", "gcc_linux-64"]);
        assert_eq!(foreign(&f, Os::Linux), None);
        assert_eq!(only_on("clang_osx-arm64"), Some(Os::Mac));
        assert_eq!(only_on("vs2019_win-64"), Some(Os::Windows));
        // Cross-platform packages with an underscore are not taken for a platform's.
        for name in [
            "typing_extensions",
            "python_abi",
            "ca-certificates",
            "libffi",
        ] {
            assert_eq!(only_on(name), None, "{name}");
        }
    }

    #[test]
    fn builds_pinned_under_another_systems_prefix() {
        let f = file("name: x\ndependencies:\n  - numpy=1.26.4=py312h8753938_0\n  - pandas=2.2.1\nprefix: /Users/bob/miniforge3/envs/x\n");
        assert_eq!(
            foreign(&f, Os::Linux),
            Some(Foreign::Builds {
                os: Os::Mac,
                pinned: 1,
                line: 5
            })
        );
        assert_eq!(foreign(&f, Os::Mac), None);
        // `--from-history` exports keep the prefix but pin no builds: they solve anywhere.
        let loose =
            file("name: x\ndependencies:\n  - numpy=1.26\n  - pandas\nprefix: C:\\envs\\x\n");
        assert_eq!(foreign(&loose, Os::Linux), None);
        // Hand-written files say nothing of a platform.
        assert_eq!(
            foreign(
                &file("name: x\ndependencies:\n  - python=3.12\n"),
                Os::Linux
            ),
            None
        );
    }

    /// A Windows export's `pip:` section names Windows' own wheels too (metal0bird's
    /// `pywinpty==2.0.2`, `twisted-iocpsupport==1.0.2`).
    #[test]
    fn windows_wheels_in_the_pip_section_are_named() {
        let f = file("name: x\ndependencies:\n  - vc=14.2=h21ff451_1\n  - pip\n  - pip:\n    - requests==2.31.0\n    - pywinpty==2.0.2\n    - twisted-iocpsupport==1.0.2\n");
        let Some(Foreign::Packages { names, .. }) = foreign(&f, Os::Linux) else {
            panic!("no finding");
        };
        assert_eq!(names, ["vc", "pywinpty", "twisted-iocpsupport"]);
    }

    #[test]
    fn packages_of_two_other_systems_are_not_one_export() {
        let f = file("name: x\ndependencies:\n  - ucrt\n  - clang_osx-64\n");
        assert_eq!(foreign(&f, Os::Linux), None);
    }

    #[test]
    fn prefixes_by_system() {
        assert_eq!(prefix_os("C:\\Users\\a\\envs\\x"), Some(Os::Windows));
        assert_eq!(prefix_os("d:/envs/x"), Some(Os::Windows));
        assert_eq!(prefix_os("\\\\server\\envs\\x"), Some(Os::Windows));
        assert_eq!(prefix_os("/Users/bob/miniforge3/envs/x"), Some(Os::Mac));
        assert_eq!(prefix_os("/home/carol/miniforge3/envs/x"), Some(Os::Linux));
        assert_eq!(prefix_os("/opt/conda/envs/x"), None);
        assert_eq!(prefix_os("envs/x"), None);
    }
}
