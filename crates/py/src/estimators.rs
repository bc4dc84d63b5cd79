//! The estimators: binned, plug-in, Gaussian, KSG 1/2, Kozachenko–Leonenko, with conditional
//! MI, batch and pairwise forms, surrogate tests and bootstrap intervals.
//!
//! Each function takes the estimator's settings as a JSON object with the Rust/TOML field
//! names (compact forms accepted: `policy="unit-minmax:10"` or `policy=10`, `noise=1e-8`) and
//! returns results as JSON text or numpy arrays.

use infoscope_estimators::discrete::{BinPolicy, Binned, BinnedParams, PlugIn, PlugInParams};
use infoscope_estimators::gaussian::{Gaussian, GaussianParams};
use infoscope_estimators::knn::{KozachenkoLeonenko, KozachenkoLeonenkoParams, Ksg, KsgParams};
use infoscope_estimators::significance::{
    BootstrapCi, FromFn, Surrogate, SurrogateTest, benjamini_hochberg, bootstrap_ci,
    surrogate_orders, surrogate_test,
};
use infoscope_estimators::{ConditionalMutualInformation, Entropy, Estimate, MutualInformation};
use ndarray::{Array2, ArrayView2};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::arrays::{labels, matrix, symbols, table_out, vec_out};
use crate::errors::{Result, param};
use crate::json::{object, settings, to_py, to_text};
use crate::threads::compute;

/// One of the estimators of I(X;Y) on continuous data.
pub(crate) enum MiEstimator {
    Binned(Binned),
    Gaussian(Gaussian),
    Ksg(Ksg),
}

/// Compact forms of the settings, expanded to their serde form.
fn expand(method: &str, mut fields: Map<String, Value>) -> Result<Map<String, Value>> {
    match method {
        "binned" => {
            if let Some(v) = fields.get("policy").cloned() {
                let policy = match v {
                    Value::String(spec) => Some(spec.parse::<BinPolicy>()?),
                    Value::Number(n) => {
                        let n_bins = n.as_u64().filter(|&b| b >= 1).ok_or_else(|| {
                            param(
                                "policy",
                                format!("a bin count must be an integer ≥ 1, got {n}"),
                            )
                        })?;
                        Some(BinPolicy::PerUnitMinMax {
                            n_bins: n_bins as usize,
                        })
                    }
                    _ => None,
                };
                if let Some(p) = policy {
                    fields.insert("policy".into(), serde_json::to_value(p).unwrap_or_default());
                }
            }
            normalise_correction(&mut fields);
        }
        "plugin" => normalise_correction(&mut fields),
        "ksg" => match fields.get("noise") {
            Some(Value::Null) => {
                fields.insert("noise".into(), serde_json::json!({"kind": "none"}));
            }
            Some(Value::Number(n)) => {
                let std = n.as_f64().unwrap_or(f64::NAN);
                fields.insert(
                    "noise".into(),
                    serde_json::json!({"kind": "gaussian", "std": std}),
                );
            }
            _ => {}
        },
        _ => {}
    }
    Ok(fields)
}

/// `"miller_madow"` reads as `"miller-madow"`.
fn normalise_correction(fields: &mut Map<String, Value>) {
    if let Some(Value::String(c)) = fields.get("correction") {
        let c = c.replace('_', "-");
        fields.insert("correction".into(), Value::String(c));
    }
}

/// The settings of `method` from the Python side's JSON, compact forms expanded.
fn parsed<P: DeserializeOwned + Serialize + Default>(method: &str, params: &str) -> Result<P> {
    settings(method, expand(method, object("params", params)?)?)
}

fn binned(params: &str) -> Result<Binned> {
    Ok(parsed::<BinnedParams>("binned", params)?.check()?)
}

fn plugin(params: &str) -> Result<PlugIn> {
    Ok(parsed::<PlugInParams>("plugin", params)?.check()?)
}

fn gaussian(params: &str) -> Result<Gaussian> {
    Ok(parsed::<GaussianParams>("gaussian", params)?.check()?)
}

fn ksg(params: &str) -> Result<Ksg> {
    Ok(parsed::<KsgParams>("ksg", params)?.check()?)
}

