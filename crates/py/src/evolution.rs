//! Evolution strategies on binary networks (issue #17, SPEC.md §7): `infoscope_nets::binary`'s
//! seeded, resumable (μ+λ)/(μ,λ) strategy with a fitness named from Python (the exact flux, a
//! correlation proxy, or a Python callable), optionally combined with the mean attractor period
//! (`CombinedFitness`). The fitness settings travel with the state, so a resumed run evaluates
//! exactly as the uninterrupted one.

use std::path::PathBuf;
use std::sync::Mutex;

use infoscope_analysis::AnalysisError;
use infoscope_analysis::flux::measure::{exact_measures, sampled_measures};
use infoscope_analysis::flux::{MeasureConfig, ProxyKind};
use infoscope_nets::NetsError;
use infoscope_nets::binary::evolve::PeriodMean;
use infoscope_nets::binary::{
    BinaryNetwork, CombinedFitness, EvolutionParams, EvolutionState, TieRule,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::errors::{Error, Result, param};
use crate::flux::PyBinaryNetwork;
use crate::ints::Int;
use crate::json::{object, settings, to_py, to_text};
use crate::nets::Callback;
use crate::threads::compute;

/// The flux term of the fitness.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum FluxTerm {
    /// The exact stationary flux I[x(t); x(t+1)], nats (the default).
    #[default]
    Exact,
    /// An RMS-correlation proxy (no unit); 0 where no pair has two varying neurons.
    Proxy,
    /// A Python callable of the network.
    Callable,
}

/// How the proxy is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum ProxyMethod {
    /// From one seeded run (`steps` after `burn_in`, seed `proxy_seed`; the default).
    #[default]
    Sampled,
    /// From π and T.
    Exact,
}

/// The fitness of an individual: `flux_weight · flux + period_weight · mean period`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Fitness {
    fitness: FluxTerm,
    proxy: ProxyKind,
    proxy_method: ProxyMethod,
    steps: usize,
    burn_in: usize,
    proxy_seed: u64,
    tolerance: f64,
    max_iterations: usize,
    flux_weight: f64,
    period_weight: f64,
    period_mean: PeriodMean,
    tie: TieRule,
}

impl Default for Fitness {
    fn default() -> Self {
        Self {
            fitness: FluxTerm::Exact,
            proxy: ProxyKind::LaggedAll,
            proxy_method: ProxyMethod::Sampled,
            steps: 20_000,
            burn_in: 1000,
            proxy_seed: 0,
            tolerance: 1e-12,
            max_iterations: 10_000,
            flux_weight: 1.0,
            period_weight: 0.0,
            period_mean: PeriodMean::BasinWeighted,
            tie: TieRule::On,
        }
    }
}

impl Fitness {
    /// The facade settings of the flux term, validated; the weights checked.
    fn measure_config(&self) -> Result<MeasureConfig> {
        let config = MeasureConfig {
            tolerance: self.tolerance,
            max_iterations: self.max_iterations,
            steps: self.steps,
            burn_in: self.burn_in,
            seed: self.proxy_seed,
            tie: self.tie,
            ..MeasureConfig::default()
        };
        config.validate()?;
        for (name, w) in [
            ("flux_weight", self.flux_weight),
            ("period_weight", self.period_weight),
        ] {
            if !w.is_finite() {
                return Err(param(name, format!("must be finite, got {w}")));
            }
        }
        Ok(config)
    }

    fn combined(&self) -> CombinedFitness {
        CombinedFitness {
            flux_weight: self.flux_weight,
            period_weight: self.period_weight,
            period: self.period_mean,
            tie: self.tie,
        }
    }
}

/// What the evolution evaluates: the settings and, for a callable, the Python function and the
/// first exception it raised.
struct Evaluator {
    fitness: Fitness,
    config: MeasureConfig,
    callable: Option<Py<PyAny>>,
    error: Mutex<Option<Error>>,
}

impl Evaluator {
    fn fitness(&self, net: &BinaryNetwork) -> infoscope_nets::Result<f64> {
        self.fitness.combined().evaluate(net, |net| self.flux(net))
    }

