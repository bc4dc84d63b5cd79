//! # infoscope-analysis
//!
//! Brief overview: pipelines from a recording (or a series of checkpoints) to typed,
//! serialisable [`results`] (DESIGN.md §1): layer MI over time, per-neuron MI, successive-state
//! MI, the information plane and gradient SNR, for one network ([`analyze_recording`]) or a
//! whole experiment described in TOML ([`experiment`]). It owns the Results types and depends
//! on `infoscope-estimators` and `infoscope-nets`. All values are in nats.
//!
//! The analyses name their estimators by the estimators' own parameters ([`AnalysisConfig`]'s
//! `ksg`, `kt`, `gaussian` and `binned` tables), and every curve of the Results records the
//! [`estimators::EstimatorSpec`] it was computed with ([`AppliedEstimator`]), so reading
//! `results.json` back rebuilds the same estimator. [`Results::new`] assembles Results for
//! every face.
#![deny(missing_docs)]

mod assemble;
pub mod balanced;
pub mod config;
pub mod error;
pub mod experiment;
pub mod flux;
pub mod gradients;
mod layer;
mod neurons;
mod null;
pub mod pca;
pub mod plane;
mod prepare;
pub mod results;
mod run_files;
mod setup;
mod successive;

pub use assemble::{AnalyzeConfig, Source};
pub use config::{AnalysisConfig, BinRange, BinnedSettings};
pub use error::{AnalysisError, Result};
pub use gradients::gradient_snr;
pub use infoscope_estimators as estimators;
pub use infoscope_nets as nets;
pub use plane::information_plane;
pub use results::*;

use infoscope_nets::record::Recording;

/// Every recording-level analysis of one network: layer MI over time, per-neuron MI and
/// successive-state MI (the information plane and gradient SNR need the training run, see
/// [`experiment`]; they are `None` here).
///
/// The same recording, configuration and seed give the same Results on any thread count.
///
/// No single estimate aborts the analysis (issue 16): a value an estimator cannot compute at
/// one step is left missing (NaN, `null` in `results.json`) with the estimator's error as its
/// reason ([`MiCurve::missing`], [`KtSweep::missing`], [`PerNeuronMi::missing`]); constant
/// columns are dropped before the KSG, Gaussian and Ross estimates (exact: they carry no
/// information), and a side with no varying column gives exactly 0 ([`MiCurve::exact`]). A
/// recording of one step has no successive-state curves (the panel says why). The targets
/// give classes in the Go-task encoding (33 outputs), as one column of integers, or as one-hot
/// rows; other targets are continuous and give none (`Variables::target` says why). The
/// `mask` is not used.
///
/// # Errors
/// [`AnalysisError::InvalidConfig`] for bad settings; [`AnalysisError::Recording`] for a
/// recording with fewer than 4 trials or no step, no hidden units, a `dt` that is not a
/// finite number > 0, or non-finite activity (named by `[trial, time, unit]`);
/// [`AnalysisError::Estimator`] (`TooLarge`) when the recording's matrices or surrogate orders
/// would exceed the memory budget.
pub fn analyze_recording(
    name: &str,
    rec: &Recording,
    config: &AnalysisConfig,
) -> Result<NetworkAnalysis> {
    let p = prepare::Prepared::new(rec, config)?;
    let est = setup::Estimators::new(config)?;
    Ok(NetworkAnalysis {
        name: name.into(),
        recording: p.summary(),
        time: p.time.clone(),
        variables: p.variables.clone(),
        layer: layer::layer_mi(&p, config, &est)?,
        neurons: neurons::per_neuron_mi(&p, config)?,
        successive: successive::successive_mi(&p, config, &est),
        plane: None,
        gradients: None,
    })
}
