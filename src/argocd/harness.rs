//! Fixtures in Argo CD's resource_customizations layout:
//! `<group>/<Kind>/health_test.yaml` listing `tests: [{healthStatus: {status, message}, inputPath}]`
//! with the inputs under `testdata/`.
//!
//! Files are read as Argo CD's own harness (util/lua/health_test.go) reads them, through
//! sigs.k8s.io/yaml: field names match without regard to case, only the first document counts,
//! a repeated key keeps its last value. A [`Suite`] finds the script for each test from the
//! fixture object's group and kind, as Argo CD's VM does.

#[cfg(feature = "runtime")]
mod dir;
mod lenient;
mod lookup;
#[cfg(feature = "runtime")]
mod run;
mod suite;

#[cfg(feature = "runtime")]
pub use dir::BuiltinDir;
pub use lookup::{config_map_key, path_match, Scripts, HEALTH_LUA};
#[cfg(feature = "runtime")]
pub use run::{expected, Emitted, EmittedFor, Interpreter, Job, Line, Ran, Settled, TestLog};
pub use suite::{Answer, Case, Configured, Folder, Resolve, Suite, HEALTH_TEST_YAML};

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
    /// A test has no `inputPath` (Argo CD's test would fail reading the folder itself).
    #[error("{dir}: a test has no inputPath")]
    NoInput {
        /// The folder of the health_test.yaml.
        dir: PathBuf,
    },
    /// A test's `inputPath` names a file outside the folder of its health_test.yaml (absolute,
    /// climbing out with `..`, or through a link).
    #[error("{path}: inputPath {input:?} is outside the test folder")]
    Outside {
        /// The health_test.yaml.
        path: PathBuf,
        /// The inputPath as written.
        input: String,
    },
    /// A file was refused before it was read: not a regular file, too large, or a link out of
    /// the tree (or one whose target cannot be resolved).
    #[error("{path}: {source}")]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::input::FileError,
    },
    /// A file is not valid YAML of the expected shape.
    #[error("{path}:{line}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line where the problem stands.
        line: usize,
        /// What the parser said.
        message: String,
    },
}

/// The expected verdict of one test, as Argo CD's health_test.yaml writes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExpectedHealth {
    /// The expected status string.
    pub status: String,
    /// The expected message (absent means empty).
    #[serde(default)]
    pub message: String,
}

/// One test of a health_test.yaml.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
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
    /// Reads the input object of `test`, which must stay inside the test's folder.
    pub fn input(&self, test: &HealthTest) -> Result<Value, FixtureError> {
        read_input(&self.dir, &test.input_path)
    }
}

/// Reads the object a test's `inputPath` names in `dir`, the folder of its health_test.yaml;
/// absolute paths, `..` and links leading out of `dir` are [`FixtureError::Outside`].
pub fn read_input(dir: &Path, input: &str) -> Result<Value, FixtureError> {
    read_yaml(dir, &input_of(dir, input)?).map_err(|e| match e {
        FixtureError::Refused {
            source: crate::input::FileError::Outside { .. },
            ..
        } => FixtureError::Outside {
            path: dir.join(suite::HEALTH_TEST_YAML),
            input: input.to_owned(),
        },
        e => e,
    })
}

/// The most bytes a fixture object or a health_test.yaml may have: ten times what etcd
/// accepts for one object (1.5 MiB), room for YAML's extra words.
pub const MAX_FIXTURE_BYTES: u64 = 16 << 20;

/// The most bytes a health.lua may have: Argo CD keeps scripts in a ConfigMap, whose limit is
/// 1 MiB, so anything larger is not a script Argo CD could run.
pub const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// The file a test's `inputPath` names, which must stay inside `dir` (the folder of its
/// health_test.yaml): not absolute and no `..` (the link check is made when it is read).
fn input_of(dir: &Path, input: &str) -> Result<PathBuf, FixtureError> {
    use std::path::Component;
    if input.is_empty() {
        return Err(FixtureError::NoInput {
            dir: dir.to_owned(),
        });
    }
    let rel = Path::new(input);
    if !rel
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(FixtureError::Outside {
            path: dir.join(suite::HEALTH_TEST_YAML),
            input: input.to_owned(),
        });
    }
    Ok(dir.join(rel))
}

