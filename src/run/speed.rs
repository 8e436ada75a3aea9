//! How fast the `cdr` table is written, against what the Parquet writer alone can do, on one
//! thread and on all threads, measured in one process on one machine (`telcosynth bench-speed`).
//!
//! 1. The scenario's `cdr` table is generated into memory (its batches, one per block and day,
//!    exactly as a run hands them to the sink); the time of that run is the generation alone,
//!    without any Arrow conversion or encoding. The first batches, up to `writer_rows` rows,
//!    are kept and the rest only counted, so memory stays bounded for any scenario size.
//! 2. Writer ceiling: the kept batches, repeated until `writer_rows` rows, are converted and
//!    written with [`write_parquet`] (the project's writer settings, with the scenario's
//!    `outputs.compression`) into files, on one thread and on all threads. Cloning the repeated
//!    batches is not timed.
//! 3. End to end: the scenario restricted to `cdr` is generated into a [`DatasetWriter`] in a
//!    temporary folder (generation, conversion, Parquet encoding, hashing, files, manifest), on
//!    one thread and on all threads. Building the world (population plan, networks) is timed
//!    separately and not counted.
//!
//! Each figure is the fastest of `repeat` runs, interleaved so that a burst of other load hits
//! all of them alike; CPU time (user + system of the process) is kept beside the wall clock
//! because other load hardly changes it.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use telcosynth_generator::columnar::{Batch, PartKey, Sink, SinkError};
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario::{self, Scenario};

use telcosynth_sinks::{
    Compression, DatasetWriter, Format, Manifest, ShardInfo, SinkFailure, WriterOptions,
    write_parquet,
};

use super::{RunError, compression, usage, write_world};

/// The targets of the speed work: end to end at least half the writer ceiling on one thread,
/// and scaling from 1 to 2 cores. (An earlier 3 M cdr rows/s per core was retired: it was set on
/// an all-integer schema, above this schema's own writer ceiling.)
pub const TARGET_RATIO: f64 = 0.5;
/// See [`TARGET_RATIO`].
pub const TARGET_SCALING_2: f64 = 1.8;

/// Why a measurement could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SpeedError {
    /// The scenario cannot be measured (it builds no world, or generates no cdr rows).
    #[error("{0}")]
    Input(String),
    /// Generating or writing failed.
    #[error("{0}")]
    Runtime(String),
}

impl From<SinkError> for SpeedError {
    fn from(e: SinkError) -> Self {
        SpeedError::Runtime(e.to_string())
    }
}

impl From<SinkFailure> for SpeedError {
    fn from(e: SinkFailure) -> Self {
        SpeedError::Runtime(e.to_string())
    }
}

impl From<RunError> for SpeedError {
    fn from(e: RunError) -> Self {
        SpeedError::Runtime(e.to_string())
    }
}

/// How to measure.
#[derive(Debug, Clone, Copy)]
pub struct SpeedOptions {
    /// Threads of the "all threads" runs.
    pub threads: usize,
    /// Rows the writer ceiling writes at least.
    pub writer_rows: u64,
    /// Runs of each measurement; the fastest counts.
    pub repeat: usize,
}

/// Wall-clock and CPU time (user + system, all threads of the process) of some work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spent {
    /// Wall-clock time.
    pub wall: Duration,
    /// CPU time.
    pub cpu: Duration,
}

impl Spent {
    const NONE: Spent = Spent {
        wall: Duration::ZERO,
        cpu: Duration::ZERO,
    };
    const FOREVER: Spent = Spent {
        wall: Duration::MAX,
        cpu: Duration::MAX,
    };

    fn add(self, other: Spent) -> Spent {
        Spent {
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
        }
    }

    /// The faster of two measurements (by wall-clock time).
    fn best(self, other: Spent) -> Spent {
        if other.wall < self.wall { other } else { self }
    }
}

/// Rows handled in some time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throughput {
    /// Rows.
    pub rows: u64,
    /// Time taken (the fastest run).
    pub spent: Spent,
}

impl Throughput {
    /// Rows per wall-clock second.
    pub fn rows_per_s(&self) -> f64 {
        self.rows as f64 / self.spent.wall.as_secs_f64().max(1e-9)
    }

