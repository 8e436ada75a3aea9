//! Rows of a faulty file as references to clean rows with edits, and the batch they make.

use crate::columnar::{Batch, ColumnBuffer, ColumnData, StringColumn};

/// A value written over a clean one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// Null.
    Null,
    /// Any integer, date or timestamp column.
    Int(i64),
    /// A float column.
    Float(f64),
    /// A text column.
    Text(String),
}

impl Value {
    /// The value as the `faults` table writes it (a null as the empty string, for a
    /// value that is never null).
    pub(super) fn text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(v) => v.to_string(),
            Value::Float(v) => v.to_string(),
            Value::Text(v) => v.clone(),
        }
    }
}

/// The value of column `col` in row `row` of `batch`.
pub(super) fn value(batch: &Batch, col: usize, row: usize) -> Value {
    let buffer = &batch.columns[col];
    if buffer.validity.as_ref().is_some_and(|v| !v[row]) {
        return Value::Null;
    }
    match &buffer.data {
        ColumnData::Int8(v) => Value::Int(i64::from(v[row])),
        ColumnData::Int16(v) => Value::Int(i64::from(v[row])),
        ColumnData::Int32(v) | ColumnData::Date(v) => Value::Int(i64::from(v[row])),
        ColumnData::Int64(v) | ColumnData::TimestampSeconds(v) => Value::Int(v[row]),
        ColumnData::Float64(v) => Value::Float(v[row]),
        ColumnData::Utf8(v) => Value::Text(v.get(row).to_owned()),
        ColumnData::Bool(_) | ColumnData::Point(_) => {
            unreachable!("record tables have no boolean or point column")
        }
    }
}

/// One row of a faulty file: row `row` of source batch `source`, with `edits` over it.
#[derive(Debug, Clone)]
pub(super) struct Row {
    /// Index of the source batch.
    pub(super) source: usize,
    /// Row in the source batch.
    pub(super) row: usize,
    /// (column index, value) written over the source's values.
    pub(super) edits: Vec<(usize, Value)>,
}

impl Row {
    /// The row's value of column `col`: its edit, or the source's value.
    pub(super) fn get(&self, sources: &[&Batch], col: usize) -> Value {
        match self.edits.iter().rev().find(|(c, _)| *c == col) {
            Some((_, v)) => v.clone(),
            None => value(sources[self.source], col, self.row),
        }
    }

    /// Writes `value` into column `col`.
    pub(super) fn set(&mut self, col: usize, value: Value) {
        self.edits.retain(|(c, _)| *c != col);
        self.edits.push((col, value));
    }
}

/// The batch of `rows`, in their order, with the schema of the sources.
pub(super) fn assemble(sources: &[&Batch], rows: &[Row]) -> Batch {
    let schema = sources[0].schema;
    let n = rows.len();
    let columns = (0..schema.columns.len())
        .map(|col| {
            let cell = |r: &Row| r.get(sources, col);
            let mut valid = Vec::with_capacity(n);
            macro_rules! ints {
                ($variant:ident, $ty:ty) => {
                    ColumnData::$variant(
                        rows.iter()
                            .map(|r| match cell(r) {
                                Value::Int(v) => {
                                    valid.push(true);
                                    <$ty>::try_from(v).expect("an edit keeps the column's range")
                                }
                                _ => {
                                    valid.push(false);
                                    0
                                }
                            })
                            .collect(),
                    )
                };
            }
            let data = match &sources[0].columns[col].data {
                ColumnData::Int8(_) => ints!(Int8, i8),
                ColumnData::Int16(_) => ints!(Int16, i16),
                ColumnData::Int32(_) => ints!(Int32, i32),
                ColumnData::Date(_) => ints!(Date, i32),
                ColumnData::Int64(_) => ints!(Int64, i64),
                ColumnData::TimestampSeconds(_) => ints!(TimestampSeconds, i64),
                ColumnData::Float64(_) => ColumnData::Float64(
                    rows.iter()
                        .map(|r| match cell(r) {
                            Value::Float(v) => {
                                valid.push(true);
                                v
                            }
                            _ => {
                                valid.push(false);
                                0.0
                            }
                        })
                        .collect(),
                ),
                ColumnData::Utf8(_) => {
                    // Text is copied from the source without an owned value per row.
                    let mut text = StringColumn::with_capacity(n, 12);
                    for r in rows {
                        let value = match r.edits.iter().rev().find(|(c, _)| *c == col) {
                            Some((_, Value::Text(v))) => Some(v.as_str()),
                            Some(_) => None,
                            None => {
                                let buffer = &sources[r.source].columns[col];
                                let ColumnData::Utf8(source) = &buffer.data else {
                                    unreachable!("a column keeps its kind")
                                };
                                let ok = buffer.validity.as_ref().is_none_or(|v| v[r.row]);
                                ok.then(|| source.get(r.row))
                            }
                        };
                        valid.push(value.is_some());
                        text.push(value.unwrap_or(""));
                    }
                    ColumnData::Utf8(text)
                }
                ColumnData::Bool(_) | ColumnData::Point(_) => {
                    unreachable!("record tables have no boolean or point column")
                }
            };
            ColumnBuffer::with_nulls(data, &valid)
        })
        .collect();
    Batch::new(schema, columns)
}
