//! Rust errors as Python exceptions: every typed error becomes an instance of a subclass of
//! `infoscope.errors.InfoscopeError` (defined in Python) with the same message and the named
//! argument as attributes.

use infoscope_analysis::AnalysisError;
use infoscope_estimators::EstimatorError;
use infoscope_io::IoError;
use infoscope_nets::NetsError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Any error a binding can return; converted to a Python exception at the boundary.
#[derive(Debug)]
pub(crate) enum Error {
    /// An estimator refused its input or parameters.
    Estimator(EstimatorError),
    /// The networks crate (tasks, training, models).
    Nets(NetsError),
    /// The analyses and experiments.
    Analysis(AnalysisError),
    /// A file could not be read or written.
    Io(IoError),
    /// A keyword argument (by its Python/TOML name) has a bad value or type.
    Param {
        /// The keyword.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// A Python argument has the wrong number of dimensions or a wrong shape.
    Shape {
        /// The argument.
        argument: String,
        /// What is wrong.
        detail: String,
    },
    /// A Python argument has a dtype infoscope cannot read as numbers.
    DType {
        /// The argument.
        argument: String,
        /// What is wrong.
        detail: String,
    },
    /// A masked numpy array with masked entries (infoscope neither drops nor fills them).
    Masked {
        /// The argument.
        argument: String,
        /// What is wrong.
        detail: String,
    },
    /// A panic caught in the core (a bug), with its message.
    Internal(String),
    /// A Python exception raised while converting arguments or in a callback.
    Py(PyErr),
}

impl From<EstimatorError> for Error {
    fn from(e: EstimatorError) -> Self {
        Self::Estimator(e)
    }
}

impl From<NetsError> for Error {
    fn from(e: NetsError) -> Self {
        Self::Nets(e)
    }
}

impl From<AnalysisError> for Error {
    fn from(e: AnalysisError) -> Self {
        Self::Analysis(e)
    }
}

impl From<IoError> for Error {
    fn from(e: IoError) -> Self {
        Self::Io(e)
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Self {
        Self::Py(e)
    }
}

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        Python::attach(|py| to_py(py, e))
    }
}

/// The result type of the bindings.
pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

/// An attribute value of an exception.
enum Attr {
    Str(String),
    Int(usize),
}

/// An instance of `infoscope.errors.<class>` with `message` and `attrs`; a `ValueError` if the
/// Python side of the package cannot be imported (the extension used on its own).
fn raise(py: Python<'_>, class: &str, message: String, attrs: &[(&str, Attr)]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = py.import("infoscope.errors")?.getattr(class)?;
        let kwargs = PyDict::new(py);
        for (k, v) in attrs {
            match v {
                Attr::Str(s) => kwargs.set_item(k, s)?,
                Attr::Int(i) => kwargs.set_item(k, i)?,
            }
        }
        let err = cls.call((message.clone(),), Some(&kwargs))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|_| PyValueError::new_err(message))
}

fn s(v: impl Into<String>) -> Attr {
    Attr::Str(v.into())
}

fn estimator(py: Python<'_>, e: EstimatorError) -> PyErr {
    let msg = e.to_string();
    match e {
        EstimatorError::Empty { argument, .. } => {
            raise(py, "EmptyInputError", msg, &[("argument", s(argument))])
        }
        EstimatorError::TooFewSamples {
            argument,
            needed,
            got,
        } => raise(
            py,
            "TooFewSamplesError",
            msg,
            &[
                ("argument", s(argument)),
                ("needed", Attr::Int(needed)),
                ("got", Attr::Int(got)),
            ],
        ),
        EstimatorError::NonFinite {
            argument, row, col, ..
        } => raise(
            py,
            "NonFiniteError",
            msg,
            &[
                ("argument", s(argument)),
                ("row", Attr::Int(row)),
                ("col", Attr::Int(col)),
            ],
        ),
        EstimatorError::ShapeMismatch {
            argument, other, ..
        } => raise(
            py,
            "ShapeMismatchError",
            msg,
            &[("argument", s(argument)), ("other", s(other))],
        ),
        EstimatorError::ZeroVariance {
            argument, column, ..
        } => raise(
            py,
            "ZeroVarianceError",
            msg,
            &[("argument", s(argument)), ("column", Attr::Int(column))],
        ),
        EstimatorError::InvalidParameter { name, .. } => {
            raise(py, "InvalidParameterError", msg, &[("name", s(name))])
        }
        EstimatorError::NotPositiveDefinite { argument, .. } => raise(
            py,
            "NotPositiveDefiniteError",
            msg,
            &[("argument", s(argument))],
        ),
        EstimatorError::OutOfRange { argument, .. } => {
            raise(py, "OutOfRangeError", msg, &[("argument", s(argument))])
        }
        EstimatorError::NotInteger {
            argument, row, col, ..
        } => raise(
            py,
            "NotIntegerError",
            msg,
            &[
                ("argument", s(argument)),
                ("row", Attr::Int(row)),
                ("col", Attr::Int(col)),
            ],
        ),
        EstimatorError::UnknownParameter { method, name, .. } => raise(
            py,
            "UnknownParameterError",
            msg,
            &[("name", s(name)), ("method", s(method))],
        ),
        EstimatorError::Unsupported { method, .. } => {
            raise(py, "UnsupportedError", msg, &[("method", s(method))])
        }
        EstimatorError::TooLarge {
            argument,
            needed,
            limit,
            ..
        } => raise(
            py,
            "TooLargeError",
            msg,
            &[
                ("argument", s(argument)),
                ("needed", s(needed)),
                ("limit", s(limit)),
            ],
        ),
        EstimatorError::MissingArgument { argument, .. } => raise(
            py,
            "MissingArgumentError",
            msg,
            &[("argument", s(argument))],
        ),
        _ => raise(py, "InfoscopeError", msg, &[]),
    }
}

