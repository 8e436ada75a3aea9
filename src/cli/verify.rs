//! `telcosynth verify` and `telcosynth reference`: published reference outputs.

use std::path::Path;

use telcosynth_generator::scenario::{self, normalised_toml};
use telcosynth_generator::tables;
use telcosynth_sinks::ownership::check_reference_folder;
use telcosynth_sinks::{
    Format, MANIFEST_FILE, Reference, SinkFailure, compare, read_reference, write_reference,
};

use super::generate::write_with_progress;
use super::{Failure, ReferenceArgs, VerifyArgs};
use crate::run::writer_options;

/// Differences printed in full; the rest are counted.
const SHOWN: usize = 20;

/// Runs `verify`: regenerates the reference's scenario (or reads `--dataset`) and compares.
pub fn run(args: VerifyArgs) -> Result<(), Failure> {
    let reference = read_reference(&args.reference).map_err(|e| {
        Failure::Input(format!(
            "{e}; a reference folder holds {MANIFEST_FILE} and fingerprints.json, e.g. reference-outputs/quickstart"
        ))
    })?;
    let scratch;
    let dataset = match &args.dataset {
        Some(dir) => {
            if !dir.join(MANIFEST_FILE).is_file() {
                return Err(Failure::Input(format!(
                    "--dataset {}: not a dataset folder (no {MANIFEST_FILE}); name the folder \
                     telcosynth generate wrote, or leave --dataset out to regenerate",
                    dir.display()
                )));
            }
            dir.as_path()
        }
        None => {
            let parent = args.scratch.clone().unwrap_or_else(std::env::temp_dir);
            scratch = tempfile::Builder::new()
                .prefix(".telcosynth-verify-")
                .tempdir_in(&parent)
                .map_err(|e| {
                    Failure::Input(format!(
                        "--scratch {}: cannot create a scratch folder in it ({e}); name a \
                         folder you can write to",
                        parent.display()
                    ))
                })?;
            regenerate(&reference, &args.reference, scratch.path(), args.threads)?;
            scratch.path()
        }
    };
    let differences = compare(&reference, dataset).map_err(|e| match e {
        SinkFailure::Manifest { .. } | SinkFailure::ManifestVersion { .. } => {
            Failure::Input(e.to_string())
        }
        other => Failure::Runtime(other.to_string()),
    })?;
    let expected = &reference.manifest;
    if differences.is_empty() {
        let files: usize = expected.tables.values().map(|t| t.files.len()).sum();
        let rows: u64 = expected.tables.values().map(|t| t.rows).sum();
        println!(
            "verify: {} ({} tables, {files} files, {rows} rows) is byte-identical to {}",
            dataset_label(&args),
            expected.tables.len(),
            args.reference.display()
        );
        return Ok(());
    }
    println!(
        "verify: {} differs from {} in {} place{}:",
        dataset_label(&args),
        args.reference.display(),
        differences.len(),
        if differences.len() == 1 { "" } else { "s" }
    );
    for difference in differences.iter().take(SHOWN) {
        println!("  {difference}");
    }
    if differences.len() > SHOWN {
        println!("  … and {} more", differences.len() - SHOWN);
    }
    Err(Failure::Mismatch(format!(
        "{} differs from reference {}: {}",
        dataset_label(&args),
        args.reference.display(),
        differences[0]
    )))
}

fn dataset_label(args: &VerifyArgs) -> String {
    match &args.dataset {
        Some(dir) => dir.display().to_string(),
        None => "the regenerated dataset".into(),
    }
}

/// Generates the scenario stored in the reference's manifest into `out`.
fn regenerate(
    reference: &Reference,
    dir: &Path,
    out: &Path,
    threads: Option<u16>,
) -> Result<(), Failure> {
    let origin = format!("{} (scenario)", dir.join(MANIFEST_FILE).display());
    let scenario = scenario::parse(&origin, &reference.manifest.scenario.text, &tables::names())?;
    if normalised_toml(&scenario) != reference.manifest.scenario.text {
        return Err(Failure::Input(format!(
            "{origin}: this build normalises the reference's scenario differently, so it cannot \
             regenerate it; use the telcosynth version named in the manifest ({})",
            reference.manifest.tool.version
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, usize::from))
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;
    let options = writer_options(&scenario, Some(Format::Parquet), true);
    pool.install(|| write_with_progress(scenario, &origin, out, None, options))?;
    Ok(())
}

/// Runs `reference`: generates a scenario and writes its reference folder.
pub fn publish(args: ReferenceArgs) -> Result<(), Failure> {
    let scenario = scenario::resolve(&args.scenario).load(&tables::names())?;
    if !matches!(scenario.format(), scenario::Format::Parquet) {
        return Err(Failure::Input(format!(
            "{}: reference outputs are Parquet datasets; remove outputs.format = \"csv\"",
            args.scenario
        )));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reference-outputs").join(scenario.name()));
    // The output folder is checked before the (possibly long) generation.
    check_reference_folder(&out).map_err(Failure::from_sink)?;
    let scratch = tempfile::Builder::new()
        .prefix(".telcosynth-reference-")
        .tempdir()
        .map_err(|e| Failure::Runtime(format!("cannot create a scratch folder: {e}")))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;
    let options = writer_options(&scenario, Some(Format::Parquet), true);
    pool.install(|| write_with_progress(scenario, &args.scenario, scratch.path(), None, options))?;
    let reference = write_reference(scratch.path(), &out).map_err(Failure::from_sink)?;
    let rows: u64 = reference.manifest.tables.values().map(|t| t.rows).sum();
    println!(
        "Wrote reference {} ({} tables, {rows} rows); check with: telcosynth verify {}",
        out.display(),
        reference.manifest.tables.len(),
        out.display()
    );
    Ok(())
}
