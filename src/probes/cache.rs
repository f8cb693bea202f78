//! Answers kept between runs in the user's cache folder ($XDG_CACHE_HOME/devdoctor, else
//! ~/.cache/devdoctor), one JSON map per kind, each answer keyed by what it depends on — for
//! a file, its path, size, modification time and inode ([`identity`]), so a changed file is
//! looked at anew. A cache that cannot be read or written only costs the work again.

use crate::core::Context;
use serde::{de::DeserializeOwned, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Entries kept per map; a map is cleared when it grows past this.
const MAX_ENTRIES: usize = 512;
/// Bytes of one map read at the most.
const MAX_BYTES: u64 = 4 * 1024 * 1024;

/// One writer at a time within this process (checks run in parallel).
static LOCK: Mutex<()> = Mutex::new(());

/// One map of the cache folder (`versions.json`, …).
#[derive(Debug, Clone)]
pub(crate) struct Map {
    file: PathBuf,
}

impl Map {
    /// The map `name` of this user's cache folder; `None` without a home or cache folder.
    pub(crate) fn open(ctx: &Context, name: &str) -> Option<Map> {
        let dir = ctx
            .var_path("XDG_CACHE_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| ctx.home().map(|h| h.join(".cache")))?;
        Some(Map {
            file: dir.join("devdoctor").join(name),
        })
    }

    /// Every answer of the map (none when it is missing, unreadable or of another shape).
    pub(crate) fn load<T: DeserializeOwned>(&self) -> BTreeMap<String, T> {
        crate::disk::read_capped(&self.file, MAX_BYTES, "not a devdoctor cache")
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Adds `entries` to the map, written atomically so that a parallel devdoctor never reads
    /// half a file.
    pub(crate) fn store<T: Serialize + DeserializeOwned>(
        &self,
        entries: impl IntoIterator<Item = (String, T)>,
    ) {
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let mut all: BTreeMap<String, T> = self.load();
        for (key, value) in entries {
            if all.len() >= MAX_ENTRIES {
                all.clear();
            }
            all.insert(key, value);
        }
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(text) = serde_json::to_vec(&all) else {
            return;
        };
        if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) {
            use std::io::Write;
            if tmp.write_all(&text).is_ok() {
                let _ = tmp.persist(&self.file);
            }
        }
    }
}

/// `path size mtime dev:inode` of a file (through symlinks), or `path absent`.
pub(crate) fn identity(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => format!("{} {}", path.display(), stamp(&m)),
        Err(_) => format!("{} absent", path.display()),
    }
}

/// `size mtime dev:inode` of metadata already read: what changes when the file does.
pub(crate) fn stamp(m: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!(
        "{} {}.{} {}:{}",
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.dev(),
        m.ino()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Settings;

    fn ctx_with_cache(dir: &Path) -> Context {
        Context::with_vars(
            Settings::default(),
            vec![("XDG_CACHE_HOME".into(), dir.as_os_str().to_owned())],
        )
    }

    #[test]
    fn stored_answers_come_back_and_other_shapes_read_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let map = Map::open(&ctx_with_cache(dir.path()), "t.json").unwrap();
        assert!(map.load::<u32>().is_empty());
        map.store([("a".to_string(), 1u32), ("b".to_string(), 2)]);
        map.store([("c".to_string(), 3u32)]);
        let all = map.load::<u32>();
        assert_eq!(all.len(), 3);
        assert_eq!(all["b"], 2);
        // Another shape under the same name is no answer (and no error).
        assert!(map.load::<Vec<String>>().is_empty());
        std::fs::write(dir.path().join("devdoctor/t.json"), b"{not json").unwrap();
        assert!(map.load::<u32>().is_empty());
    }

    #[test]
    fn no_cache_folder_without_a_home() {
        let ctx = Context::with_vars(Settings::default(), Vec::new());
        assert!(Map::open(&ctx, "t.json").is_none());
    }

    #[test]
    fn identity_changes_with_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x");
        assert!(identity(&f).ends_with(" absent"));
        std::fs::write(&f, "one").unwrap();
        let first = identity(&f);
        std::fs::write(&f, "three").unwrap();
        assert_ne!(identity(&f), first, "a new size is a new identity");
    }
}
