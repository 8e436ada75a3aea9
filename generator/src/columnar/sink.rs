//! The boundary between generation and output formats.

use super::batch::Batch;

/// Where one batch goes: its table, its day (for the daily tables, partitioned by local day), and the shard and block that made it.
///
/// Shard and block come from the person-id split, never from the thread that ran the work,
/// so file names and contents are the same whatever the thread count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartKey {
    /// The table.
    pub table: &'static str,
    /// Day of a daily table's Hive partition, as days since 1970-01-01.
    pub day: Option<i32>,
    /// Shard index.
    pub shard: u32,
    /// Block index within the shard.
    pub block: u32,
}

/// Error type sinks report.
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Receives finished batches; implemented by the Parquet and CSV writers.
///
/// Called concurrently from worker threads; each `PartKey` is written once.
pub trait Sink: Sync {
    /// Writes the rows of one part.
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError>;
}
