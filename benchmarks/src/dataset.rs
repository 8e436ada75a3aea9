//! A generated dataset as the harness reads it: the Parquet files of each table. Files are found through the manifest, never by listing folders, so a single run
//! (`DATASET/<table>/…`) and a merged split run (`DATASET/shard-IIII-of-NNNN/<table>/…`, listed
//! by `telcosynth merge-manifests`) read alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use telcosynth_sinks::read_manifest;

use crate::error::HarnessError;

/// A dataset folder and the files of its tables.
#[derive(Debug, Clone)]
pub struct Dataset {
    root: PathBuf,
    /// Dataset-relative paths of each table's files, in manifest order.
    tables: BTreeMap<String, Vec<String>>,
}

impl Dataset {
    /// Opens the dataset at `root` by its `manifest.json`; a dataset of CSV files is refused
    /// (the harness reads Parquet).
    pub fn open(root: &Path) -> Result<Dataset, HarnessError> {
        let manifest = read_manifest(root).map_err(|e| HarnessError::Dataset(e.to_string()))?;
        let mut tables = BTreeMap::new();
        for (name, entry) in &manifest.tables {
            let files: Vec<String> = entry.files.iter().map(|f| f.path.clone()).collect();
            if let Some(csv) = files.iter().find(|f| !f.ends_with(".parquet")) {
                return Err(HarnessError::Dataset(format!(
                    "{}: {csv}: the harness reads Parquet datasets; regenerate with --format \
                     parquet",
                    root.display()
                )));
            }
            tables.insert(name.clone(), files);
        }
        Ok(Dataset {
            root: root.to_path_buf(),
            tables,
        })
    }

    /// A folder of `<table>/…/*.parquet` without a manifest (hand-built test data).
    #[cfg(test)]
    pub(crate) fn from_folders(root: &Path) -> Dataset {
        let mut tables = BTreeMap::new();
        for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if path.is_dir() {
                let files = crate::risk::read::parquet_files(&path)
                    .iter()
                    .map(|f| {
                        let rel = f.strip_prefix(root).expect("under the root");
                        rel.to_string_lossy().into_owned()
                    })
                    .collect();
                tables.insert(name.to_owned(), files);
            }
        }
        Dataset {
            root: root.to_path_buf(),
            tables,
        }
    }

    /// The dataset folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Dataset-relative paths of `table`'s files; an error naming the fix when the dataset
    /// lacks the table.
    pub fn relative_files(&self, table: &str) -> Result<&[String], HarnessError> {
        self.tables.get(table).map(Vec::as_slice).ok_or_else(|| {
            HarnessError::Dataset(format!(
                "{}: the dataset has no table {table}; generate it (outputs.tables)",
                self.root.display()
            ))
        })
    }

    /// Paths of `table`'s files (empty when the dataset lacks the table).
    pub fn files(&self, table: &str) -> Vec<PathBuf> {
        self.tables
            .get(table)
            .map(|files| files.iter().map(|f| self.root.join(f)).collect())
            .unwrap_or_default()
    }
}
