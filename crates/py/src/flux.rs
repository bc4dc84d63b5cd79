//! The information flux of stochastic binary networks (SPEC.md §7, issue #17): one class,
//! `BinaryNetwork`, with the exact flux, the correlation proxies, simulation, attractors, the
//! facade's measures and the permutation structure; the plug-in flux of recorded states; and
//! networks drawn from the weight ensembles. Evolution lives in [`crate::evolution`].
//!
//! Everything numerical is `infoscope_nets::binary` or the facade `infoscope_analysis::flux`;
//! this module converts, calls (with the GIL released) and maps errors.

use infoscope_analysis::flux::measure::{exact_measures, sampled_measures};
use infoscope_analysis::flux::{BiasRule, Dynamics, Ensemble, MeasureConfig, measure};
use infoscope_estimators::EstimatorError;
use infoscope_nets::NetsError;
use infoscope_nets::binary::{
    BinaryNetwork, Layout, Magnitude, Rooks, Run, Simulator, TieRule, Transition,
    WidthDensityBalance, attractors, permutation_structure, plugin_flux as core_plugin_flux,
    propagate, stationary_flux, transient_flux,
};
use ndarray::{Array1, Array2};
use numpy::{
    PyArray1, PyArray2, PyArrayDescrMethods, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::DeserializeOwned;

use crate::arrays::{Matrix, floats_nd, matrix, symbols, table_out, vec_out, vector};
use crate::errors::{Error, Result, param};
use crate::ints::Int;
use crate::json::{object, settings, to_py};
use crate::threads::compute;

/// A kebab-case option (`"spin"`, `"half-normal"`, ...) of the Rust/TOML enum `T`, refused
/// under `name` with the accepted values listed.
pub(crate) fn choice<T: DeserializeOwned>(name: &str, value: &str, expected: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
        param(
            name,
            format!("unknown {name} {value:?}; expected {expected}"),
        )
    })
}

/// The dynamics (coding, update, temperature) from their Python names.
pub(crate) fn dynamics(coding: &str, update: &str, temperature: f64) -> Result<Dynamics> {
    Ok(Dynamics {
        coding: choice("coding", coding, "binary or spin")?,
        update: choice("update", update, "synchronous or asynchronous")?,
        temperature,
    })
}

/// A float argument that must be a 2-D matrix.
fn square(obj: &Bound<'_, PyAny>, name: &str) -> Result<Array2<f64>> {
    match matrix(obj, name)? {
        Matrix::Table(a) => Ok(a.as_array().to_owned()),
        Matrix::Column(a) => Err(Error::Shape {
            argument: name.into(),
            detail: format!(
                "has shape ({},), expected a square N × N matrix (2-D)",
                a.as_array().len()
            ),
        }),
    }
}

/// The biases: `None` for zeros, a number for the same bias on every neuron, or N values.
fn biases(obj: Option<&Bound<'_, PyAny>>, n: usize) -> Result<Array1<f64>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Array1::zeros(n));
    };
    let a = floats_nd(obj, "bias")?;
    match a.ndim() {
        0 => Ok(Array1::from_elem(
            n,
            a.iter().next().copied().unwrap_or(0.0),
        )),
        _ => vector(obj, "bias"),
    }
}

fn tie(tie: &str) -> Result<TieRule> {
    choice("tie", tie, "on, off or keep")
}

/// The validated facade settings of the exact and sampled routes.
fn measure_config(
    tolerance: f64,
    max_iterations: Int,
    steps: Int,
    burn_in: Int,
    seed: Int,
) -> Result<MeasureConfig> {
    let config = MeasureConfig {
        tolerance,
        max_iterations: max_iterations.usize("max_iterations")?,
        steps: steps.usize("steps")?,
        burn_in: burn_in.usize("burn_in")?,
        seed: seed.u64("seed")?,
        ..MeasureConfig::default()
    };
    config.validate()?;
    Ok(config)
}

/// A stochastic binary recurrent network (SPEC.md §7), N ≤ 65536 neurons (exact measures:
/// N ≤ 20).
#[pyclass(module = "infoscope._core", name = "BinaryNetwork", frozen)]
pub(crate) struct PyBinaryNetwork {
    pub(crate) inner: BinaryNetwork,
}

