//! The Ornstein–Uhlenbeck stimulus of Engelken & Goedeke (2022; SPEC.md §8), discretised
//! exactly: $s_t = a\,s_{t-1} + q\,\xi_t$ with $a = e^{-\Delta t/\tau_s}$, $\xi_t \sim N(0,1)$,
//! plus a constant offset $I_0$.

use ndarray::Array2;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use serde::{Deserialize, Serialize};

use crate::error::{Result, ensure_param};

/// What the amplitude $I_1$ of an [`OuStimulus`] means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OuScale {
    /// The training code's convention: $ds = -(s/\tau_s)\,dt + (I_1/\tau_s)\,dW$, so the
    /// stationary standard deviation is $I_1/\sqrt{2\tau_s}$ and the innovation standard
    /// deviation $I_1\sqrt{(1-e^{-2\Delta t/\tau_s})/(2\tau_s)}$.
    Diffusion,
    /// The paper's convention: $I_1$ is the stationary standard deviation (one-sided spectrum
    /// $4\tau_s I_1^2/(1+(2\pi\tau_s f)^2)$, two-sided $2\tau_s I_1^2/(1+(2\pi\tau_s f)^2)$).
    #[default]
    Std,
}

/// Where an [`OuStimulus`] starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OuStart {
    /// The code's quirk: the fluctuation starts at 0, so the first sample is the offset only.
    Zero,
    /// A draw from the stationary distribution.
    #[default]
    Stationary,
}

/// S independent OU channels with a common offset (all times in units of the neuronal τ).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct OuStimulus {
    /// Number of channels S (≥ 1).
    pub channels: usize,
    /// Correlation time τ_s (> 0).
    pub tau_s: f64,
    /// Offset I_0 (the code's I_ext).
    pub i0: f64,
    /// Amplitude I_1 (≥ 0), read as [`OuStimulus::scale`] says.
    pub i1: f64,
    /// Time step Δt (> 0).
    pub dt: f64,
    /// The meaning of `i1`.
    pub scale: OuScale,
    /// The first sample.
    pub start: OuStart,
}

impl OuStimulus {
    /// The paper's stimulus for one channel: τ_s = 1, I_0 = 1, I_1 = 0.1 (stationary std),
    /// started stationary, sampled every `dt`.
    #[must_use]
    pub fn paper(dt: f64) -> Self {
        Self {
            channels: 1,
            tau_s: 1.0,
            i0: 1.0,
            i1: 0.1,
            dt,
            scale: OuScale::Std,
            start: OuStart::Stationary,
        }
    }

    /// The training code's stimulus (SPEC.md §8): S channels, τ_s = 0.1, Δt = 0.2, offset
    /// I_ext = b, I_1 = 0.1·b in the [`OuScale::Diffusion`] convention, started at zero.
    #[must_use]
    pub fn code(channels: usize, b: f64) -> Self {
        Self {
            channels,
            tau_s: 0.1,
            i0: b,
            i1: 0.1 * b,
            dt: 0.2,
            scale: OuScale::Diffusion,
            start: OuStart::Zero,
        }
    }

    /// Validate every field.
    ///
    /// # Errors
    /// [`NetsError::InvalidParameter`](crate::NetsError::InvalidParameter) naming the field
    /// (`channels`, `tau_s`, `i0`, `i1`, `dt`).
    pub fn check(&self) -> Result<()> {
        ensure_param!(self.channels >= 1, "channels", "must be ≥ 1, got 0");
        ensure_param!(
            self.tau_s.is_finite() && self.tau_s > 0.0,
            "tau_s",
            "must be finite and > 0, got {}",
            self.tau_s
        );
        ensure_param!(self.i0.is_finite(), "i0", "must be finite, got {}", self.i0);
        ensure_param!(
            self.i1.is_finite() && self.i1 >= 0.0,
            "i1",
            "must be finite and ≥ 0, got {}",
            self.i1
        );
        ensure_param!(
            self.dt.is_finite() && self.dt > 0.0,
            "dt",
            "must be finite and > 0, got {}",
            self.dt
        );
        Ok(())
    }

    /// The AR(1) factor $a = e^{-\Delta t/\tau_s}$.
    #[must_use]
    pub fn ar_factor(&self) -> f64 {
        (-self.dt / self.tau_s).exp()
    }

    /// The stationary standard deviation of the fluctuation.
    #[must_use]
    pub fn stationary_std(&self) -> f64 {
        match self.scale {
            OuScale::Diffusion => self.i1 / (2.0 * self.tau_s).sqrt(),
            OuScale::Std => self.i1,
        }
    }

    /// The standard deviation of the innovation $q$, $\sigma_\infty\sqrt{1-a^2}$.
    #[must_use]
    pub fn innovation_std(&self) -> f64 {
        let a = self.ar_factor();
        self.stationary_std() * (1.0 - a * a).sqrt()
    }

    /// The analytic one-sided power spectral density of the continuous-time fluctuation at
    /// frequency `f` (cycles per unit time): $4\tau_s\sigma_\infty^2/(1+(2\pi\tau_s f)^2)$,
    /// whose integral over $f \in [0, \infty)$ is the stationary variance.
    #[must_use]
    pub fn spectrum(&self, f: f64) -> f64 {
        let sd = self.stationary_std();
        let w = 2.0 * std::f64::consts::PI * self.tau_s * f;
        4.0 * self.tau_s * sd * sd / (1.0 + w * w)
    }

    /// `steps` samples of every channel (`steps × S`), offset included.
    ///
    /// # Errors
    /// As [`OuStimulus::check`]; [`NetsError::TooLarge`](crate::NetsError::TooLarge) when the
    /// array would not fit the memory budget.
    pub fn generate<R: Rng>(&self, steps: usize, rng: &mut R) -> Result<Array2<f64>> {
        self.check()?;
        let bytes = (steps as u128) * (self.channels as u128) * 8;
        crate::error::check_memory(
            "steps",
            &format!("a {steps} × {} stimulus", self.channels),
            bytes,
            "generate fewer steps",
        )?;
        let mut out = Array2::zeros((steps, self.channels));
        let mut state = self.initial(rng);
        for (t, mut row) in out.rows_mut().into_iter().enumerate() {
            if t > 0 {
                self.advance(&mut state, rng);
            }
            row.iter_mut()
                .zip(&state)
                .for_each(|(o, s)| *o = self.i0 + s);
        }
        Ok(out)
    }

    /// The fluctuation at the first sample.
    pub(crate) fn initial<R: Rng>(&self, rng: &mut R) -> Vec<f64> {
        let sd = self.stationary_std();
        (0..self.channels)
            .map(|_| match self.start {
                OuStart::Zero => 0.0,
                OuStart::Stationary => sd * rng.sample::<f64, _>(StandardNormal),
            })
            .collect()
    }

    /// One exact step of every channel's fluctuation.
    pub(crate) fn advance<R: Rng>(&self, state: &mut [f64], rng: &mut R) {
        let (a, q) = (self.ar_factor(), self.innovation_std());
        for s in state {
            *s = a * *s + q * rng.sample::<f64, _>(StandardNormal);
        }
    }
}
