//! Balanced rate networks from Python (issue #18): simulate one network of the paper's model,
//! read or check a balanced experiment, run it into a directory as `infoscope run` does, and
//! write its report. The numbers come from `infoscope_nets::balanced` and
//! `infoscope_analysis::balanced`; this module converts, calls with the GIL released and maps
//! errors.

use std::path::{Path, PathBuf};

use infoscope_analysis::balanced::sweep::Precision;
use infoscope_analysis::balanced::{
    BalancedExperiment, BalancedProgress, BalancedResults, is_balanced_experiment,
    run_balanced_experiment,
};
use infoscope_nets::balanced::{
    BalancedNetwork, BalancedParams, Run, SimOptions, Simulator, StimulusMode,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::arrays::{cube_out, table_out, vec_out};
use crate::errors::{Result, param};
use crate::flux::choice;
use crate::flux_experiment::{done_event, report_page, stage_event, sweep_event};
use crate::ints::Int;
use crate::json::{object, to_text};
use crate::nets::Callback;
use crate::threads::compute;

/// The parameters of the Figure-1 network with balance factor `b`, with the fields of
/// `overrides` (a JSON object of `BalancedParams` fields; `stimulus` a partial object)
/// replacing the preset's.
fn params(b: f64, overrides: &str) -> Result<BalancedParams> {
    let fields = object("params", overrides)?;
    let mut base = match serde_json::to_value(BalancedParams::figure1(b)) {
        Ok(Value::Object(m)) => m,
        _ => return Err(param("params", "cannot encode the preset".to_owned())),
    };
    for (key, value) in fields {
        match (base.get_mut(&key), value) {
            (Some(Value::Object(inner)), Value::Object(given)) => inner.extend(given),
            (Some(slot), value) => *slot = value,
            (None, _) => return Err(param(key.clone(), format!("unknown parameter {key:?}"))),
        }
    }
    serde_json::from_value(Value::Object(base)).map_err(|e| param("params", e.to_string()))
}

/// Simulate the paper's balanced network (module docs of `infoscope_nets::balanced`): a dict
/// of the stimulus `[trial, time, channel]`, the population rate `[trial, time]`, the mean
/// external and recurrent currents `[trial, neuron]`, the cancellation index, the time
/// constants and the active fraction.
#[pyfunction]
#[pyo3(signature = (b, params="{}", steps=Int(65536), trials=Int(1), burn_in=Int(0), per_trial_stimulus=false, seed=Int(0), precision="f32", threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate_balanced(
    py: Python<'_>,
    b: f64,
    params: &str,
    steps: Int,
    trials: Int,
    burn_in: Int,
    per_trial_stimulus: bool,
    seed: Int,
    precision: &str,
    threads: Option<Int>,
) -> Result<Py<PyAny>> {
    let p = self::params(b, params)?;
    let precision: Precision = choice("precision", precision, "f32 or f64")?;
    let seed = seed.u64("seed")?;
    let options = SimOptions {
        steps: steps.usize("steps")?,
        trials: trials.usize("trials")?,
        burn_in: burn_in.usize("burn_in")?,
        record: 0,
        stimulus: if per_trial_stimulus {
            StimulusMode::PerTrial
        } else {
            StimulusMode::Shared
        },
        seed,
    };
    let run: Run = compute(py, threads, || -> Result<Run> {
        let net = BalancedNetwork::new(p, seed)?;
        Ok(match precision {
            Precision::F32 => Simulator::<f32>::new(&net)?.run(&options)?,
            Precision::F64 => Simulator::<f64>::new(&net)?.run(&options)?,
        })
    })??;
    let d = PyDict::new(py);
    let cancellation = run.cancellation();
    d.set_item("dt", run.dt)?;
    d.set_item("tau", run.tau)?;
    d.set_item("linear_time_constant", run.linear_time_constant())?;
    d.set_item("autocorrelation_time", run.autocorrelation_time())?;
    d.set_item("active_fraction", run.active_fraction)?;
    d.set_item("cancellation", cancellation.population)?;
    d.set_item(
        "cancellation_per_neuron",
        vec_out(py, cancellation.per_neuron.to_vec()),
    )?;
    d.set_item("stimulus", cube_out(py, run.stimulus))?;
    d.set_item("rate", table_out(py, run.rate))?;
    d.set_item("mean_external", table_out(py, run.mean_external))?;
    d.set_item("mean_recurrent", table_out(py, run.mean_recurrent))?;
    Ok(d.into_any().unbind())
}

