//! Errors the CLI reports, with their exit codes.

use std::fmt;

use telcosynth_sinks::SinkFailure;

use crate::run::RunError;

/// A failed command: a failure while running (exit code 1), bad input (exit code 2), or a
/// dataset that differs from its reference (exit code 3).
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong: scenario, flags or output folder.
    Input(String),
    /// Something failed while running.
    Runtime(String),
    /// `verify` found a difference from the reference.
    Mismatch(String),
}

impl Failure {
    /// Process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
            Failure::Mismatch(_) => 3,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m) | Failure::Runtime(m) | Failure::Mismatch(m) => f.write_str(m),
        }
    }
}

impl Failure {
    /// A writer's failure: bad input (exit code 2) when it is about the output folder or a
    /// manifest the user pointed at, a failure while running (1) otherwise.
    pub fn from_sink(e: SinkFailure) -> Self {
        match e {
            SinkFailure::NotEmpty { .. }
            | SinkFailure::NotOurs { .. }
            | SinkFailure::OutputFolder { .. }
            | SinkFailure::Split { .. }
            | SinkFailure::Manifest { .. }
            | SinkFailure::ManifestVersion { .. } => Failure::Input(e.to_string()),
            other => Failure::Runtime(other.to_string()),
        }
    }
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Output(e) => Failure::from_sink(e),
            RunError::Scenario(m) => Failure::Input(m),
            RunError::Generate(m) => Failure::Runtime(m),
        }
    }
}

impl From<telcosynth_generator::scenario::ScenarioError> for Failure {
    fn from(e: telcosynth_generator::scenario::ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}
