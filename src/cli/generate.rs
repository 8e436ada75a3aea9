//! `telcosynth generate`: scenario → dataset folder.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario::{self, Compression, Format, normalised_toml};
use telcosynth_generator::tables;
use telcosynth_sinks::{
    DatasetWriter, Manifest, ManifestInfo, ShardInfo, SinkFailure, ToolInfo, WriterOptions,
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
    let writer = DatasetWriter::create(
        &out,
        WriterOptions {
            format,
            compression,
            force: args.force,
        },
    )
    .map_err(|e| match e {
        SinkFailure::NotEmpty { .. } => Failure::Input(e.to_string()),
        other => Failure::Runtime(other.to_string()),
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;

    let name = scenario.name().to_owned();
    let text = normalised_toml(&scenario);
    let seed = scenario.seed();
    let (manifest, persons) = pool.install(|| -> Result<(Manifest, u64), Failure> {
        let world = World::build(scenario)
            .map_err(|e| Failure::Input(format!("{}: {e}", source_label(&args))))?;
        for table in world.tables() {
            writer.declare(table);
        }
        let bar = Progress::new(world.population.len());
        generate::run(&world, Shard::ALL, &writer, &|done, total| {
            bar.update(done, total)
        })
        .map_err(|e| Failure::Runtime(format!("writing {}: {e}", out.display())))?;
        bar.finish();
        let info = ManifestInfo {
            tool: ToolInfo {
                name: "telcosynth".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            scenario_name: name,
            scenario_text: text,
            seed,
            shard: ShardInfo { index: 0, count: 1 },
            extra: serde_json::Value::Null,
        };
        let manifest = writer
            .finish(info)
            .map_err(|e| Failure::Runtime(e.to_string()))?;
        Ok((manifest, world.population.len()))
    })?;
    print_summary(&out, &manifest, persons, started.elapsed());
    Ok(())
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

fn print_summary(out: &std::path::Path, manifest: &Manifest, persons: u64, elapsed: Duration) {
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
