//! `telcosynth bench`: run anonymisation pipelines on a dataset's operator view and score their
//! releases on utility and re-identification risk.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use telcosynth_benchmarks::baselines;
use telcosynth_benchmarks::bench::{BenchOptions, Pipeline, bench, check_run_folder};
use telcosynth_benchmarks::error::HarnessError;
use telcosynth_benchmarks::report::Outcome;
use telcosynth_benchmarks::runner::Limits;
use telcosynth_benchmarks::stages::Progress;

use telcosynth::cli::Failure;
use telcosynth::cli::generate::write_with_progress;
use telcosynth::run::writer_options;
use telcosynth_sinks::read_manifest;

/// Arguments of `telcosynth bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Generated dataset folder (Parquet, with manifest.json and the truth tables)
    /// [default: generate --scenario into OUT/dataset].
    dataset: Option<PathBuf>,
    /// Scenario to generate and bench when no DATASET is given: file path or bundled name
    /// (default: the small full-density scenario, whose privacy figures are those of real
    /// density).
    #[arg(
        long,
        conflicts_with = "dataset",
        default_value = "langkawi-full-density"
    )]
    scenario: String,
    /// A pipeline as NAME=COMMAND; the command is run by sh with `--input IN --output OUT
    /// --seed N` appended (repeatable).
    #[arg(long = "pipeline", value_name = "NAME=COMMAND", value_parser = Pipeline::parse)]
    pipelines: Vec<Pipeline>,
    /// Also run every baseline pipeline (identity, hash-msisdn, rotating-pseudonyms,
    /// k-suppressed-aggregates, dp-aggregates at three budgets); the default without
    /// --pipeline.
    #[arg(long)]
    baselines: bool,
    /// Target operator, key or name [default: the one with the most subscribers].
    #[arg(long)]
    operator: Option<String>,
    /// Run folder for the input, releases and reports [default: DATASET-bench, or
    /// <scenario name>-bench when the dataset is generated].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Wall-clock limit per pipeline, seconds.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    timeout_s: u64,
    /// Address-space limit per pipeline, MiB.
    #[arg(long, default_value_t = 8192, value_parser = clap::value_parser!(u64).range(16..))]
    memory_mib: u64,
    /// What each pipeline may write into its output and working folders together (and into
    /// the sandbox's /tmp), MiB; 0 (the default): four times the operator view's size, at
    /// least 1024.
    #[arg(long, default_value_t = 0)]
    disk_mib: u64,
    /// Seed passed to every pipeline.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Skip the re-identification risk assessment.
    #[arg(long)]
    no_risk: bool,
    /// Do not run aggregates pipelines a second time on the view without half the sampled
    /// targets; membership inference, which plays its game on that run, is then skipped.
    #[arg(long)]
    no_membership_runs: bool,
    /// Run pipelines without bubblewrap even where it is available; the dataset folder is still
    /// watched, and a pipeline that opens it fails.
    #[arg(long)]
    no_sandbox: bool,
}

