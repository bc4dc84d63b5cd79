//! [`SpectralMatrix`]: the Hermitian matrix of auto- and cross-spectral densities at every
//! Welch frequency, with the coherence and the per-frequency densities of the information rate
//! (complex Cholesky log-determinants).

use ndarray::{Array1, Array3, ArrayView2, ArrayView3};
use realfft::num_complex::Complex64;

use super::welch::{Segments, hermitian_from_pairs};
use crate::error::{EstimatorError, Result};

/// The auto- and cross-spectral densities of `d` channels at the one-sided Welch frequencies
/// $f_k = k / (\text{nperseg}\cdot dt)$, $k = 0..\lfloor \text{nperseg}/2 \rfloor$.
///
/// Entry `(k, i, j)` of [`SpectralMatrix::values`] is $S_{ij}(f_k) = c_k\,\frac{dt}{K\sum_n
/// w_n^2}\sum_{s=1}^{K} \overline{X_i^{(s)}(f_k)}\,X_j^{(s)}(f_k)$, the one-sided density with
/// $c_k = 2$ except at $f = 0$ and the Nyquist frequency ($c_k = 1$); $X^{(s)}$ is the FFT of
/// the detrended, tapered segment $s$. Units: the data's units squared per unit frequency
/// (per cycle per unit time), so that $\sum_k S_{ii}(f_k)\,\Delta f$ is the window-weighted
/// mean square of the (detrended) segments, the variance for stationary data.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectralMatrix {
    values: Array3<Complex64>,
    frequencies: Vec<f64>,
    segments: Segments,
    dt: f64,
    dc_is_zero: bool,
}

impl SpectralMatrix {
    /// Assemble the matrix from the pair sums over segments, scaled by `factor(k)`.
    pub(crate) fn from_pairs(
        pairs: &[Complex64],
        d: usize,
        segments: Segments,
        dt: f64,
        dc_is_zero: bool,
        factor: impl Fn(usize) -> f64,
    ) -> Self {
        let nf = segments.n_frequencies();
        let df = 1.0 / (segments.nperseg as f64 * dt);
        Self {
            values: hermitian_from_pairs(pairs, d, nf, factor),
            frequencies: (0..nf).map(|k| k as f64 * df).collect(),
            segments,
            dt,
            dc_is_zero,
        }
    }

    /// The frequencies $f_k$, cycles per unit time.
    #[must_use]
    pub fn frequencies(&self) -> &[f64] {
        &self.frequencies
    }

