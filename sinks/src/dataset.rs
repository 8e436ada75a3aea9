//! A dataset folder: one file per part, written atomically, and the manifest written last.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use arrow_array::temporal_conversions::date32_to_datetime;
use telcosynth_generator::columnar::{Batch, PartKey, Sink, SinkError, TableSchema, View};

use crate::csv_writer::write_csv;
use crate::error::SinkFailure;
use crate::hashing::HashingWriter;
use crate::manifest::{FileEntry, Manifest, ManifestInfo, TableEntry, write_manifest};
use crate::ownership::{check_dataset_folder, clear_dataset_folder};
use crate::parquet_writer::{Compression, write_parquet};

/// File format of the data files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Parquet; GeoParquet for tables with a point column.
    #[default]
    Parquet,
    /// CSV with a header row.
    Csv,
}

impl Format {
    /// File-name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

/// How a [`DatasetWriter`] writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriterOptions {
    /// File format.
    pub format: Format,
    /// Parquet compression (ignored for CSV).
    pub compression: Compression,
    /// Replace the contents of a non-empty output folder.
    pub force: bool,
}

/// Writes the parts of a run into a dataset folder and, on [`finish`](Self::finish), its manifest.
///
/// Layout: `<table>/<table>-<shard:04>-<block:05>.<ext>`, or for parts with a day
/// `<table>/date=YYYY-MM-DD/<table>-<shard:04>-<block:05>.<ext>`. Each file is written under a
/// temporary name (`.<name>.tmp`) and renamed when complete; `manifest.json` is written last,
/// so a folder without it is incomplete.
///
/// A part without rows is not written (a full-density region's inbound visitors fill hundreds
/// of blocks that are empty on most days), except that a table which gets no rows at all is
/// written as its first empty part (by day, shard and block), so that every table the run
/// produced has its schema on disk.
#[derive(Debug)]
pub struct DatasetWriter {
    dir: PathBuf,
    options: WriterOptions,
    state: Mutex<State>,
}

/// What has been declared and written so far.
#[derive(Debug, Default)]
struct State {
    /// Every table the manifest lists, with its view.
    tables: BTreeMap<&'static str, View>,
    /// Relative paths of parts started, to refuse writing one twice.
    claimed: BTreeSet<String>,
    /// Completed files and their tables.
    files: Vec<(&'static str, FileEntry)>,
    /// Per table, its first part without rows (written by `finish` if the table has no file).
    empty: BTreeMap<&'static str, (PartKey, Batch)>,
}

impl DatasetWriter {
    /// Prepares `dir` as an empty output folder, creating it if needed.
    ///
    /// Refused: a path that is a file or where no folder can be created, a folder that is not
    /// writable, a non-empty folder that is not a telcosynth dataset (see [`crate::ownership`];
    /// nothing in it is touched), and a telcosynth dataset unless `options.force`. With
    /// `force`, the dataset's `manifest.json` is removed first (so it never looks complete) and
    /// the rest of its files after.
    pub fn create(dir: &Path, options: WriterOptions) -> Result<Self, SinkFailure> {
        check_dataset_folder(dir, options.force)?;
        if fs::read_dir(dir)
            .map_err(SinkFailure::io("read folder", dir))?
            .next()
            .is_some()
        {
            clear_dataset_folder(dir)?;
        }
        Ok(DatasetWriter {
            dir: dir.to_owned(),
            options,
            state: Mutex::default(),
        })
    }

    /// Lists a table in the manifest even if it receives no rows.
    pub fn declare(&self, schema: &'static TableSchema) {
        self.state().tables.insert(schema.name, schema.view);
    }

