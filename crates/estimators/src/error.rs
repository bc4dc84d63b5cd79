//! The typed error of every estimator (DESIGN.md §3).

use thiserror::Error;

/// Why an estimator refused its input or its parameters.
///
/// Every variant names the argument at fault (`"x"`, `"y"`, `"labels"`, `"k"`, ...) so that the
/// CLI and the Python package can report it without guessing.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum EstimatorError {
    /// The argument has no rows or no columns.
    #[error("argument `{argument}` is empty (shape {rows}×{cols})")]
    Empty {
        /// The argument's name.
        argument: &'static str,
        /// Number of rows (samples).
        rows: usize,
        /// Number of columns (dimensions).
        cols: usize,
    },
    /// Fewer samples than the method needs.
    #[error("argument `{argument}` has {got} samples; this method needs at least {needed}")]
    TooFewSamples {
        /// The argument's name.
        argument: &'static str,
        /// The smallest number of samples the method accepts.
        needed: usize,
        /// The number of samples given.
        got: usize,
    },
    /// A value is NaN or infinite.
    #[error("argument `{argument}` holds a non-finite value ({value}) at row {row}, column {col}")]
    NonFinite {
        /// The argument's name.
        argument: &'static str,
        /// Row (sample) of the first offending value.
        row: usize,
        /// Column (dimension) of the first offending value.
        col: usize,
        /// The value itself (NaN, inf or -inf).
        value: f64,
    },
    /// Two arguments disagree in shape.
    #[error("argument `{argument}` has {got} {what}, expected {expected} (to match `{other}`)")]
    ShapeMismatch {
        /// The argument's name.
        argument: &'static str,
        /// The argument it must agree with.
        other: &'static str,
        /// What is counted ("rows", "columns", ...).
        what: &'static str,
        /// The count the other argument implies.
        expected: usize,
        /// The count found.
        got: usize,
    },
    /// A column is constant where the method needs variance.
    #[error("argument `{argument}` column {column} has zero variance; {hint}")]
    ZeroVariance {
        /// The argument's name.
        argument: &'static str,
        /// The constant column.
        column: usize,
        /// What the user can do about it.
        hint: &'static str,
    },
    /// A parameter is outside its valid range.
    #[error("parameter `{name}` is invalid: {reason}")]
    InvalidParameter {
        /// The parameter's name, as in Rust, TOML and Python.
        name: &'static str,
        /// What is wrong, with the offending value.
        reason: String,
    },
    /// A covariance matrix is not symmetric positive definite.
    #[error("argument `{argument}` is not positive definite ({detail}); {hint}")]
    NotPositiveDefinite {
        /// The argument's name.
        argument: &'static str,
        /// Which block failed.
        detail: String,
        /// What the user can do about it.
        hint: &'static str,
    },
    /// A value cannot be represented by the method (e.g. a bin index overflows).
    #[error("argument `{argument}`: {detail}")]
    OutOfRange {
        /// The argument's name.
        argument: &'static str,
        /// What overflowed and where.
        detail: String,
    },
    /// A value used as an integer label is not an integer.
    #[error(
        "argument `{argument}` holds {value} at row {row}, column {col}, which is not an integer \
         label"
    )]
    NotInteger {
        /// The argument's name.
        argument: &'static str,
        /// Row (sample) of the first offending value.
        row: usize,
        /// Column of the first offending value.
        col: usize,
        /// The value itself.
        value: f64,
    },
    /// A specification names a parameter its method does not have.
    #[error("method `{method}` has no parameter `{name}` (its parameters: {known})")]
    UnknownParameter {
        /// The method's name, as in the specification (`"ksg"`).
        method: &'static str,
        /// The parameter named, as given.
        name: String,
        /// The method's parameters, comma-separated.
        known: String,
    },
    /// The method does not answer this question or does not take this argument.
    #[error("method `{method}` does not {what}{hint}")]
    Unsupported {
        /// The method's name, as in the specification.
        method: &'static str,
        /// What was asked, e.g. "estimate I(X;Y|Z)".
        what: String,
        /// What the user can do instead (empty, or starting with "; ").
        hint: String,
    },
    /// An input or count would need more memory than the budget allows
    /// ([`crate::budget::memory_limit`]).
    #[error(
        "argument `{argument}`: {what} would need {needed} of memory, more than the {limit} \
         allowed (set INFOSCOPE_MAX_MEMORY to change the limit); {hint}"
    )]
    TooLarge {
        /// The argument whose size drives the allocation.
        argument: &'static str,
        /// What would be allocated.
        what: String,
        /// The memory it would need, for people (`"80.0 GB"`).
        needed: String,
        /// The budget, for people.
        limit: String,
        /// How to go on instead.
        hint: String,
    },
    /// The question needs an argument that was not given.
    #[error("{question} needs argument `{argument}`")]
    MissingArgument {
        /// The argument's name.
        argument: &'static str,
        /// The question asked, e.g. "I(X;Y)".
        question: &'static str,
    },
}

/// Result type of every estimator call.
pub type Result<T> = std::result::Result<T, EstimatorError>;

/// Return early with an [`EstimatorError::InvalidParameter`] unless `cond` holds.
macro_rules! ensure_param {
    ($cond:expr, $name:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::error::EstimatorError::InvalidParameter {
                name: $name,
                reason: format!($($fmt)+),
            });
        }
    };
}
pub(crate) use ensure_param;
