//! Conversion of format-free [`Batch`]es into Arrow record batches.

use std::sync::Arc;

use arrow_array::types::{
    Date32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimestampMillisecondType,
};
use arrow_array::{ArrayRef, BinaryArray, BooleanArray, PrimitiveArray, RecordBatch, StringArray};
use arrow_buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use telcosynth_generator::columnar::{Batch, ColumnBuffer, ColumnData, ColumnKind, TableSchema};

/// Length in bytes of a little-endian WKB point: byte order, geometry type, x, y.
const WKB_POINT_LEN: usize = 21;

/// The Arrow type a column kind is written as.
pub fn data_type(kind: ColumnKind) -> DataType {
    match kind {
        ColumnKind::Int8 => DataType::Int8,
        ColumnKind::Int16 => DataType::Int16,
        ColumnKind::Int32 => DataType::Int32,
        ColumnKind::Int64 => DataType::Int64,
        ColumnKind::Float64 => DataType::Float64,
        ColumnKind::Bool => DataType::Boolean,
        ColumnKind::Utf8 => DataType::Utf8,
        ColumnKind::Date => DataType::Date32,
        ColumnKind::TimestampSeconds => {
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
        }
        ColumnKind::PointWkb => DataType::Binary,
    }
}

/// The Arrow schema of a table: one field per column, in order, with its nullability.
pub fn arrow_schema(schema: &TableSchema) -> Schema {
    Schema::new(
        schema
            .columns
            .iter()
            .map(|c| Field::new(c.name, data_type(c.kind), c.nullable))
            .collect::<Vec<_>>(),
    )
}

/// Converts a batch into an Arrow record batch, moving the value buffers rather than copying them
/// (booleans are bit-packed and points encoded as WKB, which needs new buffers).
pub fn to_record_batch(batch: Batch) -> RecordBatch {
    let schema = Arc::new(arrow_schema(batch.schema));
    let arrays = batch.columns.into_iter().map(column_array).collect();
    RecordBatch::try_new(schema, arrays).unwrap_or_else(|e| {
        panic!(
            "{}: batch does not match its schema: {e}",
            batch.schema.name
        )
    })
}

/// One column as an Arrow array of the type [`data_type`] gives its kind.
pub(crate) fn column_array(buffer: ColumnBuffer) -> ArrayRef {
    let nulls = null_buffer(buffer.validity);
    match buffer.data {
        ColumnData::Int8(v) => primitive::<Int8Type>(v, nulls),
        ColumnData::Int16(v) => primitive::<Int16Type>(v, nulls),
        ColumnData::Int32(v) => primitive::<Int32Type>(v, nulls),
        ColumnData::Int64(v) => primitive::<Int64Type>(v, nulls),
        ColumnData::Float64(v) => primitive::<Float64Type>(v, nulls),
        ColumnData::Date(v) => primitive::<Date32Type>(v, nulls),
        // Parquet has no seconds unit: written as milliseconds so readers see timestamps.
        ColumnData::TimestampSeconds(mut v) => {
            v.iter_mut().for_each(|s| *s *= 1_000);
            Arc::new(
                PrimitiveArray::<TimestampMillisecondType>::new(ScalarBuffer::from(v), nulls)
                    .with_timezone("UTC"),
            )
        }
        ColumnData::Bool(v) => Arc::new(BooleanArray::new(v.into(), nulls)),
        ColumnData::Utf8(s) => {
            let offsets = if s.offsets.is_empty() {
                OffsetBuffer::new_empty()
            } else {
                OffsetBuffer::new(ScalarBuffer::from(s.offsets))
            };
            Arc::new(StringArray::new(offsets, Buffer::from_vec(s.bytes), nulls))
        }
        ColumnData::Point(points) => Arc::new(wkb_points(&points, nulls)),
    }
}

/// An Arrow null buffer from per-row validity, or `None` when every row holds a value.
pub(crate) fn null_buffer(validity: Option<Vec<bool>>) -> Option<NullBuffer> {
    validity
        .map(NullBuffer::from)
        .filter(|n| n.null_count() > 0)
}

fn primitive<T: arrow_array::ArrowPrimitiveType>(
    values: Vec<T::Native>,
    nulls: Option<NullBuffer>,
) -> ArrayRef {
    Arc::new(PrimitiveArray::<T>::new(ScalarBuffer::from(values), nulls))
}

/// Points as little-endian WKB; null rows hold an empty value.
fn wkb_points(points: &[(f64, f64)], nulls: Option<NullBuffer>) -> BinaryArray {
    let valid = |i: usize| nulls.as_ref().is_none_or(|n| n.is_valid(i));
    let mut offsets = Vec::with_capacity(points.len() + 1);
    let mut bytes = Vec::with_capacity(points.len() * WKB_POINT_LEN);
    offsets.push(0i32);
    for (i, &point) in points.iter().enumerate() {
        if valid(i) {
            bytes.extend_from_slice(&wkb_point(point));
        }
        offsets.push(i32::try_from(bytes.len()).expect("point column over 2 GiB"));
    }
    BinaryArray::new(
        OffsetBuffer::new(offsets.into()),
        Buffer::from_vec(bytes),
        nulls,
    )
}

/// A (longitude, latitude) point as little-endian WKB.
pub fn wkb_point((lon, lat): (f64, f64)) -> [u8; WKB_POINT_LEN] {
    let mut wkb = [0u8; WKB_POINT_LEN];
    wkb[0] = 1; // little endian
    wkb[1..5].copy_from_slice(&1u32.to_le_bytes()); // Point
    wkb[5..13].copy_from_slice(&lon.to_le_bytes());
    wkb[13..21].copy_from_slice(&lat.to_le_bytes());
    wkb
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;

    #[test]
    fn wkb_point_layout() {
        let wkb = wkb_point((101.5, 3.25));
        assert_eq!(&wkb[..5], &[1, 1, 0, 0, 0]);
        assert_eq!(f64::from_le_bytes(wkb[5..13].try_into().unwrap()), 101.5);
        assert_eq!(f64::from_le_bytes(wkb[13..21].try_into().unwrap()), 3.25);
    }

    #[test]
    fn null_points_are_empty_and_all_valid_validity_is_dropped() {
        let array = column_array(ColumnBuffer {
            data: ColumnData::Point(vec![(1.0, 2.0), (0.0, 0.0)]),
            validity: Some(vec![true, false]),
        });
        let binary = array.as_any().downcast_ref::<BinaryArray>().unwrap();
        assert_eq!(binary.value(0), wkb_point((1.0, 2.0)));
        assert!(binary.is_null(1));
        assert_eq!(binary.value(1), b"");

        let array = column_array(ColumnBuffer {
            data: ColumnData::Int32(vec![1, 2]),
            validity: Some(vec![true, true]),
        });
        assert!(array.nulls().is_none());
    }
}
