//! The context every check sees: resolved settings, the process environment, and a cache of
//! probes so that a probe several checks need runs once per run.

use crate::core::settings::Settings;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::ffi::OsString;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

type Cell = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

pub(crate) struct Context {
    pub settings: Settings,
    vars: HashMap<String, OsString>,
    probes: Mutex<HashMap<TypeId, Cell>>,
    /// The project folder with symlinks resolved, once per run.
    project_real: OnceLock<Option<PathBuf>>,
}

impl Context {
    /// A context over the real process environment.
    pub(crate) fn new(settings: Settings) -> Context {
        Context::with_vars(settings, std::env::vars_os())
    }

    /// A context for a project in `dir` with no Docker engine to ask: what unit tests of
    /// checks run in.
    #[cfg(test)]
    pub(crate) fn offline_in(dir: &std::path::Path) -> Context {
        let settings = Settings {
            project_dir: dir.to_path_buf(),
            ..Settings::default()
        };
        Context::with_vars(
            settings,
            [("DOCKER_HOST".into(), "unix:///nonexistent/d.sock".into())],
        )
    }

    /// A context over a given environment (tests use this instead of mutating the process's).
    pub(crate) fn with_vars(
        settings: Settings,
        vars: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> Context {
        let vars = vars
            .into_iter()
            .filter_map(|(k, v)| k.into_string().ok().map(|k| (k, v)))
            .collect();
        Context {
            settings,
            vars,
            probes: Mutex::new(HashMap::new()),
            project_real: OnceLock::new(),
        }
    }

    /// The project folder with symlinks resolved (`None` when it cannot be resolved), asked of
    /// the disk once per run: "is this inside the project?" is asked of every program found
    /// on PATH and of every file a pack reads.
    pub(crate) fn project_real(&self) -> Option<&Path> {
        self.project_real
            .get_or_init(|| self.settings.project_dir.canonicalize().ok())
            .as_deref()
    }

    /// An environment variable, `None` when unset or empty.
    pub(crate) fn var_os(&self, key: &str) -> Option<&OsString> {
        self.vars.get(key).filter(|v| !v.is_empty())
    }

    /// An environment variable as UTF-8, `None` when unset, empty or not UTF-8.
    pub(crate) fn var(&self, key: &str) -> Option<&str> {
        self.var_os(key).and_then(|v| v.to_str())
    }

    /// An environment variable as a path.
    pub(crate) fn var_path(&self, key: &str) -> Option<PathBuf> {
        self.var_os(key).map(PathBuf::from)
    }

    /// The user's home directory from `HOME`; `None` when unset (a finding, not a panic).
    pub(crate) fn home(&self) -> Option<PathBuf> {
        self.var_path("HOME")
    }

    /// All variables, for spawning tools with the user's environment.
    pub(crate) fn vars(&self) -> &HashMap<String, OsString> {
        &self.vars
    }

    /// `PATH` for executable lookup (`which::which_in`).
    pub(crate) fn path_var(&self) -> Option<&OsString> {
        self.vars.get("PATH")
    }

    /// Looks up a program on this context's PATH. Only absolute PATH entries count (an empty
    /// entry or `.` would find a program in whatever folder devdoctor runs in), and a program
    /// that resolves inside the project is never returned: a cloned repository cannot shadow
    /// `micromamba` or `git` with a file of its own.
    pub(crate) fn which(&self, program: &str) -> Option<PathBuf> {
        let path = self.path_var()?;
        let absolute: Vec<PathBuf> = std::env::split_paths(path)
            .filter(|p| p.is_absolute())
            .collect();
        let path = std::env::join_paths(absolute).ok()?;
        let found = which::which_in(program, Some(path), "/").ok()?;
        let real = found.canonicalize().unwrap_or_else(|_| found.clone());
        match self.project_real() {
            Some(project) if real.starts_with(project) || found.starts_with(project) => None,
            _ => Some(found),
        }
    }

    /// Runs `compute` at most once per run for the type `T`, and shares the result.
    /// Concurrent callers wait for the first computation instead of repeating it.
    pub(crate) fn probe<T, F>(&self, compute: F) -> Arc<T>
    where
        T: Any + Send + Sync,
        F: FnOnce(&Context) -> T,
    {
        let cell = {
            let mut map = self.probes.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(TypeId::of::<T>()).or_default().clone()
        };
        let value = cell.get_or_init(|| Arc::new(compute(self)) as Arc<dyn Any + Send + Sync>);
        value
            .clone()
            .downcast::<T>()
            .expect("probe cache is keyed by TypeId")
    }

    /// Runs `compute` at most once per run for the type `T` and the key `key` (a file a
    /// probe reads, say), and shares the result. Callers of one key wait for the first
    /// computation; callers of other keys do not.
    pub(crate) fn probe_keyed<K, T, F>(&self, key: K, compute: F) -> Arc<T>
    where
        K: Hash + Eq + Send + Sync + 'static,
        T: Send + Sync + 'static,
        F: FnOnce(&Context) -> T,
    {
        struct Keyed<K, T>(KeyedCells<K, T>);
        let cells = self.probe(|_| Keyed::<K, T>(Mutex::new(HashMap::new())));
        let cell = cells
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default()
            .clone();
        cell.get_or_init(|| Arc::new(compute(self))).clone()
    }
}

/// One cell per key, each filled once.
type KeyedCells<K, T> = Mutex<HashMap<K, Arc<OnceLock<Arc<T>>>>>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug, PartialEq)]
    struct Answer(usize);

    /// A keyed probe runs once per key, however many threads ask; each key has its own answer.
    #[test]
    fn keyed_probe_runs_once_per_key() {
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let ctx = ctx.clone();
                let calls = calls.clone();
                std::thread::spawn(move || {
                    let key = format!("k{}", i % 2);
                    let answer = ctx.probe_keyed(key.clone(), |_| {
                        calls.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        key.clone()
                    });
                    (key, answer)
                })
            })
            .collect();
        for h in handles {
            let (key, answer) = h.join().unwrap();
            assert_eq!(*answer, key);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // Another answer type under the same key is a probe of its own.
        assert_eq!(*ctx.probe_keyed("k0".to_string(), |_| 7_u8), 7);
    }

    #[test]
    fn probe_runs_once_across_threads() {
        let ctx = Arc::new(Context::with_vars(Settings::default(), Vec::new()));
        let calls = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let ctx = ctx.clone();
                let calls = calls.clone();
                std::thread::spawn(move || {
                    ctx.probe(|_| {
                        calls.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        Answer(42)
                    })
                })
            })
            .collect();
        for h in handles {
            assert_eq!(*h.join().unwrap(), Answer(42));
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn empty_vars_count_as_unset() {
        let ctx = Context::with_vars(
            Settings::default(),
            vec![("HOME".into(), "".into()), ("X".into(), "1".into())],
        );
        assert_eq!(ctx.home(), None);
        assert_eq!(ctx.var("X"), Some("1"));
    }
}
