//! The typed error of every file operation in this crate.

use std::path::PathBuf;

use thiserror::Error;

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, IoError>;

/// Why reading or writing a file failed.
///
/// Every variant carries the file's path, and its message names the file and what was wrong, so
/// that the CLI and the Python package can show it as it is.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IoError {
    /// The file does not exist.
    #[error("file not found: {}", .path.display())]
    NotFound {
        /// The file asked for.
        path: PathBuf,
    },
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file being read.
        path: PathBuf,
        /// The underlying operating-system error.
        source: std::io::Error,
    },
    /// The file (or its directory, or its temporary file) could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The underlying operating-system error.
        source: std::io::Error,
    },
    /// The file is not what its extension promises: a bad `.npy` header, data shorter or longer
    /// than the header declares, a corrupt zip archive, a member that is not `.npy`, ...
    #[error("{} is corrupt: {detail}", .path.display())]
    Corrupt {
        /// The file being read.
        path: PathBuf,
        /// What is wrong, naming the array inside an `.npz` where there is one.
        detail: String,
    },
    /// An `.npz` archive holds no array under the requested key.
    #[error(
        "{} has no array named '{key}'; available: {}",
        .path.display(),
        list_keys(.available)
    )]
    MissingKey {
        /// The archive.
        path: PathBuf,
        /// The key asked for.
        key: String,
        /// The keys the archive does hold (without the `.npy` suffix).
        available: Vec<String>,
    },
    /// An `.npz` archive holds several arrays and no key was given.
    #[error(
        "{} holds {} arrays ({}); choose one with {}:KEY",
        .path.display(),
        .available.len(),
        list_keys(.available),
        .path.display()
    )]
    AmbiguousKey {
        /// The archive.
        path: PathBuf,
        /// The keys the archive holds (without the `.npy` suffix).
        available: Vec<String>,
    },
    /// An `.npz` archive holds no arrays at all.
    #[error("{} holds no arrays", .path.display())]
    Empty {
        /// The archive.
        path: PathBuf,
    },
    /// The array's element type is not one infoscope reads.
    #[error(
        "{}{}: unsupported dtype {dtype}; supported are float64, float32, float16, int64, int32, \
         int16, int8, uint64, uint32, uint16, uint8 and bool (either byte order)",
        .path.display(),
        key_suffix(.key)
    )]
    UnsupportedDtype {
        /// The file.
        path: PathBuf,
        /// The array inside an `.npz`, if any.
        key: Option<String>,
        /// The dtype as the file states it (the numpy `descr`, e.g. `<c16`).
        dtype: String,
    },
    /// A `:key` was given for a plain `.npy` file, which holds one unnamed array.
    #[error(
        "{} is a .npy file, which holds a single array: remove the ':{key}' (':KEY' selects one \
         array of an .npz archive)",
        .path.display()
    )]
    KeyOnNpy {
        /// The `.npy` file.
        path: PathBuf,
        /// The key that was given.
        key: String,
    },
    /// The file's extension is neither `.npy` nor `.npz`.
    #[error("{}: unknown file extension; expected .npy or .npz", .path.display())]
    UnknownExtension {
        /// The file.
        path: PathBuf,
    },
    /// A value does not fit the type it must be converted to (e.g. a uint64 above `i64::MAX`).
    #[error("{}: value out of range: {detail}", .path.display())]
    ValueOutOfRange {
        /// The file.
        path: PathBuf,
        /// Which value (array and index) and why.
        detail: String,
    },
    /// The array has a shape the caller cannot use (e.g. 3-D where a matrix is needed).
    #[error("{}{}: unexpected shape: {detail}", .path.display(), key_suffix(.key))]
    Shape {
        /// The file.
        path: PathBuf,
        /// The array inside an `.npz`, if any.
        key: Option<String>,
        /// The shape found and the shapes accepted.
        detail: String,
    },
    /// Integer labels were expected, but a floating-point value is not a whole number.
    #[error(
        "{}{}: labels must be whole numbers, but element {index} is {value}",
        .path.display(),
        key_suffix(.key)
    )]
    NotIntegral {
        /// The file.
        path: PathBuf,
        /// The array inside an `.npz`, if any.
        key: Option<String>,
        /// Position (row) of the first offending value.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Reading the array would need more memory than the budget allows
    /// ([`infoscope_budget::check`]); refused before anything is allocated or inflated.
    #[error("{}{}: {what} {source}", .path.display(), key_suffix(.key))]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The array inside an `.npz`, if any.
        key: Option<String>,
        /// What was to be read, with its declared shape, dtype and size.
        what: String,
        /// The memory it would need and the budget.
        source: Box<infoscope_budget::Exceeded>,
    },
    /// The data could not be turned into bytes (JSON serialisation, npy header formatting, a
    /// duplicate array name in an `.npz`, ...).
    #[error("cannot serialise data for {}: {detail}", .path.display())]
    Serialize {
        /// The file being written.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The file's content could not be turned into the requested type (invalid JSON, a missing
    /// field, ...).
    #[error("cannot parse {}: {detail}", .path.display())]
    Deserialize {
        /// The file being read.
        path: PathBuf,
        /// What went wrong, with the line and column where known.
        detail: String,
    },
}

/// `", "`-joined keys, or `(none)`.
fn list_keys(keys: &[String]) -> String {
    if keys.is_empty() {
        "(none)".to_owned()
    } else {
        keys.join(", ")
    }
}

/// `":key"` or nothing, to print `FILE[:key]`.
fn key_suffix(key: &Option<String>) -> String {
    key.as_ref().map(|k| format!(":{k}")).unwrap_or_default()
}