    /// The matrices, indexed `[frequency, i, j]`.
    #[must_use]
    pub fn values(&self) -> ArrayView3<'_, Complex64> {
        self.values.view()
    }

    /// The matrix at frequency index `k`.
    ///
    /// # Panics
    /// When `k` is not below the number of frequencies.
    #[must_use]
    pub fn at(&self, k: usize) -> ArrayView2<'_, Complex64> {
        self.values.index_axis(ndarray::Axis(0), k)
    }

    /// Number of channels.
    #[must_use]
    pub fn dims(&self) -> usize {
        self.values.shape()[1]
    }

    /// How the series was cut into segments.
    #[must_use]
    pub fn segments(&self) -> Segments {
        self.segments
    }

    /// The sampling interval.
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// The frequency resolution $\Delta f = 1/(\text{nperseg}\cdot dt)$.
    #[must_use]
    pub fn resolution(&self) -> f64 {
        1.0 / (self.segments.nperseg as f64 * self.dt)
    }

    /// Whether the $f = 0$ coefficient of every segment is zero by construction (a boxcar
    /// window after constant detrending); the coherence and the rate density are then 0 there.
    #[must_use]
    pub fn dc_is_zero(&self) -> bool {
        self.dc_is_zero
    }

    /// The auto-spectral density $S_{ii}(f_k)$ of channel `i` (scipy's `welch`).
    ///
    /// # Panics
    /// When `i` is not a channel.
    #[must_use]
    pub fn psd(&self, i: usize) -> Array1<f64> {
        self.values.outer_iter().map(|m| m[[i, i]].re).collect()
    }

    /// The cross-spectral density $S_{ij}(f_k) = \langle\overline{X_i}X_j\rangle$ (scipy's
    /// `csd(x_i, x_j)`).
    ///
    /// # Panics
    /// When `i` or `j` is not a channel.
    #[must_use]
    pub fn csd(&self, i: usize, j: usize) -> Array1<Complex64> {
        self.values.outer_iter().map(|m| m[[i, j]]).collect()
    }

    /// The magnitude-squared coherence $\gamma^2_{ij}(f_k) = |S_{ij}|^2 / (S_{ii} S_{jj})$ (scipy's
    /// `coherence`), in [0, 1]; NaN where a channel has no power, 0 at $f = 0$ when
    /// [`SpectralMatrix::dc_is_zero`].
    ///
    /// # Panics
    /// When `i` or `j` is not a channel.
    #[must_use]
    pub fn coherence(&self, i: usize, j: usize) -> Array1<f64> {
        self.values
            .outer_iter()
            .enumerate()
            .map(|(k, m)| {
                if k == 0 && self.dc_is_zero {
                    0.0
                } else {
                    m[[i, j]].norm_sqr() / m[[i, i]].re / m[[j, j]].re
                }
            })
            .collect()
    }

    /// The density of the information rate between channels `0..dx` (X) and the rest (Y) at
    /// every frequency, nats per unit time per unit frequency:
    /// $\ln\det S_{XX} + \ln\det S_{YY} - \ln\det S$, from complex Cholesky factors.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `dx` unless `1 ≤ dx < dims`;
    /// [`EstimatorError::NotPositiveDefinite`] naming `x` or `y` at the first frequency whose
    /// matrix is singular to rounding.
    pub fn rate_density(&self, dx: usize) -> Result<Array1<f64>> {
        let d = self.dims();
        if dx == 0 || dx >= d {
            return Err(EstimatorError::InvalidParameter {
                name: "dx",
                reason: format!("must be in 1..{d} (X and Y each need a channel), got {dx}"),
            });
        }
        self.logdet_density(dx, self.frequencies.len())
    }

    /// [`SpectralMatrix::rate_density`] at the first `n_bins` frequencies.
    pub(crate) fn logdet_density(&self, dx: usize, n_bins: usize) -> Result<Array1<f64>> {
        let d = self.dims();
        let mut work = vec![Complex64::new(0.0, 0.0); d * d];
        let mut out = Array1::zeros(n_bins);
        for (k, slot) in out.iter_mut().enumerate() {
            if k == 0 && self.dc_is_zero {
                continue;
            }
            let m = self.at(k);
            let f = self.frequencies[k];
            let joint = cholesky_logdets(m, 0..d, dx, &mut work)
                .map_err(|pivot| singular(if pivot < dx { "x" } else { "y" }, pivot, f))?;
            let yy = cholesky_logdets(m, dx..d, d - dx, &mut work)
                .map_err(|pivot| singular("y", pivot + dx, f))?;
            // ln det S_XX + ln det S_YY − ln det S = ln det S_YY − ln det S_{Y|X}.
            *slot = yy.0 - joint.1;
        }
        Ok(out)
    }

    /// The density $-\ln(1-\gamma^2_{01})$ of two scalar channels at the first `n_bins`
    /// frequencies.
    pub(crate) fn coherence_density(&self, n_bins: usize) -> Result<Array1<f64>> {
        let tol = pivot_tolerance(2);
        let mut out = Array1::zeros(n_bins);
        for (k, slot) in out.iter_mut().enumerate() {
            if k == 0 && self.dc_is_zero {
                continue;
            }
            let m = self.at(k);
            let f = self.frequencies[k];
            let (sxx, syy) = (m[[0, 0]].re, m[[1, 1]].re);
            if sxx.is_nan() || sxx <= 0.0 {
                return Err(singular("x", 0, f));
            }
            if syy.is_nan() || syy <= 0.0 {
                return Err(singular("y", 1, f));
            }
            let coh = m[[0, 1]].norm_sqr() / sxx / syy;
            // 1 − γ² is the relative Cholesky pivot of y given x.
            if coh.is_nan() || 1.0 - coh <= tol {
                return Err(singular("y", 1, f));
            }
            *slot = -(-coh).ln_1p();
        }
        Ok(out)
    }
}