fn io(py: Python<'_>, e: IoError) -> PyErr {
    let msg = e.to_string();
    match e {
        IoError::NotFound { path } => raise(
            py,
            "MissingFileError",
            msg,
            &[("path", s(path.display().to_string()))],
        ),
        IoError::Corrupt { path, .. } => raise(
            py,
            "CorruptFileError",
            msg,
            &[("path", s(path.display().to_string()))],
        ),
        IoError::TooLarge {
            path, key, source, ..
        } => raise(
            py,
            "TooLargeError",
            msg,
            &[
                (
                    "argument",
                    s(key.unwrap_or_else(|| path.display().to_string())),
                ),
                ("needed", s(source.needed.clone())),
                ("limit", s(source.limit.clone())),
            ],
        ),
        _ => raise(py, "FileError", msg, &[]),
    }
}

fn nets(py: Python<'_>, e: NetsError) -> PyErr {
    let msg = e.to_string();
    match e {
        NetsError::InvalidParameter { name, .. } => {
            raise(py, "InvalidParameterError", msg, &[("name", s(name))])
        }
        NetsError::Shape { argument, .. } => {
            raise(py, "ShapeError", msg, &[("argument", s(argument))])
        }
        NetsError::Numerical { .. } => raise(py, "NumericalError", msg, &[]),
        NetsError::Io(e) => io(py, e),
        NetsError::Optimizer(_) => raise(py, "InvalidParameterError", msg, &[]),
        NetsError::Checkpoint { path, .. } => {
            raise(py, "CorruptFileError", msg, &[("path", s(path))])
        }
        NetsError::TooLarge {
            argument, source, ..
        } => raise(
            py,
            "TooLargeError",
            msg,
            &[
                ("argument", s(argument)),
                ("needed", s(source.needed.clone())),
                ("limit", s(source.limit.clone())),
            ],
        ),
        NetsError::NotARecording { path, .. } => raise(
            py,
            "RecordingError",
            msg,
            &[("path", s(path.display().to_string()))],
        ),
        NetsError::MissingArray { path, key, .. } => raise(
            py,
            "RecordingError",
            msg,
            &[
                ("argument", s(key)),
                ("path", s(path.display().to_string())),
            ],
        ),
        NetsError::Sidecar {
            path,
            field: Some(field),
            ..
        } => raise(
            py,
            "InvalidParameterError",
            msg,
            &[("name", s(field)), ("path", s(path.display().to_string()))],
        ),
        NetsError::Sidecar { path, .. } => raise(
            py,
            "CorruptFileError",
            msg,
            &[("path", s(path.display().to_string()))],
        ),
        _ => raise(py, "InfoscopeError", msg, &[]),
    }
}

fn analysis(py: Python<'_>, e: AnalysisError) -> PyErr {
    let msg = e.to_string();
    match e {
        AnalysisError::InvalidConfig { name, .. } => {
            raise(py, "InvalidParameterError", msg, &[("name", s(name))])
        }
        AnalysisError::Recording(_) => raise(py, "RecordingError", msg, &[]),
        AnalysisError::Estimator(e) => estimator(py, e),
        AnalysisError::Nets(e) => nets(py, e),
        AnalysisError::Io(e) => io(py, e),
        AnalysisError::Experiment { path, .. } => {
            raise(py, "ExperimentFileError", msg, &[("path", s(path))])
        }
        _ => raise(py, "InfoscopeError", msg, &[]),
    }
}

/// The Python exception of `e`.
pub(crate) fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Estimator(e) => estimator(py, e),
        Error::Nets(e) => nets(py, e),
        Error::Analysis(e) => analysis(py, e),
        Error::Io(e) => io(py, e),
        Error::Param { name, reason } => raise(
            py,
            "InvalidParameterError",
            format!("parameter `{name}` is invalid: {reason}"),
            &[("name", Attr::Str(name))],
        ),
        Error::Shape { argument, detail } => raise(
            py,
            "ShapeError",
            format!("argument `{argument}` {detail}"),
            &[("argument", Attr::Str(argument))],
        ),
        Error::DType { argument, detail } => raise(
            py,
            "DTypeError",
            format!("argument `{argument}` {detail}"),
            &[("argument", Attr::Str(argument))],
        ),
        Error::Masked { argument, detail } => raise(
            py,
            "MaskedArrayError",
            format!("argument `{argument}` {detail}"),
            &[("argument", Attr::Str(argument))],
        ),
        Error::Internal(message) => raise(
            py,
            "InternalError",
            format!(
                "internal error (a bug in infoscope; please report it with the input that \
                 caused it): {message}"
            ),
            &[],
        ),
        Error::Py(e) => e,
    }
}

/// An [`Error::Param`].
pub(crate) fn param(name: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::Param {
        name: name.into(),
        reason: reason.into(),
    }
}
