//! telcosynth generator core: scenario → geography → population → network → records.
//!
//! This crate has no dependency on any output format; sinks live in `telcosynth-sinks`.

pub mod behaviour;
pub mod density;
pub mod events;
pub mod generate;
pub mod geography;
pub mod mobility;
pub mod network;
pub mod permutation;
pub mod population;
pub mod records;
pub mod public_data;
pub mod rng;
pub mod sampling;
pub mod scenario;
pub mod columnar;
pub mod tables;
pub mod visitors;
