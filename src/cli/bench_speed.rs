//! `telcosynth bench-speed`: how fast the `cdr` table is written, against what the Parquet
//! writer alone can do, on one thread and on all threads, measured in one run on one machine.
//!
//! 1. The scenario's `cdr` table is generated once into memory (its batches, one per block and
//!    day, exactly as a run hands them to the sink); the time of that run is the generation
//!    alone, without any Arrow conversion or encoding.
//! 2. Writer ceiling: those batches, repeated until `--writer-rows` rows, are converted and
//!    written with the sinks' own `write_parquet` (the project's writer settings, with the
//!    scenario's `outputs.compression`) into files, on
//!    one thread and on all threads. Cloning the repeated batches is not timed.
//! 3. End to end: the scenario restricted to `cdr` is generated into a `DatasetWriter` in a
//!    temporary folder (generation, conversion, Parquet encoding, hashing, files, manifest), on
//!    one thread and on all threads. Building the world (population plan, networks) is timed
//!    separately and not counted.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use telcosynth_generator::generate::{self, Shard, World};
use telcosynth_generator::scenario::{self, Scenario, normalised_toml};
use telcosynth_generator::table::{Batch, PartKey, Sink, SinkError};
use telcosynth_generator::tables;
use telcosynth_sinks::{
    Compression, DatasetWriter, Format, ManifestInfo, ShardInfo, ToolInfo, WriterOptions,
    write_parquet,
};

use super::{BenchSpeedArgs, Failure, rss};

/// The targets: end-to-end over writer ceiling on one thread, scaling on two cores,
/// cdr rows per second per core.
const TARGET_RATIO: f64 = 0.5;
const TARGET_SCALING_2: f64 = 1.8;
const TARGET_ROWS_PER_CORE: f64 = 3.0e6;

/// Keeps every batch a run hands over, in memory.
#[derive(Default)]
struct MemorySink(Mutex<Vec<(PartKey, Batch)>>);

impl Sink for MemorySink {
    fn write(&self, part: PartKey, batch: Batch) -> Result<(), SinkError> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((part, batch));
        Ok(())
    }
}

