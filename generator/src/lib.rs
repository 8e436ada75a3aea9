//! telcosynth generator core: scenario → geography → population → network → records.
//!
//! This crate has no dependency on any output format; sinks live in `telcosynth-sinks`.

pub mod reference;
pub mod rng;
pub mod scenario;
pub mod table;
