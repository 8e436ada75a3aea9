//! Benchmark harness: runs an anonymisation pipeline on the operator's view of a telcosynth
//! dataset and scores its release on utility (do official statistics survive?) and
//! re-identification risk (can an adversary with background knowledge find people?).

pub mod baselines;
pub mod contract;
pub mod engine;
pub mod error;
pub mod indicators;
pub mod prepare;
pub mod release;
pub mod risk;
pub mod runner;
pub mod utility;
