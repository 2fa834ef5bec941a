//! The library's error type: one enum gathering each module's errors.
//!
//! Input errors always name the file, the line or feature, and the field; the binary prints them
//! with their chain of causes. The library never panics on input.

use std::path::PathBuf;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole.
    File,
    /// A 1-based line number (CSV: the header is line 1).
    Line(u64),
    /// A 0-based feature index in a GeoJSON FeatureCollection or a record in a shapefile, with
    /// the feature's id when it has one.
    Feature {
        /// 0-based index of the feature.
        index: usize,
        /// The feature's identifier (e.g. INSEE code) when known.
        id: Option<String>,
    },
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line(n) => write!(f, ", line {n}"),
            Location::Feature {
                index,
                id: Some(id),
            } => write!(f, ", feature {index} (id {id})"),
            Location::Feature { index, id: None } => write!(f, ", feature {index}"),
        }
    }
}

/// A problem in an input file: names the file, the place and the field.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{location}{}: {message}", file.display(), field.as_deref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
pub struct InputError {
    /// The file that holds the problem.
    pub file: PathBuf,
    /// Line or feature.
    pub location: Location,
    /// The field (column, property) concerned, if any.
    pub field: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl InputError {
    /// A new input error.
    pub fn new(
        file: impl Into<PathBuf>,
        location: Location,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.into(),
            location,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// The library's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A malformed or inconsistent input file.
    #[error(transparent)]
    Input(#[from] InputError),
    /// An I/O failure on a named path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A territory folder with one or more problems (all of them, in file order).
    #[error("{} problem(s) in the territory data: {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Validation(Vec<InputError>),
    /// A request that cannot be served as asked (unknown id, bad parameter…).
    #[error("{0}")]
    Invalid(String),
    /// An answer that would reveal what fewer than `territory::MIN_CONTRIBUTORS`
    /// companies hold, asked without the officer's rights.
    #[error("{0}")]
    Confidential(String),
    /// A well-formed request whose data selection is empty: e.g. no located holder of the
    /// material asked for. Not a bug and not a bad parameter: the territory has no data for it.
    #[error("{0}")]
    NoData(String),
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

impl Error {
    /// This error as an [`InputError`] (I/O and other errors are attached to `file` as a whole).
    pub fn into_input_errors(self, file: &std::path::Path) -> Vec<InputError> {
        match self {
            Error::Input(e) => vec![e],
            Error::Validation(v) => v,
            Error::Io { path, source } => {
                vec![InputError::new(
                    path,
                    Location::File,
                    None,
                    source.to_string(),
                )]
            }
            other => vec![InputError::new(
                file,
                Location::File,
                None,
                other.to_string(),
            )],
        }
    }
}

impl From<boucle_vrp::Error> for Error {
    fn from(e: boucle_vrp::Error) -> Self {
        match e {
            boucle_vrp::Error::Format(f) => Error::Input(InputError {
                file: f.file,
                location: Location::Line(f.line),
                field: Some(f.field),
                message: f.message,
            }),
            boucle_vrp::Error::Io { path, source } => Error::Io { path, source },
            boucle_vrp::Error::Invalid(m) => Error::Invalid(m),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
