//! Baseline pipelines that calibrate the scale: each reads the contract's input folder and
//! writes a release under the contract, like any pipeline under test. The `telcosynth baseline`
//! command runs them, so the harness invokes them as ordinary commands.

mod aggregates_table;
mod dp_aggregates;
mod hash_msisdn;
mod identity;
mod k_suppressed_aggregates;
mod rotating_pseudonyms;

use std::path::Path;

use telcosynth_generator::tables;

use crate::contract::{RELEASE_MANIFEST, ReleaseManifest};
use crate::error::HarnessError;

/// Names of the baselines, in the order reports list them.
pub const NAMES: [&str; 7] = [
    "identity",
    "hash-msisdn",
    "rotating-pseudonyms",
    "k-suppressed-aggregates",
    dp_aggregates::BUDGETS[0].0,
    dp_aggregates::BUDGETS[1].0,
    dp_aggregates::BUDGETS[2].0,
];

/// Baselines for studying an attack rather than ranking: `telcosynth baseline` runs them by
/// name, `--baselines` does not include them.
pub const STUDY: [&str; 1] = ["cell-hour-pseudonyms"];

/// Whether `name` is a baseline, ranked or study.
pub fn is_baseline(name: &str) -> bool {
    NAMES.contains(&name) || STUDY.contains(&name)
}

/// Runs baseline `name` on `input`, writing its release into `output`.
pub fn run(name: &str, input: &Path, output: &Path, seed: u64) -> Result<(), HarnessError> {
    std::fs::create_dir_all(output).map_err(HarnessError::io("create", output))?;
    match name {
        "identity" => identity::run(input, output),
        "hash-msisdn" => hash_msisdn::run(input, output),
        "rotating-pseudonyms" => {
            rotating_pseudonyms::run(input, output, seed, &rotating_pseudonyms::Plan::ROTATING)
        }
        "cell-hour-pseudonyms" => {
            rotating_pseudonyms::run(input, output, seed, &rotating_pseudonyms::Plan::CELL_HOUR)
        }
        "k-suppressed-aggregates" => k_suppressed_aggregates::run(input, output),
        dp if dp_aggregates::epsilon_of(dp).is_some() => {
            dp_aggregates::run(dp, input, output, seed)
        }
        other => Err(HarnessError::Dataset(format!(
            "unknown baseline {other}; the baselines are {}, and for study {}",
            NAMES.join(", "),
            STUDY.join(", ")
        ))),
    }
}

/// Writes the release manifest, last.
fn write_manifest(output: &Path, manifest: &ReleaseManifest) -> Result<(), HarnessError> {
    let path = output.join(RELEASE_MANIFEST);
    let mut text = serde_json::to_string_pretty(manifest).expect("manifest serialises");
    text.push('\n');
    std::fs::write(&path, text).map_err(HarnessError::io("write", path))
}

/// A SELECT list over `table`'s input columns: `rewrite` maps a column to its expression, or
/// `None` to drop it.
fn select_list(table: &str, mut rewrite: impl FnMut(&str) -> Option<String>) -> String {
    tables::by_name(table)
        .expect("input tables are known")
        .columns
        .iter()
        .filter_map(|c| rewrite(c.name))
        .collect::<Vec<_>>()
        .join(", ")
}
