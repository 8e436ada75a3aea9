//! Column buffers a table generator fills and a sink writes, with no format dependency.

use super::schema::{ColumnKind, TableSchema};

/// UTF-8 values stored as one byte buffer and an offset per value (Arrow's layout).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StringColumn {
    /// `offsets[i]..offsets[i + 1]` is value `i`; starts with 0.
    pub offsets: Vec<i32>,
    /// The concatenated bytes of all values.
    pub bytes: Vec<u8>,
}

impl StringColumn {
    /// An empty column with room for `rows` values of about `avg_len` bytes.
    pub fn with_capacity(rows: usize, avg_len: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        StringColumn {
            offsets,
            bytes: Vec::with_capacity(rows * avg_len),
        }
    }

    /// Appends one value.
    pub fn push(&mut self, value: &str) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.bytes.extend_from_slice(value.as_bytes());
        self.offsets
            .push(i32::try_from(self.bytes.len()).expect("string column over 2 GiB"));
    }

    /// Appends the text `write` produces, without an intermediate String.
    pub fn push_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        use std::io::Write;
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.bytes
            .write_fmt(args)
            .expect("writing to a Vec cannot fail");
        self.offsets
            .push(i32::try_from(self.bytes.len()).expect("string column over 2 GiB"));
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`.
    pub fn get(&self, i: usize) -> &str {
        let (a, b) = (self.offsets[i] as usize, self.offsets[i + 1] as usize);
        std::str::from_utf8(&self.bytes[a..b]).expect("only str values are pushed")
    }
}

/// The values of one column, typed by its [`ColumnKind`].
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// [`ColumnKind::Int8`].
    Int8(Vec<i8>),
    /// [`ColumnKind::Int16`].
    Int16(Vec<i16>),
    /// [`ColumnKind::Int32`].
    Int32(Vec<i32>),
    /// [`ColumnKind::Int64`].
    Int64(Vec<i64>),
    /// [`ColumnKind::Float64`].
    Float64(Vec<f64>),
    /// [`ColumnKind::Bool`].
    Bool(Vec<bool>),
    /// [`ColumnKind::Utf8`].
    Utf8(StringColumn),
    /// [`ColumnKind::Date`]: days since 1970-01-01.
    Date(Vec<i32>),
    /// [`ColumnKind::TimestampSeconds`]: seconds since the Unix epoch, UTC.
    TimestampSeconds(Vec<i64>),
    /// [`ColumnKind::PointWkb`]: (longitude, latitude) in WGS84.
    Point(Vec<(f64, f64)>),
}

impl ColumnData {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            ColumnData::Int8(v) => v.len(),
            ColumnData::Int16(v) => v.len(),
            ColumnData::Int32(v) | ColumnData::Date(v) => v.len(),
            ColumnData::Int64(v) | ColumnData::TimestampSeconds(v) => v.len(),
            ColumnData::Float64(v) => v.len(),
            ColumnData::Bool(v) => v.len(),
            ColumnData::Utf8(v) => v.len(),
            ColumnData::Point(v) => v.len(),
        }
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The logical kind these values have.
    pub fn kind(&self) -> ColumnKind {
        match self {
            ColumnData::Int8(_) => ColumnKind::Int8,
            ColumnData::Int16(_) => ColumnKind::Int16,
            ColumnData::Int32(_) => ColumnKind::Int32,
            ColumnData::Int64(_) => ColumnKind::Int64,
            ColumnData::Float64(_) => ColumnKind::Float64,
            ColumnData::Bool(_) => ColumnKind::Bool,
            ColumnData::Utf8(_) => ColumnKind::Utf8,
            ColumnData::Date(_) => ColumnKind::Date,
            ColumnData::TimestampSeconds(_) => ColumnKind::TimestampSeconds,
            ColumnData::Point(_) => ColumnKind::PointWkb,
        }
    }
}

/// One column's values and, for nullable columns, which rows hold a value.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnBuffer {
    /// The values; a null row holds an arbitrary placeholder.
    pub data: ColumnData,
    /// `Some(v)`: row `i` is null where `v[i]` is false.
    pub validity: Option<Vec<bool>>,
}

impl ColumnBuffer {
    /// A nullable column's buffer: row `i` is null where `valid[i]` is false.
    pub fn with_nulls(data: ColumnData, valid: &[bool]) -> Self {
        ColumnBuffer {
            data,
            validity: (!valid.iter().all(|&v| v)).then(|| valid.to_vec()),
        }
    }
}

impl From<ColumnData> for ColumnBuffer {
    fn from(data: ColumnData) -> Self {
        ColumnBuffer {
            data,
            validity: None,
        }
    }
}

/// Rows of one table, column by column, in the order of its schema.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The table these rows belong to.
    pub schema: &'static TableSchema,
    /// One buffer per schema column.
    pub columns: Vec<ColumnBuffer>,
}

impl Batch {
    /// Builds a batch, checking that the columns match the schema in number, kind and length.
    pub fn new(schema: &'static TableSchema, columns: Vec<ColumnBuffer>) -> Self {
        assert_eq!(
            columns.len(),
            schema.columns.len(),
            "{}: column count",
            schema.name
        );
        let rows = columns.first().map_or(0, |c| c.data.len());
        for (col, buf) in schema.columns.iter().zip(&columns) {
            assert_eq!(
                col.kind,
                buf.data.kind(),
                "{}.{}: kind",
                schema.name,
                col.name
            );
            assert_eq!(buf.data.len(), rows, "{}.{}: length", schema.name, col.name);
            if let Some(v) = &buf.validity {
                assert!(
                    col.nullable,
                    "{}.{}: nulls in a required column",
                    schema.name, col.name
                );
                assert_eq!(
                    v.len(),
                    rows,
                    "{}.{}: validity length",
                    schema.name,
                    col.name
                );
            }
        }
        Batch { schema, columns }
    }

    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.data.len())
    }

    /// The buffer of a named column.
    pub fn column(&self, name: &str) -> Option<&ColumnBuffer> {
        self.schema.index_of(name).map(|i| &self.columns[i])
    }
}