fn kl(params: &str) -> Result<KozachenkoLeonenko> {
    Ok(parsed::<KozachenkoLeonenkoParams>("kl", params)?.check()?)
}

impl MiEstimator {
    fn new(method: &str, params: &str) -> Result<Self> {
        Ok(match method {
            "binned" => Self::Binned(binned(params)?),
            "gaussian" => Self::Gaussian(gaussian(params)?),
            "ksg" => Self::Ksg(ksg(params)?),
            other => {
                return Err(param(
                    "method",
                    format!("unknown method {other:?}; expected binned, gaussian or ksg"),
                ));
            }
        })
    }
}

/// The checked settings of `method` with every default filled in, as JSON.
#[pyfunction]
pub(crate) fn check_params(method: &str, params: &str) -> Result<String> {
    match method {
        "binned" => to_text(&binned(params)?.config()),
        "plugin" => to_text(&plugin(params)?.config()),
        "gaussian" => to_text(gaussian(params)?.config()),
        "ksg" => to_text(&ksg(params)?.config()),
        "kl" => to_text(&kl(params)?.config()),
        other => Err(param(
            "method",
            format!("unknown method {other:?}; expected binned, plugin, gaussian, ksg or kl"),
        )),
    }
}

/// I(X;Y) of continuous data, as Estimate JSON.
#[pyfunction]
#[pyo3(signature = (method, params, x, y, threads=None))]
pub(crate) fn mutual_information(
    py: Python<'_>,
    method: &str,
    params: &str,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let est = MiEstimator::new(method, params)?;
    let (x, y) = (matrix(x, "x")?, matrix(y, "y")?);
    let (x, y) = (x.view(), y.view());
    let e = compute(py, threads, || match &est {
        MiEstimator::Binned(b) => b.estimate(x, y),
        MiEstimator::Gaussian(g) => g.estimate(x, y),
        MiEstimator::Ksg(k) => k.estimate(x, y),
    })??;
    to_py(py, &e)
}

/// I(X;Y|Z) of continuous data, as Estimate JSON.
#[pyfunction]
#[pyo3(signature = (method, params, x, y, z, threads=None))]
pub(crate) fn conditional_mutual_information(
    py: Python<'_>,
    method: &str,
    params: &str,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    z: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let est = MiEstimator::new(method, params)?;
    let (x, y, z) = (matrix(x, "x")?, matrix(y, "y")?, matrix(z, "z")?);
    let (x, y, z) = (x.view(), y.view(), z.view());
    let e = compute(py, threads, || match &est {
        MiEstimator::Binned(b) => b.estimate_conditional(x, y, z),
        MiEstimator::Gaussian(g) => g.estimate_conditional(x, y, z),
        MiEstimator::Ksg(k) => k.estimate_conditional(x, y, z),
    })??;
    to_py(py, &e)
}

/// H(X) of continuous data (binned, gaussian or kl), as Estimate JSON.
#[pyfunction]
#[pyo3(signature = (method, params, x, threads=None))]
pub(crate) fn entropy(
    py: Python<'_>,
    method: &str,
    params: &str,
    x: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let x = matrix(x, "x")?;
    let x = x.view();
    let e = match method {
        "kl" => {
            let est = kl(params)?;
            compute(py, threads, || est.entropy(x))??
        }
        _ => match MiEstimator::new(method, params)? {
            MiEstimator::Binned(b) => compute(py, threads, || b.entropy(x))??,
            MiEstimator::Gaussian(g) => compute(py, threads, || g.entropy(x))??,
            MiEstimator::Ksg(_) => {
                return Err(param(
                    "method",
                    "KSG estimates mutual information; use kl for the entropy",
                ));
            }
        },
    };
    to_py(py, &e)
}

/// Binned I(X; labels): one label per row (a 1-column table), or several label columns (X is
/// binned, then the plug-in estimate on the symbols).
fn binned_with_labels(
    b: &Binned,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, i64>,
) -> infoscope_estimators::Result<Estimate> {
    if y.ncols() == 1 {
        return b.mutual_information_with_labels(x, y.column(0));
    }
    let plugin = PlugIn::params().correction(b.config().correction).check()?;
    let mut e = plugin.mutual_information(b.bin("x", x)?.symbols.view(), y)?;
    e.method = "binned".into();
    e.config = serde_json::to_value(b.config()).unwrap_or_default();
    Ok(e)
}

