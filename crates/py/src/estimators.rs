//! The estimators: one class, `infoscope._core.Estimator`, built from a method and its
//! parameters (the estimator specification of `infoscope_estimators::spec`), answering every
//! question the method has. Each call crosses into the core once; the Python classes
//! (`infoscope.Ksg`, ...) only name the method and keep the configuration.
//!
//! Method-specific entry points that are not questions of the specification stay functions:
//! the bins of a binned estimator, Gaussian quantities of a covariance matrix, the
//! Kolchinsky–Tracey noise sweep, Benjamini–Hochberg and the surrogate orders.

use infoscope_estimators::discrete::{BinnedParams, PerUnitMi};
use infoscope_estimators::gaussian::GaussianParams;
use infoscope_estimators::kt::{DEFAULT_TILE, SweepPoint, noise_sweep};
use infoscope_estimators::significance::{
    BootstrapCi, Surrogate, SurrogateTest, benjamini_hochberg, surrogate_orders,
};
use infoscope_estimators::spec::{Data, Estimator, EstimatorSpec, ValueType, Variable};
use infoscope_estimators::{Outcome, Quantity};
use ndarray::{Array1, Array2, Axis};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{
    Matrix, labels, matrix, table_out, typed_matrix, vec_out, vector, wide_integers,
};
use crate::errors::{Result, param};
use crate::ints::{Int, opt_usize};
use crate::json::{object, to_py, to_text};
use crate::threads::compute;

/// An argument as read from Python: borrowed floats (or labels copied as floats) and their type.
enum Arg<'py> {
    Borrowed(Matrix<'py>, ValueType),
    Labels(Array2<f64>),
}

impl Arg<'_> {
    fn variable(&self) -> Variable<'_> {
        match self {
            Arg::Borrowed(m, t) => Variable::new(m.view(), *t),
            Arg::Labels(a) => Variable::integer(a.view()),
        }
    }
}

/// `obj` as a variable named `name`; integer and boolean arrays are integer-typed.
fn arg<'py>(obj: &Bound<'py, PyAny>, name: &str) -> Result<Arg<'py>> {
    if let Some(ranked) = wide_integers(obj, name)? {
        return Ok(Arg::Labels(ranked));
    }
    let (m, t) = typed_matrix(obj, name)?;
    Ok(Arg::Borrowed(m, t))
}

/// The arguments of one call: x, then Y (`y`, or `labels`: one integer label per sample, read
/// strictly), z and weights.
struct Args<'py> {
    x: Arg<'py>,
    y: Option<Arg<'py>>,
    z: Option<Arg<'py>>,
    weights: Option<Array1<f64>>,
}

impl<'py> Args<'py> {
    fn read(
        x: &Bound<'py, PyAny>,
        y: Option<&Bound<'py, PyAny>>,
        z: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        label_argument: Option<&Bound<'py, PyAny>>,
    ) -> Result<Self> {
        let y = match (y, label_argument) {
            (Some(_), Some(_)) => {
                return Err(param("labels", "give `y` or `labels`, not both"));
            }
            (Some(y), None) => Some(arg(y, "y")?),
            (None, Some(l)) => Some(Arg::Labels(
                labels(l, "labels")?.mapv(|v| v as f64).insert_axis(Axis(1)),
            )),
            (None, None) => None,
        };
        Ok(Self {
            x: arg(x, "x")?,
            y,
            z: z.map(|z| arg(z, "z")).transpose()?,
            weights: weights.map(|w| vector(w, "weights")).transpose()?,
        })
    }

    fn data(&self) -> Data<'_> {
        Data {
            x: self.x.variable(),
            y: self.y.as_ref().map(Arg::variable),
            z: self.z.as_ref().map(Arg::variable),
            weights: self.weights.as_ref().map(|w| w.view()),
        }
    }
}

/// A quantity by its name (`"mutual_information"`, ...), or `None` to infer it.
fn quantity(name: Option<&str>) -> Result<Option<Quantity>> {
    name.map(|n| {
        serde_json::from_value(serde_json::Value::String(n.to_owned())).map_err(|_| {
            param(
                "quantity",
                format!(
                    "unknown quantity {n:?}; expected entropy, mutual_information, \
                     conditional_mutual_information, joint_entropy, conditional_entropy or \
                     input_information"
                ),
            )
        })
    })
    .transpose()
}

