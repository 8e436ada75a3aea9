//! Published reference outputs and checking a dataset against them.
//!
//! A reference folder holds the `manifest.json` of a reference run (scenario text, seed, row
//! counts and SHA-256 of every file) and `fingerprints.json` (value digests per column and per
//! chunk of rows of every file, see [`crate::fingerprint`]). No data: anyone regenerates it
//! from the scenario in the manifest and [`compare`]s.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SinkFailure;
use crate::fingerprint::{FileFingerprint, chunk_rows_for, fingerprint_file};
use crate::hashing::file_sha256;
use crate::layout::{FINGERPRINTS_FILE, parse_shard_folder_name};
use crate::manifest::{MANIFEST_FILE, Manifest, read_manifest};
use crate::ownership::{INSPECT_REPORT_FILE, check_reference_folder};

/// Fingerprints of every file of a dataset, by path relative to the dataset folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprints {
    /// By file path.
    pub files: BTreeMap<String, FileFingerprint>,
}

/// A published reference: the manifest of the reference run and its fingerprints.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The reference run's manifest.
    pub manifest: Manifest,
    /// Its fingerprints, when the folder has them.
    pub fingerprints: Option<Fingerprints>,
}

/// Reads the reference folder `dir`.
pub fn read_reference(dir: &Path) -> Result<Reference, SinkFailure> {
    let manifest = read_manifest(dir)?;
    let path = dir.join(FINGERPRINTS_FILE);
    let fingerprints = match fs::read(&path) {
        Ok(text) => Some(
            serde_json::from_slice(&text)
                .map_err(|source| SinkFailure::Manifest { path, source })?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(SinkFailure::io("read", &path)(e)),
    };
    Ok(Reference {
        manifest,
        fingerprints,
    })
}

/// Writes the reference folder `out` for the complete dataset in `dataset`: its manifest and
/// the fingerprints of every file. The manifest is written last, under a temporary name first.
/// A non-empty `out` must be a reference folder ([`check_reference_folder`]); its `baselines/`
/// are kept.
pub fn write_reference(dataset: &Path, out: &Path) -> Result<Reference, SinkFailure> {
    let manifest = read_manifest(dataset)?;
    let mut fingerprints = Fingerprints::default();
    for table in manifest.tables.values() {
        for file in &table.files {
            let print = fingerprint_file(&dataset.join(&file.path), chunk_rows_for(file.rows))?;
            fingerprints.files.insert(file.path.clone(), print);
        }
    }
    check_reference_folder(out)?;
    let _ = fs::remove_file(out.join(MANIFEST_FILE));
    write_json(&fingerprints, &out.join(FINGERPRINTS_FILE))?;
    write_json(&manifest, &out.join(MANIFEST_FILE))?;
    Ok(Reference {
        manifest,
        fingerprints: Some(fingerprints),
    })
}

/// Writes `value` as pretty JSON with a trailing newline, under a temporary name first.
fn write_json<T: Serialize>(value: &T, path: &Path) -> Result<(), SinkFailure> {
    let mut text = serde_json::to_string_pretty(value).map_err(|source| SinkFailure::Manifest {
        path: path.to_owned(),
        source,
    })?;
    text.push('\n');
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text).map_err(SinkFailure::io("write", &tmp))?;
    fs::rename(&tmp, path).map_err(SinkFailure::io("rename into", path))
}

/// One way a dataset differs from a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The dataset was generated from another scenario text.
    Scenario {
        /// SHA-256 of the reference's scenario text.
        expected: String,
        /// SHA-256 of the dataset's.
        found: String,
    },
    /// Another master seed.
    Seed {
        /// The reference's seed.
        expected: u64,
        /// The dataset's seed.
        found: u64,
    },
    /// A table of the reference is missing, or the dataset has one the reference has not.
    Table {
        /// Table name.
        table: String,
        /// Whether the reference has it (and the dataset not).
        in_reference: bool,
    },
    /// A file of the reference is missing, or the dataset has one the reference has not.
    File {
        /// Table name.
        table: String,
        /// File path relative to the dataset.
        path: String,
        /// Whether the reference has it (and the dataset not).
        in_reference: bool,
    },
    /// A file's bytes differ.
    Content {
        /// Table name.
        table: String,
        /// File path relative to the dataset.
        path: String,
        /// Reference SHA-256.
        expected: String,
        /// SHA-256 of the dataset's file.
        found: String,
        /// Where the values differ, when the reference has fingerprints and this is the first
        /// differing file.
        detail: Option<ContentDetail>,
    },
}

