//! The Kolchinsky–Tracey bounds for a noisy layer T = h + N(0, σ²I): entropy, I(X;T) and
//! I(T;Y) bounds, their label-surrogate tests and bootstrap intervals, and the σ² sweep.

use infoscope_estimators::kt::{DEFAULT_TILE, KolchinskyTracey, KtParams, noise_sweep};
use infoscope_estimators::significance::Surrogate;
use infoscope_estimators::{Bounds, Estimate};
use ndarray::Array1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{labels, matrix, vec_out, vector};
use crate::errors::{Result, param};
use crate::estimators::{ci_dict, test_dict};
use crate::json::{to_py, to_text};
use crate::threads::compute;

fn estimator(noise_var: f64, tile: Option<usize>) -> Result<KolchinskyTracey> {
    Ok(KolchinskyTracey::with_params(KtParams {
        noise_var,
        tile: tile.unwrap_or(DEFAULT_TILE),
    })?)
}

fn weights_of(weights: Option<&Bound<'_, PyAny>>) -> Result<Option<Array1<f64>>> {
    weights.map(|w| vector(w, "weights")).transpose()
}

fn pair(py: Python<'_>, b: &Bounds<Estimate>) -> Result<(Py<PyAny>, Py<PyAny>)> {
    Ok((to_py(py, &b.lower)?, to_py(py, &b.upper)?))
}

/// The checked parameters (noise variance and tile) as JSON.
#[pyfunction]
#[pyo3(signature = (noise_var, tile=None))]
pub(crate) fn kt_check(noise_var: f64, tile: Option<usize>) -> Result<String> {
    to_text(&estimator(noise_var, tile)?.config())
}

/// Lower and upper estimates (Estimate JSON each) of `quantity`: `entropy` (H(T)), `input`
/// (I(X;T)) or `labels` (I(T;Y), needs `labels`).
#[pyfunction]
#[pyo3(signature = (quantity, noise_var, h, labels=None, weights=None, tile=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn kt_bounds(
    py: Python<'_>,
    quantity: &str,
    noise_var: f64,
    h: &Bound<'_, PyAny>,
    labels: Option<&Bound<'_, PyAny>>,
    weights: Option<&Bound<'_, PyAny>>,
    tile: Option<usize>,
    threads: Option<usize>,
) -> Result<(Py<PyAny>, Py<PyAny>)> {
    let kt = estimator(noise_var, tile)?;
    let h = matrix(h, "h")?;
    let w = weights_of(weights)?;
    let y = labels.map(|l| self::labels(l, "labels")).transpose()?;
    let (hv, wv) = (h.view(), w.as_ref().map(|w| w.view()));
    let b = match (quantity, &y) {
        ("entropy", _) => compute(py, threads, || kt.entropy_bounds(hv, wv))??,
        ("input", _) => compute(py, threads, || kt.mi_input_bounds(hv, wv))??,
        ("labels", Some(y)) => compute(py, threads, || kt.mi_label_bounds(hv, y.view(), wv))??,
        ("labels", None) => return Err(param("labels", "I(T;Y) needs `labels`")),
        (other, _) => {
            return Err(param(
                "quantity",
                format!("unknown quantity {other:?}; expected entropy, input or labels"),
            ));
        }
    };
    pair(py, &b)
}

/// Surrogate tests of both I(T;Y) estimates (relabelings share the pairwise distances).
#[pyfunction]
#[pyo3(signature = (noise_var, h, labels, weights, surrogate, n_surrogates, seed, tile=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn kt_label_surrogate_test<'py>(
    py: Python<'py>,
    noise_var: f64,
    h: &Bound<'py, PyAny>,
    labels: &Bound<'py, PyAny>,
    weights: Option<&Bound<'py, PyAny>>,
    surrogate: &str,
    n_surrogates: usize,
    seed: u64,
    tile: Option<usize>,
    threads: Option<usize>,
) -> Result<Bound<'py, PyDict>> {
    let kt = estimator(noise_var, tile)?;
    let kind: Surrogate = surrogate.parse()?;
    let h = matrix(h, "h")?;
    let y = self::labels(labels, "labels")?;
    let w = weights_of(weights)?;
    let (hv, wv) = (h.view(), w.as_ref().map(|w| w.view()));
    let t = compute(py, threads, || {
        kt.label_surrogate_test(hv, y.view(), wv, kind, n_surrogates, seed)
    })??;
    let d = PyDict::new(py);
    d.set_item("lower", test_dict(py, t.lower)?)?;
    d.set_item("upper", test_dict(py, t.upper)?)?;
    Ok(d)
}

/// Bootstrap intervals of both bounds: of I(T;Y) with `labels`, of I(X;T) without.
#[pyfunction]
#[pyo3(signature = (noise_var, h, labels, weights, n_resamples, level, seed, tile=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn kt_bootstrap_ci<'py>(
    py: Python<'py>,
    noise_var: f64,
    h: &Bound<'py, PyAny>,
    labels: Option<&Bound<'py, PyAny>>,
    weights: Option<&Bound<'py, PyAny>>,
    n_resamples: usize,
    level: f64,
    seed: u64,
    tile: Option<usize>,
    threads: Option<usize>,
) -> Result<Bound<'py, PyDict>> {
    let kt = estimator(noise_var, tile)?;
    let h = matrix(h, "h")?;
    let y = labels.map(|l| self::labels(l, "labels")).transpose()?;
    let w = weights_of(weights)?;
    let (hv, wv) = (h.view(), w.as_ref().map(|w| w.view()));
    let ci = compute(py, threads, || match &y {
        Some(y) => kt.label_bootstrap_ci(hv, y.view(), wv, n_resamples, level, seed),
        None => kt.input_bootstrap_ci(hv, wv, n_resamples, level, seed),
    })??;
    let d = PyDict::new(py);
    d.set_item("lower", ci_dict(py, ci.lower)?)?;
    d.set_item("upper", ci_dict(py, ci.upper)?)?;
    Ok(d)
}

/// I(X;T) bounds at every σ² of `noise_vars`: (noise_vars, lower, upper) arrays, nats.
#[pyfunction]
#[pyo3(signature = (h, noise_vars, tile=None, threads=None))]
pub(crate) fn kt_noise_sweep(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    noise_vars: &Bound<'_, PyAny>,
    tile: Option<usize>,
    threads: Option<usize>,
) -> Result<(Py<PyAny>, Py<PyAny>, Py<PyAny>)> {
    let h = matrix(h, "h")?;
    let vars = vector(noise_vars, "noise_vars")?.to_vec();
    let hv = h.view();
    let tile = tile.unwrap_or(DEFAULT_TILE);
    let points = compute(py, threads, || noise_sweep(hv, &vars, tile))??;
    let col = |f: fn(&infoscope_estimators::kt::SweepPoint) -> f64| {
        vec_out(py, points.iter().map(f).collect())
    };
    Ok((col(|p| p.noise_var), col(|p| p.lower), col(|p| p.upper)))
}
