//! `telcosynth baseline`: run a baseline anonymisation pipeline under the pipeline contract.

use std::path::PathBuf;

use telcosynth_benchmarks::baselines;

use telcosynth::cli::Failure;

/// Arguments of `telcosynth baseline`.
#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    /// Baseline: identity, hash-msisdn, rotating-pseudonyms, k-suppressed-aggregates.
    name: String,
    /// Input folder prepared by `telcosynth bench` (the operator's view and schema.json).
    #[arg(long)]
    input: PathBuf,
    /// Output folder for the release and its manifest.json.
    #[arg(long)]
    output: PathBuf,
    /// Seed (keys of the salted pseudonyms).
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Runs the baseline.
pub fn run(args: BaselineArgs) -> Result<(), Failure> {
    if !baselines::is_baseline(&args.name) {
        return Err(Failure::Input(format!(
            "unknown baseline {}; the baselines are {}, and for study {}",
            args.name,
            baselines::NAMES.join(", "),
            baselines::STUDY.join(", ")
        )));
    }
    baselines::run(&args.name, &args.input, &args.output, args.seed)
        .map_err(|e| Failure::Runtime(e.to_string()))
}
