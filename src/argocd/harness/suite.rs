//! A whole tree in Argo CD's resource_customizations layout, read as util/lua/health_test.go
//! reads it: every folder holding a health.lua or a health_test.yaml, each test's object, and
//! the script that answers that object.

use super::lookup::{present, Scripts, HEALTH_LUA};
use super::{name_of, read_input, read_tests, FixtureError, HealthTest};
use crate::argocd::keys::GroupKind;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The tests file Argo CD reads beside each health.lua.
pub const HEALTH_TEST_YAML: &str = "health_test.yaml";

/// One folder of a suite.
#[derive(Debug)]
pub struct Folder {
    /// The folder.
    pub dir: PathBuf,
    /// The API group its path names (`*` where the folder is `_`).
    pub group: String,
    /// The kind its path names.
    pub kind: String,
    /// Its own health.lua, when it has one.
    pub script: Option<PathBuf>,
    /// Its tests, or why they cannot be read (one failure for the whole folder, as a
    /// `require.NoError` on the file fails Argo CD's test).
    pub tests: Result<Vec<HealthTest>, FixtureError>,
}

/// What answers a test's object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// This health.lua, found from the object's group and kind as Argo CD's VM finds it.
    Script(PathBuf),
    /// No health.lua in the tree matches the object: Argo CD runs an empty script, which gives
    /// an empty status.
    Nothing,
    /// The folder has no health.lua of its own: the caller's rule for the folder's group and
    /// kind answers (ours, not Argo CD's), else Argo CD's built-in check for the object.
    Rule,
    /// A script of a configuration (`test --config`), found as Argo CD finds an override.
    Configured(Configured),
    /// Nothing answers the object, and that is a failure: why.
    Unanswered(String),
}

/// A script from a configuration that answers an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Configured {
    /// The Lua text.
    pub script: String,
    /// Whether the configuration opens the standard libraries for it.
    pub open_libs: bool,
    /// Where it is: file and origin, for failures.
    pub origin: String,
}

/// Finds what answers an object in place of the tree's own health.lua files.
pub type Resolve<'r> = &'r dyn Fn(&Value) -> Answer;

/// One test, ready to run.
#[derive(Debug)]
pub struct Case<'s> {
    /// The folder it belongs to.
    pub folder: &'s Folder,
    /// `group/Kind inputPath`, as the report names it.
    pub name: String,
    /// The test as written.
    pub test: &'s HealthTest,
    /// The object, or why it cannot be read.
    pub object: Result<Value, FixtureError>,
    /// What answers the object.
    pub answer: Answer,
}

/// Every folder under a root, sorted by path.
#[derive(Debug)]
pub struct Suite {
    /// The root searched.
    pub root: PathBuf,
    /// The folders with a health.lua or a health_test.yaml.
    pub folders: Vec<Folder>,
    /// Folders that could not be listed, with why.
    pub unreadable: Vec<FixtureError>,
    /// The Argo CD whose built-in checks answer folders with neither a health.lua nor a rule
    /// (default: the newest release, without scripts).
    pub argocd: crate::argocd::builtin::ArgoCd,
    scripts: Scripts,
}

impl Suite {
    /// Reads the tree under `root`; only an unreadable `root` is an error, anything below is
    /// recorded and the rest still read.
    pub fn discover(root: &Path) -> Result<Suite, FixtureError> {
        let mut found = Vec::new();
        let mut unreadable = Vec::new();
        std::fs::read_dir(root).map_err(|source| FixtureError::Io {
            path: root.to_owned(),
            source,
        })?;
        walk(root, &mut found, &mut unreadable);
        found.sort();
        let relative: Vec<String> = found
            .iter()
            .filter(|d| present(&d.join(HEALTH_LUA)))
            .map(|d| relative_of(root, d))
            .collect();
        let folders = found.into_iter().map(|d| folder(root, d)).collect();
        Ok(Suite {
            root: root.to_owned(),
            folders,
            unreadable,
            argocd: Default::default(),
            scripts: Scripts::new(root, &relative),
        })
    }

    /// The health.lua under the root that Argo CD's VM would run for `obj`.
    pub fn script_for(&self, obj: &Value) -> Option<PathBuf> {
        self.scripts.find(obj)
    }

    /// Every test of every readable folder, in order, with its object and what answers it.
    pub fn cases(&self) -> Vec<Case<'_>> {
        self.cases_answered(None)
    }

    /// As [`Suite::cases`], each object answered by `resolve` when given (a configuration's
    /// scripts) instead of the tree's health.lua files.
    pub fn cases_answered(&self, resolve: Option<Resolve<'_>>) -> Vec<Case<'_>> {
        let mut out = Vec::new();
        for folder in &self.folders {
            let Ok(tests) = &folder.tests else { continue };
            for test in tests {
                let path = folder.dir.join(&test.input_path);
                let object =
                    read_input(&folder.dir, &test.input_path).and_then(|v| object_of(&path, v));
                let answer = match (&folder.script, &object, resolve) {
                    (_, Ok(obj), Some(resolve)) => resolve(obj),
                    (_, Err(_), Some(_)) => Answer::Nothing,
                    (None, _, None) => Answer::Rule,
                    (Some(_), Ok(obj), None) => {
                        self.script_for(obj).map_or(Answer::Nothing, Answer::Script)
                    }
                    (Some(own), Err(_), None) => Answer::Script(own.clone()),
                };
                out.push(Case {
                    folder,
                    name: format!("{}/{} {}", folder.group, folder.kind, test.input_path),
                    test,
                    object,
                    answer,
                });
            }
        }
        out
    }
}

/// An object as Argo CD's `getObj` reads it into a `map[string]any`: an empty document is an
/// empty object, anything but a mapping an error.
fn object_of(path: &Path, value: Value) -> Result<Value, FixtureError> {
    match value {
        Value::Null => Ok(Value::Object(serde_json::Map::new())),
        v @ Value::Object(_) => Ok(v),
        other => Err(FixtureError::Parse {
            path: path.to_owned(),
            line: 1,
            message: format!("the object is {}, not a mapping", super::json_type(&other)),
        }),
    }
}

fn folder(root: &Path, dir: PathBuf) -> Folder {
    let kind = name_of(&dir);
    let group = dir.parent().map(name_of).unwrap_or_default();
    let GroupKind { group, kind } = GroupKind::from_folder(&group, &kind);
    let own = dir.join(HEALTH_LUA);
    let script = present(&own).then_some(own);
    let tests = read_tests(root, &dir.join(HEALTH_TEST_YAML));
    Folder {
        dir,
        group,
        kind,
        script,
        tests,
    }
}

fn relative_of(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Collects every folder holding a health.lua or a health_test.yaml; a folder that cannot be
/// listed is recorded and the walk goes on.
fn walk(dir: &Path, found: &mut Vec<PathBuf>, unreadable: &mut Vec<FixtureError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            let path = dir.to_owned();
            return unreadable.push(FixtureError::Io { path, source });
        }
    };
    let mut holds = false;
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(source) => {
                let path = dir.to_owned();
                unreadable.push(FixtureError::Io { path, source });
                continue;
            }
        };
        let path = entry.path();
        let name = entry.file_name();
        // The entry's own type: a link to a folder is not followed, so links to `.` or `..`
        // cannot make the walk endless (or exponential).
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, found, unreadable);
        } else if name == HEALTH_LUA || name == HEALTH_TEST_YAML {
            holds = true;
        }
    }
    if holds {
        found.push(dir.to_owned());
    }
}