/// `quantity`, or the one the arguments ask for.
fn resolve(
    estimator: &Estimator,
    quantity: Option<Quantity>,
    data: &Data<'_>,
) -> infoscope_estimators::Result<Quantity> {
    match quantity {
        Some(q) => Ok(q),
        None => estimator.quantity_for(data),
    }
}

/// A surrogate test as a dict (estimate, the null as an array).
fn test_dict<'py>(py: Python<'py>, t: SurrogateTest) -> Result<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("estimate", to_py(py, &t.estimate)?)?;
    d.set_item("null", vec_out(py, t.null))?;
    d.set_item("null_mean", t.null_mean)?;
    d.set_item("null_std", t.null_std)?;
    d.set_item("p_value", t.p_value)?;
    Ok(d)
}

/// A bootstrap interval as a dict.
fn ci_dict<'py>(py: Python<'py>, ci: BootstrapCi) -> Result<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("estimate", to_py(py, &ci.estimate)?)?;
    d.set_item("lower", ci.lower)?;
    d.set_item("upper", ci.upper)?;
    d.set_item("level", ci.level)?;
    d.set_item("replicates", vec_out(py, ci.replicates))?;
    Ok(d)
}

/// An outcome as Python objects: the point's object, or a `(lower, upper)` tuple of them.
fn outcome_py<'py, T>(
    py: Python<'py>,
    o: Outcome<T>,
    each: impl Fn(Python<'py>, T) -> Result<Bound<'py, PyAny>>,
) -> Result<Bound<'py, PyAny>> {
    match o {
        Outcome::Point(p) => each(py, p),
        Outcome::Bounds(b) => {
            let pair = (each(py, b.lower)?, each(py, b.upper)?);
            Ok(pair.into_pyobject(py)?.into_any())
        }
    }
}

/// A checked estimator of any method (`infoscope._core.Estimator`).
#[pyclass(module = "infoscope._core", name = "Estimator", frozen)]
pub(crate) struct PyEstimator {
    inner: Estimator,
}

#[pymethods]
impl PyEstimator {
    /// The estimator of `method` with the parameters `params` (a JSON mapping, the Rust/TOML
    /// names; missing ones take their defaults). Raises `InvalidParameterError` naming the
    /// parameter at fault.
    #[new]
    fn new(method: &str, params: &str) -> Result<Self> {
        let spec = EstimatorSpec::from_fields(method, object("params", params)?)?;
        Ok(Self {
            inner: spec.check()?,
        })
    }

