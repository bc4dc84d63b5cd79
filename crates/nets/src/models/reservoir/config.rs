//! [`ReservoirConfig`]: the hyperparameters of the echo-state reservoir and their defaults.

use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_param};

/// The default ridge grid: λ ∈ {10⁻⁶, 10⁻⁵, …, 10⁻¹, 1}, a superset of the 10⁻⁴–10⁻² range
/// SPEC.md §4 names (an unverified default, pinned here).
pub const DEFAULT_RIDGE_GRID: [f64; 7] = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0];

/// Hyperparameters of a [`Reservoir`](super::Reservoir) (SPEC.md §4).
///
/// SPEC.md §4 calls these "unverified defaults" (the Padova set-up is unknown); they are pinned
/// here so that tests can check them. Build one with [`ReservoirConfig::new`] and override
/// fields with struct-update syntax:
///
/// ```
/// use infoscope_nets::models::reservoir::ReservoirConfig;
///
/// let config = ReservoirConfig { spectral_radius: 0.5, ..ReservoirConfig::new(85) };
/// config.validate()?;
/// # Ok::<(), infoscope_nets::NetsError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReservoirConfig {
    /// Number of input channels (85 for the Go tasks with `ruleset = all`). No default.
    pub n_input: usize,
    /// Number of reservoir units N. Default 256.
    pub n_rnn: usize,
    /// Number of readout units. Default 33 (fixation + 32 ring outputs).
    pub n_output: usize,
    /// Leak rate α = dt/τ, in (0, 1]. Default 0.2 (dt = 20 ms, τ = 100 ms).
    pub alpha: f64,
    /// Spectral radius ρ of the fixed recurrent matrix, > 0. Default 0.9.
    pub spectral_radius: f64,
    /// Scale of the input weights, `W_in ~ N(0, 1)/√n_input · input_scale`, ≥ 0. Default 1.
    pub input_scale: f64,
    /// Recurrent noise σ_rec ≥ 0 of SPEC.md §2.2; the noise inside the nonlinearity has standard
    /// deviation √(2/α)·σ_rec. Default 0 (noise-free).
    pub sigma_rec: f64,
    /// Candidate ridge penalties λ ≥ 0, chosen on held-out trials. Default
    /// [`DEFAULT_RIDGE_GRID`].
    pub ridge_grid: Vec<f64>,
}

impl ReservoirConfig {
    /// The default configuration for `n_input` input channels (see the field docs).
    #[must_use]
    pub fn new(n_input: usize) -> Self {
        Self {
            n_input,
            n_rnn: 256,
            n_output: 33,
            alpha: 0.2,
            spectral_radius: 0.9,
            input_scale: 1.0,
            sigma_rec: 0.0,
            ridge_grid: DEFAULT_RIDGE_GRID.to_vec(),
        }
    }

    /// Standard deviation of the recurrent noise η_t added inside the nonlinearity,
    /// √(2/α)·σ_rec (SPEC.md §2.2).
    #[must_use]
    pub fn noise_std(&self) -> f64 {
        (2.0 / self.alpha).sqrt() * self.sigma_rec
    }

    /// Checks every field.
    ///
    /// # Errors
    ///
    /// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) naming the first field
    /// out of range.
    pub fn validate(&self) -> Result<()> {
        ensure_param!(self.n_input > 0, "n_input", "must be at least 1, got 0");
        ensure_param!(self.n_rnn > 0, "n_rnn", "must be at least 1, got 0");
        ensure_param!(self.n_output > 0, "n_output", "must be at least 1, got 0");
        ensure_param!(
            self.alpha.is_finite() && self.alpha > 0.0 && self.alpha <= 1.0,
            "alpha",
            "must lie in (0, 1], got {}",
            self.alpha
        );
        ensure_param!(
            self.spectral_radius.is_finite() && self.spectral_radius > 0.0,
            "spectral_radius",
            "must be finite and > 0, got {}",
            self.spectral_radius
        );
        ensure_param!(
            self.input_scale.is_finite() && self.input_scale >= 0.0,
            "input_scale",
            "must be finite and >= 0, got {}",
            self.input_scale
        );
        ensure_param!(
            self.sigma_rec.is_finite() && self.sigma_rec >= 0.0,
            "sigma_rec",
            "must be finite and >= 0, got {}",
            self.sigma_rec
        );
        ensure_param!(
            !self.ridge_grid.is_empty(),
            "ridge_grid",
            "must not be empty"
        );
        ensure_param!(
            self.ridge_grid.iter().all(|l| l.is_finite() && *l >= 0.0),
            "ridge_grid",
            "every λ must be finite and >= 0, got {:?}",
            self.ridge_grid
        );
        Ok(())
    }
}
