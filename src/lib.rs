//! The `telcosynth` command line as a library: running the generator ([`run`]: a scenario into a
//! dataset folder, its estimate, its speed) and the commands ([`cli`]), with the building blocks
//! the `telcosynth-bench` executable (package `bench-cli/`) shares with them — the
//! [`cli::Failure`] type and its exit codes, [`cli::generate::write_with_progress`], the checks
//! of output folders and `--threads`. This crate never depends on the benchmark harness
//! (DataFusion), so that building the generator stays quick; `telcosynth bench` and `telcosynth
//! baseline` run the `telcosynth-bench` executable ([`cli::harness`]).

pub mod cli;
pub mod run;
