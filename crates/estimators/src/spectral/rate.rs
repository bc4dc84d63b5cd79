//! The information rate from the Welch spectral matrix: the per-frequency density, the
//! trapezoidal integral up to the cutoff, the surrogate baseline and the result type
//! [`RateEstimate`].

use ndarray::{ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::hyperparams::{Baseline, InformationRate, InformationRateParams};
use super::matrix::SpectralMatrix;
use super::welch::{Segments, check_pair, columns_of};
use crate::budget::{bytes_of, check_memory};
use crate::error::{EstimatorError, Result};
use crate::estimate::Unit;
use crate::significance::{Surrogate, stream, surrogate_order};
use crate::special::digamma;
use crate::validate::check_no_constant_column;

/// The method's name in results.
pub const METHOD: &str = "spectral_rate";

/// Fewer segments than this give a warning: the coherence bias ≈ 1/K is then large.
const FEW_SEGMENTS: usize = 8;

/// The baseline: the rate between X and surrogates of Y, in the estimate's unit per unit time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// How the surrogates were made.
    pub kind: Baseline,
    /// The rate of every surrogate, in surrogate order.
    pub values: Vec<f64>,
    /// Their mean: the baseline subtracted from the raw rate.
    pub mean: f64,
    /// Their standard deviation (denominator n − 1; 0 for one surrogate).
    pub sd: f64,
}

/// Facts about one estimate: the segments, the resolution and the estimator's bias.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateDiagnostics {
    /// Samples per series.
    pub n_samples: usize,
    /// Channels of X.
    pub dx: usize,
    /// Channels of Y.
    pub dy: usize,
    /// How the series were cut into segments.
    pub segments: Segments,
    /// The effective number of independent segments $K_{\text{eff}}$
    /// ([`Segments::effective_segments`]): $K$ without overlap, a little less with it.
    pub effective_segments: f64,
    /// The frequency resolution $1/(\text{nperseg}\cdot dt)$, cycles per unit time.
    pub resolution: f64,
    /// The approximate upward bias of the coherence where the true coherence is 0,
    /// $1/K_{\text{eff}}$ (the mean of a Beta(1, K − 1) variable).
    pub coherence_bias: f64,
    /// The approximate upward bias of the rate, in the estimate's unit per unit time:
    /// $f_c\sum_{j=1}^{d_y}[\psi(K_{\text{eff}}-j+1) - \psi(K_{\text{eff}}-d_x-j+1)]$, which is
    /// $f_c/(K_{\text{eff}}-1)$ for scalar series. It is exact for Gaussian data and independent
    /// segments whatever the true coherence (the bias of complex-Wishart log-determinants);
    /// `None` when $K_{\text{eff}} \le d_x + d_y - 1$.
    pub rate_bias: Option<f64>,
    /// Whether the $f = 0$ bin was left out (zero by construction with a boxcar window and
    /// constant detrending).
    pub dc_bin_excluded: bool,
}

/// The information rate between two time series, with its density over frequency.
///
/// Every amount of information is in [`RateEstimate::unit`] (nats unless converted with
/// [`RateEstimate::in_unit`]): `value`, `raw`, `corrected`, the baseline and the bias **per
/// unit time** (the unit of `dt`), `per_sample` per sample, and `density` per unit time per unit
/// frequency. A negative corrected value stays negative (with a warning).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateEstimate {
    /// The method's name, `"spectral_rate"`.
    pub method: String,
    /// The unit of every amount of information below.
    pub unit: Unit,
    /// The estimate per unit time: `corrected` when a baseline was subtracted, else `raw`.
    pub value: f64,
    /// `value` per sample: `value · dt`.
    pub per_sample: f64,
    /// The integral of the density, per unit time, before any baseline.
    pub raw: f64,
    /// `raw` minus the baseline mean, when a baseline was asked for.
    pub corrected: Option<f64>,
    /// The surrogate rates, when a baseline was asked for.
    pub baseline: Option<BaselineSummary>,
    /// The sampling interval.
    pub dt: f64,
    /// The upper limit of the integral, cycles per unit time: the cutoff, or the highest
    /// Welch frequency when the cutoff is above it (the Nyquist frequency for even `nperseg`).
    pub integrated_to: f64,
    /// The frequencies the integral uses, cycles per unit time: every Welch frequency up to
    /// the cutoff, and the next one when the cutoff falls between two.
    pub frequencies: Vec<f64>,
    /// The rate density at `frequencies`, per unit time per unit frequency: $-\ln(1-\gamma^2)$
    /// for scalar series.
    pub density: Vec<f64>,
    /// The magnitude-squared coherence at `frequencies` (scalar series only).
    pub coherence: Option<Vec<f64>>,
    /// Segments, resolution and bias.
    pub diagnostics: RateDiagnostics,
    /// The parameters used.
    pub config: InformationRateParams,
    /// Caveats a user should read.
    pub warnings: Vec<String>,
}

