//! CSV encoding of one batch.

use std::io::Write;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, TimestampSecondArray};
use arrow_schema::{ArrowError, Field, Schema};
use telcosynth_generator::columnar::{Batch, ColumnBuffer, ColumnData, StringColumn};

use crate::arrow_convert::{column_array, null_buffer};

/// Writes one batch as CSV with a header row to `out` and returns `out`.
///
/// Timestamps are RFC 3339 in UTC (`2025-01-06T08:00:00Z`), dates `YYYY-MM-DD`, points WKT
/// `POINT(lon lat)`, nulls empty, floats in their shortest round-trip form.
pub fn write_csv<W: Write>(out: W, batch: Batch) -> Result<W, ArrowError> {
    let mut writer = arrow_csv::WriterBuilder::new()
        .with_header(true)
        .with_date_format("%Y-%m-%d".to_owned())
        .with_timestamp_format("%Y-%m-%dT%H:%M:%SZ".to_owned())
        .build(out);
    writer.write(&csv_record_batch(batch)?)?;
    Ok(writer.into_inner())
}

/// The batch as Arrow arrays laid out for CSV: points as WKT text, timestamps without a
/// time-zone name (they are UTC; the format adds the `Z`).
fn csv_record_batch(batch: Batch) -> Result<RecordBatch, ArrowError> {
    let (fields, arrays): (Vec<_>, Vec<_>) = batch
        .schema
        .columns
        .iter()
        .zip(batch.columns)
        .map(|(column, buffer)| {
            let array: ArrayRef = match buffer.data {
                ColumnData::Point(points) => column_array(wkt_points(&points, buffer.validity)),
                ColumnData::TimestampSeconds(seconds) => Arc::new(TimestampSecondArray::new(
                    seconds.into(),
                    null_buffer(buffer.validity),
                )),
                _ => column_array(buffer),
            };
            (
                Field::new(column.name, array.data_type().clone(), column.nullable),
                array,
            )
        })
        .unzip();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
}

/// Points as WKT text; null rows stay null.
fn wkt_points(points: &[(f64, f64)], validity: Option<Vec<bool>>) -> ColumnBuffer {
    let mut text = StringColumn::with_capacity(points.len(), 40);
    for (i, (lon, lat)) in points.iter().enumerate() {
        if validity.as_ref().is_none_or(|v| v[i]) {
            text.push_fmt(format_args!("POINT({lon} {lat})"));
        } else {
            text.push("");
        }
    }
    ColumnBuffer {
        data: ColumnData::Utf8(text),
        validity,
    }
}
