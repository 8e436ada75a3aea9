//! Fingerprints of data files: a digest per column and per chunk of rows, so that a file that
//! differs from a published reference can be narrowed down to its columns and rows without
//! the reference's data.
//!
//! Digests are over the decoded values, not the bytes: they do not depend on how the reader
//! splits a file into batches, and a difference in one value changes exactly one chunk digest
//! and one column digest.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimestampMillisecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrowPrimitiveType, RecordBatchReader};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::SinkFailure;

/// Chunks per file a reference aims for: enough to point at a small row range, few enough to
/// keep the published fingerprints small.
pub const CHUNKS_PER_FILE: u64 = 32;

/// Smallest chunk, in rows.
pub const MIN_CHUNK_ROWS: u64 = 256;

/// Rows per chunk for a file of `rows` rows.
pub fn chunk_rows_for(rows: u64) -> u64 {
    rows.div_ceil(CHUNKS_PER_FILE).max(MIN_CHUNK_ROWS)
}

/// Value digests of one data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFingerprint {
    /// Rows in the file.
    pub rows: u64,
    /// Rows per chunk (the last chunk may be shorter).
    pub chunk_rows: u64,
    /// Digest of every column's values, by column name (CSV files: one entry, `*`, for lines).
    pub columns: BTreeMap<String, String>,
    /// Digest of every chunk of rows, in file order.
    pub chunks: Vec<String>,
}

impl FileFingerprint {
    /// Where `found` differs from `self` (the reference): the columns whose digests differ and
    /// the row range of the first differing chunk.
    pub fn differences(&self, found: &FileFingerprint) -> (Vec<String>, Option<(u64, u64)>) {
        let mut columns: Vec<String> = self
            .columns
            .iter()
            .filter(|(name, digest)| found.columns.get(*name) != Some(*digest))
            .map(|(name, _)| name.clone())
            .collect();
        columns.extend(
            found
                .columns
                .keys()
                .filter(|name| !self.columns.contains_key(*name))
                .cloned(),
        );
        let chunk_count = self.chunks.len().max(found.chunks.len());
        let first = (0..chunk_count).find(|&i| self.chunks.get(i) != found.chunks.get(i));
        let range = first.map(|i| {
            let start = i as u64 * self.chunk_rows;
            let end = (start + self.chunk_rows).min(self.rows.max(found.rows));
            (start, end.max(start + 1) - 1)
        });
        (columns, range)
    }
}

/// Fingerprints the Parquet or CSV file at `path` with chunks of `chunk_rows` rows.
pub fn fingerprint_file(path: &Path, chunk_rows: u64) -> Result<FileFingerprint, SinkFailure> {
    let chunk_rows = chunk_rows.max(1);
    if path.extension().is_some_and(|e| e == "csv") {
        return fingerprint_csv(path, chunk_rows);
    }
    let file = File::open(path).map_err(SinkFailure::io("open", path))?;
    let parquet_error = |source| SinkFailure::Parquet {
        path: path.to_owned(),
        source,
    };
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(parquet_error)?
        .with_batch_size(8192)
        .build()
        .map_err(parquet_error)?;
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let mut state = Digests::new(names.len(), chunk_rows);
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(e.into()))?;
        let mut offset = 0;
        while offset < batch.num_rows() {
            let take = state.room().min((batch.num_rows() - offset) as u64) as usize;
            for (column, array) in batch.columns().iter().enumerate() {
                hash_values(
                    &mut state.chunk[column],
                    &mut state.whole[column],
                    array.slice(offset, take).as_ref(),
                );
            }
            state.advance(take as u64);
            offset += take;
        }
    }
    Ok(state.finish(names))
}

/// CSV files are compared line by line after the header.
fn fingerprint_csv(path: &Path, chunk_rows: u64) -> Result<FileFingerprint, SinkFailure> {
    let file = File::open(path).map_err(SinkFailure::io("open", path))?;
    let mut state = Digests::new(1, chunk_rows);
    for line in BufReader::new(file).lines().skip(1) {
        let line = line.map_err(SinkFailure::io("read", path))?;
        state.chunk[0].update(line.as_bytes());
        state.chunk[0].update(b"\n");
        state.whole[0].update(line.as_bytes());
        state.whole[0].update(b"\n");
        state.advance(1);
    }
    Ok(state.finish(vec!["*".into()]))
}

/// Running digests: per column over the whole file, and per column over the current chunk.
struct Digests {
    whole: Vec<Sha256>,
    chunk: Vec<Sha256>,
    chunk_rows: u64,
    in_chunk: u64,
    rows: u64,
    chunks: Vec<String>,
}

impl Digests {
    fn new(columns: usize, chunk_rows: u64) -> Self {
        Digests {
            whole: vec![Sha256::new(); columns],
            chunk: vec![Sha256::new(); columns],
            chunk_rows,
            in_chunk: 0,
            rows: 0,
            chunks: Vec::new(),
        }
    }

    /// Rows left in the current chunk.
    fn room(&self) -> u64 {
        self.chunk_rows - self.in_chunk
    }

    fn advance(&mut self, rows: u64) {
        self.in_chunk += rows;
        self.rows += rows;
        if self.in_chunk == self.chunk_rows {
            self.close_chunk();
        }
    }

    fn close_chunk(&mut self) {
        let mut combined = Sha256::new();
        for hasher in &mut self.chunk {
            combined.update(std::mem::take(hasher).finalize());
        }
        self.chunks.push(short_hex(&combined.finalize()));
        self.in_chunk = 0;
    }

