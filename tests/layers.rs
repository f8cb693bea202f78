//! The layers of src/, as README "Development → Layout" draws them, enforced: a module may use
//! only modules of lower layers, and the areas inside `probes/` and `checks/` use one another
//! without cycles. Code under `#[cfg(test)]` and `tests.rs` files may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first. A module may use the modules of the layers before its own, not of its own.
const LAYERS: &[&[&str]] = &[
    &["core", "cli"],
    &["policy"],
    &["fix"],
    &["exec"],
    &["disk"],
    &["config"],
    &["probes", "runner", "report"],
    &["checks", "plugins", "plan", "trust"],
    &["packs", "fixer"],
    &["registry", "engine"],
    &["invocation"],
    &["commands"],
    &["app"],
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file below src/ (`probes/env/mod.rs` → ["probes", "env"]).
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Every `crate::a::b` path the non-test code of `text` names, as [a, b] (b may be empty),
/// including the members of `use crate::{a, b::c}` groups.
fn crate_paths(text: &str) -> Vec<[String; 2]> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find("};").unwrap_or(group.len());
            for member in group[..end].split(',') {
                let mut names = member.trim().split("::").map(|s| ident(s.trim()));
                let a = names.next().unwrap_or_default();
                let b = names.next().unwrap_or_default();
                if !a.is_empty() && a != "self" {
                    found.push([a, b]);
                }
            }
            continue;
        }
        let a = ident(rest);
        let after = &rest[a.len()..];
        let b = after.strip_prefix("::").map(ident).unwrap_or_default();
        found.push([a, b]);
    }
    found
}

/// (user, used) module pairs.
type Edges = BTreeSet<(String, String)>;

/// The module pairs at the top level and, inside probes/ and checks/, between areas.
fn edges() -> (Edges, Edges) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut top = BTreeSet::new();
    let mut areas = BTreeSet::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_path_buf();
        if rel.file_name().is_some_and(|n| n == "tests.rs") || rel == Path::new("main.rs") {
            continue;
        }
        let module = module_of(&rel);
        if module == ["lib"] {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for [a, b] in crate_paths(&text) {
            if a != module[0] {
                top.insert((module[0].clone(), a));
            } else if matches!(a.as_str(), "probes" | "checks")
                && module.len() > 1
                && !b.is_empty()
                && b.chars().next().is_some_and(char::is_lowercase)
                && b != module[1]
            {
                areas.insert((format!("{a}::{}", module[1]), format!("{a}::{b}")));
            }
        }
    }
    (top, areas)
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn every_module_uses_only_lower_layers() {
    let (top, _) = edges();
    assert!(top.len() > 40, "the scan found too little: {top:?}");
    let mut wrong = Vec::new();
    for (user, used) in &top {
        match (layer_of(user), layer_of(used)) {
            (Some(u), Some(d)) if d < u => {}
            (None, _) => wrong.push(format!("{user} is in no layer of tests/layers.rs")),
            (_, None) => wrong.push(format!("{used} is in no layer of tests/layers.rs")),
            _ => wrong.push(format!("{user} uses {used}, which is not below it")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn areas_inside_probes_and_checks_use_each_other_without_cycles() {
    let (_, areas) = edges();
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in &areas {
        next.entry(a.as_str()).or_default().push(b.as_str());
    }
    for start in next.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<Vec<&str>> = vec![vec![start]];
        while let Some(path) = stack.pop() {
            for &n in next.get(path.last().unwrap()).into_iter().flatten() {
                let mut longer = path.clone();
                longer.push(n);
                assert!(n != *start, "a cycle: {}", longer.join(" → "));
                if seen.insert(n) {
                    stack.push(longer);
                }
            }
        }
    }
}

#[test]
fn the_scan_sees_grouped_and_inline_paths() {
    let found = crate_paths(
        "use crate::{core::Check, policy};\nfn f() { crate::probes::env::x(); }\n#[cfg(test)]\nuse crate::app;",
    );
    let pairs: Vec<String> = found.iter().map(|[a, b]| format!("{a}/{b}")).collect();
    assert_eq!(pairs, ["core/Check", "policy/", "probes/env"]);
}

/// Checks judge facts; reading the world is the probes' work (cached once per run). A call
/// that touches files, the process or the network directly in src/checks fails here.
#[test]
fn checks_do_no_io_of_their_own() {
    const IO: &[&str] = &[
        "std::fs::",
        "std::env::current_dir",
        "std::process::",
        "std::net::TcpStream",
        "File::open",
        ".canonicalize()",
        "read_dir(",
        ".exists()",
        ".is_file()",
        ".is_dir()",
        "symlink_metadata(",
        // The probes' uncached readers: a check asks for their cached forms instead
        // (`meta::history`, `meta::conda_meta`, `dockerfile::load_once`).
        // Files and the network through the probes' readers and clients.
        "read_capped",
        "read_head(",
        "Client::new(",
        "read_history(",
        "read_conda_meta(",
        "read_full_record(",
        "dockerfile::load(",
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/checks");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    for file in files {
        if file.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            if let Some(call) = IO.iter().find(|c| line.contains(*c)) {
                found.push(format!("{}:{}: {call}", file.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "I/O in checks:\n{}", found.join("\n"));
}
