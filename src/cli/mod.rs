//! Command-line interface: argument parsing and the commands.

mod bench_speed;
mod failure;
pub mod generate;
pub mod harness;
mod inspect;
mod merge;
mod progress;
mod scenario;
mod verify;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use telcosynth_sinks::ShardInfo;

pub use failure::Failure;

/// Deterministic synthetic telecom data for Malaysia.
#[derive(Debug, Parser)]
#[command(name = "telcosynth", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a dataset from a scenario (the embedded quickstart by default).
    Generate(GenerateArgs),
    /// List, show or validate scenarios.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Print the reference of every table and column (Markdown).
    Tables,
    /// Print a dataset's realism figures beside their targets and sources, and write them as JSON.
    Inspect(InspectArgs),
    /// Check that a folder holds every shard of a split run, complete and consistent, and write
    /// its manifest.json listing every shard's files.
    MergeManifests(MergeArgs),
    /// Measure the Parquet writer's ceiling and end-to-end generation speed of the cdr table
    /// on this machine, on one thread and on all threads.
    BenchSpeed(BenchSpeedArgs),
    /// Check that a dataset is byte-identical to a published reference: regenerate the
    /// reference's scenario (or read --dataset) and compare every table and file. Exit code 0
    /// when identical, 3 when it differs (naming the first table, file, columns and rows),
    /// 2 for a bad reference or arguments, 1 when generation or reading fails.
    Verify(VerifyArgs),
    /// Generate a scenario and write its reference folder (manifest and fingerprints, no data).
    Reference(ReferenceArgs),
    /// Run anonymisation pipelines on a dataset's operator view and score their releases on
    /// utility and re-identification risk (report.json, report.md, report.html). Runs the
    /// benchmark harness, the separate executable telcosynth-bench: `telcosynth bench --help`
    /// lists its options.
    #[command(disable_help_flag = true)]
    Bench(HarnessArgs),
    /// Run a baseline anonymisation pipeline under the pipeline contract (through
    /// telcosynth-bench: `telcosynth baseline --help`).
    #[command(disable_help_flag = true)]
    Baseline(HarnessArgs),
}

/// Arguments handed unchanged to `telcosynth-bench`.
#[derive(Debug, clap::Args)]
pub struct HarnessArgs {
    /// Arguments of the command (see `telcosynth bench --help`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    args: Vec<OsString>,
}

/// Arguments of `telcosynth verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Reference folder, e.g. reference-outputs/quickstart.
    reference: PathBuf,
    /// Compare this dataset folder instead of regenerating the reference's scenario.
    #[arg(long, value_name = "DIR")]
    dataset: Option<PathBuf>,
    /// Worker threads for regenerating [default: all cores]; the output is the same for any value.
    #[arg(long, value_parser = parse_threads)]
    threads: Option<u16>,
    /// Folder to regenerate in (a temporary folder inside it, removed afterwards)
    /// [default: the system's temporary folder].
    #[arg(long, value_name = "DIR")]
    scratch: Option<PathBuf>,
}

/// Arguments of `telcosynth reference`.
#[derive(Debug, clap::Args)]
pub struct ReferenceArgs {
    /// Scenario file path or bundled scenario name.
    scenario: String,
    /// Reference folder to write [default: reference-outputs/<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]; the output is the same for any value.
    #[arg(long, value_parser = parse_threads)]
    threads: Option<u16>,
}

/// Arguments of `telcosynth generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Scenario file path or bundled scenario name [default: quickstart].
    scenario: Option<String>,
    /// Output folder [default: ./<scenario name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads [default: all cores]; the output is the same for any value.
    #[arg(long, value_parser = parse_threads)]
    threads: Option<u16>,
    /// Output format, overriding the scenario's outputs.format.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Replace the contents of a non-empty output folder (with --shard: of the shard's folder).
    #[arg(long)]
    force: bool,
    /// Generate only shard I of N (0 <= I < N) into OUT/shard-IIII-of-NNNN/; person blocks
    /// b with b mod N = I. `telcosynth merge-manifests OUT` combines the shards.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<ShardInfo>,
    /// Estimate rows, bytes and time per table from the scenario's size, without generating.
    #[arg(long)]
    dry_run: bool,
    /// Print resource use after the summary: peak resident memory (max RSS) and CPU time.
    #[arg(long)]
    stats: bool,
}

/// Arguments of `telcosynth merge-manifests`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The --out folder the shards were written into (holding shard-IIII-of-NNNN folders).
    dir: PathBuf,
    /// Also re-hash every data file and compare with the shard manifests (reads all data).
    #[arg(long)]
    verify_hashes: bool,
}