/// Where a differing file's values differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentDetail {
    /// Rows in the reference file and in the dataset's.
    pub rows: (u64, u64),
    /// Columns whose values differ.
    pub columns: Vec<String>,
    /// Row range (0-based, inclusive) of the first chunk of rows that differs; `None` when the
    /// values are all equal (the bytes differ only in encoding or metadata).
    pub first_rows: Option<(u64, u64)>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Scenario { expected, found } => write!(
                f,
                "scenario text differs: reference sha256 {expected}, dataset {found}"
            ),
            Difference::Seed { expected, found } => {
                write!(f, "seed differs: reference {expected}, dataset {found}")
            }
            Difference::Table {
                table,
                in_reference: true,
            } => write!(f, "table {table}: missing from the dataset"),
            Difference::Table { table, .. } => {
                write!(f, "table {table}: in the dataset but not in the reference")
            }
            Difference::File {
                table,
                path,
                in_reference: true,
            } => write!(f, "table {table}, file {path}: missing from the dataset"),
            Difference::File { table, path, .. } if table == path => {
                write!(f, "file {path}: in the dataset but not in the reference")
            }
            Difference::File { table, path, .. } => write!(
                f,
                "table {table}, file {path}: in the dataset but not in the reference"
            ),
            Difference::Content {
                table,
                path,
                expected,
                found,
                detail,
            } => {
                write!(
                    f,
                    "table {table}, file {path}: sha256 {found}, reference {expected}"
                )?;
                if let Some(d) = detail {
                    if d.rows.0 != d.rows.1 {
                        write!(f, "; {} rows, reference {}", d.rows.1, d.rows.0)?;
                    }
                    if !d.columns.is_empty() {
                        write!(f, "; columns differing: {}", d.columns.join(", "))?;
                    }
                    match d.first_rows {
                        Some((a, b)) => write!(f, "; first difference in rows {a}-{b} (from 0)")?,
                        None => write!(f, "; values equal, encoding differs")?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Compares the dataset folder `dataset` with `reference`: table sets, file sets and the
/// SHA-256 of every file, re-hashed from disk (the dataset's own manifest is not trusted for
/// hashes); a file listed but absent is missing, and a file on disk that neither manifest lists
/// is extra. The first file whose bytes differ is fingerprinted to name its columns and rows.
/// An empty result means byte-identical.
pub fn compare(reference: &Reference, dataset: &Path) -> Result<Vec<Difference>, SinkFailure> {
    let found = read_manifest(dataset)?;
    let expected = &reference.manifest;
    let mut differences = Vec::new();
    if expected.scenario.sha256 != found.scenario.sha256 {
        differences.push(Difference::Scenario {
            expected: expected.scenario.sha256.clone(),
            found: found.scenario.sha256.clone(),
        });
    }
    if expected.seed != found.seed {
        differences.push(Difference::Seed {
            expected: expected.seed,
            found: found.seed,
        });
    }
    let tables: BTreeSet<&String> = expected.tables.keys().chain(found.tables.keys()).collect();
    let mut detailed = false;
    for table in tables {
        let (Some(want), Some(have)) = (expected.tables.get(table), found.tables.get(table)) else {
            differences.push(Difference::Table {
                table: table.clone(),
                in_reference: expected.tables.contains_key(table),
            });
            continue;
        };
        let want_files: BTreeMap<&String, &str> = want
            .files
            .iter()
            .map(|f| (&f.path, f.sha256.as_str()))
            .collect();
        let have_files: BTreeSet<&String> = have.files.iter().map(|f| &f.path).collect();
        let paths: BTreeSet<&String> = want_files
            .keys()
            .copied()
            .chain(have_files.iter().copied())
            .collect();
        for path in paths {
            let Some(want_sha) = want_files.get(path) else {
                differences.push(Difference::File {
                    table: table.clone(),
                    path: path.clone(),
                    in_reference: false,
                });
                continue;
            };
            let file = dataset.join(path);
            if !have_files.contains(path) || !file.is_file() {
                differences.push(Difference::File {
                    table: table.clone(),
                    path: path.clone(),
                    in_reference: true,
                });
                continue;
            }
            let sha = file_sha256(&file)?;
            if sha == *want_sha {
                continue;
            }
            let detail = match (&reference.fingerprints, detailed) {
                (Some(prints), false) => match prints.files.get(path) {
                    Some(print) => {
                        let print_found = fingerprint_file(&file, print.chunk_rows)?;
                        let (columns, first_rows) = print.differences(&print_found);
                        detailed = true;
                        Some(ContentDetail {
                            rows: (print.rows, print_found.rows),
                            columns,
                            first_rows,
                        })
                    }
                    None => None,
                },
                _ => None,
            };
            differences.push(Difference::Content {
                table: table.clone(),
                path: path.clone(),
                expected: want_sha.to_string(),
                found: sha,
                detail,
            });
        }
    }
    // Files on disk that no manifest lists: an extra file is a difference too.
    let listed: BTreeSet<&String> = expected
        .tables
        .values()
        .chain(found.tables.values())
        .flat_map(|t| t.files.iter().map(|f| &f.path))
        .collect();
    for path in files_below(dataset)? {
        if listed.contains(&path) || not_data(&path) {
            continue;
        }
        let table = path.split('/').next().unwrap_or_default().to_owned();
        differences.push(Difference::File {
            table,
            path,
            in_reference: false,
        });
    }
    Ok(differences)
}

/// Files of a dataset folder that are not data: its manifest, a shard's manifest in a merged
/// split run, and `telcosynth inspect`'s report.
fn not_data(path: &str) -> bool {
    match path.split_once('/') {
        None => path == MANIFEST_FILE || path == INSPECT_REPORT_FILE,
        Some((folder, rest)) => rest == MANIFEST_FILE && parse_shard_folder_name(folder).is_some(),
    }
}

/// Every file below `dir` (symbolic links included, not followed), as sorted paths relative to
/// `dir` with `/` separators.
fn files_below(dir: &Path) -> Result<Vec<String>, SinkFailure> {
    let mut files = Vec::new();
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        for entry in fs::read_dir(&folder).map_err(SinkFailure::io("read folder", &folder))? {
            let entry = entry.map_err(SinkFailure::io("read folder", &folder))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                stack.push((entry.path(), format!("{prefix}{name}/")));
            } else {
                files.push(format!("{prefix}{name}"));
            }
        }
    }
    files.sort();
    Ok(files)
}
