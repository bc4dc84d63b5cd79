//! [`LeakyRnnConfig`]: the leaky RNN's hyperparameters and their checks.

use infoscope_nn::activation::Activation;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_param};

/// How `w_rec` is initialised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecInit {
    /// `w_rec_start · I` (the paper's main networks; the default here).
    #[default]
    Diag,
    /// `w_rec_start · Q` with `Q` Haar-random orthogonal (the code default of Yang et al.):
    /// the QR factor of a standard Gaussian matrix, columns signed so `diag(R) > 0`.
    RandOrtho,
}

/// Hyperparameters of a [`LeakyRnn`](super::LeakyRnn). Defaults are those of the paper's main networks
/// (SPEC.md §2.1): 85 inputs, 256 softplus units, 33 outputs, `Diag` init, `α = 0.2`,
/// `σ_rec = 0.05`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeakyRnnConfig {
    /// Input channels (85 for the 20-rule set).
    pub n_input: usize,
    /// Recurrent units (256).
    pub n_rnn: usize,
    /// Output channels (33: fixation and a 32-unit ring).
    pub n_output: usize,
    /// The nonlinearity $f$ (softplus).
    pub activation: Activation,
    /// How `w_rec` starts ([`RecInit::Diag`]).
    pub init: RecInit,
    /// Scale of the initial `w_rec`; `None` takes [`LeakyRnnConfig::default_w_rec_start`].
    pub w_rec_start: Option<f32>,
    /// Scale of the initial `w_in` (1.0).
    pub w_in_start: f32,
    /// $\alpha = \Delta t / \tau$, in $(0, 1]$ (0.2).
    pub alpha: f32,
    /// Recurrent noise level $\sigma_\mathrm{rec} \ge 0$ (0.05); the noise added per step has
    /// standard deviation $\sqrt{2/\alpha}\,\sigma_\mathrm{rec}$.
    pub sigma_rec: f32,
}

impl Default for LeakyRnnConfig {
    fn default() -> Self {
        Self {
            n_input: 85,
            n_rnn: 256,
            n_output: 33,
            activation: Activation::Softplus,
            init: RecInit::Diag,
            w_rec_start: None,
            w_in_start: 1.0,
            alpha: 0.2,
            sigma_rec: 0.05,
        }
    }
}

impl LeakyRnnConfig {
    /// The `w_rec_start` of Yang et al. (`LeakyRNNCell`) for each activation: 0.5 for softplus,
    /// ReLU and retanh, 1.0 for tanh, 0.01 for power (whose quadratic growth needs a small
    /// start to stay stable).
    #[must_use]
    pub fn default_w_rec_start(activation: Activation) -> f32 {
        match activation {
            Activation::Softplus | Activation::Relu | Activation::Retanh => 0.5,
            Activation::Tanh => 1.0,
            Activation::Power => 0.01,
        }
    }

    /// The `w_rec` scale in force: `w_rec_start`, or the activation's default.
    #[must_use]
    pub fn effective_w_rec_start(&self) -> f32 {
        self.w_rec_start
            .unwrap_or_else(|| Self::default_w_rec_start(self.activation))
    }

    /// Standard deviation of the noise added to the pre-activation each step,
    /// $\sqrt{2/\alpha}\,\sigma_\mathrm{rec}$ (0.158114 with the defaults).
    #[must_use]
    pub fn noise_std(&self) -> f32 {
        (2.0 / self.alpha).sqrt() * self.sigma_rec
    }

    /// Check every field.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) naming the first field out of range.
    pub fn validate(&self) -> Result<()> {
        ensure_param!(
            self.n_input >= 1,
            "n_input",
            "must be ≥ 1, got {}",
            self.n_input
        );
        ensure_param!(self.n_rnn >= 1, "n_rnn", "must be ≥ 1, got {}", self.n_rnn);
        ensure_param!(
            self.n_output >= 1,
            "n_output",
            "must be ≥ 1, got {}",
            self.n_output
        );
        ensure_param!(
            self.alpha > 0.0 && self.alpha <= 1.0,
            "alpha",
            "must lie in (0, 1], got {}",
            self.alpha
        );
        ensure_param!(
            self.sigma_rec.is_finite() && self.sigma_rec >= 0.0,
            "sigma_rec",
            "must be finite and ≥ 0, got {}",
            self.sigma_rec
        );
        ensure_param!(
            self.w_in_start.is_finite() && self.w_in_start > 0.0,
            "w_in_start",
            "must be finite and > 0, got {}",
            self.w_in_start
        );
        let w_rec = self.effective_w_rec_start();
        ensure_param!(
            w_rec.is_finite() && w_rec >= 0.0,
            "w_rec_start",
            "must be finite and ≥ 0, got {w_rec}"
        );
        Ok(())
    }
}
