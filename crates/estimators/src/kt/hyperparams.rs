//! The parameters of the Kolchinsky–Tracey estimator and the checked estimator they turn into:
//! [`KtParams`] → [`KolchinskyTracey`]. The bounds themselves are in `bounds.rs`.

use serde::{Deserialize, Serialize};

use super::kernel::DEFAULT_TILE;
use crate::error::{Result, ensure_param};

/// Parameters of [`KolchinskyTracey`].
///
/// | field | default | meaning |
/// |---|---|---|
/// | `noise_var` | none: required | the noise variance σ² of T = h + N(0, σ² I), in squared activation units |
/// | `tile` | 512 | rows and columns per Gram block (memory only; results do not change) |
///
/// The noise variance has no default: it is part of the question being asked.
///
/// ```
/// use infoscope_estimators::kt::KolchinskyTracey;
///
/// let kt = KolchinskyTracey::params(0.5).tile(128).check()?;
/// assert_eq!(kt.config().noise_var, 0.5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KtParams {
    /// The noise variance σ² (> 0, finite), in squared units of the activations.
    pub noise_var: f64,
    /// Rows and columns per Gram block (memory per thread: tile² f64).
    #[serde(default = "default_tile")]
    pub tile: usize,
}

fn default_tile() -> usize {
    DEFAULT_TILE
}

impl KtParams {
    /// Set the noise variance σ².
    #[must_use]
    pub fn noise_var(mut self, noise_var: f64) -> Self {
        self.noise_var = noise_var;
        self
    }

    /// Set the tile size.
    #[must_use]
    pub fn tile(mut self, tile: usize) -> Self {
        self.tile = tile;
        self
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`crate::EstimatorError::InvalidParameter`] named `noise_var` unless it is finite and
    /// > 0, or named `tile` if it is 0.
    pub fn check(self) -> Result<KolchinskyTracey> {
        let v = self.noise_var;
        ensure_param!(
            v.is_finite() && v > 0.0,
            "noise_var",
            "the noise variance must be finite and > 0, got {v}"
        );
        ensure_param!(self.tile >= 1, "tile", "the tile size must be at least 1");
        Ok(KolchinskyTracey { params: self })
    }
}

/// The Kolchinsky–Tracey estimator for a layer with additive Gaussian noise of variance σ².
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KolchinskyTracey {
    pub(crate) params: KtParams,
}

impl KolchinskyTracey {
    /// Unchecked parameters for noise variance `noise_var`, with the default tile.
    #[must_use]
    pub fn params(noise_var: f64) -> KtParams {
        KtParams {
            noise_var,
            tile: DEFAULT_TILE,
        }
    }

    /// The estimator for noise variance `noise_var`, with the default tile.
    ///
    /// # Errors
    /// As [`KtParams::check`].
    pub fn new(noise_var: f64) -> Result<Self> {
        Self::params(noise_var).check()
    }

    /// The estimator for the given parameters.
    ///
    /// # Errors
    /// As [`KtParams::check`].
    pub fn with_params(params: KtParams) -> Result<Self> {
        params.check()
    }

    /// The parameters.
    #[must_use]
    pub fn config(&self) -> KtParams {
        self.params
    }
}
