//! `telcosynth-bench`: the benchmark harness's executable. Users run it as `telcosynth bench …`
//! and `telcosynth baseline …` (the `telcosynth` executable runs this one in its place); it is
//! a package of its own because it embeds DataFusion, which the generator does not need.

mod baseline;
mod bench;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The telcosynth benchmark harness: run anonymisation pipelines on a dataset's operator view
/// and score them (`telcosynth bench`), and the baseline pipelines (`telcosynth baseline`).
#[derive(Debug, Parser)]
#[command(name = "telcosynth-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run anonymisation pipelines on a dataset's operator view and score their releases on
    /// utility and re-identification risk (report.json, report.md, report.html).
    Bench(bench::BenchArgs),
    /// Run a baseline anonymisation pipeline under the pipeline contract.
    Baseline(baseline::BaselineArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bench(args) => bench::run(args),
        Command::Baseline(args) => baseline::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
