//! Whether a Python script of the project that an image starts serves anything: read as
//! text (never run), with the project's own modules it imports, one level deep.

use crate::core::Context;
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// The most read of one file.
const MAX_BYTES: u64 = 256 * 1024;

/// What marks a server: a web or RPC framework, an MCP SDK, or a call that listens.
static SERVES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?m)^[ \t]*(?:from|import)[ \t]+(?:uvicorn|gunicorn|hypercorn|flask|fastapi|starlette|aiohttp|tornado|sanic|bottle|django|falcon|quart|litestar|http\.server|socketserver|wsgiref|grpc|gradio|streamlit|dash|panel|bokeh|mcp|fastmcp|websockets|twisted|cherrypy|waitress|prometheus_client)\b|\bserve_forever\(|\.serve\(|\.run_server\(|\.listen\(|\bapp\.run\(",
    )
    .expect("static regex")
});

/// `import a.b` / `from a.b import c` at the start of a line: the top module path (`a.b`).
static IMPORTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import|import[ \t]+([\w.]+))")
        .expect("static regex")
});

fn read(path: &Path) -> Option<String> {
    crate::disk::read_capped(path, MAX_BYTES, "not a project file")
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Whether the project's script that the image starts as `started` (its path in the image:
/// `/app/worker/main.py`) serves: `Some(false)` when it and every module of the project it
/// imports (`from worker.job import …` → worker/job.py) name no server library or listening
/// call; `None` when no one project file is that script (none, or several that match
/// equally), or it cannot be read.
pub(crate) fn script_serves(ctx: &Context, started: &str) -> Option<bool> {
    let files = crate::probes::files::project_files(ctx);
    let parts: Vec<&str> = started.split('/').filter(|p| !p.is_empty()).collect();
    let (mut best, mut tied, mut found) = (0, false, None::<&PathBuf>);
    for f in &files.python {
        let matched = f
            .components()
            .rev()
            .zip(parts.iter().rev())
            .take_while(|(c, p)| c.as_os_str() == **p)
            .count();
        if matched > best {
            (best, tied, found) = (matched, false, Some(f));
        } else if matched == best && matched > 0 {
            tied = true;
        }
    }
    let script = found.filter(|_| !tied)?;
    let text = read(script)?;
    if SERVES.is_match(&text) {
        return Some(true);
    }
    let root = &ctx.settings.project_dir;
    let local = IMPORTS
        .captures_iter(&text)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().replace('.', "/"))
        .flat_map(|module| {
            let dir = script.parent().unwrap_or(root).to_path_buf();
            [root.clone(), dir].into_iter().flat_map(move |base| {
                [
                    base.join(format!("{module}.py")),
                    base.join(&module).join("__init__.py"),
                ]
            })
        })
        .filter(|p| files.python.contains(p));
    for module in local.take(20) {
        if read(&module).is_some_and(|t| SERVES.is_match(&t)) {
            return Some(true);
        }
    }
    Some(false)
}

/// Whether `script` (a project file in a subfolder) imports a module that only the project's
/// root holds (`from core.settings import PORT` in gateway/server.py, with core/ at the root).
/// `python gateway/server.py` puts gateway/ on `sys.path`, not the root, so that import
/// fails; `python -m gateway.server` from the root finds it.
pub(crate) fn imports_from_root(ctx: &Context, script: &Path) -> bool {
    let root = &ctx.settings.project_dir;
    let Some(dir) = script.parent().filter(|d| *d != root.as_path()) else {
        return false;
    };
    let Some(text) = read(script) else {
        return false;
    };
    let files = crate::probes::files::project_files(ctx);
    let holds = |base: &Path, top: &str| {
        files
            .python
            .iter()
            .any(|f| *f == base.join(format!("{top}.py")) || f.starts_with(base.join(top)))
    };
    IMPORTS
        .captures_iter(&text)
        .filter_map(|c| c.get(1).or_else(|| c.get(2)))
        .filter_map(|m| m.as_str().split('.').next().filter(|t| !t.is_empty()))
        .any(|top| holds(root, top) && !holds(dir, top))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;

    /// A worker's loop and the project's modules it imports name no server; a module that
    /// imports a web framework does; a script not found, or found twice, is not known.
    #[test]
    fn a_script_serves_where_it_or_its_modules_name_a_server() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().to_path_buf();
        let write = |rel: &str, text: &str| {
            let f = p.join(rel);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, text).unwrap();
        };
        write(
            "worker/main.py",
            "import asyncio\nfrom shared.database import Mongo\nfrom worker.job import Job\nasyncio.run(Job().loop())\n",
        );
        write(
            "worker/job.py",
            "class Job:\n    async def loop(self): ...\n",
        );
        write("shared/database.py", "import pymongo\n");
        write(
            "gateway/main.py",
            "from gateway.app import app\nimport sys\n",
        );
        write(
            "gateway/app.py",
            "from fastapi import FastAPI\napp = FastAPI()\n",
        );
        write("a/run.py", "print(1)\n");
        write("b/run.py", "print(2)\n");
        let ctx = Context::new(Settings {
            project_dir: p.clone(),
            ..Settings::default()
        });
        assert_eq!(script_serves(&ctx, "/app/worker/main.py"), Some(false));
        assert_eq!(script_serves(&ctx, "gateway/main.py"), Some(true));
        assert_eq!(script_serves(&ctx, "/srv/run.py"), None);
        assert_eq!(script_serves(&ctx, "missing.py"), None);
        // worker/main.py imports `shared`, which only the root holds; gateway/main.py's
        // `gateway.app` is the root's too, and `worker.job` resolves from the root alike.
        assert!(imports_from_root(&ctx, &p.join("worker/main.py")));
        assert!(imports_from_root(&ctx, &p.join("gateway/main.py")));
        // A script whose imports its own folder holds, or one at the root, needs nothing.
        write(
            "tools/run.py",
            "from helpers import x
",
        );
        write(
            "tools/helpers.py",
            "x = 1
",
        );
        write(
            "helpers.py",
            "x = 2
",
        );
        let ctx = Context::new(Settings {
            project_dir: p.clone(),
            ..Settings::default()
        });
        assert!(!imports_from_root(&ctx, &p.join("tools/run.py")));
        assert!(!imports_from_root(&ctx, &p.join("helpers.py")));
    }
}
