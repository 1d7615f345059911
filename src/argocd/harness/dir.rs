//! A user's resource_customizations folder as Argo CD's built-in checks: each object is
//! answered by the health.lua Argo CD's VM would pick for it (exact `group/Kind` folder, then
//! wildcard folders in sorted order), run with the libraries open and the 1 s budget, as Argo
//! CD runs every built-in.

use super::suite::Suite;
use super::FixtureError;
use crate::argocd::builtin::Scripts;
use crate::argocd::runtime::{Libraries, Runtime};
use crate::argocd::Verdict;
use crate::rule::{Health, Status};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The health scripts of one resource_customizations folder.
#[derive(Debug)]
pub struct BuiltinDir {
    suite: Suite,
    runtime: Runtime,
    /// Script texts read so far (or why they could not be read), by path.
    texts: Mutex<HashMap<PathBuf, Result<String, String>>>,
}

impl BuiltinDir {
    /// Indexes the folders of `root` that hold a health.lua.
    pub fn open(root: &Path) -> Result<BuiltinDir, FixtureError> {
        let suite = Suite::discover(root)?;
        if let Some(e) = suite.unreadable.first() {
            return Err(clone_error(e));
        }
        Ok(BuiltinDir {
            suite,
            runtime: Runtime::with_libraries(Libraries::Open),
            texts: Mutex::new(HashMap::new()),
        })
    }

    /// How many folders hold a health.lua.
    pub fn len(&self) -> usize {
        self.suite
            .folders
            .iter()
            .filter(|f| f.script.is_some())
            .count()
    }

    /// Whether no folder holds a health.lua.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn text(&self, path: &Path) -> Result<String, String> {
        // A poisoned lock only means another evaluation panicked; the map is still whole.
        let mut texts = self.texts.lock().unwrap_or_else(|p| p.into_inner());
        texts
            .entry(path.to_owned())
            .or_insert_with(|| super::run::read_script(&self.suite.root, path))
            .clone()
    }
}

fn clone_error(e: &FixtureError) -> FixtureError {
    match e {
        FixtureError::Io { path, source } => FixtureError::Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        other => FixtureError::Parse {
            path: PathBuf::new(),
            line: 0,
            message: other.to_string(),
        },
    }
}

impl Scripts for BuiltinDir {
    fn evaluate(&self, obj: &Value) -> Option<(Verdict, String)> {
        let path = self.suite.script_for(obj)?;
        let folder = path
            .parent()
            .and_then(|d| d.strip_prefix(&self.suite.root).ok())
            .map(|d| d.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let unknown = |why: String| Verdict::from(Health::new(Status::Unknown, why));
        let verdict = match self.text(&path) {
            Err(why) => unknown(why),
            Ok(script) => match self.runtime.run(&script, obj) {
                Ok(outcome) => outcome.verdict(),
                Err(e) => unknown(e.to_string()),
            },
        };
        Some((verdict, folder))
    }

    fn folders(&self) -> Vec<String> {
        let root = &self.suite.root;
        self.suite
            .folders
            .iter()
            .filter(|f| f.script.is_some())
            .filter_map(|f| f.dir.strip_prefix(root).ok())
            .map(|d| d.to_string_lossy().replace('\\', "/"))
            .collect()
    }
}
