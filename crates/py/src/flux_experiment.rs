//! The flux experiment from Python (issue #17): read or check an experiment, run it into a
//! directory as `infoscope run` does, and write its report.

use std::path::{Path, PathBuf};

use infoscope_analysis::flux::{
    FluxExperiment, FluxProgress, FluxResults, is_flux_experiment, run_flux_experiment,
};
use infoscope_report::{ReportError, ReportFiles, ReportOptions, write_flux_report};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{Error, Result, param};
use crate::ints::Int;
use crate::json::to_text;
use crate::nets::Callback;
use crate::threads::compute;

/// A flux experiment from a TOML file, checked, as JSON (every default filled in; network
/// paths resolved against the file's folder).
#[pyfunction]
pub(crate) fn read_flux_experiment(path: PathBuf) -> Result<String> {
    let text = std::fs::read_to_string(&path)
        .map_err(|e| param("experiment", format!("cannot read {}: {e}", path.display())))?;
    if !is_flux_experiment(&text, &path.display().to_string())? {
        return Err(param(
            "experiment",
            format!(
                "{} is not a flux experiment (it needs kind = \"flux\" at the top level)",
                path.display()
            ),
        ));
    }
    to_text(&FluxExperiment::read(&path)?)
}

/// A flux experiment from sections (JSON; `kind` may be left out), checked, as JSON. Relative
/// network paths are resolved against `base`.
#[pyfunction]
pub(crate) fn flux_experiment_check(sections: &str, base: PathBuf) -> Result<String> {
    let mut value: serde_json::Value = serde_json::from_str(sections)
        .map_err(|e| param("experiment", format!("not an experiment: {e}")))?;
    let Some(map) = value.as_object_mut() else {
        return Err(param(
            "experiment",
            "must be a mapping of sections".to_owned(),
        ));
    };
    map.entry("kind").or_insert_with(|| "flux".into());
    // Through TOML so that the checks, the defaults and the path resolution are the file's.
    let text = toml::to_string(&value)
        .map_err(|e| param("experiment", format!("cannot be written as TOML: {e}")))?;
    to_text(&FluxExperiment::from_toml(&text, "experiment", &base)?)
}

/// The `"stage"` event of an experiment run: stage `index` of `total` starts.
pub(crate) fn stage_event(
    d: &Bound<'_, PyDict>,
    name: &str,
    index: usize,
    total: usize,
) -> PyResult<()> {
    d.set_item("event", "stage")?;
    d.set_item("name", name)?;
    d.set_item("index", index)?;
    d.set_item("total", total)
}

/// The `"done"` event: a stage finished after `seconds`.
pub(crate) fn done_event(d: &Bound<'_, PyDict>, name: &str, seconds: f64) -> PyResult<()> {
    d.set_item("event", "done")?;
    d.set_item("name", name)?;
    d.set_item("seconds", seconds)
}

/// The `"sweep"` event: `done` of `total` networks, `resumed` of them read back.
pub(crate) fn sweep_event(
    d: &Bound<'_, PyDict>,
    done: usize,
    total: usize,
    resumed: usize,
) -> PyResult<()> {
    d.set_item("event", "sweep")?;
    d.set_item("done", done)?;
    d.set_item("total", total)?;
    d.set_item("resumed", resumed)
}

fn progress_dict<'py>(py: Python<'py>, p: &FluxProgress) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match *p {
        FluxProgress::Stage { name, index, total } => stage_event(&d, name, index, total)?,
        FluxProgress::Done { name, seconds } => done_event(&d, name, seconds)?,
        FluxProgress::Sweep {
            done,
            total,
            resumed,
        } => sweep_event(&d, done, total, resumed)?,
        FluxProgress::Generation(g) => {
            d.set_item("event", "generation")?;
            d.set_item("run", g.run)?;
            d.set_item("generation", g.generation)?;
            d.set_item("generations", g.generations)?;
            d.set_item("best", g.best)?;
        }
        _ => d.set_item("event", "other")?,
    }
    Ok(d)
}

/// Run a checked flux experiment (JSON) into `out`; the FluxResults as JSON.
#[pyfunction]
#[pyo3(signature = (experiment, out, resume=false, progress=None, threads=None))]
pub(crate) fn run_flux_experiment_in(
    py: Python<'_>,
    experiment: &str,
    out: PathBuf,
    resume: bool,
    progress: Option<Py<PyAny>>,
    threads: Option<Int>,
) -> Result<String> {
    let exp: FluxExperiment = serde_json::from_str(experiment)
        .map_err(|e| param("experiment", format!("not a flux experiment: {e}")))?;
    exp.validate()?;
    let mut cb = Callback::new(progress);
    let result = compute(py, threads, || {
        run_flux_experiment(&exp, &out, resume, &mut |p| {
            cb.deliver(|py| progress_dict(py, &p))
        })
    })?;
    if let Some(e) = cb.take_error() {
        return Err(e);
    }
    to_text(&result?)
}

/// Write the report of FluxResults (JSON) into `out`; the path of `report.html`.
#[pyfunction]
#[pyo3(signature = (results, out, unit="bits", png=false, title="infoscope flux report"))]
pub(crate) fn write_flux_report_of(
    py: Python<'_>,
    results: &str,
    out: PathBuf,
    unit: &str,
    png: bool,
    title: &str,
) -> Result<PathBuf> {
    let results: FluxResults = serde_json::from_str(results)
        .map_err(|e| param("results", format!("not infoscope FluxResults: {e}")))?;
    let options = ReportOptions {
        unit: unit.parse().map_err(|e| param("unit", format!("{e}")))?,
        png,
        title: title.into(),
    };
    report_page(py.detach(|| write_flux_report(&results, Path::new(&out), &options)))
}

/// The page a report writer wrote, or its error: file errors as they are, others about
/// `results`.
pub(crate) fn report_page(
    written: std::result::Result<ReportFiles, ReportError>,
) -> Result<PathBuf> {
    match written {
        Ok(f) => Ok(f.html),
        Err(ReportError::Io(e)) => Err(Error::Io(e)),
        Err(e) => Err(param("results", e.to_string())),
    }
}