impl PyBinaryNetwork {
    fn transition(&self) -> Result<Transition> {
        Ok(Transition::new(&self.inner)?)
    }
}

#[pymethods]
impl PyBinaryNetwork {
    /// The network with weights `W` (N × N, row i = neuron i's incoming weights), biases,
    /// coding (`binary`, `spin`), update (`synchronous`, `asynchronous`) and temperature.
    #[new]
    #[pyo3(signature = (weights, bias=None, coding="binary", update="synchronous", temperature=1.0))]
    fn new(
        weights: &Bound<'_, PyAny>,
        bias: Option<&Bound<'_, PyAny>>,
        coding: &str,
        update: &str,
        temperature: f64,
    ) -> Result<Self> {
        let w = square(weights, "weights")?;
        let b = biases(bias, w.nrows())?;
        let d = dynamics(coding, update, temperature)?;
        Ok(Self {
            inner: BinaryNetwork::new(w, b, d.coding, d.temperature, d.update)?,
        })
    }

    /// N.
    #[getter]
    fn n(&self) -> usize {
        self.inner.n()
    }

    /// W (a copy).
    #[getter]
    fn weights(&self, py: Python<'_>) -> Py<PyAny> {
        table_out(py, self.inner.weights().to_owned())
    }

    /// b (a copy).
    #[getter]
    fn bias(&self, py: Python<'_>) -> Py<PyAny> {
        vec_out(py, self.inner.bias().to_vec())
    }

    /// `"binary"` or `"spin"`.
    #[getter]
    fn coding(&self) -> Result<String> {
        kebab(&self.inner.coding())
    }

    /// `"synchronous"` or `"asynchronous"`.
    #[getter]
    fn update(&self) -> Result<String> {
        kebab(&self.inner.update())
    }

    /// T.
    #[getter]
    fn temperature(&self) -> f64 {
        self.inner.temperature()
    }

