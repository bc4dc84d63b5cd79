//! The rate settings of a balanced experiment: the spectral estimator's parameters except the
//! sampling interval, which is the simulation's.

use infoscope_estimators::spectral::{Baseline, Detrend, InformationRate, RateEstimate, Window};
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::error::{AnalysisError, Result};

/// How an information rate is estimated from a simulated pair of series
/// ([`InformationRate`]; `dt` is the simulation's step).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateSettings {
    /// Samples per Welch segment (≥ 2, at most the series length).
    pub nperseg: usize,
    /// Fraction of a segment shared with the next, in [0, 1).
    #[serde(default = "half")]
    pub overlap: f64,
    /// The taper.
    #[serde(default)]
    pub window: Window,
    /// What is removed from every segment.
    #[serde(default)]
    pub detrend: Detrend,
    /// Upper limit of the integral in cycles per τ (`None`: the Nyquist frequency 1/(2Δt)).
    #[serde(default)]
    pub cutoff: Option<f64>,
    /// The surrogate baseline subtracted from the raw rate.
    #[serde(default = "circular")]
    pub baseline: Baseline,
    /// Number of baseline surrogates.
    #[serde(default = "four")]
    pub n_baseline: usize,
}

fn half() -> f64 {
    0.5
}
fn circular() -> Baseline {
    Baseline::CircularShift
}
fn four() -> usize {
    4
}

impl RateSettings {
    /// `nperseg` samples per segment, 50 % overlap, Hann, constant detrending, no cutoff, a
    /// circular-shift baseline of 4 surrogates.
    #[must_use]
    pub fn with_nperseg(nperseg: usize) -> Self {
        Self {
            nperseg,
            overlap: half(),
            window: Window::Hann,
            detrend: Detrend::Constant,
            cutoff: None,
            baseline: circular(),
            n_baseline: four(),
        }
    }

    /// The checked estimator for series sampled every `dt`, its surrogates seeded by `seed`.
    ///
    /// # Errors
    /// [`AnalysisError::InvalidConfig`] naming `{prefix}.{parameter}` for a bad setting.
    pub fn estimator(&self, dt: f64, seed: u64, prefix: &str) -> Result<InformationRate> {
        let mut p = InformationRate::params()
            .nperseg(self.nperseg)
            .overlap(self.overlap)
            .window(self.window)
            .detrend(self.detrend)
            .dt(dt)
            .baseline(self.baseline)
            .n_baseline(self.n_baseline)
            .seed(seed);
        if let Some(c) = self.cutoff {
            p = p.cutoff(c);
        }
        p.check().map_err(|e| named(e, prefix))
    }
}

/// An estimator error as a configuration error under `prefix.name` (parameters), or as it is.
fn named(e: infoscope_estimators::EstimatorError, prefix: &str) -> AnalysisError {
    match e {
        infoscope_estimators::EstimatorError::InvalidParameter { name, reason } => {
            AnalysisError::InvalidConfig {
                name: format!("{prefix}.{name}"),
                reason,
            }
        }
        other => AnalysisError::Estimator(other),
    }
}

/// The rate between `x` and `y` with `estimator`, or why it could not be estimated.
pub(crate) fn rate_or_reason(
    estimator: &InformationRate,
    x: ArrayView2<'_, f64>,
    y: ArrayView2<'_, f64>,
) -> std::result::Result<RateEstimate, String> {
    estimator.rate(x, y).map_err(|e| e.to_string())
}