    /// The method's name.
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.name()
    }

    /// The checked parameters with every default filled in, as JSON.
    fn params(&self) -> Result<String> {
        to_text(&self.inner.spec().params())
    }

    /// The quantities the method estimates.
    fn quantities(&self) -> Vec<String> {
        self.inner
            .quantities()
            .iter()
            .filter_map(|q| match serde_json::to_value(q) {
                Ok(serde_json::Value::String(name)) => Some(name),
                _ => None,
            })
            .collect()
    }

    /// `quantity` (None: inferred from the arguments) from `x` and optionally `y` (or
    /// `labels`), `z` and `weights`: an estimate (a dict), or `(lower, upper)` estimates.
    #[pyo3(signature = (quantity, x, y=None, z=None, weights=None, labels=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn estimate<'py>(
        &self,
        py: Python<'py>,
        quantity: Option<&str>,
        x: &Bound<'py, PyAny>,
        y: Option<&Bound<'py, PyAny>>,
        z: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        labels: Option<&Bound<'py, PyAny>>,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyAny>> {
        let q = self::quantity(quantity)?;
        let args = Args::read(x, y, z, weights, labels)?;
        let data = args.data();
        let o = compute(py, threads, || {
            self.inner.estimate(resolve(&self.inner, q, &data)?, &data)
        })??;
        outcome_py(py, o, |py, e| Ok(to_py(py, &e)?.into_bound(py)))
    }

    /// Local (pointwise) values of `quantity` (None: inferred), nats.
    #[pyo3(signature = (quantity, x, y=None, z=None, threads=None))]
    fn local_values(
        &self,
        py: Python<'_>,
        quantity: Option<&str>,
        x: &Bound<'_, PyAny>,
        y: Option<&Bound<'_, PyAny>>,
        z: Option<&Bound<'_, PyAny>>,
        threads: Option<Int>,
    ) -> Result<Py<PyAny>> {
        let q = self::quantity(quantity)?;
        let args = Args::read(x, y, z, None, None)?;
        let data = args.data();
        let v = compute(py, threads, || {
            self.inner
                .local_values(resolve(&self.inner, q, &data)?, &data)
        })??;
        Ok(vec_out(py, v))
    }

    /// Test I(X;Y) > 0 against surrogates of Y (`surrogate`: permutation, circular:MIN or
    /// block:LEN).
    #[pyo3(
        signature = (x, y=None, weights=None, labels=None, surrogate="permutation", n_surrogates=Int(199), seed=Int(0), threads=None),
        text_signature = "($self, /, x, y=None, weights=None, labels=None, surrogate='permutation', n_surrogates=199, seed=0, threads=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn surrogate_test<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        y: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        labels: Option<&Bound<'py, PyAny>>,
        surrogate: &str,
        n_surrogates: Int,
        seed: Int,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyAny>> {
        let (n_surrogates, seed) = (n_surrogates.usize("n_surrogates")?, seed.u64("seed")?);
        let kind: Surrogate = surrogate.parse()?;
        let args = Args::read(x, y, None, weights, labels)?;
        let data = args.data();
        let t = compute(py, threads, || {
            self.inner.surrogate_test(&data, kind, n_surrogates, seed)
        })??;
        outcome_py(py, t, |py, t| Ok(test_dict(py, t)?.into_any()))
    }

    /// Bootstrap percentile interval of `quantity` (None: inferred).
    #[pyo3(
        signature = (quantity, x, y=None, z=None, weights=None, labels=None, n_resamples=Int(200), level=0.95, seed=Int(0), threads=None),
        text_signature = "($self, /, quantity, x, y=None, z=None, weights=None, labels=None, n_resamples=200, level=0.95, seed=0, threads=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn bootstrap_ci<'py>(
        &self,
        py: Python<'py>,
        quantity: Option<&str>,
        x: &Bound<'py, PyAny>,
        y: Option<&Bound<'py, PyAny>>,
        z: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        labels: Option<&Bound<'py, PyAny>>,
        n_resamples: Int,
        level: f64,
        seed: Int,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyAny>> {
        let (n_resamples, seed) = (n_resamples.usize("n_resamples")?, seed.u64("seed")?);
        let q = self::quantity(quantity)?;
        let args = Args::read(x, y, z, weights, labels)?;
        let data = args.data();
        let ci = compute(py, threads, || {
            let q = match q {
                Some(q) => q,
                None => self.inner.quantity_for(&data)?,
            };
            self.inner.bootstrap_ci(q, &data, n_resamples, level, seed)
        })??;
        outcome_py(py, ci, |py, ci| Ok(ci_dict(py, ci)?.into_any()))
    }

    /// I(unit; labels) for every column of `x`, as PerUnitMi JSON.
    #[pyo3(signature = (x, labels, threads=None))]
    fn per_unit(
        &self,
        py: Python<'_>,
        x: &Bound<'_, PyAny>,
        labels: &Bound<'_, PyAny>,
        threads: Option<Int>,
    ) -> Result<String> {
        let (x, l) = (typed_matrix(x, "x")?, per_unit_labels(labels)?);
        let (xv, lv) = (Variable::new(x.0.view(), x.1), Variable::integer(l.view()));
        let r: PerUnitMi = compute(py, threads, || self.inner.per_unit(xv, lv))??;
        to_text(&r)
    }

    /// [`PyEstimator::per_unit`] with a surrogate test per unit and Benjamini–Hochberg
    /// q-values, as PerUnitTest JSON.
    #[pyo3(
        signature = (x, labels, surrogate="permutation", n_surrogates=Int(199), seed=Int(0), threads=None),
        text_signature = "($self, /, x, labels, surrogate='permutation', n_surrogates=199, seed=0, threads=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn per_unit_test(
        &self,
        py: Python<'_>,
        x: &Bound<'_, PyAny>,
        labels: &Bound<'_, PyAny>,
        surrogate: &str,
        n_surrogates: Int,
        seed: Int,
        threads: Option<Int>,
    ) -> Result<String> {
        let (n_surrogates, seed) = (n_surrogates.usize("n_surrogates")?, seed.u64("seed")?);
        let kind: Surrogate = surrogate.parse()?;
        let (x, l) = (typed_matrix(x, "x")?, per_unit_labels(labels)?);
        let (xv, lv) = (Variable::new(x.0.view(), x.1), Variable::integer(l.view()));
        let r = compute(py, threads, || {
            self.inner.per_unit_test(xv, lv, kind, n_surrogates, seed)
        })??;
        to_text(&r)
    }

    /// The MI of every column pair of `a` (or of `a` against `b`): a dict with the matrix, the
    /// zero-distance fractions, the sample count and the configuration (JSON).
    #[pyo3(signature = (a, b=None, threads=None))]
    fn pairwise<'py>(
        &self,
        py: Python<'py>,
        a: &Bound<'py, PyAny>,
        b: Option<&Bound<'py, PyAny>>,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyDict>> {
        let a = matrix(a, "a")?;
        let b = b.map(|b| matrix(b, "b")).transpose()?;
        let (av, bv) = (a.view(), b.as_ref().map(Matrix::view));
        let r = compute(py, threads, || self.inner.pairwise(av, bv))??;
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
}

