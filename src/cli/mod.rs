//! Command-line interface: argument parsing and the commands.

mod failure;
mod generate;
mod inspect;
mod scenario;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Output format, overriding the scenario's outputs.format.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Replace the contents of a non-empty output folder.
    #[arg(long)]
    force: bool,
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
        Command::Tables => {
            print!("{}", telcosynth_generator::tables::markdown());
            Ok(())
        }
    }
}
