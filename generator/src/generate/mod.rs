//! Runs a scenario: builds the world once, then generates person blocks in parallel and hands
//! each table's batches to a sink.
//!
//! Work is split by person id into blocks of `outputs.persons_per_block`; block `b` belongs to
//! shard `b mod N`. A block's files depend only on the scenario and the block, never on the thread
//! that ran it, so output is identical for any thread count, and the shards of a split together
//! write exactly the rows of the unsplit run (file names carry the shard).
//!
//! * `world`: the world a run shares: the scenario's population, networks and visitors.
//! * [`run`]: the scheduler: blocks of a shard in parallel, rows counted, batches to the sink.
//! * `residents`: a block of residents' static tables (persons, SIMs, trips) and days.
//! * `visitors`: a block of inbound visitors and their days.

mod residents;
mod run;
mod visitors;
mod world;

pub use run::{Shard, Summary, run};
pub use world::World;
