//! The typed errors of the networks crate.

use thiserror::Error;

/// What went wrong in a task, model, training run or recording.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NetsError {
    /// A parameter is outside its allowed range or an option is unknown.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name as the user wrote it.
        name: &'static str,
        /// What was wrong, with the value.
        reason: String,
    },
    /// An array has the wrong shape.
    #[error("argument `{argument}` has shape {got:?}, expected {expected}")]
    Shape {
        /// The argument's name.
        argument: &'static str,
        /// The shape it has.
        got: Vec<usize>,
        /// The shape it must have, in words.
        expected: String,
    },
    /// A numerical failure (a non-finite loss, a singular system).
    #[error("numerical failure in {what}: {detail}")]
    Numerical {
        /// The computation.
        what: &'static str,
        /// What happened.
        detail: String,
    },
    /// A computation would need more memory than the budget allows
    /// ([`infoscope_budget::check`]); refused before anything is allocated.
    #[error("argument `{argument}`: {what} {source}; {hint}")]
    TooLarge {
        /// The argument whose size drives the allocation.
        argument: &'static str,
        /// What would be allocated.
        what: String,
        /// The memory it would need and the budget.
        source: Box<infoscope_budget::Exceeded>,
        /// How to go on instead.
        hint: String,
    },
    /// A checkpoint or recording could not be read or written.
    #[error(transparent)]
    Io(#[from] infoscope_io::IoError),
    /// A file given as a recording is not an `.npz` archive (e.g. a single `.npy` array).
    #[error(
        "{} is not a recording: {detail}; {}",
        .path.display(),
        crate::record::LAYOUT_HINT
    )]
    NotARecording {
        /// The file.
        path: std::path::PathBuf,
        /// What it is instead.
        detail: String,
    },
    /// A recording lacks a required array (`hidden` or `labels`).
    #[error(
        "no array `{key}` in {} (its arrays: {}); {}",
        .path.display(),
        list(.available),
        crate::record::LAYOUT_HINT
    )]
    MissingArray {
        /// The recording.
        path: std::path::PathBuf,
        /// The required key.
        key: &'static str,
        /// The arrays the archive does hold.
        available: Vec<String>,
    },
    /// A recording's sidecar `NAME.json` is not valid JSON, or a field has a bad value.
    #[error("recording sidecar {}: {detail}", .path.display())]
    Sidecar {
        /// The sidecar file.
        path: std::path::PathBuf,
        /// The field at fault (e.g. `dt`), when one is.
        field: Option<&'static str>,
        /// What was wrong, with the value.
        detail: String,
    },
    /// The optimiser refused its configuration or state.
    #[error(transparent)]
    Optimizer(#[from] infoscope_nn::adam::AdamError),
    /// A checkpoint file is not one infoscope wrote, or does not fit the model.
    #[error("checkpoint {path}: {detail}")]
    Checkpoint {
        /// The file.
        path: String,
        /// What was wrong.
        detail: String,
    },
}

/// `", "`-joined keys, or `none`.
fn list(keys: &[String]) -> String {
    if keys.is_empty() {
        "none".to_owned()
    } else {
        keys.join(", ")
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, NetsError>;

/// Refuse, with [`NetsError::TooLarge`], an allocation of `bytes` over the memory budget.
pub(crate) fn check_memory(
    argument: &'static str,
    what: &str,
    bytes: u128,
    hint: &str,
) -> Result<()> {
    infoscope_budget::check(bytes).map_err(|source| NetsError::TooLarge {
        argument,
        what: what.to_owned(),
        source: Box::new(source),
        hint: hint.to_owned(),
    })
}

/// Return [`NetsError::InvalidParameter`] unless `cond` holds.
macro_rules! ensure_param {
    ($cond:expr, $name:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::error::NetsError::InvalidParameter {
                name: $name,
                reason: format!($($fmt)+),
            });
        }
    };
}
pub(crate) use ensure_param;