/// Reads a YAML (or JSON) file inside `root` as a JSON value the way sigs.k8s.io/yaml does:
/// its first document, the last value of a repeated key.
pub fn read_yaml(root: &Path, path: &Path) -> Result<Value, FixtureError> {
    let text = read_text(root, path, MAX_FIXTURE_BYTES)?;
    lenient::parse(&text).map_err(|(line, message)| FixtureError::Parse {
        path: path.to_owned(),
        line,
        message,
    })
}

/// The text of the file `path` inside `root`, at most `limit` bytes (see
/// [`crate::input::read_inside`]); bytes that are not UTF-8 are an error naming the offset.
pub fn read_text(root: &Path, path: &Path, limit: u64) -> Result<String, FixtureError> {
    use crate::input::FileError;
    let bytes = crate::input::read_inside(root, path, limit).map_err(|e| match e {
        FileError::Io(source) => FixtureError::Io {
            path: path.to_owned(),
            source,
        },
        source => FixtureError::Refused {
            path: path.to_owned(),
            source,
        },
    })?;
    String::from_utf8(bytes).map_err(|e| FixtureError::Parse {
        path: path.to_owned(),
        line: 1,
        message: format!(
            "not UTF-8 text: invalid byte at offset {}",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// Reads a health_test.yaml as Go's encoding/json fills Argo CD's `TestStructure` from it:
/// `tests`, `inputPath`, `healthStatus`, `status` and `message` in any case; null or absent
/// fields are empty; a value of the wrong type fails the whole file. The file must stay inside
/// `root`.
pub fn read_tests(root: &Path, path: &Path) -> Result<Vec<HealthTest>, FixtureError> {
    let text = read_text(root, path, MAX_FIXTURE_BYTES)?;
    let shape = |line: usize, message: String| FixtureError::Parse {
        path: path.to_owned(),
        line,
        message,
    };
    let doc = lenient::parse(&text).map_err(|(line, m)| shape(line, m))?;
    let tests = match &doc {
        Value::Null => return Ok(Vec::new()),
        Value::Object(map) => lenient::field(map, "tests"),
        other => {
            return Err(shape(
                1,
                format!("the file is {}, not a mapping", json_type(other)),
            ))
        }
    };
    let items = match tests {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            let line = lenient::line_of(&text, "tests", None);
            return Err(shape(
                line,
                format!("`tests` is {}, not a list", json_type(other)),
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(n, item)| test_of(item).map_err(|(key, m)| shape(test_line(&text, key, n), m)))
        .collect()
}

/// The line to blame for test `n`: where its `key` stands, or where the test starts.
fn test_line(text: &str, key: &str, n: usize) -> usize {
    lenient::line_of(text, key, Some(n))
}

/// One test from its YAML value; an error names the key to blame and what is wrong.
fn test_of(item: &Value) -> Result<HealthTest, (&'static str, String)> {
    let map = match item {
        Value::Null => return Ok(HealthTest::default()),
        Value::Object(map) => map,
        other => return Err(("", format!("a test is {}, not a mapping", json_type(other)))),
    };
    let text = |m: &serde_json::Map<String, Value>, key: &'static str| match lenient::field(m, key)
    {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err((
            key,
            format!("`{key}` is {}, not a string", json_type(other)),
        )),
    };
    let input_path = text(map, "inputPath")?;
    let health_status = match lenient::field(map, "healthStatus") {
        None | Some(Value::Null) => ExpectedHealth::default(),
        Some(Value::Object(h)) => ExpectedHealth {
            status: text(h, "status")?,
            message: text(h, "message")?,
        },
        Some(other) => {
            let why = format!("`healthStatus` is {}, not a mapping", json_type(other));
            return Err(("healthStatus", why));
        }
    };
    Ok(HealthTest {
        health_status,
        input_path,
    })
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
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
            let tests = read_tests(root, &file)?;
            let GroupKind { group, kind } = GroupKind::from_folder(&group, &kind);
            Ok(FixtureDir {
                dir,
                group,
                kind,
                tests,
            })
        })
        .collect()
}

pub(crate) fn name_of(p: &Path) -> String {
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
        // Links to folders are not followed: links to `.` would make the walk exponential.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(&path, out)?;
        } else if path.file_name().is_some_and(|n| n == "health_test.yaml") {
            out.push(path);
        }
    }
    Ok(())
}
