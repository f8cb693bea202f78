//! External checks that follow the Nagios plugin convention: executables in
//! `.devdoctor/plugins/` and configured paths, each run as check `plugin.<file name>`.
//! Exit 0/1/2/3 = ok/warn/fail/unknown; the first stdout line is the summary, later lines are
//! details, and `|` starts performance data (kept in JSON as `data.perfdata`). A plugin that is
//! not executable, hangs or exits with another code is reported unknown, never fatal.

use crate::core::Settings;
use crate::core::{Check, CheckMeta, CheckResult, Context, Early, Origin, Outcome, Status};
use serde_json::{json, Value};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::PROJECT_PLUGIN_DIR;

/// An external plugin as a check.
pub(crate) struct Plugin {
    meta: CheckMeta,
    path: PathBuf,
    /// Set when another plugin already has this file name: reported instead of running.
    shadowed_by: Option<PathBuf>,
}

/// Files in a plugin directory that are documentation or editor leftovers, not plugins.
fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with("README")
        || [".md", ".txt", ".rst", ".orig", ".bak", ".swp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// The plugin files: `.devdoctor/plugins/*`, then each configured path in order (a
/// directory's files sorted by name, or the file itself). A configured path that does not
/// exist is kept, so that it is reported. `.devdoctor/plugins`, or a file in it, that leads
/// outside the project through a link the user has not trusted is neither listed nor run (see
/// [`crate::disk::confined`]; the configured paths are the trust gate's: an untrusted
/// project's that lie outside are dropped before this).
pub(crate) fn plugin_files(settings: &Settings) -> Vec<PathBuf> {
    let default = settings.project_dir.join(PROJECT_PLUGIN_DIR);
    let withheld =
        |p: &std::path::Path| p.starts_with(&default) && crate::disk::confined(p).is_err();
    let mut files: Vec<PathBuf> = Vec::new();
    for source in std::iter::once(&default).chain(&settings.plugin_paths) {
        if withheld(source) {
            continue;
        }
        if source.is_dir() {
            let Ok(rd) = std::fs::read_dir(source) else {
                continue;
            };
            let mut here: Vec<PathBuf> = rd
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_str().is_some_and(|n| !ignored(n)))
                .map(|e| e.path())
                .filter(|p| p.is_file() && !withheld(p))
                .collect();
            here.sort();
            files.extend(here);
        } else if *source != default {
            files.push(source.clone());
        }
    }
    let mut unique = Vec::new();
    for f in files {
        if !unique.contains(&f) {
            unique.push(f);
        }
    }
    unique
}

/// One check per plugin file.
pub(crate) fn discover(settings: &Settings) -> Vec<Arc<dyn Check>> {
    let mut seen: Vec<(String, PathBuf)> = Vec::new();
    let mut checks: Vec<Arc<dyn Check>> = Vec::new();
    for path in plugin_files(settings) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut id = format!("plugin.{name}");
        let mut shadowed_by = None;
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
            shadowed_by = Some(first.clone());
            let n = seen.iter().filter(|(n, _)| *n == name).count() + 1;
            id = format!("plugin.{name}~{n}");
        }
        seen.push((name.clone(), path.clone()));
        let shown = settings.display_path(&path);
        checks.push(Arc::new(Plugin {
            meta: CheckMeta {
                id,
                category: "plugin".into(),
                title: format!("Plugin {name}"),
                can_fix: false,
                explain: format!(
                    "Runs the external plugin {shown} (no arguments, in the project directory, \
bounded by --timeout and the output cap) and reads its answer by the Nagios plugin convention: \
exit 0/1/2/3 means ok/warn/fail/unknown, the first line of output is the summary, later lines \
are details, and text after `|` is performance data (`label=value[UOM];warn;crit;min;max`), \
kept in the JSON report as data.perfdata. Ask the plugin's author what it checks."
                ),
                origin: Origin::Plugin(PathBuf::from(&shown)),
            },
            path,
            shadowed_by,
        }));
    }
    checks
}

