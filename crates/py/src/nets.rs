//! Tasks, networks and recordings: generate Go-family trials, train the leaky RNN or fit a
//! reservoir, load a trained network, run and record it, and read/write recordings.

use std::ops::ControlFlow;
use std::path::PathBuf;

use infoscope_analysis::experiment::Experiment;
use infoscope_nets::record::{Recording, RecordingMeta, RecordingParts};
use infoscope_nets::tasks::{Mode, generate};
use infoscope_nets::train::reservoir::train_reservoir;
use infoscope_nets::train::{LogEntry, train};
use infoscope_nets::trained::TrainedModel;
use ndarray::{Array3, ArrayD};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::arrays::{cube, cube_out, floats_nd, table_out, vec_out};
use crate::errors::{Error, Result, param};
use crate::ints::Int;
use crate::json::{object, settings, to_text};
use crate::threads::compute;

/// An experiment from its JSON sections (missing keys take the defaults).
pub(crate) fn experiment(text: &str) -> Result<Experiment> {
    let e: Experiment = settings("experiment", object("experiment", text)?)?;
    Ok(e)
}

fn mode(mode: &str) -> Result<Mode> {
    match mode {
        "random" => Ok(Mode::Random),
        "test" => Ok(Mode::Test),
        other => Err(param(
            "mode",
            format!("unknown mode {other:?}; expected random or test"),
        )),
    }
}

/// A batch of trials of the experiment's task: time-major float32 arrays, angles, modality
/// and epochs (JSON).
#[pyfunction]
#[pyo3(signature = (experiment, mode, trials, seed))]
pub(crate) fn generate_trials<'py>(
    py: Python<'py>,
    experiment: &str,
    mode: &str,
    trials: usize,
    seed: u64,
) -> Result<Bound<'py, PyDict>> {
    let exp = self::experiment(experiment)?;
    let batch = generate(&exp.task(), &self::mode(mode)?, trials, seed)?;
    let d = PyDict::new(py);
    d.set_item("dt", batch.dt)?;
    d.set_item("inputs", cube_out(py, batch.inputs))?;
    d.set_item("targets", cube_out(py, batch.targets))?;
    d.set_item("mask", cube_out(py, batch.mask))?;
    d.set_item("y_loc", table_out(py, batch.y_loc))?;
    d.set_item("angles", vec_out(py, batch.angles.to_vec()))?;
    d.set_item("modality", batch.modality)?;
    d.set_item("epochs", to_text(&batch.epochs)?)?;
    d.set_item("task", to_text(&exp.task())?)?;
    Ok(d)
}

/// A trained network (leaky RNN or reservoir) and the task it was trained on.
#[pyclass(module = "infoscope._core", name = "Model", frozen)]
pub(crate) struct Model {
    inner: TrainedModel,
}

/// A recording as a dict of float64 arrays (`[trial, time, ...]`) and its sidecar as JSON.
pub(crate) fn recording_dict<'py>(py: Python<'py>, rec: Recording) -> Result<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("meta", to_text(&rec.meta)?)?;
    d.set_item("arrays_read", rec.arrays_read)?;
    d.set_item("hidden", cube_out(py, rec.hidden))?;
    d.set_item("labels", vec_out(py, rec.labels.to_vec()))?;
    for (k, a) in [
        ("inputs", rec.inputs),
        ("outputs", rec.outputs),
        ("targets", rec.targets),
        ("mask", rec.mask),
    ] {
        if a.is_empty() {
            d.set_item(k, py.None())?;
        } else {
            d.set_item(k, cube_out(py, a))?;
        }
    }
    Ok(d)
}

#[pymethods]
impl Model {
    /// Load the network in a training run's directory.
    #[staticmethod]
    fn load(dir: PathBuf) -> Result<Self> {
        Ok(Self {
            inner: TrainedModel::load(&dir)?,
        })
    }

