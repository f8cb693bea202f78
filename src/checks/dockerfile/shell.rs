//! Just enough POSIX shell to read RUN lines: split text into pipelines of simple commands
//! (words with quotes removed), skip env assignments and wrappers, and recognise installers.
//! Never panics; anything unusual degrades to "no match".

use regex::Regex;
use std::sync::OnceLock;

/// Commands joined by `|`.
pub(super) type Pipeline = Vec<Vec<String>>;

/// Splits shell text into pipelines. `&&`, `||`, `;`, `&`, newlines, parentheses, backticks
/// and `$(` end a pipeline; `|` ends a command inside one. `#` at a word start is a comment.
pub(super) fn pipelines(text: &str) -> Vec<Pipeline> {
    let mut out: Vec<Pipeline> = Vec::new();
    let mut pipeline: Pipeline = Vec::new();
    let mut command: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();

    fn end_word(word: &mut String, in_word: &mut bool, command: &mut Vec<String>) {
        if *in_word {
            command.push(std::mem::take(word));
            *in_word = false;
        }
    }
    fn end_command(command: &mut Vec<String>, pipeline: &mut Pipeline) {
        if !command.is_empty() {
            pipeline.push(std::mem::take(command));
        }
    }
    fn end_pipeline(pipeline: &mut Pipeline, out: &mut Vec<Pipeline>) {
        if !pipeline.is_empty() {
            out.push(std::mem::take(pipeline));
        }
    }

    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q == '"' {
                if let Some(n) = chars.next() {
                    word.push(n);
                }
            } else {
                word.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                in_word = true;
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    if n != '\n' {
                        word.push(n);
                        in_word = true;
                    }
                }
            }
            '#' if !in_word => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                end_command(&mut command, &mut pipeline);
                end_pipeline(&mut pipeline, &mut out);
            }
            '|' => {
                end_word(&mut word, &mut in_word, &mut command);
                if chars.peek() == Some(&'|') {
                    chars.next();
                    end_command(&mut command, &mut pipeline);
                    end_pipeline(&mut pipeline, &mut out);
                } else {
                    end_command(&mut command, &mut pipeline);
                }
            }
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                end_word(&mut word, &mut in_word, &mut command);
                end_command(&mut command, &mut pipeline);
                end_pipeline(&mut pipeline, &mut out);
            }
            '&' | ';' | '\n' | '(' | ')' | '`' | '{' | '}' if !in_word || c != '{' && c != '}' => {
                end_word(&mut word, &mut in_word, &mut command);
                end_command(&mut command, &mut pipeline);
                end_pipeline(&mut pipeline, &mut out);
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut command),
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut command);
    end_command(&mut command, &mut pipeline);
    end_pipeline(&mut pipeline, &mut out);
    out
}

/// Every simple command in `text`, and those of the scripts it gives a shell with `-c`
/// (`/bin/bash -c 'source activate base && pip install …'`, `micromamba run -n app sh -c …`),
/// after the command that runs them.
pub(super) fn commands(text: &str) -> Vec<Vec<String>> {
    commands_within(text, 0)
}

/// How deep `sh -c` scripts are read (a script that runs a shell that runs a script …).
const NESTED_SCRIPTS: usize = 3;

fn commands_within(text: &str, depth: usize) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for cmd in pipelines(text).into_iter().flatten() {
        let script = (depth < NESTED_SCRIPTS)
            .then(|| shell_script(&cmd))
            .flatten()
            .map(str::to_string);
        out.push(cmd);
        if let Some(script) = script {
            out.extend(commands_within(&script, depth + 1));
        }
    }
    out
}

/// The script a command gives a shell to run: the word after `-c` (or `-lc`, `-ec`, …) that
/// follows `sh`, `bash`, `dash`, `zsh` or `ash`.
fn shell_script(words: &[String]) -> Option<&str> {
    let at = words
        .iter()
        .position(|w| matches!(basename(w), "sh" | "bash" | "dash" | "zsh" | "ash"))?;
    let flag = words.get(at + 1)?;
    let short = flag.strip_prefix('-').is_some_and(|f| {
        !f.starts_with('-') && f.contains('c') && f.chars().all(|c| c.is_ascii_lowercase())
    });
    short
        .then(|| words.get(at + 2))
        .flatten()
        .map(String::as_str)
}

