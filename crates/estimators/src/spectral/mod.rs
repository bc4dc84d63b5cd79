//! Spectral estimators: Welch auto- and cross-spectra, coherence, and the information rate of
//! jointly stationary (Gaussian) time series.
//!
//! Brief overview: [`Welch`] (built with [`Welch::params`] → [`WelchParams`] →
//! [`WelchParams::check`]) gives the [`SpectralMatrix`] of any number of channels
//! ([`Welch::cross_spectra`], [`Welch::spectra`]), from which come the densities
//! ([`SpectralMatrix::psd`], [`SpectralMatrix::csd`]), the coherence
//! ([`SpectralMatrix::coherence`]) and the rate density ([`SpectralMatrix::rate_density`]).
//! [`InformationRate`] (built with [`InformationRate::params`]) integrates the rate density and
//! returns a [`RateEstimate`]: the rate in **nats per unit time** (the unit of `dt`), per
//! sample, the density and coherence over frequency, the segment count and bias, and the
//! optional surrogate baseline.
//!
//! # Formulas
//!
//! For jointly stationary Gaussian processes $x$ and $y$ (SPEC.md §1.4; Gelfand & Yaglom 1957,
//! Pinsker 1964), with $\gamma^2(f) = |S_{xy}(f)|^2/(S_{xx}(f)S_{yy}(f))$ the
//! magnitude-squared coherence and $f$ in cycles per unit time,
//!
//! $$R = -\frac{1}{4\pi}\int_{-\infty}^{\infty}\ln\big(1-\gamma^2(\omega)\big)\,d\omega
//!     = -\int_0^{\infty}\ln\big(1-\gamma^2(f)\big)\,df$$
//!
//! nats per unit time: $\omega = 2\pi f$ turns $d\omega/(4\pi)$ into $df/2$, and the even
//! integrand folds $(-\infty, \infty)$ onto $2\times[0, \infty)$. For a series sampled every
//! $dt$ the integral runs to the Nyquist frequency $1/(2\,dt)$ (or the cutoff $f_c$). With
//! $\nu = f\,dt$ in cycles per sample, $R\,dt = -\int_0^{1/2}\ln(1-\gamma^2(\nu))\,d\nu =
//! -\frac{1}{4\pi}\int_{-\pi}^{\pi}\ln(1-\gamma^2(\omega))\,d\omega$ with $\omega = 2\pi\nu$
//! radians per sample: SPEC.md §1.4's discrete-time rate per sample. So `dt = 1` gives nats
//! per sample, and [`RateEstimate::per_sample`] is always $R\,dt$. (For a sampled
//! continuous-time process the integral to Nyquist is the rate of the sampled process, which
//! misses the power above Nyquist and folds in its aliases.)
//!
//! For vector processes $X$ ($d_x$ channels) and $Y$ ($d_y$),
//!
//! $$R = -\int_0^{f_c}\ln\det\big(I - S_{XX}^{-1/2}S_{XY}S_{YY}^{-1}S_{YX}S_{XX}^{-1/2}\big)\,df
//!     = \int_0^{f_c}\big(\ln\det S_{XX} + \ln\det S_{YY} - \ln\det S\big)\,df,$$
//!
//! $S$ being the joint Hermitian spectral matrix of $(X, Y)$. Each log-determinant comes from a
//! complex Cholesky factor, and the density is computed as $\ln\det S_{YY} - \ln\det S_{Y|X}$
//! with the Schur complement read off the joint factor; for $d_x = d_y = 1$ it is
//! $-\ln(1-\gamma^2)$.
//!
//! # Computation
//!
//! - **Welch spectra** (scipy's `welch`/`csd`/`coherence` conventions): segments of `nperseg`
//!   samples starting every `nperseg − noverlap` ($\text{noverlap} = \lfloor
//!   \text{overlap}\cdot\text{nperseg}\rfloor$); each is detrended (`constant`: its mean is
//!   subtracted), tapered (periodic Hann or boxcar) and real-FFT'd; $S_{ij} =
//!   \frac{dt}{K\sum w^2}\sum_s \overline{X_i^{(s)}}X_j^{(s)}$ doubled except at 0 and Nyquist
//!   (one-sided), so $\sum_k S_{ii}(f_k)\,\Delta f$ equals the window-weighted mean square of
//!   the segments: the variance.
//! - Real FFTs come from `realfft` (on `rustfft`), one cached plan per length. Segments are
//!   split into at most 32 chunks of consecutive segments, set by the data's shape only; chunks
//!   run in parallel on rayon's pool and their sums are added in chunk order, so results are
//!   bitwise identical on any number of threads.
//! - **Integration**: the trapezoidal rule over the Welch grid $f_k = k/(\text{nperseg}\cdot
//!   dt)$ from 0 to $f_c$ (default: the highest grid frequency, Nyquist for even `nperseg`); a
//!   cutoff between two grid frequencies ends with a partial interval on the linearly
//!   interpolated density.
//! - **Bias**: with $K$ averaged segments the coherence is biased upward, by $1/K$ where it is
//!   zero. For Gaussian data and independent segments the density
//!   $\ln\det S_{XX} + \ln\det S_{YY} - \ln\det S$ is biased by exactly
//!   $\sum_{j=1}^{d_y}[\psi(K-j+1) - \psi(K-d_x-j+1)]$ at every frequency (the expectation of
//!   complex-Wishart log-determinants; $1/(K-1)$ for scalars), whatever the true coherence, so
//!   the rate is biased by that times $f_c$ (in nats per unit time; $0.5/(K-1)$ per sample
//!   at `dt = 1` and $f_c$ = Nyquist). Overlapping segments are correlated: the diagnostics
//!   use the effective count $K_{\text{eff}}$ ([`Segments::effective_segments`]). The result
//!   states both ([`RateDiagnostics`]); the estimate itself is not corrected by formula.
//! - **Baseline** (optional): the same rate between X and `n_baseline` surrogates of Y that
//!   keep Y's spectrum but not its alignment with X ([`Baseline::CircularShift`] by a seeded
//!   shift of at least `nperseg`, or [`Baseline::SegmentShuffle`]); their mean is subtracted.
//!   Raw and corrected values are both reported; a negative corrected value is kept, with a
//!   warning.
//!
//! A channel whose spectral matrix is singular at some frequency (Y a noiseless linear filter
//! of X: an infinite rate) is refused with
//! [`EstimatorError::NotPositiveDefinite`](crate::EstimatorError::NotPositiveDefinite) naming
//! the frequency; constant channels with `ZeroVariance`.
//!
//! ```
//! use infoscope_estimators::spectral::InformationRate;
//! use infoscope_estimators::Unit;
//! use ndarray::Array2;
//!
//! // y is x plus independent noise of the same spectrum: coherence 1/2 at every frequency
//! // (x: a seeded pseudo-random sequence; the noise: another one).
//! let mut state = 7u64;
//! let mut next = move || {
//!     state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
//!     (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
//! };
//! let x = Array2::from_shape_simple_fn((1 << 15, 1), &mut next);
//! let noise = Array2::from_shape_simple_fn((1 << 15, 1), &mut next);
//! let y = &x + &noise;
//! let rate = InformationRate::params().nperseg(256).check()?.rate(x.view(), y.view())?;
//! // −ln(1 − 1/2) over [0, 1/2] cycles per sample: ln 2 / 2 nats per sample.
//! assert!((rate.value - std::f64::consts::LN_2 / 2.0).abs() < 0.02);
//! assert!((rate.in_unit(Unit::Bits).value - 0.5).abs() < 0.03);
//! assert_eq!(rate.diagnostics.segments.n_segments, 255);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod hyperparams;
mod matrix;
mod rate;
mod welch;

pub use hyperparams::{
    Baseline, Detrend, InformationRate, InformationRateParams, Welch, WelchParams, Window,
};
pub use matrix::SpectralMatrix;
pub use rate::{BaselineSummary, METHOD, RateDiagnostics, RateEstimate};
pub use realfft::num_complex::Complex64;
pub use welch::{DEFAULT_MIN_SEGMENTS, DEFAULT_NPERSEG, Segments};