/// Runs `bench`: prints where the reports are and one line per pipeline.
pub fn run(args: BenchArgs) -> Result<(), Failure> {
    // Every argument is checked before any work: the operator, the dataset's manifest, the
    // run folder.
    if let Some(want) = &args.operator {
        check_operator(want)?;
    }
    let (dataset, out) = match &args.dataset {
        Some(dataset) => {
            if !dataset.join("manifest.json").is_file() {
                return Err(Failure::Input(format!(
                    "{}: not a dataset folder (no manifest.json); generate one with telcosynth \
                     generate, or leave DATASET out to bench --scenario",
                    dataset.display()
                )));
            }
            read_manifest(dataset).map_err(|e| {
                Failure::Input(format!(
                    "DATASET {}: {e}; name a folder written by telcosynth generate (or \
                     merge-manifests)",
                    dataset.display()
                ))
            })?;
            let out = args.out.clone().unwrap_or_else(|| {
                let mut name = dataset.file_name().unwrap_or_default().to_os_string();
                name.push("-bench");
                dataset.with_file_name(name)
            });
            check_run_folder(&out).map_err(harness_failure)?;
            (dataset.clone(), out)
        }
        None => generate_scenario(&args.scenario, args.out.clone())?,
    };
    let mut pipelines = Vec::new();
    if args.baselines || args.pipelines.is_empty() {
        let exe = std::env::current_exe()
            .map_err(|e| Failure::Runtime(format!("cannot find the telcosynth binary: {e}")))?;
        for name in baselines::NAMES {
            pipelines.push(Pipeline {
                name: name.to_owned(),
                command: format!("'{}' baseline {name}", exe.display()),
            });
        }
    }
    pipelines.extend(args.pipelines);
    let mut seen = std::collections::BTreeSet::new();
    if let Some(dup) = pipelines.iter().find(|p| !seen.insert(p.name.clone())) {
        return Err(Failure::Input(format!(
            "--pipeline {}: the name is used twice; give each pipeline its own name",
            dup.name
        )));
    }
    let options = BenchOptions {
        dataset,
        out: out.clone(),
        operator: args.operator,
        pipelines,
        seed: args.seed,
        limits: Limits {
            timeout: Duration::from_secs(args.timeout_s),
            memory_mib: args.memory_mib,
            disk_mib: args.disk_mib,
        },
        risk: !args.no_risk,
        sandbox: !args.no_sandbox,
        membership_runs: !args.no_membership_runs,
    };
    let progress = StageSpinner::new();
    let report = bench(&options, &progress).map_err(harness_failure)?;
    drop(progress);
    if let Some(warning) = &report.density.warning {
        eprintln!("{warning}\n");
    }
    for p in &report.pipelines {
        match &p.outcome {
            Outcome::Scored(_) => println!("{:<34} scored in {:.1} s", p.name, p.wall_s),
            Outcome::Failed(f) => {
                println!("{:<34} FAILED: {}", p.name, f.reason);
                // The end of stderr usually says why (a missing module, file or interpreter).
                let lines: Vec<&str> = f.stderr_tail.lines().collect();
                for line in &lines[lines.len().saturating_sub(STDERR_LINES)..] {
                    println!("{:<34}   | {line}", "");
                }
            }
        }
    }
    println!(
        "\nReports: {} and {}",
        out.join("report.md").display(),
        out.join("report.json").display()
    );
    Ok(())
}

/// Lines of a failed pipeline's stderr printed under its failure.
const STDERR_LINES: usize = 5;

/// Generates `scenario` into `OUT/dataset` (OUT defaulting to `<scenario name>-bench`), replacing
/// an earlier dataset there (only a telcosynth dataset, in a run folder); returns the dataset
/// folder and OUT.
fn generate_scenario(scenario: &str, out: Option<PathBuf>) -> Result<(PathBuf, PathBuf), Failure> {
    let parsed = telcosynth_generator::scenario::resolve(scenario)
        .load(&telcosynth_generator::tables::names())?;
    let out = out.unwrap_or_else(|| PathBuf::from(format!("{}-bench", parsed.name())));
    check_run_folder(&out).map_err(harness_failure)?;
    let dataset = out.join("dataset");
    let options = writer_options(&parsed, Some(telcosynth_sinks::Format::Parquet), true);
    write_with_progress(parsed, scenario, &dataset, None, options)?;
    println!("Generated {scenario} into {}", dataset.display());
    Ok((dataset, out))
}

/// A spinner per stage of the run on a terminal (stderr), and a line with each finished
/// stage's time (also when stderr is a log file, so an interrupted run shows how far it got).
struct StageSpinner {
    current: Mutex<Option<ProgressBar>>,
    terminal: bool,
}

impl StageSpinner {
    fn new() -> StageSpinner {
        StageSpinner {
            current: Mutex::new(None),
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for StageSpinner {
    fn start(&self, stage: &str) {
        if !self.terminal {
            return;
        }
        let bar = ProgressBar::new_spinner().with_message(stage.to_owned());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        *self.current.lock().expect("spinner lock") = Some(bar);
    }

    fn finish(&self, stage: &str, wall_s: f64) {
        if let Some(bar) = self.current.lock().expect("spinner lock").take() {
            bar.finish_and_clear();
        }
        eprintln!("  {stage}: {wall_s:.1} s");
    }
}

/// A harness error as a CLI failure: the dataset, operator or run folder at fault is bad input.
fn harness_failure(e: HarnessError) -> Failure {
    if e.is_input() {
        Failure::Input(e.to_string())
    } else {
        Failure::Runtime(e.to_string())
    }
}

/// Checks `--operator` against the operators telcosynth models (key or name, any case).
fn check_operator(want: &str) -> Result<(), Failure> {
    let all = telcosynth_generator::public_data::operators();
    if all
        .iter()
        .any(|o| o.key.eq_ignore_ascii_case(want) || o.name.eq_ignore_ascii_case(want))
    {
        return Ok(());
    }
    let keys: Vec<&str> = all.iter().map(|o| o.key).collect();
    Err(Failure::Input(format!(
        "--operator {want}: unknown operator; use one of {}",
        keys.join(", ")
    )))
}
