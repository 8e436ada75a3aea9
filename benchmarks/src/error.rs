//! Errors of the harness itself (as opposed to a pipeline's failures, which are results).

use std::path::PathBuf;

use crate::contract::ContractError;

/// Something the harness could not do, with the path or query at fault.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "create".
        action: &'static str,
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A query or table registration failed.
    #[error("{context}: {source}")]
    Query {
        /// What was being computed.
        context: String,
        /// DataFusion's error.
        source: Box<datafusion::error::DataFusionError>,
    },
    /// A Parquet file could not be read or written.
    #[error("{path}: {source}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: parquet::errors::ParquetError,
    },
    /// A release breaks the pipeline contract.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// The dataset folder is not usable (missing manifest, tables or operator).
    #[error("{0}")]
    Dataset(String),
    /// The run folder (`--out`) cannot be used: a file, not writable, or a non-empty folder
    /// that is not a run folder (the harness replaces only what it wrote).
    #[error("{0}")]
    RunFolder(String),
}

impl HarnessError {
    /// Whether the user's input is at fault (the dataset, the target operator, the run folder)
    /// rather than the run: exit code 2 rather than 1.
    pub fn is_input(&self) -> bool {
        matches!(self, HarnessError::Dataset(_) | HarnessError::RunFolder(_))
    }

    /// A closure mapping an I/O error on `path` while doing `action`.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| HarnessError::Io {
            action,
            path,
            source,
        }
    }

    /// A closure mapping a DataFusion error while computing `context`.
    pub fn query(
        context: impl Into<String>,
    ) -> impl FnOnce(datafusion::error::DataFusionError) -> Self {
        let context = context.into();
        move |source| HarnessError::Query {
            context,
            source: Box::new(source),
        }
    }
}