    /// CPU microseconds per row.
    pub fn cpu_us_per_row(&self) -> f64 {
        self.spent.cpu.as_secs_f64() * 1e6 / self.rows.max(1) as f64
    }
}

/// What [`measure`] found.
#[derive(Debug, Clone)]
pub struct SpeedReport {
    /// Threads of the "all threads" runs.
    pub threads: usize,
    /// Time to build the world (not counted in the figures).
    pub world_build: Duration,
    /// Persons of the scenario.
    pub persons: u64,
    /// Cells of the networks.
    pub cells: usize,
    /// Generation alone into memory, one thread.
    pub generation_1: Throughput,
    /// (a) the writer ceiling, one thread.
    pub writer_1: Throughput,
    /// (a) the writer ceiling, all threads.
    pub writer_all: Throughput,
    /// (b) end to end, one thread.
    pub end_to_end_1: Throughput,
    /// (b) end to end, all threads.
    pub end_to_end_all: Throughput,
}

impl SpeedReport {
    /// End to end over the writer ceiling on one thread (b/a), by wall clock.
    pub fn ratio(&self) -> f64 {
        self.end_to_end_1.rows_per_s() / self.writer_1.rows_per_s()
    }

    /// The same ratio by CPU time per row.
    pub fn cpu_ratio(&self) -> f64 {
        self.writer_1.cpu_us_per_row() / self.end_to_end_1.cpu_us_per_row()
    }

    /// End-to-end speed-up from one thread to all.
    pub fn scaling(&self) -> f64 {
        self.end_to_end_all.rows_per_s() / self.end_to_end_1.rows_per_s()
    }

    /// Writer speed-up from one thread to all.
    pub fn writer_scaling(&self) -> f64 {
        self.writer_all.rows_per_s() / self.writer_1.rows_per_s()
    }

    /// End-to-end cdr rows per second per core, on all threads.
    pub fn per_core(&self) -> f64 {
        self.end_to_end_all.rows_per_s() / self.threads as f64
    }

    /// Share of the one-thread end-to-end CPU time spent converting, encoding and writing (the
    /// rest is generation).
    pub fn write_share(&self) -> f64 {
        let generation = self.generation_1.spent.cpu.as_secs_f64();
        (1.0 - generation / self.end_to_end_1.spent.cpu.as_secs_f64()).max(0.0)
    }
}

