//! The analysis crate's error type.

use infoscope_estimators::EstimatorError;
use infoscope_io::IoError;
use infoscope_nets::NetsError;

/// Why an analysis (or an experiment) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A setting is out of range or inconsistent.
    #[error("invalid setting `{name}`: {reason}")]
    InvalidConfig {
        /// The setting, as named in the TOML file.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The recording cannot be analysed as asked.
    #[error("recording: {0}")]
    Recording(String),
    /// An estimator refused its input.
    #[error(transparent)]
    Estimator(#[from] EstimatorError),
    /// A task, network, checkpoint or recording error.
    #[error(transparent)]
    Nets(#[from] NetsError),
    /// A file could not be read or written.
    #[error(transparent)]
    Io(#[from] IoError),
    /// An experiment file is not valid TOML for an experiment.
    #[error("experiment file {path}: {detail}")]
    Experiment {
        /// The file.
        path: String,
        /// What the parser said.
        detail: String,
    },
    /// A run was stopped by its caller.
    #[error("stopped at the caller's request")]
    Stopped,
}

/// Shorthand for results of this crate.
pub type Result<T, E = AnalysisError> = std::result::Result<T, E>;

/// Return [`AnalysisError::InvalidConfig`] unless `cond` holds.
macro_rules! ensure_config {
    ($cond:expr, $name:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::error::AnalysisError::InvalidConfig {
                name: $name.to_string(),
                reason: format!($($fmt)+),
            });
        }
    };
}
pub(crate) use ensure_config;
