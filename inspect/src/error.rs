//! Why an inspection failed: always the file involved and, for data errors, the column.

use std::io;
use std::path::PathBuf;

use telcosynth_sinks::SinkFailure;
use telcosynth_sinks::read::ReadError;
use thiserror::Error;

/// Why [`crate::inspect`] failed.
#[derive(Debug, Error)]
pub enum InspectError {
    /// The manifest is missing, unreadable or invalid.
    #[error("{0}")]
    Manifest(SinkFailure),
    /// The manifest's scenario has no usable `[period]`.
    #[error("{}: scenario.text: {message}", path.display())]
    Period {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The manifest's scenario text does not parse as a scenario.
    #[error("{}: scenario.text: {message}", path.display())]
    Scenario {
        /// The manifest.
        path: PathBuf,
        /// The scenario error.
        message: String,
    },
    /// A data file is not Parquet (e.g. a CSV dataset).
    #[error(
        "{}: inspect reads Parquet datasets only; generate the dataset with --format parquet",
        path.display()
    )]
    NotParquet {
        /// The file.
        path: PathBuf,
    },
    /// A data file cannot be opened or decoded, or a column is missing, of another type than
    /// its table's schema says, or holds a value the inspector cannot use (a null, a malformed
    /// IMSI): the file and the column named.
    #[error(transparent)]
    Read(ReadError),
}

impl InspectError {
    /// Whether the dataset given is at fault (exit code 2) rather than the run (exit code 1).
    pub fn is_input(&self) -> bool {
        match self {
            // The manifest of the folder the user named: missing, not a folder, unreadable.
            InspectError::Manifest(_) => true,
            InspectError::Read(ReadError::Open { source, .. }) => {
                source.kind() == io::ErrorKind::NotFound
            }
            _ => true,
        }
    }
}

impl From<ReadError> for InspectError {
    fn from(e: ReadError) -> InspectError {
        match e {
            ReadError::NotParquet { path } => InspectError::NotParquet { path },
            e => InspectError::Read(e),
        }
    }
}
