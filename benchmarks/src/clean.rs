//! The clean operator view of a dataset with data-quality faults (`[faults]`): its scenario
//! regenerated without them (the same records before the faults, byte for byte, since the
//! faults are a stage after record generation) into `RUN/clean-dataset/`, and that dataset's
//! view of the target operator in `RUN/clean-input/`. Releases are scored against indicators
//! of the clean view, while pipelines receive the faulty one.

use std::path::Path;

use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::{plan, scenario, tables};
use telcosynth_sinks::read::DatasetReader;
use telcosynth_sinks::{DatasetWriter, ManifestInfo, ShardInfo, ToolInfo, WriterOptions};

use crate::error::HarnessError;
use crate::prepare::{self, Prepared};

/// The run folder's dataset of clean records.
pub const CLEAN_DATASET: &str = "clean-dataset";
/// The run folder's clean operator view.
pub const CLEAN_INPUT: &str = "clean-input";

/// The tables the clean view is made of.
const TABLES: [&str; 4] = ["subscribers", "cells", "cdr", "ip_sessions"];

/// Whether the dataset of `prepared` was generated with data-quality faults.
pub fn has_faults(prepared: &Prepared) -> bool {
    scenario_of(prepared).is_ok_and(|s| !plan::fault_rates(&s).is_off())
}

fn scenario_of(prepared: &Prepared) -> Result<scenario::Scenario, HarnessError> {
    let text = &prepared.manifest.scenario.text;
    scenario::parse("manifest.json", text, &tables::names()).map_err(|e| {
        HarnessError::Dataset(format!(
            "{e}; regenerate the dataset with this build's telcosynth generate"
        ))
    })
}

/// The clean view of `prepared`'s target operator, from its scenario regenerated without its
/// faults into `out`'s [`CLEAN_DATASET`] (replacing it); the truth tables stay those of
/// `prepared`'s dataset, which the faults never touch.
pub fn clean_view(prepared: &Prepared, out: &Path) -> Result<Prepared, HarnessError> {
    let dirty = scenario_of(prepared)?;
    let clean = scenario::without_faults(&dirty, &TABLES)
        .map_err(|e| HarnessError::Dataset(e.to_string()))?;
    let dir = out.join(CLEAN_DATASET);
    let (name, seed) = (clean.name().to_owned(), clean.seed());
    let text = scenario::normalised_toml(&clean);
    let world = World::build(clean).map_err(|e| HarnessError::Dataset(e.to_string()))?;
    let options = WriterOptions {
        force: true,
        ..WriterOptions::default()
    };
    let fail = |e: &dyn std::fmt::Display| HarnessError::Dataset(format!("{}: {e}", dir.display()));
    let writer = DatasetWriter::create(&dir, options).map_err(|e| fail(&e))?;
    generate::run(&world, Shard::ALL, &writer, &|_, _| {}).map_err(|e| fail(&e))?;
    writer
        .finish(ManifestInfo {
            tool: ToolInfo {
                name: "telcosynth".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            scenario_name: name,
            scenario_text: text,
            seed,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        })
        .map_err(|e| fail(&e))?;
    let dataset = DatasetReader::open(&dir).map_err(|e| fail(&e))?;
    let view = prepare::prepare(&dataset, prepared.target.clone(), &out.join(CLEAN_INPUT))?;
    Ok(Prepared {
        dir: view.dir,
        ..prepared.clone()
    })
}
