//! [`TrackConfig`]: the tracking task and its training (SPEC.md §8, "Training set-up").

use serde::{Deserialize, Serialize};

use crate::balanced::stimulus::{OuScale, OuStart, OuStimulus};
use crate::error::{Result, ensure_param};

/// The most neurons a tracking network may have.
pub const MAX_TRACK_NEURONS: usize = 4096;

/// The tracking task of the training code and its optimiser.
///
/// The network gets S OU channels (the code's stimulus, [`OuStimulus::code`]: τ_s, offset
/// I_ext = b, I_1 = 0.1·b) through W_s and must reproduce them, divided by b, in its readout
/// W_r φ(h)/N (the code's target (s + I_ext)·(−1/ḡ) with ḡ = −b).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackConfig {
    /// Channels S (≥ 1).
    pub channels: usize,
    /// Neurons N (S ≤ N ≤ [`MAX_TRACK_NEURONS`]).
    pub n: usize,
    /// Trials per batch B (≥ 1; the test batch has as many).
    pub batch: usize,
    /// Steps per trial T (≥ 5, so that T/5 ≥ 1 steps are left out of the loss).
    pub steps: usize,
    /// Epochs (one fresh batch each) for [`train`](super::train).
    pub epochs: u64,
    /// Balance factor b: mean coupling −b/N, offset b, amplitude 0.1·b.
    pub b: f64,
    /// Random coupling strength g (std g/√N).
    pub g: f64,
    /// Noise σ (the update adds σ√Δt ξ).
    pub sigma: f64,
    /// Time step Δt (units of τ = 1).
    pub dt: f64,
    /// Stimulus correlation time τ_s.
    pub tau_s: f64,
    /// Weight λ of the state penalty λ‖h‖².
    pub reg: f64,
    /// W_s = 1 + `ws_std`·N(0, 1).
    pub ws_std: f64,
    /// W_r = 1 + `wr_std`·N(0, 1).
    pub wr_std: f64,
    /// Relaxation steps for the initial state.
    pub relax_steps: usize,
    /// Adam learning rate.
    pub lr: f64,
    /// Adam β_1.
    pub beta1: f64,
    /// Adam β_2.
    pub beta2: f64,
    /// Adam ε.
    pub eps: f64,
}

impl TrackConfig {
    /// The code's run scripts with S channels: N = 100, B = 10, T = 50, 100 001 epochs,
    /// b = 1, g = 0.032, σ = 1, Δt = 0.2, τ_s = 0.1, λ = 1e-4, W_s jitter 0.01, W_r jitter
    /// 0.2, 500 relaxation steps, Adam(1e-3, 0.9, 0.999, 1e-8).
    #[must_use]
    pub fn code(channels: usize) -> Self {
        Self {
            channels,
            n: 100,
            batch: 10,
            steps: 50,
            epochs: 100_001,
            b: 1.0,
            g: 0.032,
            sigma: 1.0,
            dt: 0.2,
            tau_s: 0.1,
            reg: 1e-4,
            ws_std: 0.01,
            wr_std: 0.2,
            relax_steps: 500,
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        }
    }

    /// The stimulus of the task.
    #[must_use]
    pub fn stimulus(&self) -> OuStimulus {
        OuStimulus {
            channels: self.channels,
            tau_s: self.tau_s,
            i0: self.b,
            i1: 0.1 * self.b,
            dt: self.dt,
            scale: OuScale::Diffusion,
            start: OuStart::Zero,
        }
    }

    /// The first step counted in the loss, T/5.
    #[must_use]
    pub fn first_scored_step(&self) -> usize {
        self.steps / 5
    }

    /// Validate every field.
    ///
    /// # Errors
    /// `InvalidParameter` naming the field.
    pub fn check(&self) -> Result<()> {
        ensure_param!(self.channels >= 1, "channels", "must be ≥ 1, got 0");
        ensure_param!(
            (self.channels..=MAX_TRACK_NEURONS).contains(&self.n),
            "n",
            "must be in S..={MAX_TRACK_NEURONS} (S = {}), got {}",
            self.channels,
            self.n
        );
        ensure_param!(self.batch >= 1, "batch", "must be ≥ 1, got 0");
        ensure_param!(
            (5..=1_000_000).contains(&self.steps),
            "steps",
            "must be in 5..=1000000, got {}",
            self.steps
        );
        ensure_param!(
            self.b.is_finite() && self.b > 0.0,
            "b",
            "must be finite and > 0, got {}",
            self.b
        );
        for (name, v) in [
            ("g", self.g),
            ("sigma", self.sigma),
            ("reg", self.reg),
            ("ws_std", self.ws_std),
            ("wr_std", self.wr_std),
        ] {
            ensure_param!(
                v.is_finite() && v >= 0.0,
                name,
                "must be finite and ≥ 0, got {v}"
            );
        }
        for (name, v) in [
            ("dt", self.dt),
            ("tau_s", self.tau_s),
            ("lr", self.lr),
            ("eps", self.eps),
        ] {
            ensure_param!(
                v.is_finite() && v > 0.0,
                name,
                "must be finite and > 0, got {v}"
            );
        }
        for (name, v) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            ensure_param!((0.0..1.0).contains(&v), name, "must be in [0, 1), got {v}");
        }
        Ok(())
    }
}
