//! Column definitions of every table, shared by the generator, the writers and the docs.

/// Logical type of a column; each sink maps it to its own physical type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// 8-bit signed integer.
    Int8,
    /// 16-bit signed integer.
    Int16,
    /// 32-bit signed integer.
    Int32,
    /// 64-bit signed integer.
    Int64,
    /// 64-bit float.
    Float64,
    /// Boolean.
    Bool,
    /// UTF-8 text.
    Utf8,
    /// Calendar date, days since 1970-01-01.
    Date,
    /// Instant in UTC, seconds since the Unix epoch.
    TimestampSeconds,
    /// A point geometry as WKB (GeoParquet `geometry` column, WGS84 lon/lat).
    PointWkb,
}

/// One column: its name, type, whether it may be null, and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Column name as written to files.
    pub name: &'static str,
    /// Logical type.
    pub kind: ColumnKind,
    /// Whether rows may leave it empty.
    pub nullable: bool,
    /// Few distinct values: writers may dictionary-encode it.
    pub low_cardinality: bool,
    /// Each value repeats on many rows of a file (an identifier of one of the block's
    /// subscribers): writers may dictionary-encode it too.
    pub repeated: bool,
    /// One-line meaning, used in the generated docs.
    pub doc: &'static str,
}

impl Column {
    /// A required column.
    pub const fn new(name: &'static str, kind: ColumnKind, doc: &'static str) -> Self {
        Column {
            name,
            kind,
            nullable: false,
            low_cardinality: false,
            repeated: false,
            doc,
        }
    }

    /// The same column, allowed to be null.
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// The same column, marked as having few distinct values.
    pub const fn categorical(mut self) -> Self {
        self.low_cardinality = true;
        self
    }

    /// The same column, marked as repeating each value on many rows of a file.
    pub const fn repeated(mut self) -> Self {
        self.repeated = true;
        self
    }
}

/// Whether a table is what an operator would hand over, or the ground truth behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The operator's view: what a pipeline under test receives.
    Operator,
    /// Ground truth: never given to a pipeline.
    Truth,
}

/// A table's name, its view and its columns.
#[derive(Debug, Clone, Copy)]
pub struct TableSchema {
    /// Folder and file-name stem of the table.
    pub name: &'static str,
    /// Operator view or truth.
    pub view: View,
    /// What one row is.
    pub doc: &'static str,
    /// The columns, in file order.
    pub columns: &'static [Column],
    /// The column rows are sorted by within a file, if any.
    pub sort_key: Option<&'static str>,
}

impl TableSchema {
    /// Position of a column by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}