    /// The exact stationary flux (nats) with π and its convergence.
    #[pyo3(
        signature = (tolerance=1e-12, max_iterations=Int(10_000), threads=None),
        text_signature = "($self, /, tolerance=1e-12, max_iterations=10000, threads=None)"
    )]
    fn flux<'py>(
        &self,
        py: Python<'py>,
        tolerance: f64,
        max_iterations: Int,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyDict>> {
        let config = measure_config(tolerance, max_iterations, Int(2), Int(0), Int(0))?;
        let options = config.exact_options();
        let sf = compute(py, threads, || stationary_flux(&self.inner, &options))??;
        let d = PyDict::new(py);
        d.set_item("flux", to_py(py, &sf.flux)?)?;
        d.set_item("iterations", sf.stationary.iterations)?;
        d.set_item("residual", sf.stationary.residual)?;
        d.set_item("contraction", sf.stationary.contraction)?;
        d.set_item("stationary", vec_out(py, sf.stationary.distribution))?;
        Ok(d)
    }

    /// The flux (nats) of p0 T^t: x(t) ~ p0 T^t, x(t+1) one step later.
    #[pyo3(signature = (p0, t, threads=None))]
    fn transient_flux(
        &self,
        py: Python<'_>,
        p0: &Bound<'_, PyAny>,
        t: Int,
        threads: Option<Int>,
    ) -> Result<Py<PyAny>> {
        let p0 = vector(p0, "p0")?.to_vec();
        let t = t.usize("t")?;
        let flux = compute(py, threads, || -> Result<_> {
            let transition = self.transition()?;
            Ok(transient_flux(&transition, &p0, t)?)
        })??;
        to_py(py, &flux)
    }

    /// p0 T^steps.
    #[pyo3(signature = (p0, steps, threads=None))]
    fn propagate(
        &self,
        py: Python<'_>,
        p0: &Bound<'_, PyAny>,
        steps: Int,
        threads: Option<Int>,
    ) -> Result<Py<PyAny>> {
        let p0 = vector(p0, "p0")?.to_vec();
        let steps = steps.usize("steps")?;
        let p = compute(py, threads, || -> Result<_> {
            let transition = self.transition()?;
            Ok(propagate(&transition, &p0, steps)?)
        })??;
        Ok(vec_out(py, p))
    }

    /// The three RMS-correlation proxies, exact (from π and T) or sampled (one seeded run).
    #[pyo3(
        signature = (method="exact", steps=Int(100_000), burn_in=Int(1000), seed=Int(0),
                     tolerance=1e-12, max_iterations=Int(10_000), threads=None),
        text_signature = "($self, /, method='exact', steps=100000, burn_in=1000, seed=0, \
                          tolerance=1e-12, max_iterations=10000, threads=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn proxies<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        steps: Int,
        burn_in: Int,
        seed: Int,
        tolerance: f64,
        max_iterations: Int,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyDict>> {
        let config = measure_config(tolerance, max_iterations, steps, burn_in, seed)?;
        let d = PyDict::new(py);
        d.set_item("method", method)?;
        match method {
            "exact" => {
                let e = compute(py, threads, || exact_measures(&self.inner, &config))??;
                d.set_item("proxies", to_py(py, &e.proxies)?)?;
                d.set_item("iterations", e.iterations)?;
                d.set_item("residual", e.residual)?;
            }
            "sampled" => {
                let s = compute(py, threads, || sampled_measures(&self.inner, &config))??;
                d.set_item("proxies", to_py(py, &s.proxies)?)?;
                d.set_item("steps", s.steps)?;
                d.set_item("burn_in", s.burn_in)?;
                d.set_item("seed", s.seed)?;
            }
            other => {
                return Err(param(
                    "method",
                    format!("unknown method {other:?}; expected exact or sampled"),
                ));
            }
        }
        Ok(d)
    }

    /// `steps` states (uint8, `[steps, N]`) after `burn_in` discarded ones, from `seed`.
    #[pyo3(
        signature = (steps, burn_in=Int(1000), seed=Int(0), threads=None),
        text_signature = "($self, /, steps, burn_in=1000, seed=0, threads=None)"
    )]
    fn simulate(
        &self,
        py: Python<'_>,
        steps: Int,
        burn_in: Int,
        seed: Int,
        threads: Option<Int>,
    ) -> Result<Py<PyAny>> {
        let (steps, burn_in, seed) = (
            steps.usize("steps")?,
            burn_in.usize("burn_in")?,
            seed.u64("seed")?,
        );
        let n = self.inner.n();
        // The packed run (8 bytes a state) and the uint8 array handed back (N bytes a state).
        infoscope_budget::check(steps as u128 * (n as u128 + 8)).map_err(|source| {
            NetsError::TooLarge {
                argument: "steps",
                what: format!("a record of {steps} states of {n} neurons"),
                source: Box::new(source),
                hint: "record fewer steps".to_owned(),
            }
        })?;
        let states = compute(py, threads, || -> Result<Array2<u8>> {
            let run = Simulator::from_network(&self.inner)?.run(seed, burn_in, steps)?;
            Ok(Array2::from_shape_fn((run.len(), n), |(t, i)| {
                u8::from(run.bit(t, i))
            }))
        })??;
        Ok(table_out(py, states))
    }

    /// The attractor cycles of the deterministic limit: their states (concatenated, int64),
    /// where each starts, their basins, and the summary.
    #[pyo3(signature = (tie="on", threads=None))]
    fn attractors<'py>(
        &self,
        py: Python<'py>,
        tie: &str,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyDict>> {
        let tie = self::tie(tie)?;
        let a = compute(py, threads, || attractors(&self.inner, tie))??;
        let (mut states, mut starts, mut basins) = (Vec::new(), vec![0i64], Vec::new());
        for c in a.iter() {
            states.extend(c.states.iter().map(|&s| s as i64));
            starts.push(states.len() as i64);
            basins.push(c.basin as i64);
        }
        let d = PyDict::new(py);
        d.set_item("states", PyArray1::from_vec(py, states))?;
        d.set_item("starts", PyArray1::from_vec(py, starts))?;
        d.set_item("basins", PyArray1::from_vec(py, basins))?;
        d.set_item("summary", to_py(py, &a.summary())?)?;
        Ok(d)
    }

    /// Every measure of the facade (`MeasureConfig` fields as a JSON object), nats.
    #[pyo3(signature = (config, threads=None))]
    fn measure(&self, py: Python<'_>, config: &str, threads: Option<Int>) -> Result<Py<PyAny>> {
        let config: MeasureConfig = settings("measure", object("config", config)?)?;
        let m = compute(py, threads, || measure(&self.inner, &config))??;
        to_py(py, &m)
    }

    /// The permutation structure of W (`sub-diagonal` or `super-diagonal` layout) and W
    /// reordered.
    #[pyo3(signature = (layout="sub-diagonal"))]
    fn permutation_structure<'py>(
        &self,
        py: Python<'py>,
        layout: &str,
    ) -> Result<Bound<'py, PyDict>> {
        let layout: Layout = choice("layout", layout, "sub-diagonal or super-diagonal")?;
        let s = permutation_structure(self.inner.weights(), layout)?;
        let d = PyDict::new(py);
        d.set_item("reordered", table_out(py, s.reorder(self.inner.weights())))?;
        d.set_item("structure", to_py(py, &s)?)?;
        Ok(d)
    }

    /// Whether both networks have the same weights, biases and dynamics.
    fn same_as(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

/// The kebab-case name of an enum value.
fn kebab<T: serde::Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(Error::Internal("an option without a name".to_owned())),
    }
}