    /// Writes the first empty part of each table that has no file, then `manifest.json` (under a
    /// temporary name, then renamed), and returns the manifest.
    pub fn finish(self, info: ManifestInfo) -> Result<Manifest, SinkFailure> {
        let empty = {
            let mut state = self.state();
            let written: BTreeSet<&str> = state.files.iter().map(|(table, _)| *table).collect();
            let mut empty = std::mem::take(&mut state.empty);
            empty.retain(|table, _| !written.contains(table));
            empty
        };
        for (part, batch) in empty.into_values() {
            self.write_file(part, batch)?;
        }
        let state = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut tables: BTreeMap<String, TableEntry> = state
            .tables
            .iter()
            .map(|(&name, &view)| {
                (
                    name.to_owned(),
                    TableEntry {
                        view: view.into(),
                        rows: 0,
                        files: Vec::new(),
                    },
                )
            })
            .collect();
        for (table, file) in state.files {
            let entry = tables.get_mut(table).expect("a written table is declared");
            entry.rows += file.rows;
            entry.files.push(file);
        }
        for entry in tables.values_mut() {
            entry.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
        let manifest = Manifest::new(info, tables);
        write_manifest(&self.dir, &manifest)?;
        Ok(manifest)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A part's folder relative to the dataset folder (with `/` separators) and its file name.
    fn location(&self, part: &PartKey) -> Result<(String, String), SinkFailure> {
        let table = part.table;
        let name = format!(
            "{table}-{:04}-{:05}.{}",
            part.shard,
            part.block,
            self.options.format.extension()
        );
        let folder = match part.day {
            None => table.to_owned(),
            Some(day) => {
                let date = date32_to_datetime(day)
                    .ok_or(SinkFailure::DayOutOfRange { table, day })?
                    .date();
                format!("{table}/date={date}")
            }
        };
        Ok((folder, name))
    }

    /// Claims `part` and writes it, or keeps it aside when it has no rows.
    fn write_part(&self, part: PartKey, batch: Batch) -> Result<(), SinkFailure> {
        let (relative_folder, name) = self.location(&part)?;
        let path = self.dir.join(&relative_folder).join(&name);
        if batch.schema.name != part.table {
            return Err(SinkFailure::WrongTable {
                path,
                batch_table: batch.schema.name,
            });
        }
        {
            let mut state = self.state();
            state.tables.insert(batch.schema.name, batch.schema.view);
            if !state.claimed.insert(format!("{relative_folder}/{name}")) {
                return Err(SinkFailure::DuplicatePart { path });
            }
            if batch.num_rows() == 0 {
                let order = |p: &PartKey| (p.day, p.shard, p.block);
                let first = state.empty.get(part.table);
                if first.is_none_or(|(kept, _)| order(&part) < order(kept)) {
                    state.empty.insert(part.table, (part, batch));
                }
                return Ok(());
            }
        }
        self.write_file(part, batch)
    }

    /// Writes `part`'s file atomically and records it.
    fn write_file(&self, part: PartKey, batch: Batch) -> Result<(), SinkFailure> {
        let (relative_folder, name) = self.location(&part)?;
        let folder = self.dir.join(&relative_folder);
        let path = folder.join(&name);
        let relative = format!("{relative_folder}/{name}");
        fs::create_dir_all(&folder).map_err(SinkFailure::io("create folder", &folder))?;
        let tmp = folder.join(format!(".{name}.tmp"));
        let rows = batch.num_rows() as u64;
        let written = self.encode(&tmp, &path, batch).and_then(|done| {
            fs::rename(&tmp, &path)
                .map(|()| done)
                .map_err(SinkFailure::io("rename into", &path))
        });
        let (sha256, bytes) = written.inspect_err(|_| {
            // Best effort: the error being returned matters more than a leftover temporary.
            let _ = fs::remove_file(&tmp);
        })?;

        let entry = FileEntry {
            path: relative,
            rows,
            bytes,
            sha256,
        };
        self.state().files.push((part.table, entry));
        Ok(())
    }

    /// Encodes `batch` into the file `tmp` (reporting errors against `path`) and returns the
    /// file's SHA-256 and size.
    fn encode(&self, tmp: &Path, path: &Path, batch: Batch) -> Result<(String, u64), SinkFailure> {
        let file = File::create(tmp).map_err(SinkFailure::io("create", tmp))?;
        let out = HashingWriter::new(BufWriter::new(file));
        let out = match self.options.format {
            Format::Parquet => {
                write_parquet(out, batch, self.options.compression).map_err(|source| {
                    SinkFailure::Parquet {
                        path: path.to_owned(),
                        source,
                    }
                })?
            }
            Format::Csv => write_csv(out, batch).map_err(|source| SinkFailure::Csv {
                path: path.to_owned(),
                source,
            })?,
        };
        let (buffered, sha256, bytes) = out.finish();
        buffered
            .into_inner()
            .map_err(|e| SinkFailure::io("write", tmp)(e.into_error()))?;
        Ok((sha256, bytes))
    }
}

impl Sink for DatasetWriter {
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError> {
        Ok(self.write_part(part, batch)?)
    }
}