/// A balanced experiment from a TOML file, checked, as JSON (every default filled in).
#[pyfunction]
pub(crate) fn read_balanced_experiment(path: PathBuf) -> Result<String> {
    let text = std::fs::read_to_string(&path)
        .map_err(|e| param("experiment", format!("cannot read {}: {e}", path.display())))?;
    if !is_balanced_experiment(&text, &path.display().to_string())? {
        return Err(param(
            "experiment",
            format!(
                "{} is not a balanced experiment (it needs kind = \"balanced\" at the top level)",
                path.display()
            ),
        ));
    }
    to_text(&BalancedExperiment::read(&path)?)
}

/// A balanced experiment from sections (JSON; `kind` may be left out), checked, as JSON.
#[pyfunction]
pub(crate) fn balanced_experiment_check(sections: &str) -> Result<String> {
    let mut value: Value = serde_json::from_str(sections)
        .map_err(|e| param("experiment", format!("not an experiment: {e}")))?;
    let Some(map) = value.as_object_mut() else {
        return Err(param(
            "experiment",
            "must be a mapping of sections".to_owned(),
        ));
    };
    map.entry("kind").or_insert_with(|| "balanced".into());
    // Through TOML so that the checks and the defaults are the file's.
    let text = toml::to_string(&value)
        .map_err(|e| param("experiment", format!("cannot be written as TOML: {e}")))?;
    to_text(&BalancedExperiment::from_toml(&text, "experiment")?)
}

fn progress_dict<'py>(py: Python<'py>, p: &BalancedProgress) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match *p {
        BalancedProgress::Stage { name, index, total } => stage_event(&d, name, index, total)?,
        BalancedProgress::Done { name, seconds } => done_event(&d, name, seconds)?,
        BalancedProgress::Sweep {
            done,
            total,
            resumed,
        } => sweep_event(&d, done, total, resumed)?,
        BalancedProgress::Epoch {
            channels,
            epoch,
            epochs,
        } => {
            d.set_item("event", "epoch")?;
            d.set_item("channels", channels)?;
            d.set_item("epoch", epoch)?;
            d.set_item("epochs", epochs)?;
        }
        _ => d.set_item("event", "other")?,
    }
    Ok(d)
}

/// Run a checked balanced experiment (JSON) into `out`; the BalancedResults as JSON.
#[pyfunction]
#[pyo3(signature = (experiment, out, resume=false, progress=None, threads=None))]
pub(crate) fn run_balanced_experiment_in(
    py: Python<'_>,
    experiment: &str,
    out: PathBuf,
    resume: bool,
    progress: Option<Py<PyAny>>,
    threads: Option<Int>,
) -> Result<String> {
    let exp: BalancedExperiment = serde_json::from_str(experiment)
        .map_err(|e| param("experiment", format!("not a balanced experiment: {e}")))?;
    exp.validate()?;
    let mut cb = Callback::new(progress);
    let result = compute(py, threads, || {
        run_balanced_experiment(&exp, &out, resume, &mut |p| {
            cb.deliver(|py| progress_dict(py, &p))
        })
    })?;
    if let Some(e) = cb.take_error() {
        return Err(e);
    }
    to_text(&result?)
}

/// Write the report of BalancedResults (JSON) into `out`; the path of `report.html`.
#[pyfunction]
#[pyo3(signature = (results, out, unit="bits", png=false, title="infoscope balanced-network report"))]
pub(crate) fn write_balanced_report_of(
    py: Python<'_>,
    results: &str,
    out: PathBuf,
    unit: &str,
    png: bool,
    title: &str,
) -> Result<PathBuf> {
    let results: BalancedResults = serde_json::from_str(results)
        .map_err(|e| param("results", format!("not infoscope BalancedResults: {e}")))?;
    let options = infoscope_report::ReportOptions {
        unit: unit.parse().map_err(|e| param("unit", format!("{e}")))?,
        png,
        title: title.into(),
    };
    report_page(
        py.detach(|| infoscope_report::write_balanced_report(&results, Path::new(&out), &options)),
    )
}