/// Measures the writer ceiling, the end-to-end rate and the generation alone for the `cdr`
/// table of `scenario` (see the module documentation); `tmp` takes the files written.
pub fn measure(
    scenario: &Scenario,
    options: SpeedOptions,
    tmp: &Path,
) -> Result<SpeedReport, SpeedError> {
    let cdr_only = scenario::with_tables(scenario, &["cdr"])
        .map_err(|e| SpeedError::Runtime(format!("scenario restricted to cdr: {e}")))?;
    let codec = compression(scenario);
    let one_pool = pool(1)?;
    let all_pool = pool(options.threads)?;
    let started = Instant::now();
    let world = all_pool
        .install(|| World::build(cdr_only))
        .map_err(|e| SpeedError::Input(e.to_string()))?;
    let world_build = started.elapsed();

    // 1. Generation alone, into memory.
    let mut generation_1 = Spent::FOREVER;
    let (mut batches, mut cdr_rows) = (Vec::new(), 0);
    for _ in 0..options.repeat {
        let memory = MemorySink::keeping(options.writer_rows);
        let (result, took) =
            timed(|| one_pool.install(|| generate::run(&world, Shard::ALL, &memory, &|_, _| {})));
        result?;
        generation_1 = generation_1.best(took);
        (batches, cdr_rows) = memory.into_parts();
    }
    batches.sort_by_key(|(part, _)| *part);
    let batches: Vec<Batch> = batches.into_iter().map(|(_, b)| b).collect();
    if cdr_rows == 0 {
        return Err(SpeedError::Input(format!(
            "scenario {} generates no cdr rows: nothing to measure",
            scenario.name()
        )));
    }

    // 2. Writer ceiling on pre-built batches, and 3. end to end, interleaved.
    let (mut w_1, mut w_all, mut e2e_1, mut e2e_all) = (
        Spent::FOREVER,
        Spent::FOREVER,
        Spent::FOREVER,
        Spent::FOREVER,
    );
    let (mut written_1, mut written_all) = (0, 0);
    for _ in 0..options.repeat {
        let (rows, took) = write_batches(&one_pool, &batches, options.writer_rows, codec, tmp)?;
        written_1 = rows;
        w_1 = w_1.best(took);
        let (rows, took) = write_batches(&all_pool, &batches, options.writer_rows, codec, tmp)?;
        written_all = rows;
        w_all = w_all.best(took);
        for (pool, name, best) in [
            (&one_pool, "e2e-1", &mut e2e_1),
            (&all_pool, "e2e-all", &mut e2e_all),
        ] {
            let (rows, took) = end_to_end(pool, &world, &tmp.join(name))?;
            if rows != cdr_rows {
                return Err(SpeedError::Runtime(format!(
                    "{rows} cdr rows end to end on {} threads, {cdr_rows} into memory: the \
                     rows must not depend on the thread count",
                    pool.current_num_threads()
                )));
            }
            *best = best.best(took);
        }
    }
    let at = |rows, spent| Throughput { rows, spent };
    Ok(SpeedReport {
        threads: options.threads,
        world_build,
        persons: world.population.len(),
        cells: world.network.cells().len(),
        generation_1: at(cdr_rows, generation_1),
        writer_1: at(written_1, w_1),
        writer_all: at(written_all, w_all),
        end_to_end_1: at(cdr_rows, e2e_1),
        end_to_end_all: at(cdr_rows, e2e_all),
    })
}

/// Rows and bytes of one table in a run with every table.
#[derive(Debug, Clone)]
pub struct TableRate {
    /// Table name.
    pub table: String,
    /// Rows.
    pub rows: u64,
    /// Bytes in Parquet.
    pub parquet_bytes: u64,
    /// Bytes in CSV.
    pub csv_bytes: u64,
}

/// What [`table_rates`] found: the rates [`super::estimate`] is built from.
#[derive(Debug, Clone)]
pub struct TableRates {
    /// Persons of the scenario.
    pub persons: u64,
    /// Person-days of the scenario.
    pub person_days: u64,
    /// Person-days generated per second on one thread, every table written in Parquet.
    pub person_days_per_s: f64,
    /// Every table, in manifest order.
    pub tables: Vec<TableRate>,
}

/// Generates every table of `scenario` in Parquet (one thread, timed) and in CSV (`threads`
/// threads) and returns rows and bytes per table.
pub fn table_rates(
    scenario: &Scenario,
    threads: usize,
    tmp: &Path,
) -> Result<TableRates, SpeedError> {
    let (one, all) = (pool(1)?, pool(threads)?);
    let world = all
        .install(|| World::build(scenario.clone()))
        .map_err(|e| SpeedError::Input(e.to_string()))?;
    let persons = world.population.len();
    let person_days = persons * u64::from(scenario.days());
    let (parquet, took) =
        timed(|| write_all(&one, &world, &tmp.join("rates-parquet"), Format::Parquet));
    let parquet = parquet?;
    let csv = write_all(&all, &world, &tmp.join("rates-csv"), Format::Csv)?;
    let tables = parquet
        .into_iter()
        .zip(csv)
        .map(
            |((table, rows, parquet_bytes), (_, _, csv_bytes))| TableRate {
                table,
                rows,
                parquet_bytes,
                csv_bytes,
            },
        )
        .collect();
    Ok(TableRates {
        persons,
        person_days,
        person_days_per_s: person_days as f64 / took.wall.as_secs_f64().max(1e-9),
        tables,
    })
}

/// CPU model, core count and load average, from /proc where there is one.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let model = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned());
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .map(|l| format!(", load average {l} before start"))
        .unwrap_or_default();
    format!("{model}, {cores} cores{load}")
}

