//! Parquet, GeoParquet and CSV encoding of one batch.

mod common;

use std::fs::File;
use std::io::Write;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMillisecondType,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use common::{DAY, EIGHT_AM, EVERY_KIND, every_kind_batch};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::{Compression as ParquetCompression, Encoding};
use parquet::file::metadata::ParquetMetaData;
use telcosynth_generator::columnar::{
    Batch, Column, ColumnData, ColumnKind, StringColumn, TableSchema, View,
};
use telcosynth_sinks::{
    Compression, GEO_KEY, to_record_batch, wkb_point, write_csv, write_parquet,
};

/// Writes `bytes` to a temporary file and reads it back: the file's metadata and its single batch.
fn read_parquet(bytes: &[u8]) -> (ParquetMetaData, RecordBatch) {
    let mut file = tempfile::tempfile().unwrap();
    file.write_all(bytes).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let metadata = builder.metadata().as_ref().clone();
    let batches: Vec<_> = builder.build().unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(batches.len(), 1);
    (metadata, batches.into_iter().next().unwrap())
}

fn parquet_bytes(compression: Compression) -> Vec<u8> {
    write_parquet(Vec::new(), every_kind_batch(), compression).unwrap()
}

#[test]
fn parquet_round_trip_keeps_every_kind_and_null() {
    for compression in [Compression::Zstd, Compression::None] {
        let (_, read) = read_parquet(&parquet_bytes(compression));
        let expected = to_record_batch(every_kind_batch());
        assert_eq!(read.schema().fields(), expected.schema().fields());
        assert_eq!(read.columns(), expected.columns());

        // Spot checks that do not rely on the converter being right.
        let col = |name: &str| read.column_by_name(name).unwrap();
        assert_eq!(col("id").as_primitive::<Int64Type>().values(), &[1, 2, 3]);
        assert_eq!(col("i8").as_primitive::<Int8Type>().value(2), 127);
        assert_eq!(
            col("i16").as_primitive::<Int16Type>().values(),
            &[16, -16, 0]
        );
        assert_eq!(col("i32").as_primitive::<Int32Type>().value(2), -32);
        assert_eq!(col("amount").as_primitive::<Float64Type>().value(0), 1.5);
        assert!(col("active").as_boolean().value(0));
        assert_eq!(col("name").as_string::<i32>().value(0), "Tan, \"Ah\" Kow");
        assert_eq!(col("kind").as_string::<i32>().value(1), "sms");
        assert_eq!(col("day").as_primitive::<Date32Type>().value(0), DAY);
        assert_eq!(
            col("at").data_type(),
            &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        );
        assert_eq!(
            col("at")
                .as_primitive::<TimestampMillisecondType>()
                .value(2),
            (EIGHT_AM + 61) * 1_000
        );
        let wkb = col("location").as_binary::<i32>().value(0);
        let mut expected_wkb = vec![1, 1, 0, 0, 0];
        expected_wkb.extend(101.6869f64.to_le_bytes());
        expected_wkb.extend(3.139f64.to_le_bytes());
        assert_eq!(wkb, expected_wkb);
        assert_eq!(wkb, wkb_point((101.6869, 3.139)));
        for column in EVERY_KIND.columns {
            let array = col(column.name);
            let nulls = if column.nullable { 1 } else { 0 };
            assert_eq!(array.null_count(), nulls, "{}", column.name);
            assert_eq!(array.is_null(1), column.nullable, "{}", column.name);
        }
    }
}

#[test]
fn parquet_uses_the_chosen_settings() {
    let (metadata, _) = read_parquet(&parquet_bytes(Compression::Zstd));
    assert_eq!(metadata.file_metadata().version(), 2);
    assert_eq!(metadata.file_metadata().num_rows(), 3);
    let row_group = metadata.row_group(0);
    for (i, column) in EVERY_KIND.columns.iter().enumerate() {
        let chunk = row_group.column(i);
        assert!(
            matches!(chunk.compression(), ParquetCompression::ZSTD(_)),
            "{}",
            column.name
        );
        assert!(chunk.statistics().is_some(), "{}: statistics", column.name);
        assert_eq!(
            chunk.dictionary_page_offset().is_some(),
            column.low_cardinality || column.repeated,
            "{}: dictionary",
            column.name
        );
    }
    let encodings = |name: &str| {
        let chunk = row_group.column(
            EVERY_KIND
                .columns
                .iter()
                .position(|c| c.name == name)
                .unwrap(),
        );
        chunk.encodings().collect::<Vec<_>>()
    };
    for name in ["id", "i8", "i16", "i32", "day", "at"] {
        assert!(
            encodings(name).contains(&Encoding::DELTA_BINARY_PACKED),
            "{name}"
        );
    }
    assert!(!encodings("amount").contains(&Encoding::RLE_DICTIONARY));

    let (metadata, _) = read_parquet(&parquet_bytes(Compression::None));
    let compression = metadata.row_group(0).column(0).compression();
    assert_eq!(compression, ParquetCompression::UNCOMPRESSED);
}

/// A table whose identifier column repeats its values, as the served identifiers of a block do.
static REPEATED: TableSchema = TableSchema {
    name: "repeated",
    view: View::Operator,
    doc: "a repeated identifier",
    columns: &[Column::new("msisdn", ColumnKind::Utf8, "a number").repeated()],
    sort_key: None,
};

