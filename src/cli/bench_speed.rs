//! `telcosynth bench-speed`: prints what [`crate::run::speed`] measures — the `cdr`
//! table's end-to-end rate against the bare Parquet writer's, on one thread and on all — and,
//! with `--rates`, the per-table rates that `generate --dry-run` estimates from.

use telcosynth_generator::scenario;
use telcosynth_generator::tables;

use super::{BenchSpeedArgs, Failure};
use crate::run::speed::{
    self, SpeedError, SpeedOptions, SpeedReport, TARGET_RATIO, TARGET_SCALING_2, TableRates,
};
use crate::run::usage;

impl From<SpeedError> for Failure {
    fn from(e: SpeedError) -> Self {
        match e {
            SpeedError::Input(m) => Failure::Input(m),
            SpeedError::Runtime(m) => Failure::Runtime(m),
        }
    }
}

/// Runs `bench-speed`.
pub fn run(args: BenchSpeedArgs) -> Result<(), Failure> {
    let source = scenario::resolve(args.scenario.as_deref().unwrap_or("quickstart"));
    let full = source.load(&tables::names())?;
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let tmp = tempfile::tempdir().map_err(|e| Failure::Runtime(format!("temp folder: {e}")))?;
    println!(
        "bench-speed: scenario {} ({} days), cdr table, Parquet {:?}, {threads} thread{} for \
         \"all\", fastest of {}; {}",
        full.name(),
        full.days(),
        crate::run::compression(&full),
        if threads == 1 { "" } else { "s" },
        args.repeat,
        speed::machine()
    );
    let options = SpeedOptions {
        threads,
        writer_rows: args.writer_rows,
        repeat: usize::from(args.repeat),
    };
    let report = speed::measure(&full, options, tmp.path())?;
    print_speed(&report);
    if args.rates {
        let rates = speed::table_rates(&full, threads, tmp.path())?;
        print_rates(full.name(), &rates);
    }
    if let Some(u) = usage::usage() {
        println!(
            "max RSS of this benchmark: {} (the writer's batches held in memory)",
            usage::mib(u.max_rss_bytes)
        );
    }
    Ok(())
}

fn print_speed(r: &SpeedReport) {
    let all = r.threads;
    println!(
        "world build (not counted below): {:.2} s for {} persons, {} cells",
        r.world_build.as_secs_f64(),
        r.persons,
        r.cells
    );
    let mrows = |rate: f64| format!("{:.3} M rows/s", rate / 1e6);
    println!(
        "{:<44} {:>16} {:>16}",
        "cdr rows per second",
        "1 thread",
        format!("{all} threads")
    );
    println!(
        "{:<44} {:>16} {:>16}",
        format!("(a) Parquet writer ceiling ({} rows)", r.writer_1.rows),
        mrows(r.writer_1.rows_per_s()),
        mrows(r.writer_all.rows_per_s())
    );
    println!(
        "{:<44} {:>16} {:>16}",
        format!("(b) end to end ({} rows)", r.end_to_end_1.rows),
        mrows(r.end_to_end_1.rows_per_s()),
        mrows(r.end_to_end_all.rows_per_s())
    );
    println!(
        "{:<44} {:>16} {:>16}",
        "    of which generation alone (in memory)",
        mrows(r.generation_1.rows_per_s()),
        "-"
    );
    // CPU times: the wall-clock times of two separate runs differ by more than the split on a
    // busy machine.
    let write_share = r.write_share();
    println!(
        "CPU time split on 1 thread: {:.0}% generating records, {:.0}% converting, encoding and \
         writing",
        (1.0 - write_share) * 100.0,
        write_share * 100.0
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let ratio = r.ratio();
    println!(
        "ratio b/a on 1 thread: {ratio:.3} (target >= {TARGET_RATIO}: {})",
        verdict(ratio >= TARGET_RATIO)
    );
    let scaling = r.scaling();
    println!(
        "end-to-end scaling 1 -> {all} threads: {scaling:.2}x (target >= {TARGET_SCALING_2}x on 2 \
         cores{}); writer scaling {:.2}x",
        if all == 2 {
            format!(": {}", verdict(scaling >= TARGET_SCALING_2))
        } else {
            String::new()
        },
        r.writer_scaling()
    );
    println!("end to end per core: {}", mrows(r.per_core()));
    println!(
        "CPU time per cdr row (user + system, insensitive to other load): writer {:.2} us on 1 \
         thread, {:.2} us on {all}; end to end {:.2} us on 1 thread, {:.2} us on {all} \
         (generation alone {:.2} us); ratio b/a by CPU time {:.3}",
        r.writer_1.cpu_us_per_row(),
        r.writer_all.cpu_us_per_row(),
        r.end_to_end_1.cpu_us_per_row(),
        r.end_to_end_all.cpu_us_per_row(),
        r.generation_1.cpu_us_per_row(),
        r.cpu_ratio()
    );
    let s = |t: &speed::Throughput| t.spent.wall.as_secs_f64();
    println!(
        "wall times (fastest): writer {:.2} s / {:.2} s, end to end {:.2} s / {:.2} s, \
         generation alone {:.2} s",
        s(&r.writer_1),
        s(&r.writer_all),
        s(&r.end_to_end_1),
        s(&r.end_to_end_all),
        s(&r.generation_1)
    );
}

/// `--rates`: rows per person-day and bytes per row of every table, in the form of
/// `crate::run::estimate::RATES`.
fn print_rates(scenario: &str, r: &TableRates) {
    let persons = r.persons as f64;
    let person_days = r.person_days as f64;
    println!(
        "\nrates of {scenario} (all tables, 1 thread): {:.0} person-days/s per thread; {} \
         persons, {} person-days, {} SIMs",
        r.person_days_per_s,
        r.persons,
        r.person_days,
        r.tables
            .iter()
            .find(|t| t.table == "person_sims")
            .map_or(0, |t| t.rows)
    );
    println!(
        "{:<14} {:>12} {:>14} {:>14} {:>12} {:>12}",
        "table", "rows", "per person-day", "per person", "parquet B/row", "csv B/row"
    );
    for t in &r.tables {
        let per_row = |bytes: u64| {
            if t.rows == 0 {
                "-".to_owned()
            } else {
                format!("{:.1}", bytes as f64 / t.rows as f64)
            }
        };
        println!(
            "{:<14} {:>12} {:>14.4} {:>14.4} {:>12} {:>12}",
            t.table,
            t.rows,
            t.rows as f64 / person_days,
            t.rows as f64 / persons,
            per_row(t.parquet_bytes),
            per_row(t.csv_bytes)
        );
    }
}