/// Arguments of `telcosynth bench-speed`.
#[derive(Debug, clap::Args)]
pub struct BenchSpeedArgs {
    /// Scenario whose cdr table is measured [default: quickstart].
    scenario: Option<String>,
    /// Rows the writer-ceiling measurement writes (the scenario's batches, repeated).
    #[arg(long, default_value_t = 2_000_000)]
    writer_rows: u64,
    /// Threads of the "all threads" measurements [default: all cores].
    #[arg(long, value_parser = parse_threads)]
    threads: Option<u16>,
    /// Also print per-person-day rates of every table (rows and bytes), as used by --dry-run.
    #[arg(long)]
    rates: bool,
    /// Repeat every measurement this many times and keep the fastest (filters out other load
    /// on a shared machine).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    repeat: u16,
}

/// Most worker threads `--threads` accepts: 4 × the available cores, at least 16 and at most
/// 1024. The output is the same for any number of threads; more than that only costs memory
/// and time (every worker keeps its own caches).
pub fn max_threads() -> u16 {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_mul(4).clamp(16, 1024) as u16
}

/// Parses `--threads N`: 1 to [`max_threads`].
pub fn parse_threads(text: &str) -> Result<u16, String> {
    let max = max_threads();
    let fix = format!(
        "give a whole number from 1 to {max} (4 × the available cores, at least 16); the \
         output is the same for any number of threads"
    );
    match text.trim().parse::<u64>() {
        Ok(n) if (1..=u64::from(max)).contains(&n) => Ok(n as u16),
        Ok(n) => Err(format!("{n} threads is out of range: {fix}")),
        Err(_) => Err(format!("{text:?} is not a whole number: {fix}")),
    }
}

/// Parses `--shard I/N`.
fn parse_shard(text: &str) -> Result<ShardInfo, String> {
    let usage = "expected I/N: shard I of N, 0 <= I < N, e.g. 0/4";
    let (index, count) = text.split_once('/').ok_or_else(|| usage.to_string())?;
    let number = |part: &str, what: &str| {
        part.trim()
            .parse::<u32>()
            .map_err(|_| format!("{what} {part:?} is not a whole number; {usage}"))
    };
    let shard = ShardInfo {
        index: number(index, "shard index")?,
        count: number(count, "shard count")?,
    };
    telcosynth_sinks::check_shard(shard)?;
    Ok(shard)
}

/// Arguments of `telcosynth inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Dataset folder (Parquet) with its manifest.json.
    dataset: PathBuf,
    /// Where to write the JSON report [default: DATASET/realism.json, not listed in the manifest].
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// Output file format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Apache Parquet (zstd unless the scenario says otherwise).
    Parquet,
    /// CSV with a header line.
    Csv,
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// List the bundled scenarios.
    List,
    /// Print a bundled scenario's file.
    Show {
        /// Bundled scenario name.
        name: String,
    },
    /// Check a scenario file and print its normalised form.
    Validate {
        /// Scenario file path or bundled name.
        file: String,
    },
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Generate(args) => generate::run(args),
        Command::Scenario(ScenarioCommand::List) => scenario::list(),
        Command::Scenario(ScenarioCommand::Show { name }) => scenario::show(&name),
        Command::Scenario(ScenarioCommand::Validate { file }) => scenario::validate(&file),
        Command::Inspect(args) => inspect::run(args),
        Command::MergeManifests(args) => merge::run(args),
        Command::BenchSpeed(args) => bench_speed::run(args),
        Command::Bench(args) => harness::run("bench", args.args),
        Command::Baseline(args) => harness::run("baseline", args.args),
        Command::Verify(args) => verify::run(args),
        Command::Reference(args) => verify::publish(args),
        Command::Tables => {
            print!("{}", telcosynth_generator::tables::markdown());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{max_threads, parse_shard, parse_threads};

    #[test]
    fn thread_arguments() {
        assert_eq!(parse_threads("1"), Ok(1));
        assert_eq!(parse_threads("16"), Ok(16));
        let max = max_threads();
        assert!((16..=1024).contains(&max));
        assert_eq!(parse_threads(&max.to_string()), Ok(max));
        for bad in ["0", "1025", "65535", "18446744073709551616", "-1", "x"] {
            let err = parse_threads(bad).unwrap_err();
            assert!(err.contains(&format!("from 1 to {max}")), "{bad}: {err}");
        }
    }

    #[test]
    fn shard_arguments() {
        let ok = |t: &str| parse_shard(t).map(|s| (s.index, s.count));
        assert_eq!(ok("0/1"), Ok((0, 1)));
        assert_eq!(ok("2/3"), Ok((2, 3)));
        assert_eq!(ok(" 1 / 4 "), Ok((1, 4)));
        assert!(ok("3/3").unwrap_err().contains("use 0 to 2"));
        assert!(ok("0/0").unwrap_err().contains("at least 1"));
        assert!(ok("1").unwrap_err().contains("expected I/N"));
        assert!(ok("-1/2").unwrap_err().contains("not a whole number"));
        assert!(ok("0/10000").unwrap_err().contains("at most 9999"));
    }
}