/// Recorded binary states `[T, N]` (bool, integers, or floats holding 0 and 1; a 1-D array is
/// one neuron) as a run of at least 2 states.
fn run_of(obj: &Bound<'_, PyAny>) -> Result<Run> {
    let table = match byte_table(obj)? {
        Some(t) => t,
        None => {
            let s = symbols(obj, "states")?;
            if let Some(((row, col), v)) = s.indexed_iter().find(|(_, v)| !matches!(**v, 0 | 1)) {
                return Err(not_binary(row, col, *v));
            }
            s.mapv(|v| u8::from(v == 1))
        }
    };
    if let Some(((row, col), v)) = table.indexed_iter().find(|(_, v)| **v > 1) {
        return Err(not_binary(row, col, i64::from(*v)));
    }
    let (len, n) = table.dim();
    if len < 2 || n == 0 {
        return Err(Error::Estimator(EstimatorError::TooFewSamples {
            argument: "states",
            needed: 2,
            got: if n == 0 { 0 } else { len },
        }));
    }
    let words = n.div_ceil(64);
    let mut states = vec![0u64; len * words];
    for ((t, i), &v) in table.indexed_iter() {
        states[t * words + i / 64] |= u64::from(v) << (i % 64);
    }
    Ok(Run { n, words, states })
}

/// A 2-D uint8 or bool numpy array (not masked), copied without a conversion; `None` for
/// anything else (read by [`symbols`] instead).
fn byte_table(obj: &Bound<'_, PyAny>) -> Result<Option<Array2<u8>>> {
    let Ok(a) = obj.cast::<PyUntypedArray>() else {
        return Ok(None);
    };
    let dtype = a.dtype();
    let bytes = a.ndim() == 2 && dtype.itemsize() == 1 && matches!(dtype.kind(), b'u' | b'b');
    let ma = obj.py().import("numpy")?.getattr("ma")?;
    if !bytes || ma.call_method1("isMaskedArray", (obj,))?.is_truthy()? {
        return Ok(None);
    }
    let view = a.call_method1("view", ("uint8",))?;
    let view = view.cast_into::<PyArray2<u8>>().map_err(PyErr::from)?;
    let read = view.try_readonly().map_err(|e| Error::DType {
        argument: "states".into(),
        detail: format!("cannot be read: {e}"),
    })?;
    Ok(Some(read.as_array().to_owned()))
}

fn not_binary(row: usize, col: usize, v: i64) -> Error {
    Error::Estimator(EstimatorError::OutOfRange {
        argument: "states",
        detail: format!("value {v} at row {row}, column {col} is not a binary state (0 or 1)"),
    })
}