/// The last path component of a word (`/usr/bin/pip3` → `pip3`).
pub(super) fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !name.starts_with(|c: char| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Skips `VAR=value` words and wrappers (`sudo`, `env`, `exec`, `nohup`, `time`, `command`,
/// `nice`), returning the words from the real program on.
pub(super) fn strip_wrappers(words: &[String]) -> &[String] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let b = basename(w);
        if is_assignment(w) {
            i += 1;
        } else if matches!(
            b,
            "sudo" | "doas" | "env" | "exec" | "nohup" | "time" | "command" | "nice"
        ) {
            i += 1;
            // Options of the wrapper; `sudo -u user` takes an argument.
            while let Some(opt) = words.get(i) {
                if !opt.starts_with('-') {
                    break;
                }
                let takes_arg = matches!(b, "sudo" | "doas")
                    && matches!(opt.as_str(), "-u" | "-g" | "-C" | "-h" | "-p" | "-U");
                i += if takes_arg { 2 } else { 1 };
            }
        } else {
            break;
        }
    }
    words.get(i..).unwrap_or_default()
}

/// The first word after position `from` that is not an option.
pub(super) fn subcommand(words: &[String], from: usize) -> Option<&str> {
    words
        .get(from..)?
        .iter()
        .find(|w| !w.starts_with('-'))
        .map(String::as_str)
}

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("static regex"))
}

/// `name` is `stem` followed only by digits and dots (`pip3.11`, `python3`).
fn versioned(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn is_pip(word: &str) -> bool {
    versioned(basename(word), "pip")
}

fn is_python(word: &str) -> bool {
    let name = basename(word);
    name == "py" || versioned(name, "python") || versioned(name, "pypy")
}

/// A Python installer that bypasses conda-forge in this command, as the user would name it.
pub(super) fn pip_install(words: &[String]) -> Option<&'static str> {
    let words = strip_wrappers(words);
    for (i, w) in words.iter().enumerate() {
        let next = subcommand(words, i + 1);
        if is_pip(w) && next == Some("install") {
            return Some("pip install");
        }
        if is_python(w) {
            let m = words.iter().skip(i + 1).position(|x| x == "-m");
            if let Some(m) = m {
                let at = i + 1 + m;
                if words.get(at + 1).is_some_and(|x| x == "pip")
                    && subcommand(words, at + 2) == Some("install")
                {
                    return Some("python -m pip install");
                }
            }
        }
        match basename(w) {
            "uv" if words.get(i + 1).is_some_and(|x| x == "pip")
                && subcommand(words, i + 2) == Some("install") =>
            {
                return Some("uv pip install")
            }
            // A project's dependencies from its uv.lock or pyproject.toml, all from PyPI
            // (davidf9999/gx-mcp-server's `RUN uv sync`).
            "uv" if matches!(next, Some("sync" | "add")) => return Some("uv sync"),
            "easy_install" => return Some("easy_install"),
            "pipenv" if matches!(next, Some("install" | "sync")) => return Some("pipenv install"),
            "poetry" if matches!(next, Some("install" | "add")) => return Some("poetry install"),
            _ => {}
        }
    }
    None
}

/// The packages a pip-like install of this command names (`torch==2.2.2` → `torch`): not
/// its options and their values, requirement files, paths, URLs or wheels.
pub(super) fn pip_packages(words: &[String]) -> Vec<String> {
    if pip_install(words).is_none() {
        return Vec::new();
    }
    let words = strip_wrappers(words);
    let Some(at) = words.iter().position(|w| w == "install") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut skip = false;
    for w in &words[at + 1..] {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.starts_with('-') {
            skip = crate::policy::no_pip::VALUED_OPTIONS.contains(&w.as_str());
            continue;
        }
        let path_like = w.contains('/') || w.starts_with('.') || w.ends_with(".whl");
        if path_like || w.contains('$') {
            continue;
        }
        if let Some(name) = crate::probes::env::envfile::requirement_name(w) {
            out.push(name);
        }
    }
    out
}

