//! Tables: their schemas, the column buffers generators fill, and the sink they are written to.

mod batch;
pub(crate) mod schema;
mod sink;

pub use batch::{Batch, ColumnBuffer, ColumnData, StringColumn};
pub use schema::{Column, ColumnKind, TableSchema, View};
pub use sink::{PartKey, Sink, SinkError};
