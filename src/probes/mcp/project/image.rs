//! Which Dockerfile's image starts the project's MCP server, and what the container gets at
//! start (the image's ENV, compose's `environment:` and `command:`): read from the files,
//! for `mcp.container_bind`.

use super::{shown, skip_run_options, Code};
use crate::core::Context;
use crate::probes::{compose, dockerfile};
use std::path::Path;

/// A Dockerfile whose image starts the project's server script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageStart {
    /// The Dockerfile, as the report shows it.
    pub(crate) dockerfile: String,
    /// The line of the CMD or ENTRYPOINT that starts the script.
    pub(crate) line: usize,
    /// The script, as the project shows it ("src/server.py").
    pub(crate) script: String,
    /// The start command's words, from the program on (`python …`, `uvicorn …`).
    pub(crate) argv: Vec<String>,
    /// The image starts uvicorn with the server's app (`uvicorn server:app`): its `--host`
    /// decides, not the code.
    pub(crate) uvicorn: bool,
    /// The image serves the server with fastmcp's CLI (`fastmcp run server.py`), whose
    /// `--host` takes the address.
    pub(crate) fastmcp_cli: bool,
    /// The image's environment variables that name an address (`…HOST`): name, value and
    /// where it is set ("Dockerfile:18").
    pub(crate) env: Vec<(String, String, String)>,
    /// What the compose services that run the image set, which wins over the image's.
    pub(crate) compose: ComposeRun,
}

/// Whether an environment variable names an address (`MCP_HOST`, `UVICORN_HOST`): the only
/// ones kept, so that no other value (a password) is held or shown.
fn names_a_host(name: &str) -> bool {
    name.ends_with("HOST")
}

/// What compose services running an image give its container at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ComposeRun {
    /// `environment:` entries that name an address (`…HOST`): name, value (`None`: passed on
    /// from the shell or `.env`) and where ("compose.yaml:12").
    pub(crate) env: Vec<(String, Option<String>, String)>,
    /// Some service reads an `env_file:`, which may set anything.
    pub(crate) env_file: bool,
    /// `--host` in a service's `command:`, and where.
    pub(crate) host_flag: Option<(String, String)>,
}

/// The Dockerfile whose image starts the server: its script (`CMD ["python",
/// "/app/src/server.py"]` for src/server.py, `python -m src.server`, through `micromamba run -n
/// ENV`, `uv run` or a shell chain), or uvicorn with the app of the server's HTTP transport
/// (`uvicorn src.server:app`). A script's path in the image is matched to the project's by its
/// last components: the image holds a COPY of the project, under its WORKDIR.
pub(super) fn image_start(ctx: &Context, code: &Code) -> Option<ImageStart> {
    // The server's script: the one with `if __name__ == "__main__"` and a run, else the file
    // of its HTTP transport (a script that runs uvicorn at module level).
    let app = code
        .http
        .as_ref()
        .and_then(|(_, at)| at.rsplit_once(':'))
        .map(|(file, _)| file.to_string());
    let main = code
        .main
        .as_ref()
        .map(|p| shown(ctx, p))
        .or_else(|| app.clone());
    let facts = dockerfile::dockerfiles(ctx);
    facts.files.iter().find_map(|df| {
        let all = through_script(ctx, df.start_words());
        let words = command_words(&all);
        let (script, argv, uvicorn) = match uvicorn_argv(words) {
            Some(argv) => {
                let modules = app_modules(&argv)?;
                let file = [&app, &main]
                    .into_iter()
                    .flatten()
                    .find(|f| parts(f).is_some_and(|p| modules.iter().any(|m| p.ends_with(m))))?;
                (file.clone(), argv, true)
            }
            // fastmcp's CLI imports the file's server and runs it itself.
            None if fastmcp_cli_at(words).is_some() => {
                let file = fastmcp_cli_file(words)?;
                let target = [&main, &app].into_iter().flatten().find(|m| {
                    parts(m).is_some_and(|m| {
                        parts(file).is_some_and(|f| m.ends_with(&f) || f.ends_with(&m))
                    })
                })?;
                (target.clone(), words.to_vec(), false)
            }
            None => {
                let main = main.as_ref()?;
                match python_argv(words) {
                    Some(argv) => {
                        starts_script(&argv, main).then(|| (main.clone(), argv, false))?
                    }
                    // A console script of the project's (`my-server`, `uv run my-server`):
                    // its entry point's module is the script it starts.
                    None => {
                        let module = console_script_module(ctx, words.first()?)?;
                        let as_module = ["python", "-m", &module].map(String::from);
                        starts_script(&as_module, main)
                            .then(|| (main.clone(), words.to_vec(), false))?
                    }
                }
            }
        };
        let line = start_line(df)?;
        Some(ImageStart {
            dockerfile: df.display.clone(),
            line,
            script,
            fastmcp_cli: fastmcp_cli_at(&argv).is_some(),
            argv,
            uvicorn,
            env: df
                .final_env()
                .into_iter()
                .filter(|(n, _, _)| names_a_host(n))
                .map(|(n, v, l)| (n, v, format!("{}:{l}", df.display)))
                .collect(),
            compose: compose_run(ctx, &df.path),
        })
    })
}