/// `micromamba` / `mamba` / `conda` with its subcommand (`env create` counts as `create`).
pub(super) fn mamba_subcommand(words: &[String]) -> Option<(&str, &str)> {
    let words = strip_wrappers(words);
    let program = basename(words.first()?);
    if !matches!(program, "micromamba" | "mamba" | "conda") {
        return None;
    }
    let sub = subcommand(words, 1)?;
    if sub == "env" {
        let pos = words.iter().position(|w| w == "env")?;
        return Some((program, subcommand(words, pos + 1)?));
    }
    Some((program, sub))
}

/// `conda-lock install [-n NAME | -p PREFIX] LOCK`: an environment made from a lock file
/// (the UBC teaching template's `conda-lock install -n dockerlock conda-lock.yml`).
pub(super) fn is_conda_lock_install(words: &[String]) -> bool {
    let words = strip_wrappers(words);
    words.first().is_some_and(|w| basename(w) == "conda-lock")
        && subcommand(words, 1) == Some("install")
}

/// Whether this command installs packages with the mamba family.
pub(super) fn is_mamba_install(words: &[String]) -> bool {
    mamba_subcommand(words).is_some_and(|(_, s)| matches!(s, "install" | "create" | "update"))
}

/// Whether this command makes an environment from a file: an install, create or update with
/// `-f`/`--file` (an environment or lock file), or `<tool> env create|update` (environment.yml
/// by default). Packages named inline make no environment a project's dependencies are in.
pub(super) fn is_mamba_install_from_file(words: &[String]) -> bool {
    is_mamba_install(words)
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "-f" | "--file" | "env") || w.starts_with("--file="))
}

/// Whether this command is `<mamba> clean --all` (or `-a`, `-afy`, …).
pub(super) fn is_mamba_clean_all(words: &[String]) -> bool {
    if mamba_subcommand(words).is_none_or(|(_, s)| s != "clean") {
        return false;
    }
    let short = |c: char| {
        words.iter().any(|w| {
            w.starts_with('-') && !w.starts_with("--") && w.chars().skip(1).any(|x| x == c)
        })
    };
    let long = |l: &str| words.iter().any(|w| w == l);
    // `--all`, or the tarballs and the extracted packages both (dask-docker's `-tipsy`).
    long("--all")
        || short('a')
        || ((long("--tarballs") || short('t')) && (long("--packages") || short('p')))
}

/// `rm -rf /opt/conda/pkgs` (or its contents): the package cache removed by hand.
pub(super) fn removes_package_cache(words: &[String]) -> bool {
    let first = words.iter().find(|w| !is_assignment(w));
    first.is_some_and(|w| basename(w) == "rm")
        && words.iter().skip(1).any(|w| {
            let w = w.trim_end_matches('*').trim_end_matches('/');
            !w.starts_with('-') && w.ends_with("/pkgs")
        })
}

/// `sudo` (or `doas`) as a program.
pub(super) fn uses_sudo(words: &[String]) -> bool {
    let first = words.iter().find(|w| !is_assignment(w));
    first.is_some_and(|w| matches!(basename(w), "sudo" | "doas"))
}

const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "build-base",
    "gcc",
    "g++",
    "gcc-c++",
    "gxx",
    "clang",
    "make",
    "cmake",
    "gfortran",
    "autoconf",
    "automake",
    "libtool",
    "pkg-config",
    "pkgconf",
    "git",
    "cargo",
    "rustc",
    "rust",
    "golang",
    "compilers",
    "c-compiler",
    "cxx-compiler",
    "fortran-compiler",
    "linux-headers",
];

/// conda-forge's compilers named for a platform (`gxx_linux-64`, `clang_osx-arm64`), which
/// the `compilers` metapackages pull in.
fn platform_compiler(package: &str) -> bool {
    package.split_once('_').is_some_and(|(tool, platform)| {
        matches!(tool, "gcc" | "gxx" | "gfortran" | "clang" | "clangxx")
            && ["linux-", "osx-", "win-"]
                .iter()
                .any(|os| platform.starts_with(os))
    })
}

