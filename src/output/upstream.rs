//! A folder in Argo CD's resource_customizations layout, ready to contribute upstream:
//! `<group>/<Kind>/health.lua`, `health_test.yaml` and `testdata/`.

use super::{File, OutputError};
use crate::catalog::Catalog;
use std::path::Path;

/// The scripts of `entries` with their fixtures copied from `fixtures_root` (the health/ folder,
/// which must exist). Links below it are never followed: a linked fixture could bring in any
/// file of the machine, so it is an error.
pub fn upstream(catalog: &Catalog, fixtures_root: &Path) -> Result<Vec<File>, OutputError> {
    if !std::fs::metadata(fixtures_root).is_ok_and(|m| m.is_dir()) {
        return Err(OutputError::Invalid(format!(
            "{}: no such fixture folder (give --fixtures DIR)",
            fixtures_root.display()
        )));
    }
    let mut files = Vec::new();
    for e in catalog.entries() {
        let dir = e.group_kind().folder();
        files.push(File {
            path: dir.join("health.lua"),
            contents: crate::rule::emit(&e.rule),
        });
        let src = fixtures_root.join(&dir);
        let test = src.join("health_test.yaml");
        if !real(fixtures_root, &test)? {
            continue;
        }
        files.push(File {
            path: dir.join("health_test.yaml"),
            contents: read(&test)?,
        });
        let data = src.join("testdata");
        let mut inputs: Vec<_> = std::fs::read_dir(&data)
            .map_err(|source| OutputError::Io {
                path: data.clone(),
                source,
            })?
            .filter_map(Result::ok)
            .map(|d| d.path())
            .collect();
        inputs.retain(|p| !std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()));
        inputs.sort();
        for p in inputs {
            if !real(fixtures_root, &p)? {
                continue;
            }
            let name = p.file_name().map(|n| n.to_owned()).unwrap_or_default();
            files.push(File {
                path: dir.join("testdata").join(name),
                contents: read(&p)?,
            });
        }
    }
    Ok(files)
}

/// Whether `path` is a file below `root` reached through no link; a link on the way (the file
/// itself, or a folder between) is an error, a missing file is `false`.
fn real(root: &Path, path: &Path) -> Result<bool, OutputError> {
    let Ok(below) = path.strip_prefix(root) else {
        return Ok(false);
    };
    let mut at = root.to_owned();
    for part in below.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Err(_) => return Ok(false),
            Ok(m) if m.file_type().is_symlink() => {
                return Err(OutputError::Invalid(format!(
                    "{}: a link; fixtures are copied only from files inside {}",
                    at.display(),
                    root.display()
                )))
            }
            Ok(_) => {}
        }
    }
    Ok(std::fs::metadata(&at).is_ok_and(|m| m.is_file()))
}

fn read(path: &Path) -> Result<String, OutputError> {
    std::fs::read_to_string(path).map_err(|source| OutputError::Io {
        path: path.to_owned(),
        source,
    })
}
