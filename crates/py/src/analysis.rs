//! The analyses: one recording to a NetworkAnalysis, the information plane of checkpoints,
//! gradient SNR of a training log, whole experiments, and the HTML report of Results.

use std::path::PathBuf;

use infoscope_analysis::experiment::{Experiment, Progress, run_experiment};
use infoscope_analysis::{
    AnalysisConfig, AnalyzeConfig, Results, Source, gradient_snr, information_plane,
};
use infoscope_estimators::Unit;
use infoscope_nets::record::Recording;
use infoscope_nets::train::LogEntry;
use infoscope_report::{ReportError, ReportOptions, write_report};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Error, Result, param};
use crate::ints::Int;
use crate::json::{object, settings, to_text};
use crate::nets::{Callback, experiment, log_dict, recording_of};
use crate::threads::compute;

fn config(text: &str) -> Result<AnalysisConfig> {
    let c: AnalysisConfig = settings("analysis", object("config", text)?)?;
    c.validate()?;
    Ok(c)
}

/// The default analysis settings (JSON).
#[pyfunction]
pub(crate) fn analysis_defaults() -> Result<String> {
    to_text(&AnalysisConfig::default())
}

/// The checked analysis settings with every default filled in (JSON).
#[pyfunction]
pub(crate) fn analysis_check(config: &str) -> Result<String> {
    to_text(&self::config(config)?)
}

/// The default experiment (JSON; the same as `experiments/go.toml`).
#[pyfunction]
pub(crate) fn experiment_defaults() -> Result<String> {
    to_text(&Experiment::default())
}

/// An experiment file (TOML) as JSON, checked.
#[pyfunction]
pub(crate) fn read_experiment(path: PathBuf) -> Result<String> {
    let e = Experiment::read(&path)?;
    to_text(&e)
}

/// The experiment from JSON sections, checked, with every default filled in (JSON).
#[pyfunction]
pub(crate) fn experiment_check(experiment: &str) -> Result<String> {
    let e = self::experiment(experiment)?;
    e.validate()?;
    to_text(&e)
}

/// The experiment as TOML text (the format of `experiments/*.toml`).
#[pyfunction]
pub(crate) fn experiment_toml(experiment: &str) -> Result<String> {
    Ok(self::experiment(experiment)?.to_toml()?)
}

/// Every recording-level analysis of one network (NetworkAnalysis JSON).
#[pyfunction]
#[pyo3(signature = (recording, name, config, threads=None))]
pub(crate) fn analyze_recording(
    py: Python<'_>,
    recording: &Bound<'_, PyAny>,
    name: &str,
    config: &str,
    threads: Option<Int>,
) -> Result<String> {
    let c = self::config(config)?;
    let rec = recording_of(recording)?;
    let a = compute(py, threads, || {
        infoscope_analysis::analyze_recording(name, &rec, &c)
    })??;
    to_text(&a)
}

/// The information plane of `(step, recording)` checkpoints (InformationPlane JSON).
#[pyfunction]
#[pyo3(signature = (checkpoints, config, threads=None))]
pub(crate) fn information_plane_of(
    py: Python<'_>,
    checkpoints: Vec<(usize, Bound<'_, PyAny>)>,
    config: &str,
    threads: Option<Int>,
) -> Result<String> {
    let c = self::config(config)?;
    let recs: Vec<(usize, Recording)> = checkpoints
        .iter()
        .map(|(step, r)| Ok((*step, recording_of(r)?)))
        .collect::<Result<_>>()?;
    let plane = compute(py, threads, || information_plane(&recs, &c))??;
    to_text(&plane)
}

/// Gradient SNR per layer of a training log (JSON list of log entries) (GradientSnr JSON).
#[pyfunction]
pub(crate) fn gradient_snr_of(log: &str) -> Result<String> {
    let log: Vec<LogEntry> =
        serde_json::from_str(log).map_err(|e| param("log", format!("not a training log: {e}")))?;
    to_text(&gradient_snr(&log))
}

fn progress_dict<'py>(py: Python<'py>, p: &Progress<'_>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match p {
        Progress::Stage { name, index, total } => {
            d.set_item("event", "stage")?;
            d.set_item("name", *name)?;
            d.set_item("index", *index)?;
            d.set_item("total", *total)?;
        }
        Progress::Skipped { name } => {
            d.set_item("event", "skipped")?;
            d.set_item("name", *name)?;
        }
        Progress::Done { name, seconds } => {
            d.set_item("event", "done")?;
            d.set_item("name", *name)?;
            d.set_item("seconds", *seconds)?;
        }
        Progress::Training { entry, max_steps } => return log_dict(py, entry, *max_steps),
        _ => {
            d.set_item("event", "other")?;
        }
    }
    Ok(d)
}

/// Run a whole experiment into `out` (Results JSON); `progress` sees every event, and Ctrl-C
/// stops the run at the next one, leaving a resumable directory.
#[pyfunction]
#[pyo3(signature = (experiment, out, resume=false, progress=None, threads=None))]
pub(crate) fn run_experiment_in(
    py: Python<'_>,
    experiment: &str,
    out: PathBuf,
    resume: bool,
    progress: Option<Py<PyAny>>,
    threads: Option<Int>,
) -> Result<String> {
    let exp = self::experiment(experiment)?;
    let mut cb = Callback::new(progress);
    let result = compute(py, threads, || {
        run_experiment(&exp, &out, resume, &mut |p| {
            cb.deliver(|py| progress_dict(py, &p))
        })
    })?;
    if let Some(e) = cb.take_error() {
        return Err(e);
    }
    to_text(&result?)
}

/// Results (JSON) of network analyses (each NetworkAnalysis JSON), as `infoscope analyze`
/// writes them: schema, version, unit, the configuration (`{"recording": ..., "analysis":
/// ...}`, the recording's path when given) and the permutation seed.
#[pyfunction]
#[pyo3(signature = (networks, config, recording=None))]
pub(crate) fn results_of(
    networks: Vec<String>,
    config: &str,
    recording: Option<String>,
) -> Result<String> {
    let analysis = self::config(config)?;
    let networks = networks
        .iter()
        .map(|n| {
            serde_json::from_str(n)
                .map_err(|e| param("networks", format!("not a network analysis: {e}")))
        })
        .collect::<Result<Vec<infoscope_analysis::NetworkAnalysis>>>()?;
    let source = AnalyzeConfig {
        recording,
        analysis,
    };
    to_text(&Results::new(Source::Analyze(&source), networks))
}

/// Write `report.html` and `figures/` for Results (JSON) into `out`; returns the HTML path.
#[pyfunction]
#[pyo3(signature = (results, out, unit="bits", png=false, title="infoscope report"))]
pub(crate) fn write_report_of(
    py: Python<'_>,
    results: &str,
    out: PathBuf,
    unit: &str,
    png: bool,
    title: &str,
) -> Result<PathBuf> {
    let results: Results = serde_json::from_str(results)
        .map_err(|e| param("results", format!("not infoscope Results: {e}")))?;
    let unit: Unit = unit.parse().map_err(|e| param("unit", format!("{e}")))?;
    let options = ReportOptions {
        unit,
        png,
        title: title.into(),
    };
    let files = py.detach(|| write_report(&results, &out, &options));
    match files {
        Ok(f) => Ok(f.html),
        Err(ReportError::Io(e)) => Err(Error::Io(e)),
        Err(e) => Err(param("results", e.to_string())),
    }
}
