//! The batch job's errors: what stops a run, as opposed to a malformed row, which is a
//! [`Reject`](crate::Reject) and never stops anything.

use std::path::PathBuf;

/// Why a run (or a merge, or a dataset generation) could not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// A file or folder could not be read or written.
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    /// An input folder holds no CSV or Parquet file, or a path has another extension.
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// A whole input file is unusable (no header, a required column missing, not UTF-8
    /// in its header, a Parquet file polars cannot open).
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    /// A tariff file or the tariffs folder is invalid.
    #[error("{path}: {message}")]
    Tariff { path: PathBuf, message: String },
    /// A format profile is invalid.
    #[error("{path}: {message}")]
    Profile { path: PathBuf, message: String },
    /// A command-line option is out of range (`--partition 3/2`, a negative tolerance).
    #[error("{0}")]
    Option(String),
    /// The run's own accounting does not add up: a bug, never a data problem. The run
    /// writes nothing further and exits non-zero.
    #[error("identity check failed: {0}")]
    Identity(String),
    /// Partition outputs cannot be merged (different options, overlapping partitions,
    /// a missing or unreadable output file).
    #[error("merge: {0}")]
    Merge(String),
    /// A method map of the tariff comparison is invalid (its message names the line and
    /// the field).
    #[error("{path}: {message}")]
    MethodMap { path: PathBuf, message: String },
    /// Writing a Parquet file failed inside polars.
    #[error("{path}: {message}")]
    Parquet { path: PathBuf, message: String },
}

impl BatchError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BatchError::Io { .. } => "io",
            BatchError::Input { .. } => "input",
            BatchError::File { .. } => "file",
            BatchError::Tariff { .. } => "tariff",
            BatchError::Profile { .. } => "profile",
            BatchError::Option(_) => "option",
            BatchError::Identity(_) => "identity",
            BatchError::Merge(_) => "merge",
            BatchError::Parquet { .. } => "parquet",
            BatchError::MethodMap { .. } => "method_map",
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> BatchError {
        BatchError::Io {
            path: path.into(),
            message: e.to_string(),
        }
    }
}
