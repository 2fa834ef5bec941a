//! The engine's errors: a malformed benchmark file (naming the file, the line and the field), an
//! I/O failure, or a problem that cannot be solved as stated.

use std::path::PathBuf;

/// A problem in a benchmark file: names the file, the 1-based line and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}, line {line}, field `{field}`: {message}", file.display())]
pub struct FormatError {
    /// The file that holds the problem.
    pub file: PathBuf,
    /// 1-based line number.
    pub line: u64,
    /// The field (keyword, column) concerned.
    pub field: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl FormatError {
    /// A new format error.
    pub fn new(
        file: impl Into<PathBuf>,
        line: u64,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        FormatError {
            file: file.into(),
            line,
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// The engine's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed benchmark file.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// An I/O failure on a named path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A problem that cannot be solved as stated (inconsistent sizes, bad limits…).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