/// Runs `bench-speed`.
pub fn run(args: BenchSpeedArgs) -> Result<(), Failure> {
    let source = scenario::resolve(args.scenario.as_deref().unwrap_or("quickstart"));
    let full = source.load(&tables::names())?;
    let cdr_only = with_tables(&full, &["cdr"])?;
    let codec = compression(&full);
    let all = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let one_pool = pool(1)?;
    let all_pool = pool(all)?;
    let tmp = tempfile::tempdir().map_err(|e| Failure::Runtime(format!("temp folder: {e}")))?;
    let runtime = |e: SinkError| Failure::Runtime(e.to_string());

    println!(
        "bench-speed: scenario {} ({} days), cdr table, Parquet {:?}, {all} thread{} for \"all\", \
         fastest of {}; {}",
        full.name(),
        full.days(),
        codec,
        if all == 1 { "" } else { "s" },
        args.repeat,
        machine()
    );
    let started = Instant::now();
    let world = all_pool
        .install(|| World::build(cdr_only))
        .map_err(|e| Failure::Input(e.to_string()))?;
    let build = started.elapsed();
    println!(
        "world build (not counted below): {:.2} s for {} persons, {} cells",
        build.as_secs_f64(),
        world.population.len(),
        world.network.cells().len()
    );

    // 1. Generation alone, into memory.
    let repeat = usize::from(args.repeat);
    let mut generation_1 = Spent::FOREVER;
    let mut batches = Vec::new();
    for _ in 0..repeat {
        let memory = MemorySink::default();
        let (result, took) =
            timed(|| one_pool.install(|| generate::run(&world, Shard::ALL, &memory, &|_, _| {})));
        result.map_err(runtime)?;
        generation_1 = generation_1.best(took);
        batches = memory.0.into_inner().unwrap_or_else(|e| e.into_inner());
    }
    batches.sort_by_key(|(part, _)| *part);
    let batches: Vec<Batch> = batches.into_iter().map(|(_, b)| b).collect();
    let cdr_rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
    if cdr_rows == 0 {
        return Err(Failure::Input(format!(
            "scenario {} generates no cdr rows: nothing to measure",
            full.name()
        )));
    }
    let gen_1 = cdr_rows as f64 / generation_1.wall.as_secs_f64();

    // 2. Writer ceiling on pre-built batches, and 3. end to end; the fastest of `repeat` runs,
    // interleaved so that a burst of other load hits all measurements alike.
    let (mut w_1, mut w_all, mut e2e_1, mut e2e_all) = (
        Spent::FOREVER,
        Spent::FOREVER,
        Spent::FOREVER,
        Spent::FOREVER,
    );
    let (mut written_1, mut written_all) = (0, 0);
    for _ in 0..repeat {
        let (rows, took) = write_batches(&one_pool, &batches, args.writer_rows, codec, tmp.path())?;
        written_1 = rows;
        w_1 = w_1.best(took);
        let (rows, took) = write_batches(&all_pool, &batches, args.writer_rows, codec, tmp.path())?;
        written_all = rows;
        w_all = w_all.best(took);
        let (rows, took) =
            end_to_end(&one_pool, &world, &tmp.path().join("e2e-1")).map_err(runtime)?;
        assert_eq!(rows, cdr_rows, "the same rows with any thread count");
        e2e_1 = e2e_1.best(took);
        let (rows, took) =
            end_to_end(&all_pool, &world, &tmp.path().join("e2e-all")).map_err(runtime)?;
        assert_eq!(rows, cdr_rows, "the same rows with any thread count");
        e2e_all = e2e_all.best(took);
    }
    let per_second = |rows: u64, d: Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    let a_1 = per_second(written_1, w_1.wall);
    let a_all = per_second(written_all, w_all.wall);
    let b_1 = per_second(cdr_rows, e2e_1.wall);
    let b_all = per_second(cdr_rows, e2e_all.wall);

    let mrows = |r: f64| format!("{:.3} M rows/s", r / 1e6);
    println!(
        "{:<44} {:>16} {:>16}",
        "cdr rows per second",
        "1 thread",
        format!("{all} threads")
    );
    println!(
        "{:<44} {:>16} {:>16}",
        format!("(a) Parquet writer ceiling ({written_1} rows)"),
        mrows(a_1),
        mrows(a_all)
    );
    println!(
        "{:<44} {:>16} {:>16}",
        format!("(b) end to end ({cdr_rows} rows)"),
        mrows(b_1),
        mrows(b_all)
    );
    println!(
        "{:<44} {:>16} {:>16}",
        "    of which generation alone (in memory)",
        mrows(gen_1),
        "-"
    );
    let ratio = b_1 / a_1;
    let scaling = b_all / b_1;
    // CPU times: the wall-clock times of two separate runs differ by more than the split on a
    // busy machine.
    let write_share = (1.0 - generation_1.cpu.as_secs_f64() / e2e_1.cpu.as_secs_f64()).max(0.0);
    println!(
        "CPU time split on 1 thread: {:.0}% generating records, {:.0}% converting, encoding and \
         writing",
        (1.0 - write_share) * 100.0,
        write_share * 100.0
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "ratio b/a on 1 thread: {ratio:.3} (target >= {TARGET_RATIO}: {})",
        verdict(ratio >= TARGET_RATIO)
    );
    println!(
        "end-to-end scaling 1 -> {all} threads: {scaling:.2}x (target >= {TARGET_SCALING_2}x on 2 \
         cores{}); writer scaling {:.2}x",
        if all == 2 {
            format!(": {}", verdict(scaling >= TARGET_SCALING_2))
        } else {
            String::new()
        },
        a_all / a_1
    );
    let per_core = b_all / all as f64;
    println!(
        "end to end per core: {} (target >= 3 M rows/s per core: {}, {:.1}x short)",
        mrows(per_core),
        verdict(per_core >= TARGET_ROWS_PER_CORE),
        (TARGET_ROWS_PER_CORE / per_core).max(1.0)
    );

    let micros = |d: Duration, rows: u64| d.as_secs_f64() * 1e6 / rows as f64;
    println!(
        "CPU time per cdr row (user + system, insensitive to other load): writer {:.2} us on 1 \
         thread, {:.2} us on {all}; end to end {:.2} us on 1 thread, {:.2} us on {all} \
         (generation alone {:.2} us); ratio b/a by CPU time {:.3}",
        micros(w_1.cpu, written_1),
        micros(w_all.cpu, written_all),
        micros(e2e_1.cpu, cdr_rows),
        micros(e2e_all.cpu, cdr_rows),
        micros(generation_1.cpu, cdr_rows),
        w_1.cpu.as_secs_f64() / written_1 as f64 / (e2e_1.cpu.as_secs_f64() / cdr_rows as f64)
    );
    println!(
        "wall times (fastest): writer {:.2} s / {:.2} s, end to end {:.2} s / {:.2} s, \
         generation alone {:.2} s",
        w_1.wall.as_secs_f64(),
        w_all.wall.as_secs_f64(),
        e2e_1.wall.as_secs_f64(),
        e2e_all.wall.as_secs_f64(),
        generation_1.wall.as_secs_f64()
    );

    if args.rates {
        rates(&full, &one_pool, &all_pool, tmp.path())?;
    }
    if let Some(u) = rss::usage() {
        println!(
            "max RSS of this benchmark: {} (batches held in memory)",
            rss::mib(u.max_rss_bytes)
        );
    }
    Ok(())
}

