//! A table with every column kind and a sample batch of it, shared by the integration tests.

use telcosynth_generator::columnar::{
    Batch, Column, ColumnBuffer, ColumnData, ColumnKind, StringColumn, TableSchema, View,
};

static EVERY_KIND_COLUMNS: &[Column] = &[
    Column::new("id", ColumnKind::Int64, "row id"),
    Column::new("i8", ColumnKind::Int8, "an 8-bit value").nullable(),
    Column::new("i16", ColumnKind::Int16, "a 16-bit value"),
    Column::new("i32", ColumnKind::Int32, "a 32-bit value").nullable(),
    Column::new("amount", ColumnKind::Float64, "a float").nullable(),
    Column::new("active", ColumnKind::Bool, "a flag").nullable(),
    Column::new("name", ColumnKind::Utf8, "free text").nullable(),
    Column::new("kind", ColumnKind::Utf8, "a category").categorical(),
    Column::new("day", ColumnKind::Date, "a date").nullable(),
    Column::new("at", ColumnKind::TimestampSeconds, "an instant").nullable(),
    Column::new("location", ColumnKind::PointWkb, "where").nullable(),
];

/// A table with one column of every kind, most of them nullable.
pub static EVERY_KIND: TableSchema = TableSchema {
    name: "every_kind",
    view: View::Operator,
    doc: "one column of every kind",
    columns: EVERY_KIND_COLUMNS,
    sort_key: Some("id"),
};

/// 2025-01-06 as days since 1970-01-01.
pub const DAY: i32 = 20094;
/// 2025-01-06T08:00:00Z as seconds since the epoch.
pub const EIGHT_AM: i64 = 1_736_150_400;

/// Three rows; the middle one is null in every nullable column (with non-zero placeholders).
pub fn every_kind_batch() -> Batch {
    let valid = || Some(vec![true, false, true]);
    let mut names = StringColumn::with_capacity(3, 16);
    names.push("Tan, \"Ah\" Kow");
    names.push("placeholder");
    names.push("Siti");
    let mut kinds = StringColumn::default();
    for kind in ["voice", "sms", "voice"] {
        kinds.push(kind);
    }
    let column = |data, validity| ColumnBuffer { data, validity };
    Batch::new(
        &EVERY_KIND,
        vec![
            ColumnData::Int64(vec![1, 2, 3]).into(),
            column(ColumnData::Int8(vec![-8, 9, 127]), valid()),
            ColumnData::Int16(vec![16, -16, 0]).into(),
            column(ColumnData::Int32(vec![32, 7, -32]), valid()),
            column(ColumnData::Float64(vec![1.5, 9.0, 100.0]), valid()),
            column(ColumnData::Bool(vec![true, true, false]), valid()),
            column(ColumnData::Utf8(names), valid()),
            ColumnData::Utf8(kinds).into(),
            column(ColumnData::Date(vec![DAY, 1, DAY + 1]), valid()),
            column(
                ColumnData::TimestampSeconds(vec![EIGHT_AM, 1, EIGHT_AM + 61]),
                valid(),
            ),
            column(
                ColumnData::Point(vec![(101.6869, 3.139), (-50.0, -50.0), (100.3327, 5.4164)]),
                valid(),
            ),
        ],
    )
}