    /// `"leaky"` or `"reservoir"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind()
    }

    /// The model's training configuration (JSON).
    fn config_json(&self) -> Result<String> {
        to_text(&self.inner.config_json())
    }

    /// The task (JSON).
    fn task_json(&self) -> Result<String> {
        to_text(&self.inner.task())
    }

    /// Record the network on `trials` random trials (or the test grid), seeded by `seed`.
    #[pyo3(signature = (mode, trials, seed, noise, threads=None))]
    fn record<'py>(
        &self,
        py: Python<'py>,
        mode: &str,
        trials: usize,
        seed: u64,
        noise: bool,
        threads: Option<Int>,
    ) -> Result<Bound<'py, PyDict>> {
        let mode = self::mode(mode)?;
        let rec = compute(py, threads, || {
            self.inner.record(&mode, trials, seed, noise)
        })??;
        recording_dict(py, rec)
    }

    /// Hidden states and outputs (time-major float32) for time-major `inputs`.
    #[pyo3(signature = (inputs, noise_seed=None, threads=None))]
    fn run(
        &self,
        py: Python<'_>,
        inputs: &Bound<'_, PyAny>,
        noise_seed: Option<u64>,
        threads: Option<Int>,
    ) -> Result<(Py<PyAny>, Py<PyAny>)> {
        let inputs: Array3<f32> = cube(inputs, "inputs")?.mapv(|v| v as f32);
        let (hidden, outputs) =
            compute(py, threads, || self.inner.run(inputs.view(), noise_seed))??;
        Ok((cube_out(py, hidden), cube_out(py, outputs)))
    }
}

/// A log entry as the dict handed to a progress callback.
pub(crate) fn log_dict<'py>(
    py: Python<'py>,
    e: &LogEntry,
    max_steps: usize,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("event", "training")?;
    d.set_item("step", e.step)?;
    d.set_item("max_steps", max_steps)?;
    d.set_item("train_loss", e.train_loss)?;
    d.set_item("eval_loss", e.eval_loss)?;
    d.set_item("performance", e.performance)?;
    Ok(d)
}

/// Calls back into Python from a computation running without the GIL: a progress callable
/// (optional) sees each event, and a pending signal (Ctrl-C) or an exception stops the
/// computation at the next event and is raised afterwards.
pub(crate) struct Callback {
    func: Option<Py<PyAny>>,
    error: Option<PyErr>,
}

impl Callback {
    pub(crate) fn new(func: Option<Py<PyAny>>) -> Self {
        Self { func, error: None }
    }

    /// Deliver one event built by `event` (with the GIL held).
    pub(crate) fn deliver(
        &mut self,
        event: impl FnOnce(Python<'_>) -> PyResult<Bound<'_, PyDict>>,
    ) -> ControlFlow<()> {
        let outcome = Python::attach(|py| -> PyResult<()> {
            py.check_signals()?;
            if let Some(f) = &self.func {
                f.call1(py, (event(py)?,))?;
            }
            Ok(())
        });
        match outcome {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.error = Some(e);
                ControlFlow::Break(())
            }
        }
    }

    /// The Python error that stopped the computation, if any.
    pub(crate) fn take_error(&mut self) -> Option<Error> {
        self.error.take().map(Error::Py)
    }
}

/// Train the experiment's leaky RNN (into `out` when given; `resume` continues there). Returns
/// the model and the outcome (JSON: steps, reached_target, interrupted, log).
#[pyfunction]
#[pyo3(signature = (experiment, out=None, resume=false, progress=None, threads=None))]
pub(crate) fn train_leaky(
    py: Python<'_>,
    experiment: &str,
    out: Option<PathBuf>,
    resume: bool,
    progress: Option<Py<PyAny>>,
    threads: Option<Int>,
) -> Result<(Model, String)> {
    let exp = self::experiment(experiment)?;
    exp.validate()?;
    let config = exp.train_config();
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir.join("checkpoints")).map_err(|e| {
            Error::Io(infoscope_io::IoError::Write {
                path: dir.clone(),
                source: e,
            })
        })?;
    }
    let mut cb = Callback::new(progress);
    let max_steps = config.max_steps;
    let result = compute(py, threads, || {
        train(&config, out.as_deref(), resume, &mut |e| {
            cb.deliver(|py| log_dict(py, e, max_steps))
        })
    })?;
    if let Some(e) = cb.take_error() {
        return Err(e);
    }
    let outcome = result?;
    let summary = serde_json::json!({
        "steps": outcome.steps,
        "reached_target": outcome.reached_target,
        "interrupted": outcome.interrupted,
        "log": outcome.log,
    });
    let model = TrainedModel::Leaky(Box::new(outcome.model), Box::new(config));
    Ok((Model { inner: model }, to_text(&summary)?))
}

