//! Running the generator: a scenario written into a dataset folder ([`write_dataset`]), what a
//! run would write ([`estimate`]), how fast it writes ([`speed`]) and what it costs the process
//! ([`usage`]). The commands, the reference check and the harness's `bench` all run the
//! generator through here; the CLI only parses arguments and prints.

mod dataset;
pub mod estimate;
pub mod speed;
pub mod usage;

pub use dataset::{
    Progress, RunError, compression, dataset_dir, manifest_info, write_dataset, write_world,
    writer_options,
};
