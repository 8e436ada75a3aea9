//! A run: scenario → world → dataset folder, with the manifest written last.
//!
//! Every command that writes a dataset (`generate`, `verify`, `reference`, the harness's
//! `bench`, and the speed measurement) goes through [`write_world`], so the steps — declare the
//! tables, generate the world's blocks into the writer, write the manifest describing the
//! scenario — exist once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario::{self, Scenario, normalised_toml};
use telcosynth_sinks::{
    Compression, DatasetWriter, Format, Manifest, ManifestInfo, ShardInfo, SinkFailure, ToolInfo,
    WriterOptions, shard_dir,
};

/// Why a run wrote no dataset.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The output folder cannot take the dataset (not telcosynth's, a file, unwritable), or the
    /// writer failed while writing; [`SinkFailure`] says which.
    #[error("{0}")]
    Output(#[from] SinkFailure),
    /// The scenario builds no world; the message names the scenario's origin.
    #[error("{0}")]
    Scenario(String),
    /// Generating failed; the message names the dataset folder.
    #[error("{0}")]
    Generate(String),
}

/// Progress of a run: `(persons done, persons in total)`, called from worker threads.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// The whole, unsplit run.
const UNSPLIT: ShardInfo = ShardInfo { index: 0, count: 1 };

/// How a dataset of `scenario` is written: its own format and compression unless `format`
/// overrides the format.
pub fn writer_options(scenario: &Scenario, format: Option<Format>, force: bool) -> WriterOptions {
    let format = format.unwrap_or(match scenario.format() {
        scenario::Format::Parquet => Format::Parquet,
        scenario::Format::Csv => Format::Csv,
    });
    WriterOptions {
        format,
        compression: compression(scenario),
        force,
    }
}

/// The scenario's Parquet compression.
pub fn compression(scenario: &Scenario) -> Compression {
    match scenario.compression() {
        scenario::Compression::Zstd => Compression::Zstd,
        scenario::Compression::None => Compression::None,
    }
}

/// The folder a run writes its dataset into: `out`, or a shard's folder under it.
pub fn dataset_dir(out: &Path, shard: Option<ShardInfo>) -> PathBuf {
    match shard {
        None => out.to_owned(),
        Some(shard) => shard_dir(out, shard),
    }
}

/// Generates `scenario` into `out` (or its shard's folder under it) on the current thread pool;
/// returns the manifest and the number of persons generated. The output folder is checked (and
/// with `options.force`, a dataset in it removed) before the world is built: a folder that is
/// not telcosynth's, a file or an unwritable place fails with [`RunError::Output`] before any
/// work. `label` names the scenario's origin in errors.
pub fn write_dataset(
    scenario: Scenario,
    label: &str,
    out: &Path,
    shard: Option<ShardInfo>,
    options: WriterOptions,
    progress: Progress<'_>,
) -> Result<(Manifest, u64), RunError> {
    let writer = match shard {
        None => DatasetWriter::create(out, options),
        Some(shard) => DatasetWriter::create_shard(out, shard, options),
    }?;
    let world = World::build(scenario).map_err(|e| RunError::Scenario(format!("{label}: {e}")))?;
    let persons = AtomicU64::new(0);
    let manifest = write_world(&world, writer, shard.unwrap_or(UNSPLIT), &|done, total| {
        persons.store(total, Ordering::Relaxed);
        progress(done, total)
    })
    .map_err(|e| match e {
        RunError::Generate(m) => RunError::Generate(format!(
            "writing {}: {m}",
            dataset_dir(out, shard).display()
        )),
        other => other,
    })?;
    let persons = if shard.is_some() {
        persons.load(Ordering::Relaxed)
    } else {
        world.population.len()
    };
    Ok((manifest, persons))
}

/// Generates `shard` of a built `world` into `writer` and writes the manifest; the core of
/// every run.
pub fn write_world(
    world: &World,
    writer: DatasetWriter,
    shard: ShardInfo,
    progress: Progress<'_>,
) -> Result<Manifest, RunError> {
    for table in world.tables() {
        writer.declare(table);
    }
    let split = Shard {
        index: shard.index,
        count: shard.count,
    };
    generate::run(world, split, &writer, progress)
        .map_err(|e| RunError::Generate(e.to_string()))?;
    Ok(writer.finish(manifest_info(&world.scenario, shard))?)
}

/// What the manifest of a run of `scenario` says about its origin.
pub fn manifest_info(scenario: &Scenario, shard: ShardInfo) -> ManifestInfo {
    ManifestInfo {
        tool: ToolInfo {
            name: "telcosynth".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        scenario_name: scenario.name().to_owned(),
        scenario_text: normalised_toml(scenario),
        seed: scenario.seed(),
        shard,
        extra: serde_json::Value::Null,
    }
}