    fn finish(mut self, names: Vec<String>) -> FileFingerprint {
        if self.in_chunk > 0 {
            self.close_chunk();
        }
        let columns = names
            .into_iter()
            .zip(self.whole)
            .map(|(name, hasher)| (name, short_hex(&hasher.finalize())))
            .collect();
        FileFingerprint {
            rows: self.rows,
            chunk_rows: self.chunk_rows,
            columns,
            chunks: self.chunks,
        }
    }
}

/// First 16 hex digits of a digest: plenty to tell versions of one file apart.
fn short_hex(digest: &[u8]) -> String {
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds every value of `array` (a null as a marker byte) into both hashers.
fn hash_values(chunk: &mut Sha256, whole: &mut Sha256, array: &dyn Array) {
    let mut feed = |bytes: &[u8]| {
        chunk.update(bytes);
        whole.update(bytes);
    };
    for row in 0..array.len() {
        if array.is_null(row) {
            feed(&[0]);
            continue;
        }
        feed(&[1]);
        match array.data_type() {
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let text = arrow_cast_str(array, row);
                feed(&(text.len() as u64).to_le_bytes());
                feed(text.as_bytes());
            }
            DataType::Binary => {
                let bytes = array.as_binary::<i32>().value(row);
                feed(&(bytes.len() as u64).to_le_bytes());
                feed(bytes);
            }
            DataType::Boolean => feed(&[array.as_boolean().value(row) as u8]),
            DataType::Int8 => feed(&primitive::<Int8Type>(array, row).to_le_bytes()),
            DataType::Int16 => feed(&primitive::<Int16Type>(array, row).to_le_bytes()),
            DataType::Int32 => feed(&primitive::<Int32Type>(array, row).to_le_bytes()),
            DataType::Int64 => feed(&primitive::<Int64Type>(array, row).to_le_bytes()),
            DataType::UInt8 => feed(&primitive::<UInt8Type>(array, row).to_le_bytes()),
            DataType::UInt16 => feed(&primitive::<UInt16Type>(array, row).to_le_bytes()),
            DataType::UInt32 => feed(&primitive::<UInt32Type>(array, row).to_le_bytes()),
            DataType::UInt64 => feed(&primitive::<UInt64Type>(array, row).to_le_bytes()),
            DataType::Float32 => {
                feed(&primitive::<Float32Type>(array, row).to_bits().to_le_bytes())
            }
            DataType::Float64 => {
                feed(&primitive::<Float64Type>(array, row).to_bits().to_le_bytes())
            }
            DataType::Date32 => feed(&primitive::<Date32Type>(array, row).to_le_bytes()),
            DataType::Timestamp(TimeUnit::Second, _) => {
                feed(&primitive::<TimestampSecondType>(array, row).to_le_bytes())
            }
            DataType::Timestamp(TimeUnit::Millisecond, _) => {
                feed(&primitive::<TimestampMillisecondType>(array, row).to_le_bytes())
            }
            // Types the writers never produce: compare their debug rendering.
            _ => feed(format!("{:?}", array.slice(row, 1)).as_bytes()),
        }
    }
}

fn primitive<T: ArrowPrimitiveType>(array: &dyn Array, row: usize) -> T::Native {
    array.as_primitive::<T>().value(row)
}

fn arrow_cast_str(array: &dyn Array, row: usize) -> &str {
    match array.data_type() {
        DataType::LargeUtf8 => array.as_string::<i64>().value(row),
        DataType::Utf8View => array.as_string_view().value(row),
        _ => array.as_string::<i32>().value(row),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Int64Array, RecordBatch, StringArray};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::ArrowWriter;

    use super::*;

    fn write(path: &Path, ids: Vec<i64>, names: Vec<&str>, row_group: usize) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from(ids)),
                Arc::new(StringArray::from(names)),
            ],
        )
        .unwrap();
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(row_group))
            .build();
        let mut writer =
            ArrowWriter::try_new(File::create(path).unwrap(), schema, Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
    }

    #[test]
    fn one_changed_value_names_its_column_and_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<i64> = (0..1000).collect();
        let names: Vec<String> = (0..1000).map(|i| format!("n{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let (a, b, c) = (
            dir.path().join("a.parquet"),
            dir.path().join("b.parquet"),
            dir.path().join("c.parquet"),
        );
        write(&a, ids.clone(), names.clone(), 1000);
        // Same values, other row groups: same fingerprint.
        write(&b, ids.clone(), names.clone(), 97);
        let mut changed = names.clone();
        changed[700] = "other";
        write(&c, ids, changed, 1000);

        let reference = fingerprint_file(&a, 256).unwrap();
        assert_eq!(reference.rows, 1000);
        assert_eq!(reference.chunks.len(), 4);
        assert_eq!(fingerprint_file(&b, 256).unwrap(), reference);
        let found = fingerprint_file(&c, 256).unwrap();
        assert_eq!(
            reference.differences(&found),
            (vec!["name".to_owned()], Some((512, 767)))
        );
        assert_eq!(reference.differences(&reference), (vec![], None));
    }

    #[test]
    fn chunk_size_grows_with_the_file() {
        assert_eq!(chunk_rows_for(10), MIN_CHUNK_ROWS);
        assert_eq!(chunk_rows_for(32_000), 1000);
        assert!(chunk_rows_for(1_000_001) * CHUNKS_PER_FILE >= 1_000_001);
    }
}
