//! The parameters of the spectral estimators and the checked estimators they turn into:
//! [`WelchParams`] → [`Welch`] (spectra and coherence) and [`InformationRateParams`] →
//! [`InformationRate`] (the information rate). The algorithms are in `welch.rs` and `rate.rs`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{EstimatorError, Result, ensure_param};
use crate::significance::MAX_SURROGATES;

/// The taper applied to every Welch segment before its Fourier transform.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The periodic Hann window $w_n = \tfrac12 - \tfrac12\cos(2\pi n / L)$, $n = 0..L-1$
    /// (scipy's `get_window("hann", L)`, the default of `scipy.signal.welch`).
    #[default]
    Hann,
    /// No taper: $w_n = 1$ (more leakage, no loss of variance).
    Boxcar,
}

/// What is removed from every Welch segment before it is tapered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detrend {
    /// Subtract the segment's (unweighted) mean, as `scipy.signal.welch`'s default
    /// `detrend="constant"`.
    #[default]
    Constant,
    /// Keep the segment as it is.
    None,
}

/// The surrogate of Y whose rate with X is subtracted from the observed rate
/// ([`InformationRateParams::baseline`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// No baseline: the raw rate is the estimate.
    #[default]
    None,
    /// Y rotated in time by a seeded shift in `nperseg..=n − nperseg` samples (keeps Y's
    /// spectrum, decouples it from X beyond one segment).
    CircularShift,
    /// Y cut into blocks of `nperseg` samples (the last may be shorter) whose order is
    /// shuffled (keeps Y's spectrum within blocks).
    SegmentShuffle,
}