impl RateEstimate {
    /// The same estimate with every amount of information in `unit`.
    #[must_use]
    pub fn in_unit(&self, unit: Unit) -> Self {
        let convert = |v: f64| unit.from_nats(self.unit.to_nats(v));
        let mut out = self.clone();
        out.unit = unit;
        out.value = convert(self.value);
        out.per_sample = convert(self.per_sample);
        out.raw = convert(self.raw);
        out.corrected = self.corrected.map(convert);
        out.density = self.density.iter().map(|&v| convert(v)).collect();
        out.diagnostics.rate_bias = self.diagnostics.rate_bias.map(convert);
        if let Some(b) = out.baseline.as_mut() {
            b.values = b.values.iter().map(|&v| convert(v)).collect();
            b.mean = convert(b.mean);
            b.sd = convert(b.sd);
        }
        out
    }

    /// `value` in nats per unit time.
    #[must_use]
    pub fn nats_per_time(&self) -> f64 {
        self.unit.to_nats(self.value)
    }

    /// `value` in bits per unit time.
    #[must_use]
    pub fn bits_per_time(&self) -> f64 {
        Unit::Bits.from_nats(self.nats_per_time())
    }

    /// `per_sample` in nats per sample.
    #[must_use]
    pub fn nats_per_sample(&self) -> f64 {
        self.unit.to_nats(self.per_sample)
    }
}

impl InformationRate {
    /// The information rate between `x` (samples × dx) and `y` (samples × dy), in nats per unit
    /// time (the unit of `dt`), with its density over frequency, diagnostics and the optional
    /// baseline. Scalar series use the coherence; vector series the log-determinants of the
    /// spectral matrices.
    ///
    /// # Errors
    /// [`EstimatorError::Empty`], [`EstimatorError::NonFinite`] or
    /// [`EstimatorError::ZeroVariance`] naming `x` or `y`; [`EstimatorError::ShapeMismatch`]
    /// naming `y` when the lengths differ; [`EstimatorError::InvalidParameter`] named
    /// `nperseg` (longer than the series, or leaving fewer than 2 or `dx + dy` segments) or
    /// `baseline` (a series shorter than 2 · nperseg); [`EstimatorError::TooFewSamples`] when
    /// the default `nperseg` finds no length; [`EstimatorError::NotPositiveDefinite`] where a
    /// spectral matrix is singular (y a noiseless filter of x: infinite rate);
    /// [`EstimatorError::TooLarge`] over the memory budget.
    pub fn rate(&self, x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>) -> Result<RateEstimate> {
        check_pair(x, y)?;
        let hint = "a constant series carries no information rate; drop the channel";
        check_no_constant_column("x", x, hint)?;
        check_no_constant_column("y", y, hint)?;
        let (n, dx, dy) = (x.nrows(), x.ncols(), y.ncols());
        // The memory of the spectral matrices is checked before the number of segments that
        // many channels need.
        let plan = self.welch.segments(n, 2)?;
        self.welch.check_spectral_memory(dx + dy, plan, "x")?;
        let plan = if dx + dy > 2 {
            self.welch.segments(n, dx + dy)?
        } else {
            plan
        };
        self.check_baseline(plan, dy)?;
        let spectra = self.welch.spectral_matrix(&columns_of(x, y), plan, "x")?;
        let grid = Grid::new(spectra.frequencies(), self.params.cutoff);
        let density = density(&spectra, dx, grid.n_bins)?;
        let raw = grid.integrate(density.view());
        let coherence = (dx == 1 && dy == 1).then(|| {
            let c = spectra.coherence(0, 1);
            c.iter().take(grid.n_bins).copied().collect()
        });
        let baseline = self.baseline(x, y, plan, grid)?;
        let diagnostics = self.diagnostics(&spectra, dx, dy, grid.upper);
        let mut warnings = Vec::new();
        if plan.n_segments < FEW_SEGMENTS {
            warnings.push(format!(
                "only {} segments: the coherence is biased upward by about 1/{} (the rate by \
                 about {}); use a shorter nperseg or a longer series",
                plan.n_segments,
                plan.n_segments,
                diagnostics.rate_bias.unwrap_or(f64::NAN)
            ));
        }
        if let Some(c) = self.params.cutoff.filter(|&c| c > grid.upper) {
            warnings.push(format!(
                "the cutoff {c} is above the highest Welch frequency {} (odd nperseg): \
                 integrated to {}",
                grid.upper, grid.upper
            ));
        }
        let corrected = baseline.as_ref().map(|b| raw - b.mean);
        if let Some(c) = corrected.filter(|&c| c < 0.0) {
            warnings.push(format!(
                "the baseline-corrected rate is negative ({c} nats per unit time): no \
                 information above the estimator's bias is detected; the value is not clipped"
            ));
        }
        let value = corrected.unwrap_or(raw);
        Ok(RateEstimate {
            method: METHOD.to_owned(),
            unit: Unit::Nats,
            value,
            per_sample: value * self.params.dt,
            raw,
            corrected,
            baseline,
            dt: self.params.dt,
            integrated_to: grid.upper,
            frequencies: spectra.frequencies()[..grid.n_bins].to_vec(),
            density: density.to_vec(),
            coherence,
            diagnostics,
            config: self.params,
            warnings,
        })
    }