/// Where a start command runs fastmcp's CLI (`fastmcp run …`, `python -m fastmcp run …`,
/// `uv run fastmcp run …`): the index of its `fastmcp` word.
pub(super) fn fastmcp_cli_at(words: &[String]) -> Option<usize> {
    words
        .windows(2)
        .position(|w| w[0].rsplit('/').next() == Some("fastmcp") && w[1] == "run")
}

/// The file fastmcp's CLI serves (`fastmcp run server.py …`, `python -m fastmcp run
/// src/server.py:mcp`), from the words of a start command.
fn fastmcp_cli_file(words: &[String]) -> Option<&str> {
    let at = fastmcp_cli_at(words)?;
    let spec = words.get(at + 2).filter(|w| !w.starts_with('-'))?;
    let file = spec.split(':').next()?;
    file.ends_with(".py").then_some(file)
}

/// The module of the project's console script `program` (`[project.scripts]` or Poetry's
/// `[tool.poetry.scripts]` in pyproject.toml: `my-server = "pkg.server:main"` gives
/// `pkg.server`), matched by the program's file name.
fn console_script_module(ctx: &Context, program: &str) -> Option<String> {
    let name = program.rsplit('/').next()?;
    let path = ctx.settings.project_dir.join("pyproject.toml");
    let bytes =
        crate::disk::read_capped(&path, super::MAX_SOURCE_BYTES, "not a project file").ok()?;
    let doc = String::from_utf8_lossy(&bytes)
        .parse::<toml::Table>()
        .ok()?;
    let pep621 = doc.get("project").and_then(|p| p.get("scripts"));
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.get("scripts"));
    let target = [pep621, poetry]
        .into_iter()
        .flatten()
        .find_map(|scripts| scripts.get(name)?.as_str())?;
    let module = target.split(':').next()?.trim();
    (!module.is_empty()).then(|| module.to_string())
}

