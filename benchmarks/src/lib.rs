//! Benchmark harness: runs an anonymisation pipeline on the operator's view of a telcosynth
//! dataset and scores its release on utility (do official statistics survive?) and
//! re-identification risk (can an adversary with background knowledge find people?).
//!
//! [`bench::bench`] is the whole run: [`prepare`] the operator's view (and, for a dataset with
//! data-quality faults, the [`clean`] view releases are scored against), compute the reference
//! [`indicators`] (SQL run by the embedded [`engine`]), [`runner`] each pipeline under the
//! [`contract`] (watched by [`truth_watch`] for reads of the dataset), read its [`release`],
//! score [`utility`] and [`risk`] into the [`report`], rank the pipelines on the
//! [`leaderboard`], and [`render`] the report (`report.json`, `report.md`, `report.html`).

pub mod baselines;
pub mod bench;
pub mod capped_log;
pub mod clean;
pub mod contract;
pub mod density;
pub mod engine;
pub mod error;
pub mod indicators;
pub mod leaderboard;
pub mod memory;
pub mod prepare;
pub mod release;
pub mod render;
pub mod report;
pub mod risk;
pub mod runner;
pub mod stages;
pub mod truth_csv;
pub mod truth_watch;
pub mod utility;
