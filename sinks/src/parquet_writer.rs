//! Deterministic Parquet (and GeoParquet) encoding of one batch.

use std::io::Write;
use std::sync::Arc;

use parquet::arrow::ArrowWriter;
use parquet::basic::{Encoding, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::schema::types::ColumnPath;
use telcosynth_generator::columnar::{Batch, ColumnKind, TableSchema};

use crate::arrow_convert::{arrow_schema, to_record_batch};
use crate::geoparquet::{GEO_KEY, geo_metadata};

/// Rows per Parquet row group, at most.
pub const MAX_ROW_GROUP_ROWS: usize = 1024 * 1024;

/// Block compression of Parquet pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Compression {
    /// Zstandard at level 1.
    #[default]
    Zstd,
    /// Uncompressed.
    None,
}

/// Writer properties for a table: Parquet 2.0 pages, delta-encoded integers and times,
/// dictionaries only for low-cardinality and repeated columns, page statistics, fixed row-group size,
/// and `extra` key-value metadata. Nothing depends on the clock or the machine.
pub fn writer_properties(
    schema: &TableSchema,
    compression: Compression,
    extra: Vec<KeyValue>,
) -> WriterProperties {
    let compression = match compression {
        Compression::Zstd => parquet::basic::Compression::ZSTD(
            ZstdLevel::try_new(1).expect("1 is a valid zstd level"),
        ),
        Compression::None => parquet::basic::Compression::UNCOMPRESSED,
    };
    let mut builder = WriterProperties::builder()
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_compression(compression)
        .set_max_row_group_row_count(Some(MAX_ROW_GROUP_ROWS))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_dictionary_enabled(false)
        .set_key_value_metadata((!extra.is_empty()).then_some(extra));
    for column in schema.columns {
        let path = ColumnPath::from(column.name);
        if column.low_cardinality || column.repeated {
            builder = builder.set_column_dictionary_enabled(path.clone(), true);
        }
        if matches!(
            column.kind,
            ColumnKind::Int8
                | ColumnKind::Int16
                | ColumnKind::Int32
                | ColumnKind::Int64
                | ColumnKind::Date
                | ColumnKind::TimestampSeconds
        ) {
            builder = builder.set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        }
    }
    builder.build()
}

/// Writes one batch as a complete Parquet file to `out` and returns `out`.
///
/// Tables with a point column get GeoParquet 1.1 `geo` metadata. The same batch always
/// yields the same bytes.
pub fn write_parquet<W: Write + Send>(
    out: W,
    batch: Batch,
    compression: Compression,
) -> Result<W, ParquetError> {
    let extra = geo_metadata(&batch)
        .map(|geo| KeyValue::new(GEO_KEY.to_owned(), geo))
        .into_iter()
        .collect();
    let props = writer_properties(batch.schema, compression, extra);
    let schema = Arc::new(arrow_schema(batch.schema));
    let mut writer = ArrowWriter::try_new(out, schema, Some(props))?;
    writer.write(&to_record_batch(batch))?;
    writer.into_inner()
}