    fn flux(&self, net: &BinaryNetwork) -> infoscope_nets::Result<f64> {
        let f = &self.fitness;
        match (f.fitness, f.proxy_method) {
            (FluxTerm::Exact, _) => exact_measures(net, &self.config)
                .map(|e| e.flux.information_nats)
                .map_err(|e| self.stop(e)),
            (FluxTerm::Proxy, ProxyMethod::Exact) => exact_measures(net, &self.config)
                .map(|e| f.proxy.of(&e.proxies).unwrap_or(0.0))
                .map_err(|e| self.stop(e)),
            (FluxTerm::Proxy, ProxyMethod::Sampled) => sampled_measures(net, &self.config)
                .map(|s| f.proxy.of(&s.proxies).unwrap_or(0.0))
                .map_err(|e| self.stop(e)),
            (FluxTerm::Callable, _) => self.call(net),
        }
    }

    /// The Python callable's value for `net` (with the GIL held).
    fn call(&self, net: &BinaryNetwork) -> infoscope_nets::Result<f64> {
        let Some(func) = &self.callable else {
            return Err(NetsError::InvalidParameter {
                name: "fitness",
                reason: "the state was evolved with a Python callable; pass it again".to_owned(),
            });
        };
        Python::attach(|py| -> PyResult<f64> {
            py.check_signals()?;
            let obj = Py::new(py, PyBinaryNetwork { inner: net.clone() })?;
            func.call1(py, (obj,))?.extract::<f64>(py)
        })
        .map_err(|e| self.stop(Error::Py(e)))
    }

    /// Keep the first error that is not the networks' own (those pass through typed).
    fn stop(&self, e: impl Into<Error>) -> NetsError {
        match e.into() {
            Error::Nets(e) | Error::Analysis(AnalysisError::Nets(e)) => e,
            other => {
                if let Ok(mut slot) = self.error.lock()
                    && slot.is_none()
                {
                    *slot = Some(other);
                }
                NetsError::Numerical {
                    what: "fitness",
                    detail: "the fitness function failed (its error is raised)".to_owned(),
                }
            }
        }
    }

    fn take_error(&self) -> Option<Error> {
        self.error.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// A saved evolution: the strategy's state and the fitness that goes with it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    /// Always [`FORMAT`].
    format: String,
    fitness: Fitness,
    state: EvolutionState,
}

const FORMAT: &str = "infoscope-evolution-1";

fn parse_saved(text: &str) -> Result<Saved> {
    let saved: Saved = serde_json::from_str(text)
        .map_err(|e| param("state", format!("not a saved evolution: {e}")))?;
    check_format(saved)
}

fn check_format(saved: Saved) -> Result<Saved> {
    if saved.format == FORMAT {
        Ok(saved)
    } else {
        Err(param(
            "state",
            format!("format {:?}, expected {FORMAT:?}", saved.format),
        ))
    }
}

/// Refuse a setting given on resuming that differs from the saved one, by its name.
fn agree<T>(stored: &T, given: Map<String, Value>) -> Result<()>
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let Ok(Value::Object(base)) = serde_json::to_value(stored) else {
        return Err(Error::Internal("settings are not a JSON object".to_owned()));
    };
    for (key, value) in given {
        let mut fields = base.clone();
        let before = fields.insert(key.clone(), value.clone());
        let same = serde_json::from_value::<T>(Value::Object(fields)).is_ok_and(|t| t == *stored);
        if !same {
            let before = before.map_or_else(|| "nothing".to_owned(), |v| v.to_string());
            return Err(param(
                key,
                format!(
                    "{value} differs from the resumed state's {before} (leave it out to resume)"
                ),
            ));
        }
    }
    Ok(())
}

/// One generation's record as the dict handed to a progress callable.
fn generation_dict<'py>(
    py: Python<'py>,
    state: &EvolutionState,
    last: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("event", "generation")?;
    d.set_item("generation", state.generation)?;
    d.set_item("last_generation", last)?;
    if let Some(r) = state.trajectory.last() {
        d.set_item("best", r.best)?;
        d.set_item("mean", r.mean)?;
        d.set_item("evaluations", r.evaluations)?;
    }
    Ok(d)
}

