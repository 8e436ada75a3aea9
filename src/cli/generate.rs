//! `telcosynth generate`: scenario → dataset folder.

use std::path::{Path, PathBuf};
use std::time::Instant;

use telcosynth_generator::density::Sampling;
use telcosynth_generator::generate::World;
use telcosynth_generator::scenario::{self, Scenario};
use telcosynth_generator::tables;
use telcosynth_sinks::{Manifest, ShardInfo, WriterOptions};

use super::progress::Progress;
use super::{Failure, FormatArg, GenerateArgs};
use crate::run::estimate::Estimate;
use crate::run::{self, dataset_dir, usage, writer_options};

/// Runs `generate`.
pub fn run(args: GenerateArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let source = scenario::resolve(args.scenario.as_deref().unwrap_or("quickstart"));
    let scenario = source.load(&tables::names())?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(scenario.name()));
    let format = args.format.map(|f| match f {
        FormatArg::Parquet => telcosynth_sinks::Format::Parquet,
        FormatArg::Csv => telcosynth_sinks::Format::Csv,
    });
    let options = writer_options(&scenario, format, args.force);
    let shard = args.shard.unwrap_or(ShardInfo { index: 0, count: 1 });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;

    if args.dry_run {
        let threads = pool.current_num_threads();
        let sampling = Sampling::of(&scenario);
        return pool.install(|| {
            let built = Instant::now();
            let world = World::build(scenario)
                .map_err(|e| Failure::Input(format!("{}: {e}", source_label(&args))))?;
            let estimate = Estimate::new(&world, options.format, shard, threads, built.elapsed());
            print!("{}", estimate.to_text(&dataset_dir(&out, args.shard)));
            if let Some(warning) = sampling.warning() {
                eprintln!("\n{warning}");
            }
            Ok(())
        });
    }

    let dir = dataset_dir(&out, args.shard);
    let label = source_label(&args);
    let (manifest, persons) =
        pool.install(|| write_with_progress(scenario, &label, &out, args.shard, options))?;
    print_summary(&dir, &manifest, persons, started.elapsed());
    if args.shard.is_some() {
        println!(
            "Shard {}/{} complete; when all {} shards are, run: telcosynth merge-manifests {}",
            shard.index,
            shard.count,
            shard.count,
            out.display()
        );
    }
    if args.stats {
        print_stats(started.elapsed());
    }
    Ok(())
}

/// Generates `scenario` into `out` (or its shard's folder under it) with [`run::write_dataset`]
/// on the current thread pool, showing a progress bar on a terminal; returns the manifest and
/// the number of persons generated.
pub fn write_with_progress(
    scenario: Scenario,
    label: &str,
    out: &Path,
    shard: Option<ShardInfo>,
    options: WriterOptions,
) -> Result<(Manifest, u64), Failure> {
    let bar = Progress::new(0);
    let written = run::write_dataset(scenario, label, out, shard, options, &|done, total| {
        bar.update(done, total)
    });
    bar.finish();
    Ok(written?)
}

/// Prints peak memory and CPU time (`--stats`).
fn print_stats(elapsed: std::time::Duration) {
    match usage::usage() {
        Some(u) => println!(
            "stats: max RSS {} ({} bytes); CPU {:.2} s user + {:.2} s system over {:.2} s wall",
            usage::mib(u.max_rss_bytes),
            u.max_rss_bytes,
            u.user.as_secs_f64(),
            u.system.as_secs_f64(),
            elapsed.as_secs_f64()
        ),
        None => println!("stats: this platform does not report resource use"),
    }
}

fn source_label(args: &GenerateArgs) -> String {
    args.scenario
        .clone()
        .unwrap_or_else(|| "bundled:quickstart".into())
}

fn print_summary(out: &Path, manifest: &Manifest, persons: u64, elapsed: std::time::Duration) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let mut total_rows = 0;
    let mut total_bytes = 0;
    println!(
        "Generated {} ({} persons) into {} in {:.2} s",
        manifest.scenario.name,
        persons,
        out.display(),
        secs
    );
    println!(
        "{:<14} {:>12} {:>12} {:>6}",
        "table", "rows", "bytes", "files"
    );
    for (name, table) in &manifest.tables {
        let bytes: u64 = table.files.iter().map(|f| f.bytes).sum();
        total_rows += table.rows;
        total_bytes += bytes;
        println!(
            "{name:<14} {:>12} {:>12} {:>6}",
            table.rows,
            bytes,
            table.files.len()
        );
    }
    println!("{:<14} {:>12} {:>12}", "total", total_rows, total_bytes);
    println!(
        "{:.0} rows/s; manifest: {}",
        total_rows as f64 / secs,
        out.join("manifest.json").display()
    );
}
