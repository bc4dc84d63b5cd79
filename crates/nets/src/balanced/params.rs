//! The parameters of a balanced rate network ([`BalancedParams`]) and their check.
//!
//! Model (SPEC.md §8; all times in units of the neuronal τ):
//! $\tau\,\dot h_i = -h_i + \sum_j J_{ij}\,\phi(h_j) + c\sum_k W_{ik} s_k(t)/S + \xi_i(t)$ with
//! $\langle\xi_i(t)\xi_j(t')\rangle = \tau\sigma^2\delta_{ij}\delta(t-t')$, integrated by
//! Euler–Maruyama: $h \leftarrow h + (\Delta t/\tau)(\dots) + \sigma\sqrt{\Delta t/\tau}\,z$.
//! The couplings are $J_{ij} \sim N(-b J_0/N,\ g^2/N)$ (the diagonal optionally zero).

use serde::{Deserialize, Serialize};

use super::stimulus::OuStimulus;
use crate::error::{Result, ensure_param};

/// The most neurons a balanced network may have.
pub const MAX_BALANCED_NEURONS: usize = 1 << 16;

/// The transfer function φ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phi {
    /// φ(h) = max(h, 0) (the paper's and the code's choice).
    #[default]
    Relu,
}

impl Phi {
    /// φ(h).
    #[inline]
    #[must_use]
    pub fn value(self, h: f64) -> f64 {
        match self {
            Self::Relu => h.max(0.0),
        }
    }

    /// φ'(h) (0 at h = 0 for the ReLU).
    #[inline]
    #[must_use]
    pub fn slope(self, h: f64) -> f64 {
        match self {
            Self::Relu => {
                if h > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// How the S stimulus channels reach the neurons.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputWeights {
    /// W_ik = 1: every neuron gets the channel mean (the paper's common input).
    Uniform,
    /// W_ik = 1 + std·N(0, 1) (the code's W_s, std 0.01).
    Jittered {
        /// The spread of the weights (≥ 0).
        std: f64,
    },
}

/// Everything that defines a balanced network and its input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BalancedParams {
    /// Number of neurons N (1 ≤ N ≤ [`MAX_BALANCED_NEURONS`]).
    pub n: usize,
    /// Strength g of the random couplings (std g/√N; ≥ 0).
    pub g: f64,
    /// Balance factor b: scales the mean inhibition (mean coupling −b·J_0/N) and, in the
    /// paper's set-up, the drive (`input_scale` = b).
    pub b: f64,
    /// Mean coupling strength J_0 (≥ 0).
    pub j0: f64,
    /// Whether J_ii = 0 (the code's choice).
    pub zero_diagonal: bool,
    /// Private noise strength σ (≥ 0).
    pub sigma: f64,
    /// The neuronal time constant τ (> 0).
    pub tau: f64,
    /// The transfer function.
    pub phi: Phi,
    /// How the channels reach the neurons.
    pub input: InputWeights,
    /// The factor c in front of the input term (b in the paper's set-up, 1 in the code's,
    /// where b already scales the stimulus).
    pub input_scale: f64,
    /// The stimulus (its `dt` is the integration step).
    pub stimulus: OuStimulus,
}

impl BalancedParams {
    /// The Figure-1 set-up: N = 4096, g = 2, Δt = τ/1024, J_0 = 1, σ = 0.1, J_ij ~
    /// N(−b·J_0/N, g²/N), input b·I(t) to every neuron with I(t) the paper's OU stimulus
    /// ([`OuStimulus::paper`]: I_0 = 1, I_1 = 0.1, τ_s = τ).
    ///
    /// With this ReLU network the rates stay near the balanced value only for strong enough
    /// inhibition: use b ≳ 2 (measured rates per b in the [module documentation](super)).
    #[must_use]
    pub fn figure1(b: f64) -> Self {
        let dt = 1.0 / 1024.0;
        Self {
            n: 4096,
            g: 2.0,
            b,
            j0: 1.0,
            zero_diagonal: false,
            sigma: 0.1,
            tau: 1.0,
            phi: Phi::Relu,
            input: InputWeights::Uniform,
            input_scale: b,
            stimulus: OuStimulus::paper(dt),
        }
    }

    /// The training code's set-up (SPEC.md §8) with S channels and b = 1: N = 100, g = 0.032,
    /// mean coupling −b/N, zero diagonal, Δt = 0.2, σ = 1, W_s = 1 + 0.01·N(0, 1), input
    /// W_s s/S with the code's stimulus ([`OuStimulus::code`]). For another b, also rebuild
    /// the stimulus with `OuStimulus::code(S, b)`.
    #[must_use]
    pub fn code(channels: usize) -> Self {
        Self {
            n: 100,
            g: 0.032,
            b: 1.0,
            j0: 1.0,
            zero_diagonal: true,
            sigma: 1.0,
            tau: 1.0,
            phi: Phi::Relu,
            input: InputWeights::Jittered { std: 0.01 },
            input_scale: 1.0,
            stimulus: OuStimulus::code(channels, 1.0),
        }
    }

    /// The integration step Δt (the stimulus's).
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.stimulus.dt
    }

    /// The mean coupling −b·J_0/N.
    #[must_use]
    pub fn mean_coupling(&self) -> f64 {
        -self.b * self.j0 / self.n.max(1) as f64
    }

    /// Validate every field.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) naming the field
    /// (`n`, `g`, `b`, `j0`, `sigma`, `tau`, `input`, `input_scale`, or a stimulus field).
    pub fn check(&self) -> Result<()> {
        ensure_param!(
            (1..=MAX_BALANCED_NEURONS).contains(&self.n),
            "n",
            "must be in 1..={MAX_BALANCED_NEURONS}, got {}",
            self.n
        );
        for (name, v) in [("g", self.g), ("j0", self.j0), ("sigma", self.sigma)] {
            ensure_param!(
                v.is_finite() && v >= 0.0,
                name,
                "must be finite and ≥ 0, got {v}"
            );
        }
        ensure_param!(self.b.is_finite(), "b", "must be finite, got {}", self.b);
        ensure_param!(
            self.tau.is_finite() && self.tau > 0.0,
            "tau",
            "must be finite and > 0, got {}",
            self.tau
        );
        ensure_param!(
            self.input_scale.is_finite(),
            "input_scale",
            "must be finite, got {}",
            self.input_scale
        );
        if let InputWeights::Jittered { std } = self.input {
            ensure_param!(
                std.is_finite() && std >= 0.0,
                "input",
                "the jitter std must be finite and ≥ 0, got {std}"
            );
        }
        self.stimulus.check()
    }
}