/// Plug-in and Miller–Madow I[x_S(t); x_S(t+1)] (nats) of recorded states `[T, N]`.
#[pyfunction]
#[pyo3(signature = (states, subset, threads=None))]
pub(crate) fn plugin_flux(
    py: Python<'_>,
    states: &Bound<'_, PyAny>,
    subset: Vec<Int>,
    threads: Option<Int>,
) -> Result<Py<PyAny>> {
    let run = run_of(states)?;
    let subset = subset
        .into_iter()
        .map(|i| i.usize("subset"))
        .collect::<Result<Vec<_>>>()?;
    let p = compute(py, threads, || core_plugin_flux(&run, &subset))??;
    to_py(py, &p)
}

/// A network of at most `MAX_NEURONS` neurons: the ensembles would draw an n × n matrix first.
fn network_size(n: Int) -> Result<usize> {
    let max = infoscope_nets::binary::MAX_NEURONS;
    match n.usize("n") {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(param("n", format!("must lie in 1..={max}, got {n}"))),
    }
}

/// Draw `index` of the ensemble seeded with `seed`, with the bias rule and the dynamics.
fn draw(
    ensemble: Ensemble,
    seed: Int,
    index: Int,
    bias: &str,
    dynamics: &Dynamics,
) -> Result<PyBinaryNetwork> {
    let rule: BiasRule = choice("bias", bias, "zero or centered")?;
    let inner = ensemble.draw(seed.u64("seed")?, index.u64("index")?, rule, dynamics)?;
    Ok(PyBinaryNetwork { inner })
}

/// A network from the width–density–balance ensemble (`Ensemble::draw`).
#[pyfunction]
#[pyo3(
    signature = (n, width, density, balance, seed, index=Int(0), magnitude="half-normal",
                 diagonal=false, bias="zero", coding="binary", update="synchronous",
                 temperature=1.0),
    text_signature = "(n, width, density, balance, seed, index=0, magnitude='half-normal', \
                      diagonal=False, bias='zero', coding='binary', update='synchronous', \
                      temperature=1.0)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn wdb_ensemble(
    n: Int,
    width: f64,
    density: f64,
    balance: f64,
    seed: Int,
    index: Int,
    magnitude: &str,
    diagonal: bool,
    bias: &str,
    coding: &str,
    update: &str,
    temperature: f64,
) -> Result<PyBinaryNetwork> {
    let magnitude: Magnitude = choice("magnitude", magnitude, "half-normal or uniform")?;
    let ensemble = Ensemble::Wdb(WidthDensityBalance {
        n: network_size(n)?,
        width,
        density,
        balance,
        magnitude,
        diagonal,
    });
    draw(
        ensemble,
        seed,
        index,
        bias,
        &dynamics(coding, update, temperature)?,
    )
}

/// A network from the N-rooks ensemble (`Ensemble::draw`).
#[pyfunction]
#[pyo3(
    signature = (n, strength, seed, index=Int(0), background=0.0, diagonal=false,
                 bias="zero", coding="binary", update="synchronous", temperature=1.0),
    text_signature = "(n, strength, seed, index=0, background=0.0, diagonal=False, bias='zero', \
                      coding='binary', update='synchronous', temperature=1.0)"
)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn rooks_ensemble(
    n: Int,
    strength: f64,
    seed: Int,
    index: Int,
    background: f64,
    diagonal: bool,
    bias: &str,
    coding: &str,
    update: &str,
    temperature: f64,
) -> Result<PyBinaryNetwork> {
    // `Rooks::sample` lets a negative background through silently (no background at all),
    // and an infinite one through to the weights; both are refused here by name.
    if !(background.is_finite() && background >= 0.0) {
        return Err(param(
            "background",
            format!("must be finite and ≥ 0, got {background}"),
        ));
    }
    let ensemble = Ensemble::Rooks(Rooks {
        n: network_size(n)?,
        strength,
        background,
        diagonal,
    });
    draw(
        ensemble,
        seed,
        index,
        bias,
        &dynamics(coding, update, temperature)?,
    )
}
