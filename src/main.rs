//! `telcosynth`: generate deterministic synthetic Malaysian telecom datasets.

use std::process::ExitCode;

use clap::Parser;
use telcosynth::cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}
