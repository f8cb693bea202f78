//! A pip `requirements.txt` turned into a proposed environment.yml: names mapped to their
//! conda-forge spelling where they differ, version operators kept (conda understands `==`,
//! `>=`, `<`, `!=`, `~=`), and what cannot be mapped left in a `pip:` block.

use super::envfile::normalize_dist_name;

/// PyPI names whose conda-forge package is spelt differently (the common cases).
const RENAMES: &[(&str, &str)] = &[
    ("torch", "pytorch"),
    ("opencv-python", "opencv"),
    ("opencv-python-headless", "opencv"),
    ("opencv-contrib-python", "opencv"),
    ("psycopg2-binary", "psycopg2"),
    ("psycopg-binary", "psycopg"),
    ("tables", "pytables"),
    ("msgpack", "msgpack-python"),
    ("tensorflow-gpu", "tensorflow"),
    ("docker", "docker-py"),
    ("graphviz", "python-graphviz"),
    ("ruamel-yaml", "ruamel.yaml"),
    // conda-forge's `redis` is an old client under the `broken` label; the client is redis-py.
    ("redis", "redis-py"),
];

/// The conda-forge name of the PyPI distribution `pypi` (normalized) where it is spelt
/// otherwise there.
pub(crate) fn conda_forge_name(pypi: &str) -> Option<&'static str> {
    RENAMES
        .iter()
        .find(|(from, _)| *from == pypi)
        .map(|(_, conda)| *conda)
}

/// One converted line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Converted {
    /// A conda dependency line, with a note when the name was changed or a part dropped.
    Conda { spec: String, note: Option<String> },
    /// Kept for the `pip:` block (URLs, VCS, local paths).
    Pip(String),
}

