//! telcosynth generator core: scenario → geography → population → network → records.
//!
//! This crate has no dependency on any output format; sinks live in `telcosynth-sinks`.

#![warn(unreachable_pub)]

mod behaviour;
pub mod columnar;
pub mod density;
pub mod events;
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
