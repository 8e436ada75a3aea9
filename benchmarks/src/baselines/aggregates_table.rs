//! The input's period and the contract's aggregates table, for the baselines that publish
//! aggregates.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::ArrowWriter;

use crate::error::HarnessError;
use crate::indicators::Row;
use crate::prepare::{Period, SCHEMA_FILE};

/// The period from the input's `schema.json`.
pub(super) fn period_from_schema(input: &Path) -> Result<Period, HarnessError> {
    let path = input.join(SCHEMA_FILE);
    let text = std::fs::read_to_string(&path).map_err(HarnessError::io("read", &path))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| HarnessError::Dataset(format!("{}: {e}", path.display())))?;
    let date = |key: &str| {
        doc["period"][key]
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| {
                HarnessError::Dataset(format!("{}: period.{key} is not a date", path.display()))
            })
    };
    Ok(Period::new(date("start")?, date("end")?))
}

/// Writes rows as the contract's aggregates table.
pub(super) fn write_rows(file: &Path, rows: &[&Row]) -> Result<(), HarnessError> {
    let ts = DataType::Timestamp(TimeUnit::Second, Some("UTC".into()));
    let schema = Arc::new(Schema::new(vec![
        Field::new("indicator", DataType::Utf8, false),
        Field::new("zone_level", DataType::Utf8, false),
        Field::new("zone_id", DataType::Utf8, false),
        Field::new("t_start", ts.clone(), false),
        Field::new("t_end", ts, false),
        Field::new("breakdown_key", DataType::Utf8, true),
        Field::new("breakdown_value", DataType::Utf8, true),
        Field::new("value", DataType::Float64, true),
    ]));
    let text = |f: &dyn Fn(&Row) -> Option<String>| -> ArrayRef {
        Arc::new(rows.iter().map(|r| f(r)).collect::<StringArray>())
    };
    let time = |f: &dyn Fn(&Row) -> i64| -> ArrayRef {
        Arc::new(
            TimestampSecondArray::from(rows.iter().map(|r| f(r)).collect::<Vec<i64>>())
                .with_timezone("UTC"),
        )
    };
    let columns: Vec<ArrayRef> = vec![
        text(&|r| Some(r.indicator.clone())),
        text(&|r| Some(r.zone_level.clone())),
        text(&|r| Some(r.zone_id.clone())),
        time(&|r| r.t_start),
        time(&|r| r.t_end),
        text(&|r| r.breakdown_key.clone()),
        text(&|r| r.breakdown_value.clone()),
        Arc::new(rows.iter().map(|r| r.value).collect::<Float64Array>()),
    ];
    let parquet = |source| HarnessError::Parquet {
        path: file.to_path_buf(),
        source,
    };
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(|e| parquet(e.into()))?;
    let out = File::create(file).map_err(HarnessError::io("create", file))?;
    let mut writer = ArrowWriter::try_new(out, schema, None).map_err(parquet)?;
    writer.write(&batch).map_err(parquet)?;
    writer.close().map_err(parquet)?;
    Ok(())
}