fn package_name(spec: &str) -> &str {
    let end = spec
        .find(['=', '<', '>', '~', '!', ' '])
        .unwrap_or(spec.len());
    spec.get(..end).unwrap_or(spec)
}

/// Build tools this command installs (apt/apk/yum/dnf/zypper or the mamba family).
pub(super) fn build_tools(words: &[String]) -> Vec<String> {
    let words = strip_wrappers(words);
    let Some(program) = words.first().map(|w| basename(w)) else {
        return Vec::new();
    };
    let sub = subcommand(words, 1);
    let installs = match program {
        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" => sub == Some("install"),
        "apk" => sub == Some("add"),
        "micromamba" | "mamba" | "conda" => is_mamba_install(words),
        _ => false,
    };
    if !installs {
        return Vec::new();
    }
    let sub_at = words
        .iter()
        .skip(1)
        .position(|w| !w.starts_with('-'))
        .map_or(1, |p| p + 1);
    words
        .iter()
        .skip(sub_at + 1)
        .filter(|w| !w.starts_with('-') && !w.contains('/'))
        .map(|w| package_name(w))
        .filter(|p| {
            BUILD_PACKAGES.contains(p)
                || (p.len() > 4 && (p.ends_with("-dev") || p.ends_with("-devel")))
                || versioned_build_package(p)
                || platform_compiler(p)
        })
        .map(str::to_string)
        .collect()
}

/// Header packages often installed for the shared library they pull in (OpenCV needs libGL
/// at run time, psycopg2 libpq): the package a final image needs instead.
const RUNTIME_OF_DEV: &[(&str, &str)] = &[
    ("libgl1-mesa-dev", "libgl1"),
    ("libglib2.0-dev", "libglib2.0-0"),
    ("libpq-dev", "libpq5"),
    ("libsm-dev", "libsm6"),
    ("libxext-dev", "libxext6"),
    ("libxrender-dev", "libxrender1"),
];

/// The run-time package of a header package in [`RUNTIME_OF_DEV`].
pub(super) fn runtime_of(dev: &str) -> Option<&'static str> {
    RUNTIME_OF_DEV
        .iter()
        .find(|(d, _)| *d == dev)
        .map(|(_, r)| *r)
}

/// NVIDIA's packages named for a CUDA version: headers (`libcublas-dev-11-3`) and the
/// compiler (`cuda-minimal-build-11-3`, `cuda-nvcc-12-4`, `cuda-toolkit-12-4`), as
/// aqlaboratory/openfold's image installs them to build its CUDA extension.
fn versioned_build_package(p: &str) -> bool {
    let versioned = |stem: &str| {
        p.strip_prefix(stem).is_some_and(|v| {
            !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
        })
    };
    let dev = p
        .find("-dev-")
        .is_some_and(|i| versioned(&p[..i + "-dev-".len()]));
    dev || [
        "cuda-minimal-build-",
        "cuda-nvcc-",
        "cuda-toolkit-",
        "cuda-compiler-",
    ]
    .iter()
    .any(|stem| versioned(stem))
}

/// `curl … | sh`, `wget -O- … | bash`, `sh -c "$(curl …)"` or `bash <(curl …)`.
pub(super) fn pipes_download_to_shell(text: &str) -> bool {
    const SHELLS: &[&str] = &[
        "sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3", "perl", "ruby", "node",
    ];
    for p in pipelines(text) {
        let fetch_at = p.iter().position(|c| {
            strip_wrappers(c)
                .first()
                .is_some_and(|w| matches!(basename(w), "curl" | "wget"))
        });
        if let Some(at) = fetch_at {
            let runs = p.iter().skip(at + 1).any(|c| {
                strip_wrappers(c)
                    .first()
                    .is_some_and(|w| SHELLS.contains(&basename(w)))
            });
            if runs {
                return true;
            }
        }
    }
    if !text.contains("curl") && !text.contains("wget") {
        return false;
    }
    static SUBST: OnceLock<Regex> = OnceLock::new();
    re(
        &SUBST,
        r#"\b(sh|bash|zsh|dash|ksh)\s+(-[a-z]+\s+)*["']?(\$|<)\(\s*(curl|wget)\b"#,
    )
    .is_match(text)
}

