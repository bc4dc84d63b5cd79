//! The spectral information rate (SPEC.md §1.4, issue #18): `infoscope.InformationRate` calls
//! [`information_rate`] with its keyword parameters as JSON. The numbers come from
//! `infoscope_estimators::spectral`; this module converts, calls with the GIL released and
//! maps errors.

use infoscope_estimators::spectral::{InformationRate, InformationRateParams};
use pyo3::prelude::*;

use crate::arrays::matrix;
use crate::errors::Result;
use crate::ints::Int;
use crate::json::{object, settings, to_py};
use crate::threads::compute;

/// The information rate between `x` and `y` (samples × channels, or 1-D), in nats, as the
/// serialised `RateEstimate`; `params` is a JSON object of `InformationRateParams` fields.
#[pyfunction]
#[pyo3(signature = (x, y, params="{}", threads=None))]
pub(crate) fn information_rate(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    params: &str,
    threads: Option<Int>,
) -> Result<Py<PyAny>> {
    let params: InformationRateParams = settings("InformationRate", object("params", params)?)?;
    let estimator = params.check()?;
    let x = matrix(x, "x")?.view().to_owned();
    let y = matrix(y, "y")?.view().to_owned();
    let estimate = compute(py, threads, || estimator.rate(x.view(), y.view()))??;
    to_py(py, &estimate)
}

/// The checked parameters of the information rate (defaults filled in) from a JSON object of
/// `InformationRateParams` fields; a bad one is refused under its own name.
#[pyfunction]
#[pyo3(signature = (params="{}"))]
pub(crate) fn information_rate_params(py: Python<'_>, params: &str) -> Result<Py<PyAny>> {
    let params: InformationRateParams = settings("InformationRate", object("params", params)?)?;
    let checked: InformationRate = params.check()?;
    to_py(py, checked.config())
}