/// Keeps the batches a run hands over, in memory, until they hold `keep` rows; counts all rows.
struct MemorySink {
    keep: u64,
    state: Mutex<Kept>,
}

/// What a [`MemorySink`] holds.
#[derive(Default)]
struct Kept {
    batches: Vec<(PartKey, Batch)>,
    rows_kept: u64,
    rows_seen: u64,
}

impl MemorySink {
    fn keeping(keep: u64) -> Self {
        MemorySink {
            keep,
            state: Mutex::new(Kept::default()),
        }
    }

    /// The kept batches and the number of rows handed over.
    fn into_parts(self) -> (Vec<(PartKey, Batch)>, u64) {
        let kept = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        (kept.batches, kept.rows_seen)
    }
}

impl Sink for MemorySink {
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError> {
        let rows = batch.num_rows() as u64;
        let mut kept = self.state.lock().unwrap_or_else(|e| e.into_inner());
        kept.rows_seen += rows;
        if kept.rows_kept < self.keep && rows > 0 {
            kept.rows_kept += rows;
            kept.batches.push((part, batch));
        }
        Ok(())
    }
}

/// Writes the batches, repeated until at least `rows` rows, each as its own Parquet file, on the
/// threads of `pool`; returns rows written and the time spent writing (clones not counted).
fn write_batches(
    pool: &rayon::ThreadPool,
    batches: &[Batch],
    rows: u64,
    compression: Compression,
    tmp: &Path,
) -> Result<(u64, Spent), SpeedError> {
    let dir = tmp.join(format!("writer-{}", pool.current_num_threads()));
    let io = |e: std::io::Error| SpeedError::Runtime(format!("{}: {e}", dir.display()));
    fs::create_dir_all(&dir).map_err(io)?;
    let chunk = pool.current_num_threads() * 4;
    let (mut written, mut spent, mut next) = (0u64, Spent::NONE, 0usize);
    while written < rows {
        let work: Vec<(usize, Batch)> = (next..next + chunk)
            .map(|n| (n, batches[n % batches.len()].clone()))
            .collect();
        next += chunk;
        let chunk_rows: u64 = work.iter().map(|(_, b)| b.num_rows() as u64).sum();
        let (result, took) = timed(|| {
            pool.install(|| {
                work.into_par_iter().try_for_each(|(n, batch)| {
                    let path = dir.join(format!("cdr-{n:06}.parquet"));
                    let file = File::create(&path)
                        .map_err(|e| format!("create {}: {e}", path.display()))?;
                    let out = write_parquet(BufWriter::new(file), batch, compression)
                        .map_err(|e| format!("write {}: {e}", path.display()))?;
                    out.into_inner()
                        .map_err(|e| format!("write {}: {e}", path.display()))?;
                    Ok::<(), String>(())
                })
            })
        });
        result.map_err(SpeedError::Runtime)?;
        spent = spent.add(took);
        written += chunk_rows;
        // Keep the disk use bounded; deleting is not timed.
        for entry in fs::read_dir(&dir).map_err(io)? {
            let _ = fs::remove_file(entry.map_err(io)?.path());
        }
    }
    Ok((written, spent))
}

/// Generates `world` into a dataset folder on the threads of `pool`; returns cdr rows and time.
fn end_to_end(
    pool: &rayon::ThreadPool,
    world: &World,
    dir: &Path,
) -> Result<(u64, Spent), SpeedError> {
    let (manifest, took) = timed(|| write_all_tables(pool, world, dir, Format::Parquet));
    let rows = manifest?.tables.values().map(|t| t.rows).sum();
    let _ = fs::remove_dir_all(dir);
    Ok((rows, took))
}

/// Writes every table of `world` in `format`; returns (table, rows, bytes) per table.
fn write_all(
    pool: &rayon::ThreadPool,
    world: &World,
    dir: &Path,
    format: Format,
) -> Result<Vec<(String, u64, u64)>, SpeedError> {
    let manifest = write_all_tables(pool, world, dir, format)?;
    let _ = fs::remove_dir_all(dir);
    Ok(manifest
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.rows, t.files.iter().map(|f| f.bytes).sum()))
        .collect())
}