/// Fit the experiment's reservoir readout (into `out` when given). Returns the model and the
/// fit (JSON: ridge λ, losses, test-grid performance).
#[pyfunction]
#[pyo3(signature = (experiment, out=None, threads=None))]
pub(crate) fn fit_reservoir(
    py: Python<'_>,
    experiment: &str,
    out: Option<PathBuf>,
    threads: Option<Int>,
) -> Result<(Model, String)> {
    let exp = self::experiment(experiment)?;
    exp.validate()?;
    let config = exp.reservoir_config();
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Io(infoscope_io::IoError::Write {
                path: dir.clone(),
                source: e,
            })
        })?;
    }
    let outcome = compute(py, threads, || train_reservoir(&config, out.as_deref()))??;
    let summary = serde_json::json!({
        "report": outcome.report,
        "test_performance": outcome.test_performance,
    });
    let model = TrainedModel::Reservoir(Box::new(outcome.model), Box::new(config));
    Ok((Model { inner: model }, to_text(&summary)?))
}

/// The sidecar defaults of a recording without one (JSON).
#[pyfunction]
pub(crate) fn recording_meta_defaults() -> Result<String> {
    to_text(&RecordingMeta::unknown())
}

/// An optional float array of any dimension (None: absent), copied.
fn any_floats(obj: Option<&Bound<'_, PyAny>>, name: &str) -> Result<Option<ArrayD<f64>>> {
    obj.filter(|o| !o.is_none())
        .map(|o| floats_nd(o, name))
        .transpose()
}

/// A recording from a Python object with the attributes `hidden`, `labels`, `inputs`,
/// `outputs`, `targets`, `mask` (arrays or None) and `meta` (JSON text of the sidecar).
pub(crate) fn recording_of(obj: &Bound<'_, PyAny>) -> Result<Recording> {
    let get = |k: &str| obj.getattr(k);
    let required = |k: &'static str| -> Result<ArrayD<f64>> {
        any_floats(Some(&get(k)?), k)?.ok_or_else(|| Error::Shape {
            argument: k.into(),
            detail: "is required (got None)".into(),
        })
    };
    let hidden = required("hidden")?;
    let labels = required("labels")?;
    let parts = RecordingParts {
        inputs: any_floats(Some(&get("inputs")?), "inputs")?,
        outputs: any_floats(Some(&get("outputs")?), "outputs")?,
        targets: any_floats(Some(&get("targets")?), "targets")?,
        mask: any_floats(Some(&get("mask")?), "mask")?,
    };
    let meta_text: String = get("meta_json")?.call0()?.extract()?;
    let meta: RecordingMeta = serde_json::from_str(&meta_text)
        .map_err(|e| param("meta", format!("not a recording sidecar: {e}")))?;
    let mut rec = Recording::from_parts(hidden, labels, parts, meta)?;
    // How a recording read from a file was read (absent on objects built by hand).
    if let Ok(lines) = get("arrays_read")
        && !lines.is_none()
    {
        rec.arrays_read = lines
            .extract()
            .map_err(|_| param("arrays_read", "must be a list of strings"))?;
    }
    Ok(rec)
}

/// Read a recording (`.npz` with an optional sidecar `.json`).
#[pyfunction]
pub(crate) fn read_recording(py: Python<'_>, path: PathBuf) -> Result<Bound<'_, PyDict>> {
    let rec = Recording::read(&path)?;
    recording_dict(py, rec)
}

/// Write a recording (a Python object as for [`recording_of`]) to `path` and its sidecar,
/// atomically.
#[pyfunction]
pub(crate) fn write_recording(recording: &Bound<'_, PyAny>, path: PathBuf) -> Result<()> {
    let rec = recording_of(recording)?;
    rec.write(&path)?;
    Ok(())
}