/// Writes the batches, repeated until at least `rows` rows, each as its own Parquet file, on the
/// threads of `pool`; returns rows written and the time spent writing (clones not counted).
fn write_batches(
    pool: &rayon::ThreadPool,
    batches: &[Batch],
    rows: u64,
    compression: Compression,
    tmp: &Path,
) -> Result<(u64, Spent), Failure> {
    let dir = tmp.join(format!("writer-{}", pool.current_num_threads()));
    fs::create_dir_all(&dir).map_err(|e| Failure::Runtime(format!("{}: {e}", dir.display())))?;
    let chunk = pool.current_num_threads() * 4;
    let mut written = 0u64;
    let mut spent = Spent::NONE;
    let mut next = 0usize;
    let mut files = 0usize;
    while written < rows {
        let work: Vec<(usize, Batch)> = (0..chunk)
            .map(|i| {
                let batch = batches[(next + i) % batches.len()].clone();
                (files + i, batch)
            })
            .collect();
        next += chunk;
        files += chunk;
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
        result.map_err(Failure::Runtime)?;
        spent = spent.add(took);
        written += chunk_rows;
        // Keep the disk use bounded; deleting is not timed.
        for entry in fs::read_dir(&dir).map_err(|e| Failure::Runtime(e.to_string()))? {
            let _ = fs::remove_file(entry.map_err(|e| Failure::Runtime(e.to_string()))?.path());
        }
    }
    Ok((written, spent))
}

/// Generates `world` into a dataset folder on the threads of `pool`; returns cdr rows and time.
fn end_to_end(
    pool: &rayon::ThreadPool,
    world: &World,
    dir: &Path,
) -> Result<(u64, Spent), SinkError> {
    let (result, took) = timed(|| -> Result<u64, SinkError> {
        let writer = DatasetWriter::create(
            dir,
            WriterOptions {
                format: Format::Parquet,
                compression: compression(&world.scenario),
                force: false,
            },
        )?;
        for table in world.tables() {
            writer.declare(table);
        }
        let summary = pool.install(|| generate::run(world, Shard::ALL, &writer, &|_, _| {}))?;
        writer.finish(manifest_info(&world.scenario))?;
        Ok(summary.rows.iter().map(|(_, r)| r).sum())
    });
    let rows = result?;
    let _ = fs::remove_dir_all(dir);
    Ok((rows, took))
}

