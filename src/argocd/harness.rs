//! Fixtures in Argo CD's resource_customizations layout:
//! `<group>/<Kind>/health_test.yaml` listing `tests: [{healthStatus: {status, message}, inputPath}]`
//! with the inputs under `testdata/`.

use super::keys::GroupKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Errors reading fixtures.
#[derive(Debug, Error)]
pub enum FixtureError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file is not valid YAML of the expected shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
}

/// The expected verdict of one test, as Argo CD's health_test.yaml writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedHealth {
    /// The expected status string.
    pub status: String,
    /// The expected message (absent means empty).
    #[serde(default)]
    pub message: String,
}

/// One test of a health_test.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthTest {
    /// The verdict the script must return.
    pub health_status: ExpectedHealth,
    /// The input object, relative to the folder of health_test.yaml.
    pub input_path: String,
}

/// A health_test.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthTests {
    /// The tests.
    pub tests: Vec<HealthTest>,
}

/// One folder of the layout: a group and kind with its tests.
#[derive(Debug, Clone)]
pub struct FixtureDir {
    /// The folder holding health_test.yaml.
    pub dir: PathBuf,
    /// The API group (the folder's parent's name; `_` stands for `*` in wildcard folders).
    pub group: String,
    /// The kind (the folder's name).
    pub kind: String,
    /// The tests.
    pub tests: Vec<HealthTest>,
}

impl FixtureDir {
    /// Reads the input object of `test`.
    pub fn input(&self, test: &HealthTest) -> Result<Value, FixtureError> {
        read_yaml(&self.dir.join(&test.input_path))
    }
}

/// Reads one YAML (or JSON) document as a JSON value.
pub fn read_yaml(path: &Path) -> Result<Value, FixtureError> {
    let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_saphyr::from_str::<Value>(&text).map_err(|e| FixtureError::Parse {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// Finds every health_test.yaml below `root`, sorted by path.
pub fn discover(root: &Path) -> Result<Vec<FixtureDir>, FixtureError> {
    let mut found = Vec::new();
    walk(root, &mut found)?;
    found.sort();
    found
        .into_iter()
        .map(|file| {
            let dir = file.parent().unwrap_or(root).to_owned();
            let kind = name_of(&dir);
            let group = dir.parent().map(name_of).unwrap_or_default();
            let text = std::fs::read_to_string(&file).map_err(|source| FixtureError::Io {
                path: file.clone(),
                source,
            })?;
            let tests: HealthTests =
                serde_saphyr::from_str(&text).map_err(|e| FixtureError::Parse {
                    path: file.clone(),
                    message: e.to_string(),
                })?;
            let GroupKind { group, kind } = GroupKind::from_folder(&group, &kind);
            Ok(FixtureDir {
                dir,
                group,
                kind,
                tests: tests.tests,
            })
        })
        .collect()
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FixtureError> {
    let entries = std::fs::read_dir(dir).map_err(|source| FixtureError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| FixtureError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.file_name().is_some_and(|n| n == "health_test.yaml") {
            out.push(path);
        }
    }
    Ok(())
}
