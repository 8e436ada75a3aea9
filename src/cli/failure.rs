//! Errors the CLI reports, with their exit codes.

use std::fmt;

/// A failed command: bad input (exit code 2) or a failure while running (exit code 1).
#[derive(Debug)]
pub enum Failure {
    /// The user's input is wrong: scenario, flags or output folder.
    Input(String),
    /// Something failed while running.
    Runtime(String),
}

impl Failure {
    /// Process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m) | Failure::Runtime(m) => f.write_str(m),
        }
    }
}

impl From<telcosynth_generator::scenario::ScenarioError> for Failure {
    fn from(e: telcosynth_generator::scenario::ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}