/// The start command of an image that starts through a shell script of the project's
/// (`ENTRYPOINT ["/app/entrypoint.sh"]`, `CMD ["bash", "start.sh"]`), matched by its file
/// name: the command the script hands over to (`exec "$@"`: the words after the script), else
/// its last line that runs Python or uvicorn. The start words as they are otherwise. The
/// script is read as text, never run.
fn through_script(ctx: &Context, words: Vec<String>) -> Vec<String> {
    let at = match words.first().map(|w| w.rsplit('/').next().unwrap_or(w)) {
        Some("sh" | "bash" | "dash") => 1,
        _ => 0,
    };
    let Some(name) = words
        .get(at)
        .filter(|w| w.ends_with(".sh"))
        .map(|w| w.rsplit('/').next().unwrap_or(w))
    else {
        return words;
    };
    let found = crate::probes::files::project_files(ctx);
    let text = found
        .scripts
        .iter()
        .find(|p| p.file_name().is_some_and(|n| n == name))
        .and_then(|p| crate::disk::read_head(p, crate::probes::files::SCRIPT_BYTES).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let Some(text) = text else {
        return words;
    };
    let args = &words[at + 1..];
    if !args.is_empty() && text.contains("\"$@\"") {
        return args.to_vec();
    }
    let runs = |w: &Vec<String>| {
        let c = command_words(w);
        python_argv(c).is_some() || uvicorn_argv(c).is_some()
    };
    text.lines()
        .rev()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(shlex::split)
        .find(runs)
        .unwrap_or(words)
}

/// Whether the `python …` command runs `main` (the project's path of the server's script).
fn starts_script(argv: &[String], main: &str) -> bool {
    let (Some(started), Some(main_parts)) = (started_script(argv), parts(main)) else {
        return false;
    };
    let module = argv.iter().any(|w| w == "-m");
    // `python -m pkg` runs pkg/__main__.py, which hands over to the package's server
    // script (pkg/cli.py): a script inside the package the image runs is the one started.
    let in_package = |package: &[String]| {
        main_parts
            .split_last()
            .is_some_and(|(_, dir)| dir.ends_with(package))
    };
    // A file started by its path is the server's script when the names agree: COPY puts the
    // project's folders anywhere in the image (`COPY src/ /app/` starts src/server.py as
    // /app/server.py), and only one script runs the server.
    started.iter().any(|s| {
        s.ends_with(&main_parts)
            || main_parts.ends_with(s)
            || (!module && s.last() == main_parts.last())
            || (s.last().is_some_and(|f| f == "__main__.py") && in_package(&s[..s.len() - 1]))
    })
}

/// The words of the command that runs last: past a shell chain (`. conda.sh && conda
/// activate && python /app/server.py`), an `exec`, and a `micromamba run -n ENV` / `conda
/// run` / `uv run` / `poetry run` wrapper.
fn command_words(words: &[String]) -> &[String] {
    let last = words
        .iter()
        .rposition(|w| matches!(w.as_str(), "&&" | "||" | ";"))
        .map_or(0, |i| i + 1);
    let mut rest = &words[last..];
    if rest.first().is_some_and(|w| w == "exec") {
        rest = &rest[1..];
    }
    if let Some(i) = rest.iter().position(|a| a == "run") {
        let wrapper = rest[..i].iter().any(|a| {
            let name = a.rsplit('/').next().unwrap_or(a);
            name.ends_with("mamba") || name.ends_with("conda") || matches!(name, "uv" | "poetry")
        });
        if wrapper {
            let after = &rest[i + 1..];
            rest = &after[skip_run_options(after)..];
        }
    }
    rest
}

/// The words from the Python interpreter on (`uv run server.py` runs the file with Python);
/// `None` when the command is not Python's.
fn python_argv(words: &[String]) -> Option<Vec<String>> {
    let first = words.first()?;
    if first.ends_with(".py") {
        return Some(
            std::iter::once("python".to_string())
                .chain(words.iter().cloned())
                .collect(),
        );
    }
    let program = first.rsplit('/').next()?;
    program.starts_with("python").then(|| words.to_vec())
}

/// The words from uvicorn on, for `uvicorn …` and `python -m uvicorn …`.
fn uvicorn_argv(words: &[String]) -> Option<Vec<String>> {
    let program = words.first()?.rsplit('/').next()?;
    if program == "uvicorn" {
        return Some(words.to_vec());
    }
    let rest = words.get(1..)?;
    (program.starts_with("python") && rest.first()? == "-m" && rest.get(1)? == "uvicorn")
        .then(|| rest[1..].to_vec())
}

/// The files an app spec names (`src.server:app` → src/server.py or src/server/__init__.py).
fn app_modules(argv: &[String]) -> Option<Vec<Vec<String>>> {
    let spec = argv.iter().skip(1).find(|w| {
        !w.starts_with('-')
            && w.split_once(':').is_some_and(|(m, a)| {
                !m.is_empty()
                    && !a.is_empty()
                    && m.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            })
    })?;
    let module: Vec<String> = spec
        .split_once(':')?
        .0
        .split('.')
        .map(str::to_string)
        .collect();
    let mut file = module.clone();
    let last = file.pop()?;
    file.push(format!("{last}.py"));
    let mut package = module;
    package.push("__init__.py".into());
    Some(vec![file, package])
}

/// What the compose services that run the image built from `dockerfile` set at start.
fn compose_run(ctx: &Context, dockerfile: &Path) -> ComposeRun {
    let facts = compose::compose(ctx);
    let mut run = ComposeRun::default();
    for s in facts
        .services
        .iter()
        .filter(|s| s.image_dockerfile() == Some(dockerfile))
    {
        let at = |line: usize| {
            let (file, line) = s.locate(line);
            format!("{file}:{line}")
        };
        for v in s.environment.iter().filter(|v| names_a_host(&v.name)) {
            run.env.push((v.name.clone(), v.value.clone(), at(v.line)));
        }
        run.env_file |= !s.env_files.is_empty();
        if run.host_flag.is_none() {
            run.host_flag = s
                .command_flags
                .iter()
                .flatten()
                .find(|f| f.name == "host")
                .and_then(|f| Some((f.value.clone()?, at(f.line))));
        }
    }
    run
}

/// A path's plain components, `None` for one that climbs (`..`).
fn parts(path: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for c in Path::new(path).components() {
        match c {
            std::path::Component::Normal(n) => out.push(n.to_string_lossy().into_owned()),
            std::path::Component::ParentDir => return None,
            _ => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The script a `python …` command runs, as candidate paths: the file, or for `-m pkg.mod`
/// both `pkg/mod.py` and `pkg/mod/__main__.py`.
fn started_script(argv: &[String]) -> Option<Vec<Vec<String>>> {
    let mut words = argv.iter().skip(1);
    loop {
        let w = words.next()?;
        if w == "-m" {
            let module: Vec<String> = words.next()?.split('.').map(str::to_string).collect();
            let mut file = module.clone();
            let last = file.pop()?;
            file.push(format!("{last}.py"));
            let mut package = module;
            package.push("__main__.py".into());
            return Some(vec![file, package]);
        }
        if !w.starts_with('-') {
            return w
                .ends_with(".py")
                .then(|| parts(w))
                .flatten()
                .map(|p| vec![p]);
        }
    }
}

/// The line of the final image's last CMD or ENTRYPOINT (the final stage or a stage it is
/// built on).
pub(super) fn start_line(df: &dockerfile::Dockerfile) -> Option<usize> {
    let last = df.stages.len().checked_sub(1)?;
    df.lineage(last).iter().find_map(|stage| {
        stage
            .body(df)
            .iter()
            .rev()
            .find(|i| i.keyword == "CMD" || i.keyword == "ENTRYPOINT")
            .map(|i| i.line)
    })
}
