//! The full set of checks for a run: built-ins, the bundled packs, the project's packs and
//! plugins, with the project packs' overrides applied. Any pack problem is a configuration
//! error naming file, line and key (exit 2).

use crate::core::Settings;
use crate::core::{Check, CheckMeta, Context, Early, Outcome, Settle, Status};
use crate::packs::{self, Diag, OverrideAction, Pack, PackCheck};
use anyhow::Result;
use std::sync::Arc;

/// A check whose warn/fail results are reported at another severity (`[[override]]`).
struct Overridden {
    inner: Arc<dyn Check>,
    severity: Status,
}

impl Check for Overridden {
    fn meta(&self) -> &CheckMeta {
        self.inner.meta()
    }
    fn waits_for_server(&self) -> bool {
        self.inner.waits_for_server()
    }
    fn retries_failures(&self) -> bool {
        self.inner.retries_failures()
    }
    fn run(&self, ctx: &Context) -> Outcome {
        let mut r = self.inner.run(ctx).settle();
        if matches!(r.status, Status::Warn | Status::Fail) {
            r.status = self.severity;
        }
        Ok(r)
    }
}

/// A project pack check or plugin of a project the user has not trusted: listed, never run.
struct NotTrusted {
    meta: CheckMeta,
}

impl Check for NotTrusted {
    fn meta(&self) -> &CheckMeta {
        &self.meta
    }
    fn run(&self, _: &Context) -> Outcome {
        Err(Early::skip(
            "not trusted: review .devdoctor/ and devdoctor.toml, then run `devdoctor trust`",
        ))
    }
    fn trusted(&self) -> bool {
        false
    }
}

/// Where a pack comes from, which decides whether it runs and what it may read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    /// `checks/*.toml`, compiled in.
    Bundled,
    /// `--checks DIR`: the user chose it.
    User,
    /// `.devdoctor/checks` or `[checks] packs`: the project's own.
    Project,
}

/// The id areas of the built-in checks: a project pack cannot define a check in them, so
/// selecting `'dockerfile.*'` never runs project code.
const RESERVED: &[&str] = &[
    "mamba",
    "env",
    "docker",
    "dockerfile",
    "compose",
    "image",
    "mcp",
];

/// A config error for a project pack check that takes a reserved id.
fn reserved(def: &packs::PackCheckDef) -> Option<Diag> {
    let area = crate::core::area_of(&def.meta.id);
    RESERVED.contains(&area).then(|| Diag {
        place: def.place.clone(),
        key: "id".into(),
        message: format!(
            "check id `{}` is in the built-in area `{area}`, which packs may not use",
            def.meta.id
        ),
        hint: "give the check an id in an area of its own, e.g. `myteam.{name}`".replace(
            "{name}",
            def.meta.id.split_once('.').map_or("name", |(_, n)| n),
        ),
    })
}

/// Where a check id was first defined, for duplicate messages.
fn defined_at(check: &dyn Check) -> String {
    check.meta().origin.to_string()
}

/// Every check available for this project (built-in first, then packs and plugins).
pub(crate) fn load(settings: &Settings) -> Result<Vec<Arc<dyn Check>>> {
    let mut checks = crate::checks::builtin();
    let mut diags: Vec<Diag> = Vec::new();
    // Each pack with where it comes from: bundled and --checks packs always run, the
    // project's own only once the user trusts the project.
    let mut loaded: Vec<(Pack, Source)> = Vec::new();
    for pack in packs::bundled() {
        match pack {
            Ok(p) => loaded.push((p, Source::Bundled)),
            Err(d) => diags.extend(d),
        }
    }
    for path in packs::project_files(settings)? {
        let chosen_by_user = settings.user_pack_dirs.iter().any(|d| path.starts_with(d));
        match packs::load_file(settings, &path)? {
            Ok(p) if chosen_by_user => loaded.push((p, Source::User)),
            Ok(p) => loaded.push((p, Source::Project)),
            Err(d) => diags.extend(d),
        }
    }
    let mut overrides = Vec::new();
    for (pack, source) in loaded {
        if source != Source::Bundled {
            overrides.extend(pack.overrides);
        }
        for def in pack.checks {
            if source != Source::Bundled {
                if let Some(d) = reserved(&def) {
                    diags.push(d);
                    continue;
                }
            }
            if let Some(first) = checks.iter().find(|c| c.meta().id == def.meta.id) {
                diags.push(Diag {
                    place: def.place.clone(),
                    key: "id".into(),
                    message: format!(
                        "duplicate check id `{}`; already defined by {}",
                        def.meta.id,
                        defined_at(first.as_ref())
                    ),
                    hint: "every check id must be unique: rename this check, or use [[override]] to change an existing check's severity".into(),
                });
                continue;
            }
            checks.push(match source {
                Source::Bundled | Source::User => Arc::new(PackCheck::new(def)),
                Source::Project if settings.trusted => Arc::new(PackCheck::project(def)),
                Source::Project => Arc::new(NotTrusted { meta: def.meta }),
            });
        }
    }
    for plugin in crate::plugins::discover(settings) {
        if settings.trusted {
            checks.push(plugin);
        } else {
            let meta = plugin.meta().clone();
            checks.push(Arc::new(NotTrusted { meta }));
        }
    }

    for (i, ov) in overrides.iter().enumerate() {
        if let Some(prev) = overrides[..i].iter().find(|p| p.id == ov.id) {
            diags.push(Diag {
                place: ov.place.clone(),
                key: "override.id".into(),
                message: format!("`{}` is already overridden at {}", ov.id, prev.place),
                hint: "keep one [[override]] per check".into(),
            });
            continue;
        }
        let Some(pos) = checks.iter().position(|c| c.meta().id == ov.id) else {
            let hint = match closest_id(&ov.id, &checks) {
                Some(near) => format!("did you mean `{near}`? `devdoctor list` shows every id"),
                None => "`devdoctor list` shows every id".to_string(),
            };
            diags.push(Diag {
                place: ov.place.clone(),
                key: "override.id".into(),
                message: format!("no check `{}` to override", ov.id),
                hint,
            });
            continue;
        };
        match ov.action {
            OverrideAction::Disable => {
                checks.remove(pos);
            }
            OverrideAction::Severity(severity) => {
                let inner = checks[pos].clone();
                checks[pos] = Arc::new(Overridden { inner, severity });
            }
        }
    }
    if !diags.is_empty() {
        return Err(packs::diags_error(&diags));
    }
    Ok(checks)
}

/// The closest known id to `id`, for "did you mean".
pub(crate) fn closest_id<'a>(id: &str, checks: &'a [Arc<dyn Check>]) -> Option<&'a str> {
    checks
        .iter()
        .map(|c| c.meta().id.as_str())
        .map(|known| (strsim::jaro_winkler(id, known), known))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