/// Parse an enum from its snake-case name, also accepting hyphens.
fn parse_choice<T: Copy>(
    name: &'static str,
    text: &str,
    choices: &[(&'static str, T)],
) -> Result<T> {
    let key = text.trim().to_ascii_lowercase().replace('-', "_");
    choices
        .iter()
        .find(|(n, _)| *n == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| EstimatorError::InvalidParameter {
            name,
            reason: format!(
                "unknown {name} {text:?}; expected one of {}",
                choices
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

macro_rules! named_choice {
    ($ty:ty, $param:literal, $($name:literal => $variant:path),+ $(,)?) => {
        impl $ty {
            /// The name as in Rust, TOML, Python and the CLI.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($variant => $name,)+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = EstimatorError;

            fn from_str(s: &str) -> Result<Self> {
                parse_choice($param, s, &[$(($name, $variant)),+])
            }
        }
    };
}

named_choice!(Window, "window", "hann" => Window::Hann, "boxcar" => Window::Boxcar);
named_choice!(Detrend, "detrend", "constant" => Detrend::Constant, "none" => Detrend::None);
named_choice!(
    Baseline,
    "baseline",
    "none" => Baseline::None,
    "circular_shift" => Baseline::CircularShift,
    "segment_shuffle" => Baseline::SegmentShuffle,
);

impl Window {
    /// The `len` window values.
    #[must_use]
    pub fn values(self, len: usize) -> Vec<f64> {
        match self {
            Window::Boxcar => vec![1.0; len],
            Window::Hann => (0..len)
                .map(|n| {
                    let phase = std::f64::consts::TAU * n as f64 / len as f64;
                    0.5 - 0.5 * phase.cos()
                })
                .collect(),
        }
    }
}

/// Unchecked parameters of the Welch spectra ([`Welch`]).
///
/// | field | default | meaning |
/// |---|---|---|
/// | `nperseg` | `None`: 256 (scipy's default) when that leaves at least 8 segments, else the longest length that does | samples per segment, ≥ 2 |
/// | `overlap` | `0.5` | fraction of a segment shared with the next, in [0, 1); `noverlap = ⌊overlap · nperseg⌋` |
/// | `window` | `hann` | [`Window`] |
/// | `detrend` | `constant` | [`Detrend`] |
/// | `dt` | `1.0` | sampling interval, in the unit of time of the results (1: per sample) |
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WelchParams {
    /// Samples per segment (≥ 2); `None` chooses it from the series length.
    pub nperseg: Option<usize>,
    /// Fraction of a segment shared with the next one, in [0, 1).
    pub overlap: f64,
    /// The taper.
    pub window: Window,
    /// What is removed from each segment.
    pub detrend: Detrend,
    /// Sampling interval (> 0), in the unit of time the results are per.
    pub dt: f64,
}

impl Default for WelchParams {
    fn default() -> Self {
        Self {
            nperseg: None,
            overlap: 0.5,
            window: Window::Hann,
            detrend: Detrend::Constant,
            dt: 1.0,
        }
    }
}

impl WelchParams {
    /// Samples per segment (≥ 2; default: chosen from the series length, see the table).
    #[must_use]
    pub fn nperseg(mut self, nperseg: usize) -> Self {
        self.nperseg = Some(nperseg);
        self
    }

    /// Fraction of a segment shared with the next one, in [0, 1) (default 0.5).
    #[must_use]
    pub fn overlap(mut self, overlap: f64) -> Self {
        self.overlap = overlap;
        self
    }

    /// The taper (default [`Window::Hann`]).
    #[must_use]
    pub fn window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// What is removed from each segment (default [`Detrend::Constant`]).
    #[must_use]
    pub fn detrend(mut self, detrend: Detrend) -> Self {
        self.detrend = detrend;
        self
    }

    /// The sampling interval (> 0; default 1, i.e. results per sample).
    #[must_use]
    pub fn dt(mut self, dt: f64) -> Self {
        self.dt = dt;
        self
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `nperseg` (< 2), `overlap` (outside [0, 1))
    /// or `dt` (not a finite positive number).
    pub fn check(self) -> Result<Welch> {
        if let Some(n) = self.nperseg {
            ensure_param!(n >= 2, "nperseg", "must be at least 2, got {n}");
        }
        let overlap_ok = self.overlap.is_finite() && (0.0..1.0).contains(&self.overlap);
        ensure_param!(
            overlap_ok,
            "overlap",
            "must be in [0, 1), got {}",
            self.overlap
        );
        let dt_ok = self.dt.is_finite() && self.dt > 0.0;
        ensure_param!(dt_ok, "dt", "must be a finite number > 0, got {}", self.dt);
        Ok(Welch { params: self })
    }
}

/// Welch's averaged-periodogram estimator of auto- and cross-spectral densities (Welch 1967,
/// IEEE Trans. Audio Electroacoust. 15:70), built with [`Welch::params`]; see the
/// [module documentation](super) for the conventions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Welch {
    pub(crate) params: WelchParams,
}

impl Welch {
    /// The parameter builder with the defaults: `nperseg` chosen from the length, `overlap =
    /// 0.5`, Hann window, constant detrending, `dt = 1`.
    #[must_use]
    pub fn params() -> WelchParams {
        WelchParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> &WelchParams {
        &self.params
    }

    /// The Nyquist frequency $1/(2\,dt)$.
    #[must_use]
    pub fn nyquist(&self) -> f64 {
        0.5 / self.params.dt
    }
}

/// Unchecked parameters of the spectral information rate ([`InformationRate`]): the Welch
/// parameters plus the integration and the baseline.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `nperseg`, `overlap`, `window`, `detrend`, `dt` | as [`WelchParams`] | the Welch spectra |
/// | `cutoff` | `None`: the Nyquist frequency $1/(2\,dt)$ | upper limit $f_c$ of the integral, in cycles per unit time, in (0, Nyquist] |
/// | `baseline` | `none` | [`Baseline`] surrogate whose mean rate is subtracted |
/// | `n_baseline` | `10` | surrogates averaged for the baseline (≥ 1 when a baseline is set) |
/// | `seed` | `0` | seeds the surrogates (surrogate `s` draws from its own stream) |
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InformationRateParams {
    /// Samples per segment (≥ 2); `None` chooses it from the series length.
    pub nperseg: Option<usize>,
    /// Fraction of a segment shared with the next one, in [0, 1).
    pub overlap: f64,
    /// The taper.
    pub window: Window,
    /// What is removed from each segment.
    pub detrend: Detrend,
    /// Sampling interval (> 0), in the unit of time the rate is per.
    pub dt: f64,
    /// Upper limit of the integral, cycles per unit time; `None` is the Nyquist frequency.
    pub cutoff: Option<f64>,
    /// The surrogate baseline subtracted from the raw rate.
    pub baseline: Baseline,
    /// Number of baseline surrogates.
    pub n_baseline: usize,
    /// Seed of the baseline surrogates.
    pub seed: u64,
}

impl Default for InformationRateParams {
    fn default() -> Self {
        let w = WelchParams::default();
        Self {
            nperseg: w.nperseg,
            overlap: w.overlap,
            window: w.window,
            detrend: w.detrend,
            dt: w.dt,
            cutoff: None,
            baseline: Baseline::None,
            n_baseline: 10,
            seed: 0,
        }
    }
}

impl InformationRateParams {
    /// The field names, as in Rust, TOML, Python keywords and CLI flags.
    pub const FIELDS: &'static [&'static str] = &[
        "nperseg",
        "overlap",
        "window",
        "detrend",
        "dt",
        "cutoff",
        "baseline",
        "n_baseline",
        "seed",
    ];

    /// Samples per segment (≥ 2; default: chosen from the series length, see [`WelchParams`]).
    #[must_use]
    pub fn nperseg(mut self, nperseg: usize) -> Self {
        self.nperseg = Some(nperseg);
        self
    }

    /// Fraction of a segment shared with the next one, in [0, 1) (default 0.5).
    #[must_use]
    pub fn overlap(mut self, overlap: f64) -> Self {
        self.overlap = overlap;
        self
    }

    /// The taper (default [`Window::Hann`]).
    #[must_use]
    pub fn window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// What is removed from each segment (default [`Detrend::Constant`]).
    #[must_use]
    pub fn detrend(mut self, detrend: Detrend) -> Self {
        self.detrend = detrend;
        self
    }

    /// The sampling interval (> 0; default 1, i.e. the rate is per sample).
    #[must_use]
    pub fn dt(mut self, dt: f64) -> Self {
        self.dt = dt;
        self
    }

    /// The upper limit $f_c$ of the integral, in cycles per unit time, in (0, 1/(2 dt)]
    /// (default: the Nyquist frequency).
    #[must_use]
    pub fn cutoff(mut self, cutoff: f64) -> Self {
        self.cutoff = Some(cutoff);
        self
    }

    /// The surrogate baseline (default [`Baseline::None`]).
    #[must_use]
    pub fn baseline(mut self, baseline: Baseline) -> Self {
        self.baseline = baseline;
        self
    }

    /// The number of baseline surrogates (default 10).
    #[must_use]
    pub fn n_baseline(mut self, n_baseline: usize) -> Self {
        self.n_baseline = n_baseline;
        self
    }

    /// The seed of the baseline surrogates (default 0).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The Welch part of the parameters.
    #[must_use]
    pub fn welch(&self) -> WelchParams {
        WelchParams {
            nperseg: self.nperseg,
            overlap: self.overlap,
            window: self.window,
            detrend: self.detrend,
            dt: self.dt,
        }
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named after the parameter: those of
    /// [`WelchParams::check`]; `cutoff` not in (0, 1/(2 dt)]; `n_baseline` of 0 (or above
    /// [`MAX_SURROGATES`]) with a baseline.
    pub fn check(self) -> Result<InformationRate> {
        let welch = self.welch().check()?;
        if let Some(c) = self.cutoff {
            let nyquist = welch.nyquist();
            let ok = c.is_finite() && c > 0.0 && c <= nyquist;
            ensure_param!(
                ok,
                "cutoff",
                "must be in (0, {nyquist}] (0 to the Nyquist frequency 1/(2 dt)), got {c}"
            );
        }
        if self.baseline != Baseline::None {
            let n = self.n_baseline;
            ensure_param!(
                (1..=MAX_SURROGATES).contains(&n),
                "n_baseline",
                "a baseline needs 1 to {MAX_SURROGATES} surrogates, got {n}"
            );
        }
        Ok(InformationRate {
            params: self,
            welch,
        })
    }
}

/// The information rate between two jointly stationary (vector) time series from their Welch
/// spectra: $-\int_0^{f_c} \ln(1 - \gamma^2(f))\,df$ for scalar series, its log-determinant
/// form for vector series (see the [module documentation](super)).
///
/// Built with [`InformationRate::params`]; estimate with [`InformationRate::rate`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct InformationRate {
    pub(crate) params: InformationRateParams,
    #[serde(skip)]
    pub(crate) welch: Welch,
}

impl Default for InformationRate {
    fn default() -> Self {
        let params = InformationRateParams::default();
        Self {
            params,
            welch: Welch {
                params: params.welch(),
            },
        }
    }
}

impl InformationRate {
    /// The parameter builder with the defaults of [`InformationRateParams`].
    #[must_use]
    pub fn params() -> InformationRateParams {
        InformationRateParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> &InformationRateParams {
        &self.params
    }

    /// The Welch estimator of the spectra.
    #[must_use]
    pub fn welch(&self) -> &Welch {
        &self.welch
    }
}

impl TryFrom<InformationRateParams> for InformationRate {
    type Error = EstimatorError;

    fn try_from(params: InformationRateParams) -> Result<Self> {
        params.check()
    }
}

impl TryFrom<WelchParams> for Welch {
    type Error = EstimatorError;

    fn try_from(params: WelchParams) -> Result<Self> {
        params.check()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for w in [Window::Hann, Window::Boxcar] {
            assert_eq!(w.as_str().parse::<Window>().unwrap(), w);
            assert_eq!(serde_json::to_value(w).unwrap(), w.as_str());
        }
        for b in [
            Baseline::None,
            Baseline::CircularShift,
            Baseline::SegmentShuffle,
        ] {
            assert_eq!(b.as_str().parse::<Baseline>().unwrap(), b);
            assert_eq!(serde_json::to_value(b).unwrap(), b.as_str());
        }
        assert_eq!(
            "circular-shift".parse::<Baseline>().unwrap(),
            Baseline::CircularShift
        );
        let err = "hamming".parse::<Window>().unwrap_err();
        assert!(err.to_string().contains("hann, boxcar"), "{err}");
        assert_eq!(Detrend::None.to_string(), "none");
    }

    #[test]
    fn hann_is_periodic() {
        let w = Window::Hann.values(4);
        let expected = [0.0, 0.5, 1.0, 0.5];
        for (a, b) in w.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15, "{w:?}");
        }
    }

    #[test]
    fn field_list_matches_the_serialised_parameters() {
        let value = serde_json::to_value(InformationRate::params()).unwrap();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        let mut fields = InformationRateParams::FIELDS.to_vec();
        fields.sort_unstable();
        assert_eq!(keys, fields);
    }

    #[test]
    fn parameters_from_json_with_defaults() {
        let p: InformationRateParams = serde_json::from_str(
            r#"{"nperseg": 64, "window": "boxcar", "baseline": "circular_shift"}"#,
        )
        .unwrap();
        assert_eq!(p.nperseg, Some(64));
        assert_eq!(p.window, Window::Boxcar);
        assert_eq!(p.baseline, Baseline::CircularShift);
        assert_eq!(p.overlap, 0.5);
        assert!(serde_json::from_str::<InformationRateParams>(r#"{"k": 3}"#).is_err());
    }
}