/// Where curl or wget writes: the file its output option names (`-o F`, `-fsSLo F`,
/// `--output F`; wget's `-O F`, `-qO-`), and whether curl keeps the remote name (`-O`,
/// `-LO`, `--remote-name`).
fn download_target(program: &str, c: &[String]) -> (Option<String>, bool) {
    let out = if program == "curl" { 'o' } else { 'O' };
    let (mut named, mut remote) = (None, false);
    for (i, w) in c.iter().enumerate().skip(1) {
        if let Some(long) = w.strip_prefix("--") {
            match long {
                "output" | "output-document" => named = c.get(i + 1).cloned(),
                "remote-name" => remote = true,
                _ => {}
            }
            continue;
        }
        let Some(letters) = w.strip_prefix('-').filter(|l| !l.is_empty()) else {
            continue;
        };
        if let Some(at) = letters.find(out) {
            let rest = &letters[at + 1..];
            named = if rest.is_empty() {
                c.get(i + 1).cloned()
            } else {
                Some(rest.to_string())
            };
            remote |= program == "curl" && letters[..at].contains('O');
        } else if program == "curl" && letters.contains('O') {
            remote = true;
        }
    }
    (named, remote)
}

/// The file a RUN downloads (`curl -o F URL`, `wget URL`) and then runs (`bash F -b`,
/// `./F`) without a checksum or signature check anywhere in the RUN: the Miniconda installer
/// fetched and run unverified. `None` when nothing downloaded is run, or it is verified.
pub(super) fn runs_a_download_unverified(text: &str) -> Option<String> {
    const SHELLS: &[&str] = &[
        "sh", "bash", "zsh", "dash", "ash", "ksh", "python", "python3",
    ];
    const VERIFY: &[&str] = &[
        "sha256sum",
        "sha512sum",
        "sha1sum",
        "shasum",
        "md5sum",
        "gpg",
        "gpgv",
        "cosign",
    ];
    let cmds = commands(text);
    if cmds
        .iter()
        .any(|c| c.first().is_some_and(|w| VERIFY.contains(&basename(w))))
    {
        return None;
    }
    let url_name = |c: &[String]| {
        c.iter()
            .find(|w| w.contains("://"))
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .map(str::to_string)
    };
    let mut fetched: Vec<String> = Vec::new();
    for c in &cmds {
        let c = strip_wrappers(c);
        let Some(program) = c.first().map(|w| basename(w)) else {
            continue;
        };
        if program == "curl" || program == "wget" {
            let (named, remote) = download_target(program, c);
            // `curl -O URL` and a plain `wget URL` keep the URL's last segment.
            let remote = (remote || program == "wget").then(|| url_name(c)).flatten();
            fetched.extend(named.or(remote).filter(|f| f != "-"));
            continue;
        }
        let runs = |w: &String| fetched.iter().any(|f| basename(f) == basename(w));
        let hit = if SHELLS.contains(&program) {
            c.iter()
                .skip(1)
                .find(|w| !w.starts_with('-'))
                .filter(|w| runs(w))
        } else {
            c.first().filter(|w| w.contains('/') && runs(w))
        };
        if let Some(file) = hit {
            return Some(basename(file).to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_run_without_verification_is_told() {
        let run = runs_a_download_unverified;
        // cmu-spuds/obfuscate_gradio: the Miniconda installer.
        assert_eq!(
            run("wget https://repo.anaconda.com/miniconda/Miniconda3-latest-Linux-x86_64.sh && bash Miniconda3-latest-Linux-x86_64.sh -b -p /opt/conda").as_deref(),
            Some("Miniconda3-latest-Linux-x86_64.sh")
        );
        assert_eq!(
            run("curl -fsSL -o /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh").as_deref(),
            Some("install.sh")
        );
        assert_eq!(
            run("curl -LO https://example.com/tool.sh; chmod +x tool.sh; ./tool.sh").as_deref(),
            Some("tool.sh")
        );
        assert_eq!(
            run("curl -fsSLo /tmp/mm.sh https://x/mm.sh && bash /tmp/mm.sh").as_deref(),
            Some("mm.sh")
        );
        assert_eq!(
            run("wget -q -O /tmp/conda.sh https://x/Miniforge3.sh && /bin/bash /tmp/conda.sh -b")
                .as_deref(),
            Some("conda.sh")
        );
        assert_eq!(
            run("curl -O https://example.com/tool.sh && chmod +x tool.sh && ./tool.sh").as_deref(),
            Some("tool.sh")
        );
        // Verified, or downloaded and not run, is fine.
        assert_eq!(run("wget https://x/Miniconda3.sh && echo \"abc  Miniconda3.sh\" | sha256sum -c && bash Miniconda3.sh -b"), None);
        assert_eq!(
            run("curl -o data.csv https://x/data.csv && python train.py"),
            None
        );
        assert_eq!(run("wget -O- https://x/a.tgz | tar xz"), None);
    }

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn pip_and_python_by_name() {
        for yes in ["pip", "pip3", "pip3.11", "/usr/local/bin/pip3"] {
            assert!(is_pip(yes), "{yes}");
        }
        for no in ["pipx", "pip-tools", "mypip", ""] {
            assert!(!is_pip(no), "{no}");
        }
        for yes in [
            "py",
            "python",
            "python3.12",
            "pypy3",
            "/opt/conda/bin/python",
        ] {
            assert!(is_python(yes), "{yes}");
        }
        for no in ["pyt", "python3-config", "ipython", "pypyx"] {
            assert!(!is_python(no), "{no}");
        }
    }

    #[test]
    fn splits_pipelines_and_commands() {
        let p =
            pipelines("apt-get update && apt-get install -y 'a b' | tee log; echo \"x;y\" # c\nls");
        assert_eq!(p.len(), 4);
        assert_eq!(
            p[1],
            vec![w("apt-get install -y a"), w("tee log")]
                .into_iter()
                .map(|mut c| {
                    if c[0] == "apt-get" {
                        c[3] = "a b".into();
                    }
                    c
                })
                .collect::<Vec<_>>()
        );
        assert_eq!(p[2], vec![vec!["echo".to_string(), "x;y".to_string()]]);
        assert_eq!(p[3], vec![w("ls")]);
    }

    #[test]
    fn pip_in_every_spelling() {
        for bad in [
            "pip install x",
            "pip3 --no-cache-dir install -r requirements.txt",
            "/usr/local/bin/pip3.11 install .",
            "python -m pip install x",
            "python3.11 -m pip install --upgrade pip",
            "uv pip install x",
            "sudo -H pip install x",
            "PIP_NO_CACHE_DIR=1 pip install x",
            "micromamba run -n base pip install x",
            "easy_install x",
            "pipenv install --system",
            "poetry install --no-root",
            "uv sync --frozen --no-dev",
            "uv add requests",
        ] {
            assert!(pip_install(&w(bad)).is_some(), "missed {bad}");
        }
        for good in [
            "micromamba install -y -n base -c conda-forge pip",
            "apt-get install -y python3-pip",
            "pipx run x",
            "pip --version",
            "python -m venv x",
            "conda install pip-tools",
        ] {
            assert!(pip_install(&w(good)).is_none(), "false positive {good}");
        }
    }

    #[test]
    fn mamba_install_and_clean() {
        assert!(is_mamba_install(&w(
            "micromamba install -y -n base -f /tmp/env.yml"
        )));
        assert!(is_mamba_install(&w("conda env create -f environment.yml")));
        assert!(is_mamba_install(&w("mamba create -n x python")));
        assert!(!is_mamba_install(&w("micromamba clean --all --yes")));
        assert!(is_mamba_clean_all(&w("micromamba clean --all --yes")));
        assert!(is_mamba_clean_all(&w("conda clean -afy")));
        assert!(!is_mamba_clean_all(&w("conda clean --tarballs")));
        assert!(!is_mamba_clean_all(&w("apt-get clean -a")));
    }

    #[test]
    fn sudo_build_tools_and_remote_scripts() {
        assert!(uses_sudo(&w("sudo apt-get install x")));
        assert!(uses_sudo(&w(
            "DEBIAN_FRONTEND=noninteractive sudo apt-get install x"
        )));
        assert!(!uses_sudo(&w("apt-get install -y sudo")));
        assert_eq!(
            build_tools(&w(
                "apt-get install -y --no-install-recommends build-essential libpq-dev curl"
            )),
            vec!["build-essential", "libpq-dev"]
        );
        assert_eq!(
            build_tools(&w("apk add --no-cache gcc=12.2 musl-dev")),
            vec!["gcc", "musl-dev"]
        );
        assert!(build_tools(&w("apt-get install -y curl ca-certificates")).is_empty());
        // The script a shell runs with `-c` is read as commands too.
        let nested = commands("/bin/bash -c 'source activate base && pip install --no-deps x' && micromamba run -n app sh -ec \"apt-get install -y gcc\"");
        assert!(
            nested.iter().any(|c| pip_install(c).is_some()),
            "{nested:?}"
        );
        assert!(
            nested.iter().any(|c| !build_tools(c).is_empty()),
            "{nested:?}"
        );
        assert!(commands("bash --norc script.sh").len() == 1);
        // The packages a pip install names.
        assert_eq!(
            pip_packages(&commands("micromamba run -n base python -m pip install --no-cache-dir --index-url https://download.pytorch.org/whl/cpu torch==2.2.2 'uvicorn[standard]>=0.30' -r req.txt ./wheels/x.whl .")[0]),
            ["torch", "uvicorn"]
        );
        assert!(pip_packages(&w("micromamba install -y numpy")).is_empty());
        // `--group test` names a dependency group of pyproject.toml (pip 25.1), not a package.
        assert_eq!(
            pip_packages(&commands("pip install --group test --group=lint requests")[0]),
            ["requests"]
        );
        // Nor is the value of any other option that takes one (manasp21/PsiAnimator-MCP's
        // `--timeout 300`).
        assert_eq!(
            pip_packages(&commands("pip install --timeout 300 --retries 5 --root-user-action ignore -C k=v --report r.json numpy")[0]),
            ["numpy"]
        );
        assert_eq!(runtime_of("libgl1-mesa-dev"), Some("libgl1"));
        assert_eq!(runtime_of("gcc"), None);
        // NVIDIA's packages named for a CUDA version; its runtime libraries are not tooling.
        assert_eq!(
            build_tools(&w("apt-get install -y cuda-minimal-build-11-3 libcusparse-dev-11-3 libcublas-11-3 cuda-nvcc-12-4 libcudnn8=8.2.1.32-1+cuda11.3")),
            vec!["cuda-minimal-build-11-3", "libcusparse-dev-11-3", "cuda-nvcc-12-4"]
        );
        assert!(pipes_download_to_shell(
            "curl -fsSL https://x/install.sh | sh"
        ));
        assert!(pipes_download_to_shell(
            "wget -qO- https://x | sudo bash -s --"
        ));
        assert!(pipes_download_to_shell("sh -c \"$(curl -fsSL https://x)\""));
        assert!(pipes_download_to_shell("bash <(curl -s https://x)"));
        assert!(!pipes_download_to_shell(
            "curl -fsSLo /tmp/x https://x && sha256sum -c x.sha"
        ));
        assert!(!pipes_download_to_shell(
            "curl -f http://localhost:8000/health || exit 1"
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn never_panics(s in "\\PC*") {
            for c in commands(&s) {
                let _ = pip_install(&c);
                let _ = build_tools(&c);
                let _ = is_mamba_clean_all(&c);
            }
            let _ = pipes_download_to_shell(&s);
        }
    }
}
