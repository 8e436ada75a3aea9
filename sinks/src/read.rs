//! Reading datasets back: the tables of a dataset folder found through its manifest, or of an
//! input or release folder of Parquet files found by listing, streamed one record batch at a
//! time with a column projection, with typed access to the columns of each batch.
//!
//! A [`DatasetReader`] opened by its manifest reads a single run (`DATASET/<table>/…`) and a
//! merged split run (`DATASET/shard-IIII-of-NNNN/<table>/…`) alike. One opened on a folder
//! ([`DatasetReader::folder`]) reads `DIR/<table>.parquet`, or every Parquet file under
//! `DIR/<table>/` (Hive partitions included) in path order.
//!
//! [`Rows`] offers two kinds of access: strict (the column must be there with the schema's type
//! and no null: [`Rows::i64s`], [`Rows::strings`], …) and cast (any type Arrow casts, nulls and
//! an absent column allowed: [`Rows::cast_i64s`], [`Rows::cast_strings`], …). Errors name the
//! file and the column.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use thiserror::Error;

use crate::error::SinkFailure;
use crate::manifest::{Manifest, read_manifest};

/// Rows decoded at a time.
pub const BATCH_ROWS: usize = 8192;

/// Why a table could not be read: always the file and, for data errors, the column.
#[derive(Debug, Error)]
pub enum ReadError {
    /// A data file is not Parquet (e.g. a file of a CSV dataset).
    #[error("{}: not a Parquet file", path.display())]
    NotParquet {
        /// The file.
        path: PathBuf,
    },
    /// A data file cannot be opened.
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A data file cannot be decoded as Parquet.
    #[error("cannot read Parquet file {}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// A column that must be read is missing from a file.
    #[error("{}: table {table} has no column {column}", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column has another type than expected.
    #[error("{}: column {column} has type {found}; expected {expected}", path.display())]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The type expected.
        expected: &'static str,
        /// The type in the file.
        found: String,
    },
    /// A column cannot be cast to the type asked for.
    #[error("{}: column {column}: {message}", path.display())]
    Cast {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Arrow's message.
        message: String,
    },
    /// A column holds a value the reader cannot use (a null in a required column, or a value
    /// its user rejects through [`Rows::bad_value`]).
    #[error("{}: column {column}: {message}", path.display())]
    Value {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
}

impl ReadError {
    /// The file involved.
    pub fn path(&self) -> &Path {
        match self {
            ReadError::NotParquet { path }
            | ReadError::Open { path, .. }
            | ReadError::Parquet { path, .. }
            | ReadError::MissingColumn { path, .. }
            | ReadError::ColumnType { path, .. }
            | ReadError::Cast { path, .. }
            | ReadError::Value { path, .. } => path,
        }
    }
}

/// The tables of a dataset, input or release folder, for reading.
#[derive(Debug, Clone)]
pub struct DatasetReader {
    root: PathBuf,
    /// Folder-relative paths of each table's files, in manifest order; `None` when files are
    /// found by listing the folder.
    tables: Option<BTreeMap<String, Vec<String>>>,
}

impl DatasetReader {
    /// The dataset at `root`, by its `manifest.json`.
    pub fn open(root: &Path) -> Result<DatasetReader, SinkFailure> {
        Ok(DatasetReader::from_manifest(root, &read_manifest(root)?))
    }

    /// The dataset at `root` whose manifest is `manifest`.
    pub fn from_manifest(root: &Path, manifest: &Manifest) -> DatasetReader {
        let tables = manifest
            .tables
            .iter()
            .map(|(name, entry)| {
                let files = entry.files.iter().map(|f| f.path.clone()).collect();
                (name.clone(), files)
            })
            .collect();
        DatasetReader {
            root: root.to_path_buf(),
            tables: Some(tables),
        }
    }

