//! Truth table `faults`: every data-quality fault injected into the operator's records.

use crate::columnar::schema::ColumnKind::*;
use crate::columnar::{Batch, Column, ColumnBuffer, ColumnData, StringColumn, TableSchema, View};

/// Schema of `faults`.
pub static FAULTS: TableSchema = TableSchema {
    name: "faults",
    view: View::Truth,
    doc: "One row per data-quality fault injected into `cdr` or `ip_sessions` (ground truth; written only by a scenario with `[faults]`, see docs/FAULTS.md). Undoing every row gives back the clean records exactly.",
    columns: &[
        Column::new(
            "kind",
            Utf8,
            "exact_duplicate, near_duplicate, cell_missing, cell_unknown, cell_other_operator, clock_skew, long_call_split, long_session_split, late_arrival, identifier_malformed, number_format, out_of_order or location_far.",
        )
        .categorical(),
        Column::new("table", Utf8, "cdr or ip_sessions.").categorical(),
        Column::new(
            "record_id",
            Int64,
            "record_id of the faulty row in the operator's table (a new id for a near-duplicate or a later part of a split call or data record).",
        ),
        Column::new(
            "original_record_id",
            Int64,
            "record_id of the clean record the fault was made from.",
        ),
        Column::new(
            "day",
            Date,
            "Local day of the clean record's partition.",
        ),
        Column::new(
            "written_day",
            Date,
            "Local day of the partition the faulty row is written into (the next day for a late arrival).",
        ),
        Column::new(
            "column",
            Utf8,
            "The column whose value the fault changed (several comma-separated); null when it changed no value (a duplicate, a split record's later part, a late or displaced row).",
        )
        .nullable()
        .categorical(),
        Column::new(
            "original_value",
            Utf8,
            "The clean value of `column` as text (timestamps in Unix seconds; several columns' values comma-separated, in the order of `column`); null when no value changed.",
        )
        .nullable(),
        Column::new(
            "new_value",
            Utf8,
            "The value written instead, as text, null when it is null; for a split record's later part, `part K of N`; for a displaced row, the positions it moved by.",
        )
        .nullable(),
        Column::new(
            "site_id",
            Int32,
            "The site (cells.site_id) whose clock is skewed, for clock_skew; null otherwise.",
        )
        .nullable(),
    ],
    sort_key: None,
};

/// One row of `faults`.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRow {
    /// Fault kind.
    pub kind: &'static str,
    /// Table of the faulty row.
    pub table: &'static str,
    /// Id of the faulty row.
    pub record_id: i64,
    /// Id of the clean record.
    pub original_record_id: i64,
    /// Day of the clean record, days since 1970-01-01.
    pub day: i32,
    /// Day the row is written under, days since 1970-01-01.
    pub written_day: i32,
    /// Changed column, if any.
    pub column: Option<&'static str>,
    /// Clean value of the column, as text.
    pub original_value: Option<String>,
    /// Value written instead, as text.
    pub new_value: Option<String>,
    /// Skewed site.
    pub site_id: Option<i32>,
}

/// The `faults` batch of `rows`, in their order.
pub(crate) fn faults_batch(rows: &[FaultRow]) -> Batch {
    let n = rows.len();
    let text = |avg| StringColumn::with_capacity(n, avg);
    let (mut kind, mut table, mut column, mut original, mut new) =
        (text(12), text(5), text(8), text(12), text(12));
    let (mut id, mut original_id, mut day, mut written, mut site) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut has_column, mut has_original, mut has_new) = (vec![], vec![], vec![]);
    for r in rows {
        kind.push(r.kind);
        table.push(r.table);
        id.push(r.record_id);
        original_id.push(r.original_record_id);
        day.push(r.day);
        written.push(r.written_day);
        column.push(r.column.unwrap_or(""));
        has_column.push(r.column.is_some());
        original.push(r.original_value.as_deref().unwrap_or(""));
        has_original.push(r.original_value.is_some());
        new.push(r.new_value.as_deref().unwrap_or(""));
        has_new.push(r.new_value.is_some());
        site.push(r.site_id.unwrap_or(0));
    }
    let has_site: Vec<bool> = rows.iter().map(|r| r.site_id.is_some()).collect();
    let utf8 = |c| ColumnBuffer::from(ColumnData::Utf8(c));
    Batch::new(
        &FAULTS,
        vec![
            utf8(kind),
            utf8(table),
            ColumnData::Int64(id).into(),
            ColumnData::Int64(original_id).into(),
            ColumnData::Date(day).into(),
            ColumnData::Date(written).into(),
            ColumnBuffer::with_nulls(ColumnData::Utf8(column), &has_column),
            ColumnBuffer::with_nulls(ColumnData::Utf8(original), &has_original),
            ColumnBuffer::with_nulls(ColumnData::Utf8(new), &has_new),
            ColumnBuffer::with_nulls(ColumnData::Int32(site), &has_site),
        ],
    )
}
