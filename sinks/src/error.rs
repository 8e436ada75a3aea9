//! The error the writers report: always the path involved and the cause.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

/// Why writing or reading a dataset failed.
#[derive(Debug, Error)]
pub enum SinkFailure {
    /// The output folder already holds something and `force` was not given.
    #[error(
        "output folder {} holds a telcosynth dataset: pass --force to replace it, or choose another --out",
        dir.display()
    )]
    NotEmpty {
        /// The folder.
        dir: PathBuf,
    },
    /// The output folder cannot be used: a file, a place where no folder can be created, or a
    /// folder that is not writable.
    #[error("output folder {}: {problem}", dir.display())]
    OutputFolder {
        /// The folder.
        dir: PathBuf,
        /// What is wrong, and what to do.
        problem: String,
    },
    /// A non-empty output folder holds files telcosynth did not write: it is never replaced.
    #[error(
        "output folder {} is not {what} and is not empty (it holds {foreign}); telcosynth \
         only ever replaces its own output, so nothing was touched: choose a new or empty \
         folder for --out",
        dir.display()
    )]
    NotOurs {
        /// The folder.
        dir: PathBuf,
        /// What it would have to be, e.g. "a telcosynth dataset".
        what: &'static str,
        /// The entries telcosynth did not write, abbreviated.
        foreign: String,
    },
    /// A split run's folder or shard is not usable: bad shard numbers, a root that holds an
    /// unsplit dataset, missing, incomplete or inconsistent shards.
    #[error("{}: {problem}", dir.display())]
    Split {
        /// The root folder of the split run.
        dir: PathBuf,
        /// What is wrong, and what to do.
        problem: String,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "create folder".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Parquet encoding failed.
    #[error("cannot write Parquet file {}: {source}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: parquet::errors::ParquetError,
    },
    /// CSV encoding failed.
    #[error("cannot write CSV file {}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: arrow_schema::ArrowError,
    },
    /// The manifest could not be encoded or parsed.
    #[error("invalid manifest {}: {source}", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The manifest has a format version this build does not read.
    #[error("manifest {} has format version {found}; this build reads version {expected}", path.display())]
    ManifestVersion {
        /// The manifest file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
        /// The version this build reads.
        expected: u32,
    },
    /// The same part was written twice in one run.
    #[error("cannot write {}: this part was already written in this run", path.display())]
    DuplicatePart {
        /// The part's file.
        path: PathBuf,
    },
    /// A batch was sent to a part of another table.
    #[error("cannot write {}: the batch belongs to table {batch_table}", path.display())]
    WrongTable {
        /// The part's file.
        path: PathBuf,
        /// The table the batch's schema names.
        batch_table: &'static str,
    },
    /// An event part's day has no calendar date.
    #[error("cannot write table {table}: day {day} since 1970-01-01 is out of range")]
    DayOutOfRange {
        /// The table.
        table: &'static str,
        /// The day number.
        day: i32,
    },
}

impl SinkFailure {
    /// A closure wrapping an I/O error with what was being done and where.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| SinkFailure::Io {
            action,
            path,
            source,
        }
    }
}