impl Check for Plugin {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }

    fn run(&self, ctx: &Context) -> Outcome {
        let shown = ctx.settings.display_path(&self.path);
        self.runnable(ctx, &shown)?;
        let out = match crate::exec::Cmd::new(&self.path)
            .cwd(&ctx.settings.project_dir)
            .env_exact(ctx.vars())
            .timeout(ctx.settings.timeout.mul_f64(0.9))
            .run()
        {
            Ok(o) => o,
            Err(e) => {
                return Err(
                    Early::unknown(format!("plugin {shown} could not be started: {e:#}"))
                        .detail("a script needs a #! line naming an interpreter that exists"),
                )
            }
        };
        let stdout = out.stdout_text();
        let parsed = parse_output(&stdout);
        let mut data = serde_json::Map::new();
        data.insert("exit_code".into(), json!(out.code));
        if !parsed.perfdata.is_empty() {
            data.insert("perfdata".into(), Value::Array(parsed.perfdata.clone()));
        }
        if !parsed.perfdata_errors.is_empty() {
            data.insert("perfdata_errors".into(), json!(parsed.perfdata_errors));
        }
        let stderr_tail: Vec<String> = out
            .stderr_text()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(5)
            .map(|l| format!("stderr: {}", l.chars().take(200).collect::<String>()))
            .collect();
        let status = if out.timed_out {
            None
        } else {
            match out.code {
                Some(0) => Some(Status::Ok),
                Some(1) => Some(Status::Warn),
                Some(2) => Some(Status::Fail),
                Some(3) => Some(Status::Unknown),
                _ => None,
            }
        };
        let mut r = match status {
            Some(st) => {
                let summary = if parsed.summary.is_empty() {
                    format!("plugin printed no summary ({})", out.describe_end())
                } else {
                    parsed.summary.clone()
                };
                let mut r = CheckResult::new(st, summary).details(parsed.details.clone());
                if st == Status::Unknown {
                    r = r.details(stderr_tail);
                }
                r
            }
            None if out.timed_out => {
                CheckResult::unknown(format!("plugin {shown} {}", out.describe_end()))
                    .detail("raise the limit with --timeout SECS if the plugin is just slow")
            }
            None => {
                let end = out.describe_end();
                let mut r = CheckResult::unknown(format!(
                    "plugin {shown} {end}, outside the Nagios range 0-3"
                ));
                if !parsed.summary.is_empty() {
                    r = r.detail(format!("it said: {}", parsed.summary));
                }
                r.details(stderr_tail)
            }
        };
        if out.truncated {
            r = r.detail("output was cut at the output cap");
        }
        r.data = data;
        Ok(r)
    }
}

impl Plugin {
    /// The preconditions of running the plugin: the only one of its name, a readable,
    /// executable file.
    fn runnable(&self, ctx: &Context, shown: &str) -> Result<(), Early> {
        if let Some(first) = &self.shadowed_by {
            return Err(Early::unknown(format!(
                "another plugin with this file name already runs: {}",
                ctx.settings.display_path(first)
            ))
            .detail("rename one of the two files so each plugin has its own id"));
        }
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) => {
                return Err(
                    Early::unknown(format!("plugin {shown} cannot be read: {e}"))
                        .detail("check the path in [checks] plugins"),
                )
            }
        };
        if !meta.is_file() {
            return Err(Early::unknown(format!("plugin {shown} is not a file")));
        }
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(
                Early::unknown(format!("plugin {shown} is not executable")).detail(format!(
                    "make it executable: chmod +x {}",
                    crate::fix::quote(shown)
                )),
            );
        }
        Ok(())
    }
}

/// A plugin's stdout, split by the Nagios convention.
#[derive(Debug, Default, PartialEq)]
pub struct PluginOutput {
    pub summary: String,
    pub details: Vec<String>,
    pub perfdata: Vec<Value>,
    pub perfdata_errors: Vec<String>,
}

/// First line = summary (`|` starts perfdata); later lines = long output, where the first `|`
/// starts more perfdata that runs to the end of the output.
pub fn parse_output(stdout: &str) -> PluginOutput {
    let mut lines = stdout.lines();
    let first = lines.next().unwrap_or_default();
    let (summary, mut perf) = match first.split_once('|') {
        Some((s, p)) => (s.trim().to_string(), p.trim().to_string()),
        None => (first.trim().to_string(), String::new()),
    };
    let mut details = Vec::new();
    let mut in_perf = false;
    for line in lines {
        if in_perf {
            perf.push(' ');
            perf.push_str(line.trim());
            continue;
        }
        match line.split_once('|') {
            Some((text, p)) => {
                if !text.trim().is_empty() {
                    details.push(text.trim_end().to_string());
                }
                perf.push(' ');
                perf.push_str(p.trim());
                in_perf = true;
            }
            None => details.push(line.trim_end().to_string()),
        }
    }
    while details.last().is_some_and(|l| l.trim().is_empty()) {
        details.pop();
    }
    let (perfdata, perfdata_errors) = parse_perfdata(&perf);
    PluginOutput {
        summary,
        details,
        perfdata,
        perfdata_errors,
    }
}