/// Binned I(X; Y) with Y as integer labels, as Estimate JSON.
#[pyfunction]
#[pyo3(signature = (params, x, y, threads=None))]
pub(crate) fn binned_mi_labels(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let b = binned(params)?;
    let (x, y) = (matrix(x, "x")?, symbols(y, "y")?);
    let x = x.view();
    let e = compute(py, threads, || binned_with_labels(&b, x, y.view()))??;
    to_py(py, &e)
}

/// The symbols of each value of `x` under the binning policy (int64, same shape as a table).
#[pyfunction]
pub(crate) fn binned_symbols(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
) -> Result<Py<PyAny>> {
    let b = binned(params)?;
    let x = matrix(x, "x")?;
    let data = b.bin("x", x.view())?;
    Ok(table_out(py, data.symbols))
}

/// Every column of `x` against the labels, as PerUnitMi JSON.
#[pyfunction]
#[pyo3(signature = (params, x, labels, threads=None))]
pub(crate) fn binned_per_unit(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    threads: Option<usize>,
) -> Result<String> {
    let b = binned(params)?;
    let (x, l) = (matrix(x, "x")?, self::labels(labels, "labels")?);
    let x = x.view();
    let r = compute(py, threads, || b.per_unit(x, l.view()))??;
    to_text(&r)
}

/// [`binned_per_unit`] with a surrogate test per unit and Benjamini–Hochberg q-values, as
/// PerUnitTest JSON.
#[pyfunction]
#[pyo3(signature = (params, x, labels, surrogate, n_surrogates, seed, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn binned_per_unit_test(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    surrogate: &str,
    n_surrogates: usize,
    seed: u64,
    threads: Option<usize>,
) -> Result<String> {
    let b = binned(params)?;
    let kind: Surrogate = surrogate.parse()?;
    let (x, l) = (matrix(x, "x")?, self::labels(labels, "labels")?);
    let x = x.view();
    let r = compute(py, threads, || {
        b.per_unit_test(x, l.view(), kind, n_surrogates, seed)
    })??;
    to_text(&r)
}

/// Plug-in quantities of integer symbols: `op` is entropy, joint_entropy,
/// conditional_entropy, mutual_information or conditional_mutual_information.
#[pyfunction]
#[pyo3(signature = (params, op, x, y=None, z=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn plugin_estimate(
    py: Python<'_>,
    params: &str,
    op: &str,
    x: &Bound<'_, PyAny>,
    y: Option<&Bound<'_, PyAny>>,
    z: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let p = plugin(params)?;
    let x = symbols(x, "x")?;
    let y = y.map(|y| symbols(y, "y")).transpose()?;
    let z = z.map(|z| symbols(z, "z")).transpose()?;
    fn need<'a>(a: &'a Option<Array2<i64>>, name: &str, op: &str) -> Result<ArrayView2<'a, i64>> {
        a.as_ref()
            .map(|a| a.view())
            .ok_or_else(|| param(name, format!("{op} needs `{name}`")))
    }
    let e = match op {
        "entropy" => compute(py, threads, || p.entropy(x.view()))??,
        "joint_entropy" => {
            let y = need(&y, "y", op)?;
            compute(py, threads, || p.joint_entropy(x.view(), y))??
        }
        "conditional_entropy" => {
            let y = need(&y, "y", op)?;
            compute(py, threads, || p.conditional_entropy(x.view(), y))??
        }
        "mutual_information" => {
            let y = need(&y, "y", op)?;
            compute(py, threads, || p.mutual_information(x.view(), y))??
        }
        "conditional_mutual_information" => {
            let (y, z) = (need(&y, "y", op)?, need(&z, "z", op)?);
            compute(py, threads, || {
                p.conditional_mutual_information(x.view(), y, z)
            })??
        }
        other => return Err(param("op", format!("unknown plug-in quantity {other:?}"))),
    };
    to_py(py, &e)
}