/// Runs `world` into a new dataset folder `dir` on the threads of `pool`.
fn write_all_tables(
    pool: &rayon::ThreadPool,
    world: &World,
    dir: &Path,
    format: Format,
) -> Result<Manifest, SpeedError> {
    let options = WriterOptions {
        format,
        compression: compression(&world.scenario),
        force: false,
    };
    let writer = DatasetWriter::create(dir, options)?;
    let unsplit = ShardInfo { index: 0, count: 1 };
    Ok(pool.install(|| write_world(world, writer, unsplit, &|_, _| {}))?)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, SpeedError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| SpeedError::Runtime(format!("cannot start worker threads: {e}")))
}

fn cpu_now() -> Duration {
    usage::usage().map_or(Duration::ZERO, |u| u.user + u.system)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Spent) {
    let (started, cpu) = (Instant::now(), cpu_now());
    let value = f();
    let spent = Spent {
        wall: started.elapsed(),
        cpu: cpu_now().saturating_sub(cpu),
    };
    (value, spent)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
name = "speed-test"
description = "2,000 Kuala Lumpur residents on one day, in two blocks."
seed = 7

[period]
start = 2025-01-10
end = 2025-01-10

[region]
states = ["W.P. Kuala Lumpur"]

[population]
persons = 2000

[outputs]
persons_per_block = 1000
"#;

    #[test]
    fn end_to_end_has_the_rows_generated_in_memory_and_the_writer_writes_enough() {
        let names = telcosynth_generator::tables::names();
        let scenario = scenario::parse("speed-test", SCENARIO, &names).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let options = SpeedOptions {
            threads: 2,
            writer_rows: 5_000,
            repeat: 1,
        };
        let r = measure(&scenario, options, tmp.path()).unwrap();
        assert!(r.generation_1.rows > 0);
        assert_eq!(r.end_to_end_1.rows, r.generation_1.rows);
        assert_eq!(r.end_to_end_all.rows, r.generation_1.rows);
        assert!(r.writer_1.rows >= 5_000 && r.writer_all.rows >= 5_000);
        assert!(r.ratio() > 0.0 && r.ratio().is_finite());
        assert!((0.0..=1.0).contains(&r.write_share()));
        assert_eq!(r.persons, 2000);
    }

    #[test]
    fn the_memory_sink_keeps_batches_up_to_its_rows_and_counts_them_all() {
        let names = telcosynth_generator::tables::names();
        let scenario = scenario::parse("speed-test", SCENARIO, &names).unwrap();
        let world = World::build(scenario::with_tables(&scenario, &["cdr"]).unwrap()).unwrap();
        let all = MemorySink::keeping(u64::MAX);
        generate::run(&world, Shard::ALL, &all, &|_, _| {}).unwrap();
        let (every, total) = all.into_parts();
        let sum = |b: &[(PartKey, Batch)]| b.iter().map(|(_, b)| b.num_rows() as u64).sum::<u64>();
        assert_eq!(sum(&every), total);
        let keep = total / 3;
        let some = MemorySink::keeping(keep);
        generate::run(&world, Shard::ALL, &some, &|_, _| {}).unwrap();
        let (kept, seen) = some.into_parts();
        assert_eq!(seen, total);
        let largest = every
            .iter()
            .map(|(_, b)| b.num_rows() as u64)
            .max()
            .unwrap();
        assert!(
            sum(&kept) >= keep && sum(&kept) < keep + largest,
            "{} of {total}",
            sum(&kept)
        );
    }

    #[test]
    fn table_rates_list_every_table_in_both_formats() {
        let names = telcosynth_generator::tables::names();
        let scenario = scenario::parse("speed-test", SCENARIO, &names).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let r = table_rates(&scenario, 2, tmp.path()).unwrap();
        assert_eq!(r.person_days, 2000);
        let cdr = r.tables.iter().find(|t| t.table == "cdr").unwrap();
        assert!(cdr.rows > 0 && cdr.parquet_bytes > 0);
        // CSV is text: larger than zstd-compressed Parquet.
        assert!(cdr.csv_bytes > cdr.parquet_bytes, "{cdr:?}");
    }
}
