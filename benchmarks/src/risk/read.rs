//! Reading a table of a dataset, input or release folder: every Parquet file under
//! `DIR/<table>/` (Hive partitions included) or the file `DIR/<table>.parquet`, in path order,
//! with only the requested columns decoded and cast to the types the attacks use.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, TimestampSecondType};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::RiskError;
use crate::dataset::Dataset;

/// The Parquet files of `table` under `dir`, sorted; empty when the table is absent.
pub(crate) fn table_files(dir: &Path, table: &str) -> Vec<PathBuf> {
    let single = dir.join(format!("{table}.parquet"));
    if single.is_file() {
        return vec![single];
    }
    parquet_files(&dir.join(table))
}

/// Every Parquet file under `root`, sorted.
pub(crate) fn parquet_files(root: &Path) -> Vec<PathBuf> {
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

/// Column names of `table` (those of its first file).
pub(crate) fn columns(dir: &Path, table: &str) -> Result<Vec<String>, RiskError> {
    let Some(path) = table_files(dir, table).into_iter().next() else {
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

fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>, RiskError> {
    let file = File::open(path).map_err(|e| RiskError::read(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| RiskError::read(path, e))
}

/// Calls `f` on every batch of `table` with the `wanted` columns that the files have (a file
/// lacking one still yields its other columns; [`Rows`] accessors then return `None`).
pub(crate) fn scan(
    dir: &Path,
    table: &str,
    wanted: &[&str],
    f: impl FnMut(&Rows) -> Result<(), RiskError>,
) -> Result<(), RiskError> {
    scan_files(&table_files(dir, table), Some(wanted), f)
}

/// Calls `f` on every batch of a dataset's `table` with the `wanted` columns (none when the
/// dataset lacks the table).
pub(crate) fn scan_dataset(
    dataset: &Dataset,
    table: &str,
    wanted: &[&str],
    f: impl FnMut(&Rows) -> Result<(), RiskError>,
) -> Result<(), RiskError> {
    scan_files(&dataset.files(table), Some(wanted), f)
}

/// Calls `f` on every batch of `files`, with the `wanted` columns or all of them.
pub(crate) fn scan_files(
    files: &[PathBuf],
    wanted: Option<&[&str]>,
    mut f: impl FnMut(&Rows) -> Result<(), RiskError>,
) -> Result<(), RiskError> {
    for path in files {
        let mut builder = open(path)?;
        if let Some(wanted) = wanted {
            let roots: Vec<usize> = wanted
                .iter()
                .filter_map(|c| builder.schema().index_of(c).ok())
                .collect();
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            builder = builder.with_projection(mask);
        }
        let reader = builder
            .with_batch_size(8192)
            .build()
            .map_err(|e| RiskError::read(path, e))?;
        for batch in reader {
            let batch = batch.map_err(|e| RiskError::read(path, e))?;
            f(&Rows { path, batch })?;
        }
    }
    Ok(())
}

/// One decoded batch with columns cast on access.
pub(crate) struct Rows<'a> {
    path: &'a Path,
    batch: RecordBatch,
}

impl Rows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// The batch itself.
    pub fn batch(&self) -> &RecordBatch {
        &self.batch
    }

    fn cast(&self, name: &str, to: &DataType) -> Result<Option<ArrayRef>, RiskError> {
        let Some(column) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        arrow_cast::cast(column, to)
            .map(Some)
            .map_err(|e| RiskError::read(self.path, format!("column {name}: {e}")))
    }

    /// A column as text (any string, dictionary or number type).
    pub fn strings(&self, name: &str) -> Result<Option<StringArray>, RiskError> {
        Ok(self
            .cast(name, &DataType::Utf8)?
            .map(|a| a.as_string::<i32>().clone()))
    }

    /// A column as 64-bit integers; nulls read as `None`.
    pub fn i64s(&self, name: &str) -> Result<Option<Vec<Option<i64>>>, RiskError> {
        Ok(self.cast(name, &DataType::Int64)?.map(|a| {
            let a = a.as_primitive::<Int64Type>();
            a.iter().collect()
        }))
    }

    /// A column as 64-bit floats; nulls read as `None`.
    pub fn f64s(&self, name: &str) -> Result<Option<Vec<Option<f64>>>, RiskError> {
        Ok(self.cast(name, &DataType::Float64)?.map(|a| {
            let a = a.as_primitive::<Float64Type>();
            a.iter().collect()
        }))
    }

    /// A timestamp column in whole seconds since the Unix epoch; nulls read as `None`.
    pub fn seconds(&self, name: &str) -> Result<Option<Vec<Option<i64>>>, RiskError> {
        let to = DataType::Timestamp(TimeUnit::Second, None);
        let Some(column) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if !matches!(column.data_type(), DataType::Timestamp(..)) {
            return self.i64s(name);
        }
        Ok(self.cast(name, &to)?.map(|a| {
            let a = a.as_primitive::<TimestampSecondType>();
            a.iter().collect()
        }))
    }
}

/// Text of a row of a string column, `None` for null.
pub(crate) fn text(column: &StringArray, row: usize) -> Option<&str> {
    (!column.is_null(row)).then(|| column.value(row))
}
