//! telcosynth generator core: scenario → geography → population → network → records.
//!
//! This crate has no dependency on any output format; sinks live in `telcosynth-sinks`.
//!
//! # Public API
//!
//! A run is [`scenario::parse`] (or [`scenario::resolve`] for bundled names and files), then
//! [`generate::World::build`] and [`generate::run`], which hands each table's batches to a
//! [`columnar::Sink`]. The rest of what is public is what the sinks, the command line, the
//! inspector and the benchmark harness read:
//!
//! * [`columnar`]: batches, column buffers, table schemas and the `Sink` trait.
//! * [`tables`]: the schema of every output table, by name.
//! * [`scenario`], [`density`]: the validated scenario, and whether it samples the population.
//! * [`generate`]: the world of a run (its population, networks and visitors) and the scheduler.
//! * [`public_data`]: districts, operators, entry points, inbound origins and roaming networks.
//! * [`faults`]: the data-quality fault kinds and rates, as the inspector counts them.
//! * [`events`], [`visitors`]: gatherings, outages and visitors' phones, as the inspector reads
//!   them.
//! * [`geography::projection`], [`rng::key_hash`], [`population::imei`],
//!   [`population::mykad`], [`records`]: helpers and row types the harness and tests share.
//! * [`mobility`], [`plan::travel_spec`]: day plans, for the benchmarks and record tests.
//!
//! Everything else is internal (`pub(crate)`); `#![warn(unreachable_pub)]` keeps it so.

#![warn(unreachable_pub)]

mod behaviour;
pub mod columnar;
pub mod density;
pub mod events;
pub mod faults;
pub mod generate;
pub mod geography;
pub mod mobility;
#[cfg(test)]
mod model_tests;
mod network;
mod numbering;
mod permutation;
pub mod plan;
pub mod population;
pub mod public_data;
pub mod records;
pub mod rng;
mod sampling;
pub mod scenario;
pub mod tables;
pub mod visitors;
mod vocabulary;