/// Splits perfdata into items; labels may be single-quoted (with `''` for a quote).
fn split_items(perf: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut chars = perf.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                cur.push('\'');
                chars.next();
            }
            '\'' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    items.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        items.push(cur);
    }
    items
}

fn number(s: &str) -> Option<Value> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
}

/// Parses `label=value[UOM][;warn[;crit[;min[;max]]]]` items. Bad items are returned as
/// errors, never a panic. warn/crit stay strings (they are range expressions).
pub fn parse_perfdata(perf: &str) -> (Vec<Value>, Vec<String>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for item in split_items(perf) {
        let Some((label, rest)) = item.rsplit_once('=') else {
            bad.push(item);
            continue;
        };
        let mut fields = rest.split(';');
        let raw_value = fields.next().unwrap_or_default();
        let split = raw_value
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+')))
            .unwrap_or(raw_value.len());
        let (num, uom) = raw_value.split_at(split);
        let value = if raw_value == "U" {
            Some(Value::Null)
        } else {
            number(num)
        };
        let Some(value) = value.filter(|_| !label.is_empty()) else {
            bad.push(item.clone());
            continue;
        };
        let opt = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        let warn = opt(fields.next());
        let crit = opt(fields.next());
        let min = fields.next().and_then(number);
        let max = fields.next().and_then(number);
        let mut obj = serde_json::Map::new();
        obj.insert("label".into(), json!(label));
        obj.insert("value".into(), value);
        if raw_value != "U" && !uom.is_empty() {
            obj.insert("uom".into(), json!(uom));
        }
        for (k, v) in [
            ("warn", warn.map(Value::from)),
            ("crit", crit.map(Value::from)),
            ("min", min),
            ("max", max),
        ] {
            if let Some(v) = v {
                obj.insert(k.into(), v);
            }
        }
        ok.push(Value::Object(obj));
    }
    (ok, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_split_by_convention() {
        let out = parse_output(
            "DISK OK - free space: / 3326 MB (56%) | /=2643MB;5948;5958;0;5968\n/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%) | /boot=68MB;88;93;0;98\n/home=69357MB;253404;253409;0;253414\n",
        );
        assert_eq!(out.summary, "DISK OK - free space: / 3326 MB (56%)");
        assert_eq!(
            out.details,
            [
                "/ 15272 MB (77%);",
                "/boot 68 MB (69%);",
                "/home 69357 MB (27%)"
            ]
        );
        assert_eq!(out.perfdata.len(), 3);
        assert_eq!(out.perfdata[0]["label"], "/");
        assert_eq!(out.perfdata[0]["value"], 2643.0);
        assert_eq!(out.perfdata[0]["uom"], "MB");
        assert_eq!(out.perfdata[0]["warn"], "5948");
        assert_eq!(out.perfdata[0]["max"], 5968.0);
        assert_eq!(out.perfdata[2]["label"], "/home");
        assert!(out.perfdata_errors.is_empty());
    }

    #[test]
    fn quoted_labels_ranges_and_garbage() {
        let (ok, bad) =
            parse_perfdata("'in use'=12% 'it''s'=1c time=0.5s;@1:2;~:3 U=U junk =3 x=abc");
        assert_eq!(ok[0]["label"], "in use");
        assert_eq!(ok[0]["uom"], "%");
        assert_eq!(ok[1]["label"], "it's");
        assert_eq!(ok[2]["warn"], "@1:2");
        assert_eq!(ok[2]["crit"], "~:3");
        assert_eq!(ok[3]["value"], Value::Null);
        assert_eq!(bad, ["junk", "=3", "x=abc"]);
    }

    #[test]
    fn never_panics_on_odd_output() {
        for s in [
            "",
            "|",
            "||||",
            "\n\n|",
            "a|b=1;;;;;;;",
            "é|'unterminated=1",
            "\u{0}|=\u{0}",
        ] {
            let _ = parse_output(s);
        }
    }

    #[test]
    fn ignores_docs_and_dotfiles() {
        for n in [".hidden", "README", "README.md", "notes.txt", "x~", "a.swp"] {
            assert!(ignored(n), "{n}");
        }
        assert!(!ignored("check_disk"));
        assert!(!ignored("disk.sh"));
    }
}