/// Run `generations` generations of the strategy (JSON `params`: the `EvolutionParams`
/// fields; `fitness`: the fitness settings) from `initial`, or continue a saved run (`state`
/// as JSON text, or `state_path`). Returns the saved state (JSON), the trajectory, the best
/// network and its fitness.
#[pyfunction]
#[pyo3(signature = (initial, generations, params, fitness, state=None, state_path=None,
                    callable=None, progress=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn evolve<'py>(
    py: Python<'py>,
    initial: Option<PyRef<'_, PyBinaryNetwork>>,
    generations: Int,
    params: &str,
    fitness: &str,
    state: Option<&str>,
    state_path: Option<PathBuf>,
    callable: Option<Py<PyAny>>,
    progress: Option<Py<PyAny>>,
    threads: Option<Int>,
) -> Result<Bound<'py, PyDict>> {
    let generations = generations.u64("generations")?;
    let (given_params, given_fitness) = (object("params", params)?, object("fitness", fitness)?);
    let saved = match (state, state_path) {
        (Some(text), _) => Some(parse_saved(text)?),
        (None, Some(path)) => Some(check_format(infoscope_io::read_json(&path)?)?),
        (None, None) => None,
    };
    let (fitness, resumed, evolution) = match saved {
        Some(saved) => {
            agree(&saved.state.params, given_params)?;
            agree(&saved.fitness, given_fitness)?;
            if let Some(net) = &initial
                && net.inner != saved.state.initial
            {
                return Err(param(
                    "initial",
                    "differs from the resumed state's initial network (pass None to resume)",
                ));
            }
            let evolution = saved.state.params.clone().check()?;
            (saved.fitness, Some(saved.state), evolution)
        }
        None => (
            settings::<Fitness>("fitness", given_fitness)?,
            None,
            settings::<EvolutionParams>("evolution", given_params)?.check()?,
        ),
    };
    let config = fitness.measure_config()?;
    let is_callable = fitness.fitness == FluxTerm::Callable;
    if is_callable != callable.is_some() {
        return Err(param(
            "fitness",
            "a Python callable goes with fitness \"callable\" (and only with it)",
        ));
    }
    let start = match (resumed, &initial) {
        (Some(s), _) => Ok(s),
        (None, Some(net)) => Err(net.inner.clone()),
        (None, None) => {
            return Err(param(
                "initial",
                "a network is needed to start (or pass state= to resume)",
            ));
        }
    };
    let evaluator = Evaluator {
        fitness,
        config,
        callable,
        error: Mutex::new(None),
    };
    // A Python callable is evaluated on one thread, in order: deterministic and GIL-friendly.
    let threads = if is_callable { Some(Int(1)) } else { threads };
    let mut cb = Callback::new(progress);
    let f = |net: &BinaryNetwork| evaluator.fitness(net);
    let result = compute(py, threads, || -> Result<EvolutionState> {
        let mut state = match start {
            Ok(state) => state,
            Err(initial) => evolution.start(&initial, &f)?,
        };
        let last = state.generation + generations;
        for _ in 0..generations {
            state.run(1, &f)?;
            if cb
                .deliver(|py| generation_dict(py, &state, last))
                .is_break()
            {
                break;
            }
        }
        Ok(state)
    })?;
    if let Some(e) = evaluator.take_error().or_else(|| cb.take_error()) {
        return Err(e);
    }
    let state = result?;
    let best = state.best_network()?;
    let d = PyDict::new(py);
    d.set_item("trajectory", to_py(py, &state.trajectory)?)?;
    d.set_item("best", Py::new(py, PyBinaryNetwork { inner: best })?)?;
    d.set_item("best_fitness", state.best.fitness)?;
    d.set_item("best_raw_fitness", state.best.raw_fitness)?;
    d.set_item("params", to_py(py, &state.params)?)?;
    d.set_item("fitness", to_py(py, &evaluator.fitness)?)?;
    let saved = Saved {
        format: FORMAT.to_owned(),
        fitness: evaluator.fitness,
        state,
    };
    d.set_item("state", to_text(&saved)?)?;
    Ok(d)
}

/// Write a saved evolution (JSON text from [`evolve`]) to `path`, atomically.
#[pyfunction]
pub(crate) fn write_evolution_state(state: &str, path: PathBuf) -> Result<()> {
    let saved = parse_saved(state)?;
    Ok(infoscope_io::write_json(&path, &saved)?)
}