    /// Refuse a baseline the series is too short for, or whose copies of Y exceed the budget.
    fn check_baseline(&self, plan: Segments, dy: usize) -> Result<()> {
        if self.params.baseline == Baseline::None {
            return Ok(());
        }
        let (n, len) = (plan.n_samples, plan.nperseg);
        if 2 * len > n {
            return Err(EstimatorError::InvalidParameter {
                name: "baseline",
                reason: format!(
                    "{} surrogates move Y by at least nperseg = {len} samples, which needs at \
                     least {} samples, got {n}; use a shorter nperseg or no baseline",
                    self.params.baseline,
                    2 * len
                ),
            });
        }
        check_memory(
            "y",
            &format!("a surrogate copy of y ({n} × {dy}) and its row order"),
            bytes_of(n as u128 * (dy as u128 + 1), size_of::<f64>()),
            "use a shorter series or no baseline",
        )
    }

    /// The rates of the baseline surrogates, one after the other (each uses every thread);
    /// surrogate `s` draws its shift or block order from `stream(seed, s)`.
    fn baseline(
        &self,
        x: ArrayView2<'_, f64>,
        y: ArrayView2<'_, f64>,
        plan: Segments,
        grid: Grid,
    ) -> Result<Option<BaselineSummary>> {
        let kind = match self.params.baseline {
            Baseline::None => return Ok(None),
            Baseline::CircularShift => Surrogate::CircularShift {
                min_shift: plan.nperseg,
            },
            Baseline::SegmentShuffle => Surrogate::BlockShuffle {
                block: plan.nperseg,
            },
        };
        let dx = x.ncols();
        let mut values = Vec::with_capacity(self.params.n_baseline);
        for s in 0..self.params.n_baseline {
            let order = surrogate_order(kind, plan.n_samples, &mut stream(self.params.seed, s));
            let ys = y.select(Axis(0), &order);
            let spectra = self
                .welch
                .spectral_matrix(&columns_of(x, ys.view()), plan, "x")?;
            values.push(grid.integrate(density(&spectra, dx, grid.n_bins)?.view()));
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let sd = if values.len() > 1 {
            let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (ss / (values.len() - 1) as f64).sqrt()
        } else {
            0.0
        };
        Ok(Some(BaselineSummary {
            kind: self.params.baseline,
            values,
            mean,
            sd,
        }))
    }

    fn diagnostics(
        &self,
        spectra: &SpectralMatrix,
        dx: usize,
        dy: usize,
        upper: f64,
    ) -> RateDiagnostics {
        let segments = spectra.segments();
        let window = self.params.window.values(segments.nperseg);
        let k_eff = segments.effective_segments(&window);
        let bias = (1..=dy)
            .map(|j| digamma(k_eff - j as f64 + 1.0) - digamma(k_eff - (dx + j) as f64 + 1.0))
            .sum::<f64>()
            * upper;
        RateDiagnostics {
            n_samples: segments.n_samples,
            dx,
            dy,
            segments,
            effective_segments: k_eff,
            resolution: spectra.resolution(),
            coherence_bias: 1.0 / k_eff,
            rate_bias: bias.is_finite().then_some(bias),
            dc_bin_excluded: spectra.dc_is_zero(),
        }
    }
}

/// The rate density at the first `n_bins` frequencies: the coherence form for scalar X and Y,
/// the log-determinant form otherwise.
fn density(spectra: &SpectralMatrix, dx: usize, n_bins: usize) -> Result<ndarray::Array1<f64>> {
    if dx == 1 && spectra.dims() == 2 {
        spectra.coherence_density(n_bins)
    } else {
        spectra.logdet_density(dx, n_bins)
    }
}

/// The part of the frequency grid an integral up to the cutoff uses.
#[derive(Clone, Copy, Debug)]
struct Grid {
    /// Frequencies used (the last may lie above the cutoff, for interpolation).
    n_bins: usize,
    /// Index of the last frequency at or below `upper`.
    whole: usize,
    /// Grid spacing.
    df: f64,
    /// Where the integral stops.
    upper: f64,
}

impl Grid {
    fn new(frequencies: &[f64], cutoff: Option<f64>) -> Self {
        let nf = frequencies.len();
        let df = frequencies.get(1).copied().unwrap_or(1.0);
        let last = frequencies[nf - 1];
        match cutoff {
            Some(c) if c < last => {
                // Bins at or below the cutoff (f_0 = 0 always is), plus the next one when the
                // cutoff falls between two.
                let below = frequencies.iter().take_while(|&&f| f <= c).count();
                let on_grid = frequencies[below - 1] == c;
                Self {
                    n_bins: if on_grid { below } else { below + 1 },
                    whole: below - 1,
                    df,
                    upper: c,
                }
            }
            _ => Self {
                n_bins: nf,
                whole: nf - 1,
                df,
                upper: last,
            },
        }
    }