/// Largest relative Cholesky pivot $L_{kk}^2 / A_{kk}$ treated as zero for a `d × d` matrix (as
/// in the Gaussian estimator: rounding in a Schur complement is of order $d\,\varepsilon$).
fn pivot_tolerance(d: usize) -> f64 {
    16.0 * (d.max(1) as f64) * f64::EPSILON
}

/// The Cholesky factor of the principal submatrix of `m` on `idx` (a range of channels),
/// overwriting `work`; returns the log-determinants of its first `split` channels and of the
/// Schur complement of the rest given them, or the index (within `idx`) of a singular pivot.
fn cholesky_logdets(
    m: ArrayView2<'_, Complex64>,
    idx: std::ops::Range<usize>,
    split: usize,
    work: &mut [Complex64],
) -> std::result::Result<(f64, f64), usize> {
    let n = idx.len();
    let base = idx.start;
    let tol = pivot_tolerance(n);
    let (mut first, mut rest) = (0.0, 0.0);
    for j in 0..n {
        let diag = m[[base + j, base + j]].re;
        let mut pivot = diag;
        for k in 0..j {
            pivot -= work[j * n + k].norm_sqr();
        }
        let ratio = pivot / diag;
        if ratio.is_nan() || diag <= 0.0 || ratio <= tol {
            return Err(j);
        }
        let ljj = pivot.sqrt();
        work[j * n + j] = Complex64::new(ljj, 0.0);
        for i in j + 1..n {
            let mut v = m[[base + i, base + j]];
            for k in 0..j {
                v -= work[i * n + k] * work[j * n + k].conj();
            }
            work[i * n + j] = v / ljj;
        }
        let logdet = pivot.ln();
        if j < split {
            first += logdet;
        } else {
            rest += logdet;
        }
    }
    Ok((first, rest))
}

/// The error for a spectral matrix that is singular (to rounding) at channel `pivot` and
/// frequency `f`.
fn singular(argument: &'static str, pivot: usize, f: f64) -> EstimatorError {
    let hint = if argument == "y" {
        "where y is a noiseless linear filter of x (or a channel of y has no power, or repeats \
         others) the information rate is infinite: add the measurement noise, drop the \
         dependent channel, or set `cutoff` below this frequency"
    } else {
        "a channel of x has no power at this frequency or repeats others: drop it, or set \
         `cutoff` below this frequency"
    };
    EstimatorError::NotPositiveDefinite {
        argument,
        detail: format!("spectral matrix singular at channel {pivot} of x then y, f = {f}"),
        hint,
    }
}

#[cfg(test)]
mod tests {
    use ndarray::array;

    use super::*;

    /// The log-determinants of a Hermitian 2 × 2 matrix by hand: ln a and ln(c − |b|²/a).
    #[test]
    fn cholesky_of_a_two_by_two() {
        let b = Complex64::new(0.3, -0.4);
        let m = array![
            [Complex64::new(2.0, 0.0), b],
            [b.conj(), Complex64::new(1.0, 0.0)]
        ];
        let mut work = vec![Complex64::new(0.0, 0.0); 4];
        let (first, rest) = cholesky_logdets(m.view(), 0..2, 1, &mut work).unwrap();
        assert!((first - 2f64.ln()).abs() < 1e-15);
        assert!((rest - (1.0 - 0.25 / 2.0f64).ln()).abs() < 1e-15);
        let singular = array![
            [Complex64::new(1.0, 0.0), Complex64::new(0.0, 1.0)],
            [Complex64::new(0.0, -1.0), Complex64::new(1.0, 0.0)]
        ];
        assert_eq!(
            cholesky_logdets(singular.view(), 0..2, 1, &mut work),
            Err(1)
        );
    }
}
