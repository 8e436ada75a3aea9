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
    /// A data file listed in the manifest cannot be opened.
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A data file cannot be decoded as Parquet.
    #[error("cannot read Parquet file {}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// A column the inspector needs is missing from a file.
    #[error("{}: table {table} has no column {column}", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column has another type than its table's schema says.
    #[error("{}: column {column} has type {found}; expected {expected}", path.display())]
    ColumnType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The type the schema defines.
        expected: &'static str,
        /// The type in the file.
        found: String,
    },
    /// A column holds a value the inspector cannot use (a null, a malformed IMSI).
    #[error("{}: column {column}: {message}", path.display())]
    Value {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
}

impl InspectError {
    /// Whether the dataset given is at fault (exit code 2) rather than the run (exit code 1).
    pub fn is_input(&self) -> bool {
        match self {
            // The manifest of the folder the user named: missing, not a folder, unreadable.
            InspectError::Manifest(_) => true,
            InspectError::Open { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => true,
        }
    }
}

impl From<ReadError> for InspectError {
    fn from(e: ReadError) -> InspectError {
        match e {
            ReadError::NotParquet { path } => InspectError::NotParquet { path },
            ReadError::Open { path, source } => InspectError::Open { path, source },
            ReadError::Parquet { path, message } => InspectError::Parquet { path, message },
            ReadError::MissingColumn {
                path,
                table,
                column,
            } => InspectError::MissingColumn {
                path,
                table,
                column,
            },
            ReadError::ColumnType {
                path,
                column,
                expected,
                found,
            } => InspectError::ColumnType {
                path,
                column,
                expected,
                found,
            },
            ReadError::Cast {
                path,
                column,
                message,
            }
            | ReadError::Value {
                path,
                column,
                message,
            } => InspectError::Value {
                path,
                column,
                message,
            },
        }
    }
}
