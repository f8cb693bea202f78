//! Every relative link in README.md and docs/*.md resolves: the file exists, and a `#anchor`
//! names a heading of that file (GitHub's slug rules). The project stands alone, so no link
//! may leave the repository through `..` beyond its root.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CHANGELOG.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// GitHub's heading anchor: lower case, spaces to `-`, punctuation other than `-`/`_` dropped.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let base = slug(line.trim_start_matches('#'));
        let mut anchor = base.clone();
        let mut n = 1;
        while !seen.insert(anchor.clone()) {
            anchor = format!("{base}-{n}");
            n += 1;
        }
    }
    seen
}

/// `(target)` of every `[text](target)` outside code blocks and inline code.
fn links(text: &str) -> Vec<(usize, String)> {
    let re = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let code = regex::Regex::new(r"`[^`]*`").unwrap();
    let mut out = Vec::new();
    let mut in_code = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let line = code.replace_all(line, "");
        for c in re.captures_iter(&line) {
            out.push((i + 1, c[1].to_string()));
        }
    }
    out
}

fn check_link(file: &Path, target: &str) -> Result<(), String> {
    if target.starts_with("http://")
        || target.starts_with("https://")
        || target.starts_with("mailto:")
    {
        return Ok(());
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let dest = if path.is_empty() {
        file.to_path_buf()
    } else {
        file.parent().unwrap().join(path)
    };
    let dest = dest
        .canonicalize()
        .map_err(|_| format!("{target}: no such file"))?;
    if !dest.starts_with(root().canonicalize().unwrap()) {
        return Err(format!("{target}: points outside the repository"));
    }
    if let Some(anchor) = anchor {
        let text = std::fs::read_to_string(&dest).map_err(|e| format!("{target}: {e}"))?;
        if !anchors(&text).contains(anchor) {
            return Err(format!("{target}: no heading with anchor #{anchor}"));
        }
    }
    Ok(())
}

#[test]
fn every_relative_link_in_readme_and_docs_resolves() {
    let mut broken = Vec::new();
    let mut count = 0;
    for file in markdown_files() {
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (line, target) in links(&text) {
            count += 1;
            if let Err(e) = check_link(&file, &target) {
                broken.push(format!("{}:{line}: {e}", file.display()));
            }
        }
    }
    assert!(
        count > 10,
        "found only {count} links: is the link pattern still right?"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn no_file_refers_to_material_outside_the_repository() {
    let mut hits = Vec::new();
    let mut files = markdown_files();
    for dir in ["src", "tests", "bench", "checks", ".ci"] {
        for e in ignore::WalkBuilder::new(root().join(dir)).build().flatten() {
            let p = e.path();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            if p.is_file() && ["rs", "sh", "toml", "py"].contains(&ext) || p.ends_with("run") {
                files.push(p.to_path_buf());
            }
        }
    }
    files.push(root().join("install.sh"));
    // This test names what it looks for.
    files.retain(|f| !f.ends_with("tests/docs_links.rs"));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (i, line) in text.lines().enumerate() {
            // Section marks (`§1.4`) cited the design notes that lived outside the repository.
            let cites_notes = line.contains('§') && line.chars().any(|c| c.is_ascii_digit());
            if line.contains("../shared")
                || line.contains("DESIGN.md")
                || line.contains("POLICY.md")
                || line.contains("mamba-facts")
                || cites_notes
            {
                hits.push(format!("{}:{}: {line}", file.display(), i + 1));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "references to files outside the repository:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_slug_rules_match_github() {
    assert_eq!(slug(" Checks: the MCP server"), "checks-the-mcp-server");
    assert_eq!(slug(" `devdoctor fix`"), "devdoctor-fix");
    assert_eq!(slug(" Exit codes"), "exit-codes");
    let a = anchors("# A\n## A\n```\n# not a heading\n```\n");
    assert!(a.contains("a") && a.contains("a-1") && !a.contains("not-a-heading"));
}