/// The requirement lines of `text` as pip reads them: a line that ends in `\\` goes on on
/// the next one (`mcp==1.26.0 \\` then `    --hash=sha256:…`), comments are dropped, and so are
/// the options after a requirement (`--hash=…`, `--config-settings …`).
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for raw in text.lines().take(10_000) {
        let line = if raw.trim_start().starts_with('#') {
            ""
        } else {
            raw.split(" #").next().unwrap_or(raw)
        };
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                out.push(std::mem::take(&mut current));
            }
        }
    }
    out.push(current);
    out.into_iter()
        .map(|l| {
            let l = l.trim();
            let requirement = match l.find(" -") {
                Some(at) if !l.starts_with('-') => &l[..at],
                _ => l,
            };
            requirement.trim().to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Converts requirement lines; options (`-r`, `--index-url`, …) and comments are skipped.
pub fn convert(text: &str) -> Vec<Converted> {
    let mut out = Vec::new();
    for line in logical_lines(text) {
        let line = line.as_str();
        if line.starts_with('-') {
            continue;
        }
        if line.contains("://")
            || line.starts_with('.')
            || line.starts_with('/')
            || line.contains(" @ ")
        {
            out.push(Converted::Pip(line.to_string()));
            continue;
        }
        let (req, marker) = match line.split_once(';') {
            Some((r, m)) => (r.trim(), Some(m.trim())),
            None => (line, None),
        };
        let name_end = req
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(req.len());
        let (name, rest) = req.split_at(name_end);
        if name.is_empty() {
            continue;
        }
        let mut notes = Vec::new();
        let mut rest = rest.trim();
        if let Some(after) = rest.strip_prefix('[') {
            let (extras, tail) = after.split_once(']').unwrap_or((after, ""));
            notes.push(format!(
                "extras [{extras}] dropped: check conda-forge for a variant"
            ));
            rest = tail.trim();
        }
        let normalized = normalize_dist_name(name);
        let conda_name = conda_forge_name(&normalized)
            .map(str::to_string)
            .unwrap_or_else(|| normalized.clone());
        if conda_name != normalized {
            notes.push(format!("PyPI `{name}` is `{conda_name}` on conda-forge"));
        }
        if let Some(m) = marker {
            notes.push(format!("marker `{m}` dropped"));
        }
        let version = rest.replace("===", "==").replace(' ', "");
        out.push(Converted::Conda {
            spec: format!("{conda_name}{version}"),
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        });
    }
    out
}

/// `text`, a requirements file, with the requirement lines of `more` that name a package it
/// does not (`pip install astropy` in a README beside a requirements.txt without it).
pub fn with_more(text: &str, more: &[String]) -> String {
    let named = |t: &str| -> Vec<String> {
        convert(t)
            .iter()
            .filter_map(|c| match c {
                Converted::Conda { spec, .. } => Some(package_name(spec)),
                Converted::Pip(_) => None,
            })
            .collect()
    };
    let listed = named(text);
    let mut out = text.trim_end().to_string();
    for line in more {
        if named(line).iter().all(|n| !listed.contains(n)) {
            out.push('\n');
            out.push_str(line);
        }
    }
    out.push('\n');
    out
}

/// The package a conda spec names, normalised (`Python=3.10` → `python`); the spec lower-cased
/// where it does not parse.
fn package_name(spec: &str) -> String {
    super::envfile::parse_spec(spec)
        .ok()
        .and_then(|m| m.name.as_exact().map(|n| n.as_normalized().to_string()))
        .unwrap_or_else(|| spec.to_ascii_lowercase())
}

/// The proposed environment.yml as lines. `by_hand` are the specs the project's README or a
/// script creates the environment with (`conda create -n foo python=3.10`), each with the
/// note that says where (`as README.md:6 creates it`): they come first, their Python pin
/// instead of the default one. Where they and requirements.txt name the same package, the
/// one with a version constraint is kept (requirements.txt's where both have one: pip
/// installs it last).
pub fn proposal(
    env_name: Option<&str>,
    by_hand: &[(String, String)],
    converted: &[Converted],
) -> Vec<String> {
    // An environment made in a prefix (`-p ./env`) has no name: the file names none.
    let mut lines: Vec<String> = env_name
        .map(|n| format!("name: {}", yaml_scalar(n)))
        .into_iter()
        .collect();
    lines.extend([
        "channels:".to_string(),
        "  - conda-forge".to_string(),
        "dependencies:".to_string(),
    ]);
    let required: Vec<(String, bool)> = converted
        .iter()
        .filter_map(|c| match c {
            Converted::Conda { spec, .. } => Some((package_name(spec), constrained(spec))),
            Converted::Pip(_) => None,
        })
        .collect();
    if !by_hand.iter().any(|(s, _)| package_name(s) == "python") {
        lines.push("  - python=3.12        # pin the Python you use".to_string());
    }
    let mut kept_by_hand = Vec::new();
    for (spec, note) in by_hand {
        let name = package_name(spec);
        match required.iter().find(|(n, _)| *n == name) {
            Some((_, true)) => continue,
            Some((_, false)) if !constrained(spec) => continue,
            _ => kept_by_hand.push(name),
        }
        lines.push(format!("  - {spec}        # {note}"));
    }
    let mut pip = Vec::new();
    for c in converted {
        match c {
            Converted::Conda { spec, .. } if kept_by_hand.contains(&package_name(spec)) => {}
            Converted::Conda { spec, note } => lines.push(match note {
                Some(n) => format!("  - {spec}        # {n}"),
                None => format!("  - {spec}"),
            }),
            Converted::Pip(p) => pip.push(format!("      - {p}")),
        }
    }
    if !pip.is_empty() {
        if !kept_by_hand.iter().any(|n| n == "pip") {
            lines.push("  - pip".to_string());
        }
        lines.push("  - pip:                # only what conda-forge lacks".to_string());
        lines.extend(pip);
    }
    lines
}

/// A name as a YAML scalar: plain where it is letters, digits, `_`, `.` and `-`, else in single
/// quotes (a name from a README could start with `*`, `&` or `!`, which YAML reads as syntax).
fn yaml_scalar(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if plain {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

/// Whether a conda spec constrains the version (`numpy<2`, `python=3.10`).
fn constrained(spec: &str) -> bool {
    super::envfile::parse_spec(spec).is_ok_and(|m| m.version.is_some())
}

#[cfg(test)]
mod tests {
    /// A README's pip packages join requirements.txt's, once each.
    #[test]
    fn more_packages_join_the_requirements_once() {
        let text = "# server\nmcp\nnumpy>=1.24\n";
        let more = [
            "astropy".to_string(),
            "NumPy".to_string(),
            "torch".to_string(),
        ];
        assert_eq!(
            with_more(text, &more),
            "# server\nmcp\nnumpy>=1.24\nastropy\ntorch\n"
        );
        assert_eq!(with_more("", &[]), "\n");
    }

    use super::*;

    /// A hashed requirement goes on over several lines (`pip-compile --generate-hashes`):
    /// it is one requirement, without its hashes.
    #[test]
    fn continued_lines_and_hashes_make_one_requirement() {
        let text = "mcp==1.26.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via -r requirements.in\nhttpx>=0.27 --hash=sha256:cc # pinned\n-r base.txt\n";
        let specs: Vec<String> = convert(text)
            .into_iter()
            .map(|c| match c {
                Converted::Conda { spec, .. } => spec,
                Converted::Pip(p) => format!("pip:{p}"),
            })
            .collect();
        assert_eq!(specs, ["mcp==1.26.0", "httpx>=0.27"]);
    }

    /// The specs of a `create -n NAME …` the README runs come first, with its Python pin;
    /// where it and requirements.txt name one package, the constrained one is kept.
    #[test]
    fn the_proposal_follows_the_environment_created_by_hand() {
        let c = convert("numpy\nrequests==2.31.0\ngit+https://x/y.git#egg=y\n");
        let by_hand: Vec<(String, String)> = ["python=3.10", "pip", "numpy<2", "requests"]
            .iter()
            .map(|s| (s.to_string(), "as README.md:6 creates it".to_string()))
            .collect();
        let p = proposal(Some("foo"), &by_hand, &c);
        assert_eq!(
            p[4..],
            [
                "  - python=3.10        # as README.md:6 creates it",
                "  - pip        # as README.md:6 creates it",
                "  - numpy<2        # as README.md:6 creates it",
                "  - requests==2.31.0",
                "  - pip:                # only what conda-forge lacks",
                "      - git+https://x/y.git#egg=y",
            ]
        );
        // A name YAML would read as syntax is quoted.
        assert_eq!(proposal(Some("*x'y"), &[], &c)[0], "name: '*x''y'");
        assert_eq!(proposal(Some("my-env_2.0"), &[], &c)[0], "name: my-env_2.0");
        // What `fix` writes reads back as an environment file with that name and those specs.
        let text: String = proposal(Some("*x'y"), &by_hand, &c)
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        let file = super::super::envfile::parse(std::path::Path::new("environment.yml"), text)
            .expect("the proposal parses");
        assert_eq!(file.name.as_ref().map(|n| n.text.as_str()), Some("*x'y"));
        assert!(file.dep("numpy").is_some() && file.dep("python").is_some());
        // Without one, the default pin and requirements.txt as it is.
        let p = proposal(Some("foo"), &[], &c);
        assert_eq!(p[4], "  - python=3.12        # pin the Python you use");
        assert_eq!(p[5], "  - numpy");
    }

    #[test]
    fn maps_names_and_keeps_versions() {
        let c = convert("# deps\nfastapi==0.110.0\ntorch>=2 ; python_version>'3.8'\nuvicorn[standard]\n-r other.txt\ngit+https://x/y.git#egg=y\npsycopg2-binary\n");
        assert_eq!(
            c[0],
            Converted::Conda {
                spec: "fastapi==0.110.0".into(),
                note: None
            }
        );
        let Converted::Conda { spec, note } = &c[1] else {
            panic!()
        };
        assert_eq!(spec, "pytorch>=2");
        assert!(note.as_ref().unwrap().contains("marker"));
        let Converted::Conda { spec, .. } = &c[2] else {
            panic!()
        };
        assert_eq!(spec, "uvicorn");
        assert_eq!(c[3], Converted::Pip("git+https://x/y.git#egg=y".into()));
        let p = proposal(Some("proj"), &[], &c);
        assert!(p.iter().any(|l| l.contains("psycopg2")));
        assert!(p
            .iter()
            .any(|l| l.trim() == "- pip:                # only what conda-forge lacks"));
    }
}