    /// The trapezoidal integral of `density` (sampled every `df` from 0) from 0 to `upper`,
    /// the last interval cut at `upper` with the density interpolated linearly.
    fn integrate(&self, density: ArrayView1<'_, f64>) -> f64 {
        let whole = self.whole;
        let mut sum = 0.0;
        for k in 0..whole {
            sum += (density[k] + density[k + 1]) * self.df / 2.0;
        }
        let rest = self.upper - whole as f64 * self.df;
        if whole + 1 < self.n_bins && rest > 0.0 {
            let t = rest / self.df;
            let end = density[whole] + t * (density[whole + 1] - density[whole]);
            sum += (density[whole] + end) * rest / 2.0;
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use ndarray::Array1;

    use super::*;

    fn grid_of(n: usize, df: f64) -> Vec<f64> {
        (0..n).map(|k| k as f64 * df).collect()
    }

    #[test]
    fn the_trapezoid_integrates_a_line_exactly_to_any_cutoff() {
        let f = grid_of(11, 0.1);
        let d: Array1<f64> = f.iter().map(|v| 2.0 + 3.0 * v).collect();
        for (cutoff, upper) in [(None, 1.0), (Some(0.5), 0.5), (Some(0.55), 0.55)] {
            let g = Grid::new(&f, cutoff);
            let exact = 2.0 * upper + 1.5 * upper * upper;
            let got = g.integrate(d.slice(ndarray::s![..g.n_bins]));
            assert!((got - exact).abs() < 1e-14, "{cutoff:?}: {got} vs {exact}");
        }
        assert_eq!(Grid::new(&f, Some(0.55)).n_bins, 7);
        assert_eq!(Grid::new(&f, Some(0.5)).n_bins, 6);
        assert_eq!(Grid::new(&f, Some(1.0)).n_bins, 11);
    }
}
