//! A folder in Argo CD's resource_customizations layout, ready to contribute upstream:
//! `<group>/<Kind>/health.lua`, `health_test.yaml` and `testdata/`.

use super::{File, OutputError};
use crate::catalog::Catalog;
use std::path::Path;

/// The scripts of `entries` with their fixtures copied from `fixtures_root` (the health/ folder).
pub fn upstream(catalog: &Catalog, fixtures_root: &Path) -> Result<Vec<File>, OutputError> {
    let mut files = Vec::new();
    for e in catalog.entries() {
        let dir = e.group_kind().folder();
        files.push(File {
            path: dir.join("health.lua"),
            contents: crate::rule::emit(&e.rule),
        });
        let src = fixtures_root.join(&dir);
        let test = src.join("health_test.yaml");
        if !test.exists() {
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
            .filter(|p| p.is_file())
            .collect();
        inputs.sort();
        for p in inputs {
            let name = p.file_name().map(|n| n.to_owned()).unwrap_or_default();
            files.push(File {
                path: dir.join("testdata").join(name),
                contents: read(&p)?,
            });
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<String, OutputError> {
    std::fs::read_to_string(path).map_err(|source| OutputError::Io {
        path: path.to_owned(),
        source,
    })
}
