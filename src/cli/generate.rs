//! `telcosynth generate`: scenario → dataset folder.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use telcosynth_generator::density::Sampling;
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario::{self, Compression, Format, Scenario, normalised_toml};
use telcosynth_generator::tables;
use telcosynth_sinks::estimate::Estimate;
use telcosynth_sinks::usage;
use telcosynth_sinks::{
    DatasetWriter, Manifest, ManifestInfo, ShardInfo, ToolInfo, WriterOptions, shard_dir,
};

use super::{Failure, FormatArg, GenerateArgs};

/// Progress bars appear only for work that lasts longer than this.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

/// Runs `generate`.
pub fn run(args: GenerateArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let source = scenario::resolve(args.scenario.as_deref().unwrap_or("quickstart"));
    let scenario = source.load(&tables::names())?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(scenario.name()));
    let format = match args.format {
        Some(FormatArg::Parquet) => telcosynth_sinks::Format::Parquet,
        Some(FormatArg::Csv) => telcosynth_sinks::Format::Csv,
        None => match scenario.format() {
            Format::Parquet => telcosynth_sinks::Format::Parquet,
            Format::Csv => telcosynth_sinks::Format::Csv,
        },
    };
    let compression = match scenario.compression() {
        Compression::Zstd => telcosynth_sinks::Compression::Zstd,
        Compression::None => telcosynth_sinks::Compression::None,
    };
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
            let estimate = Estimate::new(&world, format, shard, threads, built.elapsed());
            print!("{}", estimate.to_text(&dataset_dir(&out, args.shard)));
            if let Some(warning) = sampling.warning() {
                eprintln!("\n{warning}");
            }
            Ok(())
        });
    }

    let options = WriterOptions {
        format,
        compression,
        force: args.force,
    };
    let dir = dataset_dir(&out, args.shard);
    let label = source_label(&args);
    let (manifest, persons) =
        pool.install(|| write_dataset(scenario, &label, &out, args.shard, options))?;
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

/// Generates `scenario` into `out` (or its shard's folder under it) on the current thread pool;
/// returns the manifest and the number of persons generated. The output folder is checked (and
/// with `options.force`, a dataset in it removed) before anything is generated: a folder that is
/// not telcosynth's, a file or an unwritable place is bad input (exit code 2).
pub fn write_dataset(
    scenario: Scenario,
    label: &str,
    out: &Path,
    shard: Option<ShardInfo>,
    options: WriterOptions,
) -> Result<(Manifest, u64), Failure> {
    let writer = match shard {
        None => DatasetWriter::create(out, options),
        Some(shard) => DatasetWriter::create_shard(out, shard, options),
    }
    .map_err(Failure::from_sink)?;
    let dir = dataset_dir(out, shard);
    let name = scenario.name().to_owned();
    let text = normalised_toml(&scenario);
    let seed = scenario.seed();
    let world = World::build(scenario).map_err(|e| Failure::Input(format!("{label}: {e}")))?;
    for table in world.tables() {
        writer.declare(table);
    }
    let bar = Progress::new(world.population.len());
    let persons = AtomicU64::new(0);
    let split = shard.unwrap_or(ShardInfo { index: 0, count: 1 });
    let split = Shard {
        index: split.index,
        count: split.count,
    };
    generate::run(&world, split, &writer, &|done, total| {
        persons.store(total, Ordering::Relaxed);
        bar.update(done, total)
    })
    .map_err(|e| Failure::Runtime(format!("writing {}: {e}", dir.display())))?;
    bar.finish();
    let info = ManifestInfo {
        tool: ToolInfo {
            name: "telcosynth".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        scenario_name: name,
        scenario_text: text,
        seed,
        shard: shard.unwrap_or(ShardInfo { index: 0, count: 1 }),
        extra: serde_json::Value::Null,
    };
    let manifest = writer
        .finish(info)
        .map_err(|e| Failure::Runtime(e.to_string()))?;
    let persons = if shard.is_some() {
        persons.load(Ordering::Relaxed)
    } else {
        world.population.len()
    };
    Ok((manifest, persons))
}

/// The folder a run writes its dataset into: `out`, or a shard's folder under it.
fn dataset_dir(out: &Path, shard: Option<ShardInfo>) -> PathBuf {
    match shard {
        None => out.to_owned(),
        Some(shard) => shard_dir(out, shard),
    }
}

/// Prints peak memory and CPU time (`--stats`).
fn print_stats(elapsed: Duration) {
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

/// A progress bar that shows itself only on a terminal and after [`PROGRESS_DELAY`].
struct Progress {
    bar: ProgressBar,
    started: Instant,
}

impl Progress {
    fn new(total: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} persons ({per_sec}, eta {eta})",
            )
            .expect("valid template"),
        );
        Progress {
            bar,
            started: Instant::now(),
        }
    }

    fn update(&self, done: u64, total: u64) {
        if self.bar.is_hidden()
            && self.started.elapsed() > PROGRESS_DELAY
            && std::io::stderr().is_terminal()
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn print_summary(out: &Path, manifest: &Manifest, persons: u64, elapsed: Duration) {
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
