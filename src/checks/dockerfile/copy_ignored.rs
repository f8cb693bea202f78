//! `dockerfile.copy_ignored`: what a COPY or ADD takes from the build context is not left out
//! of it by the `.dockerignore`. Docker sends the context without the ignored paths, so such a
//! COPY finds nothing and the build fails ("not found").

use super::rules::Bases;
use crate::checks::{finding, Finding};
use crate::core::Status;
use crate::probes::dockerfile::{words, Dockerfile};

/// Whether the Dockerfile takes anything from the build context, for the rule to judge.
pub(super) fn copies_from_context(df: &Dockerfile) -> bool {
    df.instructions
        .iter()
        .any(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
}

pub(super) fn copy_ignored(df: &Dockerfile, bases: &dyn Bases) -> Vec<Finding> {
    let ignore = bases.ignore_file(df);
    let Some(ignore) = ignore.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in df
        .instructions
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "COPY" | "ADD") && i.flag("from").is_none())
    {
        let ws = i.exec.clone().unwrap_or_else(|| words(&i.args, df.escape));
        let sources = &ws[..ws.len().saturating_sub(1)];
        for src in sources {
            if let Some(rule) = ignore.leaves_out(src) {
                out.push(finding(
                    i.line,
                    Status::Fail,
                    format!(
                        "{} {src}: {}:{} (`{}`) leaves it out of the build context, so the build fails (\"not found\")",
                        i.keyword, ignore.display, rule.line, rule.text
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probes::dockerfile::{DockerIgnore, IgnoreFile};
    use std::sync::Arc;

    struct Ignoring(Arc<Option<IgnoreFile>>);
    impl Bases for Ignoring {
        fn local(&self, _: &str) -> Option<super::super::rules::BaseImage> {
            None
        }
        fn ignore_file(&self, _: &Dockerfile) -> Arc<Option<IgnoreFile>> {
            self.0.clone()
        }
    }

    /// The lines and messages of the findings on `dockerfile` in a context with `files` (a
    /// trailing `/` makes a folder) and `.dockerignore` `ignore`.
    fn judge(dockerfile: &str, ignore: Option<&str>, files: &[&str]) -> Vec<(usize, String)> {
        let t = tempfile::tempdir().unwrap();
        for f in files {
            let p = t.path().join(f);
            if f.ends_with('/') {
                std::fs::create_dir_all(&p).unwrap();
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, "x").unwrap();
            }
        }
        let file = ignore.map(|text| IgnoreFile {
            display: ".dockerignore".into(),
            context: t.path().to_path_buf(),
            patterns: DockerIgnore::parse(text),
        });
        let df =
            Dockerfile::from_text(t.path().join("Dockerfile"), "Dockerfile".into(), dockerfile);
        copy_ignored(&df, &Ignoring(Arc::new(file)))
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect()
    }

    const DF: &str = "FROM mambaorg/micromamba:2.0.5\nCOPY --chown=$MAMBA_USER:$MAMBA_USER environment.yml conda-lock.yml /tmp/\nCOPY src/ /app/src/\nCOPY --from=build /opt/x /opt/x\nCOPY *.txt $HOME/ /app/\n";

    #[test]
    fn a_copied_file_the_ignore_file_leaves_out_fails() {
        let found = judge(
            DF,
            Some("*.yml\n!environment.yml\n"),
            &["environment.yml", "conda-lock.yml", "src/"],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(
            found[0]
                .1
                .contains("COPY conda-lock.yml: .dockerignore:1 (`*.yml`)"),
            "{}",
            found[0].1
        );
        // An allowlist that forgets the source folder.
        let found = judge(
            DF,
            Some("*\n!environment.yml\n!conda-lock.yml\n"),
            &["src/"],
        );
        assert_eq!(found, [(3, "COPY src/: .dockerignore:1 (`*`) leaves it out of the build context, so the build fails (\"not found\")".to_string())]);
    }

    #[test]
    fn what_is_sent_or_cannot_be_told_passes() {
        // No ignore file; patterns that miss; an exception that may bring part of a folder
        // back; globs, variables and other stages are not judged.
        assert!(judge(DF, None, &[]).is_empty());
        assert!(judge(DF, Some(".git\n**/__pycache__\nsrc/tests\n"), &["src/"]).is_empty());
        assert!(judge(DF, Some("*\n!*.yml\n!src/app\n"), &["src/"]).is_empty());
        assert!(judge(
            "FROM x\nCOPY . /app\nADD https://example.com/a.tgz /tmp/\n",
            Some("*\n"),
            &[]
        )
        .is_empty());
        assert!(judge("FROM x\nCOPY <<EOF /app/x\nhi\nEOF\n", Some("*\n"), &[]).is_empty());
    }
}