/// A repeated column is written with a dictionary page and read back as plain strings, the
/// type its schema declares.
#[test]
fn repeated_strings_are_dictionary_pages_read_as_strings() {
    let mut numbers = StringColumn::default();
    let values: Vec<String> = (0..1_000).map(|i| format!("+6012{:07}", i % 7)).collect();
    values.iter().for_each(|v| numbers.push(v));
    let batch = Batch::new(&REPEATED, vec![ColumnData::Utf8(numbers).into()]);
    let bytes = write_parquet(Vec::new(), batch, Compression::Zstd).unwrap();
    let (metadata, read) = read_parquet(&bytes);
    let chunk = metadata.row_group(0).column(0);
    assert!(chunk.dictionary_page_offset().is_some());
    assert!(chunk.encodings().any(|e| e == Encoding::RLE_DICTIONARY));
    assert_eq!(read.schema().field(0).data_type(), &DataType::Utf8);
    let read: Vec<&str> = read.column(0).as_string::<i32>().iter().flatten().collect();
    assert_eq!(read, values);
}

#[test]
fn same_batch_gives_identical_bytes() {
    assert_eq!(
        parquet_bytes(Compression::Zstd),
        parquet_bytes(Compression::Zstd)
    );
    assert_eq!(
        parquet_bytes(Compression::None),
        parquet_bytes(Compression::None)
    );
    let csv = || write_csv(Vec::new(), every_kind_batch()).unwrap();
    assert_eq!(csv(), csv());
}

#[test]
fn geoparquet_metadata_names_the_point_column_and_its_bbox() {
    let (metadata, _) = read_parquet(&parquet_bytes(Compression::Zstd));
    let kv = metadata.file_metadata().key_value_metadata().unwrap();
    let geo = kv.iter().find(|kv| kv.key == GEO_KEY).unwrap();
    let geo: serde_json::Value = serde_json::from_str(geo.value.as_deref().unwrap()).unwrap();
    assert_eq!(
        geo,
        serde_json::json!({
            "version": "1.1.0",
            "primary_column": "location",
            "columns": {
                "location": {
                    "encoding": "WKB",
                    "geometry_types": ["Point"],
                    // The null row's placeholder (-50, -50) is left out.
                    "bbox": [100.3327, 3.139, 101.6869, 5.4164],
                }
            }
        })
    );
}

#[test]
fn table_without_points_has_no_geo_metadata() {
    use telcosynth_generator::columnar::{
        Batch, Column, ColumnData, ColumnKind, TableSchema, View,
    };
    static PLAIN: TableSchema = TableSchema {
        name: "plain",
        view: View::Truth,
        doc: "no geometry",
        columns: &[Column::new("n", ColumnKind::Int32, "a number")],
        sort_key: None,
    };
    let batch = Batch::new(&PLAIN, vec![ColumnData::Int32(vec![1]).into()]);
    let (metadata, _) = read_parquet(&write_parquet(Vec::new(), batch, Compression::Zstd).unwrap());
    let kv = metadata.file_metadata().key_value_metadata().unwrap();
    assert!(kv.iter().all(|kv| kv.key != GEO_KEY));
}

#[test]
fn csv_text_has_header_rfc3339_wkt_and_empty_nulls() {
    let text = String::from_utf8(write_csv(Vec::new(), every_kind_batch()).unwrap()).unwrap();
    assert_eq!(
        text,
        "id,i8,i16,i32,amount,active,name,kind,day,at,location\n\
         1,-8,16,32,1.5,true,\"Tan, \"\"Ah\"\" Kow\",voice,2025-01-06,2025-01-06T08:00:00Z,POINT(101.6869 3.139)\n\
         2,,-16,,,,,sms,,,\n\
         3,127,0,-32,100.0,false,Siti,voice,2025-01-07,2025-01-06T08:01:01Z,POINT(100.3327 5.4164)\n"
    );
}

#[test]
fn empty_batch_writes_a_header_or_an_empty_table() {
    use telcosynth_generator::columnar::{Batch, ColumnBuffer, ColumnData};
    let empty = |data: &ColumnData| -> ColumnBuffer {
        let data = match data {
            ColumnData::Int8(_) => ColumnData::Int8(vec![]),
            ColumnData::Int16(_) => ColumnData::Int16(vec![]),
            ColumnData::Int32(_) => ColumnData::Int32(vec![]),
            ColumnData::Int64(_) => ColumnData::Int64(vec![]),
            ColumnData::Float64(_) => ColumnData::Float64(vec![]),
            ColumnData::Bool(_) => ColumnData::Bool(vec![]),
            ColumnData::Utf8(_) => ColumnData::Utf8(Default::default()),
            ColumnData::Date(_) => ColumnData::Date(vec![]),
            ColumnData::TimestampSeconds(_) => ColumnData::TimestampSeconds(vec![]),
            ColumnData::Point(_) => ColumnData::Point(vec![]),
        };
        data.into()
    };
    let columns = every_kind_batch()
        .columns
        .iter()
        .map(|c| empty(&c.data))
        .collect();
    let batch = Batch::new(&EVERY_KIND, columns);

    let text = String::from_utf8(write_csv(Vec::new(), batch.clone()).unwrap()).unwrap();
    assert_eq!(
        text,
        "id,i8,i16,i32,amount,active,name,kind,day,at,location\n"
    );

    let mut file = tempfile::tempfile().unwrap();
    file.write_all(&write_parquet(Vec::new(), batch, Compression::Zstd).unwrap())
        .unwrap();
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(File::try_clone(&file).unwrap()).unwrap();
    assert_eq!(builder.metadata().file_metadata().num_rows(), 0);
    let geo = builder
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap();
    let geo = geo
        .iter()
        .find(|kv| kv.key == GEO_KEY)
        .unwrap()
        .value
        .clone()
        .unwrap();
    assert!(!geo.contains("bbox"), "no points, no bbox: {geo}");
}