/// Gaussian quantities from a covariance matrix and index lists of the variables.
#[pyfunction]
#[pyo3(signature = (params, cov, x, y=None, z=None))]
pub(crate) fn gaussian_from_covariance(
    py: Python<'_>,
    params: &str,
    cov: &Bound<'_, PyAny>,
    x: Vec<usize>,
    y: Option<Vec<usize>>,
    z: Option<Vec<usize>>,
) -> Result<Py<PyAny>> {
    let g = gaussian(params)?;
    let cov = matrix(cov, "cov")?;
    let cov = cov.view();
    let e = match (y, z) {
        (None, None) => g.entropy_from_covariance(cov, &x)?,
        (Some(y), None) => g.mi_from_covariance(cov, &x, &y)?,
        (Some(y), Some(z)) => g.cmi_from_covariance(cov, &x, &y, &z)?,
        (None, Some(_)) => return Err(param("y", "conditional MI needs `y` as well as `z`")),
    };
    to_py(py, &e)
}

/// KSG local (pointwise) values, nats; their mean is the estimate.
#[pyfunction]
#[pyo3(signature = (params, x, y, z=None, threads=None))]
pub(crate) fn ksg_local_values(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    z: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
) -> Result<Py<PyAny>> {
    let k = ksg(params)?;
    let (x, y) = (matrix(x, "x")?, matrix(y, "y")?);
    let z = z.map(|z| matrix(z, "z")).transpose()?;
    let (xv, yv) = (x.view(), y.view());
    let zv = z.as_ref().map(|z| z.view());
    let v = compute(py, threads, || match zv {
        None => k.local_values(xv, yv),
        Some(zv) => k.local_values_conditional(xv, yv, zv),
    })??;
    Ok(vec_out(py, v))
}

/// KSG MI of every column pair of `a` (or of `a` against `b`): a dict with the matrix, the
/// zero-distance fractions, the sample count and the configuration (JSON).
#[pyfunction]
#[pyo3(signature = (params, a, b=None, threads=None))]
pub(crate) fn ksg_pairwise<'py>(
    py: Python<'py>,
    params: &str,
    a: &Bound<'py, PyAny>,
    b: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> Result<Bound<'py, PyDict>> {
    let k = ksg(params)?;
    let a = matrix(a, "a")?;
    let b = b.map(|b| matrix(b, "b")).transpose()?;
    let av = a.view();
    let bv = b.as_ref().map(|b| b.view());
    let r = compute(py, threads, || match bv {
        None => k.all_pairs(av),
        Some(bv) => k.cross(av, bv),
    })??;
    let d = PyDict::new(py);
    d.set_item("values", table_out(py, r.values))?;
    d.set_item(
        "zero_distance_fraction",
        table_out(py, r.zero_distance_fraction),
    )?;
    d.set_item("n_samples", r.n_samples)?;
    d.set_item("config", to_text(&r.config)?)?;
    Ok(d)
}

/// A surrogate test as a dict (estimate as JSON, the null as an array).
pub(crate) fn test_dict<'py>(py: Python<'py>, t: SurrogateTest) -> Result<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("estimate", to_py(py, &t.estimate)?)?;
    d.set_item("null", vec_out(py, t.null))?;
    d.set_item("null_mean", t.null_mean)?;
    d.set_item("null_std", t.null_std)?;
    d.set_item("p_value", t.p_value)?;
    Ok(d)
}

/// A bootstrap interval as a dict.
pub(crate) fn ci_dict<'py>(py: Python<'py>, ci: BootstrapCi) -> Result<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("estimate", to_py(py, &ci.estimate)?)?;
    d.set_item("lower", ci.lower)?;
    d.set_item("upper", ci.upper)?;
    d.set_item("level", ci.level)?;
    d.set_item("replicates", vec_out(py, ci.replicates))?;
    Ok(d)
}

/// Y as a float table: continuous data as it is, or integer labels (checked) as floats.
fn y_table(y: &Bound<'_, PyAny>, as_labels: bool) -> Result<Array2<f64>> {
    if as_labels {
        Ok(symbols(y, "y")?.mapv(|v| v as f64))
    } else {
        Ok(matrix(y, "y")?.view().to_owned())
    }
}