    /// A folder without a manifest (a pipeline's input or release): the files of table `t` are
    /// `root/t.parquet`, or every Parquet file under `root/t/`, in path order.
    pub fn folder(root: &Path) -> DatasetReader {
        DatasetReader {
            root: root.to_path_buf(),
            tables: None,
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the folder has `table`: the manifest lists it, or (by listing) a file of it
    /// exists.
    pub fn has(&self, table: &str) -> bool {
        match &self.tables {
            Some(tables) => tables.contains_key(table),
            None => !self.files(table).is_empty(),
        }
    }

    /// Folder-relative paths of `table`'s files (`/`-separated); `None` when the manifest does
    /// not list the table (by listing: an empty list when it is absent).
    pub fn relative_files(&self, table: &str) -> Option<Vec<String>> {
        match &self.tables {
            Some(tables) => tables.get(table).cloned(),
            None => Some(
                self.files(table)
                    .iter()
                    .map(|f| {
                        let relative = f.strip_prefix(&self.root).expect("listed under the root");
                        let parts: Vec<_> = relative
                            .components()
                            .map(|c| c.as_os_str().to_string_lossy())
                            .collect();
                        parts.join("/")
                    })
                    .collect(),
            ),
        }
    }

    /// Paths of `table`'s files (empty when the folder lacks the table).
    pub fn files(&self, table: &str) -> Vec<PathBuf> {
        match &self.tables {
            Some(tables) => tables
                .get(table)
                .map(|files| files.iter().map(|f| self.root.join(f)).collect())
                .unwrap_or_default(),
            None => table_files(&self.root, table),
        }
    }

    /// The first file the manifest lists that is not Parquet (a CSV dataset), relative to the
    /// folder.
    pub fn non_parquet_file(&self) -> Option<&str> {
        self.tables
            .iter()
            .flat_map(|tables| tables.values().flatten())
            .map(String::as_str)
            .find(|f| !f.ends_with(".parquet"))
    }

    /// Column names of `table` (those of its first file; none when the table is absent).
    pub fn columns(&self, table: &str) -> Result<Vec<String>, ReadError> {
        let Some(path) = self.files(table).into_iter().next() else {
            return Ok(Vec::new());
        };
        let builder = open(&path)?;
        Ok(builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect())
    }

    /// Calls `f` on every batch of `table`'s files, in order, with only `columns` decoded;
    /// every file must have every column ([`ReadError::MissingColumn`]). A table the folder
    /// lacks has no batches.
    pub fn scan<E: From<ReadError>>(
        &self,
        table: &str,
        columns: &[&str],
        f: impl FnMut(&Rows<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        scan_files(&self.files(table), table, Projection::All(columns), f)
    }

    /// Like [`DatasetReader::scan`], but a file lacking some of `columns` still yields the
    /// others (the cast accessors then return `None` for the missing ones).
    pub fn scan_present<E: From<ReadError>>(
        &self,
        table: &str,
        columns: &[&str],
        f: impl FnMut(&Rows<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        scan_files(&self.files(table), table, Projection::Present(columns), f)
    }
}

/// Calls `f` on every batch of the Parquet file `path`, with all its columns.
pub fn scan_file<E: From<ReadError>>(
    path: &Path,
    f: impl FnMut(&Rows<'_>) -> Result<(), E>,
) -> Result<(), E> {
    scan_files(&[path.to_owned()], "", Projection::Every, f)
}

/// The Parquet files of `table` in a folder without a manifest: `dir/<table>.parquet`, or every
/// Parquet file under `dir/<table>/`, sorted; empty when the table is absent.
pub fn table_files(dir: &Path, table: &str) -> Vec<PathBuf> {
    let single = dir.join(format!("{table}.parquet"));
    if single.is_file() {
        return vec![single];
    }
    parquet_files(&dir.join(table))
}

/// Every Parquet file under `root`, sorted (none when `root` is not a folder).
pub fn parquet_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_owned()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Text of a row of a string column, `None` for null.
pub fn text(column: &StringArray, row: usize) -> Option<&str> {
    (!column.is_null(row)).then(|| column.value(row))
}

/// Which columns a scan decodes.
#[derive(Clone, Copy)]
enum Projection<'a> {
    /// These, each required.
    All(&'a [&'a str]),
    /// Those of these the file has.
    Present(&'a [&'a str]),
    /// Every column of the file.
    Every,
}

fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, ReadError> {
    let handle = File::open(path).map_err(|source| ReadError::Open {
        path: path.to_owned(),
        source,
    })?;
    ParquetRecordBatchReaderBuilder::try_new(handle).map_err(|e| parquet_error(path, e))
}

fn parquet_error(path: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::Parquet {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

fn scan_files<E: From<ReadError>>(
    files: &[PathBuf],
    table: &str,
    projection: Projection<'_>,
    mut f: impl FnMut(&Rows<'_>) -> Result<(), E>,
) -> Result<(), E> {
    for path in files {
        if path.extension().is_none_or(|e| e != "parquet") {
            return Err(ReadError::NotParquet { path: path.clone() }.into());
        }
        let mut builder = open(path)?;
        let roots = match projection {
            Projection::Every => None,
            Projection::Present(columns) => Some(
                columns
                    .iter()
                    .filter_map(|c| builder.schema().index_of(c).ok())
                    .collect::<Vec<usize>>(),
            ),
            Projection::All(columns) => {
                let mut roots = Vec::with_capacity(columns.len());
                for &column in columns {
                    let index = builder.schema().index_of(column).map_err(|_| {
                        ReadError::MissingColumn {
                            path: path.clone(),
                            table: table.to_owned(),
                            column: column.to_owned(),
                        }
                    })?;
                    roots.push(index);
                }
                Some(roots)
            }
        };
        if let Some(roots) = roots {
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            builder = builder.with_projection(mask);
        }
        let reader = builder
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| parquet_error(path, e))?;
        for batch in reader {
            let batch = batch.map_err(|e| parquet_error(path, e))?;
            f(&Rows { path, table, batch })?;
        }
    }
    Ok(())
}

/// One decoded batch and the file it came from, with typed column access.
pub struct Rows<'a> {
    path: &'a Path,
    table: &'a str,
    batch: RecordBatch,
}

impl Rows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.batch.num_rows() == 0
    }

    /// The file the rows come from.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// The batch itself.
    pub fn batch(&self) -> &RecordBatch {
        &self.batch
    }

    /// Values of a required Int64 column.
    pub fn i64s(&self, name: &str) -> Result<&[i64], ReadError> {
        let column = self.required(name, "Int64", |t| *t == DataType::Int64)?;
        Ok(&column.as_primitive::<Int64Type>().values()[..])
    }

    /// An Int64 column that may hold nulls.
    pub fn nullable_i64s(&self, name: &str) -> Result<&Int64Array, ReadError> {
        let column = self.typed(name, "Int64", |t| *t == DataType::Int64)?;
        Ok(column.as_primitive::<Int64Type>())
    }

    /// Values of a required Float64 column.
    pub fn f64s(&self, name: &str) -> Result<&[f64], ReadError> {
        let column = self.required(name, "Float64", |t| *t == DataType::Float64)?;
        Ok(&column.as_primitive::<Float64Type>().values()[..])
    }

    /// Values of a required timestamp column in whole seconds since the Unix epoch (Parquet has
    /// no seconds unit, so `TimestampSeconds` columns come back in milliseconds).
    pub fn seconds(&self, name: &str) -> Result<Vec<i64>, ReadError> {
        let column = self.required(name, "Timestamp", |t| matches!(t, DataType::Timestamp(..)))?;
        let (values, per_second): (&[i64], i64) = match column.data_type() {
            DataType::Timestamp(TimeUnit::Second, _) => {
                (column.as_primitive::<TimestampSecondType>().values(), 1)
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => (
                column.as_primitive::<TimestampMillisecondType>().values(),
                1_000,
            ),
            DataType::Timestamp(TimeUnit::Microsecond, _) => (
                column.as_primitive::<TimestampMicrosecondType>().values(),
                1_000_000,
            ),
            _ => (
                column.as_primitive::<TimestampNanosecondType>().values(),
                1_000_000_000,
            ),
        };
        Ok(values.iter().map(|v| v.div_euclid(per_second)).collect())
    }

    /// A required Utf8 column.
    pub fn strings(&self, name: &str) -> Result<&StringArray, ReadError> {
        let column = self.required(name, "Utf8", |t| *t == DataType::Utf8)?;
        Ok(column.as_string::<i32>())
    }

    /// A Utf8 column that may hold nulls (a null reads as "").
    pub fn nullable_strings(&self, name: &str) -> Result<&StringArray, ReadError> {
        let column = self.typed(name, "Utf8", |t| *t == DataType::Utf8)?;
        Ok(column.as_string::<i32>())
    }

    /// Error for a bad value in column `name`.
    pub fn bad_value(&self, name: &str, message: String) -> ReadError {
        ReadError::Value {
            path: self.path.to_owned(),
            column: name.to_owned(),
            message,
        }
    }

    /// A column as text (any string, dictionary or number type); `None` when the file lacks
    /// it.
    pub fn cast_strings(&self, name: &str) -> Result<Option<StringArray>, ReadError> {
        Ok(self
            .cast(name, &DataType::Utf8)?
            .map(|a| a.as_string::<i32>().clone()))
    }

    /// A column as 64-bit integers, nulls as `None`; `None` when the file lacks it.
    pub fn cast_i64s(&self, name: &str) -> Result<Option<Vec<Option<i64>>>, ReadError> {
        Ok(self
            .cast(name, &DataType::Int64)?
            .map(|a| a.as_primitive::<Int64Type>().iter().collect()))
    }

    /// A column as 64-bit floats, nulls as `None`; `None` when the file lacks it.
    pub fn cast_f64s(&self, name: &str) -> Result<Option<Vec<Option<f64>>>, ReadError> {
        Ok(self
            .cast(name, &DataType::Float64)?
            .map(|a| a.as_primitive::<Float64Type>().iter().collect()))
    }

    /// A timestamp column in whole seconds since the Unix epoch (a column of another type is
    /// read as integers), nulls as `None`; `None` when the file lacks it.
    pub fn cast_seconds(&self, name: &str) -> Result<Option<Vec<Option<i64>>>, ReadError> {
        let Some(column) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if !matches!(column.data_type(), DataType::Timestamp(..)) {
            return self.cast_i64s(name);
        }
        let to = DataType::Timestamp(TimeUnit::Second, None);
        Ok(self
            .cast(name, &to)?
            .map(|a| a.as_primitive::<TimestampSecondType>().iter().collect()))
    }

    fn cast(&self, name: &str, to: &DataType) -> Result<Option<ArrayRef>, ReadError> {
        let Some(column) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        arrow_cast::cast(column, to)
            .map(Some)
            .map_err(|e| ReadError::Cast {
                path: self.path.to_owned(),
                column: name.to_owned(),
                message: e.to_string(),
            })
    }

    /// A non-null column of the expected type.
    fn required(
        &self,
        name: &str,
        expected: &'static str,
        ok: impl Fn(&DataType) -> bool,
    ) -> Result<&dyn Array, ReadError> {
        let column = self.typed(name, expected, ok)?;
        if column.null_count() > 0 {
            return Err(self.bad_value(name, "null in a required column".into()));
        }
        Ok(column)
    }

    /// A column of the expected type.
    fn typed(
        &self,
        name: &str,
        expected: &'static str,
        ok: impl Fn(&DataType) -> bool,
    ) -> Result<&dyn Array, ReadError> {
        let column = self
            .batch
            .column_by_name(name)
            .ok_or_else(|| ReadError::MissingColumn {
                path: self.path.to_owned(),
                table: self.table.to_owned(),
                column: name.to_owned(),
            })?;
        if !ok(column.data_type()) {
            return Err(ReadError::ColumnType {
                path: self.path.to_owned(),
                column: name.to_owned(),
                expected,
                found: column.data_type().to_string(),
            });
        }
        Ok(column.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Int64Array, TimestampMillisecondArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    use super::*;

    /// `dir/t/part-0.parquet` with columns `id` (Int64), `name` (Utf8, one null) and `at`
    /// (milliseconds).
    fn write(dir: &Path) -> PathBuf {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
            Field::new(
                "at",
                DataType::Timestamp(TimeUnit::Millisecond, None),
                false,
            ),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(vec![1, 2])),
                Arc::new(StringArray::from(vec![Some("a"), None])),
                Arc::new(TimestampMillisecondArray::from(vec![1_500, -1])),
            ],
        )
        .unwrap();
        std::fs::create_dir_all(dir.join("t")).unwrap();
        let path = dir.join("t").join("part-0.parquet");
        let mut writer = ArrowWriter::try_new(File::create(&path).unwrap(), schema, None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        path
    }

    #[test]
    fn strict_access_reads_the_schema_types_and_names_file_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path());
        let reader = DatasetReader::folder(dir.path());
        assert!(reader.has("t") && !reader.has("u"));
        assert_eq!(reader.relative_files("t").unwrap(), ["t/part-0.parquet"]);
        assert_eq!(reader.columns("t").unwrap(), ["id", "name", "at"]);
        reader
            .scan("t", &["id", "at"], |rows| {
                assert_eq!(rows.i64s("id")?, [1, 2]);
                assert_eq!(rows.seconds("at")?, [1, -1]);
                let e = rows.f64s("id").unwrap_err();
                assert!(
                    e.to_string()
                        .contains("column id has type Int64; expected Float64")
                );
                assert_eq!(e.path(), path);
                Ok::<_, ReadError>(())
            })
            .unwrap();
        let e = reader.scan("t", &["name"], |rows| rows.strings("name").map(drop));
        let e = e.unwrap_err().to_string();
        assert!(
            e.contains("part-0.parquet: column name: null in a required column"),
            "{e}"
        );
        let e = reader.scan("t", &["nope"], |_| Ok::<_, ReadError>(()));
        assert!(matches!(e, Err(ReadError::MissingColumn { column, .. }) if column == "nope"));
    }

    #[test]
    fn cast_access_tolerates_absent_columns_and_nulls() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path());
        let reader = DatasetReader::folder(dir.path());
        let mut seen = 0;
        reader
            .scan_present("t", &["id", "name", "nope"], |rows| {
                assert_eq!(rows.cast_i64s("nope")?, None);
                let names = rows.cast_strings("name")?.unwrap();
                assert_eq!((text(&names, 0), text(&names, 1)), (Some("a"), None));
                let ids = rows.cast_strings("id")?.unwrap();
                assert_eq!(text(&ids, 1), Some("2"));
                assert_eq!(rows.cast_f64s("id")?, Some(vec![Some(1.0), Some(2.0)]));
                assert_eq!(rows.cast_seconds("id")?, Some(vec![Some(1), Some(2)]));
                seen += rows.len();
                Ok::<_, ReadError>(())
            })
            .unwrap();
        assert_eq!(seen, 2);
    }
}