/// `--rates`: rows per person-day and bytes per row of every table, and person-days per second
/// per thread with every table, in the form of `estimate::RATES`.
fn rates(
    scenario: &Scenario,
    one: &rayon::ThreadPool,
    all: &rayon::ThreadPool,
    tmp: &Path,
) -> Result<(), Failure> {
    let runtime = |e: SinkError| Failure::Runtime(e.to_string());
    let world = all
        .install(|| World::build(scenario.clone()))
        .map_err(|e| Failure::Input(e.to_string()))?;
    let persons = world.population.len() as f64;
    let person_days = persons * f64::from(scenario.days());
    let parquet = tmp.join("rates-parquet");
    let (summary, took) = timed(|| write_all(one, &world, &parquet, Format::Parquet));
    let parquet_bytes = summary.map_err(runtime)?;
    let csv = tmp.join("rates-csv");
    let csv_bytes = write_all(all, &world, &csv, Format::Csv).map_err(runtime)?;
    println!(
        "\nrates of {} (all tables, 1 thread): {:.0} person-days/s per thread; {} persons, {:.0} \
         person-days, {} SIMs",
        scenario.name(),
        person_days / took.wall.as_secs_f64(),
        persons,
        person_days,
        parquet_bytes
            .iter()
            .find(|(t, ..)| *t == "person_sims")
            .map_or(0, |r| r.1)
    );
    println!(
        "{:<14} {:>12} {:>14} {:>14} {:>12} {:>12}",
        "table", "rows", "per person-day", "per person", "parquet B/row", "csv B/row"
    );
    for ((table, rows, bytes), (_, _, csv_bytes)) in parquet_bytes.iter().zip(&csv_bytes) {
        let r = *rows as f64;
        let per_row = |b: u64| {
            if *rows == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", b as f64 / r)
            }
        };
        println!(
            "{table:<14} {rows:>12} {:>14.4} {:>14.4} {:>12} {:>12}",
            r / person_days,
            r / persons,
            per_row(*bytes),
            per_row(*csv_bytes)
        );
    }
    Ok(())
}

/// Writes every table of `world` in `format`; returns (table, rows, bytes) per table.
fn write_all(
    pool: &rayon::ThreadPool,
    world: &World,
    dir: &Path,
    format: Format,
) -> Result<Vec<(String, u64, u64)>, SinkError> {
    let writer = DatasetWriter::create(
        dir,
        WriterOptions {
            format,
            compression: compression(&world.scenario),
            force: false,
        },
    )?;
    for table in world.tables() {
        writer.declare(table);
    }
    pool.install(|| generate::run(world, Shard::ALL, &writer, &|_, _| {}))?;
    let manifest = writer.finish(manifest_info(&world.scenario))?;
    let _ = fs::remove_dir_all(dir);
    Ok(manifest
        .tables
        .iter()
        .map(|(name, t)| (name.clone(), t.rows, t.files.iter().map(|f| f.bytes).sum()))
        .collect())
}

fn manifest_info(scenario: &Scenario) -> ManifestInfo {
    ManifestInfo {
        tool: ToolInfo {
            name: "telcosynth".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        scenario_name: scenario.name().to_owned(),
        scenario_text: normalised_toml(scenario),
        seed: scenario.seed(),
        shard: ShardInfo { index: 0, count: 1 },
        extra: serde_json::Value::Null,
    }
}

/// The Parquet compression the scenario asks for (`outputs.compression`).
fn compression(scenario: &Scenario) -> Compression {
    match scenario.compression() {
        scenario::Compression::Zstd => Compression::Zstd,
        scenario::Compression::None => Compression::None,
    }
}

/// The scenario with its outputs restricted to `tables`.
fn with_tables(scenario: &Scenario, tables: &[&str]) -> Result<Scenario, Failure> {
    let mut doc: toml::Table = normalised_toml(scenario)
        .parse()
        .map_err(|e| Failure::Runtime(format!("normalised scenario: {e}")))?;
    let outputs = doc
        .entry("outputs")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(outputs) = outputs {
        outputs.insert(
            "tables".into(),
            toml::Value::Array(tables.iter().map(|t| toml::Value::from(*t)).collect()),
        );
    }
    Ok(scenario::parse(
        scenario.name(),
        &doc.to_string(),
        &telcosynth_generator::tables::names(),
    )?)
}

fn pool(threads: usize) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))
}

/// Wall-clock and CPU time (user + system, all threads of the process) of some work.
#[derive(Debug, Clone, Copy)]
struct Spent {
    wall: Duration,
    cpu: Duration,
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

fn cpu_now() -> Duration {
    rss::usage().map_or(Duration::ZERO, |u| u.user + u.system)
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

/// CPU model and core count, from /proc/cpuinfo where there is one.
fn machine() -> String {
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
