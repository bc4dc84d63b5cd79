//! # infoscope-py
//!
//! Brief overview: the PyO3 glue behind the Python package `infoscope` (`python/infoscope`),
//! built by maturin as the extension module `infoscope._core`. Bindings only convert, call
//! and map errors; no math lives here (DESIGN.md §1).
//!
//! - `arrays`: numpy arguments as ndarray views (float64 borrowed in any memory order, other
//!   real dtypes converted once) and results as numpy arrays.
//! - `json`: settings in as JSON objects with the Rust/TOML field names, serde results out.
//! - `errors`: every Rust error as a subclass of `infoscope.errors.InfoscopeError`.
//! - `ints`: integer arguments range-checked under their own names.
//! - `threads`: computation with the GIL released, on a bounded thread pool (`threads=`).
//! - `estimators`: one class, `Estimator`, for every method of the estimator specification,
//!   and the few method-specific functions; `nets`, `analysis`: the networks and analyses.
//! - `flux`, `evolution`: the stochastic binary networks of the information-flux study
//!   (`BinaryNetwork`, ensembles, the plug-in flux of recorded states, evolution strategies);
//!   `flux_experiment`: the flux experiment and its report.
#![deny(missing_docs)]

pub(crate) mod analysis;
pub(crate) mod arrays;
pub(crate) mod balanced;
pub(crate) mod errors;
pub(crate) mod estimators;
pub(crate) mod evolution;
pub(crate) mod flux;
pub(crate) mod flux_experiment;
pub(crate) mod ints;
pub(crate) mod json;
pub(crate) mod nets;
pub(crate) mod rate;
pub(crate) mod threads;

use pyo3::prelude::*;

/// The extension module `infoscope._core` (use the `infoscope` package instead).
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<nets::Model>()?;
    m.add_class::<estimators::PyEstimator>()?;
    m.add_class::<flux::PyBinaryNetwork>()?;
    macro_rules! add {
        ($($f:path),* $(,)?) => { $( m.add_function(wrap_pyfunction!($f, m)?)?; )* };
    }
    add!(
        estimators::binned_symbols,
        estimators::gaussian_from_covariance,
        estimators::kt_noise_sweep,
        estimators::bh_q_values,
        estimators::surrogate_row_orders,
        threads::_panic_for_test,
        nets::generate_trials,
        nets::train_leaky,
        nets::fit_reservoir,
        nets::recording_meta_defaults,
        nets::read_recording,
        nets::write_recording,
        analysis::analysis_defaults,
        analysis::analysis_check,
        analysis::experiment_defaults,
        analysis::read_experiment,
        analysis::experiment_check,
        analysis::experiment_toml,
        analysis::analyze_recording,
        analysis::information_plane_of,
        analysis::gradient_snr_of,
        analysis::run_experiment_in,
        analysis::results_of,
        analysis::write_report_of,
        flux::plugin_flux,
        flux::wdb_ensemble,
        flux::rooks_ensemble,
        evolution::evolve,
        flux_experiment::read_flux_experiment,
        flux_experiment::flux_experiment_check,
        flux_experiment::run_flux_experiment_in,
        flux_experiment::write_flux_report_of,
        evolution::write_evolution_state,
        rate::information_rate,
        rate::information_rate_params,
        balanced::simulate_balanced,
        balanced::read_balanced_experiment,
        balanced::balanced_experiment_check,
        balanced::run_balanced_experiment_in,
        balanced::write_balanced_report_of,
    );
    Ok(())
}