/// The labels of a per-unit call: one integer per sample, as a float column.
fn per_unit_labels(obj: &Bound<'_, PyAny>) -> Result<Array2<f64>> {
    Ok(labels(obj, "labels")?
        .mapv(|v| v as f64)
        .insert_axis(Axis(1)))
}

/// The parameters of `method` from JSON, which must name that method.
fn params_of<P>(method: &str, params: &str, pick: fn(EstimatorSpec) -> Option<P>) -> Result<P> {
    let spec = EstimatorSpec::from_fields(method, object("params", params)?)?;
    pick(spec).ok_or_else(|| param("method", format!("expected method {method}")))
}

/// The bin (symbol) of each value of `x` under a binned estimator's policy (int64).
#[pyfunction]
pub(crate) fn binned_symbols(
    py: Python<'_>,
    params: &str,
    x: &Bound<'_, PyAny>,
) -> Result<Py<PyAny>> {
    let p: BinnedParams = params_of("binned", params, |s| match s {
        EstimatorSpec::Binned(p) => Some(p),
        _ => None,
    })?;
    let x = matrix(x, "x")?;
    let data = p.check()?.bin("x", x.view())?;
    Ok(table_out(py, data.symbols))
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
    let p: GaussianParams = params_of("gaussian", params, |s| match s {
        EstimatorSpec::Gaussian(p) => Some(p),
        _ => None,
    })?;
    let g = p.check()?;
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

/// Kolchinsky–Tracey I(X;T) bounds at every σ² of `noise_vars`: (noise_vars, lower, upper)
/// arrays, nats.
#[pyfunction]
#[pyo3(signature = (h, noise_vars, tile=None, threads=None))]
pub(crate) fn kt_noise_sweep(
    py: Python<'_>,
    h: &Bound<'_, PyAny>,
    noise_vars: &Bound<'_, PyAny>,
    tile: Option<Int>,
    threads: Option<Int>,
) -> Result<(Py<PyAny>, Py<PyAny>, Py<PyAny>)> {
    let tile = opt_usize(tile, "tile")?;
    let h = matrix(h, "h")?;
    let vars = vector(noise_vars, "noise_vars")?.to_vec();
    let hv = h.view();
    let tile = tile.unwrap_or(DEFAULT_TILE);
    let points = compute(py, threads, || noise_sweep(hv, &vars, tile))??;
    let col = |f: fn(&SweepPoint) -> f64| vec_out(py, points.iter().map(f).collect());
    Ok((col(|p| p.noise_var), col(|p| p.lower), col(|p| p.upper)))
}

/// Benjamini–Hochberg adjusted p-values (q-values), in the input order.
#[pyfunction]
pub(crate) fn bh_q_values(py: Python<'_>, p_values: &Bound<'_, PyAny>) -> Result<Py<PyAny>> {
    let p = vector(p_values, "p_values")?;
    let q = benjamini_hochberg(&p.to_vec())?;
    Ok(vec_out(py, q))
}

/// The row orders of the surrogates of a test (one row per surrogate), as the tests draw them.
#[pyfunction]
pub(crate) fn surrogate_row_orders(
    py: Python<'_>,
    surrogate: &str,
    n: Int,
    n_surrogates: Int,
    seed: Int,
) -> Result<Py<PyAny>> {
    let (n, n_surrogates) = (n.usize("n")?, n_surrogates.usize("n_surrogates")?);
    let seed = seed.u64("seed")?;
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