/// Bind `$e` to the estimator as a [`MutualInformation`] (binned with labels: binning, then
/// the labels' plug-in path) and evaluate `$body`.
macro_rules! with_estimator {
    ($est:expr, $labels:expr, |$e:ident| $body:expr) => {
        match $est {
            MiEstimator::Binned(b) if $labels => {
                let f = FromFn(|x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>| {
                    binned_with_labels(b, x, y.mapv(|v| v as i64).view())
                });
                let $e = &f;
                $body
            }
            MiEstimator::Binned(b) => {
                let $e = b;
                $body
            }
            MiEstimator::Gaussian(g) => {
                let $e = g;
                $body
            }
            MiEstimator::Ksg(k) => {
                let $e = k;
                $body
            }
        }
    };
}

/// Test I(X;Y) > 0 against surrogates of Y (`surrogate`: permutation, circular:MIN or
/// block:LEN); `labels` reads Y as integer labels (binned only).
#[pyfunction]
#[pyo3(signature = (method, params, x, y, labels, surrogate, n_surrogates, seed, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn mi_surrogate_test<'py>(
    py: Python<'py>,
    method: &str,
    params: &str,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    labels: bool,
    surrogate: &str,
    n_surrogates: usize,
    seed: u64,
    threads: Option<usize>,
) -> Result<Bound<'py, PyDict>> {
    let est = MiEstimator::new(method, params)?;
    let kind: Surrogate = surrogate.parse()?;
    let x = matrix(x, "x")?;
    let y = y_table(y, labels)?;
    let (xv, yv) = (x.view(), y.view());
    let t = compute(py, threads, || {
        with_estimator!(&est, labels, |e| surrogate_test(
            e,
            xv,
            yv,
            kind,
            n_surrogates,
            seed
        ))
    })??;
    test_dict(py, t)
}

/// Bootstrap percentile interval of I(X;Y).
#[pyfunction]
#[pyo3(signature = (method, params, x, y, labels, n_resamples, level, seed, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn mi_bootstrap_ci<'py>(
    py: Python<'py>,
    method: &str,
    params: &str,
    x: &Bound<'py, PyAny>,
    y: &Bound<'py, PyAny>,
    labels: bool,
    n_resamples: usize,
    level: f64,
    seed: u64,
    threads: Option<usize>,
) -> Result<Bound<'py, PyDict>> {
    let est = MiEstimator::new(method, params)?;
    let x = matrix(x, "x")?;
    let y = y_table(y, labels)?;
    let (xv, yv) = (x.view(), y.view());
    let ci = compute(py, threads, || {
        with_estimator!(&est, labels, |e| bootstrap_ci(
            e,
            xv,
            yv,
            n_resamples,
            level,
            seed
        ))
    })??;
    ci_dict(py, ci)
}

/// Benjamini–Hochberg adjusted p-values (q-values), in the input order.
#[pyfunction]
pub(crate) fn bh_q_values(py: Python<'_>, p_values: &Bound<'_, PyAny>) -> Result<Py<PyAny>> {
    let p = crate::arrays::vector(p_values, "p_values")?;
    let q = benjamini_hochberg(&p.to_vec())?;
    Ok(vec_out(py, q))
}

/// The row orders of the surrogates of a test (one row per surrogate), as the tests draw them.
#[pyfunction]
pub(crate) fn surrogate_row_orders(
    py: Python<'_>,
    surrogate: &str,
    n: usize,
    n_surrogates: usize,
    seed: u64,
) -> Result<Py<PyAny>> {
    let kind: Surrogate = surrogate.parse()?;
    let orders = surrogate_orders(kind, n, n_surrogates, seed)?;
    let mut table = Array2::<i64>::zeros((orders.len(), n));
    for (mut row, order) in table.rows_mut().into_iter().zip(&orders) {
        for (cell, &o) in row.iter_mut().zip(order) {
            *cell = o as i64;
        }
    }
    Ok(table_out(py, table))
}
