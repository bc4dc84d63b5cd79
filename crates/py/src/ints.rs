//! Integer arguments taken as Python gives them (any size, numpy integers included) and
//! range-checked where they are used, so that a negative or huge count becomes an
//! `InvalidParameterError` naming the parameter instead of an unnamed `OverflowError`.

use pyo3::prelude::*;

use crate::errors::{Result, param};

/// A Python integer (an `int`, a numpy integer, anything with `__index__`), saturated to the
/// range of `i128`. Anything else is refused with a `TypeError` that PyO3 names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Int(pub(crate) i128);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        let index = obj.call_method0("__index__").map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "expected an integer, got {}",
                obj.get_type()
                    .name()
                    .map_or_else(|_| "another type".to_owned(), |n| n.to_string())
            ))
        })?;
        match index.extract::<i128>() {
            Ok(v) => Ok(Self(v)),
            Err(_) if index.lt(0)? => Ok(Self(i128::MIN)),
            Err(_) => Ok(Self(i128::MAX)),
        }
    }
}

impl Int {
    /// The value as a count or size (`usize`).
    ///
    /// # Errors
    /// `InvalidParameterError` named `name` for a negative value or one beyond `usize`.
    pub(crate) fn usize(self, name: &str) -> Result<usize> {
        usize::try_from(self.0).map_err(|_| out_of_range(name, self.0, usize::MAX as u128))
    }

    /// The value as a seed (`u64`).
    ///
    /// # Errors
    /// `InvalidParameterError` named `name` for a negative value or one beyond `u64`.
    pub(crate) fn u64(self, name: &str) -> Result<u64> {
        u64::try_from(self.0).map_err(|_| out_of_range(name, self.0, u128::from(u64::MAX)))
    }
}

impl std::fmt::Display for Int {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            i128::MAX => f.write_str("a huge integer"),
            i128::MIN => f.write_str("a hugely negative integer"),
            v => write!(f, "{v}"),
        }
    }
}

fn out_of_range(name: &str, v: i128, max: u128) -> crate::errors::Error {
    param(name, format!("must lie in 0..={max}, got {}", Int(v)))
}

/// An optional [`Int`] as a `usize` (see [`Int::usize`]).
///
/// # Errors
/// As [`Int::usize`].
pub(crate) fn opt_usize(v: Option<Int>, name: &str) -> Result<Option<usize>> {
    v.map(|v| v.usize(name)).transpose()
}
