//! Streaming the files a manifest lists, one record batch at a time, with a column projection.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int64Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use arrow_array::{Array, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use telcosynth_sinks::Manifest;

use crate::error::InspectError;

/// Rows decoded at a time.
const BATCH_ROWS: usize = 8192;

/// A dataset folder and its manifest.
pub(crate) struct Dataset<'a> {
    /// The folder.
    pub dir: &'a Path,
    /// Its manifest.
    pub manifest: &'a Manifest,
}

impl Dataset<'_> {
    /// Whether the manifest lists `table`.
    pub fn has(&self, table: &str) -> bool {
        self.manifest.tables.contains_key(table)
    }

    /// Calls `f` on every batch of `table`'s files (in manifest order) with only `columns`
    /// decoded. A table the manifest does not list has no batches.
    pub fn scan(
        &self,
        table: &str,
        columns: &[&str],
        mut f: impl FnMut(&Rows<'_>) -> Result<(), InspectError>,
    ) -> Result<(), InspectError> {
        let Some(entry) = self.manifest.tables.get(table) else {
            return Ok(());
        };
        for file in &entry.files {
            let path = self.dir.join(&file.path);
            if !file.path.ends_with(".parquet") {
                return Err(InspectError::NotParquet { path });
            }
            let parquet_error = |e: parquet::errors::ParquetError| InspectError::Parquet {
                path: path.clone(),
                message: e.to_string(),
            };
            let handle = File::open(&path).map_err(|source| InspectError::Open {
                path: path.clone(),
                source,
            })?;
            let builder =
                ParquetRecordBatchReaderBuilder::try_new(handle).map_err(parquet_error)?;
            let mut roots = Vec::with_capacity(columns.len());
            for &column in columns {
                let index =
                    builder
                        .schema()
                        .index_of(column)
                        .map_err(|_| InspectError::MissingColumn {
                            path: path.clone(),
                            table: table.to_owned(),
                            column: column.to_owned(),
                        })?;
                roots.push(index);
            }
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            let reader = builder
                .with_projection(mask)
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(parquet_error)?;
            for batch in reader {
                let batch = batch.map_err(|e| InspectError::Parquet {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                f(&Rows { path: &path, batch })?;
            }
        }
        Ok(())
    }
}

/// One decoded batch and the file it came from, with typed column access.
pub(crate) struct Rows<'a> {
    path: &'a Path,
    batch: RecordBatch,
}

impl Rows<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batch.num_rows()
    }

    /// The file the rows come from.
    pub fn path(&self) -> PathBuf {
        self.path.to_owned()
    }

    /// Values of an Int64 column.
    pub fn i64s(&self, name: &str) -> Result<&[i64], InspectError> {
        let column = self.column(name, "Int64", |t| *t == DataType::Int64)?;
        Ok(&column.as_primitive::<Int64Type>().values()[..])
    }

    /// Values of a Float64 column.
    pub fn f64s(&self, name: &str) -> Result<&[f64], InspectError> {
        let column = self.column(name, "Float64", |t| *t == DataType::Float64)?;
        Ok(&column.as_primitive::<Float64Type>().values()[..])
    }

    /// Values of a timestamp column in whole seconds since the Unix epoch (Parquet has no
    /// seconds unit, so `TimestampSeconds` columns come back in milliseconds).
    pub fn seconds(&self, name: &str) -> Result<Vec<i64>, InspectError> {
        let column = self.column(name, "Timestamp", |t| matches!(t, DataType::Timestamp(..)))?;
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

    /// A Utf8 column.
    pub fn strings(&self, name: &str) -> Result<&StringArray, InspectError> {
        let column = self.column(name, "Utf8", |t| *t == DataType::Utf8)?;
        Ok(column.as_string::<i32>())
    }

    /// Error for a bad value in column `name`.
    pub fn bad_value(&self, name: &str, message: String) -> InspectError {
        InspectError::Value {
            path: self.path(),
            column: name.to_owned(),
            message,
        }
    }

    /// A Utf8 column that may hold nulls (a null reads as "").
    pub fn nullable_strings(&self, name: &str) -> Result<&StringArray, InspectError> {
        let column = self.typed(name, "Utf8", |t| *t == DataType::Utf8)?;
        Ok(column.as_string::<i32>())
    }

    /// A non-null column of the expected type.
    fn column(
        &self,
        name: &str,
        expected: &'static str,
        ok: impl Fn(&DataType) -> bool,
    ) -> Result<&dyn Array, InspectError> {
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
    ) -> Result<&dyn Array, InspectError> {
        let column = self
            .batch
            .column_by_name(name)
            .expect("scanned columns are projected");
        if !ok(column.data_type()) {
            return Err(InspectError::ColumnType {
                path: self.path(),
                column: name.to_owned(),
                expected,
                found: column.data_type().to_string(),
            });
        }
        Ok(column.as_ref())
    }
}
